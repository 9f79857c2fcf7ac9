/* test_summary.c - summaries: exact equivalence with the data, merging, the file format and its errors. */
/* Longer than our usual file: STYLE.md keeps one test program per module,
 * and the summary's module has many parts (building, the file format and
 * its errors, merging, the read accessors, the analysis); each section
 * below stands alone. */
#include "tap.h"

#include <sentraj.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define HDR "conversation_id,message_index,role,sentiment,categories\n"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = (size_t)n;
    }
    return buf;
}

static sentraj_dataset *load(const char *csv, size_t len, const sentraj_config *cfg, const sentraj_scale *scale,
                             sentraj_error *err)
{
    sentraj_dataset *ds = sentraj_dataset_alloc(cfg, err);
    sentraj_input_options in;
    sentraj_input_options_init(&in);
    in.scale = scale;
    if (ds && sentraj_dataset_set_input(ds, &in, err) == SENTRAJ_OK &&
        sentraj_dataset_read_csv_buffer(ds, csv, len, "t.csv", err) == SENTRAJ_OK &&
        sentraj_dataset_finish(ds, err) == SENTRAJ_OK)
        return ds;
    sentraj_dataset_free(ds);
    return NULL;
}

static sentraj_summary *summarize(const char *csv, size_t len, const sentraj_config *cfg,
                                  const sentraj_scale *scale, sentraj_error *err)
{
    sentraj_dataset *ds = load(csv, len, cfg, scale, err);
    sentraj_summary *s = ds ? sentraj_summary_compute(ds, scale, err) : NULL;
    sentraj_dataset_free(ds);
    return s;
}

static char *summary_text(const sentraj_summary *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    sentraj_summary_write_csv(f, "mem", s, NULL);
    fclose(f);
    return buf;
}

static char *report(const sentraj_analysis *a)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    sentraj_analysis_write_csv(f, "mem", a, NULL);
    if (sentraj_analysis_config(a)->keep_resamples)
        sentraj_analysis_write_resamples_csv(f, "mem", a, NULL);
    fclose(f);
    return buf;
}

/* Analyse the data set and its summary (written and read back) with cfg:
 * the reports must be the same bytes. */
static int same_analysis(const sentraj_dataset *ds, const sentraj_summary *s, const sentraj_config *cfg,
                         const char *name)
{
    sentraj_error err;
    sentraj_analysis *a = sentraj_analysis_compute(ds, cfg, &err), *b = NULL;
    char *ta = NULL, *tb = NULL, *text = summary_text(s);
    sentraj_summary *back = sentraj_summary_parse(text, strlen(text), "back.csv", &err);
    int ok;

    if (back)
        b = sentraj_analysis_compute_summary(back, cfg, &err);
    if (a)
        ta = report(a);
    if (b)
        tb = report(b);
    ok = tap_ok(a && b && ta && tb && strcmp(ta, tb) == 0, "%s", name);
    if (!ok) {
        tap_diag("error: %s", err.message);
        if (ta && tb)
            tap_diag("raw:\n%s\nsummary:\n%s", ta, tb);
    }
    free(ta);
    free(tb);
    free(text);
    sentraj_analysis_free(a);
    sentraj_analysis_free(b);
    sentraj_summary_free(back);
    return ok;
}

/* ---- the fixture: every engine and method ------------------------------------ */

static void test_fixture(const char *fixtures)
{
    static const sentraj_engine engines[] = {SENTRAJ_ENGINE_INDEX, SENTRAJ_ENGINE_MULTINOMIAL, SENTRAJ_ENGINE_EXACT,
                                             SENTRAJ_ENGINE_AUTO};
    static const sentraj_method methods[] = {SENTRAJ_METHOD_PERCENTILE, SENTRAJ_METHOD_BASIC, SENTRAJ_METHOD_NORMAL,
                                             SENTRAJ_METHOD_BCA, SENTRAJ_METHOD_STUDENTIZED};
    char path[4096];
    size_t len;
    char *csv, *t1, *t2;
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_summary *s, *back;

    snprintf(path, sizeof path, "%s/conversations.csv", fixtures);
    if (!(csv = slurp(path, &len))) {
        tap_ok(0, "summary/fixture/read");
        return;
    }
    sentraj_config_init(&cfg);
    ds = load(csv, len, &cfg, NULL, &err);
    s = ds ? sentraj_summary_compute(ds, NULL, &err) : NULL;
    if (!tap_ok(s != NULL, "summary/fixture/from-dataset")) {
        tap_diag("%s", err.message);
        sentraj_dataset_free(ds);
        free(csv);
        return;
    }
    t1 = summary_text(s);
    back = sentraj_summary_parse(t1, strlen(t1), "s.csv", &err);
    t2 = back ? summary_text(back) : NULL;
    tap_ok(t2 && strcmp(t1, t2) == 0, "summary/fixture/write-read-write-same-bytes");
    tap_ok(strlen(t1) < 8192, "summary/fixture/a-few-kilobytes (%zu bytes for %zu of CSV)", strlen(t1), len);
    tap_ok(back && memcmp(sentraj_summary_counts(back), sentraj_dataset_counts(ds), sizeof(sentraj_counts)) == 0,
           "summary/fixture/counts-equal-the-data-set's");

    for (size_t e = 0; e < sizeof engines / sizeof engines[0]; e++) {
        for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
            char name[200];
            cfg.engine = engines[e];
            cfg.method = methods[m];
            snprintf(name, sizeof name, "summary/fixture/same-analysis/%s/%s", sentraj_engine_name(engines[e]),
                     sentraj_method_name(methods[m]));
            same_analysis(ds, s, &cfg, name);
        }
    }
    /* Other settings that reach the engines. */
    sentraj_config_init(&cfg);
    cfg.engine = SENTRAJ_ENGINE_INDEX;
    cfg.sim = SENTRAJ_SIM_BALANCED;
    same_analysis(ds, s, &cfg, "summary/fixture/same-analysis/index-balanced");
    sentraj_config_init(&cfg);
    cfg.alternative = SENTRAJ_GREATER;
    cfg.seed = 7;
    cfg.level = 0.9;
    cfg.resamples = 2000;
    same_analysis(ds, s, &cfg, "summary/fixture/same-analysis/greater-seed-7-level-0.9-B-2000");
    sentraj_config_init(&cfg);
    cfg.keep_resamples = 1;
    cfg.engine = SENTRAJ_ENGINE_MULTINOMIAL;
    same_analysis(ds, s, &cfg, "summary/fixture/same-draws/multinomial");
    cfg.engine = SENTRAJ_ENGINE_EXACT;
    same_analysis(ds, s, &cfg, "summary/fixture/same-draws/exact");
    cfg.engine = SENTRAJ_ENGINE_INDEX;
    cfg.threads = 1;
    same_analysis(ds, s, &cfg, "summary/fixture/same-draws/index-one-thread");

    free(t1);
    free(t2);
    sentraj_summary_free(back);
    sentraj_summary_free(s);
    sentraj_dataset_free(ds);

    /* Window 2, at least 4 human messages: other sums, other rows kept. */
    sentraj_config_init(&cfg);
    cfg.window = 2;
    cfg.min_human = 4;
    ds = load(csv, len, &cfg, NULL, &err);
    s = ds ? sentraj_summary_compute(ds, NULL, &err) : NULL;
    if (tap_ok(s != NULL, "summary/fixture/window-2/from-dataset")) {
        cfg.engine = SENTRAJ_ENGINE_INDEX;
        same_analysis(ds, s, &cfg, "summary/fixture/window-2/same-analysis/index");
        cfg.engine = SENTRAJ_ENGINE_EXACT;
        cfg.method = SENTRAJ_METHOD_BCA;
        same_analysis(ds, s, &cfg, "summary/fixture/window-2/same-analysis/exact-bca");
        cfg.window = 3;
        cfg.min_human = 6;
        {
            sentraj_analysis *a = sentraj_analysis_compute_summary(s, &cfg, &err);
            tap_ok(!a && err.code == SENTRAJ_EDATA && err.line == 0 &&
                       strcmp(err.message, "the summary was made with window 2: analyse it with window 2 "
                                           "(--window 2), not 3") == 0,
                   "summary/fixture/window-2/analysed-with-window-3-refused");
            if (a || err.line)
                tap_diag("%s", err.message);
            sentraj_analysis_free(a);
        }
    }
    sentraj_summary_free(s);
    sentraj_dataset_free(ds);
    free(csv);
}

/* ---- shards: merge is associative and commutative ------------------------------ */

static void test_shards(const char *fixtures)
{
    char path[4096];
    size_t len, hlen, blen[3] = {0, 0, 0};
    char *csv, *buf[3], *whole_text, *p;
    sentraj_config cfg;
    sentraj_error err;
    sentraj_summary *whole, *part[3];
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

    snprintf(path, sizeof path, "%s/conversations.csv", fixtures);
    if (!(csv = slurp(path, &len))) {
        tap_ok(0, "summary/shards/read");
        return;
    }
    /* Deal each row to a shard by a hash of its conversation id. */
    hlen = (size_t)(strchr(csv, '\n') - csv) + 1;
    for (int i = 0; i < 3; i++) {
        buf[i] = malloc(len + 1);
        memcpy(buf[i], csv, hlen);
        blen[i] = hlen;
    }
    for (p = csv + hlen; p < csv + len;) {
        char *nl = strchr(p, '\n'), *comma = strchr(p, ',');
        size_t l = (size_t)(nl ? nl + 1 - p : csv + len - p);
        int k = (int)(sentraj_hash_name(p, (size_t)(comma - p)) % 3);
        memcpy(buf[k] + blen[k], p, l);
        blen[k] += l;
        p += l;
    }
    sentraj_config_init(&cfg);
    whole = summarize(csv, len, &cfg, NULL, &err);
    whole_text = whole ? summary_text(whole) : NULL;
    for (int i = 0; i < 3; i++)
        part[i] = summarize(buf[i], blen[i], &cfg, NULL, &err);
    if (!tap_ok(whole && part[0] && part[1] && part[2], "summary/shards/summarize")) {
        tap_diag("%s", err.message);
        goto out;
    }
    /* (a + b) + c in every order. */
    for (int o = 0; o < 6; o++) {
        char *t1 = summary_text(part[orders[o][0]]), *t;
        sentraj_summary *acc = sentraj_summary_parse(t1, strlen(t1), "a.csv", &err);
        int ok = acc != NULL;
        for (int k = 1; ok && k < 3; k++)
            ok = sentraj_summary_merge(acc, part[orders[o][k]], &err) == SENTRAJ_OK;
        t = ok ? summary_text(acc) : NULL;
        tap_ok(t && strcmp(t, whole_text) == 0, "summary/shards/merge-order-%d%d%d-equals-whole", orders[o][0],
               orders[o][1], orders[o][2]);
        free(t);
        free(t1);
        sentraj_summary_free(acc);
    }
    /* a + (b + c): the other grouping. */
    {
        char *tb = summary_text(part[1]), *ta = summary_text(part[0]), *t = NULL;
        sentraj_summary *bc = sentraj_summary_parse(tb, strlen(tb), "b.csv", &err);
        sentraj_summary *a = sentraj_summary_parse(ta, strlen(ta), "a.csv", &err);
        if (bc && a && sentraj_summary_merge(bc, part[2], &err) == SENTRAJ_OK &&
            sentraj_summary_merge(a, bc, &err) == SENTRAJ_OK)
            t = summary_text(a);
        tap_ok(t && strcmp(t, whole_text) == 0, "summary/shards/merge-a-(b+c)-equals-whole");
        free(t);
        free(ta);
        free(tb);
        sentraj_summary_free(a);
        sentraj_summary_free(bc);
    }
    {
        const sentraj_counts *c = sentraj_summary_counts(part[0]);
        tap_ok(c->kept > 0 && c->kept < sentraj_summary_counts(whole)->kept, "summary/shards/shards-are-parts");
    }
out:
    free(whole_text);
    sentraj_summary_free(whole);
    for (int i = 0; i < 3; i++) {
        sentraj_summary_free(part[i]);
        free(buf[i]);
    }
    free(csv);
}

/* ---- by hand ------------------------------------------------------------------ */

/* Append a conversation of human messages with labels in half-units. */
static size_t conv(char *buf, size_t len, const char *id, const char *cats, const int *q, int n)
{
    for (int i = 0; i < n; i++)
        len += (size_t)sprintf(buf + len, "%s,%d,human,%g,\"%s\"\n", id, i, q[i] * 0.5, cats);
    return len;
}

/* p: coaching, first (-2,-2,0) = -4, last (2,2,2) = 6 half-units
 * q: coaching;counseling, first 0, last 3
 * r: counseling, first 3, last 3
 * u: no category, first -6, last -6
 * v: coaching, the same sums as p
 * s: companionship, 2 messages: dropped, so companionship has no kept row */
static const char hand_expected[] =
    "# sentraj-summary v1\n"
    "# category,first_q,last_q,count: kept conversations whose first and last window label sums are "
    "first_q/denom and last_q/denom (see sentraj's docs/scale.md)\n"
    "window,3\nmin_human,6\ndenom,2\n"
    "scale,verynegative,-1\nscale,negative,-0.5\nscale,neutral,0\nscale,positive,0.5\nscale,verypositive,1\n"
    "rows,32\nhuman_messages,32\nassistant_messages,0\nignored_messages,0\nconversations,6\nkept,5\n"
    "dropped_short,1\nkept_without_category,1\ncategories_unmatched,0\n"
    "category,first_q,last_q,count\n"
    "all,-6,-6,1\nall,-4,6,2\nall,0,3,1\nall,3,3,1\n"
    "coaching,-4,6,2\ncoaching,0,3,1\n"
    "companionship,,,0\n"
    "counseling,0,3,1\ncounseling,3,3,1\n";

static size_t hand_csv(char *csv)
{
    static const int p[6] = {-2, -2, 0, 2, 2, 2}, q[6] = {0, 0, 0, 1, 1, 1}, r[6] = {1, 1, 1, 1, 1, 1},
                     u[6] = {-2, -2, -2, -2, -2, -2}, s[2] = {1, 1};
    size_t len = (size_t)sprintf(csv, HDR);
    len = conv(csv, len, "v", "coaching", p, 6);
    len = conv(csv, len, "p", "coaching", p, 6);
    len = conv(csv, len, "q", "counseling;coaching", q, 6);
    len = conv(csv, len, "r", "counseling", r, 6);
    len = conv(csv, len, "s", "companionship", s, 2);
    len = conv(csv, len, "u", "", u, 6);
    return len;
}

static void test_hand(void)
{
    char csv[8192], *t;
    size_t len = hand_csv(csv);
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_summary *s;

    sentraj_config_init(&cfg);
    ds = load(csv, len, &cfg, NULL, &err);
    s = ds ? sentraj_summary_compute(ds, NULL, &err) : NULL;
    if (!tap_ok(s != NULL, "summary/hand/from-dataset")) {
        sentraj_dataset_free(ds);
        return;
    }
    t = summary_text(s);
    if (!tap_eq_str(t, hand_expected, "summary/hand/exact-text"))
        tap_diag("got:\n%s", t);
    tap_eq_u64(sentraj_summary_counts(s)->categories, 3, "summary/hand/categories-count");
    tap_eq_u64(sentraj_summary_window(s), 3, "summary/hand/window");
    tap_eq_u64(sentraj_summary_min_human(s), 6, "summary/hand/min-human");
    cfg.engine = SENTRAJ_ENGINE_EXACT;
    same_analysis(ds, s, &cfg, "summary/hand/same-analysis/exact (too_few, empty and ok rows)");
    cfg.engine = SENTRAJ_ENGINE_INDEX;
    same_analysis(ds, s, &cfg, "summary/hand/same-analysis/index");
    {
        /* coaching: p, v (delta 10/6) and q (3/6): mean_first -8/18 = -4/9 (as -8/(6*3)). */
        sentraj_analysis *a = sentraj_analysis_compute_summary(s, &cfg, &err);
        const sentraj_result *r = a ? sentraj_analysis_row(a, 0) : NULL;
        tap_ok(r && strcmp(r->category, "coaching") == 0 && r->conversations == 3 &&
                   r->mean_first == -8.0 / 18 && r->mean_last == 15.0 / 18 && r->mean_delta == 23.0 / 18,
               "summary/hand/coaching-row-by-hand");
        r = a ? sentraj_analysis_row(a, 1) : NULL;
        tap_ok(r && strcmp(r->category, "companionship") == 0 && r->conversations == 0 &&
                   r->boot.status == SENTRAJ_CI_TOO_FEW,
               "summary/hand/companionship-no-kept-row");
        r = a ? sentraj_analysis_row(a, 3) : NULL;
        tap_ok(r && strcmp(r->category, "all") == 0 && r->conversations == 5, "summary/hand/all-last");
        sentraj_analysis_free(a);
    }
    free(t);
    sentraj_summary_free(s);
    sentraj_dataset_free(ds);

    /* Nothing kept: "all,,,0" and an analysis of empty rows, as from the data. */
    {
        static const int sh[3] = {0, 1, 2};
        char c2[1024];
        size_t l2 = (size_t)sprintf(c2, HDR);
        l2 = conv(c2, l2, "x", "coaching", sh, 3);
        sentraj_config_init(&cfg);
        ds = load(c2, l2, &cfg, NULL, &err);
        s = ds ? sentraj_summary_compute(ds, NULL, &err) : NULL;
        t = s ? summary_text(s) : NULL;
        tap_ok(t && strstr(t, "\ncategory,first_q,last_q,count\nall,,,0\ncoaching,,,0\n") != NULL,
               "summary/none-kept/empty-rows");
        if (s)
            same_analysis(ds, s, &cfg, "summary/none-kept/same-analysis");
        free(t);
        sentraj_summary_free(s);
        sentraj_dataset_free(ds);
    }

    /* Names that need quoting survive the round trip. */
    {
        static const int a6[6] = {0, 1, 2, -1, -2, 0};
        char c3[4096], *t2 = NULL;
        size_t l3 = (size_t)sprintf(c3, HDR);
        sentraj_summary *back;
        l3 = conv(c3, l3, "x", "a,b;say \"\"hi\"\";two\nlines", a6, 6);
        sentraj_config_init(&cfg);
        ds = load(c3, l3, &cfg, NULL, &err);
        s = ds ? sentraj_summary_compute(ds, NULL, &err) : NULL;
        t = s ? summary_text(s) : NULL;
        back = t ? sentraj_summary_parse(t, strlen(t), "q.csv", &err) : NULL;
        t2 = back ? summary_text(back) : NULL;
        tap_ok(t && strstr(t, "\n\"a,b\",3,-3,1\n") && strstr(t, "\n\"say \"\"hi\"\"\",3,-3,1\n") &&
                   strstr(t, "\n\"two\nlines\",3,-3,1\n") && t2 && strcmp(t, t2) == 0,
               "summary/quoted-names/round-trip");
        if (back)
            same_analysis(ds, back, &cfg, "summary/quoted-names/same-analysis");
        free(t);
        free(t2);
        sentraj_summary_free(back);
        sentraj_summary_free(s);
        sentraj_dataset_free(ds);
    }
}

/* ---- reading a summary through the public accessors ----------------------------------- */

/* The cells of a summary, one "category,first_q,last_q,count" line each. */
static char *cells_text(const sentraj_summary *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    sentraj_summary_cell c;
    for (size_t i = 0; i < sentraj_summary_cells(s); i++)
        if (sentraj_summary_cell_get(s, i, &c) == SENTRAJ_OK)
            fprintf(f, "%s,%lld,%lld,%llu\n", c.category, (long long)c.first_q, (long long)c.last_q,
                    (unsigned long long)c.count);
    fclose(f);
    return buf;
}

/* The hand summary (hand_expected, worked out by hand above) as the
 * accessors give it: `how` says whether it was built or parsed. */
static void check_hand_accessors(const sentraj_summary *s, const char *how)
{
    static const char *const labels[5] = {"verynegative", "negative", "neutral", "positive", "verypositive"};
    static const double values[5] = {-1, -0.5, 0, 0.5, 1};
    static const char *const names[4] = {"all", "coaching", "companionship", "counseling"};
    static const char cells[] = "all,-6,-6,1\nall,-4,6,2\nall,0,3,1\nall,3,3,1\n"
                                "coaching,-4,6,2\ncoaching,0,3,1\n"
                                "counseling,0,3,1\ncounseling,3,3,1\n";
    const char *label = "untouched";
    double value = 42;
    int ok;
    char *t;
    sentraj_summary_cell c = {"untouched", 7, 8, 9};

    tap_ok(sentraj_summary_denominator(s) == 2, "summary/accessors/%s/denominator", how);
    ok = sentraj_summary_scale_size(s) == 5;
    for (size_t i = 0; ok && i < 5; i++)
        ok = sentraj_summary_scale_entry(s, i, &label, &value) == SENTRAJ_OK && strcmp(label, labels[i]) == 0 &&
             value == values[i];
    tap_ok(ok, "summary/accessors/%s/scale-in-value-order", how);
    label = "untouched";
    value = 42;
    tap_ok(sentraj_summary_scale_entry(s, 5, &label, &value) == SENTRAJ_EUSAGE &&
               strcmp(label, "untouched") == 0 && value == 42,
           "summary/accessors/%s/scale-entry-out-of-range", how);
    ok = sentraj_summary_categories(s) == 4 &&
         sentraj_summary_categories(s) == sentraj_summary_counts(s)->categories + 1;
    for (size_t i = 0; ok && i < 4; i++)
        ok = sentraj_summary_category(s, i) && strcmp(sentraj_summary_category(s, i), names[i]) == 0;
    tap_ok(ok, "summary/accessors/%s/categories-sorted-with-all-and-one-without-cells", how);
    tap_ok(sentraj_summary_category(s, 4) == NULL && sentraj_summary_category(s, (size_t)-1) == NULL,
           "summary/accessors/%s/category-out-of-range-is-null", how);
    tap_ok(sentraj_summary_cells(s) == 8, "summary/accessors/%s/cells", how);
    t = cells_text(s);
    if (!tap_ok(t && strcmp(t, cells) == 0, "summary/accessors/%s/cells-exact", how))
        tap_diag("got:\n%s", t ? t : "(null)");
    tap_ok(t && !strstr(t, "companionship"), "summary/accessors/%s/category-without-kept-has-no-cell", how);
    free(t);
    ok = sentraj_summary_cell_get(s, 0, &c) == SENTRAJ_OK && c.category == sentraj_summary_category(s, 0);
    tap_ok(ok, "summary/accessors/%s/cell-category-is-the-category-pointer", how);
    c = (sentraj_summary_cell){"untouched", 7, 8, 9};
    tap_ok(sentraj_summary_cell_get(s, 8, &c) == SENTRAJ_EUSAGE && strcmp(c.category, "untouched") == 0 &&
               c.first_q == 7 && c.last_q == 8 && c.count == 9,
           "summary/accessors/%s/cell-out-of-range", how);
}

static void test_accessors(void)
{
    char csv[8192], *t;
    size_t len = hand_csv(csv);
    sentraj_config cfg;
    sentraj_error err;
    sentraj_summary *s, *back;

    sentraj_config_init(&cfg);
    s = summarize(csv, len, &cfg, NULL, &err);
    if (!tap_ok(s != NULL, "summary/accessors/built"))
        return;
    check_hand_accessors(s, "built");
    t = summary_text(s);
    back = sentraj_summary_parse(t, strlen(t), "hand.csv", &err);
    if (tap_ok(back != NULL, "summary/accessors/parsed"))
        check_hand_accessors(back, "parsed");
    free(t);
    sentraj_summary_free(back);
    sentraj_summary_free(s);

    /* Nothing kept: the names are there, the table has no cell. "Zeta"
     * sorts before "all" (bytewise, upper case first). */
    {
        static const int sh[3] = {0, 1, 2};
        char c2[1024];
        size_t l2 = (size_t)sprintf(c2, HDR);
        sentraj_summary_cell c = {"untouched", 7, 8, 9};
        l2 = conv(c2, l2, "x", "coaching;Zeta", sh, 3);
        s = summarize(c2, l2, &cfg, NULL, &err);
        tap_ok(s && sentraj_summary_cells(s) == 0 && sentraj_summary_categories(s) == 3 &&
                   strcmp(sentraj_summary_category(s, 0), "Zeta") == 0 &&
                   strcmp(sentraj_summary_category(s, 1), "all") == 0 &&
                   strcmp(sentraj_summary_category(s, 2), "coaching") == 0 &&
                   sentraj_summary_cell_get(s, 0, &c) == SENTRAJ_EUSAGE && c.count == 9,
               "summary/accessors/none-kept: names without cells, \"all\" in its sorted place");
        sentraj_summary_free(s);
    }

    /* Another scale: its denominator and its entries, in value order. */
    {
        static const char scale_text[] = "label,value\nbad,-1\ngood,1\nmeh,0\nokay,0.25\n";
        sentraj_scale *sc = sentraj_scale_parse(scale_text, strlen(scale_text), "s.csv", &err);
        static const int q[6] = {-4, -4, 0, 1, 4, 4}; /* quarter-units: -1, -1, 0, 0.25, 1, 1 */
        char c3[2048];
        size_t l3 = (size_t)sprintf(c3, HDR);
        const char *label = NULL;
        double value = 0;
        int ok;
        for (int i = 0; i < 6; i++)
            l3 += (size_t)sprintf(c3 + l3, "x,%d,human,%g,a\n", i, q[i] * 0.25);
        s = sc ? summarize(c3, l3, &cfg, sc, &err) : NULL;
        ok = s && sentraj_summary_denominator(s) == 4 && sentraj_summary_scale_size(s) == 4;
        ok = ok && sentraj_summary_scale_entry(s, 0, &label, &value) == SENTRAJ_OK && strcmp(label, "bad") == 0 &&
             value == -1;
        ok = ok && sentraj_summary_scale_entry(s, 1, &label, &value) == SENTRAJ_OK && strcmp(label, "meh") == 0 &&
             value == 0;
        ok = ok && sentraj_summary_scale_entry(s, 2, &label, &value) == SENTRAJ_OK && strcmp(label, "okay") == 0 &&
             value == 0.25;
        ok = ok && sentraj_summary_scale_entry(s, 3, &label, &value) == SENTRAJ_OK && strcmp(label, "good") == 0 &&
             value == 1;
        t = s ? cells_text(s) : NULL;
        /* x: first window -1 - 1 + 0 = -2 (-8 quarters), last 0.25 + 1 + 1 = 2.25 (9 quarters). */
        if (!tap_ok(ok && t && strcmp(t, "a,-8,9,1\nall,-8,9,1\n") == 0, "summary/accessors/quarter-scale"))
            tap_diag("got %s", t ? t : "(null)");
        free(t);
        sentraj_summary_free(s);
        sentraj_scale_free(sc);
    }
}

/* ---- scales and lattices ---------------------------------------------------------- */

static void test_scales(void)
{
    static const char five[] = "label,value\none,1\ntwo,2\nthree,3\nfour,4\nfive,5\n";
    char csv[4096], *t;
    size_t len;
    sentraj_config cfg;
    sentraj_error err;
    sentraj_scale *sc = sentraj_scale_parse(five, strlen(five), "five.csv", &err);
    sentraj_dataset *ds;
    sentraj_summary *s;

    len = (size_t)sprintf(csv, HDR);
    for (int c = 0; c < 4; c++)
        for (int i = 0; i < 7; i++)
            len += (size_t)sprintf(csv + len, "c%d,%d,human,%s,k%d\n", c, i,
                                   (const char *[]){"one", "Two", "three", "FOUR", "five", "2", "4"}[(i * (c + 2)) % 7],
                                   c % 2);
    sentraj_config_init(&cfg);
    ds = load(csv, len, &cfg, sc, &err);
    s = ds ? sentraj_summary_compute(ds, sc, &err) : NULL;
    t = s ? summary_text(s) : NULL;
    tap_ok(t && strstr(t, "\ndenom,1\nscale,one,1\nscale,two,2\nscale,three,3\nscale,four,4\nscale,five,5\n"),
           "summary/scale/recorded-sorted-by-value");
    if (s) {
        same_analysis(ds, s, &cfg, "summary/scale/same-analysis");
        tap_ok(sentraj_summary_check(s, &cfg, sc, &err) == SENTRAJ_OK, "summary/scale/check-same-scale");
        tap_ok(sentraj_summary_check(s, &cfg, NULL, &err) == SENTRAJ_OK, "summary/scale/check-own-scale-by-default");
        tap_ok(sentraj_summary_check(s, &cfg, sentraj_scale_builtin(5, NULL), &err) == SENTRAJ_EDATA && err.line == 0 &&
                   strstr(err.message, "the summary was made with the label scale (one=1, two=2, three=3, four=4, "
                                       "five=5), not (verynegative=-1, negative=-0.5, neutral=0, positive=0.5, "
                                       "verypositive=1)"),
               "summary/scale/check-default-scale-refused");
    }
    {
        /* From text, the error names the file and the first scale line. */
        sentraj_summary *back = t ? sentraj_summary_parse(t, strlen(t), "five-summary.csv", &err) : NULL;
        tap_ok(back && sentraj_summary_check(back, &cfg, sentraj_scale_builtin(5, NULL), &err) == SENTRAJ_EDATA &&
                   err.line == 6 &&
                   strcmp(err.source, "five-summary.csv") == 0,
               "summary/scale/check-names-file-and-line");
        tap_ok(back && sentraj_summary_merge(back, s, &err) == SENTRAJ_OK, "summary/scale/merge-same-scale");
        sentraj_summary_free(back);
    }
    {
        /* The same data read with the default scale cannot be merged with it. */
        static const char one[] = "conversation_id,message_index,role,sentiment\nz,0,human,neutral\n";
        sentraj_summary *dflt = summarize(one, strlen(one), &cfg, NULL, &err);
        char *td = dflt ? summary_text(dflt) : NULL;
        sentraj_summary *d2 = td ? sentraj_summary_parse(td, strlen(td), "d.csv", &err) : NULL;
        tap_ok(d2 && s && sentraj_summary_merge(s, d2, &err) == SENTRAJ_EDATA && err.line == 6 &&
                   strcmp(err.source, "d.csv") == 0 && strstr(err.message, "differs from the scale of"),
               "summary/scale/merge-other-scale-refused");
        free(td);
        sentraj_summary_free(d2);
        sentraj_summary_free(dflt);
    }
    {
        /* The scale given must be the one read with. */
        sentraj_summary *bad = ds ? sentraj_summary_compute(ds, NULL, &err) : NULL;
        tap_ok(!bad && err.code == SENTRAJ_EUSAGE, "summary/scale/wrong-scale-for-data-set");
        sentraj_summary_free(bad);
    }
    free(t);
    sentraj_summary_free(s);
    sentraj_dataset_free(ds);

    /* Off the lattice: a numeric label 0.3. */
    len = (size_t)sprintf(csv, HDR "x,0,human,0.3,a\n");
    ds = load(csv, len, &cfg, NULL, &err);
    s = ds ? sentraj_summary_compute(ds, NULL, &err) : NULL;
    tap_ok(ds && !s && err.code == SENTRAJ_EDATA &&
               strstr(err.message, "a summary needs every human label on the scale's lattice (multiples of 1/2)"),
           "summary/off-lattice-refused");
    sentraj_dataset_free(ds);

    /* Clusters: the two-level bootstrap needs them, and a summary has none. */
    {
        static const char cl[] = "conversation_id,message_index,role,sentiment,categories,user\n"
                                 "x,0,human,neutral,a,u1\n";
        sentraj_input_options in;
        sentraj_input_options_init(&in);
        in.col_cluster = "user";
        ds = sentraj_dataset_alloc(&cfg, &err);
        s = NULL;
        if (ds && sentraj_dataset_set_input(ds, &in, &err) == SENTRAJ_OK &&
            sentraj_dataset_read_csv_buffer(ds, cl, strlen(cl), "cl.csv", &err) == SENTRAJ_OK &&
            sentraj_dataset_finish(ds, &err) == SENTRAJ_OK)
            s = sentraj_summary_compute(ds, NULL, &err);
        tap_ok(!s && err.code == SENTRAJ_EUSAGE && strstr(err.message, "cluster column (user) cannot be summarised"),
               "summary/clusters-refused");
        sentraj_summary_free(s);
        sentraj_dataset_free(ds);
    }

    /* Not finished. */
    ds = sentraj_dataset_alloc(&cfg, &err);
    s = ds ? sentraj_summary_compute(ds, NULL, &err) : NULL;
    tap_ok(ds && !s && err.code == SENTRAJ_EUSAGE, "summary/unfinished-refused");
    sentraj_dataset_free(ds);
    sentraj_scale_free(sc);
    sentraj_summary_free(NULL);
}

/* ---- the file format's errors ------------------------------------------------------ */

/* The hand summary with one substitution: `from` (which must occur) -> `to`. */
static char *edited(const char *from, const char *to)
{
    const char *at = strstr(hand_expected, from);
    size_t n = strlen(hand_expected) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    if (!at) {
        fprintf(stderr, "edited: \"%s\" not found\n", from);
        abort();
    }
    memcpy(out, hand_expected, (size_t)(at - hand_expected));
    strcpy(out + (at - hand_expected), to);
    strcat(out, at + strlen(from));
    return out;
}

static void expect_error(const char *from, const char *to, uint64_t line, uint64_t col, const char *message,
                         const char *name)
{
    char *text = edited(from, to);
    sentraj_error err;
    sentraj_summary *s;
    memset(&err, 0, sizeof err);
    s = sentraj_summary_parse(text, strlen(text), "bad.csv", &err);
    if (!tap_ok(!s && err.code == SENTRAJ_EDATA && err.line == line && (col == (uint64_t)-1 || err.col == col) &&
                    strcmp(err.source, "bad.csv") == 0 && strcmp(err.message, message) == 0,
                "summary/error/%s", name))
        tap_diag("got code %d, %s:%llu:%llu: %s", err.code, err.source, (unsigned long long)err.line,
                 (unsigned long long)err.col, err.message);
    sentraj_summary_free(s);
    free(text);
}

static void test_errors(void)
{
    /* Lines of hand_expected: 1 magic, 2 comment, 3 window, 4 min_human,
     * 5 denom, 6-10 scale, 11 rows .. 19 categories_unmatched, 20 header,
     * 21-24 all, 25-26 coaching, 27 companionship, 28-29 counseling. */
    sentraj_summary *ok = sentraj_summary_parse(hand_expected, strlen(hand_expected), "ok.csv", NULL);
    tap_ok(ok != NULL, "summary/parse/hand-text");
    sentraj_summary_free(ok);

    expect_error("# sentraj-summary v1", "category,first_q,last_q,count", 1, 0,
                 "not a sentraj summary: the first line must be \"# sentraj-summary v1\"", "not-a-summary");
    expect_error("# sentraj-summary v1", "# sentraj-summary v2", 1, 0,
                 "summary version \"v2\" is not one this sentraj reads (it reads v1, \"# sentraj-summary v1\")",
                 "version-2");
    expect_error("window,3\n", "window,3\nwindows,3\n", 4, 1,
                 "unknown field \"windows\" (expected window, min_human, denom, scale, a count, or the table header)",
                 "unknown-field");
    expect_error("kept,5\n", "kept,5\nkept,5\n", 17, 1, "field \"kept\" is given twice (first on line 16)",
                 "field-twice");
    expect_error("kept,5\n", "", 19, 0, "field kept is missing before the table", "field-missing");
    expect_error("window,3\n", "window,3x\n", 3, 8, "window \"3x\" is not a non-negative integer", "bad-number");
    expect_error("window,3\n", "window,0\n", 3, 8, "window 0 is not in 1..1000", "window-0");
    expect_error("min_human,6\n", "min_human,5\n", 4, 0, "min_human 5 is less than twice the window 3",
                 "min-human-below-twice-window");
    expect_error("denom,2\n", "denom,4\n", 5, 0, "denom 4 is not the label scale's lattice denominator 2",
                 "denom-not-the-scale's");
    expect_error("scale,negative,", "scale,Negative,", 7, 7,
                 "scale label \"Negative\" is not a folded label (lower case, no blanks, '-', '_', ',' or quotes; at "
                 "most 127 bytes)",
                 "scale-label-not-folded");
    expect_error("scale,negative,", "scale,neutral,", 8, 7, "scale label \"neutral\" is given twice",
                 "scale-label-twice");
    expect_error("scale,negative,-0.5", "scale,negative,-0.5x", 7, 16, "scale value \"-0.5x\" is not a number",
                 "scale-value-not-a-number");
    expect_error("all,0,3,1\n", "all,0,3,-1\n", 23, 9, "count -1 is negative", "negative-count");
    expect_error("all,0,3,1\n", "all,0,3,0\n", 23, 9, "count 0: a row counts at least one conversation",
                 "zero-count");
    expect_error("all,0,3,1\n", "all,0,3.5,1\n", 23, 7, "last_q \"3.5\" is not an integer", "non-integer-sum");
    expect_error("all,0,3,1\n", "all,0,7,1\n", 23, 7,
                 "last_q 7 is outside -6..6, the sums of 3 labels in [-1, 1] times denom 2", "sum-out-of-range");
    expect_error("all,0,3,1\n", "all,,3,1\n", 23, 5, "first_q and last_q must both be given, or both be empty",
                 "half-empty");
    expect_error("companionship,,,0\n", "companionship,,,2\n", 27, 17,
                 "a row with empty first_q and last_q (a category without kept conversations) must have count 0",
                 "empty-row-with-count");
    expect_error("all,0,3,1\n", "all,0,3,1\nall,0,3,1\n", 24, 0,
                 "category \"all\" has a second row for first_q 0, last_q 3 (first on line 23)", "repeated-row");
    expect_error("companionship,,,0\n", "companionship,,,0\ncompanionship,0,3,1\n", 27, 0,
                 "category \"companionship\" has a row without kept conversations and another row on line 28",
                 "empty-row-and-counts");
    expect_error("all,3,3,1\n", "all,3,3,2\n", 16, 0, "kept is 5, but the \"all\" rows count 6 conversations",
                 "all-not-kept");
    expect_error("counseling,3,3,1\n", "counseling,3,3,2\n", 29, 0,
                 "category \"counseling\" counts 2 at first_q 3, last_q 3, but \"all\" counts 1 there",
                 "category-beyond-all");
    expect_error("counseling,3,3,1\n", "counseling,3,3,1\nzeta,-6,-6,1\nzeta,-4,6,2\nzeta,0,3,1\nzeta,3,3,1\n", 33, 0,
                 "category \"zeta\" counts more conversations than the 4 kept with a category",
                 "category-beyond-kept-with-category");
    expect_error("rows,32\n", "rows,33\n", 11, 0,
                 "rows 33 is not human_messages + assistant_messages + ignored_messages", "rows-inconsistent");
    expect_error("conversations,6\n", "conversations,7\n", 15, 0, "conversations 7 is not kept + dropped_short",
                 "conversations-inconsistent");
    expect_error("kept_without_category,1\n", "kept_without_category,6\n", 18, 0,
                 "kept_without_category 6 is more than kept 5", "kept-without-category-beyond-kept");
    expect_error("all,-6,-6,1\nall,-4,6,2\nall,0,3,1\nall,3,3,1\n", "", 20, 0,
                 "the table has no row for \"all\" (write \"all,,,0\" when nothing was kept)", "no-all-rows");
    expect_error("all,0,3,1\n", "all,0,3\n", 23, 0, "expected 4 fields (category,first_q,last_q,count), found 3",
                 "three-fields");
    expect_error("all,0,3,1\n", "all,0,3,1,9,9\n", 23, 0,
                 "expected 4 fields (category,first_q,last_q,count), found more than 5", "six-fields");
    expect_error("counseling,3,3,1\n", "counseling,3,3,1\n\"zeta,-6,-6,1\n", 30, 1,
                 "quoted field is not closed before the end of the file", "unterminated-quote");
    expect_error("counseling,0,3,1\n", "coun\"seling,0,3,1\n", 28, 5, "quote inside an unquoted field",
                 "quote-in-unquoted-field");
    expect_error("counseling,0,3,1\n", "\"counseling\"x,0,3,1\n", 28, 13,
                 "unexpected character after a closing quote", "text-after-quote");
    expect_error("counseling,0,3,1\n", "\" counseling\",0,3,1\n", 28, 1,
                 "category name \" counseling\" is empty or has blanks around it", "blank-before-name");
    expect_error("category,first_q,last_q,count\n", "category,first_q,last_q\n", 20, 1,
                 "expected the table header \"category,first_q,last_q,count\"", "bad-table-header");
    {
        /* The file ends before the table header. */
        const char *at = strstr(hand_expected, "\ncategory,first_q") + 1;
        sentraj_error err;
        sentraj_summary *s = sentraj_summary_parse(hand_expected, (size_t)(at - hand_expected), "cut.csv", &err);
        tap_ok(!s && err.code == SENTRAJ_EDATA && err.line == 20 &&
                   strcmp(err.message, "the file ends before the table header \"category,first_q,last_q,count\"") ==
                       0,
               "summary/error/ends-before-table");
        sentraj_summary_free(s);
        /* A NUL byte. */
        char nul[] = "# sentraj-summary v1\nwin\0dow,3\n";
        s = sentraj_summary_parse(nul, sizeof nul - 1, "nul.csv", &err);
        tap_ok(!s && err.code == SENTRAJ_EDATA && strcmp(err.message, "NUL byte in the summary file") == 0,
               "summary/error/nul-byte");
        sentraj_summary_free(s);
    }
}

/* Tolerated variations: CRLF line ends, a byte order mark, comments and blank
 * lines before the table, rows in any order. */
static void test_variations(void)
{
    size_t n = strlen(hand_expected);
    char *crlf = malloc(2 * n + 8), *t1, *t2, *t3;
    size_t k = 0;
    sentraj_summary *a, *b, *c;
    sentraj_error err;
    char *shuffled = edited("all,-6,-6,1\nall,-4,6,2\n", "# a comment\n\nall,-4,6,2\n");

    memcpy(crlf, "\xEF\xBB\xBF", 3);
    k = 3;
    for (size_t i = 0; i < n; i++) {
        if (hand_expected[i] == '\n')
            crlf[k++] = '\r';
        crlf[k++] = hand_expected[i];
    }
    a = sentraj_summary_parse(hand_expected, n, "a.csv", &err);
    b = sentraj_summary_parse(crlf, k, "b.csv", &err);
    t1 = a ? summary_text(a) : NULL;
    t2 = b ? summary_text(b) : NULL;
    tap_ok(t1 && t2 && strcmp(t1, hand_expected) == 0 && strcmp(t2, hand_expected) == 0,
           "summary/parse/crlf-and-bom");
    {
        /* Comment lines inside the table are rows, so this one is an error... */
        sentraj_summary *bad = sentraj_summary_parse(shuffled, strlen(shuffled), "c.csv", &err);
        tap_ok(!bad && err.line == 21, "summary/parse/no-comments-in-the-table");
        sentraj_summary_free(bad);
    }
    /* ...but before it they are fine; rows in reverse order are canonicalised. */
    {
        const char *tab = strstr(hand_expected, "\ncategory,first_q") + 1;
        const char *rows = strchr(tab, '\n') + 1;
        size_t head = (size_t)(rows - hand_expected);
        char *rev = malloc(n + 64), *lines[16];
        size_t nl = 0, m;
        char *copy = strdup(rows);
        for (char *p = strtok(copy, "\n"); p; p = strtok(NULL, "\n"))
            lines[nl++] = p;
        m = (size_t)sprintf(rev, "# sentraj-summary v1\n# hi\n\n");
        memcpy(rev + m, hand_expected + strlen("# sentraj-summary v1\n"), head - strlen("# sentraj-summary v1\n"));
        m += head - strlen("# sentraj-summary v1\n");
        while (nl)
            m += (size_t)sprintf(rev + m, "%s\n", lines[--nl]);
        c = sentraj_summary_parse(rev, m, "rev.csv", &err);
        t3 = c ? summary_text(c) : NULL;
        tap_ok(t3 && strcmp(t3, hand_expected) == 0, "summary/parse/comments-and-any-row-order");
        if (!t3)
            tap_diag("%s:%llu: %s", err.source, (unsigned long long)err.line, err.message);
        free(copy);
        free(rev);
    }
    free(t1);
    free(t2);
    free(t3);
    free(crlf);
    free(shuffled);
    sentraj_summary_free(a);
    sentraj_summary_free(b);
    sentraj_summary_free(c);
}

/* ---- merge errors and limits ------------------------------------------------- */

static void test_merge_errors(void)
{
    sentraj_summary *a = sentraj_summary_parse(hand_expected, strlen(hand_expected), "a.csv", NULL);
    char csv[8192], *w2;
    char *m7 = edited("min_human,6\n", "min_human,7\n");
    char *before, *after;
    sentraj_summary *b;
    sentraj_error err;

    {
        sentraj_config cfg;
        sentraj_summary *t;
        size_t len = hand_csv(csv);
        sentraj_config_init(&cfg);
        cfg.window = 2;
        t = summarize(csv, len, &cfg, NULL, &err);
        w2 = t ? summary_text(t) : strdup("");
        sentraj_summary_free(t);
    }
    b = sentraj_summary_parse(w2, strlen(w2), "w2.csv", &err);
    tap_ok(a && b && sentraj_summary_merge(a, b, &err) == SENTRAJ_EDATA && err.line == 3 &&
               strcmp(err.source, "w2.csv") == 0 &&
               strcmp(err.message, "window 2 differs from window 3 of a.csv: summaries made with different options "
                                   "cannot be merged") == 0,
           "summary/merge/window-differs");
    sentraj_summary_free(b);
    b = sentraj_summary_parse(m7, strlen(m7), "m7.csv", &err);
    tap_ok(a && b && sentraj_summary_merge(a, b, &err) == SENTRAJ_EDATA && err.line == 4 &&
               strcmp(err.message, "min_human 7 differs from min_human 6 of a.csv: summaries made with different "
                                   "options cannot be merged") == 0,
           "summary/merge/min-human-differs");
    sentraj_summary_free(b);

    /* Counts near 2^64 - 1. */
    {
        char *t = edited("all,3,3,1\n", "all,3,3,18446744073709551611\n");
        char *u = strdup(t), *p;
        /* kept and conversations must agree with the new all count. */
        p = strstr(u, "kept,5\n");
        free(t);
        t = malloc(strlen(u) + 64);
        memcpy(t, u, (size_t)(p - u));
        strcpy(t + (p - u), "kept,18446744073709551615\n");
        strcat(t, p + strlen("kept,5\n"));
        free(u);
        u = t;
        p = strstr(u, "conversations,6\n");
        t = malloc(strlen(u) + 64);
        memcpy(t, u, (size_t)(p - u));
        strcpy(t + (p - u), "conversations,0\n");
        strcat(t, p + strlen("conversations,6\n"));
        free(u);
        /* kept + dropped_short wraps to 0 in 64 bits: the reader must not be fooled. */
        b = sentraj_summary_parse(t, strlen(t), "big.csv", &err);
        tap_ok(!b && err.code == SENTRAJ_EDATA && err.line == 15, "summary/parse/count-sums-do-not-wrap");
        sentraj_summary_free(b);
        free(t);
    }
    {
        /* A valid huge summary: kept = conversations = 2^64 - 1 (no dropped). */
        char *t = malloc(strlen(hand_expected) + 256);
        if (!t)
            abort();
        sprintf(t,
                "# sentraj-summary v1\nwindow,3\nmin_human,6\ndenom,1\nscale,a,0\nscale,b,1\nrows,0\n"
                "human_messages,0\nassistant_messages,0\nignored_messages,0\nconversations,18446744073709551615\n"
                "kept,18446744073709551615\ndropped_short,0\nkept_without_category,18446744073709551615\n"
                "categories_unmatched,0\ncategory,first_q,last_q,count\nall,0,3,18446744073709551615\n");
        b = sentraj_summary_parse(t, strlen(t), "huge.csv", &err);
        if (!tap_ok(b != NULL, "summary/parse/largest-counts"))
            tap_diag("%s:%llu: %s", err.source, (unsigned long long)err.line, err.message);
        {
            sentraj_summary *c = sentraj_summary_parse(t, strlen(t), "huge2.csv", &err);
            before = b ? summary_text(b) : NULL;
            tap_ok(b && c && sentraj_summary_merge(b, c, &err) == SENTRAJ_ELIMIT, "summary/merge/overflow-refused");
            after = b ? summary_text(b) : NULL;
            tap_ok(before && after && strcmp(before, after) == 0, "summary/merge/overflow-leaves-target-unchanged");
            sentraj_summary_free(c);
        }
        {
            sentraj_config cfg;
            sentraj_analysis *an;
            sentraj_config_init(&cfg);
            an = b ? sentraj_analysis_compute_summary(b, &cfg, &err) : NULL;
            tap_ok(b && !an && err.code == SENTRAJ_ELIMIT &&
                       strcmp(err.message, "category \"all\" has more than 2^32 - 1 conversations, the engines' limit") ==
                           0,
                   "summary/analyze/too-many-conversations-refused");
            sentraj_analysis_free(an);
        }
        free(before);
        free(after);
        sentraj_summary_free(b);
        free(t);
    }
    free(w2);
    free(m7);
    sentraj_summary_free(a);
}

/* ---- files: reading, gzip, detection -------------------------------------------- */

static void test_files(void)
{
    char dir[] = "/tmp/sentraj-test-summary.XXXXXX", plain[256], gz[256], raw[256];
    FILE *f;
    gzFile g;
    sentraj_summary *s;
    sentraj_error err;
    char *t;

    if (!mkdtemp(dir)) {
        tap_ok(0, "summary/files/tempdir");
        return;
    }
    snprintf(plain, sizeof plain, "%s/s.csv", dir);
    snprintf(gz, sizeof gz, "%s/s.csv.gz", dir);
    snprintf(raw, sizeof raw, "%s/raw.csv", dir);
    f = fopen(plain, "w");
    fputs(hand_expected, f);
    fclose(f);
    g = gzopen(gz, "wb");
    gzputs(g, hand_expected);
    gzclose(g);
    f = fopen(raw, "w");
    fputs(HDR "a,0,human,neutral,x\n", f);
    fclose(f);

    tap_ok(sentraj_summary_detect(plain) == 1, "summary/detect/plain");
    tap_ok(sentraj_summary_detect(gz) == 1, "summary/detect/gzip");
    tap_ok(sentraj_summary_detect(raw) == 0, "summary/detect/raw-csv");
    tap_ok(sentraj_summary_detect(dir) == 0, "summary/detect/directory");
    tap_ok(sentraj_summary_detect("-") == 0, "summary/detect/stdin-never");
    tap_ok(sentraj_summary_detect("/nonexistent/x.csv") == 0, "summary/detect/missing-file");
    s = sentraj_summary_read(gz, &err);
    t = s ? summary_text(s) : NULL;
    tap_ok(t && strcmp(t, hand_expected) == 0, "summary/read/gzip");
    free(t);
    sentraj_summary_free(s);
    s = sentraj_summary_read("/nonexistent/x.csv", &err);
    tap_ok(!s && err.code == SENTRAJ_EIO, "summary/read/missing-file-is-io-error");
    s = sentraj_summary_read(raw, &err);
    tap_ok(!s && err.code == SENTRAJ_EDATA && err.line == 1 && strcmp(err.source, raw) == 0,
           "summary/read/raw-csv-is-not-a-summary");
    unlink(plain);
    unlink(gz);
    unlink(raw);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    const char *fixtures = argc > 1 ? argv[1] : "fixtures";
    test_hand();
    test_accessors();
    test_errors();
    test_variations();
    test_merge_errors();
    test_scales();
    test_files();
    test_shards(fixtures);
    test_fixture(fixtures);
    return tap_done();
}
