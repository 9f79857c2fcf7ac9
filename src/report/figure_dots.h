/* figure_dots.h - a dot-and-whisker chart: values with intervals at labelled slots, one or more series. */
#ifndef SENTRAJ_REPORT_FIGURE_DOTS_H
#define SENTRAJ_REPORT_FIGURE_DOTS_H

#include "report/figure_write.h"

/* One value with its interval; NaN where there is none (no dot, no whisker). */
typedef struct dots_value {
    double est, lo, hi;
} dots_value;

/* What a chart shows, all borrowed: nslots labelled slots along the x axis,
 * each with one value per series (v[slot * nseries + series]); several
 * series get a legend and sit side by side within a slot. */
typedef struct dots_chart {
    size_t nslots, nseries;
    const char *const *slot;   /* slot labels; a '\n' splits one into two lines */
    const char *const *series; /* series names (the legend), nseries of them */
    const dots_value *v;
    char title[256], subtitle[256], ylabel[160], xlabel[160];
    int zero;                  /* draw the zero line */
    const char *noun;          /* what is drawn, for messages */
} dots_chart;

/* The chart's figure_chart (checks: size and dpi; order and labels refused). */
extern const figure_chart dots_figure;

#endif
