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
 * padko --json: one object per module, built in json.c alone from its
 * table of members (the schema), which also prints itself for the tests
 * (the manual's list of members is checked against it).  A caller says
 * what a module gave in a struct json_module and which parts its mode
 * prints.  Below it, a small JSON writer: objects, arrays, strings with
 * every character escaped as RFC 8259 requires, integers; it tracks
 * nesting and commas itself, so nothing can produce invalid JSON by
 * forgetting one.
 */
#ifndef PADKO_JSON_H
#define PADKO_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "padko.h"

/* The parts of an object beyond path, status, exit and error. */
#define	JSON_PLAN	0x1	/* the plan: relocatable ... layout */
#define	JSON_LINT	0x2	/* lint (analyze) */
#define	JSON_OUTPUT	0x4	/* output (padding) */
#define	JSON_VERIFY	0x8	/* the verdict, hazards */
#define	JSON_DEBUG_OUTPUT 0x10	/* debug_output (padding with a debug file) */
#define	JSON_DEBUG_FILE	0x20	/* debug_file (verify, analyze: one checked) */

/* The "status" member. */
enum json_status {
	JSON_ERROR,
	JSON_PADDED,
	JSON_WOULD_PAD,
	JSON_UNCHANGED,
	JSON_NEEDS_PADDING,
	JSON_OK,
	JSON_ACCEPTED,
	JSON_REFUSED,
	JSON_NSTATUSES
};

/* What one module gave; only the parts in parts are read. */
struct json_module {
	const char			*path;
	unsigned			 parts;
	enum json_status		 status;
	int				 exit;
	const struct padko_error	*error;	/* said when exit != 0 */
	/* Planned (JSON_PLAN, JSON_LINT), scanned (JSON_VERIFY; or NULL). */
	const struct padko_module	*m;
	const char			*output; /* written, or NULL */
	const struct padko_verify_report *verdict;
	enum padko_kernel		 kernel;
	const char			*debug_output; /* written, or NULL */
	const char			*debug_path;	/* JSON_DEBUG_FILE */
	const struct padko_debug_report	*debug;
};

/* Prints a module's object on one line. */
void	json_print_module(FILE *out, const struct json_module *r);

/* The schema: a line per mode (from the mode table), then per member. */
void	json_print_mode(FILE *out, const char *name, unsigned parts,
	    unsigned statuses);
void	json_print_schema(FILE *out);

/* The writer. */
#define	JSON_MAX_DEPTH	16

struct json {
	FILE	*out;
	int	 depth;
	int	 count[JSON_MAX_DEPTH];	/* members written at each level */
	int	 key_pending;		/* a key was written, value expected */
};

void	json_init(struct json *j, FILE *out);
void	json_begin_object(struct json *j);
void	json_end_object(struct json *j);
void	json_begin_array(struct json *j);
void	json_end_array(struct json *j);
void	json_key(struct json *j, const char *key);
void	json_string(struct json *j, const char *s);
void	json_uint(struct json *j, uint64_t v);
void	json_int(struct json *j, int64_t v);
void	json_bool(struct json *j, int v);
void	json_null(struct json *j);

/* Shorthands for "key": value. */
void	json_kstring(struct json *j, const char *key, const char *s);
void	json_kuint(struct json *j, const char *key, uint64_t v);
void	json_kint(struct json *j, const char *key, int64_t v);
void	json_kbool(struct json *j, const char *key, int v);

#endif /* !PADKO_JSON_H */
