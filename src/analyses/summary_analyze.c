/* summary_analyze.c - a summary analysed: each row's sample built from its cells, then bootstrapped like the data's. */
#include "analyses/summary.h"
#include "analyses/order.h"

#include "analyses/analysis.h"
#include "boot/sample.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Row r's sample and window means from the cells [c0, c1): the same integers
 * the data set's row_sample (analysis.c) sums, so the same doubles. */
static sentraj_sample *cells_sample(const sentraj_summary *s, const char *rowname, size_t c0, size_t c1,
                                    sentraj_result *r, sentraj_error *err)
{
    int64_t denom = s->denom * (int64_t)s->window, first = 0, last = 0, *q;
    uint64_t n = 0, *counts;
    size_t k = 0;
    sentraj_sample *smp;

    for (size_t i = c0; i < c1; i++) {
        const summary_cell *x = &s->cells[i];
        if (x->count > UINT32_MAX || (n += x->count) > UINT32_MAX) {
            sentraj_fail(err, SENTRAJ_ELIMIT,
                         "category \"%s\" has more than 2^32 - 1 conversations, the engines' limit",
                         sentraj_show(rowname, strlen(rowname)).s);
            return NULL;
        }
        for (int side = 0; side < 2; side++) {
            int64_t v = side ? x->last : x->first, *acc = side ? &last : &first;
            int64_t cnt = (int64_t)x->count;
            if ((v != 0 && (v > INT64_MAX / cnt || v < INT64_MIN / cnt)) ||
                (v * cnt > 0 && *acc > INT64_MAX - v * cnt) || (v * cnt < 0 && *acc < INT64_MIN - v * cnt)) {
                sentraj_fail(err, SENTRAJ_ELIMIT, "the window sums of category \"%s\" do not fit in 64 bits",
                             sentraj_show(rowname, strlen(rowname)).s);
                return NULL;
            }
            *acc += v * cnt;
        }
    }
    r->conversations = (size_t)n;
    r->mean_first = n ? (double)first / ((double)denom * (double)n) : NAN;
    r->mean_last = n ? (double)last / ((double)denom * (double)n) : NAN;
    q = malloc((c1 > c0 ? c1 - c0 : 1) * sizeof *q);
    counts = malloc((c1 > c0 ? c1 - c0 : 1) * sizeof *counts);
    if (!q || !counts) {
        free(q);
        free(counts);
        return sentraj_nomem(err, "category sample"), NULL;
    }
    /* Window sums are within the scale's range, so the deltas fit. */
    for (size_t i = c0; i < c1; i++, k++) {
        q[k] = s->cells[i].last - s->cells[i].first;
        counts[k] = s->cells[i].count;
    }
    smp = sample_alloc_lattice_runs(q, counts, k, denom, err);
    free(q);
    free(counts);
    if (smp)
        r->mean_delta = smp->mean;
    return smp;
}

sentraj_analysis *sentraj_analysis_compute_summary(const sentraj_summary *s, const sentraj_config *cfg, sentraj_error *err)
{
    sentraj_analysis *a = NULL;
    sentraj_sample **samples = NULL;
    size_t m = s->nnames, *c0 = NULL, row = 0, all = 0;

    if (sentraj_config_check(cfg, err) != SENTRAJ_OK)
        return NULL;
    if (summary_check_options(s, cfg->window, cfg->min_human, err) != SENTRAJ_OK)
        return NULL;
    a = analysis_alloc(cfg, m, err);
    samples = calloc(m, sizeof *samples);
    c0 = calloc(m + 1, sizeof *c0);
    if (!a || !samples || !c0)
        goto nomem;
    /* cells of name n are [c0[n], c0[n + 1]). */
    for (size_t i = 0; i < s->ncells; i++)
        c0[s->cells[i].name + 1]++;
    for (size_t n = 0; n < m; n++)
        c0[n + 1] += c0[n];
    /* Rows by name as the summary keeps them, "all" last; analysis_order
     * then orders them as sentraj_analysis_compute does. */
    for (size_t n = 0; n < m; n++) {
        size_t i;
        if (strcmp(s->names[n], "all") == 0) {
            all = n;
            continue;
        }
        i = row++;
        if (!(a->names[i] = strdup(s->names[n])))
            goto nomem;
        if (!(samples[i] = cells_sample(s, s->names[n], c0[n], c0[n + 1], &a->rows[i], err)))
            goto fail;
    }
    if (!(a->names[m - 1] = strdup("all")))
        goto nomem;
    if (!(samples[m - 1] = cells_sample(s, "all", c0[all], c0[all + 1], &a->rows[m - 1], err)))
        goto fail;
    if (analysis_bootstrap(a, samples, err) != SENTRAJ_OK || analysis_order(a, err) != SENTRAJ_OK)
        goto fail;
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
    free(c0);
    return a;
}
