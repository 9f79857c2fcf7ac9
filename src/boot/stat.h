/* stat.h - the statistics beyond the mean, computed from the counts of a sample's distinct values. */
#ifndef SENTRAJ_STAT_H
#define SENTRAJ_STAT_H

#include "sentraj.h"

/*
 * A resample of a sample with K distinct values v_0 < ... < v_{K-1} is
 * fully described by how many times it drew each: counts c_0 .. c_{K-1}.
 * Every statistic sentraj offers is a function of those counts computed in
 * O(K), so the multinomial engine, which draws the counts directly, costs
 * O(K) per resample whatever n, and the index engine only has to count its
 * n draws. On a lattice (v_j = q_j / denom with integer q_j) every sum is an
 * exact integer and each statistic is rounded once, like the mean.
 *
 * The definitions (n = sum c_j, y_(1) <= ... <= y_(n) the sorted values):
 *   mean        sum c_j v_j / n
 *   median      y_((n+1)/2) for odd n, (y_(n/2) + y_(n/2+1)) / 2 for even n
 *               (numpy's median, R's median)
 *   trimmed:F   with g = floor(F n), the mean of y_(g+1) .. y_(n-g)
 *               (scipy.stats.trim_mean, R's mean(x, trim = F))
 *   share-up    #{v > 0} / n; share-down #{v < 0} / n; share-same #{v == 0} / n
 */

/* What a statistic is of: the distinct values of a sample (ascending), as
 * doubles and, on a lattice, as exact integers over denom. */
typedef struct stat_values {
    size_t K;
    const double *v;
    const int64_t *q; /* NULL off the lattice */
    int64_t denom;    /* lattice only */
} stat_values;

/* The statistic cfg->statistic (with cfg->trim) of the sample with counts
 * c[0 .. K-1] (non-negative integers held in doubles); NaN when they sum
 * to 0. */
double stat_of_counts(const sentraj_config *cfg, const stat_values *vals, const double *c);

/* Whether the statistic is a share, whose resamples are binomial. */
int stat_is_share(sentraj_statistic s);

/* Whether the statistic of every resample of the sample with counts c
 * equals the sample's own: all values equal, or for a share every value on
 * the same side of what it counts. */
int stat_constant(const sentraj_config *cfg, const stat_values *vals, const double *c);

/* The exact bootstrap distribution of a share: a resample of n draws
 * counts Binomial(n, p) values of the kind the share counts, k of them
 * with p = k0 / n. Support points k / n (ascending) with their
 * probabilities go to *x and *w (malloc'ed, *len of them, summing to 1);
 * points whose binomial tail mass is provably below 1e-20 (Hoeffding's
 * bound, as for the exact engine's window) are left out and the rest
 * renormalised. Returns SENTRAJ_OK, SENTRAJ_ELIMIT past max_len points,
 * SENTRAJ_ENOMEM. */
int stat_share_distribution(uint64_t k0, uint64_t n, size_t max_len, double **x, double **w, size_t *len,
                            sentraj_error *err);

#endif
