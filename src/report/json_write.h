/* json_write.h - writing JSON strings and numbers, shared by the JSON reports. */
#ifndef SENTRAJ_JSON_WRITE_H
#define SENTRAJ_JSON_WRITE_H

#include <stdio.h>

/* s as a JSON string: quotes, backslashes and control characters escaped,
 * and every byte that is not part of valid UTF-8 written as U+FFFD, so the
 * output is valid JSON whatever the input bytes. */
void json_write_str(FILE *f, const char *s);
/* s as a JSON string, or null when s is NULL. */
void json_write_str_or_null(FILE *f, const char *s);
/* x in the shortest round-trip form, or null when it is NaN or infinite. */
void json_write_num(FILE *f, double x);

#endif
