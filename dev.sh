#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# Sets up a Debian 12 machine for padko (as root: installs the packages in
# tools/debian-packages that are missing), builds it, then:
#   sh dev.sh demo   pads bundled modules and shows what changed, and the
#                    oracle's verdict on a displaced reference, and debug
#                    information that follows the move (gdb)
#   sh dev.sh test   runs every test, also under ASan+UBSan, and builds
#                    Release (what packagers build) and with clang too
#                    (FreeBSD's compiler), warnings being errors in all
set -eu
cd "$(dirname "$0")"

install_packages() {
	missing=
	for p in $(cat tools/debian-packages); do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "dev.sh: installing:$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "dev.sh: run as root (or install them yourself)" >&2
		exit 1
	fi
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends $missing
}

# build DIR "CMAKE OPTIONS" [BUILD TYPE]: the project's own builds make
# warnings errors (PADKO_WERROR); a packager's build does not.
build() {
	cmake -S . -B "$1" -DCMAKE_BUILD_TYPE="${3:-RelWithDebInfo}" \
	    -DPADKO_WERROR=ON $2 >/dev/null
	cmake --build "$1" -j "$(nproc)"
}

demo() {
	build build ""
	in=tests/fixtures/built/carp_i686.gnu.ko
	out=build/demo-padded.ko
	echo
	echo "== what a FreeBSD 12.1+ kernel says of the vendor module"
	./build/padko verify "$in" || true
	echo
	echo "== padko -v $in -o $out"
	./build/padko -v "$in" -o "$out"
	echo
	echo "== and of the padded one"
	./build/padko verify "$out"
	echo
	echo "== sections around the set, before and after"
	for f in "$in" "$out"; do
		echo "-- $f"
		readelf -SW "$f" | grep -E 'Name|set_|\.bss|\.data|\.dynamic'
	done
	echo
	echo "== what the linker itself produces with the padding (the reference)"
	./build/tests/elfcmp "${in%.ko}.padded.ko" "$out" &&
	    echo "identical in every allocated byte, header, symbol and relocation"
	echo
	in=tests/fixtures/built/displaced_bss8.gnu.ko
	out=build/demo-displaced.ko
	echo "== a displaced reference (tab[i - 1] is tab-0x24): padko -v $in"
	./build/padko -v "$in" -o "$out" | grep -E 'DISPLACED|layout'
	echo
	echo "== every reference against its target (the ld -r object): the linker's padding, then padko's"
	./build/tests/oracle "${in%.ko}.kld" "$in" "${in%.ko}.padded.ko" || true
	./build/tests/oracle "${in%.ko}.kld" "$in" "$out"
	echo
	in=tests/fixtures/built/debug_vars.lld-clang-dwarf5-split.ko
	out=build/demo-debug.ko
	echo "== debug information follows the move: padko --debug-file $in.debug $in -o $out"
	./build/padko --debug-file "$in.debug" "$in" -o "$out"
	echo "-- where gdb finds dv_bss (through .gnu_debuglink): as linked, padded by padko, padded by the linker"
	for f in "$in" "$out" "${in%.ko}.padded.ko"; do
		gdb -batch -ex 'info address dv_bss' "$f" 2>/dev/null | tail -n 1
	done
}

tests() {
	build build ""
	ctest --test-dir build --output-on-failure -j "$(nproc)"
	build build-asan "-DPADKO_SANITIZE=ON"
	ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
	# Release (-O3) finds warnings the other optimisation levels miss;
	# the fast tests show the optimised code behaves the same.
	build build-release "" Release
	ctest --test-dir build-release --output-on-failure -j "$(nproc)" \
	    -R 'unit/|cli/'
	# FreeBSD builds with clang, and ports build Release.  This build
	# also links capstone statically (PADKO_STATIC_CAPSTONE).
	CC=clang build build-clang "-DPADKO_STATIC_CAPSTONE=ON" Release
	ctest --test-dir build-clang --output-on-failure -j "$(nproc)" \
	    -R 'unit/|cli/'
}

# The argument is checked before anything is installed.
case "${1:-}" in
demo|test)	;;
*)	echo "usage: sh dev.sh demo | test" >&2; exit 64 ;;
esac
install_packages
case "$1" in
demo)	demo ;;
test)	tests ;;
esac
