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
 * oracle: check a padded i386 module against the truth kept in its ld -r
 * object.
 *
 *	oracle KLD PLAIN CANDIDATE
 *
 * KLD is the ld -r object that PLAIN (the module as linked) was linked
 * from; CANDIDATE is a final module made from it: padko's output, the
 * linker-padded build, or PLAIN itself.  A linked module keeps only the
 * value of each absolute reference; the ld -r object still has it as a
 * relocation against a symbol or section plus an addend, i.e. its target.
 * For every R_386_32 of KLD in an allocated section, this maps the site and
 * the target into CANDIDATE and checks what the FreeBSD kernel would make
 * of the site (docs/kernel-contract.md, "An address is not its target"):
 *
 *   (a) the value at the site (in place, plus the symbol of its dynamic
 *       relocation) is the target's address in CANDIDATE; an external
 *       target must be an R_386_32 against the same name;
 *   (b) the kernel's relocaddr() moves it into per-CPU/per-vnet storage
 *       (start <= x < stop of a set that CANDIDATE exports) exactly when
 *       the target is an object of that set: in the set's section, at an
 *       offset from 0 up to the set's size in KLD (one past the last
 *       object, the padding slot, included).  A bare __stop_set_X is
 *       a bound, not an object: only its value is checked (where the
 *       other set starts right after, the kernel moves it into that one,
 *       and no layout that keeps the sets adjacent can help it).
 *
 * Sections of KLD are placed in CANDIDATE by name (.text.*, .rodata.*,
 * .data.*, .bss.* into .text, .rodata, .data, .bss), at the offset that a
 * symbol defined in both gives (CANDIDATE's symbol tables, then PLAIN's,
 * which has .symtab when CANDIDATE is stripped), or at offset 0 when no
 * other input section goes there.  Merged constants (SHF_MERGE, string
 * literals) have no fixed offset: a target there is the value PLAIN has at
 * the site, moved as its output section moved from PLAIN to CANDIDATE.
 *
 * Prints one line per failed check and a summary line; exit status 0 if
 * every check passes, 1 if any fails, 2 on unreadable input.
 *
 * Only the libelf/gelf interfaces shared by elfutils and FreeBSD's
 * elftoolchain are used.
 */

#include <sys/types.h>

#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define	NSETS		2	/* sets the kernel moves */
#define	PADWORD		0x90909090u
#define	DESCLEN		256	/* buffer for a description */

/* Relocation types (i386), named here for portability. */
#define	X_R_386_32		1
#define	X_R_386_RELATIVE	8

static const char *const setnames[NSETS] = { "set_vnet", "set_pcpu" };

/* Output sections that gather input sections by prefix (name + "."). */
static const char *const gathered[] = {
	".text", ".rodata", ".data.rel.ro", ".data", ".bss", ".tdata", ".tbss",
};

/* One section: its header, name and contents. */
struct section {
	GElf_Shdr	 shdr;
	const char	*name;
	Elf_Data	*data;		/* NULL without file contents */
};

/* One symbol, decoded. */
struct sym {
	const char	*name;
	uint32_t	 value;
	uint32_t	 shndx;
	unsigned char	 type;
	unsigned char	 bind;
};

/* A symbol table, decoded. */
struct symtab {
	struct sym	*syms;
	size_t		 count;
};

/* A dynamic relocation of a linked module. */
struct dynrel {
	uint32_t	 offset;
	uint32_t	 type;
	const struct sym *sym;		/* NULL for symbol 0 */
};

/* A set as the kernel records it: [start, stop) moves. */
struct krange {
	bool		 present;
	uint32_t	 start;
	uint32_t	 stop;
};

/* One input file. */
struct elffile {
	const char	*path;
	int		 fd;
	Elf		*elf;
	GElf_Ehdr	 ehdr;
	size_t		 shnum;
	struct section	*sec;
	struct symtab	 symtab;	/* .symtab (empty if stripped) */
	struct symtab	 dynsym;	/* .dynsym (empty in an ld -r object) */
	struct dynrel	*rels;		/* sorted by offset */
	size_t		 nrels;
	struct krange	 kset[NSETS];
};

/* Where an input section of KLD went in a linked module. */
struct place {
	ssize_t		 out;		/* output section, -1 if none */
	int64_t		 off;		/* offset of the input section in it */
	bool		 known;		/* out and off are known */
};

/* An input section of KLD placed in CANDIDATE and in PLAIN. */
struct kldmap {
	struct place	 cand;
	struct place	 plain;
	const char	*why;		/* why it is not placed, or NULL */
};

/* What a reference of KLD points at. */
enum tkind {
	T_SECTION,	/* an offset in a section of KLD */
	T_MERGE,	/* an offset in a merged section of KLD */
	T_START,	/* __start_NAME: the start of output section NAME */
	T_STOP,		/* __stop_NAME: its end */
	T_LINKER,	/* another symbol the final link defines (_DYNAMIC) */
	T_EXTERN,	/* an undefined symbol: the kernel's */
	T_ABS		/* an absolute symbol */
};

struct target {
	enum tkind	 kind;
	const char	*name;		/* symbol (or section) name */
	int32_t		 addend;
	size_t		 sec;		/* T_SECTION, T_MERGE: KLD section */
	int64_t		 off;		/* T_SECTION, T_MERGE: offset in it */
	const char	*bound;		/* T_START, T_STOP: section name */
	uint32_t	 absval;	/* T_ABS: st_value + addend */
};

/* What a site holds in a linked module, and what the kernel makes of it. */
struct found {
	bool		 readable;	/* inside a section with contents */
	uint32_t	 inplace;
	const struct dynrel *rel;	/* NULL if not relocated */
	bool		 known;		/* value is the link-time value */
	uint32_t	 value;
	int		 moved;		/* set the kernel moves it into, or -1 */
};

/* What a site must hold. */
/* expect.moved for a value whose move is not judged (a bare __stop_X). */
#define	MOVE_UNJUDGED	(-2)

struct expect {
	bool		 known;		/* addr is known */
	uint32_t	 addr;
	int		 moved;		/* set it must move into, or -1 */
	const char	*why;		/* why addr is not known */
};

/* One R_386_32 of KLD being checked. */
struct site {
	size_t		 sec;		/* KLD section holding it */
	uint32_t	 off;		/* r_offset in it */
	uint32_t	 addr;		/* its address in CANDIDATE */
	bool		 mapped;	/* addr is known */
	bool		 failed;	/* a check failed */
	struct target	 target;
};

/* The three files, static: reachable from fatal(). */
static struct elffile kld, plain, cand;
static struct kldmap *kmap;
static unsigned long nchecked, nfailed;

static void	usage(void) __attribute__((__noreturn__));
static void	fatal(const struct elffile *, const char *, ...)
		    __attribute__((__noreturn__, __format__(__printf__, 2, 3)));
static uint32_t	le32(const unsigned char *);
static bool	section_word(const struct elffile *, size_t, uint64_t,
		    uint32_t *);
static bool	addr_word(const struct elffile *, uint32_t, uint32_t *);
static ssize_t	section_at(const struct elffile *, uint32_t);
static ssize_t	section_named(const struct elffile *, const char *);
static void	open_file(struct elffile *, const char *, Elf32_Half);
static void	load_sections(struct elffile *);
static void	load_symtab(struct elffile *, Elf64_Word, struct symtab *);
static int	dynrel_cmp(const void *, const void *);
static void	load_dynrels(struct elffile *);
static const struct sym *find_sym(const struct symtab *, const char *);
static void	load_kernel_sets(struct elffile *);
static int	kernel_set(const struct elffile *, uint32_t);
static int	set_index(const char *);
static ssize_t	out_section(const struct elffile *, const char *);
static bool	unique_kld_name(const char *);
static bool	offset_from_syms(const struct elffile *, size_t, ssize_t,
		    int64_t *);
static bool	single_input(size_t);
static void	place_section(size_t);
static void	place_all(void);
static void	read_site(const struct elffile *, uint32_t, struct found *);
static bool	resolve_target(const struct sym *, int32_t, struct target *);
static void	expect_target(const struct site *, struct expect *);
static void	expect_bound_move(const struct target *, struct expect *);
static void	expect_linker(const struct target *, struct expect *);
static void	expect_merged(const struct site *, struct expect *);
static const char *label(size_t, uint32_t, char *);
static const char *describe_target(const struct target *, char *);
static const char *describe_move(int, bool);
static void	fail(struct site *, const char *, const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));
static void	check_external(struct site *, const struct found *);
static void	check_value(struct site *, const struct found *,
		    const struct expect *);
static void	check_move(struct site *, const struct found *,
		    const struct expect *);
static void	check_reloc(size_t, size_t, const GElf_Rel *);
static void	check_all(void);

/* Prints the usage and exits with status 2. */
static void
usage(void)
{

	fprintf(stderr, "usage: oracle KLD PLAIN CANDIDATE\n");
	exit(2);
}

/* Reports unreadable input (file f, or none) and exits with status 2. */
static void
fatal(const struct elffile *f, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "oracle: ");
	if (f != NULL)
		fprintf(stderr, "%s: ", f->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

/* Decodes a little-endian 32-bit word. */
static uint32_t
le32(const unsigned char *p)
{

	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

/* Reads the word at offset off of section i of f; false if outside. */
static bool
section_word(const struct elffile *f, size_t i, uint64_t off, uint32_t *w)
{
	const Elf_Data *d;

	d = f->sec[i].data;
	if (d == NULL || d->d_buf == NULL || d->d_size < 4 ||
	    off > d->d_size - 4)
		return (false);
	*w = le32((const unsigned char *)d->d_buf + off);
	return (true);
}

/* Reads the word at address a of linked module f; false if unreadable. */
static bool
addr_word(const struct elffile *f, uint32_t a, uint32_t *w)
{
	ssize_t i;

	i = section_at(f, a);
	if (i < 0)
		return (false);
	return (section_word(f, (size_t)i, a - f->sec[i].shdr.sh_addr, w));
}

/* The allocated section of f with contents that holds address a, or -1. */
static ssize_t
section_at(const struct elffile *f, uint32_t a)
{
	const GElf_Shdr *sh;
	size_t i;

	for (i = 1; i < f->shnum; i++) {
		sh = &f->sec[i].shdr;
		if ((sh->sh_flags & SHF_ALLOC) == 0 ||
		    sh->sh_type == SHT_NOBITS || sh->sh_size == 0)
			continue;
		if (a >= sh->sh_addr && a - sh->sh_addr < sh->sh_size)
			return ((ssize_t)i);
	}
	return (-1);
}

/* The allocated section of f named name, or -1. */
static ssize_t
section_named(const struct elffile *f, const char *name)
{
	size_t i;

	for (i = 1; i < f->shnum; i++)
		if ((f->sec[i].shdr.sh_flags & SHF_ALLOC) != 0 &&
		    strcmp(f->sec[i].name, name) == 0)
			return ((ssize_t)i);
	return (-1);
}

/* Opens path as an ELF32 i386 file of type etype into f. */
static void
open_file(struct elffile *f, const char *path, Elf32_Half etype)
{

	f->path = path;
	f->fd = open(path, O_RDONLY);
	if (f->fd < 0)
		fatal(f, "cannot open");
	f->elf = elf_begin(f->fd, ELF_C_READ, NULL);
	if (f->elf == NULL || elf_kind(f->elf) != ELF_K_ELF)
		fatal(f, "not an ELF file");
	if (gelf_getclass(f->elf) != ELFCLASS32 ||
	    gelf_getehdr(f->elf, &f->ehdr) == NULL ||
	    f->ehdr.e_machine != EM_386 ||
	    f->ehdr.e_ident[EI_DATA] != ELFDATA2LSB)
		fatal(f, "not an ELF32 i386 file");
	if (f->ehdr.e_type != etype)
		fatal(f, "not %s", etype == ET_REL ? "an ld -r object (ET_REL)" :
		    "a linked module (ET_DYN)");
	load_sections(f);
	load_dynrels(f);
	load_kernel_sets(f);
}

/* Reads the section headers, names and contents, and the symbol tables. */
static void
load_sections(struct elffile *f)
{
	struct section *s;
	Elf_Scn *scn;
	size_t i, shstrndx;

	if (elf_getshdrnum(f->elf, &f->shnum) != 0 ||
	    elf_getshdrstrndx(f->elf, &shstrndx) != 0)
		fatal(f, "no section headers: %s", elf_errmsg(-1));
	f->sec = calloc(f->shnum, sizeof(*f->sec));
	if (f->sec == NULL)
		fatal(f, "out of memory");
	for (i = 1; i < f->shnum; i++) {
		s = &f->sec[i];
		scn = elf_getscn(f->elf, i);
		if (scn == NULL || gelf_getshdr(scn, &s->shdr) == NULL)
			fatal(f, "section %zu: %s", i, elf_errmsg(-1));
		s->name = elf_strptr(f->elf, shstrndx, s->shdr.sh_name);
		if (s->name == NULL)
			s->name = "";
		if (s->shdr.sh_type != SHT_NOBITS) {
			s->data = elf_getdata(scn, NULL);
			if (s->data == NULL && s->shdr.sh_size != 0)
				fatal(f, "%s: unreadable contents", s->name);
		}
	}
	for (i = 1; i < f->shnum; i++) {
		if (f->sec[i].shdr.sh_type == SHT_SYMTAB)
			load_symtab(f, (Elf64_Word)i, &f->symtab);
		else if (f->sec[i].shdr.sh_type == SHT_DYNSYM)
			load_symtab(f, (Elf64_Word)i, &f->dynsym);
	}
}

/* Decodes the symbol table in section i of f into t. */
static void
load_symtab(struct elffile *f, Elf64_Word i, struct symtab *t)
{
	const struct section *s;
	GElf_Sym gs;
	size_t j, n;

	s = &f->sec[i];
	if (s->data == NULL || s->shdr.sh_entsize == 0)
		return;
	n = s->shdr.sh_size / s->shdr.sh_entsize;
	t->syms = calloc(n > 0 ? n : 1, sizeof(*t->syms));
	if (t->syms == NULL)
		fatal(f, "out of memory");
	for (j = 0; j < n; j++) {
		if (gelf_getsym(s->data, (int)j, &gs) == NULL)
			fatal(f, "%s: symbol %zu unreadable", s->name, j);
		t->syms[j].name = elf_strptr(f->elf, s->shdr.sh_link,
		    gs.st_name);
		if (t->syms[j].name == NULL)
			t->syms[j].name = "";
		t->syms[j].value = (uint32_t)gs.st_value;
		t->syms[j].shndx = gs.st_shndx;
		t->syms[j].type = GELF_ST_TYPE(gs.st_info);
		t->syms[j].bind = GELF_ST_BIND(gs.st_info);
	}
	t->count = n;
}

/* Orders dynamic relocations by offset. */
static int
dynrel_cmp(const void *a, const void *b)
{
	const struct dynrel *x = a, *y = b;

	return (x->offset < y->offset ? -1 : x->offset > y->offset);
}

/* Collects the dynamic relocations (allocated SHT_REL sections) of f. */
static void
load_dynrels(struct elffile *f)
{
	const struct section *s;
	GElf_Rel r;
	size_t i, j, n, sym;

	for (i = 1; i < f->shnum; i++) {
		s = &f->sec[i];
		if (s->shdr.sh_type != SHT_REL ||
		    (s->shdr.sh_flags & SHF_ALLOC) == 0 || s->data == NULL ||
		    s->shdr.sh_entsize == 0)
			continue;
		n = s->shdr.sh_size / s->shdr.sh_entsize;
		f->rels = realloc(f->rels, (f->nrels + n + 1) *
		    sizeof(*f->rels));
		if (f->rels == NULL)
			fatal(f, "out of memory");
		for (j = 0; j < n; j++) {
			if (gelf_getrel(s->data, (int)j, &r) == NULL)
				fatal(f, "%s: relocation %zu unreadable",
				    s->name, j);
			sym = GELF_R_SYM(r.r_info);
			if (sym >= f->dynsym.count && sym != 0)
				fatal(f, "%s: relocation %zu: bad symbol",
				    s->name, j);
			f->rels[f->nrels].offset = (uint32_t)r.r_offset;
			f->rels[f->nrels].type = GELF_R_TYPE(r.r_info);
			f->rels[f->nrels].sym = sym != 0 ?
			    &f->dynsym.syms[sym] : NULL;
			f->nrels++;
		}
	}
	if (f->nrels > 0)
		qsort(f->rels, f->nrels, sizeof(*f->rels), dynrel_cmp);
}

/* The defined symbol named name in t, or NULL (also if not unique). */
static const struct sym *
find_sym(const struct symtab *t, const char *name)
{
	const struct sym *found;
	size_t i;

	found = NULL;
	for (i = 1; i < t->count; i++) {
		if (t->syms[i].shndx == SHN_UNDEF ||
		    strcmp(t->syms[i].name, name) != 0)
			continue;
		if (found != NULL && found->value != t->syms[i].value)
			return (NULL);
		found = &t->syms[i];
	}
	return (found);
}

/*
 * The sets the kernel would move in f: __start_set_X and __stop_set_X
 * defined and not local in .dynsym, more than the padding word alone.
 */
static void
load_kernel_sets(struct elffile *f)
{
	const struct sym *start, *stop;
	char name[64];
	uint32_t w;
	int s;

	for (s = 0; s < NSETS; s++) {
		snprintf(name, sizeof(name), "__start_%s", setnames[s]);
		start = find_sym(&f->dynsym, name);
		snprintf(name, sizeof(name), "__stop_%s", setnames[s]);
		stop = find_sym(&f->dynsym, name);
		if (start == NULL || stop == NULL ||
		    start->bind == STB_LOCAL || stop->bind == STB_LOCAL ||
		    stop->value <= start->value)
			continue;
		if (stop->value - start->value == 4 &&
		    addr_word(f, start->value, &w) && w == PADWORD)
			continue;
		f->kset[s].present = true;
		f->kset[s].start = start->value;
		f->kset[s].stop = stop->value;
	}
}

/* The set whose recorded range holds x in f (relocaddr() moves it), or -1. */
static int
kernel_set(const struct elffile *f, uint32_t x)
{
	int s;

	for (s = 0; s < NSETS; s++)
		if (f->kset[s].present && x >= f->kset[s].start &&
		    x < f->kset[s].stop)
			return (s);
	return (-1);
}

/* The index of the set named name, or -1. */
static int
set_index(const char *name)
{
	int s;

	for (s = 0; s < NSETS; s++)
		if (strcmp(setnames[s], name) == 0)
			return (s);
	return (-1);
}

/*
 * The output section of linked module f that gets the input section
 * named name: the same name, or the gathering section of its prefix.
 */
static ssize_t
out_section(const struct elffile *f, const char *name)
{
	ssize_t i;
	size_t g, len;

	i = section_named(f, name);
	if (i >= 0)
		return (i);
	for (g = 0; g < sizeof(gathered) / sizeof(gathered[0]); g++) {
		len = strlen(gathered[g]);
		if (strncmp(name, gathered[g], len) == 0 && name[len] == '.')
			return (section_named(f, gathered[g]));
	}
	return (-1);
}

/* Tells whether name is the name of exactly one symbol of KLD. */
static bool
unique_kld_name(const char *name)
{
	size_t i, n;

	n = 0;
	for (i = 1; i < kld.symtab.count; i++)
		if (strcmp(kld.symtab.syms[i].name, name) == 0)
			n++;
	return (n == 1);
}

/*
 * The offset of KLD section i in output section out of f, from a symbol
 * defined in both (f's .symtab, then its .dynsym); false if none tells.
 */
static bool
offset_from_syms(const struct elffile *f, size_t i, ssize_t out,
    int64_t *off)
{
	const struct symtab *tabs[2];
	const struct sym *ks, *fs;
	const GElf_Shdr *osh;
	size_t j, t;
	int64_t o;

	if (out < 0)
		return (false);
	osh = &f->sec[out].shdr;
	tabs[0] = &f->symtab;
	tabs[1] = &f->dynsym;
	for (j = 1; j < kld.symtab.count; j++) {
		ks = &kld.symtab.syms[j];
		if (ks->shndx != i || ks->type == STT_SECTION ||
		    ks->type == STT_FILE || ks->name[0] == '\0' ||
		    !unique_kld_name(ks->name))
			continue;
		for (t = 0; t < 2; t++) {
			fs = find_sym(tabs[t], ks->name);
			if (fs == NULL || fs->shndx != (uint32_t)out)
				continue;
			o = (int64_t)fs->value - (int64_t)osh->sh_addr -
			    (int64_t)ks->value;
			if (o < 0 || (uint64_t)o + kld.sec[i].shdr.sh_size >
			    osh->sh_size)
				continue;
			*off = o;
			return (true);
		}
	}
	return (false);
}

/* Tells whether KLD section i is the only input of its output section. */
static bool
single_input(size_t i)
{
	ssize_t out, o;
	size_t j;

	out = out_section(&plain, kld.sec[i].name);
	for (j = 1; j < kld.shnum; j++) {
		if (j == i || (kld.sec[j].shdr.sh_flags & SHF_ALLOC) == 0 ||
		    kld.sec[j].shdr.sh_size == 0)
			continue;
		o = out_section(&plain, kld.sec[j].name);
		if (o == out)
			return (false);
	}
	return (true);
}

/* Places KLD section i in CANDIDATE and in PLAIN (kmap[i]). */
static void
place_section(size_t i)
{
	struct kldmap *m;
	int64_t off;

	m = &kmap[i];
	m->cand.out = out_section(&cand, kld.sec[i].name);
	m->plain.out = out_section(&plain, kld.sec[i].name);
	if ((kld.sec[i].shdr.sh_flags & SHF_MERGE) != 0) {
		m->why = "merged section (no fixed offset)";
		return;
	}
	if (m->cand.out < 0) {
		m->why = "no output section for it in the candidate";
		return;
	}
	if (offset_from_syms(&cand, i, m->cand.out, &off) ||
	    offset_from_syms(&plain, i, m->plain.out, &off))
		;
	else if (m->plain.out >= 0 && single_input(i))
		off = 0;
	else {
		m->why = "no symbol places it in its output section";
		return;
	}
	m->cand.off = m->plain.off = off;
	m->cand.known = true;
	m->plain.known = m->plain.out >= 0;
}

/* Places every allocated section of KLD. */
static void
place_all(void)
{
	size_t i;

	kmap = calloc(kld.shnum, sizeof(*kmap));
	if (kmap == NULL)
		fatal(NULL, "out of memory");
	for (i = 1; i < kld.shnum; i++)
		if ((kld.sec[i].shdr.sh_flags & SHF_ALLOC) != 0)
			place_section(i);
}

/* Reads what linked module f holds at address a and what the kernel does. */
static void
read_site(const struct elffile *f, uint32_t a, struct found *fd)
{
	size_t lo, hi, mid;

	memset(fd, 0, sizeof(*fd));
	fd->moved = -1;
	fd->readable = addr_word(f, a, &fd->inplace);
	lo = 0;
	hi = f->nrels;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->rels[mid].offset < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < f->nrels && f->rels[lo].offset == a)
		fd->rel = &f->rels[lo];
	if (!fd->readable || fd->rel == NULL)
		return;
	if (fd->rel->type == X_R_386_RELATIVE) {
		fd->known = true;
		fd->value = fd->inplace;
		fd->moved = kernel_set(f, fd->inplace);
	} else if (fd->rel->type == X_R_386_32 && fd->rel->sym != NULL &&
	    fd->rel->sym->shndx != SHN_UNDEF) {
		fd->known = true;
		fd->value = fd->rel->sym->value + fd->inplace;
		fd->moved = kernel_set(f, fd->rel->sym->value);
	}
}

/* Decodes the target of a reference to symbol ks + addend; false if odd. */
static bool
resolve_target(const struct sym *ks, int32_t addend, struct target *t)
{

	memset(t, 0, sizeof(*t));
	t->addend = addend;
	t->name = ks->name;
	if (ks->shndx == SHN_UNDEF) {
		if (strncmp(ks->name, "__start_", 8) == 0 &&
		    ks->name[8] != '\0') {
			t->kind = T_START;
			t->bound = ks->name + 8;
		} else if (strncmp(ks->name, "__stop_", 7) == 0 &&
		    ks->name[7] != '\0') {
			t->kind = T_STOP;
			t->bound = ks->name + 7;
		} else if (strcmp(ks->name, "_DYNAMIC") == 0 ||
		    find_sym(&cand.symtab, ks->name) != NULL ||
		    find_sym(&cand.dynsym, ks->name) != NULL)
			t->kind = T_LINKER;
		else
			t->kind = T_EXTERN;
		return (true);
	}
	if (ks->shndx == SHN_ABS) {
		t->kind = T_ABS;
		t->absval = ks->value + (uint32_t)addend;
		return (true);
	}
	if (ks->shndx >= kld.shnum)
		return (false);
	t->sec = ks->shndx;
	t->off = (int64_t)ks->value + addend;
	if (ks->type == STT_SECTION || ks->name[0] == '\0')
		t->name = kld.sec[t->sec].name;
	t->kind = (kld.sec[t->sec].shdr.sh_flags & SHF_MERGE) != 0 ?
	    T_MERGE : T_SECTION;
	return (true);
}

/* What the site must hold in CANDIDATE: the target's address and set. */
static void
expect_target(const struct site *st, struct expect *ex)
{
	const struct target *t;
	const struct kldmap *m;
	const GElf_Shdr *ksh;
	ssize_t out;
	int s;

	t = &st->target;
	memset(ex, 0, sizeof(*ex));
	ex->moved = -1;
	switch (t->kind) {
	case T_SECTION:
		m = &kmap[t->sec];
		ksh = &kld.sec[t->sec].shdr;
		s = set_index(kld.sec[t->sec].name);
		if (s >= 0 && t->off >= 0 && (uint64_t)t->off <= ksh->sh_size)
			ex->moved = s;
		if (!m->cand.known) {
			ex->why = m->why;
			return;
		}
		ex->known = true;
		ex->addr = (uint32_t)(cand.sec[m->cand.out].shdr.sh_addr +
		    (uint64_t)(m->cand.off + t->off));
		return;
	case T_MERGE:
		expect_merged(st, ex);
		return;
	case T_START:
	case T_STOP:
		out = section_named(&cand, t->bound);
		if (out < 0) {
			ex->why = "no such section in the candidate";
			return;
		}
		ex->known = true;
		ex->addr = (uint32_t)cand.sec[out].shdr.sh_addr +
		    (uint32_t)t->addend;
		if (t->kind == T_STOP)
			ex->addr += (uint32_t)cand.sec[out].shdr.sh_size;
		expect_bound_move(t, ex);
		return;
	case T_LINKER:
		expect_linker(t, ex);
		return;
	case T_ABS:
		ex->known = true;
		ex->addr = t->absval;
		return;
	case T_EXTERN:
		return;
	}
}

/*
 * Whether __start_X + addend or __stop_X + addend must move: when it is an
 * object of set X in KLD.  __start_X is its first object; __stop_X itself is
 * not one (the kernel leaves it), whatever precedes it is.
 */
static void
expect_bound_move(const struct target *t, struct expect *ex)
{
	ssize_t ki;
	int64_t off, size;
	int s;

	s = set_index(t->bound);
	ki = section_named(&kld, t->bound);
	if (s < 0 || ki < 0)
		return;
	size = (int64_t)kld.sec[ki].shdr.sh_size;
	off = t->addend;
	/*
	 * __stop_X itself is a bound, no object: where another set starts
	 * right there the kernel moves it into that set, and where nothing
	 * does it leaves it; neither is wrong, the module cannot use it
	 * for an access.  Only its value is checked.
	 */
	if (t->kind == T_STOP && off == 0) {
		ex->moved = MOVE_UNJUDGED;
		return;
	}
	if (t->kind == T_STOP)
		off += size;
	if (off >= 0 && (off < size || (t->kind == T_START && off == size)))
		ex->moved = s;
}

/*
 * A symbol that the final link defines: _DYNAMIC is the start of .dynamic,
 * another one is where CANDIDATE's symbol tables say.
 */
static void
expect_linker(const struct target *t, struct expect *ex)
{
	const struct sym *s;
	ssize_t i;

	i = section_named(&cand, ".dynamic");
	if (strcmp(t->name, "_DYNAMIC") == 0 && i >= 0) {
		ex->known = true;
		ex->addr = (uint32_t)cand.sec[i].shdr.sh_addr +
		    (uint32_t)t->addend;
		return;
	}
	s = find_sym(&cand.symtab, t->name);
	if (s == NULL)
		s = find_sym(&cand.dynsym, t->name);
	if (s == NULL) {
		ex->why = "the candidate does not define it";
		return;
	}
	ex->known = true;
	ex->addr = s->value + (uint32_t)t->addend;
}

/*
 * A target in merged constants: PLAIN's value at the site, moved as its
 * output section moved from PLAIN to CANDIDATE.
 */
static void
expect_merged(const struct site *st, struct expect *ex)
{
	const struct kldmap *m;
	struct found pf;
	ssize_t pi, ci;

	m = &kmap[st->sec];
	if (!m->plain.known) {
		ex->why = "the site is not placed in the plain module";
		return;
	}
	read_site(&plain, (uint32_t)(plain.sec[m->plain.out].shdr.sh_addr +
	    (uint64_t)m->plain.off + st->off), &pf);
	if (!pf.known) {
		ex->why = "the plain module has no relocated value there";
		return;
	}
	pi = section_at(&plain, pf.value);
	ci = pi >= 0 ? section_named(&cand, plain.sec[pi].name) : -1;
	if (ci < 0) {
		ex->why = "the plain module's value is in no section of both";
		return;
	}
	ex->known = true;
	ex->addr = (uint32_t)(pf.value - plain.sec[pi].shdr.sh_addr +
	    cand.sec[ci].shdr.sh_addr);
}

/*
 * Names the place off in KLD section sec by the nearest symbol at or
 * before it (the smallest name on a tie), into buf.
 */
static const char *
label(size_t sec, uint32_t off, char *buf)
{
	const struct sym *best, *s;
	size_t i;

	best = NULL;
	for (i = 1; i < kld.symtab.count; i++) {
		s = &kld.symtab.syms[i];
		if (s->shndx != sec || s->value > off || s->name[0] == '\0' ||
		    s->type == STT_SECTION || s->type == STT_FILE)
			continue;
		if (best == NULL || s->value > best->value ||
		    (s->value == best->value && strcmp(s->name, best->name) < 0))
			best = s;
	}
	if (best == NULL)
		snprintf(buf, DESCLEN, "no label");
	else if (best->value == off)
		snprintf(buf, DESCLEN, "%s", best->name);
	else
		snprintf(buf, DESCLEN, "%s+0x%" PRIx32, best->name,
		    off - best->value);
	return (buf);
}

/* Describes a target: symbol + addend, and section + offset. */
static const char *
describe_target(const struct target *t, char *buf)
{
	char where[DESCLEN];
	const GElf_Shdr *ksh;
	int64_t a;

	a = t->addend;
	buf[0] = '\0';
	if (t->kind != T_SECTION && t->kind != T_MERGE)
		snprintf(buf, DESCLEN, "%s%s0x%" PRIx64, t->name,
		    a < 0 ? "-" : "+", (uint64_t)(a < 0 ? -a : a));
	else if (strcmp(t->name, kld.sec[t->sec].name) != 0)
		snprintf(buf, DESCLEN, "%s%s0x%" PRIx64 " = ", t->name,
		    a < 0 ? "-" : "+", (uint64_t)(a < 0 ? -a : a));
	if (t->kind != T_SECTION && t->kind != T_MERGE)
		return (buf);
	ksh = &kld.sec[t->sec].shdr;
	snprintf(where, sizeof(where), "%s%s0x%" PRIx64 "%s",
	    kld.sec[t->sec].name, t->off < 0 ? "-" : "+",
	    (uint64_t)(t->off < 0 ? -t->off : t->off),
	    set_index(kld.sec[t->sec].name) >= 0 &&
	    (uint64_t)t->off == ksh->sh_size ? " (one past its last object)" :
	    "");
	strncat(buf, where, DESCLEN - strlen(buf) - 1);
	return (buf);
}

/* Says where the kernel puts a value: moved into a set, or left. */
static const char *
describe_move(int s, bool want)
{
	static char buf[2][DESCLEN];

	if (s < 0)
		return ("left in place");
	snprintf(buf[want], DESCLEN, "moved into %s", setnames[s]);
	return (buf[want]);
}

/* Reports one failed check of site st. */
static void
fail(struct site *st, const char *check, const char *fmt, ...)
{
	char lab[DESCLEN], tgt[DESCLEN];
	va_list ap;

	if (!st->failed)
		nfailed++;
	st->failed = true;
	printf("FAIL %s+0x%" PRIx32 " (", kld.sec[st->sec].name, st->off);
	if (st->mapped)
		printf("0x%08" PRIx32 ", ", st->addr);
	printf("%s): target %s: (%s) ", label(st->sec, st->off, lab),
	    describe_target(&st->target, tgt), check);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Check (a) for a kernel symbol: an R_386_32 against it, the addend. */
static void
check_external(struct site *st, const struct found *fd)
{

	if (fd->rel == NULL || fd->rel->type != X_R_386_32 ||
	    fd->rel->sym == NULL) {
		fail(st, "a", "no R_386_32 against %s at the site",
		    st->target.name);
		return;
	}
	if (strcmp(fd->rel->sym->name, st->target.name) != 0)
		fail(st, "a", "R_386_32 against %s, want %s",
		    fd->rel->sym->name, st->target.name);
	if (fd->inplace != (uint32_t)st->target.addend)
		fail(st, "a", "in-place addend 0x%" PRIx32 ", want 0x%" PRIx32,
		    fd->inplace, (uint32_t)st->target.addend);
}

/* Check (a): the value at the site is the target's address. */
static void
check_value(struct site *st, const struct found *fd, const struct expect *ex)
{

	if (!ex->known) {
		fail(st, "a", "cannot place the target: %s", ex->why);
		return;
	}
	if (fd->rel == NULL && st->target.kind != T_ABS) {
		fail(st, "a", "no dynamic relocation at the site (value "
		    "0x%" PRIx32 ", want 0x%" PRIx32 ")", fd->inplace, ex->addr);
		return;
	}
	if (fd->rel != NULL && !fd->known) {
		fail(st, "a", "dynamic relocation of type %" PRIu32
		    " at the site, want R_386_RELATIVE or R_386_32 against a "
		    "defined symbol", fd->rel->type);
		return;
	}
	if ((fd->rel != NULL ? fd->value : fd->inplace) != ex->addr)
		fail(st, "a", "value 0x%" PRIx32 ", want 0x%" PRIx32,
		    fd->rel != NULL ? fd->value : fd->inplace, ex->addr);
}

/* Check (b): the kernel moves the value exactly when it must. */
static void
check_move(struct site *st, const struct found *fd, const struct expect *ex)
{

	if (ex->moved != MOVE_UNJUDGED && fd->moved != ex->moved)
		fail(st, "b", "the kernel has it %s, want %s",
		    describe_move(fd->moved, false),
		    describe_move(ex->moved, true));
}

/* Checks relocation r of KLD section rs, which applies to section sec. */
static void
check_reloc(size_t rs, size_t sec, const GElf_Rel *r)
{
	const struct kldmap *m;
	struct expect ex;
	struct found fd;
	struct site st;
	uint32_t addend;
	size_t sym;

	if (GELF_R_TYPE(r->r_info) != X_R_386_32)
		return;
	nchecked++;
	memset(&st, 0, sizeof(st));
	st.sec = sec;
	st.off = (uint32_t)r->r_offset;
	sym = GELF_R_SYM(r->r_info);
	if (sym == 0 || sym >= kld.symtab.count ||
	    !section_word(&kld, sec, r->r_offset, &addend))
		fatal(&kld, "%s: relocation at 0x%" PRIx32 " unreadable",
		    kld.sec[rs].name, st.off);
	if (!resolve_target(&kld.symtab.syms[sym], (int32_t)addend,
	    &st.target))
		fatal(&kld, "%s: relocation at 0x%" PRIx32 ": bad symbol",
		    kld.sec[rs].name, st.off);
	m = &kmap[sec];
	if (!m->cand.known) {
		fail(&st, "map", "cannot place %s in the candidate: %s",
		    kld.sec[sec].name, m->why);
		return;
	}
	st.mapped = true;
	st.addr = (uint32_t)(cand.sec[m->cand.out].shdr.sh_addr +
	    (uint64_t)m->cand.off + st.off);
	read_site(&cand, st.addr, &fd);
	if (!fd.readable) {
		fail(&st, "map", "the site is in no section with contents");
		return;
	}
	if (st.target.kind == T_EXTERN) {
		check_external(&st, &fd);
		return;
	}
	expect_target(&st, &ex);
	check_value(&st, &fd, &ex);
	check_move(&st, &fd, &ex);
}

/* Checks every R_386_32 of KLD that applies to an allocated section. */
static void
check_all(void)
{
	const struct section *s;
	GElf_Rel r;
	size_t i, j, n;

	for (i = 1; i < kld.shnum; i++) {
		s = &kld.sec[i];
		if (s->shdr.sh_type != SHT_REL || s->data == NULL ||
		    s->shdr.sh_entsize == 0 || s->shdr.sh_info == 0 ||
		    s->shdr.sh_info >= kld.shnum ||
		    (kld.sec[s->shdr.sh_info].shdr.sh_flags & SHF_ALLOC) == 0)
			continue;
		n = s->shdr.sh_size / s->shdr.sh_entsize;
		for (j = 0; j < n; j++) {
			if (gelf_getrel(s->data, (int)j, &r) == NULL)
				fatal(&kld, "%s: relocation %zu unreadable",
				    s->name, j);
			check_reloc(i, s->shdr.sh_info, &r);
		}
	}
}

int
main(int argc, char **argv)
{

	if (argc != 4)
		usage();
	if (elf_version(EV_CURRENT) == EV_NONE)
		fatal(NULL, "libelf is out of date");
	open_file(&kld, argv[1], ET_REL);
	open_file(&plain, argv[2], ET_DYN);
	open_file(&cand, argv[3], ET_DYN);
	if (kld.symtab.count == 0)
		fatal(&kld, "no symbol table");
	place_all();
	check_all();
	printf("oracle: %s: %lu references checked, %lu failed\n", cand.path,
	    nchecked, nfailed);
	return (nfailed > 0 ? 1 : 0);
}
