/* driver.c - the one bootstrap driver: engines chosen, resamples cut into tasks and run on the thread pool. */
#include "boot/driver.h"

#include "boot/draw.h"
#include "core/blas.h"
#include "core/error.h"
#include "core/pool.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct task {
    size_t item;
    size_t b0, b1; /* b1 == 0: the item's set-up (exact distribution, balanced permutation) */
} task;

typedef struct job {
    boot_item *items;
    const task *tasks;
    const sentraj_config *cfg;
    atomic_int stop;        /* 1 once cfg->interrupt asked to stop: the remaining tasks return at once */
} job;

sentraj_engine boot_resolve(const sentraj_config *cfg, size_t n, size_t k)
{
    if (cfg->engine != SENTRAJ_ENGINE_AUTO)
        return cfg->engine;
    if (cfg->sim == SENTRAJ_SIM_BALANCED)
        return SENTRAJ_ENGINE_INDEX;
    return n >= 2 && k * BOOT_AUTO_RATIO <= n ? SENTRAJ_ENGINE_MULTINOMIAL : SENTRAJ_ENGINE_INDEX;
}

/* Record a task's failure on its item; the first one wins, so concurrent
 * tasks of one item never write the error together. The run reports the
 * failing item of the lowest index, whatever the threads' timing. */
static void task_failed(boot_item *it, int rc, const sentraj_error *e)
{
    if (atomic_exchange_explicit(&it->failed, 1, memory_order_acq_rel) == 0) {
        it->rc = rc;
        it->err = *e;
    }
}

/* Whether the caller asked to stop (cfg->interrupt), now or in an earlier
 * task; the callback is not asked again once it has said so. The run then
 * fails as a whole (run_tasks), whatever each item's tasks got done. */
static int stop_asked(job *j)
{
    const sentraj_config *cfg = j->cfg;

    if (atomic_load_explicit(&j->stop, memory_order_relaxed))
        return 1;
    if (!cfg->interrupt || !cfg->interrupt(cfg->interrupt_ctx))
        return 0;
    atomic_store_explicit(&j->stop, 1, memory_order_relaxed);
    return 1;
}

static void run_task(void *ctx, size_t t)
{
    job *j = ctx;
    const task *tk = &j->tasks[t];
    boot_item *it = &j->items[tk->item];
    const sentraj_config *cfg = j->cfg;
    sentraj_error e;
    int rc;

    if (stop_asked(j))
        return;
    if (tk->b1 == 0) {
        if (it->engine == SENTRAJ_ENGINE_EXACT)
            rc = it->kern->exact(it, cfg, &e);
        else {
            draw_balanced_permutation(it->n, cfg->resamples, cfg->seed, it->h, it->perm);
            rc = SENTRAJ_OK;
        }
    } else if (it->engine == SENTRAJ_ENGINE_MULTINOMIAL) {
        rc = it->kern->multinomial(it, cfg, tk->b0, tk->b1, &e);
    } else if (it->balanced) {
        rc = it->kern->balanced(it, cfg, tk->b0, tk->b1, &e);
    } else {
        rc = it->kern->index(it, cfg, tk->b0, tk->b1, &e);
    }
    if (rc != SENTRAJ_OK)
        task_failed(it, rc, &e);
}

/* The memory item it takes while its wave runs. */
static size_t item_bytes(const boot_item *it, const sentraj_config *cfg)
{
    size_t B = cfg->resamples, bytes = it->extra_bytes;

    if (it->engine != SENTRAJ_ENGINE_EXACT) {
        bytes += B * it->width * sizeof(double);
        if (cfg->sim == SENTRAJ_SIM_BALANCED)
            bytes += B * it->n * sizeof(uint32_t);
    }
    return bytes;
}

/* The end of the wave that starts at item i0: items up to BOOT_WAVE_BYTES,
 * and at least one active item. */
static size_t wave_end(const boot_item *items, size_t m, size_t i0, const sentraj_config *cfg)
{
    size_t bytes = 0, j = i0;
    int any = 0;

    for (; j < m; j++) {
        size_t need;
        if (!items[j].active)
            continue;
        need = item_bytes(&items[j], cfg);
        if (any && need > BOOT_WAVE_BYTES - bytes)
            break;
        bytes = need > BOOT_WAVE_BYTES - bytes ? BOOT_WAVE_BYTES : bytes + need;
        any = 1;
    }
    return j;
}

/* Prepare the wave's active items, allocate their accumulators and balanced
 * tables, and count the tasks they make. */
static int allocate(boot_item *items, size_t m, const sentraj_config *cfg, const char *what, size_t *ntasks,
                    sentraj_error *err)
{
    size_t B = cfg->resamples;
    int rc;

    *ntasks = 0;
    for (size_t i = 0; i < m; i++) {
        boot_item *it = &items[i];
        atomic_init(&it->failed, 0);
        /* An inactive item keeps what its caller recorded (a refusal). */
        if (!it->active)
            continue;
        it->rc = SENTRAJ_OK;
        if (it->kern->prepare && (rc = it->kern->prepare(it, cfg, err)) != SENTRAJ_OK)
            return rc;
        if (it->engine == SENTRAJ_ENGINE_EXACT) {
            (*ntasks)++;
            continue;
        }
        it->balanced = cfg->sim == SENTRAJ_SIM_BALANCED;
        if (it->balanced) {
            if ((rc = draw_balanced_alloc(it->n, B, cfg->balanced_max, what, &it->perm, &it->err)) != SENTRAJ_OK) {
                it->rc = rc;
                if (rc == SENTRAJ_ELIMIT && it->refusable) {
                    /* This row alone is over the limit: it is left out. */
                    it->active = 0;
                    continue;
                }
                if (err)
                    *err = it->err;
                return rc;
            }
            (*ntasks)++;
        }
        it->acc = malloc(B * it->width * sizeof *it->acc);
        if (!it->acc)
            return sentraj_nomem(err, "resampled sums");
        *ntasks += (B + BOOT_BLOCK - 1) / BOOT_BLOCK;
    }
    return SENTRAJ_OK;
}

/* Run the tasks of m allocated items: the set-up tasks first, since the
 * resampling tasks read what they make. Failures are left on their items;
 * a stop asked by cfg->interrupt fails the run (SENTRAJ_EINTERRUPTED). */
static int run_tasks(boot_item *items, size_t m, const sentraj_config *cfg, size_t ntasks, sentraj_error *err)
{
    size_t B = cfg->resamples, n = 0;
    task *tasks = malloc((ntasks ? ntasks : 1) * sizeof *tasks);
    job j;

    if (!tasks)
        return sentraj_nomem(err, "bootstrap tasks");
    j.items = items;
    j.tasks = tasks;
    j.cfg = cfg;
    atomic_init(&j.stop, 0);
    for (size_t i = 0; i < m; i++)
        if (items[i].active && (items[i].engine == SENTRAJ_ENGINE_EXACT || items[i].balanced))
            tasks[n++] = (task){i, 0, 0};
    pool_run(cfg->threads, n, run_task, &j, err);
    n = 0;
    for (size_t i = 0; i < m; i++) {
        if (!items[i].active || items[i].engine == SENTRAJ_ENGINE_EXACT)
            continue;
        for (size_t b = 0; b < B; b += BOOT_BLOCK)
            tasks[n++] = (task){i, b, b + BOOT_BLOCK < B ? b + BOOT_BLOCK : B};
    }
    if (!atomic_load_explicit(&j.stop, memory_order_relaxed))
        pool_run(cfg->threads, n, run_task, &j, err);
    free(tasks);
    if (atomic_load_explicit(&j.stop, memory_order_relaxed))
        return sentraj_fail(err, SENTRAJ_EINTERRUPTED, "interrupted");
    return SENTRAJ_OK;
}

/* One wave: allocate, resample, then finish each row in order and free
 * what it held. */
static int run_wave(boot_item *items, size_t m, const sentraj_config *cfg, const char *what, sentraj_error *err)
{
    size_t ntasks;
    int rc;

    if ((rc = allocate(items, m, cfg, what, &ntasks, err)) != SENTRAJ_OK ||
        (rc = run_tasks(items, m, cfg, ntasks, err)) != SENTRAJ_OK)
        return rc;
    for (size_t i = 0; i < m; i++) {
        boot_item *it = &items[i];
        if (!it->active)
            continue;
        if (it->rc != SENTRAJ_OK) {
            if (!boot_item_refused(it)) {
                if (err)
                    *err = it->err;
                return it->rc;
            }
            /* Refused: its caller reports it; nothing to finish. */
            boot_items_release(it, 1);
            continue;
        }
        if (!it->kern->finish)
            continue;
        if ((rc = it->kern->finish(it, cfg, err)) != SENTRAJ_OK)
            return rc;
        boot_items_release(it, 1);
    }
    return SENTRAJ_OK;
}

int boot_run(boot_item *items, size_t m, const sentraj_config *cfg, const char *what, sentraj_error *err)
{
    int rc;

    /* OpenBLAS must not start threads of its own under ours. */
    blas_single_thread();
    for (size_t i = 0; i < m;) {
        size_t j = wave_end(items, m, i, cfg);
        /* Between waves too: a wave's set-up allocates before any task runs. */
        if (cfg->interrupt && cfg->interrupt(cfg->interrupt_ctx))
            return sentraj_fail(err, SENTRAJ_EINTERRUPTED, "interrupted");
        if ((rc = run_wave(items + i, j - i, cfg, what, err)) != SENTRAJ_OK)
            return rc;
        i = j;
    }
    return SENTRAJ_OK;
}

void boot_items_release(boot_item *items, size_t m)
{
    for (size_t i = 0; items && i < m; i++) {
        free(items[i].acc);
        free(items[i].perm);
        items[i].acc = NULL;
        items[i].perm = NULL;
    }
}
