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
 * The command's side of separate debug files: which file goes with a
 * module (--debug-file, or with --with-debug M.ko.debug beside M.ko),
 * where the rewritten one is written (beside the output, or in place with
 * -i), and the check of one against its module for verify and analyze.
 * The work is the library's (padko_attach_debug, padko_debug_check).
 */
#ifndef PADKO_DEBUG_H
#define PADKO_DEBUG_H

#include "command.h"
#include "padko.h"

/*
 * Padding: rewrites the debug file of module in, if it has one, for the
 * plan of m, to be written with it to *doutp: target + ".debug" (so -d
 * DIR writes DIR/M.ko.debug), the debug file itself with -i; a dry run
 * (target NULL, or -n) checks it only, and *doutp is NULL.  Returns 0 or
 * -1 with e filled.
 */
int	debug_attach(struct padko_module *m, const char *in, const char *target,
	    const struct run_options *o, char **doutp, struct padko_error *e);

/*
 * verify and analyze: compares the debug file of module in, if it has
 * one (*dinp its path, else NULL), with the module into r.  Returns 0 or
 * -1 with e filled when a file cannot be read.
 */
int	debug_check(const char *in, const struct run_options *o, char **dinp,
	    struct padko_debug_report *r, struct padko_error *e);

#endif /* !PADKO_DEBUG_H */
