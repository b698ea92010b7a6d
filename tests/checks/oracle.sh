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
# tests/checks/oracle.sh PADKO ORACLE KLD PLAIN PADDED WORKDIR
#
# Checks one fixture pair against the truth kept in its ld -r object KLD
# (tests/tools/oracle.c): PLAIN is the module as linked from KLD, PADDED
# the same module padded by the linker.
#
#   a. the linker-padded build: ORACLE is run on PADDED and where it fails
#      is printed ("linker-padded build fails the oracle: ..."), without
#      failing this check: the linker's layout is not always right;
#   b. padko's output: "PADKO PLAIN -o WORKDIR/out.ko" succeeds and ORACLE
#      passes on out.ko.  Not for the undecided-* fixtures, whose END sites
#      padko pads right only when told (tests/checks/undecided.sh): for them
#      this step is skipped, with a line saying so.
#
# Exit status 0 if padko's output passes (or was skipped), 1 if not, 2 on
# bad arguments.

set -eu
LC_ALL=C
export LC_ALL

if [ $# -ne 6 ]; then
	echo "usage: tests/checks/oracle.sh PADKO ORACLE KLD PLAIN PADDED" \
	    "WORKDIR" >&2
	exit 2
fi
padko=$1 oracle=$2 kld=$3 plain=$4 padded=$5 work=$6
name=$(basename "$plain")
failed=0

for f in "$padko" "$oracle" "$kld" "$plain" "$padded"; do
	if [ ! -f "$f" ]; then
		echo "tests/checks/oracle.sh: $f: no such file" >&2
		exit 2
	fi
done
mkdir -p "$work"
rm -f "$work/out.ko" "$work/log"

# a. The linker's padding, reported only.
st=0
"$oracle" "$kld" "$plain" "$padded" >"$work/log" 2>&1 || st=$?
case $st in
0)	echo "ok $name: the linker-padded build passes the oracle" ;;
1)	echo "note $name: linker-padded build fails the oracle:"
	sed 's/^/    /' "$work/log" ;;
*)	echo "FAIL $name: oracle on $padded exited with status $st:"
	sed 's/^/    /' "$work/log"
	failed=1 ;;
esac

# b. padko's padding must pass.
case $name in
undecided-*)
	echo "skip $name: padko's output not checked (undecided-* sites" \
	    "need --assume-end/--assume-next: tests/checks/undecided.sh)"
	;;
*)
	st=0
	"$padko" "$plain" -o "$work/out.ko" >"$work/log" 2>&1 || st=$?
	if [ $st -ne 0 ] || [ ! -f "$work/out.ko" ]; then
		echo "FAIL $name: padko $plain -o out.ko exited with status $st:"
		sed 's/^/    /' "$work/log"
		failed=1
	else
		st=0
		"$oracle" "$kld" "$plain" "$work/out.ko" >"$work/log" 2>&1 ||
		    st=$?
		if [ $st -eq 0 ]; then
			echo "ok $name: padko's output passes the oracle"
		else
			echo "FAIL $name: padko's output fails the oracle" \
			    "(status $st):"
			sed 's/^/    /' "$work/log"
			failed=1
		fi
	fi
	;;
esac

exit $failed
