/* cairo_dl.c - load cairo on the first figure (see cairo_dl.h). */
#define CAIRO_DL_IMPL
#include "report/cairo_dl.h"

#include "core/error.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef CAIRO_DL_SONAME
#define CAIRO_DL_SONAME "libcairo.so.2"
#endif

cairo_dl cairo_dl_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512]; /* empty once cairo is loaded */
static int failure_nomem; /* the loader ran out of address space or memory */

#ifdef SENTRAJ_TESTING
static const char *soname = CAIRO_DL_SONAME;

void cairo_dl_set_library(const char *name)
{
    soname = name;
}
#else
#define soname CAIRO_DL_SONAME
#endif

/* dlopen leaves errno alone and says only in words why it failed. glibc's
 * loader says "failed to map segment from shared object" or "cannot map
 * zero-fill pages" when mmap is refused (under `ulimit -v`, for lack of
 * address space) and "cannot allocate memory ..." or strerror(ENOMEM) when
 * malloc fails; every other failure (a missing file, a missing symbol) reads
 * differently. */
static int loader_out_of_memory(const char *why)
{
    static const char *const words[] = {"failed to map segment", "cannot map zero-fill", "cannot allocate memory",
                                        "Cannot allocate memory"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(why, words[i]))
            return 1;
    return 0;
}

static void load(void)
{
    /* Kept open for the life of the process: surfaces may outlive a call. */
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    const char *why;

    if (!h) {
        why = dlerror();
        snprintf(failure, sizeof failure, "%s", why ? why : "unknown reason");
        failure_nomem = loader_out_of_memory(failure);
        return;
    }
#define CAIRO_DL_SYM(f)                                                                                             \
    {                                                                                                               \
        void *sym = dlsym(h, "cairo_" #f);                                                                          \
        if (!sym) {                                                                                                 \
            snprintf(failure, sizeof failure, "it has no function cairo_%s", #f);                                  \
            return;                                                                                                 \
        }                                                                                                           \
        memcpy(&cairo_dl_fn.f, &sym, sizeof sym);                                                                   \
    }
    CAIRO_DL_FUNCTIONS(CAIRO_DL_SYM)
#undef CAIRO_DL_SYM
}

int cairo_dl_load(sentraj_error *err, const char *name)
{
    pthread_once(&once, load);
    if (!failure[0])
        return SENTRAJ_OK;
    if (failure_nomem)
        return sentraj_raise(err, SENTRAJ_ENOMEM, name, 0, 0,
                             "out of memory (cannot draw figures: the cairo library (%s) did not load: %s)", soname,
                             failure);
    return sentraj_raise(err, SENTRAJ_EINTERNAL, name, 0, 0,
                         "cannot draw figures: the cairo library (%s) did not load: %s", soname, failure);
}
