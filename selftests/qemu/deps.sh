#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh [--list]: make sure the host has what the QEMU bench needs
# (--list: just name the Debian packages). As root, missing
# Debian packages are installed; otherwise the script names them and fails.
set -euo pipefail

# package:command-or-file that proves it is installed
need=(
	qemu-system-x86:/usr/bin/qemu-system-x86_64
	busybox-static:/bin/busybox
	cpio:/usr/bin/cpio
	dwarves:/usr/bin/pahole
	kmod:/usr/sbin/modinfo
	sparse:/usr/bin/sparse
	xz-utils:/usr/bin/xz
	zstd:/usr/bin/zstd
	rsync:/usr/bin/rsync
	gcc:/usr/bin/gcc
	make:/usr/bin/make
	libc6-dev:/usr/lib/x86_64-linux-gnu/libc.a
	libelf1:/usr/lib/x86_64-linux-gnu/libelf.so.1
	perl:/usr/bin/perl
	# kernels of other Debian releases: their chroots (chroot.sh)
	mmdebstrap:/usr/bin/mmdebstrap
	# the debug kernel's build (make check-debug)
	flex:/usr/bin/flex
	bison:/usr/bin/bison
	bc:/usr/bin/bc
	libelf-dev:/usr/include/libelf.h
	# make bench: the libraries Debian's ss and netstat load, which
	# bench-tools.sh copies from this host into the guest
	libmnl0:/usr/lib/x86_64-linux-gnu/libmnl.so.0
	libtirpc3:/usr/lib/x86_64-linux-gnu/libtirpc.so.3
	libbsd0:/usr/lib/x86_64-linux-gnu/libbsd.so.0
	libcap2:/usr/lib/x86_64-linux-gnu/libcap.so.2
	libselinux1:/usr/lib/x86_64-linux-gnu/libselinux.so.1
	# BENCH_PROFILE=1: perf in the guest, with its libraries
	linux-perf:/usr/bin/perf
)

if [ "${1:-}" = --list ]; then
	printf '%s\n' "${need[@]%%:*}"
	exit 0
fi

missing=()
for entry in "${need[@]}"; do
	[ -e "${entry#*:}" ] || missing+=("${entry%%:*}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: install them with: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet.
if ! apt-cache show --no-all-versions "${missing[0]}" >/dev/null 2>&1; then
	apt-get update -q >&2
fi
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
