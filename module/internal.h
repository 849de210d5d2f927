/* SPDX-License-Identifier: GPL-2.0 */
/* Interfaces between the files of the tcpstates module. */
#ifndef _TCPSTATES_INTERNAL_H
#define _TCPSTATES_INTERNAL_H

#include <linux/types.h>
#include <tcpstates.h>

struct file;
struct inode;
struct net;
struct seq_file;

enum tcpstates_family { TCPSTATES_V4, TCPSTATES_V6, TCPSTATES_NFAMILIES };

enum tcpstates_lang {
	TCPSTATES_LANG_EN,
	TCPSTATES_LANG_ZH,
	TCPSTATES_LANG_BOTH,
	TCPSTATES_NLANGS
};

/*
 * Remaining lifetime of the timewait sockets in substate TIME_WAIT. The
 * walk adds jiffies, which costs a socket less than milliseconds would;
 * tcpstates_tw_finish() fills in the milliseconds the files print.
 */
struct tcpstates_tw_stats {
	u64 count;
	u64 sum_j;
	unsigned long min_j;
	unsigned long max_j;
	u64 sum_ms;
	u32 min_ms;
	u32 max_ms;
	/* Not cumulative: hist[i] counts (bound[i - 1], bound[i]] seconds. */
	u64 hist[TCPSTATES_TW_NBOUNDS + 1];
};

/*
 * The histogram's bounds in jiffies: j[i] is the most jiffies whose
 * milliseconds are at most tcpstates_tw_bounds_s[i] seconds, so that
 * comparing jiffies sorts exactly as comparing milliseconds would.
 */
struct tcpstates_tw_bounds {
	unsigned long j[TCPSTATES_TW_NBOUNDS];
};

/* What one walk counts. */
struct tcpstates_tally {
	u64 sockets[TCPSTATES_NSTATES][TCPSTATES_NFAMILIES];
	struct tcpstates_tw_stats tw;
};

/* The tables a walk reads, in its order. */
enum tcpstates_table {
	TCPSTATES_TABLE_ESTABLISHED,	/* full, request, timewait sockets */
	TCPSTATES_TABLE_LISTENING,	/* listeners */
	TCPSTATES_TABLE_BIND,		/* bound full and timewait sockets */
	TCPSTATES_NTABLES
};

/* The kinds of table entry: sockets in full, and their light stand-ins. */
enum tcpstates_kind {
	TCPSTATES_KIND_FULL,
	TCPSTATES_KIND_REQUEST,		/* SYN_RECV: struct request_sock */
	TCPSTATES_KIND_TIMEWAIT,	/* struct inet_timewait_sock */
	TCPSTATES_NKINDS
};

/* What the walk of one table did. */
struct tcpstates_table_stats {
	u64 buckets;	/* the table's size */
	u64 nonempty;	/* buckets with entries of any namespace */
	u64 kinds[TCPSTATES_NKINDS];	/* entries of the walked namespace */
	u64 pauses;	/* lock drops inside a bucket */
	u64 restarts;	/* buckets walked again after a pause */
	u64 ns;		/* duration */
};

/* Entries of the walked namespace in one table, every kind. */
static inline u64 tcpstates_table_entries(const struct tcpstates_table_stats *t)
{
	return t->kinds[TCPSTATES_KIND_FULL] + t->kinds[TCPSTATES_KIND_REQUEST] +
	       t->kinds[TCPSTATES_KIND_TIMEWAIT];
}

/* What one walk did, table by table. */
struct tcpstates_walk_stats {
	struct tcpstates_table_stats tables[TCPSTATES_NTABLES];
	u64 walked;		/* entries of the namespace, all tables */
	u64 ns;			/* duration of the whole walk */
	u64 at_ns;		/* when it ended, boot clock */
};

/* Everything a read of either proc file prints, taken once per open. */
struct tcpstates_snapshot {
	struct tcpstates_tally tally;
	struct tcpstates_walk_stats walk;
	unsigned int netns_ino;
	int tw_in_use;		/* timewait sockets of this netns, any substate */
	int tw_limit;		/* net.ipv4.tcp_max_tw_buckets */
	enum tcpstates_lang lang;
};

/* stats.c */
extern const unsigned int tcpstates_tw_bounds_s[TCPSTATES_TW_NBOUNDS];
void tcpstates_tally_init(struct tcpstates_tally *t);
extern struct tcpstates_tw_bounds tcpstates_tw_bounds;
void tcpstates_stats_init(void);
void tcpstates_tw_finish(struct tcpstates_tw_stats *tw);
u64 tcpstates_state_total(const struct tcpstates_tally *t, int state);

/* Adds a TIME_WAIT socket with @left jiffies to go; inline: per socket. */
static inline void tcpstates_tw_add(struct tcpstates_tw_stats *tw,
				    unsigned long left)
{
	const struct tcpstates_tw_bounds *b = &tcpstates_tw_bounds;
	unsigned int i = 0;

	tw->count++;
	tw->sum_j += left;
	if (left < tw->min_j)
		tw->min_j = left;
	if (left > tw->max_j)
		tw->max_j = left;
	while (i < TCPSTATES_TW_NBOUNDS && left > b->j[i])
		i++;
	tw->hist[i]++;
}

/* One namespace's sockets by state, for the netns view. */
struct tcpstates_ns_count {
	struct net *net;
	unsigned int inum;
	int tw_in_use;
	int tw_limit;
	u32 epoch;		/* count.c's, when saved was last filled */
	u32 sockets[TCPSTATES_NSTATES];
	u32 saved[TCPSTATES_NSTATES];
};

/* count.c */
void tcpstates_count(struct net *net, struct tcpstates_snapshot *snap);
void tcpstates_count_netns(struct tcpstates_ns_count *ns, unsigned int n);

/* list.c */
int tcpstates_list_open(struct file *file, struct net *net);
struct net *tcpstates_list_release(struct inode *inode, struct file *file);
void tcpstates_endpoint(char *buf, size_t size, int family, const void *addr,
			__be16 port);

/* top.c */
int tcpstates_top_open(struct file *file, struct net *net);
struct net *tcpstates_top_release(struct inode *inode, struct file *file);

/* netns.c */
int tcpstates_netns_open(struct file *file);
int tcpstates_netns_release(struct inode *inode, struct file *file);

/* text.c */
enum tcpstates_lang tcpstates_lang(void);
int tcpstates_show_summary(struct seq_file *seq, void *v);
unsigned int tcpstates_text_cols(const char *s);
void tcpstates_put_tw_why(struct seq_file *seq, bool zh);

/* guide.c */
int tcpstates_show_guide(struct seq_file *seq, void *v);

/* prometheus.c */
int tcpstates_show_prometheus(struct seq_file *seq, void *v);

/* procfs.c */
int tcpstates_procfs_init(void);
void tcpstates_procfs_exit(void);
void tcpstates_last_walk(struct net *net, struct tcpstates_walk_stats *ws);

/* debugfs.c */
void tcpstates_debugfs_init(void);
void tcpstates_debugfs_exit(void);

#endif /* _TCPSTATES_INTERNAL_H */
