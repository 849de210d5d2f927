// SPDX-License-Identifier: GPL-2.0
/*
 * tcpgen: put an exact number of loopback TCP sockets into chosen states and
 * hold them there until killed. Prints "ready" on stdout once every socket
 * is in place.
 *
 *   tcpgen [-6] [-l N] [-e N] [-t N] [-w N] [-c N]
 *     -6    IPv6 (::1) instead of IPv4 (127.0.0.1)
 *     -l N  N extra listeners (LISTEN)
 *     -e N  N connected pairs (2N ESTABLISHED)
 *     -t N  N connections closed client first (N TIME_WAIT on the client)
 *     -w N  N connections whose client closed (N CLOSE_WAIT on the server,
 *           N orphaned FIN_WAIT2 on the client)
 *     -c N  N sockets bound but neither listening nor connected (CLOSE)
 *
 * One more listener serves the connections; it counts as LISTEN too
 * whenever -e, -t or -w is non-zero.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockgen.h"

int main(int argc, char **argv)
{
	long listen_n = 0, estab_n = 0, tw_n = 0, cw_n = 0, close_n = 0;
	int family = AF_INET, lfd = -1, c, s, opt;
	long i;

	while ((opt = getopt(argc, argv, "6l:e:t:w:c:")) != -1) {
		switch (opt) {
		case '6': family = AF_INET6; break;
		case 'l': listen_n = atol(optarg); break;
		case 'e': estab_n = atol(optarg); break;
		case 't': tw_n = atol(optarg); break;
		case 'w': cw_n = atol(optarg); break;
		case 'c': close_n = atol(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-6] [-l N] [-e N] [-t N] [-w N] [-c N]\n",
				argv[0]);
			return 2;
		}
	}
	sg_raise_fd_limit();

	for (i = 0; i < listen_n; i++)
		sg_listener(family, 16);
	for (i = 0; i < close_n; i++)
		sg_bound(family);
	if (estab_n || tw_n || cw_n)
		lfd = sg_listener(family, SOMAXCONN);
	for (i = 0; i < estab_n; i++)
		sg_pair(lfd, &c, &s);
	for (i = 0; i < tw_n; i++)
		sg_time_wait(lfd);
	for (i = 0; i < cw_n; i++)
		sg_close_wait(lfd, true, &c);

	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
