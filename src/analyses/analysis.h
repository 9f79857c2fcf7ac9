/* analysis.h - the analysis object, shared by the ways of building one (data set, summary, starting level, grid). */
#ifndef SENTRAJ_ANALYSIS_H
#define SENTRAJ_ANALYSIS_H

#include "boot/bootstrap.h"
#include "boot/sample.h"
#include "data/dataset.h"

struct sentraj_analysis {
    sentraj_config cfg;
    size_t nrows;
    sentraj_result *rows;  /* category, conversations, window means filled by the builder */
    char **names;          /* row names, owned; "all" last */
    char **notes;          /* per row: why it was refused, owned; NULL otherwise */
    boot_draws *draws;     /* per row, when cfg.keep_resamples */
    char *cluster_by;      /* the data set's cluster column when clusters were resampled, owned; else NULL */
};

/* An analysis with m empty rows (names NULL, dropped unknown) and a copy of cfg. */
sentraj_analysis *analysis_alloc(const sentraj_config *cfg, size_t m, sentraj_error *err);

/* Bootstrap row i's sample samples[i] (borrowed) for every row, with the
 * streams of the row's name, the config's statistic, and store the
 * results: a row over an engine's limit is refused, a row with an interval
 * from fewer than cfg.small conversations is small. The names must be set. */
int analysis_bootstrap(sentraj_analysis *a, sentraj_sample *const *samples, sentraj_error *err);

/* Where the rows of an analysis of messages come from: the kept
 * conversations of ds, or another list of them in id order with their
 * window sums for another window (sensitivity). */
typedef struct analysis_src {
    const sentraj_dataset *ds; /* lattice, denominator and clusters */
    const kept_conv *kept;
    size_t nkept;
    size_t window;             /* of the window sums in kept */
} analysis_src;

/* The whole data set as a source. */
analysis_src analysis_src_of(const sentraj_dataset *ds);

/* Fill every row of a (names set): row i has the kept conversations
 * src->kept[members[i][0 .. count[i] - 1]] (ascending), or all of them when
 * members[i] is NULL. Window means, samples and the bootstrap (by
 * clusters when ds has them), with the statistic, statuses and notes. */
int analysis_fill(sentraj_analysis *a, const analysis_src *src, const uint32_t *const *members, const size_t *count,
                  sentraj_error *err);

/* The rows of an analysis of ds: its category names in order (bytewise for
 * SENTRAJ_ORDER_NAME, else natural: an order by value is the caller's to
 * apply), then "all". Returns cats.count + 1 malloc'ed strings in a
 * malloc'ed array (the caller owns both), or NULL with err set. */
char **analysis_row_names(const sentraj_dataset *ds, sentraj_order order, sentraj_error *err);

/* The id of category `name` in ds (which must hold it). */
uint32_t analysis_category_id(const sentraj_dataset *ds, const char *name);

/* Category membership by a counting sort: n items with category sets
 * sets[i]; on return members[off[c] .. off[c + 1]) are the items of
 * category c, ascending. members has room for n more entries after
 * off[ncat], for a caller that appends "all". Both arrays are malloc'ed and
 * the caller's. Returns SENTRAJ_OK or SENTRAJ_ENOMEM. */
int analysis_members(const sentraj_dataset *ds, const uint32_t *sets, size_t n, size_t **off, uint32_t **members,
                     sentraj_error *err);

/* The checks every analysis of a data set starts with: the config, a
 * finished data set whose min_human and window are the config's, and no
 * exact engine with clusters. `what` names the caller in messages. */
int analysis_check_call(const sentraj_dataset *ds, const sentraj_config *cfg, const char *what, sentraj_error *err);

#endif
