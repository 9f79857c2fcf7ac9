/* engine_multinomial.c - the multinomial engine: counts of the K distinct values per resample, sums by BLAS. */
#include "boot/engines.h"

#include "boot/draw.h"
#include "core/blas.h"

#include <stdlib.h>

int engine_multinomial(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum,
                       double *sq)
{
    size_t K = s->k, rows = b1 - b0;
    double *c = malloc(rows * K * sizeof *c);
    double *v = malloc(2 * K * sizeof *v);
    draw_multinomial d;
    int rc = -1;

    if (draw_multinomial_init(&d, s->counts, K, s->n) != 0 || !c || !v)
        goto out;
    /* Values and their squares, interleaved (each read with stride 2); on a
     * lattice the integers q, so every product and sum below is an exact
     * integer in double. */
    for (size_t j = 0; j < K; j++) {
        double x = s->lattice ? (double)s->qd[j] : s->distinct[j];
        v[2 * j] = x;
        v[2 * j + 1] = x * x;
    }
    for (size_t b = b0; b < b1; b++) {
        draw_multinomial_counts(&d, seed, h, b);
        for (size_t j = 0; j < K; j++)
            c[(b - b0) * K + j] = (double)d.cnt[j];
    }
    blas_gemv(rows, K, c, v, 2, sum + b0);
    if (sq)
        blas_gemv(rows, K, c, v + 1, 2, sq + b0);
    rc = 0;
out:
    draw_multinomial_free(&d);
    free(c);
    free(v);
    return rc;
}
