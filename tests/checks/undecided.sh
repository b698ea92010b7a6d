#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026, The padko developers
#
# tests/checks/undecided.sh PADKO ELFCMP FIXTURE_DIR WORKDIR
#
# Boundary sites that the evidence cannot decide, and what padko does about
# them: the refusal (the default, and --strict), --guess-undecided and its
# warning, --assume-end and --assume-next.
#
# For every pair FIXTURE_DIR/undecided-*.L.ko / .L.padded.ko, with its truth
# file undecided-*.L.truth (tests/fixtures/build.sh): the END sites of the
# truth file are per-vnet/per-CPU accesses whose base was not loaded
# through %fs (VNET_FOREACH, dpcpu_off[cpu], an argument), so padko cannot
# tell them from a plain address; the other sites are decided (NEXT=STOP).
#
#   a. "PADKO F.L.ko -o out.ko" exits 65 and the output directory stays
#      empty (no output, no temporary file); the message counts the END
#      sites and names each (r_offset 0x%x, its set, its instruction) with
#      "--assume-end OFF or --assume-next OFF", and --guess-undecided; the
#      same with --strict (the default now); --strict --guess-undecided
#      exits 64;
#   b. with --guess-undecided: exit 0 and out.ko; stderr has one warning
#      per END site, naming its r_offset and no other; "PADKO analyze"
#      (exit 0) reports the END sites as "NEXT (undecided)" and every other
#      site decided as the truth says; out.ko differs from the padded
#      reference (ELFCMP exits 1), and exactly at the END sites'
#      relocations (NEXT is wrong there);
#   c. with --assume-end OFF for every END site: exit 0, no warning, output
#      equivalent to the padded reference (ELFCMP exits 0), analyze reports
#      every site decided as the truth says; the same with --strict added;
#      with --assume-next OFF instead: no warning, and the output is
#      byte-identical to the --guess-undecided run's (NEXT is what it
#      kept);
#   d. --assume-end 0x1, and --assume-end on an R_386_RELATIVE that is not
#      at a set's old end, exit 64 and write nothing;
#   e. the input files are left unchanged.
#
# And for every FIXTURE_DIR/carp_seed.L.ko (a decided END, see
# tests/checks/decisions.sh):
#   d. --assume-next on its first END site: exit 0, no warning, and the
#      output differs from the padded reference exactly at that site's
#      relocation, while the plain run's output is equivalent to it;
#      --assume-end 0x1 exits 64 and writes nothing.
#
# Prints one line per check ("ok ..." or "FAIL ..." with details), then
# "N passed, M failed"; the exit status is 1 if any check failed or if
# FIXTURE_DIR has no undecided-* pair.

set -eu
LC_ALL=C
export LC_ALL

if [ $# -ne 4 ]; then
	echo "usage: tests/checks/undecided.sh PADKO ELFCMP FIXTURE_DIR" \
	    "WORKDIR" >&2
	exit 2
fi
padko=$1 elfcmp=$2 dir=$3 work=$4
passed=0
failed=0

for f in "$padko" "$elfcmp"; do
	if [ ! -f "$f" ]; then
		echo "tests/checks/undecided.sh: $f: no such file" >&2
		exit 2
	fi
done
mkdir -p "$work"

# pass NAME CHECK / fail NAME CHECK [FILE]: reports one check; fail shows
# FILE (indented) when it is not empty.
pass() {
	echo "ok   $1: $2"
	passed=$((passed + 1))
}
fail() {
	echo "FAIL $1: $2"
	if [ $# -ge 3 ] && [ -s "$3" ]; then
		sed 's/^/    /' "$3"
	fi
	failed=$((failed + 1))
}

# hexes FILE: the r_offsets (8 hex digits, first column) of FILE in padko's
# 0x%x form, one per line.
hexes() {
	while read -r h_off _; do
		printf '0x%x\n' "0x$h_off"
	done <"$1"
}

# run LOG CMD...: runs CMD with stdout and stderr to LOG.out / LOG.err; sets
# st to its exit status.
run() {
	r_log=$1
	shift
	st=0
	"$@" >"$r_log.out" 2>"$r_log.err" || st=$?
}

# fresh DIR: an empty directory DIR.
fresh() {
	rm -rf "$1"
	mkdir -p "$1"
}

# decisions REPORT: the sites of a "padko analyze" report as
# "OFFSET MEANING" or "OFFSET MEANING undecided" (OFFSET: 8 hex digits),
# sorted.
decisions() {
	sed -n 's/.*: relocation at \(0x[0-9a-f]*\): .* -> 0x[0-9a-f]*: \([A-Z]*\)\( (undecided)\)\{0,1\},.*/\1 \2\3/p' \
	    "$1" | while read -r d_off d_m d_u; do
		printf '%08x %s%s\n' "$d_off" "$d_m" "${d_u:+ undecided}"
	done | sort
}

# compare_decisions GOT WANT MSGS: checks each site of the truth file WANT
# against the decisions GOT (from decisions()); a truth END may be given as
# "END-KEPT-NEXT", which wants "NEXT undecided".  Writes the disagreements
# to MSGS; returns 1 if there are any.
compare_decisions() {
	awk '
	FILENAME == ARGV[1] { got[$1] = $2 ($3 == "" ? "" : " " $3); next }
	{
		want[$1] = 1
		ok = 0
		g = ($1 in got) ? got[$1] : "nothing"
		if ($2 == "END-KEPT-NEXT")
			ok = (g == "NEXT undecided")
		else if ($2 == "NEXT=STOP")
			ok = (g == "NEXT" || g == "STOP")
		else
			ok = (g == $2)
		if (!ok) {
			printf "site %s: want %s, padko %s\n", $1,
			    $2 == "END-KEPT-NEXT" ? "NEXT (undecided)" : $2, g
			bad = 1
		}
	}
	END {
		for (o in got)
			if (!(o in want)) {
				printf "site %s: padko reports it, the truth has no such site\n", o
				bad = 1
			}
		exit bad
	}' "$1" "$2" >"$3"
}

# reloc_diffs ELFCMP_OUT: the r_offsets (0x%x) of the R_386_RELATIVE
# relocations that elfcmp found different, sorted.
reloc_diffs() {
	sed -n 's/.* R_386_RELATIVE @\(0x[0-9a-f]*\):.*/\1/p' "$1" | sort -u
}

# no_warning ERRFILE: true if ERRFILE has no warning line.
no_warning() {
	! grep -q -i warning "$1"
}

npairs=0
for plain in "$dir"/undecided-*.ko; do
	[ -f "$plain" ] || continue
	case $plain in *.padded.ko) continue ;; esac
	npairs=$((npairs + 1))
	base=$(basename "$plain" .ko)
	padded=$dir/$base.padded.ko
	truth=$dir/$base.truth
	w=$work/$base
	fresh "$w"
	if [ ! -f "$padded" ] || [ ! -f "$truth" ]; then
		fail "$base" "no $base.padded.ko or $base.truth in $dir"
		continue
	fi
	sum_plain=$(cksum <"$plain")
	sum_padded=$(cksum <"$padded")
	awk '$2 == "END"' "$truth" >"$w/end.truth"
	awk '$2 != "END"' "$truth" >"$w/other.truth"
	hexes "$w/end.truth" | sort >"$w/end.hex"
	nend=$(wc -l <"$w/end.hex" | tr -d ' ')
	if [ "$nend" -eq 0 ]; then
		fail "$base" "the truth file has no END site: nothing to check"
		continue
	fi
	if [ ! -s "$w/other.truth" ]; then
		fail "$base" "the truth file has no decided (non-END) site"
	fi
	assume_end=
	assume_next=
	ends=
	while read -r h; do
		assume_end="$assume_end --assume-end $h"
		assume_next="$assume_next --assume-next $h"
		ends="$ends $h"
	done <"$w/end.hex"
	{
		awk '{ print $1, "END-KEPT-NEXT" }' "$w/end.truth"
		cat "$w/other.truth"
	} | sort >"$w/kept.truth"

	# a. Plain run, and --strict: refused, every site named, nothing
	# written.
	for strict in "" --strict; do
		fresh "$w/a$strict/out"
		# shellcheck disable=SC2086
		run "$w/a$strict/padko" "$padko" $strict "$plain" \
		    -o "$w/a$strict/out/out.ko"
		what="a: ${strict:-default}"
		msg=
		[ $st -eq 65 ] || msg="exited $st, want 65"
		e=$w/a$strict/padko.err
		grep -q -- ": $nend references\{0,1\} at a set's end .* not decided by the evidence; refused, nothing written" "$e" ||
		    msg="${msg:+$msg; }the message does not count $nend references"
		for h in $ends; do
			grep -q -E "^  relocation at $h: 0x[0-9a-f]+ \(end of set_(pcpu|vnet)\), in 0x[0-9a-f]+: [a-z]+.*; decide with --assume-end $h or --assume-next $h\$" "$e" ||
			    msg="${msg:+$msg; }the message does not name $h, its set, instruction and options"
		done
		n=$(grep -c "^  relocation at " "$e" || :)
		[ "$n" -eq "$nend" ] ||
		    msg="${msg:+$msg; }$n sites named for $nend END sites"
		grep -q -- "--guess-undecided" "$e" ||
		    msg="${msg:+$msg; }the message does not name --guess-undecided"
		if [ -z "$msg" ]; then
			pass "$base" "$what: exits 65, names each END site with the options that decide it"
		else
			fail "$base" "$what: $msg" "$e"
		fi
		if [ -n "$(ls -A "$w/a$strict/out")" ]; then
			ls -A "$w/a$strict/out" >"$w/a$strict/left"
			fail "$base" "$what: left files in the output directory:" \
			    "$w/a$strict/left"
		else
			pass "$base" "$what: writes nothing (output directory empty)"
		fi
	done
	fresh "$w/a/both"
	run "$w/a/both/padko" "$padko" --strict --guess-undecided "$plain" \
	    -o "$w/a/both/out.ko"
	if [ $st -eq 64 ] && [ ! -e "$w/a/both/out.ko" ]; then
		pass "$base" "a: --strict --guess-undecided exits 64"
	else
		fail "$base" "a: --strict --guess-undecided exited $st, want 64" \
		    "$w/a/both/padko.err"
	fi

	# b. --guess-undecided: NEXT kept with a warning per END site.
	fresh "$w/b"
	run "$w/b/padko" "$padko" --guess-undecided "$plain" -o "$w/b/out.ko"
	if [ $st -ne 0 ] || [ ! -f "$w/b/out.ko" ]; then
		fail "$base" "b: --guess-undecided -o out.ko exited $st (want 0 and out.ko)" \
		    "$w/b/padko.err"
	else
		pass "$base" "b: --guess-undecided -o out.ko exits 0"
	fi
	grep -i warning "$w/b/padko.err" >"$w/b/warnings" || :
	msg=
	nwarn=$(wc -l <"$w/b/warnings" | tr -d ' ')
	[ "$nwarn" -eq "$nend" ] ||
	    msg="$nwarn warning lines for $nend END sites"
	for h in $ends; do
		n=$(grep -c "relocation at $h .*; kept NEXT\. Decide with --assume-end $h or --assume-next $h\$" "$w/b/warnings" || :)
		[ "$n" -eq 1 ] || msg="${msg:+$msg; }$n warnings name $h"
	done
	if [ -z "$msg" ]; then
		pass "$base" "b: one warning per END site ($ends )"
	else
		fail "$base" "b: $msg" "$w/b/padko.err"
	fi
	run "$w/b/analyze" "$padko" analyze "$plain"
	decisions "$w/b/analyze.out" >"$w/b/got"
	if [ $st -ne 0 ]; then
		fail "$base" "b: padko analyze exited $st" "$w/b/analyze.err"
	elif ! compare_decisions "$w/b/got" "$w/kept.truth" "$w/b/msgs"; then
		fail "$base" "b: padko analyze: END sites not NEXT (undecided), or others not as the truth" \
		    "$w/b/msgs"
	else
		pass "$base" "b: analyze exits 0: END sites NEXT (undecided), the others decided as the truth"
	fi
	if [ -f "$w/b/out.ko" ]; then
		run "$w/b/elfcmp" "$elfcmp" -n 1000 "$padded" "$w/b/out.ko"
		reloc_diffs "$w/b/elfcmp.out" >"$w/b/diffs"
		if [ $st -ne 1 ]; then
			fail "$base" "b: elfcmp padded out.ko exited $st, want 1 (different: NEXT is wrong at the END sites)" \
			    "$w/b/elfcmp.err"
		elif ! cmp -s "$w/b/diffs" "$w/end.hex"; then
			{
				echo "R_386_RELATIVE differences at:"
				sed 's/^/    /' "$w/b/diffs"
				echo "END sites:"
				sed 's/^/    /' "$w/end.hex"
			} >"$w/b/msgs"
			fail "$base" "b: out.ko differs from the padded build elsewhere than at the END sites" \
			    "$w/b/msgs"
		else
			pass "$base" "b: out.ko differs from the padded build exactly at the END sites"
		fi
	fi

	# c. --assume-end for every END site: the linker's result.
	for strict in "" --strict; do
		fresh "$w/c$strict"
		# shellcheck disable=SC2086
		run "$w/c$strict/padko" "$padko" $strict $assume_end "$plain" \
		    -o "$w/c$strict/out.ko"
		what="c: ${strict:+--strict }--assume-end for each END site"
		if [ $st -ne 0 ] || [ ! -f "$w/c$strict/out.ko" ]; then
			fail "$base" "$what: exited $st (want 0 and out.ko)" \
			    "$w/c$strict/padko.err"
			continue
		fi
		if no_warning "$w/c$strict/padko.err"; then
			pass "$base" "$what: exits 0, no warning"
		else
			fail "$base" "$what: warned" "$w/c$strict/padko.err"
		fi
		run "$w/c$strict/elfcmp" "$elfcmp" "$padded" "$w/c$strict/out.ko"
		if [ $st -eq 0 ]; then
			pass "$base" "$what: output equals the padded build"
		else
			fail "$base" "$what: elfcmp padded out.ko exited $st, want 0:" \
			    "$w/c$strict/elfcmp.out"
		fi
	done
	# shellcheck disable=SC2086
	run "$w/c/analyze" "$padko" analyze $assume_end "$plain"
	decisions "$w/c/analyze.out" >"$w/c/got"
	if [ $st -ne 0 ] || [ -s "$w/c/analyze.err" ]; then
		fail "$base" "c: padko analyze --assume-end ...: exited $st (want 0) or warned" \
		    "$w/c/analyze.err"
	elif ! compare_decisions "$w/c/got" "$truth" "$w/c/msgs"; then
		fail "$base" "c: padko analyze --assume-end ...: not as the truth" \
		    "$w/c/msgs"
	else
		pass "$base" "c: analyze --assume-end ...: every site decided as the truth"
	fi
	fresh "$w/cn"
	# shellcheck disable=SC2086
	run "$w/cn/padko" "$padko" $assume_next "$plain" -o "$w/cn/out.ko"
	if [ $st -ne 0 ] || [ ! -f "$w/cn/out.ko" ]; then
		fail "$base" "c: --assume-next for each END site: exited $st (want 0 and out.ko)" \
		    "$w/cn/padko.err"
	elif ! no_warning "$w/cn/padko.err"; then
		fail "$base" "c: --assume-next for each END site: warned" \
		    "$w/cn/padko.err"
	elif [ ! -f "$w/b/out.ko" ] || ! cmp -s "$w/b/out.ko" "$w/cn/out.ko"; then
		fail "$base" "c: --assume-next for each END site: output not identical to the --guess-undecided run's"
	else
		pass "$base" "c: --assume-next for each END site: no warning, same output as the --guess-undecided run"
	fi

	# d. --assume-end on an offset that is not a boundary site.
	nonsite=$(readelf -rW "$plain" | awk '$3 == "R_386_RELATIVE" { print $1 }' |
	    while read -r off; do
		grep -q "^$off " "$truth" || { printf '0x%x\n' "0x$off"; break; }
	done)
	for off in 0x1 $nonsite; do
		fresh "$w/d$off/out"
		run "$w/d$off/padko" "$padko" --assume-end "$off" "$plain" \
		    -o "$w/d$off/out/out.ko"
		if [ $st -ne 64 ]; then
			fail "$base" "d: --assume-end $off (not a site): exited $st, want 64" \
			    "$w/d$off/padko.err"
		elif [ -n "$(ls -A "$w/d$off/out")" ]; then
			fail "$base" "d: --assume-end $off (not a site): wrote a file"
		else
			pass "$base" "d: --assume-end $off (not a site) exits 64, writes nothing"
		fi
	done
	[ -n "$nonsite" ] ||
	    fail "$base" "d: no R_386_RELATIVE outside the boundary sites to try"

	# e. Inputs unchanged.
	if [ "$(cksum <"$plain")" = "$sum_plain" ] &&
	    [ "$(cksum <"$padded")" = "$sum_padded" ]; then
		pass "$base" "e: inputs unchanged"
	else
		fail "$base" "e: $plain or $padded was modified"
	fi
done

if [ $npairs -eq 0 ]; then
	fail "$dir" "no undecided-*.ko pair (run tests/fixtures/build.sh)"
fi

# d. Overrides of a decided END site (carp_seed, the seed bug).
nseed=0
for plain in "$dir"/carp_seed.*.ko; do
	[ -f "$plain" ] || continue
	case $plain in *.padded.ko) continue ;; esac
	nseed=$((nseed + 1))
	base=$(basename "$plain" .ko)
	padded=$dir/$base.padded.ko
	truth=$dir/$base.truth
	w=$work/$base
	fresh "$w"
	if [ ! -f "$padded" ] || [ ! -f "$truth" ]; then
		fail "$base" "no $base.padded.ko or $base.truth in $dir"
		continue
	fi
	awk '$2 == "END" { print; exit }' "$truth" >"$w/end.truth"
	site=$(hexes "$w/end.truth")
	if [ -z "$site" ]; then
		fail "$base" "the truth file has no END site"
		continue
	fi
	fresh "$w/plain"
	run "$w/plain/padko" "$padko" "$plain" -o "$w/plain/out.ko"
	if [ $st -eq 0 ] && "$elfcmp" "$padded" "$w/plain/out.ko" \
	    >"$w/plain/elfcmp.out" 2>&1; then
		pass "$base" "d: without override, output equals the padded build"
	else
		fail "$base" "d: without override: padko exited $st or output differs" \
		    "$w/plain/elfcmp.out"
	fi
	fresh "$w/next"
	run "$w/next/padko" "$padko" --assume-next "$site" "$plain" \
	    -o "$w/next/out.ko"
	if [ $st -ne 0 ] || [ ! -f "$w/next/out.ko" ]; then
		fail "$base" "d: --assume-next $site (decided END): exited $st (want 0 and out.ko)" \
		    "$w/next/padko.err"
	elif ! no_warning "$w/next/padko.err"; then
		fail "$base" "d: --assume-next $site: warned" "$w/next/padko.err"
	else
		run "$w/next/elfcmp" "$elfcmp" -n 1000 "$padded" "$w/next/out.ko"
		reloc_diffs "$w/next/elfcmp.out" >"$w/next/diffs"
		if [ $st -ne 1 ]; then
			fail "$base" "d: --assume-next $site: elfcmp padded out.ko exited $st, want 1" \
			    "$w/next/elfcmp.err"
		elif [ "$(cat "$w/next/diffs")" != "$site" ]; then
			fail "$base" "d: --assume-next $site: relocations differ elsewhere:" \
			    "$w/next/elfcmp.out"
		else
			pass "$base" "d: --assume-next $site (decided END) differs from the padded build exactly there"
		fi
	fi
	fresh "$w/bad/out"
	run "$w/bad/padko" "$padko" --assume-end 0x1 "$plain" \
	    -o "$w/bad/out/out.ko"
	if [ $st -ne 64 ]; then
		fail "$base" "d: --assume-end 0x1: exited $st, want 64" \
		    "$w/bad/padko.err"
	elif [ -n "$(ls -A "$w/bad/out")" ]; then
		fail "$base" "d: --assume-end 0x1: wrote a file"
	else
		pass "$base" "d: --assume-end 0x1 exits 64, writes nothing"
	fi
done
if [ $nseed -eq 0 ]; then
	fail "$dir" "no carp_seed.*.ko for the override checks"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
