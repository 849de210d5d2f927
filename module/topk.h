/* SPDX-License-Identifier: GPL-2.0 */
/* The heaviest keys of a stream in fixed memory (Space-Saving), topk.c. */
#ifndef _TCPSTATES_TOPK_H
#define _TCPSTATES_TOPK_H

#include <linux/types.h>

/* An address and port; no padding, so that it hashes and compares whole. */
struct tcpstates_topk_key {
	__be32 addr[4];		/* IPv4 in addr[0], the rest zero */
	__be16 port;
	u16 family;		/* AF_INET or AF_INET6 */
};

struct tcpstates_topk_entry {
	struct tcpstates_topk_key key;
	u32 count;	/* at least the key's true count */
	u32 error;	/* at most that much above it */
	u32 slot;	/* in the hash */
};

struct tcpstates_topk {
	unsigned int k;		/* counters */
	unsigned int used;
	u32 mask;		/* hash slots - 1 */
	u64 total;		/* keys added */
	struct tcpstates_topk_entry *heap;
	u32 *slots;		/* heap index per hash slot, or U32_MAX */
};

int tcpstates_topk_init(struct tcpstates_topk *t, unsigned int k);
void tcpstates_topk_free(struct tcpstates_topk *t);
void tcpstates_topk_reset(struct tcpstates_topk *t);
void tcpstates_topk_copy(struct tcpstates_topk *dst,
			 const struct tcpstates_topk *src);
void tcpstates_topk_add(struct tcpstates_topk *t,
			const struct tcpstates_topk_key *key);
unsigned int tcpstates_topk_largest(const struct tcpstates_topk *t,
				    struct tcpstates_topk_entry *out,
				    unsigned int n);

#endif /* _TCPSTATES_TOPK_H */
