/* input.c - byte sources: files, standard input, gzip and zstd detected by content, other encodings converted to UTF-8. */
#include "io/input.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#define RAW_CAP (256u * 1024u)

/* Decompressed blocks a decompression thread may hold ready: enough for
 * parsing to overlap decompression, few enough to stay a bounded 1 MiB. */
#define DQ_SLOTS 4
#define DQ_BLOCK (256u * 1024u)

typedef struct dq_slot {
    char *buf;
    size_t len;
    uint64_t raw; /* raw bytes consumed once this block was decompressed */
} dq_slot;

/* The decompression thread and the blocks it hands over, oldest first at
 * head; the reader holds the head slot while it copies out of it. */
typedef struct dqueue {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    dq_slot slot[DQ_SLOTS];
    size_t head, count;
    int held;        /* the reader is copying out of slot[head] */
    size_t pos;      /* ... from this offset */
    int done, stop;  /* the thread has finished (at the end or on error); the reader asks it to */
    int rc;          /* -1: the thread stopped on an error, in err */
    sentraj_error err;
} dqueue;

struct input {
    char *name;
    int fd;          /* -1 for memory buffers */
    int owns_fd;
    const char *mem; /* memory buffer, when fd < 0 */
    size_t mem_len, mem_pos;
    int sniffed;
    int gzip;        /* the content starts with the gzip magic */
    int z_live;      /* inflateInit2 succeeded */
    int z_member_done;
    z_stream z;
    int zstd;        /* the content starts with the zstd magic */
    ZSTD_DStream *zd;
    size_t zd_hint;  /* ZSTD_decompressStream's last return: 0 between frames */
    int want_thread; /* decompress on a thread of its own (input_use_thread) */
    dqueue *dq;      /* that thread, once started */
    uint64_t dq_consumed; /* raw bytes behind the blocks handed out */
    char *ahead;        /* decompressed bytes read by input_peek_first, handed out first */
    size_t ahead_len, ahead_pos;
    unsigned char *raw; /* compressed bytes waiting for inflate, or sniffed plain bytes */
    size_t raw_len, raw_pos;
    int raw_eof;
    sentraj_progress_fn progress;
    void *progress_ctx;
    uint64_t consumed, total;
    /* input_set_encoding: raw bytes in cv_in[cv_pos, cv_len) wait to be
     * converted to UTF-8 by cd; cv_done counts the raw bytes converted. */
    iconv_t cd;
    int converting, cv_eof;
    char *cv_in;
    size_t cv_pos, cv_len;
    uint64_t cv_done;
    char *encoding;
};

static input *input_new(const char *name, sentraj_error *err)
{
    input *in = calloc(1, sizeof *in);
    if (!in) {
        sentraj_nomem(err, "input");
        return NULL;
    }
    in->name = strdup(strcmp(name, "-") == 0 ? "<stdin>" : name);
    in->raw = malloc(RAW_CAP);
    if (!in->name || !in->raw) {
        free(in->name);
        free(in->raw);
        free(in);
        sentraj_nomem(err, "input buffer");
        return NULL;
    }
    in->fd = -1;
    return in;
}

input *input_open(const char *path, sentraj_error *err)
{
    input *in = input_new(path, err);
    if (!in)
        return NULL;
    if (strcmp(path, "-") == 0) {
        in->fd = STDIN_FILENO;
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) {
            sentraj_raise(err, SENTRAJ_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
            input_close(in);
            return NULL;
        }
        in->owns_fd = 1;
    }
    {
        struct stat st;
        if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode))
            in->total = (uint64_t)st.st_size;
    }
    return in;
}

void input_set_progress(input *in, sentraj_progress_fn fn, void *ctx)
{
    in->progress = fn;
    in->progress_ctx = ctx;
}

input *input_open_buffer(const char *data, size_t len, const char *name, sentraj_error *err)
{
    input *in = input_new(name, err);
    if (!in)
        return NULL;
    in->mem = data;
    in->mem_len = len;
    return in;
}

uint64_t input_raw_consumed(const input *in)
{
    return in->dq ? in->dq_consumed : in->consumed;
}

void input_use_thread(input *in, int on)
{
    in->want_thread = on;
}

uint64_t input_total(const input *in)
{
    return in->total;
}

/* Count n bytes read and report progress. */
static void consumed(input *in, size_t n)
{
    in->consumed += (uint64_t)n;
    /* With a decompression thread, this runs on it: the reader reports
     * progress as it takes each block instead. */
    if (in->progress && !in->dq)
        in->progress(in->progress_ctx, in->name, in->consumed, in->total);
}

const char *input_name(const input *in)
{
    return in->name;
}

/* Read raw (possibly compressed) bytes from the descriptor or the buffer. */
static ssize_t raw_read(input *in, void *buf, size_t cap, sentraj_error *err)
{
    if (in->fd < 0) {
        size_t n = in->mem_len - in->mem_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, in->mem + in->mem_pos, n);
        in->mem_pos += n;
        return (ssize_t)n;
    }
    for (;;) {
        ssize_t n = read(in->fd, buf, cap);
        if (n >= 0) {
            consumed(in, (size_t)n);
            return n;
        }
        if (errno == EINTR)
            continue;
        sentraj_raise(err, SENTRAJ_EIO, in->name, 0, 0, "read failed: %s", strerror(errno));
        return -1;
    }
}

/* Fill in->raw when it is used up. Returns 0, or -1 with err set. */
static int refill(input *in, sentraj_error *err)
{
    ssize_t n;
    if (in->raw_pos < in->raw_len || in->raw_eof)
        return 0;
    n = raw_read(in, in->raw, RAW_CAP, err);
    if (n < 0)
        return -1;
    in->raw_len = (size_t)n;
    in->raw_pos = 0;
    if (n == 0)
        in->raw_eof = 1;
    return 0;
}

/* Decide between plain and gzip from the first two bytes. The bytes read
 * for that stay in in->raw and are handed out (plain) or inflated (gzip). */
static int sniff(input *in, sentraj_error *err)
{
    in->sniffed = 1;
    while (in->raw_len < 4 && !in->raw_eof) {
        ssize_t n = raw_read(in, in->raw + in->raw_len, RAW_CAP - in->raw_len, err);
        if (n < 0)
            return -1;
        if (n == 0)
            in->raw_eof = 1;
        in->raw_len += (size_t)n;
    }
    if (in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
        in->gzip = 1;
        memset(&in->z, 0, sizeof in->z);
        /* 16 + MAX_WBITS: expect a gzip header and trailer (zlib manual). */
        if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK)
            return sentraj_nomem(err, "gzip decoder"), -1;
        in->z_live = 1;
    } else if (in->raw_len >= 4 && ((in->raw[0] == 0x28 && in->raw[1] == 0xb5 && in->raw[2] == 0x2f &&
                                     in->raw[3] == 0xfd) ||
                                    /* a skippable frame first */
                                    ((in->raw[0] & 0xf0) == 0x50 && in->raw[1] == 0x2a && in->raw[2] == 0x4d &&
                                     in->raw[3] == 0x18))) {
        in->zstd = 1;
        in->zd = ZSTD_createDStream();
        if (!in->zd || ZSTD_isError(ZSTD_initDStream(in->zd)))
            return sentraj_nomem(err, "zstd decoder"), -1;
        in->zd_hint = 1;
    }
    return 0;
}

/* Decompress zstd frames (one after the other, as `cat a.zst b.zst` makes)
 * into buf. */
static ssize_t zstd_read(input *in, char *buf, size_t cap, sentraj_error *err)
{
    ZSTD_outBuffer out = {buf, cap, 0};
    while (out.pos < out.size) {
        size_t before = out.pos, rc;
        if (refill(in, err) < 0)
            return -1;
        ZSTD_inBuffer zin = {in->raw + in->raw_pos, in->raw_len - in->raw_pos, 0};
        if (zin.size == 0 && in->zd_hint == 0)
            break; /* the end, between frames */
        rc = ZSTD_decompressStream(in->zd, &out, &zin);
        in->raw_pos += zin.pos;
        if (ZSTD_isError(rc)) {
            if (ZSTD_getErrorCode(rc) == ZSTD_error_memory_allocation)
                return sentraj_nomem(err, "zstd decoder"), -1;
            return sentraj_raise(err, SENTRAJ_EDATA, in->name, 0, 0, "corrupt zstd stream: %s",
                                 ZSTD_getErrorName(rc)), -1;
        }
        in->zd_hint = rc;
        /* No input left and nothing more came out: inside a frame, the
         * file was cut short. */
        if (zin.size == 0 && out.pos == before) {
            if (rc != 0)
                return sentraj_raise(err, SENTRAJ_EDATA, in->name, 0, 0,
                                     "truncated zstd stream (the file ends inside compressed data)"), -1;
            break;
        }
    }
    return (ssize_t)out.pos;
}

static ssize_t gz_read(input *in, char *buf, size_t cap, sentraj_error *err)
{
    in->z.next_out = (unsigned char *)buf;
    in->z.avail_out = cap > (1u << 30) ? (1u << 30) : (unsigned)cap;
    while (in->z.avail_out > 0) {
        int rc;
        if (refill(in, err) < 0)
            return -1;
        if (in->raw_pos == in->raw_len) {
            /* End of the compressed bytes: fine between members, not inside one. */
            if (!in->z_member_done)
                return sentraj_raise(err, SENTRAJ_EDATA, in->name, 0, 0,
                                     "truncated gzip stream (the file ends inside compressed data)"), -1;
            break;
        }
        if (in->z_member_done) {
            /* Concatenated gzip members (as `cat a.gz b.gz` makes) form one stream. */
            if (inflateReset(&in->z) != Z_OK)
                return sentraj_raise(err, SENTRAJ_EINTERNAL, in->name, 0, 0, "gzip decoder reset failed"), -1;
            in->z_member_done = 0;
        }
        in->z.next_in = in->raw + in->raw_pos;
        in->z.avail_in = (unsigned)(in->raw_len - in->raw_pos);
        rc = inflate(&in->z, Z_NO_FLUSH);
        in->raw_pos = in->raw_len - in->z.avail_in;
        if (rc == Z_STREAM_END) {
            in->z_member_done = 1;
        } else if (rc == Z_MEM_ERROR) {
            return sentraj_nomem(err, "gzip decoder"), -1;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return sentraj_raise(err, SENTRAJ_EDATA, in->name, 0, 0, "corrupt gzip stream: %s",
                                 in->z.msg ? in->z.msg : "inflate failed"), -1;
        }
        if (rc == Z_STREAM_END && in->z.avail_out < cap)
            break; /* hand out what we have before looking at the next member */
    }
    return (ssize_t)(cap - in->z.avail_out);
}

/* ---- decompression on a thread of its own -------------------------------------- */

/* Decompressed bytes, on whichever thread calls it. */
static ssize_t decode(input *in, char *buf, size_t cap, sentraj_error *err)
{
    return in->gzip ? gz_read(in, buf, cap, err) : zstd_read(in, buf, cap, err);
}

/* The thread: fill free slots with whole blocks until the end, an error or
 * the reader's stop. */
static void *dq_main(void *arg)
{
    input *in = arg;
    dqueue *q = in->dq;
    for (;;) {
        dq_slot *sl;
        size_t len = 0;
        ssize_t n = 1;
        pthread_mutex_lock(&q->mu);
        while (q->count == DQ_SLOTS && !q->stop)
            pthread_cond_wait(&q->cv, &q->mu);
        if (q->stop) {
            pthread_mutex_unlock(&q->mu);
            break;
        }
        /* The slot after the queued ones: not the reader's (it holds the
         * head, and only while count > 0), and it stays this slot while the
         * reader moves head on. */
        sl = &q->slot[(q->head + q->count) % DQ_SLOTS];
        pthread_mutex_unlock(&q->mu);
        while (len < DQ_BLOCK && (n = decode(in, sl->buf + len, DQ_BLOCK - len, &q->err)) > 0)
            len += (size_t)n;
        pthread_mutex_lock(&q->mu);
        sl->len = len;
        sl->raw = in->consumed;
        if (len)
            q->count++;
        if (n <= 0) {
            q->done = 1;
            q->rc = n < 0 ? -1 : 0;
        }
        pthread_cond_broadcast(&q->cv);
        pthread_mutex_unlock(&q->mu);
        if (n <= 0)
            break;
    }
    pthread_mutex_lock(&q->mu);
    q->done = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

static void dq_free(dqueue *q)
{
    for (int i = 0; i < DQ_SLOTS; i++)
        free(q->slot[i].buf);
    free(q);
}

/* Start the thread; without memory or a thread, decompression stays on the
 * reader's thread (the same bytes, later). Signals stay with the other
 * threads. */
static void dq_start(input *in)
{
    dqueue *q = calloc(1, sizeof *q);
    sigset_t all, old;
    int ok = q != NULL;
    for (int i = 0; ok && i < DQ_SLOTS; i++)
        ok = (q->slot[i].buf = malloc(DQ_BLOCK)) != NULL;
    if (!ok) {
        if (q)
            dq_free(q);
        return;
    }
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    in->dq = q;
    in->dq_consumed = in->consumed;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    ok = pthread_create(&q->th, NULL, dq_main, in) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!ok) {
        pthread_cond_destroy(&q->cv);
        pthread_mutex_destroy(&q->mu);
        dq_free(q);
        in->dq = NULL;
    }
}

/* Copy out of the head block, taking the next one when it is used up. */
static ssize_t dq_read(input *in, char *buf, size_t cap, sentraj_error *err)
{
    dqueue *q = in->dq;
    const dq_slot *sl;
    size_t n;
    int taken = 0;

    pthread_mutex_lock(&q->mu);
    if (q->held && q->pos == q->slot[q->head].len) {
        q->head = (q->head + 1) % DQ_SLOTS;
        q->count--;
        q->held = 0;
        pthread_cond_broadcast(&q->cv);
    }
    while (!q->held && q->count == 0 && !q->done)
        pthread_cond_wait(&q->cv, &q->mu);
    if (!q->held && q->count > 0) {
        q->held = taken = 1;
        q->pos = 0;
        in->dq_consumed = q->slot[q->head].raw;
    }
    if (!q->held) {
        int rc = q->rc;
        if (rc < 0 && err)
            *err = q->err;
        pthread_mutex_unlock(&q->mu);
        return rc < 0 ? -1 : 0;
    }
    sl = &q->slot[q->head];
    pthread_mutex_unlock(&q->mu);
    n = sl->len - q->pos < cap ? sl->len - q->pos : cap;
    memcpy(buf, sl->buf + q->pos, n);
    q->pos += n;
    if (taken && in->progress)
        in->progress(in->progress_ctx, in->name, in->dq_consumed, in->total);
    return (ssize_t)n;
}

/* Stop the thread (it finishes the block it is on) and free its blocks. */
static void dq_stop(input *in)
{
    dqueue *q = in->dq;
    pthread_mutex_lock(&q->mu);
    q->stop = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->th, NULL);
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    dq_free(q);
    in->dq = NULL;
}

/* ---- reading ---------------------------------------------------------------------- */

static ssize_t read_content(input *in, char *buf, size_t cap, sentraj_error *err);

static ssize_t read_raw(input *in, char *buf, size_t cap, sentraj_error *err)
{
    if (in->ahead_pos < in->ahead_len) {
        size_t n = in->ahead_len - in->ahead_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, in->ahead + in->ahead_pos, n);
        in->ahead_pos += n;
        return (ssize_t)n;
    }
    return read_content(in, buf, cap, err);
}

#define CV_BLOCK 65536

/* Convert what waits in cv_in into buf. Returns the bytes produced, 0 when
 * more raw input is needed (or at the end), -1 with err set. */
static ssize_t convert(input *in, char *buf, size_t cap, sentraj_error *err)
{
    char *ip = in->cv_in + in->cv_pos, *op = buf;
    size_t il = in->cv_len - in->cv_pos, ol = cap, r;

    r = iconv(in->cd, &ip, &il, &op, &ol);
    in->cv_done += (size_t)(ip - (in->cv_in + in->cv_pos));
    in->cv_pos = (size_t)(ip - in->cv_in);
    if (r == (size_t)-1 && op == buf) {
        if (errno == EILSEQ || (errno == EINVAL && in->cv_eof))
            return sentraj_raise(err, SENTRAJ_EDATA, in->name, 0, 0,
                                 "byte 0x%02X at offset %llu is not %s (%s)", (unsigned)(unsigned char)*ip,
                                 (unsigned long long)in->cv_done, in->encoding,
                                 errno == EILSEQ ? "an invalid sequence" : "a sequence cut off by the end"),
                   -1;
        if (errno == E2BIG)
            return sentraj_raise(err, SENTRAJ_EIO, in->name, 0, 0, "converting the input: buffer too small"), -1;
    }
    return (ssize_t)(op - buf);
}

/* Read raw bytes and hand them out converted to UTF-8. */
static ssize_t read_converted(input *in, char *buf, size_t cap, sentraj_error *err)
{
    for (;;) {
        ssize_t n = convert(in, buf, cap, err);
        if (n != 0)
            return n;
        if (in->cv_eof)
            return 0;
        memmove(in->cv_in, in->cv_in + in->cv_pos, in->cv_len - in->cv_pos);
        in->cv_len -= in->cv_pos;
        in->cv_pos = 0;
        n = read_raw(in, in->cv_in + in->cv_len, CV_BLOCK - in->cv_len, err);
        if (n < 0)
            return -1;
        if (n == 0)
            in->cv_eof = 1;
        in->cv_len += (size_t)n;
    }
}

ssize_t input_read(input *in, char *buf, size_t cap, sentraj_error *err)
{
    return in->converting ? read_converted(in, buf, cap, err) : read_raw(in, buf, cap, err);
}

int input_set_encoding(input *in, const char *encoding, sentraj_error *err)
{
    in->cd = iconv_open("UTF-8", encoding);
    if (in->cd == (iconv_t)-1)
        return sentraj_raise(err, SENTRAJ_EUSAGE, NULL, 0, 0,
                             "unknown encoding \"%s\" (any name iconv knows: latin1, cp1252, utf-16, ...; `iconv "
                             "-l` lists them)",
                             encoding);
    in->converting = 1;
    if (!(in->cv_in = malloc(CV_BLOCK)) || !(in->encoding = strdup(encoding)))
        return sentraj_nomem(err, "input");
    return SENTRAJ_OK;
}

int input_peek_first(input *in, sentraj_error *err)
{
    /* Read ahead until a non-blank byte shows up (at most 64 KiB of blanks). */
    for (;;) {
        for (size_t i = in->ahead_pos; i < in->ahead_len; i++) {
            unsigned char c = (unsigned char)in->ahead[i];
            if (i == in->ahead_pos && in->ahead_len - i >= 3 && memcmp(in->ahead + i, "\xEF\xBB\xBF", 3) == 0) {
                i += 2;
                continue;
            }
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
                return c;
        }
        if (in->ahead_len >= 65536)
            return ' ';
        {
            char *nb = realloc(in->ahead, 65536);
            ssize_t n;
            if (!nb)
                return sentraj_nomem(err, "input"), -2;
            in->ahead = nb;
            n = read_content(in, in->ahead + in->ahead_len, 65536 - in->ahead_len, err);
            if (n < 0)
                return -2;
            if (n == 0)
                return -1;
            in->ahead_len += (size_t)n;
        }
    }
}

static ssize_t read_content(input *in, char *buf, size_t cap, sentraj_error *err)
{
    if (!in->sniffed) {
        if (sniff(in, err) < 0)
            return -1;
        if ((in->gzip || in->zstd) && in->want_thread && in->fd >= 0)
            dq_start(in);
    }
    if (in->dq)
        return dq_read(in, buf, cap, err);
    if (in->gzip || in->zstd)
        return decode(in, buf, cap, err);
    if (in->raw_pos < in->raw_len) {
        size_t n = in->raw_len - in->raw_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, in->raw + in->raw_pos, n);
        in->raw_pos += n;
        return (ssize_t)n;
    }
    if (in->raw_eof)
        return 0;
    return raw_read(in, buf, cap, err);
}

void input_close(input *in)
{
    if (!in)
        return;
    if (in->dq)
        dq_stop(in);
    if (in->z_live)
        inflateEnd(&in->z);
    ZSTD_freeDStream(in->zd);
    if (in->converting)
        iconv_close(in->cd);
    free(in->cv_in);
    free(in->encoding);
    if (in->owns_fd && in->fd >= 0)
        close(in->fd);
    free(in->raw);
    free(in->ahead);
    free(in->name);
    free(in);
}

int input_slurp(const char *path, size_t max, const char *too_big, const char *what, char **out, size_t *len,
                sentraj_error *err)
{
    input *in = input_open(path, err);
    char *buf = NULL;
    size_t cap = 0, n = 0;
    int rc = SENTRAJ_OK;

    if (!in)
        return err ? err->code : SENTRAJ_EIO;
    for (;;) {
        ssize_t got;
        if (cap - n < 4096) {
            size_t nc = cap ? cap * 2 : 65536;
            char *nb;
            if (nc > max) {
                rc = sentraj_raise(err, SENTRAJ_ELIMIT, path, 0, 0, "%s", too_big);
                break;
            }
            if (!(nb = realloc(buf, nc))) {
                rc = sentraj_nomem(err, what);
                break;
            }
            buf = nb;
            cap = nc;
        }
        got = input_read(in, buf + n, cap - n - 1, err);
        if (got < 0) {
            rc = err ? err->code : SENTRAJ_EIO;
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    input_close(in);
    if (rc != SENTRAJ_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return SENTRAJ_OK;
}
