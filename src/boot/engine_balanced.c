/* engine_balanced.c - balanced resampling: every value drawn exactly B times over the B resamples. */
#include "boot/engines.h"

void engine_balanced(const sentraj_sample *s, const uint32_t *perm, size_t b0, size_t b1, double *sum, double *sq)
{
    size_t n = s->n;

    for (size_t b = b0; b < b1; b++) {
        const uint32_t *p = perm + b * n;
        if (s->lattice) {
            int64_t acc = 0, acc2 = 0;
            for (size_t i = 0; i < n; i++) {
                int64_t v = s->q[p[i]];
                acc += v;
                acc2 += v * v;
            }
            sum[b] = (double)acc;
            if (sq)
                sq[b] = (double)acc2;
        } else {
            double acc = 0, acc2 = 0;
            for (size_t i = 0; i < n; i++) {
                double x = s->values[p[i]];
                acc += x;
                acc2 += x * x;
            }
            sum[b] = acc;
            if (sq)
                sq[b] = acc2;
        }
    }
}
