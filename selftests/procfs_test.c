// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpstates as a file: present, world-readable, headed by the version
 * the module reports to sysfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include <tcpstates.h>

#define NOBODY 65534

/* Reads the whole file into buf (NUL-terminated); returns bytes or -errno. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? -errno : (ssize_t)len;
}

TEST(exists_world_readable)
{
	struct stat st;

	ASSERT_EQ(0, stat(TCPSTATES_PROC_PATH, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0444, st.st_mode & 07777);
}

TEST(header_names_module_version)
{
	char version[64], want[128], buf[4096];

	ASSERT_LT(0, read_file("/sys/module/tcpstates/version", version,
			       sizeof(version)));
	version[strcspn(version, "\n")] = '\0';
	snprintf(want, sizeof(want), "%s %s", TCPSTATES_HEADER_TAG, version);

	ASSERT_LT(0, read_file(TCPSTATES_PROC_PATH, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, want, strlen(want)))
		TH_LOG("header '%.*s', expected '%s'",
		       (int)strcspn(buf, "\n"), buf, want);
}

TEST(unprivileged_user_reads)
{
	char root_view[4096];
	int status;
	pid_t pid;

	ASSERT_LT(0, read_file(TCPSTATES_PROC_PATH, root_view,
			       sizeof(root_view)));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char buf[4096];
		ssize_t n;

		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(2);
		n = read_file(TCPSTATES_PROC_PATH, buf, sizeof(buf));
		if (n <= 0)
			_exit(3);
		/* Same first line as root sees: nothing is hidden from users. */
		_exit(strncmp(buf, root_view, strcspn(root_view, "\n")) ? 4 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
