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
 *
 *   diagcount -k
 *
 * keeps the TIME_WAIT sockets of this namespace alive instead: it sends
 * each one a bare ACK from its peer's address and port, which restarts
 * its 60 s timer (RFC 1122 4.2.2.13; the kernel's timewait code
 * reschedules on any ACK it does not drop), and prints how many it
 * reached. The bench uses it between timed runs so that no TIME_WAIT
 * socket expires while a tool is being timed. The ACK is out of window,
 * so the timewait socket answers with an ACK of its own and the peer's
 * port with a RST: set net.ipv4.tcp_rfc1337=1 first, or that RST kills
 * the socket. A large net.ipv4.tcp_invalid_ratelimit silences the answer
 * after the first.
 */
#define _GNU_SOURCE	/* struct in6_pktinfo */
#include <errno.h>
#include <linux/inet_diag.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdint.h>
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

#define TIME_WAIT	6

static unsigned long count[2][12];
static char buf[1 << 16];	/* more than the 32 KiB a dump skb holds */

/* -k: raw sockets, one per family, and the sockets reached. */
static int raw[2] = { -1, -1 };
static unsigned long kept;

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	return sum;
}

/* A bare ACK from the timewait socket's peer: sequence numbers 0. */
static void fill_ack(struct tcphdr *th, const struct inet_diag_sockid *id)
{
	memset(th, 0, sizeof(*th));
	th->source = id->idiag_dport;
	th->dest = id->idiag_sport;
	th->doff = sizeof(*th) / 4;
	th->ack = 1;
	th->window = htons(1024);
}

/* IPv4: our own header (IP_HDRINCL) to send from the peer's address. */
static int send_ack4(const struct inet_diag_sockid *id)
{
	struct {
		struct iphdr ip;
		struct tcphdr th;
	} pkt = {
		.ip = {
			.version = 4, .ihl = 5, .ttl = 64,
			.protocol = IPPROTO_TCP,
			.tot_len = htons(sizeof(pkt)),
			.saddr = id->idiag_dst[0],
			.daddr = id->idiag_src[0],
		},
	};
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = id->idiag_src[0],
	};
	uint8_t pseudo[4] = { 0, IPPROTO_TCP, 0, sizeof(pkt.th) };
	uint32_t sum;

	fill_ack(&pkt.th, id);
	sum = csum_add(0, &pkt.ip.saddr, 8);
	sum = csum_add(sum, pseudo, sizeof(pseudo));
	sum = csum_add(sum, &pkt.th, sizeof(pkt.th));
	pkt.th.check = htons(csum_fold(sum));
	return sendto(raw[0], &pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
		      sizeof(to)) == sizeof(pkt) ? 0 : -errno;
}

/* IPv6: the kernel sums (IPV6_CHECKSUM); the source goes in IPV6_PKTINFO. */
static int send_ack6(const struct inet_diag_sockid *id)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl = { 0 };
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	struct tcphdr th;
	struct iovec iov = { .iov_base = &th, .iov_len = sizeof(th) };
	struct msghdr mh = {
		.msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	struct in6_pktinfo *pi = (struct in6_pktinfo *)CMSG_DATA(cm);

	fill_ack(&th, id);
	memcpy(&to.sin6_addr, id->idiag_src, sizeof(to.sin6_addr));
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(*pi));
	memcpy(&pi->ipi6_addr, id->idiag_dst, sizeof(pi->ipi6_addr));
	return sendmsg(raw[1], &mh, 0) == sizeof(th) ? 0 : -errno;
}

static int open_raw(void)
{
	int one = 1, off = offsetof(struct tcphdr, check);

	raw[0] = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
	raw[1] = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
	if (raw[0] < 0 || raw[1] < 0 ||
	    setsockopt(raw[0], IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) ||
	    setsockopt(raw[1], IPPROTO_IPV6, IPV6_CHECKSUM, &off, sizeof(off)))
		return -errno;
	return 0;
}

static int keep(const struct inet_diag_msg *m)
{
	int err;

	if (m->idiag_state != TIME_WAIT)
		return 0;
	err = m->idiag_family == AF_INET ? send_ack4(&m->id) : send_ack6(&m->id);
	if (!err)
		kept++;
	return err;
}

static int dump(int fd, int family, unsigned int states, bool keeping)
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
			if (keeping) {
				int err = keep(m);

				if (err)
					return err;
				continue;
			}
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

int main(int argc, char **argv)
{
	/* Every state, request sockets, and the bound-only ones. */
	unsigned int states = (1u << (BOUND_INACTIVE + 1)) - 1;
	bool keeping = argc == 2 && !strcmp(argv[1], "-k");
	int fd, err, st;

	if (argc > 1 && !keeping) {
		fprintf(stderr, "usage: diagcount [-k]\n");
		return 2;
	}
	if (keeping) {
		states = 1u << TIME_WAIT;
		err = open_raw();
		if (err) {
			fprintf(stderr, "diagcount: raw socket: %s\n",
				strerror(-err));
			return 1;
		}
	}

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		perror("diagcount: socket");
		return 1;
	}
	err = dump(fd, AF_INET, states, keeping);
	if (!err)
		err = dump(fd, AF_INET6, states, keeping);
	if (err) {
		fprintf(stderr, "diagcount: dump: %s\n", strerror(-err));
		return 1;
	}
	if (keeping) {
		printf("kept %lu\n", kept);
		return 0;
	}
	for (st = 1; st <= 11; st++)
		printf("%s ipv4 %lu\n%s ipv6 %lu\n", names[st], count[0][st],
		       names[st], count[1][st]);
	return 0;
}
