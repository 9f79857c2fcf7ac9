/* pool.c - run independent tasks on a few threads. */
#include "core/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct pool_job {
    pool_fn fn;
    void *ctx;
    size_t ntasks;
    atomic_size_t next;
} pool_job;

unsigned pool_threads(unsigned requested)
{
    long n;
    if (requested)
        return requested;
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n < 1024 ? (unsigned)n : 1;
}

static void *worker(void *arg)
{
    pool_job *job = arg;
    for (;;) {
        size_t t = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
        if (t >= job->ntasks)
            break;
        job->fn(job->ctx, t);
    }
    return NULL;
}

int pool_run(unsigned threads, size_t ntasks, pool_fn fn, void *ctx, sentraj_error *err)
{
    pool_job job;
    pthread_t *tids;
    unsigned n = pool_threads(threads), started = 0;

    (void)err;
    job.fn = fn;
    job.ctx = ctx;
    job.ntasks = ntasks;
    atomic_init(&job.next, 0);
    if (n > ntasks)
        n = (unsigned)ntasks;
    if (n <= 1) {
        worker(&job);
        return SENTRAJ_OK;
    }
    tids = malloc((n - 1) * sizeof *tids);
    if (tids) {
        for (unsigned i = 0; i + 1 < n; i++) {
            if (pthread_create(&tids[i], NULL, worker, &job) != 0)
                break;
            started++;
        }
    }
    /* The calling thread works too; if no thread started it does everything. */
    worker(&job);
    for (unsigned i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    return SENTRAJ_OK;
}
