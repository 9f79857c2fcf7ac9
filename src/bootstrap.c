/* bootstrap.c - resampling engines for the mean of a sample. */
#include "bootstrap.h"

#include "error.h"
#include "intervals.h"
#include "pcg.h"
#include "pool.h"
#include "sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Resamples per task: small enough to balance a few threads, large enough
 * that handing out a task costs nothing next to it. Results do not depend
 * on it: every resample has its own stream. */
#define BLOCK 16

typedef struct task {
    size_t sample;
    size_t b0, b1;
} task;

typedef struct job {
    const sentraj_sample *const *samples;
    const uint64_t *hashes;
    uint64_t seed;
    double **means;
    task *tasks;
} job;

/* The index engine (Efron 1979): each resample draws n indices uniformly
 * with replacement and averages the values there. On a lattice the sum is an
 * exact integer, so the mean is one correctly rounded division. */
static void index_block(const sentraj_sample *s, uint64_t seed, uint64_t h, size_t b0, size_t b1, double *means)
{
    uint32_t n = (uint32_t)s->n;
    double dn = (double)s->n;

    for (size_t b = b0; b < b1; b++) {
        sentraj_pcg32 rng;
        sentraj_stream_seed(&rng, seed, h, (uint64_t)b);
        if (s->lattice) {
            const int32_t *q = s->q;
            int64_t sum = 0;
            for (uint32_t i = 0; i < n; i++)
                sum += q[pcg32_bounded_fast_inline(&rng, n)];
            means[b] = (double)sum / ((double)s->denom * dn);
        } else {
            const double *v = s->values;
            double sum = 0;
            for (uint32_t i = 0; i < n; i++)
                sum += v[pcg32_bounded_fast_inline(&rng, n)];
            means[b] = sum / dn;
        }
    }
}

static void run_task(void *ctx, size_t t)
{
    job *j = ctx;
    const task *tk = &j->tasks[t];
    index_block(j->samples[tk->sample], j->seed, j->hashes[tk->sample], tk->b0, tk->b1, j->means[tk->sample]);
}

int boot_many(const sentraj_sample *const *samples, const uint64_t *hashes, size_t m, const sentraj_config *cfg,
              sentraj_boot_result *out, double *const *means_out, sentraj_error *err)
{
    size_t B = cfg->resamples, ntasks = 0;
    double **means = NULL;
    task *tasks = NULL;
    double *scratch = NULL;
    int rc;
    job j;

    if ((rc = sentraj_config_check(cfg, err)) != SENTRAJ_OK)
        return rc;

    means = calloc(m ? m : 1, sizeof *means);
    if (!means)
        return sentraj_nomem(err, "bootstrap");
    for (size_t i = 0; i < m; i++) {
        const sentraj_sample *s = samples[i];
        sentraj_boot_result *r = &out[i];
        memset(r, 0, sizeof *r);
        r->estimate = s->mean;
        r->engine = SENTRAJ_ENGINE_INDEX;
        r->resamples = B;
        if (s->n < 2) {
            r->status = SENTRAJ_CI_TOO_FEW;
            r->ci_low = r->ci_high = r->se = NAN;
            continue;
        }
        if (s->k == 1) {
            /* Every resample of a constant sample is that constant. */
            r->status = SENTRAJ_CI_DEGENERATE;
            r->ci_low = r->ci_high = s->mean;
            r->se = 0;
            continue;
        }
        if (s->n > UINT32_MAX) {
            rc = sentraj_fail(err, SENTRAJ_ELIMIT, "a sample of %zu values is larger than the index engine's limit "
                                                   "of 2^32 - 1", s->n);
            goto out;
        }
        means[i] = means_out && means_out[i] ? means_out[i] : malloc(B * sizeof **means);
        if (!means[i]) {
            rc = sentraj_nomem(err, "resampled means");
            goto out;
        }
        ntasks += (B + BLOCK - 1) / BLOCK;
    }

    tasks = malloc((ntasks ? ntasks : 1) * sizeof *tasks);
    scratch = malloc(B * sizeof *scratch);
    if (!tasks || !scratch) {
        rc = sentraj_nomem(err, "bootstrap tasks");
        goto out;
    }
    ntasks = 0;
    for (size_t i = 0; i < m; i++) {
        if (!means[i])
            continue;
        for (size_t b = 0; b < B; b += BLOCK)
            tasks[ntasks++] = (task){i, b, b + BLOCK < B ? b + BLOCK : B};
    }
    j = (job){samples, hashes, cfg->seed, means, tasks};
    pool_run(cfg->threads, ntasks, run_task, &j, err);

    for (size_t i = 0; i < m; i++)
        if (means[i])
            intervals_from_means(means[i], B, cfg->level, scratch, &out[i]);
    rc = SENTRAJ_OK;
out:
    for (size_t i = 0; i < m; i++)
        if (means[i] && !(means_out && means_out[i]))
            free(means[i]);
    free(means);
    free(tasks);
    free(scratch);
    return rc;
}

int sentraj_boot_mean(const sentraj_sample *s, const char *name, const sentraj_config *cfg,
                      sentraj_boot_result *out, double *means, sentraj_error *err)
{
    uint64_t h = sentraj_hash_name(name, strlen(name));
    return boot_many(&s, &h, 1, cfg, out, &means, err);
}
