#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# tests/checks/cli.sh PADKO FIXTURE_DIR [FAILRENAME_SO]
#
# The command's contract with packagers: exit codes from <sysexits.h>,
# messages that name the file and the reason, nothing written on failure
# (no output, no temporary file), inputs never modified, in-place
# replacement keeping the mode, refusals of unsafe modules.  With
# FAILRENAME_SO (tests/tools/failrename.c), also interrupted writes.
set -u
padko=$1
dir=$2
shim=${3:-}
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
pass=0
failn=0

ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; failn=$((failn + 1)); }

# expect NAME STATUS PATTERN OUTFILE -- command...: runs it, checks the
# exit status, that stderr matches PATTERN, and that OUTFILE (if not "-")
# does not exist afterwards, nor any temporary file beside it.
expect() {
	name=$1 want=$2 pattern=$3 out=$4
	shift 5
	st=0
	"$@" >"$work/stdout" 2>"$work/stderr" || st=$?
	if [ "$st" -ne "$want" ]; then
		bad "$name" "exit status $st, expected $want: $(cat "$work/stderr")"
	elif ! grep -q -- "$pattern" "$work/stderr"; then
		bad "$name" "stderr lacks \"$pattern\": $(cat "$work/stderr")"
	elif [ "$out" != - ] && [ -e "$out" ]; then
		bad "$name" "$out exists after a failure"
	elif [ "$out" != - ] && ls -a "$(dirname "$out")" | grep -q '^\.padko\.'; then
		bad "$name" "a temporary file was left in $(dirname "$out")"
	else
		ok "$name"
	fi
}

mkdir "$work/o"
for L in lld gnu; do
	expect "refuse exec-after-set.$L" 65 "executable section .* follows a linker set" \
	    "$work/o/x.ko" -- "$padko" "$dir/refuse-exec-after-set.$L.ko" -o "$work/o/x.ko"
	expect "refuse got.$L" 65 "has a GOT (\.got" \
	    "$work/o/x.ko" -- "$padko" "$dir/refuse-got.$L.ko" -o "$work/o/x.ko"
	expect "refuse reloc-type.$L" 65 "relocation type [0-9]* at 0x[0-9a-f]* is not one the i386 kernel loader handles" \
	    "$work/o/x.ko" -- "$padko" "$dir/refuse-reloc-type.$L.ko" -o "$work/o/x.ko"
done
expect "refuse not-i386" 65 "not-i386.ko: not a 32-bit ELF file" \
    "$work/o/x.ko" -- "$padko" "$dir/not-i386.ko" -o "$work/o/x.ko"
expect "refuse not-elf" 65 "not-elf.ko: not an ELF file" \
    "$work/o/x.ko" -- "$padko" "$dir/not-elf.ko" -o "$work/o/x.ko"
expect "missing input" 66 "nonexistent.ko" "$work/o/x.ko" -- \
    "$padko" "$work/nonexistent.ko" -o "$work/o/x.ko"
# One reader for every mode: verify refuses what is not a regular file
# as padding does.
expect "verify a directory" 66 "$work/o: not a regular file" - -- \
    "$padko" verify "$work/o"
expect "verify a device" 66 "/dev/null: not a regular file" - -- \
    "$padko" verify /dev/null
expect "no output option" 64 "give -o output.ko, -i, -d outdir or -n" - -- "$padko" "$dir/nosets.gnu.ko"
expect "unknown option" 64 "usage:" - -- "$padko" --frobnicate "$dir/nosets.gnu.ko"
expect "assume-end not a site" 64 "no reference at a set's old end is at 0x1" \
    "$work/o/x.ko" -- "$padko" --assume-end 0x1 "$dir/vnet_bss.gnu.ko" -o "$work/o/x.ko"
for L in lld gnu; do
	expect "refuse undecided.$L" 65 "not decided by the evidence; refused, nothing written" \
	    "$work/o/x.ko" -- "$padko" "$dir/undecided-dpcpu-id.$L.ko" -o "$work/o/x.ko"
	expect "refuse undecided.$L, --strict" 65 "decide with --assume-end 0x[0-9a-f]* or --assume-next 0x[0-9a-f]*" \
	    "$work/o/x.ko" -- "$padko" --strict "$dir/undecided-dpcpu-id.$L.ko" -o "$work/o/x.ko"
done
expect "--strict --guess-undecided" 64 "exclude each other" "$work/o/x.ko" -- \
    "$padko" --strict --guess-undecided "$dir/undecided-dpcpu-id.gnu.ko" -o "$work/o/x.ko"
if "$padko" -h | grep -q -- "--guess-undecided" &&
    "$padko" -h | grep -q -- "--strict .*the default now"; then ok "-h names --guess-undecided and --strict"
else bad "-h names --guess-undecided and --strict" "$("$padko" -h)"; fi
cp "$dir/vnet_bss.gnu.ko" "$work/self.ko"
expect "output is input" 64 "output is the input file" - -- \
    "$padko" "$work/self.ko" -o "$work/self.ko"
if cmp -s "$dir/vnet_bss.gnu.ko" "$work/self.ko"; then ok "output is input: unchanged"
else bad "output is input: unchanged" "the input was modified"; fi

# Modules that need nothing are copied byte for byte and say why.
for f in amd64-ET_REL.ko nosets.gnu.ko vnet_bss.gnu.padded.ko; do
	rm -f "$work/o/copy.ko"
	st=0
	"$padko" "$dir/$f" -o "$work/o/copy.ko" 2>"$work/stderr" || st=$?
	if [ $st -ne 0 ]; then bad "copy $f" "exit status $st"
	elif ! cmp -s "$dir/$f" "$work/o/copy.ko"; then bad "copy $f" "not identical"
	else ok "copy $f"; fi
done
# A notice, told apart from the errors ("padko: file: reason").
"$padko" "$dir/amd64-ET_REL.ko" -o "$work/o/copy.ko" 2>"$work/stderr"
if grep -q "^padko: notice: .*amd64-ET_REL.ko: ET_REL module .* needs no padding" \
    "$work/stderr"; then ok "ET_REL says so, as a notice"
else bad "ET_REL says so, as a notice" "$(cat "$work/stderr")"; fi

# In place: atomically replaced, mode kept.
cp "$dir/vnet_bss.gnu.ko" "$work/inplace.ko"
chmod 0640 "$work/inplace.ko"
st=0
"$padko" -i "$work/inplace.ko" 2>"$work/stderr" || st=$?
mode=$(stat -c %a "$work/inplace.ko")
if [ $st -ne 0 ]; then bad "in place" "exit status $st: $(cat "$work/stderr")"
elif cmp -s "$dir/vnet_bss.gnu.ko" "$work/inplace.ko"; then bad "in place" "file unchanged"
elif [ "$mode" != 640 ]; then bad "in place" "mode $mode, expected 640"
elif ls -a "$work" | grep -q '^\.padko\.'; then bad "in place" "temporary file left"
else ok "in place"; fi

# In place in a directory we may not write: EX_CANTCREAT, input intact.
mkdir "$work/ro"
cp "$dir/vnet_bss.gnu.ko" "$work/ro/m.ko"
chmod 0555 "$work/ro"
chmod 0755 "$work"
as_user=
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1; then
		as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
	else
		as_user=skip
	fi
fi
if [ "$as_user" = skip ]; then
	echo "skip read-only directory (root without setpriv)"
else
	expect "in place, read-only directory" 73 "m.ko: cannot create a temporary file" \
	    - -- $as_user "$padko" -i "$work/ro/m.ko"
	if cmp -s "$dir/vnet_bss.gnu.ko" "$work/ro/m.ko"; then ok "read-only directory: input intact"
	else bad "read-only directory: input intact" "the input changed"; fi
fi

# Interrupted writes: rename fails, or the process dies just before it.
# -d creates its directory and missing parents, as install -d does, and
# names it when it cannot; one slash between it and the module's name.
st=0
(cd "$work" && "$padko" -d new/sub/ "$dir/vnet_bss.gnu.ko") >"$work/stdout" \
    2>"$work/stderr" || st=$?
if [ $st -ne 0 ]; then bad "-d creates DIR" "exit status $st: $(cat "$work/stderr")"
elif [ ! -f "$work/new/sub/vnet_bss.gnu.ko" ]; then bad "-d creates DIR" "no new/sub/vnet_bss.gnu.ko"
elif [ "$(stat -c %a "$work/new/sub")" != "$(printf '%o' $((0755 & ~$(umask))))" ]; then
	bad "-d creates DIR" "mode $(stat -c %a "$work/new/sub")"
else ok "-d creates DIR and its parents"; fi
st=0
"$padko" --json -d "$work/o//" "$dir/vnet_bss.gnu.ko" >"$work/stdout" 2>&1 || st=$?
if [ $st -eq 0 ] && grep -q "\"$work/o/vnet_bss.gnu.ko\"" "$work/stdout" &&
    ! grep -q '//' "$work/stdout"; then ok "-d DIR/: no doubled slash"
else bad "-d DIR/: no doubled slash" "status $st: $(cat "$work/stdout")"; fi
rm -f "$work/o/vnet_bss.gnu.ko"
: >"$work/plain"
expect "-d on a file" 73 "plain/x: cannot create the output directory" - -- \
    "$padko" -d "$work/plain/x" "$dir/vnet_bss.gnu.ko"
expect "-d a file" 73 "plain: not a directory" - -- \
    "$padko" -d "$work/plain" "$dir/vnet_bss.gnu.ko"
st=0
"$padko" -n -r "$dir/" >"$work/stdout" 2>&1 || st=$?
if grep -q '//' "$work/stdout"; then bad "-r DIR/: no doubled slash" "$(head -3 "$work/stdout")"
else ok "-r DIR/: no doubled slash"; fi

# A directory without -r: the message says to give -r.
expect "--check DIR without -r" 66 "$dir: a directory.*give -r" - -- \
    "$padko" --check "$dir"

if [ -n "$shim" ]; then
	expect "rename fails" 73 "rename" "$work/o/r.ko" -- \
	    env LD_PRELOAD="$shim" "$padko" "$dir/vnet_bss.gnu.ko" -o "$work/o/r.ko"
	printf 'previous output\n' >"$work/o/prev.ko"
	st=0
	env LD_PRELOAD="$shim" PADKO_TEST_KILL=1 "$padko" "$dir/vnet_bss.gnu.ko" \
	    -o "$work/o/prev.ko" 2>/dev/null || st=$?
	if [ $st -eq 0 ]; then bad "killed before rename" "padko was not killed"
	elif [ "$(cat "$work/o/prev.ko")" != "previous output" ]; then
		bad "killed before rename" "the previous output was replaced"
	else ok "killed before rename: previous output intact"; fi
fi

echo "$pass passed, $failn failed"
[ $failn -eq 0 ]
