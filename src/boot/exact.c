/* exact.c - the exact bootstrap distribution of a lattice sample's mean (B = infinity) by FFT. */
#include "boot/exact.h"

#include "core/error.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_complex.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The sum of n draws with replacement from a sample whose distinct lattice
 * points x_j carry probabilities p_j = count_j / n has the n-fold convolution
 * of that pmf as its distribution (the "ideal" bootstrap of Efron &
 * Tibshirani 1993, ch. 6, with B = infinity). By the convolution theorem its
 * DFT is the pmf's DFT raised to the n-th power, so one forward and one
 * inverse transform give all of it. The offsets x_j - min x are first divided
 * by their gcd g (every sum is then a multiple of g), which shortens the
 * transform g-fold; the result is spread back with zeros in between.
 *
 * Mass outside a window. The transform is circular: with length L the result
 * at index i is the sum of P(S = x) over every x = i (mod L). Instead of a
 * length covering the whole support (n * range + 1 points) we cover a window
 * of L consecutive sums around E[S], each residue class mod L then has
 * exactly one representative in the window, and the value read there is its
 * true probability plus the mass of the other members of its class, all
 * outside the window. The total error over the window is therefore at most
 * P(S outside the window). Two classical tail bounds for a sum of n
 * independent draws with range R, variance v and largest deviation
 * M = max |X - E X| bound it (Boucheron, Lugosi & Massart 2013, Thm 2.8 and
 * Cor. 2.11):
 *
 *   Hoeffding  P(|S - E S| >= t) <= 2 exp(-2 t^2 / (n R^2))
 *   Bernstein  P(|S - E S| >= t) <= 2 exp(-t^2 / (2 (n v + M t / 3)))
 *
 * We solve each for the t that makes the right side TAIL, keep the smaller t
 * (both bounds hold, so the smaller is still a bound), and centre a window of
 * 2 ceil(t) + 1 points on E[S], which is an integer here (n times the
 * sample's mean is the sample's total). Every sum outside it is more than t
 * away from E[S], so the aliased mass is below TAIL. Rounding L up to a fast
 * length widens the window on both sides, and a window poking out of the
 * support is slid back inside, which keeps the core covered; when L reaches
 * the full support there is no aliasing at all. Bernstein's bound uses
 * the variance and is several times tighter than Hoeffding's for typical
 * label deltas, whose variance is far below R^2 / 4. */
#define TAIL 1e-20

/* Coefficients whose n-th power has modulus below exp(NEGLIGIBLE) are set to
 * zero: the inverse transform averages L coefficients, so each one moves a
 * probability by at most its modulus (here 2.5e-31). */
#define NEGLIGIBLE (-70.0)

/* Round-off of the inverse transform leaves values of a few DBL_EPSILON
 * times the largest probability (measured: up to 4) in every cell,
 * including sums that cannot occur. Values up to ROUNDOFF times the largest
 * are indistinguishable from zero and are set to zero. */
#define ROUNDOFF (64 * DBL_EPSILON)

/* One axis of a transform: the lattice of the sums of one per-draw quantity
 * (the value, or its square for the studentized statistic). */
typedef struct axis {
    int64_t g;       /* gcd of the per-draw offsets: every sum is a multiple of g */
    uint64_t range;  /* largest reduced offset (the smallest is 0) */
    uint64_t center; /* E[sum of reduced offsets], an integer */
    size_t len;      /* transform length L */
    size_t w0;       /* first reduced sum represented */
    size_t npts;     /* reduced sums read back: w0 .. w0 + npts - 1 */
} axis;

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* The smallest 2^a 3^b 5^c >= m: GSL's mixed-radix transforms have fast
 * kernels for these factors, and such a length is never more than about
 * 10% above m where a power of two may be 100% above. m <= 2^40. */
static size_t fast_len(size_t m)
{
    uint64_t best = UINT64_MAX;

    for (uint64_t p5 = 1; p5 < 2 * (uint64_t)m; p5 *= 5) {
        for (uint64_t p = p5; p < 2 * (uint64_t)m; p *= 3) {
            uint64_t v = p;
            while (v < m)
                v *= 2;
            if (v < best)
                best = v;
        }
    }
    return (size_t)(best < 1 ? 1 : best);
}

/* The half-width t of a window holding all but TAIL of the mass of a sum of
 * n draws (see the comment at the top). */
static double tail_halfwidth(size_t n, double range, double var, double maxdev)
{
    double lam = log(2.0 / TAIL), dn = (double)n;
    double th = range * sqrt(dn * lam / 2.0);
    double b = lam * maxdev / 3.0;
    double tb = b + sqrt(b * b + 2.0 * lam * dn * var);
    return th < tb ? th : tb;
}

/* Plan one axis for K per-draw offsets off[j] >= 0 (with min 0) drawn with
 * counts cnt[j] out of n. The offsets are divided by their gcd in place.
 * need receives the points the axis needs before rounding up to a fast
 * length (as a double, since it is compared with limits before any size_t
 * arithmetic can overflow); plan_axis_finish then fixes the length. */
static double plan_axis(uint64_t *off, const uint64_t *cnt, size_t K, size_t n, axis *ax)
{
    uint64_t g = 0, top = 0, total = 0;
    double mean, var = 0, maxdev, full, t;

    for (size_t j = 0; j < K; j++)
        g = gcd_u64(g, off[j]);
    if (g == 0)
        g = 1;
    for (size_t j = 0; j < K; j++) {
        off[j] /= g;
        if (off[j] > top)
            top = off[j];
        total += cnt[j] * off[j];
    }
    ax->g = (int64_t)g;
    ax->range = top;
    ax->center = total;
    mean = (double)total / (double)n;
    for (size_t j = 0; j < K; j++) {
        double dv = (double)off[j] - mean;
        var += (double)cnt[j] * dv * dv;
    }
    var /= (double)n;
    maxdev = mean > (double)top - mean ? mean : (double)top - mean;
    full = (double)n * (double)top + 1.0;
    t = ceil(tail_halfwidth(n, (double)top, var, maxdev));
    return 2.0 * t + 1.0 < full ? 2.0 * t + 1.0 : full;
}

/* Fix the transform length and the window once need has passed the limits. */
static void plan_axis_finish(axis *ax, size_t n, double need)
{
    uint64_t full = (uint64_t)n * ax->range + 1;
    size_t L = fast_len((size_t)need);

    ax->len = L;
    if (L >= full) {
        ax->w0 = 0;
        ax->npts = (size_t)full;
    } else {
        /* Centre the window on E[S]; any extra length from rounding up is
         * split around the core, and a window poking out of the support is
         * slid back inside, which only widens its cover of the core. */
        uint64_t core = (uint64_t)need, half = (core - 1) / 2;
        int64_t w0 = (int64_t)ax->center - (int64_t)half - (int64_t)((L - core) / 2);
        if (w0 < 0)
            w0 = 0;
        if ((uint64_t)w0 > full - L)
            w0 = (int64_t)(full - L);
        ax->w0 = (size_t)w0;
        ax->npts = L;
    }
}

/* The distinct lattice points of s, widened so that differences of two
 * cannot overflow. */
static void distinct_q(const sentraj_sample *s, int64_t *q)
{
    for (size_t j = 0; j < s->k; j++)
        q[j] = s->qd[j];
}

static int limit_error(sentraj_error *err, const char *what, double need, size_t n, size_t limit)
{
    return sentraj_fail(err, SENTRAJ_ELIMIT,
                        "the exact engine needs a transform of %.0f %s for this sample of %zu values (limit %zu); "
                        "use --engine multinomial",
                        need, what, n, limit);
}

static int check_input(const sentraj_sample *s, sentraj_error *err)
{
    if (!s->lattice)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the exact engine needs values on a lattice (every value a multiple of the unit); "
                            "use --engine multinomial or index");
    if (s->n == 0)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the exact engine needs at least one value");
    return SENTRAJ_OK;
}

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

int exact_sum_distribution(const sentraj_sample *s, size_t max_len, exact_dist *out, sentraj_error *err)
{
    size_t K = s->k, n = s->n, L, outlen;
    int64_t *q = NULL;
    uint64_t *off = NULL, *dmod = NULL;
    double *y = NULL, *data = NULL, need, outneed;
    gsl_fft_real_wavetable *rw = NULL;
    gsl_fft_halfcomplex_wavetable *hw = NULL;
    gsl_fft_real_workspace *work = NULL;
    axis ax;
    int rc = SENTRAJ_OK, st;
    long double total = 0;
    double dmax, maxp = 0;

    memset(out, 0, sizeof *out);
    if ((rc = check_input(s, err)) != SENTRAJ_OK)
        return rc;
    q = malloc(K * sizeof *q);
    off = malloc(K * sizeof *off);
    y = malloc(K * sizeof *y);
    dmod = malloc(K * sizeof *dmod);
    if (!q || !off || !y || !dmod) {
        rc = sentraj_nomem(err, "exact engine");
        goto done;
    }
    distinct_q(s, q);
    /* Every sum must fit in an int64 with room to spare. */
    dmax = fmax(fabs((double)q[0]), fabs((double)q[K - 1]));
    if ((double)n * dmax >= 0x1p62) {
        rc = sentraj_fail(err, SENTRAJ_ELIMIT,
                          "the sums of this sample of %zu values do not fit in 64 bits; use --engine multinomial", n);
        goto done;
    }
    if (K == 1) {
        /* Every resample is the sample itself. */
        out->probs = malloc(sizeof *out->probs);
        if (!out->probs) {
            rc = sentraj_nomem(err, "exact distribution");
            goto done;
        }
        out->s0 = (int64_t)n * q[0];
        out->len = 1;
        out->probs[0] = 1.0;
        out->fft_len = 0;
        goto done;
    }

    for (size_t j = 0; j < K; j++)
        off[j] = (uint64_t)(q[j] - q[0]);
    need = plan_axis(off, s->counts, K, n, &ax);
    /* The read-back range, in original lattice steps, is (npts - 1) * g + 1. */
    outneed = (need - 1.0) * (double)ax.g + 1.0;
    if (need > (double)max_len || outneed > (double)max_len || need > 4294967295.0 / 1.25) {
        rc = limit_error(err, "points", fmax(need, outneed), n, max_len);
        goto done;
    }
    plan_axis_finish(&ax, n, need);
    L = ax.len;
    outlen = (ax.npts - 1) * (size_t)ax.g + 1;
    if (L > max_len || outlen > max_len) {
        rc = limit_error(err, "points", (double)(L > outlen ? L : outlen), n, max_len);
        goto done;
    }

    data = calloc(L, sizeof *data);
    out->probs = calloc(outlen, sizeof *out->probs);
    rw = gsl_fft_real_wavetable_alloc(L);
    hw = gsl_fft_halfcomplex_wavetable_alloc(L);
    work = gsl_fft_real_workspace_alloc(L);
    if (!data || !out->probs || !rw || !hw || !work) {
        rc = sentraj_nomem(err, "exact engine transform");
        goto done;
    }
    for (size_t j = 0; j < K; j++) {
        data[off[j] % L] = (double)s->counts[j] / (double)n;
        y[j] = (double)off[j] - (double)ax.center / (double)n;
    }
    st = gsl_fft_real_transform(data, 1, L, rw, work);
    if (st != GSL_SUCCESS) {
        rc = sentraj_fail(err, SENTRAJ_EINTERNAL, "GSL's forward FFT failed: %s", gsl_strerror(st));
        goto done;
    }

    /* GSL's mixed-radix half-complex layout: data[0] is the real
     * coefficient 0, data[2k-1] and data[2k] the real and imaginary parts of
     * coefficient k for 0 < k < L/2, and for even L data[L-1] is the real
     * coefficient L/2. The forward values serve only to find the
     * coefficients that survive the n-th power; those are recomputed
     * accurately. */
    data[0] = 1.0;
    {
        pmf1 f;
        size_t r = 0;
        for (size_t j = 1; j < K; j++)
            if (s->counts[j] > s->counts[r])
                r = j;
        f.K = K;
        f.n = n;
        f.cnt = s->counts;
        f.y = y;
        f.dmod = dmod;
        f.L = L;
        f.range = ax.range;
        f.xmod = ax.center % L;
        for (size_t j = 0; j < K; j++)
            dmod[j] = off[j] >= off[r] ? (off[j] - off[r]) % L : (L - (off[r] - off[j]) % L) % L;
        f.rmod = ((n % L) * (off[r] % L)) % L;
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
    }
    st = gsl_fft_halfcomplex_inverse(data, 1, L, hw, work);
    if (st != GSL_SUCCESS) {
        rc = sentraj_fail(err, SENTRAJ_EINTERNAL, "GSL's inverse FFT failed: %s", gsl_strerror(st));
        goto done;
    }

    /* Reduced sum x = w0 + i sits at index x mod L. */
    for (size_t i = 0; i < ax.npts; i++)
        if (data[(ax.w0 + i) % L] > maxp)
            maxp = data[(ax.w0 + i) % L];
    for (size_t i = 0; i < ax.npts; i++) {
        double p = data[(ax.w0 + i) % L];
        if (!(p > ROUNDOFF * maxp))
            p = 0;
        out->probs[i * (size_t)ax.g] = p;
        total += p;
    }
    if (!(total > 0)) {
        rc = sentraj_fail(err, SENTRAJ_EINTERNAL, "the exact engine's transform lost all mass");
        goto done;
    }
    for (size_t i = 0; i < ax.npts; i++)
        out->probs[i * (size_t)ax.g] = (double)((long double)out->probs[i * (size_t)ax.g] / total);
    out->s0 = (int64_t)n * q[0] + (int64_t)ax.w0 * ax.g;
    out->len = outlen;
    out->fft_len = L;

done:
    if (rc != SENTRAJ_OK) {
        free(out->probs);
        memset(out, 0, sizeof *out);
    }
    if (rw)
        gsl_fft_real_wavetable_free(rw);
    if (hw)
        gsl_fft_halfcomplex_wavetable_free(hw);
    if (work)
        gsl_fft_real_workspace_free(work);
    free(data);
    free(dmod);
    free(y);
    free(off);
    free(q);
    return rc;
}

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
int exact_studentized_distribution(const sentraj_sample *s, size_t max_cells, double **t, double **w, size_t *len,
                                   sentraj_error *err)
{
    size_t K = s->k, n = s->n, L1, L2, M, m = 0;
    int64_t *q = NULL, a, zmin = INT64_MAX, ymax = 0, Y = 0;
    uint64_t *off1 = NULL, *off2 = NULL;
    double *h = NULL, *buf = NULL, *row = NULL, need1, need2, scale, maxp = 0, floor_p, thr;
    unsigned char *done_row = NULL;
    gsl_fft_complex_wavetable *wt1 = NULL;
    gsl_fft_complex_workspace *wk1 = NULL;
    gsl_fft_real_wavetable *rw2 = NULL;
    gsl_fft_halfcomplex_wavetable *hw2 = NULL;
    gsl_fft_real_workspace *wk2 = NULL;
    tcell *tc = NULL;
    axis ax1, ax2;
    int rc = SENTRAJ_OK, st;
    long double total = 0, sqn1;

    *t = *w = NULL;
    *len = 0;
    if ((rc = check_input(s, err)) != SENTRAJ_OK)
        return rc;
    q = malloc(K * sizeof *q);
    off1 = malloc(K * sizeof *off1);
    off2 = malloc(K * sizeof *off2);
    if (!q || !off1 || !off2) {
        rc = sentraj_nomem(err, "exact engine");
        goto done;
    }
    distinct_q(s, q);
    if (K == 1) {
        /* Every resample is the sample: se = 0 and m = mean, so t = 0. */
        *t = malloc(sizeof **t);
        *w = malloc(sizeof **w);
        if (!*t || !*w) {
            rc = sentraj_nomem(err, "exact studentized distribution");
            goto done;
        }
        (*t)[0] = 0;
        (*w)[0] = 1;
        *len = 1;
        goto done;
    }

    /* y = q - a for a mid-range a: n S2 - S1^2 does not depend on a, and
     * centring shrinks the range of y^2 about fourfold. */
    a = q[0] + (q[K - 1] - q[0]) / 2;
    for (size_t j = 0; j < K; j++) {
        int64_t yj = q[j] - a;
        if (yj * yj < zmin)
            zmin = yj * yj;
        if (llabs(yj) > ymax)
            ymax = llabs(yj);
        Y += (int64_t)s->counts[j] * yj;
    }
    /* n S2 and S1^2 must be exact in an int64. */
    if ((double)n * (double)n * (double)ymax * (double)ymax >= 0x1p62) {
        rc = sentraj_fail(err, SENTRAJ_ELIMIT,
                          "the sums of squares of this sample of %zu values do not fit in 64 bits; "
                          "use --engine multinomial",
                          n);
        goto done;
    }
    for (size_t j = 0; j < K; j++) {
        off1[j] = (uint64_t)(q[j] - q[0]);
        off2[j] = (uint64_t)((q[j] - a) * (q[j] - a) - zmin);
    }
    need1 = plan_axis(off1, s->counts, K, n, &ax1);
    need2 = plan_axis(off2, s->counts, K, n, &ax2);
    if (need1 * need2 > (double)max_cells || need1 > 4294967295.0 / 1.25 || need2 > 4294967295.0 / 1.25) {
        rc = limit_error(err, "cells", need1 * need2, n, max_cells);
        goto done;
    }
    plan_axis_finish(&ax1, n, need1);
    plan_axis_finish(&ax2, n, need2);
    L1 = ax1.len;
    L2 = ax2.len;
    if ((double)L1 * (double)L2 > (double)max_cells) {
        rc = limit_error(err, "cells", (double)L1 * (double)L2, n, max_cells);
        goto done;
    }
    M = L2 / 2 + 1;

    h = calloc(2 * L1 * M, sizeof *h);
    buf = malloc(2 * L1 * sizeof *buf);
    row = malloc(L2 * sizeof *row);
    done_row = calloc(K, 1);
    wt1 = gsl_fft_complex_wavetable_alloc(L1);
    wk1 = gsl_fft_complex_workspace_alloc(L1);
    rw2 = gsl_fft_real_wavetable_alloc(L2);
    hw2 = gsl_fft_halfcomplex_wavetable_alloc(L2);
    wk2 = gsl_fft_real_workspace_alloc(L2);
    if (!h || !buf || !row || !done_row || !wt1 || !wk1 || !rw2 || !hw2 || !wk2) {
        rc = sentraj_nomem(err, "exact engine transform");
        goto done;
    }

    /* Forward: a real transform of each of the few nonzero rows, unpacked
     * from GSL's half-complex layout into columns 0 .. L2/2, then complex
     * transforms down those columns. */
    for (size_t j = 0; j < K; j++) {
        size_t r = (size_t)(off1[j] % L1);
        double *hr = h + 2 * r * M;
        if (done_row[j])
            continue;
        memset(row, 0, L2 * sizeof *row);
        for (size_t i = j; i < K; i++) {
            if ((size_t)(off1[i] % L1) == r) {
                row[off2[i] % L2] += (double)s->counts[i] / (double)n;
                done_row[i] = 1;
            }
        }
        st = gsl_fft_real_transform(row, 1, L2, rw2, wk2);
        if (st != GSL_SUCCESS) {
            rc = sentraj_fail(err, SENTRAJ_EINTERNAL, "GSL's forward FFT failed: %s", gsl_strerror(st));
            goto done;
        }
        hr[0] = row[0];
        for (size_t k = 1; k < M; k++) {
            hr[2 * k] = row[2 * k - 1];
            hr[2 * k + 1] = 2 * k < L2 ? row[2 * k] : 0.0;
        }
    }
    st = column_pass(h, L1, M, gsl_fft_forward, wt1, wk1, buf);
    if (st != GSL_SUCCESS) {
        rc = sentraj_fail(err, SENTRAJ_EINTERNAL, "GSL's forward FFT failed: %s", gsl_strerror(st));
        goto done;
    }

    /* n-th powers; a coefficient with |z|^n < exp(NEGLIGIBLE) is zero (and
     * skipping it avoids slow subnormal arithmetic). */
    thr = exp(2.0 * NEGLIGIBLE / (double)n);
    for (size_t i = 0; i < L1 * M; i++) {
        double *z = h + 2 * i;
        if (z[0] * z[0] + z[1] * z[1] < thr)
            z[0] = z[1] = 0;
        else
            cpow_n(&z[0], &z[1], n);
    }
    h[0] = 1.0;
    h[1] = 0.0;

    /* Inverse: down the columns, then a half-complex inverse along each row,
     * whose L2 real results overwrite the row's own storage (2M >= L2). */
    st = column_pass(h, L1, M, gsl_fft_backward, wt1, wk1, buf);
    for (size_t r = 0; r < L1 && st == GSL_SUCCESS; r++) {
        double *hr = h + 2 * r * M;
        row[0] = hr[0];
        for (size_t k = 1; k < M; k++) {
            row[2 * k - 1] = hr[2 * k];
            if (2 * k < L2)
                row[2 * k] = hr[2 * k + 1];
        }
        st = gsl_fft_halfcomplex_backward(row, 1, L2, hw2, wk2);
        memcpy(hr, row, L2 * sizeof *row);
    }
    if (st != GSL_SUCCESS) {
        rc = sentraj_fail(err, SENTRAJ_EINTERNAL, "GSL's inverse FFT failed: %s", gsl_strerror(st));
        goto done;
    }

    /* The backward transforms are unscaled. Most cells are unreachable and
     * hold only round-off, of the order of DBL_EPSILON times the largest
     * probability: they must not become t values. */
    scale = 1.0 / ((double)L1 * (double)L2);
    for (size_t i1 = 0; i1 < ax1.npts; i1++) {
        const double *pr = h + 2 * ((ax1.w0 + i1) % L1) * M;
        for (size_t i2 = 0; i2 < ax2.npts; i2++) {
            double p = pr[(ax2.w0 + i2) % L2] * scale;
            if (p > maxp)
                maxp = p;
        }
    }
    floor_p = ROUNDOFF * maxp;
    for (size_t i1 = 0; i1 < ax1.npts; i1++) {
        const double *pr = h + 2 * ((ax1.w0 + i1) % L1) * M;
        for (size_t i2 = 0; i2 < ax2.npts; i2++)
            m += pr[(ax2.w0 + i2) % L2] * scale > floor_p;
    }
    tc = malloc((m ? m : 1) * sizeof *tc);
    if (!tc) {
        rc = sentraj_nomem(err, "exact studentized distribution");
        goto done;
    }
    m = 0;
    sqn1 = sqrtl((long double)(n - 1));
    for (size_t i1 = 0; i1 < ax1.npts; i1++) {
        size_t r = (ax1.w0 + i1) % L1;
        const double *pr = h + 2 * r * M;
        int64_t sy = (int64_t)(ax1.w0 + i1) * ax1.g + (int64_t)n * (q[0] - a); /* S1 */
        int64_t D = sy - Y;
        for (size_t i2 = 0; i2 < ax2.npts; i2++) {
            size_t c = (ax2.w0 + i2) % L2;
            double p = pr[c] * scale, tv;
            int64_t syy, N;
            if (!(p > floor_p))
                continue;
            syy = (int64_t)(ax2.w0 + i2) * ax2.g + (int64_t)n * zmin; /* S2 */
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
            tc[m].t = tv;
            tc[m].w = p;
            tc[m].id = r * L2 + c;
            m++;
        }
    }
    if (m == 0) {
        rc = sentraj_fail(err, SENTRAJ_EINTERNAL, "the exact engine's transform lost all mass");
        goto done;
    }
    qsort(tc, m, sizeof *tc, cmp_tcell);
    {
        /* Merge equal t in place, summing weights in cell order. */
        size_t out_n = 0;
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
        m = out_n;
    }
    *t = malloc(m * sizeof **t);
    *w = malloc(m * sizeof **w);
    if (!*t || !*w) {
        rc = sentraj_nomem(err, "exact studentized distribution");
        goto done;
    }
    for (size_t i = 0; i < m; i++) {
        (*t)[i] = tc[i].t;
        (*w)[i] = (double)((long double)tc[i].w / total);
    }
    *len = m;

done:
    if (rc != SENTRAJ_OK) {
        free(*t);
        free(*w);
        *t = *w = NULL;
        *len = 0;
    }
    if (wt1)
        gsl_fft_complex_wavetable_free(wt1);
    if (wk1)
        gsl_fft_complex_workspace_free(wk1);
    if (rw2)
        gsl_fft_real_wavetable_free(rw2);
    if (hw2)
        gsl_fft_halfcomplex_wavetable_free(hw2);
    if (wk2)
        gsl_fft_real_workspace_free(wk2);
    free(tc);
    free(done_row);
    free(row);
    free(buf);
    free(h);
    free(off2);
    free(off1);
    free(q);
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
