/* analysis.h - the analysis object, shared by the ways of building one (data set, summary). */
#ifndef SENTRAJ_ANALYSIS_H
#define SENTRAJ_ANALYSIS_H

#include "boot/bootstrap.h"
#include "boot/sample.h"

struct sentraj_analysis {
    sentraj_config cfg;
    size_t nrows;
    sentraj_result *rows;  /* category, conversations, window means filled by the builder */
    char **names;          /* row names, owned; "all" last */
    boot_draws *draws;     /* per row, when cfg.keep_resamples */
    char *cluster_by;      /* the data set's cluster column when clusters were resampled, owned; else NULL */
};

/* An analysis with m empty rows (names NULL) and a copy of cfg. */
sentraj_analysis *analysis_alloc(const sentraj_config *cfg, size_t m, sentraj_error *err);

/* Bootstrap row i's sample samples[i] (borrowed) for every row, with the
 * streams of the row's name, and store the results. The names must be set. */
int analysis_bootstrap(sentraj_analysis *a, sentraj_sample *const *samples, sentraj_error *err);

#endif
