/* SPDX-License-Identifier: GPL-2.0 */
/* Interfaces between the files of the tcpstates module. */
#ifndef _TCPSTATES_INTERNAL_H
#define _TCPSTATES_INTERNAL_H

#include <linux/types.h>
#include <tcpstates.h>

struct net;
struct seq_file;

enum tcpstates_family { TCPSTATES_V4, TCPSTATES_V6, TCPSTATES_NFAMILIES };

enum tcpstates_lang {
	TCPSTATES_LANG_EN,
	TCPSTATES_LANG_ZH,
	TCPSTATES_LANG_BOTH,
	TCPSTATES_NLANGS
};

/* Remaining lifetime of the timewait sockets in substate TIME_WAIT. */
struct tcpstates_tw_stats {
	u64 count;
	u64 sum_ms;
	u32 min_ms;
	u32 max_ms;
	/* Not cumulative: hist[i] counts (bound[i - 1], bound[i]] seconds. */
	u64 hist[TCPSTATES_TW_NBOUNDS + 1];
};

/* What one walk counts; also used per bucket so a bucket can be redone. */
struct tcpstates_tally {
	u64 sockets[TCPSTATES_NSTATES][TCPSTATES_NFAMILIES];
	struct tcpstates_tw_stats tw;
	u64 walked;		/* table entries visited, every namespace */
};

/* Everything a read of either proc file prints, taken once per open. */
struct tcpstates_snapshot {
	struct tcpstates_tally tally;
	u64 walk_ns;
	unsigned int netns_ino;
	int tw_in_use;		/* timewait sockets of this netns, any substate */
	int tw_limit;		/* net.ipv4.tcp_max_tw_buckets */
	enum tcpstates_lang lang;
};

/* stats.c */
extern const unsigned int tcpstates_tw_bounds_s[TCPSTATES_TW_NBOUNDS];
void tcpstates_tally_init(struct tcpstates_tally *t);
void tcpstates_tally_merge(struct tcpstates_tally *dst,
			   const struct tcpstates_tally *src);
void tcpstates_tw_add(struct tcpstates_tw_stats *tw, u32 remaining_ms);
u64 tcpstates_state_total(const struct tcpstates_tally *t, int state);

/* walk.c */
void tcpstates_walk(struct net *net, struct tcpstates_snapshot *snap);

/* text.c */
enum tcpstates_lang tcpstates_lang(void);
int tcpstates_show_summary(struct seq_file *seq, void *v);

/* prometheus.c */
int tcpstates_show_prometheus(struct seq_file *seq, void *v);

/* procfs.c */
int tcpstates_procfs_init(void);
void tcpstates_procfs_exit(void);

#endif /* _TCPSTATES_INTERNAL_H */
