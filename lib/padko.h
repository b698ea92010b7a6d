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
 * libpadko: pad the set_pcpu and set_vnet linker sets of a linked FreeBSD
 * i386 kernel module, the way the kernel's module linker script would have.
 *
 * Typical use:
 *
 *	struct padko_module *m;
 *	struct padko_error err;
 *
 *	if (padko_open(path, &m, &err) != 0 ||
 *	    padko_plan(m, &err) != 0 ||
 *	    padko_write(m, outpath, 0644, &err) != 0)
 *		fprintf(stderr, "%s\n", err.msg);	(exit with err.code)
 *	padko_close(m);
 *
 * Every function returns 0 on success and -1 on failure; on failure the
 * error holds a <sysexits.h> code and a message naming the file and the
 * reason.  Nothing is written unless padko_write() succeeds.
 */
#ifndef PADKO_H
#define PADKO_H

#include <stddef.h>
#include <stdint.h>

/* The two linker sets that the kernel relocates into per-CPU/per-vnet areas. */
enum padko_set_kind {
	PADKO_SET_VNET,
	PADKO_SET_PCPU,
	PADKO_NSET_KINDS
};

/* The word the kernel expects in the last 4 bytes of a set. */
#define	PADKO_PAD_WORD	0x90909090u
#define	PADKO_PAD_SIZE	4

struct padko_error {
	int	code;		/* EX_* from <sysexits.h>, 0 when none */
	char	msg[1024];
};

/* What padko decided for one set. */
enum padko_set_state {
	PADKO_SET_ABSENT,	/* no such section */
	PADKO_SET_EMPTY,	/* section of size 0: nothing to pad */
	PADKO_SET_PADDED,	/* already ends in a padding slot */
	PADKO_SET_PAD_IN_PLACE,	/* grows into alignment slack */
	PADKO_SET_PAD_MOVING	/* grows, and what follows moves */
};

/*
 * What a reference was taken to mean, where its value alone does not say
 * which object it reaches: a set's old end, or a value that a compiler
 * displaced from its object into bytes that move differently.
 */
enum padko_boundary_meaning {
	PADKO_BOUNDARY_END,	/* one past the set's last object: stays */
	PADKO_BOUNDARY_STOP,	/* __stop_set_X: follows the new end */
	PADKO_BOUNDARY_NEXT,	/* start of what follows: moves with it */
	PADKO_BOUNDARY_DISPLACED /* outside its target: moves with the target */
};

/* Where a boundary reference was found. */
enum padko_ref_site {
	PADKO_SITE_RELOC,	/* in-place value of a relocation */
	PADKO_SITE_DYNAMIC	/* a .dynamic pointer */
};

struct padko_boundary_report {
	enum padko_set_kind		 set;
	enum padko_ref_site		 site;
	uint64_t			 where;	/* r_offset, or entry address */
	uint64_t			 old_value;
	uint64_t			 new_value;
	enum padko_boundary_meaning	 meaning;
	int				 decided; /* 0: evidence was lacking */
	const char			*evidence;
	uint64_t			 insn_addr; /* 0 when not in code */
	const char			*insn;	/* AT&T text, or "" */
	uint64_t			 target; /* old address of the target */
	const char			*target_name; /* its object or section */
};

/*
 * A section placed further than the linker's minimal layout would place
 * it, so that the kernel relocates every reference right (a value whose
 * target lies outside a set must not fall inside it once padded).
 */
struct padko_layout_note {
	const char	*section;
	uint64_t	 linker_addr;	/* where the minimal layout puts it */
	uint64_t	 new_addr;	/* where padko puts it */
	uint64_t	 where;		/* the reference that needs it */
	const char	*reason;
};

struct padko_set_report {
	enum padko_set_kind	 kind;
	enum padko_set_state	 state;
	uint64_t		 old_start, old_end;
	uint64_t		 new_start, new_end;
	uint64_t		 next_shift;	/* how far what follows moved */
	int			 has_symbols;	/* __start/__stop in .dynsym */
};

struct padko_module;

/* Which kernel's loader to model. */
enum padko_kernel {
	PADKO_KERNEL_CURRENT,	/* FreeBSD 12.1 and later: padding checked */
	PADKO_KERNEL_LEGACY	/* 12.0 and older: no checks */
};

/* What the kernel's loader would make of a module (padko_verify_*). */
struct padko_verify_report {
	int		accepted;
	char		message[256];	/* the kernel's message if refused */
	struct {
		int		present;	/* __start/__stop exported */
		uint64_t	start, stop;	/* link-time addresses */
		uint32_t	last_word;	/* the word at stop - 4 */
		int		relocated;	/* copied to its own area */
	}		sets[2];		/* by enum padko_set_kind */
	size_t		relative_moved;	/* R_386_RELATIVE moved into an area */
	size_t		relative_at_end; /* R_386_RELATIVE left at a set's end */
};

/*
 * Prepares libelf.  Call once before using the library from several
 * threads (each thread with its own modules); single-threaded callers
 * need not.  (The instruction decoder is prepared on first use, once.)
 */
int	padko_init(struct padko_error *err);

/* Reads and checks a module from a file or from memory (copied). */
int	padko_open(const char *path, struct padko_module **mp,
	    struct padko_error *err);
int	padko_open_memory(const char *name, const void *image, size_t size,
	    struct padko_module **mp, struct padko_error *err);

/*
 * Decides one site (a relocation's r_offset) by hand, overriding the
 * evidence: END keeps it at the set's old end, NEXT moves it with what
 * follows.  Call before padko_plan() (or padko_plan_layout()).
 */
int	padko_assume(struct padko_module *m, uint64_t where,
	    enum padko_boundary_meaning meaning, struct padko_error *err);

/*
 * Declares the %fs offset of pc_dynamic in struct pcpu (PCPU_GET(dynamic))
 * for the kernel the module was built for, so that a per-CPU access is
 * recognised even where the module's own code does not show the offset.
 */
void	padko_set_pcpu_dynamic(struct padko_module *m, uint32_t offset);

/*
 * By default padko_plan() (padko_plan_layout(), of which it is the first
 * half) fails (EX_DATAERR) when the evidence does not
 * decide a site, naming each one.  With guess nonzero it keeps NEXT for
 * such sites instead, marked undecided in their reports.
 */
void	padko_set_guess_undecided(struct padko_module *m, int guess);

/* The same, inverted: strict nonzero refuses (the default). */
void	padko_set_strict(struct padko_module *m, int strict);

/*
 * Plans the padding and rewrites the module in memory: padko_plan_layout()
 * then padko_apply(), what most callers want.
 */
int	padko_plan(struct padko_module *m, struct padko_error *err);

/*
 * The first half of padko_plan(): places every section and decides what
 * each reference reaches (the reports below are complete), changing no
 * byte of the module.
 */
int	padko_plan_layout(struct padko_module *m, struct padko_error *err);

/*
 * The second half: rewrites the module in memory as planned, after which
 * it can be written.
 */
int	padko_apply(struct padko_module *m, struct padko_error *err);

/*
 * Decides only whether the module needs padding (*needs), without
 * classifying references or rewriting: what --check needs.  padko_plan()
 * may still be called afterwards.
 */
int	padko_needs_padding(struct padko_module *m, int *needs,
	    struct padko_error *err);

/* Nonzero when padko_plan() found something to change. */
int	padko_changed(const struct padko_module *m);

/* Nonzero when the module is ET_REL (amd64 style) and needs no padding. */
int	padko_is_relocatable(const struct padko_module *m);

/* Per-set results of padko_plan(), indexed by enum padko_set_kind. */
const struct padko_set_report *padko_set_report(const struct padko_module *m,
	    enum padko_set_kind kind);

/* The references at a set's old end and what padko made of them. */
size_t	padko_boundary_count(const struct padko_module *m);
const struct padko_boundary_report *padko_boundary(const struct padko_module *m,
	    size_t i);

/*
 * A reference that the kernel would relocate wrongly in the module as given
 * (padko_scan_hazards()): moved into a set's area while its target is not
 * an object of the set, or not moved while it is (an access one past a
 * set's last object, under kernels that load an unpadded set).
 */
struct padko_hazard {
	enum padko_set_kind	 set;	/* the set whose range decides it */
	uint64_t		 where;	/* r_offset */
	uint64_t		 value;
	uint64_t		 insn_addr; /* 0 when not in code */
	const char		*insn;	/* AT&T text, or "" */
	const char		*target_name; /* what it reaches, or "" */
	const char		*what;	/* what the kernel would do, and why */
};

/*
 * Classifies the module's references as they are (no padding) and lists
 * those that kernel would relocate wrongly.  Call instead of padko_plan().
 */
int	padko_scan_hazards(struct padko_module *m, enum padko_kernel kernel,
	    struct padko_error *err);
size_t	padko_hazard_count(const struct padko_module *m);
const struct padko_hazard *padko_hazard(const struct padko_module *m,
	    size_t i);

/* Sections placed further than the linker would, and why. */
size_t	padko_layout_note_count(const struct padko_module *m);
const struct padko_layout_note *padko_layout_note(const struct padko_module *m,
	    size_t i);

/*
 * Lint: references whose value is a set's start and which look like one
 * past the end of the object before the set (the same family of bug at
 * the set's other edge).  They are reported, not changed.
 */
size_t	padko_lint_count(const struct padko_module *m);
const struct padko_boundary_report *padko_lint(const struct padko_module *m,
	    size_t i);

/*
 * Writes the result to path atomically: a temporary file in the same
 * directory, checked, flushed to disk (fsync) when path exists, and
 * renamed over path.  mode is used for a new file.  An unchanged module is
 * copied byte for byte.
 */
int	padko_write(struct padko_module *m, const char *path, unsigned mode,
	    struct padko_error *err);

/*
 * Replaces path (normally the module's own file) atomically with the
 * result, flushed to disk before the rename, keeping its mode and, when
 * run as root, its owner.
 */
int	padko_replace(struct padko_module *m, const char *path,
	    struct padko_error *err);

/*
 * The module's separate debug file (objcopy --only-keep-debug; the
 * module's .gnu_debuglink must name it with its CRC): after padko_plan(),
 * rewrites it for the same moves (section and program headers, symbols,
 * DWARF), to be written to debug_out by padko_write() or padko_replace()
 * with the module, whose .gnu_debuglink then names debug_out's file with
 * the new CRC.  Each file is replaced atomically, and a failure leaves
 * both as they were.  Fails with EX_DATAERR, naming the file and the
 * reason, when the debug file does not match the module or its DWARF
 * cannot be read.
 */
int	padko_attach_debug(struct padko_module *m, const char *debug_in,
	    const char *debug_out, struct padko_error *err);

/* Writes the result to an open descriptor (no rename, no fsync). */
int	padko_write_fd(struct padko_module *m, int fd, struct padko_error *err);

void	padko_close(struct padko_module *m);

/*
 * Loads a module file (or image) in the loader model, a model of the i386
 * kernel loader: program header and .dynamic checks, the sets found
 * through DT_HASH, the padding checks of current kernels, every relocation
 * applied.  Returns 0 with the verdict in the report, -1 when the file
 * cannot be read at all (padko_verify_file() reads only a regular file, as
 * padko_open() does).
 */
int	padko_verify_file(const char *path, enum padko_kernel kernel,
	    struct padko_verify_report *r, struct padko_error *err);
int	padko_verify_memory(const char *name, const void *image, size_t size,
	    enum padko_kernel kernel, struct padko_verify_report *r,
	    struct padko_error *err);

/*
 * Whether a separate debug file matches its module as debuggers need:
 * each allocated section at the same address and size, each symbol with
 * the same value, and the CRC that the module's .gnu_debuglink expects.
 */
struct padko_debug_report {
	int		matches;	/* all of the below agree */
	int		has_link;	/* the module has a .gnu_debuglink */
	char		link_name[256];	/* the file name it gives */
	uint32_t	link_crc;	/* the CRC it expects */
	uint32_t	crc;		/* the debug file's CRC */
	size_t		sections;	/* allocated sections that differ */
	size_t		symbols;	/* symbols whose values differ */
	char		first[320];	/* the first difference, or "" */
};

/* Compares the files; -1 only when one cannot be read as i386 ELF. */
int	padko_debug_check(const char *module, const char *debug,
	    struct padko_debug_report *r, struct padko_error *err);

const char *padko_set_name(enum padko_set_kind kind);
const char *padko_meaning_name(enum padko_boundary_meaning meaning);
const char *padko_version(void);

#endif /* !PADKO_H */
