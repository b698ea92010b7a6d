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
 * Planning the new layout: which sets grow, where every allocated section
 * goes, what happens to the program headers, and how far the rest of the
 * file shifts.  The rules are the linker's: a section is placed at the
 * first address after its predecessor that satisfies its sh_addralign (or
 * stays where it is when there is room), a new PT_LOAD keeps its file
 * offset congruent to its address, and the file is packed in order.
 * The map from old addresses to new (layout_map_addr()) that the stages
 * above ask lives here, with the table it searches.
 */

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "layout.h"
#include "module.h"

static uint64_t
align_up(uint64_t v, uint64_t align)
{

	if (align <= 1)
		return (v);
	return ((v + align - 1) / align * align);
}

static int64_t
section_shift(const struct section *s)
{

	return ((int64_t)s->new_addr - (int64_t)s->shdr.sh_addr);
}

/* Whether a 4-byte word at the end of a set is an object of .symtab's. */
static bool
last_word_is_object(const struct module *m, const struct section *set)
{
	const Elf32_Sym *sym;
	GElf_Addr word;
	size_t i, n;

	if (m->symtab == NULL || m->symtab->data == NULL)
		return (false);
	word = set->shdr.sh_addr + set->shdr.sh_size - PADKO_PAD_SIZE;
	sym = m->symtab->data->d_buf;
	n = m->symtab->data->d_size / sizeof(*sym);
	/* An object that ends at the set's end and covers its last word. */
	for (i = 1; i < n; i++)
		if (sym[i].st_shndx == set->index &&
		    ELF32_ST_TYPE(sym[i].st_info) == STT_OBJECT &&
		    sym[i].st_value <= word &&
		    (GElf_Addr)sym[i].st_value + sym[i].st_size ==
		    word + PADKO_PAD_SIZE)
			return (true);
	return (false);
}

/*
 * Decides whether a set needs its padding slot: an empty set does not, nor
 * one that already ends in 0x90909090 unless .symtab shows that word to be
 * the set's last object.
 */
static enum padko_set_state
set_initial_state(const struct module *m, const struct section *set)
{
	const unsigned char *bytes;
	uint64_t size;

	size = set->shdr.sh_size;
	if (size == 0)
		return (PADKO_SET_EMPTY);
	bytes = section_bytes(set);
	if (size >= PADKO_PAD_SIZE &&
	    le32_read(bytes + size - PADKO_PAD_SIZE) == PADKO_PAD_WORD &&
	    !last_word_is_object(m, set))
		return (PADKO_SET_PADDED);
	return (PADKO_SET_PAD_IN_PLACE);
}

/*
 * Places every allocated section, in address order.  Growth is absorbed by
 * slack where there is enough; otherwise a section goes to the next address
 * that its alignment allows.  The first section of a later PT_LOAD shifts
 * its whole segment, in memory and in the file alike, so that p_offset
 * stays congruent to p_vaddr.
 */
static void
place_sections(struct module *m)
{
	struct section *s;
	uint64_t dot_old, dot_new, fdot_old, fdot_new, d, end_old;
	int64_t shift;
	size_t i;
	int segment;
	bool moved;

	dot_old = dot_new = fdot_old = fdot_new = 0;
	moved = false;
	segment = -1;
	for (i = 0; i < m->nalloc; i++) {
		s = m->alloc[i];
		if (s->shdr.sh_flags & SHF_TLS)
			continue;
		s->new_addr = s->shdr.sh_addr;
		if (moved && s->segment != segment && segment >= 0) {
			d = dot_new - dot_old;
			if (fdot_new - fdot_old > d)
				d = fdot_new - fdot_old;
			s->new_addr = s->shdr.sh_addr +
			    align_up(d, s->shdr.sh_addralign);
		} else if (moved && s->shdr.sh_addr >= dot_old) {
			s->new_addr = align_up(dot_new, s->shdr.sh_addralign);
			if (s->new_addr < s->shdr.sh_addr)
				s->new_addr = s->shdr.sh_addr;
		}
		/* Further, where the references demand it (boundary.c). */
		if (s->min_addr > s->new_addr)
			s->new_addr = align_up(s->min_addr,
			    s->shdr.sh_addralign);
		if (s->set >= 0 &&
		    m->sets[s->set].report.state == PADKO_SET_PAD_IN_PLACE)
			s->new_size = s->shdr.sh_size + PADKO_PAD_SIZE;
		shift = section_shift(s);
		s->new_offset = s->shdr.sh_offset + shift;
		if (shift != 0 || s->new_size != s->shdr.sh_size)
			moved = true;
		segment = s->segment;
		end_old = s->shdr.sh_addr + s->shdr.sh_size;
		if (end_old >= dot_old) {
			dot_old = end_old;
			dot_new = s->new_addr + s->new_size;
		}
		if (s->shdr.sh_type != SHT_NOBITS &&
		    s->shdr.sh_offset + s->shdr.sh_size >= fdot_old) {
			fdot_old = s->shdr.sh_offset + s->shdr.sh_size;
			fdot_new = s->new_offset + s->new_size;
		}
	}
}

/* The first allocated section of a PT_LOAD, by address, or NULL. */
static const struct section *
segment_head(const struct module *m, int segment)
{
	size_t i;

	for (i = 0; i < m->nalloc; i++)
		if (m->alloc[i]->segment == segment)
			return (m->alloc[i]);
	return (NULL);
}

/*
 * Maps an address that ends something (a segment, a range) to its new
 * value: it moves with the last section that ends at or before it.
 */
GElf_Addr
layout_map_end(const struct module *m, GElf_Addr addr)
{
	const struct section *s;
	size_t i;

	for (i = m->nalloc; i > 0; i--) {
		s = m->alloc[i - 1];
		if ((s->shdr.sh_flags & SHF_TLS) ||
		    s->shdr.sh_addr + s->shdr.sh_size > addr)
			continue;
		if (s->shdr.sh_size == 0 && s->shdr.sh_addr == addr &&
		    i > 1)
			continue;
		return (addr + (s->new_addr + s->new_size) -
		    (s->shdr.sh_addr + s->shdr.sh_size));
	}
	return (addr);
}

/*
 * Maps an address of a byte (the start of something) to its new value: it
 * moves with the section that contains it, or in a gap with the section
 * before the gap.
 */
static GElf_Addr
map_addr_by_sections(struct module *m, GElf_Addr addr)
{
	const struct section *s;

	if ((s = module_section_at(m, addr)) != NULL)
		return (addr + section_shift(s));
	return (layout_map_end(m, addr));
}

static int
cmp_addr(const void *a, const void *b)
{
	GElf_Addr x = *(const GElf_Addr *)a, y = *(const GElf_Addr *)b;

	return (x < y ? -1 : x > y);
}

/*
 * Tabulates map_addr_by_sections() for the rewriter, which asks it for
 * every relocation: the shift it adds is the same for all addresses
 * strictly between two consecutive section starts or ends (breakpoints),
 * since which sections contain or precede an address changes only there,
 * and may differ at a breakpoint itself.  So each breakpoint gets the
 * shift at it and the shift after it, taken from the function itself.
 */
static int
tabulate_map(struct module *m, struct padko_error *err)
{
	struct addr_shift *t;
	GElf_Addr *at;
	size_t i, n, nat;

	free(m->shifts);
	m->shifts = NULL;
	m->nshifts = m->shift_hit[0] = m->shift_hit[1] = 0;
	if ((at = calloc(2 * m->nalloc + 1, sizeof(*at))) == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	nat = 0;
	at[nat++] = 0;
	for (i = 0; i < m->nalloc; i++) {
		at[nat++] = m->alloc[i]->shdr.sh_addr;
		at[nat++] = m->alloc[i]->shdr.sh_addr + m->alloc[i]->shdr.sh_size;
	}
	qsort(at, nat, sizeof(*at), cmp_addr);
	if ((t = calloc(nat, sizeof(*t))) == NULL) {
		free(at);
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	}
	for (i = n = 0; i < nat; i++) {
		if (n > 0 && t[n - 1].at == at[i])
			continue;
		t[n].at = at[i];
		t[n].point = (int64_t)(map_addr_by_sections(m, at[i]) - at[i]);
		t[n].after = (int64_t)(map_addr_by_sections(m, at[i] + 1) -
		    (at[i] + 1));
		/* A breakpoint where nothing changes is left out. */
		if (n == 0 || t[n].point != t[n - 1].after ||
		    t[n].after != t[n - 1].after)
			n++;
	}
	free(at);
	m->shifts = t;
	m->nshifts = n;
	return (0);
}

/*
 * layout_map_addr() past its cache: the table, or the sections.  The
 * range found becomes the cache's latest hit.
 */
GElf_Addr
layout_map_search(struct module *m, GElf_Addr addr)
{
	const struct addr_shift *t;
	size_t lo, hi, mid;

	if (m->nshifts == 0)
		return (map_addr_by_sections(m, addr));
	t = m->shifts;
	/* The last breakpoint at or below addr; t[0].at is 0. */
	lo = 0;
	hi = m->nshifts;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (t[mid].at <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (lo != m->shift_hit[0]) {
		m->shift_hit[1] = m->shift_hit[0];
		m->shift_hit[0] = lo;
	}
	return (addr + (GElf_Addr)(addr == t[lo].at ? t[lo].point :
	    t[lo].after));
}

/* The last allocated non-NOBITS section of a PT_LOAD ending by addr. */
static const struct section *
last_file_section(const struct module *m, int segment, GElf_Addr addr)
{
	const struct section *s, *best;
	size_t i;

	best = NULL;
	for (i = 0; i < m->nalloc; i++) {
		s = m->alloc[i];
		if (s->segment != segment || s->shdr.sh_type == SHT_NOBITS ||
		    s->shdr.sh_addr + s->shdr.sh_size > addr)
			continue;
		best = s;
	}
	return (best);
}

/* Recomputes the program headers from the placed sections. */
static void
place_segments(struct module *m)
{
	const struct section *head, *last;
	const GElf_Phdr *p;
	GElf_Phdr *np;
	GElf_Addr end;
	int64_t shift;
	size_t i;

	for (i = 0; i < m->nphdrs; i++) {
		p = &m->phdrs[i];
		np = &m->new_phdrs[i];
		*np = *p;
		if (p->p_type == PT_LOAD) {
			head = segment_head(m, (int)i);
			shift = head != NULL ? section_shift(head) : 0;
			np->p_vaddr = p->p_vaddr + shift;
			np->p_paddr = p->p_paddr + shift;
			np->p_offset = p->p_offset + shift;
			np->p_memsz = layout_map_end(m, p->p_vaddr +
			    p->p_memsz) - np->p_vaddr;
			end = p->p_vaddr + p->p_filesz;
			last = last_file_section(m, (int)i, end);
			/*
			 * The file part ends with its last section, moved.  Where
			 * it ran on over a gap after that section, the gap's
			 * bytes belong to no section and are not written: the
			 * part then ends with the section, and the kernel zeroes
			 * the gap (it could not run on over the gap in any case:
			 * the growth may have filled it).
			 */
			if (last != NULL && end > last->shdr.sh_addr +
			    last->shdr.sh_size)
				np->p_filesz = last->new_addr + last->new_size -
				    np->p_vaddr;
			else if (last != NULL)
				np->p_filesz = end + (last->new_addr +
				    last->new_size) - (last->shdr.sh_addr +
				    last->shdr.sh_size) - np->p_vaddr;
			continue;
		}
		/*
		 * Others move with what they describe; even an empty one may
		 * point somewhere (a PT_DYNAMIC without sizes: the kernel
		 * reads p_vaddr alone).
		 */
		np->p_vaddr = layout_map_addr(m, p->p_vaddr);
		shift = (int64_t)np->p_vaddr - (int64_t)p->p_vaddr;
		np->p_paddr = p->p_paddr + shift;
		np->p_offset = p->p_offset + shift;
		if (p->p_memsz > 0)
			np->p_memsz = layout_map_end(m, p->p_vaddr +
			    p->p_memsz) - np->p_vaddr;
		if (p->p_filesz > 0)
			np->p_filesz = layout_map_end(m, p->p_vaddr +
			    p->p_filesz) - np->p_vaddr;
	}
}

static uint64_t
file_end(const GElf_Phdr *ph, size_t n)
{
	uint64_t end;
	size_t i;

	end = 0;
	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD &&
		    ph[i].p_offset + ph[i].p_filesz > end)
			end = ph[i].p_offset + ph[i].p_filesz;
	return (end);
}

/*
 * Shifts what lies in the file after the first grown byte and is not part
 * of a segment (non-allocated sections, the section header table) by the
 * growth of the loaded image, rounded to keep every alignment.
 */
static int
place_file_tail(struct module *m, struct padko_error *err)
{
	struct section *s;
	uint64_t from, old_end, new_end, growth, align;
	size_t i;
	int k;

	from = UINT64_MAX;
	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		s = m->sets[k].sec;
		if (s != NULL && s->new_size != s->shdr.sh_size &&
		    s->shdr.sh_offset + s->shdr.sh_size < from)
			from = s->shdr.sh_offset + s->shdr.sh_size;
	}
	old_end = file_end(m->phdrs, m->nphdrs);
	new_end = file_end(m->new_phdrs, m->nphdrs);
	growth = new_end > old_end ? new_end - old_end : 0;
	align = 4;
	for (i = 1; i < m->nsections; i++) {
		s = &m->sections[i];
		if ((s->shdr.sh_flags & SHF_ALLOC) && s->segment >= 0)
			continue;
		if (s->shdr.sh_offset < from)
			continue;
		if (s->shdr.sh_type != SHT_NOBITS && s->shdr.sh_size > 0 &&
		    s->shdr.sh_offset < old_end)
			return (padko_fail(err, EX_DATAERR,
			    "%s: section %s lies inside the loaded image in "
			    "the file but in no segment", m->path, s->name));
		if (s->shdr.sh_addralign > align)
			align = s->shdr.sh_addralign;
	}
	growth = align_up(growth, align);
	for (i = 1; i < m->nsections; i++) {
		s = &m->sections[i];
		if ((s->shdr.sh_flags & SHF_ALLOC) && s->segment >= 0)
			continue;
		s->new_addr = s->shdr.sh_addr;
		s->new_offset = s->shdr.sh_offset;
		if (s->shdr.sh_offset >= from)
			s->new_offset += growth;
	}
	m->new_shoff = m->ehdr.e_shoff + (m->ehdr.e_shoff >= from ? growth : 0);
	m->new_phoff = m->ehdr.e_phoff + (m->ehdr.e_phoff >= from ? growth : 0);
	if (m->new_shoff + (uint64_t)m->nsections * sizeof(Elf32_Shdr) >
	    UINT32_MAX)
		return (padko_fail(err, EX_DATAERR, "%s: the padded file would "
		    "exceed 4 GB", m->path));
	for (i = 1; i < m->nsections; i++)
		if (m->sections[i].new_offset > UINT32_MAX)
			return (padko_fail(err, EX_DATAERR, "%s: section %s "
			    "would move beyond 4 GB in the file", m->path,
			    m->sections[i].name));
	return (0);
}

/* Whether the module has a GOT that position-independent code may use. */
static const struct section *
find_got(const struct module *m)
{
	size_t i;

	for (i = 0; i < m->nalloc; i++)
		if (strcmp(m->alloc[i]->name, ".got") == 0 ||
		    strcmp(m->alloc[i]->name, ".got.plt") == 0)
			return (m->alloc[i]);
	return (NULL);
}

static GElf_Addr
dynamic_pltgot(const struct module *m)
{
	const Elf32_Dyn *dyn;
	size_t i, n;

	if (m->dynamic == NULL || m->dynamic->data == NULL)
		return (0);
	dyn = m->dynamic->data->d_buf;
	n = m->dynamic->data->d_size / sizeof(*dyn);
	for (i = 0; i < n && dyn[i].d_tag != DT_NULL; i++)
		if (dyn[i].d_tag == DT_PLTGOT)
			return (dyn[i].d_un.d_ptr);
	return (0);
}

/* Refuses layouts that cannot be rewritten safely. */
static int
check_plan(struct module *m, struct padko_error *err)
{
	const struct section *s, *got;
	const GElf_Phdr *p;
	GElf_Addr pltgot;
	int64_t got_shift;
	size_t i;
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		s = m->sets[k].sec;
		if (s != NULL && s->shdr.sh_entsize > 1 &&
		    s->new_size % s->shdr.sh_entsize != 0)
			return (padko_fail(err, EX_DATAERR, "%s: %s: sh_entsize "
			    "%ju does not divide its padded size %#jx", m->path,
			    s->name, (uintmax_t)s->shdr.sh_entsize,
			    (uintmax_t)s->new_size));
	}
	/* A segment may end at 4 GB (PT_GNU_STACK spans all of it): not past. */
	for (i = 0; i < m->nphdrs; i++) {
		p = &m->new_phdrs[i];
		if (p->p_vaddr + p->p_memsz > UINT32_MAX ||
		    p->p_paddr + p->p_memsz > UINT32_MAX ||
		    p->p_offset + p->p_filesz > UINT32_MAX)
			return (padko_fail(err, EX_DATAERR, "%s: program header "
			    "%zu (p_vaddr %#jx p_memsz %#jx) would reach past "
			    "4 GB once padded", m->path, i,
			    (uintmax_t)m->phdrs[i].p_vaddr,
			    (uintmax_t)m->phdrs[i].p_memsz));
	}
	for (i = 0; i < m->nalloc; i++) {
		s = m->alloc[i];
		if (section_shift(s) == 0)
			continue;
		if (s->shdr.sh_flags & SHF_EXECINSTR)
			return (padko_fail(err, EX_DATAERR,
			    "%s: executable section %s follows a linker set "
			    "and would move: its PC-relative references "
			    "cannot be fixed", m->path, s->name));
		if (m->ehdr.e_type == ET_EXEC)
			return (padko_fail(err, EX_DATAERR,
			    "%s: section %s would move, but an ET_EXEC file "
			    "keeps no relocations for its absolute addresses",
			    m->path, s->name));
	}
	got = find_got(m);
	pltgot = dynamic_pltgot(m);
	if (got == NULL && pltgot != 0)
		got = module_section_at(m, pltgot);
	if (got == NULL && pltgot == 0)
		return (0);
	got_shift = got != NULL ? section_shift(got) : 0;
	for (i = 0; i < m->nalloc; i++) {
		s = m->alloc[i];
		if (section_shift(s) == got_shift)
			continue;
		return (padko_fail(err, EX_DATAERR, "%s: the module has a GOT "
		    "(%s), and the padding would move %s relative to %s: "
		    "position-independent code reaches data GOT-relatively, "
		    "without relocations to fix", m->path,
		    got != NULL ? got->name : "DT_PLTGOT",
		    got_shift != 0 ? "the GOT" : s->name,
		    got_shift != 0 ? s->name : "it"));
	}
	return (0);
}

/* Fills in each set's report from the placed sections. */
static void
report_sets(struct module *m)
{
	struct padko_set_report *r;
	const struct section *s, *next;
	size_t i;
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		s = m->sets[k].sec;
		if (s == NULL)
			continue;
		r = &m->sets[k].report;
		r->new_start = s->new_addr;
		r->new_end = s->new_addr + s->new_size;
		if (r->state != PADKO_SET_PAD_IN_PLACE)
			continue;
		next = NULL;
		for (i = 0; i < m->nalloc; i++)
			if (m->alloc[i] == s && i + 1 < m->nalloc)
				next = m->alloc[i + 1];
		if (next != NULL && section_shift(next) != section_shift(s)) {
			r->state = PADKO_SET_PAD_MOVING;
			r->next_shift = (uint64_t)(section_shift(next) -
			    section_shift(s));
		}
	}
}

int
layout_plan(struct module *m, struct padko_error *err)
{
	struct section *s;
	size_t i;
	int k;

	for (i = 0; i < m->nsections; i++) {
		s = &m->sections[i];
		s->new_addr = s->shdr.sh_addr;
		s->new_offset = s->shdr.sh_offset;
		s->new_size = s->shdr.sh_size;
	}
	m->new_shoff = m->ehdr.e_shoff;
	m->new_phoff = m->ehdr.e_phoff;
	memcpy(m->new_phdrs, m->phdrs, m->nphdrs * sizeof(*m->phdrs));
	/* A table from an earlier plan (padko_plan() tries several) is stale. */
	free(m->shifts);
	m->shifts = NULL;
	m->nshifts = m->shift_hit[0] = m->shift_hit[1] = 0;
	m->changed = false;
	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		s = m->sets[k].sec;
		if (s == NULL)
			continue;
		m->sets[k].report.state = set_initial_state(m, s);
		if (m->sets[k].report.state == PADKO_SET_PAD_IN_PLACE)
			m->changed = true;
	}
	if (!m->changed)
		return (0);
	place_sections(m);
	place_segments(m);
	report_sets(m);
	if (check_plan(m, err) != 0 || place_file_tail(m, err) != 0 ||
	    tabulate_map(m, err) != 0)
		return (-1);
	return (0);
}

/* The set whose old end is addr and which grows, or NULL. */
const struct set_section *
layout_set_ending_at(const struct module *m, GElf_Addr addr)
{
	const struct set_section *set;
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		set = &m->sets[k];
		if (set->report.old_end == addr && set->sec != NULL &&
		    set->sec->new_size != set->sec->shdr.sh_size)
			return (set);
	}
	return (NULL);
}
