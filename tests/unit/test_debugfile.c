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
 * Unit tests of the separate debug file's pieces (lib/debugfile.c): the
 * GNU debuglink CRC and section contents, and what is refused before
 * anything is rewritten.  Whole debug files are tested on the fixtures
 * (tests/checks/debug.sh).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <cmocka.h>

#include "debugfile.h"

/* The check value of the CRC-32 that zlib and GNU debuglink use. */
static void
test_crc32(void **state)
{

	(void)state;
	assert_int_equal(debugfile_crc32((const unsigned char *)"123456789",
	    9), 0xcbf43926);
	assert_int_equal(debugfile_crc32(NULL, 0), 0);
}

/* The name, NUL-padded to 4 bytes, then the CRC, little endian. */
static void
test_debuglink_build(void **state)
{
	static const unsigned char want[] = { 'm', '.', 'k', 'o', '.', 'd',
	    'e', 'b', 'u', 'g', 0, 0, 0x78, 0x56, 0x34, 0x12 };
	unsigned char *buf;
	const char *name;
	uint32_t crc;
	size_t len;

	(void)state;
	assert_int_equal(debuglink_build("m.ko.debug", 0x12345678, &buf, &len,
	    NULL), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(debuglink_parse(buf, len, &name, &crc), 0);
	assert_string_equal(name, "m.ko.debug");
	assert_int_equal(crc, 0x12345678);
	free(buf);
	/* A name of 11 characters: the NUL fills the word. */
	assert_int_equal(debuglink_build("ab.ko.debug", 1, &buf, &len, NULL),
	    0);
	assert_int_equal(len, 16);
	free(buf);
}

static void
test_debuglink_malformed(void **state)
{
	static const unsigned char nonul[] = { 'a', 'b', 'c', 'd', 1, 2, 3,
	    4 };
	static const unsigned char pad[] = { 'a', 0, 0, 0, 0, 0, 0, 0, 1, 2,
	    3, 4 };
	const char *name;
	uint32_t crc;

	(void)state;
	assert_int_equal(debuglink_parse(nonul, sizeof(nonul), &name, &crc),
	    -1);
	/* More padding than the name needs. */
	assert_int_equal(debuglink_parse(pad, sizeof(pad), &name, &crc), -1);
	assert_int_equal(debuglink_parse(pad, 3, &name, &crc), -1);
}

/* Not an i386 ELF file: refused, nothing returned. */
static void
test_rewrite_not_elf(void **state)
{
	static const unsigned char text[64] = "not an ELF file";
	struct debug_moves mv;
	struct padko_error err;
	unsigned char *out;

	(void)state;
	memset(&mv, 0, sizeof(mv));
	out = (unsigned char *)"";
	assert_int_equal(debugfile_rewrite("m.ko.debug", text, sizeof(text),
	    &mv, &out, &err), -1);
	assert_null(out);
	assert_int_equal(err.code, EX_DATAERR);
	assert_string_equal(err.msg, "m.ko.debug: not an i386 ELF file");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_debuglink_build),
		cmocka_unit_test(test_debuglink_malformed),
		cmocka_unit_test(test_rewrite_not_elf),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
