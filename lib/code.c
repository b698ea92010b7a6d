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
 * Reading the code around a relocated field: which instruction holds it,
 * and whether the address it forms is a per-vnet or per-CPU access (a base
 * register loaded through %fs) or a plain address.  The analysis is a
 * bounded backward scan over the containing function, following register
 * copies, pointer arithmetic, stack spills and one loop back-edge; it is
 * not a decompiler, and says "cannot tell" whenever a chain breaks.
 * boundary.c asks it; it reads only the module (module.c) and relocation
 * entries (reloc.c).
 *
 * The shapes it recognises (kernel-contract.md):
 *	per-vnet base:	%fs:0 (curthread) -> [+td_vnet] -> [+vnet_data_base]
 *	per-CPU base:	%fs:<offset of pc_dynamic>, one load
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <capstone/capstone.h>

#include "module.h"

#define	TRACE_DEPTH	12
#define	FORWARD_SCAN	32

/* Where a register's value came from. */
enum origin_kind {
	ORIGIN_UNKNOWN,		/* the chain broke: cannot tell */
	ORIGIN_PLAIN,		/* a constant, a global, a computed number */
	ORIGIN_FS,		/* a chain of loads rooted at %fs:disp */
	ORIGIN_LOADED		/* loaded from [pointer + load_disp[0]], the
				   pointer not rooted at %fs (a struct vnet *
				   from an argument, a list, a saved curvnet) */
};

struct origin {
	enum origin_kind	kind;
	int64_t			fs_disp;
	int			loads;
	int64_t			load_disp[2];	/* of the first two loads */
	int64_t			stride;		/* a computed number: the
						   step it is a multiple of
						   (imul, shl), or 0 */
	char			why[112];
};

/*
 * The base shapes this module's own code uses for accesses strictly
 * inside its sets: per-vnet chains %fs:0 -> [+a] -> [+b] and per-CPU
 * offsets %fs:c.  Field offsets differ between FreeBSD versions, so a
 * boundary site counts as per-vnet/per-CPU only with a shape the module
 * is seen to use (or, for per-vnet, with no such evidence at all, the
 * offset of vnet_data_base in any FreeBSD's struct vnet).
 */
#define	MAX_SHAPES	8
#define	CALIBRATION_SITES 4096	/* sites decoded at most */
#define	CALIBRATION_ENOUGH 16	/* %fs-based accesses seen per set kind */
#define	CALIBRATION_WINDOW 96	/* bytes decoded before each site */

struct base_shapes {
	int64_t		vnet[MAX_SHAPES][2];
	size_t		nvnet;
	int64_t		pcpu[MAX_SHAPES];
	size_t		npcpu;
};

/* One decoded function, kept while sites in it are examined. */
struct decoded_fn {
	GElf_Addr	 start;
	GElf_Addr	 end;
	cs_insn		*insns;
	cs_detail	*details;	/* insns[i].detail, kept between uses */
	size_t		 n;
	size_t		 cap;
	size_t		 trusted;	/* insns[trusted ...] are in step */
	bool		 partial;	/* a window, not the whole function */
};

/*
 * Instructions at the start of a window that begins inside a function
 * are not relied on: decoding from an arbitrary byte falls into step with
 * the real instruction stream within a few instructions.
 */
#define	WINDOW_SETTLE	4
struct code_reader {
	struct module		*m;		/* its lookups cache in it */
	csh			 cs;		/* Intel syntax, with details */
	csh			 att;		/* AT&T syntax, for text */
	GElf_Addr		*starts;	/* candidate function starts */
	size_t			 nstarts;
	struct decoded_fn	 whole;		/* the last function decoded */
	struct decoded_fn	 window;	/* the last window decoded */
	struct decoded_fn	*fn;		/* the one being read */
	struct base_shapes	 shapes;
	bool			 calibrated;
};

/*
 * Sorts addresses that fit in 32 bits (ELF32 section addresses and symbol
 * values), a byte at a time: tens of thousands of function starts sort in
 * a fraction of what qsort() takes.  tmp has room for n addresses.
 */
static void
sort_addrs(GElf_Addr *a, GElf_Addr *tmp, size_t n)
{
	GElf_Addr *src, *dst, *t;
	size_t count[256], i, sum, c;
	int shift;

	src = a;
	dst = tmp;
	for (shift = 0; shift < 32; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xff]++;
		for (sum = 0, i = 0; i < 256; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	/* Four passes: the result is back in a. */
}

static bool
is_code(const struct section *s)
{

	return (s != NULL && (s->shdr.sh_flags & SHF_EXECINSTR) &&
	    s->shdr.sh_type == SHT_PROGBITS && s->data != NULL);
}

/* Adds the FUNC symbols of a table that lie in code as function starts. */
static void
add_symbol_starts(struct code_reader *r, const struct section *symsec)
{
	const struct module *m = r->m;
	const Elf32_Sym *sym;
	size_t i, n;

	if (symsec == NULL || symsec->data == NULL)
		return;
	sym = symsec->data->d_buf;
	n = symsec->data->d_size / sizeof(*sym);
	for (i = 1; i < n; i++)
		if (ELF32_ST_TYPE(sym[i].st_info) == STT_FUNC &&
		    sym[i].st_shndx < m->nsections &&
		    is_code(&m->sections[sym[i].st_shndx]))
			r->starts[r->nstarts++] = sym[i].st_value;
}

static void calibrate(struct code_reader *r);

static pthread_once_t code_warm = PTHREAD_ONCE_INIT;

/*
 * Capstone 4 fills some tables on first use without a lock: decode and
 * name a few instructions and registers once, before any thread decodes
 * (pthread_once: modules without a site to examine never pay for it).
 */
static void
code_warm_up(void)
{
	static const unsigned char sample[] = {
		0x64, 0xa1, 0x00, 0x00, 0x00, 0x00,	/* mov %fs:0,%eax */
		0x8b, 0x4c, 0x30, 0x10,			/* mov 0x10(%eax,%esi),%ecx */
		0x68, 0x00, 0x10, 0x00, 0x00		/* push $0x1000 */
	};
	cs_regs rd, wr;
	uint8_t nrd, nwr;
	cs_insn *in;
	csh cs, att;
	size_t i, n;

	if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK)
		return;
	if (cs_open(CS_ARCH_X86, CS_MODE_32, &att) != CS_ERR_OK) {
		cs_close(&cs);
		return;
	}
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	cs_option(att, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	n = cs_disasm(cs, sample, sizeof(sample), 0, 0, &in);
	for (i = 0; i < n; i++) {
		(void)cs_regs_access(cs, &in[i], rd, &nrd, wr, &nwr);
		(void)cs_insn_group(cs, &in[i], CS_GRP_JUMP);
		(void)cs_reg_name(cs, X86_REG_EAX);
	}
	if (n > 0)
		cs_free(in, n);
	n = cs_disasm(att, sample, sizeof(sample), 0, 0, &in);
	if (n > 0) {
		(void)cs_reg_name(att, X86_REG_ECX);
		cs_free(in, n);
	}
	cs_close(&cs);
	cs_close(&att);
}

struct code_reader *
code_reader_new(struct module *m, struct padko_error *err)
{
	struct code_reader *r;
	GElf_Addr *tmp;
	size_t max, i;

	(void)pthread_once(&code_warm, code_warm_up);
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		padko_fail(err, EX_OSERR, "%s: out of memory", m->path);
		return (NULL);
	}
	r->m = m;
	r->fn = &r->whole;
	max = m->nsections;
	if (m->symtab != NULL && m->symtab->data != NULL)
		max += m->symtab->data->d_size / sizeof(Elf32_Sym);
	if (m->dynsym != NULL && m->dynsym->data != NULL)
		max += m->dynsym->data->d_size / sizeof(Elf32_Sym);
	if ((r->starts = calloc(max, sizeof(*r->starts))) == NULL ||
	    (tmp = calloc(max, sizeof(*tmp))) == NULL) {
		free(r->starts);
		free(r);
		padko_fail(err, EX_OSERR, "%s: out of memory", m->path);
		return (NULL);
	}
	for (i = 1; i < m->nsections; i++)
		if (is_code(&m->sections[i]))
			r->starts[r->nstarts++] = m->sections[i].shdr.sh_addr;
	add_symbol_starts(r, m->symtab);
	add_symbol_starts(r, m->dynsym);
	sort_addrs(r->starts, tmp, r->nstarts);
	free(tmp);
	if (cs_open(CS_ARCH_X86, CS_MODE_32, &r->cs) != CS_ERR_OK ||
	    cs_open(CS_ARCH_X86, CS_MODE_32, &r->att) != CS_ERR_OK) {
		free(r->starts);
		free(r);
		padko_fail(err, EX_SOFTWARE, "capstone: cannot open the x86 "
		    "decoder");
		return (NULL);
	}
	cs_option(r->cs, CS_OPT_DETAIL, CS_OPT_ON);
	cs_option(r->att, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	return (r);
}

void
code_reader_free(struct code_reader *r)
{

	if (r == NULL)
		return;
	free(r->whole.insns);
	free(r->whole.details);
	free(r->window.insns);
	free(r->window.details);
	cs_close(&r->cs);
	cs_close(&r->att);
	free(r->starts);
	free(r);
}

/* The 32-bit general register that r is part of, or X86_REG_INVALID. */
static x86_reg
gpr32(unsigned r)
{

	switch (r) {
	case X86_REG_AL: case X86_REG_AH: case X86_REG_AX: case X86_REG_EAX:
		return (X86_REG_EAX);
	case X86_REG_BL: case X86_REG_BH: case X86_REG_BX: case X86_REG_EBX:
		return (X86_REG_EBX);
	case X86_REG_CL: case X86_REG_CH: case X86_REG_CX: case X86_REG_ECX:
		return (X86_REG_ECX);
	case X86_REG_DL: case X86_REG_DH: case X86_REG_DX: case X86_REG_EDX:
		return (X86_REG_EDX);
	case X86_REG_SI: case X86_REG_ESI:
		return (X86_REG_ESI);
	case X86_REG_DI: case X86_REG_EDI:
		return (X86_REG_EDI);
	case X86_REG_BP: case X86_REG_EBP:
		return (X86_REG_EBP);
	case X86_REG_SP: case X86_REG_ESP:
		return (X86_REG_ESP);
	}
	return (X86_REG_INVALID);
}

static bool
is_call(const cs_insn *in)
{

	return (in->id == X86_INS_CALL);
}

/* Whether an instruction writes (part of) a 32-bit register. */
static bool
writes_reg(const struct code_reader *r, const cs_insn *in, x86_reg reg)
{
	cs_regs rd, wr;
	uint8_t nrd, nwr, i;

	if (is_call(in) && (reg == X86_REG_EAX || reg == X86_REG_ECX ||
	    reg == X86_REG_EDX))
		return (true);
	if (cs_regs_access(r->cs, in, rd, &nrd, wr, &nwr) != CS_ERR_OK)
		return (true);
	for (i = 0; i < nwr; i++)
		if (gpr32(wr[i]) == reg)
			return (true);
	return (false);
}

/*
 * Decodes the function starting at start, ending before end, or (partial)
 * a window of it.
 */
static bool
decode_fn(struct code_reader *r, const struct section *s, GElf_Addr start,
    GElf_Addr end, bool partial, size_t settle)
{
	struct decoded_fn *fn;
	const uint8_t *code;
	cs_insn *insns;
	cs_detail *details;
	uint64_t addr;
	size_t size, i, cap;

	fn = partial ? &r->window : &r->whole;
	r->fn = fn;
	if (fn->n > 0 && fn->start == start && fn->end == end &&
	    fn->trusted == settle)
		return (true);
	fn->n = 0;
	code = (const uint8_t *)s->data->d_buf + (start - s->shdr.sh_addr);
	size = end - start;
	addr = start;
	/*
	 * One instruction at a time into buffers kept from the last time:
	 * cs_disasm() allocates and clears a large buffer at each call,
	 * which costs more than decoding a short window.
	 */
	for (;;) {
		if (fn->n == fn->cap) {
			cap = fn->cap < 64 ? 64 : 2 * fn->cap;
			insns = realloc(fn->insns, cap * sizeof(*insns));
			if (insns != NULL)
				fn->insns = insns;
			details = realloc(fn->details, cap * sizeof(*details));
			if (details != NULL)
				fn->details = details;
			if (insns == NULL || details == NULL)
				break;
			fn->cap = cap;
			for (i = 0; i < fn->cap; i++)
				fn->insns[i].detail = &fn->details[i];
		}
		if (!cs_disasm_iter(r->cs, &code, &size, &addr,
		    &fn->insns[fn->n]))
			break;
		fn->n++;
	}
	if (fn->n <= settle)
		return (false);
	fn->trusted = settle;
	fn->start = start;
	fn->end = end;
	fn->partial = partial;
	return (true);
}

/* The index of the decoded instruction that holds the 4 bytes at where. */
static ssize_t
insn_holding(const struct decoded_fn *fn, GElf_Addr where)
{
	size_t lo, hi, mid;

	lo = 0;
	hi = fn->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (fn->insns[mid].address <= where)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return (-1);
	lo--;
	if (where + 4 <= fn->insns[lo].address + fn->insns[lo].size)
		return ((ssize_t)lo);
	return (-1);
}

/*
 * Finds and decodes the instruction holding where, trying function starts
 * from the nearest one down, so that a decoding that drifted out of step
 * (data or padding in code) is retried from an earlier known start.
 */
/* The index in r->starts of the first function start above where. */
static size_t
starts_above(const struct code_reader *r, GElf_Addr where)
{
	size_t lo, hi, mid;

	lo = 0;
	hi = r->nstarts;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->starts[mid] <= where)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

static ssize_t
locate(struct code_reader *r, const struct section *s, GElf_Addr where)
{
	GElf_Addr end, secend;
	size_t lo, tries;
	ssize_t i;

	secend = s->shdr.sh_addr + s->shdr.sh_size;
	lo = starts_above(r, where);
	end = lo < r->nstarts && r->starts[lo] < secend ? r->starts[lo] :
	    secend;
	for (tries = 0; lo > 0 && tries < 4; tries++) {
		lo--;
		if (r->starts[lo] < s->shdr.sh_addr)
			break;
		if (lo + 1 < r->nstarts && r->starts[lo] == r->starts[lo + 1])
			continue;
		if (decode_fn(r, s, r->starts[lo], end, false, 0) &&
		    (i = insn_holding(r->fn, where)) >= 0)
			return (i);
	}
	return (-1);
}

/*
 * The index of the instruction holding the relocated field at where in a
 * decoding of [start, end) whose first settle instructions are not relied
 * on, or -1: the field must be its 4-byte displacement or immediate.
 */
static ssize_t
field_insn(struct code_reader *r, const struct section *s, GElf_Addr start,
    GElf_Addr end, size_t settle, GElf_Addr where)
{
	const cs_x86 *x;
	GElf_Addr off;
	ssize_t at;

	if (!decode_fn(r, s, start, end, true, settle) ||
	    (at = insn_holding(r->fn, where)) < (ssize_t)settle)
		return (-1);
	x = &r->fn->insns[at].detail->x86;
	off = where - r->fn->insns[at].address;
	if ((x->encoding.disp_offset == off && x->encoding.disp_size == 4) ||
	    (x->encoding.imm_offset == off && x->encoding.imm_size == 4))
		return (at);
	return (-1);
}

/*
 * Like locate(), in a window of the function around where: before bytes
 * before it (from the function's start when that is nearer) and after
 * bytes after it.  What the window cannot show (a definition before it, a
 * use after it, a loop) leaves the evidence undecided, and code_examine()
 * then reads the whole function.
 */
static ssize_t
locate_window(struct code_reader *r, const struct section *s,
    GElf_Addr where, GElf_Addr before, GElf_Addr after)
{
	GElf_Addr fstart, fend, secend;
	size_t lo;

	secend = s->shdr.sh_addr + s->shdr.sh_size;
	lo = starts_above(r, where);
	if (lo == 0 || r->starts[lo - 1] < s->shdr.sh_addr)
		return (-1);
	fstart = r->starts[lo - 1];
	fend = lo < r->nstarts && r->starts[lo] < secend ? r->starts[lo] :
	    secend;
	if (fend > where + after)
		fend = where + after;
	if (where - fstart <= before)
		return (field_insn(r, s, fstart, fend, 0, where));
	return (field_insn(r, s, where - before, fend, WINDOW_SETTLE, where));
}

static const char *
reg_name(const struct code_reader *r, x86_reg reg)
{
	const char *n;

	n = cs_reg_name(r->att, reg);
	return (n != NULL ? n : "?");
}

static void trace_reg(const struct code_reader *r, size_t at, x86_reg reg,
    int depth, struct origin *o);

static void
set_origin(struct origin *o, enum origin_kind kind, const char *why)
{

	o->kind = kind;
	o->fs_disp = 0;
	o->loads = 0;
	o->stride = 0;
	snprintf(o->why, sizeof(o->why), "%s", why);
}

/*
 * Combines the origins of two registers added together: a base (rooted at
 * %fs, or loaded through a pointer) wins over a plain number.
 */
static void
combine(struct origin *a, const struct origin *b)
{

	if (a->kind == ORIGIN_FS)
		return;
	if (b->kind == ORIGIN_FS || a->kind == ORIGIN_PLAIN ||
	    (a->kind == ORIGIN_LOADED && b->kind == ORIGIN_UNKNOWN))
		*a = *b;
}

/* Whether a backward branch after instruction at returns to it or before. */
static bool
has_back_edge(const struct code_reader *r, size_t at)
{
	const cs_insn *in;
	const cs_x86 *x;
	size_t i;

	if (r->fn->partial)
		return (false);
	for (i = at + 1; i < r->fn->n; i++) {
		in = &r->fn->insns[i];
		if (!cs_insn_group(r->cs, in, CS_GRP_JUMP))
			continue;
		x = &in->detail->x86;
		if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM &&
		    (GElf_Addr)x->operands[0].imm <= r->fn->insns[at].address)
			return (true);
	}
	return (false);
}

/*
 * The index of the last instruction before `at' that writes reg, looking
 * around a loop back-edge when nothing before it in the function does.
 */
static ssize_t
find_def(const struct code_reader *r, size_t at, x86_reg reg)
{
	size_t i;

	for (i = at; i > r->fn->trusted; i--)
		if (writes_reg(r, &r->fn->insns[i - 1], reg))
			return ((ssize_t)(i - 1));
	if (!has_back_edge(r, at))
		return (-1);
	for (i = r->fn->n; i > at + 1; i--)
		if (writes_reg(r, &r->fn->insns[i - 1], reg))
			return ((ssize_t)(i - 1));
	return (-1);
}

/* Follows a reload from a stack slot back to the register stored there. */
static void
trace_stack_slot(const struct code_reader *r, size_t at,
    const x86_op_mem *slot, int depth, struct origin *o)
{
	const cs_insn *in;
	const cs_x86 *x;
	size_t i;

	for (i = at; i > r->fn->trusted; i--) {
		in = &r->fn->insns[i - 1];
		x = &in->detail->x86;
		if (slot->base == X86_REG_ESP && (in->id == X86_INS_PUSH ||
		    in->id == X86_INS_POP || is_call(in) ||
		    writes_reg(r, in, X86_REG_ESP)))
			break;
		if (in->id == X86_INS_MOV && x->op_count == 2 &&
		    x->operands[0].type == X86_OP_MEM &&
		    x->operands[0].mem.base == slot->base &&
		    x->operands[0].mem.index == X86_REG_INVALID &&
		    x->operands[0].mem.disp == slot->disp &&
		    x->operands[1].type == X86_OP_REG) {
			trace_reg(r, i - 1, gpr32(x->operands[1].reg),
			    depth + 1, o);
			return;
		}
	}
	set_origin(o, ORIGIN_UNKNOWN, "a stack slot (an argument?)");
}

/* Where the value loaded by a memory operand comes from. */
static void
trace_load(const struct code_reader *r, size_t at, const x86_op_mem *mem,
    int depth, struct origin *o)
{
	size_t len;

	if (mem->segment == X86_REG_FS) {
		if (mem->base != X86_REG_INVALID ||
		    mem->index != X86_REG_INVALID) {
			set_origin(o, ORIGIN_UNKNOWN, "an indexed %fs load");
			return;
		}
		o->kind = ORIGIN_FS;
		o->fs_disp = mem->disp;
		o->loads = 0;
		snprintf(o->why, sizeof(o->why), "%%fs:%#jx",
		    (uintmax_t)mem->disp);
		return;
	}
	/*
	 * A pointer loaded from memory is no evidence either way: a vnet
	 * list walk (VNET_FOREACH) or dpcpu_off[cpu] loads a per-vnet or
	 * per-CPU base that way, without %fs.
	 */
	if (mem->base == X86_REG_INVALID && mem->index == X86_REG_INVALID) {
		set_origin(o, ORIGIN_UNKNOWN, "loaded from a global variable");
		return;
	}
	if ((mem->base == X86_REG_ESP || mem->base == X86_REG_EBP) &&
	    mem->index == X86_REG_INVALID) {
		trace_stack_slot(r, at, mem, depth, o);
		return;
	}
	if (mem->base == X86_REG_INVALID) {
		set_origin(o, ORIGIN_UNKNOWN, "loaded from a table");
		return;
	}
	trace_reg(r, at, gpr32(mem->base), depth + 1, o);
	if (o->kind == ORIGIN_FS) {
		if (o->loads < 2)
			o->load_disp[o->loads] = mem->disp;
		o->loads++;
		len = strlen(o->why);
		snprintf(o->why + len, sizeof(o->why) - len, " -> [%c%#jx]",
		    mem->disp < 0 ? '-' : '+', (uintmax_t)(mem->disp < 0 ?
		    -mem->disp : mem->disp));
	} else {
		/*
		 * Kept as a load at a known offset: the last load of a
		 * per-vnet base is vnet->vnet_data_base whatever register
		 * the struct vnet * came from (origin_access()).
		 */
		o->kind = ORIGIN_LOADED;
		o->fs_disp = 0;
		o->loads = 1;
		o->load_disp[0] = mem->disp;
		snprintf(o->why, sizeof(o->why), "[%c%#jx] of a pointer not "
		    "based on %%fs", mem->disp < 0 ? '-' : '+',
		    (uintmax_t)(mem->disp < 0 ? -mem->disp : mem->disp));
	}
}

/* The origin of an address formed by a memory operand (lea, or access). */
static void
trace_address(const struct code_reader *r, size_t at, const x86_op_mem *mem,
    int depth, struct origin *o)
{
	struct origin idx;

	set_origin(o, ORIGIN_PLAIN, "a constant address");
	if (mem->base != X86_REG_INVALID)
		trace_reg(r, at, gpr32(mem->base), depth + 1, o);
	if (mem->index != X86_REG_INVALID && mem->scale == 1) {
		trace_reg(r, at, gpr32(mem->index), depth + 1, &idx);
		if (mem->base == X86_REG_INVALID)
			*o = idx;
		else
			combine(o, &idx);
	}
}

/*
 * A number computed by imul with a constant or shl by one: a plain value,
 * and the step it is a multiple of (what an index walks an array by).
 */
static void
trace_multiple(const cs_insn *in, struct origin *o)
{
	const cs_x86 *x = &in->detail->x86;

	set_origin(o, ORIGIN_PLAIN, "a computed number");
	if (in->id == X86_INS_IMUL && x->op_count == 3 &&
	    x->operands[2].type == X86_OP_IMM && x->operands[2].imm > 0)
		o->stride = x->operands[2].imm;
	else if (in->id == X86_INS_SHL && x->op_count == 2 &&
	    x->operands[1].type == X86_OP_IMM && x->operands[1].imm > 0 &&
	    x->operands[1].imm < 31)
		o->stride = (int64_t)1 << x->operands[1].imm;
	if (o->stride != 0)
		snprintf(o->why, sizeof(o->why), "a multiple of %jd",
		    (intmax_t)o->stride);
}

/*
 * Where the value of reg just before instruction `at' comes from: found
 * by walking back to its definition.
 */
static void
trace_reg(const struct code_reader *r, size_t at, x86_reg reg, int depth,
    struct origin *o)
{
	const cs_insn *in;
	const cs_x86 *x;
	struct origin b;
	ssize_t d;

	if (reg == X86_REG_INVALID || depth > TRACE_DEPTH) {
		set_origin(o, ORIGIN_UNKNOWN, "too long a chain");
		return;
	}
	if (reg == X86_REG_ESP) {
		set_origin(o, ORIGIN_PLAIN, "the stack pointer");
		return;
	}
	if ((d = find_def(r, at, reg)) < 0) {
		set_origin(o, ORIGIN_UNKNOWN, "a value from the caller");
		return;
	}
	in = &r->fn->insns[d];
	x = &in->detail->x86;
	if (is_call(in)) {
		set_origin(o, ORIGIN_UNKNOWN, "the result of a call");
		return;
	}
	switch (in->id) {
	case X86_INS_MOV:
		if (x->op_count != 2 || x->operands[0].type != X86_OP_REG)
			break;
		switch (x->operands[1].type) {
		case X86_OP_MEM:
			trace_load(r, (size_t)d, &x->operands[1].mem, depth,
			    o);
			return;
		case X86_OP_REG:
			trace_reg(r, (size_t)d, gpr32(x->operands[1].reg),
			    depth + 1, o);
			return;
		case X86_OP_IMM:
			set_origin(o, ORIGIN_PLAIN, "a constant");
			return;
		default:
			break;
		}
		break;
	case X86_INS_LEA:
		trace_address(r, (size_t)d, &x->operands[1].mem, depth, o);
		return;
	case X86_INS_ADD:
	case X86_INS_SUB:
		trace_reg(r, (size_t)d, reg, depth + 1, o);
		if (x->op_count == 2 && x->operands[1].type == X86_OP_REG &&
		    in->id == X86_INS_ADD) {
			trace_reg(r, (size_t)d, gpr32(x->operands[1].reg),
			    depth + 1, &b);
			combine(o, &b);
		}
		return;
	case X86_INS_INC:
	case X86_INS_DEC:
		trace_reg(r, (size_t)d, reg, depth + 1, o);
		return;
	case X86_INS_XOR:
		if (x->op_count == 2 && x->operands[1].type == X86_OP_REG &&
		    gpr32(x->operands[1].reg) == reg) {
			set_origin(o, ORIGIN_PLAIN, "zero");
			return;
		}
		break;
	case X86_INS_IMUL:
	case X86_INS_SHL:
		trace_multiple(in, o);
		return;
	case X86_INS_MOVZX:
	case X86_INS_MOVSX:
	case X86_INS_SHR:
	case X86_INS_SAR:
	case X86_INS_NEG:
	case X86_INS_NOT:
		set_origin(o, ORIGIN_PLAIN, "a computed number");
		return;
	default:
		break;
	}
	snprintf(o->why, sizeof(o->why), "set by %s", in->mnemonic);
	o->kind = ORIGIN_UNKNOWN;
}

/* Whether a chain's shape is one this module uses inside its sets. */
static bool
known_vnet(const struct code_reader *r, const struct origin *o)
{
	size_t i;

	if (r->shapes.nvnet == 0)
		return (o->load_disp[1] == 0x18 || o->load_disp[1] == 0x1c);
	for (i = 0; i < r->shapes.nvnet; i++)
		if (r->shapes.vnet[i][0] == o->load_disp[0] &&
		    r->shapes.vnet[i][1] == o->load_disp[1])
			return (true);
	return (false);
}

/*
 * Whether a load at disp from a struct vnet * not reached through %fs is
 * the vnet_data_base of this module's per-vnet accesses (the last load of
 * their chains), or, with no such access to learn from, of a FreeBSD
 * release (0x18 on 10.x, 0x1c from 11 on).
 */
static bool
known_vnet_data_base(const struct code_reader *r, int64_t disp)
{
	size_t i;

	if (r->shapes.nvnet == 0)
		return (disp == 0x18 || disp == 0x1c);
	for (i = 0; i < r->shapes.nvnet; i++)
		if (r->shapes.vnet[i][1] == disp)
			return (true);
	return (false);
}

static bool
known_pcpu(const struct code_reader *r, const struct origin *o)
{
	size_t i;

	if (r->m->pcpu_dynamic != 0 && o->fs_disp == r->m->pcpu_dynamic)
		return (true);
	for (i = 0; i < r->shapes.npcpu; i++)
		if (r->shapes.pcpu[i] == o->fs_disp)
			return (true);
	return (false);
}

/*
 * Classifies a traced origin: a per-vnet base, a per-CPU base, a plain
 * value, or undecided; an %fs-rooted chain of another shape is undecided
 * (say points the evidence text at the reason).
 */
static enum code_access
origin_access(const struct code_reader *r, struct origin *o)
{
	size_t len;

	if (o->kind == ORIGIN_PLAIN)
		return (CODE_ACCESS_PLAIN);
	if (o->kind == ORIGIN_LOADED) {
		if (known_vnet_data_base(r, o->load_disp[0])) {
			len = strlen(o->why);
			snprintf(o->why + len, sizeof(o->why) - len, ": a "
			    "struct vnet's vnet_data_base");
			return (CODE_ACCESS_VNET);
		}
		len = strlen(o->why);
		snprintf(o->why + len, sizeof(o->why) - len, ": not the "
		    "offset of vnet_data_base");
		return (CODE_ACCESS_UNDECIDED);
	}
	if (o->kind != ORIGIN_FS)
		return (CODE_ACCESS_UNDECIDED);
	if (o->fs_disp == 0 && o->loads == 2 && known_vnet(r, o))
		return (CODE_ACCESS_VNET);
	if (o->fs_disp != 0 && o->loads == 0 && known_pcpu(r, o))
		return (CODE_ACCESS_PCPU);
	len = strlen(o->why);
	snprintf(o->why + len, sizeof(o->why) - len, o->fs_disp != 0 &&
	    o->loads == 0 ? ": not confirmed as PCPU_GET(dynamic) by an access "
	    "inside set_pcpu (see --pcpu-dynamic)" : ": not the shape of "
	    "this module's per-vnet accesses");
	return (CODE_ACCESS_UNDECIDED);
}

static void
say(struct code_evidence *ev, enum code_access access, const char *fmt,
    const char *a, const char *b)
{

	ev->access = access;
	snprintf(ev->why, sizeof(ev->why), fmt, a, b);
}

static int set_holding(const struct module *m, GElf_Addr value);

/*
 * The kind of set that the other accesses through the same value of reg
 * (the definition that reaches `at') address strictly inside a set: a
 * pointer that reaches per-CPU objects there is a per-CPU base here too
 * (DPCPU_PTR() kept in a register, a base from a helper or an argument).
 * -1 when none does, or when they disagree.
 */
static int
sibling_set(const struct code_reader *r, size_t at, x86_reg reg)
{
	const cs_insn *in;
	const cs_x86_op *op;
	ssize_t d;
	size_t i;
	int kind, k;
	uint8_t j;

	d = find_def(r, at, reg);
	if (d >= (ssize_t)at)
		return (-1);
	kind = -1;
	for (i = d >= 0 ? (size_t)d + 1 : r->fn->trusted; i < r->fn->n; i++) {
		in = &r->fn->insns[i];
		for (j = 0; i != at && j < in->detail->x86.op_count; j++) {
			op = &in->detail->x86.operands[j];
			if (op->type != X86_OP_MEM || gpr32(op->mem.base) != reg ||
			    (k = set_holding(r->m, (uint32_t)op->mem.disp)) < 0)
				continue;
			if (kind >= 0 && kind != k)
				return (-1);
			kind = k;
		}
		if (writes_reg(r, in, reg))
			break;
	}
	return (kind);
}

/* Evidence from an address operand (displacement field). */
static void
examine_disp(const struct code_reader *r, size_t at, const x86_op_mem *mem,
    struct code_evidence *ev)
{
	struct origin o;
	const char *breg;
	int kind;

	if (mem->base == X86_REG_INVALID &&
	    (mem->index == X86_REG_INVALID || mem->scale != 1)) {
		say(ev, CODE_ACCESS_PLAIN, "absolute address%s%s: no base "
		    "register", mem->index != X86_REG_INVALID ?
		    " with a scaled index" : "", "");
		if (mem->index != X86_REG_INVALID) {
			ev->indexed = true;
			ev->stride = mem->scale;
		}
		return;
	}
	ev->indexed = true;
	trace_address(r, at, mem, 0, &o);
	ev->stride = o.kind == ORIGIN_PLAIN ? o.stride : 0;
	breg = reg_name(r, gpr32(mem->base != X86_REG_INVALID ? mem->base :
	    mem->index));
	switch (origin_access(r, &o)) {
	case CODE_ACCESS_VNET:
		say(ev, CODE_ACCESS_VNET, "per-vnet access: base = %s (%s)",
		    o.why, breg);
		break;
	case CODE_ACCESS_PCPU:
		say(ev, CODE_ACCESS_PCPU, "per-CPU access: base = %s (%s)",
		    o.why, breg);
		break;
	case CODE_ACCESS_PLAIN:
		say(ev, CODE_ACCESS_PLAIN, "address registers hold %s, not "
		    "a %%fs-loaded base (%s)", o.why, breg);
		break;
	default:
		if (mem->base != X86_REG_INVALID &&
		    (kind = sibling_set(r, at, gpr32(mem->base))) >= 0) {
			say(ev, kind == PADKO_SET_VNET ? CODE_ACCESS_VNET :
			    CODE_ACCESS_PCPU, "%s access: the base (%s) reaches "
			    "objects inside that set elsewhere in the function",
			    kind == PADKO_SET_VNET ? "per-vnet" : "per-CPU",
			    breg);
			break;
		}
		say(ev, CODE_ACCESS_UNDECIDED, "cannot tell where the base "
		    "comes from: %s (%s)", o.why, breg);
		break;
	}
}

/* The registers a constant can be followed through, as bits of a mask. */
static const x86_reg trackable[] = {
	X86_REG_EAX, X86_REG_EBX, X86_REG_ECX, X86_REG_EDX,
	X86_REG_ESI, X86_REG_EDI, X86_REG_EBP
};

static unsigned
reg_bit(x86_reg reg)
{
	size_t i;

	for (i = 0; i < sizeof(trackable) / sizeof(trackable[0]); i++)
		if (trackable[i] == reg)
			return (1u << i);
	return (0);
}

/* Whether a register operand (any width) is one of the tracked ones. */
static bool
tracked_reg(unsigned tracked, unsigned reg)
{

	return ((tracked & reg_bit(gpr32(reg))) != 0);
}

/* Whether an access to a per-vnet/per-CPU base was found; fills ev. */
static bool
base_added(const struct code_reader *r, size_t at, x86_reg other,
    struct code_evidence *ev)
{
	struct origin o;
	enum code_access a;

	trace_reg(r, at, other, 1, &o);
	a = origin_access(r, &o);
	if (a != CODE_ACCESS_VNET && a != CODE_ACCESS_PCPU)
		return (false);
	say(ev, a, "constant added to a %s base = %s", a == CODE_ACCESS_VNET ?
	    "per-vnet" : "per-CPU", o.why);
	return (true);
}

/*
 * Evidence for a constant moved into a register: follows the register
 * (and its copies) forward until it is added to a per-vnet/per-CPU base
 * (an access), used as a plain pointer (dereferenced, stored, pushed,
 * returned), or lost (overwritten, clobbered by a call): then undecided.
 */
static void
examine_forward(const struct code_reader *r, size_t at, x86_reg reg,
    struct code_evidence *ev)
{
	const cs_insn *in;
	const cs_x86 *x;
	const cs_x86_op *op0, *op1;
	unsigned tracked;
	size_t i;
	uint8_t k;

	tracked = reg_bit(reg);
	for (i = at + 1; i < r->fn->n && i <= at + FORWARD_SCAN; i++) {
		in = &r->fn->insns[i];
		x = &in->detail->x86;
		op0 = &x->operands[0];
		op1 = &x->operands[1];
		if (in->id == X86_INS_ADD && x->op_count == 2 &&
		    op0->type == X86_OP_REG && op1->type == X86_OP_REG) {
			if (tracked_reg(tracked, op0->reg) &&
			    base_added(r, i, gpr32(op1->reg), ev))
				return;
			if (tracked_reg(tracked, op1->reg)) {
				if (base_added(r, i, gpr32(op0->reg), ev))
					return;
				tracked |= reg_bit(gpr32(op0->reg));
			}
			continue;
		}
		if (in->id == X86_INS_LEA && x->op_count == 2 &&
		    (tracked_reg(tracked, op1->mem.base) ||
		    tracked_reg(tracked, op1->mem.index))) {
			if ((op1->mem.index != X86_REG_INVALID &&
			    !tracked_reg(tracked, op1->mem.index) &&
			    base_added(r, i, gpr32(op1->mem.index), ev)) ||
			    (op1->mem.base != X86_REG_INVALID &&
			    !tracked_reg(tracked, op1->mem.base) &&
			    base_added(r, i, gpr32(op1->mem.base), ev)))
				return;
			tracked |= reg_bit(gpr32(op0->reg));
			continue;
		}
		if (in->id == X86_INS_MOV && x->op_count == 2 &&
		    op0->type == X86_OP_REG && op1->type == X86_OP_REG &&
		    tracked_reg(tracked, op1->reg)) {
			tracked |= reg_bit(gpr32(op0->reg));
			continue;
		}
		for (k = 0; k < x->op_count; k++)
			if (x->operands[k].type == X86_OP_MEM &&
			    (tracked_reg(tracked, x->operands[k].mem.base) ||
			    tracked_reg(tracked, x->operands[k].mem.index))) {
				say(ev, CODE_ACCESS_PLAIN, "dereferenced as a "
				    "plain pointer by %s %s", in->mnemonic,
				    in->op_str);
				return;
			}
		if ((in->id == X86_INS_PUSH && op0->type == X86_OP_REG &&
		    tracked_reg(tracked, op0->reg)) ||
		    (in->id == X86_INS_MOV && x->op_count == 2 &&
		    op0->type == X86_OP_MEM && op1->type == X86_OP_REG &&
		    tracked_reg(tracked, op1->reg))) {
			say(ev, CODE_ACCESS_PLAIN, "%s as a plain pointer%s",
			    in->id == X86_INS_PUSH ? "pushed" : "stored", "");
			return;
		}
		if (in->id == X86_INS_RET) {
			if (tracked & reg_bit(X86_REG_EAX))
				say(ev, CODE_ACCESS_PLAIN, "returned as a plain "
				    "pointer%s%s", "", "");
			else
				say(ev, CODE_ACCESS_UNDECIDED, "the function "
				    "returns before the constant is used%s%s",
				    "", "");
			return;
		}
		if (is_call(in) && (tracked & (reg_bit(X86_REG_EAX) |
		    reg_bit(X86_REG_ECX) | reg_bit(X86_REG_EDX)))) {
			say(ev, CODE_ACCESS_PLAIN, "passed to a function in a "
			    "register as a plain pointer (%s)%s", in->mnemonic,
			    "");
			return;
		}
		if (!is_call(in))
			for (k = 0; k < sizeof(trackable) / sizeof(trackable[0]);
			    k++)
				if ((tracked & (1u << k)) &&
				    writes_reg(r, in, trackable[k]))
					tracked &= ~(1u << k);
		if (tracked == 0) {
			say(ev, CODE_ACCESS_UNDECIDED, "the register holding "
			    "the constant is overwritten before use (%s)%s",
			    in->mnemonic, "");
			return;
		}
	}
	say(ev, CODE_ACCESS_UNDECIDED, "no use of the constant found nearby%s%s",
	    "", "");
}

/* Evidence from an immediate field. */
static void
examine_imm(const struct code_reader *r, size_t at, struct code_evidence *ev)
{
	const cs_insn *in;
	const cs_x86 *x;
	struct origin o;

	in = &r->fn->insns[at];
	x = &in->detail->x86;
	switch (in->id) {
	case X86_INS_PUSH:
		say(ev, CODE_ACCESS_PLAIN, "pushed as a plain pointer%s%s",
		    "", "");
		return;
	case X86_INS_MOV:
		if (x->operands[0].type == X86_OP_MEM) {
			say(ev, CODE_ACCESS_PLAIN, "stored as a plain "
			    "pointer%s%s", "", "");
			return;
		}
		examine_forward(r, at, gpr32(x->operands[0].reg), ev);
		return;
	case X86_INS_ADD:
	case X86_INS_CMP:
		if (x->operands[0].type != X86_OP_REG)
			break;
		ev->compared = in->id == X86_INS_CMP;
		trace_reg(r, at, gpr32(x->operands[0].reg), 0, &o);
		switch (origin_access(r, &o)) {
		case CODE_ACCESS_VNET:
			say(ev, CODE_ACCESS_VNET, "per-vnet access: %s to a "
			    "base = %s", in->mnemonic, o.why);
			return;
		case CODE_ACCESS_PCPU:
			say(ev, CODE_ACCESS_PCPU, "per-CPU access: %s to a "
			    "base = %s", in->mnemonic, o.why);
			return;
		case CODE_ACCESS_PLAIN:
			say(ev, CODE_ACCESS_PLAIN, "%s with %s", in->mnemonic,
			    o.why);
			return;
		default:
			say(ev, CODE_ACCESS_UNDECIDED, "%s with a register "
			    "that cannot be traced: %s", in->mnemonic, o.why);
			return;
		}
	default:
		break;
	}
	say(ev, CODE_ACCESS_UNDECIDED, "an immediate operand of %s%s",
	    in->mnemonic, "");
}

/* Formats the instruction at index `at' in AT&T syntax. */
static void
insn_text(const struct code_reader *r, size_t at, struct code_evidence *ev)
{
	const cs_insn *in;
	cs_insn *att;
	size_t n;

	in = &r->fn->insns[at];
	ev->insn_addr = in->address;
	n = cs_disasm(r->att, in->bytes, in->size, in->address, 1, &att);
	if (n == 1) {
		snprintf(ev->insn, sizeof(ev->insn), "%.15s %.63s", att->mnemonic,
		    att->op_str);
		cs_free(att, n);
	} else
		snprintf(ev->insn, sizeof(ev->insn), "%.15s %.63s", in->mnemonic,
		    in->op_str);
}

/* Reads the evidence of the decoded instruction at index at. */
static void
examine_at(struct code_reader *r, ssize_t at, GElf_Addr where,
    struct code_evidence *ev)
{
	const cs_insn *in;
	const cs_x86 *x;
	GElf_Addr off;
	uint8_t k;

	memset(ev, 0, sizeof(*ev));
	ev->access = CODE_ACCESS_UNDECIDED;
	ev->in_code = true;
	ev->decoded = true;
	insn_text(r, (size_t)at, ev);
	in = &r->fn->insns[at];
	x = &in->detail->x86;
	off = where - in->address;
	if (x->encoding.disp_offset == off && x->encoding.disp_size == 4) {
		for (k = 0; k < x->op_count; k++)
			if (x->operands[k].type == X86_OP_MEM) {
				examine_disp(r, (size_t)at,
				    &x->operands[k].mem, ev);
				return;
			}
	}
	if (x->encoding.imm_offset == off && x->encoding.imm_size == 4) {
		examine_imm(r, (size_t)at, ev);
		return;
	}
	snprintf(ev->why, sizeof(ev->why), "the relocated field is neither "
	    "an address nor an immediate of the instruction");
}

/*
 * The evidence of the instruction holding where: read in a window of its
 * function first (most sites decide there, and large functions are not
 * decoded for each), then in the whole function when the window leaves it
 * undecided.
 */
void
code_examine(struct code_reader *r, GElf_Addr where, struct code_evidence *ev)
{
	/*
	 * Bytes decoded before and after the site, before the whole
	 * function: most bases are loaded a few instructions before their
	 * use, and a function is then not decoded for each of its sites.
	 */
	static const GElf_Addr windows[][2] = { { 32, 8 }, { 160, 96 } };
	const struct section *s;
	ssize_t at;
	size_t i;

	memset(ev, 0, sizeof(*ev));
	ev->access = CODE_ACCESS_UNDECIDED;
	/* Learned once, and only for modules with sites to examine. */
	if (!r->calibrated) {
		calibrate(r);
		r->calibrated = true;
	}
	s = module_section_at(r->m, where);
	if (!is_code(s))
		return;
	ev->in_code = true;
	for (i = 0; i < sizeof(windows) / sizeof(windows[0]); i++)
		if ((at = locate_window(r, s, where, windows[i][0],
		    windows[i][1])) >= 0) {
			examine_at(r, at, where, ev);
			if (ev->access != CODE_ACCESS_UNDECIDED)
				return;
		}
	if ((at = locate(r, s, where)) < 0) {
		memset(ev, 0, sizeof(*ev));
		ev->access = CODE_ACCESS_UNDECIDED;
		ev->in_code = true;
		snprintf(ev->why, sizeof(ev->why), "no instruction could be "
		    "decoded around it");
		return;
	}
	examine_at(r, at, where, ev);
}

/* The set that holds value strictly (not at any set's end), or -1. */
static int
set_holding(const struct module *m, GElf_Addr value)
{
	const struct section *s;
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++)
		if ((s = m->sets[k].sec) != NULL &&
		    value == s->shdr.sh_addr + s->shdr.sh_size)
			return (-1);
	for (k = 0; k < PADKO_NSET_KINDS; k++)
		if ((s = m->sets[k].sec) != NULL && value >= s->shdr.sh_addr &&
		    value < s->shdr.sh_addr + s->shdr.sh_size)
			return (k);
	return (-1);
}

/* Records a base shape seen in an access inside a set. */
static void
learn(struct code_reader *r, int kind, const struct origin *o)
{
	struct base_shapes *b = &r->shapes;
	size_t i;

	if (o->kind != ORIGIN_FS)
		return;
	if (kind == PADKO_SET_VNET && o->fs_disp == 0 && o->loads == 2) {
		for (i = 0; i < b->nvnet; i++)
			if (b->vnet[i][0] == o->load_disp[0] &&
			    b->vnet[i][1] == o->load_disp[1])
				return;
		if (b->nvnet < MAX_SHAPES) {
			b->vnet[b->nvnet][0] = o->load_disp[0];
			b->vnet[b->nvnet][1] = o->load_disp[1];
			b->nvnet++;
		}
	} else if (kind == PADKO_SET_PCPU && o->fs_disp != 0 && o->loads == 0) {
		for (i = 0; i < b->npcpu; i++)
			if (b->pcpu[i] == o->fs_disp)
				return;
		if (b->npcpu < MAX_SHAPES)
			b->pcpu[b->npcpu++] = o->fs_disp;
	}
}

/* Whether enough accesses were seen in each set the module has. */
static bool
calibrated(const struct module *m, const size_t *seen)
{
	int k;

	for (k = 0; k < PADKO_NSET_KINDS; k++)
		if (m->sets[k].sec != NULL && seen[k] < CALIBRATION_ENOUGH)
			return (false);
	return (true);
}

/*
 * Learns which base shapes the module's code uses for accesses strictly
 * inside its sets (an R_386_RELATIVE displacement into set_vnet or
 * set_pcpu, other than a set's end), looking at a bounded number of them.
 */
static void
calibrate(struct code_reader *r)
{
	struct module *m = r->m;
	const struct section *rs, *target;
	const cs_x86 *x;
	struct reloc rel;
	struct origin o;
	GElf_Addr where, value;
	size_t i, j, n, budget, seen[PADKO_NSET_KINDS];
	ssize_t at;
	uint8_t k;
	int kind;
	bool enough;

	budget = CALIBRATION_SITES;
	memset(seen, 0, sizeof(seen));
	enough = calibrated(m, seen);
	for (i = 1; i < m->nsections && budget > 0 && !enough; i++) {
		rs = &m->sections[i];
		if (rs->shdr.sh_type != SHT_REL ||
		    !(rs->shdr.sh_flags & SHF_ALLOC) || rs->data == NULL)
			continue;
		n = reloc_count(SHT_REL, rs->data->d_size);
		for (j = 0; j < n && budget > 0 && !enough; j++) {
			reloc_get(rs->data->d_buf, SHT_REL, j, &rel);
			if (rel.type != R_386_RELATIVE)
				continue;
			where = rel.offset;
			target = module_section_at(m, where);
			if (!is_code(target) || where - target->shdr.sh_addr +
			    4 > target->shdr.sh_size)
				continue;
			value = le32_read((const unsigned char *)
			    target->data->d_buf + (where -
			    target->shdr.sh_addr));
			if ((kind = set_holding(m, value)) < 0 ||
			    seen[kind] >= CALIBRATION_ENOUGH)
				continue;
			budget--;
			/* A window: the bases learned from load just before. */
			if ((at = locate_window(r, target, where,
			    CALIBRATION_WINDOW, 8)) < 0)
				continue;
			x = &r->fn->insns[at].detail->x86;
			if (x->encoding.disp_offset !=
			    where - r->fn->insns[at].address ||
			    x->encoding.disp_size != 4)
				continue;
			for (k = 0; k < x->op_count; k++)
				if (x->operands[k].type == X86_OP_MEM) {
					trace_address(r, (size_t)at,
					    &x->operands[k].mem, 0, &o);
					if (o.kind == ORIGIN_FS) {
						seen[kind]++;
						enough = calibrated(m, seen);
					}
					learn(r, kind, &o);
					break;
				}
		}
	}
}
