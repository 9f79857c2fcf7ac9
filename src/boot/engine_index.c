/* engine_index.c - the index engine: n uniform draws per resample, portable and four lanes at a time. */
#include "boot/engines.h"

#include "boot/draw.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Resample sums of a byte-sized lattice sample, four resamples at a time:
 * their generators are independent, so the CPU overlaps four chains of
 * multiplies instead of waiting on one. Each lane consumes exactly the draws
 * of its own stream, in order, so the sums equal the one-at-a-time loop's. */
#define LANES 4

/* One draw_index for lane state st/inc, written out so the four lanes'
 * states stay in registers; it must match draw_index draw for draw. */
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
            m_ = draw_index_reject(&(st), (inc), n, m_);                                                           \
        (acc) += q[m_ >> 32];                                                                                      \
    } while (0)

static void index_bytes(const int8_t *q, uint32_t n, uint64_t seed, uint64_t h, size_t b, double *sum)
{
    sentraj_pcg32 r0, r1, r2, r3;
    uint64_t s0, s1, s2, s3;
    int64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;

    draw_stream(&r0, seed, h, b);
    draw_stream(&r1, seed, h, b + 1);
    draw_stream(&r2, seed, h, b + 2);
    draw_stream(&r3, seed, h, b + 3);
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
        level = off && *off && strcmp(off, "0") != 0 ? ENGINE_SIMD_NONE : engine_index_simd_detect();
        atomic_store_explicit(&simd_level, level, memory_order_relaxed);
    }
    return level;
}

#ifdef SENTRAJ_TESTING
int engine_index_set_simd(int max_level)
{
    int cpu = engine_index_simd_detect();
    int level = max_level < cpu ? max_level : cpu;

    atomic_store_explicit(&simd_level, level < 0 ? ENGINE_SIMD_NONE : level, memory_order_relaxed);
    return level < 0 ? ENGINE_SIMD_NONE : level;
}
#endif

/* One resample at a time: on a lattice integer sums, exact whatever the
 * order of the draws; off it doubles in draw order. */
static void index_one(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b, double *sum, double *sq)
{
    uint32_t n = (uint32_t)s->n;
    sentraj_pcg32 rng;

    draw_stream(&rng, seed, h, b);
    if (s->lattice) {
        const int32_t *q = s->q;
        int64_t acc = 0, acc2 = 0;
        if (sq) {
            for (uint32_t i = 0; i < n; i++) {
                int64_t v = q[draw_index(&rng, n)];
                acc += v;
                acc2 += v * v;
            }
            sq[b] = (double)acc2;
        } else {
            for (uint32_t i = 0; i < n; i++)
                acc += q[draw_index(&rng, n)];
        }
        sum[b] = (double)acc;
    } else {
        const double *v = s->values;
        double acc = 0, acc2 = 0;
        for (uint32_t i = 0; i < n; i++) {
            double x = v[draw_index(&rng, n)];
            acc += x;
            acc2 += x * x;
        }
        sum[b] = acc;
        if (sq)
            sq[b] = acc2;
    }
}

void engine_index(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum, double *sq)
{
    if (s->q8 && !sq) {
        /* Whole blocks of 16 to a SIMD kernel, the rest four and one at a
         * time below: every resample still draws from its own stream. */
        int level = simd_decide();
        if (level >= ENGINE_SIMD_AVX512)
            b0 += engine_index_avx512(s, seed, h, b0, b1, sum);
        else if (level >= ENGINE_SIMD_AVX2)
            b0 += engine_index_avx2(s, seed, h, b0, b1, sum);
        for (; b0 + LANES <= b1; b0 += LANES)
            index_bytes(s->q8, (uint32_t)s->n, seed, h, b0, sum);
    }
    for (size_t b = b0; b < b1; b++)
        index_one(s, seed, h, b, sum, sq);
}
