/* test_csv.c - the CSV reader: RFC 4180 rules, header handling, compressed input, every bad-input class. */
#include "tap.h"

#include <sentraj.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define HDR "conversation_id,message_index,role,sentiment,categories\n"

static sentraj_config cfg;

/* Read csv (len bytes) and finish; returns the status of the first failing step. */
static int load_n(const char *csv, size_t len, sentraj_dataset **out, sentraj_error *err)
{
    sentraj_dataset *ds = sentraj_dataset_alloc(&cfg, err);
    int rc;
    if (!ds)
        return err->code;
    rc = sentraj_dataset_read_csv_buffer(ds, csv, len, "t.csv", err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_finish(ds, err);
    if (out && rc == SENTRAJ_OK)
        *out = ds;
    else
        sentraj_dataset_free(ds);
    return rc;
}

static int load(const char *csv, sentraj_dataset **out, sentraj_error *err)
{
    return load_n(csv, strlen(csv), out, err);
}

/* The error's code, line and column, and a piece of its message. */
static void expect_err_n(const char *name, const char *csv, size_t len, int code, uint64_t line, uint64_t col,
                         const char *msg)
{
    sentraj_error err;
    int rc;
    memset(&err, 0, sizeof err);
    rc = load_n(csv, len, NULL, &err);
    if (!tap_ok(rc == code && err.code == code && err.line == line && err.col == col && strstr(err.message, msg) &&
                    strcmp(err.source, "t.csv") == 0,
                "csv/error/%s", name))
        tap_diag("got rc %d line %llu col %llu source \"%s\" message \"%s\"; want rc %d line %llu col %llu \"%s\"", rc,
                 (unsigned long long)err.line, (unsigned long long)err.col, err.source, err.message, code,
                 (unsigned long long)line, (unsigned long long)col, msg);
}

static void expect_err(const char *name, const char *csv, int code, uint64_t line, uint64_t col, const char *msg)
{
    expect_err_n(name, csv, strlen(csv), code, line, col, msg);
}

/* Six human messages labelled a..f (values), conversation id and categories given. */
static char *conv6(char *p, const char *id, const char *cats, const char *const labels[6])
{
    for (int i = 0; i < 6; i++)
        p += sprintf(p, "%s,%d,human,%s,%s\n", id, i, labels[i], cats);
    return p;
}

static void test_basic(void)
{
    static const char *const up[6] = {"negative", "negative", "negative", "positive", "positive", "positive"};
    char csv[4096], *p = csv;
    sentraj_dataset *ds = NULL;
    sentraj_error err;
    sentraj_trajectory t;

    p += sprintf(p, HDR);
    p = conv6(p, "a", "coaching", up);
    p += sprintf(p, "b,0,human,neutral,coaching\n");
    (void)p;
    tap_ok(load(csv, &ds, &err) == SENTRAJ_OK, "csv/basic/loads");
    if (!ds)
        return;
    tap_eq_u64(sentraj_dataset_counts(ds)->rows, 7, "csv/basic/rows");
    tap_eq_u64(sentraj_dataset_counts(ds)->conversations, 2, "csv/basic/conversations");
    tap_eq_u64(sentraj_dataset_counts(ds)->kept, 1, "csv/basic/kept");
    tap_eq_u64(sentraj_dataset_counts(ds)->dropped_short, 1, "csv/basic/dropped");
    sentraj_dataset_trajectory(ds, 0, &t);
    tap_eq_str(t.conversation_id, "a", "csv/basic/id");
    tap_near(t.delta, 1.0, 0, "csv/basic/delta");
    sentraj_dataset_free(ds);
}

/* Quoting: commas, doubled quotes and newlines inside quoted fields; CRLF;
 * BOM; columns in any order with extra columns; blank lines. */
static void test_rfc4180(void)
{
    const char *csv = "\xEF\xBB\xBF"
                      "extra,Categories,role,SENTIMENT,message_index,conversation_id\r\n"
                      "x,\"coaching;\"\"odd\"\", name\",human,negative,0,\"id,1\"\r\n"
                      "\r\n"
                      "\"multi\nline\",\"coaching;\"\"odd\"\", name\",assistant,,1,\"id,1\"\r\n"
                      "x,\"coaching;\"\"odd\"\", name\",human,negative,2,\"id,1\"\r\n"
                      "x,\"coaching;\"\"odd\"\", name\",human,Negative,3,\"id,1\"\r\n"
                      "x,\"coaching;\"\"odd\"\", name\",human,positive,4,\"id,1\"\r\n"
                      "x,\"coaching;\"\"odd\"\", name\",user,very positive,5,\"id,1\"\r\n"
                      "x,\"coaching;\"\"odd\"\", name\",human,1,6,\"id,1\"\r\n";
    sentraj_dataset *ds = NULL;
    sentraj_error err;
    sentraj_trajectory t;
    int rc = load(csv, &ds, &err);

    if (!tap_ok(rc == SENTRAJ_OK, "csv/rfc4180/loads"))
        tap_diag("%s line %llu col %llu", err.message, (unsigned long long)err.line, (unsigned long long)err.col);
    if (!ds)
        return;
    tap_eq_u64(sentraj_dataset_kept(ds), 1, "csv/rfc4180/kept");
    sentraj_dataset_trajectory(ds, 0, &t);
    tap_eq_str(t.conversation_id, "id,1", "csv/rfc4180/quoted-comma-id");
    tap_eq_str(t.categories, "\"odd\", name;coaching", "csv/rfc4180/doubled-quotes-sorted-categories");
    tap_eq_u64(t.human_messages, 6, "csv/rfc4180/humans");
    /* first three: -0.5 -0.5 -0.5; last three: 0.5 1 1 */
    tap_near(t.mean_first, -0.5, 0, "csv/rfc4180/mean-first");
    tap_near(t.mean_last, 2.5 / 3, 1e-15, "csv/rfc4180/mean-last");
    tap_eq_u64(sentraj_dataset_counts(ds)->assistant_messages, 1, "csv/rfc4180/assistant-with-multiline-field");
    sentraj_dataset_free(ds);
}

/* No trailing newline at the end, LF only; categories column absent. */
static void test_no_categories(void)
{
    const char *csv = "conversation_id,message_index,role,sentiment\n"
                      "a,0,human,0\na,1,human,0\na,2,human,0\na,3,human,0.5\na,4,human,0.5\na,5,human,0.5";
    sentraj_dataset *ds = NULL;
    sentraj_error err;
    sentraj_trajectory t;
    tap_ok(load(csv, &ds, &err) == SENTRAJ_OK, "csv/no-categories/loads");
    if (!ds)
        return;
    tap_eq_u64(sentraj_dataset_counts(ds)->kept_without_category, 1, "csv/no-categories/counted");
    sentraj_dataset_trajectory(ds, 0, &t);
    tap_eq_str(t.categories, "", "csv/no-categories/empty-set");
    tap_near(t.delta, 0.5, 0, "csv/no-categories/delta-last-row-without-newline");
    sentraj_dataset_free(ds);
}

/* Whether two data sets hold the same trajectories. */
static int same_data(const sentraj_dataset *a, const sentraj_dataset *b)
{
    int same = a && b && sentraj_dataset_kept(a) == sentraj_dataset_kept(b);
    for (size_t i = 0; same && i < sentraj_dataset_kept(a); i++) {
        sentraj_trajectory x, y;
        sentraj_dataset_trajectory(a, i, &x);
        sentraj_dataset_trajectory(b, i, &y);
        same = strcmp(x.conversation_id, y.conversation_id) == 0 && x.delta == y.delta &&
               strcmp(x.categories, y.categories) == 0;
    }
    return same;
}

/* zstd from memory: two frames one after the other read as one stream (as
 * `cat a.zst b.zst` makes); cut short and corrupted, an error. */
static void test_zstd(const char *csv, size_t len, const sentraj_dataset *plain)
{
    size_t cap = ZSTD_compressBound(len) + ZSTD_compressBound(0) + 64, half = len / 2, zlen;
    unsigned char *z = malloc(cap);
    sentraj_dataset *dz = NULL;
    sentraj_error e;
    int rc;
    ZSTD_CCtx *cc = ZSTD_createCCtx();

    /* The first frame with a checksum, as the zstd command writes. */
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
    zlen = ZSTD_compress2(cc, z, cap, csv, half);
    ZSTD_freeCCtx(cc);
    zlen += ZSTD_compress(z + zlen, cap - zlen, csv + half, len - half, 1);
    tap_ok(load_n((const char *)z, zlen, &dz, &e) == SENTRAJ_OK, "csv/zstd/two-frames-load");
    tap_ok(same_data(plain, dz), "csv/zstd/same-as-plain");
    sentraj_dataset_free(dz);
    rc = load_n((const char *)z, zlen - 7, NULL, &e);
    if (!tap_ok(rc == SENTRAJ_EDATA && strcmp(e.message, "truncated zstd stream (the file ends inside compressed data)") == 0 &&
                    e.line == 0,
                "csv/zstd/truncated"))
        tap_diag("%d %s", rc, e.message);
    z[4] |= 0x08; /* the frame header's reserved bit */
    rc = load_n((const char *)z, zlen, NULL, &e);
    if (!tap_ok(rc == SENTRAJ_EDATA && strncmp(e.message, "corrupt zstd stream: ", 21) == 0, "csv/zstd/corrupt"))
        tap_diag("%d %s", rc, e.message);
    free(z);
}

/* Read a file on `threads` threads (compressed files decompress on a
 * thread of their own unless threads is 1). */
static int load_file(const char *path, unsigned threads, sentraj_dataset **out, sentraj_error *err)
{
    sentraj_config c = cfg;
    sentraj_dataset *ds;
    int rc;
    c.threads = threads;
    if (!(ds = sentraj_dataset_alloc(&c, err)))
        return err->code;
    rc = sentraj_dataset_read(ds, path, err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_finish(ds, err);
    if (out && rc == SENTRAJ_OK)
        *out = ds;
    else
        sentraj_dataset_free(ds);
    return rc;
}

static int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    return (f && fclose(f) == 0) && ok;
}

/* gzip and zstd files on 1 and 2 threads: the same data as the plain
 * bytes; cut short, the same error on both. */
static void test_threaded(const char *csv, size_t len, const char *gz, size_t gzlen, const sentraj_dataset *plain)
{
    char gzp[] = "/tmp/sentraj-csv-XXXXXX";
    char zsp[64], cutp[64];
    size_t cap = ZSTD_compressBound(len), zlen;
    unsigned char *z = malloc(cap);
    int fd = mkstemp(gzp);

    zlen = ZSTD_compress(z, cap, csv, len, 3);
    snprintf(zsp, sizeof zsp, "%s.zst", gzp);
    snprintf(cutp, sizeof cutp, "%s.cut", gzp);
    if (!tap_ok(fd >= 0 && write_file(gzp, gz, gzlen) && write_file(zsp, z, zlen), "csv/threaded/files")) {
        free(z);
        return;
    }
    close(fd);
    for (unsigned t = 1; t <= 2; t++) {
        const char *paths[2] = {gzp, zsp};
        for (int k = 0; k < 2; k++) {
            sentraj_dataset *d = NULL;
            sentraj_error e;
            int rc = load_file(paths[k], t, &d, &e);
            tap_ok(rc == SENTRAJ_OK && same_data(plain, d), "csv/threaded/%s-threads-%u-same-as-plain",
                   k ? "zstd" : "gzip", t);
            sentraj_dataset_free(d);
            /* Cut short: every block before the cut is parsed, then the
             * decoder's error, with the file's name. */
            if (write_file(cutp, k ? (const void *)z : (const void *)gz, (k ? zlen : gzlen) * 2 / 3)) {
                rc = load_file(cutp, t, NULL, &e);
                tap_ok(rc == SENTRAJ_EDATA && strcmp(e.source, cutp) == 0 &&
                           strstr(e.message, k ? "truncated zstd stream" : "truncated gzip stream"),
                       "csv/threaded/%s-threads-%u-truncated", k ? "zstd" : "gzip", t);
            }
        }
    }
    unlink(gzp);
    unlink(zsp);
    unlink(cutp);
    free(z);
}

/* A file larger than the reader's block, with a quoted multi-line field
 * spanning a block boundary, read from memory and gzip-compressed. */
static void test_large_and_gzip(void)
{
    size_t cap = 6u << 20, len = 0;
    char *csv = malloc(cap);
    static const char *const lab[6] = {"negative", "neutral", "neutral", "positive", "positive", "very positive"};
    sentraj_dataset *ds = NULL, *dz = NULL;
    sentraj_error err;
    unsigned char *gz;
    uLongf gzlen;
    z_stream z;

    len += (size_t)sprintf(csv, HDR);
    for (int c = 0; len < (5u << 20); c++) {
        char id[32];
        snprintf(id, sizeof id, "conv%07d", c);
        for (int i = 0; i < 6; i++)
            len += (size_t)sprintf(csv + len, "%s,%d,human,%s,\"long\ncategory %d\"\n", id, i, lab[i], c % 3);
    }
    tap_ok(load_n(csv, len, &ds, &err) == SENTRAJ_OK, "csv/large/loads");
    tap_ok(ds && sentraj_dataset_counts(ds)->categories == 3, "csv/large/categories-with-newlines");

    /* gzip with zlib's deflateInit2 (16 + MAX_WBITS writes a gzip header). */
    gzlen = compressBound((uLong)len) + 64;
    gz = malloc(gzlen);
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (unsigned char *)csv;
    z.avail_in = (uInt)len;
    z.next_out = gz;
    z.avail_out = (uInt)gzlen;
    deflate(&z, Z_FINISH);
    gzlen = z.total_out;
    deflateEnd(&z);
    tap_ok(load_n((const char *)gz, gzlen, &dz, &err) == SENTRAJ_OK, "csv/gzip/loads");
    if (ds && dz) {
        int same = sentraj_dataset_kept(ds) == sentraj_dataset_kept(dz);
        for (size_t i = 0; same && i < sentraj_dataset_kept(ds); i++) {
            sentraj_trajectory a, b;
            sentraj_dataset_trajectory(ds, i, &a);
            sentraj_dataset_trajectory(dz, i, &b);
            same = strcmp(a.conversation_id, b.conversation_id) == 0 && a.delta == b.delta &&
                   strcmp(a.categories, b.categories) == 0;
        }
        tap_ok(same, "csv/gzip/same-as-plain");
    }
    /* A truncated gzip stream is an error, not a short data set. */
    {
        sentraj_error e;
        int rc = load_n((const char *)gz, gzlen / 2, NULL, &e);
        tap_ok(rc == SENTRAJ_EDATA && strstr(e.message, "truncated gzip"), "csv/gzip/truncated");
    }
    test_zstd(csv, len, ds);
    test_threaded(csv, len, (const char *)gz, gzlen, ds);
    sentraj_dataset_free(ds);
    sentraj_dataset_free(dz);
    free(gz);
    free(csv);
}

static void test_errors(void)
{
    char nul[] = HDR "a,0,human,neg\0tive,x\n";

    expect_err("empty-input", "", SENTRAJ_EDATA, 1, 0, "empty input");
    expect_err("header-only", HDR, SENTRAJ_EDATA, 1, 0, "no data rows");
    expect_err("missing-column", "conversation_id,message_index,sentiment\na,0,positive\n", SENTRAJ_EDATA, 1, 0,
               "missing required column \"role\"");
    expect_err("duplicate-column", "conversation_id,message_index,role,Role,sentiment\n", SENTRAJ_EDATA, 1, 36,
               "column \"role\" appears twice");
    expect_err("unknown-label", HDR "a,0,human,positive,x\na,1,human,postive,x\n", SENTRAJ_EDATA, 3, 11,
               "unknown sentiment label \"postive\"");
    expect_err("nan", HDR "a,0,human,NaN,x\n", SENTRAJ_EDATA, 2, 11, "sentiment \"NaN\" is not a number");
    expect_err("out-of-range", HDR "a,0,human,1.5,x\n", SENTRAJ_EDATA, 2, 11, "sentiment 1.5 is outside [-1, 1]");
    expect_err("missing-label", HDR "a,0,assistant,,x\na,1,human,,x\n", SENTRAJ_EDATA, 3, 11,
               "human message without a sentiment label");
    expect_err("unknown-role", HDR "a,0,human,positive,x\na,1,usr,positive,x\n", SENTRAJ_EDATA, 3, 5,
               "unknown role \"usr\"");
    expect_err("too-few-fields", HDR "a,0,human,positive,x\na,1,human\n", SENTRAJ_EDATA, 3, 10,
               "row has 3 fields but the header has 5");
    expect_err("too-many-fields", HDR "a,0,human,positive,x,y\n", SENTRAJ_EDATA, 2, 22,
               "row has 6 fields but the header has 5");
    expect_err("unterminated-quote", HDR "a,0,human,positive,x\na,1,human,positive,\"x\n\na,2,human,neutral,x\n",
               SENTRAJ_EDATA, 3, 20, "unterminated quoted field");
    expect_err_n("nul-byte", nul, sizeof nul - 1, SENTRAJ_EDATA, 2, 14, "NUL byte");
    expect_err("index-not-integer", HDR "a,0,human,positive,x\na,1.5,human,positive,x\n", SENTRAJ_EDATA, 3, 3,
               "message_index \"1.5\" is not an integer");
    expect_err("index-negative", HDR "a,-1,human,positive,x\n", SENTRAJ_EDATA, 2, 3, "message_index -1 is negative");
    expect_err("index-missing", HDR "a,,human,positive,x\n", SENTRAJ_EDATA, 2, 3, "missing message_index");
    expect_err("index-too-large", HDR "a,18446744073709551616,human,positive,x\n", SENTRAJ_EDATA, 2, 3,
               "too large");
    expect_err("duplicate-contiguous", HDR "a,0,human,positive,x\na,1,human,positive,x\na,1,assistant,,x\n",
               SENTRAJ_EDATA, 4, 3, "duplicate message_index 1 in conversation \"a\"");
    expect_err("duplicate-scattered",
               HDR "a,0,human,positive,x\nb,0,human,positive,y\na,2,human,positive,x\nb,1,human,positive,y\n"
                   "a,1,human,positive,x\na,2,assistant,,x\n",
               SENTRAJ_EDATA, 7, 3, "duplicate message_index 2 in conversation \"a\"");
    expect_err("duplicate-out-of-order-both",
               HDR "a,5,human,positive,x\na,3,human,positive,x\na,4,human,positive,x\na,3,human,positive,x\n",
               SENTRAJ_EDATA, 5, 3, "duplicate message_index 3");
    expect_err("categories-differ", HDR "a,0,human,positive,x;y\nb,0,human,positive,z\na,1,human,positive,y\n",
               SENTRAJ_EDATA, 4, 20, "categories \"y\" of conversation \"a\" differ from \"x;y\" given on line 2");
    expect_err("reserved-all", HDR "a,0,human,positive,coaching; all\n", SENTRAJ_EDATA, 2, 20,
               "category name \"all\" is reserved");
    expect_err("quote-in-unquoted", HDR "a,0,human,positive,co\"aching\n", SENTRAJ_EDATA, 2, 22,
               "quote inside an unquoted field");
    expect_err("text-after-quote", HDR "a,0,human,\"positive\"x,coaching\n", SENTRAJ_EDATA, 2, 21,
               "unexpected character 'x' after a closing quote");
    expect_err("empty-id", HDR ",0,human,positive,x\n", SENTRAJ_EDATA, 2, 1, "empty conversation_id");
}

/* The same categories spelled differently on two rows are the same set. */
static void test_category_spelling(void)
{
    const char *csv = HDR "a,0,human,0,x; y\na,1,human,0,y;x\na,2,human,0, x ;y;\na,3,human,0,y;x;x\n"
                          "a,4,human,0,x;y\na,5,human,0,x;y\n";
    sentraj_dataset *ds = NULL;
    sentraj_error err;
    sentraj_trajectory t;
    tap_ok(load(csv, &ds, &err) == SENTRAJ_OK, "csv/categories/equivalent-spellings");
    if (!ds)
        return;
    sentraj_dataset_trajectory(ds, 0, &t);
    tap_eq_str(t.categories, "x;y", "csv/categories/canonical");
    tap_eq_u64(sentraj_dataset_counts(ds)->categories, 2, "csv/categories/count");
    sentraj_dataset_free(ds);
}

/* Fuzz findings: an empty quoted field before any other quoted field (the
 * unquoting buffer is still unallocated), and a read error while looking for
 * the byte order mark reports the read's status. */
static void test_fuzz_regressions(void)
{
    const char *csv = HDR "a,0,human,neutral,\"\"\na,1,human,neutral,\"\"\na,2,human,neutral,\"\"\n"
                          "a,3,human,neutral,\"\"\na,4,human,neutral,\"\"\na,5,human,neutral,\"\"\n";
    static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b};
    sentraj_dataset *ds = NULL;
    sentraj_error err;
    tap_ok(load(csv, &ds, &err) == SENTRAJ_OK && ds && sentraj_dataset_counts(ds)->kept_without_category == 1,
           "csv/fuzz/empty-quoted-field-first");
    sentraj_dataset_free(ds);
    tap_ok(load_n((const char *)gz, sizeof gz, NULL, &err) == SENTRAJ_EDATA && err.code == SENTRAJ_EDATA,
           "csv/fuzz/truncated-gzip-header-status");
}

/* Errors from a file carry its name; a missing file is an I/O error. */
static void test_files(void)
{
    sentraj_dataset *ds = sentraj_dataset_alloc(&cfg, NULL);
    sentraj_error err;
    int rc = sentraj_dataset_read_csv(ds, "/nonexistent/x.csv", &err);
    tap_ok(rc == SENTRAJ_EIO && strcmp(err.source, "/nonexistent/x.csv") == 0 && strstr(err.message, "cannot open"),
           "csv/file/missing-is-eio");
    sentraj_dataset_free(ds);
}

int main(void)
{
    sentraj_config_init(&cfg);
    test_basic();
    test_rfc4180();
    test_no_categories();
    test_large_and_gzip();
    test_errors();
    test_category_spelling();
    test_files();
    test_fuzz_regressions();
    return tap_done();
}
