/* escape.c - the one rule for showing input bytes on a terminal or in a message. */
#include "core/escape.h"

#include "sentraj.h"

#include <stdint.h>
#include <string.h>

/* The length of the valid UTF-8 sequence at s (n bytes available) and its
 * code point, or 0 when s does not start one (RFC 3629: no overlong forms,
 * no surrogates, nothing past U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t len;

    if (c >= 0xC2 && c <= 0xDF)
        len = 2, *cp = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, *cp = c & 0x0Fu, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, *cp = c & 0x07u, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if (i > 1 && (s[i] < 0x80 || s[i] > 0xBF))
            return 0;
        *cp = *cp << 6 | (s[i] & 0x3Fu);
    }
    return len;
}

/* Characters that are valid but change what a terminal shows: the C1
 * controls (U+009B is a one-character CSI), the line and paragraph
 * separators, and the bidirectional marks, embeddings, overrides and
 * isolates, which reorder the text around them. */
static int invisible(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The escaped form of the character at s (n > 0 bytes available): its text
 * in buf (at most 7 bytes, not terminated) and its length in *out; returns
 * the input bytes it stands for. */
static size_t escape_one(const char *s, size_t n, char buf[8], size_t *out)
{
    unsigned char c = (unsigned char)s[0];
    uint32_t cp;
    size_t len;

    if (c >= 0x20 && c < 0x7F) {
        buf[0] = (char)c;
        *out = 1;
        return 1;
    }
    if (c == '\n' || c == '\r' || c == '\t') {
        buf[0] = '\\';
        buf[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        *out = 2;
        return 1;
    }
    if (c >= 0x80 && (len = utf8_seq((const unsigned char *)s, n, &cp)) > 0) {
        if (invisible(cp)) {
            *out = (size_t)snprintf(buf, 8, "\\u%04x", (unsigned)cp);
        } else {
            memcpy(buf, s, len);
            *out = len;
        }
        return len;
    }
    /* C0 controls, DEL, and bytes that are not valid UTF-8. */
    *out = (size_t)snprintf(buf, 8, "\\x%02x", c);
    return 1;
}

size_t sentraj_escape(char *out, size_t cap, const char *s, size_t n)
{
    size_t used = 0, i = 0;
    int full = 0;

    while (i < n) {
        char buf[8];
        size_t k, step = escape_one(s + i, n - i, buf, &k);
        /* Whole escapes only: a cut one would read as another character. */
        if (!full && used + k < cap)
            memcpy(out + used, buf, k);
        else if (!full) {
            full = 1;
            if (cap)
                out[used] = '\0';
        }
        used += k;
        i += step;
    }
    if (!full && cap)
        out[used] = '\0';
    return used;
}

size_t escape_write(FILE *f, const char *s)
{
    size_t n = strlen(s), i = 0, total = 0;

    while (i < n) {
        char buf[8];
        size_t k, step, run = 0;
        /* Printable ASCII goes out as it is, a run at a time. */
        while (i + run < n && (unsigned char)s[i + run] >= 0x20 && (unsigned char)s[i + run] < 0x7F)
            run++;
        if (run) {
            fwrite(s + i, 1, run, f);
            total += run;
            i += run;
            continue;
        }
        step = escape_one(s + i, n - i, buf, &k);
        fwrite(buf, 1, k, f);
        total += k;
        i += step;
    }
    return total;
}

size_t escape_len(const char *s)
{
    return sentraj_escape(NULL, 0, s, strlen(s));
}
