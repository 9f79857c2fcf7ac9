/* namelist.h - a list of names for a message: "a", "b" and 3 more. */
#ifndef SENTRAJ_NAMELIST_H
#define SENTRAJ_NAMELIST_H

#include <stddef.h>

/* Names quoted and shown safely (sentraj_show), comma-separated, as many
 * as fit; the rest counted. Zero-initialise before the first add. */
typedef struct namelist {
    char buf[200];
    size_t len, shown, left;
} namelist;

void namelist_add(namelist *nl, const char *name);
/* The text: the names shown, then " and N more" when some did not fit. */
const char *namelist_end(namelist *nl);

#endif
