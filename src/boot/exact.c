/* exact.c - the exact bootstrap distribution of a lattice sample's mean (B = infinity) by FFT. */
#include "boot/exact.h"

#include "boot/exact_plan.h"
#include "core/error.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The pmf on the reduced lattice, prepared for power_coefficient. */
typedef struct pmf1 {
    size_t K, n;
    const uint64_t *cnt; /* counts, summing to n */
    double *y;           /* x_j - E[X] */
    uint64_t *dmod;      /* (x_j - x_r) mod L for the most frequent point x_r */
    uint64_t L, range;
    uint64_t xmod;       /* n E[X] mod L: the sample's reduced total */
    uint64_t rmod;       /* n x_r mod L */
} pmf1;

/* z^n for the pmf's transform z at omega = 2 pi k / L, recomputed from the
 * pmf rather than taken from the forward FFT: raising to the n-th power
 * multiplies relative errors by n, so for n = 10^6 the FFT's 1e-16 would
 * become 1e-10. z^n = exp(-i n omega c) (1 + u)^n, where
 * 1 + u = sum_j p_j exp(-i omega (x_j - c)) and
 * u = -2 sum p_j sin^2(a_j / 2) - i sum p_j sin(a_j), a_j = omega (x_j - c),
 * has full relative accuracy when u is small, which is where |z|^n is not
 * negligible; then (1 + u)^n = exp(n log1p(u)).
 *
 * Near omega = 0 (omega * range <= pi) the centre c is E[X], so u is
 * O(omega^2) and n omega c = 2 pi k X / L with X the sample's integer total,
 * reduced modulo L in integers. Elsewhere |z| can still be close to 1 when
 * most of the mass sits on a sub-lattice (deltas mostly multiples of 3/6,
 * say); c is then the most frequent point x_r, and each a_j is reduced
 * exactly as 2 pi ((k (x_j - x_r)) mod L) / L, taken in (-pi, pi], so the
 * terms of points on x_r's sub-lattice stay small with full relative
 * accuracy instead of being near-multiples of 2 pi with absolute error
 * 1e-16 * omega * x_j. Products k * d with k, d < L < 2^32 fit in 64 bits. */
static void power_coefficient(const pmf1 *f, uint64_t k, double *re, double *im)
{
    double omega = 2.0 * M_PI * (double)k / (double)f->L, ur = 0, ui = 0, dn = (double)f->n;
    double logmag, arg, mag, phase;
    uint64_t lin;
    int near0 = 2.0 * (double)k * (double)f->range <= (double)f->L;

    for (size_t j = 0; j < f->K; j++) {
        double a, h;
        if (near0) {
            a = omega * f->y[j];
        } else {
            uint64_t r = (k * f->dmod[j]) % f->L;
            a = 2.0 * M_PI * (2 * r > f->L ? -(double)(f->L - r) : (double)r) / (double)f->L;
        }
        h = sin(0.5 * a);
        ur -= 2.0 * (double)f->cnt[j] * h * h;
        ui -= (double)f->cnt[j] * sin(a);
    }
    ur /= dn;
    ui /= dn;
    logmag = 0.5 * log1p(2.0 * ur + ur * ur + ui * ui);
    arg = atan2(ui, 1.0 + ur);
    mag = exp(dn * logmag);
    lin = near0 ? (k * f->xmod) % f->L : (k * f->rmod) % f->L;
    phase = dn * arg - 2.0 * M_PI * ((double)lin / (double)f->L);
    *re = mag * cos(phase);
    *im = mag * sin(phase);
}

/* The one-dimensional transform of a sample: its reduced offsets, the axis
 * they were planned on, and GSL's tables for a real transform of length L. */
typedef struct transform1 {
    size_t K, n, L, outlen;
    int64_t *q;     /* distinct lattice points */
    uint64_t *off;  /* reduced offsets (q_j - q_0) / g */
    double *data;   /* L values: the pmf, its spectrum, then the distribution */
    exact_axis ax;
    gsl_fft_real_wavetable *rw;
    gsl_fft_halfcomplex_wavetable *hw;
    gsl_fft_real_workspace *work;
} transform1;

static void transform1_free(transform1 *t)
{
    if (t->rw)
        gsl_fft_real_wavetable_free(t->rw);
    if (t->hw)
        gsl_fft_halfcomplex_wavetable_free(t->hw);
    if (t->work)
        gsl_fft_real_workspace_free(t->work);
    free(t->data);
    free(t->off);
    free(t->q);
}

/* Plan the transform of s (K > 1) within max_len points, in and out. */
static int transform1_plan(const sentraj_sample *s, size_t max_len, transform1 *t, sentraj_error *err)
{
    size_t n = s->n;
    double need, outneed;

    for (size_t j = 0; j < t->K; j++)
        t->off[j] = (uint64_t)(t->q[j] - t->q[0]);
    need = exact_axis_plan(t->off, s->counts, t->K, n, &t->ax);
    /* The read-back range, in original lattice steps, is (npts - 1) * g + 1. */
    outneed = (need - 1.0) * (double)t->ax.g + 1.0;
    if (need > (double)max_len || outneed > (double)max_len || need > 4294967295.0 / 1.25)
        return exact_limit_error(err, "points", fmax(need, outneed), n, max_len);
    exact_axis_finish(&t->ax, n, need);
    t->L = t->ax.len;
    t->outlen = (t->ax.npts - 1) * (size_t)t->ax.g + 1;
    if (t->L > max_len || t->outlen > max_len)
        return exact_limit_error(err, "points", (double)(t->L > t->outlen ? t->L : t->outlen), n, max_len);
    return SENTRAJ_OK;
}

/* Replace the forward spectrum in t->data by the n-th powers of its
 * coefficients. GSL's mixed-radix half-complex layout: data[0] is the real
 * coefficient 0, data[2k-1] and data[2k] the real and imaginary parts of
 * coefficient k for 0 < k < L/2, and for even L data[L-1] is the real
 * coefficient L/2. The forward values serve only to find the coefficients
 * that survive the n-th power; those are recomputed accurately. */
static int transform1_powers(const sentraj_sample *s, transform1 *t, sentraj_error *err)
{
    size_t K = t->K, n = t->n, L = t->L, r = 0;
    double *y = malloc(K * sizeof *y), *data = t->data;
    uint64_t *dmod = malloc(K * sizeof *dmod);
    const uint64_t *off = t->off;
    pmf1 f;

    if (!y || !dmod) {
        free(y);
        free(dmod);
        return sentraj_nomem(err, "exact engine");
    }
    for (size_t j = 0; j < K; j++)
        y[j] = (double)off[j] - (double)t->ax.center / (double)n;
    for (size_t j = 1; j < K; j++)
        if (s->counts[j] > s->counts[r])
            r = j;
    f.K = K;
    f.n = n;
    f.cnt = s->counts;
    f.y = y;
    f.dmod = dmod;
    f.L = L;
    f.range = t->ax.range;
    f.xmod = t->ax.center % L;
    for (size_t j = 0; j < K; j++)
        dmod[j] = off[j] >= off[r] ? (off[j] - off[r]) % L : (L - (off[r] - off[j]) % L) % L;
    f.rmod = ((n % L) * (off[r] % L)) % L;
    data[0] = 1.0;
    for (size_t k = 1; 2 * k <= L; k++) {
        int has_im = 2 * k < L;
        double re = data[2 * k - 1], im = has_im ? data[2 * k] : 0.0, r2 = re * re + im * im, zr = 0, zi = 0;
        /* A zero of the pmf's transform stays zero; log would be -inf. */
        if (r2 > 0 && 0.5 * (double)n * log(r2) >= NEGLIGIBLE)
            power_coefficient(&f, k, &zr, &zi);
        data[2 * k - 1] = zr;
        if (has_im)
            data[2 * k] = zi;
    }
    free(y);
    free(dmod);
    return SENTRAJ_OK;
}

/* The distribution read back from the inverse transform into out: reduced
 * sum x = w0 + i sits at index x mod L; round-off is cleared and the rest
 * renormalised. */
static int transform1_read(const transform1 *t, exact_dist *out, sentraj_error *err)
{
    const exact_axis *ax = &t->ax;
    long double total = 0;
    double maxp = 0;

    for (size_t i = 0; i < ax->npts; i++)
        if (t->data[(ax->w0 + i) % t->L] > maxp)
            maxp = t->data[(ax->w0 + i) % t->L];
    for (size_t i = 0; i < ax->npts; i++) {
        double p = t->data[(ax->w0 + i) % t->L];
        if (!(p > ROUNDOFF * maxp))
            p = 0;
        out->probs[i * (size_t)ax->g] = p;
        total += p;
    }
    if (!(total > 0))
        return sentraj_fail(err, SENTRAJ_EINTERNAL, "the exact engine's transform lost all mass");
    for (size_t i = 0; i < ax->npts; i++)
        out->probs[i * (size_t)ax->g] = (double)((long double)out->probs[i * (size_t)ax->g] / total);
    out->s0 = (int64_t)t->n * t->q[0] + (int64_t)ax->w0 * ax->g;
    out->len = t->outlen;
    out->fft_len = t->L;
    return SENTRAJ_OK;
}

/* The transform proper: the pmf in, the distribution out. */
static int transform1_run(const sentraj_sample *s, transform1 *t, exact_dist *out, sentraj_error *err)
{
    size_t L = t->L;
    int rc, st;

    t->data = calloc(L, sizeof *t->data);
    out->probs = calloc(t->outlen, sizeof *out->probs);
    t->rw = gsl_fft_real_wavetable_alloc(L);
    t->hw = gsl_fft_halfcomplex_wavetable_alloc(L);
    t->work = gsl_fft_real_workspace_alloc(L);
    if (!t->data || !out->probs || !t->rw || !t->hw || !t->work)
        return sentraj_nomem(err, "exact engine transform");
    for (size_t j = 0; j < t->K; j++)
        t->data[t->off[j] % L] = (double)s->counts[j] / (double)t->n;
    st = gsl_fft_real_transform(t->data, 1, L, t->rw, t->work);
    if (st != GSL_SUCCESS)
        return sentraj_fail(err, SENTRAJ_EINTERNAL, "GSL's forward FFT failed: %s", gsl_strerror(st));
    if ((rc = transform1_powers(s, t, err)) != SENTRAJ_OK)
        return rc;
    st = gsl_fft_halfcomplex_inverse(t->data, 1, L, t->hw, t->work);
    if (st != GSL_SUCCESS)
        return sentraj_fail(err, SENTRAJ_EINTERNAL, "GSL's inverse FFT failed: %s", gsl_strerror(st));
    return transform1_read(t, out, err);
}

int exact_sum_distribution(const sentraj_sample *s, size_t max_len, exact_dist *out, sentraj_error *err)
{
    transform1 t;
    double dmax;
    int rc;

    memset(out, 0, sizeof *out);
    memset(&t, 0, sizeof t);
    if ((rc = exact_check_input(s, err)) != SENTRAJ_OK)
        return rc;
    t.K = s->k;
    t.n = s->n;
    t.q = malloc(t.K * sizeof *t.q);
    t.off = malloc(t.K * sizeof *t.off);
    if (!t.q || !t.off) {
        rc = sentraj_nomem(err, "exact engine");
        goto done;
    }
    exact_distinct_q(s, t.q);
    /* Every sum must fit in an int64 with room to spare. */
    dmax = fmax(fabs((double)t.q[0]), fabs((double)t.q[t.K - 1]));
    if ((double)t.n * dmax >= 0x1p62) {
        rc = sentraj_fail(err, SENTRAJ_ELIMIT,
                          "the sums of this sample of %zu values do not fit in 64 bits; use --engine multinomial", t.n);
        goto done;
    }
    if (t.K == 1) {
        /* Every resample is the sample itself. */
        out->probs = malloc(sizeof *out->probs);
        if (!out->probs) {
            rc = sentraj_nomem(err, "exact distribution");
            goto done;
        }
        out->s0 = (int64_t)t.n * t.q[0];
        out->len = 1;
        out->probs[0] = 1.0;
        out->fft_len = 0;
        goto done;
    }
    if ((rc = transform1_plan(s, max_len, &t, err)) == SENTRAJ_OK)
        rc = transform1_run(s, &t, out, err);
done:
    if (rc != SENTRAJ_OK) {
        free(out->probs);
        memset(out, 0, sizeof *out);
    }
    transform1_free(&t);
    return rc;
}

void exact_dist_free(exact_dist *d)
{
    if (!d)
        return;
    free(d->probs);
    d->probs = NULL;
    d->len = 0;
}
