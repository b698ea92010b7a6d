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
 * Memory for whole files and bulk contents, and the one way the library
 * reads a module's file (file_image_open()).  Below every stage and the
 * loader model: it knows bytes, not ELF.
 *
 * Reading a whole file into memory: a large one is mapped where the
 * system can map it, a small one (or one that cannot be mapped) is read
 * into a buffer.  A mapping costs neither a copy nor a fault per page of a
 * freshly allocated buffer, and only the pages that are looked at are
 * brought in (the system maps the cached pages around each one it faults
 * in, so prefaulting the whole file, MAP_POPULATE, measured slower).  But
 * unmapping stops every other thread of the process to flush its TLB: a
 * batch of small modules spent more time in munmap() than reading them.
 */

/* madvise(), MADV_* and MAP_ANONYMOUS are extensions beyond POSIX. */
#undef _XOPEN_SOURCE
#define	_DEFAULT_SOURCE

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "bytes.h"
#include "image.h"

/* The size of a transparent huge page on x86 and most other systems. */
#define	HUGE_PAGE_SIZE	((size_t)2 << 20)

/* Files from this size up are mapped, smaller ones read. */
#define	IMAGE_MAP_MIN	((size_t)1 << 20)

/* Reads a whole file into a malloc'd buffer. */
static int
read_into_buffer(int fd, size_t size, struct file_image *img)
{
	unsigned char *buf;
	size_t done;
	ssize_t n;

	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return (-1);
	for (done = 0; done < size; done += (size_t)n) {
		n = pread(fd, buf + done, size - done, (off_t)done);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			if (n == 0)
				errno = EIO;	/* shrank while read */
			free(buf);
			return (-1);
		}
	}
	img->bytes = buf;
	img->size = size;
	img->mapped = false;
	return (0);
}

int
file_image_read(int fd, struct file_image *img)
{
	struct stat st;
	void *p;

	img->bytes = NULL;
	img->size = 0;
	img->mapped = false;
	if (fstat(fd, &st) != 0)
		return (-1);
	if (st.st_size < 0 || (uintmax_t)st.st_size > SIZE_MAX) {
		errno = EFBIG;
		return (-1);
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size >= IMAGE_MAP_MIN) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    fd, 0);
		if (p != MAP_FAILED) {
			img->bytes = p;
			img->size = (size_t)st.st_size;
			img->mapped = true;
			return (0);
		}
	}
	return (read_into_buffer(fd, (size_t)st.st_size, img));
}

/*
 * Reads a module's file: the one way the library reads a module (or its
 * debug file) from a path (padko_open(), padko_verify_file(), the debug
 * file of --debug-file).  Only a regular file is read; anything else is
 * refused before it is read.
 */
int
file_image_open(const char *path, struct file_image *img,
    struct padko_error *err)
{
	struct stat st;
	int fd;

	img->bytes = NULL;
	img->size = 0;
	img->mapped = false;
	if ((fd = open(path, O_RDONLY)) < 0)
		return (padko_fail(err, EX_NOINPUT, "%s: %s", path,
		    strerror(errno)));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return (padko_fail(err, EX_NOINPUT, "%s: not a regular file",
		    path));
	}
	if (file_image_read(fd, img) != 0) {
		padko_fail(err, EX_IOERR, "%s: read: %s", path,
		    strerror(errno));
		close(fd);
		return (-1);
	}
	close(fd);
	return (0);
}

/*
 * Lets the system take back the pages of a mapped image that are no
 * longer needed for now: they are read again from the file if they are
 * looked at later.  A buffer that was read keeps its memory.
 */
void
file_image_rest(struct file_image *img)
{

	if (img->mapped)
		(void)madvise(img->bytes, img->size, MADV_DONTNEED);
}

void
file_image_release(struct file_image *img)
{

	if (img->bytes == NULL)
		return;
	if (img->mapped)
		munmap(img->bytes, img->size);
	else
		free(img->bytes);
	img->bytes = NULL;
	img->size = 0;
	img->mapped = false;
}

/*
 * size bytes of zeroed memory for bulk contents (rewritten sections, a
 * loaded image), written from end to end.  On a system with transparent
 * huge pages a large block is aligned to them and asked for them: a fault
 * per 2 MB instead of one per page, which is what filling a few megabytes
 * mostly costs otherwise.  A small one comes from malloc, for the reason
 * small files are not mapped.  *mapped says which, for bulk_free().
 */
void *
bulk_alloc(size_t size, bool *mapped)
{
	unsigned char *map, *base;
	size_t span, page, head;

	*mapped = false;
	if (size < HUGE_PAGE_SIZE)
		return (calloc(1, size > 0 ? size : 1));
	page = (size_t)sysconf(_SC_PAGESIZE);
	size = (size + page - 1) / page * page;
	span = size + HUGE_PAGE_SIZE;
	map = mmap(NULL, span, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return (NULL);
	head = (HUGE_PAGE_SIZE - (uintptr_t)map % HUGE_PAGE_SIZE) %
	    HUGE_PAGE_SIZE;
	base = map + head;
	if (head > 0)
		munmap(map, head);
	if (span - head > size)
		munmap(base + size, span - head - size);
#ifdef MADV_HUGEPAGE
	(void)madvise(base, size, MADV_HUGEPAGE);
#endif
	*mapped = true;
	return (base);
}

void
bulk_free(void *p, size_t size, bool mapped)
{
	size_t page;

	if (p == NULL)
		return;
	if (!mapped) {
		free(p);
		return;
	}
	page = (size_t)sysconf(_SC_PAGESIZE);
	munmap(p, (size + page - 1) / page * page);
}

/* Reserves size bytes of zeroed memory for the rewritten sections. */
int
out_arena_reserve(struct out_arena *a, size_t size)
{

	if ((a->base = bulk_alloc(size, &a->mapped)) == NULL)
		return (-1);
	a->size = size;
	a->used = 0;
	return (0);
}

/* Hands out the next size bytes of the arena, or NULL if it is full. */
void *
out_arena_alloc(struct out_arena *a, size_t size)
{
	size_t at;

	at = (a->used + 15) & ~(size_t)15;
	if (a->base == NULL || at > a->size || size > a->size - at)
		return (NULL);
	a->used = at + size;
	return (a->base + at);
}

void
out_arena_release(struct out_arena *a)
{

	bulk_free(a->base, a->size, a->mapped);
	a->base = NULL;
	a->size = 0;
	a->used = 0;
	a->mapped = false;
}
