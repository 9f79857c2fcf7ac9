/* csv.h - the CSV record reader, shared by the serial reader (csv.c) and the parallel one (csv_parallel.c). */
#ifndef SENTRAJ_CSV_H
#define SENTRAJ_CSV_H

#include "data/dataset.h"
#include "io/input.h"

#include <stdint.h>

/* A reader of the long message format's records from an input: its
 * buffer, the fields of the last record and the caches of role and label
 * fields (csv.c). */
typedef struct csv_reader csv_reader;

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
