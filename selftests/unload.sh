#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unload and reload tcpstates while readers loop over its files and while
# files are held open: no crash (the bench scans the kernel log), files
# gone after unload, back after load. A proc file held open lets the module
# go (its reads then fail); a debugfs file held open keeps it (rmmod says
# it is in use) until closed. Needs root and $TCPSTATES_KO.

ksft_skip=4
ntests=0
nfail=0
cycles=20

result() { # STATUS DESCRIPTION
	ntests=$((ntests + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $ntests $2"
	else
		echo "not ok $ntests $2"
		nfail=$((nfail + 1))
	fi
}

if [ "$(id -u)" -ne 0 ] || [ ! -r "${TCPSTATES_KO:-}" ]; then
	echo "1..0 # SKIP needs root and TCPSTATES_KO"
	exit $ksft_skip
fi

echo "TAP version 13"
echo "1..11"

grep -q '^tcpstates ' /proc/modules && test -r /proc/tcpstates
result $? "unload.loaded_with_files"

readers=""
for i in 1 2 3 4; do
	(while :; do
		cat /proc/tcpstates /proc/net/tcpstates /proc/tcpstates_guide \
			> /dev/null 2>&1
	done) &
	readers="$readers $!"
done

ok=0
for i in $(seq $cycles); do
	rmmod tcpstates || ok=1
	insmod "$TCPSTATES_KO" || ok=1
done
result $ok "unload.${cycles}_cycles_with_4_readers"

# A file held open across unload reads as an error, never stale memory.
exec 3< /proc/tcpstates
exec 4< /proc/net/tcpstates
exec 5< /proc/tcpstates_guide
rmmod tcpstates
result $? "unload.rmmod_with_files_open"
! cat <&3 > /dev/null 2>&1 && ! cat <&4 > /dev/null 2>&1 &&
	! cat <&5 > /dev/null 2>&1
result $? "unload.open_files_fail_after_unload"
exec 3<&- 4<&- 5<&-
test ! -e /proc/tcpstates && test ! -e /proc/net/tcpstates &&
	test ! -e /proc/tcpstates_guide
result $? "unload.files_gone"

kill $readers
wait 2> /dev/null
insmod "$TCPSTATES_KO" && head -n 1 /proc/tcpstates | grep -q '^tcpstates ' &&
	grep -q '^tcpstates_sockets{' /proc/net/tcpstates
result $? "unload.reload_restores_files"

# The debugfs views, with timewait sockets to list (more than one fill).
dbg=/sys/kernel/debug/tcpstates
views="stats timewait top netns"
sysctl -qw net.ipv4.tcp_tw_reuse=0
gen_out=$(mktemp)
"$(dirname "$0")/tcpgen" time_wait=300 established=20 > "$gen_out" &
gen=$!
while ! grep -q ready "$gen_out"; do
	sleep 0.1
done

# rmmod until it goes (readers hold files open now and then), at most 30 s.
rmmod_retry() {
	tries=0
	while ! rmmod tcpstates 2> /dev/null; do
		tries=$((tries + 1))
		[ $tries -lt 300 ] || return 1
		sleep 0.1
	done
}

readers=""
for i in 1 2; do
	(while :; do
		for v in $views; do
			cat "$dbg/$v" > /dev/null 2>&1
		done
	done) &
	readers="$readers $!"
done
ok=0
for i in $(seq 10); do
	rmmod_retry || ok=1
	test ! -e "$dbg" || ok=1
	insmod "$TCPSTATES_KO" || ok=1
done
kill $readers
wait $readers 2> /dev/null
result $ok "unload.10_cycles_with_2_debugfs_readers"

# Each view open and part read (the timewait listing stopped in mid-table,
# holding its place): rmmod is refused, the reads go on to the end.
exec 3< "$dbg/stats" 4< "$dbg/timewait" 5< "$dbg/top" 6< "$dbg/netns"
ok=0
for fd in 3 4 5 6; do
	dd bs=100 count=1 <&$fd > /dev/null 2>&1 || ok=1
done
rmmod tcpstates 2> /dev/null && ok=1
result $ok "unload.debugfs_open_files_keep_module"
ok=0
for fd in 3 4 5 6; do
	cat <&$fd > /dev/null || ok=1
done
tw=$(grep -c TIME_WAIT "$dbg/timewait")
[ "$tw" -ge 300 ] || ok=1
echo "# timewait listed $tw TIME_WAIT sockets while pinned"
result $ok "unload.debugfs_reads_complete_while_pinned"
exec 3<&- 4<&- 5<&- 6<&-
rmmod tcpstates && test ! -e "$dbg" && test ! -e /proc/tcpstates
result $? "unload.debugfs_files_gone_after_close"
kill $gen
wait 2> /dev/null
insmod "$TCPSTATES_KO" && test -r "$dbg/timewait"
result $? "unload.reload_restores_debugfs"

echo "# Totals: pass:$((ntests - nfail)) fail:$nfail"
[ "$nfail" -eq 0 ]
