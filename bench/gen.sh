#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026, The padko developers
#
# gen.sh OUTDIR
#
# Generates the benchmark inputs of bench/run with the real toolchain, the
# way FreeBSD builds an i386 module:
#
#   clang -target i386-unknown-freebsd -O2 -ffreestanding -fno-common \
#       -fno-pic -c *.c
#   LD -r -d -o m.kld *.o
#   LD -Bshareable -znotext [-znorelro] -o m.ko m.kld
#
# with LD = "ld.lld -m elf_i386_fbsd" (lld) or
# "i686-kfreebsd-gnu-ld -m elf_i386_fbsd" (gnu).  It writes:
#
#   OUTDIR/big-move.L.ko   the big module (about 8 MB, 200,000 relocations,
#                          30,000 .symtab symbols, set_vnet and set_pcpu):
#                          the sets are tight, everything after set_vnet
#                          moves when they are padded (GNU ld: set_pcpu and
#                          .bss; ld.lld: set_pcpu, .data, .dynamic, .bss);
#   OUTDIR/big-slack.L.ko  the same with 8 bytes of alignment slack after
#                          each set: the padding fits in place;
#   OUTDIR/small/*.ko      1,000 small modules, each linked from 1 to 3 of
#                          60 generated objects of six shapes (per-vnet,
#                          per-CPU, both sets, no set, 64-aligned sets with
#                          slack, sysctl-like list heads; small or large),
#                          with either linker, 10% without -znorelro, 10%
#                          stripped;
#   OUTDIR/LAYOUT.txt      what was generated: sizes, relocation and symbol
#                          counts, the writable sections of the big modules
#                          and what starts at each set's old end.
#
# The sources come from bench/gensrc.c (compiled with the host cc) and
# include bench/bench.h; they and the objects are left in OUTDIR/work.
# JOBS (default: the number of CPUs) jobs run at once.  The output is
# deterministic.
#
# Word splitting of unquoted expansions (object lists) is intended.
# shellcheck disable=SC2086

set -eu
LC_ALL=C
export LC_ALL

die() {
	echo "gen.sh: error: $*" >&2
	exit 1
}

[ $# -eq 1 ] || { echo "usage: gen.sh OUTDIR" >&2; exit 64; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
outdir=$(cd "$1" && pwd)
case $outdir in
*[!A-Za-z0-9_./+-]*) die "OUTDIR must be a plain path (no spaces or quotes): $outdir" ;;
esac

CC=${CC:-clang}
HOSTCC=${HOSTCC:-cc}
LLD=ld.lld
GNULD=i686-kfreebsd-gnu-ld
STRIP=i686-kfreebsd-gnu-strip
READELF=readelf
JOBS=${JOBS:-$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
NSMALL=1000
POOL=60
CFLAGS="-target i386-unknown-freebsd -O2 -ffreestanding -fno-common -fno-pic"

for tool in "$CC" "$HOSTCC" "$LLD" "$GNULD" "$STRIP" "$READELF" awk sed; do
	command -v "$tool" >/dev/null 2>&1 ||
	    die "required tool '$tool' not found in PATH"
done

work=$outdir/work
rm -rf "$work" "$outdir/small" "$outdir"/big-*.ko
mkdir -p "$work/src" "$work/obj" "$work/kld" "$outdir/small"
start=$(date +%s)

# par FILE: runs the shell commands in FILE, one a line, in $JOBS shards
# at once; fails if any command fails.
par() {
	p_i=0 p_pids=
	while [ $p_i -lt "$JOBS" ]; do
		awk -v n="$JOBS" -v i=$p_i 'NR % n == i' "$1" >"$1.$p_i"
		sh -e "$1.$p_i" &
		p_pids="$p_pids $!"
		p_i=$((p_i + 1))
	done
	p_st=0
	for p_pid in $p_pids; do
		wait "$p_pid" || p_st=1
	done
	[ $p_st -eq 0 ] || die "a command of $(basename "$1") failed"
}

# The link of one module: link.sh L RELRO STRIP OUT OBJ...  Drops only
# ld.lld's deprecation warning for -d (FreeBSD passes -d).
cat >"$work/link.sh" <<EOF
#!/bin/sh
set -eu
l=\$1 relro=\$2 strip=\$3 out=\$4
shift 4
case \$l in
lld)	ld="$LLD -m elf_i386_fbsd" ;;
gnu)	ld="$GNULD -m elf_i386_fbsd" ;;
esac
kld=$work/kld/\$(basename "\$out" .ko).kld
err=\$kld.err
\$ld -r -d -o "\$kld" "\$@" 2>"\$err" || { cat "\$err" >&2; exit 1; }
if [ "\$relro" = 1 ]; then norelro=; else norelro=-znorelro; fi
\$ld -Bshareable -znotext \$norelro -o "\$out" "\$kld" 2>>"\$err" ||
    { cat "\$err" >&2; exit 1; }
grep -v -F 'and --[no-]define-common will be removed' "\$err" >&2 || :
rm -f "\$kld" "\$err"
if [ "\$strip" = 1 ]; then
	$STRIP "\$out"
fi
EOF

echo "gen.sh: sources"
$HOSTCC -O2 -o "$work/gensrc" "$here/gensrc.c"
gensrc=$work/gensrc
ntu=$($gensrc big-tus)
$gensrc big-sets move >"$work/src/big_sets_move.c"
$gensrc big-sets slack >"$work/src/big_sets_slack.c"
tus=
i=0
while [ $i -lt "$ntu" ]; do
	n=$(printf '%02d' $i)
	$gensrc big-tu $i >"$work/src/big_tu$n.c"
	tus="$tus $work/obj/big_tu$n.o"
	i=$((i + 1))
done
i=0
while [ $i -lt $POOL ]; do
	n=$(printf '%03d' $i)
	$gensrc small $i >"$work/src/p$n.c"
	i=$((i + 1))
done
$gensrc plan $NSMALL $POOL >"$work/plan"

set -- "$work/src"/*.c
echo "gen.sh: compiling $# sources ($JOBS jobs)"
# Big TUs first (the longest), so the shards are balanced.
for f in "$work/src"/big_*.c "$work/src"/p*.c; do
	b=$(basename "$f" .c)
	echo "$CC $CFLAGS -I$here -c -o $work/obj/$b.o $f"
done >"$work/compile.cmds"
par "$work/compile.cmds"

echo "gen.sh: linking the big modules"
for v in move slack; do
	for l in lld gnu; do
		echo "sh $work/link.sh $l 0 0 $outdir/big-$v.$l.ko $work/obj/big_sets_$v.o$tus"
	done
done >"$work/big.cmds"
par "$work/big.cmds"

echo "gen.sh: linking $NSMALL small modules"
awk -v w="$work" -v o="$outdir/small" '{
	printf "sh %s/link.sh %s %s %s %s/%s.%s.ko", w, $2, $3, $4, o, $1, $2
	for (i = 5; i <= NF; i++)
		printf " %s/obj/%s.o", w, $i
	printf "\n"
}' "$work/plan" >"$work/small.cmds"
par "$work/small.cmds"

# Section headers of $1, one per line: name type addr size flags align
# (addr, size in decimal).
sections() {
	$READELF -SW "$1" | sed -n 's/^ *\[ *[0-9][0-9]*\] //p' | awk '
	function hex(s,   i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef",
			    tolower(substr(s, i, 1))) - 1
		return v
	}
	$1 != "NULL" {
		fl = (NF == 10) ? $7 : "-"
		printf "%s %s %d %d %s %d\n", $1, $2, hex($3), hex($5), fl, $NF
	}'
}

# Describes big module $1 and checks that its layout is the one wanted
# ($2: move or slack).
describe_big() {
	db_f=$1
	echo "$(basename "$db_f"): $(wc -c <"$db_f" | tr -d ' ') bytes"
	$READELF -rW "$db_f" | awk '$3 ~ /^R_386_/ { n[$3]++; t++ }
	END { printf "  relocations: %d (", t
		for (k in n) printf " %s %d", k, n[k]; print " )" }'
	$READELF -sW "$db_f" | awk '
	/^Symbol table/ { tab = $3 }
	$1 ~ /^[0-9]+:$/ { n[tab]++ }
	END { printf "  symbols: .symtab %d, .dynsym %d\n",
	    n["'"'"'.symtab'"'"'"], n["'"'"'.dynsym'"'"'"] }'
	sections "$db_f" >"$work/secs"
	$READELF -sW "$db_f" | awk '$1 ~ /^[0-9]+:$/ && $7 != "UND" &&
	    $4 != "SECTION" && $4 != "FILE" { print $2, $8 }' | sort -u \
	    >"$work/syms"
	awk -v want="$2" -v F="$db_f" '
	function hex(s,   i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef",
			    tolower(substr(s, i, 1))) - 1
		return v
	}
	FILENAME == ARGV[1] { sym[hex($1)] = sym[hex($1)] " " $2; next }
	$5 ~ /W/ && $5 ~ /A/ { n++; name[n] = $1; addr[n] = $3; size[n] = $4; al[n] = $6 }
	END {
		print "  writable sections: name address size alignment"
		for (i = 1; i <= n; i++) {
			printf "    %-10s 0x%07x %8d %3d\n", name[i], addr[i], size[i], al[i]
			if (name[i] != "set_vnet" && name[i] != "set_pcpu")
				continue
			e = addr[i] + size[i]
			printf "      old end 0x%07x:%s\n", e, sym[e]
			if (i == n) {
				print "gen.sh: error: " F ": nothing follows " name[i]
				exit 1
			}
			gap = addr[i + 1] - e
			if (want == "move" && gap != 0 || want == "slack" && gap < 4) {
				printf "gen.sh: error: %s: %d bytes between %s and %s\n",
				    F, gap, name[i], name[i + 1]
				exit 1
			}
		}
	}' "$work/syms" "$work/secs"
}

{
	echo "Generated by bench/gen.sh ($NSMALL small modules from $POOL objects)."
	echo
	for v in move slack; do
		for l in lld gnu; do
			describe_big "$outdir/big-$v.$l.ko" $v
		done
	done
	echo
	for f in "$outdir"/small/*.ko; do
		wc -c <"$f"
	done | awk '{ s = $1 + 0; t += s; if (!n || s < min) min = s
		if (s > max) max = s; n++ }
		END { printf "small/: %d modules, %d bytes\n  sizes %d to %d bytes, mean %d\n",
		    n, t, min, max, t / n }'
	awk '{ n[$2]++; r += $3; s += $4; o[NF - 4]++ }
	    END { printf "  linked with lld %d, gnu %d; relro %d; stripped %d; from 1/2/3 objects: %d/%d/%d\n",
	    n["lld"], n["gnu"], r, s, o[1], o[2], o[3] }' "$work/plan"
	for f in "$outdir"/small/*.ko; do
		$READELF -SW "$f" | awk '
		/ set_vnet / { v = 1 } / set_pcpu / { p = 1 }
		END { print (v && p ? "both" : v ? "vnet" : p ? "pcpu" : "none") }'
	done | sort | uniq -c | awk '{ printf "  sets %s: %d\n", $2, $1 }'
} >"$outdir/LAYOUT.txt.tmp"
mv "$outdir/LAYOUT.txt.tmp" "$outdir/LAYOUT.txt"
cat "$outdir/LAYOUT.txt"
echo "gen.sh: done in $(($(date +%s) - start)) s, in $outdir"
