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
 * A module in memory (struct module), its lookups (module.c), and the
 * stages that work on it, declared from the bottom up: each calls only
 * those declared before it (README.md, "Layout of the source").
 *
 *	module.c	look sections up by address; free the module
 *	validate.c	check each part of the file before it is relied on
 *	read.c		read the ELF file into the module
 *	layout.c	plan the new addresses and file offsets
 *	code.c		read the instruction that holds a reference
 *	boundary.c	decide what each reference reaches; check the layout
 *	rewrite.c	rewrite every reference to a moved address
 *	hazard.c	what the kernel would relocate wrongly, as given
 *	output.c	write the result with libelf, and check it
 *
 * Below them: bytes.h (bytes, errors), image.h (files, memory) and
 * reloc.h (relocation types).  The loader model (kload.h) and verify.h
 * do not include this file: they see only bytes.
 */
#ifndef PADKO_MODULE_H
#define PADKO_MODULE_H

#include <stdbool.h>
#include <stdint.h>

#include <gelf.h>
#include <libelf.h>

#include "bytes.h"
#include "image.h"
#include "padko.h"
#include "reloc.h"

/* One section of the input and where it goes. */
struct section {
	size_t		 index;
	const char	*name;
	GElf_Shdr	 shdr;		/* as read */
	Elf_Data	*data;		/* input contents (memory form), or NULL */
	int		 segment;	/* index of its PT_LOAD, or -1 */
	int		 set;		/* enum padko_set_kind, or -1 */

	GElf_Addr	 min_addr;	/* new_addr at least this (0: none) */
	GElf_Addr	 new_addr;
	GElf_Off	 new_offset;
	uint64_t	 new_size;
	unsigned char	*out;		/* rewritten contents, or NULL */
};

/* A set_pcpu or set_vnet section. */
struct set_section {
	struct section		*sec;
	struct padko_set_report	 report;
};

/* A reference whose value is a set's old end, with its decision. */
struct boundary_ref {
	struct padko_boundary_report	 report;
	uint64_t			 key;	/* site address, for lookup */
	char				 evidence[400];
	char				 insn[80];
	char				 target_name[80];
	const struct section		*target; /* DISPLACED: moves with it */
};

/* A reference the kernel would relocate wrongly (hazard.c). */
struct hazard {
	struct padko_hazard	 report;
	char			 what[320];
};

/* A section placed beyond the minimal layout (padko_layout_note). */
struct layout_note {
	struct padko_layout_note	 report;
	const struct section		*sec;
	char				 reason[320];
};

/* An expert's decision for one site (--assume-end, --assume-next). */
struct assumption {
	uint64_t			 where;
	enum padko_boundary_meaning	 meaning;
	bool				 used;
};

/* What the code says about the address a relocated field forms. */
enum code_access {
	CODE_ACCESS_UNDECIDED,	/* cannot tell */
	CODE_ACCESS_PLAIN,	/* a plain address: not per-vnet/per-CPU */
	CODE_ACCESS_VNET,	/* added to a per-vnet base */
	CODE_ACCESS_PCPU	/* added to a per-CPU base */
};

struct code_evidence {
	bool			in_code;	/* the site is in code */
	bool			decoded;	/* its instruction was found */
	bool			indexed;	/* an address with registers */
	int64_t			stride;		/* a plain index's step, or 0 */
	bool			compared;	/* the immediate of a cmp */
	enum code_access	access;
	GElf_Addr		insn_addr;
	char			insn[80];
	char			why[256];
};

struct code_reader;

/* layout_map_addr() from a breakpoint up to the next one (layout.h). */
struct addr_shift {
	GElf_Addr	 at;
	int64_t		 point;		/* the shift at it */
	int64_t		 after;		/* the shift after it */
};

struct module {
	char		*path;
	struct file_image file;		/* the whole input file */
	struct out_arena out;		/* rewritten sections' contents */
	Elf		*elf;
	GElf_Ehdr	 ehdr;

	struct section	*sections;	/* indexed by section number */
	size_t		 nsections;
	size_t		 shstrndx;
	struct section	**alloc;	/* SHF_ALLOC sections by address */
	size_t		 nalloc;
	struct section	*hit[2];	/* the last two module_section_at hits */
	GElf_Phdr	*phdrs;
	GElf_Phdr	*new_phdrs;
	size_t		 nphdrs;

	struct section	*dynamic;
	struct section	*dynsym;
	struct section	*symtab;

	struct set_section sets[PADKO_NSET_KINDS];

	struct boundary_ref *refs;	/* sorted by key */
	size_t		 nrefs;
	GElf_Addr	 ref_values[2];	/* the least and greatest old_value */
	struct boundary_ref *lints;	/* references at a set's start */
	size_t		 nlints;
	struct hazard	*hazards;	/* padko_scan_hazards() */
	size_t		 nhazards;
	struct layout_note *notes;	/* sections placed further, and why */
	size_t		 nnotes;
	struct assumption *assume;
	size_t		 nassume;
	bool		 guess_undecided; /* else refuse them */
	int64_t		 pcpu_dynamic;	/* %fs offset given by the user, or 0 */

	struct addr_shift *shifts;	/* the address map, once planned */
	size_t		 nshifts;
	size_t		 shift_hit[2];	/* shifts[] of the last two lookups */

	GElf_Off	 new_shoff;
	GElf_Off	 new_phoff;
	unsigned char	*debuglink;	/* new .gnu_debuglink (debuginfo.c) */
	bool		 changed;
	bool		 planned;	/* padko_plan_layout() done */
	bool		 applied;	/* padko_apply() done: can be written */
};

/*
 * The stages, from the bottom up (README.md, "Layout of the source"): each
 * calls only those above it in this list.
 */

/* module.c: the module's lookups, and freeing it. */
void	module_free(struct module *m);
struct section *module_section_search(struct module *m, GElf_Addr addr);
struct section *module_section_ending_at(const struct module *m,
	    GElf_Addr addr);

/* The current contents of a section: rewritten if it was, else as read. */
static inline const unsigned char *
section_bytes(const struct section *s)
{

	if (s->out != NULL)
		return (s->out);
	return (s->data != NULL ? s->data->d_buf : NULL);
}

/*
 * The non-empty allocated section that contains addr, or NULL.  Lookups
 * alternate between relocation offsets (in address order) and the
 * addresses they hold, so the sections of the last two hits are tried
 * first, here; module_section_search() does the rest, and records its hit
 * (so m is not const).
 */
static inline struct section *
module_section_at(struct module *m, GElf_Addr addr)
{
	struct section *s;

	if ((s = m->hit[0]) != NULL && addr - s->shdr.sh_addr < s->shdr.sh_size)
		return (s);
	if ((s = m->hit[1]) != NULL && addr - s->shdr.sh_addr < s->shdr.sh_size)
		return (s);
	return (module_section_search(m, addr));
}

/* validate.c: check each part of the file before anything relies on it. */
int	validate_ident(const struct module *m, struct padko_error *err);
int	validate_relocatable(const struct module *m, struct padko_error *err);
int	validate_file_header(const struct module *m, struct padko_error *err);
int	validate_name_table(const struct module *m, struct padko_error *err);
int	validate_section_headers(const struct module *m,
	    struct padko_error *err);
int	validate_layout(const struct module *m, struct padko_error *err);
int	validate_tables(struct module *m, struct padko_error *err);
int	validate_sets(const struct module *m, struct padko_error *err);

/* read.c: read the ELF file into the module, validating as it goes. */
int	module_read(struct module *m, struct padko_error *err);

/* layout.c: plan the new addresses and file offsets. */
int	layout_plan(struct module *m, struct padko_error *err);
GElf_Addr layout_map_end(const struct module *m, GElf_Addr addr);
const struct set_section *layout_set_ending_at(const struct module *m,
	    GElf_Addr addr);

/* code.c: read the instruction that holds a reference. */
struct code_reader *code_reader_new(struct module *m,
	    struct padko_error *err);
void	code_reader_free(struct code_reader *r);
void	code_examine(struct code_reader *r, GElf_Addr where,
	    struct code_evidence *ev);

/* Where a value that may be displaced lies, and what it may reach. */
struct seam {
	const struct section	*holder;	/* holds the value, or NULL */
	const struct section	*above;		/* first data section above */
	const struct section	*plain_above;	/* ... that is not a set */
	GElf_Addr		 room;		/* in data: bytes left of the
						   object holding it */
};

enum displaced_decision {
	DISPLACED_OWN,		/* an object of the set that holds it */
	DISPLACED_TARGET,	/* displaced: moves with the target */
	DISPLACED_UNDECIDED
};

/* boundary.c: decide what each reference reaches; check the layout. */
enum displaced_decision displaced_decide(const struct seam *sm,
	    enum code_access access, bool indexed, int64_t stride,
	    const struct section **target);
int	boundary_classify(struct module *m, struct padko_error *err);
int	boundary_constrain(struct module *m, size_t *added,
	    struct padko_error *err);
void	boundary_notes_final(struct module *m);
GElf_Addr boundary_map_value(struct module *m, enum padko_ref_site site,
	    uint64_t where, GElf_Addr value);

/* rewrite.c: rewrite every reference to a moved address. */
int	rewrite_module(struct module *m, struct padko_error *err);

/* hazard.c: what a kernel would relocate wrongly in the module as given. */
int	hazard_scan(struct module *m, enum padko_kernel kernel,
	    struct padko_error *err);

/* output.c: write the result, and check it with the loader model. */
int	output_write_fd(struct module *m, int fd, struct padko_error *err);
struct stat;
int	output_write_path(struct module *m, const char *path,
	    const struct stat *like, struct padko_error *err);

#endif /* !PADKO_MODULE_H */
