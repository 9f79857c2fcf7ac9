/* sample.c - a category's values in canonical order, ready for resampling. */
#include "sample.h"

#include "error.h"

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

/* Sort n lattice integers into out by counting, when their range is at
 * most a few times n (lattice data: a handful of distinct values). Returns
 * 0, or -1 when the range is too wide or memory is short (then qsort). */
static int sort_by_counting(const int64_t *q, size_t n, int64_t *out)
{
    int64_t lo = q[0], hi = q[0];
    size_t range, *count, k = 0;

    for (size_t i = 1; i < n; i++) {
        lo = q[i] < lo ? q[i] : lo;
        hi = q[i] > hi ? q[i] : hi;
    }
    if ((uint64_t)hi - (uint64_t)lo >= (n < 65536 ? 65536 : 4 * (uint64_t)n))
        return -1;
    range = (size_t)((uint64_t)hi - (uint64_t)lo) + 1;
    count = calloc(range, sizeof *count);
    if (!count)
        return -1;
    for (size_t i = 0; i < n; i++)
        count[(uint64_t)q[i] - (uint64_t)lo]++;
    for (size_t v = 0; v < range; v++)
        for (size_t c = count[v]; c > 0; c--)
            out[k++] = (int64_t)((uint64_t)lo + v);
    free(count);
    return 0;
}

static sentraj_sample *sample_new(size_t n, int lattice, sentraj_error *err)
{
    sentraj_sample *s = calloc(1, sizeof *s);
    size_t m = n ? n : 1;
    if (!s)
        goto nomem;
    s->n = n;
    s->lattice = lattice;
    s->values = malloc(m * sizeof *s->values);
    s->distinct = malloc(m * sizeof *s->distinct);
    s->counts = malloc(m * sizeof *s->counts);
    if (lattice)
        s->q = malloc(m * sizeof *s->q);
    if (!s->values || !s->distinct || !s->counts || (lattice && !s->q))
        goto nomem;
    return s;
nomem:
    sentraj_sample_free(s);
    sentraj_nomem(err, "sample");
    return NULL;
}

/* Distinct values and counts of the sorted values. */
static void compress(sentraj_sample *s)
{
    s->k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->k && s->distinct[s->k - 1] == s->values[i]) {
            s->counts[s->k - 1]++;
        } else {
            s->distinct[s->k] = s->values[i];
            s->counts[s->k++] = 1;
        }
    }
}

sentraj_sample *sample_alloc_lattice(const int64_t *q, size_t n, int64_t denom, sentraj_error *err)
{
    sentraj_sample *s;
    int64_t *sorted;
    int64_t sum = 0;

    if (denom <= 0 || denom > INT32_MAX)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "lattice denominator %lld is out of range", (long long)denom), NULL;
    sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return sentraj_nomem(err, "sample"), NULL;
    if (n && sort_by_counting(q, n, sorted) != 0) {
        memcpy(sorted, q, n * sizeof *q);
        qsort(sorted, n, sizeof *sorted, cmp_i64);
    }
    for (size_t i = 0; i < n; i++) {
        if (sorted[i] <= INT32_MIN || sorted[i] >= INT32_MAX) {
            long long bad = (long long)sorted[i];
            free(sorted);
            return sentraj_fail(err, SENTRAJ_EUSAGE, "lattice value %lld does not fit in 32 bits", bad), NULL;
        }
    }
    s = sample_new(n, 1, err);
    if (!s) {
        free(sorted);
        return NULL;
    }
    s->denom = denom;
    for (size_t i = 0; i < n; i++) {
        s->q[i] = (int32_t)sorted[i];
        s->values[i] = (double)sorted[i] / (double)denom;
        sum += sorted[i];
    }
    free(sorted);
    if (n && s->q[0] >= INT8_MIN && s->q[n - 1] <= INT8_MAX) {
        s->q8 = malloc(n);
        if (!s->q8) {
            sentraj_sample_free(s);
            return sentraj_nomem(err, "sample"), NULL;
        }
        for (size_t i = 0; i < n; i++)
            s->q8[i] = (int8_t)s->q[i];
    }
    compress(s);
    /* One rounding: the integer total over the exact denominator. */
    s->mean = n ? (double)sum / ((double)denom * (double)n) : NAN;
    return s;
}

sentraj_sample *sentraj_sample_alloc(const double *values, size_t n, double denom, sentraj_error *err)
{
    sentraj_sample *s;
    int lattice = denom > 0;

    if (!(denom >= 0 && denom < 2147483648.0 && denom == floor(denom)))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "lattice denominator must be an integer in [0, 2^31)"), NULL;
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
    s = sample_new(n, 0, err);
    if (!s)
        return NULL;
    if (n) {
        memcpy(s->values, values, n * sizeof *values);
        qsort(s->values, n, sizeof *s->values, cmp_double);
    }
    compress(s);
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
