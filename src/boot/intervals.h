/* intervals.h - confidence intervals from a bootstrap distribution. */
#ifndef SENTRAJ_INTERVALS_H
#define SENTRAJ_INTERVALS_H

#include "sentraj.h"
#include "boot/sample.h"

/* A bootstrap distribution of a statistic, in one of two forms:
 * - Monte Carlo: w == NULL, x holds the B draws sorted ascending; quantiles
 *   interpolate linearly between order statistics (type 7).
 * - exact: x holds distinct support points ascending and w their
 *   probabilities (summing to 1); the p-quantile is the smallest x whose
 *   cumulative probability reaches p (the left-continuous inverse CDF, the
 *   limit of the type-7 quantile as B grows). */
typedef struct boot_dist {
    const double *x;
    const double *w;
    size_t len;
} boot_dist;

double dist_quantile(const boot_dist *d, double p);
/* P(X < v) + P(X = v) / 2: the bootstrap share below v with ties counted
 * half, as scipy's BCa does. */
double dist_share_below(const boot_dist *d, double v);

/* Everything an interval method may need about one bootstrapped mean. */
typedef struct interval_input {
    double estimate;   /* the sample mean */
    double se;         /* bootstrap standard error of the mean */
    double bias;       /* mean of the bootstrap means minus the estimate (0 for the exact engine) */
    boot_dist means;   /* bootstrap distribution of the mean */
    boot_dist t;       /* bootstrap distribution of (mean* - mean) / se*; studentized only */
    double se_hat;     /* s / sqrt(n) with the sample's standard deviation; studentized only */
    double accel;      /* BCa acceleration from the jackknife; BCa only */
} interval_input;

/* The interval of `method` at `level` for `alt`; one-sided intervals have an
 * infinite end. References and formulas: docs/statistics.md. */
void interval_compute(const interval_input *in, sentraj_method method, sentraj_alternative alt, double level,
                      double *lo, double *hi);

/* The BCa acceleration of the mean, from the jackknife in closed form:
 * leaving out x_i moves the mean by (mean - x_i) / (n - 1), so the
 * jackknife influence values are x_i - mean and
 * a = sum (x_i - mean)^3 / (6 (sum (x_i - mean)^2)^(3/2)), computed over the
 * K distinct values with their counts in O(K). 0 for a constant sample. */
double interval_acceleration(const sentraj_sample *s);

/* s / sqrt(n) with s the sample standard deviation (n - 1 denominator). */
double interval_se_hat(const sentraj_sample *s);

/* The Monte Carlo bootstrap standard error: the standard deviation of the B
 * means with B - 1 in the denominator, and their mean; two passes in
 * resample order. */
void interval_mc_moments(const double *means, size_t B, double *mean, double *sd);

#endif
