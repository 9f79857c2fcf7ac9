/* blas.h - the few OpenBLAS calls sentraj makes, behind names that do not clash with GSL's CBLAS header. */
#ifndef SENTRAJ_BLAS_H
#define SENTRAJ_BLAS_H

#include <stddef.h>

/* y (rows) = C (rows x k, row-major) * v, where v is read with stride incv.
 * Never allocates (OpenBLAS's allocator can spin forever under a memory
 * limit): dgemv while its work space fits on the stack, else a ddot a row. */
void blas_gemv(size_t rows, size_t k, const double *c, const double *v, size_t incv, double *y);
/* Keep OpenBLAS single-threaded while sentraj's own pool runs. */
void blas_single_thread(void);

#endif
