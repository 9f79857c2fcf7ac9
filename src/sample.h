/* sample.h - a category's values in canonical order, ready for resampling. */
#ifndef SENTRAJ_SAMPLE_H
#define SENTRAJ_SAMPLE_H

#include "sentraj.h"

/* Values are sorted ascending, so the sample does not depend on the order
 * its values arrived in. On a lattice, value i is q[i] / denom exactly. */
struct sentraj_sample {
    size_t n;
    double *values;    /* sorted ascending */
    int lattice;
    int64_t denom;     /* lattice only */
    int32_t *q;        /* lattice only: sorted, q[i] / denom == values[i] */
    int8_t *q8;        /* the same as bytes when every q fits (the index engine's hot loop reads these) */
    size_t k;          /* distinct values */
    double *distinct;  /* ascending */
    uint64_t *counts;  /* how often each distinct value occurs */
    double mean;       /* NaN when n == 0 */
};

/* Build a lattice sample directly from integers (values q[i] / denom). */
sentraj_sample *sample_alloc_lattice(const int64_t *q, size_t n, int64_t denom, sentraj_error *err);

#endif
