/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels tcpstates builds for, kept out of the
 * logic. Kbuild probes the target's headers and defines TCPSTATES_HAVE_*
 * flags; this file turns them into one API.
 */
#ifndef _TCPSTATES_COMPAT_H
#define _TCPSTATES_COMPAT_H

#include <net/inet_hashtables.h>
#include <net/net_namespace.h>

/* The proc files keep their namespace in seq_net_private, which needs it. */
#ifndef CONFIG_NET_NS
#error "tcpstates needs CONFIG_NET_NS"
#endif

/*
 * Where bound sockets hang. On 6.1 every full and timewait socket is on the
 * owners list of its bhash bucket (bhash2 keeps timewait sockets apart).
 * Later kernels (6.12 here) dropped that list: a bhash bucket lists bhash2
 * buckets, and both kinds of socket are on a bhash2 bucket's owners list.
 * Either way the owners list is guarded by its table's bucket lock.
 */
#ifdef TCPSTATES_HAVE_BIND2_OWNERS
#define tcpstates_bind_bucket		inet_bind2_bucket
#define tcpstates_bind_table(h)		((h)->bhash2)
#define tcpstates_bind_net(tb)		ib2_net(tb)
/* The bucket an owner is on; NULL once unbound. */
#define tcpstates_sk_bind_bucket(sk)	(inet_csk(sk)->icsk_bind2_hash)
#define tcpstates_tw_bind_bucket(tw)	((tw)->tw_tb2)
#else
#define tcpstates_bind_bucket		inet_bind_bucket
#define tcpstates_bind_table(h)		((h)->bhash)
#define tcpstates_bind_net(tb)		ib_net(tb)
#define tcpstates_sk_bind_bucket(sk)	(inet_csk(sk)->icsk_bind_hash)
#define tcpstates_tw_bind_bucket(tw)	((tw)->tw_tb)
#endif

/*
 * Where listeners hang. From 5.19 (6.1 here) every listener is on lhash2,
 * a nulls chain by port and address. Before (5.10), every listener is on
 * listening_hash[], a nulls chain by port; lhash2 is then a plain hlist
 * linked through another node, which a nulls walk must not follow.
 * Either way the bucket lock is taken by process context only.
 */
static inline unsigned int
tcpstates_listen_slots(const struct inet_hashinfo *h)
{
#ifdef TCPSTATES_HAVE_LISTENING_HASH
	return INET_LHTABLE_SIZE;
#else
	return h->lhash2_mask + 1;
#endif
}

static inline struct inet_listen_hashbucket *
tcpstates_listen_bucket(struct inet_hashinfo *h, unsigned int slot)
{
#ifdef TCPSTATES_HAVE_LISTENING_HASH
	return &h->listening_hash[slot];
#else
	return &h->lhash2[slot];
#endif
}

/*
 * A namespace's timewait sockets, as counted against tcp_max_tw_buckets:
 * a refcount biased by one from 5.17 (6.1 here), a plain count before.
 */
static inline int
tcpstates_tw_in_use(const struct inet_timewait_death_row *dr)
{
#ifdef TCPSTATES_HAVE_TW_REFCOUNT
	return refcount_read(&dr->tw_refcount) - 1;
#else
	return atomic_read(&dr->tw_count);
#endif
}

#endif /* _TCPSTATES_COMPAT_H */
