/* csv.c - the streaming RFC 4180 reader for the long message format, record by record. */
#include "io/csv.h"

#include "core/bytes.h"
#include "core/error.h"
#include "core/testing.h"
#include "data/dataset.h"
#include "io/input.h"
#include "io/readers.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BLOCK (1u << 20)                /* bytes read at a time */
#define MAX_RECORD ((size_t)1 << 30)    /* one record may not exceed 1 GiB */
#define MAX_FIELDS 4096                 /* columns in a header */

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

/* The slot of a field shorter than CACHE_BYTES: its first and last eight
 * bytes (overlapping, or all of it when shorter) and its length, mixed. */
static unsigned cache_slot(const char *s, size_t len)
{
    uint64_t a = 0, b = 0;
    if (len >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + len - 8, 8);
    } else if (len >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + len - 4, 4);
        a = x;
        b = y;
    } else {
        for (size_t i = 0; i < len; i++)
            a |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    uint64_t h = (a * 0x9e3779b97f4a7c15u) ^ (b * 0xc2b2ae3d27d4eb4fu) ^ ((uint64_t)len * 0x165667b19e3779f9u);
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9u;
    return (unsigned)(h >> 58); /* CACHE_SLOTS = 64 */
}

static int cache_find(const field_cache *c, const char *s, size_t len)
{
    unsigned i;
    if (len >= CACHE_BYTES)
        return -1;
    i = cache_slot(s, len);
    if (c->used[i] == len + 1 && bytes_equal(c->text[i], s, len))
        return (int)i;
    return -1;
}

static void cache_put(field_cache *c, const char *s, size_t len, int kind, double value)
{
    unsigned i;
    if (len >= CACHE_BYTES)
        return;
    i = cache_slot(s, len);
    memcpy(c->text[i], s, len);
    c->used[i] = (uint8_t)(len + 1);
    c->kind[i] = kind;
    c->value[i] = value;
}

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
};

enum { REC_OK = 1, REC_MORE = 0, REC_EOF = 2, REC_ERR = -1 };

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
        r->fields[r->nfields] = (field){off, len, line, col, scratch};
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

static int next_record(csv_reader *r, sentraj_error *err)
{
    for (;;) {
        int rc = parse_record(r, err);
        if (rc != REC_MORE)
            return rc;
        if (fill(r, err) < 0)
            return REC_ERR;
    }
}

static const char *field_ptr(const csv_reader *r, size_t i)
{
    const field *f = &r->fields[i];
    if (f->scratch)
        return r->scratch ? r->scratch + f->off : ""; /* quoted fields so far were all empty */
    return r->buf + f->off;
}

/* ---- the message format ----------------------------------------------- */

enum { COL_ID = FIELD_ID, COL_INDEX = FIELD_INDEX, COL_ROLE = FIELD_ROLE, COL_SENTIMENT = FIELD_SENTIMENT,
       COL_CATEGORIES = FIELD_CATEGORIES, COL_CLUSTER = FIELD_CLUSTER, NCOLS = NFIELDS };

/* Read the header and find the columns named in col_names (NULL: not
 * wanted); the ones in the `required` bit mask must be there. */
static int header(csv_reader *r, char *const col_names[NCOLS], unsigned required, int col[NCOLS], size_t *ncols,
                  sentraj_error *err)
{
    int rc;
    char wanted[512];
    size_t wused = 0;

    wanted[0] = '\0';
    for (int c = 0; c < NCOLS; c++)
        if (col_names[c] && wused < sizeof wanted - 64)
            wused += (size_t)snprintf(wanted + wused, sizeof wanted - wused, "%s%s", wused ? ", " : "",
                                      sentraj_show(col_names[c], strlen(col_names[c])).s);
    /* A UTF-8 byte order mark before the header is not part of the first name. */
    while (r->len - r->pos < 3 && !r->eof)
        if (fill(r, err) < 0)
            return err ? err->code : SENTRAJ_EIO;
    if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0)
        r->pos += 3;
    rc = next_record(r, err);
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
        if (memchr(field_ptr(r, i), '\r', r->fields[i].len))
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, r->rec_line, r->fields[i].col,
                                 "carriage return inside the header: the lines seem to end in CR only; convert "
                                 "them to LF or CRLF");
    for (int c = 0; c < NCOLS; c++)
        col[c] = -1;
    for (size_t i = 0; i < r->nfields; i++) {
        const char *s = field_ptr(r, i);
        size_t len = r->fields[i].len;
        while (len && (*s == ' ' || *s == '\t'))
            s++, len--;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
        for (int c = 0; c < NCOLS; c++) {
            if (col_names[c] && strlen(col_names[c]) == len && strncasecmp(s, col_names[c], len) == 0) {
                if (col[c] >= 0)
                    return sentraj_raise(err, SENTRAJ_EDATA, r->name, r->fields[i].line, r->fields[i].col,
                                         "column \"%s\" appears twice in the header", col_names[c]);
                col[c] = (int)i;
            }
        }
    }
    for (int c = 0; c < NCOLS; c++) {
        if (col[c] < 0 && (required & (1u << c))) {
            char have[256];
            size_t used = 0;
            have[0] = '\0';
            for (size_t i = 0; i < r->nfields && used < sizeof have - 8; i++) {
                int n = snprintf(have + used, sizeof have - used, "%s%s", i ? ", " : "",
                                 sentraj_show(field_ptr(r, i), r->fields[i].len).s);
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

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

static int parse_index(csv_reader *r, size_t i, uint64_t *out, sentraj_error *err)
{
    const char *s = field_ptr(r, i);
    size_t len = r->fields[i].len;
    uint64_t v = 0;
    const field *f = &r->fields[i];

    trim(&s, &len);
    if (len == 0)
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col, "missing message_index");
    if (s[0] == '-') {
        int digits = len > 1;
        for (size_t k = 1; k < len; k++)
            digits &= s[k] >= '0' && s[k] <= '9';
        if (digits)
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                                 "message_index %s is negative (it must be an integer >= 0)", sentraj_show(s, len).s);
    }
    if (len <= 19) { /* 19 digits cannot pass 2^64 - 1 */
        size_t k = 0;
        while (k < len && s[k] >= '0' && s[k] <= '9')
            v = v * 10 + (unsigned)(s[k++] - '0');
        if (k == len) {
            *out = v;
            return SENTRAJ_OK;
        }
        v = 0;
    }
    for (size_t k = 0; k < len; k++) {
        if (s[k] < '0' || s[k] > '9')
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                                 "message_index \"%s\" is not an integer >= 0", sentraj_show(s, len).s);
        unsigned d = (unsigned)(s[k] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                                 "message_index %s is too large (the limit is 2^64 - 1)", sentraj_show(s, len).s);
        v = v * 10 + d;
    }
    *out = v;
    return SENTRAJ_OK;
}

/* Field i as a role, through the cache of role fields seen. */
static inline int parse_role(csv_reader *r, size_t i, role_kind *role, sentraj_error *err)
{
    const field *f = &r->fields[i];
    const char *s = field_ptr(r, i);
    int hit = cache_find(&r->roles, s, f->len);

    if (hit >= 0) {
        *role = (role_kind)r->roles.kind[hit];
        return SENTRAJ_OK;
    }
    *role = labels_parse_role(s, f->len);
    if (*role == ROLE_UNKNOWN)
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                             "unknown role \"%s\" (human roles: human, user; assistant roles: assistant, claude, "
                             "model, ai, bot; ignored: system, tool)",
                             sentraj_show(s, f->len).s);
    cache_put(&r->roles, s, f->len, (int)*role, 0);
    return SENTRAJ_OK;
}

/* Field i as a sentiment label's value, through the cache of label fields
 * seen. */
static inline int parse_label(csv_reader *r, const sentraj_dataset *ds, size_t i, double *value, sentraj_error *err)
{
    const field *f = &r->fields[i];
    const char *s = field_ptr(r, i);
    int hit = cache_find(&r->labels, s, f->len);
    label_status st;

    if (hit >= 0) {
        *value = r->labels.value[hit];
        return SENTRAJ_OK;
    }
    st = labels_parse_sentiment(ds->scale, s, f->len, value);
    if (st != LABEL_OK)
        return labels_sentiment_error(ds->scale, st, s, f->len, r->name, f->line, f->col, err);
    cache_put(&r->labels, s, f->len, 0, *value);
    return SENTRAJ_OK;
}

static int row(csv_reader *r, sentraj_dataset *ds, uint32_t source, const int col[NCOLS], size_t ncols,
               sentraj_error *err)
{
    msg_row m;
    const field *f;
    int rc;

    if (r->nfields != ncols) {
        if (r->nfields > ncols) {
            f = &r->fields[ncols < r->nfields_cap ? ncols : r->nfields_cap - 1];
            return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                                 "row has %zu fields but the header has %zu (an unquoted comma?)", r->nfields, ncols);
        }
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, r->end_line, r->end_col,
                             "row has %zu field%s but the header has %zu", r->nfields, r->nfields == 1 ? "" : "s",
                             ncols);
    }

    /* Every member is set below or here (no memset: this runs per row). */
    m.value = 0;
    m.cats = NULL;
    m.cats_len = 0;
    m.cats_line = m.cats_col = 0;
    m.cluster = NULL;
    m.cluster_len = 0;
    m.cluster_line = m.cluster_col = 0;
    m.line = r->rec_line;

    f = &r->fields[col[COL_ID]];
    m.id = field_ptr(r, (size_t)col[COL_ID]);
    m.id_len = f->len;
    if (m.id_len == 0)
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col, "empty conversation_id");

    if ((rc = parse_index(r, (size_t)col[COL_INDEX], &m.index, err)) != SENTRAJ_OK)
        return rc;
    m.index_col = r->fields[col[COL_INDEX]].col;

    if ((rc = parse_role(r, (size_t)col[COL_ROLE], &m.role, err)) != SENTRAJ_OK)
        return rc;
    if (m.role == ROLE_HUMAN && (rc = parse_label(r, ds, (size_t)col[COL_SENTIMENT], &m.value, err)) != SENTRAJ_OK)
        return rc;

    if (col[COL_CATEGORIES] >= 0) {
        f = &r->fields[col[COL_CATEGORIES]];
        m.cats = field_ptr(r, (size_t)col[COL_CATEGORIES]);
        m.cats_len = f->len;
        m.cats_line = f->line;
        m.cats_col = f->col;
    }
    if (col[COL_CLUSTER] >= 0) {
        f = &r->fields[col[COL_CLUSTER]];
        m.cluster = field_ptr(r, (size_t)col[COL_CLUSTER]);
        m.cluster_len = f->len;
        m.cluster_line = f->line;
        m.cluster_col = f->col;
    }
    return dataset_add_row(ds, source, &m, err);
}

static int reader_open(csv_reader *r, input *in, sentraj_error *err)
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

static void reader_close(csv_reader *r)
{
    free(r->buf);
    free(r->fields);
    free(r->scratch);
}

csv_reader *csv_reader_alloc(input *in, sentraj_error *err)
{
    csv_reader *r = malloc(sizeof *r);
    if (!r) {
        sentraj_nomem(err, "reader");
        return NULL;
    }
    if (reader_open(r, in, err) != SENTRAJ_OK) {
        csv_reader_free(r);
        return NULL;
    }
    return r;
}

void csv_reader_free(csv_reader *r)
{
    if (!r)
        return;
    reader_close(r);
    free(r);
}

uint64_t csv_reader_offset(const csv_reader *r)
{
    return r->off + r->pos;
}

uint64_t csv_reader_line(const csv_reader *r)
{
    return r->line;
}

const char *csv_reader_name(const csv_reader *r)
{
    return r->name;
}

int csv_read_rows(csv_reader *r, sentraj_dataset *ds, uint32_t source, const int col[NFIELDS], size_t ncols,
                  uint64_t stop, sentraj_error *err)
{
    while (r->off + r->pos < stop) {
        int got = next_record(r, err), rc;
        if (got == REC_EOF)
            break;
        if (got == REC_ERR)
            return err ? err->code : SENTRAJ_EDATA;
        if ((rc = row(r, ds, source, col, ncols, err)) != SENTRAJ_OK)
            return rc;
    }
    return SENTRAJ_OK;
}

int csv_read(sentraj_dataset *ds, input *in, sentraj_error *err)
{
    csv_reader r;
    int col[NCOLS];
    size_t ncols = 0;
    int rc;
    int64_t source;

    if ((rc = reader_open(&r, in, err)) != SENTRAJ_OK)
        goto out;
    source = dataset_add_source(ds, r.name);
    if (source < 0) {
        rc = sentraj_nomem(err, "reader");
        goto out;
    }
    if ((rc = header(&r, ds->field,
                     (1u << COL_ID) | (1u << COL_INDEX) | (1u << COL_ROLE) | (1u << COL_SENTIMENT) |
                         (ds->field[FIELD_CLUSTER] ? 1u << COL_CLUSTER : 0u),
                     col, &ncols, err)) != SENTRAJ_OK)
        goto out;
    {
        int fd;
        uint64_t size;
        if (ds->threads != 1 && !ds->keep_labels && input_plain_file(in, &fd, &size)) {
            rc = csv_read_parallel(&r, ds, col, ncols, fd, size, err);
            if (rc != DATASET_NOMERGE)
                goto out;
        }
    }
    rc = csv_read_rows(&r, ds, (uint32_t)source, col, ncols, UINT64_MAX, err);
out:
    if (rc != SENTRAJ_OK)
        ds->failed = 1;
    reader_close(&r);
    return rc;
}

int csv_read_categories(sentraj_dataset *ds, input *in, sentraj_error *err)
{
    char *names[NCOLS] = {ds->field[FIELD_ID], NULL, NULL, NULL, ds->field[FIELD_CATEGORIES]};
    csv_reader r;
    int col[NCOLS];
    size_t ncols = 0;
    int rc;

    if ((rc = reader_open(&r, in, err)) != SENTRAJ_OK)
        goto out;
    if ((rc = header(&r, names, (1u << COL_ID) | (1u << COL_CATEGORIES), col, &ncols, err)) != SENTRAJ_OK)
        goto out;
    for (;;) {
        int got = next_record(&r, err);
        const field *fi, *fc;
        if (got == REC_EOF)
            break;
        if (got == REC_ERR) {
            rc = err ? err->code : SENTRAJ_EDATA;
            goto out;
        }
        if (r.nfields != ncols) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, r.name, r.end_line, r.end_col,
                               "row has %zu field%s but the header has %zu", r.nfields, r.nfields == 1 ? "" : "s",
                               ncols);
            goto out;
        }
        fi = &r.fields[col[COL_ID]];
        fc = &r.fields[col[COL_CATEGORIES]];
        if (fi->len == 0) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, r.name, fi->line, fi->col, "empty conversation_id");
            goto out;
        }
        rc = dataset_table_add(ds, r.name, field_ptr(&r, (size_t)col[COL_ID]), fi->len,
                               field_ptr(&r, (size_t)col[COL_CATEGORIES]), fc->len, r.rec_line, fi->col, fc->col, err);
        if (rc != SENTRAJ_OK)
            goto out;
    }
    rc = SENTRAJ_OK;
out:
    if (rc != SENTRAJ_OK)
        ds->failed = 1;
    reader_close(&r);
    return rc;
}
