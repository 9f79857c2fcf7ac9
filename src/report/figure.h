/* figure.h - the figure's geometry, exposed so tests can find bars by pixel. */
#ifndef SENTRAJ_FIGURE_H
#define SENTRAJ_FIGURE_H

#include "sentraj.h"

/* Where one category's bar sits in a figure of w x h points, y growing
 * downwards (a PNG at d dpi shows it at d / 72 pixels per point). There is
 * one slot per bar: by default every category row of the analysis, in the
 * analysis order, "all" excluded unless it is the only row; with an order in
 * the options, the rows it names in its order. */
typedef struct sentraj_figure_bar {
    size_t row;            /* index of the analysis row drawn in this slot */
    double x;              /* horizontal center of the bar (and of its whisker) */
    double half_width;     /* half the width of the bar */
    double cap_half_width; /* half the width of a whisker cap */
    double y_zero;         /* the zero line */
    double y_mean;         /* the bar's end at mean_delta; NaN when the row has no
                              conversations (no bar is drawn) */
    double y_ci_low;       /* the whisker's end at ci_low; NaN when there is no
                              interval (no whisker is drawn) */
    double y_ci_high;      /* the whisker's end at ci_high; NaN likewise */
    char label[208];       /* the name shown under the bar (display name or
                              category, cleaned to valid UTF-8) */
} sentraj_figure_bar;

/* Compute the figure's geometry with the same code that draws it: fill
 * bars[0 .. min(cap, slots) - 1] and set *nbars to the number of slots (which
 * may exceed cap, like snprintf). o may be NULL for the defaults; its width,
 * height and dpi are ignored in favour of w and h (points). Returns
 * SENTRAJ_OK, SENTRAJ_EUSAGE (a NULL analysis, a size out of [100, 8192], or
 * an order or labels that sentraj_analysis_check_figure rejects), SENTRAJ_ENOMEM or
 * SENTRAJ_EINTERNAL (cairo failed). Thread-safe. */
int sentraj_figure_layout(const sentraj_analysis *a, const sentraj_figure_options *o, double w, double h,
                          sentraj_figure_bar *bars, size_t cap, size_t *nbars);

#endif
