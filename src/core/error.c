/* error.c - raising and formatting errors. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sentraj_raise(sentraj_error *err, int code, const char *source, uint64_t line, uint64_t col,
                  const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    if (!source)
        source = "";
    else if (strcmp(source, "-") == 0)
        source = "<stdin>";
    snprintf(err->source, sizeof err->source, "%s", source);
    err->line = line;
    err->col = col;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
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
    size_t o = 0;
    for (size_t i = 0; i < len && i < 60; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            o += (size_t)snprintf(out.s + o, sizeof out.s - o, "\\n");
        else if (c == '\r')
            o += (size_t)snprintf(out.s + o, sizeof out.s - o, "\\r");
        else if (c == '\t')
            o += (size_t)snprintf(out.s + o, sizeof out.s - o, "\\t");
        else if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(out.s + o, sizeof out.s - o, "\\x%02x", c);
        else
            out.s[o++] = (char)c;
    }
    if (len > 60)
        o += (size_t)snprintf(out.s + o, sizeof out.s - o, "...");
    out.s[o] = '\0';
    return out;
}
