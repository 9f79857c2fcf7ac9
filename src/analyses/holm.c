/* holm.c - Holm's step-down adjustment of several p-values. */
#include "analyses/holm.h"

#include <math.h>
#include <stdlib.h>

typedef struct ranked {
    double p;
    size_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

int holm_adjust(const double *p, size_t n, double *out)
{
    ranked *r = malloc((n ? n : 1) * sizeof *r);
    size_t m = 0;
    double run = 0;

    if (!r)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isnan(p[i]))
            r[m++] = (ranked){p[i], i};
    qsort(r, m, sizeof *r, cmp_ranked);
    for (size_t i = 0; i < n; i++)
        if (isnan(p[i]))
            out[i] = NAN;
    for (size_t j = 0; j < m; j++) {
        double a = fmin(1.0, (double)(m - j) * r[j].p);
        run = fmax(run, a);
        out[r[j].i] = run;
    }
    free(r);
    return 0;
}
