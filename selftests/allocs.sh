#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# allocs.sh READS FILE...: what the kernel allocates for a reader of FILEs.
# One process (readloop, as nobody) opens each FILE, reads it whole once
# (which allocates its seq_file buffer), then READS times more from offset
# 0, each a fresh walk. Those reads are measured: a tracing instance of
# their own follows that process alone, with every allocation event this
# kernel has (slab, pages, vmalloc areas, per-CPU). Allocations made in an
# interrupt or a softirq that happened to run in the process (pending
# softirqs run when a lock taken with bottom halves off is released) are
# not the read's and are left out. Prints "<bytes> <allocations>" and then
# "<call site>:<bytes>" for each call site, in no particular order.

here=$(cd "$(dirname "$0")" && pwd)
T=/sys/kernel/tracing
I=$T/instances/tcpstates-allocs

[ -d $T/instances ] || mount -t tracefs nodev $T 2>/dev/null
rmdir $I 2>/dev/null
mkdir $I || exit 1
echo 0 > $I/tracing_on
events=0
for e in kmem/kmalloc kmem/kmalloc_node kmem/kmem_cache_alloc \
	kmem/kmem_cache_alloc_node kmem/mm_page_alloc vmalloc/alloc_vmap_area \
	percpu/percpu_alloc_percpu; do
	[ -e $I/events/$e/enable ] || continue
	echo 1 > $I/events/$e/enable
	events=$((events + 1))
done
if [ $events = 0 ]; then
	echo "allocs.sh: this kernel has no allocation events" >&2
	rmdir $I
	exit 1
fi

# readloop starts tracing itself after its first pass, stops after the
# last read, says "done" and waits; the trace is read before it exits.
rm -f /tmp/allocs.fifo
mkfifo /tmp/allocs.fifo
"$here/readloop" -a $I "$@" > /tmp/allocs.fifo &
rl=$!
read -r line < /tmp/allocs.fifo
kill $rl
wait $rl 2>/dev/null
if [ "$line" != done ]; then
	rmdir $I
	exit 1
fi
# After the task and the CPU come the flags; their third is the context:
# h, s, H, z or Z for an interrupt, a softirq or an NMI, '.' the process.
# Slab and per-CPU events give bytes_alloc, pages an order, vmalloc a size
# (busybox awk has no ^).
awk '
/^#/ || substr($3, 3, 1) != "." { next }
{
	bytes = 0
	where = $5
	for (i = 6; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "bytes_alloc" || kv[1] == "size" && !bytes)
			bytes = kv[2]
		else if (kv[1] == "order")
			for (bytes = 4096; kv[2]-- > 0; )
				bytes *= 2
		else if (kv[1] == "call_site")
			where = kv[2]
	}
	sub(/\+.*/, "", where)
	sub(/:$/, "", where)
	total += bytes
	n++
	by[where] += bytes
}
END {
	printf "%d %d", total, n
	for (w in by)
		printf " %s:%d", w, by[w]
	printf "\n"
}' $I/trace
echo 0 > $I/tracing_on
rmdir $I
