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
