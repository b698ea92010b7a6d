#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# check.sh PADKO GEN OUTDIR
#
# The manifest's columns: NAME, EXIT (a status, or "0|65" when either is
# right), CLASS (a substring of the message on failure, "-" for none), WHAT.
# Runs the generator GEN (tests/malformed/gen.c) into OUTDIR/cases, then,
# for each case of OUTDIR/cases/expected.tsv:
#
#   padko CASE -o OUT   exits with the expected status (65 for a malformed
#                       module), its stderr names the case's file and holds
#                       the case's message class; on failure neither OUT
#                       nor a .padko.* temporary exists, on success OUT does
#                       and padko on OUT copies it unchanged;
#   padko verify CASE   exits 0, 1 or 65 (no signal, no other status);
#
# and the case file is byte-identical afterwards.  Each run is limited to
# 10 seconds (a hang fails).  A status >= 128 (a signal), or "Sanitizer" or
# "runtime error" on stderr (ASan, UBSan, LeakSanitizer in the sanitized
# build), fails the case whatever the status.
set -u
if [ $# -ne 3 ]; then
	echo "usage: check.sh PADKO GEN OUTDIR" >&2
	exit 64
fi
padko=$1
gen=$2
outdir=$3
cases=$outdir/cases
out=$outdir/out
tmp=$outdir/tmp

rm -rf "$cases" "$out" "$tmp"
mkdir -p "$cases" "$out" "$tmp" || exit 1
if ! "$gen" "$cases" >"$tmp/gen.log" 2>&1; then
	echo "FAIL generator: $(cat "$tmp/gen.log")"
	exit 1
fi

# Sanitizers: report leaks too, keep going no further than the first error.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

if command -v sha256sum >/dev/null 2>&1; then
	sum() { sha256sum <"$1"; }
else
	sum() { cksum <"$1"; }
fi

# run FILE_PREFIX command...: runs it under timeout 10, stdout and stderr to
# FILE_PREFIX.stdout/.stderr; sets $st.
run() {
	p=$1
	shift
	st=0
	timeout -k 5 10 "$@" >"$p.stdout" 2>"$p.stderr" </dev/null || st=$?
}

# verdict WHAT STATUS STDERR: why a run's status or stderr is a crash,
# hang or sanitizer report, or nothing.
verdict() {
	if [ "$2" -eq 124 ] || [ "$2" -eq 137 ]; then
		echo "$1: hung (killed after 10 s)"
	elif [ "$2" -ge 128 ]; then
		echo "$1: killed by signal $(($2 - 128))"
	elif grep -q -e 'Sanitizer' -e 'runtime error' "$3"; then
		echo "$1: sanitizer report (status $2)"
	fi
}

pass=0
failn=0
tab=$(printf '\t')
while IFS=$tab read -r name want class what; do
	[ "$class" = - ] && class=
	f=$cases/$name.ko
	o=$out/$name.ko
	before=$(sum "$f")
	why=
	show=

	# padko CASE -o OUT
	run "$tmp/$name.pad" "$padko" "$f" -o "$o"
	err=$tmp/$name.pad.stderr
	why=$(verdict "padko -o" "$st" "$err")
	if [ -n "$why" ]; then
		:
	elif ! case "|$want|" in *"|$st|"*) true ;; *) false ;; esac; then
		why="padko -o: status $st, expected $want"
	elif [ "$st" -ne 0 ] && ! grep -qF -- "$name.ko" "$err"; then
		why="padko -o: message does not name $name.ko"
	elif [ "$st" -ne 0 ] && [ -n "$class" ] &&
	    ! grep -qF -- "$class" "$err"; then
		why="padko -o: message lacks \"$class\""
	elif [ "$st" -ne 0 ] && [ -e "$o" ]; then
		why="padko -o: $o exists after a failure"
	elif [ "$st" -eq 0 ] && [ ! -f "$o" ]; then
		why="padko -o: no output written"
	fi
	if ls -a "$out" | grep -q '^\.padko\.'; then
		why="${why:+$why; }padko -o: a .padko.* temporary was left"
	fi
	rm -f "$out"/.padko.* 2>/dev/null
	[ -n "$why" ] && show=$err

	# What was written reads back, and padding it again changes nothing.
	if [ -z "$why" ] && [ "$st" -eq 0 ]; then
		run "$tmp/$name.again" "$padko" "$o" -o "$o.again"
		why=$(verdict "padko on its output" "$st" "$tmp/$name.again.stderr")
		if [ -z "$why" ] && [ "$st" -ne 0 ]; then
			why="padko on its own output: status $st"
		elif [ -z "$why" ] && ! cmp -s "$o" "$o.again"; then
			why="padko on its own output: changed it again"
		fi
		[ -n "$why" ] && show=$tmp/$name.again.stderr
	fi

	# padko verify CASE: refused or accepted, never a crash.
	run "$tmp/$name.verify" "$padko" verify "$f"
	v=$(verdict "padko verify" "$st" "$tmp/$name.verify.stderr")
	if [ -z "$v" ] && [ "$st" -ne 0 ] && [ "$st" -ne 1 ] &&
	    [ "$st" -ne 65 ]; then
		v="padko verify: status $st, expected 0, 1 or 65"
	fi
	if [ -n "$v" ]; then
		why="${why:+$why; }$v"
		show="$show $tmp/$name.verify.stderr"
	fi

	if [ "$(sum "$f")" != "$before" ]; then
		why="${why:+$why; }the case file was modified"
	fi

	if [ -z "$why" ]; then
		echo "ok $name: $want${class:+ \"$class\"}"
		pass=$((pass + 1))
	else
		echo "FAIL $name ($what): $why"
		for e in $show; do
			sed -n '1,20s/^/    | /p' "$e"
		done
		failn=$((failn + 1))
	fi
done <"$cases/expected.tsv"

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ] && [ "$pass" -gt 0 ]
