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
 * The DWARF reader and rewriter (dwarf.h says what it reads and why only
 * that): a bounds-checked cursor, the abbreviations of a unit, the
 * attribute forms, location expressions, location lists and the address
 * table.  Every read is checked against its section; the first failure
 * is recorded with its section and offset and stops the walk.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bytes.h"
#include "dwarf.h"

/* The DW_* constants used, with their DWARF 5 names. */
#define	DW_UT_compile		0x01
#define	DW_UT_type		0x02
#define	DW_UT_partial		0x03
#define	DW_UT_skeleton		0x04
#define	DW_UT_split_compile	0x05
#define	DW_UT_split_type	0x06

#define	DW_AT_location		0x02
#define	DW_AT_string_length	0x19
#define	DW_AT_return_addr	0x2a
#define	DW_AT_data_member_location 0x38
#define	DW_AT_frame_base	0x40
#define	DW_AT_segment		0x46
#define	DW_AT_static_link	0x48
#define	DW_AT_use_location	0x4a
#define	DW_AT_vtable_elem_location 0x4d
#define	DW_AT_allocated		0x4e
#define	DW_AT_associated	0x4f
#define	DW_AT_data_location	0x50
#define	DW_AT_str_offsets_base	0x72
#define	DW_AT_addr_base		0x73
#define	DW_AT_loclists_base	0x8c
#define	DW_AT_GNU_addr_base	0x2133

#define	DW_FORM_addr		0x01
#define	DW_FORM_block2		0x03
#define	DW_FORM_block4		0x04
#define	DW_FORM_data2		0x05
#define	DW_FORM_data4		0x06
#define	DW_FORM_data8		0x07
#define	DW_FORM_string		0x08
#define	DW_FORM_block		0x09
#define	DW_FORM_block1		0x0a
#define	DW_FORM_data1		0x0b
#define	DW_FORM_flag		0x0c
#define	DW_FORM_sdata		0x0d
#define	DW_FORM_strp		0x0e
#define	DW_FORM_udata		0x0f
#define	DW_FORM_ref_addr	0x10
#define	DW_FORM_ref1		0x11
#define	DW_FORM_ref2		0x12
#define	DW_FORM_ref4		0x13
#define	DW_FORM_ref8		0x14
#define	DW_FORM_ref_udata	0x15
#define	DW_FORM_indirect	0x16
#define	DW_FORM_sec_offset	0x17
#define	DW_FORM_exprloc		0x18
#define	DW_FORM_flag_present	0x19
#define	DW_FORM_strx		0x1a
#define	DW_FORM_addrx		0x1b
#define	DW_FORM_ref_sup4	0x1c
#define	DW_FORM_strp_sup	0x1d
#define	DW_FORM_data16		0x1e
#define	DW_FORM_line_strp	0x1f
#define	DW_FORM_ref_sig8	0x20
#define	DW_FORM_implicit_const	0x21
#define	DW_FORM_loclistx	0x22
#define	DW_FORM_rnglistx	0x23
#define	DW_FORM_ref_sup8	0x24
#define	DW_FORM_strx1		0x25
#define	DW_FORM_strx4		0x28
#define	DW_FORM_addrx1		0x29
#define	DW_FORM_addrx4		0x2c
#define	DW_FORM_GNU_addr_index	0x1f01
#define	DW_FORM_GNU_str_index	0x1f02
#define	DW_FORM_GNU_ref_alt	0x1f20
#define	DW_FORM_GNU_strp_alt	0x1f21

#define	DW_OP_addr		0x03

#define	DW_LLE_end_of_list	0x00
#define	DW_LLE_base_addressx	0x01
#define	DW_LLE_startx_endx	0x02
#define	DW_LLE_startx_length	0x03
#define	DW_LLE_offset_pair	0x04
#define	DW_LLE_default_location	0x05
#define	DW_LLE_base_address	0x06
#define	DW_LLE_start_end	0x07
#define	DW_LLE_start_length	0x08
#define	DW_LLE_GNU_view_pair	0x09

/* i386: every address field is 4 bytes. */
#define	ADDR_SIZE	4

/* How deep DW_OP_entry_value may nest expressions. */
#define	MAX_NESTING	8

static const char *const section_names[DWARF_NSECS] = {
	[DWARF_INFO] = ".debug_info",
	[DWARF_TYPES] = ".debug_types",
	[DWARF_ABBREV] = ".debug_abbrev",
	[DWARF_LOC] = ".debug_loc",
	[DWARF_LOCLISTS] = ".debug_loclists",
	[DWARF_ADDR] = ".debug_addr",
};

/* A position in one section, within [start, end). */
struct cursor {
	const struct dwarf	*d;
	enum dwarf_sec		 sec;
	uint64_t		 pos;
	uint64_t		 end;
};

struct abbrev_attr {
	uint64_t	name;
	uint64_t	form;
	int64_t		implicit;	/* DW_FORM_implicit_const's value */
};

struct abbrev {
	uint64_t	code;
	uint64_t	tag;
	size_t		first;		/* into attrs */
	size_t		nattrs;
};

/* The abbreviations of a unit, read from one offset of .debug_abbrev. */
struct abbrevs {
	struct abbrev		*a;
	size_t			 n, cap;
	struct abbrev_attr	*attrs;
	size_t			 nattrs, attrcap;
	uint64_t		 offset;
	bool			 valid;
};

/* The state of one walk. */
struct walk {
	const struct dwarf		*d;
	const struct dwarf_visitor	*v;
	struct padko_error		*err;
	struct abbrevs			 ab;
};

const char *
dwarf_section_name(enum dwarf_sec sec)
{

	return (section_names[sec]);
}

int
dwarf_section_index(const char *name)
{
	int i;

	for (i = 0; i < DWARF_NSECS; i++)
		if (strcmp(name, section_names[i]) == 0)
			return (i);
	return (-1);
}

/* Fails naming the file, the section and the offset. */
static int
bad(const struct walk *w, enum dwarf_sec sec, uint64_t at, const char *why)
{

	return (padko_fail(w->err, EX_DATAERR, "%s: %s at offset %#jx: %s: "
	    "malformed or unsupported DWARF (to pad the module without its "
	    "debug information, strip it first: objcopy --strip-debug)",
	    w->d->file, section_names[sec], (uintmax_t)at, why));
}

static int
cursor_at(const struct walk *w, struct cursor *c, enum dwarf_sec sec,
    uint64_t pos)
{

	c->d = w->d;
	c->sec = sec;
	c->pos = pos;
	c->end = w->d->sec[sec].size;
	if (w->d->sec[sec].in == NULL)
		return (bad(w, sec, pos, "the section is missing"));
	if (pos > c->end)
		return (bad(w, sec, pos, "offset past the end of the section"));
	return (0);
}

/* Takes n bytes (n <= 8) as a little-endian number. */
static int
get_fixed(const struct walk *w, struct cursor *c, unsigned n, uint64_t *v)
{
	const unsigned char *p;
	unsigned i;

	*v = 0;
	if (c->end - c->pos < n)
		return (bad(w, c->sec, c->pos, "truncated"));
	p = w->d->sec[c->sec].in + c->pos;
	for (i = n; i > 0; i--)
		*v = *v << 8 | p[i - 1];
	c->pos += n;
	return (0);
}

static int
get_uleb(const struct walk *w, struct cursor *c, uint64_t *v)
{
	const unsigned char *p;
	unsigned shift;
	uint64_t at;

	at = c->pos;
	p = w->d->sec[c->sec].in;
	*v = 0;
	for (shift = 0; c->pos < c->end; shift += 7) {
		if (shift >= 64 && (p[c->pos] & 0x7f) != 0)
			return (bad(w, c->sec, at, "LEB128 number too large"));
		if (shift < 64)
			*v |= (uint64_t)(p[c->pos] & 0x7f) << shift;
		if ((p[c->pos++] & 0x80) == 0)
			return (0);
	}
	return (bad(w, c->sec, at, "truncated LEB128 number"));
}

static int
get_sleb(const struct walk *w, struct cursor *c, int64_t *v)
{
	const unsigned char *p;
	uint64_t u, at;
	unsigned shift;

	at = c->pos;
	p = w->d->sec[c->sec].in;
	u = 0;
	*v = 0;
	for (shift = 0; c->pos < c->end; shift += 7) {
		if (shift < 64)
			u |= (uint64_t)(p[c->pos] & 0x7f) << shift;
		if ((p[c->pos++] & 0x80) == 0) {
			if (shift + 7 < 64 && (p[c->pos - 1] & 0x40))
				u |= ~(uint64_t)0 << (shift + 7);
			*v = (int64_t)u;
			return (0);
		}
	}
	return (bad(w, c->sec, at, "truncated LEB128 number"));
}

static int
skip(const struct walk *w, struct cursor *c, uint64_t n)
{

	if (c->end - c->pos < n)
		return (bad(w, c->sec, c->pos, "truncated"));
	c->pos += n;
	return (0);
}

/* An address field: the caller is told its place. */
static int
take_addr(const struct walk *w, struct cursor *c)
{
	uint64_t at;

	at = c->pos;
	if (skip(w, c, ADDR_SIZE) != 0)
		return (-1);
	if (w->v->addr != NULL)
		return (w->v->addr(w->v->arg, c->sec, at));
	return (0);
}

/*
 * A unit length: sets *offset_size, and *end to the end of what it
 * measures, inside the section.
 */
static int
get_length(const struct walk *w, struct cursor *c, unsigned *offset_size,
    uint64_t *end)
{
	uint64_t len, at;

	at = c->pos;
	if (get_fixed(w, c, 4, &len) != 0)
		return (-1);
	*offset_size = 4;
	if (len == 0xffffffff) {
		*offset_size = 8;
		if (get_fixed(w, c, 8, &len) != 0)
			return (-1);
	} else if (len >= 0xfffffff0)
		return (bad(w, c->sec, at, "reserved unit length"));
	if (len > c->end - c->pos)
		return (bad(w, c->sec, at, "unit length past the end of the "
		    "section"));
	*end = c->pos + len;
	return (0);
}

/* The operands of an expression opcode, as a list of these. */
enum operand {
	OPND_END,
	OPND_ADDR,	/* an address: rewritten */
	OPND_1, OPND_2, OPND_4, OPND_8,
	OPND_ULEB, OPND_SLEB,
	OPND_REF,	/* a .debug_info offset, DW_FORM_ref_addr's size */
	OPND_BLOCK,	/* uleb length, then bytes */
	OPND_EXPR,	/* uleb length, then an expression */
	OPND_SIZED	/* 1-byte length, then bytes (DW_OP_const_type) */
};

/* Operands of each DWARF 5 opcode from 0x03 to 0xa9 that has any. */
static const enum operand *
base_operands(unsigned op)
{
	static const enum operand none[] = { OPND_END };
	static const enum operand addr[] = { OPND_ADDR, OPND_END };
	static const enum operand o1[] = { OPND_1, OPND_END };
	static const enum operand o2[] = { OPND_2, OPND_END };
	static const enum operand o4[] = { OPND_4, OPND_END };
	static const enum operand o8[] = { OPND_8, OPND_END };
	static const enum operand u[] = { OPND_ULEB, OPND_END };
	static const enum operand s[] = { OPND_SLEB, OPND_END };
	static const enum operand us[] = { OPND_ULEB, OPND_SLEB, OPND_END };
	static const enum operand uu[] = { OPND_ULEB, OPND_ULEB, OPND_END };
	static const enum operand ref[] = { OPND_REF, OPND_END };
	static const enum operand refs[] = { OPND_REF, OPND_SLEB, OPND_END };
	static const enum operand block[] = { OPND_BLOCK, OPND_END };
	static const enum operand expr[] = { OPND_EXPR, OPND_END };
	static const enum operand ctype[] = { OPND_ULEB, OPND_SIZED, OPND_END };
	static const enum operand o1u[] = { OPND_1, OPND_ULEB, OPND_END };

	if ((op >= 0x12 && op <= 0x14) || (op >= 0x16 && op <= 0x22) ||
	    (op >= 0x24 && op <= 0x27) || (op >= 0x29 && op <= 0x2e) ||
	    (op >= 0x30 && op <= 0x6f) || op == 0x06 || op == 0x96 ||
	    op == 0x97 || op == 0x9b || op == 0x9c || op == 0x9f)
		return (none);
	if (op >= 0x70 && op <= 0x8f)
		return (s);			/* DW_OP_breg0..31 */
	switch (op) {
	case DW_OP_addr:
		return (addr);
	case 0x08: case 0x09: case 0x15: case 0x94: case 0x95:
		return (o1);	/* const1u/s, pick, deref_size, xderef_size */
	case 0x0a: case 0x0b: case 0x28: case 0x2f: case 0x98:
		return (o2);	/* const2u/s, bra, skip, call2 */
	case 0x0c: case 0x0d: case 0x99:
		return (o4);	/* const4u/s, call4 */
	case 0x0e: case 0x0f:
		return (o8);	/* const8u/s */
	case 0x10: case 0x23: case 0x90: case 0x93: case 0xa1: case 0xa2:
	case 0xa8: case 0xa9:
		return (u);	/* constu, plus_uconst, regx, piece, addrx,
				   constx, convert, reinterpret */
	case 0x11: case 0x91:
		return (s);	/* consts, fbreg */
	case 0x92:
		return (us);	/* bregx */
	case 0x9d: case 0xa5:
		return (uu);	/* bit_piece, regval_type */
	case 0x9a:
		return (ref);	/* call_ref */
	case 0x9e:
		return (block);	/* implicit_value */
	case 0xa0:
		return (refs);	/* implicit_pointer */
	case 0xa3:
		return (expr);	/* entry_value */
	case 0xa4:
		return (ctype);	/* const_type */
	case 0xa6: case 0xa7:
		return (o1u);	/* deref_type, xderef_type */
	}
	return (NULL);
}

/*
 * Operands of an opcode, or NULL when unknown.  Of the vendor range only
 * the GNU opcodes that gcc emits, each the pre-standard form of a DWARF 5
 * one or fully specified, are known.
 */
static const enum operand *
operands(unsigned op)
{
	static const enum operand none[] = { OPND_END };
	static const enum operand o4[] = { OPND_4, OPND_END };
	static const enum operand u[] = { OPND_ULEB, OPND_END };
	static const enum operand ref[] = { OPND_REF, OPND_END };

	switch (op) {
	case 0xe0:			/* DW_OP_GNU_push_tls_address */
	case 0xf0:			/* DW_OP_GNU_uninit */
		return (none);
	case 0xf2:			/* DW_OP_GNU_implicit_pointer */
		return (base_operands(0xa0));
	case 0xf3:			/* DW_OP_GNU_entry_value */
		return (base_operands(0xa3));
	case 0xf4:			/* DW_OP_GNU_const_type */
		return (base_operands(0xa4));
	case 0xf5:			/* DW_OP_GNU_regval_type */
		return (base_operands(0xa5));
	case 0xf6:			/* DW_OP_GNU_deref_type */
		return (base_operands(0xa6));
	case 0xf7:			/* DW_OP_GNU_convert */
	case 0xf9:			/* DW_OP_GNU_reinterpret */
	case 0xfb:			/* DW_OP_GNU_addr_index */
	case 0xfc:			/* DW_OP_GNU_const_index */
		return (u);
	case 0xfa:			/* DW_OP_GNU_parameter_ref */
		return (o4);
	case 0xfd:			/* DW_OP_GNU_variable_value */
		return (ref);
	}
	return (op <= 0xa9 ? base_operands(op) : NULL);
}

/* DW_FORM_ref_addr's size: the address size in DWARF 2. */
static unsigned
ref_addr_size(const struct dwarf_unit *u)
{

	return (u->version == 2 ? ADDR_SIZE : u->offset_size);
}

static int expression(const struct walk *w, enum dwarf_sec sec,
	    uint64_t start, uint64_t len, const struct dwarf_unit *u,
	    int depth);

static int
operand(const struct walk *w, struct cursor *c, enum operand o,
    const struct dwarf_unit *u, int depth)
{
	uint64_t v;
	int64_t sv;

	switch (o) {
	case OPND_ADDR:
		return (take_addr(w, c));
	case OPND_1:
		return (skip(w, c, 1));
	case OPND_2:
		return (skip(w, c, 2));
	case OPND_4:
		return (skip(w, c, 4));
	case OPND_8:
		return (skip(w, c, 8));
	case OPND_ULEB:
		return (get_uleb(w, c, &v));
	case OPND_SLEB:
		return (get_sleb(w, c, &sv));
	case OPND_REF:
		return (skip(w, c, ref_addr_size(u)));
	case OPND_BLOCK:
		if (get_uleb(w, c, &v) != 0)
			return (-1);
		return (skip(w, c, v));
	case OPND_EXPR:
		if (get_uleb(w, c, &v) != 0 || v > c->end - c->pos)
			return (bad(w, c->sec, c->pos, "expression past "
			    "its end"));
		if (expression(w, c->sec, c->pos, v, u, depth + 1) != 0)
			return (-1);
		c->pos += v;
		return (0);
	case OPND_SIZED:
		if (get_fixed(w, c, 1, &v) != 0)
			return (-1);
		return (skip(w, c, v));
	case OPND_END:
		break;
	}
	return (0);
}

/* A location expression of len bytes at start of sec. */
static int
expression(const struct walk *w, enum dwarf_sec sec, uint64_t start,
    uint64_t len, const struct dwarf_unit *u, int depth)
{
	const enum operand *o;
	struct cursor c;
	uint64_t op, at;
	char why[64];

	if (depth > MAX_NESTING)
		return (bad(w, sec, start, "expressions nested too deep"));
	if (cursor_at(w, &c, sec, start) != 0)
		return (-1);
	if (len > c.end - start)
		return (bad(w, sec, start, "expression past the end of the "
		    "section"));
	c.end = start + len;
	while (c.pos < c.end) {
		at = c.pos;
		if (get_fixed(w, &c, 1, &op) != 0)
			return (-1);
		if ((o = operands((unsigned)op)) == NULL) {
			snprintf(why, sizeof(why), "unknown expression opcode "
			    "%#x", (unsigned)op);
			return (bad(w, sec, at, why));
		}
		for (; *o != OPND_END; o++)
			if (operand(w, &c, *o, u, depth) != 0)
				return (-1);
	}
	return (0);
}

/* An expression with a length of n bytes before it (n: 2, or 0: uleb). */
static int
counted_expression(const struct walk *w, struct cursor *c, unsigned n,
    const struct dwarf_unit *u)
{
	uint64_t len;

	if ((n == 0 ? get_uleb(w, c, &len) : get_fixed(w, c, n, &len)) != 0)
		return (-1);
	if (len > c->end - c->pos)
		return (bad(w, c->sec, c->pos, "expression past the end of "
		    "the section"));
	if (expression(w, c->sec, c->pos, len, u, 0) != 0)
		return (-1);
	c->pos += len;
	return (0);
}

/*
 * A location list of .debug_loc (DWARF 2 to 4).  Its begin and end
 * addresses are code addresses, which do not move.
 */
static int
loc_list(const struct walk *w, uint64_t offset, const struct dwarf_unit *u)
{
	struct cursor c;
	uint64_t begin, end;

	if (cursor_at(w, &c, DWARF_LOC, offset) != 0)
		return (-1);
	for (;;) {
		if (get_fixed(w, &c, ADDR_SIZE, &begin) != 0 ||
		    get_fixed(w, &c, ADDR_SIZE, &end) != 0)
			return (-1);
		if (begin == 0 && end == 0)
			return (0);
		if (begin == 0xffffffff)	/* base address selection */
			continue;
		if (counted_expression(w, &c, 2, u) != 0)
			return (-1);
	}
}

/*
 * A location list of .debug_loclists (DWARF 5).  Addresses and indices of
 * its entries delimit code, and do not move; only the expressions are
 * read.
 */
static int
loclists_list(const struct walk *w, uint64_t offset,
    const struct dwarf_unit *u)
{
	struct cursor c;
	uint64_t kind, v, at;
	char why[64];

	if (cursor_at(w, &c, DWARF_LOCLISTS, offset) != 0)
		return (-1);
	for (;;) {
		at = c.pos;
		if (get_fixed(w, &c, 1, &kind) != 0)
			return (-1);
		switch (kind) {
		case DW_LLE_end_of_list:
			return (0);
		case DW_LLE_base_addressx:
			if (get_uleb(w, &c, &v) != 0)
				return (-1);
			continue;
		case DW_LLE_GNU_view_pair:
			if (get_uleb(w, &c, &v) != 0 || get_uleb(w, &c, &v) != 0)
				return (-1);
			continue;
		case DW_LLE_base_address:
			if (skip(w, &c, ADDR_SIZE) != 0)
				return (-1);
			continue;
		case DW_LLE_startx_endx:
		case DW_LLE_startx_length:
		case DW_LLE_offset_pair:
			if (get_uleb(w, &c, &v) != 0 || get_uleb(w, &c, &v) != 0)
				return (-1);
			break;
		case DW_LLE_default_location:
			break;
		case DW_LLE_start_end:
			if (skip(w, &c, 2 * ADDR_SIZE) != 0)
				return (-1);
			break;
		case DW_LLE_start_length:
			if (skip(w, &c, ADDR_SIZE) != 0 ||
			    get_uleb(w, &c, &v) != 0)
				return (-1);
			break;
		default:
			snprintf(why, sizeof(why), "unknown location list "
			    "entry kind %#x", (unsigned)kind);
			return (bad(w, DWARF_LOCLISTS, at, why));
		}
		if (counted_expression(w, &c, 0, u) != 0)
			return (-1);
	}
}

/* The list that DW_FORM_loclistx index i of unit u stands for. */
static int
loclistx(const struct walk *w, uint64_t i, const struct dwarf_unit *u)
{
	struct cursor c;
	uint64_t off;

	if (u->loclists_base == 0)
		return (bad(w, u->sec, u->offset, "DW_FORM_loclistx in a unit "
		    "without DW_AT_loclists_base"));
	if (u->loclists_base > w->d->sec[DWARF_LOCLISTS].size ||
	    i >= (w->d->sec[DWARF_LOCLISTS].size - u->loclists_base) /
	    u->offset_size)
		return (bad(w, DWARF_LOCLISTS, u->loclists_base,
		    "location list index past the end of the section"));
	if (cursor_at(w, &c, DWARF_LOCLISTS, u->loclists_base +
	    i * u->offset_size) != 0 ||
	    get_fixed(w, &c, u->offset_size, &off) != 0)
		return (-1);
	if (off > c.end - u->loclists_base)
		return (bad(w, DWARF_LOCLISTS, c.pos - u->offset_size,
		    "location list offset past the end of the section"));
	return (loclists_list(w, u->loclists_base + off, u));
}

/* Every table of .debug_addr (DWARF 5): each entry is an address. */
static int
addr_tables(const struct walk *w)
{
	struct cursor c;
	uint64_t end, v, at;
	unsigned offset_size;

	if (w->d->sec[DWARF_ADDR].in == NULL)
		return (0);
	if (cursor_at(w, &c, DWARF_ADDR, 0) != 0)
		return (-1);
	while (c.pos < w->d->sec[DWARF_ADDR].size) {
		at = c.pos;
		if (get_length(w, &c, &offset_size, &end) != 0 ||
		    get_fixed(w, &c, 2, &v) != 0)
			return (-1);
		if (v != 5)
			return (bad(w, DWARF_ADDR, at, "address table version "
			    "is not 5"));
		if (get_fixed(w, &c, 1, &v) != 0)
			return (-1);
		if (v != ADDR_SIZE)
			return (bad(w, DWARF_ADDR, at, "address size is not 4"));
		if (get_fixed(w, &c, 1, &v) != 0)
			return (-1);
		if (v != 0)
			return (bad(w, DWARF_ADDR, at, "segment selectors are "
			    "not supported"));
		if ((end - c.pos) % ADDR_SIZE != 0)
			return (bad(w, DWARF_ADDR, at, "table length is not a "
			    "multiple of the address size"));
		while (c.pos < end)
			if (take_addr(w, &c) != 0)
				return (-1);
	}
	return (0);
}

static void
abbrevs_free(struct abbrevs *ab)
{

	free(ab->a);
	free(ab->attrs);
	memset(ab, 0, sizeof(*ab));
}

static int
abbrevs_grow(const struct walk *w, void **p, size_t *cap, size_t need,
    size_t size)
{
	void *q;
	size_t n;

	if (need <= *cap)
		return (0);
	n = *cap > 0 ? *cap * 2 : 32;
	if (n < need)
		n = need;
	if ((q = realloc(*p, n * size)) == NULL)
		return (padko_fail(w->err, EX_OSERR, "%s: out of memory",
		    w->d->file));
	*p = q;
	*cap = n;
	return (0);
}

/* The attribute specifications of one abbreviation, up to (0, 0). */
static int
abbrev_attrs(struct walk *w, struct cursor *c, struct abbrev *a)
{
	struct abbrevs *ab;
	struct abbrev_attr *at;
	uint64_t name, form;
	int64_t implicit;

	ab = &w->ab;
	a->first = ab->nattrs;
	for (;;) {
		if (get_uleb(w, c, &name) != 0 || get_uleb(w, c, &form) != 0)
			return (-1);
		if (name == 0 && form == 0)
			break;
		implicit = 0;
		if (form == DW_FORM_implicit_const &&
		    get_sleb(w, c, &implicit) != 0)
			return (-1);
		if (abbrevs_grow(w, (void **)&ab->attrs, &ab->attrcap,
		    ab->nattrs + 1, sizeof(*ab->attrs)) != 0)
			return (-1);
		at = &ab->attrs[ab->nattrs++];
		at->name = name;
		at->form = form;
		at->implicit = implicit;
	}
	a->nattrs = ab->nattrs - a->first;
	return (0);
}

/* Reads the abbreviations at offset, unless they are those in hand. */
static int
abbrevs_read(struct walk *w, uint64_t offset)
{
	struct abbrevs *ab;
	struct abbrev *a;
	struct cursor c;
	uint64_t code, children;

	ab = &w->ab;
	if (ab->valid && ab->offset == offset)
		return (0);
	ab->n = ab->nattrs = 0;
	ab->valid = false;
	if (cursor_at(w, &c, DWARF_ABBREV, offset) != 0)
		return (-1);
	for (;;) {
		if (get_uleb(w, &c, &code) != 0)
			return (-1);
		if (code == 0)
			break;
		if (abbrevs_grow(w, (void **)&ab->a, &ab->cap, ab->n + 1,
		    sizeof(*ab->a)) != 0)
			return (-1);
		a = &ab->a[ab->n];
		a->code = code;
		if (get_uleb(w, &c, &a->tag) != 0 ||
		    get_fixed(w, &c, 1, &children) != 0 ||
		    abbrev_attrs(w, &c, a) != 0)
			return (-1);
		ab->n++;
	}
	ab->offset = offset;
	ab->valid = true;
	return (0);
}

/* An abbreviation by code: codes are usually 1, 2, 3... in order. */
static const struct abbrev *
abbrev_find(const struct abbrevs *ab, uint64_t code)
{
	size_t i;

	if (code >= 1 && code <= ab->n && ab->a[code - 1].code == code)
		return (&ab->a[code - 1]);
	for (i = 0; i < ab->n; i++)
		if (ab->a[i].code == code)
			return (&ab->a[i]);
	return (NULL);
}

/* Whether an attribute's block or exprloc is a location expression. */
static bool
is_location_attr(uint64_t name)
{

	switch (name) {
	case DW_AT_location:
	case DW_AT_string_length:
	case DW_AT_return_addr:
	case DW_AT_data_member_location:
	case DW_AT_frame_base:
	case DW_AT_segment:
	case DW_AT_static_link:
	case DW_AT_use_location:
	case DW_AT_vtable_elem_location:
	case DW_AT_allocated:
	case DW_AT_associated:
	case DW_AT_data_location:
		return (true);
	}
	return (false);
}

/*
 * Whether an attribute of that form is an offset into the location lists
 * (DW_FORM_data4/8 before DWARF 4, DW_FORM_sec_offset since).  Before
 * DWARF 4, a DW_AT_data_member_location in data4 is taken for the
 * constant that compilers mean by it.
 */
static bool
is_loclist_ptr(const struct dwarf_unit *u, const struct dwarf_attr *a)
{

	if (!is_location_attr(a->name) || a->name == DW_AT_allocated ||
	    a->name == DW_AT_associated || a->name == DW_AT_data_location)
		return (false);
	if (a->form == DW_FORM_sec_offset)
		return (true);
	return (u->version < 4 && a->name != DW_AT_data_member_location &&
	    (a->form == DW_FORM_data4 || a->form == DW_FORM_data8));
}

/* A block of len bytes at the cursor: a->block points at it. */
static int
take_block(const struct walk *w, struct cursor *c, uint64_t len,
    struct dwarf_attr *a)
{

	if (len > c->end - c->pos)
		return (bad(w, c->sec, c->pos, "block past the end of its "
		    "unit"));
	a->block = w->d->sec[c->sec].in + c->pos;
	a->len = (size_t)len;
	a->value = c->pos;
	c->pos += len;
	return (0);
}

/* Size of a fixed-size form (after the ones with other encodings), or 0. */
static unsigned
fixed_form_size(uint64_t form, const struct dwarf_unit *u)
{

	switch (form) {
	case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag:
	case DW_FORM_strx1: case DW_FORM_addrx1:
		return (1);
	case DW_FORM_data2: case DW_FORM_ref2:
	case DW_FORM_strx1 + 1: case DW_FORM_addrx1 + 1:
		return (2);
	case DW_FORM_strx1 + 2: case DW_FORM_addrx1 + 2:
		return (3);
	case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_ref_sup4:
	case DW_FORM_strx4: case DW_FORM_addrx4:
		return (4);
	case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8:
	case DW_FORM_ref_sup8:
		return (8);
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset:
	case DW_FORM_strp_sup: case DW_FORM_GNU_ref_alt:
	case DW_FORM_GNU_strp_alt:
		return (u->offset_size);
	case DW_FORM_ref_addr:
		return (ref_addr_size(u));
	}
	return (0);
}

/* Reads one attribute value of the given form into a. */
static int
read_form(const struct walk *w, struct cursor *c, const struct dwarf_unit *u,
    const struct abbrev_attr *spec, struct dwarf_attr *a)
{
	uint64_t len, at;
	unsigned n;
	char why[64];

	at = c->pos;
	a->name = spec->name;
	a->form = spec->form;
	a->value = 0;
	a->block = NULL;
	a->len = 0;
	if (a->form == DW_FORM_indirect) {
		if (get_uleb(w, c, &a->form) != 0)
			return (-1);
		if (a->form == DW_FORM_indirect ||
		    a->form == DW_FORM_implicit_const)
			return (bad(w, c->sec, at, "DW_FORM_indirect to a form "
			    "without a value"));
	}
	if ((n = fixed_form_size(a->form, u)) != 0)
		return (get_fixed(w, c, n, &a->value));
	switch (a->form) {
	case DW_FORM_addr:
		a->value = c->pos;
		return (take_addr(w, c));
	case DW_FORM_block1:
	case DW_FORM_block2:
	case DW_FORM_block4:
		n = a->form == DW_FORM_block1 ? 1 :
		    a->form == DW_FORM_block2 ? 2 : 4;
		if (get_fixed(w, c, n, &len) != 0)
			return (-1);
		return (take_block(w, c, len, a));
	case DW_FORM_block:
	case DW_FORM_exprloc:
		if (get_uleb(w, c, &len) != 0)
			return (-1);
		return (take_block(w, c, len, a));
	case DW_FORM_data16:
		return (take_block(w, c, 16, a));
	case DW_FORM_string:
		for (len = 0; c->pos + len < c->end &&
		    w->d->sec[c->sec].in[c->pos + len] != '\0'; len++)
			;
		if (c->pos + len >= c->end)
			return (bad(w, c->sec, at, "unterminated string"));
		if (take_block(w, c, len, a) != 0)
			return (-1);
		c->pos++;
		return (0);
	case DW_FORM_sdata:
		return (get_sleb(w, c, (int64_t *)&a->value));
	case DW_FORM_udata: case DW_FORM_ref_udata: case DW_FORM_strx:
	case DW_FORM_addrx: case DW_FORM_loclistx: case DW_FORM_rnglistx:
	case DW_FORM_GNU_addr_index: case DW_FORM_GNU_str_index:
		return (get_uleb(w, c, &a->value));
	case DW_FORM_flag_present:
		a->value = 1;
		return (0);
	case DW_FORM_implicit_const:
		a->value = (uint64_t)spec->implicit;
		return (0);
	}
	snprintf(why, sizeof(why), "unknown attribute form %#jx",
	    (uintmax_t)a->form);
	return (bad(w, c->sec, at, why));
}

/* What an attribute needs beyond its value: its expressions. */
static int
attr_locations(const struct walk *w, struct dwarf_unit *u,
    const struct dwarf_attr *a)
{

	switch (a->name) {
	case DW_AT_loclists_base:
		u->loclists_base = a->value;
		return (0);
	case DW_AT_addr_base:
	case DW_AT_GNU_addr_base:
		u->addr_base = a->value;
		return (0);
	case DW_AT_str_offsets_base:
		u->str_offsets_base = a->value;
		return (0);
	}
	if (a->form == DW_FORM_exprloc ||
	    (a->block != NULL && a->form != DW_FORM_string &&
	    a->form != DW_FORM_data16 && is_location_attr(a->name)))
		return (expression(w, u->sec, a->value, a->len, u, 0));
	if (a->form == DW_FORM_loclistx && is_location_attr(a->name))
		return (loclistx(w, a->value, u));
	if (is_loclist_ptr(u, a))
		return (u->version >= 5 ? loclists_list(w, a->value, u) :
		    loc_list(w, a->value, u));
	return (0);
}

/* The header of the unit at c (DWARF 2 to 5), up to its first DIE. */
static int
unit_header(const struct walk *w, struct cursor *c, struct dwarf_unit *u)
{
	uint64_t v, asize;

	memset(u, 0, sizeof(*u));
	u->sec = c->sec;
	u->offset = c->pos;
	u->unit_type = DW_UT_compile;
	if (get_length(w, c, &u->offset_size, &u->end) != 0 ||
	    get_fixed(w, c, 2, &v) != 0)
		return (-1);
	u->version = (unsigned)v;
	if (v < 2 || v > 5 || (v != 4 && u->sec == DWARF_TYPES))
		return (bad(w, c->sec, u->offset, "unsupported DWARF version"));
	c->end = u->end;
	if (v == 5) {
		if (get_fixed(w, c, 1, &v) != 0 ||
		    get_fixed(w, c, 1, &asize) != 0 ||
		    get_fixed(w, c, u->offset_size, &u->abbrev_offset) != 0)
			return (-1);
		u->unit_type = (unsigned)v;
		if (v < DW_UT_compile || v > DW_UT_split_type)
			return (bad(w, c->sec, u->offset, "unknown unit type"));
		if ((v == DW_UT_skeleton || v == DW_UT_split_compile) &&
		    skip(w, c, 8) != 0)
			return (-1);
		if ((v == DW_UT_type || v == DW_UT_split_type) &&
		    skip(w, c, 8 + u->offset_size) != 0)
			return (-1);
	} else {
		if (get_fixed(w, c, u->offset_size, &u->abbrev_offset) != 0 ||
		    get_fixed(w, c, 1, &asize) != 0)
			return (-1);
		if (u->sec == DWARF_TYPES && skip(w, c, 8 + u->offset_size) != 0)
			return (-1);
	}
	if (asize != ADDR_SIZE)
		return (bad(w, c->sec, u->offset, "address size is not 4"));
	return (0);
}

/* Every DIE of the unit at c, in order; null entries end sibling lists. */
static int
unit_dies(struct walk *w, struct cursor *c, struct dwarf_unit *u)
{
	const struct abbrev *a;
	struct dwarf_attr attr;
	uint64_t code, at;
	size_t i;

	if (abbrevs_read(w, u->abbrev_offset) != 0)
		return (-1);
	while (c->pos < u->end) {
		at = c->pos;
		if (get_uleb(w, c, &code) != 0)
			return (-1);
		if (code == 0)
			continue;
		if ((a = abbrev_find(&w->ab, code)) == NULL)
			return (bad(w, c->sec, at, "abbreviation code not "
			    "defined for the unit"));
		if (w->v->die != NULL && w->v->die(w->v->arg, u, a->tag) != 0)
			return (-1);
		for (i = 0; i < a->nattrs; i++) {
			if (read_form(w, c, u, &w->ab.attrs[a->first + i],
			    &attr) != 0 ||
			    attr_locations(w, u, &attr) != 0)
				return (-1);
			if (w->v->attr != NULL &&
			    w->v->attr(w->v->arg, u, &attr) != 0)
				return (-1);
		}
	}
	return (0);
}

static int
units(struct walk *w, enum dwarf_sec sec)
{
	struct dwarf_unit u;
	struct cursor c;

	if (w->d->sec[sec].in == NULL)
		return (0);
	if (cursor_at(w, &c, sec, 0) != 0)
		return (-1);
	while (c.pos < w->d->sec[sec].size) {
		c.end = w->d->sec[sec].size;
		if (unit_header(w, &c, &u) != 0 || unit_dies(w, &c, &u) != 0)
			return (-1);
	}
	return (0);
}

int
dwarf_walk(const struct dwarf *d, const struct dwarf_visitor *v,
    struct padko_error *err)
{
	struct walk w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.d = d;
	w.v = v;
	w.err = err;
	rc = 0;
	if (units(&w, DWARF_INFO) != 0 || units(&w, DWARF_TYPES) != 0 ||
	    addr_tables(&w) != 0)
		rc = -1;
	abbrevs_free(&w.ab);
	return (rc);
}

/* The rewriter's state: the map and the count of changed fields. */
struct rewriter {
	struct dwarf	*d;
	uint64_t	(*map)(void *, uint64_t);
	void		*arg;
	size_t		 changed;
};

/* Maps one address field, reading the input and writing the copy. */
static int
rewrite_addr(void *arg, enum dwarf_sec sec, uint64_t offset)
{
	struct rewriter *r;
	unsigned char *q;
	uint32_t old, new;

	r = arg;
	if ((q = r->d->sec[sec].out) == NULL)
		return (0);
	old = le32_read(r->d->sec[sec].in + offset);
	new = (uint32_t)r->map(r->arg, old);
	if (new != old)
		r->changed++;
	le32_write(q + offset, new);
	return (0);
}

int
dwarf_rewrite(struct dwarf *d, uint64_t (*map)(void *, uint64_t), void *arg,
    size_t *changed, struct padko_error *err)
{
	struct dwarf_visitor v;
	struct rewriter r;

	r.d = d;
	r.map = map;
	r.arg = arg;
	r.changed = 0;
	memset(&v, 0, sizeof(v));
	v.addr = rewrite_addr;
	v.arg = &r;
	if (dwarf_walk(d, &v, err) != 0)
		return (-1);
	*changed = r.changed;
	return (0);
}
