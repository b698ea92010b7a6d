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
 * Mapping an old address to its new one through the planned layout
 * (layout.c).  The stages above call it for every relocation, symbol and
 * DWARF address, so its fast path (the ranges of the last two lookups:
 * offsets and the values they hold alternate) is inline here, and only a
 * miss searches the breakpoints in layout.c.
 */
#ifndef PADKO_LAYOUT_H
#define PADKO_LAYOUT_H

#include "module.h"

GElf_Addr layout_map_search(struct module *m, GElf_Addr addr);

/*
 * Maps an address of a byte (the start of something) to its new value: it
 * moves with the section that contains it, or in a gap with the section
 * before the gap.
 */
static inline GElf_Addr
layout_map_addr(struct module *m, GElf_Addr addr)
{
	const struct addr_shift *t;
	size_t h, i;

	for (h = 0; h < 2 && m->nshifts > 0; h++) {
		i = m->shift_hit[h];
		t = &m->shifts[i];
		if (addr > t->at && (i + 1 == m->nshifts || addr < t[1].at))
			return (addr + (GElf_Addr)t->after);
	}
	return (layout_map_search(m, addr));
}

#endif /* !PADKO_LAYOUT_H */
