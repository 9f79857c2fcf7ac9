/* holm.h - Holm's step-down adjustment of several p-values. */
#ifndef SENTRAJ_HOLM_H
#define SENTRAJ_HOLM_H

#include <stddef.h>

/* Holm (1979): with the m p-values that are not NaN sorted ascending,
 * p_(1) <= ... <= p_(m), the adjusted value of p_(i) is
 * max over j <= i of min(1, (m - j + 1) p_(j)); NaN stays NaN. Rejecting
 * every hypothesis whose adjusted value is at most alpha controls the
 * family-wise error rate at alpha. out may be p. Returns 0, or -1 without
 * memory (out untouched). Ties keep their input order, which cannot change
 * the adjusted values. */
int holm_adjust(const double *p, size_t n, double *out);

#endif
