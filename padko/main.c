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
 * padko: the command.  It parses options, expands the list of modules,
 * runs the library on each (in parallel with -j, reporting in input
 * order) and reports; all the work is in lib/.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "json.h"
#include "padko.h"
#include "report.h"

static const char usage_text[] =
"usage: padko [-nv] [-j jobs] [--json] [--guess-undecided] [--pcpu-dynamic off]\n"
"             [--assume-end off] [--assume-next off] module.ko -o output.ko\n"
"       padko [-nrv] [-j jobs] [--json] [--guess-undecided] [--pcpu-dynamic off]\n"
"             -i | -d outdir  module.ko|dir ...\n"
"       padko --check [-r] [-j jobs] [--json] module.ko|dir ...\n"
"       padko analyze [-r] [--json] [--pcpu-dynamic off] module.ko|dir ...\n"
"       padko verify [-r] [--json] [--kernel current|legacy] module.ko|dir ...\n"
"       padko -h | -V\n";

static const char help_text[] =
"\n"
"Pads the set_pcpu and set_vnet linker sets of linked FreeBSD i386 kernel\n"
"modules with the 4-byte word 0x90909090, as the kernel's module linker\n"
"script would have, so that kernels since FreeBSD 12.1 load them and\n"
"older kernels relocate them correctly.  Sections, segments, .dynamic,\n"
"symbols and relocations are rewritten to match.\n"
"\n"
"  -o, --output FILE   write the padded module to FILE (one module only)\n"
"  -i, --in-place      replace each module itself\n"
"  -d, --outdir DIR    write each padded module to DIR under its own name,\n"
"                      creating DIR and its parents if missing\n"
"                      (every write is atomic: a temporary file beside\n"
"                      the target, checked, flushed when it replaces a\n"
"                      file, then renamed; -i keeps the mode and, as\n"
"                      root, the owner)\n"
"  -n, --dry-run       say what would be done, write nothing\n"
"      --check         change nothing; exit 0 when every module is already\n"
"                      acceptable to a current kernel (padded, or no sets),\n"
"                      1 when one needs padding\n"
"  -r, --recursive     arguments are directories: every *.ko below them\n"
"  -j, --jobs N        work on N modules at once (default: the number of\n"
"                      CPUs); output stays in the order of the arguments\n"
"      --json          one JSON object per module on standard output\n"
"                      (fields in padko(1)), instead of text\n"
"  -v, --verbose, --explain\n"
"                      say, per set, whether it grew in place or what\n"
"                      followed moved and by how much, and for every\n"
"                      reference at a set's old end its decision (END,\n"
"                      STOP, NEXT), the evidence and the instruction\n"
"      --guess-undecided\n"
"                      pad a module even where the evidence does not\n"
"                      decide a reference at a set's old end: keep NEXT\n"
"                      there and warn (by default the module is refused)\n"
"      --strict        refuse such a module: the default now, accepted\n"
"                      for old scripts\n"
"      --assume-end OFF\n"
"                      decide the reference of the relocation at r_offset\n"
"                      OFF as END: one past the set's last object, kept\n"
"                      inside the padded set (repeatable; one module only)\n"
"      --assume-next OFF\n"
"                      decide it as NEXT: the start of what follows the\n"
"                      set, moved with it (repeatable; one module only)\n"
"      --pcpu-dynamic OFF\n"
"                      the %fs offset of pc_dynamic (PCPU_GET(dynamic)) in\n"
"                      the target kernel's struct pcpu, for modules whose\n"
"                      code does not show it by an access inside set_pcpu\n"
"      --kernel GEN    with verify: current (12.1 and later, the default)\n"
"                      or legacy (older kernels, no padding checks)\n"
"  -h, --help          print this help and exit\n"
"  -V, --version       print the version and exit\n"
"\n"
"padko analyze prints the same report as --explain for each module,\n"
"writes nothing, and also flags references equal to a set's start that\n"
"look like one past the end of the object before the set (a lint for\n"
"module authors).\n"
"\n"
"padko verify loads each module in a model of the i386 kernel loader\n"
"and prints whether it would be accepted, with the kernel's message if\n"
"not, each set's range and padding word, and how many R_386_RELATIVE\n"
"references the loader moves into the per-CPU/per-vnet areas or leaves\n"
"at a set's end.  For a module it accepts, verify also lists each\n"
"hazard: a reference the kernel would relocate wrongly (under --kernel\n"
"legacy, one past a set's last object, the kldload carp panic; a value\n"
"moved into a set's area though its target is outside).  Any hazard\n"
"exits 65.  padko checks its own output with the loader model before\n"
"renaming it into place.\n"
"\n"
"A compiler folds offsets: tab[i - 1] gives tab-0x24, which can lie in\n"
".dynamic, a gap or a set.  padko moves such a value with its target\n"
"(DISPLACED), and places what follows further where the linker's layout\n"
"would put it inside a set (\"layout:\" with -v).\n"
"\n"
"A reference whose value is exactly a set's old end is ambiguous: one\n"
"past the set's last object (END), __stop_set_X (STOP), or the first\n"
"object of what follows (NEXT).  padko reads the instruction that holds\n"
"it: an access through a per-vnet or per-CPU base (loaded through %fs,\n"
"in the shape the module's own accesses inside its sets use) is END.\n"
"Where nothing decides, the module is refused (status 65, nothing\n"
"written) with a message naming each such site and the --assume-end or\n"
"--assume-next option that decides it; padko analyze lists them all.\n"
"--guess-undecided keeps NEXT there instead, the meaning today's kernels\n"
"give it, and warns.\n"
"\n"
"A module that needs nothing (already padded, no sets, or an amd64-style\n"
"ET_REL module) is copied byte for byte with -o or -d and left alone with\n"
"-i.  The input is never modified without -i.  One failing module does\n"
"not stop the others; with several, a summary line ends the output.\n"
"\n"
"Exit status (sysexits(3)), the worst over all modules: 0 success, 1 a\n"
"module needs padding (--check) or is refused (verify), 64 usage error,\n"
"65 a module is malformed, cannot be padded safely, has an undecided\n"
"reference, or (verify) has a hazard, 66 input unreadable,\n"
"70 internal error, 71 system error, 73 output cannot be created, 74 I/O\n"
"error.\n";

enum {
	OPT_STRICT = 256,
	OPT_GUESS_UNDECIDED,
	OPT_ASSUME_END,
	OPT_ASSUME_NEXT,
	OPT_PCPU_DYNAMIC,
	OPT_KERNEL,
	OPT_CHECK,
	OPT_JSON
};

static const struct option long_options[] = {
	{ "output",	required_argument,	NULL,	'o' },
	{ "in-place",	no_argument,		NULL,	'i' },
	{ "outdir",	required_argument,	NULL,	'd' },
	{ "dry-run",	no_argument,		NULL,	'n' },
	{ "recursive",	no_argument,		NULL,	'r' },
	{ "jobs",	required_argument,	NULL,	'j' },
	{ "verbose",	no_argument,		NULL,	'v' },
	{ "explain",	no_argument,		NULL,	'v' },
	{ "check",	no_argument,		NULL,	OPT_CHECK },
	{ "json",	no_argument,		NULL,	OPT_JSON },
	{ "strict",	no_argument,		NULL,	OPT_STRICT },
	{ "guess-undecided", no_argument,	NULL,	OPT_GUESS_UNDECIDED },
	{ "kernel",	required_argument,	NULL,	OPT_KERNEL },
	{ "pcpu-dynamic", required_argument,	NULL,	OPT_PCPU_DYNAMIC },
	{ "assume-end",	required_argument,	NULL,	OPT_ASSUME_END },
	{ "assume-next", required_argument,	NULL,	OPT_ASSUME_NEXT },
	{ "help",	no_argument,		NULL,	'h' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

/* What to do with each module. */
enum mode {
	MODE_PAD,
	MODE_CHECK,
	MODE_ANALYZE,
	MODE_VERIFY
};

/* What the command line asks for. */
struct run_options {
	enum mode	 mode;
	const char	*out;
	const char	*outdir;
	int		 in_place;
	int		 dry_run;
	int		 recursive;
	int		 verbose;
	int		 json;
	int		 strict;	/* the default; only to catch a clash */
	int		 guess_undecided;
	long		 jobs;
	enum padko_kernel kernel;
	uint32_t	 pcpu_dynamic;
	struct {
		uint64_t			where;
		enum padko_boundary_meaning	meaning;
	}		 assume[64];
	size_t		 nassume;
};

/* How one module ended, for the summary line. */
enum outcome {
	OUT_FAILED,
	OUT_PADDED,	/* written (or, dry run, would be) */
	OUT_UNCHANGED,	/* needed nothing */
	OUT_NEEDS,	/* --check: needs padding; verify: refused */
	OUT_OK		/* --check: acceptable; verify: accepted; analyze */
};

/* One module of a batch and what it produced. */
struct job {
	const char	*path;
	char		*out_text, *err_text;
	size_t		 out_len, err_len;
	int		 status;
	enum outcome	 outcome;
	int		 done;
};

/* Reports a library error; returns its code. */
static int
fail(FILE *err, const struct padko_error *e)
{

	fprintf(err, "padko: %s\n", e->msg);
	return (e->code != 0 ? e->code : EX_SOFTWARE);
}

/* Opens the JSON object of one module with its path. */
static void
json_open(struct json *j, FILE *out, const char *path)
{

	json_init(j, out);
	json_begin_object(j);
	json_kstring(j, "path", path);
}

/* Closes it with the outcome, the exit status and any error. */
static void
json_close(struct json *j, const char *status, int code,
    const struct padko_error *e)
{

	json_kstring(j, "status", status);
	json_kint(j, "exit", code);
	json_key(j, "error");
	if (e != NULL && code != 0 && e->msg[0] != '\0')
		json_string(j, e->msg);
	else
		json_null(j);
	json_end_object(j);
	fputc('\n', j->out);
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
static char *
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
static char *
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

/* Pads (or, dry run, plans) one module. */
static int
pad_module(const char *in, const struct run_options *o, FILE *out, FILE *err,
    enum outcome *oc)
{
	struct padko_module *m;
	struct padko_error e;
	struct stat st_in, st_out;
	struct json j;
	char *target;
	int rc, write_it;

	m = NULL;
	target = NULL;
	rc = 0;
	memset(&e, 0, sizeof(e));
	if (stat(in, &st_in) != 0) {
		snprintf(e.msg, sizeof(e.msg), "%s: %s", in, strerror(errno));
		rc = e.code = EX_NOINPUT;
		fprintf(err, "padko: %s\n", e.msg);
		goto done;
	}
	if ((o->out != NULL || o->outdir != NULL) && (target =
	    output_path(in, o)) != NULL && stat(target, &st_out) == 0 &&
	    st_in.st_dev == st_out.st_dev && st_in.st_ino == st_out.st_ino) {
		snprintf(e.msg, sizeof(e.msg), "%s: output is the input file; "
		    "use -i to replace it", target);
		rc = e.code = EX_USAGE;
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
		report_plan(out, in, m, 0);
	report_undecided(err, in, m, 1);
	free(target);
	target = output_path(in, o);
	write_it = target != NULL && !o->dry_run &&
	    !(o->in_place && !padko_changed(m));
	if (write_it && (o->in_place ? padko_replace(m, target, &e) :
	    padko_write(m, target, st_in.st_mode & 0777, &e)) != 0)
		rc = fail(err, &e);
	if (rc == 0 && !o->json && (o->verbose || o->dry_run))
		fprintf(out, "%s: %s\n", in, o->dry_run ? (padko_changed(m) ?
		    "would be padded" : "needs nothing") : !padko_changed(m) ?
		    (write_it ? "needs nothing, copied" : "needs nothing") :
		    "padded");
done:
	*oc = rc != 0 ? OUT_FAILED : m != NULL && padko_changed(m) ?
	    OUT_PADDED : OUT_UNCHANGED;
	if (o->json) {
		json_open(&j, out, in);
		if (m != NULL && rc == 0)
			json_plan(&j, m, 0);
		json_key(&j, "output");
		if (rc == 0 && target != NULL && !o->dry_run &&
		    !(o->in_place && *oc == OUT_UNCHANGED))
			json_string(&j, target);
		else
			json_null(&j);
		json_close(&j, rc != 0 ? "error" : *oc == OUT_PADDED ?
		    (o->dry_run ? "would-pad" : "padded") : "unchanged", rc, &e);
	}
	free(target);
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
	struct json j;
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
		json_open(&j, out, in);
		if (*oc != OUT_FAILED)
			json_plan(&j, m, 0);
		json_close(&j, *oc == OUT_FAILED ? "error" : *oc == OUT_NEEDS ?
		    "needs-padding" : "ok", rc, &e);
	}
	padko_close(m);
	return (rc);
}

/* analyze: the plan and the lint, nothing written. */
static int
analyze_module(const char *in, const struct run_options *o, FILE *out,
    FILE *err, enum outcome *oc)
{
	struct padko_module *m;
	struct padko_error e;
	struct json j;
	int rc;

	m = NULL;
	rc = 0;
	if (open_and_plan(in, o, &m, &e) != 0)
		rc = fail(err, &e);
	else {
		if (!o->json)
			report_plan(out, in, m, 1);
		report_undecided(err, in, m, 0);
	}
	*oc = rc != 0 ? OUT_FAILED : OUT_OK;
	if (o->json) {
		json_open(&j, out, in);
		if (rc == 0)
			json_plan(&j, m, 1);
		json_close(&j, rc != 0 ? "error" : padko_changed(m) ?
		    "needs-padding" : "ok", rc, &e);
	}
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

/* verify: the kernel model's verdict, and the hazards of the module. */
static int
verify_module(const char *in, const struct run_options *o, FILE *out,
    FILE *err, enum outcome *oc)
{
	struct padko_verify_report r;
	struct padko_module *m;
	struct padko_error e;
	struct json j;
	int rc;

	memset(&e, 0, sizeof(e));
	m = NULL;
	if (padko_verify_file(in, o->kernel, &r, &e) != 0) {
		rc = fail(err, &e);
		*oc = OUT_FAILED;
	} else {
		rc = r.accepted ? 0 : 1;
		*oc = r.accepted ? OUT_OK : OUT_NEEDS;
		/*
		 * A module the kernel refuses relocates nothing.  One that
		 * padko could not pad (a GOT, code after a set) is not
		 * classified: the verdict stands, and a notice says so.
		 */
		if (r.accepted && scan_hazards(in, o->kernel, &m, &e) != 0) {
			if (e.code != EX_DATAERR) {
				rc = fail(err, &e);
				*oc = OUT_FAILED;
			} else
				fprintf(err, "padko: notice: references not "
				    "checked for hazards: %s\n", e.msg);
			padko_close(m);
			m = NULL;
		} else if (m != NULL && padko_hazard_count(m) > 0)
			rc = EX_DATAERR;
		if (!o->json && *oc != OUT_FAILED) {
			report_verify(out, in, o->kernel, &r);
			report_hazards(out, in, m);
		}
	}
	if (o->json) {
		json_open(&j, out, in);
		if (*oc != OUT_FAILED) {
			json_verify(&j, o->kernel, &r);
			json_hazards(&j, m);
		}
		json_close(&j, *oc == OUT_FAILED ? "error" : r.accepted ?
		    "accepted" : "refused", rc, &e);
	}
	padko_close(m);
	return (rc);
}

/* Runs one module of a batch, its output captured for ordered printing. */
static void
run_job(struct job *job, const struct run_options *o)
{
	FILE *out, *err;

	out = open_memstream(&job->out_text, &job->out_len);
	err = open_memstream(&job->err_text, &job->err_len);
	if (out == NULL || err == NULL) {
		if (out != NULL)
			fclose(out);
		if (err != NULL)
			fclose(err);
		job->out_text = job->err_text = NULL;
		job->status = EX_OSERR;
		job->outcome = OUT_FAILED;
		return;
	}
	switch (o->mode) {
	case MODE_PAD:
		job->status = pad_module(job->path, o, out, err, &job->outcome);
		break;
	case MODE_CHECK:
		job->status = check_module(job->path, o, out, err,
		    &job->outcome);
		break;
	case MODE_ANALYZE:
		job->status = analyze_module(job->path, o, out, err,
		    &job->outcome);
		break;
	case MODE_VERIFY:
		job->status = verify_module(job->path, o, out, err,
		    &job->outcome);
		break;
	}
	fclose(out);
	fclose(err);
}

/* The shared state of a batch: the next job to take and who is done. */
struct batch {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct job		*jobs;
	size_t			 njobs;
	size_t			 next;
	const struct run_options *o;
};

static void *
worker(void *arg)
{
	struct batch *b = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&b->mu);
		i = b->next++;
		pthread_mutex_unlock(&b->mu);
		if (i >= b->njobs)
			return (NULL);
		run_job(&b->jobs[i], b->o);
		pthread_mutex_lock(&b->mu);
		b->jobs[i].done = 1;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
	}
}

/* Prints one finished job's output, and the progress line on a terminal. */
static void
print_job(struct job *job, size_t i, size_t n, int progress)
{

	if (progress)
		fputs("\r\033[K", stderr);
	if (job->out_text != NULL)
		fwrite(job->out_text, 1, job->out_len, stdout);
	if (job->err_text != NULL)
		fwrite(job->err_text, 1, job->err_len, stderr);
	fflush(stdout);
	if (progress && i + 1 < n)
		fprintf(stderr, "padko: [%zu/%zu] %s", i + 1, n, job->path);
	fflush(stderr);
	free(job->out_text);
	free(job->err_text);
	job->out_text = job->err_text = NULL;
}

/* The final line of a batch: how many modules ended how. */
static void
print_summary(const struct job *jobs, size_t n, const struct run_options *o)
{
	size_t count[OUT_OK + 1];
	size_t i;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		count[jobs[i].outcome]++;
	fprintf(stderr, "padko: %zu modules: ", n);
	switch (o->mode) {
	case MODE_PAD:
		fprintf(stderr, "%zu %s, %zu unchanged", count[OUT_PADDED],
		    o->dry_run ? "would be padded" : "padded",
		    count[OUT_UNCHANGED]);
		break;
	case MODE_CHECK:
		fprintf(stderr, "%zu ok, %zu need padding", count[OUT_OK],
		    count[OUT_NEEDS]);
		break;
	case MODE_ANALYZE:
		fprintf(stderr, "%zu analyzed", count[OUT_OK]);
		break;
	case MODE_VERIFY:
		fprintf(stderr, "%zu accepted, %zu refused", count[OUT_OK],
		    count[OUT_NEEDS]);
		break;
	}
	fprintf(stderr, ", %zu failed\n", count[OUT_FAILED]);
}

/* Runs every job, N at a time, printing in input order; the worst status. */
static int
run_batch(struct job *jobs, size_t n, const struct run_options *o)
{
	struct batch b;
	pthread_t *threads;
	size_t i, nthreads;
	int progress, worst;

	progress = n > 1 && isatty(STDERR_FILENO);
	nthreads = o->jobs > 0 ? (size_t)o->jobs : 1;
	if (nthreads > n)
		nthreads = n;
	memset(&b, 0, sizeof(b));
	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.cv, NULL);
	b.jobs = jobs;
	b.njobs = n;
	b.o = o;
	threads = calloc(nthreads, sizeof(*threads));
	for (i = 0; threads != NULL && i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, worker, &b) != 0)
			break;
	nthreads = threads != NULL ? i : 0;
	if (nthreads == 0)
		worker(&b);
	worst = 0;
	for (i = 0; i < n; i++) {
		pthread_mutex_lock(&b.mu);
		while (!jobs[i].done)
			pthread_cond_wait(&b.cv, &b.mu);
		pthread_mutex_unlock(&b.mu);
		print_job(&jobs[i], i, n, progress);
		if (jobs[i].status > worst)
			worst = jobs[i].status;
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	pthread_cond_destroy(&b.cv);
	pthread_mutex_destroy(&b.mu);
	if (n > 1)
		print_summary(jobs, n, o);
	return (worst);
}

/* A growing list of module paths. */
struct path_list {
	char	**v;
	size_t	  n, cap;
};

static int
add_path(struct path_list *l, const char *path)
{
	char **v;

	if (l->n == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 64;
		if ((v = realloc(l->v, l->cap * sizeof(*v))) == NULL)
			return (-1);
		l->v = v;
	}
	if ((l->v[l->n] = strdup(path)) == NULL)
		return (-1);
	l->n++;
	return (0);
}

static int
cmp_name(const void *a, const void *b)
{

	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Adds every *.ko below dir, in name order; -1 with errno on failure. */
static int
add_tree(struct path_list *l, const char *dir)
{
	struct path_list here;
	struct dirent *de;
	struct stat st;
	DIR *d;
	size_t i, len;
	char *p;
	int rc;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	memset(&here, 0, sizeof(here));
	rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((p = join_path(dir, de->d_name)) == NULL) {
			rc = -1;
			break;
		}
		rc = add_path(&here, p);
		free(p);
	}
	closedir(d);
	if (here.n > 0)
		qsort(here.v, here.n, sizeof(*here.v), cmp_name);
	for (i = 0; i < here.n; i++) {
		if (rc == 0 && lstat(here.v[i], &st) == 0) {
			len = strlen(here.v[i]);
			if (S_ISDIR(st.st_mode))
				rc = add_tree(l, here.v[i]);
			else if (S_ISREG(st.st_mode) && len > 3 &&
			    strcmp(here.v[i] + len - 3, ".ko") == 0)
				rc = add_path(l, here.v[i]);
		}
		free(here.v[i]);
	}
	free(here.v);
	return (rc);
}

/* Parses a 32-bit offset (decimal, 0x hex or 0 octal); -1 if it is not. */
static int
parse_offset(const char *arg, uint32_t *v)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(arg, &end, 0);
	if (errno != 0 || end == arg || *end != '\0' || n > UINT32_MAX ||
	    arg[0] == '-') {
		fprintf(stderr, "padko: %s: not an offset\n", arg);
		return (-1);
	}
	*v = (uint32_t)n;
	return (0);
}

/* Records an r_offset given to --assume-end/--assume-next. */
static int
add_assumption(struct run_options *o, const char *arg,
    enum padko_boundary_meaning meaning)
{
	uint32_t v;

	if (parse_offset(arg, &v) != 0)
		return (-1);
	if (o->nassume == sizeof(o->assume) / sizeof(o->assume[0])) {
		fprintf(stderr, "padko: too many --assume options\n");
		return (-1);
	}
	o->assume[o->nassume].where = v;
	o->assume[o->nassume].meaning = meaning;
	o->nassume++;
	return (0);
}

/*
 * Creates the directory of -d with its missing parents, as install -d
 * would (mode 0755 less the umask); returns 0 or EX_CANTCREAT.
 */
static int
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

static int
usage_error(const char *msg)
{

	fprintf(stderr, "padko: %s\n", msg);
	fputs(usage_text, stderr);
	fputs("Run padko -h for the options.\n", stderr);
	return (EX_USAGE);
}

/* A module's output, as a key to find two modules writing one file. */
struct target_key {
	char		*key;
	const char	*path;
};

static int
cmp_key(const void *a, const void *b)
{

	return (strcmp(((const struct target_key *)a)->key,
	    ((const struct target_key *)b)->key));
}

/*
 * Refuses a batch in which two modules would be written to the same file
 * (-d with equal names, -i with the same module twice): one would be lost.
 */
static int
check_targets(const struct path_list *l, const struct run_options *o)
{
	struct target_key *k;
	size_t i, n;
	int rc;

	if (l->n < 2 || (o->outdir == NULL && !o->in_place))
		return (0);
	if ((k = calloc(l->n, sizeof(*k))) == NULL)
		return (EX_OSERR);
	n = 0;
	rc = 0;
	for (i = 0; i < l->n && rc == 0; i++) {
		k[n].path = l->v[i];
		k[n].key = o->in_place ? realpath(l->v[i], NULL) :
		    output_path(l->v[i], o);
		if (k[n].key == NULL && (k[n].key = strdup(l->v[i])) == NULL)
			rc = EX_OSERR;
		else
			n++;
	}
	qsort(k, n, sizeof(*k), cmp_key);
	for (i = 1; i < n && rc == 0; i++)
		if (strcmp(k[i - 1].key, k[i].key) == 0) {
			fprintf(stderr, "padko: %s and %s would both be written "
			    "to %s\n", k[i - 1].path, k[i].path, o->in_place ?
			    k[i].path : k[i].key);
			rc = EX_USAGE;
		}
	for (i = 0; i < n; i++)
		free(k[i].key);
	free(k);
	return (rc);
}

/* Checks that the options fit together; returns 0 or EX_USAGE. */
static int
check_options(const struct run_options *o, size_t nmodules)
{
	int outputs;

	outputs = (o->out != NULL) + (o->outdir != NULL) + o->in_place;
	if (o->mode == MODE_PAD) {
		if (outputs == 0 && !o->dry_run)
			return (usage_error("give -o output.ko, -i, -d outdir "
			    "or -n"));
		if (outputs > 1 || (outputs > 0 && o->dry_run))
			return (usage_error("-o, -i, -d and -n exclude each "
			    "other"));
		if (o->out != NULL && (nmodules != 1 || o->recursive))
			return (usage_error("-o takes exactly one module; use "
			    "-d or -i for several"));
	} else if (outputs > 0 || o->dry_run)
		return (usage_error("-o, -i, -d and -n go with padding, not "
		    "with --check, analyze or verify"));
	if (o->strict && o->guess_undecided)
		return (usage_error("--strict and --guess-undecided exclude "
		    "each other"));
	if (o->nassume > 0 && nmodules != 1)
		return (usage_error("--assume-end and --assume-next apply to "
		    "one module"));
	if (nmodules == 0)
		return (usage_error("no module given"));
	return (0);
}

int
main(int argc, char **argv)
{
	struct run_options o;
	struct path_list paths;
	struct padko_error e;
	struct job *jobs;
	struct stat st;
	size_t i;
	char *end;
	int c, rc;

	memset(&o, 0, sizeof(o));
	o.mode = MODE_PAD;
	o.kernel = PADKO_KERNEL_CURRENT;
	o.jobs = sysconf(_SC_NPROCESSORS_ONLN);
	if (argc > 1 && strcmp(argv[1], "analyze") == 0) {
		o.mode = MODE_ANALYZE;
		argv++;
		argc--;
	} else if (argc > 1 && strcmp(argv[1], "verify") == 0) {
		o.mode = MODE_VERIFY;
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "o:id:nrj:vhV", long_options,
	    NULL)) != -1) {
		switch (c) {
		case 'o':
			o.out = optarg;
			break;
		case 'i':
			o.in_place = 1;
			break;
		case 'd':
			o.outdir = optarg;
			break;
		case 'n':
			o.dry_run = 1;
			break;
		case 'r':
			o.recursive = 1;
			break;
		case 'j':
			errno = 0;
			o.jobs = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || o.jobs < 1 ||
			    o.jobs > 1024)
				return (usage_error("-j needs a number of jobs "
				    "from 1 to 1024"));
			break;
		case 'v':
			o.verbose = 1;
			break;
		case OPT_CHECK:
			if (o.mode != MODE_PAD)
				return (usage_error("--check is a mode of its "
				    "own"));
			o.mode = MODE_CHECK;
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case OPT_STRICT:
			o.strict = 1;
			break;
		case OPT_GUESS_UNDECIDED:
			o.guess_undecided = 1;
			break;
		case OPT_PCPU_DYNAMIC:
			if (parse_offset(optarg, &o.pcpu_dynamic) != 0 ||
			    o.pcpu_dynamic == 0)
				return (usage_error("--pcpu-dynamic needs a "
				    "nonzero offset"));
			break;
		case OPT_KERNEL:
			if (strcmp(optarg, "current") == 0)
				o.kernel = PADKO_KERNEL_CURRENT;
			else if (strcmp(optarg, "legacy") == 0)
				o.kernel = PADKO_KERNEL_LEGACY;
			else
				return (usage_error("--kernel takes current "
				    "or legacy"));
			break;
		case OPT_ASSUME_END:
		case OPT_ASSUME_NEXT:
			if (add_assumption(&o, optarg, c == OPT_ASSUME_END ?
			    PADKO_BOUNDARY_END : PADKO_BOUNDARY_NEXT) != 0)
				return (EX_USAGE);
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return (0);
		case 'V':
			printf("padko %s\n", padko_version());
			return (0);
		default:
			fputs(usage_text, stderr);
			fputs("Run padko -h for the options.\n", stderr);
			return (EX_USAGE);
		}
	}
	if (o.kernel != PADKO_KERNEL_CURRENT && o.mode != MODE_VERIFY)
		return (usage_error("--kernel goes with verify"));
	argc -= optind;
	argv += optind;
	memset(&paths, 0, sizeof(paths));
	for (i = 0; i < (size_t)argc; i++) {
		if (o.recursive && stat(argv[i], &st) == 0 &&
		    S_ISDIR(st.st_mode))
			rc = add_tree(&paths, argv[i]);
		else
			rc = add_path(&paths, argv[i]);
		if (rc != 0) {
			fprintf(stderr, "padko: %s: %s\n", argv[i],
			    strerror(errno));
			rc = EX_NOINPUT;
			jobs = NULL;
			goto out;
		}
	}
	jobs = NULL;
	if ((rc = check_options(&o, paths.n)) != 0 ||
	    (o.mode == MODE_PAD && (rc = check_targets(&paths, &o)) != 0) ||
	    (o.outdir != NULL && (rc = make_outdir(o.outdir)) != 0))
		goto out;
	if (padko_init(&e) != 0) {
		fprintf(stderr, "padko: %s\n", e.msg);
		rc = e.code;
		goto out;
	}
	if ((jobs = calloc(paths.n, sizeof(*jobs))) == NULL) {
		fprintf(stderr, "padko: out of memory\n");
		rc = EX_OSERR;
		goto out;
	}
	for (i = 0; i < paths.n; i++)
		jobs[i].path = paths.v[i];
	rc = run_batch(jobs, paths.n, &o);
out:
	for (i = 0; i < paths.n; i++)
		free(paths.v[i]);
	free(paths.v);
	free(jobs);
	return (rc);
}
