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
 * The module in memory (module.h): looking its sections up by address,
 * and freeing it.  The lookups live here, with the data they search and
 * below every stage that asks them; read.c fills the module in.
 */

#include <stdlib.h>

#include "module.h"

void
module_free(struct module *m)
{

	out_arena_release(&m->out);
	free(m->sections);
	free(m->alloc);
	free(m->phdrs);
	free(m->new_phdrs);
	free(m->shifts);
	free(m->refs);
	free(m->lints);
	free(m->notes);
	free(m->hazards);
	free(m->assume);
	free(m->debuglink);
	if (m->elf != NULL)
		elf_end(m->elf);
	file_image_release(&m->file);
	free(m->path);
}

/*
 * module_section_at() without its cache: a binary search by address.  The
 * section found becomes the cache's latest hit (so m is not const).
 */
struct section *
module_section_search(struct module *m, GElf_Addr addr)
{
	struct section *s;
	size_t lo, hi, mid;

	lo = 0;
	hi = m->nalloc;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->alloc[mid]->shdr.sh_addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		s = m->alloc[--lo];
		if (s->shdr.sh_size == 0)
			continue;
		if (addr < s->shdr.sh_addr + s->shdr.sh_size) {
			m->hit[1] = m->hit[0];
			m->hit[0] = s;
			return (s);
		}
		return (NULL);
	}
	return (NULL);
}

/* The last non-empty allocated section that ends exactly at addr, or NULL. */
struct section *
module_section_ending_at(const struct module *m, GElf_Addr addr)
{
	struct section *s;
	size_t i;

	for (i = m->nalloc; i > 0; i--) {
		s = m->alloc[i - 1];
		if (s->shdr.sh_size == 0 || (s->shdr.sh_flags & SHF_TLS))
			continue;
		if (s->shdr.sh_addr + s->shdr.sh_size == addr)
			return (s);
		if (s->shdr.sh_addr + s->shdr.sh_size < addr)
			break;
	}
	return (NULL);
}
