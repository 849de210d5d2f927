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
# stack), it must be within LATENCY_BOUND_US (default 10000); when it is
# elsewhere, every section of the reads was shorter.
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
	END { printf "%s %s %s %s %s\n", us, (task == "readloop" && ours) ? "ours" : task,
		start, end, callers }' $T/trace
	kill $rl
	wait $rl 2>/dev/null
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
	if set -- $(measure); then
		echo "# $label: $sockets sockets, $reads reads of both files by nobody"
		echo "# longest section: ${1}us (${2}), from $3 to $4, in ${5:-?}"
		if [ "$2" != ours ]; then
			echo "ok $num latency: $label: longest section ${1}us, not in a read (task $2, in ${5:-$4}); every read section was shorter"
		elif [ "$1" -le "$bound" ]; then
			echo "ok $num latency: $label: longest section ${1}us, in a read (${5:-$4}), within ${bound}us"
		else
			echo "not ok $num latency: $label: longest section ${1}us, in a read (${5:-$4}), over ${bound}us"
		fi
	else
		echo "not ok $num latency: $label: reads as nobody failed"
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
