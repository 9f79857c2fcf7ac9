/* input.c - byte sources: files, standard input, gzip detected by content. */
#include "io/input.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define RAW_CAP (256u * 1024u)

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
    char *ahead;        /* decompressed bytes read by input_peek_first, handed out first */
    size_t ahead_len, ahead_pos;
    unsigned char *raw; /* compressed bytes waiting for inflate, or sniffed plain bytes */
    size_t raw_len, raw_pos;
    int raw_eof;
    sentraj_progress_fn progress;
    void *progress_ctx;
    uint64_t consumed, total;
    int range;                  /* input_open_range: pread from range_pos up to range_end */
    uint64_t range_pos, range_end;
    atomic_uint_least64_t *shared_done; /* input_share_progress */
    int report;
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

int input_plain_file(const input *in, int *fd, uint64_t *size)
{
    if (!in->owns_fd || in->fd < 0 || in->range || !in->sniffed || in->gzip || in->total == 0 || in->converting)
        return 0;
    *fd = in->fd;
    *size = in->total;
    return 1;
}

input *input_open_range(const char *name, int fd, uint64_t off, uint64_t len, sentraj_error *err)
{
    input *in = input_new(name, err);
    if (!in)
        return NULL;
    in->fd = fd;
    in->range = 1;
    in->range_pos = off;
    in->range_end = off + len;
    in->sniffed = 1;
    in->total = len;
    return in;
}

void input_share_progress(input *in, sentraj_progress_fn fn, void *ctx, atomic_uint_least64_t *done, uint64_t total,
                          int report)
{
    in->progress = fn;
    in->progress_ctx = ctx;
    in->shared_done = done;
    in->total = total;
    in->report = report;
}

/* Count n bytes read and report progress. */
static void consumed(input *in, size_t n)
{
    in->consumed += (uint64_t)n;
    if (in->shared_done) {
        uint64_t all = atomic_fetch_add_explicit(in->shared_done, n, memory_order_relaxed) + n;
        if (all > in->total) /* chunks read again count twice */
            all = in->total;
        if (in->report && in->progress)
            in->progress(in->progress_ctx, in->name, all, in->total);
    } else if (in->progress) {
        in->progress(in->progress_ctx, in->name, in->consumed, in->total);
    }
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
        ssize_t n;
        if (in->range) {
            uint64_t left = in->range_end - in->range_pos;
            n = pread(in->fd, buf, cap < left ? cap : (size_t)left, (off_t)in->range_pos);
            if (n > 0)
                in->range_pos += (uint64_t)n;
        } else {
            n = read(in->fd, buf, cap);
        }
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
    while (in->raw_len < 2 && !in->raw_eof) {
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
    }
    return 0;
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
    if (!in->sniffed && sniff(in, err) < 0)
        return -1;
    if (in->gzip)
        return gz_read(in, buf, cap, err);
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
    if (in->z_live)
        inflateEnd(&in->z);
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
