/* csv_parallel.c - a large CSV file read in chunks on several threads, the parts merged in file order. */
#include "io/csv.h"

#include "core/error.h"
#include "core/pool.h"
#include "core/testing.h"
#include "data/dataset.h"
#include "io/input.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file is split only when every thread gets at least min_chunk bytes
 * (MIN_CHUNK; the tests lower it with csv_set_min_chunk), in at most
 * MAX_CHUNKS chunks. */
#define MIN_CHUNK ((uint64_t)4 << 20)
#define MAX_CHUNKS 256

#ifdef SENTRAJ_TESTING
static uint64_t min_chunk = MIN_CHUNK;

void csv_set_min_chunk(uint64_t bytes)
{
    min_chunk = bytes ? bytes : 1;
}
#else
#define min_chunk MIN_CHUNK
#endif

typedef struct chunk {
    uint64_t off;           /* where its first record starts (a guess until checked) */
    uint64_t stop;          /* it reads the records that start before this offset */
    uint64_t end;           /* where its last record ended: the next chunk's true start */
    uint64_t lines;         /* line breaks in [off, end) */
    sentraj_dataset *part;
    int rc;
} chunk;

typedef struct chunk_job {
    sentraj_dataset *ds;
    const char *name;
    int fd;
    uint64_t size;
    const int *col;
    size_t ncols;
    chunk *chunks;
    atomic_uint_least64_t done;
    pthread_t caller;
} chunk_job;

/* Read the records of chunk k (those starting in [off, stop); the last
 * may run past stop) into its own part. Any error only marks the chunk. */
static void read_chunk(void *ctx, size_t k)
{
    chunk_job *job = ctx;
    chunk *ch = &job->chunks[k];
    sentraj_error err;
    csv_reader *r = NULL;
    input *in;

    memset(&err, 0, sizeof err);
    ch->rc = SENTRAJ_ENOMEM;
    ch->end = ch->off;
    ch->lines = 0;
    ch->part = dataset_part_alloc(job->ds, &err);
    if (!ch->part)
        return;
    in = input_open_range(job->name, job->fd, ch->off, job->size - ch->off, &err);
    if (!in)
        return;
    if (job->ds->progress)
        input_share_progress(in, job->ds->progress, job->ds->progress_ctx, &job->done, job->size,
                             pthread_equal(pthread_self(), job->caller));
    r = csv_reader_alloc(in, &err);
    if (r && dataset_add_source(ch->part, job->name) == 0) {
        /* The loop keeps its state in locals and r, not in ch: the chunks
         * share cache lines, and a store per row to one would stall the
         * thread reading its neighbour. Offsets in r count from ch->off. */
        uint64_t stop = ch->stop > ch->off ? ch->stop - ch->off : 0;
        ch->rc = csv_read_rows(r, ch->part, 0, job->col, job->ncols, stop, &err);
        ch->end = ch->off + csv_reader_offset(r);
        ch->lines = csv_reader_line(r) - 1;
    }
    csv_reader_free(r);
    input_close(in);
}

/* The offset just past the first line break at or after `from` (size when
 * there is none, or when the file cannot be read there). */
static uint64_t next_line_start(int fd, uint64_t from, uint64_t size)
{
    char buf[16384];
    while (from < size) {
        ssize_t n = pread(fd, buf, size - from < sizeof buf ? (size_t)(size - from) : sizeof buf, (off_t)from);
        if (n <= 0)
            return size;
        const char *nl = memchr(buf, '\n', (size_t)n);
        if (nl)
            return from + (uint64_t)(nl - buf) + 1;
        from += (uint64_t)n;
    }
    return size;
}

/* The body is cut into equal spans; chunk k reads the records that start
 * in its span. Its start is guessed as the first line break after the
 * span's start, which is right unless that line break lies inside a quoted
 * field; chunk k - 1, which reads on to the end of the record that crosses
 * the boundary, gives the true start. A chunk whose guess was wrong is read
 * again from there, after the others. A chunk with an error, or parts the
 * merge does not allow, give DATASET_NOMERGE: the caller then reads the
 * file one row at a time. */
int csv_read_parallel(csv_reader *r, sentraj_dataset *ds, const int col[NFIELDS], size_t ncols, int fd,
                      uint64_t size, sentraj_error *err)
{
    uint64_t start = csv_reader_offset(r), body, offset;
    unsigned threads = pool_threads(ds->threads);
    size_t nch = threads, k;
    chunk *ch;
    chunk_job job;
    int rc = DATASET_NOMERGE;

    if (start >= size)
        return DATASET_NOMERGE;
    body = size - start;
    if (nch > body / min_chunk)
        nch = (size_t)(body / min_chunk);
    if (nch > MAX_CHUNKS)
        nch = MAX_CHUNKS;
    if (nch < 2)
        return DATASET_NOMERGE;
    ch = calloc(nch, sizeof *ch);
    if (!ch)
        return DATASET_NOMERGE;
    for (k = 0; k < nch; k++) {
        uint64_t span = start + body / nch * k;
        ch[k].off = k == 0 ? start : next_line_start(fd, span, size);
        ch[k].stop = k + 1 == nch ? size : start + body / nch * (k + 1);
    }
    job.ds = ds;
    job.name = csv_reader_name(r);
    job.fd = fd;
    job.size = size;
    job.col = col;
    job.ncols = ncols;
    job.chunks = ch;
    atomic_init(&job.done, start);
    job.caller = pthread_self();
    pool_run(threads, nch, read_chunk, &job, err);

    for (k = 0; k < nch; k++) {
        if (k > 0 && ch[k].off != ch[k - 1].end) {
            sentraj_dataset_free(ch[k].part);
            ch[k].off = ch[k - 1].end;
            read_chunk(&job, k);
            ds->parallel_reread++;
        }
        if (ch[k].rc != SENTRAJ_OK)
            goto out;
    }
    /* Rows of chunk k are numbered from line 1; they start at the line
     * of r's next record + (line breaks of the chunks before). */
    offset = 0;
    for (k = 1; k < nch; k++) {
        offset += ch[k - 1].lines;
        rc = dataset_merge(ch[0].part, ch[k].part, offset, err);
        if (rc != SENTRAJ_OK)
            goto out;
        sentraj_dataset_free(ch[k].part);
        ch[k].part = NULL;
    }
    rc = dataset_merge(ds, ch[0].part, csv_reader_line(r) - 1, err);
    if (rc == SENTRAJ_OK)
        ds->parallel_chunks += nch;
out:
    for (k = 0; k < nch; k++)
        sentraj_dataset_free(ch[k].part);
    free(ch);
    return rc;
}

