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
 * The text report: what padko prints about a module in words, apart from
 * its JSON (json.h), so that each format is whole in one file.
 */
#ifndef PADKO_TEXT_H
#define PADKO_TEXT_H

#include <stdio.h>

#include "padko.h"

/* The plan: sets, boundary references and (with lint) start references. */
void	text_plan(FILE *out, const char *path, const struct padko_module *m,
	    int lint);

/* The references a kernel would relocate wrongly. */
void	text_hazards(FILE *out, const char *path,
	    const struct padko_module *m);

/*
 * One warning per reference the evidence did not decide: kept NEXT when
 * padded (--guess-undecided), else what padding would do with it.
 */
void	text_undecided(FILE *err, const char *path,
	    const struct padko_module *m, int padded);

/* The kernel model's verdict. */
void	text_verify(FILE *out, const char *path, enum padko_kernel kernel,
	    const struct padko_verify_report *r);

/* Whether the debug file at debug matches the module at path. */
void	text_debug(FILE *out, const char *path, const char *debug,
	    const struct padko_debug_report *r);

#endif /* !PADKO_TEXT_H */
