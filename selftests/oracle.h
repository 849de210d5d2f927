/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Independent oracle for the selftests: counts the TCP sockets of the calling
 * thread's network namespace by state and address family, either through
 * sock_diag or by parsing /proc/net/tcp{,6}. It shares no code with the
 * module under test, so that both can be checked against each other.
 */
#ifndef SELFTESTS_ORACLE_H
#define SELFTESTS_ORACLE_H

#include <stdbool.h>

/* Indexed by kernel TCP state number: 1=ESTABLISHED ... 11=CLOSING. */
#define ORACLE_NSTATES 16
enum { ORACLE_V4, ORACLE_V6, ORACLE_NFAM };

struct oracle_counts {
	unsigned int sockets[ORACLE_NSTATES][ORACLE_NFAM];
	/* Remaining lifetime, in milliseconds, of every timewait socket whose
	 * state is TIME_WAIT (6), as the source reports it.
	 */
	unsigned int tw_count;
	/* First tw_count entries valid; if more, tw_count still counts them
	 * all but only 65536 are stored.
	 */
	unsigned int tw_ms[65536];
	/* sock_diag only: the objects behind the connected sockets, as the
	 * established hash holds them: full sockets, request sockets (SYN_RECV)
	 * and timewait sockets (idiag_timer 3: TIME_WAIT and FIN_WAIT2).
	 */
	unsigned int conn_full, conn_request, conn_timewait;
};

/*
 * sock_diag dump (NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, inet_diag_req_v2,
 * IPPROTO_TCP, NLM_F_DUMP) for AF_INET and AF_INET6, all states.
 * Request sockets count as SYN_RECV (3); timewait sockets count by the state
 * the kernel reports (TIME_WAIT or FIN_WAIT2), and only TIME_WAIT ones add
 * an entry to tw_ms (idiag_expires, ms, HZ granularity).
 * With with_bound_inactive, TCP_BOUND_INACTIVE (1 << 13, kernels >= 6.9) is
 * requested as well and those bound-only sockets count as TCP_CLOSE (7).
 * Fills *c (zeroed first). Returns 0 or -errno, e.g. -ENOENT when the kernel
 * has no inet_diag/tcp_diag handler: never a silent zero count.
 */
int oracle_sock_diag(struct oracle_counts *c, bool with_bound_inactive);

/*
 * True if sock_diag reports bound-only sockets for TCP_BOUND_INACTIVE.
 * Older kernels (e.g. 6.1) accept the bit without error and simply match
 * nothing, so the probe binds a socket and looks for its inode in the dump.
 * The answer is cached after the first successful probe.
 */
bool oracle_has_bound_inactive(void);

/*
 * Parses /proc/net/tcp and /proc/net/tcp6 of the calling thread's netns:
 * column "st" (hex state) and, for TIME_WAIT (06) rows, "tm->when" (USER_HZ
 * clock ticks, converted to ms: a multiple of 10, rounded down).
 * Bound-only and unbound sockets never appear there.
 * Fills *c (zeroed first). Returns 0 or -errno.
 */
int oracle_proc_net_tcp(struct oracle_counts *c);

/* One timewait socket, as sock_diag reports it (idiag_timer 3). */
struct oracle_tw {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char src[16], dst[16];	/* network order; IPv4: first 4 */
	unsigned short sport, dport;	/* host order */
	unsigned int state;		/* TIME_WAIT (6) or FIN_WAIT2 (5) */
	unsigned int ms;		/* idiag_expires */
};

/*
 * The timewait sockets of the calling thread's namespace, both families,
 * through sock_diag: the first @max into @tw. Returns how many there are
 * (more than @max if they did not all fit) or -errno.
 */
int oracle_timewait_list(struct oracle_tw *tw, unsigned int max);

#endif /* SELFTESTS_ORACLE_H */
