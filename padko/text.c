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
 * The text report: what padko prints about a module in words, from the
 * library's reports (padko_set_report, padko_boundary_report, the
 * verdict, the hazards): the plan of -v/--explain and analyze, the
 * verdict of verify, the warnings for undecided references.  JSON is
 * json.c's: each format is whole in one file.
 */

#include <inttypes.h>
#include <stdio.h>

#include "command.h"
#include "text.h"

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
text_layout_notes(FILE *out, const char *path,
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
text_plan(FILE *out, const char *path, const struct padko_module *m,
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
	text_layout_notes(out, path, m);
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
text_undecided(FILE *err, const char *path, const struct padko_module *m,
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
text_verify(FILE *out, const char *path, enum padko_kernel kernel,
    const struct padko_verify_report *r)
{
	int k;

	if (!r->accepted)
		fprintf(out, "%s: refused by %s kernels: %s\n", path,
		    kernel_name(kernel), r->message);
	else
		fprintf(out, "%s: accepted by %s kernels\n", path,
		    kernel_name(kernel));
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
text_hazards(FILE *out, const char *path, const struct padko_module *m)
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

void
text_debug(FILE *out, const char *path, const char *debug,
    const struct padko_debug_report *r)
{

	if (r->matches) {
		fprintf(out, "%s: debug file %s matches (CRC %08x)\n", path,
		    debug, r->crc);
		return;
	}
	fprintf(out, "%s: debug file %s does not match: %s\n", path, debug,
	    r->first);
	fprintf(out, "%s:   %zu section(s) and %zu symbol(s) differ; CRC "
	    "%08x, ", path, r->sections, r->symbols, r->crc);
	if (r->has_link)
		fprintf(out, ".gnu_debuglink expects %08x (%s)\n", r->link_crc,
		    r->link_name);
	else
		fprintf(out, "no .gnu_debuglink\n");
}
