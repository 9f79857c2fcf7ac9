/* scale_read.c - a label scale file read whole, then parsed by the data stage's scale parser. */
#include "data/labels.h"

#include "core/error.h"
#include "io/input.h"

#include <stdlib.h>
#include <string.h>

sentraj_scale *sentraj_scale_read(const char *path, sentraj_error *err)
{
    input *in = input_open(path, err);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    sentraj_scale *sc = NULL;

    if (!in)
        return NULL;
    for (;;) {
        ssize_t n;
        if (cap - len < 4096) {
            char *nb = cap > (64u << 20) ? NULL : realloc(buf, cap ? cap * 2 : 8192);
            if (!nb) {
                if (cap > (64u << 20))
                    sentraj_raise(err, SENTRAJ_ELIMIT, path, 0, 0, "a label scale file larger than 64 MiB");
                else
                    sentraj_nomem(err, "label scale");
                goto out;
            }
            buf = nb;
            cap = cap ? cap * 2 : 8192;
        }
        n = input_read(in, buf + len, cap - len, err);
        if (n < 0)
            goto out;
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (memchr(buf, '\0', len)) {
        sentraj_raise(err, SENTRAJ_EDATA, path, 0, 0, "NUL byte in the label scale file");
        goto out;
    }
    sc = sentraj_scale_parse(buf ? buf : "", len, input_name(in), err);
out:
    free(buf);
    input_close(in);
    return sc;
}
