// SPDX-License-Identifier: GPL-2.0
/*
 * The proc files and the lang parameter as files: modes, who may read and
 * write, reads of any size and offset, languages, and bad input.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <netinet/tcp.h>
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

static const char *const files[] = { TCPSTATES_PROC_PATH, TCPSTATES_PROC_NET_PATH };

TEST(files_world_readable)
{
	struct stat st;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, stat(files[i], &st)) TH_LOG("%s", files[i]);
		EXPECT_TRUE(S_ISREG(st.st_mode));
		EXPECT_EQ(0444, st.st_mode & 07777) TH_LOG("%s", files[i]);
	}
}

TEST(header_names_module_version)
{
	static char version[64], want[128], buf[BUF_SIZE];

	ASSERT_LT(0, ts_read_file("/sys/module/tcpstates/version", version,
				  sizeof(version)));
	version[strcspn(version, "\n")] = '\0';
	snprintf(want, sizeof(want), "%s %s ", TCPSTATES_HEADER_TAG, version);

	ASSERT_LT(0, ts_read_file(TCPSTATES_PROC_PATH, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, want, strlen(want)))
		TH_LOG("header '%.*s', expected '%s...'",
		       (int)strcspn(buf, "\n"), buf, want);
}

/* Root refuses too: neither file has a write path. */
TEST(writes_fail)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		EXPECT_EQ(-1, open(files[i], O_WRONLY)) TH_LOG("%s", files[i]);
		EXPECT_EQ(EACCES, errno) TH_LOG("%s", files[i]);
		EXPECT_EQ(-1, open(files[i], O_RDWR)) TH_LOG("%s", files[i]);
	}
}

/* Runs fn as nobody in a child; returns its exit status. */
static int as_nobody(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(100);
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* 0 if nobody reads both files and they parse with nothing hidden. */
static int read_parse_both(void)
{
	static char buf[BUF_SIZE], err[256];
	struct ts_summary s;
	struct ts_prom p;

	if (ts_read_file(TCPSTATES_PROC_PATH, buf, sizeof(buf)) <= 0 ||
	    ts_parse_summary(buf, &s, err, sizeof(err)))
		return 1;
	if (ts_read_file(TCPSTATES_PROC_NET_PATH, buf, sizeof(buf)) <= 0 ||
	    ts_parse_prometheus(buf, &p, err, sizeof(err)))
		return 2;
	/* A fresh namespace made by the parent: one listener, one pair. */
	return s.sockets[TCP_LISTEN][0] == 1 && p.sockets[TCP_LISTEN][0] == 1 &&
	       s.sockets[TCP_ESTABLISHED][0] == 2 ? 0 : 3;
}

TEST(unprivileged_user_reads)
{
	int lfd, c, s;

	sg_new_netns();
	lfd = sg_listener(AF_INET, 8);
	sg_pair(lfd, &c, &s);
	EXPECT_EQ(0, as_nobody(read_parse_both));
}

static int write_lang_en(void)
{
	int fd = open(TCPSTATES_LANG_PATH, O_WRONLY);

	if (fd >= 0 || errno != EACCES)
		return 1;
	return 0;
}

TEST(unprivileged_user_cannot_set_lang)
{
	EXPECT_EQ(0, as_nobody(write_lang_en));
}

/* Reads fd to EOF in chunks of @chunk bytes. */
static ssize_t read_chunked(int fd, char *buf, size_t size, size_t chunk)
{
	size_t len = 0, want;
	ssize_t n;

	do {
		want = size - 1 - len < chunk ? size - 1 - len : chunk;
		n = read(fd, buf + len, want);
		len += n > 0 ? n : 0;
	} while (n > 0 && want);
	buf[len] = '\0';
	return len;
}

/* ESTABLISHED IPv4 sockets in @text, a whole read of files[@i]. */
static long long established_v4(int i, const char *text)
{
	struct ts_summary sum;
	struct ts_prom prom;
	char err[256];

	if (i == 0)
		return ts_parse_summary(text, &sum, err, sizeof(err)) ? -1 :
		       (long long)sum.sockets[TCP_ESTABLISHED][0];
	return ts_parse_prometheus(text, &prom, err, sizeof(err)) ? -1 :
	       (long long)prom.sockets[TCP_ESTABLISHED][0];
}

/* The oracle's count of the same. */
static long long diag_established_v4(void)
{
	static struct oracle_counts c;

	if (oracle_sock_diag(&c, false))
		return -1;
	return c.sockets[TCP_ESTABLISHED][ORACLE_V4];
}

/*
 * A read that goes on from where the last one stopped prints the snapshot
 * the open file took at offset 0, whatever the chunk size, and so do seeks
 * and preads within it; a connection made meanwhile is not in it. A read
 * from offset 0 again (after lseek, or pread at 0) takes a new snapshot,
 * as every /proc file does, and shows the connection: counts against
 * sock_diag.
 */
TEST(offset_0_takes_a_snapshot_that_later_reads_keep)
{
	static char whole[BUF_SIZE], part[BUF_SIZE];
	size_t sizes[] = { 1, 7, 4096, 65536 };
	long long before, after;
	unsigned int i, j;
	int fd, lfd, c, a;
	ssize_t len, n;

	sg_new_netns();
	lfd = sg_listener(AF_INET, 64);
	for (i = 0; i < 2; i++) {
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			fd = open(files[i], O_RDONLY);
			ASSERT_LE(0, fd);
			before = diag_established_v4();
			len = read(fd, whole, sizes[j]);
			ASSERT_LT(0, len);
			sg_pair(lfd, &c, &a);
			after = diag_established_v4();
			ASSERT_EQ(before + 2, after);
			len += read_chunked(fd, whole + len, sizeof(whole) - len,
					    sizes[j]);
			EXPECT_EQ(before, established_v4(i, whole))
				TH_LOG("%s chunk %zu", files[i], sizes[j]);

			EXPECT_EQ(50, pread(fd, part, 50, 33));
			EXPECT_EQ(0, memcmp(whole + 33, part, 50));
			/* Forth and back: each seek lands in the same text. */
			ASSERT_EQ(len / 2, lseek(fd, len / 2, SEEK_SET));
			n = read_chunked(fd, part, sizeof(part), 13);
			EXPECT_EQ(len - len / 2, n);
			EXPECT_EQ(0, memcmp(whole + len / 2, part, n));
			ASSERT_EQ(17, lseek(fd, 17, SEEK_SET));
			EXPECT_EQ(20, read(fd, part, 20));
			EXPECT_EQ(0, memcmp(whole + 17, part, 20));

			ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
			n = read_chunked(fd, part, sizeof(part), sizes[j]);
			EXPECT_EQ(after, established_v4(i, part))
				TH_LOG("%s after lseek 0, chunk %zu", files[i], sizes[j]);

			sg_pair(lfd, &c, &a);
			n = pread(fd, part, sizeof(part) - 1, 0);
			ASSERT_LT(0, n);
			part[n] = '\0';
			EXPECT_EQ(diag_established_v4(), established_v4(i, part))
				TH_LOG("%s pread at 0", files[i]);
			close(fd);
		}
	}
}

/*
 * What a reader sees depends on its own namespace only: sockets another
 * namespace makes, in the same tables, leave the walked figure as it was;
 * a socket made here changes it.
 */
TEST(walked_counts_this_namespace_only)
{
	int lfd, c, a, i, done[2];
	long long w0;
	pid_t pid;
	char b;

	sg_new_netns();
	lfd = sg_listener(AF_INET, 64);
	sg_pair(lfd, &c, &a);
	w0 = ts_read_walked();
	ASSERT_LT(0, w0);
	ASSERT_EQ(w0, ts_read_walked());

	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		sg_new_netns();
		lfd = sg_listener(AF_INET, 64);
		for (i = 0; i < 300; i++)
			sg_pair(lfd, &c, &a);
		for (i = 0; i < 100; i++)
			sg_time_wait(lfd);
		if (write(done[1], "", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(done[1]);
	ASSERT_EQ(1, read(done[0], &b, 1));
	EXPECT_EQ(w0, ts_read_walked());
	sg_pair(lfd, &c, &a);
	EXPECT_LT(w0, ts_read_walked());
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* --- lang ------------------------------------------------------------ */

static int write_lang(const char *val, size_t len)
{
	int fd = open(TCPSTATES_LANG_PATH, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static void read_lang(char *buf, size_t size)
{
	if (ts_read_file(TCPSTATES_LANG_PATH, buf, size) <= 0)
		buf[0] = '\0';
}

FIXTURE(lang) {
	char text[BUF_SIZE];
};

FIXTURE_SETUP(lang)
{
	ASSERT_EQ(0, write_lang("both\n", 5));
}

FIXTURE_TEARDOWN(lang)
{
	write_lang("both\n", 5);
}

static bool has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

TEST_F(lang, en_is_ascii_within_80_columns)
{
	char cur[16];

	ASSERT_EQ(0, write_lang("en\n", 3));
	read_lang(cur, sizeof(cur));
	EXPECT_STREQ("en\n", cur);
	ASSERT_LT(0, ts_read_file(TCPSTATES_PROC_PATH, self->text, sizeof(self->text)));
	EXPECT_FALSE(has_non_ascii(self->text));
	EXPECT_GE(80, ts_longest_line(self->text));
	EXPECT_NE(NULL, strstr(self->text, "The socket has an established connection."));
}

TEST_F(lang, zh_prints_chinese)
{
	ASSERT_EQ(0, write_lang("zh", 2));
	ASSERT_LT(0, ts_read_file(TCPSTATES_PROC_PATH, self->text, sizeof(self->text)));
	EXPECT_NE(NULL, strstr(self->text, "套接字已建立连接"));
	EXPECT_NE(NULL, strstr(self->text, "套接字正在侦听传入的连接"));
	EXPECT_EQ(NULL, strstr(self->text, "The socket has an established"));
}

TEST_F(lang, both_prints_both)
{
	static char err[256];
	struct ts_summary s;

	ASSERT_LT(0, ts_read_file(TCPSTATES_PROC_PATH, self->text, sizeof(self->text)));
	EXPECT_NE(NULL, strstr(self->text, "The socket has an established connection."));
	EXPECT_NE(NULL, strstr(self->text, "套接字已建立连接"));
	EXPECT_EQ(0, ts_parse_summary(self->text, &s, err, sizeof(err)))
		TH_LOG("%s", err);
}

TEST_F(lang, bad_values_rejected_and_old_value_kept)
{
	static const struct { const char *val; size_t len; } bad[] = {
		{ "\n", 1 }, { "EN", 2 }, { "english", 7 },
		{ "en\nx", 4 }, { "en ", 3 }, { " en", 3 }, { "enzh", 4 },
		{ "\xff\xfe", 2 }, { "zh\n\n", 4 },
		{ "enenenenenenenenenenenenenenenenenenenenenenenenenenenenenenen"
		  "enenenenenenenenenenenenenenenenenenenenenenenenenenenenenenen", 124 },
	};
	char cur[16];
	unsigned int i;

	ASSERT_EQ(0, write_lang("zh\n", 3));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, write_lang(bad[i].val, bad[i].len))
			TH_LOG("value #%u accepted", i);
		read_lang(cur, sizeof(cur));
		EXPECT_STREQ("zh\n", cur) TH_LOG("after value #%u", i);
	}
}

TEST_HARNESS_MAIN
