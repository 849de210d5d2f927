// SPDX-License-Identifier: GPL-2.0
/*
 * 50,000 TIME_WAIT and 10,000 ESTABLISHED sockets, half IPv4, half IPv6,
 * counted exactly: both files against sock_diag and /proc/net/tcp{,6}.
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

#define TIME_WAIT_PER_FAMILY	25000
#define PAIRS_PER_FAMILY	2500

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
	struct rlimit rl = { 4 * PAIRS_PER_FAMILY + 1024, 4 * PAIRS_PER_FAMILY + 1024 };

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

	for (f = 0; f < 2; f++) {
		lfd = sg_listener(families[f], 4096);
		self->e.n[TCP_LISTEN][f] = 1;
		for (i = 0; i < TIME_WAIT_PER_FAMILY; i++)
			time_wait(lfd);
		self->e.n[TCP_TIME_WAIT][f] = TIME_WAIT_PER_FAMILY;
		for (i = 0; i < PAIRS_PER_FAMILY; i++)
			sg_pair(lfd, &c, &a);
		self->e.n[TCP_ESTABLISHED][f] = 2 * PAIRS_PER_FAMILY;
	}
	check_counts(_metadata, &self->e, &prom);
	EXPECT_EQ(2 * TIME_WAIT_PER_FAMILY, prom.tw_in_use);
	TH_LOG("walk of %lld entries took %.3f ms", prom.walked,
	       prom.walk_seconds * 1000);
}

TEST_HARNESS_MAIN
