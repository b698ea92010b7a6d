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
 * The one place of the stages that knows i386 relocation types (the
 * i386 psABI numbers, and what FreeBSD's elf_machdep.c does with each, as
 * kernel-contract.md says), how a REL or RELA entry is read and written,
 * and which .dynamic tags hold addresses.  Below every stage that reads or
 * rewrites relocations: validate.c, code.c, boundary.c, rewrite.c.  The
 * loader model (kload.c) keeps its own copy of what the kernel does with
 * each type, so that it stays an independent check; test_reloc.c checks
 * that the two agree for every type.
 */

#include "elfdefs.h"
#include "reloc.h"

/*
 * Indexed by type.  R_386_32 holds an address only against no symbol
 * (reloc_value_is_address()); R_386_IRELATIVE holds its resolver's.
 * R_386_COPY is named because the kernel names it when it refuses it;
 * any type not listed here is refused as unexpected.
 */
const struct reloc_type reloc_types[] = {
	[R_386_NONE] =		{ "R_386_NONE", true, false },
	[R_386_32] =		{ "R_386_32", true, false },
	[R_386_PC32] =		{ "R_386_PC32", true, false },
	[R_386_COPY] =		{ "R_386_COPY", false, false },
	[R_386_GLOB_DAT] =	{ "R_386_GLOB_DAT", true, false },
	[PADKO_R_386_JMP_SLOT] = { "R_386_JMP_SLOT", true, false },
	[R_386_RELATIVE] =	{ "R_386_RELATIVE", true, true },
	[R_386_IRELATIVE] =	{ "R_386_IRELATIVE", true, true },
};
const size_t reloc_ntypes = sizeof(reloc_types) / sizeof(reloc_types[0]);

/* The type's name, or NULL for a type padko does not know. */
const char *
reloc_type_name(unsigned type)
{

	return (type < reloc_ntypes ? reloc_types[type].name : NULL);
}

/* Whether a .dynamic entry's value is an address. */
bool
dynamic_tag_is_pointer(int64_t tag)
{

	switch (tag) {
	case DT_PLTGOT:
	case DT_HASH:
	case DT_STRTAB:
	case DT_SYMTAB:
	case DT_RELA:
	case DT_INIT:
	case DT_FINI:
	case DT_REL:
	case DT_JMPREL:
	case DT_INIT_ARRAY:
	case DT_FINI_ARRAY:
	case DT_PREINIT_ARRAY:
	case DT_GNU_HASH:
	case DT_VERSYM:
	case DT_VERDEF:
	case DT_VERNEED:
		return (true);
	}
	return (false);
}
