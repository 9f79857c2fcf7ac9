/* analysis_rows.c - an analysis' rows filled: samples, the bootstrap of their statistic, clusters and statuses. */
#include "analyses/analysis.h"

#include "boot/bootstrap.h"
#include "boot/groups.h"
#include "boot/ratio.h"
#include "boot/sample.h"
#include "core/error.h"
#include "data/dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

analysis_src analysis_src_of(const sentraj_dataset *ds)
{
    analysis_src src = {ds, ds->kept, ds->nkept, ds->window};
    return src;
}

/* Conversation k's delta in the sample's units: an exact integer over
 * denom * window on a lattice, else the delta itself. */
static double delta_units(const analysis_src *src, const kept_conv *k)
{
    return src->ds->lattice ? (double)(k->last_q - k->first_q) : (k->last_sum - k->first_sum) / (double)src->window;
}

/* Build a row's sample and window means from the conversations listed in
 * idx (ascending, so in id order), or all of them when idx is NULL.
 * Lattice data: deltas are integers over denom * window (labels are
 * integers over the scale's denom), first/last window sums too. */
static sentraj_sample *row_sample(const analysis_src *src, const uint32_t *idx, size_t n, sentraj_result *r,
                                  sentraj_error *err)
{
    size_t w = src->window;
    sentraj_sample *s;

    r->conversations = n;
    if (src->ds->lattice) {
        int64_t *q = malloc((n ? n : 1) * sizeof *q), first = 0, last = 0;
        int64_t denom = src->ds->denom * (int64_t)w;
        if (!q)
            return sentraj_nomem(err, "category sample"), NULL;
        for (size_t j = 0; j < n; j++) {
            const kept_conv *k = &src->kept[idx ? idx[j] : j];
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
            const kept_conv *k = &src->kept[idx ? idx[j] : j];
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

/* Keep row i's refusal: its status and a copy of why. */
static int refuse_row(sentraj_analysis *a, size_t i, const sentraj_error *why, sentraj_error *err)
{
    sentraj_boot_result *b = &a->rows[i].boot;

    b->status = SENTRAJ_CI_REFUSED;
    b->ci_low = b->ci_high = b->se = NAN;
    free(a->notes[i]);
    if (!(a->notes[i] = strdup(why->message)))
        return sentraj_nomem(err, "analysis");
    a->rows[i].note = a->notes[i];
    return SENTRAJ_OK;
}

/* An ok row from fewer conversations (or clusters) than cfg.small is small:
 * its interval is given, but its coverage falls short of the level. */
static void mark_small(sentraj_analysis *a, int clustered)
{
    for (size_t i = 0; i < a->nrows; i++) {
        sentraj_result *r = &a->rows[i];
        if (r->boot.status == SENTRAJ_CI_OK &&
            (r->conversations < a->cfg.small || (clustered && r->clusters < a->cfg.small)))
            r->boot.status = SENTRAJ_CI_SMALL;
    }
}

/* The statistic of every row's sample by the groups bootstrap, one unit
 * per conversation. */
static int bootstrap_groups(sentraj_analysis *a, sentraj_sample *const *samples, const uint64_t *hashes,
                            sentraj_error *err)
{
    size_t m = a->nrows;
    groups_row *rows = calloc(m ? m : 1, sizeof *rows);
    groups_sample **gs = calloc(m ? m : 1, sizeof *gs);
    static const double one = 1;
    int rc = SENTRAJ_OK;

    if (!rows || !gs)
        rc = sentraj_nomem(err, "analysis");
    for (size_t i = 0; i < m && rc == SENTRAJ_OK; i++) {
        if (!(gs[i] = groups_from_sample(samples[i], err)))
            rc = SENTRAJ_ENOMEM;
        rows[i] = (groups_row){.gs = gs[i], .h = hashes[i], .w = &one};
    }
    if (rc == SENTRAJ_OK)
        rc = groups_boot_many(rows, m, &a->cfg, a->draws, err);
    for (size_t i = 0; i < m && rc == SENTRAJ_OK; i++) {
        sentraj_result *r = &a->rows[i];
        r->mean_delta = rows[i].estimate;
        r->boot = (sentraj_boot_result){.estimate = rows[i].estimate, .ci_low = rows[i].ci_low,
                                        .ci_high = rows[i].ci_high, .se = rows[i].se, .status = rows[i].status,
                                        .engine = rows[i].engine, .resamples = rows[i].resamples};
        if (rows[i].status == SENTRAJ_CI_REFUSED)
            rc = refuse_row(a, i, &rows[i].refused, err);
    }
    for (size_t i = 0; gs && i < m; i++)
        groups_free(gs[i]);
    free(gs);
    free(rows);
    return rc;
}

int analysis_bootstrap(sentraj_analysis *a, sentraj_sample *const *samples, sentraj_error *err)
{
    size_t m = a->nrows;
    sentraj_boot_result *boots = calloc(m ? m : 1, sizeof *boots);
    sentraj_error *refused = calloc(m ? m : 1, sizeof *refused);
    uint64_t *hashes = calloc(m ? m : 1, sizeof *hashes);
    int rc = SENTRAJ_OK;

    if (!boots || !hashes || !refused)
        rc = sentraj_nomem(err, "analysis");
    for (size_t i = 0; i < m && rc == SENTRAJ_OK; i++) {
        hashes[i] = sentraj_hash_name(a->names[i], strlen(a->names[i]));
        a->rows[i].category = a->names[i];
    }
    if (rc == SENTRAJ_OK && a->cfg.statistic != SENTRAJ_STAT_MEAN) {
        rc = bootstrap_groups(a, samples, hashes, err);
    } else if (rc == SENTRAJ_OK) {
        rc = boot_many((const sentraj_sample *const *)samples, hashes, m, &a->cfg, boots, a->draws, refused, err);
        for (size_t i = 0; i < m && rc == SENTRAJ_OK; i++) {
            a->rows[i].boot = boots[i];
            if (refused[i].code != SENTRAJ_OK)
                rc = refuse_row(a, i, &refused[i], err);
        }
    }
    if (rc == SENTRAJ_OK)
        mark_small(a, 0);
    free(boots);
    free(hashes);
    free(refused);
    return rc;
}

/* ---- clusters ------------------------------------------------------------- */

/* Per row with clusters: the value each conversation contributes to the
 * design effect (its delta, or for a share whether it counts) in the
 * sample's units. */
static double design_value(const sentraj_config *cfg, const analysis_src *src, const kept_conv *k)
{
    double d = delta_units(src, k);
    switch (cfg->statistic) {
    case SENTRAJ_STAT_SHARE_UP:
        return d > 0;
    case SENTRAJ_STAT_SHARE_DOWN:
        return d < 0;
    case SENTRAJ_STAT_SHARE_SAME:
        return d == 0;
    default:
        return d;
    }
}

/* Scratch for grouping a row's conversations by cluster: per cluster, the
 * sum of its values, its count and its values' count per distinct delta;
 * touched lists the clusters in use (all left zero afterwards). */
typedef struct cluster_work {
    double *ysum, *nsum;
    uint32_t *touched;
    size_t nt;
} cluster_work;

/* Group the row's conversations by cluster into w (touched, sums). */
static void cluster_sums(const sentraj_analysis *a, const analysis_src *src, const uint32_t *idx, size_t n,
                         cluster_work *w)
{
    w->nt = 0;
    for (size_t j = 0; j < n; j++) {
        const kept_conv *k = &src->kept[idx ? idx[j] : j];
        uint32_t cl = conv_cluster(src->ds, k->conv);
        if (w->nsum[cl] == 0)
            w->touched[w->nt++] = cl;
        w->ysum[cl] += a->cfg.statistic == SENTRAJ_STAT_MEAN ? delta_units(src, k) : design_value(&a->cfg, src, k);
        w->nsum[cl] += 1;
    }
}

/* The row's clusters, largest cluster's share and design effect from w:
 * with clusters i of n_i conversations summing to y_i (N in all, theta =
 * sum y / N), deff = [m / (m - 1) sum (y_i - theta n_i)^2 / N^2] / [s^2 / N],
 * the linearisation variance of the ratio over the variance of the mean of
 * N independent values (s^2 with N - 1); 1 with one conversation per
 * cluster. Clears w's sums. */
static void cluster_stats(sentraj_result *r, const analysis_src *src, const uint32_t *idx, size_t n,
                          const sentraj_config *cfg, cluster_work *w)
{
    long double N = 0, Y = 0, res = 0, ss = 0, m = (long double)w->nt, largest = 0, theta, mean;

    for (size_t t = 0; t < w->nt; t++) {
        N += w->nsum[w->touched[t]];
        Y += w->ysum[w->touched[t]];
        if (w->nsum[w->touched[t]] > largest)
            largest = w->nsum[w->touched[t]];
    }
    theta = N > 0 ? Y / N : 0;
    for (size_t t = 0; t < w->nt; t++) {
        long double d = w->ysum[w->touched[t]] - theta * w->nsum[w->touched[t]];
        res += d * d;
        w->ysum[w->touched[t]] = w->nsum[w->touched[t]] = 0;
    }
    mean = theta;
    for (size_t j = 0; j < n; j++) {
        long double d = (long double)design_value(cfg, src, &src->kept[idx ? idx[j] : j]) - mean;
        ss += d * d;
    }
    r->clusters = w->nt;
    r->largest_cluster_share = N > 0 ? (double)(largest / N) : NAN;
    if (w->nt >= 2 && n >= 2 && ss > 0)
        r->design_effect = (double)((m / (m - 1) * res / (N * N)) / (ss / (N - 1) / N));
}

/* The units of one row with clusters for the ratio bootstrap of the mean:
 * each cluster one unit with the sum of its deltas (lattice integers when
 * the data set has them) and its number of conversations. */
static ratio_sample *row_units(const analysis_src *src, cluster_work *w, ratio_builder *rb, sentraj_error *err)
{
    for (size_t t = 0; t < w->nt; t++) {
        unit_entry e = {0, w->ysum[w->touched[t]], w->nsum[w->touched[t]]};
        if (ratio_builder_add(rb, &e, 1, err) != SENTRAJ_OK)
            return NULL;
    }
    return ratio_sample_build(rb, 1, src->ds->lattice ? (double)(src->ds->denom * (int64_t)src->window) : 1.0, err);
}

/* The groups sample of one row with clusters: each cluster one unit
 * carrying its conversations' deltas. */
static groups_sample *row_groups(const analysis_src *src, const uint32_t *idx, size_t n, sentraj_error *err)
{
    groups_value *v = malloc((n ? n : 1) * sizeof *v);
    uint32_t *unit = calloc(src->ds->clusters.count ? src->ds->clusters.count : 1, sizeof *unit);
    uint32_t nu = 0;
    groups_sample *gs = NULL;

    if (!v || !unit) {
        sentraj_nomem(err, "cluster bootstrap");
        goto out;
    }
    /* Units numbered by first appearance; groups_build sorts them by content. */
    for (size_t j = 0; j < n; j++) {
        const kept_conv *k = &src->kept[idx ? idx[j] : j];
        uint32_t cl = conv_cluster(src->ds, k->conv);
        if (unit[cl] == 0)
            unit[cl] = ++nu;
        v[j] = (groups_value){unit[cl] - 1, 0, src->ds->lattice ? k->last_q - k->first_q : 0,
                              src->ds->lattice ? 0 : delta_units(src, k)};
    }
    gs = groups_build(v, n, nu, 1, src->ds->lattice, src->ds->denom * (int64_t)src->window, err);
out:
    free(v);
    free(unit);
    return gs;
}

/* The ratio results of the mean into the rows. */
static int store_ratio(sentraj_analysis *a, const ratio_result *res)
{
    for (size_t i = 0; i < a->nrows; i++) {
        sentraj_boot_result *b = &a->rows[i].boot;
        b->estimate = res[i].estimate;
        b->ci_low = res[i].ci_low;
        b->ci_high = res[i].ci_high;
        b->se = res[i].se;
        b->status = res[i].status;
        b->engine = res[i].engine;
        b->resamples = res[i].resamples;
    }
    return SENTRAJ_OK;
}

/* The groups results of another statistic into the rows. */
static int store_groups(sentraj_analysis *a, const groups_row *rows, sentraj_error *err)
{
    for (size_t i = 0; i < a->nrows; i++) {
        sentraj_result *r = &a->rows[i];
        r->mean_delta = rows[i].estimate;
        r->boot = (sentraj_boot_result){.estimate = rows[i].estimate, .ci_low = rows[i].ci_low,
                                        .ci_high = rows[i].ci_high, .se = rows[i].se, .status = rows[i].status,
                                        .engine = rows[i].engine, .resamples = rows[i].resamples};
        if (rows[i].status == SENTRAJ_CI_REFUSED && refuse_row(a, i, &rows[i].refused, err) != SENTRAJ_OK)
            return SENTRAJ_ENOMEM;
    }
    return SENTRAJ_OK;
}

/* Bootstrap every row by resampling clusters (Davison & Hinkley 1997, ch.
 * 3.8): the estimate stays the statistic over conversations. The mean is a
 * ratio of sums (boot/ratio.c); other statistics need what each resample
 * drew (boot/groups.c). */
static int bootstrap_clusters(sentraj_analysis *a, const analysis_src *src, const uint32_t *const *members,
                              const size_t *count, sentraj_error *err)
{
    size_t m = a->nrows, ncl = src->ds->clusters.count;
    int mean = a->cfg.statistic == SENTRAJ_STAT_MEAN, rc = SENTRAJ_OK;
    ratio_sample **rs = calloc(m, sizeof *rs);
    groups_sample **gs = calloc(m, sizeof *gs);
    ratio_result *res = calloc(m, sizeof *res);
    ratio_result **outs = calloc(m, sizeof *outs);
    groups_row *grows = calloc(m, sizeof *grows);
    uint64_t *hashes = calloc(m, sizeof *hashes);
    cluster_work w = {calloc(ncl ? ncl : 1, sizeof *w.ysum), calloc(ncl ? ncl : 1, sizeof *w.nsum),
                      malloc((ncl ? ncl : 1) * sizeof *w.touched), 0};
    static const double one = 1;
    ratio_builder rb;

    ratio_builder_init(&rb);
    if (!rs || !gs || !res || !outs || !grows || !hashes || !w.ysum || !w.nsum || !w.touched ||
        !(a->cluster_by = strdup(src->ds->field[FIELD_CLUSTER]))) {
        rc = sentraj_nomem(err, "cluster bootstrap");
        goto out;
    }
    for (size_t i = 0; i < m && rc == SENTRAJ_OK; i++) {
        hashes[i] = sentraj_hash_name(a->names[i], strlen(a->names[i]));
        outs[i] = &res[i];
        cluster_sums(a, src, members[i], count[i], &w);
        if (mean && !(rs[i] = row_units(src, &w, &rb, err)))
            rc = err ? err->code : SENTRAJ_ENOMEM;
        cluster_stats(&a->rows[i], src, members[i], count[i], &a->cfg, &w);
        if (!mean && rc == SENTRAJ_OK && !(gs[i] = row_groups(src, members[i], count[i], err)))
            rc = err ? err->code : SENTRAJ_ENOMEM;
        grows[i] = (groups_row){.gs = gs[i], .h = hashes[i], .w = &one};
    }
    if (rc == SENTRAJ_OK && mean) {
        rc = ratio_boot_many((const ratio_sample *const *)rs, hashes, m, &a->cfg, "clusters (--cluster-by)",
                             (size_t)1 << 27, outs, a->draws, err);
        if (rc == SENTRAJ_OK)
            rc = store_ratio(a, res);
    } else if (rc == SENTRAJ_OK) {
        rc = groups_boot_many(grows, m, &a->cfg, a->draws, err);
        if (rc == SENTRAJ_OK)
            rc = store_groups(a, grows, err);
    }
    if (rc == SENTRAJ_OK)
        mark_small(a, 1);
out:
    for (size_t i = 0; i < m; i++) {
        ratio_sample_free(rs ? rs[i] : NULL);
        groups_free(gs ? gs[i] : NULL);
    }
    ratio_builder_free(&rb);
    free(rs);
    free(gs);
    free(res);
    free(outs);
    free(grows);
    free(hashes);
    free(w.ysum);
    free(w.nsum);
    free(w.touched);
    return rc;
}

int analysis_fill(sentraj_analysis *a, const analysis_src *src, const uint32_t *const *members, const size_t *count,
                  sentraj_error *err)
{
    size_t m = a->nrows;
    sentraj_sample **samples = calloc(m ? m : 1, sizeof *samples);
    int rc = SENTRAJ_OK;

    if (!samples)
        return sentraj_nomem(err, "analysis");
    for (size_t i = 0; i < m && rc == SENTRAJ_OK; i++) {
        a->rows[i].category = a->names[i];
        if (!(samples[i] = row_sample(src, members[i], count[i], &a->rows[i], err)))
            rc = err ? err->code : SENTRAJ_ENOMEM;
    }
    if (rc == SENTRAJ_OK && src->ds->field[FIELD_CLUSTER])
        rc = bootstrap_clusters(a, src, members, count, err);
    else if (rc == SENTRAJ_OK)
        rc = analysis_bootstrap(a, samples, err);
    for (size_t i = 0; i < m; i++)
        sentraj_sample_free(samples[i]);
    free(samples);
    return rc;
}
