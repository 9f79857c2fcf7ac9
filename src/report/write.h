/* write.h - what every report writer shares: CSV fields, numbers and the final check of the stream. */
#ifndef SENTRAJ_REPORT_WRITE_H
#define SENTRAJ_REPORT_WRITE_H

#include "sentraj.h"

#include <stdio.h>

/* Write s as one CSV field (RFC 4180): quoted, with inner quotes doubled,
 * when it holds a comma, a quote or a line end, or when quote_blanks is set
 * and it starts or ends with a space that a reader might trim. The reports
 * quote such blanks; the summary file, whose SQL twin cannot, does not. */
void report_put_field(FILE *f, const char *s, int quote_blanks);

/* Write x in the shortest form that reads back to the same double
 * (sentraj_format_double); NaN as `missing` ("" in CSV: pandas and R read an
 * empty field as missing). Infinities are written as inf / -inf unless
 * missing starts with 'n' ("null" in JSON), which then stands for them too. */
void report_put_num(FILE *f, double x, const char *missing);

/* Flush f and report a write error on it as SENTRAJ_EIO naming `name`.
 * Callers set errno to 0 before writing so the message names the first
 * failure. Returns SENTRAJ_OK or SENTRAJ_EIO. */
int report_finish(FILE *f, const char *name, sentraj_error *err);

#endif
