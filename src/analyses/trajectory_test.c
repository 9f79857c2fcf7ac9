/* trajectory_test.c - sentraj test: is there any trajectory? Permutation and sign-flip tests per category. */
#include "analyses/analysis.h"
#include "analyses/holm.h"

#include "boot/permute.h"
#include "core/error.h"
#include "data/dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sentraj_test {
    sentraj_config cfg;
    size_t nrows;
    sentraj_test_row *rows;
    char **names; /* owned; rows point into them */
};

void sentraj_test_free(sentraj_test *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->names && i < t->nrows; i++)
        free(t->names[i]);
    free(t->names);
    free(t->rows);
    free(t);
}

size_t sentraj_test_rows(const sentraj_test *t)
{
    return t->nrows;
}

const sentraj_test_row *sentraj_test_row_get(const sentraj_test *t, size_t i)
{
    return i < t->nrows ? &t->rows[i] : NULL;
}

const sentraj_config *sentraj_test_config(const sentraj_test *t)
{
    return &t->cfg;
}

/* The human labels of kept conversation k, in message order (finish sorted
 * every row of a data set read with keep_labels), appended to s from
 * position *at. */
static void conversation_labels(const sentraj_dataset *ds, const kept_conv *k, permute_sample *s, size_t *at)
{
    for (size_t x = ds->label_off[k->conv]; x < ds->label_off[k->conv + 1]; x++) {
        double value;
        if (!dataset_row_human(ds, x))
            continue;
        value = dataset_row_value(ds, x);
        if (s->q)
            s->q[*at] = (int64_t)nearbyint(value * (double)ds->denom);
        else
            s->v[*at] = value;
        (*at)++;
    }
}

static void sample_free(permute_sample *s)
{
    free(s->off);
    free(s->q);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* The sample of the n kept conversations idx (all when NULL). */
static int row_sample(const sentraj_dataset *ds, const uint32_t *idx, size_t n, permute_sample *s,
                      sentraj_error *err)
{
    size_t total = 0, at = 0;

    memset(s, 0, sizeof *s);
    for (size_t j = 0; j < n; j++)
        total += ds->kept[idx ? idx[j] : j].humans;
    s->n = n;
    s->window = ds->window;
    s->off = malloc((n + 1) * sizeof *s->off);
    if (ds->lattice)
        s->q = malloc((total ? total : 1) * sizeof *s->q);
    else
        s->v = malloc((total ? total : 1) * sizeof *s->v);
    if (!s->off || (ds->lattice ? !s->q : !s->v)) {
        sample_free(s);
        return sentraj_nomem(err, "test");
    }
    for (size_t j = 0; j < n; j++) {
        s->off[j] = at;
        conversation_labels(ds, &ds->kept[idx ? idx[j] : j], s, &at);
    }
    s->off[n] = at;
    return SENTRAJ_OK;
}

/* Mean, sd (n - 1) and d_z of the row's deltas, and its status. */
static void describe(const sentraj_dataset *ds, const uint32_t *idx, size_t n, const sentraj_config *cfg,
                     sentraj_test_row *r)
{
    size_t w = ds->window;
    long double sum = 0, ss = 0, mean;
    int64_t qsum = 0, first = 0;
    double first_d = 0;
    int same = 1;

    r->conversations = n;
    r->mean_delta = r->sd_delta = r->d_z = NAN;
    for (size_t j = 0; j < n; j++) {
        const kept_conv *k = &ds->kept[idx ? idx[j] : j];
        int64_t q = ds->lattice ? k->last_q - k->first_q : 0;
        double d = ds->lattice ? 0 : (k->last_sum - k->first_sum) / (double)w;
        if (j == 0)
            first = q, first_d = d;
        same &= ds->lattice ? q == first : d == first_d;
        qsum += q;
        sum += d;
    }
    if (n > 0)
        /* As the analysis computes its mean: one rounding of exact sums. */
        r->mean_delta = ds->lattice ? (double)qsum / ((double)(ds->denom * (int64_t)w) * (double)n)
                                    : (double)(sum / (long double)n);
    mean = ds->lattice ? (long double)qsum / (long double)n : sum / (long double)n;
    for (size_t j = 0; j < n; j++) {
        const kept_conv *k = &ds->kept[idx ? idx[j] : j];
        long double d = ds->lattice ? (long double)(k->last_q - k->first_q) - mean
                                    : (long double)((k->last_sum - k->first_sum) / (double)w) - mean;
        ss += d * d;
    }
    if (n >= 2) {
        long double scale = ds->lattice ? (long double)(ds->denom * (int64_t)w) : 1;
        r->sd_delta = (double)(sqrtl(ss / (long double)(n - 1)) / scale);
        if (r->sd_delta > 0)
            r->d_z = r->mean_delta / r->sd_delta;
    }
    r->status = n < 2 ? SENTRAJ_CI_TOO_FEW
                : same ? SENTRAJ_CI_DEGENERATE
                : n < cfg->small ? SENTRAJ_CI_SMALL
                : SENTRAJ_CI_OK;
}

/* The sign flips' stream hash: the row's name, a NUL byte, "sign-flip". */
static uint64_t sign_hash(const char *name)
{
    static const char tag[] = "sign-flip";
    size_t n = strlen(name);
    char *key = malloc(n + sizeof tag);
    uint64_t h;

    if (!key)
        return 0;
    memcpy(key, name, n);
    key[n] = '\0';
    memcpy(key + n + 1, tag, sizeof tag - 1);
    h = sentraj_hash_name(key, n + sizeof tag);
    free(key);
    return h;
}

/* Both tests of every row, and Holm over p_within. */
static int run_tests(sentraj_test *t, permute_sample *samples, sentraj_error *err)
{
    permute_row *pr = calloc(t->nrows, sizeof *pr);
    double *p = malloc(t->nrows * sizeof *p);
    int rc = SENTRAJ_OK;

    if (!pr || !p)
        rc = sentraj_nomem(err, "test");
    for (size_t i = 0; i < t->nrows && rc == SENTRAJ_OK; i++)
        pr[i] = (permute_row){&samples[i], sentraj_hash_name(t->names[i], strlen(t->names[i])),
                              sign_hash(t->names[i]), NAN, NAN};
    if (rc == SENTRAJ_OK)
        rc = permute_many(pr, t->nrows, &t->cfg, err);
    for (size_t i = 0; i < t->nrows && rc == SENTRAJ_OK; i++) {
        t->rows[i].p_within = pr[i].p_within;
        t->rows[i].p_sign_flip = pr[i].p_sign_flip;
        t->rows[i].resamples = t->cfg.resamples;
        p[i] = pr[i].p_within;
    }
    if (rc == SENTRAJ_OK && holm_adjust(p, t->nrows, p) != 0)
        rc = sentraj_nomem(err, "test");
    for (size_t i = 0; i < t->nrows && rc == SENTRAJ_OK; i++)
        t->rows[i].p_holm = p[i];
    free(pr);
    free(p);
    return rc;
}

sentraj_test *sentraj_test_compute(const sentraj_dataset *ds, const sentraj_config *cfg, sentraj_error *err)
{
    sentraj_test *t = NULL;
    permute_sample *samples = NULL;
    uint32_t *sets = NULL, *members = NULL;
    size_t *off = NULL, ncat = ds->cats.count;

    if (analysis_check_call(ds, cfg, "sentraj_test_compute", err) != SENTRAJ_OK)
        return NULL;
    if (!ds->label_off) {
        sentraj_fail(err, SENTRAJ_EUSAGE, "the test needs a data set read with keep_labels set (every label kept)");
        return NULL;
    }
    if (!(t = calloc(1, sizeof *t)))
        goto nomem;
    t->cfg = *cfg;
    t->nrows = ncat + 1;
    t->rows = calloc(t->nrows, sizeof *t->rows);
    samples = calloc(t->nrows, sizeof *samples);
    sets = malloc((ds->nkept ? ds->nkept : 1) * sizeof *sets);
    if (!t->rows || !samples || !sets)
        goto nomem;
    if (!(t->names = analysis_row_names(ds, cfg->order, err)))
        goto fail;
    for (size_t i = 0; i < ds->nkept; i++)
        sets[i] = ds->kept[i].set;
    if (analysis_members(ds, sets, ds->nkept, &off, &members, err) != SENTRAJ_OK)
        goto fail;
    for (size_t i = 0; i < t->nrows; i++) {
        const uint32_t *idx = NULL;
        size_t n = ds->nkept;
        if (i < ncat) {
            uint32_t c = analysis_category_id(ds, t->names[i]);
            idx = members + off[c];
            n = off[c + 1] - off[c];
            t->rows[i].dropped = ds->cat_dropped[c];
        } else {
            t->rows[i].dropped = ds->counts.dropped_short;
        }
        t->rows[i].category = t->names[i];
        describe(ds, idx, n, cfg, &t->rows[i]);
        if (row_sample(ds, idx, n, &samples[i], err) != SENTRAJ_OK)
            goto fail;
    }
    if (run_tests(t, samples, err) != SENTRAJ_OK)
        goto fail;
    goto done;
nomem:
    sentraj_nomem(err, "test");
fail:
    sentraj_test_free(t);
    t = NULL;
done:
    for (size_t i = 0; samples && i < ncat + 1; i++)
        sample_free(&samples[i]);
    free(samples);
    free(sets);
    free(members);
    free(off);
    return t;
}
