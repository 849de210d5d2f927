// SPDX-License-Identifier: GPL-2.0
/* Strict parsers of the tcpstates files; see parse.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"

static const char *const state_names[TCPSTATES_NSTATES] = TCPSTATES_STATE_NAMES;
static const char *const state_labels[TCPSTATES_NSTATES] = TCPSTATES_STATE_LABELS;
static const char *const family_labels[2] = TCPSTATES_FAMILY_LABELS;
static const unsigned int tw_bounds[TCPSTATES_TW_NBOUNDS] = TCPSTATES_TW_BOUNDS;

ssize_t ts_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n = 0;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	if (n < 0)
		n = -errno;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? n : (ssize_t)len;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Copies the line at *p into line (without '\n') and advances *p. */
static bool next_line(const char **p, char *line, size_t size)
{
	const char *end;
	size_t len;

	if (!**p)
		return false;
	end = strchrnul(*p, '\n');
	len = end - *p;
	if (len >= size)
		len = size - 1;
	memcpy(line, *p, len);
	line[len] = '\0';
	*p = *end ? end + 1 : end;
	return true;
}

/* --- /proc/tcpstates ----------------------------------------------------- */

static int parse_state_rows(const char **p, struct ts_summary *s,
			    char *err, size_t errlen)
{
	unsigned long long total, v4, v6;
	char line[512], name[32];
	int state = TCPSTATES_FIRST_STATE;

	while (state <= TCPSTATES_LAST_STATE && next_line(p, line, sizeof(line))) {
		if (line[0] == ' ')
			continue;	/* a wrapped description */
		if (sscanf(line, "%31s %llu %llu %llu", name, &total, &v4, &v6) != 4)
			return fail(err, errlen, "bad state row '%s'", line);
		if (strcmp(name, state_names[state]))
			return fail(err, errlen, "row '%s' where %s belongs",
				    name, state_names[state]);
		if (total != v4 + v6)
			return fail(err, errlen, "%s: total %llu != %llu + %llu",
				    name, total, v4, v6);
		s->sockets[state][0] = v4;
		s->sockets[state][1] = v6;
		state++;
	}
	if (state <= TCPSTATES_LAST_STATE)
		return fail(err, errlen, "no row for %s", state_names[state]);
	return 0;
}

static int parse_tw_block(const char **p, struct ts_summary *s,
			  char *err, size_t errlen)
{
	unsigned int a, b, c, d, e, f;
	unsigned long long *h = s->tw_hist;
	char line[512];
	int n;

	while (next_line(p, line, sizeof(line)))
		if (!strncmp(line, "TIME_WAIT:", 10))
			break;
	n = sscanf(line, "TIME_WAIT: %llu sockets; seconds left: min %u.%u, mean %u.%u, max %u.%u",
		   &s->tw_count, &a, &b, &c, &d, &e, &f);
	if (n != 1 && n != 7)
		return fail(err, errlen, "bad TIME_WAIT line '%s'", line);
	if ((n == 7) != (s->tw_count > 0))
		return fail(err, errlen, "TIME_WAIT range shown iff count: '%s'", line);
	if (n == 7) {
		s->tw_min_ds = a * 10 + b;
		s->tw_mean_ds = c * 10 + d;
		s->tw_max_ds = e * 10 + f;
	}
	if (!next_line(p, line, sizeof(line)) ||
	    strncmp(line, "  seconds left ", 15))
		return fail(err, errlen, "no histogram heading");
	if (!next_line(p, line, sizeof(line)) ||
	    sscanf(line, "  sockets %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &h[0], &h[1], &h[2], &h[3], &h[4], &h[5], &h[6], &h[7],
		   &h[8]) != 9)
		return fail(err, errlen, "bad histogram row '%s'", line);
	if (!next_line(p, line, sizeof(line)) ||
	    sscanf(line, "  timewait sockets %d of tcp_max_tw_buckets %d",
		   &s->tw_in_use, &s->tw_limit) != 2)
		return fail(err, errlen, "bad budget line '%s'", line);
	return 0;
}

int ts_parse_summary(const char *text, struct ts_summary *s,
		     char *err, size_t errlen)
{
	const char *p = text;
	char line[512], version[32];

	memset(s, 0, sizeof(*s));
	if (!next_line(&p, line, sizeof(line)) ||
	    sscanf(line, TCPSTATES_HEADER_TAG " %31s netns %u walked %llu sockets in",
		   version, &s->netns, &s->walked) != 3)
		return fail(err, errlen, "bad header '%s'", line);
	if (!next_line(&p, line, sizeof(line)) ||
	    strncmp(line, "STATE         TOTAL    IPV4    IPV6  ", 37))
		return fail(err, errlen, "bad column heading '%s'", line);
	if (parse_state_rows(&p, s, err, errlen))
		return -1;
	return parse_tw_block(&p, s, err, errlen);
}

/* --- /proc/net/tcpstates -------------------------------------------------- */

#define MAX_FAMILIES 16

struct prom_state {
	char typed[MAX_FAMILIES][64];	/* families with a # TYPE, in order */
	char types[MAX_FAMILIES][16];
	bool helped[MAX_FAMILIES];
	int nfamilies;
	unsigned int socket_seen[TCPSTATES_NSTATES][2];
	int buckets_seen;
};

static int family_index(const struct prom_state *st, const char *name)
{
	int i;

	for (i = 0; i < st->nfamilies; i++)
		if (!strcmp(st->typed[i], name))
			return i;
	return -1;
}

/* The family a sample belongs to: histograms add _bucket, _sum, _count. */
static int sample_family(const struct prom_state *st, const char *name)
{
	static const char *const suffixes[] = { "_bucket", "_sum", "_count" };
	char base[64];
	size_t n, len = strlen(name);
	unsigned int i;
	int f;

	f = family_index(st, name);
	if (f >= 0 && strcmp(st->types[f], "histogram"))
		return f;
	for (i = 0; i < 3; i++) {
		n = strlen(suffixes[i]);
		if (len <= n || len - n >= sizeof(base) ||
		    strcmp(name + len - n, suffixes[i]))
			continue;
		memcpy(base, name, len - n);
		base[len - n] = '\0';
		f = family_index(st, base);
		if (f >= 0 && !strcmp(st->types[f], "histogram"))
			return f;
	}
	return -1;
}

static int parse_comment(struct prom_state *st, const char *line,
			 char *err, size_t errlen)
{
	char kind[8], name[64], rest[256];
	int f;

	if (sscanf(line, "# %7s %63s %255[^\n]", kind, name, rest) != 3)
		return fail(err, errlen, "bad comment '%s'", line);
	f = family_index(st, name);
	if (!strcmp(kind, "TYPE")) {
		if (f >= 0 && st->types[f][0])
			return fail(err, errlen, "second TYPE for %s", name);
		if (strcmp(rest, "gauge") && strcmp(rest, "histogram") &&
		    strcmp(rest, "counter"))
			return fail(err, errlen, "type '%s' of %s", rest, name);
		if (f < 0) {
			if (st->nfamilies == MAX_FAMILIES)
				return fail(err, errlen, "too many families");
			f = st->nfamilies++;
			strcpy(st->typed[f], name);
		}
		strcpy(st->types[f], rest);
		return 0;
	}
	if (strcmp(kind, "HELP"))
		return fail(err, errlen, "unknown comment '%s'", line);
	/* HELP comes first here, so it may name a family not yet typed. */
	if (f < 0) {
		if (st->nfamilies == MAX_FAMILIES)
			return fail(err, errlen, "too many families");
		f = st->nfamilies++;
		strcpy(st->typed[f], name);
		st->types[f][0] = '\0';
	}
	if (st->helped[f])
		return fail(err, errlen, "second HELP for %s", name);
	st->helped[f] = true;
	return 0;
}

static int label_index(const char *const names[], int n, const char *v)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], v))
			return i;
	return -1;
}

static int take_socket_sample(struct prom_state *st, struct ts_prom *p,
			      const char *labels, double v,
			      char *err, size_t errlen)
{
	char state[32], family[16];
	int s, f;

	if (sscanf(labels, "state=\"%31[a-z_0-9]\",family=\"%15[a-z0-9]\"",
		   state, family) != 2)
		return fail(err, errlen, "bad socket labels {%s}", labels);
	s = label_index(state_labels, TCPSTATES_NSTATES, state);
	f = label_index(family_labels, 2, family);
	if (s < 0 || f < 0 || st->socket_seen[s][f]++)
		return fail(err, errlen, "unknown or repeated {%s}", labels);
	p->sockets[s][f] = (unsigned long long)v;
	return 0;
}

static int take_bucket_sample(struct prom_state *st, struct ts_prom *p,
			      const char *labels, double v,
			      char *err, size_t errlen)
{
	char want[32];
	int i = st->buckets_seen;

	if (i > TCPSTATES_TW_NBOUNDS)
		return fail(err, errlen, "extra bucket {%s}", labels);
	if (i < TCPSTATES_TW_NBOUNDS)
		snprintf(want, sizeof(want), "le=\"%u\"", tw_bounds[i]);
	else
		snprintf(want, sizeof(want), "le=\"+Inf\"");
	if (strcmp(labels, want))
		return fail(err, errlen, "bucket {%s} where {%s} belongs",
			    labels, want);
	if (i && v < p->tw_bucket[i - 1])
		return fail(err, errlen, "bucket {%s} not cumulative", labels);
	p->tw_bucket[i] = (unsigned long long)v;
	st->buckets_seen++;
	return 0;
}

static int take_sample(struct prom_state *st, struct ts_prom *p,
		       const char *name, const char *labels, double v,
		       char *err, size_t errlen)
{
	if (!strcmp(name, TCPSTATES_M_SOCKETS))
		return take_socket_sample(st, p, labels, v, err, errlen);
	if (!strcmp(name, TCPSTATES_M_TW_REMAIN "_bucket"))
		return take_bucket_sample(st, p, labels, v, err, errlen);
	if (*labels)
		return fail(err, errlen, "unexpected labels on %s", name);
	if (!strcmp(name, TCPSTATES_M_TW_REMAIN "_sum"))
		p->tw_sum = v;
	else if (!strcmp(name, TCPSTATES_M_TW_REMAIN "_count"))
		p->tw_count = (unsigned long long)v;
	else if (!strcmp(name, TCPSTATES_M_TW_BUCKETS))
		p->tw_in_use = (long long)v;
	else if (!strcmp(name, TCPSTATES_M_TW_LIMIT))
		p->tw_limit = (long long)v;
	else if (!strcmp(name, TCPSTATES_M_WALKED))
		p->walked = (long long)v;
	else if (!strcmp(name, TCPSTATES_M_WALK_TIME))
		p->walk_seconds = v;
	else
		return fail(err, errlen, "unknown metric %s", name);
	return 0;
}

static int parse_sample(struct prom_state *st, struct ts_prom *p,
			const char *line, const regex_t *re,
			char *err, size_t errlen)
{
	char name[64] = "", labels[128] = "", value[64] = "", *end;
	regmatch_t m[5];
	double v;
	int f;

	if (regexec(re, line, 5, m, 0))
		return fail(err, errlen, "not a sample: '%s'", line);
	snprintf(name, sizeof(name), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
		 line + m[1].rm_so);
	if (m[3].rm_so >= 0)
		snprintf(labels, sizeof(labels), "%.*s",
			 (int)(m[3].rm_eo - m[3].rm_so), line + m[3].rm_so);
	snprintf(value, sizeof(value), "%.*s", (int)(m[4].rm_eo - m[4].rm_so),
		 line + m[4].rm_so);
	v = strtod(value, &end);
	if (*end)
		return fail(err, errlen, "bad value in '%s'", line);
	f = sample_family(st, name);
	if (f < 0 || !st->types[f][0] || !st->helped[f])
		return fail(err, errlen, "%s has no HELP and TYPE before it", name);
	return take_sample(st, p, name, labels, v, err, errlen);
}

static int check_complete(const struct prom_state *st, const struct ts_prom *p,
			  char *err, size_t errlen)
{
	int s, f;

	for (s = TCPSTATES_FIRST_STATE; s <= TCPSTATES_LAST_STATE; s++)
		for (f = 0; f < 2; f++)
			if (st->socket_seen[s][f] != 1)
				return fail(err, errlen, "no sample for %s/%s",
					    state_labels[s], family_labels[f]);
	if (st->buckets_seen != TCPSTATES_TW_NBOUNDS + 1)
		return fail(err, errlen, "%d histogram buckets", st->buckets_seen);
	if (p->tw_bucket[TCPSTATES_TW_NBOUNDS] != p->tw_count)
		return fail(err, errlen, "+Inf bucket %llu != _count %llu",
			    p->tw_bucket[TCPSTATES_TW_NBOUNDS], p->tw_count);
	return 0;
}

int ts_parse_prometheus(const char *text, struct ts_prom *p,
			char *err, size_t errlen)
{
	static const char sample_re[] =
		"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? ([^ ]+)$";
	struct prom_state st = { 0 };
	const char *cur = text;
	char line[512];
	regex_t re;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	if (!*text || text[strlen(text) - 1] != '\n')
		return fail(err, errlen, "empty, or no final newline");
	if (regcomp(&re, sample_re, REG_EXTENDED))
		return fail(err, errlen, "regcomp");
	while (!ret && next_line(&cur, line, sizeof(line))) {
		if (line[0] == '#')
			ret = parse_comment(&st, line, err, errlen);
		else
			ret = parse_sample(&st, p, line, &re, err, errlen);
	}
	regfree(&re);
	return ret ? ret : check_complete(&st, p, err, errlen);
}

int ts_parse_stats(const char *text, struct ts_table_stats *t,
		   char *err, size_t errlen)
{
	static const char *const names[TS_NTABLES] = {
		"established", "listening", "bind",
	};
	char pat[32];
	const char *p;
	int i;

	for (i = 0; i < TS_NTABLES; i++) {
		snprintf(pat, sizeof(pat), "\n%s ", names[i]);
		p = strstr(text, pat);
		if (!p) {
			snprintf(err, errlen, "no line for table %s", names[i]);
			return -1;
		}
		if (sscanf(p + strlen(pat),
			   "%llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &t[i].buckets, &t[i].nonempty, &t[i].entries,
			   &t[i].full, &t[i].request, &t[i].timewait,
			   &t[i].pauses, &t[i].restarts, &t[i].us) != 9) {
			snprintf(err, errlen, "bad line for table %s", names[i]);
			return -1;
		}
	}
	return 0;
}

long long ts_read_walked(void)
{
	static char text[64 * 1024];
	struct ts_prom prom;
	char err[256];

	if (ts_read_file(TCPSTATES_PROC_NET_PATH, text, sizeof(text)) <= 0 ||
	    ts_parse_prometheus(text, &prom, err, sizeof(err)))
		return -1;
	return prom.walked;
}

size_t ts_longest_line(const char *s)
{
	size_t max = 0, len;

	while (*s) {
		len = strcspn(s, "\n");
		max = len > max ? len : max;
		s += len + (s[len] == '\n');
	}
	return max;
}
