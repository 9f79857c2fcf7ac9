/* driver.h - the one bootstrap driver: engines chosen, resamples cut into tasks and run on the thread pool. */
#ifndef SENTRAJ_DRIVER_H
#define SENTRAJ_DRIVER_H

#include "sentraj.h"

#include <stdatomic.h>


/*
 * Every bootstrap in sentraj -- of a category's mean (boot/bootstrap.c), of
 * a ratio of sums over clusters or positions (boot/ratio.c) -- runs here. A
 * caller describes each row to resample as a boot_item: the kind's sample,
 * the kernels that draw its resamples (boot/draw.h fixes the draws), how many
 * values a resample draws and how many doubles it accumulates. The driver
 * resolves nothing about statistics; it allocates the accumulators and the
 * balanced permutations, cuts the B resamples of every row into tasks of
 * BOOT_BLOCK, runs first the set-up tasks (an exact distribution, a balanced
 * permutation) and then the resampling tasks on the pool, has each row
 * finished (its interval computed) and reports the first error in row order.
 * Every resample has its own stream, so nothing depends on the thread count
 * or on the task size.
 *
 * Rows run in waves whose accumulators and tables take at most
 * BOOT_WAVE_BYTES together (a row that alone needs more runs alone), and a
 * wave's memory is freed once its rows are finished: memory does not grow
 * with rows x resamples, however many categories there are.
 */

/* Resamples per task: small enough to balance a few threads, large enough
 * that handing out a task costs nothing next to it. */
#define BOOT_BLOCK 64

/* Auto picks the multinomial engine when n >= BOOT_AUTO_RATIO * k: a
 * binomial draw of gsl_ran_multinomial costs about as much as 70 index
 * draws, so below that the index engine is faster (measured in
 * docs/statistics.md). */
#define BOOT_AUTO_RATIO 64

/* The memory a wave of rows may take for its accumulators, balanced tables
 * and prepared samples. */
#define BOOT_WAVE_BYTES ((size_t)16 << 20)

typedef struct boot_item boot_item;

/* How one kind of sample is resampled. Each resampling kernel fills
 * resamples [b0, b1) of it->acc and returns SENTRAJ_OK, or an error code with
 * err filled; kernels of one item run concurrently on disjoint resamples and
 * must write nothing else. exact (NULL when the kind has no exact engine)
 * computes the item's distribution into the caller's it->state. prepare
 * (may be NULL) readies an item just before its wave runs, e.g. expands its
 * sample for the index engine; finish (may be NULL: the caller then
 * finishes after boot_run) turns what the item drew into its result and
 * frees what prepare and exact made. prepare and finish run on
 * the calling thread, in row order. */
typedef struct boot_kernels {
    int (*prepare)(boot_item *it, const sentraj_config *cfg, sentraj_error *err);
    int (*exact)(boot_item *it, const sentraj_config *cfg, sentraj_error *err);
    int (*index)(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1, sentraj_error *err);
    int (*balanced)(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1, sentraj_error *err);
    int (*multinomial)(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1, sentraj_error *err);
    int (*finish)(boot_item *it, const sentraj_config *cfg, sentraj_error *err);
} boot_kernels;

struct boot_item {
    /* Set by the caller. An item with active == 0 is left alone. */
    const boot_kernels *kern;
    const void *sample;    /* the kind's sample, read by its kernels */
    void *state;           /* the kind's own per-item state */
    uint64_t h;            /* the stream hash of the row's name */
    size_t n;              /* draws per resample: values or units */
    size_t width;          /* doubles accumulated per resample (their layout is the kind's) */
    size_t extra_bytes;    /* what prepare and exact will allocate, about: counted in the wave's memory */
    sentraj_engine engine; /* from boot_resolve; exact items need kern->exact */
    int active;
    /* 1: a size limit this item meets (SENTRAJ_ELIMIT from its set-up, its
     * balanced table or a kernel) refuses this item alone: boot_run leaves
     * it with rc and err set and runs the others, and the caller reports
     * the row as refused. 0: such an error fails the whole run. */
    int refusable;
    /* Set by the driver. */
    int balanced;          /* index engine with sim balanced */
    double *acc;           /* B * width doubles; NULL for the exact engine */
    uint32_t *perm;        /* balanced: n * B indices */
    atomic_int failed;     /* a task of this item failed: rc and err are set */
    int rc;
    sentraj_error err;
};

/* The engine cfg asks for, with auto resolved for a sample of n values (or
 * units) of which k are distinct. Never SENTRAJ_ENGINE_AUTO. */
sentraj_engine boot_resolve(const sentraj_config *cfg, size_t n, size_t k);

/* Run the m items' bootstraps and finish each active one that has a finish
 * kernel (the others keep their accumulators for their caller). `what`
 * names the drawn things in the balanced table's size error ("values",
 * "units"). Returns SENTRAJ_OK, SENTRAJ_ELIMIT (a balanced table past
 * cfg->balanced_max), SENTRAJ_ENOMEM, or the first failing item's error
 * (rows after it are then left unfinished), except a refusable item's size
 * limit (see boot_item.refusable), which only that item's rc and err
 * record. Call boot_items_release afterwards, also after an error. */
int boot_run(boot_item *items, size_t m, const sentraj_config *cfg, const char *what, sentraj_error *err);

/* Free what the driver still holds in the m items (acc, perm: after an
 * error, a refusal, or for items without a finish kernel). */
void boot_items_release(boot_item *items, size_t m);

/* Whether item it was refused: refusable, and failed on a size limit. */
static inline int boot_item_refused(const boot_item *it)
{
    return it->refusable && it->rc == SENTRAJ_ELIMIT;
}

#endif
