/* draw.c - how one resample is drawn by each engine: the one place that fixes sentraj's random streams. */
#include "boot/draw.h"

#include "core/error.h"
#include "core/gsl_errors.h"
#include "sentraj/rng_gsl.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>

uint64_t draw_index_reject(uint64_t *st, uint64_t inc, uint32_t n, uint64_t m)
{
    sentraj_pcg32 r = {*st, inc};
    uint32_t t = (uint32_t)(0u - n) % n;

    while ((uint32_t)m < t)
        m = (uint64_t)pcg32_next_inline(&r) * n;
    *st = r.state;
    return m;
}

int draw_multinomial_init(draw_multinomial *d, const uint64_t *counts, size_t k, size_t n)
{
    gsl_errors_off();
    d->k = k;
    d->n = (unsigned int)n;
    d->p = malloc((k ? k : 1) * sizeof *d->p);
    d->cnt = malloc((k ? k : 1) * sizeof *d->cnt);
    d->r = gsl_rng_alloc(sentraj_gsl_rng_pcg32());
    if (!d->p || !d->cnt || !d->r)
        return -1;
    for (size_t j = 0; j < k; j++)
        d->p[j] = (double)counts[j];
    return 0;
}

void draw_multinomial_counts(draw_multinomial *d, uint64_t seed, uint64_t h, size_t b)
{
    sentraj_stream_seed(sentraj_gsl_rng_state(d->r), seed, h, (uint64_t)b);
    gsl_ran_multinomial(d->r, d->k, d->n, d->p, d->cnt);
}

void draw_multinomial_free(draw_multinomial *d)
{
    gsl_rng_free(d->r);
    free(d->p);
    free(d->cnt);
    d->r = NULL;
    d->p = NULL;
    d->cnt = NULL;
}

int draw_balanced_alloc(size_t n, size_t B, size_t max_bytes, const char *what, uint32_t **perm,
                        sentraj_error *err)
{
    if (n > max_bytes / sizeof(uint32_t) / B)
        return sentraj_fail(err, SENTRAJ_ELIMIT,
                            "balanced resampling of %zu %s x %zu resamples needs %zu MiB (limit %zu MiB)", n, what, B,
                            n * B * sizeof(uint32_t) >> 20, max_bytes >> 20);
    *perm = malloc(n * B * sizeof **perm);
    if (!*perm)
        return sentraj_nomem(err, "balanced resampling table");
    return SENTRAJ_OK;
}

void draw_balanced_permutation(size_t n, size_t B, uint64_t seed, uint64_t h, uint32_t *perm)
{
    size_t total = n * B;
    sentraj_pcg32 rng;

    for (size_t i = 0; i < total; i++)
        perm[i] = (uint32_t)(i % n);
    /* Fisher-Yates from the top, as pcg-c's demo shuffles its cards. */
    sentraj_stream_seed(&rng, seed, h, UINT64_MAX);
    for (size_t i = total; i > 1; i--) {
        size_t j = pcg32_bounded_fast_inline(&rng, (uint32_t)i);
        uint32_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
}
