/*-
 * SPDX-License-Identifier: BSD-2-Clause
 * Copyright (c) 2026, The padko developers
 *
 * gen OUTDIR [FIXTURE_DIR]
 *
 * Writes a corpus of malformed i386 kernel modules, derived from three
 * fixtures (vnet_bss.gnu.ko, both_sets.lld.ko, stripped.lld.ko) and the
 * amd64 ET_REL one, into OUTDIR/NAME.ko, and the manifest OUTDIR/expected.tsv:
 *
 *	NAME <TAB> EXIT <TAB> CLASS <TAB> WHAT
 *
 * EXIT is the status `padko NAME.ko -o OUT` must exit with (65 for every
 * malformed module, 0 for the few controls that must be padded, "0|65"
 * where the file is legal but odd and either is right), CLASS a
 * substring that its message must contain ("-" for none: a tab-separated
 * field cannot be empty for sh's read), WHAT what was broken.
 *
 * It edits bytes only (no libelf: the corpus must not depend on the library
 * it tests) and is deterministic: the same fixtures give the same files.
 * Written in C rather than Python so that it needs nothing beyond the
 * compiler the project already builds with.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FIXTURE_DIR
#define	FIXTURE_DIR	"tests/fixtures/built"
#endif

#define	EHDR_SIZE	52
#define	SHDR_SIZE	40
#define	PHDR_SIZE	32
#define	SYM_SIZE	16
#define	REL_SIZE	8
#define	DYN_SIZE	8

/* Offsets of the fields of the ELF32 header. */
enum {
	E_TYPE = 16, E_MACHINE = 18, E_VERSION = 20, E_PHOFF = 28,
	E_SHOFF = 32, E_EHSIZE = 40, E_PHENTSIZE = 42, E_PHNUM = 44,
	E_SHENTSIZE = 46, E_SHNUM = 48, E_SHSTRNDX = 50
};
/* ...of a section header, */
enum {
	SH_NAME = 0, SH_TYPE = 4, SH_FLAGS = 8, SH_ADDR = 12, SH_OFFSET = 16,
	SH_SIZE = 20, SH_LINK = 24, SH_INFO = 28, SH_ADDRALIGN = 32,
	SH_ENTSIZE = 36
};
/* ...of a program header, */
enum {
	P_TYPE = 0, P_OFFSET = 4, P_VADDR = 8, P_PADDR = 12, P_FILESZ = 16,
	P_MEMSZ = 20, P_FLAGS = 24, P_ALIGN = 28
};
/* ...and of a symbol. */
enum { ST_NAME = 0, ST_VALUE = 4, ST_SIZE = 8, ST_INFO = 12, ST_SHNDX = 14 };

#define	PT_LOAD		1
#define	PT_DYNAMIC	2
#define	SHT_PROGBITS	1
#define	SHT_SYMTAB	2
#define	SHT_NOBITS	8
#define	SHT_SYMTAB_SHNDX 18
#define	DT_NULL		0
#define	DT_HASH		4
#define	DT_SYMTAB	6
#define	DT_STRSZ	10
#define	DT_REL		17
#define	DT_DEBUG	21

/* A module image being edited. */
struct img {
	unsigned char	*b;
	size_t		 n;		/* current size */
	size_t		 cap;
	const char	*base;		/* fixture it came from */
};

static const char *outdir;
static FILE *manifest;
static int ncases;

static void __attribute__((__noreturn__, __format__(__printf__, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "gen: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static uint32_t
r32(const struct img *m, size_t off)
{

	if (off + 4 > m->n)
		die("%s: read of 4 bytes at %#zx past %#zx", m->base, off, m->n);
	return ((uint32_t)m->b[off] | (uint32_t)m->b[off + 1] << 8 |
	    (uint32_t)m->b[off + 2] << 16 | (uint32_t)m->b[off + 3] << 24);
}

static uint16_t
r16(const struct img *m, size_t off)
{

	if (off + 2 > m->n)
		die("%s: read of 2 bytes at %#zx past %#zx", m->base, off, m->n);
	return ((uint16_t)(m->b[off] | m->b[off + 1] << 8));
}

static void
w32(struct img *m, size_t off, uint32_t v)
{

	if (off + 4 > m->n)
		die("%s: write of 4 bytes at %#zx past %#zx", m->base, off,
		    m->n);
	m->b[off] = v & 0xff;
	m->b[off + 1] = (v >> 8) & 0xff;
	m->b[off + 2] = (v >> 16) & 0xff;
	m->b[off + 3] = (v >> 24) & 0xff;
}

static void
w16(struct img *m, size_t off, uint16_t v)
{

	if (off + 2 > m->n)
		die("%s: write of 2 bytes at %#zx past %#zx", m->base, off,
		    m->n);
	m->b[off] = v & 0xff;
	m->b[off + 1] = (v >> 8) & 0xff;
}

static size_t
shdr(const struct img *m, unsigned i)
{

	return (r32(m, E_SHOFF) + (size_t)i * SHDR_SIZE);
}

static uint32_t
sh(const struct img *m, unsigned i, int field)
{

	return (r32(m, shdr(m, i) + field));
}

static void
set_sh(struct img *m, unsigned i, int field, uint32_t v)
{

	w32(m, shdr(m, i) + field, v);
}

static size_t
phdr(const struct img *m, unsigned i)
{

	return (r32(m, E_PHOFF) + (size_t)i * PHDR_SIZE);
}

static uint32_t
ph(const struct img *m, unsigned i, int field)
{

	return (r32(m, phdr(m, i) + field));
}

static void
set_ph(struct img *m, unsigned i, int field, uint32_t v)
{

	w32(m, phdr(m, i) + field, v);
}

/* The section named name; dies when the fixture has none. */
static unsigned
sec(const struct img *m, const char *name)
{
	unsigned i, n, str;
	size_t off;

	n = r16(m, E_SHNUM);
	str = r16(m, E_SHSTRNDX);
	for (i = 1; i < n; i++) {
		off = sh(m, str, SH_OFFSET) + sh(m, i, SH_NAME);
		if (off + strlen(name) + 1 <= m->n &&
		    memcmp(m->b + off, name, strlen(name) + 1) == 0)
			return (i);
	}
	die("%s: no section %s", m->base, name);
}

/* The index of the k-th (from 0) program header of type type. */
static unsigned
phdr_of(const struct img *m, uint32_t type, unsigned k)
{
	unsigned i, n;

	n = r16(m, E_PHNUM);
	for (i = 0; i < n; i++)
		if (ph(m, i, P_TYPE) == type && k-- == 0)
			return (i);
	die("%s: no program header of type %u", m->base, type);
}

/* The last PT_LOAD. */
static unsigned
last_load(const struct img *m)
{
	unsigned i, n, last;

	n = r16(m, E_PHNUM);
	last = n;
	for (i = 0; i < n; i++)
		if (ph(m, i, P_TYPE) == PT_LOAD)
			last = i;
	if (last == n)
		die("%s: no PT_LOAD", m->base);
	return (last);
}

/* The file offset of symbol name in symbol table tab. */
static size_t
sym(const struct img *m, const char *tab, const char *name)
{
	unsigned t, str, i, n;
	size_t off, so;

	t = sec(m, tab);
	str = sh(m, t, SH_LINK);
	n = sh(m, t, SH_SIZE) / SYM_SIZE;
	for (i = 1; i < n; i++) {
		off = sh(m, t, SH_OFFSET) + (size_t)i * SYM_SIZE;
		so = sh(m, str, SH_OFFSET) + r32(m, off + ST_NAME);
		if (so + strlen(name) + 1 <= m->n &&
		    memcmp(m->b + so, name, strlen(name) + 1) == 0)
			return (off);
	}
	die("%s: no symbol %s in %s", m->base, name, tab);
}

/* The file offset of the first .dynamic entry with tag tag. */
static size_t
dyn(const struct img *m, uint32_t tag)
{
	unsigned d, i, n;
	size_t off;

	d = sec(m, ".dynamic");
	n = sh(m, d, SH_SIZE) / DYN_SIZE;
	for (i = 0; i < n; i++) {
		off = sh(m, d, SH_OFFSET) + (size_t)i * DYN_SIZE;
		if (r32(m, off) == tag)
			return (off);
	}
	die("%s: no .dynamic tag %u", m->base, tag);
}

/* The middle of a section's contents in the file. */
static size_t
mid(const struct img *m, const char *name)
{
	unsigned i;

	i = sec(m, name);
	return (sh(m, i, SH_OFFSET) + sh(m, i, SH_SIZE) / 2);
}

static void
truncate_at(struct img *m, size_t n)
{

	if (n > m->n)
		die("%s: cannot truncate %#zx bytes to %#zx", m->base, m->n, n);
	m->n = n;
}

/*
 * Cuts the file at off and appends the section header table there again
 * (4-aligned), so that the headers survive and what was cut is seen as
 * contents past the end of the file.
 */
static void
cut_keep_sht(struct img *m, size_t off)
{
	size_t shoff, len, at;
	unsigned char *copy;

	shoff = r32(m, E_SHOFF);
	len = (size_t)r16(m, E_SHNUM) * SHDR_SIZE;
	if ((copy = malloc(len)) == NULL)
		die("out of memory");
	memcpy(copy, m->b + shoff, len);
	at = (off + 3) & ~(size_t)3;
	if (at + len > m->cap)
		die("%s: no room", m->base);
	memset(m->b + off, 0, at - off);
	memcpy(m->b + at, copy, len);
	m->n = at + len;
	w32(m, E_SHOFF, (uint32_t)at);
	free(copy);
}

static void
load(struct img *m, const char *dir, const char *base)
{
	char path[4096];
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/%s", dir, base);
	if ((f = fopen(path, "rb")) == NULL)
		die("%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		die("%s: cannot size", path);
	m->n = (size_t)len;
	m->cap = m->n + 65536;
	if ((m->b = calloc(1, m->cap)) == NULL)
		die("out of memory");
	if (fread(m->b, 1, m->n, f) != m->n)
		die("%s: short read", path);
	fclose(f);
	m->base = base;
}

struct gcase {
	const char	*name;
	const char	*base;
	int		 code;
	const char	*class;
	const char	*what;
	void		(*edit)(struct img *);
};

/*
 * The cases.  V: vnet_bss.gnu.ko (ld.bfd, .symtab, set_vnet then .bss),
 * B: both_sets.lld.ko (ld.lld, both sets, PT_PHDR, 3 PT_LOADs),
 * S: stripped.lld.ko (no .symtab), R: amd64-ET_REL.ko.
 */
#define	V	"vnet_bss.gnu.ko"
#define	B	"both_sets.lld.ko"
#define	S	"stripped.lld.ko"
#define	R	"amd64-ET_REL.ko"
#define	D4	"debug_vars.lld-clang-dwarf4.ko"
#define	D5	"debug_vars.lld-gcc-dwarf5.ko"

#define	EDIT(fn)	static void fn(struct img *m)

EDIT(nothing) { (void)m; }

/* Truncations. */
EDIT(t_empty) { truncate_at(m, 0); }
EDIT(t_ident) { truncate_at(m, 8); }
EDIT(t_ehdr) { truncate_at(m, 0x20); }
EDIT(t_ehdr_end) { truncate_at(m, EHDR_SIZE - 1); }
EDIT(t_phdrs) { truncate_at(m, r32(m, E_PHOFF) + PHDR_SIZE + 8); }
EDIT(t_phdrs_end) { truncate_at(m, r32(m, E_PHOFF) +
    (size_t)r16(m, E_PHNUM) * PHDR_SIZE - 1); }
EDIT(t_dynsym) { truncate_at(m, mid(m, ".dynsym")); }
EDIT(t_reldyn) { truncate_at(m, mid(m, ".rel.dyn")); }
EDIT(t_dynamic) { truncate_at(m, mid(m, ".dynamic")); }
EDIT(t_vnet) { truncate_at(m, mid(m, "set_vnet")); }
EDIT(t_pcpu) { truncate_at(m, mid(m, "set_pcpu")); }
EDIT(t_shstrtab) { truncate_at(m, mid(m, ".shstrtab")); }
EDIT(t_shdrs) { truncate_at(m, r32(m, E_SHOFF) + 7 * SHDR_SIZE + 20); }
EDIT(t_last_byte) { truncate_at(m, m->n - 1); }
EDIT(c_dynamic) { cut_keep_sht(m, mid(m, ".dynamic")); }
EDIT(c_vnet) { cut_keep_sht(m, mid(m, "set_vnet")); }
EDIT(c_dynsym) { cut_keep_sht(m, mid(m, ".dynsym")); }

/* e_ident and the ELF header. */
EDIT(h_magic) { m->b[3] = 'G'; }
EDIT(h_class_none) { m->b[4] = 0; }
EDIT(h_class_64) { m->b[4] = 2; }
EDIT(h_class_7) { m->b[4] = 7; }
EDIT(h_data_msb) { m->b[5] = 2; }
EDIT(h_data_none) { m->b[5] = 0; }
EDIT(h_ident_version) { m->b[6] = 0; }
EDIT(h_machine_amd64) { w16(m, E_MACHINE, 62); }
EDIT(h_machine_arm) { w16(m, E_MACHINE, 40); }
EDIT(h_type_none) { w16(m, E_TYPE, 0); }
EDIT(h_type_core) { w16(m, E_TYPE, 4); }
EDIT(h_type_exec) { w16(m, E_TYPE, 2); }
EDIT(h_version) { w32(m, E_VERSION, 0); }
EDIT(h_ehsize) { w16(m, E_EHSIZE, 64); }

/* The program header table's place in the file. */
EDIT(p_off_eof) { w32(m, E_PHOFF, (uint32_t)m->n); }
EDIT(p_off_wrap) { w32(m, E_PHOFF, 0xffffffe0u); }
EDIT(p_off_ehdr) { w32(m, E_PHOFF, 0x10); }
EDIT(p_off_odd) { w32(m, E_PHOFF, r32(m, E_PHOFF) + 1); }
EDIT(p_entsize_0) { w16(m, E_PHENTSIZE, 0); }
EDIT(p_entsize_64) { w16(m, E_PHENTSIZE, 64); }
EDIT(p_num_0) { w16(m, E_PHNUM, 0); }
EDIT(p_num_xnum) { w16(m, E_PHNUM, 0xffff); }
EDIT(p_num_huge) { w16(m, E_PHNUM, 0x7fff); }

/* The section header table's. */
EDIT(s_off_0) { w32(m, E_SHOFF, 0); }
EDIT(s_off_eof) { w32(m, E_SHOFF, (uint32_t)m->n); }
EDIT(s_off_wrap) { w32(m, E_SHOFF, 0xfffffff8u); }
EDIT(s_entsize_0) { w16(m, E_SHENTSIZE, 0); }
EDIT(s_entsize_41) { w16(m, E_SHENTSIZE, 41); }
EDIT(s_num_0_ext)
{
	uint16_t n = r16(m, E_SHNUM);

	w16(m, E_SHNUM, 0);
	w32(m, r32(m, E_SHOFF) + SH_SIZE, n);
}
EDIT(s_num_0) { w16(m, E_SHNUM, 0); }
EDIT(s_strndx_xindex)
{
	uint16_t n = r16(m, E_SHSTRNDX);

	w16(m, E_SHSTRNDX, 0xffff);
	w32(m, r32(m, E_SHOFF) + SH_LINK, n);
}
EDIT(s_num_huge) { w16(m, E_SHNUM, 0xff00); }
EDIT(s_num_small) { w16(m, E_SHNUM, 5); }
EDIT(s_strndx_oor) { w16(m, E_SHSTRNDX, r16(m, E_SHNUM)); }
EDIT(s_strndx_0) { w16(m, E_SHSTRNDX, 0); }
EDIT(s_strndx_dynsym) { w16(m, E_SHSTRNDX, (uint16_t)sec(m, ".dynsym")); }
EDIT(s_shstrtab_progbits) { set_sh(m, r16(m, E_SHSTRNDX), SH_TYPE,
    SHT_PROGBITS); }
EDIT(s_shstrtab_empty) { set_sh(m, r16(m, E_SHSTRNDX), SH_SIZE, 0); }
EDIT(s_name_past) { set_sh(m, sec(m, ".text"), SH_NAME, 0x10000); }
EDIT(s_name_at_end) { set_sh(m, sec(m, ".text"), SH_NAME,
    sh(m, r16(m, E_SHSTRNDX), SH_SIZE)); }
EDIT(s_shstrtab_unterminated)
{
	unsigned s = r16(m, E_SHSTRNDX);

	/* The last name loses its NUL: it now runs off the table. */
	m->b[sh(m, s, SH_OFFSET) + sh(m, s, SH_SIZE) - 1] = 'X';
}

/* Section offsets, sizes, addresses, overlaps. */
EDIT(x_off_eof) { set_sh(m, sec(m, ".dynsym"), SH_OFFSET,
    (uint32_t)m->n + 16); }
EDIT(x_size_eof) { set_sh(m, sec(m, ".dynstr"), SH_SIZE, 0x100000); }
EDIT(x_off_wrap)
{
	unsigned s = sec(m, ".comment");

	set_sh(m, s, SH_OFFSET, 0xfffffff0u);
	set_sh(m, s, SH_SIZE, 0x20);
}
EDIT(x_size_huge) { set_sh(m, sec(m, ".strtab"), SH_SIZE, 0xffffffffu); }
EDIT(x_set_size_huge) { set_sh(m, sec(m, "set_vnet"), SH_SIZE, 0xfffffff0u); }
EDIT(x_nobits_huge) { set_sh(m, sec(m, ".bss"), SH_SIZE, 0xfffff000u); }
EDIT(x_addr_wrap) { set_sh(m, sec(m, "set_vnet"), SH_ADDR, 0xfffffff4u); }
EDIT(x_file_overlap) { set_sh(m, sec(m, ".comment"), SH_OFFSET,
    sh(m, sec(m, ".symtab"), SH_OFFSET) + 8); }
EDIT(x_sht_overlap) { set_sh(m, sec(m, ".comment"), SH_OFFSET,
    r32(m, E_SHOFF)); }
EDIT(x_ehdr_overlap) { set_sh(m, sec(m, ".comment"), SH_OFFSET, 0x20); }
EDIT(x_mem_overlap) { set_sh(m, sec(m, ".bss"), SH_ADDR,
    sh(m, sec(m, "set_vnet"), SH_ADDR) + 4); }
EDIT(x_mem_overlap_sets) { set_sh(m, sec(m, "set_pcpu"), SH_ADDR,
    sh(m, sec(m, "set_vnet"), SH_ADDR) + 8); }
EDIT(x_set_into_bss) { set_sh(m, sec(m, "set_vnet"), SH_SIZE,
    sh(m, sec(m, "set_vnet"), SH_SIZE) + 4); }
EDIT(x_align_3) { set_sh(m, sec(m, "set_vnet"), SH_ADDRALIGN, 3); }
EDIT(x_align_16) { set_sh(m, sec(m, "set_vnet"), SH_ADDRALIGN, 16); }
EDIT(x_entsize_dynsym) { set_sh(m, sec(m, ".dynsym"), SH_ENTSIZE, 8); }
EDIT(x_entsize_rel) { set_sh(m, sec(m, ".rel.dyn"), SH_ENTSIZE, 12); }
EDIT(x_entsize_dynamic) { set_sh(m, sec(m, ".dynamic"), SH_ENTSIZE, 0); }
EDIT(x_entsize_dynstr) { set_sh(m, sec(m, ".dynstr"), SH_ENTSIZE,
    0x24000000u); }
EDIT(x_entsize_comment) { set_sh(m, sec(m, ".comment"), SH_ENTSIZE, 3); }
EDIT(x_dynsym_partial) { set_sh(m, sec(m, ".dynsym"), SH_SIZE,
    sh(m, sec(m, ".dynsym"), SH_SIZE) - 4); }
EDIT(x_rel_partial) { set_sh(m, sec(m, ".rel.dyn"), SH_SIZE,
    sh(m, sec(m, ".rel.dyn"), SH_SIZE) - 4); }

/* sh_link and sh_info. */
EDIT(l_oor) { set_sh(m, sec(m, ".dynsym"), SH_LINK, 200); }
EDIT(l_rel_zero) { set_sh(m, sec(m, ".rel.dyn"), SH_LINK, 0); }
EDIT(l_rel_self) { set_sh(m, sec(m, ".rel.dyn"), SH_LINK,
    sec(m, ".rel.dyn")); }
EDIT(l_wrong_type) { set_sh(m, sec(m, ".dynsym"), SH_LINK,
    sec(m, ".text")); }
EDIT(l_cycle)
{
	set_sh(m, sec(m, ".symtab"), SH_LINK, sec(m, ".dynsym"));
	set_sh(m, sec(m, ".dynsym"), SH_LINK, sec(m, ".symtab"));
}
EDIT(l_hash) { set_sh(m, sec(m, ".hash"), SH_LINK, sec(m, ".dynstr")); }
EDIT(l_dynamic) { set_sh(m, sec(m, ".dynamic"), SH_LINK,
    sec(m, ".dynsym")); }
EDIT(i_rel_oor) { set_sh(m, sec(m, ".rel.dyn"), SH_INFO, 500); }
EDIT(i_symtab) { set_sh(m, sec(m, ".symtab"), SH_INFO, 1000); }
EDIT(x_symtab_shndx) { set_sh(m, sec(m, ".comment"), SH_TYPE,
    SHT_SYMTAB_SHNDX); }

/* Symbols. */
static size_t
nth_sym(const struct img *m, const char *tab, unsigned i)
{

	return (sh(m, sec(m, tab), SH_OFFSET) + (size_t)i * SYM_SIZE);
}
EDIT(y_dyn_name) { w32(m, nth_sym(m, ".dynsym", 2) + ST_NAME, 0x7fff); }
EDIT(y_dyn_name_end) { w32(m, nth_sym(m, ".dynsym", 2) + ST_NAME,
    sh(m, sec(m, ".dynstr"), SH_SIZE)); }
EDIT(y_sym_name) { w32(m, nth_sym(m, ".symtab", 3) + ST_NAME, 0x100000); }
EDIT(y_dyn_shndx) { w16(m, nth_sym(m, ".dynsym", 2) + ST_SHNDX, 200); }
EDIT(y_dyn_xindex) { w16(m, nth_sym(m, ".dynsym", 2) + ST_SHNDX, 0xffff); }
EDIT(y_sym_shndx) { w16(m, nth_sym(m, ".symtab", 3) + ST_SHNDX, 0xfeff); }
EDIT(y_dynstr_unterminated)
{
	unsigned s = sec(m, ".dynstr");

	memset(m->b + sh(m, s, SH_OFFSET), 'A', sh(m, s, SH_SIZE));
}

/* Relocations. */
static size_t
nth_rel(const struct img *m, unsigned i)
{

	return (sh(m, sec(m, ".rel.dyn"), SH_OFFSET) + (size_t)i * REL_SIZE);
}
EDIT(r_sym_oor) { w32(m, nth_rel(m, 0) + 4, 1000u << 8 | 1); }
EDIT(r_off_outside) { w32(m, nth_rel(m, 0), 0x100000); }
EDIT(r_off_wrap) { w32(m, nth_rel(m, 0), 0xfffffffeu); }
EDIT(r_off_gap) { w32(m, nth_rel(m, 0), 0x1000); }
EDIT(r_off_straddle)
{
	unsigned l = last_load(m);

	w32(m, nth_rel(m, 0), ph(m, l, P_VADDR) + ph(m, l, P_MEMSZ) - 2);
}

/* .dynamic. */
EDIT(d_no_null)
{
	unsigned d, i, n;
	size_t off;

	d = sec(m, ".dynamic");
	n = sh(m, d, SH_SIZE) / DYN_SIZE;
	for (i = 0; i < n; i++) {
		off = sh(m, d, SH_OFFSET) + (size_t)i * DYN_SIZE;
		if (r32(m, off) == DT_NULL)
			w32(m, off, DT_DEBUG);
	}
}
EDIT(d_symtab) { w32(m, dyn(m, DT_SYMTAB) + 4, 0x900000); }
EDIT(d_hash_wrap) { w32(m, dyn(m, DT_HASH) + 4, 0xfffffff0u); }
EDIT(d_rel) { w32(m, dyn(m, DT_REL) + 4, 0x80000000u); }
EDIT(d_strsz) { w32(m, dyn(m, DT_STRSZ) + 4, 0x7fffffff); }
EDIT(d_hash_nbucket) { w32(m, sh(m, sec(m, ".hash"), SH_OFFSET),
    0x40000000); }
EDIT(d_empty) { set_sh(m, sec(m, ".dynamic"), SH_SIZE, 0); }
EDIT(d_not_dynamic) { set_sh(m, sec(m, ".dynamic"), SH_TYPE, SHT_PROGBITS); }
EDIT(d_pt_moved) { set_ph(m, phdr_of(m, PT_DYNAMIC, 0), P_VADDR,
    ph(m, phdr_of(m, PT_DYNAMIC, 0), P_VADDR) + 8); }

/* Program headers. */
EDIT(g_filesz) { unsigned l = last_load(m); set_ph(m, l, P_FILESZ,
    ph(m, l, P_MEMSZ) + 0x10); }
EDIT(g_off_eof) { unsigned l = last_load(m); set_ph(m, l, P_OFFSET,
    ph(m, l, P_OFFSET) + 0x10000); }
EDIT(g_filesz_eof)
{
	unsigned l = last_load(m);

	set_ph(m, l, P_FILESZ, 0x10000);
	set_ph(m, l, P_MEMSZ, 0x10000);
}
EDIT(g_vaddr_odd) { unsigned l = last_load(m); set_ph(m, l, P_VADDR,
    ph(m, l, P_VADDR) + 1); }
EDIT(g_align) { set_ph(m, last_load(m), P_ALIGN, 0x1001); }
EDIT(g_overlap)
{
	unsigned l = phdr_of(m, PT_LOAD, 1);

	set_ph(m, l, P_VADDR, ph(m, l, P_OFFSET) - 0x80);
	set_ph(m, l, P_ALIGN, 4);
}
EDIT(g_swap)
{
	unsigned char tmp[PHDR_SIZE];
	size_t a, b;

	a = phdr(m, phdr_of(m, PT_LOAD, 0));
	b = phdr(m, phdr_of(m, PT_LOAD, 1));
	memcpy(tmp, m->b + a, PHDR_SIZE);
	memcpy(m->b + a, m->b + b, PHDR_SIZE);
	memcpy(m->b + b, tmp, PHDR_SIZE);
}
EDIT(g_vaddr_wrap)
{
	unsigned l = last_load(m);

	set_ph(m, l, P_VADDR, 0xfffff000u | (ph(m, l, P_OFFSET) & 0xfff));
	set_ph(m, l, P_MEMSZ, 0x10000);
}
EDIT(g_memsz_huge) { unsigned l = last_load(m); set_ph(m, l, P_MEMSZ,
    (uint32_t)(0x100000000ull - (ph(m, l, P_VADDR) & ~0xfffu))); }
EDIT(g_no_load)
{
	unsigned i, n;

	n = r16(m, E_PHNUM);
	for (i = 0; i < n; i++)
		if (ph(m, i, P_TYPE) == PT_LOAD)
			set_ph(m, i, P_TYPE, 0);
}
EDIT(g_bss_outside) { set_sh(m, sec(m, ".bss"), SH_ADDR, 0x5000); }
EDIT(g_off_disagrees)
{
	unsigned s = sec(m, ".data");
	size_t at = (m->n + 3) & ~(size_t)3;

	/* A copy of .data at the end of the file: no overlap, wrong place. */
	if (at + sh(m, s, SH_SIZE) > m->cap)
		die("%s: no room", m->base);
	memset(m->b + m->n, 0, at - m->n);
	memcpy(m->b + at, m->b + sh(m, s, SH_OFFSET), sh(m, s, SH_SIZE));
	m->n = at + sh(m, s, SH_SIZE);
	set_sh(m, s, SH_OFFSET, (uint32_t)at);
}
EDIT(g_load_1g)
{
	unsigned l = last_load(m);

	/* Accepted by the checks: 1 GiB of .bss is legal, if odd. */
	set_ph(m, l, P_MEMSZ, 0x3ff00000u);
}

/* The sets. */
EDIT(k_stop_dynsym) { size_t o = sym(m, ".dynsym", "__stop_set_vnet");
    w32(m, o + ST_VALUE, r32(m, o + ST_VALUE) + 4); }
EDIT(k_stop_symtab) { size_t o = sym(m, ".symtab", "__stop_set_vnet");
    w32(m, o + ST_VALUE, r32(m, o + ST_VALUE) - 4); }
EDIT(k_start_pcpu) { size_t o = sym(m, ".dynsym", "__start_set_pcpu");
    w32(m, o + ST_VALUE, r32(m, o + ST_VALUE) - 4); }
EDIT(k_nobits) { set_sh(m, sec(m, "set_vnet"), SH_TYPE, SHT_NOBITS); }
EDIT(k_dup_vnet) { set_sh(m, sec(m, ".data"), SH_NAME,
    sh(m, sec(m, "set_vnet"), SH_NAME)); }
EDIT(k_dup_pcpu) { set_sh(m, sec(m, "set_vnet"), SH_NAME,
    sh(m, sec(m, "set_pcpu"), SH_NAME)); }
EDIT(k_odd_size) { set_sh(m, sec(m, "set_vnet"), SH_SIZE,
    sh(m, sec(m, "set_vnet"), SH_SIZE) - 1); }

/* Found by fuzzing (tests/fuzz), reduced to one field each. */
#define	SHF_TLS		0x400
#define	SHF_COMPRESSED	0x800
#define	PT_NOTE		4
EDIT(f_empty_at_0)
{
	unsigned s = sec(m, ".comment");

	set_sh(m, s, SH_OFFSET, 0);
	set_sh(m, s, SH_SIZE, 0);
}
EDIT(f_empty_in_phdrs) { set_sh(m, sec(m, ".eh_frame"), SH_OFFSET,
    r32(m, E_PHOFF) + 8); }
EDIT(f_comment_at_0) { set_sh(m, sec(m, ".comment"), SH_OFFSET, 0); }
EDIT(f_bss_offset) { set_sh(m, sec(m, ".bss"), SH_OFFSET, 0xffffffffu); }
EDIT(f_note_offset)
{
	unsigned p = phdr_of(m, 0x6474e551, 0);	/* PT_GNU_STACK */

	set_ph(m, p, P_TYPE, PT_NOTE);
	set_ph(m, p, P_OFFSET, 0xfffffff0u);
	set_ph(m, p, P_VADDR, sh(m, sec(m, ".bss"), SH_ADDR));
	set_ph(m, p, P_FILESZ, 4);
	set_ph(m, p, P_MEMSZ, 4);
}
EDIT(f_note_vaddr)
{
	unsigned p = phdr_of(m, 0x6474e551, 0);

	set_ph(m, p, P_TYPE, PT_NOTE);
	set_ph(m, p, P_OFFSET, sh(m, sec(m, ".bss"), SH_OFFSET));
	set_ph(m, p, P_VADDR, 0xffffffffu);
	set_ph(m, p, P_MEMSZ, 4);
}
EDIT(f_stack_memsz) { set_ph(m, phdr_of(m, 0x6474e551, 0), P_MEMSZ,
    0xfffffffeu); }
EDIT(f_two_symtabs) { set_sh(m, sec(m, ".dynsym"), SH_TYPE, SHT_SYMTAB); }
EDIT(f_dynamic_sizeless)
{
	unsigned p = phdr_of(m, PT_DYNAMIC, 0);

	set_ph(m, p, P_FILESZ, 0);
	set_ph(m, p, P_MEMSZ, 0);
}
EDIT(f_empty_inside)
{
	unsigned s = sec(m, ".shstrtab");

	set_sh(m, sec(m, ".eh_frame"), SH_OFFSET, sh(m, s, SH_OFFSET) +
	    sh(m, s, SH_SIZE) / 2);
}
EDIT(f_set_entsize) { unsigned s = sec(m, "set_vnet"); set_sh(m, s,
    SH_ENTSIZE, sh(m, s, SH_SIZE)); }
EDIT(f_comment_compressed)
{
	unsigned s = sec(m, ".comment");

	set_sh(m, s, SH_FLAGS, sh(m, s, SH_FLAGS) | SHF_COMPRESSED);
	set_sh(m, s, SH_ENTSIZE, sh(m, s, SH_SIZE));
}
EDIT(f_set_tls) { unsigned s = sec(m, "set_vnet"); set_sh(m, s, SH_FLAGS,
    sh(m, s, SH_FLAGS) | SHF_TLS); }
EDIT(f_set_not_alloc) { set_sh(m, sec(m, "set_vnet"), SH_FLAGS, 0); }
EDIT(f_set_renamed)
{
	unsigned s = sec(m, "set_pcpu");

	m->b[sh(m, r16(m, E_SHSTRNDX), SH_OFFSET) + sh(m, s, SH_NAME) + 4] =
	    'z';
}
EDIT(f_start_shndx) { w16(m, sym(m, ".dynsym", "__start_set_vnet") +
    ST_SHNDX, (uint16_t)sec(m, ".data")); }
EDIT(f_stop_tls) { m->b[sym(m, ".dynsym", "__stop_set_pcpu") + ST_INFO] =
    0x06; }
EDIT(f_sym_size) { w32(m, sym(m, ".symtab", "vnet_entry_last") + ST_SIZE,
    0x1000); }
EDIT(f_compressed) { unsigned s = sec(m, ".rel.dyn"); set_sh(m, s, SH_FLAGS,
    sh(m, s, SH_FLAGS) | SHF_COMPRESSED); }
EDIT(f_rel_in_dynsym)
{
	size_t st = sym(m, ".dynsym", "__stop_set_vnet") + ST_VALUE;
	unsigned d = sec(m, ".dynsym");

	/* An R_386_RELATIVE whose word is __stop_set_vnet's st_value. */
	w32(m, nth_rel(m, 0), sh(m, d, SH_ADDR) + (uint32_t)(st -
	    sh(m, d, SH_OFFSET)));
}
EDIT(f_rel_in_reltable)
{
	unsigned r = sec(m, ".rel.dyn");

	/*
	 * .rel.dyn[1] relocates .data's word (after the sets: it moves), and
	 * .rel.dyn[0] relocates .rel.dyn[1]'s r_offset field itself.
	 */
	w32(m, nth_rel(m, 1), sh(m, sec(m, ".data"), SH_ADDR));
	w32(m, nth_rel(m, 0), sh(m, r, SH_ADDR) + REL_SIZE);
}
EDIT(f_strtab_tls) { set_sh(m, sec(m, ".strtab"), SH_FLAGS,
    0x2 | SHF_TLS); }

/* ET_REL: no padding needed, but the file must still be an ELF file. */
EDIT(e_rel_shoff) { m->b[0x28] = 0xff; m->b[0x29] = 0xff; m->b[0x2a] = 0xff; }
EDIT(e_rel_trunc) { truncate_at(m, 0x50); }

/*
 * DWARF (debug_vars, D4: clang DWARF 4; D5: gcc DWARF 5, with
 * .debug_loclists).  The first unit of .debug_info starts with its
 * 4-byte length, the 2-byte version, then (DWARF 4) the abbreviation
 * offset and the address size, or (DWARF 5) the unit type, the address
 * size and the abbreviation offset.
 */
static size_t
info_at(const struct img *m, size_t off)
{

	return (sh(m, sec(m, ".debug_info"), SH_OFFSET) + off);
}

EDIT(w_length) { w32(m, info_at(m, 0), sh(m, sec(m, ".debug_info"), SH_SIZE)); }
EDIT(w_version) { w16(m, info_at(m, 4), 7); }
EDIT(w_addr_size) { m->b[info_at(m, 10)] = 8; }
EDIT(w_abbrev_code) { m->b[info_at(m, 11)] = 0x7f; }
EDIT(w_loclists_cut) { set_sh(m, sec(m, ".debug_loclists"), SH_SIZE, 13); }

/* The first attribute form of the first abbreviation: an unknown one. */
EDIT(w_form)
{
	size_t a;

	a = sh(m, sec(m, ".debug_abbrev"), SH_OFFSET);
	if (m->b[a] >= 0x80 || m->b[a + 1] >= 0x80 || m->b[a + 3] >= 0x80)
		die("%s: .debug_abbrev does not start as expected", m->base);
	m->b[a + 4] = 0x7e;
}

/* DW_OP_addr (in "exprloc 5: DW_OP_addr dv_data") made a vendor opcode. */
EDIT(w_opcode)
{
	size_t i, start, end;
	uint32_t v;

	v = r32(m, sym(m, ".symtab", "dv_data") + ST_VALUE);
	start = info_at(m, 0);
	end = start + sh(m, sec(m, ".debug_info"), SH_SIZE);
	for (i = start; i + 6 <= end; i++)
		if (m->b[i] == 5 && m->b[i + 1] == 0x03 && r32(m, i + 2) == v) {
			m->b[i + 1] = 0xe1;
			return;
		}
	die("%s: no DW_OP_addr of dv_data in .debug_info", m->base);
}

#define	X	65
#define	EITHER	(-1)	/* 0 or 65 */

static const struct gcase cases[] = {
	/* Controls: unmodified, padded successfully. */
	{ "control-vnet_bss", V, 0, "", "unmodified fixture", nothing },
	{ "control-both_sets", B, 0, "", "unmodified fixture", nothing },
	{ "control-stripped", S, 0, "", "unmodified fixture", nothing },

	/* Truncations: the section header table is at the end of the file. */
	{ "trunc-empty", V, X, "not an ELF file", "empty file", t_empty },
	{ "trunc-ident", V, X, "not an ELF file", "8 bytes of e_ident",
	    t_ident },
	{ "trunc-ehdr", V, X, "ELF header", "cut inside the ELF header",
	    t_ehdr },
	{ "trunc-ehdr-end", V, X, "ELF header",
	    "one byte short of the ELF header", t_ehdr_end },
	{ "trunc-phdrs", V, X, "program header table",
	    "cut inside the program header table", t_phdrs },
	{ "trunc-phdrs-end", B, X, "program header table",
	    "one byte short of the program header table", t_phdrs_end },
	{ "trunc-dynsym", V, X, "section header table",
	    "cut in the middle of .dynsym", t_dynsym },
	{ "trunc-reldyn", B, X, "section header table",
	    "cut in the middle of .rel.dyn", t_reldyn },
	{ "trunc-dynamic", S, X, "section header table",
	    "cut in the middle of .dynamic", t_dynamic },
	{ "trunc-set_vnet", V, X, "section header table",
	    "cut in the middle of set_vnet", t_vnet },
	{ "trunc-set_pcpu", B, X, "section header table",
	    "cut in the middle of set_pcpu", t_pcpu },
	{ "trunc-shstrtab", V, X, "section header table",
	    "cut in the middle of .shstrtab", t_shstrtab },
	{ "trunc-shdrs", V, X, "section header table",
	    "cut inside the section header table", t_shdrs },
	{ "trunc-last-byte", S, X, "section header table",
	    "last byte of the section header table missing", t_last_byte },
	/* The same, with the section header table moved to the cut. */
	{ "cut-dynsym-keep-sht", V, X, "beyond the end of the file",
	    "cut in .dynsym, section headers appended", c_dynsym },
	{ "cut-dynamic-keep-sht", V, X, "beyond the end of the file",
	    "cut in .dynamic, section headers appended", c_dynamic },
	{ "cut-set_vnet-keep-sht", B, X, "beyond the end of the file",
	    "cut in set_vnet, section headers appended", c_vnet },

	/* e_ident and the ELF header. */
	{ "ident-magic", V, X, "not an ELF file", "EI_MAG3 'G'", h_magic },
	{ "ident-class-none", V, X, "ELF", "EI_CLASS ELFCLASSNONE",
	    h_class_none },
	{ "ident-class-64", V, X, "not a 32-bit ELF file",
	    "EI_CLASS ELFCLASS64 on a 32-bit file", h_class_64 },
	{ "ident-class-7", B, X, "ELF", "EI_CLASS 7", h_class_7 },
	{ "ident-data-msb", V, X, "little-endian", "EI_DATA ELFDATA2MSB",
	    h_data_msb },
	{ "ident-data-none", V, X, "ELF", "EI_DATA ELFDATANONE",
	    h_data_none },
	{ "ident-version-0", V, X, "version", "EI_VERSION 0",
	    h_ident_version },
	{ "ehdr-machine-amd64", V, X, "not an i386 module",
	    "e_machine EM_X86_64 on ET_DYN", h_machine_amd64 },
	{ "ehdr-machine-arm", B, X, "not an i386 module", "e_machine EM_ARM",
	    h_machine_arm },
	{ "ehdr-type-none", V, X, "not a kernel module", "e_type ET_NONE",
	    h_type_none },
	{ "ehdr-type-core", S, X, "not a kernel module", "e_type ET_CORE",
	    h_type_core },
	{ "ehdr-type-exec", V, X, "ET_EXEC",
	    "e_type ET_EXEC: .bss would move without relocations",
	    h_type_exec },
	{ "ehdr-version-0", V, X, "e_version", "e_version 0", h_version },
	{ "ehdr-ehsize", V, X, "e_ehsize", "e_ehsize 64", h_ehsize },

	/* The program header table. */
	{ "phoff-eof", V, X, "program header table", "e_phoff at EOF",
	    p_off_eof },
	{ "phoff-wrap", V, X, "program header table",
	    "e_phoff 0xffffffe0 (offset + size wraps)", p_off_wrap },
	{ "phoff-in-ehdr", V, X, "overlaps", "e_phoff 0x10, inside the ELF "
	    "header", p_off_ehdr },
	{ "phoff-odd", B, X, "program header", "e_phoff + 1: misaligned, "
	    "every entry read shifted", p_off_odd },
	{ "phentsize-0", V, X, "e_phentsize", "e_phentsize 0", p_entsize_0 },
	{ "phentsize-64", V, X, "e_phentsize", "e_phentsize 64",
	    p_entsize_64 },
	{ "phnum-0", V, X, "e_phnum", "e_phnum 0", p_num_0 },
	{ "phnum-xnum", V, X, "PN_XNUM", "e_phnum PN_XNUM", p_num_xnum },
	{ "phnum-huge", V, X, "program header table", "e_phnum 0x7fff",
	    p_num_huge },

	/* The section header table. */
	{ "shoff-0", V, X, "e_shoff", "e_shoff 0", s_off_0 },
	{ "shoff-eof", V, X, "section header table", "e_shoff at EOF",
	    s_off_eof },
	{ "shoff-wrap", V, X, "section header table",
	    "e_shoff 0xfffffff8 (offset + size wraps)", s_off_wrap },
	{ "shentsize-0", V, X, "e_shentsize", "e_shentsize 0",
	    s_entsize_0 },
	{ "shentsize-41", B, X, "e_shentsize", "e_shentsize 41",
	    s_entsize_41 },
	{ "shnum-0-extended", V, X, "extended section numbering",
	    "e_shnum 0, section 0 sh_size holds the count", s_num_0_ext },
	{ "shnum-0", S, X, "e_shnum", "e_shnum 0, section 0 sh_size 0",
	    s_num_0 },
	{ "shstrndx-xindex", V, X, "extended section numbering",
	    "e_shstrndx SHN_XINDEX, section 0 sh_link holds it",
	    s_strndx_xindex },
	{ "shnum-huge", V, X, "section header table", "e_shnum 0xff00",
	    s_num_huge },
	{ "shnum-small", V, X, "e_shstrndx",
	    "e_shnum 5: e_shstrndx beyond it", s_num_small },
	{ "shstrndx-oor", B, X, "e_shstrndx", "e_shstrndx == e_shnum",
	    s_strndx_oor },
	{ "shstrndx-0", V, X, "e_shstrndx", "e_shstrndx SHN_UNDEF",
	    s_strndx_0 },
	{ "shstrndx-dynsym", V, X, "section name table",
	    "e_shstrndx names .dynsym", s_strndx_dynsym },
	{ "shstrtab-progbits", V, X, "section name table",
	    ".shstrtab of type PROGBITS", s_shstrtab_progbits },
	{ "shstrtab-empty", S, X, "section name table",
	    ".shstrtab of size 0", s_shstrtab_empty },
	{ "shname-past-shstrtab", V, X, "section name table",
	    ".text sh_name 0x10000", s_name_past },
	{ "shname-at-end", B, X, "section name table",
	    ".text sh_name == .shstrtab sh_size", s_name_at_end },
	{ "shstrtab-unterminated", V, X, "section name table",
	    "last byte of .shstrtab not NUL", s_shstrtab_unterminated },

	/* Sections in the file and in memory. */
	{ "sec-offset-eof", V, X, "beyond the end of the file",
	    ".dynsym sh_offset past EOF", x_off_eof },
	{ "sec-size-eof", V, X, "beyond the end of the file",
	    ".dynstr sh_size 0x100000", x_size_eof },
	{ "sec-offset-wrap", V, X, "beyond the end of the file",
	    ".comment sh_offset 0xfffffff0 sh_size 0x20 (wraps)", x_off_wrap },
	{ "sec-size-huge", V, X, "beyond the end of the file",
	    ".strtab sh_size 0xffffffff", x_size_huge },
	{ "set-size-huge", V, X, "beyond the end of the file",
	    "set_vnet sh_size 0xfffffff0", x_set_size_huge },
	{ "bss-size-huge", V, X, "32-bit address space",
	    ".bss sh_size 0xfffff000", x_nobits_huge },
	{ "set-addr-wrap", V, X, "32-bit address space",
	    "set_vnet sh_addr 0xfffffff4 (address + size wraps)", x_addr_wrap },
	{ "sec-overlap-file", V, X, "overlap",
	    ".comment inside .symtab in the file", x_file_overlap },
	{ "sec-overlap-sht", V, X, "overlap",
	    ".comment on the section header table", x_sht_overlap },
	{ "sec-overlap-ehdr", B, X, "overlap",
	    ".comment inside the ELF header", x_ehdr_overlap },
	{ "sec-overlap-memory", V, X, "overlap in memory",
	    ".bss sh_addr inside set_vnet", x_mem_overlap },
	{ "sets-overlap-memory", B, X, "overlap in memory",
	    "set_pcpu sh_addr inside set_vnet", x_mem_overlap_sets },
	{ "set-grown-into-bss", V, X, "overlap",
	    "set_vnet sh_size + 4 runs into .bss", x_set_into_bss },
	{ "addralign-3", V, X, "power of two", "set_vnet sh_addralign 3",
	    x_align_3 },
	{ "addr-misaligned", V, X, "sh_addralign",
	    "set_vnet sh_addralign 16, sh_addr only 4-aligned", x_align_16 },
	{ "entsize-dynsym", V, X, "sh_entsize", ".dynsym sh_entsize 8",
	    x_entsize_dynsym },
	{ "entsize-rel", S, X, "sh_entsize", ".rel.dyn sh_entsize 12",
	    x_entsize_rel },
	{ "entsize-dynamic", B, X, "sh_entsize", ".dynamic sh_entsize 0",
	    x_entsize_dynamic },
	{ "entsize-dynstr", V, X, "sh_entsize",
	    ".dynstr sh_entsize 0x24000000 (found by fuzzing)",
	    x_entsize_dynstr },
	{ "entsize-comment", V, X, "sh_entsize",
	    ".comment sh_entsize 3, sh_size 0x1c not a multiple",
	    x_entsize_comment },
	{ "dynsym-partial-entry", V, X, "sh_entsize",
	    ".dynsym sh_size not a multiple of 16", x_dynsym_partial },
	{ "rel-partial-entry", B, X, "sh_entsize",
	    ".rel.dyn sh_size not a multiple of 8", x_rel_partial },

	/* Links and infos. */
	{ "link-oor", V, X, "sh_link", ".dynsym sh_link 200", l_oor },
	{ "link-rel-zero", B, X, "sh_link", ".rel.dyn sh_link 0",
	    l_rel_zero },
	{ "link-rel-self", S, X, "sh_link", ".rel.dyn sh_link to itself",
	    l_rel_self },
	{ "link-wrong-type", V, X, "sh_link", ".dynsym sh_link to .text",
	    l_wrong_type },
	{ "link-cycle", V, X, "sh_link",
	    ".symtab and .dynsym linked to each other", l_cycle },
	{ "link-hash-strtab", V, X, "sh_link", ".hash sh_link to .dynstr",
	    l_hash },
	{ "link-dynamic-dynsym", B, X, "sh_link",
	    ".dynamic sh_link to .dynsym", l_dynamic },
	{ "info-rel-oor", V, X, "sh_info", ".rel.dyn sh_info 500",
	    i_rel_oor },
	{ "info-symtab-oor", V, X, "sh_info", ".symtab sh_info 1000",
	    i_symtab },
	{ "symtab-shndx", V, X, "SHT_SYMTAB_SHNDX",
	    ".comment of type SHT_SYMTAB_SHNDX", x_symtab_shndx },

	/* Symbols. */
	{ "dynsym-name-past", V, X, "outside its string table",
	    ".dynsym[2] st_name 0x7fff", y_dyn_name },
	{ "dynsym-name-at-end", S, X, "outside its string table",
	    ".dynsym[2] st_name == .dynstr sh_size", y_dyn_name_end },
	{ "symtab-name-past", V, X, "outside its string table",
	    ".symtab[3] st_name 0x100000", y_sym_name },
	{ "dynsym-shndx-oor", V, X, "section index",
	    ".dynsym[2] st_shndx 200", y_dyn_shndx },
	{ "dynsym-shndx-xindex", B, X, "extended section index",
	    ".dynsym[2] st_shndx SHN_XINDEX", y_dyn_xindex },
	{ "symtab-shndx-oor", V, X, "section index",
	    ".symtab[3] st_shndx 0xfeff (below SHN_LORESERVE)", y_sym_shndx },
	{ "dynstr-unterminated", S, X, "string table",
	    ".dynstr all 'A', no NUL anywhere", y_dynstr_unterminated },

	/* Relocations. */
	{ "rel-sym-oor", V, X, "symbol index",
	    ".rel.dyn[0] symbol index 1000", r_sym_oor },
	{ "rel-offset-outside", V, X, "outside every segment",
	    ".rel.dyn[0] r_offset 0x100000", r_off_outside },
	{ "rel-offset-wrap", B, X, "outside every segment",
	    ".rel.dyn[0] r_offset 0xfffffffe", r_off_wrap },
	{ "rel-offset-gap", B, X, "outside every segment",
	    ".rel.dyn[0] r_offset between two PT_LOADs", r_off_gap },
	{ "rel-offset-straddle", S, X, "outside every segment",
	    ".rel.dyn[0] r_offset 2 bytes before the end of the image",
	    r_off_straddle },

	/* .dynamic. */
	{ "dynamic-no-null", V, X, "DT_NULL",
	    "every DT_NULL replaced by DT_DEBUG", d_no_null },
	{ "dynamic-symtab-outside", V, X, "outside every segment",
	    "DT_SYMTAB 0x900000", d_symtab },
	{ "dynamic-hash-wrap", S, X, "outside every segment",
	    "DT_HASH 0xfffffff0", d_hash_wrap },
	{ "dynamic-rel-outside", B, X, "outside every segment",
	    "DT_REL 0x80000000", d_rel },
	{ "dynamic-strsz-huge", V, X, "DT_STRSZ",
	    "DT_STRSZ 0x7fffffff: the kernel cannot read .dynstr", d_strsz },
	{ "hash-nbucket-huge", S, X, "hash",
	    ".hash nbucket 0x40000000: the kernel cannot read DT_HASH",
	    d_hash_nbucket },
	{ "dynamic-empty", V, X, ".dynamic", ".dynamic sh_size 0", d_empty },
	{ "dynamic-not-dynamic", B, X, "PT_DYNAMIC",
	    ".dynamic of type PROGBITS", d_not_dynamic },
	{ "pt-dynamic-moved", V, X, "PT_DYNAMIC",
	    "PT_DYNAMIC p_vaddr + 8", d_pt_moved },

	/* Program headers. */
	{ "load-filesz-gt-memsz", V, X, "p_filesz",
	    "PT_LOAD p_filesz > p_memsz", g_filesz },
	{ "load-offset-eof", V, X, "p_offset",
	    "PT_LOAD p_offset past EOF", g_off_eof },
	{ "load-filesz-eof", B, X, "beyond the end of the file",
	    "PT_LOAD p_filesz 0x10000 past EOF", g_filesz_eof },
	{ "load-vaddr-misaligned", V, X, "p_align",
	    "PT_LOAD p_vaddr + 1: p_vaddr != p_offset mod p_align",
	    g_vaddr_odd },
	{ "load-align-not-pow2", S, X, "p_align", "PT_LOAD p_align 0x1001",
	    g_align },
	{ "load-overlap", B, X, "overlaps or precedes",
	    "second PT_LOAD moved into the first", g_overlap },
	{ "load-order", B, X, "overlaps or precedes",
	    "first two PT_LOADs swapped", g_swap },
	{ "load-vaddr-wrap", V, X, "32-bit address space",
	    "PT_LOAD p_vaddr 0xfffff36c p_memsz 0x10000 (wraps)", g_vaddr_wrap },
	{ "load-memsz-huge", S, X, "32-bit address space",
	    "PT_LOAD p_vaddr + p_memsz just past 4 GiB", g_memsz_huge },
	{ "load-none", V, X, "PT_LOAD", "every PT_LOAD made PT_NULL",
	    g_no_load },
	{ "bss-outside-load", V, X, "PT_LOAD",
	    ".bss sh_addr 0x5000, in no segment", g_bss_outside },
	{ "data-offset-disagrees", B, X, "disagrees with its PT_LOAD",
	    ".data sh_offset at a copy of it at the end of the file",
	    g_off_disagrees },
	{ "control-load-1g", S, 0, "",
	    "last PT_LOAD p_memsz 1 GiB: odd but legal", g_load_1g },

	/* The sets and their symbols. */
	{ "stop-not-end-dynsym", V, X, "__stop_set_vnet",
	    ".dynsym __stop_set_vnet 4 past the section end", k_stop_dynsym },
	{ "stop-not-end-symtab", V, X, "__stop_set_vnet",
	    ".symtab __stop_set_vnet 4 before the section end", k_stop_symtab },
	{ "stop-not-end-stripped", S, X, "__stop_set_vnet",
	    ".dynsym __stop_set_vnet 4 past the section end", k_stop_dynsym },
	{ "start-pcpu-wrong", B, X, "__start_set_pcpu",
	    ".dynsym __start_set_pcpu 4 before the section", k_start_pcpu },
	{ "set-nobits", V, X, "not PROGBITS", "set_vnet of type NOBITS",
	    k_nobits },
	{ "set-duplicate-vnet", B, X, "two sections named set_vnet",
	    ".data renamed set_vnet", k_dup_vnet },
	{ "set-duplicate-pcpu", B, X, "two sections named set_pcpu",
	    "set_vnet renamed set_pcpu", k_dup_pcpu },
	{ "set-size-odd", V, X, "__stop_set_vnet",
	    "set_vnet sh_size - 1: __stop_set_vnet no longer its end",
	    k_odd_size },

	/*
	 * Found by fuzzing.  EXIT "0|65": either is right (the file is legal
	 * but odd), writing a broken file or exiting 70 is not.
	 */
	{ "empty-section-at-0", V, EITHER, "offset",
	    ".comment sh_offset 0 sh_size 0 (legal: it has no bytes)",
	    f_empty_at_0 },
	{ "empty-section-in-phdrs", V, EITHER, "offset",
	    ".eh_frame (size 0) sh_offset inside the program header table",
	    f_empty_in_phdrs },
	{ "section-at-0", V, X, "overlap", ".comment sh_offset 0",
	    f_comment_at_0 },
	{ "bss-offset-huge", V, EITHER, "offset", ".bss sh_offset 0xffffffff",
	    f_bss_offset },
	{ "note-offset-eof", V, X, "program header",
	    "a PT_NOTE at p_offset 0xfffffff0, p_vaddr in .bss",
	    f_note_offset },
	{ "note-vaddr-huge", V, X, "program header",
	    "a PT_NOTE at p_vaddr 0xffffffff", f_note_vaddr },
	{ "stack-memsz-huge", V, X, "program header",
	    "PT_GNU_STACK p_memsz 0xfffffffe: past 4 GB once padded",
	    f_stack_memsz },
	{ "two-symtabs", B, X, "one table of each kind",
	    ".dynsym with sh_type SHT_SYMTAB, beside .symtab", f_two_symtabs },
	{ "dynamic-phdr-sizeless", B, 0, "",
	    "PT_DYNAMIC with p_filesz and p_memsz 0 (.dynamic moves): it "
	    "must still move", f_dynamic_sizeless },
	{ "empty-inside-shstrtab", V, X, "overlap",
	    "empty .eh_frame with sh_offset inside .shstrtab", f_empty_inside },
	{ "set-entsize", V, X, "sh_entsize",
	    "set_vnet sh_entsize its size: no longer a multiple once padded",
	    f_set_entsize },
	{ "comment-compressed-entsize", V, X, "compressed",
	    ".comment with SHF_COMPRESSED and sh_entsize its size",
	    f_comment_compressed },
	{ "set-tls", V, X, "set_vnet", "set_vnet with SHF_TLS", f_set_tls },
	{ "set-not-alloc", V, X, "set_vnet",
	    "set_vnet without SHF_ALLOC, its symbols still exported",
	    f_set_not_alloc },
	{ "set-renamed", B, X, "set_pcpu",
	    "set_pcpu renamed set_zcpu, __start/__stop_set_pcpu kept",
	    f_set_renamed },
	{ "start-symbol-shndx", B, X, "__start_set_vnet",
	    ".dynsym __start_set_vnet st_shndx .data", f_start_shndx },
	{ "stop-symbol-tls", B, X, "__stop_set_pcpu",
	    ".dynsym __stop_set_pcpu STB_LOCAL STT_TLS", f_stop_tls },
	{ "symbol-past-section", V, X, ".symtab",
	    ".symtab vnet_entry_last st_size 0x1000, past set_vnet",
	    f_sym_size },
	{ "section-compressed", V, X, "compress",
	    ".rel.dyn with SHF_ALLOC|SHF_COMPRESSED (gABI: never both)",
	    f_compressed },
	{ "rel-in-dynsym", V, X, "r_offset",
	    ".rel.dyn[0] (R_386_RELATIVE) relocates a .dynsym st_value",
	    f_rel_in_dynsym },
	{ "rel-in-reltable", B, X, "r_offset",
	    ".rel.dyn[0] (R_386_RELATIVE) relocates .rel.dyn[1]'s r_offset",
	    f_rel_in_reltable },
	{ "strtab-alloc-tls", B, X, "TLS",
	    ".strtab with SHF_ALLOC|SHF_TLS at address 0", f_strtab_tls },

	/* DWARF that padko cannot rewrite exactly: refused, not guessed. */
	{ "control-dwarf4", D4, 0, "", "unmodified fixture", nothing },
	{ "control-dwarf5", D5, 0, "", "unmodified fixture", nothing },
	{ "dwarf-unit-length", D4, X, ".debug_info at offset 0",
	    ".debug_info unit length its section's size", w_length },
	{ "dwarf-version", D5, X, "unsupported DWARF version",
	    ".debug_info version 7", w_version },
	{ "dwarf-address-size", D4, X, "address size is not 4",
	    ".debug_info address size 8", w_addr_size },
	{ "dwarf-abbrev-code", D4, X, "abbreviation code not defined",
	    "first DIE with abbreviation code 0x7f", w_abbrev_code },
	{ "dwarf-form", D5, X, "unknown attribute form 0x7e",
	    "first attribute form of .debug_abbrev 0x7e", w_form },
	{ "dwarf-opcode", D4, X, "unknown expression opcode 0xe1: malformed "
	    "or unsupported DWARF (to pad the module without its debug "
	    "information, strip it first: objcopy --strip-debug)",
	    "DW_OP_addr of dv_data made vendor opcode 0xe1", w_opcode },
	{ "dwarf-loclists-cut", D5, X, ".debug_loclists",
	    ".debug_loclists sh_size 13: its lists past the end", w_loclists_cut },

	/* ET_REL modules are passed through, but must be ELF files. */
	{ "etrel-shoff-eof", R, X, "section header table",
	    "amd64 ET_REL, e_shoff past EOF", e_rel_shoff },
	{ "etrel-truncated", R, X, "section header table",
	    "amd64 ET_REL cut after its ELF header", e_rel_trunc },
};

static void
emit(const struct gcase *c, const struct img *m)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.ko", outdir, c->name);
	if ((f = fopen(path, "wb")) == NULL)
		die("%s: %s", path, strerror(errno));
	if (m->n > 0 && fwrite(m->b, 1, m->n, f) != m->n)
		die("%s: write error", path);
	if (fclose(f) != 0)
		die("%s: %s", path, strerror(errno));
	if (c->code == EITHER)
		fprintf(manifest, "%s\t0|65", c->name);
	else
		fprintf(manifest, "%s\t%d", c->name, c->code);
	fprintf(manifest, "\t%s\t%s (from %s)\n",
	    c->class[0] != '\0' ? c->class : "-", c->what, c->base);
	ncases++;
}

int
main(int argc, char **argv)
{
	const char *fixtures;
	char path[4096];
	struct img m;
	size_t i, j;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: gen OUTDIR [FIXTURE_DIR]\n");
		return (64);
	}
	outdir = argv[1];
	fixtures = argc > 2 ? argv[2] : FIXTURE_DIR;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (j = 0; j < i; j++)
			if (strcmp(cases[i].name, cases[j].name) == 0)
				die("two cases named %s", cases[i].name);
	snprintf(path, sizeof(path), "%s/expected.tsv", outdir);
	if ((manifest = fopen(path, "w")) == NULL)
		die("%s: %s", path, strerror(errno));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		load(&m, fixtures, cases[i].base);
		cases[i].edit(&m);
		emit(&cases[i], &m);
		free(m.b);
	}
	if (fclose(manifest) != 0)
		die("%s: %s", path, strerror(errno));
	printf("gen: %d cases in %s\n", ncases, outdir);
	return (0);
}
