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
 * Validation of everything the later stages rely on: every offset, size,
 * count, index and link of the ELF header, section and program headers,
 * symbol, relocation and dynamic tables is checked against the file and
 * against each other before anything is planned.  Each failure names the
 * file, the structure and the value, and is EX_DATAERR.  read.c calls
 * these checks between its steps, so validation sits below the reader; it
 * looks sections up through module.c and relocation types in reloc.c.
 */

#include <sys/param.h>

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "elfdefs.h"
#include "module.h"

static bool
is_pow2_or_zero(uint64_t v)
{

	return ((v & (v - 1)) == 0);
}

/* Whether [off, off + len) lies within a file of the given size. */
static bool
in_file(uint64_t off, uint64_t len, size_t size)
{

	return (off <= size && len <= size - off);
}

/* Checks that the file holds a whole ELF header of its class. */
int
validate_ident(const struct module *m, struct padko_error *err)
{
	size_t need;

	if (m->file.size < EI_NIDENT ||
	    memcmp(m->file.bytes, PADKO_ELFMAG, PADKO_SELFMAG) != 0)
		return (padko_fail(err, EX_DATAERR, "%s: not an ELF file%s",
		    m->path, m->file.size < EI_NIDENT ? " (too short)" : ""));
	need = m->file.size > EI_CLASS && m->file.bytes[EI_CLASS] == ELFCLASS64 ?
	    sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (m->file.size < need)
		return (padko_fail(err, EX_DATAERR, "%s: truncated ELF header "
		    "(%zu bytes of %zu)", m->path, m->file.size, need));
	return (0);
}

/*
 * Checks an ET_REL module (passed through unchanged) enough to call it a
 * module: its section header table and every section lie in the file.
 */
int
validate_relocatable(const struct module *m, struct padko_error *err)
{
	GElf_Shdr sh;
	Elf_Scn *scn;
	size_t i, n;

	if ((m->ehdr.e_shoff != 0 && !in_file(m->ehdr.e_shoff,
	    (uint64_t)(m->ehdr.e_shnum > 0 ? m->ehdr.e_shnum : 1) *
	    m->ehdr.e_shentsize, m->file.size)) ||
	    elf_getshdrnum(m->elf, &n) != 0)
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: section "
		    "header table at e_shoff %#jx beyond the end of the file "
		    "(%#zx)", m->path, (uintmax_t)m->ehdr.e_shoff, m->file.size));
	for (i = 1; i < n; i++) {
		if ((scn = elf_getscn(m->elf, i)) == NULL ||
		    gelf_getshdr(scn, &sh) == NULL)
			return (padko_fail(err, EX_DATAERR, "%s: section %zu: "
			    "bad header: %s", m->path, i, elf_errmsg(-1)));
		if (sh.sh_type != SHT_NOBITS &&
		    !in_file(sh.sh_offset, sh.sh_size, m->file.size))
			return (padko_fail(err, EX_DATAERR, "%s: section %zu: "
			    "offset %#jx size %#jx beyond the end of the file "
			    "(%#zx)", m->path, i, (uintmax_t)sh.sh_offset,
			    (uintmax_t)sh.sh_size, m->file.size));
	}
	return (0);
}

int
validate_file_header(const struct module *m, struct padko_error *err)
{
	const GElf_Ehdr *eh = &m->ehdr;

	if (eh->e_version != EV_CURRENT)
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: e_version "
		    "%u is not EV_CURRENT", m->path, eh->e_version));
	if (eh->e_ehsize != sizeof(Elf32_Ehdr))
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: e_ehsize "
		    "%u is not %zu", m->path, eh->e_ehsize,
		    sizeof(Elf32_Ehdr)));
	if (eh->e_phnum == PN_XNUM)
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: extended "
		    "program header numbering (e_phnum PN_XNUM) is not "
		    "supported", m->path));
	if (eh->e_phnum == 0)
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: no program "
		    "headers (e_phnum 0): not a linked module", m->path));
	if (eh->e_phentsize != sizeof(Elf32_Phdr))
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: "
		    "e_phentsize %u is not %zu", m->path, eh->e_phentsize,
		    sizeof(Elf32_Phdr)));
	if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * eh->e_phentsize,
	    m->file.size))
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: program "
		    "header table at e_phoff %#jx (%u entries) beyond the end "
		    "of the file (%#zx)", m->path, (uintmax_t)eh->e_phoff,
		    eh->e_phnum, m->file.size));
	if (eh->e_shoff == 0)
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: no section "
		    "header table (e_shoff 0)", m->path));
	if (eh->e_shnum == 0 || eh->e_shstrndx == SHN_XINDEX)
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: extended "
		    "section numbering (e_shnum %u, e_shstrndx %#x) is not "
		    "supported", m->path, eh->e_shnum, eh->e_shstrndx));
	if (eh->e_shentsize != sizeof(Elf32_Shdr))
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: "
		    "e_shentsize %u is not %zu", m->path, eh->e_shentsize,
		    sizeof(Elf32_Shdr)));
	if (!in_file(eh->e_shoff, (uint64_t)eh->e_shnum * eh->e_shentsize,
	    m->file.size))
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: section "
		    "header table at e_shoff %#jx (%u entries) beyond the end "
		    "of the file (%#zx)", m->path, (uintmax_t)eh->e_shoff,
		    eh->e_shnum, m->file.size));
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
		return (padko_fail(err, EX_DATAERR, "%s: ELF header: "
		    "e_shstrndx %u out of range (%u sections)", m->path,
		    eh->e_shstrndx, eh->e_shnum));
	return (0);
}

/* The entry size a table section must have, or 0 for other types. */
static uint64_t
table_entsize(uint32_t type)
{

	switch (type) {
	case SHT_SYMTAB:
	case SHT_DYNSYM:
		return (sizeof(Elf32_Sym));
	case SHT_REL:
		return (sizeof(Elf32_Rel));
	case SHT_RELA:
		return (sizeof(Elf32_Rela));
	case SHT_DYNAMIC:
		return (sizeof(Elf32_Dyn));
	case SHT_HASH:
		return (4);
	}
	return (0);
}

/* Checks that sh_link of a table names a section of the expected type. */
static int
check_link(const struct module *m, const struct section *s, uint32_t want1,
    uint32_t want2, struct padko_error *err)
{
	uint32_t type;

	if (s->shdr.sh_link == 0 || s->shdr.sh_link >= m->nsections)
		return (padko_fail(err, EX_DATAERR, "%s: section %s: sh_link "
		    "%u out of range (%zu sections)", m->path, s->name,
		    s->shdr.sh_link, m->nsections));
	type = m->sections[s->shdr.sh_link].shdr.sh_type;
	if (type != want1 && type != want2)
		return (padko_fail(err, EX_DATAERR, "%s: section %s: sh_link "
		    "%u names a section of type %u, not the table it needs",
		    m->path, s->name, s->shdr.sh_link, type));
	return (0);
}

/* A range of the file that something occupies, for the overlap check. */
struct file_range {
	uint64_t	 off, end;
	size_t		 index;		/* section number, or 0 for a table */
	const char	*what;
};

static int
cmp_range(const void *a, const void *b)
{
	const struct file_range *ra = a, *rb = b;

	if (ra->off != rb->off)
		return (ra->off < rb->off ? -1 : 1);
	return (ra->end < rb->end ? -1 : ra->end > rb->end);
}

/*
 * Checks that no two things of the file share bytes, and that no empty
 * section lies strictly inside another (libelf's writer fills from there).
 */
static int
check_file_overlaps(const struct module *m, struct padko_error *err)
{
	struct file_range *r, *p;
	const struct section *s;
	size_t i, n, last;
	int rc;

	if ((r = calloc(m->nsections + 3, sizeof(*r))) == NULL)
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	n = 0;
	r[n++] = (struct file_range){ 0, sizeof(Elf32_Ehdr), 0,
	    "the ELF header" };
	r[n++] = (struct file_range){ m->ehdr.e_phoff, m->ehdr.e_phoff +
	    (uint64_t)m->ehdr.e_phnum * sizeof(Elf32_Phdr), 0,
	    "the program header table" };
	r[n++] = (struct file_range){ m->ehdr.e_shoff, m->ehdr.e_shoff +
	    (uint64_t)m->ehdr.e_shnum * sizeof(Elf32_Shdr), 0,
	    "the section header table" };
	for (i = 1; i < m->nsections; i++) {
		s = &m->sections[i];
		if (s->shdr.sh_type == SHT_NOBITS)
			continue;
		r[n++] = (struct file_range){ s->shdr.sh_offset,
		    s->shdr.sh_offset + s->shdr.sh_size, i, NULL };
	}
	qsort(r, n, sizeof(*r), cmp_range);
	rc = 0;
	last = 0;	/* the range reaching furthest so far */
	for (i = 1; i < n && rc == 0; i++) {
		if (r[i].off >= r[last].end) {
			last = i;
			continue;
		}
		p = &r[last];
		if (p->what == NULL && r[i].what == NULL)
			rc = padko_fail(err, EX_DATAERR, "%s: sections %s and "
			    "%s overlap in the file (at %#jx)", m->path,
			    m->sections[p->index].name,
			    m->sections[r[i].index].name, (uintmax_t)r[i].off);
		else
			rc = padko_fail(err, EX_DATAERR, "%s: %s%s overlaps %s%s "
			    "in the file (at %#jx)", m->path,
			    r[i].what != NULL ? r[i].what : "section ",
			    r[i].what != NULL ? "" :
			    m->sections[r[i].index].name,
			    p->what != NULL ? p->what : "section ",
			    p->what != NULL ? "" : m->sections[p->index].name,
			    (uintmax_t)r[i].off);
	}
	free(r);
	return (rc);
}

/* Checks that section names can be read: e_shstrndx names a string table. */
int
validate_name_table(const struct module *m, struct padko_error *err)
{
	const struct section *s;

	s = &m->sections[m->shstrndx];
	if (s->shdr.sh_type != SHT_STRTAB || s->shdr.sh_size == 0)
		return (padko_fail(err, EX_DATAERR, "%s: section name table "
		    "(section %zu) is not a non-empty SHT_STRTAB", m->path,
		    m->shstrndx));
	if (!in_file(s->shdr.sh_offset, s->shdr.sh_size, m->file.size))
		return (padko_fail(err, EX_DATAERR, "%s: section name table "
		    "(section %zu): offset %#jx size %#jx beyond the end of "
		    "the file (%#zx)", m->path, m->shstrndx,
		    (uintmax_t)s->shdr.sh_offset, (uintmax_t)s->shdr.sh_size,
		    m->file.size));
	/*
	 * Every name must end inside the table.  elfutils' elf_strptr()
	 * checks that, elftoolchain's does not: the last name would run on
	 * into whatever follows the table.
	 */
	if (m->file.bytes[s->shdr.sh_offset + s->shdr.sh_size - 1] != '\0')
		return (padko_fail(err, EX_DATAERR, "%s: section name table "
		    "(section %zu): last byte is not NUL, its last name is not "
		    "terminated", m->path, m->shstrndx));
	return (0);
}

/*
 * Checks one section header's own fields: alignment, flags, sizes, and
 * where it lies in the file and in memory.
 */
static int
check_section_fields(const struct module *m, const struct section *s,
    struct padko_error *err)
{
	uint64_t entsize;

	if (!is_pow2_or_zero(s->shdr.sh_addralign))
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "sh_addralign %#jx is not a power of two", m->path,
		    s->name, (uintmax_t)s->shdr.sh_addralign));
	if (s->shdr.sh_type == SHT_GROUP ||
	    (s->shdr.sh_flags & SHF_GROUP))
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "section groups belong to relocatable objects, not "
		    "to linked modules", m->path, s->name));
	if (s->shdr.sh_flags & SHF_TLS)
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "thread-local storage (SHF_TLS) has no place in a "
		    "kernel module", m->path, s->name));
	if ((s->shdr.sh_flags & SHF_COMPRESSED) &&
	    (s->shdr.sh_flags & SHF_ALLOC))
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "SHF_COMPRESSED on an allocated section", m->path,
		    s->name));
	/*
	 * Compressed sections hold debug data, bytes or strings: an
	 * entry size beyond 1 is garbage, and libelf will not write it.
	 */
	if ((s->shdr.sh_flags & SHF_COMPRESSED) &&
	    s->shdr.sh_entsize > 1)
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "compressed (SHF_COMPRESSED) with sh_entsize %ju",
		    m->path, s->name, (uintmax_t)s->shdr.sh_entsize));
	if (s->shdr.sh_entsize != 0 &&
	    s->shdr.sh_size % s->shdr.sh_entsize != 0)
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "sh_size %#jx is not a multiple of sh_entsize %ju",
		    m->path, s->name, (uintmax_t)s->shdr.sh_size,
		    (uintmax_t)s->shdr.sh_entsize));
	if (s->shdr.sh_type == SHT_NOBITS &&
	    s->shdr.sh_offset > m->file.size)
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "NOBITS sh_offset %#jx beyond the end of the file "
		    "(%#zx)", m->path, s->name, (uintmax_t)s->shdr.sh_offset,
		    m->file.size));
	if (s->shdr.sh_type != SHT_NOBITS && s->shdr.sh_size == 0 &&
	    (s->shdr.sh_offset < sizeof(Elf32_Ehdr) ||
	    (s->shdr.sh_offset >= m->ehdr.e_phoff &&
	    s->shdr.sh_offset < m->ehdr.e_phoff +
	    (uint64_t)m->ehdr.e_phnum * sizeof(Elf32_Phdr))))
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "offset %#jx inside the ELF or program headers",
		    m->path, s->name, (uintmax_t)s->shdr.sh_offset));
	if (s->shdr.sh_type != SHT_NOBITS &&
	    !in_file(s->shdr.sh_offset, s->shdr.sh_size, m->file.size))
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "offset %#jx size %#jx beyond the end of the file "
		    "(%#zx)", m->path, s->name, (uintmax_t)s->shdr.sh_offset,
		    (uintmax_t)s->shdr.sh_size, m->file.size));
	if ((s->shdr.sh_flags & SHF_ALLOC) &&
	    s->shdr.sh_addr + s->shdr.sh_size > UINT32_MAX)
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "address %#jx size %#jx beyond the 32-bit address "
		    "space", m->path, s->name, (uintmax_t)s->shdr.sh_addr,
		    (uintmax_t)s->shdr.sh_size));
	if ((s->shdr.sh_flags & SHF_ALLOC) &&
	    s->shdr.sh_addralign > 1 &&
	    s->shdr.sh_addr % s->shdr.sh_addralign != 0)
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "address %#jx is not aligned to its sh_addralign "
		    "%#jx", m->path, s->name, (uintmax_t)s->shdr.sh_addr,
		    (uintmax_t)s->shdr.sh_addralign));
	entsize = table_entsize(s->shdr.sh_type);
	if (entsize != 0 && (s->shdr.sh_entsize != entsize ||
	    s->shdr.sh_size % entsize != 0))
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "sh_entsize %ju / sh_size %#jx do not fit entries "
		    "of %ju bytes", m->path, s->name,
		    (uintmax_t)s->shdr.sh_entsize,
		    (uintmax_t)s->shdr.sh_size, (uintmax_t)entsize));
	return (0);
}

/* Checks what a table's sh_link and sh_info name. */
static int
check_section_links(const struct module *m, const struct section *s,
    struct padko_error *err)
{

	switch (s->shdr.sh_type) {
	case SHT_SYMTAB:
	case SHT_DYNSYM:
		if (check_link(m, s, SHT_STRTAB, SHT_STRTAB, err) != 0)
			return (-1);
		if (s->shdr.sh_info > s->shdr.sh_size /
		    sizeof(Elf32_Sym))
			return (padko_fail(err, EX_DATAERR, "%s: section "
			    "%s: sh_info %u beyond its %ju symbols",
			    m->path, s->name, s->shdr.sh_info,
			    (uintmax_t)(s->shdr.sh_size /
			    sizeof(Elf32_Sym))));
		break;
	case SHT_DYNAMIC:
		if (check_link(m, s, SHT_STRTAB, SHT_STRTAB, err) != 0)
			return (-1);
		break;
	case SHT_HASH:
		if (check_link(m, s, SHT_DYNSYM, SHT_SYMTAB, err) != 0)
			return (-1);
		break;
	case SHT_REL:
	case SHT_RELA:
		if (s->shdr.sh_size > 0 && check_link(m, s, SHT_DYNSYM,
		    SHT_SYMTAB, err) != 0)
			return (-1);
		if (s->shdr.sh_info >= m->nsections)
			return (padko_fail(err, EX_DATAERR, "%s: section "
			    "%s: sh_info %u out of range (%zu "
			    "sections)", m->path, s->name, s->shdr.sh_info,
			    m->nsections));
		break;
	case SHT_SYMTAB_SHNDX:
		return (padko_fail(err, EX_DATAERR, "%s: section %s: "
		    "extended section indexes (SHT_SYMTAB_SHNDX) are "
		    "not supported", m->path, s->name));
	}
	return (0);
}

int
validate_section_headers(const struct module *m, struct padko_error *err)
{
	size_t i;

	for (i = 1; i < m->nsections; i++)
		if (check_section_fields(m, &m->sections[i], err) != 0 ||
		    check_section_links(m, &m->sections[i], err) != 0)
			return (-1);
	return (check_file_overlaps(m, err));
}

static const GElf_Phdr *segment_holding(const struct module *m,
    uint64_t addr, uint64_t len);

/*
 * Checks that every program header lies in the file and the 32-bit address
 * space, and that the PT_LOADs come in order, each congruent to its
 * alignment: what the layout planner shifts.
 */
static int
check_loads(const struct module *m, struct padko_error *err)
{
	const GElf_Phdr *p, *prev;
	size_t i;

	for (i = 0; i < m->nphdrs; i++) {
		p = &m->phdrs[i];
		if (p->p_filesz > 0 && !in_file(p->p_offset, p->p_filesz,
		    m->file.size))
			return (padko_fail(err, EX_DATAERR, "%s: program header "
			    "%zu: p_offset %#jx p_filesz %#jx beyond the end "
			    "of the file (%#zx)", m->path, i,
			    (uintmax_t)p->p_offset, (uintmax_t)p->p_filesz,
			    m->file.size));
		if (p->p_vaddr + p->p_memsz > UINT32_MAX)
			return (padko_fail(err, EX_DATAERR, "%s: program header "
			    "%zu: p_vaddr %#jx p_memsz %#jx beyond the 32-bit "
			    "address space", m->path, i,
			    (uintmax_t)p->p_vaddr, (uintmax_t)p->p_memsz));
	}
	prev = NULL;
	for (i = 0; i < m->nphdrs; i++) {
		p = &m->phdrs[i];
		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_filesz > p->p_memsz)
			return (padko_fail(err, EX_DATAERR, "%s: program header "
			    "%zu: p_filesz %#jx larger than p_memsz %#jx",
			    m->path, i, (uintmax_t)p->p_filesz,
			    (uintmax_t)p->p_memsz));
		if (!in_file(p->p_offset, p->p_filesz, m->file.size))
			return (padko_fail(err, EX_DATAERR, "%s: program header "
			    "%zu: p_offset %#jx p_filesz %#jx beyond the end "
			    "of the file (%#zx)", m->path, i,
			    (uintmax_t)p->p_offset, (uintmax_t)p->p_filesz,
			    m->file.size));
		if (p->p_vaddr + p->p_memsz > UINT32_MAX)
			return (padko_fail(err, EX_DATAERR, "%s: program header "
			    "%zu: p_vaddr %#jx p_memsz %#jx beyond the 32-bit "
			    "address space", m->path, i,
			    (uintmax_t)p->p_vaddr, (uintmax_t)p->p_memsz));
		if (!is_pow2_or_zero(p->p_align) || (p->p_align > 1 &&
		    (p->p_vaddr - p->p_offset) % p->p_align != 0))
			return (padko_fail(err, EX_DATAERR, "%s: program header "
			    "%zu: p_vaddr %#jx and p_offset %#jx disagree "
			    "modulo p_align %#jx", m->path, i,
			    (uintmax_t)p->p_vaddr, (uintmax_t)p->p_offset,
			    (uintmax_t)p->p_align));
		if (prev != NULL && p->p_vaddr < prev->p_vaddr + prev->p_memsz)
			return (padko_fail(err, EX_DATAERR, "%s: program header "
			    "%zu: PT_LOAD at %#jx overlaps or precedes the "
			    "one before it", m->path, i,
			    (uintmax_t)p->p_vaddr));
		prev = p;
	}
	return (0);
}

/*
 * Checks that every other segment that describes something starts inside
 * a PT_LOAD (it moves with what holds it), and PT_DYNAMIC's size.
 */
static int
check_other_segments(const struct module *m, struct padko_error *err)
{
	const GElf_Phdr *p;
	size_t i;

	for (i = 0; i < m->nphdrs; i++) {
		p = &m->phdrs[i];
		if (p->p_type == PT_LOAD || (p->p_memsz == 0 && p->p_filesz == 0))
			continue;
		/* Its start; PT_GNU_RELRO may be rounded up past its end. */
		if (segment_holding(m, p->p_vaddr, 1) == NULL)
			return (padko_fail(err, EX_DATAERR, "%s: program header "
			    "%zu (type %#x) at %#jx, size %#jx, starts outside "
			    "every PT_LOAD", m->path, i, p->p_type,
			    (uintmax_t)p->p_vaddr, (uintmax_t)p->p_memsz));
		if (p->p_type == PT_DYNAMIC && m->dynamic != NULL &&
		    (p->p_memsz != m->dynamic->shdr.sh_size ||
		    p->p_filesz != m->dynamic->shdr.sh_size))
			return (padko_fail(err, EX_DATAERR, "%s: PT_DYNAMIC size "
			    "%#jx is not that of .dynamic (%#jx)", m->path,
			    (uintmax_t)p->p_memsz,
			    (uintmax_t)m->dynamic->shdr.sh_size));
	}
	return (0);
}

/*
 * Checks that allocated sections do not overlap in memory, and that each
 * lies in its PT_LOAD at the file offset the segment gives it: the
 * planner moves sections and segments together.
 */
static int
check_sections_in_segments(const struct module *m, struct padko_error *err)
{
	const GElf_Phdr *p;
	const struct section *a, *b;
	size_t i;

	for (i = 0; i < m->nalloc; i++) {
		a = m->alloc[i];
		if (a->shdr.sh_flags & SHF_TLS)
			continue;
		if (i > 0 && !((b = m->alloc[i - 1])->shdr.sh_flags & SHF_TLS) &&
		    b->shdr.sh_addr + b->shdr.sh_size > a->shdr.sh_addr)
			return (padko_fail(err, EX_DATAERR, "%s: sections %s and "
			    "%s overlap in memory", m->path, b->name, a->name));
		if (a->shdr.sh_size == 0)
			continue;
		if (a->segment < 0)
			return (padko_fail(err, EX_DATAERR, "%s: section %s "
			    "(%#jx, size %#jx) is in no PT_LOAD segment",
			    m->path, a->name, (uintmax_t)a->shdr.sh_addr,
			    (uintmax_t)a->shdr.sh_size));
		p = &m->phdrs[a->segment];
		if (a->shdr.sh_type != SHT_NOBITS &&
		    (a->shdr.sh_offset - p->p_offset !=
		    a->shdr.sh_addr - p->p_vaddr ||
		    a->shdr.sh_addr + a->shdr.sh_size >
		    p->p_vaddr + p->p_filesz))
			return (padko_fail(err, EX_DATAERR, "%s: section %s: "
			    "file offset %#jx disagrees with its PT_LOAD "
			    "(p_offset %#jx, p_vaddr %#jx, p_filesz %#jx)",
			    m->path, a->name, (uintmax_t)a->shdr.sh_offset,
			    (uintmax_t)p->p_offset, (uintmax_t)p->p_vaddr,
			    (uintmax_t)p->p_filesz));
	}
	return (0);
}

/* Checks the program headers, and how sections sit in the segments. */
int
validate_layout(const struct module *m, struct padko_error *err)
{
	const GElf_Phdr *p;
	const struct section *s;
	size_t i;

	if (check_loads(m, err) != 0 || check_other_segments(m, err) != 0 ||
	    check_sections_in_segments(m, err) != 0)
		return (-1);
	for (i = 0; i < m->nphdrs; i++) {
		p = &m->phdrs[i];
		if (p->p_type == PT_DYNAMIC && (m->dynamic == NULL ||
		    p->p_vaddr != m->dynamic->shdr.sh_addr))
			return (padko_fail(err, EX_DATAERR, "%s: PT_DYNAMIC at "
			    "%#jx is not the .dynamic section", m->path,
			    (uintmax_t)p->p_vaddr));
	}
	s = m->dynamic;
	if (m->ehdr.e_type == ET_DYN && s == NULL)
		return (padko_fail(err, EX_DATAERR, "%s: no SHT_DYNAMIC section",
		    m->path));
	return (0);
}

/* Checks a symbol table's names, section indexes and object extents. */
static int
check_symbols(const struct module *m, const struct section *s,
    struct padko_error *err)
{
	const struct section *strsec, *in;
	const Elf32_Sym *sym;
	const char *str;
	uint64_t strsz;
	size_t i, n;
	int type;

	if (s->data == NULL)
		return (0);
	sym = s->data->d_buf;
	n = s->data->d_size / sizeof(*sym);
	strsec = &m->sections[s->shdr.sh_link];
	str = strsec->data != NULL ? strsec->data->d_buf : NULL;
	strsz = str != NULL ? strsec->data->d_size : 0;
	for (i = 0; i < n; i++) {
		if (sym[i].st_name != 0 && (sym[i].st_name >= strsz ||
		    memchr(str + sym[i].st_name, '\0', strsz -
		    sym[i].st_name) == NULL))
			return (padko_fail(err, EX_DATAERR, "%s: %s[%zu]: name "
			    "at offset %#x %s its string table (%#jx bytes)",
			    m->path, s->name, i, sym[i].st_name,
			    sym[i].st_name >= strsz ? "outside" :
			    "not terminated in", (uintmax_t)strsz));
		if (sym[i].st_shndx == SHN_XINDEX)
			return (padko_fail(err, EX_DATAERR, "%s: %s[%zu]: "
			    "extended section index is not supported",
			    m->path, s->name, i));
		if (sym[i].st_shndx >= SHN_LORESERVE ||
		    sym[i].st_shndx == SHN_UNDEF)
			continue;
		if (sym[i].st_shndx >= m->nsections)
			return (padko_fail(err, EX_DATAERR, "%s: %s[%zu]: "
			    "section index %u out of range (%zu sections)",
			    m->path, s->name, i, sym[i].st_shndx,
			    m->nsections));
		in = &m->sections[sym[i].st_shndx];
		type = ELF32_ST_TYPE(sym[i].st_info);
		if (!(in->shdr.sh_flags & SHF_ALLOC) ||
		    (type != STT_OBJECT && type != STT_FUNC))
			continue;
		if (sym[i].st_value < in->shdr.sh_addr ||
		    (uint64_t)sym[i].st_value + sym[i].st_size >
		    in->shdr.sh_addr + in->shdr.sh_size)
			return (padko_fail(err, EX_DATAERR, "%s: %s[%zu]: %#x "
			    "size %#x lies outside its section %s", m->path,
			    s->name, i, sym[i].st_value, sym[i].st_size,
			    in->name));
	}
	return (0);
}

/* The PT_LOAD that holds [addr, addr + len) in memory, or NULL. */
static const GElf_Phdr *
segment_holding(const struct module *m, uint64_t addr, uint64_t len)
{
	const GElf_Phdr *p;
	size_t i;

	for (i = 0; i < m->nphdrs; i++) {
		p = &m->phdrs[i];
		if (p->p_type == PT_LOAD && addr >= p->p_vaddr &&
		    addr + len <= p->p_vaddr + p->p_memsz)
			return (p);
	}
	return (NULL);
}

/*
 * Whether the 4 bytes at addr lie in a section a relocation may patch:
 * code or data, not a table padko rewrites itself.
 */
static bool
patchable(struct module *m, uint64_t addr)
{
	const struct section *s;

	s = module_section_at(m, addr);
	if (s == NULL || addr + 4 > s->shdr.sh_addr + s->shdr.sh_size)
		return (false);
	switch (s->shdr.sh_type) {
	case SHT_PROGBITS:
	case SHT_INIT_ARRAY:
	case SHT_FINI_ARRAY:
	case SHT_PREINIT_ARRAY:
		return (true);
	}
	return (false);
}

/*
 * Checks a relocation table's types, symbol indexes and offsets.  Offsets
 * come mostly in order: once one passed the full check, the rest of its
 * section that its segment also holds ([ok_lo, ok_hi]) passes at once.
 */
static int
check_relocations(struct module *m, const struct section *s,
    struct padko_error *err)
{
	const struct section *symsec, *target, *in;
	const GElf_Phdr *seg;
	struct reloc r;
	uint64_t nsyms, offset, ok_lo, ok_hi;
	size_t i, n;
	bool dynamic, ok;

	if (s->data == NULL)
		return (0);
	symsec = &m->sections[s->shdr.sh_link];
	nsyms = symsec->shdr.sh_size / sizeof(Elf32_Sym);
	n = reloc_count(s->shdr.sh_type, s->data->d_size);
	dynamic = (s->shdr.sh_flags & SHF_ALLOC) != 0;
	target = s->shdr.sh_info != 0 ? &m->sections[s->shdr.sh_info] : NULL;
	ok_lo = 1;
	ok_hi = 0;
	for (i = 0; i < n; i++) {
		reloc_get(s->data->d_buf, s->shdr.sh_type, i, &r);
		offset = r.offset;
		if (dynamic && !reloc_kernel_accepts(r.type))
			return (padko_fail(err, EX_DATAERR, "%s: %s[%zu]: "
			    "relocation type %u at %#jx is not one the i386 "
			    "kernel loader handles", m->path, s->name, i,
			    r.type, (uintmax_t)offset));
		if (r.sym >= nsyms)
			return (padko_fail(err, EX_DATAERR, "%s: %s[%zu]: symbol "
			    "index %u beyond %s (%ju symbols)", m->path,
			    s->name, i, r.sym, symsec->name,
			    (uintmax_t)nsyms));
		if (offset >= ok_lo && offset <= ok_hi)
			continue;
		if (dynamic || (target != NULL &&
		    (target->shdr.sh_flags & SHF_ALLOC))) {
			if ((seg = segment_holding(m, offset, 4)) == NULL)
				return (padko_fail(err, EX_DATAERR, "%s: %s[%zu]: "
				    "r_offset %#jx outside every segment",
				    m->path, s->name, i, (uintmax_t)offset));
			ok = patchable(m, offset);
			if (dynamic && r.type != R_386_NONE && !ok)
				return (padko_fail(err, EX_DATAERR, "%s: %s[%zu]: "
				    "r_offset %#jx does not lie in a section of "
				    "code or data", m->path, s->name, i,
				    (uintmax_t)offset));
			if (ok) {
				in = module_section_at(m, offset);
				ok_lo = MAX(in->shdr.sh_addr, seg->p_vaddr);
				ok_hi = MIN(in->shdr.sh_addr + in->shdr.sh_size,
				    seg->p_vaddr + seg->p_memsz) - 4;
			}
		} else if (target != NULL && offset + 4 > target->shdr.sh_size &&
		    r.type != R_386_NONE)
			return (padko_fail(err, EX_DATAERR, "%s: %s[%zu]: r_offset "
			    "%#jx outside section %s", m->path, s->name, i,
			    (uintmax_t)offset, target->name));
	}
	return (0);
}

/* The value of the first .dynamic entry with a tag, or 0. */
static uint32_t
dynamic_value(const Elf32_Dyn *dyn, int64_t tag)
{
	size_t i;

	for (i = 0; dyn[i].d_tag != DT_NULL; i++)
		if (dyn[i].d_tag == tag)
			return (dyn[i].d_un.d_val);
	return (0);
}

/* The name of a .dynamic size tag, for messages. */
static const char *
dynamic_size_name(int64_t tag)
{

	switch (tag) {
	case DT_SYMENT:
		return ("DT_SYMENT");
	case DT_RELENT:
		return ("DT_RELENT");
	case DT_RELAENT:
		return ("DT_RELAENT");
	case DT_STRSZ:
		return ("DT_STRSZ");
	case DT_RELSZ:
		return ("DT_RELSZ");
	case DT_RELASZ:
		return ("DT_RELASZ");
	case DT_PLTRELSZ:
		return ("DT_PLTRELSZ");
	}
	return ("tag");
}

/*
 * Whether a size or entry-size entry of .dynamic agrees with the section
 * its pointer names (DT_STRSZ with DT_STRTAB, DT_RELSZ with DT_REL...).
 */
static bool
dynamic_size_fits(struct module *m, const Elf32_Dyn *dyn,
    int64_t tag, uint32_t val)
{
	const struct section *s;
	int64_t ptr;

	switch (tag) {
	case DT_SYMENT:
		return (val == sizeof(Elf32_Sym));
	case DT_RELENT:
		return (val == sizeof(Elf32_Rel));
	case DT_RELAENT:
		return (val == sizeof(Elf32_Rela));
	case DT_STRSZ:
		ptr = DT_STRTAB;
		break;
	case DT_RELSZ:
		ptr = DT_REL;
		break;
	case DT_RELASZ:
		ptr = DT_RELA;
		break;
	case DT_PLTRELSZ:
		ptr = DT_JMPREL;
		break;
	default:
		return (true);
	}
	if (val == 0)
		return (true);
	s = module_section_at(m, dynamic_value(dyn, ptr));
	return (s != NULL && dynamic_value(dyn, ptr) + (uint64_t)val <=
	    s->shdr.sh_addr + s->shdr.sh_size);
}

/* Checks .dynamic: terminated by DT_NULL, its pointers inside segments. */
static int
check_dynamic(struct module *m, struct padko_error *err)
{
	const Elf32_Dyn *dyn;
	size_t i, n;

	if (m->dynamic == NULL)
		return (0);
	if (m->dynamic->data == NULL)
		return (padko_fail(err, EX_DATAERR, "%s: .dynamic is empty",
		    m->path));
	dyn = m->dynamic->data->d_buf;
	n = m->dynamic->data->d_size / sizeof(*dyn);
	for (i = 0; i < n && dyn[i].d_tag != DT_NULL; i++)
		if (dynamic_tag_is_pointer(dyn[i].d_tag) &&
		    dyn[i].d_un.d_ptr != 0 &&
		    segment_holding(m, dyn[i].d_un.d_ptr, 1) == NULL)
			return (padko_fail(err, EX_DATAERR, "%s: .dynamic[%zu]: "
			    "tag %#x points to %#x, outside every segment",
			    m->path, i, (unsigned)dyn[i].d_tag,
			    dyn[i].d_un.d_ptr));
	if (i == n)
		return (padko_fail(err, EX_DATAERR, "%s: .dynamic has no DT_NULL "
		    "terminator", m->path));
	for (i = 0; dyn[i].d_tag != DT_NULL; i++)
		if (!dynamic_size_fits(m, dyn, dyn[i].d_tag, dyn[i].d_un.d_val))
			return (padko_fail(err, EX_DATAERR, "%s: .dynamic[%zu]: "
			    "%s %#x does not fit the table it describes",
			    m->path, i, dynamic_size_name(dyn[i].d_tag),
			    dyn[i].d_un.d_val));
	return (0);
}

/* Checks a SysV hash table: its buckets and chains fit, one per symbol. */
static int
check_hash(const struct module *m, const struct section *s,
    struct padko_error *err)
{
	const uint32_t *h;
	uint64_t nbucket, nchain, nsyms;

	if (s->data == NULL || s->data->d_size < 8)
		return (padko_fail(err, EX_DATAERR, "%s: %s: no room for the "
		    "hash table header", m->path, s->name));
	h = s->data->d_buf;
	nbucket = h[0];
	nchain = h[1];
	nsyms = m->sections[s->shdr.sh_link].shdr.sh_size / sizeof(Elf32_Sym);
	if (8 + 4 * (nbucket + nchain) > s->data->d_size || nbucket == 0 ||
	    nchain != nsyms)
		return (padko_fail(err, EX_DATAERR, "%s: %s: %ju buckets and "
		    "%ju chains do not fit its %#jx bytes and %ju symbols",
		    m->path, s->name, (uintmax_t)nbucket, (uintmax_t)nchain,
		    (uintmax_t)s->data->d_size, (uintmax_t)nsyms));
	return (0);
}

int
validate_tables(struct module *m, struct padko_error *err)
{
	const struct section *s;
	size_t i;

	for (i = 1; i < m->nsections; i++) {
		s = &m->sections[i];
		switch (s->shdr.sh_type) {
		case SHT_SYMTAB:
		case SHT_DYNSYM:
			if (check_symbols(m, s, err) != 0)
				return (-1);
			break;
		case SHT_REL:
		case SHT_RELA:
			if (s->shdr.sh_size > 0 &&
			    check_relocations(m, s, err) != 0)
				return (-1);
			break;
		case SHT_HASH:
			if (check_hash(m, s, err) != 0)
				return (-1);
			break;
		}
	}
	return (check_dynamic(m, err));
}

/* The kind of the set whose section is called name, or -1. */
static int
set_kind_named(const char *name)
{
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++)
		if (strcmp(name, padko_set_name((enum padko_set_kind)k)) == 0)
			return (k);
	return (-1);
}

/* Checks that __start/__stop of each set agree with its section. */
static int
check_set_symbols(const struct module *m, const struct section *symsec,
    struct padko_error *err)
{
	const struct section *set, *strsec;
	const Elf32_Sym *sym;
	const char *name, *setname, *str;
	uint64_t want, strsz;
	size_t i, n;
	int k, type;

	if (symsec == NULL || symsec->data == NULL)
		return (0);
	sym = symsec->data->d_buf;
	n = symsec->data->d_size / sizeof(*sym);
	strsec = &m->sections[symsec->shdr.sh_link];
	str = strsec->data != NULL ? strsec->data->d_buf : NULL;
	strsz = str != NULL ? strsec->data->d_size : 0;
	for (i = 1; i < n; i++) {
		if (sym[i].st_shndx == SHN_UNDEF)
			continue;
		/* Most names do not start with "__": skip them cheaply. */
		if (sym[i].st_name + (uint64_t)2 <= strsz &&
		    (str[sym[i].st_name] != '_' ||
		    str[sym[i].st_name + 1] != '_'))
			continue;
		if (sym[i].st_shndx == SHN_XINDEX)
			return (padko_fail(err, EX_DATAERR, "%s: %s[%zu]: "
			    "extended section index is not supported",
			    m->path, symsec->name, i));
		/* Not every libelf checks that a name ends in its table. */
		if (sym[i].st_name >= strsz || memchr(str + sym[i].st_name,
		    '\0', strsz - sym[i].st_name) == NULL)
			continue;	/* validate_tables() refuses it */
		name = elf_strptr(m->elf, symsec->shdr.sh_link, sym[i].st_name);
		if (name == NULL || (strncmp(name, "__start_set_", 12) != 0 &&
		    strncmp(name, "__stop_set_", 11) != 0))
			continue;
		setname = strchr(name + 2, '_') + 1;
		if ((k = set_kind_named(setname)) < 0)
			continue;
		set = m->sets[k].sec;
		if (set == NULL)
			return (padko_fail(err, EX_DATAERR, "%s: %s defines %s, "
			    "but there is no section %s", m->path,
			    symsec->name, name, setname));
		want = set->shdr.sh_addr + (strncmp(name, "__stop_", 7) == 0 ?
		    set->shdr.sh_size : 0);
		type = ELF32_ST_TYPE(sym[i].st_info);
		if (sym[i].st_value != want || sym[i].st_shndx != set->index ||
		    sym[i].st_size != 0 ||
		    (type != STT_NOTYPE && type != STT_OBJECT))
			return (padko_fail(err, EX_DATAERR, "%s: %s: %s (%#x, "
			    "size %u, section %u, type %d) is not the %s of "
			    "section %s (%#jx, section %zu)", m->path,
			    symsec->name, name, sym[i].st_value,
			    sym[i].st_size, sym[i].st_shndx, type,
			    strncmp(name, "__stop_", 7) == 0 ? "end" : "start",
			    set->name, (uintmax_t)want, set->index));
	}
	return (0);
}

/* Checks what a section named like a set must be. */
static int
check_set_sections(const struct module *m, struct padko_error *err)
{
	const struct section *s;
	size_t i;

	for (i = 1; i < m->nsections; i++) {
		s = &m->sections[i];
		if (set_kind_named(s->name) < 0)
			continue;
		if (!(s->shdr.sh_flags & SHF_ALLOC) ||
		    s->shdr.sh_type != SHT_PROGBITS)
			return (padko_fail(err, EX_DATAERR, "%s: section %s is "
			    "not PROGBITS, or not allocated (type %u, flags "
			    "%#jx)", m->path, s->name, s->shdr.sh_type,
			    (uintmax_t)s->shdr.sh_flags));
	}
	return (0);
}

int
validate_sets(const struct module *m, struct padko_error *err)
{

	if (check_set_sections(m, err) != 0 ||
	    check_set_symbols(m, m->dynsym, err) != 0 ||
	    check_set_symbols(m, m->symtab, err) != 0)
		return (-1);
	return (0);
}
