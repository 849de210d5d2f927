// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpstates_guide: the handshake and the close drawn as text, with
 * the reader's namespace's sockets in each state, in the languages of the
 * lang parameter. The counts, in the table and in the drawings, against
 * sock_diag and against what the test made.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

static const char *const names[TCPSTATES_NSTATES] = TCPSTATES_STATE_NAMES;

static int state_of(const char *name, size_t len)
{
	int s;

	for (s = TCPSTATES_FIRST_STATE; s <= TCPSTATES_LAST_STATE; s++)
		if (strlen(names[s]) == len && !strncmp(names[s], name, len))
			return s;
	return -1;
}

/*
 * Reads the counts of the first guide in @text: its table (lines "  NAME
 * ... COUNT", no brackets) into @n, and checks that every "NAME [COUNT]"
 * of the drawings before it agrees. -1 with a reason if not.
 */
static int parse_guide(const char *text, long long *n, char *why, size_t len)
{
	const char *p, *line, *end;
	int s, found = 0;
	long long v;

	for (s = 0; s < TCPSTATES_NSTATES; s++)
		n[s] = -1;
	/* The table comes after the drawings; read it first. */
	for (line = text; *line && found < 11; line = end + (*end == '\n')) {
		end = line + strcspn(line, "\n");
		if (strncmp(line, "  ", 2) || memchr(line, '[', end - line))
			continue;
		s = state_of(line + 2, strcspn(line + 2, " \n"));
		p = end;
		while (p > line && p[-1] >= '0' && p[-1] <= '9')
			p--;
		if (s < 0 || p == end)
			continue;
		n[s] = strtoll(p, NULL, 10);
		found++;
	}
	if (found != 11) {
		snprintf(why, len, "table has %d states, not 11", found);
		return -1;
	}
	for (p = text; p < line && (p = strstr(p, " [")) && p < line; p += 2) {
		const char *name = p;

		while (name > text && ((name[-1] >= 'A' && name[-1] <= 'Z') ||
				       name[-1] == '_' || (name[-1] >= '0' && name[-1] <= '9')))
			name--;
		s = state_of(name, p - name);
		if (s < 0 || sscanf(p + 2, "%lld]", &v) != 1)
			continue;
		if (v != n[s]) {
			snprintf(why, len, "%s [%lld] in a drawing, %lld in the table",
				 names[s], v, n[s]);
			return -1;
		}
	}
	return 0;
}

static int write_lang(const char *val)
{
	int fd = open(TCPSTATES_LANG_PATH, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EINVAL;
}

FIXTURE(guide) {
	char text[BUF_SIZE];
	char why[256];
	long long n[TCPSTATES_NSTATES];
};

FIXTURE_SETUP(guide)
{
	ASSERT_EQ(0, write_lang("both"));
}

FIXTURE_TEARDOWN(guide)
{
	write_lang("both");
}

TEST_F(guide, world_readable_read_only)
{
	struct stat st;

	ASSERT_EQ(0, stat(TCPSTATES_GUIDE_PATH, &st));
	EXPECT_EQ(0444, st.st_mode & 07777);
	EXPECT_EQ(-1, open(TCPSTATES_GUIDE_PATH, O_WRONLY));
	EXPECT_EQ(EACCES, errno);
}

/* Every state in the table and the drawings, against sock_diag. */
TEST_F(guide, counts_match_sock_diag)
{
	static struct oracle_counts oc;
	int lfd, c, a, i, s;
	long long want;

	sg_new_netns();
	sg_sysctl("net/ipv4/tcp_tw_reuse", "0");
	lfd = sg_listener(AF_INET, 64);
	for (i = 0; i < 7; i++)
		sg_pair(lfd, &c, &a);
	for (i = 0; i < 5; i++)
		sg_time_wait(lfd);
	for (i = 0; i < 3; i++)
		sg_close_wait(lfd, true, &c);
	lfd = sg_listener(AF_INET6, 64);
	for (i = 0; i < 2; i++)
		sg_pair(lfd, &c, &a);
	sg_bound(AF_INET);

	ASSERT_LT(0, ts_read_file(TCPSTATES_GUIDE_PATH, self->text, sizeof(self->text)));
	ASSERT_EQ(0, parse_guide(self->text, self->n, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
	ASSERT_EQ(0, oracle_sock_diag(&oc, oracle_has_bound_inactive()));
	for (s = TCPSTATES_FIRST_STATE; s <= TCPSTATES_LAST_STATE; s++) {
		want = oc.sockets[s][0] + oc.sockets[s][1];
		/* Bound-only sockets: sock_diag lists them from 6.9 only. */
		if (s == TCP_CLOSE && !oracle_has_bound_inactive())
			want = 1;
		EXPECT_EQ(want, self->n[s]) TH_LOG("%s", names[s]);
	}
	/* Not vacuous: what was made. */
	EXPECT_EQ(2 * 7 + 2 * 2 + 3, self->n[TCP_ESTABLISHED] + self->n[TCP_CLOSE_WAIT]);
	EXPECT_EQ(5, self->n[TCP_TIME_WAIT]);
	EXPECT_EQ(2, self->n[TCP_LISTEN]);
}

static int read_guide_as_nobody(void)
{
	static char text[BUF_SIZE], why[256];
	long long n[TCPSTATES_NSTATES];

	if (ts_read_file(TCPSTATES_GUIDE_PATH, text, sizeof(text)) <= 0 ||
	    parse_guide(text, n, why, sizeof(why)))
		return 1;
	/* The parent's fresh namespace: one listener, one pair. */
	return n[TCP_LISTEN] == 1 && n[TCP_ESTABLISHED] == 2 ? 0 : 2;
}

TEST_F(guide, unprivileged_reads_its_namespace)
{
	int lfd, c, a, status;
	pid_t pid;

	sg_new_netns();
	lfd = sg_listener(AF_INET, 8);
	sg_pair(lfd, &c, &a);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(100);
		_exit(read_guide_as_nobody());
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(guide, en_is_ascii_within_80_columns)
{
	const char *p;

	ASSERT_EQ(0, write_lang("en"));
	ASSERT_LT(0, ts_read_file(TCPSTATES_GUIDE_PATH, self->text, sizeof(self->text)));
	for (p = self->text; *p; p++)
		ASSERT_GT(0x80, (unsigned char)*p) TH_LOG("byte %zd", p - self->text);
	EXPECT_GE(80, ts_longest_line(self->text));
	EXPECT_NE(NULL, strstr(self->text, "three-way handshake"));
	EXPECT_NE(NULL, strstr(self->text, "four-way close"));
	EXPECT_NE(NULL, strstr(self->text, "2*MSL"));
	EXPECT_EQ(0, parse_guide(self->text, self->n, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

TEST_F(guide, zh_is_chinese)
{
	ASSERT_EQ(0, write_lang("zh"));
	ASSERT_LT(0, ts_read_file(TCPSTATES_GUIDE_PATH, self->text, sizeof(self->text)));
	EXPECT_NE(NULL, strstr(self->text, "三次握手"));
	EXPECT_NE(NULL, strstr(self->text, "四次挥手"));
	EXPECT_EQ(NULL, strstr(self->text, "three-way handshake"));
	EXPECT_EQ(0, parse_guide(self->text, self->n, self->why, sizeof(self->why)))
		TH_LOG("%s", self->why);
}

TEST_F(guide, both_is_english_then_chinese)
{
	const char *en, *zh;

	ASSERT_LT(0, ts_read_file(TCPSTATES_GUIDE_PATH, self->text, sizeof(self->text)));
	en = strstr(self->text, "three-way handshake");
	zh = strstr(self->text, "三次握手");
	ASSERT_NE(NULL, en);
	ASSERT_NE(NULL, zh);
	EXPECT_LT(en, zh);
}

TEST_HARNESS_MAIN
