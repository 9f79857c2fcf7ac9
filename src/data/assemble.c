/* assemble.c - message rows into conversations, and conversations into trajectories. */
#include "data/dataset.h"
#include "data/window.h"

#include "core/bytes.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    if (rc == SENTRAJ_OK)
        rc = set_str(&ds->category_key, o->category_key ? o->category_key : def.category_key, 1, "category key",
                     err);
    if (rc != SENTRAJ_OK)
        return rc;
    ds->format = o->format;
    ds->keep_labels = o->keep_labels != 0;
    ds->scale = o->scale ? o->scale : labels_default_scale();
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
    for (int i = 0; i < NFIELDS && !ds->is_part; i++)
        free(ds->field[i]);
    free(ds->label_key);
    free(ds->role_key);
    free(ds->speaker_roles);
    free(ds->category_key);
    free(ds->set_members);
    free(ds->raw_to_set);
    free(ds->convs);
    win_free(ds);
    free(ds->win_tmp);
    free(ds->extras);
    for (size_t i = 0; i < ds->nsources; i++)
        free(ds->sources[i]);
    free(ds->sources);
    free(ds->source_conv0);
    free(ds->cluster_of);
    free(ds->kept);
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

/* ---- categories and rows ------------------------------------------------ */

/* The set id of a row's categories field, through a cache of raw strings
 * (the rows of one conversation nearly always spell it identically). */
static int64_t row_set(sentraj_dataset *ds, const char *source, const msg_row *r, sentraj_error *err)
{
    const char *s = r->cats ? r->cats : "";
    size_t len = r->cats ? r->cats_len : 0;
    int added;
    int64_t raw;

    /* Consecutive rows nearly always repeat the field: compare before hashing. */
    if (ds->last_raw >= 0 && ds->last_raw_len == len && bytes_equal(ds->last_raw_str, s, len))
        return ds->raw_to_set[ds->last_raw];
    raw = intern_get(&ds->raw_cats, s, len, intern_hash(s, len), &added);

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
        int64_t set = dataset_category_set(ds, s, len, source, r->cats_line, r->cats_col, err);
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
    return ds->raw_to_set[raw];
}

static int push_extra(sentraj_dataset *ds, uint32_t c, uint32_t source, const msg_row *r, sentraj_error *err)
{
    if (ds->nextras == ds->extras_cap) {
        size_t nc = ds->extras_cap ? ds->extras_cap * 2 : 1024;
        extra_row *ne = realloc(ds->extras, nc * sizeof *ne);
        if (!ne)
            return sentraj_nomem(err, "out-of-order rows");
        ds->extras = ne;
        ds->extras_cap = nc;
    }
    ds->extras[ds->nextras++] = (extra_row){
        .index = r->index, .line = r->line, .value = r->value, .conv = c, .source = source,
        .index_col = r->index_col > UINT32_MAX ? UINT32_MAX : (uint32_t)r->index_col, .role = (uint8_t)r->role};
    return SENTRAJ_OK;
}

static int in_core(const conv *cv, uint64_t i)
{
    if (cv->rows == 0 || i < cv->first_index || i > core_last(cv))
        return 0;
    if (cv->rows == 1)
        return i == cv->first_index;
    return (i - cv->first_index) % cv->stride == 0;
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

static int64_t find_conv(sentraj_dataset *ds, const msg_row *r, sentraj_error *err)
{
    int added;
    uint64_t h;
    int64_t c;

    /* Rows of one conversation usually come together: compare with the
     * previous row's id before hashing. */
    if (ds->last_conv >= 0 && ds->last_id_len == r->id_len && bytes_equal(ds->last_id, r->id, r->id_len))
        return ds->last_conv;
    h = intern_hash(r->id, r->id_len);
    c = intern_get(&ds->ids, r->id, r->id_len, h, &added);
    if (c < 0)
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
    const char *o;
    int added;
    int64_t id;

    if (!r->cluster)
        return sentraj_raise(err, SENTRAJ_EDATA, src, r->line, 0,
                             "conversation \"%s\" has no %s (--cluster-by needs one on every conversation)",
                             dataset_show_id(&ds->ids, c).s, name);
    if (r->cluster_len == 0)
        return sentraj_raise(err, SENTRAJ_EDATA, src, r->cluster_line, r->cluster_col,
                             "empty %s in conversation \"%s\" (--cluster-by needs one on every row)", name,
                             dataset_show_id(&ds->ids, c).s);
    if (!first) {
        if (intern_len(&ds->clusters, *cl) == r->cluster_len &&
            memcmp(intern_str(&ds->clusters, *cl), r->cluster, r->cluster_len) == 0)
            return SENTRAJ_OK;
        o = conv_other_source(ds, c, source);
        return sentraj_raise(err, SENTRAJ_EDATA, src, r->cluster_line, r->cluster_col,
                             "%s \"%s\" of conversation \"%s\" differs from \"%s\" given on line %llu%s%s", name,
                             sentraj_show(r->cluster, r->cluster_len).s, dataset_show_id(&ds->ids, c).s,
                             dataset_show_id(&ds->clusters, *cl).s, (unsigned long long)ds->convs[c].line, o ? " of " : "",
                             o ? o : "");
    }
    id = intern_get(&ds->clusters, r->cluster, r->cluster_len, intern_hash(r->cluster, r->cluster_len), &added);
    if (id < 0)
        return sentraj_nomem(err, "cluster names");
    *cl = (uint32_t)id;
    return SENTRAJ_OK;
}

int dataset_add_row(sentraj_dataset *ds, uint32_t source, const msg_row *r, sentraj_error *err)
{
    const char *src = ds->sources[source];
    int64_t c, set;
    conv *cv;
    int first, rc, code = WIN_NO_CODE;

    if (ds->finished)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "rows added after sentraj_dataset_finish");
    c = find_conv(ds, r, err);
    if (c < 0)
        return ds->failed = 1, err ? err->code : SENTRAJ_ENOMEM;
    set = row_set(ds, src, r, err);
    if (set < 0)
        return ds->failed = 1, err ? err->code : SENTRAJ_EDATA;
    cv = &ds->convs[c];
    first = cv->rows == 0 && !cv->frozen;
    if (first) {
        cv->set = (uint32_t)set;
    } else if (cv->set != (uint32_t)set) {
        const char *o = conv_other_source(ds, (size_t)c, source);
        ds->failed = 1;
        return sentraj_raise(err, SENTRAJ_EDATA, src, r->cats_line, r->cats_col,
                             "categories \"%s\" of conversation \"%s\" differ from \"%s\" given on line %llu%s%s",
                             dataset_show_id(&ds->sets, (uint32_t)set).s, dataset_show_id(&ds->ids, (uint32_t)c).s,
                             dataset_show_id(&ds->sets, cv->set).s, (unsigned long long)cv->line, o ? " of " : "",
                             o ? o : "");
    }
    if (ds->field[FIELD_CLUSTER] && (rc = row_cluster(ds, source, (uint32_t)c, first, r, err)) != SENTRAJ_OK) {
        ds->failed = 1;
        return rc;
    }

    ds->counts.rows++;
    if (r->role == ROLE_HUMAN) {
        ds->counts.human_messages++;
        /* A label with a window code is on the lattice; others are tested
         * (rows repeat a few labels: each once in a row). */
        code = win_encode(ds, r->value);
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

    /* Positions need every label: the conversation keeps all its rows. */
    if (first && ds->keep_labels)
        cv->frozen = 1;
    if (cv->frozen)
        return push_extra(ds, (uint32_t)c, source, r, err);
    /* A core keeps fewer than 2^32 rows (window slots hold 32-bit
     * ordinals); later rows go with the out-of-order ones. */
    if (cv->rows == 0 || (cv->rows == 1 && r->index > cv->first_index && r->index - cv->first_index <= STRIDE_MAX) ||
        (cv->rows >= 2 && cv->rows < UINT32_MAX && r->index > core_last(cv) &&
         r->index - core_last(cv) == cv->stride)) {
        if (core_add(ds, (uint32_t)c, r, code, err) != SENTRAJ_OK)
            return ds->failed = 1, SENTRAJ_ENOMEM;
        return SENTRAJ_OK;
    }
    if (in_core(cv, r->index)) {
        ds->failed = 1;
        return sentraj_raise(err, SENTRAJ_EDATA, src, r->line, r->index_col,
                             "duplicate message_index %llu in conversation \"%s\"", (unsigned long long)r->index,
                             dataset_show_id(&ds->ids, (uint32_t)c).s);
    }
    cv->frozen = 1;
    return push_extra(ds, (uint32_t)c, source, r, err);
}


/* ---- finish ---------------------------------------------------------------- */

static int cmp_extra(const void *a, const void *b)
{
    const extra_row *x = a, *y = b;
    if (x->conv != y->conv)
        return x->conv < y->conv ? -1 : 1;
    if (x->index != y->index)
        return x->index < y->index ? -1 : 1;
    /* Equal indexes are duplicates; order them by position so the error
     * names the later row. */
    if (x->source != y->source)
        return x->source < y->source ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static int cmp_label_at(const void *a, const void *b)
{
    const label_at *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* A window slot of core cv as a label with its message index. */
static label_at slot_label(const conv *cv, win_entry e)
{
    return (label_at){cv->first_index + (uint64_t)e.ordinal * cv->stride, e.value};
}

/* Sum the window labels into the kept record: in exact integer units of
 * 1 / denom for lattice data, in double otherwise. */
static void window_sums(const sentraj_dataset *ds, const label_at *first, const label_at *last, kept_conv *k)
{
    if (ds->lattice) {
        k->first_q = k->last_q = 0;
        for (size_t i = 0; i < ds->window; i++) {
            k->first_q += (int64_t)nearbyint(first[i].value * (double)ds->denom);
            k->last_q += (int64_t)nearbyint(last[i].value * (double)ds->denom);
        }
    } else {
        k->first_sum = k->last_sum = 0;
        for (size_t i = 0; i < ds->window; i++) {
            k->first_sum += first[i].value;
            k->last_sum += last[i].value;
        }
    }
}


int sentraj_dataset_finish(sentraj_dataset *ds, sentraj_error *err)
{
    size_t nconv = ds->ids.count, e = 0, w = ds->window;
    label_at *cand = NULL;
    win_entry *slots = NULL;
    kept_conv *kept;
    size_t cand_cap = 0;

    if (ds->failed)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the data set had an error while reading and cannot be finished");
    if (ds->finished)
        return SENTRAJ_OK;
    if (ds->counts.rows == 0) {
        if (ds->nsources == 1)
            return sentraj_raise(err, SENTRAJ_EDATA, ds->sources[0], 1, 0,
                                 "no data rows: the input has no messages");
        return sentraj_raise(err, SENTRAJ_EDATA, NULL, 0, 0,
                             "no data rows: none of the %zu inputs has messages", ds->nsources);
    }

    if (dataset_join_table(ds, err) != SENTRAJ_OK)
        return ds->failed = 1, SENTRAJ_EDATA;
    if (ds->nextras > 1)
        qsort(ds->extras, ds->nextras, sizeof *ds->extras, cmp_extra);
    for (size_t i = 0; i < ds->nextras; i++) {
        const extra_row *x = &ds->extras[i];
        int dup_core = in_core(&ds->convs[x->conv], x->index);
        if (dup_core || (i > 0 && ds->extras[i - 1].conv == x->conv && ds->extras[i - 1].index == x->index))
            return ds->failed = 1,
                   sentraj_raise(err, SENTRAJ_EDATA, ds->sources[x->source], x->line, x->index_col,
                                 "duplicate message_index %llu in conversation \"%s\"", (unsigned long long)x->index,
                                 dataset_show_id(&ds->ids, x->conv).s);
    }
    if (ds->keep_labels) {
        /* Every row is an extra, sorted by conversation: offsets by counting. */
        ds->label_off = calloc(nconv + 1, sizeof *ds->label_off);
        if (!ds->label_off)
            return sentraj_nomem(err, "label offsets");
        for (size_t i = 0; i < ds->nextras; i++)
            ds->label_off[ds->extras[i].conv + 1]++;
        for (size_t c = 0; c < nconv; c++)
            ds->label_off[c + 1] += ds->label_off[c];
    }

    /* Ids are not looked up from here on: give the hash table back. The
     * kept records are written over the conversation records, which are
     * not needed afterwards (positions, which keep every label, still use
     * them: then the kept records have their own array). Record c is read
     * before kept record k <= c is written, with memcpy, which may alias
     * the records. */
    _Static_assert(sizeof(kept_conv) <= sizeof(conv), "kept records are written over conversation records");
    intern_drop_index(&ds->ids);
    kept = ds->keep_labels ? malloc((nconv ? nconv : 1) * sizeof *kept) : (kept_conv *)(void *)ds->convs;
    slots = malloc(2 * w * sizeof *slots);
    cand_cap = 2 * w;
    cand = malloc(cand_cap * sizeof *cand);
    if (!kept || !slots || !cand)
        goto nomem;

    for (size_t c = 0; c < nconv; c++) {
        const conv *cv = &ds->convs[c];
        uint64_t humans = cv->humans;
        kept_conv k = {.conv = (uint32_t)c, .set = cv->set};

        if (!cv->frozen) {
            k.humans = humans;
            if (humans < ds->min_human) {
                ds->counts.dropped_short++;
                continue;
            }
            /* humans >= min_human >= 2 * window: the ring holds exactly the
             * last `window` labels, the first slots the first ones. */
            win_load(ds, c, slots);
            for (size_t i = 0; i < 2 * w; i++)
                cand[i] = slot_label(cv, slots[i]);
            window_sums(ds, cand, cand + w, &k);
        } else {
            /* Merge the ordered core's window labels with the extras: any
             * core label outside the core's own first (last) window has at
             * least `window` core labels before (after) it, so it cannot be
             * in the overall first (last) window. */
            size_t ncand = 0, core_n = humans < w ? (size_t)humans : w, ex0 = e;
            while (e < ds->nextras && ds->extras[e].conv == c)
                e++;
            if (cand_cap < 2 * w + (e - ex0)) {
                label_at *nc = realloc(cand, (2 * w + (e - ex0)) * sizeof *nc);
                if (!nc)
                    goto nomem;
                cand = nc;
                cand_cap = 2 * w + (e - ex0);
            }
            win_load(ds, c, slots);
            for (size_t i = 0; i < core_n; i++)
                cand[ncand++] = slot_label(cv, slots[i]);
            for (size_t i = 0; i < core_n; i++) {
                win_entry x = slots[w + i];
                int seen = 0;
                for (size_t j = 0; j < core_n; j++)
                    seen |= slots[j].ordinal == x.ordinal;
                if (!seen)
                    cand[ncand++] = slot_label(cv, x);
            }
            for (size_t i = ex0; i < e; i++) {
                if (ds->extras[i].role == ROLE_HUMAN) {
                    cand[ncand++] = (label_at){ds->extras[i].index, ds->extras[i].value};
                    humans++;
                }
            }
            k.humans = humans;
            if (humans < ds->min_human) {
                ds->counts.dropped_short++;
                continue;
            }
            qsort(cand, ncand, sizeof *cand, cmp_label_at);
            window_sums(ds, cand, cand + ncand - w, &k);
        }
        if (ds->set_members[k.set][0] == UINT32_MAX)
            ds->counts.kept_without_category++;
        memcpy(&kept[ds->nkept++], &k, sizeof k);
    }
    free(cand);
    free(slots);
    ds->kept = kept;
    if (!ds->keep_labels) {
        ds->convs = NULL;
        ds->convs_cap = 0;
    }
    if (ds->field[FIELD_CLUSTER]) {
        unsigned char *seen = calloc(ds->clusters.count ? ds->clusters.count : 1, 1);
        if (!seen)
            return ds->failed = 1, sentraj_nomem(err, "clusters");
        for (size_t i = 0; i < ds->nkept; i++) {
            uint32_t cl = ds->cluster_of[ds->kept[i].conv];
            ds->kept_clusters += !seen[cl];
            seen[cl] = 1;
        }
        free(seen);
    }
    ds->counts.kept = ds->nkept;
    ds->counts.categories = ds->cats.count;
    /* The windows and (unless positions need them) the extras are in the
     * kept records now: give their memory back before sorting. */
    if (ds->nkept < nconv) {
        kept_conv *nk = realloc(ds->kept, (ds->nkept ? ds->nkept : 1) * sizeof *nk);
        if (nk)
            ds->kept = nk;
    }
    win_free(ds);
    if (!ds->keep_labels) {
        free(ds->extras);
        ds->extras = NULL;
        ds->nextras = ds->extras_cap = 0;
    }
    if (dataset_sort_kept(ds, err) != SENTRAJ_OK)
        return ds->failed = 1, SENTRAJ_ENOMEM;
    ds->finished = 1;
    return SENTRAJ_OK;
nomem:
    free(cand);
    free(slots);
    if (ds->keep_labels)
        free(kept);
    ds->failed = 1; /* kept records may already be written over the conversation records */
    return sentraj_nomem(err, "kept conversations");
}

const sentraj_counts *sentraj_dataset_counts(const sentraj_dataset *ds)
{
    return &ds->counts;
}

size_t sentraj_dataset_kept(const sentraj_dataset *ds)
{
    return ds->finished ? ds->nkept : 0;
}

size_t sentraj_dataset_clusters(const sentraj_dataset *ds)
{
    return ds->finished ? ds->kept_clusters : 0;
}

const char *sentraj_dataset_cluster_by(const sentraj_dataset *ds)
{
    return ds->field[FIELD_CLUSTER];
}

void sentraj_dataset_trajectory(const sentraj_dataset *ds, size_t i, sentraj_trajectory *out)
{
    const kept_conv *k = &ds->kept[i];
    double w = (double)ds->window;

    out->conversation_id = intern_str(&ds->ids, k->conv);
    out->categories = intern_str(&ds->sets, k->set);
    out->human_messages = k->humans;
    if (ds->lattice) {
        /* Exact integers over denom * window: one rounding per value. */
        double d = (double)ds->denom * w;
        out->mean_first = (double)k->first_q / d;
        out->mean_last = (double)k->last_q / d;
        out->delta = (double)(k->last_q - k->first_q) / d;
    } else {
        out->mean_first = k->first_sum / w;
        out->mean_last = k->last_sum / w;
        out->delta = (k->last_sum - k->first_sum) / w;
    }
}
