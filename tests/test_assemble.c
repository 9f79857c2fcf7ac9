/* test_assemble.c - conversations from rows: windows, filters, order, scattered rows. */

#include "tap.h"

#include <sentraj.h>

#include "data/dataset.h"

#include <stdlib.h>
#include <string.h>

#define HDR "conversation_id,message_index,role,sentiment,categories\n"

static sentraj_dataset *load(const char *csv, const sentraj_config *cfg, sentraj_error *err)
{
    sentraj_dataset *ds = sentraj_dataset_alloc(cfg, err);
    if (!ds)
        return NULL;
    if (sentraj_dataset_read_csv_buffer(ds, csv, strlen(csv), "t.csv", err) != SENTRAJ_OK ||
        sentraj_dataset_finish(ds, err) != SENTRAJ_OK) {
        sentraj_dataset_free(ds);
        return NULL;
    }
    return ds;
}

/* Hand-computed windows: human labels in index order are
 *   a: -1 -0.5 0 | 0 0.5 | 0.5 1 1       (8 humans; an assistant and a
 *      system row in between must not count)
 * first three mean (-1 - 0.5 + 0)/3 = -0.5, last three (0.5 + 1 + 1)/3 = 5/6,
 * delta 4/3. With --window 2 (min 4): first -0.75, last 1, delta 1.75. */
static void test_hand_windows(void)
{
    const char *csv = HDR "a,0,human,very negative,x\n"
                          "a,1,assistant,,x\n"
                          "a,2,human,negative,x\n"
                          "a,3,system,,x\n"
                          "a,4,human,neutral,x\n"
                          "a,5,human,0,x\n"
                          "a,6,human,positive,x\n"
                          "a,7,human,0.5,x\n"
                          "a,8,human,1,x\n"
                          "a,9,tool,,x\n"
                          "a,10,human,very positive,x\n"
                          "b,0,human,positive,y\nb,1,human,positive,y\nb,2,human,positive,y\n"
                          "b,3,human,positive,y\nb,4,human,positive,y\n";
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_trajectory t;
    const sentraj_counts *c;

    sentraj_config_init(&cfg);
    ds = load(csv, &cfg, &err);
    if (!tap_ok(ds != NULL, "assemble/hand/loads"))
        return;
    c = sentraj_dataset_counts(ds);
    tap_ok(c->rows == 16 && c->human_messages == 13 && c->assistant_messages == 1 && c->ignored_messages == 2,
           "assemble/hand/role-counts");
    tap_ok(c->conversations == 2 && c->kept == 1 && c->dropped_short == 1, "assemble/hand/filter-at-6");
    sentraj_dataset_trajectory(ds, 0, &t);
    tap_eq_u64(t.human_messages, 8, "assemble/hand/humans");
    tap_near(t.mean_first, -0.5, 0, "assemble/hand/mean-first");
    tap_near(t.mean_last, 5.0 / 6, 0, "assemble/hand/mean-last");
    tap_near(t.delta, 4.0 / 3, 0, "assemble/hand/delta");
    sentraj_dataset_free(ds);

    cfg.window = 2;
    cfg.min_human = 4;
    ds = load(csv, &cfg, &err);
    if (!tap_ok(ds != NULL, "assemble/window2/loads"))
        return;
    tap_eq_u64(sentraj_dataset_kept(ds), 2, "assemble/window2/both-kept");
    sentraj_dataset_trajectory(ds, 0, &t);
    tap_near(t.mean_first, -0.75, 0, "assemble/window2/mean-first");
    tap_near(t.mean_last, 1, 0, "assemble/window2/mean-last");
    tap_near(t.delta, 1.75, 0, "assemble/window2/delta");
    sentraj_dataset_trajectory(ds, 1, &t);
    tap_near(t.delta, 0, 0, "assemble/window2/flat");
    sentraj_dataset_free(ds);
}

/* Exactly min_human humans keeps; one fewer drops. */
static void test_boundary(void)
{
    char csv[2048], *p = csv;
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    p += sprintf(p, HDR);
    for (int i = 0; i < 6; i++)
        p += sprintf(p, "six,%d,human,0,x\n", i);
    for (int i = 0; i < 5; i++)
        p += sprintf(p, "five,%d,human,0,x\nfive,%d,assistant,,x\n", 2 * i, 2 * i + 1);
    sentraj_config_init(&cfg);
    ds = load(csv, &cfg, &err);
    tap_ok(ds && sentraj_dataset_kept(ds) == 1 && sentraj_dataset_counts(ds)->dropped_short == 1,
           "assemble/boundary/6-kept-5-dropped");
    sentraj_dataset_free(ds);
}

/* Ids sort bytewise, whatever the input order. */
static void test_sorted_ids(void)
{
    char csv[4096], *p = csv;
    const char *ids[4] = {"b", "a10", "a9", "A"};
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_trajectory t;
    const char *want[4] = {"A", "a10", "a9", "b"};
    int ok = 1;

    p += sprintf(p, HDR);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 6; i++)
            p += sprintf(p, "%s,%d,human,0,x\n", ids[k], i);
    sentraj_config_init(&cfg);
    ds = load(csv, &cfg, &err);
    for (size_t i = 0; ds && i < 4; i++) {
        sentraj_dataset_trajectory(ds, i, &t);
        ok &= strcmp(t.conversation_id, want[i]) == 0;
    }
    tap_ok(ds && ok, "assemble/order/ids-bytewise");
    sentraj_dataset_free(ds);
}

/* ---- property test against a naive reference --------------------------- */

typedef struct msg {
    int conv;
    unsigned long long index;
    int human;
    int label; /* -2..2; off the lattice an index into the test's values */
} msg;

static unsigned long long rng_state = 0x853c49e6748fea9bull;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng_state >> 33) % n);
}

static int cmp_msg(const void *a, const void *b)
{
    const msg *x = a, *y = b;
    if (x->conv != y->conv)
        return x->conv - y->conv;
    return (x->index > y->index) - (x->index < y->index);
}

/* Many ids sharing 8-byte prefixes (so the comparison goes past them), some
 * a prefix of another, in shuffled order: sorted bytewise by the quicksort,
 * by the heapsort it falls back to, and by a mix of the two. */
static void test_sort_many(void)
{
    enum { N = 3000 };
    static const int depths[] = {-1, 0, 1, 3};
    char (*ids)[24] = malloc(N * sizeof *ids), *csv = malloc((size_t)N * 6 * 48), *p = csv;
    int *order = malloc(N * sizeof *order);
    sentraj_config cfg;
    sentraj_error err;

    for (int i = 0; i < N; i++) {
        /* "conversa" and i in base 4 (digits a-d, no leading a): every id
         * shares the first 8 bytes, and "conversab" is a prefix of "conversaba". */
        char tail[16];
        int len = 0;
        for (int v = i; v > 0; v /= 4)
            tail[len++] = (char)('a' + v % 4);
        strcpy(ids[i], "conversa");
        for (int c = 0; c < len; c++)
            ids[i][8 + c] = tail[len - 1 - c];
        ids[i][8 + len] = 0;
        order[i] = i;
    }
    for (int i = N - 1; i > 0; i--) {
        int j = (int)rnd((unsigned)i + 1), t = order[i];
        order[i] = order[j], order[j] = t;
    }
    p += sprintf(p, HDR);
    for (int i = 0; i < N; i++)
        for (int m = 0; m < 6; m++)
            p += sprintf(p, "%s,%d,human,0,x\n", ids[order[i]], m);
    sentraj_config_init(&cfg);
    for (size_t d = 0; d < sizeof depths / sizeof *depths; d++) {
        sentraj_dataset *ds;
        size_t kept = 0;
        int ok;

        dataset_set_sort_depth(depths[d]);
        ds = load(csv, &cfg, &err);
        ok = ds != NULL;
        if (ds)
            kept = sentraj_dataset_kept(ds);
        for (size_t i = 1; ok && i < kept; i++) {
            sentraj_trajectory a, b;
            sentraj_dataset_trajectory(ds, i - 1, &a);
            sentraj_dataset_trajectory(ds, i, &b);
            ok = strcmp(a.conversation_id, b.conversation_id) < 0;
        }
        if (depths[d] < 0)
            tap_ok(ok && kept == N, "assemble/order/many-ids-sorted");
        else
            tap_ok(ok && kept == N, "assemble/order/many-ids-sorted-heapsort-after-%d-levels", depths[d]);
        sentraj_dataset_free(ds);
    }
    dataset_set_sort_depth(-1);
    free(ids);
    free(csv);
    free(order);
}

/* Random conversations with irregular strides, written in one of several
 * orders (ordered, reversed, shuffled, partly shuffled); the assembler's
 * windows must equal those of a plain sort of all rows. With off_lattice
 * the labels are numbers off the half-point lattice (0.1, 1/3, ...), whose
 * double sums depend on their order: the window means must still be
 * bit-identical to sums taken in message order, whatever the row order. */
static void property_rounds(int off_lattice, int rounds)
{
    static const char *const labels[5] = {"very negative", "negative", "neutral", "positive", "very positive"};
    static const char *const offl[8] = {"0", "0.1", "0.4", "-0.3", "0.7", "0.3333333333333333", "-1", "0.2"};
    double offv[8];
    int all_ok = 1;
    for (int i = 0; i < 8; i++)
        offv[i] = strtod(offl[i], NULL);
    for (int round = 0; round < rounds; round++) {
        int nconv = 1 + (int)rnd(30);
        size_t n = 0, cap = 4096;
        msg *m = malloc(cap * sizeof *m);
        char *csv;
        size_t len = 0;
        sentraj_config cfg;
        sentraj_error err;
        sentraj_dataset *ds;
        int ok = 1, order = round % 4;

        for (int c = 0; c < nconv; c++) {
            int rows = (int)rnd(20);
            unsigned long long idx = rnd(3);
            unsigned stride_kind = rnd(3); /* 0: 1,2,3..; 1: every other; 2: irregular */
            for (int r = 0; r < rows; r++) {
                if (n == cap)
                    m = realloc(m, (cap *= 2) * sizeof *m);
                m[n++] = (msg){c, idx, rnd(3) != 0, off_lattice ? (int)rnd(8) : (int)rnd(5) - 2};
                idx += stride_kind == 0 ? 1 : stride_kind == 1 ? 2 : 1 + rnd(4);
            }
        }
        /* Write in the chosen order. */
        if (order == 1) {
            for (size_t i = 0; i < n / 2; i++) {
                msg t = m[i];
                m[i] = m[n - 1 - i];
                m[n - 1 - i] = t;
            }
        } else if (order >= 2) {
            size_t span = order == 2 ? n : 4;
            for (size_t i = 0; i + 1 < n; i++) {
                size_t lim = n - i < span ? n - i : span;
                size_t j = i + rnd((unsigned)lim);
                msg t = m[i];
                m[i] = m[j];
                m[j] = t;
            }
        }
        csv = malloc(n * 64 + 128);
        len += (size_t)sprintf(csv, HDR);
        for (size_t i = 0; i < n; i++)
            len += (size_t)sprintf(csv + len, "c%03d,%llu,%s,%s,cat%d\n", m[i].conv, m[i].index,
                                   m[i].human ? "human" : "assistant",
                                   !m[i].human ? "" : off_lattice ? offl[m[i].label] : labels[m[i].label + 2],
                                   m[i].conv % 3);
        sentraj_config_init(&cfg);
        ds = load(csv, &cfg, &err);
        if (!ds) {
            tap_diag("round %d: %s line %llu", round, err.message, (unsigned long long)err.line);
            ok = 0;
        }
        /* Reference: sort all rows, then per conversation take windows. */
        qsort(m, n, sizeof *m, cmp_msg);
        size_t k = 0;
        for (size_t i = 0; ok && i < n;) {
            size_t j = i;
            int h = 0, labs[64];
            while (j < n && m[j].conv == m[i].conv) {
                if (m[j].human && h < 64)
                    labs[h] = m[j].label;
                h += m[j].human;
                j++;
            }
            if (h >= 6) {
                sentraj_trajectory t;
                double want_first, want_last;
                if (off_lattice) {
                    double f = 0, l = 0;
                    for (int q = 0; q < 3; q++)
                        f += offv[labs[q]], l += offv[labs[h - 3 + q]];
                    want_first = f / 3, want_last = l / 3;
                } else {
                    int first = 0, last = 0;
                    for (int q = 0; q < 3; q++)
                        first += labs[q], last += labs[h - 1 - q];
                    want_first = first * 0.5 / 3, want_last = last * 0.5 / 3;
                }
                sentraj_dataset_trajectory(ds, k++, &t);
                ok &= atoi(t.conversation_id + 1) == m[i].conv && (int)t.human_messages == h &&
                      t.mean_first == want_first && t.mean_last == want_last;
            }
            i = j;
        }
        ok &= ds && k == sentraj_dataset_kept(ds);
        if (!ok)
            tap_diag("property round %d (order %d) differs from the reference", round, order);
        all_ok &= ok;
        sentraj_dataset_free(ds);
        free(csv);
        free(m);
    }
    tap_ok(all_ok, "assemble/property/%d-random-data-sets-any-row-order%s", rounds,
           off_lattice ? "-labels-off-the-lattice" : "");
}

static void test_property(void)
{
    property_rounds(0, 40);
    property_rounds(1, 80);
}

/* Labels 0 0 0 0 0.1 0.1 0.4: the last window's double sum is 0.1 + 0.1 +
 * 0.4 = 0.6000000000000001 in message order (0.4 + 0.1 + 0.1 would give
 * 0.6), so mean_last is 0.20000000000000004 whether the rows come in
 * order, reversed or interleaved with another conversation's. */
static void test_off_lattice_order(void)
{
    static const char *const lab[7] = {"0", "0", "0", "0", "0.1", "0.1", "0.4"};
    static const int orders[3][7] = {{0, 1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1, 0}, {4, 0, 6, 2, 5, 1, 3}};
    for (int o = 0; o < 3; o++) {
        char csv[1024], *p = csv + sprintf(csv, HDR);
        sentraj_config cfg;
        sentraj_error err;
        sentraj_dataset *ds;
        sentraj_trajectory t;
        for (int i = 0; i < 7; i++)
            p += sprintf(p, "a,%d,human,%s,x\nb,%d,human,0,x\n", orders[o][i], lab[orders[o][i]], i);
        sentraj_config_init(&cfg);
        ds = load(csv, &cfg, &err);
        if (!tap_ok(ds != NULL, "assemble/off-lattice-order/%d/loads", o))
            continue;
        sentraj_dataset_trajectory(ds, 0, &t);
        tap_ok(t.mean_last == 0.6000000000000001 / 3 && t.mean_last == 0.20000000000000004,
               "assemble/off-lattice-order/%d/mean-last-summed-in-message-order (%.17g)", o, t.mean_last);
        sentraj_dataset_free(ds);
    }
}

/* Rows of one conversation spread over two inputs form one conversation. */
static void test_two_inputs(void)
{
    const char *a = HDR "x,0,human,0,c\nx,1,human,0,c\nx,2,human,0,c\n";
    const char *b = "role,conversation_id,message_index,sentiment,categories\nhuman,x,5,1,c\nhuman,x,4,1,c\nhuman,x,3,1,c\n";
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_trajectory t;
    sentraj_config_init(&cfg);
    ds = sentraj_dataset_alloc(&cfg, &err);
    sentraj_dataset_read_csv_buffer(ds, a, strlen(a), "a.csv", &err);
    sentraj_dataset_read_csv_buffer(ds, b, strlen(b), "b.csv", &err);
    tap_ok(sentraj_dataset_finish(ds, &err) == SENTRAJ_OK && sentraj_dataset_kept(ds) == 1, "assemble/two-inputs/one-conversation");
    sentraj_dataset_trajectory(ds, 0, &t);
    tap_near(t.delta, 1, 0, "assemble/two-inputs/delta");
    sentraj_dataset_free(ds);

    /* A duplicate across files names the later file. */
    ds = sentraj_dataset_alloc(&cfg, &err);
    sentraj_dataset_read_csv_buffer(ds, a, strlen(a), "a.csv", &err);
    tap_ok(sentraj_dataset_read_csv_buffer(ds, a, strlen(a), "again.csv", &err) == SENTRAJ_EDATA &&
               strcmp(err.source, "again.csv") == 0 && err.line == 2,
           "assemble/two-inputs/duplicate-names-later-file");
    tap_ok(sentraj_dataset_finish(ds, &err) == SENTRAJ_EUSAGE, "assemble/failed-data-set-cannot-finish");
    sentraj_dataset_free(ds);
}

/* Numeric labels off the half-point lattice are kept as doubles. */
static void test_off_lattice(void)
{
    const char *csv = HDR "a,0,human,0.1,x\na,1,human,0.2,x\na,2,human,0.3,x\na,3,human,0.4,x\na,4,human,0.5,x\n"
                          "a,5,human,0.6,x\n";
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_trajectory t;
    sentraj_config_init(&cfg);
    ds = load(csv, &cfg, &err);
    if (!tap_ok(ds != NULL, "assemble/off-lattice/loads"))
        return;
    sentraj_dataset_trajectory(ds, 0, &t);
    tap_near(t.mean_first, 0.2, 1e-15, "assemble/off-lattice/mean-first");
    tap_near(t.delta, 0.3, 1e-15, "assemble/off-lattice/delta");
    sentraj_dataset_free(ds);
}

/* Message indexes 2^30 - 1 apart keep an ordered core; 2^30 apart are more
 * than a core's stride holds, so the rows are merged at finish: the same
 * windows and the same duplicate error either way. Labels in index order
 * are -1 -0.5 0 0.5 1 1 (delta (2.5 - (-1.5)) / 3 = 4/3). */
static void test_wide_strides(void)
{
    static const char *const lab[6] = {"-1", "-0.5", "0", "0.5", "1", "1"};
    static const unsigned long long stride[2] = {(1ull << 30) - 1, 1ull << 30};
    char csv[4096], *p;
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_config_init(&cfg);
    for (int k = 0; k < 2; k++) {
        sentraj_trajectory t;
        int ok;
        p = csv + sprintf(csv, HDR);
        for (int i = 0; i < 6; i++)
            p += sprintf(p, "s,%llu,human,%s,x\n", 5 + (unsigned long long)i * stride[k], lab[i]);
        ds = load(csv, &cfg, &err);
        ok = ds && sentraj_dataset_kept(ds) == 1;
        if (ok) {
            sentraj_dataset_trajectory(ds, 0, &t);
            ok = t.human_messages == 6 && t.mean_first == -0.5 && t.mean_last == 2.5 / 3 && t.delta == 4.0 / 3;
        }
        tap_ok(ok, "assemble/stride-%llu/windows", stride[k]);
        sentraj_dataset_free(ds);
        sprintf(p, "s,%llu,assistant,,x\n", 5 + stride[k]);
        ds = load(csv, &cfg, &err);
        tap_ok(!ds && err.code == SENTRAJ_EDATA && err.line == 8 && strstr(err.message, "duplicate message_index"),
               "assemble/stride-%llu/duplicate-found: %s line %llu", stride[k], err.message,
               (unsigned long long)err.line);
        sentraj_dataset_free(ds);
    }
}

int main(void)
{
    test_hand_windows();
    test_boundary();
    test_sorted_ids();
    test_sort_many();
    test_property();
    test_two_inputs();
    test_off_lattice();
    test_off_lattice_order();
    test_wide_strides();
    return tap_done();
}
