// SPDX-License-Identifier: GPL-2.0
/*
 * Tally arithmetic: per-state counters and the TIME_WAIT remaining-time
 * statistics. Pure functions of their arguments; no locking.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "internal.h"

const unsigned int tcpstates_tw_bounds_s[TCPSTATES_TW_NBOUNDS] = TCPSTATES_TW_BOUNDS;

void tcpstates_tally_init(struct tcpstates_tally *t)
{
	memset(t, 0, sizeof(*t));
	t->tw.min_ms = U32_MAX;
}

static unsigned int tw_bucket(u32 remaining_ms)
{
	unsigned int i;

	for (i = 0; i < TCPSTATES_TW_NBOUNDS; i++)
		if (remaining_ms <= tcpstates_tw_bounds_s[i] * MSEC_PER_SEC)
			break;
	return i;
}

void tcpstates_tw_add(struct tcpstates_tw_stats *tw, u32 remaining_ms)
{
	tw->count++;
	tw->sum_ms += remaining_ms;
	tw->min_ms = min(tw->min_ms, remaining_ms);
	tw->max_ms = max(tw->max_ms, remaining_ms);
	tw->hist[tw_bucket(remaining_ms)]++;
}

u64 tcpstates_state_total(const struct tcpstates_tally *t, int state)
{
	return t->sockets[state][TCPSTATES_V4] + t->sockets[state][TCPSTATES_V6];
}
