#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the tcpstates test guest (busybox). The host picks what it does
# with tsmode= on the kernel command line (unknown parameters reach init as
# environment variables):
#   check  load the module, run the kselftest suite, unload, report on ttyS1
#          (tslatency=READS,SOCKETS: then the latency measurement, latency.sh)
#   demo   load the module, open a few connections, print /proc/tcpstates
#   shell  load the module and give an interactive shell on the console
#
# In check mode the console (ttyS0) carries only the kernel log; results
# go to ttyS1 so kernel messages can never split a TAP line. The host trusts
# a run only if the last line on ttyS1 is the done token.

/bin/busybox --install -s
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /dev/pts /root /var/run/netns
mount -t devpts devpts /dev/pts
# devtmpfs lacks the udev-made links the kselftest runner writes to.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
hostname tcpstates-guest
ip link set lo up

KO=/lib/tcpstates/tcpstates.ko
export TCPSTATES_KO="$KO"

# QEMU runs with -no-reboot, so a reboot ends it; unlike poweroff, that
# needs no ACPI power management (the debug kernel has none that QEMU's
# machine answers).
poweroff_now() {
	sync
	reboot -f
}

# Kernel modules the tests need, dependencies first (written by the host).
load_kernel_modules() {
	while read -r m; do
		insmod "/lib/kmods/$m" || echo "init: insmod $m failed"
	done < /etc/kmods
}

tap_result() { # STATUS(0=ok) DESCRIPTION
	if [ "$1" -eq 0 ]; then
		echo "ok $2"
	else
		echo "not ok $2"
	fi
}

# /proc/net/tcpstates of a namespace with sockets in several states, for
# the host to check with promtool.
dump_metrics_sample() {
	unshare -n sh -c '
		ip link set lo up
		/kselftest/tcpstates/tcpgen listen=1 established=4 time_wait=2 \
			close_wait=1 close=1 syn_recv=1 \
			> /tmp/tcpgen.out &
		for i in $(seq 100); do
			grep -q ready /tmp/tcpgen.out && break
			sleep 0.1
		done
		echo "# metrics-begin"
		cat /proc/net/tcpstates
		echo "# metrics-end"
		kill $!'
}

# The kernel log since the last call is moved to /tmp/kernel.log; if that
# part holds a splat (patterns from the host, /etc/splat.re), it is shown
# under a failed test named after what just ran, so a checker's report
# lands under the test that caused it.
kernel_log_clean() { # WHAT
	dmesg -c > /tmp/kernel.new
	cat /tmp/kernel.new >> /tmp/kernel.log
	if grep -Eqf /etc/splat.re /tmp/kernel.new; then
		# From 5 lines before the first match, 60 lines: busybox's
		# grep -m1 would stop at the next match, e.g. "Call Trace:".
		first=$(grep -Enf /etc/splat.re /tmp/kernel.new | head -n 1)
		first=${first%%:*}
		sed -n "$((first > 5 ? first - 5 : 1)),$((first + 55))p" \
			/tmp/kernel.new
		echo "not ok 9 kernel log stays clean during $1"
	fi
}

# The kselftest runner, laid out as its install target does: nested TAP,
# one block per program, each followed by a look at the kernel log.
run_suite() {
	cd /kselftest/tcpstates || exit 1
	BASE_DIR=/kselftest
	. /kselftest/kselftest/runner.sh
	DIR=tcpstates
	# tsrun=PROG,PROG... on the command line picks the programs
	# (tsrun=none: none).
	if [ "${tsrun:-}" = none ]; then
		set --
	elif [ -n "${tsrun:-}" ]; then
		set -- $(echo "$tsrun" | tr , ' ')
	else
		set -- $(cat run_order)
	fi
	echo "TAP version 13"
	echo "1..$#"
	test_num=0
	for TEST in "$@"; do
		test_num=$((test_num + 1))
		run_one "$DIR" "$TEST" "$test_num"
		kernel_log_clean "$TEST"
	done
}

# kmemleak (debug kernel): what the module leaked, from a scan with the
# module loaded (its functions named) and one after rmmod (its addresses
# then print as bare numbers). A scan reports an object only once it was
# seen unreferenced twice, hence two. Leaks of the rest of the kernel
# are shown but do not count against the module.
kmemleak_scan() { # NUMBER WHEN
	k=/sys/kernel/debug/kmemleak
	[ -e $k ] || return 0
	grep -qw kmemleak=off /proc/cmdline && return 0
	echo scan > $k
	echo scan > $k
	cat $k > /tmp/kmemleak.$1
	awk '/^unreferenced object/ { n++ } { r[n] = r[n] $0 "\n" }
	END { for (i = 1; i <= n; i++)
		if (r[i] ~ /tcpstates|\n +0x[0-9a-f]+\n/) printf "%s", r[i] }' \
		/tmp/kmemleak.$1 > /tmp/kmemleak.ours
	if [ -s /tmp/kmemleak.ours ]; then
		head -n 80 /tmp/kmemleak.ours
		echo "not ok $1 guest: kmemleak finds no leak of the module $2"
	else
		grep -c '^unreferenced object' /tmp/kmemleak.$1 |
			sed 's/^/# kmemleak: objects of the rest of the kernel: /'
		echo "ok $1 guest: kmemleak finds no leak of the module $2"
	fi
	echo clear > $k
}

run_check() {
	echo "# guest: $(uname -r) $(nproc) cpus"
	# What the kernel itself left unreferenced while booting is not ours.
	[ -e /sys/kernel/debug/kmemleak ] &&
		echo clear > /sys/kernel/debug/kmemleak 2>/dev/null
	insmod "$KO"
	tap_result $? "1 guest: insmod tcpstates.ko"
	kernel_log_clean "insmod"

	(run_suite)

	# The debug lane's latency measurement (tslatency=READS,SOCKETS,SPREAD).
	# shellcheck disable=SC2046 # one number per word
	[ -n "${tslatency:-}" ] &&
		/kselftest/tcpstates/latency.sh $(echo "$tslatency" | tr , ' ')
	kernel_log_clean "the latency measurement"

	dump_metrics_sample

	kmemleak_scan 4 "before rmmod"
	rmmod tcpstates
	tap_result $? "2 guest: rmmod tcpstates"
	test ! -e /proc/tcpstates
	tap_result $? "3 guest: /proc/tcpstates is gone after rmmod"
	kmemleak_scan 5 "after rmmod"
	kernel_log_clean "rmmod"

	# The whole kernel log, for the host's splat scan: the console may
	# lag behind (deferred printing on PREEMPT_RT) when we power off.
	echo "# dmesg-begin"
	cat /tmp/kernel.log
	dmesg
	echo "# dmesg-end"
	echo "TCPSTATES-GUEST-DONE"
}

load_kernel_modules
case "${tsmode:-check}" in
check)
	run_check > /dev/ttyS1 2>&1
	;;
demo)
	insmod "$KO" && /kselftest/tcpstates/demo.sh
	;;
shell)
	insmod "$KO" && echo "tcpstates loaded; 'reboot -f' to leave"
	setsid cttyhack sh -l
	;;
bench)
	# make bench (selftests/qemu/bench.sh): results on ttyS1.
	insmod "$KO"
	/bench/guest.sh > /dev/ttyS1 2>&1
	;;
esac
poweroff_now
