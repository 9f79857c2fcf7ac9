/* intervals.c - confidence intervals from a bootstrap distribution. */
#include "intervals.h"

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
    return x[lo] + f * (x[lo + 1] - x[lo]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void intervals_from_means(const double *means, size_t B, double level, double *sorted, sentraj_boot_result *out)
{
    double alpha = (1 - level) / 2, mean = 0, ss = 0;

    /* The bootstrap standard error: the standard deviation of the resampled
     * means with B - 1 in the denominator (scipy's standard_error, R's boot
     * print). Two passes in resample order, so it is deterministic. */
    for (size_t b = 0; b < B; b++)
        mean += means[b];
    mean /= (double)B;
    for (size_t b = 0; b < B; b++)
        ss += (means[b] - mean) * (means[b] - mean);
    out->se = sqrt(ss / (double)(B - 1));

    /* Percentile interval (Efron & Tibshirani 1993, ch. 13): the alpha and
     * 1 - alpha quantiles of the bootstrap distribution of the mean. */
    memcpy(sorted, means, B * sizeof *means);
    qsort(sorted, B, sizeof *sorted, cmp_double);
    out->ci_low = sentraj_quantile_sorted(sorted, B, alpha);
    out->ci_high = sentraj_quantile_sorted(sorted, B, 1 - alpha);
}
