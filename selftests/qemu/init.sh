#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the tcpstates test guest (busybox). The host picks what it does
# with tsmode= on the kernel command line (unknown parameters reach init as
# environment variables):
#   check  load the module, run the kselftest suite, unload, report on ttyS1
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

poweroff_now() {
	sync
	poweroff -f
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

run_check() {
	echo "# guest: $(uname -r) $(nproc) cpus"
	insmod "$KO"
	tap_result $? "1 guest: insmod tcpstates.ko"

	# The kernel's kselftest runner, laid out as its install target
	# does: nested TAP, one block per program.
	(
		cd /kselftest/tcpstates || exit 1
		BASE_DIR=/kselftest
		export BASE_DIR
		. /kselftest/kselftest/runner.sh
		run_many $(cat /kselftest/tcpstates/run_order)
	)

	dump_metrics_sample

	rmmod tcpstates
	tap_result $? "2 guest: rmmod tcpstates"
	test ! -e /proc/tcpstates
	tap_result $? "3 guest: /proc/tcpstates is gone after rmmod"

	# The whole kernel log, for the host's splat scan: the console may
	# lag behind (deferred printing on PREEMPT_RT) when we power off.
	echo "# dmesg-begin"
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
	insmod "$KO" && echo "tcpstates loaded; 'poweroff -f' to leave"
	setsid cttyhack sh -l
	;;
esac
poweroff_now
