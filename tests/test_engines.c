/* test_engines.c - engines and interval methods: balance, determinism, statuses, one-sided intervals, SIMD kernels. */
#include "tap.h"

#include "boot/draw.h"
#include "boot/engines.h"
#include "boot/intervals.h"
#include "sample_full.h"

#include <dirent.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <pthread.h>
#include <sentraj.h>
#include <stdlib.h>
#include <string.h>

static const sentraj_method methods[] = {SENTRAJ_METHOD_PERCENTILE, SENTRAJ_METHOD_BASIC, SENTRAJ_METHOD_NORMAL,
                                         SENTRAJ_METHOD_BCA, SENTRAJ_METHOD_STUDENTIZED};
static const sentraj_engine engines[] = {SENTRAJ_ENGINE_INDEX, SENTRAJ_ENGINE_MULTINOMIAL, SENTRAJ_ENGINE_EXACT};

/* A skewed lattice sample: 40 values k/6. */
static sentraj_sample *skewed(size_t n)
{
    double *v = malloc(n * sizeof *v);
    sentraj_sample *s;
    for (size_t i = 0; i < n; i++)
        v[i] = (double)((i * 7) % 5 == 0 ? 6 + (int)(i % 7) : (int)(i % 3) - 1) / 6;
    s = sentraj_sample_alloc(v, n, 6, NULL);
    free(v);
    return s;
}

/* Balanced resampling: every index appears exactly B times in the table,
 * so the mean of the resampled means is the sample mean exactly. */
static void test_balanced(void)
{
    size_t n = 37, B = 101;
    uint32_t *perm = malloc(n * B * sizeof *perm);
    size_t counts[37] = {0};
    int ok = 1;
    sentraj_sample *s = skewed(n);
    sentraj_config cfg;
    sentraj_boot_result r;
    double means[101], again[101], total = 0;

    draw_balanced_permutation(n, B, 42, 7, perm);
    for (size_t i = 0; i < n * B; i++)
        counts[perm[i]]++;
    for (size_t i = 0; i < n; i++)
        ok &= counts[i] == B;
    tap_ok(ok, "engines/balanced/each-index-exactly-B-times");

    sentraj_config_init(&cfg);
    cfg.sim = SENTRAJ_SIM_BALANCED;
    cfg.resamples = B;
    tap_ok(sentraj_boot_mean(s, "bal", &cfg, &r, means, NULL) == SENTRAJ_OK && r.engine == SENTRAJ_ENGINE_INDEX,
           "engines/balanced/auto-uses-index");
    for (size_t b = 0; b < B; b++)
        total += means[b] * (double)n * 6;
    tap_near(total, (double)B * sentraj_sample_mean(s) * (double)n * 6, 1e-6, "engines/balanced/mean-of-means-exact");
    cfg.threads = 1;
    sentraj_boot_mean(s, "bal", &cfg, &r, again, NULL);
    tap_ok(memcmp(means, again, sizeof means) == 0, "engines/balanced/thread-invariant");
    cfg.engine = SENTRAJ_ENGINE_MULTINOMIAL;
    tap_ok(sentraj_config_check(&cfg, NULL) == SENTRAJ_EUSAGE, "engines/balanced/refused-for-multinomial");
    cfg.engine = SENTRAJ_ENGINE_INDEX;
    cfg.balanced_max = 1000;
    tap_ok(sentraj_boot_mean(s, "bal", &cfg, &r, NULL, NULL) == SENTRAJ_ELIMIT, "engines/balanced/memory-limit");
    free(perm);
    sentraj_sample_free(s);
}

/* The multinomial engine: counts always sum to n (so a resample of a
 * constant-shifted sample shifts by the constant exactly), deterministic, and
 * independent of the thread count and of B. */
static void test_multinomial(void)
{
    sentraj_sample *s = skewed(400);
    sentraj_config cfg;
    sentraj_boot_result r;
    double a[3000], b[3000];
    int same = 1;

    sentraj_config_init(&cfg);
    cfg.engine = SENTRAJ_ENGINE_MULTINOMIAL;
    cfg.resamples = 3000;
    cfg.threads = 1;
    sentraj_boot_mean(s, "m", &cfg, &r, a, NULL);
    for (unsigned t = 2; t <= 5; t++) {
        cfg.threads = t;
        sentraj_boot_mean(s, "m", &cfg, &r, b, NULL);
        same &= memcmp(a, b, sizeof a) == 0;
    }
    tap_ok(same, "engines/multinomial/thread-invariant");
    cfg.resamples = 100;
    sentraj_boot_mean(s, "m", &cfg, &r, b, NULL);
    tap_ok(memcmp(a, b, 100 * sizeof *a) == 0, "engines/multinomial/prefix-independent-of-B");
    {
        /* Every resampled mean is on the lattice k / (6 n). */
        int lattice = 1;
        for (size_t i = 0; i < 3000; i++) {
            double k = a[i] * 6 * 400;
            lattice &= fabs(k - nearbyint(k)) < 1e-6;
        }
        tap_ok(lattice, "engines/multinomial/means-on-lattice");
    }
    sentraj_sample_free(s);
}

/* Degenerate and too-few samples give the value (or nothing) for every
 * method and engine, without NaN where a value is due. */
static void test_statuses(void)
{
    const double same[4] = {0.5, 0.5, 0.5, 0.5}, one[1] = {-1};
    sentraj_sample *sd = sentraj_sample_alloc(same, 4, 6, NULL), *s1 = sentraj_sample_alloc(one, 1, 6, NULL);
    sentraj_config cfg;
    sentraj_boot_result r;
    int ok_d = 1, ok_1 = 1;

    sentraj_config_init(&cfg);
    for (size_t e = 0; e < 3; e++) {
        for (size_t m = 0; m < 5; m++) {
            cfg.engine = engines[e];
            cfg.method = methods[m];
            ok_d &= sentraj_boot_mean(sd, "d", &cfg, &r, NULL, NULL) == SENTRAJ_OK &&
                    r.status == SENTRAJ_CI_DEGENERATE && r.ci_low == 0.5 && r.ci_high == 0.5 && r.se == 0;
            ok_1 &= sentraj_boot_mean(s1, "d", &cfg, &r, NULL, NULL) == SENTRAJ_OK &&
                    r.status == SENTRAJ_CI_TOO_FEW && isnan(r.ci_low) && isnan(r.se) && r.estimate == -1;
        }
    }
    tap_ok(ok_d, "engines/status/degenerate-every-engine-and-method");
    tap_ok(ok_1, "engines/status/too-few-every-engine-and-method");
    sentraj_sample_free(sd);
    sentraj_sample_free(s1);
}

/* Every method and Monte Carlo engine gives a finite interval around the
 * estimate on an ordinary sample; one-sided intervals are open on one end
 * and their finite end is at least as tight as the two-sided one's. */
static void test_methods(void)
{
    sentraj_sample *s = skewed(60);
    sentraj_config cfg;
    sentraj_boot_result r, two;
    int ok = 1, one_ok = 1;

    sentraj_config_init(&cfg);
    cfg.resamples = 2000;
    for (size_t e = 0; e < 2; e++) {
        for (size_t m = 0; m < 5; m++) {
            cfg.engine = engines[e];
            cfg.method = methods[m];
            cfg.alternative = SENTRAJ_TWO_SIDED;
            ok &= sentraj_boot_mean(s, "x", &cfg, &two, NULL, NULL) == SENTRAJ_OK && isfinite(two.ci_low) &&
                  isfinite(two.ci_high) && two.ci_low < two.estimate && two.estimate < two.ci_high &&
                  two.status == SENTRAJ_CI_OK;
            cfg.alternative = SENTRAJ_LESS;
            sentraj_boot_mean(s, "x", &cfg, &r, NULL, NULL);
            one_ok &= isinf(r.ci_low) && r.ci_low < 0 && r.ci_high <= two.ci_high + 1e-12;
            cfg.alternative = SENTRAJ_GREATER;
            sentraj_boot_mean(s, "x", &cfg, &r, NULL, NULL);
            one_ok &= isinf(r.ci_high) && r.ci_high > 0 && r.ci_low >= two.ci_low - 1e-12;
            if (!ok || !one_ok)
                tap_diag("engine %s method %s: [%g, %g] estimate %g", sentraj_engine_name(engines[e]),
                         sentraj_method_name(methods[m]), two.ci_low, two.ci_high, two.estimate);
        }
    }
    tap_ok(ok, "engines/methods/two-sided-finite-around-estimate");
    tap_ok(one_ok, "engines/methods/one-sided-open-and-tighter");
    sentraj_sample_free(s);
}

/* Interval formulas on a hand-made distribution. */
static void test_formulas(void)
{
    const double x[5] = {1, 2, 3, 4, 10};
    const double w[5] = {0.1, 0.2, 0.4, 0.2, 0.1};
    boot_dist mc = {x, NULL, 5}, ex = {x, w, 5};
    interval_input in;
    double lo, hi;

    /* Weighted quantile: smallest x with CDF >= p. CDF: .1 .3 .7 .9 1 */
    tap_near(dist_quantile(&ex, 0.1), 1, 0, "intervals/exact-quantile/at-atom-boundary");
    tap_near(dist_quantile(&ex, 0.2), 2, 0, "intervals/exact-quantile/inside");
    tap_near(dist_quantile(&ex, 0.95), 10, 0, "intervals/exact-quantile/top");
    /* Ties counted half: P(<3) + P(=3)/2 = 0.3 + 0.2 */
    tap_near(dist_share_below(&ex, 3), 0.5, 1e-15, "intervals/share-below/exact-ties-half");
    tap_near(dist_share_below(&mc, 3), 0.5, 0, "intervals/share-below/mc-ties-half");
    tap_near(dist_share_below(&mc, 0), 0, 0, "intervals/share-below/mc-none");

    memset(&in, 0, sizeof in);
    in.estimate = 3;
    in.se = 2;
    in.bias = 0.5;
    in.means = ex;
    interval_compute(&in, SENTRAJ_METHOD_PERCENTILE, SENTRAJ_TWO_SIDED, 0.8, &lo, &hi);
    tap_ok(lo == 1 && hi == 4, "intervals/percentile/80%%");
    interval_compute(&in, SENTRAJ_METHOD_BASIC, SENTRAJ_TWO_SIDED, 0.8, &lo, &hi);
    tap_ok(lo == 2 && hi == 5, "intervals/basic/reflected");
    interval_compute(&in, SENTRAJ_METHOD_NORMAL, SENTRAJ_TWO_SIDED, 0.95, &lo, &hi);
    /* 3 - 0.5 -+ 1.959963984540054 * 2 */
    tap_near(lo, 2.5 - 3.919927969080108, 1e-12, "intervals/normal/low");
    tap_near(hi, 2.5 + 3.919927969080108, 1e-12, "intervals/normal/high");
    /* BCa with z0 = 0 and a = 0 is the percentile interval. */
    in.accel = 0;
    interval_compute(&in, SENTRAJ_METHOD_BCA, SENTRAJ_TWO_SIDED, 0.8, &lo, &hi);
    tap_ok(lo == 1 && hi == 4, "intervals/bca/reduces-to-percentile");
    interval_compute(&in, SENTRAJ_METHOD_PERCENTILE, SENTRAJ_GREATER, 0.8, &lo, &hi);
    tap_ok(lo == 2 && isinf(hi), "intervals/percentile/greater-uses-whole-alpha");
    /* Studentized: t quantiles 10% and 90% of the same distribution with se_hat 0.5. */
    in.t = ex;
    in.se_hat = 0.5;
    interval_compute(&in, SENTRAJ_METHOD_STUDENTIZED, SENTRAJ_TWO_SIDED, 0.8, &lo, &hi);
    tap_ok(lo == 3 - 4 * 0.5 && hi == 3 - 1 * 0.5, "intervals/studentized/formula");
    /* Type 7 with infinite draws does not make NaN. */
    {
        const double t[4] = {-INFINITY, -1, 2, INFINITY};
        tap_ok(isinf(sentraj_quantile_sorted(t, 4, 0.1)) && isinf(sentraj_quantile_sorted(t, 4, 0.9)) &&
                   sentraj_quantile_sorted(t, 4, 0.5) == 0.5,
               "intervals/type7/infinities");
    }
}

/* The closed-form jackknife acceleration equals a brute-force jackknife. */
static void test_acceleration(void)
{
    sentraj_sample *s = skewed(45);
    double n = 45, mean = sentraj_sample_mean(s), u2 = 0, u3 = 0;
    const double *v = NULL;
    /* Brute force from the definition (Efron & Tibshirani 1993, eq. 14.15):
     * theta_(i) = mean without x_i, U_i = (n - 1)(theta_(.) - theta_(i)). */
    double *theta = malloc(45 * sizeof *theta), dot = 0;
    double vals[45];
    for (size_t i = 0; i < 45; i++)
        vals[i] = (double)((i * 7) % 5 == 0 ? 6 + (int)(i % 7) : (int)(i % 3) - 1) / 6;
    v = vals;
    for (size_t i = 0; i < 45; i++) {
        double sum = 0;
        for (size_t j = 0; j < 45; j++)
            if (j != i)
                sum += v[j];
        theta[i] = sum / (n - 1);
        dot += theta[i] / n;
    }
    for (size_t i = 0; i < 45; i++) {
        double u = (n - 1) * (dot - theta[i]);
        u2 += u * u;
        u3 += u * u * u;
    }
    (void)mean;
    tap_near(interval_acceleration(s), u3 / (6 * pow(u2, 1.5)), 1e-12, "intervals/acceleration/jackknife");
    free(theta);
    sentraj_sample_free(s);
}

/* The index engine's byte kernels (used when values fit in a byte and no
 * squares are needed: SIMD where the CPU has it, then four lanes at a time)
 * and its one-at-a-time loop (used for the studentized method) must draw
 * exactly the same resamples. n = 100000 and B = 400 make 4e7 draws, about
 * 900 of which take Lemire's rejection branch. */
static void test_index_lanes(void)
{
    size_t n = 100000, B = 401;
    double *v = malloc(n * sizeof *v), *a = malloc(B * sizeof *a), *b = malloc(B * sizeof *b);
    sentraj_sample *s;
    sentraj_config cfg;
    sentraj_boot_result r;

    for (size_t i = 0; i < n; i++)
        v[i] = (double)((int)((i * 2654435761u) % 25) - 12) / 6;
    s = sentraj_sample_alloc(v, n, 6, NULL);
    sentraj_config_init(&cfg);
    cfg.engine = SENTRAJ_ENGINE_INDEX;
    cfg.resamples = B;
    sentraj_boot_mean(s, "lanes", &cfg, &r, a, NULL);
    cfg.method = SENTRAJ_METHOD_STUDENTIZED;
    sentraj_boot_mean(s, "lanes", &cfg, &r, b, NULL);
    tap_ok(memcmp(a, b, B * sizeof *a) == 0, "engines/index/four-lane-kernel-equals-scalar-loop");
    sentraj_sample_free(s);
    free(v);
    free(a);
    free(b);
}

/* A lattice sample (denominator 1) of n bytes spread over the whole int8
 * range, so that the kernels' sign extension is exercised. */
static sentraj_sample *bytes_sample(size_t n)
{
    int64_t *q = malloc((n ? n : 1) * sizeof *q);
    sentraj_sample *s;

    for (size_t i = 0; i < n; i++)
        q[i] = (int64_t)((i * 2654435761u) % 256) - 128;
    s = sample_full(sample_alloc_lattice(q, n, 1, NULL)); /* engine_index reads q and q8 */
    free(q);
    return s;
}

/* engine_index's sums of resamples [b0, b1) with the kernels up to level
 * into out; 1 when that level is available. */
static int index_at(int level, const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *out)
{
    if (engine_index_set_simd(level) != level)
        return 0;
    engine_index(s, seed, h, b0, b1, out, NULL);
    return 1;
}

/* Compare the SIMD kernels with the portable one on [b0, b1) of s for a few
 * seeds: every sum equal (==, not near). Appends a TAP line per kernel. */
static void simd_equals_portable(const sentraj_sample *s, size_t b0, size_t b1, const char *name)
{
    static const uint64_t seeds[3][2] = {{42, 7}, {1, 0}, {UINT64_MAX, UINT64_C(0x9e3779b97f4a7c15)}};
    static const int levels[2] = {ENGINE_SIMD_AVX2, ENGINE_SIMD_AVX512};
    static const char *const level_names[2] = {"avx2", "avx512"};
    double *want = malloc(b1 * sizeof *want), *got = malloc(b1 * sizeof *got);

    for (size_t l = 0; l < 2; l++) {
        int same = 1, avail = 1;
        char test[128];
        for (size_t k = 0; k < 3 && avail; k++) {
            for (size_t b = 0; b < b1; b++)
                want[b] = got[b] = -1;
            index_at(ENGINE_SIMD_NONE, s, seeds[k][0], seeds[k][1], b0, b1, want);
            avail = index_at(levels[l], s, seeds[k][0], seeds[k][1], b0, b1, got);
            for (size_t b = 0; b < b1 && avail; b++) {
                if (got[b] != want[b] && same)
                    tap_diag("%s %s seed %zu resample %zu: got %.17g, want %.17g", name, level_names[l], k, b,
                             got[b], want[b]);
                same &= got[b] == want[b];
            }
        }
        snprintf(test, sizeof test, "engines/index/%s/%s-equals-portable", level_names[l], name);
        if (avail)
            tap_ok(same, "%s", test);
        else
            tap_skip(test, "the CPU lacks the instructions");
    }
    free(want);
    free(got);
}

/* The SIMD byte kernels (index_simd.c) against the portable four-lane and
 * one-at-a-time loops: resample ranges that are not multiples of their 16
 * lanes, sizes around the lane counts, several seeds. */
static void test_index_simd(void)
{
    static const size_t sizes[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 255, 1000, 53585};
    int ok = 1;

    tap_ok(engine_index_set_simd(ENGINE_SIMD_NONE) == ENGINE_SIMD_NONE, "engines/index/simd-can-be-turned-off");
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        sentraj_sample *s = bytes_sample(sizes[i]);
        char name[64];
        ok &= s && s->q8;
        if (!s)
            continue;
        snprintf(name, sizeof name, "n%zu", sizes[i]);
        simd_equals_portable(s, 3, 42, name);
        if (sizes[i] == 53585 || sizes[i] == 17) {
            snprintf(name, sizeof name, "n%zu-0-64", sizes[i]);
            simd_equals_portable(s, 0, 64, name);
        }
        sentraj_sample_free(s);
    }
    tap_ok(ok, "engines/index/simd-samples-are-bytes");
    engine_index_set_simd(ENGINE_SIMD_AVX512);
}

/* Lemire's rejections in the SIMD kernels. Draws reject with probability
 * (2^32 mod n) / 2^32, at most n / 2^32, so many rejections need a large n:
 * n = 2^21 + 1 leaves 2^32 mod n = 2^21 - 2047, one draw in about 2050, and
 * about 16000 rejections in a block of 16 resamples, with some 60 steps
 * where two or more of the 16 lanes reject at once (n = 2^22 + 1 gives four
 * times as many, but takes two minutes under ThreadSanitizer). The count
 * comes from an independent loop over the same streams. */
static void test_index_simd_rejections(void)
{
    const uint32_t n = (UINT32_C(1) << 21) + 1, t = (uint32_t)(0u - n) % n;
    const size_t b0 = 5, b1 = 26;
    sentraj_sample *s = bytes_sample(n);
    uint64_t rejected = 0;

    for (size_t b = b0; b < b0 + 16; b++) {
        sentraj_pcg32 r;
        sentraj_stream_seed(&r, 42, 7, (uint64_t)b);
        for (uint32_t i = 0; i < n; i++) {
            uint64_t m = (uint64_t)sentraj_pcg32_next(&r) * n;
            while ((uint32_t)m < t) {
                rejected++;
                m = (uint64_t)sentraj_pcg32_next(&r) * n;
            }
        }
    }
    tap_ok(rejected > 12000, "engines/index/simd-rejections-exercised");
    tap_diag("%llu rejections in the first 16 resamples", (unsigned long long)rejected);
    simd_equals_portable(s, b0, b1, "rejections");
    engine_index_set_simd(ENGINE_SIMD_AVX512);
    sentraj_sample_free(s);
}

static int cmp_q(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* 1 when s holds the n integers q over denom: its runs, counts, doubles and
 * mean against a sort and count done here, and its expansion. */
static int sample_is(const sentraj_sample *s, const int64_t *q, size_t n, int64_t denom)
{
    int64_t *sorted = malloc((n ? n : 1) * sizeof *sorted), sum = 0;
    sentraj_sample full;
    size_t k = 0;
    int ok = s && s->lattice && s->denom == denom && s->n == n && s->values == NULL && s->q == NULL;

    memcpy(sorted, q, n * sizeof *q);
    qsort(sorted, n, sizeof *sorted, cmp_q);
    for (size_t i = 0; ok && i < n; k++) {
        size_t c = 0;
        while (i < n && sorted[i] == sorted[i - c])
            i++, c++;
        ok = k < s->k && s->qd[k] == sorted[i - 1] && s->counts[k] == c &&
             s->distinct[k] == (double)sorted[i - 1] / (double)denom;
    }
    for (size_t i = 0; i < n; i++)
        sum += sorted[i];
    ok = ok && k == s->k && (n ? s->mean == (double)sum / ((double)denom * (double)n) : isnan(s->mean));
    if (ok && sample_expand(s, &full, NULL) == SENTRAJ_OK) {
        int bytes = n && sorted[0] >= -128 && sorted[n - 1] <= 127;
        for (size_t i = 0; i < n; i++)
            ok &= full.q[i] == sorted[i] && (!bytes || full.q8[i] == sorted[i]);
        ok &= bytes == (full.q8 != NULL) && full.qd == s->qd && full.counts == s->counts;
        sample_expand_free(&full);
    } else {
        ok = 0;
    }
    free(sorted);
    return ok;
}

/* Lattice samples are runs: built by counting (narrow ranges) or by a sort
 * (wide ones), from values or from (value, count) runs in any order. */
static void test_sample_runs(void)
{
    static const int64_t spans[] = {1, 25, 255, 256, 70000, (int64_t)1 << 31};
    sentraj_pcg32 r;
    sentraj_error err;
    int64_t q[600], rq[40];
    uint64_t rc[40];
    sentraj_sample *s;
    int ok = 1;

    sentraj_pcg32_seed(&r, 7, 1);
    for (size_t t = 0; t < sizeof spans / sizeof *spans; t++) {
        for (size_t n = 0; n < 600; n += 1 + n / 3) {
            for (size_t i = 0; i < n; i++)
                q[i] = (int64_t)(sentraj_pcg32_next(&r) % (uint64_t)spans[t]) - spans[t] / 2;
            s = sample_alloc_lattice(q, n, 6, &err);
            ok &= sample_is(s, q, n, 6);
            sentraj_sample_free(s);
        }
    }
    tap_ok(ok, "sample/lattice/runs-by-counting-and-by-sorting");

    /* Runs shuffled, repeated and empty give the sample of their values. */
    ok = 1;
    for (int rep = 0; rep < 50; rep++) {
        size_t m = 1 + sentraj_pcg32_bounded(&r, 40), n = 0;
        for (size_t i = 0; i < m; i++) {
            rq[i] = (int64_t)sentraj_pcg32_bounded(&r, 9) - 4 + (rep % 2 ? 200 : 0);
            rc[i] = sentraj_pcg32_bounded(&r, 4);
            for (uint64_t c = 0; c < rc[i]; c++)
                q[n++] = rq[i];
        }
        s = sample_alloc_lattice_runs(rq, rc, m, 12, &err);
        ok &= sample_is(s, q, n, 12);
        sentraj_sample_free(s);
    }
    tap_ok(ok, "sample/lattice/from-runs-equals-from-values");

    /* Bytes exactly when every value is in [-128, 127]. */
    q[0] = -128, q[1] = 127;
    s = sample_alloc_lattice(q, 2, 1, &err);
    ok = sample_is(s, q, 2, 1);
    sentraj_sample_free(s);
    q[0] = -129;
    s = sample_alloc_lattice(q, 2, 1, &err);
    ok &= sample_is(s, q, 2, 1);
    sentraj_sample_free(s);
    q[0] = -128, q[1] = 128;
    s = sample_alloc_lattice(q, 2, 1, &err);
    tap_ok(ok && sample_is(s, q, 2, 1), "sample/lattice/bytes-at-the-int8-edges");
    sentraj_sample_free(s);

    /* Limits: 32-bit values, 2^32 - 1 values. */
    q[0] = INT32_MAX - 1, q[1] = INT32_MIN + 1;
    s = sample_alloc_lattice(q, 2, 1, &err);
    tap_ok(s && s->qd[0] == INT32_MIN + 1 && s->qd[1] == INT32_MAX - 1, "sample/lattice/widest-values");
    sentraj_sample_free(s);
    q[1] = INT32_MAX;
    tap_ok(!sample_alloc_lattice(q, 2, 1, &err) && err.code == SENTRAJ_EUSAGE && strstr(err.message, "32 bits"),
           "sample/lattice/value-past-32-bits-rejected");
    rq[0] = 1, rq[1] = 2, rc[0] = UINT32_MAX, rc[1] = 0;
    s = sample_alloc_lattice_runs(rq, rc, 2, 1, &err);
    tap_ok(s && s->n == UINT32_MAX && s->k == 1 && s->mean == 1, "sample/lattice/runs-up-to-the-limit");
    sentraj_sample_free(s);
    rc[1] = 1;
    tap_ok(!sample_alloc_lattice_runs(rq, rc, 2, 1, &err) && err.code == SENTRAJ_ELIMIT,
           "sample/lattice/runs-past-the-limit-rejected");
}

/* Threads of this process, from /proc (0 when it cannot tell). */
static int task_count(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void *nothing(void *arg)
{
    return arg;
}

/* After sentraj_blas_single_threaded, a bootstrap through OpenBLAS (the
 * multinomial engine's products) must not start OpenBLAS's worker pool again:
 * its idle thread would spin beside the engines' threads. */
static void test_blas_stays_stopped(void)
{
    sentraj_sample *s = skewed(400);
    sentraj_config cfg;
    sentraj_boot_result r;
    int before, after;

    sentraj_blas_single_threaded();
    /* A thread made and joined first: a runtime that starts a helper
     * thread of its own at the first pthread_create (ThreadSanitizer
     * does) has it before the count. */
    {
        pthread_t t;
        if (pthread_create(&t, NULL, nothing, NULL) == 0)
            pthread_join(t, NULL);
    }
    before = task_count();
    sentraj_config_init(&cfg);
    cfg.engine = SENTRAJ_ENGINE_MULTINOMIAL;
    cfg.threads = 2;
    sentraj_boot_mean(s, "blas", &cfg, &r, NULL, NULL);
    after = task_count();
    if (before == 0)
        tap_skip("engines/blas/pool-stays-stopped", "no /proc/self/task");
    else if (!tap_ok(after == before && r.status == SENTRAJ_CI_OK, "engines/blas/pool-stays-stopped"))
        tap_diag("threads: %d before, %d after", before, after);
    sentraj_sample_free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_blas_stays_stopped();
    test_sample_runs();
    test_balanced();
    test_multinomial();
    test_statuses();
    test_methods();
    test_formulas();
    test_acceleration();
    test_index_lanes();
    test_index_simd();
    test_index_simd_rejections();
    return tap_done();
}
