#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh SERIES CACHE
#
# Makes sure the newest Debian build of kernel SERIES is unpacked under
# CACHE/kernels/<release>/ and prints that directory on stdout:
#
#   5.10            bullseye (Debian 11)     5.10.0-N-amd64
#   6.1, 6.1-rt     bookworm (Debian 12)     6.1.0-N-amd64
#   6.12, 6.12-rt   bookworm                 6.12.N+deb12-amd64
#   trixie          trixie (Debian 13)       6.12.N+deb13-amd64
#   sid, sid-rt     sid (unstable)           the newest image sid has
#
# Nothing is installed on the host: the packages are fetched with
# `apt-get download` (for a release other than the host's, through
# apt-suite.sh's private configuration) and unpacked with `dpkg-deb -x`.
# For the host's release the headers are unpacked there too, and the
# module is built on the host. For another release the headers are
# installed in that release's chroot (chroot.sh), which brings its own
# compiler and kbuild tools, and the directory's `suite` file names it.
# A tree is reused while its stamp names the version Debian currently
# publishes, and fetched again when a newer build appears. Without a
# package list (offline), the newest cached tree is used.
set -euo pipefail

series=${1:?usage: fetch-kernel.sh SERIES CACHE}
cache=${2:?usage: fetch-kernel.sh SERIES CACHE}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "fetch-kernel: $*" >&2; exit 1; }
say() { echo "fetch-kernel: $*" >&2; }

# The release pattern, and the packages of the image: @ is the release.
image='linux-image-@-unsigned'
case "$series" in
5.10)    suite=bullseye re='5\.10\.0-[0-9]+-amd64' ;;
6.1)     suite=bookworm re='6\.1\.0-[0-9]+-amd64' ;;
6.1-rt)  suite=bookworm re='6\.1\.0-[0-9]+-rt-amd64' ;;
6.12)    suite=bookworm re='6\.12\.[0-9]+\+deb12-amd64' ;;
6.12-rt) suite=bookworm re='6\.12\.[0-9]+\+deb12-rt-amd64' ;;
trixie)  suite=trixie re='6\.12\.[0-9]+\+deb13-amd64' ;;
# sid splits the image: the kernel, and its modules.
sid)     suite=sid re='[0-9]+\.[0-9]+\.[0-9]+\+deb[0-9]+-amd64'
	 image='linux-binary-unsigned-@ linux-modules-@' ;;
sid-rt)  suite=sid re='[0-9]+\.[0-9]+\.[0-9]+\+deb[0-9]+-rt-amd64'
	 image='linux-binary-unsigned-@ linux-modules-@' ;;
*)       die "unknown kernel series '$series' (known: 5.10 6.1 6.1-rt 6.12 6.12-rt trixie sid sid-rt)" ;;
esac
host_suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

apt_get() { # ARGS...
	if [ "$suite" = "$host_suite" ]; then
		apt-get "$@"
	else
		"$here/apt-suite.sh" "$suite" "$cache" apt-get "$@"
	fi
}

apt_cache() { # ARGS...
	if [ "$suite" = "$host_suite" ]; then
		apt-cache "$@"
	else
		"$here/apt-suite.sh" "$suite" "$cache" apt-cache "$@"
	fi
}

. "$(dirname "$0")/lib.sh"

# The header package depends on its -common(-rt) headers and its kbuild
# package; read their names from there rather than guessing the scheme.
header_deps() {
	apt_cache show --no-all-versions "linux-headers-$1" 2>/dev/null |
		awk '/^Depends:/ && !d { d = $0 } END { sub(/^Depends: /, "", d); print d }' |
		tr ',' '\n' | sed 's/^ *//; s/ .*//; s/|.*//' |
		grep -E '^linux-(headers-.*-common(-rt)?|kbuild-.*)$'
}

newest_cached() {
	find "$cache/kernels" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' \
		2>/dev/null | grep -E "^${re}\$" | sort -V | tail -n 1
}

# The first package of the image names the release.
first=${image%% *}
pattern="^${first/@/($re)}\$"
release=$(apt_cache search --names-only "$pattern" 2>/dev/null |
	awk '{ print $1 }' | sed -E "s/$pattern/\\1/" | sort -V | tail -n 1)
if [ -z "$release" ]; then
	release=$(newest_cached)
	[ -n "$release" ] ||
		die "no package matches $pattern and nothing is cached (run apt-get update)"
	say "$series: package lists unavailable, using cached $release"
	echo "$cache/kernels/$release"
	exit 0
fi

pkgs=(${image//@/$release})
version=$(apt_cache show --no-all-versions "${pkgs[0]}" 2>/dev/null |
	awk '/^Version:/ && !v { v = $2 } END { if (v) print v }')
dir=$cache/kernels/$release
stamp="${pkgs[0]} $version"

if stamp_is "$dir" "$stamp"; then
	say "$series: $release ($version, cached)"
	echo "$dir"
	exit 0
fi

say "$series: fetching $release ($version)"
if [ "$suite" = "$host_suite" ]; then
	mapfile -t deps < <(header_deps "$release")
	[ "${#deps[@]}" -eq 2 ] ||
		die "cannot find the common headers and kbuild packages of linux-headers-$release"
	pkgs+=("linux-headers-$release" "${deps[@]}")
fi

rm -rf "$dir"
mkdir -p "$dir/debs"
(cd "$dir/debs" && apt_get download -q "${pkgs[@]}" >&2) 2>&1 |
	grep -v 'unsandboxed' >&2 || true
for deb in "$dir"/debs/*.deb; do
	[ -e "$deb" ] || die "apt-get download fetched nothing for $release"
	dpkg-deb -x "$deb" "$dir/root"
done
rm -rf "$dir/debs"

# Newer packages put the kernel and its modules under /usr/lib/modules
# only (the unsigned kernel as vmlinuz.unsigned); the bench looks in /boot
# and /lib/modules.
for f in vmlinuz vmlinuz.unsigned; do
	[ ! -e "$dir/root/boot/vmlinuz-$release" ] &&
		[ -f "$dir/root/usr/lib/modules/$release/$f" ] || continue
	mkdir -p "$dir/root/boot"
	ln -s "../usr/lib/modules/$release/$f" "$dir/root/boot/vmlinuz-$release"
done
if [ ! -d "$dir/root/lib/modules" ] && [ -d "$dir/root/usr/lib/modules" ]; then
	mkdir -p "$dir/root/lib"
	ln -s ../usr/lib/modules "$dir/root/lib/modules"
fi
[ -f "$dir/root/boot/vmlinuz-$release" ] || die "unpacked image lacks vmlinuz"
# The package leaves modules.dep to depmod at install time; the bench reads
# it to pull a module's dependencies into the guest.
depmod -b "$dir/root" "$release" || die "depmod failed for $release"

if [ "$suite" = "$host_suite" ]; then
	# The arch headers' Makefile includes the common tree by absolute
	# path (/usr/src/...); point it at the unpacked copy instead.
	kdir=$dir/root/usr/src/linux-headers-$release
	[ -f "$kdir/Makefile" ] || die "unpacked headers lack $kdir/Makefile"
	sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" "$kdir/Makefile"
else
	# Built as that release's users build: its headers, compiler and
	# kbuild tools, installed in its chroot.
	"$here/chroot.sh" ensure "$suite" "linux-headers-$release" > /dev/null ||
		die "cannot install linux-headers-$release in the $suite chroot"
	echo "$suite" > "$dir/suite"
fi

echo "$stamp" > "$dir/stamp"
say "$series: $release ready"
echo "$dir"
