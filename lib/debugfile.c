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
 * The separate debug file (objcopy --only-keep-debug of a module, found
 * by debuggers through the module's .gnu_debuglink): rewritten for the
 * moves of the module's sections, compared with a module, and named by
 * a debuglink with its CRC.  The file keeps its layout: its allocated
 * sections have no contents (NOBITS), so only headers, symbol values and
 * DWARF fields change, in place.  It is read as bytes (ELF32, little
 * endian), each header checked against the file's size, because it is
 * not a module and padko's model would refuse it.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <gelf.h>

#include "bytes.h"
#include "debugfile.h"
#include "dwarf.h"
#include "elfdefs.h"

/* ELF32 sizes and field offsets used below. */
#define	EHDR_SIZE	52
#define	SHDR_SIZE	40
#define	PHDR_SIZE	32
#define	SYM_SIZE	16

/* A file read as ELF32. */
struct view {
	const char		*name;
	const unsigned char	*p;
	size_t			 size;
	uint32_t		 shoff, phoff;
	unsigned		 shnum, phnum, shstrndx;
};

/* A section header, the fields used. */
struct shdr {
	uint32_t	name, type, flags, addr, offset, size, link;
};

static unsigned
rd16(const unsigned char *p)
{

	return ((unsigned)p[0] | (unsigned)p[1] << 8);
}

static void
view_shdr(const struct view *v, unsigned i, struct shdr *sh)
{
	const unsigned char *p;

	p = v->p + v->shoff + (size_t)i * SHDR_SIZE;
	sh->name = le32_read(p);
	sh->type = le32_read(p + 4);
	sh->flags = le32_read(p + 8);
	sh->addr = le32_read(p + 12);
	sh->offset = le32_read(p + 16);
	sh->size = le32_read(p + 20);
	sh->link = le32_read(p + 24);
}

/* A section's name, or "" when it does not end inside the table. */
static const char *
view_name(const struct view *v, const struct shdr *sh)
{
	struct shdr st;

	view_shdr(v, v->shstrndx, &st);
	if (sh->name >= st.size || memchr(v->p + st.offset + sh->name, '\0',
	    st.size - sh->name) == NULL)
		return ("");
	return ((const char *)v->p + st.offset + sh->name);
}

/* Whether a section's contents lie inside the file. */
static bool
view_has_contents(const struct view *v, const struct shdr *sh)
{

	return (sh->type != SHT_NOBITS &&
	    (uint64_t)sh->offset + sh->size <= v->size);
}

/* Reads the ELF header and checks that every header table fits. */
static int
view_open(struct view *v, const char *name, const unsigned char *p,
    size_t size, struct padko_error *err)
{
	struct shdr sh;

	memset(v, 0, sizeof(*v));
	v->name = name;
	v->p = p;
	v->size = size;
	if (size < EHDR_SIZE || memcmp(p, PADKO_ELFMAG, PADKO_SELFMAG) != 0 ||
	    p[EI_CLASS] != ELFCLASS32 || p[EI_DATA] != ELFDATA2LSB ||
	    rd16(p + 18) != EM_386)
		return (padko_fail(err, EX_DATAERR, "%s: not an i386 ELF file",
		    name));
	v->phoff = le32_read(p + 28);
	v->shoff = le32_read(p + 32);
	v->phnum = rd16(p + 44);
	v->shnum = rd16(p + 48);
	v->shstrndx = rd16(p + 50);
	if ((v->phnum > 0 && rd16(p + 42) != PHDR_SIZE) ||
	    (uint64_t)v->phoff + (uint64_t)v->phnum * PHDR_SIZE > size ||
	    rd16(p + 46) != SHDR_SIZE || v->shnum == 0 ||
	    (uint64_t)v->shoff + (uint64_t)v->shnum * SHDR_SIZE > size ||
	    v->shstrndx >= v->shnum)
		return (padko_fail(err, EX_DATAERR, "%s: the program or section "
		    "header table lies outside the file", name));
	view_shdr(v, v->shstrndx, &sh);
	if (sh.type == SHT_NOBITS ||
	    (uint64_t)sh.offset + sh.size > size)
		return (padko_fail(err, EX_DATAERR, "%s: the section name table "
		    "lies outside the file", name));
	return (0);
}

uint32_t
debugfile_crc32(const unsigned char *p, size_t n)
{
	static uint32_t table[256];
	static bool ready;
	uint32_t c;
	unsigned i, k;

	if (!ready) {
		for (i = 0; i < 256; i++) {
			c = i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = true;
	}
	c = 0xffffffffu;
	while (n-- > 0)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return (c ^ 0xffffffffu);
}

int
debuglink_build(const char *base, uint32_t crc, unsigned char **bufp,
    size_t *lenp, struct padko_error *err)
{
	size_t n;

	n = (strlen(base) + 1 + 3) & ~(size_t)3;
	if ((*bufp = calloc(1, n + 4)) == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory", base));
	memcpy(*bufp, base, strlen(base));
	le32_write(*bufp + n, crc);
	*lenp = n + 4;
	return (0);
}

int
debuglink_parse(const unsigned char *p, size_t n, const char **name,
    uint32_t *crc)
{
	size_t len;

	if (n < 8 || n % 4 != 0 || memchr(p, '\0', n - 4) == NULL)
		return (-1);
	len = strlen((const char *)p);
	if (((len + 1 + 3) & ~(size_t)3) != n - 4)
		return (-1);
	*name = (const char *)p;
	*crc = le32_read(p + n - 4);
	return (0);
}

/* The move of the module's section with that name and old address. */
static const struct debug_move *
find_move(const struct debug_moves *mv, const char *name, uint32_t addr)
{
	size_t i;

	for (i = 0; i < mv->nsecs; i++)
		if (mv->secs[i].old_addr == addr &&
		    strcmp(mv->secs[i].name, name) == 0)
			return (&mv->secs[i]);
	return (NULL);
}

/*
 * Section headers: each allocated section moves as the module's section
 * of the same name and address did (NOBITS ones grow with it).  moves[i]
 * is set for section i.
 */
static int
move_sections(const struct view *v, unsigned char *out,
    const struct debug_moves *mv, const struct debug_move **moves,
    struct padko_error *err)
{
	const struct debug_move *m;
	struct shdr sh;
	unsigned char *p;
	const char *name;
	unsigned i;

	for (i = 1; i < v->shnum; i++) {
		view_shdr(v, i, &sh);
		if (!(sh.flags & SHF_ALLOC))
			continue;
		name = view_name(v, &sh);
		if ((m = find_move(mv, name, sh.addr)) == NULL)
			return (padko_fail(err, EX_DATAERR, "%s: section %s at %#x: "
			    "the module has no such section: not its debug "
			    "file", v->name, name, sh.addr));
		if (sh.type != SHT_NOBITS && sh.size > 0 &&
		    (m->new_addr != m->old_addr || m->new_size != m->old_size))
			return (padko_fail(err, EX_DATAERR, "%s: section %s moves "
			    "and has contents here: not a debug file made by "
			    "objcopy --only-keep-debug", v->name, name));
		moves[i] = m;
		p = out + v->shoff + (size_t)i * SHDR_SIZE;
		le32_write(p + 12, (uint32_t)m->new_addr);
		if (sh.size == m->old_size)
			le32_write(p + 20, (uint32_t)m->new_size);
	}
	return (0);
}

/* Program headers: as the module's, one for one. */
static int
move_segments(const struct view *v, unsigned char *out,
    const struct debug_moves *mv, struct padko_error *err)
{
	const struct debug_segment *s;
	const unsigned char *p;
	unsigned char *q;
	unsigned i;

	if (v->phnum == 0)
		return (0);
	if (v->phnum != mv->nsegs)
		return (padko_fail(err, EX_DATAERR, "%s: %u program headers, the "
		    "module has %zu: not its debug file", v->name, v->phnum,
		    mv->nsegs));
	for (i = 0; i < v->phnum; i++) {
		p = v->p + v->phoff + (size_t)i * PHDR_SIZE;
		s = &mv->segs[i];
		if (le32_read(p) != s->type || le32_read(p + 8) != s->old_vaddr)
			return (padko_fail(err, EX_DATAERR, "%s: program header %u "
			    "differs from the module's: not its debug file",
			    v->name, i));
		q = out + v->phoff + (size_t)i * PHDR_SIZE;
		le32_write(q + 8, (uint32_t)s->new_vaddr);
		le32_write(q + 12, (uint32_t)s->new_paddr);
		le32_write(q + 20, (uint32_t)s->new_memsz);
	}
	return (0);
}

/*
 * A symbol's new value: with its section, except that __stop_X at the old
 * end of section X follows the new end (as rewrite.c does in the module).
 */
static uint32_t
symbol_value(const struct view *v, const struct shdr *strtab,
    const unsigned char *sym, const struct debug_move *m)
{
	const char *name;
	uint32_t value, off;

	value = le32_read(sym + 4);
	if (value == m->old_addr + m->old_size &&
	    m->new_size != m->old_size) {
		off = le32_read(sym);
		name = (const char *)v->p + strtab->offset + off;
		if (off < strtab->size &&
		    memchr(name, '\0', strtab->size - off) != NULL &&
		    strncmp(name, "__stop_", 7) == 0 &&
		    strcmp(name + 7, m->name) == 0)
			return ((uint32_t)(m->new_addr + m->new_size));
	}
	return ((uint32_t)(value + (m->new_addr - m->old_addr)));
}

/* The values of the symbols of every symbol table with contents. */
static int
move_symbols(const struct view *v, unsigned char *out,
    const struct debug_move **moves, struct padko_error *err)
{
	struct shdr sh, strtab;
	const unsigned char *sym;
	unsigned i, shndx;
	size_t k;

	for (i = 1; i < v->shnum; i++) {
		view_shdr(v, i, &sh);
		if ((sh.type != SHT_SYMTAB && sh.type != SHT_DYNSYM) ||
		    !view_has_contents(v, &sh))
			continue;
		if (sh.link == 0 || sh.link >= v->shnum)
			return (padko_fail(err, EX_DATAERR, "%s: symbol table %s "
			    "links to no string table", v->name,
			    view_name(v, &sh)));
		view_shdr(v, sh.link, &strtab);
		if (!view_has_contents(v, &strtab))
			return (padko_fail(err, EX_DATAERR, "%s: the string table "
			    "of %s lies outside the file", v->name,
			    view_name(v, &sh)));
		for (k = SYM_SIZE; k + SYM_SIZE <= sh.size; k += SYM_SIZE) {
			sym = v->p + sh.offset + k;
			shndx = rd16(sym + 14);
			if (shndx == 0 || shndx >= SHN_LORESERVE ||
			    shndx >= v->shnum || moves[shndx] == NULL)
				continue;
			le32_write(out + sh.offset + k + 4,
			    symbol_value(v, &strtab, sym, moves[shndx]));
		}
	}
	return (0);
}

/* The DWARF sections of the file, read from v and written into out. */
static int
move_dwarf(const struct view *v, unsigned char *out,
    const struct debug_moves *mv, struct padko_error *err)
{
	struct dwarf d;
	struct shdr sh;
	const char *name;
	size_t changed;
	unsigned i;
	int k;

	memset(&d, 0, sizeof(d));
	d.file = v->name;
	for (i = 1; i < v->shnum; i++) {
		view_shdr(v, i, &sh);
		name = view_name(v, &sh);
		if ((sh.flags & SHF_ALLOC) || sh.type == SHT_NOBITS ||
		    (k = dwarf_section_index(name)) < 0)
			continue;
		if (sh.flags & SHF_COMPRESSED)
			return (padko_fail(err, EX_DATAERR, "%s: %s is compressed: "
			    "padko cannot rewrite it (decompress it with "
			    "objcopy --decompress-debug-sections)", v->name,
			    name));
		if (!view_has_contents(v, &sh))
			return (padko_fail(err, EX_DATAERR, "%s: %s lies outside "
			    "the file", v->name, name));
		d.sec[k].in = v->p + sh.offset;
		d.sec[k].out = out + sh.offset;
		d.sec[k].size = sh.size;
	}
	return (dwarf_rewrite(&d, mv->map, mv->arg, &changed, err));
}

int
debugfile_rewrite(const char *name, const unsigned char *in, size_t size,
    const struct debug_moves *mv, unsigned char **outp,
    struct padko_error *err)
{
	const struct debug_move **moves;
	unsigned char *out;
	struct view v;

	*outp = NULL;
	if (view_open(&v, name, in, size, err) != 0)
		return (-1);
	out = malloc(size > 0 ? size : 1);
	moves = calloc(v.shnum, sizeof(*moves));
	if (out == NULL || moves == NULL) {
		free(out);
		free(moves);
		return (padko_fail(err, EX_OSERR, "%s: out of memory", name));
	}
	memcpy(out, in, size);
	if (move_sections(&v, out, mv, moves, err) != 0 ||
	    move_segments(&v, out, mv, err) != 0 ||
	    move_symbols(&v, out, moves, err) != 0 ||
	    move_dwarf(&v, out, mv, err) != 0) {
		free(out);
		free(moves);
		return (-1);
	}
	free(moves);
	*outp = out;
	return (0);
}

/* Reads a whole regular file into malloc'd memory. */
static int
slurp(const char *path, unsigned char **pp, size_t *np,
    struct padko_error *err)
{
	FILE *f;
	unsigned char *p, *q;
	size_t n, cap, got;

	if ((f = fopen(path, "rb")) == NULL)
		return (padko_fail(err, EX_NOINPUT, "%s: %s", path,
		    strerror(errno)));
	p = NULL;
	n = cap = 0;
	do {
		if (n == cap) {
			cap = cap > 0 ? cap * 2 : 65536;
			if ((q = realloc(p, cap)) == NULL) {
				free(p);
				fclose(f);
				return (padko_fail(err, EX_OSERR, "%s: out of memory",
				    path));
			}
			p = q;
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(p);
		fclose(f);
		return (padko_fail(err, EX_IOERR, "%s: read: %s", path,
		    strerror(errno)));
	}
	fclose(f);
	*pp = p;
	*np = n;
	return (0);
}

/* Records one difference; the first is kept in words. */
static void
differs(struct padko_debug_report *r, size_t *count, const char *fmt, ...)
{
	va_list ap;

	(*count)++;
	if (r->first[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(r->first, sizeof(r->first), fmt, ap);
	va_end(ap);
}

/* The allocated section of v with that name, or 0. */
static unsigned
find_alloc(const struct view *v, const char *name, struct shdr *out)
{
	unsigned i;

	for (i = 1; i < v->shnum; i++) {
		view_shdr(v, i, out);
		if ((out->flags & SHF_ALLOC) &&
		    strcmp(view_name(v, out), name) == 0)
			return (i);
	}
	return (0);
}

static void
compare_sections(const struct view *mod, const struct view *dbg,
    struct padko_debug_report *r)
{
	struct shdr a, b;
	const char *name;
	unsigned i;

	for (i = 1; i < dbg->shnum; i++) {
		view_shdr(dbg, i, &a);
		if (!(a.flags & SHF_ALLOC))
			continue;
		name = view_name(dbg, &a);
		if (find_alloc(mod, name, &b) == 0)
			differs(r, &r->sections, "section %s is not in the "
			    "module", name);
		else if (a.addr != b.addr || a.size != b.size)
			differs(r, &r->sections, "section %s: %#x +%#x in the "
			    "debug file, %#x +%#x in the module", name, a.addr,
			    a.size, b.addr, b.size);
	}
}

/* The symbol table (SHT_SYMTAB, with contents) of v and its strings. */
static bool
find_symtab(const struct view *v, struct shdr *sym, struct shdr *str)
{
	unsigned i;

	for (i = 1; i < v->shnum; i++) {
		view_shdr(v, i, sym);
		if (sym->type == SHT_SYMTAB && view_has_contents(v, sym) &&
		    sym->link > 0 && sym->link < v->shnum) {
			view_shdr(v, sym->link, str);
			if (view_has_contents(v, str))
				return (true);
		}
	}
	return (false);
}

/* A symbol's name, or NULL. */
static const char *
sym_name(const struct view *v, const struct shdr *str, const unsigned char *s)
{
	uint32_t off;

	off = le32_read(s);
	if (off == 0 || off >= str->size || memchr(v->p + str->offset + off,
	    '\0', str->size - off) == NULL)
		return (NULL);
	return ((const char *)v->p + str->offset + off);
}

/* A named symbol of the module, for the sorted index. */
struct named {
	const char	*name;
	uint32_t	 value;
};

static int
cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return (c);
	return (x->value < y->value ? -1 : x->value > y->value);
}

/* The module's named symbols, sorted by name and value; NULL: none. */
static struct named *
index_symbols(const struct view *v, const struct shdr *sym,
    const struct shdr *str, size_t *np)
{
	struct named *t;
	const char *name;
	size_t k, n;

	*np = 0;
	if ((t = calloc(sym->size / SYM_SIZE + 1, sizeof(*t))) == NULL)
		return (NULL);
	n = 0;
	for (k = SYM_SIZE; k + SYM_SIZE <= sym->size; k += SYM_SIZE)
		if ((name = sym_name(v, str, v->p + sym->offset + k)) != NULL) {
			t[n].name = name;
			t[n++].value = le32_read(v->p + sym->offset + k + 4);
		}
	qsort(t, n, sizeof(*t), cmp_named);
	*np = n;
	return (t);
}

/*
 * Symbols: each named symbol of the debug file that the module has too
 * (objcopy --strip-debug drops some) must have one with its value there.
 */
static void
compare_symbols(const struct view *mod, const struct view *dbg,
    struct padko_debug_report *r)
{
	struct shdr ms, mstr, ds, dstr;
	struct named *t, key, *hit;
	const unsigned char *a;
	size_t k, n, lo, hi, mid;

	if (!find_symtab(mod, &ms, &mstr) || !find_symtab(dbg, &ds, &dstr) ||
	    (t = index_symbols(mod, &ms, &mstr, &n)) == NULL)
		return;
	for (k = SYM_SIZE; k + SYM_SIZE <= ds.size; k += SYM_SIZE) {
		a = dbg->p + ds.offset + k;
		if ((key.name = sym_name(dbg, &dstr, a)) == NULL)
			continue;
		key.value = le32_read(a + 4);
		if (bsearch(&key, t, n, sizeof(*t), cmp_named) != NULL)
			continue;
		/* The first of that name, if the module has one. */
		for (lo = 0, hi = n; lo < hi;) {
			mid = lo + (hi - lo) / 2;
			if (strcmp(t[mid].name, key.name) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		hit = lo < n && strcmp(t[lo].name, key.name) == 0 ? &t[lo] :
		    NULL;
		if (hit != NULL)
			differs(r, &r->symbols, "symbol %s: %#x in the debug "
			    "file, %#x in the module", key.name, key.value,
			    hit->value);
	}
	free(t);
}

/* The module's .gnu_debuglink, into the report. */
static void
read_link(const struct view *mod, struct padko_debug_report *r)
{
	struct shdr sh;
	const char *name;
	unsigned i;

	for (i = 1; i < mod->shnum; i++) {
		view_shdr(mod, i, &sh);
		if (sh.flags & SHF_ALLOC || !view_has_contents(mod, &sh) ||
		    strcmp(view_name(mod, &sh), ".gnu_debuglink") != 0 ||
		    debuglink_parse(mod->p + sh.offset, sh.size, &name,
		    &r->link_crc) != 0)
			continue;
		r->has_link = 1;
		snprintf(r->link_name, sizeof(r->link_name), "%s", name);
		return;
	}
}

int
padko_debug_check(const char *module, const char *debug,
    struct padko_debug_report *r, struct padko_error *err)
{
	struct view mv, dv;
	unsigned char *mp, *dp;
	size_t mn, dn;
	int rc;

	memset(r, 0, sizeof(*r));
	mp = dp = NULL;
	rc = -1;
	if (slurp(module, &mp, &mn, err) != 0 ||
	    slurp(debug, &dp, &dn, err) != 0 ||
	    view_open(&mv, module, mp, mn, err) != 0 ||
	    view_open(&dv, debug, dp, dn, err) != 0)
		goto out;
	r->crc = debugfile_crc32(dp, dn);
	read_link(&mv, r);
	compare_sections(&mv, &dv, r);
	compare_symbols(&mv, &dv, r);
	if (!r->has_link && r->first[0] == '\0')
		snprintf(r->first, sizeof(r->first), "the module has no "
		    ".gnu_debuglink");
	else if (r->has_link && r->link_crc != r->crc && r->first[0] == '\0')
		snprintf(r->first, sizeof(r->first), "CRC %08x, but the "
		    "module's .gnu_debuglink expects %08x", r->crc,
		    r->link_crc);
	r->matches = r->has_link && r->link_crc == r->crc &&
	    r->sections == 0 && r->symbols == 0;
	rc = 0;
out:
	free(mp);
	free(dp);
	return (rc);
}
