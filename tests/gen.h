/* gen.h - a growing text for tests that write made-up inputs and dumps of outcomes (aborts when out of memory). */
#ifndef SENTRAJ_TESTS_GEN_H
#define SENTRAJ_TESTS_GEN_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct gen {
    char *buf;
    size_t len, cap;
} gen;

/* Appends printf-style text to g, growing it as needed. */
static inline void put(gen *g, const char *fmt, ...)
{
    va_list ap;
    int n;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(g->buf ? g->buf + g->len : NULL, g->buf ? g->cap - g->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            abort();
        if (g->buf && g->len + (size_t)n < g->cap)
            break;
        g->cap = (g->cap + (size_t)n + 1) * 2;
        g->buf = realloc(g->buf, g->cap);
        if (!g->buf)
            abort();
    }
    g->len += (size_t)n;
}

#endif
