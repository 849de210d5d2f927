// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpstates: the human-readable summary for the reader's namespace.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include <tcpstates.h>
#include "internal.h"

static int tcpstates_summary_show(struct seq_file *seq, void *v)
{
	seq_printf(seq, "%s %s\n", TCPSTATES_HEADER_TAG, TCPSTATES_VERSION);
	return 0;
}

int tcpstates_procfs_init(void)
{
	/*
	 * proc_remove() at exit waits for running ->show callbacks
	 * (proc_entry_rundown), which is what makes unload safe while
	 * readers hold the file open.
	 */
	if (!proc_create_single(TCPSTATES_NAME, 0444, NULL,
				tcpstates_summary_show))
		return -ENOMEM;
	return 0;
}

void tcpstates_procfs_exit(void)
{
	remove_proc_entry(TCPSTATES_NAME, NULL);
}
