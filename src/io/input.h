/* input.h - byte sources: files, standard input, gzip detected by content. */
#ifndef SENTRAJ_INPUT_H
#define SENTRAJ_INPUT_H

#include "sentraj.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct input input;

/* Open path ("-" is standard input) for reading. gzip data (magic 1f 8b) is
 * decompressed transparently; anything else is read as is. Returns NULL with
 * err set (SENTRAJ_EIO naming the path and the system's reason). */
input *input_open(const char *path, sentraj_error *err);
/* An input over a caller-owned memory buffer, which must outlive it. */
input *input_open_buffer(const char *data, size_t len, const char *name, sentraj_error *err);
/* Read up to cap bytes into buf. Returns the count (0 at end of input) or -1
 * with err set (SENTRAJ_EIO, or SENTRAJ_EDATA for a corrupt gzip stream). */
ssize_t input_read(input *in, char *buf, size_t cap, sentraj_error *err);
/* The first non-blank byte of the (decompressed) content after an optional
 * UTF-8 byte order mark, without consuming anything: what the format
 * detection looks at. Returns the byte, -1 at end of input, or -2 with err
 * set. */
int input_peek_first(input *in, sentraj_error *err);
/* Convert the content from encoding (an iconv name) to UTF-8 as it is
 * read; call before the first input_read. Returns SENTRAJ_OK, SENTRAJ_EUSAGE
 * for an encoding iconv does not know, or SENTRAJ_ENOMEM. A byte the
 * encoding does not allow is a SENTRAJ_EDATA read error at its offset. */
int input_set_encoding(input *in, const char *encoding, sentraj_error *err);
/* Report progress (see sentraj_progress_fn) after each raw read. */
void input_set_progress(input *in, sentraj_progress_fn fn, void *ctx);
/* Whether in is a named regular file read as is (not compressed, not
 * standard input) whose format has been sniffed: then *fd and *size
 * describe it, for input_open_range. */
int input_plain_file(const input *in, int *fd, uint64_t *size);
/* An input over bytes [off, off + len) of the regular file open on fd,
 * which it borrows: read with pread, so several ranges can be read at once
 * from one descriptor. Its content is taken as is (no gzip detection). */
input *input_open_range(const char *name, int fd, uint64_t off, uint64_t len, sentraj_error *err);
/* Progress for ranges read at once: each read adds its bytes to *done,
 * and when `report` is set (on one range only, for the reading thread)
 * fn is called with *done and total. */
void input_share_progress(input *in, sentraj_progress_fn fn, void *ctx, atomic_uint_least64_t *done, uint64_t total,
                          int report);
/* The name used in error messages ("<stdin>" for "-"). */
const char *input_name(const input *in);
void input_close(input *in);

#endif
