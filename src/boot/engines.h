/* engines.h - the Monte Carlo kernels of an ordinary sample: index, balanced and multinomial resampling. */
#ifndef SENTRAJ_ENGINES_H
#define SENTRAJ_ENGINES_H

#include "boot/sample.h"

/* Each kernel fills resamples b in [b0, b1) of one sample: sum[b] gets the
 * resample's sum of values (of lattice integers q on a lattice: then exact)
 * and, when sq is not NULL, sq[b] its sum of squares. The draws are those of
 * boot/draw.h, so results do not depend on how resamples are split between
 * calls or threads. */

/* The index engine: n uniform indices per resample. Reads s->q (and s->q8
 * when set) on a lattice, so s must be expanded (sample_expand). */
void engine_index(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum, double *sq);

/* Balanced resampling: resample b sums perm[b n .. b n + n - 1]. */
void engine_balanced(const sentraj_sample *s, const uint32_t *perm, size_t b0, size_t b1, double *sum, double *sq);

/* The multinomial engine: the counts of the K distinct values of each
 * resample, then sums as a product of the (b1 - b0) x K count matrix with
 * the values (OpenBLAS dgemv, or dgemm with values and squares). Returns 0,
 * or -1 when memory or the GSL generator could not be had. */
int engine_multinomial(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum,
                       double *sq);

/* The instruction sets engine_index can use for its byte kernel. */
enum { ENGINE_SIMD_NONE, ENGINE_SIMD_AVX2, ENGINE_SIMD_AVX512 };

/* The best ENGINE_SIMD_* level this CPU and OS support (ENGINE_SIMD_NONE
 * off x86-64 or without GCC's builtins). */
int engine_index_simd_detect(void);

/* The byte kernel (s->q8, no squares) for resamples b0, b0 + 1, ... in
 * blocks of 16, as many whole blocks as fit in [b1 - b0), equal draw for
 * draw to the portable kernel. Returns how many resamples it filled: 0 when
 * memory was short or n > INT32_MAX. The caller checks the CPU: these
 * execute AVX-512 and AVX2 instructions. */
size_t engine_index_avx512(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum);
size_t engine_index_avx2(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *sum);

#ifdef SENTRAJ_TESTING
/* Let engine_index use SIMD kernels up to max_level (ENGINE_SIMD_NONE
 * forces the portable code) and return the level it will use, the lower of
 * max_level and what the CPU supports. This overrides the SENTRAJ_NO_SIMD
 * environment variable. Safe at any time: every level gives the same sums. */
int engine_index_set_simd(int max_level);
#endif

#endif
