/* analysis.c - the analysis object: its rows, their names and members, and the analysis of a data set by category. */
#include "analyses/analysis.h"
#include "analyses/order.h"
#include "boot/bootstrap.h"
#include "core/error.h"
#include "core/natural.h"
#include "data/dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_natural(const void *a, const void *b)
{
    return natural_cmp(*(char *const *)a, *(char *const *)b);
}

void sentraj_analysis_free(sentraj_analysis *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nrows; i++) {
        free(a->names[i]);
        free(a->notes ? a->notes[i] : NULL);
    }
    free(a->notes);
    boot_draws_free(a->draws, a->nrows);
    free(a->draws);
    free(a->names);
    free(a->rows);
    free(a->cluster_by);
    free(a);
}

const char *sentraj_analysis_cluster_by(const sentraj_analysis *a)
{
    return a->cluster_by;
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

size_t sentraj_analysis_draws(const sentraj_analysis *a, size_t i, const double **values, const double **probs)
{
    if (!a->draws || i >= a->nrows || !a->draws[i].len) {
        *values = *probs = NULL;
        return 0;
    }
    *values = a->draws[i].values;
    *probs = a->draws[i].probs;
    return a->draws[i].len;
}

int analysis_members(const sentraj_dataset *ds, const uint32_t *sets, size_t n, size_t **off_out,
                     uint32_t **members_out, sentraj_error *err)
{
    size_t ncat = ds->cats.count, total = 0;
    size_t *off = calloc(ncat + 1, sizeof *off), *fill = NULL;
    uint32_t *members = NULL;

    if (!off)
        return sentraj_nomem(err, "category lists");
    for (size_t i = 0; i < n; i++)
        for (const uint32_t *m = ds->set_members[sets[i]]; *m != UINT32_MAX; m++)
            off[*m + 1]++, total++;
    for (size_t c = 0; c < ncat; c++)
        off[c + 1] += off[c];
    /* Room for n more, so a caller can append "all" (every item once). */
    members = malloc((total + n + 1) * sizeof *members);
    fill = malloc((ncat ? ncat : 1) * sizeof *fill);
    if (!members || !fill) {
        free(off);
        free(members);
        free(fill);
        return sentraj_nomem(err, "category lists");
    }
    memcpy(fill, off, ncat * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        for (const uint32_t *m = ds->set_members[sets[i]]; *m != UINT32_MAX; m++)
            members[fill[*m]++] = (uint32_t)i;
    free(fill);
    *off_out = off;
    *members_out = members;
    return SENTRAJ_OK;
}

char **analysis_row_names(const sentraj_dataset *ds, sentraj_order order, sentraj_error *err)
{
    size_t ncat = ds->cats.count;
    char **names = calloc(ncat + 1, sizeof *names);

    if (!names)
        goto nomem;
    for (size_t i = 0; i < ncat; i++)
        if (!(names[i] = strdup(intern_str(&ds->cats, (uint32_t)i))))
            goto nomem;
    qsort(names, ncat, sizeof *names, order == SENTRAJ_ORDER_NAME ? cmp_name : cmp_natural);
    if (!(names[ncat] = strdup("all")))
        goto nomem;
    return names;
nomem:
    for (size_t i = 0; names && i <= ncat; i++)
        free(names[i]);
    free(names);
    sentraj_nomem(err, "category names");
    return NULL;
}

uint32_t analysis_category_id(const sentraj_dataset *ds, const char *name)
{
    size_t len = strlen(name);
    return (uint32_t)intern_find(&ds->cats, name, len, intern_hash(name, len));
}

sentraj_analysis *analysis_alloc(const sentraj_config *cfg, size_t m, sentraj_error *err)
{
    sentraj_analysis *a = calloc(1, sizeof *a);
    if (!a)
        goto nomem;
    a->cfg = *cfg;
    a->rows = calloc(m ? m : 1, sizeof *a->rows);
    a->names = calloc(m ? m : 1, sizeof *a->names);
    a->notes = calloc(m ? m : 1, sizeof *a->notes);
    if (cfg->keep_resamples)
        a->draws = calloc(m ? m : 1, sizeof *a->draws);
    if (!a->rows || !a->names || !a->notes || (cfg->keep_resamples && !a->draws))
        goto nomem;
    a->nrows = m;
    for (size_t i = 0; i < m; i++) {
        a->rows[i].dropped = UINT64_MAX;
        a->rows[i].largest_cluster_share = a->rows[i].design_effect = NAN;
    }
    return a;
nomem:
    sentraj_analysis_free(a);
    sentraj_nomem(err, "analysis");
    return NULL;
}

int analysis_check_call(const sentraj_dataset *ds, const sentraj_config *cfg, const char *what, sentraj_error *err)
{
    int rc;

    if ((rc = sentraj_config_check(cfg, err)) != SENTRAJ_OK)
        return rc;
    if (!ds->finished)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "%s needs a finished data set (call sentraj_dataset_finish)", what);
    if (cfg->min_human != ds->min_human || cfg->window != ds->window)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the config's min_human and window must match the data set's");
    if (ds->field[FIELD_CLUSTER] && cfg->engine == SENTRAJ_ENGINE_EXACT)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the exact engine cannot bootstrap clusters (--cluster-by): each resampled mean is a "
                            "ratio of two resampled sums; use --engine index or multinomial");
    return SENTRAJ_OK;
}

sentraj_analysis *sentraj_analysis_compute(const sentraj_dataset *ds, const sentraj_config *cfg, sentraj_error *err)
{
    sentraj_analysis *a = NULL;
    uint32_t *members = NULL, *sets = NULL;
    const uint32_t **lists = NULL;
    size_t ncat, m, *off = NULL, *count = NULL;
    char **names = NULL;
    analysis_src src;

    if (analysis_check_call(ds, cfg, "sentraj_analysis_compute", err) != SENTRAJ_OK)
        return NULL;
    ncat = ds->cats.count;
    m = ncat + 1;
    a = analysis_alloc(cfg, m, err);
    sets = malloc((ds->nkept ? ds->nkept : 1) * sizeof *sets);
    lists = calloc(m, sizeof *lists);
    count = calloc(m, sizeof *count);
    if (!a || !sets || !lists || !count)
        goto nomem;
    if (!(names = analysis_row_names(ds, cfg->order, err)))
        goto fail;
    memcpy(a->names, names, m * sizeof *names);
    for (size_t i = 0; i < ds->nkept; i++)
        sets[i] = ds->kept[i].set;
    if (analysis_members(ds, sets, ds->nkept, &off, &members, err) != SENTRAJ_OK)
        goto fail;
    for (size_t i = 0; i < ncat; i++) {
        uint32_t c = analysis_category_id(ds, a->names[i]);
        lists[i] = members + off[c];
        count[i] = off[c + 1] - off[c];
        a->rows[i].dropped = ds->cat_dropped[c];
    }
    count[ncat] = ds->nkept;
    a->rows[ncat].dropped = ds->counts.dropped_short;
    src = analysis_src_of(ds);
    if (analysis_fill(a, &src, lists, count, err) != SENTRAJ_OK)
        goto fail;
    if (analysis_order(a, err) != SENTRAJ_OK)
        goto fail;
    goto done;
nomem:
    sentraj_nomem(err, "analysis");
fail:
    sentraj_analysis_free(a);
    a = NULL;
done:
    free(names);
    free(sets);
    free(off);
    free(members);
    free(lists);
    free(count);
    return a;
}
