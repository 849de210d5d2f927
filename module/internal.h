/* SPDX-License-Identifier: GPL-2.0 */
/* Interfaces between the files of the tcpstates module. */
#ifndef _TCPSTATES_INTERNAL_H
#define _TCPSTATES_INTERNAL_H

int tcpstates_procfs_init(void);
void tcpstates_procfs_exit(void);

#endif /* _TCPSTATES_INTERNAL_H */
