/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026, The padko developers
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE AUTHOR AND CONTRIBUTORS ``AS IS'' AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 * IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
 * ARE DISCLAIMED.  IN NO EVENT SHALL THE AUTHOR OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS
 * OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
 * LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY
 * OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF
 * SUCH DAMAGE.
 */

/*
 * A separate debug file: the moves of a module's allocated sections as it
 * needs them (debuginfo.c builds them from the plan), its rewriting (its
 * section headers, program headers, symbols and DWARF), the GNU debuglink
 * that names it with a CRC, and (padko.h's padko_debug_check()) whether
 * it matches a module.  No module is seen here.
 */
#ifndef PADKO_DEBUGFILE_H
#define PADKO_DEBUGFILE_H

#include <stddef.h>
#include <stdint.h>

#include "padko.h"

/* One allocated section of the module: where it was, where it goes. */
struct debug_move {
	const char	*name;
	uint64_t	 old_addr, old_size;
	uint64_t	 new_addr, new_size;
};

/* One program header of the module, as read and as planned. */
struct debug_segment {
	uint32_t	 type;
	uint64_t	 old_vaddr, old_memsz;
	uint64_t	 new_vaddr, new_paddr, new_memsz;
};

struct debug_moves {
	struct debug_move	*secs;
	size_t			 nsecs;
	struct debug_segment	*segs;
	size_t			 nsegs;
	uint64_t		(*map)(void *, uint64_t); /* a byte's address */
	void			*arg;
};

/* The CRC of GNU debuglink (as objcopy --add-gnu-debuglink computes it). */
uint32_t debugfile_crc32(const unsigned char *p, size_t n);

/*
 * Rewrites a debug file (objcopy --only-keep-debug of the module) for the
 * moves: *outp (malloc'd, same size as the input) is the new file.  Fails
 * with EX_DATAERR when the file does not match the module or its DWARF
 * cannot be read; nothing is returned then.
 */
int	debugfile_rewrite(const char *name, const unsigned char *in,
	    size_t size, const struct debug_moves *mv, unsigned char **outp,
	    struct padko_error *err);

/* The contents of a .gnu_debuglink section naming base with crc. */
int	debuglink_build(const char *base, uint32_t crc, unsigned char **bufp,
	    size_t *lenp, struct padko_error *err);

/* Reads a .gnu_debuglink section: 0 when well formed. */
int	debuglink_parse(const unsigned char *p, size_t n, const char **name,
	    uint32_t *crc);

#endif /* !PADKO_DEBUGFILE_H */
