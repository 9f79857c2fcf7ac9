/* test_hash.c - the tables' keyed hash: SipHash-1-3's published values, work
 * that stays linear under ids crafted to collide, and outputs that do not
 * depend on the key. */

#include "tap.h"

#include <sentraj.h>

#include "data/intern.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- SipHash-1-3 --------------------------------------------------------------- */

/* Key 0, message bytes 0, 1, ..., len - 1: the values of the reference
 * implementation (github.com/veorq/SipHash built with cROUNDS 1, dROUNDS 3),
 * as OCaml's test suite lists them (testsuite/tests/hashing/sip13.ml). */
static void test_vectors(void)
{
    static const struct {
        size_t len;
        uint64_t h;
    } v[] = {{0, 0xd1fba762150c532cull},  {1, 0x68a914128e01e473ull},  {2, 0x010bac45c41e3669ull},
             {3, 0x4d4c9a4a8ef6e0adull},  {4, 0x7cc43f98813e4dbdull},  {5, 0x5abe2169dff36275ull},
             {6, 0xe3c25f87624f1cdbull},  {7, 0x2f098ab0c751325aull},  {8, 0xead411e67ebe2eeaull},
             {9, 0x75927f9d95124362ull},  {10, 0xaf9f77a65ab51a1dull}, {11, 0xfe64ce8b6617fcffull},
             {12, 0xa6baf4fb0f9fe1c2ull}, {13, 0xa0cf3211850f8e0dull}, {14, 0x7f86049379fbfe67ull},
             {15, 0xf30eb725bb91c9eaull}, {16, 0x8972188433a5c5b7ull}, {17, 0x4883c49a2c009c1dull},
             {18, 0xadc2c0b63044067dull}, {19, 0x091f4a3329f87d19ull}, {20, 0x639e355ae68c0100ull},
             {21, 0xb17bef2cb5213239ull}, {22, 0xf8aeb1066236ccfeull}};
    char msg[32];
    int ok = 1;

    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (char)i;
    intern_set_hash_key(0, 0);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint64_t h = intern_hash(msg, v[i].len);
        if (h != v[i].h) {
            tap_diag("length %zu: got %016llx, want %016llx", v[i].len, (unsigned long long)h,
                     (unsigned long long)v[i].h);
            ok = 0;
        }
    }
    tap_ok(ok, "hash/siphash-1-3/reference-values");
    intern_set_hash_key(1, 2);
    tap_ok(intern_hash(msg, 8) != v[8].h, "hash/siphash-1-3/another-key-another-value");
}

/* ---- collisions crafted for the hash the tables had before ----------------------- */

/* The former table hash: a fixed start, then per 8-byte word h = (h ^ w) *
 * C; h ^= h >> 29, and a fixed finaliser. Every step can be undone, so
 * anyone can write strings that share all 64 bits. */
#define OLD_C 0xff51afd7ed558ccdull
static uint64_t old_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * OLD_C;
    return h ^ h >> 29;
}

static uint64_t old_hash(const char *s, size_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)len, w;
    for (; len >= 8; s += 8, len -= 8) {
        memcpy(&w, s, 8);
        h = old_step(h, w);
    }
    if (len) {
        w = 0;
        for (size_t i = 0; i < len; i++)
            w |= (uint64_t)(unsigned char)s[i] << (8 * i);
        h = old_step(h, w);
    }
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* The x with old_step(0, x) == y: undo the shift, then the multiply (by
 * C's inverse modulo 2^64, from Newton's iteration). */
static uint64_t old_unstep(uint64_t y)
{
    uint64_t inv = OLD_C;
    for (int i = 0; i < 6; i++)
        inv *= 2 - OLD_C * inv;
    y ^= y >> 29 ^ y >> 58;
    return y * inv;
}

static uint64_t mix(uint64_t *st)
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15ull);
    z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ z >> 27) * 0x94d049bb133111ebull;
    return z ^ z >> 31;
}

/* Byte strings of 16 bytes whose old hash is all the same: a free first
 * word, and the second word that brings the state to one fixed value. When
 * csv_safe is set no byte is one a CSV field would need quoting for (NUL,
 * comma, quote, CR, LF) or that the categories field splits or trims at
 (';', blanks). Writes n strings of 16 bytes to out. */
static void craft(char *out, size_t n, int csv_safe, uint64_t seed)
{
    const uint64_t target = 0x0123456789abcdefull, h0 = 0x9e3779b97f4a7c15ull ^ 16;
    uint64_t st = seed;
    for (size_t i = 0; i < n;) {
        uint64_t w1 = mix(&st), w2 = old_step(h0, w1) ^ old_unstep(target);
        char s[16];
        int ok = 1;
        memcpy(s, &w1, 8);
        memcpy(s + 8, &w2, 8);
        for (int k = 0; k < 16 && csv_safe; k++)
            ok &= s[k] != 0 && !strchr(",\";\r\n \t", s[k]);
        if (ok)
            memcpy(out + 16 * i++, s, 16);
    }
}

/* Interning 20 000 strings that the old hash sends to one slot: with the
 * keyed hash the slots looked at stay a small multiple of the strings (the
 * old hash would look at about n^2 / 2 = 2e8). */
static void test_flood_table(void)
{
    enum { N = 20000 };
    char *s = malloc(16 * N);
    intern t;
    uint64_t h = 0, before;
    int same = 1, ids = 1, added;

    craft(s, N, 0, 1);
    h = old_hash(s, 16);
    for (size_t i = 1; i < N; i++)
        same &= old_hash(s + 16 * i, 16) == h;
    tap_ok(same, "hash/flood/%d crafted strings share one 64-bit value of the old hash", N);
    intern_init(&t);
    before = intern_probes();
    for (size_t i = 0; i < N; i++)
        ids &= intern_get(&t, s + 16 * i, 16, intern_hash(s + 16 * i, 16), &added) == (int64_t)i && added;
    for (size_t i = 0; i < N; i++)
        ids &= intern_find(&t, s + 16 * i, 16, intern_hash(s + 16 * i, 16)) == (int64_t)i;
    uint64_t probes = intern_probes() - before;
    tap_ok(ids, "hash/flood/every crafted string gets its own id and is found again");
    if (!tap_ok(probes <= 16ull * N, "hash/flood/table: %llu slots looked at for %d insertions and lookups",
                (unsigned long long)probes, 2 * N))
        tap_diag("bound %llu", 16ull * N);
    intern_free(&t);
    free(s);
}

/* The same through the reader: 20 000 one-row conversations with crafted
 * ids, and 2 000 crafted category names, read as CSV. The work counted
 * over the whole read and finish stays linear in the rows. */
static void test_flood_reader(void)
{
    enum { N = 20000, NC = 2000 };
    char *ids = malloc(16 * N), *cats = malloc(16 * NC);
    size_t cap = (size_t)N * 64 + 64, len = 0;
    char *csv = malloc(cap);
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    uint64_t before;
    int ok;

    craft(ids, N, 1, 2);
    craft(cats, NC, 1, 3);
    len += (size_t)sprintf(csv, "conversation_id,message_index,role,sentiment,categories\n");
    for (size_t i = 0; i < N; i++) {
        memcpy(csv + len, ids + 16 * i, 16);
        len += 16;
        len += (size_t)sprintf(csv + len, ",0,human,neutral,");
        memcpy(csv + len, cats + 16 * (i % NC), 16);
        len += 16;
        csv[len++] = '\n';
    }
    sentraj_config_init(&cfg);
    cfg.threads = 1;
    ds = sentraj_dataset_alloc(&cfg, &err);
    before = intern_probes();
    ok = ds && sentraj_dataset_read_csv_buffer(ds, csv, len, "flood.csv", &err) == SENTRAJ_OK &&
         sentraj_dataset_finish(ds, &err) == SENTRAJ_OK;
    uint64_t probes = intern_probes() - before;
    tap_ok(ok && sentraj_dataset_counts(ds)->conversations == N && sentraj_dataset_counts(ds)->categories == NC,
           "hash/flood/reader: %d conversations and %d categories read", N, NC);
    tap_ok(probes <= 40ull * N, "hash/flood/reader: %llu slots looked at for %d rows", (unsigned long long)probes, N);
    sentraj_dataset_free(ds);
    free(csv);
    free(ids);
    free(cats);
}

/* ---- outputs do not depend on the key -------------------------------------------------- */

typedef struct text {
    char *s;
    size_t len;
} text;

static void put(text *t, const char *s, size_t n)
{
    t->s = realloc(t->s, t->len + n + 1);
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

/* Every output of one data set appended to out: analyze (CSV and JSON),
 * deltas, the summary, and positions when ds kept its labels; or the error. */
static void outputs(const char *label, sentraj_dataset *ds, int rc, const sentraj_error *e, text *out)
{
    sentraj_config cfg;
    sentraj_error err;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);

    fprintf(f, "== %s\n", label);
    if (rc != SENTRAJ_OK) {
        fprintf(f, "error %d %s:%llu:%llu %s\n", e->code, e->source, (unsigned long long)e->line,
                (unsigned long long)e->col, e->message);
    } else {
        sentraj_config_init(&cfg);
        cfg.resamples = 200;
        sentraj_analysis *a = sentraj_analysis_compute(ds, &cfg, &err);
        if (a) {
            sentraj_analysis_write_csv(f, "-", a, &err);
            sentraj_analysis_write_json(f, "-", a, NULL, &err);
        }
        sentraj_analysis_free(a);
        sentraj_deltas_write_csv(f, "-", ds, &err);
        sentraj_summary *s = sentraj_summary_compute(ds, NULL, &err);
        if (s)
            sentraj_summary_write_csv(f, "-", s, &err);
        sentraj_summary_free(s);
        sentraj_positions_options po;
        sentraj_positions_options_init(&po);
        sentraj_positions *p = sentraj_positions_compute(ds, &cfg, &po, &err);
        if (p)
            sentraj_positions_write_csv(f, "-", p, &err);
        sentraj_positions_free(p);
    }
    fclose(f);
    put(out, buf, n);
    free(buf);
}

/* One input read (and finished) with the given options, its outputs
 * appended to out. */
static void run_one(const char *label, const char *path, const char *categories, const char *cluster, int keep,
                    unsigned threads, text *out)
{
    sentraj_config cfg;
    sentraj_input_options o;
    sentraj_error err;
    sentraj_dataset *ds;
    int rc;

    sentraj_config_init(&cfg);
    cfg.threads = threads;
    ds = sentraj_dataset_alloc(&cfg, &err);
    sentraj_input_options_init(&o);
    o.col_cluster = cluster;
    o.keep_labels = keep;
    rc = sentraj_dataset_set_input(ds, &o, &err);
    if (rc == SENTRAJ_OK && categories)
        rc = sentraj_dataset_read_categories(ds, categories, &err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_read(ds, path, &err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_finish(ds, &err);
    outputs(label, ds, rc, &err, out);
    sentraj_dataset_free(ds);
}

/* Write text to dir/name; returns the path (static buffer rotation). */
static const char *file_in(const char *dir, const char *name, const char *body, size_t len)
{
    static char paths[8][512];
    static int k;
    char *p = paths[k++ % 8];
    FILE *f;
    snprintf(p, 512, "%s/%s", dir, name);
    f = fopen(p, "wb");
    fwrite(body, 1, len, f);
    fclose(f);
    return p;
}

/* Inputs that reach every table (ids, categories, sets, clusters, a
 * categories table, JSONL, ConvoKit utterance ids) and a few errors found
 * through them, all run under one key. */
static text run_all(const char *fixtures, const char *dir)
{
    char path[512], *csv;
    size_t n = 0;
    text out = {0};
    FILE *f;

    /* The bundled fixture with its rows reversed, so every conversation is
     * looked up again on each row. */
    snprintf(path, sizeof path, "%s/conversations.csv", fixtures);
    f = fopen(path, "rb");
    {
        char *all = NULL, line[4096];
        size_t cap = 0, nl = 0;
        char **lines = NULL;
        while (fgets(line, sizeof line, f)) {
            if (nl == cap)
                lines = realloc(lines, (cap = cap ? 2 * cap : 1024) * sizeof *lines);
            lines[nl++] = strdup(line);
        }
        fclose(f);
        for (size_t i = 0; i < nl; i++)
            n += strlen(lines[i]);
        all = malloc(n + 1);
        n = 0;
        for (size_t i = 0; i < nl; i++) {
            const char *l = lines[i == 0 ? 0 : nl - i];
            memcpy(all + n, l, strlen(l));
            n += strlen(l);
        }
        for (size_t i = 0; i < nl; i++)
            free(lines[i]);
        free(lines);
        csv = all;
    }
    const char *rev = file_in(dir, "reversed.csv", csv, n);
    run_one("fixture reversed", rev, NULL, NULL, 0, 1, &out);
    run_one("fixture reversed, positions", rev, NULL, NULL, 1, 1, &out);
    free(csv);

    const char *clus = "conversation_id,message_index,role,sentiment,categories,user\n"
                       "b,0,human,-1,x;y,u2\na,0,human,1,y,u1\nb,1,human,0,x;y,u2\na,1,human,0.5,y,u1\n"
                       "c,0,human,0,x,u1\nb,2,human,1,x;y,u2\na,2,human,0,y,u1\nc,1,human,0,x,u1\n"
                       "b,3,human,1,x;y,u2\na,3,human,0,y,u1\nc,2,human,1,x,u1\nb,4,human,0,x;y,u2\n"
                       "a,4,human,1,y,u1\nc,3,human,-0.5,x,u1\nb,5,human,0,x;y,u2\na,5,human,-1,y,u1\n"
                       "c,4,human,0,x,u1\nc,5,human,0.5,x,u1\nd,0,human,0,z,u3\n";
    run_one("clusters", file_in(dir, "clusters.csv", clus, strlen(clus)), NULL, "user", 0, 1, &out);
    const char *table = "conversation_id,categories\nb,x;y\nc,x\nq,unused\n";
    const char *nocats = "conversation_id,message_index,role,sentiment\n"
                         "b,0,human,-1\nc,0,human,0\nb,1,human,0\nc,1,human,1\nb,2,human,1\nc,2,human,0\n"
                         "b,3,human,1\nc,3,human,0\nb,4,human,0\nc,4,human,1\nb,5,human,0\nc,5,human,-1\n";
    run_one("categories table", file_in(dir, "nocats.csv", nocats, strlen(nocats)),
            file_in(dir, "table.csv", table, strlen(table)), NULL, 0, 1, &out);
    snprintf(path, sizeof path, "%s/jsonl/mixed.jsonl", fixtures);
    run_one("jsonl", path, NULL, NULL, 0, 1, &out);
    snprintf(path, sizeof path, "%s/convokit/small", fixtures);
    run_one("convokit", path, NULL, NULL, 0, 1, &out);
    const char *dup = "conversation_id,message_index,role,sentiment,categories\n"
                      "p,3,human,0,x\nq,2,human,0,x\np,1,human,0,x\nq,0,human,0,x\np,3,assistant,,x\n"
                      "q,2,human,0,x\n";
    run_one("duplicates", file_in(dir, "dup.csv", dup, strlen(dup)), NULL, NULL, 0, 1, &out);
    const char *differ = "conversation_id,message_index,role,sentiment,categories\n"
                         "p,3,human,0,x\nq,2,human,0,y\np,1,human,0,x\nq,0,human,0,z\n";
    run_one("categories differ", file_in(dir, "differ.csv", differ, strlen(differ)), NULL, NULL, 0, 1, &out);
    return out;
}

static void test_key_independence(const char *fixtures)
{
    char dir[] = "/tmp/sentraj-hash.XXXXXX";
    text a, b;

    if (!mkdtemp(dir)) {
        tap_ok(0, "hash/key/scratch directory");
        return;
    }
    intern_set_hash_key(0x0123456789abcdefull, 0xfedcba9876543210ull);
    a = run_all(fixtures, dir);
    intern_set_hash_key(0xdeadbeefcafef00dull, 0x5555aaaa5555aaaaull);
    b = run_all(fixtures, dir);
    tap_ok(a.len > 10000 && strstr(a.s, "duplicate message_index") && strstr(a.s, "differ from"),
           "hash/key/outputs and errors were written (%zu bytes)", a.len);
    if (!tap_ok(a.len == b.len && memcmp(a.s, b.s, a.len) == 0, "hash/key/every output identical under two keys")) {
        size_t i = 0;
        while (i < a.len && i < b.len && a.s[i] == b.s[i])
            i++;
        tap_diag("first difference at byte %zu: ...%.80s", i, a.s + (i > 40 ? i - 40 : 0));
    }
    free(a.s);
    free(b.s);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
}

int main(int argc, char **argv)
{
    test_vectors();
    test_flood_table();
    test_flood_reader();
    test_key_independence(argc > 1 ? argv[1] : "fixtures");
    return tap_done();
}
