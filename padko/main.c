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
 * padko: the command.  One parser reads every mode's command line into a
 * struct run_options, the mode table (modes.c) says which options each
 * mode takes, and the batch (batch.c) runs the mode on every module;
 * all the work on a module is in lib/.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "command.h"
#include "padko.h"

/* What -h prints after the usage. */
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
"      --debug-file FILE\n"
"                      the module's separate debug file (objcopy\n"
"                      --only-keep-debug, named by its .gnu_debuglink):\n"
"                      rewritten with the same moves and written beside\n"
"                      the output as OUTPUT.debug (with -i, FILE itself),\n"
"                      the output's .gnu_debuglink naming it with its new\n"
"                      CRC; both files atomically, neither on failure.\n"
"                      With verify and analyze: say whether FILE matches\n"
"                      the module (sections, symbols, CRC)\n"
"      --with-debug    the same for each module M.ko with an M.ko.debug\n"
"                      beside it (any number of modules, -d, -i, -r)\n"
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
"Debug information follows the move: the addresses of moved variables in\n"
"embedded DWARF (2 to 5: location expressions and lists, .debug_addr) and\n"
"in a debug file given with --debug-file or --with-debug are rewritten.\n"
"DWARF padko cannot read exactly is refused (status 65), not guessed.\n"
"\n"
"A module that needs nothing (already padded, no sets, or an amd64-style\n"
"ET_REL module) is copied byte for byte with -o or -d and left alone with\n"
"-i.  The input is never modified without -i.  One failing module does\n"
"not stop the others; with several, a summary line ends the output.\n"
"\n"
"Exit status (sysexits(3)), the worst over all modules: 0 success, 1 a\n"
"module needs padding (--check) or is refused (verify), 64 usage error,\n"
"65 a module is malformed, cannot be padded safely, has an undecided\n"
"reference, or (verify) has a hazard, or a debug file does not match\n"
"its module, 66 input unreadable,\n"
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
	OPT_JSON,
	OPT_DEBUG_FILE,
	OPT_WITH_DEBUG
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
	{ "debug-file",	required_argument,	NULL,	OPT_DEBUG_FILE },
	{ "with-debug",	no_argument,		NULL,	OPT_WITH_DEBUG },
	{ "help",	no_argument,		NULL,	'h' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

/*
 * The options that not every mode takes, in the order they are checked,
 * with what to say where the mode does not take them.
 */
static const struct {
	unsigned	 options;
	const char	*misuse;
} restricted[] = {
	{ OPTION_KERNEL, "--kernel goes with verify" },
	{ OPTION_DEBUG, "--debug-file and --with-debug go with padding, "
	    "analyze and verify" },
	{ OPTION_OUTPUT | OPTION_IN_PLACE | OPTION_OUTDIR | OPTION_DRY_RUN,
	    "-o, -i, -d and -n go with padding, not with --check, analyze or "
	    "verify" }
};

/* The usage: every mode's synopses, from the table. */
static void
print_usage(FILE *f)
{
	const char *lead;
	size_t i, k;

	lead = "usage: ";
	for (i = 0; i < NMODES; i++)
		for (k = 0; k < 2 && modes[i].usage[k] != NULL; k++) {
			fprintf(f, "%s%s", lead, modes[i].usage[k]);
			lead = "       ";
		}
	fprintf(f, "%spadko -h | -V\n", lead);
}

static int
usage_error(const char *msg)
{

	if (msg != NULL)
		fprintf(stderr, "padko: %s\n", msg);
	print_usage(stderr);
	fputs("Run padko -h for the options.\n", stderr);
	return (EX_USAGE);
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
 * An option with an argument; 0 or the exit status.  Anything else is
 * what getopt_long has already complained of: the usage follows.
 */
static int
option_value(struct run_options *o, int c, const char *arg)
{
	char *end;

	switch (c) {
	case 'j':
		errno = 0;
		o->jobs = strtol(arg, &end, 10);
		if (errno != 0 || *end != '\0' || o->jobs < 1 ||
		    o->jobs > 1024)
			return (usage_error("-j needs a number of jobs from 1 "
			    "to 1024"));
		return (0);
	case OPT_PCPU_DYNAMIC:
		if (parse_offset(arg, &o->pcpu_dynamic) != 0 ||
		    o->pcpu_dynamic == 0)
			return (usage_error("--pcpu-dynamic needs a nonzero "
			    "offset"));
		return (0);
	case OPT_KERNEL:
		if (strcmp(arg, kernel_name(PADKO_KERNEL_CURRENT)) == 0)
			o->kernel = PADKO_KERNEL_CURRENT;
		else if (strcmp(arg, kernel_name(PADKO_KERNEL_LEGACY)) == 0)
			o->kernel = PADKO_KERNEL_LEGACY;
		else
			return (usage_error("--kernel takes current or "
			    "legacy"));
		return (0);
	case OPT_ASSUME_END:
	case OPT_ASSUME_NEXT:
		if (add_assumption(o, arg, c == OPT_ASSUME_END ?
		    PADKO_BOUNDARY_END : PADKO_BOUNDARY_NEXT) != 0)
			return (EX_USAGE);
		return (0);
	case OPT_DEBUG_FILE:
		o->debug_file = arg;
		return (0);
	}
	return (usage_error(NULL));
}

/*
 * One option: 0, the exit status, or -1 when the command is done (-h, -V)
 * with status 0.
 */
static int
option(struct run_options *o, int c, const char *arg)
{

	switch (c) {
	case 'o':
		o->out = arg;
		break;
	case 'i':
		o->in_place = 1;
		break;
	case 'd':
		o->outdir = arg;
		break;
	case 'n':
		o->dry_run = 1;
		break;
	case 'r':
		o->recursive = 1;
		break;
	case 'v':
		o->verbose = 1;
		break;
	case OPT_CHECK:
		if (o->mode != MODE_PAD)
			return (usage_error("--check is a mode of its own"));
		o->mode = MODE_CHECK;
		break;
	case OPT_JSON:
		o->json = 1;
		break;
	case OPT_STRICT:
		o->strict = 1;
		break;
	case OPT_GUESS_UNDECIDED:
		o->guess_undecided = 1;
		break;
	case OPT_WITH_DEBUG:
		o->with_debug = 1;
		break;
	case 'h':
		print_usage(stdout);
		fputs(help_text, stdout);
		return (-1);
	case 'V':
		printf("padko %s\n", padko_version());
		return (-1);
	default:
		return (option_value(o, c, arg));
	}
	return (0);
}

/*
 * Parses a command line of any mode: its first argument may name the mode
 * (analyze, verify), the options follow.  *nargs is the index of the
 * first module.  Returns 0, the exit status, or -1 when done (-h, -V).
 */
static int
parse_options(int argc, char **argv, struct run_options *o, int *nargs)
{
	size_t i;
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->mode = MODE_PAD;
	o->kernel = PADKO_KERNEL_CURRENT;
	o->jobs = sysconf(_SC_NPROCESSORS_ONLN);
	/* getopt_long names argv[0] in its messages: the mode's word. */
	*nargs = 0;
	for (i = 0; argc > 1 && i < NMODES; i++)
		if (modes[i].word != NULL &&
		    strcmp(argv[1], modes[i].word) == 0) {
			o->mode = (enum mode_id)i;
			*nargs = 1;
		}
	argc -= *nargs;
	argv += *nargs;
	while ((c = getopt_long(argc, argv, "o:id:nrj:vhV", long_options,
	    NULL)) != -1)
		if ((rc = option(o, c, optarg)) != 0)
			return (rc);
	*nargs += optind;
	return (0);
}

/* The options in use that not every mode takes, as OPTION_* bits. */
static unsigned
options_used(const struct run_options *o)
{

	return ((o->out != NULL ? OPTION_OUTPUT : 0) |
	    (o->in_place ? OPTION_IN_PLACE : 0) |
	    (o->outdir != NULL ? OPTION_OUTDIR : 0) |
	    (o->dry_run ? OPTION_DRY_RUN : 0) |
	    (o->kernel != PADKO_KERNEL_CURRENT ? OPTION_KERNEL : 0) |
	    (o->debug_file != NULL || o->with_debug ? OPTION_DEBUG : 0));
}

/* Refuses an option in use that the mode does not take; 0 or EX_USAGE. */
static int
check_mode(const struct run_options *o, unsigned which)
{
	unsigned refused;
	size_t i;

	refused = options_used(o) & which & ~modes[o->mode].accepts;
	for (i = 0; i < sizeof(restricted) / sizeof(restricted[0]); i++)
		if ((refused & restricted[i].options) != 0)
			return (usage_error(restricted[i].misuse));
	return (0);
}

/* Checks that the options fit together; returns 0 or EX_USAGE. */
static int
check_options(const struct run_options *o, size_t nmodules)
{
	int outputs;

	outputs = (o->out != NULL) + (o->outdir != NULL) + o->in_place;
	if (check_mode(o, ~0u) != 0)
		return (EX_USAGE);
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
	}
	if (o->strict && o->guess_undecided)
		return (usage_error("--strict and --guess-undecided exclude "
		    "each other"));
	if (o->nassume > 0 && nmodules != 1)
		return (usage_error("--assume-end and --assume-next apply to "
		    "one module"));
	if (o->debug_file != NULL && (nmodules != 1 || o->recursive ||
	    o->with_debug))
		return (usage_error("--debug-file goes with one module; use "
		    "--with-debug for several"));
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
	int nargs, rc;

	if ((rc = parse_options(argc, argv, &o, &nargs)) != 0)
		return (rc < 0 ? 0 : rc);
	/* --kernel is refused before the arguments are read, the rest after. */
	if ((rc = check_mode(&o, OPTION_KERNEL)) != 0)
		return (rc);
	memset(&paths, 0, sizeof(paths));
	if ((rc = expand_args(&paths, argv + nargs, (size_t)(argc - nargs),
	    o.recursive)) != 0 || (rc = check_options(&o, paths.n)) != 0 ||
	    (o.mode == MODE_PAD && (rc = check_targets(&paths, &o)) != 0) ||
	    (o.outdir != NULL && (rc = make_outdir(o.outdir)) != 0))
		goto out;
	if (padko_init(&e) != 0) {
		fprintf(stderr, "padko: %s\n", e.msg);
		rc = e.code;
		goto out;
	}
	rc = run_batch(&paths, &o);
out:
	free_paths(&paths);
	return (rc);
}
