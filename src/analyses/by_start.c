/* by_start.c - analyze --by-start: the change within each starting level of each category. */
#include "analyses/analysis.h"
#include "analyses/levels.h"

#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Conversations that start low can only go up and those that start high
 * only down, so a category's mean change mixes real drift with regression
 * to the mean and the scale's floor and ceiling. Splitting each category
 * by its conversations' starting level shows the change within each level:
 * rows CATEGORY|START for every category (and "all") and every level of the
 * scale, in the analysis' category order and by ascending level, each
 * bootstrapped like a category (the stream of its row name). */

/* Row (c, l)'s name, "CATEGORY|LEVEL", malloc'ed. */
static char *row_name(const char *cat, const char *level)
{
    size_t n = strlen(cat) + strlen(level) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s|%s", cat, level);
    return s;
}

/* The members of every row into lists (one array, rows' slices) and count. */
static void split_members(const sentraj_dataset *ds, const levels *L, char **cats, size_t ncat_rows,
                         const size_t *off, const uint32_t *members, uint32_t *lists, const uint32_t **starts,
                         size_t *count)
{
    size_t nl = L->n, used = 0;

    for (size_t c = 0; c < ncat_rows; c++) {
        const uint32_t *mem;
        size_t n;
        if (c + 1 < ncat_rows) {
            uint32_t id = analysis_category_id(ds, cats[c]);
            mem = members + off[id];
            n = off[id + 1] - off[id];
        } else {
            mem = NULL;
            n = ds->nkept;
        }
        /* Each level's conversations, in id order: a counting pass per level. */
        for (size_t l = 0; l < nl; l++) {
            starts[c * nl + l] = lists + used;
            count[c * nl + l] = 0;
            for (size_t j = 0; j < n; j++) {
                uint32_t k = mem ? mem[j] : (uint32_t)j;
                if (levels_start(L, ds, &ds->kept[k], ds->window) == l) {
                    lists[used++] = k;
                    count[c * nl + l]++;
                }
            }
        }
    }
}

sentraj_analysis *sentraj_analysis_compute_by_start(const sentraj_dataset *ds, const sentraj_scale *scale,
                                                    const sentraj_config *cfg, sentraj_error *err)
{
    sentraj_analysis *a = NULL;
    char **cats = NULL;
    uint32_t *members = NULL, *sets = NULL, *lists = NULL;
    const uint32_t **starts = NULL;
    size_t *off = NULL, *count = NULL, ncat_rows, m, total;
    levels L;
    analysis_src src;

    memset(&L, 0, sizeof L);
    if (analysis_check_call(ds, cfg, "sentraj_analysis_compute_by_start", err) != SENTRAJ_OK ||
        levels_init(&L, scale, ds, err) != SENTRAJ_OK)
        return NULL;
    ncat_rows = ds->cats.count + 1;
    m = ncat_rows * L.n;
    if (!(cats = analysis_row_names(ds, cfg->order, err)))
        goto fail;
    sets = malloc((ds->nkept ? ds->nkept : 1) * sizeof *sets);
    if (!sets)
        goto nomem;
    for (size_t i = 0; i < ds->nkept; i++)
        sets[i] = ds->kept[i].set;
    if (analysis_members(ds, sets, ds->nkept, &off, &members, err) != SENTRAJ_OK ||
        !(a = analysis_alloc(cfg, m, err)))
        goto fail;
    /* Every conversation once per row it is in: its categories and "all". */
    total = off[ds->cats.count] + ds->nkept;
    lists = malloc((total ? total : 1) * sizeof *lists);
    starts = calloc(m ? m : 1, sizeof *starts);
    count = calloc(m ? m : 1, sizeof *count);
    if (!lists || !starts || !count)
        goto nomem;
    for (size_t c = 0; c < ncat_rows; c++)
        for (size_t l = 0; l < L.n; l++)
            if (!(a->names[c * L.n + l] = row_name(cats[c], L.name[l])))
                goto nomem;
    split_members(ds, &L, cats, ncat_rows, off, members, lists, starts, count);
    src = analysis_src_of(ds);
    if (analysis_fill(a, &src, starts, count, err) != SENTRAJ_OK)
        goto fail;
    goto done;
nomem:
    sentraj_nomem(err, "analysis by starting level");
fail:
    sentraj_analysis_free(a);
    a = NULL;
done:
    for (size_t i = 0; cats && i < ncat_rows; i++)
        free(cats[i]);
    free(cats);
    free(sets);
    free(off);
    free(members);
    free(lists);
    free(starts);
    free(count);
    levels_free(&L);
    return a;
}
