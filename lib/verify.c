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
 * What a kernel would make of a module image: the loader model (kload.c)
 * run on it, its findings copied into a padko_verify_report.  padko
 * verify asks through padko_verify_file() and padko_verify_memory(); the
 * writer asks whether a current kernel takes what it wrote (output.c).
 * Only bytes come in: like the loader model, this never sees the module
 * that the stages read.
 */

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <gelf.h>

#include "bytes.h"
#include "elfdefs.h"
#include "image.h"
#include "kload.h"
#include "verify.h"

/*
 * padko_verify_memory(); with accept_only, only whether the kernel takes
 * the module (kload.h): no image is made, and the counts of the report
 * stay 0.
 */
int
verify_image(const char *name, const void *image, size_t size,
    enum padko_kernel kernel, bool accept_only,
    struct padko_verify_report *r, struct padko_error *err)
{
	struct kload k;
	int i, rc;

	memset(r, 0, sizeof(*r));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return (padko_fail(err, EX_SOFTWARE, "libelf: %s",
		    elf_errmsg(-1)));
	if (size >= sizeof(Elf32_Ehdr) &&
	    memcmp(image, PADKO_ELFMAG, PADKO_SELFMAG) == 0 &&
	    ((const unsigned char *)image)[EI_CLASS] == ELFCLASS64)
		return (padko_fail(err, EX_DATAERR, "%s: a 64-bit module: the "
		    "i386 loader model does not apply", name));
	memset(&k, 0, sizeof(k));
	k.kernel = kernel;
	k.base = KLOAD_DEFAULT_BASE;
	k.set_dest[PADKO_SET_PCPU] = KLOAD_DEFAULT_PCPU;
	k.set_dest[PADKO_SET_VNET] = KLOAD_DEFAULT_VNET;
	k.resolve = kload_resolve_any;
	k.accept_only = accept_only;
	rc = kload_run(&k, image, size, name, err);
	if (rc == 0) {
		r->accepted = k.accepted;
		snprintf(r->message, sizeof(r->message), "%s", k.message);
		for (i = 0; i < PADKO_NSET_KINDS; i++) {
			r->sets[i].present = k.sets[i].present;
			r->sets[i].start = k.sets[i].start - k.relocbase;
			r->sets[i].stop = k.sets[i].stop - k.relocbase;
			r->sets[i].last_word = k.sets[i].last_word;
			r->sets[i].relocated = k.sets[i].relocated;
		}
		r->relative_moved = k.relative_moved;
		r->relative_at_end = k.relative_at_end;
	}
	kload_free(&k);
	return (rc);
}

int
padko_verify_memory(const char *name, const void *image, size_t size,
    enum padko_kernel kernel, struct padko_verify_report *r,
    struct padko_error *err)
{

	return (verify_image(name, image, size, kernel, false, r, err));
}

int
padko_verify_file(const char *path, enum padko_kernel kernel,
    struct padko_verify_report *r, struct padko_error *err)
{
	struct file_image img;
	int rc;

	if (file_image_open(path, &img, err) != 0)
		return (-1);
	rc = padko_verify_memory(path, img.bytes, img.size, kernel, r, err);
	file_image_release(&img);
	return (rc);
}
