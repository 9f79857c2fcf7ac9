/* test_labels.c - role classification, sentiment label folding, built-in scales and the smaller-scale hint. */
#include "data/labels.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void role(const char *s, role_kind want)
{
    tap_ok(labels_parse_role(s, strlen(s)) == want, "labels/role/\"%s\"", s);
}

static void label_ok(const char *s, double want)
{
    double v = 99;
    label_status st = labels_parse_sentiment(labels_default_scale(), s, strlen(s), &v);
    if (!tap_ok(st == LABEL_OK && v == want, "labels/sentiment/\"%s\"", s))
        tap_diag("status %d value %g, want %g", (int)st, v, want);
}

static void label_bad(const char *s, label_status want)
{
    double v = 0;
    label_status st = labels_parse_sentiment(labels_default_scale(), s, strlen(s), &v);
    if (!tap_ok(st == want, "labels/sentiment-bad/\"%s\"", s))
        tap_diag("status %d, want %d", (int)st, (int)want);
}

/* The built-in scales' labels and values, exactly; their lattices; and
 * that they are constants sentraj_scale_free leaves alone. */
static void test_builtin(void)
{
    static const char *const l3[] = {"negative", "neutral", "positive"};
    static const double v3[] = {-1, 0, 1};
    static const char *const l7[] = {"very negative", "negative",          "somewhat negative", "neutral",
                                     "somewhat positive", "positive", "very positive"};
    static const double v7[] = {-1, -2.0 / 3, -1.0 / 3, 0, 1.0 / 3, 2.0 / 3, 1};
    sentraj_error err;
    sentraj_scale *s3 = sentraj_scale_builtin(3, &err), *s5 = sentraj_scale_builtin(5, &err),
                  *s7 = sentraj_scale_builtin(7, &err);
    const char *label;
    double value, v = 99;
    int ok = s3 && s5 && s7 && sentraj_scale_size(s3) == 3 && sentraj_scale_size(s5) == 5 &&
             sentraj_scale_size(s7) == 7;

    for (size_t i = 0; ok && i < 3; i++)
        ok = sentraj_scale_entry(s3, i, &label, &value) == SENTRAJ_OK && strcmp(label, l3[i]) == 0 && value == v3[i];
    for (size_t i = 0; ok && i < 7; i++)
        ok = sentraj_scale_entry(s7, i, &label, &value) == SENTRAJ_OK && strcmp(label, l7[i]) == 0 && value == v7[i];
    tap_ok(ok, "labels/builtin/labels-and-values");
    tap_ok(s3 && s5 && s7 && s3->denom == 1 && s5->denom == 2 && s7->denom == 3 && s5 == labels_default_scale(),
           "labels/builtin/lattices");
    tap_ok(sentraj_scale_points(s3) == 3 && sentraj_scale_points(s7) == 7 && sentraj_scale_points(NULL) == 0,
           "labels/builtin/points");
    tap_ok(sentraj_scale_entry(s3, 3, &label, &value) == SENTRAJ_EUSAGE, "labels/builtin/entry-out-of-range");
    tap_ok(sentraj_scale_builtin(4, &err) == NULL && err.code == SENTRAJ_EUSAGE &&
               strcmp(err.message, "a built-in label scale has 3, 5 or 7 points, not 4") == 0,
           "labels/builtin/other-points-refused");
    tap_ok(labels_parse_sentiment(s7, "Somewhat_Negative", 17, &v) == LABEL_OK && v == -1.0 / 3,
           "labels/builtin/7-somewhat-negative");
    tap_ok(labels_parse_sentiment(s3, "positive", 8, &v) == LABEL_OK && v == 1, "labels/builtin/3-positive-is-1");
    tap_ok(labels_parse_sentiment(s3, "very positive", 13, &v) == LABEL_UNKNOWN, "labels/builtin/3-has-no-very");
    sentraj_scale_free(s3);
    sentraj_scale_free(s5);
    sentraj_scale_free(s7);
    tap_ok(sentraj_scale_size(labels_builtin_scale(3)) == 3, "labels/builtin/free-leaves-them");
}

/* The smaller scale a data set's labels suggest, read with `points` (0: a
 * scale file) from six human labels of each conversation given. */
static int hint(int points, const char *const *labels, size_t n, int threads)
{
    char csv[8192];
    size_t len = (size_t)sprintf(csv, "conversation_id,message_index,role,sentiment\n");
    sentraj_config cfg;
    sentraj_input_options in;
    sentraj_dataset *ds;
    sentraj_scale *sc = points ? sentraj_scale_builtin(points, NULL)
                               : sentraj_scale_parse("a,-1\nb,0\nc,1\n", 12, "s", NULL);
    int got = -1;

    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(csv + len, "c%zu,%zu,human,%s\n", i / 6, i % 6, labels[i]);
    sentraj_config_init(&cfg);
    cfg.threads = (unsigned)threads;
    sentraj_input_options_init(&in);
    in.scale = sc;
    ds = sentraj_dataset_alloc(&cfg, NULL);
    if (ds && sentraj_dataset_set_input(ds, &in, NULL) == SENTRAJ_OK &&
        sentraj_dataset_read_csv_buffer(ds, csv, len, "t.csv", NULL) == SENTRAJ_OK &&
        sentraj_dataset_finish(ds, NULL) == SENTRAJ_OK)
        got = sentraj_dataset_smaller_scale(ds);
    sentraj_dataset_free(ds);
    sentraj_scale_free(sc);
    return got;
}

static void test_smaller_scale(void)
{
    static const char *const three[] = {"negative", "Neutral", "positive", "neutral", "negative", "POSITIVE"};
    static const char *const five[] = {"negative", "very negative", "positive", "neutral", "very positive", "0"};
    static const char *const seven[] = {"negative", "somewhat positive", "positive", "neutral", "negative", "0"};
    static const char *const num3[] = {"-0.5", "0", "0.5", "0", "0", "positive"};
    static const char *const off[] = {"-0.5", "0", "0.25", "0", "0", "positive"};
    static const char *const abc[] = {"a", "b", "c", "a", "b", "c"};

    tap_ok(hint(5, three, 6, 1) == 3, "labels/smaller/5-with-3-labels-suggests-3");
    tap_ok(hint(5, five, 6, 1) == 0, "labels/smaller/5-with-very-labels-none");
    tap_ok(hint(5, num3, 6, 1) == 3, "labels/smaller/5-numbers-on-3-points-suggest-3");
    tap_ok(hint(5, off, 6, 1) == 0, "labels/smaller/5-off-the-points-none");
    tap_ok(hint(7, three, 6, 1) == 3, "labels/smaller/7-with-3-labels-suggests-3");
    tap_ok(hint(7, five, 6, 1) == 5, "labels/smaller/7-with-5-labels-suggests-5");
    tap_ok(hint(7, seven, 6, 1) == 0, "labels/smaller/7-with-somewhat-none");
    tap_ok(hint(3, three, 6, 1) == 0, "labels/smaller/3-has-none-smaller");
    tap_ok(hint(0, abc, 6, 1) == 0, "labels/smaller/scale-file-none");
    tap_ok(hint(5, three, 0, 1) == -1, "labels/smaller/no-rows-no-data-set");
}

int main(void)
{
    test_builtin();
    test_smaller_scale();
    role("human", ROLE_HUMAN);
    role("User", ROLE_HUMAN);
    role(" HUMAN ", ROLE_HUMAN);
    role("assistant", ROLE_ASSISTANT);
    role("Claude", ROLE_ASSISTANT);
    role("model", ROLE_ASSISTANT);
    role("AI", ROLE_ASSISTANT);
    role("bot", ROLE_ASSISTANT);
    role("system", ROLE_IGNORED);
    role("Tool", ROLE_IGNORED);
    role("usr", ROLE_UNKNOWN);
    role("", ROLE_UNKNOWN);
    role("humans", ROLE_UNKNOWN);
    role("assistant assistant", ROLE_UNKNOWN);

    label_ok("very negative", -1);
    label_ok("Very_Negative", -1);
    label_ok("VERY-NEGATIVE", -1);
    label_ok("  very   negative ", -1);
    label_ok("verynegative", -1);
    label_ok("negative", -0.5);
    label_ok("Neutral", 0);
    label_ok("positive", 0.5);
    label_ok("very positive", 1);
    label_ok("very_positive", 1);
    label_ok("0.5", 0.5);
    label_ok("-1", -1);
    label_ok("1", 1);
    label_ok(" 0.25 ", 0.25);
    label_ok("+0.5", 0.5);
    label_ok("-0", 0);
    label_ok("5e-1", 0.5);

    label_bad("", LABEL_EMPTY);
    label_bad("   ", LABEL_EMPTY);
    label_bad("postive", LABEL_UNKNOWN);
    label_bad("very", LABEL_UNKNOWN);
    label_bad("nan", LABEL_NAN);
    label_bad("NaN", LABEL_NAN);
    label_bad("-inf", LABEL_NAN);
    label_bad("Infinity", LABEL_NAN);
    label_bad("1.5", LABEL_RANGE);
    label_bad("-1.0001", LABEL_RANGE);
    label_bad("1e400", LABEL_RANGE);
    label_bad("0x1p-1", LABEL_UNKNOWN);
    label_bad("0.5.5", LABEL_UNKNOWN);
    label_bad("1,0", LABEL_UNKNOWN);
    label_bad("very very negative", LABEL_UNKNOWN);
    return tap_done();
}
