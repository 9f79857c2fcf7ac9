/* test_statistics.c - statistics beyond the mean: their values, their bootstrap, the exact share, statuses. */
#include "tap.h"

#include "analyses/holm.h"
#include "boot/groups.h"
#include "boot/sample.h"
#include "boot/stat.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <sentraj.h>
#include <stdlib.h>
#include <string.h>

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the statistics from counts, against their definitions on sorted values ---- */

/* The statistic of n sorted values by its textbook definition. */
static double direct(sentraj_statistic st, double trim, const double *y, size_t n)
{
    double s = 0;
    size_t g, k = 0;

    switch (st) {
    case SENTRAJ_STAT_MEAN:
        for (size_t i = 0; i < n; i++)
            s += y[i];
        return s / (double)n;
    case SENTRAJ_STAT_MEDIAN:
        return n % 2 ? y[n / 2] : (y[n / 2 - 1] + y[n / 2]) / 2;
    case SENTRAJ_STAT_TRIMMED:
        g = (size_t)floor(trim * (double)n);
        for (size_t i = g; i < n - g; i++)
            s += y[i];
        return s / (double)(n - 2 * g);
    default:
        for (size_t i = 0; i < n; i++)
            k += st == SENTRAJ_STAT_SHARE_UP ? y[i] > 0 : st == SENTRAJ_STAT_SHARE_DOWN ? y[i] < 0 : y[i] == 0;
        return (double)k / (double)n;
    }
}

/* Random lattice samples k/6, k in -12..12: every statistic from counts
 * equals its definition on the expanded sorted values (exactly, up to one
 * rounding for the means). */
static void test_counts_vs_definition(void)
{
    static const sentraj_statistic stats[] = {SENTRAJ_STAT_MEAN, SENTRAJ_STAT_MEDIAN, SENTRAJ_STAT_TRIMMED,
                                              SENTRAJ_STAT_SHARE_UP, SENTRAJ_STAT_SHARE_DOWN,
                                              SENTRAJ_STAT_SHARE_SAME};
    static const double trims[] = {0, 0.1, 0.25, 0.49};
    sentraj_pcg32 rng;
    int bad[6] = {0}, bad_trim = 0;

    sentraj_pcg32_seed(&rng, 7, 11);
    for (int rep = 0; rep < 300; rep++) {
        size_t n = 1 + sentraj_pcg32_bounded(&rng, 40), K = 25;
        double c[25] = {0}, v[25], y[64];
        int64_t q[25];
        stat_values vals = {K, v, q, 6};
        sentraj_config cfg;
        size_t i = 0;
        for (size_t j = 0; j < K; j++) {
            q[j] = (int64_t)j - 12;
            v[j] = (double)q[j] / 6;
        }
        for (size_t t = 0; t < n; t++)
            c[sentraj_pcg32_bounded(&rng, (uint32_t)(rep % 3 ? 7 : K)) + (rep % 3 ? 9 : 0)] += 1;
        for (size_t j = 0; j < K; j++)
            for (int t = 0; t < (int)c[j]; t++)
                y[i++] = v[j];
        sentraj_config_init(&cfg);
        for (size_t s = 0; s < 6; s++) {
            double got, want;
            cfg.statistic = stats[s];
            cfg.trim = trims[rep % 4];
            got = stat_of_counts(&cfg, &vals, c);
            want = direct(stats[s], cfg.trim, y, n);
            if (fabs(got - want) > 1e-14) {
                if (!bad[s])
                    tap_diag("n %zu %s: got %.17g want %.17g", n, sentraj_statistic_name(stats[s]), got, want);
                bad[s] = 1;
            }
        }
        /* Off the lattice the same values give the same statistics. */
        vals.q = NULL;
        cfg.statistic = SENTRAJ_STAT_TRIMMED;
        if (fabs(stat_of_counts(&cfg, &vals, c) - direct(SENTRAJ_STAT_TRIMMED, cfg.trim, y, n)) > 1e-14)
            bad_trim = 1;
    }
    for (size_t s = 0; s < 6; s++)
        tap_ok(!bad[s], "statistics/counts/%s-equals-definition", sentraj_statistic_name(stats[s]));
    tap_ok(!bad_trim, "statistics/counts/trimmed-off-lattice");
    {
        /* floor(F n) as scipy and R take it: 0.1 x 30 is 3.0000000000000004 -> 3. */
        double c[3] = {10, 10, 10}, v[3] = {-1, 0, 1};
        int64_t q[3] = {-1, 0, 1};
        stat_values vals = {3, v, q, 1};
        sentraj_config cfg;
        sentraj_config_init(&cfg);
        cfg.statistic = SENTRAJ_STAT_TRIMMED;
        cfg.trim = 0.1;
        tap_near(stat_of_counts(&cfg, &vals, c), 0, 0, "statistics/counts/trimmed-floor");
        c[0] = c[1] = c[2] = 0;
        tap_ok(isnan(stat_of_counts(&cfg, &vals, c)), "statistics/counts/empty-is-nan");
    }
}

/* ---- names ---------------------------------------------------------------- */

static void test_names(void)
{
    sentraj_config cfg;
    sentraj_error err;
    char buf[40];

    sentraj_config_init(&cfg);
    tap_ok(sentraj_statistic_parse("trimmed:0.1", &cfg.statistic, &cfg.trim, &err) == SENTRAJ_OK &&
               cfg.statistic == SENTRAJ_STAT_TRIMMED && cfg.trim == 0.1,
           "statistics/parse/trimmed");
    tap_eq_str(sentraj_statistic_format(&cfg, buf, sizeof buf), "trimmed:0.1", "statistics/format/trimmed");
    cfg.trim = 0.25;
    tap_eq_str(sentraj_statistic_format(&cfg, buf, sizeof buf), "trimmed:0.25", "statistics/format/trimmed-0.25");
    tap_ok(sentraj_statistic_parse("share-down", &cfg.statistic, &cfg.trim, &err) == SENTRAJ_OK &&
               cfg.statistic == SENTRAJ_STAT_SHARE_DOWN,
           "statistics/parse/share-down");
    tap_ok(sentraj_statistic_parse("trimmed:0.5", &cfg.statistic, &cfg.trim, &err) == SENTRAJ_EUSAGE &&
               strstr(err.message, "[0, 0.5)"),
           "statistics/parse/trimmed-0.5-refused");
    tap_ok(sentraj_statistic_parse("trimmed:-0", &cfg.statistic, &cfg.trim, &err) == SENTRAJ_EUSAGE,
           "statistics/parse/trimmed-sign-refused");
    tap_ok(sentraj_statistic_parse("mode", &cfg.statistic, &cfg.trim, &err) == SENTRAJ_EUSAGE &&
               strstr(err.message, "expected mean, median, trimmed:F, share-up, share-down or share-same"),
           "statistics/parse/unknown");
    sentraj_config_init(&cfg);
    cfg.statistic = SENTRAJ_STAT_MEDIAN;
    cfg.engine = SENTRAJ_ENGINE_EXACT;
    tap_ok(sentraj_config_check(&cfg, &err) == SENTRAJ_EUSAGE && strstr(err.message, "mean and the shares") &&
               strstr(err.message, "--engine multinomial, index or auto"),
           "statistics/check/exact-median-names-the-engines");
    cfg.statistic = SENTRAJ_STAT_SHARE_UP;
    tap_ok(sentraj_config_check(&cfg, &err) == SENTRAJ_OK, "statistics/check/exact-share-ok");
    cfg.engine = SENTRAJ_ENGINE_AUTO;
    cfg.method = SENTRAJ_METHOD_STUDENTIZED;
    tap_ok(sentraj_config_check(&cfg, &err) == SENTRAJ_EUSAGE && strstr(err.message, "studentized"),
           "statistics/check/studentized-needs-the-mean");
    tap_eq_str(sentraj_ci_status_name(SENTRAJ_CI_SMALL), "small", "statistics/status/small");
    tap_eq_str(sentraj_ci_status_name(SENTRAJ_CI_REFUSED), "refused", "statistics/status/refused");
}

/* ---- the groups bootstrap draws as the ordinary engines do -------------------- */

/* A mean trimmed by 0 is the mean: its bootstrap through boot/groups.c must
 * draw exactly the resamples of the mean's engines for the same streams. */
static void test_same_draws(void)
{
    static const sentraj_engine engines[] = {SENTRAJ_ENGINE_INDEX, SENTRAJ_ENGINE_MULTINOMIAL,
                                             SENTRAJ_ENGINE_INDEX};
    double values[60];
    sentraj_sample *s;

    for (int i = 0; i < 60; i++)
        values[i] = (double)((i * 7) % 13 - 6) / 6;
    s = sentraj_sample_alloc(values, 60, 6, NULL);
    for (int e = 0; e < 3; e++) {
        sentraj_config cfg;
        sentraj_boot_result r;
        double *means = malloc(500 * sizeof *means);
        boot_draws keep;
        groups_sample *gs = groups_from_sample(s, NULL);
        static const double one = 1;
        groups_row row;
        int same;

        sentraj_config_init(&cfg);
        cfg.resamples = 500;
        cfg.engine = engines[e];
        cfg.sim = e == 2 ? SENTRAJ_SIM_BALANCED : SENTRAJ_SIM_ORDINARY;
        sentraj_boot_mean(s, "same", &cfg, &r, means, NULL);
        cfg.statistic = SENTRAJ_STAT_TRIMMED;
        cfg.trim = 0;
        row = (groups_row){.gs = gs, .h = sentraj_hash_name("same", 4), .w = &one};
        if (groups_boot_many(&row, 1, &cfg, &keep, NULL) != SENTRAJ_OK || !keep.values) {
            tap_ok(0, "statistics/groups/%s%s-runs", sentraj_engine_name(engines[e]), e == 2 ? "-balanced" : "");
        } else {
            same = memcmp(keep.values, means, 500 * sizeof *means) == 0;
            tap_ok(same, "statistics/groups/%s%s-draws-the-mean-engines-resamples", sentraj_engine_name(engines[e]),
                   e == 2 ? "-balanced" : "");
            tap_ok(row.ci_low == r.ci_low && row.ci_high == r.ci_high && row.estimate == r.estimate,
                   "statistics/groups/%s%s-same-interval", sentraj_engine_name(engines[e]), e == 2 ? "-balanced" : "");
        }
        boot_draws_free(&keep, 1);
        groups_free(gs);
        free(means);
    }
    sentraj_sample_free(s);
}

/* ---- the median's bootstrap against all resamples enumerated ---------------- */

/* The exact bootstrap distribution of the median of 5 values, by
 * enumerating all 5^5 resamples, against 20000 resamples of each Monte
 * Carlo engine (chi-square, pooling bins to 5 expected). */
static void test_median_distribution(void)
{
    static const double x[5] = {-0.5, 0, 0, 1.0 / 6, 0.5};
    double support[16];
    double prob[16] = {0};
    size_t ns = 0;
    sentraj_sample *s = sentraj_sample_alloc(x, 5, 6, NULL);

    for (int code = 0; code < 3125; code++) {
        double y[5], m;
        int c = code;
        size_t k = 0;
        for (int i = 0; i < 5; i++, c /= 5)
            y[i] = x[c % 5];
        qsort(y, 5, sizeof *y, cmp_dbl);
        m = y[2];
        while (k < ns && support[k] != m)
            k++;
        if (k == ns)
            support[ns++] = m;
        prob[k] += 1.0 / 3125;
    }
    for (int e = 0; e < 2; e++) {
        sentraj_config cfg;
        groups_sample *gs = groups_from_sample(s, NULL);
        static const double one = 1;
        groups_row row = {.gs = gs, .h = 99, .w = &one};
        boot_draws keep;
        double stat = 0;
        size_t obs[16] = {0}, outside = 0;
        sentraj_config_init(&cfg);
        cfg.resamples = 20000;
        cfg.statistic = SENTRAJ_STAT_MEDIAN;
        cfg.engine = e ? SENTRAJ_ENGINE_MULTINOMIAL : SENTRAJ_ENGINE_INDEX;
        groups_boot_many(&row, 1, &cfg, &keep, NULL);
        for (size_t b = 0; keep.values && b < keep.len; b++) {
            size_t k = 0;
            while (k < ns && support[k] != keep.values[b])
                k++;
            if (k == ns)
                outside++;
            else
                obs[k]++;
        }
        for (size_t k = 0; k < ns; k++) {
            double ex = prob[k] * 20000;
            stat += (obs[k] - ex) * (obs[k] - ex) / ex;
        }
        tap_ok(keep.values && outside == 0 && gsl_cdf_chisq_Q(stat, (double)ns - 1) > 1e-4,
               "statistics/median/%s-draws-match-enumeration (chi2 %.1f, df %zu)", sentraj_engine_name(cfg.engine),
               stat, ns - 1);
        boot_draws_free(&keep, 1);
        groups_free(gs);
    }
    sentraj_sample_free(s);
}

/* ---- the exact distribution of a share -------------------------------------- */

/* Enumerating every resample of 6 values, 2 of them > 0: the share of a
 * resample is Binomial(6, 1/3) / 6. The exact engine's distribution equals
 * it to 1e-15, and its percentile interval is read from it. */
static void test_exact_share(void)
{
    static const double x[6] = {-0.5, 0, 0, 0, 1.0 / 3, 0.5};
    double *sx, *sw, want[7], worst = 0;
    long count[7] = {0};
    size_t len;
    int ok;

    for (int code = 0; code < 46656; code++) {
        int c = code, k = 0;
        for (int i = 0; i < 6; i++, c /= 6)
            k += x[c % 6] > 0;
        count[k]++;
    }
    for (int k = 0; k < 7; k++)
        want[k] = (double)count[k] / 46656;
    ok = stat_share_distribution(2, 6, 1u << 20, &sx, &sw, &len, NULL) == SENTRAJ_OK && len == 7;
    for (size_t k = 0; ok && k < 7; k++) {
        worst = fmax(worst, fabs(sw[k] - want[k]));
        ok &= sx[k] == (double)k / 6;
    }
    tap_ok(ok && worst < 1e-15, "statistics/exact-share/binomial-equals-enumeration (worst %.3g)", worst);
    if (len == 7) {
        free(sx);
        free(sw);
    }
    {
        /* Through the analysis: the share-up of these 6 deltas, exact engine:
         * P(k <= 0) = (2/3)^6 = 0.0878 > 2.5% so ci_low = 0; P(k >= 5) =
         * 13/729 = 0.0178 < 2.5% <= P(k >= 4) = 73/729, so ci_high = 4/6;
         * se = sqrt(1/3 2/3 / 6). */
        sentraj_sample *s = sentraj_sample_alloc(x, 6, 6, NULL);
        groups_sample *gs = groups_from_sample(s, NULL);
        static const double one = 1;
        groups_row row = {.gs = gs, .h = 5, .w = &one};
        sentraj_config cfg;
        sentraj_config_init(&cfg);
        cfg.engine = SENTRAJ_ENGINE_EXACT;
        cfg.statistic = SENTRAJ_STAT_SHARE_UP;
        tap_ok(groups_boot_many(&row, 1, &cfg, NULL, NULL) == SENTRAJ_OK && row.estimate == 1.0 / 3 &&
                   row.ci_low == 0 && row.ci_high == 4.0 / 6 && row.resamples == 0,
               "statistics/exact-share/interval-by-hand [%g, %g]", row.ci_low, row.ci_high);
        tap_near(row.se, sqrt(2.0 / 9 / 6), 1e-15, "statistics/exact-share/se-binomial");
        groups_free(gs);
        sentraj_sample_free(s);
    }
}

/* ---- BCa's jackknife ---------------------------------------------------------- */

/* For the mean, the jackknife over units in boot/groups.c must give the
 * interval the closed form of boot/intervals.c gives. */
static void test_jackknife(void)
{
    double values[40];
    sentraj_sample *s;
    groups_sample *gs;
    static const double one = 1;
    groups_row row;
    sentraj_config cfg;
    sentraj_boot_result r;

    for (int i = 0; i < 40; i++)
        values[i] = (double)((i * i * 5) % 17 - 4) / 6;
    s = sentraj_sample_alloc(values, 40, 6, NULL);
    gs = groups_from_sample(s, NULL);
    sentraj_config_init(&cfg);
    cfg.method = SENTRAJ_METHOD_BCA;
    cfg.engine = SENTRAJ_ENGINE_INDEX;
    sentraj_boot_mean(s, "jk", &cfg, &r, NULL, NULL);
    cfg.statistic = SENTRAJ_STAT_TRIMMED;
    cfg.trim = 0;
    row = (groups_row){.gs = gs, .h = sentraj_hash_name("jk", 2), .w = &one};
    groups_boot_many(&row, 1, &cfg, NULL, NULL);
    tap_near(row.ci_low, r.ci_low, 1e-12, "statistics/bca/jackknife-low-equals-closed-form");
    tap_near(row.ci_high, r.ci_high, 1e-12, "statistics/bca/jackknife-high-equals-closed-form");
    groups_free(gs);
    sentraj_sample_free(s);
}

/* ---- rows of an analysis: small, refused, dropped, clusters --------------------- */

#define HDR "conversation_id,message_index,role,sentiment,categories,user\n"

/* A conversation of 6 human labels (half units) in category cat of user u. */
static size_t conv(char *buf, size_t len, const char *id, const char *cat, const char *u, const int q[6])
{
    for (int i = 0; i < 6; i++)
        len += (size_t)sprintf(buf + len, "%s,%d,human,%g,%s,%s\n", id, i, q[i] * 0.5, cat, u);
    return len;
}

static sentraj_dataset *load(const char *csv, size_t len, const sentraj_config *cfg, const char *cluster)
{
    sentraj_dataset *ds = sentraj_dataset_alloc(cfg, NULL);
    sentraj_input_options in;
    sentraj_input_options_init(&in);
    in.col_cluster = cluster;
    if (!ds || sentraj_dataset_set_input(ds, &in, NULL) != SENTRAJ_OK ||
        sentraj_dataset_read_csv_buffer(ds, csv, len, "t.csv", NULL) != SENTRAJ_OK ||
        sentraj_dataset_finish(ds, NULL) != SENTRAJ_OK) {
        sentraj_dataset_free(ds);
        return NULL;
    }
    return ds;
}

/* Category big has 40 conversations with two patterns, small 5, and
 * lonely's conversations were all too short: dropped 2. */
static size_t rows_csv(char *csv)
{
    static const int up[6] = {-1, -1, 0, 1, 1, 1}, flat[6] = {0, 0, 0, 0, 0, 0};
    size_t len = (size_t)sprintf(csv, HDR);
    char id[16], user[16];

    for (int i = 0; i < 40; i++) {
        snprintf(id, sizeof id, "b%02d", i);
        snprintf(user, sizeof user, "u%d", i % 10);
        len = conv(csv, len, id, "big", user, i % 3 ? up : flat);
    }
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "s%02d", i);
        len = conv(csv, len, id, "small", id, i % 2 ? up : flat);
    }
    len += (size_t)sprintf(csv + len, "l1,0,human,positive,lonely,x\nl2,0,human,negative,lonely;big,y\n");
    return len;
}

static void test_rows(void)
{
    static char csv[32768];
    size_t len = rows_csv(csv);
    sentraj_config cfg;
    sentraj_dataset *ds;
    sentraj_analysis *a = NULL;
    sentraj_error err;

    sentraj_config_init(&cfg);
    ds = load(csv, len, &cfg, NULL);
    if (ds)
        a = sentraj_analysis_compute(ds, &cfg, &err);
    if (tap_ok(a && sentraj_analysis_rows(a) == 4, "statistics/rows/computes")) {
        const sentraj_result *big = sentraj_analysis_row(a, 0), *lonely = sentraj_analysis_row(a, 1),
                             *small = sentraj_analysis_row(a, 2), *all = sentraj_analysis_row(a, 3);
        tap_ok(big->boot.status == SENTRAJ_CI_OK && small->boot.status == SENTRAJ_CI_SMALL &&
                   lonely->boot.status == SENTRAJ_CI_TOO_FEW && all->boot.status == SENTRAJ_CI_OK,
               "statistics/rows/ok-small-too-few");
        tap_ok(big->dropped == 1 && lonely->dropped == 2 && small->dropped == 0 && all->dropped == 2,
               "statistics/rows/dropped-per-category");
        tap_ok(isnan(big->design_effect) && isnan(big->largest_cluster_share) && big->clusters == 0 && !big->note,
               "statistics/rows/no-cluster-fields-without-clusters");
    }
    sentraj_analysis_free(a);
    /* small 6: the 5-conversation row is ok, small 0 never small. */
    cfg.small = 5;
    a = ds ? sentraj_analysis_compute(ds, &cfg, &err) : NULL;
    tap_ok(a && sentraj_analysis_row(a, 2)->boot.status == SENTRAJ_CI_OK, "statistics/rows/small-5-is-ok");
    sentraj_analysis_free(a);
    /* The exact engine with a transform limit between the small and the big
     * rows' needs: the big rows are refused with a note, the small one is
     * computed. */
    sentraj_config_init(&cfg);
    cfg.engine = SENTRAJ_ENGINE_EXACT;
    cfg.method = SENTRAJ_METHOD_STUDENTIZED;
    cfg.exact_max_len = 1500;
    a = ds ? sentraj_analysis_compute(ds, &cfg, &err) : NULL;
    if (tap_ok(a != NULL, "statistics/refused/analysis-still-computes")) {
        const sentraj_result *big = sentraj_analysis_row(a, 0), *small = sentraj_analysis_row(a, 2);
        tap_ok(big->boot.status == SENTRAJ_CI_REFUSED && isnan(big->boot.ci_low) && isnan(big->boot.se) &&
                   big->note && strstr(big->note, "cells") && strstr(big->note, "limit 1500"),
               "statistics/refused/big-row-refused-with-reason");
        tap_ok(small->boot.status == SENTRAJ_CI_SMALL && !small->note && isfinite(small->boot.ci_low),
               "statistics/refused/small-row-computed");
        if (big->note)
            tap_diag("note: %s", big->note);
    }
    sentraj_analysis_free(a);
    sentraj_dataset_free(ds);
    /* Clusters: one conversation per cluster has design effect 1. */
    sentraj_config_init(&cfg);
    ds = load(csv, len, &cfg, "conversation_id");
    a = ds ? sentraj_analysis_compute(ds, &cfg, &err) : NULL;
    if (tap_ok(a != NULL, "statistics/clusters/one-per-cluster-computes")) {
        const sentraj_result *big = sentraj_analysis_row(a, 0);
        tap_near(big->design_effect, 1, 1e-12, "statistics/clusters/one-per-cluster-design-effect-1");
        tap_near(big->largest_cluster_share, 1.0 / 40, 0, "statistics/clusters/largest-share-1-of-40");
        tap_eq_u64(big->clusters, 40, "statistics/clusters/count");
    }
    sentraj_analysis_free(a);
    sentraj_dataset_free(ds);
}

/* The design effect of three users by hand. u1 has two conversations
 * (deltas 1 and 0.5), u2 one (0), u3 one (-0.5): N = 4, theta = 0.25, the
 * residuals y_i - theta n_i are 1, -0.25, -0.75, so the cluster variance is
 * 3/2 * 1.625 / 16 = 0.15234375; the four deltas' variance (N - 1) is
 * 1.25 / 3, over N 0.1041666..., and deff = 1.4625. For share-down the
 * values are 0, 0, 0, 1: residuals -0.5, -0.25, 0.75, cluster variance
 * 3/2 * 0.875 / 16, independent 0.25 / 4, deff = 1.3125. */
static void test_design_effect(void)
{
    static const int d1[6] = {0, 0, 0, 2, 2, 2}, d05[6] = {0, 0, 0, 1, 1, 1}, d0[6] = {0, 0, 0, 0, 0, 0},
                     dm05[6] = {1, 1, 1, 0, 0, 0};
    char csv[4096];
    size_t len = (size_t)sprintf(csv, HDR);
    sentraj_config cfg;
    sentraj_dataset *ds;
    sentraj_analysis *a;
    sentraj_error err;

    len = conv(csv, len, "a", "c", "u1", d1);
    len = conv(csv, len, "b", "c", "u1", d05);
    len = conv(csv, len, "c", "c", "u2", d0);
    len = conv(csv, len, "d", "c", "u3", dm05);
    sentraj_config_init(&cfg);
    ds = load(csv, len, &cfg, "user");
    a = ds ? sentraj_analysis_compute(ds, &cfg, &err) : NULL;
    if (tap_ok(a != NULL, "statistics/design-effect/computes")) {
        const sentraj_result *r = sentraj_analysis_row(a, 0);
        tap_near(r->mean_delta, 0.25, 1e-15, "statistics/design-effect/mean");
        tap_near(r->design_effect, 1.4625, 1e-12, "statistics/design-effect/by-hand-1.4625");
        tap_near(r->largest_cluster_share, 0.5, 0, "statistics/design-effect/largest-share-2-of-4");
        tap_eq_u64(r->clusters, 3, "statistics/design-effect/clusters-3");
    }
    sentraj_analysis_free(a);
    cfg.statistic = SENTRAJ_STAT_SHARE_DOWN;
    a = ds ? sentraj_analysis_compute(ds, &cfg, &err) : NULL;
    if (tap_ok(a != NULL, "statistics/design-effect/share-down-computes"))
        tap_near(sentraj_analysis_row(a, 0)->design_effect, 1.3125, 1e-12,
                 "statistics/design-effect/share-down-by-hand-1.3125");
    sentraj_analysis_free(a);
    sentraj_dataset_free(ds);
}

/* ---- Holm ------------------------------------------------------------------------ */

static void test_holm(void)
{
    /* p = 0.01, 0.04, 0.03, NaN, 0.005 (m = 4): sorted 0.005, 0.01, 0.03,
     * 0.04 -> 0.02, 0.03, 0.06, 0.06 (the last raised to the running max). */
    double p[5] = {0.01, 0.04, 0.03, NAN, 0.005}, out[5];
    tap_ok(holm_adjust(p, 5, out) == 0 && fabs(out[0] - 0.03) < 1e-15 && fabs(out[1] - 0.06) < 1e-15 &&
               fabs(out[2] - 0.06) < 1e-15 && isnan(out[3]) && fabs(out[4] - 0.02) < 1e-15,
           "statistics/holm/by-hand");
    p[0] = 0.5;
    p[1] = 0.6;
    holm_adjust(p, 2, out);
    tap_ok(out[0] == 1 && out[1] == 1, "statistics/holm/capped-at-1");
}

int main(void)
{
    test_counts_vs_definition();
    test_names();
    test_same_draws();
    test_median_distribution();
    test_exact_share();
    test_jackknife();
    test_rows();
    test_design_effect();
    test_holm();
    return tap_done();
}
