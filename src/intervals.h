/* intervals.h - confidence intervals from a bootstrap distribution. */
#ifndef SENTRAJ_INTERVALS_H
#define SENTRAJ_INTERVALS_H

#include "sentraj.h"

/* Fill out->ci_low, ci_high and se from the B resampled means (in resample
 * order; `sorted` is scratch of B doubles). */
void intervals_from_means(const double *means, size_t B, double level, double *sorted, sentraj_boot_result *out);

#endif
