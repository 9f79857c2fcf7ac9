/* order.c - the order of a result's rows: natural, by name, by value, or as listed; "all" last. */
#include "analyses/order.h"

#include "analyses/analysis.h"
#include "analyses/positions.h"
#include "core/error.h"
#include "core/namelist.h"
#include "core/natural.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One category while the rows are sorted: its name, the value it sorts by
 * (NaN: none) and where its rows are now. */
typedef struct ord_key {
    const char *name;
    double value;
    size_t at;
} ord_key;

static int cmp_natural(const void *pa, const void *pb)
{
    return natural_cmp(((const ord_key *)pa)->name, ((const ord_key *)pb)->name);
}

static int cmp_name(const void *pa, const void *pb)
{
    return strcmp(((const ord_key *)pa)->name, ((const ord_key *)pb)->name);
}

static int cmp_value(const void *pa, const void *pb)
{
    const ord_key *a = pa, *b = pb;
    int na = isnan(a->value), nb = isnan(b->value);

    if (na != nb)
        return na - nb;
    if (!na && a->value != b->value)
        return a->value > b->value ? -1 : 1;
    return cmp_natural(pa, pb);
}

/* Sort the n keys (the rows but "all") into the order o. */
static void sort_keys(ord_key *k, size_t n, sentraj_order o)
{
    qsort(k, n, sizeof *k, o == SENTRAJ_ORDER_NAME ? cmp_name : o == SENTRAJ_ORDER_VALUE ? cmp_value : cmp_natural);
}

/* Move n items of `size` bytes each, in blocks of `block` items, so that
 * block i comes from block k[i].at (blocks past n_keys stay). */
static int permute(void *base, size_t size, size_t block, const ord_key *k, size_t n_keys, sentraj_error *err)
{
    size_t bytes = size * block;
    unsigned char *tmp = malloc(n_keys * bytes > 0 ? n_keys * bytes : 1), *b = base;

    if (!tmp)
        return sentraj_nomem(err, "row order");
    for (size_t i = 0; i < n_keys; i++)
        memcpy(tmp + i * bytes, b + k[i].at * bytes, bytes);
    memcpy(b, tmp, n_keys * bytes);
    free(tmp);
    return SENTRAJ_OK;
}

/* Apply the order of the keys to every array of an analysis. */
static int analysis_permute(sentraj_analysis *a, const ord_key *k, size_t n, sentraj_error *err)
{
    int rc;

    if ((rc = permute(a->rows, sizeof *a->rows, 1, k, n, err)) != SENTRAJ_OK ||
        (rc = permute(a->names, sizeof *a->names, 1, k, n, err)) != SENTRAJ_OK)
        return rc;
    return a->draws ? permute(a->draws, sizeof *a->draws, 1, k, n, err) : SENTRAJ_OK;
}

int analysis_order(sentraj_analysis *a, sentraj_error *err)
{
    size_t n = a->nrows ? a->nrows - 1 : 0;
    ord_key *k = malloc((n ? n : 1) * sizeof *k);
    int rc;

    if (!k)
        return sentraj_nomem(err, "row order");
    for (size_t i = 0; i < n; i++)
        k[i] = (ord_key){a->names[i], a->rows[i].conversations ? a->rows[i].mean_delta : NAN, i};
    sort_keys(k, n, a->cfg.order);
    rc = analysis_permute(a, k, n, err);
    free(k);
    return rc;
}

/* The mean of a category's position means (NaN when it has none). */
static double positions_value(const sentraj_positions *p, size_t c)
{
    double sum = 0;
    size_t n = 0;

    for (size_t q = 0; q < p->npos; q++)
        if (isfinite(p->rows[c * p->npos + q].mean))
            sum += p->rows[c * p->npos + q].mean, n++;
    return n ? sum / (double)n : NAN;
}

static int positions_permute(sentraj_positions *p, const ord_key *k, size_t n, sentraj_error *err)
{
    int rc;

    if ((rc = permute(p->rows, sizeof *p->rows, p->npos, k, n, err)) != SENTRAJ_OK)
        return rc;
    return permute(p->names, sizeof *p->names, 1, k, n, err);
}

int positions_order(sentraj_positions *p, sentraj_error *err)
{
    size_t n = p->ncat ? p->ncat - 1 : 0;
    ord_key *k = malloc((n ? n : 1) * sizeof *k);
    int rc;

    if (!k)
        return sentraj_nomem(err, "row order");
    for (size_t i = 0; i < n; i++)
        k[i] = (ord_key){p->names[i], positions_value(p, i), i};
    sort_keys(k, n, p->cfg.order);
    rc = positions_permute(p, k, n, err);
    free(k);
    return rc;
}

/* The keys of n rows (names[i], "all" excluded) reordered as listed: the
 * listed names first in list order, then the others as they are. The list
 * is checked as a figure's order is, with the same messages: an empty or
 * repeated name, or names that are no row, are SENTRAJ_EUSAGE. */
static int listed_keys(char *const *names, size_t n, const char *const *list, size_t nlist, ord_key *k,
                       sentraj_error *err)
{
    unsigned char *used = calloc(n ? n : 1, 1);
    namelist unknown, known;
    size_t out = 0;

    if (!used)
        return sentraj_nomem(err, "row order");
    memset(&unknown, 0, sizeof unknown);
    for (size_t j = 0; j < nlist; j++) {
        size_t i = 0;
        if (!*list[j]) {
            free(used);
            return sentraj_fail(err, SENTRAJ_EUSAGE, "order: empty category name (item %zu)", j + 1);
        }
        for (size_t p = 0; p < j; p++)
            if (strcmp(list[p], list[j]) == 0) {
                free(used);
                return sentraj_fail(err, SENTRAJ_EUSAGE, "order: category \"%s\" given twice",
                                    sentraj_show(list[j], strlen(list[j])).s);
            }
        if (strcmp(list[j], "all") == 0)
            continue; /* "all" is always last */
        while (i < n && strcmp(names[i], list[j]) != 0)
            i++;
        if (i == n) {
            namelist_add(&unknown, list[j]);
            continue;
        }
        used[i] = 1;
        k[out++] = (ord_key){names[i], NAN, i};
    }
    if (unknown.shown + unknown.left) {
        size_t nu = unknown.shown + unknown.left;
        memset(&known, 0, sizeof known);
        for (size_t i = 0; i < n; i++)
            namelist_add(&known, names[i]);
        namelist_add(&known, "all");
        free(used);
        return sentraj_fail(err, SENTRAJ_EUSAGE, "order: %s not in the data: %s (categories: %s)",
                            nu == 1 ? "category" : "categories", namelist_end(&unknown), namelist_end(&known));
    }
    for (size_t i = 0; i < n; i++)
        if (!used[i])
            k[out++] = (ord_key){names[i], NAN, i};
    free(used);
    return SENTRAJ_OK;
}

int sentraj_analysis_reorder(sentraj_analysis *a, const char *const *names, size_t n, sentraj_error *err)
{
    size_t rows = a->nrows ? a->nrows - 1 : 0;
    ord_key *k = malloc((rows ? rows : 1) * sizeof *k);
    int rc;

    if (!k)
        return sentraj_nomem(err, "row order");
    if ((rc = listed_keys(a->names, rows, names, n, k, err)) == SENTRAJ_OK)
        rc = analysis_permute(a, k, rows, err);
    free(k);
    return rc;
}

int sentraj_positions_reorder(sentraj_positions *p, const char *const *names, size_t n, sentraj_error *err)
{
    size_t cats = p->ncat ? p->ncat - 1 : 0;
    ord_key *k = malloc((cats ? cats : 1) * sizeof *k);
    int rc;

    if (!k)
        return sentraj_nomem(err, "row order");
    if ((rc = listed_keys(p->names, cats, names, n, k, err)) == SENTRAJ_OK)
        rc = positions_permute(p, k, cats, err);
    free(k);
    return rc;
}
