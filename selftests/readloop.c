// SPDX-License-Identifier: GPL-2.0
/*
 * readloop [-z RESET] [-a INSTANCE] N FILE...: as user nobody, opens each
 * FILE once and reads it whole N times, each time from offset 0 (so each
 * read walks the tables afresh). One long-lived process, so that whatever
 * a tracer sees in it while it runs comes from the reads, not from
 * starting or ending programs. The tracer files are opened while still
 * root, and the measured reads start after a first, unmeasured pass, once
 * the buffer is faulted in and each file's seq_file buffer allocated:
 * with -z, RESET (a latency tracer's tracing_max_latency) is set to 0
 * then; with -a, INSTANCE (a tracing instance, its allocation events
 * enabled) traces this process alone, from then until the reads are done.
 * With either, it then prints "done" and waits to be killed, so that the
 * tracer can be read before it exits.
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

/* Opens @name in @dir (NULL: @dir is the file) for writing; -1 on error. */
static int open_tracer(const char *dir, const char *name)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s%s%s", dir, name ? "/" : "",
		 name ? name : "");
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		perror(path);
	return fd;
}

/* Writes @s to tracer file @fd, if there is one; 0 or -1. */
static int put(int fd, const char *s)
{
	if (fd < 0 || write(fd, s, strlen(s)) == (ssize_t)strlen(s))
		return 0;
	perror("readloop: tracer");
	return -1;
}

/* Makes @dir trace this process alone; its tracing_on in *@on. 0 or -1. */
static int trace_self(const char *dir, int *on)
{
	int fd = open_tracer(dir, "set_event_pid");
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (fd < 0 || put(fd, pid) || close(fd))
		return -1;
	*on = open_tracer(dir, "tracing_on");
	return *on < 0 ? -1 : 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: readloop [-z RESET] [-a INSTANCE] N FILE... (up to 8)\n");
	return 2;
}

int main(int argc, char **argv)
{
	int i, f, n, nfd, fd[8], reset = -1, trace_on = -1, opt;
	static char buf[1 << 16];

	while ((opt = getopt(argc, argv, "+z:a:")) != -1) {
		switch (opt) {
		case 'z':
			reset = open_tracer(optarg, NULL);
			if (reset < 0)
				return 1;
			break;
		case 'a':
			if (trace_self(optarg, &trace_on))
				return 1;
			break;
		default:
			return usage();
		}
	}
	argv += optind - 1;
	argc -= optind - 1;
	nfd = argc - 2;
	if (argc < 3 || nfd > 8 || (n = atoi(argv[1])) <= 0)
		return usage();
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
	if (put(reset, "0") || put(trace_on, "1"))
		return 1;
	for (i = 0; i < n; i++)
		if (read_all(fd, nfd, buf, sizeof(buf), argv + 2))
			return 1;
	if (put(trace_on, "0"))
		return 1;
	if (reset < 0 && trace_on < 0)
		return 0;
	printf("done\n");
	fflush(stdout);
	for (;;)
		pause();
}
