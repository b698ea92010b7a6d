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
 * Unit tests of validation (lib/validate.c, with the header check that
 * lib/read.c makes before it): what a module must be before anything is
 * planned.  Refused, with EX_DATAERR and a message that names what is
 * wrong: relocation types the kernel does not take (R_386_16,
 * R_386_COPY), a relocation whose place straddles its section's end, and
 * files that are not i386 modules (ELFCLASS64, another e_machine, bytes
 * that are not ELF, an empty file, a header cut short), whether read from
 * a file or from memory.  Accepted: R_386_IRELATIVE, which the kernel
 * takes.  The refusals of later stages are tested with their stage:
 * code or GOT-relative data that would move in test_layout.c, references
 * no evidence decides in test_boundary.c.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>

#include "elfdefs.h"
#include "elfgen.h"

#define	AW	(SHF_ALLOC | SHF_WRITE)

/* A dynamic relocation the kernel does not take: R_386_16 (20). */
static void
test_unknown_reloc_type(void **state)
{
	struct elfgen *g;

	(void)state;
	g = eg_new();
	eg_moving_module(g);
	eg_rel(g, 0x1994, PADKO_R_386_16, 0);
	/* Refused when read (validation): either stage is right. */
	(void)eg_assert_refused(g, EX_DATAERR, "type 20", NULL);
}

/* R_386_COPY (5): the kernel refuses it, and so does padko. */
static void
test_copy_reloc_refused(void **state)
{
	struct elfgen *g;

	(void)state;
	g = eg_new();
	eg_moving_module(g);
	eg_rel(g, 0x1994, R_386_COPY, 1);
	(void)eg_assert_refused(g, EX_DATAERR, "type 5", NULL);
}

/*
 * R_386_IRELATIVE (42): the i386 kernel loader calls the resolver (at
 * the in-place address, here 0x820 in .text, which does not move), so a
 * module with one can be padded.  The relocation's place, in .data,
 * moves from 0x1998 to 0x199c; its value stays 0x820.
 */
static void
test_irelative_accepted(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	GElf_Rel rel;

	(void)state;
	g = eg_new();
	eg_moving_module(g);
	eg_put32(g, 0x1998, 0x820);
	eg_rel(g, 0x1998, R_386_IRELATIVE, 0);
	eg_run(g, &r);
	rel = eg_image_rel(&r.new, 1);
	assert_int_equal(GELF_R_TYPE(rel.r_info), R_386_IRELATIVE);
	assert_int_equal(rel.r_offset, 0x199c);
	assert_int_equal(eg_image_word(&r.new, 0x199c), 0x820);
	eg_run_free(&r);
}

/*
 * A RELATIVE whose 4-byte place straddles the end of .data (0x199e, in
 * a .data of 0x1990..0x19a0 that is the last thing in the file): refused
 * as malformed, without reading past the section (or the file).
 */
static void
test_reloc_straddling_section_end(void **state)
{
	struct elfgen *g;
	unsigned char *image;
	size_t size;
	int seg;

	(void)state;
	g = eg_new();
	eg_tail_first(g);
	seg = eg_vnet_module(g, PF_R | PF_W, 0x10);
	eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1990, 0x10, 4);
	eg_rel(g, 0x199e, R_386_RELATIVE, 0);
	eg_build(g, &image, &size);
	eg_free(g);
	/* The file ends with .data: check the builder did as asked. */
	assert_int_equal(size, 0x9a0);
	/* Refused when opened (validation) or planned: either is right. */
	(void)eg_assert_image_refused(image, size, EX_DATAERR, "0x199e", NULL);
	free(image);
}

/* Writes bytes to a new temporary file; returns its malloc'd path. */
static char *
temp_file(const void *bytes, size_t len)
{
	const char *dir;
	char *path;
	size_t n;
	int fd;

	if ((dir = getenv("TMPDIR")) == NULL || dir[0] == '\0')
		dir = "/tmp";
	n = strlen(dir) + sizeof("/padko-unit.XXXXXX");
	assert_non_null(path = malloc(n));
	snprintf(path, n, "%s/padko-unit.XXXXXX", dir);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return (path);
}

/* Opens bytes from a file with padko_open(); asserts it fails with code. */
static void
assert_open_refused(const void *bytes, size_t len, int code,
    const char *what)
{
	struct padko_module *m;
	struct padko_error err;
	char *path;
	int rc;

	path = temp_file(bytes, len);
	memset(&err, 0, sizeof(err));
	m = NULL;
	rc = padko_open(path, &m, &err);
	unlink(path);
	free(path);
	if (rc == 0) {
		padko_close(m);
		fail_msg("padko_open accepted the file");
	}
	assert_null(m);
	assert_int_equal(err.code, code);
	if (what != NULL && strstr(err.msg, what) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", err.msg, what);

	/* And the same from memory. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(padko_open_memory("mem.ko", bytes, len, &m, &err),
	    -1);
	assert_null(m);
	assert_int_equal(err.code, code);
}

/* An ELFCLASS64 EM_X86_64 header (an amd64 kernel or program). */
static void
test_elf64_x86_64(void **state)
{
	unsigned char h[64];

	(void)state;
	memset(h, 0, sizeof(h));
	memcpy(h, PADKO_ELFMAG, PADKO_SELFMAG);
	h[EI_CLASS] = ELFCLASS64;
	h[EI_DATA] = ELFDATA2LSB;
	h[EI_VERSION] = EV_CURRENT;
	h[EI_OSABI] = ELFOSABI_FREEBSD;
	h[16] = ET_DYN;			/* e_type */
	h[18] = EM_X86_64;		/* e_machine */
	h[20] = EV_CURRENT;		/* e_version */
	h[52] = 64;			/* e_ehsize */
	h[54] = 56;			/* e_phentsize */
	h[58] = 64;			/* e_shentsize */
	assert_open_refused(h, sizeof(h), EX_DATAERR, "32-bit");
}

/* A complete ELFCLASS32 ET_DYN module with the wrong e_machine. */
static void
test_wrong_machine(void **state)
{
	struct elfgen *g;
	unsigned char *image;
	size_t size;

	(void)state;
	g = eg_new();
	eg_set_machine(g, EM_X86_64);
	eg_vnet_module(g, PF_R | PF_W, 0x10);
	eg_build(g, &image, &size);
	eg_free(g);
	assert_open_refused(image, size, EX_DATAERR, "e_machine 62");
	free(image);
}

/* Bytes that are not ELF at all. */
static void
test_garbage(void **state)
{
	static const char text[] = "#!/bin/sh\necho this is not a module\n";
	unsigned char noise[512];
	size_t i;

	(void)state;
	assert_open_refused(text, sizeof(text) - 1, EX_DATAERR, NULL);
	for (i = 0; i < sizeof(noise); i++)
		noise[i] = (unsigned char)(i * 131 + 7);
	assert_open_refused(noise, sizeof(noise), EX_DATAERR, NULL);
}

/* An empty file. */
static void
test_empty_file(void **state)
{

	(void)state;
	assert_open_refused("", 0, EX_DATAERR, NULL);
}

/* A valid module cut short in its program headers. */
static void
test_truncated(void **state)
{
	struct elfgen *g;
	unsigned char *image;
	size_t size;

	(void)state;
	g = eg_new();
	eg_vnet_module(g, PF_R | PF_W, 0x10);
	eg_build(g, &image, &size);
	eg_free(g);
	assert_open_refused(image, 60, EX_DATAERR, NULL);
	free(image);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_reloc_type),
		cmocka_unit_test(test_copy_reloc_refused),
		cmocka_unit_test(test_irelative_accepted),
		cmocka_unit_test(test_reloc_straddling_section_end),
		cmocka_unit_test(test_elf64_x86_64),
		cmocka_unit_test(test_wrong_machine),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_truncated),
	};

	return (cmocka_run_group_tests(tests, NULL, eg_teardown));
}
