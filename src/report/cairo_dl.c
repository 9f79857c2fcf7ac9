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

/* lock guards the rest. A failure for lack of memory is tried again at the
 * next call (memory may have been freed); any other failure is final. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded;
static char failure[512]; /* why loading failed (last time) */
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
 * address space), and "cannot create shared object descriptor", "cannot
 * create search path array", "cannot allocate dependency buffer", "cannot
 * extend global scope", "out of memory" or strerror(ENOMEM) when malloc
 * fails; every other failure (a missing file, a missing symbol, a bad ELF
 * header) reads differently. */
static int loader_out_of_memory(const char *why)
{
    static const char *const words[] = {"failed to map segment", "cannot map zero-fill", "cannot create",
                                        "cannot allocate", "cannot extend global scope", "out of memory",
                                        "Cannot allocate memory"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(why, words[i]))
            return 1;
    return 0;
}

/* cairo finds its fonts through fontconfig, which loads its configuration
 * on first use and, when that fails for lack of memory, tries again at once,
 * forever (FcConfigEnsure): the run hung in the first text measurement. So
 * the configuration is loaded here, once, by the call that gives up
 * (FcInitLoadConfigAndFonts returns NULL), and made current; cairo then
 * uses it. fontconfig comes with cairo, so its symbols are looked up through
 * cairo's handle; a cairo without fontconfig has nothing to do here. */
static void load_fontconfig(void *h)
{
    void *(*init)(void);
    int (*set_current)(void *);
    void (*destroy)(void *);
    void *config, *sym;

    if (!(sym = dlsym(h, "FcInitLoadConfigAndFonts")))
        return;
    memcpy(&init, &sym, sizeof sym);
    if (!(sym = dlsym(h, "FcConfigSetCurrent")))
        return;
    memcpy(&set_current, &sym, sizeof sym);
    if (!(sym = dlsym(h, "FcConfigDestroy")))
        return;
    memcpy(&destroy, &sym, sizeof sym);
    if (!(config = init())) {
        snprintf(failure, sizeof failure, "fontconfig could not load its configuration");
        failure_nomem = 1;
        return;
    }
    /* The current configuration holds its own reference. */
    if (!set_current(config)) {
        snprintf(failure, sizeof failure, "fontconfig could not load its fonts");
        failure_nomem = 1;
    }
    destroy(config);
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
    load_fontconfig(h);
}

int cairo_dl_load(sentraj_error *err, const char *name)
{
    int rc = SENTRAJ_OK;

    pthread_mutex_lock(&lock);
    if (!loaded && (!failure[0] || failure_nomem)) {
        failure[0] = '\0';
        failure_nomem = 0;
        load();
        loaded = !failure[0];
    }
    if (loaded)
        rc = SENTRAJ_OK;
    else if (failure_nomem)
        rc = sentraj_raise(err, SENTRAJ_ENOMEM, name, 0, 0,
                           "out of memory (cannot draw figures: the cairo library (%s) did not load: %s)", soname,
                           failure);
    else
        rc = sentraj_raise(err, SENTRAJ_EINTERNAL, name, 0, 0,
                           "cannot draw figures: the cairo library (%s) did not load: %s", soname, failure);
    pthread_mutex_unlock(&lock);
    return rc;
}
