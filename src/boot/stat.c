/* stat.c - the statistics beyond the mean, computed from the counts of a sample's distinct values. */
#include "boot/stat.h"

#include "core/error.h"
#include "core/gsl_errors.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

int stat_is_share(sentraj_statistic s)
{
    return s == SENTRAJ_STAT_SHARE_UP || s == SENTRAJ_STAT_SHARE_DOWN || s == SENTRAJ_STAT_SHARE_SAME;
}

/* The sign of value j: -1, 0 or 1, exact on a lattice. */
static int sign_of(const stat_values *vals, size_t j)
{
    if (vals->q)
        return (vals->q[j] > 0) - (vals->q[j] < 0);
    return (vals->v[j] > 0) - (vals->v[j] < 0);
}

/* Whether a share counts value j. */
static int counted(sentraj_statistic s, const stat_values *vals, size_t j)
{
    int sg = sign_of(vals, j);
    return s == SENTRAJ_STAT_SHARE_UP ? sg > 0 : s == SENTRAJ_STAT_SHARE_DOWN ? sg < 0 : sg == 0;
}

/* The value at 0-based rank r of the sorted sample, as its index j. */
static size_t rank_index(const stat_values *vals, const double *c, uint64_t r)
{
    uint64_t cum = 0;
    size_t j = 0;

    for (; j + 1 < vals->K; j++) {
        cum += (uint64_t)c[j];
        if (cum > r)
            break;
    }
    return j;
}

static double median_of(const stat_values *vals, const double *c, uint64_t n)
{
    size_t lo = rank_index(vals, c, (n - 1) / 2), hi = rank_index(vals, c, n / 2);

    if (vals->q)
        return (double)(vals->q[lo] + vals->q[hi]) / (2.0 * (double)vals->denom);
    return lo == hi ? vals->v[lo] : (vals->v[lo] + vals->v[hi]) / 2;
}

/* The mean of ranks [g, n - g) of the sorted sample. */
static double trimmed_of(const sentraj_config *cfg, const stat_values *vals, const double *c, uint64_t n)
{
    /* floor(F n) in double, exactly as scipy's int(F * n) and R's floor(n * trim). */
    uint64_t g = (uint64_t)floor(cfg->trim * (double)n), lo = g, hi = n - g, cum = 0;
    int64_t qsum = 0;
    long double vsum = 0;

    for (size_t j = 0; j < vals->K && cum < hi; j++) {
        uint64_t a = cum, b = cum + (uint64_t)c[j];
        cum = b;
        if (b <= lo)
            continue;
        a = a > lo ? a : lo;
        b = b < hi ? b : hi;
        if (vals->q)
            qsum += (int64_t)(b - a) * vals->q[j];
        else
            vsum += (long double)(b - a) * vals->v[j];
    }
    if (vals->q)
        return (double)qsum / ((double)vals->denom * (double)(hi - lo));
    return (double)(vsum / (long double)(hi - lo));
}

double stat_of_counts(const sentraj_config *cfg, const stat_values *vals, const double *c)
{
    uint64_t n = 0, hits = 0;

    for (size_t j = 0; j < vals->K; j++)
        n += (uint64_t)c[j];
    if (n == 0)
        return NAN;
    switch (cfg->statistic) {
    case SENTRAJ_STAT_MEAN:
        if (vals->q) {
            /* Exact: n < 2^32 draws of |q| < 2^31. */
            int64_t sum = 0;
            for (size_t j = 0; j < vals->K; j++)
                sum += (int64_t)c[j] * vals->q[j];
            return (double)sum / ((double)vals->denom * (double)n);
        } else {
            long double sum = 0;
            for (size_t j = 0; j < vals->K; j++)
                sum += (long double)c[j] * vals->v[j];
            return (double)(sum / (long double)n);
        }
    case SENTRAJ_STAT_MEDIAN:
        return median_of(vals, c, n);
    case SENTRAJ_STAT_TRIMMED:
        return trimmed_of(cfg, vals, c, n);
    case SENTRAJ_STAT_SHARE_UP:
    case SENTRAJ_STAT_SHARE_DOWN:
    case SENTRAJ_STAT_SHARE_SAME:
        for (size_t j = 0; j < vals->K; j++)
            if (counted(cfg->statistic, vals, j))
                hits += (uint64_t)c[j];
        return (double)hits / (double)n;
    }
    return NAN;
}

int stat_constant(const sentraj_config *cfg, const stat_values *vals, const double *c)
{
    size_t present = 0, in = 0, out = 0;

    for (size_t j = 0; j < vals->K; j++) {
        if (c[j] == 0)
            continue;
        present++;
        if (stat_is_share(cfg->statistic))
            counted(cfg->statistic, vals, j) ? in++ : out++;
    }
    if (stat_is_share(cfg->statistic))
        return in == 0 || out == 0;
    return present <= 1;
}

int stat_share_distribution(uint64_t k0, uint64_t n, size_t max_len, double **x, double **w, size_t *len,
                            sentraj_error *err)
{
    double p = (double)k0 / (double)n, t, lo_d, hi_d;
    uint64_t lo, hi;
    long double total = 0;
    size_t m = 0;

    gsl_errors_off();
    *x = *w = NULL;
    *len = 0;
    /* Hoeffding: P(|K - n p| >= t) <= 2 exp(-2 t^2 / n) = 1e-20 at this t. */
    t = ceil(sqrt(0.5 * (double)n * log(2e20)));
    lo_d = floor((double)n * p - t);
    hi_d = ceil((double)n * p + t);
    lo = lo_d < 0 ? 0 : (uint64_t)lo_d;
    hi = hi_d > (double)n ? n : (uint64_t)hi_d;
    if (hi - lo + 1 > max_len || hi - lo + 1 > UINT32_MAX)
        return sentraj_fail(err, SENTRAJ_ELIMIT,
                            "the exact distribution of this share of %llu conversations has %llu points (limit %zu); "
                            "use --engine multinomial",
                            (unsigned long long)n, (unsigned long long)(hi - lo + 1), max_len);
    *x = malloc((size_t)(hi - lo + 1) * sizeof **x);
    *w = malloc((size_t)(hi - lo + 1) * sizeof **w);
    if (!*x || !*w) {
        free(*x);
        free(*w);
        *x = *w = NULL;
        return sentraj_nomem(err, "exact distribution of a share");
    }
    for (uint64_t k = lo; k <= hi; k++) {
        /* GSL's pdf works in logarithms: no overflow for any n. */
        double pk = gsl_ran_binomial_pdf((unsigned int)k, p, (unsigned int)n);
        if (!(pk > 0))
            continue;
        (*x)[m] = (double)k / (double)n;
        (*w)[m++] = pk;
        total += pk;
    }
    for (size_t i = 0; i < m; i++)
        (*w)[i] = (double)((long double)(*w)[i] / total);
    *len = m;
    return SENTRAJ_OK;
}
