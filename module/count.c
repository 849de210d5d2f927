// SPDX-License-Identifier: GPL-2.0
/*
 * Counting, the walk engine's first consumer: one pass over a namespace's
 * TCP tables tallies its sockets by state and family, and the time left on
 * its TIME_WAIT sockets.
 *
 * Each socket is counted from one table: the established hash holds the
 * connected ones (full, request and timewait sockets), the listening hash
 * the listeners, and CLOSE sockets are found only in the bind hash (bound,
 * neither listening nor connected).
 */
#include <linux/jiffies.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <net/inet_sock.h>
#include <net/tcp_states.h>

#include "walk.h"

static int family_index(const struct sock *sk)
{
	switch (READ_ONCE(sk->sk_family)) {
	case AF_INET:
		return TCPSTATES_V4;
	case AF_INET6:
		return TCPSTATES_V6;
	}
	return -1;
}

/*
 * The state an entry counts as in @table, or 0 if it counts in none: each
 * socket is counted from one table only. The caller holds the bucket's
 * lock, so the entry stays on the chain and stays what it is (a full,
 * request or timewait socket); a full socket's state still changes under
 * its own lock (ESTABLISHED to CLOSE_WAIT, say), so it is read once, and
 * fields common to the three kinds decide how to read the rest.
 */
static __always_inline int entry_state(const struct sock *sk,
				       enum tcpstates_table table)
{
	int state;

	switch (table) {
	case TCPSTATES_TABLE_ESTABLISHED:
		break;
	case TCPSTATES_TABLE_LISTENING:
		/* Listeners, unless one is just closing. */
		return inet_sk_state_load(sk) == TCP_LISTEN ? TCP_LISTEN : 0;
	default:
		/*
		 * CLOSE sockets: bound (inet_num set) but neither listening
		 * nor connected. Timewait owners fail the state test first,
		 * before inet_num, which they do not have.
		 */
		if (READ_ONCE(sk->sk_state) != TCP_CLOSE || !inet_sk(sk)->inet_num)
			return 0;
		return TCP_CLOSE;
	}
	state = inet_sk_state_load(sk);
	switch (state) {
	case TCP_TIME_WAIT:
		/* Orphaned FIN_WAIT2 sockets live on as timewait sockets too. */
		state = READ_ONCE(inet_twsk(sk)->tw_substate);
		return state == TCP_TIME_WAIT || state == TCP_FIN_WAIT2 ? state : 0;
	case TCP_NEW_SYN_RECV:
		/* A request socket: a SYN_RECV connection, as ss reports. */
		return TCP_SYN_RECV;
	case TCP_CLOSE:
	case TCP_LISTEN:
		/*
		 * Leaving the table: tcp_set_state() unhashes before it
		 * stores CLOSE. A bound CLOSE socket is counted from the bind
		 * hash, and a listener from the listening hash.
		 */
		return 0;
	}
	if (state < TCPSTATES_FIRST_STATE || state > TCPSTATES_LAST_STATE)
		return 0;
	return state;
}

struct count_ctx {
	struct tcpstates_tally *total;
	/* The total before a bucket the walk may have to redo. */
	struct tcpstates_tally saved;
};

static bool count_visit(void *ctx, struct sock *sk, enum tcpstates_table table)
{
	struct tcpstates_tally *t = ((struct count_ctx *)ctx)->total;
	int state = entry_state(sk, table);
	int family;

	if (!state)
		return true;
	family = family_index(sk);
	if (family < 0)
		return true;
	t->sockets[state][family]++;
	if (state == TCP_TIME_WAIT)
		tcpstates_tw_add(&t->tw, tcpstates_tw_left(inet_twsk(sk)));
	return true;
}

static void count_save(void *ctx)
{
	struct count_ctx *c = ctx;

	c->saved = *c->total;
}

static void count_restore(void *ctx)
{
	struct count_ctx *c = ctx;

	*c->total = c->saved;
}

static const struct tcpstates_walk_ops count_ops = {
	.visit = count_visit,
	.save = count_save,
	.restore = count_restore,
};

/*
 * One function per table and consumer, so that in each the engine's
 * switch on the table folds away and the visit() is inlined for that
 * table alone.
 */
#define DEFINE_TABLE_WALK(name, table, walk_ops)				\
static noinline void name(struct inet_hashinfo *h, const struct net *net, \
			  void *ctx, struct tcpstates_table_stats *stats) \
{									\
	struct tcpstates_walk w = {					\
		.net = net, .ops = &(walk_ops), .ctx = ctx,		\
	};								\
									\
	tcpstates_walk_table(&w, h, table, stats);			\
}

DEFINE_TABLE_WALK(count_established, TCPSTATES_TABLE_ESTABLISHED, count_ops)
DEFINE_TABLE_WALK(count_listening, TCPSTATES_TABLE_LISTENING, count_ops)
DEFINE_TABLE_WALK(count_bind, TCPSTATES_TABLE_BIND, count_ops)

/*
 * Fills @snap with the TCP sockets of @net. The caller keeps @net alive.
 * Sleeps between buckets; holds no lock on return.
 */
void tcpstates_count(struct net *net, struct tcpstates_snapshot *snap)
{
	struct inet_timewait_death_row *dr = &net->ipv4.tcp_death_row;
	struct inet_hashinfo *h = dr->hashinfo;
	struct tcpstates_table_stats *st = snap->walk.tables;
	struct count_ctx c = { .total = &snap->tally };
	u64 start = ktime_get_ns();
	int i;

	tcpstates_tally_init(&snap->tally);
	memset(&snap->walk, 0, sizeof(snap->walk));
	count_established(h, net, &c, &st[TCPSTATES_TABLE_ESTABLISHED]);
	count_listening(h, net, &c, &st[TCPSTATES_TABLE_LISTENING]);
	count_bind(h, net, &c, &st[TCPSTATES_TABLE_BIND]);
	snap->walk.ns = ktime_get_ns() - start;
	tcpstates_tw_finish(&snap->tally.tw);
	snap->walk.at_ns = ktime_get_boottime_ns();
	for (i = 0; i < TCPSTATES_NTABLES; i++)
		snap->walk.walked += tcpstates_table_entries(&st[i]);

	snap->netns_ino = net->ns.inum;
	snap->tw_in_use = tcpstates_tw_in_use(dr);
	snap->tw_limit = READ_ONCE(dr->sysctl_max_tw_buckets);
}

/*
 * Counting for the netns view: one pass over the shared tables for every
 * namespace at once, each entry added to its namespace's counts, found by
 * binary search in an array sorted by address (and the last one found
 * first: neighbours in a chain often share a namespace).
 *
 * Undoing a redone bucket: a save starts a new epoch, and a namespace's
 * counts are copied aside when the epoch first touches them, so that a
 * save costs nothing and a restore copies back only what the bucket
 * touched, whatever the number of namespaces.
 */
struct netns_ctx {
	struct tcpstates_ns_count *ns;
	unsigned int n;
	struct tcpstates_ns_count *last;
	u32 epoch;
};

static struct tcpstates_ns_count *netns_find(struct netns_ctx *c,
					     const struct net *net)
{
	unsigned int lo = 0, hi = c->n, mid;

	if (c->last && c->last->net == net)
		return c->last;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->ns[mid].net == net)
			return c->last = &c->ns[mid];
		if ((unsigned long)c->ns[mid].net < (unsigned long)net)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool netns_visit(void *ctx, struct sock *sk, enum tcpstates_table table)
{
	struct netns_ctx *c = ctx;
	int state = entry_state(sk, table);
	struct tcpstates_ns_count *ns;

	if (!state || family_index(sk) < 0)
		return true;
	/* NULL: a namespace made after the read listed them. */
	ns = netns_find(c, sock_net(sk));
	if (!ns)
		return true;
	if (ns->epoch != c->epoch) {
		memcpy(ns->saved, ns->sockets, sizeof(ns->saved));
		ns->epoch = c->epoch;
	}
	ns->sockets[state]++;
	return true;
}

static void netns_save(void *ctx)
{
	struct netns_ctx *c = ctx;

	c->epoch++;
}

static void netns_restore(void *ctx)
{
	struct netns_ctx *c = ctx;
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->ns[i].epoch == c->epoch)
			memcpy(c->ns[i].sockets, c->ns[i].saved,
			       sizeof(c->ns[i].sockets));
}

static const struct tcpstates_walk_ops netns_ops = {
	.visit = netns_visit,
	.save = netns_save,
	.restore = netns_restore,
};

DEFINE_TABLE_WALK(netns_established, TCPSTATES_TABLE_ESTABLISHED, netns_ops)
DEFINE_TABLE_WALK(netns_listening, TCPSTATES_TABLE_LISTENING, netns_ops)
DEFINE_TABLE_WALK(netns_bind, TCPSTATES_TABLE_BIND, netns_ops)

/*
 * Counts the sockets of the @n namespaces of @ns, sorted by their net
 * pointer, which the caller holds. The listening and bind hashes are
 * shared by all namespaces, and so is the established hash but for the
 * namespaces that have their own (tcp_child_ehash_entries).
 * Sleeps between buckets; holds no lock on return.
 */
void tcpstates_count_netns(struct tcpstates_ns_count *ns, unsigned int n)
{
	struct inet_hashinfo *shared = init_net.ipv4.tcp_death_row.hashinfo;
	struct netns_ctx c = { .ns = ns, .n = n, .epoch = 1 };
	struct tcpstates_table_stats st;
	struct inet_hashinfo *h;
	unsigned int i;

	for (i = 0; i < n; i++) {
		memset(ns[i].sockets, 0, sizeof(ns[i].sockets));
		ns[i].epoch = 0;
	}
	memset(&st, 0, sizeof(st));
	netns_established(shared, NULL, &c, &st);
	for (i = 0; i < n; i++) {
		h = ns[i].net->ipv4.tcp_death_row.hashinfo;
		if (h != shared)
			netns_established(h, ns[i].net, &c, &st);
	}
	netns_listening(shared, NULL, &c, &st);
	netns_bind(shared, NULL, &c, &st);
}
