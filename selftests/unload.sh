#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unload and reload tcpstates while readers loop over both files and while
# files are held open: no crash (the bench scans the kernel log), files
# gone after unload, back after load. Needs root and $TCPSTATES_KO.

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
echo "1..6"

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

echo "# Totals: pass:$((ntests - nfail)) fail:$nfail"
[ "$nfail" -eq 0 ]
