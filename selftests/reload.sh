#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unload and reload tcpstates: the proc file must go with the module and come
# back with it. Needs root and the path of the .ko in $TCPSTATES_KO.

ksft_skip=4
ntests=0
nfail=0

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
echo "1..4"

grep -q '^tcpstates ' /proc/modules
result $? "reload.loaded_before"

rmmod tcpstates
result $? "reload.rmmod"

test ! -e /proc/tcpstates
result $? "reload.proc_file_gone"

insmod "$TCPSTATES_KO" && test -r /proc/tcpstates
result $? "reload.insmod_restores_proc_file"

echo "# Totals: pass:$((ntests - nfail)) fail:$nfail"
[ "$nfail" -eq 0 ]
