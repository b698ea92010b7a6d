#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026, The padko developers
# All rights reserved.
#
# Redistribution and use in source and binary forms, with or without
# modification, are permitted provided that the following conditions are met:
#
# 1. Redistributions of source code must retain the above copyright notice, this
#    list of conditions and the following disclaimer.
#
# 2. Redistributions in binary form must reproduce the above copyright notice,
#    this list of conditions and the following disclaimer in the documentation
#    and/or other materials provided with the distribution.
#
# THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
# AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
# IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
# DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
# FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
# DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
# SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
# CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
# OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
# OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
#
# tests/checks/fresh.sh SRC_DIR BUILD_SUBDIR PADKO ELFCMP [ORACLE]
#
# Rebuilds every fixture with the installed toolchain (so that padko is
# checked against what this toolchain's linkers do, not only against the
# committed files): runs SRC_DIR/tests/fixtures/build.sh into a fresh
# BUILD_SUBDIR/built, then SRC_DIR/tests/checks/fixture.sh on every
# F.L.ko / F.L.padded.ko pair, with a work directory per pair under
# BUILD_SUBDIR/work (and, with ORACLE, the pair's F.L.kld: no comparison
# where the linker-padded build fails the oracle).  The builds with
# localized symbols (L = lld-local, gnu-local) are left out
# (PADKO_FIXTURES_LOCAL=no): they take as long again, and the committed
# ones are checked all the same.  Files without a padded partner (refuse-*, amd64-*,
# not-*) are not for this check and are skipped.  The undecided-* pairs,
# which padko pads as the linker did only with --assume-end, are checked
# by SRC_DIR/tests/checks/undecided.sh on the fresh build instead (one more
# line, counted as one check).  SRC_DIR/tests/checks/verify.sh then checks
# "padko verify" on every fresh pair (one more line and check).
#
# Prints one line per pair, then "N passed, M failed"; the exit status is
# non-zero if the build or any pair failed, or if no pair was built.

set -eu
LC_ALL=C
export LC_ALL

if [ $# -ne 4 ] && [ $# -ne 5 ]; then
	echo "usage: tests/checks/fresh.sh SRC_DIR BUILD_SUBDIR PADKO ELFCMP" \
	    "[ORACLE]" >&2
	exit 2
fi
src=$1 sub=$2 padko=$3 elfcmp=$4 oracle=${5:-}
built=$sub/built
work=$sub/work

rm -rf "$built" "$work"
mkdir -p "$built" "$work"
st=0
PADKO_FIXTURES_LOCAL=no sh "$src/tests/fixtures/build.sh" "$built" \
    >"$sub/build.log" 2>&1 || st=$?
if [ $st -ne 0 ]; then
	echo "FAIL: tests/fixtures/build.sh $built exited with status $st:"
	sed 's/^/    /' "$sub/build.log"
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0
failed=0
for padded in "$built"/*.padded.ko; do
	[ -f "$padded" ] || continue
	name=$(basename "$padded")
	case $name in
	refuse-*|amd64-*|not-*|undecided-*)
		continue ;;
	esac
	plain=${padded%.padded.ko}.ko
	name=${name%.padded.ko}.ko
	if [ ! -f "$plain" ]; then
		echo "FAIL $name: $padded has no plain partner"
		failed=$((failed + 1))
		continue
	fi
	kld=${padded%.padded.ko}.kld
	st=0
	if [ -n "$oracle" ] && [ -f "$kld" ]; then
		set -- "$oracle" "$kld"
	else
		set --
	fi
	sh "$src/tests/checks/fixture.sh" "$padko" "$elfcmp" "$plain" \
	    "$padded" "$work/$name" "$@" >"$work/$name.log" 2>&1 || st=$?
	if [ $st -eq 0 ]; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name (tests/checks/fixture.sh status $st)"
		sed 's/^/    /' "$work/$name.log"
		failed=$((failed + 1))
	fi
done

npairs=$((passed + failed))

# The undecided-* pairs: warning, --strict and overrides.
st=0
sh "$src/tests/checks/undecided.sh" "$padko" "$elfcmp" "$built" \
    "$work/undecided" >"$work/undecided.log" 2>&1 || st=$?
if [ $st -eq 0 ]; then
	echo "ok undecided-* ($(tail -n 1 "$work/undecided.log"))"
	passed=$((passed + 1))
else
	echo "FAIL undecided-* (tests/checks/undecided.sh status $st)"
	sed 's/^/    /' "$work/undecided.log"
	failed=$((failed + 1))
fi

# The kernel loader model on the fresh pairs: padko verify.
st=0
sh "$src/tests/checks/verify.sh" "$padko" "$built" $oracle \
    >"$work/verify.log" 2>&1 ||
    st=$?
if [ $st -eq 0 ]; then
	echo "ok verify ($(tail -n 1 "$work/verify.log"))"
	passed=$((passed + 1))
else
	echo "FAIL verify (tests/checks/verify.sh status $st)"
	grep -v '^ok ' "$work/verify.log" | sed 's/^/    /'
	failed=$((failed + 1))
fi

if [ $npairs -eq 0 ]; then
	echo "FAIL: build.sh wrote no F.L.ko / F.L.padded.ko pair into $built"
fi
echo "$passed passed, $failed failed"
if [ $failed -ne 0 ] || [ $npairs -eq 0 ]; then
	exit 1
fi
