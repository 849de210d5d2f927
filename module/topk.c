// SPDX-License-Identifier: GPL-2.0
/*
 * The heaviest keys of a stream in fixed memory: the Space-Saving
 * algorithm (Metwally, Agrawal, El Abbadi, 2005). K counters; a key that
 * has one adds to it; a new key takes a free counter, or else the
 * smallest, inheriting its count as its possible error. So every count is
 * at most error above the truth and error is at most N/K (N keys added);
 * with K or fewer distinct keys every count is exact.
 *
 * A min-heap orders the counters by count, so the smallest is found at
 * once; an open-addressed hash (linear probing, 2K slots) finds a key's
 * counter. Adding a key costs O(log K) at worst, usually O(1): counts grow
 * by one, and a counter moves down the heap only past equal neighbours.
 */
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "topk.h"

#define EMPTY	U32_MAX

static u32 key_hash(const struct tcpstates_topk_key *key)
{
	return jhash2((const u32 *)key, sizeof(*key) / sizeof(u32), 0);
}

int tcpstates_topk_init(struct tcpstates_topk *t, unsigned int k)
{
	unsigned int i;

	t->k = k;
	t->mask = roundup_pow_of_two(2 * k) - 1;
	t->heap = kvcalloc(k, sizeof(*t->heap), GFP_KERNEL);
	t->slots = kvmalloc_array(t->mask + 1, sizeof(*t->slots), GFP_KERNEL);
	if (!t->heap || !t->slots) {
		tcpstates_topk_free(t);
		return -ENOMEM;
	}
	for (i = 0; i <= t->mask; i++)
		t->slots[i] = EMPTY;
	t->used = 0;
	t->total = 0;
	return 0;
}

void tcpstates_topk_free(struct tcpstates_topk *t)
{
	kvfree(t->heap);
	kvfree(t->slots);
	t->heap = NULL;
	t->slots = NULL;
}

void tcpstates_topk_reset(struct tcpstates_topk *t)
{
	unsigned int i;

	for (i = 0; i < t->used; i++)
		t->slots[t->heap[i].slot] = EMPTY;
	t->used = 0;
	t->total = 0;
}

/* Makes @dst, of the same k, what @src is. */
void tcpstates_topk_copy(struct tcpstates_topk *dst,
			 const struct tcpstates_topk *src)
{
	memcpy(dst->heap, src->heap, src->used * sizeof(*src->heap));
	memcpy(dst->slots, src->slots, (src->mask + 1) * sizeof(*src->slots));
	dst->used = src->used;
	dst->total = src->total;
}

/* Puts heap entry @i at position @i of the heap and its slot. */
static void heap_set(struct tcpstates_topk *t, unsigned int i,
		     const struct tcpstates_topk_entry *e)
{
	t->heap[i] = *e;
	t->slots[e->slot] = i;
}

/* Entry @i grew: moves it down past the smaller counts below it. */
static void sift_down(struct tcpstates_topk *t, unsigned int i)
{
	struct tcpstates_topk_entry e = t->heap[i];
	unsigned int c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= t->used)
			break;
		if (c + 1 < t->used && t->heap[c + 1].count < t->heap[c].count)
			c++;
		if (t->heap[c].count >= e.count)
			break;
		heap_set(t, i, &t->heap[c]);
		i = c;
	}
	heap_set(t, i, &e);
}

/* The slot of @key, or the empty slot where it would go. */
static u32 find_slot(const struct tcpstates_topk *t,
		     const struct tcpstates_topk_key *key)
{
	u32 s = key_hash(key) & t->mask;

	while (t->slots[s] != EMPTY &&
	       memcmp(&t->heap[t->slots[s]].key, key, sizeof(*key)))
		s = (s + 1) & t->mask;
	return s;
}

/*
 * Empties slot @s, moving later entries of its probe run back so that
 * every key stays reachable from its home slot (no tombstones).
 */
static void slot_delete(struct tcpstates_topk *t, u32 s)
{
	u32 next = s, home;

	for (;;) {
		t->slots[s] = EMPTY;
		for (;;) {
			next = (next + 1) & t->mask;
			if (t->slots[next] == EMPTY)
				return;
			home = key_hash(&t->heap[t->slots[next]].key) & t->mask;
			/* Stays unless its home is cyclically outside (s, next]. */
			if (((next - home) & t->mask) >= ((next - s) & t->mask))
				break;
		}
		t->slots[s] = t->slots[next];
		t->heap[t->slots[s]].slot = s;
		s = next;
	}
}

void tcpstates_topk_add(struct tcpstates_topk *t,
			const struct tcpstates_topk_key *key)
{
	struct tcpstates_topk_entry e = { .key = *key, .count = 1 };
	u32 s = find_slot(t, key);

	t->total++;
	if (t->slots[s] != EMPTY) {
		t->heap[t->slots[s]].count++;
		sift_down(t, t->slots[s]);
		return;
	}
	if (t->used < t->k) {
		/* A count of 1 is the least: its place is a leaf. */
		e.slot = s;
		heap_set(t, t->used++, &e);
		return;
	}
	/* Evict the smallest: the newcomer may have had that many before. */
	e.error = t->heap[0].count;
	e.count = e.error + 1;
	slot_delete(t, t->heap[0].slot);
	s = find_slot(t, key);
	e.slot = s;
	heap_set(t, 0, &e);
	sift_down(t, 0);
}

static int by_count_desc(const void *a, const void *b)
{
	const struct tcpstates_topk_entry *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

/*
 * Copies the @n largest counters into @out, largest first (ties in key
 * order); returns how many. The heap is left as it was.
 */
unsigned int tcpstates_topk_largest(const struct tcpstates_topk *t,
				    struct tcpstates_topk_entry *out,
				    unsigned int n)
{
	unsigned int i, j, have = 0;

	/* n is small (10): keep the best n seen, by insertion. */
	for (i = 0; i < t->used; i++) {
		const struct tcpstates_topk_entry *e = &t->heap[i];

		if (have == n && by_count_desc(e, &out[n - 1]) >= 0)
			continue;
		j = have < n ? have++ : n - 1;
		while (j > 0 && by_count_desc(e, &out[j - 1]) < 0) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = *e;
	}
	return have;
}
