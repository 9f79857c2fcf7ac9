/* use-sentraj.c - a program built against an installed sentraj via pkg-config:
 * parse a small CSV from memory through the public API and print a result. */
#include <sentraj.h>

#include <stdio.h>
#include <string.h>

/* Two coaching conversations of six human messages each:
 * c1: -0.5 -0.5 0 | 0.5 0.5 0.5 -> delta 5/6; c2: 0 0 0 | 0 0.5 0.5 -> 1/3.
 * Their mean delta is 7/12. */
static const char CSV[] =
    "conversation_id,message_index,role,sentiment,categories\n"
    "c1,0,human,negative,coaching\n"
    "c1,1,assistant,,coaching\n"
    "c1,2,human,negative,coaching\n"
    "c1,3,human,neutral,coaching\n"
    "c1,4,human,positive,coaching\n"
    "c1,5,human,positive,coaching\n"
    "c1,6,human,positive,coaching\n"
    "c2,0,human,neutral,coaching\n"
    "c2,1,human,neutral,coaching\n"
    "c2,2,human,neutral,coaching\n"
    "c2,3,human,neutral,coaching\n"
    "c2,4,human,positive,coaching\n"
    "c2,5,human,positive,coaching\n"
    "c3,0,human,positive,coaching\n";

int main(void)
{
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_analysis *a;
    sentraj_figure_options fo;
    const sentraj_result *r;
    char msg[1200], num[32];

    sentraj_config_init(&cfg);
    cfg.resamples = 200;
    cfg.threads = 1;
    ds = sentraj_dataset_alloc(&cfg, &err);
    if (!ds || sentraj_dataset_read_csv_buffer(ds, CSV, strlen(CSV), "inline.csv", &err) != SENTRAJ_OK ||
        sentraj_dataset_finish(ds, &err) != SENTRAJ_OK) {
        fprintf(stderr, "use-sentraj: %s\n", sentraj_error_format(&err, msg, sizeof msg));
        sentraj_dataset_free(ds);
        return 1;
    }
    a = sentraj_analysis_compute(ds, &cfg, &err);
    if (!a) {
        fprintf(stderr, "use-sentraj: %s\n", sentraj_error_format(&err, msg, sizeof msg));
        sentraj_dataset_free(ds);
        return 1;
    }
    r = sentraj_analysis_row(a, 0);
    printf("sentraj %s: %s n=%zu mean_delta=%s kept=%zu of %llu\n", SENTRAJ_VERSION, r->category,
           r->conversations, sentraj_format_double(r->mean_delta, num, sizeof num), sentraj_dataset_kept(ds),
           (unsigned long long)sentraj_dataset_counts(ds)->conversations);
    sentraj_figure_options_init(&fo);
    printf("figure options %s\n", sentraj_analysis_check_figure(a, &fo, NULL) == SENTRAJ_OK ? "ok" : "rejected");
    sentraj_analysis_free(a);
    sentraj_dataset_free(ds);
    return 0;
}
