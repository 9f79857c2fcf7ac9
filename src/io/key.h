/* key.h - conversation keys as the readers build them: composite keys (--col-id A,B,C), per-file scope, UTF-8 checks. */
#ifndef SENTRAJ_KEY_H
#define SENTRAJ_KEY_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

/* At most this many parts in a composite key. */
#define KEY_MAX_PARTS 16

/* A growing buffer a reader builds each row's key in. */
typedef struct key_buf {
    char *s;
    size_t len, cap;
} key_buf;

/* The key of parts[0..n) (n >= 1) after prefix (NULL or "FILE:", the
 * per-file scope): one part is taken as it is; several are joined with '|',
 * each '|' or '\' inside a part escaped with '\', so distinct tuples never
 * give the same key. The result is kb->s[0..kb->len). SENTRAJ_OK or
 * SENTRAJ_ENOMEM. */
int key_build(key_buf *kb, const char *prefix, size_t prefix_len, const char *const *parts, const size_t *lens,
              size_t n, sentraj_error *err);
void key_buf_free(key_buf *kb);

/* The names of a --col-id value: "A,B,C" split at commas, each trimmed.
 * Returns how many (at most KEY_MAX_PARTS; 0 when one is empty or there
 * are more), with names[i] pointing into s and lens[i] their lengths. */
size_t key_split_names(const char *s, const char **names, size_t *lens);

/* The offset of the first byte of s[0..n) that does not begin a valid
 * UTF-8 sequence (overlong forms, surrogates and code points past U+10FFFF
 * are invalid), or n when all of it is valid. ASCII runs cost a word-wide
 * test per eight bytes. */
size_t key_utf8_invalid(const char *s, size_t n);

/* The error for an invalid byte at offset bad of a field that starts at
 * source:line:col (its column: col + bad when the field has no line
 * break before it). Returns SENTRAJ_EDATA. */
int key_utf8_error(sentraj_error *err, const char *source, uint64_t line, uint64_t col, const char *s, size_t bad,
                   const char *what);

#endif
