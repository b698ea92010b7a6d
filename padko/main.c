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

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "padko.h"

static const char usage_text[] =
"usage: padko [-v] module.ko -o output.ko\n"
"       padko [-v] -i module.ko\n"
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
"  -v, --verbose       say what was done to each set and how every\n"
"                      reference at a set's old end was read\n"
"  -h, --help          print this help and exit\n"
"  -V, --version       print the version and exit\n"
"\n"
"A module that needs nothing (already padded, no sets, or an amd64-style\n"
"ET_REL module) is copied byte for byte with -o and left alone with -i.\n"
"The input is never modified without -i.\n"
"\n"
"Exit status (sysexits(3)): 0 success, 64 usage error, 65 the module is\n"
"malformed or cannot be padded safely, 66 input unreadable, 70 internal\n"
"error, 71 system error, 73 output cannot be created, 74 I/O error.\n";

static const struct option long_options[] = {
	{ "output",	required_argument,	NULL,	'o' },
	{ "in-place",	no_argument,		NULL,	'i' },
	{ "verbose",	no_argument,		NULL,	'v' },
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
	case PADKO_SITE_GOT:
		return ("GOT");
	}
	return ("?");
}

/* Prints what was decided for each set and each boundary reference. */
static void
report(const char *path, const struct padko_module *m)
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
	for (i = 0; i < padko_boundary_count(m); i++) {
		b = padko_boundary(m, i);
		printf("%s: %s at %#" PRIx64 ": %#" PRIx64 " (end of %s) -> %#"
		    PRIx64 ": %s, %s\n", path, site_text(b->site), b->where,
		    b->old_value, padko_set_name(b->set), b->new_value,
		    padko_meaning_name(b->meaning), b->evidence);
	}
}

static int
fail(const struct padko_error *err)
{

	fprintf(stderr, "padko: %s\n", err->msg);
	return (err->code != 0 ? err->code : EX_SOFTWARE);
}

/* Pads one module; returns a sysexits code. */
static int
pad_one(const char *in, const char *out, int in_place, int verbose)
{
	struct padko_module *m;
	struct padko_error err;
	struct stat st_in, st_out;
	int rc;

	memset(&err, 0, sizeof(err));
	if (stat(in, &st_in) != 0) {
		fprintf(stderr, "padko: %s: cannot read\n", in);
		return (EX_NOINPUT);
	}
	if (!in_place && stat(out, &st_out) == 0 &&
	    st_in.st_dev == st_out.st_dev && st_in.st_ino == st_out.st_ino) {
		fprintf(stderr, "padko: %s: output is the input file; use -i "
		    "to replace it\n", out);
		return (EX_USAGE);
	}
	if (padko_open(in, &m, &err) != 0)
		return (fail(&err));
	if (padko_plan(m, &err) != 0) {
		padko_close(m);
		return (fail(&err));
	}
	if (padko_is_relocatable(m))
		fprintf(stderr, "padko: %s: ET_REL module (the amd64 format, "
		    "loaded section by section): needs no padding\n", in);
	if (verbose)
		report(in, m);
	rc = 0;
	if (in_place) {
		if (padko_changed(m) && padko_replace(m, in, &err) != 0)
			rc = fail(&err);
	} else if (padko_write(m, out, st_in.st_mode & 0777, &err) != 0)
		rc = fail(&err);
	if (rc == 0 && verbose)
		printf("%s: %s\n", in_place ? in : out, !padko_changed(m) ?
		    (in_place ? "unchanged" : "copied unchanged") : "written");
	padko_close(m);
	return (rc);
}

int
main(int argc, char **argv)
{
	const char *out;
	int c, in_place, verbose;

	out = NULL;
	in_place = verbose = 0;
	while ((c = getopt_long(argc, argv, "o:ivhV", long_options,
	    NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'i':
			in_place = 1;
			break;
		case 'v':
			verbose = 1;
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
	if (argc != 1 || (out == NULL) == !in_place) {
		fprintf(stderr, "padko: give one module and either -o "
		    "output.ko or -i\n");
		fputs(usage_text, stderr);
		return (EX_USAGE);
	}
	return (pad_one(argv[0], out, in_place, verbose));
}
