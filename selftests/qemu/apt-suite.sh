#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apt-suite.sh SUITE CACHE apt-get|apt-cache ARGS...
#
# Runs apt-get or apt-cache against Debian SUITE (bullseye, bookworm,
# trixie, sid) through a private configuration under CACHE/apt/SUITE: its
# own sources list, package lists and download cache, and no dpkg status,
# so the host's sources and packages are never touched. The lists are
# fetched when missing or older than APT_MAX_AGE minutes (360). Release
# files past their Valid-Until date (sid's, on some mirrors) are accepted:
# the archive signature is still checked.
set -euo pipefail

suite=${1:?usage: apt-suite.sh SUITE CACHE apt-get|apt-cache ARGS...}
cache=${2:?usage: apt-suite.sh SUITE CACHE apt-get|apt-cache ARGS...}
tool=${3:?usage: apt-suite.sh SUITE CACHE apt-get|apt-cache ARGS...}
shift 3
mirror=${DEBIAN_MIRROR:-http://deb.debian.org}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

die() { echo "apt-suite: $*" >&2; exit 1; }

case "$tool" in
apt-get|apt-cache) ;;
*) die "unknown tool '$tool' (apt-get or apt-cache)" ;;
esac

dir=$cache/apt/$suite
mkdir -p "$dir/lists/partial" "$dir/archives/partial"

# The suite and, but for sid, its security and point-release updates.
sources() {
	local opt="[signed-by=$keyring]"
	echo "deb $opt $mirror/debian $suite main"
	[ "$suite" = sid ] && return
	echo "deb $opt $mirror/debian $suite-updates main"
	echo "deb $opt $mirror/debian-security $suite-security main"
}
sources > "$dir/sources.list.new"
if ! cmp -s "$dir/sources.list.new" "$dir/sources.list" 2>/dev/null; then
	mv "$dir/sources.list.new" "$dir/sources.list"
	rm -f "$dir/updated"
else
	rm -f "$dir/sources.list.new"
fi

opts=(-o "Dir::Etc::sourcelist=$dir/sources.list"
	-o Dir::Etc::sourceparts=-
	-o "Dir::State::lists=$dir/lists"
	-o "Dir::Cache=$dir"
	-o "Dir::Cache::archives=$dir/archives"
	-o Dir::State::status=/dev/null
	-o Acquire::Check-Valid-Until=false
	-o APT::Sandbox::User=root)

age=${APT_MAX_AGE:-360}
if [ -z "$(find "$dir/updated" -mmin "-$age" 2>/dev/null)" ]; then
	echo "apt-suite: updating the $suite package lists" >&2
	apt-get -q "${opts[@]}" update >&2 || die "apt-get update for $suite failed"
	touch "$dir/updated"
fi

exec "$tool" "${opts[@]}" "$@"
