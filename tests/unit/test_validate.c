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
 * Unit tests of what padko refuses, and of what it must not refuse:
 * modules it cannot rewrite safely (code or GOT-relative data that would
 * move, relocation types the kernel does not take), files that are not
 * i386 modules, and ET_REL modules, which need no padding.
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

#define	BIAS	0x1000u
#define	AW	(SHF_ALLOC | SHF_WRITE)
#define	AX	(SHF_ALLOC | SHF_EXECINSTR)

/*
 * Starts a module: .text 0x800..0x900 in segment 0, a data segment
 * (bias 0x1000, flags seg_flags) with .dynamic 0x1900..0x1960 and set_vnet
 * at 0x1980 of the given size, with __start/__stop in .dynsym; 0x1960 to
 * 0x1980 is left for the tests.  Returns the data segment.
 */
static int
start_module(struct elfgen *g, uint32_t seg_flags, uint32_t set_size)
{
	size_t sec;
	int seg;

	sec = eg_section(g, 0, ".text", SHT_PROGBITS, AX, 0x800, 0x100, 16);
	eg_pattern(g, sec, 0x55);
	seg = eg_load(g, seg_flags, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1900, 0x60, 4);
	sec = eg_section(g, seg, "set_vnet", SHT_PROGBITS, AW, 0x1980,
	    set_size, 4);
	eg_pattern(g, sec, 0x61);
	eg_symbol(g, EG_DYNSYM, "__start_set_vnet", 0x1980, 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
	eg_symbol(g, EG_DYNSYM, "__stop_set_vnet", 0x1980 + set_size, 0,
	    STB_GLOBAL, STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
	return (seg);
}

/*
 * Runs padko on an image and asserts that it fails with code and a
 * message that contains each of the given strings.  Returns nonzero when
 * padko_open() was the step that failed.
 */
static int
assert_image_refused(const unsigned char *image, size_t size, int code,
    const char *what1, const char *what2)
{
	struct padko_module *m;
	struct padko_error err;
	FILE *f;
	int rc, opened;

	rc = eg_padko(image, size, &m, &err);
	opened = m != NULL;
	if (rc == 0) {
		rc = padko_changed(m);
		padko_close(m);
		fail_msg("padko accepted the module (changed %d)", rc);
	}
	assert_int_equal(err.code, code);
	if (what1 != NULL && strstr(err.msg, what1) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", err.msg,
		    what1);
	if (what2 != NULL && strstr(err.msg, what2) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", err.msg,
		    what2);
	/* Nothing may be written after a failed plan. */
	if (m != NULL) {
		assert_non_null(f = tmpfile());
		assert_int_equal(padko_write_fd(m, fileno(f), &err), -1);
		fclose(f);
	}
	padko_close(m);
	return (!opened);
}

/* Builds g (and frees it) and asserts that padko refuses the image. */
static int
assert_refused(struct elfgen *g, int code, const char *what1,
    const char *what2)
{
	unsigned char *image;
	size_t size;
	int rc;

	eg_build(g, &image, &size);
	eg_free(g);
	rc = assert_image_refused(image, size, code, what1, what2);
	free(image);
	return (rc);
}

/*
 * An executable section right after the set in the same segment:
 * set_vnet 0x1980..0x1990, .text.hot (align 16) at 0x1990 would move to
 * 0x19a0.
 */
static void
test_exec_after_set(void **state)
{
	struct elfgen *g;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g, PF_R | PF_W | PF_X, 0x10);
	eg_section(g, seg, ".text.hot", SHT_PROGBITS, AW | SHF_EXECINSTR,
	    0x1990, 0x20, 16);
	assert_int_equal(assert_refused(g, EX_DATAERR, ".text.hot", NULL), 0);
}

/*
 * An executable segment after the one that ends with the set: its first
 * section, .text.exit at 0x2990 (file offset 0x990), would move.
 */
static void
test_exec_segment_after_set(void **state)
{
	struct elfgen *g;
	int seg;

	(void)state;
	g = eg_new();
	start_module(g, PF_R | PF_W, 0x10);
	seg = eg_load(g, PF_R | PF_X, 0x1000, 0x2000);
	eg_section(g, seg, ".text.exit", SHT_PROGBITS, AX, 0x2990, 0x20, 16);
	assert_int_equal(assert_refused(g, EX_DATAERR, ".text.exit", NULL), 0);
}

/*
 * The same executable section with 4 bytes of slack before it
 * (set_vnet 0x1980..0x198c): nothing moves, so it is accepted.
 */
static void
test_exec_after_set_in_place(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g, PF_R | PF_W | PF_X, 0xc);
	eg_section(g, seg, ".text.hot", SHT_PROGBITS, AW | SHF_EXECINSTR,
	    0x1990, 0x20, 16);
	eg_run(g, &r);
	assert_true(padko_changed(r.m));
	assert_int_equal(eg_image_shdr(&r.new, ".text.hot").sh_addr, 0x1990);
	assert_int_equal(eg_image_word(&r.new, 0x198c), PADKO_PAD_WORD);
	eg_run_free(&r);
}

/*
 * A .got (0x1960, first word _DYNAMIC) before the set, and .bss after it
 * (0x1990) that would move by 4: data would move relative to the GOT.
 */
static void
test_got_and_moving_data(void **state)
{
	struct elfgen *g;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g, PF_R | PF_W, 0x10);
	eg_section(g, seg, ".got", SHT_PROGBITS, AW, 0x1960, 0xc, 4);
	eg_put32(g, 0x1960, 0x1900);
	eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x1990, 0x20, 4);
	assert_int_equal(assert_refused(g, EX_DATAERR, ".got", ".bss"), 0);
}

/*
 * No section called .got, but DT_PLTGOT points into .data (0x1960),
 * and .bss (0x1990) would move: refused as well.
 */
static void
test_pltgot_and_moving_data(void **state)
{
	struct elfgen *g;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g, PF_R | PF_W, 0x10);
	eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1960, 0x20, 4);
	eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x1990, 0x20, 4);
	eg_dynamic(g, DT_PLTGOT, 0x1960);
	assert_int_equal(assert_refused(g, EX_DATAERR, ".bss", NULL), 0);
}

/*
 * set_vnet 0x1980..0x1990 followed by .data 0x1990..0x19b0 (which moves
 * by 4) and .bss; returns the data segment.
 */
static int
moving_module(struct elfgen *g)
{
	int seg;

	seg = start_module(g, PF_R | PF_W, 0x10);
	eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1990, 0x20, 4);
	eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x19b0, 0x20, 4);
	eg_relative(g, 0x1990, 0x19a8);
	return (seg);
}

/*
 * Six accesses at set_vnet's old end (0x1990) through a base taken from
 * an argument, which no evidence decides: refused by default, the message
 * listing the first sites with their instructions and the options that
 * decide each, and counting the others; padded (NEXT) when asked to guess.
 */
static void
test_undecided_refused(void **state)
{
	/* movl 4(%esp), %ecx; 6 x movl 0x1990(%ecx,%eax,1), %edx; ret */
	static const unsigned char load[] = { 0x8b, 0x4c, 0x24, 0x04 };
	static const unsigned char access[] = { 0x8b, 0x94, 0x01, 0x90, 0x19,
	    0x00, 0x00 };
	static const unsigned char ret[] = { 0xc3 };
	const struct padko_boundary_report *b;
	unsigned char *image, nops[0x100];
	struct padko_module *m;
	struct padko_error err;
	struct elfgen *g;
	size_t i, size, undecided;
	uint32_t at;

	(void)state;
	g = eg_new();
	moving_module(g);
	memset(nops, 0x90, sizeof(nops));
	eg_fill(g, EG_FIRST_USER, 0, nops, sizeof(nops));
	eg_fill(g, EG_FIRST_USER, 0, load, sizeof(load));
	at = sizeof(load);
	for (i = 0; i < 6; i++) {
		eg_fill(g, EG_FIRST_USER, at, access, sizeof(access));
		eg_relative(g, 0x800 + at + 3, 0x1990);
		at += sizeof(access);
	}
	eg_fill(g, EG_FIRST_USER, at, ret, sizeof(ret));
	eg_symbol(g, EG_DYNSYM, "f", 0x800, at + 1, STB_GLOBAL, STT_FUNC, 0,
	    EG_FIRST_USER);
	eg_build(g, &image, &size);
	eg_free(g);

	/* The default: refused, four sites listed, two counted. */
	assert_int_equal(eg_padko(image, size, &m, &err), -1);
	assert_non_null(m);
	assert_int_equal(err.code, EX_DATAERR);
	if (strstr(err.msg, "6 references at a set's end are not decided")
	    == NULL || strstr(err.msg, "relocation at 0x807: 0x1990 (end of "
	    "set_vnet), in 0x804: movl") == NULL || strstr(err.msg, "decide "
	    "with --assume-end 0x807 or --assume-next 0x807") == NULL ||
	    strstr(err.msg, "--assume-end 0x81c or") == NULL ||
	    strstr(err.msg, "--assume-end 0x823") != NULL ||
	    strstr(err.msg, "and 2 more: padko analyze test.ko lists them "
	    "all") == NULL || strstr(err.msg, "--guess-undecided") == NULL)
		fail_msg("unexpected message \"%s\"", err.msg);
	padko_close(m);

	/* Asked to guess: padded, every site NEXT and undecided. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(padko_open_memory("test.ko", image, size, &m, &err),
	    0);
	padko_set_guess_undecided(m, 1);
	assert_int_equal(padko_plan(m, &err), 0);
	assert_true(padko_changed(m));
	undecided = 0;
	for (i = 0; i < padko_boundary_count(m); i++) {
		b = padko_boundary(m, i);
		if (b->decided)
			continue;
		assert_int_equal(b->meaning, PADKO_BOUNDARY_NEXT);
		undecided++;
	}
	assert_int_equal(undecided, 6);
	padko_close(m);

	/* padko_set_strict(m, 0), the old way to ask, still guesses. */
	assert_int_equal(padko_open_memory("test.ko", image, size, &m, &err),
	    0);
	padko_set_strict(m, 0);
	assert_int_equal(padko_plan(m, &err), 0);
	padko_close(m);
	free(image);
}

/* A dynamic relocation the kernel does not take: R_386_16 (20). */
static void
test_unknown_reloc_type(void **state)
{
	struct elfgen *g;

	(void)state;
	g = eg_new();
	moving_module(g);
	eg_rel(g, 0x1994, PADKO_R_386_16, 0);
	/* Refused when read (validation): either stage is right. */
	(void)assert_refused(g, EX_DATAERR, "type 20", NULL);
}

/* R_386_COPY (5): the kernel refuses it, and so does padko. */
static void
test_copy_reloc_refused(void **state)
{
	struct elfgen *g;

	(void)state;
	g = eg_new();
	moving_module(g);
	eg_rel(g, 0x1994, R_386_COPY, 1);
	(void)assert_refused(g, EX_DATAERR, "type 5", NULL);
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
	moving_module(g);
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
	seg = start_module(g, PF_R | PF_W, 0x10);
	eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1990, 0x10, 4);
	eg_rel(g, 0x199e, R_386_RELATIVE, 0);
	eg_build(g, &image, &size);
	eg_free(g);
	/* The file ends with .data: check the builder did as asked. */
	assert_int_equal(size, 0x9a0);
	/* Refused when opened (validation) or planned: either is right. */
	(void)assert_image_refused(image, size, EX_DATAERR, "0x199e", NULL);
	free(image);
}

/* An ET_REL module (amd64 style) is recognised and left alone. */
static void
test_et_rel(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	int seg;

	(void)state;
	g = eg_new();
	eg_set_type(g, ET_REL);
	seg = start_module(g, PF_R | PF_W, 0x10);
	eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x1990, 0x20, 4);
	eg_run(g, &r);
	assert_int_equal(r.old.ehdr.e_type, ET_REL);
	assert_int_equal(padko_is_relocatable(r.m), 1);
	assert_int_equal(padko_changed(r.m), 0);
	assert_int_equal(r.outsize, r.insize);
	assert_memory_equal(r.out, r.in, r.insize);
	eg_run_free(&r);
}

/* An ET_DYN module is not relocatable. */
static void
test_et_dyn_not_relocatable(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g, PF_R | PF_W, 0x10);
	eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x1990, 0x20, 4);
	eg_run(g, &r);
	assert_int_equal(padko_is_relocatable(r.m), 0);
	assert_int_equal(padko_changed(r.m), 1);
	eg_run_free(&r);
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
	start_module(g, PF_R | PF_W, 0x10);
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
	start_module(g, PF_R | PF_W, 0x10);
	eg_build(g, &image, &size);
	eg_free(g);
	assert_open_refused(image, 60, EX_DATAERR, NULL);
	free(image);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_after_set),
		cmocka_unit_test(test_exec_segment_after_set),
		cmocka_unit_test(test_exec_after_set_in_place),
		cmocka_unit_test(test_got_and_moving_data),
		cmocka_unit_test(test_pltgot_and_moving_data),
		cmocka_unit_test(test_unknown_reloc_type),
		cmocka_unit_test(test_copy_reloc_refused),
		cmocka_unit_test(test_irelative_accepted),
		cmocka_unit_test(test_reloc_straddling_section_end),
		cmocka_unit_test(test_undecided_refused),
		cmocka_unit_test(test_et_rel),
		cmocka_unit_test(test_et_dyn_not_relocatable),
		cmocka_unit_test(test_elf64_x86_64),
		cmocka_unit_test(test_wrong_machine),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_truncated),
	};

	return (cmocka_run_group_tests(tests, NULL, eg_teardown));
}
