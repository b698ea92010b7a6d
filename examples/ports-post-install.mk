# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# Pads the kernel modules that a port stages, on i386 only: lines for the
# Makefile of a FreeBSD port that installs modules (USES=kmod or its own
# do-install) into ${STAGEDIR}${KMODDIR}, so that the package carries
# modules that FreeBSD 12.1 and later load.  ${ARCH} must be known where
# the .if is read: put these lines after .include <bsd.port.options.mk>
# (or <bsd.port.pre.mk>).
#
# sysutils/padko below is the origin of padko in your ports tree: adjust
# it to where the port is.  PADKO is the command the snippet runs.
#
# padko -i leaves modules that need nothing as they are, and fails the
# build, with the reason, on a module it cannot pad safely.  The glob
# must match at least one module: a port that stages no module fails here.

.if ${ARCH} == i386
BUILD_DEPENDS+=	padko:sysutils/padko
PADKO?=		${LOCALBASE}/bin/padko
.endif

post-install:
.if ${ARCH} == i386
	${PADKO} -i ${STAGEDIR}${KMODDIR}/*.ko
.endif
