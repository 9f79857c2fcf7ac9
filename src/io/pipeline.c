/* pipeline.c - an input cut into blocks of whole records, parsed on several threads, its rows added in order.
 *
 * One thread reads the input (decompressing it, for gzip and zstd) and cuts
 * it into blocks that end at a record boundary: a line break, outside
 * double quotes for CSV, where an even number of quotes since the block's
 * start means "outside" (RFC 4180 fields hold quotes only as "" or as the
 * field's own pair, and anything else is an error the block reports).
 * Other threads parse blocks into rows, whatever their order; the calling
 * thread adds the rows of each block to the data set in input order, which
 * keeps every table, number and error exactly as reading row by row would.
 * So the memory of a data set does not depend on the threads, and neither
 * does anything in it: the threads only parse. */
#include "io/pipeline.h"

#include "core/error.h"
#include "core/pool.h"
#include "core/testing.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define BLOCK ((size_t)256 << 10)             /* bytes a block is cut at */
#define MAX_RECORD ((size_t)1 << 30)          /* a record or line may not exceed 1 GiB */

#ifdef SENTRAJ_TESTING
static size_t block_bytes = BLOCK;

void pipeline_set_block(size_t bytes)
{
    block_bytes = bytes ? bytes : BLOCK;
}
#else
#define block_bytes BLOCK
#endif

/* ---- rows of a block --------------------------------------------------------- */

msg_row *pipeline_row(block_rows *out)
{
    if (out->n == out->cap) {
        size_t nc = out->cap ? out->cap * 2 : 4096;
        msg_row *nr = realloc(out->rows, nc * sizeof *nr);
        if (!nr)
            return NULL;
        out->rows = nr;
        out->cap = nc;
    }
    return &out->rows[out->n];
}

size_t pipeline_str(block_rows *out, const char *s, size_t n)
{
    if (out->strs_cap - out->strs_len < n + 1) {
        size_t nc = out->strs_cap ? out->strs_cap : 4096;
        while (nc - out->strs_len < n + 1)
            nc *= 2;
        char *ns = realloc(out->strs, nc);
        if (!ns)
            return (size_t)-1;
        out->strs = ns;
        out->strs_cap = nc;
    }
    memcpy(out->strs + out->strs_len, s, n);
    out->strs[out->strs_len + n] = '\0';
    out->strs_len += n + 1;
    return out->strs_len - n - 1;
}

int pipeline_fix_later(block_rows *out, size_t row, int field)
{
    if (out->nfix == out->fix_cap) {
        size_t nc = out->fix_cap ? out->fix_cap * 2 : 256;
        uint32_t *nf = realloc(out->fix, nc * sizeof *nf);
        if (!nf)
            return SENTRAJ_ENOMEM;
        out->fix = nf;
        out->fix_cap = nc;
    }
    out->fix[out->nfix++] = (uint32_t)(row << 2 | (unsigned)field);
    return SENTRAJ_OK;
}

void pipeline_fix_strings(block_rows *out)
{
    for (size_t i = 0; i < out->nfix; i++) {
        msg_row *r = &out->rows[out->fix[i] >> 2];
        const char **p = (out->fix[i] & 3) == 0 ? &r->id : (out->fix[i] & 3) == 1 ? &r->cats : &r->cluster;
        *p = out->strs + (size_t)(uintptr_t)*p;
    }
    out->nfix = 0;
}

static void rows_reset(block_rows *out)
{
    out->n = 0;
    out->strs_len = 0;
    out->nfix = 0;
    out->rc = SENTRAJ_OK;
}

static void rows_free(block_rows *out)
{
    free(out->rows);
    free(out->strs);
    free(out->fix);
}

/* ---- cutting the input into blocks --------------------------------------------- */

/* Where the scan of a block's bytes for record boundaries has got to. */
typedef struct scan {
    size_t pos;           /* bytes scanned */
    uint64_t quotes;      /* double quotes in [0, pos) */
    uint64_t lines;       /* line breaks in [0, pos) */
    size_t cut;           /* just past the last record boundary found (0: none) */
    uint64_t lines_cut;   /* line breaks in [0, cut) */
} scan;

/* Add the double quotes and line breaks of d[from, to) to *quotes and
 * *lines. With SSE2, 16 bytes at a time: each match adds 1 to a byte lane,
 * summed across lanes before any can overflow. */
static void count_bytes(const unsigned char *d, size_t from, size_t to, uint64_t *quotes, uint64_t *lines)
{
    size_t p = from;
#if defined(__SSE2__)
    const __m128i qu = _mm_set1_epi8('"'), nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (to - p >= 16) {
        __m128i aq = zero, an = zero;
        for (int k = 0; k < 255 && to - p >= 16; k++, p += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + p));
            aq = _mm_sub_epi8(aq, _mm_cmpeq_epi8(v, qu));
            an = _mm_sub_epi8(an, _mm_cmpeq_epi8(v, nl));
        }
        __m128i sq = _mm_sad_epu8(aq, zero), sn = _mm_sad_epu8(an, zero);
        *quotes += (uint64_t)_mm_cvtsi128_si32(sq) + (uint64_t)_mm_cvtsi128_si32(_mm_unpackhi_epi64(sq, sq));
        *lines += (uint64_t)_mm_cvtsi128_si32(sn) + (uint64_t)_mm_cvtsi128_si32(_mm_unpackhi_epi64(sn, sn));
    }
#endif
    for (; p < to; p++) {
        *quotes += d[p] == '"';
        *lines += d[p] == '\n';
    }
}

/* Scan b->data[s->pos, end) for the last record boundary: the last line
 * break, outside double quotes when quotes is set. The quotes are counted
 * forward; a line break is outside quotes when an even number come before
 * it, which the walk back from the end counts down. */
static void scan_block(const block *b, scan *s, size_t end, int quotes)
{
    const unsigned char *d = (const unsigned char *)b->data;
    uint64_t q, l;

    if (end <= s->pos)
        return;
    count_bytes(d, s->pos, end, &s->quotes, &s->lines);
    q = quotes ? s->quotes : 0;
    l = s->lines;
    for (size_t p = end; p > s->pos; p--) {
        unsigned char c = d[p - 1];
        if (c == '\n' && (q & 1) == 0) {
            s->cut = p;
            s->lines_cut = l;
            break;
        }
        q -= c == '"' && quotes;
        l -= c == '\n';
    }
    s->pos = end;
}

/* The reading side: the input, where it is, and the bytes read past the
 * last block's end. */
typedef struct producer {
    input *in;
    const char *name;
    const block_format *fmt;
    char *carry;
    size_t carry_len, carry_cap;
    uint64_t offset, line, seq;
    int eof, done;
    int cancellable;      /* reads on a thread of its own, which may be cancelled */
} producer;

/* input_read, on the reading thread a point where it may be cancelled: when
 * the data set fails, reading stops at once even if the input is a pipe
 * that sends nothing more (only the read itself is cancellable, so no lock
 * or half-changed state is left behind). */
static ssize_t read_input(producer *p, char *buf, size_t cap, sentraj_error *err)
{
    ssize_t n;
    if (!p->cancellable)
        return input_read(p->in, buf, cap, err);
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
    n = input_read(p->in, buf, cap, err);
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    return n;
}

static int block_room(block *b, size_t need)
{
    if (b->cap >= need)
        return 0;
    size_t nc = b->cap ? b->cap : block_bytes;
    while (nc < need)
        nc *= 2;
    char *nd = realloc(b->data, nc + PIPELINE_PAD);
    if (!nd)
        return -1;
    b->data = nd;
    b->cap = nc;
    return 0;
}

/* Give back the room a very long record took, once it is parsed. */
static void block_shrink(block *b)
{
    if (b->cap > 4 * block_bytes) {
        free(b->data);
        b->data = NULL;
        b->cap = 0;
    }
}

/* Fill b with the next whole records: the carried bytes, then the input,
 * up to about block_bytes, cut after the last record boundary (the rest is
 * carried to the next block). At the end of the input the last record
 * needs no line break. A read error ends the input: b then holds the whole
 * records before it and carries the error. */
static void produce(producer *p, block *b)
{
    scan s = {0, 0, 0, 0, 0};
    size_t want = block_bytes;

    b->len = 0;
    b->offset = p->offset;
    b->line = p->line;
    b->seq = p->seq++;
    b->final = 0;
    b->rc = SENTRAJ_OK;
    if (block_room(b, want > p->carry_len ? want : p->carry_len) < 0) {
        b->rc = sentraj_nomem(&b->err, "input block");
        goto fail;
    }
    if (p->carry_len)
        memcpy(b->data, p->carry, p->carry_len);
    b->len = p->carry_len;
    p->carry_len = 0;
    for (;;) {
        while (b->len < want && !p->eof) {
            ssize_t n = read_input(p, b->data + b->len, b->cap - b->len, &b->err);
            if (n < 0) {
                b->rc = b->err.code ? b->err.code : SENTRAJ_EIO;
                goto fail;
            }
            p->eof = n == 0;
            b->len += (size_t)n;
        }
        memset(b->data + b->len, 0, PIPELINE_PAD);
        /* A cut near `want` first (the carried bytes may be many blocks'
         * worth), then anywhere. */
        scan_block(b, &s, b->len < want ? b->len : want, p->fmt->quotes);
        if (s.cut)
            break;
        scan_block(b, &s, b->len, p->fmt->quotes);
        if (s.cut)
            break;
        if (p->eof) {
            s.cut = b->len;
            s.lines_cut = s.lines;
            break;
        }
        if (b->len > MAX_RECORD) {
            b->rc = p->fmt->too_long(p->name, b->line, &b->err);
            goto fail;
        }
        want = b->cap * 2;
        if (block_room(b, want) < 0) {
            b->rc = sentraj_nomem(&b->err, "input block");
            goto fail;
        }
    }
    /* Carry the bytes past the cut to the next block. */
    if (b->len > s.cut) {
        size_t tail = b->len - s.cut;
        if (p->carry_cap < tail) {
            char *nc = realloc(p->carry, tail);
            if (!nc) {
                b->rc = sentraj_nomem(&b->err, "input block");
                goto fail;
            }
            p->carry = nc;
            p->carry_cap = tail;
        }
        memcpy(p->carry, b->data + s.cut, tail);
        p->carry_len = tail;
    }
    b->len = s.cut;
    memset(b->data + b->len, 0, PIPELINE_PAD);
    p->offset += b->len;
    p->line += s.lines_cut;
    b->final = p->eof && p->carry_len == 0;
    p->done = b->final;
    b->raw = input_raw_consumed(p->in);
    return;
fail:
    /* The whole records read before the error come first: what reading
     * record by record would have parsed before needing more input. */
    s = (scan){0, 0, 0, 0, 0};
    scan_block(b, &s, b->len, p->fmt->quotes);
    b->len = s.cut;
    memset(b->data + b->len, 0, b->data ? PIPELINE_PAD : 0);
    b->final = 1;
    p->done = 1;
    b->raw = input_raw_consumed(p->in);
}

/* ---- the threads ---------------------------------------------------------------- */

enum { SLOT_FREE, SLOT_FILLED, SLOT_PARSING, SLOT_PARSED };

typedef struct pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    block *slots;
    int *state;
    size_t nslots;
    uint64_t produced, parse_next, added; /* blocks filled, handed to a parser, added to the data set */
    int eof;                              /* the last block is filled */
    int stop;                             /* the data set failed: stop reading and parsing */
    producer prod;
    const block_format *fmt;
    const void *shared;
} pipe;

static block *slot(pipe *pp, uint64_t k)
{
    return &pp->slots[k % pp->nslots];
}

static int *slot_state(pipe *pp, uint64_t k)
{
    return &pp->state[k % pp->nslots];
}

/* Fill block k, with the mutex held on entry and exit. */
static void produce_one(pipe *pp, uint64_t k)
{
    pthread_mutex_unlock(&pp->mu);
    produce(&pp->prod, slot(pp, k));
    pthread_mutex_lock(&pp->mu);
    *slot_state(pp, k) = SLOT_FILLED;
    pp->produced = k + 1;
    pp->eof = pp->prod.done;
    pthread_cond_broadcast(&pp->cv);
}

static void *producer_main(void *arg)
{
    pipe *pp = arg;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    pthread_mutex_lock(&pp->mu);
    while (!pp->stop && !pp->eof) {
        if (pp->produced - pp->added >= pp->nslots)
            pthread_cond_wait(&pp->cv, &pp->mu);
        else
            produce_one(pp, pp->produced);
    }
    pthread_mutex_unlock(&pp->mu);
    return NULL;
}

/* Parse one filled block, with the mutex held on entry and exit. */
static void parse_one(pipe *pp, void *state, uint64_t k)
{
    block *b = slot(pp, k);
    *slot_state(pp, k) = SLOT_PARSING;
    pp->parse_next = k + 1;
    pthread_mutex_unlock(&pp->mu);
    rows_reset(&b->out);
    if (state)
        pp->fmt->parse(state, b);
    else
        b->out.rc = sentraj_nomem(&b->out.err, "parser");
    pthread_mutex_lock(&pp->mu);
    *slot_state(pp, k) = SLOT_PARSED;
    pthread_cond_broadcast(&pp->cv);
}

static void *parser_main(void *arg)
{
    pipe *pp = arg;
    void *state = pp->fmt->state_alloc(pp->shared);
    pthread_mutex_lock(&pp->mu);
    while (!pp->stop) {
        if (pp->parse_next < pp->produced) {
            parse_one(pp, state, pp->parse_next);
            continue;
        }
        if (pp->eof)
            break;
        pthread_cond_wait(&pp->cv, &pp->mu);
    }
    pthread_mutex_unlock(&pp->mu);
    if (state)
        pp->fmt->state_free(state);
    return NULL;
}

/* Add block b's rows to the data set, then raise what ended it. */
static int add_block(pipe *pp, sentraj_dataset *ds, uint32_t source, block *b, sentraj_error *err)
{
    size_t done = 0;
    uint32_t seen = 0;
    int rc = dataset_add_rows(ds, source, b->out.rows, b->out.n, &done, &seen, err);
    if (rc == DATASET_SEEN)
        return ds->failed = 1, pp->fmt->seen(pp->shared, ds, source, b, &b->out.rows[done], seen, err);
    if (rc == SENTRAJ_OK && b->out.rc != SENTRAJ_OK) {
        if (err)
            *err = b->out.err;
        rc = b->out.rc;
    }
    if (rc == SENTRAJ_OK && b->rc != SENTRAJ_OK) {
        if (err)
            *err = b->err;
        rc = b->rc;
    }
    if (rc == SENTRAJ_OK && ds->progress)
        ds->progress(ds->progress_ctx, pp->prod.name, b->raw, input_total(pp->prod.in));
    block_shrink(b);
    return rc;
}

/* Everything on the calling thread: read a block, parse it, add it. */
static int run_serial(pipe *pp, sentraj_dataset *ds, uint32_t source, sentraj_error *err)
{
    void *state = pp->fmt->state_alloc(pp->shared);
    block *b = slot(pp, 0);
    int rc = SENTRAJ_OK;

    if (!state)
        return sentraj_nomem(err, "parser");
    while (rc == SENTRAJ_OK && !pp->prod.done) {
        produce(&pp->prod, b);
        rows_reset(&b->out);
        pp->fmt->parse(state, b);
        rc = add_block(pp, ds, source, b, err);
    }
    pp->fmt->state_free(state);
    return rc;
}

/* The calling thread adds blocks in order, and parses while the next one
 * to add is not ready. */
static int run_threads(pipe *pp, sentraj_dataset *ds, uint32_t source, unsigned parsers, sentraj_error *err)
{
    pthread_t prod_tid, *tids = malloc(parsers * sizeof *tids);
    unsigned started = 0;
    int prod_started, rc = SENTRAJ_OK;
    void *state = pp->fmt->state_alloc(pp->shared);

    if (!tids || !state) {
        free(tids);
        if (state)
            pp->fmt->state_free(state);
        return sentraj_nomem(err, "reader threads");
    }
    pp->prod.cancellable = 1;
    prod_started = pthread_create(&prod_tid, NULL, producer_main, pp) == 0;
    if (!prod_started)
        pp->prod.cancellable = 0;
    for (unsigned i = 0; prod_started && i < parsers; i++) {
        if (pthread_create(&tids[started], NULL, parser_main, pp) != 0)
            break;
        started++;
    }
    pthread_mutex_lock(&pp->mu);
    for (;;) {
        uint64_t k = pp->added;
        if (k < pp->produced && *slot_state(pp, k) == SLOT_PARSED) {
            pthread_mutex_unlock(&pp->mu);
            rc = add_block(pp, ds, source, slot(pp, k), err);
            pthread_mutex_lock(&pp->mu);
            *slot_state(pp, k) = SLOT_FREE;
            pp->added = k + 1;
            pthread_cond_broadcast(&pp->cv);
            if (rc != SENTRAJ_OK) {
                pp->stop = 1;
                break;
            }
        } else if (pp->parse_next < pp->produced) {
            parse_one(pp, state, pp->parse_next);
        } else if (!prod_started && !pp->eof) {
            /* No thread could be started: read here. */
            produce_one(pp, pp->produced);
        } else if (pp->eof && pp->added == pp->produced) {
            break;
        } else {
            pthread_cond_wait(&pp->cv, &pp->mu);
        }
    }
    pthread_cond_broadcast(&pp->cv);
    pthread_mutex_unlock(&pp->mu);
    if (prod_started) {
        /* After an error the reader may be waiting for input that never
         * comes (a pipe kept open): cancel it (only its reads can be). */
        if (pp->stop)
            pthread_cancel(prod_tid);
        pthread_join(prod_tid, NULL);
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    pp->fmt->state_free(state);
    ds->parallel_blocks += pp->added;
    return rc;
}

int pipeline_read(sentraj_dataset *ds, uint32_t source, input *in, const char *prefix, size_t prefix_len,
                  uint64_t offset, uint64_t line, const block_format *fmt, const void *shared, sentraj_error *err)
{
    unsigned threads = pool_threads(ds->threads);
    uint64_t total = input_total(in);
    pipe pp;
    int rc;

    memset(&pp, 0, sizeof pp);
    pp.fmt = fmt;
    pp.shared = shared;
    pp.prod = (producer){.in = in, .name = input_name(in), .fmt = fmt, .offset = offset, .line = line};
    if (prefix_len) {
        pp.prod.carry = malloc(prefix_len);
        if (!pp.prod.carry)
            return sentraj_nomem(err, "input block");
        memcpy(pp.prod.carry, prefix, prefix_len);
        pp.prod.carry_len = pp.prod.carry_cap = prefix_len;
    }
    /* Progress is reported as blocks are added, on the calling thread. */
    input_set_progress(in, NULL, NULL);
    /* A small file (or one thread) is read on the calling thread alone. */
    if (threads > 1 && total && total - (offset < total ? offset : total) < 2 * block_bytes)
        threads = 1;
    pp.nslots = threads > 1 ? 2 * (size_t)threads + 2 : 1;
    pp.slots = calloc(pp.nslots, sizeof *pp.slots);
    pp.state = calloc(pp.nslots, sizeof *pp.state);
    if (!pp.slots || !pp.state) {
        rc = sentraj_nomem(err, "input blocks");
    } else if (threads > 1) {
        pthread_mutex_init(&pp.mu, NULL);
        pthread_cond_init(&pp.cv, NULL);
        rc = run_threads(&pp, ds, source, threads - 1, err);
        pthread_cond_destroy(&pp.cv);
        pthread_mutex_destroy(&pp.mu);
    } else {
        rc = run_serial(&pp, ds, source, err);
    }
    for (size_t i = 0; pp.slots && i < pp.nslots; i++) {
        free(pp.slots[i].data);
        rows_free(&pp.slots[i].out);
    }
    free(pp.slots);
    free(pp.state);
    free(pp.prod.carry);
    return rc;
}
