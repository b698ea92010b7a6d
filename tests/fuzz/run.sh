#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# run.sh SECONDS [libFuzzer options...]
#
# Builds tests/fuzz/fuzz_padko.c with lib/*.c, all under clang's
# -fsanitize=fuzzer,address,undefined, and fuzzes for SECONDS seconds from
# a seed corpus: the fixtures (tests/fixtures/built/*.ko) and the malformed
# corpus of tests/malformed/gen.c.  Exits non-zero when the fuzzer found
# something (a crash, sanitizer report, leak, timeout, out-of-memory or
# broken invariant): the input is in $PADKO_FUZZ_DIR/artifacts.
#
# Environment: PADKO_FUZZ_DIR (default build-fuzz) holds the binary, the
# growing corpus and the artifacts; CLANG (default clang); PADKO_FUZZ_MAX_LEN
# (default 65536); PADKO_FUZZ_JOBS (default 1) parallel fuzzing processes.
# Further options go to libFuzzer.  It runs in libFuzzer's fork mode and
# goes on past a finding, so that one run collects every finding it can.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: run.sh SECONDS [libFuzzer options...]" >&2
	exit 64
fi
secs=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${PADKO_FUZZ_DIR:-$root/build-fuzz}
cc=${CLANG:-clang}
maxlen=${PADKO_FUZZ_MAX_LEN:-65536}

mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
work=$(cd "$work" && pwd)

# clang needs its fuzzer runtime (Debian: libclang-rt-14-dev).
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)
{ (void)d; (void)n; return 0; }' >"$work/probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$work/probe.c" \
    -o "$work/probe" 2>"$work/probe.log"; then
	echo "run.sh: $cc cannot build a libFuzzer target:" >&2
	cat "$work/probe.log" >&2
	echo "run.sh: install clang and its runtime (Debian: clang" \
	    "libclang-rt-14-dev)" >&2
	exit 69
fi

flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
    -fno-sanitize-recover=all"
# shellcheck disable=SC2086
"$cc" $flags -D_POSIX_C_SOURCE=200809L -DPADKO_VERSION='"fuzz"' \
    -I"$root/lib" $(pkg-config --cflags libelf capstone) \
    "$root"/lib/*.c "$root/tests/fuzz/fuzz_padko.c" \
    $(pkg-config --libs libelf capstone) -o "$work/fuzz_padko"

# Seeds: the fixtures, and the malformed corpus (error paths).
cp "$root"/tests/fixtures/built/*.ko "$work/seeds/"
"$cc" -O1 -DFIXTURE_DIR="\"$root/tests/fixtures/built\"" \
    "$root/tests/malformed/gen.c" -o "$work/malformed_gen"
mkdir -p "$work/seeds/malformed"
"$work/malformed_gen" "$work/seeds/malformed" >/dev/null
rm -f "$work/seeds/malformed/expected.tsv"
cp "$work"/seeds/malformed/*.ko "$work/seeds/"
rm -rf "$work/seeds/malformed"

# Sanitizer reports name functions and lines only with llvm-symbolizer
# (Debian: llvm-14, which puts it beside clang, not on the PATH).
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
	sym=$("$cc" -print-prog-name=llvm-symbolizer)
	if [ -x "$sym" ]; then
		export ASAN_SYMBOLIZER_PATH="$sym"
		export UBSAN_SYMBOLIZER_PATH="${UBSAN_SYMBOLIZER_PATH:-$sym}"
	else
		echo "run.sh: no llvm-symbolizer: reports will show bare" \
		    "addresses (Debian: apt-get install llvm-14)" >&2
	fi
fi

# Only what this run finds counts.
stamp=$work/.run-stamp
touch "$stamp"
sleep 1

# Fork mode, going on past findings: one run collects all it can find.
st=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$work/fuzz_padko" -max_total_time="$secs" -max_len="$maxlen" \
    -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -fork="${PADKO_FUZZ_JOBS:-1}" -ignore_crashes=1 -ignore_timeouts=1 \
    -ignore_ooms=1 -artifact_prefix="$work/artifacts/" "$@" \
    "$work/corpus" "$work/seeds" || st=$?

found=$(find "$work/artifacts" -type f -newer "$stamp" \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
    -o -name 'oom-*' \) | sort)
if [ "$st" -ne 0 ] || [ -n "$found" ]; then
	echo "run.sh: the fuzzer found $(echo "$found" | grep -c .)" \
	    "input(s) (status $st), by first line of the report:" >&2
	# Replays each to group them: count, reason, smallest example.
	for f in $found; do
		why=$(timeout 20 "$work/fuzz_padko" "$f" 2>&1 |
		    grep -m1 -E 'invariant broken|ERROR: |runtime error' |
		    sed -e 's/0x[0-9a-f]*/N/g' -e 's/[0-9][0-9]*/N/g' -e 's/^[^:]*: //')
		printf '%s\t%s\t%s\n' "${why:-(did not reproduce)}" \
		    "$(wc -c <"$f")" "$f"
	done | sort -t "$(printf '\t')" -k1,1 -k2,2n | awk -F '\t' '
	    $1 != last { if (n) printf "%6d  %s\n        e.g. %s\n", n, last, ex;
		last = $1; ex = $3; n = 0 }
	    { n++ }
	    END { if (n) printf "%6d  %s\n        e.g. %s\n", n, last, ex }' >&2
	echo "run.sh: reproduce with $work/fuzz_padko FILE, see" \
	    "tests/fuzz/README.md" >&2
	exit 1
fi
echo "run.sh: nothing found in $secs s; corpus: $(ls "$work/corpus" | wc -l) inputs"
