#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# latency.sh: the longest section with preemption, bottom halves or
# interrupts off while tcpstates' files are read, from the kernel's
# preemptirqsoff latency tracer (debug kernel only). For each load, in a
# namespace of its own: make the sockets with tcpgen, check the module's
# counts against /proc/net/tcp, reset the tracer's maximum, let one
# unprivileged process (readloop) read both files READS times from offset
# 0, then report the maximum, the task it was in and where it started and
# ended. When that section is in a read (readloop, with a proc read on the
# stack), it must be within LATENCY_BOUND_US (default 10000). When it is
# elsewhere (another task, or an interrupt or fault taken during a read),
# every section of the reads was shorter; if that is over the bound too, it
# says nothing of theirs, so the reads are measured again (three tries).
#
# The loads: SOCKETS/5 and SOCKETS connections on one listener's port (the
# bind bucket of that port then holds them all: the figure must not grow
# with them), and SPREAD (default SOCKETS) spread over many ports. The
# sockets are made with TCP_REPAIR (tcpgen one_port= and spread=): a real
# handshake costs about 10 ms on the debug kernel under TCG. The tables
# end up as they would with real connections: one_port= leaves one
# listener's bind bucket with N + 1 owners, as N accepted connections do.
# Each load's sockets stay until the guest ends: the bench runs this in a
# guest of its own.
#
#   latency.sh [READS [SOCKETS [SPREAD]]]
#                      (defaults: 20 reads, 100,000 sockets, SPREAD=SOCKETS)

here=$(cd "$(dirname "$0")" && pwd)
T=/sys/kernel/tracing

# Reads of both files by nobody, $reads times each from one process
# (readloop), then the tracer's verdict: "<us> <task> <started at>
# <ended at> <callers on the stack at the end>". The section is ours when
# the task is readloop and a proc read is on the stack.
measure() {
	# readloop waits once done, so its exit is not measured; the shell
	# waits on a FIFO meanwhile, starting no program of its own.
	rm -f /tmp/readloop.fifo
	mkfifo /tmp/readloop.fifo
	"$here/readloop" -z $T/tracing_max_latency "$reads" \
		/proc/tcpstates /proc/net/tcpstates > /tmp/readloop.fifo &
	rl=$!
	read -r line < /tmp/readloop.fifo
	[ "$line" = done ] || return 1
	awk '
	/^# latency:/ { us = $3 }
	/\| task: / { task = $4; sub(/-[0-9]+$/, "", task) }
	/=> started at:/ { start = $NF }
	/=> ended at:/ { end = $NF }
	/^ => / && $2 ~ /seq_read/ { ours = 1 }
	/^ => / && k < 3 && $2 !~ /^(_raw_|trace_|preempt_|__local_bh|local_bh|lock_release)/ {
		callers = callers (k++ ? "<" : "") $2
	}
	# A section that starts at irqentry_* (an interrupt, or an exception
	# such as a page fault) is that handler'"'"'s own: it began with
	# preemption and interrupts on, so no section of the read was open,
	# even though the read is on the stack.
	END {
		who = task
		if (start ~ /^(irqentry_|asm_|sysvec_|common_interrupt)/)
			who = "interrupt-or-fault"
		else if (task == "readloop" && ours)
			who = "ours"
		printf "%s %s %s %s %s\n", us, who, start, end, callers
	}' $T/trace
	# readloop ends killed, which is how it should end: not a failure.
	kill $rl
	wait $rl 2>/dev/null
	return 0
}

# ESTABLISHED and LISTEN as /proc/tcpstates counts them, and as
# /proc/net/tcp{,6} lists them (the oracle).
module_counts() {
	awk '$1 == "ESTABLISHED" || $1 == "LISTEN" { printf "%s=%s ", $1, $2 }' \
		/proc/tcpstates
}

oracle_counts() {
	awk 'FNR > 1 { n[$4]++ }
	END { printf "ESTABLISHED=%d LISTEN=%d ", n["01"], n["0A"] }' \
		/proc/net/tcp /proc/net/tcp6
}

# Inside the load's own namespace: make the sockets, measure, report.
load() { # NUMBER LABEL READS TCPGEN_ARGS...
	num=$1 label=$2 reads=$3
	shift 3
	ip link set lo up
	"$here/tcpgen" "$@" > /tmp/latency.gen 2>&1 &
	gen=$!
	t=0
	while ! grep -q ready /tmp/latency.gen; do
		if ! kill -0 $gen 2>/dev/null; then
			cat /tmp/latency.gen
			echo "not ok $num latency: $label: tcpgen $*"
			return
		fi
		sleep 1
		t=$((t + 1))
		# How fast the sockets come, to see a slowdown as they add up.
		[ $((t % 60)) = 0 ] && awk -v t=$t '/^TCP:/ {
			print "# " $3 " sockets in use after " t " s" }' \
			/proc/net/sockstat
	done
	mod=$(module_counts)
	want=$(oracle_counts)
	if [ "$mod" = "$want" ]; then
		echo "ok $num latency: $label: counts equal /proc/net/tcp's: $mod"
	else
		echo "# /proc/tcpstates: $mod"
		echo "# /proc/net/tcp:   $want"
		echo "not ok $num latency: $label: counts equal /proc/net/tcp's"
	fi
	num=$((num + 1))
	sockets=$(awk '$1 ~ /^[A-Z_0-9]+$/ && $2 ~ /^[0-9]+$/ { s += $2 }
		END { print s }' /proc/tcpstates)
	# A longer section outside the reads (a page fault in this script, an
	# interrupt) hides theirs: when it is over the bound, measure again.
	try=1
	while :; do
		if ! verdict=$(measure) || [ -z "$verdict" ]; then
			echo "not ok $num latency: $label: reads as nobody failed"
			return
		fi
		set -- $verdict
		echo "# $label: $sockets sockets, $reads reads of both files by nobody (try $try)"
		echo "# longest section: ${1}us (${2}), from $3 to $4, in ${5:-?}"
		[ "$2" != ours ] && [ "$1" -gt "$bound" ] && [ $try -lt 3 ] || break
		try=$((try + 1))
	done
	if [ "$2" = ours ]; then
		if [ "$1" -le "$bound" ]; then
			echo "ok $num latency: $label: longest section ${1}us, in a read (${5:-$4}), within ${bound}us"
		else
			echo "not ok $num latency: $label: longest section ${1}us, in a read (${5:-$4}), over ${bound}us"
		fi
	elif [ "$1" -le "$bound" ]; then
		echo "ok $num latency: $label: longest section ${1}us, not in a read ($2, in ${5:-$4}); every read section was shorter"
	else
		echo "not ok $num latency: $label: a section of ${1}us not in a read ($2, in ${5:-$4}) hid the reads' own in $try tries"
	fi
	# The sockets stay until the guest ends: tearing 100,000 down costs
	# this kernel as long as making them (about 6 ms each).
}

if [ "${1:-}" = --load ]; then
	shift
	load "$@"
	exit 0
fi

[ -f $T/current_tracer ] || mount -t tracefs nodev $T 2>/dev/null
if ! grep -qw preemptirqsoff $T/available_tracers 2>/dev/null; then
	echo "ok 1 latency: preemptirqsoff tracer # SKIP not in this kernel"
	exit 0
fi
# Only the start and end of the longest section (and a stack at its end)
# are recorded, not every function inside it: tracing each function would
# itself stretch the section being measured.
[ -e $T/options/function-trace ] && echo 0 > $T/options/function-trace
echo preemptirqsoff > $T/current_tracer
echo 1 > $T/tracing_on

# A printk is written to the console in whatever context made it, and
# this guest's serial console is slow under TCG: one message from a timer
# interrupt once held interrupts off for 24 ms in the middle of the reads.
# While measuring, only emergencies reach the console; every message still
# reaches the kernel log, which the host scans whole.
console_level=$(awk '{ print $1 }' /proc/sys/kernel/printk)
echo 1 > /proc/sys/kernel/printk

reads=${1:-20}
n=${2:-100000}
spread=${3:-$n}
export bound=${LATENCY_BOUND_US:-10000}
unshare -n "$0" --load 1 "$((n / 5)) connections on one listener's port" \
	"$reads" one_port="$((n / 5))"
unshare -n "$0" --load 3 "$n connections on one listener's port" "$reads" \
	one_port="$n"
unshare -n "$0" --load 5 "$spread connections over many ports" "$reads" \
	spread="$spread"

echo nop > $T/current_tracer
echo "$console_level" > /proc/sys/kernel/printk
