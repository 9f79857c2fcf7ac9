/* intervals.c - confidence intervals from a bootstrap distribution. */
#include "boot/intervals.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double sentraj_quantile_sorted(const double *x, size_t n, double p)
{
    double h, f;
    size_t lo;

    if (n == 0)
        return NAN;
    if (p <= 0)
        return x[0];
    if (p >= 1)
        return x[n - 1];
    /* Hyndman & Fan (1996) type 7: numpy's default "linear" method. */
    h = (double)(n - 1) * p;
    lo = (size_t)h;
    if (lo >= n - 1)
        return x[n - 1];
    f = h - (double)lo;
    if (f == 0 || x[lo] == x[lo + 1])
        return x[lo];
    /* Infinite draws (studentized resamples with zero spread) dominate the
     * interpolation, as they would in the limit. */
    if (isinf(x[lo]))
        return x[lo];
    if (isinf(x[lo + 1]))
        return x[lo + 1];
    return x[lo] + f * (x[lo + 1] - x[lo]);
}

double dist_quantile(const boot_dist *d, double p)
{
    long double cum = 0;
    if (!d->w)
        return sentraj_quantile_sorted(d->x, d->len, p);
    if (d->len == 0)
        return NAN;
    if (p <= 0)
        return d->x[0];
    for (size_t i = 0; i < d->len; i++) {
        cum += d->w[i];
        if (cum >= (long double)p)
            return d->x[i];
    }
    return d->x[d->len - 1];
}

double dist_share_below(const boot_dist *d, double v)
{
    if (!d->w) {
        /* Binary searches for the first x >= v and the first x > v. */
        size_t lo = 0, hi = d->len, eq;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (d->x[mid] < v)
                lo = mid + 1;
            else
                hi = mid;
        }
        eq = lo;
        hi = d->len;
        while (eq < hi) {
            size_t mid = eq + (hi - eq) / 2;
            if (d->x[mid] <= v)
                eq = mid + 1;
            else
                hi = mid;
        }
        return ((double)lo + 0.5 * (double)(eq - lo)) / (double)d->len;
    } else {
        long double below = 0, at = 0;
        for (size_t i = 0; i < d->len; i++) {
            if (d->x[i] < v)
                below += d->w[i];
            else if (d->x[i] == v)
                at += d->w[i];
        }
        return (double)(below + at / 2);
    }
}

/* Tail probabilities of the two ends: two-sided splits 1 - level, one-sided
 * puts it all in the tail that is bounded. */
static void tails(sentraj_alternative alt, double level, double *a_lo, double *a_hi)
{
    double alpha = alt == SENTRAJ_TWO_SIDED ? (1 - level) / 2 : 1 - level;
    *a_lo = alpha;
    *a_hi = 1 - alpha;
}

/* BCa adjusted probability for the normal quantile z (Efron & Tibshirani
 * 1993, eq. 14.10): Phi(z0 + (z0 + z) / (1 - a (z0 + z))). A non-positive
 * denominator means the correction has run off the end of the distribution. */
static double bca_prob(double z0, double a, double z, int upper)
{
    double num = z0 + z, den = 1 - a * num;
    if (!(den > 0))
        return upper ? 1 : 0;
    return gsl_cdf_ugaussian_P(z0 + num / den);
}

void interval_compute(const interval_input *in, sentraj_method method, sentraj_alternative alt, double level,
                      double *lo, double *hi)
{
    double a_lo, a_hi, t = in->estimate;

    tails(alt, level, &a_lo, &a_hi);
    switch (method) {
    case SENTRAJ_METHOD_PERCENTILE:
        /* Efron & Tibshirani 1993, ch. 13. */
        *lo = dist_quantile(&in->means, a_lo);
        *hi = dist_quantile(&in->means, a_hi);
        break;
    case SENTRAJ_METHOD_BASIC:
        /* Davison & Hinkley 1997, eq. 5.6: reflect the quantiles about the estimate. */
        *lo = 2 * t - dist_quantile(&in->means, a_hi);
        *hi = 2 * t - dist_quantile(&in->means, a_lo);
        break;
    case SENTRAJ_METHOD_NORMAL: {
        /* Davison & Hinkley 1997, eq. 5.5, as R's norm.ci: centre corrected
         * by the bootstrap bias estimate. */
        double z = gsl_cdf_ugaussian_Pinv(a_hi);
        *lo = t - in->bias - z * in->se;
        *hi = t - in->bias + z * in->se;
        break;
    }
    case SENTRAJ_METHOD_BCA: {
        /* Efron 1987; Efron & Tibshirani 1993, ch. 14; DiCiccio & Efron 1996. */
        double share = dist_share_below(&in->means, t), z0;
        if (!in->means.w) {
            /* Keep z0 finite when every resample falls on one side. */
            double B = (double)in->means.len;
            if (share < 0.5 / B)
                share = 0.5 / B;
            if (share > 1 - 0.5 / B)
                share = 1 - 0.5 / B;
        }
        z0 = gsl_cdf_ugaussian_Pinv(share);
        *lo = dist_quantile(&in->means, bca_prob(z0, in->accel, gsl_cdf_ugaussian_Pinv(a_lo), 0));
        *hi = dist_quantile(&in->means, bca_prob(z0, in->accel, gsl_cdf_ugaussian_Pinv(a_hi), 1));
        break;
    }
    case SENTRAJ_METHOD_STUDENTIZED:
        /* Bootstrap-t (Efron & Tibshirani 1993, ch. 12.5): the quantiles of
         * t* = (mean* - mean) / se* replace the normal's. */
        *lo = t - dist_quantile(&in->t, a_hi) * in->se_hat;
        *hi = t - dist_quantile(&in->t, a_lo) * in->se_hat;
        break;
    }
    if (alt == SENTRAJ_LESS)
        *lo = -INFINITY;
    else if (alt == SENTRAJ_GREATER)
        *hi = INFINITY;
}

double interval_acceleration(const sentraj_sample *s)
{
    long double m2 = 0, m3 = 0, mean;
    if (s->n < 2 || s->k < 2)
        return 0;
    if (s->lattice) {
        /* Scale-free, so use the integers d_j = n q_j - sum q exactly. */
        long double sum = (long double)sample_lattice_total(s);
        for (size_t j = 0; j < s->k; j++) {
            long double d = (long double)s->n * (long double)s->qd[j] - sum; /* below 2^64: exact */
            m2 += (long double)s->counts[j] * d * d;
            m3 += (long double)s->counts[j] * d * d * d;
        }
    } else {
        mean = s->mean;
        for (size_t j = 0; j < s->k; j++) {
            long double d = (long double)s->distinct[j] - mean;
            m2 += (long double)s->counts[j] * d * d;
            m3 += (long double)s->counts[j] * d * d * d;
        }
    }
    if (m2 <= 0)
        return 0;
    return (double)(m3 / (6 * powl(m2, 1.5L)));
}

double interval_se_hat(const sentraj_sample *s)
{
    long double ss = 0;
    if (s->n < 2)
        return NAN;
    for (size_t j = 0; j < s->k; j++) {
        long double d = (long double)s->distinct[j] - (long double)s->mean;
        ss += (long double)s->counts[j] * d * d;
    }
    return (double)sqrtl(ss / (long double)(s->n - 1) / (long double)s->n);
}

void interval_mc_moments(const double *means, size_t B, double *mean, double *sd)
{
    double m = 0, ss = 0;
    for (size_t b = 0; b < B; b++)
        m += means[b];
    m /= (double)B;
    for (size_t b = 0; b < B; b++)
        ss += (means[b] - m) * (means[b] - m);
    *mean = m;
    *sd = sqrt(ss / (double)(B - 1));
}
