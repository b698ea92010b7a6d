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
 * Unit tests of reference rewriting (lib/boundary.c, lib/rewrite.c): the
 * synthetic modules go through padko_plan() (or its halves,
 * padko_plan_layout() and padko_apply()) and padko_write_fd(), and the
 * output is read back with libelf.  Expected values were worked out by
 * hand from the layouts described at each fixture.
 */

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "elfgen.h"

#define	BIAS	0x1000u
#define	PAD	0x90909090u
#define	AW	(SHF_ALLOC | SHF_WRITE)

/* Reads a little-endian 32-bit word. */
static uint32_t
le32(const unsigned char *p)
{

	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

/* Adds .text (0x800..0x900, segment 0) filled with a pattern. */
static size_t
add_text(struct elfgen *g)
{
	size_t sec;

	sec = eg_section(g, 0, ".text", SHT_PROGBITS,
	    SHF_ALLOC | SHF_EXECINSTR, 0x800, 0x100, 16);
	eg_pattern(g, sec, 0x55);
	return (sec);
}

/* Adds a dynamic symbol; returns its .dynsym index. */
static size_t
dynsym(struct elfgen *g, const char *name, uint32_t value, uint32_t size,
    unsigned type, unsigned other, size_t sec)
{

	return (eg_symbol(g, EG_DYNSYM, name, value, size, STB_GLOBAL, type,
	    other, (uint16_t)sec));
}

/* Finds the relocation whose output r_offset is where; fails if none. */
static GElf_Rel
rel_at(const struct eg_image *img, uint32_t where)
{
	GElf_Rel rel;
	size_t i, n;

	n = eg_image_nrel(img);
	for (i = 0; i < n; i++) {
		rel = eg_image_rel(img, i);
		if (rel.r_offset == where)
			return (rel);
	}
	fail_msg("no relocation at %#x", where);
	memset(&rel, 0, sizeof(rel));
	return (rel);
}

/* Asserts a relocation's output offset, type and in-place value. */
static void
assert_rel(const struct eg_image *img, size_t i, uint32_t offset,
    unsigned type, uint32_t value)
{
	GElf_Rel rel;

	rel = eg_image_rel(img, i);
	if (rel.r_offset != offset || GELF_R_TYPE(rel.r_info) != type)
		fail_msg("relocation %zu: offset %#jx type %ju, expected %#x "
		    "type %u", i, (uintmax_t)rel.r_offset,
		    (uintmax_t)GELF_R_TYPE(rel.r_info), offset, type);
	if (eg_image_word(img, offset) != value)
		fail_msg("relocation %zu at %#x: value %#x, expected %#x", i,
		    offset, eg_image_word(img, offset), value);
}

/*
 * The GNU ld layout: .bss starts exactly where set_vnet ends.
 *
 *	.dynamic 0x1900..0x1980
 *	.data	 0x1980..0x19c0 (align 32)
 *	set_vnet 0x19c0..0x19e0 -> 0x19c0..0x19e4
 *	.bss	 0x19e0..0x1a20 (align 32) -> 0x1a00..0x1a40
 *
 * Relocations (index: place, value -> expected value):
 *	0: .data 0x1980 RELATIVE 0x19e0 (.bss starts there) -> 0x1a00
 *	1: .data 0x1984 RELATIVE 0x19c8 (inside the set) -> 0x19c8
 *	2: .data 0x1988 RELATIVE 0x19f0 (inside .bss) -> 0x1a10
 *	3: set   0x19c0 RELATIVE 0x1984 (.data) -> 0x1984
 *	4: .data 0x198c R_386_32 __stop_set_vnet, in place 0 -> 0
 *	5: .text 0x810 RELATIVE 0x19e8 (.bss) -> 0x1a08
 *	6: .data 0x1990 R_386_32 against no symbol, 0x19f4 -> 0x1a14
 *	7: .text 0x814 RELATIVE 0x19c0 (set start) -> 0x19c0
 *	8: .text 0x818 R_386_PC32 bss_var, in place -4 -> -4
 */
static struct elfgen *
gnu_module(void)
{
	struct elfgen *g;
	size_t data, vnet, bss, stop, bssvar;
	int seg;

	g = eg_new();
	add_text(g);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1900, 0x80, 4);
	data = eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1980, 0x40,
	    32);
	eg_pattern(g, data, 0x11);
	vnet = eg_section(g, seg, "set_vnet", SHT_PROGBITS, AW, 0x19c0, 0x20,
	    4);
	eg_pattern(g, vnet, 0x61);
	bss = eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x19e0, 0x40, 32);

	dynsym(g, "data_var", 0x1980, 4, STT_OBJECT, STV_DEFAULT, data);
	dynsym(g, "__start_set_vnet", 0x19c0, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	stop = dynsym(g, "__stop_set_vnet", 0x19e0, 0, STT_NOTYPE,
	    STV_PROTECTED, vnet);
	bssvar = dynsym(g, "bss_var", 0x19e0, 4, STT_OBJECT, STV_DEFAULT,
	    bss);
	dynsym(g, "bss_var2", 0x19f0, 8, STT_OBJECT, STV_DEFAULT, bss);

	eg_symbol(g, EG_SYMTAB, "vnet_last", 0x19d8, 8, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "vnet_end", 0x19e0, 0, STB_LOCAL,
	    STT_NOTYPE, STV_DEFAULT, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "bss_static", 0x19e8, 4, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)bss);
	eg_symbol(g, EG_SYMTAB, "__start_set_vnet", 0x19c0, 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "__stop_set_vnet", 0x19e0, 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "bss_var", 0x19e0, 4, STB_GLOBAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)bss);
	eg_symbol(g, EG_SYMTAB, "text_fn", 0x800, 0x10, STB_GLOBAL,
	    STT_FUNC, STV_DEFAULT, EG_FIRST_USER);

	eg_relative(g, 0x1980, 0x19e0);
	eg_relative(g, 0x1984, 0x19c8);
	eg_relative(g, 0x1988, 0x19f0);
	eg_relative(g, 0x19c0, 0x1984);
	eg_put32(g, 0x198c, 0);
	eg_rel(g, 0x198c, R_386_32, stop);
	eg_relative(g, 0x810, 0x19e8);
	eg_put32(g, 0x1990, 0x19f4);
	eg_rel(g, 0x1990, R_386_32, 0);
	eg_relative(g, 0x814, 0x19c0);
	eg_put32(g, 0x818, 0xfffffffc);
	eg_rel(g, 0x818, R_386_PC32, bssvar);
	return (g);
}

/* Symbols of both tables move with their section; __stop follows the end. */
static void
test_gnu_symbols(void **state)
{
	struct eg_run r;

	(void)state;
	eg_run(gnu_module(), &r);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "data_var"),
	    0x1980);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM,
	    "__start_set_vnet"), 0x19c0);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__stop_set_vnet"),
	    0x19e4);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "bss_var"),
	    0x1a00);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "bss_var2"),
	    0x1a10);

	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "vnet_last"),
	    0x19d8);
	/* At the old end but not __stop: one past the last object, stays. */
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "vnet_end"),
	    0x19e0);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "bss_static"),
	    0x1a08);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB,
	    "__start_set_vnet"), 0x19c0);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "__stop_set_vnet"),
	    0x19e4);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "bss_var"),
	    0x1a00);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "text_fn"),
	    0x800);
	eg_run_free(&r);
}

/* Relocations of the GNU layout, including the NEXT boundary at 0x19e0. */
static void
test_gnu_relocations(void **state)
{
	struct eg_run r;
	const struct padko_boundary_report *b;
	GElf_Phdr ph;
	GElf_Rel rel;

	(void)state;
	eg_run(gnu_module(), &r);
	assert_int_equal(eg_image_nrel(&r.new), 9);
	assert_rel(&r.new, 0, 0x1980, R_386_RELATIVE, 0x1a00);
	assert_rel(&r.new, 1, 0x1984, R_386_RELATIVE, 0x19c8);
	assert_rel(&r.new, 2, 0x1988, R_386_RELATIVE, 0x1a10);
	assert_rel(&r.new, 3, 0x19c0, R_386_RELATIVE, 0x1984);
	assert_rel(&r.new, 4, 0x198c, R_386_32, 0);
	assert_int_equal(GELF_R_SYM(eg_image_rel(&r.new, 4).r_info), 3);
	assert_rel(&r.new, 5, 0x810, R_386_RELATIVE, 0x1a08);
	assert_rel(&r.new, 6, 0x1990, R_386_32, 0x1a14);
	assert_rel(&r.new, 7, 0x814, R_386_RELATIVE, 0x19c0);
	assert_rel(&r.new, 8, 0x818, R_386_PC32, 0xfffffffc);
	rel = rel_at(&r.new, 0x818);
	assert_int_equal(GELF_R_SYM(rel.r_info), 4);

	/* One boundary reference: relocation 0, read as the start of .bss. */
	assert_int_equal(padko_boundary_count(r.m), 1);
	b = padko_boundary(r.m, 0);
	assert_non_null(b);
	assert_int_equal(b->set, PADKO_SET_VNET);
	assert_int_equal(b->site, PADKO_SITE_RELOC);
	assert_int_equal(b->where, 0x1980);
	assert_int_equal(b->old_value, 0x19e0);
	assert_int_equal(b->new_value, 0x1a00);
	assert_int_equal(b->meaning, PADKO_BOUNDARY_NEXT);
	assert_non_null(b->evidence);
	assert_null(padko_boundary(r.m, 1));

	/* The padding sits at the old end, the rest of the set is intact. */
	assert_int_equal(eg_image_word(&r.new, 0x19e0), PAD);
	assert_memory_equal(eg_image_at(&r.new, 0x9c4, 0x1c),
	    eg_image_at(&r.old, 0x9c4, 0x1c), 0x1c);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr, 0x1a00);
	/* Words of .data without relocations are untouched. */
	assert_int_equal(eg_image_word(&r.new, 0x19a0),
	    eg_image_word(&r.old, 0x19a0));
	ph = eg_image_phdr(&r.new, 1);
	assert_int_equal(ph.p_filesz, 0xe4);
	assert_int_equal(ph.p_memsz, 0x140);
	eg_run_free(&r);
}

/*
 * The GNU layout with slack: set_vnet 0x19c0..0x19d8, .bss at 0x19e0
 * (align 32).  The set grows in place to 0x19dc.  A RELATIVE of value
 * 0x19d8 has nothing starting there: it is __stop_set_vnet, and follows
 * the new end; one of 0x19e0 is .bss, which does not move.
 */
static void
test_slack_stop(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	const struct padko_boundary_report *b;
	size_t data, vnet, bss;
	int seg;

	(void)state;
	g = eg_new();
	add_text(g);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1900, 0x80, 4);
	data = eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1980, 0x40,
	    32);
	vnet = eg_section(g, seg, "set_vnet", SHT_PROGBITS, AW, 0x19c0, 0x18,
	    4);
	eg_pattern(g, vnet, 0x61);
	bss = eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x19e0, 0x40, 32);
	dynsym(g, "__start_set_vnet", 0x19c0, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	dynsym(g, "__stop_set_vnet", 0x19d8, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	dynsym(g, "bss_var", 0x19e0, 4, STT_OBJECT, STV_DEFAULT, bss);
	eg_symbol(g, EG_SYMTAB, "vnet_end", 0x19d8, 0, STB_LOCAL,
	    STT_NOTYPE, STV_DEFAULT, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "data_first", 0x1980, 4, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)data);
	eg_relative(g, 0x1980, 0x19d8);
	eg_relative(g, 0x1984, 0x19e0);
	eg_run(g, &r);

	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_PAD_IN_PLACE);
	assert_rel(&r.new, 0, 0x1980, R_386_RELATIVE, 0x19dc);
	assert_rel(&r.new, 1, 0x1984, R_386_RELATIVE, 0x19e0);
	assert_int_equal(padko_boundary_count(r.m), 1);
	b = padko_boundary(r.m, 0);
	assert_int_equal(b->where, 0x1980);
	assert_int_equal(b->old_value, 0x19d8);
	assert_int_equal(b->new_value, 0x19dc);
	assert_int_equal(b->meaning, PADKO_BOUNDARY_STOP);
	assert_int_equal(eg_image_word(&r.new, 0x19d8), PAD);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__stop_set_vnet"),
	    0x19dc);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "vnet_end"),
	    0x19d8);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "bss_var"),
	    0x19e0);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr, 0x19e0);
	eg_run_free(&r);
}

/*
 * The ld.lld layout: the set comes first, and everything after it moves
 * by 4, .dynamic included.
 *
 *	set_vnet    0x1900..0x1910 -> 0x1900..0x1914
 *	.data	    0x1910..0x1940 -> 0x1914..0x1944
 *	.init_array 0x1940..0x1948 -> 0x1944..0x194c
 *	.dynamic    0x1948..0x19c8 -> 0x194c..0x19cc
 *	.bss	    0x19c8..0x19e8 -> 0x19cc..0x19ec
 *
 * Relocations (index: place, value -> new place, new value):
 *	0: 0x1910 RELATIVE 0x1920 (.data)	-> 0x1914, 0x1924
 *	1: 0x1914 RELATIVE 0x1904 (set)		-> 0x1918, 0x1904
 *	2: 0x1940 RELATIVE 0x800 (.text)	-> 0x1944, 0x800
 *	3: 0x1918 RELATIVE 0x1910 (.data start)	-> 0x191c, 0x1914
 *	4: 0x191c R_386_32 data_obj, 0		-> 0x1920, 0
 *	5: 0x810  RELATIVE 0x19d0 (.bss)	-> 0x810,  0x19d4
 *	6: 0x1944 RELATIVE 0x1950 (.dynamic)	-> 0x1948, 0x1954
 */
static struct elfgen *
lld_module(void)
{
	struct elfgen *g;
	size_t vnet, data, init, dyn, bss, dataobj;
	int seg;

	g = eg_new();
	add_text(g);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	vnet = eg_section(g, seg, "set_vnet", SHT_PROGBITS, AW, 0x1900, 0x10,
	    4);
	eg_pattern(g, vnet, 0x61);
	data = eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1910, 0x30, 4);
	eg_pattern(g, data, 0x11);
	init = eg_section(g, seg, ".init_array", SHT_INIT_ARRAY, AW, 0x1940,
	    8, 4);
	dyn = eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1948, 0x80,
	    4);
	bss = eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x19c8, 0x20, 4);

	dynsym(g, "__start_set_vnet", 0x1900, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	dynsym(g, "__stop_set_vnet", 0x1910, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	dataobj = dynsym(g, "data_obj", 0x1920, 4, STT_OBJECT, STV_DEFAULT,
	    data);
	dynsym(g, "bss_obj", 0x19c8, 4, STT_OBJECT, STV_DEFAULT, bss);

	eg_symbol(g, EG_SYMTAB, "vnet_tail", 0x1910, 0, STB_LOCAL,
	    STT_NOTYPE, STV_DEFAULT, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "data_first", 0x1910, 4, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)data);
	eg_symbol(g, EG_SYMTAB, "_DYNAMIC", 0x1948, 0, STB_LOCAL,
	    STT_OBJECT, STV_HIDDEN, (uint16_t)dyn);
	eg_symbol(g, EG_SYMTAB, "init_fn_ptr", 0x1940, 4, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)init);
	eg_symbol(g, EG_SYMTAB, "__stop_set_vnet", 0x1910, 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)vnet);

	eg_relative(g, 0x1910, 0x1920);
	eg_relative(g, 0x1914, 0x1904);
	eg_relative(g, 0x1940, 0x800);
	eg_relative(g, 0x1918, 0x1910);
	eg_put32(g, 0x191c, 0);
	eg_rel(g, 0x191c, R_386_32, dataobj);
	eg_relative(g, 0x810, 0x19d0);
	eg_relative(g, 0x1944, 0x1950);

	eg_dynamic(g, DT_INIT, 0x800);
	eg_dynamic(g, DT_INIT_ARRAY, 0x1940);
	eg_dynamic(g, DT_INIT_ARRAYSZ, 8);
	eg_dynamic(g, DT_FINI_ARRAY, 0x1944);
	eg_dynamic(g, DT_FINI_ARRAYSZ, 4);
	return (g);
}

/* Sections, segments and symbols of the lld layout. */
static void
test_lld_layout_and_symbols(void **state)
{
	struct eg_run r;
	GElf_Phdr ph;
	GElf_Shdr sh;

	(void)state;
	eg_run(lld_module(), &r);
	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_PAD_MOVING);
	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->next_shift,
	    4);
	sh = eg_image_shdr(&r.new, ".data");
	assert_int_equal(sh.sh_addr, 0x1914);
	assert_int_equal(sh.sh_offset, 0x914);
	sh = eg_image_shdr(&r.new, ".init_array");
	assert_int_equal(sh.sh_addr, 0x1944);
	assert_int_equal(sh.sh_offset, 0x944);
	sh = eg_image_shdr(&r.new, ".dynamic");
	assert_int_equal(sh.sh_addr, 0x194c);
	assert_int_equal(sh.sh_offset, 0x94c);
	assert_int_equal(sh.sh_size, 0x80);
	assert_int_equal(eg_image_shdr(&r.new, ".bss").sh_addr, 0x19cc);

	ph = eg_image_phdr(&r.new, 1);
	assert_int_equal(ph.p_type, PT_LOAD);
	assert_int_equal(ph.p_vaddr, 0x1900);
	assert_int_equal(ph.p_offset, 0x900);
	assert_int_equal(ph.p_filesz, 0xcc);
	assert_int_equal(ph.p_memsz, 0xec);
	ph = eg_image_phdr(&r.new, 2);
	assert_int_equal(ph.p_type, PT_DYNAMIC);
	assert_int_equal(ph.p_vaddr, 0x194c);
	assert_int_equal(ph.p_offset, 0x94c);
	assert_int_equal(ph.p_filesz, 0x80);
	eg_assert_congruent(&r.new);

	assert_int_equal(eg_image_word(&r.new, 0x1910), PAD);
	/* .data's unrelocated bytes moved with it. */
	assert_memory_equal(eg_image_at(&r.new, 0x934, 0x10),
	    eg_image_at(&r.old, 0x930, 0x10), 0x10);

	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM,
	    "__start_set_vnet"), 0x1900);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "__stop_set_vnet"),
	    0x1914);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "data_obj"),
	    0x1924);
	assert_int_equal(eg_image_symbol(&r.new, EG_DYNSYM, "bss_obj"),
	    0x19cc);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "vnet_tail"),
	    0x1910);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "data_first"),
	    0x1914);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "_DYNAMIC"),
	    0x194c);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "init_fn_ptr"),
	    0x1944);
	assert_int_equal(eg_image_symbol(&r.new, EG_SYMTAB, "__stop_set_vnet"),
	    0x1914);
	eg_run_free(&r);
}

/* Relocation places and values of the lld layout. */
static void
test_lld_relocations(void **state)
{
	struct eg_run r;
	const struct padko_boundary_report *b;

	(void)state;
	eg_run(lld_module(), &r);
	assert_int_equal(eg_image_nrel(&r.new), 7);
	assert_rel(&r.new, 0, 0x1914, R_386_RELATIVE, 0x1924);
	assert_rel(&r.new, 1, 0x1918, R_386_RELATIVE, 0x1904);
	assert_rel(&r.new, 2, 0x1944, R_386_RELATIVE, 0x800);
	assert_rel(&r.new, 3, 0x191c, R_386_RELATIVE, 0x1914);
	assert_rel(&r.new, 4, 0x1920, R_386_32, 0);
	assert_int_equal(GELF_R_SYM(eg_image_rel(&r.new, 4).r_info), 3);
	assert_rel(&r.new, 5, 0x810, R_386_RELATIVE, 0x19d4);
	assert_rel(&r.new, 6, 0x1948, R_386_RELATIVE, 0x1954);

	/* Relocation 3: the old end is where .data (data_first) starts. */
	assert_int_equal(padko_boundary_count(r.m), 1);
	b = padko_boundary(r.m, 0);
	assert_int_equal(b->where, 0x1918);
	assert_int_equal(b->old_value, 0x1910);
	assert_int_equal(b->new_value, 0x1914);
	assert_int_equal(b->meaning, PADKO_BOUNDARY_NEXT);
	assert_non_null(strstr(b->evidence, "data_first"));
	eg_run_free(&r);
}

/* .dynamic pointers into moved sections move; the others stay. */
static void
test_lld_dynamic(void **state)
{
	struct eg_run r;

	(void)state;
	eg_run(lld_module(), &r);
	assert_int_equal(eg_image_dynamic(&r.new, DT_INIT_ARRAY), 0x1944);
	assert_int_equal(eg_image_dynamic(&r.new, DT_INIT_ARRAYSZ), 8);
	assert_int_equal(eg_image_dynamic(&r.new, DT_FINI_ARRAY), 0x1948);
	assert_int_equal(eg_image_dynamic(&r.new, DT_FINI_ARRAYSZ), 4);
	assert_int_equal(eg_image_dynamic(&r.new, DT_INIT), 0x800);
	assert_int_equal(eg_image_dynamic(&r.new, DT_HASH),
	    eg_image_shdr(&r.old, ".hash").sh_addr);
	assert_int_equal(eg_image_dynamic(&r.new, DT_SYMTAB),
	    eg_image_shdr(&r.old, ".dynsym").sh_addr);
	assert_int_equal(eg_image_dynamic(&r.new, DT_REL),
	    eg_image_shdr(&r.old, ".rel.dyn").sh_addr);
	assert_int_equal(eg_image_dynamic(&r.new, DT_RELSZ), 7 * 8);
	eg_run_free(&r);
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
	add_text(g);
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
	dynsym(g, "__start_set_vnet", 0x1990, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	dynsym(g, "__stop_set_vnet", 0x19a8, 0, STT_NOTYPE, STV_PROTECTED,
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

/*
 * A module whose set is the last section (0x1980..0x1990): a
 * RELATIVE of value 0x1990 has nothing after it and is __stop: 0x1994.
 */
static void
test_stop_at_segment_end(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	size_t data, vnet;
	int seg;

	(void)state;
	g = eg_new();
	add_text(g);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1900, 0x60, 4);
	data = eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1960, 0x20, 4);
	(void)data;
	vnet = eg_section(g, seg, "set_vnet", SHT_PROGBITS, AW, 0x1980, 0x10,
	    4);
	eg_pattern(g, vnet, 0x61);
	dynsym(g, "__start_set_vnet", 0x1980, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	dynsym(g, "__stop_set_vnet", 0x1990, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	eg_relative(g, 0x1960, 0x1990);
	eg_relative(g, 0x1964, 0x1980);
	eg_run(g, &r);

	assert_rel(&r.new, 0, 0x1960, R_386_RELATIVE, 0x1994);
	assert_rel(&r.new, 1, 0x1964, R_386_RELATIVE, 0x1980);
	assert_int_equal(padko_boundary_count(r.m), 1);
	assert_int_equal(padko_boundary(r.m, 0)->meaning,
	    PADKO_BOUNDARY_STOP);
	assert_int_equal(eg_image_word(&r.new, 0x1990), PAD);
	eg_run_free(&r);
}

/*
 * Both sets adjacent (set_vnet 0x1980..0x1990, set_pcpu 0x1990..0x1998,
 * .bss 0x1998..0x19b8).  0x1990 is the end of set_vnet and the start of
 * set_pcpu: a reference with that value moves with set_pcpu (0x1994).
 * 0x1998 is the end of set_pcpu and the start of .bss: 0x19a0.  A
 * reference into set_pcpu (0x1994) moves by 4 to 0x1998.
 */
static void
test_adjacent_sets_references(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	size_t data, vnet, pcpu, bss;
	int seg;

	(void)state;
	g = eg_new();
	add_text(g);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1900, 0x60, 4);
	data = eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1960, 0x20, 4);
	(void)data;
	vnet = eg_section(g, seg, "set_vnet", SHT_PROGBITS, AW, 0x1980, 0x10,
	    4);
	eg_pattern(g, vnet, 0x61);
	pcpu = eg_section(g, seg, "set_pcpu", SHT_PROGBITS, AW, 0x1990, 0x8,
	    4);
	eg_pattern(g, pcpu, 0x71);
	bss = eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x1998, 0x20, 4);
	(void)bss;
	dynsym(g, "__start_set_vnet", 0x1980, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	dynsym(g, "__stop_set_vnet", 0x1990, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	dynsym(g, "__start_set_pcpu", 0x1990, 0, STT_NOTYPE, STV_PROTECTED,
	    pcpu);
	dynsym(g, "__stop_set_pcpu", 0x1998, 0, STT_NOTYPE, STV_PROTECTED,
	    pcpu);
	eg_relative(g, 0x1960, 0x1990);
	eg_relative(g, 0x1964, 0x1998);
	eg_relative(g, 0x1968, 0x1994);
	eg_relative(g, 0x1994, 0x1988);
	eg_run(g, &r);

	assert_rel(&r.new, 0, 0x1960, R_386_RELATIVE, 0x1994);
	assert_rel(&r.new, 1, 0x1964, R_386_RELATIVE, 0x19a0);
	assert_rel(&r.new, 2, 0x1968, R_386_RELATIVE, 0x1998);
	/* A relocation inside set_pcpu moves with it. */
	assert_rel(&r.new, 3, 0x1998, R_386_RELATIVE, 0x1988);
	assert_int_equal(padko_boundary_count(r.m), 2);
	assert_int_equal(padko_boundary(r.m, 0)->set, PADKO_SET_VNET);
	assert_int_equal(padko_boundary(r.m, 0)->meaning,
	    PADKO_BOUNDARY_NEXT);
	assert_int_equal(padko_boundary(r.m, 1)->set, PADKO_SET_PCPU);
	assert_int_equal(padko_boundary(r.m, 1)->meaning,
	    PADKO_BOUNDARY_NEXT);
	eg_run_free(&r);
}

/*
 * Static relocations kept by ld --emit-relocs for a non-allocated section
 * (.rel.debug_info against .debug_info, 0x1a10 bytes in no segment): their
 * r_offset is an offset in .debug_info, not an address, and must not be
 * mapped like one even when the number lies past the set (0x1a00 is also
 * inside .bss, which moves to 0x1a20 in the GNU layout).  r_offset 0x10,
 * below every moved address, is a control.
 */
static void
test_nonalloc_static_relocs(void **state)
{
	struct elfgen *g;
	struct eg_run r;
	unsigned char rel[16];
	const unsigned char *p;
	GElf_Shdr sh;
	size_t info, rs;

	(void)state;
	g = gnu_module();
	info = eg_section(g, -1, ".debug_info", SHT_PROGBITS, 0, 0, 0x1a10,
	    1);
	rs = eg_section(g, -1, ".rel.debug_info", SHT_REL, 0, 0, 16, 4);
	eg_section_link(g, rs, EG_DYNSYM_SEC, (uint32_t)info,
	    sizeof(Elf32_Rel));
	memset(rel, 0, sizeof(rel));
	rel[0] = 0x10;				/* r_offset 0x10 */
	rel[4] = R_386_32;			/* r_info: no symbol */
	rel[8] = 0x00;				/* r_offset 0x1a00 */
	rel[9] = 0x1a;
	rel[12] = R_386_32;
	eg_fill(g, rs, 0, rel, sizeof(rel));
	eg_run(g, &r);
	sh = eg_image_shdr(&r.new, ".rel.debug_info");
	p = eg_image_at(&r.new, sh.sh_offset, 16);
	assert_int_equal(le32(p), 0x10);
	assert_int_equal(le32(p + 4), R_386_32);
	assert_int_equal(le32(p + 8), 0x1a00);
	assert_int_equal(le32(p + 12), R_386_32);
	eg_run_free(&r);
}

/* Runs padko on its own output: the second run changes nothing. */
static void
check_idempotent(struct elfgen *g)
{
	struct eg_run r;
	struct padko_module *m;
	struct padko_error err;
	unsigned char *out;
	size_t size;

	eg_run(g, &r);
	assert_true(padko_changed(r.m));
	assert_int_equal(eg_padko(r.out, r.outsize, &m, &err), 0);
	assert_false(padko_changed(m));
	assert_int_equal(padko_set_report(m, PADKO_SET_VNET)->state,
	    PADKO_SET_PADDED);
	eg_padko_output(m, &out, &size);
	assert_int_equal(size, r.outsize);
	assert_memory_equal(out, r.out, size);
	free(out);
	padko_close(m);
	eg_run_free(&r);
}

/* The GNU layout, padded twice. */
static void
test_gnu_idempotent(void **state)
{

	(void)state;
	check_idempotent(gnu_module());
}

/* The lld layout, padded twice. */
static void
test_lld_idempotent(void **state)
{

	(void)state;
	check_idempotent(lld_module());
}

/*
 * padko_write() (through a temporary file and rename) writes the same
 * bytes as padko_write_fd(), with the mode asked for.
 */
static void
test_write_path(void **state)
{
	struct eg_run r;
	struct padko_error err;
	struct stat st;
	unsigned char *buf;
	const char *dir;
	char path[512];
	FILE *f;
	long len;

	(void)state;
	eg_run(gnu_module(), &r);
	if ((dir = getenv("TMPDIR")) == NULL || dir[0] == '\0')
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/padko-unit-%ld.ko", dir,
	    (long)getpid());
	memset(&err, 0, sizeof(err));
	if (padko_write(r.m, path, 0640, &err) != 0)
		fail_msg("padko_write: %s", err.msg);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_int_equal(len, (long)r.outsize);
	rewind(f);
	assert_non_null(buf = malloc((size_t)len));
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	unlink(path);
	assert_memory_equal(buf, r.out, r.outsize);
	free(buf);
	eg_run_free(&r);
}

/*
 * padko_plan() in its two halves: after padko_plan_layout() the decisions
 * are made but nothing is rewritten (writing is refused); padko_apply()
 * then gives the bytes padko_plan() gives.
 */
static void
test_plan_then_apply(void **state)
{
	struct eg_run r;
	struct padko_module *m;
	struct padko_error err;
	unsigned char *out;
	size_t size;

	(void)state;
	eg_run(gnu_module(), &r);
	memset(&err, 0, sizeof(err));
	if (padko_open_memory("split.ko", r.in, r.insize, &m, &err) != 0)
		fail_msg("padko_open_memory: %s", err.msg);
	assert_int_equal(padko_apply(m, &err), -1);
	if (padko_plan_layout(m, &err) != 0)
		fail_msg("padko_plan_layout: %s", err.msg);
	assert_true(padko_changed(m));
	assert_int_equal(padko_boundary_count(m), padko_boundary_count(r.m));
	assert_int_equal(padko_write_fd(m, -1, &err), -1);
	if (padko_apply(m, &err) != 0)
		fail_msg("padko_apply: %s", err.msg);
	eg_padko_output(m, &out, &size);
	assert_int_equal(size, r.outsize);
	assert_memory_equal(out, r.out, size);
	free(out);
	padko_close(m);
	eg_run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gnu_symbols),
		cmocka_unit_test(test_gnu_relocations),
		cmocka_unit_test(test_slack_stop),
		cmocka_unit_test(test_lld_layout_and_symbols),
		cmocka_unit_test(test_lld_relocations),
		cmocka_unit_test(test_lld_dynamic),
		cmocka_unit_test(test_got_in_place),
		cmocka_unit_test(test_stop_at_segment_end),
		cmocka_unit_test(test_adjacent_sets_references),
		cmocka_unit_test(test_nonalloc_static_relocs),
		cmocka_unit_test(test_gnu_idempotent),
		cmocka_unit_test(test_lld_idempotent),
		cmocka_unit_test(test_write_path),
		cmocka_unit_test(test_plan_then_apply),
	};

	return (cmocka_run_group_tests(tests, NULL, eg_teardown));
}
