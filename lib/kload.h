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
 * The loader model (kload.c): FreeBSD's i386 kernel module loader, as a
 * library.  Besides padko's own verification (verify.c) it serves the
 * tests that run module code under emulation: they load a module with it
 * and map what it produced.  It sees only bytes (bytes.h, image.h), never
 * the module that the stages read, so that it checks their output
 * independently.
 */
#ifndef PADKO_KLOAD_H
#define PADKO_KLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "padko.h"

struct kload_set {
	int		 present;	/* __start/__stop found */
	int		 relocated;	/* copied to a per-CPU/per-vnet area */
	uint32_t	 start, stop;	/* relocated addresses (base applied) */
	uint32_t	 size;
	uint32_t	 last_word;	/* the word at stop - 4 */
	uint32_t	 dest;		/* where the area is (set_dest) */
	unsigned char	*init;		/* its initial contents, before relocation */
};

/*
 * Resolves a symbol the module does not define (a kernel function).  It is
 * asked once per symbol: the answer is kept for the symbol's other
 * relocations.
 */
typedef int (*kload_resolver)(void *arg, const char *name, uint32_t *value);

/* What the resolver said about an undefined symbol. */
struct kload_import {
	uint32_t	 value;
	int		 state;		/* 0 not asked, 1 resolved, -1 not */
};

/* The most PT_LOAD segments the kernel takes. */
#define	KLOAD_MAXSEGS	4

struct kload {
	/* Set by the caller. */
	enum padko_kernel	 kernel;
	uint32_t		 base;		/* where the image is mapped */
	uint32_t		 set_dest[PADKO_NSET_KINDS];
	kload_resolver		 resolve;	/* NULL: undefined is an error */
	void			*resolve_arg;
	/*
	 * Only whether the module loads: no image is made, the file is read
	 * where it lies and relocations are checked, not applied (image stays
	 * NULL, relative_moved and relative_at_end are not counted).
	 */
	int			 accept_only;

	/* Results. */
	int			 accepted;
	char			 message[256];	/* why not, as the kernel says */
	unsigned char		*image;		/* the mapped module */
	bool			 image_mapped;	/* bulk_alloc() mapped it */
	uint64_t		 size;
	uint32_t		 vaddr;		/* link address of image[0] */
	uint32_t		 relocbase;	/* base - vaddr */
	struct kload_set	 sets[PADKO_NSET_KINDS];
	size_t			 relative_moved;
	size_t			 relative_at_end;

	/* What .dynamic points to (link addresses). */
	int			 have_dynamic;
	uint32_t		 dynamic, dynamic_size;
	uint32_t		 hash, nbuckets, nchains;
	uint32_t		 symtab, strtab, strsz;
	uint32_t		 rel, relsz, rela, relasz, jmprel, pltrelsz;
	int			 plt_is_rela;

	/* By .dynsym index, once an undefined symbol is met (or NULL). */
	struct kload_import	*imports;

	/* accept_only: the PT_LOADs, in order and disjoint, in the file. */
	struct kload_view {
		uint32_t		 vaddr, filesz;
		const unsigned char	*bytes;
	}			 view[KLOAD_MAXSEGS];
	size_t			 nview;
	size_t			 view_hit;	/* view[] of the last read */
	int			 view_short;	/* a read it could not serve */
};

/*
 * What the kernel does with each relocation type (kload_reloc_action()).
 * The loader model keeps this apart from the stages' reloc.c on purpose:
 * it checks their output, so it must not share their mistakes.
 * test_reloc.c checks that the two agree on every type.
 */
enum kload_reloc_action {
	KLOAD_RELOC_UNEXPECTED,	/* refused: "unexpected relocation type" */
	KLOAD_RELOC_COPY,	/* refused: "COPY relocs not supported" */
	KLOAD_RELOC_NONE,	/* ignored */
	KLOAD_RELOC_RELATIVE,	/* base + in-place value, moved by relocaddr() */
	KLOAD_RELOC_IRELATIVE,	/* base + in-place value: the resolver */
	KLOAD_RELOC_ABS32,	/* S + A */
	KLOAD_RELOC_PC32,	/* S + A - P */
	KLOAD_RELOC_SYMBOL	/* S (GLOB_DAT, JMP_SLOT) */
};

enum kload_reloc_action kload_reloc_action(unsigned type);

/*
 * Loads a module image as the kernel would.  Returns -1 only when the
 * model itself fails (err is set); a module the kernel refuses returns 0
 * with accepted == 0 and the kernel's message.
 */
int	kload_run(struct kload *k, const unsigned char *file, size_t size,
	    const char *path, struct padko_error *err);

/*
 * The word the kernel wants in the last 4 bytes of a set (link_elf.c).
 * The same number as PADKO_PAD_WORD, written out again on purpose: the
 * writer's self-check runs this model on its output, and a model that took
 * padko's own constant could not tell padko that it got it wrong.
 * test_kload.c checks that the two agree.
 */
#define	KLOAD_PADDING	0x90909090u

/* Where padko's own verification maps a module and its set areas. */
#define	KLOAD_DEFAULT_BASE	0x01000000u
#define	KLOAD_DEFAULT_PCPU	0x02000000u
#define	KLOAD_DEFAULT_VNET	0x03000000u

/* A resolver that gives every kernel symbol a distinct made-up address. */
int	kload_resolve_any(void *arg, const char *name, uint32_t *value);

/*
 * Looks a defined, global symbol up through DT_HASH; -1 if not found.
 * After an accept_only run, only while the file is still in memory.
 */
int	kload_lookup(struct kload *k, const char *name, uint32_t *value);

void	kload_free(struct kload *k);

#endif /* !PADKO_KLOAD_H */
