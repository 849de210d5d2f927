/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The comparison every count test makes: the numbers a test generated,
 * /proc/tcpstates, /proc/net/tcpstates, sock_diag and /proc/net/tcp{,6}
 * must all agree. Included by one test program each (static functions,
 * harness macros).
 */
#ifndef _TCPSTATES_CHECK_COUNTS_H
#define _TCPSTATES_CHECK_COUNTS_H

#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "kselftest_harness.h"
#include "oracle.h"
#include "parse.h"

#define CHECK_BUF_SIZE (64 * 1024)

static const char *const names[TCPSTATES_NSTATES] = TCPSTATES_STATE_NAMES;

struct expect {
	unsigned int n[TCPSTATES_NSTATES][2];
};

/*
 * Polls sock_diag for up to 20 s until it shows exactly @e; if it never
 * does, @why says what the last dump showed instead.
 */
static bool diag_settles_to(const struct expect *e, bool with_close,
			    char *why, size_t len)
{
	static struct oracle_counts oc;
	struct timespec ms = { 0, 10000000 }, t0, t;
	int s, f;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		bool same = !oracle_sock_diag(&oc, with_close);

		snprintf(why, len, "the dump failed");
		for (s = 1; same && s <= TCPSTATES_LAST_STATE; s++)
			for (f = 0; same && f < 2; f++)
				if ((s != TCP_CLOSE || with_close) &&
				    oc.sockets[s][f] != e->n[s][f]) {
					snprintf(why, len, "%s ipv%d: %u, not %u",
						 names[s], f ? 6 : 4,
						 oc.sockets[s][f], e->n[s][f]);
					same = false;
				}
		if (same)
			return true;
		nanosleep(&ms, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < 20);
	return false;
}

/*
 * The whole comparison: expected numbers, both oracles, both files. Only
 * sock_diag on a kernel with TCP_BOUND_INACTIVE sees CLOSE sockets, so
 * there the generator's numbers stand alone.
 */
static void check_counts(struct __test_metadata *_metadata,
			 const struct expect *e, struct ts_prom *prom_out)
{
	static struct oracle_counts diag, proc;
	static char text[CHECK_BUF_SIZE], err[256], why[128];
	bool with_close = oracle_has_bound_inactive();
	struct ts_summary sum;
	struct ts_prom prom;
	int s, f;

	ASSERT_TRUE(diag_settles_to(e, with_close, why, sizeof(why)))
		TH_LOG("sock_diag never showed the generated sockets: %s", why);
	ASSERT_LT(0, ts_read_file(TCPSTATES_PROC_PATH, text, sizeof(text)));
	ASSERT_EQ(0, ts_parse_summary(text, &sum, err, sizeof(err)))
		TH_LOG("%s: %s", TCPSTATES_PROC_PATH, err);
	ASSERT_LT(0, ts_read_file(TCPSTATES_PROC_NET_PATH, text, sizeof(text)));
	ASSERT_EQ(0, ts_parse_prometheus(text, &prom, err, sizeof(err)))
		TH_LOG("%s: %s", TCPSTATES_PROC_NET_PATH, err);
	ASSERT_EQ(0, oracle_sock_diag(&diag, with_close));
	ASSERT_EQ(0, oracle_proc_net_tcp(&proc));

	for (s = TCPSTATES_FIRST_STATE; s <= TCPSTATES_LAST_STATE; s++) {
		for (f = 0; f < 2; f++) {
			unsigned int want = e->n[s][f];

			EXPECT_EQ(want, sum.sockets[s][f])
				TH_LOG("/proc/tcpstates %s ipv%d", names[s], f ? 6 : 4);
			EXPECT_EQ(want, prom.sockets[s][f])
				TH_LOG("/proc/net/tcpstates %s ipv%d", names[s], f ? 6 : 4);
			if (s != TCP_CLOSE || with_close)
				EXPECT_EQ(want, diag.sockets[s][f])
					TH_LOG("sock_diag %s ipv%d", names[s], f ? 6 : 4);
			if (s != TCP_CLOSE)
				EXPECT_EQ(want, proc.sockets[s][f])
					TH_LOG("/proc/net/tcp %s ipv%d", names[s], f ? 6 : 4);
		}
	}
	EXPECT_EQ(e->n[TCP_TIME_WAIT][0] + e->n[TCP_TIME_WAIT][1], prom.tw_count);
	EXPECT_EQ(prom.tw_count, sum.tw_count);
	if (prom_out)
		*prom_out = prom;
}

#endif /* _TCPSTATES_CHECK_COUNTS_H */
