#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# chroot.sh ensure SUITE [PACKAGE...]
#     Makes, or reuses, a minimal chroot of Debian SUITE (mmdebstrap,
#     variant apt) with what building a module takes (make, sparse,
#     pahole, kmod), installs PACKAGEs in it (say linux-headers-RELEASE,
#     which brings that release's compiler and kbuild tools) and prints
#     its path. A chroot older than CHROOT_MAX_AGE days (30) is made anew;
#     its package lists are refreshed when older than a day.
# chroot.sh run SUITE COMMAND...
#     Runs COMMAND in that chroot, with the project (TOP) and CACHE bind-
#     mounted at their own paths and /proc mounted (objtool reads it), in
#     a mount namespace of its own: nothing stays mounted afterwards.
#
# Chroots live in CHROOT_CACHE: /var/cache/tcpstates/chroots if it can be
# written, else CACHE/chroots. Needs root.
set -euo pipefail

cmd=${1:?usage: chroot.sh ensure|run SUITE ...}
suite=${2:?usage: chroot.sh ensure|run SUITE ...}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
CACHE=$(cache_dir "$top")
mirror=${DEBIAN_MIRROR:-http://deb.debian.org}

die() { echo "chroot: $*" >&2; exit 1; }
say() { echo "chroot: $*" >&2; }

if [ -z "${CHROOT_CACHE:-}" ]; then
	CHROOT_CACHE=/var/cache/tcpstates/chroots
	mkdir -p "$CHROOT_CACHE" 2>/dev/null && [ -w "$CHROOT_CACHE" ] ||
		CHROOT_CACHE=$CACHE/chroots
fi
mkdir -p "$CHROOT_CACHE"
dir=$CHROOT_CACHE/$suite

# Inside the chroot: no daemons, no questions, no recommends.
in_chroot() { # COMMAND...
	unshare -m --propagation private /bin/sh -ec '
		dir=$1; top=$2; cache=$3; shift 3
		for d in "$top" "$cache"; do
			mkdir -p "$dir$d"
			mount --bind "$d" "$dir$d"
		done
		mount -t proc proc "$dir/proc"
		exec chroot "$dir" env DEBIAN_FRONTEND=noninteractive \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"
	' sh "$dir" "$top" "$CACHE" "$@"
}

sources() {
	echo "deb $mirror/debian $suite main"
	[ "$suite" = sid ] && return
	echo "deb $mirror/debian $suite-updates main"
	echo "deb $mirror/debian-security $suite-security main"
}

make_chroot() {
	local t0=$SECONDS
	say "making the $suite chroot in $dir"
	rm -rf "$dir" "$dir.stamp"
	sources | mmdebstrap --variant=apt --mode=root \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		--aptopt='APT::Install-Recommends "false"' \
		--include=make,sparse,dwarves,kmod,xz-utils,zstd \
		"$suite" "$dir" - >&2 || die "mmdebstrap $suite failed"
	echo "$suite $(date -u +%Y-%m-%d)" > "$dir.stamp"
	say "$suite chroot made in $((SECONDS - t0)) s"
}

ensure() { # PACKAGE...
	local max=${CHROOT_MAX_AGE:-30} missing=() p
	if [ ! -f "$dir.stamp" ] ||
	   [ -n "$(find "$dir.stamp" -mtime "+$max" 2>/dev/null)" ]; then
		make_chroot
	fi
	# mmdebstrap leaves no package lists behind: the first install fetches them.
	for p in "$@"; do
		in_chroot dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	if [ "${#missing[@]}" -gt 0 ]; then
		if [ -z "$(find "$dir/var/lib/apt/lists/updated" -mtime -1 2>/dev/null)" ]; then
			in_chroot apt-get -q update >&2 || die "apt-get update in $suite failed"
			touch "$dir/var/lib/apt/lists/updated"
		fi
		say "$suite: installing ${missing[*]}"
		in_chroot apt-get -q -y install "${missing[@]}" >&2 ||
			die "installing ${missing[*]} in $suite failed"
	fi
	echo "$dir"
}

case "$cmd" in
ensure) ensure "$@" ;;
run)    [ -f "$dir.stamp" ] || die "no $suite chroot: chroot.sh ensure $suite"
	in_chroot "$@" ;;
*)      die "unknown command '$cmd' (ensure or run)" ;;
esac
