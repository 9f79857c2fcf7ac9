/* test_agree.c - the Monte Carlo engines draw from the exact engine's distribution (and a wrong engine does not). */
#include "tap.h"

#include "boot/exact.h"
#include "rng/pcg.h"
#include "sample_full.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <sentraj.h>
#include <stdlib.h>
#include <string.h>

#define B 20000

/* Pearson's chi-square of B resampled sums against the exact pmf, with
 * adjacent lattice points pooled until each bin expects at least 5 draws.
 * Returns the upper tail probability. */
static double chisq_p(const exact_dist *d, const int64_t *sums, size_t nsum, int *df_out)
{
    size_t *obs = calloc(d->len, sizeof *obs);
    double stat = 0, exp_acc = 0, obs_acc = 0;
    int bins = 0, outside = 0;

    for (size_t b = 0; b < nsum; b++) {
        int64_t i = sums[b] - d->s0;
        if (i < 0 || (size_t)i >= d->len || d->probs[i] == 0)
            outside++;
        else
            obs[i]++;
    }
    for (size_t i = 0; i < d->len; i++) {
        exp_acc += d->probs[i] * (double)nsum;
        obs_acc += (double)obs[i];
        if (exp_acc >= 5 || i + 1 == d->len) {
            stat += (obs_acc - exp_acc) * (obs_acc - exp_acc) / (exp_acc > 0 ? exp_acc : 1e-300);
            bins++;
            exp_acc = obs_acc = 0;
        }
    }
    free(obs);
    *df_out = bins - 1;
    /* A draw the exact distribution says is impossible is a failure outright. */
    if (outside)
        return 0;
    return gsl_cdf_chisq_Q(stat, bins - 1);
}

/* Resampled lattice sums from the public API: mean * denom * n, rounded. */
static void engine_sums(const sentraj_sample *s, sentraj_engine e, uint64_t seed, int64_t *sums)
{
    sentraj_config cfg;
    sentraj_boot_result r;
    double *means = malloc(B * sizeof *means);
    sentraj_config_init(&cfg);
    cfg.engine = e;
    cfg.resamples = B;
    cfg.seed = seed;
    sentraj_boot_mean(s, "agree", &cfg, &r, means, NULL);
    for (size_t b = 0; b < B; b++)
        sums[b] = (int64_t)llround(means[b] * 6 * (double)sentraj_sample_size(s));
    free(means);
}

/* Deliberately wrong engines, each a plausible off-by-one: "range" draws
 * its n indices from 0..n-2 (one observation can never be drawn); "count"
 * sums n - 1 draws and adds the sample mean's share for the missing one,
 * rounded to the lattice (right mean, variance (n - 1) / n too small). */
static void wrong_sums(const sentraj_sample *s, int kind, uint64_t seed, int64_t *sums)
{
    size_t n = sentraj_sample_size(s);
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += s->q[i];
    for (size_t b = 0; b < B; b++) {
        sentraj_pcg32 rng;
        int64_t acc = 0;
        sentraj_stream_seed(&rng, seed, 99, b);
        if (kind == 0) {
            for (size_t i = 0; i < n; i++)
                acc += s->q[pcg32_bounded_fast_inline(&rng, (uint32_t)n - 1)];
        } else {
            for (size_t i = 0; i + 1 < n; i++)
                acc += s->q[pcg32_bounded_fast_inline(&rng, (uint32_t)n)];
            acc += (int64_t)llround((double)total / (double)n);
        }
        sums[b] = acc;
    }
}

int main(void)
{
    /* A skewed lattice sample of 12 deltas (in sixths). */
    static const double v[12] = {0, 0, 0, 0, 1.0 / 6, 1.0 / 6, 2.0 / 6, -1.0 / 6, 0, 0, 1.5, 2};
    sentraj_sample *s;
    exact_dist d;
    sentraj_error err;
    int64_t *sums = malloc(B * sizeof *sums);
    int df;
    double p;

    gsl_set_error_handler_off();
    s = sample_full(sentraj_sample_alloc(v, 12, 6, &err)); /* wrong_sums reads s->q */
    memset(&d, 0, sizeof d);
    if (!tap_ok(exact_sum_distribution(s, 1 << 20, &d, &err) == SENTRAJ_OK, "agree/exact-distribution"))
        return tap_done();

    for (uint64_t seed = 1; seed <= 3; seed++) {
        engine_sums(s, SENTRAJ_ENGINE_INDEX, seed, sums);
        p = chisq_p(&d, sums, B, &df);
        if (!tap_ok(p > 1e-4, "agree/index/seed-%llu/chi-square", (unsigned long long)seed))
            tap_diag("p = %g with %d degrees of freedom", p, df);
        engine_sums(s, SENTRAJ_ENGINE_MULTINOMIAL, seed, sums);
        p = chisq_p(&d, sums, B, &df);
        if (!tap_ok(p > 1e-4, "agree/multinomial/seed-%llu/chi-square", (unsigned long long)seed))
            tap_diag("p = %g with %d degrees of freedom", p, df);
    }
    {
        sentraj_config cfg;
        sentraj_config_init(&cfg);
        cfg.sim = SENTRAJ_SIM_BALANCED;
        cfg.resamples = B;
        double *means = malloc(B * sizeof *means);
        sentraj_boot_result r;
        sentraj_boot_mean(s, "agree", &cfg, &r, means, NULL);
        for (size_t b = 0; b < B; b++)
            sums[b] = (int64_t)llround(means[b] * 6 * 12);
        free(means);
        p = chisq_p(&d, sums, B, &df);
        if (!tap_ok(p > 1e-4, "agree/balanced/chi-square"))
            tap_diag("p = %g with %d degrees of freedom", p, df);
    }
    for (int kind = 0; kind < 2; kind++) {
        wrong_sums(s, kind, 1, sums);
        p = chisq_p(&d, sums, B, &df);
        if (!tap_ok(p < 1e-6, "agree/wrong-engine/%s/rejected", kind ? "n-1-draws" : "index-range-n-1"))
            tap_diag("p = %g with %d degrees of freedom: the test cannot tell a wrong engine", p, df);
    }

    exact_dist_free(&d);
    sentraj_sample_free(s);
    free(sums);
    return tap_done();
}
