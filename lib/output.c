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
 * Writing the result: with libelf under ELF_F_LAYOUT, so that every offset
 * is the one the plan chose, or byte for byte when nothing changed.  Files
 * are replaced atomically: a temporary file in the same directory,
 * written, read back and checked (the padding words here, the loader
 * model's verdict through verify.c, below), flushed when it replaces a
 * file, then renamed into place.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "module.h"
#include "verify.h"

static int
write_all(int fd, const unsigned char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (-1);
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Adds one section with its planned header and contents. */
static int
add_section(struct module *m, Elf *e, const struct section *s,
    struct padko_error *err)
{
	GElf_Shdr shdr;
	Elf_Scn *scn;
	Elf_Data *d;

	if ((scn = elf_newscn(e)) == NULL)
		return (padko_fail(err, EX_SOFTWARE, "%s: elf_newscn: %s",
		    m->path, elf_errmsg(-1)));
	shdr = s->shdr;
	shdr.sh_addr = s->new_addr;
	shdr.sh_offset = s->new_offset;
	shdr.sh_size = s->new_size;
	if (s->shdr.sh_type != SHT_NOBITS && s->new_size > 0) {
		if ((d = elf_newdata(scn)) == NULL)
			return (padko_fail(err, EX_SOFTWARE,
			    "%s: elf_newdata: %s", m->path, elf_errmsg(-1)));
		d->d_buf = (void *)section_bytes(s);
		d->d_size = s->new_size;
		d->d_type = s->data != NULL && s->new_size == s->shdr.sh_size ?
		    s->data->d_type : ELF_T_BYTE;
		d->d_align = s->data != NULL ? s->data->d_align : 1;
		d->d_off = 0;
		d->d_version = EV_CURRENT;
	}
	if (gelf_update_shdr(scn, &shdr) == 0)
		return (padko_fail(err, EX_SOFTWARE,
		    "%s: gelf_update_shdr: %s", m->path, elf_errmsg(-1)));
	return (0);
}

/* Writes the module's new image (or its unchanged bytes) to fd. */
static int
write_image(struct module *m, int fd, struct padko_error *err)
{
	GElf_Ehdr ehdr;
	Elf *e;
	size_t i;
	int rc;

	if (!m->changed && m->debuglink == NULL) {
		if (write_all(fd, m->file.bytes, m->file.size) != 0)
			return (padko_fail(err, EX_IOERR, "%s: write: %s",
			    m->path, strerror(errno)));
		return (0);
	}
	if ((e = elf_begin(fd, ELF_C_WRITE, NULL)) == NULL)
		return (padko_fail(err, EX_SOFTWARE, "%s: elf_begin: %s",
		    m->path, elf_errmsg(-1)));
	rc = -1;
	if (gelf_newehdr(e, ELFCLASS32) == NULL) {
		padko_fail(err, EX_SOFTWARE, "%s: gelf_newehdr: %s", m->path,
		    elf_errmsg(-1));
		goto out;
	}
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	ehdr = m->ehdr;
	ehdr.e_shoff = m->new_shoff;
	ehdr.e_phoff = m->new_phoff;
	if (gelf_update_ehdr(e, &ehdr) == 0 ||
	    gelf_newphdr(e, m->nphdrs) == NULL) {
		padko_fail(err, EX_SOFTWARE, "%s: ELF header: %s", m->path,
		    elf_errmsg(-1));
		goto out;
	}
	for (i = 0; i < m->nphdrs; i++)
		if (gelf_update_phdr(e, (int)i, &m->new_phdrs[i]) == 0) {
			padko_fail(err, EX_SOFTWARE, "%s: program header: %s",
			    m->path, elf_errmsg(-1));
			goto out;
		}
	for (i = 1; i < m->nsections; i++)
		if (add_section(m, e, &m->sections[i], err) != 0)
			goto out;
	/* Section 0 and the header were replaced by libelf's own. */
	if (gelf_update_ehdr(e, &ehdr) == 0) {
		padko_fail(err, EX_SOFTWARE, "%s: ELF header: %s", m->path,
		    elf_errmsg(-1));
		goto out;
	}
	if (elf_update(e, ELF_C_WRITE) < 0) {
		padko_fail(err, EX_SOFTWARE, "%s: writing: %s", m->path,
		    elf_errmsg(-1));
		goto out;
	}
	rc = 0;
out:
	elf_end(e);
	return (rc);
}

/*
 * Checks what was written: every set that was to be padded ends in the
 * padding word, and the loader model of a current kernel accepts the
 * file (verify.c).  A failure here is padko's own bug.  (Its structure is not read
 * again as a module: the tests do that, and it would cost as much as
 * reading the input did.)
 */
static int
check_written(struct module *m, int fd, const char *target,
    struct padko_error *err)
{
	struct padko_verify_report vr;
	struct file_image w;
	const struct section *s;
	char why[sizeof(vr.message)];
	uint64_t end;
	int k, rc;

	/* The input's pages are not needed while the output is checked. */
	file_image_rest(&m->file);
	if (file_image_read(fd, &w) != 0)
		return (padko_fail(err, EX_IOERR, "%s: reading back: %s",
		    target, strerror(errno)));
	rc = 0;
	for (k = 0; rc == 0 && k < PADKO_NSET_KINDS; k++) {
		s = m->sets[k].sec;
		if (s == NULL ||
		    m->sets[k].report.state < PADKO_SET_PAD_IN_PLACE)
			continue;
		end = s->new_offset + s->new_size;
		if (s->new_size < PADKO_PAD_SIZE || end > w.size ||
		    le32_read(w.bytes + end - PADKO_PAD_SIZE) !=
		    PADKO_PAD_WORD)
			rc = padko_fail(err, EX_SOFTWARE,
			    "%s: internal error: %s of the written file does "
			    "not end in the padding word", m->path,
			    padko_set_name((enum padko_set_kind)k));
	}
	/*
	 * A current kernel must load the output, unless an old one would
	 * not have loaded the input either (asked only then: it costs a
	 * second load of the whole module).
	 */
	if (rc == 0 && verify_image(m->path, w.bytes, w.size,
	    PADKO_KERNEL_CURRENT, true, &vr, err) != 0)
		rc = -1;
	else if (rc == 0 && !vr.accepted) {
		snprintf(why, sizeof(why), "%s", vr.message);
		if (verify_image(m->path, m->file.bytes, m->file.size,
		    PADKO_KERNEL_LEGACY, true, &vr, err) == 0 && vr.accepted)
			rc = padko_fail(err, EX_SOFTWARE, "%s: internal error: "
			    "the kernel would refuse the padded module: %s",
			    m->path, why);
	}
	if (rc != 0 && err->code != EX_OSERR && err->code != EX_IOERR)
		err->code = EX_SOFTWARE;
	file_image_release(&w);
	return (rc);
}

/*
 * Writes the result to fd and, when fd is a regular file that can be read
 * back, checks what was written (target names it in messages).
 */
static int
write_checked(struct module *m, int fd, const char *target,
    struct padko_error *err)
{
	struct stat st;

	if (write_image(m, fd, err) != 0)
		return (-1);
	if (!m->changed || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return (0);
	return (check_written(m, fd, target, err));
}

int
output_write_fd(struct module *m, int fd, struct padko_error *err)
{

	return (write_checked(m, fd, m->path, err));
}

int
output_write_path(struct module *m, const char *path, const struct stat *like,
    struct padko_error *err)
{
	struct stat st;
	char *tmp, *slash;
	size_t len;
	int fd;
	bool replacing;

	/*
	 * A file that replaces another is flushed before the rename, so
	 * that a crash leaves the old file or the new one, never an empty
	 * one under the old name.  A new file has nothing to lose, and is
	 * left to the system's writeback like any other build output.
	 */
	replacing = lstat(path, &st) == 0;
	len = strlen(path) + sizeof("/.padko.XXXXXX");
	if ((tmp = malloc(len)) == NULL)
		return (padko_fail(err, EX_OSERR, "out of memory"));
	if ((slash = strrchr(path, '/')) != NULL)
		snprintf(tmp, len, "%.*s/.padko.XXXXXX", (int)(slash - path),
		    path);
	else
		snprintf(tmp, len, ".padko.XXXXXX");
	if ((fd = mkstemp(tmp)) < 0) {
		padko_fail(err, EX_CANTCREAT, "%s: cannot create a temporary "
		    "file beside it: %s", path, strerror(errno));
		free(tmp);
		return (-1);
	}
	if (fchmod(fd, like->st_mode & 07777) != 0) {
		padko_fail(err, EX_CANTCREAT, "%s: chmod: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	/* Keep the owner where we may (as root); elsewhere the file is ours. */
	if (geteuid() == 0 && fchown(fd, like->st_uid, like->st_gid) != 0) {
		padko_fail(err, EX_CANTCREAT, "%s: chown: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	if (write_checked(m, fd, path, err) != 0)
		goto fail;
	if (replacing && fsync(fd) != 0) {
		padko_fail(err, EX_IOERR, "%s: fsync: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		padko_fail(err, EX_IOERR, "%s: close: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		padko_fail(err, EX_CANTCREAT, "%s: rename: %s", path,
		    strerror(errno));
		goto fail;
	}
	free(tmp);
	return (0);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return (-1);
}
