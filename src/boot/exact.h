/* exact.h - the exact bootstrap distribution of a lattice sample's mean (B = infinity). */
#ifndef SENTRAJ_EXACT_H
#define SENTRAJ_EXACT_H

#include "sentraj.h"
#include "boot/sample.h"

/* The distribution of the sum S of n draws with replacement from a lattice
 * sample s (values q[i]/denom): P(S = s0 + i) = probs[i] for i < len. Every
 * probability is >= 0 and they sum to 1: values indistinguishable from FFT
 * round-off (at most 64 DBL_EPSILON times the largest probability) are set
 * to 0 and the rest renormalised. The mean of a resample is
 * S / (denom * n). fft_len is 0 for a degenerate sample, and the reduced
 * length when the sample's offsets share a common divisor. */
typedef struct exact_dist {
    int64_t s0;
    size_t len;
    double *probs;
    size_t fft_len; /* the transform length used, for reports and limits */
} exact_dist;

/* Compute the distribution by FFT: the DFT of the sample's pmf, each
 * coefficient raised to the n-th power, inverted (see docs/statistics.md for
 * the transform length, which may be shorter than the full support when the
 * mass outside a window is provably below 1e-20). max_len limits both the
 * transform and the output length. Requires s->lattice and
 * s->n >= 1. Returns SENTRAJ_OK; SENTRAJ_EUSAGE for a non-lattice sample;
 * SENTRAJ_ELIMIT when the transform would exceed max_len points (the message
 * names the multinomial engine as the alternative); SENTRAJ_ENOMEM;
 * SENTRAJ_EINTERNAL when GSL's FFT fails. */
int exact_sum_distribution(const sentraj_sample *s, size_t max_len, exact_dist *out, sentraj_error *err);

/* The distribution of the studentized statistic t = (m - mean) / se(m) over
 * resamples, where m is the resample mean and se(m) = sd(resample) / sqrt(n)
 * with the sample standard deviation (n - 1 denominator). It needs the joint
 * distribution of (sum q, sum q^2): a two-dimensional transform, refused with
 * SENTRAJ_ELIMIT past max_cells cells (L1 * L2; memory is about 8 bytes per
 * cell plus 24 per reachable cell). Resamples with se = 0 have t = +inf,
 * -inf or 0 (m above, below or at the mean). On success t (ascending,
 * distinct) and w (their probabilities, summing to 1) are malloc'ed arrays of
 * length *len owned by the caller. */
int exact_studentized_distribution(const sentraj_sample *s, size_t max_cells, double **t, double **w, size_t *len,
                                   sentraj_error *err);

/* Free the probabilities; NULL is a no-op. */
void exact_dist_free(exact_dist *d);

#endif
