/* order.c - --order's categories: read from a list or a file, and put first in the rows. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The names of a file, one a line, as a comma list with ',', '=' and '\'
 * escaped for cli_list_parse; malloc'ed, or NULL with errno set. */
static char *file_as_list(const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL, *out = NULL;
    size_t cap = 0, len = 0, ocap = 0;
    ssize_t n;

    if (!f)
        return NULL;
    if (!(out = malloc(ocap = 256)))
        goto fail;
    out[0] = '\0';
    while ((n = getline(&line, &cap, f)) >= 0) {
        char *s = line, *e = line + n;
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (s == e || *s == '#')
            continue;
        if (len + 2 * (size_t)(e - s) + 2 > ocap) {
            char *g = realloc(out, ocap = 2 * (ocap + (size_t)(e - s)) + 2);
            if (!g)
                goto fail;
            out = g;
        }
        if (len)
            out[len++] = ',';
        for (; s < e; s++) {
            if (*s == ',' || *s == '=' || *s == '\\')
                out[len++] = '\\';
            out[len++] = *s;
        }
        out[len] = '\0';
    }
    if (ferror(f))
        goto fail;
    free(line);
    fclose(f);
    return out;
fail:
    free(line);
    free(out);
    fclose(f);
    if (!errno)
        errno = EIO;
    return NULL;
}

int cli_order_list(const char *arg, cli_list *l)
{
    struct stat st;
    char *text;
    int code;

    if (stat(arg, &st) != 0 || !S_ISREG(st.st_mode))
        return cli_list_parse("--order", arg, 0, l);
    errno = 0;
    if (!(text = file_as_list(arg))) {
        int e = errno;
        cli_message("sentraj %s: --order %s: %s", cli_cmd, arg, strerror(e));
        fputc('\n', stderr);
        return e == ENOMEM ? 71 : 74;
    }
    if (!*text) {
        free(text);
        return cli_usage_error("--order %s names no category", arg);
    }
    code = cli_list_parse("--order", text, 0, l);
    free(text);
    return code;
}

int cli_reorder(const cli_args *a, sentraj_analysis *an, sentraj_positions *pn)
{
    cli_list l;
    sentraj_error err;
    int code, rc;

    if (!a->fig.order)
        return 0;
    if ((code = cli_order_list(a->fig.order, &l)) != 0)
        return code;
    rc = an ? sentraj_analysis_reorder(an, (const char *const *)l.keys, l.n, &err)
            : sentraj_positions_reorder(pn, (const char *const *)l.keys, l.n, &err);
    cli_list_free(&l);
    if (rc == SENTRAJ_OK)
        return 0;
    if (rc == SENTRAJ_EUSAGE && strncmp(err.message, "order:", 6) == 0)
        return cli_usage_error("--order:%s", err.message + 6);
    return cli_fail(&err);
}
