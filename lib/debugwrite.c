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
 * Writing a module together with its separate debug file, so that a
 * failure leaves both as they were: each is written to a temporary file
 * beside its target (the module checked as output.c checks it), flushed
 * when it replaces a file, then the debug file is renamed into place and
 * the module after it; if the module's rename fails, the old debug file
 * (kept under a temporary name by a hard link) is put back.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "debugwrite.h"
#include "module.h"

/* A temporary file beside its target. */
struct temp {
	const char	*target;
	char		*path;
	int		 fd;
	bool		 replacing;	/* target exists: flush before rename */
};

/* A new empty file beside target (*fdp open on it); *pathp is malloc'd. */
static int
temp_create(const char *target, char **pathp, int *fdp,
    struct padko_error *err)
{
	const char *slash;
	size_t len;

	len = strlen(target) + sizeof("/.padko.XXXXXX");
	if ((*pathp = malloc(len)) == NULL)
		return (padko_fail(err, EX_OSERR, "out of memory"));
	if ((slash = strrchr(target, '/')) != NULL)
		snprintf(*pathp, len, "%.*s/.padko.XXXXXX",
		    (int)(slash - target), target);
	else
		snprintf(*pathp, len, ".padko.XXXXXX");
	if ((*fdp = mkstemp(*pathp)) < 0) {
		padko_fail(err, EX_CANTCREAT, "%s: cannot create a temporary "
		    "file beside it: %s", target, strerror(errno));
		free(*pathp);
		*pathp = NULL;
		return (-1);
	}
	return (0);
}

/* Creates the temporary file for target, with the mode and owner of like. */
static int
temp_open(struct temp *t, const char *target, const struct stat *like,
    struct padko_error *err)
{
	struct stat st;

	t->target = target;
	t->fd = -1;
	t->replacing = lstat(target, &st) == 0;
	if (temp_create(target, &t->path, &t->fd, err) != 0)
		return (-1);
	if (fchmod(t->fd, like->st_mode & 07777) != 0 ||
	    (geteuid() == 0 && fchown(t->fd, like->st_uid, like->st_gid) != 0))
		return (padko_fail(err, EX_CANTCREAT, "%s: %s", t->path,
		    strerror(errno)));
	return (0);
}

/* Flushes (when replacing) and closes the written temporary file. */
static int
temp_close(struct temp *t, struct padko_error *err)
{
	int fd;

	if (t->replacing && fsync(t->fd) != 0)
		return (padko_fail(err, EX_IOERR, "%s: fsync: %s", t->path,
		    strerror(errno)));
	fd = t->fd;
	t->fd = -1;
	if (close(fd) != 0)
		return (padko_fail(err, EX_IOERR, "%s: close: %s", t->path,
		    strerror(errno)));
	return (0);
}

/* Removes a temporary file that was not renamed. */
static void
temp_discard(struct temp *t)
{

	if (t->fd >= 0)
		close(t->fd);
	if (t->path != NULL)
		unlink(t->path);
	free(t->path);
	t->path = NULL;
	t->fd = -1;
}

static int
write_bytes(struct temp *t, const unsigned char *p, size_t n,
    struct padko_error *err)
{
	ssize_t w;

	while (n > 0) {
		w = write(t->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return (padko_fail(err, EX_IOERR, "%s: write: %s",
			    t->path, strerror(errno)));
		p += w;
		n -= (size_t)w;
	}
	return (0);
}

/*
 * Renames both into place, the debug file first; keeps the old debug
 * file under a temporary name until the module is in place.
 */
static int
commit_both(struct temp *mt, struct temp *dt, struct padko_error *err)
{
	char *keep;
	bool kept;
	int fd;

	kept = false;
	keep = NULL;
	if (dt->replacing) {
		/* A fresh name for the old file: created, then replaced. */
		if (temp_create(dt->target, &keep, &fd, err) != 0)
			return (-1);
		close(fd);
		unlink(keep);
		if (link(dt->target, keep) != 0) {
			padko_fail(err, EX_CANTCREAT, "%s: cannot keep the old "
			    "file while replacing it: %s", dt->target,
			    strerror(errno));
			free(keep);
			return (-1);
		}
		kept = true;
	}
	if (rename(dt->path, dt->target) != 0) {
		padko_fail(err, EX_CANTCREAT, "%s: rename: %s", dt->target,
		    strerror(errno));
		goto fail;
	}
	free(dt->path);
	dt->path = NULL;
	if (rename(mt->path, mt->target) != 0) {
		padko_fail(err, EX_CANTCREAT, "%s: rename: %s", mt->target,
		    strerror(errno));
		if (kept)
			rename(keep, dt->target);
		else
			unlink(dt->target);
		kept = false;
		goto fail;
	}
	free(mt->path);
	mt->path = NULL;
	if (kept)
		unlink(keep);
	free(keep);
	return (0);
fail:
	if (kept)
		unlink(keep);
	free(keep);
	return (-1);
}

int
debugwrite_pair(struct module *m, const char *path, const struct stat *like,
    const struct debug_attach *a, const struct stat *debug_like,
    struct padko_error *err)
{
	struct temp mt, dt;
	int rc;

	memset(&mt, 0, sizeof(mt));
	memset(&dt, 0, sizeof(dt));
	mt.fd = dt.fd = -1;
	rc = -1;
	if (temp_open(&mt, path, like, err) != 0 ||
	    output_write_fd(m, mt.fd, err) != 0 ||
	    temp_close(&mt, err) != 0 ||
	    temp_open(&dt, a->out_path, debug_like, err) != 0 ||
	    write_bytes(&dt, a->bytes, a->size, err) != 0 ||
	    temp_close(&dt, err) != 0)
		goto out;
	rc = commit_both(&mt, &dt, err);
out:
	temp_discard(&mt);
	temp_discard(&dt);
	return (rc);
}
