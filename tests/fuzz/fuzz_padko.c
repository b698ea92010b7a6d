/*-
 * SPDX-License-Identifier: BSD-2-Clause
 * Copyright (c) 2026, The padko developers
 *
 * libFuzzer harness: the whole of padko's path, in memory, on one input.
 *
 *	padko_verify_memory	the kernel model on the input (both kernels)
 *	padko_open_memory	read and validate
 *	padko_plan		plan the padding and rewrite in memory
 *	(the reports)		every set, boundary and lint report is read
 *	padko_write_fd		write to a memfd
 *	then, on what was written: it is the input byte for byte when nothing
 *	changed; otherwise it must read back as a module, plan to nothing more
 *	(padding is idempotent), and the model of a current kernel must accept
 *	it whenever an old kernel accepted the input -- what padko's own
 *	check_written() demands before it renames a file into place.
 *
 * A crash, a sanitizer report, a leak, or a broken invariant (abort())
 * is a finding.  Set PADKO_FUZZ_INVARIANTS=0 to look for crashes only.
 * Build and run it with tests/fuzz/run.sh (see README.md there).
 */
#define	_GNU_SOURCE

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "padko.h"

static int check_invariants = 1;

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v;

	(void)argc;
	(void)argv;
	if ((v = getenv("PADKO_FUZZ_INVARIANTS")) != NULL && strcmp(v, "0") == 0)
		check_invariants = 0;
	return (0);
}

static void __attribute__((__noreturn__))
broken(const char *what, const struct padko_error *err)
{

	fprintf(stderr, "fuzz_padko: invariant broken: %s%s%s\n", what,
	    err != NULL ? ": " : "", err != NULL ? err->msg : "");
	abort();
}

/* A failure must carry a code and a message. */
static void
check_error(const char *where, const struct padko_error *err)
{

	if (!check_invariants)
		return;
	if (err->code == 0 || err->msg[0] == '\0' ||
	    memchr(err->msg, '\0', sizeof(err->msg)) == NULL) {
		fprintf(stderr, "fuzz_padko: %s failed without a code or "
		    "message\n", where);
		abort();
	}
}

/* Reads every report, so that a dangling pointer or a bad index shows. */
static void
read_reports(const struct padko_module *m)
{
	const struct padko_set_report *r;
	const struct padko_boundary_report *b;
	volatile size_t sink;
	size_t i;
	int k;

	sink = 0;
	for (k = 0; k < PADKO_NSET_KINDS; k++) {
		r = padko_set_report(m, (enum padko_set_kind)k);
		sink += r->state + r->old_start + r->new_end + r->next_shift +
		    strlen(padko_set_name((enum padko_set_kind)k));
	}
	for (i = 0; i < padko_boundary_count(m); i++) {
		b = padko_boundary(m, i);
		sink += b->where + b->new_value + strlen(b->evidence) +
		    strlen(padko_meaning_name(b->meaning)) +
		    (b->insn != NULL ? strlen(b->insn) : 0);
	}
	for (i = 0; i < padko_lint_count(m); i++) {
		b = padko_lint(m, i);
		sink += b->where + strlen(b->evidence) +
		    (b->insn != NULL ? strlen(b->insn) : 0);
	}
	(void)sink;
}

/* The whole contents of fd, malloc'd. */
static unsigned char *
slurp(int fd, size_t *lenp)
{
	struct stat st;
	unsigned char *buf;
	size_t done;
	ssize_t n;

	if (fstat(fd, &st) != 0)
		return (NULL);
	if ((buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1)) == NULL)
		return (NULL);
	for (done = 0; done < (size_t)st.st_size; done += (size_t)n) {
		n = pread(fd, buf + done, (size_t)st.st_size - done,
		    (off_t)done);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			free(buf);
			return (NULL);
		}
	}
	*lenp = (size_t)st.st_size;
	return (buf);
}

/* Checks what padko wrote for the input. */
static void
check_output(const struct padko_module *m, const uint8_t *data, size_t size,
    const unsigned char *out, size_t outlen, int legacy_accepted)
{
	struct padko_verify_report vr;
	struct padko_module *w;
	struct padko_error err;

	if (!padko_changed(m)) {
		if (check_invariants && (outlen != size ||
		    (size > 0 && memcmp(out, data, size) != 0)))
			broken("an unchanged module was not copied byte for "
			    "byte", NULL);
		return;
	}
	memset(&err, 0, sizeof(err));
	if (padko_open_memory("out.ko", out, outlen, &w, &err) != 0) {
		if (check_invariants)
			broken("the output does not read back", &err);
		return;
	}
	if (padko_plan(w, &err) != 0) {
		if (check_invariants)
			broken("the output does not plan", &err);
	} else {
		read_reports(w);
		if (check_invariants && padko_changed(w))
			broken("padding the output changes it again", NULL);
	}
	padko_close(w);
	memset(&err, 0, sizeof(err));
	if (padko_verify_memory("out.ko", out, outlen, PADKO_KERNEL_CURRENT,
	    &vr, &err) != 0) {
		if (check_invariants)
			broken("the kernel model cannot read the output", &err);
		return;
	}
	if (check_invariants && legacy_accepted && !vr.accepted) {
		fprintf(stderr, "fuzz_padko: kernel: %s\n", vr.message);
		broken("an old kernel accepts the input, a current one refuses "
		    "the output", NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct padko_verify_report vr;
	struct padko_module *m;
	struct padko_error err;
	unsigned char *out;
	size_t outlen;
	int fd, legacy_accepted, readable;

	/* The kernel model reads what the loader reads, whatever it is. */
	memset(&err, 0, sizeof(err));
	legacy_accepted = 0;
	if (padko_verify_memory("in.ko", data, size, PADKO_KERNEL_LEGACY, &vr,
	    &err) == 0)
		legacy_accepted = vr.accepted;
	else
		check_error("padko_verify_memory", &err);
	memset(&err, 0, sizeof(err));
	if (padko_verify_memory("in.ko", data, size, PADKO_KERNEL_CURRENT,
	    &vr, &err) != 0)
		check_error("padko_verify_memory", &err);

	memset(&err, 0, sizeof(err));
	if (padko_open_memory("in.ko", data, size, &m, &err) != 0) {
		check_error("padko_open_memory", &err);
		return (0);
	}
	/* Refuse undecided sites on some inputs, guess on the others. */
	padko_set_guess_undecided(m, size % 3 != 0);
	if (padko_plan(m, &err) != 0) {
		check_error("padko_plan", &err);
		padko_close(m);
		return (0);
	}
	read_reports(m);
	(void)padko_is_relocatable(m);

	/* Without memfd (old kernels), write to /dev/null and check less. */
	readable = 1;
	if ((fd = memfd_create("padko-fuzz", MFD_CLOEXEC)) < 0) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		readable = 0;
	}
	if (fd < 0) {
		perror("fuzz_padko: memfd_create");
		abort();
	}
	memset(&err, 0, sizeof(err));
	if (padko_write_fd(m, fd, &err) != 0) {
		check_error("padko_write_fd", &err);
		if (check_invariants)
			broken("a planned module cannot be written", &err);
	} else if (readable && (out = slurp(fd, &outlen)) != NULL) {
		check_output(m, data, size, out, outlen, legacy_accepted);
		free(out);
	}
	close(fd);
	padko_close(m);
	return (0);
}
