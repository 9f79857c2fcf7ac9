/* test_exact.c - the exact engine against enumeration, direct convolution and its moments. */
#include "tap.h"

#include "boot/exact.h"
#include "boot/sample.h"
#include "sample_full.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Expected values here come from independent computations written in this
 * file: enumeration of every one of the n^n index tuples of a resample (or of
 * every multinomial count vector), repeated direct convolution of the pmf in
 * long double, and the closed-form moments of a sum of i.i.d. draws. None of
 * them uses a transform. */

#define TOL 1e-12

static sentraj_sample *lattice(const int64_t *q, size_t n, int64_t denom)
{
    sentraj_error err;
    /* Expanded: the references below read the values one by one. */
    sentraj_sample *s = sample_full(sample_alloc_lattice(q, n, denom, &err));
    if (!s) {
        tap_diag("sample_alloc_lattice failed: %s", err.message);
        exit(1);
    }
    return s;
}

/* ------------------------------------------------------------------------ */
/* Reference distributions                                                  */
/* ------------------------------------------------------------------------ */

typedef struct tw {
    long double t, w;
} tw;

static int cmp_tw(const void *a, const void *b)
{
    const tw *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

/* t for one resample given its values' integer numerators, from the
 * definition: m = mean of the values, s^2 their variance with n - 1,
 * t = (m - mean) / (s / sqrt(n)). se = 0 exactly when every draw is equal;
 * then t is +inf, -inf or 0 by the sign of the exact integer difference of
 * totals. */
static long double t_of(const int64_t *v, size_t n, int64_t denom, int64_t total)
{
    long double m = 0, ss = 0, mean = (long double)total / ((long double)denom * (long double)n);
    int64_t sum = 0;
    int equal = 1;

    for (size_t i = 0; i < n; i++) {
        m += (long double)v[i] / (long double)denom;
        sum += v[i];
        equal &= v[i] == v[0];
    }
    m /= (long double)n;
    if (equal)
        return sum > total ? (long double)INFINITY : sum < total ? -(long double)INFINITY : 0.0L;
    for (size_t i = 0; i < n; i++) {
        long double d = (long double)v[i] / (long double)denom - m;
        ss += d * d;
    }
    return (m - mean) / sqrtl(ss / (long double)(n - 1) / (long double)n);
}

/* t values agree: infinities exactly, finite ones to 1e-12 relative. */
static int t_close(long double a, long double b)
{
    if (a == b)
        return 1;
    if (isinf(a) || isinf(b))
        return 0;
    return fabsl(a - b) <= 1e-12L * fmaxl(1.0L, fabsl(b));
}

/* Sort and merge (t, w) pairs whose t agree to 1e-12 relative (the
 * reference t are computed by a different formula from the engine's, so
 * equal ratios can differ in the last bits). Returns the new count. */
static size_t merge_tw(tw *a, size_t m)
{
    size_t k = 0;
    qsort(a, m, sizeof *a, cmp_tw);
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        long double sw = a[i].w;
        while (j < m && t_close(a[j].t, a[i].t))
            sw += a[j++].w;
        a[k].t = a[i].t;
        a[k].w = sw;
        k++;
        i = j;
    }
    return k;
}

/* Every resample of a tiny sample: all n^n index tuples, each with
 * probability n^-n. Fills the distribution of the sum (indexed from
 * n * min q) and the t values. */
typedef struct enumeration {
    long double *sum; /* n * (max - min) + 1 entries */
    tw *t;
    size_t tlen;
} enumeration;

static void enumerate(const int64_t *q, size_t n, int64_t denom, enumeration *e)
{
    int64_t qmin = q[0], qmax = q[0], total = 0, v[8];
    size_t idx[8] = {0}, tuples = 1, span, k = 0;
    long double pw;

    for (size_t i = 0; i < n; i++) {
        qmin = q[i] < qmin ? q[i] : qmin;
        qmax = q[i] > qmax ? q[i] : qmax;
        total += q[i];
        tuples *= n;
    }
    pw = 1.0L / (long double)tuples;
    span = n * (size_t)(qmax - qmin) + 1;
    e->sum = calloc(span, sizeof *e->sum);
    e->t = malloc(tuples * sizeof *e->t);
    for (;;) {
        int64_t s = 0;
        for (size_t i = 0; i < n; i++) {
            v[i] = q[idx[i]];
            s += v[i];
        }
        e->sum[s - (int64_t)n * qmin] += pw;
        e->t[k].t = t_of(v, n, denom, total);
        e->t[k].w = pw;
        k++;
        /* odometer */
        size_t i = 0;
        while (i < n && ++idx[i] == n)
            idx[i++] = 0;
        if (i == n)
            break;
    }
    e->tlen = merge_tw(e->t, k);
}

/* Compare an engine's t distribution with a reference: walk both in order,
 * matching t within 1e-12 relative (infinities exactly). A point only one
 * side has must carry weight at most TOL; matched weights agree within TOL;
 * and the two CDFs never differ by more than TOL. */
static int same_t(const double *t, const double *w, size_t len, const tw *ref, size_t rlen, const char *name)
{
    size_t i = 0, j = 0, bad = 0;
    long double c1 = 0, c2 = 0, worst = 0, sum = 0;

    for (size_t k = 0; k < len; k++)
        sum += w[k];
    for (size_t k = 1; k < len; k++)
        if (!(t[k] > t[k - 1]))
            bad++;
    while (i < len || j < rlen) {
        int match = i < len && j < rlen && t_close((long double)t[i], ref[j].t);
        if (match) {
            if (fabsl((long double)w[i] - ref[j].w) > TOL)
                bad++;
            c1 += w[i++];
            c2 += ref[j++].w;
        } else if (j >= rlen || (i < len && (long double)t[i] < ref[j].t)) {
            if (w[i] > TOL)
                bad++;
            c1 += w[i++];
        } else {
            if (ref[j].w > TOL)
                bad++;
            c2 += ref[j++].w;
        }
        if (fabsl(c1 - c2) > worst)
            worst = fabsl(c1 - c2);
    }
    if (!tap_ok(bad == 0 && worst <= TOL && fabsl(sum - 1) <= TOL, "%s", name))
        tap_diag("%zu mismatches, largest CDF gap %Lg, weights sum to 1 %+Lg (%zu vs %zu points)", bad, worst,
                 sum - 1, len, rlen);
    return bad == 0;
}

/* Largest |engine - reference| over the union of supports; ref is indexed
 * from ref0 with rlen entries. */
static long double sum_gap(const exact_dist *d, const long double *ref, int64_t ref0, size_t rlen, long double *mass)
{
    long double gap = 0, tot = 0;
    for (size_t i = 0; i < d->len; i++)
        tot += d->probs[i];
    for (size_t i = 0; i < rlen; i++) {
        int64_t s = ref0 + (int64_t)i;
        long double got = 0;
        if (s >= d->s0 && s < d->s0 + (int64_t)d->len)
            got = d->probs[s - d->s0];
        if (fabsl(got - ref[i]) > gap)
            gap = fabsl(got - ref[i]);
    }
    /* engine points outside the reference support must be (near) zero */
    for (size_t i = 0; i < d->len; i++) {
        int64_t s = d->s0 + (int64_t)i;
        if ((s < ref0 || s >= ref0 + (int64_t)rlen) && d->probs[i] > gap)
            gap = d->probs[i];
    }
    *mass = tot;
    return gap;
}

/* The distribution of the sum by repeated direct convolution of the pmf in
 * long double, over the full support n * (max - min) + 1. */
static long double *direct_sum(const sentraj_sample *s, size_t *rlen)
{
    size_t n = s->n, d = (size_t)(s->q[n - 1] - s->q[0]), span = n * d + 1;
    long double *a = calloc(span, sizeof *a), *b = calloc(span, sizeof *b), *pmf = calloc(d + 1, sizeof *pmf);
    for (size_t i = 0; i < n; i++)
        pmf[s->q[i] - s->q[0]] += 1.0L / (long double)n;
    a[0] = 1;
    for (size_t step = 0; step < n; step++) {
        size_t top = step * d; /* current support 0..top */
        memset(b, 0, (top + d + 1) * sizeof *b);
        for (size_t x = 0; x <= top; x++) {
            if (a[x] == 0)
                continue;
            for (size_t j = 0; j <= d; j++)
                b[x + j] += a[x] * pmf[j];
        }
        long double *tmp = a;
        a = b;
        b = tmp;
    }
    free(b);
    free(pmf);
    *rlen = span;
    return a;
}

/* ------------------------------------------------------------------------ */
/* Cases                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct tiny {
    const char *name;
    size_t n;
    int64_t denom;
    int64_t q[8];
} tiny;

static const tiny tinies[] = {
    {"n1", 1, 6, {5}},
    {"n2", 2, 6, {-1, 3}},
    {"n3", 3, 6, {-2, 0, 7}},
    {"n4", 4, 3, {1, 1, 2, 5}},
    {"n5-wide", 5, 6, {-12, -3, 0, 0, 12}},
    {"n6-gcd3", 6, 6, {0, 0, 3, 3, 3, 9}},
    {"n7-skewed", 7, 6, {0, 0, 0, 0, 0, 1, 12}},
    {"n7-two-point", 7, 6, {-5, -5, -5, -5, 2, 2, 2}},
    {"n7-negative", 7, 6, {-12, -7, -1, 0, 4, 4, 11}},
};

static void test_enumeration(void)
{
    for (size_t c = 0; c < sizeof tinies / sizeof *tinies; c++) {
        const tiny *tc = &tinies[c];
        sentraj_sample *s = lattice(tc->q, tc->n, tc->denom);
        enumeration e;
        exact_dist d;
        sentraj_error err;
        double *t = NULL, *w = NULL;
        size_t tlen = 0, span;
        long double mass, gap;
        char name[96];
        int rc;

        enumerate(tc->q, tc->n, tc->denom, &e);
        span = tc->n * (size_t)(s->q[tc->n - 1] - s->q[0]) + 1;
        rc = exact_sum_distribution(s, 1u << 20, &d, &err);
        snprintf(name, sizeof name, "exact/enumeration/%s/sum", tc->name);
        if (rc != SENTRAJ_OK) {
            tap_ok(0, "%s", name);
            tap_diag("error %d: %s", rc, err.message);
        } else {
            gap = sum_gap(&d, e.sum, (int64_t)tc->n * s->q[0], span, &mass);
            if (!tap_ok(gap <= TOL && fabsl(mass - 1) <= TOL, "%s", name))
                tap_diag("largest gap %Lg, mass - 1 = %Lg, s0 %lld len %zu fft %zu", gap, mass - 1,
                         (long long)d.s0, d.len, d.fft_len);
        }
        exact_dist_free(&d);

        rc = exact_studentized_distribution(s, 1u << 20, &t, &w, &tlen, &err);
        snprintf(name, sizeof name, "exact/enumeration/%s/studentized", tc->name);
        if (rc != SENTRAJ_OK) {
            tap_ok(0, "%s", name);
            tap_diag("error %d: %s", rc, err.message);
        } else {
            same_t(t, w, tlen, e.t, e.tlen, name);
        }
        free(t);
        free(w);
        free(e.sum);
        free(e.t);
        sentraj_sample_free(s);
    }
}

/* A sample of n values spread over -12..12 (25 distinct values) with a
 * lopsided, deterministic pattern of counts. */
static sentraj_sample *spread_sample(size_t n)
{
    int64_t *q = malloc(n * sizeof *q);
    sentraj_sample *s;
    for (size_t i = 0; i < n; i++) {
        /* every value appears; the rest favour small positive deltas */
        q[i] = i < 25 ? (int64_t)i - 12 : (int64_t)((i * 7919u) % 17u) - 5 + (int64_t)((i * 104729u) % 3u);
    }
    s = lattice(q, n, 6);
    free(q);
    return s;
}

static void test_against_direct(const char *label, sentraj_sample *s)
{
    exact_dist d;
    sentraj_error err;
    size_t rlen;
    long double *ref = direct_sum(s, &rlen), mass, gap;
    size_t full = s->n * (size_t)(s->q[s->n - 1] - s->q[0]) + 1;
    int rc = exact_sum_distribution(s, 1u << 24, &d, &err);
    char name[96];

    snprintf(name, sizeof name, "exact/direct/%s/windowed", label);
    tap_ok(rc == SENTRAJ_OK && d.fft_len < full, "%s", name);
    if (rc == SENTRAJ_OK) {
        gap = sum_gap(&d, ref, (int64_t)s->n * s->q[0], rlen, &mass);
        snprintf(name, sizeof name, "exact/direct/%s/every-point", label);
        if (!tap_ok(gap <= TOL && fabsl(mass - 1) <= TOL, "%s", name))
            tap_diag("largest gap %Lg, mass - 1 = %Lg", gap, mass - 1);
        tap_diag("%s: n %zu, transform %zu of full %zu, largest gap %Lg", label, s->n, d.fft_len, full, gap);
    }
    exact_dist_free(&d);
    free(ref);
}

static void test_direct(void)
{
    sentraj_sample *s = spread_sample(200);
    test_against_direct("spread-200", s);
    sentraj_sample_free(s);

    /* Nearly periodic: all mass on multiples of 12 but one value, so the
     * pmf's transform comes close to modulus 1 far from frequency zero. */
    {
        int64_t q[300];
        for (size_t i = 0; i < 300; i++)
            q[i] = i % 3 ? 0 : 12;
        q[299] = 1;
        s = lattice(q, 300, 6);
        test_against_direct("near-periodic-300", s);
        sentraj_sample_free(s);
    }
}

/* Moments of the windowed distribution: a sum of n i.i.d. draws has mean
 * n * mean and variance n * var_pop (the sample's variance with n), and
 * third central moment n * mu3. */
static void test_moments(size_t n)
{
    sentraj_sample *s = spread_sample(n);
    exact_dist d;
    sentraj_error err;
    long double Q = 0, c2 = 0, c3 = 0, m1 = 0, v = 0, m3 = 0, mean;
    size_t full = n * 24 + 1;
    char name[96];
    int rc;

    for (size_t i = 0; i < n; i++)
        Q += s->q[i];
    mean = Q / (long double)n;
    for (size_t i = 0; i < n; i++) {
        long double dv = s->q[i] - mean;
        c2 += dv * dv;
        c3 += dv * dv * dv;
    }
    rc = exact_sum_distribution(s, 1u << 24, &d, &err);
    snprintf(name, sizeof name, "exact/moments/n%zu/windowed", n);
    tap_ok(rc == SENTRAJ_OK && d.fft_len < full, "%s", name);
    if (rc == SENTRAJ_OK) {
        for (size_t i = 0; i < d.len; i++)
            m1 += (long double)d.probs[i] * (long double)(d.s0 + (int64_t)i);
        for (size_t i = 0; i < d.len; i++) {
            long double dv = (long double)(d.s0 + (int64_t)i) - Q;
            v += (long double)d.probs[i] * dv * dv;
            m3 += (long double)d.probs[i] * dv * dv * dv;
        }
        snprintf(name, sizeof name, "exact/moments/n%zu/mean", n);
        tap_near((double)(m1 / Q), 1.0, 1e-9, name);
        snprintf(name, sizeof name, "exact/moments/n%zu/variance", n);
        tap_near((double)(v / c2), 1.0, 1e-9, name);
        /* The third moment weighs the far tails, where round-off of 1e-17
         * meets cubes of 1e12: compare skewness, in units of sd^3. */
        snprintf(name, sizeof name, "exact/moments/n%zu/skewness", n);
        tap_near((double)((m3 - c3) / powl(c2, 1.5L)), 0.0, 1e-9, name);
        tap_diag("n %zu: transform %zu of full %zu; mean rel err %Lg, variance rel err %Lg, skewness err %Lg", n,
                 d.fft_len, full, m1 / Q - 1, v / c2 - 1, (m3 - c3) / powl(c2, 1.5L));
    }
    exact_dist_free(&d);
    sentraj_sample_free(s);
}

/* Multinomial enumeration: every count vector c of n draws over K distinct
 * values, with probability n! / prod c_j! * prod p_j^c_j. */
static void multinomial_walk(const sentraj_sample *s, size_t j, size_t left, int64_t *c, tw *out, size_t *m,
                             int64_t total)
{
    size_t K = s->k, n = s->n;
    if (j == K - 1) {
        long double lp = lgammal((long double)n + 1), mm = 0, ss = 0, mean, tval;
        int64_t sum = 0, qj[32];
        size_t used = 0;
        c[j] = (int64_t)left;
        for (size_t i = 0, off = 0; i < K; off += s->counts[i], i++)
            qj[i] = s->q[off];
        for (size_t i = 0; i < K; i++) {
            long double p = (long double)s->counts[i] / (long double)n;
            lp += (long double)c[i] * logl(p) - lgammal((long double)c[i] + 1);
            sum += c[i] * qj[i];
            used += c[i] > 0;
        }
        mean = (long double)total / ((long double)s->denom * (long double)n);
        mm = (long double)sum / ((long double)s->denom * (long double)n);
        if (used == 1) {
            tval = sum > total ? (long double)INFINITY : sum < total ? -(long double)INFINITY : 0.0L;
        } else {
            for (size_t i = 0; i < K; i++) {
                long double dv = (long double)qj[i] / (long double)s->denom - mm;
                ss += (long double)c[i] * dv * dv;
            }
            tval = (mm - mean) / sqrtl(ss / (long double)(n - 1) / (long double)n);
        }
        out[*m].t = tval;
        out[*m].w = expl(lp);
        (*m)++;
        return;
    }
    for (size_t x = 0; x <= left; x++) {
        c[j] = (int64_t)x;
        multinomial_walk(s, j + 1, left - x, c, out, m, total);
    }
}

static void test_studentized_moderate(void)
{
    /* n = 40 over 5 distinct values: C(44, 4) = 135751 count vectors. */
    int64_t q[40];
    static const int64_t vals[5] = {-3, -1, 0, 2, 6};
    static const int cnt[5] = {6, 11, 9, 10, 4};
    size_t k = 0, m = 0, tlen;
    sentraj_sample *s;
    tw *ref;
    int64_t c[5], total = 0;
    double *t, *w;
    sentraj_error err;
    int rc;

    for (size_t j = 0; j < 5; j++)
        for (int r = 0; r < cnt[j]; r++)
            q[k++] = vals[j];
    s = lattice(q, 40, 6);
    for (size_t i = 0; i < 40; i++)
        total += q[i];
    ref = malloc(135751 * sizeof *ref);
    multinomial_walk(s, 0, 40, c, ref, &m, total);
    m = merge_tw(ref, m);
    rc = exact_studentized_distribution(s, 1u << 24, &t, &w, &tlen, &err);
    if (tap_ok(rc == SENTRAJ_OK, "exact/studentized/n40-k5/runs"))
        same_t(t, w, tlen, ref, m, "exact/studentized/n40-k5/multinomial-enumeration");
    else
        tap_diag("error %d: %s", rc, err.message);
    free(t);
    free(w);
    free(ref);
    sentraj_sample_free(s);

    /* n = 300 over {-1, 0, 1}: both axes take the windowed (wrap-around)
     * path; C(302, 2) = 45451 count vectors. */
    {
        int64_t q3[300];
        exact_dist d;
        for (size_t i = 0; i < 300; i++)
            q3[i] = i < 90 ? -1 : i < 240 ? 0 : 1;
        s = lattice(q3, 300, 6);
        total = 90 * -1 + 60;
        rc = exact_sum_distribution(s, 1u << 24, &d, &err);
        tap_ok(rc == SENTRAJ_OK && d.fft_len < 601, "exact/studentized/n300-k3/windowed");
        exact_dist_free(&d);
        ref = malloc(45451 * sizeof *ref);
        m = 0;
        multinomial_walk(s, 0, 300, c, ref, &m, total);
        m = merge_tw(ref, m);
        rc = exact_studentized_distribution(s, 1u << 24, &t, &w, &tlen, &err);
        if (tap_ok(rc == SENTRAJ_OK, "exact/studentized/n300-k3/runs"))
            same_t(t, w, tlen, ref, m, "exact/studentized/n300-k3/multinomial-enumeration");
        else
            tap_diag("error %d: %s", rc, err.message);
        free(t);
        free(w);
        free(ref);
        sentraj_sample_free(s);
    }

    /* n = 40 over all 25 values: too many count vectors to enumerate; the
     * weights must still form a distribution on ascending t. */
    s = spread_sample(40);
    rc = exact_studentized_distribution(s, 1u << 24, &t, &w, &tlen, &err);
    if (tap_ok(rc == SENTRAJ_OK, "exact/studentized/n40-k25/runs")) {
        long double sum = 0;
        size_t bad = 0;
        for (size_t i = 0; i < tlen; i++) {
            sum += w[i];
            bad += !(w[i] >= 0) || (i && !(t[i] > t[i - 1])) || isnan(t[i]);
        }
        tap_ok(bad == 0, "exact/studentized/n40-k25/ascending");
        tap_near((double)sum, 1.0, TOL, "exact/studentized/n40-k25/sums-to-1");
        free(t);
        free(w);
    } else {
        tap_diag("error %d: %s", rc, err.message);
    }
    sentraj_sample_free(s);
}

static void test_limits(void)
{
    sentraj_sample *s = spread_sample(2000);
    exact_dist d;
    sentraj_error err;
    double *t, *w, vals[3] = {0.1, 0.25, 1.4142135623730951};
    size_t tlen;
    int rc;

    memset(&err, 0, sizeof err);
    rc = exact_sum_distribution(s, 1000, &d, &err);
    tap_ok(rc == SENTRAJ_ELIMIT && strstr(err.message, "multinomial") && d.probs == NULL,
           "exact/limits/max-len");
    tap_diag("%s", err.message);
    rc = exact_studentized_distribution(s, 100000, &t, &w, &tlen, &err);
    tap_ok(rc == SENTRAJ_ELIMIT && strstr(err.message, "multinomial") && t == NULL && w == NULL && tlen == 0,
           "exact/limits/max-cells");
    tap_diag("%s", err.message);
    sentraj_sample_free(s);

    s = sentraj_sample_alloc(vals, 3, 6, &err);
    tap_ok(s && !s->lattice, "exact/limits/non-lattice-sample");
    rc = exact_sum_distribution(s, 1u << 20, &d, &err);
    tap_ok(rc == SENTRAJ_EUSAGE && strstr(err.message, "lattice"), "exact/limits/non-lattice-sum");
    rc = exact_studentized_distribution(s, 1u << 20, &t, &w, &tlen, &err);
    tap_ok(rc == SENTRAJ_EUSAGE, "exact/limits/non-lattice-studentized");
    sentraj_sample_free(s);

    s = sample_alloc_lattice(NULL, 0, 6, &err);
    rc = exact_sum_distribution(s, 1u << 20, &d, &err);
    tap_ok(rc == SENTRAJ_EUSAGE, "exact/limits/empty-sum");
    rc = exact_studentized_distribution(s, 1u << 20, &t, &w, &tlen, &err);
    tap_ok(rc == SENTRAJ_EUSAGE, "exact/limits/empty-studentized");
    sentraj_sample_free(s);

    {
        int64_t q[4] = {3, 3, 3, 3};
        s = lattice(q, 4, 6);
        rc = exact_sum_distribution(s, 16, &d, &err);
        tap_ok(rc == SENTRAJ_OK && d.len == 1 && d.s0 == 12 && d.probs[0] == 1.0, "exact/limits/degenerate-sum");
        exact_dist_free(&d);
        rc = exact_studentized_distribution(s, 16, &t, &w, &tlen, &err);
        tap_ok(rc == SENTRAJ_OK && tlen == 1 && t[0] == 0 && w[0] == 1.0, "exact/limits/degenerate-studentized");
        free(t);
        free(w);
        sentraj_sample_free(s);
    }
    exact_dist_free(NULL);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_enumeration();
    test_direct();
    test_moments(2000);
    test_moments(53585);
    test_studentized_moderate();
    test_limits();
    return tap_done();
}
