/* engine_index_simd.c - the index engine's byte kernel in AVX-512 and AVX2, equal draw for draw to the portable one. */
#include "boot/engines.h"

#include "boot/draw.h"

#include <stdlib.h>
#include <string.h>

/* Each kernel runs 16 resamples at once, one pcg32 stream per 64-bit lane,
 * and makes exactly the draws of index_bytes in engine_index.c: the LCG step
 * on the old state, the XSH-RR output of the old state, Lemire's product
 * m = x * n, and for the rare lanes whose low word of m falls below n the
 * scalar rejection loop draw_index_reject, which continues that lane's
 * own stream. So the sums are the portable kernel's, bit for bit, whatever
 * the CPU (tests/test_engines.c compares them).
 *
 * Measured on AMD Zen 5 (n = 53585, one thread, medians), the portable
 * four-lane loop takes 0.75 ns a draw and the AVX-512 kernel 0.32. The value
 * look-ups bound it: the generator alone takes 0.11 ns a draw, and a gather
 * costs about the same whether its bytes are in L1 or not. Two gathers of 8
 * bytes each (0.32) edge out one gather of 16 (0.34), a gather from the
 * int32 values s->q (0.34), and storing the indices for scalar loads (0.33
 * with 8 lanes, 0.41 with 16); 8 lanes with gathers take 0.33. */
#define WIDTH 16

/* The lanes add values in [-128, 127] to 32-bit sums, which are widened to
 * 64 bits every this many draws, long before they could overflow. */
#define FLUSH (UINT32_C(1) << 23)

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw")))
#define TARGET_AVX2 __attribute__((target("avx2")))

int engine_index_simd_detect(void)
{
    /* GCC's checks include the OS's support for the wider registers (XCR0). */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
        return ENGINE_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2"))
        return ENGINE_SIMD_AVX2;
    return ENGINE_SIMD_NONE;
}

/* The streams of resamples b .. b + WIDTH - 1. */
static void seed_lanes(uint64_t seed, uint64_t h, size_t b, uint64_t *st, uint64_t *inc)
{
    for (unsigned j = 0; j < WIDTH; j++) {
        sentraj_pcg32 r;
        draw_stream(&r, seed, h, b + j);
        st[j] = r.state;
        inc[j] = r.inc;
    }
}

/* Lanes j with bit `stride * j` of k set redo their draw through the scalar
 * rejection loop, which takes st[j] past the outputs it consumes. Out of
 * line: it runs for about one draw in 2^32 / n. */
__attribute__((noinline, cold)) static void fix_lanes(uint64_t *st, const uint64_t *inc, uint64_t *m, unsigned k,
                                                     unsigned stride, uint32_t n)
{
    for (unsigned j = 0; k; j++, k >>= stride)
        if (k & 1)
            m[j] = draw_index_reject(&st[j], inc[j], n, m[j]);
}

/* The gathers load 4 bytes at tab + index and keep the top one, so the table
 * is q8 after 3 bytes of padding: every load stays inside it, and an
 * arithmetic shift by 24 sign-extends the value. Owned by the caller. */
static uint8_t *padded_table(const int8_t *q8, uint32_t n)
{
    uint8_t *tab = malloc((size_t)n + 3);

    if (tab) {
        memset(tab, 0, 3);
        memcpy(tab + 3, q8, n);
    }
    return tab;
}

/* One draw in each of the 8 lanes of s (increments inc): s takes its LCG
 * step and m gets x * n in 64 bits, x the XSH-RR output of the old state.
 * vprorvd rotates both dwords of a lane: the low one holds the output and
 * its count old >> 59; the high one (garbage, rotated by 0) is ignored by
 * vpmuludq. */
#define STEP512(s, inc, m)                                                                                         \
    do {                                                                                                           \
        __m512i old_ = (s), x_;                                                                                    \
        (s) = _mm512_add_epi64(_mm512_mullo_epi64(old_, mult), (inc));                                             \
        x_ = _mm512_srli_epi64(_mm512_xor_si512(_mm512_srli_epi64(old_, 18), old_), 27);                           \
        x_ = _mm512_rorv_epi32(x_, _mm512_srli_epi64(old_, 59));                                                   \
        (m) = _mm512_mul_epu32(x_, nv);                                                                            \
    } while (0)

/* Redo the draws of the lanes of s/m flagged in k (see fix_lanes); the
 * arrays are copies so that s and m can stay in registers otherwise. */
#define FIX512(s, inc, m, k)                                                                                       \
    do {                                                                                                           \
        uint64_t fs_[8], fm_[8];                                                                                   \
        _mm512_storeu_si512(fs_, (s));                                                                             \
        _mm512_storeu_si512(fm_, (m));                                                                             \
        fix_lanes(fs_, (inc), fm_, (k), 2, n);                                                                     \
        (s) = _mm512_loadu_si512(fs_);                                                                             \
        (m) = _mm512_loadu_si512(fm_);                                                                             \
    } while (0)

/* The values at the indices m >> 32 of the 8 lanes of m, as dwords. */
#define LOOKUP512(m)                                                                                               \
    _mm256_srai_epi32(                                                                                             \
        _mm256_i32gather_epi32((const int *)tab, _mm512_cvtepi64_epi32(_mm512_srli_epi64((m), 32)), 1), 24)

TARGET_AVX512 static void block_avx512(const uint8_t *tab, uint32_t n, uint64_t seed, uint64_t h, size_t b,
                                       double *sum)
{
    uint64_t st[WIDTH], inc[WIDTH];
    int64_t out[WIDTH];
    const __m512i mult = _mm512_set1_epi64((long long)SENTRAJ_PCG32_MULT), nv = _mm512_set1_epi64(n);
    __m512i sA, sB, iA, iB, accA = _mm512_setzero_si512(), accB = _mm512_setzero_si512();

    seed_lanes(seed, h, b, st, inc);
    sA = _mm512_loadu_si512(st);
    sB = _mm512_loadu_si512(st + 8);
    iA = _mm512_loadu_si512(inc);
    iB = _mm512_loadu_si512(inc + 8);
    for (uint32_t i = 0; i < n;) {
        uint32_t end = n - i > FLUSH ? i + FLUSH : n;
        __m256i a32 = _mm256_setzero_si256(), b32 = _mm256_setzero_si256();
        for (; i < end; i++) {
            __m512i mA, mB;
            __mmask16 kA, kB;
            STEP512(sA, iA, mA);
            STEP512(sB, iB, mB);
            /* Dword compares: the high dwords of nv are 0, so only the
             * even bits (the low words of m) can be set. */
            kA = _mm512_cmplt_epu32_mask(mA, nv);
            kB = _mm512_cmplt_epu32_mask(mB, nv);
            if (__builtin_expect(!_kortestz_mask16_u8(kA, kB), 0)) {
                if (kA)
                    FIX512(sA, inc, mA, kA);
                if (kB)
                    FIX512(sB, inc + 8, mB, kB);
            }
            a32 = _mm256_add_epi32(a32, LOOKUP512(mA));
            b32 = _mm256_add_epi32(b32, LOOKUP512(mB));
        }
        accA = _mm512_add_epi64(accA, _mm512_cvtepi32_epi64(a32));
        accB = _mm512_add_epi64(accB, _mm512_cvtepi32_epi64(b32));
    }
    _mm512_storeu_si512(out, accA);
    _mm512_storeu_si512(out + 8, accB);
    for (unsigned j = 0; j < WIDTH; j++)
        sum[b + j] = (double)out[j];
}

/* Whole blocks of WIDTH resamples from b0 with the kernel blk, on a padded
 * copy of s->q8; the number of resamples done. */
static size_t run_blocks(void (*blk)(const uint8_t *, uint32_t, uint64_t, uint64_t, size_t, double *),
                         const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum)
{
    uint32_t n = (uint32_t)s->n;
    uint8_t *tab;
    size_t b = b0;

    /* Gather indices are signed dwords; n = 0 is left to the portable code. */
    if (b1 - b0 < WIDTH || s->n > INT32_MAX || n == 0 || !(tab = padded_table(s->q8, n)))
        return 0;
    for (; b + WIDTH <= b1; b += WIDTH)
        blk(tab, n, seed, h, b, sum);
    free(tab);
    return b - b0;
}

size_t engine_index_avx512(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum)
{
    return run_blocks(block_avx512, s, seed, h, b0, b1, sum);
}

/* The AVX2 kernel: as STEP512 on 4 lanes, with the 64-bit LCG multiply
 * built from three 32 x 32 -> 64-bit ones (the high words' product falls
 * off the top) and the rotation from two variable shifts; a shift count of
 * 32 gives 0, as rotating by 0 needs. */
#define STEP256(s, inc, m)                                                                                         \
    do {                                                                                                           \
        __m256i old_ = (s), x_, r_, cross_;                                                                        \
        cross_ = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(old_, 32), mlo),                              \
                                  _mm256_mul_epu32(old_, mhi));                                                    \
        (s) = _mm256_add_epi64(_mm256_mul_epu32(old_, mlo), _mm256_slli_epi64(cross_, 32));                        \
        (s) = _mm256_add_epi64((s), (inc));                                                                        \
        x_ = _mm256_srli_epi64(_mm256_xor_si256(_mm256_srli_epi64(old_, 18), old_), 27);                           \
        r_ = _mm256_srli_epi64(old_, 59);                                                                          \
        x_ = _mm256_or_si256(_mm256_srlv_epi32(x_, r_), _mm256_sllv_epi32(x_, _mm256_sub_epi32(c32, r_)));         \
        (m) = _mm256_mul_epu32(x_, nv);                                                                            \
    } while (0)

/* All ones in the low dword of each lane whose low word of m is below n:
 * a signed compare after flipping the sign bits of the low dwords only; the
 * high dwords (indices below n <= INT32_MAX) never compare below 0. */
#define BELOW256(m) _mm256_cmpgt_epi32(nb, _mm256_xor_si256((m), sign))

#define FIX256(s, inc, m, k)                                                                                       \
    do {                                                                                                           \
        uint64_t fs_[4], fm_[4];                                                                                   \
        _mm256_storeu_si256((__m256i *)fs_, (s));                                                                  \
        _mm256_storeu_si256((__m256i *)fm_, (m));                                                                  \
        fix_lanes(fs_, (inc), fm_, (k), 2, n);                                                                     \
        (s) = _mm256_loadu_si256((const __m256i *)fs_);                                                            \
        (m) = _mm256_loadu_si256((const __m256i *)fm_);                                                            \
    } while (0)

/* Here the values are loaded one by one: on Zen 5 the scalar loads run
 * beside the vector arithmetic, where gathers compete with it (0.45 ns a
 * draw against 0.58; the portable loop takes 0.75), and gathers are slow on
 * older AMD cores and on Intel cores with the Downfall (GDS) mitigation. */
TARGET_AVX2 static void block_avx2(const uint8_t *tab, uint32_t n, uint64_t seed, uint64_t h, size_t b, double *sum)
{
    const int8_t *q = (const int8_t *)tab + 3;
    uint64_t st[WIDTH], inc[WIDTH], idx[WIDTH];
    int64_t acc[WIDTH] = {0};
    const __m256i mlo = _mm256_set1_epi64x((long long)(SENTRAJ_PCG32_MULT & 0xffffffffu)),
                  mhi = _mm256_set1_epi64x((long long)(SENTRAJ_PCG32_MULT >> 32)), c32 = _mm256_set1_epi64x(32),
                  nv = _mm256_set1_epi64x(n), sign = _mm256_set1_epi64x(0x80000000),
                  nb = _mm256_set1_epi64x(n ^ 0x80000000u);
    __m256i s0, s1, s2, s3, i0, i1, i2, i3;

    seed_lanes(seed, h, b, st, inc);
    s0 = _mm256_loadu_si256((const __m256i *)st);
    s1 = _mm256_loadu_si256((const __m256i *)(st + 4));
    s2 = _mm256_loadu_si256((const __m256i *)(st + 8));
    s3 = _mm256_loadu_si256((const __m256i *)(st + 12));
    i0 = _mm256_loadu_si256((const __m256i *)inc);
    i1 = _mm256_loadu_si256((const __m256i *)(inc + 4));
    i2 = _mm256_loadu_si256((const __m256i *)(inc + 8));
    i3 = _mm256_loadu_si256((const __m256i *)(inc + 12));
    for (uint32_t i = 0; i < n; i++) {
        __m256i m0, m1, m2, m3, k0, k1, k2, k3, any;
        STEP256(s0, i0, m0);
        STEP256(s1, i1, m1);
        STEP256(s2, i2, m2);
        STEP256(s3, i3, m3);
        k0 = BELOW256(m0);
        k1 = BELOW256(m1);
        k2 = BELOW256(m2);
        k3 = BELOW256(m3);
        any = _mm256_or_si256(_mm256_or_si256(k0, k1), _mm256_or_si256(k2, k3));
        if (__builtin_expect(!_mm256_testz_si256(any, any), 0)) {
            unsigned k;
            if ((k = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(k0))) != 0)
                FIX256(s0, inc, m0, k);
            if ((k = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(k1))) != 0)
                FIX256(s1, inc + 4, m1, k);
            if ((k = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(k2))) != 0)
                FIX256(s2, inc + 8, m2, k);
            if ((k = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(k3))) != 0)
                FIX256(s3, inc + 12, m3, k);
        }
        _mm256_storeu_si256((__m256i *)idx, m0);
        _mm256_storeu_si256((__m256i *)(idx + 4), m1);
        _mm256_storeu_si256((__m256i *)(idx + 8), m2);
        _mm256_storeu_si256((__m256i *)(idx + 12), m3);
        for (unsigned j = 0; j < WIDTH; j++)
            acc[j] += q[idx[j] >> 32];
    }
    for (unsigned j = 0; j < WIDTH; j++)
        sum[b + j] = (double)acc[j];
}

size_t engine_index_avx2(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum)
{
    return run_blocks(block_avx2, s, seed, h, b0, b1, sum);
}

#else

int engine_index_simd_detect(void)
{
    return ENGINE_SIMD_NONE;
}

size_t engine_index_avx512(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum)
{
    (void)s, (void)seed, (void)h, (void)b0, (void)b1, (void)sum;
    return 0;
}

size_t engine_index_avx2(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum)
{
    (void)s, (void)seed, (void)h, (void)b0, (void)b1, (void)sum;
    return 0;
}

#endif
