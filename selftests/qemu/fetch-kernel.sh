#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh SERIES CACHE
#
# Makes sure the newest Debian build of kernel SERIES (6.1, 6.1-rt, 6.12,
# 6.12-rt) is unpacked under CACHE/kernels/<release>/ and prints that
# directory on stdout. Nothing is installed on the host: the image, headers,
# common headers and kbuild packages are fetched with `apt-get download` and
# unpacked with `dpkg-deb -x`. A tree is reused while its stamp names the
# version Debian currently publishes, and fetched again when a newer build
# appears. Without a package list (offline), the newest cached tree is used.
set -euo pipefail

series=${1:?usage: fetch-kernel.sh SERIES CACHE}
cache=${2:?usage: fetch-kernel.sh SERIES CACHE}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

die() { echo "fetch-kernel: $*" >&2; exit 1; }
say() { echo "fetch-kernel: $*" >&2; }

case "$series" in
6.1)     pattern='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
6.1-rt)  pattern='^linux-image-6\.1\.0-[0-9]+-rt-amd64-unsigned$' ;;
6.12)    pattern='^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
6.12-rt) pattern='^linux-image-6\.12\.[0-9]+\+deb12-rt-amd64-unsigned$' ;;
*)       die "unknown kernel series '$series' (known: 6.1 6.1-rt 6.12 6.12-rt)" ;;
esac

. "$(dirname "$0")/lib.sh"

# The header package depends on its -common(-rt) headers and its kbuild
# package; read their names from there rather than guessing the scheme.
header_deps() {
	apt-cache show --no-all-versions "linux-headers-$1" 2>/dev/null |
		awk '/^Depends:/ && !d { d = $0 } END { sub(/^Depends: /, "", d); print d }' |
		tr ',' '\n' | sed 's/^ *//; s/ .*//; s/|.*//' |
		grep -E '^linux-(headers-.*-common(-rt)?|kbuild-.*)$'
}

newest_cached() {
	local re=${pattern#^linux-image-}
	re=${re%-unsigned\$}
	find "$cache/kernels" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' \
		2>/dev/null | grep -E "^${re}\$" | sort -V | tail -n 1
}

image=$(apt-cache search --names-only "$pattern" 2>/dev/null |
	awk '{ print $1 }' | sort -V | tail -n 1)
if [ -z "$image" ]; then
	release=$(newest_cached)
	[ -n "$release" ] ||
		die "no package matches $pattern and nothing is cached (run apt-get update)"
	say "$series: package lists unavailable, using cached $release"
	echo "$cache/kernels/$release"
	exit 0
fi

release=${image#linux-image-}
release=${release%-unsigned}
version=$(pkg_version "$image")
dir=$cache/kernels/$release
stamp="$image $version"

if stamp_is "$dir" "$stamp"; then
	say "$series: $release ($version, cached)"
	echo "$dir"
	exit 0
fi

say "$series: fetching $release ($version)"
mapfile -t deps < <(header_deps "$release")
[ "${#deps[@]}" -eq 2 ] ||
	die "cannot find the common headers and kbuild packages of linux-headers-$release"

rm -rf "$dir"
mkdir -p "$dir/debs"
(cd "$dir/debs" && apt-get download -q "$image" "linux-headers-$release" \
	"${deps[@]}" >&2) 2>&1 | grep -v 'unsandboxed' >&2 || true
for deb in "$dir"/debs/*.deb; do
	[ -e "$deb" ] || die "apt-get download fetched nothing for $release"
	dpkg-deb -x "$deb" "$dir/root"
done
rm -rf "$dir/debs"

# The arch headers' Makefile includes the common tree by absolute path
# (/usr/src/...); point it at the unpacked copy instead.
kdir=$dir/root/usr/src/linux-headers-$release
[ -f "$kdir/Makefile" ] || die "unpacked headers lack $kdir/Makefile"
sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" "$kdir/Makefile"
[ -f "$dir/root/boot/vmlinuz-$release" ] || die "unpacked image lacks vmlinuz"
# The package leaves modules.dep to depmod at install time; the bench reads
# it to pull a module's dependencies into the guest.
depmod -b "$dir/root" "$release" || die "depmod failed for $release"

echo "$stamp" > "$dir/stamp"
say "$series: $release ready"
echo "$dir"
