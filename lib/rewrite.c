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
 * Rewriting every reference to a moved address: the padding word itself,
 * .dynamic pointers, symbol values, relocation offsets, and the in-place
 * values of relocations that hold absolute addresses.  (A GOT's _DYNAMIC
 * word never needs it: the plan refuses any move relative to a GOT.)
 * Headers are taken from the plan when the file is written.  New values
 * come from boundary.c's decisions and layout.c's map; relocation entries
 * are read and written through reloc.c.
 */

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "debuginfo.h"
#include "layout.h"
#include "module.h"

/*
 * The most the rewritten sections can take: each section is given its
 * buffer once, at its new size, 16-aligned in the arena.
 */
static size_t
out_size_bound(const struct module *m)
{
	size_t i, total;

	total = 0;
	for (i = 1; i < m->nsections; i++)
		if (m->sections[i].data != NULL || m->sections[i].set >= 0)
			total += (size_t)m->sections[i].new_size + 16;
	return (total);
}

/* The section's output contents, copied from the input on first use. */
static unsigned char *
section_out(struct module *m, struct section *s, struct padko_error *err)
{

	if (s->out != NULL)
		return (s->out);
	if ((m->out.base == NULL &&
	    out_arena_reserve(&m->out, out_size_bound(m)) != 0) ||
	    (s->out = out_arena_alloc(&m->out, (size_t)s->new_size)) == NULL) {
		padko_fail(err, EX_OSERR, "%s: out of memory", m->path);
		return (NULL);
	}
	if (s->data != NULL)
		memcpy(s->out, s->data->d_buf, s->data->d_size);
	return (s->out);
}

static int
write_padding(struct module *m, struct padko_error *err)
{
	struct section *s;
	unsigned char *out;
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		s = m->sets[k].sec;
		if (s == NULL || s->new_size == s->shdr.sh_size)
			continue;
		if ((out = section_out(m, s, err)) == NULL)
			return (-1);
		le32_write(out + s->shdr.sh_size, PADKO_PAD_WORD);
	}
	return (0);
}

static int
rewrite_dynamic(struct module *m, struct padko_error *err)
{
	Elf32_Dyn *dyn;
	size_t i, n;

	if (m->dynamic == NULL || m->dynamic->data == NULL)
		return (0);
	if ((dyn = (Elf32_Dyn *)section_out(m, m->dynamic, err)) == NULL)
		return (-1);
	n = m->dynamic->data->d_size / sizeof(*dyn);
	for (i = 0; i < n && dyn[i].d_tag != DT_NULL; i++)
		if (dynamic_tag_is_pointer(dyn[i].d_tag) &&
		    dyn[i].d_un.d_ptr != 0)
			dyn[i].d_un.d_ptr = (Elf32_Addr)boundary_map_value(m,
			    PADKO_SITE_DYNAMIC, m->dynamic->shdr.sh_addr +
			    i * sizeof(*dyn), dyn[i].d_un.d_ptr);
	return (0);
}

/*
 * The new value of a symbol: it moves with its section, except that
 * __stop_set_X follows the set's new end.  Other symbols at a set's old end
 * stay there, as the linker keeps input-section-relative values.
 */
static int
map_symbol(const struct module *m, const struct section *symsec,
    const Elf32_Sym *sym, Elf32_Addr *value, struct padko_error *err)
{
	const struct section *s;
	const char *name;

	*value = sym->st_value;
	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx >= SHN_LORESERVE ||
	    ELF32_ST_TYPE(sym->st_info) == STT_TLS)
		return (0);
	if (sym->st_shndx >= m->nsections)
		return (padko_fail(err, EX_DATAERR,
		    "%s: %s: symbol section index %u out of range", m->path,
		    symsec->name, sym->st_shndx));
	s = &m->sections[sym->st_shndx];
	if (!(s->shdr.sh_flags & SHF_ALLOC))
		return (0);
	*value = sym->st_value + (Elf32_Addr)(s->new_addr - s->shdr.sh_addr);
	if (s->set >= 0 && s->new_size != s->shdr.sh_size &&
	    sym->st_value == s->shdr.sh_addr + s->shdr.sh_size) {
		name = elf_strptr(m->elf, symsec->shdr.sh_link, sym->st_name);
		if (name != NULL && strncmp(name, "__stop_", 7) == 0 &&
		    strcmp(name + 7, s->name) == 0)
			*value = (Elf32_Addr)(s->new_addr + s->new_size);
	}
	return (0);
}

static int
rewrite_symbols(struct module *m, struct section *symsec,
    struct padko_error *err)
{
	Elf32_Sym *sym;
	Elf32_Addr value;
	size_t i, n;

	if (symsec == NULL || symsec->data == NULL)
		return (0);
	if ((sym = (Elf32_Sym *)section_out(m, symsec, err)) == NULL)
		return (-1);
	n = symsec->data->d_size / sizeof(*sym);
	for (i = 1; i < n; i++) {
		if (map_symbol(m, symsec, &sym[i], &value, err) != 0)
			return (-1);
		sym[i].st_value = value;
	}
	return (0);
}

/* Rewrites the address stored at a relocation's place. */
static int
rewrite_in_place(struct module *m, GElf_Addr where,
    struct padko_error *err)
{
	struct section *target;
	unsigned char *out;
	GElf_Addr off;
	uint32_t value;

	target = module_section_at(m, where);
	if (target == NULL || target->data == NULL ||
	    where - target->shdr.sh_addr + 4 > target->shdr.sh_size)
		return (padko_fail(err, EX_DATAERR,
		    "%s: relocation at %#jx is outside every allocated "
		    "section with contents", m->path, (uintmax_t)where));
	off = where - target->shdr.sh_addr;
	value = le32_read((const unsigned char *)target->data->d_buf + off);
	value = (uint32_t)boundary_map_value(m, PADKO_SITE_RELOC, where,
	    value);
	if (value == le32_read(section_bytes(target) + off))
		return (0);
	if ((out = section_out(m, target, err)) == NULL)
		return (-1);
	le32_write(out + off, value);
	return (0);
}

static int
rewrite_relocations(struct module *m, struct section *rs,
    struct padko_error *err)
{
	struct reloc r;
	size_t i, n;
	bool dynamic;

	if (rs->data == NULL)
		return (0);
	/*
	 * Static relocations kept by --emit-relocs for a non-allocated
	 * section (debug information) hold offsets within it, not addresses.
	 */
	if (!(rs->shdr.sh_flags & SHF_ALLOC) && rs->shdr.sh_info > 0 &&
	    rs->shdr.sh_info < m->nsections &&
	    !(m->sections[rs->shdr.sh_info].shdr.sh_flags & SHF_ALLOC))
		return (0);
	if (section_out(m, rs, err) == NULL)
		return (-1);
	dynamic = (rs->shdr.sh_flags & SHF_ALLOC) != 0;
	n = reloc_count(rs->shdr.sh_type, rs->data->d_size);
	for (i = 0; i < n; i++) {
		reloc_get(rs->out, rs->shdr.sh_type, i, &r);
		if (dynamic && reloc_value_is_address(r.type, r.sym)) {
			if (rs->shdr.sh_type == SHT_REL) {
				if (rewrite_in_place(m, r.offset, err) != 0)
					return (-1);
			} else
				r.addend = (int32_t)boundary_map_value(m,
				    PADKO_SITE_RELOC, r.offset,
				    (uint32_t)r.addend);
		}
		r.offset = layout_map_addr(m, r.offset);
		reloc_put(rs->out, rs->shdr.sh_type, i, &r);
	}
	return (0);
}

int
rewrite_module(struct module *m, struct padko_error *err)
{
	struct section *s;
	size_t i;

	if (write_padding(m, err) != 0 || rewrite_dynamic(m, err) != 0 ||
	    rewrite_symbols(m, m->dynsym, err) != 0 ||
	    rewrite_symbols(m, m->symtab, err) != 0)
		return (-1);
	for (i = 1; i < m->nsections; i++) {
		s = &m->sections[i];
		if ((s->shdr.sh_type == SHT_REL || s->shdr.sh_type == SHT_RELA) &&
		    rewrite_relocations(m, s, err) != 0)
			return (-1);
	}
	if (m->ehdr.e_entry != 0)
		m->ehdr.e_entry = layout_map_addr(m, m->ehdr.e_entry);
	return (debuginfo_rewrite(m, section_out, err));
}
