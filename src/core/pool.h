/* pool.h - run independent tasks on a few threads. */
#ifndef SENTRAJ_POOL_H
#define SENTRAJ_POOL_H

#include "sentraj.h"

typedef void (*pool_fn)(void *ctx, size_t task);

/* The number of threads a setting means: 0 is every online core. */
unsigned pool_threads(unsigned requested);

/* Call fn(ctx, t) once for every t in [0, ntasks), on up to `threads`
 * threads (0 = all cores). Tasks are handed out in order through an atomic
 * counter; fn must only write memory that belongs to its task, which makes
 * the results independent of the thread count. The calling thread works
 * too, so every task runs even when no extra thread can be started; the
 * return value is always SENTRAJ_OK. */
int pool_run(unsigned threads, size_t ntasks, pool_fn fn, void *ctx, sentraj_error *err);

#endif
