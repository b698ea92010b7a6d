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
 * failrename.so: an LD_PRELOAD shim for the tests of interrupted writes.
 * rename(2) fails with EIO, or, with PADKO_TEST_KILL set, the process is
 * killed right there: between writing the temporary file and renaming it.
 * With PADKO_TEST_RENAME_SUFFIX set, only a rename to a name that ends so
 * fails (the others are done), to interrupt a write of several files
 * between two renames.
 */

#define _GNU_SOURCE		/* RTLD_NEXT */

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
rename(const char *from, const char *to)
{
	int (*real)(const char *, const char *);
	const char *suffix;
	size_t n, m;

	suffix = getenv("PADKO_TEST_RENAME_SUFFIX");
	if (suffix != NULL) {
		n = strlen(to);
		m = strlen(suffix);
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT,
		    "rename");
		if (real != NULL && (n < m || strcmp(to + n - m, suffix) != 0))
			return (real(from, to));
	}
	if (getenv("PADKO_TEST_KILL") != NULL)
		raise(SIGKILL);
	errno = EIO;
	return (-1);
}
