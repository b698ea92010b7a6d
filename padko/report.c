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

#include <inttypes.h>
#include <stdio.h>

#include "report.h"

static const char *
state_text(enum padko_set_state state)
{

	switch (state) {
	case PADKO_SET_ABSENT:
		return ("absent");
	case PADKO_SET_EMPTY:
		return ("empty, nothing to pad");
	case PADKO_SET_PADDED:
		return ("already padded");
	case PADKO_SET_PAD_IN_PLACE:
		return ("padded in place (alignment slack)");
	case PADKO_SET_PAD_MOVING:
		return ("padded; what follows moved");
	}
	return ("?");
}

/* The stable name of a set state in JSON. */
const char *
report_state_name(enum padko_set_state state)
{

	switch (state) {
	case PADKO_SET_ABSENT:
		return ("absent");
	case PADKO_SET_EMPTY:
		return ("empty");
	case PADKO_SET_PADDED:
		return ("already-padded");
	case PADKO_SET_PAD_IN_PLACE:
		return ("pad-in-place");
	case PADKO_SET_PAD_MOVING:
		return ("pad-moving");
	}
	return ("?");
}

const char *
report_kernel_name(enum padko_kernel kernel)
{

	return (kernel == PADKO_KERNEL_CURRENT ? "current" : "legacy");
}

static const char *
site_text(enum padko_ref_site site)
{

	return (site == PADKO_SITE_RELOC ? "relocation" : "dynamic");
}

static void
print_insn(FILE *out, const char *path, const struct padko_boundary_report *b)
{

	if (b->insn != NULL && b->insn[0] != '\0')
		fprintf(out, "%s:     %#" PRIx64 ": %s\n", path, b->insn_addr,
		    b->insn);
}

/* Sections placed further than the linker would have placed them. */
static void
report_layout_notes(FILE *out, const char *path,
    const struct padko_module *m)
{
	const struct padko_layout_note *n;
	size_t i;

	for (i = 0; i < padko_layout_note_count(m); i++) {
		n = padko_layout_note(m, i);
		fprintf(out, "%s: layout: %s placed at %#" PRIx64 ", not at %#"
		    PRIx64 " as the linker would: %s\n", path, n->section,
		    n->new_addr, n->linker_addr, n->reason);
	}
}

void
report_plan(FILE *out, const char *path, const struct padko_module *m,
    int lint)
{
	const struct padko_set_report *r;
	const struct padko_boundary_report *b;
	size_t i;
	int k;

	if (padko_is_relocatable(m))
		fprintf(out, "%s: ET_REL module (the amd64 format): needs no "
		    "padding\n", path);
	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		r = padko_set_report(m, (enum padko_set_kind)k);
		if (r->state == PADKO_SET_ABSENT)
			continue;
		fprintf(out, "%s: %s [%#" PRIx64 ", %#" PRIx64 ") -> [%#"
		    PRIx64 ", %#" PRIx64 "): %s", path,
		    padko_set_name((enum padko_set_kind)k), r->old_start,
		    r->old_end, r->new_start, r->new_end,
		    state_text(r->state));
		if (r->state == PADKO_SET_PAD_MOVING)
			fprintf(out, " by %#" PRIx64, r->next_shift);
		if (!r->has_symbols)
			fprintf(out, " (no exported __start/__stop symbols: "
			    "the kernel will not see this set)");
		fprintf(out, "\n");
	}
	for (i = 0; i < padko_boundary_count(m); i++) {
		b = padko_boundary(m, i);
		fprintf(out, "%s: %s at %#" PRIx64 ": %#" PRIx64, path,
		    site_text(b->site), b->where, b->old_value);
		if (b->target_name != NULL && b->target_name[0] != '\0' &&
		    b->old_value == b->target)
			fprintf(out, " (%s)", b->target_name);
		else if (b->target_name != NULL && b->target_name[0] != '\0')
			fprintf(out, " (%s%+" PRId64 ")", b->target_name,
			    (int64_t)(b->old_value - b->target));
		else
			fprintf(out, " (end of %s)", padko_set_name(b->set));
		fprintf(out, " -> %#" PRIx64 ": %s%s, %s\n", b->new_value,
		    padko_meaning_name(b->meaning),
		    b->decided ? "" : " (undecided)", b->evidence);
		print_insn(out, path, b);
	}
	report_layout_notes(out, path, m);
	for (i = 0; lint && i < padko_lint_count(m); i++) {
		b = padko_lint(m, i);
		fprintf(out, "%s: lint: relocation at %#" PRIx64 ": %#" PRIx64
		    " is the start of %s and may mean one past the object "
		    "before it: %s\n", path, b->where, b->old_value,
		    padko_set_name(b->set), b->evidence);
		print_insn(out, path, b);
	}
}

void
report_undecided(FILE *err, const char *path, const struct padko_module *m,
    int padded)
{
	const struct padko_boundary_report *b;
	size_t i;

	for (i = 0; i < padko_boundary_count(m); i++) {
		b = padko_boundary(m, i);
		if (b->decided)
			continue;
		fprintf(err, "padko: %s: warning: relocation at %#" PRIx64
		    " holds %#" PRIx64 ", the old end of %s, and the evidence "
		    "does not decide what it means (%s); %s %s. Decide with "
		    "--assume-end %#" PRIx64 " or --assume-next %#" PRIx64
		    "\n", path, b->where, b->old_value, padko_set_name(b->set),
		    b->evidence, padded ? "kept" : "padding refuses the module "
		    "unless --guess-undecided keeps",
		    padko_meaning_name(b->meaning), b->where, b->where);
	}
}

void
report_verify(FILE *out, const char *path, enum padko_kernel kernel,
    const struct padko_verify_report *r)
{
	int k;

	if (!r->accepted)
		fprintf(out, "%s: refused by %s kernels: %s\n", path,
		    report_kernel_name(kernel), r->message);
	else
		fprintf(out, "%s: accepted by %s kernels\n", path,
		    report_kernel_name(kernel));
	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		if (!r->sets[k].present) {
			fprintf(out, "%s:   %s: absent\n", path,
			    padko_set_name((enum padko_set_kind)k));
			continue;
		}
		fprintf(out, "%s:   %s [%#" PRIx64 ", %#" PRIx64 "): ", path,
		    padko_set_name((enum padko_set_kind)k), r->sets[k].start,
		    r->sets[k].stop);
		if (r->sets[k].stop - r->sets[k].start >= 4)
			fprintf(out, "last word 0x%08x%s", r->sets[k].last_word,
			    r->sets[k].last_word == PADKO_PAD_WORD ?
			    " (padding)" : " (no padding)");
		else
			fprintf(out, "%s", r->sets[k].stop ==
			    r->sets[k].start ? "empty" :
			    "shorter than the padding");
		fprintf(out, "%s\n", r->sets[k].relocated ? ", copied to its "
		    "own area" : "");
	}
	if (r->accepted)
		fprintf(out, "%s:   R_386_RELATIVE: %zu moved into "
		    "per-CPU/per-vnet areas, %zu left at a set's end\n", path,
		    r->relative_moved, r->relative_at_end);
}

void
report_hazards(FILE *out, const char *path, const struct padko_module *m)
{
	const struct padko_hazard *h;
	size_t i;

	for (i = 0; m != NULL && i < padko_hazard_count(m); i++) {
		h = padko_hazard(m, i);
		fprintf(out, "%s: hazard: relocation at %#" PRIx64 ": %#" PRIx64
		    ": %s\n", path, h->where, h->value, h->what);
		if (h->insn != NULL && h->insn[0] != '\0')
			fprintf(out, "%s:     %#" PRIx64 ": %s\n", path,
			    h->insn_addr, h->insn);
	}
}

static void
json_range(struct json *j, const char *key, uint64_t start, uint64_t end)
{

	json_key(j, key);
	json_begin_object(j);
	json_kuint(j, "start", start);
	json_kuint(j, "end", end);
	json_end_object(j);
}

static void
json_refs(struct json *j, const char *key, const struct padko_module *m,
    size_t n, const struct padko_boundary_report *(*get)(
    const struct padko_module *, size_t))
{
	const struct padko_boundary_report *b;
	size_t i;

	json_key(j, key);
	json_begin_array(j);
	for (i = 0; i < n; i++) {
		b = get(m, i);
		json_begin_object(j);
		json_kstring(j, "set", padko_set_name(b->set));
		json_kuint(j, "r_offset", b->where);
		json_kuint(j, "value", b->old_value);
		json_kuint(j, "new_value", b->new_value);
		json_kstring(j, "meaning", padko_meaning_name(b->meaning));
		json_kbool(j, "decided", b->decided);
		json_kstring(j, "evidence", b->evidence);
		if (b->insn != NULL && b->insn[0] != '\0') {
			json_kuint(j, "insn_address", b->insn_addr);
			json_kstring(j, "insn", b->insn);
		}
		if (b->target_name != NULL && b->target_name[0] != '\0') {
			json_kuint(j, "target", b->target);
			json_kstring(j, "target_name", b->target_name);
		}
		json_end_object(j);
	}
	json_end_array(j);
}

static void
json_layout_notes(struct json *j, const struct padko_module *m)
{
	const struct padko_layout_note *n;
	size_t i;

	json_key(j, "layout");
	json_begin_array(j);
	for (i = 0; i < padko_layout_note_count(m); i++) {
		n = padko_layout_note(m, i);
		json_begin_object(j);
		json_kstring(j, "section", n->section);
		json_kuint(j, "linker_address", n->linker_addr);
		json_kuint(j, "address", n->new_addr);
		json_kuint(j, "r_offset", n->where);
		json_kstring(j, "reason", n->reason);
		json_end_object(j);
	}
	json_end_array(j);
}

void
json_plan(struct json *j, const struct padko_module *m, int lint)
{
	const struct padko_set_report *r;
	int k;

	json_kbool(j, "relocatable", padko_is_relocatable(m));
	json_key(j, "sets");
	json_begin_array(j);
	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		r = padko_set_report(m, (enum padko_set_kind)k);
		if (r->state == PADKO_SET_ABSENT)
			continue;
		json_begin_object(j);
		json_kstring(j, "name", padko_set_name(r->kind));
		json_kstring(j, "state", report_state_name(r->state));
		json_range(j, "old", r->old_start, r->old_end);
		json_range(j, "new", r->new_start, r->new_end);
		json_kuint(j, "following_shift", r->next_shift);
		json_kbool(j, "exported", r->has_symbols);
		json_end_object(j);
	}
	json_end_array(j);
	json_refs(j, "boundary", m, padko_boundary_count(m), padko_boundary);
	json_layout_notes(j, m);
	if (lint)
		json_refs(j, "lint", m, padko_lint_count(m), padko_lint);
}

void
json_hazards(struct json *j, const struct padko_module *m)
{
	const struct padko_hazard *h;
	size_t i;

	json_key(j, "hazards");
	json_begin_array(j);
	for (i = 0; m != NULL && i < padko_hazard_count(m); i++) {
		h = padko_hazard(m, i);
		json_begin_object(j);
		json_kstring(j, "set", padko_set_name(h->set));
		json_kuint(j, "r_offset", h->where);
		json_kuint(j, "value", h->value);
		if (h->insn != NULL && h->insn[0] != '\0') {
			json_kuint(j, "insn_address", h->insn_addr);
			json_kstring(j, "insn", h->insn);
		}
		json_kstring(j, "target_name", h->target_name);
		json_kstring(j, "what", h->what);
		json_end_object(j);
	}
	json_end_array(j);
}

void
json_verify(struct json *j, enum padko_kernel kernel,
    const struct padko_verify_report *r)
{
	int k;

	json_kstring(j, "kernel", report_kernel_name(kernel));
	json_kbool(j, "accepted", r->accepted);
	json_kstring(j, "message", r->message);
	json_key(j, "sets");
	json_begin_array(j);
	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		if (!r->sets[k].present)
			continue;
		json_begin_object(j);
		json_kstring(j, "name", padko_set_name((enum padko_set_kind)k));
		json_range(j, "range", r->sets[k].start, r->sets[k].stop);
		json_kuint(j, "last_word", r->sets[k].last_word);
		json_kbool(j, "relocated", r->sets[k].relocated);
		json_end_object(j);
	}
	json_end_array(j);
	json_kuint(j, "relative_moved", r->relative_moved);
	json_kuint(j, "relative_at_end", r->relative_at_end);
}
