/* csv.c - the streaming RFC 4180 record reader: records of an input, or of a block in memory, field by field. */
#include "io/csv.h"

#include "core/error.h"
#include "core/testing.h"
#include "io/input.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BLOCK (1u << 20)                /* bytes read at a time */
#define MAX_RECORD ((size_t)1 << 30)    /* one record may not exceed 1 GiB */
#define MAX_FIELDS 4096                 /* columns in a header */

enum { REC_OK = CSV_OK, REC_MORE = CSV_MORE, REC_EOF = CSV_EOF, REC_ERR = CSV_ERR };

/* The buffer keeps this many readable bytes past its data: a NUL sentinel
 * and room for a 16-byte load that starts before it. */
#define PAD 32

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The first position at or after q holding a byte marked in special (one of
 * , \n \r " NUL). The data ends in a NUL, so the scan always stops. With
 * SSE2, 16 bytes are compared at a time; the result is the same. */
static inline size_t scan_special(const char *b, size_t q, const unsigned char special[256])
{
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                  quote = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
    (void)special;
    for (;;) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + q));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, nl)),
                                   _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, quote)),
                                                _mm_cmpeq_epi8(v, zero)));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return q + (size_t)__builtin_ctz(mask);
        q += 16;
    }
#else
    while (!special[(unsigned char)b[q]])
        q++;
    return q;
#endif
}

static int scratch_put(csv_reader *r, const char *s, size_t n, sentraj_error *err)
{
    if (n == 0)
        return SENTRAJ_OK;
    if (r->scratch_cap - r->scratch_len < n) {
        size_t nc = r->scratch_cap ? r->scratch_cap : 4096;
        while (nc - r->scratch_len < n)
            nc *= 2;
        char *ns = realloc(r->scratch, nc);
        if (!ns)
            return sentraj_nomem(err, "quoted field");
        r->scratch = ns;
        r->scratch_cap = nc;
    }
    memcpy(r->scratch + r->scratch_len, s, n);
    r->scratch_len += n;
    return SENTRAJ_OK;
}

static int add_field(csv_reader *r, size_t off, size_t len, uint64_t line, uint64_t col, int scratch,
                     sentraj_error *err)
{
    if (r->nfields < r->nfields_cap)
        r->fields[r->nfields] = (csv_field){off, len, line, col, scratch};
    r->nfields++;
    (void)err;
    return SENTRAJ_OK;
}

/* Whether parse_record tries fast_record first: always in the library;
 * the tests turn it off to compare (csv_set_fast_path). */
#ifdef SENTRAJ_TESTING
static int fast_path = 1;

void csv_set_fast_path(int on)
{
    fast_path = on;
}
#else
#define fast_path 1
#endif

#if defined(__SSE2__)
/* The common record: one line, complete in the buffer, without quotes, NUL
 * bytes or carriage returns (but a CRLF ending). Its fields are the pieces
 * between commas, found from the bit masks of 16-byte blocks in one pass.
 * Returns 1 with the record taken (as parse_record would take it), or 0
 * with nothing changed but nfields: parse_record then reads it byte by
 * byte, which handles (or reports) everything else. */
static int fast_record(csv_reader *r, size_t p, uint64_t line)
{
    const char *b = r->buf;
    size_t end = r->len, ls = p, fstart = p;
    const __m128i comma = _mm_set1_epi8(','), nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                  quote = _mm_set1_epi8('"'), zero = _mm_setzero_si128();

    for (size_t q = p;; q += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + q));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, nl)),
                                   _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, quote)),
                                                _mm_cmpeq_epi8(v, zero)));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        while (mask) {
            size_t x = q + (size_t)__builtin_ctz(mask), rec_end;
            char c = b[x];
            mask &= mask - 1;
            if (x >= end)
                goto slow;
            if (c == ',') {
                add_field(r, fstart, x - fstart, line, (uint64_t)(fstart - ls) + 1, 0, NULL);
                fstart = x + 1;
                continue;
            }
            if (c == '\n')
                rec_end = x;
            else if (c == '\r' && x + 1 < end && b[x + 1] == '\n')
                rec_end = x + 1;
            else
                goto slow; /* a quote, a NUL byte or a lone carriage return */
            add_field(r, fstart, x - fstart, line, (uint64_t)(fstart - ls) + 1, 0, NULL);
            r->end_line = line;
            r->end_col = (uint64_t)(rec_end - ls) + 1;
            r->pos = rec_end + 1;
            r->line = line + 1;
            return 1;
        }
    }
slow:
    r->nfields = 0;
    return 0;
}
#endif

static int nul_error(csv_reader *r, uint64_t line, uint64_t col, sentraj_error *err)
{
    return sentraj_raise(err, SENTRAJ_EDATA, r->name, line, col,
                         "NUL byte in the input (is this a binary or UTF-16 file?)");
}

/* Where parse_record is: the next byte, its line, and where that line
 * starts (for columns). */
typedef struct cursor {
    size_t p;
    uint64_t line;
    size_t ls;
} cursor;

/* A quoted field at c->p (its opening quote), unescaped into the scratch
 * buffer; the cursor moves past the closing quote, and past a carriage
 * return that ends the record. Returns REC_OK, REC_MORE or REC_ERR. */
static inline int quoted_field(csv_reader *r, cursor *c, sentraj_error *err)
{
    const char *b = r->buf;
    size_t end = r->len, start = r->scratch_len, q = c->p + 1, p;
    uint64_t fline = c->line, fcol = (uint64_t)(c->p - c->ls) + 1;

    for (;;) {
        const char *quote = q < end ? memchr(b + q, '"', end - q) : NULL;
        size_t seg_end = quote ? (size_t)(quote - b) : end;
        const char *nul = memchr(b + q, '\0', seg_end - q);
        size_t upto = nul ? (size_t)(nul - b) : seg_end;
        for (const char *nl = memchr(b + q, '\n', upto - q); nl;
             nl = memchr(nl + 1, '\n', (size_t)(b + upto - nl - 1))) {
            c->line++;
            c->ls = (size_t)(nl - b) + 1;
        }
        if (nul)
            return nul_error(r, c->line, (uint64_t)(upto - c->ls) + 1, err), REC_ERR;
        if (scratch_put(r, b + q, seg_end - q, err))
            return REC_ERR;
        if (!quote) {
            if (!r->eof)
                return REC_MORE;
            sentraj_raise(err, SENTRAJ_EDATA, r->name, fline, fcol,
                          "unterminated quoted field (the quote opened here is never closed)");
            return REC_ERR;
        }
        q = seg_end + 1;
        if (q == end && !r->eof)
            return REC_MORE;
        if (q < end && b[q] == '"') { /* "" is a literal quote */
            if (scratch_put(r, "\"", 1, err))
                return REC_ERR;
            q++;
            continue;
        }
        break;
    }
    p = q;
    add_field(r, start, r->scratch_len - start, fline, fcol, 1, err);
    if (p < end && b[p] != ',' && b[p] != '\n' && !(b[p] == '\r' && (p + 1 < end || !r->eof))) {
        /* The whole character (up to 4 bytes of UTF-8), shown escaped: a
         * NUL would cut the message, a control byte would reach the terminal. */
        size_t k = 1;
        while (k < 4 && p + k < end && ((unsigned char)b[p + k] & 0xC0) == 0x80 && (unsigned char)b[p] >= 0xC0)
            k++;
        sentraj_raise(err, SENTRAJ_EDATA, r->name, c->line, (uint64_t)(p - c->ls) + 1,
                      "unexpected character '%s' after a closing quote (a quote inside a quoted field is "
                      "written as two quotes)", sentraj_show(b + p, k).s);
        return REC_ERR;
    }
    if (p < end && b[p] == '\r') {
        if (p + 1 == end && !r->eof)
            return REC_MORE;
        if (p + 1 < end && b[p + 1] != '\n') {
            sentraj_raise(err, SENTRAJ_EDATA, r->name, c->line, (uint64_t)(p - c->ls) + 1,
                          "unexpected carriage return after a closing quote");
            return REC_ERR;
        }
        p++;
    }
    c->p = p;
    return REC_OK;
}

/* An unquoted field at c->p; the cursor moves past it, and past a carriage
 * return that ends the record. Returns REC_OK, REC_MORE or REC_ERR. */
static inline int unquoted_field(csv_reader *r, cursor *c, sentraj_error *err)
{
    /* Bytes that end or spoil an unquoted field; buf[end] is a NUL
     * sentinel, so the scan needs no bounds check. */
    static const unsigned char special[256] = {[','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [0] = 1};
    const char *b = r->buf;
    size_t end = r->len, p = c->p, q = p;

    for (;;) {
        q = scan_special(b, q, special);
        if (q >= end)
            break;
        char ch = b[q];
        if (ch == ',' || ch == '\n')
            break;
        if (ch == '\r') {
            if (q + 1 < end ? b[q + 1] == '\n' : !r->eof)
                break;
            q++; /* a lone carriage return is data */
            continue;
        }
        if (ch == '"') {
            sentraj_raise(err, SENTRAJ_EDATA, r->name, c->line, (uint64_t)(q - c->ls) + 1,
                          "quote inside an unquoted field (quote the whole field and double the quote)");
            return REC_ERR;
        }
        return nul_error(r, c->line, (uint64_t)(q - c->ls) + 1, err), REC_ERR;
    }
    if (q > end)
        q = end;
    if (q == end && !r->eof)
        return REC_MORE;
    add_field(r, p, q - p, c->line, (uint64_t)(p - c->ls) + 1, 0, err);
    p = q;
    if (p < end && b[p] == '\r')
        p++; /* the '\n' follows (checked above) */
    c->p = p;
    return REC_OK;
}

/* Parse one record at buf[pos]. Returns REC_OK (fields filled, pos moved past
 * the record), REC_MORE (the record is not complete in the buffer and more
 * input exists), REC_EOF (no record left) or REC_ERR. Never modifies buf, so
 * after REC_MORE the caller may read more and parse the record again. */
static int parse_record(csv_reader *r, sentraj_error *err)
{
    const char *b = r->buf;
    size_t end = r->len;
    cursor c = {r->pos, r->line, r->pos};

    r->nfields = 0;
    r->scratch_len = 0;

    /* Blank lines between records hold no data; skip them. */
    for (;;) {
        if (c.p < end && b[c.p] == '\n') {
            c.p++, c.line++, c.ls = c.p;
        } else if (c.p + 1 < end && b[c.p] == '\r' && b[c.p + 1] == '\n') {
            c.p += 2, c.line++, c.ls = c.p;
        } else if (c.p + 1 == end && b[c.p] == '\r' && !r->eof) {
            return REC_MORE;
        } else {
            break;
        }
    }
    if (c.p == end) {
        if (!r->eof)
            return REC_MORE;
        r->pos = c.p;
        r->line = c.line;
        return REC_EOF;
    }
    r->rec_line = c.line;
#if defined(__SSE2__)
    if (fast_path && fast_record(r, c.p, c.line))
        return REC_OK;
#endif

    for (;;) {
        int rc = c.p < end && b[c.p] == '"' ? quoted_field(r, &c, err) : unquoted_field(r, &c, err);
        if (rc != REC_OK)
            return rc;
        if (c.p < end && b[c.p] == ',') {
            c.p++;
            continue;
        }
        /* End of record: a newline, or the end of the input. */
        r->end_line = c.line;
        r->end_col = (uint64_t)(c.p - c.ls) + 1;
        if (c.p < end) { /* b[c.p] == '\n' */
            c.p++;
            c.line++;
        } else if (!r->eof) {
            return REC_MORE;
        }
        r->pos = c.p;
        r->line = c.line;
        return REC_OK;
    }
}

/* Read more input, keeping the unparsed tail. Returns 0, or -1 with err set. */
static int fill(csv_reader *r, sentraj_error *err)
{
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->off += r->pos;
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->cap - r->len < BLOCK / 2) {
        size_t nc = r->cap * 2;
        if (nc > MAX_RECORD + BLOCK) {
            sentraj_raise(err, SENTRAJ_ELIMIT, r->name, r->line, 0,
                          "a record longer than 1 GiB starts here (unbalanced quotes?)");
            return -1;
        }
        char *nb = realloc(r->buf, nc + PAD);
        if (!nb)
            return sentraj_nomem(err, "input buffer"), -1;
        r->buf = nb;
        r->cap = nc;
    }
    ssize_t n = input_read(r->in, r->buf + r->len, r->cap - r->len, err);
    if (n < 0)
        return -1;
    if (n == 0)
        r->eof = 1;
    r->len += (size_t)n;
    /* The NUL sentinel that stops the field scanner, and defined bytes for
     * its 16-byte loads past the data. */
    memset(r->buf + r->len, 0, PAD);
    return 0;
}

int csv_next_record(csv_reader *r, sentraj_error *err)
{
    for (;;) {
        int rc = parse_record(r, err);
        if (rc != REC_MORE)
            return rc;
        if (fill(r, err) < 0)
            return REC_ERR;
    }
}


int csv_header(csv_reader *r, char *const *col_names, int nnames, unsigned required, int *col, size_t *ncols,
               sentraj_error *err)
{
    int rc;
    char wanted[512];
    size_t wused = 0;

    wanted[0] = '\0';
    for (int c = 0; c < nnames; c++)
        if (col_names[c] && wused < sizeof wanted - 64)
            wused += (size_t)snprintf(wanted + wused, sizeof wanted - wused, "%s%s", wused ? ", " : "",
                                      sentraj_show(col_names[c], strlen(col_names[c])).s);
    /* A UTF-8 byte order mark before the header is not part of the first name. */
    while (r->len - r->pos < 3 && !r->eof)
        if (fill(r, err) < 0)
            return err ? err->code : SENTRAJ_EIO;
    if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0)
        r->pos += 3;
    rc = csv_next_record(r, err);
    if (rc == REC_EOF)
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, 1, 0,
                             "empty input: expected a header line naming the columns (%s)", wanted);
    if (rc != REC_OK)
        return err ? err->code : SENTRAJ_EDATA;
    if (r->nfields > r->nfields_cap)
        return sentraj_raise(err, SENTRAJ_ELIMIT, r->name, r->rec_line, 0, "the header has more than %d columns",
                             MAX_FIELDS);
    /* A carriage return inside the header means lines end in CR alone (old
     * Mac files): the whole file would read as one header line. */
    for (size_t i = 0; i < r->nfields; i++)
        if (memchr(csv_field_ptr(r, i), '\r', r->fields[i].len))
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, r->rec_line, r->fields[i].col,
                                 "carriage return inside the header: the lines seem to end in CR only; convert "
                                 "them to LF or CRLF");
    for (int c = 0; c < nnames; c++)
        col[c] = -1;
    for (size_t i = 0; i < r->nfields; i++) {
        const char *s = csv_field_ptr(r, i);
        size_t len = r->fields[i].len;
        while (len && (*s == ' ' || *s == '\t'))
            s++, len--;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        for (int c = 0; c < nnames; c++) {
            if (col_names[c] && strlen(col_names[c]) == len && strncasecmp(s, col_names[c], len) == 0) {
                if (col[c] >= 0)
                    return sentraj_raise(err, SENTRAJ_EDATA, r->name, r->fields[i].line, r->fields[i].col,
                                         "column \"%s\" appears twice in the header", col_names[c]);
                col[c] = (int)i;
            }
        }
    }
    for (int c = 0; c < nnames; c++) {
        if (col[c] < 0 && (required & (1u << c))) {
            char have[256];
            size_t used = 0;
            have[0] = '\0';
            for (size_t i = 0; i < r->nfields && used < sizeof have - 8; i++) {
                int n = snprintf(have + used, sizeof have - used, "%s%s", i ? ", " : "",
                                 sentraj_show(csv_field_ptr(r, i), r->fields[i].len).s);
                if (n < 0)
                    break;
                used += (size_t)n;
            }
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, r->rec_line, 0,
                                 "missing required column \"%s\" (the header has: %s)", col_names[c], have);
        }
    }
    *ncols = r->nfields;
    return SENTRAJ_OK;
}



int csv_reader_open(csv_reader *r, input *in, sentraj_error *err)
{
    memset(r, 0, sizeof *r);
    r->in = in;
    r->name = input_name(in);
    r->line = 1;
    r->cap = 2 * BLOCK;
    r->buf = malloc(r->cap + PAD); /* the sentinel and scanner room after the data */
    r->nfields_cap = MAX_FIELDS;
    r->fields = malloc(r->nfields_cap * sizeof *r->fields);
    if (!r->buf || !r->fields)
        return sentraj_nomem(err, "reader");
    return SENTRAJ_OK;
}

int csv_reader_open_view(csv_reader *r, const char *name, sentraj_error *err)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->nfields_cap = MAX_FIELDS;
    r->fields = malloc(r->nfields_cap * sizeof *r->fields);
    if (!r->fields)
        return sentraj_nomem(err, "reader");
    return SENTRAJ_OK;
}

void csv_reader_view(csv_reader *r, const char *data, size_t len, uint64_t off, uint64_t line)
{
    /* The view never reads (eof is set), so its buffer is only read. */
    r->buf = (char *)(uintptr_t)data;
    r->len = len;
    r->pos = 0;
    r->off = off;
    r->line = line;
    r->eof = 1;
}

void csv_reader_close(csv_reader *r)
{
    if (r->in)
        free(r->buf);
    free(r->fields);
    free(r->scratch);
    memset(r, 0, sizeof *r);
}
