/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names and formats shared by the tcpstates module and its selftests, so a
 * test parses exactly what the module prints. Nothing here is computed: the
 * tests take their expected numbers from elsewhere.
 */
#ifndef _TCPSTATES_H
#define _TCPSTATES_H

#define TCPSTATES_NAME		"tcpstates"
#define TCPSTATES_PROC_PATH	"/proc/" TCPSTATES_NAME
#define TCPSTATES_PROC_NET_PATH	"/proc/net/" TCPSTATES_NAME
#define TCPSTATES_GUIDE_NAME	TCPSTATES_NAME "_guide"
#define TCPSTATES_GUIDE_PATH	"/proc/" TCPSTATES_GUIDE_NAME
#define TCPSTATES_LANG_PATH	"/sys/module/" TCPSTATES_NAME "/parameters/lang"

/* First token of the first line of /proc/tcpstates. */
#define TCPSTATES_HEADER_TAG	TCPSTATES_NAME

/*
 * The eleven states, in the kernel's numbering (TCP_ESTABLISHED = 1 ...
 * TCP_CLOSING = 11), which is also the order of the rows.
 */
#define TCPSTATES_FIRST_STATE	1
#define TCPSTATES_LAST_STATE	11
#define TCPSTATES_NSTATES	16	/* array size, room for later kernels */

#define TCPSTATES_STATE_NAMES {						\
	[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV",	\
	[4] = "FIN_WAIT1", [5] = "FIN_WAIT2", [6] = "TIME_WAIT",	\
	[7] = "CLOSE", [8] = "CLOSE_WAIT", [9] = "LAST_ACK",		\
	[10] = "LISTEN", [11] = "CLOSING" }

/* Prometheus label values: the names above in lower case. */
#define TCPSTATES_STATE_LABELS {					\
	[1] = "established", [2] = "syn_sent", [3] = "syn_recv",	\
	[4] = "fin_wait1", [5] = "fin_wait2", [6] = "time_wait",	\
	[7] = "close", [8] = "close_wait", [9] = "last_ack",		\
	[10] = "listen", [11] = "closing" }

#define TCPSTATES_FAMILY_LABELS	{ "ipv4", "ipv6" }

/*
 * Upper bounds, in seconds, of the TIME_WAIT remaining-time histogram; one
 * more bucket (+Inf) follows the last.
 */
#define TCPSTATES_TW_BOUNDS	{ 1, 5, 10, 20, 30, 40, 50, 60 }
#define TCPSTATES_TW_NBOUNDS	8

/* Metric names of /proc/net/tcpstates. */
#define TCPSTATES_M_SOCKETS	"tcpstates_sockets"
#define TCPSTATES_M_TW_REMAIN	"tcpstates_time_wait_remaining_seconds"
#define TCPSTATES_M_TW_BUCKETS	"tcpstates_timewait_sockets"
#define TCPSTATES_M_TW_LIMIT	"tcpstates_timewait_sockets_limit"
#define TCPSTATES_M_WALKED	"tcpstates_walk_sockets"
#define TCPSTATES_M_WALK_TIME	"tcpstates_walk_duration_seconds"

/* The debugfs views. */
#define TCPSTATES_DEBUGFS_DIR	"/sys/kernel/debug/" TCPSTATES_NAME

/*
 * A line of the timewait view: family, local and remote address:port (as
 * ss prints them, IPv6 in brackets), substate, milliseconds left.
 */
#define TCPSTATES_ENDPOINT_MAX	48	/* "[" IPv6 "]:" port, NUL */
#define TCPSTATES_TW_LIST_FMT	"%-6s %-21s %-21s %-9s %s\n"
#define TCPSTATES_TW_LIST_FMT_NUM "%-6s %-21s %-21s %-9s %u\n"

/* The column heads of the top view's groups. */
#define TCPSTATES_TOP_TW_HEAD	"%10s %10s %8s %s\n"
#define TCPSTATES_TOP_PORT_HEAD	"%10s %10s %s\n"

/* Values of the lang parameter. */
#define TCPSTATES_LANG_NAMES	{ "en", "zh", "both" }

#endif /* _TCPSTATES_H */
