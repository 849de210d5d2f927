// SPDX-License-Identifier: GPL-2.0
/*
 * Readers of both files on every CPU while connections churn, namespaces
 * are created and destroyed, and the module is unloaded and loaded again
 * 20 times. Every complete read must parse; a read cut short by an unload
 * must fail cleanly (ENOENT at open, EIO at read). The bench fails the run
 * on any splat in the kernel log.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "parse.h"
#include "sockgen.h"

#define BUF_SIZE	(64 * 1024)
#define CYCLES		20
#define MAX_KIDS	8

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

static pid_t spawn(void (*fn)(int arg), int arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGTERM, on_term);
		fn(arg);
		_exit(0);
	}
	return pid;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % sysconf(_SC_NPROCESSORS_ONLN), &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Exits 0 after at least one good parse of each file, 1 on a read that
 * completed but does not parse, 2 on an unexpected error.
 */
static void reader(int cpu)
{
	static char text[BUF_SIZE], err[256];
	unsigned long good[2] = { 0 };
	struct ts_summary sum;
	struct ts_prom prom;
	ssize_t n;
	int i;

	pin(cpu);
	while (!stop) {
		for (i = 0; i < 2; i++) {
			n = ts_read_file(i ? TCPSTATES_PROC_NET_PATH :
					 TCPSTATES_PROC_PATH, text, sizeof(text));
			if (n == -ENOENT || n == -EIO)
				continue;	/* module going or gone */
			if (n <= 0) {
				fprintf(stderr, "read: %s\n", strerror(-n));
				_exit(2);
			}
			if (i ? ts_parse_prometheus(text, &prom, err, sizeof(err)) :
				ts_parse_summary(text, &sum, err, sizeof(err))) {
				fprintf(stderr, "parse: %s\n%s\n", err, text);
				_exit(1);
			}
			good[i]++;
		}
	}
	fprintf(stderr, "reader on cpu %d: %lu + %lu good reads\n", cpu,
		good[0], good[1]);
	_exit(good[0] && good[1] ? 0 : 2);
}

/* Opens and closes connections as fast as it can, counting them. */
static void churn(int unused)
{
	unsigned long n = 0;
	int lfd = sg_listener(AF_INET, 1024);
	int lfd6 = sg_listener(AF_INET6, 1024);
	int c, s;

	while (!stop) {
		sg_pair(n & 1 ? lfd6 : lfd, &c, &s);
		close(c);
		close(s);
		n++;
	}
	fprintf(stderr, "churn: %lu connections\n", n);
}

/* Creates namespaces, each with a few sockets and a read, and drops them. */
static void namespaces(int unused)
{
	unsigned long n = 0;
	int status;
	pid_t pid;

	while (!stop) {
		pid = fork();
		if (pid == 0) {
			static char text[BUF_SIZE];
			int c, s;

			sg_new_netns();
			sg_pair(sg_listener(AF_INET6, 8), &c, &s);
			ts_read_file(TCPSTATES_PROC_NET_PATH, text, sizeof(text));
			_exit(0);
		}
		waitpid(pid, &status, 0);
		n++;
	}
	fprintf(stderr, "namespaces: %lu created and destroyed\n", n);
}

static int run(const char *cmd)
{
	int status = system(cmd);

	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

FIXTURE(stress) {
	pid_t kids[MAX_KIDS];
	int nkids;
	char insmod[512];
};

FIXTURE_SETUP(stress)
{
	const char *ko = getenv("TCPSTATES_KO");

	if (!ko || access(ko, R_OK))
		SKIP(return, "TCPSTATES_KO names no readable module");
	snprintf(self->insmod, sizeof(self->insmod), "insmod %s", ko);
	sg_new_netns();
	/* The churn would run out of ports without reusing TIME_WAIT. */
	sg_sysctl("net/ipv4/tcp_tw_reuse", "1");
	self->nkids = 0;
	self->kids[self->nkids++] = spawn(reader, 0);
	self->kids[self->nkids++] = spawn(reader, 1);
	self->kids[self->nkids++] = spawn(churn, 0);
	self->kids[self->nkids++] = spawn(namespaces, 0);
}

FIXTURE_TEARDOWN(stress)
{
	int i;

	for (i = 0; i < self->nkids; i++)
		if (self->kids[i] > 0)
			kill(self->kids[i], SIGTERM);
}

TEST_F_TIMEOUT(stress, unload_and_load_under_load, 600)
{
	int i, status;

	sleep(2);
	for (i = 0; i < CYCLES; i++) {
		EXPECT_EQ(0, run("rmmod tcpstates")) TH_LOG("cycle %d", i);
		usleep(100000);
		ASSERT_EQ(0, run(self->insmod)) TH_LOG("cycle %d", i);
		usleep(300000);
	}
	sleep(2);
	for (i = 0; i < self->nkids; i++) {
		ASSERT_LT(0, self->kids[i]);
		kill(self->kids[i], SIGTERM);
		ASSERT_EQ(self->kids[i], waitpid(self->kids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("child %d ended with status %#x", i, status);
		self->kids[i] = -1;
	}
	EXPECT_EQ(0, access(TCPSTATES_PROC_PATH, R_OK));
}

TEST_HARNESS_MAIN
