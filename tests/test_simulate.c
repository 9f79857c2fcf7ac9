/* test_simulate.c - the simulator: format, determinism, the model's shares and its exact truth. */
#include "sentraj.h"
#include "tap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Internal helpers of src/simulate.c (same prototypes as there). */
void sentraj_sim_label_pmf(double mu, double p[5]);
double sentraj_sim_expected_delta(double base, double drift, size_t h, size_t window);

#define NCAT 4
static const char *const cat_names[NCAT] = {"coaching", "companionship", "counseling", "interpersonal advice"};
static const double scale[5] = {-1.0, -0.5, 0.0, 0.5, 1.0};

/* ------------------------------------------------------------------------ */
/* Helpers: run the simulator into memory, split CSV rows, fold labels      */
/* ------------------------------------------------------------------------ */

typedef struct buf {
    char *data;
    size_t len;
} buf;

static void filter_defaults(sentraj_config *c)
{
    memset(c, 0, sizeof *c);
    c->min_human = 6;
    c->window = 3;
}

/* Simulate into memory; truth may be NULL. Returns the status. */
static int run(const sentraj_simulate_options *sim, const sentraj_config *cfg, buf *out, buf *truth,
               sentraj_error *err)
{
    FILE *f = open_memstream(&out->data, &out->len);
    FILE *t = truth ? open_memstream(&truth->data, &truth->len) : NULL;
    int rc;

    if (!f || (truth && !t)) {
        tap_diag("open_memstream failed");
        exit(1);
    }
    rc = sentraj_simulate_write_csv(f, "sim.csv", t, "truth.csv", sim, cfg, err);
    fclose(f);
    if (t)
        fclose(t);
    return rc;
}

/* Split one CSV record (without its line end) in place per RFC 4180; returns
 * the number of fields, at most max. */
static int split_row(char *s, char **field, int max)
{
    int n = 0;

    for (;;) {
        char *out = s;
        if (n < max)
            field[n] = s;
        n++;
        if (*s == '"') {
            char *in = s + 1;
            for (;;) {
                if (*in == '"' && in[1] == '"') {
                    *out++ = '"';
                    in += 2;
                } else if (*in == '"' || *in == '\0') {
                    if (*in)
                        in++;
                    break;
                } else {
                    *out++ = *in++;
                }
            }
            s = in;
        } else {
            while (*s && *s != ',')
                s++;
            out = s;
        }
        if (*s == ',') {
            *out = '\0';
            s++;
            continue;
        }
        *out = '\0';
        return n;
    }
}

/* A label's index on the scale after the reader's folding (case, spaces,
 * hyphens and underscores), or from a number; -1 when unrecognised. */
static int fold_label(const char *s)
{
    static const char *const names[5] = {"verynegative", "negative", "neutral", "positive", "verypositive"};
    char folded[64];
    size_t n = 0;
    char *end;
    double v;
    int k;

    for (; *s && n + 1 < sizeof folded; s++) {
        if (*s == ' ' || *s == '-' || *s == '_')
            continue;
        folded[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
    }
    folded[n] = '\0';
    for (k = 0; k < 5; k++)
        if (strcmp(folded, names[k]) == 0)
            return k;
    v = strtod(folded, &end);
    if (end != folded && *end == '\0')
        for (k = 0; k < 5; k++)
            if (v == scale[k])
                return k;
    return -1;
}

/* Whether s is one of the five plain lowercase label spellings. */
static int is_plain_label(const char *s)
{
    static const char *const plain[5] = {"very negative", "negative", "neutral", "positive", "very positive"};
    for (int k = 0; k < 5; k++)
        if (strcmp(s, plain[k]) == 0)
            return 1;
    return 0;
}

/* 1 for a human role, 0 for an assistant role, -1 otherwise (case-folded). */
static int fold_role(const char *s)
{
    static const char *const human[] = {"human", "user"};
    static const char *const assistant[] = {"assistant", "claude", "model", "ai", "bot"};
    char folded[32];
    size_t n = 0, k;

    for (; *s && n + 1 < sizeof folded; s++)
        folded[n++] = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
    folded[n] = '\0';
    for (k = 0; k < 2; k++)
        if (strcmp(folded, human[k]) == 0)
            return 1;
    for (k = 0; k < 5; k++)
        if (strcmp(folded, assistant[k]) == 0)
            return 0;
    return -1;
}

/* What a scan of a simulated CSV found. */
typedef struct scan {
    int ok_header, ok_fields, ok_index, ok_ids, ok_roles, ok_labels, ok_cats, ok_lf;
    unsigned long long rows, conversations, short_conv, long50, multi, variants;
    size_t max_human;
    /* kept conversations (>= min_human), per category in name order, and all */
    unsigned long long n[NCAT + 1];
    double sum[NCAT + 1], sumsq[NCAT + 1];
} scan;

/* Finish one conversation: its human labels are lab[0..h-1]. */
static void close_conversation(scan *sc, const double *lab, size_t h, const char *cats, size_t window,
                               size_t min_human)
{
    double first = 0.0, last = 0.0, d;
    int k;

    sc->conversations++;
    if (h < 6)
        sc->short_conv++;
    if (h >= 50)
        sc->long50++;
    if (h > sc->max_human)
        sc->max_human = h;
    if (strchr(cats, ';'))
        sc->multi++;
    if (h < min_human)
        return;
    for (size_t i = 0; i < window; i++) {
        first += lab[i];
        last += lab[h - window + i];
    }
    d = (last - first) / (double)window;
    for (k = 0; k < NCAT; k++) {
        const char *p = strstr(cats, cat_names[k]);
        if (p && (p == cats || p[-1] == ';')) {
            sc->n[k]++;
            sc->sum[k] += d;
            sc->sumsq[k] += d * d;
        }
    }
    sc->n[NCAT]++;
    sc->sum[NCAT] += d;
    sc->sumsq[NCAT] += d * d;
}

/* Check the format of a simulated CSV and collect its statistics. */
static void scan_csv(const buf *b, size_t window, size_t min_human, scan *sc)
{
    char *copy = malloc(b->len + 1), *line, *next;
    char prev_id[64] = "", cats[128] = "";
    double *lab = NULL;
    size_t h = 0, cap = 0;
    unsigned long long expect_index = 0;

    memset(sc, 0, sizeof *sc);
    sc->ok_header = sc->ok_fields = sc->ok_index = sc->ok_ids = sc->ok_roles = sc->ok_labels = sc->ok_cats = 1;
    sc->ok_lf = b->len > 0 && b->data[b->len - 1] == '\n' && memchr(b->data, '\r', b->len) == NULL;
    if (!copy)
        exit(1);
    memcpy(copy, b->data, b->len);
    copy[b->len] = '\0';

    line = copy;
    next = strchr(line, '\n');
    if (!next)
        exit(1);
    *next = '\0';
    sc->ok_header = strcmp(line, "conversation_id,message_index,role,sentiment,categories") == 0;
    for (line = next + 1; *line; line = next + 1) {
        char *fld[8];
        int nf, role;

        next = strchr(line, '\n');
        if (!next)
            break;
        *next = '\0';
        sc->rows++;
        nf = split_row(line, fld, 8);
        if (nf != 5) {
            sc->ok_fields = 0;
            continue;
        }
        if (strcmp(fld[0], prev_id) != 0) {
            if (prev_id[0]) {
                close_conversation(sc, lab, h, cats, window, min_human);
                if (strcmp(prev_id, fld[0]) >= 0)
                    sc->ok_ids = 0;
            }
            snprintf(prev_id, sizeof prev_id, "%s", fld[0]);
            snprintf(cats, sizeof cats, "%s", fld[4]);
            h = 0;
            expect_index = 0;
        }
        if (strtoull(fld[1], NULL, 10) != expect_index++)
            sc->ok_index = 0;
        if (strcmp(fld[4], cats) != 0)
            sc->ok_cats = 0;
        role = fold_role(fld[2]);
        if (role < 0) {
            sc->ok_roles = 0;
        } else if (role == 1) {
            int k = fold_label(fld[3]);
            if (strcmp(fld[2], "human") != 0 || !is_plain_label(fld[3]))
                sc->variants++;
            if (k < 0) {
                sc->ok_labels = 0;
                continue;
            }
            if (h == cap) {
                cap = cap ? 2 * cap : 64;
                lab = realloc(lab, cap * sizeof *lab);
                if (!lab)
                    exit(1);
            }
            lab[h++] = scale[k];
        } else if (fld[3][0] != '\0') {
            sc->ok_labels = 0; /* assistant messages carry no label */
        }
    }
    if (prev_id[0])
        close_conversation(sc, lab, h, cats, window, min_human);
    free(lab);
    free(copy);
}

/* Read a truth file into n[] and mean[] (name order, then all); returns the rows read. */
static int read_truth(const buf *b, unsigned long long *n, double *mean, int *ok_header)
{
    char *copy = malloc(b->len + 1), *line, *next;
    int rows = 0;

    if (!copy)
        exit(1);
    memcpy(copy, b->data, b->len);
    copy[b->len] = '\0';
    for (int k = 0; k <= NCAT; k++) {
        n[k] = 0;
        mean[k] = NAN;
    }
    line = copy;
    next = strchr(line, '\n');
    *next = '\0';
    *ok_header = strcmp(line, "category,conversations,true_mean_delta") == 0;
    for (line = next + 1; *line && (next = strchr(line, '\n')); line = next + 1) {
        char *fld[4];
        int k;
        *next = '\0';
        if (split_row(line, fld, 4) != 3)
            continue;
        rows++;
        for (k = 0; k < NCAT; k++)
            if (strcmp(fld[0], cat_names[k]) == 0)
                break;
        if (k == NCAT && strcmp(fld[0], "all") != 0)
            continue;
        n[k] = strtoull(fld[1], NULL, 10);
        mean[k] = strtod(fld[2], NULL);
    }
    free(copy);
    return rows;
}

/* ------------------------------------------------------------------------ */
/* Cases                                                                     */
/* ------------------------------------------------------------------------ */

/* The label distribution: a pmf on the scale whose mean is exactly mu. */
static void test_label_pmf(void)
{
    double p[5], worst_mean = 0.0, worst_sum = 0.0;
    int nonneg = 1, i;
    sentraj_pcg32 r;

    sentraj_pcg32_seed(&r, 7, 11);
    for (i = 0; i <= 120000; i++) {
        /* a fine grid of [-1, 1] including every lattice point, then random values */
        double mu = i <= 20000 ? -1.0 + (double)i / 10000.0 : 2.0 * sentraj_pcg32_uniform(&r) - 1.0;
        double sum = 0.0, mean = 0.0;
        sentraj_sim_label_pmf(mu, p);
        for (int k = 0; k < 5; k++) {
            if (!(p[k] >= 0.0))
                nonneg = 0;
            sum += p[k];
            mean += scale[k] * p[k];
        }
        if (fabs(mean - mu) > worst_mean)
            worst_mean = fabs(mean - mu);
        if (fabs(sum - 1.0) > worst_sum)
            worst_sum = fabs(sum - 1.0);
    }
    tap_ok(nonneg, "label-pmf/nonnegative");
    tap_ok(worst_sum <= 1e-12, "label-pmf/sums-to-one (worst %.3g)", worst_sum);
    tap_ok(worst_mean <= 1e-12, "label-pmf/mean-is-mu (worst %.3g)", worst_mean);

    /* Hand values: mu = 0 -> base all on neutral, noise moves 0.3 half down, half up. */
    sentraj_sim_label_pmf(0.0, p);
    tap_ok(p[0] == 0.0 && p[4] == 0.0 && fabs(p[1] - 0.15) < 1e-15 && fabs(p[2] - 0.7) < 1e-15 &&
               fabs(p[3] - 0.15) < 1e-15,
           "label-pmf/hand-mu-0");
    /* mu = -0.8 -> x = -1.6: base 0.6 on -1, 0.4 on -0.5; noise keeps -1, spreads -0.5. */
    sentraj_sim_label_pmf(-0.8, p);
    tap_ok(fabs(p[0] - (0.6 + 0.3 * 0.4 * 0.5)) < 1e-15 && fabs(p[1] - 0.7 * 0.4) < 1e-15 &&
               fabs(p[2] - 0.3 * 0.4 * 0.5) < 1e-15 && p[3] == 0.0 && p[4] == 0.0,
           "label-pmf/hand-mu-minus-0.8");
    sentraj_sim_label_pmf(-1.0, p);
    tap_ok(p[0] == 1.0 && p[1] + p[2] + p[3] + p[4] == 0.0, "label-pmf/edge-minus-1");
    sentraj_sim_label_pmf(1.0, p);
    tap_ok(p[4] == 1.0 && p[0] + p[1] + p[2] + p[3] == 0.0, "label-pmf/edge-plus-1");
}

/* The exact per-conversation estimand, against hand computation. */
static void test_expected_delta(void)
{
    /* mu_i = -0.2 + 0.04 i: first three mean -0.16, last three mean -0.04. */
    tap_near(sentraj_sim_expected_delta(-0.2, 0.2, 6, 3), 0.12, 1e-15, "expected-delta/hand-h6");
    /* no clamping: drift (h - w) / (h - 1) */
    tap_near(sentraj_sim_expected_delta(-0.5, 0.25, 51, 3), 0.25 * 48.0 / 50.0, 1e-15, "expected-delta/closed-form-h51");
    /* clamped at +1: mu = 0.9, 0.95, 1, 1, 1, 1 -> 1 - 0.95 */
    tap_near(sentraj_sim_expected_delta(0.9, 0.25, 6, 3), 0.05, 1e-15, "expected-delta/clamped");
    tap_near(sentraj_sim_expected_delta(-0.3, 0.2, 1, 1), 0.0, 0.0, "expected-delta/one-message");
}

static void test_determinism_and_format(void)
{
    sentraj_simulate_options sim;
    sentraj_config cfg;
    sentraj_error err;
    buf a = {0}, b = {0}, c = {0}, ta = {0}, tb = {0};
    scan sc;
    int rc;

    sentraj_simulate_options_init(&sim);
    tap_ok(sim.conversations == 3000 && sim.seed == 1 && sim.multi_category == 0.15 && sim.short_share == 0.55,
           "config/defaults");
    filter_defaults(&cfg);
    rc = run(&sim, &cfg, &a, &ta, &err);
    tap_ok(rc == SENTRAJ_OK, "determinism/first-run-ok");
    rc = run(&sim, &cfg, &b, &tb, &err);
    tap_ok(rc == SENTRAJ_OK && a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "determinism/same-seed-same-bytes");
    tap_ok(ta.len == tb.len && memcmp(ta.data, tb.data, ta.len) == 0, "determinism/same-seed-same-truth");
    sim.seed = 2;
    rc = run(&sim, &cfg, &c, NULL, &err);
    tap_ok(rc == SENTRAJ_OK && (a.len != c.len || memcmp(a.data, c.data, a.len) != 0),
           "determinism/other-seed-other-bytes");

    scan_csv(&a, 3, 6, &sc);
    tap_ok(sc.ok_header, "format/header");
    tap_ok(sc.ok_lf, "format/lf-line-ends");
    tap_ok(sc.ok_fields, "format/five-fields-per-row");
    tap_ok(sc.ok_index, "format/message-index-0-1-2");
    tap_ok(sc.ok_ids, "format/ids-increase-bytewise");
    tap_ok(sc.ok_roles, "format/roles-known");
    tap_ok(sc.ok_labels, "format/labels-fold-and-assistants-unlabelled");
    tap_ok(sc.ok_cats, "format/categories-constant-per-conversation");
    tap_eq_u64(sc.conversations, 3000, "format/conversation-count");
    tap_ok(strncmp(a.data + strlen("conversation_id,message_index,role,sentiment,categories\n"), "c000001,0,", 10) == 0,
           "format/first-id-padded");
    tap_ok(strstr(a.data, "\nc003000,") != NULL, "format/last-id");
    tap_ok(sc.variants > 0 && (double)sc.variants < 0.15 * (double)sc.rows, "format/some-but-few-variant-spellings");
    tap_ok(sc.multi > 300 && sc.multi < 600, "format/multi-category-share (%llu of 3000)", sc.multi);

    free(a.data);
    free(b.data);
    free(c.data);
    free(ta.data);
    free(tb.data);
}

static void test_lengths(void)
{
    sentraj_simulate_options sim;
    sentraj_config cfg;
    sentraj_error err;
    buf a = {0};
    scan sc;
    double share;

    sentraj_simulate_options_init(&sim);
    filter_defaults(&cfg);
    sim.conversations = 20000;
    sim.seed = 3;
    run(&sim, NULL, &a, NULL, &err);
    scan_csv(&a, 3, 6, &sc);
    share = (double)sc.short_conv / (double)sc.conversations;
    tap_diag("short share %.4f (target 0.55), %llu conversations with 50+ human messages, longest %zu", share,
             sc.long50, sc.max_human);
    tap_near(share, 0.55, 0.02, "lengths/short-share-0.55");
    tap_ok(sc.long50 >= 100, "lengths/long-tail (%llu with 50+)", sc.long50);
    free(a.data);
    a.data = NULL;

    sim.short_share = 0.2;
    run(&sim, NULL, &a, NULL, &err);
    scan_csv(&a, 3, 6, &sc);
    tap_near((double)sc.short_conv / (double)sc.conversations, 0.2, 0.02, "lengths/short-share-0.2");
    free(a.data);
    a.data = NULL;

    sim.conversations = 2000;
    sim.short_share = 0.0;
    sim.multi_category = 1.0;
    run(&sim, NULL, &a, NULL, &err);
    scan_csv(&a, 3, 6, &sc);
    tap_ok(sc.short_conv == 0 && sc.multi == 2000, "lengths/short-0-multi-1");
    free(a.data);
    a.data = NULL;

    sim.short_share = 1.0;
    sim.multi_category = 0.0;
    run(&sim, NULL, &a, NULL, &err);
    scan_csv(&a, 3, 6, &sc);
    tap_ok(sc.short_conv == 2000 && sc.multi == 0 && sc.max_human <= 5, "lengths/short-1-multi-0");
    free(a.data);
}

/* The empirical mean delta per category against the truth file. */
static void test_truth(void)
{
    sentraj_simulate_options sim;
    sentraj_config cfg;
    sentraj_error err;
    buf a = {0}, t = {0};
    scan sc;
    unsigned long long tn[NCAT + 1];
    double tmean[NCAT + 1];
    int ok_header, rows, k;

    sentraj_simulate_options_init(&sim);
    filter_defaults(&cfg);
    sim.conversations = 50000;
    sim.seed = 12345;
    tap_ok(run(&sim, &cfg, &a, &t, &err) == SENTRAJ_OK, "truth/run-ok");
    scan_csv(&a, 3, 6, &sc);
    rows = read_truth(&t, tn, tmean, &ok_header);
    tap_ok(ok_header, "truth/header");
    tap_ok(rows == NCAT + 1, "truth/rows-four-categories-and-all");
    tap_ok(strstr(t.data, "\ncoaching,") && strstr(t.data, "\ncompanionship,") < strstr(t.data, "\ncounseling,") &&
               strstr(t.data, "\ncounseling,") < strstr(t.data, "\ninterpersonal advice,") &&
               strstr(t.data, "\ninterpersonal advice,") < strstr(t.data, "\nall,"),
           "truth/sorted-by-name-all-last");
    for (k = 0; k <= NCAT; k++) {
        const char *name = k < NCAT ? cat_names[k] : "all";
        double n = (double)sc.n[k], mean = sc.sum[k] / n;
        double sd = sqrt((sc.sumsq[k] - n * mean * mean) / (n - 1.0)), se = sd / sqrt(n);
        char case_name[64];
        snprintf(case_name, sizeof case_name, "truth/count/%s", name);
        tap_eq_u64(tn[k], sc.n[k], case_name);
        tap_diag("%s: empirical %.5f, truth %.5f, se %.5f, z %.2f", name, mean, tmean[k], se,
                 (mean - tmean[k]) / se);
        tap_ok(fabs(mean - tmean[k]) <= 4.0 * se, "truth/within-4-se/%s", name);
    }
    free(a.data);
    free(t.data);

    /* A wider window and a higher bar change the kept set and the estimand. */
    a.data = t.data = NULL;
    cfg.min_human = 10;
    cfg.window = 5;
    sim.conversations = 20000;
    tap_ok(run(&sim, &cfg, &a, &t, &err) == SENTRAJ_OK, "truth/window-5-run-ok");
    scan_csv(&a, 5, 10, &sc);
    read_truth(&t, tn, tmean, &ok_header);
    tap_eq_u64(tn[NCAT], sc.n[NCAT], "truth/window-5-kept-count");
    {
        double n = (double)sc.n[NCAT], mean = sc.sum[NCAT] / n;
        double se = sqrt((sc.sumsq[NCAT] - n * mean * mean) / (n - 1.0)) / sqrt(n);
        tap_ok(fabs(mean - tmean[NCAT]) <= 4.0 * se, "truth/window-5-within-4-se");
    }
    free(a.data);
    free(t.data);
}

static void test_errors(void)
{
    sentraj_simulate_options sim;
    sentraj_config cfg;
    sentraj_error err;
    buf a = {0}, t = {0};
    FILE *full;
    int rc;

    filter_defaults(&cfg);

    sentraj_simulate_options_init(&sim);
    sim.conversations = 0;
    memset(&err, 0, sizeof err);
    rc = run(&sim, &cfg, &a, NULL, &err);
    tap_ok(rc == SENTRAJ_EUSAGE && err.code == SENTRAJ_EUSAGE, "errors/zero-conversations");
    tap_ok(a.len == 0, "errors/zero-conversations-writes-nothing");
    free(a.data);
    a.data = NULL;

    sentraj_simulate_options_init(&sim);
    sim.multi_category = 1.5;
    rc = run(&sim, &cfg, &a, NULL, &err);
    tap_ok(rc == SENTRAJ_EUSAGE && strstr(err.message, "multi-category") != NULL, "errors/multi-share-above-1");
    free(a.data);
    a.data = NULL;

    sentraj_simulate_options_init(&sim);
    sim.short_share = -0.01;
    rc = run(&sim, &cfg, &a, NULL, &err);
    tap_ok(rc == SENTRAJ_EUSAGE && strstr(err.message, "short") != NULL, "errors/short-share-negative");
    free(a.data);
    a.data = NULL;

    sentraj_simulate_options_init(&sim);
    sim.short_share = NAN;
    rc = run(&sim, &cfg, &a, NULL, &err);
    tap_ok(rc == SENTRAJ_EUSAGE, "errors/short-share-nan");
    free(a.data);
    a.data = NULL;

    sentraj_simulate_options_init(&sim);
    rc = run(&sim, NULL, &a, &t, &err);
    tap_ok(rc == SENTRAJ_EUSAGE, "errors/truth-without-filter");
    free(a.data);
    free(t.data);
    a.data = t.data = NULL;

    cfg.window = 0;
    rc = run(&sim, &cfg, &a, &t, &err);
    tap_ok(rc == SENTRAJ_EUSAGE, "errors/window-0");
    free(a.data);
    free(t.data);
    a.data = t.data = NULL;
    cfg.window = 4;
    cfg.min_human = 3;
    rc = run(&sim, &cfg, &a, &t, &err);
    tap_ok(rc == SENTRAJ_EUSAGE, "errors/min-human-below-window");
    free(a.data);
    free(t.data);
    a.data = t.data = NULL;
    filter_defaults(&cfg);

    /* /dev/full accepts the open and fails every write with ENOSPC. */
    full = fopen("/dev/full", "w");
    if (!full) {
        tap_skip("errors/dev-full-output", "no /dev/full");
        tap_skip("errors/dev-full-truth", "no /dev/full");
        return;
    }
    memset(&err, 0, sizeof err);
    rc = sentraj_simulate_write_csv(full, "out.csv", NULL, NULL, &sim, &cfg, &err);
    tap_ok(rc == SENTRAJ_EIO && err.code == SENTRAJ_EIO, "errors/dev-full-output");
    tap_eq_str(err.source, "out.csv", "errors/dev-full-output-source");
    tap_ok(strstr(err.message, "No space left") != NULL, "errors/dev-full-output-message (%s)", err.message);
    fclose(full);

    /* A small simulation whose CSV fits the stdio buffer: the failure must
     * still surface, at the flush. */
    full = fopen("/dev/full", "w");
    sim.conversations = 1;
    memset(&err, 0, sizeof err);
    rc = sentraj_simulate_write_csv(full, "tiny.csv", NULL, NULL, &sim, &cfg, &err);
    tap_ok(rc == SENTRAJ_EIO && strcmp(err.source, "tiny.csv") == 0, "errors/dev-full-flush");
    fclose(full);

    full = fopen("/dev/full", "w");
    {
        FILE *f = open_memstream(&a.data, &a.len);
        sim.conversations = 100;
        memset(&err, 0, sizeof err);
        rc = sentraj_simulate_write_csv(f, "out.csv", full, "truth.csv", &sim, &cfg, &err);
        tap_ok(rc == SENTRAJ_EIO && strcmp(err.source, "truth.csv") == 0, "errors/dev-full-truth");
        fclose(f);
        free(a.data);
    }
    fclose(full);

    /* Errors may be ignored. */
    sim.conversations = 0;
    tap_ok(sentraj_simulate_write_csv(stdout, "-", NULL, NULL, &sim, NULL, NULL) == SENTRAJ_EUSAGE,
           "errors/null-err-ok");
}

int main(void)
{
    test_label_pmf();
    test_expected_delta();
    test_determinism_and_format();
    test_lengths();
    test_truth();
    test_errors();
    return tap_done();
}
