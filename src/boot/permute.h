/* permute.h - Monte Carlo tests of "no trajectory": shuffles within conversations, and sign flips. */
#ifndef SENTRAJ_PERMUTE_H
#define SENTRAJ_PERMUTE_H

#include "sentraj.h"

/*
 * Two tests of a category's change (Good 2005; Efron & Tibshirani 1993,
 * ch. 15), both on the statistic T = sum of the conversations' deltas (the
 * mean delta times n), two-sided: a draw "hits" when |T*| >= |T|, and the
 * p-value is (1 + hits) / (1 + B), which is a valid p-value for any B
 * (Davison & Hinkley 1997, ch. 4.2).
 *
 * - Within conversations (p_within). H0: no trajectory inside a
 *   conversation: the order of its human labels is exchangeable. A draw
 *   shuffles each conversation's labels independently and recomputes its
 *   delta, the mean of the last `window` minus the mean of the first.
 *   Only the positions that land in the two windows matter, so a draw
 *   takes 2 window steps of a Fisher-Yates shuffle per conversation: step i
 *   swaps position i with a uniform position in [i, h) (draw_index on h -
 *   i), and positions 0 .. window - 1 end up in the first window,
 *   window .. 2 window - 1 in the last.
 * - Sign flips (p_sign_flip). H0: the deltas are symmetric about 0. A draw
 *   gives each delta a random sign: conversation c takes bit c % 32 of the
 *   (c / 32 + 1)-th 32-bit output of the stream.
 *
 * Draw b of a row takes the within test's shuffles from the stream
 * sentraj_stream_seed(seed, h_within, b) and its signs from
 * sentraj_stream_seed(seed, h_sign, b); conversations are taken in the
 * order given (by id). On a lattice T is an exact integer and hits are
 * counted exactly; off it, |T*| >= |T| (1 - 1e-12) absorbs the rounding of
 * sums of equal values in another order.
 */

/* The conversations of one row: their human labels in message order. */
typedef struct permute_sample {
    size_t n;        /* conversations */
    size_t *off;     /* n + 1: conversation c's labels are [off[c], off[c + 1]) */
    int64_t *q;      /* labels times the lattice denominator; NULL off the lattice */
    double *v;       /* labels off the lattice; NULL on it */
    size_t window;
} permute_sample;

/* One row's tests. */
typedef struct permute_row {
    const permute_sample *s;
    uint64_t h_within, h_sign; /* stream hashes */
    /* Results: NaN with fewer than 2 conversations. */
    double p_within, p_sign_flip;
} permute_row;

/* Run both tests of the m rows with cfg's resamples, seed and threads on
 * the bootstrap driver. Returns SENTRAJ_OK, SENTRAJ_ELIMIT (a conversation
 * of more than 2^32 - 1 labels) or SENTRAJ_ENOMEM. */
int permute_many(permute_row *rows, size_t m, const sentraj_config *cfg, sentraj_error *err);

/* The observed statistic T of s: exact (as a double) on a lattice. */
double permute_observed(const permute_sample *s);

#endif
