#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-dkms.sh SERIES...: the install paths an operator uses, as root.
# For each kernel series of this machine's Debian release (the -rt ones
# are skipped): install Debian's real header package, then
#   0. make install and make uninstall;
#   1. dkms add/build/install from the source tree, modinfo, dkms remove;
#   2. make deb, install the package (its postinst builds through DKMS);
#   3. boot each guest with the DKMS-built module and run the smoke tests;
#   4. purge the package: nothing of tcpstates may be left.
# For each other release (a series whose kernel is built in a chroot):
#   5. in that release's chroot, install dkms and the kernel's headers,
#      then the package of step 2; its postinst must build a module that
#      modinfo accepts; boot it in its kernel with the smoke tests; purge.
# Prints TAP and "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
qemu_dir=$top/selftests/qemu
CACHE=${CACHE:-$top/.cache}
version=$(cat "$top/VERSION")
export DEBIAN_FRONTEND=noninteractive

n=0 pass=0 fail=0
tap() { # STATUS DESCRIPTION [DIAGNOSTIC_FILE]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $n $2"
	else
		fail=$((fail + 1))
		[ -n "${3:-}" ] && [ -s "$3" ] && tail -n 40 "$3" | sed 's/^/#   /'
		echo "not ok $n $2"
	fi
}

finish() {
	echo "1..$n"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

[ "$(id -u)" -eq 0 ] || { echo "check-dkms: needs root" >&2; exit 1; }
log=$CACHE/dkms
mkdir -p "$log"

releases=()
series_list=""
other_series=()
for series in "$@"; do
	case "$series" in *-rt) continue ;; esac
	kernel=$("$qemu_dir/fetch-kernel.sh" "$series" "$CACHE") || exit 1
	if [ -f "$kernel/suite" ]; then
		other_series+=("$series")
		continue
	fi
	releases+=("$(basename "$kernel")")
	series_list+=" $series"
done

echo "TAP version 13"
# Debian's header packages, as an operator installs them. The 6.12 one
# depends on its kernel image package, which comes along (unbooted).
apt-get install -y -q --no-install-recommends dkms dh-dkms debhelper \
	"${releases[@]/#/linux-headers-}" > "$log/apt.log" 2>&1
tap $? "apt-get install dkms and linux-headers-{${releases[*]}}" "$log/apt.log"
[ "$fail" -eq 0 ] || finish

# Module files of tcpstates anywhere DKMS or make install put them.
leftovers() {
	{ ls -d /usr/src/tcpstates-* /var/lib/dkms/tcpstates 2>/dev/null
	  find /lib/modules -name 'tcpstates.ko*' 2>/dev/null; } | sed 's/^/#   left: /'
}

modinfo_complete() { # KO
	local info
	info=$(modinfo "$1") || return 1
	grep -q "^version: *$version\$" <<< "$info" &&
	grep -q '^license: *GPL$' <<< "$info" &&
	grep -q '^description: ..*' <<< "$info" &&
	grep -q '^parm: *lang:..*' <<< "$info"
}

built_ko() { # RELEASE
	ls /lib/modules/"$1"/updates/dkms/tcpstates.ko* 2>/dev/null | head -n 1
}

# --- 0. make install, for people without DKMS -------------------------------
for rel in "${releases[@]}"; do
	# modules_install compresses as the kernel's config says (6.12: xz).
	make -C "$top" install KERNELRELEASE="$rel" > "$log/install-$rel.log" 2>&1 &&
		ko=$(ls /lib/modules/"$rel"/updates/tcpstates.ko*) &&
		modinfo_complete "$ko" &&
		! grep -q 'sign-file\|SSL error' "$log/install-$rel.log"
	tap $? "make install KERNELRELEASE=$rel: updates/tcpstates.ko*" "$log/install-$rel.log"
	make -C "$top" uninstall KERNELRELEASE="$rel" > "$log/uninstall-$rel.log" 2>&1 &&
		! ls /lib/modules/"$rel"/updates/tcpstates.ko* > /dev/null 2>&1
	tap $? "make uninstall KERNELRELEASE=$rel" "$log/uninstall-$rel.log"
	make -C "$top" -s clean KDIR="/lib/modules/$rel/build" > /dev/null 2>&1
done

# --- 1. dkms from the source tree -------------------------------------------
make -C "$top" -s dkms-remove > /dev/null 2>&1
make -C "$top" dkms-install KERNELRELEASE="${releases[0]}" > "$log/add.log" 2>&1
tap $? "make dkms-install (dkms add, build, install) for ${releases[0]}" "$log/add.log"
cp "$log/add.log" "$log/build-${releases[0]}.log"
for rel in "${releases[@]}"; do
	if [ "$rel" != "${releases[0]}" ]; then
		{ dkms build -m tcpstates -v "$version" -k "$rel" &&
		  dkms install -m tcpstates -v "$version" -k "$rel"; } \
			> "$log/build-$rel.log" 2>&1
		tap $? "dkms build and install -k $rel" "$log/build-$rel.log"
	fi
	# dkms itself runs readelf on the kernel's files to learn their
	# compiler; that readelf warning is about vmlinux, not this package.
	! grep -v "readelf: Warning: Section '.comment' was not dumped" \
		"$log/build-$rel.log" | grep -Eiq 'warning|deprecated'

	tap $? "dkms build -k $rel: no warnings" "$log/build-$rel.log"
	ko=$(built_ko "$rel")
	[ -n "$ko" ] && modinfo_complete "$ko"
	tap $? "modinfo of the DKMS module for $rel: version $version, GPL, description, lang"
done
make -C "$top" -s dkms-remove > "$log/remove.log" 2>&1
tap $? "make dkms-remove" "$log/remove.log"
leftovers > "$log/left.txt"
[ ! -s "$log/left.txt" ]
tap $? "nothing of tcpstates left after dkms remove" "$log/left.txt"

# --- 2. the Debian package ------------------------------------------------
make -C "$top" -s deb > "$log/deb.log" 2>&1
tap $? "make deb" "$log/deb.log"
deb=$top/tcpstates-dkms_${version}_all.deb
apt-get install -y -q "$deb" > "$log/install.log" 2>&1
tap $? "apt-get install ./$(basename "$deb")" "$log/install.log"
for rel in "${releases[@]}"; do
	ko=$(built_ko "$rel")
	[ -n "$ko" ] && modinfo_complete "$ko"
	tap $? "the package's postinst built tcpstates.ko for $rel" "$log/install.log"
done

# --- 3. the DKMS-built modules in their guests ------------------------------
# shellcheck disable=SC2086 # one series per word
KO_FROM_DKMS=1 SUITE="procfs_test states_test" TINY_SUITE=none \
	"$qemu_dir/vmtest.sh" check $series_list > "$log/guests.log" 2>&1
tap $? "guests pass the smoke tests with the DKMS-built modules" "$log/guests.log"
grep -E '^(not )?ok ' "$log/guests.log" | sed 's/^/#   /'

# --- 4. removal -------------------------------------------------------------
apt-get purge -y -q tcpstates-dkms > "$log/purge.log" 2>&1
tap $? "apt-get purge tcpstates-dkms" "$log/purge.log"
{ leftovers; ls /etc/modules-load.d/tcpstates.conf 2>/dev/null; } > "$log/left.txt"
[ ! -s "$log/left.txt" ]
tap $? "nothing of tcpstates left after purge" "$log/left.txt"

# --- 5. the other releases, each in its chroot ------------------------------
for series in "${other_series[@]}"; do
	kernel=$("$qemu_dir/fetch-kernel.sh" "$series" "$CACHE") || exit 1
	rel=$(basename "$kernel")
	suite=$(cat "$kernel/suite")
	root=$("$qemu_dir/chroot.sh" ensure "$suite" dkms "linux-headers-$rel" \
		2> "$log/$suite-apt.log")
	tap $? "$suite chroot: apt-get install dkms linux-headers-$rel" "$log/$suite-apt.log"
	[ -n "$root" ] || continue
	"$qemu_dir/chroot.sh" run "$suite" apt-get install -y -q "$deb" \
		> "$log/$suite-install.log" 2>&1
	tap $? "$suite chroot: apt-get install ./$(basename "$deb")" "$log/$suite-install.log"
	ko=$(ls "$root"/lib/modules/"$rel"/updates/dkms/tcpstates.ko* 2>/dev/null | head -n 1)
	[ -n "$ko" ] && modinfo_complete "$ko"
	tap $? "$suite chroot: the package's postinst built tcpstates.ko for $rel" \
		"$log/$suite-install.log"
	KO_FROM_DKMS=1 SUITE="procfs_test states_test" TINY_SUITE=none \
		"$qemu_dir/vmtest.sh" check "$series" > "$log/guests-$series.log" 2>&1
	tap $? "$series guest passes the smoke tests with the $suite DKMS-built module" \
		"$log/guests-$series.log"
	grep -E '^(not )?ok ' "$log/guests-$series.log" | sed 's/^/#   /'
	"$qemu_dir/chroot.sh" run "$suite" apt-get purge -y -q tcpstates-dkms \
		> "$log/$suite-purge.log" 2>&1 &&
		! ls -d "$root"/usr/src/tcpstates-* "$root"/var/lib/dkms/tcpstates \
			"$root"/lib/modules/*/updates/dkms/tcpstates.ko* 2> /dev/null
	tap $? "$suite chroot: apt-get purge leaves nothing of tcpstates" "$log/$suite-purge.log"
done
finish
