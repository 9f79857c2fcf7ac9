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

/* What every chart has: a title block, a plot area and a value (y) axis. */
typedef struct figure_frame {
    double w, h, s;
    double pad;
    /* The plot area: value ymax is at top, ymin at bottom. */
    double left, right, top, bottom;
    double ymin, ymax;
    /* Ticks at k * step for k in [k0, k0 + nticks). */
    double step;
    long k0;
    size_t nticks;
    int decimals;
    double tick_w; /* widest tick label */
    char title[512], subtitle[256], ylabel[160];
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
 * axis' font sizes and line widths. */
void figure_frame_init(figure_frame *F, double w, double h);
/* Fit the title and subtitle to the width and place them; the plot starts
 * gap points (at the default size) below the subtitle. F->title holds the
 * chart's own title, which o->title (cleaned) replaces when given. */
void figure_frame_titles(cairo_t *cr, figure_frame *F, const sentraj_figure_options *o, double gap);
/* The value axis for data from lo to hi (lo > hi: no data): a range padded by
 * 8% on each side, about one tick every 55 points of the plot's estimated
 * height at a 1-2-5 step, and the plot's left edge past the axis title and
 * the widest tick label. from_zero makes zero part of the range and leaves
 * unpadded a side the data do not reach beyond zero, as bar charts do.
 * Needs F->top. */
void figure_value_axis(cairo_t *cr, figure_frame *F, double lo, double hi, int from_zero);
/* The y coordinate of value v. */
double figure_ymap(const figure_frame *F, double v);

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
/* Grid lines (all but zero), tick labels and the y axis title. */
void figure_axes(cairo_t *cr, const figure_frame *F);
/* A horizontal line across the plot (and the tick stub) at value v, in the
 * current colour and line width. */
void figure_value_line(cairo_t *cr, const figure_frame *F, double v);
void figure_titles(cairo_t *cr, const figure_frame *F);
/* The status of a drawing: rc, or SENTRAJ_EINTERNAL when rc is SENTRAJ_OK but
 * cairo failed on cr. */
int figure_end(cairo_t *cr, int rc);

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
/* How many categories the chart shows: those o's order names, else `all`. */
size_t figure_shown(const sentraj_figure_options *o, size_t all);
/* The index in known of the i-th category shown: that of o's i-th order name
 * (known->count when it is not known), or i without an order. */
size_t figure_shown_index(const figure_names *known, const sentraj_figure_options *o, size_t i);
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
