/* bootstrap.h - resampling engines for the mean of a sample. */
#ifndef SENTRAJ_BOOTSTRAP_H
#define SENTRAJ_BOOTSTRAP_H

#include "sentraj.h"

/* Bootstrap m samples in one pool of threads: sample i draws from the
 * streams of name hash hashes[i]. out[i] gets the result; when means is not
 * NULL and means[i] is not NULL, it receives sample i's B resampled means in
 * resample order. Returns SENTRAJ_OK, SENTRAJ_EUSAGE (bad config),
 * SENTRAJ_ELIMIT (a sample larger than 2^32 - 1) or SENTRAJ_ENOMEM. */
int boot_many(const sentraj_sample *const *samples, const uint64_t *hashes, size_t m, const sentraj_config *cfg,
              sentraj_boot_result *out, double *const *means, sentraj_error *err);

#endif
