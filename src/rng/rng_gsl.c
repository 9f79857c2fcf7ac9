/* rng_gsl.c - sentraj's pcg32 as a GSL random number generator type. */
#include "sentraj/rng_gsl.h"

#include "rng/pcg.h"

/* GSL calls these through the type's function pointers with r->state, a block
 * of type.size bytes that gsl_rng_alloc allocated (suitably aligned by
 * malloc) and that holds one sentraj_pcg32. */

static void pcg32_gsl_set(void *state, unsigned long int seed)
{
    sentraj_pcg32_seed(state, (uint64_t)seed, SENTRAJ_PCG32_DEFAULT_SEQ);
}

static unsigned long int pcg32_gsl_get(void *state)
{
    return pcg32_next_inline(state);
}

/* Division by 2^32 is exact, and the largest output gives 1 - 2^-32 < 1. */
static double pcg32_gsl_get_double(void *state)
{
    return pcg32_next_inline(state) / 4294967296.0;
}

/* Immutable: GSL only reads the type, and every generator keeps its own state. */
static const gsl_rng_type pcg32_gsl_type = {
    "sentraj-pcg32",           /* name */
    UINT32_MAX,                /* max */
    0,                         /* min */
    sizeof(sentraj_pcg32),     /* size */
    pcg32_gsl_set,
    pcg32_gsl_get,
    pcg32_gsl_get_double,
};

const gsl_rng_type *sentraj_gsl_rng_pcg32(void)
{
    return &pcg32_gsl_type;
}

/* The type pointer identifies our generators: gsl_rng_alloc and gsl_rng_clone
 * both store the type they were given. */
sentraj_pcg32 *sentraj_gsl_rng_state(gsl_rng *r)
{
    if (!r || r->type != &pcg32_gsl_type)
        return NULL;
    return r->state;
}
