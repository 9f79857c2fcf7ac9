/* gsl_errors.h - GSL's failures reach sentraj as status codes, never as an abort. */
#ifndef SENTRAJ_GSL_ERRORS_H
#define SENTRAJ_GSL_ERRORS_H

/* GSL's default error handler prints and calls abort(): a failed allocation
 * of an FFT table or of a generator would end the program that embeds
 * sentraj instead of giving it SENTRAJ_ENOMEM or SENTRAJ_EINTERNAL. Every
 * library path that calls GSL calls this first. The first call turns GSL's
 * handler off (GSL then only returns its status, which sentraj checks),
 * unless the program has installed a handler of its own: that one is the
 * program's choice and stays. Thread-safe; later calls cost one load. */
void gsl_errors_off(void);

#endif
