/* figure_compare.c - the compare figure: each difference between categories with its interval, and zero. */
#include "report/figure_dots.h"

#include "core/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The chart of a comparison: a slot per row labelled "a" over "- b", the
 * difference as a dot, its interval as a whisker. Labels are cleaned to
 * valid UTF-8 (figure_label_alloc) and owned here. */
typedef struct compare_chart {
    dots_chart c;
    char **labels;
    dots_value *v;
    const char *series[1];
} compare_chart;

static void compare_chart_free(compare_chart *cc)
{
    for (size_t i = 0; cc->labels && i < cc->c.nslots; i++)
        free(cc->labels[i]);
    free(cc->labels);
    free(cc->v);
}

static int compare_chart_build(compare_chart *cc, const sentraj_compare *cmp)
{
    const sentraj_config *cfg = sentraj_compare_config(cmp);
    size_t n = sentraj_compare_rows(cmp);
    char stat[40];

    memset(cc, 0, sizeof *cc);
    cc->labels = calloc(n ? n : 1, sizeof *cc->labels);
    cc->v = calloc(n ? n : 1, sizeof *cc->v);
    if (!cc->labels || !cc->v)
        return SENTRAJ_ENOMEM;
    cc->c.nslots = n;
    for (size_t i = 0; i < n; i++) {
        const sentraj_compare_row *r = sentraj_compare_row_get(cmp, i);
        size_t la, lb;
        char *a = figure_label_alloc(NULL, r->category_a, &la), *b = figure_label_alloc(NULL, r->category_b, &lb);
        if (a && b && (cc->labels[i] = malloc(la + lb + 8)))
            snprintf(cc->labels[i], la + lb + 8, "%s\n\xe2\x88\x92 %s", a, b);
        free(a);
        free(b);
        if (!cc->labels[i])
            return SENTRAJ_ENOMEM;
        cc->v[i] = (dots_value){r->difference, r->ci_low, r->ci_high};
    }
    sentraj_statistic_format(cfg, stat, sizeof stat);
    cc->series[0] = stat;
    cc->c.nseries = 1;
    cc->c.slot = (const char *const *)cc->labels;
    cc->c.series = cc->series;
    cc->c.v = cc->v;
    cc->c.zero = 1;
    cc->c.noun = "compare";
    snprintf(cc->c.title, sizeof cc->c.title, "Differences between categories (\xe2\x89\xa5 %zu human messages)",
             cfg->min_human);
    snprintf(cc->c.subtitle, sizeof cc->c.subtitle,
             "%s of the change, a \xe2\x88\x92 b; %.4g%% bootstrap CI resampling %s jointly, %zu resamples", stat,
             cfg->level * 100, sentraj_compare_cluster_by(cmp) ? "clusters" : "conversations", cfg->resamples);
    snprintf(cc->c.ylabel, sizeof cc->c.ylabel, "Difference in the %s (a \xe2\x88\x92 b)", stat);
    return SENTRAJ_OK;
}

/* The checks of sentraj_compare_check_figure, errors naming source. */
static int compare_check(const sentraj_compare *cmp, const sentraj_figure_options *o, const char *source,
                         sentraj_error *err)
{
    static const dots_chart any = {.noun = "compare"};
    int rc = dots_figure.check(&any, o, source, err);

    if (rc == SENTRAJ_OK && cmp && sentraj_compare_config(cmp)->alternative != SENTRAJ_TWO_SIDED)
        rc = sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0,
                           "the figure draws two-sided intervals, not one-sided (%s) ones",
                           sentraj_alternative_name(sentraj_compare_config(cmp)->alternative));
    return rc;
}

int sentraj_compare_check_figure(const sentraj_compare *c, const sentraj_figure_options *o, sentraj_error *err)
{
    sentraj_figure_options def;

    if (!o) {
        sentraj_figure_options_init(&def);
        o = &def;
    }
    return compare_check(c, o, NULL, err);
}

static int write_compare(figure_format fmt, FILE *f, const char *name, const sentraj_compare *c,
                         const sentraj_figure_options *o, sentraj_error *err)
{
    compare_chart cc;
    int rc;

    if (!c)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "no comparison to draw");
    if ((rc = compare_check(c, o, name, err)) != SENTRAJ_OK)
        return rc;
    if ((rc = compare_chart_build(&cc, c)) != SENTRAJ_OK) {
        compare_chart_free(&cc);
        return sentraj_nomem(err, "compare figure");
    }
    rc = figure_write(&dots_figure, fmt, f, name, &cc.c, o, err);
    compare_chart_free(&cc);
    return rc;
}

int sentraj_compare_write_png(FILE *f, const char *name, const sentraj_compare *c, const sentraj_figure_options *o,
                              sentraj_error *err)
{
    return write_compare(FIGURE_PNG, f, name, c, o, err);
}

int sentraj_compare_write_svg(FILE *f, const char *name, const sentraj_compare *c, const sentraj_figure_options *o,
                              sentraj_error *err)
{
    return write_compare(FIGURE_SVG, f, name, c, o, err);
}

int sentraj_compare_write_pdf(FILE *f, const char *name, const sentraj_compare *c, const sentraj_figure_options *o,
                              sentraj_error *err)
{
    return write_compare(FIGURE_PDF, f, name, c, o, err);
}
