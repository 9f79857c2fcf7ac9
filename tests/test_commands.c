/* test_commands.c - compare, test, transitions, sensitivity and analyze by starting level, against hand and enumeration. */
#include "tap.h"

#include "boot/groups.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <sentraj.h>
#include <stdlib.h>
#include <string.h>

#define HDR "conversation_id,message_index,role,sentiment,categories,user\n"

/* Append conversation id with the h labels q (half units) to buf. */
static size_t conv(char *buf, size_t len, const char *id, const char *cats, const char *user, const int *q, int h)
{
    for (int i = 0; i < h; i++)
        len += (size_t)sprintf(buf + len, "%s,%d,human,%g,\"%s\",%s\n", id, i, q[i] * 0.5, cats, user);
    return len;
}

static sentraj_dataset *load(const char *csv, size_t len, size_t window, size_t min_human, int keep,
                             const char *cluster)
{
    sentraj_config cfg;
    sentraj_input_options in;
    sentraj_dataset *ds;
    sentraj_error err;

    sentraj_config_init(&cfg);
    cfg.window = window;
    cfg.min_human = min_human;
    sentraj_input_options_init(&in);
    in.keep_labels = keep;
    in.col_cluster = cluster;
    ds = sentraj_dataset_alloc(&cfg, &err);
    if (!ds || sentraj_dataset_set_input(ds, &in, &err) != SENTRAJ_OK ||
        sentraj_dataset_read_csv_buffer(ds, csv, len, "t.csv", &err) != SENTRAJ_OK ||
        sentraj_dataset_finish(ds, &err) != SENTRAJ_OK) {
        tap_diag("load: %s", err.message);
        sentraj_dataset_free(ds);
        return NULL;
    }
    return ds;
}

/* ---- compare ----------------------------------------------------------------- */

/* Three conversations, units of the joint bootstrap: x in A (delta 1), y in
 * A and B (delta 0), z in B (delta -1/2). A resample draws 3 of them; A's
 * mean is over the drawn units in A, B's over those in B, and a resample
 * without A or without B has no difference. All 27 ordered draws are
 * enumerated; the Monte Carlo differences must follow that distribution
 * (chi-square), and a bootstrap that resamples A and B independently
 * (y in each on its own) must not. */
static void test_compare_overlap_distribution(void)
{
    const double delta[3] = {1, 0, -0.5};
    const int in_a[3] = {1, 1, 0}, in_b[3] = {0, 1, 1};
    double support[32], prob[32] = {0};
    size_t ns = 0;
    groups_value v[4] = {{0, 0, 6, 0}, {1, 0, 0, 0}, {1, 1, 0, 0}, {2, 1, -3, 0}};
    groups_sample *gs = groups_build(v, 4, 3, 2, 1, 6, NULL);
    static const double w[2] = {1, -1};
    groups_row row = {.gs = gs, .h = 17, .w = w};
    sentraj_config cfg;
    boot_draws keep;
    double empty_p = 0;

    for (int code = 0; code < 27; code++) {
        double sa = 0, sb = 0, na = 0, nb_ = 0, d;
        int c = code;
        size_t k = 0;
        for (int i = 0; i < 3; i++, c /= 3) {
            sa += in_a[c % 3] * delta[c % 3];
            na += in_a[c % 3];
            sb += in_b[c % 3] * delta[c % 3];
            nb_ += in_b[c % 3];
        }
        if (na == 0 || nb_ == 0) {
            empty_p += 1.0 / 27;
            continue;
        }
        d = sa / na - sb / nb_;
        while (k < ns && fabs(support[k] - d) > 1e-12)
            k++;
        if (k == ns)
            support[ns++] = d;
        prob[k] += 1.0 / 27;
    }
    sentraj_config_init(&cfg);
    cfg.resamples = 20000;
    cfg.engine = SENTRAJ_ENGINE_INDEX;
    if (!tap_ok(gs && groups_boot_many(&row, 1, &cfg, &keep, NULL) == SENTRAJ_OK, "compare/overlap/runs")) {
        groups_free(gs);
        return;
    }
    tap_near(row.estimate, 0.5 - (-0.25), 1e-15, "compare/overlap/estimate-a-minus-b");
    tap_ok(keep.values == NULL && row.empty > 0, "compare/overlap/empty-resamples-counted (%zu)", row.empty);
    boot_draws_free(&keep, 1);
    tap_near((double)row.empty / 20000, empty_p, 4 * sqrt(empty_p * (1 - empty_p) / 20000),
             "compare/overlap/empty-share-2-in-27");
    groups_free(gs);
    /* Draws are kept only when every resample has both groups; the row's
     * percentile interval is read against the enumerated distribution
     * instead: every atom holds at least 1/25 of the non-empty mass, so the
     * 2.5% and 97.5% quantiles of 20000 draws are its smallest and largest
     * atoms. */
    {
        double cum = 0, lo = NAN, hi = NAN, total = 1 - empty_p;
        size_t order[32];
        for (size_t k = 0; k < ns; k++)
            order[k] = k;
        for (size_t i = 0; i < ns; i++)
            for (size_t j = i + 1; j < ns; j++)
                if (support[order[j]] < support[order[i]]) {
                    size_t t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
        for (size_t k = 0; k < ns; k++) {
            cum += prob[order[k]] / total;
            if (isnan(lo) && cum >= 0.025)
                lo = support[order[k]];
            if (isnan(hi) && cum >= 0.975)
                hi = support[order[k]];
        }
        tap_near(row.ci_low, lo, 1e-12, "compare/overlap/percentile-low-is-enumerated-quantile");
        tap_near(row.ci_high, hi, 1e-12, "compare/overlap/percentile-high-is-enumerated-quantile");
    }
}

/* The joint bootstrap against the independent one on heavily overlapping
 * categories: A and B share 30 of their 40 conversations, so their means
 * move together and the joint interval of A - B is much narrower than
 * resampling A and B separately would make it. */
static void test_compare_overlap_narrows(void)
{
    static char csv[65536];
    size_t len = (size_t)sprintf(csv, HDR);
    sentraj_dataset *ds;
    sentraj_compare *c = NULL;
    sentraj_config cfg;
    sentraj_error err;
    char id[16];

    for (int i = 0; i < 50; i++) {
        int q[6] = {(i * 7) % 5 - 2, (i * 3) % 5 - 2, 0, (i * 11) % 5 - 2, (i * 13) % 5 - 2, (i * 5) % 3 - 1};
        snprintf(id, sizeof id, "c%02d", i);
        len = conv(csv, len, id, i < 10 ? "a" : i < 40 ? "a;b" : "b", id, q, 6);
    }
    sentraj_config_init(&cfg);
    ds = load(csv, len, 3, 6, 0, NULL);
    if (ds)
        c = sentraj_compare_compute(ds, &cfg, NULL, &err);
    if (tap_ok(c && sentraj_compare_rows(c) == 1, "compare/narrows/one-pair")) {
        const sentraj_compare_row *r = sentraj_compare_row_get(c, 0);
        sentraj_analysis *an = sentraj_analysis_compute(ds, &cfg, &err);
        const sentraj_result *ra = sentraj_analysis_row(an, 0), *rb = sentraj_analysis_row(an, 1);
        double indep = sqrt(ra->boot.se * ra->boot.se + rb->boot.se * rb->boot.se);
        tap_ok(strcmp(r->category_a, "a") == 0 && strcmp(r->category_b, "b") == 0 && r->conversations_a == 40 &&
                   r->conversations_b == 40 && r->both == 30,
               "compare/narrows/counts");
        tap_near(r->estimate_a, ra->mean_delta, 1e-15, "compare/narrows/estimate-a-is-analysis-mean");
        tap_near(r->difference, ra->mean_delta - rb->mean_delta, 1e-15, "compare/narrows/difference");
        tap_ok(r->se < 0.7 * indep, "compare/narrows/joint-se-%.4f-below-independent-%.4f", r->se, indep);
        sentraj_analysis_free(an);
    }
    sentraj_compare_free(c);
    sentraj_dataset_free(ds);
}

/* Pairs, references, errors, Holm and stream independence on four categories. */
static void test_compare_pairs(void)
{
    static char csv[65536];
    size_t len = (size_t)sprintf(csv, HDR);
    static const char *const cats[] = {"w", "x", "y", "z"};
    sentraj_dataset *ds;
    sentraj_compare *c;
    sentraj_compare_options o;
    sentraj_config cfg;
    sentraj_error err;
    char id[16];

    for (int i = 0; i < 80; i++) {
        int q[6] = {(i * 7) % 5 - 2, 0, (i * 3) % 3 - 1, (i * 11) % 5 - 2, (i % 4) - 1, 1};
        snprintf(id, sizeof id, "c%02d", i);
        len = conv(csv, len, id, cats[i % 4], id, q, 6);
    }
    ds = load(csv, len, 3, 6, 0, NULL);
    sentraj_config_init(&cfg);
    c = ds ? sentraj_compare_compute(ds, &cfg, NULL, &err) : NULL;
    if (tap_ok(c && sentraj_compare_rows(c) == 6, "compare/pairs/every-pair-6")) {
        double sorted[6];
        tap_ok(strcmp(sentraj_compare_row_get(c, 0)->category_a, "w") == 0 &&
                   strcmp(sentraj_compare_row_get(c, 0)->category_b, "x") == 0 &&
                   strcmp(sentraj_compare_row_get(c, 5)->category_a, "y") == 0 &&
                   strcmp(sentraj_compare_row_get(c, 5)->category_b, "z") == 0,
               "compare/pairs/order-i-before-j");
        for (int i = 0; i < 6; i++)
            sorted[i] = sentraj_compare_row_get(c, (size_t)i)->p_value;
        /* Holm: the smallest p times 6, and never below its raw p. */
        for (int i = 0; i < 6; i++)
            for (int j = i + 1; j < 6; j++)
                if (sorted[j] < sorted[i]) {
                    double t = sorted[i];
                    sorted[i] = sorted[j];
                    sorted[j] = t;
                }
        {
            int holm_ok = 1;
            for (int i = 0; i < 6; i++) {
                const sentraj_compare_row *r = sentraj_compare_row_get(c, (size_t)i);
                holm_ok &= r->p_holm >= r->p_value && r->p_holm <= 1;
                if (r->p_value == sorted[0])
                    holm_ok &= fabs(r->p_holm - fmin(1, 6 * sorted[0])) < 1e-15;
            }
            tap_ok(holm_ok, "compare/pairs/holm");
        }
    }
    {
        /* A pair's row does not depend on which other pairs are asked for. */
        static const char *const pairs[] = {"y", "z"};
        sentraj_compare *one;
        sentraj_compare_options_init(&o);
        o.pairs = pairs;
        o.npairs = 1;
        one = ds ? sentraj_compare_compute(ds, &cfg, &o, &err) : NULL;
        tap_ok(one && c && memcmp(&sentraj_compare_row_get(one, 0)->difference,
                                  &sentraj_compare_row_get(c, 5)->difference, 4 * sizeof(double)) == 0,
               "compare/pairs/row-independent-of-other-pairs");
        sentraj_compare_free(one);
    }
    sentraj_compare_free(c);
    sentraj_compare_options_init(&o);
    o.reference = "all";
    c = ds ? sentraj_compare_compute(ds, &cfg, &o, &err) : NULL;
    tap_ok(c && sentraj_compare_rows(c) == 4 && strcmp(sentraj_compare_row_get(c, 3)->category_b, "all") == 0 &&
               sentraj_compare_row_get(c, 0)->both == 20,
           "compare/pairs/reference-all");
    sentraj_compare_free(c);
    o.reference = "x";
    c = ds ? sentraj_compare_compute(ds, &cfg, &o, &err) : NULL;
    tap_ok(c && sentraj_compare_rows(c) == 3 && strcmp(sentraj_compare_row_get(c, 0)->category_a, "w") == 0 &&
               strcmp(sentraj_compare_row_get(c, 1)->category_a, "y") == 0,
           "compare/pairs/reference-category");
    sentraj_compare_free(c);
    o.reference = "nope";
    tap_ok(!sentraj_compare_compute(ds, &cfg, &o, &err) && err.code == SENTRAJ_EUSAGE &&
               strstr(err.message, "reference \"nope\" is not a category of the data (known: w, x, y, z, all)"),
           "compare/errors/unknown-reference");
    {
        static const char *const self[] = {"x", "x"};
        sentraj_compare_options_init(&o);
        o.pairs = self;
        o.npairs = 1;
        tap_ok(!sentraj_compare_compute(ds, &cfg, &o, &err) && strstr(err.message, "compares a category with itself"),
               "compare/errors/pair-with-itself");
        o.reference = "x";
        tap_ok(!sentraj_compare_compute(ds, &cfg, &o, &err) && strstr(err.message, "not both"),
               "compare/errors/reference-and-pairs");
    }
    cfg.engine = SENTRAJ_ENGINE_EXACT;
    tap_ok(!sentraj_compare_compute(ds, &cfg, NULL, &err) && strstr(err.message, "exact engine"),
           "compare/errors/exact-engine");
    cfg.engine = SENTRAJ_ENGINE_AUTO;
    cfg.method = SENTRAJ_METHOD_STUDENTIZED;
    tap_ok(!sentraj_compare_compute(ds, &cfg, NULL, &err) && strstr(err.message, "studentized"),
           "compare/errors/studentized");
    sentraj_dataset_free(ds);
}

/* ---- test ---------------------------------------------------------------------- */

/* The within-conversation permutation distribution of one conversation's
 * delta as a difference of window sums (half units), by enumerating all
 * 720 orders of its 6 labels. Adds its pmf into pmf (index + offset). */
static void within_pmf(const int *q, double *pmf, int offset)
{
    int pos[6] = {0, 1, 2, 3, 4, 5};
    /* All 720 permutations by Heap's algorithm. */
    int c[6] = {0}, i = 0;
    double add = 1.0 / 720;

    pmf[offset + (q[pos[3]] + q[pos[4]] + q[pos[5]]) - (q[pos[0]] + q[pos[1]] + q[pos[2]])] += add;
    while (i < 6) {
        if (c[i] < i) {
            int j = i % 2 ? c[i] : 0, t = pos[j];
            pos[j] = pos[i];
            pos[i] = t;
            pmf[offset + (q[pos[3]] + q[pos[4]] + q[pos[5]]) - (q[pos[0]] + q[pos[1]] + q[pos[2]])] += add;
            c[i]++;
            i = 0;
        } else {
            c[i++] = 0;
        }
    }
}

/* The exact two-sided p of the within test for two conversations: P(|T*|
 * >= |T|) over the convolution of their enumerated distributions. */
static double within_exact(const int *q1, const int *q2)
{
    double p1[41] = {0}, p2[41] = {0}, exact = 0;
    int t = ((q1[3] + q1[4] + q1[5]) - (q1[0] + q1[1] + q1[2])) + ((q2[3] + q2[4] + q2[5]) - (q2[0] + q2[1] + q2[2]));

    within_pmf(q1, p1, 20);
    within_pmf(q2, p2, 20);
    for (int a = 0; a < 41; a++)
        for (int b = 0; b < 41; b++)
            if (abs((a - 20) + (b - 20)) >= abs(t))
                exact += p1[a] * p2[b];
    return exact;
}

/* Pairs of conversations whose shuffles' distributions differ in shape,
 * with p-values from small to large: every Monte Carlo p within 4 binomial
 * standard errors of the exact one. */
static void test_within_shapes(void)
{
    static const int pairs[][2][6] = {
        {{0, 1, 0, 1, 0, 1}, {-1, 0, 0, 0, 0, 1}},
        {{-2, 2, -2, 2, 0, 0}, {1, 1, 0, 0, -1, -1}},
        {{-2, -1, 0, 0, 1, 2}, {2, 1, 0, 0, 0, -1}},
        {{0, 0, 0, 0, 0, 2}, {-1, -1, 0, 0, 1, 1}},
    };
    int all_ok = 1;

    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        static char csv[8192];
        size_t len = (size_t)sprintf(csv, HDR);
        double exact = within_exact(pairs[k][0], pairs[k][1]), se = sqrt(exact * (1 - exact) / 20000);
        sentraj_dataset *ds;
        sentraj_test *t;
        sentraj_config cfg;
        len = conv(csv, len, "c1", "k", "u", pairs[k][0], 6);
        len = conv(csv, len, "c2", "k", "u", pairs[k][1], 6);
        ds = load(csv, len, 3, 6, 1, NULL);
        sentraj_config_init(&cfg);
        cfg.resamples = 20000;
        cfg.seed = 100 + k;
        t = ds ? sentraj_test_compute(ds, &cfg, NULL) : NULL;
        if (!t || fabs(sentraj_test_row_get(t, 0)->p_within - exact) > 4 * se + 1.0 / 20001) {
            tap_diag("pair %zu: exact %.5f, Monte Carlo %.5f", k, exact, t ? sentraj_test_row_get(t, 0)->p_within : NAN);
            all_ok = 0;
        }
        sentraj_test_free(t);
        sentraj_dataset_free(ds);
    }
    tap_ok(all_ok, "test/within/four-shapes-near-exact-enumeration");
}

/* Two conversations: the within test against its exact p; the sign flip's
 * over all 2^n signs of 10 conversations. The Monte Carlo p-values with B
 * = 20000 must be within 4 binomial standard errors. */
static void test_permutation_exact(void)
{
    static const int q1[6] = {-2, -1, 0, 1, 2, 2}, q2[6] = {0, 0, 0, 1, 1, 1};
    static char csv[16384];
    double p1[41] = {0}, p2[41] = {0}, exact = 0;
    int t_obs = ((q1[3] + q1[4] + q1[5]) - (q1[0] + q1[1] + q1[2])) + ((q2[3] + q2[4] + q2[5]) - (q2[0] + q2[1] + q2[2]));
    size_t len = (size_t)sprintf(csv, HDR);
    sentraj_dataset *ds;
    sentraj_test *t;
    sentraj_config cfg;
    sentraj_error err;

    within_pmf(q1, p1, 20);
    within_pmf(q2, p2, 20);
    for (int a = 0; a < 41; a++)
        for (int b = 0; b < 41; b++)
            if (abs((a - 20) + (b - 20)) >= abs(t_obs))
                exact += p1[a] * p2[b];
    len = conv(csv, len, "c1", "k", "u", q1, 6);
    len = conv(csv, len, "c2", "k", "u", q2, 6);
    ds = load(csv, len, 3, 6, 1, NULL);
    sentraj_config_init(&cfg);
    cfg.resamples = 20000;
    t = ds ? sentraj_test_compute(ds, &cfg, &err) : NULL;
    if (tap_ok(t && sentraj_test_rows(t) == 2, "test/within/computes")) {
        const sentraj_test_row *r = sentraj_test_row_get(t, 0);
        double se = sqrt(exact * (1 - exact) / 20000);
        tap_near(r->p_within, exact, 4 * se + 1.0 / 20001, "test/within/monte-carlo-near-exact-enumeration");
        tap_diag("exact p_within %.6f, Monte Carlo %.6f", exact, r->p_within);
        /* Deltas (0.5 + 1 + 1 - (-1 - 0.5 + 0)) / 3 = 4/3 and 1.5 / 3 = 1/2:
         * mean 11/12, sd |4/3 - 1/2| / sqrt 2 (n - 1 = 1). */
        tap_near(r->mean_delta, 11.0 / 12, 1e-15, "test/describe/mean");
        tap_near(r->sd_delta, (4.0 / 3 - 0.5) / sqrt(2.0), 1e-15, "test/describe/sd-n-minus-1");
        tap_near(r->d_z, r->mean_delta / r->sd_delta, 1e-15, "test/describe/d_z");
        tap_ok(r->status == SENTRAJ_CI_SMALL && r->resamples == 20000, "test/describe/status-small");
    }
    sentraj_test_free(t);
    sentraj_dataset_free(ds);

    /* Sign flips of 10 conversations with distinct deltas. */
    len = (size_t)sprintf(csv, HDR);
    {
        int d[10], T = 0;
        long hits = 0;
        char id[8];
        for (int i = 0; i < 10; i++) {
            int q[6] = {0, 0, 0, 0, 0, 0};
            q[3 + i % 3] = i % 4 == 0 ? -2 : (i % 5) - 2;
            q[i % 3] = (i % 2) ? 1 : -1;
            d[i] = (q[3] + q[4] + q[5]) - (q[0] + q[1] + q[2]);
            T += d[i];
            snprintf(id, sizeof id, "s%d", i);
            len = conv(csv, len, id, "k", "u", q, 6);
        }
        for (int m = 0; m < 1024; m++) {
            int s = 0;
            for (int i = 0; i < 10; i++)
                s += (m >> i & 1) ? d[i] : -d[i];
            hits += abs(s) >= abs(T);
        }
        exact = (double)hits / 1024;
        ds = load(csv, len, 3, 6, 1, NULL);
        t = ds ? sentraj_test_compute(ds, &cfg, &err) : NULL;
        if (tap_ok(t != NULL, "test/sign-flip/computes")) {
            const sentraj_test_row *r = sentraj_test_row_get(t, 0);
            double se = sqrt(exact * (1 - exact) / 20000);
            tap_near(r->p_sign_flip, exact, 4 * se + 1.0 / 20001, "test/sign-flip/monte-carlo-near-exact-2^10");
            tap_diag("exact p_sign_flip %.6f, Monte Carlo %.6f", exact, r->p_sign_flip);
        }
        sentraj_test_free(t);
        sentraj_dataset_free(ds);
    }
}

/* Statuses, the (1 + hits) / (1 + B) floor and the errors. */
static void test_test_rows(void)
{
    static const int up[6] = {-2, -2, -2, 2, 2, 2}, flat[6] = {0, 0, 0, 0, 0, 0};
    static char csv[16384];
    size_t len = (size_t)sprintf(csv, HDR);
    sentraj_dataset *ds;
    sentraj_test *t;
    sentraj_config cfg;
    sentraj_error err;
    char id[8];

    for (int i = 0; i < 12; i++) {
        snprintf(id, sizeof id, "u%d", i);
        len = conv(csv, len, id, "rise", id, up, 6);
    }
    len = conv(csv, len, "f1", "flat", "f1", flat, 6);
    len = conv(csv, len, "f2", "flat", "f2", flat, 6);
    len = conv(csv, len, "o1", "one", "o1", up, 6);
    ds = load(csv, len, 3, 6, 1, NULL);
    sentraj_config_init(&cfg);
    cfg.resamples = 999;
    t = ds ? sentraj_test_compute(ds, &cfg, &err) : NULL;
    if (tap_ok(t && sentraj_test_rows(t) == 4, "test/rows/computes")) {
        const sentraj_test_row *flatr = sentraj_test_row_get(t, 0), *one = sentraj_test_row_get(t, 1),
                               *rise = sentraj_test_row_get(t, 2);
        /* 12 conversations rising by 2 each: no shuffle or sign flip reaches it. */
        tap_near(rise->p_within, 1.0 / 1000, 1e-15, "test/rows/smallest-p-is-1-over-B-plus-1");
        tap_near(rise->p_sign_flip, 1.0 / 1000, 1e-15, "test/rows/sign-flip-smallest-p");
        tap_ok(rise->status == SENTRAJ_CI_DEGENERATE && isnan(rise->d_z) && rise->sd_delta == 0,
               "test/rows/equal-deltas-degenerate");
        tap_ok(flatr->p_within == 1 && flatr->p_sign_flip == 1, "test/rows/no-change-p-1");
        tap_ok(one->status == SENTRAJ_CI_TOO_FEW && isnan(one->p_within) && isnan(one->sd_delta) &&
                   one->mean_delta == 2,
               "test/rows/one-conversation-too-few");
        tap_ok(isnan(one->p_holm) && fabs(rise->p_holm - fmin(1, 3 * rise->p_within)) < 1e-15,
               "test/rows/holm-over-rows-with-p");
    }
    sentraj_test_free(t);
    sentraj_dataset_free(ds);
    ds = load(csv, len, 3, 6, 0, NULL);
    tap_ok(ds && !sentraj_test_compute(ds, &cfg, &err) && strstr(err.message, "keep_labels"),
           "test/errors/needs-keep-labels");
    sentraj_dataset_free(ds);
}

/* ---- transitions and levels ----------------------------------------------------- */

/* Window 2: means are quarters. -0.25 lies halfway between negative and
 * neutral: it goes to neutral (nearer the middle); 0.75 to positive. */
static void test_transitions(void)
{
    static const int a[4] = {-1, 0, 2, 2}, b[4] = {-2, -1, 1, 2}, c[4] = {0, 0, 2, 2}, d[4] = {1, 0, 1, 0};
    static char csv[8192];
    size_t len = (size_t)sprintf(csv, HDR);
    sentraj_dataset *ds;
    sentraj_transitions *t;
    sentraj_config cfg;
    sentraj_error err;

    /* a: start (-0.5 + 0) / 2 = -0.25 -> neutral, end 1 -> very positive.
     * b: start -0.75 -> negative, end 0.75 -> positive.
     * c: start 0 -> neutral, end 1 -> very positive.
     * d: start 0.25 -> neutral, end 0.25 -> neutral. */
    len = conv(csv, len, "a", "k", "a", a, 4);
    len = conv(csv, len, "b", "k", "b", b, 4);
    len = conv(csv, len, "c", "k", "c", c, 4);
    len = conv(csv, len, "d", "k", "d", d, 4);
    ds = load(csv, len, 2, 4, 0, NULL);
    sentraj_config_init(&cfg);
    cfg.window = 2;
    cfg.min_human = 4;
    t = ds ? sentraj_transitions_compute(ds, NULL, &cfg, &err) : NULL;
    if (tap_ok(t && sentraj_transitions_levels(t) == 5 && sentraj_transitions_rows(t) == 50,
               "transitions/computes")) {
        const sentraj_transition_row *neu_vp = sentraj_transitions_row(t, 2 * 5 + 4);
        const sentraj_transition_row *neu_neu = sentraj_transitions_row(t, 2 * 5 + 2);
        const sentraj_transition_row *neg_pos = sentraj_transitions_row(t, 1 * 5 + 3);
        const sentraj_transition_row *vn = sentraj_transitions_row(t, 0);
        tap_ok(strcmp(neu_vp->start, "neutral") == 0 && strcmp(neu_vp->end, "very positive") == 0 &&
                   neu_vp->conversations == 2 && neu_vp->row_total == 3,
               "transitions/ties-toward-neutral-and-counts");
        tap_near(neu_vp->share, 2.0 / 3, 1e-15, "transitions/share");
        tap_ok(neu_neu->conversations == 1 && neg_pos->conversations == 1 && neg_pos->row_total == 1 &&
                   neg_pos->status == SENTRAJ_CI_TOO_FEW,
               "transitions/negative-to-positive-too-few");
        tap_ok(vn->row_total == 0 && isnan(vn->share) && vn->status == SENTRAJ_CI_TOO_FEW,
               "transitions/empty-start-level");
        /* Three conversations at neutral: the share of 2 ends in [0, 1]. */
        tap_ok(neu_vp->status == SENTRAJ_CI_SMALL && neu_vp->ci_low >= 0 && neu_vp->ci_high <= 1 &&
                   neu_vp->ci_low < neu_vp->share && neu_vp->share < neu_vp->ci_high,
               "transitions/interval");
    }
    sentraj_transitions_free(t);
    cfg.engine = SENTRAJ_ENGINE_EXACT;
    tap_ok(ds && !sentraj_transitions_compute(ds, NULL, &cfg, &err) && strstr(err.message, "exact engine"),
           "transitions/errors/exact-engine");
    sentraj_dataset_free(ds);
}

/* ---- sensitivity and by-start ---------------------------------------------------- */

static size_t varied_csv(char *csv)
{
    size_t len = (size_t)sprintf(csv, HDR);
    char id[16];

    for (int i = 0; i < 60; i++) {
        int q[12], h = 5 + i % 8;
        for (int k = 0; k < h; k++)
            q[k] = ((i * 7 + k * (i % 5 + 1)) % 5) - 2;
        snprintf(id, sizeof id, "v%03d", (i * 37) % 100);
        len = conv(csv, len, id, i % 3 ? "p" : "p;q", id, q, h);
    }
    return len;
}

static void test_sensitivity(void)
{
    static char csv[65536];
    size_t len = varied_csv(csv), ws[2] = {2, 3}, ms[3] = {4, 6, 8}, dup[2] = {3, 3};
    sentraj_dataset *ds = load(csv, len, 1, 2, 1, NULL), *d36 = load(csv, len, 3, 6, 0, NULL);
    sentraj_sensitivity_options o;
    sentraj_sensitivity *s = NULL;
    sentraj_analysis *a = NULL;
    sentraj_config cfg;
    sentraj_error err;

    sentraj_config_init(&cfg);
    cfg.statistic = SENTRAJ_STAT_MEDIAN;
    sentraj_sensitivity_options_init(&o);
    o.windows = ws;
    o.nwindows = 2;
    o.min_humans = ms;
    o.nmin_humans = 3;
    if (ds)
        s = sentraj_sensitivity_compute(ds, &cfg, &o, &err);
    if (d36)
        a = sentraj_analysis_compute(d36, &cfg, &err);
    /* (2,4), (2,6), (2,8), (3,6), (3,8): 5 points; (3,4) left out. */
    if (tap_ok(s && a && sentraj_sensitivity_points(s) == 5 && sentraj_sensitivity_rows(s) == 15,
               "sensitivity/grid-5-points")) {
        int same = 1;
        for (size_t c = 0; c < 3; c++) {
            const sentraj_sensitivity_row *r = sentraj_sensitivity_row_get(s, c * 5 + 3);
            const sentraj_result *x = sentraj_analysis_row(a, c);
            same &= r->window == 3 && r->min_human == 6 && r->conversations == x->conversations &&
                    memcmp(&r->mean_delta, &x->mean_delta, sizeof(double)) == 0 &&
                    memcmp(&r->ci_low, &x->boot.ci_low, sizeof(double)) == 0 &&
                    memcmp(&r->ci_high, &x->boot.ci_high, sizeof(double)) == 0 && r->status == x->boot.status;
        }
        tap_ok(same, "sensitivity/point-3-6-equals-analyze-bit-for-bit");
        tap_ok(sentraj_sensitivity_row_get(s, 0)->window == 2 && sentraj_sensitivity_row_get(s, 0)->min_human == 4 &&
                   sentraj_sensitivity_row_get(s, 4)->min_human == 8,
               "sensitivity/order");
    }
    sentraj_sensitivity_free(s);
    sentraj_analysis_free(a);
    o.windows = dup;
    tap_ok(ds && !sentraj_sensitivity_compute(ds, &cfg, &o, &err) && strstr(err.message, "window 3 is given twice"),
           "sensitivity/errors/duplicate");
    o.windows = ws + 1;
    o.nwindows = 1;
    o.min_humans = ms;
    o.nmin_humans = 1;
    tap_ok(ds && !sentraj_sensitivity_compute(ds, &cfg, &o, &err) && strstr(err.message, "no grid point"),
           "sensitivity/errors/no-point");
    tap_ok(d36 && !sentraj_sensitivity_compute(d36, &cfg, NULL, &err) && strstr(err.message, "keep_labels"),
           "sensitivity/errors/needs-keep-labels");
    sentraj_dataset_free(ds);
    sentraj_dataset_free(d36);
}

static void test_by_start(void)
{
    static char csv[65536];
    size_t len = varied_csv(csv);
    sentraj_dataset *ds = load(csv, len, 3, 6, 0, NULL);
    sentraj_analysis *a = NULL, *plain = NULL;
    sentraj_config cfg;
    sentraj_error err;

    sentraj_config_init(&cfg);
    if (ds) {
        a = sentraj_analysis_compute_by_start(ds, NULL, &cfg, &err);
        plain = sentraj_analysis_compute(ds, &cfg, &err);
    }
    if (tap_ok(a && plain && sentraj_analysis_rows(a) == 15, "by-start/rows-3-categories-x-5-levels")) {
        int sums = 1;
        tap_eq_str(sentraj_analysis_row(a, 0)->category, "p|very negative", "by-start/name");
        tap_eq_str(sentraj_analysis_row(a, 14)->category, "all|very positive", "by-start/name-last");
        for (size_t c = 0; c < 3; c++) {
            size_t n = 0;
            long double first = 0;
            for (size_t l = 0; l < 5; l++) {
                const sentraj_result *r = sentraj_analysis_row(a, c * 5 + l);
                n += r->conversations;
                if (r->conversations)
                    first += (long double)r->mean_first * r->conversations;
                /* Every conversation of level l starts nearest its label. */
                if (r->conversations)
                    sums &= fabs(r->mean_first - (-1 + 0.5 * (double)l)) <= 0.25 + 1e-12;
            }
            sums &= n == sentraj_analysis_row(plain, c)->conversations &&
                    fabsl(first / n - sentraj_analysis_row(plain, c)->mean_first) < 1e-12;
        }
        tap_ok(sums, "by-start/levels-partition-each-category");
        tap_ok(sentraj_analysis_row(a, 0)->dropped == UINT64_MAX, "by-start/dropped-unknown");
    }
    sentraj_analysis_free(a);
    sentraj_analysis_free(plain);
    sentraj_dataset_free(ds);
}

int main(void)
{
    test_compare_overlap_distribution();
    test_compare_overlap_narrows();
    test_compare_pairs();
    test_permutation_exact();
    test_within_shapes();
    test_test_rows();
    test_transitions();
    test_sensitivity();
    test_by_start();
    return tap_done();
}
