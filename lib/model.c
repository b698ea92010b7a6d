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
 * Reading a module into the model: the ELF header, sections, program
 * headers and the linker sets, with the checks that the later stages
 * rely on.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "module.h"

static const char *const set_names[PADKO_NSET_KINDS] = {
	[PADKO_SET_VNET] = "set_vnet",
	[PADKO_SET_PCPU] = "set_pcpu",
};

const char *
padko_set_name(enum padko_set_kind kind)
{

	return (set_names[kind]);
}

uint32_t
le32_read(const unsigned char *p)
{

	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

void
le32_write(unsigned char *p, uint32_t v)
{

	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

/*
 * Whether a relocation's in-place value is an absolute link-time address:
 * R_386_RELATIVE, R_386_IRELATIVE (its resolver), and R_386_32 against no
 * symbol.
 */
bool
reloc_value_is_address(unsigned type, unsigned sym)
{

	return (type == R_386_RELATIVE || type == R_386_IRELATIVE ||
	    (type == R_386_32 && sym == 0));
}

/* The current contents of a section: rewritten if it was, else as read. */
const unsigned char *
model_bytes(const struct section *s)
{

	if (s->out != NULL)
		return (s->out);
	return (s->data != NULL ? s->data->d_buf : NULL);
}

static int
read_header(struct module *m, struct padko_error *err)
{

	if (elf_kind(m->elf) != ELF_K_ELF)
		return (padko_fail(err, EX_DATAERR, "%s: not an ELF file",
		    m->path));
	if (gelf_getclass(m->elf) != ELFCLASS32)
		return (padko_fail(err, EX_DATAERR,
		    "%s: not a 32-bit ELF file: padko handles i386 modules",
		    m->path));
	if (gelf_getehdr(m->elf, &m->ehdr) == NULL)
		return (padko_fail(err, EX_DATAERR, "%s: bad ELF header: %s",
		    m->path, elf_errmsg(-1)));
	if (m->ehdr.e_ident[EI_DATA] != ELFDATA2LSB)
		return (padko_fail(err, EX_DATAERR,
		    "%s: not little-endian: padko handles i386 modules",
		    m->path));
	if (m->ehdr.e_machine != EM_386)
		return (padko_fail(err, EX_DATAERR,
		    "%s: not an i386 module (e_machine %u)", m->path,
		    m->ehdr.e_machine));
	if (m->ehdr.e_type != ET_DYN && m->ehdr.e_type != ET_EXEC &&
	    m->ehdr.e_type != ET_REL)
		return (padko_fail(err, EX_DATAERR,
		    "%s: not a kernel module (e_type %u)", m->path,
		    m->ehdr.e_type));
	return (0);
}

/* Orders allocated sections by address, then by section number. */
static int
cmp_by_addr(const void *a, const void *b)
{
	const struct section *sa = *(struct section *const *)a;
	const struct section *sb = *(struct section *const *)b;

	if (sa->shdr.sh_addr != sb->shdr.sh_addr)
		return (sa->shdr.sh_addr < sb->shdr.sh_addr ? -1 : 1);
	return (sa->index < sb->index ? -1 : sa->index > sb->index);
}

static int
read_sections(struct module *m, struct padko_error *err)
{
	struct section *s;
	Elf_Scn *scn;
	size_t i, shstrndx;

	if (elf_getshdrnum(m->elf, &m->nsections) != 0 ||
	    elf_getshdrstrndx(m->elf, &shstrndx) != 0)
		return (padko_fail(err, EX_DATAERR,
		    "%s: bad section header table: %s", m->path,
		    elf_errmsg(-1)));
	if (m->nsections == 0)
		return (padko_fail(err, EX_DATAERR, "%s: no section headers",
		    m->path));
	m->sections = calloc(m->nsections, sizeof(*m->sections));
	m->alloc = calloc(m->nsections, sizeof(*m->alloc));
	if (m->sections == NULL || m->alloc == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	for (i = 0; i < m->nsections; i++) {
		s = &m->sections[i];
		s->index = i;
		s->segment = -1;
		s->set = -1;
		if ((scn = elf_getscn(m->elf, i)) == NULL ||
		    gelf_getshdr(scn, &s->shdr) == NULL)
			return (padko_fail(err, EX_DATAERR,
			    "%s: section %zu: bad header: %s", m->path, i,
			    elf_errmsg(-1)));
		if (i == 0) {
			s->name = "";
			continue;
		}
		s->name = elf_strptr(m->elf, shstrndx, s->shdr.sh_name);
		if (s->name == NULL)
			return (padko_fail(err, EX_DATAERR,
			    "%s: section %zu: name offset %#jx outside the "
			    "section name table", m->path, i,
			    (uintmax_t)s->shdr.sh_name));
		if (s->shdr.sh_type != SHT_NOBITS && s->shdr.sh_size > 0) {
			if (s->shdr.sh_offset > m->size ||
			    s->shdr.sh_size > m->size - s->shdr.sh_offset)
				return (padko_fail(err, EX_DATAERR,
				    "%s: section %s: offset %#jx size %#jx "
				    "beyond the end of the file (%#zx)",
				    m->path, s->name,
				    (uintmax_t)s->shdr.sh_offset,
				    (uintmax_t)s->shdr.sh_size, m->size));
			s->data = elf_getdata(scn, NULL);
			if (s->data == NULL || s->data->d_size !=
			    s->shdr.sh_size)
				return (padko_fail(err, EX_DATAERR,
				    "%s: section %s: unreadable contents: %s",
				    m->path, s->name, elf_errmsg(-1)));
		}
		if (s->shdr.sh_flags & SHF_ALLOC)
			m->alloc[m->nalloc++] = s;
		switch (s->shdr.sh_type) {
		case SHT_DYNAMIC:
			m->dynamic = s;
			break;
		case SHT_DYNSYM:
			m->dynsym = s;
			break;
		case SHT_SYMTAB:
			m->symtab = s;
			break;
		}
	}
	qsort(m->alloc, m->nalloc, sizeof(*m->alloc), cmp_by_addr);
	return (0);
}

/* Checks that allocated sections do not overlap in memory. */
static int
check_alloc_overlap(struct module *m, struct padko_error *err)
{
	const struct section *a, *b;
	size_t i;

	for (i = 0; i < m->nalloc; i++) {
		a = m->alloc[i];
		if (a->shdr.sh_addr + a->shdr.sh_size < a->shdr.sh_addr ||
		    a->shdr.sh_addr + a->shdr.sh_size > UINT32_MAX)
			return (padko_fail(err, EX_DATAERR,
			    "%s: section %s: address %#jx size %#jx beyond "
			    "the 32-bit address space", m->path, a->name,
			    (uintmax_t)a->shdr.sh_addr,
			    (uintmax_t)a->shdr.sh_size));
		if (i == 0)
			continue;
		b = m->alloc[i - 1];
		if ((a->shdr.sh_flags & SHF_TLS) || (b->shdr.sh_flags & SHF_TLS))
			continue;
		if (b->shdr.sh_addr + b->shdr.sh_size > a->shdr.sh_addr)
			return (padko_fail(err, EX_DATAERR,
			    "%s: sections %s and %s overlap in memory",
			    m->path, b->name, a->name));
	}
	return (0);
}

static int
read_phdrs(struct module *m, struct padko_error *err)
{
	const GElf_Phdr *p;
	struct section *s;
	size_t i, j;

	if (elf_getphdrnum(m->elf, &m->nphdrs) != 0)
		return (padko_fail(err, EX_DATAERR,
		    "%s: bad program header table: %s", m->path,
		    elf_errmsg(-1)));
	if (m->nphdrs == 0)
		return (padko_fail(err, EX_DATAERR,
		    "%s: no program headers: not a linked module", m->path));
	m->phdrs = calloc(m->nphdrs, sizeof(*m->phdrs));
	m->new_phdrs = calloc(m->nphdrs, sizeof(*m->new_phdrs));
	if (m->phdrs == NULL || m->new_phdrs == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	for (i = 0; i < m->nphdrs; i++) {
		if (gelf_getphdr(m->elf, (int)i, &m->phdrs[i]) == NULL)
			return (padko_fail(err, EX_DATAERR,
			    "%s: program header %zu: %s", m->path, i,
			    elf_errmsg(-1)));
		p = &m->phdrs[i];
		if (p->p_type == PT_LOAD && p->p_filesz > p->p_memsz)
			return (padko_fail(err, EX_DATAERR,
			    "%s: program header %zu: p_filesz %#jx larger "
			    "than p_memsz %#jx", m->path, i,
			    (uintmax_t)p->p_filesz, (uintmax_t)p->p_memsz));
		if (p->p_type == PT_LOAD && p->p_align > 1 &&
		    (p->p_align & (p->p_align - 1)) == 0 &&
		    (p->p_vaddr - p->p_offset) % p->p_align != 0)
			return (padko_fail(err, EX_DATAERR,
			    "%s: program header %zu: p_vaddr %#jx and "
			    "p_offset %#jx disagree modulo p_align %#jx",
			    m->path, i, (uintmax_t)p->p_vaddr,
			    (uintmax_t)p->p_offset, (uintmax_t)p->p_align));
	}
	/* Each allocated section belongs to the PT_LOAD that contains it. */
	for (j = 0; j < m->nalloc; j++) {
		s = m->alloc[j];
		for (i = 0; i < m->nphdrs; i++) {
			p = &m->phdrs[i];
			if (p->p_type != PT_LOAD)
				continue;
			if (s->shdr.sh_addr >= p->p_vaddr &&
			    s->shdr.sh_addr + s->shdr.sh_size <=
			    p->p_vaddr + p->p_memsz &&
			    (s->shdr.sh_size > 0 ||
			    s->shdr.sh_addr < p->p_vaddr + p->p_memsz ||
			    s->segment < 0)) {
				s->segment = (int)i;
				if (s->shdr.sh_size > 0)
					break;
			}
		}
	}
	return (0);
}

/* Finds a defined, global symbol by name in .dynsym. */
static bool
dynsym_defines(const struct module *m, const char *name)
{
	const Elf32_Sym *sym;
	const char *str;
	size_t i, n, strndx;

	if (m->dynsym == NULL || m->dynsym->data == NULL)
		return (false);
	strndx = m->dynsym->shdr.sh_link;
	sym = m->dynsym->data->d_buf;
	n = m->dynsym->data->d_size / sizeof(*sym);
	for (i = 1; i < n; i++) {
		if (sym[i].st_shndx == SHN_UNDEF ||
		    ELF32_ST_BIND(sym[i].st_info) == STB_LOCAL)
			continue;
		str = elf_strptr(m->elf, strndx, sym[i].st_name);
		if (str != NULL && strcmp(str, name) == 0)
			return (true);
	}
	return (false);
}

static int
find_sets(struct module *m, struct padko_error *err)
{
	struct padko_set_report *r;
	struct section *s;
	char name[32];
	size_t i;
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		r = &m->sets[k].report;
		r->kind = (enum padko_set_kind)k;
		r->state = PADKO_SET_ABSENT;
	}
	for (i = 0; i < m->nalloc; i++) {
		s = m->alloc[i];
		for (k = 0; k < PADKO_NSET_KINDS; k++) {
			if (strcmp(s->name, set_names[k]) != 0)
				continue;
			if (m->sets[k].sec != NULL)
				return (padko_fail(err, EX_DATAERR,
				    "%s: two sections named %s", m->path,
				    set_names[k]));
			if (s->shdr.sh_type != SHT_PROGBITS)
				return (padko_fail(err, EX_DATAERR,
				    "%s: section %s is not PROGBITS", m->path,
				    s->name));
			s->set = k;
			m->sets[k].sec = s;
			r = &m->sets[k].report;
			r->old_start = r->new_start = s->shdr.sh_addr;
			r->old_end = r->new_end = s->shdr.sh_addr +
			    s->shdr.sh_size;
			snprintf(name, sizeof(name), "__start_%s",
			    set_names[k]);
			r->has_symbols = dynsym_defines(m, name);
			snprintf(name, sizeof(name), "__stop_%s",
			    set_names[k]);
			r->has_symbols = r->has_symbols &&
			    dynsym_defines(m, name);
		}
	}
	return (0);
}

/* Checks symbol and relocation tables enough for the rewriter to trust. */
static int
check_tables(struct module *m, struct padko_error *err)
{
	const struct section *s;
	size_t i;

	for (i = 1; i < m->nsections; i++) {
		s = &m->sections[i];
		switch (s->shdr.sh_type) {
		case SHT_SYMTAB:
		case SHT_DYNSYM:
			if (s->shdr.sh_entsize != sizeof(Elf32_Sym))
				return (padko_fail(err, EX_DATAERR,
				    "%s: section %s: sh_entsize %ju is not "
				    "that of a symbol", m->path, s->name,
				    (uintmax_t)s->shdr.sh_entsize));
			/* FALLTHROUGH */
		case SHT_REL:
		case SHT_RELA:
			if (s->shdr.sh_link >= m->nsections)
				return (padko_fail(err, EX_DATAERR,
				    "%s: section %s: sh_link %ju out of range",
				    m->path, s->name,
				    (uintmax_t)s->shdr.sh_link));
			break;
		case SHT_SYMTAB_SHNDX:
			return (padko_fail(err, EX_DATAERR,
			    "%s: section %s: extended section indexes are "
			    "not supported", m->path, s->name));
		}
	}
	return (0);
}

int
model_read(struct module *m, struct padko_error *err)
{

	m->elf = elf_memory((char *)m->image, m->size);
	if (m->elf == NULL)
		return (padko_fail(err, EX_DATAERR, "%s: %s", m->path,
		    elf_errmsg(-1)));
	if (read_header(m, err) != 0)
		return (-1);
	if (m->ehdr.e_type == ET_REL)
		return (0);
	if (read_sections(m, err) != 0 || check_tables(m, err) != 0 ||
	    check_alloc_overlap(m, err) != 0 || read_phdrs(m, err) != 0 ||
	    find_sets(m, err) != 0)
		return (-1);
	return (0);
}

void
model_free(struct module *m)
{
	size_t i;

	if (m->sections != NULL)
		for (i = 0; i < m->nsections; i++)
			free(m->sections[i].out);
	free(m->sections);
	free(m->alloc);
	free(m->phdrs);
	free(m->new_phdrs);
	free(m->refs);
	free(m->lints);
	free(m->assume);
	if (m->elf != NULL)
		elf_end(m->elf);
	free(m->image);
	free(m->path);
}

/* The non-empty allocated section that contains addr, or NULL. */
struct section *
model_section_at(const struct module *m, GElf_Addr addr)
{
	struct section *s;
	size_t lo, hi, mid;

	lo = 0;
	hi = m->nalloc;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->alloc[mid]->shdr.sh_addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		s = m->alloc[--lo];
		if (s->shdr.sh_flags & SHF_TLS)
			continue;
		if (s->shdr.sh_size == 0)
			continue;
		if (addr < s->shdr.sh_addr + s->shdr.sh_size)
			return (s);
		return (NULL);
	}
	return (NULL);
}

/* The last non-empty allocated section that ends exactly at addr, or NULL. */
struct section *
model_section_ending_at(const struct module *m, GElf_Addr addr)
{
	struct section *s;
	size_t i;

	for (i = m->nalloc; i > 0; i--) {
		s = m->alloc[i - 1];
		if (s->shdr.sh_size == 0 || (s->shdr.sh_flags & SHF_TLS))
			continue;
		if (s->shdr.sh_addr + s->shdr.sh_size == addr)
			return (s);
		if (s->shdr.sh_addr + s->shdr.sh_size < addr)
			break;
	}
	return (NULL);
}
