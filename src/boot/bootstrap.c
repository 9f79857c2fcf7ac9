/* bootstrap.c - run the engines for many samples at once and turn draws into intervals. */
#include "boot/bootstrap.h"

#include "core/blas.h"
#include "boot/engines.h"
#include "core/error.h"
#include "boot/exact.h"
#include "boot/intervals.h"
#include "core/pool.h"
#include "boot/sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Resamples per task: small enough to balance a few threads, large enough
 * that handing out a task costs nothing next to it. Results do not depend
 * on it: every resample has its own stream. */
#define BLOCK 64

/* Auto picks the multinomial engine when n >= AUTO_RATIO * K: a binomial
 * draw of gsl_ran_multinomial costs about as much as 70 index draws, so
 * below that the index engine is faster (measured in docs/statistics.md). */
#define AUTO_RATIO 64

typedef struct plan {
    const sentraj_sample *s; /* the caller's sample, or full */
    sentraj_sample full;     /* index engine: the sample with an entry per value */
    int expanded;
    uint64_t h;
    sentraj_engine engine; /* resolved: never AUTO */
    int balanced;
    int active;            /* needs resampling (ok status) */
    double *sum, *sq;      /* Monte Carlo: per-resample sums and sums of squares */
    uint32_t *perm;        /* balanced: n * B indices */
    exact_dist dist;       /* exact: distribution of the lattice sum */
    double *t, *tw;        /* exact studentized: t values and weights */
    size_t tlen;
    int rc;
    sentraj_error err;
} plan;

typedef struct task {
    size_t p;
    size_t b0, b1; /* b1 == 0: the sample's set-up task (exact engine, balanced permutation) */
} task;

typedef struct job {
    plan *plans;
    task *tasks;
    const sentraj_config *cfg;
} job;

static void run_task(void *ctx, size_t t)
{
    job *j = ctx;
    const task *tk = &j->tasks[t];
    plan *pl = &j->plans[tk->p];
    const sentraj_config *cfg = j->cfg;

    if (tk->b1 == 0) {
        if (pl->engine == SENTRAJ_ENGINE_EXACT) {
            pl->rc = exact_sum_distribution(pl->s, cfg->exact_max_len, &pl->dist, &pl->err);
            if (pl->rc == SENTRAJ_OK && cfg->method == SENTRAJ_METHOD_STUDENTIZED)
                pl->rc = exact_studentized_distribution(pl->s, cfg->exact_max_len, &pl->t, &pl->tw, &pl->tlen,
                                                        &pl->err);
        } else {
            engine_balanced_permutation(pl->s->n, cfg->resamples, cfg->seed, pl->h, pl->perm);
        }
        return;
    }
    switch (pl->engine) {
    case SENTRAJ_ENGINE_MULTINOMIAL:
        if (engine_multinomial(pl->s, cfg->seed, pl->h, tk->b0, tk->b1, pl->sum, pl->sq) != 0)
            pl->rc = sentraj_nomem(&pl->err, "multinomial engine");
        break;
    default:
        if (pl->balanced)
            engine_balanced(pl->s, pl->perm, tk->b0, tk->b1, pl->sum, pl->sq);
        else
            engine_index(pl->s, cfg->seed, pl->h, tk->b0, tk->b1, pl->sum, pl->sq);
        break;
    }
}

static sentraj_engine resolve(const sentraj_sample *s, const sentraj_config *cfg)
{
    if (cfg->engine != SENTRAJ_ENGINE_AUTO)
        return cfg->engine;
    if (cfg->sim == SENTRAJ_SIM_BALANCED)
        return SENTRAJ_ENGINE_INDEX;
    return s->n >= 2 && s->k * AUTO_RATIO <= s->n ? SENTRAJ_ENGINE_MULTINOMIAL : SENTRAJ_ENGINE_INDEX;
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
static int finish_mc(plan *pl, const sentraj_config *cfg, sentraj_boot_result *r, double **keep, sentraj_error *err)
{
    const sentraj_sample *s = pl->s;
    size_t B = cfg->resamples;
    double *means = malloc(B * sizeof *means), *sorted = malloc(B * sizeof *sorted), *t = NULL, mbar;
    interval_input in;

    if (!means || !sorted) {
        free(means);
        free(sorted);
        return sentraj_nomem(err, "bootstrap means");
    }
    for (size_t b = 0; b < B; b++)
        means[b] = mean_of(s, pl->sum[b]);
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
            long double S = pl->sum[b], var = ((long double)pl->sq[b] - S * S / n) / (n - 1), d = S - total;
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
static int finish_exact(plan *pl, const sentraj_config *cfg, sentraj_boot_result *r, double **keep_x, double **keep_w,
                        size_t *keep_len, sentraj_error *err)
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

static void plan_free(plan *pl)
{
    if (pl->expanded)
        sample_expand_free(&pl->full);
    free(pl->sum);
    free(pl->sq);
    free(pl->perm);
    exact_dist_free(&pl->dist);
    free(pl->t);
    free(pl->tw);
}

int boot_many(const sentraj_sample *const *samples, const uint64_t *hashes, size_t m, const sentraj_config *cfg,
              sentraj_boot_result *out, boot_draws *keep, sentraj_error *err)
{
    size_t B = cfg->resamples, ntasks = 0;
    plan *plans = NULL;
    task *tasks = NULL;
    int rc;
    job j;

    if ((rc = sentraj_config_check(cfg, err)) != SENTRAJ_OK)
        return rc;
    plans = calloc(m ? m : 1, sizeof *plans);
    if (!plans)
        return sentraj_nomem(err, "bootstrap");
    if (keep)
        memset(keep, 0, m * sizeof *keep);

    for (size_t i = 0; i < m; i++) {
        const sentraj_sample *s = samples[i];
        sentraj_boot_result *r = &out[i];
        plan *pl = &plans[i];

        memset(r, 0, sizeof *r);
        pl->s = s;
        pl->h = hashes[i];
        pl->engine = resolve(s, cfg);
        r->estimate = s->mean;
        r->engine = pl->engine;
        r->resamples = pl->engine == SENTRAJ_ENGINE_EXACT ? 0 : B;
        if (s->n < 2) {
            r->status = SENTRAJ_CI_TOO_FEW;
            r->ci_low = r->ci_high = r->se = NAN;
            continue;
        }
        if (s->k == 1) {
            /* Every resample of a constant sample is that constant, for
             * every method; one-sided intervals keep their open end. */
            r->status = SENTRAJ_CI_DEGENERATE;
            r->ci_low = cfg->alternative == SENTRAJ_LESS ? -INFINITY : s->mean;
            r->ci_high = cfg->alternative == SENTRAJ_GREATER ? INFINITY : s->mean;
            r->se = 0;
            continue;
        }
        if (pl->engine == SENTRAJ_ENGINE_EXACT && !s->lattice) {
            rc = sentraj_fail(err, SENTRAJ_EUSAGE,
                              "the exact engine needs deltas on a lattice (every label scale gives one); this data "
                              "has numeric labels off the scale's grid: use --engine multinomial or index");
            goto out;
        }
        if (s->n > UINT32_MAX) {
            rc = sentraj_fail(err, SENTRAJ_ELIMIT,
                              "a sample of %zu values is larger than the engines' limit of 2^32 - 1", s->n);
            goto out;
        }
        pl->active = 1;
        if (pl->engine == SENTRAJ_ENGINE_EXACT) {
            ntasks++;
            continue;
        }
        if (pl->engine == SENTRAJ_ENGINE_INDEX) {
            if ((rc = sample_expand(s, &pl->full, err)) != SENTRAJ_OK)
                goto out;
            pl->expanded = 1;
            pl->s = &pl->full;
        }
        pl->balanced = cfg->sim == SENTRAJ_SIM_BALANCED;
        if (pl->balanced) {
            if ((rc = engine_balanced_alloc(s->n, B, cfg->balanced_max, "values", &pl->perm, err)) != SENTRAJ_OK)
                goto out;
            ntasks++;
        }
        pl->sum = malloc(B * sizeof *pl->sum);
        if (cfg->method == SENTRAJ_METHOD_STUDENTIZED)
            pl->sq = malloc(B * sizeof *pl->sq);
        if (!pl->sum || (cfg->method == SENTRAJ_METHOD_STUDENTIZED && !pl->sq)) {
            rc = sentraj_nomem(err, "resampled sums");
            goto out;
        }
        ntasks += (B + BLOCK - 1) / BLOCK;
    }

    tasks = malloc((ntasks ? ntasks : 1) * sizeof *tasks);
    if (!tasks) {
        rc = sentraj_nomem(err, "bootstrap tasks");
        goto out;
    }
    j = (job){plans, tasks, cfg};

    /* OpenBLAS must not start threads of its own under ours. */
    blas_single_thread();

    /* Phase 1: set-up tasks (exact distributions, balanced permutations). */
    ntasks = 0;
    for (size_t i = 0; i < m; i++)
        if (plans[i].active && (plans[i].engine == SENTRAJ_ENGINE_EXACT || plans[i].balanced))
            tasks[ntasks++] = (task){i, 0, 0};
    pool_run(cfg->threads, ntasks, run_task, &j, err);
    /* Phase 2: the Monte Carlo blocks. */
    ntasks = 0;
    for (size_t i = 0; i < m; i++) {
        if (!plans[i].active || plans[i].engine == SENTRAJ_ENGINE_EXACT)
            continue;
        for (size_t b = 0; b < B; b += BLOCK)
            tasks[ntasks++] = (task){i, b, b + BLOCK < B ? b + BLOCK : B};
    }
    pool_run(cfg->threads, ntasks, run_task, &j, err);

    for (size_t i = 0; i < m; i++) {
        plan *pl = &plans[i];
        if (!pl->active)
            continue;
        if (pl->rc != SENTRAJ_OK) {
            if (err)
                *err = pl->err;
            rc = pl->rc;
            goto out;
        }
        if (pl->engine == SENTRAJ_ENGINE_EXACT)
            rc = finish_exact(pl, cfg, &out[i], keep ? &keep[i].values : NULL, keep ? &keep[i].probs : NULL,
                              keep ? &keep[i].len : NULL, err);
        else
            rc = finish_mc(pl, cfg, &out[i], keep ? &keep[i].values : NULL, err);
        if (rc != SENTRAJ_OK)
            goto out;
        if (keep && pl->engine != SENTRAJ_ENGINE_EXACT)
            keep[i].len = B;
    }
    rc = SENTRAJ_OK;
out:
    for (size_t i = 0; i < m; i++)
        plan_free(&plans[i]);
    if (rc != SENTRAJ_OK && keep)
        boot_draws_free(keep, m);
    free(plans);
    free(tasks);
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
    int rc = boot_many(&s, &h, 1, cfg, out, means ? &keep : NULL, err);

    if (rc == SENTRAJ_OK && means && keep.values && !keep.probs)
        memcpy(means, keep.values, keep.len * sizeof *means);
    if (means)
        boot_draws_free(&keep, 1);
    return rc;
}
