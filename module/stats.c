// SPDX-License-Identifier: GPL-2.0
/*
 * Tally arithmetic: per-state counters and the TIME_WAIT remaining-time
 * statistics. Pure functions of their arguments, and the histogram bounds
 * in jiffies, set once at load; no locking.
 */
#include <linux/cache.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "internal.h"

const unsigned int tcpstates_tw_bounds_s[TCPSTATES_TW_NBOUNDS] = TCPSTATES_TW_BOUNDS;

void tcpstates_tally_init(struct tcpstates_tally *t)
{
	memset(t, 0, sizeof(*t));
	t->tw.min_j = ULONG_MAX;
}

/* Depends on HZ alone: computed once, at load. */
struct tcpstates_tw_bounds tcpstates_tw_bounds __ro_after_init;

void __init tcpstates_stats_init(void)
{
	struct tcpstates_tw_bounds *b = &tcpstates_tw_bounds;
	unsigned int i, ms;
	unsigned long j;

	for (i = 0; i < TCPSTATES_TW_NBOUNDS; i++) {
		ms = tcpstates_tw_bounds_s[i] * MSEC_PER_SEC;
		/* Rounded either way by HZ: step to the last that fits. */
		j = msecs_to_jiffies(ms);
		while (j && jiffies_to_msecs(j) > ms)
			j--;
		while (jiffies_to_msecs(j + 1) <= ms)
			j++;
		b->j[i] = j;
	}
}

void tcpstates_tw_finish(struct tcpstates_tw_stats *tw)
{
	tw->sum_ms = jiffies64_to_msecs(tw->sum_j);
	tw->min_ms = tw->count ? jiffies_to_msecs(tw->min_j) : 0;
	tw->max_ms = jiffies_to_msecs(tw->max_j);
}

u64 tcpstates_state_total(const struct tcpstates_tally *t, int state)
{
	return t->sockets[state][TCPSTATES_V4] + t->sockets[state][TCPSTATES_V6];
}
