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
 * padko: the command.  It parses options, runs the library on each module
 * and reports; all the work is in lib/.
 */

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "padko.h"

static const char usage_text[] =
"usage: padko [-v] [--strict] [--assume-end OFF] [--assume-next OFF]\n"
"             module.ko -o output.ko\n"
"       padko [-v] [--strict] [--assume-end OFF] [--assume-next OFF]\n"
"             -i module.ko\n"
"       padko analyze module.ko ...\n"
"       padko verify [--kernel current|legacy] module.ko ...\n"
"       padko -h | -V\n"
"\n"
"Pads the set_pcpu and set_vnet linker sets of a linked FreeBSD i386\n"
"kernel module with the 4-byte word 0x90909090, as the kernel's module\n"
"linker script would have, so that kernels since FreeBSD 12.1 load it and\n"
"older kernels relocate it correctly.  Sections, segments, .dynamic,\n"
"symbols and relocations are rewritten to match.\n"
"\n"
"  -o, --output FILE   write the padded module to FILE (atomically: a\n"
"                      temporary file in FILE's directory, then rename)\n"
"  -i, --in-place      replace module.ko itself (atomically; mode and,\n"
"                      as root, owner are kept)\n"
"  -v, --verbose, --explain\n"
"                      say, per set, whether it grew in place or what\n"
"                      followed moved and by how much, and for every\n"
"                      reference at a set's old end its decision (END,\n"
"                      STOP, NEXT), the evidence and the instruction\n"
"      --strict        fail (writing nothing) when the evidence does not\n"
"                      decide a reference at a set's old end\n"
"      --assume-end OFF\n"
"                      decide the reference of the relocation at r_offset\n"
"                      OFF as END: one past the set's last object, kept\n"
"                      inside the padded set (repeatable)\n"
"      --assume-next OFF\n"
"                      decide it as NEXT: the start of what follows the\n"
"                      set, moved with it (repeatable)\n"
"      --pcpu-dynamic OFF\n"
"                      the %fs offset of pc_dynamic (PCPU_GET(dynamic)) in\n"
"                      the target kernel's struct pcpu, for modules whose\n"
"                      code does not show it by an access inside set_pcpu\n"
"  -h, --help          print this help and exit\n"
"  -V, --version       print the version and exit\n"
"\n"
"padko analyze prints the same report as --explain for each module,\n"
"writes nothing, and also flags references equal to a set's start that\n"
"look like one past the end of the object before the set (a lint for\n"
"module authors).\n"
"\n"
"padko verify loads each module in a model of the i386 kernel loader\n"
"(current: FreeBSD 12.1 and later, with the padding checks; legacy: older\n"
"kernels) and prints whether it would be accepted, with the kernel's\n"
"message if not, each set's range and padding word, and how many\n"
"R_386_RELATIVE references the loader moves into the per-CPU/per-vnet\n"
"areas or leaves at a set's end.  It exits 0 when every module is\n"
"accepted and 1 when one is refused.  padko checks its own output the\n"
"same way before renaming it into place.\n"
"\n"
"A reference whose value is exactly a set's old end is ambiguous: one\n"
"past the set's last object (END), __stop_set_X (STOP), or the first\n"
"object of what follows (NEXT).  padko reads the instruction that holds\n"
"it: an access through a per-vnet or per-CPU base (loaded through %fs,\n"
"in the shape the module's own accesses inside its sets use) is END.\n"
"Where nothing decides, it keeps NEXT, the meaning today's kernels give\n"
"it, and warns.\n"
"\n"
"A module that needs nothing (already padded, no sets, or an amd64-style\n"
"ET_REL module) is copied byte for byte with -o and left alone with -i.\n"
"The input is never modified without -i.\n"
"\n"
"Exit status (sysexits(3)): 0 success, 64 usage error, 65 the module is\n"
"malformed or cannot be padded safely, 66 input unreadable, 70 internal\n"
"error, 71 system error, 73 output cannot be created, 74 I/O error.\n";

enum {
	OPT_KERNEL = 'k',
	OPT_STRICT = 256,
	OPT_ASSUME_END,
	OPT_ASSUME_NEXT,
	OPT_PCPU_DYNAMIC
};

static const struct option long_options[] = {
	{ "output",	required_argument,	NULL,	'o' },
	{ "in-place",	no_argument,		NULL,	'i' },
	{ "verbose",	no_argument,		NULL,	'v' },
	{ "explain",	no_argument,		NULL,	'v' },
	{ "strict",	no_argument,		NULL,	OPT_STRICT },
	{ "kernel",	required_argument,	NULL,	OPT_KERNEL },
	{ "pcpu-dynamic", required_argument,	NULL,	OPT_PCPU_DYNAMIC },
	{ "assume-end",	required_argument,	NULL,	OPT_ASSUME_END },
	{ "assume-next", required_argument,	NULL,	OPT_ASSUME_NEXT },
	{ "help",	no_argument,		NULL,	'h' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

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

	switch (site) {
	case PADKO_SITE_RELOC:
		return ("relocation");
	case PADKO_SITE_DYNAMIC:
		return ("dynamic");
	}
	return ("?");
}

/* What the command line asks for. */
struct run_options {
	const char	*out;
	int		 in_place;
	int		 verbose;
	int		 strict;
	int		 analyze;
	int		 verify;
	enum padko_kernel kernel;
	struct {
		uint64_t			where;
		enum padko_boundary_meaning	meaning;
	}		 assume[64];
	size_t		 nassume;
	uint32_t	 pcpu_dynamic;
};

static void
print_ref(const char *path, const struct padko_boundary_report *b)
{

	printf("%s: %s at %#" PRIx64 ": %#" PRIx64 " (end of %s) -> %#" PRIx64
	    ": %s%s, %s\n", path, site_text(b->site), b->where, b->old_value,
	    padko_set_name(b->set), b->new_value,
	    padko_meaning_name(b->meaning), b->decided ? "" : " (undecided)",
	    b->evidence);
	if (b->insn != NULL && b->insn[0] != '\0')
		printf("%s:     %#" PRIx64 ": %s\n", path, b->insn_addr,
		    b->insn);
}

/* Prints what was decided for each set and each boundary reference. */
static void
report(const char *path, const struct padko_module *m, int lint)
{
	const struct padko_set_report *r;
	const struct padko_boundary_report *b;
	size_t i;
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		r = padko_set_report(m, (enum padko_set_kind)k);
		if (r->state == PADKO_SET_ABSENT)
			continue;
		printf("%s: %s [%#" PRIx64 ", %#" PRIx64 ") -> [%#" PRIx64
		    ", %#" PRIx64 "): %s", path,
		    padko_set_name((enum padko_set_kind)k), r->old_start,
		    r->old_end, r->new_start, r->new_end,
		    state_text(r->state));
		if (r->state == PADKO_SET_PAD_MOVING)
			printf(" by %#" PRIx64, r->next_shift);
		if (!r->has_symbols)
			printf(" (no exported __start/__stop symbols: the "
			    "kernel will not see this set)");
		printf("\n");
	}
	for (i = 0; i < padko_boundary_count(m); i++)
		print_ref(path, padko_boundary(m, i));
	for (i = 0; lint && i < padko_lint_count(m); i++) {
		b = padko_lint(m, i);
		printf("%s: lint: relocation at %#" PRIx64 ": %#" PRIx64
		    " is the start of %s and may mean one past the object "
		    "before it: %s\n", path, b->where, b->old_value,
		    padko_set_name(b->set), b->evidence);
		if (b->insn != NULL && b->insn[0] != '\0')
			printf("%s:     %#" PRIx64 ": %s\n", path, b->insn_addr,
			    b->insn);
	}
}

/* Warns, on stderr, about each reference that evidence did not decide. */
static void
warn_undecided(const char *path, const struct padko_module *m)
{
	const struct padko_boundary_report *b;
	size_t i;

	for (i = 0; i < padko_boundary_count(m); i++) {
		b = padko_boundary(m, i);
		if (b->decided)
			continue;
		fprintf(stderr, "padko: %s: warning: relocation at %#" PRIx64
		    " holds %#" PRIx64 ", the old end of %s, and the evidence "
		    "does not decide what it means (%s); kept %s. Decide with "
		    "--assume-end %#" PRIx64 " or --assume-next %#" PRIx64
		    "\n", path, b->where, b->old_value, padko_set_name(b->set),
		    b->evidence, padko_meaning_name(b->meaning), b->where,
		    b->where);
	}
}

static int
fail(const struct padko_error *err)
{

	fprintf(stderr, "padko: %s\n", err->msg);
	return (err->code != 0 ? err->code : EX_SOFTWARE);
}

/* Opens and plans one module with the command line's decisions. */
static int
open_and_plan(const char *in, const struct run_options *o,
    struct padko_module **mp)
{
	struct padko_error err;
	size_t i;

	memset(&err, 0, sizeof(err));
	if (padko_open(in, mp, &err) != 0)
		return (fail(&err));
	padko_set_strict(*mp, o->strict);
	if (o->pcpu_dynamic != 0)
		padko_set_pcpu_dynamic(*mp, o->pcpu_dynamic);
	for (i = 0; i < o->nassume; i++)
		if (padko_assume(*mp, o->assume[i].where,
		    o->assume[i].meaning, &err) != 0)
			goto failed;
	if (padko_plan(*mp, &err) != 0)
		goto failed;
	return (0);
failed:
	padko_close(*mp);
	*mp = NULL;
	return (fail(&err));
}

/* Reports on one module without writing anything. */
static int
analyze_one(const char *in, const struct run_options *o)
{
	struct padko_module *m;
	int rc;

	if ((rc = open_and_plan(in, o, &m)) != 0)
		return (rc);
	if (padko_is_relocatable(m))
		printf("%s: ET_REL module (amd64 format): needs no padding\n",
		    in);
	report(in, m, 1);
	warn_undecided(in, m);
	padko_close(m);
	return (0);
}

/* Prints the kernel model's verdict on one module; returns 0, 1 or EX_*. */
static int
verify_one(const char *in, const struct run_options *o)
{
	struct padko_verify_report r;
	struct padko_error err;
	const char *gen;
	int k;

	memset(&err, 0, sizeof(err));
	if (padko_verify_file(in, o->kernel, &r, &err) != 0)
		return (fail(&err));
	gen = o->kernel == PADKO_KERNEL_CURRENT ? "current" : "legacy";
	if (!r.accepted)
		printf("%s: refused by %s kernels: %s\n", in, gen, r.message);
	else
		printf("%s: accepted by %s kernels\n", in, gen);
	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		if (!r.sets[k].present) {
			printf("%s:   %s: absent\n", in,
			    padko_set_name((enum padko_set_kind)k));
			continue;
		}
		printf("%s:   %s [%#" PRIx64 ", %#" PRIx64 "): ", in,
		    padko_set_name((enum padko_set_kind)k), r.sets[k].start,
		    r.sets[k].stop);
		if (r.sets[k].stop - r.sets[k].start >= 4)
			printf("last word 0x%08x%s", r.sets[k].last_word,
			    r.sets[k].last_word == PADKO_PAD_WORD ?
			    " (padding)" : " (no padding)");
		else
			printf("%s", r.sets[k].stop == r.sets[k].start ?
			    "empty" : "shorter than the padding");
		printf("%s\n", r.sets[k].relocated ? ", copied to its own "
		    "area" : "");
	}
	if (r.accepted)
		printf("%s:   R_386_RELATIVE: %zu moved into per-CPU/per-vnet "
		    "areas, %zu left at a set's end\n", in, r.relative_moved,
		    r.relative_at_end);
	return (r.accepted ? 0 : 1);
}

/* Pads one module; returns a sysexits code. */
static int
pad_one(const char *in, const struct run_options *o)
{
	struct padko_module *m;
	struct padko_error err;
	struct stat st_in, st_out;
	int rc;

	memset(&err, 0, sizeof(err));
	if (stat(in, &st_in) != 0) {
		fprintf(stderr, "padko: %s: %s\n", in, strerror(errno));
		return (EX_NOINPUT);
	}
	if (!o->in_place && stat(o->out, &st_out) == 0 &&
	    st_in.st_dev == st_out.st_dev && st_in.st_ino == st_out.st_ino) {
		fprintf(stderr, "padko: %s: output is the input file; use -i "
		    "to replace it\n", o->out);
		return (EX_USAGE);
	}
	if ((rc = open_and_plan(in, o, &m)) != 0)
		return (rc);
	if (padko_is_relocatable(m))
		fprintf(stderr, "padko: %s: ET_REL module (the amd64 format, "
		    "loaded section by section): needs no padding\n", in);
	if (o->verbose)
		report(in, m, 0);
	warn_undecided(in, m);
	if (o->in_place) {
		if (padko_changed(m) && padko_replace(m, in, &err) != 0)
			rc = fail(&err);
	} else if (padko_write(m, o->out, st_in.st_mode & 0777, &err) != 0)
		rc = fail(&err);
	if (rc == 0 && o->verbose)
		printf("%s: %s\n", o->in_place ? in : o->out,
		    !padko_changed(m) ? (o->in_place ? "unchanged" :
		    "copied unchanged") : "written");
	padko_close(m);
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

int
main(int argc, char **argv)
{
	struct run_options o;
	int c, i, rc, worst;

	memset(&o, 0, sizeof(o));
	o.kernel = PADKO_KERNEL_CURRENT;
	if (argc > 1 && strcmp(argv[1], "analyze") == 0) {
		o.analyze = 1;
		argv++;
		argc--;
	} else if (argc > 1 && strcmp(argv[1], "verify") == 0) {
		o.verify = 1;
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "o:ivhVk:", long_options,
	    NULL)) != -1) {
		switch (c) {
		case 'o':
			o.out = optarg;
			break;
		case 'i':
			o.in_place = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case OPT_STRICT:
			o.strict = 1;
			break;
		case OPT_PCPU_DYNAMIC:
			if (parse_offset(optarg, &o.pcpu_dynamic) != 0 ||
			    o.pcpu_dynamic == 0) {
				fprintf(stderr, "padko: --pcpu-dynamic needs a "
				    "nonzero offset\n");
				return (EX_USAGE);
			}
			break;
		case OPT_KERNEL:
			if (!o.verify) {
				fprintf(stderr, "padko: --kernel goes with "
				    "verify\n");
				return (EX_USAGE);
			}
			if (strcmp(optarg, "current") == 0)
				o.kernel = PADKO_KERNEL_CURRENT;
			else if (strcmp(optarg, "legacy") == 0)
				o.kernel = PADKO_KERNEL_LEGACY;
			else {
				fprintf(stderr, "padko: --kernel: %s: not "
				    "current or legacy\n", optarg);
				return (EX_USAGE);
			}
			break;
		case OPT_ASSUME_END:
		case OPT_ASSUME_NEXT:
			if (add_assumption(&o, optarg, c == OPT_ASSUME_END ?
			    PADKO_BOUNDARY_END : PADKO_BOUNDARY_NEXT) != 0)
				return (EX_USAGE);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return (0);
		case 'V':
			printf("padko %s\n", padko_version());
			return (0);
		default:
			fputs(usage_text, stderr);
			return (EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.analyze || o.verify) {
		if (argc < 1 || o.out != NULL || o.in_place) {
			fprintf(stderr, "padko: %s takes modules and no -o or "
			    "-i\n", o.analyze ? "analyze" : "verify");
			return (EX_USAGE);
		}
		worst = 0;
		for (i = 0; i < argc; i++) {
			rc = o.analyze ? analyze_one(argv[i], &o) :
			    verify_one(argv[i], &o);
			if (rc > worst)
				worst = rc;
		}
		return (worst);
	}
	if (argc != 1 || (o.out == NULL) == !o.in_place) {
		fprintf(stderr, "padko: give one module and either -o "
		    "output.ko or -i\n");
		fputs(usage_text, stderr);
		return (EX_USAGE);
	}
	return (pad_one(argv[0], &o));
}
