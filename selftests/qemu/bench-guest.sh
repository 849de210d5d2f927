#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-guest.sh: the guest half of `make bench` (init.sh's tsmode=bench;
# installed as /bench/guest.sh, the module loaded by init). Results go to
# stdout, which init points at ttyS1; the host (bench.sh) turns them into
# TAP and a table. Parameters come from the kernel command line:
#   tsbench_sizes=N,N,...  total sockets per size (default 1000)
#   tsbench_reps=R         timed repetitions of each command (default 5)
#   tsbench_tw_secs=S      seconds of TIME_WAIT creation at most (300)
#   tsbench_tw_max=M       TIME_WAIT sockets at most (300000: what one
#                          keep revisits well within their 60 s)
#   tsbench_twgen=G        parallel TIME_WAIT generators (4; one is IPv6),
#                          each connecting to 16 listeners in turn
#   tsbench_quick=1        time only diagcount, ss -s, sockstat and the
#                          module's files and views (for comparing module
#                          builds, or the views alone at a size)
#   tsbench_profile=1      after the rounds, sample 10 reads of
#                          /proc/tcpstates with perf (cpu-clock, 10 kHz)
#
# Each size runs in a network namespace of its own (its sockets go away
# with it) and goes:
#   1. ESTABLISHED by TCP_REPAIR (tcpgen one_port=, no handshake, in
#      chunks: several busy listening ports), LISTEN, CLOSE, and a few
#      real IPv6 connections;
#   2. CLOSE_WAIT (each with an orphaned FIN_WAIT2 peer) and TIME_WAIT
#      from G generators, stopped after S seconds;
#   3. the check: the module's totals per state and family against the
#      sock_diag counter's;
#   4. R rounds; each round times every command once (benchtime, on
#      CLOCK_MONOTONIC), starting one command later than the round
#      before.
# TIME_WAIT sockets live 60 s. `diagcount -k` restarts their timers (a
# bare ACK to each; tcp_rfc1337=1 so that the RST it provokes does not
# kill them): again and again while they are made, before any timed run
# that could outlive the last keep, and beside (on the other CPU) any
# timed run that could outlive a keep: netstat at 1,000,000 sockets. Every
# timed run is checked to begin and end with every TIME_WAIT socket of the
# check; one that lost some without the keeper beside it is run again with
# it, and only that run counts. Orphaned FIN_WAIT2 sockets are kept by
# tcp_fin_timeout=3600. TIME_WAIT is capped at what the generators make in
# S seconds, measured once up front in a namespace of its own, and at M;
# ESTABLISHED takes the rest.
#
# Output lines (the host parses them):
#   cmd ID TEXT                 a timed command
#   ok|not ok DESCRIPTION       a check
#   mix N STATE=COUNT...        the sockets of size N at the check
#   time N ID ROUND NS          one timed run
#   tw N ID ROUND BEFORE AFTER  TIME_WAIT sockets around that run
#   keep N SOCKETS SECONDS      one `diagcount -k`
#   beside N ID ROUND           the keeper ran beside that timed run
#   prof N SAMPLES SYMBOL+OFF   perf samples of cat at a kernel address
#   ab N ROUND WHAT A|B NS      a read with module A or B (BENCH_VS): WHAT
#                               is cat (the whole read) or a table's walk
#   walk N ROUND ENTRIES NS SOCKETS  the walk metrics after a round
#   table N ROUND NAME BUCKETS NONEMPTY ENTRIES FULL REQUEST TIMEWAIT
#         PAUSES RESTARTS US   that walk's table, from the module's stats
#   phase N WHAT SECONDS        how long a part of size N took
#   uptime SECONDS              the guest's, at the end
#   # ...                       comments

B=/bench
export PATH="$B:$PATH"

sizes=$(echo "${tsbench_sizes:-1000}" | tr , ' ')
reps=${tsbench_reps:-5}
tw_secs=${tsbench_tw_secs:-300}
tw_max=${tsbench_tw_max:-300000}
twgen=${tsbench_twgen:-4}

now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The commands timed, one per line. net-tools' netstat by its path:
# busybox's shell would run its own applet for a bare `netstat`.
write_commands() {
	cat > /tmp/cmds <<-'EOF'
	ss -tanH | awk '{ n[$1]++ } END { for (s in n) print s, n[s] }'
	ss -tanH state time-wait | wc -l
	cat /proc/net/tcp /proc/net/tcp6 | awk '{ n[$4]++ } END { for (s in n) print s, n[s] }'
	/usr/bin/netstat -ant | wc -l
	busybox netstat -ant | wc -l
	diagcount
	ss -s
	cat /proc/net/sockstat
	cat /proc/tcpstates
	cat /proc/net/tcpstates
	cat /sys/kernel/debug/tcpstates/timewait | wc -l
	cat /sys/kernel/debug/tcpstates/top
	EOF
	if [ "${tsbench_quick:-0}" = 1 ]; then
		grep -E '^(diagcount|ss -s|cat /proc/(net/sockstat|tcpstates|net/tcpstates)|cat /sys/kernel/debug/tcpstates/.*)$' \
			/tmp/cmds > /tmp/cmds.quick
		mv /tmp/cmds.quick /tmp/cmds
	fi
}

# --- sockets --------------------------------------------------------------

# Settings of the size's own namespace (new namespaces start from the
# defaults): no TIME_WAIT reuse, which would recycle our TIME_WAIT sockets
# for new connections; every port; room for all TIME_WAIT sockets; RSTs
# do not end TIME_WAIT (see diagcount -k), and a TIME_WAIT socket answers
# one out-of-window segment an hour (after its first answer, keeping it
# provokes no traffic); orphaned FIN_WAIT2 for an hour.
netns_setup() {
	ip link set lo up
	echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse
	echo "1024 65535" > /proc/sys/net/ipv4/ip_local_port_range
	echo 4000000 > /proc/sys/net/ipv4/tcp_max_tw_buckets
	echo 1 > /proc/sys/net/ipv4/tcp_rfc1337
	echo 3600000 > /proc/sys/net/ipv4/tcp_invalid_ratelimit
	echo 3600 > /proc/sys/net/ipv4/tcp_fin_timeout
}

# TIME_WAIT sockets of this namespace, as /proc/net/sockstat counts them.
tw_now() {
	awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }' \
		/proc/net/sockstat
}

# Restarts every TIME_WAIT socket's 60 s; remembers when (keep_at).
keep_tw() { # N
	keep_at=$(now)
	kept=$(diagcount -k) || echo "# diagcount -k failed"
	echo "keep $1 ${kept#kept } $(elapsed "$keep_at")"
}

# Before a run of about D seconds: keep them first if the run could end
# later than 50 s after the last keep.
keep_tw_for() { # N D
	if awk -v k="$keep_at" -v t="$(now)" -v d="$2" \
		'BEGIN { exit !(t + d > k + 50) }'; then
		keep_tw "$1"
	fi
}

# Keeps them, in the background, a keep PAUSE s after the last ended,
# until stop_keeper: every 5 s while they are being made (a keep takes
# longer the more there are: tens of seconds for 100,000s while the
# generators compete for the CPUs); every 25 s beside a timed run (see
# time_run), on the second CPU (CPUMASK 2).
keeper() { # N PAUSE [CPUMASK]
	while :; do
		i=0
		while [ $i -lt "$2" ]; do
			[ -e /tmp/keeper.stop ] && return
			sleep 1
			i=$((i + 1))
		done
		if [ -n "${3:-}" ]; then
			taskset "$3" "$B/guest.sh" keep "$1"
		else
			keep_tw "$1"
		fi
	done
}

start_keeper() { # N PAUSE [CPUMASK]
	rm -f /tmp/keeper.stop
	keeper "$@" &
	kpid=$!
}

# Stops the keeper after the keep it may be in: none runs after this.
stop_keeper() {
	touch /tmp/keeper.stop
	wait $kpid
}

# How long command ID may take at N before it has run there: its longest
# run at the size before, scaled by the sizes (30 s at the first size).
# A first run at 1,000,000 that outlived every TIME_WAIT socket could not
# be run again: they were gone.
guess_duration() { # N ID
	awk -v n="$1" -v id="$2" '$2 == id {
		if ($1 != pn) { pn = $1; d = 0 }
		if ($3 > d) d = $3 }
	END { if (pn) printf "%d\n", d * n / pn + 1; else print 30 }' /tmp/bench.dur
}

# One timed run of command ID (round R) that took about D s last time:
# prints its time and the TIME_WAIT sockets before and after it. Kept
# first if the run could outlive the last keep; with the keeper beside it
# (and a `beside` line) if it could outlive a keep at all. Returns 1 if
# TIME_WAIT sockets were lost without the keeper (nothing printed: the
# caller runs it again with it), 2 if with it or if some were gone at its
# start. Sets d to the run's duration in whole seconds, and notes it in
# /tmp/bench.dur for guess_duration.
time_run() { # N ID R D CMD
	keep_tw_for "$1" "$4"
	beside=0
	if [ "$4" -gt 40 ]; then
		beside=1
		echo "beside $1 $2 $3"
		start_keeper "$1" 25 2
	fi
	b=$(tw_now)
	ns=$(benchtime 1 "$5") || echo "# run failed: $5"
	a=$(tw_now)
	[ $beside = 1 ] && stop_keeper
	d=$((${ns:-30000000000} / 1000000000 + 1))
	echo "$1 $2 $d" >> /tmp/bench.dur
	if [ "$b" != "$tw_want" ] || [ "$a" != "$tw_want" ]; then
		echo "# N=$1: run $3 of command $2 lost TIME_WAIT sockets ($b, $a of $tw_want) in ${d} s"
		# Again with the keeper, if they were all there at its start.
		[ $beside = 1 ] || [ "$b" != "$tw_want" ] || return 1
	fi
	echo "time $1 $2 $3 $ns"
	echo "tw $1 $2 $3 $b $a"
	[ "$b" = "$tw_want" ] && [ "$a" = "$tw_want" ] || return 2
}

gens=""

start_gen() { # NAME TCPGEN_ARGS...
	g=$1
	shift
	tcpgen "$@" > "/tmp/gen.$g" 2>&1 &
	echo $! > "/tmp/gen.$g.pid"
	gens="$gens $g"
}

# Waits for every generator's "ready"; fails if one died.
wait_gens() {
	for g in $gens; do
		while ! grep -q '^ready' "/tmp/gen.$g"; do
			if ! kill -0 "$(cat "/tmp/gen.$g.pid")" 2>/dev/null; then
				echo "# tcpgen $g died:"
				sed 's/^/#   /' "/tmp/gen.$g" | tail -n 5
				return 1
			fi
			sleep 0.2
		done
	done
}

stop_gens() {
	for g in $gens; do
		kill "$(cat "/tmp/gen.$g.pid")" 2>/dev/null
	done
	wait
	gens=""
}

# The module's per-state counts, as "state family count" lines.
module_counts() {
	sed -n 's/^tcpstates_sockets{state="\([a-z_0-9]*\)",family="\([a-z0-9]*\)"} \([0-9]*\)$/\1 \2 \3/p' \
		/proc/net/tcpstates
}

# What reads cost the kernel in memory: allocs.sh's bytes and allocations
# for 5 reads of both files by nobody, after a first. They must be the
# same at every size (the first size's are kept in /tmp/allocs.first).
alloc_check() { # N
	local n=$1 first
	# The control, once: reads of /proc/self/cmdline take a page each.
	if [ ! -s /tmp/allocs.first ]; then
		set -- $(/bench/allocs.sh 5 /proc/self/cmdline)
		if [ "${1:-0}" -ge 20480 ]; then
			echo "ok N=$n: allocs.sh sees 5 reads of /proc/self/cmdline allocate $1 bytes"
		else
			echo "not ok N=$n: allocs.sh sees 5 reads of /proc/self/cmdline allocate ${1:-no} bytes"
		fi
	fi
	set -- $(/bench/allocs.sh 5 /proc/tcpstates /proc/net/tcpstates)
	if [ $# -lt 2 ]; then
		echo "not ok N=$n: allocations of 5 reads traced"
		return
	fi
	echo "alloc $n $1 $2"
	[ -s /tmp/allocs.first ] || echo "$1 $n" > /tmp/allocs.first
	read -r first first_n < /tmp/allocs.first
	if [ "$1" = "$first" ]; then
		echo "ok N=$n: 5 reads of both files allocate $1 bytes, as at N=$first_n"
	else
		shift 2
		echo "# by call site: $*"
		echo "not ok N=$n: 5 reads of both files allocate $1 bytes, $first at N=$first_n"
	fi
}

# Sockets each tool lists, against the module's count without CLOSE.
check_tools() { # N
	want=$(awk '$1 != "close" { n += $3 } END { print n + 0 }' /tmp/mod)
	got="ss $(ss -tanH | wc -l)"
	got="$got netstat $(($(/usr/bin/netstat -ant | wc -l) - 2))"
	got="$got busybox-netstat $(($(busybox netstat -ant | wc -l) - 2))"
	got="$got proc $(cat /proc/net/tcp /proc/net/tcp6 | grep -vc local_address)"
	if echo "$got" | awk -v w="$want" '{
		for (i = 2; i <= NF; i += 2) if ($i != w) bad = 1 }
		END { exit bad }'; then
		echo "ok N=$1: ss, netstat, busybox netstat, /proc/net/tcp list them all ($want)"
	else
		echo "# want $want: $got"
		echo "not ok N=$1: ss, netstat, busybox netstat, /proc/net/tcp list them all ($want)"
	fi
}

# TIME_WAIT sockets G generators make in 3 s, in a namespace of their own.
calibrate() {
	netns_setup
	i=1
	while [ $i -le "$twgen" ]; do
		fam=""
		[ $i = "$twgen" ] && [ "$twgen" -gt 1 ] && fam=-6
		start_gen tw$i $fam listeners=16 tw_secs=3 time_wait=1000000
		i=$((i + 1))
	done
	wait_gens || { stop_gens; return 1; }
	diagcount | awk '$1 == "time_wait" { n += $3 } END { print n + 0 }'
	stop_gens
}

# One size, inside its own namespace (unshare -n guest.sh size N TW_CAP).
run_size() { # N TW_CAP
	n=$1
	t0=$(now)
	netns_setup

	# The mix: TIME_WAIT half, capped; LISTEN and CLOSE 0.1% each;
	# CLOSE_WAIT and FIN_WAIT2 0.5% each; IPv6 ESTABLISHED 0.5%; the
	# rest ESTABLISHED over IPv4, up to 100,000 per listening port.
	tw=$((n / 2))
	[ "$tw" -gt "$2" ] && tw=$2
	listen=$((n / 1000)); [ $listen -lt 4 ] && listen=4
	close=$((n / 1000)); [ $close -lt 2 ] && close=2
	cw=$((n / 200)); [ $cw -lt 2 ] && cw=2
	est6=$((n / 200 / 2 * 2)); [ $est6 -lt 2 ] && est6=2
	est4=$((n - tw - listen - close - 2 * cw - est6))
	echo "# N=$n: asking for ESTABLISHED $est4+$est6 (IPv4 repaired+IPv6), TIME_WAIT $tw, LISTEN $listen, CLOSE $close, CLOSE_WAIT $cw, FIN_WAIT2 $cw"

	# 1. What has no timer; a process per 100,000 repaired sockets.
	start_gen misc4 listen=$((listen * 3 / 4)) close=$((close * 3 / 4))
	left=$est4
	i=1
	while [ "$left" -gt 0 ]; do
		c=$left
		[ $c -gt 100000 ] && c=100000
		start_gen est$i one_port=$c
		left=$((left - c))
		i=$((i + 1))
	done
	start_gen misc6 -6 established=$est6 listen=$((listen - listen * 3 / 4)) \
		close=$((close - close * 3 / 4))
	wait_gens || { stop_gens; return 1; }
	echo "phase $n established $(elapsed "$t0")"

	# 2. What expires 60 s after it is made, kept alive meanwhile.
	t1=$(now)
	start_keeper "$n" 5
	start_gen cw close_wait=$cw
	i=1
	while [ $i -le "$twgen" ]; do
		fam=""
		[ $i = "$twgen" ] && [ "$twgen" -gt 1 ] && fam=-6
		start_gen tw$i $fam listeners=16 tw_secs="$tw_secs" \
			time_wait=$(((tw + twgen - i) / twgen))
		i=$((i + 1))
	done
	wait_gens || { stop_keeper; stop_gens; return 1; }
	stop_keeper
	keep_tw "$n"
	echo "phase $n timewait $(elapsed "$t1")"

	# 3. The check, at once.
	module_counts | sort > /tmp/mod
	diagcount | sort > /tmp/diag
	if diff -u /tmp/diag /tmp/mod > /tmp/diff; then
		echo "ok N=$n: module's per-state totals equal sock_diag's"
	else
		sed 's/^/# /' /tmp/diff
		echo "not ok N=$n: module's per-state totals equal sock_diag's"
	fi
	awk -v n="$n" '{ t[$1] += $3; all += $3; if ($2 == "ipv6") v6 += $3 }
	END {
		printf "mix %d total=%d ipv6=%d", n, all, v6
		k = split("established time_wait listen close_wait fin_wait2 " \
			"close syn_sent syn_recv fin_wait1 last_ack closing", o, " ")
		for (i = 1; i <= k; i++) if (t[o[i]]) printf " %s=%d", o[i], t[o[i]]
		printf "\n"
	}' /tmp/mod

	alloc_check "$n"

	# The tools must see those sockets too (CLOSE aside: only the module
	# and sock_diag on request list bound-only sockets). At small sizes
	# only: at large ones this takes minutes.
	[ "$n" -le 10000 ] && check_tools "$n"

	# 4. The rounds. Each run's duration guides the keeping before the
	# same command's next run (30 s assumed the first time).
	t2=$(now)
	tw_want=$(awk '$1 == "time_wait" { n += $3 } END { print n + 0 }' /tmp/mod)
	tw_bad=0
	ncmd=$(wc -l < /tmp/cmds)
	r=1
	while [ $r -le "$reps" ]; do
		k=0
		while [ $k -lt "$ncmd" ]; do
			id=$(((r - 1 + k) % ncmd + 1))
			cmd=$(sed -n "${id}p" /tmp/cmds)
			eval "d=\${dur_$id:-}"
			[ -n "$d" ] || d=$(guess_duration "$n" "$id")
			time_run "$n" "$id" "$r" "$d" "$cmd"
			rc=$?
			if [ $rc = 1 ]; then
				time_run "$n" "$id" "$r" 60 "$cmd"
				rc=$?
			fi
			[ $rc = 0 ] || tw_bad=$((tw_bad + 1))
			eval "dur_$id=$d"
			k=$((k + 1))
		done
		awk -v n="$n" -v r="$r" '
		/^tcpstates_sockets[{]/ { all += $2 }
		/^tcpstates_walk_sockets / { w = $2 }
		/^tcpstates_walk_duration_seconds / { d = $2 }
		END { printf "walk %d %d %d %.0f %d\n", n, r, w, d * 1e9, all }' \
			/proc/net/tcpstates
		# The walk that read just made, table by table.
		awk -v n="$n" -v r="$r" '$1 ~ /^(established|listening|bind)$/ {
			print "table", n, r, $0 }' /sys/kernel/debug/tcpstates/stats
		r=$((r + 1))
	done
	echo "phase $n timing $(elapsed "$t2")"
	ab_compare "$n"
	profile_reads "$n"
	if [ "$tw_bad" = 0 ]; then
		echo "ok N=$n: every timed run began and ended with all $tw_want TIME_WAIT sockets"
	else
		echo "not ok N=$n: every timed run began and ended with all $tw_want TIME_WAIT sockets ($tw_bad did not)"
	fi
	stop_gens
	echo "phase $n total $(elapsed "$t0")"
}

# With a second module (BENCH_VS): both in turn, R turns each, so that
# their walks are compared over the same sockets in the same guest.
ab_compare() { # N
	[ -f /lib/tcpstates/vs.ko ] || return 0
	keep_tw "$1"
	r=1
	while [ $r -le "$reps" ]; do
		for m in A B; do
			rmmod tcpstates
			ko=/lib/tcpstates/tcpstates.ko
			[ $m = B ] && ko=/lib/tcpstates/vs.ko
			insmod "$ko" || { echo "# insmod $ko failed"; return 0; }
			i=0
			while [ $i -lt 5 ]; do
				echo "ab $1 $r cat $m $(benchtime 1 'cat /proc/tcpstates')"
				awk -v n="$1" -v r="$r" -v m="$m" '$1 ~ /^(established|listening|bind)$/ {
					print "ab", n, r, $1, m, $10 * 1000 }' /sys/kernel/debug/tcpstates/stats
				i=$((i + 1))
			done
		done
		r=$((r + 1))
	done
	rmmod tcpstates
	insmod /lib/tcpstates/tcpstates.ko
}

# Where reads of /proc/tcpstates spend their time: perf samples of the
# cat processes, counted per kernel symbol and offset.
profile_reads() { # N
	[ "${tsbench_profile:-0}" = 1 ] || return 0
	keep_tw "$1"
	if ! perf record -q -e cpu-clock -F 10000 -a -o /tmp/perf.data -- \
		sh -c 'i=0; while [ $i -lt 10 ]; do cat /proc/tcpstates; i=$((i + 1)); done > /dev/null' \
		> /tmp/perf.log 2>&1; then
		sed 's/^/# perf: /' /tmp/perf.log | tail -n 5
		return 0
	fi
	# "cat ffffffff81234567 function+0x1f": sym needs ip beside it.
	perf script -i /tmp/perf.data -F comm,ip,sym,symoff 2> /dev/null |
		awk -v n="$1" '$1 == "cat" { c[NF > 2 ? $3 : "[unknown]"]++ }
		END { for (k in c) print "prof", n, c[k], k }'
	rm -f /tmp/perf.data
}

# Waits (up to 60 s) for the sockets of namespaces just gone to be freed,
# so the next size's walks do not pass over them: TCP and TIME_WAIT slab
# objects, from /proc/slabinfo.
wait_freed() {
	i=0
	while [ $i -lt 120 ]; do
		left=$(awk '$1 ~ /^(tw_sock_TCP|TCP|TCPv6|tw_sock_TCPv6)$/ { n += $2 }
			END { print n + 0 }' /proc/slabinfo)
		[ "$left" -lt 2000 ] && break
		sleep 0.5
		i=$((i + 1))
	done
	echo "# TCP slab objects left from earlier sizes: $left"
}

main() {
	echo "# guest: $(uname -r) $(nproc) cpus $(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MiB"
	echo "# cmdline: $(cat /proc/cmdline)"
	if grep -q '^tcpstates ' /proc/modules; then
		echo "ok guest: tcpstates loaded"
	else
		echo "not ok guest: tcpstates loaded"
		return
	fi
	# Limits of the whole machine: fds and orphans for a million sockets.
	echo 4000000 > /proc/sys/fs/file-max
	echo 1000000 > /proc/sys/net/ipv4/tcp_max_orphans

	write_commands
	: > /tmp/bench.dur
	i=1
	while read -r c; do
		echo "cmd $i $c"
		i=$((i + 1))
	done < /tmp/cmds

	t=$(now)
	made=$(unshare -n "$B/guest.sh" calibrate | tail -n 1)
	case "$made" in
	''|*[!0-9]*)
		echo "not ok guest: TIME_WAIT calibration: $made"
		return ;;
	esac
	# 90% of what tw_secs seconds make at the calibrated rate, and no
	# more than the keeper keeps (tw_max).
	cap=$((made * tw_secs * 9 / 30))
	[ "$cap" -gt "$tw_max" ] && cap=$tw_max
	echo "# TIME_WAIT: $twgen generators made $made in 3 s; cap $cap (${tw_secs} s, at most $tw_max)"
	echo "phase 0 calibrate $(elapsed "$t")"
	wait_freed

	for n in $sizes; do
		unshare -n "$B/guest.sh" size "$n" "$cap" ||
			echo "not ok N=$n: sockets made"
		wait_freed
	done
	echo "uptime $(now)"
}

case "${1:-}" in
size)      run_size "$2" "$3" ;;
keep)      keep_tw "$2" ;;
calibrate) calibrate ;;
*)         main; echo "TCPSTATES-BENCH-DONE" ;;
esac
