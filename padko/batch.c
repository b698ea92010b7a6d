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
 * A batch: the modules the arguments name (every *.ko below a directory
 * with -r), refused when two would be written to one file, then run N at
 * a time, each through its mode's entry in the mode table with its output
 * captured, and printed in the order of the arguments, with a progress
 * line on a terminal and a summary line when there are several.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "command.h"

/* One module of a batch and what it produced. */
struct job {
	const char	*path;
	char		*out_text, *err_text;
	size_t		 out_len, err_len;
	int		 status;
	enum outcome	 outcome;
	int		 done;
};

/* The shared state of a batch: the next job to take and who is done. */
struct batch {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct job		*jobs;
	size_t			 njobs;
	size_t			 next;
	const struct run_options *o;
};

static int
add_path(struct path_list *l, const char *path)
{
	char **v;

	if (l->n == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 64;
		if ((v = realloc(l->v, l->cap * sizeof(*v))) == NULL)
			return (-1);
		l->v = v;
	}
	if ((l->v[l->n] = strdup(path)) == NULL)
		return (-1);
	l->n++;
	return (0);
}

void
free_paths(struct path_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int
cmp_name(const void *a, const void *b)
{

	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Adds every *.ko below dir, in name order; -1 with errno on failure. */
static int
add_tree(struct path_list *l, const char *dir)
{
	struct path_list here;
	struct dirent *de;
	struct stat st;
	DIR *d;
	size_t i, len;
	char *p;
	int rc;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	memset(&here, 0, sizeof(here));
	rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((p = join_path(dir, de->d_name)) == NULL) {
			rc = -1;
			break;
		}
		rc = add_path(&here, p);
		free(p);
	}
	closedir(d);
	if (here.n > 0)
		qsort(here.v, here.n, sizeof(*here.v), cmp_name);
	for (i = 0; i < here.n; i++) {
		if (rc == 0 && lstat(here.v[i], &st) == 0) {
			len = strlen(here.v[i]);
			if (S_ISDIR(st.st_mode))
				rc = add_tree(l, here.v[i]);
			else if (S_ISREG(st.st_mode) && len > 3 &&
			    strcmp(here.v[i] + len - 3, ".ko") == 0)
				rc = add_path(l, here.v[i]);
		}
		free(here.v[i]);
	}
	free(here.v);
	return (rc);
}

/*
 * The modules of the arguments: each as given, or with -r, for one that
 * is a directory, every *.ko below it.  Returns 0 or EX_NOINPUT.
 */
int
expand_args(struct path_list *l, char **argv, size_t n, int recursive)
{
	struct stat st;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (recursive && stat(argv[i], &st) == 0 &&
		    S_ISDIR(st.st_mode))
			rc = add_tree(l, argv[i]);
		else
			rc = add_path(l, argv[i]);
		if (rc != 0) {
			fprintf(stderr, "padko: %s: %s\n", argv[i],
			    strerror(errno));
			return (EX_NOINPUT);
		}
	}
	return (0);
}

/* A module's output, as a key to find two modules writing one file. */
struct target_key {
	char		*key;
	const char	*path;
};

static int
cmp_key(const void *a, const void *b)
{

	return (strcmp(((const struct target_key *)a)->key,
	    ((const struct target_key *)b)->key));
}

/*
 * Refuses a batch in which two modules would be written to the same file
 * (-d with equal names, -i with the same module twice): one would be lost.
 */
int
check_targets(const struct path_list *l, const struct run_options *o)
{
	struct target_key *k;
	size_t i, n;
	int rc;

	if (l->n < 2 || (o->outdir == NULL && !o->in_place))
		return (0);
	if ((k = calloc(l->n, sizeof(*k))) == NULL)
		return (EX_OSERR);
	n = 0;
	rc = 0;
	for (i = 0; i < l->n && rc == 0; i++) {
		k[n].path = l->v[i];
		k[n].key = o->in_place ? realpath(l->v[i], NULL) :
		    output_path(l->v[i], o);
		if (k[n].key == NULL && (k[n].key = strdup(l->v[i])) == NULL)
			rc = EX_OSERR;
		else
			n++;
	}
	qsort(k, n, sizeof(*k), cmp_key);
	for (i = 1; i < n && rc == 0; i++)
		if (strcmp(k[i - 1].key, k[i].key) == 0) {
			fprintf(stderr, "padko: %s and %s would both be written "
			    "to %s\n", k[i - 1].path, k[i].path, o->in_place ?
			    k[i].path : k[i].key);
			rc = EX_USAGE;
		}
	for (i = 0; i < n; i++)
		free(k[i].key);
	free(k);
	return (rc);
}

/* Runs one module of a batch, its output captured for ordered printing. */
static void
run_job(struct job *job, const struct run_options *o)
{
	FILE *out, *err;

	out = open_memstream(&job->out_text, &job->out_len);
	err = open_memstream(&job->err_text, &job->err_len);
	if (out == NULL || err == NULL) {
		if (out != NULL)
			fclose(out);
		if (err != NULL)
			fclose(err);
		job->out_text = job->err_text = NULL;
		job->status = EX_OSERR;
		job->outcome = OUT_FAILED;
		return;
	}
	job->status = modes[o->mode].run(job->path, o, out, err,
	    &job->outcome);
	fclose(out);
	fclose(err);
}

static void *
worker(void *arg)
{
	struct batch *b = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&b->mu);
		i = b->next++;
		pthread_mutex_unlock(&b->mu);
		if (i >= b->njobs)
			return (NULL);
		run_job(&b->jobs[i], b->o);
		pthread_mutex_lock(&b->mu);
		b->jobs[i].done = 1;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
	}
}

/* Prints one finished job's output, and the progress line on a terminal. */
static void
print_job(struct job *job, size_t i, size_t n, int progress)
{

	if (progress)
		fputs("\r\033[K", stderr);
	if (job->out_text != NULL)
		fwrite(job->out_text, 1, job->out_len, stdout);
	if (job->err_text != NULL)
		fwrite(job->err_text, 1, job->err_len, stderr);
	fflush(stdout);
	if (progress && i + 1 < n)
		fprintf(stderr, "padko: [%zu/%zu] %s", i + 1, n, job->path);
	fflush(stderr);
	free(job->out_text);
	free(job->err_text);
	job->out_text = job->err_text = NULL;
}

/* The final line of a batch: how many modules ended how, in mode's words. */
static void
print_summary(const struct job *jobs, size_t n, const struct run_options *o)
{
	const struct mode *mode = &modes[o->mode];
	size_t count[NOUTCOMES];
	const char *sep, *word;
	size_t i;
	int oc;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		count[jobs[i].outcome]++;
	fprintf(stderr, "padko: %zu modules: ", n);
	sep = "";
	for (oc = OUT_FAILED + 1; oc < NOUTCOMES; oc++) {
		if ((word = mode->counted[oc]) == NULL)
			continue;
		if (oc == OUT_PADDED && o->dry_run)
			word = "would be padded";
		fprintf(stderr, "%s%zu %s", sep, count[oc], word);
		sep = ", ";
	}
	fprintf(stderr, ", %zu failed\n", count[OUT_FAILED]);
}

/* Starts up to N workers on b; returns the threads started (0: none). */
static size_t
start_workers(struct batch *b, pthread_t **threadsp, size_t nthreads)
{
	pthread_t *threads;
	size_t i;

	if ((threads = calloc(nthreads, sizeof(*threads))) == NULL) {
		*threadsp = NULL;
		return (0);
	}
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, worker, b) != 0)
			break;
	*threadsp = threads;
	return (i);
}

/*
 * Runs the mode on every module, N at a time (in this thread when no
 * thread starts), printing in input order; returns the worst status.
 */
int
run_batch(const struct path_list *l, const struct run_options *o)
{
	struct batch b;
	struct job *jobs;
	pthread_t *threads;
	size_t i, n, nthreads;
	int progress, worst;

	n = l->n;
	if ((jobs = calloc(n, sizeof(*jobs))) == NULL) {
		fprintf(stderr, "padko: out of memory\n");
		return (EX_OSERR);
	}
	for (i = 0; i < n; i++)
		jobs[i].path = l->v[i];
	progress = n > 1 && isatty(STDERR_FILENO);
	nthreads = o->jobs > 0 ? (size_t)o->jobs : 1;
	if (nthreads > n)
		nthreads = n;
	memset(&b, 0, sizeof(b));
	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.cv, NULL);
	b.jobs = jobs;
	b.njobs = n;
	b.o = o;
	if ((nthreads = start_workers(&b, &threads, nthreads)) == 0)
		worker(&b);
	worst = 0;
	for (i = 0; i < n; i++) {
		pthread_mutex_lock(&b.mu);
		while (!jobs[i].done)
			pthread_cond_wait(&b.cv, &b.mu);
		pthread_mutex_unlock(&b.mu);
		print_job(&jobs[i], i, n, progress);
		if (jobs[i].status > worst)
			worst = jobs[i].status;
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	pthread_cond_destroy(&b.cv);
	pthread_mutex_destroy(&b.mu);
	if (n > 1)
		print_summary(jobs, n, o);
	free(jobs);
	return (worst);
}
