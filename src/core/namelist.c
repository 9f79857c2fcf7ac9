/* namelist.c - a list of names for a message: "a", "b" and 3 more. */
#include "core/namelist.h"

#include "core/error.h"

#include <stdio.h>
#include <string.h>

void namelist_add(namelist *nl, const char *name)
{
    sentraj_shown sh = sentraj_show(name, strlen(name));
    size_t need = strlen(sh.s) + 4;

    if (nl->left == 0 && nl->len + need + 16 < sizeof nl->buf) {
        nl->len += (size_t)snprintf(nl->buf + nl->len, sizeof nl->buf - nl->len, "%s\"%s\"",
                                    nl->shown ? ", " : "", sh.s);
        nl->shown++;
    } else
        nl->left++;
}

const char *namelist_end(namelist *nl)
{
    if (nl->left)
        snprintf(nl->buf + nl->len, sizeof nl->buf - nl->len, " and %zu more", nl->left);
    return nl->buf;
}
