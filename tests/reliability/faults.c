/* faults.c - an LD_PRELOAD library that makes allocations or renames fail on demand, for the reliability tests.
 *
 * Environment:
 *   FAULTS_ALLOC_AT=N     allocation number N (counting from 0, from when this
 *                         library is initialised: after the other libraries'
 *                         constructors, before main) fails ...
 *   FAULTS_ALLOC_ALL=1    ... and so does every one after it (memory stays
 *                         exhausted); without it only allocation N fails.
 *   FAULTS_ALLOC_COUNT=F  at exit, write the number of allocations made to F
 *                         (by the process and the children it forked).
 *   FAULTS_RENAME=TEXT    rename() to a new name containing TEXT fails with
 *                         EIO (an output that cannot be moved into place).
 *
 * malloc, calloc, realloc (to a new size), and the aligned allocators are
 * counted; glibc's own functions (strdup, fopen, qsort, dlopen, ...) call
 * malloc through its public symbol, so they are counted too. A failed call
 * returns NULL with errno ENOMEM, as glibc's does.
 *
 * Built with FAULTS_RENAME_ONLY it leaves the allocator alone, so that it
 * can be preloaded into a sanitizer build, whose runtime owns malloc. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef FAULTS_RENAME_ONLY
/* glibc's allocator under its own names. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t k, size_t n);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);

/* Shared with child processes (sentraj draws figures in one), so that the
 * count runs on through the child and back: the parent waits for it. */
static atomic_long own_calls, *calls = &own_calls;
static long fail_at = -1;
static int fail_all;
static int armed;
static const char *count_file;

__attribute__((constructor)) static void arm(void)
{
    const char *at = getenv("FAULTS_ALLOC_AT"), *all = getenv("FAULTS_ALLOC_ALL");
    if (at && *at)
        fail_at = strtol(at, NULL, 10);
    fail_all = all && strcmp(all, "1") == 0;
    count_file = getenv("FAULTS_ALLOC_COUNT");
    {
        void *shared = mmap(NULL, sizeof *calls, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (shared != MAP_FAILED)
            calls = shared;
    }
    armed = 1;
}

__attribute__((destructor)) static void report(void)
{
    char buf[32];
    int fd, len;
    if (!count_file)
        return;
    len = snprintf(buf, sizeof buf, "%ld\n", (long)atomic_load(calls));
    fd = open(count_file, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd >= 0) {
        if (write(fd, buf, (size_t)len) != len) {
            /* nothing to do: the sweep reports a missing count */
        }
        close(fd);
    }
}

/* Whether this allocation fails. */
static int fails(void)
{
    long k;
    if (!armed)
        return 0;
    k = atomic_fetch_add(calls, 1);
    if (fail_at < 0 || k < fail_at || (k > fail_at && !fail_all))
        return 0;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t n)
{
    return fails() ? NULL : __libc_malloc(n);
}

void *calloc(size_t k, size_t n)
{
    return fails() ? NULL : __libc_calloc(k, n);
}

void *realloc(void *p, size_t n)
{
    /* realloc(p, 0) frees: that is not an allocation that can fail. */
    if (p && n == 0)
        return __libc_realloc(p, n);
    return fails() ? NULL : __libc_realloc(p, n);
}

void *reallocarray(void *p, size_t k, size_t n)
{
    if (n && k > (size_t)-1 / n) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, k * n);
}

void *memalign(size_t align, size_t n)
{
    return fails() ? NULL : __libc_memalign(align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    void *p;
    if (fails())
        return ENOMEM;
    p = __libc_memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
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

#endif

int rename(const char *from, const char *to)
{
    static int (*next)(const char *, const char *);
    const char *rename_fails = getenv("FAULTS_RENAME");
    if (rename_fails && *rename_fails && strstr(to, rename_fails)) {
        errno = EIO;
        return -1;
    }
    if (!next)
        *(void **)&next = dlsym(RTLD_NEXT, "rename");
    return next(from, to);
}
