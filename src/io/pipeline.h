/* pipeline.h - an input cut into blocks of whole records, parsed on several threads, its rows added in order. */
#ifndef SENTRAJ_PIPELINE_H
#define SENTRAJ_PIPELINE_H

#include "data/dataset.h"
#include "io/input.h"

#include <stddef.h>
#include <stdint.h>

/* The rows a block parsed into, and what stopped it early. Strings of a
 * row point into the block's data, or into strs (a reader's unescaped or
 * joined text): while parsing, a row whose string is in strs holds its
 * offset there instead, listed in fix, and pipeline_fix_strings turns them
 * into pointers once strs has stopped moving. */
typedef struct block_rows {
    msg_row *rows;
    size_t n, cap;
    char *strs;
    size_t strs_len, strs_cap;
    uint32_t *fix;        /* row << 2 | field (0 id, 1 cats, 2 cluster) */
    size_t nfix, fix_cap;
    int rc;               /* SENTRAJ_OK, or the error that ends the block after rows[0, n) */
    sentraj_error err;
} block_rows;

/* A block: whole records (or lines) of the input's content, then PAD zero
 * bytes, which let scanners read 16 bytes at a time past the end. */
#define PIPELINE_PAD 32
typedef struct block {
    char *data;
    size_t len, cap;
    uint64_t offset;      /* of data[0] in the content */
    uint64_t line;        /* line number of data[0] (1-based) */
    uint64_t raw;         /* raw (compressed) bytes read when the block was complete, for progress */
    uint64_t seq;         /* the block's number in the input */
    int final;            /* nothing follows */
    int rc;               /* SENTRAJ_OK, or a read error that follows the data */
    sentraj_error err;
    block_rows out;
} block;

/* How a reader parses blocks of its format. */
typedef struct block_format {
    /* Cut blocks only at a line break outside double quotes (CSV, whose
     * quoted fields may hold line breaks), or at any line break (JSONL). */
    int quotes;
    /* The error for a record or line longer than 1 GiB, which starts on
     * `line`. */
    int (*too_long)(const char *name, uint64_t line, sentraj_error *err);
    /* Per-thread parser state: made for each thread that parses, from the
     * reader's shared state; NULL without memory. */
    void *(*state_alloc)(const void *shared);
    void (*state_free)(void *state);
    /* Parse b's data into b->out. Runs on any thread, for any block. */
    void (*parse)(void *state, block *b);
    /* The error for row r of block b, whose conversation (ROW_NEW_CONV)
     * was seen before as conversation conv. */
    int (*seen)(const void *shared, const sentraj_dataset *ds, uint32_t source, const block *b, const msg_row *r,
                uint32_t conv, sentraj_error *err);
} block_format;

/* Read the rest of `in` (whose content offset `offset`, on line `line`, is
 * where it is; the prefix bytes, already read from it, come first) in
 * blocks, parse them on the data set's threads with fmt, and add their rows
 * to ds as input `source`, in order. Reports progress as it goes. Returns
 * SENTRAJ_OK or the first error in reading order (a row's, a record's, or
 * the input's), the same one reading the rows one by one would give. */
int pipeline_read(sentraj_dataset *ds, uint32_t source, input *in, const char *prefix, size_t prefix_len,
                  uint64_t offset, uint64_t line, const block_format *fmt, const void *shared, sentraj_error *err);

/* Room for one more row in out; NULL without memory. */
msg_row *pipeline_row(block_rows *out);
/* Append n bytes to out->strs and return their offset, or (size_t)-1
 * without memory. */
size_t pipeline_str(block_rows *out, const char *s, size_t n);
/* Note that string `field` (0 id, 1 cats, 2 cluster) of row `row` holds an
 * offset into out->strs. SENTRAJ_OK or SENTRAJ_ENOMEM. */
int pipeline_fix_later(block_rows *out, size_t row, int field);
/* Turn the noted offsets into pointers: the last step of a block's parse. */
void pipeline_fix_strings(block_rows *out);

#ifdef SENTRAJ_TESTING
/* The bytes a block is cut at (256 KiB; the tests make it small so that
 * small inputs cross many blocks), and the least bytes of input before
 * other threads are started (2 blocks). Test knob (core/testing.h), not
 * thread-safe. */
void pipeline_set_block(size_t bytes);
#endif

#endif
