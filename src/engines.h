/* engines.h - the Monte Carlo resampling kernels behind bootstrap.c. */
#ifndef SENTRAJ_ENGINES_H
#define SENTRAJ_ENGINES_H

#include "sample.h"

/* Each kernel fills resamples b in [b0, b1) of one sample: sum[b] gets the
 * resample's sum of values (of lattice integers q on a lattice: then exact)
 * and, when sq is not NULL, sq[b] its sum of squares. Resample b draws from
 * the stream sentraj_stream_seed(seed, h, b), so results do not depend on
 * how resamples are split between calls or threads. */

/* The index engine: n uniform indices per resample (Lemire's draw). */
void engine_index(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum, double *sq);

/* Balanced resampling (Davison, Hinkley & Schechtman 1986): a random
 * permutation of B copies of the indices 0..n-1, cut into B resamples of n.
 * perm (n * B entries) is filled by balanced_permutation from one stream,
 * sentraj_stream_seed(seed, h, UINT64_MAX). */
void engine_balanced_permutation(size_t n, size_t B, uint64_t seed, uint64_t h, uint32_t *perm);
void engine_balanced(const sentraj_sample *s, const uint32_t *perm, size_t b0, size_t b1, double *sum, double *sq);

/* The multinomial engine: the counts of the K distinct values of each
 * resample from Multinomial(n, counts / n) (gsl_ran_multinomial on the
 * PCG-backed gsl_rng), then sums as a product of the (b1 - b0) x K count
 * matrix with the values (OpenBLAS dgemv, or dgemm with values and squares).
 * Returns 0, or -1 when memory or the GSL generator could not be had. */
int engine_multinomial(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum,
                       double *sq);

#endif
