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
# check_emu.sh MODE EMU PADKO MODULE TRUTH WORKDIR
#
# Runs tests/emu's emulated load on the emu_carp fixture MODULE
# (tests/fixtures/src/emu_carp.c); MODE says what must happen:
#
#   plain-legacy-faults    MODULE (as linked) under --kernel legacy: exit 1,
#                          a FAULT (not a refusal) while the vnet init
#                          SYSINIT runs vnet_carp_init: the seed bug;
#   plain-current-refused  MODULE under --kernel current: exit 1, refused
#                          with "must be recompiled with linker script";
#   padded                 "PADKO MODULE -o WORKDIR/out.ko" succeeds and
#                          out.ko loads under both kernels: exit 0, every
#                          SYSINIT ran, every counter and the checked
#                          objects are in the per-vnet/per-CPU copies;
#   linker                 MODULE (the linker-padded build) does the same;
#   usage                  (MODULE: a non-ELF file) no arguments, a bad
#                          --kernel, a missing file, a non-ELF file: exit 2;
#   flipped                for each boundary site of TRUTH (F.L.truth, see
#                          tests/fixtures/build.sh), padko with that one
#                          site decided the other way (END by
#                          --assume-next, any other by --assume-end) must
#                          give a module that faults under --kernel
#                          current: each site matters to the running code,
#                          and the emulation sees a wrong decision.
#
# The emulator's output is shown on failure.

set -eu
LC_ALL=C
export LC_ALL

if [ $# -ne 6 ]; then
	echo "usage: check_emu.sh MODE EMU PADKO MODULE TRUTH WORKDIR" >&2
	exit 2
fi
mode=$1 emu=$2 padko=$3 module=$4 truth=$5 work=$6
name=$(basename "$module")

# The objects the SYSINITs must have written in every copy of their set.
checks="--check-nonzero vnet_entry_carpstats
    --check-nonzero pcpu_entry_carp_cpu_stamp"

for f in "$emu" "$padko" "$module"; do
	if [ ! -f "$f" ]; then
		echo "check_emu.sh: $f: no such file" >&2
		exit 2
	fi
done
mkdir -p "$work"
failed=0

fail() {
	echo "FAIL $name ($mode): $*"
	if [ -s "$work/log" ]; then
		sed 's/^/    /' "$work/log"
	fi
	failed=1
}

# run_emu KERNEL FILE: runs the emulator, output in WORKDIR/log; sets $st
# (to 99 when a sanitizer spoke: its exit status could pass for a fault).
run_emu() {
	st=0
	# shellcheck disable=SC2086
	"$emu" --kernel "$1" $checks "$2" >"$work/log" 2>&1 || st=$?
	if grep -q -E 'Sanitizer|runtime error:' "$work/log"; then
		st=99
	fi
}

# expect_load FILE WHAT: loads under both kernels without a fault.
expect_load() {
	for k in current legacy; do
		run_emu "$k" "$1"
		if [ "$st" -ne 0 ]; then
			fail "$2 --kernel $k: exit $st, want 0" \
			    "(loaded, no fault)"
		elif ! grep -q '^emu: .*: OK: loaded' "$work/log"; then
			fail "$2 --kernel $k: exit 0 without the OK line"
		else
			echo "ok: $2 --kernel $k loads, all SYSINITs ran"
			grep -E ': (ok|SYSINIT)' "$work/log" | sed 's/^/    /'
		fi
	done
}

# What the emulator says about the seed bug.
in_vnet_init='FAULT in SYSINIT vnet_init_vnet_carp_init_sys_init '
in_vnet_init=$in_vnet_init'.*-> vnet_carp_init('
unmoved_store='write of 4 bytes at .*: unmapped: vnet0.s vnet_data_base '
unmoved_store=$unmoved_store'.* + the module.s own address'
end_displacement='displacement .* __stop_set_vnet, the end of set_vnet'
refused="kldload refused: Kernel module '.*' must be recompiled with"
refused="$refused linker script"

case $mode in
plain-legacy-faults)
	run_emu legacy "$module"
	if [ "$st" -ne 1 ]; then
		fail "exit $st, want 1 (a fault)"
	elif grep -q 'kldload refused' "$work/log"; then
		fail "refused, want a fault"
	elif ! grep -q "$in_vnet_init" "$work/log"; then
		fail "the fault is not in the vnet init SYSINIT's" \
		    "vnet_carp_init"
	elif ! grep -q "$unmoved_store" "$work/log" ||
	    ! grep -q "$end_displacement" "$work/log"; then
		fail "the fault is not a store through the unmoved end of" \
		    "set_vnet"
	else
		echo "ok: $name --kernel legacy faults as carp did:"
		sed -n '/FAULT/,$p' "$work/log" | sed 's/^/    /'
	fi
	;;
plain-current-refused)
	run_emu current "$module"
	if [ "$st" -ne 1 ]; then
		fail "exit $st, want 1 (refused)"
	elif ! grep -q "$refused" "$work/log"; then
		fail "not refused with 'must be recompiled with linker script'"
	else
		echo "ok: $name --kernel current refused:"
		sed 's/^/    /' "$work/log"
	fi
	;;
padded)
	rm -f "$work/out.ko"
	if ! "$padko" "$module" -o "$work/out.ko" >"$work/log" 2>&1; then
		fail "padko failed"
	else
		expect_load "$work/out.ko" "padko's output for $name"
	fi
	;;
linker)
	expect_load "$module" "$name"
	;;
flipped)
	if [ ! -s "$truth" ]; then
		fail "no boundary sites in $truth"
	fi
	while read -r off meaning; do
		case $meaning in
		END)	opt=--assume-next ;;
		*)	opt=--assume-end ;;
		esac
		rm -f "$work/out.ko"
		if ! "$padko" "$opt" "0x$off" "$module" -o "$work/out.ko" \
		    >"$work/log" 2>&1; then
			fail "padko $opt 0x$off failed"
			continue
		fi
		run_emu current "$work/out.ko"
		if [ "$st" -ne 1 ] || ! grep -q 'FAULT' "$work/log"; then
			fail "site 0x$off ($meaning) decided by $opt:" \
			    "exit $st, want 1 with a fault"
		else
			echo "ok: site 0x$off ($meaning) decided by $opt" \
			    "faults:"
			sed -n '/FAULT/,$p' "$work/log" | sed 's/^/    /'
		fi
	done <"$truth"
	;;
usage)
	# MODULE: a file that is not ELF.  Usage and read errors exit 2.
	for args in "" "--kernel foo $module" "$work/no-such.ko" "$module"; do
		st=0
		# shellcheck disable=SC2086
		"$emu" $args >"$work/log" 2>&1 || st=$?
		if [ "$st" -ne 2 ]; then
			fail "emu $args: exit $st, want 2"
		else
			echo "ok: emu $args: exit 2: $(head -n 1 "$work/log")"
		fi
	done
	;;
*)
	echo "check_emu.sh: unknown mode $mode" >&2
	exit 2
	;;
esac
exit $failed
