#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmtest.sh: the QEMU bench of tcpstates.
#
#   vmtest.sh check SERIES...   build, boot each kernel, run the suite (TAP)
#   vmtest.sh check-debug       the suite on the project's debug kernel, plus
#                               kmemleak and the latency tracer
#   vmtest.sh lint SERIES...    checkpatch --strict + sparse builds
#   vmtest.sh demo SERIES       boot, open connections, print /proc/tcpstates
#   vmtest.sh shell SERIES      boot with the module loaded, interactive
#
# SERIES is one of 6.1 6.1-rt 6.12 6.12-rt, or debug (debug-kernel.sh).
# Environment:
#   CACHE          where kernels, sources, builds and logs go (.cache)
#   DEBUG_CACHE    where the debug kernel is built and kept
#                  (/var/cache/tcpstates/debug when writable, else CACHE)
#   QEMU_ACCEL     tcg (default) or kvm
#   GUEST_TIMEOUT  seconds before a check guest counts as hung (900;
#                  debug: 3600)
#   GUEST_MEM      guest memory in MiB (2048; debug: 4096)
#   LATENCY_READS  reads per load in the debug lane's latency test (10;
#                  0: no latency test)
#   LATENCY_SOCKETS sockets per load in that test (100000)
#   LATENCY_SPREAD sockets of its load over many ports (LATENCY_SOCKETS)
#   LATENCY_BOUND_US the longest a read may keep preemption or bottom
#                  halves off there (1000)
#   SUITE          the selftest programs to run (default: all)
#   TINY_SUITE     those to run again in a guest with 16-bucket TCP
#                  tables (default: states_test churn_test debugfs_test;
#                  none: no such
#                  guest). SUITE filters them too.
#   KO_FROM_DKMS   boot the module DKMS installed for each kernel instead
#                  of building one
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
qemu_dir=$top/selftests/qemu
. "$qemu_dir/lib.sh"
CACHE=$(cache_dir "$top")
if [ -z "${DEBUG_CACHE:-}" ]; then
	DEBUG_CACHE=$CACHE/debug
	mkdir -p /var/cache/tcpstates 2>/dev/null &&
		[ -w /var/cache/tcpstates ] && DEBUG_CACHE=/var/cache/tcpstates/debug
fi
QEMU_ACCEL=${QEMU_ACCEL:-tcg}
GUEST_TIMEOUT_SET=${GUEST_TIMEOUT:-}
GUEST_MEM_SET=${GUEST_MEM:-}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-900}
GUEST_MEM=${GUEST_MEM:-2048}
# Extra kernel command line of check guests (the debug lane adds its own).
GUEST_CMDLINE=""
LATENCY_READS=${LATENCY_READS:-10}
LATENCY_SOCKETS=${LATENCY_SOCKETS:-100000}
LATENCY_SPREAD=${LATENCY_SPREAD:-$LATENCY_SOCKETS}
LATENCY_BOUND_US=${LATENCY_BOUND_US:-10000}
# The latency guest's command line (check-debug sets it); empty: none.
LATENCY_CMDLINE=""
SUITE=${SUITE:-}
# The programs of the tiny-tables guest (thash_entries=16); none: no guest.
TINY_SUITE_SET=${TINY_SUITE:-}
TINY_SUITE=${TINY_SUITE:-states_test churn_test debugfs_test}
[ "$TINY_SUITE" = none ] && TINY_SUITE=""
KO_FROM_DKMS=${KO_FROM_DKMS:-}
KSRC=$CACHE/ksrc
KSFT_DIR=$KSRC/tools/testing/selftests

# Kernel modules the guest loads before the tests, by module name.
GUEST_KMODS="tun veth inet_diag tcp_diag"

# What a clean kernel log never contains.
SPLAT_RE='BUG:|Oops|WARNING:|Call Trace:|Kernel panic|general protection fault'
SPLAT_RE+='|rcu: INFO:|rcu_.*detected stall|self-detected stall|soft lockup'
SPLAT_RE+='|hard LOCKUP|lockdep is turned off|DEBUG_LOCKS_WARN_ON|possible circular locking|possible recursive locking'
SPLAT_RE+='|KASAN|UBSAN|blocked for more than|Unable to handle|list_(add|del) corruption'
SPLAT_RE+='|refcount_t:|Voluntary context switch within RCU'
SPLAT_RE+='|KFENCE:|ODEBUG:|suspicious RCU usage|inconsistent lock state'

log() { echo "vmtest: $*" >&2; }
die() { log "$*"; exit 1; }

# --- sources from Debian's linux-source-6.12 ------------------------------

# Downloads PACKAGE's .deb into DIR/deb (DIR emptied first) and prints its
# path, or prints nothing when DIR's stamp names the version apt knows now
# (or apt knows none: offline). The caller extracts what it needs from it,
# then calls stamp_deb; a failed extraction leaves no stamp.
download_deb() { # PACKAGE DIR
	local ver
	ver=$(pkg_version "$1")
	if [ -f "$2/stamp" ] && { [ -z "$ver" ] ||
	   [ "$(cat "$2/stamp")" = "$1 $ver" ]; }; then
		return 0
	fi
	[ -n "$ver" ] || die "$1 unknown to apt (run apt-get update)"
	log "extracting from $1 $ver"
	rm -rf "$2"
	mkdir -p "$2/deb"
	(cd "$2/deb" && apt-get download -qq "$1" 2>&1 | grep -v unsandboxed >&2 || true)
	ls "$2"/deb/"$1"_*.deb || die "could not download $1"
}

stamp_deb() { # PACKAGE DIR
	rm -rf "$2/deb"
	echo "$1 $(pkg_version "$1")" > "$2/stamp"
}

# Extracts kselftest's harness, lib.mk and runner plus checkpatch from the
# linux-source package into $KSRC.
prepare_ksrc() {
	local pkg=linux-source-6.12 deb
	local files=(
		tools/testing/selftests/kselftest_harness.h
		tools/testing/selftests/kselftest.h
		tools/testing/selftests/lib.mk
		tools/testing/selftests/kselftest/runner.sh
		scripts/checkpatch.pl
		scripts/spelling.txt
		scripts/const_structs.checkpatch
	)

	deb=$(download_deb $pkg "$KSRC")
	[ -n "$deb" ] || return 0
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/$pkg.tar.xz |
		tar -xJ -C "$KSRC" --strip-components=1 "${files[@]/#/$pkg/}"
	stamp_deb $pkg "$KSRC"
}

# promtool, from Debian's prometheus package, unpacked (never installed:
# that package would bring a server) into $CACHE/promtool.
PROMTOOL=$CACHE/promtool/usr/bin/promtool
prepare_promtool() {
	local pkg=prometheus deb dir=$CACHE/promtool

	deb=$(download_deb $pkg "$dir")
	[ -n "$deb" ] || return 0
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" ./usr/bin/promtool
	stamp_deb $pkg "$dir"
}

# --- builds ---------------------------------------------------------------

kdir_of() { echo "$1/root/usr/src/linux-headers-$(basename "$1")"; }

# Copies the module sources into a per-kernel directory, so kernels never
# share objects, and builds there. Extra make arguments follow. A kernel of
# another Debian release (fetch-kernel.sh wrote its suite) is built in that
# release's chroot, with the headers, compiler and kbuild tools installed
# there; the chroot sees the project at its own path.
build_module() { # KERNEL_DIR OUT_DIR MAKE_ARGS...
	local kernel=$1 out=$2 release suite
	release=$(basename "$kernel")
	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	cp -r "$top/Kbuild" "$top/VERSION" "$top/module" "$top/include" "$out/"
	if [ -f "$kernel/suite" ]; then
		suite=$(cat "$kernel/suite")
		"$qemu_dir/chroot.sh" ensure "$suite" "linux-headers-$release" \
			> /dev/null || return 1
		"$qemu_dir/chroot.sh" run "$suite" make -C \
			"/usr/src/linux-headers-$release" M="$out" "$@" modules 2>&1
	else
		make -C "$(kdir_of "$kernel")" M="$out" "$@" modules 2>&1
	fi
}

# checkpatch --strict over the module's sources; findings go to OUT_FILE.
# One exception: the LAST_ACK description is specified with the British
# "acknowledgement", which checkpatch's spelling list rejects.
run_checkpatch() { # OUT_FILE
	sed -i '/^acknowledgement||/d' "$KSRC/scripts/spelling.txt"
	perl "$KSRC/scripts/checkpatch.pl" --strict --no-tree --terse \
		--show-types --ignore FILE_PATH_CHANGES -f \
		"$top"/module/*.[ch] "$top"/include/*.h > "$1" 2>&1
}

# VERSION is the one source of the version: MODULE_VERSION and dkms.conf
# take it at build time; the README's literal mentions must agree.
check_readme_version() { # OUT_FILE
	local v
	v=$(cat "$top/VERSION")
	grep -Eo 'Version [0-9][0-9.]*|tcpstates-dkms_[0-9][0-9.]*_all|/usr/src/tcpstates-[0-9][0-9.]*[0-9]|tcpstates [0-9]+\.[0-9]+\.[0-9]+ ' \
		"$top/README.md" | grep -v -- "$v" > "$1"
	[ ! -s "$1" ]
}

# Builds with sparse and W=1; any diagnostic fails. Findings go to OUT_FILE.
# Sparse must have looked at every source: a kbuild that cannot tell
# whether sparse works turns C=2 off with a note (sid's kbuild package lacks
# scripts/checker-valid.sh), so KBUILD_CHECKSRC is forced, and the CHECK
# lines are counted.
build_clean() { # KERNEL_DIR BUILD_DIR OUT_FILE
	local log=$3.full want got
	build_module "$1" "$2" W=1 C=2 KBUILD_CHECKSRC=2 > "$log" ||
		{ cat "$log" > "$3"; return 1; }
	grep -Ei 'warning|error' "$log" > "$3" && return 1
	want=$(find "$2/module" -name '*.c' | wc -l)
	got=$(grep -c '^ *CHECK ' "$log" || true)
	if [ "$got" -lt "$want" ]; then
		echo "sparse checked $got of $want sources" > "$3"
		return 1
	fi
	return 0
}

build_selftests() { # OUT_DIR
	local out=$1
	mkdir -p "$out"
	make -s -C "$top/selftests" KSFT_DIR="$KSFT_DIR" OUTPUT="$out" all >&2
}

# Copies the module DKMS installed for RELEASE, decompressed, to OUT: on
# this machine, or in the chroot of the kernel's release.
dkms_module() { # KERNEL_DIR OUT
	local f root="" release
	release=$(basename "$1")
	if [ -f "$1/suite" ]; then
		root=$("$qemu_dir/chroot.sh" ensure "$(cat "$1/suite")") || return 1
	fi
	for f in "$root"/lib/modules/"$release"/updates/dkms/tcpstates.ko{,.xz,.zst}; do
		case "$f" in
		*.xz)  [ -f "$f" ] && xz -dc "$f" > "$2" && return 0 ;;
		*.zst) [ -f "$f" ] && zstd -qdc "$f" > "$2" && return 0 ;;
		*)     [ -f "$f" ] && cp "$f" "$2" && return 0 ;;
		esac
	done
	return 1
}

# Lays out the kselftest install tree the guest runs from.
install_selftests() { # BUILD_DIR DEST_ROOT
	local dest=$2/kselftest
	mkdir -p "$dest/kselftest"
	cp "$KSFT_DIR/kselftest/runner.sh" "$dest/kselftest/"
	make -s -C "$top/selftests" KSFT_DIR="$KSFT_DIR" OUTPUT="$1" \
		INSTALL_PATH="$dest/tcpstates" install >/dev/null
	make -s -C "$top/selftests" KSFT_DIR="$KSFT_DIR" OUTPUT="$1" \
		COLLECTION=tcpstates emit_tests | sed 's/^tcpstates://' |
		if [ -n "$SUITE" ]; then grep -xF "$(printf '%s\n' $SUITE)" || true
		else cat; fi \
		> "$dest/tcpstates/run_order"
}

# Prints the paths (relative to the modules dir) of the named modules and
# of everything they depend on, dependencies first, each once.
module_closure() { # MODULES_DIR NAME...
	local mdir=$1
	shift
	awk -v want="$*" '
	function base(p) { sub(/.*\//, "", p); sub(/\.ko(\.xz|\.zst|\.gz)?$/, "", p); gsub(/-/, "_", p); return p }
	function visit(p,   i, n, d) {
		if (p in seen) return
		seen[p] = 1
		n = split(deps[p], d, " ")
		for (i = 1; i <= n; i++) visit(d[i])
		print p
	}
	{ m = $1; sub(/:$/, "", m); deps[m] = ""; for (i = 2; i <= NF; i++) deps[m] = deps[m] " " $i
	  byname[base(m)] = m }
	END {
		n = split(want, w, " ")
		for (i = 1; i <= n; i++) {
			name = w[i]; gsub(/-/, "_", name)
			if (!(name in byname)) { print "missing " name > "/dev/stderr"; exit 1 }
			visit(byname[name])
		}
	}' "$mdir/modules.dep"
}

# Copies kernel modules into the initramfs, decompressed (busybox insmod
# takes plain ELF), and writes their load order to /etc/kmods.
add_kernel_modules() { # KERNEL_DIR ROOT
	local release mdir p name closure
	release=$(basename "$1")
	mdir=$1/root/lib/modules/$release
	[ -f "$mdir/modules.dep" ] || depmod -b "$1/root" "$release"
	closure=$(module_closure "$mdir" $GUEST_KMODS) ||
		die "$release lacks a module of: $GUEST_KMODS"
	mkdir -p "$2/lib/kmods" "$2/etc"
	: > "$2/etc/kmods"
	for p in $closure; do
		name=$(basename "$p")
		case "$name" in
		*.xz)  xz -dc "$mdir/$p" > "$2/lib/kmods/${name%.xz}"; name=${name%.xz} ;;
		*.zst) zstd -qdc "$mdir/$p" > "$2/lib/kmods/${name%.zst}"; name=${name%.zst} ;;
		*)     cp "$mdir/$p" "$2/lib/kmods/" ;;
		esac
		echo "$name" >> "$2/etc/kmods"
	done
}

pack_initramfs() { # KERNEL_DIR KO SELFTEST_BUILD OUT_CPIO
	local root=$4.d
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,lib/tcpstates}
	cp /bin/busybox "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cp "$qemu_dir/init.sh" "$root/init"
	# The kselftest runner wants GNU timeout's --foreground.
	printf '#!/bin/sh\n[ "$1" = --foreground ] && shift\nexec busybox timeout "$@"\n' \
		> "$root/usr/bin/timeout"
	chmod 755 "$root/init" "$root/usr/bin/timeout"
	echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
	echo "nobody:x:65534:65534:nobody:/:/bin/false" >> "$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
	cp "$2" "$root/lib/tcpstates/tcpstates.ko"
	# The guest checks its kernel log after each test program.
	echo "$SPLAT_RE" > "$root/etc/splat.re"
	add_kernel_modules "$1" "$root"
	install_selftests "$3" "$root"
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$4"
}

# --- guests ---------------------------------------------------------------

qemu_base() { # KERNEL_DIR INITRAMFS MODE [EXTRA_CMDLINE]
	local release
	release=$(basename "$1")
	echo qemu-system-x86_64 -accel "$QEMU_ACCEL" -nodefaults -no-reboot \
		-display none -nic none -smp 2 -m "$GUEST_MEM" \
		-kernel "$1/root/boot/vmlinuz-$release" -initrd "$2" \
		-append "'console=ttyS0 panic=-1 oops=panic tsmode=$3 ${4:-}'"
}

# Boots a check guest; the console and the results channel become files.
boot_check() { # KERNEL_DIR INITRAMFS RUN_DIR CMDLINE
	local rc=0
	rm -f "$3/console.log" "$3/results.log"
	eval "timeout --foreground $GUEST_TIMEOUT \
		$(qemu_base "$1" "$2" check "$4")" \
		-serial "file:$3/console.log" -serial "file:$3/results.log" \
		</dev/null >"$3/qemu.log" 2>&1 || rc=$?
	return $rc
}

# --- TAP ------------------------------------------------------------------

tap_n=0
tap_pass=0
tap_fail=0
tap_skip=0

tap() { # ok|notok|skip DESCRIPTION [DIAGNOSTIC_FILE]
	tap_n=$((tap_n + 1))
	case "$1" in
	ok)    tap_pass=$((tap_pass + 1)); echo "ok $tap_n $2" ;;
	skip)  tap_skip=$((tap_skip + 1))
	       case "$2" in
	       *"# SKIP"*) echo "ok $tap_n $2" ;;
	       *)          echo "ok $tap_n $2 # SKIP" ;;
	       esac ;;
	*)     tap_fail=$((tap_fail + 1))
	       [ -n "${3:-}" ] && [ -s "$3" ] && sed 's/^/#   /' "$3"
	       echo "not ok $tap_n $2" ;;
	esac
}

# Turns the guest's results channel into host TAP records, one per line:
# "ok|notok|skip<TAB>description<TAB>diagnostic lines joined by \037".
# Top-level lines are the guest's own checks and the runner's per-program
# results; lines nested once ("# ok N ...") are the programs' own tests.
guest_records() { # RESULTS_LOG
	tr -d '\r' < "$1" | awk '
	/^# (dmesg|metrics)-begin$/ { skip = 1; next }
	/^# (dmesg|metrics)-end$/   { skip = 0; next }
	skip { next }
	/^# selftests: [^ ]+: [^ ]+$/ { prog = $4 ": " }
	function emit(status, desc, nested) {
		if (nested) desc = prog desc
		# A skip keeps its reason: "NAME # SKIP why".
		if (desc ~ /# SKIP/) status = "skip"
		printf "%s\t%s\t%s\n", status, desc, diag
		diag = ""
	}
	/^(# )?ok [0-9]+ / {
		line = $0; sub(/^(# )?ok [0-9]+ /, "", line)
		emit("ok", line, /^# /); next
	}
	/^(# )?not ok [0-9]+ / {
		line = $0; sub(/^(# )?not ok [0-9]+ /, "", line)
		emit("notok", line, /^# /); next
	}
	/^(# )?TAP version|^(# )?1\.\.[0-9]+$|^TCPSTATES-GUEST-DONE$/ { next }
	{ diag = diag $0 "\037" }'
}

report_guest() { # LABEL RUN_DIR
	local status desc diag f=$2/diag.txt
	while IFS=$'\t' read -r status desc diag; do
		# A checker's report under a test is up to 60 lines.
		printf '%s' "$diag" | tr '\037' '\n' | tail -n 64 > "$f"
		tap "$status" "$1 $desc" "$f"
	done < <(guest_records "$2/results.log")
}

# Prometheus' own linter on the guest's sample of /proc/net/tcpstates.
check_metrics_sample() { # LABEL RUN_DIR
	local f=$2/metrics.txt
	tr -d '\r' < "$2/results.log" |
		sed -n '/^# metrics-begin$/,/^# metrics-end$/p' | sed '1d;$d' > "$f"
	if [ -s "$f" ] && "$PROMTOOL" check metrics < "$f" > "$2/promtool.log" 2>&1; then
		tap ok "$1 promtool check metrics accepts /proc/net/tcpstates"
	else
		cat "$f" >> "$2/promtool.log"
		tap notok "$1 promtool check metrics accepts /proc/net/tcpstates" \
			"$2/promtool.log"
	fi
}

# The guest's dmesg dump plus the console capture, scanned for splats.
check_kernel_log() { # LABEL RUN_DIR
	local f=$2/splat.txt
	{ tr -d '\r' < "$2/console.log"
	  tr -d '\r' < "$2/results.log" | sed -n '/^# dmesg-begin$/,/^# dmesg-end$/p'
	} > "$2/kernel.log"
	if grep -Eq "$SPLAT_RE" "$2/kernel.log"; then
		grep -Em1 -B5 -A60 "$SPLAT_RE" "$2/kernel.log" > "$f"
		tap notok "$1 kernel log has no BUG/WARNING/Oops/stall/lockdep splat" "$f"
	else
		tap ok "$1 kernel log has no BUG/WARNING/Oops/stall/lockdep splat"
	fi
}

# The kernel of SERIES: a Debian build, or the project's debug kernel.
kernel_of() { # SERIES
	if [ "$1" = debug ]; then
		"$qemu_dir/debug-kernel.sh" "$DEBUG_CACHE"
	else
		"$qemu_dir/fetch-kernel.sh" "$1" "$CACHE"
	fi
}

check_one() { # SERIES SELFTEST_BUILD
	local kernel release label run ko rc=0 out
	kernel=$(kernel_of "$1") || {
		tap notok "$1: fetch or build the kernel"; return; }
	release=$(basename "$kernel")
	label="[$release]"
	run=$CACHE/runs/$release
	mkdir -p "$run"
	echo "# kernel $1: $release ($(cut -d' ' -f2 "$kernel/stamp"))"

	if [ -n "$KO_FROM_DKMS" ]; then
		ko=$run/tcpstates.ko
		if dkms_module "$kernel" "$ko"; then
			tap ok "$label DKMS installed tcpstates.ko for $release"
		else
			tap notok "$label DKMS installed tcpstates.ko for $release"
			return 0
		fi
	else
		out=$run/build.log
		if build_clean "$kernel" "$CACHE/build/$release" "$out"; then
			tap ok "$label build with W=1 and sparse: no warnings"
		else
			tap notok "$label build with W=1 and sparse: no warnings" "$out"
		fi
		ko=$CACHE/build/$release/tcpstates.ko
		[ -f "$ko" ] || return 0
	fi

	pack_initramfs "$kernel" "$ko" "$2" "$run/initramfs.cpio"
	boot_and_report "$kernel" "$label" "$run" "$run/initramfs.cpio" \
		"$GUEST_CMDLINE"
	tiny_tables_run "$kernel" "$run"
	latency_run "$kernel" "$run"
}

# The debug lane's latency loads (latency.sh), in a guest of their own:
# their sockets are never torn down (the guest just ends), and kmemleak,
# which the first guest already ran, is off (kmemleak=off), halving what
# each socket costs to make.
latency_run() { # KERNEL_DIR RUN_DIR
	local run=$2/latency timeout
	[ -n "$LATENCY_CMDLINE" ] || return 0
	[ -z "$SUITE" ] || [[ " $SUITE " == *" latency.sh "* ]] || return 0
	mkdir -p "$run"
	# This kernel makes about 600 sockets a second, and a read of a
	# million takes minutes: allow 5 ms a socket of the three loads
	# (1,000,000 on one port: 1,200,000 made in 1,950 s, and the guest
	# still reading at 3,600 s), and never less than an hour.
	timeout=$(( (LATENCY_SOCKETS * 6 / 5 + LATENCY_SPREAD) * 5 / 1000 ))
	[ "$timeout" -ge 3600 ] || timeout=3600
	GUEST_TIMEOUT=${GUEST_TIMEOUT_SET:-$timeout} \
		GUEST_MEM=${GUEST_MEM_SET:-6144} boot_and_report "$1" \
		"[$(basename "$1") latency]" "$run" "$2/initramfs.cpio" \
		"$LATENCY_CMDLINE kmemleak=off tsrun=none"
}

# The programs of the tiny-tables guest that SUITE asks for (all if unset).
tiny_programs() {
	local p out=""
	for p in $TINY_SUITE; do
		[ -z "$SUITE" ] || [[ " $SUITE " == *" $p "* ]] && out+="${out:+,}$p"
	done
	echo "$out"
}

# A second guest with established and bind hashes of 16 buckets, where
# every chain is longer than one lock hold of the walk: the count tests
# again, and the churn test, which needs such tables to bite.
tiny_tables_run() { # KERNEL_DIR RUN_DIR
	local progs cmdline run=$2/tiny
	progs=$(tiny_programs)
	[ -n "$progs" ] || return 0
	mkdir -p "$run"
	cmdline=$(echo "$GUEST_CMDLINE" | sed 's/tslatency=[^ ]*//')
	# Not the latency loads again (tslatency).
	boot_and_report "$1" "[$(basename "$1") thash_entries=16]" "$run" \
		"$2/initramfs.cpio" \
		"$cmdline thash_entries=16 tsrun=$progs"
}

boot_and_report() { # KERNEL_DIR LABEL RUN_DIR INITRAMFS CMDLINE
	local kernel=$1 label=$2 run=$3 release rc=0
	release=$(basename "$kernel")
	log "$label: booting ($QEMU_ACCEL, timeout ${GUEST_TIMEOUT}s)"
	local t0=$SECONDS
	boot_check "$kernel" "$4" "$run" "$5" || rc=$?
	touch "$run/console.log" "$run/results.log"
	# Debian kernels very rarely oops while booting under TCG (seen: an
	# int3 from text patching, before init ran). Before init nothing of
	# ours has run, so such a boot is retried once, and said so.
	if ! grep -q '^# guest: ' "$run/results.log"; then
		echo "# $label: guest died before init (qemu exit $rc); retrying once"
		grep -Em1 "$SPLAT_RE" "$run/console.log" | sed 's/^/#   /' || true
		rc=0
		boot_check "$kernel" "$4" "$run" "$5" || rc=$?
		touch "$run/console.log" "$run/results.log"
	fi
	log "$label: guest ran $((SECONDS - t0))s, qemu exit $rc"

	if grep -q "^# guest: $release " <(tr -d '\r' < "$run/results.log"); then
		tap ok "$label guest booted $release"
	else
		tail -n 40 "$run/console.log" > "$run/diag.txt"
		tap notok "$label guest booted $release" "$run/diag.txt"
	fi
	report_guest "$label" "$run"
	if [ "$(tr -d '\r' < "$run/results.log" | tail -n 1)" = TCPSTATES-GUEST-DONE ]; then
		tap ok "$label guest ran to completion"
	else
		{ [ "$rc" = 124 ] && echo "guest killed after ${GUEST_TIMEOUT}s"
		  tail -n 40 "$run/console.log"; } > "$run/diag.txt"
		tap notok "$label guest ran to completion (qemu exit $rc)" "$run/diag.txt"
	fi
	check_metrics_sample "$label" "$run"
	check_kernel_log "$label" "$run"
}

cmd_check() {
	local series t0=$SECONDS
	prepare_ksrc
	prepare_promtool
	echo "TAP version 13"
	if ! build_selftests "$CACHE/selftests"; then
		tap notok "build the selftests"
		echo "1..$tap_n"
		echo "$tap_pass passed, $tap_fail failed"
		return 1
	fi
	if check_readme_version "$CACHE/version.log"; then
		tap ok "README names version $(cat "$top/VERSION") only"
	else
		tap notok "README names version $(cat "$top/VERSION") only" \
			"$CACHE/version.log"
	fi
	if run_checkpatch "$CACHE/checkpatch.log"; then
		tap ok "checkpatch --strict: module and include sources"
	else
		tap notok "checkpatch --strict: module and include sources" \
			"$CACHE/checkpatch.log"
	fi
	for series in "$@"; do
		check_one "$series" "$CACHE/selftests"
	done
	echo "1..$tap_n"
	log "check took $((SECONDS - t0))s"
	if [ "$tap_skip" -gt 0 ]; then
		echo "$tap_pass passed, $tap_fail failed, $tap_skip skipped"
	else
		echo "$tap_pass passed, $tap_fail failed"
	fi
	[ "$tap_fail" -eq 0 ]
}

# --- lint -----------------------------------------------------------------

cmd_lint() {
	local series kernel release out fail=0
	prepare_ksrc
	out=$CACHE/checkpatch.log
	if run_checkpatch "$out"; then
		echo "lint: checkpatch --strict: clean"
	else
		cat "$out"
		echo "lint: checkpatch --strict: FAILED"
		fail=1
	fi
	if check_readme_version "$CACHE/version.log"; then
		echo "lint: README names version $(cat "$top/VERSION") only"
	else
		cat "$CACHE/version.log"
		echo "lint: README names another version than VERSION: FAILED"
		fail=1
	fi
	for series in "$@"; do
		kernel=$(kernel_of "$series")
		release=$(basename "$kernel")
		out=$CACHE/runs/$release/lint.log
		mkdir -p "$(dirname "$out")"
		if build_clean "$kernel" "$CACHE/build-lint/$release" "$out"; then
			echo "lint: sparse (C=2) and W=1 on $release: clean"
		else
			cat "$out"
			echo "lint: sparse (C=2) and W=1 on $release: FAILED"
			fail=1
		fi
	done
	return $fail
}

# --- interactive guests ---------------------------------------------------

cmd_interactive() { # MODE SERIES
	local kernel release run ko extra=""
	prepare_ksrc
	kernel=$(kernel_of "$2")
	release=$(basename "$kernel")
	run=$CACHE/runs/$release-$1
	mkdir -p "$run"
	build_module "$kernel" "$CACHE/build/$release" > "$run/build.log" ||
		{ cat "$run/build.log"; die "module build failed"; }
	build_selftests "$CACHE/selftests"
	ko=$CACHE/build/$release/tcpstates.ko
	pack_initramfs "$kernel" "$ko" "$CACHE/selftests" "$run/initramfs.cpio"
	[ "$1" = demo ] && extra=quiet
	log "booting $release ($QEMU_ACCEL)"
	if [ "$1" = shell ]; then
		eval "$(qemu_base "$kernel" "$run/initramfs.cpio" shell)" \
			-serial mon:stdio -serial null
	else
		eval "timeout --foreground $GUEST_TIMEOUT \
			$(qemu_base "$kernel" "$run/initramfs.cpio" demo "$extra")" \
			-serial stdio -serial null </dev/null | tr -d '\r'
	fi
}

"$qemu_dir/deps.sh"
cmd=${1:-}
shift || true
case "$cmd" in
check) [ $# -gt 0 ] || set -- 5.10 6.1 6.12 6.12-rt trixie sid sid-rt; cmd_check "$@" ;;
check-debug)
	# Checkers make the guest many times slower, and the latency loads
	# hold up to LATENCY_SOCKETS sockets each.
	GUEST_MEM=${GUEST_MEM_SET:-4096}
	GUEST_TIMEOUT=${GUEST_TIMEOUT_SET:-3600}
	GUEST_CMDLINE="log_buf_len=4M"
	[ "$LATENCY_READS" -gt 0 ] &&
		LATENCY_CMDLINE="log_buf_len=4M tslatency=$LATENCY_READS,$LATENCY_SOCKETS,$LATENCY_SPREAD LATENCY_BOUND_US=$LATENCY_BOUND_US"
	# Every TIME_WAIT socket of the scale test must still live (60 s)
	# when they are counted: this kernel makes about 55 a second and 100
	# pairs a second (see scale_test.c).
	GUEST_CMDLINE+=" TCPSTATES_SCALE_TW=800 TCPSTATES_SCALE_PAIRS=500"
	# The churn test under the checkers, with fewer reads (slower here).
	TINY_SUITE=${TINY_SUITE_SET:-churn_test}
	[ "$TINY_SUITE" = none ] && TINY_SUITE=""
	GUEST_CMDLINE+=" TCPSTATES_CHURN_READS=200"
	cmd_check debug ;;
debug-kernel) kernel_of debug ;;
lint)  [ $# -gt 0 ] || set -- 5.10 6.1 6.12 6.12-rt trixie sid sid-rt; cmd_lint "$@" ;;
demo)  cmd_interactive demo "${1:-6.12}" ;;
shell) cmd_interactive shell "${1:-6.12}" ;;
*)     die "usage: vmtest.sh check|check-debug|debug-kernel|lint|demo|shell SERIES..." ;;
esac
