#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkdeb.sh: build tcpstates-dkms_<version>_all.deb in the top directory,
# with dpkg-buildpackage from a staged copy of the sources and debian/.
# The package's version is the VERSION file's; its changelog is written
# here so that no second copy of the version is kept in the tree.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
version=$(cat "$top/VERSION")
stage=${CACHE:-$top/.cache}/deb
src=$stage/tcpstates-$version

for tool in dpkg-buildpackage dh dh_dkms; do
	command -v $tool > /dev/null || {
		echo "mkdeb: $tool missing: apt-get install dpkg-dev debhelper dh-dkms" >&2
		exit 1
	}
done

rm -rf "$stage"
mkdir -p "$src"
cp -r "$top"/{Kbuild,Makefile,VERSION,dkms.conf,README.md,module,include,debian} "$src/"
cat > "$src/debian/changelog" <<CHANGELOG
tcpstates ($version) unstable; urgency=medium

  * Release $version.

 -- tcpstates developers <dev@tcpstates.invalid>  $(date -R -d @"$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)")
CHANGELOG
(cd "$src" && dpkg-buildpackage -b -us -uc) > "$stage/build.log" 2>&1 || {
	cat "$stage/build.log" >&2
	exit 1
}
cp "$stage/tcpstates-dkms_${version}_all.deb" "$top/"
echo "$top/tcpstates-dkms_${version}_all.deb"
