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
 * The DWARF reader and rewriter: it reads .debug_info (and .debug_types)
 * unit by unit through their abbreviations, the location lists
 * (.debug_loc, .debug_loclists) that location attributes point at, and the
 * address table .debug_addr, and hands every address field that may point
 * into moved data to the caller, which maps it.  It reads no more of DWARF
 * than that: what it does not rewrite (.debug_line, .debug_frame,
 * .debug_aranges, range lists, the begin/end addresses of location list
 * entries) holds code addresses, and code never moves (padko refuses a
 * module with an executable section after a set, so every address up to
 * the first set keeps its value).
 *
 * Own code rather than libdwarf: libdwarf cannot write, Debian's libdwarf
 * and FreeBSD's elftoolchain libdwarf are different libraries, and what is
 * rewritten is small.  Whatever it cannot read exactly (a length past its
 * section, an unknown form or opcode, a vendor extension it does not know,
 * an abbreviation code that is not defined) is refused, naming the
 * section and the offset: guessing would rewrite the wrong bytes.
 */
#ifndef PADKO_DWARF_H
#define PADKO_DWARF_H

#include <stddef.h>
#include <stdint.h>

#include "padko.h"

/* The sections the reader knows, in the order of dwarf_section_name(). */
enum dwarf_sec {
	DWARF_INFO,
	DWARF_TYPES,
	DWARF_ABBREV,
	DWARF_LOC,
	DWARF_LOCLISTS,
	DWARF_ADDR,
	DWARF_NSECS
};

/*
 * One section: its bytes as read and, for those that are rewritten, a
 * copy of the same size that the rewriter writes into (NULL: not
 * rewritten, or absent).
 */
struct dwarf_section {
	const unsigned char	*in;
	unsigned char		*out;
	size_t			 size;
};

/* What the unit being read declares in its header and its first DIE. */
struct dwarf_unit {
	enum dwarf_sec	 sec;		/* DWARF_INFO or DWARF_TYPES */
	uint64_t	 offset;	/* of its header in sec */
	uint64_t	 end;		/* one past its last byte */
	unsigned	 version;	/* 2 to 5 */
	unsigned	 offset_size;	/* 4 (32-bit DWARF) or 8 */
	unsigned	 unit_type;	/* DW_UT_*, DW_UT_compile before 5 */
	uint64_t	 abbrev_offset;
	uint64_t	 addr_base;	/* DW_AT_addr_base, or 0 */
	uint64_t	 str_offsets_base; /* DW_AT_str_offsets_base, or 0 */
	uint64_t	 loclists_base;	/* DW_AT_loclists_base, or 0 */
};

/* An attribute as read; block is set for blocks, exprloc and strings. */
struct dwarf_attr {
	uint64_t		 name;	/* DW_AT_* */
	uint64_t		 form;	/* DW_FORM_*, after DW_FORM_indirect */
	uint64_t		 value;
	const unsigned char	*block;
	size_t			 len;
};

/*
 * What a caller is told while the sections are read; any callback may be
 * NULL, and one that returns nonzero stops the walk with that status.
 * addr is called for every address field that may point into moved data,
 * with its place: section and offset (a 4-byte little-endian word).
 */
struct dwarf_visitor {
	int	(*die)(void *arg, const struct dwarf_unit *u, uint64_t tag);
	int	(*attr)(void *arg, const struct dwarf_unit *u,
		    const struct dwarf_attr *a);
	int	(*addr)(void *arg, enum dwarf_sec sec, uint64_t offset);
	void	*arg;
};

struct dwarf {
	const char		*file;	/* for messages */
	struct dwarf_section	 sec[DWARF_NSECS];
};

/* ".debug_info" and so on; dwarf_section_index() is the inverse, or -1. */
const char *dwarf_section_name(enum dwarf_sec sec);
int	dwarf_section_index(const char *name);

/*
 * Reads every unit, location list and address table, calling v.  Fails
 * with EX_DATAERR, naming the section and offset, on DWARF it cannot read.
 */
int	dwarf_walk(const struct dwarf *d, const struct dwarf_visitor *v,
	    struct padko_error *err);

/*
 * Rewrites every address field through map (out of each rewritten section
 * must be a copy of in): *changed counts the fields whose value changed.
 * Fails as dwarf_walk() does; the out copies may then be partly written,
 * and must be discarded.
 */
int	dwarf_rewrite(struct dwarf *d, uint64_t (*map)(void *, uint64_t),
	    void *arg, size_t *changed, struct padko_error *err);

#endif /* !PADKO_DWARF_H */
