/* blas.c - the few OpenBLAS calls sentraj makes, behind names that do not clash with GSL's CBLAS header. */
#include "core/blas.h"

#include "sentraj.h"

/* OpenBLAS's header, not GSL's gsl_cblas.h: the two declare the same enums. */
#include <cblas.h>

void blas_gemv(size_t rows, size_t k, const double *c, const double *v, size_t incv, double *y)
{
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (blasint)rows, (blasint)k, 1.0, c, (blasint)k, v, (blasint)incv, 0.0,
                y, 1);
}

void blas_gemm(size_t rows, size_t cols, size_t k, const double *c, const double *v, double *y)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)rows, (blasint)cols, (blasint)k, 1.0, c,
                (blasint)k, v, (blasint)cols, 0.0, y, (blasint)cols);
}

void blas_single_thread(void)
{
    /* Only when needed: after sentraj_blas_single_threaded has stopped the
     * worker pool, openblas_set_num_threads would start it again, and its
     * idle thread would spin beside sentraj's own for the rest of the run. */
    if (openblas_get_num_threads() != 1)
        openblas_set_num_threads(1);
}

/* OpenBLAS's own shutdown of its worker pool (exported by libopenblas but
 * not declared in its header); the pool is started again on demand. */
int blas_thread_shutdown_(void);

void sentraj_blas_single_threaded(void)
{
    openblas_set_num_threads(1);
    blas_thread_shutdown_();
}
