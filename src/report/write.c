/* write.c - what every report writer shares: CSV fields, numbers and the final check of the stream. */
#include "report/write.h"

#include "core/error.h"

#include <errno.h>
#include <math.h>
#include <string.h>

void report_put_field(FILE *f, const char *s, int quote_blanks)
{
    size_t len = strlen(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL || (quote_blanks && len && (s[0] == ' ' || s[len - 1] == ' '));

    if (!quote) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

void report_put_num(FILE *f, double x, const char *missing)
{
    char buf[40];

    if (isnan(x) || (isinf(x) && *missing == 'n'))
        fputs(missing, f);
    else
        fputs(sentraj_format_double(x, buf, sizeof buf), f);
}

int report_finish(FILE *f, const char *name, sentraj_error *err)
{
    if (fflush(f) != 0 || ferror(f))
        return sentraj_raise(err, SENTRAJ_EIO, name, 0, 0, "write failed: %s", strerror(errno ? errno : EIO));
    return SENTRAJ_OK;
}
