/* figure_write.h - what both charts' entry points share: checking options, and writing PNG, SVG or PDF. */
#ifndef SENTRAJ_REPORT_FIGURE_WRITE_H
#define SENTRAJ_REPORT_FIGURE_WRITE_H

#include "report/figure_draw.h"

#include "sentraj.h"

#include <stdio.h>

/* w and h within the sizes a figure may have. */
int figure_check_size(double w, double h);
/* The order's and then the labels' names: none empty or given twice, and,
 * unless known is NULL, every one a category of the chart (the message names
 * each unknown one and lists the known). o may be NULL. Returns SENTRAJ_OK
 * or SENTRAJ_EUSAGE, errors naming source. */
int figure_check_names(const sentraj_figure_options *o, const figure_names *known, const char *source,
                       sentraj_error *err);
/* Size, dpi and the PNG's pixel size of o, then figure_check_names. */
int figure_check_options(const sentraj_figure_options *o, const figure_names *known, const char *source,
                         sentraj_error *err);

/* What the writers need of a chart. */
typedef struct figure_chart {
    const char *noun; /* what it draws, for messages: "analysis", "positions" */
    /* Check o for subject, as the chart's public check does, errors naming source. */
    int (*check)(const void *subject, const sentraj_figure_options *o, const char *source, sentraj_error *err);
    /* Draw subject on cr in w x h points. Returns SENTRAJ_OK, SENTRAJ_ENOMEM,
     * SENTRAJ_EUSAGE, or SENTRAJ_EINTERNAL when cairo failed
     * (cairo_status(cr) says why). */
    int (*draw)(cairo_t *cr, double w, double h, const void *subject, const sentraj_figure_options *o);
} figure_chart;

typedef enum figure_format { FIGURE_PNG, FIGURE_SVG, FIGURE_PDF } figure_format;

/* chart->check with o's defaults when o is NULL. */
int figure_check(const figure_chart *chart, const void *subject, const sentraj_figure_options *o, sentraj_error *err);
/* Check the arguments and o (NULL: the defaults), load cairo, draw subject and
 * write it to f: a PNG of o's pixel size with o's dpi in its pHYs chunk, or
 * an SVG or PDF of o's size in points. Returns SENTRAJ_OK, SENTRAJ_EUSAGE,
 * SENTRAJ_EIO (naming name), SENTRAJ_ENOMEM or SENTRAJ_EINTERNAL. */
int figure_write(const figure_chart *chart, figure_format format, FILE *f, const char *name, const void *subject,
                 const sentraj_figure_options *o, sentraj_error *err);

#endif
