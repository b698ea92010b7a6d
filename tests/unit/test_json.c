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
 * Unit tests of the JSON writer behind padko --json (padko/json.c): the
 * exact text it writes for nesting, separators, every kind of value, and
 * strings: quotes, backslashes and every control character escaped, valid
 * UTF-8 kept as it is, and every byte that does not start a valid UTF-8
 * sequence (lone continuation bytes, overlong forms, surrogates, code
 * points past U+10FFFF, sequences cut short) replaced by \ufffd, so that
 * the output is valid JSON whatever a file name holds.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

/* A writer on a memory stream. */
struct sink {
	FILE		*f;
	char		*buf;
	size_t		 len;
	struct json	 j;
};

static void
sink_open(struct sink *s)
{

	s->buf = NULL;
	s->len = 0;
	s->f = open_memstream(&s->buf, &s->len);
	assert_non_null(s->f);
	json_init(&s->j, s->f);
}

/* Closes the stream and asserts that exactly want was written. */
static void
sink_expect(struct sink *s, const char *want)
{

	assert_int_equal(fclose(s->f), 0);
	assert_non_null(s->buf);
	assert_int_equal(s->len, strlen(s->buf));
	assert_string_equal(s->buf, want);
	free(s->buf);
}

/* Asserts that json_string(in) writes exactly want (quotes included). */
static void
assert_json_string(const char *in, const char *want)
{
	struct sink s;

	sink_open(&s);
	json_string(&s.j, in);
	sink_expect(&s, want);
}

static void
test_empty_object(void **state)
{
	struct sink s;

	(void)state;
	sink_open(&s);
	json_begin_object(&s.j);
	json_end_object(&s.j);
	sink_expect(&s, "{}");
}

static void
test_empty_array(void **state)
{
	struct sink s;

	(void)state;
	sink_open(&s);
	json_begin_array(&s.j);
	json_end_array(&s.j);
	sink_expect(&s, "[]");
}

static void
test_nesting_and_commas(void **state)
{
	struct sink s;

	(void)state;
	sink_open(&s);
	json_begin_object(&s.j);
	json_kuint(&s.j, "a", 1);
	json_key(&s.j, "b");
	json_begin_array(&s.j);
	json_uint(&s.j, 1);
	json_string(&s.j, "x");
	json_begin_object(&s.j);
	json_end_object(&s.j);
	json_begin_array(&s.j);
	json_end_array(&s.j);
	json_null(&s.j);
	json_end_array(&s.j);
	json_key(&s.j, "c");
	json_begin_object(&s.j);
	json_key(&s.j, "d");
	json_null(&s.j);
	json_kbool(&s.j, "e", 1);
	json_kbool(&s.j, "f", 0);
	json_key(&s.j, "g");
	json_begin_array(&s.j);
	json_end_array(&s.j);
	json_key(&s.j, "h");
	json_begin_object(&s.j);
	json_end_object(&s.j);
	json_end_object(&s.j);
	json_kint(&s.j, "i", -5);
	json_kstring(&s.j, "j", "k");
	json_end_object(&s.j);
	sink_expect(&s, "{\"a\":1,\"b\":[1,\"x\",{},[],null],"
	    "\"c\":{\"d\":null,\"e\":true,\"f\":false,\"g\":[],\"h\":{}},"
	    "\"i\":-5,\"j\":\"k\"}");
}

/* Arrays of arrays: the comma count of each level is its own. */
static void
test_sibling_containers(void **state)
{
	struct sink s;

	(void)state;
	sink_open(&s);
	json_begin_array(&s.j);
	json_begin_array(&s.j);
	json_uint(&s.j, 1);
	json_uint(&s.j, 2);
	json_end_array(&s.j);
	json_begin_array(&s.j);
	json_uint(&s.j, 3);
	json_end_array(&s.j);
	json_begin_object(&s.j);
	json_kuint(&s.j, "a", 4);
	json_kuint(&s.j, "b", 5);
	json_end_object(&s.j);
	json_uint(&s.j, 6);
	json_end_array(&s.j);
	sink_expect(&s, "[[1,2],[3],{\"a\":4,\"b\":5},6]");
}

/*
 * As deep as the writer tracks (JSON_MAX_DEPTH - 1 containers inside the
 * top level), with a member before and after each inner container.
 */
static void
test_deepest_nesting(void **state)
{
	struct sink s;
	char want[512];
	size_t n;
	int i, levels;

	(void)state;
	levels = JSON_MAX_DEPTH - 1;
	sink_open(&s);
	n = 0;
	for (i = 0; i < levels; i++) {
		json_begin_array(&s.j);
		json_int(&s.j, i);
		n += (size_t)snprintf(want + n, sizeof(want) - n, "[%d,", i);
	}
	for (i = levels - 1; i >= 0; i--) {
		json_int(&s.j, -i);
		json_end_array(&s.j);
		n += (size_t)snprintf(want + n, sizeof(want) - n,
		    i == levels - 1 ? "%d]" : ",%d]", -i);
	}
	assert_true(n < sizeof(want));
	sink_expect(&s, want);
}

/* json_init starts afresh: no comma before the next line's object. */
static void
test_init_resets(void **state)
{
	struct sink s;

	(void)state;
	sink_open(&s);
	json_begin_object(&s.j);
	json_kuint(&s.j, "n", 1);
	json_end_object(&s.j);
	fputc('\n', s.f);
	json_init(&s.j, s.f);
	json_begin_object(&s.j);
	json_kuint(&s.j, "n", 2);
	json_end_object(&s.j);
	fputc('\n', s.f);
	sink_expect(&s, "{\"n\":1}\n{\"n\":2}\n");
}

static void
test_integers(void **state)
{
	struct sink s;

	(void)state;
	sink_open(&s);
	json_begin_array(&s.j);
	json_int(&s.j, INT64_MIN);
	json_int(&s.j, INT64_MAX);
	json_int(&s.j, 0);
	json_int(&s.j, -1);
	json_uint(&s.j, UINT64_MAX);
	json_uint(&s.j, 0);
	json_uint(&s.j, (uint64_t)INT64_MAX + 1);
	json_end_array(&s.j);
	sink_expect(&s, "[-9223372036854775808,9223372036854775807,0,-1,"
	    "18446744073709551615,0,9223372036854775808]");
}

static void
test_key_shorthands(void **state)
{
	struct sink s;

	(void)state;
	sink_open(&s);
	json_begin_object(&s.j);
	json_kstring(&s.j, "s", "v");
	json_kuint(&s.j, "u", UINT64_MAX);
	json_kint(&s.j, "i", INT64_MIN);
	json_kbool(&s.j, "t", 42);
	json_kbool(&s.j, "f", 0);
	json_end_object(&s.j);
	sink_expect(&s, "{\"s\":\"v\",\"u\":18446744073709551615,"
	    "\"i\":-9223372036854775808,\"t\":true,\"f\":false}");
}

/* Keys are strings too: escaped the same way. */
static void
test_key_escaped(void **state)
{
	struct sink s;

	(void)state;
	sink_open(&s);
	json_begin_object(&s.j);
	json_kstring(&s.j, "a\"b\\c\n\x01\xff", "d");
	json_end_object(&s.j);
	sink_expect(&s, "{\"a\\\"b\\\\c\\n\\u0001\\ufffd\":\"d\"}");
}

static void
test_null_and_empty_string(void **state)
{

	(void)state;
	assert_json_string(NULL, "\"\"");
	assert_json_string("", "\"\"");
}

static void
test_quote_and_backslash(void **state)
{

	(void)state;
	assert_json_string("\"", "\"\\\"\"");
	assert_json_string("\\", "\"\\\\\"");
	assert_json_string("a\"b\\c", "\"a\\\"b\\\\c\"");
	assert_json_string("\\\"\\\\", "\"\\\\\\\"\\\\\\\\\"");
	assert_json_string("C:\\path\\\"x\".ko", "\"C:\\\\path\\\\\\\"x\\\".ko\"");
}

/* Printable ASCII other than '"' and '\\' is written as it is. */
static void
test_printable_ascii_kept(void **state)
{
	char in[128], want[130];
	size_t n;
	int c;

	(void)state;
	n = 0;
	for (c = 0x20; c < 0x7f; c++)
		if (c != '"' && c != '\\')
			in[n++] = (char)c;
	in[n] = '\0';
	snprintf(want, sizeof(want), "\"%s\"", in);
	assert_json_string(in, want);
	assert_json_string("/usr/lib/ko.d/a b.ko", "\"/usr/lib/ko.d/a b.ko\"");
}

/* Every control character, with the short escapes where JSON has them. */
static void
test_control_characters(void **state)
{
	static const char *const want[0x20] = {
		NULL,     "\\u0001", "\\u0002", "\\u0003",
		"\\u0004", "\\u0005", "\\u0006", "\\u0007",
		"\\b",     "\\t",     "\\n",     "\\u000b",
		"\\f",     "\\r",     "\\u000e", "\\u000f",
		"\\u0010", "\\u0011", "\\u0012", "\\u0013",
		"\\u0014", "\\u0015", "\\u0016", "\\u0017",
		"\\u0018", "\\u0019", "\\u001a", "\\u001b",
		"\\u001c", "\\u001d", "\\u001e", "\\u001f",
	};
	char in[4], expect[32], all_in[0x20], all_want[0x20 * 6 + 3];
	size_t n;
	int c;

	(void)state;
	n = 0;
	all_want[n++] = '"';
	for (c = 1; c < 0x20; c++) {
		in[0] = 'a';
		in[1] = (char)c;
		in[2] = 'z';
		in[3] = '\0';
		snprintf(expect, sizeof(expect), "\"a%sz\"", want[c]);
		assert_json_string(in, expect);
		all_in[c - 1] = (char)c;
		memcpy(all_want + n, want[c], strlen(want[c]));
		n += strlen(want[c]);
	}
	all_in[0x1f] = '\0';
	all_want[n++] = '"';
	all_want[n] = '\0';
	assert_json_string(all_in, all_want);
}

static void
test_del(void **state)
{

	(void)state;
	assert_json_string("\x7f", "\"\\u007f\"");
	assert_json_string("a\x7f" "b", "\"a\\u007fb\"");
}

/* Valid UTF-8 of every length, at the edges of each range, kept. */
static void
test_valid_utf8_kept(void **state)
{
	static const char *const valid[] = {
		"\xc3\xa9",			/* U+00E9 */
		"\xc2\x80",			/* U+0080, lowest 2-byte */
		"\xdf\xbf",			/* U+07FF, highest 2-byte */
		"\xe2\x82\xac",			/* U+20AC */
		"\xe0\xa0\x80",			/* U+0800, lowest 3-byte */
		"\xed\x9f\xbf",			/* U+D7FF, below surrogates */
		"\xee\x80\x80",			/* U+E000, above surrogates */
		"\xef\xbf\xbd",			/* U+FFFD itself */
		"\xef\xbf\xbf",			/* U+FFFF, highest 3-byte */
		"\xf0\x9d\x84\x9e",		/* U+1D11E */
		"\xf0\x90\x80\x80",		/* U+10000, lowest 4-byte */
		"\xf4\x8f\xbf\xbf",		/* U+10FFFF, highest */
		"caf\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80.ko",
	};
	char want[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		snprintf(want, sizeof(want), "\"%s\"", valid[i]);
		assert_json_string(valid[i], want);
	}
}

#define	FFFD	"\\ufffd"

/* Every byte that does not start a valid sequence becomes U+FFFD. */
static void
test_invalid_utf8_replaced(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		/* Lone continuation bytes. */
		{ "\x80", "\"" FFFD "\"" },
		{ "\xbf", "\"" FFFD "\"" },
		{ "a\x80\x80z", "\"a" FFFD FFFD "z\"" },
		/* Bytes that never start a sequence. */
		{ "\xc0", "\"" FFFD "\"" },
		{ "\xc1", "\"" FFFD "\"" },
		{ "\xf5", "\"" FFFD "\"" },
		{ "\xf8\x88\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD FFFD "\"" },
		{ "\xfe", "\"" FFFD "\"" },
		{ "\xff", "\"" FFFD "\"" },
		{ "x\xffy\xfe", "\"x" FFFD "y" FFFD "\"" },
		/* Overlong forms. */
		{ "\xc0\x80", "\"" FFFD FFFD "\"" },		/* NUL */
		{ "\xc0\xaf", "\"" FFFD FFFD "\"" },		/* '/' */
		{ "\xc1\xbf", "\"" FFFD FFFD "\"" },
		{ "\xe0\x80\x80", "\"" FFFD FFFD FFFD "\"" },
		{ "\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"" },	/* '/' */
		{ "\xe0\x9f\xbf", "\"" FFFD FFFD FFFD "\"" },	/* U+07FF */
		{ "\xf0\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"" },
		{ "\xf0\x8f\xbf\xbf", "\"" FFFD FFFD FFFD FFFD "\"" },
		/* UTF-16 surrogates, alone and paired (CESU-8). */
		{ "\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"" },	/* U+D800 */
		{ "\xed\xad\xbf", "\"" FFFD FFFD FFFD "\"" },	/* U+DB7F */
		{ "\xed\xb0\x80", "\"" FFFD FFFD FFFD "\"" },	/* U+DC00 */
		{ "\xed\xbf\xbf", "\"" FFFD FFFD FFFD "\"" },	/* U+DFFF */
		{ "\xed\xa0\xbd\xed\xb8\x80",
		    "\"" FFFD FFFD FFFD FFFD FFFD FFFD "\"" },
		/* Past U+10FFFF. */
		{ "\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"" },
		{ "\xf7\xbf\xbf\xbf", "\"" FFFD FFFD FFFD FFFD "\"" },
		/* Cut short, at the end of the string and before ASCII. */
		{ "\xc3", "\"" FFFD "\"" },
		{ "\xe2\x82", "\"" FFFD FFFD "\"" },
		{ "\xe2", "\"" FFFD "\"" },
		{ "\xf0\x9f\x98", "\"" FFFD FFFD FFFD "\"" },
		{ "\xf0\x9f", "\"" FFFD FFFD "\"" },
		{ "\xc3z", "\"" FFFD "z\"" },
		{ "\xe2\x82z", "\"" FFFD FFFD "z\"" },
		{ "\xf0\x9f\x98z", "\"" FFFD FFFD FFFD "z\"" },
		/* A control character or quote inside a sequence. */
		{ "\xe2\x0a\xac", "\"" FFFD "\\n" FFFD "\"" },
		{ "\xc3\"", "\"" FFFD "\\\"\"" },
		/* A new lead byte where a continuation byte belongs. */
		{ "\xe2\xc3\xa9", "\"" FFFD "\xc3\xa9\"" },
		{ "\xf0\x9f\xe2\x82\xac", "\"" FFFD FFFD "\xe2\x82\xac\"" },
		/* Valid and invalid side by side. */
		{ "\xc3\xa9\xff\xc3\xa9", "\"\xc3\xa9" FFFD "\xc3\xa9\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_json_string(cases[i].in, cases[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_object),
		cmocka_unit_test(test_empty_array),
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_sibling_containers),
		cmocka_unit_test(test_deepest_nesting),
		cmocka_unit_test(test_init_resets),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_key_shorthands),
		cmocka_unit_test(test_key_escaped),
		cmocka_unit_test(test_null_and_empty_string),
		cmocka_unit_test(test_quote_and_backslash),
		cmocka_unit_test(test_printable_ascii_kept),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_del),
		cmocka_unit_test(test_valid_utf8_kept),
		cmocka_unit_test(test_invalid_utf8_replaced),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
