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
# tests/checks/verify.sh PADKO FIXTURE_DIR [ORACLE]
#
# Checks "padko verify" (the model of the i386 kernel loader) against the
# fixtures: for every F.L.padded.ko in FIXTURE_DIR with its plain F.L.ko,
#
#   - the linker's padded reference is accepted by current and legacy
#     kernels (exit 0, or 65 with the hazards it has listed: the linker's
#     minimal layout can put a displaced value inside a set);
#   - padko's own output for the plain module is accepted by both, with
#     no hazard (undecided-* pairs excepted: they need --assume options);
#   - the plain module is refused by current kernels (exit 1, with
#     "must be recompiled with linker script") when it has a non-empty
#     set_vnet or set_pcpu whose __start_/__stop_ symbols are defined in
#     .dynsym and whose last word, read with readelf and od, is not
#     0x90909090 (the kernel checks that word, not where it comes from:
#     the "lastword" fixture ends its sets with a variable holding it);
#     otherwise it is accepted.  Legacy kernels accept it, and where its
#     truth file (F.L.truth) has END sites, verify reports each of them as
#     a hazard (exit 65), and nothing else unless ORACLE (tests/tools/
#     oracle.c) finds the plain module itself wrong in the kernel's eyes
#     (a value the kernel moves into a set that its target is not in);
#
# and every nosets.L.ko is accepted by both.  Inputs without a padded
# partner (refuse-*, amd64-*, not-*) are not for this check.
#
# Prints one line per check, then "N passed, M failed"; the exit status is
# non-zero if any check failed or if there was nothing to check.

set -eu
LC_ALL=C
export LC_ALL

if [ $# -ne 2 ] && [ $# -ne 3 ]; then
	echo "usage: tests/checks/verify.sh PADKO FIXTURE_DIR [ORACLE]" >&2
	exit 2
fi
padko=$1 dir=$2 oracle=${3:-}
if [ ! -f "$padko" ] || [ ! -d "$dir" ]; then
	echo "tests/checks/verify.sh: $padko or $dir missing" >&2
	exit 2
fi
if ! command -v readelf >/dev/null 2>&1; then
	echo "tests/checks/verify.sh: readelf not found (Debian: binutils)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_verify.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
passed=0
failed=0

ok() {
	echo "ok $1"
	passed=$((passed + 1))
}

# fail WHAT: reports a failed check with what padko printed.
fail() {
	echo "FAIL $1"
	if [ -s "$tmp/log" ]; then
		sed 's/^/    /' "$tmp/log"
	fi
	failed=$((failed + 1))
}

# verify KERNEL FILE LABEL EXPECTED [TEXT]: "padko verify --kernel KERNEL
# FILE" must exit with EXPECTED and, if given, print TEXT.
verify() {
	st=0
	"$padko" verify --kernel "$1" "$2" >"$tmp/log" 2>&1 || st=$?
	what="$3: verify --kernel $1 exits $4"
	if [ $st -ne "$4" ]; then
		fail "$what (exited $st)"
	elif [ $# -ge 5 ] && ! grep -q -e "$5" "$tmp/log"; then
		fail "$what with \"$5\" (not printed)"
	else
		ok "$what${5:+ with \"$5\"}"
	fi
}

# set_state FILE SET: what current kernels make of SET (set_vnet or
# set_pcpu) in FILE: "absent" (no section, or its __start_/__stop_ symbols
# are not defined in .dynsym, which is where the kernel looks them up),
# "empty", "short" (1 to 3 bytes), "padded" (the last word is 0x90909090,
# be it padding or a variable that happens to hold it) or "unpadded".
set_state() {
	f=$1 set=$2
	readelf -W -S "$f" >"$tmp/sections" 2>/dev/null || return 1
	readelf -W --dyn-syms "$f" >"$tmp/dynsyms" 2>/dev/null || return 1
	# Section lines: "[Nr] Name Type Address Off Size ...".
	line=$(sed -n 's/^ *\[ *[0-9]*\] *//p' "$tmp/sections" |
	    awk -v s="$set" '$1 == s { print $2, $4, $5; exit }')
	# Symbol lines: "Num: Value Size Type Bind Vis Ndx Name".
	n=$(awk -v a="__start_$set" -v b="__stop_$set" '
	    ($8 == a || $8 == b) && $7 != "UND" &&
	    ($5 == "GLOBAL" || $5 == "WEAK") { n++ }
	    END { print n + 0 }' "$tmp/dynsyms")
	if [ -z "$line" ] || [ "$n" -ne 2 ]; then
		echo absent
		return 0
	fi
	type=${line%% *}
	line=${line#* }
	off=$((0x${line%% *}))
	size=$((0x${line#* }))
	if [ "$size" -eq 0 ]; then
		echo empty
	elif [ "$size" -lt 4 ]; then
		echo short
	elif [ "$type" = NOBITS ]; then
		echo unpadded
	elif [ "$(od -An -tx1 -j $((off + size - 4)) -N4 "$f" |
	    tr -d ' \n')" = 90909090 ]; then
		echo padded
	else
		echo unpadded
	fi
}

# refused_by_current FILE: true if current kernels refuse FILE for a set
# (set_pcpu is checked first, then set_vnet, as the kernel does).
refused_by_current() {
	for s in set_pcpu set_vnet; do
		case $(set_state "$1" $s) in
		short|unpadded)
			return 0 ;;
		esac
	done
	return 1
}

# has_set FILE: true if FILE has a non-empty set that the kernel finds.
has_set() {
	for s in set_pcpu set_vnet; do
		case $(set_state "$1" $s) in
		short|padded|unpadded)
			return 0 ;;
		esac
	done
	return 1
}

for padded in "$dir"/*.padded.ko; do
	[ -f "$padded" ] || continue
	name=$(basename "$padded")
	case $name in
	refuse-*|amd64-*|not-*)
		continue ;;
	esac
	base=${name%.padded.ko}
	plain=$dir/$base.ko
	if [ ! -f "$plain" ]; then
		: >"$tmp/log"
		fail "$name: no plain partner $base.ko"
		continue
	fi

	# The linker's padding: accepted, and either without a hazard or
	# with one that padko's output must not have (listed, not failed).
	for k in current legacy; do
		st=0
		"$padko" verify --kernel $k "$padded" >"$tmp/log" 2>&1 || st=$?
		if [ $st -eq 65 ] && grep -q ': hazard: ' "$tmp/log"; then
			echo "note: the linker-padded $name has hazards" \
			    "under $k kernels:"
			grep -A1 ': hazard: ' "$tmp/log" | sed 's/^/    /'
			ok "$name: verify --kernel $k accepts it (hazards listed)"
		else
			verify $k "$padded" "$name" 0
		fi
	done

	# padko's padding: accepted, no hazard (undecided-* pairs need an
	# --assume option: tests/checks/undecided.sh).
	out=$tmp/$base.ko
	case $name in
	undecided-*)
		;;
	*)
		st=0
		"$padko" "$plain" -o "$out" >"$tmp/log" 2>&1 || st=$?
		if [ $st -ne 0 ]; then
			fail "$base.ko: padko -o exits 0 (exited $st)"
		else
			ok "$base.ko: padko -o exits 0"
			verify current "$out" "padko $base.ko" 0
			verify legacy "$out" "padko $base.ko" 0
		fi
		rm -f "$out"
		;;
	esac

	# The module as linked: a legacy kernel loads it, and every END site
	# of its truth file (one past a set's last object) is a hazard there.
	if refused_by_current "$plain"; then
		verify current "$plain" "$base.ko" 1 \
		    "must be recompiled with linker script"
	else
		verify current "$plain" "$base.ko" 0
	fi
	truth=$dir/$base.truth
	kld=$dir/$base.kld
	if [ -n "$oracle" ] && [ -f "$kld" ] &&
	    ! "$oracle" "$kld" "$plain" "$plain" >/dev/null 2>&1; then
		# Wrong already as linked: verify must say so (the hazards
		# themselves are the oracle's to list).
		verify legacy "$plain" "$base.ko" 65 ": hazard: "
	elif [ -f "$truth" ] && grep -q ' END$' "$truth" &&
	    ! case $name in undecided-*) true ;; *) false ;; esac; then
		verify legacy "$plain" "$base.ko" 65 ": hazard: "
		for site in $(awk '$2 == "END" { print $1 }' "$truth"); do
			if grep -q "hazard: relocation at 0x$(echo "$site" |
			    sed 's/^0*//'): " "$tmp/log"; then
				ok "$base.ko: END site 0x$site is a hazard"
			else
				fail "$base.ko: END site 0x$site is a hazard"
			fi
		done
		n=$(grep -c ': hazard: ' "$tmp/log" || true)
		m=$(grep -c ' END$' "$truth")
		if [ "$n" -eq "$m" ]; then
			ok "$base.ko: no hazard but the END sites"
		else
			fail "$base.ko: $n hazards for $m END sites"
		fi
	else
		verify legacy "$plain" "$base.ko" 0
	fi
done

for plain in "$dir"/nosets.*.ko; do
	[ -f "$plain" ] || continue
	name=$(basename "$plain")
	if has_set "$plain"; then
		: >"$tmp/log"
		fail "$name: has a set, which nosets must not"
	fi
	verify current "$plain" "$name" 0
	verify legacy "$plain" "$name" 0
done

if [ $((passed + failed)) -eq 0 ]; then
	echo "FAIL: no F.L.padded.ko / F.L.ko pair or nosets.L.ko in $dir"
	failed=1
fi
echo "$passed passed, $failed failed"
if [ $failed -ne 0 ]; then
	exit 1
fi
