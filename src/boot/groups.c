/* groups.c - the bootstrap of any statistic of one or more groups of values, from jointly resampled units. */
#include "boot/groups.h"

#include "boot/draw.h"
#include "boot/driver.h"
#include "boot/intervals.h"
#include "boot/sample.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* BCa's jackknife leaves out each distinct unit and recomputes the row's
 * statistics: distinct units x channels steps. Past this many the row is
 * refused rather than keep the run busy for minutes (only samples with
 * hundreds of thousands of distinct values off the lattice get there). */
#define JACKKNIFE_MAX_STEPS 4e8

/* ---- building a sample ------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Values by unit, then group, then value: one pass then gives each unit's
 * channels in ascending order. */
static int cmp_value(const void *a, const void *b)
{
    const groups_value *x = a, *y = b;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->q != y->q)
        return x->q < y->q ? -1 : 1;
    return cmp_dbl(&x->v, &y->v);
}

void groups_free(groups_sample *gs)
{
    if (!gs)
        return;
    ratio_sample_free(gs->units);
    free(gs->v);
    free(gs->q);
    free(gs->total);
    free(gs->contrib);
    free(gs);
}

/* The distinct values of the n values, ascending, into gs. */
static int distinct_values(groups_sample *gs, const groups_value *vals, size_t n, int lattice, int64_t denom,
                           sentraj_error *err)
{
    size_t k = 0;

    gs->v = malloc((n ? n : 1) * sizeof *gs->v);
    if (lattice)
        gs->q = malloc((n ? n : 1) * sizeof *gs->q);
    if (!gs->v || (lattice && !gs->q))
        return sentraj_nomem(err, "sample values");
    if (lattice) {
        for (size_t i = 0; i < n; i++)
            gs->q[i] = vals[i].q;
        qsort(gs->q, n, sizeof *gs->q, cmp_i64);
        for (size_t i = 0; i < n; i++)
            if (k == 0 || gs->q[k - 1] != gs->q[i])
                gs->q[k++] = gs->q[i];
        for (size_t j = 0; j < k; j++)
            gs->v[j] = (double)gs->q[j] / (double)denom;
    } else {
        for (size_t i = 0; i < n; i++)
            gs->v[i] = vals[i].v;
        qsort(gs->v, n, sizeof *gs->v, cmp_dbl);
        for (size_t i = 0; i < n; i++)
            if (k == 0 || gs->v[k - 1] != gs->v[i])
                gs->v[k++] = gs->v[i];
    }
    gs->vals = (stat_values){k, gs->v, gs->q, denom};
    return SENTRAJ_OK;
}

/* Index of value x among the distinct values (which hold it). */
static uint32_t value_index(const groups_sample *gs, const groups_value *x)
{
    size_t lo = 0, hi = gs->vals.K;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (gs->q ? gs->q[mid] <= x->q : gs->v[mid] <= x->v)
            lo = mid;
        else
            hi = mid;
    }
    return (uint32_t)lo;
}

/* Every unit's entries into rb: channel g K + j with n the count. */
static int add_units(groups_sample *gs, groups_value *vals, size_t n, size_t nunits, ratio_builder *rb,
                     sentraj_error *err)
{
    size_t K = gs->vals.K, i = 0, cap = 16, ne;
    unit_entry *e = malloc(cap * sizeof *e);

    if (!e)
        return sentraj_nomem(err, "bootstrap units");
    for (size_t u = 0; u < nunits; u++) {
        ne = 0;
        for (; i < n && vals[i].unit == u; i++) {
            uint32_t ch = (uint32_t)(vals[i].group * K + value_index(gs, &vals[i]));
            if (ne && e[ne - 1].ch == ch) {
                e[ne - 1].n += 1;
                continue;
            }
            if (ne == cap) {
                unit_entry *ge = realloc(e, 2 * cap * sizeof *ge);
                if (!ge) {
                    free(e);
                    return sentraj_nomem(err, "bootstrap units");
                }
                e = ge;
                cap *= 2;
            }
            e[ne++] = (unit_entry){ch, 0, 1};
        }
        for (size_t t = 0; t < ne; t++) {
            gs->total[e[t].ch] += e[t].n;
            /* Channels are ascending, so a group's run of them is contiguous. */
            if (t == 0 || e[t - 1].ch / K != e[t].ch / K)
                gs->contrib[e[t].ch / K]++;
        }
        if (ratio_builder_add(rb, e, ne, err) != SENTRAJ_OK) {
            free(e);
            return SENTRAJ_ENOMEM;
        }
    }
    free(e);
    return SENTRAJ_OK;
}

groups_sample *groups_build(groups_value *vals, size_t n, size_t nunits, size_t G, int lattice, int64_t denom,
                            sentraj_error *err)
{
    groups_sample *gs = calloc(1, sizeof *gs);
    ratio_builder rb;

    ratio_builder_init(&rb);
    if (!gs) {
        sentraj_nomem(err, "bootstrap groups");
        return NULL;
    }
    gs->G = G;
    if (distinct_values(gs, vals, n, lattice, denom, err) != SENTRAJ_OK)
        goto fail;
    gs->total = calloc(G * (gs->vals.K ? gs->vals.K : 1), sizeof *gs->total);
    gs->contrib = calloc(G ? G : 1, sizeof *gs->contrib);
    if (!gs->total || !gs->contrib) {
        sentraj_nomem(err, "bootstrap groups");
        goto fail;
    }
    qsort(vals, n, sizeof *vals, cmp_value);
    if (add_units(gs, vals, n, nunits, &rb, err) != SENTRAJ_OK)
        goto fail;
    if (!(gs->units = ratio_sample_build(&rb, G * gs->vals.K, lattice ? (double)denom : 1.0, err)))
        goto fail;
    ratio_builder_free(&rb);
    return gs;
fail:
    ratio_builder_free(&rb);
    groups_free(gs);
    return NULL;
}

groups_sample *groups_from_sample(const sentraj_sample *s, sentraj_error *err)
{
    groups_sample *gs = calloc(1, sizeof *gs);
    ratio_sample *u = calloc(1, sizeof *u);
    size_t K = s->k, i = 0;

    if (!gs || !u)
        goto nomem;
    gs->G = 1;
    gs->units = u;
    gs->v = malloc((K ? K : 1) * sizeof *gs->v);
    gs->q = s->lattice ? malloc((K ? K : 1) * sizeof *gs->q) : NULL;
    gs->total = malloc((K ? K : 1) * sizeof *gs->total);
    gs->contrib = malloc(sizeof *gs->contrib);
    u->count = malloc((K ? K : 1) * sizeof *u->count);
    u->off = malloc((K + 1) * sizeof *u->off);
    u->e = malloc((K ? K : 1) * sizeof *u->e);
    u->expand = malloc((s->n ? s->n : 1) * sizeof *u->expand);
    if (!gs->v || (s->lattice && !gs->q) || !gs->total || !gs->contrib || !u->count || !u->off || !u->e ||
        !u->expand)
        goto nomem;
    /* Distinct unit j is value j: units sorted by content are sorted by
     * value, as ratio_sample_build would sort them. */
    u->m = s->n;
    u->k = K;
    u->nch = K;
    u->denom = s->lattice ? (double)s->denom : 1.0;
    u->off[0] = 0;
    for (size_t j = 0; j < K; j++) {
        gs->v[j] = s->distinct[j];
        if (gs->q)
            gs->q[j] = s->qd[j];
        gs->total[j] = (double)s->counts[j];
        u->count[j] = s->counts[j];
        u->e[j] = (unit_entry){(uint32_t)j, 0, 1};
        u->off[j + 1] = j + 1;
        for (uint64_t c = 0; c < s->counts[j]; c++)
            u->expand[i++] = (uint32_t)j;
    }
    gs->contrib[0] = s->n;
    gs->vals = (stat_values){K, gs->v, gs->q, s->lattice ? s->denom : 1};
    return gs;
nomem:
    if (gs && !gs->units)
        free(u);
    groups_free(gs);
    sentraj_nomem(err, "bootstrap of a statistic");
    return NULL;
}

double groups_estimate(const groups_sample *gs, const sentraj_config *cfg, size_t g)
{
    return stat_of_counts(cfg, &gs->vals, gs->total + g * gs->vals.K);
}

uint64_t groups_values(const groups_sample *gs, size_t g)
{
    uint64_t n = 0;
    for (size_t j = 0; j < gs->vals.K; j++)
        n += (uint64_t)gs->total[g * gs->vals.K + j];
    return n;
}

/* ---- resampling kernels ------------------------------------------------ */

/* Add c times distinct unit u's values to the counts. */
static inline void add_unit(const ratio_sample *s, size_t u, double c, double *cnt)
{
    for (size_t t = s->off[u]; t < s->off[u + 1]; t++)
        cnt[s->e[t].ch] += c * s->e[t].n;
}

/* Each group's statistic of one resample's counts into out[0 .. G-1]. */
static void evaluate(const groups_sample *gs, const sentraj_config *cfg, const double *cnt, double *out)
{
    for (size_t g = 0; g < gs->G; g++)
        out[g] = stat_of_counts(cfg, &gs->vals, cnt + g * gs->vals.K);
}

static double *counts_scratch(const groups_sample *gs, sentraj_error *err)
{
    size_t nch = gs->G * gs->vals.K;
    double *cnt = malloc((nch ? nch : 1) * sizeof *cnt);
    if (!cnt)
        sentraj_nomem(err, "resample counts");
    return cnt;
}

static int groups_index(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1, sentraj_error *err)
{
    const groups_sample *gs = it->sample;
    const ratio_sample *s = gs->units;
    size_t nch = gs->G * gs->vals.K;
    uint32_t m = (uint32_t)s->m;
    double *cnt = counts_scratch(gs, err);

    if (!cnt)
        return SENTRAJ_ENOMEM;
    for (size_t b = b0; b < b1; b++) {
        sentraj_pcg32 rng;
        memset(cnt, 0, nch * sizeof *cnt);
        draw_stream(&rng, cfg->seed, it->h, b);
        for (uint32_t i = 0; i < m; i++)
            add_unit(s, s->expand[draw_index(&rng, m)], 1, cnt);
        evaluate(gs, cfg, cnt, it->acc + b * gs->G);
    }
    free(cnt);
    return SENTRAJ_OK;
}

static int groups_balanced(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1, sentraj_error *err)
{
    const groups_sample *gs = it->sample;
    const ratio_sample *s = gs->units;
    size_t nch = gs->G * gs->vals.K, m = s->m;
    double *cnt = counts_scratch(gs, err);

    if (!cnt)
        return SENTRAJ_ENOMEM;
    for (size_t b = b0; b < b1; b++) {
        memset(cnt, 0, nch * sizeof *cnt);
        for (size_t i = 0; i < m; i++)
            add_unit(s, s->expand[it->perm[b * m + i]], 1, cnt);
        evaluate(gs, cfg, cnt, it->acc + b * gs->G);
    }
    free(cnt);
    return SENTRAJ_OK;
}

static int groups_multinomial(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1,
                              sentraj_error *err)
{
    const groups_sample *gs = it->sample;
    const ratio_sample *s = gs->units;
    size_t nch = gs->G * gs->vals.K;
    double *cnt = counts_scratch(gs, err);
    draw_multinomial d;
    int rc = SENTRAJ_OK;

    if (!cnt)
        return SENTRAJ_ENOMEM;
    if (draw_multinomial_init(&d, s->count, s->k, s->m) != 0) {
        rc = sentraj_nomem(err, "multinomial engine");
        goto out;
    }
    for (size_t b = b0; b < b1; b++) {
        memset(cnt, 0, nch * sizeof *cnt);
        draw_multinomial_counts(&d, cfg->seed, it->h, b);
        for (size_t u = 0; u < s->k; u++)
            if (d.cnt[u])
                add_unit(s, u, (double)d.cnt[u], cnt);
        evaluate(gs, cfg, cnt, it->acc + b * gs->G);
    }
out:
    draw_multinomial_free(&d);
    free(cnt);
    return rc;
}

/* What the bootstrap of one row keeps beside its driver item. */
typedef struct plan {
    groups_row *row;
    double *x, *w; /* exact: the distribution of the share */
    size_t len;
} plan;

/* The exact engine: a share of one group of single-value units is the
 * share of a binomial count (stat_share_distribution). */
static int groups_exact(boot_item *it, const sentraj_config *cfg, sentraj_error *err)
{
    plan *pl = it->state;
    const groups_sample *gs = pl->row->gs;
    uint64_t n = groups_values(gs, 0), k0 = (uint64_t)llround(groups_estimate(gs, cfg, 0) * (double)n);

    return stat_share_distribution(k0, n, cfg->exact_max_len, &pl->x, &pl->w, &pl->len, err);
}

static const boot_kernels group_kernels = {
    .exact = groups_exact, .index = groups_index, .balanced = groups_balanced, .multinomial = groups_multinomial};

/* ---- planning and finishing -------------------------------------------- */

/* The row's contrast of per-group statistics st[0 .. G-1]; NaN when a
 * group of the row has none. */
static double contrast(const groups_row *r, const double *st)
{
    double t = 0;
    for (size_t g = 0; g < r->gs->G; g++) {
        if (r->w[g] == 0)
            continue;
        if (isnan(st[g]))
            return NAN;
        t += r->w[g] * st[g];
    }
    return t;
}

/* Single-value units in one group: what the exact engine of a share needs. */
static int single_values(const groups_sample *gs)
{
    const ratio_sample *s = gs->units;
    if (gs->G != 1)
        return 0;
    for (size_t u = 0; u < s->k; u++)
        if (s->off[u + 1] - s->off[u] != 1 || s->e[s->off[u]].n != 1)
            return 0;
    return 1;
}

/* Status and item of row r before any resampling. */
static int plan_row(groups_row *r, const sentraj_config *cfg, plan *pl, boot_item *it, sentraj_error *err)
{
    const groups_sample *gs = r->gs;
    double *st = malloc((gs->G ? gs->G : 1) * sizeof *st);
    int constant = 1, few = 0;

    if (!st)
        return sentraj_nomem(err, "bootstrap groups");
    for (size_t g = 0; g < gs->G; g++) {
        st[g] = groups_estimate(gs, cfg, g);
        if (r->w[g] == 0)
            continue;
        few |= groups_values(gs, g) < 2 || gs->contrib[g] < 2;
        constant &= stat_constant(cfg, &gs->vals, gs->total + g * gs->vals.K);
    }
    r->estimate = contrast(r, st);
    free(st);
    r->ci_low = r->ci_high = r->se = r->p_zero = NAN;
    r->empty = 0;
    memset(&r->refused, 0, sizeof r->refused);
    pl->row = r;
    it->kern = &group_kernels;
    it->sample = gs;
    it->state = pl;
    it->h = r->h;
    it->n = gs->units->m;
    it->width = gs->G;
    it->refusable = 1;
    it->engine = r->engine = boot_resolve(cfg, gs->units->m, gs->units->k);
    r->resamples = r->engine == SENTRAJ_ENGINE_EXACT ? 0 : cfg->resamples;
    if (r->engine == SENTRAJ_ENGINE_EXACT && (!stat_is_share(cfg->statistic) || !single_values(gs)))
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the exact engine computes a share of single conversations only; use --engine "
                            "multinomial or index");
    if (few) {
        r->status = SENTRAJ_CI_TOO_FEW;
    } else if (constant) {
        r->status = SENTRAJ_CI_DEGENERATE;
        r->ci_low = cfg->alternative == SENTRAJ_LESS ? -INFINITY : r->estimate;
        r->ci_high = cfg->alternative == SENTRAJ_GREATER ? INFINITY : r->estimate;
        r->se = 0;
        /* Every resample is the estimate: on its side of 0 alone, or at 0. */
        r->p_zero = r->estimate == 0 ? 1 : fmin(1.0, 2.0 / (1.0 + (double)cfg->resamples));
    } else if (gs->units->m > UINT32_MAX) {
        r->status = SENTRAJ_CI_REFUSED;
        it->rc = sentraj_fail(&it->err, SENTRAJ_ELIMIT, "%zu units are more than the bootstrap's limit of 2^32 - 1",
                              gs->units->m);
    } else {
        r->status = SENTRAJ_CI_OK;
        it->active = 1;
    }
    return SENTRAJ_OK;
}

/* The BCa acceleration of row r from the jackknife over its distinct units:
 * leaving unit u out gives theta_(u) from the counts less u's values, and
 * a = sum c_u U_u^3 / (6 (sum c_u U_u^2)^(3/2)) with U_u = (m - 1)(theta_(.)
 * - theta_(u)) over the m units with multiplicities c_u (Efron & Tibshirani
 * 1993, eq. 14.15). For the mean of single values this is the closed form
 * of boot/intervals.c. */
static int jackknife_accel(const groups_row *r, const sentraj_config *cfg, double *accel, sentraj_error *err)
{
    const groups_sample *gs = r->gs;
    const ratio_sample *s = gs->units;
    size_t nch = gs->G * gs->vals.K;
    double *cnt = malloc((nch ? nch : 1) * sizeof *cnt), *st = malloc(gs->G * sizeof *st);
    double *th = malloc((s->k ? s->k : 1) * sizeof *th);
    long double mean = 0, m2 = 0, m3 = 0, m = (long double)s->m;

    *accel = 0;
    if (!cnt || !st || !th) {
        free(cnt);
        free(st);
        free(th);
        return sentraj_nomem(err, "jackknife");
    }
    memcpy(cnt, gs->total, nch * sizeof *cnt);
    for (size_t u = 0; u < s->k; u++) {
        add_unit(s, u, -1, cnt);
        evaluate(gs, cfg, cnt, st);
        th[u] = contrast(r, st);
        add_unit(s, u, 1, cnt);
        mean += (long double)s->count[u] * th[u];
    }
    mean /= m;
    for (size_t u = 0; u < s->k; u++) {
        long double d = mean - th[u];
        m2 += (long double)s->count[u] * d * d;
        m3 += (long double)s->count[u] * d * d * d;
    }
    if (m2 > 0 && isfinite((double)m2))
        *accel = (double)(m3 / (6 * powl(m2, 1.5L)));
    free(cnt);
    free(st);
    free(th);
    return SENTRAJ_OK;
}

/* The jackknife's acceleration of a share from the indicator values in
 * closed form: k0 ones and n - k0 zeros about p = k0 / n. */
static double share_accel(uint64_t k0, uint64_t n)
{
    long double p = (long double)k0 / (long double)n, d1 = 1 - p, d0 = -p;
    long double m2 = k0 * d1 * d1 + (n - k0) * d0 * d0, m3 = k0 * d1 * d1 * d1 + (n - k0) * d0 * d0 * d0;
    return m2 > 0 ? (double)(m3 / (6 * powl(m2, 1.5L))) : 0;
}

/* The interval of an exact row from its distribution. */
static int finish_exact(plan *pl, const sentraj_config *cfg, boot_draws *keep)
{
    groups_row *r = pl->row;
    uint64_t n = groups_values(r->gs, 0), k0 = (uint64_t)llround(r->estimate * (double)n);
    interval_input in;

    memset(&in, 0, sizeof in);
    in.estimate = r->estimate;
    /* A share's exact bootstrap variance is the binomial's, p (1 - p) / n. */
    in.se = sqrt(r->estimate * (1 - r->estimate) / (double)n);
    in.means = (boot_dist){pl->x, pl->w, pl->len};
    in.accel = share_accel(k0, n);
    interval_compute(&in, cfg->method, cfg->alternative, cfg->level, &r->ci_low, &r->ci_high);
    r->se = in.se;
    if (keep) {
        keep->values = pl->x;
        keep->probs = pl->w;
        keep->len = pl->len;
        pl->x = pl->w = NULL;
    }
    return SENTRAJ_OK;
}

/* The interval, se and p-value of a Monte Carlo row from its resamples. */
static int finish_mc(const boot_item *it, const sentraj_config *cfg, boot_draws *keep, sentraj_error *err)
{
    plan *pl = it->state;
    groups_row *r = pl->row;
    size_t B = cfg->resamples, G = r->gs->G, nb = 0, below = 0, above = 0;
    double *t = malloc(B * sizeof *t), *sorted = malloc(B * sizeof *sorted), mbar;
    interval_input in;
    int rc = SENTRAJ_OK;

    if (!t || !sorted) {
        rc = sentraj_nomem(err, "bootstrap draws");
        goto out;
    }
    for (size_t b = 0; b < B; b++) {
        double x = contrast(r, it->acc + b * G);
        if (isnan(x))
            continue;
        t[nb++] = x;
        below += x <= 0;
        above += x >= 0;
    }
    r->empty = B - nb;
    if (nb < 2) {
        r->status = SENTRAJ_CI_TOO_FEW;
        goto out;
    }
    memset(&in, 0, sizeof in);
    in.estimate = r->estimate;
    memcpy(sorted, t, nb * sizeof *t);
    qsort(sorted, nb, sizeof *sorted, cmp_dbl);
    interval_mc_moments(t, nb, &mbar, &in.se);
    if (sorted[0] == sorted[nb - 1]) {
        /* A median on a lattice often lands on one point in every
         * resample: no spread, whatever the rounding of the sums says. */
        mbar = sorted[0];
        in.se = 0;
    }
    in.bias = mbar - r->estimate;
    in.means = (boot_dist){sorted, NULL, nb};
    if (cfg->method == SENTRAJ_METHOD_BCA &&
        (double)r->gs->units->k * (double)(G * r->gs->vals.K + 1) > JACKKNIFE_MAX_STEPS) {
        r->status = SENTRAJ_CI_REFUSED;
        sentraj_fail(&r->refused, SENTRAJ_ELIMIT,
                     "BCa's jackknife over %zu distinct conversations or clusters with %zu distinct values would "
                     "take more than %.0f steps; use --method percentile, basic or normal",
                     r->gs->units->k, r->gs->vals.K, JACKKNIFE_MAX_STEPS);
        goto out;
    }
    if (cfg->method == SENTRAJ_METHOD_BCA && (rc = jackknife_accel(r, cfg, &in.accel, err)) != SENTRAJ_OK)
        goto out;
    interval_compute(&in, cfg->method, cfg->alternative, cfg->level, &r->ci_low, &r->ci_high);
    r->se = in.se;
    /* The smallest 1 - level at which the two-sided percentile interval
     * leaves out 0, in the (1 + hits) / (1 + B) form of a Monte Carlo
     * p-value. */
    r->p_zero = fmin(1.0, 2.0 * (1.0 + (double)(below < above ? below : above)) / (1.0 + (double)nb));
    if (keep && nb == B) {
        keep->values = t;
        keep->len = B;
        t = NULL;
    }
out:
    free(t);
    free(sorted);
    return rc;
}

int groups_boot_many(groups_row *rows, size_t m, const sentraj_config *cfg, boot_draws *keep, sentraj_error *err)
{
    boot_item *items = calloc(m ? m : 1, sizeof *items);
    plan *plans = calloc(m ? m : 1, sizeof *plans);
    int rc;

    if (keep)
        memset(keep, 0, m * sizeof *keep);
    if (!items || !plans) {
        rc = sentraj_nomem(err, "bootstrap groups");
        goto out;
    }
    if ((rc = sentraj_config_check(cfg, err)) != SENTRAJ_OK)
        goto out;
    if (cfg->method == SENTRAJ_METHOD_STUDENTIZED) {
        rc = sentraj_fail(err, SENTRAJ_EUSAGE, "the studentized method needs the mean of one group");
        goto out;
    }
    for (size_t i = 0; i < m; i++)
        if ((rc = plan_row(&rows[i], cfg, &plans[i], &items[i], err)) != SENTRAJ_OK)
            goto out;
    if ((rc = boot_run(items, m, cfg, "units", err)) != SENTRAJ_OK)
        goto out;
    for (size_t i = 0; i < m; i++) {
        groups_row *r = &rows[i];
        if (boot_item_refused(&items[i])) {
            r->status = SENTRAJ_CI_REFUSED;
            r->refused = items[i].err;
        } else if (items[i].active) {
            rc = items[i].engine == SENTRAJ_ENGINE_EXACT ? finish_exact(&plans[i], cfg, keep ? &keep[i] : NULL)
                                                         : finish_mc(&items[i], cfg, keep ? &keep[i] : NULL, err);
            if (rc != SENTRAJ_OK)
                goto out;
        }
        if (r->status == SENTRAJ_CI_REFUSED || r->status == SENTRAJ_CI_TOO_FEW)
            r->ci_low = r->ci_high = r->se = r->p_zero = NAN;
    }
out:
    boot_items_release(items, m);
    for (size_t i = 0; plans && i < m; i++) {
        free(plans[i].x);
        free(plans[i].w);
    }
    if (rc != SENTRAJ_OK && keep)
        boot_draws_free(keep, m);
    free(items);
    free(plans);
    return rc;
}
