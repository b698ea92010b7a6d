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
 * The library's entry points, those of padko.h that run the stages on a
 * module: open (read.c), plan (layout.c and boundary.c, in rounds until
 * no reference falls inside a set it does not belong to), apply
 * (rewrite.c), scan for hazards (hazard.c), write (output.c), and the
 * accessors of the reports.  The top of the library: it calls every
 * stage, and no stage calls it.  (padko verify's entry points are in
 * verify.c, padko_set_name() in diag.c, padko_meaning_name() in
 * boundary.c: each with what it needs.)
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "debuginfo.h"
#include "debugwrite.h"
#include "module.h"

struct padko_module {
	struct module		 m;
	struct debug_attach	*debug;		/* padko_attach_debug() */
	struct stat		 debug_like;	/* the input debug file's */
};

const char *
padko_version(void)
{

	return (PADKO_VERSION);
}

int
padko_init(struct padko_error *err)
{

	if (elf_version(EV_CURRENT) == EV_NONE)
		return (padko_fail(err, EX_SOFTWARE, "libelf: %s",
		    elf_errmsg(-1)));
	return (0);
}

/* Takes ownership of the file image and reads it as a module. */
static int
open_image(const char *name, struct file_image *img,
    struct padko_module **mp, struct padko_error *err)
{
	struct padko_module *pm;

	*mp = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		file_image_release(img);
		return (padko_fail(err, EX_SOFTWARE, "libelf: %s",
		    elf_errmsg(-1)));
	}
	if ((pm = calloc(1, sizeof(*pm))) == NULL ||
	    (pm->m.path = strdup(name)) == NULL) {
		free(pm);
		file_image_release(img);
		return (padko_fail(err, EX_OSERR, "%s: out of memory", name));
	}
	pm->m.file = *img;
	/* Undecided sites refuse the module unless the caller asks to guess. */
	pm->m.guess_undecided = false;
	if (module_read(&pm->m, err) != 0) {
		padko_close(pm);
		return (-1);
	}
	*mp = pm;
	return (0);
}

int
padko_open(const char *path, struct padko_module **mp,
    struct padko_error *err)
{
	struct file_image img;

	*mp = NULL;
	if (file_image_open(path, &img, err) != 0)
		return (-1);
	return (open_image(path, &img, mp, err));
}

int
padko_open_memory(const char *name, const void *image, size_t size,
    struct padko_module **mp, struct padko_error *err)
{
	struct file_image img;

	*mp = NULL;
	if ((img.bytes = malloc(size > 0 ? size : 1)) == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory", name));
	memcpy(img.bytes, image, size);
	img.size = size;
	img.mapped = false;
	return (open_image(name, &img, mp, err));
}

int
padko_assume(struct padko_module *pm, uint64_t where,
    enum padko_boundary_meaning meaning, struct padko_error *err)
{
	struct module *m;
	struct assumption *a;

	m = &pm->m;
	if (meaning == PADKO_BOUNDARY_STOP)
		return (padko_fail(err, EX_USAGE, "%s: only END or NEXT can "
		    "be assumed", m->path));
	a = realloc(m->assume, (m->nassume + 1) * sizeof(*a));
	if (a == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	m->assume = a;
	a[m->nassume].where = where;
	a[m->nassume].meaning = meaning;
	a[m->nassume].used = false;
	m->nassume++;
	return (0);
}

void
padko_set_pcpu_dynamic(struct padko_module *pm, uint32_t offset)
{

	pm->m.pcpu_dynamic = offset;
}

void
padko_set_guess_undecided(struct padko_module *pm, int guess)
{

	pm->m.guess_undecided = guess != 0;
}

void
padko_set_strict(struct padko_module *pm, int strict)
{

	pm->m.guess_undecided = strict == 0;
}

/*
 * How many layouts are tried: each one can only move sections further, and
 * each further move is demanded by a reference that the one before placed
 * inside a set.
 */
#define	MAX_LAYOUTS	8

/*
 * Plans the minimal layout, classifies every reference against it, and
 * places sections further wherever a reference would then fall inside a
 * set that its target is not part of, until none does.
 */
static int
plan_layout(struct module *m, struct padko_error *err)
{
	size_t added, round;

	for (round = 0; round < MAX_LAYOUTS; round++) {
		if (layout_plan(m, err) != 0)
			return (-1);
		if (!m->changed)
			return (0);
		if (boundary_classify(m, err) != 0 ||
		    boundary_constrain(m, &added, err) != 0)
			return (-1);
		if (added == 0) {
			boundary_notes_final(m);
			return (0);
		}
	}
	return (padko_fail(err, EX_DATAERR, "%s: no layout found in %d tries "
	    "where no reference falls inside a set it does not belong to",
	    m->path, MAX_LAYOUTS));
}

int
padko_plan_layout(struct padko_module *pm, struct padko_error *err)
{
	struct module *m;

	m = &pm->m;
	if (m->planned)
		return (0);
	if (m->ehdr.e_type != ET_REL && plan_layout(m, err) != 0)
		return (-1);
	m->planned = true;
	return (0);
}

int
padko_apply(struct padko_module *pm, struct padko_error *err)
{
	struct module *m;

	m = &pm->m;
	if (m->applied)
		return (0);
	if (!m->planned)
		return (padko_fail(err, EX_SOFTWARE,
		    "%s: padko_apply before padko_plan_layout", m->path));
	if (m->changed && rewrite_module(m, err) != 0)
		return (-1);
	m->applied = true;
	return (0);
}

int
padko_plan(struct padko_module *pm, struct padko_error *err)
{

	if (padko_plan_layout(pm, err) != 0)
		return (-1);
	return (padko_apply(pm, err));
}

int
padko_needs_padding(struct padko_module *pm, int *needs,
    struct padko_error *err)
{
	struct module *m;

	m = &pm->m;
	*needs = 0;
	if (m->ehdr.e_type == ET_REL)
		return (0);
	if (!m->planned && layout_plan(m, err) != 0)
		return (-1);
	*needs = m->changed;
	return (0);
}

int
padko_changed(const struct padko_module *pm)
{

	return (pm->m.changed);
}

int
padko_is_relocatable(const struct padko_module *pm)
{

	return (pm->m.ehdr.e_type == ET_REL);
}

const struct padko_set_report *
padko_set_report(const struct padko_module *pm, enum padko_set_kind kind)
{

	return (&pm->m.sets[kind].report);
}

size_t
padko_boundary_count(const struct padko_module *pm)
{

	return (pm->m.nrefs);
}

const struct padko_boundary_report *
padko_boundary(const struct padko_module *pm, size_t i)
{

	return (i < pm->m.nrefs ? &pm->m.refs[i].report : NULL);
}

int
padko_scan_hazards(struct padko_module *pm, enum padko_kernel kernel,
    struct padko_error *err)
{

	if (pm->m.planned)
		return (padko_fail(err, EX_SOFTWARE, "%s: padko_scan_hazards "
		    "after padko_plan", pm->m.path));
	return (hazard_scan(&pm->m, kernel, err));
}

size_t
padko_hazard_count(const struct padko_module *pm)
{

	return (pm->m.nhazards);
}

const struct padko_hazard *
padko_hazard(const struct padko_module *pm, size_t i)
{

	return (i < pm->m.nhazards ? &pm->m.hazards[i].report : NULL);
}

size_t
padko_layout_note_count(const struct padko_module *pm)
{

	return (pm->m.nnotes);
}

const struct padko_layout_note *
padko_layout_note(const struct padko_module *pm, size_t i)
{

	return (i < pm->m.nnotes ? &pm->m.notes[i].report : NULL);
}

size_t
padko_lint_count(const struct padko_module *pm)
{

	return (pm->m.nlints);
}

const struct padko_boundary_report *
padko_lint(const struct padko_module *pm, size_t i)
{

	return (i < pm->m.nlints ? &pm->m.lints[i].report : NULL);
}

int
padko_attach_debug(struct padko_module *pm, const char *debug_in,
    const char *debug_out, struct padko_error *err)
{
	struct debug_attach *a;

	if (!pm->m.applied)
		return (padko_fail(err, EX_SOFTWARE,
		    "%s: padko_attach_debug before padko_apply", pm->m.path));
	if (stat(debug_in, &pm->debug_like) != 0)
		return (padko_fail(err, EX_NOINPUT, "%s: %s", debug_in,
		    strerror(errno)));
	if (debuginfo_attach(&pm->m, debug_in, debug_out, &a, err) != 0)
		return (-1);
	debuginfo_detach(pm->debug);
	pm->debug = a;
	return (0);
}

/*
 * Writes the module and its debug file; the debug file keeps the mode and
 * owner of the one it replaces, else takes the input's.
 */
static int
write_with_debug(struct padko_module *pm, const char *path,
    const struct stat *like, struct padko_error *err)
{
	struct stat dlike;

	if (stat(pm->debug->out_path, &dlike) != 0)
		dlike = pm->debug_like;
	return (debugwrite_pair(&pm->m, path, like, pm->debug, &dlike, err));
}

int
padko_write(struct padko_module *pm, const char *path, unsigned mode,
    struct padko_error *err)
{
	struct stat like;

	if (!pm->m.applied)
		return (padko_fail(err, EX_SOFTWARE,
		    "%s: padko_write before padko_plan", pm->m.path));
	memset(&like, 0, sizeof(like));
	like.st_mode = mode;
	like.st_uid = geteuid();
	like.st_gid = getegid();
	if (pm->debug != NULL)
		return (write_with_debug(pm, path, &like, err));
	return (output_write_path(&pm->m, path, &like, err));
}

int
padko_replace(struct padko_module *pm, const char *path,
    struct padko_error *err)
{
	struct stat like;

	if (!pm->m.applied)
		return (padko_fail(err, EX_SOFTWARE,
		    "%s: padko_replace before padko_plan", pm->m.path));
	if (stat(path, &like) != 0)
		return (padko_fail(err, EX_NOINPUT, "%s: %s", path,
		    strerror(errno)));
	if (pm->debug != NULL)
		return (write_with_debug(pm, path, &like, err));
	return (output_write_path(&pm->m, path, &like, err));
}

int
padko_write_fd(struct padko_module *pm, int fd, struct padko_error *err)
{

	if (!pm->m.applied)
		return (padko_fail(err, EX_SOFTWARE,
		    "%s: padko_write_fd before padko_plan", pm->m.path));
	if (pm->debug != NULL)
		return (padko_fail(err, EX_USAGE, "%s: a debug file is written "
		    "beside a named output, not to a descriptor", pm->m.path));
	return (output_write_fd(&pm->m, fd, err));
}

void
padko_close(struct padko_module *pm)
{

	if (pm == NULL)
		return;
	debuginfo_detach(pm->debug);
	module_free(&pm->m);
	free(pm);
}
