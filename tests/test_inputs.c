/* test_inputs.c - label scales, categories tables, column names and the JSON reports. */
#include "tap.h"

#include "data/labels.h"

#include <sentraj.h>

#include <stdlib.h>
#include <string.h>

static char dir[] = "/tmp/sentraj-inputs-XXXXXX";

static const char *write_file(const char *name, const char *text)
{
    static char path[4][256];
    static int k;
    char *p = path[k++ % 4];
    FILE *f;
    snprintf(p, 256, "%s/%s", dir, name);
    f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    return p;
}

static void test_scale(void)
{
    sentraj_error err;
    const char *seven = "label,value\n# a Likert scale\nstrongly disagree,1\ndisagree,2\nsomewhat disagree,3\n"
                        "neutral,4\nsomewhat agree,5\nagree,6\nstrongly agree,7\n";
    sentraj_scale *sc = sentraj_scale_parse(seven, strlen(seven), "seven", &err);
    double v;

    if (!tap_ok(sc != NULL, "scale/seven/parses"))
        return;
    tap_ok(sc->n == 7 && sc->min == 1 && sc->max == 7 && sc->denom == 1, "scale/seven/range-and-lattice");
    tap_ok(labels_parse_sentiment(sc, "Strongly_Agree", 14, &v) == LABEL_OK && v == 7, "scale/seven/folded-label");
    tap_ok(labels_parse_sentiment(sc, "6.5", 3, &v) == LABEL_OK && v == 6.5, "scale/seven/number-in-range");
    tap_ok(labels_parse_sentiment(sc, "0", 1, &v) == LABEL_RANGE, "scale/seven/number-out-of-range");
    tap_ok(labels_parse_sentiment(sc, "positive", 8, &v) == LABEL_UNKNOWN, "scale/seven/default-labels-not-known");
    sentraj_scale_free(sc);

    {
        const char *q = "low,-0.25\nmid,0\nhigh,0.75\n";
        sc = sentraj_scale_parse(q, strlen(q), "q", &err);
        tap_ok(sc && sc->denom == 4, "scale/quarters/denominator-4");
        sentraj_scale_free(sc);
    }
    {
        /* Decimal labels keep their exact lattice. 2.7182818 is within
         * 1e-9 of 34109/12548 = 2.71828179789...; taking that as the lattice
         * would move the label, and the window means would fall just below
         * the scale's minimum (a fuzz finding). The scale is off the lattice
         * and the labels keep their values. */
        const char *tenths = "a,0.1\nb,0.7\nc,-0.3\n", *e = "b,2.7182818\nc xcellent,3\n";
        const char *csv = "conversation_id,message_index,role,sentiment\n"
                          "c0,0,human,b\nc0,1,human,b\nc0,2,human,b\nc0,3,human,c xcellent\n";
        sentraj_config cfg;
        sentraj_input_options o;
        sentraj_dataset *ds = NULL;
        sentraj_trajectory t;
        int ok;

        sc = sentraj_scale_parse(tenths, strlen(tenths), "t", &err);
        tap_ok(sc && sc->denom == 10, "scale/tenths/denominator-10");
        sentraj_scale_free(sc);
        sc = sentraj_scale_parse(e, strlen(e), "e", &err);
        tap_ok(sc && sc->denom == 0, "scale/near-lattice/off-the-lattice (fuzz finding)");
        sentraj_config_init(&cfg);
        cfg.window = 1;
        cfg.min_human = 2;
        sentraj_input_options_init(&o);
        o.scale = sc;
        ok = sc && (ds = sentraj_dataset_alloc(&cfg, &err)) && sentraj_dataset_set_input(ds, &o, &err) == SENTRAJ_OK &&
             sentraj_dataset_read_csv_buffer(ds, csv, strlen(csv), "c.csv", &err) == SENTRAJ_OK &&
             sentraj_dataset_finish(ds, &err) == SENTRAJ_OK && sentraj_dataset_kept(ds) == 1;
        if (ok) {
            sentraj_dataset_trajectory(ds, 0, &t);
            ok = t.mean_first == 2.7182818 && t.mean_first >= sc->min && t.mean_last == 3 && t.mean_last <= sc->max;
        }
        tap_ok(ok, "scale/near-lattice/labels-keep-their-values");
        sentraj_dataset_free(ds);
        sentraj_scale_free(sc);
    }
    {
        const char *bad = "a,1\nb,x\n";
        tap_ok(!sentraj_scale_parse(bad, strlen(bad), "bad", &err) && err.code == SENTRAJ_EDATA && err.line == 2 &&
                   strstr(err.message, "not a number"),
               "scale/error/value-not-a-number");
        bad = "Very Good,1\nvery_good,2\n";
        tap_ok(!sentraj_scale_parse(bad, strlen(bad), "bad", &err) && err.line == 2 && strstr(err.message, "same as"),
               "scale/error/labels-equal-after-folding");
        bad = "low,-1e308\nhigh,1e308\n";
        tap_ok(!sentraj_scale_parse(bad, strlen(bad), "bad", &err) && err.line == 1 && strstr(err.message, "outside"),
               "scale/error/value-too-large (fuzz finding)");
        bad = "only,1\n";
        tap_ok(!sentraj_scale_parse(bad, strlen(bad), "bad", &err) && strstr(err.message, "at least two"),
               "scale/error/one-entry");
        bad = "a 1\nb,2\n";
        tap_ok(!sentraj_scale_parse(bad, strlen(bad), "bad", &err) && err.line == 1 &&
                   strstr(err.message, "expected \"label,value\""),
               "scale/error/no-comma");
        tap_ok(!sentraj_scale_read("/nonexistent/scale.csv", &err) && err.code == SENTRAJ_EIO, "scale/error/missing-file");
    }
    sentraj_scale_free(NULL);
}

/* A 7-point scale, renamed columns, exact engine: delta in scale units. */
static void test_scale_analysis(void)
{
    const char *scale = "label,value\nlow,1\nmid,4\nhigh,7\n";
    const char *csv = "id,idx,who,score,cats\n"
                      "a,0,human,low,x\na,1,human,1,x\na,2,human,mid,x\na,3,human,high,x\na,4,human,7,x\na,5,human,6,x\n"
                      "b,0,human,4,x\nb,1,human,4,x\nb,2,human,4,x\nb,3,human,5,x\nb,4,human,5,x\nb,5,human,5,x\n";
    sentraj_error err;
    sentraj_scale *sc = sentraj_scale_parse(scale, strlen(scale), "s", &err);
    sentraj_input_options in;
    sentraj_config cfg;
    sentraj_dataset *ds;
    sentraj_analysis *a;
    sentraj_trajectory t;

    sentraj_config_init(&cfg);
    cfg.engine = SENTRAJ_ENGINE_EXACT;
    sentraj_input_options_init(&in);
    in.scale = sc;
    in.col_id = "id";
    in.col_index = "idx";
    in.col_role = "who";
    in.col_sentiment = "score";
    in.col_categories = "cats";
    ds = sentraj_dataset_alloc(&cfg, &err);
    tap_ok(sentraj_dataset_set_input(ds, &in, &err) == SENTRAJ_OK, "inputs/columns/set");
    tap_ok(sentraj_dataset_read_csv_buffer(ds, csv, strlen(csv), "t", &err) == SENTRAJ_OK &&
               sentraj_dataset_finish(ds, &err) == SENTRAJ_OK,
           "inputs/columns/renamed-columns-read");
    sentraj_scale_free(sc); /* borrowed only until finish */
    sentraj_dataset_trajectory(ds, 0, &t);
    /* a: first (1+1+4)/3 = 2, last (7+7+6)/3 = 20/3, delta 14/3 */
    tap_near(t.delta, 14.0 / 3, 1e-15, "inputs/scale/delta-in-scale-units");
    a = sentraj_analysis_compute(ds, &cfg, &err);
    tap_ok(a && sentraj_analysis_row(a, 0)->boot.engine == SENTRAJ_ENGINE_EXACT, "inputs/scale/exact-engine-on-lattice");
    /* (14/3 + 1)/2 */
    tap_near(a ? sentraj_analysis_row(a, 0)->mean_delta : 0, 17.0 / 6, 1e-15, "inputs/scale/mean-delta");
    tap_ok(sentraj_dataset_set_input(ds, &in, &err) == SENTRAJ_EUSAGE, "inputs/options/refused-after-reading");
    sentraj_analysis_free(a);
    sentraj_dataset_free(ds);

    /* The default column names are missing from this header. */
    ds = sentraj_dataset_alloc(&cfg, &err);
    tap_ok(sentraj_dataset_read_csv_buffer(ds, csv, strlen(csv), "t", &err) == SENTRAJ_EDATA &&
               strstr(err.message, "missing required column \"conversation_id\""),
           "inputs/columns/default-names-required");
    sentraj_dataset_free(ds);
}

static void test_categories_table(void)
{
    const char *msgs = "conversation_id,message_index,role,sentiment\n"
                       "a,0,human,0\na,1,human,0\na,2,human,0\na,3,human,1\na,4,human,1\na,5,human,1\n"
                       "b,0,human,0\nb,1,human,0\nb,2,human,0\nb,3,human,0\nb,4,human,0\nb,5,human,0\n"
                       "c,0,human,0\nc,1,human,0\nc,2,human,0\nc,3,human,0\nc,4,human,0\nc,5,human,0.5\n";
    const char *table = write_file("cats.csv", "conversation_id,categories,extra\na,x;y,1\nb,y,2\nzz,q,3\nb, y ,4\n");
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_trajectory t;

    sentraj_config_init(&cfg);
    ds = sentraj_dataset_alloc(&cfg, &err);
    sentraj_dataset_read_csv_buffer(ds, msgs, strlen(msgs), "m", &err);
    tap_ok(sentraj_dataset_read_categories(ds, table, &err) == SENTRAJ_OK, "inputs/categories/table-read");
    tap_ok(sentraj_dataset_finish(ds, &err) == SENTRAJ_OK, "inputs/categories/finish");
    sentraj_dataset_trajectory(ds, 0, &t);
    tap_eq_str(t.categories, "x;y", "inputs/categories/joined-a");
    sentraj_dataset_trajectory(ds, 2, &t);
    tap_eq_str(t.categories, "", "inputs/categories/unlisted-keeps-none");
    tap_ok(sentraj_dataset_counts(ds)->categories_unmatched == 1 &&
               sentraj_dataset_counts(ds)->kept_without_category == 1,
           "inputs/categories/unmatched-and-without-counted");
    sentraj_dataset_free(ds);

    /* A conflicting second listing is an error with its line. */
    ds = sentraj_dataset_alloc(&cfg, &err);
    sentraj_dataset_read_csv_buffer(ds, msgs, strlen(msgs), "m", &err);
    table = write_file("cats2.csv", "conversation_id,categories\na,x\nb,y\na,z\n");
    tap_ok(sentraj_dataset_read_categories(ds, table, &err) == SENTRAJ_EDATA && err.line == 4 &&
               strstr(err.message, "listed again"),
           "inputs/categories/conflicting-listing");
    sentraj_dataset_free(ds);

    /* Messages that carry categories must agree with the table. */
    {
        const char *with = "conversation_id,message_index,role,sentiment,categories\na,0,human,0,x\n";
        ds = sentraj_dataset_alloc(&cfg, &err);
        sentraj_dataset_read_csv_buffer(ds, with, strlen(with), "m", &err);
        table = write_file("cats3.csv", "conversation_id,categories\na,other\n");
        sentraj_dataset_read_categories(ds, table, &err);
        tap_ok(sentraj_dataset_finish(ds, &err) == SENTRAJ_EDATA && err.line == 2 && strstr(err.message, "differ"),
               "inputs/categories/disagreeing-with-messages");
        sentraj_dataset_free(ds);
    }
    {
        ds = sentraj_dataset_alloc(&cfg, &err);
        table = write_file("cats4.csv", "id,categories\na,x\n");
        tap_ok(sentraj_dataset_read_categories(ds, table, &err) == SENTRAJ_EDATA &&
                   strstr(err.message, "missing required column \"conversation_id\""),
               "inputs/categories/missing-column");
        sentraj_dataset_free(ds);
    }
}

static char *json_of(const sentraj_analysis *a, const sentraj_run_info *info)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    sentraj_analysis_write_json(f, "mem", a, info, NULL);
    fclose(f);
    return buf;
}

static void test_json(void)
{
    const char *csv = "conversation_id,message_index,role,sentiment,categories\n"
                      "a,0,human,0,\"q\"\"uote;new\nline;bad\xc3\xbf\"\na,1,human,0,\"q\"\"uote;new\nline;bad\xc3\xbf\"\n"
                      "a,2,human,0,\"q\"\"uote;new\nline;bad\xc3\xbf\"\na,3,human,1,\"q\"\"uote;new\nline;bad\xc3\xbf\"\n"
                      "a,4,human,1,\"q\"\"uote;new\nline;bad\xc3\xbf\"\na,5,human,1,\"q\"\"uote;new\nline;bad\xc3\xbf\"\n";
    const char *inputs[1] = {"in.csv"};
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_analysis *a;
    sentraj_run_info info;
    char *j;

    sentraj_run_info_init(&info);
    info.command = "analyze";
    info.inputs = inputs;
    info.ninputs = 1;
    sentraj_config_init(&cfg);
    cfg.alternative = SENTRAJ_LESS;
    ds = sentraj_dataset_alloc(&cfg, &err);
    sentraj_dataset_read_csv_buffer(ds, csv, strlen(csv), "t", &err);
    sentraj_dataset_finish(ds, &err);
    info.counts = sentraj_dataset_counts(ds);
    a = sentraj_analysis_compute(ds, &cfg, &err);
    j = json_of(a, &info);
    tap_ok(strstr(j, "\"category\": \"bad\xc3\xbf\"") != NULL, "json/utf8-kept");
    tap_ok(strstr(j, "\"category\": \"new\\nline\"") && strstr(j, "\"category\": \"q\\\"uote\""),
           "json/names-escaped");
    tap_ok(strstr(j, "\"ci_low\": null") != NULL, "json/open-end-is-null");
    tap_ok(strstr(j, "\"alternative\": \"less\"") && strstr(j, "\"inputs\": [\"in.csv\"]") &&
               strstr(j, "\"counts\": {\"rows\": 6,"),
           "json/options-inputs-counts");
    tap_ok(strncmp(j, "{\n  \"sentraj_version\": \"" SENTRAJ_VERSION "\"", 27) == 0, "json/version-first");
    free(j);
    sentraj_analysis_free(a);
    sentraj_dataset_free(ds);
    /* Invalid UTF-8 never reaches the outputs: the reader refuses it. */
    ds = sentraj_dataset_alloc(&cfg, &err);
    tap_ok(sentraj_dataset_read_csv_buffer(ds, "conversation_id,message_index,role,sentiment,categories\n"
                                               "a,0,human,0,bad\xff\n", 73, "t", &err) == SENTRAJ_EDATA &&
               err.line == 2 && err.col == 16 && strstr(err.message, "invalid UTF-8 byte 0xFF in the categories"),
           "json/invalid-utf8-refused-by-the-reader");
    sentraj_dataset_free(ds);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        tap_skip("inputs/all", "no temporary directory");
        return tap_done();
    }
    test_scale();
    test_scale_analysis();
    test_categories_table();
    test_json();
    {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            tap_diag("could not remove %s", dir);
    }
    return tap_done();
}
