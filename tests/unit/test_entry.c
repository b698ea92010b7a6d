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
 * Unit tests of the library's entry points (lib/entry.c), in what they
 * decide themselves: which stages run on a module (none that pad on an
 * ET_REL module, which is left alone byte for byte: padko_is_relocatable()),
 * and padko_plan() in its two halves, padko_plan_layout() then
 * padko_apply(), each refused out of turn.  That nothing is written after
 * a failed plan is checked with every refusal (eg_assert_refused()).
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

#define	AW	(SHF_ALLOC | SHF_WRITE)

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
	seg = eg_vnet_module(g, PF_R | PF_W, 0x10);
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
	seg = eg_vnet_module(g, PF_R | PF_W, 0x10);
	eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x1990, 0x20, 4);
	eg_run(g, &r);
	assert_int_equal(padko_is_relocatable(r.m), 0);
	assert_int_equal(padko_changed(r.m), 1);
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
	eg_run(eg_gnu_module(), &r);
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
		cmocka_unit_test(test_et_rel),
		cmocka_unit_test(test_et_dyn_not_relocatable),
		cmocka_unit_test(test_plan_then_apply),
	};

	return (cmocka_run_group_tests(tests, NULL, eg_teardown));
}
