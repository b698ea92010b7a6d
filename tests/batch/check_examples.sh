#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# check_examples.sh PADKO FIXTURE_DIR EXAMPLES_DIR [SECTION ...]
#
# Runs the examples/ the way their users would, on fixture modules:
#
#   kmod      bsd.kmod.mk-afterinstall.mk, with bmake(1) and a stand-in
#             for FreeBSD's <bsd.kmod.mk> whose install target copies the
#             module into DESTDIR and then makes afterinstall: on i386 the
#             installed module comes out padded (what padko -o gives,
#             acceptable to padko --check), elsewhere untouched; a module
#             padko refuses fails the install
#   ports     ports-post-install.mk, with bmake -n and stub port variables,
#             then for real on a staging directory
#   tarball   pad-vendor-tarball.sh on tarballs of fixtures: plain and
#             padded modules come back padded, other files as they were;
#             a broken module, a tarball without modules or a bad output
#             name fail and write nothing
#
# Needs bmake (Debian: bmake) for kmod and ports.  Prints one line per
# check and "N passed, N failed".
# The sh -c scripts expand their own $1; ls lists names the test made.
# shellcheck disable=SC2010,SC2016
set -u
export LC_ALL=C
padko=$1
fx=$2
ex=$3
shift 3
sections=${*:-kmod ports tarball}
case $padko in /*) ;; *) padko=$(pwd)/$padko ;; esac
case $fx in /*) ;; *) fx=$(pwd)/$fx ;; esac
case $ex in /*) ;; *) ex=$(pwd)/$ex ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
failn=0

ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; failn=$((failn + 1)); }
check() {
	_check_name=$1 _check_why=$2
	shift 2
	if "$@"; then ok "$_check_name"; else bad "$_check_name" "$_check_why"; fi
}
# quiet command...: runs it without output.
quiet() { "$@" >/dev/null 2>&1; }

# The padded form of the plain modules used below, written with -o.
mkdir "$work/ref"
for f in vnet_bss.gnu.ko pcpu_only.lld.ko; do
	"$padko" -j 1 "$fx/$f" -o "$work/ref/$f" 2>/dev/null ||
	    bad "reference $f" "padko $f -o failed"
done

need_bmake() {
	command -v bmake >/dev/null 2>&1 && return 0
	bad "$1" "bmake is needed (Debian: bmake, in tools/debian-packages)"
	return 1
}

kmod() {
	need_bmake kmod || return
	d=$work/kmod
	mkdir -p "$d/mk" "$d/after" "$d/before"
	# sys.mk: empty, so that no system makefile of the build machine
	# takes part; bsd.kmod.mk: what FreeBSD's does for install.
	: >"$d/mk/sys.mk"
	cat >"$d/mk/bsd.kmod.mk" <<'EOF'
.MAIN: all
KMODDIR?=	/boot/modules
PROG=		${KMOD}.ko

all: ${PROG}
${PROG}:
	cp ${MODULE_SOURCE} ${.TARGET}

.if !target(install)
.if !target(beforeinstall)
beforeinstall:
.endif
.if !target(afterinstall)
afterinstall:
.endif
install: beforeinstall realinstall afterinstall
.ORDER: beforeinstall realinstall afterinstall
realinstall: _kmodinstall
_kmodinstall: ${PROG}
	mkdir -p ${DESTDIR}${KMODDIR}
	cp ${PROG} ${DESTDIR}${KMODDIR}/
afterinstall: _kldxref
.ORDER: realinstall _kldxref
_kldxref:
	@echo kldxref ${DESTDIR}${KMODDIR}
.endif
EOF
	# The fragment after <bsd.kmod.mk>, as it says, and before it.
	cat >"$d/after/Makefile" <<EOF
KMOD=	if_test
SRCS=	if_test.c
.include <bsd.kmod.mk>
.include "$ex/bsd.kmod.mk-afterinstall.mk"
EOF
	cat >"$d/before/Makefile" <<EOF
KMOD=	if_test
SRCS=	if_test.c
.include "$ex/bsd.kmod.mk-afterinstall.mk"
.include <bsd.kmod.mk>
EOF
	installed=/boot/modules/if_test.ko
	for where in after before; do
		for arch in i386 amd64; do
			root=$d/root.$where.$arch
			st=0
			(cd "$d/$where" && rm -f if_test.ko && bmake -m "$d/mk" \
			    MACHINE_ARCH=$arch DESTDIR="$root" PADKO="$padko" \
			    MODULE_SOURCE="$fx/vnet_bss.gnu.ko" install) \
			    >"$d/log" 2>&1 </dev/null || st=$?
			name="bsd.kmod.mk, fragment $where, $arch"
			check "$name: make install succeeds" \
			    "exit status $st: $(tail -n 5 "$d/log")" [ $st -eq 0 ]
			check "$name: kldxref still runs" "$(cat "$d/log")" \
			    grep -q "^kldxref $root/boot/modules" "$d/log"
			if [ $arch = i386 ]; then
				check "$name: installed module padded as padko -o pads it" \
				    "differs" cmp -s "$root$installed" \
				    "$work/ref/vnet_bss.gnu.ko"
				check "$name: padko --check accepts it" \
				    "$("$padko" --check "$root$installed" 2>&1)" \
				    "$padko" --check "$root$installed"
				check "$name: padko ran on the installed file" \
				    "$(cat "$d/log")" grep -q \
				    "$padko -i $root$installed" "$d/log"
			else
				check "$name: installed module left as built" \
				    "differs" cmp -s "$root$installed" \
				    "$fx/vnet_bss.gnu.ko"
				check "$name: padko not run" "$(cat "$d/log")" \
				    sh -c '! grep -q -- " -i " "$1"' sh "$d/log"
			fi
		done
	done
	# Installing again: the module is copied over plain, padded again.
	root=$d/root.after.i386
	st=0
	(cd "$d/after" && bmake -m "$d/mk" MACHINE_ARCH=i386 DESTDIR="$root" \
	    PADKO="$padko" MODULE_SOURCE="$fx/vnet_bss.gnu.ko" install) \
	    >"$d/log" 2>&1 </dev/null || st=$?
	check "bsd.kmod.mk: install twice" "exit status $st" [ $st -eq 0 ]
	check "bsd.kmod.mk: install twice: padded once" "differs" \
	    cmp -s "$root$installed" "$work/ref/vnet_bss.gnu.ko"
	# An already padded module: installed as it is.
	root=$d/root.padded
	st=0
	(cd "$d/after" && rm -f if_test.ko && bmake -m "$d/mk" \
	    MACHINE_ARCH=i386 DESTDIR="$root" PADKO="$padko" \
	    MODULE_SOURCE="$fx/vnet_bss.gnu.padded.ko" install) \
	    >"$d/log" 2>&1 </dev/null || st=$?
	check "bsd.kmod.mk: padded module: install succeeds" \
	    "exit status $st: $(tail -n 5 "$d/log")" [ $st -eq 0 ]
	check "bsd.kmod.mk: padded module: installed unchanged" "differs" \
	    cmp -s "$root$installed" "$fx/vnet_bss.gnu.padded.ko"
	# A module padko refuses: the install fails, the file stays as copied.
	root=$d/root.refused
	st=0
	(cd "$d/after" && rm -f if_test.ko && bmake -m "$d/mk" \
	    MACHINE_ARCH=i386 DESTDIR="$root" PADKO="$padko" \
	    MODULE_SOURCE="$fx/refuse-got.lld.ko" install) \
	    >"$d/log" 2>&1 </dev/null || st=$?
	check "bsd.kmod.mk: refused module: install fails" \
	    "exit status 0: $(cat "$d/log")" [ $st -ne 0 ]
	check "bsd.kmod.mk: refused module: padko says why" "$(cat "$d/log")" \
	    grep -q "padko: .*if_test.ko: the module has a GOT" "$d/log"
	check "bsd.kmod.mk: refused module: installed file untouched" \
	    "differs" cmp -s "$root$installed" "$fx/refuse-got.lld.ko"
}

ports() {
	need_bmake ports || return
	d=$work/ports
	mkdir -p "$d/mk" "$d/port" "$d/stage/boot/modules"
	: >"$d/mk/sys.mk"
	cat >"$d/port/Makefile" <<EOF
PORTNAME=	vendor-kmod
LOCALBASE?=	/usr/local
STAGEDIR?=	$d/stage
KMODDIR?=	/boot/modules
.include "$ex/ports-post-install.mk"
EOF
	for arch in i386 amd64; do
		st=0
		(cd "$d/port" && bmake -m "$d/mk" -n ARCH=$arch post-install) \
		    >"$d/n.$arch" 2>&1 </dev/null || st=$?
		check "ports, $arch: bmake -n post-install parses" \
		    "exit status $st: $(cat "$d/n.$arch")" [ $st -eq 0 ]
		deps=$(cd "$d/port" && bmake -m "$d/mk" ARCH=$arch -V BUILD_DEPENDS)
		if [ $arch = i386 ]; then
			check "ports, i386: the command" "$(cat "$d/n.$arch")" \
			    [ "$(cat "$d/n.$arch")" = \
			    "/usr/local/bin/padko -i $d/stage/boot/modules/*.ko" ]
			check "ports, i386: BUILD_DEPENDS on padko" "got $deps" \
			    [ "$deps" = padko:sysutils/padko ]
		else
			check "ports, $arch: nothing run" "$(cat "$d/n.$arch")" \
			    [ ! -s "$d/n.$arch" ]
			check "ports, $arch: no BUILD_DEPENDS" "got $deps" \
			    [ -z "$deps" ]
		fi
	done
	# For real, on a staging directory.
	cp "$fx/vnet_bss.gnu.ko" "$d/stage/boot/modules/a.ko"
	cp "$fx/pcpu_only.lld.ko" "$d/stage/boot/modules/b.ko"
	cp "$fx/mixed.lld.padded.ko" "$d/stage/boot/modules/c.ko"
	st=0
	(cd "$d/port" && bmake -m "$d/mk" ARCH=i386 PADKO="$padko" \
	    post-install) >"$d/log" 2>&1 </dev/null || st=$?
	check "ports, i386: post-install succeeds" \
	    "exit status $st: $(cat "$d/log")" [ $st -eq 0 ]
	check "ports, i386: a.ko padded" "differs" \
	    cmp -s "$d/stage/boot/modules/a.ko" "$work/ref/vnet_bss.gnu.ko"
	check "ports, i386: b.ko padded" "differs" \
	    cmp -s "$d/stage/boot/modules/b.ko" "$work/ref/pcpu_only.lld.ko"
	check "ports, i386: c.ko (already padded) unchanged" "differs" \
	    cmp -s "$d/stage/boot/modules/c.ko" "$fx/mixed.lld.padded.ko"
	cp "$fx/refuse-reloc-type.gnu.ko" "$d/stage/boot/modules/d.ko"
	st=0
	(cd "$d/port" && bmake -m "$d/mk" ARCH=i386 PADKO="$padko" \
	    post-install) >"$d/log" 2>&1 </dev/null || st=$?
	check "ports, i386: a refused module fails the build" \
	    "exit status 0: $(cat "$d/log")" [ $st -ne 0 ]
}

# none_written OUT: neither OUT nor a temporary file is in the directory.
none_written() {
	[ ! -e "$work/tb/$1" ] && ! ls -A "$work/tb" | grep -q '^\.'
}

# run_tarball NAME IN OUT WANT: runs the script, checks its exit status
# (WANT: ok or fail).
run_tarball() {
	name=$1 in=$2 out=$3 want=$4
	st=0
	(cd "$work/tb" && PADKO=$padko sh "$ex/pad-vendor-tarball.sh" \
	    "$in" "$out") >"$work/tb/log" 2>&1 </dev/null || st=$?
	if [ "$want" = fail ]; then
		check "tarball, $name: fails" "exit status 0: $(cat "$work/tb/log")" \
		    [ $st -ne 0 ]
		check "tarball, $name: writes nothing" "$(ls -A "$work/tb")" \
		    none_written "$out"
	else
		check "tarball, $name: succeeds" \
		    "exit status $st: $(cat "$work/tb/log")" [ $st -eq 0 ]
	fi
}

tarball() {
	d=$work/tb
	mkdir -p "$d/src/vendor/modules/extra" "$d/src/vendor/bin"
	cp "$fx/vnet_bss.gnu.ko" "$d/src/vendor/modules/if_a.ko"
	cp "$fx/pcpu_only.lld.ko" "$d/src/vendor/modules/extra/if b.ko"
	cp "$fx/mixed.lld.padded.ko" "$d/src/vendor/modules/if_c.ko"
	cp "$fx/nosets.gnu.ko" "$d/src/vendor/modules/if_d.ko"
	chmod 0600 "$d/src/vendor/modules/if_a.ko"
	cp "$fx/not-elf.ko" "$d/src/vendor/bin/vendorctl"
	printf 'Vendor drop 1.0\n' >"$d/src/vendor/README"
	(cd "$d/src" && tar -czf ../good.tar.gz vendor)
	cd "$d" || return
	run_tarball "plain and padded modules" good.tar.gz good.padded.tar.gz ok
	mkdir x
	tar -xzf good.padded.tar.gz -C x
	check "tarball: if_a.ko padded" "differs" \
	    cmp -s x/vendor/modules/if_a.ko "$work/ref/vnet_bss.gnu.ko"
	check "tarball: if_a.ko keeps its mode" "$(stat -c %a x/vendor/modules/if_a.ko)" \
	    [ "$(stat -c %a x/vendor/modules/if_a.ko)" = 600 ]
	check "tarball: 'extra/if b.ko' padded" "differs" \
	    cmp -s "x/vendor/modules/extra/if b.ko" "$work/ref/pcpu_only.lld.ko"
	check "tarball: if_c.ko (already padded) unchanged" "differs" \
	    cmp -s x/vendor/modules/if_c.ko "$fx/mixed.lld.padded.ko"
	check "tarball: if_d.ko (no sets) unchanged" "differs" \
	    cmp -s x/vendor/modules/if_d.ko "$fx/nosets.gnu.ko"
	check "tarball: other files carried over" "differ" \
	    diff -r -q --exclude='*.ko' src/vendor x/vendor
	check "tarball: the same files, no others" "$(cd x && find . | sort)" \
	    [ "$(cd x && find . | sort)" = "$(cd src && find . | sort)" ]
	check "tarball: padko --check -r accepts the result" "refused" \
	    quiet "$padko" --check -r x
	check "tarball: padko verify -r accepts the result" "refused" \
	    quiet "$padko" verify -r x
	# Nothing to pad: success, same modules.
	(cd x && tar -cf ../padded.tar vendor)
	run_tarball "already padded" padded.tar again.tar.xz ok
	mkdir y
	tar -xJf again.tar.xz -C y
	check "tarball, already padded: modules identical" "differ" \
	    diff -r -q x/vendor y/vendor
	# Failures.
	cp -a src broken
	cp "$fx/refuse-got.lld.ko" broken/vendor/modules/if_e.ko
	(cd broken && tar -czf ../broken.tar.gz vendor)
	run_tarball "a module padko refuses" broken.tar.gz out.tar.gz fail
	check "tarball, a module padko refuses: exit status 65" "$st" [ "$st" -eq 65 ]
	check "tarball, a module padko refuses: names it" "$(cat log)" \
	    grep -q "if_e.ko: the module has a GOT" log
	rm -rf broken
	cp -a src broken
	cp "$fx/not-elf.ko" broken/vendor/modules/firmware.ko
	(cd broken && tar -czf ../notelf.tar.gz vendor)
	run_tarball "a *.ko that is not ELF" notelf.tar.gz out.tar.gz fail
	mkdir -p none/vendor
	printf 'no modules\n' >none/vendor/README
	(cd none && tar -czf ../none.tar.gz vendor)
	run_tarball "no module" none.tar.gz out.tar.gz fail
	run_tarball "output name without a tar suffix" good.tar.gz out.zip fail
	check "tarball, output name without a tar suffix: usage error 64" \
	    "$st" [ "$st" -eq 64 ]
	run_tarball "missing input" missing.tar.gz out.tar.gz fail
	printf 'not a tarball\n' >junk.tar.gz
	run_tarball "unreadable tarball" junk.tar.gz out.tar.gz fail
	cd "$work" || exit 1
}

for s in $sections; do
	case $s in
	kmod|ports|tarball) $s ;;
	*)	bad "$s" "no such section" ;;
	esac
	cd "$work" || exit 1
done

echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
