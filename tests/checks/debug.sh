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
# debug.sh PADKO DWARFVARS FIXTURE_DIR WORKDIR [GDB [FAILRENAME_SO]]
#
# Debug information follows the move, for every fixture built with -g
# (F.T.ko with a tag T ending in -dwarf4 or -dwarf5: embedded DWARF;
# F.T-split.ko with F.T-split.ko.debug: split as FreeBSD installs it):
#
#   - embedded: padko F.T.ko -o OUT.ko; every variable that DWARF places
#     at an address (tests/tools/dwarfvars) has in OUT.ko the address it
#     has in the linker-padded F.T.padded.ko, and some differ from the
#     plain module's (so the test sees a move); every .debug_* section
#     is byte for byte the linker-padded build's (objcopy --dump-section);
#   - split: padko --debug-file F.T-split.ko.debug F.T-split.ko -o OUT.ko
#     writes OUT.ko.debug, whose variables and .debug_* sections are those
#     of F.T-split.padded.ko.debug, and OUT.ko's .gnu_debuglink is the one
#     objcopy --add-gnu-debuglink=OUT.ko.debug makes (name and CRC);
#   - with GDB (a path, or empty to skip with a message): "info address"
#     of every variable gives the same answers on OUT.ko (finding
#     OUT.ko.debug through its debuglink, CRC checked, in the split case)
#     as on the linker-padded build, and they come from DWARF ("static
#     storage at address");
#   - on one split fixture: -i replaces both files, -d with --with-debug
#     writes M.ko.debug beside each M.ko, an output with a longer name
#     gets a longer debuglink (padded, or already padded and copied but
#     for its debuglink), verify says whether a debug file matches (exit
#     0) or not (65, and in JSON), a debug file of another module is
#     refused, and, with FAILRENAME_SO (tests/tools/failrename.c), a
#     rename that fails (the module's, after the debug file's; or the
#     debug file's) leaves both files as they were and no temporary file.
#
# Exit status: 0 all agree, 1 a difference (printed), 2 usage.

set -u
LC_ALL=C
export LC_ALL

if [ $# -lt 4 ] || [ $# -gt 6 ]; then
	echo "usage: debug.sh PADKO DWARFVARS FIXTURE_DIR WORKDIR" \
	    "[GDB [FAILRENAME_SO]]" >&2
	exit 2
fi
padko=$1 dwarfvars=$2 fixtures=$3 work=$4 gdb=${5:-} failrename=${6:-}
objcopy=$(command -v i686-kfreebsd-gnu-objcopy || command -v objcopy || :)

rm -rf "$work"
mkdir -p "$work"
bad=0
checked=0

fail() {
	echo "FAIL: $*"
	bad=1
}

# vars FILE OUT: the variable list of FILE into OUT.
vars() {
	"$dwarfvars" "$1" >"$2.tmp" && sort "$2.tmp" >"$2" ||
	    fail "dwarfvars $1"
}

# same_vars WHAT GOT WANT PLAIN: the lists GOT and WANT agree, and differ
# from PLAIN.
same_vars() {
	if ! cmp -s "$2" "$3"; then
		fail "$1: variable addresses differ from the linker's:"
		diff "$3" "$2" | sed 's/^/    /'
	elif cmp -s "$2" "$4"; then
		fail "$1: no variable moved: the fixture tests nothing"
	elif [ "$(wc -l <"$2")" -lt 8 ]; then
		fail "$1: only $(wc -l <"$2") variables listed"
	fi
}

# same_dwarf WHAT GOT WANT: every .debug_* section of GOT has the bytes of
# the same section of WANT (the same compilation: only addresses differ).
same_dwarf() {
	[ -n "$objcopy" ] || return 0
	sd_n=0
	for sd_s in $(readelf -SW "$3" | grep -o ' \.debug_[a-z_]*' | sort -u); do
		sd_n=$((sd_n + 1))
		if ! "$objcopy" --dump-section "$sd_s=$work/sd.got" "$2" \
		    "$work/sd.tmp" 2>"$work/sd.err" ||
		    ! "$objcopy" --dump-section "$sd_s=$work/sd.want" "$3" \
		    "$work/sd.tmp" 2>>"$work/sd.err"; then
			fail "$1: $sd_s: $(cat "$work/sd.err")"
		elif ! cmp -s "$work/sd.got" "$work/sd.want"; then
			fail "$1: $sd_s differs from the linker's"
		fi
	done
	[ "$sd_n" -gt 0 ] || fail "$1: no .debug_* section in $3"
}

# gdb_check WHAT GOT WANT VARS: gdb's "info address" of each variable of
# the list VARS on GOT and on WANT agree, and are DWARF's.
gdb_check() {
	[ -n "$gdb" ] || return 0
	awk '{ printf "-ex\ninfo address %s\n", $1 }' "$4" >"$work/gdb.args"
	for gc_f in "$2" "$3"; do
		(cd "$(dirname "$gc_f")" &&
		    tr '\n' '\0' <"$work/gdb.args" | xargs -0 "$gdb" -nx -batch \
		    "$(basename "$gc_f")") 2>&1 |
		    grep -v -e 'OS ABI' -e 'of GDB.  Attempting' -e '^$' \
		    >"$work/gdb.$(basename "$gc_f").out"
	done
	gc_got=$work/gdb.$(basename "$2").out
	gc_want=$work/gdb.$(basename "$3").out
	if ! cmp -s "$gc_got" "$gc_want"; then
		fail "$1: gdb disagrees with the linker's build:"
		diff "$gc_want" "$gc_got" | sed 's/^/    /'
	elif [ "$(grep -c 'is static storage at address 0x' "$gc_got")" -lt 8 ]
	then
		fail "$1: gdb did not read the variables from DWARF:"
		sed 's/^/    /' "$gc_got"
	fi
}

for plain in "$fixtures"/*-dwarf[45].ko; do
	[ -e "$plain" ] || continue
	f=$(basename "$plain" .ko)
	checked=$((checked + 1))
	if ! "$padko" "$plain" -o "$work/$f.ko" >"$work/log" 2>&1; then
		fail "padko $f.ko:"
		sed 's/^/    /' "$work/log"
		continue
	fi
	vars "$work/$f.ko" "$work/$f.got"
	vars "$fixtures/$f.padded.ko" "$work/$f.want"
	vars "$plain" "$work/$f.plain"
	same_vars "$f (embedded)" "$work/$f.got" "$work/$f.want" \
	    "$work/$f.plain"
	same_dwarf "$f (embedded)" "$work/$f.ko" "$fixtures/$f.padded.ko"
	gdb_check "$f (embedded)" "$work/$f.ko" "$fixtures/$f.padded.ko" \
	    "$work/$f.want"
done

for plain in "$fixtures"/*-dwarf[45]-split.ko; do
	[ -e "$plain" ] || continue
	f=$(basename "$plain" .ko)
	checked=$((checked + 1))
	if ! "$padko" --debug-file "$plain.debug" "$plain" -o "$work/$f.ko" \
	    >"$work/log" 2>&1; then
		fail "padko --debug-file $f.ko.debug $f.ko:"
		sed 's/^/    /' "$work/log"
		continue
	fi
	if [ ! -f "$work/$f.ko.debug" ]; then
		fail "$f: padko wrote no $f.ko.debug"
		continue
	fi
	vars "$work/$f.ko.debug" "$work/$f.got"
	vars "$fixtures/$f.padded.ko.debug" "$work/$f.want"
	vars "$plain.debug" "$work/$f.plain"
	same_vars "$f (split)" "$work/$f.got" "$work/$f.want" "$work/$f.plain"
	same_dwarf "$f (split)" "$work/$f.ko.debug" \
	    "$fixtures/$f.padded.ko.debug"
	if [ -n "$objcopy" ]; then
		# The debuglink objcopy makes for the file padko wrote.
		(cd "$work" &&
		    "$objcopy" --remove-section=.gnu_debuglink "$f.ko" ref.ko &&
		    "$objcopy" --add-gnu-debuglink="$f.ko.debug" ref.ko &&
		    "$objcopy" -O binary --only-section=.gnu_debuglink ref.ko \
		    ref.link && "$objcopy" -O binary \
		    --only-section=.gnu_debuglink "$f.ko" got.link) ||
		    fail "$f: objcopy on padko's output failed"
		cmp -s "$work/ref.link" "$work/got.link" ||
		    fail "$f: .gnu_debuglink is not objcopy's for $f.ko.debug"
	fi
	gdb_check "$f (split)" "$work/$f.ko" "$fixtures/$f.padded.ko" \
	    "$work/$f.want"
done

# expect WHAT STATUS COMMAND...: COMMAND exits with STATUS.
expect() {
	ex_what=$1 ex_want=$2
	shift 2
	ex_st=0
	"$@" >"$work/log" 2>&1 || ex_st=$?
	if [ "$ex_st" -ne "$ex_want" ]; then
		fail "$ex_what: exit status $ex_st, expected $ex_want:"
		sed 's/^/    /' "$work/log"
		return 1
	fi
	return 0
}

# The options around a split module, on one fixture.
f=debug_vars.gnu-gcc-dwarf4-split
o=debug_vars.lld-clang-dwarf5-split
if [ -e "$fixtures/$f.ko" ] && [ -e "$fixtures/$o.ko" ]; then
	d=$work/opts
	mkdir -p "$d/in" "$d/out"
	cp "$fixtures/$f.ko" "$fixtures/$f.ko.debug" "$fixtures/$o.ko" \
	    "$fixtures/$o.ko.debug" "$d/in/"
	vars "$fixtures/$f.padded.ko.debug" "$d/want"

	expect "verify of a plain module and its debug file" 1 \
	    "$padko" verify --debug-file "$d/in/$f.ko.debug" "$d/in/$f.ko" &&
	    ! grep -q 'does not match' "$work/log" ||
	    fail "verify: a debug file that matches is reported otherwise"
	expect "verify of the padded build with the plain debug file" 65 \
	    "$padko" verify --debug-file "$fixtures/$f.ko.debug" \
	    "$fixtures/$f.padded.ko" && grep -q 'does not match' "$work/log" ||
	    fail "verify: no \"does not match\" for a foreign debug file"
	expect "padko with another module's debug file" 65 \
	    "$padko" --debug-file "$d/in/$o.ko.debug" "$d/in/$f.ko" \
	    -o "$d/out/x.ko" && grep -q 'CRC' "$work/log" ||
	    fail "another module's debug file: no CRC in the message"
	[ ! -e "$d/out/x.ko" ] && [ ! -e "$d/out/x.ko.debug" ] ||
	    fail "another module's debug file: something was written"

	# JSON: debug_file in verify and analyze, debug_output when padding.
	if command -v python3 >/dev/null 2>&1; then
		expect "verify --json with a foreign debug file" 65 \
		    "$padko" verify --json --debug-file "$fixtures/$f.ko.debug" \
		    "$fixtures/$f.padded.ko" && python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).readline())
d = o["debug_file"]
assert d["matches"] is False and d["sections_differing"] > 0, d
assert len(d["crc"]) == 8 and len(d["link_crc"]) == 8, d
assert d["link_name"].endswith(".padded.ko.debug"), d
assert isinstance(d["first_difference"], str), d
' "$work/log" || fail "verify --json: debug_file is not as documented"
		expect "padko --json -n --debug-file" 0 "$padko" --json -n \
		    --debug-file "$d/in/$f.ko.debug" "$d/in/$f.ko" &&
		    python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).readline())
assert "debug_output" in o and o["debug_output"] is None, o
' "$work/log" || fail "padko --json -n: debug_output is not null"
	fi

	# A name longer than the input's: the debuglink grows, and goes after
	# the rest of the file.  An already padded module: copied, but for
	# its debuglink.
	long=a-much-much-longer-name-for-the-padded-output-module
	for src in "$d/in/$f" "$fixtures/$f.padded"; do
		expect "padko --debug-file to $long.ko" 0 "$padko" \
		    --debug-file "$src.ko.debug" "$src.ko" -o "$d/out/$long.ko"
		expect "verify --with-debug of $long.ko" 0 "$padko" verify \
		    --with-debug "$d/out/$long.ko"
		vars "$d/out/$long.ko.debug" "$d/got"
		cmp -s "$d/got" "$d/want" ||
		    fail "$long.ko.debug: variables differ"
		gdb_check "$long.ko" "$d/out/$long.ko" \
		    "$fixtures/$f.padded.ko" "$d/want"
		rm -f "$d/out/$long.ko" "$d/out/$long.ko.debug"
	done

	expect "padko -d --with-debug" 0 "$padko" -d "$d/out" --with-debug \
	    "$d/in/$f.ko" "$d/in/$o.ko"
	expect "verify --with-debug of -d's output" 0 "$padko" verify \
	    --with-debug "$d/out/$f.ko" "$d/out/$o.ko"
	vars "$d/out/$f.ko.debug" "$d/got"
	cmp -s "$d/got" "$d/want" || fail "-d --with-debug: variables differ"

	if [ -n "$failrename" ]; then
		for sfx in .ko .debug; do
			cksum "$d/in/$f.ko" "$d/in/$f.ko.debug" >"$d/before"
			expect "-i with the rename to *$sfx failing" 73 \
			    env LD_PRELOAD="$failrename" \
			    PADKO_TEST_RENAME_SUFFIX="$sfx" "$padko" -i \
			    --debug-file "$d/in/$f.ko.debug" "$d/in/$f.ko"
			cksum "$d/in/$f.ko" "$d/in/$f.ko.debug" >"$d/after"
			cmp -s "$d/before" "$d/after" ||
			    fail "-i, rename to *$sfx failing: files changed"
			! ls -a "$d/in" | grep -q '^\.padko\.' ||
			    fail "-i, rename to *$sfx failing: temporary files left"
		done
	fi
	expect "padko -i --debug-file" 0 "$padko" -i \
	    --debug-file "$d/in/$f.ko.debug" "$d/in/$f.ko"
	expect "verify after -i" 0 "$padko" verify \
	    --debug-file "$d/in/$f.ko.debug" "$d/in/$f.ko"
	vars "$d/in/$f.ko.debug" "$d/got"
	cmp -s "$d/got" "$d/want" || fail "-i: variables differ"
	! ls -a "$d/in" | grep -q '^\.padko\.' ||
	    fail "-i: temporary files left"
fi

[ "$checked" -gt 0 ] || fail "no fixture with debug information in $fixtures"
[ -n "$gdb" ] || echo "gdb not found: the gdb checks were skipped"
exit $bad
