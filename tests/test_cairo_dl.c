/* test_cairo_dl.c - a figure without the cairo library is a clear error, and nothing else needs cairo. */
#include "tap.h"

#include "report/cairo_dl.h"
#include "report/figure.h"

#include <sentraj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROWS "conversation_id,message_index,role,sentiment,categories\n"

int main(void)
{
    static const char *const labels[] = {"very negative", "negative", "neutral", "positive", "very positive"};
    char csv[8192], *p = csv, msg[1200], *buf = NULL;
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_analysis *a = NULL;
    sentraj_figure_bar bars[8];
    size_t nbars = 7, len = 0;
    FILE *f;
    int rc;

    /* Before anything loads cairo: a library that does not exist. */
    cairo_dl_set_library("libsentraj-test-no-such-cairo.so.2");

    p += sprintf(p, ROWS);
    for (int c = 0; c < 20; c++)
        for (int i = 0; i < 6; i++)
            p += sprintf(p, "c%02d,%d,human,%s,%s\n", c, i, labels[(c + i * (c % 3)) % 5],
                         c % 2 ? "coaching" : "counseling");
    sentraj_config_init(&cfg);
    cfg.resamples = 50;
    cfg.threads = 1;
    ds = sentraj_dataset_alloc(&cfg, &err);
    rc = ds ? sentraj_dataset_read_csv_buffer(ds, csv, strlen(csv), "t.csv", &err) : err.code;
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_finish(ds, &err);
    if (rc == SENTRAJ_OK)
        a = sentraj_analysis_compute(ds, &cfg, &err);
    if (!tap_ok(a != NULL, "cairo-dl/analysis-needs-no-cairo"))
        tap_diag("%s", sentraj_error_format(&err, msg, sizeof msg));

    f = open_memstream(&buf, &len);
    rc = sentraj_analysis_write_png(f, "out.png", a, NULL, &err);
    fclose(f);
    sentraj_error_format(&err, msg, sizeof msg);
    tap_diag("%s", msg);
    tap_ok(rc == SENTRAJ_EINTERNAL && strstr(msg, "out.png") && strstr(msg, "cairo") &&
               strstr(msg, "libsentraj-test-no-such-cairo.so.2") && len == 0,
           "cairo-dl/png-without-cairo-is-an-error");
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    rc = sentraj_analysis_write_svg(f, "out.svg", a, NULL, &err);
    fclose(f);
    tap_ok(rc == SENTRAJ_EINTERNAL && len == 0, "cairo-dl/svg-without-cairo-is-an-error");
    tap_ok(sentraj_figure_layout(a, NULL, 400, 300, bars, 8, &nbars, NULL) == SENTRAJ_EINTERNAL && nbars == 0,
           "cairo-dl/layout-without-cairo-is-an-error");
    /* The check of options draws nothing, so it still works. */
    tap_ok(sentraj_analysis_check_figure(a, NULL, &err) == SENTRAJ_OK, "cairo-dl/check-needs-no-cairo");
    free(buf);
    sentraj_analysis_free(a);
    sentraj_dataset_free(ds);
    return tap_done();
}
