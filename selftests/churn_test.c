// SPDX-License-Identifier: GPL-2.0
/*
 * Exact counts under churn. A stable mix of sockets in one namespace is
 * counted exactly by every one of a thousand reads, while other namespaces
 * open and reset connections as fast as they can through the same buckets,
 * keeping a thousand each open at any time.
 *
 * It bites with tables small enough that every chain is longer than one
 * lock hold of the walk (256 entries), so that reads pause inside chains
 * that others change meanwhile: the bench boots a guest with
 * thash_entries=16 for it (16 established and bind buckets). On a guest
 * with full-sized tables it still passes, proving less.
 */
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "oracle.h"
#include "parse.h"
#include "sockgen.h"
#include "check_counts.h"

#define PAIRS		1500	/* ESTABLISHED pairs per family */
#define HALF_CLOSED	200	/* CLOSE_WAIT + FIN_WAIT2 pairs per family */
#define BOUND		300	/* CLOSE sockets per family */
#define READS		1000	/* of each file; TCPSTATES_CHURN_READS */
#define CHURNERS	2
#define POOL		1000	/* connections each churner keeps open */

/* Resets a connection: no TIME_WAIT is left behind. */
static void reset_pair(int c, int s)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) ||
	    setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		exit(2);
	close(c);
	close(s);
}

/*
 * A child in a namespace of its own that keeps POOL connections open and
 * replaces the oldest, reset, with a new one, until killed; it counts them
 * in @done, shared with the parent. Its sockets live about a second, in
 * the same chains as the mix, so that the socket a read holds across a
 * pause is now and then one that goes away meanwhile.
 */
static pid_t start_churner(int family, volatile unsigned long *done)
{
	static int c[POOL], s[POOL];
	pid_t pid = fork();
	int lfd, i;

	if (pid)
		return pid;
	sg_new_netns();
	lfd = sg_listener(family, 128);
	for (i = 0; i < POOL; i++)
		sg_pair(lfd, &c[i], &s[i]);
	for (i = 0;; i = (i + 1) % POOL) {
		reset_pair(c[i], s[i]);
		sg_pair(lfd, &c[i], &s[i]);
		(*done)++;
	}
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void make_mix(int family, unsigned int f, struct expect *e)
{
	int lfd = sg_listener(family, 4096);
	int i, c, s;

	e->n[TCP_LISTEN][f] = 1;
	for (i = 0; i < PAIRS; i++)
		sg_pair(lfd, &c, &s);
	e->n[TCP_ESTABLISHED][f] = 2 * PAIRS;
	for (i = 0; i < HALF_CLOSED; i++)
		sg_close_wait(lfd, false, &c);
	e->n[TCP_CLOSE_WAIT][f] = HALF_CLOSED;
	e->n[TCP_FIN_WAIT2][f] = HALF_CLOSED;
	for (i = 0; i < BOUND; i++)
		sg_bound(family);
	e->n[TCP_CLOSE][f] = BOUND;
}

/* Whether one whole read of files' numbers is the mix, state by state. */
static bool read_is_mix(bool prom_file, const struct expect *e, char *why,
			size_t len)
{
	static char text[CHECK_BUF_SIZE];
	struct ts_summary sum;
	struct ts_prom prom;
	char err[256];
	int s, f;

	if (ts_read_file(prom_file ? TCPSTATES_PROC_NET_PATH :
			 TCPSTATES_PROC_PATH, text, sizeof(text)) <= 0) {
		snprintf(why, len, "read failed");
		return false;
	}
	if (prom_file ? ts_parse_prometheus(text, &prom, err, sizeof(err)) :
	    ts_parse_summary(text, &sum, err, sizeof(err))) {
		snprintf(why, len, "parse: %s", err);
		return false;
	}
	for (s = TCPSTATES_FIRST_STATE; s <= TCPSTATES_LAST_STATE; s++) {
		for (f = 0; f < 2; f++) {
			unsigned long long got = prom_file ? prom.sockets[s][f] :
							     sum.sockets[s][f];

			if (got != e->n[s][f]) {
				snprintf(why, len, "%s ipv%d: %llu, not %u",
					 names[s], f ? 6 : 4, got, e->n[s][f]);
				return false;
			}
		}
	}
	return true;
}

FIXTURE(churn) {
	struct expect e;
	pid_t churner[CHURNERS];
	volatile unsigned long *done;	/* connections reset, per churner */
};

FIXTURE_SETUP(churn)
{
	struct rlimit rl = { 16384, 16384 };

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	memset(&self->e, 0, sizeof(self->e));
	memset(self->churner, 0, sizeof(self->churner));
	self->done = mmap(NULL, CHURNERS * sizeof(*self->done),
			  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			  -1, 0);
	ASSERT_NE(MAP_FAILED, self->done);
}

FIXTURE_TEARDOWN(churn)
{
	int i;

	for (i = 0; i < CHURNERS; i++) {
		if (self->churner[i] > 0) {
			kill(self->churner[i], SIGKILL);
			waitpid(self->churner[i], NULL, 0);
		}
	}
}

static unsigned long churned(volatile unsigned long *done)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < CHURNERS; i++)
		n += done[i];
	return n;
}

/*
 * Adds the pauses and restarts of the last walk (the read just made) per
 * table to @sum, from the module's debugfs stats; false if unreadable.
 */
static bool add_walk_stats(struct ts_table_stats *sum)
{
	static char text[8192];
	struct ts_table_stats t[TS_NTABLES];
	char err[128];
	int i;

	if (ts_read_file(TS_DEBUGFS_STATS, text, sizeof(text)) <= 0 ||
	    ts_parse_stats(text, t, err, sizeof(err)))
		return false;
	for (i = 0; i < TS_NTABLES; i++) {
		sum[i].buckets = t[i].buckets;
		sum[i].entries = t[i].entries;
		sum[i].pauses += t[i].pauses;
		sum[i].restarts += t[i].restarts;
	}
	return true;
}

/*
 * With more entries of the mix than 256 per bucket, some chain is longer
 * than a lock hold, so the reads must have paused inside it.
 */
static void check_pauses(struct __test_metadata *_metadata,
			 const struct ts_table_stats *sum, int reads)
{
	static const char *const names[TS_NTABLES] = {
		"established", "listening", "bind",
	};
	int i;

	for (i = 0; i < TS_NTABLES; i++) {
		TH_LOG("%s: %llu buckets, %llu entries; in %d walks %llu pauses, %llu restarts",
		       names[i], sum[i].buckets, sum[i].entries, reads,
		       sum[i].pauses, sum[i].restarts);
		if (sum[i].entries > 256 * sum[i].buckets)
			EXPECT_LT(0, sum[i].pauses) TH_LOG("%s never paused", names[i]);
	}
}

TEST_F_TIMEOUT(churn, stable_mix_exact_in_every_read, 900)
{
	struct ts_table_stats sum[TS_NTABLES] = {};
	const char *env = getenv("TCPSTATES_CHURN_READS");
	int reads = env ? atoi(env) : READS;
	struct timespec ms = { 0, 1000000 };
	unsigned long before;
	char why[320] = "";
	int i, bad = 0;
	double t0;

	sg_new_netns();
	make_mix(AF_INET, 0, &self->e);
	make_mix(AF_INET6, 1, &self->e);
	/* The mix is what the oracles and both files say, before any churn. */
	check_counts(_metadata, &self->e, NULL);

	for (i = 0; i < CHURNERS; i++) {
		self->churner[i] = start_churner(i ? AF_INET6 : AF_INET,
						 &self->done[i]);
		ASSERT_LT(0, self->churner[i]);
	}
	/* Reads start once every churner has. */
	for (i = 0; i < CHURNERS; i++)
		while (!self->done[i])
			nanosleep(&ms, NULL);
	before = churned(self->done);
	t0 = now();

	if (reads != READS)
		TH_LOG("%d reads of each file, set by the environment", reads);
	for (i = 0; i < 2 * reads; i++) {
		if (!read_is_mix(i % 2, &self->e, why, sizeof(why)) && !bad++)
			TH_LOG("read %d of %s: %s", i / 2,
			       i % 2 ? "/proc/net/tcpstates" : "/proc/tcpstates",
			       why);
		ASSERT_TRUE(add_walk_stats(sum));
	}
	EXPECT_EQ(0, bad) TH_LOG("%d of %d reads were not the mix", bad, 2 * reads);
	TH_LOG("%lu connections reset in other namespaces during %d reads (%.1f s)",
	       churned(self->done) - before, 2 * reads, now() - t0);
	/* Churn that stopped early would prove nothing. */
	EXPECT_LT(before + reads, churned(self->done));
	check_pauses(_metadata, sum, 2 * reads);

	for (i = 0; i < CHURNERS; i++) {
		kill(self->churner[i], SIGKILL);
		waitpid(self->churner[i], NULL, 0);
		self->churner[i] = 0;
	}
	check_counts(_metadata, &self->e, NULL);
}

TEST_HARNESS_MAIN
