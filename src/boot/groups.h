/* groups.h - the bootstrap of any statistic of one or more groups of values, from jointly resampled units. */
#ifndef SENTRAJ_GROUPS_H
#define SENTRAJ_GROUPS_H

#include "sentraj.h"

#include "boot/bootstrap.h"
#include "boot/ratio.h"
#include "boot/stat.h"

/*
 * The mean of one group of values is a sum, which boot/bootstrap.c and
 * boot/ratio.c resample; every other statistic (stat.h) needs what a
 * resample drew, not only its sum. Here a resample draws *units* (a
 * conversation, or a cluster of them) with replacement and counts, per
 * group, how many of each distinct value the drawn units carry; each
 * group's statistic then follows from its counts in O(K).
 *
 * Groups are what the rows compare: one group for a row of `analyze`
 * (units are its conversations, or its clusters), two for a row of
 * `compare` (the conversations of categories a and b; a conversation in
 * both is one unit that carries its value to both, so the two statistics
 * move together exactly as overlap makes them). A row's estimate is a
 * contrast sum_g w_g stat_g: w = (1) for analyze, (1, -1) for a difference.
 *
 * Units are the ratio bootstrap's (boot/ratio.h), with channel g * K + j
 * holding in n how many values j of group g the unit carries: sorted by
 * content and merged, so nothing depends on where they came from, and
 * drawn exactly as boot/draw.h fixes (index: m draws per resample; balanced;
 * multinomial: the counts of the distinct units). With one conversation per
 * unit and one group the draws are the ordinary engines', draw for draw.
 */

/* Units and the values they carry, ready for resampling. Immutable once
 * built; may be shared by threads. */
typedef struct groups_sample {
    ratio_sample *units;  /* nch = G * K channels */
    size_t G;
    stat_values vals;     /* the K distinct values of every group, ascending */
    double *v;            /* owned arrays behind vals */
    int64_t *q;
    double *total;        /* G * K: the counts of the whole sample */
    size_t *contrib;      /* G: units (multiplicities included) carrying a value of group g */
} groups_sample;

/* One value of a group carried by a unit, for groups_build: units are
 * numbered 0 .. nunits - 1, groups 0 .. G - 1, and the value is q (lattice)
 * or v. */
typedef struct groups_value {
    uint32_t unit;
    uint32_t group;
    int64_t q;
    double v;
} groups_value;

/* The sample of n values (vals is sorted in place). lattice: the q are the
 * values times denom; else the v. Returns NULL with err set (ENOMEM, or
 * ELIMIT past 2^32 - 1 units). */
groups_sample *groups_build(groups_value *vals, size_t n, size_t nunits, size_t G, int lattice, int64_t denom,
                            sentraj_error *err);
/* The one-group sample of an ordinary sample's values, one unit each:
 * units in the sample's value order, so the draws are those of the
 * ordinary engines for the same stream. O(n) for the index engine's table,
 * O(K) otherwise. Returns NULL with err set (ENOMEM). */
groups_sample *groups_from_sample(const sentraj_sample *s, sentraj_error *err);
void groups_free(groups_sample *gs);

/* Group g's statistic of the whole sample (NaN when it has no value), and
 * its number of values. */
double groups_estimate(const groups_sample *gs, const sentraj_config *cfg, size_t g);
uint64_t groups_values(const groups_sample *gs, size_t g);

/* One row to bootstrap: the contrast sum_g w[g] stat_g of a sample, drawn
 * from the streams of name hash h. */
typedef struct groups_row {
    const groups_sample *gs;
    uint64_t h;
    const double *w;      /* G weights; a group with weight 0 is not part of the row */
    /* Results. */
    double estimate;      /* the contrast of the whole sample */
    double ci_low, ci_high, se;
    double p_zero;        /* two-sided bootstrap p-value for a contrast of 0 (docs/statistics.md); NaN
                             without resampling */
    sentraj_ci_status status; /* ok, degenerate, too_few or refused; small is the caller's */
    sentraj_engine engine;
    size_t resamples;     /* B; 0 for the exact engine */
    size_t empty;         /* resamples in which a group of the row drew no value: left out */
    sentraj_error refused;/* code SENTRAJ_ELIMIT and why, when status is refused */
} groups_row;

/* Bootstrap m rows in one pool of threads with cfg's statistic, engine
 * (the exact engine only for a share of one group of single-value units),
 * method (not studentized), level, alternative, sim and seed. A row is
 * too_few when a group of it has fewer than 2 values or 2 units, and
 * degenerate when every group's statistic is the same in every resample.
 * Size limits (the balanced table; BCa's jackknife past 4e8 steps; the
 * exact distribution's length) refuse the row alone. keep, when not NULL,
 * receives each row's B resampled contrasts in resample order (rows that
 * drew every group in every resample), or the exact distribution. Returns
 * SENTRAJ_OK, SENTRAJ_EUSAGE, SENTRAJ_ENOMEM or SENTRAJ_EINTERNAL. */
int groups_boot_many(groups_row *rows, size_t m, const sentraj_config *cfg, boot_draws *keep, sentraj_error *err);

#endif
