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
 * elfgen: the test-side ELF builder and reader (see elfgen.h).  It writes
 * images with libelf under ELF_F_LAYOUT, so that every offset is the one
 * chosen here, into a temporary file, and reads the bytes back.  At the
 * end, the modules and checks that more than one test program shares.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "elfgen.h"

#define	EG_MAXSEC	32
#define	EG_MAXSEG	6
#define	EG_MAXSYM	64
#define	EG_MAXREL	128
#define	EG_MAXDYN	32
#define	EG_MAXSTR	4096
#define	EG_EHSIZE	52
#define	EG_PHSIZE	32
#define	EG_SHSIZE	40

struct eg_sec {
	char		 name[64];
	uint32_t	 type, flags, addr, size, align;
	uint32_t	 link, info, entsize;
	int		 segment;
	unsigned char	*buf;		/* contents, size bytes (not NOBITS) */
	uint32_t	 offset;	/* chosen by eg_build() */
	uint32_t	 nameoff;	/* in .shstrtab */
	Elf_Type	 dtype;
};

struct eg_seg {
	uint32_t	 flags, align, bias;
};

struct eg_sym {
	char		 name[64];
	uint32_t	 value, size;
	unsigned char	 info, other;
	uint16_t	 shndx;
};

struct eg_strtab {
	char		 buf[EG_MAXSTR];
	size_t		 len;
};

struct elfgen {
	unsigned	 e_type, e_machine;
	/* All sections, by index; 0 is the null section. */
	struct eg_sec	 sec[EG_MAXSEC];
	size_t		 nsec;
	size_t		 nuser;		/* user sections: EG_FIRST_USER.. */
	struct eg_seg	 seg[EG_MAXSEG];
	size_t		 nseg;
	struct eg_sym	 sym[2][EG_MAXSYM];
	size_t		 nsym[2];
	Elf32_Rel	 rel[EG_MAXREL];
	size_t		 nrel;
	Elf32_Dyn	 dyn[EG_MAXDYN];
	size_t		 ndyn;
	int		 want_symtab;
	int		 tail_first;
	int		 built;
};

/* Rounds v up to a multiple of align (0 and 1: no alignment). */
static uint32_t
eg_align(uint32_t v, uint32_t align)
{

	if (align <= 1)
		return (v);
	return ((v + align - 1) / align * align);
}

/* Appends a name to a string table and returns its offset. */
static uint32_t
eg_str(struct eg_strtab *t, const char *s)
{
	size_t len, off;

	if (t->len == 0)
		t->buf[t->len++] = '\0';
	if (s[0] == '\0')
		return (0);
	len = strlen(s) + 1;
	if (t->len + len > sizeof(t->buf))
		fail_msg("elfgen: string table full");
	off = t->len;
	memcpy(t->buf + off, s, len);
	t->len += len;
	return ((uint32_t)off);
}

/* Adds a section header slot with no contents yet. */
static size_t
eg_add_sec(struct elfgen *g, const char *name, uint32_t type,
    uint32_t flags, uint32_t addr, uint32_t size, uint32_t align,
    int segment)
{
	struct eg_sec *s;

	if (g->nsec >= EG_MAXSEC)
		fail_msg("elfgen: too many sections");
	s = &g->sec[g->nsec];
	memset(s, 0, sizeof(*s));
	if (strlen(name) >= sizeof(s->name))
		fail_msg("elfgen: section name too long");
	strcpy(s->name, name);
	s->type = type;
	s->flags = flags;
	s->addr = addr;
	s->size = size;
	s->align = align;
	s->segment = segment;
	s->dtype = ELF_T_BYTE;
	return (g->nsec++);
}

struct elfgen *
eg_new(void)
{
	struct elfgen *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		fail_msg("elfgen: out of memory");
	g->e_type = ET_DYN;
	g->e_machine = EM_386;
	g->nsec = 1;
	eg_add_sec(g, ".hash", SHT_HASH, SHF_ALLOC, 0, 0, 4, 0);
	eg_add_sec(g, ".dynsym", SHT_DYNSYM, SHF_ALLOC, 0, 0, 4, 0);
	eg_add_sec(g, ".dynstr", SHT_STRTAB, SHF_ALLOC, 0, 0, 1, 0);
	eg_add_sec(g, ".rel.dyn", SHT_REL, SHF_ALLOC, 0, 0, 4, 0);
	g->seg[0].flags = PF_R | PF_X;
	g->seg[0].align = 0x1000;
	g->seg[0].bias = 0;
	g->nseg = 1;
	return (g);
}

void
eg_free(struct elfgen *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nsec; i++)
		free(g->sec[i].buf);
	free(g);
}

void
eg_set_type(struct elfgen *g, unsigned e_type)
{

	g->e_type = e_type;
}

void
eg_set_machine(struct elfgen *g, unsigned e_machine)
{

	g->e_machine = e_machine;
}

int
eg_load(struct elfgen *g, uint32_t p_flags, uint32_t p_align, uint32_t bias)
{

	if (g->nseg >= EG_MAXSEG)
		fail_msg("elfgen: too many segments");
	g->seg[g->nseg].flags = p_flags;
	g->seg[g->nseg].align = p_align;
	g->seg[g->nseg].bias = bias;
	return ((int)g->nseg++);
}

size_t
eg_section(struct elfgen *g, int segment, const char *name, uint32_t type,
    uint32_t flags, uint32_t addr, uint32_t size, uint32_t align)
{
	struct eg_sec *s;
	size_t i;

	if (g->nuser != g->nsec - EG_FIRST_USER)
		fail_msg("elfgen: sections added after eg_build");
	if (segment >= (int)g->nseg)
		fail_msg("elfgen: %s: no segment %d", name, segment);
	if ((segment >= 0) != ((flags & SHF_ALLOC) != 0))
		fail_msg("elfgen: %s: allocated iff in a segment", name);
	i = eg_add_sec(g, name, type, flags, addr, size, align, segment);
	g->nuser++;
	s = &g->sec[i];
	if (type != SHT_NOBITS && (s->buf = calloc(1, size + 1)) == NULL)
		fail_msg("elfgen: out of memory");
	if (type == SHT_DYNAMIC) {
		s->link = EG_DYNSTR;
		s->entsize = sizeof(Elf32_Dyn);
		if (size % sizeof(Elf32_Dyn) != 0)
			fail_msg("elfgen: .dynamic size %#x", size);
	}
	return (i);
}

void
eg_section_link(struct elfgen *g, size_t sec, uint32_t link, uint32_t info,
    uint32_t entsize)
{

	g->sec[sec].link = link;
	g->sec[sec].info = info;
	g->sec[sec].entsize = entsize;
}

void
eg_put32(struct elfgen *g, uint32_t addr, uint32_t value)
{
	struct eg_sec *s;
	unsigned char *p;
	size_t i;

	for (i = EG_FIRST_USER; i < g->nsec; i++) {
		s = &g->sec[i];
		if (!(s->flags & SHF_ALLOC) || s->type == SHT_NOBITS ||
		    s->buf == NULL || addr < s->addr ||
		    (uint64_t)addr + 4 > (uint64_t)s->addr + s->size)
			continue;
		p = s->buf + (addr - s->addr);
		p[0] = value & 0xff;
		p[1] = (value >> 8) & 0xff;
		p[2] = (value >> 16) & 0xff;
		p[3] = (value >> 24) & 0xff;
		return;
	}
	fail_msg("elfgen: no section with contents holds %#x..%#x", addr,
	    addr + 3);
}

void
eg_fill(struct elfgen *g, size_t sec, uint32_t off, const void *bytes,
    size_t len)
{
	struct eg_sec *s;

	s = &g->sec[sec];
	if (s->buf == NULL || off > s->size || len > s->size - off)
		fail_msg("elfgen: %s: fill %#x+%zu outside", s->name, off,
		    len);
	memcpy(s->buf + off, bytes, len);
}

void
eg_pattern(struct elfgen *g, size_t sec, unsigned seed)
{
	struct eg_sec *s;
	uint32_t i;

	s = &g->sec[sec];
	if (s->buf == NULL)
		fail_msg("elfgen: %s: no contents", s->name);
	for (i = 0; i < s->size; i++)
		s->buf[i] = (unsigned char)(seed + i);
}

size_t
eg_symbol(struct elfgen *g, enum eg_table table, const char *name,
    uint32_t value, uint32_t size, unsigned bind, unsigned type,
    unsigned other, uint16_t shndx)
{
	struct eg_sym *sym;
	size_t n;

	n = g->nsym[table];
	if (n >= EG_MAXSYM)
		fail_msg("elfgen: too many symbols");
	if (bind == STB_LOCAL && n > 0 &&
	    ELF32_ST_BIND(g->sym[table][n - 1].info) != STB_LOCAL)
		fail_msg("elfgen: local symbol %s after a global one", name);
	sym = &g->sym[table][n];
	if (strlen(name) >= sizeof(sym->name))
		fail_msg("elfgen: symbol name too long");
	strcpy(sym->name, name);
	sym->value = value;
	sym->size = size;
	sym->info = (unsigned char)ELF32_ST_INFO(bind, type);
	sym->other = (unsigned char)other;
	sym->shndx = shndx;
	g->nsym[table]++;
	return (n + 1);
}

void
eg_want_symtab(struct elfgen *g)
{

	g->want_symtab = 1;
}

void
eg_tail_first(struct elfgen *g)
{

	g->tail_first = 1;
}

void
eg_rel(struct elfgen *g, uint32_t offset, unsigned type, size_t sym)
{

	if (g->nrel >= EG_MAXREL)
		fail_msg("elfgen: too many relocations");
	g->rel[g->nrel].r_offset = offset;
	g->rel[g->nrel].r_info = ELF32_R_INFO((Elf32_Word)sym, type);
	g->nrel++;
}

void
eg_relative(struct elfgen *g, uint32_t offset, uint32_t value)
{

	eg_put32(g, offset, value);
	eg_rel(g, offset, R_386_RELATIVE, 0);
}

void
eg_dynamic(struct elfgen *g, int32_t tag, uint32_t value)
{

	if (g->ndyn >= EG_MAXDYN)
		fail_msg("elfgen: too many .dynamic entries");
	g->dyn[g->ndyn].d_tag = tag;
	g->dyn[g->ndyn].d_un.d_val = value;
	g->ndyn++;
}

uint32_t
eg_addr_of(const struct elfgen *g, size_t sec)
{

	if (!g->built || sec >= g->nsec)
		fail_msg("elfgen: eg_addr_of before eg_build");
	return (g->sec[sec].addr);
}

/* Builds a symbol table and its string table; returns the entry count. */
static size_t
eg_make_symtab(struct elfgen *g, enum eg_table table, Elf32_Sym **symsp,
    struct eg_strtab *str, uint32_t *firstglobal)
{
	const struct eg_sym *in;
	Elf32_Sym *out;
	size_t i, n;

	n = g->nsym[table] + 1;
	if ((out = calloc(n, sizeof(*out))) == NULL)
		fail_msg("elfgen: out of memory");
	eg_str(str, "");
	*firstglobal = (uint32_t)n;
	for (i = 1; i < n; i++) {
		in = &g->sym[table][i - 1];
		out[i].st_name = eg_str(str, in->name);
		out[i].st_value = in->value;
		out[i].st_size = in->size;
		out[i].st_info = in->info;
		out[i].st_other = in->other;
		out[i].st_shndx = in->shndx;
		if (ELF32_ST_BIND(in->info) != STB_LOCAL &&
		    *firstglobal == n)
			*firstglobal = (uint32_t)i;
	}
	*symsp = out;
	return (n);
}

/* Builds the SysV hash table of .dynsym. */
static Elf32_Word *
eg_make_hash(const Elf32_Sym *syms, size_t nsyms, const char *strs,
    size_t *sizep)
{
	Elf32_Word *h, *bucket, *chain, nbucket, b;
	size_t i;

	nbucket = 3;
	if ((h = calloc(2 + nbucket + nsyms, sizeof(*h))) == NULL)
		fail_msg("elfgen: out of memory");
	h[0] = nbucket;
	h[1] = (Elf32_Word)nsyms;
	bucket = h + 2;
	chain = bucket + nbucket;
	for (i = 1; i < nsyms; i++) {
		b = (Elf32_Word)elf_hash(strs + syms[i].st_name) % nbucket;
		chain[i] = bucket[b];
		bucket[b] = (Elf32_Word)i;
	}
	*sizep = (2 + nbucket + nsyms) * sizeof(*h);
	return (h);
}

/* Gives a builder section its contents (which it then owns). */
static void
eg_own(struct eg_sec *s, void *buf, size_t size, Elf_Type type)
{

	free(s->buf);
	s->buf = buf;
	s->size = (uint32_t)size;
	s->dtype = type;
}

/* Fills a user .dynamic section with the builder's entries. */
static void
eg_fill_dynamic(struct elfgen *g, struct eg_sec *s)
{
	Elf32_Dyn *d;
	size_t n, max, i;

	max = s->size / sizeof(*d);
	if ((d = calloc(max > 0 ? max : 1, sizeof(*d))) == NULL)
		fail_msg("elfgen: out of memory");
	n = 0;
#define	EG_DYN(tag, val) do {						\
	if (n >= max)							\
		fail_msg("elfgen: .dynamic of %u bytes is too small",	\
		    s->size);						\
	d[n].d_tag = (tag);						\
	d[n].d_un.d_val = (val);					\
	n++;								\
} while (0)
	EG_DYN(DT_HASH, g->sec[EG_HASH].addr);
	EG_DYN(DT_STRTAB, g->sec[EG_DYNSTR].addr);
	EG_DYN(DT_SYMTAB, g->sec[EG_DYNSYM_SEC].addr);
	EG_DYN(DT_STRSZ, g->sec[EG_DYNSTR].size);
	EG_DYN(DT_SYMENT, sizeof(Elf32_Sym));
	EG_DYN(DT_REL, g->sec[EG_RELDYN].addr);
	EG_DYN(DT_RELSZ, g->sec[EG_RELDYN].size);
	EG_DYN(DT_RELENT, sizeof(Elf32_Rel));
	for (i = 0; i < g->ndyn; i++)
		EG_DYN(g->dyn[i].d_tag, g->dyn[i].d_un.d_val);
	EG_DYN(DT_NULL, 0);
#undef EG_DYN
	eg_own(s, d, max * sizeof(*d), ELF_T_DYN);
}

/* Sets an ELF or libelf failure as the test's failure. */
static void
eg_elf_fail(const char *what)
{

	fail_msg("elfgen: %s: %s", what, elf_errmsg(-1));
}

/* Reads a whole descriptor into a malloc'd buffer. */
static void
eg_slurp(int fd, unsigned char **bufp, size_t *sizep)
{
	unsigned char *buf;
	off_t end;
	size_t done;
	ssize_t n;

	if ((end = lseek(fd, 0, SEEK_END)) < 0)
		fail_msg("elfgen: lseek: %s", strerror(errno));
	if ((buf = malloc(end > 0 ? (size_t)end : 1)) == NULL)
		fail_msg("elfgen: out of memory");
	for (done = 0; done < (size_t)end; done += (size_t)n) {
		n = pread(fd, buf + done, (size_t)end - done, (off_t)done);
		if (n <= 0)
			fail_msg("elfgen: pread: %s", strerror(errno));
	}
	*bufp = buf;
	*sizep = (size_t)end;
}

/* Places every section: the builder's, the test's, and the file tail. */
static uint32_t
eg_place(struct elfgen *g, size_t nphdr, size_t first_tail)
{
	struct eg_sec *s;
	uint32_t dot, lowest, end;
	size_t i;

	/* The builder's sections, right after the program headers. */
	dot = EG_EHSIZE + (uint32_t)nphdr * EG_PHSIZE;
	for (i = EG_HASH; i <= EG_RELDYN; i++) {
		s = &g->sec[i];
		dot = eg_align(dot, s->align);
		s->addr = s->offset = dot;
		dot += s->size;
	}
	lowest = UINT32_MAX;
	for (i = EG_FIRST_USER; i < first_tail; i++)
		if (g->sec[i].segment == 0 && g->sec[i].addr < lowest)
			lowest = g->sec[i].addr;
	if (dot > lowest)
		fail_msg("elfgen: headers and dynamic tables end at %#x, "
		    "past the first section of segment 0 (%#x)", dot, lowest);
	/* The test's allocated sections: offset = address - bias. */
	end = dot;
	for (i = EG_FIRST_USER; i < first_tail; i++) {
		s = &g->sec[i];
		if (s->segment < 0)
			continue;
		if (s->addr < g->seg[s->segment].bias)
			fail_msg("elfgen: %s below its segment's bias",
			    s->name);
		s->offset = s->addr - g->seg[s->segment].bias;
		if (s->type != SHT_NOBITS && s->offset + s->size > end)
			end = s->offset + s->size;
	}
	/* Then the file tail, packed in section order. */
	if (g->tail_first)
		end = dot;
	for (i = EG_FIRST_USER; i < g->nsec; i++) {
		s = &g->sec[i];
		if (i < first_tail && s->segment >= 0)
			continue;
		end = eg_align(end, s->align);
		s->offset = end;
		if (s->type != SHT_NOBITS)
			end += s->size;
	}
	end = eg_align(end, 4);
	if (g->tail_first && end + (uint32_t)g->nsec * EG_SHSIZE > lowest)
		fail_msg("elfgen: the file tail does not fit below %#x",
		    lowest);
	return (end);
}

/* Computes one PT_LOAD from the sections of its segment. */
static void
eg_make_load(const struct elfgen *g, int seg, size_t first_tail,
    GElf_Phdr *ph)
{
	const struct eg_sec *s;
	uint32_t lo, hi, fhi;
	size_t i;

	lo = seg == 0 ? 0 : UINT32_MAX;
	hi = fhi = 0;
	for (i = 1; i < first_tail; i++) {
		s = &g->sec[i];
		if (i >= EG_FIRST_USER ? s->segment != seg : seg != 0)
			continue;
		if (s->addr < lo)
			lo = s->addr;
		if (s->addr + s->size > hi)
			hi = s->addr + s->size;
		if (s->type != SHT_NOBITS && s->addr + s->size > fhi)
			fhi = s->addr + s->size;
	}
	if (lo == UINT32_MAX)
		fail_msg("elfgen: segment %d has no sections", seg);
	memset(ph, 0, sizeof(*ph));
	ph->p_type = PT_LOAD;
	ph->p_flags = g->seg[seg].flags;
	ph->p_align = g->seg[seg].align;
	ph->p_vaddr = ph->p_paddr = lo;
	ph->p_offset = lo - g->seg[seg].bias;
	ph->p_filesz = fhi > lo ? fhi - lo : 0;
	ph->p_memsz = hi - lo;
}

/* Writes the image with libelf into fd. */
static void
eg_write(struct elfgen *g, int fd, size_t nphdr, size_t first_tail,
    uint32_t shoff, const struct eg_sec *dynamic)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	GElf_Shdr sh;
	Elf_Data *d;
	Elf_Scn *scn;
	Elf *e;
	struct eg_sec *s;
	size_t i;
	int k;

	if ((e = elf_begin(fd, ELF_C_WRITE, NULL)) == NULL)
		eg_elf_fail("elf_begin");
	if (gelf_newehdr(e, ELFCLASS32) == NULL)
		eg_elf_fail("gelf_newehdr");
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	if (gelf_getehdr(e, &eh) == NULL)
		eg_elf_fail("gelf_getehdr");
	eh.e_ident[EI_MAG0] = ELFMAG0;
	eh.e_ident[EI_MAG1] = ELFMAG1;
	eh.e_ident[EI_MAG2] = ELFMAG2;
	eh.e_ident[EI_MAG3] = ELFMAG3;
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_FREEBSD;
	eh.e_type = (GElf_Half)g->e_type;
	eh.e_machine = (GElf_Half)g->e_machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = nphdr > 0 ? EG_EHSIZE : 0;
	eh.e_shoff = shoff;
	eh.e_shstrndx = (GElf_Half)(g->nsec - 1);
	if (gelf_update_ehdr(e, &eh) == 0)
		eg_elf_fail("gelf_update_ehdr");
	if (nphdr > 0) {
		if (gelf_newphdr(e, nphdr) == NULL)
			eg_elf_fail("gelf_newphdr");
		for (k = 0; k < (int)g->nseg; k++) {
			eg_make_load(g, k, first_tail, &ph);
			if (gelf_update_phdr(e, k, &ph) == 0)
				eg_elf_fail("gelf_update_phdr");
		}
		if (dynamic != NULL) {
			memset(&ph, 0, sizeof(ph));
			ph.p_type = PT_DYNAMIC;
			ph.p_flags = PF_R | PF_W;
			ph.p_align = 4;
			ph.p_vaddr = ph.p_paddr = dynamic->addr;
			ph.p_offset = dynamic->offset;
			ph.p_filesz = ph.p_memsz = dynamic->size;
			if (gelf_update_phdr(e, k, &ph) == 0)
				eg_elf_fail("gelf_update_phdr");
		}
	}
	for (i = 1; i < g->nsec; i++) {
		s = &g->sec[i];
		if ((scn = elf_newscn(e)) == NULL)
			eg_elf_fail("elf_newscn");
		if (s->type != SHT_NOBITS && s->size > 0) {
			if ((d = elf_newdata(scn)) == NULL)
				eg_elf_fail("elf_newdata");
			d->d_buf = s->buf;
			d->d_size = s->size;
			d->d_type = s->dtype;
			d->d_align = s->align > 0 ? s->align : 1;
			d->d_off = 0;
			d->d_version = EV_CURRENT;
		}
		if (gelf_getshdr(scn, &sh) == NULL)
			eg_elf_fail("gelf_getshdr");
		sh.sh_name = s->nameoff;
		sh.sh_type = s->type;
		sh.sh_flags = s->flags;
		sh.sh_addr = s->addr;
		sh.sh_offset = s->offset;
		sh.sh_size = s->size;
		sh.sh_link = s->link;
		sh.sh_info = s->info;
		sh.sh_addralign = s->align;
		sh.sh_entsize = s->entsize;
		if (gelf_update_shdr(scn, &sh) == 0)
			eg_elf_fail("gelf_update_shdr");
	}
	if (elf_update(e, ELF_C_NULL) < 0)
		eg_elf_fail("elf_update(ELF_C_NULL)");
	if (elf_update(e, ELF_C_WRITE) < 0)
		eg_elf_fail("elf_update(ELF_C_WRITE)");
	elf_end(e);
}

void
eg_build(struct elfgen *g, unsigned char **imagep, size_t *sizep)
{
	struct eg_strtab dynstr, strtab, shstrtab;
	struct eg_sec *dynamic;
	Elf32_Sym *syms;
	Elf32_Word *hash;
	uint32_t firstglobal, shoff;
	size_t i, n, size, first_tail, nphdr, symtab;
	FILE *f;

	if (g->built)
		fail_msg("elfgen: built twice");
	if (elf_version(EV_CURRENT) == EV_NONE)
		eg_elf_fail("elf_version");
	memset(&dynstr, 0, sizeof(dynstr));
	memset(&strtab, 0, sizeof(strtab));
	memset(&shstrtab, 0, sizeof(shstrtab));
	first_tail = g->nsec;

	/* .dynsym, .dynstr, .hash and .rel.dyn. */
	n = eg_make_symtab(g, EG_DYNSYM, &syms, &dynstr, &firstglobal);
	hash = eg_make_hash(syms, n, dynstr.buf, &size);
	eg_own(&g->sec[EG_HASH], hash, size, ELF_T_WORD);
	eg_section_link(g, EG_HASH, EG_DYNSYM_SEC, 0, 4);
	eg_own(&g->sec[EG_DYNSYM_SEC], syms, n * sizeof(*syms), ELF_T_SYM);
	eg_section_link(g, EG_DYNSYM_SEC, EG_DYNSTR, firstglobal,
	    sizeof(Elf32_Sym));
	if ((g->sec[EG_DYNSTR].buf = malloc(dynstr.len)) == NULL)
		fail_msg("elfgen: out of memory");
	memcpy(g->sec[EG_DYNSTR].buf, dynstr.buf, dynstr.len);
	g->sec[EG_DYNSTR].size = (uint32_t)dynstr.len;
	if (g->nrel > 0) {
		if ((g->sec[EG_RELDYN].buf = malloc(g->nrel *
		    sizeof(Elf32_Rel))) == NULL)
			fail_msg("elfgen: out of memory");
		memcpy(g->sec[EG_RELDYN].buf, g->rel, g->nrel *
		    sizeof(Elf32_Rel));
	}
	g->sec[EG_RELDYN].size = (uint32_t)(g->nrel * sizeof(Elf32_Rel));
	g->sec[EG_RELDYN].dtype = ELF_T_REL;
	eg_section_link(g, EG_RELDYN, EG_DYNSYM_SEC, 0, sizeof(Elf32_Rel));

	/* .symtab and .strtab, then .shstrtab, at the end. */
	symtab = 0;
	if (g->nsym[EG_SYMTAB] > 0 || g->want_symtab) {
		n = eg_make_symtab(g, EG_SYMTAB, &syms, &strtab,
		    &firstglobal);
		symtab = eg_add_sec(g, ".symtab", SHT_SYMTAB, 0, 0, 0, 4, -1);
		eg_own(&g->sec[symtab], syms, n * sizeof(*syms), ELF_T_SYM);
		eg_section_link(g, symtab, (uint32_t)symtab + 1, firstglobal,
		    sizeof(Elf32_Sym));
		i = eg_add_sec(g, ".strtab", SHT_STRTAB, 0, 0, 0, 1, -1);
		if ((g->sec[i].buf = malloc(strtab.len)) == NULL)
			fail_msg("elfgen: out of memory");
		memcpy(g->sec[i].buf, strtab.buf, strtab.len);
		g->sec[i].size = (uint32_t)strtab.len;
	}
	i = eg_add_sec(g, ".shstrtab", SHT_STRTAB, 0, 0, 0, 1, -1);
	for (n = 1; n < g->nsec; n++)
		g->sec[n].nameoff = eg_str(&shstrtab, g->sec[n].name);
	if ((g->sec[i].buf = malloc(shstrtab.len)) == NULL)
		fail_msg("elfgen: out of memory");
	memcpy(g->sec[i].buf, shstrtab.buf, shstrtab.len);
	g->sec[i].size = (uint32_t)shstrtab.len;

	/* Layout, then the .dynamic that points at the placed tables. */
	dynamic = NULL;
	for (n = EG_FIRST_USER; n < first_tail; n++)
		if (g->sec[n].type == SHT_DYNAMIC)
			dynamic = &g->sec[n];
	nphdr = g->e_type == ET_REL ? 0 : g->nseg + (dynamic != NULL);
	shoff = eg_place(g, nphdr, first_tail);
	if (dynamic != NULL)
		eg_fill_dynamic(g, dynamic);
	g->built = 1;

	if ((f = tmpfile()) == NULL)
		fail_msg("elfgen: tmpfile: %s", strerror(errno));
	eg_write(g, fileno(f), nphdr, first_tail, shoff, dynamic);
	eg_slurp(fileno(f), imagep, sizep);
	fclose(f);
}

/*
 * Reading images back: raw bytes for contents, libelf for tables.
 */

void
eg_image_open(struct eg_image *img, const void *buf, size_t size)
{

	memset(img, 0, sizeof(*img));
	if (elf_version(EV_CURRENT) == EV_NONE)
		eg_elf_fail("elf_version");
	if ((img->buf = malloc(size > 0 ? size : 1)) == NULL)
		fail_msg("elfgen: out of memory");
	memcpy(img->buf, buf, size);
	img->size = size;
	if ((img->elf = elf_memory((char *)img->buf, size)) == NULL)
		eg_elf_fail("elf_memory");
	if (gelf_getehdr(img->elf, &img->ehdr) == NULL)
		eg_elf_fail("gelf_getehdr");
}

void
eg_image_close(struct eg_image *img)
{

	if (img->elf != NULL)
		elf_end(img->elf);
	free(img->buf);
	memset(img, 0, sizeof(*img));
}

/* The section called name, or NULL. */
static Elf_Scn *
eg_image_scn(const struct eg_image *img, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn;
	const char *s;
	size_t shstrndx;

	if (elf_getshdrstrndx(img->elf, &shstrndx) != 0)
		eg_elf_fail("elf_getshdrstrndx");
	for (scn = NULL; (scn = elf_nextscn(img->elf, scn)) != NULL;) {
		if (gelf_getshdr(scn, sh) == NULL)
			eg_elf_fail("gelf_getshdr");
		s = elf_strptr(img->elf, shstrndx, sh->sh_name);
		if (s != NULL && strcmp(s, name) == 0)
			return (scn);
	}
	return (NULL);
}

GElf_Shdr
eg_image_shdr(const struct eg_image *img, const char *name)
{
	GElf_Shdr sh;

	if (eg_image_scn(img, name, &sh) == NULL)
		fail_msg("image has no section %s", name);
	return (sh);
}

int
eg_image_has(const struct eg_image *img, const char *name)
{
	GElf_Shdr sh;

	return (eg_image_scn(img, name, &sh) != NULL);
}

size_t
eg_image_phnum(const struct eg_image *img)
{
	size_t n;

	if (elf_getphdrnum(img->elf, &n) != 0)
		eg_elf_fail("elf_getphdrnum");
	return (n);
}

GElf_Phdr
eg_image_phdr(const struct eg_image *img, size_t i)
{
	GElf_Phdr ph;

	if (gelf_getphdr(img->elf, (int)i, &ph) == NULL)
		eg_elf_fail("gelf_getphdr");
	return (ph);
}

const unsigned char *
eg_image_at(const struct eg_image *img, uint64_t off, size_t len)
{

	if (off > img->size || len > img->size - off)
		fail_msg("image: %#jx+%zu beyond the end (%#zx)",
		    (uintmax_t)off, len, img->size);
	return (img->buf + off);
}

uint32_t
eg_image_word(const struct eg_image *img, uint32_t addr)
{
	const unsigned char *p;
	Elf_Scn *scn;
	GElf_Shdr sh;

	for (scn = NULL; (scn = elf_nextscn(img->elf, scn)) != NULL;) {
		if (gelf_getshdr(scn, &sh) == NULL)
			eg_elf_fail("gelf_getshdr");
		if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_type == SHT_NOBITS ||
		    addr < sh.sh_addr || addr + 4 > sh.sh_addr + sh.sh_size)
			continue;
		p = eg_image_at(img, sh.sh_offset + (addr - sh.sh_addr), 4);
		return ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
	}
	fail_msg("image: no section with contents holds %#x", addr);
	return (0);
}

uint32_t
eg_image_symbol(const struct eg_image *img, enum eg_table table,
    const char *name)
{
	Elf_Scn *scn;
	Elf_Data *d;
	GElf_Shdr sh;
	GElf_Sym sym;
	const char *s;
	size_t i, n;

	scn = eg_image_scn(img, table == EG_DYNSYM ? ".dynsym" : ".symtab",
	    &sh);
	if (scn == NULL || (d = elf_getdata(scn, NULL)) == NULL)
		fail_msg("image: no %s", table == EG_DYNSYM ? ".dynsym" :
		    ".symtab");
	n = sh.sh_size / sizeof(Elf32_Sym);
	for (i = 1; i < n; i++) {
		if (gelf_getsym(d, (int)i, &sym) == NULL)
			eg_elf_fail("gelf_getsym");
		s = elf_strptr(img->elf, sh.sh_link, sym.st_name);
		if (s != NULL && strcmp(s, name) == 0)
			return ((uint32_t)sym.st_value);
	}
	fail_msg("image: no symbol %s", name);
	return (0);
}

size_t
eg_image_nrel(const struct eg_image *img)
{

	return (eg_image_shdr(img, ".rel.dyn").sh_size / sizeof(Elf32_Rel));
}

GElf_Rel
eg_image_rel(const struct eg_image *img, size_t i)
{
	Elf_Scn *scn;
	Elf_Data *d;
	GElf_Shdr sh;
	GElf_Rel rel;

	memset(&rel, 0, sizeof(rel));
	if ((scn = eg_image_scn(img, ".rel.dyn", &sh)) == NULL ||
	    (d = elf_getdata(scn, NULL)) == NULL ||
	    gelf_getrel(d, (int)i, &rel) == NULL)
		fail_msg("image: no .rel.dyn entry %zu", i);
	return (rel);
}

uint32_t
eg_image_dynamic(const struct eg_image *img, int32_t tag)
{
	Elf_Scn *scn;
	Elf_Data *d;
	GElf_Shdr sh;
	GElf_Dyn dyn;
	size_t i, n;

	if ((scn = eg_image_scn(img, ".dynamic", &sh)) == NULL ||
	    (d = elf_getdata(scn, NULL)) == NULL)
		fail_msg("image: no .dynamic");
	n = sh.sh_size / sizeof(Elf32_Dyn);
	for (i = 0; i < n; i++) {
		if (gelf_getdyn(d, (int)i, &dyn) == NULL)
			eg_elf_fail("gelf_getdyn");
		if (dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == tag)
			return ((uint32_t)dyn.d_un.d_val);
	}
	fail_msg("image: no .dynamic entry with tag %d", tag);
	return (0);
}

void
eg_assert_congruent(const struct eg_image *img)
{
	GElf_Phdr ph;
	GElf_Shdr sh;
	Elf_Scn *scn;
	size_t i, n;
	int found;

	n = eg_image_phnum(img);
	for (i = 0; i < n; i++) {
		ph = eg_image_phdr(img, i);
		if (ph.p_type != PT_LOAD || ph.p_align <= 1)
			continue;
		if ((ph.p_vaddr - ph.p_offset) % ph.p_align != 0)
			fail_msg("PT_LOAD %zu: p_vaddr %#jx p_offset %#jx "
			    "not congruent modulo %#jx", i,
			    (uintmax_t)ph.p_vaddr, (uintmax_t)ph.p_offset,
			    (uintmax_t)ph.p_align);
		if (ph.p_offset + ph.p_filesz > img->size)
			fail_msg("PT_LOAD %zu beyond the end of the file", i);
	}
	/* Each allocated section lies where its segment maps it. */
	for (scn = NULL; (scn = elf_nextscn(img->elf, scn)) != NULL;) {
		if (gelf_getshdr(scn, &sh) == NULL)
			eg_elf_fail("gelf_getshdr");
		if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_size == 0)
			continue;
		found = 0;
		for (i = 0; i < n && !found; i++) {
			ph = eg_image_phdr(img, i);
			if (ph.p_type != PT_LOAD || sh.sh_addr < ph.p_vaddr ||
			    sh.sh_addr + sh.sh_size > ph.p_vaddr + ph.p_memsz)
				continue;
			found = 1;
			if (sh.sh_type != SHT_NOBITS &&
			    (sh.sh_addr - ph.p_vaddr != sh.sh_offset -
			    ph.p_offset || sh.sh_offset + sh.sh_size >
			    ph.p_offset + ph.p_filesz))
				fail_msg("section at %#jx (offset %#jx) is not "
				    "where PT_LOAD %zu maps it",
				    (uintmax_t)sh.sh_addr,
				    (uintmax_t)sh.sh_offset, i);
		}
		if (!found)
			fail_msg("section at %#jx size %#jx is in no PT_LOAD",
			    (uintmax_t)sh.sh_addr, (uintmax_t)sh.sh_size);
	}
}

/*
 * Running padko.
 */

int
eg_padko(const unsigned char *image, size_t size, struct padko_module **mp,
    struct padko_error *err)
{

	memset(err, 0, sizeof(*err));
	if (padko_open_memory("test.ko", image, size, mp, err) != 0) {
		*mp = NULL;
		return (-1);
	}
	return (padko_plan(*mp, err));
}

void
eg_padko_output(struct padko_module *m, unsigned char **bufp, size_t *sizep)
{
	struct padko_error err;
	FILE *f;

	memset(&err, 0, sizeof(err));
	if ((f = tmpfile()) == NULL)
		fail_msg("tmpfile: %s", strerror(errno));
	if (padko_write_fd(m, fileno(f), &err) != 0)
		fail_msg("padko_write_fd: %s", err.msg);
	eg_slurp(fileno(f), bufp, sizep);
	fclose(f);
}

/*
 * Runs still open, so that a test that fails between eg_run() and
 * eg_run_free() does not leak (the failure unwinds past its frame).
 */
#define	EG_MAXRUNS	16
static struct eg_run eg_open_runs[EG_MAXRUNS];

/* Frees one run's resources. */
static void
eg_run_release(struct eg_run *r)
{

	eg_image_close(&r->old);
	eg_image_close(&r->new);
	padko_close(r->m);
	free(r->in);
	free(r->out);
	memset(r, 0, sizeof(*r));
}

void
eg_run(struct elfgen *g, struct eg_run *r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	eg_build(g, &r->in, &r->insize);
	eg_free(g);
	if (eg_padko(r->in, r->insize, &r->m, &r->err) != 0) {
		/* Clean up first: the failure does not return. */
		padko_close(r->m);
		free(r->in);
		fail_msg("padko failed (%d): %s", r->err.code, r->err.msg);
	}
	eg_padko_output(r->m, &r->out, &r->outsize);
	eg_image_open(&r->old, r->in, r->insize);
	eg_image_open(&r->new, r->out, r->outsize);
	for (i = 0; i < EG_MAXRUNS; i++)
		if (eg_open_runs[i].in == NULL) {
			eg_open_runs[i] = *r;
			break;
		}
	/* Segments and sections agree, before and after. */
	if (r->old.ehdr.e_type != ET_REL) {
		eg_assert_congruent(&r->old);
		eg_assert_congruent(&r->new);
	}
}

void
eg_run_free(struct eg_run *r)
{
	size_t i;

	for (i = 0; i < EG_MAXRUNS; i++)
		if (eg_open_runs[i].in == r->in)
			memset(&eg_open_runs[i], 0, sizeof(eg_open_runs[i]));
	eg_run_release(r);
}

int
eg_teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < EG_MAXRUNS; i++)
		if (eg_open_runs[i].in != NULL)
			eg_run_release(&eg_open_runs[i]);
	return (0);
}

/*
 * Modules and checks that more than one test program shares.
 */

#define	BIAS	0x1000u
#define	AW	(SHF_ALLOC | SHF_WRITE)
#define	AX	(SHF_ALLOC | SHF_EXECINSTR)

size_t
eg_text(struct elfgen *g)
{
	size_t sec;

	sec = eg_section(g, 0, ".text", SHT_PROGBITS, AX, 0x800, 0x100, 16);
	eg_pattern(g, sec, 0x55);
	return (sec);
}

size_t
eg_dynsym(struct elfgen *g, const char *name, uint32_t value, uint32_t size,
    unsigned type, unsigned other, size_t sec)
{

	return (eg_symbol(g, EG_DYNSYM, name, value, size, STB_GLOBAL, type,
	    other, (uint16_t)sec));
}

int
eg_vnet_module(struct elfgen *g, uint32_t seg_flags, uint32_t set_size)
{
	size_t sec;
	int seg;

	eg_text(g);
	seg = eg_load(g, seg_flags, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1900, 0x60, 4);
	sec = eg_section(g, seg, "set_vnet", SHT_PROGBITS, AW, 0x1980,
	    set_size, 4);
	eg_pattern(g, sec, 0x61);
	eg_symbol(g, EG_DYNSYM, "__start_set_vnet", 0x1980, 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
	eg_symbol(g, EG_DYNSYM, "__stop_set_vnet", 0x1980 + set_size, 0,
	    STB_GLOBAL, STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
	return (seg);
}

int
eg_moving_module(struct elfgen *g)
{
	int seg;

	seg = eg_vnet_module(g, PF_R | PF_W, 0x10);
	eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1990, 0x20, 4);
	eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x19b0, 0x20, 4);
	eg_relative(g, 0x1990, 0x19a8);
	return (seg);
}

/*
 * The GNU ld layout: .bss starts exactly where set_vnet ends.
 *
 *	.dynamic 0x1900..0x1980
 *	.data	 0x1980..0x19c0 (align 32)
 *	set_vnet 0x19c0..0x19e0 -> 0x19c0..0x19e4
 *	.bss	 0x19e0..0x1a20 (align 32) -> 0x1a00..0x1a40
 *
 * Relocations (index: place, value -> expected value):
 *	0: .data 0x1980 RELATIVE 0x19e0 (.bss starts there) -> 0x1a00
 *	1: .data 0x1984 RELATIVE 0x19c8 (inside the set) -> 0x19c8
 *	2: .data 0x1988 RELATIVE 0x19f0 (inside .bss) -> 0x1a10
 *	3: set   0x19c0 RELATIVE 0x1984 (.data) -> 0x1984
 *	4: .data 0x198c R_386_32 __stop_set_vnet, in place 0 -> 0
 *	5: .text 0x810 RELATIVE 0x19e8 (.bss) -> 0x1a08
 *	6: .data 0x1990 R_386_32 against no symbol, 0x19f4 -> 0x1a14
 *	7: .text 0x814 RELATIVE 0x19c0 (set start) -> 0x19c0
 *	8: .text 0x818 R_386_PC32 bss_var, in place -4 -> -4
 */
struct elfgen *
eg_gnu_module(void)
{
	struct elfgen *g;
	size_t data, vnet, bss, stop, bssvar;
	int seg;

	g = eg_new();
	eg_text(g);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, 0x1900, 0x80, 4);
	data = eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1980, 0x40,
	    32);
	eg_pattern(g, data, 0x11);
	vnet = eg_section(g, seg, "set_vnet", SHT_PROGBITS, AW, 0x19c0, 0x20,
	    4);
	eg_pattern(g, vnet, 0x61);
	bss = eg_section(g, seg, ".bss", SHT_NOBITS, AW, 0x19e0, 0x40, 32);

	eg_dynsym(g, "data_var", 0x1980, 4, STT_OBJECT, STV_DEFAULT, data);
	eg_dynsym(g, "__start_set_vnet", 0x19c0, 0, STT_NOTYPE, STV_PROTECTED,
	    vnet);
	stop = eg_dynsym(g, "__stop_set_vnet", 0x19e0, 0, STT_NOTYPE,
	    STV_PROTECTED, vnet);
	bssvar = eg_dynsym(g, "bss_var", 0x19e0, 4, STT_OBJECT, STV_DEFAULT,
	    bss);
	eg_dynsym(g, "bss_var2", 0x19f0, 8, STT_OBJECT, STV_DEFAULT, bss);

	eg_symbol(g, EG_SYMTAB, "vnet_last", 0x19d8, 8, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "vnet_end", 0x19e0, 0, STB_LOCAL,
	    STT_NOTYPE, STV_DEFAULT, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "bss_static", 0x19e8, 4, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)bss);
	eg_symbol(g, EG_SYMTAB, "__start_set_vnet", 0x19c0, 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "__stop_set_vnet", 0x19e0, 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)vnet);
	eg_symbol(g, EG_SYMTAB, "bss_var", 0x19e0, 4, STB_GLOBAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)bss);
	eg_symbol(g, EG_SYMTAB, "text_fn", 0x800, 0x10, STB_GLOBAL,
	    STT_FUNC, STV_DEFAULT, EG_FIRST_USER);

	eg_relative(g, 0x1980, 0x19e0);
	eg_relative(g, 0x1984, 0x19c8);
	eg_relative(g, 0x1988, 0x19f0);
	eg_relative(g, 0x19c0, 0x1984);
	eg_put32(g, 0x198c, 0);
	eg_rel(g, 0x198c, R_386_32, stop);
	eg_relative(g, 0x810, 0x19e8);
	eg_put32(g, 0x1990, 0x19f4);
	eg_rel(g, 0x1990, R_386_32, 0);
	eg_relative(g, 0x814, 0x19c0);
	eg_put32(g, 0x818, 0xfffffffc);
	eg_rel(g, 0x818, R_386_PC32, bssvar);
	return (g);
}

void
eg_assert_rel(const struct eg_image *img, size_t i, uint32_t offset,
    unsigned type, uint32_t value)
{
	GElf_Rel rel;

	rel = eg_image_rel(img, i);
	if (rel.r_offset != offset || GELF_R_TYPE(rel.r_info) != type)
		fail_msg("relocation %zu: offset %#jx type %ju, expected %#x "
		    "type %u", i, (uintmax_t)rel.r_offset,
		    (uintmax_t)GELF_R_TYPE(rel.r_info), offset, type);
	if (eg_image_word(img, offset) != value)
		fail_msg("relocation %zu at %#x: value %#x, expected %#x", i,
		    offset, eg_image_word(img, offset), value);
}

int
eg_assert_image_refused(const unsigned char *image, size_t size, int code,
    const char *what1, const char *what2)
{
	struct padko_module *m;
	struct padko_error err;
	FILE *f;
	int rc, opened;

	rc = eg_padko(image, size, &m, &err);
	opened = m != NULL;
	if (rc == 0) {
		rc = padko_changed(m);
		padko_close(m);
		fail_msg("padko accepted the module (changed %d)", rc);
	}
	assert_int_equal(err.code, code);
	if (what1 != NULL && strstr(err.msg, what1) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", err.msg,
		    what1);
	if (what2 != NULL && strstr(err.msg, what2) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", err.msg,
		    what2);
	/* Nothing may be written after a failed plan. */
	if (m != NULL) {
		assert_non_null(f = tmpfile());
		assert_int_equal(padko_write_fd(m, fileno(f), &err), -1);
		fclose(f);
	}
	padko_close(m);
	return (!opened);
}

int
eg_assert_refused(struct elfgen *g, int code, const char *what1,
    const char *what2)
{
	unsigned char *image;
	size_t size;
	int rc;

	eg_build(g, &image, &size);
	eg_free(g);
	rc = eg_assert_image_refused(image, size, code, what1, what2);
	free(image);
	return (rc);
}
