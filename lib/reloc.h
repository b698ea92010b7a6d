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
 * What the stages know of i386 relocations and .dynamic entries (reloc.c):
 * for each relocation type, its name, whether the kernel's i386 loader
 * takes it, and whether its in-place value is an address by itself; one
 * way to read and write an entry of a REL or a RELA table; which .dynamic
 * tags hold addresses.  Adding a relocation type means changing reloc.c
 * and the loader model's own copy (kload.c), which test_reloc.c holds
 * against it.
 */
#ifndef PADKO_RELOC_H
#define PADKO_RELOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gelf.h>

/* One entry of a REL or RELA table, whichever it came from. */
struct reloc {
	GElf_Addr	 offset;
	unsigned	 type;
	unsigned	 sym;
	int32_t		 addend;	/* RELA; 0 in REL (the value is in place) */
};

/* What padko knows of one relocation type (the table is in reloc.c). */
struct reloc_type {
	const char	*name;		/* NULL: a type padko does not know */
	bool		 accepted;	/* the kernel applies or ignores it */
	bool		 address;	/* its in-place value is an address */
};

extern const struct reloc_type reloc_types[];
extern const size_t reloc_ntypes;

const char *reloc_type_name(unsigned type);

/*
 * The accessors below run once or more for every relocation of a module,
 * in several stages: inline, so that keeping the knowledge in one place
 * costs no call.
 */

/* Whether the kernel's i386 loader handles this dynamic relocation type. */
static inline bool
reloc_kernel_accepts(unsigned type)
{

	return (type < reloc_ntypes && reloc_types[type].name != NULL &&
	    reloc_types[type].accepted);
}

/*
 * Whether a relocation's in-place value is an absolute link-time address:
 * R_386_RELATIVE, R_386_IRELATIVE (its resolver), and R_386_32 against no
 * symbol.
 */
static inline bool
reloc_value_is_address(unsigned type, unsigned sym)
{

	if (type == R_386_32)
		return (sym == 0);
	return (type < reloc_ntypes && reloc_types[type].name != NULL &&
	    reloc_types[type].address);
}

/* How many entries a table of type sh_type (SHT_REL or SHT_RELA) holds. */
static inline size_t
reloc_count(uint32_t sh_type, size_t size)
{

	return (size / (sh_type == SHT_REL ? sizeof(Elf32_Rel) :
	    sizeof(Elf32_Rela)));
}

/* Reads entry i of a REL or RELA table (libelf's memory form). */
static inline void
reloc_get(const void *table, uint32_t sh_type, size_t i, struct reloc *r)
{
	const Elf32_Rel *rel;
	const Elf32_Rela *rela;

	if (sh_type == SHT_REL) {
		rel = (const Elf32_Rel *)table + i;
		r->offset = rel->r_offset;
		r->type = ELF32_R_TYPE(rel->r_info);
		r->sym = ELF32_R_SYM(rel->r_info);
		r->addend = 0;
	} else {
		rela = (const Elf32_Rela *)table + i;
		r->offset = rela->r_offset;
		r->type = ELF32_R_TYPE(rela->r_info);
		r->sym = ELF32_R_SYM(rela->r_info);
		r->addend = rela->r_addend;
	}
}

/* Writes entry i of a REL or RELA table (the addend only to RELA). */
static inline void
reloc_put(void *table, uint32_t sh_type, size_t i, const struct reloc *r)
{
	Elf32_Rel *rel;
	Elf32_Rela *rela;

	if (sh_type == SHT_REL) {
		rel = (Elf32_Rel *)table + i;
		rel->r_offset = (Elf32_Addr)r->offset;
		rel->r_info = ELF32_R_INFO(r->sym, r->type);
	} else {
		rela = (Elf32_Rela *)table + i;
		rela->r_offset = (Elf32_Addr)r->offset;
		rela->r_info = ELF32_R_INFO(r->sym, r->type);
		rela->r_addend = r->addend;
	}
}

bool	dynamic_tag_is_pointer(int64_t tag);

#endif /* !PADKO_RELOC_H */
