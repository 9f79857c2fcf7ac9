/* assemble.c - message rows into conversations, and conversations into trajectories. */
#include "data/dataset.h"
#include "data/window.h"

#include "core/bytes.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Empty tables and caches, for a data set and for a reader part. */
static void init_tables(sentraj_dataset *ds)
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
    init_tables(ds);
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

/* An interned string for an error message, on one line. */
static sentraj_shown show_id(const intern *t, uint32_t id)
{
    return sentraj_show(intern_str(t, id), intern_len(t, id));
}

/* ---- categories --------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Turn a categories field into a set id: split on ';', trim blanks, drop
 * empty parts, sort and remove duplicates, and intern the canonical join. */
int64_t dataset_category_set(sentraj_dataset *ds, const char *s, size_t len, const char *source, uint64_t line,
                             uint64_t col, sentraj_error *err)
{
    const char **names = NULL;
    size_t n = 0, cap = 0, total = 0;
    char *joined = NULL;
    int64_t set = -1;
    int added;

    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && s[j] != ';')
            j++;
        size_t a = i, b = j;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        if (b > a) {
            if (b - a == 3 && memcmp(s + a, "all", 3) == 0) {
                sentraj_raise(err, SENTRAJ_EDATA, source, line, col,
                              "category name \"all\" is reserved for the row that counts every conversation");
                goto out;
            }
            int64_t id = intern_get(&ds->cats, s + a, b - a, intern_hash(s + a, b - a), &added);
            if (id < 0) {
                sentraj_nomem(err, "category names");
                goto out;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                const char **nn = realloc(names, cap * sizeof *nn);
                if (!nn) {
                    sentraj_nomem(err, "category list");
                    goto out;
                }
                names = nn;
            }
            names[n++] = intern_str(&ds->cats, (uint32_t)id);
            total += b - a + 1;
        }
        i = j + 1;
    }
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    joined = malloc(total + 1);
    if (!joined) {
        sentraj_nomem(err, "category set");
        goto out;
    }
    {
        size_t m = 0, k = 0;
        for (size_t i = 0; i < n; i++) {
            if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
                continue;
            size_t l = strlen(names[i]);
            if (k)
                joined[m++] = ';';
            memcpy(joined + m, names[i], l);
            m += l;
            names[k++] = names[i];
        }
        joined[m] = '\0';
        n = k;
        set = intern_get(&ds->sets, joined, m, intern_hash(joined, m), &added);
        if (set < 0) {
            sentraj_nomem(err, "category sets");
            goto out;
        }
    }
    if (added) {
        if ((size_t)set >= ds->set_members_cap) {
            size_t nc = ds->set_members_cap ? ds->set_members_cap * 2 : 16;
            uint32_t **nm = realloc(ds->set_members, nc * sizeof *nm);
            if (!nm) {
                set = -1;
                sentraj_nomem(err, "category sets");
                goto out;
            }
            memset(nm + ds->set_members_cap, 0, (nc - ds->set_members_cap) * sizeof *nm);
            ds->set_members = nm;
            ds->set_members_cap = nc;
        }
        uint32_t *mem = malloc((n + 1) * sizeof *mem);
        if (!mem) {
            set = -1;
            sentraj_nomem(err, "category sets");
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            mem[i] = (uint32_t)intern_find(&ds->cats, names[i], strlen(names[i]),
                                           intern_hash(names[i], strlen(names[i])));
        mem[n] = UINT32_MAX;
        ds->set_members[set] = mem;
    }
out:
    free(names);
    free(joined);
    return set;
}

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

/* ---- rows ---------------------------------------------------------------- */

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

/* Room for conversation c (and its window slots); growing, room for at
 * least `at_least` conversations. */
static int conv_reserve_n(sentraj_dataset *ds, size_t c, size_t at_least, sentraj_error *err)
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

static int conv_reserve(sentraj_dataset *ds, size_t c, sentraj_error *err)
{
    return conv_reserve_n(ds, c, 0, err);
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
        if (conv_reserve(ds, (size_t)c, err) != SENTRAJ_OK)
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
                             show_id(&ds->ids, c).s, name);
    if (r->cluster_len == 0)
        return sentraj_raise(err, SENTRAJ_EDATA, src, r->cluster_line, r->cluster_col,
                             "empty %s in conversation \"%s\" (--cluster-by needs one on every row)", name,
                             show_id(&ds->ids, c).s);
    if (!first) {
        if (intern_len(&ds->clusters, *cl) == r->cluster_len &&
            memcmp(intern_str(&ds->clusters, *cl), r->cluster, r->cluster_len) == 0)
            return SENTRAJ_OK;
        o = conv_other_source(ds, c, source);
        return sentraj_raise(err, SENTRAJ_EDATA, src, r->cluster_line, r->cluster_col,
                             "%s \"%s\" of conversation \"%s\" differs from \"%s\" given on line %llu%s%s", name,
                             sentraj_show(r->cluster, r->cluster_len).s, show_id(&ds->ids, c).s,
                             show_id(&ds->clusters, *cl).s, (unsigned long long)ds->convs[c].line, o ? " of " : "",
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
                             show_id(&ds->sets, (uint32_t)set).s, show_id(&ds->ids, (uint32_t)c).s,
                             show_id(&ds->sets, cv->set).s, (unsigned long long)cv->line, o ? " of " : "",
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
                             show_id(&ds->ids, (uint32_t)c).s);
    }
    cv->frozen = 1;
    return push_extra(ds, (uint32_t)c, source, r, err);
}

/* ---- parallel reading: parts and their merge --------------------------------- */

sentraj_dataset *dataset_part_alloc(const sentraj_dataset *ds, sentraj_error *err)
{
    sentraj_dataset *p = calloc(1, sizeof *p);
    if (!p) {
        sentraj_nomem(err, "reader part");
        return NULL;
    }
    p->is_part = 1;
    p->min_human = ds->min_human;
    p->window = ds->window;
    p->threads = 1;
    p->format = ds->format;
    memcpy(p->field, ds->field, sizeof p->field);
    p->scale = ds->scale;
    p->denom = ds->denom;
    p->lattice = ds->denom > 0;
    win_set_scale(p);
    init_tables(p);
    p->reading_started = 1;
    return p;
}

int dataset_pristine(const sentraj_dataset *ds)
{
    return ds->ids.count == 0 && ds->raw_cats.count == 0 && ds->sets.count == 0 &&
           ds->cats.count == 0 && ds->clusters.count == 0 && ds->nextras == 0 && ds->counts.rows == 0 &&
           !ds->keep_labels;
}

static int same_str(const intern *a, uint32_t ia, const intern *b, uint32_t ib)
{
    return intern_len(a, ia) == intern_len(b, ib) &&
           memcmp(intern_str(a, ia), intern_str(b, ib), intern_len(a, ia)) == 0;
}

/* Whether rows with core s, arriving after the rows of core d, all join d's
 * ordered core (dataset_add_row's test, row by row); *stride gets the
 * joined core's stride. */
static int cores_join(const conv *d, const conv *s, uint64_t *stride)
{
    uint64_t st;
    if (d->frozen || s->frozen || d->rows == 0 || s->rows == 0 || s->first_index <= core_last(d) ||
        (uint64_t)d->rows + s->rows >= UINT32_MAX)
        return 0;
    if (d->rows == 1) {
        st = s->first_index - d->first_index;
        if (st > STRIDE_MAX)
            return 0;
    } else {
        if (s->first_index - core_last(d) != d->stride)
            return 0;
        st = d->stride;
    }
    if (s->rows >= 2 && s->stride != st)
        return 0;
    *stride = st;
    return 1;
}

/* Human label j (0-based, in message order) of a core whose decoded slots
 * are e: held when j < window (first slots) or j >= humans - window (ring). */
static win_entry core_label(const win_entry *e, size_t w, uint64_t j)
{
    return e[j < w ? (size_t)j : w + (size_t)(j % w)];
}

/* Human label j of a core of src, placed after dr rows. */
static win_entry moved_label(const win_entry *e, size_t w, uint64_t j, uint64_t dr)
{
    win_entry x = core_label(e, w, j);
    x.ordinal += (uint32_t)dr;
    return x;
}

/* Append the core of conversation sc of src to the core of conversation dc
 * of dst, as core_add would row by row. tmp has room for 6 * window
 * entries. */
static int cores_append(sentraj_dataset *dst, size_t dc, const sentraj_dataset *src, size_t sc, uint64_t stride,
                        win_entry *tmp, sentraj_error *err)
{
    conv *d = &dst->convs[dc];
    const conv *s = &src->convs[sc];
    size_t window = dst->window;
    uint64_t dh = d->humans, h = dh + s->humans, dr = d->rows;
    uint64_t nfirst = h < window ? h : window, lo = h > window ? h - window : 0;
    win_entry *out = tmp, *de = tmp + 2 * window, *se = tmp + 4 * window;

    win_load(dst, dc, de);
    win_load(src, sc, se);
    for (uint64_t j = 0; j < nfirst; j++)
        out[j] = j < dh ? core_label(de, window, j) : moved_label(se, window, j - dh, dr);
    for (uint64_t j = lo; j < h; j++)
        out[window + j % window] = j < dh ? core_label(de, window, j) : moved_label(se, window, j - dh, dr);
    d->stride = (uint32_t)stride;
    d->rows += s->rows;
    d->humans = (uint32_t)h;
    return win_store(dst, dc, out, err);
}

/* Exchange two objects of the same type. */
#define SWAP(a, b)                                                                                                 \
    do {                                                                                                           \
        unsigned char t_[sizeof(a)];                                                                               \
        _Static_assert(sizeof(a) == sizeof(b), "SWAP of different types");                                         \
        memcpy(t_, &(a), sizeof t_);                                                                               \
        memcpy(&(a), &(b), sizeof t_);                                                                             \
        memcpy(&(b), t_, sizeof t_);                                                                               \
    } while (0)

/* dataset_merge into a pristine dst: take src's tables whole. */
static void adopt(sentraj_dataset *dst, sentraj_dataset *src, uint64_t line_offset)
{
    SWAP(dst->ids, src->ids);
    SWAP(dst->convs, src->convs);
    SWAP(dst->convs_cap, src->convs_cap);
    SWAP(dst->win, src->win);
    SWAP(dst->wide_val, src->wide_val);
    SWAP(dst->wide_ord, src->wide_ord);
    SWAP(dst->nwide, src->nwide);
    SWAP(dst->wide_cap, src->wide_cap);
    SWAP(dst->raw_cats, src->raw_cats);
    SWAP(dst->raw_to_set, src->raw_to_set);
    SWAP(dst->raw_to_set_cap, src->raw_to_set_cap);
    SWAP(dst->sets, src->sets);
    SWAP(dst->set_members, src->set_members);
    SWAP(dst->set_members_cap, src->set_members_cap);
    SWAP(dst->cats, src->cats);
    SWAP(dst->clusters, src->clusters);
    SWAP(dst->counts, src->counts);
    dst->lattice = dst->lattice && src->lattice;
    dst->last_conv = -1;
    dst->last_raw = -1;
    SWAP(dst->cluster_of, src->cluster_of);
    for (size_t c = 0; c < dst->ids.count; c++)
        dst->convs[c].line += line_offset;
}

/* How many conversations ahead dataset_merge prefetches its lookups; the
 * hashes of those ahead wait in a ring. */
#define PREFETCH 8
#define HASH_RING 16

/* How many conversations dataset_merge copies between two shrinkings of
 * the part it takes apart. */
#define SHRINK_STEP 65536

static uint64_t id_hash(const intern *t, size_t c)
{
    return intern_hash(intern_str(t, (uint32_t)c), intern_len(t, (uint32_t)c));
}

/* Give back the memory of the records of part p past its first `keep`
 * conversations, which will not be read again, and of its wide table past
 * `wide_keep` entries (those conversations' places there are all below
 * it). A failed realloc keeps the larger block: only a missed saving. */
static void part_shrink(sentraj_dataset *p, size_t keep, size_t wide_keep)
{
    size_t k = keep ? keep : 1;
    conv *nc = realloc(p->convs, k * sizeof *nc);
    if (nc)
        p->convs = nc;
    if (p->cluster_of) {
        uint32_t *ncl = realloc(p->cluster_of, k * sizeof *ncl);
        if (ncl)
            p->cluster_of = ncl;
    }
    p->convs_cap = k;
    win_shrink(p, keep, wide_keep);
}

/* For each block of SHRINK_STEP conversations of p, one more than the
 * largest wide-table place of the conversations before it: what
 * part_shrink may keep of the wide table at that block's start. NULL
 * without memory (then nothing of the wide table is given back). */
static uint32_t *wide_reach(const sentraj_dataset *p, size_t n)
{
    size_t nb = n / SHRINK_STEP + 1;
    uint32_t *reach = malloc(nb * sizeof *reach), top = 0;
    if (!reach)
        return NULL;
    for (size_t c = 0; c < n; c++) {
        if (c % SHRINK_STEP == 0)
            reach[c / SHRINK_STEP] = top;
        if (p->convs[c].wide && win_wide_index(p, c) + 1 > top)
            top = win_wide_index(p, c) + 1;
    }
    return reach;
}

int dataset_merge(sentraj_dataset *dst, sentraj_dataset *src, uint64_t line_offset, sentraj_error *err)
{
    size_t n = src->ids.count, w = dst->window, nnew = 0;
    uint64_t *hash = NULL;
    uint32_t *map = NULL, *set_map = NULL, *cluster_map = NULL, *reach = NULL;
    win_entry *tmp = NULL;
    int rc = SENTRAJ_ENOMEM;

    if (src->nextras || src->keep_labels || dst->keep_labels || dst->window != src->window)
        return DATASET_NOMERGE;
    if (dataset_pristine(dst)) {
        adopt(dst, src, line_offset);
        return SENTRAJ_OK;
    }
    map = malloc((n ? n : 1) * sizeof *map);
    hash = malloc(HASH_RING * sizeof *hash);
    set_map = malloc((src->sets.count ? src->sets.count : 1) * sizeof *set_map);
    cluster_map = malloc((src->clusters.count ? src->clusters.count : 1) * sizeof *cluster_map);
    tmp = malloc(6 * w * sizeof *tmp);
    if (!map || !hash || !set_map || !cluster_map || !tmp) {
        sentraj_nomem(err, "merging reader parts");
        goto fail;
    }

    /* Check every conversation first, so that dst is left as it was when
     * the rows must be read again. The lookups are random reads of a large
     * table: each is prefetched a few conversations ahead. */
    for (size_t c = 0; c < n && c < PREFETCH; c++)
        hash[c] = id_hash(&src->ids, c);
    for (size_t c = 0; c < n; c++) {
        const char *id = intern_str(&src->ids, (uint32_t)c);
        uint32_t len = intern_len(&src->ids, (uint32_t)c);
        uint64_t h = hash[c % HASH_RING];
        int64_t d;
        if (c + PREFETCH < n) {
            hash[(c + PREFETCH) % HASH_RING] = id_hash(&src->ids, c + PREFETCH);
            intern_prefetch(&dst->ids, hash[(c + PREFETCH) % HASH_RING]);
        }
        d = intern_find(&dst->ids, id, len, h);
        const conv *sc = &src->convs[c];
        uint64_t stride = 0;

        map[c] = d < 0 ? UINT32_MAX : (uint32_t)d;
        if (d < 0) {
            if (sc->frozen)
                goto nomerge;
            nnew++;
            continue;
        }
        const conv *dc = &dst->convs[d];
        if (!cores_join(dc, sc, &stride) || !same_str(&dst->sets, dc->set, &src->sets, sc->set) ||
            (dst->field[FIELD_CLUSTER] &&
             !same_str(&dst->clusters, dst->cluster_of[d], &src->clusters, src->cluster_of[c])))
            goto nomerge;
    }

    /* From here src is taken apart as it is used, so that the memory of
     * both parts is not held at once: its id hash (the lookups are done),
     * its records as they are copied (from the last, shrinking the arrays
     * as it goes), then its id strings, whose chunks dst takes over. Its
     * memory may belong to another thread's malloc arena, where dst could
     * not reuse it once freed. */
    intern_drop_index(&src->ids);
    if (nnew && conv_reserve_n(dst, dst->ids.count + nnew - 1, dst->ids.count + nnew, err) != SENTRAJ_OK)
        goto fail;
    for (size_t i = 0; i < src->sets.count; i++) {
        int64_t set = dataset_category_set(dst, intern_str(&src->sets, (uint32_t)i),
                                           intern_len(&src->sets, (uint32_t)i), NULL, 0, 0, err);
        if (set < 0)
            goto fail;
        set_map[i] = (uint32_t)set;
    }
    for (size_t i = 0; i < src->clusters.count; i++) {
        int added;
        const char *s = intern_str(&src->clusters, (uint32_t)i);
        uint32_t len = intern_len(&src->clusters, (uint32_t)i);
        int64_t id = intern_get(&dst->clusters, s, len, intern_hash(s, len), &added);
        if (id < 0) {
            sentraj_nomem(err, "cluster names");
            goto fail;
        }
        cluster_map[i] = (uint32_t)id;
    }
    /* New conversations take the next ids in src's order. */
    reach = src->nwide ? wide_reach(src, n) : NULL;
    for (size_t c = n, d = dst->ids.count + nnew; c-- > 0;) {
        const conv *sc = &src->convs[c];
        if (map[c] == UINT32_MAX) {
            conv *dc = &dst->convs[--d];
            *dc = *sc;
            dc->line += line_offset;
            dc->set = set_map[sc->set];
            if (dst->field[FIELD_CLUSTER])
                dst->cluster_of[d] = cluster_map[src->cluster_of[c]];
            if (win_copy(dst, d, src, c, err) != SENTRAJ_OK)
                goto fail;
        } else {
            uint64_t stride = 0;
            conv *dc = &dst->convs[map[c]];
            cores_join(dc, sc, &stride);
            if (cores_append(dst, map[c], src, c, stride, tmp, err) != SENTRAJ_OK)
                goto fail;
        }
        if (c % SHRINK_STEP == 0)
            part_shrink(src, c, reach ? reach[c / SHRINK_STEP] : src->wide_cap);
    }
    free(reach);
    reach = NULL;
    free(src->convs);
    win_free(src);
    free(src->cluster_of);
    src->convs = NULL;
    src->cluster_of = NULL;
    src->convs_cap = 0;
    if (intern_take(&dst->ids, &src->ids, map, nnew) < 0) {
        sentraj_nomem(err, "conversation ids");
        goto fail;
    }
    dst->counts.conversations += nnew;
    dst->counts.rows += src->counts.rows;
    dst->counts.human_messages += src->counts.human_messages;
    dst->counts.assistant_messages += src->counts.assistant_messages;
    dst->counts.ignored_messages += src->counts.ignored_messages;
    dst->lattice = dst->lattice && src->lattice;
    dst->last_conv = -1;
    rc = SENTRAJ_OK;
    goto out;
nomerge:
    rc = DATASET_NOMERGE;
    goto out;
fail:
    dst->failed = 1;
    rc = err ? err->code : SENTRAJ_ENOMEM;
out:
    free(map);
    free(hash);
    free(set_map);
    free(cluster_map);
    free(reach);
    free(tmp);
    return rc;
}

/* ---- a categories table ------------------------------------------------------ */

int dataset_table_add(sentraj_dataset *ds, const char *source, const char *id, size_t id_len, const char *cats,
                      size_t cats_len, uint64_t line, uint64_t id_col, uint64_t cats_col, sentraj_error *err)
{
    int added;
    int64_t set, t;

    (void)id_col;
    set = dataset_category_set(ds, cats, cats_len, source, line, cats_col, err);
    if (set < 0)
        return err ? err->code : SENTRAJ_EDATA;
    t = intern_get(&ds->table_ids, id, id_len, intern_hash(id, id_len), &added);
    if (t < 0)
        return sentraj_nomem(err, "categories table");
    if (!added) {
        if (ds->table_set[t] != (uint32_t)set)
            return sentraj_raise(err, SENTRAJ_EDATA, source, line, cats_col,
                                 "conversation \"%s\" is listed again with other categories (\"%s\", line %llu: "
                                 "\"%s\")",
                                 sentraj_show(id, id_len).s, show_id(&ds->sets, (uint32_t)set).s,
                                 (unsigned long long)ds->table_line[t], show_id(&ds->sets, ds->table_set[t]).s);
        return SENTRAJ_OK;
    }
    if ((size_t)t >= ds->table_cap) {
        size_t nc = ds->table_cap ? ds->table_cap * 2 : 1024;
        uint32_t *ns = realloc(ds->table_set, nc * sizeof *ns);
        if (!ns)
            return sentraj_nomem(err, "categories table");
        ds->table_set = ns;
        uint64_t *nl = realloc(ds->table_line, nc * sizeof *nl);
        if (!nl)
            return sentraj_nomem(err, "categories table");
        ds->table_line = nl;
        ds->table_cap = nc;
    }
    ds->table_set[t] = (uint32_t)set;
    ds->table_line[t] = line;
    if (!ds->table_source && !(ds->table_source = strdup(source)))
        return sentraj_nomem(err, "categories table");
    return SENTRAJ_OK;
}

/* Give every conversation the categories the table lists for it. A
 * conversation whose messages name categories must agree with the table. */
static int join_table(sentraj_dataset *ds, sentraj_error *err)
{
    size_t matched = 0;
    uint32_t empty;
    int64_t e;

    if (!ds->table_ids.count)
        return SENTRAJ_OK;
    e = intern_find(&ds->sets, "", 0, intern_hash("", 0));
    empty = e < 0 ? UINT32_MAX : (uint32_t)e;
    for (size_t c = 0; c < ds->ids.count; c++) {
        const char *id = intern_str(&ds->ids, (uint32_t)c);
        uint32_t len = intern_len(&ds->ids, (uint32_t)c);
        int64_t t = intern_find(&ds->table_ids, id, len, intern_hash(id, len));
        conv *cv = &ds->convs[c];
        if (t < 0)
            continue;
        matched++;
        if (cv->set == ds->table_set[t])
            continue;
        if (cv->set != empty)
            return sentraj_raise(err, SENTRAJ_EDATA, ds->table_source, ds->table_line[t], 0,
                                 "categories \"%s\" of conversation \"%s\" differ from \"%s\" in its messages "
                                 "(%s line %llu)",
                                 show_id(&ds->sets, ds->table_set[t]).s, show_id(&ds->ids, (uint32_t)c).s,
                                 show_id(&ds->sets, cv->set).s, ds->sources[conv_source(ds, c)],
                                 (unsigned long long)cv->line);
        cv->set = ds->table_set[t];
    }
    ds->counts.categories_unmatched = ds->table_ids.count - matched;
    return SENTRAJ_OK;
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

/* Sorting key for kept conversations: the id bytes, so the order (and every
 * sum taken in it) does not depend on the order rows arrived in. 16 bytes,
 * sorted in place: the keys are the largest thing finish allocates. */
typedef struct id_key {
    uint64_t prefix; /* the first 8 bytes, big-endian, zero-padded: most comparisons end here */
    uint32_t conv;   /* the id, for the rest of its bytes */
    uint32_t pos;    /* where the record is */
} id_key;

static uint64_t id_prefix(const char *s, uint32_t len)
{
    uint64_t p = 0;
    for (uint32_t i = 0; i < 8; i++)
        p = p << 8 | (i < len ? (unsigned char)s[i] : 0u);
    return p;
}

static int key_less(const intern *ids, const id_key *x, const id_key *y)
{
    uint32_t lx, ly;
    int r;

    if (x->prefix != y->prefix)
        return x->prefix < y->prefix;
    lx = intern_len(ids, x->conv), ly = intern_len(ids, y->conv);
    r = memcmp(intern_str(ids, x->conv), intern_str(ids, y->conv), lx < ly ? lx : ly);
    return r ? r < 0 : lx < ly;
}

static void key_swap(id_key *a, id_key *b)
{
    id_key t = *a;
    *a = *b;
    *b = t;
}

static void key_sift(const intern *ids, id_key *k, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && key_less(ids, &k[child], &k[child + 1]))
            child++;
        if (!key_less(ids, &k[root], &k[child]))
            return;
        key_swap(&k[root], &k[child]);
    }
}

/* Introsort of distinct keys, in place (qsort's merge sort would take a
 * second array): quicksort on a median of three, recursing into the smaller
 * part; heapsort past 2 log2 n levels; insertion sort below 16 keys. */
static void sort_keys(const intern *ids, id_key *k, size_t n, unsigned depth)
{
    while (n > 16) {
        size_t i = 0, j = n - 1, mid = n / 2;
        id_key pivot;

        if (depth-- == 0) {
            for (size_t r = n / 2; r-- > 0;)
                key_sift(ids, k, r, n);
            for (size_t end = n - 1; end > 0; end--) {
                key_swap(&k[0], &k[end]);
                key_sift(ids, k, 0, end);
            }
            return;
        }
        if (key_less(ids, &k[mid], &k[0]))
            key_swap(&k[mid], &k[0]);
        if (key_less(ids, &k[n - 1], &k[mid]))
            key_swap(&k[n - 1], &k[mid]);
        if (key_less(ids, &k[mid], &k[0]))
            key_swap(&k[mid], &k[0]);
        pivot = k[mid];
        /* Hoare partition: [0, i) <= pivot <= [j + 1, n) once i > j. */
        for (;;) {
            while (key_less(ids, &k[i], &pivot))
                i++;
            while (key_less(ids, &pivot, &k[j]))
                j--;
            if (i >= j)
                break;
            key_swap(&k[i++], &k[j--]);
        }
        if (j + 1 < n - j - 1) {
            sort_keys(ids, k, j + 1, depth);
            k += j + 1, n -= j + 1;
        } else {
            sort_keys(ids, k + j + 1, n - j - 1, depth);
            n = j + 1;
        }
    }
    for (size_t i = 1; i < n; i++) {
        id_key x = k[i];
        size_t j = i;
        for (; j > 0 && key_less(ids, &x, &k[j - 1]); j--)
            k[j] = k[j - 1];
        k[j] = x;
    }
}

static int sort_depth = -1;

void dataset_set_sort_depth(int depth)
{
    sort_depth = depth;
}

static int sort_kept(sentraj_dataset *ds, sentraj_error *err)
{
    id_key *keys = malloc((ds->nkept ? ds->nkept : 1) * sizeof *keys);
    unsigned depth = 0;

    if (!keys)
        return sentraj_nomem(err, "sorting conversations");
    for (size_t i = 0; i < ds->nkept; i++) {
        uint32_t c = ds->kept[i].conv;
        keys[i] = (id_key){id_prefix(intern_str(&ds->ids, c), intern_len(&ds->ids, c)), c, (uint32_t)i};
    }
    for (size_t m = ds->nkept; m > 1; m >>= 1)
        depth += 2;
    if (sort_depth >= 0)
        depth = (unsigned)sort_depth;
    sort_keys(&ds->ids, keys, ds->nkept, depth);
    /* Put kept[keys[i].pos] at i in place, cycle by cycle (no second copy
     * of the records); a placed key's pos is set to its own index. */
    for (size_t i = 0; i < ds->nkept; i++) {
        if (keys[i].pos == i)
            continue;
        kept_conv first = ds->kept[i];
        size_t j = i;
        while (keys[j].pos != i) {
            size_t from = keys[j].pos;
            ds->kept[j] = ds->kept[from];
            keys[j].pos = (uint32_t)j;
            j = from;
        }
        ds->kept[j] = first;
        keys[j].pos = (uint32_t)j;
    }
    free(keys);
    return SENTRAJ_OK;
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

    if (join_table(ds, err) != SENTRAJ_OK)
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
                                 show_id(&ds->ids, x->conv).s);
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
    if (sort_kept(ds, err) != SENTRAJ_OK)
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
