# SPDX-License-Identifier: GPL-2.0
# Shell helpers shared by the bench's scripts (sourced, not run).

# The cache directory: CACHE, or TOP/.cache; made, and printed absolute.
cache_dir() { # TOP
	local d=${CACHE:-$1/.cache}
	mkdir -p "$d" && (cd "$d" && pwd)
}

# Version of a package as the package lists know it now, or nothing.
# awk reads to the end: exiting early would SIGPIPE apt-cache, which
# pipefail turns into a failure.
pkg_version() { # PACKAGE
	apt-cache show --no-all-versions "$1" 2>/dev/null |
		awk '/^Version:/ && !v { v = $2 } END { if (v) print v }'
}

# True if DIR's stamp reads STAMP, i.e. what DIR holds is current.
stamp_is() { # DIR STAMP
	[ -f "$1/stamp" ] && [ "$(cat "$1/stamp")" = "$2" ]
}
