#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: `make bench`. Boots the Debian 6.12 guest once and, for each
# size, makes that many loopback TCP sockets in a realistic mix, checks
# the module's totals against a sock_diag counter, and times `cat
# /proc/tcpstates` side by side with the usual tools (see
# bench-guest.sh). Prints TAP, then a Markdown table, also written to
# bench/results.md. Under TCG absolute times are slow and noisy: the
# ratios, measured in the same guest and the same run, are the result.
#
# Environment:
#   BENCH_SIZES   total sockets per size (1000 10000 100000 300000, and
#                 1000000 when BENCH_MAX is at least that)
#   BENCH_MAX     see BENCH_SIZES (300000)
#   BENCH_REPS    timed repetitions of each command per size (5)
#   BENCH_TW_SECS seconds of TIME_WAIT creation at most (300)
#   BENCH_TW_MAX  TIME_WAIT sockets at most (300000)
#   BENCH_QUICK   1: time only diagcount, ss -s, /proc/net/sockstat, the
#                 module's two files and its debugfs views: for comparing
#                 builds of the module, or timing the views alone
#   BENCH_VS      another tree of tcpstates (a directory): its module is
#                 built too, and after the rounds of each size the guest
#                 reloads the two modules in turn, reading /proc/tcpstates
#                 with each, and the report compares their walks (A/B in
#                 one guest, where boot-to-boot noise cannot blur it)
#   BENCH_PROFILE 1: also sample, with perf in the guest (cpu-clock), where
#                 reads of /proc/tcpstates spend their time at each size:
#                 per kernel function and, in the module, per source line
#                 (addr2line); into bench/profile.md
#   BENCH_THASH   thash_entries= of the guest (524288; 1048576 above
#                 300,000 sockets)
#   BENCH_OUT     the Markdown file (bench/results.md)
#   GUEST_MEM     guest memory in MiB (6144; 12288 above 300,000 sockets)
#   GUEST_TIMEOUT seconds before the guest counts as hung (from the sizes)
#   CACHE, QEMU_ACCEL as for vmtest.sh
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
qemu_dir=$top/selftests/qemu
# shellcheck source=selftests/qemu/lib.sh
. "$qemu_dir/lib.sh"
CACHE=$(cache_dir "$top")
QEMU_ACCEL=${QEMU_ACCEL:-tcg}
BENCH_MAX=${BENCH_MAX:-300000}
if [ -z "${BENCH_SIZES:-}" ]; then
	BENCH_SIZES="1000 10000 100000 300000"
	[ "$BENCH_MAX" -ge 1000000 ] && BENCH_SIZES+=" 1000000"
fi
BENCH_REPS=${BENCH_REPS:-5}
BENCH_TW_SECS=${BENCH_TW_SECS:-300}
BENCH_TW_MAX=${BENCH_TW_MAX:-300000}
BENCH_PROFILE=${BENCH_PROFILE:-0}
BENCH_QUICK=${BENCH_QUICK:-0}
BENCH_OUT=${BENCH_OUT:-$top/bench/results.md}

largest=$(echo "$BENCH_SIZES" | tr -s ' ' '\n' | sort -n | tail -n 1)
# About 4 KiB per socket with its file, plus the tables; the established
# hash at about one bucket per socket.
if [ "$largest" -gt 300000 ]; then
	GUEST_MEM=${GUEST_MEM:-12288}
	BENCH_THASH=${BENCH_THASH:-1048576}
else
	GUEST_MEM=${GUEST_MEM:-6144}
	BENCH_THASH=${BENCH_THASH:-524288}
fi
# A hang guard, about three times what a 2-CPU TCG host takes (a round
# of the commands over 10,000 sockets took 4 s there).
if [ -z "${GUEST_TIMEOUT:-}" ]; then
	GUEST_TIMEOUT=600
	for n in $BENCH_SIZES; do
		GUEST_TIMEOUT=$((GUEST_TIMEOUT + 120 + n * BENCH_REPS / 1000))
	done
fi

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

run=$CACHE/bench
bin=$run/bin
mkdir -p "$bin"

# --- build ----------------------------------------------------------------

"$qemu_dir/deps.sh"
kernel=$("$qemu_dir/fetch-kernel.sh" 6.12 "$CACHE")
release=$(basename "$kernel")
kdir=$kernel/root/usr/src/linux-headers-$release

# As vmtest.sh's build_module: a copy of the sources, built there.
log "building tcpstates.ko for $release"
rm -rf "$run/build"
mkdir -p "$run/build"
cp -r "$top/Kbuild" "$top/VERSION" "$top/module" "$top/include" "$run/build/"
make -C "$kdir" M="$run/build" modules > "$run/build.log" 2>&1 ||
	{ cat "$run/build.log"; die "module build failed"; }
if [ -n "${BENCH_VS:-}" ]; then
	log "building the module of $BENCH_VS to compare"
	rm -rf "$run/build-vs"
	mkdir -p "$run/build-vs"
	cp -r "$BENCH_VS"/{Kbuild,VERSION,module,include} "$run/build-vs/"
	make -C "$kdir" M="$run/build-vs" modules > "$run/build-vs.log" 2>&1 ||
		{ cat "$run/build-vs.log"; die "module build of $BENCH_VS failed"; }
fi

cc_static() { # OUT SOURCES...
	local out=$1
	shift
	gcc -O2 -Wall -Werror -static -o "$bin/$out" "$@" ||
		die "could not build $out"
}
cc_static tcpgen "$top/selftests/tcpgen.c" "$top/selftests/sockgen.c"
cc_static diagcount "$top/selftests/diagcount.c"
cc_static benchtime "$top/selftests/benchtime.c"
cc_static readloop "$top/selftests/readloop.c"

# --- initramfs ------------------------------------------------------------

root=$run/initramfs.d
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root} \
	"$root"/{lib/tcpstates,lib/kmods,bench}
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$qemu_dir/init.sh" "$root/init"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
cp "$run/build/tcpstates.ko" "$root/lib/tcpstates/"
[ -n "${BENCH_VS:-}" ] && cp "$run/build-vs/tcpstates.ko" "$root/lib/tcpstates/vs.ko"
cp "$bin"/{tcpgen,diagcount,benchtime,readloop} "$root/bench/"
cp "$top/selftests/allocs.sh" "$root/bench/"
cp "$qemu_dir/bench-guest.sh" "$root/bench/guest.sh"
chmod 755 "$root/init" "$root/bench/guest.sh"

# sock_diag for TCP (ss, the counter), decompressed for busybox insmod,
# dependencies first, as init.sh's /etc/kmods lists them.
: > "$root/etc/kmods"
modprobe -d "$kernel/root" -S "$release" --show-depends tcp_diag |
	awk '$1 == "insmod" { print $2 }' > "$run/kmods"
[ -s "$run/kmods" ] || die "$release has no tcp_diag module"
while read -r ko; do
	name=$(basename "$ko")
	case "$name" in
	*.xz)  name=${name%.xz}; xz -dc "$ko" > "$root/lib/kmods/$name" ;;
	*.zst) name=${name%.zst}; zstd -qdc "$ko" > "$root/lib/kmods/$name" ;;
	*)     cp "$ko" "$root/lib/kmods/" ;;
	esac
	echo "$name" >> "$root/etc/kmods"
done < "$run/kmods"

profile=""
[ "$BENCH_PROFILE" = 1 ] && profile=perf
tools=$("$qemu_dir/bench-tools.sh" "$CACHE" "$root" $profile | sed 's/ *$//')
(cd "$root" && find . | cpio -o -H newc --quiet) > "$run/initramfs.cpio"

# --- the guest ------------------------------------------------------------

sizes_arg=$(echo "$BENCH_SIZES" | tr -s ' ' ',')
cmdline="console=ttyS0 panic=-1 oops=panic thash_entries=$BENCH_THASH"
cmdline+=" tsmode=bench tsbench_sizes=$sizes_arg tsbench_reps=$BENCH_REPS"
cmdline+=" tsbench_tw_secs=$BENCH_TW_SECS tsbench_profile=$BENCH_PROFILE"
cmdline+=" tsbench_quick=$BENCH_QUICK tsbench_tw_max=$BENCH_TW_MAX"
qemu=(timeout --foreground "$GUEST_TIMEOUT"
	qemu-system-x86_64 -accel "$QEMU_ACCEL" -nodefaults -no-reboot
	-display none -nic none -smp 2 -m "$GUEST_MEM"
	-kernel "$kernel/root/boot/vmlinuz-$release"
	-initrd "$run/initramfs.cpio" -append "$cmdline"
	-serial "file:$run/console.log" -serial "file:$run/results.log")

log "booting $release ($QEMU_ACCEL, ${GUEST_MEM} MiB, thash_entries=$BENCH_THASH," \
	"sizes $BENCH_SIZES, $BENCH_REPS reps, timeout ${GUEST_TIMEOUT}s)"
t0=$SECONDS
rm -f "$run/console.log" "$run/results.log"
rc=0
"${qemu[@]}" < /dev/null > "$run/qemu.log" 2>&1 || rc=$?
log "guest done after $((SECONDS - t0))s (with any wait for the lock)," \
	"qemu exit $rc"
touch "$run/results.log" "$run/console.log"
tr -d '\r' < "$run/results.log" > "$run/results.txt"

# --- TAP ------------------------------------------------------------------

echo "TAP version 13"
fail=0
tapn=0
tap() { # ok|notok DESCRIPTION
	tapn=$((tapn + 1))
	if [ "$1" = ok ]; then
		echo "ok $tapn - [$release] $2"
	else
		echo "not ok $tapn - [$release] $2"
		fail=1
	fi
}
if grep -q "^# guest: $release " "$run/results.txt"; then
	tap ok "guest booted"
else
	tail -n 20 "$run/console.log" | sed 's/^/#   /'
	tap notok "guest booted"
fi
while IFS= read -r line; do
	case "$line" in
	"ok "*)     tap ok "${line#ok }" ;;
	"not ok "*) tap notok "${line#not ok }" ;;
	"# "*)      echo "$line" ;;
	esac
done < "$run/results.txt"
if [ "$(tail -n 1 "$run/results.txt")" = TCPSTATES-BENCH-DONE ]; then
	tap ok "guest ran to completion"
else
	[ "$rc" = 124 ] && echo "#   guest killed after ${GUEST_TIMEOUT}s"
	tail -n 20 "$run/console.log" | sed 's/^/#   /'
	tap notok "guest ran to completion (qemu exit $rc)"
fi
splat='BUG:|Oops|WARNING:|Call Trace:|Kernel panic|soft lockup|rcu_.*stall'
if grep -Eq "$splat" "$run/console.log"; then
	grep -Em1 -A30 "$splat" "$run/console.log" | sed 's/^/#   /'
	tap notok "kernel log has no BUG/WARNING/Oops/stall"
else
	tap ok "kernel log has no BUG/WARNING/Oops/stall"
fi
echo "1..$tapn"

# --- the table ------------------------------------------------------------

mkdir -p "$(dirname "$BENCH_OUT")"
{
	echo "# tcpstates benchmark"
	echo
	echo "- kernel: Debian \`$release\` ($(cut -d' ' -f2 "$kernel/stamp"))," \
		"module $(cat "$top/VERSION") ($(git -C "$top" describe --always --dirty 2>/dev/null || echo '?'))"
	echo "- guest: QEMU $QEMU_ACCEL, 2 vCPUs, $GUEST_MEM MiB," \
		"\`thash_entries=$BENCH_THASH\`; host:" \
		"$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
		"$(nproc) CPUs"
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); the guest ran" \
		"$(awk '$1 == "uptime" { printf "%.0f", $2 }' "$run/results.txt") s"
	echo "- sizes: $BENCH_SIZES; TIME_WAIT made for at most $BENCH_TW_SECS s" \
		"(and at most $BENCH_TW_MAX)," \
		"kept alive by \`diagcount -k\` (below)"
	echo "- tools: busybox $(busybox 2>&1 | awk 'NR == 1 { print $2 }'), $tools"
	echo "- $BENCH_REPS timed runs of each command per size, interleaved" \
		"round-robin; each run is \`sh -c CMD > /dev/null\` timed on" \
		"CLOCK_MONOTONIC in the guest. median: ms; spread: (max - min) /" \
		"median; ratio: median / median of \`cat /proc/tcpstates\` at the same N."
	echo
	awk -v reps="$BENCH_REPS" -f /dev/stdin "$run/results.txt" <<-'EOF'
	function fmt_ms(ns,   ms) {
		ms = ns / 1e6
		return ms >= 100 ? sprintf("%.0f", ms) : ms >= 10 ? sprintf("%.1f", ms) : sprintf("%.2f", ms)
	}
	function median(key,   n, i, m, v) {
		n = cnt[key]
		for (i = 1; i <= n; i++) v[i] = val[key, i]
		m = vmedian(v, n)
		lo[key] = v[1]; hi[key] = v[n]
		return m
	}
	# A ratio to the reference command, or a median in ms with its spread.
	function cell(kind, s, c,   k, m, r) {
		k = sizes[s] SUBSEP c; m = med[sizes[s], c]
		if (!cnt[k]) return "-"
		if (kind == "median")
			return fmt_ms(m) " (" sprintf("%.0f", m > 0 ? 100 * (hi[k] - lo[k]) / m : 0) "%)"
		r = med[sizes[s], ref]
		return r > 0 ? sprintf("%.2f", m / r) : "-"
	}
	function print_table(kind,   c, s, t, line) {
		print hdr; print sep
		for (c = 1; c <= ncmd; c++) {
			t = text[c]; gsub(/\|/, "\\|", t)
			line = "| `" t "` |"
			for (s = 1; s <= nsz; s++) line = line " " cell(kind, s, c) " |"
			print line
		}
	}
	function vmedian(v, n,   i, j, t) {
		if (!n) return 0
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	function commas(x,   s) {
		s = sprintf("%d", x)
		while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
		return s
	}
	$1 == "cmd" { id = $2; sub(/^cmd [0-9]+ /, ""); text[id] = $0; if (id > ncmd) ncmd = id
		if ($0 == "cat /proc/tcpstates") ref = id }
	$1 == "time" && $5 ~ /^[0-9]+$/ { if (!($2 in seen)) { seen[$2] = 1; sizes[++nsz] = $2 }
		k = $2 SUBSEP $3; val[k, ++cnt[k]] = $5 }
	$1 == "walk" && $4 > 0 { wk = $2; wcnt[wk]++; wval[wk, wcnt[wk]] = $5 / $4; wms[wk, wcnt[wk]] = $5 / 1e6
		if (!(wk in smin) || $6 < smin[wk]) smin[wk] = $6
		if ($6 > smax[wk]) smax[wk] = $6 }
	$1 == "tw" { for (i = 5; i <= 6; i++) {
		if (!($2 in tmin) || $i < tmin[$2]) tmin[$2] = $i
		if ($i > tmax[$2]) tmax[$2] = $i } }
	$1 == "table" { tk = $2 SUBSEP $4; if (!(tk in tn)) { tn[tk] = 0; if (!($4 in tseen)) { tseen[$4] = 1; tnames[++ntab] = $4 } }
		tn[tk]++; tbk[tk] = $5; tne[tk] = $6; ten[tk] = $7
		tpe[tk, tn[tk]] = $7 > 0 ? $13 * 1000 / $7 : 0; tpb[tk, tn[tk]] = $13 * 1000 / $5; tus[tk, tn[tk]] = $13 }
	$1 == "keep" { keeps[$2]++; if ($4 > klong[$2]) klong[$2] = $4 }
	$1 == "beside" { beside[$2]++ }
	$1 == "mix" { mix[$2] = $0 }
	$1 == "alloc" { abytes[$2] = $3; acount[$2] = $4 }
	/^not ok N=/ { nfailed++; failed[nfailed] = substr($0, 8) }
	$1 == "phase" { phase[$2, $3] = $4 }
	/^(not )?ok N=[0-9]+: module/ { n = $0; sub(/^(not )?ok N=/, "", n); sub(/:.*/, "", n); check[n] = ($1 == "ok") ? "yes" : "**NO**" }
	END {
		if (!nsz) { print "No timings: the guest did not get that far."; exit }
		for (s = 1; s <= nsz; s++)
			for (c = 1; c <= ncmd; c++) med[sizes[s], c] = median(sizes[s] SUBSEP c)
		hdr = "| command |"; sep = "|---|"
		for (s = 1; s <= nsz; s++) { hdr = hdr " N=" commas(sizes[s]) " |"; sep = sep "---:|" }

		if (nfailed) {
			print "## Checks that failed: the figures they concern do not hold"
			print ""
			for (i = 1; i <= nfailed; i++) print "- " failed[i]
			print ""
		}
		print "## Ratio to `cat /proc/tcpstates` (the result)"
		print ""
		print_table("ratio")
		print ""
		print "## Median ms (spread)"
		print ""
		print_table("median")
		print ""
		print "## Sockets, check and walk"
		print ""
		print "| N | sockets at the check | module = sock_diag | sockets after each round | TIME_WAIT around each timed run | keeps, longest s; runs beside | walk ms, ns per entry | make / rounds / all s |"
		print "|---:|---|:---:|---:|---:|---:|---:|---:|"
		for (s = 1; s <= nsz; s++) {
			n = sizes[s]; m = mix[n]
			sub(/^mix [0-9]+ /, "", m); gsub(/ /, ", ", m); gsub(/_/, "\\_", m)
			nw = wcnt[n]
			for (i = 1; i <= nw; i++) { wv[i] = wval[n, i]; wm[i] = wms[n, i] }
			w = vmedian(wv, nw); wt = vmedian(wm, nw)
			printf "| %s | %s | %s | %s-%s | %s-%s | %d, %.1f; %d | %.2f, %.0f | %.0f / %.0f / %.0f |\n", commas(n), m,
				(n in check) ? check[n] : "-", smin[n], smax[n],
				tmin[n], tmax[n], keeps[n], klong[n], beside[n], wt, w,
				phase[n, "established"] + phase[n, "timewait"], phase[n, "timing"], phase[n, "total"]
		}
		print ""
		print "## What reads allocate"
		print ""
		print "Bytes the kernel allocated for 5 reads of `/proc/tcpstates` and `/proc/net/tcpstates` by one process of user nobody, after a first read (which allocates the buffer of each file), outside interrupts, from its allocation tracepoints (`selftests/allocs.sh`): the same at every size."
		print ""
		print "| N | bytes | allocations |"
		print "|---:|---:|---:|"
		for (s = 1; s <= nsz; s++)
			if (sizes[s] in abytes)
				printf "| %s | %s | %s |\n", commas(sizes[s]), abytes[sizes[s]], acount[sizes[s]]
		if (!ntab) exit
		print ""
		print "## The walk, table by table (the module's debugfs stats)"
		print ""
		print "| N | table | buckets | non-empty | entries | ms | ns per entry | ns per bucket |"
		print "|---:|---|---:|---:|---:|---:|---:|---:|"
		for (s = 1; s <= nsz; s++)
			for (t = 1; t <= ntab; t++) {
				n = sizes[s]; tk = n SUBSEP tnames[t]; k = tn[tk]
				if (!k) continue
				for (i = 1; i <= k; i++) { a1[i] = tpe[tk, i]; a2[i] = tpb[tk, i]; a3[i] = tus[tk, i] }
				printf "| %s | %s | %s | %s | %s | %.2f | %.0f | %.1f |\n", commas(n), tnames[t],
					commas(tbk[tk]), commas(tne[tk]), commas(ten[tk]),
					vmedian(a3, k) / 1000, vmedian(a1, k), vmedian(a2, k)
			}
	}
	EOF
	echo
	echo "Walk: \`tcpstates_walk_duration_seconds\` / \`tcpstates_walk_sockets\`" \
		"of \`/proc/net/tcpstates\` after each round (a connected socket is" \
		"two entries: established and bind hash). make: seconds to make the" \
		"sockets; rounds: seconds of the timed rounds; all: the size in all." \
		"TIME_WAIT sockets live 60 s: \`diagcount -k\` restarts their" \
		"timers (a bare ACK from the peer to each; the namespace has" \
		"\`tcp_rfc1337=1\` so that the RST this provokes does not end" \
		"them) over and over while they are made; untimed, before any run that could" \
		"outlive them; and beside any run that could outlive a keep (runs" \
		"beside: the keeper, pinned to the second vCPU, kept them every 25 s" \
		"while that run was timed; such runs share the guest with it, which" \
		"can only slow them). A run that lost some without it was run again" \
		"with it. TIME_WAIT around each timed run: the lowest and" \
		"highest count of /proc/net/sockstat just before and after every run." \
		"Table by table: the medians over the rounds of the walk that" \
		"/proc/net/tcpstates made after each round; ns per entry and per" \
		"bucket divide a table's whole time, empty buckets included."
} > "$BENCH_OUT.new"
mv "$BENCH_OUT.new" "$BENCH_OUT"
echo
cat "$BENCH_OUT"
if [ -n "${BENCH_VS:-}" ]; then
	{
		echo "# A/B: this tree's module (A) against $BENCH_VS's (B)"
		echo
		echo "Same guest, same sockets; the two modules reloaded in turn" \
			"after the rounds of each size, 5 reads of /proc/tcpstates" \
			"each turn. Medians of cat and of each table's walk (debugfs" \
			"stats), in ms; B/A below 1 means B is faster."
		echo
		echo "| N | what | A | B | B/A |"
		echo "|---:|---|---:|---:|---:|"
		awk -f /dev/stdin "$run/results.txt" <<-'EOF'
		function med(k,   n, i, j, t, v) {
			n = c[k]; for (i = 1; i <= n; i++) v[i] = x[k, i]
			for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
			return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		}
		$1 == "ab" { k = $2 SUBSEP $4 SUBSEP $5; x[k, ++c[k]] = $6 / 1e6; seen[$2] = 1 }
		END {
			split("cat established listening bind", what, " ")
			for (s in seen) for (i = 1; i <= 4; i++) {
				a = med(s SUBSEP what[i] SUBSEP "A"); b = med(s SUBSEP what[i] SUBSEP "B")
				printf "| %d | %s | %.2f | %.2f | %.3f |\n", s, what[i], a, b, (a > 0 ? b / a : 0)
			}
		}
		EOF
	} > "$(dirname "$BENCH_OUT")/ab.md"
	cat "$(dirname "$BENCH_OUT")/ab.md"
fi
if [ "$BENCH_PROFILE" = 1 ]; then
	"$qemu_dir/bench-profile.sh" "$run/results.txt" "$run/build/tcpstates.ko" \
		> "$(dirname "$BENCH_OUT")/profile.md"
	cat "$(dirname "$BENCH_OUT")/profile.md"
fi
log "results in $BENCH_OUT; logs in $run/"
exit $fail
