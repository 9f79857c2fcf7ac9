/* columns.h - finding a named column in a CSV header: the column-name rule. */
#ifndef SENTRAJ_COLUMNS_H
#define SENTRAJ_COLUMNS_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

/* A header: n names (trimmed of blanks), each with its column position. */
typedef struct columns {
    const char **name;
    size_t *len;
    uint64_t *col;
    size_t n;
    const char *source; /* for errors */
    uint64_t line;
} columns;

/* The index of the column named want (wlen bytes): the one whose name is
 * exactly want; else the one that matches ignoring ASCII case. Returns -1
 * when none matches, or -2 with err set (SENTRAJ_EDATA) when two match
 * exactly, or two match ignoring case and none exactly. */
int columns_find(const columns *h, const char *want, size_t wlen, sentraj_error *err);
/* The error for a column that is not there, listing the header's names.
 * Returns SENTRAJ_EDATA. */
int columns_missing(const columns *h, const char *want, size_t wlen, sentraj_error *err);

#endif
