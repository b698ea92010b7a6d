#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# tests/checks/decisions.sh PADKO PLAIN TRUTH
#
# Asserts padko's boundary decisions site by site against the truth that
# tests/fixtures/build.sh read from the linker-padded build: TRUTH has a
# line "<r_offset hex> <END|STOP|NEXT|NEXT=STOP>" for every R_386_RELATIVE
# of PLAIN whose value is a set's old end.  padko analyze must report
# exactly those sites, each decided (not a warning) with that meaning
# (NEXT=STOP: the two values coincide, either is right).
set -eu
padko=$1
plain=$2
truth=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$padko" analyze "$plain" >"$tmp/report" 2>"$tmp/err"
# "...: relocation at 0x343: 0x14e8 (end of set_vnet) -> 0x14e8: END, ..."
# (displaced references, "(tab-36)", are the oracle's to judge).
sed -n 's/.*: relocation at \(0x[0-9a-f]*\): [^ ]* (end of set_[a-z]*) -> 0x[0-9a-f]*: \([A-Z]*\)\( (undecided)\)\{0,1\},.*/\1 \2\3/p' \
    "$tmp/report" | while read -r off meaning undecided; do
	printf '%08x %s%s\n' "$off" "$meaning" "${undecided:+ undecided}"
done | sort >"$tmp/got"
sort "$truth" >"$tmp/want"

bad=0
while read -r off want; do
	got=$(awk -v o="$off" '$1 == o { $1 = ""; sub(/^ /, ""); print }' \
	    "$tmp/got")
	case "$want:$got" in
	END:END|STOP:STOP|NEXT:NEXT|NEXT=STOP:NEXT|NEXT=STOP:STOP) ;;
	*)
		echo "site $off: truth $want, padko ${got:-nothing}"
		bad=1
		;;
	esac
done <"$tmp/want"
awk '{ print $1 }' "$tmp/want" >"$tmp/want.sites"
awk '{ print $1 }' "$tmp/got" | while read -r off; do
	grep -qx "$off" "$tmp/want.sites" ||
	    echo "site $off: padko reports it, the truth has no such site"
done >"$tmp/extra"
if [ -s "$tmp/extra" ]; then
	cat "$tmp/extra"
	bad=1
fi
if [ -s "$tmp/err" ]; then
	echo "padko analyze warned:"
	sed 's/^/    /' "$tmp/err"
	bad=1
fi
exit $bad
