/* bootstrap.c - run the engines for many samples at once and turn draws into intervals. */
#include "boot/bootstrap.h"

#include "boot/driver.h"
#include "boot/engines.h"
#include "core/error.h"
#include "boot/exact.h"
#include "boot/intervals.h"
#include "boot/sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What the bootstrap of one sample keeps beside its driver item. */
typedef struct plan {
    const sentraj_sample *s; /* the caller's sample, or full */
    sentraj_sample full;     /* index and balanced engines: the sample with an entry per value */
    int expanded;
    exact_dist dist;         /* exact: distribution of the lattice sum */
    double *t, *tw;          /* exact studentized: t values and weights */
    size_t tlen;
    sentraj_boot_result *out; /* where the result goes */
    boot_draws *keep;        /* what it drew, when the caller keeps draws; else NULL */
} plan;

/* The sums and, for the studentized method, sums of squares of a Monte Carlo
 * item: acc holds B sums, then B sums of squares. */
static double *sums(const boot_item *it)
{
    return it->acc;
}

static double *squares(const boot_item *it, const sentraj_config *cfg)
{
    return it->width == 2 ? it->acc + cfg->resamples : NULL;
}

static int values_exact(boot_item *it, const sentraj_config *cfg, sentraj_error *err)
{
    plan *pl = it->state;
    int rc = exact_sum_distribution(pl->s, cfg->exact_max_len, &pl->dist, err);

    if (rc == SENTRAJ_OK && cfg->method == SENTRAJ_METHOD_STUDENTIZED)
        rc = exact_studentized_distribution(pl->s, cfg->exact_max_len, &pl->t, &pl->tw, &pl->tlen, err);
    return rc;
}

static int values_index(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1, sentraj_error *err)
{
    (void)err;
    engine_index(it->sample, cfg->seed, it->h, b0, b1, sums(it), squares(it, cfg));
    return SENTRAJ_OK;
}

static int values_balanced(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1, sentraj_error *err)
{
    (void)err;
    engine_balanced(it->sample, it->perm, b0, b1, sums(it), squares(it, cfg));
    return SENTRAJ_OK;
}

static int values_multinomial(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1,
                              sentraj_error *err)
{
    if (engine_multinomial(it->sample, cfg->seed, it->h, b0, b1, sums(it), squares(it, cfg)) != 0)
        return sentraj_nomem(err, "multinomial engine");
    return SENTRAJ_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The resample's mean from its sum; on a lattice one division of an exact
 * integer by denom * n. */
static double mean_of(const sentraj_sample *s, double sum)
{
    if (s->lattice)
        return sum / ((double)s->denom * (double)s->n);
    return sum / (double)s->n;
}

/* Intervals for a Monte Carlo plan. keep, when not NULL, receives the means
 * in resample order (ownership passes to the caller). */
static int finish_mc(const boot_item *it, const sentraj_config *cfg, sentraj_boot_result *r, double **keep,
                     sentraj_error *err)
{
    const plan *pl = it->state;
    const sentraj_sample *s = pl->s;
    const double *sum = sums(it), *sq = squares(it, cfg);
    size_t B = cfg->resamples;
    double *means = malloc(B * sizeof *means), *sorted = malloc(B * sizeof *sorted), *t = NULL, mbar;
    interval_input in;

    if (!means || !sorted) {
        free(means);
        free(sorted);
        return sentraj_nomem(err, "bootstrap means");
    }
    for (size_t b = 0; b < B; b++)
        means[b] = mean_of(s, sum[b]);
    memset(&in, 0, sizeof in);
    in.estimate = s->mean;
    interval_mc_moments(means, B, &mbar, &in.se);
    in.bias = mbar - s->mean;
    memcpy(sorted, means, B * sizeof *means);
    qsort(sorted, B, sizeof *sorted, cmp_double);
    in.means = (boot_dist){sorted, NULL, B};
    if (cfg->method == SENTRAJ_METHOD_BCA)
        in.accel = interval_acceleration(s);
    if (cfg->method == SENTRAJ_METHOD_STUDENTIZED) {
        /* t* = (mean* - mean) / (s* / sqrt(n)); in sums: (S - n mean) /
         * sqrt(n var*) with var* = (S2 - S^2 / n) / (n - 1), all in the
         * sample's units (lattice integers when it has them). */
        long double n = (long double)s->n, total = 0;
        t = malloc(B * sizeof *t);
        if (!t) {
            free(means);
            free(sorted);
            return sentraj_nomem(err, "studentized draws");
        }
        if (s->lattice)
            total = (long double)sample_lattice_total(s);
        else
            for (size_t i = 0; i < s->n; i++)
                total += (long double)s->values[i];
        for (size_t b = 0; b < B; b++) {
            long double S = sum[b], var = ((long double)sq[b] - S * S / n) / (n - 1), d = S - total;
            if (var < 0)
                var = 0;
            if (var == 0 || (s->lattice && d == 0))
                t[b] = d > 0 ? INFINITY : d < 0 ? -INFINITY : 0;
            else
                t[b] = (double)(d / sqrtl(n * var));
        }
        qsort(t, B, sizeof *t, cmp_double);
        in.t = (boot_dist){t, NULL, B};
        in.se_hat = interval_se_hat(s);
    }
    interval_compute(&in, cfg->method, cfg->alternative, cfg->level, &r->ci_low, &r->ci_high);
    r->se = in.se;
    free(sorted);
    free(t);
    if (keep)
        *keep = means;
    else
        free(means);
    return SENTRAJ_OK;
}

/* Intervals for an exact plan. keep_x/keep_w, when not NULL, receive the
 * support (means) and probabilities of the distribution. */
static int finish_exact(const plan *pl, const sentraj_config *cfg, sentraj_boot_result *r, double **keep_x,
                        double **keep_w, size_t *keep_len, sentraj_error *err)
{
    const sentraj_sample *s = pl->s;
    const exact_dist *d = &pl->dist;
    double *x = malloc(d->len * sizeof *x), *w = malloc(d->len * sizeof *w);
    size_t len = 0;
    long double ss = 0;
    interval_input in;

    if (!x || !w) {
        free(x);
        free(w);
        return sentraj_nomem(err, "exact distribution");
    }
    for (size_t i = 0; i < d->len; i++) {
        if (d->probs[i] > 0) {
            x[len] = (double)(d->s0 + (int64_t)i) / ((double)s->denom * (double)s->n);
            w[len++] = d->probs[i];
        }
    }
    memset(&in, 0, sizeof in);
    in.estimate = s->mean;
    /* The exact bootstrap variance of the mean is the sample's variance
     * (denominator n) over n. */
    for (size_t j = 0; j < s->k; j++) {
        long double dv = (long double)s->distinct[j] - (long double)s->mean;
        ss += (long double)s->counts[j] * dv * dv;
    }
    in.se = (double)sqrtl(ss / ((long double)s->n * (long double)s->n));
    in.bias = 0;
    in.means = (boot_dist){x, w, len};
    if (cfg->method == SENTRAJ_METHOD_BCA)
        in.accel = interval_acceleration(s);
    if (cfg->method == SENTRAJ_METHOD_STUDENTIZED) {
        in.t = (boot_dist){pl->t, pl->tw, pl->tlen};
        in.se_hat = interval_se_hat(s);
    }
    interval_compute(&in, cfg->method, cfg->alternative, cfg->level, &r->ci_low, &r->ci_high);
    r->se = in.se;
    if (keep_x) {
        *keep_x = x;
        *keep_w = w;
        *keep_len = len;
    } else {
        free(x);
        free(w);
    }
    return SENTRAJ_OK;
}

/* Free what the plan made; it may be called again. */
static void plan_free(plan *pl)
{
    if (pl->expanded)
        sample_expand_free(&pl->full);
    pl->expanded = 0;
    exact_dist_free(&pl->dist);
    free(pl->t);
    free(pl->tw);
    pl->t = pl->tw = NULL;
}

/* The index and balanced engines read one entry per value: the sample is
 * expanded just before its wave and freed when it is finished. */
static int values_prepare(boot_item *it, const sentraj_config *cfg, sentraj_error *err)
{
    plan *pl = it->state;
    int rc;

    (void)cfg;
    if (it->engine != SENTRAJ_ENGINE_INDEX)
        return SENTRAJ_OK;
    if ((rc = sample_expand(pl->s, &pl->full, err)) != SENTRAJ_OK)
        return rc;
    pl->expanded = 1;
    pl->s = &pl->full;
    it->sample = pl->s;
    return SENTRAJ_OK;
}

static int values_finish(boot_item *it, const sentraj_config *cfg, sentraj_error *err)
{
    plan *pl = it->state;
    boot_draws *k = pl->keep;
    int rc;

    if (it->engine == SENTRAJ_ENGINE_EXACT)
        rc = finish_exact(pl, cfg, pl->out, k ? &k->values : NULL, k ? &k->probs : NULL, k ? &k->len : NULL, err);
    else if ((rc = finish_mc(it, cfg, pl->out, k ? &k->values : NULL, err)) == SENTRAJ_OK && k)
        k->len = cfg->resamples;
    plan_free(pl);
    return rc;
}

static const boot_kernels value_kernels = {values_prepare, values_exact,       values_index,
                                           values_balanced, values_multinomial, values_finish};

/* Set up sample i's item, or settle its result when it needs no resampling
 * (fewer than 2 values, or one distinct value). */
static int plan_item(const sentraj_sample *s, uint64_t h, const sentraj_config *cfg, plan *pl, boot_item *it,
                     sentraj_boot_result *r, boot_draws *keep, sentraj_error *err)
{
    memset(r, 0, sizeof *r);
    pl->s = s;
    pl->out = r;
    pl->keep = keep;
    it->kern = &value_kernels;
    it->state = pl;
    it->sample = s;
    it->h = h;
    it->n = s->n;
    it->engine = boot_resolve(cfg, s->n, s->k);
    r->estimate = s->mean;
    r->engine = it->engine;
    r->resamples = it->engine == SENTRAJ_ENGINE_EXACT ? 0 : cfg->resamples;
    if (s->n < 2) {
        r->status = SENTRAJ_CI_TOO_FEW;
        r->ci_low = r->ci_high = r->se = NAN;
        return SENTRAJ_OK;
    }
    if (s->k == 1) {
        /* Every resample of a constant sample is that constant, for every
         * method; one-sided intervals keep their open end. */
        r->status = SENTRAJ_CI_DEGENERATE;
        r->ci_low = cfg->alternative == SENTRAJ_LESS ? -INFINITY : s->mean;
        r->ci_high = cfg->alternative == SENTRAJ_GREATER ? INFINITY : s->mean;
        r->se = 0;
        return SENTRAJ_OK;
    }
    if (it->engine == SENTRAJ_ENGINE_EXACT && !s->lattice)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the exact engine needs deltas on a lattice (every label scale gives one); this data "
                            "has numeric labels off the scale's grid: use --engine multinomial or index");
    if (s->n > UINT32_MAX) {
        it->rc = sentraj_fail(&it->err, SENTRAJ_ELIMIT,
                              "a sample of %zu values is larger than the engines' limit of 2^32 - 1", s->n);
        if (boot_item_refused(it))
            return SENTRAJ_OK;
        if (err)
            *err = it->err;
        return it->rc;
    }
    it->active = 1;
    if (it->engine == SENTRAJ_ENGINE_EXACT) {
        /* The distribution spans at most n times the sample's range (and
         * the transform limit); its copies in finish_exact take as much. */
        double span = (double)(s->qd[s->k - 1] - s->qd[0]) * (double)s->n + 1;
        it->extra_bytes = (size_t)fmin(span, (double)cfg->exact_max_len) * 4 * sizeof(double);
        return SENTRAJ_OK;
    }
    if (it->engine == SENTRAJ_ENGINE_INDEX)
        it->extra_bytes = s->n * (sizeof(int32_t) + sizeof(int8_t));
    it->width = cfg->method == SENTRAJ_METHOD_STUDENTIZED ? 2 : 1;
    return SENTRAJ_OK;
}

void boot_result_refuse(sentraj_boot_result *r)
{
    r->status = SENTRAJ_CI_REFUSED;
    r->ci_low = r->ci_high = r->se = NAN;
}

int boot_many(const sentraj_sample *const *samples, const uint64_t *hashes, size_t m, const sentraj_config *cfg,
              sentraj_boot_result *out, boot_draws *keep, sentraj_error *refused, sentraj_error *err)
{
    plan *plans = NULL;
    boot_item *items = NULL;
    int rc;

    /* Cleared first, so that every error leaves nothing to free in keep. */
    if (keep)
        memset(keep, 0, m * sizeof *keep);
    if ((rc = sentraj_config_check(cfg, err)) != SENTRAJ_OK)
        return rc;
    plans = calloc(m ? m : 1, sizeof *plans);
    items = calloc(m ? m : 1, sizeof *items);
    if (!plans || !items) {
        rc = sentraj_nomem(err, "bootstrap");
        goto out;
    }
    for (size_t i = 0; i < m; i++) {
        items[i].refusable = refused != NULL;
        if ((rc = plan_item(samples[i], hashes[i], cfg, &plans[i], &items[i], &out[i], keep ? &keep[i] : NULL,
                            err)) != SENTRAJ_OK)
            goto out;
    }
    if ((rc = boot_run(items, m, cfg, "values", err)) != SENTRAJ_OK)
        goto out;
    for (size_t i = 0; refused && i < m; i++) {
        memset(&refused[i], 0, sizeof refused[i]);
        if (boot_item_refused(&items[i])) {
            refused[i] = items[i].err;
            boot_result_refuse(&out[i]);
        }
    }
out:
    boot_items_release(items, m);
    for (size_t i = 0; plans && i < m; i++)
        plan_free(&plans[i]);
    if (rc != SENTRAJ_OK && keep)
        boot_draws_free(keep, m);
    free(plans);
    free(items);
    return rc;
}

void boot_draws_free(boot_draws *keep, size_t m)
{
    for (size_t i = 0; keep && i < m; i++) {
        free(keep[i].values);
        free(keep[i].probs);
        keep[i].values = keep[i].probs = NULL;
        keep[i].len = 0;
    }
}

int sentraj_boot_mean(const sentraj_sample *s, const char *name, const sentraj_config *cfg,
                      sentraj_boot_result *out, double *means, sentraj_error *err)
{
    uint64_t h = sentraj_hash_name(name, strlen(name));
    boot_draws keep;
    int rc = boot_many(&s, &h, 1, cfg, out, means ? &keep : NULL, NULL, err);

    if (rc == SENTRAJ_OK && means && keep.values && !keep.probs)
        memcpy(means, keep.values, keep.len * sizeof *means);
    if (means)
        boot_draws_free(&keep, 1);
    return rc;
}
