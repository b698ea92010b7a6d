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
 * Evidence, strongest first: an expert's --assume-end/--assume-next; the
 * instruction that holds the reference (code.c): an access through a
 * per-vnet or per-CPU base is END of the set of that kind, or the start of
 * the set of that kind that follows; a plain address is NEXT; then the
 * symbol tables.  END is only ever decided on positive evidence; where
 * nothing decides, the reference keeps the meaning today's kernels give it
 * (NEXT) and is marked undecided.
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

/*
 * A named .symtab symbol of section sec that starts at addr (starts) or
 * whose extent ends at addr (!starts), or NULL.
 */
static const char *
symtab_object(const struct module *m, const struct section *sec,
    GElf_Addr addr, bool starts)
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
		if (sym[i].st_shndx != sec->index ||
		    (type != STT_OBJECT && type != STT_FUNC &&
		    type != STT_NOTYPE))
			continue;
		if (starts ? sym[i].st_value != addr : sym[i].st_size == 0 ||
		    (GElf_Addr)sym[i].st_value + sym[i].st_size != addr)
			continue;
		name = elf_strptr(m->elf, m->symtab->shdr.sh_link,
		    sym[i].st_name);
		if (name != NULL && name[0] != '\0' &&
		    strncmp(name, "__stop_", 7) != 0)
			return (name);
	}
	return (NULL);
}

static const char *
access_name(enum code_access a)
{

	return (a == CODE_ACCESS_VNET ? "per-vnet" : "per-CPU");
}

/* Sets a decision: meaning, new value, whether evidence decided it. */
static void
settle(const struct set_section *set, const struct section *next,
    struct boundary_ref *ref, enum padko_boundary_meaning meaning,
    bool decided)
{
	struct padko_boundary_report *r;

	r = &ref->report;
	r->meaning = meaning;
	r->decided = decided;
	switch (meaning) {
	case PADKO_BOUNDARY_END:
		r->new_value = r->old_value + (set->sec->new_addr -
		    set->sec->shdr.sh_addr);
		break;
	case PADKO_BOUNDARY_STOP:
		r->new_value = set->report.new_end;
		break;
	case PADKO_BOUNDARY_NEXT:
		r->new_value = next != NULL ? next->new_addr :
		    set->report.new_end;
		if (next == NULL)
			r->meaning = PADKO_BOUNDARY_STOP;
		break;
	}
}

/* Decides a site from the instruction that holds it. */
static void
decide_from_code(const struct set_section *set, const struct section *next,
    const struct code_evidence *ev, struct boundary_ref *ref)
{
	enum padko_set_kind kind;

	snprintf(ref->insn, sizeof(ref->insn), "%s", ev->insn);
	ref->report.insn_addr = ev->insn_addr;
	switch (ev->access) {
	case CODE_ACCESS_VNET:
	case CODE_ACCESS_PCPU:
		kind = ev->access == CODE_ACCESS_VNET ? PADKO_SET_VNET :
		    PADKO_SET_PCPU;
		if (kind == set->report.kind) {
			settle(set, next, ref, PADKO_BOUNDARY_END, true);
			snprintf(ref->evidence, sizeof(ref->evidence),
			    "%s: one past the last object of %s", ev->why,
			    padko_set_name(kind));
		} else if (next != NULL && next->set == (int)kind) {
			settle(set, next, ref, PADKO_BOUNDARY_NEXT, true);
			snprintf(ref->evidence, sizeof(ref->evidence),
			    "%s: the first object of %s, which follows",
			    ev->why, next->name);
		} else {
			settle(set, next, ref, PADKO_BOUNDARY_NEXT, false);
			snprintf(ref->evidence, sizeof(ref->evidence),
			    "%s access at the end of %s, which is not a %s "
			    "set: %s", access_name(ev->access),
			    padko_set_name(set->report.kind),
			    access_name(ev->access), ev->why);
		}
		return;
	case CODE_ACCESS_PLAIN:
		settle(set, next, ref, PADKO_BOUNDARY_NEXT, true);
		snprintf(ref->evidence, sizeof(ref->evidence),
		    "not a per-vnet/per-CPU access: %s", ev->why);
		return;
	case CODE_ACCESS_UNDECIDED:
		settle(set, next, ref, PADKO_BOUNDARY_NEXT, false);
		snprintf(ref->evidence, sizeof(ref->evidence), "%s",
		    ev->why[0] != '\0' ? ev->why : "no evidence");
		return;
	}
}

/* Decides a data word (no instruction) from the symbol tables. */
static void
decide_from_symbols(const struct module *m, const struct set_section *set,
    const struct section *next, struct boundary_ref *ref)
{
	const char *object;

	if (next == NULL) {
		settle(set, next, ref, PADKO_BOUNDARY_STOP, true);
		snprintf(ref->evidence, sizeof(ref->evidence),
		    "a data word, and nothing starts there: the end of %s",
		    padko_set_name(set->report.kind));
		return;
	}
	settle(set, next, ref, PADKO_BOUNDARY_NEXT, true);
	object = symtab_object(m, next, ref->report.old_value, true);
	if (object != NULL)
		snprintf(ref->evidence, sizeof(ref->evidence),
		    "a data word, not an access: %s starts there in %s",
		    object, next->name);
	else
		snprintf(ref->evidence, sizeof(ref->evidence),
		    "a data word, not an access: the start of %s",
		    next->name);
}

/* An expert's decision for a site, or NULL. */
static struct assumption *
assumption_at(const struct module *m, uint64_t where)
{
	size_t i;

	for (i = 0; i < m->nassume; i++)
		if (m->assume[i].where == where)
			return (&m->assume[i]);
	return (NULL);
}

/* Appends a zeroed reference to an array; NULL when out of memory. */
static struct boundary_ref *
append_ref(struct boundary_ref **arr, size_t *n)
{
	struct boundary_ref *a;

	if (*n % 64 == 0) {
		a = realloc(*arr, (*n + 64) * sizeof(**arr));
		if (a == NULL)
			return (NULL);
		*arr = a;
	}
	a = &(*arr)[(*n)++];
	memset(a, 0, sizeof(*a));
	return (a);
}

/* Records and decides a site whose value is the old end of a growing set. */
static int
add_ref(struct module *m, struct code_reader *code,
    const struct set_section *set, enum padko_ref_site site, uint64_t where,
    GElf_Addr value, struct padko_error *err)
{
	struct boundary_ref *ref;
	struct assumption *a;
	struct code_evidence ev;
	const struct section *next;

	if ((ref = append_ref(&m->refs, &m->nrefs)) == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	ref->key = where;
	ref->report.set = set->report.kind;
	ref->report.site = site;
	ref->report.where = where;
	ref->report.old_value = value;
	next = section_starting_at(m, value);
	code_examine(code, where, &ev);
	if (ev.decoded) {
		snprintf(ref->insn, sizeof(ref->insn), "%s", ev.insn);
		ref->report.insn_addr = ev.insn_addr;
	}
	if ((a = assumption_at(m, where)) != NULL) {
		a->used = true;
		settle(set, next, ref, a->meaning, true);
		snprintf(ref->evidence, sizeof(ref->evidence),
		    "assumed on the command line (--assume-%s)",
		    a->meaning == PADKO_BOUNDARY_END ? "end" : "next");
	} else if (ev.in_code)
		decide_from_code(set, next, &ev, ref);
	else
		decide_from_symbols(m, set, next, ref);
	return (0);
}

/*
 * Lint for a reference at a set's start: an address formed in code from
 * plain (not %fs-loaded) registers, i.e. an array walked by index, whose
 * constant is the set's start is most likely one past the end of the object
 * before the set, and the kernel would move it into the per-vnet/per-CPU
 * area.  Reported, not changed.  (A data word there is the normal pointer to
 * the set's first object and is not flagged.)
 */
static int
add_lint(struct module *m, struct code_reader *code,
    const struct set_section *set, uint64_t where, GElf_Addr value,
    struct padko_error *err)
{
	const struct section *prev;
	struct code_evidence ev;
	struct boundary_ref *ref;
	const char *object;

	prev = model_section_ending_at(m, value);
	if (prev == NULL || prev == set->sec)
		return (0);
	code_examine(code, where, &ev);
	if (!ev.indexed || ev.access != CODE_ACCESS_PLAIN)
		return (0);
	object = symtab_object(m, prev, value, false);
	if ((ref = append_ref(&m->lints, &m->nlints)) == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	ref->key = where;
	ref->report.set = set->report.kind;
	ref->report.site = PADKO_SITE_RELOC;
	ref->report.where = where;
	ref->report.old_value = ref->report.new_value = value;
	ref->report.meaning = PADKO_BOUNDARY_NEXT;
	ref->report.decided = 1;
	snprintf(ref->evidence, sizeof(ref->evidence), "%s; if it means the "
	    "end of %s, the kernel moves it into the %s area", ev.why,
	    object != NULL ? object : prev->name,
	    padko_set_name(set->report.kind));
	snprintf(ref->insn, sizeof(ref->insn), "%s", ev.insn);
	ref->report.insn_addr = ev.insn_addr;
	return (0);
}

/* The set whose (old) start is addr, or NULL. */
static const struct set_section *
set_starting_at(const struct module *m, GElf_Addr addr)
{
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++)
		if (m->sets[k].sec != NULL && m->sets[k].sec->shdr.sh_size > 0 &&
		    m->sets[k].report.old_start == addr)
			return (&m->sets[k]);
	return (NULL);
}

/*
 * Examines one address-valued relocation.  The instruction decoder is set
 * up for the first site that needs it: most modules have none.
 */
static int
examine_site(struct module *m, struct code_reader **code, uint64_t where,
    GElf_Addr value, struct padko_error *err)
{
	const struct set_section *end, *start;

	end = layout_set_ending_at(m, value);
	start = end == NULL ? set_starting_at(m, value) : NULL;
	if (end == NULL && start == NULL)
		return (0);
	if (*code == NULL && (*code = code_reader_new(m, err)) == NULL)
		return (-1);
	if (end != NULL)
		return (add_ref(m, *code, end, PADKO_SITE_RELOC, where, value,
		    err));
	return (add_lint(m, *code, start, where, value, err));
}

/* Orders boundary references by site address for lookup. */
static int
cmp_ref(const void *a, const void *b)
{
	const struct boundary_ref *ra = a, *rb = b;

	return (ra->key < rb->key ? -1 : ra->key > rb->key);
}

/* Examines every address-valued dynamic relocation of one section. */
static int
examine_relocations(struct module *m, struct code_reader **code,
    const struct section *rs, struct padko_error *err)
{
	const struct section *target;
	const Elf32_Rel *rel;
	const Elf32_Rela *rela;
	GElf_Addr where, value;
	size_t j, n;
	unsigned info;

	rel = rs->data->d_buf;
	rela = rs->data->d_buf;
	n = rs->data->d_size / (rs->shdr.sh_type == SHT_REL ? sizeof(*rel) :
	    sizeof(*rela));
	for (j = 0; j < n; j++) {
		info = rs->shdr.sh_type == SHT_REL ? rel[j].r_info :
		    rela[j].r_info;
		if (!reloc_value_is_address(ELF32_R_TYPE(info),
		    ELF32_R_SYM(info)))
			continue;
		if (rs->shdr.sh_type == SHT_RELA) {
			where = rela[j].r_offset;
			value = (uint32_t)rela[j].r_addend;
		} else {
			where = rel[j].r_offset;
			target = model_section_at(m, where);
			if (target == NULL || target->data == NULL ||
			    where - target->shdr.sh_addr + 4 >
			    target->shdr.sh_size)
				continue;
			value = le32_read((const unsigned char *)
			    target->data->d_buf + (where -
			    target->shdr.sh_addr));
		}
		if (examine_site(m, code, where, value, err) != 0)
			return (-1);
	}
	return (0);
}

/* Fails, listing them, when --strict and some sites were not decided. */
static int
check_strict(const struct module *m, struct padko_error *err)
{
	char list[600];
	size_t i, len, count;

	len = 0;
	count = 0;
	list[0] = '\0';
	for (i = 0; i < m->nrefs; i++) {
		if (m->refs[i].report.decided)
			continue;
		if (count++ < 8 && len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
			    "%s%#jx", count > 1 ? ", " : "",
			    (uintmax_t)m->refs[i].report.where);
	}
	if (count == 0 || !m->strict)
		return (0);
	return (padko_fail(err, EX_DATAERR, "%s: --strict: %zu reference%s "
	    "at a set's old end could not be decided from evidence (at %s%s); "
	    "decide with --assume-end or --assume-next", m->path, count,
	    count > 1 ? "s" : "", list, count > 8 ? ", ..." : ""));
}

int
boundary_classify(struct module *m, struct padko_error *err)
{
	struct code_reader *code;
	const struct section *rs;
	size_t i;
	int rc;

	code = NULL;
	rc = 0;
	for (i = 1; rc == 0 && i < m->nsections; i++) {
		rs = &m->sections[i];
		if ((rs->shdr.sh_type == SHT_REL ||
		    rs->shdr.sh_type == SHT_RELA) &&
		    (rs->shdr.sh_flags & SHF_ALLOC) && rs->data != NULL)
			rc = examine_relocations(m, &code, rs, err);
	}
	code_reader_free(code);
	if (rc != 0)
		return (-1);
	if (m->nrefs > 0)
		qsort(m->refs, m->nrefs, sizeof(*m->refs), cmp_ref);
	for (i = 0; i < m->nrefs; i++) {
		m->refs[i].report.evidence = m->refs[i].evidence;
		m->refs[i].report.insn = m->refs[i].insn;
	}
	for (i = 0; i < m->nlints; i++) {
		m->lints[i].report.evidence = m->lints[i].evidence;
		m->lints[i].report.insn = m->lints[i].insn;
	}
	for (i = 0; i < m->nassume; i++)
		if (!m->assume[i].used)
			return (padko_fail(err, EX_USAGE, "%s: no reference at "
			    "a set's old end is at %#jx (from --assume-%s)",
			    m->path, (uintmax_t)m->assume[i].where,
			    m->assume[i].meaning == PADKO_BOUNDARY_END ?
			    "end" : "next"));
	return (check_strict(m, err));
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
