/* grow.h - room for one more element in a doubling array. */
#ifndef SENTRAJ_GROW_H
#define SENTRAJ_GROW_H

#include <stdlib.h>

/* Makes *p, an array of *cap elements of size sz holding n, hold at least
 * n + 1: doubles it, or allocates `first` elements when it is empty.
 * Returns 0, or -1 without memory (*p and *cap unchanged). Large blocks
 * grow by remapping pages (glibc's realloc), not by copying. */
static inline int array_grow(void **p, size_t *cap, size_t n, size_t sz, size_t first)
{
    size_t nc;
    void *np;

    if (n < *cap)
        return 0;
    nc = *cap ? *cap * 2 : first;
    if (!(np = realloc(*p, nc * sz)))
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

#endif
