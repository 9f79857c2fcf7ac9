/* analysis.c - per-category samples of a finished data set, bootstrapped together. */
#include "bootstrap.h"
#include "dataset.h"
#include "error.h"
#include "sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sentraj_analysis {
    sentraj_config cfg;
    size_t nrows;
    sentraj_result *rows;
    char **names;
};

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void sentraj_analysis_free(sentraj_analysis *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nrows; i++)
        free(a->names[i]);
    free(a->names);
    free(a->rows);
    free(a);
}

size_t sentraj_analysis_rows(const sentraj_analysis *a)
{
    return a->nrows;
}

const sentraj_result *sentraj_analysis_row(const sentraj_analysis *a, size_t i)
{
    return i < a->nrows ? &a->rows[i] : NULL;
}

const sentraj_config *sentraj_analysis_config(const sentraj_analysis *a)
{
    return &a->cfg;
}

/* Does kept conversation k belong to category id `cat` (UINT32_MAX: "all")? */
static int member(const sentraj_dataset *ds, const kept_conv *k, uint32_t cat)
{
    if (cat == UINT32_MAX)
        return 1;
    for (const uint32_t *m = ds->set_members[k->set]; *m != UINT32_MAX; m++)
        if (*m == cat)
            return 1;
    return 0;
}

/* Build row r's sample and window means from the kept conversations (in id
 * order). Lattice data: deltas are integers over 2 * window (labels are
 * multiples of 1/2), first/last window sums integers over 2 * window too. */
static sentraj_sample *row_sample(const sentraj_dataset *ds, uint32_t cat, sentraj_result *r, sentraj_error *err)
{
    size_t n = 0, w = ds->window;
    sentraj_sample *s;

    for (size_t i = 0; i < ds->nkept; i++)
        n += (size_t)member(ds, &ds->kept[i], cat);
    r->conversations = n;
    if (ds->lattice) {
        int64_t *q = malloc((n ? n : 1) * sizeof *q), first = 0, last = 0;
        int64_t denom = (int64_t)(2 * w); /* LABELS_UNIT is 1/2 */
        size_t j = 0;
        if (!q)
            return sentraj_nomem(err, "category sample"), NULL;
        for (size_t i = 0; i < ds->nkept; i++) {
            const kept_conv *k = &ds->kept[i];
            if (!member(ds, k, cat))
                continue;
            q[j++] = k->last_q - k->first_q;
            first += k->first_q;
            last += k->last_q;
        }
        r->mean_first = n ? (double)first / ((double)denom * (double)n) : NAN;
        r->mean_last = n ? (double)last / ((double)denom * (double)n) : NAN;
        s = sample_alloc_lattice(q, n, denom, err);
        free(q);
    } else {
        double *v = malloc((n ? n : 1) * sizeof *v);
        long double first = 0, last = 0;
        size_t j = 0;
        if (!v)
            return sentraj_nomem(err, "category sample"), NULL;
        for (size_t i = 0; i < ds->nkept; i++) {
            const kept_conv *k = &ds->kept[i];
            if (!member(ds, k, cat))
                continue;
            v[j++] = (k->last_sum - k->first_sum) / (double)w;
            first += k->first_sum;
            last += k->last_sum;
        }
        r->mean_first = n ? (double)(first / ((long double)w * (long double)n)) : NAN;
        r->mean_last = n ? (double)(last / ((long double)w * (long double)n)) : NAN;
        s = sentraj_sample_alloc(v, n, 0, err);
        free(v);
    }
    if (s)
        r->mean_delta = s->mean;
    return s;
}

sentraj_analysis *sentraj_analyze(const sentraj_dataset *ds, const sentraj_config *cfg, sentraj_error *err)
{
    sentraj_analysis *a = NULL;
    sentraj_sample **samples = NULL;
    sentraj_boot_result *boots = NULL;
    uint64_t *hashes = NULL;
    uint32_t *cat_of_row = NULL;
    size_t ncat, m;

    if (sentraj_config_check(cfg, err) != SENTRAJ_OK)
        return NULL;
    if (!ds->finished) {
        sentraj_fail(err, SENTRAJ_EUSAGE, "sentraj_analyze needs a finished data set (call sentraj_dataset_finish)");
        return NULL;
    }
    if (cfg->min_human != ds->min_human || cfg->window != ds->window) {
        sentraj_fail(err, SENTRAJ_EUSAGE, "the config's min_human and window must match the data set's");
        return NULL;
    }
    ncat = ds->cats.count;
    m = ncat + 1;
    a = calloc(1, sizeof *a);
    if (!a)
        goto nomem;
    a->cfg = *cfg;
    a->rows = calloc(m, sizeof *a->rows);
    a->names = calloc(m, sizeof *a->names);
    samples = calloc(m, sizeof *samples);
    boots = calloc(m, sizeof *boots);
    hashes = calloc(m, sizeof *hashes);
    cat_of_row = calloc(m, sizeof *cat_of_row);
    if (!a->rows || !a->names || !samples || !boots || !hashes || !cat_of_row)
        goto nomem;

    /* Rows sorted by category name, bytewise; "all" last. */
    for (size_t i = 0; i < ncat; i++) {
        a->names[i] = strdup(intern_str(&ds->cats, (uint32_t)i));
        if (!a->names[i])
            goto nomem;
        a->nrows++;
    }
    qsort(a->names, ncat, sizeof *a->names, cmp_name);
    a->names[ncat] = strdup("all");
    if (!a->names[ncat])
        goto nomem;
    a->nrows = m;
    for (size_t i = 0; i < m; i++) {
        size_t len = strlen(a->names[i]);
        cat_of_row[i] = i < ncat ? (uint32_t)intern_find(&ds->cats, a->names[i], len, intern_hash(a->names[i], len))
                                 : UINT32_MAX;
        hashes[i] = sentraj_hash_name(a->names[i], len);
        a->rows[i].category = a->names[i];
        samples[i] = row_sample(ds, cat_of_row[i], &a->rows[i], err);
        if (!samples[i])
            goto fail;
    }
    if (boot_many((const sentraj_sample *const *)samples, hashes, m, cfg, boots, NULL, err) != SENTRAJ_OK)
        goto fail;
    for (size_t i = 0; i < m; i++)
        a->rows[i].boot = boots[i];
    goto done;
nomem:
    sentraj_nomem(err, "analysis");
fail:
    sentraj_analysis_free(a);
    a = NULL;
done:
    for (size_t i = 0; samples && i < m; i++)
        sentraj_sample_free(samples[i]);
    free(samples);
    free(boots);
    free(hashes);
    free(cat_of_row);
    return a;
}
