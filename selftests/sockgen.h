/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Putting loopback TCP sockets into chosen states, for the tests and for
 * tcpgen. Every function exits the process with a message on failure, so a
 * caller can rely on the state it asked for.
 */
#ifndef _TCPSTATES_SOCKGEN_H
#define _TCPSTATES_SOCKGEN_H

#include <stdbool.h>

/* A listener on an ephemeral loopback port (127.0.0.1 or ::1). */
int sg_listener(int family, int backlog);

/* A socket bound to an ephemeral loopback port, nothing more: CLOSE. */
int sg_bound(int family);

/* A connected pair through listener lfd: two ESTABLISHED sockets. */
void sg_pair(int lfd, int *client, int *server);

/* Client closes first, then the server: TIME_WAIT on the client. */
void sg_time_wait(int lfd);

/*
 * The client half-closes and waits for the ACK of its FIN: FIN_WAIT2 on
 * the client (a full socket, or, with orphan, a timewait socket in
 * substate FIN_WAIT2 once the fd is closed) and CLOSE_WAIT on the server.
 * Returns the server's fd; *client gets the client's, or -1 if orphaned.
 */
int sg_close_wait(int lfd, bool orphan, int *client);

/*
 * States reached with a FIN stuck behind unsent data: the peer never
 * reads, so its receive window closes, the sender's buffer fills, and a
 * FIN queued after that data cannot leave. Each keeps both fds.
 *   sg_fin_wait1: client FIN_WAIT1, server ESTABLISHED
 *   sg_last_ack:  server LAST_ACK, client FIN_WAIT2
 *   sg_closing:   client CLOSING, server FIN_WAIT2
 */
void sg_fin_wait1(int lfd);
void sg_last_ack(int lfd);
void sg_closing(int lfd);

/*
 * A listener with TCP_DEFER_ACCEPT: it drops a client's bare ACK and keeps
 * the request socket (SYN_RECV) until data arrives. sg_syn_recv() makes
 * such a handshake; the client is ESTABLISHED. Returns the client's fd.
 */
int sg_defer_listener(int family);
int sg_syn_recv(int defer_lfd);

/*
 * A listener whose accept queue is full: backlog 0 and one connection
 * nobody accepts (two ESTABLISHED sockets). sg_syn_sent() then connects
 * without blocking; the listener drops its SYNs, so the client stays in
 * SYN_SENT. Returns the client's fd.
 */
int sg_full_listener(int family);
int sg_syn_sent(int full_lfd);

/*
 * N ESTABLISHED IPv4 sockets made without a handshake (TCP_REPAIR, so
 * nothing is ever sent; needs CAP_NET_ADMIN), several times cheaper
 * under a debug kernel than real connections. sg_repaired_one_port() puts
 * them all on the address and port of one listener it makes (LISTEN),
 * with distinct peers: the bind hash then holds what it holds for a
 * listener's accepted connections, one bucket with N + 1 owners.
 * sg_repaired_spread() gives each its own local address and port. Both
 * make half of them in a child process (the guest has two CPUs), which
 * keeps its half until the caller exits.
 */
void sg_repaired_one_port(unsigned long n);
void sg_repaired_spread(unsigned long n);

/* Lets the process keep many sockets open (as root: 2^20). */
void sg_raise_fd_limit(void);

/* Writes a sysctl, e.g. sg_sysctl("net/ipv4/tcp_tw_reuse", "0"). */
void sg_sysctl(const char *name, const char *value);

/* Moves the process into a new network namespace with lo up. */
void sg_new_netns(void);

/*
 * Whether a namespace can have an established hash of its own
 * (net.ipv4.tcp_child_ehash_entries, Linux 6.1 and later).
 */
bool sg_has_child_ehash(void);

#endif /* _TCPSTATES_SOCKGEN_H */
