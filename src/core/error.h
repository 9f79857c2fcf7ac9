/* error.h - the one place errors are raised. */
#ifndef SENTRAJ_ERROR_H
#define SENTRAJ_ERROR_H

#include "sentraj.h"

#if defined(__GNUC__)
#define SENTRAJ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SENTRAJ_PRINTF(a, b)
#endif

/* Fill err (when not NULL) and return code, so callers can write
 * `return sentraj_raise(err, SENTRAJ_EDATA, src, line, col, "...", ...);`.
 * source may be NULL; "-" is recorded as "<stdin>". Every error in the
 * library goes through here: one breakpoint catches them all. */
int sentraj_raise(sentraj_error *err, int code, const char *source, uint64_t line, uint64_t col,
                  const char *fmt, ...) SENTRAJ_PRINTF(6, 7);

/* A piece of input text for an error message, on one line: at most 60
 * bytes of it (not cutting a UTF-8 character), then "..." when there is
 * more, escaped by sentraj_escape's rule. sentraj_raise escapes the whole
 * message anyway; this is for the length, and for bytes such as NUL that a
 * format's %s or %c cannot carry. */
typedef struct sentraj_shown {
    char s[256];
} sentraj_shown;

sentraj_shown sentraj_show(const char *s, size_t len);

/* Shorthand for errors that are not about an input position. */
#define sentraj_fail(err, code, ...) sentraj_raise((err), (code), NULL, 0, 0, __VA_ARGS__)

/* Out of memory, with what was being allocated. */
#define sentraj_nomem(err, what) sentraj_raise((err), SENTRAJ_ENOMEM, NULL, 0, 0, "out of memory (%s)", (what))

#endif
