/* summary_read.c - summary files: detected by their first line, read whole, parsed and checked. */
#include "analyses/summary.h"

#include "core/error.h"
#include "data/labels.h"
#include "io/input.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The first line's start, whatever the version, and the table's header
 * (the writer, report/summary_csv.c, spells them too). */
static const char magic_prefix[] = "# sentraj-summary";
static const char table_header[] = "category,first_q,last_q,count";

enum { MAX_FIELDS = 5 };

/* A CSV record: fields unquoted into buf, each NUL-terminated. */
typedef struct record {
    char *buf;
    size_t cap;
    size_t nfields;
    size_t off[MAX_FIELDS];
    uint64_t col[MAX_FIELDS];
    uint64_t line;
    int too_many;
} record;

typedef struct reader {
    const char *p, *end;
    const char *name;
    uint64_t line;
    const char *line_start;
} reader;

static int rec_put(record *r, size_t *len, char c, sentraj_error *err)
{
    if (*len + 1 >= r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 256;
        char *nb = realloc(r->buf, nc);
        if (!nb)
            return sentraj_nomem(err, "summary record");
        r->buf = nb;
        r->cap = nc;
    }
    r->buf[(*len)++] = c;
    return SENTRAJ_OK;
}

/* Read the next record (RFC 4180 with LF or CRLF line ends). Blank lines are
 * skipped, and so are lines starting with '#' when comments is set.
 * Returns 1 with a record, 0 at the end, or an error code. */
static int next_record(reader *rd, record *r, int comments, sentraj_error *err)
{
    size_t len = 0;

    for (;;) {
        if (rd->p >= rd->end)
            return 0;
        if (*rd->p == '\n' || (*rd->p == '\r' && rd->p + 1 < rd->end && rd->p[1] == '\n') ||
            (comments && *rd->p == '#')) {
            const char *nl = memchr(rd->p, '\n', (size_t)(rd->end - rd->p));
            rd->p = nl ? nl + 1 : rd->end;
            rd->line++;
            rd->line_start = rd->p;
            continue;
        }
        break;
    }
    r->line = rd->line;
    r->nfields = 0;
    r->too_many = 0;
    for (;;) {
        /* One field. */
        uint64_t col = (uint64_t)(rd->p - rd->line_start) + 1;
        size_t start = len;
        if (rd->p < rd->end && *rd->p == '"') {
            uint64_t open_line = rd->line;
            rd->p++;
            for (;;) {
                if (rd->p >= rd->end)
                    return sentraj_raise(err, SENTRAJ_EDATA, rd->name, open_line, col,
                                         "quoted field is not closed before the end of the file");
                if (*rd->p == '"') {
                    if (rd->p + 1 < rd->end && rd->p[1] == '"') {
                        if (rec_put(r, &len, '"', err) != SENTRAJ_OK)
                            return SENTRAJ_ENOMEM;
                        rd->p += 2;
                        continue;
                    }
                    rd->p++;
                    break;
                }
                if (*rd->p == '\n') {
                    rd->line++;
                    rd->line_start = rd->p + 1;
                }
                if (rec_put(r, &len, *rd->p++, err) != SENTRAJ_OK)
                    return SENTRAJ_ENOMEM;
            }
            if (rd->p < rd->end && *rd->p != ',' && *rd->p != '\n' &&
                !(*rd->p == '\r' && rd->p + 1 < rd->end && rd->p[1] == '\n'))
                return sentraj_raise(err, SENTRAJ_EDATA, rd->name, rd->line,
                                     (uint64_t)(rd->p - rd->line_start) + 1,
                                     "unexpected character after a closing quote");
        } else {
            while (rd->p < rd->end && *rd->p != ',' && *rd->p != '\n' &&
                   !(*rd->p == '\r' && rd->p + 1 < rd->end && rd->p[1] == '\n')) {
                if (*rd->p == '"')
                    return sentraj_raise(err, SENTRAJ_EDATA, rd->name, rd->line,
                                         (uint64_t)(rd->p - rd->line_start) + 1,
                                         "quote inside an unquoted field");
                if (rec_put(r, &len, *rd->p++, err) != SENTRAJ_OK)
                    return SENTRAJ_ENOMEM;
            }
        }
        if (rec_put(r, &len, '\0', err) != SENTRAJ_OK)
            return SENTRAJ_ENOMEM;
        if (r->nfields < MAX_FIELDS) {
            r->off[r->nfields] = start;
            r->col[r->nfields] = col;
            r->nfields++;
        } else {
            r->too_many = 1;
        }
        if (rd->p < rd->end && *rd->p == ',') {
            rd->p++;
            continue;
        }
        if (rd->p < rd->end && *rd->p == '\r')
            rd->p++;
        if (rd->p < rd->end) /* '\n' */
            rd->p++;
        rd->line++;
        rd->line_start = rd->p;
        return 1;
    }
}

static const char *field(const record *r, size_t i)
{
    return r->buf + r->off[i];
}

/* A decimal integer: an optional '-', then digits only. */
static int parse_i64(const char *s, int64_t *out)
{
    int neg = *s == '-';
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    if (neg)
        s++;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        if (v > (lim - (uint64_t)(*s - '0')) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return 1;
}

static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 1;
}

/* A plain decimal number, as the scale files accept. */
static int parse_value(const char *s, double *out)
{
    char *end;
    if (!*s)
        return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= '0' && *c <= '9') || *c == '+' || *c == '-' || *c == '.' || *c == 'e' || *c == 'E'))
            return 0;
    *out = strtod(s, &end);
    return *end == '\0' && isfinite(*out);
}

static int add_name(sentraj_summary *s, size_t *cap, const char *name, sentraj_error *err)
{
    if (s->nnames == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        char **nn = realloc(s->names, nc * sizeof *nn);
        if (!nn)
            return sentraj_nomem(err, "summary names");
        s->names = nn;
        *cap = nc;
    }
    if (!(s->names[s->nnames] = strdup(name)))
        return sentraj_nomem(err, "summary names");
    s->nnames++;
    return SENTRAJ_OK;
}

/* The denominator, range and canonical entries of the scale lines, through
 * the scale parser so the lattice rule is the one the data readers use. */
static int finish_scale(sentraj_summary *s, const char *name, sentraj_error *err)
{
    size_t len = 0, cap = 64;
    char *text = malloc(cap);
    sentraj_scale *sc;
    sentraj_error e2;

    if (!text)
        return sentraj_nomem(err, "summary scale");
    text[0] = '\0';
    for (size_t i = 0; i < s->nscale; i++) {
        char num[32];
        size_t need = strlen(s->scale[i].label) + 40;
        if (len + need >= cap) {
            char *nt;
            while (len + need >= cap)
                cap *= 2;
            if (!(nt = realloc(text, cap))) {
                free(text);
                return sentraj_nomem(err, "summary scale");
            }
            text = nt;
        }
        len += (size_t)snprintf(text + len, cap - len, "\"%s\",%s\n", s->scale[i].label,
                                sentraj_format_double(s->scale[i].value, num, sizeof num));
    }
    sc = sentraj_scale_parse(text, len, name, &e2);
    free(text);
    if (!sc)
        return sentraj_raise(err, e2.code, name, s->line_scale, 0, "label scale: %s", e2.message);
    s->scale_min = sc->min;
    s->scale_max = sc->max;
    if (sc->denom != s->denom) {
        long long want = (long long)sc->denom;
        sentraj_scale_free(sc);
        if (!want)
            return sentraj_raise(err, SENTRAJ_EDATA, name, s->line_scale, 0,
                                 "the label scale has no lattice (values multiples of 1/Q, Q <= 100000), which a "
                                 "summary needs");
        return sentraj_raise(err, SENTRAJ_EDATA, name, s->line_denom, 0,
                             "denom %lld is not the label scale's lattice denominator %lld", (long long)s->denom,
                             want);
    }
    sentraj_scale_free(sc);
    return SENTRAJ_OK;
}

/* The range of a window sum: window labels, each in [min, max], times denom. */
static void window_range(const sentraj_summary *s, int64_t *lo, int64_t *hi)
{
    double d = (double)s->denom;
    *lo = (int64_t)nearbyint(s->scale_min * d) * (int64_t)s->window;
    *hi = (int64_t)nearbyint(s->scale_max * d) * (int64_t)s->window;
}

/* Whether total == a + b + c exactly (no wrap-around in 64 bits). */
static int sum_is(uint64_t total, uint64_t a, uint64_t b, uint64_t c)
{
    return a <= total && b <= total - a && c == total - a - b;
}

/* What a table row must satisfy against "all" and the counts. */
static int check_consistency(sentraj_summary *s, const char *name, uint64_t header_line, sentraj_error *err)
{
    int64_t all = summary_find_name(s->names, s->nnames, "all");
    uint64_t total_all = 0, with_category;
    int overflow = 0;
    const sentraj_counts *c = &s->counts;
    size_t i, a0, a1;

    if (!sum_is(c->rows, c->human_messages, c->assistant_messages, c->ignored_messages))
        return sentraj_raise(err, SENTRAJ_EDATA, name, s->line_count[0], 0,
                             "rows %llu is not human_messages + assistant_messages + ignored_messages",
                             (unsigned long long)c->rows);
    if (!sum_is(c->conversations, c->kept, c->dropped_short, 0))
        return sentraj_raise(err, SENTRAJ_EDATA, name, s->line_count[4], 0,
                             "conversations %llu is not kept + dropped_short", (unsigned long long)c->conversations);
    if (c->kept_without_category > c->kept)
        return sentraj_raise(err, SENTRAJ_EDATA, name, s->line_count[7], 0,
                             "kept_without_category %llu is more than kept %llu",
                             (unsigned long long)c->kept_without_category, (unsigned long long)c->kept);
    if (all < 0)
        return sentraj_raise(err, SENTRAJ_EDATA, name, header_line, 0,
                             "the table has no row for \"all\" (write \"all,,,0\" when nothing was kept)");
    for (a0 = 0; a0 < s->ncells && s->cells[a0].name != (uint32_t)all; a0++)
        ;
    for (a1 = a0; a1 < s->ncells && s->cells[a1].name == (uint32_t)all; a1++) {
        if (total_all > UINT64_MAX - s->cells[a1].count)
            overflow = 1;
        total_all += s->cells[a1].count;
    }
    if (overflow)
        return sentraj_raise(err, SENTRAJ_EDATA, name, s->line_count[5], 0,
                             "the \"all\" rows count more than 2^64 - 1 conversations");
    if (total_all != c->kept)
        return sentraj_raise(err, SENTRAJ_EDATA, name, s->line_count[5], 0,
                             "kept is %llu, but the \"all\" rows count %llu conversations",
                             (unsigned long long)c->kept, (unsigned long long)total_all);
    with_category = c->kept - c->kept_without_category;
    for (i = 0; i < s->ncells;) {
        uint32_t n = s->cells[i].name;
        uint64_t total = 0;
        size_t j = a0;
        if (n == (uint32_t)all) {
            i = a1;
            continue;
        }
        for (; i < s->ncells && s->cells[i].name == n; i++) {
            const summary_cell *x = &s->cells[i];
            /* Every kept conversation of a category is in "all" with the same sums. */
            while (j < a1 && (s->cells[j].first < x->first ||
                              (s->cells[j].first == x->first && s->cells[j].last < x->last)))
                j++;
            if (j == a1 || s->cells[j].first != x->first || s->cells[j].last != x->last ||
                s->cells[j].count < x->count)
                return sentraj_raise(err, SENTRAJ_EDATA, name, x->line, 0,
                                     "category \"%s\" counts %llu at first_q %lld, last_q %lld, but "
                                     "\"all\" counts %llu there",
                                     sentraj_show(s->names[n], strlen(s->names[n])).s, (unsigned long long)x->count,
                                     (long long)x->first, (long long)x->last,
                                     (unsigned long long)(j < a1 && s->cells[j].first == x->first &&
                                                                  s->cells[j].last == x->last
                                                              ? s->cells[j].count
                                                              : 0));
            total += x->count;
            if (total > with_category)
                return sentraj_raise(err, SENTRAJ_EDATA, name, x->line, 0,
                                     "category \"%s\" counts more conversations than the %llu kept with a category",
                                     sentraj_show(s->names[n], strlen(s->names[n])).s,
                                     (unsigned long long)with_category);
        }
    }
    return SENTRAJ_OK;
}

/* What the parser carries from line to line. */
typedef struct parse_state {
    sentraj_summary *s;
    const char *name;
    record r;
    size_t scale_cap, cells_cap;
    int have_window, have_min, have_denom;
    uint64_t header_line;
    int64_t qlo, qhi;  /* the range of a window sum */
    /* Table names as read (a name repeated on consecutive rows once),
     * resolved to the sorted names at the end. */
    char **raw_names;
    uint64_t *empty_line; /* line of the raw name's "name,,,0" row, or 0 */
    size_t nraw, raw_cap;
    uint32_t *cell_raw;   /* cell i's raw name */
} parse_state;

static void parse_state_free(parse_state *ps)
{
    for (size_t i = 0; i < ps->nraw; i++)
        free(ps->raw_names[i]);
    free(ps->raw_names);
    free(ps->empty_line);
    free(ps->cell_raw);
    free(ps->r.buf);
}

/* Line 1: the magic and the version. Returns the offset of line 2. */
static int check_magic(const char *text, size_t len, const char *name, size_t *next, sentraj_error *err)
{
    const char *nl = memchr(text, '\n', len);
    size_t l1 = nl ? (size_t)(nl - text) : len;

    if (l1 && text[l1 - 1] == '\r')
        l1--;
    if (l1 < sizeof magic_prefix - 1 || memcmp(text, magic_prefix, sizeof magic_prefix - 1) != 0)
        return sentraj_raise(err, SENTRAJ_EDATA, name, 1, 0, "not a sentraj summary: the first line must be \"%s\"",
                             SENTRAJ_SUMMARY_MAGIC);
    if (l1 != sizeof SENTRAJ_SUMMARY_MAGIC - 1 || memcmp(text, SENTRAJ_SUMMARY_MAGIC, l1) != 0) {
        const char *v = text + sizeof magic_prefix - 1;
        size_t vl = l1 - (sizeof magic_prefix - 1);
        while (vl && *v == ' ')
            v++, vl--;
        return sentraj_raise(err, SENTRAJ_EDATA, name, 1, 0,
                             "summary version \"%s\" is not one this sentraj reads (it reads v%d, \"%s\")",
                             sentraj_show(v, vl).s, SENTRAJ_SUMMARY_VERSION, SENTRAJ_SUMMARY_MAGIC);
    }
    *next = nl ? (size_t)(nl - text) + 1 : len;
    return SENTRAJ_OK;
}

/* A "scale,LABEL,VALUE" line. */
static int header_scale(parse_state *ps, sentraj_error *err)
{
    sentraj_summary *s = ps->s;
    const record *r = &ps->r;
    const char *label = r->nfields > 1 ? field(r, 1) : "";
    char folded[128];
    double v;

    if (r->nfields != 3 || r->too_many)
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, 0, "expected \"scale,LABEL,VALUE\"");
    if (labels_fold(label, strlen(label), folded, sizeof folded) >= sizeof folded || !*folded ||
        strcmp(folded, label) != 0 || strpbrk(label, ",\"\r\n"))
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[1],
                             "scale label \"%s\" is not a folded label (lower case, no blanks, '-', '_', ',' or "
                             "quotes; at most 127 bytes)",
                             sentraj_show(label, strlen(label)).s);
    if (!parse_value(field(r, 2), &v))
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[2], "scale value \"%s\" is not a number",
                             sentraj_show(field(r, 2), strlen(field(r, 2))).s);
    for (size_t i = 0; i < s->nscale; i++)
        if (strcmp(s->scale[i].label, label) == 0)
            return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[1], "scale label \"%s\" is given twice",
                                 label);
    if (s->nscale == ps->scale_cap) {
        size_t nc = ps->scale_cap ? ps->scale_cap * 2 : 8;
        summary_scale_entry *ne = realloc(s->scale, nc * sizeof *ne);
        if (!ne)
            return sentraj_nomem(err, "summary scale");
        s->scale = ne;
        ps->scale_cap = nc;
    }
    if (!(s->scale[s->nscale].label = strdup(label)))
        return sentraj_nomem(err, "summary scale");
    s->scale[s->nscale++].value = v == 0 ? 0 : v;
    if (!s->line_scale)
        s->line_scale = r->line;
    return SENTRAJ_OK;
}

/* A "key,NUMBER" line: an option or a count. */
static int header_field(parse_state *ps, sentraj_error *err)
{
    enum { WINDOW = 100, MIN_HUMAN, DENOM };
    sentraj_summary *s = ps->s;
    const record *r = &ps->r;
    const char *key = field(r, 0);
    int which = -1; /* 0 .. SUMMARY_NCOUNTS - 1: a count */
    uint64_t v, *line = NULL;

    if (strcmp(key, "window") == 0)
        which = WINDOW, line = &s->line_window;
    else if (strcmp(key, "min_human") == 0)
        which = MIN_HUMAN, line = &s->line_min_human;
    else if (strcmp(key, "denom") == 0)
        which = DENOM, line = &s->line_denom;
    for (int i = 0; which < 0 && i < SUMMARY_NCOUNTS; i++)
        if (strcmp(key, summary_count_key[i]) == 0)
            which = i, line = &s->line_count[i];
    if (which < 0 && strcmp(key, "category") == 0)
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, 1, "expected the table header \"%s\"",
                             table_header);
    if (which < 0)
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, 1,
                             "unknown field \"%s\" (expected window, min_human, denom, scale, a count, or the "
                             "table header)",
                             sentraj_show(key, strlen(key)).s);
    if (*line)
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, 1,
                             "field \"%s\" is given twice (first on line %llu)", key, (unsigned long long)*line);
    if (r->nfields != 2 || r->too_many)
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, 0, "expected \"%s,NUMBER\"", key);
    if (!parse_u64(field(r, 1), &v))
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[1],
                             "%s \"%s\" is not a non-negative integer", key,
                             sentraj_show(field(r, 1), strlen(field(r, 1))).s);
    *line = r->line;
    switch (which) {
    case WINDOW:
        if (v < 1 || v > 1000)
            return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[1], "window %llu is not in 1..1000",
                                 (unsigned long long)v);
        s->window = (size_t)v;
        ps->have_window = 1;
        break;
    case MIN_HUMAN:
        if (v < 1 || v > 1000000000)
            return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[1],
                                 "min_human %llu is not in 1..10^9", (unsigned long long)v);
        s->min_human = (size_t)v;
        ps->have_min = 1;
        break;
    case DENOM:
        if (v < 1 || v > 100000)
            return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[1], "denom %llu is not in 1..100000",
                                 (unsigned long long)v);
        s->denom = (int64_t)v;
        ps->have_denom = 1;
        break;
    default:
        *summary_count_field(&s->counts, which) = v;
    }
    return SENTRAJ_OK;
}

/* At the table header: every field given, the options consistent, the
 * scale's lattice and the range of a window sum known. */
static int header_done(parse_state *ps, sentraj_error *err)
{
    sentraj_summary *s = ps->s;
    const char *missing = !ps->have_window ? "window"
                          : !ps->have_min  ? "min_human"
                          : !ps->have_denom ? "denom"
                          : s->nscale < 2   ? "scale (at least two labels)"
                                            : NULL;
    for (int i = 0; !missing && i < SUMMARY_NCOUNTS; i++)
        if (!s->line_count[i])
            missing = summary_count_key[i];
    if (missing)
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, ps->header_line, 0,
                             "field %s is missing before the table", missing);
    if (s->min_human < 2 * s->window)
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, s->line_min_human, 0,
                             "min_human %zu is less than twice the window %zu", s->min_human, s->window);
    if (s->nscale > 1)
        qsort(s->scale, s->nscale, sizeof *s->scale, summary_cmp_scale);
    if (finish_scale(s, ps->name, err) != SENTRAJ_OK)
        return SENTRAJ_EDATA;
    window_range(s, &ps->qlo, &ps->qhi);
    return SENTRAJ_OK;
}

/* A table name as read, once for a run of rows that repeat it. */
static int add_raw_name(parse_state *ps, const char *cat, sentraj_error *err)
{
    if (ps->nraw == ps->raw_cap) {
        size_t nc = ps->raw_cap ? ps->raw_cap * 2 : 16;
        char **nn = realloc(ps->raw_names, nc * sizeof *nn);
        uint64_t *ne;
        if (!nn)
            return sentraj_nomem(err, "summary names");
        ps->raw_names = nn;
        if (!(ne = realloc(ps->empty_line, nc * sizeof *ne)))
            return sentraj_nomem(err, "summary names");
        ps->empty_line = ne;
        ps->raw_cap = nc;
    }
    if (!(ps->raw_names[ps->nraw] = strdup(cat)))
        return sentraj_nomem(err, "summary names");
    ps->empty_line[ps->nraw++] = 0;
    return SENTRAJ_OK;
}

/* Room for more cells (and their raw names). */
static int cells_room(parse_state *ps, sentraj_error *err)
{
    sentraj_summary *s = ps->s;
    size_t nc = ps->cells_cap ? ps->cells_cap * 2 : 256;
    summary_cell *ncl = realloc(s->cells, nc * sizeof *ncl);
    uint32_t *nr;
    if (!ncl)
        return sentraj_nomem(err, "summary table");
    s->cells = ncl;
    if (!(nr = realloc(ps->cell_raw, nc * sizeof *nr)))
        return sentraj_nomem(err, "summary table");
    ps->cell_raw = nr;
    ps->cells_cap = nc;
    return SENTRAJ_OK;
}

/* One table row: "category,first_q,last_q,count", or "category,,,0". */
static int table_row(parse_state *ps, sentraj_error *err)
{
    sentraj_summary *s = ps->s;
    const record *r = &ps->r;
    const char *cat, *cs;
    int64_t q[2] = {0, 0}, neg;
    uint64_t count;
    size_t cl;
    int empty;

    if (r->nfields != 4 || r->too_many)
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, 0,
                             "expected 4 fields (category,first_q,last_q,count), found %s%zu",
                             r->too_many ? "more than " : "", r->nfields);
    cat = field(r, 0);
    cl = strlen(cat);
    /* A name sentraj could have read: categories are trimmed. (They may
     * hold ';' when the data were read with another --category-sep.) */
    if (!cl || cat[0] == ' ' || cat[0] == '\t' || cat[cl - 1] == ' ' || cat[cl - 1] == '\t')
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, 1,
                             "category name \"%s\" is empty or has blanks around it", sentraj_show(cat, cl).s);
    if (!*field(r, 1) != !*field(r, 2))
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[*field(r, 1) ? 2 : 1],
                             "first_q and last_q must both be given, or both be empty");
    empty = !*field(r, 1);
    for (int i = 0; !empty && i < 2; i++) {
        const char *f = field(r, (size_t)i + 1), *what = i ? "last_q" : "first_q";
        if (!parse_i64(f, &q[i]))
            return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[i + 1], "%s \"%s\" is not an integer",
                                 what, sentraj_show(f, strlen(f)).s);
        if (q[i] < ps->qlo || q[i] > ps->qhi)
            return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[i + 1],
                                 "%s %lld is outside %lld..%lld, the sums of %zu labels in [%g, %g] times denom %lld",
                                 what, (long long)q[i], (long long)ps->qlo, (long long)ps->qhi, s->window,
                                 s->scale_min, s->scale_max, (long long)s->denom);
    }
    cs = field(r, 3);
    if (*cs == '-' && parse_i64(cs, &neg))
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[3], "count %s is negative", cs);
    if (!parse_u64(cs, &count))
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[3], "count \"%s\" is not an integer",
                             sentraj_show(cs, strlen(cs)).s);
    if (empty && count != 0)
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[3],
                             "a row with empty first_q and last_q (a category without kept conversations) must "
                             "have count 0");
    if (!empty && count == 0)
        return sentraj_raise(err, SENTRAJ_EDATA, ps->name, r->line, r->col[3],
                             "count 0: a row counts at least one conversation");

    if ((!ps->nraw || strcmp(ps->raw_names[ps->nraw - 1], cat) != 0) && add_raw_name(ps, cat, err) != SENTRAJ_OK)
        return SENTRAJ_ENOMEM;
    if (empty) {
        ps->empty_line[ps->nraw - 1] = r->line;
        return SENTRAJ_OK;
    }
    if (s->ncells == ps->cells_cap && cells_room(ps, err) != SENTRAJ_OK)
        return SENTRAJ_ENOMEM;
    ps->cell_raw[s->ncells] = (uint32_t)(ps->nraw - 1);
    s->cells[s->ncells++] = (summary_cell){0, q[0], q[1], count, r->line};
    return SENTRAJ_OK;
}

/* After the table: the distinct names sorted, the cells mapped to them and
 * sorted; a name's "name,,,0" row must be its only row, and no (name,
 * first_q, last_q) may appear twice. */
static int resolve_names(parse_state *ps, sentraj_error *err)
{
    sentraj_summary *s = ps->s;
    size_t names_cap = 0, n = ps->nraw;
    char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    uint32_t *map = malloc((n ? n : 1) * sizeof *map);
    uint64_t *count_line = NULL, *mark_line = NULL;
    int rc = SENTRAJ_OK;

    if (!sorted || !map)
        goto nomem;
    if (n) { /* no table rows: raw_names is still NULL */
        memcpy(sorted, ps->raw_names, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, summary_cmp_name);
    }
    for (size_t i = 0; i < n; i++)
        if ((!i || strcmp(sorted[i], sorted[i - 1]) != 0) && (rc = add_name(s, &names_cap, sorted[i], err)))
            goto out;
    for (size_t i = 0; i < n; i++)
        map[i] = (uint32_t)summary_find_name(s->names, s->nnames, ps->raw_names[i]);
    for (size_t i = 0; i < s->ncells; i++)
        s->cells[i].name = map[ps->cell_raw[i]];
    if (s->ncells > 1)
        qsort(s->cells, s->ncells, sizeof *s->cells, summary_cmp_cell);

    count_line = calloc(s->nnames + 1, sizeof *count_line);
    mark_line = calloc(s->nnames + 1, sizeof *mark_line);
    if (!count_line || !mark_line)
        goto nomem;
    for (size_t k = s->ncells; k-- > 0;)
        count_line[s->cells[k].name] = s->cells[k].line;
    for (size_t i = 0; i < n; i++) {
        uint32_t m = map[i];
        if (!ps->empty_line[i])
            continue;
        if (count_line[m] || mark_line[m]) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, ps->name, ps->empty_line[i], 0,
                               "category \"%s\" has a row without kept conversations and another row on line %llu",
                               sentraj_show(ps->raw_names[i], strlen(ps->raw_names[i])).s,
                               (unsigned long long)(count_line[m] ? count_line[m] : mark_line[m]));
            goto out;
        }
        mark_line[m] = ps->empty_line[i];
    }
    for (size_t i = 1; i < s->ncells; i++) {
        const summary_cell *a = &s->cells[i - 1], *b = &s->cells[i];
        if (a->name == b->name && a->first == b->first && a->last == b->last) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, ps->name, b->line, 0,
                               "category \"%s\" has a second row for first_q %lld, last_q %lld (first on line %llu)",
                               sentraj_show(s->names[b->name], strlen(s->names[b->name])).s, (long long)b->first,
                               (long long)b->last, (unsigned long long)a->line);
            goto out;
        }
    }
    goto out;
nomem:
    rc = sentraj_nomem(err, "summary names");
out:
    free(sorted);
    free(map);
    free(count_line);
    free(mark_line);
    return rc;
}

sentraj_summary *sentraj_summary_parse(const char *text, size_t len, const char *name, sentraj_error *err)
{
    parse_state ps;
    reader rd;
    size_t next = 0;
    int rc;

    memset(&ps, 0, sizeof ps);
    if (!(ps.s = calloc(1, sizeof *ps.s)) || !(ps.s->source = strdup(name ? name : ""))) {
        sentraj_nomem(err, "summary");
        goto fail;
    }
    ps.name = ps.s->source;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3, len -= 3;
    if (memchr(text, '\0', len)) {
        sentraj_raise(err, SENTRAJ_EDATA, ps.name, 0, 0, "NUL byte in the summary file");
        goto fail;
    }
    if (check_magic(text, len, ps.name, &next, err) != SENTRAJ_OK)
        goto fail;
    rd = (reader){text + next, text + len, ps.name, 2, text + next};

    /* The key,value lines (and comments) up to the table header. */
    for (;;) {
        rc = next_record(&rd, &ps.r, 1, err);
        if (rc < 0)
            goto fail;
        if (rc == 0) {
            sentraj_raise(err, SENTRAJ_EDATA, ps.name, rd.line, 0, "the file ends before the table header \"%s\"",
                          table_header);
            goto fail;
        }
        if (ps.r.nfields == 4 && !ps.r.too_many && strcmp(field(&ps.r, 0), "category") == 0 &&
            strcmp(field(&ps.r, 1), "first_q") == 0 && strcmp(field(&ps.r, 2), "last_q") == 0 &&
            strcmp(field(&ps.r, 3), "count") == 0) {
            ps.header_line = ps.r.line;
            break;
        }
        rc = strcmp(field(&ps.r, 0), "scale") == 0 ? header_scale(&ps, err) : header_field(&ps, err);
        if (rc != SENTRAJ_OK)
            goto fail;
    }
    if (header_done(&ps, err) != SENTRAJ_OK)
        goto fail;

    /* The table: every line a row. */
    while ((rc = next_record(&rd, &ps.r, 0, err)) == 1)
        if (table_row(&ps, err) != SENTRAJ_OK)
            goto fail;
    if (rc < 0 || resolve_names(&ps, err) != SENTRAJ_OK ||
        check_consistency(ps.s, ps.name, ps.header_line, err) != SENTRAJ_OK)
        goto fail;
    ps.s->counts.categories = ps.s->nnames - 1;
    parse_state_free(&ps);
    return ps.s;
fail:
    parse_state_free(&ps);
    sentraj_summary_free(ps.s);
    return NULL;
}

sentraj_summary *sentraj_summary_read(const char *path, sentraj_error *err)
{
    input *in = input_open(path, err);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    sentraj_summary *s = NULL;
    const size_t limit = (size_t)1 << 30;

    if (!in)
        return NULL;
    for (;;) {
        ssize_t n;
        if (cap - len < 4096) {
            char *nb;
            if (cap >= limit) {
                sentraj_raise(err, SENTRAJ_ELIMIT, input_name(in), 0, 0, "a summary file larger than 1 GiB");
                goto out;
            }
            if (!(nb = realloc(buf, cap ? cap * 2 : 16384))) {
                sentraj_nomem(err, "summary file");
                goto out;
            }
            buf = nb;
            cap = cap ? cap * 2 : 16384;
        }
        n = input_read(in, buf + len, cap - len, err);
        if (n < 0)
            goto out;
        if (n == 0)
            break;
        len += (size_t)n;
    }
    s = sentraj_summary_parse(buf, len, input_name(in), err);
out:
    free(buf);
    input_close(in);
    return s;
}

int sentraj_summary_sniff(const char *path, int *is_summary, sentraj_error *err)
{
    struct stat st;
    sentraj_error e;
    input *in;
    char buf[64];
    size_t len = 0;
    const char *p = buf;

    *is_summary = 0;
    if (!path || strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return SENTRAJ_OK;
    /* Only running out of memory is an answer of its own: a file that cannot
     * be read is left to the reader, which says why. */
    if (!(in = input_open(path, &e)))
        return e.code == SENTRAJ_ENOMEM ? sentraj_nomem(err, "looking for a summary") : SENTRAJ_OK;
    while (len < sizeof buf) {
        ssize_t n = input_read(in, buf + len, sizeof buf - len, &e);
        if (n < 0 && e.code == SENTRAJ_ENOMEM) {
            input_close(in);
            return sentraj_nomem(err, "looking for a summary");
        }
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    input_close(in);
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        p += 3, len -= 3;
    *is_summary = len >= sizeof magic_prefix - 1 && memcmp(p, magic_prefix, sizeof magic_prefix - 1) == 0;
    return SENTRAJ_OK;
}

int sentraj_summary_detect(const char *path)
{
    int yes;
    return sentraj_summary_sniff(path, &yes, NULL) == SENTRAJ_OK && yes;
}

