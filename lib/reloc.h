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

const char *reloc_type_name(unsigned type);
bool	reloc_kernel_accepts(unsigned type);
bool	reloc_value_is_address(unsigned type, unsigned sym);

size_t	reloc_count(uint32_t sh_type, size_t size);
void	reloc_get(const void *table, uint32_t sh_type, size_t i,
	    struct reloc *r);
void	reloc_put(void *table, uint32_t sh_type, size_t i,
	    const struct reloc *r);

bool	dynamic_tag_is_pointer(int64_t tag);

#endif /* !PADKO_RELOC_H */
