/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The walk engine: the one place that knows how to go over the kernel's
 * TCP tables. Every view (counting today) is a consumer that gets each
 * entry through its visit() callback; the engine owns the locking, the
 * batching and the bounds. It is inlined into each consumer, so visit() is
 * a direct call.
 *
 * Locks. Each non-empty bucket is read under the lock its writers take,
 * as /proc/net/tcp reads them: the established hash under its bucket's
 * spinlock with bottom halves off (softirqs insert and remove there), the
 * listening hash under its bucket's lock (only process context writes it),
 * the bind hash under its bucket's lock with bottom halves off (the
 * timewait timer unbinds from softirq). Under the lock a chain cannot
 * change, so every entry that stays put is seen exactly once: no nulls
 * marker games, no re-reading part of a chain through a recycled socket.
 * Empty buckets are skipped by one lockless load, as the kernel's own
 * walkers do: a socket that stays in a bucket keeps it non-empty.
 *
 * Bounds. A lock is held for at most TCPSTATES_HOLD_MAX entries, however
 * long a chain (a busy port's bind bucket, a namespace's one-bucket hash);
 * at a bucket's first lock, one pass over up to TCPSTATES_HOLD_MAX + 1
 * links also tells whether the chain is longer (the consumer must then
 * save() first: see below).
 * Where a chain is longer, the walk pauses before the next entry, X:
 * takes a reference on X, drops the lock, reschedules if asked to, takes
 * the lock again and checks that X is still where it was (still hashed,
 * same state, same bucket). Then everything after X is still after X, as
 * no writer inserts in the middle of these chains (new entries go to an
 * end, a timewait socket replaces its socket in place), so the walk goes
 * on from X: bounded work to resume, where re-walking to an offset would
 * not be. If X moved, the consumer rolls back to what it had before the
 * bucket (restore()) and the bucket is walked again from its head. A
 * consumer whose visit() cannot be undone must not walk such buckets.
 *
 * A socket whose reference count is zero cannot be held: a timewait
 * socket between its insertion into the tables and the setting of its
 * count, which its creator does a few instructions later without letting
 * go of the CPU. The walk then pauses at the next entry instead, so a
 * lock hold is bounded by TCPSTATES_HOLD_MAX plus the timewait sockets
 * being created at that instant.
 */
#ifndef _TCPSTATES_WALK_H
#define _TCPSTATES_WALK_H

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/list_nulls.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "internal.h"

/* Entries visited per lock hold. */
#define TCPSTATES_HOLD_MAX	256
/* Buckets looked at between reschedule points, empty or not. */
#define TCPSTATES_RESCHED_BUCKETS	256

/*
 * A consumer. visit() sees each entry of the walked namespace (of every
 * namespace when the walk's net is NULL) under the bucket's lock: full,
 * request and timewait sockets from the established hash, listeners, and
 * the bind hash's owners (full and timewait sockets). It returns false
 * when it wants no more for now: a walk with a position (below) then
 * stops before the namespace's next entry, other walks go on. save() is
 * called before a bucket that may need a pause, restore() when that
 * bucket must be walked again: it puts the consumer back as save() found
 * it.
 */
struct tcpstates_walk_ops {
	bool (*visit)(void *ctx, struct sock *sk, enum tcpstates_table table);
	void (*save)(void *ctx);
	void (*restore)(void *ctx);
};

/*
 * Where a listing stands between two read() calls: the slot to go on
 * with and, inside it, the entry to go on from. That entry is held by a
 * reference, never by a lock or an RCU section, and is always one of the
 * walked namespace's, which the reader keeps alive. If it is still where
 * it was when the walk comes back, the walk goes on from it: bounded work,
 * as for a pause. If it has left, the slot is walked again from its head,
 * past the @skip entries of the namespace that it already gave.
 * Established and listening hashes only.
 */
struct tcpstates_walk_pos {
	unsigned int slot;
	unsigned int skip;
	struct sock *at;			/* NULL: from the slot's head */
	struct hlist_nulls_node **pprev;	/* what pointed at @at */
	bool end;				/* the table is done */
};

/* Back to the table's start. Not under a bucket lock: @at may be freed. */
static inline void tcpstates_pos_reset(struct tcpstates_walk_pos *pos)
{
	if (pos->at)
		sock_gen_put(pos->at);
	memset(pos, 0, sizeof(*pos));
}

struct tcpstates_walk {
	const struct net *net;		/* NULL: every namespace */
	const struct tcpstates_walk_ops *ops;
	void *ctx;
	struct tcpstates_table_stats *stats;	/* of the table being walked */
	struct sock *held;		/* referenced across a pause */
	/* The stats' entry counts before a bucket that may be redone. */
	u64 saved_kinds[TCPSTATES_NKINDS];
};

static __always_inline void tcpstates_lock(spinlock_t *lock, bool bh)
{
	if (bh)
		spin_lock_bh(lock);
	else
		spin_lock(lock);
}

static __always_inline void tcpstates_unlock(spinlock_t *lock, bool bh)
{
	if (bh)
		spin_unlock_bh(lock);
	else
		spin_unlock(lock);
}

/*
 * The pause before @sk, with @lock held. Returns false, still locked and
 * without pausing, if @sk cannot be held. Otherwise returns true once the
 * lock is held again; @sk may have moved meanwhile: the caller checks
 * (*pprev, what pointed at @sk before the pause, tells). The reference
 * taken here is dropped at the next pause or at the end of the bucket,
 * never under the lock, as it may be the last one.
 */
static __always_inline bool tcpstates_pause(struct tcpstates_walk *w,
					    struct sock *sk, spinlock_t *lock,
					    bool bh)
{
	struct sock *prev = w->held;

	if (!refcount_inc_not_zero(&sk->sk_refcnt))
		return false;
	w->held = sk;
	tcpstates_unlock(lock, bh);
	if (prev)
		sock_gen_put(prev);
	cond_resched();
	tcpstates_lock(lock, bh);
	w->stats->pauses++;
	return true;
}

static __always_inline void tcpstates_bucket_done(struct tcpstates_walk *w)
{
	if (w->held) {
		sock_gen_put(w->held);
		w->held = NULL;
	}
}

/*
 * Before a bucket that may be walked again: the consumer saves its state,
 * and the engine its entry counts, so that a restart counts nothing twice.
 */
static __always_inline void tcpstates_save(struct tcpstates_walk *w)
{
	memcpy(w->saved_kinds, w->stats->kinds, sizeof(w->saved_kinds));
	w->ops->save(w->ctx);
}

static __always_inline void tcpstates_restore(struct tcpstates_walk *w)
{
	w->stats->restarts++;
	memcpy(w->stats->kinds, w->saved_kinds, sizeof(w->saved_kinds));
	w->ops->restore(w->ctx);
}

/*
 * Which kind of object @sk is. The kind never changes under the bucket
 * lock: a full socket is replaced by a timewait one, never turned into it.
 */
static __always_inline enum tcpstates_kind tcpstates_kind(const struct sock *sk)
{
	switch (READ_ONCE(sk->sk_state)) {
	case TCP_TIME_WAIT:
		return TCPSTATES_KIND_TIMEWAIT;
	case TCP_NEW_SYN_RECV:
		return TCPSTATES_KIND_REQUEST;
	}
	return TCPSTATES_KIND_FULL;
}

/* Whether entries of @net are the walk's to visit. */
static __always_inline bool tcpstates_ours(const struct tcpstates_walk *w,
					   const struct net *net)
{
	return !w->net || net_eq(net, w->net);
}

static __always_inline bool tcpstates_visit(struct tcpstates_walk *w,
					    struct sock *sk,
					    enum tcpstates_table table)
{
	w->stats->kinds[tcpstates_kind(sk)]++;
	return w->ops->visit(w->ctx, sk, table);
}

/* Whether a nulls chain has more than @max entries; caller holds its lock. */
static __always_inline bool tcpstates_nulls_longer(struct hlist_nulls_head *head,
						   unsigned int max)
{
	struct hlist_nulls_node *node;
	unsigned int n = 0;

	for (node = head->first; !is_a_nulls(node); node = node->next)
		if (++n > max)
			return true;
	return false;
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
static inline unsigned long
tcpstates_tw_left(const struct inet_timewait_sock *tw)
{
	long left;

	if (!timer_pending(&tw->tw_timer))
		return 0;
	left = (long)(READ_ONCE(tw->tw_timer.expires) - jiffies);
	return left > 0 ? left : 0;
}

/*
 * Whether @sk is still linked where it was, from @pprev in bucket @slot.
 * A deletion clears its pprev (all are the _init kind); a deletion of the
 * entry before it or a re-insertion (at the head: it was not at the head,
 * being past the first hold's entries) changes it. For the established
 * hash the bucket is checked too.
 */
static __always_inline bool tcpstates_still(const struct sock *sk,
					    struct hlist_nulls_node **pprev,
					    u32 slot_mask, u32 slot)
{
	return sk->sk_nulls_node.pprev == pprev &&
	       (sk->sk_hash & slot_mask) == slot;
}

/*
 * Where a walk with a position starts in @head: at the held entry if it is
 * still in place, else at the head past @skip entries of the namespace.
 */
static __always_inline struct hlist_nulls_node *
tcpstates_resume(struct tcpstates_walk_pos *pos, struct hlist_nulls_head *head,
		 u32 slot_mask, u32 slot, unsigned int *skip)
{
	*skip = 0;
	if (!pos || !pos->at)
		return head->first;
	if (tcpstates_still(pos->at, pos->pprev, slot_mask, slot))
		return &pos->at->sk_nulls_node;
	*skip = pos->skip;
	return head->first;
}

/*
 * Ends a bucket walked with a position, its lock dropped: @next (held, or
 * NULL) is where the next walk goes on in this slot, unless @stop says it
 * goes on at the next slot.
 */
static __always_inline void
tcpstates_pos_leave(struct tcpstates_walk_pos *pos, struct sock *next,
		    struct hlist_nulls_node **pprev, bool stop)
{
	struct sock *prev = pos->at;

	pos->at = next;
	pos->pprev = pprev;
	if (!stop) {
		pos->slot++;
		pos->skip = 0;
	}
	if (prev)
		sock_gen_put(prev);
}

/*
 * One bucket of the established or the listening hash: a nulls chain
 * linked through sk_nulls_node. With @pos, the walk may start inside the
 * chain and stop inside it: once visit() has had enough, before the
 * namespace's next entry, which it holds by a reference for the next walk
 * (if it cannot, the next walk skips from the head). Returns whether it
 * stopped so. Without @pos the checks fold away.
 */
static __always_inline bool
tcpstates_walk_nulls(struct tcpstates_walk *w, struct hlist_nulls_head *head,
		     spinlock_t *lock, bool bh, enum tcpstates_table table,
		     u32 slot_mask, u32 slot, struct tcpstates_walk_pos *pos)
{
	struct hlist_nulls_node *node, **pprev = NULL;
	unsigned int skip, skip0 = pos ? pos->skip : 0, n = 0;
	bool long_chain, full = false, stop = false;
	struct sock *sk, *next = NULL;

	w->stats->nonempty++;
	tcpstates_lock(lock, bh);
	long_chain = tcpstates_nulls_longer(head, TCPSTATES_HOLD_MAX);
	if (long_chain)
		tcpstates_save(w);
	node = tcpstates_resume(pos, head, slot_mask, slot, &skip);
restart:
	for (; !is_a_nulls(node); node = node->next) {
		sk = hlist_nulls_entry(node, struct sock, sk_nulls_node);
		if (long_chain && n >= TCPSTATES_HOLD_MAX) {
			pprev = node->pprev;
			if (tcpstates_pause(w, sk, lock, bh)) {
				n = 0;
				if (!tcpstates_still(sk, pprev, slot_mask, slot)) {
					tcpstates_restore(w);
					full = false;
					skip = skip0;
					if (pos)
						pos->skip = skip0;
					node = head->first;
					goto restart;
				}
			}
		}
		n++;
		if (!tcpstates_ours(w, sock_net(sk)))
			continue;
		if (pos && skip) {
			skip--;
			continue;
		}
		if (pos && full) {
			stop = true;
			if (refcount_inc_not_zero(&sk->sk_refcnt)) {
				next = sk;
				pprev = node->pprev;
			}
			break;
		}
		if (!tcpstates_visit(w, sk, table) && pos)
			full = true;
		if (pos)
			pos->skip++;
	}
	tcpstates_unlock(lock, bh);
	tcpstates_bucket_done(w);
	if (pos)
		tcpstates_pos_leave(pos, next, next ? pprev : NULL, stop);
	return full;
}

/*
 * The bind bucket @sk hangs on, or NULL once it is unbound; both kinds of
 * owner clear it under the bind bucket's lock when they leave.
 */
static __always_inline const struct tcpstates_bind_bucket *
tcpstates_owner_bucket(const struct sock *sk)
{
	/* A full socket is never in TIME_WAIT; a timewait one always is. */
	if (READ_ONCE(sk->sk_state) == TCP_TIME_WAIT)
		return tcpstates_tw_bind_bucket(inet_twsk(sk));
	return tcpstates_sk_bind_bucket(sk);
}

/* Bind buckets (each counts as an entry) and owners of one bind slot. */
static __always_inline bool tcpstates_bind_longer(struct inet_bind_hashbucket *head,
						  unsigned int max)
{
	struct tcpstates_bind_bucket *tb;
	unsigned int n = 0;
	struct sock *sk;

	inet_bind_bucket_for_each(tb, &head->chain) {
		if (++n > max)
			return true;
		sk_for_each_bound(sk, &tb->owners)
			if (++n > max)
				return true;
	}
	return false;
}

/*
 * The pause before owner @sk of bind bucket @tb. A held owner still names
 * @tb only if it was not unbound meanwhile, and a bucket lives as long as
 * it has owners, so that also proves @tb is still there. Unbinding does
 * not clear pprev, but the bucket check sees it; a re-insertion (at the
 * head) changes pprev unless @sk was at the head already, where the order
 * after it is the same anyway. Returns false if the slot must be walked
 * again.
 */
static __always_inline bool
tcpstates_bind_pause(struct tcpstates_walk *w, struct inet_bind_hashbucket *head,
		     const struct tcpstates_bind_bucket *tb, struct sock *sk,
		     unsigned int *n)
{
	struct hlist_node **pprev = sk->sk_bind_node.pprev;

	if (!tcpstates_pause(w, sk, &head->lock, true))
		return true;
	*n = 0;
	if (tcpstates_owner_bucket(sk) == tb && sk->sk_bind_node.pprev == pprev)
		return true;
	tcpstates_restore(w);
	return false;
}

/*
 * One bind-hash slot: a chain of bind buckets (port, namespace and, from
 * 6.3, address), each with its owners. Buckets of other namespaces are
 * stepped over without looking at their owners, but count towards the
 * bound; the pause before one holds its first owner.
 */
static __always_inline void
tcpstates_walk_bind(struct tcpstates_walk *w, struct inet_bind_hashbucket *head)
{
	struct tcpstates_bind_bucket *tb;
	struct hlist_node *tbn, *skn;
	unsigned int n = 0;
	bool long_chain, mine;
	struct sock *sk;

	w->stats->nonempty++;
	spin_lock_bh(&head->lock);
	long_chain = tcpstates_bind_longer(head, TCPSTATES_HOLD_MAX);
	if (long_chain)
		tcpstates_save(w);
restart:
	for (tbn = head->chain.first; tbn; tbn = tbn->next) {
		tb = hlist_entry(tbn, struct tcpstates_bind_bucket, node);
		mine = tcpstates_ours(w, tcpstates_bind_net(tb));
		n++;
		for (skn = tb->owners.first; skn; skn = skn->next) {
			sk = hlist_entry(skn, struct sock, sk_bind_node);
			if (long_chain && n >= TCPSTATES_HOLD_MAX &&
			    !tcpstates_bind_pause(w, head, tb, sk, &n))
				goto restart;
			if (!mine)
				break;
			n++;
			tcpstates_visit(w, sk, TCPSTATES_TABLE_BIND);
		}
	}
	spin_unlock_bh(&head->lock);
	tcpstates_bucket_done(w);
}

/*
 * Walks @table of @h bucket by bucket: the whole of it, or with @pos from
 * where the last walk stopped until visit() has had enough. Returns
 * whether it stopped early. Sleeps between buckets; holds nothing on
 * return but @pos's entry.
 */
static __always_inline bool
tcpstates_walk_table_from(struct tcpstates_walk *w, struct inet_hashinfo *h,
			  enum tcpstates_table table,
			  struct tcpstates_table_stats *stats,
			  struct tcpstates_walk_pos *pos)
{
	struct inet_listen_hashbucket *lb;
	unsigned int slot, nslots;
	u64 start = ktime_get_ns();
	bool full = false;

	w->stats = stats;
	switch (table) {
	case TCPSTATES_TABLE_ESTABLISHED:
		nslots = h->ehash_mask + 1;
		break;
	case TCPSTATES_TABLE_LISTENING:
		nslots = tcpstates_listen_slots(h);
		break;
	default:
		nslots = h->bhash_size;
		break;
	}
	stats->buckets = nslots;
	for (slot = pos ? pos->slot : 0; slot < nslots && !full; slot++) {
		if (slot % TCPSTATES_RESCHED_BUCKETS == 0)
			cond_resched();
		/* A held entry's slot is walked even if now empty: to drop it. */
		switch (table) {
		case TCPSTATES_TABLE_ESTABLISHED:
			if (hlist_nulls_empty(&h->ehash[slot].chain) &&
			    !(pos && pos->at))
				break;
			full = tcpstates_walk_nulls(w, &h->ehash[slot].chain,
						    inet_ehash_lockp(h, slot),
						    true, table, h->ehash_mask,
						    slot, pos);
			break;
		case TCPSTATES_TABLE_LISTENING:
			lb = tcpstates_listen_bucket(h, slot);
			if (hlist_nulls_empty(&lb->nulls_head) && !(pos && pos->at))
				break;
			full = tcpstates_walk_nulls(w, &lb->nulls_head,
						    &lb->lock, false,
						    table, 0, 0, pos);
			break;
		default:
			if (hlist_empty(&tcpstates_bind_table(h)[slot].chain))
				break;
			tcpstates_walk_bind(w, &tcpstates_bind_table(h)[slot]);
			break;
		}
		/*
		 * Past this slot, when nothing stopped inside it: a skipped
		 * slot moves here; a walked one has been moved already by
		 * tcpstates_pos_leave(), which must do it itself for a
		 * consumer that is full exactly at a chain's end.
		 */
		if (pos && !full)
			pos->slot = slot + 1;
	}
	if (pos && slot >= nslots && !full)
		pos->end = true;
	stats->ns += ktime_get_ns() - start;
	return full;
}

/* Walks the whole of @table of @h. */
static __always_inline void
tcpstates_walk_table(struct tcpstates_walk *w, struct inet_hashinfo *h,
		     enum tcpstates_table table,
		     struct tcpstates_table_stats *stats)
{
	tcpstates_walk_table_from(w, h, table, stats, NULL);
}

#endif /* _TCPSTATES_WALK_H */
