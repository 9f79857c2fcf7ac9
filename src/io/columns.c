/* columns.c - finding a named column in a CSV header: exact match first, then the one case-insensitive match. */
#include "io/columns.h"

#include "core/error.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int columns_find(const columns *h, const char *want, size_t wlen, sentraj_error *err)
{
    int exact = -1, folded = -1;

    for (size_t i = 0; i < h->n; i++) {
        if (h->len[i] != wlen || memcmp(h->name[i], want, wlen) != 0)
            continue;
        if (exact >= 0)
            return sentraj_raise(err, SENTRAJ_EDATA, h->source, h->line, h->col[i],
                                 "column \"%s\" appears twice in the header", sentraj_show(want, wlen).s),
                   -2;
        exact = (int)i;
    }
    if (exact >= 0)
        return exact;
    for (size_t i = 0; i < h->n; i++) {
        if (h->len[i] != wlen || strncasecmp(h->name[i], want, wlen) != 0)
            continue;
        if (folded >= 0) {
            char a[256];
            snprintf(a, sizeof a, "%s", sentraj_show(h->name[folded], h->len[folded]).s);
            return sentraj_raise(err, SENTRAJ_EDATA, h->source, h->line, h->col[i],
                                 "columns \"%s\" and \"%s\" both match \"%s\" ignoring case and neither "
                                 "exactly: name the column exactly as the header spells it",
                                 a, sentraj_show(h->name[i], h->len[i]).s, sentraj_show(want, wlen).s),
                   -2;
        }
        folded = (int)i;
    }
    return folded;
}

int columns_missing(const columns *h, const char *want, size_t wlen, sentraj_error *err)
{
    char have[256];
    size_t used = 0;

    have[0] = '\0';
    for (size_t i = 0; i < h->n && used < sizeof have - 8; i++) {
        int n = snprintf(have + used, sizeof have - used, "%s%s", i ? ", " : "",
                         sentraj_show(h->name[i], h->len[i]).s);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return sentraj_raise(err, SENTRAJ_EDATA, h->source, h->line, 0,
                         "missing required column \"%s\" (the header has: %s)", sentraj_show(want, wlen).s, have);
}
