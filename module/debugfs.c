// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs views, /sys/kernel/debug/tcpstates/: root's tools for
 * finding out what is behind the numbers of the proc files.
 *
 *   stats     what the last walk of the reader's namespace did, table by
 *             table: the cost side of /proc/tcpstates.
 *   timewait  the reader's namespace's timewait sockets, one per line.
 *   top       its heaviest TIME_WAIT peers, CLOSE_WAIT and SYN_RECV ports.
 *   netns     every namespace of the host, one per line.
 *
 * Each file but netns shows the namespace of the task that opened it, held
 * from open to release, as the proc files do. Opening needs CAP_NET_ADMIN besides
 * the files' 0400 mode, so that no namespace's numbers are seen from
 * another unprivileged. Nothing here is needed for the module to work:
 * without debugfs (not built, not mounted, locked down) the files are
 * missing and the rest works unchanged, which is why no debugfs call is
 * checked for errors.
 *
 * Unload: each file's fops name this module as owner, so an open file
 * pins it (rmmod says the module is in use until the last one is closed);
 * debugfs_remove() then waits for reads in progress.
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/nsproxy.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <net/net_namespace.h>

#include "internal.h"

static struct dentry *tcpstates_dir;

static const char *const table_names[TCPSTATES_NTABLES] = {
	[TCPSTATES_TABLE_ESTABLISHED] = "established",
	[TCPSTATES_TABLE_LISTENING] = "listening",
	[TCPSTATES_TABLE_BIND] = "bind",
};

static void show_table(struct seq_file *seq, const char *name,
		       const struct tcpstates_table_stats *t)
{
	seq_printf(seq, "%-11s %9llu %9llu %9llu %9llu %8llu %9llu %7llu %8llu %10llu\n",
		   name, t->buckets, t->nonempty, tcpstates_table_entries(t),
		   t->kinds[TCPSTATES_KIND_FULL],
		   t->kinds[TCPSTATES_KIND_REQUEST],
		   t->kinds[TCPSTATES_KIND_TIMEWAIT],
		   t->pauses, t->restarts, div_u64(t->ns, NSEC_PER_USEC));
}

static int stats_show(struct seq_file *seq, void *v)
{
	struct net *net = seq->private;
	struct tcpstates_walk_stats ws;
	u64 ago_ms;
	int i;

	tcpstates_last_walk(net, &ws);
	seq_printf(seq, "netns %u\n", net->ns.inum);
	if (!ws.at_ns) {
		seq_puts(seq, "no walk yet: read /proc/tcpstates or /proc/net/tcpstates\n");
		return 0;
	}
	ago_ms = div_u64(ktime_get_boottime_ns() - ws.at_ns, NSEC_PER_MSEC);
	seq_printf(seq, "last walk: %llu.%03llu s ago, took %llu us, %llu entries\n",
		   ago_ms / MSEC_PER_SEC, ago_ms % MSEC_PER_SEC,
		   div_u64(ws.ns, NSEC_PER_USEC), ws.walked);
	seq_puts(seq, "table         buckets  nonempty   entries      full  request  timewait  pauses restarts    time_us\n");
	for (i = 0; i < TCPSTATES_NTABLES; i++)
		show_table(seq, table_names[i], &ws.tables[i]);
	return 0;
}

/*
 * Who may open a view: CAP_NET_ADMIN besides the mode, and for reading
 * only, also for root, whose capabilities pass the mode.
 */
static int view_may_open(struct file *file)
{
	if (file->f_mode & FMODE_WRITE)
		return -EACCES;
	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	return 0;
}

/*
 * Opens a view of the opener's namespace, which it holds until release:
 * @open(file, net) sets the file up, @release(inode, file) tears it down
 * and gives the namespace back.
 */
static int ns_view_open(struct file *file,
			int (*open)(struct file *file, struct net *net))
{
	int err = view_may_open(file);
	struct net *net;

	if (err)
		return err;
	net = get_net(current->nsproxy->net_ns);
	err = open(file, net);
	if (err)
		put_net(net);
	return err;
}

#define DEFINE_NS_VIEW(name, open_fn, release_fn)			\
static int name##_open(struct inode *inode, struct file *file)		\
{									\
	return ns_view_open(file, open_fn);				\
}									\
									\
static int name##_release(struct inode *inode, struct file *file)	\
{									\
	put_net(release_fn(inode, file));				\
	return 0;							\
}									\
									\
static const struct file_operations name##_fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= name##_open,					\
	.read		= seq_read,					\
	.llseek		= seq_lseek,					\
	.release	= name##_release,				\
}

static int stats_view_open(struct file *file, struct net *net)
{
	return single_open(file, stats_show, net);
}

static struct net *stats_view_release(struct inode *inode, struct file *file)
{
	struct net *net = ((struct seq_file *)file->private_data)->private;

	single_release(inode, file);
	return net;
}

DEFINE_NS_VIEW(stats, stats_view_open, stats_view_release);
DEFINE_NS_VIEW(timewait, tcpstates_list_open, tcpstates_list_release);
DEFINE_NS_VIEW(top, tcpstates_top_open, tcpstates_top_release);

static int netns_open(struct inode *inode, struct file *file)
{
	int err = view_may_open(file);

	return err ? err : tcpstates_netns_open(file);
}

static const struct file_operations netns_fops = {
	.owner		= THIS_MODULE,
	.open		= netns_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= tcpstates_netns_release,
};

void tcpstates_debugfs_init(void)
{
	tcpstates_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0400, tcpstates_dir, NULL, &stats_fops);
	debugfs_create_file("timewait", 0400, tcpstates_dir, NULL,
			    &timewait_fops);
	debugfs_create_file("top", 0400, tcpstates_dir, NULL, &top_fops);
	debugfs_create_file("netns", 0400, tcpstates_dir, NULL, &netns_fops);
}

void tcpstates_debugfs_exit(void)
{
	debugfs_remove(tcpstates_dir);
}
