/* figure_dots.c - a dot-and-whisker chart: values with intervals at labelled slots, one or more series. */
#include "report/figure_dots.h"

#include "report/figure_draw.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The differences of `compare` (one series: a dot per pair) and the grid of
 * `sensitivity` (a series per category: a dot per window and minimum) are
 * the same picture: values with their intervals as whiskers, slots along
 * the x axis, the frame, value axis and writers every chart shares. */

static const figure_rgb SERIES_COLORS[] = {FIGURE_HEX(0x0072b2), FIGURE_HEX(0xd55e00), FIGURE_HEX(0x009e73),
                                           FIGURE_HEX(0xcc79a7), FIGURE_HEX(0xe69f00), FIGURE_HEX(0x56b4e9),
                                           FIGURE_HEX(0x8c564b), FIGURE_HEX(0x7f7f7f)};
static const figure_rgb COLOR_ONE = FIGURE_HEX(0x333333);

typedef struct dlayout {
    figure_frame F;
    const dots_chart *c;
    double slot_w, dx, dot_r, lw, cap;
    double fs_lab, lab_y, fs_leg, leg_x, leg_y, leg_row, swatch;
    int two_lines;
} dlayout;

static figure_rgb series_color(const dots_chart *c, size_t s)
{
    return c->nseries == 1 ? COLOR_ONE : SERIES_COLORS[s % (sizeof SERIES_COLORS / sizeof SERIES_COLORS[0])];
}

/* The x of series s in slot i. */
static double dot_x(const dlayout *L, size_t i, size_t s)
{
    double centre = L->F.left + ((double)i + 0.5) * L->slot_w;
    return centre + ((double)s - 0.5 * (double)(L->c->nseries - 1)) * L->dx;
}

/* A slot label's lines: the text before and after its first '\n'. */
static void split_label(const char *s, size_t *len1, const char **line2)
{
    const char *nl = strchr(s, '\n');
    *len1 = nl ? (size_t)(nl - s) : strlen(s);
    *line2 = nl ? nl + 1 : NULL;
}

/* The label font: as large as 12 points (at the default size) while every
 * line fits its slot, at least 5 points. */
static void fit_labels(cairo_t *cr, dlayout *L)
{
    const dots_chart *c = L->c;
    double fs = fmax(12 * L->F.s, 7), widest = 0;

    figure_set_font(cr, fs, 0);
    for (size_t i = 0; i < c->nslots; i++) {
        size_t len1;
        const char *l2;
        split_label(c->slot[i], &len1, &l2);
        widest = fmax(widest, figure_text_w(cr, c->slot[i], len1));
        if (l2) {
            widest = fmax(widest, figure_str_w(cr, l2));
            L->two_lines = 1;
        }
    }
    if (widest > L->slot_w - 4 * L->F.s)
        fs = fmax(5, fs * (L->slot_w - 4 * L->F.s) / widest);
    L->fs_lab = fs;
}

/* The legend on the right (several series). */
static void place_legend(cairo_t *cr, dlayout *L)
{
    const dots_chart *c = L->c;
    double s = L->F.s, widest = 0;

    if (c->nseries < 2)
        return;
    L->fs_leg = fmax(12 * s, 7);
    L->swatch = 14 * s;
    figure_set_font(cr, L->fs_leg, 0);
    for (size_t k = 0; k < c->nseries; k++)
        widest = fmax(widest, figure_str_w(cr, c->series[k]));
    widest = fmin(widest, 0.3 * L->F.w);
    L->F.right = L->F.w - L->F.pad - L->swatch - 8 * s - widest - 12 * s;
    if (L->F.right < L->F.left + 40 * s)
        L->F.right = L->F.left + 40 * s;
    L->leg_x = L->F.right + 12 * s;
    L->leg_row = 1.6 * L->fs_leg;
    L->leg_y = L->F.top + 0.5 * L->leg_row;
}

static int dots_layout(cairo_t *cr, void *out, const void *subject, const sentraj_figure_options *o, double w,
                       double h)
{
    dlayout *L = out;
    const dots_chart *c = subject;
    double lo = INFINITY, hi = -INFINITY, below;

    L->c = c;
    figure_frame_init(&L->F, w, h);
    snprintf(L->F.title, sizeof L->F.title, "%s", c->title);
    snprintf(L->F.subtitle, sizeof L->F.subtitle, "%s", c->subtitle);
    snprintf(L->F.ylabel, sizeof L->F.ylabel, "%s", c->ylabel);
    figure_frame_titles(cr, &L->F, o, 24);
    for (size_t i = 0; i < c->nslots * c->nseries; i++) {
        const double v[3] = {c->v[i].est, c->v[i].lo, c->v[i].hi};
        for (int k = 0; k < 3; k++)
            if (isfinite(v[k])) {
                lo = fmin(lo, v[k]);
                hi = fmax(hi, v[k]);
            }
    }
    if (c->zero && lo <= hi) {
        lo = fmin(lo, 0);
        hi = fmax(hi, 0);
    }
    figure_value_axis(cr, &L->F, lo, hi, 0);
    L->F.right = w - 24 * L->F.s;
    place_legend(cr, L);
    L->slot_w = (L->F.right - L->F.left) / (double)(c->nslots ? c->nslots : 1);
    L->dx = fmin(L->slot_w / (double)(c->nseries + 1), 14 * L->F.s);
    L->dot_r = fmax(1.5, fmin(3.2 * L->F.s, 0.3 * L->dx + 1));
    L->lw = fmax(1.0, 1.6 * L->F.s);
    L->cap = fmax(L->dot_r + 1, fmin(6 * L->F.s, 0.35 * L->dx + 1));
    fit_labels(cr, L);
    below = 6 * L->F.s + (L->two_lines ? 2.4 : 1.2) * L->fs_lab + (c->xlabel[0] ? 8 * L->F.s + 1.3 * L->F.fs_axis : 0);
    L->F.bottom = h - L->F.pad - below;
    if (L->F.bottom < L->F.top + 10)
        L->F.bottom = L->F.top + 10;
    L->lab_y = L->F.bottom + 6 * L->F.s + 0.95 * L->fs_lab;
    return SENTRAJ_OK;
}

static void draw_values(cairo_t *cr, const dlayout *L)
{
    const dots_chart *c = L->c;

    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    for (size_t s = 0; s < c->nseries; s++) {
        figure_set_color(cr, series_color(c, s));
        cairo_set_line_width(cr, L->lw);
        for (size_t i = 0; i < c->nslots; i++) {
            const dots_value *v = &c->v[i * c->nseries + s];
            double x = dot_x(L, i, s);
            if (isfinite(v->lo) && isfinite(v->hi)) {
                double y0 = figure_ymap(&L->F, v->lo), y1 = figure_ymap(&L->F, v->hi);
                cairo_move_to(cr, x, y0);
                cairo_line_to(cr, x, y1);
                cairo_stroke(cr);
                figure_hline(cr, x - L->cap, x + L->cap, y0);
                figure_hline(cr, x - L->cap, x + L->cap, y1);
            }
            if (isfinite(v->est)) {
                cairo_new_sub_path(cr);
                cairo_arc(cr, x, figure_ymap(&L->F, v->est), L->dot_r, 0, 2 * FIGURE_PI);
                cairo_fill(cr);
            }
        }
    }
}

static void draw_xaxis(cairo_t *cr, const dlayout *L)
{
    const dots_chart *c = L->c;
    const figure_frame *F = &L->F;
    int cut;

    figure_set_color(cr, FIGURE_ZERO);
    cairo_set_line_width(cr, F->grid_lw);
    figure_hline(cr, F->left, F->right, F->bottom);
    figure_set_font(cr, L->fs_lab, 0);
    figure_set_color(cr, FIGURE_TEXT);
    for (size_t i = 0; i < c->nslots; i++) {
        double x = F->left + ((double)i + 0.5) * L->slot_w, room = L->slot_w - 2 * F->s;
        double ell = figure_str_w(cr, "\xe2\x80\xa6");
        size_t len1, n;
        const char *l2;
        split_label(c->slot[i], &len1, &l2);
        n = figure_fit_text(cr, c->slot[i], len1, 0, ell, room, &cut);
        figure_show_at(cr, c->slot[i], n, x, L->lab_y, 0.5);
        if (l2) {
            n = figure_fit_text(cr, l2, strlen(l2), 0, ell, room, &cut);
            figure_show_at(cr, l2, n, x, L->lab_y + 1.2 * L->fs_lab, 0.5);
        }
    }
    if (c->xlabel[0]) {
        figure_set_font(cr, F->fs_axis, 0);
        figure_show_at(cr, c->xlabel, strlen(c->xlabel), 0.5 * (F->left + F->right),
                       L->lab_y + (L->two_lines ? 1.2 * L->fs_lab : 0) + 8 * F->s + 1.1 * F->fs_axis, 0.5);
    }
}

static void draw_legend(cairo_t *cr, const dlayout *L)
{
    const dots_chart *c = L->c;
    double s = L->F.s;

    if (c->nseries < 2)
        return;
    for (size_t k = 0; k < c->nseries; k++) {
        double y = L->leg_y + (double)k * L->leg_row;
        int cut;
        size_t n;
        figure_set_color(cr, series_color(c, k));
        cairo_new_sub_path(cr);
        cairo_arc(cr, L->leg_x + 0.5 * L->swatch, y, L->dot_r + 0.5, 0, 2 * FIGURE_PI);
        cairo_fill(cr);
        figure_set_font(cr, L->fs_leg, 0);
        figure_set_color(cr, FIGURE_TEXT);
        n = figure_fit_text(cr, c->series[k], strlen(c->series[k]), 0, figure_str_w(cr, "\xe2\x80\xa6"),
                            L->F.w - L->F.pad - (L->leg_x + L->swatch + 8 * s), &cut);
        cairo_move_to(cr, L->leg_x + L->swatch + 8 * s, y + 0.36 * L->fs_leg);
        figure_show_n(cr, c->series[k], n);
        if (cut)
            cairo_show_text(cr, "\xe2\x80\xa6");
    }
}

static int dots_draw(cairo_t *cr, double w, double h, const void *subject, const sentraj_figure_options *o)
{
    dlayout L;
    int rc;

    memset(&L, 0, sizeof L);
    rc = figure_measure(dots_layout, &L, subject, o, w, h);
    if (rc == SENTRAJ_OK) {
        figure_begin(cr, &L.F);
        figure_axes(cr, &L.F);
        if (L.c->zero && L.F.ymin <= 0 && L.F.ymax >= 0) {
            figure_set_color(cr, FIGURE_ZERO);
            cairo_set_line_width(cr, L.F.zero_lw);
            figure_value_line(cr, &L.F, 0);
        }
        draw_xaxis(cr, &L);
        draw_values(cr, &L);
        draw_legend(cr, &L);
        figure_titles(cr, &L.F);
    }
    return figure_end(cr, rc);
}

/* Sizes and dpi; the slots and series are not categories an order or
 * labels could name. */
static int dots_check(const void *subject, const sentraj_figure_options *o, const char *source, sentraj_error *err)
{
    const dots_chart *c = subject;
    int rc = figure_check_options(o, NULL, source, err);

    if (rc != SENTRAJ_OK)
        return rc;
    if (o && (o->norder || o->nlabels))
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0, "the %s figure takes no order or labels",
                             c ? c->noun : "dot");
    return SENTRAJ_OK;
}

const figure_chart dots_figure = {"chart", dots_check, dots_draw};
