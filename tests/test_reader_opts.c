/* test_reader_opts.c - the input options of real corpora: role maps, every row human, per-file ids, composite
 * keys, the column-name rule, UTF-8 checks and --encoding conversion. */
#include "tap.h"

#include "io/key.h"

#include <sentraj.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sentraj_config cfg;
static char dir[] = "/tmp/sentraj-ropts-XXXXXX";

/* A file under the test's directory with the given text; returns its path. */
static const char *put_file(const char *name, const char *text)
{
    static char paths[16][512];
    static int next;
    char *p = paths[next++ % 16];
    FILE *f;
    snprintf(p, 512, "%s/%s", dir, name);
    f = fopen(p, "wb");
    fputs(text, f);
    fclose(f);
    return p;
}

/* Read the buffers (name i, text i) with options o, then finish. The data
 * set is returned when out is given and everything succeeded. */
static int load(const sentraj_input_options *o, int n, const char *const *names, const char *const *texts,
                sentraj_dataset **out, sentraj_error *err)
{
    sentraj_dataset *ds = sentraj_dataset_alloc(&cfg, err);
    int rc;
    memset(err, 0, sizeof *err);
    if (!ds)
        return err->code;
    rc = sentraj_dataset_set_input(ds, o, err);
    for (int i = 0; i < n && rc == SENTRAJ_OK; i++)
        rc = sentraj_dataset_read_csv_buffer(ds, texts[i], strlen(texts[i]), names[i], err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_finish(ds, err);
    if (out && rc == SENTRAJ_OK)
        *out = ds;
    else
        sentraj_dataset_free(ds);
    return rc;
}

static int load1(const sentraj_input_options *o, const char *text, sentraj_dataset **out, sentraj_error *err)
{
    const char *name = "t.csv";
    return load(o, 1, &name, &text, out, err);
}

/* The error's code, source, line, column and a piece of its message. */
static void expect(const char *name, int rc, const sentraj_error *err, int code, const char *source, uint64_t line,
                   uint64_t col, const char *msg)
{
    if (!tap_ok(rc == code && err->code == code && err->line == line && err->col == col &&
                    strstr(err->message, msg) && strcmp(err->source, source ? source : "") == 0,
                "%s", name))
        tap_diag("got rc %d %s:%llu:%llu \"%s\"; want rc %d %s:%llu:%llu \"%s\"", rc, err->source,
                 (unsigned long long)err->line, (unsigned long long)err->col, err->message, code,
                 source ? source : "", (unsigned long long)line, (unsigned long long)col, msg);
}

#define SPK "id,turn,Speaker,label\n"
/* Seven turns of one conversation: a narrator, then six people. */
#define SEVEN(id)                                                                                              \
    id ",0,Narr,neutral\n" id ",1,Ana,negative\n" id ",2,\"Bo, Jr.\",positive\n" id ",3,Ana,negative\n" id      \
       ",4,Cy,neutral\n" id ",5,Ana,positive\n" id ",6,Cy,positive\n" id ",7,Ana,positive\n" id                 \
       ",8,Ana,positive\n" id ",9,Ana,positive\n"

static void speaker_options(sentraj_input_options *o)
{
    sentraj_input_options_init(o);
    o->col_id = "id";
    o->col_index = "turn";
    o->col_role = "Speaker";
    o->col_sentiment = "label";
}

static void test_role_map(void)
{
    sentraj_input_options o;
    sentraj_error err;
    sentraj_dataset *ds = NULL;
    const sentraj_counts *c;
    int rc;

    speaker_options(&o);
    o.speaker_roles = put_file("roles.csv", "# who is who\nvalue,role\nAna,human\n\"Bo, Jr.\",assistant\n"
                                            "Narr,ignore\n\n*,human\n");
    rc = load1(&o, SPK SEVEN("a"), &ds, &err);
    tap_ok(rc == SENTRAJ_OK, "role-map/read");
    if (ds) {
        c = sentraj_dataset_counts(ds);
        tap_ok(c->human_messages == 8 && c->assistant_messages == 1 && c->ignored_messages == 1,
               "role-map/counts (8 human, 1 assistant, 1 ignored)");
        tap_eq_u64(sentraj_dataset_kept(ds), 1, "role-map/kept");
        sentraj_dataset_free(ds);
        ds = NULL;
    }

    /* Without "*", Cy is not listed: the error names the value, the row and the map. */
    o.speaker_roles = put_file("roles2.csv", "speaker,role\nAna,user\n\"Bo, Jr.\",ai\nNarr,system\n");
    rc = load1(&o, SPK SEVEN("a"), NULL, &err);
    expect("role-map/unlisted", rc, &err, SENTRAJ_EDATA, "t.csv", 6, 5, "role value \"Cy\" is not in the role map");
    tap_ok(strstr(err.message, "roles2.csv") != NULL, "role-map/unlisted names the map");

    /* Errors in the map itself name the map's line. */
    static const struct {
        const char *name, *text;
        uint64_t line, col;
        const char *msg;
    } bad[] = {
        {"role-map/bad-role", "Ana,human\nBo,robot\n", 2, 4, "unknown role \"robot\""},
        {"role-map/duplicate", "Ana,human\nBo,human\nAna,assistant\n", 3, 1,
         "value \"Ana\" is listed twice (first on line 1)"},
        {"role-map/duplicate-star", "*,human\n*,ignore\n", 2, 1, "\"*\" is listed twice (first on line 1)"},
        {"role-map/no-comma", "Ana human\n", 1, 1, "expected \"value,role\""},
        {"role-map/bad-quote", "\"A\"na\",human\n", 1, 3, "a quote inside a quoted value"},
        {"role-map/empty-value", ",human\n", 1, 1, "empty value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[64];
        const char *path;
        snprintf(name, sizeof name, "bad%zu.csv", i);
        path = put_file(name, bad[i].text);
        o.speaker_roles = path;
        rc = load1(&o, SPK SEVEN("a"), NULL, &err);
        expect(bad[i].name, rc, &err, SENTRAJ_EDATA, path, bad[i].line, bad[i].col, bad[i].msg);
    }
}

static void test_all_human(void)
{
    sentraj_input_options o;
    sentraj_error err;
    sentraj_dataset *ds = NULL;
    int rc;

    speaker_options(&o);
    o.col_role = "no such column";
    o.all_human = 1;
    rc = load1(&o, SPK SEVEN("a"), &ds, &err);
    tap_ok(rc == SENTRAJ_OK && ds && sentraj_dataset_counts(ds)->human_messages == 10, "all-human/every row human");
    sentraj_dataset_free(ds);
    o.speaker_roles = "roles.csv";
    rc = load1(&o, SPK SEVEN("a"), NULL, &err);
    expect("all-human/not-with-a-map", rc, &err, SENTRAJ_EUSAGE, NULL, 0, 0, "exclude each other");
}

static void test_id_scope(void)
{
    sentraj_input_options o;
    sentraj_error err;
    sentraj_dataset *ds = NULL;
    sentraj_trajectory t;
    const char *names[] = {"dir/train.csv", "dev.csv"};
    const char *texts[] = {SPK SEVEN("0"), SPK SEVEN("0")};
    int rc;

    speaker_options(&o);
    o.all_human = 1;
    o.id_scope = SENTRAJ_ID_SCOPE_FILE;
    rc = load(&o, 2, names, texts, &ds, &err);
    tap_ok(rc == SENTRAJ_OK && ds && sentraj_dataset_kept(ds) == 2, "id-scope/file: two conversations");
    if (ds) {
        sentraj_dataset_trajectory(ds, 0, &t);
        tap_eq_str(t.conversation_id, "dev.csv:0", "id-scope/file: FILE:ID (0)");
        sentraj_dataset_trajectory(ds, 1, &t);
        tap_eq_str(t.conversation_id, "dir/train.csv:0", "id-scope/file: FILE:ID (1)");
        sentraj_dataset_free(ds);
    }
    o.id_scope = SENTRAJ_ID_SCOPE_GLOBAL;
    rc = load(&o, 2, names, texts, NULL, &err);
    expect("id-scope/global-collision", rc, &err, SENTRAJ_EDATA, "dev.csv", 2, 3,
           "duplicate message_index 0 in conversation \"0\", whose first row is in dir/train.csv: if each input's "
           "conversation ids are its own, read with --id-scope file");
    o.id_scope = 7;
    rc = load(&o, 2, names, texts, NULL, &err);
    expect("id-scope/bad", rc, &err, SENTRAJ_EUSAGE, NULL, 0, 0, "global or file");
}

static void test_composite(void)
{
    sentraj_input_options o;
    sentraj_error err;
    sentraj_dataset *ds = NULL;
    sentraj_trajectory t;
    char text[4096], *p = text;
    /* Joined naively with '|', both would be x|y|z. */
    static const char *const keys[][2] = {{"x|y", "z"}, {"x", "y|z"}, {"a\\", "b"}, {"a", "\\b"}};
    int rc;

    p += sprintf(p, "A,B,turn,label\n");
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 6; i++)
            p += sprintf(p, "%s,%s,%d,neutral\n", keys[k][0], keys[k][1], i);
    sentraj_input_options_init(&o);
    o.col_id = "A, B";
    o.col_index = "turn";
    o.col_sentiment = "label";
    o.all_human = 1;
    rc = load1(&o, text, &ds, &err);
    tap_ok(rc == SENTRAJ_OK && ds && sentraj_dataset_kept(ds) == 4, "composite/distinct keys stay distinct");
    if (ds && sentraj_dataset_kept(ds) == 4) {
        static const char *const want[] = {"a\\\\|b", "a|\\\\b", "x\\|y|z", "x|y\\|z"};
        for (size_t i = 0; i < 4; i++) {
            sentraj_dataset_trajectory(ds, i, &t);
            tap_eq_str(t.conversation_id, want[i], "composite/escaped key");
        }
    }
    sentraj_dataset_free(ds);
    ds = NULL;
    /* A categories table keyed by the same columns. */
    {
        const char *table = put_file("table.csv", "B,A,categories\nz,x|y,one\n\"y|z\",x,two\n");
        sentraj_dataset *dt = sentraj_dataset_alloc(&cfg, &err);
        rc = sentraj_dataset_set_input(dt, &o, &err);
        if (rc == SENTRAJ_OK)
            rc = sentraj_dataset_read_csv_buffer(dt, text, strlen(text), "t.csv", &err);
        if (rc == SENTRAJ_OK)
            rc = sentraj_dataset_read_categories(dt, table, &err);
        if (rc == SENTRAJ_OK)
            rc = sentraj_dataset_finish(dt, &err);
        tap_ok(rc == SENTRAJ_OK, "composite/categories-table");
        if (rc == SENTRAJ_OK) {
            sentraj_dataset_trajectory(dt, 2, &t);
            tap_eq_str(t.categories, "one", "composite/table joins x|y,z");
            sentraj_dataset_trajectory(dt, 3, &t);
            tap_eq_str(t.categories, "two", "composite/table joins x,y|z");
        }
        sentraj_dataset_free(dt);
    }
    o.col_id = "A,C";
    rc = load1(&o, text, NULL, &err);
    expect("composite/missing-part", rc, &err, SENTRAJ_EDATA, "t.csv", 1, 0,
           "missing required column \"C\" (the header has: A, B, turn, label)");
    o.col_id = "A,,B";
    rc = load1(&o, text, NULL, &err);
    expect("composite/empty-name", rc, &err, SENTRAJ_EUSAGE, NULL, 0, 0, "names an empty column");
    o.col_id = "A,B";
    rc = load1(&o, "A,B,turn,label\nx,,0,neutral\n", NULL, &err);
    expect("composite/empty-part", rc, &err, SENTRAJ_EDATA, "t.csv", 2, 3, "empty conversation_id");
}

static void test_column_names(void)
{
    sentraj_input_options o;
    sentraj_error err;
    sentraj_dataset *ds = NULL;
    int rc;

    sentraj_input_options_init(&o);
    rc = load1(&o, "Conversation_ID,MESSAGE_INDEX,Role,Sentiment\na,0,human,neutral\n", &ds, &err);
    tap_ok(rc == SENTRAJ_OK, "columns/unique case-insensitive match");
    sentraj_dataset_free(ds);
    ds = NULL;
    /* The exact "role" wins over "Role" (which holds bad roles). */
    rc = load1(&o, "conversation_id,message_index,Role,role,sentiment\na,0,xx,human,neutral\n", &ds, &err);
    tap_ok(rc == SENTRAJ_OK, "columns/exact match first");
    sentraj_dataset_free(ds);
    rc = load1(&o, "conversation_id,message_index,Role,ROLE,sentiment\na,0,human,human,neutral\n", NULL, &err);
    expect("columns/two-case-insensitive", rc, &err, SENTRAJ_EDATA, "t.csv", 1, 36,
           "columns \"Role\" and \"ROLE\" both match \"role\" ignoring case and neither exactly");
    o.col_categories = "Episode";
    rc = load1(&o, "conversation_id,message_index,role,sentiment\na,0,human,neutral\n", NULL, &err);
    expect("columns/named-optional-missing", rc, &err, SENTRAJ_EDATA, "t.csv", 1, 0,
           "missing required column \"Episode\" (the header has: conversation_id, message_index, role, sentiment)");
}

static void test_utf8(void)
{
    static const struct {
        const char *s;
        size_t bad;
        const char *name;
    } cases[] = {
        {"plain ascii text, long enough", 29, "utf8/ascii"},
        {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14, "utf8/two-three-four-byte"},
        {"caf\xE9", 3, "utf8/latin1-byte"},
        {"\xC0\x80", 0, "utf8/overlong-two"},
        {"ab\xE0\x80\xAF", 2, "utf8/overlong-three"},
        {"\xED\xA0\x80", 0, "utf8/surrogate"},
        {"\xF4\x90\x80\x80", 0, "utf8/past-10FFFF"},
        {"abcdefgh\xE2\x82", 8, "utf8/cut-short"},
        {"\x80", 0, "utf8/lone-continuation"},
    };
    sentraj_input_options o;
    sentraj_error err;
    sentraj_dataset *ds = NULL;
    sentraj_trajectory t;
    int rc;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        tap_eq_u64(key_utf8_invalid(cases[i].s, strlen(cases[i].s)), cases[i].bad, cases[i].name);

    sentraj_input_options_init(&o);
    rc = load1(&o, "conversation_id,message_index,role,sentiment,categories\nab\xE9,0,human,neutral,x\n", NULL, &err);
    expect("utf8/bad-id", rc, &err, SENTRAJ_EDATA, "t.csv", 2, 3,
           "invalid UTF-8 byte 0xE9 in the conversation id (is the file in another encoding? convert it with "
           "--encoding");
    rc = load1(&o, "conversation_id,message_index,role,sentiment,categories\na,0,human,neutral,\"x;\xFF\"\n", NULL,
               &err);
    expect("utf8/bad-category", rc, &err, SENTRAJ_EDATA, "t.csv", 2, 22, "invalid UTF-8 byte 0xFF in the categories");

    /* The same bytes read as Latin-1 become UTF-8. */
    o.encoding = "latin1";
    rc = load1(&o,
               "conversation_id,message_index,role,sentiment\nab\xE9,0,human,neutral\nab\xE9,1,human,neutral\n"
               "ab\xE9,2,human,neutral\nab\xE9,3,human,neutral\nab\xE9,4,human,neutral\nab\xE9,5,human,neutral\n",
               &ds, &err);
    tap_ok(rc == SENTRAJ_OK && ds && sentraj_dataset_kept(ds) == 1, "encoding/latin1 read");
    if (ds && sentraj_dataset_kept(ds) == 1) {
        sentraj_dataset_trajectory(ds, 0, &t);
        tap_eq_str(t.conversation_id, "ab\xC3\xA9", "encoding/latin1 converted to UTF-8");
    }
    sentraj_dataset_free(ds);
    o.encoding = "no-such-encoding";
    rc = load1(&o, "conversation_id\n", NULL, &err);
    expect("encoding/unknown", rc, &err, SENTRAJ_EUSAGE, NULL, 0, 0, "unknown encoding \"no-such-encoding\"");
    o.encoding = "UTF-16LE";
    rc = load1(&o, "abc", NULL, &err);
    expect("encoding/cut-off", rc, &err, SENTRAJ_EDATA, "t.csv", 0, 0, "is not UTF-16LE");
}

/* The same options on JSONL: keys of the record, roles of the messages. */
static void test_jsonl(void)
{
    sentraj_input_options o;
    sentraj_error err;
    sentraj_dataset *ds = NULL;
    sentraj_trajectory t;
    const char *names[] = {"a.jsonl", "b.jsonl"};
    const char *line = "{\"show\": \"x|y\", \"scene\": 3, \"messages\": [{\"who\": \"Ana\", \"s\": \"negative\"}, "
                       "{\"who\": \"Bo\"}, {\"who\": 7, \"s\": \"neutral\"}, {\"who\": \"Ana\", \"s\": "
                       "\"positive\"}, {\"who\": \"Ana\", \"s\": \"positive\"}, {\"who\": \"Ana\", \"s\": "
                       "\"positive\"}, {\"who\": \"Ana\", \"s\": \"positive\"}]}\n";
    const char *texts[] = {line, line};
    int rc;

    sentraj_input_options_init(&o);
    o.format = SENTRAJ_INPUT_JSONL;
    o.col_id = "show,scene";
    o.col_role = "who";
    o.col_sentiment = "s";
    o.id_scope = SENTRAJ_ID_SCOPE_FILE;
    o.speaker_roles = put_file("jroles.csv", "Ana,human\nBo,assistant\n7,human\n");
    rc = load(&o, 2, names, texts, &ds, &err);
    tap_ok(rc == SENTRAJ_OK && ds && sentraj_dataset_kept(ds) == 2, "jsonl/role-map, composite, per-file");
    if (ds && sentraj_dataset_kept(ds) == 2) {
        const sentraj_counts *c = sentraj_dataset_counts(ds);
        tap_ok(c->human_messages == 12 && c->assistant_messages == 2, "jsonl/role-map counts");
        sentraj_dataset_trajectory(ds, 0, &t);
        tap_eq_str(t.conversation_id, "a.jsonl:x\\|y|3", "jsonl/FILE: and the escaped composite key");
    }
    sentraj_dataset_free(ds);
    ds = NULL;
    o.speaker_roles = put_file("jroles2.csv", "Ana,human\nBo,assistant\n");
    rc = load(&o, 1, names, texts, NULL, &err);
    expect("jsonl/role-map-unlisted", rc, &err, SENTRAJ_EDATA, "a.jsonl", 1, 0,
           "$.messages[2].who: role value \"7\" is not in the role map");
    o.speaker_roles = NULL;
    o.all_human = 1;
    /* Every message human: Bo's, without a label, now needs one. */
    rc = load(&o, 1, names, texts, NULL, &err);
    expect("jsonl/all-human", rc, &err, SENTRAJ_EDATA, "a.jsonl", 1, 0, "$.messages[1]");
    o.col_id = "show,nope";
    rc = load(&o, 1, names, texts, NULL, &err);
    expect("jsonl/composite-missing-key", rc, &err, SENTRAJ_EDATA, "a.jsonl", 1, 0, "missing required key \"nope\"");
}

int main(void)
{
    sentraj_config_init(&cfg);
    cfg.threads = 1;
    if (!mkdtemp(dir))
        return 1;
    test_role_map();
    test_all_human();
    test_id_scope();
    test_composite();
    test_column_names();
    test_utf8();
    test_jsonl();
    return tap_done();
}
