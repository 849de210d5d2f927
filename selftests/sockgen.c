// SPDX-License-Identifier: GPL-2.0
/*
 * Loopback TCP sockets in chosen states; see sockgen.h.
 *
 * Every state change here completes before the function returns: the
 * functions wait for the peer's view (EOF, ACK) rather than sleeping, so
 * the counts a caller expects are the counts the kernel has.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sockgen.h"

static void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	exit(1);
}

static socklen_t loopback(int family, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		return sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sizeof(*a);
}

int sg_bound(int family)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, &ss);
	int fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&ss, len))
		die("bind");
	return fd;
}

int sg_listener(int family, int backlog)
{
	int fd = sg_bound(family);

	if (listen(fd, backlog))
		die("listen");
	return fd;
}

/* Opens a connection to lfd's address; returns the client's fd. */
static int sg_connect(int lfd, bool nonblock)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;

	if (getsockname(lfd, (struct sockaddr *)&ss, &len))
		die("getsockname");
	fd = socket(ss.ss_family, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&ss, len) &&
	    !(nonblock && errno == EINPROGRESS))
		die("connect");
	return fd;
}

void sg_pair(int lfd, int *client, int *server)
{
	*client = sg_connect(lfd, false);
	*server = accept(lfd, NULL, NULL);
	if (*server < 0)
		die("accept");
}

/* Sends our FIN: no more data from fd, which stays open. */
static void half_close(int fd)
{
	if (shutdown(fd, SHUT_WR))
		die("shutdown");
}

/* Blocks until the peer's FIN has arrived on fd. */
static void wait_eof(int fd)
{
	char c;

	if (read(fd, &c, 1) != 0)
		die("read: expected EOF");
}

static int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		die("TCP_INFO");
	return ti.tcpi_state;
}

/* Polls fd's state for up to 5 s: transitions wait on ACKs in softirq. */
static void wait_state(int fd, int state)
{
	struct timespec ms = { 0, 1000000 };
	int i;

	for (i = 0; i < 5000; i++) {
		if (tcp_state(fd) == state)
			return;
		nanosleep(&ms, NULL);
	}
	errno = ETIMEDOUT;
	die("socket stuck in state %d, expected %d", tcp_state(fd), state);
}

void sg_time_wait(int lfd)
{
	int c, s;

	sg_pair(lfd, &c, &s);
	half_close(c);
	wait_eof(s);
	close(s);
	/*
	 * The server's FIN moves the connection into a timewait socket and
	 * leaves the client's own socket CLOSE and unbound: wait for that.
	 */
	wait_eof(c);
	wait_state(c, TCP_CLOSE);
	close(c);
}

int sg_close_wait(int lfd, bool orphan, int *client)
{
	int c, s;

	sg_pair(lfd, &c, &s);
	half_close(c);
	wait_eof(s);
	wait_state(c, TCP_FIN_WAIT2);
	if (orphan) {
		close(c);
		c = -1;
	}
	*client = c;
	return s;
}

/* Writes to fd until a write would block: see sg_fin_wait1() in sockgen.h. */
static void fill_until_blocked(int fd)
{
	static char junk[65536];
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK))
		die("fcntl");
	while (write(fd, junk, sizeof(junk)) > 0)
		;
	if (errno != EAGAIN)
		die("write");
	if (fcntl(fd, F_SETFL, flags))
		die("fcntl");
}

/* Reads fd until the peer's FIN. */
static void drain(int fd)
{
	static char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		die("read");
}

void sg_fin_wait1(int lfd)
{
	int c, s;

	sg_pair(lfd, &c, &s);
	fill_until_blocked(c);
	half_close(c);
	wait_state(c, TCP_FIN_WAIT1);
}

void sg_last_ack(int lfd)
{
	int c, s;

	sg_pair(lfd, &c, &s);
	half_close(c);
	wait_eof(s);
	wait_state(c, TCP_FIN_WAIT2);
	fill_until_blocked(s);
	half_close(s);
	wait_state(s, TCP_LAST_ACK);
}

void sg_closing(int lfd)
{
	int c, s;

	sg_pair(lfd, &c, &s);
	fill_until_blocked(c);
	fill_until_blocked(s);
	half_close(c);
	half_close(s);
	/*
	 * The client takes in the server's data and then its FIN, while
	 * its own FIN still waits behind data the server never reads.
	 */
	drain(c);
	wait_state(c, TCP_CLOSING);
	wait_state(s, TCP_FIN_WAIT2);
}

int sg_defer_listener(int family)
{
	int fd = sg_bound(family), secs = 60;

	if (setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &secs, sizeof(secs)))
		die("TCP_DEFER_ACCEPT");
	if (listen(fd, 64))
		die("listen");
	return fd;
}

int sg_syn_recv(int defer_lfd)
{
	/* connect() returns on the SYN-ACK; the server sits on the ACK. */
	return sg_connect(defer_lfd, false);
}

int sg_full_listener(int family)
{
	struct pollfd pfd;
	int lfd = sg_listener(family, 0);

	sg_connect(lfd, false);
	/* Full once the filler's ACK has made it a queued connection. */
	pfd.fd = lfd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) != 1)
		die("filler connection never queued");
	return lfd;
}

int sg_syn_sent(int full_lfd)
{
	int fd = sg_connect(full_lfd, true);

	wait_state(fd, TCP_SYN_SENT);
	return fd;
}

/*
 * An ESTABLISHED IPv4 socket without a handshake: in TCP_REPAIR mode
 * connect() enters ESTABLISHED at once and sends nothing (CAP_NET_ADMIN),
 * and the socket stays in repair mode, so it never sends anything later
 * either. SO_REUSEADDR and SO_REUSEPORT let many share one local address
 * and port, also with a listener that set both.
 */
static int repaired(const struct sockaddr_in *local,
		    const struct sockaddr_in *remote)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
		die("SO_REUSEADDR/SO_REUSEPORT");
	if (bind(fd, (const struct sockaddr *)local, sizeof(*local)))
		die("bind");
	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &one, sizeof(one)))
		die("TCP_REPAIR");
	if (connect(fd, (const struct sockaddr *)remote, sizeof(*remote)))
		die("connect in repair mode");
	return fd;
}

/* 127.0.0.0/8 address number @n (1: 127.0.0.1), port @port. */
static struct sockaddr_in loopback4(unsigned int n, unsigned int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK - 1 + n),
		.sin_port = htons(port),
	};

	return a;
}

#define REPAIR_PORTS	60000	/* ports 1024..61023 of each address */

/*
 * Repaired sockets @from to @to - 1: on @listener's address and port, each
 * to its own peer, or (no listener) each on its own address and port.
 */
static void repaired_range(const struct sockaddr_in *listener,
			   unsigned long from, unsigned long to)
{
	struct sockaddr_in local, remote;
	unsigned long i;

	for (i = from; i < to; i++) {
		local = loopback4(2 + i / REPAIR_PORTS, 1024 + i % REPAIR_PORTS);
		remote = loopback4(1, 9);
		if (listener) {
			remote = local;
			local = *listener;
		}
		repaired(&local, &remote);
	}
}

/*
 * Makes a repaired load in two processes, one per CPU of the guest: a
 * child makes the second half and keeps it until this process dies.
 */
static void repaired_in_two(const struct sockaddr_in *listener,
			    unsigned long n)
{
	int done[2];
	pid_t pid;
	char b;

	if (pipe(done))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		repaired_range(listener, n / 2, n);
		if (write(done[1], "", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(done[1]);
	repaired_range(listener, 0, n / 2);
	if (read(done[0], &b, 1) != 1)
		die("the second half of the repaired sockets");
	close(done[0]);
}

void sg_repaired_one_port(unsigned long n)
{
	struct sockaddr_in local = loopback4(1, 0);
	socklen_t len = sizeof(local);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&local, len) || listen(lfd, 16) ||
	    getsockname(lfd, (struct sockaddr *)&local, &len))
		die("listener for repaired connections");
	repaired_in_two(&local, n);
}

void sg_repaired_spread(unsigned long n)
{
	repaired_in_two(NULL, n);
}

void sg_raise_fd_limit(void)
{
	/* fs.nr_open's default: root may go that far. */
	struct rlimit rl = { 1 << 20, 1 << 20 };

	if (setrlimit(RLIMIT_NOFILE, &rl) && getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

void sg_sysctl(const char *name, const char *value)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		die("sysctl %s=%s", name, value);
	close(fd);
}

bool sg_has_child_ehash(void)
{
	return access("/proc/sys/net/ipv4/tcp_child_ehash_entries", F_OK) == 0;
}

void sg_new_netns(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd;

	if (unshare(CLONE_NEWNET))
		die("unshare(CLONE_NEWNET)");
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		die("SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		die("SIOCSIFFLAGS lo");
	close(fd);
}
