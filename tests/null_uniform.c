/* null_uniform.c - sentraj test on data without any trajectory: its p-values are uniform (slow suite). */
#include "tap.h"

#include <math.h>
#include <sentraj.h>
#include <stdlib.h>
#include <string.h>

/* R data sets simulated with no trajectory: each conversation (60 per data
 * set, in two categories) has a mood drawn once and then i.i.d. labels
 * around it, 6 to 12 of them. Within a conversation the labels are
 * exchangeable, which is the within test's null, and every delta is
 * symmetric about 0, the sign flip's.
 *
 * With numeric labels (continuous, within (-1, 1)) the tests' statistic
 * has no ties, so each data set's p-values of both tests (B = 999: steps of
 * 0.001, far below the KS bands) must be uniform: the Kolmogorov-Smirnov
 * statistic over the R p-values of each row and test must not be
 * significant, and the share below 0.05 within 3 binomial standard errors
 * of 0.05. With labels on the 5-point scale the statistic is discrete and
 * ties make the p-values conservative, not uniform: there the share below
 * 0.05 must not exceed 0.05 by more than 3 standard errors. A drift over
 * each conversation must, on the other hand, give small p-values (power). */

#define R 300
#define CONVS 60

/* The asymptotic Kolmogorov distribution: P(sqrt(n) D > x). */
static double ks_pvalue(double d, size_t n)
{
    double x = d * (sqrt((double)n) + 0.12 + 0.11 / sqrt((double)n)), p = 0;
    for (int k = 1; k < 100; k++)
        p += 2 * ((k % 2) ? 1 : -1) * exp(-2.0 * k * k * x * x);
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* D of n values against the uniform distribution. */
static double ks_uniform(double *p, size_t n)
{
    double d = 0;
    qsort(p, n, sizeof *p, cmp_dbl);
    for (size_t i = 0; i < n; i++) {
        double lo = (double)i / (double)n, hi = (double)(i + 1) / (double)n;
        d = fmax(d, fmax(fabs(p[i] - lo), fabs(hi - p[i])));
    }
    return d;
}

/* One data set as CSV in buf: labels are the mood plus noise plus drift
 * times the message's place in the conversation, rounded to the scale
 * (lattice) or written as numbers. */
static size_t simulate(char *buf, sentraj_pcg32 *rng, double drift, int lattice)
{
    size_t len = (size_t)sprintf(buf, "conversation_id,message_index,role,sentiment,categories\n");
    for (int c = 0; c < CONVS; c++) {
        int h = 6 + (int)sentraj_pcg32_bounded(rng, 7);
        double mood = sentraj_pcg32_uniform(rng) - 0.5;
        for (int i = 0; i < h; i++) {
            double v = 0.8 * mood + (sentraj_pcg32_uniform(rng) - 0.5) + drift * ((double)i / (h - 1) - 0.5);
            if (lattice)
                len += (size_t)sprintf(buf + len, "c%d,%d,human,%g,%s\n", c, i,
                                       fmax(-2, fmin(2, nearbyint(2 * v))) / 2, c % 2 ? "a" : "b");
            else
                len += (size_t)sprintf(buf + len, "c%d,%d,human,%.6f,%s\n", c, i, fmax(-0.99, fmin(0.99, v)),
                                       c % 2 ? "a" : "b");
        }
    }
    return len;
}

/* The p-values of rows 0 (category a) and 2 ("all") of each data set:
 * p[row][test][r]. */
static int run(double drift, int lattice, uint64_t stream, double p[2][2][R])
{
    static char buf[1 << 16];
    sentraj_pcg32 rng;

    sentraj_pcg32_seed(&rng, 20261126, stream);
    for (int r = 0; r < R; r++) {
        size_t len = simulate(buf, &rng, drift, lattice);
        sentraj_config cfg;
        sentraj_input_options in;
        sentraj_dataset *ds;
        sentraj_test *t = NULL;
        sentraj_config_init(&cfg);
        cfg.resamples = 999;
        cfg.seed = (uint64_t)r;
        cfg.threads = 1;
        sentraj_input_options_init(&in);
        in.keep_labels = 1;
        ds = sentraj_dataset_alloc(&cfg, NULL);
        if (ds && sentraj_dataset_set_input(ds, &in, NULL) == SENTRAJ_OK &&
            sentraj_dataset_read_csv_buffer(ds, buf, len, "sim.csv", NULL) == SENTRAJ_OK &&
            sentraj_dataset_finish(ds, NULL) == SENTRAJ_OK)
            t = sentraj_test_compute(ds, &cfg, NULL);
        sentraj_dataset_free(ds);
        if (!t)
            return 0;
        for (int row = 0; row < 2; row++) {
            const sentraj_test_row *x = sentraj_test_row_get(t, row ? 2 : 0);
            p[row][0][r] = x->p_within;
            p[row][1][r] = x->p_sign_flip;
        }
        sentraj_test_free(t);
    }
    return 1;
}

int main(void)
{
    static double p[2][2][R];
    static const char *const rows[2] = {"a", "all"}, *const tests[2] = {"p_within", "p_sign_flip"};

    if (tap_ok(run(0, 0, 1, p), "null-uniform/numeric/simulate-and-test")) {
        for (int row = 0; row < 2; row++) {
            for (int k = 0; k < 2; k++) {
                size_t below = 0;
                double d, ks;
                for (int r = 0; r < R; r++)
                    below += p[row][k][r] <= 0.05;
                d = ks_uniform(p[row][k], R);
                ks = ks_pvalue(d, R);
                tap_ok(ks > 0.001, "null-uniform/numeric/%s/%s/kolmogorov-smirnov (D %.4f, p %.3f)", rows[row],
                       tests[k], d, ks);
                tap_ok(fabs((double)below / R - 0.05) <= 3 * sqrt(0.05 * 0.95 / R),
                       "null-uniform/numeric/%s/%s/rejects-5%%-at-0.05 (%.3f)", rows[row], tests[k],
                       (double)below / R);
            }
        }
    }
    if (tap_ok(run(0, 1, 3, p), "null-uniform/labels/simulate-and-test")) {
        for (int row = 0; row < 2; row++)
            for (int k = 0; k < 2; k++) {
                size_t below = 0;
                for (int r = 0; r < R; r++)
                    below += p[row][k][r] <= 0.05;
                tap_ok((double)below / R <= 0.05 + 3 * sqrt(0.05 * 0.95 / R),
                       "null-uniform/labels/%s/%s/at-most-5%%-below-0.05 (%.3f)", rows[row], tests[k],
                       (double)below / R);
            }
    }
    /* With a trajectory the tests see it. */
    if (tap_ok(run(0.6, 0, 2, p), "null-uniform/power/simulate-and-test")) {
        for (int k = 0; k < 2; k++) {
            size_t below = 0;
            for (int r = 0; r < R; r++)
                below += p[1][k][r] <= 0.05;
            tap_ok(below > R / 2, "null-uniform/power/all/%s/rejects-most (%.2f)", tests[k], (double)below / R);
        }
    }
    return tap_done();
}
