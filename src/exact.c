/* exact.c - placeholder while the exact engine is written. */
#include "exact.h"
#include "error.h"
#include <stdlib.h>
int exact_sum_distribution(const sentraj_sample *s, size_t max_len, exact_dist *out, sentraj_error *err)
{
    (void)s, (void)max_len, (void)out;
    return sentraj_fail(err, SENTRAJ_EINTERNAL, "exact engine not built yet");
}
int exact_studentized_distribution(const sentraj_sample *s, size_t max_cells, double **t, double **w, size_t *len,
                                   sentraj_error *err)
{
    (void)s, (void)max_cells, (void)t, (void)w, (void)len;
    return sentraj_fail(err, SENTRAJ_EINTERNAL, "exact engine not built yet");
}
void exact_dist_free(exact_dist *d)
{
    free(d->probs);
    d->probs = NULL;
}
