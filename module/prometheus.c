// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcpstates: the snapshot in Prometheus text exposition format
 * 0.0.4, ready for node_exporter's textfile collector or any scraper.
 */
#include <linux/seq_file.h>

#include "internal.h"

static const char *const state_labels[TCPSTATES_NSTATES] = TCPSTATES_STATE_LABELS;
static const char *const family_labels[TCPSTATES_NFAMILIES] = TCPSTATES_FAMILY_LABELS;

static void put_family(struct seq_file *seq, const char *name,
		       const char *type, const char *help)
{
	seq_printf(seq, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void show_sockets(struct seq_file *seq, const struct tcpstates_tally *t)
{
	int s, f;

	put_family(seq, TCPSTATES_M_SOCKETS, "gauge",
		   "TCP sockets of this network namespace by state and address family.");
	for (s = TCPSTATES_FIRST_STATE; s <= TCPSTATES_LAST_STATE; s++)
		for (f = 0; f < TCPSTATES_NFAMILIES; f++)
			seq_printf(seq, "%s{state=\"%s\",family=\"%s\"} %llu\n",
				   TCPSTATES_M_SOCKETS, state_labels[s],
				   family_labels[f], t->sockets[s][f]);
}

static void show_tw_histogram(struct seq_file *seq,
			      const struct tcpstates_tw_stats *tw)
{
	u64 cumulative = 0;
	int i;

	put_family(seq, TCPSTATES_M_TW_REMAIN, "histogram",
		   "Time left on the timers of TIME_WAIT sockets.");
	for (i = 0; i < TCPSTATES_TW_NBOUNDS; i++) {
		cumulative += tw->hist[i];
		seq_printf(seq, "%s_bucket{le=\"%u\"} %llu\n",
			   TCPSTATES_M_TW_REMAIN, tcpstates_tw_bounds_s[i],
			   cumulative);
	}
	seq_printf(seq, "%s_bucket{le=\"+Inf\"} %llu\n", TCPSTATES_M_TW_REMAIN,
		   tw->count);
	seq_printf(seq, "%s_sum %llu.%03llu\n", TCPSTATES_M_TW_REMAIN,
		   tw->sum_ms / 1000, tw->sum_ms % 1000);
	seq_printf(seq, "%s_count %llu\n", TCPSTATES_M_TW_REMAIN, tw->count);
}

static void show_gauge(struct seq_file *seq, const char *name,
		       const char *help, long long value)
{
	put_family(seq, name, "gauge", help);
	seq_printf(seq, "%s %lld\n", name, value);
}

/* seq_file show of /proc/net/tcpstates; @v is the open file's snapshot. */
int tcpstates_show_prometheus(struct seq_file *seq, void *v)
{
	const struct tcpstates_snapshot *snap = v;

	show_sockets(seq, &snap->tally);
	show_tw_histogram(seq, &snap->tally.tw);
	show_gauge(seq, TCPSTATES_M_TW_BUCKETS,
		   "Timewait sockets of this namespace (TIME_WAIT and orphaned FIN_WAIT2), as counted against net.ipv4.tcp_max_tw_buckets.",
		   snap->tw_in_use);
	show_gauge(seq, TCPSTATES_M_TW_LIMIT,
		   "net.ipv4.tcp_max_tw_buckets: beyond it closing connections skip TIME_WAIT.",
		   snap->tw_limit);
	show_gauge(seq, TCPSTATES_M_WALKED,
		   "Table entries of this namespace the walk behind these numbers visited.",
		   snap->walk.walked);
	put_family(seq, TCPSTATES_M_WALK_TIME, "gauge",
		   "Duration of the walk behind these numbers.");
	seq_printf(seq, "%s %llu.%09llu\n", TCPSTATES_M_WALK_TIME,
		   snap->walk.ns / NSEC_PER_SEC, snap->walk.ns % NSEC_PER_SEC);
	return 0;
}
