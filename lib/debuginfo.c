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
 * The module's debug information follows the move: its embedded DWARF is
 * rewritten through the planned address map (dwarf.c does the reading),
 * and the moves of its allocated sections are handed out for a separate
 * debug file (debugfile.c), which sees only them and no module.
 */

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "debuginfo.h"
#include "dwarf.h"
#include "layout.h"
#include "module.h"

/* The module's loaded image: addresses outside it are not mapped. */
struct image_range {
	struct module		*m;
	GElf_Addr		 lo, hi;
};

static void
image_range(struct module *m, struct image_range *r)
{
	const struct section *s;
	size_t i;

	r->m = m;
	r->lo = UINT64_MAX;
	r->hi = 0;
	for (i = 0; i < m->nalloc; i++) {
		s = m->alloc[i];
		if (s->shdr.sh_addr < r->lo)
			r->lo = s->shdr.sh_addr;
		if (s->shdr.sh_addr + s->shdr.sh_size > r->hi)
			r->hi = s->shdr.sh_addr + s->shdr.sh_size;
	}
}

/*
 * Where an address in DWARF goes: with the byte it points at (an object's
 * first byte; its image's end moves with the last section).  Addresses
 * outside the image (0, a linker's tombstone) stay.
 */
static uint64_t
map_image_addr(void *arg, uint64_t addr)
{
	const struct image_range *r;

	r = arg;
	if (addr < r->lo || addr > r->hi)
		return (addr);
	return (layout_map_addr(r->m, addr));
}

/* The map of a module that does not change. */
static uint64_t
same_addr(void *arg, uint64_t addr)
{

	(void)arg;
	return (addr);
}

/* Finds the module's DWARF sections; refuses compressed ones. */
static int
find_dwarf(struct module *m, struct dwarf *d, struct section **secs,
    struct padko_error *err)
{
	struct section *s;
	size_t i;
	int k;

	memset(d, 0, sizeof(*d));
	d->file = m->path;
	for (i = 1; i < m->nsections; i++) {
		s = &m->sections[i];
		if ((s->shdr.sh_flags & SHF_ALLOC) ||
		    (k = dwarf_section_index(s->name)) < 0)
			continue;
		if (s->shdr.sh_flags & SHF_COMPRESSED)
			return (padko_fail(err, EX_DATAERR, "%s: %s is "
			    "compressed: padko cannot rewrite it (decompress "
			    "it with objcopy --decompress-debug-sections)",
			    m->path, s->name));
		if (s->shdr.sh_type != SHT_PROGBITS || s->data == NULL)
			continue;
		d->sec[k].in = s->data->d_buf;
		d->sec[k].size = s->data->d_size;
		secs[k] = s;
	}
	return (0);
}

/* Counts address fields per section, for the dry run. */
static int
count_addr(void *arg, enum dwarf_sec sec, uint64_t offset)
{
	size_t *n;

	(void)offset;
	n = arg;
	n[sec]++;
	return (0);
}

int
debuginfo_rewrite(struct module *m, debuginfo_out_fn out,
    struct padko_error *err)
{
	struct section *secs[DWARF_NSECS];
	struct dwarf_visitor v;
	struct image_range r;
	struct dwarf d;
	size_t n[DWARF_NSECS], changed;
	int k;

	memset(secs, 0, sizeof(secs));
	if (find_dwarf(m, &d, secs, err) != 0)
		return (-1);
	if (d.sec[DWARF_INFO].in == NULL && d.sec[DWARF_ADDR].in == NULL)
		return (0);
	/* A dry run first: nothing is copied for DWARF that is refused. */
	memset(n, 0, sizeof(n));
	memset(&v, 0, sizeof(v));
	v.addr = count_addr;
	v.arg = n;
	if (dwarf_walk(&d, &v, err) != 0)
		return (-1);
	for (k = 0; k < DWARF_NSECS; k++)
		if (n[k] > 0 &&
		    (d.sec[k].out = out(m, secs[k], err)) == NULL)
			return (-1);
	image_range(m, &r);
	return (dwarf_rewrite(&d, map_image_addr, &r, &changed, err));
}

int
debuginfo_moves(struct module *m, struct debug_moves *mv,
    struct padko_error *err)
{
	struct image_range *r;
	const struct section *s;
	size_t i;

	memset(mv, 0, sizeof(*mv));
	mv->secs = calloc(m->nalloc + 1, sizeof(*mv->secs));
	mv->segs = calloc(m->nphdrs + 1, sizeof(*mv->segs));
	r = malloc(sizeof(*r));
	if (mv->secs == NULL || mv->segs == NULL || r == NULL) {
		free(r);
		debug_moves_free(mv);
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	}
	for (i = 0; i < m->nalloc; i++) {
		s = m->alloc[i];
		mv->secs[i].name = s->name;
		mv->secs[i].old_addr = s->shdr.sh_addr;
		mv->secs[i].old_size = s->shdr.sh_size;
		mv->secs[i].new_addr = m->changed ? s->new_addr :
		    s->shdr.sh_addr;
		mv->secs[i].new_size = m->changed ? s->new_size :
		    s->shdr.sh_size;
	}
	mv->nsecs = m->nalloc;
	for (i = 0; i < m->nphdrs; i++) {
		mv->segs[i].type = m->phdrs[i].p_type;
		mv->segs[i].old_vaddr = m->phdrs[i].p_vaddr;
		mv->segs[i].old_memsz = m->phdrs[i].p_memsz;
		mv->segs[i].new_vaddr = (m->changed ? m->new_phdrs :
		    m->phdrs)[i].p_vaddr;
		mv->segs[i].new_paddr = (m->changed ? m->new_phdrs :
		    m->phdrs)[i].p_paddr;
		mv->segs[i].new_memsz = (m->changed ? m->new_phdrs :
		    m->phdrs)[i].p_memsz;
	}
	mv->nsegs = m->nphdrs;
	image_range(m, r);
	mv->map = m->changed ? map_image_addr : same_addr;
	mv->arg = r;
	return (0);
}

void
debug_moves_free(struct debug_moves *mv)
{

	free(mv->secs);
	free(mv->segs);
	free(mv->arg);
	memset(mv, 0, sizeof(*mv));
}

/* The module's .gnu_debuglink section, or NULL. */
static struct section *
find_debuglink(struct module *m)
{
	size_t i;

	for (i = 1; i < m->nsections; i++)
		if (!(m->sections[i].shdr.sh_flags & SHF_ALLOC) &&
		    m->sections[i].shdr.sh_type == SHT_PROGBITS &&
		    m->sections[i].data != NULL &&
		    strcmp(m->sections[i].name, ".gnu_debuglink") == 0)
			return (&m->sections[i]);
	return (NULL);
}

/*
 * Where new contents of len bytes for s go in the file: in its place if
 * they fit, else after everything else (sections may lie in any order).
 */
static GElf_Off
debuglink_offset(const struct module *m, const struct section *s,
    size_t len)
{
	const struct section *t;
	GElf_Off end;
	size_t i;

	if (len <= s->shdr.sh_size)
		return (s->new_offset);
	end = m->new_shoff + (GElf_Off)m->nsections * sizeof(Elf32_Shdr);
	if (m->new_phoff + m->nphdrs * sizeof(Elf32_Phdr) > end)
		end = m->new_phoff + m->nphdrs * sizeof(Elf32_Phdr);
	for (i = 1; i < m->nsections; i++) {
		t = &m->sections[i];
		if (t->shdr.sh_type != SHT_NOBITS &&
		    t->new_offset + t->new_size > end)
			end = t->new_offset + t->new_size;
	}
	return ((end + 3) & ~(GElf_Off)3);
}

/*
 * Checks that the debug file is the one the module's debuglink names
 * (by CRC, as debuggers do), and rewrites it for the plan.
 */
static int
rewrite_debug_file(struct module *m, const struct section *link,
    const char *in_path, struct debug_attach *a, struct padko_error *err)
{
	struct debug_moves mv;
	struct file_image img;
	const char *name;
	uint32_t want, crc;
	int rc;

	if (debuglink_parse(link->data->d_buf, link->data->d_size, &name,
	    &want) != 0)
		return (padko_fail(err, EX_DATAERR, "%s: .gnu_debuglink is "
		    "malformed", m->path));
	if (file_image_open(in_path, &img, err) != 0)
		return (-1);
	if ((crc = debugfile_crc32(img.bytes, img.size)) != want) {
		file_image_release(&img);
		return (padko_fail(err, EX_DATAERR, "%s: CRC %08x, but the "
		    ".gnu_debuglink of %s expects %08x (%s): not its debug "
		    "file", in_path, crc, m->path, want, name));
	}
	/* An ET_REL module (amd64) is never padded: its file is copied. */
	if (m->ehdr.e_type == ET_REL) {
		rc = 0;
		if ((a->bytes = malloc(img.size > 0 ? img.size : 1)) == NULL)
			rc = padko_fail(err, EX_OSERR, "%s: out of memory",
			    in_path);
		else {
			memcpy(a->bytes, img.bytes, img.size);
			a->size = img.size;
		}
		file_image_release(&img);
		return (rc);
	}
	rc = debuginfo_moves(m, &mv, err);
	if (rc == 0) {
		rc = debugfile_rewrite(in_path, img.bytes, img.size, &mv,
		    &a->bytes, err);
		a->size = img.size;
		debug_moves_free(&mv);
	}
	file_image_release(&img);
	return (rc);
}

int
debuginfo_attach(struct module *m, const char *in_path, const char *out_path,
    struct debug_attach **ap, struct padko_error *err)
{
	struct debug_attach *a;
	struct section *link;
	unsigned char *buf;
	const char *base;
	size_t len;

	*ap = NULL;
	if ((link = find_debuglink(m)) == NULL)
		return (padko_fail(err, EX_DATAERR, "%s: no .gnu_debuglink "
		    "names a debug file (objcopy --add-gnu-debuglink adds "
		    "one)", m->path));
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->out_path = strdup(out_path)) == NULL) {
		free(a);
		return (padko_fail(err, EX_OSERR, "%s: out of memory",
		    m->path));
	}
	if (rewrite_debug_file(m, link, in_path, a, err) != 0) {
		debuginfo_detach(a);
		return (-1);
	}
	/* Nothing of an ET_REL module is rewritten, its debuglink neither. */
	if (m->ehdr.e_type == ET_REL) {
		*ap = a;
		return (0);
	}
	base = strrchr(out_path, '/') != NULL ? strrchr(out_path, '/') + 1 :
	    out_path;
	if (debuglink_build(base, debugfile_crc32(a->bytes, a->size), &buf,
	    &len, err) != 0) {
		debuginfo_detach(a);
		return (-1);
	}
	free(m->debuglink);
	m->debuglink = NULL;
	link->out = NULL;
	if (len != link->data->d_size ||
	    memcmp(buf, link->data->d_buf, len) != 0) {
		link->new_offset = debuglink_offset(m, link, len);
		link->new_size = len;
		link->out = m->debuglink = buf;
	} else
		free(buf);
	*ap = a;
	return (0);
}

void
debuginfo_detach(struct debug_attach *a)
{

	if (a == NULL)
		return;
	free(a->out_path);
	free(a->bytes);
	free(a);
}
