#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh DIR
#
# Makes sure a debug kernel (KASAN, lockdep, PROVE_RCU, kmemleak, the
# latency tracers...) built from Debian's linux-source-6.12 with
# debug.config over tinyconfig is ready under DIR/<release>/, laid out as
# fetch-kernel.sh lays out a Debian kernel (root/boot/vmlinuz-<release>,
# root/lib/modules/<release>, root/usr/src/linux-headers-<release> for M=
# builds), and prints that directory. The build is reused while its stamp
# names the same source package version and the same fragment; either
# changing rebuilds it. Nothing is installed on the host.
set -euo pipefail

cache=${1:?usage: debug-kernel.sh DIR}
qemu_dir=$(cd "$(dirname "$0")" && pwd)
fragment=$qemu_dir/debug.config
pkg=linux-source-6.12
localversion=-tcpstates-debug
# Bump when a change to this script changes what it builds: the stamp
# holds it, so cached builds are redone.
recipe=1

say() { echo "debug-kernel: $*" >&2; }
die() { say "$*"; exit 1; }

. "$qemu_dir/lib.sh"

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

ver=$(pkg_version $pkg)
frag_sum=$(sha256sum < "$fragment" | cut -c1-16)

# Without package lists (offline) the newest build on disk is used.
if [ -z "$ver" ]; then
	dir=$(find "$cache" -mindepth 2 -maxdepth 2 -name stamp -printf '%h\n' \
		2>/dev/null | grep -- "$localversion\$" | sort -V | tail -n 1)
	[ -n "$dir" ] || die "$pkg unknown to apt and nothing built (run apt-get update)"
	say "package lists unavailable, using $(basename "$dir")"
	echo "$dir"
	exit 0
fi

# Debian's source version 6.12.117-1~deb12u1 builds kernel 6.12.117.
release=${ver%%-*}$localversion
dir=$cache/$release
stamp="$pkg $ver config $frag_sum recipe $recipe"
if stamp_is "$dir" "$stamp"; then
	say "$release (cached)"
	echo "$dir"
	exit 0
fi

say "building $release from $pkg $ver (cold: about 12 min on 2 cores)"
t0=$SECONDS
rm -rf "$dir"
mkdir -p "$dir/deb" "$dir/src" "$dir/obj"
(cd "$dir/deb" && apt-get download -qq $pkg 2>&1 | grep -v unsandboxed >&2 || true)
deb=$(ls "$dir"/deb/${pkg}_*.deb) || die "could not download $pkg"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/$pkg.tar.xz |
	tar -xJ -C "$dir/src" --strip-components=1
rm -rf "$dir/deb"

kmake() { make -s -C "$dir/src" O="$dir/obj" ARCH=x86_64 "$@"; }

kmake tinyconfig >&2
"$dir/src/scripts/kconfig/merge_config.sh" -m -O "$dir/obj" \
	"$dir/obj/.config" "$fragment" >&2
"$dir/src/scripts/config" --file "$dir/obj/.config" \
	--set-str LOCALVERSION "$localversion" --disable LOCALVERSION_AUTO
kmake olddefconfig >&2

# Every line of the fragment must have survived olddefconfig: an option
# that lost a dependency would otherwise vanish without a word.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$fragment" | while IFS= read -r line; do
	opt=${line%%=*}
	case "$line" in
	*=n) grep -qx "$opt=y\|$opt=m" "$dir/obj/.config" && echo "$line" ;;
	*)   grep -qxF "$line" "$dir/obj/.config" || echo "$line" ;;
	esac
done || true)
[ -z "$missing" ] || die "options the config did not keep: $(echo $missing)"

kmake -j"$(nproc)" bzImage modules >&2
kmake INSTALL_MOD_PATH="$dir/root" modules_install >&2
built=$(kmake kernelrelease)
[ "$built" = "$release" ] || die "built $built, expected $release"
mkdir -p "$dir/root/boot" "$dir/root/usr/src"
cp "$dir/obj/arch/x86/boot/bzImage" "$dir/root/boot/vmlinuz-$release"
# The object tree is what an external module builds against (M=).
ln -sfn "$dir/obj" "$dir/root/usr/src/linux-headers-$release"

echo "$stamp" > "$dir/stamp"
say "$release ready in $((SECONDS - t0))s"
echo "$dir"
