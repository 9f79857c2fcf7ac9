/* engines.h - the Monte Carlo resampling kernels behind bootstrap.c. */
#ifndef SENTRAJ_ENGINES_H
#define SENTRAJ_ENGINES_H

#include "boot/sample.h"

/* Each kernel fills resamples b in [b0, b1) of one sample: sum[b] gets the
 * resample's sum of values (of lattice integers q on a lattice: then exact)
 * and, when sq is not NULL, sq[b] its sum of squares. Resample b draws from
 * the stream sentraj_stream_seed(seed, h, b), so results do not depend on
 * how resamples are split between calls or threads. */

/* The index engine: n uniform indices per resample (Lemire's draw). */
void engine_index(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum, double *sq);

/* The instruction sets engine_index can use for its byte kernel. */
enum { ENGINE_SIMD_NONE, ENGINE_SIMD_AVX2, ENGINE_SIMD_AVX512 };

/* Internal, for tests: let engine_index use SIMD kernels up to max_level
 * (ENGINE_SIMD_NONE forces the portable code) and return the level it will
 * use, the lower of max_level and what the CPU supports. This overrides the
 * SENTRAJ_NO_SIMD environment variable (see multinomial.c). Safe to call at
 * any time, since every level gives the same sums. */
int engine_index_set_simd(int max_level);

/* Internal, index_simd.c: the best ENGINE_SIMD_* level this CPU and OS
 * support (ENGINE_SIMD_NONE off x86-64 or without GCC's builtins). */
int index_simd_detect(void);

/* Internal, index_simd.c: the byte kernel (s->q8, no squares) for resamples
 * b0, b0 + 1, ... in blocks of 16, as many whole blocks as fit in [b1 - b0),
 * equal draw for draw to the portable kernel. Returns how many resamples it
 * filled: 0 when memory was short or n > INT32_MAX. The caller checks the
 * CPU: these execute AVX-512 and AVX2 instructions. */
size_t index_bytes_avx512(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum);
size_t index_bytes_avx2(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum);

/* Internal: Lemire's rejection loop for a draw whose low word fell below n,
 * continuing the stream of state *st and increment inc from where the
 * draw left it (the SIMD kernels call it for the lanes that need it).
 * Returns the accepted 64-bit product x * n. */
uint64_t engine_index_reject(uint64_t *st, uint64_t inc, uint32_t n, uint64_t m);

/* Balanced resampling (Davison, Hinkley & Schechtman 1986): a random
 * permutation of B copies of the indices 0..n-1, cut into B resamples of n.
 * perm (n * B entries) is filled by balanced_permutation from one stream,
 * sentraj_stream_seed(seed, h, UINT64_MAX). */
void engine_balanced_permutation(size_t n, size_t B, uint64_t seed, uint64_t h, uint32_t *perm);
/* Allocate the n * B entries of a balanced permutation, refusing (with
 * SENTRAJ_ELIMIT naming n `what`) more than max_bytes. Returns SENTRAJ_OK
 * with *perm set, or an error. */
int engine_balanced_alloc(size_t n, size_t B, size_t max_bytes, const char *what, uint32_t **perm,
                          sentraj_error *err);
void engine_balanced(const sentraj_sample *s, const uint32_t *perm, size_t b0, size_t b1, double *sum, double *sq);

/* The multinomial engine: the counts of the K distinct values of each
 * resample from Multinomial(n, counts / n) (gsl_ran_multinomial on the
 * PCG-backed gsl_rng), then sums as a product of the (b1 - b0) x K count
 * matrix with the values (OpenBLAS dgemv, or dgemm with values and squares).
 * Returns 0, or -1 when memory or the GSL generator could not be had. */
int engine_multinomial(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum,
                       double *sq);

#endif
