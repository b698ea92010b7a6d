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
 * Unit tests of the model of the i386 kernel module loader (lib/kload.c),
 * through padko_verify_memory() and, where the mapped image or the
 * relocation results matter, kload_run() itself.  What is expected is
 * what kernel-contract.md says the kernel does: the padding checks of
 * 12.1 and later with their exact messages (none before 12.1), the sets
 * found through DT_HASH, relocaddr()'s half-open [start, stop), and the
 * structural checks of link_elf_load_file().
 *
 * The common layout (addresses are link-time addresses):
 *
 *	segment 0 (R+X, bias 0):	.text	 0x800..0x900
 *	segment 1 (R+W, bias 0x1000):	.dynamic 0x1900..0x1960
 *					.data	 0x1960..0x1980
 *					set_vnet 0x1980.. (if a test adds it)
 *					set_pcpu 0x1a80.. (if a test adds it)
 *					.data2	 0x1c00..0x1c40
 *
 * so a section of segment 1 at address A is at file offset A - 0x1000.
 * kload_run() maps the image at BASE; the per-CPU area is at PCPU_DEST,
 * the per-vnet area at VNET_DEST.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <cmocka.h>

#include "elfdefs.h"
#include "elfgen.h"
#include "kload.h"

#define	MODNAME		"/boot/modules/padko_test.ko"
#define	SHORT_MSG	"Kernel module '" MODNAME "' must be " \
			"recompiled with linker script"
#define	BIAS		0x1000u
#define	AW		(SHF_ALLOC | SHF_WRITE)
#define	AX		(SHF_ALLOC | SHF_EXECINSTR)
#define	PAD		0x90909090u

#define	DYNAMIC		0x1900u
#define	VNET_AT		0x1980u
#define	PCPU_AT		0x1a80u
#define	DATA2		0x1c00u
#define	DATA2_SIZE	0x40u

#define	BASE		0x10000000u
#define	PCPU_DEST	0x20000000u
#define	VNET_DEST	0x30000000u
#define	KFUNC		0xc0ffee00u

#define	EHDR_PHOFF	28
#define	EHDR_SHOFF	32
#define	EHDR_PHNUM	44
#define	EHDR_SHNUM	48
#define	EHDR_SHSTRNDX	50

static const char *const set_section[PADKO_NSET_KINDS] = {
	[PADKO_SET_VNET] = "set_vnet",
	[PADKO_SET_PCPU] = "set_pcpu",
};

static const uint32_t set_addr[PADKO_NSET_KINDS] = {
	[PADKO_SET_VNET] = VNET_AT,
	[PADKO_SET_PCPU] = PCPU_AT,
};

static size_t data2_sec;	/* .data2's section index (start_module()) */

static const uint32_t set_dest[PADKO_NSET_KINDS] = {
	[PADKO_SET_VNET] = VNET_DEST,
	[PADKO_SET_PCPU] = PCPU_DEST,
};

static uint32_t
get32(const unsigned char *p)
{

	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

static void
put32(unsigned char *p, uint32_t v)
{

	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static void
put16(unsigned char *p, uint16_t v)
{

	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

/* Starts the common layout; returns the data segment. */
static int
start_module(struct elfgen *g)
{
	size_t sec;
	int seg;

	sec = eg_section(g, 0, ".text", SHT_PROGBITS, AX, 0x800, 0x100, 16);
	eg_pattern(g, sec, 0x55);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, DYNAMIC, 0x60, 4);
	sec = eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1960, 0x20, 4);
	eg_pattern(g, sec, 0x11);
	data2_sec = eg_section(g, seg, ".data2", SHT_PROGBITS, AW, DATA2,
	    DATA2_SIZE, 4);
	return (seg);
}

/* Adds a set section of size bytes at its address, filled with a pattern. */
static size_t
add_set_section(struct elfgen *g, int seg, enum padko_set_kind kind,
    uint32_t size)
{
	size_t sec;

	sec = eg_section(g, seg, set_section[kind], SHT_PROGBITS, AW,
	    set_addr[kind], size, 4);
	eg_pattern(g, sec, 1 + 0x40 * kind);
	return (sec);
}

/* Adds __start_X/__stop_X to .dynsym as the linkers do: GLOBAL PROTECTED. */
static void
add_set_symbols(struct elfgen *g, enum padko_set_kind kind, uint32_t size,
    size_t sec)
{
	char name[32];

	snprintf(name, sizeof(name), "__start_%s", set_section[kind]);
	eg_symbol(g, EG_DYNSYM, name, set_addr[kind], 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
	snprintf(name, sizeof(name), "__stop_%s", set_section[kind]);
	eg_symbol(g, EG_DYNSYM, name, set_addr[kind] + size, 0, STB_GLOBAL,
	    STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
}

/*
 * Adds a set with its symbols; when size >= 4 and pad is set, the last
 * word is the padding.
 */
static size_t
add_set(struct elfgen *g, int seg, enum padko_set_kind kind, uint32_t size,
    int pad)
{
	size_t sec;

	sec = add_set_section(g, seg, kind, size);
	if (pad && size >= 4)
		eg_put32(g, set_addr[kind] + size - 4, PAD);
	add_set_symbols(g, kind, size, sec);
	return (sec);
}

/* Builds g (and frees it). */
static void
build(struct elfgen *g, unsigned char **imagep, size_t *sizep)
{

	eg_build(g, imagep, sizep);
	eg_free(g);
}

/* Runs padko_verify_memory(), which must not fail as a program. */
static void
verify_image(const unsigned char *image, size_t size,
    enum padko_kernel kernel, struct padko_verify_report *r)
{
	struct padko_error err;

	memset(&err, 0, sizeof(err));
	if (padko_verify_memory(MODNAME, image, size, kernel, r, &err) != 0)
		fail_msg("padko_verify_memory: %s", err.msg);
}

/* Builds g (and frees it) and verifies the image for both kernels. */
static void
verify_both(struct elfgen *g, struct padko_verify_report *cur,
    struct padko_verify_report *leg)
{
	unsigned char *image;
	size_t size;

	build(g, &image, &size);
	verify_image(image, size, PADKO_KERNEL_CURRENT, cur);
	verify_image(image, size, PADKO_KERNEL_LEGACY, leg);
	free(image);
}

static void
assert_accepted(const struct padko_verify_report *r)
{

	if (!r->accepted)
		fail_msg("refused: \"%s\"", r->message);
}

static void
assert_refused(const struct padko_verify_report *r, const char *message)
{

	if (r->accepted)
		fail_msg("accepted, expected \"%s\"", message);
	if (strcmp(r->message, message) != 0)
		fail_msg("message \"%s\", expected \"%s\"", r->message,
		    message);
}

/* Refused with a message that contains what. */
static void
assert_refused_with(const struct padko_verify_report *r, const char *what)
{

	if (r->accepted)
		fail_msg("accepted, expected a refusal naming \"%s\"", what);
	if (strstr(r->message, what) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", r->message,
		    what);
}

/* Resolves "kfunc" to KFUNC and nothing else; counts the calls. */
static int
test_resolver(void *arg, const char *name, uint32_t *value)
{

	(*(int *)arg)++;
	if (strcmp(name, "kfunc") != 0)
		return (-1);
	*value = KFUNC;
	return (0);
}

static int resolver_calls;
static int accept_only_image;	/* the last accept_only load made an image */

/*
 * Loads an image at BASE with the tests' set areas and resolver.  Every
 * load is done a second time with accept_only (no image: what padko's
 * self-check does), which must decide and report the sets alike.
 */
static void
kl_image(const unsigned char *image, size_t size, enum padko_kernel kernel,
    struct kload *k)
{
	struct padko_error err;
	struct kload a;
	int i;

	memset(&a, 0, sizeof(a));
	memset(&err, 0, sizeof(err));
	a.kernel = kernel;
	a.base = BASE;
	a.set_dest[PADKO_SET_PCPU] = PCPU_DEST;
	a.set_dest[PADKO_SET_VNET] = VNET_DEST;
	a.resolve = test_resolver;
	a.resolve_arg = &resolver_calls;
	a.accept_only = 1;
	if (kload_run(&a, image, size, MODNAME, &err) != 0)
		fail_msg("kload_run (accept_only): %s", err.msg);

	memset(k, 0, sizeof(*k));
	memset(&err, 0, sizeof(err));
	k->kernel = kernel;
	k->base = BASE;
	k->set_dest[PADKO_SET_PCPU] = PCPU_DEST;
	k->set_dest[PADKO_SET_VNET] = VNET_DEST;
	resolver_calls = 0;
	k->resolve = test_resolver;
	k->resolve_arg = &resolver_calls;
	if (kload_run(k, image, size, MODNAME, &err) != 0)
		fail_msg("kload_run: %s", err.msg);
	if (a.accepted != k->accepted || strcmp(a.message, k->message) != 0)
		fail_msg("accept_only: %s \"%s\", with an image: %s \"%s\"",
		    a.accepted ? "accepted" : "refused", a.message,
		    k->accepted ? "accepted" : "refused", k->message);
	for (i = 0; i < PADKO_NSET_KINDS; i++)
		if (a.sets[i].present != k->sets[i].present ||
		    a.sets[i].relocated != k->sets[i].relocated ||
		    a.sets[i].last_word != k->sets[i].last_word ||
		    a.sets[i].start != k->sets[i].start ||
		    a.sets[i].stop != k->sets[i].stop)
			fail_msg("accept_only: set %d differs", i);
	accept_only_image = a.image != NULL;
	kload_free(&a);
}

/* Builds g (and frees it) and loads it with kl_image(). */
static void
kl(struct elfgen *g, enum padko_kernel kernel, struct kload *k)
{
	unsigned char *image;
	size_t size;

	build(g, &image, &size);
	kl_image(image, size, kernel, k);
	free(image);
}

/* The word at a link-time address of the mapped image. */
static uint32_t
mapped(const struct kload *k, uint32_t addr)
{

	if (k->image == NULL || addr < k->vaddr ||
	    (uint64_t)(addr - k->vaddr) + 4 > k->size)
		fail_msg("%#x is not in the mapped image", addr);
	return (get32(k->image + (addr - k->vaddr)));
}

static void
assert_word(const struct kload *k, uint32_t addr, uint32_t expected)
{
	uint32_t v;

	v = mapped(k, addr);
	if (v != expected)
		fail_msg("word at %#x is %#x, expected %#x", addr, v,
		    expected);
}

/*
 * Sets of 1, 2 and 3 bytes, with __start/__stop exported: shorter than
 * the padding, refused by current kernels with the kernel's message,
 * taken (and copied to their own area) by legacy kernels.
 */
static void
test_short_sets(void **state)
{
	struct padko_verify_report cur, leg;
	struct elfgen *g;
	struct kload k;
	uint32_t size;
	int kind, seg;

	(void)state;
	for (kind = 0; kind < PADKO_NSET_KINDS; kind++) {
		for (size = 1; size <= 3; size++) {
			g = eg_new();
			seg = start_module(g);
			add_set(g, seg, (enum padko_set_kind)kind, size, 0);
			verify_both(g, &cur, &leg);
			assert_refused(&cur, SHORT_MSG);
			assert_true(cur.sets[kind].present);
			assert_false(cur.sets[kind].relocated);
			assert_accepted(&leg);
			assert_true(leg.sets[kind].present);
			assert_true(leg.sets[kind].relocated);
			assert_int_equal(leg.sets[kind].start, set_addr[kind]);
			assert_int_equal(leg.sets[kind].stop,
			    set_addr[kind] + size);

			g = eg_new();
			seg = start_module(g);
			add_set(g, seg, (enum padko_set_kind)kind, size, 0);
			kl(g, PADKO_KERNEL_LEGACY, &k);
			assert_true(k.accepted);
			assert_int_equal(k.sets[kind].size, size);
			assert_int_equal(k.sets[kind].dest, set_dest[kind]);
			kload_free(&k);
		}
	}
}

/*
 * A set whose last word is not the padding: the kernel prints it with
 * "%#04x", which gives "0x12345678" for 0x12345678, "0x05" for 5 and
 * "0000" for 0 (the '#' flag adds no "0x" to zero; the width pads it).
 */
static void
test_invalid_padding(void **state)
{
	static const struct {
		uint32_t	 word;
		const char	*text;
	} cases[] = {
		{ 0x12345678u, "0x12345678" },
		{ 0, "0000" },
		{ 5, "0x05" },
		{ 0x909090u, "0x909090" },
		{ 0x90909091u, "0x90909091" },
	};
	struct padko_verify_report cur, leg;
	struct elfgen *g;
	char expected[256], text[16];
	size_t i;
	int kind, seg;

	(void)state;
	/* The C library formats as the kernel's kvprintf() does. */
	snprintf(text, sizeof(text), "%#04x", 0u);
	assert_string_equal(text, "0000");
	snprintf(text, sizeof(text), "%#04x", 5u);
	assert_string_equal(text, "0x05");

	for (kind = 0; kind < PADKO_NSET_KINDS; kind++) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			g = eg_new();
			seg = start_module(g);
			add_set(g, seg, (enum padko_set_kind)kind, 0x10, 0);
			eg_put32(g, set_addr[kind] + 0xc, cases[i].word);
			verify_both(g, &cur, &leg);
			snprintf(expected, sizeof(expected), "Kernel module "
			    "'%s' must be recompiled with linker script, "
			    "invalid padding %s (0x90909090)", MODNAME,
			    cases[i].text);
			assert_refused(&cur, expected);
			assert_true(cur.sets[kind].present);
			assert_int_equal(cur.sets[kind].last_word,
			    cases[i].word);
			assert_accepted(&leg);
			assert_true(leg.sets[kind].relocated);
		}
	}
}

/* Both sets without padding: set_pcpu is checked first, as in the kernel. */
static void
test_pcpu_checked_first(void **state)
{
	struct padko_verify_report cur, leg;
	struct elfgen *g;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, PADKO_SET_VNET, 0x10, 0);
	eg_put32(g, VNET_AT + 0xc, 0x22222222);
	add_set(g, seg, PADKO_SET_PCPU, 0x10, 0);
	eg_put32(g, PCPU_AT + 0xc, 0x11111111);
	verify_both(g, &cur, &leg);
	assert_refused(&cur, SHORT_MSG ", invalid padding 0x11111111 "
	    "(0x90909090)");
	assert_accepted(&leg);
}

/*
 * A padding-only set (4 bytes, 0x90909090), as FreeBSD's linker script
 * makes in a module without the set: accepted, and not copied to an area
 * of its own by current kernels; legacy kernels copy its 4 bytes.
 */
static void
test_padding_only(void **state)
{
	struct padko_verify_report cur, leg;
	struct elfgen *g;
	struct kload k;
	int kind, seg;

	(void)state;
	for (kind = 0; kind < PADKO_NSET_KINDS; kind++) {
		g = eg_new();
		seg = start_module(g);
		add_set(g, seg, (enum padko_set_kind)kind, 4, 1);
		verify_both(g, &cur, &leg);
		assert_accepted(&cur);
		assert_true(cur.sets[kind].present);
		assert_int_equal(cur.sets[kind].last_word, PAD);
		assert_false(cur.sets[kind].relocated);
		assert_accepted(&leg);
		assert_true(leg.sets[kind].relocated);

		g = eg_new();
		seg = start_module(g);
		add_set(g, seg, (enum padko_set_kind)kind, 4, 1);
		kl(g, PADKO_KERNEL_CURRENT, &k);
		assert_true(k.accepted);
		assert_true(k.sets[kind].present);
		assert_false(k.sets[kind].relocated);
		assert_null(k.sets[kind].init);
		kload_free(&k);
	}
}

/*
 * Padded sets larger than the padding: accepted by both kernels, copied
 * to their areas with their contents as in the file.
 */
static void
test_padded_sets_relocated(void **state)
{
	struct padko_verify_report cur, leg;
	struct elfgen *g;
	struct kload k;
	unsigned char expect[0x20];
	uint32_t i;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, PADKO_SET_VNET, 0x20, 1);
	add_set(g, seg, PADKO_SET_PCPU, 0x10, 1);
	verify_both(g, &cur, &leg);
	assert_accepted(&cur);
	assert_accepted(&leg);
	assert_true(cur.sets[PADKO_SET_VNET].relocated);
	assert_true(cur.sets[PADKO_SET_PCPU].relocated);
	assert_int_equal(cur.sets[PADKO_SET_VNET].start, VNET_AT);
	assert_int_equal(cur.sets[PADKO_SET_VNET].stop, VNET_AT + 0x20);
	assert_int_equal(cur.sets[PADKO_SET_PCPU].start, PCPU_AT);
	assert_int_equal(cur.sets[PADKO_SET_PCPU].stop, PCPU_AT + 0x10);
	assert_int_equal(cur.sets[PADKO_SET_VNET].last_word, PAD);

	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, PADKO_SET_VNET, 0x20, 1);
	add_set(g, seg, PADKO_SET_PCPU, 0x10, 1);
	kl(g, PADKO_KERNEL_CURRENT, &k);
	assert_true(k.accepted);
	assert_int_equal(k.relocbase, BASE);
	assert_int_equal(k.sets[PADKO_SET_VNET].start, BASE + VNET_AT);
	assert_int_equal(k.sets[PADKO_SET_VNET].stop, BASE + VNET_AT + 0x20);
	assert_int_equal(k.sets[PADKO_SET_VNET].size, 0x20);
	assert_int_equal(k.sets[PADKO_SET_VNET].dest, VNET_DEST);
	assert_int_equal(k.sets[PADKO_SET_PCPU].dest, PCPU_DEST);
	for (i = 0; i < 0x1c; i++)
		expect[i] = (unsigned char)(1 + i);
	put32(expect + 0x1c, PAD);
	assert_non_null(k.sets[PADKO_SET_VNET].init);
	assert_memory_equal(k.sets[PADKO_SET_VNET].init, expect, 0x20);
	kload_free(&k);
}

/*
 * __start/__stop that the kernel's lookup does not find: the set is
 * absent, with no error, even though it has no padding, and a reference
 * into it is not moved.
 */
enum absent_how {
	ABSENT_LOCAL,		/* both STB_LOCAL (in .dynsym, DT_HASH) */
	ABSENT_STOP_LOCAL,	/* __start GLOBAL, __stop LOCAL */
	ABSENT_UNDEFINED,	/* both GLOBAL, SHN_UNDEF */
	ABSENT_SYMTAB_ONLY,	/* in .symtab, not in .dynsym */
	ABSENT_NO_STOP,		/* __start only */
	ABSENT_NCASES
};

static void
add_absent_symbols(struct elfgen *g, enum absent_how how, size_t sec)
{
	const uint32_t start = VNET_AT, stop = VNET_AT + 0x10;

	switch (how) {
	case ABSENT_LOCAL:
		eg_symbol(g, EG_DYNSYM, "__start_set_vnet", start, 0,
		    STB_LOCAL, STT_NOTYPE, STV_DEFAULT, (uint16_t)sec);
		eg_symbol(g, EG_DYNSYM, "__stop_set_vnet", stop, 0,
		    STB_LOCAL, STT_NOTYPE, STV_DEFAULT, (uint16_t)sec);
		break;
	case ABSENT_STOP_LOCAL:
		eg_symbol(g, EG_DYNSYM, "__stop_set_vnet", stop, 0,
		    STB_LOCAL, STT_NOTYPE, STV_DEFAULT, (uint16_t)sec);
		eg_symbol(g, EG_DYNSYM, "__start_set_vnet", start, 0,
		    STB_GLOBAL, STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
		break;
	case ABSENT_UNDEFINED:
		eg_symbol(g, EG_DYNSYM, "__start_set_vnet", 0, 0,
		    STB_GLOBAL, STT_NOTYPE, STV_DEFAULT, SHN_UNDEF);
		eg_symbol(g, EG_DYNSYM, "__stop_set_vnet", 0, 0,
		    STB_GLOBAL, STT_NOTYPE, STV_DEFAULT, SHN_UNDEF);
		break;
	case ABSENT_SYMTAB_ONLY:
		eg_symbol(g, EG_SYMTAB, "__start_set_vnet", start, 0,
		    STB_GLOBAL, STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
		eg_symbol(g, EG_SYMTAB, "__stop_set_vnet", stop, 0,
		    STB_GLOBAL, STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
		break;
	case ABSENT_NO_STOP:
		eg_symbol(g, EG_DYNSYM, "__start_set_vnet", start, 0,
		    STB_GLOBAL, STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
		break;
	default:
		fail_msg("no such case %d", how);
	}
}

static void
test_set_symbols_not_found(void **state)
{
	struct padko_verify_report cur, leg;
	struct elfgen *g;
	struct kload k;
	size_t sec;
	int how, seg;

	(void)state;
	for (how = 0; how < ABSENT_NCASES; how++) {
		g = eg_new();
		seg = start_module(g);
		sec = add_set_section(g, seg, PADKO_SET_VNET, 0x10);
		eg_put32(g, VNET_AT + 0xc, 0);
		add_absent_symbols(g, (enum absent_how)how, sec);
		eg_relative(g, DATA2, VNET_AT + 4);
		verify_both(g, &cur, &leg);
		if (!cur.accepted)
			fail_msg("case %d refused: \"%s\"", how, cur.message);
		assert_false(cur.sets[PADKO_SET_VNET].present);
		assert_false(cur.sets[PADKO_SET_VNET].relocated);
		assert_int_equal(cur.relative_moved, 0);
		assert_accepted(&leg);
		assert_false(leg.sets[PADKO_SET_VNET].present);

		g = eg_new();
		seg = start_module(g);
		sec = add_set_section(g, seg, PADKO_SET_VNET, 0x10);
		add_absent_symbols(g, (enum absent_how)how, sec);
		eg_relative(g, DATA2, VNET_AT + 4);
		kl(g, PADKO_KERNEL_CURRENT, &k);
		assert_true(k.accepted);
		assert_word(&k, DATA2, BASE + VNET_AT + 4);
		kload_free(&k);
	}
}

/* An empty set (start == stop) is present and left alone by both. */
static void
test_empty_set(void **state)
{
	struct padko_verify_report cur, leg;
	struct elfgen *g;

	(void)state;
	g = eg_new();
	start_module(g);
	add_set_symbols(g, PADKO_SET_VNET, 0, data2_sec);
	verify_both(g, &cur, &leg);
	assert_accepted(&cur);
	assert_accepted(&leg);
	assert_true(cur.sets[PADKO_SET_VNET].present);
	assert_false(cur.sets[PADKO_SET_VNET].relocated);
	assert_false(leg.sets[PADKO_SET_VNET].relocated);
}

/*
 * R_386_RELATIVE: an addend in [start, stop) of a set goes to
 * dest + (x - start); one equal to stop stays (and is counted as left at
 * the set's end); anything else stays.  The kernel copies a set's
 * contents before relocating: a relocation inside the set changes the
 * module's copy, not the area's initial contents.
 */
static void
add_relative_cases(struct elfgen *g)
{

	eg_relative(g, DATA2 + 0x00, VNET_AT);
	eg_relative(g, DATA2 + 0x04, VNET_AT + 0x10);
	eg_relative(g, DATA2 + 0x08, VNET_AT + 0x1c);
	eg_relative(g, DATA2 + 0x0c, VNET_AT + 0x20);
	eg_relative(g, DATA2 + 0x10, VNET_AT - 4);
	eg_relative(g, DATA2 + 0x14, PCPU_AT);
	eg_relative(g, DATA2 + 0x18, PCPU_AT + 4);
	eg_relative(g, DATA2 + 0x1c, PCPU_AT + 0x10);
	eg_relative(g, DATA2 + 0x20, 0x800);
	eg_relative(g, VNET_AT + 4, DATA2 + 0x30);
}

static void
test_relative_half_open(void **state)
{
	struct padko_verify_report cur, leg;
	struct elfgen *g;
	struct kload k;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, PADKO_SET_VNET, 0x20, 1);
	add_set(g, seg, PADKO_SET_PCPU, 0x10, 1);
	add_relative_cases(g);
	kl(g, PADKO_KERNEL_CURRENT, &k);
	assert_true(k.accepted);
	assert_word(&k, DATA2 + 0x00, VNET_DEST);
	assert_word(&k, DATA2 + 0x04, VNET_DEST + 0x10);
	assert_word(&k, DATA2 + 0x08, VNET_DEST + 0x1c);
	assert_word(&k, DATA2 + 0x0c, BASE + VNET_AT + 0x20);
	assert_word(&k, DATA2 + 0x10, BASE + VNET_AT - 4);
	assert_word(&k, DATA2 + 0x14, PCPU_DEST);
	assert_word(&k, DATA2 + 0x18, PCPU_DEST + 4);
	assert_word(&k, DATA2 + 0x1c, BASE + PCPU_AT + 0x10);
	assert_word(&k, DATA2 + 0x20, BASE + 0x800);
	assert_word(&k, VNET_AT + 4, BASE + DATA2 + 0x30);
	assert_int_equal(get32(k.sets[PADKO_SET_VNET].init + 4),
	    DATA2 + 0x30);
	assert_int_equal(k.relative_moved, 5);
	assert_int_equal(k.relative_at_end, 2);
	kload_free(&k);

	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, PADKO_SET_VNET, 0x20, 1);
	add_set(g, seg, PADKO_SET_PCPU, 0x10, 1);
	add_relative_cases(g);
	verify_both(g, &cur, &leg);
	assert_accepted(&cur);
	assert_accepted(&leg);
	assert_int_equal(cur.relative_moved, 5);
	assert_int_equal(cur.relative_at_end, 2);
	assert_int_equal(leg.relative_moved, 5);
	assert_int_equal(leg.relative_at_end, 2);
}

/*
 * The bug the padding fixes: in a set of 0x10 bytes without padding, a
 * reference one past its last object (0x1990) equals stop and is not
 * moved (legacy kernels load this module, and the access faults).  With
 * the padding after the object, the same reference is inside the set
 * and moves with it.
 */
static void
test_end_of_object(void **state)
{
	struct elfgen *g;
	struct kload k;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, PADKO_SET_VNET, 0x10, 0);
	eg_relative(g, DATA2, VNET_AT + 0x10);
	kl(g, PADKO_KERNEL_LEGACY, &k);
	assert_true(k.accepted);
	assert_word(&k, DATA2, BASE + VNET_AT + 0x10);
	assert_int_equal(k.relative_moved, 0);
	assert_int_equal(k.relative_at_end, 1);
	kload_free(&k);

	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, PADKO_SET_VNET, 0x14, 1);
	eg_relative(g, DATA2, VNET_AT + 0x10);
	kl(g, PADKO_KERNEL_CURRENT, &k);
	assert_true(k.accepted);
	assert_word(&k, DATA2, VNET_DEST + 0x10);
	assert_int_equal(k.relative_moved, 1);
	assert_int_equal(k.relative_at_end, 0);
	kload_free(&k);
}

/*
 * Symbol-based relocations: S is moved into the area when it lies in a
 * set ([start, stop) again), then the addend is added; a local symbol is
 * taken as it is (elf_lookup() does not look it up); an undefined one
 * comes from the resolver (the kernel); a weak undefined one the
 * resolver does not know is 0.
 */
struct sym_module {
	size_t	lvar, start, stop, gvar, kfunc, gdata, wfunc;
};

static void
sym_module(struct elfgen *g, struct sym_module *s)
{
	size_t sec;
	int seg;

	seg = start_module(g);
	sec = add_set_section(g, seg, PADKO_SET_VNET, 0x20);
	eg_put32(g, VNET_AT + 0x1c, PAD);
	s->lvar = eg_symbol(g, EG_DYNSYM, "lvar", VNET_AT + 8, 4, STB_LOCAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)sec);
	s->start = eg_symbol(g, EG_DYNSYM, "__start_set_vnet", VNET_AT, 0,
	    STB_GLOBAL, STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
	s->stop = eg_symbol(g, EG_DYNSYM, "__stop_set_vnet", VNET_AT + 0x20,
	    0, STB_GLOBAL, STT_NOTYPE, STV_PROTECTED, (uint16_t)sec);
	s->gvar = eg_symbol(g, EG_DYNSYM, "gvar", VNET_AT + 8, 4, STB_GLOBAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)sec);
	s->kfunc = eg_symbol(g, EG_DYNSYM, "kfunc", 0, 0, STB_GLOBAL,
	    STT_FUNC, STV_DEFAULT, SHN_UNDEF);
	s->gdata = eg_symbol(g, EG_DYNSYM, "gdata", DATA2 + 0x30, 4,
	    STB_GLOBAL, STT_OBJECT, STV_DEFAULT, (uint16_t)data2_sec);
	s->wfunc = eg_symbol(g, EG_DYNSYM, "wfunc", 0, 0, STB_WEAK,
	    STT_FUNC, STV_DEFAULT, SHN_UNDEF);
}

/* Adds a relocation of type against sym at addr, with addend in place. */
static void
add_rel(struct elfgen *g, uint32_t addr, unsigned type, size_t sym,
    uint32_t addend)
{

	eg_put32(g, addr, addend);
	eg_rel(g, addr, type, sym);
}

static void
test_symbol_relocations(void **state)
{
	struct sym_module s;
	struct elfgen *g;
	struct kload k;

	(void)state;
	g = eg_new();
	sym_module(g, &s);
	add_rel(g, DATA2 + 0x00, R_386_32, s.gvar, 4);
	add_rel(g, DATA2 + 0x04, R_386_32, s.lvar, 0);
	add_rel(g, DATA2 + 0x08, R_386_32, s.kfunc, 0);
	add_rel(g, DATA2 + 0x0c, R_386_PC32, s.kfunc, 0xfffffffcu);
	add_rel(g, DATA2 + 0x10, R_386_PC32, s.gvar, 0);
	add_rel(g, DATA2 + 0x14, R_386_32, s.stop, 0);
	add_rel(g, DATA2 + 0x18, R_386_32, s.start, 0);
	add_rel(g, DATA2 + 0x1c, R_386_GLOB_DAT, s.gdata, 0x55555555u);
	add_rel(g, DATA2 + 0x20, R_386_NONE, 0, 0x12345678u);
	add_rel(g, DATA2 + 0x24, R_386_32, s.wfunc, 8);
	add_rel(g, DATA2 + 0x28, R_386_32, s.stop, 0xfffffffcu);
	add_rel(g, DATA2 + 0x2c, R_386_32, s.gvar, 0x18);
	kl(g, PADKO_KERNEL_CURRENT, &k);
	if (!k.accepted)
		fail_msg("refused: %s", k.message);
	assert_true(k.sets[PADKO_SET_VNET].relocated);
	/* In the set: moved, then + A. */
	assert_word(&k, DATA2 + 0x00, VNET_DEST + 8 + 4);
	/* Local: as it is, not moved. */
	assert_word(&k, DATA2 + 0x04, BASE + VNET_AT + 8);
	/* The kernel's symbol, S + A and S + A - P. */
	assert_word(&k, DATA2 + 0x08, KFUNC);
	assert_word(&k, DATA2 + 0x0c, KFUNC - 4 - (BASE + DATA2 + 0x0c));
	assert_word(&k, DATA2 + 0x10, VNET_DEST + 8 - (BASE + DATA2 + 0x10));
	/* __stop is not < stop: not moved; __start is. */
	assert_word(&k, DATA2 + 0x14, BASE + VNET_AT + 0x20);
	assert_word(&k, DATA2 + 0x18, VNET_DEST);
	/* GLOB_DAT is S: the in-place word is not an addend. */
	assert_word(&k, DATA2 + 0x1c, BASE + DATA2 + 0x30);
	assert_word(&k, DATA2 + 0x20, 0x12345678u);
	/* Weak and unresolved: 0 + A. */
	assert_word(&k, DATA2 + 0x24, 8);
	/* S is tested, not S + A. */
	assert_word(&k, DATA2 + 0x28, BASE + VNET_AT + 0x1c);
	assert_word(&k, DATA2 + 0x2c, VNET_DEST + 8 + 0x18);
	assert_int_equal(k.relative_moved, 0);
	assert_int_equal(k.relative_at_end, 0);
	/* Asked once per symbol: kfunc (used twice) and wfunc. */
	assert_int_equal(resolver_calls, 2);
	/* Everything lay in the file: no image without need. */
	assert_false(accept_only_image);
	kload_free(&k);
}

/*
 * A relocation in a segment's zero-filled tail (.bss): its place is not in
 * the file, so an accept_only load makes an image after all, and decides
 * alike (kl_image() compares).
 */
static void
test_accept_only_needs_image(void **state)
{
	struct elfgen *g;
	struct kload k;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	eg_section(g, seg, ".bss", SHT_NOBITS, AW, DATA2 + DATA2_SIZE, 0x20, 4);
	eg_rel(g, DATA2 + DATA2_SIZE + 8, R_386_RELATIVE, 0);
	kl(g, PADKO_KERNEL_CURRENT, &k);
	if (!k.accepted)
		fail_msg("refused: %s", k.message);
	assert_true(accept_only_image);
	assert_word(&k, DATA2 + DATA2_SIZE + 8, k.relocbase);
	kload_free(&k);
}

/* An undefined symbol the resolver does not know: refused. */
static void
test_undefined_symbol(void **state)
{
	struct sym_module s;
	struct padko_error err;
	struct elfgen *g;
	struct kload k;
	unsigned char *image;
	size_t size, sym;

	(void)state;
	g = eg_new();
	sym_module(g, &s);
	add_rel(g, DATA2, R_386_32, s.kfunc, 0);
	build(g, &image, &size);

	/* No resolver at all. */
	memset(&k, 0, sizeof(k));
	memset(&err, 0, sizeof(err));
	k.kernel = PADKO_KERNEL_CURRENT;
	k.base = BASE;
	k.set_dest[PADKO_SET_VNET] = VNET_DEST;
	assert_int_equal(kload_run(&k, image, size, MODNAME, &err), 0);
	assert_false(k.accepted);
	if (strstr(k.message, "undefined") == NULL)
		fail_msg("message \"%s\" does not say undefined", k.message);
	kload_free(&k);
	free(image);

	/* A resolver that knows "kfunc" only. */
	g = eg_new();
	sym_module(g, &s);
	add_rel(g, DATA2, R_386_32, s.kfunc, 0);
	sym = eg_symbol(g, EG_DYNSYM, "kother", 0, 0, STB_GLOBAL, STT_FUNC,
	    STV_DEFAULT, SHN_UNDEF);
	add_rel(g, DATA2 + 4, R_386_PC32, sym, 0);
	kl(g, PADKO_KERNEL_CURRENT, &k);
	assert_false(k.accepted);
	if (strstr(k.message, "undefined") == NULL)
		fail_msg("message \"%s\" does not say undefined", k.message);
	kload_free(&k);
}

/*
 * Relocation types the kernel does not take: refused with its message
 * "kldload: unexpected relocation type N, symbol index M", by both
 * kernels; R_386_COPY refused as well.
 */
static void
test_unexpected_relocation_type(void **state)
{
	static const struct {
		unsigned	 type;
		int		 sym;	/* 1: gdata's index, 0: none */
	} cases[] = {
		{ R_386_GOTPC, 1 },
		{ PADKO_R_386_16, 0 },
		{ R_386_TLS_TPOFF, 1 },
		{ 200, 0 },
	};
	struct padko_verify_report cur, leg;
	struct sym_module s;
	struct elfgen *g;
	char expected[128];
	size_t i, sym;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		g = eg_new();
		sym_module(g, &s);
		sym = cases[i].sym ? s.gdata : 0;
		add_rel(g, DATA2, cases[i].type, sym, 0);
		verify_both(g, &cur, &leg);
		snprintf(expected, sizeof(expected), "kldload: unexpected "
		    "relocation type %u, symbol index %zu", cases[i].type,
		    sym);
		assert_refused(&cur, expected);
		assert_refused(&leg, expected);
	}

	g = eg_new();
	sym_module(g, &s);
	add_rel(g, DATA2, R_386_COPY, s.gdata, 0);
	verify_both(g, &cur, &leg);
	assert_refused_with(&cur, "COPY");
	assert_refused_with(&leg, "COPY");
}

/*
 * The other relocation tables: DT_RELA (explicit addends; the word in
 * place is not read) and DT_JMPREL, as REL or as RELA (DT_PLTREL).
 * Own layout: .dynamic 0x1900..0x1980 (16 entries), set_vnet 0x1980
 * (0x20 bytes, padded), the tables in .relx at 0x1b00, .data2 as usual.
 */
static void
rela_module(struct elfgen *g, int plt_rela)
{
	unsigned char t[0x60];
	size_t gvar, relx, sec;
	int seg;

	sec = eg_section(g, 0, ".text", SHT_PROGBITS, AX, 0x800, 0x100, 16);
	eg_pattern(g, sec, 0x55);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".dynamic", SHT_DYNAMIC, AW, DYNAMIC, 0x80, 4);
	sec = add_set(g, seg, PADKO_SET_VNET, 0x20, 1);
	relx = eg_section(g, seg, ".relx", SHT_PROGBITS, SHF_ALLOC, 0x1b00,
	    sizeof(t), 4);
	eg_section(g, seg, ".data2", SHT_PROGBITS, AW, DATA2, DATA2_SIZE, 4);
	gvar = eg_symbol(g, EG_DYNSYM, "gvar", VNET_AT + 8, 4, STB_GLOBAL,
	    STT_OBJECT, STV_DEFAULT, (uint16_t)sec);

	memset(t, 0, sizeof(t));
	/* DT_RELA at 0x1b00: three entries. */
	put32(t + 0x00, DATA2 + 0x00);
	put32(t + 0x04, ELF32_R_INFO(0, R_386_RELATIVE));
	put32(t + 0x08, VNET_AT + 4);
	put32(t + 0x0c, DATA2 + 0x04);
	put32(t + 0x10, ELF32_R_INFO(0, R_386_RELATIVE));
	put32(t + 0x14, VNET_AT + 0x20);
	put32(t + 0x18, DATA2 + 0x08);
	put32(t + 0x1c, ELF32_R_INFO((uint32_t)gvar, R_386_32));
	put32(t + 0x20, 4);
	/* DT_JMPREL at 0x1b40: one entry. */
	put32(t + 0x40, DATA2 + 0x0c);
	put32(t + 0x44, ELF32_R_INFO((uint32_t)gvar, R_386_32));
	put32(t + 0x48, 8);
	eg_fill(g, relx, 0, t, sizeof(t));
	eg_put32(g, DATA2 + 0x00, 0xdeadbeefu);
	eg_put32(g, DATA2 + 0x04, 0xdeadbeefu);
	eg_put32(g, DATA2 + 0x08, 0xdeadbeefu);
	eg_put32(g, DATA2 + 0x0c, plt_rela ? 0xdeadbeefu : 8);
	eg_dynamic(g, DT_RELA, 0x1b00);
	eg_dynamic(g, DT_RELASZ, 0x24);
	eg_dynamic(g, DT_RELAENT, 12);
	eg_dynamic(g, DT_JMPREL, 0x1b40);
	eg_dynamic(g, DT_PLTRELSZ, plt_rela ? 12 : 8);
	eg_dynamic(g, DT_PLTREL, plt_rela ? DT_RELA : DT_REL);
}

static void
test_rela_and_jmprel(void **state)
{
	struct elfgen *g;
	struct kload k;
	int plt_rela;

	(void)state;
	for (plt_rela = 0; plt_rela <= 1; plt_rela++) {
		g = eg_new();
		rela_module(g, plt_rela);
		kl(g, PADKO_KERNEL_CURRENT, &k);
		if (!k.accepted)
			fail_msg("refused: %s", k.message);
		assert_int_equal(k.plt_is_rela, plt_rela);
		assert_word(&k, DATA2 + 0x00, VNET_DEST + 4);
		assert_word(&k, DATA2 + 0x04, BASE + VNET_AT + 0x20);
		assert_word(&k, DATA2 + 0x08, VNET_DEST + 8 + 4);
		assert_word(&k, DATA2 + 0x0c, VNET_DEST + 8 + 8);
		assert_int_equal(k.relative_moved, 1);
		assert_int_equal(k.relative_at_end, 1);
		kload_free(&k);
	}
}

/* Adds segments 2.. so that the module has nload PT_LOADs (3 to 5). */
static void
add_loads(struct elfgen *g, int nload)
{
	char name[16];
	int i, seg;

	for (i = 2; i < nload; i++) {
		seg = eg_load(g, PF_R | PF_W, 0x1000, 0x2000);
		snprintf(name, sizeof(name), ".seg%d", i);
		eg_section(g, seg, name, SHT_PROGBITS, AW,
		    0x1000u * (uint32_t)i + 0x2000, 0x10, 4);
	}
}

/* At most 4 PT_LOAD (MAXSEGS): a fifth is "Too many sections". */
static void
test_too_many_loads(void **state)
{
	struct padko_verify_report cur, leg;
	struct elfgen *g;
	int seg;

	(void)state;
	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, PADKO_SET_VNET, 0x10, 1);
	add_loads(g, 4);
	verify_both(g, &cur, &leg);
	assert_accepted(&cur);
	assert_accepted(&leg);

	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, PADKO_SET_VNET, 0x10, 1);
	add_loads(g, 5);
	verify_both(g, &cur, &leg);
	assert_refused(&cur, "Too many sections");
	assert_refused(&leg, "Too many sections");
}

/* No PT_DYNAMIC: "Object is not dynamically-linked". */
static void
test_no_dynamic(void **state)
{
	struct padko_verify_report cur, leg;
	struct elfgen *g;
	size_t sec;
	int seg;

	(void)state;
	g = eg_new();
	sec = eg_section(g, 0, ".text", SHT_PROGBITS, AX, 0x800, 0x100, 16);
	eg_pattern(g, sec, 0x55);
	seg = eg_load(g, PF_R | PF_W, 0x1000, BIAS);
	eg_section(g, seg, ".data", SHT_PROGBITS, AW, 0x1960, 0x20, 4);
	verify_both(g, &cur, &leg);
	assert_refused(&cur, "Object is not dynamically-linked");
	assert_refused(&leg, "Object is not dynamically-linked");
}

/* Not EM_386: "Unsupported machine". */
static void
test_wrong_machine(void **state)
{
	static const unsigned machines[] = { EM_X86_64, EM_ARM, EM_NONE };
	struct padko_verify_report cur, leg;
	struct elfgen *g;
	size_t i;
	int seg;

	(void)state;
	for (i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		g = eg_new();
		eg_set_machine(g, machines[i]);
		seg = start_module(g);
		add_set(g, seg, PADKO_SET_VNET, 0x10, 1);
		verify_both(g, &cur, &leg);
		assert_refused(&cur, "Unsupported machine");
		assert_refused(&leg, "Unsupported machine");
	}
}

/* The program headers of an image (raw, little-endian). */
struct phdr {
	uint32_t	type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

static size_t
read_phdrs(const unsigned char *image, size_t size, struct phdr *ph,
    size_t max)
{
	const unsigned char *p;
	uint32_t phoff;
	size_t i, n;

	phoff = get32(image + EHDR_PHOFF);
	n = (size_t)image[EHDR_PHNUM] | (size_t)image[EHDR_PHNUM + 1] << 8;
	if (n > max || phoff + n * 32 > size)
		fail_msg("read_phdrs: %zu program headers at %#x", n, phoff);
	for (i = 0; i < n; i++) {
		p = image + phoff + i * 32;
		ph[i].type = get32(p);
		ph[i].offset = get32(p + 4);
		ph[i].vaddr = get32(p + 8);
		ph[i].paddr = get32(p + 12);
		ph[i].filesz = get32(p + 16);
		ph[i].memsz = get32(p + 20);
		ph[i].flags = get32(p + 24);
		ph[i].align = get32(p + 28);
	}
	return (n);
}

/*
 * A copy of an image whose program header table is ph[0..n) at file
 * offset phoff (the file grows if needed).  The section header table is
 * dropped (the loader does not read it) so that it cannot overlap.
 */
static unsigned char *
with_phdrs(const unsigned char *image, size_t size, const struct phdr *ph,
    size_t n, uint32_t phoff, size_t *sizep)
{
	unsigned char *out, *p;
	size_t i, outsize;

	outsize = size > phoff + n * 32 ? size : phoff + n * 32;
	if ((out = calloc(1, outsize)) == NULL)
		fail_msg("out of memory");
	memcpy(out, image, size);
	put32(out + EHDR_PHOFF, phoff);
	put16(out + EHDR_PHNUM, (uint16_t)n);
	put32(out + EHDR_SHOFF, 0);
	put16(out + EHDR_SHNUM, 0);
	put16(out + EHDR_SHSTRNDX, 0);
	for (i = 0; i < n; i++) {
		p = out + phoff + i * 32;
		put32(p, ph[i].type);
		put32(p + 4, ph[i].offset);
		put32(p + 8, ph[i].vaddr);
		put32(p + 12, ph[i].paddr);
		put32(p + 16, ph[i].filesz);
		put32(p + 20, ph[i].memsz);
		put32(p + 24, ph[i].flags);
		put32(p + 28, ph[i].align);
	}
	*sizep = outsize;
	return (out);
}

/* Where the loaded part of an image ends in the file. */
static uint32_t
loaded_end(const struct phdr *ph, size_t n)
{
	uint32_t end;
	size_t i;

	end = 0;
	for (i = 0; i < n; i++)
		if (ph[i].type == PT_LOAD && ph[i].offset + ph[i].filesz > end)
			end = ph[i].offset + ph[i].filesz;
	return (end);
}

/* A padded module with the given number of PT_LOAD, built into image. */
static void
plain_image(int nload, unsigned char **imagep, size_t *sizep)
{
	struct elfgen *g;
	int seg;

	g = eg_new();
	seg = start_module(g);
	add_set(g, seg, PADKO_SET_VNET, 0x10, 1);
	eg_relative(g, DATA2, VNET_AT + 4);
	add_loads(g, nload);
	build(g, imagep, sizep);
}

/*
 * Program headers beyond the first 4096 bytes: "Unreadable program
 * headers".  The same table ending exactly at 4096 is read.
 */
static void
test_phdrs_beyond_first_page(void **state)
{
	struct padko_verify_report r;
	struct phdr ph[16];
	unsigned char *image, *moved;
	size_t n, size, msize;

	(void)state;
	plain_image(2, &image, &size);
	n = read_phdrs(image, size, ph, 16);
	assert_true(loaded_end(ph, n) <= 4096 - n * 32);

	moved = with_phdrs(image, size, ph, n, (uint32_t)(4096 - n * 32),
	    &msize);
	verify_image(moved, msize, PADKO_KERNEL_CURRENT, &r);
	assert_accepted(&r);
	assert_int_equal(r.relative_moved, 1);
	free(moved);

	moved = with_phdrs(image, size, ph, n, 4096 - 16, &msize);
	verify_image(moved, msize, PADKO_KERNEL_CURRENT, &r);
	assert_refused(&r, "Unreadable program headers");
	verify_image(moved, msize, PADKO_KERNEL_LEGACY, &r);
	assert_refused(&r, "Unreadable program headers");
	free(moved);

	moved = with_phdrs(image, size, ph, n, 8192, &msize);
	verify_image(moved, msize, PADKO_KERNEL_CURRENT, &r);
	assert_refused(&r, "Unreadable program headers");
	free(moved);
	free(image);
}

/*
 * link_elf_load_file() scans every program header (e_phnum of them, all
 * in the first page), not a fixed number.  A module whose table of 14
 * entries holds its 2 PT_LOAD as entries 0 and 1, PT_DYNAMIC as entry
 * dyn_at, and PT_NULL elsewhere (the kernel skips PT_NULL, as it skips
 * PT_NOTE, PT_PHDR or PT_GNU_*), placed after the loaded contents.
 */
static void
verify_dynamic_at(size_t dyn_at, struct padko_verify_report *r)
{
	struct phdr ph[16], big[16];
	unsigned char *image, *moved;
	size_t n, size, msize;

	plain_image(2, &image, &size);
	n = read_phdrs(image, size, ph, 16);
	assert_int_equal(n, 3);
	assert_int_equal(ph[2].type, PT_DYNAMIC);
	memset(big, 0, sizeof(big));
	big[0] = ph[0];
	big[1] = ph[1];
	big[dyn_at] = ph[2];
	moved = with_phdrs(image, size, big, 14, loaded_end(ph, n), &msize);
	verify_image(moved, msize, PADKO_KERNEL_CURRENT, r);
	free(moved);
	free(image);
}

static void
test_phdr_table_of_14(void **state)
{
	struct padko_verify_report r;

	(void)state;
	/* Control: PT_DYNAMIC as entry 11. */
	verify_dynamic_at(11, &r);
	assert_accepted(&r);
	assert_true(r.sets[PADKO_SET_VNET].relocated);
	/* PT_DYNAMIC as entry 13, the last one. */
	verify_dynamic_at(13, &r);
	if (!r.accepted)
		fail_msg("PT_DYNAMIC as program header 13 of 14: refused: "
		    "\"%s\"", r.message);
	assert_true(r.sets[PADKO_SET_VNET].relocated);
}

/*
 * A module with 4 PT_LOAD, PT_DYNAMIC and a fifth PT_LOAD (a copy of the
 * fourth) as entry load_at of a table of 14.
 */
static void
verify_fifth_load_at(size_t load_at, struct padko_verify_report *r)
{
	struct phdr ph[16], big[16];
	unsigned char *image, *moved;
	size_t n, size, msize;
	uint32_t phoff;

	plain_image(4, &image, &size);
	n = read_phdrs(image, size, ph, 16);
	assert_int_equal(n, 5);
	memset(big, 0, sizeof(big));
	memcpy(big, ph, n * sizeof(ph[0]));
	big[load_at] = ph[3];
	/* The table goes after segment 1's contents, in the first page. */
	phoff = ph[1].offset + ph[1].filesz;
	assert_true(phoff + 14 * 32 <= 4096 && phoff + 14 * 32 <= ph[2].offset);
	moved = with_phdrs(image, size, big, 14, phoff, &msize);
	verify_image(moved, msize, PADKO_KERNEL_CURRENT, r);
	free(moved);
	free(image);
}

/* A fifth PT_LOAD is one too many wherever it is in the table. */
static void
test_fifth_load_late_in_table(void **state)
{
	struct padko_verify_report r;

	(void)state;
	/* Control: entry 5, right after PT_DYNAMIC. */
	verify_fifth_load_at(5, &r);
	assert_refused(&r, "Too many sections");
	/* Entry 13, the last one. */
	verify_fifth_load_at(13, &r);
	if (r.accepted)
		fail_msg("fifth PT_LOAD as program header 13 of 14: accepted, "
		    "expected \"Too many sections\"");
	assert_refused(&r, "Too many sections");
}

/*
 * No DT_HASH (here: the module's DT_HASH entry turned into DT_GNU_HASH,
 * as with --hash-style=gnu): symbols cannot be looked up; refused.  Also
 * a DT_HASH that points outside the image.
 */
static void
test_no_dt_hash(void **state)
{
	static const uint32_t bad[] = { 0x6ffffef5u, DT_DEBUG };
	struct padko_verify_report r;
	unsigned char *image, *copy;
	size_t i, size;
	uint32_t dyn;

	(void)state;
	plain_image(2, &image, &size);
	dyn = DYNAMIC - BIAS;
	assert_int_equal(get32(image + dyn), DT_HASH);
	if ((copy = malloc(size)) == NULL)
		fail_msg("out of memory");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(copy, image, size);
		put32(copy + dyn, bad[i]);
		verify_image(copy, size, PADKO_KERNEL_CURRENT, &r);
		assert_refused_with(&r, "DT_HASH");
		verify_image(copy, size, PADKO_KERNEL_LEGACY, &r);
		assert_refused_with(&r, "DT_HASH");
	}
	memcpy(copy, image, size);
	put32(copy + dyn + 4, 0x7ffffff0u);
	verify_image(copy, size, PADKO_KERNEL_CURRENT, &r);
	assert_refused_with(&r, "DT_HASH");
	free(copy);
	free(image);
}

/*
 * Garbage and damaged modules: padko_verify_memory() never crashes; it
 * fails with EX_DATAERR, or gives a verdict (a refusal with a message).
 */
static void
assert_sane(const unsigned char *image, size_t size, int must_refuse,
    const char *what)
{
	struct padko_verify_report r;
	struct padko_error err;
	int kernel, rc;

	for (kernel = PADKO_KERNEL_CURRENT; kernel <= PADKO_KERNEL_LEGACY;
	    kernel++) {
		memset(&err, 0, sizeof(err));
		rc = padko_verify_memory(MODNAME, image, size,
		    (enum padko_kernel)kernel, &r, &err);
		if (rc == -1) {
			if (err.code != EX_DATAERR)
				fail_msg("%s: failed with code %d: %s", what,
				    err.code, err.msg);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: returned %d", what, rc);
		if (r.accepted != 0 && r.accepted != 1)
			fail_msg("%s: accepted is %d", what, r.accepted);
		if (!r.accepted && r.message[0] == '\0')
			fail_msg("%s: refused without a message", what);
		if (r.accepted && must_refuse)
			fail_msg("%s: accepted", what);
	}
}

static uint32_t
xorshift(uint32_t *s)
{

	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return (*s);
}

static void
test_garbage(void **state)
{
	static const unsigned char elfmag[] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };
	unsigned char junk[4096], *image, *copy;
	struct phdr ph[16];
	char what[64];
	size_t i, len, n, size;
	uint32_t end, off, seed;

	(void)state;
	seed = 0x2545f491u;
	memset(junk, 0, sizeof(junk));
	assert_sane(junk, 0, 1, "empty");
	assert_sane((const unsigned char *)"hello", 5, 1, "hello");
	memcpy(junk, elfmag, sizeof(elfmag));
	assert_sane(junk, sizeof(elfmag), 1, "magic only");
	assert_sane(junk, 52, 1, "zero header");
	assert_sane(junk, sizeof(junk), 1, "zero page");
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)xorshift(&seed);
	memcpy(junk, elfmag, sizeof(elfmag));
	assert_sane(junk, sizeof(junk), 0, "random page");

	/* Every truncation of a good module. */
	plain_image(2, &image, &size);
	n = read_phdrs(image, size, ph, 16);
	end = loaded_end(ph, n);
	assert_sane(image, size, 0, "whole");
	for (len = 0; len < size; len++) {
		snprintf(what, sizeof(what), "first %zu bytes", len);
		assert_sane(image, len, len < end, what);
	}

	/* ELFCLASS64 and big-endian headers on a 32-bit module. */
	if ((copy = malloc(size)) == NULL)
		fail_msg("out of memory");
	memcpy(copy, image, size);
	copy[EI_CLASS] = ELFCLASS64;
	assert_sane(copy, size, 1, "ELFCLASS64");
	memcpy(copy, image, size);
	copy[EI_DATA] = ELFDATA2MSB;
	assert_sane(copy, size, 1, "ELFDATA2MSB");

	/* Every .dynamic value replaced by extreme ones. */
	for (i = 0; i < 9; i++) {
		static const uint32_t values[] = { 0, 1, 0xfff, 0x1000,
		    0x7ffffffcu, 0xfffffffcu, 0xffffffffu };
		size_t v;

		for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			memcpy(copy, image, size);
			put32(copy + DYNAMIC - BIAS + i * 8 + 4, values[v]);
			snprintf(what, sizeof(what), ".dynamic[%zu] = %#x", i,
			    values[v]);
			assert_sane(copy, size, 0, what);
		}
	}

	/* Random damage to the headers, tables and .dynamic, then anywhere. */
	for (i = 0; i < 4000; i++) {
		unsigned k, nflip;

		memcpy(copy, image, size);
		nflip = 1 + xorshift(&seed) % 8;
		for (k = 0; k < nflip; k++) {
			switch (xorshift(&seed) % 3) {
			case 0:
				off = xorshift(&seed) % 0x400;
				break;
			case 1:
				off = DYNAMIC - BIAS + xorshift(&seed) % 0x60;
				break;
			default:
				off = xorshift(&seed) % (uint32_t)size;
				break;
			}
			if (off >= size)
				continue;
			if (xorshift(&seed) % 2)
				copy[off] ^= (unsigned char)(1 <<
				    (xorshift(&seed) % 8));
			else
				copy[off] = (unsigned char)xorshift(&seed);
		}
		snprintf(what, sizeof(what), "damaged copy %zu", i);
		assert_sane(copy, size, 0, what);
	}
	free(copy);
	free(image);
}

/*
 * The loader model keeps its own copy of the padding word (kload.h says
 * why); it must be the word padko writes.
 */
static void
test_padding_word_agrees(void **state)
{

	(void)state;
	assert_int_equal(KLOAD_PADDING, PADKO_PAD_WORD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_sets),
		cmocka_unit_test(test_invalid_padding),
		cmocka_unit_test(test_pcpu_checked_first),
		cmocka_unit_test(test_padding_only),
		cmocka_unit_test(test_padded_sets_relocated),
		cmocka_unit_test(test_set_symbols_not_found),
		cmocka_unit_test(test_empty_set),
		cmocka_unit_test(test_relative_half_open),
		cmocka_unit_test(test_end_of_object),
		cmocka_unit_test(test_symbol_relocations),
		cmocka_unit_test(test_accept_only_needs_image),
		cmocka_unit_test(test_undefined_symbol),
		cmocka_unit_test(test_unexpected_relocation_type),
		cmocka_unit_test(test_rela_and_jmprel),
		cmocka_unit_test(test_too_many_loads),
		cmocka_unit_test(test_no_dynamic),
		cmocka_unit_test(test_wrong_machine),
		cmocka_unit_test(test_phdrs_beyond_first_page),
		cmocka_unit_test(test_phdr_table_of_14),
		cmocka_unit_test(test_fifth_load_late_in_table),
		cmocka_unit_test(test_no_dt_hash),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_padding_word_agrees),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
