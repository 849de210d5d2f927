// SPDX-License-Identifier: GPL-2.0
/*
 * diagcount: count the TCP sockets of this network namespace per state
 * and family through NETLINK_SOCK_DIAG, as `ss -tan` finds them, plus
 * the bound-only sockets (CLOSE) that 6.9+ kernels dump on request.
 * One line per state and family, in the names and order of the
 * tcpstates_sockets metric of /proc/net/tcpstates:
 *
 *   established ipv4 1234
 *
 * Used by the benchmark (make bench) as the sock_diag reader and as the
 * reference its correctness check compares the module against.
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The 11 states, numbered as in the kernel's tcp_states.h (1..11). */
static const char *const names[] = {
	NULL, "established", "syn_sent", "syn_recv", "fin_wait1", "fin_wait2",
	"time_wait", "close", "close_wait", "last_ack", "listen", "closing",
};

#define NEW_SYN_RECV	12	/* request sockets */
#define BOUND_INACTIVE	13	/* bound-only sockets, 6.9+, opt-in */

static unsigned long count[2][12];
static char buf[1 << 16];	/* more than the 32 KiB a dump skb holds */

static int dump(int fd, int family, unsigned int states)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 req;
	} msg = {
		.nh.nlmsg_len = sizeof(msg),
		.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY,
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.req.sdiag_family = family,
		.req.sdiag_protocol = IPPROTO_TCP,
		.req.idiag_states = states,
	};
	int fam = family == AF_INET6;

	if (send(fd, &msg, sizeof(msg), 0) != sizeof(msg))
		return -errno;
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			struct inet_diag_msg *m = NLMSG_DATA(nh);
			unsigned int st;

			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)m)->error ?: -EPROTO;
			st = m->idiag_state;
			if (st == NEW_SYN_RECV)
				st = 3;
			else if (st == BOUND_INACTIVE)
				st = 7;
			if (st < 1 || st > 11)
				return -EPROTO;
			count[fam][st]++;
		}
	}
}

int main(void)
{
	/* Every state, request sockets, and the bound-only ones. */
	unsigned int states = (1u << (BOUND_INACTIVE + 1)) - 1;
	int fd, err, st;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		perror("diagcount: socket");
		return 1;
	}
	err = dump(fd, AF_INET, states);
	if (!err)
		err = dump(fd, AF_INET6, states);
	if (err) {
		fprintf(stderr, "diagcount: dump: %s\n", strerror(-err));
		return 1;
	}
	for (st = 1; st <= 11; st++)
		printf("%s ipv4 %lu\n%s ipv6 %lu\n", names[st], count[0][st],
		       names[st], count[1][st]);
	return 0;
}
