/* csv_rows.c - the long message format in CSV: the header's columns, each record's fields as a row, blocks of records parsed into rows. */
#include "io/csv.h"

#include "core/bytes.h"
#include "core/error.h"
#include "data/dataset.h"
#include "io/input.h"
#include "io/pipeline.h"
#include "io/readers.h"

#include <stdlib.h>
#include <string.h>

/* Role and sentiment fields seen before, as written: data sets spell each
 * label a few ways (sometimes dozens), so most rows skip folding and
 * lookup. Direct-mapped by a hash of the bytes: one comparison a row. */
#define CACHE_SLOTS 64
#define CACHE_BYTES 32
typedef struct field_cache {
    char text[CACHE_SLOTS][CACHE_BYTES];
    uint8_t used[CACHE_SLOTS]; /* length + 1; 0 = empty */
    double value[CACHE_SLOTS];
    int kind[CACHE_SLOTS];
} field_cache;

/* The slot of a field shorter than CACHE_BYTES: its first eight bytes (or
 * all of it when shorter) and its length, mixed by one multiply. Two
 * spellings that share a slot only take turns in it. */
static inline unsigned cache_slot(const char *s, size_t len)
{
    uint64_t a = 0;
    if (len >= 8) {
        memcpy(&a, s, 8);
    } else if (len >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + len - 4, 4);
        a = (uint64_t)x << 32 | y;
    } else {
        for (size_t i = 0; i < len; i++)
            a |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    return (unsigned)(((a ^ (uint64_t)len << 56) * 0x9e3779b97f4a7c15u) >> 58); /* CACHE_SLOTS = 64 */
}

static inline int cache_find(const field_cache *c, const char *s, size_t len)
{
    unsigned i;
    if (len >= CACHE_BYTES)
        return -1;
    i = cache_slot(s, len);
    if (c->used[i] == len + 1 && bytes_equal(c->text[i], s, len))
        return (int)i;
    return -1;
}

static void cache_put(field_cache *c, const char *s, size_t len, int kind, double value)
{
    unsigned i;
    if (len >= CACHE_BYTES)
        return;
    i = cache_slot(s, len);
    memcpy(c->text[i], s, len);
    c->used[i] = (uint8_t)(len + 1);
    c->kind[i] = kind;
    c->value[i] = value;
}


/* ---- the column mapping ------------------------------------------------------------ */

/* What every thread that parses rows of one input shares: the data set's
 * scale and the column of each field (FIELD_*), found once in the header.
 * A new per-row field is a FIELD_* name (data/dataset.h), its column here,
 * and its value in the msg_row that make_row fills. */
typedef struct csv_shared {
    const sentraj_scale *scale;
    const char *name;
    int col[NFIELDS];
    size_t ncols;
} csv_shared;

/* One parsing thread's reader over blocks, and its caches. */
typedef struct row_state {
    csv_reader r;
    const csv_shared *sh;
    field_cache roles, labels;
} row_state;

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

static int parse_index(const csv_reader *r, size_t i, uint64_t *out, sentraj_error *err)
{
    const char *s = csv_field_ptr(r, i);
    size_t len = r->fields[i].len;
    uint64_t v = 0;
    const csv_field *f = &r->fields[i];

    /* The usual field: up to 19 digits, nothing else. */
    if (len && len <= 19) {
        size_t k = 0;
        while (k < len && s[k] >= '0' && s[k] <= '9')
            v = v * 10 + (unsigned)(s[k++] - '0');
        if (k == len) {
            *out = v;
            return SENTRAJ_OK;
        }
        v = 0;
    }
    trim(&s, &len);
    if (len == 0)
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col, "missing message_index");
    if (s[0] == '-') {
        int digits = len > 1;
        for (size_t k = 1; k < len; k++)
            digits &= s[k] >= '0' && s[k] <= '9';
        if (digits)
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                                 "message_index %s is negative (it must be an integer >= 0)", sentraj_show(s, len).s);
    }
    if (len <= 19) { /* 19 digits cannot pass 2^64 - 1 */
        size_t k = 0;
        while (k < len && s[k] >= '0' && s[k] <= '9')
            v = v * 10 + (unsigned)(s[k++] - '0');
        if (k == len) {
            *out = v;
            return SENTRAJ_OK;
        }
        v = 0;
    }
    for (size_t k = 0; k < len; k++) {
        if (s[k] < '0' || s[k] > '9')
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                                 "message_index \"%s\" is not an integer >= 0", sentraj_show(s, len).s);
        unsigned d = (unsigned)(s[k] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                                 "message_index %s is too large (the limit is 2^64 - 1)", sentraj_show(s, len).s);
        v = v * 10 + d;
    }
    *out = v;
    return SENTRAJ_OK;
}

/* Field i as a role, through the cache of role fields seen. */
static inline int parse_role(row_state *st, size_t i, role_kind *role, sentraj_error *err)
{
    const csv_reader *r = &st->r;
    const csv_field *f = &r->fields[i];
    const char *s = csv_field_ptr(r, i);
    int hit = cache_find(&st->roles, s, f->len);

    if (hit >= 0) {
        *role = (role_kind)st->roles.kind[hit];
        return SENTRAJ_OK;
    }
    *role = labels_parse_role(s, f->len);
    if (*role == ROLE_UNKNOWN)
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                             "unknown role \"%s\" (human roles: human, user; assistant roles: assistant, claude, "
                             "model, ai, bot; ignored: system, tool)",
                             sentraj_show(s, f->len).s);
    cache_put(&st->roles, s, f->len, (int)*role, 0);
    return SENTRAJ_OK;
}

/* Field i as a sentiment label's value, through the cache of label fields
 * seen. */
static inline int parse_label(row_state *st, size_t i, double *value, sentraj_error *err)
{
    const csv_reader *r = &st->r;
    const csv_field *f = &r->fields[i];
    const char *s = csv_field_ptr(r, i);
    int hit = cache_find(&st->labels, s, f->len);
    label_status ls;

    if (hit >= 0) {
        *value = st->labels.value[hit];
        return SENTRAJ_OK;
    }
    ls = labels_parse_sentiment(st->sh->scale, s, f->len, value);
    if (ls != LABEL_OK)
        return labels_sentiment_error(st->sh->scale, ls, s, f->len, r->name, f->line, f->col, err);
    cache_put(&st->labels, s, f->len, 0, *value);
    return SENTRAJ_OK;
}

/* ---- rows ----------------------------------------------------------------------------- */

/* Row m from the last record of st's reader. Strings point into the block,
 * or, for quoted fields, into the reader's scratch space (make_block_row
 * copies those). */
static int make_row(row_state *st, msg_row *m, sentraj_error *err)
{
    const csv_reader *r = &st->r;
    const int *col = st->sh->col;
    size_t ncols = st->sh->ncols;
    const csv_field *f;
    role_kind role;
    int rc;

    if (r->nfields != ncols) {
        if (r->nfields > ncols) {
            f = &r->fields[ncols < r->nfields_cap ? ncols : r->nfields_cap - 1];
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                                 "row has %zu fields but the header has %zu (an unquoted comma?)", r->nfields, ncols);
        }
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, r->end_line, r->end_col,
                             "row has %zu field%s but the header has %zu", r->nfields, r->nfields == 1 ? "" : "s",
                             ncols);
    }

    /* Every member is set below or here (no memset: this runs per row). */
    m->value = 0;
    m->cats = NULL;
    m->cats_len = 0;
    m->cats_col = m->cats_dline = 0;
    m->cluster = NULL;
    m->cluster_len = 0;
    m->cluster_col = m->cluster_dline = 0;
    m->line = r->rec_line;
    m->flags = 0;
    m->hash = 0;

    f = &r->fields[col[FIELD_ID]];
    m->id = csv_field_ptr(r, (size_t)col[FIELD_ID]);
    m->id_len = (uint32_t)f->len;
    if (m->id_len == 0)
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col, "empty conversation_id");

    if ((rc = parse_index(r, (size_t)col[FIELD_INDEX], &m->index, err)) != SENTRAJ_OK)
        return rc;
    m->index_col = (uint32_t)r->fields[col[FIELD_INDEX]].col;

    if ((rc = parse_role(st, (size_t)col[FIELD_ROLE], &role, err)) != SENTRAJ_OK)
        return rc;
    m->role = (uint8_t)role;
    if (role == ROLE_HUMAN && (rc = parse_label(st, (size_t)col[FIELD_SENTIMENT], &m->value, err)) != SENTRAJ_OK)
        return rc;

    if (col[FIELD_CATEGORIES] >= 0) {
        f = &r->fields[col[FIELD_CATEGORIES]];
        m->cats = csv_field_ptr(r, (size_t)col[FIELD_CATEGORIES]);
        m->cats_len = (uint32_t)f->len;
        m->cats_dline = (uint32_t)(f->line - m->line);
        m->cats_col = (uint32_t)f->col;
    }
    if (col[FIELD_CLUSTER] >= 0) {
        f = &r->fields[col[FIELD_CLUSTER]];
        m->cluster = csv_field_ptr(r, (size_t)col[FIELD_CLUSTER]);
        m->cluster_len = (uint32_t)f->len;
        m->cluster_dline = (uint32_t)(f->line - m->line);
        m->cluster_col = (uint32_t)f->col;
    }
    return SENTRAJ_OK;
}

/* A quoted field of the record (column c) that a row keeps: copied out of
 * the reader's scratch space, which the next record reuses. */
static int keep_quoted(row_state *st, block_rows *out, int c, int field, const char **p)
{
    const csv_reader *r = &st->r;
    size_t off;
    if (c < 0 || !r->fields[c].scratch)
        return SENTRAJ_OK;
    off = pipeline_str(out, *p, r->fields[c].len);
    if (off == (size_t)-1 || pipeline_fix_later(out, out->n, field) != SENTRAJ_OK)
        return SENTRAJ_ENOMEM;
    *p = (const char *)(uintptr_t)off;
    return SENTRAJ_OK;
}

/* Parse block b's records into rows: the hash of each id that differs from
 * the previous row's, so the assembler need not compute it, and the
 * repeats marked. Stops at the first error, which b->out then carries. */
static void parse_block(void *state, block *b)
{
    row_state *st = state;
    csv_reader *r = &st->r;
    const int *col = st->sh->col;
    block_rows *out = &b->out;
    size_t prev_i = SIZE_MAX; /* the last row whose strings are in the block */
    int rc = SENTRAJ_OK;

    csv_reader_view(r, b->data, b->len, b->offset, b->line);
    for (;;) {
        int got = csv_next_record(r, &out->err);
        msg_row *m;
        if (got == CSV_EOF)
            break;
        if (got == CSV_ERR) {
            rc = out->err.code;
            break;
        }
        if (!(m = pipeline_row(out))) {
            rc = sentraj_nomem(&out->err, "rows");
            break;
        }
        if ((rc = make_row(st, m, &out->err)) != SENTRAJ_OK)
            break;
        int quoted_id = r->fields[col[FIELD_ID]].scratch;
        int quoted_cats = col[FIELD_CATEGORIES] >= 0 && r->fields[col[FIELD_CATEGORIES]].scratch;
        const msg_row *prev = prev_i != SIZE_MAX && prev_i + 1 == out->n ? &out->rows[prev_i] : NULL;
        if (prev && !quoted_id && prev->id_len == m->id_len && bytes_equal(prev->id, m->id, m->id_len)) {
            m->flags |= ROW_SAME_ID;
        } else {
            m->hash = intern_hash(m->id, m->id_len);
            m->flags |= ROW_HASHED;
        }
        if (prev && m->cats && !quoted_cats && prev->cats && prev->cats_len == m->cats_len &&
            bytes_equal(prev->cats, m->cats, m->cats_len))
            m->flags |= ROW_SAME_CATS;
        if ((quoted_id || quoted_cats || col[FIELD_CLUSTER] >= 0) &&
            (keep_quoted(st, out, col[FIELD_ID], 0, &m->id) != SENTRAJ_OK ||
             keep_quoted(st, out, col[FIELD_CATEGORIES], 1, &m->cats) != SENTRAJ_OK ||
             keep_quoted(st, out, col[FIELD_CLUSTER], 2, &m->cluster) != SENTRAJ_OK)) {
            rc = sentraj_nomem(&out->err, "rows");
            break;
        }
        /* Only rows whose strings stay in the block are compared with. */
        prev_i = quoted_id || quoted_cats ? SIZE_MAX : out->n;
        out->n++;
    }
    out->rc = rc;
    pipeline_fix_strings(out);
}

static void *state_alloc(const void *shared)
{
    const csv_shared *sh = shared;
    row_state *st = calloc(1, sizeof *st);
    if (st && csv_reader_open_view(&st->r, sh->name, NULL) != SENTRAJ_OK) {
        csv_reader_close(&st->r);
        free(st);
        return NULL;
    }
    if (st)
        st->sh = sh;
    return st;
}

static void state_free(void *state)
{
    row_state *st = state;
    csv_reader_close(&st->r);
    free(st);
}

static int too_long(const char *name, uint64_t line, sentraj_error *err)
{
    return sentraj_raise(err, SENTRAJ_ELIMIT, name, line, 0, "a record longer than 1 GiB starts here (unbalanced quotes?)");
}

static const block_format csv_blocks = {1, too_long, state_alloc, state_free, parse_block, NULL};

int csv_read(sentraj_dataset *ds, input *in, sentraj_error *err)
{
    csv_reader r;
    csv_shared sh;
    int rc;
    int64_t source;

    if ((rc = csv_reader_open(&r, in, err)) != SENTRAJ_OK)
        goto out;
    source = dataset_add_source(ds, r.name);
    if (source < 0) {
        rc = sentraj_nomem(err, "reader");
        goto out;
    }
    if ((rc = csv_header(&r, ds->field, NFIELDS,
                         (1u << FIELD_ID) | (1u << FIELD_INDEX) | (1u << FIELD_ROLE) | (1u << FIELD_SENTIMENT) |
                             (ds->field[FIELD_CLUSTER] ? 1u << FIELD_CLUSTER : 0u),
                         sh.col, &sh.ncols, err)) != SENTRAJ_OK)
        goto out;
    sh.scale = ds->scale;
    sh.name = r.name;
    ds->line_step = 1;
    /* The header's reader has read ahead: its unparsed bytes come first. */
    rc = pipeline_read(ds, (uint32_t)source, in, r.buf + r.pos, r.len - r.pos, r.off + r.pos, r.line, &csv_blocks, &sh,
                       err);
out:
    if (rc != SENTRAJ_OK)
        ds->failed = 1;
    csv_reader_close(&r);
    return rc;
}

int csv_read_categories(sentraj_dataset *ds, input *in, sentraj_error *err)
{
    char *names[NFIELDS] = {ds->field[FIELD_ID], NULL, NULL, NULL, ds->field[FIELD_CATEGORIES]};
    csv_reader r;
    int col[NFIELDS];
    size_t ncols = 0;
    int rc;

    if ((rc = csv_reader_open(&r, in, err)) != SENTRAJ_OK)
        goto out;
    if ((rc = csv_header(&r, names, NFIELDS, (1u << FIELD_ID) | (1u << FIELD_CATEGORIES), col, &ncols, err)) != SENTRAJ_OK)
        goto out;
    for (;;) {
        int got = csv_next_record(&r, err);
        const csv_field *fi, *fc;
        if (got == CSV_EOF)
            break;
        if (got == CSV_ERR) {
            rc = err ? err->code : SENTRAJ_EDATA;
            goto out;
        }
        if (r.nfields != ncols) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, r.name, r.end_line, r.end_col,
                               "row has %zu field%s but the header has %zu", r.nfields, r.nfields == 1 ? "" : "s",
                               ncols);
            goto out;
        }
        fi = &r.fields[col[FIELD_ID]];
        fc = &r.fields[col[FIELD_CATEGORIES]];
        if (fi->len == 0) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, r.name, fi->line, fi->col, "empty conversation_id");
            goto out;
        }
        rc = dataset_table_add(ds, r.name, csv_field_ptr(&r, (size_t)col[FIELD_ID]), fi->len,
                               csv_field_ptr(&r, (size_t)col[FIELD_CATEGORIES]), fc->len, r.rec_line, fi->col, fc->col, err);
        if (rc != SENTRAJ_OK)
            goto out;
    }
    rc = SENTRAJ_OK;
out:
    if (rc != SENTRAJ_OK)
        ds->failed = 1;
    csv_reader_close(&r);
    return rc;
}
