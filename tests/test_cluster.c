/* test_cluster.c - the cluster (two-level) bootstrap: ratio engines, their distribution, the jackknife, the readers' cluster column, the simulator's users. */
#include "tap.h"

#include "boot/ratio.h"
#include "data/dataset.h"
#include "boot/exact.h"
#include "boot/sample.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <sentraj.h>
#include <stdlib.h>
#include <string.h>

static const char *fixtures = "fixtures";

/* ---- helpers ---------------------------------------------------------------- */

/* A one-channel sample of m units (y_i, n_i) over denom, added in the given order. */
static ratio_sample *units(const double *y, const double *n, size_t m, double denom)
{
    ratio_builder rb;
    ratio_sample *s;
    ratio_builder_init(&rb);
    for (size_t i = 0; i < m; i++) {
        unit_entry e = {0, y[i], n[i]};
        ratio_builder_add(&rb, &e, 1, NULL);
    }
    s = ratio_sample_build(&rb, 1, denom, NULL);
    ratio_builder_free(&rb);
    return s;
}

/* Bootstrap one sample; keep (B doubles) receives the resampled means. */
static int boot1(const ratio_sample *s, const sentraj_config *cfg, const char *name, ratio_result *r, double *keep,
                 sentraj_error *err)
{
    uint64_t h = sentraj_hash_name(name, strlen(name));
    boot_draws d;
    ratio_result *out = r;
    int rc = ratio_boot_many(&s, &h, 1, cfg, "test", (size_t)1 << 27, &out, keep ? &d : NULL, err);
    if (rc == SENTRAJ_OK && keep) {
        if (d.values)
            memcpy(keep, d.values, cfg->resamples * sizeof *keep);
        boot_draws_free(&d, 1);
    }
    return rc;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Pearson's chi-square of draws against a discrete distribution (support
 * ascending, probs), adjacent points pooled until each bin expects >= 5.
 * A draw off the support fails outright (p = 0). */
static double chisq(const double *support, const double *probs, size_t len, const double *draws, size_t B, int *df)
{
    double *sorted = malloc(B * sizeof *sorted), stat = 0, e = 0, o = 0;
    size_t j = 0, bins = 0;
    int off = 0;

    memcpy(sorted, draws, B * sizeof *sorted);
    qsort(sorted, B, sizeof *sorted, cmp_dbl);
    for (size_t i = 0; i < len; i++) {
        size_t c = 0;
        while (j < B && sorted[j] < support[i])
            off = 1, j++;
        while (j < B && sorted[j] == support[i])
            c++, j++;
        e += probs[i] * (double)B;
        o += (double)c;
        if (e >= 5 || i + 1 == len) {
            stat += (o - e) * (o - e) / (e > 0 ? e : 1e-300);
            bins++;
            e = o = 0;
        }
    }
    off |= j < B;
    free(sorted);
    *df = (int)bins - 1;
    return off ? 0 : gsl_cdf_chisq_Q(stat, bins - 1);
}

/* The bootstrap distribution of the ratio of m units by enumerating all m^m
 * resamples (m <= 6): support ascending with probabilities; returns the
 * support size. Each mean is computed as the engines compute it. */
static size_t enumerate(const double *y, const double *n, size_t m, double denom, double *support, double *probs)
{
    size_t total = 1, len = 0;
    double *vals;
    for (size_t i = 0; i < m; i++)
        total *= m;
    vals = malloc(total * sizeof *vals);
    for (size_t t = 0; t < total; t++) {
        double Y = 0, N = 0;
        size_t x = t;
        for (size_t i = 0; i < m; i++, x /= m)
            Y += y[x % m], N += n[x % m];
        vals[t] = Y / (denom * N);
    }
    qsort(vals, total, sizeof *vals, cmp_dbl);
    for (size_t t = 0; t < total; t++) {
        if (len && support[len - 1] == vals[t]) {
            probs[len - 1] += 1.0 / (double)total;
        } else {
            support[len] = vals[t];
            probs[len++] = 1.0 / (double)total;
        }
    }
    free(vals);
    return len;
}

static sentraj_dataset *read_buffer(const char *text, const char *cluster, int format, sentraj_error *err)
{
    sentraj_config cfg;
    sentraj_input_options in;
    sentraj_dataset *ds;

    sentraj_config_init(&cfg);
    ds = sentraj_dataset_alloc(&cfg, err);
    sentraj_input_options_init(&in);
    in.col_cluster = cluster;
    in.format = format;
    if (sentraj_dataset_set_input(ds, &in, err) != SENTRAJ_OK ||
        sentraj_dataset_read_csv_buffer(ds, text, strlen(text), "t.csv", err) != SENTRAJ_OK ||
        sentraj_dataset_finish(ds, err) != SENTRAJ_OK) {
        sentraj_dataset_free(ds);
        return NULL;
    }
    return ds;
}

/* Rows of a conversation with six human labels (in sixths of 1/2... labels
 * as numbers), an assistant reply after each, categories and a user. */
static void conv_rows(char *buf, size_t cap, const char *id, const double *labels, const char *cats, const char *user)
{
    size_t len = strlen(buf);
    for (int i = 0; i < 6; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s,%d,human,%g,%s,%s\n%s,%d,assistant,,%s,%s\n", id, 2 * i,
                                labels[i], cats, user, id, 2 * i + 1, cats, user);
}

/* ---- the sample ---------------------------------------------------------------- */

static void test_build(void)
{
    static const double y[5] = {3, -1, 3, 0, 3}, n[5] = {2, 1, 2, 1, 1};
    static const double y2[5] = {3, 0, 3, -1, 3}, n2[5] = {1, 1, 2, 1, 2};
    ratio_sample *a = units(y, n, 5, 2), *b = units(y2, n2, 5, 2), *e = units(NULL, NULL, 0, 2);
    int same = a && b && a->k == b->k && a->m == b->m;

    tap_ok(a && a->m == 5 && a->k == 4, "cluster/build/merges-identical-units (k %zu)", a ? a->k : 0);
    /* Canonical order: (y, n) ascending: (-1,1) (0,1) (3,1) (3,2)x2. */
    tap_ok(a && a->e[0].y == -1 && a->e[1].y == 0 && a->e[2].y == 3 && a->e[2].n == 1 && a->e[3].n == 2 &&
               a->count[3] == 2,
           "cluster/build/sorted-by-content");
    for (size_t j = 0; same && j < a->k; j++)
        same = a->count[j] == b->count[j] && a->e[j].y == b->e[j].y && a->e[j].n == b->e[j].n;
    for (size_t i = 0; same && i < a->m; i++)
        same = a->expand[i] == b->expand[i];
    tap_ok(same, "cluster/build/order-of-units-does-not-matter");
    tap_ok(a && a->expand[0] == 0 && a->expand[3] == 3 && a->expand[4] == 3, "cluster/build/expand-maps-draws");
    tap_ok(e && e->m == 0 && e->k == 0, "cluster/build/empty");
    ratio_sample_free(a);
    ratio_sample_free(b);
    ratio_sample_free(e);
    ratio_sample_free(NULL);
}

/* With one conversation per unit the ratio bootstrap is the ordinary one,
 * draw for draw: the same streams, the same sorted order. */
static void test_singletons_equal_ordinary(void)
{
    enum { N = 300, B = 2000 };
    static const sentraj_engine engines[] = {SENTRAJ_ENGINE_INDEX, SENTRAJ_ENGINE_MULTINOMIAL, SENTRAJ_ENGINE_AUTO};
    double v[N], y[N], one[N];
    double *m1 = malloc(B * sizeof *m1), *m2 = malloc(B * sizeof *m2);
    sentraj_pcg32 rng;
    sentraj_sample *s;
    ratio_sample *rs;

    sentraj_pcg32_seed(&rng, 7, 7);
    for (size_t i = 0; i < N; i++) {
        int k = (int)sentraj_pcg32_bounded(&rng, 9) - 2 + (sentraj_pcg32_bounded(&rng, 10) == 0 ? 8 : 0);
        v[i] = k / 6.0;
        y[i] = k;
        one[i] = 1;
    }
    s = sentraj_sample_alloc(v, N, 6, NULL);
    rs = units(y, one, N, 6);
    for (size_t e = 0; e < sizeof engines / sizeof engines[0]; e++) {
        for (int sim = 0; sim < 2; sim++) {
            if (sim && engines[e] == SENTRAJ_ENGINE_MULTINOMIAL)
                continue;
            for (int meth = 0; meth <= SENTRAJ_METHOD_STUDENTIZED; meth++) {
                sentraj_config cfg;
                sentraj_boot_result o;
                ratio_result r;
                int same = 1;
                sentraj_config_init(&cfg);
                cfg.engine = engines[e];
                cfg.sim = sim ? SENTRAJ_SIM_BALANCED : SENTRAJ_SIM_ORDINARY;
                cfg.resamples = B;
                cfg.method = (sentraj_method)meth;
                cfg.seed = 11;
                sentraj_boot_mean(s, "coaching", &cfg, &o, m1, NULL);
                boot1(rs, &cfg, "coaching", &r, m2, NULL);
                for (size_t b = 0; b < B; b++)
                    same &= m1[b] == m2[b];
                if (meth == 0)
                    tap_ok(same, "cluster/singletons/%s%s/same-resampled-means", sentraj_engine_name(engines[e]),
                           sim ? "-balanced" : "");
                if (meth == SENTRAJ_METHOD_BCA || meth == SENTRAJ_METHOD_STUDENTIZED)
                    tap_ok(fabs(o.ci_low - r.ci_low) <= 1e-12 && fabs(o.ci_high - r.ci_high) <= 1e-12 &&
                               o.se == r.se && o.estimate == r.estimate,
                           "cluster/singletons/%s%s/%s/same-interval", sentraj_engine_name(engines[e]),
                           sim ? "-balanced" : "", sentraj_method_name(cfg.method));
                else
                    tap_ok(o.ci_low == r.ci_low && o.ci_high == r.ci_high && o.se == r.se &&
                               o.estimate == r.estimate && o.engine == r.engine,
                           "cluster/singletons/%s%s/%s/identical-interval", sentraj_engine_name(engines[e]),
                           sim ? "-balanced" : "", sentraj_method_name(cfg.method));
            }
        }
    }
    tap_near(ratio_acceleration(rs, 0), 0, 1, "cluster/singletons/acceleration-defined");
    {
        /* The closed forms agree: interval_acceleration of the sample. */
        double a_ord, a_rat = ratio_acceleration(rs, 0);
        long double m2s = 0, m3s = 0, mean = s->mean;
        for (size_t i = 0; i < N; i++) {
            long double d = v[i] - mean;
            m2s += d * d;
            m3s += d * d * d;
        }
        a_ord = (double)(m3s / (6 * powl(m2s, 1.5L)));
        tap_near(a_rat, a_ord, 1e-12, "cluster/singletons/acceleration-is-the-ordinary-one");
    }
    sentraj_sample_free(s);
    ratio_sample_free(rs);
    free(m1);
    free(m2);
}

/* Chi-square of the engines' draws against the exact distribution: with one
 * conversation per cluster against the FFT engine, and with real clusters
 * against the enumeration of every resample. A bootstrap that resamples
 * conversations instead of clusters must fail the latter. */
static void test_distribution(void)
{
    enum { B = 20000 };
    static const double v[12] = {0, 0, 0, 0, 1, 1, 2, -1, 0, 0, 9, 12}; /* sixths */
    double *draws = malloc(B * sizeof *draws);
    sentraj_config cfg;
    ratio_result r;
    int df;
    double p;

    sentraj_config_init(&cfg);
    cfg.resamples = B;
    {
        double vv[12], one[12];
        exact_dist d;
        sentraj_sample *s;
        ratio_sample *rs;
        double *support, *probs;
        size_t len = 0;
        for (int i = 0; i < 12; i++)
            vv[i] = v[i] / 6, one[i] = 1;
        s = sentraj_sample_alloc(vv, 12, 6, NULL);
        rs = units(v, one, 12, 6);
        memset(&d, 0, sizeof d);
        exact_sum_distribution(s, 1 << 20, &d, NULL);
        support = malloc(d.len * sizeof *support);
        probs = malloc(d.len * sizeof *probs);
        for (size_t i = 0; i < d.len; i++)
            if (d.probs[i] > 0) {
                support[len] = (double)(d.s0 + (int64_t)i) / (6.0 * 12.0);
                probs[len++] = d.probs[i];
            }
        for (int e = 0; e < 2; e++) {
            cfg.engine = e ? SENTRAJ_ENGINE_MULTINOMIAL : SENTRAJ_ENGINE_INDEX;
            for (uint64_t seed = 1; seed <= 2; seed++) {
                cfg.seed = seed;
                boot1(rs, &cfg, "agree", &r, draws, NULL);
                p = chisq(support, probs, len, draws, B, &df);
                if (!tap_ok(p > 1e-4, "cluster/singletons/%s/seed-%llu/chi-square-vs-exact",
                            sentraj_engine_name(cfg.engine), (unsigned long long)seed))
                    tap_diag("p = %g, %d degrees of freedom", p, df);
            }
        }
        free(support);
        free(probs);
        exact_dist_free(&d);
        sentraj_sample_free(s);
        ratio_sample_free(rs);
    }
    {
        /* Five users: their deltas in sixths (sums y, counts n). */
        static const double y[5] = {17, -2, 1, 11, -1}, n[5] = {3, 1, 2, 4, 2};
        static const double cdeltas[12] = {6, 6, 5, -2, 0, 1, 3, 3, 3, 2, -1, 0};
        double support[3125], probs[3125], *wrong = malloc(B * sizeof *wrong);
        size_t len = enumerate(y, n, 5, 6, support, probs);
        ratio_sample *rs = units(y, n, 5, 6);
        for (int e = 0; e < 3; e++) {
            cfg.engine = e == 1 ? SENTRAJ_ENGINE_MULTINOMIAL : SENTRAJ_ENGINE_INDEX;
            cfg.sim = e == 2 ? SENTRAJ_SIM_BALANCED : SENTRAJ_SIM_ORDINARY;
            cfg.seed = 5;
            boot1(rs, &cfg, "users", &r, draws, NULL);
            p = chisq(support, probs, len, draws, B, &df);
            if (!tap_ok(p > 1e-4, "cluster/clusters/%s%s/chi-square-vs-enumeration", sentraj_engine_name(cfg.engine),
                        e == 2 ? "-balanced" : ""))
                tap_diag("p = %g, %d degrees of freedom", p, df);
        }
        cfg.sim = SENTRAJ_SIM_ORDINARY;
        /* The wrong bootstrap: 12 conversations drawn independently. */
        for (size_t b = 0; b < B; b++) {
            sentraj_pcg32 g;
            double Y = 0;
            sentraj_stream_seed(&g, 5, 99, b);
            for (int i = 0; i < 12; i++)
                Y += cdeltas[sentraj_pcg32_bounded_fast(&g, 12)];
            wrong[b] = Y / (6.0 * 12);
        }
        p = chisq(support, probs, len, wrong, B, &df);
        if (!tap_ok(p < 1e-6, "cluster/clusters/conversation-bootstrap-rejected"))
            tap_diag("p = %g: the test cannot tell the two bootstraps apart", p);
        /* The exact distribution's moments against the engine's se. */
        {
            double mu = 0, var = 0;
            for (size_t i = 0; i < len; i++)
                mu += probs[i] * support[i];
            for (size_t i = 0; i < len; i++)
                var += probs[i] * (support[i] - mu) * (support[i] - mu);
            cfg.engine = SENTRAJ_ENGINE_INDEX;
            boot1(rs, &cfg, "users", &r, NULL, NULL);
            tap_near(r.se, sqrt(var), 0.03 * sqrt(var), "cluster/clusters/se-near-exact-sd");
            tap_near(r.estimate, 26.0 / (6 * 12), 0, "cluster/clusters/estimate-is-mean-over-conversations");
            tap_eq_u64(r.units, 5, "cluster/clusters/units");
            tap_near(r.n, 12, 0, "cluster/clusters/conversations");
        }
        free(wrong);
        ratio_sample_free(rs);
    }
    free(draws);
}

/* The closed-form cluster jackknife against leaving each unit out, on two
 * channels (the second reached by some units only, as positions are). */
static void test_jackknife(void)
{
    static const double y0[6] = {17, -2, 1, 11, -1, 4}, n0[6] = {3, 1, 2, 4, 2, 1};
    static const double y1[6] = {5, 0, -3, 2, 0, 0}, n1[6] = {2, 0, 1, 3, 0, 0};
    ratio_builder rb;
    ratio_sample *s;
    size_t m = 6;

    ratio_builder_init(&rb);
    for (size_t i = 0; i < m; i++) {
        unit_entry e[2] = {{0, y0[i], n0[i]}, {1, y1[i], n1[i]}};
        ratio_builder_add(&rb, e, n1[i] > 0 ? 2 : 1, NULL);
    }
    s = ratio_sample_build(&rb, 2, 6, NULL);
    for (int ch = 0; ch < 2; ch++) {
        const double *y = ch ? y1 : y0, *n = ch ? n1 : n0;
        double Y = 0, N = 0, loo[6], mean = 0, m2 = 0, m3 = 0;
        for (size_t i = 0; i < m; i++)
            Y += y[i], N += n[i];
        for (size_t i = 0; i < m; i++) {
            loo[i] = (Y - y[i]) / (N - n[i]);
            mean += loo[i] / (double)m;
        }
        for (size_t i = 0; i < m; i++) {
            double u = (double)(m - 1) * (mean - loo[i]);
            m2 += u * u;
            m3 += u * u * u;
        }
        tap_near(ratio_acceleration(s, (size_t)ch), m3 / (6 * pow(m2, 1.5)), 1e-12,
                 ch ? "cluster/jackknife/partial-channel-closed-form-equals-leave-one-out"
                    : "cluster/jackknife/closed-form-equals-leave-one-out");
    }
    /* The studentized standard error: the linearisation variance from the
     * empirical influence values, here by numerical differentiation of the
     * weighted ratio (an independent route), with the m / (m - 1) factor. */
    {
        double Y = 0, N = 0, v = 0, eps = 1e-6, se_engine;
        sentraj_config cfg;
        ratio_result r[2];
        ratio_result *out = r;
        uint64_t h = 1;
        for (size_t i = 0; i < m; i++)
            Y += y0[i], N += n0[i];
        for (size_t i = 0; i < m; i++) {
            double wy = 0, wn = 0, l;
            for (size_t j = 0; j < m; j++) {
                double w = (1 - eps) / (double)m + (i == j ? eps : 0);
                wy += w * y0[j];
                wn += w * n0[j];
            }
            l = (wy / wn - Y / N) / eps;
            v += l * l;
        }
        v = v / ((double)m * (double)m) * (double)m / (double)(m - 1);
        sentraj_config_init(&cfg);
        cfg.method = SENTRAJ_METHOD_STUDENTIZED;
        cfg.resamples = 4000;
        ratio_boot_many((const ratio_sample *const *)&s, &h, 1, &cfg, "test", (size_t)1 << 27, &out, NULL, NULL);
        se_engine = ratio_se_hat(s, 0) * 6; /* the engine's, in sixths like y */
        tap_near(se_engine, sqrt(v), 1e-6 * sqrt(v), "cluster/studentized/linearisation-se-equals-influence-values");
        tap_ok(isfinite(r[0].ci_low) && r[0].ci_low < r[0].estimate && r[0].estimate < r[0].ci_high,
               "cluster/studentized/interval-around-estimate");
        tap_ok(r[1].status == SENTRAJ_CI_OK && r[1].empty > 0 && r[1].units == 3,
               "cluster/partial-channel/empty-resamples-counted (%zu)", r[1].empty);
    }
    ratio_sample_free(s);
    ratio_builder_free(&rb);
}

static void test_statuses_and_errors(void)
{
    sentraj_config cfg;
    sentraj_error err;
    ratio_result r;
    sentraj_config_init(&cfg);
    {
        /* Different deltas, equal cluster means: every resample is the estimate. */
        static const double y[3] = {0, 0, 0}, n[3] = {2, 1, 3};
        ratio_sample *s = units(y, n, 3, 6);
        tap_ok(boot1(s, &cfg, "d", &r, NULL, NULL) == SENTRAJ_OK && r.status == SENTRAJ_CI_DEGENERATE &&
                   r.ci_low == 0 && r.ci_high == 0 && r.se == 0,
               "cluster/status/degenerate-when-cluster-means-agree");
        cfg.alternative = SENTRAJ_GREATER;
        boot1(s, &cfg, "d", &r, NULL, NULL);
        tap_ok(r.ci_low == 0 && isinf(r.ci_high), "cluster/status/degenerate-one-sided-keeps-open-end");
        cfg.alternative = SENTRAJ_TWO_SIDED;
        ratio_sample_free(s);
    }
    {
        static const double y[1] = {5}, n[1] = {3};
        ratio_sample *s = units(y, n, 1, 6);
        tap_ok(boot1(s, &cfg, "t", &r, NULL, NULL) == SENTRAJ_OK && r.status == SENTRAJ_CI_TOO_FEW &&
                   isnan(r.ci_low) && isnan(r.se) && r.estimate == 5.0 / 18,
               "cluster/status/one-cluster-too-few");
        ratio_sample_free(s);
    }
    {
        static const double y[3] = {1, 2, 3}, n[3] = {1, 1, 1};
        ratio_sample *s = units(y, n, 3, 6);
        cfg.engine = SENTRAJ_ENGINE_EXACT;
        tap_ok(boot1(s, &cfg, "x", &r, NULL, &err) == SENTRAJ_EUSAGE && strstr(err.message, "exact engine") &&
                   strstr(err.message, "--engine index or multinomial"),
               "cluster/error/exact-engine-refused");
        cfg.engine = SENTRAJ_ENGINE_AUTO;
        {
            uint64_t h = 1;
            ratio_result *out = &r;
            tap_ok(ratio_boot_many((const ratio_sample *const *)&s, &h, 1, &cfg, "test", 100, &out, NULL, &err) ==
                           SENTRAJ_ELIMIT &&
                       strstr(err.message, "need more than"),
                   "cluster/error/resampled-sums-limit");
        }
        cfg.resamples = 1;
        tap_ok(boot1(s, &cfg, "x", &r, NULL, &err) == SENTRAJ_EUSAGE, "cluster/error/bad-config");
        cfg.resamples = 1000;
        cfg.sim = SENTRAJ_SIM_BALANCED;
        cfg.balanced_max = 16;
        tap_ok(boot1(s, &cfg, "x", &r, NULL, &err) == SENTRAJ_ELIMIT && strstr(err.message, "balanced"),
               "cluster/error/balanced-limit");
        ratio_sample_free(s);
    }
    {
        /* Thread counts do not change a byte. */
        static const double y[7] = {17, -2, 1, 11, -1, 4, 0}, n[7] = {3, 1, 2, 4, 2, 1, 1};
        ratio_sample *s = units(y, n, 7, 6);
        ratio_result r1, r3;
        sentraj_config_init(&cfg);
        cfg.method = SENTRAJ_METHOD_BCA;
        cfg.resamples = 3001;
        cfg.threads = 1;
        boot1(s, &cfg, "th", &r1, NULL, NULL);
        cfg.threads = 3;
        boot1(s, &cfg, "th", &r3, NULL, NULL);
        tap_ok(memcmp(&r1, &r3, sizeof r1) == 0, "cluster/threads-1-and-3-identical");
        ratio_sample_free(s);
    }
}

/* ---- the data set and the analysis ------------------------------------------------ */

static void test_analysis(void)
{
    static const double a1[6] = {-1, -0.5, 0, 0, 0.5, 1};      /* delta 1 */
    static const double a2[6] = {0.5, 0, 0, -0.5, -0.5, 0};     /* delta -1/2 */
    static const double b1[6] = {0, 0, 0, 0.5, 0.5, 0.5};       /* delta 1/2 */
    static const double b2[6] = {0.5, 0.5, 0.5, 0, 0, 0};       /* delta -1/2 */
    char csv[8192] = "conversation_id,message_index,role,sentiment,categories,user_id\n";
    char shuffled[8192];
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_analysis *a;
    sentraj_config cfg;

    conv_rows(csv, sizeof csv, "a1", a1, "coaching", "alice");
    conv_rows(csv, sizeof csv, "a2", a2, "coaching", "alice");
    conv_rows(csv, sizeof csv, "b1", b1, "counseling", "bob");
    conv_rows(csv, sizeof csv, "b2", b2, "coaching", "bob");
    ds = read_buffer(csv, "user_id", 0, &err);
    if (!tap_ok(ds != NULL, "cluster/dataset/reads-user-id"))
        return;
    tap_eq_u64(sentraj_dataset_clusters(ds), 2, "cluster/dataset/clusters");
    tap_eq_str(sentraj_dataset_cluster_by(ds), "user_id", "cluster/dataset/cluster-by");
    sentraj_config_init(&cfg);
    cfg.resamples = 4000;
    a = sentraj_analysis_compute(ds, &cfg, &err);
    if (tap_ok(a != NULL, "cluster/analyze/runs")) {
        /* all: alice (1 - 1/2, 2 conversations), bob (1/2 - 1/2, 2): the
         * resampled means are 1/4, 1/8, 0 with probabilities 1/4, 1/2, 1/4. */
        const sentraj_result *all = sentraj_analysis_row(a, 2), *co = sentraj_analysis_row(a, 0);
        tap_eq_str(sentraj_analysis_cluster_by(a), "user_id", "cluster/analyze/cluster-by");
        /* Four conversations from two clusters: the interval, status small. */
        tap_ok(all->boot.status == SENTRAJ_CI_SMALL && all->boot.ci_low == 0 && all->boot.ci_high == 0.25,
               "cluster/analyze/all/percentile-interval-by-hand [%g, %g]", all->boot.ci_low, all->boot.ci_high);
        /* Deltas 1, -1/2 (alice), 1/2, -1/2 (bob): theta = 1/8, cluster
         * residuals y_i - theta n_i = 1/4 and -1/4, so the cluster variance is
         * 2/1 (1/16 + 1/16) / 16 = 1/64; s^2 = (49 + 25 + 9 + 25) / 64 / 3 =
         * 9/16 and s^2 / N = 9/64: design effect 1/9 (the two clusters are
         * more alike than their conversations). The largest holds 2 of 4. */
        tap_near(all->design_effect, 1.0 / 9, 1e-15, "cluster/analyze/all/design-effect-by-hand");
        tap_near(all->largest_cluster_share, 0.5, 0, "cluster/analyze/all/largest-cluster-share");
        tap_near(all->boot.se, sqrt(2 * 0.125 * 0.125 / 4), 0.004, "cluster/analyze/all/se-by-hand");
        tap_eq_u64(all->clusters, 2, "cluster/analyze/all/clusters");
        tap_eq_u64(all->conversations, 4, "cluster/analyze/all/conversations");
        tap_near(all->mean_delta, 0.125, 0, "cluster/analyze/all/mean-delta-over-conversations");
        /* coaching: alice (1/2, 2), bob (-1/2, 1): 1/4, 0, -1/2 w.p. 1/4, 1/2, 1/4. */
        tap_ok(co->boot.ci_low == -0.5 && co->boot.ci_high == 0.25, "cluster/analyze/coaching/interval-by-hand");
        tap_ok(sentraj_analysis_row(a, 1)->boot.status == SENTRAJ_CI_TOO_FEW &&
                   sentraj_analysis_row(a, 1)->clusters == 1,
               "cluster/analyze/one-cluster-row-too-few");
    }
    sentraj_analysis_free(a);
    cfg.engine = SENTRAJ_ENGINE_EXACT;
    a = sentraj_analysis_compute(ds, &cfg, &err);
    tap_ok(!a && err.code == SENTRAJ_EUSAGE && strstr(err.message, "exact engine"), "cluster/analyze/exact-refused");
    sentraj_analysis_free(a);
    cfg.engine = SENTRAJ_ENGINE_AUTO;
    cfg.keep_resamples = 1;
    a = sentraj_analysis_compute(ds, &cfg, &err);
    {
        const double *v, *p;
        size_t n = a ? sentraj_analysis_draws(a, 2, &v, &p) : 0;
        int on_support = n == 4000 && !p;
        for (size_t b = 0; on_support && b < n; b++)
            on_support = v[b] == 0 || v[b] == 0.125 || v[b] == 0.25;
        tap_ok(on_support, "cluster/analyze/kept-draws");
    }
    sentraj_analysis_free(a);
    sentraj_dataset_free(ds);

    /* The rows in another order give the same bytes. */
    {
        const char *lines[64];
        size_t nl = 0, len = 0;
        char *copy = strdup(csv), *save = NULL, *tok;
        sentraj_analysis *x, *y;
        tok = strtok_r(copy, "\n", &save);
        len = (size_t)snprintf(shuffled, sizeof shuffled, "%s\n", tok);
        while ((tok = strtok_r(NULL, "\n", &save)) != NULL)
            lines[nl++] = tok;
        for (size_t i = 0; i < nl; i++)
            len += (size_t)snprintf(shuffled + len, sizeof shuffled - len, "%s\n", lines[(i * 17) % nl]);
        cfg.keep_resamples = 0;
        cfg.method = SENTRAJ_METHOD_BCA;
        ds = read_buffer(csv, "user_id", 0, &err);
        x = sentraj_analysis_compute(ds, &cfg, &err);
        sentraj_dataset_free(ds);
        ds = read_buffer(shuffled, "user_id", 0, &err);
        y = sentraj_analysis_compute(ds, &cfg, &err);
        sentraj_dataset_free(ds);
        {
            int same = x && y && nl == 48;
            for (size_t i = 0; same && i < sentraj_analysis_rows(x); i++)
                same = memcmp(&sentraj_analysis_row(x, i)->boot, &sentraj_analysis_row(y, i)->boot,
                              sizeof(sentraj_boot_result)) == 0;
            tap_ok(same, "cluster/analyze/row-order-invariant");
        }
        sentraj_analysis_free(x);
        sentraj_analysis_free(y);
        free(copy);
    }
}

/* Clustering by the conversation id is the ordinary bootstrap, byte for byte. */
static void test_cluster_by_id(void)
{
    char path[1024];
    sentraj_config cfg;
    sentraj_input_options in;
    sentraj_dataset *d1, *d2;
    sentraj_error err;
    int same = 1;

    snprintf(path, sizeof path, "%s/conversations.csv", fixtures);
    sentraj_config_init(&cfg);
    d1 = sentraj_dataset_alloc(&cfg, &err);
    d2 = sentraj_dataset_alloc(&cfg, &err);
    sentraj_input_options_init(&in);
    in.col_cluster = "conversation_id";
    sentraj_dataset_set_input(d2, &in, &err);
    if (!tap_ok(sentraj_dataset_read(d1, path, &err) == SENTRAJ_OK && sentraj_dataset_finish(d1, &err) == SENTRAJ_OK &&
                    sentraj_dataset_read(d2, path, &err) == SENTRAJ_OK &&
                    sentraj_dataset_finish(d2, &err) == SENTRAJ_OK,
                "cluster/fixture/reads")) {
        sentraj_dataset_free(d1);
        sentraj_dataset_free(d2);
        return;
    }
    for (int e = 0; e < 3; e++)
        for (int m = 0; m <= SENTRAJ_METHOD_STUDENTIZED; m++) {
            sentraj_analysis *a, *b;
            cfg.engine = (sentraj_engine)e;
            cfg.method = (sentraj_method)m;
            a = sentraj_analysis_compute(d1, &cfg, &err);
            b = sentraj_analysis_compute(d2, &cfg, &err);
            for (size_t i = 0; a && b && i < sentraj_analysis_rows(a); i++) {
                const sentraj_boot_result *x = &sentraj_analysis_row(a, i)->boot, *y = &sentraj_analysis_row(b, i)->boot;
                double tol = m >= SENTRAJ_METHOD_BCA ? 1e-12 : 0;
                same &= fabs(x->ci_low - y->ci_low) <= tol && fabs(x->ci_high - y->ci_high) <= tol && x->se == y->se &&
                        x->status == y->status && x->engine == y->engine;
            }
            same &= a && b;
            sentraj_analysis_free(a);
            sentraj_analysis_free(b);
        }
    tap_ok(same, "cluster/fixture/cluster-by-conversation-id-is-the-ordinary-bootstrap");
    tap_eq_u64(sentraj_dataset_clusters(d2), 1371, "cluster/fixture/one-cluster-per-kept-conversation");
    sentraj_dataset_free(d1);
    sentraj_dataset_free(d2);
}

static void expect_error(const char *text, const char *cluster, int format, int code, uint64_t line, uint64_t col,
                         const char *msg, const char *name)
{
    sentraj_error err;
    sentraj_dataset *ds;
    memset(&err, 0, sizeof err);
    ds = read_buffer(text, cluster, format, &err);
    if (!tap_ok(!ds && err.code == code && err.line == line && err.col == col && strstr(err.message, msg), "%s",
                name))
        tap_diag("got code %d at %llu:%llu: %s", err.code, (unsigned long long)err.line, (unsigned long long)err.col,
                 err.message);
    sentraj_dataset_free(ds);
}

static void test_reader_errors(void)
{
    expect_error("conversation_id,message_index,role,sentiment\nc1,0,human,neutral\n", "user_id", 0, SENTRAJ_EDATA, 1,
                 0, "missing required column \"user_id\"", "cluster/csv/missing-column");
    expect_error("conversation_id,message_index,role,sentiment,user_id\nc1,0,human,neutral,u1\nc1,1,assistant,,\n",
                 "user_id", 0, SENTRAJ_EDATA, 3, 17, "empty user_id in conversation \"c1\"", "cluster/csv/empty-value");
    expect_error("conversation_id,message_index,role,sentiment,user_id\nc1,0,human,neutral,u1\nc2,0,human,neutral,u2\n"
                 "c1,1,assistant,,u2\n",
                 "user_id", 0, SENTRAJ_EDATA, 4, 17,
                 "user_id \"u2\" of conversation \"c1\" differs from \"u1\" given on line 2", "cluster/csv/differs");
    expect_error("{\"conversation_id\": \"c1\", \"messages\": [{\"role\": \"human\", \"sentiment\": \"neutral\"}]}\n",
                 "user_id", SENTRAJ_INPUT_JSONL, SENTRAJ_EDATA, 1, 0, "missing required key \"user_id\"",
                 "cluster/jsonl/missing-key");
    expect_error("{\"conversation_id\": \"c1\", \"user_id\": [1], \"messages\": []}\n", "user_id", SENTRAJ_INPUT_JSONL,
                 SENTRAJ_EDATA, 1, 0, "must be a string or an integer, not an array", "cluster/jsonl/wrong-type");
    expect_error("{\"conversation_id\": \"c1\", \"user_id\": \"\", \"messages\": []}\n", "user_id", SENTRAJ_INPUT_JSONL,
                 SENTRAJ_EDATA, 1, 0, "empty user_id", "cluster/jsonl/empty");
    expect_error("{\"conversation_id\": \"c1\", \"user_id\": 7, \"messages\": [{\"role\": \"human\", \"sentiment\": "
                 "\"neutral\", \"message_index\": 0}]}\n"
                 "{\"conversation_id\": \"c1\", \"user_id\": \"8\", \"messages\": [{\"role\": \"human\", \"sentiment\": "
                 "\"neutral\", \"message_index\": 1}]}\n",
                 "user_id", SENTRAJ_INPUT_JSONL, SENTRAJ_EDATA, 2, 0, "user_id \"8\" of conversation \"c1\" differs",
                 "cluster/jsonl/differs-across-lines");
    {
        /* An integer key is its decimal text, like an id. */
        sentraj_error err;
        sentraj_dataset *ds = read_buffer("{\"conversation_id\": 1, \"user_id\": 42, \"messages\": [{\"role\": "
                                          "\"human\", \"sentiment\": \"neutral\"}]}\n",
                                          "user_id", SENTRAJ_INPUT_JSONL, &err);
        tap_ok(ds && ds->clusters.count == 1 && strcmp(intern_str(&ds->clusters, 0), "42") == 0,
               "cluster/jsonl/integer-value");
        sentraj_dataset_free(ds);
    }
    {
        /* A ConvoKit corpus has no cluster field. */
        char path[1024];
        sentraj_config cfg;
        sentraj_input_options in;
        sentraj_error err;
        sentraj_dataset *ds;
        snprintf(path, sizeof path, "%s/convokit/small", fixtures);
        sentraj_config_init(&cfg);
        ds = sentraj_dataset_alloc(&cfg, &err);
        sentraj_input_options_init(&in);
        in.col_cluster = "user_id";
        in.role_key = "role";
        sentraj_dataset_set_input(ds, &in, &err);
        tap_ok(sentraj_dataset_read(ds, path, &err) == SENTRAJ_EDATA && strstr(err.message, "has no user_id"),
               "cluster/convokit/no-cluster-field");
        sentraj_dataset_free(ds);
    }
    {
        sentraj_input_options in;
        sentraj_config cfg;
        sentraj_error err;
        sentraj_dataset *ds;
        sentraj_config_init(&cfg);
        ds = sentraj_dataset_alloc(&cfg, &err);
        sentraj_input_options_init(&in);
        in.col_cluster = "";
        tap_ok(sentraj_dataset_set_input(ds, &in, &err) == SENTRAJ_EUSAGE &&
                   strstr(err.message, "cluster column name must not be empty"),
               "cluster/options/empty-name");
        sentraj_dataset_free(ds);
    }
}

/* ---- the simulator's users ------------------------------------------------------------ */

static char *simulate(const sentraj_simulate_options *sim, const sentraj_config *filter, char **truth, size_t *len)
{
    char *out = NULL;
    size_t n = 0, tn = 0;
    FILE *f = open_memstream(&out, &n), *t = truth ? open_memstream(truth, &tn) : NULL;
    int rc = sentraj_simulate_write_csv(f, "sim.csv", t, "truth.csv", sim, filter, NULL);
    fclose(f);
    if (t)
        fclose(t);
    if (len)
        *len = n;
    if (rc != SENTRAJ_OK) {
        free(out);
        return NULL;
    }
    return out;
}

static void test_simulate_users(void)
{
    sentraj_simulate_options sim;
    sentraj_config filter;
    sentraj_error err;
    char *plain, *users, *again, *truth = NULL;
    size_t len;

    sentraj_simulate_options_init(&sim);
    sentraj_config_init(&filter);
    sim.conversations = 400;
    plain = simulate(&sim, NULL, NULL, NULL);
    sim.users = 40;
    users = simulate(&sim, &filter, &truth, &len);
    again = simulate(&sim, NULL, NULL, NULL);
    tap_ok(plain && users && strncmp(users, "conversation_id,message_index,role,sentiment,categories,user_id\n", 64) == 0,
           "simulate/users/user-id-column");
    tap_ok(plain && strncmp(plain, "conversation_id,message_index,role,sentiment,categories\n", 56) == 0,
           "simulate/users/no-column-without-users");
    tap_ok(users && again && strcmp(users, again) == 0, "simulate/users/deterministic");
    {
        /* Without a user effect, the same rows plus a column. */
        int same = plain && users;
        const char *p = plain ? strchr(plain, '\n') + 1 : NULL, *u = users ? strchr(users, '\n') + 1 : NULL;
        while (same && *p) {
            const char *pe = strchr(p, '\n'), *ue = strchr(u, '\n'), *comma = ue;
            while (comma > u && *comma != ',')
                comma--;
            same = comma && (size_t)(comma - u) == (size_t)(pe - p) && memcmp(p, u, (size_t)(pe - p)) == 0 &&
                   ue - comma == 8 && comma[1] == 'u';
            p = pe + 1;
            u = ue + 1;
        }
        tap_ok(same, "simulate/users/same-conversations-plus-user-id");
    }
    tap_ok(truth && strncmp(truth, "category,conversations,true_mean_delta,population_mean_delta\n", 61) == 0,
           "simulate/users/truth-population-column");
    {
        /* The user of each conversation is constant over its rows, and a
         * few users are heavy: user 1 expects sqrt(1/40) = 16% of them. */
        sentraj_dataset *ds = read_buffer(users, "user_id", 0, &err);
        size_t first = 0;
        for (size_t c = 0; ds && c < ds->ids.count; c++)
            first += strcmp(intern_str(&ds->clusters, ds->cluster_of[c]), "u000001") == 0;
        tap_ok(ds && ds->clusters.count <= 40 && ds->clusters.count >= 30, "simulate/users/at-most-N-users (%zu)",
               ds ? ds->clusters.count : 0);
        tap_ok(first >= 40 && first <= 90, "simulate/users/heavy-first-user (%zu of 400)", first);
        sentraj_dataset_free(ds);
    }
    free(plain);
    free(users);
    free(again);
    free(truth);

    /* The population value against a large simulation's average, per category. */
    {
        static const char *const cats[] = {"coaching", "companionship", "counseling", "interpersonal advice", "all"};
        sentraj_dataset *ds;
        sentraj_analysis *a;
        sentraj_config cfg;
        sentraj_config_init(&cfg);
        cfg.resamples = 200;
        sim.conversations = 60000;
        sim.users = 3000;
        sim.user_effect = 0.1;
        sim.seed = 77;
        users = simulate(&sim, NULL, NULL, &len);
        ds = read_buffer(users, "user_id", 0, &err);
        a = ds ? sentraj_analysis_compute(ds, &cfg, &err) : NULL;
        for (size_t i = 0; a && i < sentraj_analysis_rows(a); i++) {
            const sentraj_result *r = sentraj_analysis_row(a, i);
            double pop = sentraj_simulate_population_delta(&sim, r->category, 6, 3);
            if (!tap_ok(fabs(r->mean_delta - pop) <= 4 * r->boot.se, "simulate/users/population-delta/%s", cats[i]))
                tap_diag("mean %g, population %g, se %g", r->mean_delta, pop, r->boot.se);
        }
        tap_ok(isnan(sentraj_simulate_population_delta(&sim, "therapy", 6, 3)) &&
                   isnan(sentraj_simulate_population_delta(&sim, NULL, 4, 3)),
               "simulate/users/population-delta-unknown");
        tap_near(sentraj_simulate_population_delta(&sim, NULL, 6, 3), sentraj_simulate_population_delta(&sim, "all", 6, 3), 0,
                 "simulate/users/population-delta-all");
        sentraj_analysis_free(a);
        sentraj_dataset_free(ds);
        free(users);
    }
    /* Errors. */
    sentraj_simulate_options_init(&sim);
    sim.user_effect = 0.1;
    tap_ok(!simulate(&sim, NULL, NULL, NULL), "simulate/users/effect-without-users");
    {
        FILE *f = fopen("/dev/null", "w");
        sim.users = 10;
        sim.user_effect = 0.3;
        tap_ok(sentraj_simulate_write_csv(f, "x", NULL, NULL, &sim, NULL, &err) == SENTRAJ_EUSAGE &&
                   strstr(err.message, "user effect must be in [0, 0.2]"),
               "simulate/users/effect-too-large");
        sim.user_effect = NAN;
        tap_ok(sentraj_simulate_write_csv(f, "x", NULL, NULL, &sim, NULL, &err) == SENTRAJ_EUSAGE,
               "simulate/users/effect-nan");
        sim.user_effect = 0;
        sim.users = 0;
        sim.user_effect = 0.05;
        tap_ok(sentraj_simulate_write_csv(f, "x", NULL, NULL, &sim, NULL, &err) == SENTRAJ_EUSAGE &&
                   strstr(err.message, "needs users"),
               "simulate/users/effect-needs-users");
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc > 1)
        fixtures = argv[1];
    test_build();
    test_singletons_equal_ordinary();
    test_distribution();
    test_jackknife();
    test_statuses_and_errors();
    test_analysis();
    test_cluster_by_id();
    test_reader_errors();
    test_simulate_users();
    return tap_done();
}
