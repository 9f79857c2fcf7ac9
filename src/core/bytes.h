/* bytes.h - equality of short byte strings without a library call. */
#ifndef SENTRAJ_BYTES_H
#define SENTRAJ_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* a[0, len) == b[0, len). The fields compared per row (ids, labels, roles,
 * categories) are a few to a few dozen bytes: overlapping 8-byte loads
 * that stay inside both strings beat a call to memcmp. */
static inline int bytes_equal(const char *a, const char *b, size_t len)
{
    uint64_t x, y;
    if (len >= 8) {
        size_t i = 0;
        for (; i + 8 < len; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + len - 8, 8);
        memcpy(&y, b + len - 8, 8);
        return x == y;
    }
    if (len >= 4) {
        uint32_t u, v, s, t;
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        memcpy(&s, a + len - 4, 4);
        memcpy(&t, b + len - 4, 4);
        return u == v && s == t;
    }
    for (size_t i = 0; i < len; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

#endif
