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
 * Unit tests of the DWARF reader and rewriter (lib/dwarf.c) on sections
 * built here byte by byte: every place an address of moved data can sit
 * (DW_OP_addr in an exprloc, a DWARF 2/3 block, .debug_loc and
 * .debug_loclists lists, DW_OP_entry_value, DW_FORM_addr, .debug_addr)
 * is rewritten, what only looks like one (DW_AT_const_value) is not, and
 * malformed input is refused with the section and offset named.
 *
 * The map used throughout moves every address from 0x2000 up by 0x100.
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

#include "dwarf.h"

#define	MOVED_FROM	0x2000u
#define	MOVE		0x100u

/* DW_* values the sections below are made of. */
#define	TAG_CU		0x11
#define	TAG_VAR		0x34
#define	AT_NAME		0x03
#define	AT_LOCATION	0x02
#define	AT_LOW_PC	0x11
#define	AT_CONST_VALUE	0x1c
#define	AT_LOCLISTS_BASE 0x8c
#define	FORM_ADDR	0x01
#define	FORM_BLOCK1	0x0a
#define	FORM_DATA4	0x06
#define	FORM_STRING	0x08
#define	FORM_SEC_OFFSET	0x17
#define	FORM_EXPRLOC	0x18
#define	FORM_ADDRX	0x1b
#define	FORM_LOCLISTX	0x22
#define	OP_ADDR		0x03
#define	OP_ADDRX	0xa1
#define	OP_STACK_VALUE	0x9f
#define	OP_GNU_ENTRY_VALUE 0xf3

/* A section being built. */
struct buf {
	unsigned char	b[512];
	size_t		n;
};

static void
u8(struct buf *b, unsigned v)
{

	assert_true(b->n < sizeof(b->b));
	b->b[b->n++] = (unsigned char)v;
}

static void
u16(struct buf *b, unsigned v)
{

	u8(b, v & 0xff);
	u8(b, v >> 8);
}

static void
u32(struct buf *b, uint32_t v)
{

	u16(b, v & 0xffff);
	u16(b, v >> 16);
}

static void
uleb(struct buf *b, uint64_t v)
{

	do {
		u8(b, (unsigned)(v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
}

static void
str(struct buf *b, const char *s)
{

	do
		u8(b, (unsigned char)*s);
	while (*s++ != '\0');
}

static uint32_t
word(const unsigned char *p)
{

	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

/*
 * Appends a .debug_loc entry [begin, end) whose expression is DW_OP_addr
 * addr; returns where addr is.
 */
static size_t
loc_addr_entry(struct buf *loc, uint32_t begin, uint32_t end, uint32_t addr)
{
	size_t at;

	u32(loc, begin);
	u32(loc, end);
	u16(loc, 5);
	u8(loc, OP_ADDR);
	at = loc->n;
	u32(loc, addr);
	return (at);
}

/* Starts a unit header of version v; returns where its length goes. */
static size_t
unit_start(struct buf *b, unsigned v)
{
	size_t at;

	at = b->n;
	u32(b, 0);
	u16(b, v);
	if (v == 5) {
		u8(b, 0x01);			/* DW_UT_compile */
		u8(b, 4);
		u32(b, 0);			/* abbreviations at 0 */
	} else {
		u32(b, 0);
		u8(b, 4);
	}
	return (at);
}

static void
unit_end(struct buf *b, size_t at)
{
	uint32_t len;

	len = (uint32_t)(b->n - at - 4);
	memcpy(b->b + at, (unsigned char[]){ len & 0xff, (len >> 8) & 0xff,
	    (len >> 16) & 0xff, len >> 24 }, 4);
}

/* An abbreviation: code, tag, children, then (name, form) pairs. */
static void
abbrev(struct buf *b, unsigned code, unsigned tag, int children,
    const unsigned *attrs, size_t n)
{
	size_t i;

	uleb(b, code);
	uleb(b, tag);
	u8(b, children ? 1 : 0);
	for (i = 0; i < n; i++)
		uleb(b, attrs[i]);
	u8(b, 0);
	u8(b, 0);
}

/* Sections in the making, and the dwarf they are read as. */
struct fx {
	struct buf	sec[DWARF_NSECS];
	unsigned char	out[DWARF_NSECS][512];
	struct dwarf	d;
	struct padko_error err;
};

static uint64_t
move_up(void *arg, uint64_t addr)
{

	(void)arg;
	return (addr >= MOVED_FROM ? addr + MOVE : addr);
}

/* Reads the sections built in f, with copies to rewrite into. */
static int
run(struct fx *f, size_t *changed)
{
	int i;

	f->d.file = "test.ko";
	for (i = 0; i < DWARF_NSECS; i++) {
		if (f->sec[i].n == 0)
			continue;
		f->d.sec[i].in = f->sec[i].b;
		f->d.sec[i].size = f->sec[i].n;
		memcpy(f->out[i], f->sec[i].b, f->sec[i].n);
		f->d.sec[i].out = f->out[i];
	}
	if (dwarf_rewrite(&f->d, move_up, NULL, changed, &f->err) != 0) {
		print_message("%s\n", f->err.msg);
		return (-1);
	}
	return (0);
}

/* A DWARF 4 unit with an exprloc, a loclist, an address and a constant. */
static void
test_dwarf4(void **state)
{
	static const unsigned cu[] = { AT_NAME, FORM_STRING, AT_LOW_PC,
	    FORM_ADDR };
	static const unsigned var[] = { AT_NAME, FORM_STRING, AT_LOCATION,
	    FORM_EXPRLOC };
	static const unsigned lvar[] = { AT_LOCATION, FORM_SEC_OFFSET };
	static const unsigned cvar[] = { AT_CONST_VALUE, FORM_BLOCK1 };
	struct fx f;
	struct buf *info, *loc;
	size_t at, changed, v1, v2, c1, l1, l2;

	(void)state;
	memset(&f, 0, sizeof(f));
	abbrev(&f.sec[DWARF_ABBREV], 1, TAG_CU, 1, cu, 4);
	abbrev(&f.sec[DWARF_ABBREV], 2, TAG_VAR, 0, var, 4);
	abbrev(&f.sec[DWARF_ABBREV], 3, TAG_VAR, 0, lvar, 2);
	abbrev(&f.sec[DWARF_ABBREV], 4, TAG_VAR, 0, cvar, 2);
	u8(&f.sec[DWARF_ABBREV], 0);
	info = &f.sec[DWARF_INFO];
	at = unit_start(info, 4);
	uleb(info, 1);
	str(info, "m.c");
	u32(info, 0x800);			/* low_pc: code */
	uleb(info, 2);
	str(info, "moved");
	uleb(info, 5);
	u8(info, OP_ADDR);
	v1 = info->n;
	u32(info, 0x2010);
	uleb(info, 3);
	u32(info, 8);				/* .debug_loc + 8 */
	uleb(info, 4);
	u8(info, 5);
	c1 = info->n;
	u8(info, OP_ADDR);			/* a constant, not an address */
	u32(info, 0x2020);
	uleb(info, 2);
	str(info, "kept");
	uleb(info, 6);
	u8(info, OP_ADDR);
	v2 = info->n;
	u32(info, 0x1ffc);
	u8(info, OP_STACK_VALUE);
	u8(info, 0);
	unit_end(info, at);
	loc = &f.sec[DWARF_LOC];
	u32(loc, 0xdead);			/* not reached */
	u32(loc, 0xbeef);
	u32(loc, 0xffffffff);			/* base selection */
	u32(loc, 0x800);
	l1 = loc_addr_entry(loc, 0, 0x10, 0x3000);
	u32(loc, 0x10);
	u32(loc, 0x20);
	u16(loc, 8);
	u8(loc, OP_GNU_ENTRY_VALUE);
	uleb(loc, 5);
	u8(loc, OP_ADDR);
	l2 = loc->n;
	u32(loc, 0x2004);
	u8(loc, OP_STACK_VALUE);
	u32(loc, 0);
	u32(loc, 0);
	assert_int_equal(run(&f, &changed), 0);
	assert_int_equal(changed, 3);
	assert_int_equal(word(f.out[DWARF_INFO] + v1), 0x2110);
	assert_int_equal(word(f.out[DWARF_INFO] + v2), 0x1ffc);
	assert_int_equal(word(f.out[DWARF_INFO] + c1 + 1), 0x2020);
	assert_int_equal(word(f.out[DWARF_LOC] + l1), 0x3100);
	assert_int_equal(word(f.out[DWARF_LOC] + l2), 0x2104);
	assert_int_equal(word(f.out[DWARF_LOC]), 0xdead);
}

/* DWARF 5: DW_OP_addrx and DW_FORM_addrx through .debug_addr, loclistx. */
static void
test_dwarf5(void **state)
{
	static const unsigned cu[] = { AT_NAME, FORM_STRING,
	    AT_LOCLISTS_BASE, FORM_SEC_OFFSET, 0x73, FORM_SEC_OFFSET,
	    AT_LOW_PC, FORM_ADDRX };
	static const unsigned var[] = { AT_LOCATION, FORM_EXPRLOC };
	static const unsigned lvar[] = { AT_LOCATION, FORM_LOCLISTX };
	struct fx f;
	struct buf *info, *addr, *ll;
	size_t at, changed, a0, a1, l1;

	(void)state;
	memset(&f, 0, sizeof(f));
	abbrev(&f.sec[DWARF_ABBREV], 1, TAG_CU, 1, cu, 8);
	abbrev(&f.sec[DWARF_ABBREV], 2, TAG_VAR, 0, var, 2);
	abbrev(&f.sec[DWARF_ABBREV], 3, TAG_VAR, 0, lvar, 2);
	u8(&f.sec[DWARF_ABBREV], 0);
	info = &f.sec[DWARF_INFO];
	at = unit_start(info, 5);
	uleb(info, 1);
	str(info, "m.c");
	u32(info, 12);				/* loclists_base */
	u32(info, 8);				/* addr_base */
	uleb(info, 0);
	uleb(info, 2);
	uleb(info, 2);
	u8(info, OP_ADDRX);
	uleb(info, 1);
	uleb(info, 3);
	uleb(info, 0);
	u8(info, 0);
	unit_end(info, at);
	addr = &f.sec[DWARF_ADDR];
	u32(addr, 12);
	u16(addr, 5);
	u8(addr, 4);
	u8(addr, 0);
	a0 = addr->n;
	u32(addr, 0x800);
	a1 = addr->n;
	u32(addr, 0x2008);
	ll = &f.sec[DWARF_LOCLISTS];
	u32(ll, 0);				/* length: not read */
	u16(ll, 5);
	u8(ll, 4);
	u8(ll, 0);
	u32(ll, 1);
	u32(ll, 8);				/* offsets[0] */
	u32(ll, 0xffffffff);			/* unreferenced */
	u8(ll, 0x04);				/* DW_LLE_offset_pair */
	uleb(ll, 0);
	uleb(ll, 0x10);
	uleb(ll, 5);
	u8(ll, OP_ADDR);
	l1 = ll->n;
	u32(ll, 0x2200);
	u8(ll, 0x00);
	assert_int_equal(run(&f, &changed), 0);
	assert_int_equal(changed, 2);
	assert_int_equal(word(f.out[DWARF_ADDR] + a0), 0x800);
	assert_int_equal(word(f.out[DWARF_ADDR] + a1), 0x2108);
	assert_int_equal(word(f.out[DWARF_LOCLISTS] + l1), 0x2300);
}

/* DWARF 3: a location in a block, a location list through data4. */
static void
test_dwarf3(void **state)
{
	static const unsigned var[] = { AT_LOCATION, FORM_BLOCK1 };
	static const unsigned lvar[] = { AT_LOCATION, FORM_DATA4 };
	struct fx f;
	struct buf *info, *loc;
	size_t at, changed, v1, l1;

	(void)state;
	memset(&f, 0, sizeof(f));
	abbrev(&f.sec[DWARF_ABBREV], 1, TAG_VAR, 0, var, 2);
	abbrev(&f.sec[DWARF_ABBREV], 2, TAG_VAR, 0, lvar, 2);
	u8(&f.sec[DWARF_ABBREV], 0);
	info = &f.sec[DWARF_INFO];
	at = unit_start(info, 3);
	uleb(info, 1);
	u8(info, 5);
	u8(info, OP_ADDR);
	v1 = info->n;
	u32(info, 0x2040);
	uleb(info, 2);
	u32(info, 0);
	unit_end(info, at);
	loc = &f.sec[DWARF_LOC];
	l1 = loc_addr_entry(loc, 0x10, 0x20, 0x2ffc);
	u32(loc, 0);
	u32(loc, 0);
	assert_int_equal(run(&f, &changed), 0);
	assert_int_equal(changed, 2);
	assert_int_equal(word(f.out[DWARF_INFO] + v1), 0x2140);
	assert_int_equal(word(f.out[DWARF_LOC] + l1), 0x30fc);
}

/*
 * 64-bit DWARF: the unit length escape, 8-byte abbreviation offset and
 * section offsets; a form given through DW_FORM_indirect.
 */
static void
test_dwarf64_indirect(void **state)
{
	static const unsigned var[] = { AT_LOCATION, 0x16 /* indirect */ };
	static const unsigned lvar[] = { AT_LOCATION, FORM_SEC_OFFSET };
	struct fx f;
	struct buf *info, *loc;
	size_t changed, start, v1, l1;
	uint64_t len;

	(void)state;
	memset(&f, 0, sizeof(f));
	abbrev(&f.sec[DWARF_ABBREV], 1, TAG_VAR, 0, var, 2);
	abbrev(&f.sec[DWARF_ABBREV], 2, TAG_VAR, 0, lvar, 2);
	u8(&f.sec[DWARF_ABBREV], 0);
	info = &f.sec[DWARF_INFO];
	u32(info, 0xffffffff);
	start = info->n;
	u32(info, 0);				/* length, set below */
	u32(info, 0);
	u16(info, 4);
	u32(info, 0);				/* abbreviations at 0 */
	u32(info, 0);
	u8(info, 4);
	uleb(info, 1);
	uleb(info, FORM_EXPRLOC);		/* the indirect form */
	uleb(info, 5);
	u8(info, OP_ADDR);
	v1 = info->n;
	u32(info, 0x2400);
	uleb(info, 2);
	u32(info, 0);				/* .debug_loc + 0, 8 bytes */
	u32(info, 0);
	len = info->n - start - 8;
	memcpy(info->b + start, (unsigned char[]){ len & 0xff,
	    (len >> 8) & 0xff, 0, 0 }, 4);
	loc = &f.sec[DWARF_LOC];
	l1 = loc_addr_entry(loc, 0x10, 0x20, 0x2000);
	u32(loc, 0);
	u32(loc, 0);
	assert_int_equal(run(&f, &changed), 0);
	assert_int_equal(changed, 2);
	assert_int_equal(word(f.out[DWARF_INFO] + v1), 0x2500);
	assert_int_equal(word(f.out[DWARF_LOC] + l1), 0x2100);
}

/*
 * A DWARF 4 unit with one variable located by an exprloc of the given
 * bytes, built with the abbreviation table given; returns run()'s status.
 */
static int
run_var(struct fx *f, unsigned form, const unsigned char *expr, size_t n,
    unsigned code)
{
	const unsigned var[] = { AT_LOCATION, form };
	size_t at, i, changed;

	abbrev(&f->sec[DWARF_ABBREV], 1, TAG_VAR, 0, var, 2);
	u8(&f->sec[DWARF_ABBREV], 0);
	at = unit_start(&f->sec[DWARF_INFO], 4);
	uleb(&f->sec[DWARF_INFO], code);
	uleb(&f->sec[DWARF_INFO], n);
	for (i = 0; i < n; i++)
		u8(&f->sec[DWARF_INFO], expr[i]);
	unit_end(&f->sec[DWARF_INFO], at);
	return (run(f, &changed));
}

/* Asserts a refusal naming the section and offset. */
static void
assert_refused(const struct fx *f, int rc, const char *where,
    const char *why)
{

	assert_int_equal(rc, -1);
	assert_int_equal(f->err.code, EX_DATAERR);
	if (strstr(f->err.msg, where) == NULL ||
	    strstr(f->err.msg, why) == NULL ||
	    strncmp(f->err.msg, "test.ko: ", 9) != 0)
		fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", f->err.msg,
		    where, why);
}

static void
test_unknown_opcode(void **state)
{
	static const unsigned char e[] = { OP_ADDR, 0, 0x20, 0, 0, 0xe1 };
	struct fx f;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_refused(&f, run_var(&f, FORM_EXPRLOC, e, sizeof(e), 1),
	    ".debug_info at offset 0x12", "unknown expression opcode 0xe1");
}

static void
test_unknown_form(void **state)
{
	static const unsigned char e[] = { OP_ADDR, 0, 0x20, 0, 0 };
	struct fx f;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_refused(&f, run_var(&f, 0x7f, e, sizeof(e), 1),
	    ".debug_info at offset 0xc", "unknown attribute form 0x7f");
}

static void
test_undefined_abbrev(void **state)
{
	static const unsigned char e[] = { OP_ADDR, 0, 0x20, 0, 0 };
	struct fx f;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_refused(&f, run_var(&f, FORM_EXPRLOC, e, sizeof(e), 9),
	    ".debug_info at offset 0xb", "abbreviation code not defined");
}

static void
test_truncated_expression(void **state)
{
	static const unsigned char e[] = { 0x0e, 1, 2 };	/* const8u */
	struct fx f;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_refused(&f, run_var(&f, FORM_EXPRLOC, e, sizeof(e), 1),
	    ".debug_info at offset 0xe", "truncated");
}

static void
test_unit_length_past_end(void **state)
{
	struct fx f;

	(void)state;
	memset(&f, 0, sizeof(f));
	abbrev(&f.sec[DWARF_ABBREV], 1, TAG_VAR, 0,
	    (const unsigned[]){ AT_LOCATION, FORM_EXPRLOC }, 2);
	u8(&f.sec[DWARF_ABBREV], 0);
	u32(&f.sec[DWARF_INFO], 0x400);
	u16(&f.sec[DWARF_INFO], 4);
	u32(&f.sec[DWARF_INFO], 0);
	u8(&f.sec[DWARF_INFO], 4);
	assert_refused(&f, run(&f, &(size_t){ 0 }),
	    ".debug_info at offset 0", "unit length past the end");
}

static void
test_address_size(void **state)
{
	struct fx f;
	size_t at;

	(void)state;
	memset(&f, 0, sizeof(f));
	u8(&f.sec[DWARF_ABBREV], 0);
	at = unit_start(&f.sec[DWARF_INFO], 4);
	f.sec[DWARF_INFO].b[at + 10] = 8;
	unit_end(&f.sec[DWARF_INFO], at);
	assert_refused(&f, run(&f, &(size_t){ 0 }),
	    ".debug_info at offset 0", "address size is not 4");
}

static void
test_unknown_loclist_entry(void **state)
{
	static const unsigned var[] = { AT_LOCATION, FORM_SEC_OFFSET };
	struct fx f;
	size_t at;

	(void)state;
	memset(&f, 0, sizeof(f));
	abbrev(&f.sec[DWARF_ABBREV], 1, TAG_VAR, 0, var, 2);
	u8(&f.sec[DWARF_ABBREV], 0);
	at = unit_start(&f.sec[DWARF_INFO], 5);
	uleb(&f.sec[DWARF_INFO], 1);
	u32(&f.sec[DWARF_INFO], 2);
	unit_end(&f.sec[DWARF_INFO], at);
	u16(&f.sec[DWARF_LOCLISTS], 0);
	u8(&f.sec[DWARF_LOCLISTS], 0x0a);
	assert_refused(&f, run(&f, &(size_t){ 0 }),
	    ".debug_loclists at offset 0x2", "unknown location list entry");
}

static void
test_loclistx_without_base(void **state)
{
	static const unsigned var[] = { AT_LOCATION, FORM_LOCLISTX };
	struct fx f;
	size_t at;

	(void)state;
	memset(&f, 0, sizeof(f));
	abbrev(&f.sec[DWARF_ABBREV], 1, TAG_VAR, 0, var, 2);
	u8(&f.sec[DWARF_ABBREV], 0);
	at = unit_start(&f.sec[DWARF_INFO], 5);
	uleb(&f.sec[DWARF_INFO], 1);
	uleb(&f.sec[DWARF_INFO], 0);
	unit_end(&f.sec[DWARF_INFO], at);
	u32(&f.sec[DWARF_LOCLISTS], 0);
	assert_refused(&f, run(&f, &(size_t){ 0 }),
	    ".debug_info at offset 0", "without DW_AT_loclists_base");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dwarf4),
		cmocka_unit_test(test_dwarf5),
		cmocka_unit_test(test_dwarf3),
		cmocka_unit_test(test_dwarf64_indirect),
		cmocka_unit_test(test_unknown_opcode),
		cmocka_unit_test(test_unknown_form),
		cmocka_unit_test(test_undefined_abbrev),
		cmocka_unit_test(test_truncated_expression),
		cmocka_unit_test(test_unit_length_past_end),
		cmocka_unit_test(test_address_size),
		cmocka_unit_test(test_unknown_loclist_entry),
		cmocka_unit_test(test_loclistx_without_base),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
