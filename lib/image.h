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
 * Memory for whole files and bulk contents (image.c): a module's file
 * read from a path or a descriptor, the blocks that hold a loaded image
 * (the loader model) or rewritten sections (rewrite.c).  Below every
 * stage: it knows bytes, not ELF.
 */
#ifndef PADKO_IMAGE_H
#define PADKO_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "padko.h"

/* A whole file in memory. */
struct file_image {
	unsigned char	*bytes;
	size_t		 size;
	bool		 mapped;	/* by mmap, else malloc'd */
};

/*
 * Memory for the rewritten sections: one block from bulk_alloc(), handed
 * out in order and released at once.
 */
struct out_arena {
	unsigned char	*base;
	size_t		 size;
	size_t		 used;
	bool		 mapped;	/* by mmap, else malloc'd */
};

int	file_image_open(const char *path, struct file_image *img,
	    struct padko_error *err);
int	file_image_read(int fd, struct file_image *img);
void	file_image_rest(struct file_image *img);
void	file_image_release(struct file_image *img);
void	*bulk_alloc(size_t size, bool *mapped);
void	bulk_free(void *p, size_t size, bool mapped);
int	out_arena_reserve(struct out_arena *a, size_t size);
void	*out_arena_alloc(struct out_arena *a, size_t size);
void	out_arena_release(struct out_arena *a);

#endif /* !PADKO_IMAGE_H */
