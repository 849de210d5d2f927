// SPDX-License-Identifier: GPL-2.0
/*
 * Socket counts by state, IPv4 and IPv6, against independent oracles.
 *
 * Each test runs in a namespace of its own, puts a known number of sockets
 * into known states (sockgen), waits until sock_diag agrees with those
 * numbers, and then requires /proc/tcpstates, /proc/net/tcpstates,
 * sock_diag and /proc/net/tcp{,6} to agree with them exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/tcp.h>

#include "kselftest_harness.h"
#include "oracle.h"
#include "parse.h"
#include "sockgen.h"
#include "check_counts.h"

#define BUF_SIZE (64 * 1024)

FIXTURE(states) {
	struct expect e;
	int f;		/* index of the variant's family in counts */
	int lfd;	/* the listener connections go through */
};

FIXTURE_VARIANT(states) {
	int family;
};

FIXTURE_VARIANT_ADD(states, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(states, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(states)
{
	sg_new_netns();
	/* Loopback connect() may reuse TIME_WAIT ports; counts would drift. */
	sg_sysctl("net/ipv4/tcp_tw_reuse", "0");
	sg_raise_fd_limit();
	memset(&self->e, 0, sizeof(self->e));
	self->f = variant->family == AF_INET6;
	self->lfd = sg_listener(variant->family, 4096);
	self->e.n[TCP_LISTEN][self->f] = 1;
}

FIXTURE_TEARDOWN(states)
{
}

static void add_established(FIXTURE_DATA(states) *self, int n)
{
	int c, s;

	while (n--) {
		sg_pair(self->lfd, &c, &s);
		self->e.n[TCP_ESTABLISHED][self->f] += 2;
	}
}

static void add_listen(FIXTURE_DATA(states) *self, int family, int n)
{
	while (n--) {
		sg_listener(family, 8);
		self->e.n[TCP_LISTEN][self->f]++;
	}
}

static void add_close(FIXTURE_DATA(states) *self, int family, int n)
{
	while (n--) {
		sg_bound(family);
		self->e.n[TCP_CLOSE][self->f]++;
	}
}

static void add_time_wait(FIXTURE_DATA(states) *self, int n)
{
	while (n--) {
		sg_time_wait(self->lfd);
		self->e.n[TCP_TIME_WAIT][self->f]++;
	}
}

static void add_close_wait(FIXTURE_DATA(states) *self, bool orphan, int n)
{
	int c;

	while (n--) {
		sg_close_wait(self->lfd, orphan, &c);
		self->e.n[TCP_CLOSE_WAIT][self->f]++;
		self->e.n[TCP_FIN_WAIT2][self->f]++;
	}
}

static void add_syn_recv(FIXTURE_DATA(states) *self, int family, int n)
{
	int lfd = sg_defer_listener(family);

	self->e.n[TCP_LISTEN][self->f]++;
	while (n--) {
		sg_syn_recv(lfd);
		self->e.n[TCP_SYN_RECV][self->f]++;
		self->e.n[TCP_ESTABLISHED][self->f]++;
	}
}

static void add_syn_sent(FIXTURE_DATA(states) *self, int family, int n)
{
	int lfd = sg_full_listener(family);

	self->e.n[TCP_LISTEN][self->f]++;
	self->e.n[TCP_ESTABLISHED][self->f] += 2;	/* the queued filler */
	while (n--) {
		sg_syn_sent(lfd);
		self->e.n[TCP_SYN_SENT][self->f]++;
	}
}

static void add_fin_wait1(FIXTURE_DATA(states) *self, int n)
{
	while (n--) {
		sg_fin_wait1(self->lfd);
		self->e.n[TCP_FIN_WAIT1][self->f]++;
		self->e.n[TCP_ESTABLISHED][self->f]++;
	}
}

static void add_last_ack(FIXTURE_DATA(states) *self, int n)
{
	while (n--) {
		sg_last_ack(self->lfd);
		self->e.n[TCP_LAST_ACK][self->f]++;
		self->e.n[TCP_FIN_WAIT2][self->f]++;
	}
}

static void add_closing(FIXTURE_DATA(states) *self, int n)
{
	while (n--) {
		sg_closing(self->lfd);
		self->e.n[TCP_CLOSING][self->f]++;
		self->e.n[TCP_FIN_WAIT2][self->f]++;
	}
}

TEST_F(states, listen_only)
{
	check_counts(_metadata, &self->e, NULL);
}

TEST_F(states, established)
{
	add_established(self, 5);
	check_counts(_metadata, &self->e, NULL);
}

TEST_F(states, listen)
{
	add_listen(self, variant->family, 7);
	check_counts(_metadata, &self->e, NULL);
}

TEST_F(states, close)
{
	add_close(self, variant->family, 4);
	check_counts(_metadata, &self->e, NULL);
}

TEST_F(states, time_wait)
{
	add_time_wait(self, 6);
	check_counts(_metadata, &self->e, NULL);
}

/* Request sockets count as SYN_RECV. */
TEST_F(states, syn_recv)
{
	add_syn_recv(self, variant->family, 4);
	check_counts(_metadata, &self->e, NULL);
}

TEST_F(states, syn_sent)
{
	add_syn_sent(self, variant->family, 3);
	check_counts(_metadata, &self->e, NULL);
}

TEST_F(states, fin_wait1)
{
	add_fin_wait1(self, 2);
	check_counts(_metadata, &self->e, NULL);
}

TEST_F(states, last_ack)
{
	add_last_ack(self, 2);
	check_counts(_metadata, &self->e, NULL);
}

TEST_F(states, closing)
{
	add_closing(self, 2);
	check_counts(_metadata, &self->e, NULL);
}

/* A half-closed client keeps its fd: a full socket in FIN_WAIT2. */
TEST_F(states, close_wait_and_fin_wait2)
{
	add_close_wait(self, false, 3);
	check_counts(_metadata, &self->e, NULL);
}

/* A closed client lives on as a timewait socket in substate FIN_WAIT2. */
TEST_F(states, orphaned_fin_wait2)
{
	add_close_wait(self, true, 3);
	check_counts(_metadata, &self->e, NULL);
}

TEST_F(states, mixed)
{
	add_established(self, 4);
	add_listen(self, variant->family, 2);
	add_close(self, variant->family, 3);
	add_time_wait(self, 5);
	add_close_wait(self, false, 2);
	add_close_wait(self, true, 1);
	add_syn_recv(self, variant->family, 2);
	add_syn_sent(self, variant->family, 2);
	add_fin_wait1(self, 1);
	add_last_ack(self, 1);
	add_closing(self, 1);
	check_counts(_metadata, &self->e, NULL);
}

/* Reads the TIME_WAIT numbers of both files, checked against each other. */
static void read_tw(struct __test_metadata *_metadata, struct ts_summary *sum,
		    struct ts_prom *prom)
{
	static char text[BUF_SIZE], err[256];

	ASSERT_LT(0, ts_read_file(TCPSTATES_PROC_NET_PATH, text, sizeof(text)));
	ASSERT_EQ(0, ts_parse_prometheus(text, prom, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_LT(0, ts_read_file(TCPSTATES_PROC_PATH, text, sizeof(text)));
	ASSERT_EQ(0, ts_parse_summary(text, sum, err, sizeof(err)))
		TH_LOG("%s", err);
}

TEST_F(states, time_wait_remaining)
{
	static struct oracle_counts diag;
	struct ts_summary s1, s2;
	struct ts_prom p1, p2;
	unsigned int i, lo = ~0u, hi = 0;

	add_time_wait(self, 5);
	ASSERT_EQ(0, oracle_sock_diag(&diag, false));
	ASSERT_EQ(5, diag.tw_count);
	for (i = 0; i < diag.tw_count; i++) {
		lo = diag.tw_ms[i] < lo ? diag.tw_ms[i] : lo;
		hi = diag.tw_ms[i] > hi ? diag.tw_ms[i] : hi;
	}
	read_tw(_metadata, &s1, &p1);

	ASSERT_EQ(5, p1.tw_count);
	ASSERT_EQ(5, s1.tw_count);
	/* Within (0, 60] s, and where sock_diag saw them just before. */
	EXPECT_LT(0, s1.tw_min_ds);
	EXPECT_GE(600, s1.tw_max_ds);
	EXPECT_GE(lo / 100 + 1, s1.tw_min_ds);
	EXPECT_LE(lo / 100 - 20, s1.tw_min_ds);
	EXPECT_GE(hi / 100 + 1, s1.tw_max_ds);
	EXPECT_LE(s1.tw_min_ds, s1.tw_mean_ds);
	EXPECT_LE(s1.tw_mean_ds, s1.tw_max_ds);
	EXPECT_LT(0.0, p1.tw_sum);
	EXPECT_GE(5 * 60.0, p1.tw_sum);
	/* _sum agrees with the mean, to the text's 0.1 s truncation. */
	EXPECT_GE(p1.tw_sum / 5, s1.tw_mean_ds / 10.0 - 0.5);
	EXPECT_LE(p1.tw_sum / 5, s1.tw_mean_ds / 10.0 + 0.5);
	/* All fresh: in (50, 60], cumulative from le="60" on. */
	EXPECT_EQ(0, p1.tw_bucket[TCPSTATES_TW_NBOUNDS - 2]);
	EXPECT_EQ(5, p1.tw_bucket[TCPSTATES_TW_NBOUNDS - 1]);
	EXPECT_EQ(5, s1.tw_hist[TCPSTATES_TW_NBOUNDS - 1]);

	sleep(2);
	read_tw(_metadata, &s2, &p2);
	EXPECT_LT(s2.tw_max_ds, s1.tw_max_ds);
	EXPECT_LT(s2.tw_min_ds, s1.tw_min_ds);
	EXPECT_LT(p2.tw_sum, p1.tw_sum - 5 * 1.5);
}

/* --- namespaces -------------------------------------------------------- */

static void pipe_msg(int fd, bool send)
{
	char c = 'x';

	if (send ? write(fd, &c, 1) != 1 : read(fd, &c, 1) != 1)
		exit(2);
}

/*
 * Two namespaces with different mixes, both alive at once: each sees
 * exactly its own sockets.
 */
TEST(namespaces_see_only_their_own)
{
	struct expect a = { 0 }, b = { 0 };
	int up[2], down[2], status, lfd, c, s, i;
	pid_t pid;

	sg_new_netns();
	sg_sysctl("net/ipv4/tcp_tw_reuse", "0");
	lfd = sg_listener(AF_INET, 64);
	for (i = 0; i < 3; i++)
		sg_pair(lfd, &c, &s);
	a.n[TCP_LISTEN][0] = 1;
	a.n[TCP_ESTABLISHED][0] = 6;
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		sg_new_netns();
		sg_sysctl("net/ipv4/tcp_tw_reuse", "0");
		lfd = sg_listener(AF_INET6, 64);
		sg_listener(AF_INET6, 8);
		sg_bound(AF_INET);
		sg_time_wait(lfd);
		b.n[TCP_LISTEN][1] = 2;
		b.n[TCP_CLOSE][0] = 1;
		b.n[TCP_TIME_WAIT][1] = 1;
		check_counts(_metadata, &b, NULL);
		pipe_msg(up[1], true);
		pipe_msg(down[0], false);
		_exit(_metadata->exit_code);
	}
	pipe_msg(up[0], false);
	check_counts(_metadata, &a, NULL);
	pipe_msg(down[1], true);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the second namespace saw other counts");
}

static long read_long(const char *path)
{
	char buf[64];

	if (ts_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/*
 * A namespace created while tcp_child_ehash_entries is set has its own
 * established hash (and a TIME_WAIT limit of half its size).
 */
TEST(namespace_with_own_established_hash)
{
	static char text[BUF_SIZE], err[256];
	struct expect e = { 0 };
	struct ts_prom prom;
	int lfd, c, s, i;

	if (!sg_has_child_ehash())
		SKIP(return, "this kernel has no tcp_child_ehash_entries (before 6.1)");
	sg_new_netns();
	sg_sysctl("net/ipv4/tcp_child_ehash_entries", "128");
	sg_new_netns();
	ASSERT_EQ(128, read_long("/proc/sys/net/ipv4/tcp_ehash_entries"));
	sg_sysctl("net/ipv4/tcp_tw_reuse", "0");

	lfd = sg_listener(AF_INET6, 64);
	for (i = 0; i < 3; i++)
		sg_pair(lfd, &c, &s);
	for (i = 0; i < 4; i++)
		sg_time_wait(lfd);
	sg_close_wait(lfd, true, &c);
	e.n[TCP_LISTEN][1] = 1;
	e.n[TCP_ESTABLISHED][1] = 6;
	e.n[TCP_TIME_WAIT][1] = 4;
	e.n[TCP_CLOSE_WAIT][1] = 1;
	e.n[TCP_FIN_WAIT2][1] = 1;
	check_counts(_metadata, &e, NULL);

	ASSERT_LT(0, ts_read_file(TCPSTATES_PROC_NET_PATH, text, sizeof(text)));
	ASSERT_EQ(0, ts_parse_prometheus(text, &prom, err, sizeof(err)));
	EXPECT_EQ(64, prom.tw_limit);
	EXPECT_EQ(read_long("/proc/sys/net/ipv4/tcp_max_tw_buckets"), prom.tw_limit);
	EXPECT_EQ(5, prom.tw_in_use);	/* 4 TIME_WAIT + 1 FIN_WAIT2 */
}

static void send_fds(int sock, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))] = { 0 }, c = 'f';
	struct iovec iov = { &c, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		exit(2);
}

static int recv_fds(int sock, int *fds, int n)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))], c;
	struct iovec iov = { &c, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
	return 0;
}

/*
 * Files opened in a namespace whose last process has exited: the open
 * files keep the namespace, so the first read walks it, empty now.
 */
TEST(files_outlive_the_namespace_processes)
{
	static char text[BUF_SIZE], err[256];
	struct ts_summary sum;
	struct ts_prom prom;
	int sp[2], fds[2], status;
	struct stat own;
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, stat("/proc/self/ns/net", &own));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sp));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		sg_new_netns();
		sg_listener(AF_INET, 8);
		fds[0] = open(TCPSTATES_PROC_PATH, O_RDONLY);
		fds[1] = open(TCPSTATES_PROC_NET_PATH, O_RDONLY);
		if (fds[0] < 0 || fds[1] < 0)
			_exit(3);
		send_fds(sp[1], fds, 2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, recv_fds(sp[0], fds, 2));

	n = read(fds[0], text, sizeof(text) - 1);
	ASSERT_LT(0, n);
	text[n] = '\0';
	ASSERT_EQ(0, ts_parse_summary(text, &sum, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_NE(own.st_ino, sum.netns);
	EXPECT_EQ(0, sum.sockets[TCP_LISTEN][0]);
	n = read(fds[1], text, sizeof(text) - 1);
	ASSERT_LT(0, n);
	text[n] = '\0';
	ASSERT_EQ(0, ts_parse_prometheus(text, &prom, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, prom.sockets[TCP_LISTEN][0]);
	close(fds[0]);
	close(fds[1]);
}

TEST_HARNESS_MAIN
