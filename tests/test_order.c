/* test_order.c - the order of rows: natural comparison, by value, and as listed. */
#include "tap.h"

#include "core/natural.h"

#include <sentraj.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void less(const char *a, const char *b)
{
    tap_ok(natural_cmp(a, b) < 0 && natural_cmp(b, a) > 0, "order/natural/\"%s\"<\"%s\"", a, b);
}

static void test_natural(void)
{
    less("ep2", "ep10");
    less("ep9", "ep10");
    less("1", "2");
    less("2", "10");
    less("episode 2", "episode 10");
    less("x1y2", "x1y10");
    less("x1y10", "x2y1");
    less("007", "7");     /* equal as numbers: bytewise decides */
    less("ep02", "ep2");
    less("ep", "ep1");    /* a prefix first */
    less("B", "a");       /* bytewise outside digits */
    less("a9", "aa");     /* a digit byte sorts before a letter */
    less("99999999999999999999998", "99999999999999999999999"); /* longer than any integer type */
    tap_ok(natural_cmp("same", "same") == 0 && natural_cmp("", "") == 0, "order/natural/equal");
}

/* An analysis of categories ep1, ep2, ep10 and one without kept
 * conversations (ep3: too short), with mean changes 0.5, -0.5, 0 in turn. */
static sentraj_analysis *analysis(sentraj_order order)
{
    static const char csv[] = "conversation_id,message_index,role,sentiment,categories\n"
                              "a,0,human,0,ep1\na,1,human,0,ep1\na,2,human,0,ep1\n"
                              "a,3,human,0.5,ep1\na,4,human,0.5,ep1\na,5,human,0.5,ep1\n"
                              "b,0,human,0,ep2\nb,1,human,0,ep2\nb,2,human,0,ep2\n"
                              "b,3,human,-0.5,ep2\nb,4,human,-0.5,ep2\nb,5,human,-0.5,ep2\n"
                              "c,0,human,0,ep10\nc,1,human,0,ep10\nc,2,human,0,ep10\n"
                              "c,3,human,0,ep10\nc,4,human,0,ep10\nc,5,human,0,ep10\n"
                              "d,0,human,0,ep3\n";
    sentraj_config cfg;
    sentraj_dataset *ds;
    sentraj_analysis *a = NULL;

    sentraj_config_init(&cfg);
    cfg.order = order;
    cfg.resamples = 50;
    ds = sentraj_dataset_alloc(&cfg, NULL);
    if (ds && sentraj_dataset_read_csv_buffer(ds, csv, strlen(csv), "t.csv", NULL) == SENTRAJ_OK &&
        sentraj_dataset_finish(ds, NULL) == SENTRAJ_OK)
        a = sentraj_analysis_compute(ds, &cfg, NULL);
    sentraj_dataset_free(ds);
    return a;
}

/* The rows' categories joined by spaces. */
static const char *rows(const sentraj_analysis *a)
{
    static char buf[256];
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; a && i < sentraj_analysis_rows(a); i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i ? " " : "",
                                 sentraj_analysis_row(a, i)->category);
    return buf;
}

static void test_orders(void)
{
    sentraj_analysis *a = analysis(SENTRAJ_ORDER_NATURAL);
    sentraj_error err;
    const char *list[] = {"ep10", "all", "ep3"}, *bad[] = {"ep10", "ep4", "ep5"}, *twice[] = {"ep1", "ep1"};
    sentraj_order o;

    tap_eq_str(rows(a), "ep1 ep2 ep3 ep10 all", "order/natural-rows");
    tap_ok(sentraj_analysis_reorder(a, list, 3, &err) == SENTRAJ_OK, "order/list/ok");
    tap_eq_str(rows(a), "ep10 ep3 ep1 ep2 all", "order/list/listed-first-all-last");
    tap_ok(strcmp(sentraj_analysis_row(a, 0)->category, "ep10") == 0 && sentraj_analysis_row(a, 0)->conversations == 1,
           "order/list/rows-move-with-names");
    tap_ok(sentraj_analysis_reorder(a, bad, 3, &err) == SENTRAJ_EUSAGE &&
               strcmp(err.message, "order: categories not in the data: \"ep4\", \"ep5\" (categories: \"ep10\", "
                                   "\"ep3\", \"ep1\", \"ep2\", \"all\")") == 0,
           "order/list/unknown-named");
    tap_eq_str(rows(a), "ep10 ep3 ep1 ep2 all", "order/list/unchanged-after-an-error");
    tap_ok(sentraj_analysis_reorder(a, twice, 2, &err) == SENTRAJ_EUSAGE &&
               strcmp(err.message, "order: category \"ep1\" given twice") == 0,
           "order/list/twice");
    sentraj_analysis_free(a);
    a = analysis(SENTRAJ_ORDER_NAME);
    tap_eq_str(rows(a), "ep1 ep10 ep2 ep3 all", "order/name-rows");
    sentraj_analysis_free(a);
    /* By value: 0.5, 0, -0.5, then ep3 without conversations. */
    a = analysis(SENTRAJ_ORDER_VALUE);
    tap_eq_str(rows(a), "ep1 ep10 ep2 ep3 all", "order/value-rows");
    sentraj_analysis_free(a);
    tap_ok(sentraj_order_parse("value", &o, &err) == SENTRAJ_OK && o == SENTRAJ_ORDER_VALUE &&
               strcmp(sentraj_order_name(SENTRAJ_ORDER_NATURAL), "natural") == 0,
           "order/names");
    tap_ok(sentraj_order_parse("size", &o, &err) == SENTRAJ_EUSAGE &&
               strcmp(err.message, "unknown row order \"size\" (expected natural, name, value)") == 0,
           "order/parse-unknown");
}

int main(void)
{
    test_natural();
    test_orders();
    return tap_done();
}
