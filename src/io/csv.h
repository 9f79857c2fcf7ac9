/* csv.h - the RFC 4180 record reader (csv.c), shared by the message reader and the categories table (csv_rows.c). */
#ifndef SENTRAJ_CSV_H
#define SENTRAJ_CSV_H

#include "core/error.h"
#include "io/input.h"

#include <stddef.h>
#include <stdint.h>

/* A field of the current record. Quoted fields are unescaped into the
 * scratch buffer; `off` is then an offset there, else into the buffer. */
typedef struct csv_field {
    size_t off;
    size_t len;
    uint64_t line, col;
    int scratch;
} csv_field;

/* A reader of records: over an input, which it reads in growing buffers
 * (csv_reader_open), or over one block of whole records in memory, which it
 * borrows (csv_reader_view). */
typedef struct csv_reader {
    input *in;             /* NULL for a view */
    const char *name;
    char *buf;
    size_t cap, len, pos;  /* unread bytes are buf[pos, len); buf[len, len + 32) are readable zeros */
    uint64_t off;          /* offset of buf[0] in the content */
    int eof;
    uint64_t line;         /* line number at buf[pos] (the start of the next record) */
    char *scratch;
    size_t scratch_cap, scratch_len;
    csv_field *fields;
    size_t nfields_cap;
    size_t nfields;        /* fields in the last record (all of them, even past nfields_cap) */
    uint64_t rec_line;     /* first line of the last record */
    uint64_t end_line, end_col; /* where the last record ended, for "too few fields" */
} csv_reader;

enum { CSV_OK = 1, CSV_MORE = 0, CSV_EOF = 2, CSV_ERR = -1 };

/* A reader at the start of in (which it borrows). SENTRAJ_OK or
 * SENTRAJ_ENOMEM; csv_reader_close frees it either way. */
int csv_reader_open(csv_reader *r, input *in, sentraj_error *err);
/* A reader without a buffer of its own, for csv_reader_view. */
int csv_reader_open_view(csv_reader *r, const char *name, sentraj_error *err);
/* Point a view at data[0, len) (followed by 32 readable zero bytes), the
 * whole records from content offset off, which starts on `line`. */
void csv_reader_view(csv_reader *r, const char *data, size_t len, uint64_t off, uint64_t line);
void csv_reader_close(csv_reader *r);

/* The next record into r->fields: CSV_OK, CSV_EOF, or CSV_ERR with err set
 * (the record's error, or the input's). */
int csv_next_record(csv_reader *r, sentraj_error *err);
/* Field i of the last record (valid until the next record). */
static inline const char *csv_field_ptr(const csv_reader *r, size_t i)
{
    const csv_field *f = &r->fields[i];
    if (f->scratch)
        return r->scratch ? r->scratch + f->off : ""; /* quoted fields so far were all empty */
    return r->buf + f->off;
}

/* Read the header and find the columns named in names[0, nnames) (NULL:
 * not wanted); those in the `required` bit mask must be there. col[k] gets
 * the column of names[k] or -1; *ncols the header's width. SENTRAJ_OK or the
 * header's error. */
int csv_header(csv_reader *r, char *const *names, int nnames, unsigned required, int *col, size_t *ncols,
               sentraj_error *err);

#ifdef SENTRAJ_TESTING
/* Whether the reader takes plain one-line records with its fast path (1,
 * the default) or reads every record byte by byte (0); the results are
 * the same. Test knob (core/testing.h), not thread-safe. */
void csv_set_fast_path(int on);
#endif

#endif
