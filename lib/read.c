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
 * Reading a module: the file's bytes into struct module (module.h), the
 * ELF header, sections, program headers and the linker sets.  Each part
 * is checked (validate.c) before the next step relies on it, so this
 * stage sits above validation; what it fills in is looked up through
 * module.c.
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "module.h"

/* A 16- or 32-bit field of the ELF header, in the file's byte order. */
static uint32_t
raw_field(const unsigned char *b, size_t off, size_t len)
{
	uint32_t v;
	size_t i;

	v = 0;
	for (i = 0; i < len; i++)
		v |= (uint32_t)b[b[EI_DATA] == ELFDATA2MSB ? off + len - 1 - i :
		    off + i] << (8 * i);
	return (v);
}

#define	RAW(b, field)	raw_field((b), offsetof(Elf32_Ehdr, field), \
	sizeof(((Elf32_Ehdr *)NULL)->field))

/*
 * Checks the ELF header from the file's bytes, before libelf reads it: an
 * i386 ET_DYN or ET_EXEC module to pad, or an ET_REL module (the amd64
 * format, 32- or 64-bit) that needs no padding.  libelfs differ in what
 * they refuse here (elftoolchain's checks e_shoff and e_shnum, elfutils'
 * does not); padko refuses the same headers with either, in its words.
 * e_type and e_machine lie at the same offsets in both classes.
 */
static int
check_header(struct module *m, struct padko_error *err)
{
	const unsigned char *b = m->file.bytes;
	GElf_Ehdr *eh = &m->ehdr;
	uint32_t type, machine;

	if (b[EI_DATA] != ELFDATA2LSB && b[EI_DATA] != ELFDATA2MSB)
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: unknown "
		    "data encoding (e_ident[EI_DATA] %u)", m->path, b[EI_DATA]));
	if (b[EI_VERSION] != EV_CURRENT)
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: ELF "
		    "version %u (e_ident[EI_VERSION]) is not EV_CURRENT",
		    m->path, b[EI_VERSION]));
	type = RAW(b, e_type);
	machine = RAW(b, e_machine);
	if (type == ET_REL && (machine == EM_X86_64 || machine == EM_386))
		return (0);
	if (b[EI_CLASS] != ELFCLASS32)
		return (padko_fail(err, EX_DATAERR,
		    "%s: not a 32-bit ELF file: padko handles i386 modules",
		    m->path));
	if (b[EI_DATA] != ELFDATA2LSB)
		return (padko_fail(err, EX_DATAERR,
		    "%s: not little-endian: padko handles i386 modules",
		    m->path));
	if (machine != EM_386)
		return (padko_fail(err, EX_DATAERR,
		    "%s: not an i386 module (e_machine %u)", m->path,
		    machine));
	if (type != ET_DYN && type != ET_EXEC)
		return (padko_fail(err, EX_DATAERR,
		    "%s: not a kernel module (e_type %u)", m->path, type));
	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, b, EI_NIDENT);
	eh->e_type = (GElf_Half)type;
	eh->e_machine = (GElf_Half)machine;
	eh->e_version = RAW(b, e_version);
	eh->e_entry = RAW(b, e_entry);
	eh->e_phoff = RAW(b, e_phoff);
	eh->e_shoff = RAW(b, e_shoff);
	eh->e_flags = RAW(b, e_flags);
	eh->e_ehsize = (GElf_Half)RAW(b, e_ehsize);
	eh->e_phentsize = (GElf_Half)RAW(b, e_phentsize);
	eh->e_phnum = (GElf_Half)RAW(b, e_phnum);
	eh->e_shentsize = (GElf_Half)RAW(b, e_shentsize);
	eh->e_shnum = (GElf_Half)RAW(b, e_shnum);
	eh->e_shstrndx = (GElf_Half)RAW(b, e_shstrndx);
	return (validate_file_header(m, err));
}

/* Reads the ELF header (checked by check_header()) with libelf. */
static int
read_header(struct module *m, struct padko_error *err)
{

	if (elf_kind(m->elf) != ELF_K_ELF)
		return (padko_fail(err, EX_DATAERR, "%s: not an ELF file",
		    m->path));
	if (gelf_getehdr(m->elf, &m->ehdr) == NULL)
		return (padko_fail(err, EX_DATAERR, "%s: bad ELF header: %s",
		    m->path, elf_errmsg(-1)));
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

/* Refuses a second SHT_DYNAMIC, SHT_DYNSYM or SHT_SYMTAB section. */
static int
second_table(const struct module *m, const struct section *first,
    const struct section *second, struct padko_error *err)
{

	return (padko_fail(err, EX_DATAERR, "%s: sections %s and %s are both "
	    "of type %u: a module has one table of each kind", m->path,
	    first->name, second->name, (unsigned)second->shdr.sh_type));
}

/* Reads the section headers and names; contents come after validation. */
static int
read_section_headers(struct module *m, struct padko_error *err)
{
	struct section *s;
	Elf_Scn *scn;
	size_t i;

	if (elf_getshdrnum(m->elf, &m->nsections) != 0 ||
	    elf_getshdrstrndx(m->elf, &m->shstrndx) != 0)
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
		s->name = "";
		if ((scn = elf_getscn(m->elf, i)) == NULL ||
		    gelf_getshdr(scn, &s->shdr) == NULL)
			return (padko_fail(err, EX_DATAERR,
			    "%s: section %zu: bad header: %s", m->path, i,
			    elf_errmsg(-1)));
	}
	return (0);
}

/* Names the sections, once the name table is known to be sound. */
static int
read_section_names(struct module *m, struct padko_error *err)
{
	const struct section *names;
	struct section *s;
	size_t i;

	names = &m->sections[m->shstrndx];
	for (i = 1; i < m->nsections; i++) {
		s = &m->sections[i];
		/*
		 * The table ends in NUL (validate_name_table()), so a name
		 * that starts inside it ends inside it, whatever libelf checks.
		 */
		s->name = s->shdr.sh_name < names->shdr.sh_size ?
		    elf_strptr(m->elf, m->shstrndx, s->shdr.sh_name) : NULL;
		if (s->name == NULL)
			return (padko_fail(err, EX_DATAERR,
			    "%s: section %zu: name offset %#jx outside the "
			    "section name table", m->path, i,
			    (uintmax_t)s->shdr.sh_name));
	}
	return (0);
}

/* Reads section contents and indexes the sections the stages need. */
static int
read_section_data(struct module *m, struct padko_error *err)
{
	struct section *s;
	size_t i;

	for (i = 1; i < m->nsections; i++) {
		s = &m->sections[i];
		if (s->shdr.sh_type != SHT_NOBITS && s->shdr.sh_size > 0) {
			s->data = elf_getdata(elf_getscn(m->elf, i), NULL);
			if (s->data == NULL || s->data->d_size !=
			    s->shdr.sh_size || s->data->d_buf == NULL)
				return (padko_fail(err, EX_DATAERR,
				    "%s: section %s: unreadable contents: %s",
				    m->path, s->name, elf_errmsg(-1)));
		}
		if (s->shdr.sh_flags & SHF_ALLOC)
			m->alloc[m->nalloc++] = s;
		/*
		 * One table of each kind (gABI): padko rewrites the one it
		 * knows, and would leave a second one's values behind.
		 */
		switch (s->shdr.sh_type) {
		case SHT_DYNAMIC:
			if (m->dynamic != NULL)
				return (second_table(m, m->dynamic, s, err));
			m->dynamic = s;
			break;
		case SHT_DYNSYM:
			if (m->dynsym != NULL)
				return (second_table(m, m->dynsym, s, err));
			m->dynsym = s;
			break;
		case SHT_SYMTAB:
			if (m->symtab != NULL)
				return (second_table(m, m->symtab, s, err));
			m->symtab = s;
			break;
		}
	}
	qsort(m->alloc, m->nalloc, sizeof(*m->alloc), cmp_by_addr);
	return (0);
}

/* Reads the program headers; each allocated section gets its PT_LOAD. */
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
	const Elf_Data *strtab;
	const char *str;
	size_t i, n, strndx;

	if (m->dynsym == NULL || m->dynsym->data == NULL)
		return (false);
	strndx = m->dynsym->shdr.sh_link;
	strtab = strndx < m->nsections ? m->sections[strndx].data : NULL;
	if (strtab != NULL && strtab->d_buf == NULL)
		strtab = NULL;
	sym = m->dynsym->data->d_buf;
	n = m->dynsym->data->d_size / sizeof(*sym);
	for (i = 1; i < n; i++) {
		if (sym[i].st_shndx == SHN_UNDEF ||
		    ELF32_ST_BIND(sym[i].st_info) == STB_LOCAL)
			continue;
		/* Not every libelf checks that a name ends in its table. */
		if (strtab == NULL || sym[i].st_name >= strtab->d_size ||
		    memchr((const char *)strtab->d_buf + sym[i].st_name, '\0',
		    strtab->d_size - sym[i].st_name) == NULL)
			continue;	/* validate_tables() refuses it */
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
	const char *setname;
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
			setname = padko_set_name((enum padko_set_kind)k);
			if (strcmp(s->name, setname) != 0)
				continue;
			if (m->sets[k].sec != NULL)
				return (padko_fail(err, EX_DATAERR,
				    "%s: two sections named %s", m->path,
				    setname));
			s->set = k;
			m->sets[k].sec = s;
			r = &m->sets[k].report;
			r->old_start = r->new_start = s->shdr.sh_addr;
			r->old_end = r->new_end = s->shdr.sh_addr +
			    s->shdr.sh_size;
			snprintf(name, sizeof(name), "__start_%s",
			    setname);
			r->has_symbols = dynsym_defines(m, name);
			snprintf(name, sizeof(name), "__stop_%s",
			    setname);
			r->has_symbols = r->has_symbols &&
			    dynsym_defines(m, name);
		}
	}
	return (0);
}

int
module_read(struct module *m, struct padko_error *err)
{

	if (validate_ident(m, err) != 0 || check_header(m, err) != 0)
		return (-1);
	m->elf = elf_memory((char *)m->file.bytes, m->file.size);
	if (m->elf == NULL)
		return (padko_fail(err, EX_DATAERR, "%s: %s", m->path,
		    elf_errmsg(-1)));
	if (read_header(m, err) != 0)
		return (-1);
	if (m->ehdr.e_type == ET_REL)
		return (validate_relocatable(m, err));
	if (read_section_headers(m, err) != 0 ||
	    validate_name_table(m, err) != 0 ||
	    read_section_names(m, err) != 0 ||
	    validate_section_headers(m, err) != 0 ||
	    read_section_data(m, err) != 0 ||
	    read_phdrs(m, err) != 0 ||
	    validate_layout(m, err) != 0 ||
	    find_sets(m, err) != 0 ||
	    validate_sets(m, err) != 0 ||
	    validate_tables(m, err) != 0)
		return (-1);
	return (0);
}
