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
 * A small JSON writer for padko --json: objects, arrays, strings with
 * every character escaped as RFC 8259 requires, integers.  It tracks
 * nesting and commas itself, so callers cannot produce invalid JSON by
 * forgetting one.
 */
#ifndef PADKO_JSON_H
#define PADKO_JSON_H

#include <stdint.h>
#include <stdio.h>

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
