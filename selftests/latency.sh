#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# latency.sh: the longest section with preemption, bottom halves or
# interrupts off that reading tcpstates' files causes, from the kernel's
# preemptirqsoff latency tracer (debug kernel only). For each load, in a
# namespace of its own: make the sockets with tcpgen, check the module's
# counts against /proc/net/tcp, reset the tracer's maximum, let an
# unprivileged user cat both files READS times, then report the maximum
# and where it started and ended. The figure is reported, not judged.
#
# The sockets are made with TCP_REPAIR (tcpgen one_port= and spread=): a
# real handshake costs about 10 ms on the debug kernel under TCG, and
# 100,000 of them would take most of an hour. The tables end up as they
# would with real connections: one_port= leaves one listener's bind
# bucket with 100,001 owners, as 100,000 accepted connections do.
#
#   latency.sh [READS [SOCKETS]]   (defaults: 20 reads, 100,000 sockets)

here=$(cd "$(dirname "$0")" && pwd)
T=/sys/kernel/tracing

# Reads of both files by nobody, $reads times, then the tracer's verdict:
# "<us> <started at> <ended at> <callers on the stack at the end>".
measure() {
	echo 0 > $T/tracing_max_latency
	su -s /bin/sh nobody -c "
		i=0
		while [ \$i -lt $reads ]; do
			cat /proc/tcpstates /proc/net/tcpstates > /dev/null || exit 1
			i=\$((i + 1))
		done" || return 1
	awk '
	/^# latency:/ { us = $3 }
	/=> started at:/ { start = $NF }
	/=> ended at:/ { end = $NF }
	/^ => / && k < 3 && $2 !~ /^(_raw_|trace_|preempt_|__local_bh|local_bh|lock_release)/ {
		callers = callers (k++ ? "<" : "") $2
	}
	END { printf "%s %s %s %s\n", us, start, end, callers }' $T/trace
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
		echo "# longest section: ${1}us, from $2 to $3, in ${4:-?}"
		echo "ok $num latency: $label: longest preempt/BH/IRQ-off section ${1}us in ${4:-$3}"
	else
		echo "not ok $num latency: $label: reads as nobody failed"
	fi
	kill $gen
	wait $gen 2>/dev/null
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
unshare -n "$0" --load 1 "$n connections on one listener's port" "$reads" \
	one_port="$n"
unshare -n "$0" --load 3 "$n connections over many ports" "$reads" \
	spread="$n"

echo nop > $T/current_tracer
