// SPDX-License-Identifier: GPL-2.0
/*
 * readloop [-z RESET] N FILE...: as user nobody, opens each FILE once and
 * reads it whole N times, each time from offset 0 (so each read walks the
 * tables afresh). One long-lived process, so that whatever a latency
 * tracer sees in it while it runs comes from the reads, not from starting
 * or ending programs: with -z, RESET (a tracer's tracing_max_latency,
 * opened while still root) is set to 0 after a first, unmeasured pass,
 * once the buffer is faulted in; and once the reads are done it prints
 * "done" and waits to be killed, so that the tracer can be read before
 * it exits.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOBODY 65534

/* Reads every file whole from offset 0; 0 or -1. */
static int read_all(int *fd, int nfd, char *buf, size_t size, char **names)
{
	int f;

	for (f = 0; f < nfd; f++) {
		if (pread(fd[f], buf, size, 0) <= 0) {
			perror(names[f]);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	int i, f, n, nfd, fd[8], reset = -1;

	if (argc > 2 && !strcmp(argv[1], "-z")) {
		reset = open(argv[2], O_WRONLY);
		if (reset < 0) {
			perror(argv[2]);
			return 1;
		}
		argv += 2;
		argc -= 2;
	}
	nfd = argc - 2;
	if (argc < 3 || nfd > 8 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: readloop [-z RESET] N FILE... (up to 8)\n");
		return 2;
	}
	if (setgid(NOBODY) || setuid(NOBODY)) {
		perror("readloop: setuid nobody");
		return 1;
	}
	for (f = 0; f < nfd; f++) {
		fd[f] = open(argv[f + 2], O_RDONLY);
		if (fd[f] < 0) {
			perror(argv[f + 2]);
			return 1;
		}
	}
	memset(buf, 0, sizeof(buf));
	if (read_all(fd, nfd, buf, sizeof(buf), argv + 2))
		return 1;
	if (reset >= 0 && write(reset, "0", 1) != 1) {
		perror("readloop: reset");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (read_all(fd, nfd, buf, sizeof(buf), argv + 2))
			return 1;
	if (reset < 0)
		return 0;
	printf("done\n");
	fflush(stdout);
	for (;;)
		pause();
}
