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
 * Unit tests of the reference model (lib/boundary.c): what a reference
 * whose value is a set's old end, or a value displaced from its target,
 * means.  How the instruction that holds a reference decides it is tested
 * with the code reader, in test_code.c; here:
 * - the decision table of displaced values (displaced_decide(), given the
 *   access the code showed);
 * - the layout check (boundary_constrain(), and the planner honouring its
 *   bounds): a decided reference whose target lies outside a set must not
 *   fall inside that set once padded;
 * - what a relocation at a set's old end in data means, where the
 *   sections and symbols decide it, and its rewritten value: __stop (STOP)
 *   where nothing starts there (slack after the set, or the segment's
 *   end), the start of what follows (NEXT) otherwise, the adjacent set's
 *   too;
 * - references that no evidence decides: refused (EX_DATAERR, the sites
 *   and the options that decide them listed), or guessed as NEXT when
 *   asked.
 * For the layout check, references are made by hand on a planned
 * synthetic module:
 *
 *	segment 0 (R+X, bias 0):	.text	 0x800..0x900
 *	segment 1 (R+W, bias 0x1000):	.dynamic 0x1900..0x1960
 *					.data	 0x1960..0x1980 (align 32)
 *					set_vnet 0x1980..0x19c0
 *					.bss	 0x19c0..0x1bc0 (align 8)
 *
 * Padded by the linker's rule, set_vnet ends at 0x19c4 and .bss goes to
 * 0x19c8.  tab, the first .bss object, scanned from the top as
 * tab[i - 1] over 60-byte entries, gives the value tab - 0x24 = 0x199c:
 * inside set_vnet, though its target is tab.
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

static struct module *
module_of(struct padko_module *pm)
{

	return ((struct module *)(void *)pm);
}

/* Builds the module above and opens it, unplanned. */
static struct padko_module *
open_module(unsigned char **image)
{
	struct padko_module *pm;
	struct padko_error err;
	struct elfgen *g;
	size_t sec, size;
	int seg;

	g = eg_new();
	sec = eg_section(g, 0, ".text", SHT_PROGBITS,
	    SHF_ALLOC | SHF_EXECINSTR, 0x800, 0x100, 16);
	eg_pattern(g, sec, 0x55);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE,
	    0x1900, 0x60, 4);
	sec = eg_section(g, seg, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
	    0x1960, 0x20, 32);
	eg_pattern(g, sec, 0x11);
	sec = eg_section(g, seg, "set_vnet", SHT_PROGBITS,
	    SHF_ALLOC | SHF_WRITE, 0x1980, 0x40, 4);
	eg_pattern(g, sec, 0x22);
	eg_symbol(g, EG_DYNSYM, "__start_set_vnet", 0x1980, 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
	eg_symbol(g, EG_DYNSYM, "__stop_set_vnet", 0x19c0, 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
	eg_section(g, seg, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
	    0x19c0, 0x200, 8);
	eg_build(g, image, &size);
	eg_free(g);
	memset(&err, 0, sizeof(err));
	if (padko_open_memory("target.ko", *image, size, &pm, &err) != 0)
		fail_msg("padko_open_memory: %s", err.msg);
	return (pm);
}

static struct section *
section_named(struct module *m, const char *name)
{
	size_t i;

	for (i = 1; i < m->nsections; i++)
		if (strcmp(m->sections[i].name, name) == 0)
			return (&m->sections[i]);
	fail_msg("no section %s", name);
	return (NULL);
}

/*
 * Makes m's only reference: a decided displaced value whose target is the
 * start of target, valued as the rewriter would with the current plan.
 */
static void
displaced_ref(struct module *m, GElf_Addr where, GElf_Addr value,
    struct section *target)
{

	free(m->refs);
	if ((m->refs = calloc(1, sizeof(*m->refs))) == NULL)
		fail_msg("out of memory");
	m->nrefs = 1;
	m->refs[0].key = where;
	m->refs[0].target = target;
	snprintf(m->refs[0].target_name, sizeof(m->refs[0].target_name),
	    "%s", target->name);
	m->refs[0].report.where = where;
	m->refs[0].report.old_value = value;
	m->refs[0].report.target = target->shdr.sh_addr;
	m->refs[0].report.meaning = PADKO_BOUNDARY_DISPLACED;
	m->refs[0].report.decided = 1;
	m->refs[0].report.new_value = value + (target->new_addr -
	    target->shdr.sh_addr);
}

/* Plans the layout, failing the test on an error. */
static void
plan(struct module *m)
{
	struct padko_error err;

	memset(&err, 0, sizeof(err));
	if (layout_plan(m, &err) != 0)
		fail_msg("layout_plan: %s", err.msg);
}

static size_t
constrain(struct module *m)
{
	struct padko_error err;
	size_t added;

	memset(&err, 0, sizeof(err));
	if (boundary_constrain(m, &added, &err) != 0)
		fail_msg("boundary_constrain: %s", err.msg);
	return (added);
}

/*
 * tab - 0x24 moves with .bss: by 8 in the minimal layout, to 0x19a4,
 * inside the grown set.  .bss must go at least as far as puts the value
 * at the set's new end (0x19c4): 0x19c8 + 0x20 = 0x19e8, which is a
 * multiple of 8.
 */
static void
test_displaced_pushes_target(void **state)
{
	struct padko_module *pm;
	struct module *m;
	struct section *bss, *set;
	unsigned char *image;

	(void)state;
	pm = open_module(&image);
	m = module_of(pm);
	plan(m);
	bss = section_named(m, ".bss");
	set = section_named(m, "set_vnet");
	assert_int_equal(set->new_addr + set->new_size, 0x19c4);
	assert_int_equal(bss->new_addr, 0x19c8);

	displaced_ref(m, 0x820, 0x19c0 - 0x24, bss);
	assert_int_equal(m->refs[0].report.new_value, 0x19a4);
	assert_int_equal(constrain(m), 1);
	assert_int_equal(m->nnotes, 1);
	assert_string_equal(m->notes[0].report.section, ".bss");
	assert_int_equal(m->notes[0].report.linker_addr, 0x19c8);

	plan(m);
	assert_int_equal(bss->new_addr, 0x19e8);
	displaced_ref(m, 0x820, 0x19c0 - 0x24, bss);
	assert_int_equal(m->refs[0].report.new_value, 0x19c4);
	assert_int_equal(constrain(m), 0);
	boundary_notes_final(m);
	assert_int_equal(m->notes[0].report.new_addr, 0x19e8);
	padko_close(pm);
	free(image);
}

/*
 * One past the last .data object is the set's start: the kernel would
 * move it into the per-vnet area.  Its target lies below the set, so the
 * set gives way: it starts after the value, at its alignment (0x1984),
 * and what follows moves with it.
 */
static void
test_displaced_below_moves_set(void **state)
{
	struct padko_module *pm;
	struct module *m;
	struct section *data, *set;
	unsigned char *image;

	(void)state;
	pm = open_module(&image);
	m = module_of(pm);
	plan(m);
	data = section_named(m, ".data");
	set = section_named(m, "set_vnet");
	displaced_ref(m, 0x830, 0x1980, data);
	assert_int_equal(constrain(m), 1);
	plan(m);
	assert_int_equal(set->new_addr, 0x1984);
	assert_int_equal(set->new_addr + set->new_size, 0x19c8);
	assert_int_equal(section_named(m, ".bss")->new_addr, 0x19c8);
	displaced_ref(m, 0x830, 0x1980, data);
	assert_int_equal(constrain(m), 0);
	padko_close(pm);
	free(image);
}

/* A displaced value that stays outside every set changes nothing. */
static void
test_displaced_outside_keeps_layout(void **state)
{
	struct padko_module *pm;
	struct module *m;
	struct section *bss;
	unsigned char *image;

	(void)state;
	pm = open_module(&image);
	m = module_of(pm);
	plan(m);
	bss = section_named(m, ".bss");
	/* tab + 0x10: inside .bss itself. */
	displaced_ref(m, 0x840, 0x19d0, bss);
	assert_int_equal(constrain(m), 0);
	assert_int_equal(m->nnotes, 0);
	plan(m);
	assert_int_equal(bss->new_addr, 0x19c8);
	padko_close(pm);
	free(image);
}

/* Sections for the decision table: only what displaced_decide() reads. */
static struct section vnet = { .name = "set_vnet", .set = PADKO_SET_VNET };
static struct section pcpu = { .name = "set_pcpu", .set = PADKO_SET_PCPU };
static struct section dynamic = { .name = ".dynamic", .set = -1 };
static struct section bss = { .name = ".bss", .set = -1 };
static struct section data = { .name = ".data", .set = -1,
    .shdr = { .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_WRITE } };

static void
decide_step(const struct section *holder, const struct section *above,
    const struct section *plain_above, GElf_Addr room,
    enum code_access access, bool indexed, int64_t stride,
    enum displaced_decision want, const struct section *want_target)
{
	struct seam sm;
	const struct section *target;

	sm.holder = holder;
	sm.above = above;
	sm.plain_above = plain_above;
	sm.room = room;
	assert_int_equal(displaced_decide(&sm, access, indexed, stride,
	    &target), want);
	if (want != DISPLACED_OWN)
		assert_ptr_equal(target, want_target);
}

static void
decide(const struct section *holder, const struct section *above,
    const struct section *plain_above, enum code_access access, bool indexed,
    enum displaced_decision want, const struct section *want_target)
{

	decide_step(holder, above, plain_above, 0, access, indexed, 0, want,
	    want_target);
}

/* A value inside a set: its own object unless the access says otherwise. */
static void
test_decide_in_set(void **state)
{

	(void)state;
	/* A per-vnet access: an object of set_vnet. */
	decide(&vnet, &bss, &bss, CODE_ACCESS_VNET, true, DISPLACED_OWN, NULL);
	/* A plain absolute address of a set object (a sysctl's arg1). */
	decide(&vnet, &bss, &bss, CODE_ACCESS_PLAIN, false, DISPLACED_OWN,
	    NULL);
	/* tab - 0x24(%ecx), %ecx = i * 60: tab, above the set. */
	decide(&vnet, &bss, &bss, CODE_ACCESS_PLAIN, true, DISPLACED_TARGET,
	    &bss);
	/* The same over adjacent sets: the plain access skips set_pcpu. */
	decide(&vnet, &pcpu, &bss, CODE_ACCESS_PLAIN, true, DISPLACED_TARGET,
	    &bss);
	/* A per-CPU access inside set_vnet: set_pcpu, which follows. */
	decide(&vnet, &pcpu, &bss, CODE_ACCESS_PCPU, true, DISPLACED_TARGET,
	    &pcpu);
	/* ... but not when set_pcpu is not what follows. */
	decide(&vnet, &bss, &bss, CODE_ACCESS_PCPU, true, DISPLACED_UNDECIDED,
	    &bss);
	/* An untraceable base near the end: a pointer, its own object. */
	decide(&vnet, &bss, &bss, CODE_ACCESS_UNDECIDED, true, DISPLACED_OWN,
	    NULL);
}

/* A value where code does not address data: .dynamic, a gap. */
static void
test_decide_outside_data(void **state)
{

	(void)state;
	decide(&dynamic, &bss, &bss, CODE_ACCESS_PLAIN, true, DISPLACED_TARGET,
	    &bss);
	decide(NULL, &bss, &bss, CODE_ACCESS_PLAIN, true, DISPLACED_TARGET,
	    &bss);
	/* Below set_vnet: a per-vnet access reaches the set. */
	decide(&dynamic, &vnet, &bss, CODE_ACCESS_VNET, true, DISPLACED_TARGET,
	    &vnet);
	/* An absolute address without registers: nothing says which. */
	decide(&dynamic, &bss, &bss, CODE_ACCESS_PLAIN, false,
	    DISPLACED_UNDECIDED, &bss);
	decide(&dynamic, &bss, &bss, CODE_ACCESS_UNDECIDED, true,
	    DISPLACED_UNDECIDED, &bss);
}

/*
 * A value in data near its end, below a set or a section that moves by
 * another amount: displaced only where the index's step leaves the
 * object that holds the value at once.
 */
static void
test_decide_in_data(void **state)
{

	(void)state;
	/* tab - 0x24 on a 4-byte variable, index i * 60. */
	decide_step(&data, &vnet, &bss, 4, CODE_ACCESS_PLAIN, true, 60,
	    DISPLACED_TARGET, &bss);
	/* A 64-byte array walked by 4: its own. */
	decide_step(&data, &vnet, &bss, 64, CODE_ACCESS_PLAIN, true, 4,
	    DISPLACED_OWN, NULL);
	/* No step known, or no index: its own. */
	decide_step(&data, &vnet, &bss, 4, CODE_ACCESS_PLAIN, true, 0,
	    DISPLACED_OWN, NULL);
	decide_step(&data, &vnet, &bss, 4, CODE_ACCESS_PLAIN, false, 60,
	    DISPLACED_OWN, NULL);
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
	eg_text(g);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1900, 0x80, 4);
	data = eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1980, 0x40,
	    32);
	vnet = eg_section(g, seg, "set_vnet", SHT_PROGBITS, AW, 0x19c0, 0x18,
	    4);
	eg_pattern(g, vnet, 0x61);
	bss = eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x19e0, 0x40, 32);
	eg_dynsym(g, "__start_set_vnet", 0x19c0, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	eg_dynsym(g, "__stop_set_vnet", 0x19d8, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	eg_dynsym(g, "bss_var", 0x19e0, 4, STT_OBJECT, STV_DEFAULT, bss);
	eg_symbol(g, EG_SYMTAB, "vnet_end", 0x19d8, 0, STB_LOCAL,
	    STT_NOTYPE, STV_DEFAULT, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "data_first", 0x1980, 4, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)data);
	eg_relative(g, 0x1980, 0x19d8);
	eg_relative(g, 0x1984, 0x19e0);
	eg_run(g, &r);

	assert_int_equal(padko_set_report(r.m, PADKO_SET_VNET)->state,
	    PADKO_SET_PAD_IN_PLACE);
	eg_assert_rel(&r.new, 0, 0x1980, R_386_RELATIVE, 0x19dc);
	eg_assert_rel(&r.new, 1, 0x1984, R_386_RELATIVE, 0x19e0);
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
	eg_text(g);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1900, 0x60, 4);
	data = eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1960, 0x20, 4);
	(void)data;
	vnet = eg_section(g, seg, "set_vnet", SHT_PROGBITS, AW, 0x1980, 0x10,
	    4);
	eg_pattern(g, vnet, 0x61);
	eg_dynsym(g, "__start_set_vnet", 0x1980, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	eg_dynsym(g, "__stop_set_vnet", 0x1990, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	eg_relative(g, 0x1960, 0x1990);
	eg_relative(g, 0x1964, 0x1980);
	eg_run(g, &r);

	eg_assert_rel(&r.new, 0, 0x1960, R_386_RELATIVE, 0x1994);
	eg_assert_rel(&r.new, 1, 0x1964, R_386_RELATIVE, 0x1980);
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
	eg_text(g);
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
	eg_dynsym(g, "__start_set_vnet", 0x1980, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	eg_dynsym(g, "__stop_set_vnet", 0x1990, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	eg_dynsym(g, "__start_set_pcpu", 0x1990, 0, STT_NOTYPE, STV_PROTECTED,
	    pcpu);
	eg_dynsym(g, "__stop_set_pcpu", 0x1998, 0, STT_NOTYPE, STV_PROTECTED,
	    pcpu);
	eg_relative(g, 0x1960, 0x1990);
	eg_relative(g, 0x1964, 0x1998);
	eg_relative(g, 0x1968, 0x1994);
	eg_relative(g, 0x1994, 0x1988);
	eg_run(g, &r);

	eg_assert_rel(&r.new, 0, 0x1960, R_386_RELATIVE, 0x1994);
	eg_assert_rel(&r.new, 1, 0x1964, R_386_RELATIVE, 0x19a0);
	eg_assert_rel(&r.new, 2, 0x1968, R_386_RELATIVE, 0x1998);
	/* A relocation inside set_pcpu moves with it. */
	eg_assert_rel(&r.new, 3, 0x1998, R_386_RELATIVE, 0x1988);
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
	eg_moving_module(g);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide_in_data),
		cmocka_unit_test(test_decide_in_set),
		cmocka_unit_test(test_decide_outside_data),
		cmocka_unit_test(test_displaced_pushes_target),
		cmocka_unit_test(test_displaced_below_moves_set),
		cmocka_unit_test(test_displaced_outside_keeps_layout),
		cmocka_unit_test(test_slack_stop),
		cmocka_unit_test(test_stop_at_segment_end),
		cmocka_unit_test(test_adjacent_sets_references),
		cmocka_unit_test(test_undecided_refused),
	};

	return (cmocka_run_group_tests(tests, NULL, eg_teardown));
}
