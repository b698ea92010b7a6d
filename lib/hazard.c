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
 * Hazards: the references that the kernel would relocate wrongly in a
 * module as it is, for `padko verify` and `padko analyze`.  The kernel
 * moves an R_386_RELATIVE value into a set's per-CPU/per-vnet area exactly
 * when it lies in [__start_set_X, __stop_set_X) (kernel-contract.md); the
 * reference is right when that happens exactly when its target is an
 * object of the set.  Targets come from the same classification that
 * padding uses (boundary.c), run on the module as given: one past a set's
 * last object (END), what follows (NEXT), a displaced value's target.
 * Above layout.c and boundary.c, which it runs; called by entry.c.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "module.h"

/* The exported set whose range in the module as given holds value, or -1. */
static int
set_moving(const struct module *m, GElf_Addr value)
{
	const struct set_section *set;
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		set = &m->sets[k];
		if (set->sec != NULL && set->report.has_symbols &&
		    value >= set->report.old_start &&
		    value < set->report.old_end)
			return (k);
	}
	return (-1);
}

/* The set whose object a decided reference reaches, or -1. */
static int
set_reached(struct module *m, const struct boundary_ref *ref)
{
	const struct section *next;

	switch (ref->report.meaning) {
	case PADKO_BOUNDARY_END:
		return ((int)ref->report.set);
	case PADKO_BOUNDARY_STOP:
		return (-1);
	case PADKO_BOUNDARY_NEXT:
		next = module_section_at(m, ref->report.old_value);
		return (next != NULL && next->shdr.sh_addr ==
		    ref->report.old_value ? next->set : -1);
	case PADKO_BOUNDARY_DISPLACED:
		return (ref->target != NULL ? ref->target->set : -1);
	}
	return (-1);
}

static int
add_hazard(struct module *m, const struct boundary_ref *ref, int set,
    const char *fmt, const char *a, const char *b, struct padko_error *err)
{
	struct hazard *h;

	if ((h = realloc(m->hazards, (m->nhazards + 1) * sizeof(*h))) == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	m->hazards = h;
	h = &m->hazards[m->nhazards++];
	memset(h, 0, sizeof(*h));
	h->report.set = (enum padko_set_kind)set;
	h->report.where = ref->report.where;
	h->report.value = ref->report.old_value;
	h->report.insn_addr = ref->report.insn_addr;
	h->report.insn = ref->insn;
	h->report.target_name = ref->target_name;
	snprintf(h->what, sizeof(h->what), fmt, a, b);
	return (0);
}

/* Checks one decided reference against what the kernel does with it. */
static int
check_ref(struct module *m, const struct boundary_ref *ref,
    enum padko_kernel kernel, struct padko_error *err)
{
	const char *name;
	int moved, reached;

	moved = set_moving(m, ref->report.old_value);
	reached = set_reached(m, ref);
	if (moved == reached)
		return (0);
	if (moved >= 0 && ref->report.meaning == PADKO_BOUNDARY_END)
		return (add_hazard(m, ref, moved, "one past the last object "
		    "of %s, where %s starts: the kernel moves it into the "
		    "wrong area", padko_set_name(ref->report.set),
		    padko_set_name((enum padko_set_kind)moved), err));
	if (moved >= 0)
		return (add_hazard(m, ref, moved, "the kernel moves it into "
		    "the %s area, but it reaches %s, which is not an object "
		    "of the set", padko_set_name((enum padko_set_kind)moved),
		    ref->target_name[0] != '\0' ? ref->target_name :
		    "what follows the set", err));
	name = padko_set_name((enum padko_set_kind)reached);
	if (ref->report.meaning == PADKO_BOUNDARY_END) {
		/* Current kernels refuse the unpadded set instead. */
		if (kernel != PADKO_KERNEL_LEGACY)
			return (0);
		return (add_hazard(m, ref, reached, "one past the last object "
		    "of %s, at the set's end: a legacy kernel loads the module "
		    "but leaves the value where it is, so the access lands "
		    "outside the %s area (the kldload carp panic)", name,
		    reached == PADKO_SET_VNET ? "per-vnet" : "per-CPU", err));
	}
	return (add_hazard(m, ref, reached, "it reaches an object of %s but "
	    "lies outside the set, so the kernel does not move it%s", name, "",
	    err));
}

/*
 * An undecided reference is a hazard where one of its readings is: at an
 * unpadded set's end, under a legacy kernel (one past the last object is
 * not moved); inside a set, under any kernel (what lies outside is).
 */
static int
check_undecided(struct module *m, const struct boundary_ref *ref,
    enum padko_kernel kernel, struct padko_error *err)
{
	int moved;

	moved = set_moving(m, ref->report.old_value);
	if (moved >= 0)
		return (add_hazard(m, ref, moved, "the evidence does not "
		    "decide what it reaches: if %s, the kernel moves it into "
		    "the %s area wrongly (padko analyze lists the options "
		    "that decide it)", ref->target_name[0] != '\0' ?
		    ref->target_name : "what follows the set",
		    padko_set_name((enum padko_set_kind)moved), err));
	if (kernel != PADKO_KERNEL_LEGACY ||
	    ref->report.meaning == PADKO_BOUNDARY_DISPLACED ||
	    ref->report.old_value != m->sets[ref->report.set].report.old_end)
		return (0);
	return (add_hazard(m, ref, ref->report.set, "the evidence does not "
	    "decide what it reaches: if one past the last object of %s, a "
	    "legacy kernel leaves it outside the %s area (padko analyze "
	    "lists the options that decide it)",
	    padko_set_name(ref->report.set), ref->report.set ==
	    PADKO_SET_VNET ? "per-vnet" : "per-CPU", err));
}

int
hazard_scan(struct module *m, enum padko_kernel kernel,
    struct padko_error *err)
{
	size_t i;
	bool guess;

	free(m->hazards);
	m->hazards = NULL;
	m->nhazards = 0;
	if (m->ehdr.e_type == ET_REL)
		return (0);
	if (layout_plan(m, err) != 0)
		return (-1);
	/* Undecided references are listed here, not refused. */
	guess = m->guess_undecided;
	m->guess_undecided = true;
	if (boundary_classify(m, err) != 0) {
		m->guess_undecided = guess;
		return (-1);
	}
	m->guess_undecided = guess;
	for (i = 0; i < m->nrefs; i++)
		if ((m->refs[i].report.decided ?
		    check_ref(m, &m->refs[i], kernel, err) :
		    check_undecided(m, &m->refs[i], kernel, err)) != 0)
			return (-1);
	/* The array has stopped moving: its texts can be pointed to. */
	for (i = 0; i < m->nhazards; i++)
		m->hazards[i].report.what = m->hazards[i].what;
	return (0);
}
