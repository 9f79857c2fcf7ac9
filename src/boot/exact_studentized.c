/* exact_studentized.c - the exact bootstrap-t distribution of a lattice sample's mean, by a 2-D FFT. */
#include "boot/exact.h"

#include "boot/exact_plan.h"
#include "core/error.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_complex.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Complex transforms of length rows down each of the cols columns of a
 * row-major complex array. Each column is gathered into buf first: a stride
 * of cols would miss the cache on every butterfly. */
static int column_pass(double *h, size_t rows, size_t cols, gsl_fft_direction dir, const gsl_fft_complex_wavetable *wt,
                       gsl_fft_complex_workspace *work, double *buf)
{
    for (size_t c = 0; c < cols; c++) {
        int st;
        for (size_t r = 0; r < rows; r++) {
            buf[2 * r] = h[2 * (r * cols + c)];
            buf[2 * r + 1] = h[2 * (r * cols + c) + 1];
        }
        st = gsl_fft_complex_transform(buf, 1, rows, wt, work, dir);
        if (st != GSL_SUCCESS)
            return st;
        for (size_t r = 0; r < rows; r++) {
            h[2 * (r * cols + c)] = buf[2 * r];
            h[2 * (r * cols + c) + 1] = buf[2 * r + 1];
        }
    }
    return GSL_SUCCESS;
}

/* z^n by repeated squaring. Its relative error, about n times that of z,
 * matches the polar form's, at a few multiplications instead of a log, an
 * atan2, an exp and a sincos per cell. */
static void cpow_n(double *re, double *im, size_t n)
{
    double br = *re, bi = *im, rr = 1, ri = 0;
    while (n) {
        if (n & 1) {
            double t = rr * br - ri * bi;
            ri = rr * bi + ri * br;
            rr = t;
        }
        n >>= 1;
        if (n) {
            double t = br * br - bi * bi;
            bi = 2 * br * bi;
            br = t;
        }
    }
    *re = rr;
    *im = ri;
}

typedef struct tcell {
    double t, w;
    size_t id; /* cell index: a tie-break that makes the order independent of qsort */
} tcell;

static int cmp_tcell(const void *a, const void *b)
{
    const tcell *x = a, *y = b;
    if (x->t != y->t)
        return (x->t > y->t) - (x->t < y->t);
    return (x->id > y->id) - (x->id < y->id);
}

/* The studentized statistic needs the joint distribution of
 * (S1, S2) = (sum y, sum y^2), y = q - a, over resamples: the n-fold
 * convolution of the pmf on the points (y_j, y_j^2), again by the
 * convolution theorem, now in two dimensions with the same windows on each
 * axis (the union of the two tail events has probability below 2 TAIL).
 * Since the pmf is real its spectrum is Hermitian, so only the columns
 * k2 = 0 .. L2/2 are kept: real transforms along rows, complex ones down
 * the kept columns, and a half-complex inverse back along rows. Then every
 * reachable cell gives one t: with D = n (m - mean) * denom = S1 - sum of
 * the sample's y and N = n S2 - S1^2 = n (n - 1) s^2 * denom^2,
 * t = (m - mean) / (s / sqrt(n)) = D sqrt(n - 1) / sqrt(N), from exact
 * integers (the bootstrap-t of Efron & Tibshirani 1993, ch. 12, with
 * B = infinity). The powers come straight from the forward FFT: the cell
 * limit keeps n small enough here that their relative error of about
 * n * 1e-16 is harmless, and the one-dimensional engine's recomputation
 * would cost a sine per distinct value per cell. */
/* The two-dimensional transform of a sample: its lattice points centred at
 * a, the reduced offsets of y = q - a and of y^2 on their two axes, the
 * half spectrum h (L1 rows of M = L2/2 + 1 complex columns) and GSL's
 * tables. */
typedef struct transform2 {
    size_t K, n, L1, L2, M;
    int64_t *q, a, zmin, Y; /* Y: the sample's sum of y */
    uint64_t *off1, *off2;
    exact_axis ax1, ax2;
    double *h, *buf, *row;
    gsl_fft_complex_wavetable *wt1;
    gsl_fft_complex_workspace *wk1;
    gsl_fft_real_wavetable *rw2;
    gsl_fft_halfcomplex_wavetable *hw2;
    gsl_fft_real_workspace *wk2;
} transform2;

static void transform2_free(transform2 *t)
{
    if (t->wt1)
        gsl_fft_complex_wavetable_free(t->wt1);
    if (t->wk1)
        gsl_fft_complex_workspace_free(t->wk1);
    if (t->rw2)
        gsl_fft_real_wavetable_free(t->rw2);
    if (t->hw2)
        gsl_fft_halfcomplex_wavetable_free(t->hw2);
    if (t->wk2)
        gsl_fft_real_workspace_free(t->wk2);
    free(t->row);
    free(t->buf);
    free(t->h);
    free(t->off2);
    free(t->off1);
    free(t->q);
}

/* Centre the points, check that the sums fit, and plan both axes within
 * max_cells cells. */
static int transform2_plan(const sentraj_sample *s, size_t max_cells, transform2 *t, sentraj_error *err)
{
    size_t K = t->K, n = t->n;
    int64_t ymax = 0;
    double need1, need2;

    /* y = q - a for a mid-range a: n S2 - S1^2 does not depend on a, and
     * centring shrinks the range of y^2 about fourfold. */
    t->a = t->q[0] + (t->q[K - 1] - t->q[0]) / 2;
    t->zmin = INT64_MAX;
    for (size_t j = 0; j < K; j++) {
        int64_t yj = t->q[j] - t->a;
        if (yj * yj < t->zmin)
            t->zmin = yj * yj;
        if (llabs(yj) > ymax)
            ymax = llabs(yj);
        t->Y += (int64_t)s->counts[j] * yj;
    }
    /* n S2 and S1^2 must be exact in an int64. */
    if ((double)n * (double)n * (double)ymax * (double)ymax >= 0x1p62)
        return sentraj_fail(err, SENTRAJ_ELIMIT,
                            "the sums of squares of this sample of %zu values do not fit in 64 bits; "
                            "use --engine multinomial",
                            n);
    for (size_t j = 0; j < K; j++) {
        t->off1[j] = (uint64_t)(t->q[j] - t->q[0]);
        t->off2[j] = (uint64_t)((t->q[j] - t->a) * (t->q[j] - t->a) - t->zmin);
    }
    need1 = exact_axis_plan(t->off1, s->counts, K, n, &t->ax1);
    need2 = exact_axis_plan(t->off2, s->counts, K, n, &t->ax2);
    if (need1 * need2 > (double)max_cells || need1 > 4294967295.0 / 1.25 || need2 > 4294967295.0 / 1.25)
        return exact_limit_error(err, "cells", need1 * need2, n, max_cells);
    exact_axis_finish(&t->ax1, n, need1);
    exact_axis_finish(&t->ax2, n, need2);
    t->L1 = t->ax1.len;
    t->L2 = t->ax2.len;
    if ((double)t->L1 * (double)t->L2 > (double)max_cells)
        return exact_limit_error(err, "cells", (double)t->L1 * (double)t->L2, n, max_cells);
    t->M = t->L2 / 2 + 1;
    return SENTRAJ_OK;
}

static int transform2_alloc(transform2 *t, sentraj_error *err)
{
    t->h = calloc(2 * t->L1 * t->M, sizeof *t->h);
    t->buf = malloc(2 * t->L1 * sizeof *t->buf);
    t->row = malloc(t->L2 * sizeof *t->row);
    t->wt1 = gsl_fft_complex_wavetable_alloc(t->L1);
    t->wk1 = gsl_fft_complex_workspace_alloc(t->L1);
    t->rw2 = gsl_fft_real_wavetable_alloc(t->L2);
    t->hw2 = gsl_fft_halfcomplex_wavetable_alloc(t->L2);
    t->wk2 = gsl_fft_real_workspace_alloc(t->L2);
    if (!t->h || !t->buf || !t->row || !t->wt1 || !t->wk1 || !t->rw2 || !t->hw2 || !t->wk2)
        return sentraj_nomem(err, "exact engine transform");
    return SENTRAJ_OK;
}

/* Forward: a real transform of each of the few nonzero rows, unpacked from
 * GSL's half-complex layout into columns 0 .. L2/2, then complex transforms
 * down those columns. */
static int transform2_forward(const sentraj_sample *s, transform2 *t, sentraj_error *err)
{
    size_t K = t->K, L1 = t->L1, L2 = t->L2, M = t->M;
    unsigned char *done_row = calloc(K, 1);
    int st = GSL_SUCCESS;

    if (!done_row)
        return sentraj_nomem(err, "exact engine transform");
    for (size_t j = 0; j < K && st == GSL_SUCCESS; j++) {
        size_t r = (size_t)(t->off1[j] % L1);
        double *hr = t->h + 2 * r * M;
        if (done_row[j])
            continue;
        memset(t->row, 0, L2 * sizeof *t->row);
        for (size_t i = j; i < K; i++) {
            if ((size_t)(t->off1[i] % L1) == r) {
                t->row[t->off2[i] % L2] += (double)s->counts[i] / (double)t->n;
                done_row[i] = 1;
            }
        }
        st = gsl_fft_real_transform(t->row, 1, L2, t->rw2, t->wk2);
        if (st != GSL_SUCCESS)
            break;
        hr[0] = t->row[0];
        for (size_t k = 1; k < M; k++) {
            hr[2 * k] = t->row[2 * k - 1];
            hr[2 * k + 1] = 2 * k < L2 ? t->row[2 * k] : 0.0;
        }
    }
    free(done_row);
    if (st == GSL_SUCCESS)
        st = column_pass(t->h, L1, M, gsl_fft_forward, t->wt1, t->wk1, t->buf);
    if (st != GSL_SUCCESS)
        return sentraj_fail(err, SENTRAJ_EINTERNAL, "GSL's forward FFT failed: %s", gsl_strerror(st));
    return SENTRAJ_OK;
}

/* n-th powers; a coefficient with |z|^n < exp(NEGLIGIBLE) is zero (and
 * skipping it avoids slow subnormal arithmetic). */
static void transform2_powers(transform2 *t)
{
    double thr = exp(2.0 * NEGLIGIBLE / (double)t->n);

    for (size_t i = 0; i < t->L1 * t->M; i++) {
        double *z = t->h + 2 * i;
        if (z[0] * z[0] + z[1] * z[1] < thr)
            z[0] = z[1] = 0;
        else
            cpow_n(&z[0], &z[1], t->n);
    }
    t->h[0] = 1.0;
    t->h[1] = 0.0;
}

/* Inverse: down the columns, then a half-complex inverse along each row,
 * whose L2 real results overwrite the row's own storage (2M >= L2). */
static int transform2_inverse(transform2 *t, sentraj_error *err)
{
    size_t M = t->M, L2 = t->L2;
    int st = column_pass(t->h, t->L1, M, gsl_fft_backward, t->wt1, t->wk1, t->buf);

    for (size_t r = 0; r < t->L1 && st == GSL_SUCCESS; r++) {
        double *hr = t->h + 2 * r * M;
        t->row[0] = hr[0];
        for (size_t k = 1; k < M; k++) {
            t->row[2 * k - 1] = hr[2 * k];
            if (2 * k < L2)
                t->row[2 * k] = hr[2 * k + 1];
        }
        st = gsl_fft_halfcomplex_backward(t->row, 1, L2, t->hw2, t->wk2);
        memcpy(hr, t->row, L2 * sizeof *t->row);
    }
    if (st != GSL_SUCCESS)
        return sentraj_fail(err, SENTRAJ_EINTERNAL, "GSL's inverse FFT failed: %s", gsl_strerror(st));
    return SENTRAJ_OK;
}

/* The probability of cell (i1, i2) of the windows: the backward transforms
 * are unscaled. */
static double cell_p(const transform2 *t, size_t i1, size_t i2, double scale)
{
    const double *pr = t->h + 2 * ((t->ax1.w0 + i1) % t->L1) * t->M;
    return pr[(t->ax2.w0 + i2) % t->L2] * scale;
}

/* One t per reachable cell into *cells (malloc'ed, *m of them). Most cells
 * are unreachable and hold only round-off, of the order of DBL_EPSILON
 * times the largest probability: they must not become t values. */
static int transform2_cells(const transform2 *t, tcell **cells, size_t *m, sentraj_error *err)
{
    size_t n = t->n, cnt = 0;
    double scale = 1.0 / ((double)t->L1 * (double)t->L2), maxp = 0, floor_p;
    long double sqn1 = sqrtl((long double)(n - 1));
    tcell *tc;

    for (size_t i1 = 0; i1 < t->ax1.npts; i1++)
        for (size_t i2 = 0; i2 < t->ax2.npts; i2++)
            if (cell_p(t, i1, i2, scale) > maxp)
                maxp = cell_p(t, i1, i2, scale);
    floor_p = ROUNDOFF * maxp;
    for (size_t i1 = 0; i1 < t->ax1.npts; i1++)
        for (size_t i2 = 0; i2 < t->ax2.npts; i2++)
            cnt += cell_p(t, i1, i2, scale) > floor_p;
    *cells = tc = malloc((cnt ? cnt : 1) * sizeof *tc);
    if (!tc)
        return sentraj_nomem(err, "exact studentized distribution");
    cnt = 0;
    for (size_t i1 = 0; i1 < t->ax1.npts; i1++) {
        size_t r = (t->ax1.w0 + i1) % t->L1;
        int64_t sy = (int64_t)(t->ax1.w0 + i1) * t->ax1.g + (int64_t)n * (t->q[0] - t->a); /* S1 */
        int64_t D = sy - t->Y;
        for (size_t i2 = 0; i2 < t->ax2.npts; i2++) {
            double p = cell_p(t, i1, i2, scale), tv;
            int64_t syy, N;
            if (!(p > floor_p))
                continue;
            syy = (int64_t)(t->ax2.w0 + i2) * t->ax2.g + (int64_t)n * t->zmin; /* S2 */
            N = (int64_t)n * syy - sy * sy;
            if (N < 0)
                continue; /* impossible by Cauchy-Schwarz: round-off in an empty cell */
            if (N == 0) {
                tv = D > 0 ? INFINITY : D < 0 ? -INFINITY : 0.0;
            } else {
                /* D^2 / N is rounded once, so equal ratios give equal t. */
                long double v = sqrtl((long double)D * (long double)D / (long double)N) * sqn1;
                tv = (double)(D < 0 ? -v : v);
            }
            tc[cnt++] = (tcell){tv, p, r * t->L2 + (t->ax2.w0 + i2) % t->L2};
        }
    }
    *m = cnt;
    if (cnt == 0)
        return sentraj_fail(err, SENTRAJ_EINTERNAL, "the exact engine's transform lost all mass");
    return SENTRAJ_OK;
}

/* Sort the cells by t, merge equal t (summing weights in cell order) and
 * hand out the normalised distribution. */
static int merge_cells(tcell *tc, size_t m, double **t, double **w, size_t *len, sentraj_error *err)
{
    size_t out_n = 0;
    long double total = 0;

    qsort(tc, m, sizeof *tc, cmp_tcell);
    for (size_t i = 0; i < m;) {
        long double sw = 0;
        size_t j = i;
        while (j < m && tc[j].t == tc[i].t)
            sw += tc[j++].w;
        tc[out_n].t = tc[i].t;
        tc[out_n].w = (double)sw;
        total += sw;
        out_n++;
        i = j;
    }
    *t = malloc(out_n * sizeof **t);
    *w = malloc(out_n * sizeof **w);
    if (!*t || !*w)
        return sentraj_nomem(err, "exact studentized distribution");
    for (size_t i = 0; i < out_n; i++) {
        (*t)[i] = tc[i].t;
        (*w)[i] = (double)((long double)tc[i].w / total);
    }
    *len = out_n;
    return SENTRAJ_OK;
}

/* Every resample of a one-point sample is the sample: se = 0 and m = mean,
 * so t = 0 with probability 1. */
static int point_mass(double **t, double **w, size_t *len, sentraj_error *err)
{
    *t = malloc(sizeof **t);
    *w = malloc(sizeof **w);
    if (!*t || !*w)
        return sentraj_nomem(err, "exact studentized distribution");
    (*t)[0] = 0;
    (*w)[0] = 1;
    *len = 1;
    return SENTRAJ_OK;
}

int exact_studentized_distribution(const sentraj_sample *s, size_t max_cells, double **t, double **w, size_t *len,
                                   sentraj_error *err)
{
    transform2 tr;
    tcell *tc = NULL;
    size_t m = 0;
    int rc;

    *t = *w = NULL;
    *len = 0;
    memset(&tr, 0, sizeof tr);
    if ((rc = exact_check_input(s, err)) != SENTRAJ_OK)
        return rc;
    tr.K = s->k;
    tr.n = s->n;
    tr.q = malloc(tr.K * sizeof *tr.q);
    tr.off1 = malloc(tr.K * sizeof *tr.off1);
    tr.off2 = malloc(tr.K * sizeof *tr.off2);
    if (!tr.q || !tr.off1 || !tr.off2) {
        rc = sentraj_nomem(err, "exact engine");
        goto done;
    }
    exact_distinct_q(s, tr.q);
    if (tr.K == 1) {
        rc = point_mass(t, w, len, err);
        goto done;
    }
    if ((rc = transform2_plan(s, max_cells, &tr, err)) != SENTRAJ_OK ||
        (rc = transform2_alloc(&tr, err)) != SENTRAJ_OK || (rc = transform2_forward(s, &tr, err)) != SENTRAJ_OK)
        goto done;
    transform2_powers(&tr);
    if ((rc = transform2_inverse(&tr, err)) != SENTRAJ_OK || (rc = transform2_cells(&tr, &tc, &m, err)) != SENTRAJ_OK)
        goto done;
    rc = merge_cells(tc, m, t, w, len, err);
done:
    if (rc != SENTRAJ_OK) {
        free(*t);
        free(*w);
        *t = *w = NULL;
        *len = 0;
    }
    free(tc);
    transform2_free(&tr);
    return rc;
}
