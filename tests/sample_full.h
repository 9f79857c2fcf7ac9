/* sample_full.h - tests that read a lattice sample value by value. */
#ifndef SENTRAJ_TEST_SAMPLE_FULL_H
#define SENTRAJ_TEST_SAMPLE_FULL_H

#include "boot/sample.h"

#include <stdlib.h>

/* s (taken over) with its per-value entries (sample_expand), as one sample
 * that sentraj_sample_free frees whole; NULL when s is NULL or memory is
 * short. */
static inline sentraj_sample *sample_full(sentraj_sample *s)
{
    sentraj_sample *full = s ? malloc(sizeof *full) : NULL;

    if (!full || sample_expand(s, full, NULL) != SENTRAJ_OK) {
        free(full);
        sentraj_sample_free(s);
        return NULL;
    }
    /* full now holds every array s held: free only s's own record. */
    free(s);
    return full;
}

#endif
