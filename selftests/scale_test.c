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
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
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

FIXTURE(scale) {
	struct expect e;
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
}

FIXTURE_TEARDOWN(scale)
{
}

TEST_F_TIMEOUT(scale, time_wait_50k_established_10k, 900)
{
	int families[2] = { AF_INET, AF_INET6 };
	struct ts_prom prom;
	int f, i, lfd, c, a;

	if (tw_per_family != 25000 || pairs_per_family != 2500)
		TH_LOG("scaled down by the environment: %d TIME_WAIT and %d pairs per family",
		       tw_per_family, pairs_per_family);
	for (f = 0; f < 2; f++) {
		lfd = sg_listener(families[f], 4096);
		self->e.n[TCP_LISTEN][f] = 1;
		for (i = 0; i < tw_per_family; i++)
			time_wait(lfd);
		self->e.n[TCP_TIME_WAIT][f] = tw_per_family;
		for (i = 0; i < pairs_per_family; i++)
			sg_pair(lfd, &c, &a);
		self->e.n[TCP_ESTABLISHED][f] = 2 * pairs_per_family;
	}
	check_counts(_metadata, &self->e, &prom);
	EXPECT_EQ(2 * tw_per_family, prom.tw_in_use);
	TH_LOG("walk of %lld entries took %.3f ms", prom.walked,
	       prom.walk_seconds * 1000);
}

TEST_HARNESS_MAIN
