/* fuzz_scale.c - libFuzzer harness for the label scale parser and the sentiment-label parser that uses it. */
#include "fuzz_common.h"

#include "data/labels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The input is a scale file, optionally followed by a line "@@@@" and then
 * sentiment fields to parse with it, one a line:
 *
 *     label,value
 *     bad,-3
 *     good,3
 *     @@@@
 *     Good
 *     2.5
 *
 * Every label of a parsed scale must read back as its own value; every field
 * must parse to a value within the scale's range or fail with a consistent
 * data error; and the labels that parse are then fed, through the scale, as
 * a small CSV into a data set that is finished and analyzed (the scale's
 * lattice denominator reaches the exact sums and the exact engine). */

#define SEP "\n@@@@\n"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->cap - t->len < n + 1) {
        size_t nc = t->cap ? t->cap : 1024;
        while (nc - t->len < n + 1)
            nc *= 2;
        t->s = realloc(t->s, nc);
        if (!t->s)
            fuzz_fail("out of memory building the CSV");
        t->cap = nc;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

/* One CSV row: conversation c<k % 2>, message_index k, human, the label quoted. */
static void put_row(text *t, size_t k, const char *label, size_t n)
{
    char head[64];
    int h = snprintf(head, sizeof head, "c%zu,%zu,human,\"", k % 2, k);
    put(t, head, (size_t)h);
    for (size_t i = 0; i < n; i++)
        put(t, label[i] == '"' ? "\"\"" : label + i, label[i] == '"' ? 2 : 1);
    put(t, "\"\n", 2);
}

static void check_value(const sentraj_scale *sc, const char *what, double v)
{
    if (!isfinite(v) || v < sc->min || v > sc->max)
        fuzz_fail("%s parsed to %.17g outside the scale [%.17g, %.17g]", what, v, sc->min, sc->max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part parts[2];
    size_t np = fuzz_split(data, size, SEP, parts, 2);
    sentraj_error err;
    sentraj_scale *sc;
    text csv = {0};
    size_t rows = 0;

    memset(&err, 0, sizeof err);
    sc = sentraj_scale_parse(parts[0].p, parts[0].n, "fuzz.scale", &err);
    if (!sc) {
        fuzz_check_status("sentraj_scale_parse", err.code ? err.code : -99, &err, 0);
        if (err.code != SENTRAJ_EDATA && err.code != SENTRAJ_ELIMIT)
            fuzz_fail("sentraj_scale_parse: code %d for bad text: %s", err.code, err.message);
        return 0;
    }

#ifdef FUZZ_SKIP_HUGE_SCALES
    /* Go past the known finding of huge label values (see README.md). */
    if (fabs(sc->min) > 1e15 || fabs(sc->max) > 1e15) {
        sentraj_scale_free(sc);
        return 0;
    }
#endif

    /* The scale itself: at least two labels, a range that holds them all, a
     * lattice denominator that is one, and every label reading back. */
    if (sc->n < 2 || !(sc->min <= sc->max) || !isfinite(sc->min) || !isfinite(sc->max))
        fuzz_fail("scale with %zu labels and range [%.17g, %.17g]", sc->n, sc->min, sc->max);
    if (sc->denom < 0 || sc->denom > 100000)
        fuzz_fail("scale denominator %lld", (long long)sc->denom);
    put(&csv, "conversation_id,message_index,role,sentiment\n", 45);
    for (size_t i = 0; i < sc->n; i++) {
        const label_entry *e = &sc->entries[i];
        double v = NAN;
        label_status st;
        if (sc->denom > 0) {
            double x = e->value * (double)sc->denom;
            if (fabs(x - nearbyint(x)) > 1e-9 * (1 + fabs(x)))
                fuzz_fail("label \"%s\" = %.17g is not a multiple of 1/%lld", e->text, e->value, (long long)sc->denom);
        }
        st = labels_parse_sentiment(sc, e->text, strlen(e->text), &v);
        if (st != LABEL_OK || v != e->value)
            fuzz_fail("label \"%s\" of the scale reads back as status %d value %.17g, not %.17g", e->text, (int)st,
                      v, e->value);
        check_value(sc, "a scale label", v);
        if (strlen(e->text) > 0)
            put_row(&csv, rows++, e->text, strlen(e->text));
    }

    /* The fields after the separator. */
    if (np == 2) {
        const char *p = parts[1].p, *end = parts[1].p + parts[1].n;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            double v = NAN;
            label_status st = labels_parse_sentiment(sc, p, n, &v);
            if (st == LABEL_OK) {
                check_value(sc, "a field", v);
                if (!memchr(p, '\0', n))
                    put_row(&csv, rows++, p, n);
            } else {
                int rc = labels_sentiment_error(sc, st, p, n, "fuzz", 1, 1, &err);
                if (rc != SENTRAJ_EDATA)
                    fuzz_fail("labels_sentiment_error returned %d", rc);
                fuzz_check_status("labels_sentiment_error", rc, &err, 0);
            }
            p += n + 1;
        }
    }

    /* The labels that parsed, through a data set with this scale. */
    {
        sentraj_config cfg;
        sentraj_input_options o;
        sentraj_dataset *ds;
        int rc;

        fuzz_config(&cfg, fuzz_hash(data, size));
        ds = sentraj_dataset_alloc(&cfg, &err);
        if (!ds)
            fuzz_fail("sentraj_dataset_alloc: %s", err.message);
        sentraj_input_options_init(&o);
        o.format = SENTRAJ_INPUT_CSV;
        o.scale = sc;
        if (sentraj_dataset_set_input(ds, &o, &err) != SENTRAJ_OK)
            fuzz_fail("sentraj_dataset_set_input: %s", err.message);
        rc = sentraj_dataset_read_csv_buffer(ds, csv.s, csv.len, "fuzz.csv", &err);
        fuzz_check_status("sentraj_dataset_read_csv_buffer (scale)", rc, &err, 0);
        if (rc != SENTRAJ_OK)
            fuzz_fail("labels that parsed alone fail in a CSV: %s", err.message);
        fuzz_pipeline(ds, &cfg, "fuzz.csv", sc->min, sc->max);
        sentraj_dataset_free(ds);
    }
    free(csv.s);
    sentraj_scale_free(sc);
    return 0;
}
