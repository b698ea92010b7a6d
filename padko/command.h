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
 * The command's vocabulary, shared by its files: the modes and their table,
 * what a command line asks for, and how one module ended.  main.c parses
 * a command line into a struct run_options, batch.c runs every module
 * through its mode's entry in the table (modes.c), which prints with
 * text.c or json.c.
 */
#ifndef PADKO_COMMAND_H
#define PADKO_COMMAND_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "padko.h"

/* The modes, by their index in modes[]. */
enum mode_id {
	MODE_PAD,		/* the default: -o, -i, -d or -n */
	MODE_CHECK,		/* --check */
	MODE_ANALYZE,		/* padko analyze */
	MODE_VERIFY,		/* padko verify */
	NMODES
};

/*
 * The options that not every mode takes, as the mode table's accepts
 * names them (every mode takes -r, -j, -v, --json and the others, though
 * some have no effect in some modes).  An option is in use when it
 * changes a setting from its default: --kernel current is not.
 */
#define	OPTION_OUTPUT		0x0001	/* -o */
#define	OPTION_IN_PLACE		0x0002	/* -i */
#define	OPTION_OUTDIR		0x0004	/* -d */
#define	OPTION_DRY_RUN		0x0008	/* -n */
#define	OPTION_KERNEL		0x0010	/* --kernel legacy */
#define	OPTION_DEBUG		0x0020	/* --debug-file, --with-debug */

/* What the command line asks for. */
struct run_options {
	enum mode_id	 mode;
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
	const char	*debug_file;	/* --debug-file */
	int		 with_debug;	/* --with-debug: M.ko.debug beside */
	struct {
		uint64_t			where;
		enum padko_boundary_meaning	meaning;
	}		 assume[64];
	size_t		 nassume;
};

/* How one module ended, for the summary line (in the order it counts). */
enum outcome {
	OUT_FAILED,
	OUT_PADDED,	/* written (or, dry run, would be) */
	OUT_UNCHANGED,	/* needed nothing */
	OUT_OK,		/* acceptable (--check), accepted, analyzed */
	OUT_NEEDS,	/* needs padding (--check), refused (verify) */
	NOUTCOMES
};

/* Runs one mode on one module: its exit status, and how it ended. */
typedef int	mode_fn(const char *in, const struct run_options *o,
		    FILE *out, FILE *err, enum outcome *oc);

/* One row of the mode table. */
struct mode {
	const char	*name;		/* in the JSON schema */
	const char	*word;		/* "padko WORD" selects it */
	unsigned	 accepts;	/* OPTION_* bits */
	mode_fn		*run;
	const char	*usage[2];	/* its synopses, after "usage: " */
	const char	*counted[NOUTCOMES]; /* summary words, by outcome */
	unsigned	 json_parts;	/* JSON_* parts of its objects */
	unsigned	 json_statuses;	/* 1 << each status it gives */
};

extern const struct mode modes[NMODES];

/* The name of a kernel generation, as --kernel, text and JSON give it. */
static inline const char *
kernel_name(enum padko_kernel kernel)
{

	return (kernel == PADKO_KERNEL_CURRENT ? "current" : "legacy");
}

/* modes.c: where padding writes. */
char	*join_path(const char *dir, const char *name);
char	*output_path(const char *in, const struct run_options *o);
int	 make_outdir(const char *dir);

/* batch.c: the modules of the arguments, and a run over them. */
struct path_list {
	char	**v;
	size_t	  n, cap;
};

int	 expand_args(struct path_list *l, char **argv, size_t n,
	    int recursive);
void	 free_paths(struct path_list *l);
int	 check_targets(const struct path_list *l,
	    const struct run_options *o);
int	 run_batch(const struct path_list *l, const struct run_options *o);

#endif /* !PADKO_COMMAND_H */
