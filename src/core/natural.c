/* natural.c - natural order of names: runs of digits compare as numbers. */
#include "core/natural.h"

#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Compare the digit runs at *a and *b by value, moving both past them. */
static int cmp_number(const char **a, const char **b)
{
    const char *x = *a, *y = *b;
    size_t lx, ly;
    int c;

    while (*x == '0' && is_digit(x[1]))
        x++;
    while (*y == '0' && is_digit(y[1]))
        y++;
    for (lx = 0; is_digit(x[lx]); lx++)
        ;
    for (ly = 0; is_digit(y[ly]); ly++)
        ;
    *a = x + lx;
    *b = y + ly;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    c = memcmp(x, y, lx);
    return (c > 0) - (c < 0);
}

int natural_cmp(const char *a, const char *b)
{
    const char *x = a, *y = b;

    while (*x && *y) {
        if (is_digit(*x) && is_digit(*y)) {
            int c = cmp_number(&x, &y);
            if (c)
                return c;
            continue;
        }
        if (*x != *y)
            return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
        x++, y++;
    }
    if (*x || *y)
        return *x ? 1 : -1;
    return strcmp(a, b) > 0 ? 1 : strcmp(a, b) < 0 ? -1 : 0;
}
