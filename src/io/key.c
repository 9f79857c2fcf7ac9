/* key.c - conversation keys as the readers build them: composite keys, per-file scope, UTF-8 checks. */
#include "io/key.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static int reserve(key_buf *kb, size_t need, sentraj_error *err)
{
    if (need <= kb->cap)
        return SENTRAJ_OK;
    size_t nc = kb->cap ? kb->cap : 64;
    while (nc < need)
        nc *= 2;
    char *ns = realloc(kb->s, nc);
    if (!ns)
        return sentraj_nomem(err, "conversation key");
    kb->s = ns;
    kb->cap = nc;
    return SENTRAJ_OK;
}

int key_build(key_buf *kb, const char *prefix, size_t prefix_len, const char *const *parts, const size_t *lens,
              size_t n, sentraj_error *err)
{
    size_t need = prefix_len + n;
    char *o;

    /* Every byte of a part may need an escape: twice its length bounds it. */
    for (size_t i = 0; i < n; i++)
        need += 2 * lens[i];
    if (reserve(kb, need, err) != SENTRAJ_OK)
        return SENTRAJ_ENOMEM;
    o = kb->s;
    if (prefix_len)
        memcpy(o, prefix, prefix_len), o += prefix_len;
    if (n == 1) {
        memcpy(o, parts[0], lens[0]);
        o += lens[0];
    } else {
        for (size_t i = 0; i < n; i++) {
            if (i)
                *o++ = '|';
            for (size_t k = 0; k < lens[i]; k++) {
                char c = parts[i][k];
                if (c == '|' || c == '\\')
                    *o++ = '\\';
                *o++ = c;
            }
        }
    }
    kb->len = (size_t)(o - kb->s);
    return SENTRAJ_OK;
}

void key_buf_free(key_buf *kb)
{
    free(kb->s);
    kb->s = NULL;
    kb->len = kb->cap = 0;
}

size_t key_split_names(const char *s, const char **names, size_t *lens)
{
    size_t n = 0;
    for (;;) {
        const char *comma = strchr(s, ','), *b = s;
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        while (len && (*b == ' ' || *b == '\t'))
            b++, len--;
        while (len && (b[len - 1] == ' ' || b[len - 1] == '\t'))
            len--;
        if (len == 0 || n == KEY_MAX_PARTS)
            return 0;
        names[n] = b;
        lens[n++] = len;
        if (!comma)
            return n;
        s = comma + 1;
    }
}

size_t key_utf8_invalid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        if (n - i >= 8) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            if (!(w & UINT64_C(0x8080808080808080))) {
                i += 8;
                continue;
            }
        }
        unsigned c = u[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF; /* the range of the second byte */
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            len = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        else if (c >= 0xF0 && c <= 0xF4)
            len = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        else
            return i;
        if (n - i < len || u[i + 1] < lo || u[i + 1] > hi)
            return i;
        for (size_t k = 2; k < len; k++)
            if ((u[i + k] & 0xC0) != 0x80)
                return i;
        i += len;
    }
    return n;
}

int key_utf8_error(sentraj_error *err, const char *source, uint64_t line, uint64_t col, const char *s, size_t bad,
                   const char *what)
{
    uint64_t l = line, c = col;
    for (size_t i = 0; i < bad; i++) {
        if (s[i] == '\n')
            l++, c = 1;
        else
            c++;
    }
    return sentraj_raise(err, SENTRAJ_EDATA, source, l, c,
                         "invalid UTF-8 byte 0x%02X in the %s (is the file in another encoding? convert it with "
                         "--encoding, e.g. --encoding latin1)",
                         (unsigned)(unsigned char)s[bad], what);
}
