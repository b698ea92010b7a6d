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
 * Unit tests of the layout planner (lib/layout.c) on synthetic modules:
 * where a grown set puts what follows it, in memory and in the file, and
 * when it grows at all; and the moves it refuses to plan (EX_DATAERR,
 * nothing written): code that would move, and data that would move
 * relative to a GOT (a .got, or DT_PLTGOT), each with the same module
 * accepted where the set grows in place.  Every expected address and
 * offset below was worked out by hand from the layout that the test
 * builds; the common part is:
 *
 *	segment 0 (R+X, bias 0):	.text	0x800..0x900
 *	segment 1 (R+W, bias 0x1000):	.dynamic 0x1900..0x1960
 *					.data	 0x1960..0x1980 (align 32)
 *					then what each test adds
 *
 * so a section of segment 1 at address A is at file offset A - 0x1000.
 * The refusals start from elfgen's eg_vnet_module() instead (set_vnet at
 * 0x1980, nothing from 0x1960), and test_got_in_place() says its own.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <cmocka.h>

#include "elfgen.h"
#include "module.h"

#define	BIAS	0x1000u
#define	PAD	0x90909090u
#define	AW	(SHF_ALLOC | SHF_WRITE)
#define	AX	(SHF_ALLOC | SHF_EXECINSTR)

/* The library's module behind the opaque handle (see lib/entry.c). */
static const struct module *
module_of(const struct padko_module *pm)
{

	return ((const struct module *)(const void *)pm);
}

/* Starts the common layout; returns the data segment. */
static int
start_module(struct elfgen *g)
{
	size_t sec;
	int seg;

	sec = eg_section(g, 0, ".text", SHT_PROGBITS,
	    SHF_ALLOC | SHF_EXECINSTR, 0x800, 0x100, 16);
	eg_pattern(g, sec, 0x55);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE,
	    0x1900, 0x60, 4);
	sec = eg_section(g, seg, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
	    0x1960, 0x20, 32);
	eg_pattern(g, sec, 0x11);
	return (seg);
}

/* Adds a set section filled with a pattern, and its __start/__stop. */
static size_t
add_set(struct elfgen *g, int seg, const char *name, uint32_t addr,
    uint32_t size, unsigned seed)
{
	char sym[32];
	size_t sec;

	sec = eg_section(g, seg, name, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
	    addr, size, 4);
	if (size > 0)
		eg_pattern(g, sec, seed);
	snprintf(sym, sizeof(sym), "__start_%s", name);
	eg_symbol(g, EG_DYNSYM, sym, addr, 0, STB_GLOBAL, STT_NOTYPE,
	    STV_PROTECTED, (uint16_t)sec);
	snprintf(sym, sizeof(sym), "__stop_%s", name);
	eg_symbol(g, EG_DYNSYM, sym, addr + size, 0, STB_GLOBAL, STT_NOTYPE,
	    STV_PROTECTED, (uint16_t)sec);
	return (sec);
}

/* The PT_LOAD with the given index in an image, checked to be one. */
static GElf_Phdr
load(const struct eg_image *img, size_t i)
{
	GElf_Phdr ph;

	ph = eg_image_phdr(img, i);
	assert_int_equal(ph.p_type, PT_LOAD);
	return (ph);
}

/* Asserts a section's address, file offset and size. */
static void
assert_section(const struct eg_image *img, const char *name, uint64_t addr,
    uint64_t offset, uint64_t size)
{
	GElf_Shdr sh;

	sh = eg_image_shdr(img, name);
	if (sh.sh_addr != addr || sh.sh_offset != offset ||
	    sh.sh_size != size)
		fail_msg("%s: addr %#jx offset %#jx size %#jx, expected "
		    "%#jx %#jx %#jx", name, (uintmax_t)sh.sh_addr,
		    (uintmax_t)sh.sh_offset, (uintmax_t)sh.sh_size,
		    (uintmax_t)addr, (uintmax_t)offset, (uintmax_t)size);
}

/* Asserts that len bytes at two file offsets of two images are equal. */
static void
assert_same_bytes(const struct eg_image *a, uint64_t aoff,
    const struct eg_image *b, uint64_t boff, size_t len)
{

	assert_memory_equal(eg_image_at(a, aoff, len), eg_image_at(b, boff,
	    len), len);
}

/* Asserts that segment 0 and PT_DYNAMIC are as they were. */
static void
assert_text_and_dynamic_stay(const struct eg_run *r)
{
	GElf_Phdr o, n;

	o = load(&r->old, 0);
	n = load(&r->new, 0);
	assert_memory_equal(&o, &n, sizeof(o));
	o = eg_image_phdr(&r->old, 2);
	n = eg_image_phdr(&r->new, 2);
	assert_int_equal(n.p_type, PT_DYNAMIC);
	assert_memory_equal(&o, &n, sizeof(o));
	assert_section(&r->new, ".dynamic", 0x1900, 0x900, 0x60);
	assert_section(&r->new, ".text", 0x800, 0x800, 0x100);
}

/*
 * set_vnet 0x1980..0x2000 followed by X (0x10 bytes, alignment align) at
 * 0x2000, .data2 (8 bytes) at 0x2010 and .bss (0x20 bytes) at 0x2018.
 * The set grows to 0x2004, so X goes to the first multiple of align at or
 * after 0x2004, and everything after X moves by the same amount.
 */
static void
check_following_alignment(uint32_t align, uint32_t shift)
{
	struct elfgen *g;
	struct eg_run r;
	const struct padko_set_report *rep;
	GElf_Phdr ph;
	size_t x;
	int seg;

	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, "set_vnet", 0x1980, 0x680, 1);
	x = eg_section(g, seg, "X", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
	    0x2000, 0x10, align);
	eg_pattern(g, x, 0xa0);
	x = eg_section(g, seg, ".data2", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
	    0x2010, 8, 4);
	eg_pattern(g, x, 0xc0);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x2018, 0x20, 4);
	eg_run(g, &r);

	/* The input is as planned: file tail right after .data2. */
	assert_int_equal(eg_image_shdr(&r.old, ".shstrtab").sh_offset, 0x1018);

	assert_true(padko_changed(r.m));
	rep = padko_set_report(r.m, PADKO_SET_VNET);
	assert_int_equal(rep->state, PADKO_SET_PAD_MOVING);
	assert_int_equal(rep->old_end, 0x2000);
	assert_int_equal(rep->new_end, 0x2004);
	assert_int_equal(rep->next_shift, shift);

	assert_section(&r.new, "set_vnet", 0x1980, 0x980, 0x684);
	assert_int_equal(eg_image_word(&r.new, 0x2000), PAD);
	assert_int_equal(eg_image_word(&r.new, 0x1ffc),
	    eg_image_word(&r.old, 0x1ffc));
	assert_section(&r.new, "X", 0x2000 + shift, 0x1000 + shift, 0x10);
	assert_same_bytes(&r.old, 0x1000, &r.new, 0x1000 + shift, 0x10);
	assert_section(&r.new, ".data2", 0x2010 + shift, 0x1010 + shift, 8);
	assert_same_bytes(&r.old, 0x1010, &r.new, 0x1010 + shift, 8);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr,
	    0x2018 + shift);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__stop_set_vnet"),
	    0x2004);

	assert_text_and_dynamic_stay(&r);
	ph = load(&r.new, 1);
	assert_int_equal(ph.p_vaddr, 0x1900);
	assert_int_equal(ph.p_offset, 0x900);
	assert_int_equal(ph.p_filesz, 0x718 + shift);
	assert_int_equal(ph.p_memsz, 0x738 + shift);
	eg_assert_congruent(&r.new);

	/* The file tail follows the loaded image. */
	assert_int_equal(eg_image_shdr(&r.new, ".shstrtab").sh_offset,
	    0x1018 + shift);
	assert_int_equal(r.new.ehdr.e_shoff, r.old.ehdr.e_shoff + shift);
	eg_run_free(&r);
}

/* What follows the set has alignment 1: it moves by exactly 4. */
static void
test_following_align1(void **state)
{

	(void)state;
	check_following_alignment(1, 4);
}

/* Alignment 4: the next multiple of 4 after 0x2004 is 0x2004. */
static void
test_following_align4(void **state)
{

	(void)state;
	check_following_alignment(4, 4);
}

/* Alignment 16: 0x2010. */
static void
test_following_align16(void **state)
{

	(void)state;
	check_following_alignment(16, 0x10);
}

/* Alignment 64: 0x2040. */
static void
test_following_align64(void **state)
{

	(void)state;
	check_following_alignment(64, 0x40);
}

/* Alignment 4096: a whole page, 0x3000. */
static void
test_following_align4096(void **state)
{

	(void)state;
	check_following_alignment(4096, 0x1000);
}

/*
 * set_vnet 0x1980 + size, then X (align 16) at 0x1a00, .data2 at 0x1a10,
 * .bss at 0x1a18..0x1a38.  The slack between the set and X is
 * 0x1a00 - (0x1980 + size).
 */
static struct eg_run *
run_slack(struct eg_run *r, uint32_t size)
{
	struct elfgen *g;
	size_t x;
	int seg;

	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, "set_vnet", 0x1980, size, 7);
	x = eg_section(g, seg, "X", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
	    0x1a00, 0x10, 16);
	eg_pattern(g, x, 0xa0);
	x = eg_section(g, seg, ".data2", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
	    0x1a10, 8, 4);
	eg_pattern(g, x, 0xc0);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x1a18, 0x20, 4);
	eg_run(g, r);
	return (r);
}

/* With slack >= 4 the set grows in place and nothing else changes. */
static void
check_in_place(uint32_t size)
{
	struct eg_run r;
	const struct padko_set_report *rep;
	const struct module *mod;
	GElf_Phdr ph;

	run_slack(&r, size);
	assert_true(padko_changed(r.m));
	rep = padko_set_report(r.m, PADKO_SET_VNET);
	assert_int_equal(rep->state, PADKO_SET_PAD_IN_PLACE);
	assert_int_equal(rep->new_start, 0x1980);
	assert_int_equal(rep->new_end, 0x1980 + size + 4);
	assert_int_equal(rep->next_shift, 0);

	/* The model: only the set's size changed. */
	mod = module_of(r.m);
	assert_int_equal(mod->sets[PADKO_SET_VNET].sec->new_size, size + 4);
	assert_int_equal(mod->new_shoff, mod->ehdr.e_shoff);

	assert_section(&r.new, "set_vnet", 0x1980, 0x980, size + 4);
	assert_int_equal(eg_image_word(&r.new, 0x1980 + size), PAD);
	assert_same_bytes(&r.old, 0x980, &r.new, 0x980, size);
	assert_section(&r.new, "X", 0x1a00, 0xa00, 0x10);
	assert_same_bytes(&r.old, 0xa00, &r.new, 0xa00, 0x10);
	assert_section(&r.new, ".data2", 0x1a10, 0xa10, 8);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr, 0x1a18);
	assert_text_and_dynamic_stay(&r);
	ph = load(&r.new, 1);
	assert_int_equal(ph.p_vaddr, 0x1900);
	assert_int_equal(ph.p_offset, 0x900);
	assert_int_equal(ph.p_filesz, 0x118);
	assert_int_equal(ph.p_memsz, 0x138);
	assert_int_equal(r.new.ehdr.e_shoff, r.old.ehdr.e_shoff);
	assert_int_equal(eg_image_shdr(&r.new, ".shstrtab").sh_offset,
	    eg_image_shdr(&r.old, ".shstrtab").sh_offset);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__stop_set_vnet"),
	    0x1980 + size + 4);
	eg_run_free(&r);
}

/* 8 bytes of slack. */
static void
test_slack8_in_place(void **state)
{

	(void)state;
	check_in_place(0x78);
}

/* Exactly 4 bytes of slack: still in place. */
static void
test_slack4_in_place(void **state)
{

	(void)state;
	check_in_place(0x7c);
}

/*
 * A gap wider than alignment needs: set_vnet 0x1980..0x19f0 and X of
 * alignment 4 at 0x1a00.  The set grows to 0x19f4; X must not move down
 * into the gap, nor anything after it.
 */
static void
test_gap_beyond_alignment(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	GElf_Phdr ph;
	size_t x;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, "set_vnet", 0x1980, 0x70, 7);
	x = eg_section(g, seg, "X", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
	    0x1a00, 0x10, 4);
	eg_pattern(g, x, 0xa0);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x1a10, 0x20, 4);
	eg_run(g, &r);
	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_PAD_IN_PLACE);
	assert_section(&r.new, "set_vnet", 0x1980, 0x980, 0x74);
	assert_int_equal(eg_image_word(&r.new, 0x19f0), PAD);
	assert_section(&r.new, "X", 0x1a00, 0xa00, 0x10);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr, 0x1a10);
	ph = load(&r.new, 1);
	assert_int_equal(ph.p_filesz, 0x110);
	assert_int_equal(ph.p_memsz, 0x130);
	eg_run_free(&r);
}

/*
 * A PT_LOAD whose file part runs on over the gap after set_vnet
 * (0x1980..0x19c0) up to .bss (0x19e0, alignment 32), as a hand-made
 * module may have it: the set grows into the gap and .bss stays.  The gap
 * bytes belong to no section and are not written, so the file part ends
 * with the set (it must not run into .bss, nor past p_memsz with a .bss
 * smaller than the growth), and the kernel zeroes the rest.
 */
static void
test_file_part_over_gap(void **state)
{
	struct padko_module *m;
	struct padko_error err;
	struct elfgen *g;
	struct eg_image img;
	unsigned char *in, *grown, *out;
	size_t insize, outsize, phoff;
	GElf_Phdr ph;
	int seg;

	(void)state;
	g = eg_new();
	eg_tail_first(g);
	seg = start_module(g);
	add_set(g, seg, "set_vnet", 0x1980, 0x40, 3);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x19e0, 0x2, 32);
	eg_build(g, &in, &insize);
	eg_free(g);
	/* The file ends with set_vnet: give the gap file bytes, and cover it. */
	assert_int_equal(insize, 0x9c0);
	if ((grown = calloc(1, insize + 0x20)) == NULL)
		fail_msg("out of memory");
	memcpy(grown, in, insize);
	free(in);
	phoff = grown[0x1c] | grown[0x1d] << 8;
	grown[phoff + 32 + 16] = 0xe0;		/* PT_LOAD 1: p_filesz */
	if (eg_padko(grown, insize + 0x20, &m, &err) != 0)
		fail_msg("padko failed (%d): %s", err.code, err.msg);
	eg_padko_output(m, &out, &outsize);
	eg_image_open(&img, out, outsize);
	assert_section(&img, "set_vnet", 0x1980, 0x980, 0x44);
	assert_int_equal(eg_image_shdr(&img, ".bss").sh_addr, 0x19e0);
	ph = load(&img, 1);
	assert_int_equal(ph.p_filesz, 0xc4);
	assert_int_equal(ph.p_memsz, 0xe2);
	eg_image_close(&img);
	padko_close(m);
	free(out);
	free(grown);
}

/*
 * 1 to 3 bytes of slack: the set ends at 0x1a01..0x1a03 after growing, so
 * X (align 16) goes to 0x1a10 and everything after it moves by 0x10.
 */
static void
check_short_slack(uint32_t size)
{
	struct eg_run r;
	const struct padko_set_report *rep;
	GElf_Phdr ph;

	run_slack(&r, size);
	rep = padko_set_report(r.m, PADKO_SET_VNET);
	assert_int_equal(rep->state, PADKO_SET_PAD_MOVING);
	assert_int_equal(rep->next_shift, 0x10);
	assert_section(&r.new, "set_vnet", 0x1980, 0x980, size + 4);
	assert_int_equal(eg_image_word(&r.new, 0x1980 + size), PAD);
	assert_section(&r.new, "X", 0x1a10, 0xa10, 0x10);
	assert_same_bytes(&r.old, 0xa00, &r.new, 0xa10, 0x10);
	assert_section(&r.new, ".data2", 0x1a20, 0xa20, 8);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr, 0x1a28);
	ph = load(&r.new, 1);
	assert_int_equal(ph.p_filesz, 0x128);
	assert_int_equal(ph.p_memsz, 0x148);
	assert_int_equal(r.new.ehdr.e_shoff, r.old.ehdr.e_shoff + 0x10);
	eg_assert_congruent(&r.new);
	assert_text_and_dynamic_stay(&r);
	eg_run_free(&r);
}

/* 3 bytes of slack. */
static void
test_slack3_moves(void **state)
{

	(void)state;
	check_short_slack(0x7d);
}

/* 2 bytes of slack. */
static void
test_slack2_moves(void **state)
{

	(void)state;
	check_short_slack(0x7e);
}

/* 1 byte of slack. */
static void
test_slack1_moves(void **state)
{

	(void)state;
	check_short_slack(0x7f);
}

/*
 * The set is the last section of the last segment (0x1980..0x1990), with
 * .comment, .symtab, .strtab and .shstrtab after it in the file: only the
 * segment grows, and the file tail moves by 4.
 */
static void
test_set_at_segment_end(void **state)
{
	static const char comment[] = "clang version 14";
	struct elfgen *g;
	struct eg_run r;
	const struct padko_set_report *rep;
	GElf_Phdr ph;
	size_t sec, vnet;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	vnet = add_set(g, seg, "set_vnet", 0x1980, 0x10, 3);
	sec = eg_section(g, -1, ".comment", SHT_PROGBITS, 0, 0, 0x11, 1);
	eg_fill(g, sec, 0, comment, sizeof(comment));
	eg_symbol(g, EG_SYMTAB, "vnet_counter", 0x1988, 8, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "__stop_set_vnet", 0x1990, 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)vnet);
	eg_run(g, &r);

	/* Input: .comment at 0x990, .symtab at 0x9a4. */
	assert_int_equal(eg_image_shdr(&r.old, ".comment").sh_offset, 0x990);
	assert_int_equal(eg_image_shdr(&r.old, ".symtab").sh_offset, 0x9a4);

	rep = padko_set_report(r.m, PADKO_SET_VNET);
	assert_true(rep->state == PADKO_SET_PAD_IN_PLACE ||
	    rep->state == PADKO_SET_PAD_MOVING);
	assert_int_equal(rep->new_end, 0x1994);
	assert_section(&r.new, "set_vnet", 0x1980, 0x980, 0x14);
	assert_int_equal(eg_image_word(&r.new, 0x1990), PAD);
	assert_text_and_dynamic_stay(&r);
	ph = load(&r.new, 1);
	assert_int_equal(ph.p_vaddr, 0x1900);
	assert_int_equal(ph.p_offset, 0x900);
	assert_int_equal(ph.p_filesz, 0x94);
	assert_int_equal(ph.p_memsz, 0x94);

	assert_int_equal(eg_image_shdr(&r.new, ".comment").sh_offset, 0x994);
	assert_same_bytes(&r.old, 0x990, &r.new, 0x994, sizeof(comment));
	assert_int_equal(eg_image_shdr(&r.new, ".symtab").sh_offset, 0x9a8);
	assert_int_equal(eg_image_shdr(&r.new, ".strtab").sh_offset,
	    eg_image_shdr(&r.old, ".strtab").sh_offset + 4);
	assert_int_equal(eg_image_shdr(&r.new, ".shstrtab").sh_offset,
	    eg_image_shdr(&r.old, ".shstrtab").sh_offset + 4);
	assert_int_equal(r.new.ehdr.e_shoff, r.old.ehdr.e_shoff + 4);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "vnet_counter"),
	    0x1988);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "__stop_set_vnet"),
	    0x1994);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__stop_set_vnet"),
	    0x1994);
	eg_run_free(&r);
}

/*
 * The set ends its segment (set_vnet 0x1980..0x1990) and another data
 * segment follows (bias 0x2000): .data2 at 0x2990 (offset 0x990, align 16)
 * and .bss 0x29a0..0x29c0.  The file is packed, so the next segment has to
 * move: by 16 (the growth rounded to .data2's alignment), in memory and in
 * the file alike.  Segment 1 grows by 4.
 */
static void
test_set_ends_segment_before_another(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	GElf_Phdr ph;
	size_t sec;
	int seg, seg2;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, "set_vnet", 0x1980, 0x10, 3);
	seg2 = eg_load(g, PF_R | PF_W, 0x1000, 0x2000);
	sec = eg_section(g, seg2, ".data2", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
	    0x2990, 0x10, 16);
	eg_pattern(g, sec, 0xd0);
	sec = eg_section(g, seg2, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x29a0, 0x20, 4);
	eg_symbol(g, EG_DYNSYM, "data2_obj", 0x2994, 4, STB_GLOBAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)(sec - 1));
	eg_relative(g, 0x1960, 0x29a8);
	eg_run(g, &r);

	assert_section(&r.new, "set_vnet", 0x1980, 0x980, 0x14);
	assert_int_equal(eg_image_word(&r.new, 0x1990), PAD);
	ph = load(&r.new, 1);
	assert_int_equal(ph.p_vaddr, 0x1900);
	assert_int_equal(ph.p_filesz, 0x94);
	assert_int_equal(ph.p_memsz, 0x94);
	assert_section(&r.new, ".data2", 0x29a0, 0x9a0, 0x10);
	assert_same_bytes(&r.old, 0x990, &r.new, 0x9a0, 0x10);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr, 0x29b0);
	ph = load(&r.new, 2);
	assert_int_equal(ph.p_vaddr, 0x29a0);
	assert_int_equal(ph.p_offset, 0x9a0);
	assert_int_equal(ph.p_filesz, 0x10);
	assert_int_equal(ph.p_memsz, 0x30);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "data2_obj"),
	    0x29a4);
	assert_int_equal(eg_image_word(&r.new, 0x1960), 0x29b8);
	eg_run_free(&r);
}

/*
 * set_vnet 0x1980..0x1990 directly followed by set_pcpu 0x1990..0x1998 and
 * .bss 0x1998..0x19b8: set_vnet grows to 0x1994, set_pcpu moves to 0x1994
 * and grows to 0x19a0, .bss moves by 8 to 0x19a0.
 */
static void
test_both_sets_adjacent(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	const struct padko_set_report *rep;
	GElf_Phdr ph;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, "set_vnet", 0x1980, 0x10, 0x20);
	add_set(g, seg, "set_pcpu", 0x1990, 0x8, 0x40);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x1998, 0x20, 4);
	eg_run(g, &r);

	rep = padko_set_report(r.m, PADKO_SET_VNET);
	assert_int_equal(rep->state, PADKO_SET_PAD_MOVING);
	assert_int_equal(rep->new_start, 0x1980);
	assert_int_equal(rep->new_end, 0x1994);
	assert_int_equal(rep->next_shift, 4);
	rep = padko_set_report(r.m, PADKO_SET_PCPU);
	assert_int_equal(rep->state, PADKO_SET_PAD_MOVING);
	assert_int_equal(rep->old_start, 0x1990);
	assert_int_equal(rep->new_start, 0x1994);
	assert_int_equal(rep->new_end, 0x19a0);
	assert_int_equal(rep->next_shift, 4);

	assert_section(&r.new, "set_vnet", 0x1980, 0x980, 0x14);
	assert_section(&r.new, "set_pcpu", 0x1994, 0x994, 0xc);
	assert_int_equal(eg_image_word(&r.new, 0x1990), PAD);
	assert_same_bytes(&r.old, 0x990, &r.new, 0x994, 8);
	assert_int_equal(eg_image_word(&r.new, 0x199c), PAD);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr, 0x19a0);
	ph = load(&r.new, 1);
	assert_int_equal(ph.p_filesz, 0xa0);
	assert_int_equal(ph.p_memsz, 0xc0);
	eg_assert_congruent(&r.new);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__start_set_vnet"),
	    0x1980);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__stop_set_vnet"),
	    0x1994);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__start_set_pcpu"),
	    0x1994);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__stop_set_pcpu"),
	    0x19a0);
	assert_int_equal(r.new.ehdr.e_shoff, r.old.ehdr.e_shoff + 8);
	eg_run_free(&r);
}

/*
 * set_vnet 0x1980..0x1990 followed by a NOBITS .bss of alignment 16 at
 * 0x1990: .bss moves to 0x19a0; the file grows by the 4 bytes of padding
 * only.
 */
static void
test_bss_after_set_moves(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	GElf_Phdr ph;
	GElf_Shdr sh;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, "set_vnet", 0x1980, 0x10, 9);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x1990, 0x40, 16);
	eg_run(g, &r);

	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_PAD_MOVING);
	assert_section(&r.new, "set_vnet", 0x1980, 0x980, 0x14);
	assert_int_equal(eg_image_word(&r.new, 0x1990), PAD);
	sh = eg_image_shdr(&r.new, ".bss");
	assert_int_equal(sh.sh_type, SHT_NOBITS);
	assert_int_equal(sh.sh_addr, 0x19a0);
	assert_int_equal(sh.sh_size, 0x40);
	assert_int_equal((sh.sh_addr - sh.sh_offset) % 0x1000, 0);
	ph = load(&r.new, 1);
	assert_int_equal(ph.p_filesz, 0x94);
	assert_int_equal(ph.p_memsz, 0xe0);
	assert_int_equal(r.new.ehdr.e_shoff, r.old.ehdr.e_shoff + 4);
	assert_int_equal(eg_image_shdr(&r.new, ".shstrtab").sh_offset,
	    eg_image_shdr(&r.old, ".shstrtab").sh_offset + 4);
	eg_run_free(&r);
}

/*
 * set_vnet 0x1980..0x1990 and .bss at 0x19a0 (align 32): the set grows
 * into the slack, .bss stays, but the set was the last thing in the file
 * image, so p_filesz and the file tail grow by 4.
 */
static void
test_bss_after_set_in_place(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	GElf_Phdr ph;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, "set_vnet", 0x1980, 0x10, 9);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x19a0, 0x40, 32);
	eg_run(g, &r);

	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_PAD_IN_PLACE);
	assert_section(&r.new, "set_vnet", 0x1980, 0x980, 0x14);
	assert_int_equal(eg_image_word(&r.new, 0x1990), PAD);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr, 0x19a0);
	ph = load(&r.new, 1);
	assert_int_equal(ph.p_filesz, 0x94);
	assert_int_equal(ph.p_memsz, 0xe0);
	assert_int_equal(r.new.ehdr.e_shoff, r.old.ehdr.e_shoff + 4);
	eg_run_free(&r);
}

/* set_vnet 0x1980..0x1990 whose last word is 0x90909090, then .bss. */
static struct elfgen *
padded_module(void)
{
	struct elfgen *g;
	int seg;

	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, "set_vnet", 0x1980, 0x10, 5);
	eg_put32(g, 0x198c, PAD);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x1990, 0x20, 4);
	return (g);
}

/* Already padded and no .symtab to say otherwise: left alone. */
static void
test_already_padded(void **state)
{
	struct eg_run r;

	(void)state;
	eg_run(padded_module(), &r);
	assert_false(padko_changed(r.m));
	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_PADDED);
	assert_int_equal(padko_set_report(r.m, PADKO_SET_PCPU)->state,
	    PADKO_SET_ABSENT);
	assert_int_equal(r.outsize, r.insize);
	assert_memory_equal(r.out, r.in, r.insize);
	eg_run_free(&r);
}

/*
 * The last word is 0x90909090 but .symtab shows an object there (a
 * counter that happens to hold that value): the set must be padded.
 */
static void
test_pad_word_is_an_object(void **state)
{
	struct elfgen *g;
	struct eg_run r;

	(void)state;
	g = padded_module();
	eg_symbol(g, EG_SYMTAB, "V_last_counter", 0x1988, 8, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, EG_FIRST_USER + 3);
	eg_run(g, &r);
	assert_true(padko_changed(r.m));
	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_PAD_MOVING);
	assert_section(&r.new, "set_vnet", 0x1980, 0x980, 0x14);
	assert_int_equal(eg_image_word(&r.new, 0x198c), PAD);
	assert_int_equal(eg_image_word(&r.new, 0x1990), PAD);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr, 0x1994);
	eg_run_free(&r);
}

/*
 * The last word is 0x90909090 and .symtab has objects in the set, but
 * none covers that word: it is the padding.
 */
static void
test_padded_with_symtab(void **state)
{
	struct elfgen *g;
	struct eg_run r;

	(void)state;
	g = padded_module();
	eg_symbol(g, EG_SYMTAB, "V_counters", 0x1980, 0xc, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, EG_FIRST_USER + 3);
	eg_run(g, &r);
	assert_false(padko_changed(r.m));
	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_PADDED);
	assert_memory_equal(r.out, r.in, r.insize);
	eg_run_free(&r);
}

/* An empty set_vnet (size 0, where .bss starts) is left alone. */
static void
test_empty_set(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, "set_vnet", 0x1980, 0, 0);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x1980, 0x20, 4);
	eg_run(g, &r);
	assert_false(padko_changed(r.m));
	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_EMPTY);
	assert_int_equal(r.outsize, r.insize);
	assert_memory_equal(r.out, r.in, r.insize);
	eg_run_free(&r);
}

/*
 * An empty set_vnet at 0x1980 and a set_pcpu 0x1980..0x1988 after it:
 * only set_pcpu grows, and .bss (0x1988, align 8) moves to 0x1990.
 */
static void
test_empty_set_beside_other(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, "set_vnet", 0x1980, 0, 0);
	add_set(g, seg, "set_pcpu", 0x1980, 8, 0x31);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x1988, 0x20, 8);
	eg_run(g, &r);
	assert_true(padko_changed(r.m));
	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_EMPTY);
	assert_int_equal(padko_set_report(r.m, PADKO_SET_PCPU)->state,
	    PADKO_SET_PAD_MOVING);
	assert_section(&r.new, "set_vnet", 0x1980, 0x980, 0);
	assert_section(&r.new, "set_pcpu", 0x1980, 0x980, 0xc);
	assert_int_equal(eg_image_word(&r.new, 0x1988), PAD);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr, 0x1990);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__stop_set_vnet"),
	    0x1980);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__stop_set_pcpu"),
	    0x198c);
	eg_run_free(&r);
}

/* A module without sets is left alone. */
static void
test_no_sets(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x1980, 0x20, 4);
	eg_run(g, &r);
	assert_false(padko_changed(r.m));
	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_ABSENT);
	assert_int_equal(padko_set_report(r.m, PADKO_SET_PCPU)->state,
	    PADKO_SET_ABSENT);
	assert_memory_equal(r.out, r.in, r.insize);
	eg_run_free(&r);
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
	seg = eg_vnet_module(g, PF_R | PF_W | PF_X, 0x10);
	eg_section(g, seg, ".text.hot", SHT_PROGBITS, AW | SHF_EXECINSTR,
	    0x1990, 0x20, 16);
	assert_int_equal(eg_assert_refused(g, EX_DATAERR, ".text.hot", NULL),
	    0);
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
	eg_vnet_module(g, PF_R | PF_W, 0x10);
	seg = eg_load(g, PF_R | PF_X, 0x1000, 0x2000);
	eg_section(g, seg, ".text.exit", SHT_PROGBITS, AX, 0x2990, 0x20, 16);
	assert_int_equal(eg_assert_refused(g, EX_DATAERR, ".text.exit", NULL),
	    0);
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
	seg = eg_vnet_module(g, PF_R | PF_W | PF_X, 0xc);
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
	seg = eg_vnet_module(g, PF_R | PF_W, 0x10);
	eg_section(g, seg, ".got", SHT_PROGBITS, AW, 0x1960, 0xc, 4);
	eg_put32(g, 0x1960, 0x1900);
	eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x1990, 0x20, 4);
	assert_int_equal(eg_assert_refused(g, EX_DATAERR, ".got", ".bss"), 0);
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
	seg = eg_vnet_module(g, PF_R | PF_W, 0x10);
	eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1960, 0x20, 4);
	eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x1990, 0x20, 4);
	eg_dynamic(g, DT_PLTGOT, 0x1960);
	assert_int_equal(eg_assert_refused(g, EX_DATAERR, ".bss", NULL), 0);
}

/*
 * A .got.plt whose first word is _DYNAMIC (0x1900), with the set after
 * it growing in place (set_vnet 0x1990..0x19a8, .bss at 0x19b0): nothing
 * moves relative to the GOT, the plan is accepted and the word, still
 * .dynamic's address, is kept.  DT_PLTGOT stays.
 */
static void
test_got_in_place(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	size_t got, vnet;
	int seg;

	(void)state;
	g = eg_new();
	eg_text(g);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1900, 0x80, 4);
	got = eg_section(g, seg, ".got.plt", SHT_PROGBITS, AW, 0x1980, 0xc,
	    4);
	(void)got;
	eg_put32(g, 0x1980, 0x1900);
	vnet = eg_section(g, seg, "set_vnet", SHT_PROGBITS, AW, 0x1990, 0x18,
	    4);
	eg_pattern(g, vnet, 0x61);
	eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x19b0, 0x10, 16);
	eg_dynsym(g, "__start_set_vnet", 0x1990, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	eg_dynsym(g, "__stop_set_vnet", 0x19a8, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	eg_dynamic(g, DT_PLTGOT, 0x1980);
	eg_run(g, &r);

	assert_true(padko_changed(r.m));
	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_PAD_IN_PLACE);
	assert_int_equal(eg_image_word(&r.new, 0x1980), 0x1900);
	assert_int_equal(eg_image_shdr(&r.new, ".dynamic").sh_addr, 0x1900);
	assert_int_equal(eg_image_shdr(&r.new, ".got.plt").sh_addr, 0x1980);
	assert_int_equal(eg_image_dynamic(&r.new, DT_PLTGOT), 0x1980);
	assert_int_equal(eg_image_word(&r.new, 0x19a8), PAD);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__stop_set_vnet"),
	    0x19ac);
	eg_run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_following_align1),
		cmocka_unit_test(test_following_align4),
		cmocka_unit_test(test_following_align16),
		cmocka_unit_test(test_following_align64),
		cmocka_unit_test(test_following_align4096),
		cmocka_unit_test(test_slack8_in_place),
		cmocka_unit_test(test_slack4_in_place),
		cmocka_unit_test(test_gap_beyond_alignment),
		cmocka_unit_test(test_file_part_over_gap),
		cmocka_unit_test(test_slack3_moves),
		cmocka_unit_test(test_slack2_moves),
		cmocka_unit_test(test_slack1_moves),
		cmocka_unit_test(test_set_at_segment_end),
		cmocka_unit_test(test_set_ends_segment_before_another),
		cmocka_unit_test(test_both_sets_adjacent),
		cmocka_unit_test(test_bss_after_set_moves),
		cmocka_unit_test(test_bss_after_set_in_place),
		cmocka_unit_test(test_already_padded),
		cmocka_unit_test(test_pad_word_is_an_object),
		cmocka_unit_test(test_padded_with_symtab),
		cmocka_unit_test(test_empty_set),
		cmocka_unit_test(test_empty_set_beside_other),
		cmocka_unit_test(test_no_sets),
		cmocka_unit_test(test_exec_after_set),
		cmocka_unit_test(test_exec_segment_after_set),
		cmocka_unit_test(test_exec_after_set_in_place),
		cmocka_unit_test(test_got_and_moving_data),
		cmocka_unit_test(test_pltgot_and_moving_data),
		cmocka_unit_test(test_got_in_place),
	};

	return (cmocka_run_group_tests(tests, NULL, eg_teardown));
}
