/* bootstrap.h - run the engines for many samples at once and turn draws into intervals. */
#ifndef SENTRAJ_BOOTSTRAP_H
#define SENTRAJ_BOOTSTRAP_H

#include "sentraj.h"

/* What a bootstrap drew, kept for --save-resamples: the B resampled means in
 * resample order (probs NULL), or the exact engine's support points and
 * probabilities. Arrays are malloc'ed and owned by the holder. */
typedef struct boot_draws {
    double *values;
    double *probs;
    size_t len;
} boot_draws;

/* Bootstrap m samples in one pool of threads: sample i draws from the
 * streams of name hash hashes[i]. out[i] gets the result; when keep is not
 * NULL, keep[i] receives what sample i drew (nothing for degenerate,
 * too-few and refused samples). When refused is not NULL, a sample over a
 * size limit (the exact engine's transform, the balanced table, the
 * engines' 2^32 - 1 values) gets status SENTRAJ_CI_REFUSED with NaN
 * interval and se, and refused[i] says why; the others are computed
 * (refused[i].code is SENTRAJ_OK for them). Returns SENTRAJ_OK,
 * SENTRAJ_EUSAGE (bad config, exact engine on non-lattice data),
 * SENTRAJ_ELIMIT (sizes past a documented limit, when refused is NULL),
 * SENTRAJ_ENOMEM or SENTRAJ_EINTERNAL. On error keep holds nothing. */
int boot_many(const sentraj_sample *const *samples, const uint64_t *hashes, size_t m, const sentraj_config *cfg,
              sentraj_boot_result *out, boot_draws *keep, sentraj_error *refused, sentraj_error *err);

/* Mark r refused: no interval and no standard error. */
void boot_result_refuse(sentraj_boot_result *r);

void boot_draws_free(boot_draws *keep, size_t m);

#endif
