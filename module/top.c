// SPDX-License-Identifier: GPL-2.0
/*
 * The top view, the walk engine's third consumer: in one pass over a
 * namespace's established hash, the heaviest keys of three groups, each
 * the sign of a known trouble:
 *
 *   TIME_WAIT by remote endpoint   ephemeral ports running out: each
 *                                  TIME_WAIT socket to a peer keeps one
 *                                  local port from reconnecting to it
 *   CLOSE_WAIT by local port       a service that does not close its
 *                                  sockets after the peer did
 *   SYN_RECV by local port         a listener under a SYN flood, or one
 *                                  whose accept queue is full
 *
 * Each group counts in a fixed number of counters (topk.c), allocated at
 * open: the memory of a read does not grow with the sockets. With more
 * distinct keys than counters the counts may be too high, by a bound the
 * view prints with each.
 */
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/tcp_states.h>

#include "topk.h"
#include "walk.h"

#define TOP_COUNTERS	1024
#define TOP_SHOW	10

enum top_group { TOP_TIME_WAIT, TOP_CLOSE_WAIT, TOP_SYN_RECV, TOP_NGROUPS };

struct tcpstates_top {
	struct net *net;
	bool taken;
	bool overflowed;	/* the last show did not fit the buffer */
	struct tcpstates_topk group[TOP_NGROUPS];
	/* The groups before a bucket the walk may have to redo. */
	struct tcpstates_topk saved[TOP_NGROUPS];
	struct tcpstates_table_stats stats;	/* the engine's, not shown */
	int port_lo, port_hi;
	unsigned int shown[TOP_NGROUPS];
	struct tcpstates_topk_entry largest[TOP_NGROUPS][TOP_SHOW];
};

/* The remote endpoint of a timewait socket. */
static void key_remote(struct tcpstates_topk_key *k, const struct sock *sk)
{
	memset(k, 0, sizeof(*k));
	k->family = sk->sk_family;
	k->port = sk->sk_dport;
	if (k->family == AF_INET)
		k->addr[0] = sk->sk_daddr;
#if IS_ENABLED(CONFIG_IPV6)
	else
		memcpy(k->addr, &sk->sk_v6_daddr, sizeof(k->addr));
#endif
}

/* The local port of any entry: full, request and timewait sockets alike. */
static void key_local_port(struct tcpstates_topk_key *k, const struct sock *sk)
{
	memset(k, 0, sizeof(*k));
	k->port = htons(sk->sk_num);
}

/*
 * Under the bucket lock: the entry stays what it is, though a full
 * socket's state may change (it is read once).
 */
static bool top_visit(void *ctx, struct sock *sk, enum tcpstates_table table)
{
	struct tcpstates_top *t = ctx;
	struct tcpstates_topk_key k;

	switch (inet_sk_state_load(sk)) {
	case TCP_TIME_WAIT:
		/* Orphaned FIN_WAIT2 sockets are timewait sockets too. */
		if (READ_ONCE(inet_twsk(sk)->tw_substate) != TCP_TIME_WAIT)
			break;
		key_remote(&k, sk);
		tcpstates_topk_add(&t->group[TOP_TIME_WAIT], &k);
		break;
	case TCP_CLOSE_WAIT:
		key_local_port(&k, sk);
		tcpstates_topk_add(&t->group[TOP_CLOSE_WAIT], &k);
		break;
	case TCP_NEW_SYN_RECV:	/* a request socket */
	case TCP_SYN_RECV:	/* a Fast Open child */
		key_local_port(&k, sk);
		tcpstates_topk_add(&t->group[TOP_SYN_RECV], &k);
		break;
	}
	return true;
}

static void top_save(void *ctx)
{
	struct tcpstates_top *t = ctx;
	int i;

	for (i = 0; i < TOP_NGROUPS; i++)
		tcpstates_topk_copy(&t->saved[i], &t->group[i]);
}

static void top_restore(void *ctx)
{
	struct tcpstates_top *t = ctx;
	int i;

	for (i = 0; i < TOP_NGROUPS; i++)
		tcpstates_topk_copy(&t->group[i], &t->saved[i]);
}

static const struct tcpstates_walk_ops top_ops = {
	.visit = top_visit,
	.save = top_save,
	.restore = top_restore,
};

static void top_take(struct tcpstates_top *t)
{
	struct tcpstates_walk w = { .net = t->net, .ops = &top_ops, .ctx = t };
	int i;

	for (i = 0; i < TOP_NGROUPS; i++)
		tcpstates_topk_reset(&t->group[i]);
	memset(&t->stats, 0, sizeof(t->stats));
	tcpstates_walk_table(&w, t->net->ipv4.tcp_death_row.hashinfo,
			     TCPSTATES_TABLE_ESTABLISHED, &t->stats);
	inet_get_local_port_range(t->net, &t->port_lo, &t->port_hi);
	for (i = 0; i < TOP_NGROUPS; i++)
		t->shown[i] = tcpstates_topk_largest(&t->group[i], t->largest[i],
						     TOP_SHOW);
}

/* A share of @n in tenths of a percent of @of, as "12.3%". */
static void put_share(struct seq_file *seq, u64 n, u64 of)
{
	u64 permille = of ? div64_u64(n * 1000, of) : 0;

	seq_printf(seq, " %5llu.%llu%%", div_u64(permille, 10),
		   permille % 10);
}

/* Local ports a client may use, as the read found ip_local_port_range. */
static u32 top_ports(const struct tcpstates_top *t)
{
	return t->port_hi - t->port_lo + 1;
}

static void show_group(struct seq_file *seq, struct tcpstates_top *t,
		       enum top_group g)
{
	static const char *const titles[TOP_NGROUPS] = {
		[TOP_TIME_WAIT] = "TIME_WAIT by remote endpoint",
		[TOP_CLOSE_WAIT] = "CLOSE_WAIT by local port",
		[TOP_SYN_RECV] = "SYN_RECV by local port",
	};
	const struct tcpstates_topk_entry *e;
	char ep[TCPSTATES_ENDPOINT_MAX];
	u32 ports = top_ports(t);
	unsigned int i;

	seq_printf(seq, "\n%s: %llu sockets\n", titles[g], t->group[g].total);
	if (g == TOP_TIME_WAIT)
		seq_printf(seq, TCPSTATES_TOP_TW_HEAD, "count", "at_least",
			   "of_ports", "remote");
	else
		seq_printf(seq, TCPSTATES_TOP_PORT_HEAD, "count", "at_least",
			   "local_port");
	for (i = 0; i < t->shown[g]; i++) {
		e = &t->largest[g][i];
		seq_printf(seq, "%10u %10u", e->count, e->count - e->error);
		if (g != TOP_TIME_WAIT) {
			seq_printf(seq, " %u\n", ntohs(e->key.port));
			continue;
		}
		put_share(seq, e->count, ports);
		tcpstates_endpoint(ep, sizeof(ep), e->key.family, e->key.addr,
				   e->key.port);
		seq_printf(seq, " %s\n", ep);
	}
}

static int top_show(struct seq_file *seq, void *v)
{
	struct tcpstates_top *t = seq->private;
	int g;

	/* A new read from offset 0 counts afresh, a retry reprints. */
	if (!t->taken || (seq->read_pos == 0 && !t->overflowed)) {
		top_take(t);
		t->taken = true;
	}
	seq_printf(seq, "netns %u\n", t->net->ns.inum);
	seq_printf(seq, "ip_local_port_range %d-%d: %u ports\n", t->port_lo,
		   t->port_hi, top_ports(t));
	seq_printf(seq, "counts: exact while a group has at most %d keys; beyond, up to\n"
		   "its sockets/%d too high (at_least: the true count's lower bound)\n",
		   TOP_COUNTERS, TOP_COUNTERS);
	for (g = 0; g < TOP_NGROUPS; g++)
		show_group(seq, t, g);
	t->overflowed = seq_has_overflowed(seq);
	return 0;
}

static void top_free(struct tcpstates_top *t)
{
	int i;

	for (i = 0; i < TOP_NGROUPS; i++) {
		tcpstates_topk_free(&t->group[i]);
		tcpstates_topk_free(&t->saved[i]);
	}
	kfree(t);
}

/* Opens the top view of @net; the caller holds @net. */
int tcpstates_top_open(struct file *file, struct net *net)
{
	struct tcpstates_top *t;
	int i, err = -ENOMEM;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->net = net;
	for (i = 0; i < TOP_NGROUPS; i++)
		if (tcpstates_topk_init(&t->group[i], TOP_COUNTERS) ||
		    tcpstates_topk_init(&t->saved[i], TOP_COUNTERS))
			goto fail;
	err = single_open(file, top_show, t);
	if (!err)
		return 0;
fail:
	top_free(t);
	return err;
}

/* Returns the namespace tcpstates_top_open() was given. */
struct net *tcpstates_top_release(struct inode *inode, struct file *file)
{
	struct tcpstates_top *t = ((struct seq_file *)file->private_data)->private;
	struct net *net = t->net;

	single_release(inode, file);
	top_free(t);
	return net;
}
