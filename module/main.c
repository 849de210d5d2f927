// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstates: count TCP sockets by state, per network namespace.
 *
 * Module entry points only: each subsystem has an init/exit pair, called
 * here in order and unwound in reverse.
 */
#include <linux/module.h>

#include "internal.h"

static int __init tcpstates_init(void)
{
	int err;

	tcpstates_stats_init();
	err = tcpstates_procfs_init();
	if (err)
		return err;
	/* After procfs: the views read the namespaces' data it registers. */
	tcpstates_debugfs_init();

	pr_info("version %s loaded\n", TCPSTATES_VERSION);
	return 0;
}

static void __exit tcpstates_exit(void)
{
	tcpstates_debugfs_exit();
	tcpstates_procfs_exit();
	pr_info("unloaded\n");
}

module_init(tcpstates_init);
module_exit(tcpstates_exit);

MODULE_DESCRIPTION("Count TCP sockets by state per network namespace");
MODULE_VERSION(TCPSTATES_VERSION);
MODULE_LICENSE("GPL");
