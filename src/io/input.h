/* input.h - byte sources: files, standard input, gzip and zstd detected by content. */
#ifndef SENTRAJ_INPUT_H
#define SENTRAJ_INPUT_H

#include "sentraj.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct input input;

/* Open path ("-" is standard input) for reading. gzip data (magic 1f 8b)
 * and zstd data (28 b5 2f fd, or a skippable frame first) are decompressed
 * transparently, concatenated members and frames as one stream; anything
 * else is read as is. Returns NULL with
 * err set (SENTRAJ_EIO naming the path and the system's reason). */
input *input_open(const char *path, sentraj_error *err);
/* An input over a caller-owned memory buffer, which must outlive it. */
input *input_open_buffer(const char *data, size_t len, const char *name, sentraj_error *err);
/* Read up to cap bytes into buf. Returns the count (0 at end of input) or -1
 * with err set (SENTRAJ_EIO, SENTRAJ_EDATA for a corrupt or truncated gzip
 * or zstd stream, SENTRAJ_ENOMEM). */
ssize_t input_read(input *in, char *buf, size_t cap, sentraj_error *err);
/* The first non-blank byte of the (decompressed) content after an optional
 * UTF-8 byte order mark, without consuming anything: what the format
 * detection looks at. Returns the byte, -1 at end of input, or -2 with err
 * set. */
int input_peek_first(input *in, sentraj_error *err);
/* Decompress on a thread of its own (when the input turns out to be
 * compressed), so that parsing overlaps decompression: up to 1 MiB of
 * decompressed blocks ahead. Call before the first read. The bytes, errors
 * and progress reports are those of reading on one thread; progress is
 * still reported on the reading thread. Closing stops the thread once it has
 * read its current block (on a stalled pipe, once the pipe moves). */
void input_use_thread(input *in, int on);
/* Convert the content from encoding (an iconv name) to UTF-8 as it is
 * read; call before the first input_read. Returns SENTRAJ_OK, SENTRAJ_EUSAGE
 * for an encoding iconv does not know, or SENTRAJ_ENOMEM. A byte the
 * encoding does not allow is a SENTRAJ_EDATA read error at its offset. */
int input_set_encoding(input *in, const char *encoding, sentraj_error *err);
/* Report progress (see sentraj_progress_fn) after each raw read. */
void input_set_progress(input *in, sentraj_progress_fn fn, void *ctx);
/* Raw bytes read so far (compressed ones for gzip), and the raw size when
 * the input is a regular file (0 otherwise): progress. */
uint64_t input_raw_consumed(const input *in);
uint64_t input_total(const input *in);
/* The name used in error messages ("<stdin>" for "-"). */
const char *input_name(const input *in);
void input_close(input *in);
/* The whole content of path (decompressed), NUL-terminated, into *out
 * (malloc'ed) and its length into *len. Past max bytes it is the
 * SENTRAJ_ELIMIT error too_big; out of memory names what. Returns
 * SENTRAJ_OK or the error. */
int input_slurp(const char *path, size_t max, const char *too_big, const char *what, char **out, size_t *len,
                sentraj_error *err);

#endif
