/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names and formats shared by the tcpstates module and its selftests, so a
 * test parses exactly what the module prints.
 */
#ifndef _TCPSTATES_H
#define _TCPSTATES_H

#define TCPSTATES_NAME		"tcpstates"
#define TCPSTATES_PROC_PATH	"/proc/" TCPSTATES_NAME

/* First token of the first line of /proc/tcpstates. */
#define TCPSTATES_HEADER_TAG	TCPSTATES_NAME

#endif /* _TCPSTATES_H */
