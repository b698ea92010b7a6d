/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026, The padko developers
 *
 * Included by the benchmark module sources that bench/gensrc writes (it is
 * not compiled on its own).  Freestanding imitations of FreeBSD's per-vnet
 * and per-CPU accessors, as in tests/fixtures/src/padko-fixture.h: VNET(n)
 * loads curthread from %fs:0, then td_vnet, then vnet_data_base and adds the
 * link-time address of vnet_entry_n; DPCPU_GET(n) adds PCPU_GET(dynamic)
 * (one load from %fs:0x190) to the link-time address of pcpu_entry_n.
 * SET_SYMBOLS(set) makes the linker define and export __start_set_<set> and
 * __stop_set_<set> without any reference to their values.
 */

#ifndef BENCH_H
#define BENCH_H

typedef unsigned int bx_uintptr_t;

#define HIDDEN		__attribute__((visibility("hidden")))
#define KEEP		__attribute__((used, noinline))

#define VNET_SECTION	__attribute__((section("set_vnet"), used))
#define PCPU_SECTION	__attribute__((section("set_pcpu"), used))

struct bx_vnet {
	void		*vnet_le[2];
	unsigned int	 vnet_magic_n;
	unsigned int	 vnet_ifcnt;
	unsigned int	 vnet_sockcnt;
	unsigned int	 vnet_state;
	void		*vnet_data_mem;
	bx_uintptr_t	 vnet_data_base;
};

struct bx_thread {
	char		 td_opaque[0x2a8];
	struct bx_vnet	*td_vnet;
};

static inline struct bx_thread *
bx_curthread(void)
{
	struct bx_thread *td;

	__asm__("movl %%fs:0,%0" : "=r" (td));
	return (td);
}

static inline bx_uintptr_t
bx_pcpu_dynamic(void)
{
	bx_uintptr_t d;

	__asm__ __volatile__("movl %%fs:0x190,%0" : "=r" (d));
	return (d);
}

#define VNET_PTR(n) \
	((__typeof__(&(n)))(bx_curthread()->td_vnet->vnet_data_base + \
	    (bx_uintptr_t)&(n)))
#define VNET(n)		(*VNET_PTR(n))
#define DPCPU_PTR(n) \
	((__typeof__(&(n)))(bx_pcpu_dynamic() + (bx_uintptr_t)&(n)))
#define DPCPU(n)	(*DPCPU_PTR(n))

#define SET_SYMBOLS(set) \
	__asm__(".globl __start_set_" #set "\n\t.globl __stop_set_" #set);

/* A kernel function the module calls (R_386_PC32 against an undefined symbol). */
void	bx_sink(void *);
int	bx_ksym(int);

#endif /* !BENCH_H */
