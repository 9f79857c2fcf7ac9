/* window.c - the first and last `window` human labels of each conversation's
 * ordered core, in a byte and a half a slot.
 *
 * Slot k < window holds human label k of the core; slot window + (j %
 * window) holds label j for the last `window` labels (a ring). A compact
 * slot is the low byte of the label's ordinal (its row number in the core)
 * and a label code:
 *   - code q stands for the label q / denom, and is used only when that
 *     double is the label exactly, so decoding gives back the same bits;
 *     codes take 4 bits when every value of the scale's lattice within its
 *     range is at most 7 / denom in size (the 5-point scale: q = -2 .. 2),
 *     8 bits otherwise;
 *   - a first-window ordinal is stored whole, so it must be below 256;
 *   - a ring ordinal o is found again from the core's row count as the
 *     largest o' <= rows - 1 with o' = o (mod 256), which needs the oldest
 *     ring label to be at most 255 rows before the core's last row.
 * A conversation with a label or a gap that does not fit is moved, once, to
 * the wide table: a double and a 32-bit ordinal a slot, found through the
 * index kept in its first compact bytes. The labels of usual data always
 * fit, so a conversation costs 3 * window bytes (4-bit codes) where it took
 * 12 * window, whatever its length. */
#include "data/window.h"

#include "core/error.h"
#include "core/testing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef SENTRAJ_TESTING
static int compact_on = 1;

void win_set_compact(int on)
{
    compact_on = on;
}
#else
#define compact_on 1
#endif

void win_set_scale(sentraj_dataset *ds)
{
    int64_t denom = ds->denom;
    double reach = fmax(fabs(ds->scale->min), fabs(ds->scale->max)) * (double)denom;
    size_t w = ds->window;

    for (int q = -WIN_CODE_MAX; q <= WIN_CODE_MAX; q++)
        ds->code_value[q + WIN_CODE_MAX] = denom > 0 ? (double)q / (double)denom : NAN;
    ds->code_scale = denom > 0 ? (double)denom : 0.0;
    /* Four-bit codes when every value of the scale's lattice fits. */
    ds->code_nibbles = denom > 0 && reach <= 7;
    ds->code_max = ds->code_nibbles ? 7 : WIN_CODE_MAX;
    ds->win_bytes = 2 * w + (ds->code_nibbles ? w : 2 * w);
    if (ds->win_bytes < sizeof(uint32_t))
        ds->win_bytes = sizeof(uint32_t); /* room for a wide-table index */
    ds->win_compact = compact_on;
}

int win_reserve(sentraj_dataset *ds, size_t cap)
{
    uint8_t *nw = realloc(ds->win, cap * ds->win_bytes);
    if (!nw)
        return -1;
    ds->win = nw;
    return 0;
}

void win_shrink(sentraj_dataset *ds, size_t keep, size_t wide_keep)
{
    size_t k = keep ? keep : 1, wk = (wide_keep ? wide_keep : 1) * 2 * ds->window;
    uint8_t *nw = realloc(ds->win, k * ds->win_bytes);

    if (nw)
        ds->win = nw;
    if (ds->wide_val && wide_keep < ds->wide_cap) {
        double *nv = realloc(ds->wide_val, wk * sizeof *nv);
        if (nv)
            ds->wide_val = nv;
        uint32_t *no = realloc(ds->wide_ord, wk * sizeof *no);
        if (no)
            ds->wide_ord = no;
        if (nv && no)
            ds->wide_cap = wide_keep ? wide_keep : 1;
    }
}

void win_free(sentraj_dataset *ds)
{
    free(ds->win);
    free(ds->wide_val);
    free(ds->wide_ord);
    ds->win = NULL;
    ds->wide_val = NULL;
    ds->wide_ord = NULL;
    ds->nwide = ds->wide_cap = 0;
}

/* The 2 * window slots of conversation c, decoded into out; slots that hold
 * no label yet are left as they are. */
void win_load(const sentraj_dataset *ds, size_t c, win_entry *out)
{
    const conv *cv = &ds->convs[c];
    size_t w = ds->window;
    uint64_t h = cv->humans;

    if (cv->wide) {
        size_t at = (size_t)win_wide_index(ds, c) * 2 * w;
        for (size_t k = 0; k < 2 * w; k++)
            out[k] = (win_entry){ds->wide_val[at + k], ds->wide_ord[at + k]};
        return;
    }
    const uint8_t *ord = win_compact(ds, c), *code = ord + 2 * w;
    for (size_t k = 0; k < w && k < h; k++)
        out[k] = (win_entry){ds->code_value[win_code_get(ds, code, k) + WIN_CODE_MAX], ord[k]};
    for (uint64_t j = h > w ? h - w : 0; j < h; j++) {
        size_t s = w + (size_t)(j % w);
        uint32_t last = cv->rows - 1;
        out[s] = (win_entry){ds->code_value[win_code_get(ds, code, s) + WIN_CODE_MAX],
                             last - ((last - ord[s]) & 255u)};
    }
}

/* A new place in the wide table for conversation c. */
static int wide_alloc(sentraj_dataset *ds, size_t c, sentraj_error *err)
{
    size_t w = ds->window;
    if (ds->nwide == UINT32_MAX)
        return sentraj_nomem(err, "wide conversation windows");
    if (ds->nwide == ds->wide_cap) {
        size_t nc = ds->wide_cap ? ds->wide_cap * 2 : 64;
        double *nv = realloc(ds->wide_val, nc * 2 * w * sizeof *nv);
        if (!nv)
            return sentraj_nomem(err, "wide conversation windows");
        ds->wide_val = nv;
        uint32_t *no = realloc(ds->wide_ord, nc * 2 * w * sizeof *no);
        if (!no)
            return sentraj_nomem(err, "wide conversation windows");
        ds->wide_ord = no;
        ds->wide_cap = nc;
    }
    uint32_t i = (uint32_t)ds->nwide++;
    memcpy(win_compact(ds, c), &i, sizeof i);
    ds->convs[c].wide = 1;
    return SENTRAJ_OK;
}

static void wide_put(sentraj_dataset *ds, size_t c, size_t k, win_entry e)
{
    size_t at = (size_t)win_wide_index(ds, c) * 2 * ds->window + k;
    ds->wide_val[at] = e.value;
    ds->wide_ord[at] = e.ordinal;
}

/* Move compact conversation c to the wide table, its slots as they are. */
static int promote(sentraj_dataset *ds, size_t c, sentraj_error *err)
{
    size_t w = ds->window;
    if (!ds->win_tmp && !(ds->win_tmp = malloc(2 * w * sizeof *ds->win_tmp)))
        return sentraj_nomem(err, "conversation windows");
    win_entry *e = ds->win_tmp;
    win_load(ds, c, e);
    if (wide_alloc(ds, c, err) != SENTRAJ_OK)
        return SENTRAJ_ENOMEM;
    uint64_t h = ds->convs[c].humans;
    for (size_t k = 0; k < w && k < h; k++)
        wide_put(ds, c, k, e[k]);
    for (uint64_t j = h > w ? h - w : 0; j < h; j++)
        wide_put(ds, c, w + (size_t)(j % w), e[w + j % w]);
    return SENTRAJ_OK;
}

int win_add_slow(sentraj_dataset *ds, size_t c, int human, double v, sentraj_error *err)
{
    conv *cv = &ds->convs[c];
    size_t w = ds->window;

    if (!cv->wide && promote(ds, c, err) != SENTRAJ_OK)
        return SENTRAJ_ENOMEM;
    if (human) {
        win_entry e = {v, cv->rows};
        if (cv->humans < w)
            wide_put(ds, c, cv->humans, e);
        wide_put(ds, c, w + cv->humans % w, e);
    }
    return SENTRAJ_OK;
}

/* Whether slot values e, of core c with its current counts, fit compact. */
static int fits(const sentraj_dataset *ds, size_t c, const win_entry *e)
{
    const conv *cv = &ds->convs[c];
    size_t w = ds->window;
    uint64_t h = cv->humans;
    for (size_t k = 0; k < w && k < h; k++)
        if (win_encode(ds, e[k].value) == WIN_NO_CODE || e[k].ordinal > 255)
            return 0;
    for (uint64_t j = h > w ? h - w : 0; j < h; j++) {
        const win_entry *x = &e[w + j % w];
        if (win_encode(ds, x->value) == WIN_NO_CODE || cv->rows - 1 - x->ordinal > 255)
            return 0;
    }
    return 1;
}

int win_store(sentraj_dataset *ds, size_t c, const win_entry *e, sentraj_error *err)
{
    size_t w = ds->window;
    uint64_t h = ds->convs[c].humans;

    if (!ds->convs[c].wide && win_compact_on(ds) && fits(ds, c, e)) {
        uint8_t *ord = win_compact(ds, c), *code = ord + 2 * w;
        for (size_t k = 0; k < 2 * w; k++) {
            int held = k < w ? k < h : h > 0 && (h >= w || k - w < h);
            if (!held)
                continue;
            win_code_set(ds, code, k, win_encode(ds, e[k].value));
            ord[k] = (uint8_t)e[k].ordinal;
        }
        return SENTRAJ_OK;
    }
    if (!ds->convs[c].wide && wide_alloc(ds, c, err) != SENTRAJ_OK)
        return SENTRAJ_ENOMEM;
    for (size_t k = 0; k < 2 * w; k++)
        wide_put(ds, c, k, e[k]);
    return SENTRAJ_OK;
}

int win_copy(sentraj_dataset *dst, size_t dc, const sentraj_dataset *src, size_t sc, sentraj_error *err)
{
    size_t w = dst->window;
    if (!src->convs[sc].wide) {
        memcpy(win_compact(dst, dc), win_compact(src, sc), dst->win_bytes);
        return SENTRAJ_OK;
    }
    dst->convs[dc].wide = 0;
    if (wide_alloc(dst, dc, err) != SENTRAJ_OK)
        return SENTRAJ_ENOMEM;
    size_t from = (size_t)win_wide_index(src, sc) * 2 * w, to = (size_t)win_wide_index(dst, dc) * 2 * w;
    memcpy(dst->wide_val + to, src->wide_val + from, 2 * w * sizeof *dst->wide_val);
    memcpy(dst->wide_ord + to, src->wide_ord + from, 2 * w * sizeof *dst->wide_ord);
    return SENTRAJ_OK;
}
