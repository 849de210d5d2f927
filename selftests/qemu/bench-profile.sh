#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-profile.sh RESULTS KO
#
# Turns the guest's "prof N SAMPLES SYMBOL+OFF" lines (BENCH_PROFILE=1,
# see bench-guest.sh) into Markdown: for each size, the kernel functions
# the reads of /proc/tcpstates spent their samples in, and, for samples in
# the module KO, the source line each fell on, with the functions inlined
# there (addr2line -i: innermost first).
set -euo pipefail

results=${1:?usage: bench-profile.sh RESULTS KO}
ko=${2:?usage: bench-profile.sh RESULTS KO}

echo "# Where a read of /proc/tcpstates spends its time"
echo
echo "perf in the guest, \`cpu-clock\` at 10 kHz, over 10 reads of" \
	"/proc/tcpstates after the timed rounds of each size; samples of the" \
	"\`cat\` processes only. TCG: the shares say where the work is, not" \
	"what each line would cost on hardware."

# "symbol address" of the module's functions, for address + offset.
syms=$(mktemp)
trap 'rm -f "$syms"' EXIT
nm "$ko" | awk '$2 ~ /^[tT]$/ { print $3, $1 }' > "$syms"

for n in $(awk '$1 == "prof" { print $2 }' "$results" | sort -nu); do
	total=$(awk -v n="$n" '$1 == "prof" && $2 == n { t += $3 } END { print t + 0 }' "$results")
	echo
	echo "## N=$n: $total samples"
	echo
	echo "| share | function |"
	echo "|---:|---|"
	awk -v n="$n" -v t="$total" '$1 == "prof" && $2 == n {
		s = $4; sub(/\+0x[0-9a-f]+$/, "", s); c[s] += $3 }
	END { for (s in c) printf "%.1f%% %s\n", 100 * c[s] / t, s }' "$results" |
		sort -rn | head -n 15 | awk '{ printf "| %s | `%s` |\n", $1, $2 }'

	echo
	echo "### In the module, by source line"
	echo
	echo "| share | line | inlined in |"
	echo "|---:|---|---|"
	awk -v n="$n" '$1 == "prof" && $2 == n { print $3, $4 }' "$results" |
	while read -r count symoff; do
		sym=${symoff%+0x*}
		off=${symoff##*+}
		base=$(awk -v s="$sym" '$1 == s { print $2; exit }' "$syms")
		[ -n "$base" ] || continue
		addr=$(printf '0x%x' $((0x$base + off)))
		# Innermost frame's file:line, then the functions outwards.
		addr2line -f -i -e "$ko" "$addr" | awk -v c="$count" '
			NR % 2 == 1 { fn[++k] = $0 }
			NR % 2 == 0 { if (!line) { line = $0; sub(/.*\//, "", line); sub(/ .*/, "", line) } }
			END { chain = fn[1]; for (i = 2; i <= k; i++) chain = chain " < " fn[i]
				print c, line, chain }'
	done | awk -v t="$total" '{ c[$2] += $1; f = $0; sub(/^[^ ]+ [^ ]+ /, "", f); fn[$2] = f }
	END { for (l in c) printf "%.1f%% %s %s\n", 100 * c[l] / t, l, fn[l] }' |
		sort -rn | head -n 25 |
		awk '{ s = $1; l = $2; $1 = ""; $2 = ""; sub(/^  /, ""); printf "| %s | %s | %s |\n", s, l, $0 }'
done
