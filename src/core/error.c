/* error.c - raising and formatting errors. */
#include "core/error.h"

#include "core/escape.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sentraj_raise(sentraj_error *err, int code, const char *source, uint64_t line, uint64_t col,
                  const char *fmt, ...)
{
    char text[sizeof err->message];
    va_list ap;
    int n;

    if (!err)
        return code;
    err->code = code;
    if (!source)
        source = "";
    else if (strcmp(source, "-") == 0)
        source = "<stdin>";
    /* Names and messages carry input (file names, ids, values, jansson's
     * text near an error): they are stored escaped, so that whoever prints
     * them prints nothing a terminal would act on. */
    sentraj_escape(err->source, sizeof err->source, source, strlen(source));
    err->line = line;
    err->col = col;
    va_start(ap, fmt);
    n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    n = n < 0 ? 0 : n >= (int)sizeof text ? (int)sizeof text - 1 : n;
    sentraj_escape(err->message, sizeof err->message, text, (size_t)n);
    return code;
}

char *sentraj_error_format(const sentraj_error *err, char *buf, size_t n)
{
    size_t used = 0;

    if (n == 0)
        return buf;
    buf[0] = '\0';
    if (err->source[0]) {
        if (err->line && err->col)
            used = (size_t)snprintf(buf, n, "%s:%llu:%llu: ", err->source, (unsigned long long)err->line,
                                    (unsigned long long)err->col);
        else if (err->line)
            used = (size_t)snprintf(buf, n, "%s:%llu: ", err->source, (unsigned long long)err->line);
        else
            used = (size_t)snprintf(buf, n, "%s: ", err->source);
    }
    if (used < n)
        snprintf(buf + used, n - used, "%s", err->message);
    return buf;
}

int sentraj_status_exit_code(int status)
{
    switch (status) {
    case SENTRAJ_OK:
        return 0;
    case SENTRAJ_EUSAGE:
        return 64;
    case SENTRAJ_EDATA:
    case SENTRAJ_ELIMIT:
        return 65;
    case SENTRAJ_EIO:
        return 74;
    case SENTRAJ_ENOMEM:
        return 71;
    case SENTRAJ_EINTERRUPTED:
        return 130;
    default:
        return 70;
    }
}

sentraj_shown sentraj_show(const char *s, size_t len)
{
    sentraj_shown out;
    size_t cut = len > 60 ? 60 : len, o;

    /* Not inside a UTF-8 character: back up over continuation bytes. */
    while (cut < len && cut > 57 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    o = sentraj_escape(out.s, sizeof out.s - 3, s, cut);
    if (o > sizeof out.s - 4)
        o = strlen(out.s);
    if (cut < len)
        memcpy(out.s + o, "...", 4);
    return out;
}
