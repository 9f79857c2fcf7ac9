/* pcg.c - the PCG random generators and the derivation of per-stream seeds. */
#include "rng/pcg.h"

/* References.
 *
 * The generators are M. E. O'Neill, "PCG: A family of simple fast
 * space-efficient statistically good algorithms for random number
 * generation", HMC-CS-2014-0905 (2014), and reproduce her pcg-c library
 * (imneme/pcg-c) output for output: pcg32 is PCG-XSH-RR on a 64-bit LCG and
 * pcg64 is PCG-XSL-RR on a 128-bit LCG, both with a selectable stream. The
 * published check-pcg32/check-pcg64 transcripts in fixtures/pcg are the test.
 *
 * sentraj_pcg32_bounded_fast is D. Lemire, "Fast random integer generation in
 * an interval", ACM TOMACS 29(1) (2019); see pcg.h.
 *
 * The stream seeds mix their inputs with the splitmix64 finalizer of
 * G. L. Steele, D. Lea and C. H. Flood, "Fast splittable pseudorandom number
 * generators" (OOPSLA 2014), with the constants of S. Vigna's splitmix64.c,
 * and hash category names with the 64-bit FNV-1a hash of G. Fowler, L. C. Noll
 * and K.-P. Vo. */

/* ------------------------------------------------------------------------ */
/* pcg32                                                                     */
/* ------------------------------------------------------------------------ */

/* pcg-c's pcg32_srandom_r: the increment selects the stream and must be odd;
 * the state is stepped once before and once after adding initstate so that
 * nearby initstates do not give nearby first outputs. */
void sentraj_pcg32_seed(sentraj_pcg32 *rng, uint64_t initstate, uint64_t initseq)
{
    rng->state = 0;
    rng->inc = (initseq << 1) | 1u;
    rng->state = rng->state * SENTRAJ_PCG32_MULT + rng->inc;
    rng->state += initstate;
    rng->state = rng->state * SENTRAJ_PCG32_MULT + rng->inc;
}

uint32_t sentraj_pcg32_next(sentraj_pcg32 *rng)
{
    return pcg32_next_inline(rng);
}

/* pcg-c's pcg32_boundedrand_r. Outputs below 2^32 mod bound are rejected, so
 * the accepted range is an exact multiple of bound and r % bound is unbiased.
 * The header asks for bound > 0; bound 0 would divide by zero, so it is
 * answered like sentraj_pcg32_bounded_fast answers it (one output consumed,
 * 0 returned) rather than crashing the caller. */
uint32_t sentraj_pcg32_bounded(sentraj_pcg32 *rng, uint32_t bound)
{
    uint32_t threshold;

    if (bound == 0) {
        (void)pcg32_next_inline(rng);
        return 0;
    }
    threshold = (uint32_t)(0u - bound) % bound;
    for (;;) {
        uint32_t r = pcg32_next_inline(rng);
        if (r >= threshold)
            return r % bound;
    }
}

uint32_t sentraj_pcg32_bounded_fast(sentraj_pcg32 *rng, uint32_t bound)
{
    return pcg32_bounded_fast_inline(rng, bound);
}

double sentraj_pcg32_uniform(sentraj_pcg32 *rng)
{
    return pcg32_uniform_inline(rng);
}

/* Jump ahead in O(log delta), after F. B. Brown, "Random number generation
 * with arbitrary strides" (1994), as pcg-c's pcg_advance_lcg_64 does. delta
 * LCG steps form the affine map x -> acc_mult * x + acc_plus; it is built by
 * square-and-multiply over the bits of delta, where squaring the one-step map
 * (m, c) gives (m^2, (m + 1) c). Since the period is 2^64, delta = 2^64 - k
 * steps back by k. */
void sentraj_pcg32_advance(sentraj_pcg32 *rng, uint64_t delta)
{
    uint64_t cur_mult = SENTRAJ_PCG32_MULT, cur_plus = rng->inc;
    uint64_t acc_mult = 1, acc_plus = 0;

    while (delta > 0) {
        if (delta & 1u) {
            acc_mult *= cur_mult;
            acc_plus = acc_plus * cur_mult + cur_plus;
        }
        cur_plus = (cur_mult + 1) * cur_plus;
        cur_mult *= cur_mult;
        delta >>= 1;
    }
    rng->state = acc_mult * rng->state + acc_plus;
}

/* ------------------------------------------------------------------------ */
/* pcg64                                                                     */
/* ------------------------------------------------------------------------ */

#if defined(SENTRAJ_HAVE_PCG64)

static void pcg64_step(sentraj_pcg64 *rng)
{
    rng->state = rng->state * SENTRAJ_PCG64_MULT + rng->inc;
}

/* pcg-c's pcg64_srandom_r: the same five moves as pcg32, in 128 bits. */
void sentraj_pcg64_seed(sentraj_pcg64 *rng, sentraj_u128 initstate, sentraj_u128 initseq)
{
    rng->state = 0;
    rng->inc = (initseq << 1) | 1u;
    pcg64_step(rng);
    rng->state += initstate;
    pcg64_step(rng);
}

/* PCG-XSL-RR. Unlike pcg32, pcg-c's 128-bit generators step FIRST and permute
 * the NEW state: the two halves are xored and rotated right by the top six
 * bits. */
uint64_t sentraj_pcg64_next(sentraj_pcg64 *rng)
{
    uint64_t x;
    unsigned rot;

    pcg64_step(rng);
    x = (uint64_t)(rng->state >> 64) ^ (uint64_t)rng->state;
    rot = (unsigned)(rng->state >> 122);
    return (x >> rot) | (x << ((0u - rot) & 63u));
}

/* pcg-c's pcg64_boundedrand_r; bound 0 is handled as in the 32-bit version. */
uint64_t sentraj_pcg64_bounded(sentraj_pcg64 *rng, uint64_t bound)
{
    uint64_t threshold;

    if (bound == 0) {
        (void)sentraj_pcg64_next(rng);
        return 0;
    }
    threshold = (uint64_t)(0u - bound) % bound;
    for (;;) {
        uint64_t r = sentraj_pcg64_next(rng);
        if (r >= threshold)
            return r % bound;
    }
}

/* The 128-bit twin of sentraj_pcg32_advance; delta = 2^128 - k steps back. */
void sentraj_pcg64_advance(sentraj_pcg64 *rng, sentraj_u128 delta)
{
    sentraj_u128 cur_mult = SENTRAJ_PCG64_MULT, cur_plus = rng->inc;
    sentraj_u128 acc_mult = 1, acc_plus = 0;

    while (delta > 0) {
        if (delta & 1u) {
            acc_mult *= cur_mult;
            acc_plus = acc_plus * cur_mult + cur_plus;
        }
        cur_plus = (cur_mult + 1) * cur_plus;
        cur_mult *= cur_mult;
        delta >>= 1;
    }
    rng->state = acc_mult * rng->state + acc_plus;
}

#endif

/* ------------------------------------------------------------------------ */
/* Stream seeds                                                              */
/* ------------------------------------------------------------------------ */

/* The splitmix64 finalizer: a bijection of 64-bit words in which every input
 * bit affects every output bit, so related inputs (seed 1 and 2, resample b
 * and b + 1) give unrelated outputs. */
static uint64_t mix64(uint64_t z)
{
    z ^= z >> 30;
    z *= UINT64_C(0xbf58476d1ce4e5b9);
    z ^= z >> 27;
    z *= UINT64_C(0x94d049bb133111eb);
    z ^= z >> 31;
    return z;
}

/* 64-bit FNV-1a over n bytes. */
static uint64_t fnv1a64(const unsigned char *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);

    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

/* FNV-1a mixes the last bytes of a name only weakly into the high bits, so
 * the hash is finished with mix64. Exactly len bytes are read (embedded NULs included);
 * name may be NULL when len is 0. */
uint64_t sentraj_hash_name(const char *name, size_t len)
{
    return mix64(fnv1a64((const unsigned char *)name, len));
}

/* The run's seed and the category's name hash are folded into one key; the
 * resample number is spread by two different odd constants (the golden-ratio
 * increment of splitmix64 and another Weyl constant) into the initial state
 * and the stream selector, so every (seed, name, resample) triple gets its own
 * pcg32 stream as well as its own position. scripts/oracle.py and
 * docs/reproducibility.md state the same formula. */
void sentraj_stream_seed(sentraj_pcg32 *rng, uint64_t seed, uint64_t name_hash, uint64_t resample)
{
    uint64_t key = mix64(mix64(seed) + name_hash);
    uint64_t initstate = mix64(key + resample * UINT64_C(0x9e3779b97f4a7c15));
    uint64_t initseq = mix64(key ^ (resample * UINT64_C(0xd1b54a32d192ed03) + UINT64_C(0x8bb84b93962eacc9)));

    sentraj_pcg32_seed(rng, initstate, initseq);
}
