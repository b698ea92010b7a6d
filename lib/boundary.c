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
 * Deciding what a reference means when its value is exactly the old end
 * of a set that grows (kernel-contract.md): one past the set's last object
 * (END, stays in the set), __stop_set_X (STOP, follows the new end), or
 * the start of what follows (NEXT, moves with it).  Symbol-based
 * relocations never get here: their symbol says what they mean.
 *
 * This is the single place where that decision is made; every site with
 * such a value is recorded with its decision and evidence, and the
 * rewriter asks boundary_map_value() for the new value.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "module.h"

const char *
padko_meaning_name(enum padko_boundary_meaning meaning)
{

	switch (meaning) {
	case PADKO_BOUNDARY_END:
		return ("END");
	case PADKO_BOUNDARY_STOP:
		return ("STOP");
	case PADKO_BOUNDARY_NEXT:
		return ("NEXT");
	}
	return ("?");
}

/* The non-empty allocated section that starts exactly at addr, or NULL. */
static const struct section *
section_starting_at(const struct module *m, GElf_Addr addr)
{
	const struct section *s;

	s = model_section_at(m, addr);
	if (s != NULL && s->shdr.sh_addr == addr)
		return (s);
	return (NULL);
}

/* A named .symtab object or function of section sec that starts at addr. */
static const char *
symtab_object_at(const struct module *m, const struct section *sec,
    GElf_Addr addr)
{
	const Elf32_Sym *sym;
	const char *name;
	size_t i, n;
	int type;

	if (m->symtab == NULL || m->symtab->data == NULL || sec == NULL)
		return (NULL);
	sym = m->symtab->data->d_buf;
	n = m->symtab->data->d_size / sizeof(*sym);
	for (i = 1; i < n; i++) {
		type = ELF32_ST_TYPE(sym[i].st_info);
		if (sym[i].st_shndx != sec->index || sym[i].st_value != addr ||
		    (type != STT_OBJECT && type != STT_FUNC &&
		    type != STT_NOTYPE))
			continue;
		name = elf_strptr(m->elf, m->symtab->shdr.sh_link,
		    sym[i].st_name);
		if (name != NULL && name[0] != '\0')
			return (name);
	}
	return (NULL);
}

/* Decides one site and computes its new value. */
static void
decide(const struct module *m, const struct set_section *set,
    struct boundary_ref *ref)
{
	struct padko_boundary_report *r;
	const struct section *next;
	const char *object;
	char *why;
	size_t len;

	r = &ref->report;
	why = ref->evidence;
	len = sizeof(ref->evidence);
	next = section_starting_at(m, r->old_value);
	if (next == NULL) {
		r->meaning = PADKO_BOUNDARY_STOP;
		r->new_value = set->report.new_end;
		snprintf(why, len, "nothing starts there: the end of %s",
		    padko_set_name(set->report.kind));
	} else {
		r->meaning = PADKO_BOUNDARY_NEXT;
		r->new_value = next->new_addr;
		object = symtab_object_at(m, next, r->old_value);
		if (object != NULL)
			snprintf(why, len, "%s starts there in %s", object,
			    next->name);
		else
			snprintf(why, len, "start of %s; no evidence of an "
			    "end-of-set use (today's kernels read it so)",
			    next->name);
	}
}

/* Records a site whose value is the old end of a growing set. */
static int
add_ref(struct module *m, const struct set_section *set,
    enum padko_ref_site site, uint64_t where, GElf_Addr value,
    struct padko_error *err)
{
	struct boundary_ref *ref;

	if (m->nrefs % 64 == 0) {
		ref = realloc(m->refs, (m->nrefs + 64) * sizeof(*ref));
		if (ref == NULL)
			return (padko_fail(err, EX_OSERR, "%s: out of memory",
			    m->path));
		m->refs = ref;
	}
	ref = &m->refs[m->nrefs++];
	memset(ref, 0, sizeof(*ref));
	ref->key = where;
	ref->report.set = set->report.kind;
	ref->report.site = site;
	ref->report.where = where;
	ref->report.old_value = value;
	decide(m, set, ref);
	return (0);
}

/* Orders boundary references by site address for lookup. */
static int
cmp_ref(const void *a, const void *b)
{
	const struct boundary_ref *ra = a, *rb = b;

	return (ra->key < rb->key ? -1 : ra->key > rb->key);
}

int
boundary_classify(struct module *m, struct padko_error *err)
{
	const struct set_section *set;
	const struct section *rs, *target;
	const Elf32_Rel *rel;
	const Elf32_Rela *rela;
	GElf_Addr value;
	size_t i, j, n;
	unsigned type;

	for (i = 1; i < m->nsections; i++) {
		rs = &m->sections[i];
		if ((rs->shdr.sh_type != SHT_REL &&
		    rs->shdr.sh_type != SHT_RELA) ||
		    !(rs->shdr.sh_flags & SHF_ALLOC) || rs->data == NULL)
			continue;
		rel = rs->data->d_buf;
		rela = rs->data->d_buf;
		n = rs->data->d_size / (rs->shdr.sh_type == SHT_REL ?
		    sizeof(*rel) : sizeof(*rela));
		for (j = 0; j < n; j++) {
			if (rs->shdr.sh_type == SHT_REL) {
				type = ELF32_R_TYPE(rel[j].r_info);
				if (!reloc_value_is_address(type,
				    ELF32_R_SYM(rel[j].r_info)))
					continue;
				target = model_section_at(m, rel[j].r_offset);
				if (target == NULL || target->data == NULL)
					continue;
				value = le32_read((const unsigned char *)
				    target->data->d_buf + (rel[j].r_offset -
				    target->shdr.sh_addr));
				if ((set = layout_set_ending_at(m, value)) !=
				    NULL && add_ref(m, set, PADKO_SITE_RELOC,
				    rel[j].r_offset, value, err) != 0)
					return (-1);
			} else {
				type = ELF32_R_TYPE(rela[j].r_info);
				if (!reloc_value_is_address(type,
				    ELF32_R_SYM(rela[j].r_info)))
					continue;
				value = (uint32_t)rela[j].r_addend;
				if ((set = layout_set_ending_at(m, value)) !=
				    NULL && add_ref(m, set, PADKO_SITE_RELOC,
				    rela[j].r_offset, value, err) != 0)
					return (-1);
			}
		}
	}
	qsort(m->refs, m->nrefs, sizeof(*m->refs), cmp_ref);
	for (i = 0; i < m->nrefs; i++)
		m->refs[i].report.evidence = m->refs[i].evidence;
	return (0);
}

/*
 * The new value of an address stored at a site: decided above when it is
 * a growing set's old end, else the address moves with what holds it.
 */
GElf_Addr
boundary_map_value(const struct module *m, enum padko_ref_site site,
    uint64_t where, GElf_Addr value)
{
	const struct boundary_ref *ref;
	struct boundary_ref key;

	if (layout_set_ending_at(m, value) != NULL && m->nrefs > 0) {
		key.key = where;
		ref = bsearch(&key, m->refs, m->nrefs, sizeof(*m->refs),
		    cmp_ref);
		if (ref != NULL && ref->report.site == site)
			return (ref->report.new_value);
	}
	return (layout_map_addr(m, value));
}
