# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# Pads the module that make install has just installed, on i386 only: a
# fragment for the Makefile of a FreeBSD kernel module built with
# <bsd.kmod.mk>.  Add its lines (or .include this file) after
# .include <bsd.kmod.mk>, for example:
#
#	KMOD=	if_vendor
#	SRCS=	if_vendor.c device_if.h bus_if.h
#
#	.include <bsd.kmod.mk>
#	.include "bsd.kmod.mk-afterinstall.mk"
#
# bsd.kmod.mk installs ${KMOD}.ko into ${DESTDIR}${KMODDIR} (realinstall),
# then makes afterinstall, where padko replaces it with its padded form
# (atomically, keeping its mode and owner).  A module that needs nothing
# (already padded, or without linker sets) is left alone; one that padko
# cannot pad safely fails the install, with the reason, and the installed
# file is left as it was.  If the Makefile already has commands for
# afterinstall, add the padko line to them instead: make takes only one
# set of commands per target.
#
# PADKO is the padko command (default: padko, through PATH).

.if ${MACHINE_ARCH} == "i386"
PADKO?=	padko

afterinstall:
	${PADKO} -i ${DESTDIR}${KMODDIR}/${KMOD}.ko
.endif
