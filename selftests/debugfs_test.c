// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs views, /sys/kernel/debug/tcpstates/: who may open them, and
 * what they say against sock_diag.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "oracle.h"
#include "parse.h"
#include "sockgen.h"

#define NOBODY 65534
#define BUF_SIZE (64 * 1024)
#define STATS TS_DEBUGFS_STATS
#define TIMEWAIT TS_DEBUGFS_DIR "/timewait"
#define TOP TS_DEBUGFS_DIR "/top"
#define NETNS TS_DEBUGFS_DIR "/netns"
#define TW_MAX 4096
#define TW_TEXT_MAX (TW_MAX * 128)

static const char *const views[] = { STATS, TIMEWAIT, TOP, NETNS };
#define NVIEWS (sizeof(views) / sizeof(views[0]))

/*
 * Room for the TIME_WAIT sockets a test makes, which the defaults may not
 * give: no reuse, and a limit above half the established hash (8 in the
 * 16-bucket guest).
 */
static void timewait_room(void)
{
	sg_sysctl("net/ipv4/tcp_tw_reuse", "0");
	sg_sysctl("net/ipv4/tcp_max_tw_buckets", "100000");
}

TEST(root_only_files)
{
	struct stat st;
	unsigned int i;

	for (i = 0; i < NVIEWS; i++) {
		ASSERT_EQ(0, stat(views[i], &st)) TH_LOG("%s", views[i]);
		EXPECT_TRUE(S_ISREG(st.st_mode));
		EXPECT_EQ(0400, st.st_mode & 07777);
		EXPECT_EQ(0, st.st_uid);
		/* No write path, for root either. */
		EXPECT_EQ(-1, open(views[i], O_WRONLY));
		EXPECT_EQ(EACCES, errno);
		EXPECT_EQ(-1, open(views[i], O_RDWR));
	}
}

/* Opens @path as nobody in a child: 0, or the errno of the failure. */
static int open_as_nobody(const char *path)
{
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(100);
		fd = open(path, O_RDONLY);
		_exit(fd < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST(nobody_is_refused)
{
	unsigned int i;
	int err;

	for (i = 0; i < NVIEWS; i++) {
		err = open_as_nobody(views[i]);
		EXPECT_TRUE(err == EACCES || err == EPERM)
			TH_LOG("open %s as nobody: %d", views[i], err);
	}
}

/*
 * Even with every mode on the way widened, the open needs CAP_NET_ADMIN.
 * The modes are put back whatever happens.
 */
TEST(nobody_is_refused_by_capability)
{
	static const char *const dirs[] = { "/sys/kernel/debug", TS_DEBUGFS_DIR };
	mode_t old[2], oldv[NVIEWS];
	int err[NVIEWS];
	struct stat st;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, stat(dirs[i], &st));
		old[i] = st.st_mode & 07777;
	}
	for (i = 0; i < NVIEWS; i++) {
		ASSERT_EQ(0, stat(views[i], &st));
		oldv[i] = st.st_mode & 07777;
	}
	for (i = 0; i < 2; i++)
		chmod(dirs[i], old[i] | 0555);
	for (i = 0; i < NVIEWS; i++) {
		chmod(views[i], oldv[i] | 0444);
		err[i] = open_as_nobody(views[i]);
		EXPECT_EQ(0, chmod(views[i], oldv[i]));
	}
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, chmod(dirs[i], old[i]));
	for (i = 0; i < NVIEWS; i++) {
		EXPECT_EQ(EPERM, err[i]) {
			TH_LOG("open %s as nobody: %d", views[i], err[i]);
		}
	}
}

TEST(stats_before_any_walk)
{
	static char text[BUF_SIZE];

	sg_new_netns();
	ASSERT_LT(0, ts_read_file(STATS, text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, "no walk yet")) TH_LOG("%s", text);
}

/*
 * A namespace with every kind of entry: the last walk's entries per table
 * and kind against sock_diag's sockets, and against the walked figure of
 * the read that made the walk.
 */
TEST(stats_match_sock_diag)
{
	static char text[BUF_SIZE];
	static struct oracle_counts oc;
	struct ts_table_stats t[TS_NTABLES];
	char err[128];
	unsigned int listen, close = 4;
	int fam, i, lfd, dfd, c, a;
	long long walked;

	sg_new_netns();
	timewait_room();
	for (fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;

		lfd = sg_listener(family, 256);
		dfd = sg_defer_listener(family);
		for (i = 0; i < 20; i++)
			sg_pair(lfd, &c, &a);
		for (i = 0; i < 15; i++)
			sg_time_wait(lfd);
		for (i = 0; i < 5; i++)
			sg_close_wait(lfd, true, &c);
		for (i = 0; i < 7; i++)
			sg_syn_recv(dfd);
		for (i = 0; i < 2; i++)
			sg_bound(family);
	}
	walked = ts_read_walked();
	ASSERT_LT(0, walked);
	ASSERT_LT(0, ts_read_file(STATS, text, sizeof(text)));
	ASSERT_EQ(0, ts_parse_stats(text, t, err, sizeof(err))) TH_LOG("%s:\n%s", err, text);
	ASSERT_EQ(0, oracle_sock_diag(&oc, false));

	listen = oc.sockets[TCP_LISTEN][0] + oc.sockets[TCP_LISTEN][1];
	EXPECT_EQ(4, listen);
	EXPECT_EQ(oc.conn_full, t[TS_T_ESTABLISHED].full);
	EXPECT_EQ(oc.conn_request, t[TS_T_ESTABLISHED].request);
	EXPECT_EQ(oc.conn_timewait, t[TS_T_ESTABLISHED].timewait);
	EXPECT_EQ(listen, t[TS_T_LISTENING].full);
	EXPECT_EQ(0, t[TS_T_LISTENING].request + t[TS_T_LISTENING].timewait);
	/* Every full socket is bound; request sockets are not. */
	EXPECT_EQ(oc.conn_full + listen + close, t[TS_T_BIND].full);
	EXPECT_EQ(0, t[TS_T_BIND].request);
	EXPECT_EQ(oc.conn_timewait, t[TS_T_BIND].timewait);
	for (i = 0; i < TS_NTABLES; i++) {
		EXPECT_EQ(t[i].entries, t[i].full + t[i].request + t[i].timewait);
		EXPECT_LE(t[i].nonempty, t[i].buckets);
		EXPECT_LT(0, t[i].nonempty);
		EXPECT_EQ(0, t[i].restarts);
		walked -= t[i].entries;
	}
	EXPECT_EQ(0, walked) TH_LOG("walked differs from the stats' entries by %lld", walked);
	/* What was made, so that the comparisons above are not vacuous: */
	/* Pairs, CLOSE_WAIT servers, the SYN_RECV clients. */
	EXPECT_EQ(2 * (2 * 20 + 5 + 7), oc.conn_full);
	EXPECT_EQ(2 * 7, oc.conn_request);
	EXPECT_EQ(2 * (15 + 5), oc.conn_timewait);
}

/* A line of the timewait view, as a key to sort by and its ms_left. */
struct tw_line {
	char key[160];
	unsigned int ms;
};

static int tw_line_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tw_line *)a)->key,
		      ((const struct tw_line *)b)->key);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Reads the timewait view @chunk bytes per read(), so that reads stop
 * inside lines and between the view's fills. Returns the lines (sorted),
 * or -1 with @err set.
 */
static int read_timewait(struct tw_line *out, size_t chunk, char *err,
			 size_t errlen)
{
	static char text[TW_TEXT_MAX];
	char fam[16], local[64], remote[64], sub[16], *line, *nl;
	size_t len = 0;
	ssize_t r;
	int fd, n = 0;

	fd = open(TIMEWAIT, O_RDONLY);
	if (fd < 0) {
		snprintf(err, errlen, "open: %s", strerror(errno));
		return -1;
	}
	while (len + chunk < sizeof(text) && (r = read(fd, text + len, chunk)) > 0)
		len += r;
	close(fd);
	text[len] = 0;
	nl = strchr(text, '\n');
	if (!nl || sscanf(text, "%15s %63s %63s %15s", fam, local, remote, sub) != 4 ||
	    strcmp(fam, "family") || strcmp(sub, "substate")) {
		snprintf(err, errlen, "bad header");
		return -1;
	}
	for (line = nl + 1; *line && n < TW_MAX; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl || sscanf(line, "%15s %63s %63s %15s %u", fam, local,
				  remote, sub, &out[n].ms) != 5) {
			snprintf(err, errlen, "bad line %d: %.80s", n + 1, line);
			return -1;
		}
		snprintf(out[n].key, sizeof(out[n].key), "%s %s %s %s", fam,
			 local, remote, sub);
		n++;
	}
	qsort(out, n, sizeof(*out), tw_line_cmp);
	return n;
}

static void endpoint(char *buf, size_t size, int family,
		     const unsigned char *addr, unsigned short port)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, a, sizeof(a));
	snprintf(buf, size, family == AF_INET ? "%s:%u" : "[%s]:%u", a, port);
}

/* sock_diag's timewait sockets as the view's lines, sorted. */
static int oracle_timewait(struct tw_line *out)
{
	static struct oracle_tw tw[TW_MAX];
	char local[64], remote[64];
	int i, n;

	n = oracle_timewait_list(tw, TW_MAX);
	if (n < 0 || n > TW_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		endpoint(local, sizeof(local), tw[i].family, tw[i].src, tw[i].sport);
		endpoint(remote, sizeof(remote), tw[i].family, tw[i].dst, tw[i].dport);
		snprintf(out[i].key, sizeof(out[i].key), "%s %s %s %s",
			 tw[i].family == AF_INET ? "ipv4" : "ipv6", local, remote,
			 tw[i].state == TCP_TIME_WAIT ? "TIME_WAIT" : "FIN_WAIT2");
		out[i].ms = tw[i].ms;
	}
	qsort(out, n, sizeof(*out), tw_line_cmp);
	return n;
}

/*
 * The view read @chunk bytes at a time against sock_diag: the same
 * sockets, each once, and milliseconds left in (0, 60000] that agree with
 * sock_diag's within the time between the two reads.
 */
static void check_timewait(struct __test_metadata *_metadata, size_t chunk,
			   int expect)
{
	static struct tw_line got[TW_MAX], want[TW_MAX];
	long long t0, dt;
	char err[128];
	int n, m, i;

	t0 = now_ms();
	n = read_timewait(got, chunk, err, sizeof(err));
	ASSERT_LE(0, n) TH_LOG("%s", err);
	m = oracle_timewait(want);
	dt = now_ms() - t0;
	ASSERT_EQ(expect, m);
	ASSERT_EQ(m, n) TH_LOG("%d lines, sock_diag has %d (reads of %zu)", n, m, chunk);
	for (i = 0; i < n; i++) {
		ASSERT_STREQ(want[i].key, got[i].key) TH_LOG("line %d, reads of %zu", i, chunk);
		EXPECT_LT(0, got[i].ms);
		EXPECT_GE(60000, got[i].ms);
		EXPECT_GE(dt + 20, llabs((long long)got[i].ms - want[i].ms))
			TH_LOG("%s: %u ms, sock_diag %u ms", got[i].key, got[i].ms, want[i].ms);
	}
}

/* TIME_WAIT and orphaned FIN_WAIT2, IPv4 and IPv6, among other sockets. */
TEST(timewait_matches_sock_diag)
{
	int fam, i, lfd, c, a;

	sg_new_netns();
	timewait_room();
	check_timewait(_metadata, 4096, 0);
	for (fam = 0; fam < 2; fam++) {
		lfd = sg_listener(fam ? AF_INET6 : AF_INET, 256);
		for (i = 0; i < 10; i++)
			sg_pair(lfd, &c, &a);
		for (i = 0; i < 150; i++)
			sg_time_wait(lfd);
		for (i = 0; i < 5; i++)
			sg_close_wait(lfd, true, &c);
	}
	/* Reads that end inside lines, and reads of many fills at once. */
	check_timewait(_metadata, 100, 2 * 155);
	check_timewait(_metadata, 64 * 1024, 2 * 155);
}

/*
 * A namespace whose established hash is one bucket: every socket on one
 * chain, longer than a lock hold, so the view's fills stop and resume
 * inside the chain, on held entries, between pauses.
 */
TEST(timewait_one_bucket)
{
	int i, lfd;

	if (!sg_has_child_ehash())
		SKIP(return, "this kernel has no tcp_child_ehash_entries (before 6.1)");
	sg_new_netns();
	sg_sysctl("net/ipv4/tcp_child_ehash_entries", "1");
	sg_new_netns();
	/* Its TIME_WAIT limit is half its hash: none. */
	timewait_room();
	lfd = sg_listener(AF_INET, 256);
	for (i = 0; i < 700; i++)
		sg_time_wait(lfd);
	check_timewait(_metadata, 100, 700);
	check_timewait(_metadata, 64 * 1024, 700);
}

/* A row of a group of the top view. */
struct top_row {
	unsigned int count, at_least;
	char share[16];		/* TIME_WAIT only */
	char key[64];		/* remote endpoint, or local port */
};

/*
 * The rows of the group titled @title ("TIME_WAIT by remote endpoint")
 * into @rows; *total gets the group's socket count. Returns the rows, or
 * -1 if the group is missing or malformed.
 */
static int top_group(const char *text, const char *title, bool tw,
		     unsigned int *total, struct top_row *rows, int max)
{
	const char *p = strstr(text, title);
	int n = 0, got;

	if (!p || sscanf(p + strlen(title), ": %u sockets", total) != 1)
		return -1;
	p = strchr(p, '\n');		/* the title */
	if (!p || !(p = strchr(p + 1, '\n')))	/* the column heads */
		return -1;
	for (p++; *p && *p != '\n' && n < max; n++) {
		if (tw)
			got = sscanf(p, "%u %u %15s %63s", &rows[n].count,
				     &rows[n].at_least, rows[n].share, rows[n].key);
		else
			got = sscanf(p, "%u %u %63s", &rows[n].count,
				     &rows[n].at_least, rows[n].key) + 1;
		if (got != 4)
			return -1;
		p = strchr(p, '\n');
		if (!p)
			return -1;
		p++;
	}
	return n;
}

static unsigned short local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return 0;
	return ntohs(ss.ss_family == AF_INET ?
		     ((struct sockaddr_in *)&ss)->sin_port :
		     ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A row of a local-port group: exactly @count sockets on @fd's port. */
static void expect_port_row(struct __test_metadata *_metadata,
			    const struct top_row *r, unsigned int count, int fd)
{
	char want[16];

	snprintf(want, sizeof(want), "%u", local_port(fd));
	EXPECT_EQ(count, r->count);
	EXPECT_EQ(count, r->at_least);
	EXPECT_STREQ(want, r->key);
}

/*
 * Known heavy keys in each group: 300 TIME_WAIT to one peer and 50 to
 * another (against a port range of 1000: 30% and 5%), CLOSE_WAIT on two
 * ports, SYN_RECV on one listener; each group's total against sock_diag.
 */
TEST(top_matches_what_was_made)
{
	static char text[BUF_SIZE];
	static struct oracle_counts oc;
	struct top_row r[16];
	unsigned int total;
	int l4, l6, c4, c6, dfd, i, c, n;
	char want[64];

	sg_new_netns();
	timewait_room();
	sg_sysctl("net/ipv4/ip_local_port_range", "40000 40999");
	l4 = sg_listener(AF_INET, 256);
	l6 = sg_listener(AF_INET6, 256);
	c4 = sg_listener(AF_INET, 16);
	c6 = sg_listener(AF_INET6, 16);
	dfd = sg_defer_listener(AF_INET);
	for (i = 0; i < 300; i++)
		sg_time_wait(l4);
	for (i = 0; i < 50; i++)
		sg_time_wait(l6);
	for (i = 0; i < 7; i++)
		sg_close_wait(c4, false, &c);
	for (i = 0; i < 3; i++)
		sg_close_wait(c6, false, &c);
	for (i = 0; i < 4; i++)
		sg_syn_recv(dfd);

	ASSERT_LT(0, ts_read_file(TOP, text, sizeof(text)));
	ASSERT_EQ(0, oracle_sock_diag(&oc, false));
	EXPECT_NE(NULL, strstr(text, "ip_local_port_range 40000-40999: 1000 ports"))
		TH_LOG("%s", text);

	n = top_group(text, "TIME_WAIT by remote endpoint", true, &total, r, 16);
	ASSERT_EQ(2, n) TH_LOG("%s", text);
	EXPECT_EQ(oc.sockets[TCP_TIME_WAIT][0] + oc.sockets[TCP_TIME_WAIT][1], total);
	EXPECT_EQ(350, total);
	EXPECT_EQ(300, r[0].count);
	EXPECT_EQ(300, r[0].at_least);
	EXPECT_STREQ("30.0%", r[0].share);
	snprintf(want, sizeof(want), "127.0.0.1:%u", local_port(l4));
	EXPECT_STREQ(want, r[0].key);
	EXPECT_EQ(50, r[1].count);
	EXPECT_STREQ("5.0%", r[1].share);
	snprintf(want, sizeof(want), "[::1]:%u", local_port(l6));
	EXPECT_STREQ(want, r[1].key);

	n = top_group(text, "CLOSE_WAIT by local port", false, &total, r, 16);
	ASSERT_EQ(2, n) TH_LOG("%s", text);
	EXPECT_EQ(oc.sockets[TCP_CLOSE_WAIT][0] + oc.sockets[TCP_CLOSE_WAIT][1], total);
	EXPECT_EQ(10, total);
	expect_port_row(_metadata, &r[0], 7, c4);
	expect_port_row(_metadata, &r[1], 3, c6);

	n = top_group(text, "SYN_RECV by local port", false, &total, r, 16);
	ASSERT_EQ(1, n) TH_LOG("%s", text);
	EXPECT_EQ(oc.sockets[TCP_SYN_RECV][0] + oc.sockets[TCP_SYN_RECV][1], total);
	EXPECT_EQ(4, total);
	expect_port_row(_metadata, &r[0], 4, dfd);
}

/* What a namespace of netns_three_at_once made, and what sock_diag saw. */
struct ns_made {
	unsigned long inum;
	unsigned int want[TCPSTATES_NSTATES];	/* by the generator */
	unsigned int diag[TCPSTATES_NSTATES];	/* by sock_diag, both families */
	int timewait;		/* TIME_WAIT and orphaned FIN_WAIT2 made */
	int tw_limit;
};

/*
 * Child @i: a namespace of its own (the third with its own established
 * hash, where the kernel has them) with 5(i+1) connected pairs, 3(i+1) TIME_WAIT, i+1 CLOSE_WAIT
 * (their clients in FIN_WAIT2), i+1 orphaned FIN_WAIT2 and 2 bound
 * sockets, and a TIME_WAIT limit of 1000(i+1); reports them on @out, then
 * waits for @in to close.
 */
static void ns_child(int i, int out, int in)
{
	static struct oracle_counts oc;
	struct ns_made m = { 0 };
	int lfd, c, a, k, s;
	char limit[16];
	struct stat st;
	char b;

	sg_new_netns();
	/* Before 6.1 every namespace shares the established hash. */
	if (i == 2 && sg_has_child_ehash()) {
		sg_sysctl("net/ipv4/tcp_child_ehash_entries", "64");
		sg_new_netns();
	}
	timewait_room();
	m.tw_limit = 1000 * (i + 1);
	snprintf(limit, sizeof(limit), "%d", m.tw_limit);
	sg_sysctl("net/ipv4/tcp_max_tw_buckets", limit);
	lfd = sg_listener(i == 1 ? AF_INET6 : AF_INET, 128);
	for (k = 0; k < 5 * (i + 1); k++)
		sg_pair(lfd, &c, &a);
	for (k = 0; k < 3 * (i + 1); k++)
		sg_time_wait(lfd);
	for (k = 0; k < i + 1; k++) {
		sg_close_wait(lfd, false, &c);
		sg_close_wait(lfd, true, &c);
	}
	sg_bound(AF_INET);
	sg_bound(AF_INET6);
	m.want[TCP_ESTABLISHED] = 2 * 5 * (i + 1);
	m.want[TCP_TIME_WAIT] = 3 * (i + 1);
	m.want[TCP_CLOSE_WAIT] = 2 * (i + 1);
	m.want[TCP_FIN_WAIT2] = 2 * (i + 1);
	m.want[TCP_LISTEN] = 1;
	m.want[TCP_CLOSE] = 2;
	m.timewait = 3 * (i + 1) + (i + 1);
	if (oracle_sock_diag(&oc, oracle_has_bound_inactive()) ||
	    stat("/proc/self/ns/net", &st))
		_exit(1);
	m.inum = st.st_ino;
	for (s = 0; s < TCPSTATES_NSTATES; s++)
		m.diag[s] = oc.sockets[s][0] + oc.sockets[s][1];
	/* Before 6.9 sock_diag cannot see bound-only sockets. */
	if (!oracle_has_bound_inactive())
		m.diag[TCP_CLOSE] = 2;
	if (write(out, &m, sizeof(m)) != sizeof(m))
		_exit(1);
	if (read(in, &b, 1) < 0)
		_exit(1);
	_exit(0);
}

/* The netns view's line for namespace @inum: its eleven states and more. */
static int netns_line(const char *text, unsigned long inum, unsigned int *n,
		      int *timewait, int *limit)
{
	char want[32];
	const char *p;
	int s, used;

	snprintf(want, sizeof(want), "\n%lu ", inum);
	p = strstr(text, want);
	if (!p)
		return -1;
	p += strlen(want);
	for (s = 1; s <= 11; s++) {
		if (sscanf(p, "%u%n", &n[s], &used) != 1)
			return -1;
		p += used;
	}
	return sscanf(p, "%d %d", timewait, limit) == 2 ? 0 : -1;
}

/*
 * Three namespaces at once, one with its own established hash: each
 * one's line against what it made and what sock_diag saw in it.
 */
TEST(netns_three_at_once)
{
	static char text[1 << 20];
	int up[2], down[2], i, s, timewait, limit;
	unsigned int n[TCPSTATES_NSTATES];
	struct ns_made m[3];
	pid_t pid[3];

	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	for (i = 0; i < 3; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			close(up[0]);
			close(down[1]);
			ns_child(i, up[1], down[0]);
		}
	}
	close(up[1]);
	close(down[0]);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(sizeof(m[i]), read(up[0], &m[i], sizeof(m[i])));
	ASSERT_LT(0, ts_read_file(NETNS, text, sizeof(text)));
	close(down[1]);
	for (i = 0; i < 3; i++)
		waitpid(pid[i], NULL, 0);
	EXPECT_EQ(0, strncmp(text, "netns ", 6)) TH_LOG("%.200s", text);

	for (i = 0; i < 3; i++) {
		memset(n, 0, sizeof(n));
		ASSERT_EQ(0, netns_line(text, m[i].inum, n, &timewait, &limit))
			TH_LOG("no line for netns %lu:\n%s", m[i].inum, text);
		for (s = 1; s <= 11; s++) {
			EXPECT_EQ(m[i].want[s], n[s]) TH_LOG("netns %d state %d", i, s);
			EXPECT_EQ(m[i].diag[s], n[s]) TH_LOG("netns %d state %d", i, s);
		}
		/* The children report in any order: m[i] is not child i. */
		EXPECT_EQ(m[i].timewait, timewait);
		EXPECT_EQ(m[i].tw_limit, limit);
	}
}

TEST_HARNESS_MAIN
