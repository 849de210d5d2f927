// SPDX-License-Identifier: GPL-2.0
/*
 * One pass over a namespace's TCP tables, counting sockets by state.
 *
 * The established hash holds full, request and timewait sockets; it is read
 * under RCU without its bucket locks. The listening hash holds listeners;
 * it is read under RCU too. CLOSE sockets live only in the bind hash, which
 * is not RCU-safe and is read under its bucket locks. The listening and
 * bind hashes are shared by every namespace; the established hash may be
 * the namespace's own (net.ipv4.tcp_child_ehash_entries).
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/timer.h>
#include <net/inet_hashtables.h>
#include <net/inet_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "compat.h"
#include "internal.h"

/*
 * Buckets per RCU read-side section, empty or not: bounds how long one
 * section holds off grace periods, and how long we run between chances to
 * reschedule (cond_resched() must not run inside the section).
 */
#define TCPSTATES_RCU_BATCH	128
/* Bind-hash buckets between reschedule points; each is locked on its own. */
#define TCPSTATES_LOCK_BATCH	128

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
 * Milliseconds left on a timewait socket's timer, 0 once it is due.
 * 6.12 publishes a timewait socket before it arms the timer (both under the
 * bucket lock, which we do not take), and an unarmed timer's expiry is left
 * over from the object's previous user; so the expiry is trusted only while
 * the timer is pending. A timer that is not pending is just being armed or
 * has fired; both windows are short, and we report the latter: 0.
 */
static u32 tw_remaining_ms(const struct inet_timewait_sock *tw)
{
	long left;

	if (!timer_pending(&tw->tw_timer))
		return 0;
	left = (long)(READ_ONCE(tw->tw_timer.expires) - jiffies);
	return left > 0 ? jiffies_to_msecs(left) : 0;
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
		tcpstates_tw_add(&t->tw, tw_remaining_ms(tw));
	}
}

/*
 * Counts one established-hash entry. Caller holds rcu_read_lock(): the
 * memory stays an object of the entry's kind (SLAB_TYPESAFE_BY_RCU), but
 * it may be freed and reused at any moment, so each field is read once and
 * only fields common to all three kinds decide how to read the rest.
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

/* Counts established-hash bucket @slot into @t. Caller holds RCU. */
static void walk_ehash_bucket(struct inet_hashinfo *h, unsigned int slot,
			      const struct net *net, struct tcpstates_tally *t)
{
	struct hlist_nulls_node *node;
	struct sock *sk;

restart:
	tcpstates_tally_init(t);
	sk_nulls_for_each_rcu(sk, node, &h->ehash[slot].chain) {
		t->walked++;
		if (net_eq(sock_net(sk), net))
			count_ehash_entry(sk, t);
	}
	/*
	 * An entry reused for a socket of another bucket while we stood on
	 * it leads into that bucket's chain, which ends with that bucket's
	 * nulls marker: count this bucket again from the start.
	 */
	if (get_nulls_value(node) != slot)
		goto restart;
}

static bool ehash_bucket_empty(struct inet_hashinfo *h, unsigned int slot)
{
	return hlist_nulls_empty(&h->ehash[slot].chain);
}

/*
 * Counts listening-hash bucket @slot into @t. Caller holds RCU. Listeners
 * are freed only after a grace period (SOCK_RCU_FREE), so an entry cannot
 * turn into another socket under us; the nulls check still catches one
 * that moved to another chain.
 */
static void walk_lhash2_bucket(struct inet_hashinfo *h, unsigned int slot,
			       const struct net *net, struct tcpstates_tally *t)
{
	struct hlist_nulls_node *node;
	struct sock *sk;
	int family;

restart:
	tcpstates_tally_init(t);
	sk_nulls_for_each_rcu(sk, node, &h->lhash2[slot].nulls_head) {
		t->walked++;
		if (!net_eq(sock_net(sk), net) ||
		    inet_sk_state_load(sk) != TCP_LISTEN)
			continue;
		family = family_index(sk);
		if (family >= 0)
			t->sockets[TCP_LISTEN][family]++;
	}
	if (get_nulls_value(node) != slot + LISTENING_NULLS_BASE)
		goto restart;
}

static bool lhash2_bucket_empty(struct inet_hashinfo *h, unsigned int slot)
{
	return hlist_nulls_empty(&h->lhash2[slot].nulls_head);
}

/*
 * Walks the @nslots buckets of a table read under RCU, a batch per
 * read-side section. Always inlined, so both callbacks are direct calls.
 */
static __always_inline void
walk_rcu_table(struct inet_hashinfo *h, unsigned int nslots,
	       const struct net *net, struct tcpstates_tally *total,
	       bool (*empty)(struct inet_hashinfo *h, unsigned int slot),
	       void (*walk_bucket)(struct inet_hashinfo *h, unsigned int slot,
				   const struct net *net,
				   struct tcpstates_tally *t))
{
	struct tcpstates_tally bucket;
	unsigned int slot = 0, n;

	while (slot < nslots) {
		rcu_read_lock();
		for (n = 0; n < TCPSTATES_RCU_BATCH && slot < nslots;
		     n++, slot++) {
			/* Most buckets are empty: skip them with one load. */
			if (empty(h, slot))
				continue;
			walk_bucket(h, slot, net, &bucket);
			tcpstates_tally_merge(total, &bucket);
		}
		rcu_read_unlock();
		cond_resched();
	}
}

/* Each has a bucket tally on its stack: keep them out of one frame. */
static noinline_for_stack void walk_ehash(struct inet_hashinfo *h,
					  const struct net *net,
					  struct tcpstates_tally *total)
{
	walk_rcu_table(h, h->ehash_mask + 1, net, total, ehash_bucket_empty,
		       walk_ehash_bucket);
}

static noinline_for_stack void walk_lhash2(struct inet_hashinfo *h,
					   const struct net *net,
					   struct tcpstates_tally *total)
{
	walk_rcu_table(h, h->lhash2_mask + 1, net, total, lhash2_bucket_empty,
		       walk_lhash2_bucket);
}

/*
 * Counts the CLOSE sockets of one bind-hash bucket: bound (inet_num set)
 * but neither listening nor connected. The bucket's lists change only
 * under its lock, also from softirq (the timewait timer unbinds), hence
 * _bh. The lock is held for one bucket: the sockets bound to one port.
 */
static void walk_bind_bucket(struct inet_bind_hashbucket *head,
			     const struct net *net, struct tcpstates_tally *t)
{
	struct tcpstates_bind_bucket *tb;
	struct sock *sk;
	int family;

	spin_lock_bh(&head->lock);
	inet_bind_bucket_for_each(tb, &head->chain) {
		if (!net_eq(tcpstates_bind_net(tb), net))
			continue;
		sk_for_each_bound(sk, &tb->owners) {
			t->walked++;
			/* Timewait owners fail the state test first. */
			if (READ_ONCE(sk->sk_state) != TCP_CLOSE ||
			    !inet_sk(sk)->inet_num)
				continue;
			family = family_index(sk);
			if (family >= 0)
				t->sockets[TCP_CLOSE][family]++;
		}
	}
	spin_unlock_bh(&head->lock);
}

static void walk_bind_hash(struct inet_hashinfo *h, const struct net *net,
			   struct tcpstates_tally *total)
{
	struct inet_bind_hashbucket *table = tcpstates_bind_table(h);
	unsigned int slot;

	for (slot = 0; slot < h->bhash_size; slot++) {
		/* Lockless peek, as the kernel's own walkers do. */
		if (!hlist_empty(&table[slot].chain))
			walk_bind_bucket(&table[slot], net, total);
		if (slot % TCPSTATES_LOCK_BATCH == TCPSTATES_LOCK_BATCH - 1)
			cond_resched();
	}
}

/*
 * Fills @snap with the TCP sockets of @net. The caller keeps @net alive.
 * Sleeps (cond_resched) between batches; holds no lock on return.
 */
void tcpstates_walk(struct net *net, struct tcpstates_snapshot *snap)
{
	struct inet_timewait_death_row *dr = &net->ipv4.tcp_death_row;
	struct inet_hashinfo *h = dr->hashinfo;
	u64 start = ktime_get_ns();

	tcpstates_tally_init(&snap->tally);
	walk_ehash(h, net, &snap->tally);
	walk_lhash2(h, net, &snap->tally);
	walk_bind_hash(h, net, &snap->tally);
	snap->walk_ns = ktime_get_ns() - start;

	snap->netns_ino = net->ns.inum;
	/* tw_refcount is one plus this namespace's timewait sockets. */
	snap->tw_in_use = refcount_read(&dr->tw_refcount) - 1;
	snap->tw_limit = READ_ONCE(dr->sysctl_max_tw_buckets);
}
