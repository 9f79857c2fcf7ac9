/* sentraj/rng_gsl.h - sentraj's pcg32 as a GSL random number generator type. */
#ifndef SENTRAJ_RNG_GSL_H
#define SENTRAJ_RNG_GSL_H

#include <gsl/gsl_rng.h>
#include <sentraj.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The gsl_rng_type "sentraj-pcg32": a gsl_rng whose state is one
 * sentraj_pcg32, so GSL's samplers (gsl_ran_multinomial, gsl_ran_binomial,
 * gsl_rng_uniform, ...) draw from the same reproducible streams as the rest
 * of sentraj. gsl_rng_get returns sentraj_pcg32_next's output (min 0, max
 * 0xffffffff); gsl_rng_uniform returns that output divided by 2^32, which is
 * in [0, 1); gsl_rng_set(r, seed) seeds like sentraj_pcg32_seed(state, seed,
 * 54), the stream pcg-c's examples use.
 *
 * The returned type is a constant owned by the library; never free it. The
 * generator built from it is the caller's:
 *
 *     gsl_rng *r = gsl_rng_alloc(sentraj_gsl_rng_pcg32());
 *     if (!r) ...out of memory...
 *     sentraj_stream_seed(sentraj_gsl_rng_state(r), seed, name_hash, b);
 *     ... gsl_ran_multinomial(r, K, N, p, counts); ...
 *     gsl_rng_free(r);
 *
 * gsl_rng_alloc seeds a new generator with gsl_rng_default_seed (0 unless
 * gsl_rng_env_setup read GSL_RNG_SEED), so seed it explicitly before use.
 * gsl_rng_clone copies the stream position; gsl_rng_memcpy works between two
 * generators of this type. The type holds no mutable state: any number of
 * generators may be used concurrently, each by one thread at a time. */
SENTRAJ_API const gsl_rng_type *sentraj_gsl_rng_pcg32(void);

/* The sentraj_pcg32 inside r, so a caller can move r to another stream (with
 * sentraj_stream_seed or sentraj_pcg32_seed) or advance it without allocating
 * a new gsl_rng. The pointer is borrowed: it lives exactly as long as r and is
 * used under the same thread rules as r. Returns NULL when r is NULL or was
 * not allocated with sentraj_gsl_rng_pcg32(). */
SENTRAJ_API sentraj_pcg32 *sentraj_gsl_rng_state(gsl_rng *r);

#ifdef __cplusplus
}
#endif

#endif
