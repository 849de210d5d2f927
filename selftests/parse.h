/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict parsers of what tcpstates prints: /proc/tcpstates (the summary,
 * read with lang=en or both) and /proc/net/tcpstates (Prometheus text
 * format 0.0.4). A parser fails on anything it does not expect, naming
 * the line, so a malformed file fails the test that reads it.
 */
#ifndef _TCPSTATES_PARSE_H
#define _TCPSTATES_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <tcpstates.h>

struct ts_summary {
	unsigned int netns;
	unsigned long long walked;
	unsigned long long sockets[TCPSTATES_NSTATES][2];	/* ipv4, ipv6 */
	unsigned long long tw_count;
	/* Seconds left, in tenths, when tw_count > 0. */
	unsigned int tw_min_ds, tw_mean_ds, tw_max_ds;
	unsigned long long tw_hist[TCPSTATES_TW_NBOUNDS + 1];	/* not cumulative */
	int tw_in_use, tw_limit;
};

struct ts_prom {
	unsigned long long sockets[TCPSTATES_NSTATES][2];
	unsigned long long tw_bucket[TCPSTATES_TW_NBOUNDS + 1];	/* cumulative */
	double tw_sum;
	unsigned long long tw_count;
	long long tw_in_use, tw_limit, walked;
	double walk_seconds;
};

/* A table's line of /sys/kernel/debug/tcpstates/stats. */
enum { TS_T_ESTABLISHED, TS_T_LISTENING, TS_T_BIND, TS_NTABLES };

struct ts_table_stats {
	unsigned long long buckets, nonempty, entries, full, request, timewait;
	unsigned long long pauses, restarts, us;
};

#define TS_DEBUGFS_DIR		"/sys/kernel/debug/tcpstates"
#define TS_DEBUGFS_STATS	TS_DEBUGFS_DIR "/stats"

/* Reads a whole file; returns its length or -errno. */
ssize_t ts_read_file(const char *path, char *buf, size_t size);

/* Return 0, or -1 with a reason in err. */
int ts_parse_summary(const char *text, struct ts_summary *s,
		     char *err, size_t errlen);
int ts_parse_prometheus(const char *text, struct ts_prom *p,
			char *err, size_t errlen);
/* Bytes in the longest line of @s. */
size_t ts_longest_line(const char *s);
/* The walked figure of a fresh read of /proc/net/tcpstates, or -1. */
long long ts_read_walked(void);
/* The three table lines of the stats file into t[TS_NTABLES]. */
int ts_parse_stats(const char *text, struct ts_table_stats *t,
		   char *err, size_t errlen);

#endif /* _TCPSTATES_PARSE_H */
