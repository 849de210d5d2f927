#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make demo` inside the guest: open some IPv4 and IPv6 connections in a few
# states, then show what tcpstates reports next to the kernel's own view.

here=$(dirname "$0")
sysctl -qw net.ipv4.tcp_tw_reuse=0

start_gen() { # ARGS...
	out=$(mktemp)
	"$here/tcpgen" "$@" > "$out" &
	while ! grep -q ready "$out"; do
		sleep 0.1
	done
}

start_gen listen=2 established=10 time_wait=8 close_wait=3 close=1 \
	syn_recv=2 syn_sent=1 fin_wait1=1 last_ack=1 closing=1
start_gen -6 listen=1 established=4 time_wait=4

echo
echo "\$ cat /proc/tcpstates"
cat /proc/tcpstates
echo
echo "\$ cat /proc/net/sockstat"
cat /proc/net/sockstat
echo
echo "\$ cat /proc/net/tcpstates"
cat /proc/net/tcpstates
echo
echo "\$ echo en > /sys/module/tcpstates/parameters/lang; cat /proc/tcpstates_guide"
echo en > /sys/module/tcpstates/parameters/lang
cat /proc/tcpstates_guide
echo both > /sys/module/tcpstates/parameters/lang
echo
echo "\$ cat /sys/kernel/debug/tcpstates/stats"
cat /sys/kernel/debug/tcpstates/stats
echo
echo "# A peer taking ports, a service leaking CLOSE_WAIT, a second namespace:"
start_gen time_wait=120
start_gen -6 close_wait=7 syn_recv=3
unshare -n sh -c "ip link set lo up; $here/tcpgen established=6 time_wait=9 > /dev/null" &
sleep 3
echo
echo "\$ head -5 /sys/kernel/debug/tcpstates/timewait"
head -5 /sys/kernel/debug/tcpstates/timewait
echo
echo "\$ grep -c TIME_WAIT /sys/kernel/debug/tcpstates/timewait"
grep -c TIME_WAIT /sys/kernel/debug/tcpstates/timewait
echo
echo "\$ cat /sys/kernel/debug/tcpstates/top"
cat /sys/kernel/debug/tcpstates/top
echo
echo "\$ cat /sys/kernel/debug/tcpstates/netns"
cat /sys/kernel/debug/tcpstates/netns
