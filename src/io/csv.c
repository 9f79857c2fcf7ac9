/* csv.c - the streaming RFC 4180 reader for the long message format. */
#include "data/dataset.h"

#include "core/bytes.h"
#include "core/error.h"
#include "io/input.h"
#include "io/readers.h"
#include "core/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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

typedef struct reader {
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
} reader;

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

static int scratch_put(reader *r, const char *s, size_t n, sentraj_error *err)
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

static int add_field(reader *r, size_t off, size_t len, uint64_t line, uint64_t col, int scratch,
                     sentraj_error *err)
{
    if (r->nfields < r->nfields_cap)
        r->fields[r->nfields] = (field){off, len, line, col, scratch};
    r->nfields++;
    (void)err;
    return SENTRAJ_OK;
}

/* Whether parse_record tries fast_record first (csv_set_fast_path). */
static int fast_path = 1;

void csv_set_fast_path(int on)
{
    fast_path = on;
}

#if defined(__SSE2__)
/* The common record: one line, complete in the buffer, without quotes, NUL
 * bytes or carriage returns (but a CRLF ending). Its fields are the pieces
 * between commas, found from the bit masks of 16-byte blocks in one pass.
 * Returns 1 with the record taken (as parse_record would take it), or 0
 * with nothing changed but nfields: parse_record then reads it byte by
 * byte, which handles (or reports) everything else. */
static int fast_record(reader *r, size_t p, uint64_t line)
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

static int nul_error(reader *r, uint64_t line, uint64_t col, sentraj_error *err)
{
    return sentraj_raise(err, SENTRAJ_EDATA, r->name, line, col,
                         "NUL byte in the input (is this a binary or UTF-16 file?)");
}

/* Parse one record at buf[pos]. Returns REC_OK (fields filled, pos moved past
 * the record), REC_MORE (the record is not complete in the buffer and more
 * input exists), REC_EOF (no record left) or REC_ERR. Never modifies buf, so
 * after REC_MORE the caller may read more and parse the record again. */
static int parse_record(reader *r, sentraj_error *err)
{
    const char *b = r->buf;
    size_t p = r->pos, end = r->len;
    uint64_t line = r->line;
    size_t ls = p; /* offset of the current line's start, for columns */

    r->nfields = 0;
    r->scratch_len = 0;

    /* Blank lines between records hold no data; skip them. */
    for (;;) {
        if (p < end && b[p] == '\n') {
            p++, line++, ls = p;
        } else if (p + 1 < end && b[p] == '\r' && b[p + 1] == '\n') {
            p += 2, line++, ls = p;
        } else if (p + 1 == end && b[p] == '\r' && !r->eof) {
            return REC_MORE;
        } else {
            break;
        }
    }
    if (p == end) {
        if (!r->eof)
            return REC_MORE;
        r->pos = p;
        r->line = line;
        return REC_EOF;
    }
    r->rec_line = line;
#if defined(__SSE2__)
    if (fast_path && fast_record(r, p, line))
        return REC_OK;
#endif

    for (;;) {
        uint64_t fline = line, fcol = (uint64_t)(p - ls) + 1;

        if (p < end && b[p] == '"') {
            size_t start = r->scratch_len;
            size_t q = p + 1;
            for (;;) {
                const char *quote = q < end ? memchr(b + q, '"', end - q) : NULL;
                size_t seg_end = quote ? (size_t)(quote - b) : end;
                const char *nul = memchr(b + q, '\0', seg_end - q);
                size_t upto = nul ? (size_t)(nul - b) : seg_end;
                for (const char *nl = memchr(b + q, '\n', upto - q); nl;
                     nl = memchr(nl + 1, '\n', (size_t)(b + upto - nl - 1))) {
                    line++;
                    ls = (size_t)(nl - b) + 1;
                }
                if (nul)
                    return nul_error(r, line, (uint64_t)(upto - ls) + 1, err), REC_ERR;
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
                sentraj_raise(err, SENTRAJ_EDATA, r->name, line, (uint64_t)(p - ls) + 1,
                              "unexpected character '%c' after a closing quote (a quote inside a quoted field is "
                              "written as two quotes)", b[p]);
                return REC_ERR;
            }
            if (p < end && b[p] == '\r') {
                if (p + 1 == end && !r->eof)
                    return REC_MORE;
                if (p + 1 < end && b[p + 1] != '\n') {
                    sentraj_raise(err, SENTRAJ_EDATA, r->name, line, (uint64_t)(p - ls) + 1,
                                  "unexpected carriage return after a closing quote");
                    return REC_ERR;
                }
                p++;
            }
        } else {
            /* Bytes that end or spoil an unquoted field; buf[end] is a NUL
             * sentinel, so the scan needs no bounds check. */
            static const unsigned char special[256] = {[','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [0] = 1};
            size_t q = p;
            for (;;) {
                q = scan_special(b, q, special);
                if (q >= end)
                    break;
                char c = b[q];
                if (c == ',' || c == '\n')
                    break;
                if (c == '\r') {
                    if (q + 1 < end ? b[q + 1] == '\n' : !r->eof)
                        break;
                    q++; /* a lone carriage return is data */
                    continue;
                }
                if (c == '"') {
                    sentraj_raise(err, SENTRAJ_EDATA, r->name, line, (uint64_t)(q - ls) + 1,
                                  "quote inside an unquoted field (quote the whole field and double the quote)");
                    return REC_ERR;
                }
                return nul_error(r, line, (uint64_t)(q - ls) + 1, err), REC_ERR;
            }
            if (q > end)
                q = end;
            if (q == end && !r->eof)
                return REC_MORE;
            add_field(r, p, q - p, fline, fcol, 0, err);
            p = q;
            if (p < end && b[p] == '\r')
                p++; /* the '\n' follows (checked above) */
        }

        if (p < end && b[p] == ',') {
            p++;
            continue;
        }
        /* End of record: a newline, or the end of the input. */
        r->end_line = line;
        r->end_col = (uint64_t)(p - ls) + 1;
        if (p < end) { /* b[p] == '\n' */
            p++;
            line++;
        } else if (!r->eof) {
            return REC_MORE;
        }
        r->pos = p;
        r->line = line;
        return REC_OK;
    }
}

/* Read more input, keeping the unparsed tail. Returns 0, or -1 with err set. */
static int fill(reader *r, sentraj_error *err)
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

static int next_record(reader *r, sentraj_error *err)
{
    for (;;) {
        int rc = parse_record(r, err);
        if (rc != REC_MORE)
            return rc;
        if (fill(r, err) < 0)
            return REC_ERR;
    }
}

static const char *field_ptr(const reader *r, size_t i)
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
static int header(reader *r, char *const col_names[NCOLS], unsigned required, int col[NCOLS], size_t *ncols,
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

static int parse_index(reader *r, size_t i, uint64_t *out, sentraj_error *err)
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

static int row(reader *r, sentraj_dataset *ds, uint32_t source, const int col[NCOLS], size_t ncols,
               sentraj_error *err)
{
    msg_row m;
    const field *f;
    const char *s;
    size_t len;
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

    f = &r->fields[col[COL_ROLE]];
    s = field_ptr(r, (size_t)col[COL_ROLE]);
    {
        int hit = cache_find(&r->roles, s, f->len);
        if (hit >= 0) {
            m.role = (role_kind)r->roles.kind[hit];
        } else {
            m.role = labels_parse_role(s, f->len);
            if (m.role != ROLE_UNKNOWN)
                cache_put(&r->roles, s, f->len, (int)m.role, 0);
        }
    }
    if (m.role == ROLE_UNKNOWN)
        return sentraj_raise(err, SENTRAJ_EDATA, r->name, f->line, f->col,
                             "unknown role \"%s\" (human roles: human, user; assistant roles: assistant, claude, "
                             "model, ai, bot; ignored: system, tool)",
                             sentraj_show(s, f->len).s);

    if (m.role == ROLE_HUMAN) {
        f = &r->fields[col[COL_SENTIMENT]];
        s = field_ptr(r, (size_t)col[COL_SENTIMENT]);
        len = f->len;
        {
            int hit = cache_find(&r->labels, s, len);
            if (hit >= 0) {
                m.value = r->labels.value[hit];
            } else {
                label_status st = labels_parse_sentiment(ds->scale, s, len, &m.value);
                if (st != LABEL_OK)
                    return labels_sentiment_error(ds->scale, st, s, len, r->name, f->line, f->col, err);
                cache_put(&r->labels, s, len, 0, m.value);
            }
        }
    }

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

static int reader_open(reader *r, input *in, sentraj_error *err)
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

static void reader_close(reader *r)
{
    free(r->buf);
    free(r->fields);
    free(r->scratch);
}

/* ---- reading a file on several threads ---------------------------------- */

/* A file is split only when every thread gets at least min_chunk bytes
 * (csv_set_min_chunk changes it for tests). */
static uint64_t min_chunk = (uint64_t)4 << 20;
#define MAX_CHUNKS 256

void csv_set_min_chunk(uint64_t bytes)
{
    min_chunk = bytes ? bytes : 1;
}

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
    reader r;
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
    if (reader_open(&r, in, &err) == SENTRAJ_OK && dataset_add_source(ch->part, job->name) == 0) {
        /* Locals in the loop: the chunks share cache lines, and a store
         * per row to one would stall the thread reading its neighbour. */
        sentraj_dataset *part = ch->part;
        uint64_t off = ch->off, stop = ch->stop;
        int rc = SENTRAJ_OK;
        while (rc == SENTRAJ_OK && off + r.off + r.pos < stop) {
            int got = next_record(&r, &err);
            if (got == REC_EOF)
                break;
            rc = got == REC_ERR ? SENTRAJ_EDATA : row(&r, part, 0, job->col, job->ncols, &err);
        }
        ch->rc = rc;
        ch->end = off + r.off + r.pos;
        ch->lines = r.line - 1;
    }
    reader_close(&r);
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

/* Read the rows of a plain regular file after its header (r has read the
 * header; the rows start at content offset r->off + r->pos, line r->line)
 * on several threads, then merge the parts in file order.
 *
 * The body is cut into equal spans; chunk k reads the records that start
 * in its span. Its start is guessed as the first line break after the
 * span's start, which is right unless that line break lies inside a quoted
 * field; chunk k - 1, which reads on to the end of the record that crosses
 * the boundary, gives the true start. A chunk whose guess was wrong is read
 * again from there, after the others. A chunk with an error, or parts the
 * merge does not allow, return DATASET_NOMERGE with ds unchanged: the
 * caller reads on from r, one row at a time, which gives the same result
 * and the exact error. Returns SENTRAJ_OK, DATASET_NOMERGE or
 * SENTRAJ_ENOMEM. */
static int read_parallel(reader *r, sentraj_dataset *ds, const int col[NCOLS], size_t ncols, int fd, uint64_t size,
                         sentraj_error *err)
{
    uint64_t start = r->off + r->pos, body, offset;
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
    job.name = r->name;
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
    /* Rows of chunk k are numbered from line 1; they start at line
     * r->line + (line breaks of the chunks before). */
    offset = 0;
    for (k = 1; k < nch; k++) {
        offset += ch[k - 1].lines;
        rc = dataset_merge(ch[0].part, ch[k].part, offset, err);
        if (rc != SENTRAJ_OK)
            goto out;
        sentraj_dataset_free(ch[k].part);
        ch[k].part = NULL;
    }
    rc = dataset_merge(ds, ch[0].part, r->line - 1, err);
    if (rc == SENTRAJ_OK)
        ds->parallel_chunks += nch;
out:
    for (k = 0; k < nch; k++)
        sentraj_dataset_free(ch[k].part);
    free(ch);
    return rc;
}

int csv_read(sentraj_dataset *ds, input *in, sentraj_error *err)
{
    reader r;
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
            rc = read_parallel(&r, ds, col, ncols, fd, size, err);
            if (rc != DATASET_NOMERGE)
                goto out;
        }
    }
    for (;;) {
        int got = next_record(&r, err);
        if (got == REC_EOF)
            break;
        if (got == REC_ERR) {
            rc = err ? err->code : SENTRAJ_EDATA;
            goto out;
        }
        if ((rc = row(&r, ds, (uint32_t)source, col, ncols, err)) != SENTRAJ_OK)
            goto out;
    }
    rc = SENTRAJ_OK;
out:
    if (rc != SENTRAJ_OK)
        ds->failed = 1;
    reader_close(&r);
    return rc;
}

int csv_read_categories(sentraj_dataset *ds, input *in, sentraj_error *err)
{
    char *names[NCOLS] = {ds->field[FIELD_ID], NULL, NULL, NULL, ds->field[FIELD_CATEGORIES]};
    reader r;
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
