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
 * dwarfvars: list the variables that DWARF places at a fixed address.
 *
 *	dwarfvars FILE
 *
 * prints "NAME 0xADDRESS", sorted, one line per DW_TAG_variable whose
 * location is one DW_OP_addr, or one DW_OP_addrx resolved through
 * .debug_addr, optionally followed by DW_OP_stack_value-free arithmetic
 * the test fixtures do not use.  FILE is a module with embedded DWARF or
 * a separate .ko.debug.  The tests compare these lists between padko's
 * output and the module padded by the linker.  It reads DWARF with
 * padko's own reader (lib/dwarf.c); the gdb checks beside it do not.
 *
 * Exit status: 0 listed, 2 usage, read or DWARF error.
 */

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf.h"

#define	DW_TAG_variable		0x34
#define	DW_AT_location		0x02
#define	DW_AT_name		0x03
#define	DW_FORM_string		0x08
#define	DW_FORM_strp		0x0e
#define	DW_FORM_exprloc		0x18
#define	DW_FORM_block1		0x0a
#define	DW_FORM_strx		0x1a
#define	DW_FORM_line_strp	0x1f
#define	DW_FORM_strx1		0x25
#define	DW_FORM_strx4		0x28
#define	DW_OP_addr		0x03
#define	DW_OP_addrx		0xa1

/* The string sections, besides those the reader knows. */
struct strings {
	Elf_Data	*str, *line_str, *str_offsets;
};

/* The variable being read. */
struct var {
	struct dwarf		*d;
	struct strings		*s;
	int			 is_var;
	const char		*name;
	int			 has_addr;
	uint64_t		 addr;
};

static uint64_t
le(const unsigned char *p, unsigned n)
{
	uint64_t v;

	v = 0;
	while (n-- > 0)
		v = v << 8 | p[n];
	return (v);
}

static void
flush(struct var *v)
{

	if (v->is_var && v->name != NULL && v->has_addr)
		printf("%s 0x%08jx\n", v->name, (uintmax_t)v->addr);
	v->is_var = 0;
	v->name = NULL;
	v->has_addr = 0;
}

static int
on_die(void *arg, const struct dwarf_unit *u, uint64_t tag)
{
	struct var *v;

	(void)u;
	v = arg;
	flush(v);
	v->is_var = tag == DW_TAG_variable;
	return (0);
}

/* A string of the given section at off, or NULL past its end. */
static const char *
string_at(const Elf_Data *d, uint64_t off)
{

	if (d == NULL || off >= d->d_size ||
	    memchr((const char *)d->d_buf + off, '\0', d->d_size - off) == NULL)
		return (NULL);
	return ((const char *)d->d_buf + off);
}

static const char *
name_of(const struct var *v, const struct dwarf_unit *u,
    const struct dwarf_attr *a)
{
	const Elf_Data *so;
	uint64_t off;

	switch (a->form) {
	case DW_FORM_string:
		return ((const char *)a->block);
	case DW_FORM_strp:
		return (string_at(v->s->str, a->value));
	case DW_FORM_line_strp:
		return (string_at(v->s->line_str, a->value));
	}
	if (a->form != DW_FORM_strx &&
	    (a->form < DW_FORM_strx1 || a->form > DW_FORM_strx4))
		return (NULL);
	so = v->s->str_offsets;
	off = u->str_offsets_base + a->value * u->offset_size;
	if (so == NULL || off + u->offset_size > so->d_size)
		return (NULL);
	return (string_at(v->s->str,
	    le((const unsigned char *)so->d_buf + off, u->offset_size)));
}

/* The address of a location that is one DW_OP_addr or DW_OP_addrx. */
static int
addr_of(const struct var *v, const struct dwarf_unit *u,
    const struct dwarf_attr *a, uint64_t *addr)
{
	const struct dwarf_section *ds;
	uint64_t i, off;
	unsigned shift;
	size_t k;

	if (a->len == 5 && a->block[0] == DW_OP_addr) {
		*addr = le(a->block + 1, 4);
		return (1);
	}
	if (a->len < 2 || a->block[0] != DW_OP_addrx)
		return (0);
	i = 0;
	shift = 0;
	for (k = 1; k < a->len && shift < 64; k++, shift += 7) {
		i |= (uint64_t)(a->block[k] & 0x7f) << shift;
		if ((a->block[k] & 0x80) == 0)
			break;
	}
	if (k + 1 != a->len)
		return (0);
	ds = &v->d->sec[DWARF_ADDR];
	off = u->addr_base + i * 4;
	if (ds->in == NULL || off + 4 > ds->size)
		return (0);
	*addr = le(ds->in + off, 4);
	return (1);
}

static int
on_attr(void *arg, const struct dwarf_unit *u, const struct dwarf_attr *a)
{
	struct var *v;

	v = arg;
	if (!v->is_var)
		return (0);
	if (a->name == DW_AT_name)
		v->name = name_of(v, u, a);
	else if (a->name == DW_AT_location && a->block != NULL &&
	    (a->form == DW_FORM_exprloc || a->form == DW_FORM_block1))
		v->has_addr = addr_of(v, u, a, &v->addr);
	return (0);
}

int
main(int argc, char **argv)
{
	struct dwarf d;
	struct strings s;
	struct dwarf_visitor vis;
	struct padko_error err;
	struct var v;
	Elf *e;
	Elf_Scn *scn;
	Elf_Data *data;
	GElf_Shdr sh;
	size_t shstrndx;
	const char *name;
	int fd, i;

	if (argc != 2) {
		fprintf(stderr, "usage: dwarfvars FILE\n");
		return (2);
	}
	if (elf_version(EV_CURRENT) == EV_NONE ||
	    (fd = open(argv[1], O_RDONLY)) < 0 ||
	    (e = elf_begin(fd, ELF_C_READ, NULL)) == NULL ||
	    elf_getshdrstrndx(e, &shstrndx) != 0) {
		fprintf(stderr, "dwarfvars: %s: cannot read\n", argv[1]);
		return (2);
	}
	memset(&d, 0, sizeof(d));
	memset(&s, 0, sizeof(s));
	d.file = argv[1];
	for (scn = NULL; (scn = elf_nextscn(e, scn)) != NULL;) {
		if (gelf_getshdr(scn, &sh) == NULL ||
		    sh.sh_type == SHT_NOBITS ||
		    (name = elf_strptr(e, shstrndx, sh.sh_name)) == NULL ||
		    (data = elf_getdata(scn, NULL)) == NULL)
			continue;
		if ((i = dwarf_section_index(name)) >= 0) {
			d.sec[i].in = data->d_buf;
			d.sec[i].size = data->d_size;
		} else if (strcmp(name, ".debug_str") == 0)
			s.str = data;
		else if (strcmp(name, ".debug_line_str") == 0)
			s.line_str = data;
		else if (strcmp(name, ".debug_str_offsets") == 0)
			s.str_offsets = data;
	}
	memset(&v, 0, sizeof(v));
	v.d = &d;
	v.s = &s;
	memset(&vis, 0, sizeof(vis));
	vis.die = on_die;
	vis.attr = on_attr;
	vis.arg = &v;
	if (dwarf_walk(&d, &vis, &err) != 0) {
		fprintf(stderr, "dwarfvars: %s\n", err.msg);
		return (2);
	}
	flush(&v);
	elf_end(e);
	close(fd);
	return (0);
}
