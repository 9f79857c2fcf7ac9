/* alloc_watch.c - the command's allocation functions: the next ones in line, noting when one fails. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "cli.h"

#include <stdatomic.h>

static atomic_int failed;

int cli_alloc_failed(void)
{
    return atomic_load(&failed);
}

void cli_alloc_watch_reset(void)
{
    atomic_store(&failed, 0);
}

/* Defined in the executable, these come before every library's in the
 * search order, so every allocation of the process passes here (glibc's own
 * and every library's: cairo, fontconfig, pixman, jansson, zlib) and goes
 * on to the next definition: a preloaded one (a test's fault injector) or
 * glibc's. cairo and fontconfig carry on after some failed allocations with
 * a lesser result (fontconfig without part of its configuration, cairo
 * without a font subset): the drawing process asks here whether one failed.
 * Not in sanitizer builds, whose runtimes must own the allocator. */
#ifndef SENTRAJ_NO_ALLOC_WATCH
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

/* glibc's allocator under its own names: used until the next definitions
 * are found (dlsym itself may allocate). */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t k, size_t n);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);

static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void *(*next_memalign)(size_t, size_t);
static int (*next_posix_memalign)(void **, size_t, size_t);

__attribute__((constructor)) static void find_next(void)
{
    void *p;
#define FIND(var, name)                                                                                             \
    if ((p = dlsym(RTLD_NEXT, name)) != NULL)                                                                       \
        *(void **)&var = p;
    FIND(next_malloc, "malloc")
    FIND(next_calloc, "calloc")
    FIND(next_realloc, "realloc")
    FIND(next_memalign, "memalign")
    FIND(next_posix_memalign, "posix_memalign")
#undef FIND
}

static void *noted(void *p, size_t n)
{
    if (!p && n)
        atomic_store(&failed, 1);
    return p;
}

void *malloc(size_t n)
{
    return noted(next_malloc ? next_malloc(n) : __libc_malloc(n), n);
}

void *calloc(size_t k, size_t n)
{
    return noted(next_calloc ? next_calloc(k, n) : __libc_calloc(k, n), k * n);
}

void *realloc(void *p, size_t n)
{
    return noted(next_realloc ? next_realloc(p, n) : __libc_realloc(p, n), n);
}

void *memalign(size_t align, size_t n)
{
    return noted(next_memalign ? next_memalign(align, n) : __libc_memalign(align, n), n);
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

void *valloc(size_t n)
{
    return memalign((size_t)sysconf(_SC_PAGESIZE), n);
}

void *pvalloc(size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return memalign(page, (n + page - 1) / page * page);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    int rc;
    if (next_posix_memalign) {
        rc = next_posix_memalign(out, align, n);
    } else {
        void *p = __libc_memalign(align, n);
        rc = p ? 0 : errno;
        if (p)
            *out = p;
    }
    if (rc == ENOMEM)
        atomic_store(&failed, 1);
    return rc;
}
#endif
