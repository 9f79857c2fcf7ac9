/* window.h - compact window slots (see window.c): the per-row fast path
 * inline, the rest in window.c. */
#ifndef SENTRAJ_WINDOW_H
#define SENTRAJ_WINDOW_H

#include "dataset.h"

/* Set the label codes for the scale's lattice denominator (0: none). */
void win_set_denom(sentraj_dataset *ds, int64_t denom);
/* Room for the compact slots of cap conversations; -1 without memory. */
int win_reserve(sentraj_dataset *ds, size_t cap);
/* The 2 * window slots of conversation c decoded into out (slots that hold
 * no label yet are left as they are). */
void win_load(const sentraj_dataset *ds, size_t c, win_entry *out);
/* Replace the slots of conversation c, whose counts are already those of
 * the slots, by e (2 * window entries). SENTRAJ_OK or SENTRAJ_ENOMEM. */
int win_store(sentraj_dataset *ds, size_t c, const win_entry *e, sentraj_error *err);
/* Copy the slots of conversation sc of src to conversation dc of dst, whose
 * record is already a copy of sc's. SENTRAJ_OK or SENTRAJ_ENOMEM. */
int win_copy(sentraj_dataset *dst, size_t dc, const sentraj_dataset *src, size_t sc, sentraj_error *err);
/* Whether data sets allocated from now on start conversations in compact
 * slots (1, the default) or put every one in the wide table (0); the
 * results are the same (for tests; not thread-safe). */
void win_set_compact(int on);
/* win_add for a row the compact slots cannot take, or a wide conversation. */
int win_add_slow(sentraj_dataset *ds, size_t c, int human, double v, sentraj_error *err);

/* The compact slots of conversation c: 2 * window codes, then 2 * window
 * ordinal bytes. */
static inline uint8_t *win_compact(const sentraj_dataset *ds, size_t c)
{
    return ds->win + c * 4 * ds->window;
}

/* Label v as a code, or 0 when no code stands for it exactly. */
static inline int win_encode(const sentraj_dataset *ds, double v, int8_t *code)
{
    double x = v * ds->code_scale;
    if (!(x > -WIN_CODE_MAX - 0.5 && x < WIN_CODE_MAX + 0.5))
        return 0;
    int q = (int)(x < 0 ? x - 0.5 : x + 0.5);
    if (ds->code_value[q + WIN_CODE_MAX] != v)
        return 0;
    *code = (int8_t)q;
    return 1;
}

/* Add a row (a human one with label v) to the window of core c, before the
 * core's counts take the row. SENTRAJ_OK or SENTRAJ_ENOMEM. */
static inline int win_add(sentraj_dataset *ds, size_t c, int human, double v, sentraj_error *err)
{
    const conv *cv = &ds->convs[c];
    size_t w = ds->window;
    uint32_t r = cv->rows, h = cv->humans;
    uint8_t *code = win_compact(ds, c), *ord = code + 2 * w;
    int8_t q = 0;

    if (cv->wide || !ds->win_compact || (human && (!win_encode(ds, v, &q) || (h < w && r > 255))))
        return win_add_slow(ds, c, human, v, err);
    /* The oldest ring label after this row, unless it is this row, must
     * stay within 255 rows of it: its distance grows by one to r - o, and
     * (r - o) mod 256 is 0 only when that is 256. */
    uint64_t hn = (uint64_t)h + (human != 0);
    if (hn) {
        uint64_t oldest = hn > w ? hn - w : 0;
        if (!(human && oldest == h) && ((r - ord[w + oldest % w]) & 255u) == 0)
            return win_add_slow(ds, c, human, v, err);
    }
    if (human) {
        size_t s = w + h % w;
        if (h < w) {
            code[h] = (uint8_t)q;
            ord[h] = (uint8_t)r;
        }
        code[s] = (uint8_t)q;
        ord[s] = (uint8_t)r;
    }
    return SENTRAJ_OK;
}

#endif
