/* test_jsonl_scan.c - the JSONL scanner held to jansson: on real-shaped and fuzzed lines, it reads only what jansson's tree reader reads, to the same rows. */
#include "tap.h"

#include "io/jsonl_rows.h"

#include <sentraj.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sentraj_config cfg;

/* xorshift64*: the fuzzer's own generator, so a failure replays. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}
static size_t below(size_t n)
{
    return (size_t)(rnd() % n);
}

/* Real-shaped lines: sentraj's, OpenAI's and ShareGPT's shapes, ids as
 * strings and integers, categories as arrays and strings, message_index,
 * numeric labels (the five of the 5-point scale as JSON numbers, which must
 * stay on the fast path), escapes and UTF-8 in skipped texts. */
static const char *seeds[] = {
    "{\"conversation_id\": \"c1\", \"team\": \"t1\", \"categories\": [\"coaching\"], \"messages\": [{\"role\": "
    "\"human\", \"sentiment\": \"negative\"}, {\"role\": \"assistant\"}, {\"role\": \"human\", \"sentiment\": "
    "\"neutral\"}]}",
    "{\"conversation_id\": 17, \"team\": 4, \"categories\": [\"a\", \"b c\", \"d\"], \"messages\": [{\"role\": "
    "\"user\", \"content\": \"hi \\\"there\\\" \\u00e9\\ud83d\\ude00\", \"sentiment\": 1}, {\"role\": \"bot\", "
    "\"content\": \"caf\xc3\xa9 \xf0\x9f\x98\x80\", \"sentiment\": \"positive\"}, {\"role\": \"human\", "
    "\"sentiment\": -1.5e-1}]}",
    "{\"team\": \"x\", \"messages\": [{\"role\": \"system\", \"content\": \"be nice\", \"sentiment\": 0}, {\"role\": "
    "\"user\", \"content\": \"x\", \"sentiment\": \"positive\"}, {\"role\": \"assistant\", \"content\": \"y\", "
    "\"sentiment\": 0.25}]}",
    "{\"id\": \"s9\", \"team\": \"y\", \"conversations\": [{\"from\": \"human\", \"value\": \"q\", \"sentiment\": "
    "\"very negative\"}, {\"from\": \"gpt\", \"value\": \"a\", \"sentiment\": 0}, {\"from\": \"human\", \"value\": "
    "\"q2\", \"sentiment\": 1}]}",
    "{\"conversation_id\": \"m\", \"team\": \"z\", \"categories\": \"x;y\", \"messages\": [{\"role\": \"human\", "
    "\"message_index\": 3, \"sentiment\": 0}, {\"role\": \"assistant\", \"message_index\": 1, \"sentiment\": 1}, "
    "{\"role\": \"human\", \"message_index\": 2, \"sentiment\": \"positive\"}]}",
    "{\"conversation_id\": \"n\", \"categories\": null, \"team\": 7, \"meta\": {\"a\": [1, 2.5e-3, true, false, "
    "null, {\"b\": {}}], \"c\": []}, \"messages\": [{\"role\": \"human\", \"sentiment\": \"neutral\"}, {\"role\": "
    "\"human\", \"sentiment\": 0.5, \"x\": [[[]]]}]}",
    "  {\"conversation_id\": \"w\" , \"team\" : \"t1\" ,\"messages\":[{\"role\":\"human\",\"sentiment\":\"neutral\"}"
    "\t,{\"role\":\"assistant\",\"sentiment\":\"negative\"}]}  \r",
    "{\"conversation_id\": \"e\", \"team\": \"t\", \"messages\": []}",
    "{\"conversation_id\": \"num\", \"team\": \"t\", \"categories\": [\"coaching\"], \"messages\": [{\"role\": "
    "\"human\", \"sentiment\": -1}, {\"role\": \"human\", \"sentiment\": -0.5}, {\"role\": \"human\", "
    "\"sentiment\": 0}, {\"role\": \"human\", \"sentiment\": 0.5}, {\"role\": \"human\", \"sentiment\": 1}]}",
    "{\"conversation_id\": \"big\", \"team\": \"t\", \"messages\": [{\"role\": \"human\", \"message_index\": "
    "123456789012345678, \"sentiment\": 1}, {\"role\": \"human\", \"message_index\": 9223372036854775807, "
    "\"sentiment\": 1e0}]}",
};

/* Pieces the mutator inserts: JSON's structure, escapes, numbers, bytes
 * that are not UTF-8, names the reader looks for. */
static const char *pieces[] = {
    "\"", "\\", "{", "}", "[", "]", ":", ",", " ", "0", "-", "e", "E", ".", "+", "1e400", "-0", "\\u0000",
    "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u00e9", "\\n", "\\x", "\x80", "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80",
    "\xc0\xaf", "\x01", "\t", "true", "null", "fals", "99999999999999999999", "\"role\": \"human\"",
    "\"sentiment\": \"neutral\"", "\"message_index\": 0", "\"conversation_id\": \"c1\"", "\"id\": 5",
    "\"messages\": []", "\"conversations\": [{}]", "\"categories\": [\"all\"]", "\"categories\": \"a;all\"",
    "\"team\": \"\"", "\"r\\u006fle\": \"human\"", "\"from\": \"gpt\"", "\"sentiment\": 7", "{\"role\": \"tool\"}",
    "\"content\": \"" /* opens a string */, "1.0", "12345678901234567", "0.1e-5", "\"\"",
};

static void mutate(char *s, size_t *n, size_t cap)
{
    int steps = 1 + (int)below(3);
    for (int k = 0; k < steps; k++) {
        size_t at = *n ? below(*n + 1) : 0;
        switch (below(4)) {
        case 0: /* insert a piece */
        {
            const char *p = pieces[below(sizeof pieces / sizeof *pieces)];
            size_t m = strlen(p);
            if (*n + m < cap) {
                memmove(s + at + m, s + at, *n - at);
                memcpy(s + at, p, m);
                *n += m;
            }
            break;
        }
        case 1: /* delete a span */
            if (at < *n) {
                size_t m = 1 + below(*n - at < 8 ? *n - at : 8);
                memmove(s + at, s + at + m, *n - at - m);
                *n -= m;
            }
            break;
        case 2: /* replace a byte */
            if (at < *n)
                s[at] = "\"\\{}[]:, 0-e.aZ\x80\xff"[below(18)];
            break;
        default: /* cut */
            if (below(4) == 0)
                *n = at;
            break;
        }
    }
}

typedef struct side {
    jsonl_state st;
    block_rows out;
    sentraj_error err;
} side;

static int same_str(const char *a, uint32_t na, const char *b, uint32_t nb)
{
    if (!a || !b)
        return a == b && na == nb;
    return na == nb && memcmp(a, b, na) == 0;
}

static int same_rows(const block_rows *a, const block_rows *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const msg_row *x = &a->rows[i], *y = &b->rows[i];
        if (!same_str(x->id, x->id_len, y->id, y->id_len) || !same_str(x->cats, x->cats_len, y->cats, y->cats_len) ||
            !same_str(x->cluster, x->cluster_len, y->cluster, y->cluster_len) || x->index != y->index ||
            x->role != y->role || memcmp(&x->value, &y->value, sizeof x->value) != 0 || x->line != y->line ||
            x->flags != y->flags || (x->flags & ROW_HASHED && x->hash != y->hash))
            return 0;
    }
    return 1;
}

typedef struct tally {
    long lines, scanned, agree, disagree;
} tally;

/* One line through both readers. */
static void check_line(const jsonl_shared *sh, const char *line, size_t n, tally *t)
{
    static side a, b;
    char *sa = malloc(n + 1), *sb = malloc(n + 1);
    int ra, rb;

    memcpy(sa, line, n);
    memcpy(sb, line, n);
    a.st.sh = b.st.sh = sh;
    a.out.n = b.out.n = a.out.strs_len = b.out.strs_len = a.out.nfix = b.out.nfix = 0;
    ra = jsonl_scan_line(&a.st, sa, n, 7, &a.out, &a.err);
    pipeline_fix_strings(&a.out);
    rb = jsonl_tree_line(&b.st, sb, n, 7, &b.out, &b.err);
    pipeline_fix_strings(&b.out);
    t->lines++;
    /* SCAN_DIAG=1 lists the valid lines left to jansson (slower, not wrong). */
    if (ra == JSONL_FALLBACK && rb == SENTRAJ_OK && getenv("SCAN_DIAG"))
        tap_diag("left to jansson, which reads it: %.*s", (int)n, line);
    if (ra != JSONL_FALLBACK) {
        t->scanned++;
        /* What the scanner rewrote is still JSON, with the same id key. */
        json_t *va = json_loadb(sa, n, JSON_REJECT_DUPLICATES, NULL), *vb = json_loadb(line, n, 0, NULL);
        int same_keys = va && vb && json_is_object(va) && json_is_object(vb) &&
                        strcmp(jsonl_id_key(sh, va), jsonl_id_key(sh, vb)) == 0;
        json_decref(va);
        json_decref(vb);
        if (ra == SENTRAJ_OK && rb == SENTRAJ_OK && same_rows(&a.out, &b.out) && same_keys) {
            t->agree++;
        } else {
            if (t->disagree++ < 5)
                tap_diag("scanner %d, jansson %d (%s) on: %.*s", ra, rb, b.err.message, (int)n, line);
        }
    }
    free(sa);
    free(sb);
}

static sentraj_dataset *dataset(const char *col_cluster, int all_human, int scope_file)
{
    sentraj_dataset *ds = sentraj_dataset_alloc(&cfg, NULL);
    sentraj_input_options in;
    sentraj_input_options_init(&in);
    in.format = SENTRAJ_INPUT_JSONL;
    in.col_cluster = col_cluster;
    in.all_human = all_human;
    if (scope_file)
        in.id_scope = SENTRAJ_ID_SCOPE_FILE;
    if (!ds || sentraj_dataset_set_input(ds, &in, NULL) != SENTRAJ_OK)
        exit(99);
    return ds;
}

/* Every seed, then `rounds` mutants of random seeds, under one setting. */
static void run(const char *what, const jsonl_shared *sh, long rounds, long min_seeds)
{
    tally t = {0, 0, 0, 0};
    char buf[4096];
    size_t n;

    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
        check_line(sh, seeds[i], strlen(seeds[i]), &t);
    tap_ok(t.scanned >= min_seeds && t.disagree == 0, "%s: the scanner reads the real-shaped lines as jansson does (%ld of %ld)",
           what, t.scanned, t.lines);
    for (long r = 0; r < rounds; r++) {
        const char *s = seeds[below(sizeof seeds / sizeof *seeds)];
        n = strlen(s);
        memcpy(buf, s, n);
        mutate(buf, &n, sizeof buf);
        check_line(sh, buf, n, &t);
    }
    tap_ok(t.disagree == 0, "%s: on %ld fuzzed lines the scanner read %ld, each to jansson's rows (%ld disagree)", what,
           t.lines, t.scanned, t.disagree);
    tap_ok(t.scanned > t.lines / 20, "%s: the fuzzed lines reach the scanner's reading, not only its refusals", what);
}

int main(void)
{
    sentraj_config_init(&cfg);
    cfg.threads = 1;
    {
        sentraj_dataset *ds = dataset(NULL, 0, 0);
        jsonl_shared sh = {.ds = ds, .name = "t.jsonl"};
        run("defaults", &sh, 200000, 9);
        sentraj_dataset_free(ds);
    }
    {
        sentraj_dataset *ds = dataset("team", 0, 1);
        jsonl_shared sh = {.ds = ds, .name = "t.jsonl", .prefix = "t.jsonl:", .prefix_len = 8};
        run("--cluster-by team, --id-scope file", &sh, 100000, 9);
        sentraj_dataset_free(ds);
    }
    {
        sentraj_dataset *ds = dataset(NULL, 1, 0);
        jsonl_shared sh = {.ds = ds, .name = "t.jsonl"};
        run("--all-human", &sh, 100000, 8);
        sentraj_dataset_free(ds);
    }
    return tap_done();
}
