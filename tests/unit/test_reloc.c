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
 * Unit tests of what the stages know of i386 relocations (lib/reloc.c):
 * that it agrees, type by type, with the loader model's own copy
 * (kload_reloc_action() in lib/kload.c), which is kept apart on purpose;
 * and that the REL/RELA reader and writer give back what they were given.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kload.h"
#include "reloc.h"

/* Every type an 8-bit r_info field can hold. */
#define	NTYPES	256

/*
 * The kernel takes a type (applies or ignores it) exactly when reloc.c
 * says it does, and a type whose in-place value the kernel relocates by
 * the base alone is exactly one whose value reloc.c calls an address (for
 * a relocation against a symbol: against none, R_386_32 is one too).
 */
static void
test_types_agree_with_loader_model(void **state)
{
	enum kload_reloc_action a;
	const char *name;
	unsigned t;
	bool kernel_takes, kernel_adds_base;

	(void)state;
	for (t = 0; t < NTYPES; t++) {
		a = kload_reloc_action(t);
		kernel_takes = a != KLOAD_RELOC_UNEXPECTED &&
		    a != KLOAD_RELOC_COPY;
		kernel_adds_base = a == KLOAD_RELOC_RELATIVE ||
		    a == KLOAD_RELOC_IRELATIVE;
		name = reloc_type_name(t);
		if (reloc_kernel_accepts(t) != kernel_takes)
			fail_msg("type %u (%s): reloc.c says the kernel %s it, "
			    "the loader model %s it", t, name != NULL ? name :
			    "unnamed", reloc_kernel_accepts(t) ? "takes" :
			    "refuses", kernel_takes ? "takes" : "refuses");
		if (reloc_value_is_address(t, 1) != kernel_adds_base)
			fail_msg("type %u (%s): reloc.c and the loader model "
			    "disagree on whether its value is an address", t,
			    name != NULL ? name : "unnamed");
		/* A type the kernel takes or names is one padko names. */
		if (a != KLOAD_RELOC_UNEXPECTED && name == NULL)
			fail_msg("type %u: the loader model knows it, reloc.c "
			    "has no name for it", t);
	}
	assert_true(reloc_value_is_address(R_386_32, 0));
	assert_false(reloc_value_is_address(R_386_32, 1));
}

/* Each entry read from a table and written back is the same bytes. */
static void
test_rel_and_rela_round_trip(void **state)
{
	Elf32_Rel rel[2], rel2[2];
	Elf32_Rela rela[2], rela2[2];
	struct reloc r;
	size_t i;

	(void)state;
	rel[0] = (Elf32_Rel){ 0x1234, ELF32_R_INFO(0, R_386_RELATIVE) };
	rel[1] = (Elf32_Rel){ 0x5678, ELF32_R_INFO(7, R_386_32) };
	rela[0] = (Elf32_Rela){ 0x9abc, ELF32_R_INFO(3, R_386_PC32), -4 };
	rela[1] = (Elf32_Rela){ 0xdef0, ELF32_R_INFO(0, R_386_RELATIVE),
	    0x1980 };
	assert_int_equal(reloc_count(SHT_REL, sizeof(rel)), 2);
	assert_int_equal(reloc_count(SHT_RELA, sizeof(rela)), 2);
	memset(rel2, 0, sizeof(rel2));
	memset(rela2, 0, sizeof(rela2));
	for (i = 0; i < 2; i++) {
		reloc_get(rel, SHT_REL, i, &r);
		assert_int_equal(r.addend, 0);
		reloc_put(rel2, SHT_REL, i, &r);
		reloc_get(rela, SHT_RELA, i, &r);
		reloc_put(rela2, SHT_RELA, i, &r);
	}
	assert_memory_equal(rel, rel2, sizeof(rel));
	assert_memory_equal(rela, rela2, sizeof(rela));
	reloc_get(rela, SHT_RELA, 0, &r);
	assert_int_equal(r.offset, 0x9abc);
	assert_int_equal(r.type, R_386_PC32);
	assert_int_equal(r.sym, 3);
	assert_int_equal(r.addend, -4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_agree_with_loader_model),
		cmocka_unit_test(test_rel_and_rela_round_trip),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
