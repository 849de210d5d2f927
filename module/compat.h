/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels tcpstates builds for, kept out of the
 * logic. Kbuild probes the target's headers and defines TCPSTATES_HAVE_*
 * flags; this file turns them into one API.
 */
#ifndef _TCPSTATES_COMPAT_H
#define _TCPSTATES_COMPAT_H

#include <net/inet_hashtables.h>

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

#endif /* _TCPSTATES_COMPAT_H */
