/* test_parallel.c - an input read on several threads gives exactly what
 * one thread gives, whatever the order of its rows: the same conversations,
 * windows, counts, analysis and errors; and the reader's fast path for
 * plain records reads what its byte-by-byte path reads.
 *
 * pipeline_set_block makes blocks of a few hundred bytes, so files of a
 * few KB cross many block boundaries (inside quoted fields too) and every
 * case shows up. Each case also checks how the file was read
 * (ds->parallel_blocks, the blocks of the threaded reader): a test that
 * compared one thread with itself could not fail. */

#include "gen.h"
#include "tap.h"

#include "data/dataset.h"
#include "data/window.h"
#include "io/csv.h"
#include "io/pipeline.h"

#include <dirent.h>
#include <sentraj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HDR "conversation_id,message_index,role,sentiment,categories\n"

static char scratch[256];

/* What a data set read from some inputs gives. */
typedef struct outcome {
    int rc;
    sentraj_error err;
    sentraj_counts counts;
    size_t clusters;
    size_t chunks;
    char *dump; /* every trajectory, exact values in hex floats, and the analysis */
} outcome;

typedef struct spec {
    const char *inputs[4];
    const char *table;   /* a categories table read first, or NULL */
    const char *cluster; /* --cluster-by, or NULL */
    const sentraj_scale *scale; /* NULL: the 5-point scale */
    const sentraj_input_options *opt; /* NULL: the defaults, with cluster and scale above */
} spec;

static void run(const spec *sp, unsigned threads, outcome *o)
{
    sentraj_config cfg;
    sentraj_dataset *ds;
    sentraj_input_options opt;

    memset(o, 0, sizeof *o);
    sentraj_config_init(&cfg);
    cfg.threads = threads;
    ds = sentraj_dataset_alloc(&cfg, &o->err);
    if (!ds) {
        o->rc = o->err.code;
        return;
    }
    if (sp->opt) {
        opt = *sp->opt;
    } else {
        sentraj_input_options_init(&opt);
        opt.col_cluster = sp->cluster;
        opt.scale = sp->scale;
    }
    o->rc = sentraj_dataset_set_input(ds, &opt, &o->err);
    if (o->rc == SENTRAJ_OK && sp->table)
        o->rc = sentraj_dataset_read_categories(ds, sp->table, &o->err);
    for (int i = 0; i < 4 && sp->inputs[i] && o->rc == SENTRAJ_OK; i++)
        o->rc = sentraj_dataset_read(ds, sp->inputs[i], &o->err);
    o->chunks = ds->parallel_blocks;
    if (o->rc == SENTRAJ_OK)
        o->rc = sentraj_dataset_finish(ds, &o->err);
    if (o->rc == SENTRAJ_OK) {
        gen d = {0};
        o->counts = *sentraj_dataset_counts(ds);
        o->clusters = sentraj_dataset_clusters(ds);
        put(&d, "kept %zu\n", sentraj_dataset_kept(ds));
        for (size_t i = 0; i < sentraj_dataset_kept(ds); i++) {
            sentraj_trajectory t;
            sentraj_dataset_trajectory(ds, i, &t);
            put(&d, "%s\t%s\t%llu\t%a\t%a\t%a\n", t.conversation_id, t.categories,
                (unsigned long long)t.human_messages, t.mean_first, t.mean_last, t.delta);
        }
        cfg.resamples = 100;
        sentraj_analysis *a = sentraj_analysis_compute(ds, &cfg, &o->err);
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (a && f && sentraj_analysis_write_csv(f, "-", a, &o->err) == SENTRAJ_OK) {
            fclose(f);
            put(&d, "%s", text);
        } else {
            if (f)
                fclose(f);
            put(&d, "analysis failed: %s\n", o->err.message);
        }
        free(text);
        sentraj_analysis_free(a);
        o->dump = d.buf;
    }
    sentraj_dataset_free(ds);
}

/* Read sp on 1 thread and on several; everything must agree. `split` says
 * whether the several-thread reads must have used the threaded reader's
 * blocks (1), must have read on one thread (0: the input is too small), or
 * may do either (-1). */
static void same(const char *name, const spec *sp, int split)
{
    static const unsigned many[] = {2, 3, 5, 8, 16};
    outcome one, par;

    run(sp, 1, &one);
    tap_ok(one.chunks == 0, "%s/one thread reads without threads", name);
    for (size_t k = 0; k < sizeof many / sizeof many[0]; k++) {
        unsigned t = many[k];
        run(sp, t, &par);
        int ok = par.rc == one.rc && par.err.code == one.err.code && par.err.line == one.err.line &&
                 par.err.col == one.err.col && strcmp(par.err.message, one.err.message) == 0 &&
                 strcmp(par.err.source, one.err.source) == 0;
        if (!tap_ok(ok, "%s/threads %u: same status and error", name, t))
            tap_diag("1 thread: rc %d %s:%llu:%llu %s; %u threads: rc %d %s:%llu:%llu %s", one.rc, one.err.source,
                     (unsigned long long)one.err.line, (unsigned long long)one.err.col, one.err.message, t, par.rc,
                     par.err.source, (unsigned long long)par.err.line, (unsigned long long)par.err.col,
                     par.err.message);
        if (one.rc == SENTRAJ_OK) {
            tap_ok(memcmp(&par.counts, &one.counts, sizeof one.counts) == 0 && par.clusters == one.clusters,
                   "%s/threads %u: same counts", name, t);
            if (!tap_ok(par.dump && one.dump && strcmp(par.dump, one.dump) == 0, "%s/threads %u: same trajectories",
                        name, t))
                tap_diag("1 thread:\n%.400s\n%u threads:\n%.400s", one.dump ? one.dump : "", t,
                         par.dump ? par.dump : "");
        }
        if (split == 1)
            tap_ok(par.chunks >= 2, "%s/threads %u: read in %zu blocks", name, t, par.chunks);
        else if (split == 0)
            tap_ok(par.chunks == 0, "%s/threads %u: read on one thread (got %zu blocks)", name, t, par.chunks);
        free(par.dump);
    }
    free(one.dump);
}

static const char *write_file(const char *name, const char *text, size_t len)
{
    static char path[8][512];
    static int next;
    char *p = path[next++ % 8];
    FILE *f;
    snprintf(p, 512, "%s/%s", scratch, name);
    f = fopen(p, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
        abort();
    return p;
}

static const char *const labels[] = {"very negative", "negative", "neutral", "positive", "very positive"};
static const char *const cats[] = {"coaching", "counseling", "companionship", "interpersonal advice",
                                   "coaching;counseling", ""};

/* Conversation c's row k: index first + k * stride, a role, a label. */
static void row(gen *g, unsigned c, unsigned k, const char *eol, int quoted_text)
{
    unsigned first = c % 3 == 0 ? 5 : 0, stride = c % 4 == 0 ? 3 : 1;
    unsigned role = (c * 7 + k * 3) % 5;
    const char *r = role < 3 ? "human" : role == 3 ? "assistant" : "system";
    put(g, "conv-%04u,%u,%s,%s,%s", c, first + k * stride, r, role < 3 ? labels[(c + k * k) % 5] : "",
        cats[c % 6]);
    if (quoted_text)
        put(g, ",\"line one of %u/%u,\nline \"\"two\"\"\n\"", c, k);
    put(g, "%s", eol);
}

/* nconv conversations of 1..20 rows, contiguous or interleaved round-robin. */
static const char *make(const char *name, unsigned nconv, int interleave, const char *eol, int quoted_text)
{
    gen g = {0};
    unsigned *rows = malloc(nconv * sizeof *rows), left = 0, done[4096] = {0};
    const char *path;

    put(&g, quoted_text ? "conversation_id,message_index,role,sentiment,categories,text%s" :
                          "conversation_id,message_index,role,sentiment,categories%s", eol);
    for (unsigned c = 0; c < nconv; c++)
        left += rows[c] = 1 + (c * 13 + 5) % 20;
    if (!interleave) {
        for (unsigned c = 0; c < nconv; c++)
            for (unsigned k = 0; k < rows[c]; k++)
                row(&g, c, k, eol, quoted_text);
    } else {
        while (left) {
            for (unsigned c = 0; c < nconv; c++) {
                if (done[c] < rows[c]) {
                    row(&g, c, done[c]++, eol, quoted_text);
                    left--;
                }
            }
        }
    }
    path = write_file(name, g.buf, g.len);
    free(g.buf);
    free(rows);
    return path;
}

static void test_generated(void)
{
    spec sp = {{NULL}, NULL, NULL, NULL, NULL};

    sp.inputs[0] = make("contiguous.csv", 300, 0, "\n", 0);
    same("contiguous", &sp, 1);
    sp.inputs[0] = make("interleaved.csv", 300, 1, "\n", 0);
    same("interleaved", &sp, 1);
    sp.inputs[0] = make("crlf.csv", 200, 1, "\r\n", 0);
    same("crlf", &sp, 1);
    /* Line breaks inside quoted fields: blocks are cut only outside
     * quotes, so two of every three line breaks are never a cut. */
    sp.inputs[0] = make("quoted.csv", 200, 0, "\n", 1);
    same("quoted-newlines", &sp, 1);
}

/* The input options that change each row (a composite key with quoted,
 * escaped and non-ASCII parts; a role map; every row human; per-file ids)
 * on the threaded reader: the same as one thread, and the same as one
 * thread reading the equivalent plain file, written with the keys and
 * roles those options make. */
static void options_case(const char *name, const spec *sp, const spec *plain)
{
    outcome want, got;

    same(name, sp, 1);
    run(plain, 1, &want);
    run(sp, 5, &got);
    if (!tap_ok(want.rc == SENTRAJ_OK && got.rc == SENTRAJ_OK && want.dump && got.dump &&
                    strcmp(want.dump, got.dump) == 0 && got.counts.kept > 50,
                "%s: what the plain file gives (%zu kept)", name, got.counts.kept))
        tap_diag("plain:\n%.400s\noptions:\n%.400s\n(%s)", want.dump ? want.dump : want.err.message,
                 got.dump ? got.dump : got.err.message, got.err.message);
    free(want.dump);
    free(got.dump);
}

static void test_input_options(void)
{
    static const char *const speaker[] = {"Ana", "Bo", "Narr", "Zed", "\"Cy, Jr.\""};
    static const char *const role[] = {"human", "human", "system", "assistant", "assistant"};
    sentraj_input_options o, po;
    spec sp = {{NULL}, NULL, NULL, NULL, &o}, plain = {{NULL}, NULL, NULL, NULL, &po};
    gen a = {0}, b = {0}, c = {0}, d = {0};
    char prefix[2][600];

    put(&a, "show,season,scene,message_index,Speaker,sentiment,categories\n");
    put(&b, HDR);
    for (unsigned k = 0; k < 20; k++) {
        for (unsigned i = 0; i < 300; i++) {
            const char *show = i % 3 == 0 ? "\"Show, A|B\"" : i % 3 == 1 ? "caf\xc3\xa9\\x" : "plain";
            const char *key = i % 3 == 0 ? "Show, A\\|B" : i % 3 == 1 ? "caf\xc3\xa9\\\\x" : "plain";
            unsigned sk = (i + k * 7) % 5;
            if (k >= 1 + i % 20)
                continue;
            put(&a, "%s,%u,%u,%u,%s,%s,%s\n", show, i % 4, i, k, speaker[sk], labels[(i + k) % 5],
                i % 2 ? "r\xc3\xa9" "cits" : "coaching");
            put(&b, "\"%s|%u|%u\",%u,%s,%s,%s\n", key, i % 4, i, k, role[sk], labels[(i + k) % 5],
                i % 2 ? "r\xc3\xa9" "cits" : "coaching");
        }
    }
    sp.inputs[0] = write_file("opts.csv", a.buf, a.len);
    plain.inputs[0] = write_file("opts-plain.csv", b.buf, b.len);
    sentraj_input_options_init(&o);
    sentraj_input_options_init(&po);
    o.col_id = "show, season ,scene";
    o.col_role = "Speaker";
    o.speaker_roles = write_file("roles.csv", "Ana,human\nBo,human\nNarr,ignore\n*,assistant\n", 43);
    options_case("options/composite key and role map", &sp, &plain);

    /* Two inputs with the same ids, every row human, ids per file. */
    put(&c, "conversation_id,message_index,sentiment\n");
    put(&d, "conversation_id,message_index,sentiment\n");
    for (unsigned k = 0; k < 16; k++)
        for (unsigned i = 0; i < 200; i++)
            put(k % 2 ? &d : &c, "c%u,%u,%s\n", i, k / 2, labels[(i * 3 + k) % 5]);
    sp.inputs[0] = write_file("opts-1.csv", c.buf, c.len);
    sp.inputs[1] = write_file("opts-2.csv", d.buf, d.len);
    snprintf(prefix[0], sizeof prefix[0], "%s", sp.inputs[0]);
    snprintf(prefix[1], sizeof prefix[1], "%s", sp.inputs[1]);
    b.len = 0;
    put(&b, HDR);
    for (unsigned k = 0; k < 16; k++)
        for (unsigned i = 0; i < 200; i++)
            put(&b, "%s:c%u,%u,human,%s,\n", prefix[k % 2], i, k / 2, labels[(i * 3 + k) % 5]);
    plain.inputs[0] = write_file("opts-scoped-plain.csv", b.buf, b.len);
    sentraj_input_options_init(&o);
    o.all_human = 1;
    o.id_scope = SENTRAJ_ID_SCOPE_FILE;
    options_case("options/all human and ids per file", &sp, &plain);
    free(a.buf);
    free(b.buf);
    free(c.buf);
    free(d.buf);
}

/* Window slots: conversations whose first human label comes after 255
 * rows, whose last labels are more than 255 rows apart, whose labels have
 * no code that stands for them exactly (off the lattice or only near it),
 * and some out of order. Read with compact slots and
 * with every conversation in the wide table, on one thread and on several:
 * all the same. Each such conversation must also have left compact
 * storage. On the 5-point scale codes take 4 bits; on the scale of -10
 * .. 10 given as `scale_text`, 8. */
static void windows_case(const char *name, const char *scale_text, const char *const *labs,
                         const char *const *odd, int nibbles)
{
    unsigned long long st = 0x9e3779b97f4a7c15ull;
    spec sp = {{NULL}, NULL, NULL, NULL, NULL};
    sentraj_scale *scale = NULL;
    sentraj_error err;
    gen g = {0};
    outcome compact, wide;
    int wide_convs = -1, layout = 0;

    if (scale_text && !(scale = sentraj_scale_parse(scale_text, strlen(scale_text), "scale", &err))) {
        tap_ok(0, "%s: scale: %s", name, err.message);
        return;
    }
    sp.scale = scale;
    put(&g, HDR);
    for (unsigned c = 0; c < 120; c++) {
        unsigned kind = c % 6, n, r = 0;
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        n = (kind >= 1 && kind <= 4 ? 300 : 20) + (unsigned)(st >> 40) % 500;
        for (unsigned k = 0; k < n; k++) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            r = (unsigned)(st >> 33);
            /* kind 1: humans from row 253 on (the first three at rows up
             * to 255: fit), from 254 or 255 (do not); kind 2: humans at
             * rows 0, 1, 257, 258, ...: the ring's oldest label is 256 rows
             * back at row 256 (does not fit); kind 3: humans at 0, 1, 2,
             * 256, 257, 258, ...: 255 rows back at most (fits); kind 4: odd
             * labels; kind 5: two rows swapped. */
            int human = kind == 1   ? k >= 253 + (c / 6) % 3
                        : kind == 2 ? k % 257 < 2
                        : kind == 3 ? k % 256 < 3
                                    : k == 0 || r % 3 != 0;
            unsigned index = kind >= 1 && kind <= 3 ? 2 * k : kind == 5 && (k == 7 || k == 8) ? 15 - k : k;
            const char *lab = kind == 4 && (k == 0 || r % 4 == 0) ? odd[(c / 6 + r / 4) % 5] : labs[r / 7 % 5];
            put(&g, "w%03u,%u,%s,%s,coaching\n", c, index, human ? "human" : "assistant", human ? lab : "");
        }
        /* Kinds 1-3 end with a human row between two earlier ones: the
         * window labels' ordinals decide where it goes. */
        if (kind >= 1 && kind <= 3)
            put(&g, "w%03u,%u,human,%s,coaching\n", c, 2 * (r % n) + 1, labs[r % 5]);
    }
    sp.inputs[0] = write_file("windows.csv", g.buf, g.len);
    free(g.buf);
    same(name, &sp, -1);
    win_set_compact(0);
    run(&sp, 1, &wide);
    win_set_compact(1);
    run(&sp, 1, &compact);
    tap_ok(compact.rc == SENTRAJ_OK && wide.rc == SENTRAJ_OK && compact.dump && wide.dump &&
               strcmp(compact.dump, wide.dump) == 0 && compact.counts.kept > 60,
           "%s: compact slots give what wide slots give (%zu kept)", name, compact.counts.kept);
    {
        sentraj_config cfg;
        sentraj_input_options opt;
        sentraj_config_init(&cfg);
        cfg.threads = 1;
        sentraj_input_options_init(&opt);
        opt.scale = scale;
        sentraj_dataset *ds = sentraj_dataset_alloc(&cfg, &err);
        if (ds && sentraj_dataset_set_input(ds, &opt, &err) == SENTRAJ_OK &&
            sentraj_dataset_read(ds, sp.inputs[0], &err) == SENTRAJ_OK) {
            wide_convs = (int)ds->nwide;
            layout = ds->code_nibbles == nibbles;
            for (size_t c = 0; c < ds->ids.count; c++)
                if (ds->convs[c].wide != ((c % 6 == 1 && (c / 6) % 3 != 0) || c % 6 == 2 || c % 6 == 4))
                    wide_convs = -2 - (int)c;
        }
        sentraj_dataset_free(ds);
    }
    tap_ok(layout, "%s: codes take %d bits", name, nibbles ? 4 : 8);
    tap_ok(wide_convs == 53, "%s: exactly the conversations that need it left compact slots (%d)", name,
           wide_convs);
    free(compact.dump);
    free(wide.dump);
    sentraj_scale_free(scale);
}

static void test_windows(void)
{
    static const char *const odd5[] = {"0.5000000001", "0.3", "-0.25", "1e-300", "-0"};
    static const char *const labs21[] = {"low", "-7", "mid", "8", "high"};
    static const char *const odd21[] = {"0.5", "9.0000000001", "-3.25", "1e-300", "-0.5"};
    windows_case("windows", NULL, labels, odd5, 1);
    windows_case("windows-8-bit", "label,value\nlow,-10\nmid,0\nhigh,10\n", labs21, odd21, 0);
}

/* Strides of 2^30 - 1 (an ordered core) and 2^30 (more than a core's
 * stride holds: rows merged at finish), interleaved so that conversations
 * cross block boundaries. */
static void test_wide_strides(void)
{
    spec sp = {{NULL}, NULL, NULL, NULL, NULL};
    gen g = {0};
    put(&g, HDR);
    for (unsigned k = 0; k < 12; k++)
        for (unsigned c = 0; c < 150; c++)
            put(&g, "s%03u,%llu,%s,%s,coaching\n", c, (unsigned long long)k * ((1ull << 30) - 1 + c % 2),
                k % 5 == 4 ? "assistant" : "human", k % 5 == 4 ? "" : labels[(c + k) % 5]);
    sp.inputs[0] = write_file("strides.csv", g.buf, g.len);
    free(g.buf);
    same("wide-strides", &sp, -1);
}

/* Many conversations, some of them continuing across blocks; every third
 * with a label off the lattice, in the wide table. */
static void test_many(void)
{
    spec sp = {{NULL}, NULL, NULL, NULL, NULL};
    gen g = {0};
    put(&g, HDR);
    /* Conversation c's first row, then the rest of c - 2's: one row more,
     * or six more (five of them human) for every 50th, which is kept. */
    for (unsigned c = 0; c < 150002; c++) {
        if (c < 150000)
            put(&g, "m%06u,0,human,%s,coaching\n", c, c % 3 ? labels[c % 5] : "0.3");
        if (c >= 2)
            for (unsigned k = 1; k <= ((c - 2) % 50 ? 1u : 6u); k++)
                put(&g, "m%06u,%u,%s,%s,coaching\n", c - 2, k, k == 1 ? "assistant" : "human",
                    k == 1 ? "" : labels[(c + k) % 5]);
    }
    sp.inputs[0] = write_file("many.csv", g.buf, g.len);
    free(g.buf);
    same("many", &sp, 1);
    {
        outcome o;
        run(&sp, 2, &o);
        tap_ok(o.rc == SENTRAJ_OK && o.counts.conversations == 150000 && o.counts.kept == 3000,
               "many: 150000 conversations, 3000 kept");
        free(o.dump);
    }
}

/* Rows that break the message_index pattern, across or within blocks. */
static void test_patterns(void)
{
    spec sp = {{NULL}, NULL, NULL, NULL, NULL};
    gen g = {0};

    /* One conversation's rows in reverse: it is frozen, so its rows are
     * merged at finish. */
    put(&g, HDR);
    for (int k = 40; k >= 0; k--)
        put(&g, "rev,%d,human,%s,coaching\n", k, labels[k % 5]);
    for (int c = 0; c < 50; c++)
        for (int k = 0; k < 8; k++)
            put(&g, "c%d,%d,human,%s,counseling\n", c, k, labels[(c + k) % 5]);
    sp.inputs[0] = write_file("reversed.csv", g.buf, g.len);
    same("reversed", &sp, 1);

    /* A conversation whose rows continue in a later block with another
     * stride, which freezes it. */
    g.len = 0;
    put(&g, HDR);
    for (int k = 0; k < 30; k++)
        put(&g, "s,%d,human,%s,coaching\n", k < 15 ? k : 15 + 2 * (k - 15), labels[k % 5]);
    for (int c = 0; c < 40; c++)
        for (int k = 0; k < 7; k++)
            put(&g, "c%d,%d,human,%s,counseling\n", c, k, labels[(c * k) % 5]);
    sp.inputs[0] = write_file("stride.csv", g.buf, g.len);
    same("stride-change", &sp, -1);

    /* A duplicate index far from the first: the error of one thread. */
    g.len = 0;
    put(&g, HDR);
    for (int c = 0; c < 60; c++)
        for (int k = 0; k < 7; k++)
            put(&g, "c%d,%d,human,%s,counseling\n", c, k, labels[(c + 2 * k) % 5]);
    put(&g, "c3,4,human,neutral,counseling\n");
    sp.inputs[0] = write_file("duplicate.csv", g.buf, g.len);
    same("duplicate-late", &sp, 1);

    /* Categories or a cluster that change in a later block. */
    g.len = 0;
    put(&g, HDR);
    for (int k = 0; k < 200; k++)
        put(&g, "x,%d,human,%s,%s\n", k, labels[k % 5], k < 150 ? "coaching" : "counseling");
    sp.inputs[0] = write_file("categories.csv", g.buf, g.len);
    same("categories-change", &sp, 1);

    g.len = 0;
    put(&g, "conversation_id,message_index,role,sentiment,categories,user\n");
    for (int c = 0; c < 30; c++)
        for (int k = 0; k < 9; k++)
            put(&g, "c%d,%d,human,%s,coaching,u%d\n", c, k, labels[(c + k) % 5], c % 7);
    sp.inputs[0] = write_file("clusters.csv", g.buf, g.len);
    sp.cluster = "user";
    same("clusters", &sp, 1);
    g.len = 0;
    put(&g, "conversation_id,message_index,role,sentiment,categories,user\n");
    for (int k = 0; k < 200; k++)
        put(&g, "x,%d,human,%s,coaching,%s\n", k, labels[k % 5], k < 170 ? "u1" : "u2");
    sp.inputs[0] = write_file("cluster-change.csv", g.buf, g.len);
    same("cluster-change", &sp, 1);
    sp.cluster = NULL;

    /* An unknown label late in the file. */
    g.len = 0;
    put(&g, HDR);
    for (int c = 0; c < 60; c++)
        for (int k = 0; k < 7; k++)
            put(&g, "c%d,%d,human,%s,counseling\n", c, k, c == 55 && k == 3 ? "great" : labels[(c + k) % 5]);
    sp.inputs[0] = write_file("label.csv", g.buf, g.len);
    same("unknown-label-late", &sp, 1);

    /* A byte order mark, blank lines and no final line break. */
    g.len = 0;
    put(&g, "\xEF\xBB\xBF" HDR);
    for (int c = 0; c < 60; c++) {
        for (int k = 0; k < 7; k++)
            put(&g, "c%d,%d,human,%s,counseling\n", c, k, labels[(c + 3 * k) % 5]);
        if (c % 9 == 0)
            put(&g, "\n\r\n");
    }
    g.len--; /* the last line break */
    sp.inputs[0] = write_file("bom.csv", g.buf, g.len);
    same("bom-blank-lines", &sp, 1);
    free(g.buf);
}

/* Reading into a data set that already has rows or a categories table. */
static void test_nonpristine(void)
{
    spec sp = {{NULL}, NULL, NULL, NULL, NULL};
    gen g = {0};
    const char *a, *b, *b_dup, *table, *table_bad;

    put(&g, HDR);
    for (int c = 0; c < 40; c++)
        for (int k = 0; k < 4; k++)
            put(&g, "c%d,%d,human,%s,coaching\n", c, k, labels[(c + k) % 5]);
    a = write_file("a.csv", g.buf, g.len);
    /* b continues a's conversations (indexes 4..7) and starts new ones. */
    g.len = 0;
    put(&g, HDR);
    for (int c = 0; c < 60; c++)
        for (int k = 4; k < 9; k++)
            put(&g, "c%d,%d,human,%s,coaching\n", c, k, labels[(c * 3 + k) % 5]);
    b = write_file("b.csv", g.buf, g.len);
    g.len = 0;
    put(&g, HDR);
    for (int c = 0; c < 60; c++)
        for (int k = 3; k < 9; k++)
            put(&g, "c%d,%d,human,%s,coaching\n", c, k, labels[(c * 3 + k) % 5]);
    b_dup = write_file("b-dup.csv", g.buf, g.len);
    g.len = 0;
    put(&g, "conversation_id,categories\n");
    for (int c = 0; c < 60; c += 2)
        put(&g, "c%d,coaching\n", c);
    table = write_file("table.csv", g.buf, g.len);
    g.len = 0;
    put(&g, "conversation_id,categories\nc57,counseling\n");
    table_bad = write_file("table-bad.csv", g.buf, g.len);

    sp.inputs[0] = a;
    sp.inputs[1] = b;
    same("two-inputs", &sp, 1);
    sp.inputs[1] = b_dup;
    same("two-inputs-duplicate", &sp, -1);
    sp.inputs[0] = b;
    sp.inputs[1] = NULL;
    sp.table = table;
    same("categories-table", &sp, 1);
    sp.table = table_bad;
    same("categories-table-conflict", &sp, 1);
    free(g.buf);
}

/* The error reading sp on 2 threads: its line and a piece of its words. */
static void expect_error(const char *name, const spec *sp, uint64_t line, const char *words)
{
    outcome o;
    run(sp, 2, &o);
    if (!tap_ok(o.rc == SENTRAJ_EDATA && o.err.line == line && strstr(o.err.message, words),
                "%s: the error is on line %llu and says \"%s\"", name, (unsigned long long)line, words))
        tap_diag("got rc %d line %llu: %s", o.rc, (unsigned long long)o.err.line, o.err.message);
    free(o.dump);
}

/* JSONL lines in blocks: conversations whole on a line, continued on
 * other lines with message_index, in the chat-log shapes, with texts to
 * skip; then the errors that need the lines before them: a conversation
 * repeated without message_index (found when the rows are added), a syntax
 * error and a bad label far down the file. */
static void test_jsonl_blocks(void)
{
    gen g = {0};
    spec sp = {{NULL}, NULL, NULL, NULL, NULL};
    const char *good;
    size_t good_len;

    for (unsigned c = 0; c < 120; c++) {
        switch (c % 4) {
        case 0:
            put(&g, "{\"conversation_id\": \"c%u\", \"categories\": [\"%s\", \"%s\"], \"messages\": [", c, cats[c % 4],
                cats[(c + 1) % 4]);
            for (unsigned k = 0; k < 3 + c % 5; k++)
                put(&g, "%s{\"role\": \"%s\", \"content\": \"text \\\"%u\\\" \\u00e9\", \"sentiment\": \"%s\"}",
                    k ? ", " : "", k % 3 == 1 ? "assistant" : "human", k, labels[(c + k) % 5]);
            put(&g, "]}\n");
            break;
        case 1: /* a conversation of an earlier line continued */
            put(&g, "{\"conversation_id\": \"c%u\", \"categories\": [\"%s\", \"%s\"], \"messages\": [{\"role\": "
                    "\"human\", \"message_index\": %u, \"sentiment\": 0.5}, {\"role\": \"human\", \"message_index\": "
                    "%u, \"sentiment\": -1}]}\n",
                c - 1, cats[(c - 1) % 4], cats[c % 4], 20 + c % 3, 30);
            break;
        case 2:
            put(&g, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\", \"sentiment\": \"negative\"}, "
                    "{\"role\": \"assistant\", \"content\": \"...\"}, {\"role\": \"user\", \"sentiment\": 1}]}\r\n");
            break;
        default:
            put(&g, "{\"id\": %u, \"conversations\": [{\"from\": \"human\", \"value\": \"q\", \"sentiment\": "
                    "\"positive\"}, {\"from\": \"gpt\", \"value\": \"a\"}, {\"from\": \"human\", \"sentiment\": "
                    "\"neutral\"}]}\n\n",
                1000 + c);
            break;
        }
    }
    good = write_file("lines.jsonl", g.buf, g.len);
    good_len = g.len;
    sp.inputs[0] = good;
    same("jsonl-blocks", &sp, 1);
    put(&g, "{\"conversation_id\": \"c8\", \"messages\": [{\"role\": \"human\", \"sentiment\": \"neutral\"}]}\n");
    sp.inputs[0] = write_file("repeated.jsonl", g.buf, g.len);
    same("jsonl-blocks-repeated", &sp, 1);
    expect_error("jsonl-blocks-repeated", &sp, 151, "$.conversation_id: conversation \"c8\" already appeared on line 11");
    /* A line whose id is under "id", with categories the scanner joins in
     * place: the error still names the key. */
    g.len = good_len;
    put(&g, "{\"id\": 1003, \"categories\": [\"a\", \"b\"], \"conversations\": [{\"from\": \"human\", "
            "\"sentiment\": \"neutral\"}]}\n");
    sp.inputs[0] = write_file("repeated-id.jsonl", g.buf, g.len);
    same("jsonl-blocks-repeated-id", &sp, 1);
    expect_error("jsonl-blocks-repeated-id", &sp, 151, "$.id: conversation \"1003\" already appeared on line 4");
    g.len -= 3; /* "]}\n" */
    put(&g, "}\n");
    sp.inputs[0] = write_file("syntax.jsonl", g.buf, g.len);
    same("jsonl-blocks-syntax", &sp, 1);
    expect_error("jsonl-blocks-syntax", &sp, 151, "invalid JSON");
    g.len = good_len;
    put(&g, "\n{\"id\": 1001, \"messages\": [{\"role\": \"human\", \"sentiment\": \"so-so\"}]}\n");
    sp.inputs[0] = write_file("label.jsonl", g.buf, g.len);
    same("jsonl-blocks-label", &sp, 1);
    expect_error("jsonl-blocks-label", &sp, 152, "so-so");
    sp.inputs[0] = good;
    sp.inputs[1] = good; /* the same conversations again: an error naming the other input */
    same("jsonl-blocks-two-inputs", &sp, -1);
    expect_error("jsonl-blocks-two-inputs", &sp, 1, "already appeared on line 1 of");
    free(g.buf);
}

/* Every bad-input fixture: the same error, whatever the threads. */
static void test_bad_fixtures(const char *fixtures)
{
    char dir[512];
    DIR *d;
    struct dirent *e;
    int n = 0;

    snprintf(dir, sizeof dir, "%s/bad", fixtures);
    d = opendir(dir);
    if (!tap_ok(d != NULL, "bad fixtures: open %s", dir))
        return;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        char path[1024], name[300];
        spec sp = {{path}, NULL, NULL, NULL, NULL};
        if ((len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0) &&
            (len < 7 || strcmp(e->d_name + len - 6, ".jsonl") != 0))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(name, sizeof name, "bad/%s", e->d_name);
        same(name, &sp, -1);
        n++;
    }
    closedir(d);
    tap_ok(n >= 35, "bad fixtures: %d CSV and JSONL files", n);
}

/* The reader's fast path for plain records against its byte-by-byte path,
 * on random inputs made of the bytes that matter to CSV: every outcome,
 * error position and message included, must be the same. */
static void test_fast_path(void)
{
    static const char *const pieces[] = {",", "\"", "\r", "\n", "\r\n", "a", "c1", "c2", "0", "1", "2", "12",
                                         "human", "assistant", "neutral", "positive", " ", "coaching", "x;y",
                                         "very negative", "\"\"", ",,", "-1", "\t"};
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    uint64_t g = 99;
    int diffs = 0, n = 3000, ok_inputs = 0;
    gen buf = {0};

    for (int i = 0; i < n; i++) {
        spec sp = {{NULL}, NULL, NULL, NULL, NULL};
        outcome fast, slow;
        buf.len = 0;
        put(&buf, HDR);
        /* Mostly good rows, with random pieces spliced in. */
        for (int k = 0; k < 8; k++) {
            g = g * 6364136223846793005ull + 1442695040888963407ull;
            if ((g >> 60) < 12) {
                put(&buf, "c%d,%d,human,%s,coaching\n", (int)(g >> 40) % 3, k, labels[(g >> 20) % 5]);
            } else {
                int m = 1 + (int)((g >> 30) % 12);
                for (int j = 0; j < m; j++) {
                    g = g * 6364136223846793005ull + 1442695040888963407ull;
                    put(&buf, "%s", pieces[(g >> 33) % npieces]);
                }
            }
        }
        if ((g >> 20) % 4 == 0)
            put(&buf, "%c", '\0');
        sp.inputs[0] = write_file("fast.csv", buf.buf, buf.len);
        csv_set_fast_path(1);
        run(&sp, 1, &fast);
        csv_set_fast_path(0);
        run(&sp, 1, &slow);
        csv_set_fast_path(1);
        int same_out = fast.rc == slow.rc && fast.err.line == slow.err.line && fast.err.col == slow.err.col &&
                       strcmp(fast.err.message, slow.err.message) == 0 &&
                       ((!fast.dump && !slow.dump) || (fast.dump && slow.dump && strcmp(fast.dump, slow.dump) == 0));
        if (!same_out && diffs++ < 3)
            tap_diag("input %d differs: fast rc %d %llu:%llu %s; slow rc %d %llu:%llu %s", i, fast.rc,
                     (unsigned long long)fast.err.line, (unsigned long long)fast.err.col, fast.err.message, slow.rc,
                     (unsigned long long)slow.err.line, (unsigned long long)slow.err.col, slow.err.message);
        ok_inputs += fast.rc == SENTRAJ_OK;
        free(fast.dump);
        free(slow.dump);
    }
    free(buf.buf);
    tap_ok(diffs == 0, "fast path: %d random inputs (%d read without error) read the same both ways", n, ok_inputs);
}

int main(int argc, char **argv)
{
    char fixture[512];
    spec sp = {{fixture}, NULL, NULL, NULL, NULL};

    snprintf(scratch, sizeof scratch, "%s/sentraj-par.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(scratch))
        return 1;
    pipeline_set_block(400);
    test_fast_path();
    test_generated();
    test_input_options();
    test_windows();
    test_wide_strides();
    test_many();
    test_patterns();
    test_nonpristine();
    test_jsonl_blocks();
    if (argc > 1) {
        snprintf(fixture, sizeof fixture, "%s/conversations.csv", argv[1]);
        same("fixture", &sp, 1);
        test_bad_fixtures(argv[1]);
    }
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
        if (system(cmd) != 0)
            tap_diag("could not remove %s", scratch);
    }
    return tap_done();
}
