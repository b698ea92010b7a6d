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
 * The modes: how padko pads, checks, analyzes or verifies one module, and
 * the mode table that names each with the options it takes, its usage and
 * its summary.  Each run prints the module's text (text.c) or JSON object
 * (json.c) to the streams it is given; batch.c runs them.  All the work
 * on a module is the library's.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "command.h"
#include "debug.h"
#include "json.h"
#include "padko.h"
#include "text.h"

/* Reports a library error; returns its code. */
static int
fail(FILE *err, const struct padko_error *e)
{

	fprintf(err, "padko: %s\n", e->msg);
	return (e->code != 0 ? e->code : EX_SOFTWARE);
}

/* A module's JSON object, its mode's parts and its status filled in. */
static void
print_json(FILE *out, const struct run_options *o, struct json_module *jm,
    enum json_status status, int rc, const struct padko_error *e)
{

	jm->parts |= modes[o->mode].json_parts;
	jm->status = status;
	jm->exit = rc;
	jm->error = e;
	json_print_module(out, jm);
}

/*
 * Opens a module; a directory given without -r gets a message that says
 * how to process the modules below it.
 */
static int
open_module(const char *in, struct padko_module **mp, struct padko_error *e)
{
	struct stat st;

	if (padko_open(in, mp, e) == 0)
		return (0);
	if (e->code == EX_NOINPUT && stat(in, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(e->msg, sizeof(e->msg), "%s: a directory, not a "
		    "module; give -r to take the modules below it", in);
	return (-1);
}

/* Opens and plans one module with the command line's decisions. */
static int
open_and_plan(const char *in, const struct run_options *o,
    struct padko_module **mp, struct padko_error *e)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	if (open_module(in, mp, e) != 0)
		return (-1);
	/* analyze reports undecided sites rather than refusing them. */
	padko_set_guess_undecided(*mp, o->guess_undecided ||
	    o->mode == MODE_ANALYZE);
	if (o->pcpu_dynamic != 0)
		padko_set_pcpu_dynamic(*mp, o->pcpu_dynamic);
	for (i = 0; i < o->nassume; i++)
		if (padko_assume(*mp, o->assume[i].where,
		    o->assume[i].meaning, e) != 0)
			return (-1);
	return (padko_plan(*mp, e));
}

/* dir/name, with one slash between them however dir ends; NULL if no memory. */
char *
join_path(const char *dir, const char *name)
{
	size_t dlen, len;
	char *p;

	dlen = strlen(dir);
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	len = dlen + strlen(name) + 2;
	if ((p = malloc(len)) != NULL)
		snprintf(p, len, "%.*s%s%s", (int)dlen, dir,
		    dlen > 0 && dir[dlen - 1] == '/' ? "" : "/", name);
	return (p);
}

/* Where -o, -i or -d writes a module, or NULL (dry run, check). */
char *
output_path(const char *in, const struct run_options *o)
{
	const char *base;

	if (o->out != NULL)
		return (strdup(o->out));
	if (o->in_place)
		return (strdup(in));
	if (o->outdir == NULL)
		return (NULL);
	base = strrchr(in, '/') != NULL ? strrchr(in, '/') + 1 : in;
	return (join_path(o->outdir, base));
}

/*
 * Creates the directory of -d with its missing parents, as install -d
 * would (mode 0755 less the umask); returns 0 or EX_CANTCREAT.
 */
int
make_outdir(const char *dir)
{
	struct stat st;
	char *p, *s;
	char c;
	int rc;

	if ((p = strdup(dir)) == NULL) {
		fprintf(stderr, "padko: out of memory\n");
		return (EX_OSERR);
	}
	rc = 0;
	s = p;
	do {
		s += strspn(s, "/");
		s += strcspn(s, "/");
		c = *s;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "padko: %s: cannot create the output "
			    "directory: %s\n", p, strerror(errno));
			rc = EX_CANTCREAT;
		}
		*s = c;
	} while (rc == 0 && c != '\0' && s[strspn(s, "/")] != '\0');
	free(p);
	if (rc == 0 && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "padko: %s: not a directory\n", dir);
		rc = EX_CANTCREAT;
	}
	return (rc);
}

/*
 * Before padding: the input must exist, and -o or -d must not name it
 * (*target is then that output path).  Returns 0 or the exit status.
 */
static int
check_input(const char *in, const struct run_options *o, struct stat *st_in,
    char **target, struct padko_error *e)
{
	struct stat st_out;

	if (stat(in, st_in) != 0) {
		snprintf(e->msg, sizeof(e->msg), "%s: %s", in, strerror(errno));
		return (e->code = EX_NOINPUT);
	}
	if ((o->out != NULL || o->outdir != NULL) && (*target =
	    output_path(in, o)) != NULL && stat(*target, &st_out) == 0 &&
	    st_in->st_dev == st_out.st_dev && st_in->st_ino == st_out.st_ino) {
		snprintf(e->msg, sizeof(e->msg), "%s: output is the input "
		    "file; use -i to replace it", *target);
		return (e->code = EX_USAGE);
	}
	return (0);
}

/* What -v or -n says of a padded module, in text. */
static const char *
pad_result(const struct padko_module *m, const struct run_options *o,
    int written)
{

	if (o->dry_run)
		return (padko_changed(m) ? "would be padded" : "needs nothing");
	if (padko_changed(m))
		return ("padded");
	return (written ? "needs nothing, copied" : "needs nothing");
}

/* Pads (or, dry run, plans) one module. */
static int
pad_module(const char *in, const struct run_options *o, FILE *out, FILE *err,
    enum outcome *oc)
{
	struct padko_module *m;
	struct padko_error e;
	struct json_module jm;
	struct stat st_in;
	char *target, *dout;
	int rc, write_it;

	m = NULL;
	target = dout = NULL;
	memset(&e, 0, sizeof(e));
	if ((rc = check_input(in, o, &st_in, &target, &e)) != 0) {
		fprintf(err, "padko: %s\n", e.msg);
		goto done;
	}
	if (open_and_plan(in, o, &m, &e) != 0) {
		rc = fail(err, &e);
		goto done;
	}
	if (padko_is_relocatable(m))
		fprintf(err, "padko: notice: %s: ET_REL module (the amd64 "
		    "format, loaded section by section): needs no padding\n",
		    in);
	if (o->verbose && !o->json)
		text_plan(out, in, m, 0);
	text_undecided(err, in, m, 1);
	free(target);
	target = output_path(in, o);
	if (debug_attach(m, in, target, o, &dout, &e) != 0) {
		rc = fail(err, &e);
		goto done;
	}
	write_it = target != NULL && !o->dry_run &&
	    !(o->in_place && !padko_changed(m));
	if (write_it && (o->in_place ? padko_replace(m, target, &e) :
	    padko_write(m, target, st_in.st_mode & 0777, &e)) != 0)
		rc = fail(err, &e);
	if (rc == 0 && !o->json && (o->verbose || o->dry_run))
		fprintf(out, "%s: %s\n", in, pad_result(m, o, write_it));
	if (rc == 0 && !o->json && o->verbose && write_it && dout != NULL)
		fprintf(out, "%s: debug file written to %s\n", in, dout);
done:
	*oc = rc != 0 ? OUT_FAILED : m != NULL && padko_changed(m) ?
	    OUT_PADDED : OUT_UNCHANGED;
	if (o->json) {
		memset(&jm, 0, sizeof(jm));
		jm.path = in;
		jm.m = m;
		if (rc == 0 && target != NULL && !o->dry_run &&
		    !(o->in_place && *oc == OUT_UNCHANGED)) {
			jm.output = target;
			jm.debug_output = dout;
		}
		if (o->debug_file != NULL || o->with_debug)
			jm.parts = JSON_DEBUG_OUTPUT;
		print_json(out, o, &jm, rc != 0 ? JSON_ERROR :
		    *oc == OUT_UNCHANGED ? JSON_UNCHANGED : o->dry_run ?
		    JSON_WOULD_PAD : JSON_PADDED, rc, &e);
	}
	free(target);
	free(dout);
	padko_close(m);
	return (rc);
}

/*
 * --check: a module is acceptable when padko finds nothing to pad.  Only
 * the layout is planned, unless the JSON report wants the decisions too.
 */
static int
check_module(const char *in, const struct run_options *o, FILE *out,
    FILE *err, enum outcome *oc)
{
	struct padko_module *m;
	struct padko_error e;
	struct json_module jm;
	int needs, rc;

	m = NULL;
	memset(&e, 0, sizeof(e));
	rc = 0;
	if (open_module(in, &m, &e) == 0)
		padko_set_guess_undecided(m, 1);	/* as it always was */
	if (m == NULL || (o->json ? padko_plan(m, &e) :
	    padko_needs_padding(m, &needs, &e)) != 0) {
		rc = fail(err, &e);
		*oc = OUT_FAILED;
	} else if (o->json ? padko_changed(m) : needs) {
		rc = 1;
		*oc = OUT_NEEDS;
		if (!o->json)
			fprintf(out, "%s: needs padding\n", in);
	} else {
		*oc = OUT_OK;
		if (!o->json && o->verbose)
			fprintf(out, "%s: ok\n", in);
	}
	if (o->json) {
		memset(&jm, 0, sizeof(jm));
		jm.path = in;
		jm.m = m;
		print_json(out, o, &jm, *oc == OUT_FAILED ? JSON_ERROR :
		    *oc == OUT_NEEDS ? JSON_NEEDS_PADDING : JSON_OK, rc, &e);
	}
	padko_close(m);
	return (rc);
}

/* In a module's JSON object: the debug file checked against it, if any. */
static void
json_debug(struct json_module *jm, const char *din,
    const struct padko_debug_report *dr)
{

	if (din == NULL)
		return;
	jm->parts |= JSON_DEBUG_FILE;
	jm->debug_path = din;
	jm->debug = dr;
}

/* analyze: the plan and the lint, nothing written. */
static int
analyze_module(const char *in, const struct run_options *o, FILE *out,
    FILE *err, enum outcome *oc)
{
	struct padko_debug_report dr;
	struct padko_module *m;
	struct padko_error e;
	struct json_module jm;
	char *din;
	int rc;

	m = NULL;
	din = NULL;
	rc = 0;
	if (open_and_plan(in, o, &m, &e) != 0 ||
	    debug_check(in, o, &din, &dr, &e) != 0)
		rc = fail(err, &e);
	else {
		if (!o->json)
			text_plan(out, in, m, 1);
		if (!o->json && din != NULL)
			text_debug(out, in, din, &dr);
		text_undecided(err, in, m, 0);
	}
	*oc = rc != 0 ? OUT_FAILED : OUT_OK;
	/* A debug file that does not match its module is a finding. */
	if (rc == 0 && din != NULL && !dr.matches)
		rc = EX_DATAERR;
	if (o->json) {
		memset(&jm, 0, sizeof(jm));
		jm.path = in;
		jm.m = m;
		json_debug(&jm, din, &dr);
		print_json(out, o, &jm, *oc == OUT_FAILED ? JSON_ERROR :
		    padko_changed(m) ? JSON_NEEDS_PADDING : JSON_OK, rc, &e);
	}
	free(din);
	padko_close(m);
	return (rc);
}

/*
 * The references a kernel would relocate wrongly in a module it loads
 * (*mp NULL for a module that is not an i386 shared object).
 */
static int
scan_hazards(const char *in, enum padko_kernel kernel,
    struct padko_module **mp, struct padko_error *e)
{

	*mp = NULL;
	if (open_module(in, mp, e) != 0)
		return (-1);
	if (padko_is_relocatable(*mp)) {
		padko_close(*mp);
		*mp = NULL;
		return (0);
	}
	return (padko_scan_hazards(*mp, kernel, e));
}

/*
 * verify's findings in the module: the references a kernel would relocate
 * wrongly (*mp), in a module it accepts.  Returns the status they give.
 */
static int
verify_hazards(const char *in, const struct run_options *o, FILE *err,
    struct padko_module **mp, enum outcome *oc)
{
	struct padko_error e;

	memset(&e, 0, sizeof(e));
	/*
	 * A module padko could not pad (a GOT, code after a set) is not
	 * classified: the verdict stands, and a notice says so.
	 */
	if (scan_hazards(in, o->kernel, mp, &e) != 0) {
		padko_close(*mp);
		*mp = NULL;
		if (e.code != EX_DATAERR) {
			*oc = OUT_FAILED;
			return (fail(err, &e));
		}
		fprintf(err, "padko: notice: references not checked for "
		    "hazards: %s\n", e.msg);
		return (0);
	}
	return (*mp != NULL && padko_hazard_count(*mp) > 0 ? EX_DATAERR : 0);
}

/* verify: the kernel model's verdict, and the hazards of the module. */
static int
verify_module(const char *in, const struct run_options *o, FILE *out,
    FILE *err, enum outcome *oc)
{
	struct padko_verify_report r;
	struct padko_debug_report dr;
	struct padko_module *m;
	struct padko_error e;
	struct json_module jm;
	char *din;
	int rc;

	memset(&e, 0, sizeof(e));
	m = NULL;
	din = NULL;
	if (padko_verify_file(in, o->kernel, &r, &e) != 0 ||
	    debug_check(in, o, &din, &dr, &e) != 0) {
		rc = fail(err, &e);
		*oc = OUT_FAILED;
	} else {
		/* A module the kernel refuses relocates nothing. */
		rc = r.accepted ? 0 : 1;
		*oc = r.accepted ? OUT_OK : OUT_NEEDS;
		if (r.accepted)
			rc = verify_hazards(in, o, err, &m, oc);
		if (rc == 0 && din != NULL && !dr.matches)
			rc = EX_DATAERR;
		if (!o->json && *oc != OUT_FAILED) {
			text_verify(out, in, o->kernel, &r);
			text_hazards(out, in, m);
			if (din != NULL)
				text_debug(out, in, din, &dr);
		}
	}
	if (o->json) {
		memset(&jm, 0, sizeof(jm));
		jm.path = in;
		jm.m = m;
		jm.verdict = &r;
		jm.kernel = o->kernel;
		json_debug(&jm, din, &dr);
		print_json(out, o, &jm, *oc == OUT_FAILED ? JSON_ERROR :
		    r.accepted ? JSON_ACCEPTED : JSON_REFUSED, rc, &e);
	}
	free(din);
	padko_close(m);
	return (rc);
}

#define	STATUS(s)	(1u << (s))
#define	OUTPUTS		\
	(OPTION_OUTPUT | OPTION_IN_PLACE | OPTION_OUTDIR | OPTION_DRY_RUN)

/*
 * The modes, in the order of the usage.  The parts of a debug file
 * (JSON_DEBUG_OUTPUT, JSON_DEBUG_FILE) are added per module, where one is
 * given.
 */
const struct mode modes[NMODES] = {
	[MODE_PAD] = {
		.name = "pad",
		.accepts = OUTPUTS | OPTION_DEBUG,
		.run = pad_module,
		.usage = {
"padko [-nv] [-j jobs] [--json] [--guess-undecided] [--pcpu-dynamic off]\n"
"             [--assume-end off] [--assume-next off] [--debug-file m.ko.debug]\n"
"             module.ko -o output.ko\n",
"padko [-nrv] [-j jobs] [--json] [--guess-undecided] [--pcpu-dynamic off]\n"
"             [--with-debug] -i | -d outdir  module.ko|dir ...\n" },
		.counted = {
			/* -n says "would be padded" */
			[OUT_PADDED] = "padded",
			[OUT_UNCHANGED] = "unchanged" },
		.json_parts = JSON_PLAN | JSON_OUTPUT,
		.json_statuses = STATUS(JSON_PADDED) | STATUS(JSON_WOULD_PAD) |
		    STATUS(JSON_UNCHANGED) | STATUS(JSON_ERROR)
	},
	[MODE_CHECK] = {
		.name = "check",	/* selected by --check */
		.accepts = 0,
		.run = check_module,
		.usage = {
"padko --check [-r] [-j jobs] [--json] module.ko|dir ...\n" },
		.counted = {
			[OUT_OK] = "ok",
			[OUT_NEEDS] = "need padding" },
		.json_parts = JSON_PLAN,
		.json_statuses = STATUS(JSON_OK) | STATUS(JSON_NEEDS_PADDING) |
		    STATUS(JSON_ERROR)
	},
	[MODE_ANALYZE] = {
		.name = "analyze",
		.word = "analyze",
		.accepts = OPTION_DEBUG,
		.run = analyze_module,
		.usage = {
"padko analyze [-r] [--json] [--pcpu-dynamic off]\n"
"             [--debug-file m.ko.debug | --with-debug] module.ko|dir ...\n" },
		.counted = {
			[OUT_OK] = "analyzed" },
		.json_parts = JSON_PLAN | JSON_LINT,
		.json_statuses = STATUS(JSON_OK) | STATUS(JSON_NEEDS_PADDING) |
		    STATUS(JSON_ERROR)
	},
	[MODE_VERIFY] = {
		.name = "verify",
		.word = "verify",
		.accepts = OPTION_KERNEL | OPTION_DEBUG,
		.run = verify_module,
		.usage = {
"padko verify [-r] [--json] [--kernel current|legacy]\n"
"             [--debug-file m.ko.debug | --with-debug] module.ko|dir ...\n" },
		.counted = {
			[OUT_OK] = "accepted",
			[OUT_NEEDS] = "refused" },
		.json_parts = JSON_VERIFY,
		.json_statuses = STATUS(JSON_ACCEPTED) | STATUS(JSON_REFUSED) |
		    STATUS(JSON_ERROR)
	}
};
