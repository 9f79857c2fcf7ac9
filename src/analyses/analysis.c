/* analysis.c - per-category samples of a finished data set, bootstrapped together. */
#include "analyses/analysis.h"
#include "analyses/order.h"
#include "boot/bootstrap.h"
#include "boot/ratio.h"
#include "data/dataset.h"
#include "core/error.h"
#include "boot/sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void sentraj_analysis_free(sentraj_analysis *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nrows; i++)
        free(a->names[i]);
    boot_draws_free(a->draws, a->nrows);
    free(a->draws);
    free(a->names);
    free(a->rows);
    free(a->cluster_by);
    free(a);
}

const char *sentraj_analysis_cluster_by(const sentraj_analysis *a)
{
    return a->cluster_by;
}

size_t sentraj_analysis_rows(const sentraj_analysis *a)
{
    return a->nrows;
}

const sentraj_result *sentraj_analysis_row(const sentraj_analysis *a, size_t i)
{
    return i < a->nrows ? &a->rows[i] : NULL;
}

const sentraj_config *sentraj_analysis_config(const sentraj_analysis *a)
{
    return &a->cfg;
}

size_t sentraj_analysis_draws(const sentraj_analysis *a, size_t i, const double **values, const double **probs)
{
    if (!a->draws || i >= a->nrows || !a->draws[i].len) {
        *values = *probs = NULL;
        return 0;
    }
    *values = a->draws[i].values;
    *probs = a->draws[i].probs;
    return a->draws[i].len;
}

/* Build a row's sample and window means from the kept conversations listed
 * in idx (ascending, so in id order), or all of them when idx is NULL.
 * Lattice data: deltas are integers over denom * window (labels are
 * integers over the scale's denom), first/last window sums too. */
static sentraj_sample *row_sample(const sentraj_dataset *ds, const uint32_t *idx, size_t n, sentraj_result *r,
                                  sentraj_error *err)
{
    size_t w = ds->window;
    sentraj_sample *s;

    r->conversations = n;
    if (ds->lattice) {
        int64_t *q = malloc((n ? n : 1) * sizeof *q), first = 0, last = 0;
        int64_t denom = ds->denom * (int64_t)w;
        if (!q)
            return sentraj_nomem(err, "category sample"), NULL;
        for (size_t j = 0; j < n; j++) {
            const kept_conv *k = &ds->kept[idx ? idx[j] : j];
            q[j] = k->last_q - k->first_q;
            first += k->first_q;
            last += k->last_q;
        }
        r->mean_first = n ? (double)first / ((double)denom * (double)n) : NAN;
        r->mean_last = n ? (double)last / ((double)denom * (double)n) : NAN;
        s = sample_alloc_lattice(q, n, denom, err);
        free(q);
    } else {
        double *v = malloc((n ? n : 1) * sizeof *v);
        long double first = 0, last = 0;
        if (!v)
            return sentraj_nomem(err, "category sample"), NULL;
        for (size_t j = 0; j < n; j++) {
            const kept_conv *k = &ds->kept[idx ? idx[j] : j];
            v[j] = (k->last_sum - k->first_sum) / (double)w;
            first += k->first_sum;
            last += k->last_sum;
        }
        r->mean_first = n ? (double)(first / ((long double)w * (long double)n)) : NAN;
        r->mean_last = n ? (double)(last / ((long double)w * (long double)n)) : NAN;
        s = sentraj_sample_alloc(v, n, 0, err);
        free(v);
    }
    if (s)
        r->mean_delta = s->mean;
    return s;
}

int analysis_members(const sentraj_dataset *ds, const uint32_t *sets, size_t n, size_t **off_out,
                     uint32_t **members_out, sentraj_error *err)
{
    size_t ncat = ds->cats.count, total = 0;
    size_t *off = calloc(ncat + 1, sizeof *off), *fill = NULL;
    uint32_t *members = NULL;

    if (!off)
        return sentraj_nomem(err, "category lists");
    for (size_t i = 0; i < n; i++)
        for (const uint32_t *m = ds->set_members[sets[i]]; *m != UINT32_MAX; m++)
            off[*m + 1]++, total++;
    for (size_t c = 0; c < ncat; c++)
        off[c + 1] += off[c];
    /* Room for n more, so a caller can append "all" (every item once). */
    members = malloc((total + n + 1) * sizeof *members);
    fill = malloc((ncat ? ncat : 1) * sizeof *fill);
    if (!members || !fill) {
        free(off);
        free(members);
        free(fill);
        return sentraj_nomem(err, "category lists");
    }
    memcpy(fill, off, ncat * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        for (const uint32_t *m = ds->set_members[sets[i]]; *m != UINT32_MAX; m++)
            members[fill[*m]++] = (uint32_t)i;
    free(fill);
    *off_out = off;
    *members_out = members;
    return SENTRAJ_OK;
}

char **analysis_row_names(const sentraj_dataset *ds, sentraj_error *err)
{
    size_t ncat = ds->cats.count;
    char **names = calloc(ncat + 1, sizeof *names);

    if (!names)
        goto nomem;
    for (size_t i = 0; i < ncat; i++)
        if (!(names[i] = strdup(intern_str(&ds->cats, (uint32_t)i))))
            goto nomem;
    qsort(names, ncat, sizeof *names, cmp_name);
    if (!(names[ncat] = strdup("all")))
        goto nomem;
    return names;
nomem:
    for (size_t i = 0; names && i <= ncat; i++)
        free(names[i]);
    free(names);
    sentraj_nomem(err, "category names");
    return NULL;
}

uint32_t analysis_category_id(const sentraj_dataset *ds, const char *name)
{
    size_t len = strlen(name);
    return (uint32_t)intern_find(&ds->cats, name, len, intern_hash(name, len));
}

sentraj_analysis *analysis_alloc(const sentraj_config *cfg, size_t m, sentraj_error *err)
{
    sentraj_analysis *a = calloc(1, sizeof *a);
    if (!a)
        goto nomem;
    a->cfg = *cfg;
    a->rows = calloc(m ? m : 1, sizeof *a->rows);
    a->names = calloc(m ? m : 1, sizeof *a->names);
    if (cfg->keep_resamples)
        a->draws = calloc(m ? m : 1, sizeof *a->draws);
    if (!a->rows || !a->names || (cfg->keep_resamples && !a->draws))
        goto nomem;
    a->nrows = m;
    return a;
nomem:
    sentraj_analysis_free(a);
    sentraj_nomem(err, "analysis");
    return NULL;
}

int analysis_bootstrap(sentraj_analysis *a, sentraj_sample *const *samples, sentraj_error *err)
{
    size_t m = a->nrows;
    sentraj_boot_result *boots = calloc(m ? m : 1, sizeof *boots);
    uint64_t *hashes = calloc(m ? m : 1, sizeof *hashes);
    int rc;

    if (!boots || !hashes) {
        free(boots);
        free(hashes);
        return sentraj_nomem(err, "analysis");
    }
    for (size_t i = 0; i < m; i++) {
        hashes[i] = sentraj_hash_name(a->names[i], strlen(a->names[i]));
        a->rows[i].category = a->names[i];
    }
    rc = boot_many((const sentraj_sample *const *)samples, hashes, m, &a->cfg, boots, a->draws, err);
    if (rc == SENTRAJ_OK)
        for (size_t i = 0; i < m; i++)
            a->rows[i].boot = boots[i];
    free(boots);
    free(hashes);
    return rc;
}

/* The two-level bootstrap's units of one row (--cluster-by): the kept
 * conversations listed in idx (or all), grouped by cluster, each cluster one
 * unit with the sum of its deltas (lattice integers when the data set has
 * them) and its number of conversations. ysum and nsum (one slot per
 * cluster, zero) and touched are scratch space, left zero. */
static ratio_sample *row_units(const sentraj_dataset *ds, const uint32_t *idx, size_t n, ratio_builder *rb,
                               double *ysum, double *nsum, uint32_t *touched, sentraj_error *err)
{
    size_t nt = 0, w = ds->window;

    for (size_t j = 0; j < n; j++) {
        const kept_conv *k = &ds->kept[idx ? idx[j] : j];
        uint32_t cl = conv_cluster(ds, k->conv);
        if (nsum[cl] == 0)
            touched[nt++] = cl;
        ysum[cl] += ds->lattice ? (double)(k->last_q - k->first_q) : (k->last_sum - k->first_sum) / (double)w;
        nsum[cl] += 1;
    }
    for (size_t t = 0; t < nt; t++) {
        unit_entry e = {0, ysum[touched[t]], nsum[touched[t]]};
        ysum[touched[t]] = nsum[touched[t]] = 0;
        if (ratio_builder_add(rb, &e, 1, err) != SENTRAJ_OK) {
            for (size_t u = t + 1; u < nt; u++)
                ysum[touched[u]] = nsum[touched[u]] = 0;
            return NULL;
        }
    }
    return ratio_sample_build(rb, 1, ds->lattice ? (double)(ds->denom * (int64_t)w) : 1.0, err);
}

/* Bootstrap every row by resampling clusters (Davison & Hinkley 1997, ch.
 * 3.8): the estimate stays the mean over conversations. */
static int analysis_bootstrap_clusters(sentraj_analysis *a, const sentraj_dataset *ds, const size_t *off,
                                       const uint32_t *members, sentraj_error *err)
{
    size_t m = a->nrows, ncl = ds->clusters.count, ncat = m - 1;
    ratio_sample **rs = calloc(m, sizeof *rs);
    ratio_result *res = calloc(m, sizeof *res);
    ratio_result **outs = calloc(m, sizeof *outs);
    uint64_t *hashes = calloc(m, sizeof *hashes);
    double *ysum = calloc(ncl ? ncl : 1, sizeof *ysum), *nsum = calloc(ncl ? ncl : 1, sizeof *nsum);
    uint32_t *touched = malloc((ncl ? ncl : 1) * sizeof *touched);
    ratio_builder rb;
    int rc = SENTRAJ_OK;

    ratio_builder_init(&rb);
    if (!rs || !res || !outs || !hashes || !ysum || !nsum || !touched ||
        !(a->cluster_by = strdup(ds->field[FIELD_CLUSTER]))) {
        rc = sentraj_nomem(err, "cluster bootstrap");
        goto out;
    }
    for (size_t i = 0; i < m; i++) {
        if (i < ncat) {
            uint32_t c = analysis_category_id(ds, a->names[i]);
            rs[i] = row_units(ds, members + off[c], off[c + 1] - off[c], &rb, ysum, nsum, touched, err);
        } else {
            rs[i] = row_units(ds, NULL, ds->nkept, &rb, ysum, nsum, touched, err);
        }
        if (!rs[i]) {
            rc = err ? err->code : SENTRAJ_ENOMEM;
            goto out;
        }
        hashes[i] = sentraj_hash_name(a->names[i], strlen(a->names[i]));
        outs[i] = &res[i];
        a->rows[i].category = a->names[i];
    }
    rc = ratio_boot_many((const ratio_sample *const *)rs, hashes, m, &a->cfg, "clusters (--cluster-by)",
                         (size_t)1 << 27, outs, a->draws, err);
    if (rc != SENTRAJ_OK)
        goto out;
    for (size_t i = 0; i < m; i++) {
        sentraj_boot_result *b = &a->rows[i].boot;
        b->estimate = res[i].estimate;
        b->ci_low = res[i].ci_low;
        b->ci_high = res[i].ci_high;
        b->se = res[i].se;
        b->status = res[i].status;
        b->engine = res[i].engine;
        b->resamples = res[i].resamples;
        a->rows[i].clusters = res[i].units;
    }
out:
    for (size_t i = 0; rs && i < m; i++)
        ratio_sample_free(rs[i]);
    ratio_builder_free(&rb);
    free(rs);
    free(res);
    free(outs);
    free(hashes);
    free(ysum);
    free(nsum);
    free(touched);
    return rc;
}

sentraj_analysis *sentraj_analysis_compute(const sentraj_dataset *ds, const sentraj_config *cfg, sentraj_error *err)
{
    sentraj_analysis *a = NULL;
    sentraj_sample **samples = NULL;
    uint32_t *members = NULL, *sets = NULL;
    size_t ncat, m, *off = NULL;
    char **names = NULL;

    if (sentraj_config_check(cfg, err) != SENTRAJ_OK)
        return NULL;
    if (!ds->finished) {
        sentraj_fail(err, SENTRAJ_EUSAGE, "sentraj_analysis_compute needs a finished data set (call sentraj_dataset_finish)");
        return NULL;
    }
    if (cfg->min_human != ds->min_human || cfg->window != ds->window) {
        sentraj_fail(err, SENTRAJ_EUSAGE, "the config's min_human and window must match the data set's");
        return NULL;
    }
    ncat = ds->cats.count;
    m = ncat + 1;
    a = analysis_alloc(cfg, m, err);
    samples = calloc(m, sizeof *samples);
    sets = malloc((ds->nkept ? ds->nkept : 1) * sizeof *sets);
    if (!a || !samples || !sets)
        goto nomem;
    if (!(names = analysis_row_names(ds, err)))
        goto fail;
    memcpy(a->names, names, m * sizeof *names);
    for (size_t i = 0; i < ds->nkept; i++)
        sets[i] = ds->kept[i].set;
    if (analysis_members(ds, sets, ds->nkept, &off, &members, err) != SENTRAJ_OK)
        goto fail;
    for (size_t i = 0; i < m; i++) {
        if (i < ncat) {
            uint32_t c = analysis_category_id(ds, a->names[i]);
            samples[i] = row_sample(ds, members + off[c], off[c + 1] - off[c], &a->rows[i], err);
        } else {
            samples[i] = row_sample(ds, NULL, ds->nkept, &a->rows[i], err);
        }
        if (!samples[i])
            goto fail;
    }
    if (ds->field[FIELD_CLUSTER]) {
        if (analysis_bootstrap_clusters(a, ds, off, members, err) != SENTRAJ_OK)
            goto fail;
    } else if (analysis_bootstrap(a, samples, err) != SENTRAJ_OK)
        goto fail;
    if (analysis_order(a, err) != SENTRAJ_OK)
        goto fail;
    goto done;
nomem:
    sentraj_nomem(err, "analysis");
fail:
    sentraj_analysis_free(a);
    a = NULL;
done:
    for (size_t i = 0; samples && i < m; i++)
        sentraj_sample_free(samples[i]);
    free(samples);
    free(names);
    free(sets);
    free(off);
    free(members);
    return a;
}
