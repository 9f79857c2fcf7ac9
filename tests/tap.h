/* tap.h - a tiny Test Anything Protocol harness shared by the unit tests. */
#ifndef SENTRAJ_TESTS_TAP_H
#define SENTRAJ_TESTS_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Each test program includes this header once; the counters are file-local. */
static int tap_count;
static int tap_failed;

/* Record one result; name is a path-like case name such as "csv/quoted-newline". */
static inline int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    tap_count++;
    if (!cond)
        tap_failed++;
    printf("%sok %d - ", cond ? "" : "not ", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    return cond;
}

/* A diagnostic line, shown by TAP consumers but not counted. */
static inline void tap_diag(const char *fmt, ...)
{
    va_list ap;
    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static inline void tap_skip(const char *name, const char *why)
{
    tap_count++;
    printf("ok %d - %s # SKIP %s\n", tap_count, name, why);
}

/* Compare two doubles with an absolute tolerance, printing both on failure. */
static inline int tap_near(double got, double want, double tol, const char *name)
{
    int ok = fabs(got - want) <= tol || (got == want);
    if (!tap_ok(ok, "%s", name))
        tap_diag("got %.17g, want %.17g (tolerance %g)", got, want, tol);
    return ok;
}

static inline int tap_eq_u64(unsigned long long got, unsigned long long want, const char *name)
{
    int ok = got == want;
    if (!tap_ok(ok, "%s", name))
        tap_diag("got %llu, want %llu", got, want);
    return ok;
}

static inline int tap_eq_str(const char *got, const char *want, const char *name)
{
    int ok = got && want && strcmp(got, want) == 0;
    if (!tap_ok(ok, "%s", name))
        tap_diag("got \"%s\", want \"%s\"", got ? got : "(null)", want ? want : "(null)");
    return ok;
}

/* Print the plan last and return the process exit status. */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif
