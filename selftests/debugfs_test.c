// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs views, /sys/kernel/debug/tcpstates/: who may open them, and
 * what they say against sock_diag.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
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

TEST(root_only_files)
{
	struct stat st;

	ASSERT_EQ(0, stat(STATS, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0400, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	/* No write path, for root either. */
	EXPECT_EQ(-1, open(STATS, O_WRONLY));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, open(STATS, O_RDWR));
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
	int err = open_as_nobody(STATS);

	EXPECT_TRUE(err == EACCES || err == EPERM) TH_LOG("open as nobody: %d", err);
}

/*
 * Even with every mode on the way widened, the open needs CAP_NET_ADMIN.
 * The modes are put back whatever happens.
 */
TEST(nobody_is_refused_by_capability)
{
	static const char *const paths[] = { "/sys/kernel/debug", TS_DEBUGFS_DIR, STATS };
	mode_t old[3];
	struct stat st;
	int i, err;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, stat(paths[i], &st));
		old[i] = st.st_mode & 07777;
	}
	for (i = 0; i < 3; i++)
		chmod(paths[i], old[i] | 0555);
	err = open_as_nobody(STATS);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, chmod(paths[i], old[i]));
	EXPECT_EQ(EPERM, err) TH_LOG("open as nobody: %d", err);
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
	sg_sysctl("net/ipv4/tcp_tw_reuse", "0");
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

TEST_HARNESS_MAIN
