/* test_labels.c - role classification and sentiment label folding. */
#include "data/labels.h"
#include "tap.h"

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

int main(void)
{
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
