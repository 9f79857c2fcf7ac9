/* gsl_errors.c - GSL's failures reach sentraj as status codes, never as an abort. */
#include "core/gsl_errors.h"

#include <gsl/gsl_errno.h>
#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void turn_off(void)
{
    /* gsl_set_error_handler_off returns the handler it replaced: NULL is
     * GSL's default (abort); anything else the program installed. */
    gsl_error_handler_t *old = gsl_set_error_handler_off();

    if (old)
        gsl_set_error_handler(old);
}

void gsl_errors_off(void)
{
    pthread_once(&once, turn_off);
}
