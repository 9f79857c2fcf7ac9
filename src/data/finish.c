/* finish.c - sentraj_dataset_finish: every row read made into kept conversations in id order, and their accessors. */
#include "data/dataset.h"
#include "data/window.h"

#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A human label with its message index, while finish merges a frozen
 * conversation's window labels with its out-of-order rows. */
typedef struct label_at {
    uint64_t index;
    double value;
} label_at;

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
 * 1 / denom for lattice data, in double otherwise. first and last are in
 * message order, and the sums are taken in that order whatever order the
 * rows came in: a sum of doubles depends on its order (0.4 + 0.1 + 0.1 is
 * not 0.1 + 0.1 + 0.4), and the output must not. */
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

/* There is something to finish: at least one data row over every input. */
static int check_rows(const sentraj_dataset *ds, sentraj_error *err)
{
    if (ds->counts.rows != 0)
        return SENTRAJ_OK;
    if (ds->nsources == 1)
        return sentraj_raise(err, SENTRAJ_EDATA, ds->sources[0], 1, 0, "no data rows: the input has no messages");
    return sentraj_raise(err, SENTRAJ_EDATA, NULL, 0, 0, "no data rows: none of the %zu inputs has messages",
                         ds->nsources);
}

/* Sort the out-of-order rows by conversation and message index, and find
 * a message index given twice: among them (the later row is named), or
 * one of them in its conversation's ordered core. Among several, the one
 * of the first conversation (in order of first appearance) and the lowest
 * index is reported, whatever the number of threads. */
static int sort_ooo(sentraj_dataset *ds, sentraj_error *err)
{
    int rc = ooo_sort(ds, ds->threads, err);
    if (rc != SENTRAJ_OK)
        return rc;
    for (size_t i = 0; i < ds->nooo; i++) {
        const ooo_row *x = &ds->ooo[i];
        uint64_t index = ooo_index(ds, x), col, line;
        uint32_t c = ooo_conv(x), source;
        const char *o;
        /* Rows of one conversation and index are next to each other (equal
         * keys, or equal side entries under OOO_BIG keys). */
        int twice = i + 1 < ds->nooo && x[1].key == x->key && ooo_index(ds, x + 1) == index;
        if (!twice && !in_core(&ds->convs[c], index))
            continue;
        /* Equal rows are in reading order: the first repeats a core row,
         * the second repeats the first. */
        if (!in_core(&ds->convs[c], index))
            x++;
        ooo_place(ds, x, &source, &line, &col);
        o = conv_other_source(ds, c, source);
        return sentraj_raise(err, SENTRAJ_EDATA, ds->sources[source], line, col,
                             "duplicate message_index %llu in conversation \"%s\"%s%s%s", (unsigned long long)index,
                             dataset_show_id(&ds->ids, c).s, o ? ", whose first row is in " : "", o ? o : "",
                             o ? SCOPE_HINT : "");
    }
    return SENTRAJ_OK;
}

/* With keep_labels every row is an out-of-order row, sorted by
 * conversation: each conversation's first row, by counting. */
static int label_offsets(sentraj_dataset *ds, sentraj_error *err)
{
    size_t nconv = ds->ids.count;

    if (!ds->keep_labels)
        return SENTRAJ_OK;
    ds->label_off = calloc(nconv + 1, sizeof *ds->label_off);
    if (!ds->label_off)
        return sentraj_nomem(err, "label offsets");
    for (size_t i = 0; i < ds->nooo; i++)
        ds->label_off[ooo_conv(&ds->ooo[i]) + 1]++;
    for (size_t c = 0; c < nconv; c++)
        ds->label_off[c + 1] += ds->label_off[c];
    return SENTRAJ_OK;
}

/* Scratch for the window labels of one conversation at a time, and the
 * next out-of-order row to look at. */
typedef struct kept_work {
    win_entry *slots;  /* 2 * window */
    label_at *cand;    /* candidates for the first and last window: 4 * window */
    size_t e;
} kept_work;

/* The window labels of ordered core c with at least min_human >= 2 *
 * window human labels, into kw->cand in message order: the first slots
 * hold exactly the first `window` labels, the ring the last ones (human
 * label j in ring slot j mod window). Returns 2 * window. */
static size_t ordered_labels(const sentraj_dataset *ds, size_t c, kept_work *kw)
{
    const conv *cv = &ds->convs[c];
    size_t w = ds->window;
    uint64_t h = cv->humans;

    win_load(ds, c, kw->slots);
    for (size_t i = 0; i < w; i++) {
        kw->cand[i] = slot_label(cv, kw->slots[i]);
        kw->cand[w + i] = slot_label(cv, kw->slots[w + (size_t)((h - w + i) % w)]);
    }
    return 2 * w;
}

/* The candidates for the window labels of frozen conversation c, into
 * kw->cand (*n of them, in no order): its ordered core's window labels and
 * the first and last `window` of its human out-of-order rows (sorted by
 * message index), whose count *humans gains. Any core label outside the
 * core's own first (last) window has at least `window` core labels before
 * (after) it, so it cannot be in the overall first (last) window; the same
 * holds for the out-of-order rows. */
static void frozen_labels(const sentraj_dataset *ds, size_t c, kept_work *kw, uint64_t *humans, size_t *n)
{
    const conv *cv = &ds->convs[c];
    size_t w = ds->window, ncand = 0, core_n = *humans < w ? (size_t)*humans : w, ex0 = kw->e, e = kw->e;
    uint64_t rh = 0, j = 0;

    while (e < ds->nooo && ooo_conv(&ds->ooo[e]) == c)
        rh += ooo_human(&ds->ooo[e++]);
    kw->e = e;
    win_load(ds, c, kw->slots);
    for (size_t i = 0; i < core_n; i++)
        kw->cand[ncand++] = slot_label(cv, kw->slots[i]);
    for (size_t i = 0; i < core_n; i++) {
        win_entry x = kw->slots[w + i];
        int seen = 0;
        for (size_t k = 0; k < core_n; k++)
            seen |= kw->slots[k].ordinal == x.ordinal;
        if (!seen)
            kw->cand[ncand++] = slot_label(cv, x);
    }
    for (size_t i = ex0; i < e; i++) {
        const ooo_row *x = &ds->ooo[i];
        if (!ooo_human(x))
            continue;
        if (j < w || j + w >= rh)
            kw->cand[ncand++] = (label_at){ooo_index(ds, x), ooo_value(ds, x)};
        j++;
    }
    *humans += rh;
    *n = ncand;
}

/* Apply the min_human filter and write a kept record for each conversation
 * that passes, with its window sums.
 *
 * Ids are not looked up from here on: the hash table is given back. The
 * kept records are written over the conversation records, which are not
 * needed afterwards (positions, which keep every label, still use them:
 * then the kept records have their own array). Record c is read before
 * kept record k <= c is written, with memcpy, which may alias the records. */
static int build_kept(sentraj_dataset *ds, sentraj_error *err)
{
    size_t nconv = ds->ids.count, w = ds->window;
    kept_work kw = {NULL, NULL, 0};
    kept_conv *kept;

    _Static_assert(sizeof(kept_conv) <= sizeof(conv), "kept records are written over conversation records");
    intern_drop_index(&ds->ids);
    kept = ds->keep_labels ? malloc((nconv ? nconv : 1) * sizeof *kept) : (kept_conv *)(void *)ds->convs;
    kw.slots = malloc(2 * w * sizeof *kw.slots);
    kw.cand = malloc(4 * w * sizeof *kw.cand);
    ds->cat_dropped = calloc(ds->cats.count ? ds->cats.count : 1, sizeof *ds->cat_dropped);
    if (!kept || !kw.slots || !kw.cand || !ds->cat_dropped)
        goto nomem;
    for (size_t c = 0; c < nconv; c++) {
        const conv *cv = &ds->convs[c];
        kept_conv k = {.conv = (uint32_t)c, .set = cv->set, .humans = cv->humans};
        size_t ncand = 0;

        if (cv->frozen)
            frozen_labels(ds, c, &kw, &k.humans, &ncand);
        if (k.humans < ds->min_human) {
            /* Each category reports how many of its conversations the filter dropped. */
            for (const uint32_t *m = ds->set_members[k.set]; *m != UINT32_MAX; m++)
                ds->cat_dropped[*m]++;
            ds->counts.dropped_short++;
            continue;
        }
        if (!cv->frozen)
            ncand = ordered_labels(ds, c, &kw);
        else
            qsort(kw.cand, ncand, sizeof *kw.cand, cmp_label_at);
        window_sums(ds, kw.cand, kw.cand + ncand - w, &k);
        if (ds->set_members[k.set][0] == UINT32_MAX)
            ds->counts.kept_without_category++;
        memcpy(&kept[ds->nkept++], &k, sizeof k);
    }
    free(kw.cand);
    free(kw.slots);
    ds->kept = kept;
    if (!ds->keep_labels) {
        ds->convs = NULL;
        ds->convs_cap = 0;
    }
    return SENTRAJ_OK;
nomem:
    free(kw.cand);
    free(kw.slots);
    if (ds->keep_labels)
        free(kept);
    return sentraj_nomem(err, "kept conversations");
}

/* How many distinct clusters the kept conversations belong to. */
static int count_clusters(sentraj_dataset *ds, sentraj_error *err)
{
    unsigned char *seen;

    if (!ds->field[FIELD_CLUSTER])
        return SENTRAJ_OK;
    seen = calloc(ds->clusters.count ? ds->clusters.count : 1, 1);
    if (!seen)
        return sentraj_nomem(err, "clusters");
    for (size_t i = 0; i < ds->nkept; i++) {
        uint32_t cl = ds->cluster_of[ds->kept[i].conv];
        ds->kept_clusters += !seen[cl];
        seen[cl] = 1;
    }
    free(seen);
    return SENTRAJ_OK;
}

/* The windows and (unless positions need them) the out-of-order rows are
 * in the kept records now: give their memory back before sorting. */
static void release_windows(sentraj_dataset *ds)
{
    if (ds->nkept < ds->ids.count) {
        kept_conv *nk = realloc(ds->kept, (ds->nkept ? ds->nkept : 1) * sizeof *nk);
        if (nk)
            ds->kept = nk;
    }
    win_free(ds);
    if (!ds->keep_labels)
        ooo_free(ds);
}

int sentraj_dataset_finish(sentraj_dataset *ds, sentraj_error *err)
{
    int rc;

    if (ds->failed)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the data set had an error while reading and cannot be finished");
    if (ds->finished)
        return SENTRAJ_OK;
    if ((rc = check_rows(ds, err)) != SENTRAJ_OK)
        return rc;
    if (dataset_join_table(ds, err) != SENTRAJ_OK)
        return ds->failed = 1, SENTRAJ_EDATA;
    if ((rc = sort_ooo(ds, err)) != SENTRAJ_OK)
        return ds->failed = 1, rc;
    if ((rc = label_offsets(ds, err)) != SENTRAJ_OK)
        return rc;
    /* From here an error leaves kept records written over conversation
     * records: the data set can only be freed. */
    if ((rc = build_kept(ds, err)) != SENTRAJ_OK || (rc = count_clusters(ds, err)) != SENTRAJ_OK)
        return ds->failed = 1, rc;
    ds->counts.kept = ds->nkept;
    ds->counts.categories = ds->cats.count;
    release_windows(ds);
    if (dataset_sort_kept(ds, err) != SENTRAJ_OK)
        return ds->failed = 1, SENTRAJ_ENOMEM;
    ds->finished = 1;
    return SENTRAJ_OK;
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
