/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026, The padko developers
 *
 * ptime: runs a command several times and prints its wall time, CPU time
 * and peak memory.
 *
 *   ptime [-n runs] [-w warmups] [-p prepare] [-l log] -- command [arg...]
 *
 * Each run (warm-ups included) is preceded by "sh -c PREPARE" when -p is
 * given, which is not timed (e.g. making a fresh copy of the input).  The
 * command runs with standard input from /dev/null, standard output to
 * /dev/null and standard error to LOG (default /dev/null; the last run's
 * is kept).  Prints one line:
 *
 *   runs=N median_ms=M min_ms=A max_ms=B cpu_ms=C maxrss_kb=R exit=E
 *
 * median/min/max: wall time from fork to the end of wait4(); cpu_ms: the
 * median of user + system time of the command and its children; maxrss_kb:
 * the largest ru_maxrss over the timed runs (the peak resident set of the
 * command or of its largest child, as /usr/bin/time -v reports it);
 * exit: the command's exit status, or a comma-separated list if it varied
 * (a signal N is reported as sN).  The exit status of ptime is 0 unless it
 * could not run the command (127) or a prepare step failed (1).
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static double
median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

static void
prepare(const char *cmd)
{
	int st;

	if (cmd == NULL)
		return;
	st = system(cmd);
	if (st != 0) {
		fprintf(stderr, "ptime: prepare step failed (%d): %s\n", st, cmd);
		exit(1);
	}
}

/* Runs argv once; returns the wait status, fills *ms and *ru. */
static int
run(char **argv, const char *log, double *ms, struct rusage *ru)
{
	double t0;
	pid_t pid;
	int st, fd;

	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("ptime: fork");
		exit(127);
	}
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd < 0)
			_exit(127);
		dup2(fd, 0);
		dup2(fd, 1);
		if (log != NULL) {
			fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0)
				_exit(127);
		}
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (wait4(pid, &st, 0, ru) < 0)
		if (errno != EINTR) {
			perror("ptime: wait4");
			exit(127);
		}
	*ms = now_ms() - t0;
	return (st);
}

static void
usage(void)
{
	fprintf(stderr, "usage: ptime [-n runs] [-w warmups] [-p prepare] "
	    "[-l log] -- command [arg...]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	const char *prep = NULL, *log = NULL;
	int runs = 5, warm = 1, i, j, c, st, nex = 0;
	int exits[64];
	double *wall, *cpu, ms;
	long maxrss = 0;
	struct rusage ru;

	while ((c = getopt(argc, argv, "n:w:p:l:")) != -1) {
		switch (c) {
		case 'n': runs = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 'p': prep = optarg; break;
		case 'l': log = optarg; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || runs < 1 || warm < 0)
		usage();
	wall = calloc(runs, sizeof(*wall));
	cpu = calloc(runs, sizeof(*cpu));
	if (wall == NULL || cpu == NULL) {
		perror("ptime");
		return (127);
	}
	for (i = 0; i < warm; i++) {
		prepare(prep);
		st = run(argv, log, &ms, &ru);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
			fprintf(stderr, "ptime: cannot run %s\n", argv[0]);
			return (127);
		}
	}
	for (i = 0; i < runs; i++) {
		prepare(prep);
		st = run(argv, log, &wall[i], &ru);
		cpu[i] = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
		    ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
		c = WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
		for (j = 0; j < nex && exits[j] != c; j++)
			;
		if (j == nex && nex < 64)
			exits[nex++] = c;
	}
	printf("runs=%d median_ms=%.3f", runs, median(wall, runs));
	printf(" min_ms=%.3f max_ms=%.3f", wall[0], wall[runs - 1]);
	printf(" cpu_ms=%.3f maxrss_kb=%ld exit=", median(cpu, runs), maxrss);
	for (j = 0; j < nex; j++)
		printf(exits[j] >= 1000 ? "%ss%d" : "%s%d", j ? "," : "",
		    exits[j] >= 1000 ? exits[j] - 1000 : exits[j]);
	printf("\n");
	return (0);
}
