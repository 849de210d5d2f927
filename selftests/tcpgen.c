// SPDX-License-Identifier: GPL-2.0
/*
 * tcpgen: put an exact number of loopback TCP sockets into chosen states and
 * hold them there until killed. Prints "ready" on stdout once every socket
 * is in place.
 *
 *   tcpgen [-6] [-l N] [-e N] [-t N] [-w N] [-c N]
 *     -6    IPv6 (::1) instead of IPv4 (127.0.0.1)
 *     -l N  N extra listeners (LISTEN)
 *     -e N  N connected pairs (2N ESTABLISHED)
 *     -t N  N connections closed client first (N TIME_WAIT on the client)
 *     -w N  N connections whose client closed (N CLOSE_WAIT on the server,
 *           N orphaned FIN_WAIT2 on the client)
 *     -c N  N sockets bound but neither listening nor connected (CLOSE)
 *
 * One more listener serves the connections; it counts as LISTEN too
 * whenever -e, -t or -w is non-zero.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static int family = AF_INET;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static socklen_t loopback(struct sockaddr_storage *ss, unsigned short port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		a->sin6_port = htons(port);
		return sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->sin_port = htons(port);
	return sizeof(*a);
}

/* A socket bound to an ephemeral loopback port; returns the fd. */
static int bound_socket(void)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(&ss, 0);
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&ss, len))
		die("bind");
	return fd;
}

static int listener(int backlog)
{
	int fd = bound_socket();

	if (listen(fd, backlog))
		die("listen");
	return fd;
}

static void connect_pair(int lfd, int *client, int *server)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(lfd, (struct sockaddr *)&ss, &len))
		die("getsockname");
	*client = socket(family, SOCK_STREAM, 0);
	if (*client < 0)
		die("socket");
	if (connect(*client, (struct sockaddr *)&ss, len))
		die("connect");
	*server = accept(lfd, NULL, NULL);
	if (*server < 0)
		die("accept");
}

/* Blocks until the peer's FIN has arrived on fd. */
static void wait_eof(int fd)
{
	char c;

	if (read(fd, &c, 1) != 0)
		die("read: expected EOF");
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	long listen_n = 0, estab_n = 0, tw_n = 0, cw_n = 0, close_n = 0;
	int lfd = -1, c, s, opt;
	long i;

	while ((opt = getopt(argc, argv, "6l:e:t:w:c:")) != -1) {
		switch (opt) {
		case '6': family = AF_INET6; break;
		case 'l': listen_n = atol(optarg); break;
		case 'e': estab_n = atol(optarg); break;
		case 't': tw_n = atol(optarg); break;
		case 'w': cw_n = atol(optarg); break;
		case 'c': close_n = atol(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-6] [-l N] [-e N] [-t N] [-w N] [-c N]\n",
				argv[0]);
			return 2;
		}
	}
	raise_fd_limit();

	for (i = 0; i < listen_n; i++)
		listener(16);
	for (i = 0; i < close_n; i++)
		bound_socket();
	if (estab_n || tw_n || cw_n)
		lfd = listener(SOMAXCONN);
	for (i = 0; i < estab_n; i++)
		connect_pair(lfd, &c, &s);
	for (i = 0; i < tw_n; i++) {
		/* The client closes first and ends in TIME_WAIT once the
		 * server's FIN is acknowledged.
		 */
		connect_pair(lfd, &c, &s);
		close(c);
		wait_eof(s);
		close(s);
	}
	for (i = 0; i < cw_n; i++) {
		/* The server never closes: CLOSE_WAIT; the orphaned client
		 * waits for that FIN in FIN_WAIT2 (a timewait socket).
		 */
		connect_pair(lfd, &c, &s);
		close(c);
		wait_eof(s);
	}

	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
