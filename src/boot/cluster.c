/* cluster.c - the bootstrap of a ratio of sums over resampled units: clusters (--cluster-by) and positions. */
#include "boot/cluster.h"

#include "core/blas.h"
#include "boot/engines.h"
#include "core/error.h"
#include "boot/intervals.h"
#include "rng/pcg.h"
#include "core/pool.h"
#include "sentraj/rng_gsl.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Resamples per task, as in bootstrap.c; results do not depend on it. */
#define BLOCK 64
/* Auto picks the multinomial engine when m >= AUTO_RATIO * k (bootstrap.c). */
#define AUTO_RATIO 64

/* ---- building a sample ------------------------------------------------- */

void ratio_builder_init(ratio_builder *b)
{
    memset(b, 0, sizeof *b);
}

void ratio_builder_free(ratio_builder *b)
{
    free(b->e);
    free(b->uoff);
    memset(b, 0, sizeof *b);
}

int ratio_builder_add(ratio_builder *b, const unit_entry *entries, size_t n, sentraj_error *err)
{
    if (b->ecap - b->ne < n) {
        size_t nc = b->ecap ? b->ecap : 256;
        while (nc - b->ne < n)
            nc *= 2;
        unit_entry *ne = realloc(b->e, nc * sizeof *ne);
        if (!ne)
            return sentraj_nomem(err, "bootstrap units");
        b->e = ne;
        b->ecap = nc;
    }
    if (b->nu + 2 > b->ucap) {
        size_t nc = b->ucap ? b->ucap * 2 : 256;
        size_t *nu = realloc(b->uoff, nc * sizeof *nu);
        if (!nu)
            return sentraj_nomem(err, "bootstrap units");
        b->uoff = nu;
        b->ucap = nc;
    }
    if (b->nu == 0)
        b->uoff[0] = 0;
    if (n)
        memcpy(b->e + b->ne, entries, n * sizeof *entries);
    b->ne += n;
    b->uoff[++b->nu] = b->ne;
    return SENTRAJ_OK;
}

typedef struct unit_ref {
    const unit_entry *e;
    size_t len;
} unit_ref;

static int cmp_double(double x, double y)
{
    return (x > y) - (x < y);
}

/* Units by content: entry by entry (channel, y, n), then the shorter first. */
static int cmp_unit(const void *pa, const void *pb)
{
    const unit_ref *a = pa, *b = pb;
    size_t len = a->len < b->len ? a->len : b->len;
    for (size_t i = 0; i < len; i++) {
        const unit_entry *x = &a->e[i], *y = &b->e[i];
        int c;
        if (x->ch != y->ch)
            return x->ch < y->ch ? -1 : 1;
        if ((c = cmp_double(x->y, y->y)) != 0 || (c = cmp_double(x->n, y->n)) != 0)
            return c;
    }
    return (a->len > b->len) - (a->len < b->len);
}

void ratio_sample_free(ratio_sample *s)
{
    if (!s)
        return;
    free(s->count);
    free(s->off);
    free(s->e);
    free(s->expand);
    free(s);
}

ratio_sample *ratio_sample_build(ratio_builder *b, size_t nch, double denom, sentraj_error *err)
{
    size_t nu = b->nu, k = 0, ne = 0, d;
    unit_ref *refs = NULL;
    ratio_sample *s = NULL;

    if (nu > UINT32_MAX) {
        sentraj_fail(err, SENTRAJ_ELIMIT, "%zu units are more than the bootstrap's limit of 2^32 - 1", nu);
        goto out;
    }
    refs = malloc((nu ? nu : 1) * sizeof *refs);
    s = calloc(1, sizeof *s);
    if (!refs || !s)
        goto nomem;
    for (size_t u = 0; u < nu; u++)
        refs[u] = (unit_ref){b->e + b->uoff[u], b->uoff[u + 1] - b->uoff[u]};
    qsort(refs, nu, sizeof *refs, cmp_unit);
    for (size_t u = 0; u < nu; u++)
        if (u == 0 || cmp_unit(&refs[u - 1], &refs[u]) != 0)
            k++, ne += refs[u].len;
    s->m = nu;
    s->k = k;
    s->nch = nch;
    s->denom = denom;
    s->count = calloc(k ? k : 1, sizeof *s->count);
    s->off = malloc((k + 1) * sizeof *s->off);
    s->e = malloc((ne ? ne : 1) * sizeof *s->e);
    s->expand = malloc((nu ? nu : 1) * sizeof *s->expand);
    if (!s->count || !s->off || !s->e || !s->expand)
        goto nomem;
    s->off[0] = 0;
    d = 0;
    for (size_t u = 0; u < nu; u++) {
        if (u > 0 && cmp_unit(&refs[u - 1], &refs[u]) != 0)
            d++;
        if (s->count[d] == 0) {
            memcpy(s->e + s->off[d], refs[u].e, refs[u].len * sizeof *s->e);
            s->off[d + 1] = s->off[d] + refs[u].len;
        }
        s->count[d]++;
        s->expand[u] = (uint32_t)d;
    }
    free(refs);
    b->ne = b->nu = 0;
    return s;
nomem:
    sentraj_nomem(err, "bootstrap units");
out:
    free(refs);
    ratio_sample_free(s);
    return NULL;
}

/* ---- resampling kernels ----------------------------------------------------- */

/* The sums a resample keeps per channel: y and n, and for the studentized
 * method the squares y^2, y n and n^2 of the drawn units. */
enum { ACC_Y, ACC_N, ACC_YY, ACC_YN, ACC_NN };

static inline void add_unit(const ratio_sample *s, size_t j, double c, size_t nacc, double *acc)
{
    for (size_t t = s->off[j]; t < s->off[j + 1]; t++) {
        const unit_entry *e = &s->e[t];
        double *x = acc + (size_t)e->ch * nacc;
        x[ACC_Y] += c * e->y;
        x[ACC_N] += c * e->n;
        if (nacc > 2) {
            x[ACC_YY] += c * e->y * e->y;
            x[ACC_YN] += c * e->y * e->n;
            x[ACC_NN] += c * e->n * e->n;
        }
    }
}

/* Index engine: m uniform draws per resample (Lemire's method, as
 * engine_index), each adding its unit. On a lattice every sum is an exact
 * integer, so the order of the draws cannot matter. */
static void kernel_index(const ratio_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, size_t nacc,
                         double *acc)
{
    uint32_t m = (uint32_t)s->m;
    size_t stride = s->nch * nacc;

    for (size_t b = b0; b < b1; b++) {
        double *a = acc + b * stride;
        sentraj_pcg32 rng;
        memset(a, 0, stride * sizeof *a);
        sentraj_stream_seed(&rng, seed, h, (uint64_t)b);
        for (uint32_t i = 0; i < m; i++)
            add_unit(s, s->expand[pcg32_bounded_fast_inline(&rng, m)], 1, nacc, a);
    }
}

/* Balanced resampling: resample b takes entries b m .. b m + m - 1 of one
 * permutation of B copies of 0..m-1 (engine_balanced_permutation). */
static void kernel_balanced(const ratio_sample *s, const uint32_t *perm, size_t b0, size_t b1, size_t nacc,
                            double *acc)
{
    size_t m = s->m, stride = s->nch * nacc;

    for (size_t b = b0; b < b1; b++) {
        double *a = acc + b * stride;
        memset(a, 0, stride * sizeof *a);
        for (size_t i = 0; i < m; i++)
            add_unit(s, s->expand[perm[b * m + i]], 1, nacc, a);
    }
}

/* Multinomial engine: the counts of the k distinct units from
 * Multinomial(m, count / m) (gsl_ran_multinomial on the PCG gsl_rng, seeded
 * per resample exactly as engine_multinomial), then each distinct unit's
 * sums times its count. Returns 0, or -1 without memory. */
static int kernel_multinomial(const ratio_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, size_t nacc,
                              double *acc)
{
    size_t k = s->k, stride = s->nch * nacc;
    double *p = malloc(k * sizeof *p);
    unsigned int *cnt = malloc(k * sizeof *cnt);
    gsl_rng *r = gsl_rng_alloc(sentraj_gsl_rng_pcg32());
    int rc = -1;

    if (!p || !cnt || !r)
        goto out;
    for (size_t j = 0; j < k; j++)
        p[j] = (double)s->count[j]; /* GSL normalises the weights itself */
    for (size_t b = b0; b < b1; b++) {
        double *a = acc + b * stride;
        memset(a, 0, stride * sizeof *a);
        sentraj_stream_seed(sentraj_gsl_rng_state(r), seed, h, (uint64_t)b);
        gsl_ran_multinomial(r, k, (unsigned int)s->m, p, cnt);
        for (size_t j = 0; j < k; j++)
            if (cnt[j])
                add_unit(s, j, (double)cnt[j], nacc, a);
    }
    rc = 0;
out:
    gsl_rng_free(r);
    free(p);
    free(cnt);
    return rc;
}

/* ---- the run -------------------------------------------------------------- */

typedef struct rplan {
    const ratio_sample *s;
    uint64_t h;
    sentraj_engine engine; /* resolved: index or multinomial */
    int balanced;
    int active;            /* some channel needs resampling */
    double *acc;           /* B x nch x nacc */
    uint32_t *perm;        /* balanced: m * B */
    int rc;
    sentraj_error err;
} rplan;

typedef struct rtask {
    size_t p;
    size_t b0, b1; /* b1 == 0: the balanced permutation */
} rtask;

typedef struct rjob {
    rplan *plans;
    rtask *tasks;
    const sentraj_config *cfg;
    size_t nacc;
} rjob;

static void run_task(void *ctx, size_t t)
{
    rjob *j = ctx;
    const rtask *tk = &j->tasks[t];
    rplan *pl = &j->plans[tk->p];
    const sentraj_config *cfg = j->cfg;

    if (tk->b1 == 0) {
        engine_balanced_permutation(pl->s->m, cfg->resamples, cfg->seed, pl->h, pl->perm);
        return;
    }
    if (pl->engine == SENTRAJ_ENGINE_MULTINOMIAL) {
        if (kernel_multinomial(pl->s, cfg->seed, pl->h, tk->b0, tk->b1, j->nacc, pl->acc) != 0)
            pl->rc = sentraj_nomem(&pl->err, "multinomial engine");
    } else if (pl->balanced) {
        kernel_balanced(pl->s, pl->perm, tk->b0, tk->b1, j->nacc, pl->acc);
    } else {
        kernel_index(pl->s, cfg->seed, pl->h, tk->b0, tk->b1, j->nacc, pl->acc);
    }
}

/* Per channel: Y = sum y, N = sum n and the contributing units, over the
 * distinct units with their multiplicities, in their canonical order. */
typedef struct chan_total {
    long double y, n;
    size_t units;
    int same;        /* every contributing unit has the ratio of the first */
    double y0, n0;   /* the first contributing unit's entry */
} chan_total;

static void channel_totals(const ratio_sample *s, chan_total *t)
{
    memset(t, 0, s->nch * sizeof *t);
    for (size_t j = 0; j < s->k; j++) {
        for (size_t i = s->off[j]; i < s->off[j + 1]; i++) {
            const unit_entry *e = &s->e[i];
            chan_total *c = &t[e->ch];
            c->y += (long double)s->count[j] * e->y;
            c->n += (long double)s->count[j] * e->n;
            if (c->units == 0) {
                c->same = 1;
                c->y0 = e->y;
                c->n0 = e->n;
            } else if ((long double)e->y * c->n0 != (long double)c->y0 * e->n) {
                c->same = 0;
            }
            c->units += s->count[j];
        }
    }
}

/* Every channel's BCa acceleration and studentized standard error in two
 * passes over the entries (see ratio_acceleration for the jackknife). For
 * channel c, d_i = theta_(i) - theta = (n_i theta - y_i) / (N - n_i) for a
 * contributing unit and 0 for the others; U_i = (m - 1)(mean(d) - d_i), and
 * the factor m - 1 cancels in a. se_hat is sqrt(v) / denom with the
 * linearisation variance v = m / (m - 1) sum_i (y_i - theta n_i)^2 / N^2.
 * Either output may be NULL. */
static int channel_stats(const ratio_sample *s, const chan_total *tot, double *accel, double *se_hat,
                         sentraj_error *err)
{
    size_t nch = s->nch;
    long double m = (long double)s->m;
    long double *mean_d = calloc(3 * nch, sizeof *mean_d), *m2, *m3;

    if (!mean_d)
        return sentraj_nomem(err, "jackknife");
    m2 = mean_d + nch;
    m3 = m2 + nch;
    for (size_t j = 0; j < s->k; j++)
        for (size_t i = s->off[j]; i < s->off[j + 1]; i++) {
            const unit_entry *e = &s->e[i];
            const chan_total *t = &tot[e->ch];
            long double theta = t->y / t->n, rest = t->n - e->n;
            if (rest > 0)
                mean_d[e->ch] += (long double)s->count[j] * ((long double)e->n * theta - e->y) / rest;
            if (se_hat) {
                long double r = e->y - theta * e->n;
                m3[e->ch] += (long double)s->count[j] * r * r; /* m3 holds the residual sums here */
            }
        }
    if (se_hat) {
        for (size_t c = 0; c < nch; c++) {
            se_hat[c] = tot[c].units >= 2 && s->m >= 2 && tot[c].n > 0
                            ? (double)(sqrtl(m / (m - 1) * m3[c]) / tot[c].n / (long double)s->denom)
                            : NAN;
            m3[c] = 0;
        }
    }
    if (accel) {
        for (size_t c = 0; c < nch; c++) {
            mean_d[c] /= m;
            /* Units without an entry on c have d = 0, so U = mean(d). */
            m2[c] = (m - (long double)tot[c].units) * mean_d[c] * mean_d[c];
            m3[c] = (m - (long double)tot[c].units) * mean_d[c] * mean_d[c] * mean_d[c];
        }
        for (size_t j = 0; j < s->k; j++)
            for (size_t i = s->off[j]; i < s->off[j + 1]; i++) {
                const unit_entry *e = &s->e[i];
                const chan_total *t = &tot[e->ch];
                long double theta = t->y / t->n, rest = t->n - e->n, d, u;
                d = rest > 0 ? ((long double)e->n * theta - e->y) / rest : 0;
                u = mean_d[e->ch] - d;
                m2[e->ch] += (long double)s->count[j] * u * u;
                m3[e->ch] += (long double)s->count[j] * u * u * u;
            }
        for (size_t c = 0; c < nch; c++)
            accel[c] = tot[c].units >= 2 && m2[c] > 0 ? (double)(m3[c] / (6 * powl(m2[c], 1.5L))) : 0;
    }
    free(mean_d);
    return SENTRAJ_OK;
}

double ratio_acceleration(const ratio_sample *s, size_t ch)
{
    chan_total *t = malloc(s->nch * sizeof *t);
    double *a = malloc(s->nch * sizeof *a), r = 0;

    if (t && a && ch < s->nch) {
        channel_totals(s, t);
        if (channel_stats(s, t, a, NULL, NULL) == SENTRAJ_OK)
            r = a[ch];
    }
    free(t);
    free(a);
    return r;
}

double ratio_se_hat(const ratio_sample *s, size_t ch)
{
    chan_total *t = malloc(s->nch * sizeof *t);
    double *v = malloc(s->nch * sizeof *v), r = NAN;

    if (t && v && ch < s->nch) {
        channel_totals(s, t);
        if (channel_stats(s, t, NULL, v, NULL) == SENTRAJ_OK)
            r = v[ch];
    }
    free(t);
    free(v);
    return r;
}

static int cmp_dbl(const void *a, const void *b)
{
    return cmp_double(*(const double *)a, *(const double *)b);
}

/* The interval of channel ch of plan pl from its resampled sums. means and
 * t are scratch arrays of B doubles; when keep is not NULL it receives the
 * B ratios in resample order (channels with a value in every resample). */
static int finish_channel(const rplan *pl, size_t ch, const chan_total *tot, double accel, double se_hat,
                          const sentraj_config *cfg, size_t nacc, double *means, double *sorted, double *t,
                          ratio_result *r, double **keep, sentraj_error *err)
{
    const ratio_sample *s = pl->s;
    size_t B = cfg->resamples, nb = 0, stride = s->nch * nacc;
    long double Y = tot->y, N = tot->n, m = (long double)s->m;
    double mbar;
    interval_input in;

    for (size_t b = 0; b < B; b++) {
        const double *x = pl->acc + b * stride + ch * nacc;
        if (x[ACC_N] > 0)
            means[nb++] = x[ACC_Y] / (s->denom * x[ACC_N]);
    }
    r->empty = B - nb;
    if (nb < 2) {
        /* Practically impossible with two contributing units; no interval. */
        r->status = SENTRAJ_CI_TOO_FEW;
        r->ci_low = r->ci_high = r->se = NAN;
        return SENTRAJ_OK;
    }
    memset(&in, 0, sizeof in);
    in.estimate = r->estimate;
    interval_mc_moments(means, nb, &mbar, &in.se);
    in.bias = mbar - r->estimate;
    memcpy(sorted, means, nb * sizeof *means);
    qsort(sorted, nb, sizeof *sorted, cmp_dbl);
    in.means = (boot_dist){sorted, NULL, nb};
    in.accel = accel;
    if (cfg->method == SENTRAJ_METHOD_STUDENTIZED) {
        /* The ratio's linearisation variance (the nonparametric delta
         * method, Davison & Hinkley 1997, ch. 2.7 and 3.8):
         * v = m / (m - 1) sum_i (y_i - theta n_i)^2 / N^2, for the sample
         * (se_hat) and for each resample from its sums of squares; with one
         * conversation per unit it is s^2 / n. t* = (theta* - theta) / sqrt(v*). */
        size_t nt = 0;
        in.se_hat = se_hat;
        for (size_t b = 0; b < B; b++) {
            const double *x = pl->acc + b * stride + ch * nacc;
            long double Yb = x[ACC_Y], Nb = x[ACC_N], tb, v, num;
            if (!(Nb > 0))
                continue;
            tb = Yb / Nb;
            v = (long double)x[ACC_YY] - 2 * tb * x[ACC_YN] + tb * tb * x[ACC_NN];
            if (v < 0)
                v = 0;
            /* theta* - theta with an exact zero when the sums agree. */
            num = Yb * N - Y * Nb;
            if (v == 0 || num == 0)
                t[nt++] = num > 0 ? INFINITY : num < 0 ? -INFINITY : 0;
            else
                t[nt++] = (double)((num / (N * Nb)) / (sqrtl(m / (m - 1) * v) / Nb));
        }
        qsort(t, nt, sizeof *t, cmp_dbl);
        in.t = (boot_dist){t, NULL, nt};
    }
    interval_compute(&in, cfg->method, cfg->alternative, cfg->level, &r->ci_low, &r->ci_high);
    r->se = in.se;
    if (keep && nb == B) {
        *keep = malloc(B * sizeof **keep);
        if (!*keep)
            return sentraj_nomem(err, "bootstrap means");
        memcpy(*keep, means, B * sizeof *means);
    }
    return SENTRAJ_OK;
}

int ratio_boot_many(const ratio_sample *const *samples, const uint64_t *hashes, size_t m, const sentraj_config *cfg,
                    const char *what, size_t max_doubles, ratio_result *const *out, boot_draws *keep,
                    sentraj_error *err)
{
    size_t B = cfg->resamples, ntasks = 0, nacc, total = 0, maxch = 1;
    rplan *plans = NULL;
    rtask *tasks = NULL;
    chan_total *tot = NULL;
    double *means = NULL, *sorted = NULL, *t = NULL, *accel = NULL, *se_hat = NULL;
    int rc;
    rjob j;

    if ((rc = sentraj_config_check(cfg, err)) != SENTRAJ_OK)
        return rc;
    if (cfg->engine == SENTRAJ_ENGINE_EXACT)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the exact engine cannot bootstrap %s: each resampled mean is a ratio of two resampled "
                            "sums; use --engine index or multinomial",
                            what);
    nacc = cfg->method == SENTRAJ_METHOD_STUDENTIZED ? 5 : 2;
    plans = calloc(m ? m : 1, sizeof *plans);
    if (!plans)
        return sentraj_nomem(err, "bootstrap");
    if (keep)
        memset(keep, 0, m * sizeof *keep);

    for (size_t i = 0; i < m; i++) {
        const ratio_sample *s = samples[i];
        rplan *pl = &plans[i];
        pl->s = s;
        pl->h = hashes[i];
        if (s->nch > maxch)
            maxch = s->nch;
        pl->engine = cfg->engine != SENTRAJ_ENGINE_AUTO ? cfg->engine
                     : cfg->sim == SENTRAJ_SIM_BALANCED ? SENTRAJ_ENGINE_INDEX
                     : s->m >= 2 && s->k * AUTO_RATIO <= s->m ? SENTRAJ_ENGINE_MULTINOMIAL
                                                              : SENTRAJ_ENGINE_INDEX;
        pl->balanced = cfg->sim == SENTRAJ_SIM_BALANCED;
    }
    tot = malloc(maxch * sizeof *tot);
    accel = calloc(maxch, sizeof *accel);
    se_hat = calloc(maxch, sizeof *se_hat);
    if (!tot || !accel || !se_hat) {
        rc = sentraj_nomem(err, "bootstrap");
        goto out;
    }
    for (size_t i = 0; i < m; i++) {
        rplan *pl = &plans[i];
        const ratio_sample *s = pl->s;
        channel_totals(s, tot);
        for (size_t c = 0; c < s->nch; c++)
            pl->active |= tot[c].units >= 2 && !tot[c].same;
        if (!pl->active)
            continue;
        if (s->m > UINT32_MAX) {
            rc = sentraj_fail(err, SENTRAJ_ELIMIT, "%zu units are more than the bootstrap's limit of 2^32 - 1", s->m);
            goto out;
        }
        if (s->nch * nacc > (max_doubles - total) / B) {
            rc = sentraj_fail(err, SENTRAJ_ELIMIT,
                              "the resampled sums of %s need more than %zu MiB (%zu resamples x %zu channels); use "
                              "fewer resamples or positions",
                              what, max_doubles * sizeof(double) >> 20, B, s->nch);
            goto out;
        }
        total += B * s->nch * nacc;
        if (pl->balanced) {
            if ((rc = engine_balanced_alloc(s->m, B, cfg->balanced_max, "units", &pl->perm, err)) != SENTRAJ_OK)
                goto out;
            ntasks++;
        }
        pl->acc = malloc(B * s->nch * nacc * sizeof *pl->acc);
        if (!pl->acc) {
            rc = sentraj_nomem(err, "resampled sums");
            goto out;
        }
        ntasks += (B + BLOCK - 1) / BLOCK;
    }

    tasks = malloc((ntasks ? ntasks : 1) * sizeof *tasks);
    means = malloc(B * sizeof *means);
    sorted = malloc(B * sizeof *sorted);
    t = malloc(B * sizeof *t);
    if (!tasks || !means || !sorted || !t) {
        rc = sentraj_nomem(err, "bootstrap tasks");
        goto out;
    }
    j = (rjob){plans, tasks, cfg, nacc};
    blas_single_thread();
    ntasks = 0;
    for (size_t i = 0; i < m; i++)
        if (plans[i].active && plans[i].balanced)
            tasks[ntasks++] = (rtask){i, 0, 0};
    pool_run(cfg->threads, ntasks, run_task, &j, err);
    ntasks = 0;
    for (size_t i = 0; i < m; i++) {
        if (!plans[i].active)
            continue;
        for (size_t b = 0; b < B; b += BLOCK)
            tasks[ntasks++] = (rtask){i, b, b + BLOCK < B ? b + BLOCK : B};
    }
    pool_run(cfg->threads, ntasks, run_task, &j, err);

    for (size_t i = 0; i < m; i++) {
        rplan *pl = &plans[i];
        const ratio_sample *s = pl->s;
        if (pl->rc != SENTRAJ_OK) {
            if (err)
                *err = pl->err;
            rc = pl->rc;
            goto out;
        }
        channel_totals(s, tot);
        if (pl->active && (cfg->method == SENTRAJ_METHOD_BCA || cfg->method == SENTRAJ_METHOD_STUDENTIZED) &&
            (rc = channel_stats(s, tot, cfg->method == SENTRAJ_METHOD_BCA ? accel : NULL,
                                cfg->method == SENTRAJ_METHOD_STUDENTIZED ? se_hat : NULL, err)) != SENTRAJ_OK)
            goto out;
        for (size_t c = 0; c < s->nch; c++) {
            ratio_result *r = &out[i][c];
            memset(r, 0, sizeof *r);
            r->units = tot[c].units;
            r->n = (double)tot[c].n;
            r->resamples = B;
            r->engine = pl->engine;
            /* One division of the exact sums, as the ordinary engines do. */
            r->estimate = tot[c].n > 0 ? (double)tot[c].y / (s->denom * (double)tot[c].n) : NAN;
            if (tot[c].units < 2) {
                r->status = SENTRAJ_CI_TOO_FEW;
                r->ci_low = r->ci_high = r->se = NAN;
            } else if (tot[c].same) {
                r->status = SENTRAJ_CI_DEGENERATE;
                r->ci_low = cfg->alternative == SENTRAJ_LESS ? -INFINITY : r->estimate;
                r->ci_high = cfg->alternative == SENTRAJ_GREATER ? INFINITY : r->estimate;
                r->se = 0;
            } else {
                rc = finish_channel(pl, c, &tot[c], accel[c], se_hat[c], cfg, nacc, means, sorted, t, r,
                                    keep && s->nch == 1 ? &keep[i].values : NULL, err);
                if (rc != SENTRAJ_OK)
                    goto out;
                if (keep && keep[i].values)
                    keep[i].len = B;
            }
        }
    }
    rc = SENTRAJ_OK;
out:
    for (size_t i = 0; i < m; i++) {
        free(plans[i].acc);
        free(plans[i].perm);
    }
    if (rc != SENTRAJ_OK && keep)
        boot_draws_free(keep, m);
    free(plans);
    free(tasks);
    free(tot);
    free(accel);
    free(se_hat);
    free(means);
    free(sorted);
    free(t);
    return rc;
}
