/* escape.h - the one rule for showing input bytes on a terminal or in a message. */
#ifndef SENTRAJ_ESCAPE_H
#define SENTRAJ_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* The rule is sentraj_escape's (include/sentraj.h). */

/* Write s (NUL-terminated) escaped to f. Returns the number of bytes
 * written (as the escaped text's length, whether or not the writes failed:
 * the stream's error flag tells). */
size_t escape_write(FILE *f, const char *s);

/* The length of s (NUL-terminated) once escaped. */
size_t escape_len(const char *s);

#endif
