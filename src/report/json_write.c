/* json_write.c - writing JSON strings and numbers, shared by the JSON reports. */
#include "report/json_write.h"

#include "sentraj.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len;
    uint32_t cp;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xE0) == 0xC0)
        len = 2, cp = s[0] & 0x1F;
    else if ((s[0] & 0xF0) == 0xE0)
        len = 3, cp = s[0] & 0x0F;
    else if ((s[0] & 0xF8) == 0xF0)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

void json_write_str(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    putc('"', f);
    while (n) {
        size_t l = utf8_len(p, n);
        if (l == 0) {
            fputs("\\ufffd", f);
            p++, n--;
            continue;
        }
        if (l == 1) {
            unsigned char c = *p;
            if (c == '"' || c == '\\')
                putc('\\', f), putc(c, f);
            else if (c == '\n')
                fputs("\\n", f);
            else if (c == '\r')
                fputs("\\r", f);
            else if (c == '\t')
                fputs("\\t", f);
            else if (c < 0x20 || c == 0x7f)
                fprintf(f, "\\u%04x", c);
            else
                putc(c, f);
        } else {
            fwrite(p, 1, l, f);
        }
        p += l;
        n -= l;
    }
    putc('"', f);
}

void json_write_num(FILE *f, double x)
{
    char buf[40];
    if (!isfinite(x))
        fputs("null", f);
    else
        fputs(sentraj_format_double(x, buf, sizeof buf), f);
}


void json_write_str_or_null(FILE *f, const char *s)
{
    if (s)
        json_write_str(f, s);
    else
        fputs("null", f);
}
