// SPDX-License-Identifier: GPL-2.0
/*
 * benchtime: run a shell command and print how long it took.
 *
 *   benchtime REPS CMD
 *
 * Runs `sh -c CMD` REPS times, one after the other, with stdout on
 * /dev/null, and prints each run's wall time on CLOCK_MONOTONIC in
 * nanoseconds, one line per run. Exits 1 if a run fails (the times are
 * printed all the same). busybox's date has no %N, hence this.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int reps, i, status, failed = 0;
	long long t0;
	pid_t pid;

	if (argc != 3 || (reps = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: benchtime REPS CMD\n");
		return 2;
	}
	for (i = 0; i < reps; i++) {
		t0 = now_ns();
		pid = fork();
		if (pid < 0) {
			perror("benchtime: fork");
			return 1;
		}
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(127);
			execl("/bin/sh", "sh", "-c", argv[2], (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0) {
			perror("benchtime: waitpid");
			return 1;
		}
		printf("%lld\n", now_ns() - t0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}
	return failed;
}
