// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpstates text: the per-state table and the TIME_WAIT block, in
 * English, Chinese or both (the lang parameter). With lang=en every line
 * fits in 80 columns; long descriptions wrap under their column.
 */
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <net/tcp_states.h>

#include "internal.h"

#define MAX_COLS	79	/* widest line, so a line fits 80 columns */
#define DESC_COL	37	/* where the description column starts */
#define NOTE_INDENT	2
#define HIST_LABEL_COLS	14

enum { EN, ZH, NTEXT_LANGS };

static const char *const state_names[TCPSTATES_NSTATES] = TCPSTATES_STATE_NAMES;

static const char *const state_desc[TCPSTATES_NSTATES][NTEXT_LANGS] = {
	[TCP_ESTABLISHED] = {
		"The socket has an established connection.",
		"套接字已建立连接" },
	[TCP_SYN_SENT] = {
		"The socket is actively attempting to establish a connection.",
		"套接字正在积极地尝试建立连接" },
	[TCP_SYN_RECV] = {
		"A connection request has been received from the network.",
		"从网络接收到一个连接请求" },
	[TCP_FIN_WAIT1] = {
		"The socket is closed, and the connection is shutting down.",
		"套接字已关闭，连接正在关闭" },
	[TCP_FIN_WAIT2] = {
		"Connection is closed, and the socket is waiting for a shutdown from the remote end.",
		"连接已关闭，套接字正在等待远程端关闭" },
	[TCP_TIME_WAIT] = {
		"The socket is waiting after close to handle packets still in the network.",
		"套接字关闭后等待处理仍在网络中的数据包" },
	[TCP_CLOSE] = {
		"The socket is not being used.",
		"套接字没有被使用" },
	[TCP_CLOSE_WAIT] = {
		"The remote end has shut down, waiting for the socket to close.",
		"远程端已经关闭，等待套接字关闭" },
	[TCP_LAST_ACK] = {
		"The remote end has shut down, and the socket is closed. Waiting for acknowledgement.",
		"远程端关闭，套接字关闭。等待确认" },
	[TCP_LISTEN] = {
		"The socket is listening for incoming connections.",
		"套接字正在侦听传入的连接" },
	[TCP_CLOSING] = {
		"Both sockets are shut down but we still don't have all our data sent.",
		"两个套接字都关闭了，但我们仍然没有发送所有的数据" },
};

static const char *const desc_heading[TCPSTATES_NLANGS] = {
	[TCPSTATES_LANG_EN] = "DESCRIPTION",
	[TCPSTATES_LANG_ZH] = "说明",
	[TCPSTATES_LANG_BOTH] = "DESCRIPTION / 说明",
};

static const char *const tw_why[NTEXT_LANGS] = {
	"Why: the side that closes first keeps the connection for 2*MSL (60 s on Linux, TCP_TIMEWAIT_LEN). If its last ACK is lost, the peer resends its FIN, and this side must still be there to ACK it again; old duplicate segments of the connection must also die out before the same ports are used again. 2*MSL is the worst case: the final ACK may wander for up to one MSL before it is lost, and the peer's retransmitted FIN needs up to one more MSL to arrive.",
	"原因：先关闭的一端要把连接保留 2×MSL（Linux 上为 60 秒，TCP_TIMEWAIT_LEN）。如果它最后发出的 ACK 丢失，对端会重发 FIN，本端必须仍然在场，才能再次确认；该连接残留在网络中的旧重复报文也必须在相同端口再次使用之前消失。2×MSL 是最坏情况：最后的 ACK 在丢失之前最多在网络中存在一个 MSL，对端重发的 FIN 最多再需要一个 MSL 才能到达。",
};

static const char *const tw_budget_note[NTEXT_LANGS] = {
	"At 100% of net.ipv4.tcp_max_tw_buckets the kernel creates no more TIME_WAIT sockets: closing connections skip TIME_WAIT, and only TCPTimeWaitOverflow in /proc/net/netstat records it.",
	"达到 net.ipv4.tcp_max_tw_buckets 的 100% 后，内核不再创建 TIME_WAIT 套接字：正在关闭的连接直接跳过 TIME_WAIT，只有 /proc/net/netstat 中的 TCPTimeWaitOverflow 计数器记录此事。",
};

static const char *const tw_count_fmt[NTEXT_LANGS] = {
	"TIME_WAIT: %llu sockets",
	"TIME_WAIT：%llu 个套接字",
};

static const char *const tw_range_fmt[NTEXT_LANGS] = {
	"; seconds left: min %llu.%llu, mean %llu.%llu, max %llu.%llu",
	"；剩余秒数：最小 %llu.%llu，平均 %llu.%llu，最大 %llu.%llu",
};

static const char *const tw_hist_label[2][NTEXT_LANGS] = {
	{ "seconds left", "剩余秒数" },
	{ "sockets", "套接字数" },
};

static const char *const tw_budget_fmt[NTEXT_LANGS] = {
	"timewait sockets %d of tcp_max_tw_buckets %d",
	"timewait 套接字 %d 个，上限 tcp_max_tw_buckets %d",
};

/* --- the lang parameter ------------------------------------------------ */

static const char *const lang_names[TCPSTATES_NLANGS] = TCPSTATES_LANG_NAMES;

/* An index, so readers need no lock: they take one READ_ONCE per open. */
static int lang = TCPSTATES_LANG_BOTH;

static int lang_set(const char *val, const struct kernel_param *kp)
{
	size_t len = strlen(val);
	int i;

	/* echo adds one newline; anything else extra is an error. */
	if (len && val[len - 1] == '\n')
		len--;
	for (i = 0; i < TCPSTATES_NLANGS; i++) {
		if (len == strlen(lang_names[i]) &&
		    !memcmp(val, lang_names[i], len)) {
			WRITE_ONCE(lang, i);
			return 0;
		}
	}
	return -EINVAL;
}

static int lang_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", lang_names[READ_ONCE(lang)]);
}

static const struct kernel_param_ops lang_ops = {
	.set = lang_set,
	.get = lang_get,
};

module_param_cb(lang, &lang_ops, NULL, 0644);
MODULE_PARM_DESC(lang, "Language of /proc/tcpstates: en, zh or both (default both)");

enum tcpstates_lang tcpstates_lang(void)
{
	return READ_ONCE(lang);
}

/* --- column-aware wrapping ---------------------------------------------- */

/*
 * Characters of three or more UTF-8 bytes in these texts are CJK
 * ideographs or full-width punctuation: two columns each, and a line may
 * break before any of them. Other characters take one column.
 */
static bool wide_at(const char *s)
{
	return (u8)*s >= 0xe0;
}

/* Full-width punctuation that must not start (closing) or end a line. */
static bool closing_at(const char *s)
{
	static const char *const closing[] = { "，", "。", "；", "：", "）", "、" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(closing); i++)
		if (!strncmp(s, closing[i], strlen(closing[i])))
			return true;
	return false;
}

static bool opening_before(const char *s, size_t len)
{
	return len >= 3 && !strncmp(s + len - 3, "（", 3);
}

/* One wide character, or a run of narrow ones up to a space or wide one. */
static size_t atom(const char *s, unsigned int *cols)
{
	size_t len = 0;

	if (wide_at(s)) {
		*cols += 2;
		return (u8)*s < 0xf0 ? 3 : 4;
	}
	while (s[len] && s[len] != ' ' && !wide_at(s + len)) {
		if (((u8)s[len] & 0xc0) != 0x80)	/* not a continuation */
			(*cols)++;
		len++;
	}
	return len;
}

/* The text up to the next place a line may break, and its columns. */
static size_t unit(const char *s, unsigned int *cols)
{
	size_t len;

	*cols = 0;
	len = atom(s, cols);
	while (s[len] && s[len] != ' ' &&
	       (closing_at(s + len) || opening_before(s, len)))
		len += atom(s + len, cols);
	return len;
}

/* Columns @s takes on a terminal: two per CJK character. */
unsigned int tcpstates_text_cols(const char *s)
{
	unsigned int cols = 0;

	while (*s) {
		/* atom() stops at a space: one column of its own. */
		if (*s == ' ') {
			cols++;
			s++;
			continue;
		}
		s += atom(s, &cols);
	}
	return cols;
}

static void put_spaces(struct seq_file *seq, unsigned int n)
{
	seq_printf(seq, "%*s", n, "");
}

/*
 * Prints @text starting at column @col, breaking lines before MAX_COLS
 * and continuing them at column @indent; ends the last line.
 */
static void put_wrapped(struct seq_file *seq, const char *text,
			unsigned int col, unsigned int indent)
{
	bool space = false;
	unsigned int cols;
	size_t len;

	while (*text) {
		if (*text == ' ') {
			space = true;
			text++;
			continue;
		}
		len = unit(text, &cols);
		if (col > indent && col + space + cols > MAX_COLS) {
			seq_putc(seq, '\n');
			put_spaces(seq, indent);
			col = indent;
		} else if (space && col > indent) {
			seq_putc(seq, ' ');
			col++;
		}
		space = false;
		seq_write(seq, text, len);
		col += cols;
		text += len;
	}
	seq_putc(seq, '\n');
}

/* Prints the English and/or Chinese version of a text, as lang asks. */
static void put_text(struct seq_file *seq, const char *const text[],
		     enum tcpstates_lang l, unsigned int col, unsigned int indent)
{
	if (l != TCPSTATES_LANG_ZH) {
		put_wrapped(seq, text[EN], col, indent);
		col = indent;
		if (l == TCPSTATES_LANG_BOTH)
			put_spaces(seq, indent);
	}
	if (l != TCPSTATES_LANG_EN)
		put_wrapped(seq, text[ZH], col, indent);
}

/* Why TIME_WAIT exists, in one language, indented, for the guide. */
void tcpstates_put_tw_why(struct seq_file *seq, bool zh)
{
	put_spaces(seq, NOTE_INDENT);
	put_wrapped(seq, tw_why[zh ? ZH : EN], NOTE_INDENT, NOTE_INDENT);
}

/* --- the summary -------------------------------------------------------- */

static void show_header(struct seq_file *seq,
			const struct tcpstates_snapshot *snap)
{
	u64 us = snap->walk.ns / NSEC_PER_USEC;

	seq_printf(seq, "%s %s  netns %u  walked %llu sockets in %llu.%03llu ms\n",
		   TCPSTATES_HEADER_TAG, TCPSTATES_VERSION, snap->netns_ino,
		   snap->walk.walked, us / 1000, us % 1000);
	seq_printf(seq, "%-11s %7s %7s %7s  %s\n", "STATE", "TOTAL", "IPV4",
		   "IPV6", desc_heading[snap->lang]);
}

static void show_states(struct seq_file *seq,
			const struct tcpstates_snapshot *snap)
{
	const struct tcpstates_tally *t = &snap->tally;
	int s;

	for (s = TCPSTATES_FIRST_STATE; s <= TCPSTATES_LAST_STATE; s++) {
		seq_printf(seq, "%-11s %7llu %7llu %7llu  ", state_names[s],
			   tcpstates_state_total(t, s),
			   t->sockets[s][TCPSTATES_V4],
			   t->sockets[s][TCPSTATES_V6]);
		put_text(seq, state_desc[s], snap->lang, DESC_COL, DESC_COL);
	}
}

static void put_label(struct seq_file *seq, const char *label)
{
	seq_printf(seq, "  %s", label);
	put_spaces(seq, HIST_LABEL_COLS - tcpstates_text_cols(label));
}

static void show_tw_histogram(struct seq_file *seq,
			      const struct tcpstates_tw_stats *tw, int l)
{
	char bound[8];
	int i;

	put_label(seq, tw_hist_label[0][l]);
	for (i = 0; i < TCPSTATES_TW_NBOUNDS; i++) {
		snprintf(bound, sizeof(bound), "<=%u", tcpstates_tw_bounds_s[i]);
		seq_printf(seq, " %6s", bound);
	}
	snprintf(bound, sizeof(bound), ">%u", tcpstates_tw_bounds_s[i - 1]);
	seq_printf(seq, " %6s\n", bound);

	put_label(seq, tw_hist_label[1][l]);
	for (i = 0; i <= TCPSTATES_TW_NBOUNDS; i++)
		seq_printf(seq, " %6llu", tw->hist[i]);
	seq_putc(seq, '\n');
}

static void show_tw_budget(struct seq_file *seq,
			   const struct tcpstates_snapshot *snap, int l)
{
	int permille;

	seq_puts(seq, "  ");
	seq_printf(seq, tw_budget_fmt[l], snap->tw_in_use, snap->tw_limit);
	if (snap->tw_limit > 0) {
		permille = (u64)max(snap->tw_in_use, 0) * 1000 / snap->tw_limit;
		seq_printf(seq, " (%d.%d%%)", permille / 10, permille % 10);
	}
	seq_putc(seq, '\n');
}

static void show_time_wait(struct seq_file *seq,
			   const struct tcpstates_snapshot *snap)
{
	const struct tcpstates_tw_stats *tw = &snap->tally.tw;
	int l = snap->lang == TCPSTATES_LANG_ZH ? ZH : EN;
	u64 mean;

	seq_putc(seq, '\n');
	seq_printf(seq, tw_count_fmt[l], tw->count);
	if (tw->count) {
		mean = tw->sum_ms / tw->count;
		seq_printf(seq, tw_range_fmt[l],
			   (u64)tw->min_ms / 1000, (u64)tw->min_ms % 1000 / 100,
			   mean / 1000, mean % 1000 / 100,
			   (u64)tw->max_ms / 1000, (u64)tw->max_ms % 1000 / 100);
	}
	seq_putc(seq, '\n');
	show_tw_histogram(seq, tw, l);
	show_tw_budget(seq, snap, l);
	seq_puts(seq, "  ");
	put_text(seq, tw_why, snap->lang, NOTE_INDENT, NOTE_INDENT);
	seq_puts(seq, "  ");
	put_text(seq, tw_budget_note, snap->lang, NOTE_INDENT, NOTE_INDENT);
}

/* seq_file show of /proc/tcpstates; @v is the open file's snapshot. */
int tcpstates_show_summary(struct seq_file *seq, void *v)
{
	const struct tcpstates_snapshot *snap = v;

	show_header(seq, snap);
	show_states(seq, snap);
	show_time_wait(seq, snap);
	return 0;
}
