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
 * Separate debug files on the command line (debug.h says what each
 * function decides).
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "debug.h"

/* s + suffix in new memory, or NULL. */
static char *
concat(const char *s, const char *suffix)
{
	size_t len;
	char *p;

	len = strlen(s) + strlen(suffix) + 1;
	if ((p = malloc(len)) != NULL)
		snprintf(p, len, "%s%s", s, suffix);
	return (p);
}

static int
out_of_memory(const char *in, struct padko_error *e)
{

	snprintf(e->msg, sizeof(e->msg), "%s: out of memory", in);
	e->code = EX_OSERR;
	return (-1);
}

/*
 * The debug file of module in: --debug-file's, or with --with-debug
 * in.debug when it exists; *dinp NULL when none.
 */
static int
debug_input(const char *in, const struct run_options *o, char **dinp,
    struct padko_error *e)
{
	struct stat st;

	*dinp = NULL;
	if (o->debug_file != NULL)
		*dinp = strdup(o->debug_file);
	else if (o->with_debug)
		*dinp = concat(in, ".debug");
	else
		return (0);
	if (*dinp == NULL)
		return (out_of_memory(in, e));
	if (o->debug_file == NULL && stat(*dinp, &st) != 0) {
		free(*dinp);
		*dinp = NULL;
	}
	return (0);
}

int
debug_attach(struct padko_module *m, const char *in, const char *target,
    const struct run_options *o, char **doutp, struct padko_error *e)
{
	char *din;
	int rc;

	*doutp = NULL;
	if (debug_input(in, o, &din, e) != 0)
		return (-1);
	if (din == NULL)
		return (0);
	if (target == NULL || o->dry_run)
		*doutp = strdup(din);
	else
		*doutp = o->in_place ? strdup(din) : concat(target, ".debug");
	if (*doutp == NULL) {
		free(din);
		return (out_of_memory(in, e));
	}
	rc = padko_attach_debug(m, din, *doutp, e);
	free(din);
	if (rc != 0 || target == NULL || o->dry_run) {
		free(*doutp);
		*doutp = NULL;
	}
	return (rc);
}

int
debug_check(const char *in, const struct run_options *o, char **dinp,
    struct padko_debug_report *r, struct padko_error *e)
{

	memset(r, 0, sizeof(*r));
	if (debug_input(in, o, dinp, e) != 0)
		return (-1);
	if (*dinp == NULL)
		return (0);
	if (padko_debug_check(in, *dinp, r, e) != 0) {
		free(*dinp);
		*dinp = NULL;
		return (-1);
	}
	return (0);
}
