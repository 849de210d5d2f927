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

start_gen -l 2 -e 5 -t 8 -w 3 -c 1
start_gen -6 -l 1 -e 2 -t 4

echo
echo "\$ cat /proc/tcpstates"
cat /proc/tcpstates
echo
echo "\$ cat /proc/net/sockstat"
cat /proc/net/sockstat
echo
echo "\$ cat /proc/net/tcpstates"
cat /proc/net/tcpstates
