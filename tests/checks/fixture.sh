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
# tests/checks/fixture.sh PADKO ELFCMP PLAIN PADDED WORKDIR [ORACLE KLD]
#
# Checks padko on one fixture pair: PLAIN is a module as linked, PADDED the
# same module padded by the linker (the reference).
#
#   a. "PADKO PLAIN -o WORKDIR/out.ko" succeeds and ELFCMP finds out.ko
#      equivalent to PADDED.  With ORACLE and KLD (the ld -r object PLAIN
#      was linked from; tests/tools/oracle.c), the comparison is skipped,
#      with a line saying why, when "ORACLE KLD PLAIN PADDED" fails: the
#      linker's padding is then no reference (tests/checks/oracle.sh checks
#      padko's output against the oracle instead);
#   b. readelf -a and readelf --dyn-syms read out.ko without a complaint;
#   c. padko is idempotent: out.ko padded again is byte-identical to out.ko,
#      and PADDED (already padded) comes back byte-identical;
#   d. PLAIN and PADDED are left unchanged;
#   e. where PLAIN has a truth file (F.L.truth, see tests/fixtures/build.sh),
#      every reference at a set's old end is decided as the linker did
#      (tests/checks/decisions.sh); skipped, like a, where the oracle finds
#      the linker's padding wrong, since the truth file is read from it.
#
# Every step runs even after an earlier one failed (when it can), each
# failure is reported on its own, and the exit status is 1 if any failed.

set -eu
LC_ALL=C
export LC_ALL

if [ $# -ne 5 ] && [ $# -ne 7 ]; then
	echo "usage: tests/checks/fixture.sh PADKO ELFCMP PLAIN PADDED WORKDIR" \
	    "[ORACLE KLD]" >&2
	exit 2
fi
padko=$1 elfcmp=$2 plain=$3 padded=$4 work=$5
oracle=${6:-} kld=${7:-}
name=$(basename "$plain")
failed=0

# fail STEP MESSAGE: reports a failed step; shows WORKDIR/log if not empty.
fail() {
	echo "FAIL $name: step $1: $2"
	if [ -s "$work/log" ]; then
		sed 's/^/    /' "$work/log"
	fi
	failed=1
}

for f in "$padko" "$elfcmp" "$plain" "$padded" ${oracle:+"$oracle" "$kld"}; do
	if [ ! -f "$f" ]; then
		echo "tests/checks/fixture.sh: $f: no such file" >&2
		exit 2
	fi
done
mkdir -p "$work"
rm -f "$work/out.ko" "$work/again.ko" "$work/ref.ko" "$work/log" \
    "$work/readelf.out"
sum_plain=$(cksum <"$plain")
sum_padded=$(cksum <"$padded")

# a. padko on the plain module, compared with the linker's padding if the
# oracle finds that right.
reference=yes
if [ -n "$oracle" ]; then
	st=0
	"$oracle" "$kld" "$plain" "$padded" >"$work/log" 2>&1 || st=$?
	if [ $st -eq 1 ]; then
		echo "skip $name: step a: no comparison with $(basename "$padded"):" \
		    "the linker-padded build fails the oracle:"
		sed 's/^/    /' "$work/log"
		reference=no
	elif [ $st -ne 0 ]; then
		fail a "oracle $kld $plain $padded exited with status $st:"
		reference=no
	fi
fi
st=0
"$padko" "$plain" -o "$work/out.ko" >"$work/log" 2>&1 || st=$?
if [ $st -ne 0 ]; then
	fail a "padko $plain -o out.ko exited with status $st"
elif [ ! -f "$work/out.ko" ]; then
	fail a "padko $plain -o out.ko exited 0 but wrote no out.ko"
elif [ $reference = yes ]; then
	st=0
	"$elfcmp" "$padded" "$work/out.ko" >"$work/log" 2>&1 || st=$?
	if [ $st -eq 1 ]; then
		fail a "out.ko differs from $padded (elfcmp EXPECTED ACTUAL):"
	elif [ $st -ne 0 ]; then
		fail a "elfcmp $padded out.ko exited with status $st:"
	fi
fi

# b. readelf must read the output without errors or warnings.
if [ -f "$work/out.ko" ]; then
	for opt in -a --dyn-syms; do
		st=0
		readelf $opt -W "$work/out.ko" >"$work/readelf.out" \
		    2>"$work/log" || st=$?
		if [ $st -ne 0 ]; then
			fail b "readelf $opt -W out.ko exited with status $st"
		elif [ -s "$work/log" ]; then
			fail b "readelf $opt -W out.ko wrote to stderr:"
		elif grep Warning "$work/readelf.out" >"$work/log"; then
			fail b "readelf $opt -W out.ko printed warnings:"
		fi
	done
fi

# c. Idempotence: padding a padded module changes nothing.
if [ -f "$work/out.ko" ]; then
	st=0
	"$padko" "$work/out.ko" -o "$work/again.ko" >"$work/log" 2>&1 || st=$?
	if [ $st -ne 0 ]; then
		fail c "padko out.ko -o again.ko exited with status $st"
	elif ! cmp "$work/out.ko" "$work/again.ko" >"$work/log" 2>&1; then
		fail c "padko out.ko -o again.ko: again.ko is not identical:"
	fi
fi
st=0
"$padko" "$padded" -o "$work/ref.ko" >"$work/log" 2>&1 || st=$?
if [ $st -ne 0 ]; then
	fail c "padko $padded -o ref.ko exited with status $st"
elif ! cmp "$padded" "$work/ref.ko" >"$work/log" 2>&1; then
	fail c "padko $padded -o ref.ko: ref.ko is not identical to its input:"
fi

# d. The inputs are never written.
: >"$work/log"
if [ "$(cksum <"$plain")" != "$sum_plain" ]; then
	fail d "$plain was modified"
fi
if [ "$(cksum <"$padded")" != "$sum_padded" ]; then
	fail d "$padded was modified"
fi

# e. Each reference at a set's old end decided as the linker decided it
# (the truth file is read from the linker's build: not where the oracle
# finds that build wrong).
truth=${plain%.ko}.truth
if [ -f "$truth" ] && [ $reference = no ]; then
	echo "skip $name: step e: $(basename "$truth") comes from the" \
	    "linker-padded build, which fails the oracle"
elif [ -f "$truth" ]; then
	if ! sh "$(dirname "$0")/decisions.sh" "$padko" "$plain" \
	    "$truth" >"$work/log" 2>&1; then
		fail e "decisions differ from $truth:"
	fi
fi

if [ $failed -ne 0 ]; then
	exit 1
fi
echo "ok $name"
