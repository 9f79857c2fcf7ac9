/* figure_sensitivity.c - the sensitivity figure: each category's estimate at every window and minimum. */
#include "report/figure_dots.h"

#include "core/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A slot per grid point, labelled "w3" over "m6", and in it a dot per
 * category (a series) with its interval: how the estimates move as the
 * window and the minimum number of human messages change. */
typedef struct sens_chart {
    dots_chart c;
    char **slots, **series;
    dots_value *v;
} sens_chart;

static void sens_chart_free(sens_chart *sc)
{
    for (size_t i = 0; sc->slots && i < sc->c.nslots; i++)
        free(sc->slots[i]);
    for (size_t i = 0; sc->series && i < sc->c.nseries; i++)
        free(sc->series[i]);
    free(sc->slots);
    free(sc->series);
    free(sc->v);
}

static int sens_chart_build(sens_chart *sc, const sentraj_sensitivity *s)
{
    const sentraj_config *cfg = sentraj_sensitivity_config(s);
    size_t np = sentraj_sensitivity_points(s), nc = np ? sentraj_sensitivity_rows(s) / np : 0;
    char stat[40];

    memset(sc, 0, sizeof *sc);
    sc->c.nslots = np;
    sc->c.nseries = nc;
    sc->slots = calloc(np ? np : 1, sizeof *sc->slots);
    sc->series = calloc(nc ? nc : 1, sizeof *sc->series);
    sc->v = calloc(np * nc > 0 ? np * nc : 1, sizeof *sc->v);
    if (!sc->slots || !sc->series || !sc->v)
        return SENTRAJ_ENOMEM;
    for (size_t p = 0; p < np; p++) {
        const sentraj_sensitivity_row *r = sentraj_sensitivity_row_get(s, p);
        if (!(sc->slots[p] = malloc(48)))
            return SENTRAJ_ENOMEM;
        snprintf(sc->slots[p], 48, "w%zu\nm%zu", r->window, r->min_human);
    }
    for (size_t c = 0; c < nc; c++) {
        size_t len;
        if (!(sc->series[c] = figure_label_alloc(NULL, sentraj_sensitivity_row_get(s, c * np)->category, &len)))
            return SENTRAJ_ENOMEM;
        for (size_t p = 0; p < np; p++) {
            const sentraj_sensitivity_row *r = sentraj_sensitivity_row_get(s, c * np + p);
            sc->v[p * nc + c] = (dots_value){r->mean_delta, r->ci_low, r->ci_high};
        }
    }
    sentraj_statistic_format(cfg, stat, sizeof stat);
    sc->c.slot = (const char *const *)sc->slots;
    sc->c.series = (const char *const *)sc->series;
    sc->c.v = sc->v;
    sc->c.zero = 1;
    sc->c.noun = "sensitivity";
    snprintf(sc->c.title, sizeof sc->c.title, "The change in sentiment over windows and thresholds");
    snprintf(sc->c.subtitle, sizeof sc->c.subtitle,
             "%s of the change, mean of the last w minus the first w human messages, conversations with at least m; "
             "%.4g%% bootstrap CI",
             stat, cfg->level * 100);
    snprintf(sc->c.ylabel, sizeof sc->c.ylabel, "Change in sentiment (%s)", stat);
    snprintf(sc->c.xlabel, sizeof sc->c.xlabel, "window w, minimum human messages m");
    return SENTRAJ_OK;
}

static int sens_check(const sentraj_sensitivity *s, const sentraj_figure_options *o, const char *source,
                      sentraj_error *err)
{
    static const dots_chart any = {.noun = "sensitivity"};
    int rc = dots_figure.check(&any, o, source, err);

    if (rc == SENTRAJ_OK && s && sentraj_sensitivity_config(s)->alternative != SENTRAJ_TWO_SIDED)
        rc = sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0,
                           "the figure draws two-sided intervals, not one-sided (%s) ones",
                           sentraj_alternative_name(sentraj_sensitivity_config(s)->alternative));
    return rc;
}

int sentraj_sensitivity_check_figure(const sentraj_sensitivity *s, const sentraj_figure_options *o,
                                     sentraj_error *err)
{
    sentraj_figure_options def;

    if (!o) {
        sentraj_figure_options_init(&def);
        o = &def;
    }
    return sens_check(s, o, NULL, err);
}

static int write_sens(figure_format fmt, FILE *f, const char *name, const sentraj_sensitivity *s,
                      const sentraj_figure_options *o, sentraj_error *err)
{
    sens_chart sc;
    int rc;

    if (!s)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "no sensitivity to draw");
    if ((rc = sens_check(s, o, name, err)) != SENTRAJ_OK)
        return rc;
    if ((rc = sens_chart_build(&sc, s)) != SENTRAJ_OK) {
        sens_chart_free(&sc);
        return sentraj_nomem(err, "sensitivity figure");
    }
    rc = figure_write(&dots_figure, fmt, f, name, &sc.c, o, err);
    sens_chart_free(&sc);
    return rc;
}

int sentraj_sensitivity_write_png(FILE *f, const char *name, const sentraj_sensitivity *s,
                                  const sentraj_figure_options *o, sentraj_error *err)
{
    return write_sens(FIGURE_PNG, f, name, s, o, err);
}

int sentraj_sensitivity_write_svg(FILE *f, const char *name, const sentraj_sensitivity *s,
                                  const sentraj_figure_options *o, sentraj_error *err)
{
    return write_sens(FIGURE_SVG, f, name, s, o, err);
}

int sentraj_sensitivity_write_pdf(FILE *f, const char *name, const sentraj_sensitivity *s,
                                  const sentraj_figure_options *o, sentraj_error *err)
{
    return write_sens(FIGURE_PDF, f, name, s, o, err);
}
