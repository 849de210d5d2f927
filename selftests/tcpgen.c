// SPDX-License-Identifier: GPL-2.0
/*
 * tcpgen: put exact numbers of loopback TCP sockets into chosen states and
 * hold them there until killed. Prints "ready" on stdout once every socket
 * is in place. How each state is reached is described in sockgen.h.
 *
 *   tcpgen [-6] STATE=N ...
 *
 * STATE is one of the names below, in lower case. Each N asks for N
 * sockets in that state, plus the peers the technique needs:
 *   established=N  N/2 connected pairs (N must be even)
 *   syn_sent=N     N clients; a full listener and its queued pair besides
 *   syn_recv=N     N request sockets; N ESTABLISHED clients besides
 *   fin_wait1=N    N clients; N ESTABLISHED servers besides
 *   fin_wait2=N    N orphaned clients; N CLOSE_WAIT servers besides
 *   time_wait=N    N clients; their servers are gone
 *   close=N        N bound sockets
 *   close_wait=N   N servers; N orphaned FIN_WAIT2 clients besides
 *   last_ack=N     N servers; N FIN_WAIT2 clients besides
 *   listen=N       N listeners
 *   closing=N      N clients; N FIN_WAIT2 servers besides
 * Connections go through one more listener, which counts as LISTEN.
 * Without a handshake (TCP_REPAIR; IPv4; see sockgen.h):
 *   one_port=N     N ESTABLISHED on one listener's port; that listener too
 *   spread=N       N ESTABLISHED, each on its own address and port
 * Not a state:
 *   listeners=K    connections made after it go through K listeners in
 *                  turn (1 to 64; default 1), each counted as LISTEN: a
 *                  client has about 64,000 local ports per listener it
 *                  connects to, and a TIME_WAIT socket holds its port for
 *                  60 s, so connect() slows to a crawl near 30,000 (it
 *                  tries every even port before an odd one)
 *   tw_secs=S      time_wait= arguments after it stop making sockets S
 *                  seconds after tcpgen started, keeping what they made
 *                  (TIME_WAIT lasts 60 s: for a bench that needs them all
 *                  alive at once)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sockgen.h"

static int family = AF_INET;
static int lfds[64] = { [0 ... 63] = -1 };	/* made on first use */
static int nlisteners = 1;
static unsigned int next_listener;
static time_t start;		/* CLOCK_MONOTONIC seconds */
static time_t tw_deadline;	/* 0: none */

static time_t mono_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static bool tw_time_left(void)
{
	return !tw_deadline || mono_secs() < tw_deadline;
}

/* The listener the next connection goes through. */
static int conn_listener(void)
{
	int *lfd = &lfds[next_listener++ % nlisteners];

	if (*lfd < 0)
		*lfd = sg_listener(family, 4096);
	return *lfd;
}

static void make(const char *state, long n)
{
	int c, s, l;

	if (!strcmp(state, "listen")) {
		while (n--)
			sg_listener(family, 16);
	} else if (!strcmp(state, "close")) {
		while (n--)
			sg_bound(family);
	} else if (!strcmp(state, "established")) {
		for (; n > 0; n -= 2)
			sg_pair(conn_listener(), &c, &s);
	} else if (!strcmp(state, "syn_sent")) {
		for (l = sg_full_listener(family); n--;)
			sg_syn_sent(l);
	} else if (!strcmp(state, "syn_recv")) {
		for (l = sg_defer_listener(family); n--;)
			sg_syn_recv(l);
	} else if (!strcmp(state, "fin_wait1")) {
		while (n--)
			sg_fin_wait1(conn_listener());
	} else if (!strcmp(state, "fin_wait2") ||
		   !strcmp(state, "close_wait")) {
		while (n--)
			sg_close_wait(conn_listener(), true, &c);
	} else if (!strcmp(state, "time_wait")) {
		while (n-- && tw_time_left())
			sg_time_wait(conn_listener());
	} else if (!strcmp(state, "last_ack")) {
		while (n--)
			sg_last_ack(conn_listener());
	} else if (!strcmp(state, "closing")) {
		while (n--)
			sg_closing(conn_listener());
	} else if (!strcmp(state, "one_port")) {
		sg_repaired_one_port(n);
	} else if (!strcmp(state, "spread")) {
		sg_repaired_spread(n);
	} else if (!strcmp(state, "listeners")) {
		if (n < 1 || n > (long)(sizeof(lfds) / sizeof(lfds[0]))) {
			fprintf(stderr, "tcpgen: listeners=1..64\n");
			exit(2);
		}
		nlisteners = n;
	} else if (!strcmp(state, "tw_secs")) {
		tw_deadline = start + n;
	} else {
		fprintf(stderr, "tcpgen: unknown state '%s'\n", state);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	char state[32];
	long n;
	int i;

	start = mono_secs();
	sg_raise_fd_limit();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-6")) {
			family = AF_INET6;
			continue;
		}
		if (sscanf(argv[i], "%31[a-z_0-9]=%ld", state, &n) != 2 || n < 0) {
			fprintf(stderr, "usage: tcpgen [-6] STATE=N ...\n");
			return 2;
		}
		make(state, n);
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
