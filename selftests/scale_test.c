// SPDX-License-Identifier: GPL-2.0
/*
 * 50,000 TIME_WAIT and 10,000 ESTABLISHED sockets, half IPv4, half IPv6,
 * counted exactly: both files against sock_diag and /proc/net/tcp{,6}.
 *
 * Every TIME_WAIT socket must still be alive when they are counted, and
 * each lives 60 s: a kernel too slow to make them all within that (the
 * debug kernel under TCG makes about 55 a second) gets smaller numbers
 * through the environment, TCPSTATES_SCALE_TW and TCPSTATES_SCALE_PAIRS
 * (per family), and says so in the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int tw_per_family = 25000;
static int pairs_per_family = 2500;

static void sizes_from_env(void)
{
	const char *tw = getenv("TCPSTATES_SCALE_TW");
	const char *pairs = getenv("TCPSTATES_SCALE_PAIRS");

	if (tw)
		tw_per_family = atoi(tw);
	if (pairs)
		pairs_per_family = atoi(pairs);
}

/* One TIME_WAIT on the client: it closes, the server closes on EOF. */
static void time_wait(int lfd)
{
	int c, s;
	char b;

	sg_pair(lfd, &c, &s);
	close(c);
	if (read(s, &b, 1) != 0)
		exit(2);
	close(s);
}

/*
 * Makes one family's sockets in a child, which keeps them open until it is
 * killed, and writes a byte to @done once they all exist. A child per
 * family makes both at once on the guest's two CPUs. The pairs come
 * first, so the TIME_WAIT sockets are as young as they can be when counted.
 */
static pid_t start_family(int family, int done)
{
	int lfd, i, c, a;
	pid_t pid = fork();

	if (pid)
		return pid;
	lfd = sg_listener(family, 4096);
	for (i = 0; i < pairs_per_family; i++)
		sg_pair(lfd, &c, &a);
	for (i = 0; i < tw_per_family; i++)
		time_wait(lfd);
	if (write(done, "", 1) != 1)
		exit(2);
	for (;;)
		pause();
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec - t0->tv_sec + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * Lines of the debugfs timewait view after its header, read 64 KiB at a
 * time; -1 if it cannot be read.
 */
static long timewait_lines(void)
{
	static char buf[64 * 1024];
	long lines = 0;
	ssize_t n, i;
	int fd;

	fd = open(TS_DEBUGFS_DIR "/timewait", O_RDONLY);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return n < 0 ? -1 : lines - 1;
}

FIXTURE(scale) {
	struct expect e;
	pid_t child[2];
};

FIXTURE_SETUP(scale)
{
	struct rlimit rl;

	sizes_from_env();
	rl.rlim_cur = rl.rlim_max = 4 * pairs_per_family + 1024;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	sg_new_netns();
	sg_sysctl("net/ipv4/tcp_tw_reuse", "0");
	sg_sysctl("net/ipv4/tcp_max_tw_buckets", "200000");
	sg_sysctl("net/ipv4/ip_local_port_range", "1024 65535");
	memset(&self->e, 0, sizeof(self->e));
	self->child[0] = self->child[1] = 0;
}

FIXTURE_TEARDOWN(scale)
{
	int f;

	for (f = 0; f < 2; f++) {
		if (self->child[f] > 0) {
			kill(self->child[f], SIGKILL);
			waitpid(self->child[f], NULL, 0);
		}
	}
}

TEST_F_TIMEOUT(scale, time_wait_50k_established_10k, 900)
{
	int families[2] = { AF_INET, AF_INET6 };
	struct ts_prom prom;
	struct timespec t0;
	int f, done[2];
	double took;
	char b;

	if (tw_per_family != 25000 || pairs_per_family != 2500)
		TH_LOG("scaled down by the environment: %d TIME_WAIT and %d pairs per family",
		       tw_per_family, pairs_per_family);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, pipe(done));
	for (f = 0; f < 2; f++) {
		self->child[f] = start_family(families[f], done[1]);
		ASSERT_LT(0, self->child[f]);
	}
	close(done[1]);
	for (f = 0; f < 2; f++) {
		/* EOF: a child died (its generator says why). */
		ASSERT_EQ(1, read(done[0], &b, 1));
		self->e.n[TCP_LISTEN][f] = 1;
		self->e.n[TCP_ESTABLISHED][f] = 2 * pairs_per_family;
		self->e.n[TCP_TIME_WAIT][f] = tw_per_family;
	}
	took = seconds_since(&t0);
	TH_LOG("made the sockets in %.1f s", took);
	/* Leaves sock_diag's polling 20 s before the first ones expire. */
	ASSERT_GT(40, took)
		TH_LOG("too slow: the first TIME_WAIT sockets expire at 60 s; set TCPSTATES_SCALE_TW lower");
	check_counts(_metadata, &self->e, &prom);
	EXPECT_EQ(2 * tw_per_family, prom.tw_in_use);
	TH_LOG("walk of %lld entries took %.3f ms", prom.walked,
	       prom.walk_seconds * 1000);
	/* The listing, at this scale: one line per timewait socket. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_EQ(2 * tw_per_family, timewait_lines());
	TH_LOG("the timewait view listed them in %.3f s", seconds_since(&t0));
}

TEST_HARNESS_MAIN
