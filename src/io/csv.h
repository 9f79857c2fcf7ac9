/* csv.h - the CSV record reader, shared by the records (csv.c), the message format (csv_rows.c) and the parallel reader (csv_parallel.c). */
#ifndef SENTRAJ_CSV_H
#define SENTRAJ_CSV_H

#include "data/dataset.h"
#include "io/input.h"
#include "io/key.h"
#include "io/role_map.h"

#include <stdint.h>

/* A reader of the long message format's records from an input: its
 * buffer, the fields of the last record (csv.c) and what the message
 * format keeps while reading rows (csv_rows.c). */
typedef struct csv_reader csv_reader;

#define MAX_FIELDS 4096 /* columns in a header */

/* A field of the current record. Quoted fields are unescaped into the
 * scratch buffer; `off` is then an offset there, else into the block buffer. */
typedef struct field {
    size_t off;
    size_t len;
    uint64_t line, col;
    int scratch;
} field;

/* Role and sentiment fields seen before, as written: data sets spell each
 * label a few ways (sometimes dozens), so most rows skip folding and
 * lookup. Direct-mapped by a hash of the bytes: one comparison a row. */
#define CACHE_SLOTS 64
#define CACHE_BYTES 32
typedef struct field_cache {
    char text[CACHE_SLOTS][CACHE_BYTES];
    uint8_t used[CACHE_SLOTS]; /* length + 1; 0 = empty */
    double value[CACHE_SLOTS];
    int kind[CACHE_SLOTS];
} field_cache;

struct csv_reader {
    input *in;
    field_cache roles, labels;
    const char *name;
    char *buf;
    size_t cap, len, pos;  /* unread bytes are buf[pos, len) */
    uint64_t off;          /* offset of buf[0] in the content */
    int eof;
    uint64_t line;         /* line number at buf[pos] (the start of the next record) */
    char *scratch;
    size_t scratch_cap, scratch_len;
    field *fields;
    size_t nfields_cap;
    size_t nfields;        /* fields in the last record (all of them, even past nfields_cap) */
    uint64_t rec_line;     /* first line of the last record */
    uint64_t end_line, end_col; /* where the last record ended, for "too few fields" */
    int ascii;             /* the last record is known to be ASCII: no field needs a UTF-8 check */
    /* The conversation key's columns (several: a composite key). */
    int key_col[KEY_MAX_PARTS];
    size_t nkey;
    /* The options that need per-row work: off (0, NULL) on the plain path. */
    int special;              /* any of the ones below */
    int all_human;
    const role_map *map;
    const char *prefix;       /* "FILE:" with --id-scope file */
    size_t prefix_len;
    key_buf key;
};

enum { REC_OK = 1, REC_MORE = 0, REC_EOF = 2, REC_ERR = -1 };

/* Open r (caller-owned) on in, or release what it holds. */
int csv_reader_open(csv_reader *r, input *in, sentraj_error *err);
void csv_reader_close(csv_reader *r);
/* Read more input, keeping the unparsed tail. Returns 0, or -1 with err set. */
int csv_fill(csv_reader *r, sentraj_error *err);
/* The next record into r's fields: REC_OK, REC_EOF or REC_ERR (err set). */
int csv_next_record(csv_reader *r, sentraj_error *err);

/* The bytes of field i of the last record. */
static inline const char *csv_field_ptr(const csv_reader *r, size_t i)
{
    const field *f = &r->fields[i];
    if (f->scratch)
        return r->scratch ? r->scratch + f->off : ""; /* quoted fields so far were all empty */
    return r->buf + f->off;
}

/* A reader at the start of in (which it borrows). NULL with err set
 * (SENTRAJ_ENOMEM). */
csv_reader *csv_reader_alloc(input *in, sentraj_error *err);
/* NULL is a no-op. */
void csv_reader_free(csv_reader *r);
/* Where the next record starts: the offset in the input's content, and
 * its line (1-based). */
uint64_t csv_reader_offset(const csv_reader *r);
uint64_t csv_reader_line(const csv_reader *r);
/* The input's name, for errors ("<stdin>" for "-"). */
const char *csv_reader_name(const csv_reader *r);

/* Read records from r, after the header, and add each as a row of input
 * `source` of ds, while the next record starts before content offset
 * `stop` (the last one read may end past it) and until the end of the
 * input. col maps the data set's fields to the header's ncols columns
 * (-1: absent). Returns SENTRAJ_OK or the first record's error. */
int csv_read_rows(csv_reader *r, sentraj_dataset *ds, uint32_t source, const int col[NFIELDS], size_t ncols,
                  uint64_t stop, sentraj_error *err);

/* Read the rows of a plain regular file after its header (r has read it)
 * on the data set's threads, then merge them into ds in file order
 * (csv_parallel.c). fd and size describe the file (input_plain_file).
 * Returns SENTRAJ_OK, SENTRAJ_ENOMEM, or DATASET_NOMERGE with r and the
 * rows of ds unchanged: the file is too small to split, or a chunk has an error or
 * cannot be merged, and the caller reads on from r one row at a time,
 * which gives the same result and the exact error. */
int csv_read_parallel(csv_reader *r, sentraj_dataset *ds, const int col[NFIELDS], size_t ncols, int fd,
                      uint64_t size, sentraj_error *err);

#ifdef SENTRAJ_TESTING
/* Test knobs (core/testing.h), not thread-safe: set them before reading.
 * The least bytes per thread for which csv_read splits a file (4 MiB; 0
 * means 1). */
void csv_set_min_chunk(uint64_t bytes);
/* Whether the reader takes plain one-line records with its fast path (1,
 * the default) or reads every record byte by byte (0); the results are
 * the same. */
void csv_set_fast_path(int on);
#endif

#endif
