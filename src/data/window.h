/* window.h - compact window slots (see window.c): the per-row fast path
 * inline, the rest in window.c. */
#ifndef SENTRAJ_WINDOW_H
#define SENTRAJ_WINDOW_H

#include "data/dataset.h"

#include <string.h>

/* Set the label codes and the slot layout for the data set's scale and
 * window (ds->scale, ds->denom, ds->window). */
void win_set_scale(sentraj_dataset *ds);
/* Room for the compact slots of cap conversations; -1 without memory. */
int win_reserve(sentraj_dataset *ds, size_t cap);
/* Give back the slots of the conversations past the first keep, and the
 * wide table past wide_keep places (the kept conversations' places are all
 * below it); a failed realloc keeps the larger block. */
void win_shrink(sentraj_dataset *ds, size_t keep, size_t wide_keep);
/* Free every conversation's slots, compact and wide. */
void win_free(sentraj_dataset *ds);
/* The 2 * window slots of conversation c decoded into out (slots that hold
 * no label yet are left as they are). */
void win_load(const sentraj_dataset *ds, size_t c, win_entry *out);
/* Replace the slots of conversation c, whose counts are already those of
 * the slots, by e (2 * window entries). SENTRAJ_OK or SENTRAJ_ENOMEM. */
int win_store(sentraj_dataset *ds, size_t c, const win_entry *e, sentraj_error *err);
/* Copy the slots of conversation sc of src to conversation dc of dst, whose
 * record is already a copy of sc's. SENTRAJ_OK or SENTRAJ_ENOMEM. */
int win_copy(sentraj_dataset *dst, size_t dc, const sentraj_dataset *src, size_t sc, sentraj_error *err);
#ifdef SENTRAJ_TESTING
/* Whether data sets allocated from now on start conversations in compact
 * slots (1, the default) or put every one in the wide table (0); the
 * results are the same. A test knob (core/testing.h), not thread-safe. */
void win_set_compact(int on);
/* Whether ds's conversations start in compact slots: as the knob was when
 * ds was allocated. */
static inline int win_compact_on(const sentraj_dataset *ds)
{
    return ds->win_compact;
}
#else
/* The library always starts conversations in compact slots. */
static inline int win_compact_on(const sentraj_dataset *ds)
{
    (void)ds;
    return 1;
}
#endif
/* win_add for a row the compact slots cannot take, or a wide conversation. */
int win_add_slow(sentraj_dataset *ds, size_t c, int human, double v, sentraj_error *err);

/* The compact slots of conversation c: 2 * window ordinal bytes, then 2 *
 * window codes of 4 or 8 bits (ds->win_bytes bytes in all). */
static inline uint8_t *win_compact(const sentraj_dataset *ds, size_t c)
{
    return ds->win + c * ds->win_bytes;
}

/* The wide-table place of conversation c (which is wide), kept in its first
 * compact bytes. */
static inline uint32_t win_wide_index(const sentraj_dataset *ds, size_t c)
{
    uint32_t i;
    memcpy(&i, win_compact(ds, c), sizeof i);
    return i;
}

/* Code k of the codes at p: a signed nibble (low nibble first) or byte. */
static inline int win_code_get(const sentraj_dataset *ds, const uint8_t *p, size_t k)
{
    if (!ds->code_nibbles)
        return (int8_t)p[k];
    uint8_t b = p[k >> 1];
    return (int8_t)(k & 1 ? b & 0xF0 : (uint8_t)(b << 4)) >> 4;
}

static inline void win_code_set(const sentraj_dataset *ds, uint8_t *p, size_t k, int q)
{
    if (!ds->code_nibbles)
        p[k] = (uint8_t)q;
    else if (k & 1)
        p[k >> 1] = (uint8_t)((p[k >> 1] & 0x0F) | ((unsigned)q & 15) << 4);
    else
        p[k >> 1] = (uint8_t)((p[k >> 1] & 0xF0) | ((unsigned)q & 15));
}

/* x mod w, with the division by the default window of 3 done by the
 * compiler's multiply: this runs for every row. */
static inline size_t win_mod(uint64_t x, size_t w)
{
    return w == 3 ? (size_t)(x % 3) : (size_t)(x % w);
}

/* Label v's code, or WIN_NO_CODE when no code stands for it exactly. The
 * rounding is branch-free (labels' signs do not predict): x + 128.5 is
 * positive, so truncating it rounds x to the nearest integer, halves up. */
#define WIN_NO_CODE 1000
static inline int win_encode(const sentraj_dataset *ds, double v)
{
    double x = v * ds->code_scale;
    if (!(x > -ds->code_max - 0.5 && x < ds->code_max + 0.5))
        return WIN_NO_CODE;
    int q = (int)(x + 128.5) - 128;
    return ds->code_value[q + WIN_CODE_MAX] == v ? q : WIN_NO_CODE;
}

/* Add a row (a human one with label v, whose win_encode is q) to the
 * window of core c, before the core's counts take the row. SENTRAJ_OK or
 * SENTRAJ_ENOMEM. */
static inline int win_add(sentraj_dataset *ds, size_t c, int human, double v, int q, sentraj_error *err)
{
    const conv *cv = &ds->convs[c];
    size_t w = ds->window;
    uint32_t r = cv->rows, h = cv->humans;
    uint8_t *ord = win_compact(ds, c), *code = ord + 2 * w;

    if (cv->wide || !win_compact_on(ds) || (human && (q == WIN_NO_CODE || (h < w && r > 255))))
        return win_add_slow(ds, c, human, v, err);
    /* The oldest ring label after this row, unless it is this row, must
     * stay within 255 rows of it: its distance grows by one to r - o, and
     * (r - o) mod 256 is 0 only when that is 256. */
    uint64_t hn = (uint64_t)h + (human != 0);
    if (hn) {
        uint64_t oldest = hn > w ? hn - w : 0;
        if (!(human && oldest == h) && ((r - ord[w + win_mod(oldest, w)]) & 255u) == 0)
            return win_add_slow(ds, c, human, v, err);
    }
    if (human) {
        size_t s = w + win_mod(h, w);
        if (h < w) {
            win_code_set(ds, code, h, q);
            ord[h] = (uint8_t)r;
        }
        win_code_set(ds, code, s, q);
        ord[s] = (uint8_t)r;
    }
    return SENTRAJ_OK;
}

#endif
