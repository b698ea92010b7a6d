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

#include <inttypes.h>
#include <stdio.h>

#include "json.h"

void
json_init(struct json *j, FILE *out)
{

	j->out = out;
	j->depth = 0;
	j->count[0] = 0;
	j->key_pending = 0;
}

/* Writes the comma before a value or key, unless it follows a key. */
static void
separate(struct json *j)
{

	if (j->key_pending) {
		j->key_pending = 0;
		return;
	}
	if (j->count[j->depth]++ > 0)
		fputc(',', j->out);
}

static void
open_level(struct json *j, int c)
{

	separate(j);
	fputc(c, j->out);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->count[j->depth] = 0;
}

static void
close_level(struct json *j, int c)
{

	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
}

void
json_begin_object(struct json *j)
{

	open_level(j, '{');
}

void
json_end_object(struct json *j)
{

	close_level(j, '}');
}

void
json_begin_array(struct json *j)
{

	open_level(j, '[');
}

void
json_end_array(struct json *j)
{

	close_level(j, ']');
}

/*
 * The length of the valid UTF-8 sequence at p (2 to 4), or 0 if the bytes
 * there are not one (overlong forms and surrogates included).
 */
static int
utf8_length(const unsigned char *p)
{
	uint32_t cp;
	int i, n;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return (0);
	return (n);
}

/*
 * Writes a string literal: quotes, backslashes and control characters
 * escaped, valid UTF-8 kept, any other byte (a file name need not be
 * UTF-8) replaced by U+FFFD.
 */
static void
write_string(FILE *out, const char *s)
{
	const unsigned char *p;
	int n;

	fputc('"', out);
	for (p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0';
	    p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else if (*p < 0x80)
				fputc(*p, out);
			else if ((n = utf8_length(p)) > 0) {
				fwrite(p, 1, (size_t)n, out);
				p += n - 1;
			} else
				fputs("\\ufffd", out);
		}
	}
	fputc('"', out);
}

void
json_key(struct json *j, const char *key)
{

	separate(j);
	write_string(j->out, key);
	fputc(':', j->out);
	j->key_pending = 1;
}

void
json_string(struct json *j, const char *s)
{

	separate(j);
	write_string(j->out, s);
}

void
json_uint(struct json *j, uint64_t v)
{

	separate(j);
	fprintf(j->out, "%" PRIu64, v);
}

void
json_int(struct json *j, int64_t v)
{

	separate(j);
	fprintf(j->out, "%" PRId64, v);
}

void
json_bool(struct json *j, int v)
{

	separate(j);
	fputs(v ? "true" : "false", j->out);
}

void
json_null(struct json *j)
{

	separate(j);
	fputs("null", j->out);
}

void
json_kstring(struct json *j, const char *key, const char *s)
{

	json_key(j, key);
	json_string(j, s);
}

void
json_kuint(struct json *j, const char *key, uint64_t v)
{

	json_key(j, key);
	json_uint(j, v);
}

void
json_kint(struct json *j, const char *key, int64_t v)
{

	json_key(j, key);
	json_int(j, v);
}

void
json_kbool(struct json *j, const char *key, int v)
{

	json_key(j, key);
	json_bool(j, v);
}
