// SPDX-License-Identifier: GPL-2.0
/*
 * The netns view: one line per network namespace of the host, with its
 * sockets by state and its TIME_WAIT budget use: the container host's
 * view, and the only place where one namespace's numbers are seen from
 * another (debugfs.c lets only CAP_NET_ADMIN open it).
 *
 * A read from offset 0 lists the namespaces and counts them all in one
 * pass (count.c); the lines then come from that array, kept until the
 * next such read or the release. The array grows with the namespaces,
 * never with the sockets.
 */
#include <linux/mm.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "internal.h"

struct netns_view {
	struct tcpstates_ns_count *ns;
	unsigned int n;
};

static int by_net(const void *a, const void *b)
{
	const struct tcpstates_ns_count *x = a, *y = b;

	if (x->net == y->net)
		return 0;
	return (unsigned long)x->net < (unsigned long)y->net ? -1 : 1;
}

static int by_inum(const void *a, const void *b)
{
	const struct tcpstates_ns_count *x = a, *y = b;

	if (x->inum == y->inum)
		return 0;
	return x->inum < y->inum ? -1 : 1;
}

static unsigned int count_nets(void)
{
	unsigned int n = 0;
	struct net *net;

	for_each_net(net)
		n++;
	return n;
}

/*
 * The namespaces alive now, each held. net_rwsem keeps the list still
 * while it is copied (it is held for reading: namespaces are made and
 * destroyed meanwhile, not listed); a namespace already dying
 * (maybe_get_net fails) is left out.
 */
static int netns_list(struct netns_view *v)
{
	struct tcpstates_ns_count *c;
	struct net *net;
	unsigned int n;

	down_read(&net_rwsem);
	n = count_nets();
	v->ns = kvcalloc(n, sizeof(*v->ns), GFP_KERNEL);
	if (!v->ns) {
		up_read(&net_rwsem);
		return -ENOMEM;
	}
	v->n = 0;
	for_each_net(net) {
		if (!maybe_get_net(net))
			continue;
		c = &v->ns[v->n++];
		c->net = net;
		c->inum = net->ns.inum;
		c->tw_in_use = tcpstates_tw_in_use(&net->ipv4.tcp_death_row);
		c->tw_limit = READ_ONCE(net->ipv4.tcp_death_row.sysctl_max_tw_buckets);
	}
	up_read(&net_rwsem);
	return 0;
}

static void netns_drop(struct netns_view *v)
{
	kvfree(v->ns);
	v->ns = NULL;
	v->n = 0;
}

/* Lists and counts every namespace; keeps no reference on return. */
static int netns_take(struct netns_view *v)
{
	unsigned int i;
	int err;

	netns_drop(v);
	err = netns_list(v);
	if (err)
		return err;
	sort(v->ns, v->n, sizeof(*v->ns), by_net, NULL);
	tcpstates_count_netns(v->ns, v->n);
	for (i = 0; i < v->n; i++) {
		put_net(v->ns[i].net);
		v->ns[i].net = NULL;
	}
	sort(v->ns, v->n, sizeof(*v->ns), by_inum, NULL);
	return 0;
}

/* Position 0, the header, counts afresh; line i is namespace i - 1. */
static void *netns_start(struct seq_file *seq, loff_t *ppos)
{
	struct netns_view *v = seq->private;
	int err;

	if (*ppos == 0) {
		err = netns_take(v);
		return err ? ERR_PTR(err) : SEQ_START_TOKEN;
	}
	return *ppos <= v->n ? &v->ns[*ppos - 1] : NULL;
}

static void *netns_next(struct seq_file *seq, void *p, loff_t *ppos)
{
	struct netns_view *v = seq->private;

	++*ppos;
	return *ppos <= v->n ? &v->ns[*ppos - 1] : NULL;
}

static void netns_stop(struct seq_file *seq, void *p)
{
}

static int netns_show(struct seq_file *seq, void *p)
{
	static const char *const names[TCPSTATES_NSTATES] = TCPSTATES_STATE_NAMES;
	const struct tcpstates_ns_count *c = p;
	u64 permille;
	int s;

	if (p == SEQ_START_TOKEN) {
		seq_printf(seq, "%-10s", "netns");
		for (s = TCPSTATES_FIRST_STATE; s <= TCPSTATES_LAST_STATE; s++)
			seq_printf(seq, " %s", names[s]);
		seq_puts(seq, " timewait tw_limit tw_use\n");
		return 0;
	}
	seq_printf(seq, "%-10u", c->inum);
	for (s = TCPSTATES_FIRST_STATE; s <= TCPSTATES_LAST_STATE; s++)
		seq_printf(seq, " %*u", (int)strlen(names[s]), c->sockets[s]);
	permille = c->tw_limit > 0 ?
		div_u64((u64)max(c->tw_in_use, 0) * 1000, c->tw_limit) : 0;
	seq_printf(seq, " %8d %8d %4llu.%llu%%\n", c->tw_in_use, c->tw_limit,
		   div_u64(permille, 10), permille % 10);
	return 0;
}

static const struct seq_operations netns_seq_ops = {
	.start	= netns_start,
	.next	= netns_next,
	.stop	= netns_stop,
	.show	= netns_show,
};

int tcpstates_netns_open(struct file *file)
{
	return seq_open_private(file, &netns_seq_ops, sizeof(struct netns_view));
}

int tcpstates_netns_release(struct inode *inode, struct file *file)
{
	netns_drop(((struct seq_file *)file->private_data)->private);
	return seq_release_private(inode, file);
}
