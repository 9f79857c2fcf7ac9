/* test_jsonl.c - the nested JSONL and ConvoKit readers: happy paths, CSV equality, every bad-input class. */
#include "tap.h"

#include <sentraj.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static sentraj_config cfg;
static const char *fixtures = "fixtures";

/* ---- helpers ----------------------------------------------------------------- */

/* A data set reading `format`, with input option overrides from o (NULL: defaults). */
static sentraj_dataset *new_ds(sentraj_input_format format, const sentraj_input_options *o)
{
    sentraj_dataset *ds = sentraj_dataset_alloc(&cfg, NULL);
    sentraj_input_options in;
    if (!ds)
        return NULL;
    if (o)
        in = *o;
    else
        sentraj_input_options_init(&in);
    in.format = format;
    if (sentraj_dataset_set_input(ds, &in, NULL) != SENTRAJ_OK) {
        sentraj_dataset_free(ds);
        return NULL;
    }
    return ds;
}

/* Read JSONL text (len bytes) as "t.jsonl" and finish; returns the status of
 * the first failing step and, on success, the data set in *out. */
static int load_opts_n(const char *text, size_t len, const sentraj_input_options *o, sentraj_dataset **out,
                       sentraj_error *err)
{
    sentraj_dataset *ds = new_ds(SENTRAJ_INPUT_JSONL, o);
    int rc;
    if (!ds)
        return err->code = SENTRAJ_ENOMEM;
    rc = sentraj_dataset_read_csv_buffer(ds, text, len, "t.jsonl", err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_finish(ds, err);
    if (out && rc == SENTRAJ_OK)
        *out = ds;
    else
        sentraj_dataset_free(ds);
    return rc;
}

static int load(const char *text, sentraj_dataset **out, sentraj_error *err)
{
    return load_opts_n(text, strlen(text), NULL, out, err);
}

static int check_err(const char *name, int rc, const sentraj_error *err, const char *source, int code,
                     uint64_t line, uint64_t col, const char *msg)
{
    int ok = rc == code && err->code == code && err->line == line && err->col == col &&
             strstr(err->message, msg) != NULL && strcmp(err->source, source) == 0;
    if (!tap_ok(ok, "%s", name))
        tap_diag("got rc %d %s:%llu:%llu: \"%s\"; want rc %d %s:%llu:%llu: \"...%s...\"", rc, err->source,
                 (unsigned long long)err->line, (unsigned long long)err->col, err->message, code, source,
                 (unsigned long long)line, (unsigned long long)col, msg);
    return ok;
}

/* The error's code, line and column, and a piece of its message. */
static void expect_err_opts_n(const char *name, const char *text, size_t len, const sentraj_input_options *o, int code,
                              uint64_t line, uint64_t col, const char *msg)
{
    sentraj_error err;
    char full[128];
    int rc;
    memset(&err, 0, sizeof err);
    rc = load_opts_n(text, len, o, NULL, &err);
    snprintf(full, sizeof full, "jsonl/error/%s", name);
    check_err(full, rc, &err, "t.jsonl", code, line, col, msg);
}

static void expect_err_opts(const char *name, const char *text, const sentraj_input_options *o, int code,
                            uint64_t line, uint64_t col, const char *msg)
{
    expect_err_opts_n(name, text, strlen(text), o, code, line, col, msg);
}

static void expect_err(const char *name, const char *text, int code, uint64_t line, uint64_t col, const char *msg)
{
    expect_err_opts_n(name, text, strlen(text), NULL, code, line, col, msg);
}

/* A growing string. */
typedef struct buf {
    char *s;
    size_t len, cap;
} buf;

static void bput(buf *b, const char *s, size_t n)
{
    if (b->cap - b->len < n + 1) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc - b->len < n + 1)
            nc *= 2;
        b->s = realloc(b->s, nc);
        if (!b->s)
            abort();
        b->cap = nc;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void bputs(buf *b, const char *s)
{
    bput(b, s, strlen(s));
}

static void bprintf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    bput(b, tmp, n < 0 ? 0 : (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* s (n bytes) as a JSON string literal. */
static void bput_json(buf *b, const char *s, size_t n)
{
    bputs(b, "\"");
    for (size_t i = 0; i < n; i++) {
        char esc[8];
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            bput(b, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            bputs(b, esc);
        } else {
            bput(b, s + i, 1);
        }
    }
    bputs(b, "\"");
}

/* The analyze CSV of a finished data set, in memory (owned by the caller). */
static char *analyze_csv(const sentraj_dataset *ds)
{
    sentraj_error err;
    sentraj_analysis *a = sentraj_analysis_compute(ds, &cfg, &err);
    char *out = NULL;
    size_t len = 0;
    FILE *f;
    if (!a)
        return NULL;
    f = open_memstream(&out, &len);
    if (!f || sentraj_analysis_write_csv(f, "mem", a, &err) != SENTRAJ_OK) {
        if (f)
            fclose(f);
        free(out);
        sentraj_analysis_free(a);
        return NULL;
    }
    fclose(f);
    sentraj_analysis_free(a);
    return out;
}

static char *deltas_csv(const sentraj_dataset *ds)
{
    sentraj_error err;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return NULL;
    if (sentraj_deltas_write_csv(f, "mem", ds, &err) != SENTRAJ_OK) {
        fclose(f);
        free(out);
        return NULL;
    }
    fclose(f);
    return out;
}

/* Both reports of two data sets are byte-identical (both are freed). */
static void expect_same_output(const char *name, sentraj_dataset *a, sentraj_dataset *b)
{
    char *ra = a ? analyze_csv(a) : NULL, *rb = b ? analyze_csv(b) : NULL;
    char *da = a ? deltas_csv(a) : NULL, *db = b ? deltas_csv(b) : NULL;
    if (!tap_ok(ra && rb && strcmp(ra, rb) == 0, "%s/analyze-identical", name) && ra && rb)
        tap_diag("first:\n%s\nsecond:\n%s", ra, rb);
    tap_ok(da && db && strcmp(da, db) == 0, "%s/deltas-identical", name);
    free(ra);
    free(rb);
    free(da);
    free(db);
    sentraj_dataset_free(a);
    sentraj_dataset_free(b);
}

/* Read a whole file (NUL-terminated); NULL when it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    buf b = {0};
    char chunk[65536];
    size_t n;
    if (!f)
        return NULL;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        bput(&b, chunk, n);
    fclose(f);
    if (!b.s)
        bput(&b, "", 0);
    *len = b.len;
    return b.s;
}

/* Read path in the given format (AUTO: by content) and finish. */
static sentraj_dataset *load_path(const char *path, sentraj_input_format format, const sentraj_input_options *o,
                                  sentraj_error *err)
{
    sentraj_dataset *ds = new_ds(format, o);
    if (!ds)
        return NULL;
    if (sentraj_dataset_read(ds, path, err) != SENTRAJ_OK || sentraj_dataset_finish(ds, err) != SENTRAJ_OK) {
        sentraj_dataset_free(ds);
        return NULL;
    }
    return ds;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* ---- JSONL: happy paths --------------------------------------------------------- */

#define H(s) "{\"role\": \"human\", \"sentiment\": \"" s "\"}"
#define A "{\"role\": \"assistant\"}"
#define SIX_UP H("negative") ", " H("negative") ", " H("negative") ", " H("positive") ", " H("positive") ", " H("positive")

static void test_basic(void)
{
    const char *text =
        "{\"conversation_id\": \"a\", \"categories\": [\"coaching\", \"counseling\"], \"messages\": [" SIX_UP ", " A "]}\n"
        "{\"conversation_id\": \"b\", \"categories\": \"counseling; coaching\", \"messages\": [" H("neutral") "]}\n"
        "{\"conversation_id\": \"c\", \"categories\": null, \"messages\": [" SIX_UP "]}\n"
        "{\"conversation_id\": \"d\", \"messages\": [" SIX_UP ", {\"role\": \"system\", \"sentiment\": 7}]}\n"
        "{\"conversation_id\": \"e\", \"categories\": [], \"messages\": []}\n";
    sentraj_dataset *ds = NULL;
    sentraj_error err;
    sentraj_trajectory t;
    const sentraj_counts *c;

    if (!tap_ok(load(text, &ds, &err) == SENTRAJ_OK, "jsonl/basic/loads"))
        tap_diag("%s:%llu: %s", err.source, (unsigned long long)err.line, err.message);
    if (!ds)
        return;
    c = sentraj_dataset_counts(ds);
    tap_eq_u64(c->rows, 21, "jsonl/basic/rows-are-messages");
    tap_eq_u64(c->human_messages, 19, "jsonl/basic/human");
    tap_eq_u64(c->assistant_messages, 1, "jsonl/basic/assistant");
    tap_eq_u64(c->ignored_messages, 1, "jsonl/basic/system-sentiment-ignored");
    tap_eq_u64(c->conversations, 4, "jsonl/basic/empty-messages-add-no-conversation");
    tap_eq_u64(c->kept, 3, "jsonl/basic/kept");
    tap_eq_u64(c->kept_without_category, 2, "jsonl/basic/null-and-absent-categories-are-none");
    sentraj_dataset_trajectory(ds, 0, &t);
    tap_eq_str(t.conversation_id, "a", "jsonl/basic/id");
    tap_eq_str(t.categories, "coaching;counseling", "jsonl/basic/array-categories");
    tap_near(t.delta, 1.0, 0, "jsonl/basic/delta");
    sentraj_dataset_free(ds);

    /* The same categories as a string and as an array are one set. */
    text = "{\"conversation_id\": \"a\", \"categories\": [\"y\", \"x\", \"x\"], \"messages\": [" H("neutral") "]}\n"
           "{\"conversation_id\": \"b\", \"categories\": \" x;y ;\", \"messages\": [" H("neutral") "]}\n";
    tap_ok(load(text, &ds, &err) == SENTRAJ_OK && sentraj_dataset_counts(ds)->categories == 2,
           "jsonl/basic/string-and-array-categories");
    sentraj_dataset_free(ds);
}

/* Integer ids become their decimal text; numeric sentiments are values. */
static void test_ids_and_numbers(void)
{
    const char *text =
        "{\"conversation_id\": 42, \"messages\": [{\"role\": \"human\", \"sentiment\": -1}, {\"role\": \"human\", "
        "\"sentiment\": -0.5}, {\"role\": \"user\", \"sentiment\": 0}, {\"role\": \"human\", \"sentiment\": 0.5}, "
        "{\"role\": \"human\", \"sentiment\": 1}, {\"role\": \"human\", \"sentiment\": 1.0e0}]}\n"
        "{\"conversation_id\": -7, \"messages\": [" SIX_UP "]}\n";
    sentraj_dataset *ds = NULL;
    sentraj_error err;
    sentraj_trajectory t;

    if (!tap_ok(load(text, &ds, &err) == SENTRAJ_OK, "jsonl/ids/loads"))
        tap_diag("%s", err.message);
    if (!ds)
        return;
    tap_eq_u64(sentraj_dataset_kept(ds), 2, "jsonl/ids/kept");
    sentraj_dataset_trajectory(ds, 0, &t);
    tap_eq_str(t.conversation_id, "-7", "jsonl/ids/negative-integer-id");
    sentraj_dataset_trajectory(ds, 1, &t);
    tap_eq_str(t.conversation_id, "42", "jsonl/ids/integer-id");
    tap_near(t.mean_first, -0.5, 0, "jsonl/numbers/mean-first");
    tap_near(t.mean_last, 2.5 / 3, 1e-15, "jsonl/numbers/mean-last");
    sentraj_dataset_free(ds);
}

/* message_index: messages in any order, ordered by it; gaps allowed. */
static void test_message_index(void)
{
    const char *text;
    sentraj_dataset *ds = NULL;
    sentraj_error err;
    sentraj_trajectory t;

    text = "{\"conversation_id\": \"a\", \"messages\": ["
           "{\"message_index\": 50, \"role\": \"human\", \"sentiment\": \"very positive\"},"
           "{\"message_index\": 0, \"role\": \"human\", \"sentiment\": \"very negative\"},"
           "{\"message_index\": 7, \"role\": \"human\", \"sentiment\": \"neutral\"},"
           "{\"message_index\": 3, \"role\": \"assistant\"},"
           "{\"message_index\": 2, \"role\": \"human\", \"sentiment\": \"negative\"},"
           "{\"message_index\": 9, \"role\": \"human\", \"sentiment\": \"positive\"},"
           "{\"message_index\": 8, \"role\": \"human\", \"sentiment\": \"neutral\"}]}\n"
           "{\"conversation_id\": \"b\", \"messages\": ["
           "{\"message_index\": 3, \"role\": \"human\", \"sentiment\": \"positive\"},"
           "{\"message_index\": 4, \"role\": \"human\", \"sentiment\": \"positive\"},"
           "{\"message_index\": 5, \"role\": \"human\", \"sentiment\": \"positive\"}]}\n"
           "{\"conversation_id\": \"b\", \"messages\": ["
           "{\"message_index\": 0, \"role\": \"human\", \"sentiment\": \"negative\"},"
           "{\"message_index\": 1, \"role\": \"human\", \"sentiment\": \"negative\"},"
           "{\"message_index\": 2, \"role\": \"human\", \"sentiment\": \"negative\"}]}\n";
    if (!tap_ok(load(text, &ds, &err) == SENTRAJ_OK, "jsonl/index/loads"))
        tap_diag("%s", err.message);
    if (!ds)
        return;
    tap_eq_u64(sentraj_dataset_kept(ds), 2, "jsonl/index/kept");
    sentraj_dataset_trajectory(ds, 0, &t);
    /* by index: vn(0) n(2) neu(7) neu(8) pos(9) vp(50) */
    tap_near(t.mean_first, -1.5 / 3, 1e-15, "jsonl/index/ordered-first");
    tap_near(t.mean_last, 1.5 / 3, 1e-15, "jsonl/index/ordered-last");
    sentraj_dataset_trajectory(ds, 1, &t);
    tap_near(t.delta, 1.0, 0, "jsonl/index/conversation-over-two-lines");
    sentraj_dataset_free(ds);
}

/* Blank and whitespace-only lines, CRLF, a byte order mark, no final newline:
 * line numbers still count every physical line. */
static void test_lines(void)
{
    const char *text = "\xEF\xBB\xBF{\"conversation_id\": \"a\", \"messages\": [" SIX_UP "]}\r\n"
                       "\n"
                       "  \t \r\n"
                       "{\"conversation_id\": \"b\", \"messages\": [" SIX_UP "]}";
    sentraj_dataset *ds = NULL;
    sentraj_error err;

    tap_ok(load(text, &ds, &err) == SENTRAJ_OK && sentraj_dataset_kept(ds) == 2, "jsonl/lines/blank-crlf-bom");
    sentraj_dataset_free(ds);
    expect_err("line-count-after-blank-lines",
               "\n\n{\"conversation_id\": \"a\", \"messages\": [" H("neutral") "]}\r\n\r\n \n"
               "{\"conversation_id\": \"b\", \"messages\": [" H("nuetral") "]}",
               SENTRAJ_EDATA, 6, 0, "$.messages[0].sentiment: unknown sentiment label \"nuetral\"");
    expect_err("only-blank-lines", "\n  \n\n", SENTRAJ_EDATA, 1, 0, "no data rows");
}

/* A line of several MB (more than the reader's block) and a conversation of
 * 60000 messages on one line; the error after it has the right line. */
static void test_long_lines(void)
{
    buf b = {0};
    sentraj_dataset *ds = NULL;
    sentraj_error err;
    size_t mark;

    bputs(&b, "{\"conversation_id\": \"long\", \"messages\": [");
    for (int i = 0; i < 60000; i++) {
        if (i)
            bputs(&b, ",");
        bputs(&b, i % 2 ? A : H("neutral"));
    }
    bputs(&b, "]}\n{\"conversation_id\": \"text\", \"messages\": [" SIX_UP ", {\"role\": \"assistant\", \"text\": \"");
    while (b.len < (3u << 20))
        bputs(&b, "All work and no play makes Jack a dull boy. ");
    bputs(&b, "\"}]}\n");
    tap_ok(b.len > (3u << 20), "jsonl/long/line-over-1mb");
    if (!tap_ok(load_opts_n(b.s, b.len, NULL, &ds, &err) == SENTRAJ_OK, "jsonl/long/loads"))
        tap_diag("%s", err.message);
    if (ds) {
        tap_eq_u64(sentraj_dataset_counts(ds)->rows, 60007, "jsonl/long/rows");
        tap_eq_u64(sentraj_dataset_counts(ds)->human_messages, 30006, "jsonl/long/humans");
    }
    sentraj_dataset_free(ds);
    mark = b.len;
    bputs(&b, "{\"conversation_id\": \"bad\", \"messages\": [" A ", " H("postive") "]}\n");
    expect_err_opts_n("after-long-lines", b.s, b.len, NULL, SENTRAJ_EDATA, 3, 0,
                      "$.messages[1].sentiment: unknown sentiment label \"postive\"");
    (void)mark;
    free(b.s);
}

/* --col-* names the JSONL keys too; "messages" stays fixed. */
static void test_renamed_keys(void)
{
    sentraj_input_options o;
    const char *text = "{\"cid\": \"a\", \"tags\": [\"x\"], \"messages\": ["
                       "{\"idx\": 1, \"who\": \"human\", \"label\": \"positive\"},"
                       "{\"idx\": 0, \"who\": \"human\", \"label\": \"negative\", \"role\": \"bogus\"}]}\n";
    sentraj_dataset *ds = NULL;
    sentraj_error err;
    sentraj_trajectory t;

    sentraj_input_options_init(&o);
    o.col_id = "cid";
    o.col_index = "idx";
    o.col_role = "who";
    o.col_sentiment = "label";
    o.col_categories = "tags";
    cfg.min_human = 2;
    cfg.window = 1;
    {
        sentraj_dataset *d = sentraj_dataset_alloc(&cfg, NULL);
        o.format = SENTRAJ_INPUT_JSONL;
        sentraj_dataset_set_input(d, &o, NULL);
        if (sentraj_dataset_read_csv_buffer(d, text, strlen(text), "t.jsonl", &err) == SENTRAJ_OK &&
            sentraj_dataset_finish(d, &err) == SENTRAJ_OK)
            ds = d;
        else
            sentraj_dataset_free(d);
    }
    if (!tap_ok(ds != NULL, "jsonl/keys/renamed"))
        tap_diag("%s", err.message);
    if (ds) {
        sentraj_dataset_trajectory(ds, 0, &t);
        tap_eq_str(t.categories, "x", "jsonl/keys/renamed-categories");
        tap_near(t.delta, 1.0, 0, "jsonl/keys/renamed-index-orders");
    }
    sentraj_dataset_free(ds);
    cfg.min_human = 6;
    cfg.window = 3;
    expect_err_opts("renamed-key-missing", "{\"conversation_id\": \"a\", \"messages\": []}", &o, SENTRAJ_EDATA, 1,
                      0, "$: missing required key \"cid\"");
    o.col_role = "the role";
    expect_err_opts("renamed-key-path-quoted", "{\"cid\": \"a\", \"messages\": [{\"the role\": 3}]}", &o,
                      SENTRAJ_EDATA, 1, 0, "$.messages[0][\"the role\"]: the role must be a string, not a number");
}

/* A 7-point scale from a label file: labels and numbers within its range. */
static void test_scale(void)
{
    const char *def = "awful,1\nbad,2\npoor,3\nok,4\nfair,5\ngood,6\ngreat,7\n";
    sentraj_error err;
    sentraj_scale *sc = sentraj_scale_parse(def, strlen(def), "7.scale", &err);
    sentraj_input_options o;
    sentraj_dataset *ds = NULL;
    sentraj_trajectory t;
    const char *text = "{\"conversation_id\": \"a\", \"messages\": [{\"role\": \"human\", \"sentiment\": \"awful\"}, "
                       "{\"role\": \"human\", \"sentiment\": 1}, {\"role\": \"human\", \"sentiment\": \"Bad\"}, "
                       "{\"role\": \"human\", \"sentiment\": 7}, {\"role\": \"human\", \"sentiment\": \"great\"}, "
                       "{\"role\": \"human\", \"sentiment\": 6.5}]}\n";

    if (!tap_ok(sc != NULL, "jsonl/scale/parses"))
        return;
    sentraj_input_options_init(&o);
    o.scale = sc;
    tap_ok(load_opts_n(text, strlen(text), &o, &ds, &err) == SENTRAJ_OK, "jsonl/scale/loads");
    if (ds) {
        sentraj_dataset_trajectory(ds, 0, &t);
        tap_near(t.delta, (7 + 7 + 6.5) / 3.0 - 4 / 3.0, 1e-12, "jsonl/scale/delta");
    }
    sentraj_dataset_free(ds);
    expect_err_opts("scale-out-of-range",
                    "{\"conversation_id\": \"a\", \"messages\": [{\"role\": \"human\", \"sentiment\": 8}]}", &o,
                      SENTRAJ_EDATA, 1, 0, "$.messages[0].sentiment: sentiment 8 is outside [1, 7]");
    expect_err_opts("scale-unknown-label",
                    "{\"conversation_id\": \"a\", \"messages\": [{\"role\": \"human\", \"sentiment\": \"neutral\"}]}",
                    &o, SENTRAJ_EDATA, 1, 0,
                      "unknown sentiment label \"neutral\" (expected awful, bad, poor, ok, fair, good, great");
    sentraj_scale_free(sc);
}

static void test_gzip(void)
{
    const char *text = "{\"conversation_id\": \"a\", \"messages\": [" SIX_UP "]}\n";
    unsigned char gz[4096];
    z_stream z;
    sentraj_dataset *ds = NULL;
    sentraj_error err;

    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (unsigned char *)(uintptr_t)text;
    z.avail_in = (uInt)strlen(text);
    z.next_out = gz;
    z.avail_out = sizeof gz;
    deflate(&z, Z_FINISH);
    tap_ok(load_opts_n((const char *)gz, z.total_out, NULL, &ds, &err) == SENTRAJ_OK && sentraj_dataset_kept(ds) == 1,
           "jsonl/gzip/loads");
    deflateEnd(&z);
    sentraj_dataset_free(ds);
}

/* ---- JSONL: errors --------------------------------------------------------------- */

#define CONV(msgs) "{\"conversation_id\": \"a\", \"messages\": [" msgs "]}"

static void test_errors(void)
{
    static const char nul[] = "{\"conversation_id\": \"a\", \"messages\": []}\n{\"conversation_id\": \"b\0\"}\n";
    /* Syntax errors: jansson's column (characters, at the end of the offending token). */
    expect_err("syntax", CONV(H("neutral")) "\n{\"conversation_id\": \"a\", \"messages\": x}\n", SENTRAJ_EDATA, 2, 38,
               "invalid JSON: invalid token near 'x'");
    expect_err("syntax-unterminated", "{\"conversation_id\": \"a\", \"messages\": [\n", SENTRAJ_EDATA, 1, 38,
               "invalid JSON: ']' expected near end of file");
    expect_err("syntax-trailing", CONV(H("neutral")) " x\n", SENTRAJ_EDATA, 1, 83,
               "invalid JSON: end of file expected near 'x'");
    expect_err("duplicate-key", "{\"conversation_id\": \"a\", \"conversation_id\": \"b\", \"messages\": []}\n",
               SENTRAJ_EDATA, 1, 42, "invalid JSON: duplicate object key");
    expect_err("duplicate-key-in-message", CONV("{\"role\": \"human\", \"role\": \"assistant\"}"), SENTRAJ_EDATA, 1,
               62, "invalid JSON: duplicate object key near '\"role\"'");
    expect_err_opts_n("nul-byte", nul, sizeof nul - 1, NULL, SENTRAJ_EDATA, 2, 23, "NUL byte in the input");
    expect_err("not-an-object", CONV(H("neutral")) "\n  [1, 2]\n", SENTRAJ_EDATA, 2, 3,
               "expected a JSON object on every line, not an array");
    expect_err("scalar-line", "\"conversation\"\n", SENTRAJ_EDATA, 1, 14, "invalid JSON: '[' or '{' expected");

    /* The conversation. */
    expect_err("missing-id", "{\"messages\": [{\"role\": \"human\", \"sentiment\": 0, \"message_index\": 0}]}",
               SENTRAJ_EDATA, 1, 0, "$: missing required key \"conversation_id\" (messages with message_index");
    expect_err("id-type", "{\"conversation_id\": 1.5, \"messages\": []}", SENTRAJ_EDATA, 1, 0,
               "$.conversation_id: the conversation id must be a string or an integer, not a number");
    expect_err("id-empty", "{\"conversation_id\": \"\", \"messages\": []}", SENTRAJ_EDATA, 1, 0,
               "$.conversation_id: empty conversation_id");
    expect_err("missing-messages", CONV(H("neutral")) "\n{\"conversation_id\": \"b\", \"message\": []}", SENTRAJ_EDATA,
               2, 0, "$: missing required key \"messages\"");
    expect_err("messages-not-array", "{\"conversation_id\": \"a\", \"messages\": {\"role\": \"human\"}}", SENTRAJ_EDATA,
               1, 0, "$.messages: messages must be an array, not an object");
    expect_err("categories-type", "{\"conversation_id\": \"a\", \"categories\": 3, \"messages\": []}", SENTRAJ_EDATA, 1,
               0, "$.categories: categories must be a string (';'-separated) or an array of strings, not a number");
    expect_err("category-type", "{\"conversation_id\": \"a\", \"categories\": [\"x\", null], \"messages\": []}",
               SENTRAJ_EDATA, 1, 0, "$.categories[1]: a category must be a string, not null");
    expect_err("category-semicolon", "{\"conversation_id\": \"a\", \"categories\": [\"x;y\"], \"messages\": []}",
               SENTRAJ_EDATA, 1, 0, "$.categories[0]: category name \"x;y\" contains ';'");
    expect_err("category-all-array", "{\"conversation_id\": \"a\", \"categories\": [\"x\", \"all\"], \"messages\": []}",
               SENTRAJ_EDATA, 1, 0, "$.categories[1]: category name \"all\" is reserved");
    expect_err("category-all-string", "{\"conversation_id\": \"a\", \"categories\": \"x; all \", \"messages\": []}",
               SENTRAJ_EDATA, 1, 0, "$.categories: category name \"all\" is reserved");
    expect_err("categories-differ",
               "{\"conversation_id\": \"a\", \"categories\": \"x\", \"messages\": [{\"message_index\": 0, \"role\": "
               "\"human\", \"sentiment\": 0}]}\n"
               "{\"conversation_id\": \"a\", \"categories\": \"y\", \"messages\": [{\"message_index\": 1, \"role\": "
               "\"human\", \"sentiment\": 0}]}\n",
               SENTRAJ_EDATA, 2, 0, "categories \"y\" of conversation \"a\" differ from \"x\" given on line 1");
    expect_err("split-without-index", CONV(H("neutral")) "\n\n" CONV(H("neutral")), SENTRAJ_EDATA, 3, 0,
               "$.conversation_id: conversation \"a\" already appeared on line 1 (a conversation given on several "
               "lines needs message_index on every message)");

    /* Messages. */
    expect_err("message-not-object", CONV(H("neutral") ", \"human\""), SENTRAJ_EDATA, 1, 0,
               "$.messages[1]: a message must be an object, not a string");
    expect_err("missing-role", CONV(H("neutral") ", {\"sentiment\": \"neutral\"}"), SENTRAJ_EDATA, 1, 0,
               "$.messages[1]: missing required key \"role\"");
    expect_err("role-not-string", CONV("{\"role\": 1, \"sentiment\": \"neutral\"}"), SENTRAJ_EDATA, 1, 0,
               "$.messages[0].role: the role must be a string, not a number");
    expect_err("unknown-role", CONV(H("neutral") ", {\"role\": \"humna\", \"sentiment\": \"neutral\"}"),
               SENTRAJ_EDATA, 1, 0,
               "$.messages[1].role: unknown role \"humna\" (human roles: human, user; assistant roles: assistant, "
               "claude, model, ai, bot; ignored: system, tool)");
    expect_err("missing-sentiment", CONV(A ", {\"role\": \"human\"}"), SENTRAJ_EDATA, 1, 0,
               "$.messages[1].sentiment: human message without a sentiment label");
    expect_err("null-sentiment", CONV("{\"role\": \"user\", \"sentiment\": null}"), SENTRAJ_EDATA, 1, 0,
               "$.messages[0].sentiment: human message without a sentiment label");
    expect_err("empty-sentiment", CONV("{\"role\": \"user\", \"sentiment\": \"  \"}"), SENTRAJ_EDATA, 1, 0,
               "$.messages[0].sentiment: human message without a sentiment label");
    expect_err("sentiment-type", CONV("{\"role\": \"user\", \"sentiment\": true}"), SENTRAJ_EDATA, 1, 0,
               "$.messages[0].sentiment: the sentiment must be a label (a string) or a number, not true");
    expect_err("unknown-label", CONV(H("neutral") ", " A ", " H("postive")), SENTRAJ_EDATA, 1, 0,
               "$.messages[2].sentiment: unknown sentiment label \"postive\" (expected very negative, negative, "
               "neutral, positive, very positive, or a number in [-1, 1]; --scale sets another label scale)");
    expect_err("nan-label", CONV(H("NaN")), SENTRAJ_EDATA, 1, 0,
               "$.messages[0].sentiment: sentiment \"NaN\" is not a number in [-1, 1]");
    expect_err("out-of-range", CONV("{\"role\": \"human\", \"sentiment\": 1.5}"), SENTRAJ_EDATA, 1, 0,
               "$.messages[0].sentiment: sentiment 1.5 is outside [-1, 1]");
    expect_err("out-of-range-integer", CONV("{\"role\": \"human\", \"sentiment\": -2}"), SENTRAJ_EDATA, 1, 0,
               "$.messages[0].sentiment: sentiment -2 is outside [-1, 1]");
    expect_err("out-of-range-string", CONV(H("1.5")), SENTRAJ_EDATA, 1, 0,
               "$.messages[0].sentiment: sentiment 1.5 is outside [-1, 1]");

    /* message_index. */
    expect_err("index-missing-later",
               CONV("{\"message_index\": 0, \"role\": \"human\", \"sentiment\": 0}, " H("neutral")), SENTRAJ_EDATA, 1,
               0, "$.messages[1]: missing message_index (messages[0] has one");
    expect_err("index-only-later",
               CONV(H("neutral") ", {\"message_index\": 1, \"role\": \"human\", \"sentiment\": 0}"), SENTRAJ_EDATA, 1,
               0, "$.messages[1].message_index: message_index given here but not on messages[0]");
    expect_err("index-negative",
               CONV("{\"message_index\": 0, \"role\": \"human\", \"sentiment\": 0}, {\"message_index\": -1, \"role\": "
                    "\"human\", \"sentiment\": 0}"),
               SENTRAJ_EDATA, 1, 0,
               "$.messages[1].message_index: message_index -1 is negative (it must be an integer >= 0)");
    expect_err("index-not-integer", CONV("{\"message_index\": 1.5, \"role\": \"human\", \"sentiment\": 0}"),
               SENTRAJ_EDATA, 1, 0, "$.messages[0].message_index: message_index must be an integer >= 0, not a number");
    expect_err("index-string", CONV("{\"message_index\": \"1\", \"role\": \"human\", \"sentiment\": 0}"), SENTRAJ_EDATA,
               1, 0, "$.messages[0].message_index: message_index must be an integer >= 0, not a string");
    expect_err("index-null", CONV("{\"message_index\": null, \"role\": \"human\", \"sentiment\": 0}"), SENTRAJ_EDATA, 1,
               0, "message_index must be an integer >= 0, not null");
    expect_err("index-duplicate",
               CONV("{\"message_index\": 4, \"role\": \"human\", \"sentiment\": 0}, {\"message_index\": 2, \"role\": "
                    "\"assistant\"}, {\"message_index\": 4, \"role\": \"human\", \"sentiment\": 0}"),
               SENTRAJ_EDATA, 1, 0,
               "$.messages[2].message_index: duplicate message_index 4 in conversation \"a\" (also on messages[0])");
    expect_err("index-duplicate-across-lines",
               CONV("{\"message_index\": 0, \"role\": \"human\", \"sentiment\": 0}, {\"message_index\": 1, \"role\": "
                    "\"human\", \"sentiment\": 0}") "\n"
               CONV("{\"message_index\": 1, \"role\": \"human\", \"sentiment\": 0}"),
               SENTRAJ_EDATA, 2, 0, "duplicate message_index 1 in conversation \"a\"");
}

/* An empty JSONL input has no rows (when the format is forced). */
static void test_empty(void)
{
    expect_err("empty-input", "", SENTRAJ_EDATA, 1, 0, "no data rows");
}

/* ---- CSV and JSONL give the same bytes --------------------------------------------- */

static const char *numeric_label(const char *s, size_t n)
{
    static const struct {
        const char *label, *num;
    } map[] = {{"very negative", "-1"}, {"negative", "-0.5"}, {"neutral", "0"}, {"positive", "0.5"},
               {"very positive", "1"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i].label) == n && strncasecmp(map[i].label, s, n) == 0)
            return map[i].num;
    return NULL;
}

typedef struct csv_row {
    const char *f[5];
    size_t n[5];
} csv_row;

/* Convert the long CSV (simple: no quoting) into nested JSONL. style 0:
 * array categories, array order, labels as strings; style 1: ';' string
 * categories, message_index on every message in reverse order, numbers for
 * the standard labels. */
static char *csv_to_jsonl(const char *csv, int style, size_t *out_len)
{
    buf b = {0};
    csv_row *rows = NULL;
    size_t nrows = 0, cap = 0;
    const char *p = strchr(csv, '\n');

    if (!p)
        return NULL;
    p++;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t ll = nl ? (size_t)(nl - p) : strlen(p);
        csv_row r;
        const char *q = p;
        for (int k = 0; k < 5; k++) {
            const char *c = memchr(q, ',', (size_t)(p + ll - q));
            const char *e = k < 4 && c ? c : p + ll;
            r.f[k] = q;
            r.n[k] = (size_t)(e - q);
            q = e + 1;
        }
        if (nrows == cap) {
            cap = cap ? cap * 2 : 1024;
            rows = realloc(rows, cap * sizeof *rows);
        }
        rows[nrows++] = r;
        p = nl ? nl + 1 : p + ll;
    }
    for (size_t i = 0; i < nrows;) {
        size_t j = i;
        while (j < nrows && rows[j].n[0] == rows[i].n[0] && memcmp(rows[j].f[0], rows[i].f[0], rows[i].n[0]) == 0)
            j++;
        bputs(&b, "{\"conversation_id\": ");
        bput_json(&b, rows[i].f[0], rows[i].n[0]);
        bputs(&b, ", \"categories\": ");
        if (style == 0) {
            const char *c = rows[i].f[4], *e = c + rows[i].n[4];
            bputs(&b, "[");
            for (int first = 1; c < e; first = 0) {
                const char *semi = memchr(c, ';', (size_t)(e - c));
                const char *ce = semi ? semi : e;
                if (!first)
                    bputs(&b, ", ");
                bput_json(&b, c, (size_t)(ce - c));
                c = semi ? semi + 1 : e;
            }
            bputs(&b, "]");
        } else {
            bput_json(&b, rows[i].f[4], rows[i].n[4]);
        }
        bputs(&b, ", \"messages\": [");
        for (size_t k = i; k < j; k++) {
            const csv_row *r = style == 0 ? &rows[k] : &rows[j - 1 - (k - i)];
            if (k > i)
                bputs(&b, ", ");
            bputs(&b, "{");
            if (style == 1) {
                bputs(&b, "\"message_index\": ");
                bput(&b, r->f[1], r->n[1]);
                bputs(&b, ", ");
            }
            bputs(&b, "\"role\": ");
            bput_json(&b, r->f[2], r->n[2]);
            if (r->n[3]) {
                const char *num = style == 1 ? numeric_label(r->f[3], r->n[3]) : NULL;
                bputs(&b, ", \"sentiment\": ");
                if (num)
                    bputs(&b, num);
                else
                    bput_json(&b, r->f[3], r->n[3]);
            }
            bputs(&b, "}");
        }
        bputs(&b, "]}\n");
        i = j;
    }
    free(rows);
    *out_len = b.len;
    return b.s;
}

static void test_csv_equality(void)
{
    char path[4096];
    size_t len = 0;
    char *csv;

    snprintf(path, sizeof path, "%s/conversations.csv", fixtures);
    csv = read_file(path, &len);
    if (!csv) {
        tap_skip("jsonl/equal/conversations", "fixtures/conversations.csv not found (pass the fixtures directory)");
        return;
    }
    for (int style = 0; style < 2; style++) {
        size_t jl = 0;
        char *jsonl = csv_to_jsonl(csv, style, &jl);
        sentraj_dataset *a = new_ds(SENTRAJ_INPUT_CSV, NULL), *b = new_ds(SENTRAJ_INPUT_JSONL, NULL);
        sentraj_error err;
        char name[64];
        int ok = a && b && jsonl && sentraj_dataset_read_csv_buffer(a, csv, len, "c.csv", &err) == SENTRAJ_OK &&
                 sentraj_dataset_finish(a, &err) == SENTRAJ_OK &&
                 sentraj_dataset_read_csv_buffer(b, jsonl, jl, "c.jsonl", &err) == SENTRAJ_OK &&
                 sentraj_dataset_finish(b, &err) == SENTRAJ_OK;
        snprintf(name, sizeof name, "jsonl/equal/conversations-style%d", style);
        if (!tap_ok(ok, "%s/loads", name))
            tap_diag("%s:%llu: %s", err.source, (unsigned long long)err.line, err.message);
        if (ok) {
            const sentraj_counts *ca = sentraj_dataset_counts(a), *cb = sentraj_dataset_counts(b);
            tap_ok(memcmp(ca, cb, sizeof *ca) == 0, "%s/counts", name);
            expect_same_output(name, a, b);
        } else {
            sentraj_dataset_free(a);
            sentraj_dataset_free(b);
        }
        free(jsonl);
    }
    free(csv);

    /* The committed pair: every JSONL form against its CSV, detected by content. */
    {
        char pj[4096], pc[4096];
        sentraj_error err;
        sentraj_dataset *a, *b;
        snprintf(pj, sizeof pj, "%s/jsonl/mixed.jsonl", fixtures);
        snprintf(pc, sizeof pc, "%s/jsonl/mixed.csv", fixtures);
        a = load_path(pc, SENTRAJ_INPUT_AUTO, NULL, &err);
        b = load_path(pj, SENTRAJ_INPUT_AUTO, NULL, &err);
        if (!tap_ok(a && b, "jsonl/equal/mixed/loads-by-content"))
            tap_diag("%s:%llu: %s", err.source, (unsigned long long)err.line, err.message);
        if (a && b)
            tap_ok(memcmp(sentraj_dataset_counts(a), sentraj_dataset_counts(b), sizeof(sentraj_counts)) == 0,
                   "jsonl/equal/mixed/counts");
        expect_same_output("jsonl/equal/mixed", a, b);
    }
}

/* A CSV input and a JSONL input in one data set. */
static void test_mixed_inputs(void)
{
    char pj[4096], pc[4096];
    sentraj_error err;
    sentraj_dataset *ds = new_ds(SENTRAJ_INPUT_AUTO, NULL);
    int rc;

    snprintf(pj, sizeof pj, "%s/jsonl/mixed.jsonl", fixtures);
    snprintf(pc, sizeof pc, "%s/conversations.csv", fixtures);
    rc = sentraj_dataset_read(ds, pc, &err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_read(ds, pj, &err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_finish(ds, &err);
    if (!tap_ok(rc == SENTRAJ_OK, "jsonl/mixed-inputs/loads"))
        tap_diag("%s", err.message);
    else
        tap_eq_u64(sentraj_dataset_counts(ds)->rows, 52409 + 46, "jsonl/mixed-inputs/rows");
    sentraj_dataset_free(ds);

    /* The same conversation in the CSV and, without message_index, in the JSONL. */
    ds = new_ds(SENTRAJ_INPUT_AUTO, NULL);
    snprintf(pc, sizeof pc, "%s/jsonl/mixed.csv", fixtures);
    rc = sentraj_dataset_read(ds, pc, &err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_read(ds, pj, &err);
    {
        char want[8192];
        snprintf(want, sizeof want, "conversation \"a1\" already appeared on line 2 of %s", pc);
        check_err("jsonl/mixed-inputs/same-conversation-twice", rc, &err, pj, SENTRAJ_EDATA, 1, 0, want);
    }
    sentraj_dataset_free(ds);
}

/* ---- ConvoKit ------------------------------------------------------------------------ */

static char tmpdir[4096];

/* Write a corpus into tmpdir/name: utterances.jsonl, and conversations.json
 * unless convs is NULL. Returns the directory path (static). */
static const char *corpus(const char *name, const char *utts, const char *convs)
{
    static char dir[4200];
    char p[4400];
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, name);
    mkdir(dir, 0700);
    snprintf(p, sizeof p, "%s/utterances.jsonl", dir);
    if (utts)
        write_file(p, utts);
    snprintf(p, sizeof p, "%s/conversations.json", dir);
    if (convs)
        write_file(p, convs);
    return dir;
}

static void remove_corpus(const char *name)
{
    char p[4400];
    snprintf(p, sizeof p, "%s/%s/utterances.jsonl", tmpdir, name);
    unlink(p);
    snprintf(p, sizeof p, "%s/%s/conversations.json", tmpdir, name);
    unlink(p);
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    rmdir(p);
}

/* Load a corpus with options; check the error against the file in `file`. */
static void expect_ck_err(const char *name, const char *utts, const char *convs, const sentraj_input_options *o,
                          const char *file, int code, uint64_t line, uint64_t col, const char *msg)
{
    const char *dir = corpus(name, utts, convs);
    char src[8400], full[128];
    sentraj_error err;
    sentraj_dataset *ds;

    memset(&err, 0, sizeof err);
    if (file && file[0] == '/')
        snprintf(src, sizeof src, "%s", file);
    else
        snprintf(src, sizeof src, "%s%s%s", dir, file ? "/" : "", file ? file : "");
    ds = load_path(dir, SENTRAJ_INPUT_AUTO, o, &err);
    snprintf(full, sizeof full, "convokit/error/%s", name);
    check_err(full, ds ? SENTRAJ_OK : err.code, &err, src, code, line, col, msg);
    sentraj_dataset_free(ds);
    remove_corpus(name);
}

#define UTT(id, conv, spk, ts, meta)                                                                                 \
    "{\"id\": \"" id "\", \"conversation_id\": \"" conv "\", \"speaker\": \"" spk "\", \"reply_to\": null, "          \
    "\"timestamp\": " ts ", \"text\": \"\", \"meta\": " meta "}\n"

static void test_convokit_fixture(void)
{
    char dir[4096], roles[4096], pc[4096];
    sentraj_input_options o;
    sentraj_error err;
    sentraj_dataset *a, *b, *c;

    snprintf(dir, sizeof dir, "%s/convokit/small", fixtures);
    snprintf(roles, sizeof roles, "%s/convokit/speaker-roles.csv", fixtures);
    snprintf(pc, sizeof pc, "%s/convokit/small.csv", fixtures);

    sentraj_input_options_init(&o);
    o.role_key = "role";
    a = load_path(dir, SENTRAJ_INPUT_AUTO, &o, &err);
    if (!tap_ok(a != NULL, "convokit/fixture/role-key/loads"))
        tap_diag("%s:%llu: %s", err.source, (unsigned long long)err.line, err.message);
    if (a) {
        const sentraj_counts *k = sentraj_dataset_counts(a);
        sentraj_trajectory t;
        tap_eq_u64(k->rows, 39, "convokit/fixture/rows");
        tap_eq_u64(k->conversations, 5, "convokit/fixture/conversations");
        tap_eq_u64(k->kept, 4, "convokit/fixture/kept");
        tap_eq_u64(k->dropped_short, 1, "convokit/fixture/short-dropped");
        tap_eq_u64(k->kept_without_category, 1, "convokit/fixture/no-conversations-entry-no-category");
        tap_eq_u64(k->ignored_messages, 1, "convokit/fixture/system-speaker");
        /* Hand-computed from the order rule (see fixtures/convokit/README.md). */
        sentraj_dataset_trajectory(a, 0, &t);
        tap_eq_str(t.categories, "coaching;counseling", "convokit/fixture/c1/categories-array");
        tap_near(t.delta, 4.0 / 3, 1e-15, "convokit/fixture/c1/timestamp-order");
        sentraj_dataset_trajectory(a, 1, &t);
        tap_eq_str(t.categories, "companionship", "convokit/fixture/c2/categories-string");
        tap_near(t.mean_first, 0.5, 1e-15, "convokit/fixture/c2/equal-timestamps-by-id");
        tap_near(t.delta, -7.0 / 6, 1e-15, "convokit/fixture/c2/delta");
        sentraj_dataset_trajectory(a, 2, &t);
        tap_eq_str(t.conversation_id, "c4", "convokit/fixture/c4/root-key");
        tap_near(t.delta, 1.0 / 3, 1e-15, "convokit/fixture/c4/null-timestamps-first-then-id");
        sentraj_dataset_trajectory(a, 3, &t);
        tap_near(t.delta, 2.0 / 3, 1e-15, "convokit/fixture/c5/numeric-labels");
    }

    sentraj_input_options_init(&o);
    o.speaker_roles = roles;
    b = load_path(dir, SENTRAJ_INPUT_CONVOKIT, &o, &err);
    if (!tap_ok(b != NULL, "convokit/fixture/speaker-roles/loads"))
        tap_diag("%s:%llu: %s", err.source, (unsigned long long)err.line, err.message);
    c = load_path(pc, SENTRAJ_INPUT_AUTO, NULL, &err);
    if (a && c) {
        char *ra = analyze_csv(a), *rc = analyze_csv(c);
        tap_ok(ra && rc && strcmp(ra, rc) == 0, "convokit/fixture/same-as-csv/analyze");
        free(ra);
        free(rc);
    }
    expect_same_output("convokit/fixture/role-key-vs-speaker-roles", a, b);
    sentraj_dataset_free(c);

    /* Without --role-key or --speaker-roles the speaker ids must be roles. */
    {
        char src[4200];
        snprintf(src, sizeof src, "%s/utterances.jsonl", dir);
        a = load_path(dir, SENTRAJ_INPUT_AUTO, NULL, &err);
        check_err("convokit/fixture/speaker-ids-are-not-roles", a ? 0 : err.code, &err, src, SENTRAJ_EDATA, 1, 0,
                  "$.speaker: speaker \"alice\" is not a role name");
        sentraj_dataset_free(a);
    }
}

#define SIX                                                                                                          \
    UTT("u1", "c", "user", "1", "{\"sentiment\": \"negative\"}")                                                      \
    UTT("u2", "c", "user", "2", "{\"sentiment\": \"negative\"}")                                                      \
    UTT("u3", "c", "user", "3", "{\"sentiment\": \"negative\"}")                                                      \
    UTT("u4", "c", "user", "4", "{\"sentiment\": \"positive\"}")                                                      \
    UTT("u5", "c", "user", "5", "{\"sentiment\": \"positive\"}")                                                      \
    UTT("u6", "c", "user", "6", "{\"sentiment\": \"positive\"}")

static void test_convokit(void)
{
    sentraj_input_options o;
    sentraj_dataset *ds;
    sentraj_error err;
    char roles[4400];

    /* Happy: speakers named by role, label and category keys renamed, a
     * trailing slash on the directory. */
    {
        const char *dir;
        char slash[4300];
        sentraj_trajectory t;
        sentraj_input_options_init(&o);
        o.label_key = "label";
        o.category_key = "topics";
        dir = corpus("keys", UTT("x6", "c", "human", "null", "{\"label\": 1}") UTT("x1", "c", "assistant", "0", "null")
                             UTT("x5", "c", "human", "null", "{\"label\": \"very positive\"}")
                             UTT("x2", "c", "human", "10", "{\"label\": \"very negative\"}")
                             UTT("x3", "c", "human", "11.5", "{\"label\": -1}")
                             UTT("x4", "c", "human", "12", "{\"label\": \"very negative\", \"sentiment\": 1}")
                             UTT("x7", "c", "human", "13", "{\"label\": \"very negative\"}"),
                     "{\"c\": {\"meta\": {\"topics\": [\"b\", \"a\"], \"categories\": \"ignored\"}}}");
        snprintf(slash, sizeof slash, "%s/", dir);
        ds = load_path(slash, SENTRAJ_INPUT_AUTO, &o, &err);
        if (!tap_ok(ds && sentraj_dataset_kept(ds) == 1, "convokit/keys/loads"))
            tap_diag("%s", ds ? "not kept" : err.message);
        if (ds && sentraj_dataset_kept(ds) == 1) {
            sentraj_dataset_trajectory(ds, 0, &t);
            tap_eq_str(t.categories, "a;b", "convokit/keys/category-key");
            /* nulls first by id (x5 vp, x6 1), then x1 (assistant), x2 vn, x3 -1, x4 vn, x7 vn:
             * first (1 + 1 - 1) / 3, last -1 */
            tap_near(t.delta, -4.0 / 3, 1e-15, "convokit/keys/label-key-and-order");
        }
        sentraj_dataset_free(ds);
        remove_corpus("keys");
    }

    /* Happy: no conversations.json means no categories; older keys. */
    {
        const char *dir = corpus("old",
                                 "{\"id\": \"1\", \"root\": \"r\", \"user\": \"human\", \"reply-to\": null, "
                                 "\"timestamp\": 5, \"meta\": {\"sentiment\": 0}}\n"
                                 "{\"id\": \"2\", \"root\": \"r\", \"user\": \"bot\", \"reply-to\": \"1\", "
                                 "\"timestamp\": 6}\n",
                                 NULL);
        ds = load_path(dir, SENTRAJ_INPUT_CONVOKIT, NULL, &err);
        tap_ok(ds && sentraj_dataset_counts(ds)->rows == 2 && sentraj_dataset_counts(ds)->conversations == 1 &&
                   sentraj_dataset_counts(ds)->assistant_messages == 1,
               "convokit/old-keys-no-conversations-json");
        sentraj_dataset_free(ds);
        remove_corpus("old");
    }

    /* Errors in utterances.jsonl. */
    sentraj_input_options_init(&o);
    expect_ck_err("unknown-speaker", UTT("u1", "c", "user", "1", "{\"sentiment\": 0}") UTT("u2", "c", "bob", "2", "{}"),
                  NULL, NULL, "utterances.jsonl", SENTRAJ_EDATA, 2, 0,
                  "$.speaker: speaker \"bob\" is not a role name (human, user, assistant, claude, model, ai, bot, "
                  "system, tool): map speakers to roles with --speaker-roles FILE, or read each role from utterance "
                  "meta with --role-key KEY");
    expect_ck_err("missing-label", UTT("u1", "c", "user", "1", "{\"sentiment\": 0}") UTT("u2", "c", "user", "2", "{}"),
                  NULL, NULL, "utterances.jsonl", SENTRAJ_EDATA, 2, 0,
                  "$.meta.sentiment: human message without a sentiment label");
    expect_ck_err("no-meta", UTT("u1", "c", "user", "1", "null"), NULL, NULL, "utterances.jsonl", SENTRAJ_EDATA, 1, 0,
                  "$.meta.sentiment: human message without a sentiment label");
    expect_ck_err("meta-type", UTT("u1", "c", "user", "1", "[]"), NULL, NULL, "utterances.jsonl", SENTRAJ_EDATA, 1, 0,
                  "$.meta: meta must be an object, not an array");
    expect_ck_err("unknown-label", UTT("u1", "c", "user", "1", "{\"sentiment\": \"postive\"}"), NULL, NULL,
                  "utterances.jsonl", SENTRAJ_EDATA, 1, 0, "$.meta.sentiment: unknown sentiment label \"postive\"");
    expect_ck_err("label-out-of-range", UTT("u1", "c", "user", "1", "{\"sentiment\": 3}"), NULL, NULL,
                  "utterances.jsonl", SENTRAJ_EDATA, 1, 0, "$.meta.sentiment: sentiment 3 is outside [-1, 1]");
    expect_ck_err("timestamp-type", UTT("u1", "c", "user", "\"2020-01-01\"", "{\"sentiment\": 0}"), NULL, NULL,
                  "utterances.jsonl", SENTRAJ_EDATA, 1, 0, "$.timestamp: the timestamp must be a number or null, not a string");
    expect_ck_err("duplicate-id",
                  UTT("u1", "c", "user", "1", "{\"sentiment\": 0}") "\n" UTT("u1", "d", "user", "2", "{\"sentiment\": 0}"),
                  NULL, NULL, "utterances.jsonl", SENTRAJ_EDATA, 3, 0, "$.id: duplicate utterance id \"u1\" (first on line 1)");
    expect_ck_err("missing-id", "{\"conversation_id\": \"c\", \"speaker\": \"user\"}\n", NULL, NULL, "utterances.jsonl",
                  SENTRAJ_EDATA, 1, 0, "$: missing required key \"id\"");
    expect_ck_err("missing-conversation", "{\"id\": \"u\", \"speaker\": \"user\"}\n", NULL, NULL, "utterances.jsonl",
                  SENTRAJ_EDATA, 1, 0, "$: missing required key \"conversation_id\" (older corpora: \"root\")");
    expect_ck_err("missing-speaker", "{\"id\": \"u\", \"conversation_id\": \"c\"}\n", NULL, NULL, "utterances.jsonl",
                  SENTRAJ_EDATA, 1, 0, "$: missing required key \"speaker\" (older corpora: \"user\")");
    expect_ck_err("syntax", SIX "{\"id\": \"u7\",}\n", NULL, NULL, "utterances.jsonl", SENTRAJ_EDATA, 7, 13,
                  "invalid JSON: string or '}' expected near '}'");
    expect_ck_err("no-utterances", NULL, "{}", NULL, NULL, SENTRAJ_EIO, 0, 0,
                  "not a ConvoKit corpus: the directory has no utterances.jsonl");
    expect_ck_err("empty-utterances", "", NULL, NULL, "utterances.jsonl", SENTRAJ_EDATA, 1, 0, "no data rows");

    /* --role-key. */
    o.role_key = "role";
    expect_ck_err("role-key-missing",
                  UTT("u1", "c", "alice", "1", "{\"role\": \"human\", \"sentiment\": 0}")
                      UTT("u2", "c", "bot", "2", "{\"sentiment\": 0}"),
                  NULL, &o, "utterances.jsonl", SENTRAJ_EDATA, 2, 0,
                  "$.meta.role: utterance without a role (the role key is \"role\")");
    expect_ck_err("role-key-unknown", UTT("u1", "c", "alice", "1", "{\"role\": \"humna\", \"sentiment\": 0}"), NULL, &o,
                  "utterances.jsonl", SENTRAJ_EDATA, 1, 0, "$.meta.role: unknown role \"humna\"");
    o.role_key = NULL;

    /* --speaker-roles. */
    snprintf(roles, sizeof roles, "%s/roles.csv", tmpdir);
    o.speaker_roles = roles;
    write_file(roles, "speaker,role\nalice,human\n\n\"bob, jr.\",assistant\nbot, assistant \nalice,user\n");
    {
        const char *dir = corpus("roles", UTT("u1", "c", "alice", "1", "{\"sentiment\": 0}")
                                              UTT("u2", "c", "bob, jr.", "2", "{}") UTT("u3", "c", "bot", "3", "null"),
                                 NULL);
        ds = load_path(dir, SENTRAJ_INPUT_AUTO, &o, &err);
        if (!tap_ok(ds && sentraj_dataset_counts(ds)->assistant_messages == 2, "convokit/speaker-roles/loads"))
            tap_diag("%s", ds ? "" : err.message);
        sentraj_dataset_free(ds);
        remove_corpus("roles");
    }
    expect_ck_err("speaker-not-listed", UTT("u1", "c", "alice", "1", "{\"sentiment\": 0}") UTT("u2", "c", "carol", "2", "{}"),
                  NULL, &o, "utterances.jsonl", SENTRAJ_EDATA, 2, 0, "$.speaker: speaker \"carol\" is not listed in");
    write_file(roles, "speaker,role\nalice,human\nbob\n");
    expect_ck_err("roles-file-bad-row", SIX, NULL, &o, roles, SENTRAJ_EDATA, 3, 0,
                  "expected \"speaker,role\", got \"bob\"");
    write_file(roles, "alice,human\nbob,humna\n");
    expect_ck_err("roles-file-unknown-role", SIX, NULL, &o, roles, SENTRAJ_EDATA, 2, 5, "unknown role \"humna\"");
    write_file(roles, "alice,human\nbob,bot\nalice,assistant\n");
    expect_ck_err("roles-file-conflict", SIX, NULL, &o, roles, SENTRAJ_EDATA, 3, 0,
                  "speaker \"alice\" is listed again with another role (first on line 1)");
    unlink(roles);
    expect_ck_err("roles-file-missing", SIX, NULL, &o, roles, SENTRAJ_EIO, 0, 0, "cannot open");
    o.speaker_roles = NULL;

    /* Errors in conversations.json: a JSON path, no line (jansson keeps
     * none for values); syntax errors with line and column. */
    expect_ck_err("conversations-syntax", SIX, "{\n  \"c\": {\"meta\": {}},\n  \"d\": {\"meta\": {]}\n}\n", NULL,
                  "conversations.json", SENTRAJ_EDATA, 3, 18, "invalid JSON:");
    expect_ck_err("conversations-not-object", SIX, "[\"c\"]", NULL, "conversations.json", SENTRAJ_EDATA, 0, 0,
                  "$: expected an object mapping conversation ids to conversations, not an array");
    expect_ck_err("conversation-not-object", SIX, "{\"c\": 3}", NULL, "conversations.json", SENTRAJ_EDATA, 0, 0,
                  "$[\"c\"]: a conversation must be an object, not a number");
    expect_ck_err("conversation-meta-type", SIX, "{\"c\": {\"meta\": \"x\"}}", NULL, "conversations.json",
                  SENTRAJ_EDATA, 0, 0, "$[\"c\"].meta: meta must be an object, not a string");
    expect_ck_err("conversation-categories-type", SIX, "{\"zz\": {\"meta\": {\"categories\": {\"a\": 1}}}}", NULL,
                  "conversations.json", SENTRAJ_EDATA, 0, 0,
                  "$[\"zz\"].meta.categories: categories must be a string (';'-separated) or an array of strings, "
                  "not an object");
    expect_ck_err("conversation-category-all", SIX, "{\"c\": {\"meta\": {\"categories\": [\"all\"]}}}", NULL,
                  "conversations.json", SENTRAJ_EDATA, 0, 0,
                  "$[\"c\"].meta.categories[0]: category name \"all\" is reserved");
    expect_ck_err("conversations-duplicate-key", SIX, "{\"c\": {}, \"c\": {}}", NULL, "conversations.json",
                  SENTRAJ_EDATA, 1, 13, "invalid JSON: duplicate object key");
}

/* OpenAI's and ShareGPT's chat-log shapes against their CSV twins: the
 * same analysis and deltas; an OpenAI line is named FILE:LINE. */
static void test_chat_shapes(void)
{
    static const char *const lab[7] = {"negative", "neutral", "neutral", "positive", "very positive", "positive",
                                       "neutral"};
    buf oa = {0}, sg = {0}, csv = {0}, csv2 = {0};
    sentraj_input_options o;

    bputs(&csv, "conversation_id,message_index,role,sentiment\n");
    bputs(&csv2, "conversation_id,message_index,role,label\n");
    for (int line = 1; line <= 2; line++) {
        bprintf(&oa, "{\"messages\": [{\"role\": \"system\", \"content\": \"Be kind.\"}");
        bprintf(&sg, "{\"id\": \"c%d\", \"conversations\": [{\"from\": \"system\", \"value\": \"Be kind.\"}", line);
        bprintf(&csv, "t.jsonl:%d,0,system,\n", line);
        bprintf(&csv2, "c%d,0,system,\n", line);
        for (int i = 0; i < 7; i++) {
            const char *l = lab[(i + line) % 7];
            bprintf(&oa, ", {\"role\": \"user\", \"content\": \"q%d\", \"sentiment\": \"%s\"}, "
                         "{\"role\": \"assistant\", \"content\": \"a%d\"}", i, l, i);
            bprintf(&sg, ", {\"from\": \"human\", \"value\": \"q%d\", \"label\": \"%s\"}, "
                         "{\"from\": \"gpt\", \"value\": \"a%d\"}", i, l, i);
            bprintf(&csv, "t.jsonl:%d,%d,user,%s\nt.jsonl:%d,%d,assistant,\n", line, 2 * i + 1, l, line, 2 * i + 2);
            bprintf(&csv2, "c%d,%d,human,%s\nc%d,%d,assistant,\n", line, 2 * i + 1, l, line, 2 * i + 2);
        }
        bputs(&oa, "]}\n");
        bputs(&sg, "]}\n");
    }
    for (int k = 0; k < 2; k++) {
        sentraj_input_options_init(&o);
        if (k)
            o.col_sentiment = "label";
        sentraj_dataset *a = new_ds(SENTRAJ_INPUT_CSV, &o), *b = NULL;
        sentraj_error err;
        const buf *twin = k ? &csv2 : &csv, *j = k ? &sg : &oa;
        const char *name = k ? "jsonl/shapes/sharegpt" : "jsonl/shapes/openai";
        int ok = a && sentraj_dataset_read_csv_buffer(a, twin->s, twin->len, "twin.csv", &err) == SENTRAJ_OK &&
                 sentraj_dataset_finish(a, &err) == SENTRAJ_OK && load_opts_n(j->s, j->len, &o, &b, &err) == SENTRAJ_OK;
        if (!tap_ok(ok && sentraj_dataset_kept(b) == 2, "%s/loads", name))
            tap_diag("%s:%llu: %s", err.source, (unsigned long long)err.line, err.message);
        if (ok) {
            sentraj_trajectory t;
            sentraj_dataset_trajectory(b, 0, &t);
            tap_ok(strcmp(t.conversation_id, k ? "c1" : "t.jsonl:1") == 0, "%s/id (%s)", name, t.conversation_id);
            expect_same_output(name, a, b);
        } else {
            sentraj_dataset_free(a);
            sentraj_dataset_free(b);
        }
    }
    expect_err("shapes/openai-index-needs-id",
               "{\"messages\": [{\"role\": \"user\", \"message_index\": 0, \"sentiment\": \"neutral\"}]}",
               SENTRAJ_EDATA, 1, 0,
               "$: missing required key \"conversation_id\" (messages with message_index may continue on other "
               "lines: they need the conversation's id)");
    expect_err("shapes/sharegpt-unknown-from",
               "{\"id\": \"c\", \"conversations\": [{\"from\": \"human\", \"sentiment\": 0}, {\"from\": \"bard\"}]}",
               SENTRAJ_EDATA, 1, 0, "$.conversations[1].from: unknown role \"bard\"");
    expect_err("shapes/sharegpt-not-array", "{\"id\": \"c\", \"conversations\": 3}", SENTRAJ_EDATA, 1, 0,
               "$.conversations: conversations must be an array, not a number");
    free(oa.s);
    free(sg.s);
    free(csv.s);
    free(csv2.s);
}

int main(int argc, char **argv)
{
    const char *t = getenv("TMPDIR");
    sentraj_config_init(&cfg);
    cfg.threads = 1;
    if (argc > 1)
        fixtures = argv[1];
    snprintf(tmpdir, sizeof tmpdir, "%s/test_jsonl.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmpdir)) {
        printf("Bail out! cannot create a temporary directory: %s\n", strerror(errno));
        return 1;
    }
    test_basic();
    test_ids_and_numbers();
    test_message_index();
    test_lines();
    test_long_lines();
    test_renamed_keys();
    test_scale();
    test_gzip();
    test_errors();
    test_empty();
    test_csv_equality();
    test_chat_shapes();
    test_mixed_inputs();
    test_convokit_fixture();
    test_convokit();
    rmdir(tmpdir);
    return tap_done();
}
