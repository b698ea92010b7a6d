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
 * emu: proves that a module loads by running its code.
 *
 *	emu [-v] [--kernel current|legacy] [--check-nonzero SYMBOL]...
 *	    module.ko
 *
 * The module is loaded with padko's model of the i386 kernel loader
 * (lib/kload.c) and then run under unicorn (x86, 32-bit) the way
 * kldload(2) runs it: every SYSINIT of set_sysinit_set, sorted by
 * (subsystem, order), is called as func(udata).
 *
 * The address space (nothing else is mapped):
 *
 *	IMAGE_BASE	the module, relocated by kload_run() for this base;
 *	VNET_MASTER, PCPU_MASTER
 *			where the loader relocates the module's set_vnet and
 *			set_pcpu (kload's set_dest): the "master" addresses,
 *			as in the kernel's own sets.  NOT mapped: the module
 *			never touches them without adding a base;
 *	VNET_AREA(v)	the data of vnet v (NVNETS of them), each a copy of
 *			set_vnet's initial contents; its vnet_data_base is
 *			VNET_AREA(v) - VNET_MASTER, so that VNET(x) =
 *			vnet_data_base + &x (&x relocated) lands in the copy;
 *	PCPU_AREA	the dynamic per-CPU data of CPU 0, likewise, with
 *			PCPU_GET(dynamic) = PCPU_AREA - PCPU_MASTER;
 *	KDATA		struct pcpu (FS's base: pc_curthread at 0,
 *			pc_dynamic at 0x190), the thread (td_vnet at 0x2a8)
 *			and the struct vnets (vnet_data_base at 0x1c);
 *	GDT		the descriptor table that gives FS that base;
 *	STUBS		one 16-byte slot per kernel function the module
 *			imports (kload's resolver hands them out), filled
 *			with int3; every slot is a unicorn exit, so the
 *			emulation stops there and the stub runs in C;
 *	HEAP		what the stubs allocate (counter_u64_alloc());
 *	STACK		the stack; a call starts with the return address
 *			STOP, another exit.
 *
 * Because the bases are not zero, a per-vnet access whose address was not
 * moved by the loader (the seed bug: the END of set_vnet left at the
 * module's own address) lands at vnet_data_base + a module address, which
 * is mapped by nothing: a fault.  (With the areas mapped at set_dest
 * itself, vnet_data_base would be 0 and that store would land, silently,
 * in the module's own copy of set_vnet.)
 *
 * The kernel, as stubs: counter_u64_alloc() returns a fresh zeroed 64-bit
 * counter from the heap (and remembers the vnet it was allocated for);
 * mtx_init() and the other lock initialisers do nothing but check that the
 * lock is in the module's writable memory; vnet_register_sysinit(vs) calls
 * vs->func(vs->arg) once per vnet with that vnet current
 * (curthread->td_vnet), without nesting emulations: the stub starts func
 * with the return address CONT, an exit, where the next vnet's call (or
 * the return to the caller) is set up; the vnet (de)registration of
 * SYSUNINITs and the other counter functions return 0; any other function
 * is logged and returns 0.  During the SYSINITs vnet0 is current, as in
 * kern_kldload().
 *
 * A fault is any access to unmapped memory, any access to the module's own
 * copies of the relocated sets (the kernel uses the per-vnet/per-CPU
 * copies), a write anywhere but the module's writable segments, the vnet
 * and per-CPU areas, the allocated part of the stub heap or the stack, an
 * instruction fetched outside the module's executable segments, an
 * interrupt or an invalid instruction, a stub given a pointer it cannot
 * use, or a call that does not return with a balanced stack.  It is
 * reported with the instruction (address, module offset, symbol,
 * disassembly), the address and what lies there, and the SYSINIT that was
 * running.  After the SYSINITs the checks: every counter allocated while
 * vnet v was current is stored in v's area, and each --check-nonzero
 * object (in .symtab or .dynsym, inside a relocated set) is non-zero word
 * for word in every copy of its set.
 *
 * Exit status: 0 loaded, every SYSINIT ran and every check passed; 1 the
 * loader refused the module (its message is printed), a fault, or a failed
 * check; 2 usage error or unreadable module.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>
#include <gelf.h>
#include <libelf.h>
#include <unicorn/unicorn.h>

#include "kload.h"

#define	PAGE		0x1000u

#define	IMAGE_BASE	KLOAD_DEFAULT_BASE	/* 0x01000000 */
#define	PCPU_MASTER	KLOAD_DEFAULT_PCPU	/* 0x02000000, unmapped */
#define	VNET_MASTER	KLOAD_DEFAULT_VNET	/* 0x03000000, unmapped */
#define	NVNETS		2
#define	VNET_AREA(v)	(0x43000000u + (uint32_t)(v) * 0x10000000u)
#define	PCPU_AREA	0x72000000u
#define	HEAP		0x78000000u
#define	HEAP_SIZE	0x10000u
#define	GDT		0x7c000000u
#define	KDATA		0x7d000000u
#define	KDATA_SIZE	0x3000u
#define	KD_PCPU		(KDATA + 0x0000u)	/* struct pcpu, FS base */
#define	KD_THREAD	(KDATA + 0x1000u)	/* struct thread */
#define	KD_VNET(v)	(KDATA + 0x2000u + (uint32_t)(v) * 0x40u)
#define	STUBS		0x7e000000u
#define	STUB_SLOT	16u
#define	STOP		(STUBS + PAGE - STUB_SLOT)	/* end of a call */
#define	CONT		(STUBS + PAGE - 2 * STUB_SLOT)	/* next vnet */
#define	NSTUBS		((PAGE - 2 * STUB_SLOT) / STUB_SLOT)
#define	STACK		0x7f000000u
#define	STACK_SIZE	0x10000u
#define	STACK_TOP	(STACK + STACK_SIZE - 16u)

/* FreeBSD i386 offsets, as tests/fixtures/src/padko-fixture.h has them. */
#define	PC_CURTHREAD	0x000u
#define	PC_DYNAMIC	0x190u
#define	TD_VNET		0x2a8u
#define	VNET_DATA_BASE	0x01cu

#define	GDT_CODE	0x08u		/* GDT entries, RPL 0 */
#define	GDT_DATA	0x10u
#define	GDT_FS		0x18u
#define	TIMEOUT_US	(10u * 1000u * 1000u)
#define	SI_SUB_DUMMY	0u

enum stub_kind {
	STUB_UNKNOWN,
	STUB_RETURN0,		/* known, does nothing, returns 0 */
	STUB_COUNTER_ALLOC,
	STUB_LOCK_INIT,
	STUB_VNET_REGISTER_SYSINIT
};

static const struct {
	const char	*name;
	enum stub_kind	 kind;
} known_stubs[] = {
	{ "counter_u64_alloc",		STUB_COUNTER_ALLOC },
	{ "counter_u64_free",		STUB_RETURN0 },
	{ "counter_u64_zero",		STUB_RETURN0 },
	{ "counter_u64_fetch",		STUB_RETURN0 },
	{ "mtx_init",			STUB_LOCK_INIT },
	{ "_mtx_init",			STUB_LOCK_INIT },
	{ "rw_init_flags",		STUB_LOCK_INIT },
	{ "_rw_init_flags",		STUB_LOCK_INIT },
	{ "sx_init_flags",		STUB_LOCK_INIT },
	{ "vnet_register_sysinit",	STUB_VNET_REGISTER_SYSINIT },
	{ "vnet_register_sysuninit",	STUB_RETURN0 },
	{ "vnet_deregister_sysinit",	STUB_RETURN0 },
	{ "vnet_deregister_sysuninit",	STUB_RETURN0 },
};

struct stub {
	char		*name;
	enum stub_kind	 kind;
	unsigned long	 calls;
};

struct sym {
	uint32_t	 value;		/* link-time address */
	uint32_t	 size;
	unsigned char	 type;
	const char	*name;
};

struct range {
	uint32_t	 lo, hi;	/* [lo, hi) */
};

struct sysinit {
	uint32_t	 addr;		/* the struct sysinit */
	uint32_t	 subsystem, order, func, udata;
	unsigned	 index;		/* in set_sysinit_set */
};

/* A vnet_register_sysinit() in progress: its func runs once per vnet. */
struct vnet_call {
	uint32_t	 vs, func, arg;
	uint32_t	 ret;		/* the caller's return address */
	uint32_t	 esp;		/* at the stub: the return address */
	unsigned	 vnet;		/* the vnet its func runs for */
	unsigned	 saved_vnet;
};

struct counter {
	uint32_t	 addr;
	unsigned	 vnet;
};

struct emu {
	const char	*path;
	bool		 verbose;
	enum padko_kernel kernel;
	struct kload	 k;
	uc_engine	*uc;
	csh		 cs;
	bool		 have_cs;

	struct sym	*syms;
	size_t		 nsyms;
	char		*strings;	/* owns the symbol names */
	struct range	 writable[8];	/* the module's PF_W segments */
	size_t		 nwritable;
	struct range	 text[8];	/* its PF_X segments */
	size_t		 ntext;

	struct stub	 stubs[NSTUBS];
	size_t		 nstubs;
	uint32_t	 heap_next;
	struct counter	 counters[1024];
	size_t		 ncounters;

	unsigned	 curvnet;
	struct vnet_call calls[8];
	size_t		 ncalls;

	const struct sysinit *running;
	uint32_t	 pc;		/* the instruction being executed */
	bool		 faulted;
	char		 fault[1024];
};

static const char *const set_names[PADKO_NSET_KINDS] = {
	[PADKO_SET_VNET] = "set_vnet",
	[PADKO_SET_PCPU] = "set_pcpu",
};

static void	fault(struct emu *, const char *, ...)
    __attribute__((__format__(__printf__, 2, 3)));
static void	note(const struct emu *, const char *, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
note(const struct emu *e, const char *fmt, ...)
{
	va_list ap;

	printf("emu: %s: ", e->path);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Records the first fault and stops the emulation. */
static void
fault(struct emu *e, const char *fmt, ...)
{
	va_list ap;

	if (e->faulted)
		return;
	e->faulted = true;
	va_start(ap, fmt);
	vsnprintf(e->fault, sizeof(e->fault), fmt, ap);
	va_end(ap);
	if (e->uc != NULL)
		uc_emu_stop(e->uc);
}

static uint32_t
round_page(uint32_t v)
{

	return ((v + PAGE - 1) & ~(PAGE - 1));
}

static bool
in(uint32_t a, uint32_t lo, uint32_t len)
{

	return (a >= lo && a - lo < len);
}

/* [a, a + n) inside [lo, lo + len). */
static bool
within(uint32_t a, uint32_t n, uint32_t lo, uint32_t len)
{

	return (a >= lo && n <= len && a - lo <= len - n);
}

static uint32_t
area_size(const struct emu *e, int kind)
{

	return (round_page(e->k.sets[kind].size));
}

static uint32_t
vnet_data_base(unsigned v)
{

	return (VNET_AREA(v) - VNET_MASTER);
}

/*
 * Symbols, for the reports only: .symtab, else .dynsym, read through the
 * section headers of the file (the kernel never reads them).
 */
static void
load_symbols(struct emu *e, const unsigned char *file, size_t size)
{
	Elf *elf;
	Elf_Scn *scn;
	Elf_Data *data;
	GElf_Shdr sh;
	GElf_Sym st;
	GElf_Phdr ph;
	size_t i, n, nph, total, used;
	const char *name;
	int pass, want;

	if ((elf = elf_memory((char *)(uintptr_t)file, size)) == NULL)
		return;
	/* Writable and executable segments, relocated. */
	if (elf_getphdrnum(elf, &nph) == 0) {
		for (i = 0; i < nph; i++) {
			if (gelf_getphdr(elf, (int)i, &ph) == NULL ||
			    ph.p_type != PT_LOAD)
				continue;
			if ((ph.p_flags & PF_W) != 0 && e->nwritable < 8) {
				e->writable[e->nwritable].lo =
				    e->k.relocbase + (uint32_t)ph.p_vaddr;
				e->writable[e->nwritable].hi =
				    e->writable[e->nwritable].lo +
				    (uint32_t)ph.p_memsz;
				e->nwritable++;
			}
			if ((ph.p_flags & PF_X) != 0 && e->ntext < 8) {
				e->text[e->ntext].lo =
				    e->k.relocbase + (uint32_t)ph.p_vaddr;
				e->text[e->ntext].hi = e->text[e->ntext].lo +
				    (uint32_t)ph.p_memsz;
				e->ntext++;
			}
		}
	}
	/* Pass 0 counts, pass 1 copies; .symtab if there is one. */
	want = SHT_SYMTAB;
	scn = NULL;
	while ((scn = elf_nextscn(elf, scn)) != NULL)
		if (gelf_getshdr(scn, &sh) != NULL && sh.sh_type == SHT_SYMTAB)
			break;
	if (scn == NULL)
		want = SHT_DYNSYM;
	total = used = 0;
	for (pass = 0; pass < 2; pass++) {
		scn = NULL;
		while ((scn = elf_nextscn(elf, scn)) != NULL) {
			if (gelf_getshdr(scn, &sh) == NULL ||
			    (int)sh.sh_type != want || sh.sh_entsize == 0 ||
			    (data = elf_getdata(scn, NULL)) == NULL)
				continue;
			n = sh.sh_size / sh.sh_entsize;
			for (i = 1; i < n; i++) {
				if (gelf_getsym(data, (int)i, &st) == NULL ||
				    st.st_shndx == SHN_UNDEF ||
				    GELF_ST_TYPE(st.st_info) == STT_SECTION ||
				    GELF_ST_TYPE(st.st_info) == STT_FILE ||
				    (name = elf_strptr(elf, sh.sh_link,
				    st.st_name)) == NULL || name[0] == '\0')
					continue;
				if (pass == 0) {
					e->nsyms++;
					total += strlen(name) + 1;
					continue;
				}
				memcpy(e->strings + used, name,
				    strlen(name) + 1);
				e->syms[e->nsyms].name = e->strings + used;
				e->syms[e->nsyms].value = (uint32_t)st.st_value;
				e->syms[e->nsyms].size = (uint32_t)st.st_size;
				e->syms[e->nsyms].type =
				    GELF_ST_TYPE(st.st_info);
				e->nsyms++;
				used += strlen(name) + 1;
			}
		}
		if (pass == 0) {
			if (e->nsyms == 0 ||
			    (e->syms = calloc(e->nsyms, sizeof(*e->syms))) ==
			    NULL || (e->strings = malloc(total)) == NULL) {
				free(e->syms);
				e->syms = NULL;
				e->nsyms = 0;
				break;
			}
			e->nsyms = 0;
		}
	}
	elf_end(elf);
}

static const struct sym *
find_symbol(const struct emu *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nsyms; i++)
		if (strcmp(e->syms[i].name, name) == 0)
			return (&e->syms[i]);
	return (NULL);
}

/*
 * The symbol for a link-time address: the smallest object or function
 * that holds it, else the nearest symbol at or below it.
 */
static void
symbolize(const struct emu *e, uint32_t link, char *buf, size_t len)
{
	const struct sym *s, *best, *near;
	size_t i;

	best = near = NULL;
	for (i = 0; i < e->nsyms; i++) {
		s = &e->syms[i];
		if (s->size > 0 && in(link, s->value, s->size) &&
		    (best == NULL || s->size < best->size))
			best = s;
		if (s->value <= link && (near == NULL ||
		    s->value > near->value || (s->value == near->value &&
		    strcmp(s->name, near->name) < 0)))
			near = s;
	}
	if (best == NULL)
		best = near;
	if (best == NULL)
		snprintf(buf, len, "?");
	else if (best->value == link)
		snprintf(buf, len, "%s", best->name);
	else
		snprintf(buf, len, "%s+%#x", best->name, link - best->value);
}

/* The name of a module address (relocated), for messages. */
static void
name_of(const struct emu *e, uint32_t a, char *buf, size_t len)
{
	size_t i;

	if (in(a, STUBS, NSTUBS * STUB_SLOT) &&
	    (i = (a - STUBS) / STUB_SLOT) < e->nstubs) {
		snprintf(buf, len, "%s", e->stubs[i].name);
		return;
	}
	if (a == 0) {
		snprintf(buf, len, "NULL");
		return;
	}
	if (!in(a, e->k.base, (uint32_t)e->k.size)) {
		snprintf(buf, len, "%#010x", a);
		return;
	}
	symbolize(e, a - e->k.relocbase, buf, len);
}

/* The object at offset off of set kind, or its padding word. */
static void
set_offset_name(const struct emu *e, int kind, uint32_t off, char *buf,
    size_t len)
{
	const struct kload_set *s;

	s = &e->k.sets[kind];
	if (s->size >= 4 && off >= s->size - 4 && off < s->size &&
	    s->last_word == 0x90909090u)
		snprintf(buf, len, "the padding word");
	else if (off >= s->size)
		snprintf(buf, len, "past the end of %s", set_names[kind]);
	else
		symbolize(e, s->start - e->k.relocbase + off, buf, len);
}

/* Says what lies at address a. */
static void
describe(const struct emu *e, uint32_t a, char *buf, size_t len)
{
	const struct kload_set *s;
	char sym[128];
	uint32_t link;
	unsigned v;
	int kind;

	for (kind = 0; kind < PADKO_NSET_KINDS; kind++) {
		s = &e->k.sets[kind];
		if (!s->relocated)
			continue;
		if (in(a, s->start, s->size)) {
			symbolize(e, a - e->k.relocbase, sym, sizeof(sym));
			snprintf(buf, len, "the module's own copy of %s (%s), "
			    "which the kernel does not use", set_names[kind],
			    sym);
			return;
		}
		if (in(a, s->dest, area_size(e, kind))) {
			set_offset_name(e, kind, a - s->dest, sym, sizeof(sym));
			snprintf(buf, len, "the relocated (master) address of "
			    "%s + %#x (%s), used without a base: unmapped",
			    set_names[kind], a - s->dest, sym);
			return;
		}
		for (v = 0; v < (kind == PADKO_SET_VNET ? NVNETS : 1); v++) {
			uint32_t area;

			area = kind == PADKO_SET_VNET ? VNET_AREA(v) :
			    PCPU_AREA;
			if (!in(a, area, area_size(e, kind)))
				continue;
			set_offset_name(e, kind, a - area, sym, sizeof(sym));
			snprintf(buf, len, "%s%u's copy of %s + %#x (%s)",
			    kind == PADKO_SET_VNET ? "vnet" : "cpu", v,
			    set_names[kind], a - area, sym);
			return;
		}
	}
	if (in(a, e->k.base, (uint32_t)e->k.size)) {
		symbolize(e, a - e->k.relocbase, sym, sizeof(sym));
		snprintf(buf, len, "the module at offset %#x (%s)",
		    a - e->k.base, sym);
		return;
	}
	if (in(a, STUBS, PAGE)) {
		snprintf(buf, len, "the stub page");
		return;
	}
	if (in(a, HEAP, HEAP_SIZE)) {
		snprintf(buf, len, "the stub heap%s", a >= e->heap_next ?
		    ", not allocated" : "");
		return;
	}
	if (in(a, STACK, STACK_SIZE)) {
		snprintf(buf, len, "the stack");
		return;
	}
	if (in(a, KDATA, KDATA_SIZE)) {
		snprintf(buf, len, "the kernel's pcpu/thread/vnet structures");
		return;
	}
	if (in(a, GDT, PAGE)) {
		snprintf(buf, len, "the GDT");
		return;
	}
	/*
	 * A per-vnet or per-CPU base plus an address the loader did not
	 * move (the signature of the seed bug), or moved into the other set.
	 */
	for (v = 0; v <= NVNETS; v++) {
		uint32_t base;
		char bname[64];

		if (v < NVNETS) {
			base = vnet_data_base(v);
			snprintf(bname, sizeof(bname),
			    "vnet%u's vnet_data_base %#x", v, base);
		} else {
			base = PCPU_AREA - PCPU_MASTER;
			snprintf(bname, sizeof(bname),
			    "cpu0's PCPU_GET(dynamic) %#x", base);
		}
		link = a - base;
		if (in(link, e->k.base, (uint32_t)e->k.size)) {
			symbolize(e, link - e->k.relocbase, sym, sizeof(sym));
			snprintf(buf, len, "unmapped: %s + the module's own "
			    "address %#x (%s), which the loader did not move "
			    "into %s's area", bname, link, sym,
			    set_names[v < NVNETS ? PADKO_SET_VNET :
			    PADKO_SET_PCPU]);
			return;
		}
		for (kind = 0; kind < PADKO_NSET_KINDS; kind++) {
			s = &e->k.sets[kind];
			if (!s->relocated || !in(link, s->dest,
			    area_size(e, kind)))
				continue;
			set_offset_name(e, kind, link - s->dest, sym,
			    sizeof(sym));
			snprintf(buf, len, "unmapped: %s + the relocated "
			    "address of %s + %#x (%s): an address the loader "
			    "moved into %s, used with the base of %s", bname,
			    set_names[kind], link - s->dest, sym,
			    set_names[kind], set_names[v < NVNETS ?
			    PADKO_SET_VNET : PADKO_SET_PCPU]);
			return;
		}
	}
	snprintf(buf, len, "unmapped");
}

static bool
write_allowed(const struct emu *e, uint32_t a, uint32_t n)
{
	const struct kload_set *s;
	size_t i;
	int kind;

	if (within(a, n, STACK, STACK_SIZE) ||
	    within(a, n, HEAP, e->heap_next - HEAP))
		return (true);
	for (kind = 0; kind < PADKO_NSET_KINDS; kind++) {
		s = &e->k.sets[kind];
		if (!s->relocated)
			continue;
		/* The module's own copy: only an unrelocated access. */
		if (a < s->start + s->size && a + n > s->start)
			return (false);
		if (kind == PADKO_SET_VNET) {
			for (i = 0; i < NVNETS; i++)
				if (within(a, n, VNET_AREA(i), s->size))
					return (true);
		} else if (within(a, n, PCPU_AREA, s->size))
			return (true);
	}
	for (i = 0; i < e->nwritable; i++)
		if (within(a, n, e->writable[i].lo,
		    e->writable[i].hi - e->writable[i].lo))
			return (true);
	return (false);
}

static bool
fetch_allowed(const struct emu *e, uint32_t a)
{
	size_t i;

	for (i = 0; i < e->ntext; i++)
		if (in(a, e->text[i].lo, e->text[i].hi - e->text[i].lo))
			return (true);
	return (false);
}

/* The instruction at pc: where it is and what it is. */
static void
instruction(struct emu *e, uint32_t pc, char *buf, size_t len)
{
	unsigned char code[16];
	cs_insn *insn;
	char sym[128];
	size_t n;
	int off;

	name_of(e, pc, sym, sizeof(sym));
	off = snprintf(buf, len, "%#010x", pc);
	if (off < 0 || (size_t)off >= len)
		return;
	if (in(pc, e->k.base, (uint32_t)e->k.size))
		off += snprintf(buf + off, len - off, " (module offset %#x, "
		    "%s)", pc - e->k.base, sym);
	if (off < 0 || (size_t)off >= len || !e->have_cs ||
	    uc_mem_read(e->uc, pc, code, sizeof(code)) != UC_ERR_OK)
		return;
	n = cs_disasm(e->cs, code, sizeof(code), pc, 1, &insn);
	if (n > 0) {
		snprintf(buf + off, len - off, ": %s %s", insn[0].mnemonic,
		    insn[0].op_str);
		cs_free(insn, n);
	}
}

/* What was running: the SYSINIT and, inside a vnet registration, which. */
static void
context(const struct emu *e, char *buf, size_t len)
{
	const struct sysinit *si;
	char a[128], b[128], c[128];
	size_t i;
	int off;

	if ((si = e->running) == NULL) {
		snprintf(buf, len, "outside any SYSINIT");
		return;
	}
	name_of(e, si->addr, a, sizeof(a));
	name_of(e, si->func, b, sizeof(b));
	name_of(e, si->udata, c, sizeof(c));
	off = snprintf(buf, len, "in SYSINIT %s (subsystem %#x, order %#x): "
	    "%s(%s)", a, si->subsystem, si->order, b, c);
	for (i = 0; i < e->ncalls && off >= 0 && (size_t)off < len; i++) {
		name_of(e, e->calls[i].func, b, sizeof(b));
		name_of(e, e->calls[i].arg, c, sizeof(c));
		off += snprintf(buf + off, len - off, " -> %s(%s) for vnet%u",
		    b, c, e->calls[i].vnet);
	}
}

static const char *
access_name(uc_mem_type type)
{

	switch (type) {
	case UC_MEM_READ:
	case UC_MEM_READ_UNMAPPED:
	case UC_MEM_READ_PROT:
		return ("read");
	case UC_MEM_WRITE:
	case UC_MEM_WRITE_UNMAPPED:
	case UC_MEM_WRITE_PROT:
		return ("write");
	case UC_MEM_FETCH:
	case UC_MEM_FETCH_UNMAPPED:
	case UC_MEM_FETCH_PROT:
		return ("fetch");
	default:
		return ("access");
	}
}

/*
 * When the instruction at pc has a displacement or an immediate that is
 * the end of a relocated set, says so: the loader left it where it was
 * (relocaddr()'s range is [start, stop)), the signature of the seed bug.
 */
static void
set_end_operand(struct emu *e, uint32_t pc, char *buf, size_t len)
{
	const struct kload_set *s;
	const cs_x86_op *op;
	unsigned char code[16];
	cs_insn *insn;
	uint32_t v;
	size_t n;
	int i, kind;

	buf[0] = '\0';
	if (!e->have_cs || uc_mem_read(e->uc, pc, code, sizeof(code)) !=
	    UC_ERR_OK || (n = cs_disasm(e->cs, code, sizeof(code), pc, 1,
	    &insn)) == 0)
		return;
	for (i = 0; insn[0].detail != NULL &&
	    i < insn[0].detail->x86.op_count && buf[0] == '\0'; i++) {
		op = &insn[0].detail->x86.operands[i];
		if (op->type == X86_OP_MEM)
			v = (uint32_t)op->mem.disp;
		else if (op->type == X86_OP_IMM)
			v = (uint32_t)op->imm;
		else
			continue;
		for (kind = 0; kind < PADKO_NSET_KINDS; kind++) {
			s = &e->k.sets[kind];
			if (s->relocated && v == s->stop) {
				snprintf(buf, len, "\n  its %s %#x is the "
				    "module's own address of __stop_%s, the "
				    "end of %s, which the loader does not "
				    "move (relocaddr() moves [start, stop))",
				    op->type == X86_OP_MEM ? "displacement" :
				    "immediate", v, set_names[kind],
				    set_names[kind]);
				break;
			}
		}
	}
	cs_free(insn, n);
}

static void
memory_fault(struct emu *e, uc_mem_type type, uint32_t a, int size)
{
	char where[512], insn[256], end[256];

	describe(e, a, where, sizeof(where));
	instruction(e, e->pc, insn, sizeof(insn));
	set_end_operand(e, e->pc, end, sizeof(end));
	fault(e, "%s of %d bytes at %#010x: %s\n  by the instruction at %s%s",
	    access_name(type), size, a, where, insn, end);
}

static void
hook_code(uc_engine *uc, uint64_t address, uint32_t size, void *arg)
{
	struct emu *e;
	char insn[256];

	(void)uc;
	(void)size;
	e = arg;
	e->pc = (uint32_t)address;
	if (!fetch_allowed(e, e->pc)) {
		instruction(e, e->pc, insn, sizeof(insn));
		fault(e, "executing outside the module's code, at %s%s", insn,
		    in(e->pc, STUBS, PAGE) ? " (inside the stub page, not at "
		    "a stub)" : "");
	}
}

static void
hook_write(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
    int64_t value, void *arg)
{
	struct emu *e;

	(void)uc;
	(void)value;
	e = arg;
	if (!write_allowed(e, (uint32_t)address, (uint32_t)size))
		memory_fault(e, type, (uint32_t)address, size);
}

/* A read of the module's own copy of a relocated set: never right. */
static void
hook_read(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
    int64_t value, void *arg)
{
	const struct kload_set *s;
	struct emu *e;
	uint32_t a;
	int kind;

	(void)uc;
	(void)value;
	e = arg;
	a = (uint32_t)address;
	for (kind = 0; kind < PADKO_NSET_KINDS; kind++) {
		s = &e->k.sets[kind];
		if (s->relocated && a < s->start + s->size &&
		    a + (uint32_t)size > s->start)
			memory_fault(e, type, a, size);
	}
}

static bool
hook_unmapped(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
    int64_t value, void *arg)
{

	(void)uc;
	(void)value;
	memory_fault(arg, type, (uint32_t)address, size);
	return (false);
}

static void
hook_intr(uc_engine *uc, uint32_t intno, void *arg)
{
	struct emu *e;
	char insn[256];

	(void)uc;
	e = arg;
	instruction(e, e->pc, insn, sizeof(insn));
	fault(e, "interrupt %u (%s) at %s", intno,
	    intno == 3 ? "int3" : intno == 6 ? "invalid opcode" :
	    intno == 13 ? "general protection" : intno == 14 ? "page fault" :
	    "exception", insn);
}

static bool
hook_invalid(uc_engine *uc, void *arg)
{
	struct emu *e;
	char insn[256];

	(void)uc;
	e = arg;
	instruction(e, e->pc, insn, sizeof(insn));
	fault(e, "invalid instruction at %s", insn);
	return (false);
}

/* The resolver kload_run() calls for each symbol the module imports. */
static int
resolve(void *arg, const char *name, uint32_t *value)
{
	struct emu *e;
	size_t i, j;

	e = arg;
	for (i = 0; i < e->nstubs; i++)
		if (strcmp(e->stubs[i].name, name) == 0)
			break;
	if (i == e->nstubs) {
		if (e->nstubs == NSTUBS ||
		    (e->stubs[i].name = strdup(name)) == NULL)
			return (-1);
		e->stubs[i].kind = STUB_UNKNOWN;
		for (j = 0; j < sizeof(known_stubs) / sizeof(known_stubs[0]);
		    j++)
			if (strcmp(known_stubs[j].name, name) == 0)
				e->stubs[i].kind = known_stubs[j].kind;
		e->nstubs++;
	}
	*value = STUBS + (uint32_t)i * STUB_SLOT;
	return (0);
}

static uint32_t
reg(struct emu *e, int r)
{
	uint32_t v;

	v = 0;
	uc_reg_read(e->uc, r, &v);
	return (v);
}

static void
set_reg(struct emu *e, int r, uint32_t v)
{

	uc_reg_write(e->uc, r, &v);
}

static int
read32(struct emu *e, uint32_t a, uint32_t *v)
{
	unsigned char b[4];

	if (uc_mem_read(e->uc, a, b, 4) != UC_ERR_OK)
		return (-1);
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	return (0);
}

static int
write32(struct emu *e, uint32_t a, uint32_t v)
{
	unsigned char b[4];

	b[0] = v & 0xff;
	b[1] = (v >> 8) & 0xff;
	b[2] = (v >> 16) & 0xff;
	b[3] = v >> 24;
	return (uc_mem_write(e->uc, a, b, 4) == UC_ERR_OK ? 0 : -1);
}

static int
push(struct emu *e, uint32_t v)
{
	uint32_t esp;

	esp = reg(e, UC_X86_REG_ESP) - 4;
	if (!in(esp, STACK, STACK_SIZE)) {
		fault(e, "stack overflow");
		return (-1);
	}
	set_reg(e, UC_X86_REG_ESP, esp);
	return (write32(e, esp, v));
}

/* Makes vnet v the current one: curthread->td_vnet. */
static void
set_curvnet(struct emu *e, unsigned v)
{

	e->curvnet = v;
	write32(e, KD_THREAD + TD_VNET, KD_VNET(v));
}

/* Starts the func of the innermost vnet registration for its vnet. */
static int
vnet_call_next(struct emu *e)
{
	struct vnet_call *c;

	c = &e->calls[e->ncalls - 1];
	set_curvnet(e, c->vnet);
	if (e->verbose) {
		char f[128];

		name_of(e, c->func, f, sizeof(f));
		note(e, "  vnet%u: %s(%#x)", c->vnet, f, c->arg);
	}
	set_reg(e, UC_X86_REG_ESP, c->esp);
	if (push(e, c->arg) != 0 || push(e, CONT) != 0)
		return (-1);
	set_reg(e, UC_X86_REG_EIP, c->func);
	return (0);
}

/*
 * Runs the stub at eip (the emulation stopped there, before it).  On
 * entry ESP points to the return address, the arguments follow.
 */
static int
run_stub(struct emu *e, uint32_t eip)
{
	struct vnet_call *c;
	struct stub *st;
	uint32_t esp, ret, a[4], result;
	char n0[128], what[512];
	size_t i;

	esp = reg(e, UC_X86_REG_ESP);
	if (eip == CONT) {
		/* A vnet func returned (it popped CONT): pop its argument. */
		c = &e->calls[e->ncalls - 1];
		if (esp != c->esp - 4) {
			fault(e, "stack imbalance: a vnet init function "
			    "returned with ESP %#x, expected %#x", esp,
			    c->esp - 4);
			return (-1);
		}
		if (++c->vnet < NVNETS)
			return (vnet_call_next(e));
		set_curvnet(e, c->saved_vnet);
		set_reg(e, UC_X86_REG_ESP, c->esp + 4);
		set_reg(e, UC_X86_REG_EIP, c->ret);
		set_reg(e, UC_X86_REG_EAX, 0);
		e->ncalls--;
		return (0);
	}
	i = (eip - STUBS) / STUB_SLOT;
	if ((eip - STUBS) % STUB_SLOT != 0 || i >= e->nstubs) {
		fault(e, "jump into the stub page at %#x, not a stub", eip);
		return (-1);
	}
	st = &e->stubs[i];
	st->calls++;
	if (read32(e, esp, &ret) != 0) {
		fault(e, "%s: unreadable stack at %#x", st->name, esp);
		return (-1);
	}
	for (i = 0; i < 4; i++)
		if (read32(e, esp + 4 + 4 * (uint32_t)i, &a[i]) != 0)
			a[i] = 0;
	result = 0;
	switch (st->kind) {
	case STUB_COUNTER_ALLOC:
		/* A fresh, zeroed 64-bit counter (one CPU). */
		if (e->heap_next + 8 > HEAP + HEAP_SIZE ||
		    e->ncounters == sizeof(e->counters) /
		    sizeof(e->counters[0])) {
			fault(e, "counter_u64_alloc: stub heap exhausted");
			return (-1);
		}
		result = e->heap_next;
		e->heap_next += 8;
		e->counters[e->ncounters].addr = result;
		e->counters[e->ncounters].vnet = e->curvnet;
		e->ncounters++;
		if (e->verbose)
			note(e, "  counter_u64_alloc(%#x) = %#x (vnet%u)",
			    a[0], result, e->curvnet);
		break;
	case STUB_LOCK_INIT:
		/* Does nothing, but the lock must be the module's. */
		if (!write_allowed(e, a[0], 4) ||
		    !in(a[0], e->k.base, (uint32_t)e->k.size)) {
			describe(e, a[0], what, sizeof(what));
			instruction(e, e->pc, n0, sizeof(n0));
			fault(e, "%s(%#x): the lock is not in the module's "
			    "writable memory: %s\n  called after the "
			    "instruction at %s", st->name, a[0], what, n0);
			return (-1);
		}
		if (e->verbose) {
			name_of(e, a[0], n0, sizeof(n0));
			note(e, "  %s(%#x %s)", st->name, a[0], n0);
		}
		break;
	case STUB_VNET_REGISTER_SYSINIT:
		/* struct vnet_sysinit: subsystem, order, func, arg. */
		if (!within(a[0], 16, e->k.base, (uint32_t)e->k.size) ||
		    e->ncalls == sizeof(e->calls) / sizeof(e->calls[0])) {
			describe(e, a[0], what, sizeof(what));
			fault(e, "vnet_register_sysinit(%#x): not a "
			    "vnet_sysinit of the module: %s", a[0], what);
			return (-1);
		}
		c = &e->calls[e->ncalls];
		c->vs = a[0];
		if (read32(e, c->vs + 8, &c->func) != 0 ||
		    read32(e, c->vs + 12, &c->arg) != 0)
			return (-1);
		c->ret = ret;
		c->esp = esp;
		c->vnet = 0;
		c->saved_vnet = e->curvnet;
		e->ncalls++;
		if (e->verbose) {
			name_of(e, c->vs, n0, sizeof(n0));
			note(e, "  vnet_register_sysinit(%#x %s)", c->vs, n0);
		}
		return (vnet_call_next(e));
	case STUB_RETURN0:
		if (e->verbose)
			note(e, "  %s(%#x, %#x, ...) = 0", st->name, a[0],
			    a[1]);
		break;
	case STUB_UNKNOWN:
		note(e, "  unknown kernel function %s(%#x, %#x, ...) "
		    "returns 0", st->name, a[0], a[1]);
		break;
	}
	set_reg(e, UC_X86_REG_EAX, result);
	set_reg(e, UC_X86_REG_ESP, esp + 4);
	set_reg(e, UC_X86_REG_EIP, ret);
	return (0);
}

/* Calls func(arg) and runs until it returns; -1 on a fault. */
static int
call(struct emu *e, uint32_t func, uint32_t arg)
{
	uint32_t eip;
	uc_err err;
	char insn[256];

	set_reg(e, UC_X86_REG_ESP, STACK_TOP);
	set_reg(e, UC_X86_REG_EBP, 0);
	if (push(e, arg) != 0 || push(e, STOP) != 0)
		return (-1);
	eip = func;
	e->ncalls = 0;
	for (;;) {
		if (e->faulted)
			return (-1);
		if (eip == STOP) {
			if (reg(e, UC_X86_REG_ESP) != STACK_TOP - 4) {
				fault(e, "stack imbalance: returned with ESP "
				    "%#x, expected %#x", reg(e, UC_X86_REG_ESP),
				    STACK_TOP - 4);
				return (-1);
			}
			return (0);
		}
		if (in(eip, STUBS, PAGE)) {
			if (run_stub(e, eip) != 0) {
				if (!e->faulted)
					fault(e, "stub failed at %#x", eip);
				return (-1);
			}
			eip = reg(e, UC_X86_REG_EIP);
			continue;
		}
		e->pc = eip;
		err = uc_emu_start(e->uc, eip, 0, TIMEOUT_US, 0);
		if (e->faulted)
			return (-1);
		eip = reg(e, UC_X86_REG_EIP);
		if (err != UC_ERR_OK) {
			instruction(e, e->pc, insn, sizeof(insn));
			fault(e, "%s, at %s", uc_strerror(err), insn);
			return (-1);
		}
		if (!in(eip, STUBS, PAGE)) {
			instruction(e, eip, insn, sizeof(insn));
			fault(e, "emulation stopped at %s (timeout?)", insn);
			return (-1);
		}
	}
}

static uint64_t
descriptor(uint32_t base, uint32_t limit, unsigned access, unsigned flags)
{

	return ((uint64_t)(limit & 0xffff) |
	    (uint64_t)(base & 0xffffff) << 16 |
	    (uint64_t)(access & 0xff) << 40 |
	    (uint64_t)((limit >> 16) & 0xf) << 48 |
	    (uint64_t)(flags & 0xf) << 52 |
	    (uint64_t)(base >> 24) << 56);
}

static int
map(struct emu *e, uint32_t a, uint32_t size, const char *what)
{
	uc_err err;

	if ((err = uc_mem_map(e->uc, a, size, UC_PROT_ALL)) != UC_ERR_OK) {
		fprintf(stderr, "emu: cannot map %s at %#x: %s\n", what, a,
		    uc_strerror(err));
		return (-1);
	}
	return (0);
}

/* The address space, the kernel structures, FS, the hooks. */
static int
setup(struct emu *e)
{
	const struct kload_set *s;
	unsigned char page[PAGE];
	static const struct {
		int		reg;
		uint32_t	sel;
	} segs[] = {
		{ UC_X86_REG_CS, GDT_CODE },
		{ UC_X86_REG_SS, GDT_DATA },
		{ UC_X86_REG_DS, GDT_DATA },
		{ UC_X86_REG_ES, GDT_DATA },
		{ UC_X86_REG_FS, GDT_FS },
	};
	uc_x86_mmr gdtr;
	uc_hook h;
	uint64_t gdt[4];
	uint64_t exits[NSTUBS + 2];
	unsigned char buf[8];
	uint32_t v;
	size_t i;
	uc_err err;

	if ((err = uc_open(UC_ARCH_X86, UC_MODE_32, &e->uc)) != UC_ERR_OK) {
		fprintf(stderr, "emu: uc_open: %s\n", uc_strerror(err));
		return (-1);
	}
	if (map(e, e->k.base, (uint32_t)e->k.size, "the module") != 0 ||
	    uc_mem_write(e->uc, e->k.base, e->k.image, e->k.size) !=
	    UC_ERR_OK)
		return (-1);
	s = &e->k.sets[PADKO_SET_VNET];
	for (v = 0; s->relocated && v < NVNETS; v++)
		if (map(e, VNET_AREA(v), area_size(e, PADKO_SET_VNET),
		    "a vnet area") != 0 ||
		    uc_mem_write(e->uc, VNET_AREA(v), s->init, s->size) !=
		    UC_ERR_OK)
			return (-1);
	s = &e->k.sets[PADKO_SET_PCPU];
	if (s->relocated && (map(e, PCPU_AREA, area_size(e, PADKO_SET_PCPU),
	    "the per-CPU area") != 0 ||
	    uc_mem_write(e->uc, PCPU_AREA, s->init, s->size) != UC_ERR_OK))
		return (-1);
	if (map(e, HEAP, HEAP_SIZE, "the heap") != 0 ||
	    map(e, STACK, STACK_SIZE, "the stack") != 0 ||
	    map(e, KDATA, KDATA_SIZE, "the kernel structures") != 0 ||
	    map(e, GDT, PAGE, "the GDT") != 0 ||
	    map(e, STUBS, PAGE, "the stubs") != 0)
		return (-1);
	e->heap_next = HEAP;
	memset(page, 0xcc, sizeof(page));		/* int3 */
	uc_mem_write(e->uc, STUBS, page, sizeof(page));

	/* struct pcpu, the thread, the vnets. */
	write32(e, KD_PCPU + PC_CURTHREAD, KD_THREAD);
	write32(e, KD_PCPU + PC_DYNAMIC, PCPU_AREA - PCPU_MASTER);
	for (v = 0; v < NVNETS; v++)
		write32(e, KD_VNET(v) + VNET_DATA_BASE, vnet_data_base(v));
	set_curvnet(e, 0);

	/*
	 * The GDT: flat ring-0 code and data, and FS, a data segment whose
	 * base is the pcpu.  Loading a segment register recomputes the CPU's
	 * 32-bit flags from the descriptors, so CS, SS, DS and ES are loaded
	 * too (with a null SS the stack would be 16-bit).
	 */
	gdt[0] = 0;
	gdt[1] = descriptor(0, 0xfffff, 0x9a, 0xc);
	gdt[2] = descriptor(0, 0xfffff, 0x92, 0xc);
	gdt[3] = descriptor(KD_PCPU, 0xfffff, 0x92, 0xc);
	for (i = 0; i < sizeof(gdt) / sizeof(gdt[0]); i++) {
		for (v = 0; v < 8; v++)
			buf[v] = (unsigned char)(gdt[i] >> (8 * v));
		uc_mem_write(e->uc, GDT + 8 * (uint32_t)i, buf, 8);
	}
	memset(&gdtr, 0, sizeof(gdtr));
	gdtr.base = GDT;
	gdtr.limit = sizeof(gdt) - 1;
	if ((err = uc_reg_write(e->uc, UC_X86_REG_GDTR, &gdtr)) != UC_ERR_OK)
		goto segfail;
	for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
		if ((err = uc_reg_write(e->uc, segs[i].reg, &segs[i].sel)) !=
		    UC_ERR_OK)
			goto segfail;

	/* Every stub, STOP and CONT end an emulation run. */
	for (i = 0; i < e->nstubs; i++)
		exits[i] = STUBS + (uint32_t)i * STUB_SLOT;
	exits[i++] = STOP;
	exits[i++] = CONT;
	if ((err = uc_ctl_exits_enable(e->uc)) != UC_ERR_OK ||
	    (err = uc_ctl_set_exits(e->uc, exits, i)) != UC_ERR_OK) {
		fprintf(stderr, "emu: cannot set exits: %s\n",
		    uc_strerror(err));
		return (-1);
	}

	if (uc_hook_add(e->uc, &h, UC_HOOK_CODE, (void *)hook_code, e, 1, 0) !=
	    UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_MEM_WRITE, (void *)hook_write, e,
	    1, 0) != UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_MEM_READ, (void *)hook_read, e,
	    1, 0) != UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)hook_unmapped,
	    e, 1, 0) != UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_INTR, (void *)hook_intr, e, 1, 0) !=
	    UC_ERR_OK ||
	    uc_hook_add(e->uc, &h, UC_HOOK_INSN_INVALID, (void *)hook_invalid,
	    e, 1, 0) != UC_ERR_OK) {
		fprintf(stderr, "emu: cannot add the hooks\n");
		return (-1);
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_32, &e->cs) == CS_ERR_OK) {
		cs_option(e->cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
		cs_option(e->cs, CS_OPT_DETAIL, CS_OPT_ON);
		e->have_cs = true;
	}
	return (0);
segfail:
	fprintf(stderr, "emu: cannot load the segment registers: %s\n",
	    uc_strerror(err));
	return (-1);
}

/* Reads set_sysinit_set; *np = 0 when the module has none. */
static int
read_sysinits(struct emu *e, struct sysinit **sip, size_t *np)
{
	struct sysinit *si, t;
	uint32_t start, stop, p;
	size_t i, j, n;

	*sip = NULL;
	*np = 0;
	if (kload_lookup(&e->k, "__start_set_sysinit_set", &start) != 0 ||
	    kload_lookup(&e->k, "__stop_set_sysinit_set", &stop) != 0)
		return (0);
	if (stop < start || (stop - start) % 4 != 0 ||
	    !within(start, stop - start, e->k.base, (uint32_t)e->k.size)) {
		note(e, "FAULT: set_sysinit_set [%#x, %#x) is not an array "
		    "of pointers in the module", start, stop);
		return (-1);
	}
	n = (stop - start) / 4;
	if (n == 0)
		return (0);
	if ((si = calloc(n, sizeof(*si))) == NULL)
		return (-1);
	for (i = 0; i < n; i++) {
		if (read32(e, start + 4 * (uint32_t)i, &p) != 0 ||
		    !within(p, 16, e->k.base, (uint32_t)e->k.size)) {
			note(e, "FAULT: set_sysinit_set[%zu] = %#x is not a "
			    "struct sysinit of the module", i, p);
			free(si);
			return (-1);
		}
		si[i].addr = p;
		si[i].index = (unsigned)i;
		read32(e, p, &si[i].subsystem);
		read32(e, p + 4, &si[i].order);
		read32(e, p + 8, &si[i].func);
		read32(e, p + 12, &si[i].udata);
	}
	/* linker_file_sysinit(): by subsystem, then order (stable). */
	for (i = 1; i < n; i++) {
		t = si[i];
		for (j = i; j > 0 && (si[j - 1].subsystem > t.subsystem ||
		    (si[j - 1].subsystem == t.subsystem &&
		    si[j - 1].order > t.order)); j--)
			si[j] = si[j - 1];
		si[j] = t;
	}
	*sip = si;
	*np = n;
	return (0);
}

/* After the SYSINITs: where the counters went, the required objects. */
static int
check(struct emu *e, char **nonzero, size_t nnonzero)
{
	const struct kload_set *s;
	const struct sym *sym;
	unsigned char *buf;
	uint32_t w, area, off, words, set;
	size_t i, j, ncopies, nfound;
	int kind, rc;
	unsigned v;

	rc = 0;
	s = &e->k.sets[PADKO_SET_VNET];
	nfound = 0;
	for (i = 0; i < e->ncounters; i++) {
		if (!s->relocated) {
			note(e, "FAIL: counter %#x allocated, but the module "
			    "has no relocated set_vnet", e->counters[i].addr);
			rc = 1;
			break;
		}
		area = VNET_AREA(e->counters[i].vnet);
		for (off = 0; off + 4 <= s->size; off += 4)
			if (read32(e, area + off, &w) == 0 &&
			    w == e->counters[i].addr)
				break;
		if (off + 4 > s->size) {
			note(e, "FAIL: counter %#x allocated for vnet%u is not "
			    "stored in vnet%u's copy of set_vnet",
			    e->counters[i].addr, e->counters[i].vnet,
			    e->counters[i].vnet);
			rc = 1;
		} else
			nfound++;
	}
	if (e->ncounters > 0 && nfound == e->ncounters)
		note(e, "ok: all %zu counters allocated by counter_u64_alloc() "
		    "are stored in the copy of set_vnet of their vnet",
		    e->ncounters);

	for (i = 0; i < nnonzero; i++) {
		if ((sym = find_symbol(e, nonzero[i])) == NULL) {
			note(e, "FAIL: --check-nonzero %s: no such symbol",
			    nonzero[i]);
			rc = 1;
			continue;
		}
		for (kind = 0; kind < PADKO_NSET_KINDS; kind++) {
			s = &e->k.sets[kind];
			set = s->start - e->k.relocbase;
			if (s->relocated && sym->value >= set &&
			    sym->size <= s->size &&
			    sym->value - set <= s->size - sym->size)
				break;
		}
		if (kind == PADKO_NSET_KINDS || sym->size == 0) {
			note(e, "FAIL: --check-nonzero %s: not an object of a "
			    "relocated set", nonzero[i]);
			rc = 1;
			continue;
		}
		if ((buf = malloc(sym->size)) == NULL)
			return (1);
		ncopies = kind == PADKO_SET_VNET ? NVNETS : 1;
		for (v = 0; v < ncopies; v++) {
			area = kind == PADKO_SET_VNET ? VNET_AREA(v) :
			    PCPU_AREA;
			area += sym->value - (s->start - e->k.relocbase);
			uc_mem_read(e->uc, area, buf, sym->size);
			words = 0;
			for (j = 0; j + 4 <= sym->size; j += 4)
				if ((buf[j] | buf[j + 1] | buf[j + 2] |
				    buf[j + 3]) != 0)
					words++;
			if (words != sym->size / 4 || sym->size % 4 != 0) {
				note(e, "FAIL: %s in %s%u's copy of %s: %u of "
				    "%u words set", nonzero[i],
				    kind == PADKO_SET_VNET ? "vnet" : "cpu", v,
				    set_names[kind], words, sym->size / 4);
				rc = 1;
			} else
				note(e, "ok: %s in %s%u's copy of %s: all %u "
				    "words set", nonzero[i],
				    kind == PADKO_SET_VNET ? "vnet" : "cpu", v,
				    set_names[kind], words);
		}
		free(buf);
	}
	return (rc);
}

static int
read_file(const char *path, unsigned char **bufp, size_t *sizep)
{
	FILE *f;
	unsigned char *buf, *nbuf;
	size_t size, cap, n;

	if ((f = fopen(path, "rb")) == NULL)
		return (-1);
	buf = NULL;
	size = cap = 0;
	for (;;) {
		if (size == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return (-1);
			}
			buf = nbuf;
		}
		n = fread(buf + size, 1, cap - size, f);
		size += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return (-1);
	}
	fclose(f);
	*bufp = buf;
	*sizep = size;
	return (0);
}

static void
usage(void)
{

	fprintf(stderr, "usage: emu [-v] [--kernel current|legacy] "
	    "[--check-nonzero SYMBOL]... module.ko\n");
	exit(2);
}

static const struct option long_options[] = {
	{ "kernel",		required_argument,	NULL,	'k' },
	{ "check-nonzero",	required_argument,	NULL,	'n' },
	{ "verbose",		no_argument,		NULL,	'v' },
	{ "help",		no_argument,		NULL,	'h' },
	{ NULL,			0,			NULL,	0 }
};

int
main(int argc, char **argv)
{
	struct padko_error err;
	struct sysinit *si;
	struct emu e;
	unsigned char *file;
	char *nonzero[16];
	char a[128], b[128], c[128], ctx[1024];
	size_t size, nsi, nnonzero, i;
	int ch, kind, rc;

	memset(&e, 0, sizeof(e));
	e.kernel = PADKO_KERNEL_CURRENT;
	nnonzero = 0;
	while ((ch = getopt_long(argc, argv, "hv", long_options, NULL)) !=
	    -1) {
		switch (ch) {
		case 'k':
			if (strcmp(optarg, "current") == 0)
				e.kernel = PADKO_KERNEL_CURRENT;
			else if (strcmp(optarg, "legacy") == 0)
				e.kernel = PADKO_KERNEL_LEGACY;
			else
				usage();
			break;
		case 'n':
			if (nnonzero == sizeof(nonzero) / sizeof(nonzero[0]))
				usage();
			nonzero[nnonzero++] = optarg;
			break;
		case 'v':
			e.verbose = true;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	e.path = argv[optind];
	if (elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "emu: libelf: %s\n", elf_errmsg(-1));
		return (2);
	}
	if (read_file(e.path, &file, &size) != 0) {
		fprintf(stderr, "emu: %s: %s\n", e.path, strerror(errno));
		return (2);
	}

	/* kldload: the loader model, with the stubs as the kernel. */
	e.k.kernel = e.kernel;
	e.k.base = IMAGE_BASE;
	e.k.set_dest[PADKO_SET_VNET] = VNET_MASTER;
	e.k.set_dest[PADKO_SET_PCPU] = PCPU_MASTER;
	e.k.resolve = resolve;
	e.k.resolve_arg = &e;
	memset(&err, 0, sizeof(err));
	if (kload_run(&e.k, file, size, e.path, &err) != 0) {
		fprintf(stderr, "emu: %s\n", err.msg);
		free(file);
		kload_free(&e.k);
		return (2);
	}
	if (!e.k.accepted) {
		note(&e, "kernel %s: kldload refused: %s",
		    e.kernel == PADKO_KERNEL_CURRENT ? "current" : "legacy",
		    e.k.message);
		free(file);
		kload_free(&e.k);
		return (1);
	}
	load_symbols(&e, file, size);
	free(file);
	note(&e, "kernel %s: loaded at %#x (%#" PRIx64 " bytes), %zu kernel "
	    "functions stubbed", e.kernel == PADKO_KERNEL_CURRENT ? "current" :
	    "legacy", e.k.base, e.k.size, e.nstubs);
	for (kind = 0; kind < PADKO_NSET_KINDS; kind++) {
		const struct kload_set *s = &e.k.sets[kind];

		if (!s->relocated) {
			note(&e, "%s: %s", set_names[kind], s->present ?
			    "not relocated (padding only)" : "absent");
			continue;
		}
		if (kind == PADKO_SET_VNET)
			note(&e, "%s: [%#x, %#x) -> %#x; vnet0 at %#x "
			    "(vnet_data_base %#x), vnet1 at %#x "
			    "(vnet_data_base %#x)", set_names[kind], s->start,
			    s->stop, s->dest, VNET_AREA(0), vnet_data_base(0),
			    VNET_AREA(1), vnet_data_base(1));
		else
			note(&e, "%s: [%#x, %#x) -> %#x; cpu0 at %#x "
			    "(pc_dynamic %#x)", set_names[kind], s->start,
			    s->stop, s->dest, PCPU_AREA,
			    PCPU_AREA - PCPU_MASTER);
	}

	rc = 1;
	si = NULL;
	if (setup(&e) != 0 || read_sysinits(&e, &si, &nsi) != 0)
		goto out;
	note(&e, "%zu SYSINITs", nsi);
	for (i = 0; i < nsi; i++) {
		if (si[i].subsystem == SI_SUB_DUMMY)
			continue;
		e.running = &si[i];
		name_of(&e, si[i].addr, a, sizeof(a));
		name_of(&e, si[i].func, b, sizeof(b));
		name_of(&e, si[i].udata, c, sizeof(c));
		note(&e, "SYSINIT %zu/%zu %s (subsystem %#x, order %#x): "
		    "%s(%s)", i + 1, nsi, a, si[i].subsystem, si[i].order, b,
		    c);
		if (call(&e, si[i].func, si[i].udata) != 0) {
			context(&e, ctx, sizeof(ctx));
			note(&e, "FAULT %s:\n  %s", ctx, e.fault);
			goto out;
		}
	}
	e.running = NULL;
	for (i = 0; i < e.nstubs; i++)
		if (e.stubs[i].calls > 0)
			note(&e, "stub %s: %lu calls", e.stubs[i].name,
			    e.stubs[i].calls);
	if (check(&e, nonzero, nnonzero) != 0)
		goto out;
	note(&e, "OK: loaded, %zu SYSINITs ran without a fault", nsi);
	rc = 0;
out:
	free(si);
	if (e.have_cs)
		cs_close(&e.cs);
	if (e.uc != NULL)
		uc_close(e.uc);
	for (i = 0; i < e.nstubs; i++)
		free(e.stubs[i].name);
	free(e.syms);
	free(e.strings);
	kload_free(&e.k);
	return (rc);
}
