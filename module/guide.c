// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpstates_guide: how a TCP connection opens and closes, drawn as
 * text, with the reader's namespace's sockets in each state, and why
 * TIME_WAIT exists. It follows the lang parameter: with lang=en it is
 * ASCII within 80 columns; with both, the English guide and then the
 * Chinese one.
 */
#include <linux/seq_file.h>
#include <net/tcp_states.h>

#include "internal.h"

#define RIGHT_COL	46	/* where the passive side's column starts */
#define LEFT_BAR	5	/* the columns of the two sides' lifelines */
#define RIGHT_BAR	(RIGHT_COL + 3)
#define COUNT_END	78	/* where the table's counts end */

enum { EN, ZH, NGUIDE_LANGS };

#define DASHES	"----------------------------------------------------------"

struct guide_text {
	const char *title;
	const char *legend;
	const char *open_head;
	const char *opener;
	const char *listener;
	const char *both_open;
	const char *close_head;
	const char *closer;
	const char *passive;
	const char *app_close[2];
	const char *msl;
	const char *simultaneous;
	const char *table_head[3];
	const char *side[TCPSTATES_NSTATES];
	const char *why_head;
};

static const struct guide_text text[NGUIDE_LANGS] = {
	[EN] = {
		.title = "How a TCP connection opens and closes",
		.legend = "[n]: sockets of this namespace (netns %u) in that state now",
		.open_head = "Opening: the three-way handshake",
		.opener = "active opener (connect)",
		.listener = "passive opener (listen, accept)",
		.both_open = "both sides: the connection is open",
		.close_head = "Closing: the four-way close",
		.closer = "active closer (closes first)",
		.passive = "passive closer",
		.app_close = { "   the application", "   calls close()" },
		.msl = "waits 2*MSL = 60 s",
		.simultaneous = "Both close at once (the FINs cross):",
		.table_head = { "STATE", "WHO, AND WHAT IT WAITS FOR", "SOCKETS" },
		.side = {
			[TCP_LISTEN] = "passive opener: a SYN",
			[TCP_SYN_SENT] = "active opener: the SYN+ACK",
			[TCP_SYN_RECV] = "passive opener: the ACK of its SYN+ACK",
			[TCP_ESTABLISHED] = "both: data, or a close",
			[TCP_FIN_WAIT1] = "active closer: the ACK of its FIN",
			[TCP_FIN_WAIT2] = "active closer: the peer's FIN",
			[TCP_CLOSING] = "both closed at once: the ACK of its FIN",
			[TCP_TIME_WAIT] = "active closer: 2*MSL to pass",
			[TCP_CLOSE_WAIT] = "passive closer: its application's close()",
			[TCP_LAST_ACK] = "passive closer: the ACK of its FIN",
			[TCP_CLOSE] = "bound but not connected: nothing",
		},
		.why_head = "Why TIME_WAIT, and why 2*MSL",
	},
	[ZH] = {
		.title = "TCP 连接如何建立与关闭",
		.legend = "[n]：本命名空间（netns %u）当前处于该状态的套接字数",
		.open_head = "建立连接：三次握手",
		.opener = "主动打开方（connect）",
		.listener = "被动打开方（listen、accept）",
		.both_open = "双方：连接已建立",
		.close_head = "关闭连接：四次挥手",
		.closer = "主动关闭方（先关闭）",
		.passive = "被动关闭方",
		.app_close = { "   应用程序", "   调用 close()" },
		.msl = "等待 2×MSL = 60 秒",
		.simultaneous = "双方同时关闭（FIN 交叉）：",
		.table_head = { "状态", "哪一方，在等待什么", "套接字数" },
		.side = {
			[TCP_LISTEN] = "被动打开方：等待 SYN",
			[TCP_SYN_SENT] = "主动打开方：等待 SYN+ACK",
			[TCP_SYN_RECV] = "被动打开方：等待对其 SYN+ACK 的 ACK",
			[TCP_ESTABLISHED] = "双方：传输数据，或开始关闭",
			[TCP_FIN_WAIT1] = "主动关闭方：等待对其 FIN 的 ACK",
			[TCP_FIN_WAIT2] = "主动关闭方：等待对端的 FIN",
			[TCP_CLOSING] = "双方同时关闭：等待对其 FIN 的 ACK",
			[TCP_TIME_WAIT] = "主动关闭方：等待 2×MSL 过去",
			[TCP_CLOSE_WAIT] = "被动关闭方：等待本端应用调用 close()",
			[TCP_LAST_ACK] = "被动关闭方：等待对其 FIN 的 ACK",
			[TCP_CLOSE] = "已绑定但未连接：不等待任何事",
		},
		.why_head = "为什么有 TIME_WAIT，为什么是 2×MSL",
	},
};

/* The order of the table: the life of a connection. */
static const int table_order[] = {
	TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RECV, TCP_ESTABLISHED,
	TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_CLOSING, TCP_TIME_WAIT,
	TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_CLOSE,
};

static const char *const state_names[TCPSTATES_NSTATES] = TCPSTATES_STATE_NAMES;

/* A segment from one lifeline to the other: "|----- SYN ----->|". */
static void put_arrow(struct seq_file *seq, const char *segment, bool right)
{
	int inner = RIGHT_BAR - LEFT_BAR - 1 - 2 - strlen(segment) - 2;
	int before = inner / 2, after = inner - before;

	seq_printf(seq, "%*s|%c%.*s %s %.*s%c|\n", LEFT_BAR, "",
		   right ? '-' : '<', before, DASHES, segment, after, DASHES,
		   right ? '>' : '-');
}

/* A state with its count, "SYN_SENT [3]"; returns its columns. */
static unsigned int put_state(struct seq_file *seq, int state,
			      const struct tcpstates_tally *t)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%s [%llu]", state_names[state],
		 tcpstates_state_total(t, state));
	seq_puts(seq, buf);
	return strlen(buf);
}

/* Pads from column @col to the passive side's column. */
static void to_right(struct seq_file *seq, unsigned int col)
{
	seq_printf(seq, "%*s", col < RIGHT_COL ? RIGHT_COL - col : 1, "");
}

/* "  LEFT_STATE [n]      RIGHT_STATE [n]"; a state < 0: a lifeline. */
static void states_line(struct seq_file *seq, int left, int right,
			const struct tcpstates_tally *t)
{
	unsigned int col = 2;

	seq_puts(seq, "  ");
	if (left >= 0) {
		col += put_state(seq, left, t);
	} else {
		seq_printf(seq, "%*s|", LEFT_BAR - 2, "");
		col = LEFT_BAR + 1;
	}
	to_right(seq, col);
	if (right >= 0)
		put_state(seq, right, t);
	else
		seq_printf(seq, "%*s|", RIGHT_BAR - RIGHT_COL, "");
	seq_putc(seq, '\n');
}

static void roles_line(struct seq_file *seq, const char *left,
		       const char *right)
{
	seq_printf(seq, "  %s", left);
	to_right(seq, 2 + tcpstates_text_cols(left));
	seq_printf(seq, "%s\n", right);
}

static void show_opening(struct seq_file *seq, const struct guide_text *g,
			 const struct tcpstates_tally *t)
{
	seq_printf(seq, "%s\n\n", g->open_head);
	roles_line(seq, g->opener, g->listener);
	seq_puts(seq, "  CLOSED");
	to_right(seq, 2 + strlen("CLOSED"));
	put_state(seq, TCP_LISTEN, t);
	seq_putc(seq, '\n');
	put_arrow(seq, "SYN", true);
	states_line(seq, TCP_SYN_SENT, TCP_SYN_RECV, t);
	put_arrow(seq, "SYN+ACK", false);
	roles_line(seq, "ESTABLISHED", "   |");
	put_arrow(seq, "ACK", true);
	roles_line(seq, "   |", "ESTABLISHED");
	seq_puts(seq, "  ");
	put_state(seq, TCP_ESTABLISHED, t);
	seq_printf(seq, ": %s\n\n", g->both_open);
}

static void show_closing(struct seq_file *seq, const struct guide_text *g,
			 const struct tcpstates_tally *t)
{
	seq_printf(seq, "%s\n\n", g->close_head);
	roles_line(seq, g->closer, g->passive);
	roles_line(seq, "ESTABLISHED", "ESTABLISHED");
	put_arrow(seq, "FIN", true);
	states_line(seq, TCP_FIN_WAIT1, TCP_CLOSE_WAIT, t);
	put_arrow(seq, "ACK", false);
	states_line(seq, TCP_FIN_WAIT2, -1, t);
	roles_line(seq, "   |", g->app_close[0]);
	roles_line(seq, "   |", g->app_close[1]);
	put_arrow(seq, "FIN", false);
	states_line(seq, TCP_TIME_WAIT, TCP_LAST_ACK, t);
	put_arrow(seq, "ACK", true);
	seq_printf(seq, "%*s|  %s", LEFT_BAR, "", g->msl);
	to_right(seq, LEFT_BAR + 3 + tcpstates_text_cols(g->msl));
	seq_puts(seq, "CLOSED\n  CLOSED\n\n");
	seq_printf(seq, "  %s\n  FIN_WAIT1 -> ", g->simultaneous);
	put_state(seq, TCP_CLOSING, t);
	seq_puts(seq, " -> TIME_WAIT\n\n");
}

static void show_table(struct seq_file *seq, const struct guide_text *g,
		       const struct tcpstates_tally *t)
{
	unsigned int i;
	int s;

	seq_printf(seq, "  %s%*s%s", g->table_head[0],
		   13 - tcpstates_text_cols(g->table_head[0]), "",
		   g->table_head[1]);
	seq_printf(seq, "%*s%s\n", COUNT_END - 15 -
		   tcpstates_text_cols(g->table_head[1]) -
		   tcpstates_text_cols(g->table_head[2]), "", g->table_head[2]);
	for (i = 0; i < ARRAY_SIZE(table_order); i++) {
		s = table_order[i];
		seq_printf(seq, "  %-12s %s", state_names[s], g->side[s]);
		seq_printf(seq, "%*s%7llu\n", COUNT_END - 7 - 15 -
			   tcpstates_text_cols(g->side[s]), "",
			   tcpstates_state_total(t, s));
	}
	seq_putc(seq, '\n');
}

static void show_guide(struct seq_file *seq, int l,
		       const struct tcpstates_snapshot *snap)
{
	const struct guide_text *g = &text[l];

	seq_printf(seq, "%s\n", g->title);
	seq_printf(seq, g->legend, snap->netns_ino);
	seq_puts(seq, "\n\n");
	show_opening(seq, g, &snap->tally);
	show_closing(seq, g, &snap->tally);
	show_table(seq, g, &snap->tally);
	seq_printf(seq, "%s\n", g->why_head);
	tcpstates_put_tw_why(seq, l == ZH);
}

int tcpstates_show_guide(struct seq_file *seq, void *v)
{
	const struct tcpstates_snapshot *snap = v;

	if (snap->lang != TCPSTATES_LANG_ZH)
		show_guide(seq, EN, snap);
	if (snap->lang == TCPSTATES_LANG_BOTH)
		seq_putc(seq, '\n');
	if (snap->lang != TCPSTATES_LANG_EN)
		show_guide(seq, ZH, snap);
	return 0;
}
