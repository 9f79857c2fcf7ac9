/* test_bootstrap.c - the index engine and the percentile interval against an independent oracle. */
#include "tap.h"

#include <sentraj.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Expected values come from scripts/oracle.py, a Python reimplementation of
 * the stream derivation, pcg32, Lemire's bounded draw, the quantile rule and
 * the standard error, written from the specification and not from this C.
 * The command that produced each case is quoted above it. */

typedef struct oracle_case {
    const char *name;   /* stream name */
    uint64_t seed;
    size_t B;
    double level;
    double denom;
    size_t n;
    double values[16];
    double estimate, ci_low, ci_high, se;
    double estimate_tol;
} oracle_case;

static const oracle_case cases[] = {
    /* oracle.py boot --seed 42 --resamples 1000 --level 0.95 --name coaching --unit 1/6 --
     *     -1/6 0 1/6 1/3 1/2 -1/2 1 0 0 1/6 */
    {"coaching", 42, 1000, 0.95, 6, 10,
     {-1.0 / 6, 0, 1.0 / 6, 1.0 / 3, 0.5, -0.5, 1, 0, 0, 1.0 / 6},
     0.15, -0.05, 0.38333333333333336, 0.11722057245659362, 0},
    /* oracle.py boot --seed 7 --resamples 500 --level 0.95 --name x -- 0.1 0.25 -0.3 0.7 0.05 0.05 */
    {"x", 7, 500, 0.95, 0, 6,
     {0.1, 0.25, -0.3, 0.7, 0.05, 0.05},
     0.14166666666666666, -0.08770833333333325, 0.3793749999999998, 0.12079477190883595, 1e-16},
    /* oracle.py boot --seed 123 --resamples 999 --level 0.9 --name "interpersonal advice" --unit 1/6 --
     *     2/6 2/6 -1/6 0 0 0 5/6 -12/6 1/6 */
    {"interpersonal advice", 123, 999, 0.9, 6, 9,
     {2.0 / 6, 2.0 / 6, -1.0 / 6, 0, 0, 0, 5.0 / 6, -12.0 / 6, 1.0 / 6},
     -0.05555555555555555, -0.46296296296296297, 0.2962962962962963, 0.23591900218394946, 0},
};

/* oracle.py boot --seed 42 --resamples 20 --name coaching --unit 1/6 --means (first case's values) */
static const double first_means[20] = {
    0.2833333333333333,  0.18333333333333332, 0.3,  0.16666666666666666, 0.23333333333333334,
    0.08333333333333333, 0.35,                0.2833333333333333,        0.08333333333333333,
    0.5166666666666667,  0.1,                 0.06666666666666667,       0.03333333333333333,
    0.016666666666666666, 0.18333333333333332, 0.03333333333333333,      0.06666666666666667,
    0.2,                 0.05,                0.03333333333333333,
};

static void run_case(const oracle_case *c)
{
    sentraj_config cfg;
    sentraj_error err;
    sentraj_boot_result r;
    sentraj_sample *s = sentraj_sample_alloc(c->values, c->n, c->denom, &err);

    sentraj_config_init(&cfg);
    cfg.seed = c->seed;
    cfg.resamples = c->B;
    cfg.level = c->level;
    tap_ok(s != NULL && sentraj_sample_is_lattice(s) == (c->denom > 0), "boot/oracle/%s/lattice-detected", c->name);
    if (!s)
        return;
    tap_ok(sentraj_boot_mean(s, c->name, &cfg, &r, NULL, &err) == SENTRAJ_OK, "boot/oracle/%s/runs", c->name);
    tap_near(r.estimate, c->estimate, c->estimate_tol, "boot/oracle/estimate");
    tap_near(r.ci_low, c->ci_low, 0, "boot/oracle/ci_low (bit-exact)");
    tap_near(r.ci_high, c->ci_high, 0, "boot/oracle/ci_high (bit-exact)");
    tap_near(r.se, c->se, 0, "boot/oracle/se (bit-exact)");
    tap_ok(r.status == SENTRAJ_CI_OK && r.engine == SENTRAJ_ENGINE_INDEX && r.resamples == c->B,
           "boot/oracle/%s/status-engine-resamples", c->name);
    sentraj_sample_free(s);
}

static void test_means_and_threads(void)
{
    const oracle_case *c = &cases[0];
    sentraj_config cfg;
    sentraj_error err;
    sentraj_boot_result r;
    sentraj_sample *s = sentraj_sample_alloc(c->values, c->n, c->denom, &err);
    double means[20], ref[4000], got[4000];
    int same = 1;

    sentraj_config_init(&cfg);
    cfg.resamples = 20;
    sentraj_boot_mean(s, "coaching", &cfg, &r, means, &err);
    tap_ok(memcmp(means, first_means, sizeof means) == 0, "boot/oracle/first-20-resampled-means");

    /* Byte-identical means for any thread count. */
    cfg.resamples = 4000;
    cfg.threads = 1;
    sentraj_boot_mean(s, "coaching", &cfg, &r, ref, &err);
    for (unsigned t = 2; t <= 8; t++) {
        cfg.threads = t;
        sentraj_boot_mean(s, "coaching", &cfg, &r, got, &err);
        same &= memcmp(ref, got, sizeof ref) == 0;
    }
    tap_ok(same, "boot/threads/1-to-8-identical");

    /* The first resamples do not depend on B: resample b has its own stream. */
    tap_ok(memcmp(ref, first_means, sizeof first_means) == 0, "boot/streams/prefix-independent-of-B");

    /* Another seed gives another distribution; another name too. */
    cfg.threads = 0;
    cfg.seed = 43;
    sentraj_boot_mean(s, "coaching", &cfg, &r, got, &err);
    tap_ok(memcmp(ref, got, sizeof ref) != 0, "boot/streams/seed-changes-draws");
    cfg.seed = 42;
    sentraj_boot_mean(s, "counseling", &cfg, &r, got, &err);
    tap_ok(memcmp(ref, got, sizeof ref) != 0, "boot/streams/name-changes-draws");
    sentraj_sample_free(s);
}

/* Hand-computed: the sample {0, 1} resamples to means 0, 1/2, 1 with
 * probabilities 1/4, 1/2, 1/4, so with B = 1000 the 2.5% and 97.5% quantiles
 * are 0 and 1 (the chance of fewer than 26 zeros is about 1e-40). */
static void test_hand(void)
{
    const double v[2] = {1, 0};
    sentraj_config cfg;
    sentraj_error err;
    sentraj_boot_result r;
    sentraj_sample *s = sentraj_sample_alloc(v, 2, 1, &err);
    double means[1000];
    size_t counts[3] = {0, 0, 0};
    int only = 1;

    sentraj_config_init(&cfg);
    sentraj_boot_mean(s, "hand", &cfg, &r, means, &err);
    for (size_t b = 0; b < 1000; b++) {
        if (means[b] == 0)
            counts[0]++;
        else if (means[b] == 0.5)
            counts[1]++;
        else if (means[b] == 1)
            counts[2]++;
        else
            only = 0;
    }
    tap_ok(only, "boot/hand/means-in-{0,1/2,1}");
    tap_ok(counts[0] > 180 && counts[0] < 320 && counts[1] > 420 && counts[1] < 580, "boot/hand/proportions-1:2:1");
    tap_near(r.ci_low, 0, 0, "boot/hand/ci_low");
    tap_near(r.ci_high, 1, 0, "boot/hand/ci_high");
    tap_near(r.estimate, 0.5, 0, "boot/hand/estimate");
    /* The bootstrap variance of the mean of 2 draws from {0,1}: 1/8. */
    tap_near(r.se, sqrt(0.125), 0.02, "boot/hand/se-near-sqrt(1/8)");
    sentraj_sample_free(s);
}

static void test_statuses(void)
{
    const double same[3] = {0.5, 0.5, 0.5}, one[1] = {0.25};
    sentraj_config cfg;
    sentraj_error err;
    sentraj_boot_result r;
    sentraj_sample *s;
    double means[4] = {7, 7, 7, 7};

    sentraj_config_init(&cfg);
    cfg.resamples = 4;
    s = sentraj_sample_alloc(same, 3, 6, &err);
    sentraj_boot_mean(s, "d", &cfg, &r, means, &err);
    tap_ok(r.status == SENTRAJ_CI_DEGENERATE && r.ci_low == 0.5 && r.ci_high == 0.5 && r.se == 0 &&
               r.estimate == 0.5,
           "boot/status/degenerate-interval-is-the-value");
    tap_ok(means[0] == 7, "boot/status/degenerate-leaves-means-untouched");
    sentraj_sample_free(s);

    s = sentraj_sample_alloc(one, 1, 6, &err);
    sentraj_boot_mean(s, "t", &cfg, &r, NULL, &err);
    tap_ok(r.status == SENTRAJ_CI_TOO_FEW && isnan(r.ci_low) && isnan(r.ci_high) && isnan(r.se) && r.estimate == 0.25,
           "boot/status/too-few-one-value");
    sentraj_sample_free(s);

    s = sentraj_sample_alloc(NULL, 0, 6, &err);
    sentraj_boot_mean(s, "t", &cfg, &r, NULL, &err);
    tap_ok(r.status == SENTRAJ_CI_TOO_FEW && isnan(r.estimate), "boot/status/too-few-empty");
    sentraj_sample_free(s);
}

static void test_sample(void)
{
    const double v[5] = {0.5, -1.0 / 6, 0.5, 1.0 / 3, 0.1};
    const double bad[2] = {0.1, NAN};
    sentraj_error err;
    sentraj_sample *s = sentraj_sample_alloc(v, 4, 6, &err);

    tap_ok(s && sentraj_sample_is_lattice(s) && sentraj_sample_size(s) == 4 && sentraj_sample_distinct(s) == 3,
           "sample/lattice/size-and-distinct");
    tap_near(sentraj_sample_mean(s), (3 - 1 + 3 + 2) / 24.0, 0, "sample/lattice/mean-exact");
    sentraj_sample_free(s);
    s = sentraj_sample_alloc(v, 5, 6, &err);
    tap_ok(s && !sentraj_sample_is_lattice(s), "sample/off-lattice-falls-back-to-doubles");
    sentraj_sample_free(s);
    tap_ok(sentraj_sample_alloc(bad, 2, 0, &err) == NULL && err.code == SENTRAJ_EUSAGE, "sample/nan-rejected");
    tap_ok(sentraj_sample_alloc(v, 2, 0.5, &err) == NULL && err.code == SENTRAJ_EUSAGE,
           "sample/non-integer-denominator-rejected");
}

static void test_quantile(void)
{
    /* numpy: np.percentile([1,2,3,4], 2.5) = 1.075; np.percentile([1,2,3,7,10], 97.5) = 9.7 */
    const double a[4] = {1, 2, 3, 4}, b[5] = {1, 2, 3, 7, 10};
    tap_near(sentraj_quantile_sorted(a, 4, 0.025), 1.075, 1e-15, "quantile/type7/numpy-1");
    tap_near(sentraj_quantile_sorted(b, 5, 0.975), 9.7, 1e-15, "quantile/type7/numpy-2");
    tap_near(sentraj_quantile_sorted(a, 4, 0.5), 2.5, 0, "quantile/type7/median");
    tap_near(sentraj_quantile_sorted(a, 4, 0), 1, 0, "quantile/type7/p0");
    tap_near(sentraj_quantile_sorted(a, 4, 1), 4, 0, "quantile/type7/p1");
    tap_near(sentraj_quantile_sorted(a, 1, 0.3), 1, 0, "quantile/type7/single");
}

static void test_config(void)
{
    sentraj_config cfg;
    sentraj_error err;
    sentraj_config_init(&cfg);
    tap_ok(cfg.min_human == 6 && cfg.window == 3 && cfg.resamples == 1000 && cfg.level == 0.95 && cfg.seed == 42 &&
               cfg.threads == 0 && cfg.engine == SENTRAJ_ENGINE_AUTO && cfg.method == SENTRAJ_METHOD_PERCENTILE,
           "config/defaults");
    cfg.level = 1;
    tap_ok(sentraj_config_check(&cfg, &err) == SENTRAJ_EUSAGE && strstr(err.message, "level"), "config/level-1");
    sentraj_config_init(&cfg);
    cfg.resamples = 1;
    tap_ok(sentraj_config_check(&cfg, &err) == SENTRAJ_EUSAGE && strstr(err.message, "resamples"),
           "config/resamples-1");
    sentraj_config_init(&cfg);
    cfg.min_human = 5;
    tap_ok(sentraj_config_check(&cfg, &err) == SENTRAJ_EUSAGE && strstr(err.message, "twice the window"),
           "config/overlapping-windows");
    sentraj_config_init(&cfg);
    cfg.window = 0;
    tap_ok(sentraj_config_check(&cfg, &err) == SENTRAJ_EUSAGE, "config/window-0");
}

int main(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);
    test_means_and_threads();
    test_hand();
    test_statuses();
    test_sample();
    test_quantile();
    test_config();
    return tap_done();
}
