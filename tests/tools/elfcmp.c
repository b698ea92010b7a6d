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
 * elfcmp: compare two linked ELF files for semantic equality.
 *
 *	elfcmp [-n MAX] EXPECTED ACTUAL
 *
 * The test suite uses it to check padko's output against the same module
 * padded by the linker.  It compares what the loader and the kernel see:
 * the ELF header, every allocated section (attributes and bytes), the
 * program headers, the dynamic section, the symbol tables and the
 * relocations (with the value stored at each REL target), and only the
 * names and types of the other sections, whose file offsets may differ.
 *
 * Exit status: 0 equivalent, 1 different (one line per difference on
 * stdout, at most MAX of them), 2 usage or read error.
 *
 * Only the libelf/gelf interfaces shared by elfutils and FreeBSD's
 * elftoolchain are used.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfdefs.h"

#define	DEFAULT_MAX	25	/* differences printed by default */
#define	WORD_DIFFS	4	/* differing words shown per section */
#define	NAMEBUF		64	/* buffer for a decoded constant */

/* Constants that not every <elf.h> defines. */
#define	X_SHT_GNU_HASH		0x6ffffff6
#define	X_SHT_GNU_VERDEF	0x6ffffffd
#define	X_SHT_GNU_VERNEED	0x6ffffffe
#define	X_SHT_GNU_VERSYM	0x6fffffff
#define	X_SHF_INFO_LINK		0x40

/* One section: its header and name. */
struct section {
	GElf_Shdr	 shdr;
	const char	*name;
	Elf_Scn		*scn;
};

/* One input file: its bytes, its libelf handle and its section table. */
struct elffile {
	const char	*path;
	char		*image;
	size_t		 size;
	Elf		*elf;
	GElf_Ehdr	 ehdr;
	size_t		 shnum;
	size_t		 shstrndx;
	size_t		 phnum;
	struct section	*sec;
};

/* A symbol table opened for reading. */
struct symtab {
	size_t		 index;		/* its section */
	size_t		 count;
	Elf_Data	*data;
	Elf_Data	*shndx;		/* SYMTAB_SHNDX data or NULL */
};

/* One symbol, decoded. */
struct sym {
	GElf_Sym	 sym;
	const char	*name;
	Elf32_Word	 shndx;		/* st_shndx, SHN_XINDEX resolved */
};

/* A name for a numeric constant. */
struct constname {
	uint64_t	 value;
	const char	*name;
};

/* A dynamic tag: its name and whether its value is an address. */
struct dyntag {
	int64_t		 tag;
	const char	*name;
	bool		 ptr;
};

static struct elffile files[2];	/* static: reachable at exit(2) */
static unsigned long maxdiff = DEFAULT_MAX;
static unsigned long ndiff;

static const struct constname shtypes[] = {
	{ SHT_NULL, "NULL" }, { SHT_PROGBITS, "PROGBITS" },
	{ SHT_SYMTAB, "SYMTAB" }, { SHT_STRTAB, "STRTAB" },
	{ SHT_RELA, "RELA" }, { SHT_HASH, "HASH" },
	{ SHT_DYNAMIC, "DYNAMIC" }, { SHT_NOTE, "NOTE" },
	{ SHT_NOBITS, "NOBITS" }, { SHT_REL, "REL" },
	{ SHT_SHLIB, "SHLIB" }, { SHT_DYNSYM, "DYNSYM" },
	{ 14, "INIT_ARRAY" }, { 15, "FINI_ARRAY" },
	{ 16, "PREINIT_ARRAY" }, { 17, "GROUP" }, { 18, "SYMTAB_SHNDX" },
	{ X_SHT_GNU_HASH, "GNU_HASH" }, { X_SHT_GNU_VERDEF, "GNU_verdef" },
	{ X_SHT_GNU_VERNEED, "GNU_verneed" },
	{ X_SHT_GNU_VERSYM, "GNU_versym" },
	{ 0x6fff4c00, "LLVM_ODRTAB" }, { 0x6fff4c03, "LLVM_ADDRSIG" },
	{ 0x6ffffff5, "GNU_ATTRIBUTES" },
};

static const struct constname ptypes[] = {
	{ PT_NULL, "NULL" }, { PT_LOAD, "LOAD" }, { PT_DYNAMIC, "DYNAMIC" },
	{ PT_INTERP, "INTERP" }, { PT_NOTE, "NOTE" }, { PT_SHLIB, "SHLIB" },
	{ PT_PHDR, "PHDR" }, { 7, "TLS" }, { 0x6474e550, "GNU_EH_FRAME" },
	{ 0x6474e551, "GNU_STACK" }, { 0x6474e552, "GNU_RELRO" },
	{ 0x6474e553, "GNU_PROPERTY" },
};

static const struct constname etypes[] = {
	{ ET_NONE, "NONE" }, { ET_REL, "REL" }, { ET_EXEC, "EXEC" },
	{ ET_DYN, "DYN" }, { ET_CORE, "CORE" },
};

static const struct constname machines[] = {
	{ EM_386, "EM_386" }, { 62, "EM_X86_64" },
};

static const struct constname binds[] = {
	{ STB_LOCAL, "LOCAL" }, { STB_GLOBAL, "GLOBAL" },
	{ STB_WEAK, "WEAK" }, { 10, "GNU_UNIQUE" },
};

static const struct constname stypes[] = {
	{ STT_NOTYPE, "NOTYPE" }, { STT_OBJECT, "OBJECT" },
	{ STT_FUNC, "FUNC" }, { STT_SECTION, "SECTION" },
	{ STT_FILE, "FILE" }, { 5, "COMMON" }, { 6, "TLS" },
	{ 10, "GNU_IFUNC" },
};

static const struct constname visibilities[] = {
	{ 0, "DEFAULT" }, { 1, "INTERNAL" }, { 2, "HIDDEN" },
	{ 3, "PROTECTED" },
};

static const struct constname r386[] = {
	{ 0, "R_386_NONE" }, { 1, "R_386_32" }, { 2, "R_386_PC32" },
	{ 3, "R_386_GOT32" }, { 4, "R_386_PLT32" }, { 5, "R_386_COPY" },
	{ 6, "R_386_GLOB_DAT" }, { 7, "R_386_JMP_SLOT" },
	{ 8, "R_386_RELATIVE" }, { 9, "R_386_GOTOFF" },
	{ 10, "R_386_GOTPC" }, { 11, "R_386_32PLT" },
	{ 14, "R_386_TLS_TPOFF" }, { 20, "R_386_16" }, { 21, "R_386_PC16" },
	{ 22, "R_386_8" }, { 23, "R_386_PC8" }, { 38, "R_386_SIZE32" },
	{ 42, "R_386_IRELATIVE" }, { 43, "R_386_GOT32X" },
};

static const struct constname rx8664[] = {
	{ 0, "R_X86_64_NONE" }, { 1, "R_X86_64_64" },
	{ 2, "R_X86_64_PC32" }, { 3, "R_X86_64_GOT32" },
	{ 4, "R_X86_64_PLT32" }, { 5, "R_X86_64_COPY" },
	{ 6, "R_X86_64_GLOB_DAT" }, { 7, "R_X86_64_JUMP_SLOT" },
	{ 8, "R_X86_64_RELATIVE" }, { 9, "R_X86_64_GOTPCREL" },
	{ 10, "R_X86_64_32" }, { 11, "R_X86_64_32S" },
	{ 24, "R_X86_64_PC64" }, { 37, "R_X86_64_IRELATIVE" },
	{ 41, "R_X86_64_GOTPCRELX" }, { 42, "R_X86_64_REX_GOTPCRELX" },
};

static const struct dyntag dyntags[] = {
	{ DT_NULL, "DT_NULL", false }, { DT_NEEDED, "DT_NEEDED", false },
	{ DT_PLTRELSZ, "DT_PLTRELSZ", false },
	{ DT_PLTGOT, "DT_PLTGOT", true }, { DT_HASH, "DT_HASH", true },
	{ DT_STRTAB, "DT_STRTAB", true }, { DT_SYMTAB, "DT_SYMTAB", true },
	{ DT_RELA, "DT_RELA", true }, { DT_RELASZ, "DT_RELASZ", false },
	{ DT_RELAENT, "DT_RELAENT", false }, { DT_STRSZ, "DT_STRSZ", false },
	{ DT_SYMENT, "DT_SYMENT", false }, { DT_INIT, "DT_INIT", true },
	{ DT_FINI, "DT_FINI", true }, { DT_SONAME, "DT_SONAME", false },
	{ DT_RPATH, "DT_RPATH", false }, { DT_SYMBOLIC, "DT_SYMBOLIC", false },
	{ DT_REL, "DT_REL", true }, { DT_RELSZ, "DT_RELSZ", false },
	{ DT_RELENT, "DT_RELENT", false }, { DT_PLTREL, "DT_PLTREL", false },
	{ DT_DEBUG, "DT_DEBUG", true }, { DT_TEXTREL, "DT_TEXTREL", false },
	{ DT_JMPREL, "DT_JMPREL", true }, { 24, "DT_BIND_NOW", false },
	{ 25, "DT_INIT_ARRAY", true }, { 26, "DT_FINI_ARRAY", true },
	{ 27, "DT_INIT_ARRAYSZ", false }, { 28, "DT_FINI_ARRAYSZ", false },
	{ 29, "DT_RUNPATH", false }, { 30, "DT_FLAGS", false },
	{ 32, "DT_PREINIT_ARRAY", true }, { 33, "DT_PREINIT_ARRAYSZ", false },
	{ 0x6ffffef5, "DT_GNU_HASH", true }, { 0x6ffffff0, "DT_VERSYM", true },
	{ 0x6ffffff9, "DT_RELACOUNT", false },
	{ 0x6ffffffa, "DT_RELCOUNT", false },
	{ 0x6ffffffb, "DT_FLAGS_1", false }, { 0x6ffffffc, "DT_VERDEF", true },
	{ 0x6ffffffd, "DT_VERDEFNUM", false },
	{ 0x6ffffffe, "DT_VERNEED", true },
	{ 0x6fffffff, "DT_VERNEEDNUM", false },
};

#define	NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define	LOOKUP(t, v, b)	lookup((t), NITEMS(t), (v), (b))

static void	usage(void) __attribute__((__noreturn__));
static void	vemit(FILE *, const char *, va_list)
		    __attribute__((__format__(__printf__, 2, 0)));
static void	fatal(const struct elffile *, const char *, ...)
		    __attribute__((__noreturn__, __format__(__printf__, 2, 3)));
static void	fatal_elf(const struct elffile *, const char *)
		    __attribute__((__noreturn__));
static void	difference(const char *, ...)
		    __attribute__((__format__(__printf__, 1, 2)));
static bool	in_range(size_t, uint64_t, uint64_t);
static const char *lookup(const struct constname *, size_t, uint64_t,
		    char *);
static const struct dyntag *find_dyntag(int64_t);
static const char *dyntag_name(int64_t, char *);
static const char *reloc_name(const struct elffile *, uint64_t, char *);
static const char *pflags_name(uint64_t, char *);
static const char *shndx_name(const struct elffile *, Elf32_Word, char *);
static const char *link_name(const struct elffile *, uint64_t, bool, char *);
static bool	link_is_index(uint64_t);
static bool	info_is_index(const GElf_Shdr *);
static void	read_image(struct elffile *);
static void	load(struct elffile *, const char *);
static void	load_sections(struct elffile *);
static Elf_Data	*section_data(const struct elffile *, size_t);
static size_t	entry_count(const struct elffile *, size_t, Elf_Type);
static ssize_t	find_type(const struct elffile *, uint64_t);
static ssize_t	find_name(const struct elffile *, const char *, bool);
static void	open_symtab(const struct elffile *, size_t, struct symtab *);
static void	get_sym(const struct elffile *, const struct symtab *,
		    size_t, struct sym *);
static const char *sym_label(const struct elffile *, const struct sym *,
		    char *, size_t);
static void	get_reloc(const struct elffile *, size_t, size_t,
		    GElf_Rela *);
static const char *reloc_sym(const struct elffile *, size_t,
		    const GElf_Rela *, char *, size_t);
static uint32_t	read_word(const struct elffile *, const char *, size_t);
static uint32_t	inplace(const struct elffile *, size_t,
		    const GElf_Rela *);
static bool	reloc_has_inplace(const struct elffile *, size_t,
		    const GElf_Rela *);
static void	validate(const struct elffile *);
static void	compare_ehdr(void);
static void	compare_bytes(const struct section *,
		    const struct section *);
static void	compare_section(size_t, size_t);
static void	compare_alloc(bool);
static void	compare_nonalloc(void);
static void	compare_phdrs(void);
static void	compare_dynamic(void);
static void	compare_syms(uint64_t);
static void	compare_relocs(void);
static void	compare_relsec(size_t, size_t);

/* Prints the usage and exits with status 2. */
static void
usage(void)
{

	fprintf(stderr, "usage: elfcmp [-n MAX] EXPECTED ACTUAL\n");
	exit(2);
}

/*
 * Prints a formatted message with a newline, showing bytes that are not
 * printable ASCII (from a corrupt name) as '?'.
 */
static void
vemit(FILE *fp, const char *fmt, va_list ap)
{
	char small[256], *buf, *p;
	va_list aq;
	int len;

	va_copy(aq, ap);
	len = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (len < 0)
		return;
	buf = small;
	if ((size_t)len >= sizeof(small)) {
		buf = malloc((size_t)len + 1);
		if (buf == NULL)
			return;
		vsnprintf(buf, (size_t)len + 1, fmt, ap);
	}
	for (p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	fprintf(fp, "%s\n", buf);
	if (buf != small)
		free(buf);
}

/* Reports a read error in file f (or a general one) and exits with 2. */
static void
fatal(const struct elffile *f, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (f != NULL)
		fprintf(stderr, "elfcmp: %s: ", f->path);
	else
		fprintf(stderr, "elfcmp: ");
	va_start(ap, fmt);
	vemit(stderr, fmt, ap);
	va_end(ap);
	exit(2);
}

/* Reports a failed libelf call with libelf's own message. */
static void
fatal_elf(const struct elffile *f, const char *what)
{
	const char *msg;

	msg = elf_errmsg(-1);
	fatal(f, "%s: %s", what, msg != NULL ? msg : "unknown libelf error");
}

/* Counts one difference and prints it unless MAX are already printed. */
static void
difference(const char *fmt, ...)
{
	va_list ap;

	ndiff++;
	if (ndiff > maxdiff)
		return;
	va_start(ap, fmt);
	vemit(stdout, fmt, ap);
	va_end(ap);
}

/* Tells whether [off, off + len) lies inside an object of size bytes. */
static bool
in_range(size_t size, uint64_t off, uint64_t len)
{

	return (off <= size && len <= size - off);
}

/* Names a constant from table t, or formats it in hex into buf. */
static const char *
lookup(const struct constname *t, size_t n, uint64_t v, char *buf)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == v)
			return (t[i].name);
	snprintf(buf, NAMEBUF, "0x%" PRIx64, v);
	return (buf);
}

/* Finds the description of a dynamic tag, or NULL. */
static const struct dyntag *
find_dyntag(int64_t tag)
{
	size_t i;

	for (i = 0; i < NITEMS(dyntags); i++)
		if (dyntags[i].tag == tag)
			return (&dyntags[i]);
	return (NULL);
}

/* Names a dynamic tag. */
static const char *
dyntag_name(int64_t tag, char *buf)
{
	const struct dyntag *d;

	d = find_dyntag(tag);
	if (d != NULL)
		return (d->name);
	snprintf(buf, NAMEBUF, "DT_0x%" PRIx64, (uint64_t)tag);
	return (buf);
}

/* Names a relocation type for the machine of file f. */
static const char *
reloc_name(const struct elffile *f, uint64_t type, char *buf)
{

	if (f->ehdr.e_machine == EM_386)
		return (LOOKUP(r386, type, buf));
	if (f->ehdr.e_machine == 62)
		return (LOOKUP(rx8664, type, buf));
	snprintf(buf, NAMEBUF, "type %" PRIu64, type);
	return (buf);
}

/* Spells program header flags as R, W, X letters. */
static const char *
pflags_name(uint64_t flags, char *buf)
{
	uint64_t rest;

	rest = flags & ~(uint64_t)(PF_R | PF_W | PF_X);
	snprintf(buf, NAMEBUF, "%s%s%s%s", (flags & PF_R) ? "R" : "",
	    (flags & PF_W) ? "W" : "", (flags & PF_X) ? "X" : "",
	    (flags & (PF_R | PF_W | PF_X)) == 0 ? "-" : "");
	if (rest != 0)
		snprintf(buf + strlen(buf), NAMEBUF - strlen(buf),
		    "+0x%" PRIx64, rest);
	return (buf);
}

/* Names the section a symbol belongs to, special indexes included. */
static const char *
shndx_name(const struct elffile *f, Elf32_Word ndx, char *buf)
{

	switch (ndx) {
	case SHN_UNDEF:
		return ("UNDEF");
	case SHN_ABS:
		return ("ABS");
	case SHN_COMMON:
		return ("COMMON");
	}
	if (ndx >= SHN_LORESERVE && ndx <= SHN_HIRESERVE) {
		snprintf(buf, NAMEBUF, "SHN_0x%x", (unsigned)ndx);
		return (buf);
	}
	return (link_name(f, ndx, true, buf));
}

/*
 * Names the section at index ndx for sh_link, sh_info or st_shndx; a value
 * that is not an index (is_index false) is formatted as a number.
 */
static const char *
link_name(const struct elffile *f, uint64_t ndx, bool is_index, char *buf)
{

	if (!is_index || ndx >= f->shnum) {
		snprintf(buf, NAMEBUF, "%" PRIu64, ndx);
		return (buf);
	}
	if (ndx == 0)
		return ("(none)");
	if (f->sec[ndx].name[0] == '\0') {
		snprintf(buf, NAMEBUF, "[%" PRIu64 "]", ndx);
		return (buf);
	}
	return (f->sec[ndx].name);
}

/* Tells whether sh_link of a section of this type is a section index. */
static bool
link_is_index(uint64_t type)
{

	switch (type) {
	case SHT_SYMTAB:
	case SHT_DYNSYM:
	case SHT_DYNAMIC:
	case SHT_HASH:
	case SHT_REL:
	case SHT_RELA:
	case 18:	/* SHT_SYMTAB_SHNDX */
	case X_SHT_GNU_HASH:
	case X_SHT_GNU_VERDEF:
	case X_SHT_GNU_VERNEED:
	case X_SHT_GNU_VERSYM:
		return (true);
	}
	return (false);
}

/* Tells whether sh_info of a section is a section index. */
static bool
info_is_index(const GElf_Shdr *sh)
{

	return (sh->sh_type == SHT_REL || sh->sh_type == SHT_RELA ||
	    (sh->sh_flags & X_SHF_INFO_LINK) != 0);
}

/* Reads the whole file f->path into memory. */
static void
read_image(struct elffile *f)
{
	char *p;
	size_t cap;
	ssize_t n;
	int fd;

	fd = open(f->path, O_RDONLY);
	if (fd < 0)
		fatal(f, "%s", strerror(errno));
	cap = 0;
	f->size = 0;
	for (;;) {
		if (f->size == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > SIZE_MAX / 2)
				fatal(f, "file too large");
			p = realloc(f->image, cap);
			if (p == NULL)
				fatal(f, "%s", strerror(errno));
			f->image = p;
		}
		n = read(fd, f->image + f->size, cap - f->size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fatal(f, "%s", strerror(errno));
		}
		if (n == 0)
			break;
		f->size += (size_t)n;
	}
	close(fd);
}

/* Opens an ELF file and reads its headers and section table. */
static void
load(struct elffile *f, const char *path)
{
	size_t fsz;

	f->path = path;
	read_image(f);
	if (f->size < EI_NIDENT ||
	    memcmp(f->image, PADKO_ELFMAG, PADKO_SELFMAG) != 0)
		fatal(f, "not an ELF file");
	f->elf = elf_memory(f->image, f->size);
	if (f->elf == NULL)
		fatal_elf(f, "elf_memory");
	if (elf_kind(f->elf) != ELF_K_ELF)
		fatal(f, "not an ELF file");
	if (gelf_getclass(f->elf) == ELFCLASSNONE)
		fatal(f, "unknown ELF class");
	if (gelf_getehdr(f->elf, &f->ehdr) == NULL)
		fatal_elf(f, "ELF header");
	if (f->ehdr.e_ident[EI_DATA] != ELFDATA2LSB &&
	    f->ehdr.e_ident[EI_DATA] != ELFDATA2MSB)
		fatal(f, "unknown ELF data encoding %u",
		    (unsigned)f->ehdr.e_ident[EI_DATA]);
	if (elf_getshdrnum(f->elf, &f->shnum) != 0)
		fatal_elf(f, "section header count");
	if (elf_getphdrnum(f->elf, &f->phnum) != 0)
		fatal_elf(f, "program header count");
	/* libelf may report no sections when their table is cut off. */
	if (f->ehdr.e_shnum != 0 && f->ehdr.e_shnum < SHN_LORESERVE &&
	    f->shnum != f->ehdr.e_shnum)
		fatal(f, "section header table unreadable (truncated?)");
	if (f->shnum > 0 || f->ehdr.e_shoff != 0) {
		fsz = gelf_fsize(f->elf, ELF_T_SHDR, 1, EV_CURRENT);
		if (fsz == 0 || f->ehdr.e_shentsize != fsz ||
		    !in_range(f->size, f->ehdr.e_shoff,
		    (uint64_t)(f->shnum > 0 ? f->shnum : 1) * fsz))
			fatal(f, "section header table outside the file");
	}
	if (f->ehdr.e_phnum != 0 && f->ehdr.e_phnum < 0xffff &&
	    f->phnum != f->ehdr.e_phnum)
		fatal(f, "program header table unreadable (truncated?)");
	if (f->phnum > 0) {
		fsz = gelf_fsize(f->elf, ELF_T_PHDR, 1, EV_CURRENT);
		if (fsz == 0 || f->ehdr.e_phentsize != fsz ||
		    !in_range(f->size, f->ehdr.e_phoff,
		    (uint64_t)f->phnum * fsz))
			fatal(f, "program header table outside the file");
	}
	load_sections(f);
}

/* Reads and checks every section header and name of file f. */
static void
load_sections(struct elffile *f)
{
	struct section *s;
	GElf_Phdr ph;
	size_t i;

	if (f->shnum == 0)
		return;
	if (elf_getshdrstrndx(f->elf, &f->shstrndx) != 0)
		fatal_elf(f, "section name table index");
	if (f->shstrndx == SHN_UNDEF || f->shstrndx >= f->shnum)
		fatal(f, "no valid section name table (index %zu)",
		    f->shstrndx);
	f->sec = calloc(f->shnum, sizeof(*f->sec));
	if (f->sec == NULL)
		fatal(f, "%s", strerror(errno));
	for (i = 0; i < f->shnum; i++) {
		s = &f->sec[i];
		s->scn = elf_getscn(f->elf, i);
		if (s->scn == NULL)
			fatal_elf(f, "elf_getscn");
		if (gelf_getshdr(s->scn, &s->shdr) == NULL)
			fatal_elf(f, "section header");
	}
	if (f->sec[f->shstrndx].shdr.sh_type != SHT_STRTAB)
		fatal(f, "section name table is not a string table");
	if (!in_range(f->size, f->sec[f->shstrndx].shdr.sh_offset,
	    f->sec[f->shstrndx].shdr.sh_size))
		fatal(f, "section name table outside the file");
	for (i = 0; i < f->shnum; i++) {
		s = &f->sec[i];
		if (i == 0) {
			s->name = "";
			continue;
		}
		s->name = elf_strptr(f->elf, f->shstrndx, s->shdr.sh_name);
		if (s->name == NULL)
			fatal(f, "section [%zu]: bad name offset 0x%x", i,
			    (unsigned)s->shdr.sh_name);
		if (s->shdr.sh_type != SHT_NOBITS &&
		    !in_range(f->size, s->shdr.sh_offset, s->shdr.sh_size))
			fatal(f, "section [%zu] %s: offset 0x%" PRIx64
			    " size 0x%" PRIx64 " outside the file (0x%zx)", i,
			    s->name, (uint64_t)s->shdr.sh_offset,
			    (uint64_t)s->shdr.sh_size, f->size);
		if (link_is_index(s->shdr.sh_type) &&
		    s->shdr.sh_link >= f->shnum)
			fatal(f, "section %s: sh_link %u out of range",
			    s->name, (unsigned)s->shdr.sh_link);
		if (info_is_index(&s->shdr) && s->shdr.sh_info >= f->shnum)
			fatal(f, "section %s: sh_info %u out of range",
			    s->name, (unsigned)s->shdr.sh_info);
	}
	for (i = 0; i < f->phnum; i++)
		if (gelf_getphdr(f->elf, (int)i, &ph) == NULL)
			fatal_elf(f, "program header");
}

/* Returns the (only) data descriptor of section ndx. */
static Elf_Data *
section_data(const struct elffile *f, size_t ndx)
{
	Elf_Data *d;

	d = elf_getdata(f->sec[ndx].scn, NULL);
	if (d == NULL)
		fatal(f, "section %s: cannot read data: %s", f->sec[ndx].name,
		    elf_errmsg(-1) != NULL ? elf_errmsg(-1) : "unknown");
	return (d);
}

/* Returns the number of entries of type t in section ndx, checked. */
static size_t
entry_count(const struct elffile *f, size_t ndx, Elf_Type t)
{
	const GElf_Shdr *sh;
	size_t fsz, n;

	sh = &f->sec[ndx].shdr;
	fsz = gelf_fsize(f->elf, t, 1, EV_CURRENT);
	if (fsz == 0)
		fatal_elf(f, "gelf_fsize");
	if (sh->sh_type == SHT_NOBITS)
		fatal(f, "section %s has no data", f->sec[ndx].name);
	if (sh->sh_size % fsz != 0)
		fatal(f, "section %s: size 0x%" PRIx64
		    " is not a multiple of the entry size %zu",
		    f->sec[ndx].name, (uint64_t)sh->sh_size, fsz);
	n = sh->sh_size / fsz;
	if (n > INT_MAX)
		fatal(f, "section %s: too many entries", f->sec[ndx].name);
	return (n);
}

/* Finds the first section of a type, or -1. */
static ssize_t
find_type(const struct elffile *f, uint64_t type)
{
	size_t i;

	for (i = 1; i < f->shnum; i++)
		if (f->sec[i].shdr.sh_type == type)
			return ((ssize_t)i);
	return (-1);
}

/*
 * Finds the first section with a name, or -1; with alloc set, only among
 * sections of the same allocation state as alloc's value.
 */
static ssize_t
find_name(const struct elffile *f, const char *name, bool alloc)
{
	size_t i;

	for (i = 1; i < f->shnum; i++)
		if (strcmp(f->sec[i].name, name) == 0 &&
		    ((f->sec[i].shdr.sh_flags & SHF_ALLOC) != 0) == alloc)
			return ((ssize_t)i);
	return (-1);
}

/* Opens the symbol table in section ndx (and its SHN_XINDEX table). */
static void
open_symtab(const struct elffile *f, size_t ndx, struct symtab *st)
{
	size_t i, link;

	if (f->sec[ndx].shdr.sh_type != SHT_SYMTAB &&
	    f->sec[ndx].shdr.sh_type != SHT_DYNSYM)
		fatal(f, "section %s is not a symbol table", f->sec[ndx].name);
	st->index = ndx;
	st->count = entry_count(f, ndx, ELF_T_SYM);
	st->data = section_data(f, ndx);
	st->shndx = NULL;
	link = f->sec[ndx].shdr.sh_link;
	if (link == 0 || f->sec[link].shdr.sh_type != SHT_STRTAB)
		fatal(f, "section %s: sh_link is not a string table",
		    f->sec[ndx].name);
	for (i = 1; i < f->shnum; i++)
		if (f->sec[i].shdr.sh_type == 18 &&
		    f->sec[i].shdr.sh_link == ndx) {
			if (entry_count(f, i, ELF_T_WORD) < st->count)
				fatal(f, "section %s too small",
				    f->sec[i].name);
			st->shndx = section_data(f, i);
			break;
		}
}

/* Reads symbol i of a symbol table with its name and section index. */
static void
get_sym(const struct elffile *f, const struct symtab *st, size_t i,
    struct sym *s)
{
	const char *tab;
	Elf32_Word x;

	tab = f->sec[st->index].name;
	if (i >= st->count)
		fatal(f, "%s: symbol index %zu out of range", tab, i);
	x = 0;
	if (st->shndx != NULL) {
		if (gelf_getsymshndx(st->data, st->shndx, (int)i, &s->sym,
		    &x) == NULL)
			fatal(f, "%s[%zu]: cannot read symbol", tab, i);
	} else if (gelf_getsym(st->data, (int)i, &s->sym) == NULL)
		fatal(f, "%s[%zu]: cannot read symbol", tab, i);
	s->name = elf_strptr(f->elf, f->sec[st->index].shdr.sh_link,
	    s->sym.st_name);
	if (s->name == NULL)
		fatal(f, "%s[%zu]: bad name offset 0x%x", tab, i,
		    (unsigned)s->sym.st_name);
	s->shndx = s->sym.st_shndx;
	if (s->shndx == SHN_XINDEX) {
		if (st->shndx == NULL)
			fatal(f, "%s[%zu]: SHN_XINDEX without SYMTAB_SHNDX",
			    tab, i);
		s->shndx = x;
	}
	if ((s->shndx < SHN_LORESERVE || s->sym.st_shndx == SHN_XINDEX) &&
	    s->shndx >= f->shnum)
		fatal(f, "%s[%zu]: st_shndx %u out of range", tab, i,
		    (unsigned)s->shndx);
}

/* Labels a symbol by name, or by its section for unnamed section symbols. */
static const char *
sym_label(const struct elffile *f, const struct sym *s, char *buf,
    size_t len)
{
	char nb[NAMEBUF];
	int n;

	if (s->name[0] != '\0')
		return (s->name);
	if (GELF_ST_TYPE(s->sym.st_info) == STT_SECTION) {
		/* A long section name is cut, and the label says so. */
		n = snprintf(buf, len, "(section %s)",
		    shndx_name(f, s->shndx, nb));
		if (n < 0 || (size_t)n >= len)
			snprintf(buf + len - 5, 5, "...)");
	} else
		snprintf(buf, len, "(unnamed)");
	return (buf);
}

/* Reads relocation i of section ndx, REL entries with r_addend 0. */
static void
get_reloc(const struct elffile *f, size_t ndx, size_t i, GElf_Rela *r)
{
	GElf_Rel rel;

	if (f->sec[ndx].shdr.sh_type == SHT_RELA) {
		if (gelf_getrela(section_data(f, ndx), (int)i, r) == NULL)
			fatal(f, "%s[%zu]: cannot read relocation",
			    f->sec[ndx].name, i);
		return;
	}
	if (gelf_getrel(section_data(f, ndx), (int)i, &rel) == NULL)
		fatal(f, "%s[%zu]: cannot read relocation", f->sec[ndx].name,
		    i);
	r->r_offset = rel.r_offset;
	r->r_info = rel.r_info;
	r->r_addend = 0;
}

/* Names the symbol of a relocation of section ndx ("-" for none). */
static const char *
reloc_sym(const struct elffile *f, size_t ndx, const GElf_Rela *r,
    char *buf, size_t len)
{
	struct symtab st;
	struct sym s;
	uint64_t symi;

	symi = GELF_R_SYM(r->r_info);
	if (symi == 0)
		return ("-");
	if (f->sec[ndx].shdr.sh_link == 0)
		fatal(f, "section %s: symbol %" PRIu64
		    " but no symbol table", f->sec[ndx].name, symi);
	open_symtab(f, f->sec[ndx].shdr.sh_link, &st);
	if (symi >= st.count)
		fatal(f, "section %s: symbol index %" PRIu64 " out of range",
		    f->sec[ndx].name, symi);
	get_sym(f, &st, (size_t)symi, &s);
	return (sym_label(f, &s, buf, len));
}

/* Decodes up to 4 bytes at p as an integer in the file's byte order. */
static uint32_t
read_word(const struct elffile *f, const char *p, size_t n)
{
	const unsigned char *u;
	uint32_t v;
	size_t i;

	u = (const unsigned char *)p;
	v = 0;
	for (i = 0; i < n && i < 4; i++) {
		if (f->ehdr.e_ident[EI_DATA] == ELFDATA2LSB)
			v |= (uint32_t)u[i] << (8 * i);
		else
			v |= (uint32_t)u[i] << (8 * (n - 1 - i));
	}
	return (v);
}

/* Tells whether a relocation of section ndx has an in-place addend. */
static bool
reloc_has_inplace(const struct elffile *f, size_t ndx, const GElf_Rela *r)
{

	if (f->sec[ndx].shdr.sh_type != SHT_REL)
		return (false);
	/* R_386_NONE and R_X86_64_NONE are both 0 and touch nothing. */
	return (GELF_R_TYPE(r->r_info) != 0);
}

/*
 * Returns the 32-bit value stored at the target of a REL relocation of
 * section ndx: r_offset is an address in an allocated section, or in an
 * ET_REL file an offset in the section that sh_info names.
 */
static uint32_t
inplace(const struct elffile *f, size_t ndx, const GElf_Rela *r)
{
	const GElf_Shdr *sh;
	size_t i, target;

	target = f->sec[ndx].shdr.sh_info;
	if (f->ehdr.e_type == ET_REL && target != 0) {
		sh = &f->sec[target].shdr;
		if (sh->sh_type == SHT_NOBITS ||
		    !in_range(sh->sh_size, r->r_offset, 4))
			fatal(f, "section %s: r_offset 0x%" PRIx64
			    " outside section %s", f->sec[ndx].name,
			    (uint64_t)r->r_offset, f->sec[target].name);
		return (read_word(f, f->image + sh->sh_offset + r->r_offset,
		    4));
	}
	for (i = 1; i < f->shnum; i++) {
		sh = &f->sec[i].shdr;
		if ((sh->sh_flags & SHF_ALLOC) == 0 ||
		    sh->sh_type == SHT_NOBITS || r->r_offset < sh->sh_addr)
			continue;
		if (in_range(sh->sh_size, r->r_offset - sh->sh_addr, 4))
			return (read_word(f, f->image + sh->sh_offset +
			    (r->r_offset - sh->sh_addr), 4));
	}
	fatal(f, "section %s: r_offset 0x%" PRIx64
	    " not inside an allocated section with contents",
	    f->sec[ndx].name, (uint64_t)r->r_offset);
}

/*
 * Reads every symbol, relocation and dynamic entry once, so that a
 * malformed file stops with status 2 before any difference is printed.
 */
static void
validate(const struct elffile *f)
{
	struct symtab st;
	struct sym s;
	GElf_Dyn dyn;
	GElf_Rela r;
	char buf[NAMEBUF];
	size_t i, j, n;
	uint64_t type;

	for (i = 1; i < f->shnum; i++) {
		type = f->sec[i].shdr.sh_type;
		if (type == SHT_SYMTAB || type == SHT_DYNSYM) {
			open_symtab(f, i, &st);
			for (j = 0; j < st.count; j++)
				get_sym(f, &st, j, &s);
		} else if (type == SHT_REL || type == SHT_RELA) {
			n = entry_count(f, i,
			    type == SHT_REL ? ELF_T_REL : ELF_T_RELA);
			for (j = 0; j < n; j++) {
				get_reloc(f, i, j, &r);
				(void)reloc_sym(f, i, &r, buf, sizeof(buf));
				if (reloc_has_inplace(f, i, &r))
					(void)inplace(f, i, &r);
			}
		} else if (type == SHT_DYNAMIC) {
			n = entry_count(f, i, ELF_T_DYN);
			for (j = 0; j < n; j++)
				if (gelf_getdyn(section_data(f, i), (int)j,
				    &dyn) == NULL)
					fatal(f, "%s[%zu]: cannot read entry",
					    f->sec[i].name, j);
		}
	}
}

/* Compares the ELF header fields the loader depends on. */
static void
compare_ehdr(void)
{
	const GElf_Ehdr *e, *a;
	char b1[NAMEBUF], b2[NAMEBUF];

	e = &files[0].ehdr;
	a = &files[1].ehdr;
	if (e->e_ident[EI_CLASS] != a->e_ident[EI_CLASS])
		difference("ELF header: class expected ELFCLASS%d, got "
		    "ELFCLASS%d", e->e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32,
		    a->e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32);
	if (e->e_ident[EI_DATA] != a->e_ident[EI_DATA])
		difference("ELF header: data expected %s, got %s",
		    e->e_ident[EI_DATA] == ELFDATA2LSB ? "LSB" : "MSB",
		    a->e_ident[EI_DATA] == ELFDATA2LSB ? "LSB" : "MSB");
	if (e->e_machine != a->e_machine)
		difference("ELF header: e_machine expected %s, got %s",
		    LOOKUP(machines, e->e_machine, b1),
		    LOOKUP(machines, a->e_machine, b2));
	if (e->e_type != a->e_type)
		difference("ELF header: e_type expected ET_%s, got ET_%s",
		    LOOKUP(etypes, e->e_type, b1),
		    LOOKUP(etypes, a->e_type, b2));
	if (e->e_entry != a->e_entry)
		difference("ELF header: e_entry expected 0x%" PRIx64
		    ", got 0x%" PRIx64, (uint64_t)e->e_entry,
		    (uint64_t)a->e_entry);
	if (files[0].phnum != files[1].phnum)
		difference("ELF header: e_phnum expected %zu, got %zu",
		    files[0].phnum, files[1].phnum);
	if (files[0].shnum != files[1].shnum)
		difference("ELF header: e_shnum expected %zu, got %zu",
		    files[0].shnum, files[1].shnum);
}

/* Compares the contents of two sections word by word. */
static void
compare_bytes(const struct section *se, const struct section *sa)
{
	const char *pe, *pa;
	uint64_t off, size, more;
	size_t n;
	unsigned shown;

	size = se->shdr.sh_size < sa->shdr.sh_size ? se->shdr.sh_size :
	    sa->shdr.sh_size;
	pe = files[0].image + se->shdr.sh_offset;
	pa = files[1].image + sa->shdr.sh_offset;
	shown = 0;
	more = 0;
	for (off = 0; off < size; off += 4) {
		n = size - off < 4 ? (size_t)(size - off) : 4;
		if (memcmp(pe + off, pa + off, n) == 0)
			continue;
		if (shown == WORD_DIFFS) {
			more++;
			continue;
		}
		shown++;
		difference("section %s: word at 0x%" PRIx64 " (+0x%" PRIx64
		    ") expected 0x%0*" PRIx32 ", got 0x%0*" PRIx32, se->name,
		    (uint64_t)se->shdr.sh_addr + off, off, (int)(2 * n),
		    read_word(&files[0], pe + off, n), (int)(2 * n),
		    read_word(&files[1], pa + off, n));
	}
	if (more > 0)
		difference("section %s: %" PRIu64 " more differing words",
		    se->name, more);
}

/* Compares the headers and contents of two allocated sections. */
static void
compare_section(size_t ie, size_t ia)
{
	const struct section *se, *sa;
	const GElf_Shdr *e, *a;
	char b1[NAMEBUF], b2[NAMEBUF];
	const char *n1, *n2;
	bool idx;

	se = &files[0].sec[ie];
	sa = &files[1].sec[ia];
	e = &se->shdr;
	a = &sa->shdr;
	if (strcmp(se->name, sa->name) != 0) {
		difference("allocated section [%zu]: name expected %s, "
		    "got %s [%zu]", ie, se->name, sa->name, ia);
		return;
	}
	if (ie != ia)
		difference("section %s: index expected %zu, got %zu",
		    se->name, ie, ia);
	if (e->sh_type != a->sh_type)
		difference("section %s: sh_type expected %s, got %s",
		    se->name, LOOKUP(shtypes, e->sh_type, b1),
		    LOOKUP(shtypes, a->sh_type, b2));
#define	CMPFIELD(field)						\
	if (e->field != a->field)					\
		difference("section %s: " #field " expected 0x%"	\
		    PRIx64 ", got 0x%" PRIx64, se->name,		\
		    (uint64_t)e->field, (uint64_t)a->field)
	CMPFIELD(sh_flags);
	CMPFIELD(sh_addr);
	CMPFIELD(sh_size);
	CMPFIELD(sh_addralign);
	CMPFIELD(sh_entsize);
#undef CMPFIELD
	idx = link_is_index(e->sh_type) || e->sh_link < files[0].shnum;
	n1 = link_name(&files[0], e->sh_link, idx, b1);
	idx = link_is_index(a->sh_type) || a->sh_link < files[1].shnum;
	n2 = link_name(&files[1], a->sh_link, idx, b2);
	if (strcmp(n1, n2) != 0)
		difference("section %s: sh_link expected %s, got %s",
		    se->name, n1, n2);
	n1 = link_name(&files[0], e->sh_info, info_is_index(e), b1);
	n2 = link_name(&files[1], a->sh_info, info_is_index(a), b2);
	if (strcmp(n1, n2) != 0)
		difference("section %s: sh_info expected %s, got %s",
		    se->name, n1, n2);
}

/*
 * Compares the allocated sections, k-th against k-th in table order: their
 * headers, or with bytes set, the contents of those with the same name.
 */
static void
compare_alloc(bool bytes)
{
	const struct section *se, *sa;
	size_t ie, ia;

	ie = ia = 1;
	for (;;) {
		while (ie < files[0].shnum &&
		    (files[0].sec[ie].shdr.sh_flags & SHF_ALLOC) == 0)
			ie++;
		while (ia < files[1].shnum &&
		    (files[1].sec[ia].shdr.sh_flags & SHF_ALLOC) == 0)
			ia++;
		if (ie >= files[0].shnum && ia >= files[1].shnum)
			break;
		if (bytes) {
			se = ie < files[0].shnum ? &files[0].sec[ie] : NULL;
			sa = ia < files[1].shnum ? &files[1].sec[ia] : NULL;
			if (se != NULL && sa != NULL &&
			    strcmp(se->name, sa->name) == 0 &&
			    se->shdr.sh_type != SHT_NOBITS &&
			    sa->shdr.sh_type != SHT_NOBITS)
				compare_bytes(se, sa);
		} else if (ia >= files[1].shnum)
			difference("allocated section %s missing",
			    files[0].sec[ie].name);
		else if (ie >= files[0].shnum)
			difference("unexpected allocated section %s",
			    files[1].sec[ia].name);
		else
			compare_section(ie, ia);
		ie++;
		ia++;
	}
}

/* Compares the names and types of the non-allocated sections. */
static void
compare_nonalloc(void)
{
	const struct section *se, *sa;
	char b1[NAMEBUF], b2[NAMEBUF];
	ssize_t j;
	size_t i, pos;
	bool same;

	same = true;
	for (i = 1; i < files[0].shnum; i++) {
		se = &files[0].sec[i];
		if ((se->shdr.sh_flags & SHF_ALLOC) != 0)
			continue;
		j = find_name(&files[1], se->name, false);
		if (j < 0) {
			difference("non-allocated section %s (%s) missing",
			    se->name, LOOKUP(shtypes, se->shdr.sh_type, b1));
			same = false;
			continue;
		}
		sa = &files[1].sec[j];
		if (se->shdr.sh_type != sa->shdr.sh_type)
			difference("section %s: sh_type expected %s, got %s",
			    se->name, LOOKUP(shtypes, se->shdr.sh_type, b1),
			    LOOKUP(shtypes, sa->shdr.sh_type, b2));
	}
	for (i = 1; i < files[1].shnum; i++) {
		sa = &files[1].sec[i];
		if ((sa->shdr.sh_flags & SHF_ALLOC) != 0)
			continue;
		if (find_name(&files[0], sa->name, false) < 0) {
			difference("unexpected non-allocated section %s (%s)",
			    sa->name, LOOKUP(shtypes, sa->shdr.sh_type, b1));
			same = false;
		}
	}
	if (!same)
		return;
	/* Same names: the k-th must be the k-th in both lists. */
	pos = 1;
	for (i = 1; i < files[0].shnum; i++) {
		se = &files[0].sec[i];
		if ((se->shdr.sh_flags & SHF_ALLOC) != 0)
			continue;
		while (pos < files[1].shnum &&
		    (files[1].sec[pos].shdr.sh_flags & SHF_ALLOC) != 0)
			pos++;
		if (pos >= files[1].shnum ||
		    strcmp(se->name, files[1].sec[pos].name) != 0) {
			difference("non-allocated sections: order differs "
			    "(expected %s, got %s)", se->name,
			    pos < files[1].shnum ? files[1].sec[pos].name :
			    "(end)");
			return;
		}
		pos++;
	}
}

/* Compares the program headers in order. */
static void
compare_phdrs(void)
{
	GElf_Phdr e, a;
	char b1[NAMEBUF], b2[NAMEBUF], b3[NAMEBUF];
	const char *tn;
	size_t i, n;

	n = files[0].phnum < files[1].phnum ? files[0].phnum : files[1].phnum;
	for (i = 0; i < n; i++) {
		if (gelf_getphdr(files[0].elf, (int)i, &e) == NULL)
			fatal_elf(&files[0], "program header");
		if (gelf_getphdr(files[1].elf, (int)i, &a) == NULL)
			fatal_elf(&files[1], "program header");
		tn = LOOKUP(ptypes, e.p_type, b1);
		if (e.p_type != a.p_type) {
			difference("program header [%zu]: p_type expected %s, "
			    "got %s", i, tn, LOOKUP(ptypes, a.p_type, b2));
			continue;
		}
		if (e.p_flags != a.p_flags)
			difference("program header [%zu] %s: p_flags expected "
			    "%s, got %s", i, tn, pflags_name(e.p_flags, b2),
			    pflags_name(a.p_flags, b3));
#define	CMPFIELD(field)						\
	if (e.field != a.field)						\
		difference("program header [%zu] %s: " #field	\
		    " expected 0x%" PRIx64 ", got 0x%" PRIx64, i, tn,	\
		    (uint64_t)e.field, (uint64_t)a.field)
		CMPFIELD(p_offset);
		CMPFIELD(p_vaddr);
		CMPFIELD(p_paddr);
		CMPFIELD(p_filesz);
		CMPFIELD(p_memsz);
		CMPFIELD(p_align);
#undef CMPFIELD
	}
	for (i = n; i < files[0].phnum; i++) {
		if (gelf_getphdr(files[0].elf, (int)i, &e) == NULL)
			fatal_elf(&files[0], "program header");
		difference("program header [%zu] %s missing", i,
		    LOOKUP(ptypes, e.p_type, b1));
	}
	for (i = n; i < files[1].phnum; i++) {
		if (gelf_getphdr(files[1].elf, (int)i, &a) == NULL)
			fatal_elf(&files[1], "program header");
		difference("unexpected program header [%zu] %s", i,
		    LOOKUP(ptypes, a.p_type, b1));
	}
}

/* Compares the entries of the dynamic sections in order. */
static void
compare_dynamic(void)
{
	const struct dyntag *dt;
	GElf_Dyn e, a;
	char b1[NAMEBUF], b2[NAMEBUF];
	const char *label;
	ssize_t de, da;
	size_t i, ne, na;

	de = find_type(&files[0], SHT_DYNAMIC);
	da = find_type(&files[1], SHT_DYNAMIC);
	if (de < 0 && da < 0)
		return;
	if (de < 0 || da < 0) {
		difference("dynamic section: expected %s, got %s",
		    de < 0 ? "none" : files[0].sec[de].name,
		    da < 0 ? "none" : files[1].sec[da].name);
		return;
	}
	label = files[0].sec[de].name;
	ne = entry_count(&files[0], (size_t)de, ELF_T_DYN);
	na = entry_count(&files[1], (size_t)da, ELF_T_DYN);
	if (ne != na)
		difference("%s: %zu entries expected, got %zu", label, ne,
		    na);
	for (i = 0; i < ne && i < na; i++) {
		if (gelf_getdyn(section_data(&files[0], (size_t)de), (int)i,
		    &e) == NULL)
			fatal(&files[0], "%s[%zu]: cannot read entry", label,
			    i);
		if (gelf_getdyn(section_data(&files[1], (size_t)da), (int)i,
		    &a) == NULL)
			fatal(&files[1], "%s[%zu]: cannot read entry", label,
			    i);
		if (e.d_tag != a.d_tag) {
			difference("%s[%zu]: d_tag expected %s, got %s", label,
			    i, dyntag_name(e.d_tag, b1),
			    dyntag_name(a.d_tag, b2));
			continue;
		}
		dt = find_dyntag(e.d_tag);
		if (e.d_un.d_val != a.d_un.d_val)
			difference("%s[%zu] %s: %s expected 0x%" PRIx64
			    ", got 0x%" PRIx64, label, i,
			    dyntag_name(e.d_tag, b1),
			    dt != NULL && dt->ptr ? "d_ptr" : "d_val",
			    (uint64_t)e.d_un.d_val, (uint64_t)a.d_un.d_val);
	}
}

/* Compares the symbol tables of a type (SHT_SYMTAB or SHT_DYNSYM). */
static void
compare_syms(uint64_t type)
{
	struct symtab te, ta;
	struct sym e, a;
	char b1[NAMEBUF], b2[NAMEBUF], lb[NAMEBUF + 16];
	const char *tab, *what, *label, *n1, *n2;
	ssize_t se, sa;
	size_t i;

	what = type == SHT_DYNSYM ? "dynamic symbol table" : "symbol table";
	se = find_type(&files[0], type);
	sa = find_type(&files[1], type);
	if (se < 0 && sa < 0)
		return;
	if (se < 0 || sa < 0) {
		difference("%s: expected %s, got %s", what,
		    se < 0 ? "none" : files[0].sec[se].name,
		    sa < 0 ? "none" : files[1].sec[sa].name);
		return;
	}
	open_symtab(&files[0], (size_t)se, &te);
	open_symtab(&files[1], (size_t)sa, &ta);
	tab = files[0].sec[se].name;
	if (te.count != ta.count)
		difference("%s: %zu symbols expected, got %zu", tab, te.count,
		    ta.count);
	for (i = 0; i < te.count && i < ta.count; i++) {
		get_sym(&files[0], &te, i, &e);
		get_sym(&files[1], &ta, i, &a);
		label = sym_label(&files[0], &e, lb, sizeof(lb));
		if (strcmp(e.name, a.name) != 0) {
			difference("%s[%zu]: name expected %s, got %s", tab, i,
			    label, sym_label(&files[1], &a, b1, sizeof(b1)));
			continue;
		}
		if (e.sym.st_value != a.sym.st_value)
			difference("%s[%zu] %s: st_value expected 0x%" PRIx64
			    ", got 0x%" PRIx64, tab, i, label,
			    (uint64_t)e.sym.st_value, (uint64_t)a.sym.st_value);
		if (e.sym.st_size != a.sym.st_size)
			difference("%s[%zu] %s: st_size expected 0x%" PRIx64
			    ", got 0x%" PRIx64, tab, i, label,
			    (uint64_t)e.sym.st_size, (uint64_t)a.sym.st_size);
		if (GELF_ST_BIND(e.sym.st_info) != GELF_ST_BIND(a.sym.st_info))
			difference("%s[%zu] %s: binding expected %s, got %s",
			    tab, i, label,
			    LOOKUP(binds, GELF_ST_BIND(e.sym.st_info), b1),
			    LOOKUP(binds, GELF_ST_BIND(a.sym.st_info), b2));
		if (GELF_ST_TYPE(e.sym.st_info) != GELF_ST_TYPE(a.sym.st_info))
			difference("%s[%zu] %s: type expected %s, got %s",
			    tab, i, label,
			    LOOKUP(stypes, GELF_ST_TYPE(e.sym.st_info), b1),
			    LOOKUP(stypes, GELF_ST_TYPE(a.sym.st_info), b2));
		if (e.sym.st_other != a.sym.st_other)
			difference("%s[%zu] %s: st_other expected %s, got %s",
			    tab, i, label,
			    LOOKUP(visibilities, e.sym.st_other, b1),
			    LOOKUP(visibilities, a.sym.st_other, b2));
		n1 = shndx_name(&files[0], e.shndx, b1);
		n2 = shndx_name(&files[1], a.shndx, b2);
		if (strcmp(n1, n2) != 0)
			difference("%s[%zu] %s: st_shndx expected %s, got %s",
			    tab, i, label, n1, n2);
	}
}

/* Compares two relocation sections of the same name entry by entry. */
static void
compare_relsec(size_t ie, size_t ia)
{
	GElf_Rela e, a;
	char b1[NAMEBUF], b2[NAMEBUF], s1[NAMEBUF + 16], s2[NAMEBUF + 16];
	const char *name, *tn, *n1, *n2;
	size_t i, ne, na;
	uint64_t type;
	uint32_t ve, va;

	name = files[0].sec[ie].name;
	type = files[0].sec[ie].shdr.sh_type;
	if (files[1].sec[ia].shdr.sh_type != type) {
		difference("relocation section %s: type expected %s, got %s",
		    name, LOOKUP(shtypes, type, b1),
		    LOOKUP(shtypes, files[1].sec[ia].shdr.sh_type, b2));
		return;
	}
	ne = entry_count(&files[0], ie,
	    type == SHT_REL ? ELF_T_REL : ELF_T_RELA);
	na = entry_count(&files[1], ia,
	    type == SHT_REL ? ELF_T_REL : ELF_T_RELA);
	if (ne != na)
		difference("%s: %zu relocations expected, got %zu", name, ne,
		    na);
	for (i = 0; i < ne && i < na; i++) {
		get_reloc(&files[0], ie, i, &e);
		get_reloc(&files[1], ia, i, &a);
		tn = reloc_name(&files[0], GELF_R_TYPE(e.r_info), b1);
		if (GELF_R_TYPE(e.r_info) != GELF_R_TYPE(a.r_info)) {
			difference("%s[%zu] @0x%" PRIx64 ": type expected %s, "
			    "got %s", name, i, (uint64_t)e.r_offset, tn,
			    reloc_name(&files[1], GELF_R_TYPE(a.r_info), b2));
			continue;
		}
		if (e.r_offset != a.r_offset)
			difference("%s[%zu] %s @0x%" PRIx64 ": r_offset "
			    "expected 0x%" PRIx64 ", got 0x%" PRIx64, name, i,
			    tn, (uint64_t)e.r_offset, (uint64_t)e.r_offset,
			    (uint64_t)a.r_offset);
		n1 = reloc_sym(&files[0], ie, &e, s1, sizeof(s1));
		n2 = reloc_sym(&files[1], ia, &a, s2, sizeof(s2));
		if (strcmp(n1, n2) != 0)
			difference("%s[%zu] %s @0x%" PRIx64 ": symbol expected "
			    "%s, got %s", name, i, tn, (uint64_t)e.r_offset,
			    n1, n2);
		if (type == SHT_RELA) {
			if (e.r_addend != a.r_addend)
				difference("%s[%zu] %s @0x%" PRIx64 ": r_addend"
				    " expected 0x%" PRIx64 ", got 0x%" PRIx64,
				    name, i, tn, (uint64_t)e.r_offset,
				    (uint64_t)e.r_addend, (uint64_t)a.r_addend);
			continue;
		}
		if (!reloc_has_inplace(&files[0], ie, &e))
			continue;
		ve = inplace(&files[0], ie, &e);
		va = inplace(&files[1], ia, &a);
		if (ve != va)
			difference("%s[%zu] %s @0x%" PRIx64 ": in-place "
			    "expected 0x%" PRIx32 ", got 0x%" PRIx32, name, i,
			    tn, (uint64_t)e.r_offset, ve, va);
	}
}

/* Matches the relocation sections by name and compares them. */
static void
compare_relocs(void)
{
	const struct section *s;
	size_t i, j;
	bool found;

	for (i = 1; i < files[0].shnum; i++) {
		s = &files[0].sec[i];
		if (s->shdr.sh_type != SHT_REL && s->shdr.sh_type != SHT_RELA)
			continue;
		found = false;
		for (j = 1; j < files[1].shnum && !found; j++)
			if (strcmp(files[1].sec[j].name, s->name) == 0) {
				compare_relsec(i, j);
				found = true;
			}
		if (!found)
			difference("relocation section %s missing", s->name);
	}
	for (j = 1; j < files[1].shnum; j++) {
		s = &files[1].sec[j];
		if (s->shdr.sh_type != SHT_REL && s->shdr.sh_type != SHT_RELA)
			continue;
		found = false;
		for (i = 1; i < files[0].shnum && !found; i++)
			found = strcmp(files[0].sec[i].name, s->name) == 0;
		if (!found)
			difference("unexpected relocation section %s", s->name);
	}
}

int
main(int argc, char **argv)
{
	char *end;
	unsigned long v;
	int ch, i;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		switch (ch) {
		case 'n':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' ||
			    *end != '\0' || errno != 0) {
				fprintf(stderr, "elfcmp: -n: bad number %s\n",
				    optarg);
				usage();
			}
			maxdiff = v;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();
	if (elf_version(EV_CURRENT) == EV_NONE)
		fatal(NULL, "libelf is out of date: %s", elf_errmsg(-1));
	load(&files[0], argv[0]);
	load(&files[1], argv[1]);
	validate(&files[0]);
	validate(&files[1]);

	/* Headers and meaning first, raw bytes (mostly their echo) last. */
	compare_ehdr();
	compare_alloc(false);
	compare_nonalloc();
	compare_phdrs();
	compare_dynamic();
	compare_syms(SHT_DYNSYM);
	compare_syms(SHT_SYMTAB);
	compare_relocs();
	compare_alloc(true);

	if (ndiff > maxdiff)
		printf("... and %lu more\n", ndiff - maxdiff);
	if (fflush(stdout) != 0)
		fatal(NULL, "stdout: %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		elf_end(files[i].elf);
		free(files[i].sec);
		free(files[i].image);
	}
	return (ndiff == 0 ? 0 : 1);
}
