/* sample.c - a category's values in canonical order, ready for resampling. */
#include "boot/sample.h"

#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* A lattice run: an integer and how often it occurs. */
typedef struct run {
    int64_t q;
    uint64_t count;
} run;

static int cmp_run(const void *a, const void *b)
{
    return cmp_i64(&((const run *)a)->q, &((const run *)b)->q);
}

/* Merge runs sorted by q that share a q; the number of runs left. */
static size_t merge_runs(run *r, size_t m)
{
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (k && r[k - 1].q == r[i].q)
            r[k - 1].count += r[i].count;
        else if (r[i].count)
            r[k++] = r[i];
    }
    return k;
}

/* An empty sample with room for m entries in its distinct values and counts
 * and in qd (lattice) or values (off the lattice). */
static sentraj_sample *sample_new(int lattice, size_t m, sentraj_error *err)
{
    sentraj_sample *s = calloc(1, sizeof *s);

    m = m ? m : 1;
    if (!s)
        return sentraj_nomem(err, "sample"), NULL;
    s->lattice = lattice;
    if (lattice)
        s->qd = malloc(m * sizeof *s->qd);
    else
        s->values = malloc(m * sizeof *s->values);
    s->distinct = malloc(m * sizeof *s->distinct);
    s->counts = malloc(m * sizeof *s->counts);
    if ((lattice ? !s->qd : !s->values) || !s->distinct || !s->counts) {
        sentraj_sample_free(s);
        return sentraj_nomem(err, "sample"), NULL;
    }
    return s;
}

/* The sample of k runs with ascending distinct q and nonzero counts. */
static sentraj_sample *lattice_from_runs(const run *r, size_t k, int64_t denom, sentraj_error *err)
{
    sentraj_sample *s;

    if (denom <= 0 || denom > INT32_MAX)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "lattice denominator %lld is out of range", (long long)denom), NULL;
    if (k && (r[0].q <= INT32_MIN || r[k - 1].q >= INT32_MAX)) {
        long long bad = (long long)(r[0].q <= INT32_MIN ? r[0].q : r[k - 1].q);
        return sentraj_fail(err, SENTRAJ_EUSAGE, "lattice value %lld does not fit in 32 bits", bad), NULL;
    }
    if (!(s = sample_new(1, k, err)))
        return NULL;
    s->denom = denom;
    s->k = k;
    for (size_t j = 0; j < k; j++) {
        if (r[j].count > SAMPLE_MAX - s->n) {
            sentraj_sample_free(s);
            return sentraj_fail(err, SENTRAJ_ELIMIT, "a sample of more than 2^32 - 1 values is larger than the "
                                                     "engines' limit"),
                   NULL;
        }
        s->qd[j] = (int32_t)r[j].q;
        s->distinct[j] = (double)r[j].q / (double)denom;
        s->counts[j] = r[j].count;
        s->n += r[j].count;
    }
    /* One rounding: the integer total over the exact denominator. */
    s->mean = s->n ? (double)sample_lattice_total(s) / ((double)denom * (double)s->n) : NAN;
    return s;
}

/* Runs of n lattice integers by counting, when their range is at most a few
 * times n (lattice data: a handful of distinct values). Returns the number
 * of runs, or SIZE_MAX when the range is too wide or memory is short. */
static size_t runs_by_counting(const int64_t *q, size_t n, run **out)
{
    int64_t lo = q[0], hi = q[0];
    size_t range, *count, k = 0;
    run *r;

    for (size_t i = 1; i < n; i++) {
        lo = q[i] < lo ? q[i] : lo;
        hi = q[i] > hi ? q[i] : hi;
    }
    if ((uint64_t)hi - (uint64_t)lo >= (n < 65536 ? 65536 : 4 * (uint64_t)n))
        return SIZE_MAX;
    range = (size_t)((uint64_t)hi - (uint64_t)lo) + 1;
    if (!(count = calloc(range, sizeof *count)))
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        count[(uint64_t)q[i] - (uint64_t)lo]++;
    for (size_t v = 0; v < range; v++)
        k += count[v] != 0;
    if (!(r = malloc(k * sizeof *r))) {
        free(count);
        return SIZE_MAX;
    }
    k = 0;
    for (size_t v = 0; v < range; v++)
        if (count[v])
            r[k++] = (run){(int64_t)((uint64_t)lo + v), count[v]};
    free(count);
    *out = r;
    return k;
}

sentraj_sample *sample_alloc_lattice(const int64_t *q, size_t n, int64_t denom, sentraj_error *err)
{
    sentraj_sample *s;
    run *r = NULL;
    size_t k = 0;

    if (n && (k = runs_by_counting(q, n, &r)) == SIZE_MAX) {
        int64_t *sorted = malloc(n * sizeof *sorted);
        r = malloc(n * sizeof *r);
        if (!sorted || !r) {
            free(sorted);
            free(r);
            return sentraj_nomem(err, "sample"), NULL;
        }
        memcpy(sorted, q, n * sizeof *q);
        qsort(sorted, n, sizeof *sorted, cmp_i64);
        for (size_t i = 0; i < n; i++)
            r[i] = (run){sorted[i], 1};
        free(sorted);
        k = merge_runs(r, n);
    }
    s = lattice_from_runs(r, k, denom, err);
    free(r);
    return s;
}

sentraj_sample *sample_alloc_lattice_runs(const int64_t *q, const uint64_t *counts, size_t m, int64_t denom,
                                          sentraj_error *err)
{
    run *r = malloc((m ? m : 1) * sizeof *r);
    sentraj_sample *s;

    if (!r)
        return sentraj_nomem(err, "sample"), NULL;
    for (size_t i = 0; i < m; i++)
        r[i] = (run){q[i], counts[i]};
    qsort(r, m, sizeof *r, cmp_run);
    s = lattice_from_runs(r, merge_runs(r, m), denom, err);
    free(r);
    return s;
}

int sample_expand(const sentraj_sample *s, sentraj_sample *full, sentraj_error *err)
{
    size_t n = s->n, i = 0;
    int bytes;

    *full = *s;
    if (!s->lattice)
        return SENTRAJ_OK;
    bytes = n && s->qd[0] >= INT8_MIN && s->qd[s->k - 1] <= INT8_MAX;
    full->q = malloc((n ? n : 1) * sizeof *full->q);
    full->q8 = bytes ? malloc(n) : NULL;
    if (!full->q || (bytes && !full->q8)) {
        sample_expand_free(full);
        return sentraj_nomem(err, "sample values");
    }
    for (size_t j = 0; j < s->k; j++)
        for (uint64_t c = 0; c < s->counts[j]; c++, i++)
            full->q[i] = s->qd[j];
    if (full->q8)
        for (i = 0; i < n; i++)
            full->q8[i] = (int8_t)full->q[i];
    return SENTRAJ_OK;
}

void sample_expand_free(sentraj_sample *full)
{
    if (full->lattice) {
        free(full->q);
        free(full->q8);
    }
    full->q = NULL;
    full->q8 = NULL;
}

int64_t sample_lattice_total(const sentraj_sample *s)
{
    /* Exact: n < 2^32 values of |q| < 2^31. */
    int64_t sum = 0;
    for (size_t j = 0; j < s->k; j++)
        sum += s->qd[j] * (int64_t)s->counts[j];
    return sum;
}

sentraj_sample *sentraj_sample_alloc(const double *values, size_t n, double denom, sentraj_error *err)
{
    sentraj_sample *s;
    int lattice = denom > 0;

    if (!(denom >= 0 && denom < 2147483648.0 && denom == floor(denom)))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "lattice denominator must be an integer in [0, 2^31)"), NULL;
    if (n > SAMPLE_MAX)
        return sentraj_fail(err, SENTRAJ_ELIMIT, "a sample of %zu values is larger than the engines' limit of "
                                                 "2^32 - 1", n),
               NULL;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i]))
            return sentraj_fail(err, SENTRAJ_EUSAGE, "sample value %zu is not a finite number", i), NULL;
        if (lattice) {
            double q = values[i] * denom;
            if (fabs(q) >= 2147483647.0 || fabs(q - nearbyint(q)) > 1e-9 * (1 + fabs(q)))
                lattice = 0;
        }
    }
    if (lattice) {
        int64_t *q = malloc((n ? n : 1) * sizeof *q);
        if (!q)
            return sentraj_nomem(err, "sample"), NULL;
        for (size_t i = 0; i < n; i++)
            q[i] = (int64_t)nearbyint(values[i] * denom);
        s = sample_alloc_lattice(q, n, (int64_t)denom, err);
        free(q);
        return s;
    }
    if (!(s = sample_new(0, n, err)))
        return NULL;
    s->n = n;
    if (n) {
        memcpy(s->values, values, n * sizeof *values);
        qsort(s->values, n, sizeof *s->values, cmp_double);
    }
    /* Distinct values and their counts, in ascending order. */
    for (size_t i = 0; i < n; i++) {
        if (s->k && s->distinct[s->k - 1] == s->values[i]) {
            s->counts[s->k - 1]++;
        } else {
            s->distinct[s->k] = s->values[i];
            s->counts[s->k++] = 1;
        }
    }
    {
        /* Sum in sorted order, so the mean does not depend on input order. */
        long double sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += s->values[i];
        s->mean = n ? (double)(sum / (long double)n) : NAN;
    }
    return s;
}

void sentraj_sample_free(sentraj_sample *s)
{
    if (!s)
        return;
    free(s->values);
    free(s->q);
    free(s->q8);
    free(s->qd);
    free(s->distinct);
    free(s->counts);
    free(s);
}

size_t sentraj_sample_size(const sentraj_sample *s)
{
    return s->n;
}

size_t sentraj_sample_distinct(const sentraj_sample *s)
{
    return s->k;
}

int sentraj_sample_is_lattice(const sentraj_sample *s)
{
    return s->lattice;
}

double sentraj_sample_mean(const sentraj_sample *s)
{
    return s->mean;
}
