/* sample.h - a category's values in canonical order, ready for resampling. */
#ifndef SENTRAJ_SAMPLE_H
#define SENTRAJ_SAMPLE_H

#include "sentraj.h"

/* The most values a sample holds: the engines draw 32-bit indexes. */
#define SAMPLE_MAX ((size_t)UINT32_MAX)

/* A sample is its distinct values in ascending order with their counts, so
 * it does not depend on the order its values arrived in. On a lattice the
 * distinct values are qd[j] / denom exactly and the sample stores nothing
 * per value: the engines that index single values get them from
 * sample_expand. Off the lattice it also keeps the sorted values. */
struct sentraj_sample {
    size_t n;
    double *values;    /* off the lattice: sorted ascending; NULL on a lattice */
    int lattice;
    int64_t denom;     /* lattice only */
    int32_t *q;        /* expanded lattice only (sample_expand): sorted, q[i] / denom is value i */
    int8_t *q8;        /* the same as bytes when every q fits (the index engine's hot loop reads these) */
    size_t k;          /* distinct values */
    int32_t *qd;       /* lattice only: distinct[j] == qd[j] / denom */
    double *distinct;  /* ascending */
    uint64_t *counts;  /* how often each distinct value occurs */
    double mean;       /* NaN when n == 0 */
};

/* Build a lattice sample directly from n integers (values q[i] / denom). */
sentraj_sample *sample_alloc_lattice(const int64_t *q, size_t n, int64_t denom, sentraj_error *err);

/* The same from m integers each occurring counts[i] times, in any order and
 * possibly repeated: O(m log m), whatever the number of values. */
sentraj_sample *sample_alloc_lattice_runs(const int64_t *q, const uint64_t *counts, size_t m, int64_t denom,
                                          sentraj_error *err);

/* full becomes a copy of s that also holds one entry per value (q, and q8
 * when every value fits in a byte), for the index and balanced engines.
 * Off the lattice the copy shares s's arrays. Free the entries with
 * sample_expand_free, never with sentraj_sample_free. */
int sample_expand(const sentraj_sample *s, sentraj_sample *full, sentraj_error *err);
void sample_expand_free(sentraj_sample *full);

/* The exact sum of a lattice sample's integers. */
int64_t sample_lattice_total(const sentraj_sample *s);

#endif
