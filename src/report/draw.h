/* draw.h - what the bar and the line chart share: text, frame and value axis, option checks, writers. */
#ifndef SENTRAJ_REPORT_DRAW_H
#define SENTRAJ_REPORT_DRAW_H

#include "report/cairo_dl.h"

#include "sentraj.h"

#include <stdio.h>

/* A chart is laid out in points, always on the same kind of scratch surface,
 * and then painted on the output's surface: the PNG writer only scales the
 * drawing by dpi / 72, so every format shows the same geometry. Sizes are
 * given for the default 900 x 560 figure and multiplied by
 * s = min(w / 900, h / 560). */

#define DRAW_PI 3.14159265358979323846

typedef struct draw_rgb {
    double r, g, b;
} draw_rgb;

#define DRAW_HEX(v) { ((v) >> 16 & 0xff) / 255.0, ((v) >> 8 & 0xff) / 255.0, ((v) & 0xff) / 255.0 }
/* The colours of what both charts draw. */
#define DRAW_BG ((draw_rgb)DRAW_HEX(0xffffff))
#define DRAW_ZERO ((draw_rgb)DRAW_HEX(0x666666))  /* the zero line, the x axis */
#define DRAW_GRID ((draw_rgb)DRAW_HEX(0xe6e6e6))
#define DRAW_TEXT ((draw_rgb)DRAW_HEX(0x222222))
#define DRAW_MUTED ((draw_rgb)DRAW_HEX(0x666666)) /* tick labels, the subtitle */
#define DRAW_N ((draw_rgb)DRAW_HEX(0x777777))     /* "n = ..." */

/* What every chart has: a title block, a plot area and a value (y) axis. */
typedef struct draw_frame {
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
} draw_frame;

/* ---- Text --------------------------------------------------------------- */

/* Copy at most max bytes of src into dst (room for max + 1) as valid UTF-8
 * that cairo will accept: invalid bytes and control characters become '?',
 * and the copy ends at a character boundary. Returns the length written. */
size_t draw_clean_utf8(char *dst, const char *src, size_t max);
/* The largest index <= at that starts a character of the valid UTF-8 string
 * s: the length of the longest prefix of s[0 .. at - 1] that ends on a
 * character boundary. */
size_t draw_utf8_floor(const char *s, size_t at);
void draw_set_font(cairo_t *cr, double size, int bold);
void draw_set_color(cairo_t *cr, draw_rgb c);
/* Advance width of the first len bytes of s, or of all of s, in the current font. */
double draw_text_w(cairo_t *cr, const char *s, size_t len);
double draw_str_w(cairo_t *cr, const char *s);
/* Show the first len bytes of s with its baseline starting at the current point. */
void draw_show_n(cairo_t *cr, const char *s, size_t len);
/* Show s with its baseline at y; align 0 puts its start at x, 0.5 its middle,
 * 1 its end. */
void draw_show_at(cairo_t *cr, const char *s, size_t len, double x, double y, double align);
/* "1234567" -> "1,234,567". */
void draw_thousands(char *buf, size_t n, size_t v);
/* Shrink a font size until text fits in width, down to 60%; the font is left set. */
double draw_fit_font(cairo_t *cr, const char *text, double size, int bold, double width);
void draw_hline(cairo_t *cr, double x0, double x1, double y);

/* ---- The frame ---------------------------------------------------------- */

/* Font options every surface shares, so text measures the same on each. */
void draw_prepare(cairo_t *cr);
/* Ticks for the range [ymin, ymax] at a 1-2-5 step giving about `target`
 * intervals; a positive top or negative bottom is widened to the next tick
 * when that costs at most half a step. */
void draw_set_ticks(draw_frame *F, double target);
/* Tick label for value v, with a true minus sign. */
void draw_tick_label(const draw_frame *F, double v, char *buf, size_t n);
/* The y coordinate of value v. */
double draw_ymap(const draw_frame *F, double v);
/* Grid lines (all but zero), tick labels and the y axis title. */
void draw_axes(cairo_t *cr, const draw_frame *F);
void draw_titles(cairo_t *cr, const draw_frame *F);

/* ---- Options ------------------------------------------------------------ */

/* w and h within the sizes a figure may have. */
int draw_check_size(double w, double h);
/* Size, dpi and the PNG's pixel size of o, errors naming source. */
int draw_check_dims(const sentraj_figure_options *o, const char *source, sentraj_error *err);
/* Empty and repeated names of one list (order, or the labels' categories). */
int draw_check_list(const char *what, const char *const *names, const sentraj_figure_label *labels, size_t n,
                    const char *source, sentraj_error *err);

/* A list of names for a message, kept within the message's room: appends
 * "\"name\"" items separated by ", " to buf and, once full, counts the rest. */
typedef struct draw_namelist {
    char buf[200];
    size_t len, shown, left;
} draw_namelist;

void draw_namelist_add(draw_namelist *nl, const char *name);
const char *draw_namelist_end(draw_namelist *nl);

/* ---- Writers ------------------------------------------------------------ */

/* A drawing of w x h points on cr, of subject (an analysis, positions) with
 * options o. Returns SENTRAJ_OK, SENTRAJ_ENOMEM, SENTRAJ_EUSAGE, or
 * SENTRAJ_EINTERNAL when cairo failed (cairo_status(cr) says why). */
typedef int (*draw_fn)(cairo_t *cr, double w, double h, const void *subject, const sentraj_figure_options *o);

/* Write the drawing to f as a PNG of o's pixel size with o's dpi in its pHYs
 * chunk, or as SVG or PDF (pdf set) of o's size in points. o is checked.
 * Returns SENTRAJ_OK, SENTRAJ_EIO (naming name), SENTRAJ_ENOMEM or
 * SENTRAJ_EINTERNAL. */
int draw_write_png(FILE *f, const char *name, draw_fn fn, const void *subject, const sentraj_figure_options *o,
                   sentraj_error *err);
int draw_write_vector(int pdf, FILE *f, const char *name, draw_fn fn, const void *subject,
                      const sentraj_figure_options *o, sentraj_error *err);

#endif
