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
 * Unit tests of the code reader (lib/code.c), through what it decides for
 * a relocation at a set's old end: which instruction holds the value, what
 * base it is added to (a per-vnet base reached through %fs, a per-CPU base,
 * a plain address, or something no evidence decides), and so what the
 * reference means.  Each test writes one function into a synthetic module:
 *
 *	segment 0 (R+X, bias 0):	.text	 0x800..0x900 (nops, then the code)
 *	segment 1 (R+W, bias 0x1000):	.dynamic 0x1900..0x1960
 *					SET	 0x1980..0x1990 (set_vnet or set_pcpu)
 *					.data	 0x1990..0x19b0 (moves by 4)
 *
 * and points an R_386_RELATIVE at the displacement 0x1990 of its access.
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

#include "elfdefs.h"
#include "elfgen.h"

#define	BIAS	0x1000u
#define	AW	(SHF_ALLOC | SHF_WRITE)
#define	AX	(SHF_ALLOC | SHF_EXECINSTR)
#define	TEXT	0x800u
#define	SET_END	0x1990u

/* One instruction of a test function; reloc: offset of a disp32 to relocate. */
struct insn {
	unsigned char	bytes[8];
	size_t		len;
	int		reloc;		/* -1: none */
};

/* mov %fs:disp, %eax */
#define	FS_LOAD(d)	{ { 0x64, 0xa1, (d), 0, 0, 0 }, 6, -1 }
/* mov disp(%eax), %eax */
#define	LOAD_EAX(d)	{ { 0x8b, 0x80, (d), 0, 0, 0 }, 6, -1 }
/* mov disp32(%eax), %edx: the access */
#define	ACCESS(lo, hi)	{ { 0x8b, 0x90, (lo), (hi), 0, 0 }, 6, 2 }
/* mov disp32, %eax: a plain load */
#define	PLAIN(lo, hi)	{ { 0xa1, (lo), (hi), 0, 0 }, 5, 1 }
/* mov 4(%esp), %eax: an argument */
#define	ARG		{ { 0x8b, 0x44, 0x24, 0x04 }, 4, -1 }
#define	RET		{ { 0xc3 }, 1, -1 }

/*
 * Builds the module with the function f made of the n instructions, and
 * pads it (optionally with PCPU_GET(dynamic) at pcpu_dynamic, or keeping
 * the old guess for undecided references); returns
 * padko_plan()'s result, with *mp open for the caller to close.
 */
static int
plan_function(const char *set, const struct insn *code, size_t n,
    uint32_t pcpu_dynamic, int guess, struct padko_module **mp,
    struct padko_error *err)
{
	unsigned char *image, nops[0x100];
	struct elfgen *g;
	size_t i, sec, size;
	uint32_t at;
	int seg, rc;

	g = eg_new();
	memset(nops, 0x90, sizeof(nops));
	sec = eg_section(g, 0, ".text", SHT_PROGBITS, AX, TEXT, 0x100, 16);
	eg_fill(g, sec, 0, nops, sizeof(nops));
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1900, 0x60, 4);
	sec = eg_section(g, seg, set, SHT_PROGBITS, AW, 0x1980, 0x10, 4);
	eg_pattern(g, sec, 0x61);
	eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1990, 0x20, 4);
	at = 0;
	for (i = 0; i < n; i++) {
		eg_fill(g, EG_FIRST_USER, at, code[i].bytes, code[i].len);
		if (code[i].reloc >= 0)
			eg_relative(g, TEXT + at + (uint32_t)code[i].reloc,
			    code[i].bytes[code[i].reloc] |
			    (uint32_t)code[i].bytes[code[i].reloc + 1] << 8);
		at += (uint32_t)code[i].len;
	}
	eg_symbol(g, EG_DYNSYM, "f", TEXT, at, STB_GLOBAL, STT_FUNC, 0,
	    EG_FIRST_USER);
	eg_build(g, &image, &size);
	eg_free(g);

	memset(err, 0, sizeof(*err));
	if (padko_open_memory("test.ko", image, size, mp, err) != 0) {
		free(image);
		fail_msg("open: %s", err->msg);
	}
	free(image);
	if (pcpu_dynamic != 0)
		padko_set_pcpu_dynamic(*mp, pcpu_dynamic);
	padko_set_guess_undecided(*mp, guess);
	rc = padko_plan(*mp, err);
	return (rc);
}

/* The boundary reference at where, which the plan must have found. */
static const struct padko_boundary_report *
boundary_at(const struct padko_module *m, uint64_t where)
{
	const struct padko_boundary_report *b;
	size_t i;

	for (i = 0; i < padko_boundary_count(m); i++) {
		b = padko_boundary(m, i);
		if (b->where == where)
			return (b);
	}
	fail_msg("no boundary reference at %#jx", (uintmax_t)where);
	return (NULL);
}

/* Plans f, expects success, and checks the meaning of the access at at. */
static void
expect_meaning(const char *set, const struct insn *code, size_t n,
    uint32_t pcpu_dynamic, uint64_t at, enum padko_boundary_meaning meaning,
    uint64_t new_value, const char *evidence)
{
	const struct padko_boundary_report *b;
	struct padko_module *m;
	struct padko_error err;

	if (plan_function(set, code, n, pcpu_dynamic, 0, &m, &err) != 0)
		fail_msg("plan: %s", err.msg);
	b = boundary_at(m, at);
	assert_true(b->decided);
	assert_int_equal(b->meaning, meaning);
	assert_int_equal(b->old_value, SET_END);
	assert_int_equal(b->new_value, new_value);
	if (evidence != NULL && strstr(b->evidence, evidence) == NULL)
		fail_msg("evidence \"%s\" does not say \"%s\"", b->evidence,
		    evidence);
	padko_close(m);
}

/*
 * Plans f and expects it refused for an undecided access at at; planned
 * again with the old guess, the reference is undecided for the reason why.
 */
static void
expect_undecided(const char *set, const struct insn *code, size_t n,
    uint64_t at, const char *why)
{
	const struct padko_boundary_report *b;
	struct padko_module *m;
	struct padko_error err;
	char site[64];

	assert_int_equal(plan_function(set, code, n, 0, 0, &m, &err), -1);
	assert_int_equal(err.code, EX_DATAERR);
	snprintf(site, sizeof(site), "relocation at %#jx", (uintmax_t)at);
	if (strstr(err.msg, site) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", err.msg, site);
	padko_close(m);

	if (plan_function(set, code, n, 0, 1, &m, &err) != 0)
		fail_msg("plan with --guess-undecided: %s", err.msg);
	b = boundary_at(m, at);
	assert_false(b->decided);
	if (strstr(b->evidence, why) == NULL)
		fail_msg("evidence \"%s\" does not say \"%s\"", b->evidence,
		    why);
	padko_close(m);
}

/*
 * VNET(x) for the set's last object, folded to its end: curthread from
 * %fs:0, its td_vnet, the vnet's vnet_data_base (0x1c from FreeBSD 11 on),
 * plus the old end.  A per-vnet access: the value stays (the padding slot).
 */
static void
test_vnet_chain_is_end(void **state)
{
	static const struct insn code[] = { FS_LOAD(0), LOAD_EAX(0x20),
	    LOAD_EAX(0x1c), ACCESS(0x90, 0x19), RET };

	(void)state;
	expect_meaning("set_vnet", code, 5, 0, TEXT + 20, PADKO_BOUNDARY_END,
	    SET_END, NULL);
}

/* FreeBSD 10's vnet_data_base (0x18) is recognised as well. */
static void
test_vnet_chain_freebsd10(void **state)
{
	static const struct insn code[] = { FS_LOAD(0), LOAD_EAX(0x20),
	    LOAD_EAX(0x18), ACCESS(0x90, 0x19), RET };

	(void)state;
	expect_meaning("set_vnet", code, 5, 0, TEXT + 20, PADKO_BOUNDARY_END,
	    SET_END, NULL);
}

/* A chain of another shape is not taken for a per-vnet base. */
static void
test_vnet_chain_other_shape(void **state)
{
	static const struct insn code[] = { FS_LOAD(0), LOAD_EAX(0x20),
	    LOAD_EAX(0x30), ACCESS(0x90, 0x19), RET };

	(void)state;
	expect_undecided("set_vnet", code, 5, TEXT + 20,
	    "not the shape of this module's per-vnet accesses");
}

/*
 * An absolute load of the old end is a plain address: it reaches what
 * follows the set (.data's first word) and moves with it.
 */
static void
test_plain_load_is_next(void **state)
{
	static const struct insn code[] = { PLAIN(0x90, 0x19), RET };

	(void)state;
	expect_meaning("set_vnet", code, 2, 0, TEXT + 1, PADKO_BOUNDARY_NEXT,
	    SET_END + 4, NULL);
}

/* A base that comes in as an argument decides nothing. */
static void
test_argument_base_undecided(void **state)
{
	static const struct insn code[] = { ARG, ACCESS(0x90, 0x19), RET };

	(void)state;
	expect_undecided("set_vnet", code, 3, TEXT + 6,
	    "a stack slot (an argument?)");
}

/*
 * DPCPU_PTR(x) folded to the end: the base is PCPU_GET(dynamic), a load
 * at some %fs offset that only the module's other accesses (or the user)
 * can confirm.  Alone, it is undecided; with --pcpu-dynamic at that
 * offset, or with an access inside set_pcpu through the same offset, it
 * is a per-CPU access: the value stays.
 */
static void
test_pcpu_unconfirmed(void **state)
{
	static const struct insn code[] = { FS_LOAD(0x60),
	    ACCESS(0x90, 0x19), RET };

	(void)state;
	expect_undecided("set_pcpu", code, 3, TEXT + 8,
	    "not confirmed as PCPU_GET(dynamic)");
}

static void
test_pcpu_dynamic_given(void **state)
{
	static const struct insn code[] = { FS_LOAD(0x60),
	    ACCESS(0x90, 0x19), RET };

	(void)state;
	expect_meaning("set_pcpu", code, 3, 0x60, TEXT + 8,
	    PADKO_BOUNDARY_END, SET_END, NULL);
}

static void
test_pcpu_learned_from_inside(void **state)
{
	static const struct insn code[] = { FS_LOAD(0x60),
	    ACCESS(0x84, 0x19), FS_LOAD(0x60), ACCESS(0x90, 0x19), RET };

	(void)state;
	expect_meaning("set_pcpu", code, 5, 0, TEXT + 20, PADKO_BOUNDARY_END,
	    SET_END, NULL);
}

/* Another offset than the one the inside access confirms stays undecided. */
static void
test_pcpu_other_offset(void **state)
{
	static const struct insn code[] = { FS_LOAD(0x60),
	    ACCESS(0x84, 0x19), FS_LOAD(0x64), ACCESS(0x90, 0x19), RET };

	(void)state;
	expect_undecided("set_pcpu", code, 5, TEXT + 20,
	    "not confirmed as PCPU_GET(dynamic)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vnet_chain_is_end),
		cmocka_unit_test(test_vnet_chain_freebsd10),
		cmocka_unit_test(test_vnet_chain_other_shape),
		cmocka_unit_test(test_plain_load_is_next),
		cmocka_unit_test(test_argument_base_undecided),
		cmocka_unit_test(test_pcpu_unconfirmed),
		cmocka_unit_test(test_pcpu_dynamic_given),
		cmocka_unit_test(test_pcpu_learned_from_inside),
		cmocka_unit_test(test_pcpu_other_offset),
	};

	return (cmocka_run_group_tests(tests, NULL, eg_teardown));
}
