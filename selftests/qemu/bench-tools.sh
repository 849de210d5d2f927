#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-tools.sh CACHE ROOT [perf]
#
# Puts the userspace tools the benchmark times into the initramfs tree
# ROOT: `ss` from Debian's iproute2 and `netstat` from net-tools, at
# /usr/bin/ss and /usr/bin/netstat, with every shared library they need
# and the dynamic loader at the paths the host's ldd names. The packages
# are fetched with `apt-get download` and unpacked with `dpkg-deb -x`
# into CACHE/bench-tools/ (never installed), and reused while their stamp
# names the versions apt knows; offline, the cached copy is used.
# With "perf", also the host's perf (Debian's linux-perf, which deps.sh
# installs) for BENCH_PROFILE. Prints the tools' package versions.
set -euo pipefail

cache=${1:?usage: bench-tools.sh CACHE ROOT}
root=${2:?usage: bench-tools.sh CACHE ROOT}
dir=$cache/bench-tools
pkgs="iproute2 net-tools"

# shellcheck source=selftests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"

die() { echo "bench-tools: $*" >&2; exit 1; }

stamp=""
for p in $pkgs; do
	stamp+="$p $(pkg_version "$p") "
done
if ! stamp_is "$dir" "$stamp"; then
	case "$stamp" in
	*"  "*)
		# apt knows one of them not (offline): the cache must do.
		[ -f "$dir/stamp" ] ||
			die "apt knows not all of $pkgs and nothing is cached (run apt-get update)"
		echo "bench-tools: package lists unavailable, using the cached tools" >&2
		stamp=$(cat "$dir/stamp") ;;
	*)
		rm -rf "$dir"
		mkdir -p "$dir/debs"
		# shellcheck disable=SC2086 # a list of names
		(cd "$dir/debs" && { apt-get download -qq $pkgs 2>&1 |
			grep -v unsandboxed >&2 || true; })
		for p in $pkgs; do
			ls "$dir"/debs/"$p"_*.deb > /dev/null 2>&1 ||
				die "could not download $p"
		done
		for deb in "$dir"/debs/*.deb; do
			dpkg-deb -x "$deb" "$dir/root"
		done
		rm -rf "$dir/debs"
		echo "$stamp" > "$dir/stamp" ;;
	esac
fi

# The packages' own paths (/bin/ss, /bin/netstat on Debian 12).
find_tool() { # NAME
	local f
	for f in "$dir/root"/{usr/,}{s,}bin/"$1"; do
		[ -x "$f" ] && { echo "$f"; return 0; }
	done
	die "$1 not found in the unpacked packages"
}

# Copies BIN to ROOT/usr/bin/NAME with the libraries it loads.
install_tool() { # BIN NAME
	cp "$1" "$root/usr/bin/$2"
	# "libx.so => /lib/.../libx.so (0x...)" and the loader's own line.
	ldd "$1" | awk '
		/=> not found/ { print "missing " $1 > "/dev/stderr"; bad = 1 }
		$2 == "=>" && $3 ~ /^\// { print $3 }
		$1 ~ /^\// { print $1 }
		END { exit bad }' |
	while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done || die "$2 needs libraries this host lacks (see above)"
}

mkdir -p "$root/usr/bin"
for tool in ss netstat; do
	install_tool "$(find_tool "$tool")" "$tool"
done
if [ "${3:-}" = perf ]; then
	install_tool /usr/bin/perf perf
	stamp+="linux-perf $(dpkg-query -W -f '${Version}' linux-perf) "
fi
echo "$stamp"
