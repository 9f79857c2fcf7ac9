/* csv_rows.c - the message format on CSV records: header columns, rows to messages, per-row input options. */
#include "io/csv.h"

#include "core/bytes.h"
#include "core/error.h"
#include "data/dataset.h"
#include "io/columns.h"
#include "io/input.h"
#include "io/key.h"
#include "io/readers.h"
#include "io/role_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The slot of a field shorter than CACHE_BYTES: its first and last eight
 * bytes (overlapping, or all of it when shorter) and its length, mixed. */
static unsigned cache_slot(const char *s, size_t len)
{
    uint64_t a = 0, b = 0;
    if (len >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + len - 8, 8);
    } else if (len >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + len - 4, 4);
        a = x;
        b = y;
    } else {
        for (size_t i = 0; i < len; i++)
            a |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    uint64_t h = (a * 0x9e3779b97f4a7c15u) ^ (b * 0xc2b2ae3d27d4eb4fu) ^ ((uint64_t)len * 0x165667b19e3779f9u);
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9u;
    return (unsigned)(h >> 58); /* CACHE_SLOTS = 64 */
}

static int cache_find(const field_cache *c, const char *s, size_t len)
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

/* ---- the message format ----------------------------------------------- */

enum { COL_ID = FIELD_ID, COL_INDEX = FIELD_INDEX, COL_ROLE = FIELD_ROLE, COL_SENTIMENT = FIELD_SENTIMENT,
       COL_CATEGORIES = FIELD_CATEGORIES, COL_CLUSTER = FIELD_CLUSTER, NCOLS = NFIELDS };

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* Find the columns named in col_names in the header just read (the rule
 * of columns.c); the conversation id's name may list several columns, the
 * parts of a composite key (r->key_col). */
static int match_columns(csv_reader *r, char *const col_names[NCOLS], unsigned required, int col[NCOLS],
                         sentraj_error *err)
{
    size_t n = r->nfields;
    const char **name = malloc((n + 1) * sizeof *name);
    size_t *len = malloc((n + 1) * sizeof *len);
    uint64_t *pos = malloc((n + 1) * sizeof *pos);
    columns h = {name, len, pos, n, r->name, r->rec_line};
    int rc = SENTRAJ_OK;

    if (!name || !len || !pos)
        rc = sentraj_nomem(err, "header");
    for (size_t i = 0; i < n && rc == SENTRAJ_OK; i++) {
        name[i] = csv_field_ptr(r, i);
        len[i] = r->fields[i].len;
        pos[i] = r->fields[i].col;
        trim(&name[i], &len[i]);
    }
    for (int c = 0; c < NCOLS && rc == SENTRAJ_OK; c++) {
        const char *want[KEY_MAX_PARTS];
        size_t wlen[KEY_MAX_PARTS], parts = 1;
        if (!col_names[c])
            continue;
        want[0] = col_names[c];
        wlen[0] = strlen(col_names[c]);
        if (c == COL_ID && (parts = key_split_names(col_names[c], want, wlen)) == 0)
            rc = sentraj_fail(err, SENTRAJ_EUSAGE, "--col-id \"%s\" names an empty column (or more than %d "
                              "columns)", col_names[c], KEY_MAX_PARTS);
        for (size_t k = 0; k < parts && rc == SENTRAJ_OK; k++) {
            int i = columns_find(&h, want[k], wlen[k], err);
            if (i == -2)
                rc = err ? err->code : SENTRAJ_EDATA;
            else if (i < 0 && (required & (1u << c)))
                rc = columns_missing(&h, want[k], wlen[k], err);
            else if (c == COL_ID)
                r->key_col[k] = i;
            if (k == 0)
                col[c] = i;
        }
        if (c == COL_ID)
            r->nkey = parts;
    }
    free(name);
    free(len);
    free(pos);
    return rc;
}

/* Read the header and find the columns named in col_names (NULL: not
 * wanted); the ones in the `required` bit mask must be there. */
static int header(csv_reader *r, char *const col_names[NCOLS], unsigned required, int col[NCOLS], size_t *ncols,
                  sentraj_error *err)
{
    int rc;
    char wanted[512];
    size_t wused = 0;

    wanted[0] = '\0';
    for (int c = 0; c < NCOLS; c++)
        if (col_names[c] && wused < sizeof wanted - 64)
            wused += (size_t)snprintf(wanted + wused, sizeof wanted - wused, "%s%s", wused ? ", " : "",
                                      sentraj_show(col_names[c], strlen(col_names[c])).s);
    /* A UTF-8 byte order mark before the header is not part of the first name. */
    while (r->len - r->pos < 3 && !r->eof)
        if (csv_fill(r, err) < 0)
            return err ? err->code : SENTRAJ_EIO;
    if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0)
        r->pos += 3;
    rc = csv_next_record(r, err);
    if (rc == REC_EOF)
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, 1, 0,
                             "empty input: expected a header line naming the columns (%s)", wanted);
    if (rc != REC_OK)
        return err ? err->code : SENTRAJ_EDATA;
    if (r->nfields > r->nfields_cap)
        return sentraj_raise(err, SENTRAJ_ELIMIT, r->name, r->rec_line, 0, "the header has more than %d columns",
                             MAX_FIELDS);
    /* A carriage return inside the header means lines end in CR alone (old
     * Mac files): the whole file would read as one header line. */
    for (size_t i = 0; i < r->nfields; i++)
        if (memchr(csv_field_ptr(r, i), '\r', r->fields[i].len))
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, r->rec_line, r->fields[i].col,
                                 "carriage return inside the header: the lines seem to end in CR only; convert "
                                 "them to LF or CRLF");
    for (int c = 0; c < NCOLS; c++)
        col[c] = -1;
    if ((rc = match_columns(r, col_names, required, col, err)) != SENTRAJ_OK)
        return rc;
    *ncols = r->nfields;
    return SENTRAJ_OK;
}


static int parse_index(csv_reader *r, size_t i, uint64_t *out, sentraj_error *err)
{
    const char *s = csv_field_ptr(r, i);
    size_t len = r->fields[i].len;
    uint64_t v = 0;
    const field *f = &r->fields[i];

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
static inline int parse_role(csv_reader *r, size_t i, role_kind *role, sentraj_error *err)
{
    const field *f = &r->fields[i];
    const char *s = csv_field_ptr(r, i);
    int hit = cache_find(&r->roles, s, f->len);

    if (hit >= 0) {
        *role = (role_kind)r->roles.kind[hit];
        return SENTRAJ_OK;
    }
    if (r->map) {
        *role = role_map_get(r->map, s, f->len);
        if (*role == ROLE_UNKNOWN)
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                                 "role value \"%s\" is not in the role map %s (add a line for it, or \"*,ROLE\" "
                                 "for every value not listed)",
                                 sentraj_show(s, f->len).s, role_map_path(r->map));
        cache_put(&r->roles, s, f->len, (int)*role, 0);
        return SENTRAJ_OK;
    }
    *role = labels_parse_role(s, f->len);
    if (*role == ROLE_UNKNOWN)
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                             "unknown role \"%s\" (human roles: human, user; assistant roles: assistant, claude, "
                             "model, ai, bot; ignored: system, tool): map other values to roles with "
                             "--role-map FILE, or read every row as human with --all-human",
                             sentraj_show(s, f->len).s);
    cache_put(&r->roles, s, f->len, (int)*role, 0);
    return SENTRAJ_OK;
}

/* Field i as a sentiment label's value, through the cache of label fields
 * seen. */
static inline int parse_label(csv_reader *r, const sentraj_dataset *ds, size_t i, double *value, sentraj_error *err)
{
    const field *f = &r->fields[i];
    const char *s = csv_field_ptr(r, i);
    int hit = cache_find(&r->labels, s, f->len);
    label_status st;

    if (hit >= 0) {
        *value = r->labels.value[hit];
        return SENTRAJ_OK;
    }
    st = labels_parse_sentiment(ds->scale, s, f->len, value);
    if (st != LABEL_OK)
        return labels_sentiment_error(ds->scale, st, s, f->len, r->name, f->line, f->col, err);
    cache_put(&r->labels, s, f->len, 0, *value);
    return SENTRAJ_OK;
}

/* Field i must be valid UTF-8: text kept from the input reaches the
 * outputs, which are UTF-8. */
static inline int check_utf8(const csv_reader *r, size_t i, const char *what, sentraj_error *err)
{
    const field *f;
    const char *s;
    size_t bad;

    if (r->ascii)
        return SENTRAJ_OK;
    f = &r->fields[i];
    s = csv_field_ptr(r, i);
    bad = key_utf8_invalid(s, f->len);
    if (bad == f->len)
        return SENTRAJ_OK;
    return key_utf8_error(err, r->name, f->line, f->col + (uint64_t)f->scratch, s, bad, what);
}

/* The conversation key of a row with a composite key or per-file ids. */
static int special_key(csv_reader *r, msg_row *m, sentraj_error *err)
{
    const char *parts[KEY_MAX_PARTS];
    size_t lens[KEY_MAX_PARTS];
    int rc;

    for (size_t k = 0; k < r->nkey; k++) {
        const field *f = &r->fields[r->key_col[k]];
        parts[k] = csv_field_ptr(r, (size_t)r->key_col[k]);
        lens[k] = f->len;
        if (lens[k] == 0)
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col, "empty conversation_id");
        if ((rc = check_utf8(r, (size_t)r->key_col[k], "conversation id", err)) != SENTRAJ_OK)
            return rc;
    }
    if ((rc = key_build(&r->key, r->prefix, r->prefix_len, parts, lens, r->nkey, err)) != SENTRAJ_OK)
        return rc;
    m->id = r->key.s;
    m->id_len = r->key.len;
    return SENTRAJ_OK;
}

static int row(csv_reader *r, sentraj_dataset *ds, uint32_t source, const int col[NCOLS], size_t ncols,
               sentraj_error *err)
{
    msg_row m;
    const field *f;
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
    m.value = 0;
    m.cats = NULL;
    m.cats_len = 0;
    m.cats_line = m.cats_col = 0;
    m.cluster = NULL;
    m.cluster_len = 0;
    m.cluster_line = m.cluster_col = 0;
    m.line = r->rec_line;

    if (r->special) {
        if ((rc = special_key(r, &m, err)) != SENTRAJ_OK)
            return rc;
    } else {
        f = &r->fields[col[COL_ID]];
        m.id = csv_field_ptr(r, (size_t)col[COL_ID]);
        m.id_len = f->len;
        if (m.id_len == 0)
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col, "empty conversation_id");
        if ((rc = check_utf8(r, (size_t)col[COL_ID], "conversation id", err)) != SENTRAJ_OK)
            return rc;
    }

    if ((rc = parse_index(r, (size_t)col[COL_INDEX], &m.index, err)) != SENTRAJ_OK)
        return rc;
    m.index_col = r->fields[col[COL_INDEX]].col;

    if (r->all_human)
        m.role = ROLE_HUMAN;
    else if ((rc = parse_role(r, (size_t)col[COL_ROLE], &m.role, err)) != SENTRAJ_OK)
        return rc;
    if (m.role == ROLE_HUMAN && (rc = parse_label(r, ds, (size_t)col[COL_SENTIMENT], &m.value, err)) != SENTRAJ_OK)
        return rc;

    if (col[COL_CATEGORIES] >= 0) {
        f = &r->fields[col[COL_CATEGORIES]];
        m.cats = csv_field_ptr(r, (size_t)col[COL_CATEGORIES]);
        m.cats_len = f->len;
        if ((rc = check_utf8(r, (size_t)col[COL_CATEGORIES], "categories", err)) != SENTRAJ_OK)
            return rc;
        m.cats_line = f->line;
        m.cats_col = f->col;
    }
    if (col[COL_CLUSTER] >= 0) {
        f = &r->fields[col[COL_CLUSTER]];
        m.cluster = csv_field_ptr(r, (size_t)col[COL_CLUSTER]);
        m.cluster_len = f->len;
        if ((rc = check_utf8(r, (size_t)col[COL_CLUSTER], "cluster", err)) != SENTRAJ_OK)
            return rc;
        m.cluster_line = f->line;
        m.cluster_col = f->col;
    }
    return dataset_add_row(ds, source, &m, err);
}

int csv_read_rows(csv_reader *r, sentraj_dataset *ds, uint32_t source, const int col[NFIELDS], size_t ncols,
                  uint64_t stop, sentraj_error *err)
{
    while (r->off + r->pos < stop) {
        int got = csv_next_record(r, err), rc;
        if (got == REC_EOF)
            break;
        if (got == REC_ERR)
            return err ? err->code : SENTRAJ_EDATA;
        if ((rc = row(r, ds, source, col, ncols, err)) != SENTRAJ_OK)
            return rc;
    }
    return SENTRAJ_OK;
}

/* Read the header, and set r up for the data set's input options: the
 * columns it needs (no role column for all_human; the categories column
 * when named other than by default), the role map, the per-file key prefix.
 * *map and *prefix are the caller's to free. */
static int setup(csv_reader *r, const sentraj_dataset *ds, int col[NCOLS], size_t *ncols, role_map **map,
                 char **prefix, sentraj_error *err)
{
    char *names[NCOLS];
    unsigned required = (1u << COL_ID) | (1u << COL_INDEX) | (1u << COL_SENTIMENT);
    int rc;

    memcpy(names, ds->field, sizeof names);
    if (ds->all_human)
        names[COL_ROLE] = NULL;
    else
        required |= 1u << COL_ROLE;
    if (ds->field[FIELD_CLUSTER])
        required |= 1u << COL_CLUSTER;
    if (strcmp(ds->field[FIELD_CATEGORIES], "categories") != 0)
        required |= 1u << COL_CATEGORIES;
    if ((rc = header(r, names, required, col, ncols, err)) != SENTRAJ_OK)
        return rc;
    r->all_human = ds->all_human;
    if (ds->speaker_roles && !ds->all_human && !(r->map = *map = role_map_read(ds->speaker_roles, err)))
        return err ? err->code : SENTRAJ_EDATA;
    if (ds->id_scope == SENTRAJ_ID_SCOPE_FILE) {
        size_t n = strlen(r->name);
        if (!(*prefix = malloc(n + 2)))
            return sentraj_nomem(err, "reader");
        memcpy(*prefix, r->name, n);
        (*prefix)[n] = ':';
        (*prefix)[n + 1] = '\0';
        r->prefix = *prefix;
        r->prefix_len = n + 1;
    }
    r->special = r->nkey > 1 || r->prefix;
    return SENTRAJ_OK;
}

int csv_read(sentraj_dataset *ds, input *in, sentraj_error *err)
{
    csv_reader r;
    int col[NCOLS];
    size_t ncols = 0;
    int rc;
    int64_t source;
    role_map *map = NULL;
    char *prefix = NULL;

    if ((rc = csv_reader_open(&r, in, err)) != SENTRAJ_OK)
        goto out;
    source = dataset_add_source(ds, r.name);
    if (source < 0) {
        rc = sentraj_nomem(err, "reader");
        goto out;
    }
    if ((rc = setup(&r, ds, col, &ncols, &map, &prefix, err)) != SENTRAJ_OK)
        goto out;
    {
        int fd;
        uint64_t size;
        /* The chunk readers know none of the per-row options. */
        if (ds->threads != 1 && !ds->keep_labels && !r.special && !r.all_human && !r.map &&
            input_plain_file(in, &fd, &size)) {
            rc = csv_read_parallel(&r, ds, col, ncols, fd, size, err);
            if (rc != DATASET_NOMERGE)
                goto out;
        }
    }
    rc = csv_read_rows(&r, ds, (uint32_t)source, col, ncols, UINT64_MAX, err);
out:
    if (rc != SENTRAJ_OK)
        ds->failed = 1;
    csv_reader_close(&r);
    role_map_free(map);
    free(prefix);
    return rc;
}

int csv_read_categories(sentraj_dataset *ds, input *in, sentraj_error *err)
{
    char *names[NCOLS] = {ds->field[FIELD_ID], NULL, NULL, NULL, ds->field[FIELD_CATEGORIES]};
    csv_reader r;
    int col[NCOLS];
    size_t ncols = 0;
    int rc;

    if ((rc = csv_reader_open(&r, in, err)) != SENTRAJ_OK)
        goto out;
    if ((rc = header(&r, names, (1u << COL_ID) | (1u << COL_CATEGORIES), col, &ncols, err)) != SENTRAJ_OK)
        goto out;
    for (;;) {
        int got = csv_next_record(&r, err);
        const field *fi, *fc;
        if (got == REC_EOF)
            break;
        if (got == REC_ERR) {
            rc = err ? err->code : SENTRAJ_EDATA;
            goto out;
        }
        if (r.nfields != ncols) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, r.name, r.end_line, r.end_col,
                               "row has %zu field%s but the header has %zu", r.nfields, r.nfields == 1 ? "" : "s",
                               ncols);
            goto out;
        }
        fi = &r.fields[col[COL_ID]];
        fc = &r.fields[col[COL_CATEGORIES]];
        if (fi->len == 0) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, r.name, fi->line, fi->col, "empty conversation_id");
            goto out;
        }
        {
            msg_row m = {.id = csv_field_ptr(&r, (size_t)col[COL_ID]), .id_len = fi->len};
            /* A composite key is built as for the messages. */
            if (r.nkey > 1 && (rc = special_key(&r, &m, err)) != SENTRAJ_OK)
                goto out;
            rc = dataset_table_add(ds, r.name, m.id, m.id_len, csv_field_ptr(&r, (size_t)col[COL_CATEGORIES]),
                                   fc->len, r.rec_line, fi->col, fc->col, err);
        }
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
