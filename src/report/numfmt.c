/* numfmt.c - shortest round-trip formatting of doubles for CSV and JSON. */
#include "sentraj.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

char *sentraj_format_double(double x, char *buf, size_t n)
{
    if (isnan(x)) {
        snprintf(buf, n, "nan");
        return buf;
    }
    if (isinf(x)) {
        snprintf(buf, n, x > 0 ? "inf" : "-inf");
        return buf;
    }
    if (x == 0) /* also turns -0 into 0 */
        x = 0;
    /* The first precision that reads back exactly: 15 digits suffice for
     * most values, 17 for every double. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}
