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

#define TIME_WAIT_PER_FAMILY	25000
#define PAIRS_PER_FAMILY	2500
#define BUF_SIZE		(64 * 1024)

static const char *const names[TCPSTATES_NSTATES] = TCPSTATES_STATE_NAMES;

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
	unsigned int want[TCPSTATES_NSTATES][2];
};

FIXTURE_SETUP(scale)
{
	struct rlimit rl = { 4 * PAIRS_PER_FAMILY + 1024, 4 * PAIRS_PER_FAMILY + 1024 };

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	sg_new_netns();
	sg_sysctl("net/ipv4/tcp_tw_reuse", "0");
	sg_sysctl("net/ipv4/tcp_max_tw_buckets", "200000");
	sg_sysctl("net/ipv4/ip_local_port_range", "1024 65535");
	memset(self->want, 0, sizeof(self->want));
}

FIXTURE_TEARDOWN(scale)
{
}

static bool diag_shows(const unsigned int want[][2], struct oracle_counts *oc)
{
	int s, f;

	if (oracle_sock_diag(oc, false))
		return false;
	for (s = TCPSTATES_FIRST_STATE; s <= TCPSTATES_LAST_STATE; s++)
		for (f = 0; f < 2; f++)
			if (s != TCP_CLOSE && oc->sockets[s][f] != want[s][f])
				return false;
	return true;
}

TEST_F_TIMEOUT(scale, time_wait_50k_established_10k, 900)
{
	static struct oracle_counts diag, proc;
	static char text[BUF_SIZE], err[256];
	int families[2] = { AF_INET, AF_INET6 };
	struct ts_summary sum;
	struct ts_prom prom;
	int f, i, s, lfd, c, a, tries;

	for (f = 0; f < 2; f++) {
		lfd = sg_listener(families[f], 4096);
		self->want[TCP_LISTEN][f] = 1;
		for (i = 0; i < TIME_WAIT_PER_FAMILY; i++)
			time_wait(lfd);
		self->want[TCP_TIME_WAIT][f] = TIME_WAIT_PER_FAMILY;
		for (i = 0; i < PAIRS_PER_FAMILY; i++)
			sg_pair(lfd, &c, &a);
		self->want[TCP_ESTABLISHED][f] = 2 * PAIRS_PER_FAMILY;
	}
	/* The last ACKs may still be on their way: wait for sock_diag. */
	for (tries = 0; tries < 100 && !diag_shows(self->want, &diag); tries++)
		usleep(100000);

	ASSERT_LT(0, ts_read_file(TCPSTATES_PROC_PATH, text, sizeof(text)));
	ASSERT_EQ(0, ts_parse_summary(text, &sum, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_LT(0, ts_read_file(TCPSTATES_PROC_NET_PATH, text, sizeof(text)));
	ASSERT_EQ(0, ts_parse_prometheus(text, &prom, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, oracle_sock_diag(&diag, false));
	ASSERT_EQ(0, oracle_proc_net_tcp(&proc));

	for (s = TCPSTATES_FIRST_STATE; s <= TCPSTATES_LAST_STATE; s++) {
		if (s == TCP_CLOSE)
			continue;
		for (f = 0; f < 2; f++) {
			EXPECT_EQ(self->want[s][f], sum.sockets[s][f])
				TH_LOG("/proc/tcpstates %s ipv%d", names[s], f ? 6 : 4);
			EXPECT_EQ(self->want[s][f], prom.sockets[s][f])
				TH_LOG("/proc/net/tcpstates %s ipv%d", names[s], f ? 6 : 4);
			EXPECT_EQ(self->want[s][f], diag.sockets[s][f])
				TH_LOG("sock_diag %s ipv%d", names[s], f ? 6 : 4);
			EXPECT_EQ(self->want[s][f], proc.sockets[s][f])
				TH_LOG("/proc/net/tcp %s ipv%d", names[s], f ? 6 : 4);
		}
	}
	EXPECT_EQ(2 * TIME_WAIT_PER_FAMILY, prom.tw_count);
	EXPECT_EQ(2 * TIME_WAIT_PER_FAMILY, prom.tw_in_use);
	TH_LOG("walk of %lld entries took %.3f ms", prom.walked,
	       prom.walk_seconds * 1000);
}

TEST_HARNESS_MAIN
