/* assemble.c - the data set, its input options and inputs, and message rows assembled into conversations. */
#include "data/dataset.h"
#include "data/window.h"

#include "core/bytes.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void dataset_init_tables(sentraj_dataset *ds)
{
    intern_init(&ds->ids);
    intern_init(&ds->raw_cats);
    intern_init(&ds->sets);
    intern_init(&ds->cats);
    intern_init(&ds->table_ids);
    intern_init(&ds->clusters);
    ds->last_conv = -1;
    ds->last_raw = -1;
    ds->lattice_seen = NAN;
    ds->line_step = 1;
}

sentraj_dataset *sentraj_dataset_alloc(const sentraj_config *cfg, sentraj_error *err)
{
    sentraj_dataset *ds;

    if (sentraj_config_check(cfg, err) != SENTRAJ_OK)
        return NULL;
    ds = calloc(1, sizeof *ds);
    if (!ds) {
        sentraj_nomem(err, "data set");
        return NULL;
    }
    ds->min_human = cfg->min_human;
    ds->window = cfg->window;
    ds->threads = cfg->threads;
    dataset_init_tables(ds);
    ds->lattice = 1;
    {
        sentraj_input_options o;
        sentraj_input_options_init(&o);
        if (sentraj_dataset_set_input(ds, &o, err) != SENTRAJ_OK) {
            sentraj_dataset_free(ds);
            return NULL;
        }
    }
    return ds;
}

void sentraj_input_options_init(sentraj_input_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = SENTRAJ_INPUT_AUTO;
    o->col_id = "conversation_id";
    o->col_index = "message_index";
    o->col_role = "role";
    o->col_sentiment = "sentiment";
    o->col_categories = "categories";
    o->label_key = "sentiment";
    o->category_key = "categories";
    o->category_sep = ';';
}

static int set_str(char **dst, const char *src, int required, const char *what, sentraj_error *err)
{
    char *copy = NULL;
    if (src && !*src && required)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the %s name must not be empty", what);
    if (src && !(copy = strdup(src)))
        return sentraj_nomem(err, "input options");
    free(*dst);
    *dst = copy;
    return SENTRAJ_OK;
}

int sentraj_dataset_set_input(sentraj_dataset *ds, const sentraj_input_options *o, sentraj_error *err)
{
    static const char *const what[NFIELDS] = {"conversation id column", "message index column", "role column",
                                              "sentiment column", "categories column", "cluster column"};
    sentraj_input_options def;
    const char *cols[NFIELDS];
    int rc = SENTRAJ_OK;

    if (ds->reading_started)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "input options must be set before the first input is read");
    sentraj_input_options_init(&def);
    cols[FIELD_ID] = o->col_id ? o->col_id : def.col_id;
    cols[FIELD_INDEX] = o->col_index ? o->col_index : def.col_index;
    cols[FIELD_ROLE] = o->col_role ? o->col_role : def.col_role;
    cols[FIELD_SENTIMENT] = o->col_sentiment ? o->col_sentiment : def.col_sentiment;
    cols[FIELD_CATEGORIES] = o->col_categories ? o->col_categories : def.col_categories;
    cols[FIELD_CLUSTER] = o->col_cluster; /* no default: NULL means no clusters */
    for (int i = 0; i < NFIELDS && rc == SENTRAJ_OK; i++)
        rc = set_str(&ds->field[i], cols[i], 1, what[i], err);
    if (rc == SENTRAJ_OK)
        rc = set_str(&ds->label_key, o->label_key ? o->label_key : def.label_key, 1, "label key", err);
    if (rc == SENTRAJ_OK)
        rc = set_str(&ds->role_key, o->role_key, 1, "role key", err);
    if (rc == SENTRAJ_OK)
        rc = set_str(&ds->speaker_roles, o->speaker_roles, 1, "speaker roles file", err);
    if (rc == SENTRAJ_OK) /* UTF-8 is read as it is: no converter */
        rc = set_str(&ds->encoding,
                     o->encoding && strcasecmp(o->encoding, "utf-8") != 0 && strcasecmp(o->encoding, "utf8") != 0
                         ? o->encoding
                         : NULL,
                     1, "encoding", err);
    if (rc == SENTRAJ_OK)
        rc = set_str(&ds->category_key, o->category_key ? o->category_key : def.category_key, 1, "category key",
                     err);
    if (rc != SENTRAJ_OK)
        return rc;
    if (!o->category_sep || strchr("\r\n\" \t", o->category_sep))
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the category separator must be one byte other than a quote, a blank or a line end");
    if (o->id_scope != SENTRAJ_ID_SCOPE_GLOBAL && o->id_scope != SENTRAJ_ID_SCOPE_FILE)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the id scope must be global or file");
    if (o->all_human && o->speaker_roles)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "--all-human (every row human) and --role-map (roles from a "
                            "map) exclude each other");
    ds->category_sep = o->category_sep;
    ds->all_human = o->all_human != 0;
    ds->id_scope = o->id_scope;
    ds->format = o->format;
    ds->keep_labels = o->keep_labels != 0;
    ds->scale = o->scale ? o->scale : labels_default_scale();
    ds->scale_points = ds->scale->points;
    ds->scale_min = ds->scale->min;
    ds->scale_max = ds->scale->max;
    ds->denom = ds->scale->denom;
    ds->lattice = ds->denom > 0;
    win_set_scale(ds);
    return SENTRAJ_OK;
}

int dataset_begin_read(sentraj_dataset *ds, sentraj_error *err)
{
    if (ds->finished || ds->failed)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the data set is finished or failed; it takes no more input");
    ds->reading_started = 1;
    return SENTRAJ_OK;
}

void sentraj_dataset_free(sentraj_dataset *ds)
{
    if (!ds)
        return;
    for (size_t i = 0; i < ds->sets.count; i++)
        free(ds->set_members ? ds->set_members[i] : NULL);
    intern_free(&ds->ids);
    intern_free(&ds->raw_cats);
    intern_free(&ds->sets);
    intern_free(&ds->cats);
    intern_free(&ds->table_ids);
    intern_free(&ds->clusters);
    free(ds->label_off);
    free(ds->table_set);
    free(ds->table_line);
    free(ds->table_source);
    for (int i = 0; i < NFIELDS; i++)
        free(ds->field[i]);
    free(ds->label_key);
    free(ds->role_key);
    free(ds->speaker_roles);
    free(ds->category_key);
    free(ds->encoding);
    free(ds->set_members);
    free(ds->raw_to_set);
    free(ds->convs);
    win_free(ds);
    free(ds->win_tmp);
    ooo_free(ds);
    for (size_t i = 0; i < ds->nsources; i++)
        free(ds->sources[i]);
    free(ds->sources);
    free(ds->source_conv0);
    free(ds->cluster_of);
    free(ds->kept);
    free(ds->cat_dropped);
    free(ds);
}

int64_t dataset_add_source(sentraj_dataset *ds, const char *name)
{
    if (ds->nsources == ds->sources_cap) {
        size_t nc = ds->sources_cap ? ds->sources_cap * 2 : 8;
        char **ns = realloc(ds->sources, nc * sizeof *ns);
        if (!ns)
            return -1;
        ds->sources = ns;
        uint32_t *n0 = realloc(ds->source_conv0, nc * sizeof *n0);
        if (!n0)
            return -1;
        ds->source_conv0 = n0;
        ds->sources_cap = nc;
    }
    ds->sources[ds->nsources] = strdup(name);
    if (!ds->sources[ds->nsources])
        return -1;
    ds->source_conv0[ds->nsources] = (uint32_t)ds->ids.count;
    return (int64_t)ds->nsources++;
}

uint32_t conv_source(const sentraj_dataset *ds, size_t c)
{
    /* The last input whose first conversation id is at most c. */
    size_t lo = 0, hi = ds->nsources;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (ds->source_conv0[mid] <= c)
            lo = mid;
        else
            hi = mid;
    }
    return (uint32_t)lo;
}

const char *conv_other_source(const sentraj_dataset *ds, size_t c, uint32_t source)
{
    uint32_t s = conv_source(ds, c);
    return s != source ? ds->sources[s] : NULL;
}

/* ---- rows ------------------------------------------------------------------ */

/* The raw-field cache's slot for s: its length and first bytes (up to
 * eight, read in at most two loads of fixed size rather than a copy of
 * variable length). */
static inline unsigned raw_cache_slot(const char *s, size_t len)
{
    uint64_t a = 0;
    if (len >= 8) {
        memcpy(&a, s, 8);
    } else if (len >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + len - 4, 4);
        a = (uint64_t)lo | (uint64_t)hi << 32;
    } else if (len) {
        a = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[len / 2] << 8 |
            (uint64_t)(unsigned char)s[len - 1] << 16;
    }
    return (unsigned)(((a ^ (uint64_t)len << 56) * 0x9e3779b97f4a7c15u) >> (64 - RAW_CACHE_BITS));
}

/* The set id of a row's categories field, through a cache of raw strings
 * (the rows of one conversation nearly always spell it identically). */
static int64_t row_set(sentraj_dataset *ds, const char *source, const msg_row *r, sentraj_error *err)
{
    const char *s = r->cats ? r->cats : "";
    size_t len = r->cats ? r->cats_len : 0;
    int added;
    int64_t raw;

    /* Consecutive rows nearly always repeat the field: compare before
     * hashing (a reader may have compared already). Rows of interleaved
     * conversations take turns among a few fields: a small cache of them,
     * by length and first bytes, before the keyed hash. */
    if (ds->last_raw >= 0 &&
        ((r->flags & ROW_SAME_CATS) || (ds->last_raw_len == len && bytes_equal(ds->last_raw_str, s, len))))
        return ds->raw_to_set[ds->last_raw];
    raw_cache_entry *ce = &ds->raw_cache[raw_cache_slot(s, len)];
    if (ce->str && ce->len == len && bytes_equal(ce->str, s, len)) {
        raw = ce->raw;
        added = 0;
    } else {
        raw = intern_get(&ds->raw_cats, s, len, intern_hash(s, len), &added);
    }

    if (raw < 0)
        return sentraj_nomem(err, "categories"), -1;
    if (added) {
        if ((size_t)raw >= ds->raw_to_set_cap) {
            size_t nc = ds->raw_to_set_cap ? ds->raw_to_set_cap * 2 : 64;
            uint32_t *nr = realloc(ds->raw_to_set, nc * sizeof *nr);
            if (!nr)
                return sentraj_nomem(err, "categories"), -1;
            ds->raw_to_set = nr;
            ds->raw_to_set_cap = nc;
        }
        int64_t set = dataset_category_set(ds, s, len, source, r->line + r->cats_dline, r->cats_col, err);
        if (set < 0) {
            /* Forget the raw string's slot would be complex; the data set is
             * unusable after an error anyway (see the header). */
            ds->failed = 1;
            return -1;
        }
        ds->raw_to_set[raw] = (uint32_t)set;
    }
    ds->last_raw = raw;
    ds->last_raw_str = intern_str(&ds->raw_cats, (uint32_t)raw);
    ds->last_raw_len = len;
    *ce = (raw_cache_entry){ds->last_raw_str, (uint32_t)len, (uint32_t)raw};
    return ds->raw_to_set[raw];
}

static int core_add(sentraj_dataset *ds, uint32_t c, const msg_row *r, int code, sentraj_error *err)
{
    conv *cv = &ds->convs[c];
    if (win_add(ds, c, r->role == ROLE_HUMAN, r->value, code, err) != SENTRAJ_OK)
        return SENTRAJ_ENOMEM;
    cv->humans += r->role == ROLE_HUMAN;
    if (cv->rows == 0)
        cv->first_index = r->index;
    else if (cv->rows == 1)
        cv->stride = (uint32_t)(r->index - cv->first_index);
    cv->rows++;
    return SENTRAJ_OK;
}

int dataset_conv_reserve(sentraj_dataset *ds, size_t c, size_t at_least, sentraj_error *err)
{
    if (c < ds->convs_cap)
        return SENTRAJ_OK;
    size_t nc = ds->convs_cap ? ds->convs_cap * 2 : 4096;
    if (nc < at_least)
        nc = at_least;
    conv *ncv = realloc(ds->convs, nc * sizeof *ncv);
    if (!ncv)
        return sentraj_nomem(err, "conversations");
    ds->convs = ncv;
    if (win_reserve(ds, nc) < 0)
        return sentraj_nomem(err, "conversation windows");
    if (ds->field[FIELD_CLUSTER]) {
        uint32_t *ncl = realloc(ds->cluster_of, nc * sizeof *ncl);
        if (!ncl)
            return sentraj_nomem(err, "conversation clusters");
        ds->cluster_of = ncl;
    }
    ds->convs_cap = nc;
    return SENTRAJ_OK;
}

/* The conversation of row r: the previous row's when the ids agree, else
 * looked up or added. -1 with err set; -2 (nothing changed) for a row that
 * must start a new conversation (ROW_NEW_CONV) but whose id is known, with
 * *seen set to it. */
static int64_t find_conv(sentraj_dataset *ds, const msg_row *r, uint32_t *seen, sentraj_error *err)
{
    int added;
    uint64_t h;
    int64_t c;

    /* Rows of one conversation usually come together: compare with the
     * previous row's id before hashing. */
    if (ds->last_conv >= 0 && !(r->flags & ROW_NEW_CONV) &&
        ((r->flags & ROW_SAME_ID) || (ds->last_id_len == r->id_len && bytes_equal(ds->last_id, r->id, r->id_len))))
        return ds->last_conv;
    h = r->flags & ROW_HASHED ? r->hash : intern_hash(r->id, r->id_len);
    c = intern_find(&ds->ids, r->id, r->id_len, h);
    if (c >= 0 && (r->flags & ROW_NEW_CONV)) {
        if (seen)
            *seen = (uint32_t)c;
        return -2;
    }
    added = c < 0;
    if (added && (c = intern_add(&ds->ids, r->id, r->id_len, h)) < 0)
        return sentraj_nomem(err, "conversation ids"), -1;
    if (added) {
        if ((size_t)c >= ds->convs_cap && dataset_conv_reserve(ds, (size_t)c, 0, err) != SENTRAJ_OK)
            return -1;
        memset(&ds->convs[c], 0, sizeof ds->convs[c]);
        ds->convs[c].line = r->line;
        ds->counts.conversations++;
    }
    ds->last_conv = c;
    ds->last_id = intern_str(&ds->ids, (uint32_t)c);
    ds->last_id_len = r->id_len;
    return c;
}

/* The cluster of a row (--cluster-by): interned on a conversation's first
 * row and compared with it on the others, so the common path does not hash. */
static int row_cluster(sentraj_dataset *ds, uint32_t source, uint32_t c, int first, const msg_row *r,
                       sentraj_error *err)
{
    const char *src = ds->sources[source], *name = ds->field[FIELD_CLUSTER];
    uint32_t *cl = &ds->cluster_of[c];
    uint64_t cline = r->line + r->cluster_dline;
    const char *o;
    int added;
    int64_t id;

    if (!r->cluster)
        return sentraj_raise(err, SENTRAJ_EDATA, src, r->line, 0,
                             "conversation \"%s\" has no %s (--cluster-by needs one on every conversation)",
                             dataset_show_id(&ds->ids, c).s, name);
    if (r->cluster_len == 0)
        return sentraj_raise(err, SENTRAJ_EDATA, src, cline, r->cluster_col,
                             "empty %s in conversation \"%s\" (--cluster-by needs one on every row)", name,
                             dataset_show_id(&ds->ids, c).s);
    if (!first) {
        if (intern_len(&ds->clusters, *cl) == r->cluster_len &&
            bytes_equal(intern_str(&ds->clusters, *cl), r->cluster, r->cluster_len))
            return SENTRAJ_OK;
        o = conv_other_source(ds, c, source);
        return sentraj_raise(err, SENTRAJ_EDATA, src, cline, r->cluster_col,
                             "%s \"%s\" of conversation \"%s\" differs from \"%s\" given on line %llu%s%s%s", name,
                             sentraj_show(r->cluster, r->cluster_len).s, dataset_show_id(&ds->ids, c).s,
                             dataset_show_id(&ds->clusters, *cl).s, (unsigned long long)ds->convs[c].line,
                             o ? " of " : "", o ? o : "", o ? SCOPE_HINT : "");
    }
    id = intern_get(&ds->clusters, r->cluster, r->cluster_len, intern_hash(r->cluster, r->cluster_len), &added);
    if (id < 0)
        return sentraj_nomem(err, "cluster names");
    *cl = (uint32_t)id;
    return SENTRAJ_OK;
}

/* Count the row's role, and for a human label its window code (WIN_NO_CODE
 * when none stands for it) and whether the data stay on the lattice. */
static int count_row(sentraj_dataset *ds, const msg_row *r)
{
    int code = WIN_NO_CODE;

    ds->counts.rows++;
    if (r->role == ROLE_HUMAN) {
        ds->counts.human_messages++;
        /* A label with a window code is on the lattice; others are tested
         * (rows repeat a few labels: each once in a row). */
        code = win_encode(ds, r->value);
        if (code != WIN_NO_CODE && code >= -3 && code <= 3)
            ds->code_uses[code + 3]++;
        else
            ds->code_other++;
        if (ds->lattice && code == WIN_NO_CODE && r->value != ds->lattice_seen) {
            double q = r->value * (double)ds->denom;
            if (fabs(q - nearbyint(q)) > 1e-9 * (1 + fabs(q)))
                ds->lattice = 0;
            ds->lattice_seen = r->value;
        }
    } else if (r->role == ROLE_ASSISTANT) {
        ds->counts.assistant_messages++;
    } else {
        ds->counts.ignored_messages++;
    }
    return code;
}

/* Add one row: to its conversation's ordered core while it continues the
 * core's message_index pattern, else as an out-of-order row. */
static int add_one(sentraj_dataset *ds, uint32_t source, const msg_row *r, uint32_t *seen, sentraj_error *err)
{
    const char *src = ds->sources[source];
    int64_t c, set;
    uint64_t seq = ds->counts.rows;
    conv *cv;
    int first, rc, code;

    c = find_conv(ds, r, seen, err);
    if (c == -2)
        return DATASET_SEEN;
    if (c < 0)
        return err ? err->code : SENTRAJ_ENOMEM;
    set = row_set(ds, src, r, err);
    if (set < 0)
        return err ? err->code : SENTRAJ_EDATA;
    cv = &ds->convs[c];
    first = cv->rows == 0 && !cv->frozen;
    if (first) {
        cv->set = (uint32_t)set;
    } else if (cv->set != (uint32_t)set) {
        const char *o = conv_other_source(ds, (size_t)c, source);
        return sentraj_raise(err, SENTRAJ_EDATA, src, r->line + r->cats_dline, r->cats_col,
                             "categories \"%s\" of conversation \"%s\" differ from \"%s\" given on line %llu%s%s%s",
                             dataset_show_id(&ds->sets, (uint32_t)set).s, dataset_show_id(&ds->ids, (uint32_t)c).s,
                             dataset_show_id(&ds->sets, cv->set).s, (unsigned long long)cv->line, o ? " of " : "",
                             o ? o : "", o ? SCOPE_HINT : "");
    }
    if (ds->field[FIELD_CLUSTER] && (rc = row_cluster(ds, source, (uint32_t)c, first, r, err)) != SENTRAJ_OK)
        return rc;
    code = count_row(ds, r);

    /* Positions need every label: the conversation keeps all its rows. */
    if (first && ds->keep_labels)
        cv->frozen = 1;
    if (cv->frozen)
        return ooo_push(ds, (uint32_t)c, source, seq, r, code, err);
    /* A core keeps fewer than 2^32 rows (window slots hold 32-bit
     * ordinals); later rows go with the out-of-order ones. */
    if (cv->rows == 0 || (cv->rows == 1 && r->index > cv->first_index && r->index - cv->first_index <= STRIDE_MAX) ||
        (cv->rows >= 2 && cv->rows < UINT32_MAX && r->index > core_last(cv) &&
         r->index - core_last(cv) == cv->stride))
        return core_add(ds, (uint32_t)c, r, code, err);
    if (in_core(cv, r->index)) {
        const char *o = conv_other_source(ds, (size_t)c, source);
        return sentraj_raise(err, SENTRAJ_EDATA, src, r->line, r->index_col,
                             "duplicate message_index %llu in conversation \"%s\"%s%s%s", (unsigned long long)r->index,
                             dataset_show_id(&ds->ids, (uint32_t)c).s, o ? ", whose first row is in " : "",
                             o ? o : "", o ? SCOPE_HINT : "");
    }
    cv->frozen = 1;
    return ooo_push(ds, (uint32_t)c, source, seq, r, code, err);
}

/* When rows come in no order, each one's conversation is a random place
 * in several large arrays: its id's table slot, its offset and string, its
 * record and window slots. Looked up one after the other, each is a cache
 * miss that waits for the one before. With the hashes known ahead (readers
 * that parse in blocks compute them), the loads of rows further on are
 * started early, in stages: the slot AHEAD_SLOT rows ahead; at AHEAD_REC
 * the slot is in cache and names a likely id, whose offset and records are
 * loaded; at AHEAD_STR its string. A guess that is wrong (a new id, a tag
 * that matches by chance) only loads something unneeded. */
#define AHEAD_SLOT 16
#define AHEAD_REC 8
#define AHEAD_STR 4

/* Whether row r looks up its id in the table (as opposed to repeating the
 * previous row's). */
static inline int looks_up(const msg_row *r)
{
    return (r->flags & (ROW_HASHED | ROW_SAME_ID)) == ROW_HASHED;
}

/* peek[j % AHEAD_SLOT] is the guess for row j's id made at its
 * AHEAD_REC stage (-1: none), which its AHEAD_STR stage uses again. */
static void prefetch_rows(const sentraj_dataset *ds, const msg_row *rows, size_t n, size_t i,
                          int64_t peek[AHEAD_SLOT])
{
    const msg_row *r;
    int64_t id;

    if (i + AHEAD_SLOT < n && looks_up(r = &rows[i + AHEAD_SLOT]))
        intern_prefetch(&ds->ids, r->hash);
    id = -1;
    if (i + AHEAD_REC < n && looks_up(r = &rows[i + AHEAD_REC]) && (id = intern_peek(&ds->ids, r->hash)) >= 0 &&
        (size_t)id < ds->ids.count) {
        __builtin_prefetch(&ds->ids.offs[id]);
        __builtin_prefetch(&ds->convs[id]);
        __builtin_prefetch(ds->win + (size_t)id * ds->win_bytes);
    }
    peek[(i + AHEAD_REC) % AHEAD_SLOT] = id;
    id = peek[(i + AHEAD_STR) % AHEAD_SLOT];
    if (i + AHEAD_STR < n && id >= 0 && (size_t)id < ds->ids.count)
        __builtin_prefetch(intern_str(&ds->ids, (uint32_t)id));
}

int dataset_add_rows(sentraj_dataset *ds, uint32_t source, const msg_row *rows, size_t n, size_t *done,
                     uint32_t *seen_conv, sentraj_error *err)
{
    size_t i = 0;
    int rc = SENTRAJ_OK;

    if (ds->finished)
        rc = sentraj_fail(err, SENTRAJ_EUSAGE, "rows added after sentraj_dataset_finish");
    int64_t peek[AHEAD_SLOT];
    for (size_t k = 0; k < AHEAD_SLOT; k++)
        peek[k] = -1;
    for (; i < n && rc == SENTRAJ_OK; i++) {
        prefetch_rows(ds, rows, n, i, peek);
        rc = add_one(ds, source, &rows[i], seen_conv, err);
        if (rc != SENTRAJ_OK)
            break;
    }
    if (done)
        *done = i;
    if (rc != SENTRAJ_OK && rc != DATASET_SEEN)
        ds->failed = 1;
    return rc;
}

int dataset_add_row(sentraj_dataset *ds, uint32_t source, const msg_row *r, sentraj_error *err)
{
    return dataset_add_rows(ds, source, r, 1, NULL, NULL, err);
}
