# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026, The padko developers
#
# Fixture tests, included from tests/CMakeLists.txt (which builds elfcmp).
#
#   fixture/F.L               padko on tests/fixtures/built/F.L.ko must give
#                             what the linker gave in F.L.padded.ko
#                             (tests/check_fixture.sh);
#   boundary/undecided        the undecided-* pairs, whose END sites no
#                             evidence decides: padko's warning, --strict,
#                             --assume-end/--assume-next against their truth
#                             files (tests/check_undecided.sh);
#   elfcmp/detects-difference elfcmp must tell a plain module from its
#                             padded reference (exit status exactly 1);
#   elfcmp/self-equal         and find a file equal to itself (exit 0);
#   verify/fixtures           padko verify (the model of the kernel loader)
#                             accepts every padded reference and padko's
#                             own output, and refuses under current kernels
#                             the plain modules that they refuse
#                             (tests/check_verify.sh);
#   fixture/mapped            a pair grown past 1 MiB by a non-allocated
#                             section (GNU objcopy), so that padko maps its
#                             input and the file it checks instead of
#                             reading them: checked as any pair;
#   fixtures/fresh            rebuild every fixture with the installed
#                             toolchain and check all pairs, and padko
#                             verify on them (tests/check_fresh.sh,
#                             tests/check_verify.sh), when clang, ld.lld and
#                             i686-kfreebsd-gnu-ld are all available.

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
	add_test(NAME fixture/${base}
	    COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/check_fixture.sh"
		"$<TARGET_FILE:padko>" "$<TARGET_FILE:elfcmp>"
		"${plain}" "${padded}" "${padko_fixture_work}/${base}")
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
	    COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/check_verify.sh"
		"$<TARGET_FILE:padko>" "${padko_fixture_dir}")
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
]=] "${CMAKE_CURRENT_SOURCE_DIR}/check_fixture.sh" "${PADKO_GNU_OBJCOPY}"
		"${padko_fixture_dir}" "${padko_fixture_work}/mapped"
		"$<TARGET_FILE:padko>" "$<TARGET_FILE:elfcmp>")
endif()

add_test(NAME boundary/undecided
    COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/check_undecided.sh"
	"$<TARGET_FILE:padko>" "$<TARGET_FILE:elfcmp>"
	"${padko_fixture_dir}" "${padko_fixture_work}/undecided")

find_program(PADKO_CLANG clang)
find_program(PADKO_LD_LLD ld.lld)
find_program(PADKO_GNU_LD i686-kfreebsd-gnu-ld)
if(PADKO_CLANG AND PADKO_LD_LLD AND PADKO_GNU_LD)
	add_test(NAME fixtures/fresh
	    COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/check_fresh.sh"
		"${padko_SOURCE_DIR}" "${CMAKE_CURRENT_BINARY_DIR}/fresh"
		"$<TARGET_FILE:padko>" "$<TARGET_FILE:elfcmp>")
	set_tests_properties(fixtures/fresh PROPERTIES TIMEOUT 900)
else()
	message(STATUS "clang, ld.lld or i686-kfreebsd-gnu-ld not found: "
	    "test fixtures/fresh not registered")
endif()
