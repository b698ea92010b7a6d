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
 * padko's own names for the ELF constants that not every libelf's headers
 * define.  glibc's <elf.h> (which elfutils' <gelf.h> includes) has them
 * all; elftoolchain's <sys/elfdefinitions.h> lacks ELFMAG and SELFMAG and
 * spells R_386_JMP_SLOT as R_386_JUMP_SLOT; FreeBSD's <sys/elf_common.h>
 * lacks R_386_16.  The values are those of the ELF and i386 psABI
 * specifications, so padko builds the same against any of them.
 */
#ifndef PADKO_ELFDEFS_H
#define PADKO_ELFDEFS_H

#define	PADKO_ELFMAG		"\177ELF"	/* e_ident[EI_MAG0..EI_MAG3] */
#define	PADKO_SELFMAG		4		/* its length */

#define	PADKO_R_386_JMP_SLOT	7		/* PLT entry */
#define	PADKO_R_386_16		20		/* direct 16 bit */

#endif /* !PADKO_ELFDEFS_H */
