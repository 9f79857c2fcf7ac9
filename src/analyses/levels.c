/* levels.c - sentiment levels: a window's mean binned to the nearest label of the scale. */
#include "analyses/levels.h"

#include "core/error.h"
#include "data/labels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void levels_free(levels *L)
{
    for (size_t i = 0; L->name && i < L->n; i++)
        free(L->name[i]);
    free(L->name);
    free(L->value);
    free(L->lq);
    memset(L, 0, sizeof *L);
}

int levels_init(levels *L, const sentraj_scale *scale, const sentraj_dataset *ds, sentraj_error *err)
{
    const sentraj_scale *sc = scale ? scale : labels_default_scale();
    size_t n = 0;

    memset(L, 0, sizeof *L);
    if (ds->lattice && sc->denom != ds->denom)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the label scale is not the one the data set was read with");
    L->denom = ds->lattice ? ds->denom : 0;
    L->value = malloc(sc->n * sizeof *L->value);
    L->lq = malloc(sc->n * sizeof *L->lq);
    L->name = calloc(sc->n, sizeof *L->name);
    if (!L->value || !L->lq || !L->name)
        goto nomem;
    /* Insertion by value: scales are short, and the first label of a value
     * (in the scale's order) names its level. */
    for (size_t i = 0; i < sc->n; i++) {
        double v = sc->entries[i].value;
        size_t at = 0;
        while (at < n && L->value[at] < v)
            at++;
        if (at < n && L->value[at] == v)
            continue;
        memmove(L->value + at + 1, L->value + at, (n - at) * sizeof *L->value);
        memmove(L->name + at + 1, L->name + at, (n - at) * sizeof *L->name);
        L->value[at] = v;
        L->name[at] = strdup(sc->entries[i].text);
        n++;
        if (!L->name[at]) {
            L->n = n;
            goto nomem;
        }
    }
    L->n = n;
    for (size_t i = 0; i < n; i++)
        L->lq[i] = L->denom ? (int64_t)nearbyint(L->value[i] * (double)L->denom) : 0;
    return SENTRAJ_OK;
nomem:
    levels_free(L);
    return sentraj_nomem(err, "label levels");
}

size_t levels_of_window(const levels *L, int64_t q, double sum, size_t window)
{
    size_t best = 0;

    for (size_t i = 1; i < L->n; i++) {
        int closer, tie;
        if (L->denom) {
            /* |q / (denom w) - lq / denom| compared as |q - w lq|, exactly;
             * the distance to the middle of the range as |2 lq - lo - hi|. */
            int64_t w = (int64_t)window, db = llabs(q - w * L->lq[best]), di = llabs(q - w * L->lq[i]);
            int64_t mid = L->lq[0] + L->lq[L->n - 1];
            closer = di < db;
            tie = di == db && llabs(2 * L->lq[i] - mid) < llabs(2 * L->lq[best] - mid);
        } else {
            double m = sum / (double)window, db = fabs(m - L->value[best]), di = fabs(m - L->value[i]);
            double mid = L->value[0] + L->value[L->n - 1];
            closer = di < db;
            tie = di == db && fabs(2 * L->value[i] - mid) < fabs(2 * L->value[best] - mid);
        }
        if (closer || tie)
            best = i;
    }
    return best;
}

size_t levels_start(const levels *L, const sentraj_dataset *ds, const kept_conv *k, size_t window)
{
    return ds->lattice ? levels_of_window(L, k->first_q, 0, window) : levels_of_window(L, 0, k->first_sum, window);
}

size_t levels_end(const levels *L, const sentraj_dataset *ds, const kept_conv *k, size_t window)
{
    return ds->lattice ? levels_of_window(L, k->last_q, 0, window) : levels_of_window(L, 0, k->last_sum, window);
}
