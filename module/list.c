// SPDX-License-Identifier: GPL-2.0
/*
 * Listing, the walk engine's second consumer: the timewait sockets of a
 * namespace, one line each, for the debugfs timewait file.
 *
 * A seq_file cannot print under a bucket lock (it copies to user space
 * between records), so the listing walks in fills: each fill copies up to
 * LIST_BATCH records out of the established hash into the open file's
 * buffer and stops, its place kept by the engine's position (a held
 * entry, no lock); the records are then printed, and the next fill goes on
 * from there. A whole read is one pass over the table, whatever its size:
 * no re-walk to an offset, no memory that grows with the sockets.
 */
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/tcp_states.h>

#include "walk.h"

#define LIST_BATCH	64

struct list_rec {
	union {
		__be32 v4;
		struct in6_addr v6;
	} laddr, raddr;
	__be16 lport, rport;
	u8 family;
	u8 substate;
	u32 ms_left;
};

struct tcpstates_list {
	struct net *net;
	struct tcpstates_walk_pos pos;
	struct tcpstates_table_stats stats;	/* the engine's, not shown */
	loff_t base;		/* the record number of rec[0] */
	unsigned int n;		/* records in rec[] */
	unsigned int saved_n;
	struct list_rec rec[LIST_BATCH];
};

static void list_copy(struct list_rec *r, const struct inet_timewait_sock *tw)
{
	r->family = tw->tw_family;
	r->substate = READ_ONCE(tw->tw_substate);
	r->lport = tw->tw_sport;
	r->rport = tw->tw_dport;
	r->ms_left = jiffies_to_msecs(tcpstates_tw_left(tw));
	if (r->family == AF_INET) {
		r->laddr.v4 = tw->tw_rcv_saddr;
		r->raddr.v4 = tw->tw_daddr;
		return;
	}
#if IS_ENABLED(CONFIG_IPV6)
	r->laddr.v6 = tw->tw_v6_rcv_saddr;
	r->raddr.v6 = tw->tw_v6_daddr;
#endif
}

/* Takes the namespace's timewait sockets until the buffer is full. */
static bool list_visit(void *ctx, struct sock *sk, enum tcpstates_table table)
{
	struct tcpstates_list *l = ctx;

	if (READ_ONCE(sk->sk_state) != TCP_TIME_WAIT)
		return true;
	list_copy(&l->rec[l->n++], inet_twsk(sk));
	return l->n < LIST_BATCH;
}

static void list_save(void *ctx)
{
	struct tcpstates_list *l = ctx;

	l->saved_n = l->n;
}

static void list_restore(void *ctx)
{
	struct tcpstates_list *l = ctx;

	l->n = l->saved_n;
}

static const struct tcpstates_walk_ops list_ops = {
	.visit = list_visit,
	.save = list_save,
	.restore = list_restore,
};

/* The next records, in place of those printed. */
static void list_fill(struct tcpstates_list *l)
{
	struct tcpstates_walk w = {
		.net = l->net, .ops = &list_ops, .ctx = l,
	};

	l->base += l->n;
	l->n = 0;
	if (!l->pos.end)
		tcpstates_walk_table_from(&w, l->net->ipv4.tcp_death_row.hashinfo,
					  TCPSTATES_TABLE_ESTABLISHED,
					  &l->stats, &l->pos);
}

static void list_rewind(struct tcpstates_list *l)
{
	tcpstates_pos_reset(&l->pos);
	l->base = 0;
	l->n = 0;
}

/* Record @i (from 0), walking on to it if need be; NULL past the end. */
static struct list_rec *list_record(struct tcpstates_list *l, loff_t i)
{
	if (i < l->base)
		list_rewind(l);
	while (i >= l->base + l->n) {
		if (l->pos.end)
			return NULL;
		list_fill(l);
	}
	return &l->rec[i - l->base];
}

/*
 * Position 0 is the header: a read from offset 0 starts a new pass.
 * Record i is at position i + 1; seq_file asks for the record it has not
 * yet printed again at the next read(), which finds it in the buffer.
 */
static void *list_start(struct seq_file *seq, loff_t *ppos)
{
	struct tcpstates_list *l = seq->private;

	if (*ppos == 0) {
		list_rewind(l);
		return SEQ_START_TOKEN;
	}
	return list_record(l, *ppos - 1);
}

static void *list_next(struct seq_file *seq, void *v, loff_t *ppos)
{
	++*ppos;
	return list_record(seq->private, *ppos - 1);
}

static void list_stop(struct seq_file *seq, void *v)
{
}

/* "addr:port" as ss prints it: IPv6 addresses in brackets. */
void tcpstates_endpoint(char *buf, size_t size, int family, const void *addr,
			__be16 port)
{
	if (family == AF_INET)
		snprintf(buf, size, "%pI4:%u", addr, ntohs(port));
	else
		snprintf(buf, size, "[%pI6c]:%u", addr, ntohs(port));
}

static int list_show(struct seq_file *seq, void *v)
{
	static const char *const substates[TCPSTATES_NSTATES] =
		TCPSTATES_STATE_NAMES;
	char local[TCPSTATES_ENDPOINT_MAX], remote[TCPSTATES_ENDPOINT_MAX];
	const struct list_rec *r = v;

	if (v == SEQ_START_TOKEN) {
		seq_printf(seq, TCPSTATES_TW_LIST_FMT, "family", "local",
			   "remote", "substate", "ms_left");
		return 0;
	}
	tcpstates_endpoint(local, sizeof(local), r->family, &r->laddr, r->lport);
	tcpstates_endpoint(remote, sizeof(remote), r->family, &r->raddr, r->rport);
	seq_printf(seq, TCPSTATES_TW_LIST_FMT_NUM,
		   r->family == AF_INET ? "ipv4" : "ipv6", local, remote,
		   r->substate < TCPSTATES_NSTATES && substates[r->substate] ?
		   substates[r->substate] : "?", r->ms_left);
	return 0;
}

static const struct seq_operations list_seq_ops = {
	.start	= list_start,
	.next	= list_next,
	.stop	= list_stop,
	.show	= list_show,
};

/* Opens a listing of @net's timewait sockets; the caller holds @net. */
int tcpstates_list_open(struct file *file, struct net *net)
{
	struct tcpstates_list *l;

	l = __seq_open_private(file, &list_seq_ops, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->net = net;
	return 0;
}

/* Returns the namespace tcpstates_list_open() was given. */
struct net *tcpstates_list_release(struct inode *inode, struct file *file)
{
	struct tcpstates_list *l = ((struct seq_file *)file->private_data)->private;
	struct net *net = l->net;

	tcpstates_pos_reset(&l->pos);
	seq_release_private(inode, file);
	return net;
}
