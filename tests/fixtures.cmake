# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026, The padko developers
#
# Fixture tests, included from tests/CMakeLists.txt (which builds elfcmp
# and oracle).
#
#   fixture/F.L               padko on tests/fixtures/built/F.L.ko must give
#                             what the linker gave in F.L.padded.ko
#                             (tests/checks/fixture.sh); that comparison is
#                             skipped, with the reason printed, where the
#                             linker-padded build fails the oracle;
#   oracle/F.L                for every F.L.kld (the ld -r object): padko's
#                             output for F.L.ko must pass the oracle
#                             (tests/tools/oracle.c: every reference's value
#                             and per-CPU/per-vnet move, from its target in
#                             the .kld), and where F.L.padded.ko fails it is
#                             printed, not failed (tests/checks/oracle.sh;
#                             undecided-*: padko's output is not checked);
#   oracle/detects-wrong      the oracle exits 1 on a plain module whose END
#                             sites the kernel would leave at the set's end,
#                             and on a padded reference with one
#                             R_386_RELATIVE value off by 4;
#   boundary/undecided        the undecided-* pairs, whose END sites no
#                             evidence decides: padko's warning, --strict,
#                             --assume-end/--assume-next against their truth
#                             files (tests/checks/undecided.sh);
#   elfcmp/detects-difference elfcmp must tell a plain module from its
#                             padded reference (exit status exactly 1);
#   elfcmp/self-equal         and find a file equal to itself (exit 0);
#   verify/fixtures           padko verify (the model of the kernel loader)
#                             accepts every padded reference and padko's
#                             own output, and refuses under current kernels
#                             the plain modules that they refuse
#                             (tests/checks/verify.sh);
#   fixture/mapped            a pair grown past 1 MiB by a non-allocated
#                             section (GNU objcopy), so that padko maps its
#                             input and the file it checks instead of
#                             reading them: checked as any pair;
#   fixtures/fresh            rebuild every fixture with the installed
#                             toolchain (not the localized builds) and
#                             check all pairs, and padko verify on them
#                             (tests/checks/fresh.sh, tests/checks/verify.sh),
#                             when clang, gcc (the fixtures with debug
#                             information), ld.lld and i686-kfreebsd-gnu-ld
#                             are all available.

set(padko_fixture_dir "${CMAKE_CURRENT_SOURCE_DIR}/fixtures/built")
set(padko_fixture_work "${CMAKE_CURRENT_BINARY_DIR}/fixture-work")

find_program(PADKO_READELF readelf)
if(NOT PADKO_READELF)
	message(WARNING "readelf not found: the fixture tests need it "
	    "(Debian: binutils)")
endif()

# Pairs: every F.L.padded.ko with its plain F.L.ko.  Inputs that padko must
# refuse or leave alone (refuse-*, amd64-*, not-*) have no padded partner.
# The undecided-* pairs are padded as the linker did only with the right
# --assume-end options: they are checked by boundary/undecided instead.
file(GLOB padko_fixture_padded CONFIGURE_DEPENDS
    "${padko_fixture_dir}/*.padded.ko")
list(SORT padko_fixture_padded)
set(padko_first_plain "")
set(padko_first_padded "")
foreach(padded IN LISTS padko_fixture_padded)
	get_filename_component(name "${padded}" NAME)
	if(name MATCHES "^(refuse|amd64|not|undecided)-")
		continue()
	endif()
	string(REGEX REPLACE "\\.padded\\.ko$" "" base "${name}")
	set(plain "${padko_fixture_dir}/${base}.ko")
	if(NOT EXISTS "${plain}")
		message(WARNING "fixture ${name}: no plain partner ${base}.ko")
		continue()
	endif()
	# With its ld -r object, the comparison with the linker's padding is
	# made only where the oracle finds that padding right.
	set(kld "${padko_fixture_dir}/${base}.kld")
	set(oracle_args "")
	if(EXISTS "${kld}")
		set(oracle_args "$<TARGET_FILE:oracle>" "${kld}")
	endif()
	add_test(NAME fixture/${base}
	    COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/checks/fixture.sh"
		"$<TARGET_FILE:padko>" "$<TARGET_FILE:elfcmp>"
		"${plain}" "${padded}" "${padko_fixture_work}/${base}"
		${oracle_args})
	if(padko_first_plain STREQUAL "")
		set(padko_first_plain "${plain}")
		set(padko_first_padded "${padded}")
	endif()
endforeach()

if(padko_first_plain STREQUAL "")
	message(STATUS "No fixture pairs in ${padko_fixture_dir} "
	    "(run tests/fixtures/build.sh): fixture/* and elfcmp/* tests "
	    "not registered")
else()
	# elfcmp exits 1 for "different"; 2 (unreadable) must not count.
	add_test(NAME elfcmp/detects-difference
	    COMMAND sh -c [=[
"$0" "$1" "$2"
st=$?
if [ $st -ne 1 ]
then
	echo "elfcmp exited with status $st, expected 1 (different)"
	exit 1
fi
]=] "$<TARGET_FILE:elfcmp>" "${padko_first_padded}"
		"${padko_first_plain}")
	add_test(NAME elfcmp/self-equal
	    COMMAND elfcmp "${padko_first_padded}" "${padko_first_padded}")
	add_test(NAME verify/fixtures
	    COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/checks/verify.sh"
		"$<TARGET_FILE:padko>" "${padko_fixture_dir}"
		"$<TARGET_FILE:oracle>")
endif()

# The oracle: every F.L.kld with its F.L.ko and F.L.padded.ko (the
# undecided-* ones included: their linker-padded build is checked, padko's
# output is not).
file(GLOB padko_fixture_klds CONFIGURE_DEPENDS "${padko_fixture_dir}/*.kld")
list(SORT padko_fixture_klds)
set(padko_oracle_first "")
foreach(kld IN LISTS padko_fixture_klds)
	get_filename_component(name "${kld}" NAME)
	string(REGEX REPLACE "\\.kld$" "" base "${name}")
	set(plain "${padko_fixture_dir}/${base}.ko")
	set(padded "${padko_fixture_dir}/${base}.padded.ko")
	if(NOT EXISTS "${plain}" OR NOT EXISTS "${padded}")
		message(WARNING "fixture ${name}: no ${base}.ko and "
		    "${base}.padded.ko")
		continue()
	endif()
	add_test(NAME oracle/${base}
	    COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/checks/oracle.sh"
		"$<TARGET_FILE:padko>" "$<TARGET_FILE:oracle>" "${kld}"
		"${plain}" "${padded}" "${padko_fixture_work}/oracle/${base}")
	if(base MATCHES "^carp_seed\\.gnu$")
		set(padko_oracle_first "${base}")
	endif()
endforeach()

# The oracle must be able to fail: on carp_seed.gnu.ko itself (its END
# sites stay at the set's end, which the kernel does not move), and on the
# padded reference with one R_386_RELATIVE value off by 4.
if(NOT padko_oracle_first STREQUAL "")
	add_test(NAME oracle/detects-wrong
	    COMMAND sh -c [=[
set -u
oracle=$0 f=$1 work=$2
rm -rf "$work"
mkdir -p "$work"
st=0
"$oracle" "$f.kld" "$f.ko" "$f.ko" >"$work/log" 2>&1 || st=$?
if [ $st -ne 1 ] || ! grep -q '^FAIL .*(b) ' "$work/log"; then
	cat "$work/log"
	echo "oracle on the plain module exited $st, want 1 and a (b) failure"
	exit 1
fi
# The first R_386_RELATIVE of the padded module, and its section's
# address and file offset: add 4 to the word there.
cp "$f.padded.ko" "$work/wrong.ko"
site=$(readelf -rW "$work/wrong.ko" |
    awk '$3 == "R_386_RELATIVE" { print $1; exit }')
off=$(readelf -SW "$work/wrong.ko" | sed -n 's/^ *\[ *[0-9]*\] //p' |
    awk -v s="$site" '
	function hex(x,   i, v) {
		v = 0
		for (i = 1; i <= length(x); i++)
			v = v * 16 + index("0123456789abcdef",
			    tolower(substr(x, i, 1))) - 1
		return v
	}
	$2 != "NOBITS" && hex($3) > 0 && hex(s) >= hex($3) &&
	    hex(s) < hex($3) + hex($5) {
		print hex(s) - hex($3) + hex($4); exit
	}')
test -n "$off" || { echo "no R_386_RELATIVE site found"; exit 1; }
set -- $(od -An -tu1 -j "$off" -N 4 "$work/wrong.ko")
v=$(( ($1 + $2 * 256 + $3 * 65536 + $4 * 16777216 + 4) % 4294967296 ))
bytes=$(printf '\\%03o\\%03o\\%03o\\%03o' $((v % 256)) $((v / 256 % 256)) \
    $((v / 65536 % 256)) $((v / 16777216)))
printf "$bytes" |
    dd of="$work/wrong.ko" bs=1 seek="$off" conv=notrunc 2>/dev/null
st=0
"$oracle" "$f.kld" "$f.ko" "$work/wrong.ko" >"$work/log" 2>&1 || st=$?
if [ $st -ne 1 ] || ! grep -q '^FAIL .*(a) value ' "$work/log"; then
	cat "$work/log"
	echo "oracle on a padded module with 0x$site off by 4 exited $st," \
	    "want 1 and an (a) failure"
	exit 1
fi
]=] "$<TARGET_FILE:oracle>" "${padko_fixture_dir}/${padko_oracle_first}"
		"${padko_fixture_work}/oracle-detects")
endif()

# Inputs from 1 MiB up are mapped (lib/image.c), and every fixture is
# smaller: this one is not.
find_program(PADKO_GNU_OBJCOPY i686-kfreebsd-gnu-objcopy)
if(PADKO_GNU_OBJCOPY AND EXISTS "${padko_fixture_dir}/mixed.lld.padded.ko")
	add_test(NAME fixture/mapped
	    COMMAND sh -c [=[
set -e
objcopy=$1 fixtures=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
yes padko | head -c 1500000 >"$work/filler"
for f in mixed.lld.ko mixed.lld.padded.ko; do
	"$objcopy" --add-section .padko.filler="$work/filler" \
	    "$fixtures/$f" "$work/big-$f"
done
test "$(wc -c <"$work/big-mixed.lld.ko")" -gt 1048576
exec sh "$0" "$4" "$5" "$work/big-mixed.lld.ko" \
    "$work/big-mixed.lld.padded.ko" "$work/check"
]=] "${CMAKE_CURRENT_SOURCE_DIR}/checks/fixture.sh" "${PADKO_GNU_OBJCOPY}"
		"${padko_fixture_dir}" "${padko_fixture_work}/mapped"
		"$<TARGET_FILE:padko>" "$<TARGET_FILE:elfcmp>")
endif()

add_test(NAME boundary/undecided
    COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/checks/undecided.sh"
	"$<TARGET_FILE:padko>" "$<TARGET_FILE:elfcmp>"
	"${padko_fixture_dir}" "${padko_fixture_work}/undecided")

find_program(PADKO_CLANG clang)
find_program(PADKO_GCC gcc)
find_program(PADKO_LD_LLD ld.lld)
find_program(PADKO_GNU_LD i686-kfreebsd-gnu-ld)
if(PADKO_CLANG AND PADKO_GCC AND PADKO_LD_LLD AND PADKO_GNU_LD)
	add_test(NAME fixtures/fresh
	    COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/checks/fresh.sh"
		"${padko_SOURCE_DIR}" "${CMAKE_CURRENT_BINARY_DIR}/fresh"
		"$<TARGET_FILE:padko>" "$<TARGET_FILE:elfcmp>"
		"$<TARGET_FILE:oracle>")
	set_tests_properties(fixtures/fresh PROPERTIES TIMEOUT 900)
else()
	message(STATUS "clang, gcc, ld.lld or i686-kfreebsd-gnu-ld not found: "
	    "test fixtures/fresh not registered")
endif()

# debug/fixtures: for every fixture built with -g, embedded and split,
# each variable's address in padko's output (and, split, in the debug file
# it writes) is the linker-padded build's, the debuglink is objcopy's, and
# gdb agrees where it is installed (tests/checks/debug.sh).
find_program(PADKO_GDB gdb)
if(NOT PADKO_GDB)
	message(STATUS "gdb not found: debug/fixtures skips its gdb checks")
	set(PADKO_GDB "")
endif()
# The rename shim (tests/CMakeLists.txt) cannot be preloaded into a
# sanitized process: without it the interrupted writes are not tested.
set(padko_debug_args "${PADKO_GDB}")
if(NOT PADKO_SANITIZE)
	list(APPEND padko_debug_args "$<TARGET_FILE:failrename>")
endif()
add_test(NAME debug/fixtures
    COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/checks/debug.sh"
	"$<TARGET_FILE:padko>" "$<TARGET_FILE:dwarfvars>"
	"${padko_fixture_dir}" "${padko_fixture_work}/debug"
	${padko_debug_args})
