/* cluster.c - the bootstrap of a ratio of sums over resampled units: clusters (--cluster-by) and positions. */
#include "boot/ratio.h"

#include "boot/draw.h"
#include "boot/driver.h"
#include "boot/intervals.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* Index engine: m draws per resample (boot/draw.h), each adding its unit.
 * On a lattice every sum is an exact integer, so the order of the draws
 * cannot matter. */
static void kernel_index(const ratio_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, size_t nacc,
                         double *acc)
{
    uint32_t m = (uint32_t)s->m;
    size_t stride = s->nch * nacc;

    for (size_t b = b0; b < b1; b++) {
        double *a = acc + b * stride;
        sentraj_pcg32 rng;
        memset(a, 0, stride * sizeof *a);
        draw_stream(&rng, seed, h, b);
        for (uint32_t i = 0; i < m; i++)
            add_unit(s, s->expand[draw_index(&rng, m)], 1, nacc, a);
    }
}

/* Balanced resampling: resample b takes entries b m .. b m + m - 1 of one
 * permutation of B copies of 0..m-1 (draw_balanced_permutation). */
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

/* Multinomial engine: the counts of the k distinct units (boot/draw.h),
 * then each distinct unit's sums times its count. Returns 0, or -1 without
 * memory. */
static int kernel_multinomial(const ratio_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, size_t nacc,
                              double *acc)
{
    size_t stride = s->nch * nacc;
    draw_multinomial d;
    int rc = -1;

    if (draw_multinomial_init(&d, s->count, s->k, s->m) != 0)
        goto out;
    for (size_t b = b0; b < b1; b++) {
        double *a = acc + b * stride;
        memset(a, 0, stride * sizeof *a);
        draw_multinomial_counts(&d, seed, h, b);
        for (size_t j = 0; j < s->k; j++)
            if (d.cnt[j])
                add_unit(s, j, (double)d.cnt[j], nacc, a);
    }
    rc = 0;
out:
    draw_multinomial_free(&d);
    return rc;
}

/* ---- the kernels as the driver calls them ---------------------------------- */

/* Doubles a resample keeps per channel: y and n, and for the studentized
 * method also y^2, y n and n^2. */
static size_t acc_per_channel(const sentraj_config *cfg)
{
    return cfg->method == SENTRAJ_METHOD_STUDENTIZED ? 5 : 2;
}

static int units_index(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1, sentraj_error *err)
{
    (void)err;
    kernel_index(it->sample, cfg->seed, it->h, b0, b1, acc_per_channel(cfg), it->acc);
    return SENTRAJ_OK;
}

static int units_balanced(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1, sentraj_error *err)
{
    (void)err;
    kernel_balanced(it->sample, it->perm, b0, b1, acc_per_channel(cfg), it->acc);
    return SENTRAJ_OK;
}

static int units_multinomial(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1, sentraj_error *err)
{
    if (kernel_multinomial(it->sample, cfg->seed, it->h, b0, b1, acc_per_channel(cfg), it->acc) != 0)
        return sentraj_nomem(err, "multinomial engine");
    return SENTRAJ_OK;
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

/* What finishing a sample's channels needs besides the resampled sums:
 * its channel totals, the jackknife statistics the method uses, and scratch
 * space for B values. */
typedef struct finisher {
    const sentraj_config *cfg;
    size_t nacc;
    chan_total *tot;       /* per channel */
    double *accel, *se_hat; /* per channel; zero unless BCa / studentized */
    double *means, *sorted, *t;
} finisher;

/* The bootstrap-t draws of channel ch into f->t, sorted; their count. The
 * ratio's linearisation variance (the nonparametric delta method, Davison &
 * Hinkley 1997, ch. 2.7 and 3.8): v = m / (m - 1) sum_i (y_i - theta n_i)^2
 * / N^2, for the sample (se_hat) and for each resample from its sums of
 * squares; with one conversation per unit it is s^2 / n.
 * t* = (theta* - theta) / sqrt(v*). */
static size_t studentized_draws(const finisher *f, const boot_item *it, size_t ch)
{
    const ratio_sample *s = it->sample;
    size_t B = f->cfg->resamples, nt = 0, stride = s->nch * f->nacc;
    long double Y = f->tot[ch].y, N = f->tot[ch].n, m = (long double)s->m;

    for (size_t b = 0; b < B; b++) {
        const double *x = it->acc + b * stride + ch * f->nacc;
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
            f->t[nt++] = num > 0 ? INFINITY : num < 0 ? -INFINITY : 0;
        else
            f->t[nt++] = (double)((num / (N * Nb)) / (sqrtl(m / (m - 1) * v) / Nb));
    }
    qsort(f->t, nt, sizeof *f->t, cmp_dbl);
    return nt;
}

/* The interval of channel ch of item it from its resampled sums into r.
 * When keep is not NULL it receives the B ratios in resample order
 * (channels with a value in every resample). */
static int finish_channel(const finisher *f, const boot_item *it, size_t ch, ratio_result *r, double **keep,
                          sentraj_error *err)
{
    const ratio_sample *s = it->sample;
    const sentraj_config *cfg = f->cfg;
    size_t B = cfg->resamples, nb = 0, stride = s->nch * f->nacc;
    double mbar;
    interval_input in;

    for (size_t b = 0; b < B; b++) {
        const double *x = it->acc + b * stride + ch * f->nacc;
        if (x[ACC_N] > 0)
            f->means[nb++] = x[ACC_Y] / (s->denom * x[ACC_N]);
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
    interval_mc_moments(f->means, nb, &mbar, &in.se);
    in.bias = mbar - r->estimate;
    memcpy(f->sorted, f->means, nb * sizeof *f->means);
    qsort(f->sorted, nb, sizeof *f->sorted, cmp_dbl);
    in.means = (boot_dist){f->sorted, NULL, nb};
    in.accel = f->accel[ch];
    if (cfg->method == SENTRAJ_METHOD_STUDENTIZED) {
        in.se_hat = f->se_hat[ch];
        in.t = (boot_dist){f->t, NULL, studentized_draws(f, it, ch)};
    }
    interval_compute(&in, cfg->method, cfg->alternative, cfg->level, &r->ci_low, &r->ci_high);
    r->se = in.se;
    if (keep && nb == B) {
        *keep = malloc(B * sizeof **keep);
        if (!*keep)
            return sentraj_nomem(err, "bootstrap means");
        memcpy(*keep, f->means, B * sizeof *f->means);
    }
    return SENTRAJ_OK;
}

/* Set up sample s's item: active when some channel has two or more
 * contributing units with different ratios. Its accumulators may take at
 * most max_doubles doubles (the driver runs rows in waves of bounded
 * memory, so the limit is per row). */
static int plan_item(const ratio_sample *s, uint64_t h, const sentraj_config *cfg, const char *what,
                     size_t max_doubles, chan_total *tot, boot_item *it, sentraj_error *err)
{
    size_t B = cfg->resamples, nacc = acc_per_channel(cfg);

    it->sample = s;
    it->h = h;
    it->n = s->m;
    it->engine = boot_resolve(cfg, s->m, s->k);
    channel_totals(s, tot);
    for (size_t c = 0; c < s->nch; c++)
        it->active |= tot[c].units >= 2 && !tot[c].same;
    if (!it->active)
        return SENTRAJ_OK;
    if (s->m > UINT32_MAX)
        return sentraj_fail(err, SENTRAJ_ELIMIT, "%zu units are more than the bootstrap's limit of 2^32 - 1", s->m);
    if (s->nch * nacc > max_doubles / B)
        return sentraj_fail(err, SENTRAJ_ELIMIT,
                            "the resampled sums of %s need more than %zu MiB (%zu resamples x %zu channels); use "
                            "fewer resamples or positions",
                            what, max_doubles * sizeof(double) >> 20, B, s->nch);
    it->width = s->nch * nacc;
    return SENTRAJ_OK;
}

/* Where one item's results go. */
typedef struct rstate {
    finisher *f;
    ratio_result *out;
    boot_draws *keep;
} rstate;

/* Every channel's result of one sample, after its resampling. */
static int finish_sample(finisher *f, const boot_item *it, ratio_result *out, boot_draws *keep, sentraj_error *err)
{
    const ratio_sample *s = it->sample;
    const sentraj_config *cfg = f->cfg;
    int rc;

    channel_totals(s, f->tot);
    if (it->active && (cfg->method == SENTRAJ_METHOD_BCA || cfg->method == SENTRAJ_METHOD_STUDENTIZED) &&
        (rc = channel_stats(s, f->tot, cfg->method == SENTRAJ_METHOD_BCA ? f->accel : NULL,
                            cfg->method == SENTRAJ_METHOD_STUDENTIZED ? f->se_hat : NULL, err)) != SENTRAJ_OK)
        return rc;
    for (size_t c = 0; c < s->nch; c++) {
        const chan_total *t = &f->tot[c];
        ratio_result *r = &out[c];
        memset(r, 0, sizeof *r);
        r->units = t->units;
        r->n = (double)t->n;
        r->resamples = cfg->resamples;
        r->engine = it->engine;
        /* One division of the exact sums, as the ordinary engines do. */
        r->estimate = t->n > 0 ? (double)t->y / (s->denom * (double)t->n) : NAN;
        if (t->units < 2) {
            r->status = SENTRAJ_CI_TOO_FEW;
            r->ci_low = r->ci_high = r->se = NAN;
        } else if (t->same) {
            r->status = SENTRAJ_CI_DEGENERATE;
            r->ci_low = cfg->alternative == SENTRAJ_LESS ? -INFINITY : r->estimate;
            r->ci_high = cfg->alternative == SENTRAJ_GREATER ? INFINITY : r->estimate;
            r->se = 0;
        } else {
            if ((rc = finish_channel(f, it, c, r, keep && s->nch == 1 ? &keep->values : NULL, err)) != SENTRAJ_OK)
                return rc;
            if (keep && keep->values)
                keep->len = cfg->resamples;
        }
    }
    return SENTRAJ_OK;
}

static int units_finish(boot_item *it, const sentraj_config *cfg, sentraj_error *err)
{
    rstate *st = it->state;

    (void)cfg;
    return finish_sample(st->f, it, st->out, st->keep, err);
}

/* A ratio has no exact engine: ratio_boot_many refuses it up front. */
static const boot_kernels unit_kernels = {NULL, NULL, units_index, units_balanced, units_multinomial, units_finish};

static void finisher_free(finisher *f)
{
    free(f->tot);
    free(f->accel);
    free(f->se_hat);
    free(f->means);
    free(f->sorted);
    free(f->t);
}

static int finisher_alloc(finisher *f, const sentraj_config *cfg, size_t maxch, sentraj_error *err)
{
    size_t B = cfg->resamples;

    memset(f, 0, sizeof *f);
    f->cfg = cfg;
    f->nacc = acc_per_channel(cfg);
    f->tot = malloc(maxch * sizeof *f->tot);
    f->accel = calloc(maxch, sizeof *f->accel);
    f->se_hat = calloc(maxch, sizeof *f->se_hat);
    f->means = malloc(B * sizeof *f->means);
    f->sorted = malloc(B * sizeof *f->sorted);
    f->t = malloc(B * sizeof *f->t);
    if (!f->tot || !f->accel || !f->se_hat || !f->means || !f->sorted || !f->t)
        return sentraj_nomem(err, "bootstrap");
    return SENTRAJ_OK;
}

int ratio_boot_many(const ratio_sample *const *samples, const uint64_t *hashes, size_t m, const sentraj_config *cfg,
                    const char *what, size_t max_doubles, ratio_result *const *out, boot_draws *keep,
                    sentraj_error *err)
{
    size_t maxch = 1;
    boot_item *items = NULL;
    rstate *states = NULL;
    finisher f;
    int rc;

    memset(&f, 0, sizeof f);
    if (keep)
        memset(keep, 0, m * sizeof *keep);
    if ((rc = sentraj_config_check(cfg, err)) != SENTRAJ_OK)
        return rc;
    if (cfg->engine == SENTRAJ_ENGINE_EXACT)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the exact engine cannot bootstrap %s: each resampled mean is a ratio of two resampled "
                            "sums; use --engine index or multinomial",
                            what);
    for (size_t i = 0; i < m; i++)
        if (samples[i]->nch > maxch)
            maxch = samples[i]->nch;
    items = calloc(m ? m : 1, sizeof *items);
    states = calloc(m ? m : 1, sizeof *states);
    if (!items || !states) {
        rc = sentraj_nomem(err, "bootstrap");
        goto out;
    }
    if ((rc = finisher_alloc(&f, cfg, maxch, err)) != SENTRAJ_OK)
        goto out;
    for (size_t i = 0; i < m; i++) {
        states[i] = (rstate){&f, out[i], keep ? &keep[i] : NULL};
        items[i].kern = &unit_kernels;
        items[i].state = &states[i];
        if ((rc = plan_item(samples[i], hashes[i], cfg, what, max_doubles, f.tot, &items[i], err)) != SENTRAJ_OK)
            goto out;
    }
    if ((rc = boot_run(items, m, cfg, "units", err)) != SENTRAJ_OK)
        goto out;
    /* The rows that needed no resampling: their channels are too few or
     * degenerate, which finish_sample settles without draws. */
    for (size_t i = 0; i < m; i++)
        if (!items[i].active && (rc = finish_sample(&f, &items[i], out[i], NULL, err)) != SENTRAJ_OK)
            goto out;
out:
    boot_items_release(items, m);
    if (rc != SENTRAJ_OK && keep)
        boot_draws_free(keep, m);
    free(items);
    free(states);
    finisher_free(&f);
    return rc;
}
