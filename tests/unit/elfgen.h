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
 * elfgen: synthesises small i386 ET_DYN images in memory for the unit
 * tests, and reads images (padko's output) back.  Modules and checks that
 * more than one test program uses live here too (at the end), not in a
 * copy in each.
 *
 * An image is built like this:
 *
 *	g = eg_new();			segment 0: R+X, vaddr 0, offset 0
 *	seg = eg_load(g, PF_R | PF_W, 0x1000, 0x1000);
 *	text = eg_section(g, 0, ".text", SHT_PROGBITS,
 *	    SHF_ALLOC | SHF_EXECINSTR, 0x800, 0x100, 16);
 *	vnet = eg_section(g, seg, "set_vnet", ...);
 *	eg_symbol(g, EG_DYNSYM, "__stop_set_vnet", ...);
 *	eg_relative(g, 0x1980, 0x19e0);
 *	eg_build(g, &image, &size);	malloc'd, for padko_open_memory()
 *	eg_free(g);
 *
 * Sections 1 to 4 are always .hash, .dynsym, .dynstr and .rel.dyn; they
 * are placed by the builder in segment 0 right after the program headers,
 * below the lowest address of any section the test puts in segment 0.
 * A section of type SHT_DYNAMIC gets its entries from the builder (the
 * usual DT_HASH ... DT_RELENT, then those added with eg_dynamic(), then
 * DT_NULL up to the size the test chose).  Every allocated section's file
 * offset is its address minus its segment's bias (vaddr - offset).  After
 * the loaded image come the non-allocated sections the test added,
 * .symtab and .strtab (when .symtab has symbols or eg_want_symtab() was
 * called), .shstrtab and the section header table.  The program headers
 * are one PT_LOAD per segment (from its lowest to its highest section,
 * segment 0 from address 0) and a PT_DYNAMIC when there is a .dynamic.
 *
 * Any misuse fails the running cmocka test.
 */
#ifndef ELFGEN_H
#define ELFGEN_H

#include <stddef.h>
#include <stdint.h>

#include <gelf.h>

#include "padko.h"

/* Fixed section indexes of the builder's own allocated sections. */
#define	EG_HASH		1
#define	EG_DYNSYM_SEC	2
#define	EG_DYNSTR	3
#define	EG_RELDYN	4
#define	EG_FIRST_USER	5

/* Which symbol table eg_symbol() adds to. */
enum eg_table {
	EG_DYNSYM,
	EG_SYMTAB
};

struct elfgen;

struct elfgen	*eg_new(void);
void		 eg_free(struct elfgen *g);

/* Header fields for images that are not ordinary i386 ET_DYN modules. */
void		 eg_set_type(struct elfgen *g, unsigned e_type);
void		 eg_set_machine(struct elfgen *g, unsigned e_machine);

/* Adds a PT_LOAD; returns its segment number for eg_section(). */
int		 eg_load(struct elfgen *g, uint32_t p_flags, uint32_t p_align,
		    uint32_t bias);

/*
 * Adds a section (segment -1: not allocated, placed after the image) and
 * returns its section index.  Contents start as zeroes.
 */
size_t		 eg_section(struct elfgen *g, int segment, const char *name,
		    uint32_t type, uint32_t flags, uint32_t addr,
		    uint32_t size, uint32_t align);
void		 eg_section_link(struct elfgen *g, size_t sec, uint32_t link,
		    uint32_t info, uint32_t entsize);

/* Writes contents: at a link-time address, or at an offset in a section. */
void		 eg_put32(struct elfgen *g, uint32_t addr, uint32_t value);
void		 eg_fill(struct elfgen *g, size_t sec, uint32_t off,
		    const void *bytes, size_t len);
/* Fills a section with a recognisable pattern: byte i is seed + i. */
void		 eg_pattern(struct elfgen *g, size_t sec, unsigned seed);

/*
 * Adds a symbol; returns its index in its table.  Local symbols must be
 * added before global ones.
 */
size_t		 eg_symbol(struct elfgen *g, enum eg_table table,
		    const char *name, uint32_t value, uint32_t size,
		    unsigned bind, unsigned type, unsigned other,
		    uint16_t shndx);
void		 eg_want_symtab(struct elfgen *g);

/* Adds a .rel.dyn entry. */
void		 eg_rel(struct elfgen *g, uint32_t offset, unsigned type,
		    size_t sym);
/* Adds an R_386_RELATIVE and writes its in-place value. */
void		 eg_relative(struct elfgen *g, uint32_t offset, uint32_t value);

/* Adds a .dynamic entry after the builder's own. */
void		 eg_dynamic(struct elfgen *g, int32_t tag, uint32_t value);

/*
 * Puts the non-allocated sections and the section header table right
 * after the builder's tables in segment 0 rather than at the end, so that
 * the file ends with the last byte of the last loaded section.
 */
void		 eg_tail_first(struct elfgen *g);

/* Produces the image (malloc'd). */
void		 eg_build(struct elfgen *g, unsigned char **imagep,
		    size_t *sizep);

/* The address where the builder placed one of its sections (after build). */
uint32_t	 eg_addr_of(const struct elfgen *g, size_t sec);

/*
 * Reading images back.
 */
struct eg_image {
	unsigned char	*buf;
	size_t		 size;
	Elf		*elf;
	GElf_Ehdr	 ehdr;
};

void		 eg_image_open(struct eg_image *img, const void *buf,
		    size_t size);
void		 eg_image_close(struct eg_image *img);
/* The header of the section called name; fails the test if missing. */
GElf_Shdr	 eg_image_shdr(const struct eg_image *img, const char *name);
int		 eg_image_has(const struct eg_image *img, const char *name);
size_t		 eg_image_phnum(const struct eg_image *img);
GElf_Phdr	 eg_image_phdr(const struct eg_image *img, size_t i);
/* The 32-bit word at a link-time address (through its section). */
uint32_t	 eg_image_word(const struct eg_image *img, uint32_t addr);
/* The bytes at a file offset. */
const unsigned char *eg_image_at(const struct eg_image *img, uint64_t off,
		    size_t len);
/* A symbol's value in .dynsym or .symtab; fails the test if missing. */
uint32_t	 eg_image_symbol(const struct eg_image *img,
		    enum eg_table table, const char *name);
size_t		 eg_image_nrel(const struct eg_image *img);
GElf_Rel	 eg_image_rel(const struct eg_image *img, size_t i);
/* The value of the first .dynamic entry with tag; fails if missing. */
uint32_t	 eg_image_dynamic(const struct eg_image *img, int32_t tag);

/*
 * Running padko: opens an image from memory and plans it.  Returns the
 * padko_plan() result; *mp is the module (or NULL if the open failed).
 */
int		 eg_padko(const unsigned char *image, size_t size,
		    struct padko_module **mp, struct padko_error *err);
/* Writes a planned module with padko_write_fd() and reads it back. */
void		 eg_padko_output(struct padko_module *m, unsigned char **bufp,
		    size_t *sizep);

/*
 * One whole run: builds g (and frees it), pads the image with padko, which
 * must succeed, opens both the input and the output for reading, and
 * checks both with eg_assert_congruent().
 */
struct eg_run {
	unsigned char		*in, *out;
	size_t			 insize, outsize;
	struct padko_module	*m;
	struct padko_error	 err;
	struct eg_image		 old, new;
};

void		 eg_run(struct elfgen *g, struct eg_run *r);
void		 eg_run_free(struct eg_run *r);
/* A cmocka group teardown: frees the runs of tests that failed. */
int		 eg_teardown(void **state);

/*
 * Asserts that every PT_LOAD has (p_vaddr - p_offset) a multiple of
 * p_align, and that every allocated section lies where its PT_LOAD maps it
 * (in memory, and in the file unless it is NOBITS).
 */
void		 eg_assert_congruent(const struct eg_image *img);

/*
 * Modules and checks that more than one test program shares.  The data
 * segment of each module below is segment 1 (bias 0x1000): a section of
 * it at address A lies at file offset A - 0x1000.
 */

/* Adds .text (0x800..0x900, segment 0) filled with a pattern. */
size_t		 eg_text(struct elfgen *g);
/* Adds a global dynamic symbol; returns its .dynsym index. */
size_t		 eg_dynsym(struct elfgen *g, const char *name,
		    uint32_t value, uint32_t size, unsigned type,
		    unsigned other, size_t sec);

/*
 * Starts a module: .text 0x800..0x900 in segment 0, a data segment
 * (bias 0x1000, flags seg_flags) with .dynamic 0x1900..0x1960 and set_vnet
 * at 0x1980 of the given size, with __start/__stop in .dynsym; 0x1960 to
 * 0x1980 is left for the tests.  Returns the data segment.
 */
int		 eg_vnet_module(struct elfgen *g, uint32_t seg_flags,
		    uint32_t set_size);
/*
 * eg_vnet_module() with set_vnet 0x1980..0x1990 followed by .data
 * 0x1990..0x19b0 (which moves by 4) and .bss; returns the data segment.
 */
int		 eg_moving_module(struct elfgen *g);
/*
 * The GNU ld layout: .bss starts exactly where set_vnet ends (elfgen.c
 * lists its sections, symbols and relocations, and what padko makes of
 * them).
 */
struct elfgen	*eg_gnu_module(void);

/* Asserts a relocation's output offset, type and in-place value. */
void		 eg_assert_rel(const struct eg_image *img, size_t i,
		    uint32_t offset, unsigned type, uint32_t value);
/*
 * Runs padko on an image and asserts that it fails with code and a
 * message that contains each of the given strings (NULL: any), and that
 * nothing can be written after the failed plan.  Returns nonzero when
 * padko_open() was the step that failed.
 */
int		 eg_assert_image_refused(const unsigned char *image,
		    size_t size, int code, const char *what1,
		    const char *what2);
/* Builds g (and frees it) and asserts that padko refuses the image. */
int		 eg_assert_refused(struct elfgen *g, int code,
		    const char *what1, const char *what2);

#endif /* !ELFGEN_H */
