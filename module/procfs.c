// SPDX-License-Identifier: GPL-2.0
/*
 * The proc files: /proc/tcpstates (the text summary of the opener's
 * namespace), /proc/tcpstates_guide (the handshake and the close, drawn,
 * with the opener's namespace's counts) and /proc/net/tcpstates
 * (Prometheus format, one per namespace).
 *
 * A read from offset 0 walks the tables into the open file's snapshot, as
 * every /proc file starts afresh there; reads that go on from there (1
 * byte at a time, a seek within it, seq_file's retry with a bigger buffer)
 * print that same snapshot. The snapshot has a fixed size: nothing on the
 * read path grows with the number of sockets.
 *
 * Unload and namespace teardown are safe with readers active: removing a
 * proc entry waits for the calls in progress in it and releases the files
 * still open (proc_entry_rundown), so no reader runs module code, or uses
 * a namespace, after its entry is gone.
 */
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/seq_file_net.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "compat.h"
#include "internal.h"

/* Per namespace: what its last walk did, for the debugfs stats file. */
struct tcpstates_net {
	/*
	 * Guards last: walks that end at once, readers copying it. Only
	 * process context takes it, under no other lock: plain will do.
	 */
	spinlock_t lock;
	struct tcpstates_walk_stats last;
};

static unsigned int tcpstates_net_id __read_mostly;

static void record_walk(struct net *net, const struct tcpstates_walk_stats *ws)
{
	struct tcpstates_net *tn = net_generic(net, tcpstates_net_id);

	spin_lock(&tn->lock);
	tn->last = *ws;
	spin_unlock(&tn->lock);
}

/* Copies what the last walk of @net did; all zero before the first. */
void tcpstates_last_walk(struct net *net, struct tcpstates_walk_stats *ws)
{
	struct tcpstates_net *tn = net_generic(net, tcpstates_net_id);

	spin_lock(&tn->lock);
	*ws = tn->last;
	spin_unlock(&tn->lock);
}

/* Private state of an open file; seq_file_net() reads its first member. */
struct tcpstates_seq {
	struct seq_net_private p;
	bool taken;
	bool overflowed;	/* the last show did not fit the buffer */
	struct tcpstates_snapshot snap;
};

/*
 * The one record, the snapshot. start() at position 0 comes from a read at
 * offset 0 (read_pos 0: the first read, or one after lseek(0), or pread at
 * 0), which takes a new snapshot; or from seq_file printing the record
 * again: into a bigger buffer after an overflow, or to skip to an offset
 * within it (a seek or a pread elsewhere, read_pos not 0). Those keep it.
 */
static void *tcpstates_seq_start(struct seq_file *seq, loff_t *pos)
{
	struct tcpstates_seq *s = seq->private;
	bool retry = s->overflowed;

	if (*pos)
		return NULL;
	s->overflowed = false;
	if (!s->taken || (seq->read_pos == 0 && !retry)) {
		tcpstates_count(seq_file_net(seq), &s->snap);
		record_walk(seq_file_net(seq), &s->snap.walk);
		s->snap.lang = tcpstates_lang();
		s->taken = true;
	}
	return &s->snap;
}

/* Notes an overflow: seq_file then calls start() again for the retry. */
static int tcpstates_seq_shown(struct seq_file *seq, int ret)
{
	struct tcpstates_seq *s = seq->private;

	s->overflowed = seq_has_overflowed(seq);
	return ret;
}

static int summary_show(struct seq_file *seq, void *v)
{
	return tcpstates_seq_shown(seq, tcpstates_show_summary(seq, v));
}

static int guide_show(struct seq_file *seq, void *v)
{
	return tcpstates_seq_shown(seq, tcpstates_show_guide(seq, v));
}

static int prometheus_show(struct seq_file *seq, void *v)
{
	return tcpstates_seq_shown(seq, tcpstates_show_prometheus(seq, v));
}

static void *tcpstates_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static void tcpstates_seq_stop(struct seq_file *seq, void *v)
{
}

static const struct seq_operations summary_seq_ops = {
	.start	= tcpstates_seq_start,
	.next	= tcpstates_seq_next,
	.stop	= tcpstates_seq_stop,
	.show	= summary_show,
};

static const struct seq_operations guide_seq_ops = {
	.start	= tcpstates_seq_start,
	.next	= tcpstates_seq_next,
	.stop	= tcpstates_seq_stop,
	.show	= guide_show,
};

static const struct seq_operations prometheus_seq_ops = {
	.start	= tcpstates_seq_start,
	.next	= tcpstates_seq_next,
	.stop	= tcpstates_seq_stop,
	.show	= prometheus_show,
};

/* Opens a file that shows the opener's namespace. */
static int own_netns_open(struct file *file, const struct seq_operations *ops)
{
	struct tcpstates_seq *s;

	/* Read-only even for root, as the /proc/net files are. */
	if (file->f_mode & FMODE_WRITE)
		return -EACCES;
	s = __seq_open_private(file, ops, sizeof(*s));
	if (!s)
		return -ENOMEM;
	/*
	 * The file shows the opener's namespace. Keep it until release, as
	 * /proc/net files keep theirs: the walk happens at the first read.
	 */
	s->p.net = get_net(current->nsproxy->net_ns);
	return 0;
}

static int summary_open(struct inode *inode, struct file *file)
{
	return own_netns_open(file, &summary_seq_ops);
}

static int guide_open(struct inode *inode, struct file *file)
{
	return own_netns_open(file, &guide_seq_ops);
}

static int own_netns_release(struct inode *inode, struct file *file)
{
	struct seq_file *seq = file->private_data;

	put_net(seq_file_net(seq));
	return seq_release_private(inode, file);
}

static const struct proc_ops summary_proc_ops = {
	.proc_open	= summary_open,
	.proc_read_iter	= seq_read_iter,
	.proc_lseek	= seq_lseek,
	.proc_release	= own_netns_release,
};

static const struct proc_ops guide_proc_ops = {
	.proc_open	= guide_open,
	.proc_read_iter	= seq_read_iter,
	.proc_lseek	= seq_lseek,
	.proc_release	= own_netns_release,
};

/*
 * proc_create_net() gives each namespace's file the namespace reference
 * handling of /proc/net/tcp: held from open to release, -ENXIO once the
 * namespace is dying, -EACCES on writes.
 */
static int __net_init tcpstates_net_init(struct net *net)
{
	struct tcpstates_net *tn = net_generic(net, tcpstates_net_id);

	spin_lock_init(&tn->lock);
	if (!proc_create_net(TCPSTATES_NAME, 0444, net->proc_net,
			     &prometheus_seq_ops, sizeof(struct tcpstates_seq)))
		return -ENOMEM;
	return 0;
}

static void __net_exit tcpstates_net_exit(struct net *net)
{
	remove_proc_entry(TCPSTATES_NAME, net->proc_net);
}

static struct pernet_operations tcpstates_net_ops = {
	.init = tcpstates_net_init,
	.exit = tcpstates_net_exit,
	.id = &tcpstates_net_id,
	.size = sizeof(struct tcpstates_net),
};

int tcpstates_procfs_init(void)
{
	int err;

	err = register_pernet_subsys(&tcpstates_net_ops);
	if (err)
		return err;
	if (!proc_create(TCPSTATES_NAME, 0444, NULL, &summary_proc_ops))
		goto fail;
	if (!proc_create(TCPSTATES_GUIDE_NAME, 0444, NULL, &guide_proc_ops)) {
		remove_proc_entry(TCPSTATES_NAME, NULL);
		goto fail;
	}
	return 0;
fail:
	unregister_pernet_subsys(&tcpstates_net_ops);
	return -ENOMEM;
}

void tcpstates_procfs_exit(void)
{
	remove_proc_entry(TCPSTATES_GUIDE_NAME, NULL);
	remove_proc_entry(TCPSTATES_NAME, NULL);
	unregister_pernet_subsys(&tcpstates_net_ops);
}
