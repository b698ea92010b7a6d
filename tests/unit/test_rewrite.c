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
 * Unit tests of the rewriter (lib/rewrite.c): every reference to a moved
 * address follows it (symbol values of both tables, relocation places and
 * in-place values, .dynamic pointers) and nothing else changes (other
 * symbols, words without relocations, r_offset of static relocations of
 * non-allocated sections), in the layouts of GNU ld (eg_gnu_module() in
 * elfgen.c) and ld.lld (below); and padko on its own output changes
 * nothing.  The synthetic modules go through padko_plan() and
 * padko_write_fd(), and the output is read back with libelf.  Expected
 * values were worked out by hand from the layouts described at each
 * fixture.  What a reference at a set's end means is boundary.c's
 * decision (test_boundary.c); the rewritten value of the one such
 * reference of each layout is checked here with the others.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Symbols of both tables move with their section; __stop follows the end. */
static void
test_gnu_symbols(void **state)
{
	struct eg_run r;

	(void)state;
	eg_run(eg_gnu_module(), &r);
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
	eg_run(eg_gnu_module(), &r);
	assert_int_equal(eg_image_nrel(&r.new), 9);
	eg_assert_rel(&r.new, 0, 0x1980, R_386_RELATIVE, 0x1a00);
	eg_assert_rel(&r.new, 1, 0x1984, R_386_RELATIVE, 0x19c8);
	eg_assert_rel(&r.new, 2, 0x1988, R_386_RELATIVE, 0x1a10);
	eg_assert_rel(&r.new, 3, 0x19c0, R_386_RELATIVE, 0x1984);
	eg_assert_rel(&r.new, 4, 0x198c, R_386_32, 0);
	assert_int_equal(GELF_R_SYM(eg_image_rel(&r.new, 4).r_info), 3);
	eg_assert_rel(&r.new, 5, 0x810, R_386_RELATIVE, 0x1a08);
	eg_assert_rel(&r.new, 6, 0x1990, R_386_32, 0x1a14);
	eg_assert_rel(&r.new, 7, 0x814, R_386_RELATIVE, 0x19c0);
	eg_assert_rel(&r.new, 8, 0x818, R_386_PC32, 0xfffffffc);
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
	eg_text(g);
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

	eg_dynsym(g, "__start_set_vnet", 0x1900, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	eg_dynsym(g, "__stop_set_vnet", 0x1910, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	dataobj = eg_dynsym(g, "data_obj", 0x1920, 4, STT_OBJECT, STV_DEFAULT,
	    data);
	eg_dynsym(g, "bss_obj", 0x19c8, 4, STT_OBJECT, STV_DEFAULT, bss);

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
	eg_assert_rel(&r.new, 0, 0x1914, R_386_RELATIVE, 0x1924);
	eg_assert_rel(&r.new, 1, 0x1918, R_386_RELATIVE, 0x1904);
	eg_assert_rel(&r.new, 2, 0x1944, R_386_RELATIVE, 0x800);
	eg_assert_rel(&r.new, 3, 0x191c, R_386_RELATIVE, 0x1914);
	eg_assert_rel(&r.new, 4, 0x1920, R_386_32, 0);
	assert_int_equal(GELF_R_SYM(eg_image_rel(&r.new, 4).r_info), 3);
	eg_assert_rel(&r.new, 5, 0x810, R_386_RELATIVE, 0x19d4);
	eg_assert_rel(&r.new, 6, 0x1948, R_386_RELATIVE, 0x1954);

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
 * Static relocations kept by ld --emit-relocs for a non-allocated section
 * (.rel.debug_info against .debug_info, 0x1a10 bytes in no segment): their
 * r_offset is an offset in .debug_info, not an address, and must not be
 * mapped like one even when the number lies past the set (0x1a00 is also
 * inside .bss, which moves to 0x1a20 in the GNU layout).  r_offset 0x10,
 * below every moved address, is a control.  .debug_info is one DWARF 4
 * unit with no DIE (padko refuses DWARF it cannot read).
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
	g = eg_gnu_module();
	info = eg_section(g, -1, ".debug_info", SHT_PROGBITS, 0, 0, 0x1a10,
	    1);
	eg_fill(g, info, 0, (const unsigned char[]){ 0x0c, 0x1a, 0, 0, 4, 0,
	    0, 0, 0, 0, 4 }, 11);
	eg_section(g, -1, ".debug_abbrev", SHT_PROGBITS, 0, 0, 1, 1);
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
	check_idempotent(eg_gnu_module());
}

/* The lld layout, padded twice. */
static void
test_lld_idempotent(void **state)
{

	(void)state;
	check_idempotent(lld_module());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gnu_symbols),
		cmocka_unit_test(test_gnu_relocations),
		cmocka_unit_test(test_lld_layout_and_symbols),
		cmocka_unit_test(test_lld_relocations),
		cmocka_unit_test(test_lld_dynamic),
		cmocka_unit_test(test_nonalloc_static_relocs),
		cmocka_unit_test(test_gnu_idempotent),
		cmocka_unit_test(test_lld_idempotent),
	};

	return (cmocka_run_group_tests(tests, NULL, eg_teardown));
}
