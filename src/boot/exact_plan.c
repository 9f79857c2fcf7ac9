/* exact_plan.c - what the exact engines share: the transform's window, its length and its limits. */
#include "boot/exact_plan.h"

#include "core/error.h"
#include "core/gsl_errors.h"

#include <math.h>

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

double exact_axis_plan(uint64_t *off, const uint64_t *cnt, size_t K, size_t n, exact_axis *ax)
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

void exact_axis_finish(exact_axis *ax, size_t n, double need)
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

void exact_distinct_q(const sentraj_sample *s, int64_t *q)
{
    for (size_t j = 0; j < s->k; j++)
        q[j] = s->qd[j];
}

int exact_limit_error(sentraj_error *err, const char *what, double need, size_t n, size_t limit)
{
    return sentraj_fail(err, SENTRAJ_ELIMIT,
                        "the exact engine needs a transform of %.0f %s for this sample of %zu values (limit %zu); "
                        "use --engine multinomial",
                        need, what, n, limit);
}

int exact_check_input(const sentraj_sample *s, sentraj_error *err)
{
    gsl_errors_off();
    if (!s->lattice)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the exact engine needs values on a lattice (every value a multiple of the unit); "
                            "use --engine multinomial or index");
    if (s->n == 0)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the exact engine needs at least one value");
    return SENTRAJ_OK;
}
