/* test_numfmt.c - shortest round-trip number formatting. */
#include "tap.h"

#include <sentraj.h>

#include <float.h>
#include <stdlib.h>

static void fmt(double x, const char *want)
{
    char buf[40];
    tap_eq_str(sentraj_format_double(x, buf, sizeof buf), want, want);
}

int main(void)
{
    char buf[40];
    fmt(0.0, "0");
    fmt(-0.0, "0");
    fmt(0.5, "0.5");
    fmt(0.1, "0.1");
    fmt(-0.25, "-0.25");
    fmt(1.0 / 6, "0.16666666666666666");
    fmt(2.0 / 3, "0.6666666666666666"); /* Python: repr(2/3) */
    fmt(0.95, "0.95");
    fmt(1e-5, "1e-05");
    fmt(1000, "1000");
    fmt(0.0 / 0.0, "nan");
    fmt(1.0 / 0.0, "inf");
    fmt(-1.0 / 0.0, "-inf");
    /* Every formatted double reads back exactly. */
    {
        unsigned long long x = 88172645463325252ull;
        int ok = 1;
        for (int i = 0; i < 100000 && ok; i++) {
            double d;
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            d = (double)(x >> 11) / 9007199254740992.0 * 2 - 1;
            ok = strtod(sentraj_format_double(d, buf, sizeof buf), NULL) == d;
        }
        tap_ok(ok, "numfmt/round-trip/100000-random");
    }
    fmt(DBL_MAX, "1.7976931348623157e+308");
    fmt(DBL_MIN, "2.2250738585072014e-308");
    return tap_done();
}
