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
 * The same reading decides values that a compiler displaced from their
 * target (below: "Displaced references"), and one past the object before
 * a set, found at the set's start.  boundary_constrain() then checks the
 * planned layout against every decision: no value whose target lies
 * outside a set may fall inside it once padded.  So this stage sits above
 * layout.c and code.c, whose answers it reads, and below rewrite.c and
 * hazard.c, which read its decisions.
 *
 * This is the single place where these decisions are made; every such
 * site is recorded with its decision, target and evidence (the table that
 * rewriting, -v, analyze, verify and JSON read), and the rewriter asks
 * boundary_map_value() for the new value.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "layout.h"
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
	case PADKO_BOUNDARY_DISPLACED:
		return ("DISPLACED");
	}
	return ("?");
}

/* The non-empty allocated section that starts exactly at addr, or NULL. */
static const struct section *
section_starting_at(struct module *m, GElf_Addr addr)
{
	const struct section *s;

	s = module_section_at(m, addr);
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
	case PADKO_BOUNDARY_DISPLACED:
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

/*
 * Displaced references (kernel-contract.md, "An address is not its
 * target"): a compiler folds constant offsets into displacements, so a
 * value formed in code with an index (tab[i - 1] over 60-byte entries
 * gives tab-0x24(%ecx)) may lie outside the object it reaches: inside a
 * set, in .dynamic, in an alignment gap.  Where the bytes there move by
 * another amount than the object (the set grows by 4, an 8-aligned .bss
 * moves by 0 or 8), the value must move with its target, the first data
 * section above it: an index walks upward from a displacement below its
 * object, and code never addresses .dynamic, the hash tables or a gap as
 * data.  Inside a set, the access itself says whether its target is an
 * object of the set (a per-vnet or per-CPU base) or not (plain registers).
 */

/*
 * How far below the end of a set or data section a value is still taken
 * as possibly displaced from what follows; deeper inside, it is an object
 * of the section.  Folded displacements are an array element or a few
 * (tab[i - 1]); the bound keeps the instructions examined to those near
 * a section's end.
 */
#define	DISPLACEMENT_WINDOW	64

/* Whether code may address the section's bytes as data. */
static bool
is_data(const struct section *s)
{

	if (!(s->shdr.sh_flags & SHF_ALLOC) ||
	    (s->shdr.sh_flags & (SHF_EXECINSTR | SHF_TLS)))
		return (false);
	switch (s->shdr.sh_type) {
	case SHT_PROGBITS:
	case SHT_NOBITS:
	case SHT_INIT_ARRAY:
	case SHT_FINI_ARRAY:
	case SHT_PREINIT_ARRAY:
		return (true);
	}
	return (false);
}

/*
 * The first non-empty data section that starts at or above addr; with
 * plain, the first that is not a set (what a plain access can reach).
 */
static const struct section *
data_section_from(const struct module *m, GElf_Addr addr, bool plain)
{
	const struct section *s;
	size_t i;

	for (i = 0; i < m->nalloc; i++) {
		s = m->alloc[i];
		if (s->shdr.sh_size > 0 && s->shdr.sh_addr >= addr &&
		    is_data(s) && (!plain || s->set < 0))
			return (s);
	}
	return (NULL);
}

static int64_t
shift_of(const struct section *s)
{

	return ((int64_t)s->new_addr - (int64_t)s->shdr.sh_addr);
}

/* Whether addr lies between two allocated sections (an alignment gap). */
static bool
in_gap(struct module *m, GElf_Addr addr)
{

	return (m->nalloc > 0 && addr > m->alloc[0]->shdr.sh_addr &&
	    module_section_at(m, addr) == NULL);
}

/*
 * The bytes from addr to the end of the .symtab object of sec that holds
 * it, or, without one, to the end of sec.
 */
static GElf_Addr
object_room(const struct module *m, const struct section *sec, GElf_Addr addr)
{
	const Elf32_Sym *sym;
	GElf_Addr room, end;
	size_t i, n;

	room = sec->shdr.sh_addr + sec->shdr.sh_size - addr;
	if (m->symtab == NULL || m->symtab->data == NULL)
		return (room);
	sym = m->symtab->data->d_buf;
	n = m->symtab->data->d_size / sizeof(*sym);
	for (i = 1; i < n; i++) {
		end = (GElf_Addr)sym[i].st_value + sym[i].st_size;
		if (sym[i].st_shndx == sec->index &&
		    ELF32_ST_TYPE(sym[i].st_info) == STT_OBJECT &&
		    sym[i].st_value <= addr && end > addr && end - addr < room)
			room = end - addr;
	}
	return (room);
}

/*
 * Whether a value in code lies where a displaced reference is mapped
 * wrongly by the bytes around it: inside a set (then it may be an object
 * of the set, or displaced from what follows), or inside a section or gap
 * that code does not address as data, where what it may reach moves by
 * another amount.  Fills the seam when it does.
 */
static bool
displacement_seam(struct module *m, GElf_Addr where, GElf_Addr value,
    struct seam *sm)
{
	const struct section *site, *c;
	GElf_Addr mapped;

	/*
	 * Most values lie in code, or in data further than a displacement
	 * from the section's end: decided by the value alone.
	 */
	c = module_section_at(m, value);
	if (c != NULL && ((c->shdr.sh_flags & SHF_EXECINSTR) ||
	    (is_data(c) && c->shdr.sh_addr + c->shdr.sh_size - value >
	    DISPLACEMENT_WINDOW) || (!is_data(c) && value == c->shdr.sh_addr)))
		return (false);
	site = module_section_at(m, where);
	if (site == NULL || !(site->shdr.sh_flags & SHF_EXECINSTR))
		return (false);
	sm->holder = c;
	sm->room = 0;
	if (c != NULL && is_data(c)) {
		sm->above = data_section_from(m, c->shdr.sh_addr +
		    c->shdr.sh_size, false);
		sm->plain_above = data_section_from(m, c->shdr.sh_addr +
		    c->shdr.sh_size, true);
		if (c->set >= 0)
			return (sm->above != NULL);
		/*
		 * In data, only where what lies above moves by another
		 * amount, or a set lies between.
		 */
		if (sm->plain_above == NULL || (sm->above == sm->plain_above &&
		    shift_of(sm->plain_above) == shift_of(c)))
			return (false);
		sm->room = object_room(m, c, value);
		return (true);
	}
	if (c == NULL && !in_gap(m, value))
		return (false);
	sm->above = data_section_from(m, value + 1, false);
	sm->plain_above = data_section_from(m, value + 1, true);
	mapped = layout_map_addr(m, value);
	return ((sm->above != NULL &&
	    (GElf_Addr)((int64_t)value + shift_of(sm->above)) != mapped) ||
	    (sm->plain_above != NULL &&
	    (GElf_Addr)((int64_t)value + shift_of(sm->plain_above)) != mapped));
}

static enum code_access
set_access(int kind)
{

	return (kind == PADKO_SET_VNET ? CODE_ACCESS_VNET : CODE_ACCESS_PCPU);
}

/* The name of the object at the start of a section, or the section's. */
static void
name_target(const struct module *m, const struct section *t, GElf_Addr at,
    bool starts, struct boundary_ref *ref)
{
	const char *object;

	object = symtab_object(m, t, at, starts);
	snprintf(ref->target_name, sizeof(ref->target_name), "%s%.60s",
	    starts ? "" : "the end of ", object != NULL ? object : t->name);
	ref->report.target = at;
}

/* Sets a displaced reference's decision: with its target, or kept. */
static void
settle_displaced(struct module *m, struct boundary_ref *ref,
    bool with_target, bool decided)
{
	struct padko_boundary_report *r;

	r = &ref->report;
	r->decided = decided;
	if (with_target) {
		r->meaning = PADKO_BOUNDARY_DISPLACED;
		r->new_value = (GElf_Addr)((int64_t)r->old_value +
		    shift_of(ref->target));
	} else {
		r->meaning = PADKO_BOUNDARY_END;
		r->new_value = layout_map_addr(m, r->old_value);
	}
}

/* The set a report names for a reference outside every set. */
static enum padko_set_kind
some_set(const struct module *m)
{

	return (m->sets[PADKO_SET_VNET].sec != NULL ? PADKO_SET_VNET :
	    PADKO_SET_PCPU);
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
 * Records and decides a code site whose value may be displaced from its
 * target (displacement_seam()); sites the evidence shows to be objects of
 * the set that holds them are not recorded.
 */
/*
 * Settles a displaced reference, or one past the object before a set, as
 * an expert said (--assume-next: with its target; --assume-end: where it
 * lies), if one did.
 */
static bool
assumed_displaced(struct module *m, struct boundary_ref *ref, uint64_t where)
{
	struct assumption *a;

	if ((a = assumption_at(m, where)) == NULL)
		return (false);
	a->used = true;
	settle_displaced(m, ref, a->meaning != PADKO_BOUNDARY_END, true);
	snprintf(ref->evidence, sizeof(ref->evidence), "assumed on the "
	    "command line (--assume-%s)", a->meaning == PADKO_BOUNDARY_END ?
	    "end" : "next");
	return (true);
}

/*
 * What a value that may be displaced (displacement_seam()) reaches, from
 * the access that forms it: an object of the set or data section that
 * holds it (an access through that set's kind of base, or a plain
 * absolute address), or the first section above it that such an access
 * can address (a plain indexed access cannot address a set, and no access
 * addresses .dynamic or a gap), or undecided.  *target is the section it
 * would reach.
 */
enum displaced_decision
displaced_decide(const struct seam *sm, enum code_access access,
    bool indexed, int64_t stride, const struct section **target)
{
	const struct section *next;
	bool in_set, reaches;

	next = access == CODE_ACCESS_PLAIN && sm->plain_above != NULL ?
	    sm->plain_above : sm->above;
	*target = next;
	/*
	 * In data, a plain index whose step is larger than what is left of
	 * the object at the value leaves it at its first step: the object is
	 * above (tab[i - 1], i * 60, landing on a 4-byte variable).
	 */
	if (sm->holder != NULL && sm->holder->set < 0 && is_data(sm->holder))
		return (access == CODE_ACCESS_PLAIN && indexed && stride > 0 &&
		    (GElf_Addr)stride > sm->room ? DISPLACED_TARGET :
		    DISPLACED_OWN);
	in_set = sm->holder != NULL && sm->holder->set >= 0;
	reaches = indexed || access == CODE_ACCESS_VNET ||
	    access == CODE_ACCESS_PCPU;
	/*
	 * Inside a set, only a plain index (a number the code computed) or
	 * the other set's base can reach past the set's end; registers that
	 * cannot be traced at all (a call's result, an argument) hold a
	 * pointer or a base, and the value is what it addresses, as padko
	 * always took it.
	 */
	if (in_set && (access == set_access(sm->holder->set) || !reaches ||
	    access == CODE_ACCESS_UNDECIDED))
		return (DISPLACED_OWN);
	if (next != NULL && reaches && access == (next->set >= 0 ?
	    set_access(next->set) : CODE_ACCESS_PLAIN))
		return (DISPLACED_TARGET);
	return (DISPLACED_UNDECIDED);
}

/*
 * Records and decides a code site whose value may be displaced from its
 * target; sites the evidence shows to be objects of the set that holds
 * them are not recorded.
 */
static int
add_displaced(struct module *m, struct code_reader *code, uint64_t where,
    GElf_Addr value, const struct seam *sm, struct padko_error *err)
{
	const struct section *holder, *next;
	enum displaced_decision d;
	struct boundary_ref *ref;
	struct code_evidence ev;

	code_examine(code, where, &ev);
	if (!ev.decoded)
		return (0);
	holder = sm->holder;
	d = displaced_decide(sm, ev.access, ev.indexed, ev.stride, &next);
	if (d == DISPLACED_OWN || next == NULL)
		return (0);
	if ((ref = append_ref(&m->refs, &m->nrefs)) == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	ref->key = where;
	ref->report.set = holder != NULL && holder->set >= 0 ?
	    (enum padko_set_kind)holder->set : some_set(m);
	ref->report.site = PADKO_SITE_RELOC;
	ref->report.where = where;
	ref->report.old_value = value;
	ref->target = next;
	name_target(m, next, next->shdr.sh_addr, true, ref);
	snprintf(ref->insn, sizeof(ref->insn), "%s", ev.insn);
	ref->report.insn_addr = ev.insn_addr;
	if (assumed_displaced(m, ref, where))
		return (0);
	if (d == DISPLACED_TARGET) {
		settle_displaced(m, ref, true, true);
		snprintf(ref->evidence, sizeof(ref->evidence), "%.180s; the "
		    "value lies in %.30s, %s, so it is displaced from %.60s, "
		    "the first object above it", ev.why, holder != NULL ?
		    holder->name : "an alignment gap", holder == NULL ||
		    !is_data(holder) ? "which code does not address as data" :
		    holder->set >= 0 ? "which this access cannot address" :
		    "where the index's step leaves what holds it",
		    ref->target_name);
	} else {
		settle_displaced(m, ref, false, false);
		snprintf(ref->evidence, sizeof(ref->evidence), "%.200s; the "
		    "value lies in %.30s: an object there, or displaced from "
		    "%.60s above it", ev.why[0] != '\0' ? ev.why :
		    "no evidence", holder != NULL ? holder->name :
		    "an alignment gap", ref->target_name);
	}
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

	prev = module_section_ending_at(m, value);
	if (prev == NULL || prev == set->sec)
		return (0);
	code_examine(code, where, &ev);
	if (!(ev.indexed || ev.compared) || (ev.access != CODE_ACCESS_PLAIN &&
	    ev.access != CODE_ACCESS_UNDECIDED))
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
	/*
	 * And the decision: one past the object before the set (an index
	 * or a loop bound in plain registers), it moves with that object,
	 * and the set must not start there once padded
	 * (boundary_constrain()); with registers that cannot be traced, it
	 * may as well be the set's first object: undecided.
	 */
	if ((ref = append_ref(&m->refs, &m->nrefs)) == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	*ref = m->lints[m->nlints - 1];
	ref->target = prev;
	name_target(m, prev, value, false, ref);
	if (assumed_displaced(m, ref, where))
		return (0);
	if (ev.access == CODE_ACCESS_PLAIN) {
		settle_displaced(m, ref, true, true);
		snprintf(ref->evidence, sizeof(ref->evidence), "%.200s: "
		    "%.60s, before %s; it stays there, outside the set",
		    ev.why, ref->target_name,
		    padko_set_name(set->report.kind));
	} else {
		settle_displaced(m, ref, false, false);
		snprintf(ref->evidence, sizeof(ref->evidence), "%.200s: "
		    "%.60s, or the first object of %s", ev.why,
		    ref->target_name, padko_set_name(set->report.kind));
	}
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
	struct seam sm;

	end = layout_set_ending_at(m, value);
	start = end == NULL ? set_starting_at(m, value) : NULL;
	if (end == NULL && start == NULL &&
	    !displacement_seam(m, where, value, &sm))
		return (0);
	if (*code == NULL && (*code = code_reader_new(m, err)) == NULL)
		return (-1);
	if (end != NULL)
		return (add_ref(m, *code, end, PADKO_SITE_RELOC, where, value,
		    err));
	if (start != NULL)
		return (add_lint(m, *code, start, where, value, err));
	return (add_displaced(m, *code, where, value, &sm, err));
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
	struct reloc r;
	GElf_Addr where, value;
	size_t j, n;

	n = reloc_count(rs->shdr.sh_type, rs->data->d_size);
	for (j = 0; j < n; j++) {
		reloc_get(rs->data->d_buf, rs->shdr.sh_type, j, &r);
		if (!reloc_value_is_address(r.type, r.sym))
			continue;
		where = r.offset;
		if (rs->shdr.sh_type == SHT_RELA) {
			value = (uint32_t)r.addend;
		} else {
			target = module_section_at(m, where);
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

/* How many undecided sites the refusal lists; padko analyze lists all. */
#define	UNDECIDED_LISTED	4

/*
 * Refuses a module with sites the evidence did not decide, unless asked
 * to guess (NEXT): the message names each site, its instruction and the
 * options that decide it.
 */
static int
check_strict(const struct module *m, struct padko_error *err)
{
	const struct padko_boundary_report *r;
	char list[640], more[200], site[320];
	size_t i, len, count, listed;
	int n;

	len = listed = count = 0;
	list[0] = '\0';
	for (i = 0; i < m->nrefs; i++) {
		r = &m->refs[i].report;
		if (r->decided)
			continue;
		count++;
		if (m->guess_undecided || listed == UNDECIDED_LISTED)
			continue;
		n = snprintf(site, sizeof(site), "\n  relocation at %#jx: "
		    "%#jx (%s %s)", (uintmax_t)r->where,
		    (uintmax_t)r->old_value, r->meaning ==
		    PADKO_BOUNDARY_DISPLACED ? "near the end of" : "end of",
		    padko_set_name(r->set));
		if (r->insn != NULL && r->insn[0] != '\0')
			n += snprintf(site + n, sizeof(site) - (size_t)n,
			    ", in %#jx: %s", (uintmax_t)r->insn_addr, r->insn);
		n += snprintf(site + n, sizeof(site) - (size_t)n, "; decide "
		    "with --assume-end %#jx or --assume-next %#jx",
		    (uintmax_t)r->where, (uintmax_t)r->where);
		/* Whole sites only (each under 300 bytes); the rest counted. */
		if ((size_t)n >= sizeof(site) || len + (size_t)n >=
		    sizeof(list))
			continue;
		memcpy(list + len, site, (size_t)n + 1);
		len += (size_t)n;
		listed++;
	}
	if (count == 0 || m->guess_undecided)
		return (0);
	more[0] = '\0';
	if (count > listed)
		snprintf(more, sizeof(more), "\n  and %zu more: padko analyze "
		    "%s lists them all", count - listed, m->path);
	return (padko_fail(err, EX_DATAERR, "%s: %zu reference%s at a "
	    "set's end %s not decided by the evidence; refused, nothing "
	    "written:%s%s\n  (--guess-undecided keeps NEXT for %s, with a "
	    "warning)", m->path, count, count > 1 ? "s" : "",
	    count > 1 ? "are" : "is", list, more, count > 1 ? "them" : "it"));
}

int
boundary_classify(struct module *m, struct padko_error *err)
{
	struct code_reader *code;
	const struct section *rs;
	size_t i;
	int rc;

	/* Classified anew for each layout tried (padko_plan()). */
	free(m->refs);
	free(m->lints);
	m->refs = m->lints = NULL;
	m->nrefs = m->nlints = 0;
	for (i = 0; i < m->nassume; i++)
		m->assume[i].used = false;
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
	m->ref_values[0] = UINT64_MAX;
	m->ref_values[1] = 0;
	for (i = 0; i < m->nrefs; i++) {
		if (m->refs[i].report.old_value < m->ref_values[0])
			m->ref_values[0] = m->refs[i].report.old_value;
		if (m->refs[i].report.old_value > m->ref_values[1])
			m->ref_values[1] = m->refs[i].report.old_value;
		m->refs[i].report.evidence = m->refs[i].evidence;
		m->refs[i].report.insn = m->refs[i].insn;
		m->refs[i].report.target_name = m->refs[i].target_name;
	}
	for (i = 0; i < m->nlints; i++) {
		m->lints[i].report.evidence = m->lints[i].evidence;
		m->lints[i].report.insn = m->lints[i].insn;
		m->lints[i].report.target_name = m->lints[i].target_name;
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

/* The set whose new range holds addr, or NULL. */
static const struct set_section *
new_set_holding(const struct module *m, GElf_Addr addr)
{
	const struct set_section *set;
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		set = &m->sets[k];
		if (set->sec != NULL && set->sec->new_size > 0 &&
		    addr >= set->sec->new_addr &&
		    addr < set->sec->new_addr + set->sec->new_size)
			return (set);
	}
	return (NULL);
}

/* Records why a section is placed beyond the minimal layout. */
static int
add_note(struct module *m, struct section *s, GElf_Addr min_addr,
    const struct boundary_ref *ref, const struct set_section *set,
    struct padko_error *err)
{
	struct layout_note *n;
	size_t i;

	if (min_addr > s->min_addr)
		s->min_addr = min_addr;
	for (i = 0; i < m->nnotes; i++)
		if (m->notes[i].report.section == s->name)
			return (0);
	if ((n = realloc(m->notes, (m->nnotes + 1) * sizeof(*n))) == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	m->notes = n;
	n = &m->notes[m->nnotes++];
	memset(n, 0, sizeof(*n));
	n->sec = s;
	n->report.section = s->name;
	n->report.linker_addr = s->new_addr;
	n->report.where = ref->report.where;
	snprintf(n->reason, sizeof(n->reason), "the value %#jx at %#jx "
	    "reaches %.60s, outside %.30s, but the minimal layout puts it at "
	    "%#jx, "
	    "inside %.30s: the kernel would move it into the %s area",
	    (uintmax_t)ref->report.old_value, (uintmax_t)ref->report.where,
	    ref->target_name, set->sec->name, (uintmax_t)ref->report.new_value,
	    set->sec->name, padko_set_name(set->report.kind));
	return (0);
}

/*
 * Checks the planned layout against every decided reference whose target
 * lies outside the sets: the kernel moves a value into a set's area when
 * it falls inside the set's range, so none may.  Where one does, the
 * section that must give way gets a lower bound for its address (the next
 * plan places it there or beyond, at its alignment): the target, when it
 * lies above the set, or the set itself when the target lies below it.
 * *added counts the bounds raised; 0 means the layout is right.
 */
int
boundary_constrain(struct module *m, size_t *added, struct padko_error *err)
{
	const struct boundary_ref *ref;
	const struct set_section *set;
	struct section *give;
	GElf_Addr v, min_addr;
	size_t i;

	*added = 0;
	for (i = 0; i < m->nrefs; i++) {
		ref = &m->refs[i];
		if (ref->report.meaning != PADKO_BOUNDARY_DISPLACED ||
		    ref->target == NULL || ref->target->set >= 0)
			continue;
		v = ref->report.new_value;
		if ((set = new_set_holding(m, v)) == NULL)
			continue;
		if (ref->target->shdr.sh_addr >= set->sec->shdr.sh_addr) {
			give = &m->sections[ref->target->index];
			min_addr = give->new_addr + (set->sec->new_addr +
			    set->sec->new_size - v);
		} else {
			give = set->sec;
			min_addr = v + 1;
		}
		if (add_note(m, give, min_addr, ref, set, err) != 0)
			return (-1);
		(*added)++;
	}
	return (0);
}

/* Brings the notes up to date with the final plan. */
void
boundary_notes_final(struct module *m)
{
	size_t i;

	for (i = 0; i < m->nnotes; i++) {
		m->notes[i].report.reason = m->notes[i].reason;
		m->notes[i].report.new_addr = m->notes[i].sec->new_addr;
	}
}

/*
 * The new value of an address stored at a site: decided above when it is
 * a growing set's old end or a displaced value, else the address moves
 * with what holds it.
 */
GElf_Addr
boundary_map_value(struct module *m, enum padko_ref_site site,
    uint64_t where, GElf_Addr value)
{
	const struct boundary_ref *ref;
	struct boundary_ref key;

	if (m->nrefs > 0 && value >= m->ref_values[0] &&
	    value <= m->ref_values[1]) {
		key.key = where;
		ref = bsearch(&key, m->refs, m->nrefs, sizeof(*m->refs),
		    cmp_ref);
		if (ref != NULL && ref->report.site == site)
			return (ref->report.new_value);
	}
	return (layout_map_addr(m, value));
}
