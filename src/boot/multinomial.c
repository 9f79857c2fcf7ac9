/* multinomial.c - the Monte Carlo kernels: index, balanced and multinomial resampling. */
#include "boot/engines.h"

#include "core/error.h"
#include "rng/pcg.h"
#include "sentraj/rng_gsl.h"

#include "core/blas.h"
#include <gsl/gsl_randist.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Resample sums of a byte-sized lattice sample, four resamples at a time:
 * their generators are independent, so the CPU overlaps four chains of
 * multiplies instead of waiting on one. Each lane consumes exactly the draws
 * of its own stream, in order, so the sums equal the one-at-a-time loop's. */
#define LANES 4

/* One Lemire draw for lane state st/inc (see pcg32_bounded_fast_inline,
 * which this must match draw for draw). */
#define LANE_DRAW(st, inc, acc)                                                                                    \
    do {                                                                                                           \
        uint64_t old_ = (st);                                                                                      \
        uint32_t xs_, rot_, x_;                                                                                    \
        uint64_t m_;                                                                                               \
        (st) = old_ * SENTRAJ_PCG32_MULT + (inc);                                                                  \
        xs_ = (uint32_t)(((old_ >> 18) ^ old_) >> 27);                                                             \
        rot_ = (uint32_t)(old_ >> 59);                                                                             \
        x_ = (xs_ >> rot_) | (xs_ << ((0u - rot_) & 31u));                                                         \
        m_ = (uint64_t)x_ * n;                                                                                     \
        if ((uint32_t)m_ < n)                                                                                      \
            m_ = engine_index_reject(&(st), (inc), n, m_);                                                         \
        (acc) += q[m_ >> 32];                                                                                      \
    } while (0)

/* Lemire's rejection loop for a draw whose low word fell below n (rare). */
uint64_t engine_index_reject(uint64_t *st, uint64_t inc, uint32_t n, uint64_t m)
{
    sentraj_pcg32 r = {*st, inc};
    uint32_t t = (uint32_t)(0u - n) % n;
    while ((uint32_t)m < t)
        m = (uint64_t)pcg32_next_inline(&r) * n;
    *st = r.state;
    return m;
}

static void index_bytes(const int8_t *q, uint32_t n, uint64_t seed, uint64_t h, size_t b, double *sum)
{
    sentraj_pcg32 r0, r1, r2, r3;
    uint64_t s0, s1, s2, s3;
    int64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;

    sentraj_stream_seed(&r0, seed, h, (uint64_t)b);
    sentraj_stream_seed(&r1, seed, h, (uint64_t)b + 1);
    sentraj_stream_seed(&r2, seed, h, (uint64_t)b + 2);
    sentraj_stream_seed(&r3, seed, h, (uint64_t)b + 3);
    s0 = r0.state, s1 = r1.state, s2 = r2.state, s3 = r3.state;
    for (uint32_t i = 0; i < n; i++) {
        LANE_DRAW(s0, r0.inc, a0);
        LANE_DRAW(s1, r1.inc, a1);
        LANE_DRAW(s2, r2.inc, a2);
        LANE_DRAW(s3, r3.inc, a3);
    }
    sum[b] = (double)a0;
    sum[b + 1] = (double)a1;
    sum[b + 2] = (double)a2;
    sum[b + 3] = (double)a3;
}

/* The ENGINE_SIMD_* level of the byte kernel, or -1 until the first
 * engine_index call decides it: the best the CPU supports, unless the
 * environment variable SENTRAJ_NO_SIMD is set to anything but "" or "0",
 * which keeps the portable kernel (so a user, or the CLI tests, can compare
 * both; the results are the same bytes either way). Pool threads may race to
 * decide it; they all decide the same, hence relaxed atomics suffice. */
static atomic_int simd_level = -1;

static int simd_decide(void)
{
    int level = atomic_load_explicit(&simd_level, memory_order_relaxed);

    if (level < 0) {
        const char *off = getenv("SENTRAJ_NO_SIMD");
        level = off && *off && strcmp(off, "0") != 0 ? ENGINE_SIMD_NONE : index_simd_detect();
        atomic_store_explicit(&simd_level, level, memory_order_relaxed);
    }
    return level;
}

int engine_index_set_simd(int max_level)
{
    int cpu = index_simd_detect();
    int level = max_level < cpu ? max_level : cpu;

    atomic_store_explicit(&simd_level, level < 0 ? ENGINE_SIMD_NONE : level, memory_order_relaxed);
    return level < 0 ? ENGINE_SIMD_NONE : level;
}

void engine_index(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum, double *sq)
{
    uint32_t n = (uint32_t)s->n;

    if (s->q8 && !sq) {
        /* Whole blocks of 16 to a SIMD kernel, the rest four and one at a
         * time below: every resample still draws from its own stream. */
        int level = simd_decide();
        if (level >= ENGINE_SIMD_AVX512)
            b0 += index_bytes_avx512(s, seed, h, b0, b1, sum);
        else if (level >= ENGINE_SIMD_AVX2)
            b0 += index_bytes_avx2(s, seed, h, b0, b1, sum);
        for (; b0 + LANES <= b1; b0 += LANES)
            index_bytes(s->q8, n, seed, h, b0, sum);
    }
    for (size_t b = b0; b < b1; b++) {
        sentraj_pcg32 rng;
        sentraj_stream_seed(&rng, seed, h, (uint64_t)b);
        if (s->lattice) {
            /* Integer sums are exact whatever the order of the draws. */
            const int32_t *q = s->q;
            int64_t acc = 0, acc2 = 0;
            if (sq) {
                for (uint32_t i = 0; i < n; i++) {
                    int64_t v = q[pcg32_bounded_fast_inline(&rng, n)];
                    acc += v;
                    acc2 += v * v;
                }
                sq[b] = (double)acc2;
            } else {
                for (uint32_t i = 0; i < n; i++)
                    acc += q[pcg32_bounded_fast_inline(&rng, n)];
            }
            sum[b] = (double)acc;
        } else {
            const double *v = s->values;
            double acc = 0, acc2 = 0;
            for (uint32_t i = 0; i < n; i++) {
                double x = v[pcg32_bounded_fast_inline(&rng, n)];
                acc += x;
                acc2 += x * x;
            }
            sum[b] = acc;
            if (sq)
                sq[b] = acc2;
        }
    }
}

void engine_balanced_permutation(size_t n, size_t B, uint64_t seed, uint64_t h, uint32_t *perm)
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

int engine_balanced_alloc(size_t n, size_t B, size_t max_bytes, const char *what, uint32_t **perm,
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

void engine_balanced(const sentraj_sample *s, const uint32_t *perm, size_t b0, size_t b1, double *sum, double *sq)
{
    size_t n = s->n;
    for (size_t b = b0; b < b1; b++) {
        const uint32_t *p = perm + b * n;
        if (s->lattice) {
            int64_t acc = 0, acc2 = 0;
            for (size_t i = 0; i < n; i++) {
                int64_t v = s->q[p[i]];
                acc += v;
                acc2 += v * v;
            }
            sum[b] = (double)acc;
            if (sq)
                sq[b] = (double)acc2;
        } else {
            double acc = 0, acc2 = 0;
            for (size_t i = 0; i < n; i++) {
                double x = s->values[p[i]];
                acc += x;
                acc2 += x * x;
            }
            sum[b] = acc;
            if (sq)
                sq[b] = acc2;
        }
    }
}

int engine_multinomial(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum,
                       double *sq)
{
    size_t K = s->k, rows = b1 - b0;
    double *p = malloc(K * sizeof *p);
    double *c = malloc(rows * K * sizeof *c);
    double *v = malloc(2 * K * sizeof *v);
    double *y = malloc(2 * rows * sizeof *y);
    unsigned int *cnt = malloc(K * sizeof *cnt);
    gsl_rng *r = gsl_rng_alloc(sentraj_gsl_rng_pcg32());
    int rc = -1;

    if (!p || !c || !v || !y || !cnt || !r)
        goto out;
    /* Values as a K x 2 matrix [value, value^2]; on a lattice the integers
     * q, so every product and sum below is an exact integer in double. */
    for (size_t j = 0; j < K; j++) {
        double x = s->lattice ? (double)s->qd[j] : s->distinct[j];
        p[j] = (double)s->counts[j]; /* GSL normalises the weights itself */
        v[2 * j] = x;
        v[2 * j + 1] = x * x;
    }
    for (size_t b = b0; b < b1; b++) {
        sentraj_stream_seed(sentraj_gsl_rng_state(r), seed, h, (uint64_t)b);
        gsl_ran_multinomial(r, K, (unsigned int)s->n, p, cnt);
        for (size_t j = 0; j < K; j++)
            c[(b - b0) * K + j] = (double)cnt[j];
    }
    if (sq) {
        blas_gemm(rows, 2, K, c, v, y);
        for (size_t i = 0; i < rows; i++) {
            sum[b0 + i] = y[2 * i];
            sq[b0 + i] = y[2 * i + 1];
        }
    } else {
        blas_gemv(rows, K, c, v, 2, y);
        for (size_t i = 0; i < rows; i++)
            sum[b0 + i] = y[i];
    }
    rc = 0;
out:
    gsl_rng_free(r);
    free(p);
    free(c);
    free(v);
    free(y);
    free(cnt);
    return rc;
}
