/* figure.h - the figures' geometry, exposed so tests can find bars, marks and labels by pixel. */
#ifndef SENTRAJ_FIGURE_H
#define SENTRAJ_FIGURE_H

#include "sentraj.h"

/* How a bar is marked (figure_bars.c decides, in one function). */
typedef enum sentraj_figure_mark {
    SENTRAJ_FIGURE_MARK_NONE = 0,
    SENTRAJ_FIGURE_MARK_NO_CI = 1,     /* no interval: a point at the mean (none without conversations)
                                          and the words "no CI" instead of a bar */
    SENTRAJ_FIGURE_MARK_DEGENERATE = 2 /* a zero-width interval: a diamond at the bar's end instead of
                                          a whisker, and named in the note */
} sentraj_figure_mark;

/* Where one category's bar sits in a figure of w x h points, y growing
 * downwards (a PNG at d dpi shows it at d / 72 pixels per point). There is
 * one slot per bar: by default every category row of the analysis, in the
 * analysis order, then "all" (unless no_all); with an order in the options,
 * the rows it names in its order.
 *
 * A bar runs along the value axis from the zero line to its mean; `at` is
 * its centre across it. The value coordinates (v_*) are y for vertical bars
 * and x for horizontal ones; `at` is then x, or y. */
typedef struct sentraj_figure_bar {
    size_t row;            /* index of the analysis row drawn in this slot */
    int is_all;            /* the "all" row, drawn in its own colour */
    sentraj_figure_mark mark;
    double at;             /* centre of the bar (and of its whisker) across the value axis */
    double half_width;     /* half the width of the bar */
    double cap_half_width; /* half the width of a whisker cap */
    double v_zero;         /* the zero line */
    double v_mean;         /* the bar's end (or the no-CI point) at mean_delta; NaN
                              when the row has no conversations */
    double v_ci_low;       /* the whisker's end at ci_low; NaN when there is no
                              interval (no bar and no whisker are drawn) */
    double v_ci_high;      /* the whisker's end at ci_high; NaN likewise */
    double dot_r;          /* the no-CI point's radius */
    double mark_box[4];    /* x0, y0, x1, y1 of the mark ("no CI" or the
                              diamond); all 0 without a mark */
    double label_box[4];   /* x0, y0, x1, y1 of the name as drawn (its first line's
                              baseline is y1 for names under vertical bars) */
    int label_cut;         /* the name is cut, an ellipsis after it */
    char label[208];       /* the name (display name or category, cleaned to
                              valid UTF-8), whole */
    char shown[208];       /* what is drawn of it (without the ellipsis) */
} sentraj_figure_bar;

/* What a figure shows around its plot. */
typedef struct sentraj_figure_info {
    int horizontal;                  /* the values run along x */
    size_t items;                    /* bars, or lines */
    int rotated;                     /* names under vertical bars are slanted */
    double left, right, top, bottom; /* the plot area */
    double vmin, vmax;               /* the value axis' range */
    double fs_label;                 /* the category names' font size */
    char title[512], subtitle[256], xlabel[160], ylabel[160];
    int subtitle_lines;              /* 0 (none), 1 or 2 */
    char note[320];                  /* the line under the plot naming the flagged bars; "" for none */
} sentraj_figure_info;

/* Compute the bar figure's geometry with the same code that draws it: fill
 * bars[0 .. min(cap, slots) - 1] and set *nbars to the number of slots (which
 * may exceed cap, like snprintf), and *info when info is not NULL. o may be
 * NULL for the defaults; its width, height and dpi are ignored in favour of w
 * and h (points). Returns SENTRAJ_OK, SENTRAJ_EUSAGE (a NULL analysis, a size
 * out of [100, 8192], or options that sentraj_analysis_check_figure rejects),
 * SENTRAJ_ENOMEM or SENTRAJ_EINTERNAL (cairo failed). Thread-safe. */
int sentraj_figure_layout(const sentraj_analysis *a, const sentraj_figure_options *o, double w, double h,
                          sentraj_figure_bar *bars, size_t cap, size_t *nbars, sentraj_figure_info *info);

/* The same for the positions figure: its texts, plot area and value range
 * (horizontal and rotated 0, fs_label its legend's font size, note ""). */
int sentraj_positions_figure_layout(const sentraj_positions *p, const sentraj_figure_options *o, double w, double h,
                                    sentraj_figure_info *info);

#endif
