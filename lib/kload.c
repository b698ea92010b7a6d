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
 * The loader model: FreeBSD's i386 kernel module loader
 * (sys/kern/link_elf.c, sys/i386/i386/elf_machdep.c), as
 * kernel-contract.md describes it: what it checks, how it maps the
 * module, how it finds the per-CPU and per-vnet sets through DT_HASH, and
 * how it applies relocations, relocaddr()'s half-open range included.  It
 * reads only what the kernel reads: the program headers and what .dynamic
 * points to, never section headers.  It includes bytes.h and image.h,
 * never module.h, and keeps its own copy of what the kernel does with
 * each relocation type and of the padding word (kload.h says why): it is
 * the independent check of what the stages write.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <gelf.h>

#include "bytes.h"
#include "elfdefs.h"
#include "image.h"
#include "kload.h"

#define	KLOAD_PAGE	4096u

static uint32_t
trunc_page(uint32_t v)
{

	return (v & ~(KLOAD_PAGE - 1));
}

static uint64_t
round_page(uint64_t v)
{

	return ((v + KLOAD_PAGE - 1) & ~(uint64_t)(KLOAD_PAGE - 1));
}

/* Refuses the module with the given message, as the kernel prints it. */
static int
refuse(struct kload *k, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static int
refuse(struct kload *k, const char *fmt, ...)
{
	va_list ap;

	/* The kernel stops at the first refusal: keep its message. */
	if (k->accepted) {
		va_start(ap, fmt);
		vsnprintf(k->message, sizeof(k->message), fmt, ap);
		va_end(ap);
	}
	k->accepted = 0;
	return (1);
}

/* Whether [addr, addr + len) lies in the file part of a segment. */
static inline int
view_holds(const struct kload_view *v, uint64_t addr, uint64_t len)
{

	return (addr >= v->vaddr && len <= v->filesz &&
	    addr - v->vaddr <= v->filesz - len);
}

/*
 * image_at() for the ranges that the segment of the last read does not
 * hold: see there.  Records the segment found, or that none served.
 */
static unsigned char *
image_search(struct kload *k, uint64_t addr, uint64_t len)
{
	const struct kload_view *v;
	size_t i;

	if (addr < k->vaddr || len > k->size || addr - k->vaddr > k->size - len)
		return (NULL);
	if (k->image != NULL)
		return (k->image + (addr - k->vaddr));
	for (i = 0; i < k->nview; i++) {
		v = &k->view[i];
		if (view_holds(v, addr, len)) {
			k->view_hit = i;
			return ((unsigned char *)v->bytes + (addr - v->vaddr));
		}
	}
	k->view_short = 1;
	return (NULL);
}

/*
 * A pointer into the mapped image for a link-time range, or NULL.  Without
 * an image (accept_only), the range is read from the file when it lies in
 * the file part of one segment; any other range of the image (zeros, or
 * across segments) cannot be served: view_short makes kload_run() load
 * the module again with an image.  Reads come in runs, so the segment of
 * the last one is tried first, here.
 */
static inline unsigned char *
image_at(struct kload *k, uint64_t addr, uint64_t len)
{
	const struct kload_view *v;

	if (k->image == NULL && k->nview > 0) {
		v = &k->view[k->view_hit];
		if (view_holds(v, addr, len))
			return ((unsigned char *)v->bytes + (addr - v->vaddr));
	}
	return (image_search(k, addr, len));
}

/* Whether the PT_LOADs come in address order without overlapping. */
static int
loads_disjoint(const GElf_Phdr *ph, size_t n)
{
	uint64_t end;
	size_t i;

	end = 0;
	for (i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_vaddr < end)
			return (0);
		end = ph[i].p_vaddr + ph[i].p_memsz;
	}
	return (1);
}

/*
 * The ELF header checks of link_elf_load_file(), and where the program
 * header table lies: 1 (refused) or 0, with the number of entries in *n.
 */
static int
check_file_header(struct kload *k, Elf *e, size_t max, size_t *n)
{
	GElf_Ehdr eh;

	if (gelf_getehdr(e, &eh) == NULL || gelf_getclass(e) != ELFCLASS32 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return (refuse(k, "Unsupported file layout"));
	if (eh.e_machine != EM_386)
		return (refuse(k, "Unsupported machine"));
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return (refuse(k, "Unsupported file type"));
	/* The table lies in the first page: at most 128 entries. */
	if (eh.e_phentsize != sizeof(Elf32_Phdr) ||
	    eh.e_phoff + (uint64_t)eh.e_phnum * eh.e_phentsize > KLOAD_PAGE ||
	    elf_getphdrnum(e, n) != 0 || *n > max)
		return (refuse(k, "Unreadable program headers"));
	return (0);
}

/*
 * Reads the program headers as the loader walks them: at most
 * KLOAD_MAXSEGS PT_LOADs (the first and last kept), a PT_DYNAMIC.
 */
static int
read_program_headers(struct kload *k, Elf *e, GElf_Phdr *ph, size_t n,
    const GElf_Phdr **first, const GElf_Phdr **last)
{
	size_t i, nload;

	nload = 0;
	*first = *last = NULL;
	k->have_dynamic = 0;
	for (i = 0; i < n; i++) {
		if (gelf_getphdr(e, (int)i, &ph[i]) == NULL)
			return (refuse(k, "Unreadable program headers"));
		if (ph[i].p_type == PT_LOAD) {
			if (++nload > KLOAD_MAXSEGS)
				return (refuse(k, "Too many sections"));
			if (*first == NULL)
				*first = &ph[i];
			*last = &ph[i];
		} else if (ph[i].p_type == PT_DYNAMIC) {
			k->have_dynamic = 1;
			k->dynamic = (uint32_t)ph[i].p_vaddr;
			k->dynamic_size = (uint32_t)ph[i].p_memsz;
		}
	}
	if (!k->have_dynamic)
		return (refuse(k, "Object is not dynamically-linked"));
	if (*first == NULL)
		return (refuse(k, "No sections"));
	return (0);
}

/*
 * The extent of the mapping, from the first PT_LOAD's page to the last
 * one's end, and that every PT_LOAD lies in it and in the file.
 */
static int
size_image(struct kload *k, const GElf_Phdr *ph, size_t n,
    const GElf_Phdr *first, const GElf_Phdr *last, size_t fsize)
{
	size_t i;

	k->vaddr = trunc_page((uint32_t)first->p_vaddr);
	if (last->p_vaddr + last->p_memsz < k->vaddr ||
	    round_page(last->p_vaddr + last->p_memsz) - k->vaddr > (1u << 30))
		return (refuse(k, "Unsupported file layout"));
	k->size = round_page(last->p_vaddr + last->p_memsz) - k->vaddr;
	for (i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_filesz > ph[i].p_memsz ||
		    ph[i].p_offset > fsize ||
		    ph[i].p_filesz > fsize - ph[i].p_offset ||
		    ph[i].p_vaddr < k->vaddr || ph[i].p_memsz > k->size ||
		    ph[i].p_vaddr - k->vaddr > k->size - ph[i].p_memsz)
			return (refuse(k, "Unreadable segment %zu", i));
	}
	return (0);
}

/* Maps the PT_LOAD segments as the loader does, in one piece. */
static int
map_segments(struct kload *k, const unsigned char *file, size_t fsize,
    const char *path, struct padko_error *err)
{
	const GElf_Phdr *first, *last;
	GElf_Phdr ph[KLOAD_PAGE / sizeof(Elf32_Phdr)];
	Elf *e;
	size_t i, n;
	int rc;

	if ((e = elf_memory((char *)file, fsize)) == NULL ||
	    elf_kind(e) != ELF_K_ELF) {
		if (e != NULL)
			elf_end(e);
		return (padko_fail(err, EX_DATAERR, "%s: not an ELF file",
		    path));
	}
	if ((rc = check_file_header(k, e, sizeof(ph) / sizeof(ph[0]),
	    &n)) != 0 ||
	    (rc = read_program_headers(k, e, ph, n, &first, &last)) != 0 ||
	    (rc = size_image(k, ph, n, first, last, fsize)) != 0)
		goto out;
	/* Without an image, each segment is read where it lies in the file. */
	if (k->accept_only && loads_disjoint(ph, n)) {
		for (i = 0; i < n; i++)
			if (ph[i].p_type == PT_LOAD) {
				k->view[k->nview].vaddr = (uint32_t)ph[i].p_vaddr;
				k->view[k->nview].filesz =
				    (uint32_t)ph[i].p_filesz;
				k->view[k->nview].bytes = file + ph[i].p_offset;
				k->nview++;
			}
		k->relocbase = k->base - k->vaddr;
		goto out;
	}
	if ((k->image = bulk_alloc(k->size, &k->image_mapped)) == NULL) {
		rc = padko_fail(err, EX_OSERR, "%s: out of memory", path);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD)
			memcpy(image_at(k, ph[i].p_vaddr, ph[i].p_memsz),
			    file + ph[i].p_offset, ph[i].p_filesz);
	k->relocbase = k->base - k->vaddr;
out:
	elf_end(e);
	return (rc);
}

/* Reads what .dynamic points to: hash, symbols, strings, relocations. */
static int
parse_dynamic(struct kload *k)
{
	const unsigned char *d, *hash;
	uint32_t tag, val, i, syment, pltrel;

	d = image_at(k, k->dynamic, k->dynamic_size);
	if (d == NULL)
		return (refuse(k, "Unreadable dynamic section"));
	syment = sizeof(Elf32_Sym);
	pltrel = DT_REL;
	for (i = 0; i + 8 <= k->dynamic_size; i += 8) {
		tag = le32_read(d + i);
		val = le32_read(d + i + 4);
		if (tag == DT_NULL)
			break;
		switch (tag) {
		case DT_HASH:
			k->hash = val;
			break;
		case DT_STRTAB:
			k->strtab = val;
			break;
		case DT_STRSZ:
			k->strsz = val;
			break;
		case DT_SYMTAB:
			k->symtab = val;
			break;
		case DT_SYMENT:
			syment = val;
			break;
		case DT_REL:
			k->rel = val;
			break;
		case DT_RELSZ:
			k->relsz = val;
			break;
		case DT_JMPREL:
			k->jmprel = val;
			break;
		case DT_PLTRELSZ:
			k->pltrelsz = val;
			break;
		case DT_PLTREL:
			pltrel = val;
			break;
		case DT_RELA:
			k->rela = val;
			break;
		case DT_RELASZ:
			k->relasz = val;
			break;
		}
	}
	if (syment != sizeof(Elf32_Sym))
		return (refuse(k, "Unsupported DT_SYMENT %u", syment));
	if (pltrel == DT_RELA) {
		k->plt_is_rela = 1;
	} else if (pltrel != DT_REL)
		return (refuse(k, "Unsupported DT_PLTREL %u", pltrel));
	if (k->hash == 0 || (hash = image_at(k, k->hash, 8)) == NULL)
		return (refuse(k, "No usable DT_HASH: symbols cannot be "
		    "looked up"));
	k->nbuckets = le32_read(hash);
	k->nchains = le32_read(hash + 4);
	if (k->nbuckets == 0 || image_at(k, k->hash + 8,
	    ((uint64_t)k->nbuckets + k->nchains) * 4) == NULL ||
	    image_at(k, k->symtab, (uint64_t)k->nchains * sizeof(Elf32_Sym)) ==
	    NULL || image_at(k, k->strtab, k->strsz) == NULL)
		return (refuse(k, "Unreadable symbol table"));
	return (0);
}

/* The SysV ELF hash of a name. */
static uint32_t
elf_hash_name(const char *name)
{
	const unsigned char *p;
	uint32_t h, g;

	h = 0;
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		h = (h << 4) + *p;
		if ((g = h & 0xf0000000) != 0)
			h ^= g >> 24;
		h &= ~g;
	}
	return (h);
}

static unsigned
sym_shndx(const unsigned char *sym)
{

	return ((unsigned)sym[14] | (unsigned)sym[15] << 8);
}

/* The name of dynamic symbol i, or NULL when it lies outside .dynstr. */
static const char *
sym_name(struct kload *k, uint32_t i)
{
	const unsigned char *sym, *str;
	uint32_t off;

	sym = image_at(k, k->symtab + (uint64_t)i * sizeof(Elf32_Sym),
	    sizeof(Elf32_Sym));
	str = image_at(k, k->strtab, k->strsz);
	if (sym == NULL || str == NULL)
		return (NULL);
	off = le32_read(sym);
	if (off >= k->strsz || memchr(str + off, '\0', k->strsz - off) == NULL)
		return (NULL);
	return ((const char *)str + off);
}

int
kload_lookup(struct kload *k, const char *name, uint32_t *value)
{
	const unsigned char *sym;
	const char *n;
	uint32_t i, steps;

	i = le32_read(image_at(k, k->hash + 8 +
	    (uint64_t)(elf_hash_name(name) % k->nbuckets) * 4, 4));
	for (steps = 0; i != 0 && i < k->nchains && steps < k->nchains;
	    steps++) {
		sym = image_at(k, k->symtab + (uint64_t)i * sizeof(Elf32_Sym),
		    sizeof(Elf32_Sym));
		n = sym_name(k, i);
		if (n != NULL && strcmp(n, name) == 0) {
			if (sym_shndx(sym) == SHN_UNDEF ||
			    ELF32_ST_BIND(sym[12]) == STB_LOCAL)
				return (-1);
			*value = k->relocbase + le32_read(sym + 4);
			return (0);
		}
		i = le32_read(image_at(k, k->hash + 8 +
		    ((uint64_t)k->nbuckets + i) * 4, 4));
	}
	return (-1);
}

/*
 * parse_dpcpu()/parse_vnet(): finds a set through its __start/__stop
 * symbols and applies the i386 padding checks of kernels since 12.1.
 */
static int
parse_set(struct kload *k, enum padko_set_kind kind, const char *path)
{
	struct kload_set *s;
	char start[32], stop[32];
	const unsigned char *word;
	uint32_t size;

	s = &k->sets[kind];
	snprintf(start, sizeof(start), "__start_%s", padko_set_name(kind));
	snprintf(stop, sizeof(stop), "__stop_%s", padko_set_name(kind));
	if (kload_lookup(k, start, &s->start) != 0 ||
	    kload_lookup(k, stop, &s->stop) != 0)
		return (0);
	s->present = 1;
	size = s->stop - s->start;
	s->size = size;
	if ((int32_t)size < 1)
		return (0);
	if (size >= 4 && (word = image_at(k, s->stop - k->relocbase - 4, 4)) !=
	    NULL)
		s->last_word = le32_read(word);
	if (k->kernel == PADKO_KERNEL_CURRENT) {
		if (size < 4)
			return (refuse(k, "Kernel module '%s' must be "
			    "recompiled with linker script", path));
		if (s->last_word != KLOAD_PADDING)
			return (refuse(k, "Kernel module '%s' must be "
			    "recompiled with linker script, invalid padding "
			    "%#04x (%#04x)", path, s->last_word,
			    KLOAD_PADDING));
		if (size == 4)
			return (0);
	}
	if (image_at(k, s->start - k->relocbase, size) == NULL)
		return (refuse(k, "Set %s lies outside the module", start));
	/* The kernel copies the initial contents before relocating. */
	if ((s->init = malloc(size)) == NULL)
		return (refuse(k, "out of memory"));
	memcpy(s->init, image_at(k, s->start - k->relocbase, size), size);
	s->relocated = 1;
	s->dest = k->set_dest[kind];
	return (0);
}

/* elf_relocaddr(): moves an address inside a recorded set, [start, stop). */
static uint32_t
relocaddr(struct kload *k, uint32_t x)
{
	const struct kload_set *s;
	int i;

	for (i = 0; i < PADKO_NSET_KINDS; i++) {
		s = &k->sets[i];
		if (s->relocated && x >= s->start && x < s->stop)
			return (x - s->start + s->dest);
	}
	return (x);
}

int
kload_resolve_any(void *arg, const char *name, uint32_t *value)
{

	(void)arg;
	*value = 0xc0000000u | (elf_hash_name(name) & 0x0ffffff0u);
	return (0);
}

/* An undefined symbol's value: from the kernel, or 0 when weak. */
static int
resolve_import(struct kload *k, const unsigned char *sym, uint32_t idx,
    uint32_t *value)
{
	const char *name;

	*value = 0;
	if ((name = sym_name(k, idx)) == NULL || name[0] == '\0')
		return (-1);
	if (k->resolve != NULL && k->resolve(k->resolve_arg, name, value) == 0)
		return (0);
	if (ELF32_ST_BIND(sym[12]) == STB_WEAK) {
		*value = 0;
		return (0);
	}
	return (-1);
}

/*
 * elf_lookup(): the value of symbol idx for a relocation.  A local symbol
 * is taken as it is; a global one is looked up (in the module, else in the
 * kernel) and moved into a per-CPU/per-vnet area if it lies in a set.
 */
static int
symbol_value(struct kload *k, uint32_t idx, uint32_t *value)
{
	const unsigned char *sym;
	uint32_t st_value;
	int rc;

	if (idx >= k->nchains)
		return (-1);
	sym = image_at(k, k->symtab + (uint64_t)idx * sizeof(Elf32_Sym),
	    sizeof(Elf32_Sym));
	st_value = le32_read(sym + 4);
	if (ELF32_ST_BIND(sym[12]) == STB_LOCAL) {
		if (sym_shndx(sym) == SHN_UNDEF || st_value == 0)
			return (-1);
		*value = k->relocbase + st_value;
		return (0);
	}
	if (sym_shndx(sym) != SHN_UNDEF) {
		*value = relocaddr(k, k->relocbase + st_value);
		return (0);
	}
	if (k->imports == NULL)
		k->imports = calloc(k->nchains, sizeof(*k->imports));
	if (k->imports != NULL && k->imports[idx].state != 0) {
		*value = k->imports[idx].value;
		return (k->imports[idx].state > 0 ? 0 : -1);
	}
	rc = resolve_import(k, sym, idx, value);
	if (k->imports != NULL) {
		k->imports[idx].value = *value;
		k->imports[idx].state = rc == 0 ? 1 : -1;
	}
	return (rc);
}

/*
 * What elf_machdep.c's elf_reloc_internal() does with a relocation type.
 * The loader model's own copy of that knowledge, apart from reloc.c's on
 * purpose (kload.h).
 */
enum kload_reloc_action
kload_reloc_action(unsigned type)
{

	switch (type) {
	case R_386_NONE:
		return (KLOAD_RELOC_NONE);
	case R_386_RELATIVE:
		return (KLOAD_RELOC_RELATIVE);
	case R_386_32:
		return (KLOAD_RELOC_ABS32);
	case R_386_PC32:
		return (KLOAD_RELOC_PC32);
	case R_386_GLOB_DAT:
	case PADKO_R_386_JMP_SLOT:
		return (KLOAD_RELOC_SYMBOL);
	case R_386_IRELATIVE:
		return (KLOAD_RELOC_IRELATIVE);
	case R_386_COPY:
		return (KLOAD_RELOC_COPY);
	}
	return (KLOAD_RELOC_UNEXPECTED);
}

/* Applies one relocation; counts R_386_RELATIVE moved or left at an end. */
static int
apply(struct kload *k, uint32_t offset, uint32_t info, uint32_t addend,
    int has_addend)
{
	enum kload_reloc_action action;
	unsigned char *where;
	uint32_t type, idx, value, moved;
	int i;

	type = ELF32_R_TYPE(info);
	idx = ELF32_R_SYM(info);
	action = kload_reloc_action(type);
	if (action == KLOAD_RELOC_NONE)
		return (0);
	if ((where = image_at(k, offset, 4)) == NULL)
		return (refuse(k, "relocation at %#x outside the module",
		    offset));
	/*
	 * Without an image no value is stored or counted: what is checked
	 * is that the place and the symbol exist, so the place is not read.
	 */
	if (!has_addend && k->image != NULL)
		addend = le32_read(where);
	switch (action) {
	case KLOAD_RELOC_RELATIVE:
		/* Nothing more to check: the value only matters when stored. */
		if (k->image == NULL)
			return (0);
		value = k->relocbase + addend;
		moved = relocaddr(k, value);
		if (moved != value)
			k->relative_moved++;
		for (i = 0; moved == value && i < PADKO_NSET_KINDS; i++)
			if (k->sets[i].relocated && value == k->sets[i].stop)
				k->relative_at_end++;
		value = moved;
		break;
	case KLOAD_RELOC_ABS32:
		if (symbol_value(k, idx, &value) != 0)
			return (refuse(k, "undefined symbol %u for relocation "
			    "at %#x", idx, offset));
		value += addend;
		break;
	case KLOAD_RELOC_PC32:
		if (symbol_value(k, idx, &value) != 0)
			return (refuse(k, "undefined symbol %u for relocation "
			    "at %#x", idx, offset));
		value += addend - (k->relocbase + offset);
		break;
	case KLOAD_RELOC_SYMBOL:
		if (symbol_value(k, idx, &value) != 0)
			return (refuse(k, "undefined symbol %u for relocation "
			    "at %#x", idx, offset));
		break;
	case KLOAD_RELOC_IRELATIVE:
		/* The kernel calls the resolver; the model keeps its address. */
		value = k->relocbase + addend;
		break;
	case KLOAD_RELOC_COPY:
		return (refuse(k, "COPY relocs not supported"));
	default:
		return (refuse(k, "kldload: unexpected relocation type %u, "
		    "symbol index %u", type, idx));
	}
	if (k->image != NULL)
		le32_write(where, value);
	return (0);
}

/* relocate_file(): REL, then RELA, then the PLT relocations. */
static int
relocate(struct kload *k)
{
	const unsigned char *r, *rel;
	uint32_t i;

	rel = NULL;
	if (k->relsz > 0 && (rel = image_at(k, k->rel, k->relsz)) == NULL)
		return (refuse(k, "Unreadable DT_REL table"));
	for (i = 0; i + 8 <= k->relsz; i += 8) {
		r = rel + i;
		if (apply(k, le32_read(r), le32_read(r + 4), 0, 0) != 0)
			return (1);
	}
	for (i = 0; i + 12 <= k->relasz; i += 12) {
		if ((r = image_at(k, k->rela + i, 12)) == NULL)
			return (refuse(k, "Unreadable DT_RELA table"));
		if (apply(k, le32_read(r), le32_read(r + 4),
		    le32_read(r + 8), 1) != 0)
			return (1);
	}
	for (i = 0; i + (k->plt_is_rela ? 12 : 8) <= k->pltrelsz;
	    i += k->plt_is_rela ? 12 : 8) {
		if ((r = image_at(k, k->jmprel + i, 12)) == NULL &&
		    (r = image_at(k, k->jmprel + i, 8)) == NULL)
			return (refuse(k, "Unreadable DT_JMPREL table"));
		if (apply(k, le32_read(r), le32_read(r + 4),
		    k->plt_is_rela ? le32_read(r + 8) : 0,
		    k->plt_is_rela) != 0)
			return (1);
	}
	return (0);
}

/* One load: the segments, .dynamic, the sets, the relocations. */
static int
load(struct kload *k, const unsigned char *file, size_t size,
    const char *path, struct padko_error *err)
{
	int rc;

	k->accepted = 1;
	k->message[0] = '\0';
	if ((rc = map_segments(k, file, size, path, err)) != 0)
		return (rc < 0 ? -1 : 0);
	if (parse_dynamic(k) != 0)
		return (0);
	/* Both sets are looked at, for the report; the first refusal wins. */
	if ((parse_set(k, PADKO_SET_PCPU, path) |
	    parse_set(k, PADKO_SET_VNET, path)) != 0)
		return (0);
	relocate(k);
	return (0);
}

int
kload_run(struct kload *k, const unsigned char *file, size_t size,
    const char *path, struct padko_error *err)
{
	struct kload again;

	if (load(k, file, size, path, err) != 0)
		return (-1);
	if (!k->view_short)
		return (0);
	/* accept_only met a read only an image can serve: load with one. */
	kload_free(k);
	memset(&again, 0, sizeof(again));
	again.kernel = k->kernel;
	again.base = k->base;
	memcpy(again.set_dest, k->set_dest, sizeof(again.set_dest));
	again.resolve = k->resolve;
	again.resolve_arg = k->resolve_arg;
	*k = again;
	return (load(k, file, size, path, err));
}

void
kload_free(struct kload *k)
{
	int i;

	for (i = 0; i < PADKO_NSET_KINDS; i++) {
		free(k->sets[i].init);
		k->sets[i].init = NULL;
	}
	bulk_free(k->image, k->size, k->image_mapped);
	k->image = NULL;
	free(k->imports);
	k->imports = NULL;
}
