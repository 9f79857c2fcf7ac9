/* figure_draw.h - the cairo drawing the bar and the line chart share: text, frame and value axis, categories. */
#ifndef SENTRAJ_REPORT_FIGURE_DRAW_H
#define SENTRAJ_REPORT_FIGURE_DRAW_H

#include "report/cairo_dl.h"

#include "sentraj.h"

/* A chart is laid out in points, always on the same kind of scratch surface,
 * and then painted on the output's surface: the PNG writer only scales the
 * drawing by dpi / 72, so every format shows the same geometry. Sizes are
 * given for the default 900 x 560 figure and multiplied by
 * s = min(w / 900, h / 560). */

#define FIGURE_PI 3.14159265358979323846

typedef struct figure_rgb {
    double r, g, b;
} figure_rgb;

/* A colour written 0xrrggbb, as an initializer. */
#define FIGURE_HEX(v) { ((v) >> 16 & 0xff) / 255.0, ((v) >> 8 & 0xff) / 255.0, ((v) & 0xff) / 255.0 }
/* The colours of what both charts draw. */
#define FIGURE_BG ((figure_rgb)FIGURE_HEX(0xffffff))
#define FIGURE_ZERO ((figure_rgb)FIGURE_HEX(0x666666))  /* the zero line, the x axis */
#define FIGURE_GRID ((figure_rgb)FIGURE_HEX(0xe6e6e6))
#define FIGURE_TEXT ((figure_rgb)FIGURE_HEX(0x222222))
#define FIGURE_MUTED ((figure_rgb)FIGURE_HEX(0x666666)) /* tick labels, the subtitle */
#define FIGURE_N ((figure_rgb)FIGURE_HEX(0x777777))     /* "n = ..." */

/* What every chart has: a title block, a plot area and a value axis, which
 * runs up the plot (vertical, the default) or, for horizontal bars, along
 * its bottom. */
typedef struct figure_frame {
    double w, h, s;
    double pad;
    /* The plot area: value ymax is at top (horizontal: at right), ymin at
     * bottom (at left). */
    double left, right, top, bottom;
    double ymin, ymax;
    int horizontal;            /* the values run along x */
    double clamp_lo, clamp_hi; /* the value axis stays within these (+-inf: no limit) */
    /* Ticks at k * step for k in [k0, k0 + nticks). */
    double step;
    long k0;
    size_t nticks;
    int decimals;
    double tick_w; /* widest tick label */
    /* The texts; an empty one is not drawn and takes no room. xlabel titles
     * the horizontal axis, ylabel the vertical one. */
    char title[512], subtitle[256], xlabel[160], ylabel[160];
    size_t sub_split; /* the subtitle's second line starts at subtitle + sub_split; 0: one line */
    double fs_title, fs_sub, fs_axis, fs_tick;
    double title_y, sub_y;
    double zero_lw, grid_lw;
} figure_frame;

/* ---- Text --------------------------------------------------------------- */

void figure_set_font(cairo_t *cr, double size, int bold);
void figure_set_color(cairo_t *cr, figure_rgb c);
/* Advance width of the first len bytes of s, or of all of s, in the current font. */
double figure_text_w(cairo_t *cr, const char *s, size_t len);
double figure_str_w(cairo_t *cr, const char *s);
/* Show the first len bytes of s with its baseline starting at the current point. */
void figure_show_n(cairo_t *cr, const char *s, size_t len);
/* Show s with its baseline at y; align 0 puts its start at x, 0.5 its middle,
 * 1 its end. */
void figure_show_at(cairo_t *cr, const char *s, size_t len, double x, double y, double align);
/* "1234567" -> "1,234,567". */
void figure_thousands(char *buf, size_t n, size_t v);
void figure_hline(cairo_t *cr, double x0, double x1, double y);

/* ---- The frame ---------------------------------------------------------- */

/* Start F for a w x h figure: scale, padding, the title block's and the
 * axis' font sizes and line widths; no clamp, vertical values. */
void figure_frame_init(figure_frame *F, double w, double h);
/* Apply o's title, subtitle and axis titles over the chart's defaults in
 * F (cleaned to valid UTF-8; NULL keeps the default, "" removes the text),
 * fit the title and subtitle to the width (the subtitle on two lines when
 * one would be too small) and place them; the plot starts gap points (at
 * the default size) below the last of them. */
void figure_frame_titles(cairo_t *cr, figure_frame *F, const sentraj_figure_options *o, double gap);
/* The value axis for data from lo to hi (lo > hi: no data): a range padded by
 * 8% on each side and kept within the clamp, about one tick every 55 points
 * of the plot's estimated height (80 points of its width when horizontal)
 * at a 1-2-5 step, and, when vertical, the plot's left edge past the axis
 * title and the widest tick label. from_zero makes zero part of the range
 * and leaves unpadded a side the data do not reach beyond zero, as bar
 * charts do. Needs F->top. */
void figure_value_axis(cairo_t *cr, figure_frame *F, double lo, double hi, int from_zero);
/* The coordinate of value v: y (x when horizontal). */
double figure_vmap(const figure_frame *F, double v);
/* The room the tick labels and the x axis title take under a horizontal
 * value axis. */
double figure_xaxis_height(const figure_frame *F);

/* The function that places a chart's parts: it fills layout (zeroed by the
 * caller) for a w x h figure of subject, measuring text on cr. Returns a
 * sentraj status. */
typedef int (*figure_layout_fn)(cairo_t *cr, void *layout, const void *subject, const sentraj_figure_options *o,
                                double w, double h);
/* Run fn on a scratch surface with the font options every output gets, so
 * that every output, whatever its surface type or scale, has the same
 * geometry. Returns fn's status, or SENTRAJ_EINTERNAL when cairo failed. */
int figure_measure(figure_layout_fn fn, void *layout, const void *subject, const sentraj_figure_options *o, double w,
                   double h);
/* Start painting a laid-out chart on cr: the font options it was measured
 * with, the PDF's document title, the background. */
void figure_begin(cairo_t *cr, const figure_frame *F);
/* Grid lines (all but zero), tick labels and the value axis' title (the
 * y title, or when horizontal the x title under the tick labels). */
void figure_axes(cairo_t *cr, const figure_frame *F);
/* A line across the plot (and the tick stub) at value v, in the current
 * colour and line width. */
void figure_value_line(cairo_t *cr, const figure_frame *F, double v);
/* An axis title: text centred on the plot's width with its baseline at y,
 * or, rotated to read upwards, centred on its height with its top at x. */
void figure_title_under(cairo_t *cr, const figure_frame *F, const char *text, double y);
void figure_title_left(cairo_t *cr, const figure_frame *F, const char *text, double x);
/* The room a title left of the plot takes: 0 for an empty text. */
double figure_title_left_width(const figure_frame *F, const char *text);
void figure_titles(cairo_t *cr, const figure_frame *F);
/* The status of a drawing: rc, or SENTRAJ_EINTERNAL when rc is SENTRAJ_OK but
 * cairo failed on cr. */
int figure_end(cairo_t *cr, int rc);

/* ---- What the interval is ------------------------------------------------ */

/* Bit e set for each engine e (sentraj_engine) that ran. */
typedef unsigned figure_engines;
/* "95% BCa bootstrap CI<over>, 1,000 resamples (index and multinomial
 * engines)", or with the exact engine (in engines, or resamples 0) "95%
 * BCa CI, exact bootstrap (exact engine)"; over is text after "CI" (a
 * leading blank included), or "". */
void figure_ci_text(char *buf, size_t n, double level, sentraj_method method, size_t resamples,
                    figure_engines engines, const char *over);

/* ---- Categories --------------------------------------------------------- */

/* The categories a chart can show: count names, the i-th being
 * name(subject, i). */
typedef struct figure_names {
    const void *subject;
    size_t count;
    const char *(*name)(const void *subject, size_t i);
} figure_names;

/* The index of the category called name, or known->count when there is none. */
size_t figure_names_find(const figure_names *known, const char *name);
/* How many categories the chart shows: those o's order names, else `all`
 * less the last (the "all" row) when o->no_all. */
size_t figure_shown(const sentraj_figure_options *o, size_t all);
/* The index in known of the i-th category shown: that of o's i-th order name
 * (known->count when it is not known), or i without an order. */
size_t figure_shown_index(const figure_names *known, const sentraj_figure_options *o, size_t i);
/* Copy src into dst (room for cap bytes, cap > 0) as valid UTF-8 that cairo
 * accepts: invalid bytes and control characters become '?', and the copy
 * ends at a character boundary. Returns the length written. */
size_t figure_clean(char *dst, const char *src, size_t cap);
/* The text shown for category (o's label for it, or the name itself) as
 * valid UTF-8 for cairo, cut at a character beyond 200 bytes; *len is its
 * length. Owned by the caller (free()); NULL when out of memory. */
char *figure_label_alloc(const sentraj_figure_options *o, const char *category, size_t *len);
/* The length of the prefix of s[0 .. len - 1] to show so that it, followed by
 * tail points of text, fits in room points in the current font: len when it
 * fits whole (*cut 0), else the longest prefix ending at a character that
 * fits with an ellipsis of ell points after it (*cut 1), 0 at the least. */
size_t figure_fit_text(cairo_t *cr, const char *s, size_t len, double tail, double ell, double room, int *cut);

#endif
