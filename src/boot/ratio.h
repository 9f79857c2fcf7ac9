/* cluster.h - the bootstrap of a ratio of sums over resampled units: clusters (--cluster-by) and positions. */
#ifndef SENTRAJ_CLUSTER_H
#define SENTRAJ_CLUSTER_H

#include "sentraj.h"

#include "boot/bootstrap.h"

/*
 * Both the one-stage cluster bootstrap of `analyze --cluster-by` and the
 * bootstrap of `sentraj positions` resample *units* that each carry a few
 * sums: a user with all of their conversations, or a conversation with its
 * labels at each position. A unit contributes to one or more *channels*
 * (the one mean of analyze; each position of positions) a sum of values y
 * and a count n. A channel's statistic is the ratio estimator
 *
 *     theta = sum_i y_i / sum_i n_i      (over the units, in units of 1/denom)
 *
 * -- the mean over conversations -- and a resample draws m units with
 * replacement and recomputes every channel's ratio from the drawn units
 * (Davison & Hinkley 1997, ch. 3.8; formulas in docs/statistics.md). With
 * one conversation per unit this is the ordinary bootstrap of the mean, draw
 * for draw: units are kept sorted by content, like a sample's values.
 */

/* One unit's contribution to one channel: the sum y of its values there (in
 * units of 1/denom: exact integers on a lattice) and how many values n. */
typedef struct unit_entry {
    uint32_t ch;
    double y;
    double n;
} unit_entry;

/* Units in canonical order: sorted by their entry lists (channel, y, n, ...),
 * identical units merged into one distinct unit with a multiplicity, so the
 * order and the draws do not depend on where the units came from.
 * Immutable once built; may be shared by threads. */
typedef struct ratio_sample {
    size_t m;         /* units, multiplicities included: the resample size */
    size_t k;         /* distinct units */
    size_t nch;       /* channels */
    uint64_t *count;  /* k: multiplicity of each distinct unit */
    size_t *off;      /* k + 1: distinct unit j's entries are e[off[j] .. off[j + 1]), channels ascending */
    unit_entry *e;
    uint32_t *expand; /* m: a drawn index in [0, m) -> its distinct unit */
    double denom;     /* a channel's mean is sum y / (denom * sum n) */
} ratio_sample;

/* Collects units before ratio_sample_build sorts and merges them. */
typedef struct ratio_builder {
    unit_entry *e;
    size_t ne, ecap;
    size_t *uoff; /* unit u's entries are e[uoff[u] .. uoff[u + 1]) */
    size_t nu, ucap;
} ratio_builder;

void ratio_builder_init(ratio_builder *b);
void ratio_builder_free(ratio_builder *b);
/* Add one unit with n entries; their channels must be ascending and
 * distinct, each below the sample's nch. A unit with no entries is allowed
 * (it is drawn but adds nothing). Returns SENTRAJ_OK or SENTRAJ_ENOMEM. */
int ratio_builder_add(ratio_builder *b, const unit_entry *entries, size_t n, sentraj_error *err);
/* The sample of the units added so far (the builder is emptied for reuse).
 * Returns NULL with err set (SENTRAJ_ENOMEM, or SENTRAJ_ELIMIT past 2^32 - 1
 * units). */
ratio_sample *ratio_sample_build(ratio_builder *b, size_t nch, double denom, sentraj_error *err);
void ratio_sample_free(ratio_sample *s);

/* One channel's bootstrap. */
typedef struct ratio_result {
    double estimate;         /* sum y / (denom * sum n); NaN when no unit contributes */
    double ci_low, ci_high;  /* NaN when TOO_FEW */
    double se;               /* sd of the resampled ratios (B - 1); 0 when DEGENERATE, NaN when TOO_FEW */
    sentraj_ci_status status;/* TOO_FEW: fewer than 2 units contribute; DEGENERATE: every contributing
                                unit has the same ratio y / n, so every resample equals the estimate */
    size_t units;            /* contributing units, multiplicities included */
    double n;                /* sum n: the values (conversations) behind the estimate */
    size_t empty;            /* resamples that drew no contributing unit: left out of the interval */
    size_t resamples;        /* B */
    sentraj_engine engine;   /* never AUTO */
} ratio_result;

/* Bootstrap m samples in one pool of threads: sample i draws resample b from
 * the stream sentraj_stream_seed(cfg->seed, hashes[i], b), so every channel
 * of a sample moves with the same draws and nothing depends on the thread
 * count. out[i] must hold samples[i]->nch results. cfg's engine may be auto
 * (multinomial when m >= 64 k, else index), index (with sim balanced too) or
 * multinomial; every interval method is supported. When keep is not NULL,
 * keep[i] receives sample i's B resampled ratios of channel 0, in resample
 * order (only for active samples with nch == 1). `what` names the feature
 * in error messages ("--cluster-by", "positions"). Returns SENTRAJ_OK,
 * SENTRAJ_EUSAGE (bad config; the exact engine, which has no ratio
 * distribution), SENTRAJ_ELIMIT (more than 2^32 - 1 units, or the resampled
 * sums would need more than max_doubles doubles) or SENTRAJ_ENOMEM. */
int ratio_boot_many(const ratio_sample *const *samples, const uint64_t *hashes, size_t m, const sentraj_config *cfg,
                    const char *what, size_t max_doubles, ratio_result *const *out, boot_draws *keep,
                    sentraj_error *err);

/* The BCa acceleration of channel ch's ratio from the jackknife over units
 * in closed form: leaving out unit i moves the ratio to
 * theta_(i) = (Y - y_i) / (N - n_i), so
 * a = sum U_i^3 / (6 (sum U_i^2)^(3/2)) with U_i = (m - 1)(theta_(.) - theta_(i)),
 * in O(entries). With one conversation per unit U_i = x_i - mean, the
 * ordinary closed form. 0 when undefined. Exposed for tests. */
double ratio_acceleration(const ratio_sample *s, size_t ch);
/* The studentized method's standard error of channel ch's estimate:
 * sqrt(m / (m - 1) sum_i (y_i - theta n_i)^2) / (N denom), the ratio's
 * linearisation (delta-method) variance; s / sqrt(n) with one conversation
 * per unit. NaN with fewer than 2 contributing units. Exposed for tests. */
double ratio_se_hat(const ratio_sample *s, size_t ch);

#endif
