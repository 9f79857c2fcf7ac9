/* test_analysis.c - per-category rows: membership, window means, statuses, invariance. */
#include "tap.h"

#include <sentraj.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HDR "conversation_id,message_index,role,sentiment,categories\n"

/* Append a conversation of six human messages with labels in half-units
 * (-2..2) and the given categories field. */
static size_t conv(char *buf, size_t len, const char *id, const char *cats, const int q[6])
{
    for (int i = 0; i < 6; i++)
        len += (size_t)sprintf(buf + len, "%s,%d,human,%g,\"%s\"\n", id, i, q[i] * 0.5, cats);
    return len;
}

static sentraj_analysis *analyze(const char *csv, size_t len, const sentraj_config *cfg, sentraj_error *err)
{
    sentraj_dataset *ds = sentraj_dataset_alloc(cfg, err);
    sentraj_analysis *a = NULL;
    if (ds && sentraj_dataset_read_csv_buffer(ds, csv, len, "t.csv", err) == SENTRAJ_OK &&
        sentraj_dataset_finish(ds, err) == SENTRAJ_OK)
        a = sentraj_analysis_compute(ds, cfg, err);
    sentraj_dataset_free(ds);
    return a;
}

static char *report(const sentraj_analysis *a)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    sentraj_analysis_write_csv(f, "mem", a, NULL);
    fclose(f);
    return buf;
}

/* Hand-computed: three conversations.
 *   p: coaching            first (-2,-2,0)/2/3 = -2/3, last (2,2,2)/2/3 = 1    delta 5/3
 *   q: coaching;counseling first (0,0,0) = 0,          last (1,1,1)/2/3 = 1/2  delta 1/2
 *   r: counseling          first (1,1,1)/6 = 1/2,      last (1,1,1)/6 = 1/2    delta 0
 * coaching: n 2, mean_first (-2/3 + 0)/2 = -1/3, mean_last 3/4, mean_delta 13/12
 * counseling: n 2, mean_first 1/4, mean_last 1/2, mean_delta 1/4
 * companionship: only a dropped (short) conversation: n 0, too_few
 * all: n 3, mean_first -1/18, mean_last 2/3, mean_delta 13/18 */
static void test_hand(void)
{
    static const int p[6] = {-2, -2, 0, 2, 2, 2}, q[6] = {0, 0, 0, 1, 1, 1}, r[6] = {1, 1, 1, 1, 1, 1};
    char csv[8192];
    size_t len = (size_t)sprintf(csv, HDR);
    sentraj_config cfg;
    sentraj_error err;
    sentraj_analysis *a;
    const sentraj_result *row;

    len = conv(csv, len, "p", "coaching", p);
    len = conv(csv, len, "q", "counseling;coaching", q);
    len = conv(csv, len, "r", "counseling", r);
    len += (size_t)sprintf(csv + len, "s,0,human,positive,companionship\n");
    sentraj_config_init(&cfg);
    a = analyze(csv, len, &cfg, &err);
    if (!tap_ok(a && sentraj_analysis_rows(a) == 4, "analysis/hand/four-rows"))
        return;
    row = sentraj_analysis_row(a, 0);
    tap_eq_str(row->category, "coaching", "analysis/hand/sorted-0");
    tap_eq_u64(row->conversations, 2, "analysis/hand/coaching/n");
    tap_near(row->mean_first, -1.0 / 3, 1e-16, "analysis/hand/coaching/mean_first");
    tap_near(row->mean_last, 0.75, 0, "analysis/hand/coaching/mean_last");
    tap_near(row->mean_delta, 13.0 / 12, 1e-15, "analysis/hand/coaching/mean_delta");
    tap_ok(row->boot.ci_low <= row->mean_delta && row->mean_delta <= row->boot.ci_high &&
               row->boot.ci_low >= 0.5 && row->boot.ci_high <= 5.0 / 3,
           "analysis/hand/coaching/ci-within-sample-range");
    row = sentraj_analysis_row(a, 1);
    tap_eq_str(row->category, "companionship", "analysis/hand/sorted-1");
    tap_ok(row->conversations == 0 && isnan(row->mean_delta) && isnan(row->mean_first) &&
               row->boot.status == SENTRAJ_CI_TOO_FEW && isnan(row->boot.ci_low),
           "analysis/hand/companionship/empty-too-few");
    row = sentraj_analysis_row(a, 2);
    tap_eq_str(row->category, "counseling", "analysis/hand/sorted-2");
    tap_near(row->mean_first, 0.25, 0, "analysis/hand/counseling/mean_first");
    tap_near(row->mean_last, 0.5, 0, "analysis/hand/counseling/mean_last");
    tap_near(row->mean_delta, 0.25, 0, "analysis/hand/counseling/mean_delta");
    row = sentraj_analysis_row(a, 3);
    tap_eq_str(row->category, "all", "analysis/hand/all-last");
    tap_eq_u64(row->conversations, 3, "analysis/hand/all/each-once");
    tap_near(row->mean_first, -1.0 / 18, 1e-16, "analysis/hand/all/mean_first");
    tap_near(row->mean_last, 2.0 / 3, 1e-16, "analysis/hand/all/mean_last");
    tap_near(row->mean_delta, 13.0 / 18, 1e-15, "analysis/hand/all/mean_delta");
    sentraj_analysis_free(a);
}

/* A category's result does not change when other categories are added,
 * and the report is byte-identical for any thread count and row order. */
static void test_invariance(void)
{
    size_t cap = 1 << 20, len = 0, len2;
    char *csv = malloc(cap), *shuffled = malloc(cap), *ref, *got;
    char **lines = malloc(60000 * sizeof *lines);
    size_t nlines = 0;
    unsigned long long x = 12345;
    sentraj_config cfg;
    sentraj_error err;
    sentraj_analysis *a, *b;
    int same = 1;

    len += (size_t)sprintf(csv, HDR);
    for (int c = 0; c < 400; c++) {
        int q[6];
        char id[16];
        for (int i = 0; i < 6; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            q[i] = (int)((x >> 33) % 5) - 2 + (i >= 3 && (x >> 40) % 3 == 0);
            if (q[i] > 2)
                q[i] = 2;
        }
        snprintf(id, sizeof id, "k%d", c);
        len = conv(csv, len, id, c % 3 == 0 ? "a" : c % 3 == 1 ? "b" : "a;b", q);
    }
    sentraj_config_init(&cfg);
    cfg.threads = 1;
    a = analyze(csv, len, &cfg, &err);
    ref = report(a);
    for (unsigned t = 2; t <= 8; t *= 2) {
        cfg.threads = t;
        b = analyze(csv, len, &cfg, &err);
        got = report(b);
        same &= strcmp(ref, got) == 0;
        free(got);
        sentraj_analysis_free(b);
    }
    tap_ok(same, "analysis/invariance/threads-1-2-4-8");

    /* Reverse the data lines (header stays first). */
    for (char *p = strchr(csv, '\n') + 1; *p; p = strchr(p, '\n') + 1)
        lines[nlines++] = p;
    len2 = (size_t)(strchr(csv, '\n') + 1 - csv);
    memcpy(shuffled, csv, len2);
    for (size_t i = nlines; i-- > 0;) {
        size_t l = (size_t)(strchr(lines[i], '\n') + 1 - lines[i]);
        memcpy(shuffled + len2, lines[i], l);
        len2 += l;
    }
    cfg.threads = 0;
    b = analyze(shuffled, len2, &cfg, &err);
    got = report(b);
    tap_ok(strcmp(ref, got) == 0, "analysis/invariance/reversed-rows");
    free(got);
    sentraj_analysis_free(b);

    /* Only category "a" (drop the "b" rows and "a;b" becomes "a"): the
     * conversations of a are the same, so a's row must be identical. */
    {
        const sentraj_result *ra = sentraj_analysis_row(a, 0);
        char *only = malloc(cap);
        size_t lo = (size_t)sprintf(only, HDR);
        for (size_t i = 0; i < nlines; i++) {
            size_t l = (size_t)(strchr(lines[i], '\n') + 1 - lines[i]);
            char *cat = memchr(lines[i], '"', l);
            if (cat[1] == 'b')
                continue;
            memcpy(only + lo, lines[i], (size_t)(cat - lines[i]));
            lo += (size_t)(cat - lines[i]);
            lo += (size_t)sprintf(only + lo, "a\n");
        }
        b = analyze(only, lo, &cfg, &err);
        const sentraj_result *rb = b ? sentraj_analysis_row(b, 0) : NULL;
        tap_ok(rb && strcmp(rb->category, "a") == 0 && rb->conversations == ra->conversations &&
                   rb->boot.ci_low == ra->boot.ci_low && rb->boot.ci_high == ra->boot.ci_high &&
                   rb->boot.se == ra->boot.se,
               "analysis/invariance/category-independent-of-other-categories");
        sentraj_analysis_free(b);
        free(only);
    }
    free(ref);
    sentraj_analysis_free(a);
    free(lines);
    free(csv);
    free(shuffled);
}

static void test_degenerate_and_single(void)
{
    static const int flat[6] = {0, 0, 0, 1, 1, 1};
    char csv[4096];
    size_t len = (size_t)sprintf(csv, HDR);
    sentraj_config cfg;
    sentraj_error err;
    sentraj_analysis *a;
    char *out;

    len = conv(csv, len, "a1", "same", flat);
    len = conv(csv, len, "a2", "same", flat);
    len = conv(csv, len, "b1", "single", flat);
    sentraj_config_init(&cfg);
    a = analyze(csv, len, &cfg, &err);
    out = report(a);
    tap_eq_str(out,
               "category,conversations,mean_first,mean_last,mean_delta,ci_low,ci_high,level,method,engine,resamples,"
               "seed,se,status,statistic\n"
               "same,2,0,0.5,0.5,0.5,0.5,0.95,percentile,index,1000,42,0,degenerate,mean\n"
               "single,1,0,0.5,0.5,,,0.95,percentile,index,1000,42,,too_few,mean\n"
               "all,3,0,0.5,0.5,0.5,0.5,0.95,percentile,index,1000,42,0,degenerate,mean\n",
               "analysis/report/degenerate-and-too-few-rows");
    free(out);
    sentraj_analysis_free(a);
}

static void test_misuse(void)
{
    sentraj_config cfg, other;
    sentraj_error err;
    sentraj_dataset *ds;
    const char *csv = HDR "a,0,human,0,x\n";
    sentraj_config_init(&cfg);
    ds = sentraj_dataset_alloc(&cfg, &err);
    sentraj_dataset_read_csv_buffer(ds, csv, strlen(csv), "t", &err);
    tap_ok(sentraj_analysis_compute(ds, &cfg, &err) == NULL && err.code == SENTRAJ_EUSAGE, "analysis/misuse/unfinished");
    sentraj_dataset_finish(ds, &err);
    other = cfg;
    other.window = 2;
    tap_ok(sentraj_analysis_compute(ds, &other, &err) == NULL && err.code == SENTRAJ_EUSAGE, "analysis/misuse/window-mismatch");
    sentraj_dataset_free(ds);
    sentraj_analysis_free(NULL);
    sentraj_dataset_free(NULL);
    sentraj_sample_free(NULL);
    tap_ok(1, "analysis/free-null-is-noop");
}

/* The data set's option and category accessors, which the reports use:
 * categories in canonical order, NULL past the end, for a conversation with
 * none and for an index out of range. */
static void test_accessors(void)
{
    static const int q[6] = {0, 0, 0, 1, 1, 1};
    char csv[4096];
    size_t len = (size_t)sprintf(csv, HDR);
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;

    len = conv(csv, len, "a", "zeta; alpha;zeta", q);
    len = conv(csv, len, "b", "", q);
    sentraj_config_init(&cfg);
    cfg.min_human = 5;
    cfg.window = 2;
    ds = sentraj_dataset_alloc(&cfg, &err);
    tap_ok(ds && sentraj_dataset_min_human(ds) == 5 && sentraj_dataset_window(ds) == 2,
           "analysis/accessors/options");
    tap_ok(sentraj_dataset_trajectory_category(ds, 0, 0) == NULL, "analysis/accessors/unfinished-is-null");
    if (!ds || sentraj_dataset_read_csv_buffer(ds, csv, len, "t.csv", &err) != SENTRAJ_OK ||
        sentraj_dataset_finish(ds, &err) != SENTRAJ_OK) {
        tap_ok(0, "analysis/accessors/read");
        sentraj_dataset_free(ds);
        return;
    }
    tap_eq_str(sentraj_dataset_trajectory_category(ds, 0, 0), "alpha", "analysis/accessors/first-category");
    tap_eq_str(sentraj_dataset_trajectory_category(ds, 0, 1), "zeta", "analysis/accessors/second-category");
    tap_ok(sentraj_dataset_trajectory_category(ds, 0, 2) == NULL, "analysis/accessors/past-the-end");
    tap_ok(sentraj_dataset_trajectory_category(ds, 0, 7) == NULL, "analysis/accessors/far-past-the-end");
    tap_ok(sentraj_dataset_trajectory_category(ds, 1, 0) == NULL, "analysis/accessors/no-category");
    tap_ok(sentraj_dataset_trajectory_category(ds, 2, 0) == NULL, "analysis/accessors/index-out-of-range");
    sentraj_dataset_free(ds);
}

int main(void)
{
    test_hand();
    test_accessors();
    test_invariance();
    test_degenerate_and_single();
    test_misuse();
    return tap_done();
}
