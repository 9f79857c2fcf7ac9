/* sensitivity.c - sentraj sensitivity: the analysis over a grid of windows and minimum human messages. */
#include "analyses/analysis.h"

#include "core/error.h"
#include "data/dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const size_t default_windows[] = {1, 2, 3, 4};
static const size_t default_min_humans[] = {4, 6, 8, 10, 15, 20};

struct sentraj_sensitivity {
    sentraj_config cfg;
    size_t ncat, npoints;
    sentraj_sensitivity_row *rows; /* ncat * npoints, category-major */
    char **names;                  /* owned */
    char **notes;                  /* per row, owned */
};

void sentraj_sensitivity_options_init(sentraj_sensitivity_options *o)
{
    memset(o, 0, sizeof *o);
}

void sentraj_sensitivity_free(sentraj_sensitivity *s)
{
    if (!s)
        return;
    for (size_t i = 0; s->names && i < s->ncat; i++)
        free(s->names[i]);
    for (size_t i = 0; s->notes && i < s->ncat * s->npoints; i++)
        free(s->notes[i]);
    free(s->names);
    free(s->notes);
    free(s->rows);
    free(s);
}

size_t sentraj_sensitivity_rows(const sentraj_sensitivity *s)
{
    return s->ncat * s->npoints;
}

const sentraj_sensitivity_row *sentraj_sensitivity_row_get(const sentraj_sensitivity *s, size_t i)
{
    return i < s->ncat * s->npoints ? &s->rows[i] : NULL;
}

size_t sentraj_sensitivity_points(const sentraj_sensitivity *s)
{
    return s->npoints;
}

const sentraj_config *sentraj_sensitivity_config(const sentraj_sensitivity *s)
{
    return &s->cfg;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* A list of the options sorted ascending into out (n values): values in
 * [lo, hi], none twice. */
static int sorted_list(const size_t *v, size_t n, size_t lo, size_t hi, const char *what, size_t *out,
                       sentraj_error *err)
{
    memcpy(out, v, n * sizeof *v);
    qsort(out, n, sizeof *out, cmp_size);
    for (size_t i = 0; i < n; i++) {
        if (out[i] < lo || out[i] > hi)
            return sentraj_fail(err, SENTRAJ_EUSAGE, "%s must be between %zu and %zu, not %zu", what, lo, hi, out[i]);
        if (i && out[i] == out[i - 1])
            return sentraj_fail(err, SENTRAJ_EUSAGE, "%s %zu is given twice", what, out[i]);
    }
    return SENTRAJ_OK;
}

/* Every conversation, by id (bytewise, as the kept conversations of a
 * finished data set), with its human labels' range among the kept rows. */
typedef struct conv_ref {
    const char *id;
    uint32_t len, conv;
    uint64_t humans;
} conv_ref;

static int cmp_ref(const void *a, const void *b)
{
    const conv_ref *x = a, *y = b;
    int r = memcmp(x->id, y->id, x->len < y->len ? x->len : y->len);
    return r ? r : (x->len > y->len) - (x->len < y->len);
}

/* The kept conversations of grid point (w, mh), in id order, with their
 * window sums as finish computes them: exact integers on a lattice, else
 * the labels added in message order. */
static size_t point_kept(const sentraj_dataset *ds, const conv_ref *refs, size_t n, size_t w, size_t mh,
                         kept_conv *kept)
{
    size_t nk = 0;

    for (size_t i = 0; i < n; i++) {
        kept_conv k = {.conv = refs[i].conv, .set = ds->convs[refs[i].conv].set, .humans = refs[i].humans};
        size_t seen = 0;
        if (refs[i].humans < mh)
            continue;
        if (ds->lattice)
            k.first_q = k.last_q = 0;
        else
            k.first_sum = k.last_sum = 0;
        for (size_t x = ds->label_off[k.conv]; x < ds->label_off[k.conv + 1]; x++) {
            double value;
            int first, last;
            if (!dataset_row_human(ds, x))
                continue;
            value = dataset_row_value(ds, x);
            first = seen < w;
            last = seen >= refs[i].humans - w;
            seen++;
            if (ds->lattice) {
                int64_t q = (int64_t)nearbyint(value * (double)ds->denom);
                k.first_q += first ? q : 0;
                k.last_q += last ? q : 0;
            } else {
                if (first)
                    k.first_sum += value;
                if (last)
                    k.last_sum += value;
            }
        }
        kept[nk++] = k;
    }
    return nk;
}

/* The analysis of one grid point into rows[c * npoints + p]. */
static int analyse_point(sentraj_sensitivity *s, const sentraj_dataset *ds, const conv_ref *refs, size_t nrefs,
                         size_t w, size_t mh, size_t p, kept_conv *kept, uint32_t *sets, sentraj_error *err)
{
    sentraj_config cfg = s->cfg;
    size_t nk = point_kept(ds, refs, nrefs, w, mh, kept), *off = NULL, ncat = s->ncat - 1;
    uint32_t *members = NULL;
    const uint32_t **lists = calloc(s->ncat, sizeof *lists);
    size_t *count = calloc(s->ncat, sizeof *count);
    analysis_src src = {ds, kept, nk, w};
    sentraj_analysis *a = NULL;
    int rc;

    cfg.window = w;
    cfg.min_human = mh;
    cfg.keep_resamples = 0;
    for (size_t i = 0; i < nk; i++)
        sets[i] = kept[i].set;
    if (!lists || !count || !(a = analysis_alloc(&cfg, s->ncat, err))) {
        rc = sentraj_nomem(err, "sensitivity");
        goto out;
    }
    if ((rc = analysis_members(ds, sets, nk, &off, &members, err)) != SENTRAJ_OK)
        goto out;
    for (size_t c = 0; c < s->ncat; c++) {
        if (!(a->names[c] = strdup(s->names[c]))) {
            rc = sentraj_nomem(err, "sensitivity");
            goto out;
        }
        if (c < ncat) {
            uint32_t id = analysis_category_id(ds, s->names[c]);
            lists[c] = members + off[id];
            count[c] = off[id + 1] - off[id];
        } else {
            count[c] = nk;
        }
    }
    if ((rc = analysis_fill(a, &src, lists, count, err)) != SENTRAJ_OK)
        goto out;
    for (size_t c = 0; c < s->ncat; c++) {
        const sentraj_result *r = &a->rows[c];
        sentraj_sensitivity_row *o = &s->rows[c * s->npoints + p];
        *o = (sentraj_sensitivity_row){s->names[c], w, mh, r->conversations, r->mean_delta, r->boot.ci_low,
                                       r->boot.ci_high, r->boot.se, r->boot.status, r->boot.engine,
                                       r->boot.resamples, r->clusters, NULL};
        if (r->note) {
            if (!(s->notes[c * s->npoints + p] = strdup(r->note))) {
                rc = sentraj_nomem(err, "sensitivity");
                goto out;
            }
            o->note = s->notes[c * s->npoints + p];
        }
    }
out:
    sentraj_analysis_free(a);
    free(lists);
    free(count);
    free(off);
    free(members);
    return rc;
}

/* Every conversation with at least one human label, by id. */
static conv_ref *conversations_by_id(const sentraj_dataset *ds, size_t *n, sentraj_error *err)
{
    size_t nconv = ds->ids.count;
    conv_ref *refs = malloc((nconv ? nconv : 1) * sizeof *refs);

    *n = 0;
    if (!refs) {
        sentraj_nomem(err, "sensitivity");
        return NULL;
    }
    for (size_t c = 0; c < nconv; c++) {
        uint64_t h = 0;
        for (size_t x = ds->label_off[c]; x < ds->label_off[c + 1]; x++)
            h += dataset_row_human(ds, x);
        if (h)
            refs[(*n)++] = (conv_ref){intern_str(&ds->ids, (uint32_t)c), intern_len(&ds->ids, (uint32_t)c),
                                      (uint32_t)c, h};
    }
    qsort(refs, *n, sizeof *refs, cmp_ref);
    return refs;
}

/* The grid's points: every (window, min_human) with min_human >= 2 window. */
static int grid(const sentraj_sensitivity_options *o, size_t **pw, size_t **pm, size_t *np, sentraj_error *err)
{
    const size_t *wv = o && o->nwindows ? o->windows : default_windows;
    const size_t *mv = o && o->nmin_humans ? o->min_humans : default_min_humans;
    size_t nw = o && o->nwindows ? o->nwindows : 4, nm = o && o->nmin_humans ? o->nmin_humans : 6;
    size_t *ws = malloc(nw * sizeof *ws), *ms = malloc(nm * sizeof *ms);
    int rc;

    *pw = malloc(nw * nm * sizeof **pw);
    *pm = malloc(nw * nm * sizeof **pm);
    *np = 0;
    if (!ws || !ms || !*pw || !*pm)
        rc = sentraj_nomem(err, "sensitivity");
    else if ((rc = sorted_list(wv, nw, 1, 1000, "window", ws, err)) == SENTRAJ_OK &&
             (rc = sorted_list(mv, nm, 1, 1000000000, "min-human", ms, err)) == SENTRAJ_OK) {
        for (size_t i = 0; i < nw; i++)
            for (size_t j = 0; j < nm; j++)
                if (ms[j] >= 2 * ws[i])
                    (*pw)[*np] = ws[i], (*pm)[(*np)++] = ms[j];
        if (*np == 0)
            rc = sentraj_fail(err, SENTRAJ_EUSAGE,
                              "no grid point has min-human at least twice the window (the windows would overlap)");
    }
    free(ws);
    free(ms);
    return rc;
}

int sentraj_sensitivity_check(const sentraj_sensitivity_options *o, sentraj_error *err)
{
    size_t *pw = NULL, *pm = NULL, np;
    int rc = grid(o, &pw, &pm, &np, err);

    free(pw);
    free(pm);
    return rc;
}

sentraj_sensitivity *sentraj_sensitivity_compute(const sentraj_dataset *ds, const sentraj_config *cfg,
                                                 const sentraj_sensitivity_options *o, sentraj_error *err)
{
    sentraj_sensitivity *s = NULL;
    sentraj_config check = *cfg;
    conv_ref *refs = NULL;
    kept_conv *kept = NULL;
    uint32_t *sets = NULL;
    size_t *pw = NULL, *pm = NULL, nrefs = 0;

    /* The grid's own window and min_human replace the config's. */
    check.window = 1;
    check.min_human = 2;
    if (sentraj_config_check(&check, err) != SENTRAJ_OK)
        return NULL;
    if (!ds->finished || !ds->label_off) {
        sentraj_fail(err, SENTRAJ_EUSAGE,
                     "sensitivity needs a finished data set read with keep_labels set (every label kept)");
        return NULL;
    }
    if (ds->field[FIELD_CLUSTER] && cfg->engine == SENTRAJ_ENGINE_EXACT) {
        sentraj_fail(err, SENTRAJ_EUSAGE, "the exact engine cannot bootstrap clusters (--cluster-by): each resampled "
                                          "mean is a ratio of two resampled sums; use --engine index or multinomial");
        return NULL;
    }
    if (!(s = calloc(1, sizeof *s)))
        goto nomem;
    s->cfg = *cfg;
    s->ncat = ds->cats.count + 1;
    if (grid(o, &pw, &pm, &s->npoints, err) != SENTRAJ_OK || !(s->names = analysis_row_names(ds, cfg->order, err)) ||
        !(refs = conversations_by_id(ds, &nrefs, err)))
        goto fail;
    s->rows = calloc(s->ncat * s->npoints, sizeof *s->rows);
    s->notes = calloc(s->ncat * s->npoints, sizeof *s->notes);
    kept = malloc((nrefs ? nrefs : 1) * sizeof *kept);
    sets = malloc((nrefs ? nrefs : 1) * sizeof *sets);
    if (!s->rows || !s->notes || !kept || !sets)
        goto nomem;
    for (size_t p = 0; p < s->npoints; p++)
        if (analyse_point(s, ds, refs, nrefs, pw[p], pm[p], p, kept, sets, err) != SENTRAJ_OK)
            goto fail;
    goto done;
nomem:
    sentraj_nomem(err, "sensitivity");
fail:
    sentraj_sensitivity_free(s);
    s = NULL;
done:
    free(refs);
    free(kept);
    free(sets);
    free(pw);
    free(pm);
    return s;
}
