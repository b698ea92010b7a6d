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
 * The module's side of its debug information (debuginfo.c): its embedded
 * DWARF rewritten through the plan, the moves a separate debug file needs,
 * and that file read, checked and rewritten for the module.
 */
#ifndef PADKO_DEBUGINFO_H
#define PADKO_DEBUGINFO_H

#include <stddef.h>

#include "debugfile.h"
#include "padko.h"

struct module;
struct section;

/* The writable copy of a module section (rewrite.c's section_out). */
typedef unsigned char *(*debuginfo_out_fn)(struct module *,
	    struct section *, struct padko_error *);

/*
 * Maps every address field of the module's DWARF through the plan, into
 * copies that out makes; DWARF that cannot be read is refused first.
 */
int	debuginfo_rewrite(struct module *m, debuginfo_out_fn out,
	    struct padko_error *err);
/* The plan's moves, as a debug file needs them (debug_moves_free()). */
int	debuginfo_moves(struct module *m, struct debug_moves *mv,
	    struct padko_error *err);
void	debug_moves_free(struct debug_moves *mv);

/* A module's separate debug file, rewritten and waiting to be written. */
struct debug_attach {
	char		*out_path;
	unsigned char	*bytes;
	size_t		 size;
};

/*
 * Reads the debug file at in_path, checks it against the module's
 * .gnu_debuglink (CRC) and sections, rewrites it for the plan, and points
 * the module's .gnu_debuglink at out_path's name with the new CRC.
 */
int	debuginfo_attach(struct module *m, const char *in_path,
	    const char *out_path, struct debug_attach **ap,
	    struct padko_error *err);
void	debuginfo_detach(struct debug_attach *a);

#endif /* !PADKO_DEBUGINFO_H */
