// SPDX-License-Identifier: GPL-2.0
/*
 * Independent oracle for TCP socket counts, see oracle.h. Written from the
 * uapi headers and the documented /proc/net/tcp format only, so that a bug
 * in the module under test cannot be mirrored here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "oracle.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Kernel TCP state numbers, include/net/tcp_states.h. */
#define ST_SYN_RECV		3
#define ST_FIN_WAIT2		5
#define ST_TIME_WAIT		6
#define ST_CLOSE		7
#define ST_LISTEN		10
#define ST_NEW_SYN_RECV		12
#define ST_BOUND_INACTIVE	13

/*
 * Every real state plus NEW_SYN_RECV (request sockets), but not the
 * BOUND_INACTIVE pseudo-state, which must stay opt-in.
 */
#define ALL_STATES_MASK		((1u << (ST_NEW_SYN_RECV + 1)) - 1)
#define BOUND_INACTIVE_BIT	(1u << ST_BOUND_INACTIVE)

/*
 * The kernel sizes each dump skb after our previous receive buffer (up to
 * 32 KiB and more with large pages); a larger buffer never truncates.
 */
#define DIAG_BUF_SIZE		(256 * 1024)
#define DIAG_SEQ		0x6f72636cu
/* A stalled dump must fail the test rather than hang it. */
#define DIAG_TIMEOUT_SEC	30

#define PROC_BUF_SIZE		(256 * 1024)
#define PROC_LINE_MAX		512
#define MS_PER_USER_HZ_TICK	10	/* USER_HZ is 100 on every arch */

struct diag_dump {
	int family;
	unsigned int states;
	int (*cb)(const struct inet_diag_msg *m, void *arg);
	void *arg;
};

static int family_index(int family)
{
	if (family == AF_INET)
		return ORACLE_V4;
	if (family == AF_INET6)
		return ORACLE_V6;
	return -1;
}

static void note_time_wait(struct oracle_counts *c, unsigned int ms)
{
	if (c->tw_count < ARRAY_SIZE(c->tw_ms))
		c->tw_ms[c->tw_count] = ms;
	c->tw_count++;
}

static int note_socket(struct oracle_counts *c, unsigned int state, int fam)
{
	if (state >= ORACLE_NSTATES || fam < 0)
		return -EPROTO;
	c->sockets[state][fam]++;
	return 0;
}

static int diag_open(void)
{
	struct timeval tv = { .tv_sec = DIAG_TIMEOUT_SEC };
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int diag_request(int fd, const struct diag_dump *d)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg = {
		.nlh = {
			.nlmsg_len = sizeof(msg),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = DIAG_SEQ,
		},
		.req = {
			.sdiag_family = d->family,
			.sdiag_protocol = IPPROTO_TCP,
			.idiag_states = d->states,
		},
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	n = sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&kernel,
		   sizeof(kernel));
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof(msg) ? 0 : -EIO;
}

/* Status carried by NLMSG_DONE or NLMSG_ERROR: 1 (end of dump) or -errno. */
static int diag_end_status(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	int err;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(err)))
		return h->nlmsg_type == NLMSG_DONE ? 1 : -EPROTO;
	memcpy(&err, &e->error, sizeof(err));
	return err < 0 ? err : 1;
}

static int diag_one(const struct nlmsghdr *h, const struct diag_dump *d)
{
	if (h->nlmsg_seq != DIAG_SEQ)
		return 0;
	if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
		return diag_end_status(h);
	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return 0;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
		return -EPROTO;
	return d->cb(NLMSG_DATA(h), d->arg);
}

/* Walks one datagram: 0 to read on, 1 when the dump ended, or -errno. */
static int diag_parse(const char *buf, size_t len, const struct diag_dump *d)
{
	const struct nlmsghdr *h;
	size_t step;
	int ret;

	while (len >= sizeof(*h)) {
		h = (const struct nlmsghdr *)buf;
		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len)
			return -EPROTO;
		ret = diag_one(h, d);
		if (ret)
			return ret;
		step = NLMSG_ALIGN(h->nlmsg_len);
		if (step > len)
			step = len;
		buf += step;
		len -= step;
	}
	return len ? -EPROTO : 0;
}

static int diag_receive(int fd, char *buf, const struct diag_dump *d)
{
	struct iovec iov = { .iov_base = buf, .iov_len = DIAG_BUF_SIZE };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	n = recvmsg(fd, &mh, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	if (n == 0)
		return -EPROTO;
	return diag_parse(buf, n, d);
}

static int diag_run(const struct diag_dump *d)
{
	char *buf;
	int fd, ret;

	buf = malloc(DIAG_BUF_SIZE);
	if (!buf)
		return -ENOMEM;
	fd = diag_open();
	if (fd < 0) {
		free(buf);
		return fd;
	}
	ret = diag_request(fd, d);
	while (!ret)
		ret = diag_receive(fd, buf, d);
	close(fd);
	free(buf);
	return ret < 0 ? ret : 0;
}

static int count_diag_reply(const struct inet_diag_msg *m, void *arg)
{
	struct oracle_counts *c = arg;
	unsigned int state = m->idiag_state;

	/* 6.9+ reports bound-only sockets as TCP_CLOSE; accept 13 as well. */
	if (state == ST_BOUND_INACTIVE)
		state = ST_CLOSE;
	/* Only timewait sockets (idiag_timer 3) can be in TIME_WAIT. */
	if (state == ST_TIME_WAIT)
		note_time_wait(c, m->idiag_expires);
	if (m->idiag_timer == 3)
		c->conn_timewait++;
	else if (state == ST_SYN_RECV || state == ST_NEW_SYN_RECV)
		c->conn_request++;
	else if (state != ST_LISTEN && state != ST_CLOSE)
		c->conn_full++;
	return note_socket(c, state, family_index(m->idiag_family));
}

int oracle_sock_diag(struct oracle_counts *c, bool with_bound_inactive)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct diag_dump d = {
		.states = ALL_STATES_MASK,
		.cb = count_diag_reply,
		.arg = c,
	};
	unsigned int i;
	int ret;

	memset(c, 0, sizeof(*c));
	if (with_bound_inactive)
		d.states |= BOUND_INACTIVE_BIT;
	for (i = 0; i < ARRAY_SIZE(families); i++) {
		d.family = families[i];
		ret = diag_run(&d);
		if (ret)
			return ret;
	}
	return 0;
}

struct tw_list {
	struct oracle_tw *tw;
	unsigned int max, n;
};

static int note_timewait(const struct inet_diag_msg *m, void *arg)
{
	struct tw_list *l = arg;
	struct oracle_tw *t;

	if (m->idiag_timer != 3)
		return 0;
	if (l->n < l->max) {
		t = &l->tw[l->n];
		t->family = m->idiag_family;
		memcpy(t->src, m->id.idiag_src, sizeof(t->src));
		memcpy(t->dst, m->id.idiag_dst, sizeof(t->dst));
		t->sport = ntohs(m->id.idiag_sport);
		t->dport = ntohs(m->id.idiag_dport);
		t->state = m->idiag_state;
		t->ms = m->idiag_expires;
	}
	l->n++;
	return 0;
}

int oracle_timewait_list(struct oracle_tw *tw, unsigned int max)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct tw_list l = { .tw = tw, .max = max };
	struct diag_dump d = {
		/* Timewait sockets are in one of these two. */
		.states = (1u << ST_TIME_WAIT) | (1u << ST_FIN_WAIT2),
		.cb = note_timewait,
		.arg = &l,
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(families); i++) {
		d.family = families[i];
		ret = diag_run(&d);
		if (ret)
			return ret;
	}
	return l.n;
}

struct inode_probe {
	ino_t ino;
	bool found;
};

static int match_inode(const struct inet_diag_msg *m, void *arg)
{
	struct inode_probe *p = arg;

	if (m->idiag_inode == p->ino)
		p->found = true;
	return 0;
}

/* 1 if a bound-only socket shows up in a BOUND_INACTIVE dump, 0 or -errno. */
static int probe_bound_inactive(void)
{
	struct sockaddr_in any = { .sin_family = AF_INET };
	struct inode_probe p = { 0 };
	struct diag_dump d = {
		.family = AF_INET,
		.states = BOUND_INACTIVE_BIT,
		.cb = match_inode,
		.arg = &p,
	};
	struct stat st;
	int fd, ret;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Wildcard address, port 0: works even while lo is down. */
	if (bind(fd, (struct sockaddr *)&any, sizeof(any)) < 0 ||
	    fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	p.ino = st.st_ino;
	ret = diag_run(&d);
	if (!ret)
		ret = p.found;
out:
	close(fd);
	return ret;
}

bool oracle_has_bound_inactive(void)
{
	static int cached = -1;
	int ret;

	if (cached < 0) {
		ret = probe_bound_inactive();
		if (ret < 0)
			return false;
		cached = ret;
	}
	return cached;
}

/* The thread's own netns, which is also the one its sockets see. */
static FILE *proc_open(const char *name)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", name);
	f = fopen(path, "re");
	if (f || errno != ENOENT)
		return f;
	snprintf(path, sizeof(path), "/proc/net/%s", name);
	return fopen(path, "re");
}

static int proc_parse_line(struct oracle_counts *c, const char *line,
			   int fam)
{
	unsigned int state, timer;
	unsigned long when;

	/* sl: local rem st tx:rx tr:tm->when ... */
	if (sscanf(line, " %*u: %*s %*s %x %*s %x:%lx",
		   &state, &timer, &when) != 3)
		return -EPROTO;
	if (state == ST_TIME_WAIT)
		note_time_wait(c, when * MS_PER_USER_HZ_TICK);
	return note_socket(c, state, fam);
}

static int proc_parse_file(struct oracle_counts *c, FILE *f, int fam)
{
	char line[PROC_LINE_MAX];
	int ret = 0;

	/* Header line. */
	if (!fgets(line, sizeof(line), f))
		return ferror(f) ? -EIO : -EPROTO;
	while (!ret && fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n'))
			ret = -EOVERFLOW;
		else
			ret = proc_parse_line(c, line, fam);
	}
	if (!ret && ferror(f))
		ret = -EIO;
	return ret;
}

static int proc_count(struct oracle_counts *c, const char *name, int fam)
{
	char *vbuf;
	FILE *f;
	int ret;

	vbuf = malloc(PROC_BUF_SIZE);
	if (!vbuf)
		return -ENOMEM;
	f = proc_open(name);
	if (!f) {
		ret = -errno;
		free(vbuf);
		return ret;
	}
	/* Big reads: fewer seq_file restarts while sockets come and go. */
	setvbuf(f, vbuf, _IOFBF, PROC_BUF_SIZE);
	ret = proc_parse_file(c, f, fam);
	fclose(f);
	free(vbuf);
	return ret;
}

int oracle_proc_net_tcp(struct oracle_counts *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	ret = proc_count(c, "tcp", ORACLE_V4);
	if (ret)
		return ret;
	return proc_count(c, "tcp6", ORACLE_V6);
}
