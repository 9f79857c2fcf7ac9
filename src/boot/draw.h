/* draw.h - how one resample is drawn by each engine: the one place that fixes sentraj's random streams. */
#ifndef SENTRAJ_DRAW_H
#define SENTRAJ_DRAW_H

#include "sentraj.h"

#include "rng/pcg.h"

#include <gsl/gsl_rng.h>

/*
 * Every resample b of a row has its own stream,
 * sentraj_stream_seed(seed, h, b) with h the hash of the row's name, so a
 * row's draws depend neither on the threads, nor on how resamples are cut
 * into tasks, nor on the other rows. What an engine draws from that stream:
 *
 * - index: n indices in [0, n), each by Lemire's multiply-and-reject draw
 *   (pcg32_bounded_fast_inline), in order;
 * - multinomial: the counts of the k distinct values (or units) from
 *   Multinomial(n, count / n), by gsl_ran_multinomial on the PCG gsl_rng
 *   placed on the resample's stream;
 * - balanced: no stream per resample; one permutation of B copies of
 *   0 .. n-1 from the stream sentraj_stream_seed(seed, h, UINT64_MAX), cut
 *   into B resamples of n (Davison, Hinkley & Schechtman 1986).
 *
 * The kernels that turn these draws into sums (of values for an ordinary
 * sample, of unit totals for the ratio bootstrap) call only what is below.
 * The SIMD index kernels reproduce draw_index lane by lane and are checked
 * against it (tests/test_engines.c).
 */

/* Place rng on resample b's stream. */
static inline void draw_stream(sentraj_pcg32 *rng, uint64_t seed, uint64_t h, size_t b)
{
    sentraj_stream_seed(rng, seed, h, (uint64_t)b);
}

/* The next index in [0, n) of an index-engine resample. */
static inline uint32_t draw_index(sentraj_pcg32 *rng, uint32_t n)
{
    return pcg32_bounded_fast_inline(rng, n);
}

/* Lemire's rejection loop for a draw whose low word fell below n,
 * continuing the stream of state *st and increment inc from where the draw
 * left it (the lane kernels call it for the lanes that need it). Returns the
 * accepted 64-bit product x * n, whose high word is the index. */
uint64_t draw_index_reject(uint64_t *st, uint64_t inc, uint32_t n, uint64_t m);

/* The multinomial engine's draws for one sample: k categories with weights
 * counts[j], n draws per resample. */
typedef struct draw_multinomial {
    gsl_rng *r;
    double *p;         /* the weights; GSL normalises them itself */
    unsigned int *cnt; /* the last resample's counts */
    size_t k;
    unsigned int n;
} draw_multinomial;

/* Returns 0, or -1 when memory or the GSL generator could not be had (then
 * draw_multinomial_free is still safe). n must be below 2^32. */
int draw_multinomial_init(draw_multinomial *d, const uint64_t *counts, size_t k, size_t n);
/* Fill d->cnt with resample b's counts. */
void draw_multinomial_counts(draw_multinomial *d, uint64_t seed, uint64_t h, size_t b);
void draw_multinomial_free(draw_multinomial *d);

/* Allocate the n * B entries of a balanced permutation, refusing (with
 * SENTRAJ_ELIMIT naming n `what`) more than max_bytes. Returns SENTRAJ_OK
 * with *perm set, or an error. */
int draw_balanced_alloc(size_t n, size_t B, size_t max_bytes, const char *what, uint32_t **perm,
                        sentraj_error *err);
/* Fill perm with the balanced permutation of B copies of 0 .. n-1: resample
 * b is perm[b n .. b n + n - 1]. */
void draw_balanced_permutation(size_t n, size_t B, uint64_t seed, uint64_t h, uint32_t *perm);

#endif
