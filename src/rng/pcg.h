/* pcg.h - internal constants and inline hot paths of the PCG generators. */
#ifndef SENTRAJ_PCG_H
#define SENTRAJ_PCG_H

#include "sentraj.h"

/* The LCG multiplier of pcg32 (pcg-c's PCG_DEFAULT_MULTIPLIER_64). */
#define SENTRAJ_PCG32_MULT UINT64_C(0x5851f42d4c957f2d)

/* The stream pcg-c's check programs and sentraj's GSL type use when only a
 * state seed is given. */
#define SENTRAJ_PCG32_DEFAULT_SEQ UINT64_C(54)

#if defined(SENTRAJ_HAVE_PCG64)
/* The 128-bit multiplier of pcg64 (pcg-c's PCG_DEFAULT_MULTIPLIER_128), built
 * from its halves because C has no 128-bit literals. */
#define SENTRAJ_PCG64_MULT_HI UINT64_C(0x2360ed051fc65da4)
#define SENTRAJ_PCG64_MULT_LO UINT64_C(0x4385df649fccf645)
#define SENTRAJ_PCG64_MULT (((sentraj_u128)SENTRAJ_PCG64_MULT_HI << 64) | SENTRAJ_PCG64_MULT_LO)
#endif

/* The bootstrap engines draw hundreds of millions of indices, so the two
 * draws they use are defined here as static inline functions that the
 * compiler can fold into their loops. The exported sentraj_pcg32_next and
 * sentraj_pcg32_bounded_fast in pcg.c call these same functions, so the
 * inline and exported paths cannot drift apart. */

/* One pcg32 output, PCG-XSH-RR: the output permutes the OLD state, then the
 * state takes one LCG step. */
static inline uint32_t pcg32_next_inline(sentraj_pcg32 *rng)
{
    uint64_t old = rng->state;
    uint32_t xorshifted, rot;

    rng->state = old * SENTRAJ_PCG32_MULT + rng->inc;
    xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((0u - rot) & 31u));
}

/* A uniform integer in [0, bound) by Lemire's multiply-and-reject method
 * (Lemire 2019, "Fast random integer generation in an interval", ACM TOMACS
 * 29(1)). The high word of x * bound is the candidate; it is biased only when
 * the low word l falls below t = 2^32 mod bound, and the division computing t
 * is needed only when l < bound, which is rare for small bounds. The exact
 * sequence of outputs consumed is part of sentraj's reproducibility contract
 * (scripts/oracle.py reimplements it), so do not reorder. bound must be > 0;
 * bound 0 consumes one output and returns 0. */
static inline uint32_t pcg32_bounded_fast_inline(sentraj_pcg32 *rng, uint32_t bound)
{
    uint32_t x = pcg32_next_inline(rng);
    uint64_t m = (uint64_t)x * bound;
    uint32_t l = (uint32_t)m;

    if (l < bound) {
        uint32_t t = (uint32_t)(0u - bound) % bound;
        while (l < t) {
            x = pcg32_next_inline(rng);
            m = (uint64_t)x * bound;
            l = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* A uniform double in [0, 1) with 53 random bits: the top 27 bits of the
 * first output and the top 26 of the second, as in the MT19937 genrand_res53
 * construction, scaled by 2^-53. */
static inline double pcg32_uniform_inline(sentraj_pcg32 *rng)
{
    uint32_t a = pcg32_next_inline(rng);
    uint32_t b = pcg32_next_inline(rng);

    return ((uint64_t)(a >> 5) * 67108864 + (b >> 6)) / 9007199254740992.0;
}

#endif
