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
 * Every JSON object padko prints, built from one table of members: the
 * schema.  The writer at the top escapes strings as RFC 8259 requires and
 * tracks nesting and commas, so nothing can produce invalid JSON by
 * forgetting one; the tables below say which members each object has,
 * in which order, of which type and when; json_print_module() walks
 * them, and json_print_schema() prints them for the tests, which check
 * the output and the manual against them: written once, the members
 * cannot drift apart in the code, the tests and padko(1).
 */

#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
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

/*
 * The schema.  Each object is a list of members in the order printed;
 * each member reads its value at an offset in the object's record (a
 * record of the library, or struct view for the module's own object).
 */

enum json_type {
	JT_STRING,	/* const char *, NULL printed as "" */
	JT_NULLABLE,	/* const char *, NULL printed as null */
	JT_BOOL,	/* int */
	JT_INT,		/* int */
	JT_U32,		/* uint32_t */
	JT_U64,		/* uint64_t */
	JT_SIZE,	/* size_t */
	JT_ENUM,	/* an enum, printed by its name */
	JT_OBJECT,	/* an object whose members are in the same record */
	JT_ARRAY	/* an array of objects */
};

enum json_when {
	WHEN_ALWAYS,
	WHEN_NO_ERROR,	/* not in the object of a module in error */
	WHEN_TEXT	/* when the string member named by if_text is not "" */
};

/* The names of an enum's values; first to last are those printed. */
struct json_enum {
	const char	*(*name)(int);
	int		 first, last;
};

struct json_object;

/* An array's elements: count of them, and each (NULL: not printed). */
struct json_array {
	const struct json_object *element;
	size_t		(*count)(const void *rec);
	const void	*(*get)(const void *rec, size_t i);
};

struct json_field {
	const char		*name;
	enum json_type		 type;
	size_t			 at;	/* offset in the record */
	enum json_when		 when;
	const char		*if_text;	/* WHEN_TEXT */
	unsigned		 part;	/* JSON_* part; 0: every mode */
	const struct json_enum	*values;	/* JT_ENUM */
	const struct json_object *object;	/* JT_OBJECT */
	const struct json_array	*array;		/* JT_ARRAY */
};

struct json_object {
	const char		*name;	/* in the schema */
	const struct json_field	*fields;
	size_t			 nfields;
};

/* A member: its name, its type and where its value is. */
#define	M(n, t, offset)	.name = (n), .type = (t), .at = (offset)
/* Present when the string member s is not empty. */
#define	TEXT(s)		.when = WHEN_TEXT, .if_text = (s)

#define	OBJECT(name, fields)	\
	{ (name), (fields), sizeof(fields) / sizeof((fields)[0]) }

/* A set of the verdict, with its kind (the report indexes by kind). */
struct verify_set {
	int		kind;
	uint64_t	start, stop;
	uint32_t	last_word;
	int		relocated;
};

/* The module's object as its members read it. */
struct view {
	const char	*path;
	int		 status;
	int		 exit;
	const char	*error;
	unsigned	 parts;
	const struct padko_module *m;
	int		 relocatable;
	const char	*output;
	const char	*debug_output;
	int		 kernel;
	int		 accepted;
	const char	*message;
	size_t		 relative_moved;
	size_t		 relative_at_end;
	struct verify_set sets[PADKO_NSET_KINDS];
	size_t		 nsets;
	/* A debug file checked against the module. */
	const char	*debug_path;
	int		 debug_matches;
	char		 debug_crc[9];
	const char	*debug_crc_p;
	const char	*link_name;	/* NULL: no .gnu_debuglink */
	char		 link_crc[9];
	const char	*link_crc_p;
	size_t		 debug_sections;
	size_t		 debug_symbols;
	const char	*debug_first;	/* NULL when it matches */
};

/* Enums are read as int: the library's are. */
_Static_assert(sizeof(enum padko_set_kind) == sizeof(int) &&
    sizeof(enum padko_set_state) == sizeof(int) &&
    sizeof(enum padko_boundary_meaning) == sizeof(int),
    "an enum of the library is not int-sized");

static const char *
set_name(int v)
{

	return (padko_set_name((enum padko_set_kind)v));
}

static const char *
meaning_name(int v)
{

	return (padko_meaning_name((enum padko_boundary_meaning)v));
}

static const char *
state_name(int v)
{

	switch ((enum padko_set_state)v) {
	case PADKO_SET_ABSENT:
		return ("absent");
	case PADKO_SET_EMPTY:
		return ("empty");
	case PADKO_SET_PADDED:
		return ("already-padded");
	case PADKO_SET_PAD_IN_PLACE:
		return ("pad-in-place");
	case PADKO_SET_PAD_MOVING:
		return ("pad-moving");
	}
	return ("?");
}

static const char *
kernel_value(int v)
{

	return (kernel_name((enum padko_kernel)v));
}

static const char *const status_names[JSON_NSTATUSES] = {
	[JSON_ERROR] =		"error",
	[JSON_PADDED] =		"padded",
	[JSON_WOULD_PAD] =	"would-pad",
	[JSON_UNCHANGED] =	"unchanged",
	[JSON_NEEDS_PADDING] =	"needs-padding",
	[JSON_OK] =		"ok",
	[JSON_ACCEPTED] =	"accepted",
	[JSON_REFUSED] =	"refused"
};

static const char *
status_name(int v)
{

	return (status_names[v]);
}

static const struct json_enum set_names = {
	set_name, PADKO_SET_VNET, PADKO_SET_PCPU
};
static const struct json_enum meanings = {
	meaning_name, PADKO_BOUNDARY_END, PADKO_BOUNDARY_DISPLACED
};
/* An absent set is not printed. */
static const struct json_enum set_states = {
	state_name, PADKO_SET_EMPTY, PADKO_SET_PAD_MOVING
};
static const struct json_enum kernels = {
	kernel_value, PADKO_KERNEL_CURRENT, PADKO_KERNEL_LEGACY
};
static const struct json_enum statuses = {
	status_name, JSON_ERROR, JSON_NSTATUSES - 1
};

/* padko_plan()'s sets: the struct padko_set_report of each present set. */
#define	SET(member)	offsetof(struct padko_set_report, member)

static const struct json_field old_fields[] = {
	{ M("start", JT_U64, SET(old_start)) },
	{ M("end", JT_U64, SET(old_end)) }
};
static const struct json_field new_fields[] = {
	{ M("start", JT_U64, SET(new_start)) },
	{ M("end", JT_U64, SET(new_end)) }
};
static const struct json_object old_range = OBJECT("old-range", old_fields);
static const struct json_object new_range = OBJECT("new-range", new_fields);

static const struct json_field plan_set_fields[] = {
	{ M("name", JT_ENUM, SET(kind)), .values = &set_names },
	{ M("state", JT_ENUM, SET(state)), .values = &set_states },
	{ M("old", JT_OBJECT, 0), .object = &old_range },
	{ M("new", JT_OBJECT, 0), .object = &new_range },
	{ M("following_shift", JT_U64, SET(next_shift)) },
	{ M("exported", JT_BOOL, SET(has_symbols)) }
};
static const struct json_object plan_set = OBJECT("plan-set",
    plan_set_fields);

/* A reference at a set's old end (boundary) or start (lint). */
#define	REF(member)	offsetof(struct padko_boundary_report, member)

static const struct json_field ref_fields[] = {
	{ M("set", JT_ENUM, REF(set)), .values = &set_names },
	{ M("r_offset", JT_U64, REF(where)) },
	{ M("value", JT_U64, REF(old_value)) },
	{ M("new_value", JT_U64, REF(new_value)) },
	{ M("meaning", JT_ENUM, REF(meaning)), .values = &meanings },
	{ M("decided", JT_BOOL, REF(decided)) },
	{ M("evidence", JT_STRING, REF(evidence)) },
	{ M("insn_address", JT_U64, REF(insn_addr)), TEXT("insn") },
	{ M("insn", JT_STRING, REF(insn)), TEXT("insn") },
	{ M("target", JT_U64, REF(target)), TEXT("target_name") },
	{ M("target_name", JT_STRING, REF(target_name)), TEXT("target_name") }
};
static const struct json_object ref = OBJECT("reference", ref_fields);

/* A section placed further than the linker would have placed it. */
#define	NOTE(member)	offsetof(struct padko_layout_note, member)

static const struct json_field layout_fields[] = {
	{ M("section", JT_STRING, NOTE(section)) },
	{ M("linker_address", JT_U64, NOTE(linker_addr)) },
	{ M("address", JT_U64, NOTE(new_addr)) },
	{ M("r_offset", JT_U64, NOTE(where)) },
	{ M("reason", JT_STRING, NOTE(reason)) }
};
static const struct json_object layout = OBJECT("layout", layout_fields);

/* A reference the kernel would relocate wrongly. */
#define	HAZARD(member)	offsetof(struct padko_hazard, member)

static const struct json_field hazard_fields[] = {
	{ M("set", JT_ENUM, HAZARD(set)), .values = &set_names },
	{ M("r_offset", JT_U64, HAZARD(where)) },
	{ M("value", JT_U64, HAZARD(value)) },
	{ M("insn_address", JT_U64, HAZARD(insn_addr)), TEXT("insn") },
	{ M("insn", JT_STRING, HAZARD(insn)), TEXT("insn") },
	{ M("target_name", JT_STRING, HAZARD(target_name)) },
	{ M("what", JT_STRING, HAZARD(what)) }
};
static const struct json_object hazard = OBJECT("hazard", hazard_fields);

/* A set as the kernel model found it. */
#define	VSET(member)	offsetof(struct verify_set, member)

static const struct json_field range_fields[] = {
	{ M("start", JT_U64, VSET(start)) },
	{ M("end", JT_U64, VSET(stop)) }
};
static const struct json_object range = OBJECT("range", range_fields);

static const struct json_field verify_set_fields[] = {
	{ M("name", JT_ENUM, VSET(kind)), .values = &set_names },
	{ M("range", JT_OBJECT, 0), .object = &range },
	{ M("last_word", JT_U32, VSET(last_word)) },
	{ M("relocated", JT_BOOL, VSET(relocated)) }
};
static const struct json_object verify_set = OBJECT("verify-set",
    verify_set_fields);

/* A debug file checked against its module (in the module's view). */
static const struct json_field debug_fields[] = {
	{ M("path", JT_STRING, offsetof(struct view, debug_path)) },
	{ M("matches", JT_BOOL, offsetof(struct view, debug_matches)) },
	{ M("crc", JT_STRING, offsetof(struct view, debug_crc_p)) },
	{ M("link_name", JT_NULLABLE, offsetof(struct view, link_name)) },
	{ M("link_crc", JT_NULLABLE, offsetof(struct view, link_crc_p)) },
	{ M("sections_differing", JT_SIZE,
	    offsetof(struct view, debug_sections)) },
	{ M("symbols_differing", JT_SIZE,
	    offsetof(struct view, debug_symbols)) },
	{ M("first_difference", JT_NULLABLE,
	    offsetof(struct view, debug_first)) }
};
static const struct json_object debug_file = OBJECT("debug-file",
    debug_fields);

/* The arrays of a module's object, read from its view. */
static size_t
plan_set_count(const void *rec)
{

	(void)rec;
	return (PADKO_NSET_KINDS);
}

static const void *
plan_set_get(const void *rec, size_t i)
{
	const struct view *v = rec;
	const struct padko_set_report *r;

	r = padko_set_report(v->m, (enum padko_set_kind)i);
	return (r->state == PADKO_SET_ABSENT ? NULL : r);
}

static size_t
boundary_count(const void *rec)
{

	return (padko_boundary_count(((const struct view *)rec)->m));
}

static const void *
boundary_get(const void *rec, size_t i)
{

	return (padko_boundary(((const struct view *)rec)->m, i));
}

static size_t
layout_count(const void *rec)
{

	return (padko_layout_note_count(((const struct view *)rec)->m));
}

static const void *
layout_get(const void *rec, size_t i)
{

	return (padko_layout_note(((const struct view *)rec)->m, i));
}

static size_t
lint_count(const void *rec)
{

	return (padko_lint_count(((const struct view *)rec)->m));
}

static const void *
lint_get(const void *rec, size_t i)
{

	return (padko_lint(((const struct view *)rec)->m, i));
}

static size_t
verify_set_count(const void *rec)
{

	return (((const struct view *)rec)->nsets);
}

static const void *
verify_set_get(const void *rec, size_t i)
{

	return (&((const struct view *)rec)->sets[i]);
}

/* Hazards: none when the module was not scanned. */
static size_t
hazard_count(const void *rec)
{
	const struct view *v = rec;

	return (v->m != NULL ? padko_hazard_count(v->m) : 0);
}

static const void *
hazard_get(const void *rec, size_t i)
{

	return (padko_hazard(((const struct view *)rec)->m, i));
}

static const struct json_array plan_sets = {
	&plan_set, plan_set_count, plan_set_get
};
static const struct json_array boundary = {
	&ref, boundary_count, boundary_get
};
static const struct json_array layouts = {
	&layout, layout_count, layout_get
};
static const struct json_array lints = { &ref, lint_count, lint_get };
static const struct json_array verify_sets = {
	&verify_set, verify_set_count, verify_set_get
};
static const struct json_array hazards = {
	&hazard, hazard_count, hazard_get
};

/* A module's object: the envelope, and the parts of its mode. */
#define	VIEW(member)	offsetof(struct view, member)
#define	PART(p)		.when = WHEN_NO_ERROR, .part = (p)

static const struct json_field module_fields[] = {
	{ M("path", JT_STRING, VIEW(path)) },
	{ M("relocatable", JT_BOOL, VIEW(relocatable)), PART(JSON_PLAN) },
	{ M("sets", JT_ARRAY, 0), PART(JSON_PLAN),
	    .array = &plan_sets },
	{ M("boundary", JT_ARRAY, 0), PART(JSON_PLAN),
	    .array = &boundary },
	{ M("layout", JT_ARRAY, 0), PART(JSON_PLAN),
	    .array = &layouts },
	{ M("lint", JT_ARRAY, 0), PART(JSON_LINT),
	    .array = &lints },
	/* Present in an error's object too: null. */
	{ M("output", JT_NULLABLE, VIEW(output)), .part = JSON_OUTPUT },
	{ M("debug_output", JT_NULLABLE, VIEW(debug_output)),
	    .part = JSON_DEBUG_OUTPUT },
	{ M("kernel", JT_ENUM, VIEW(kernel)), PART(JSON_VERIFY),
	    .values = &kernels },
	{ M("accepted", JT_BOOL, VIEW(accepted)), PART(JSON_VERIFY) },
	{ M("message", JT_STRING, VIEW(message)), PART(JSON_VERIFY) },
	{ M("sets", JT_ARRAY, 0), PART(JSON_VERIFY),
	    .array = &verify_sets },
	{ M("relative_moved", JT_SIZE, VIEW(relative_moved)),
	    PART(JSON_VERIFY) },
	{ M("relative_at_end", JT_SIZE, VIEW(relative_at_end)),
	    PART(JSON_VERIFY) },
	{ M("hazards", JT_ARRAY, 0), PART(JSON_VERIFY),
	    .array = &hazards },
	{ M("debug_file", JT_OBJECT, 0), PART(JSON_DEBUG_FILE),
	    .object = &debug_file },
	{ M("status", JT_ENUM, VIEW(status)),
	    .values = &statuses },
	{ M("exit", JT_INT, VIEW(exit)) },
	{ M("error", JT_NULLABLE, VIEW(error)) }
};
static const struct json_object module = OBJECT("module", module_fields);

/* Every object, for the schema. */
static const struct json_object *const objects[] = {
	&module, &plan_set, &old_range, &new_range, &ref, &layout,
	&verify_set, &range, &hazard, &debug_file
};

static const char *const part_names[] = {
	"plan", "lint", "output", "verify", "debug-output", "debug-file"
};

/* The value of a member of the record. */
static const void *
member(const void *rec, const struct json_field *f)
{

	return ((const char *)rec + f->at);
}

static const char *
string_member(const void *rec, const struct json_field *f)
{

	return (*(const char *const *)member(rec, f));
}

/* Whether a member is printed, in an object of a module given by v. */
static int
present(const struct json_object *o, const struct json_field *f,
    const void *rec, const struct view *v)
{
	const char *s;
	size_t i;

	if (f->part != 0 && (v->parts & f->part) == 0)
		return (0);
	switch (f->when) {
	case WHEN_ALWAYS:
		return (1);
	case WHEN_NO_ERROR:
		return (v->status != JSON_ERROR);
	case WHEN_TEXT:
		for (i = 0; i < o->nfields; i++)
			if (strcmp(o->fields[i].name, f->if_text) == 0)
				break;
		s = i < o->nfields ? string_member(rec, &o->fields[i]) : NULL;
		return (s != NULL && s[0] != '\0');
	}
	return (0);
}

static void	write_object(struct json *j, const struct json_object *o,
		    const void *rec, const struct view *v);

static void
write_array(struct json *j, const struct json_array *a, const struct view *v)
{
	const void *e;
	size_t i, n;

	json_begin_array(j);
	n = a->count(v);
	for (i = 0; i < n; i++)
		if ((e = a->get(v, i)) != NULL)
			write_object(j, a->element, e, v);
	json_end_array(j);
}

/* Writes a member: its key and its value. */
static void
write_member(struct json *j, const struct json_field *f, const void *rec,
    const struct view *v)
{
	const char *key = f->name;
	const void *p;

	p = member(rec, f);
	switch (f->type) {
	case JT_STRING:
		json_kstring(j, key, *(const char *const *)p);
		break;
	case JT_NULLABLE:
		json_key(j, key);
		if (*(const char *const *)p != NULL)
			json_string(j, *(const char *const *)p);
		else
			json_null(j);
		break;
	case JT_BOOL:
		json_kbool(j, key, *(const int *)p);
		break;
	case JT_INT:
		json_kint(j, key, *(const int *)p);
		break;
	case JT_U32:
		json_kuint(j, key, *(const uint32_t *)p);
		break;
	case JT_U64:
		json_kuint(j, key, *(const uint64_t *)p);
		break;
	case JT_SIZE:
		json_kuint(j, key, *(const size_t *)p);
		break;
	case JT_ENUM:
		json_kstring(j, key, f->values->name(*(const int *)p));
		break;
	case JT_OBJECT:
		json_key(j, key);
		write_object(j, f->object, rec, v);
		break;
	case JT_ARRAY:
		json_key(j, key);
		write_array(j, f->array, v);
		break;
	}
}

static void
write_object(struct json *j, const struct json_object *o, const void *rec,
    const struct view *v)
{
	size_t i;

	json_begin_object(j);
	for (i = 0; i < o->nfields; i++)
		if (present(o, &o->fields[i], rec, v))
			write_member(j, &o->fields[i], rec, v);
	json_end_object(j);
}

/* The debug file's members of the view. */
static void
make_debug_view(struct view *v, const struct json_module *r)
{
	const struct padko_debug_report *d = r->debug;

	v->debug_path = r->debug_path;
	v->debug_matches = d->matches;
	snprintf(v->debug_crc, sizeof(v->debug_crc), "%08" PRIx32, d->crc);
	v->debug_crc_p = v->debug_crc;
	v->link_name = d->has_link ? d->link_name : NULL;
	snprintf(v->link_crc, sizeof(v->link_crc), "%08" PRIx32, d->link_crc);
	v->link_crc_p = d->has_link ? v->link_crc : NULL;
	v->debug_sections = d->sections;
	v->debug_symbols = d->symbols;
	v->debug_first = d->matches ? NULL : d->first;
}

/* The view of a module's object: what its members read. */
static void
make_view(struct view *v, const struct json_module *r)
{
	const struct padko_verify_report *vr;
	int k;

	memset(v, 0, sizeof(*v));
	v->path = r->path;
	v->status = r->status;
	v->exit = r->exit;
	v->error = r->error != NULL && r->exit != 0 &&
	    r->error->msg[0] != '\0' ? r->error->msg : NULL;
	v->parts = r->parts;
	v->m = r->m;
	v->output = r->output;
	v->debug_output = r->debug_output;
	if (r->status == JSON_ERROR)
		return;
	if (r->debug != NULL)
		make_debug_view(v, r);
	if ((r->parts & JSON_PLAN) != 0)
		v->relocatable = padko_is_relocatable(r->m);
	if ((vr = r->verdict) == NULL || (r->parts & JSON_VERIFY) == 0)
		return;
	v->kernel = r->kernel;
	v->accepted = vr->accepted;
	v->message = vr->message;
	v->relative_moved = vr->relative_moved;
	v->relative_at_end = vr->relative_at_end;
	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		if (!vr->sets[k].present)
			continue;
		v->sets[v->nsets].kind = k;
		v->sets[v->nsets].start = vr->sets[k].start;
		v->sets[v->nsets].stop = vr->sets[k].stop;
		v->sets[v->nsets].last_word = vr->sets[k].last_word;
		v->sets[v->nsets].relocated = vr->sets[k].relocated;
		v->nsets++;
	}
}

void
json_print_module(FILE *out, const struct json_module *r)
{
	struct json j;
	struct view v;

	make_view(&v, r);
	json_init(&j, out);
	write_object(&j, &module, &v, &v);
	fputc('\n', out);
}

/* Prints bits as the names of names[], comma-separated ("-": none). */
static void
print_names(FILE *out, unsigned bits, const char *const *names, size_t n)
{
	const char *sep;
	size_t i;

	sep = "";
	for (i = 0; i < n; i++)
		if ((bits & 1u << i) != 0) {
			fprintf(out, "%s%s", sep, names[i]);
			sep = ",";
		}
	if (sep[0] == '\0')
		fputc('-', out);
}

/* mode NAME PARTS STATUSES */
void
json_print_mode(FILE *out, const char *name, unsigned parts,
    unsigned statuses)
{

	fprintf(out, "mode\t%s\t", name);
	print_names(out, parts, part_names,
	    sizeof(part_names) / sizeof(part_names[0]));
	fputc('\t', out);
	print_names(out, statuses, status_names, JSON_NSTATUSES);
	fputc('\n', out);
}

static const char *
type_name(const struct json_field *f)
{
	static const char *const names[] = {
		[JT_STRING] = "string", [JT_NULLABLE] = "string-or-null",
		[JT_BOOL] = "boolean", [JT_INT] = "number",
		[JT_U32] = "number", [JT_U64] = "number",
		[JT_SIZE] = "number", [JT_ENUM] = "string",
		[JT_OBJECT] = "object", [JT_ARRAY] = "array"
	};

	return (names[f->type]);
}

/*
 * member OBJECT NAME TYPE[:ELEMENT] WHEN PART VALUES, WHEN being always,
 * unless-error or if:MEMBER (that string member is not empty).
 */
static void
print_member(FILE *out, const struct json_object *o,
    const struct json_field *f)
{
	int v;

	fprintf(out, "member\t%s\t%s\t%s", o->name, f->name, type_name(f));
	if (f->type == JT_OBJECT)
		fprintf(out, ":%s", f->object->name);
	else if (f->type == JT_ARRAY)
		fprintf(out, ":%s", f->array->element->name);
	if (f->when == WHEN_TEXT)
		fprintf(out, "\tif:%s\t", f->if_text);
	else
		fprintf(out, "\t%s\t", f->when == WHEN_ALWAYS ? "always" :
		    "unless-error");
	print_names(out, f->part, part_names,
	    sizeof(part_names) / sizeof(part_names[0]));
	fputc('\t', out);
	if (f->type != JT_ENUM)
		fputc('-', out);
	else
		for (v = f->values->first; v <= f->values->last; v++)
			fprintf(out, "%s%s", v == f->values->first ? "" : ",",
			    f->values->name(v));
	fputc('\n', out);
}

void
json_print_schema(FILE *out)
{
	size_t i, k;

	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		for (k = 0; k < objects[i]->nfields; k++)
			print_member(out, objects[i], &objects[i]->fields[k]);
}
