/* test_row_orders.c - the same rows in any order give the same bytes: grouped, reversed, interleaved and
 * shuffled orders of long conversations with labels on and off the scale's lattice, on 1, 2 and 4 threads;
 * and rows that arrive out of order are kept in 16 bytes each while reading.
 *
 * Conversations run to hundreds of messages, so that out-of-order rows fill
 * the sort's buckets past its insertion-sort size; one starts just below
 * message_index 2^32 (its rows need side entries), and numeric labels off
 * the lattice need side entries too. Blocks are a few hundred bytes, so the
 * threaded reader cuts each file into many (ds->parallel_blocks says it did). */

#include "gen.h"
#include "tap.h"

#include "data/dataset.h"
#include "io/pipeline.h"

#include <sentraj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char scratch[256];

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint32_t next_rand(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

/* A file of lines: one message row each. */
typedef struct lines {
    char **l;
    unsigned *conv; /* the conversation of each line */
    size_t n, cap;
} lines;

static void add_line(lines *ls, unsigned c, gen *g)
{
    if (ls->n == ls->cap) {
        ls->cap = ls->cap ? 2 * ls->cap : 1024;
        ls->l = realloc(ls->l, ls->cap * sizeof *ls->l);
        ls->conv = realloc(ls->conv, ls->cap * sizeof *ls->conv);
        if (!ls->l || !ls->conv)
            abort();
    }
    ls->l[ls->n] = g->buf;
    ls->conv[ls->n++] = c;
    *g = (gen){0};
}

static const char *const named[] = {"very negative", "negative", "neutral", "positive", "very positive"};
static const char *const numeric[] = {"0.1", "-0.37", "0.7071067811865476", "0.333333333333", "-1",
                                      "1e-9", "0.5", "-0.0625", "0.999"};
static const char *const cats[] = {"coaching", "counseling", "companionship", "interpersonal advice",
                                   "coaching;counseling"};

/* nconv conversations in grouped order: two in three long (200 to 800
 * rows), the others 1 to 25 rows; some start at 7 or step by 3;
 * with big, conversation 5 starts at 2^32 - 6. Labels are named, or (off_lattice)
 * numbers for every other conversation, some off the 5-point lattice. */
static lines make_rows(unsigned nconv, int off_lattice, int big)
{
    lines ls = {0};
    for (unsigned c = 0; c < nconv; c++) {
        unsigned n = c % 3 != 2 ? 200 + next_rand() % 600 : 1 + next_rand() % 25;
        uint64_t first = c == 5 && big ? 4294967290ull : c % 5 == 0 ? 7 : 0, stride = c % 4 == 0 ? 3 : 1;
        for (unsigned k = 0; k < n; k++) {
            unsigned r = next_rand();
            const char *role = r % 5 < 3 ? "human" : r % 5 == 3 ? "assistant" : "system";
            const char *lab = r % 5 >= 3        ? ""
                              : off_lattice && c % 2 ? numeric[(r >> 8) % 9]
                                                     : named[(r >> 8) % 5];
            gen g = {0};
            put(&g, "conv-%03u,%llu,%s,%s,%s\n", c, (unsigned long long)(first + k * stride), role, lab, cats[c % 5]);
            add_line(&ls, c, &g);
        }
    }
    return ls;
}

enum { GROUPED, REVERSED, INTERLEAVED, SHUFFLED };

/* The lines in order `how` (SHUFFLED + k: the k-th random shuffle), as an
 * array of pointers into ls. */
static char **order_rows(const lines *ls, int how)
{
    char **o = malloc(ls->n * sizeof *o);
    if (!o)
        abort();
    if (how == INTERLEAVED) {
        /* Round robin over the conversations, each in its own order. */
        size_t *pos = calloc(ls->n, sizeof *pos), nconv = 0, k = 0;
        size_t *start = calloc(ls->n + 1, sizeof *start);
        for (size_t i = 0; i < ls->n; i++)
            if (i == 0 || ls->conv[i] != ls->conv[i - 1])
                start[nconv++] = i;
        start[nconv] = ls->n;
        while (k < ls->n)
            for (size_t c = 0; c < nconv; c++)
                if (start[c] + pos[c] < start[c + 1])
                    o[k++] = ls->l[start[c] + pos[c]++];
        free(pos);
        free(start);
        return o;
    }
    for (size_t i = 0; i < ls->n; i++)
        o[i] = ls->l[how == REVERSED ? ls->n - 1 - i : i];
    if (how >= SHUFFLED)
        for (size_t i = ls->n - 1; i > 0; i--) {
            size_t j = next_rand() % (i + 1);
            char *t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
    return o;
}

static const char *write_rows(const char *name, char **rows, size_t n, const char *extra)
{
    static char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    f = fopen(path, "wb");
    if (!f)
        abort();
    fputs("conversation_id,message_index,role,sentiment,categories\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs(rows[i], f);
        if (extra && i == n / 3)
            fputs(extra, f);
    }
    if (fclose(f) != 0)
        abort();
    return path;
}

typedef struct outcome {
    int rc;
    sentraj_error err;
    size_t blocks;
    char *dump; /* every trajectory in hex floats, the counts and the analysis */
} outcome;

static void run(const char *path, unsigned threads, outcome *o)
{
    sentraj_config cfg;
    sentraj_dataset *ds;
    gen d = {0};

    memset(o, 0, sizeof *o);
    sentraj_config_init(&cfg);
    cfg.threads = threads;
    cfg.resamples = 200;
    ds = sentraj_dataset_alloc(&cfg, &o->err);
    o->rc = ds ? sentraj_dataset_read(ds, path, &o->err) : o->err.code;
    if (ds)
        o->blocks = ds->parallel_blocks;
    if (o->rc == SENTRAJ_OK)
        o->rc = sentraj_dataset_finish(ds, &o->err);
    if (o->rc == SENTRAJ_OK) {
        const sentraj_counts *n = sentraj_dataset_counts(ds);
        sentraj_analysis *a = sentraj_analysis_compute(ds, &cfg, &o->err);
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        put(&d, "rows %llu human %llu kept %zu\n", (unsigned long long)n->rows,
            (unsigned long long)n->human_messages, sentraj_dataset_kept(ds));
        for (size_t i = 0; i < sentraj_dataset_kept(ds); i++) {
            sentraj_trajectory t;
            sentraj_dataset_trajectory(ds, i, &t);
            put(&d, "%s\t%s\t%llu\t%a\t%a\t%a\n", t.conversation_id, t.categories,
                (unsigned long long)t.human_messages, t.mean_first, t.mean_last, t.delta);
        }
        if (a && f && sentraj_analysis_write_csv(f, "-", a, &o->err) == SENTRAJ_OK) {
            fclose(f);
            put(&d, "%s", text);
        } else {
            if (f)
                fclose(f);
            put(&d, "analysis failed\n");
        }
        free(text);
        sentraj_analysis_free(a);
        o->dump = d.buf;
    }
    sentraj_dataset_free(ds);
}

/* Every order on 1, 2 and 4 threads gives the grouped order's bytes. */
static void test_orders(const char *name, int off_lattice)
{
    static const unsigned threads[] = {1, 2, 4};
    lines ls = make_rows(60, off_lattice, off_lattice);
    outcome want, got;
    char file[64];

    run(write_rows("grouped.csv", ls.l, ls.n, NULL), 1, &want);
    unsigned long long rows = 0, human = 0;
    size_t kept = 0;
    int got3 = want.dump && sscanf(want.dump, "rows %llu human %llu kept %zu", &rows, &human, &kept) == 3;
    tap_ok(want.rc == SENTRAJ_OK && got3 && rows == ls.n && kept >= 30,
           "%s/grouped reads (%llu rows, %zu conversations kept)", name, rows, kept);
    for (int how = GROUPED; how < SHUFFLED + 5; how++) {
        char **o = order_rows(&ls, how);
        snprintf(file, sizeof file, "order%d.csv", how);
        const char *path = write_rows(file, o, ls.n, NULL);
        int same = 1, split = 1;
        for (size_t t = 0; t < 3; t++) {
            run(path, threads[t], &got);
            same &= got.rc == SENTRAJ_OK && got.dump && want.dump && strcmp(got.dump, want.dump) == 0;
            split &= threads[t] == 1 ? got.blocks == 0 : got.blocks >= 2;
            if (got.rc != SENTRAJ_OK)
                tap_diag("order %d, %u threads: %s", how, threads[t], got.err.message);
            free(got.dump);
        }
        tap_ok(same, "%s/order %d: the grouped order's bytes on 1, 2 and 4 threads", name, how);
        tap_ok(split, "%s/order %d: several threads read in blocks", name, how);
        free(o);
    }
    free(want.dump);
    for (size_t i = 0; i < ls.n; i++)
        free(ls.l[i]);
    free(ls.l);
    free(ls.conv);
}

/* A message_index given twice, in shuffled rows: the later of the two rows
 * (in reading order) is named, on every thread count. */
static void test_duplicate(void)
{
    lines ls = make_rows(30, 1, 1);
    for (int k = 0; k < 3; k++) {
        char **o = order_rows(&ls, SHUFFLED + k);
        const char *path = write_rows("dup.csv", o, ls.n, "conv-001,17,human,0.25,counseling\n");
        outcome one, par;
        int ok = 1;
        unsigned long long extra_line = ls.n / 3 + 3, orig_line = 0, later;
        for (size_t i = 0; i < ls.n; i++)
            if (strncmp(o[i], "conv-001,17,", 12) == 0)
                orig_line = i + 2 + (i > ls.n / 3);
        later = orig_line > extra_line ? orig_line : extra_line;
        run(path, 1, &one);
        for (unsigned t = 2; t <= 4; t += 2) {
            run(path, t, &par);
            ok &= par.rc == one.rc && par.err.line == one.err.line && par.err.col == one.err.col &&
                  strcmp(par.err.message, one.err.message) == 0;
            free(par.dump);
        }
        tap_ok(one.rc == SENTRAJ_EDATA && strstr(one.err.message, "duplicate message_index 17 in conversation") &&
                   one.err.line == later && orig_line && ok,
               "duplicate/shuffle %d: %s:%llu:%llu on 1, 2 and 4 threads", k, one.err.message,
               (unsigned long long)one.err.line, (unsigned long long)one.err.col);
        free(one.dump);
        free(o);
    }
    for (size_t i = 0; i < ls.n; i++)
        free(ls.l[i]);
    free(ls.l);
    free(ls.conv);
}

/* While reading shuffled rows with labels on the lattice and indexes
 * below 2^32, the out-of-order rows take 16 bytes each: their records,
 * side entries and places together. */
static void test_memory(void)
{
    lines ls = make_rows(60, 0, 0);
    char **o = order_rows(&ls, SHUFFLED);
    const char *path = write_rows("memory.csv", o, ls.n, NULL);
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    size_t bytes = 0, rows = 0, nooo = 0;

    sentraj_config_init(&cfg);
    cfg.threads = 2;
    ds = sentraj_dataset_alloc(&cfg, &err);
    if (ds && sentraj_dataset_read(ds, path, &err) == SENTRAJ_OK) {
        nooo = ds->nooo;
        rows = ds->counts.rows;
        bytes = ds->nooo * sizeof(ooo_row) + ds->nside * sizeof(ooo_side) + ds->ncps * sizeof(ooo_cp);
    }
    tap_ok(sizeof(ooo_row) == 16, "memory/an out-of-order row's record is 16 bytes");
    tap_ok(rows > 10000 && nooo > rows * 9 / 10, "memory/%zu of %zu shuffled rows arrived out of order", nooo, rows);
    tap_ok(nooo && (double)bytes / (double)nooo <= 16.01, "memory/%.3f bytes per out-of-order row",
           nooo ? (double)bytes / (double)nooo : 0.0);
    sentraj_dataset_free(ds);
    free(o);
    for (size_t i = 0; i < ls.n; i++)
        free(ls.l[i]);
    free(ls.l);
    free(ls.conv);
}

int main(void)
{
    snprintf(scratch, sizeof scratch, "%s/sentraj-ord.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(scratch))
        return 1;
    pipeline_set_block(600);
    test_orders("lattice", 0);
    test_orders("off-lattice", 1);
    test_duplicate();
    test_memory();
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
        if (system(cmd) != 0)
            tap_diag("could not remove %s", scratch);
    }
    return tap_done();
}
