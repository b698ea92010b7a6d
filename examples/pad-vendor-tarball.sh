#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# pad-vendor-tarball.sh IN OUT
#
# A build-pipeline step for a vendor's drop of FreeBSD i386 kernel
# modules: extracts the tarball IN into a temporary directory, pads every
# *.ko below it that needs padding, checks the result with the model of
# the kernel loader, and packs it again into OUT.  Any error (a module
# padko refuses or cannot read, a module the kernel model would refuse
# afterwards, a tarball that cannot be read or written, or one without
# any *.ko) fails the step with a non-zero exit status, and OUT is then
# not written.  Files other than *.ko are carried over as they are.
#
# IN may be compressed in any way tar(1) reads; OUT's name says how to
# compress it: .tar, .tar.gz or .tgz, .tar.bz2 or .tbz, .tar.xz or .txz.
# OUT holds the same files under ./ (modes kept; owners as tar(1) keeps
# them for the user who runs it).
#
# The environment variable PADKO names the padko command (default: padko).
#
# Exit status: 0 done, 64 usage error, otherwise padko's exit status when
# padko failed, or 1.

set -eu

prog=${0##*/}
padko=${PADKO:-padko}

die() {
	echo "$prog: $1" >&2
	exit "${2:-1}"
}

[ $# -eq 2 ] || die "usage: $prog in.tar[.gz|.bz2|.xz] out.tar[.gz|.bz2|.xz]" 64
in=$1
out=$2
case $out in
*.tar)			z= ;;
*.tar.gz|*.tgz)		z=-z ;;
*.tar.bz2|*.tbz|*.tbz2)	z=-j ;;
*.tar.xz|*.txz)		z=-J ;;
*)	die "$out: name it .tar, .tar.gz, .tgz, .tar.bz2, .tbz or .tar.xz" 64 ;;
esac
[ -f "$in" ] || die "$in: no such file" 66

# Absolute paths: the work below runs in the temporary directory.
case $in in /*) ;; *) in=$(pwd)/$in ;; esac
outdir=$(cd "$(dirname "$out")" && pwd) || die "$out: no such directory" 73
out=$outdir/${out##*/}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/padko-vendor.XXXXXX") ||
    die "cannot create a temporary directory" 73
partial=$outdir/.${out##*/}.$$
trap 'rm -rf "$tmp"; rm -f "$partial"' EXIT
trap 'exit 1' HUP INT TERM

mkdir "$tmp/tree"
tar -x -f "$in" -C "$tmp/tree" || die "$in: cannot extract" 74
cd "$tmp/tree"

if [ -z "$(find . -type f -name '*.ko' | head -n 1)" ]; then
	die "$in: no *.ko module in the tarball" 65
fi

# What needs padding: 0 nothing, 1 some module, anything else an error.
st=0
"$padko" --check -r . || st=$?
case $st in
0)	echo "$prog: every module is already acceptable to FreeBSD 12.1+" ;;
1)	st=0
	"$padko" -r -i . || st=$?
	[ $st -eq 0 ] || die "padko could not pad every module" "$st" ;;
*)	die "a module is malformed, refused or unreadable" "$st" ;;
esac

# Every module must now be one that a current kernel loads, and one that
# padko finds nothing more to do with.
st=0
"$padko" verify -r . >"$tmp/verify.txt" || st=$?
if [ $st -ne 0 ]; then
	grep ': refused by' "$tmp/verify.txt" >&2 || true
	die "the kernel model refuses a module" "$st"
fi
st=0
"$padko" --check -r . || st=$?
[ $st -eq 0 ] || die "a module still needs padding" "$st"

st=0
tar -c $z -f "$partial" . || st=$?
[ $st -eq 0 ] || die "$out: cannot write" 74
mv -f "$partial" "$out" || die "$out: cannot write" 74
echo "$prog: wrote $out"
