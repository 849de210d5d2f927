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
 * Jiffies left on a timewait socket's timer, 0 once it is due.
 * 6.1 arms the timer after it has put the socket in the table and let go
 * of the bucket lock we hold, and an unarmed timer's expiry is left over
 * from the object's previous user; so the expiry is trusted only while the
 * timer is pending. A timer that is not pending is just being armed or has
 * fired (its handler then waits for our lock to unhash the socket); both
 * windows are short, and we report the latter: 0.
 */
static unsigned long tw_remaining(const struct inet_timewait_sock *tw)
{
	long left;

	if (!timer_pending(&tw->tw_timer))
		return 0;
	left = (long)(READ_ONCE(tw->tw_timer.expires) - jiffies);
	return left > 0 ? left : 0;
}

static void count_timewait(const struct inet_timewait_sock *tw, int family,
			   struct tcpstates_tally *t)
{
	/* Orphaned FIN_WAIT2 sockets live on as timewait sockets too. */
	int substate = READ_ONCE(tw->tw_substate);

	if (substate == TCP_FIN_WAIT2) {
		t->sockets[TCP_FIN_WAIT2][family]++;
	} else if (substate == TCP_TIME_WAIT) {
		t->sockets[TCP_TIME_WAIT][family]++;
		tcpstates_tw_add(&t->tw, tw_remaining(tw));
	}
}

/*
 * Counts one established-hash entry. The caller holds the bucket's lock,
 * so the entry stays on the chain and stays what it is (a full, request or
 * timewait socket); a full socket's state still changes under its own
 * lock (ESTABLISHED to CLOSE_WAIT, say), so it is read once, and fields
 * common to the three kinds decide how to read the rest.
 */
static void count_ehash_entry(const struct sock *sk, struct tcpstates_tally *t)
{
	int family = family_index(sk);
	int state = inet_sk_state_load(sk);

	if (family < 0)
		return;
	switch (state) {
	case TCP_TIME_WAIT:
		count_timewait(inet_twsk(sk), family, t);
		return;
	case TCP_NEW_SYN_RECV:
		/* A request socket: a SYN_RECV connection, as ss reports. */
		state = TCP_SYN_RECV;
		break;
	case TCP_CLOSE:
	case TCP_LISTEN:
		/*
		 * Leaving the table: tcp_set_state() unhashes before it
		 * stores CLOSE. A bound CLOSE socket is counted from the bind
		 * hash, and a listener from the listening hash.
		 */
		return;
	}
	if (state >= TCPSTATES_FIRST_STATE && state <= TCPSTATES_LAST_STATE)
		t->sockets[state][family]++;
}

/* Counts a listening-hash entry: listeners, unless one is just closing. */
static void count_listener(const struct sock *sk, struct tcpstates_tally *t)
{
	int family = family_index(sk);

	if (family >= 0 && inet_sk_state_load(sk) == TCP_LISTEN)
		t->sockets[TCP_LISTEN][family]++;
}

/*
 * Counts a bind-hash owner if it is a CLOSE socket: bound (inet_num set)
 * but neither listening nor connected. Timewait owners fail the state
 * test first, before inet_num, which they do not have.
 */
static void count_bound(const struct sock *sk, struct tcpstates_tally *t)
{
	int family;

	if (READ_ONCE(sk->sk_state) != TCP_CLOSE || !inet_sk(sk)->inet_num)
		return;
	family = family_index(sk);
	if (family >= 0)
		t->sockets[TCP_CLOSE][family]++;
}

struct count_ctx {
	struct tcpstates_tally *total;
	/* The total before a bucket the walk may have to redo. */
	struct tcpstates_tally saved;
};

static void count_visit(void *ctx, struct sock *sk, enum tcpstates_table table)
{
	struct count_ctx *c = ctx;

	switch (table) {
	case TCPSTATES_TABLE_ESTABLISHED:
		count_ehash_entry(sk, c->total);
		break;
	case TCPSTATES_TABLE_LISTENING:
		count_listener(sk, c->total);
		break;
	default:
		count_bound(sk, c->total);
		break;
	}
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
 * One function per table, so that in each the engine's switch on the table
 * folds away and count_visit() is inlined for that table alone.
 */
#define DEFINE_COUNT_TABLE(name, table)					\
static noinline void name(struct inet_hashinfo *h, struct net *net,	\
			  struct count_ctx *c,				\
			  struct tcpstates_table_stats *stats)		\
{									\
	struct tcpstates_walk w = {					\
		.net = net, .ops = &count_ops, .ctx = c,		\
	};								\
									\
	tcpstates_walk_table(&w, h, table, stats);			\
}

DEFINE_COUNT_TABLE(count_established, TCPSTATES_TABLE_ESTABLISHED)
DEFINE_COUNT_TABLE(count_listening, TCPSTATES_TABLE_LISTENING)
DEFINE_COUNT_TABLE(count_bind, TCPSTATES_TABLE_BIND)

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
	/* tw_refcount is one plus this namespace's timewait sockets. */
	snap->tw_in_use = refcount_read(&dr->tw_refcount) - 1;
	snap->tw_limit = READ_ONCE(dr->sysctl_max_tw_buckets);
}
