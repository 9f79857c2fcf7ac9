/* blas.c - the few OpenBLAS calls sentraj makes, behind names that do not clash with GSL's CBLAS header. */
#include "core/blas.h"

#include "sentraj.h"

/* OpenBLAS's header, not GSL's gsl_cblas.h: the two declare the same enums. */
#include <cblas.h>

/* OpenBLAS's level-2 and level-3 calls take their work space from its own
 * allocator unless it fits on the stack, and that allocator maps a 128 MiB
 * buffer and retries forever when the mapping fails: under a memory limit
 * such a call never returns. dgemv keeps its work space (m + n + 16 doubles,
 * rounded up to a multiple of 4) on the stack up to OpenBLAS's default
 * MAX_STACK_ALLOC of 2048 bytes, that is while rows + k <= 240; ddot needs
 * none. dgemm always allocates, so it is not used. */
#define GEMV_ON_STACK 240

void blas_gemv(size_t rows, size_t k, const double *c, const double *v, size_t incv, double *y)
{
    if (rows + k <= GEMV_ON_STACK) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (blasint)rows, (blasint)k, 1.0, c, (blasint)k, v, (blasint)incv,
                    0.0, y, 1);
        return;
    }
    for (size_t i = 0; i < rows; i++)
        y[i] = cblas_ddot((blasint)k, c + i * k, 1, v, (blasint)incv);
}

void blas_single_thread(void)
{
    /* Only when needed: after sentraj_blas_single_threaded has stopped the
     * worker pool, openblas_set_num_threads would start it again, and its
     * idle thread would spin beside sentraj's own for the rest of the run.
     * The serial flavour the build links always answers 1. */
    if (openblas_get_num_threads() != 1)
        openblas_set_num_threads(1);
}

/* A threaded OpenBLAS's own shutdown of its worker pool (exported by it but
 * not declared in its header; the serial flavour has none, hence weak). */
int blas_thread_shutdown_(void) __attribute__((weak));

void sentraj_blas_single_threaded(void)
{
    if (openblas_get_parallel() == 0)
        return;
    openblas_set_num_threads(1);
    if (blas_thread_shutdown_)
        blas_thread_shutdown_();
}
