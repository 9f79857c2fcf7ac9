/* figure.c - the bar chart of mean sentiment change per category and the positions line chart, drawn with cairo. */
#include "report/figure.h"

#include "report/draw.h"
#include "core/error.h"
#include "analyses/positions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The bar chart reproduces "changes in average human-expressed sentiment
 * over the course of conversations with at least six human messages": one
 * bar per category at its mean delta, a whisker over its bootstrap interval,
 * the category name and its number of conversations underneath.
 *
 * Everything is placed by compute_layout() and painted by draw(); the PNG,
 * SVG and PDF writers and sentraj_figure_layout() all go through them, so the
 * geometry the tests check is the geometry that is drawn. */

static const draw_rgb COLOR_BAR = DRAW_HEX(0xd97757);
static const draw_rgb COLOR_WHISKER = DRAW_HEX(0x333333);

/* One category position on the x axis and the text under it. */
typedef struct slot {
    size_t row;
    const sentraj_result *r;
    char *name;         /* valid UTF-8 copy of the category name, owned */
    size_t len;         /* bytes of name shown (a rotated label may be cut) */
    int cut;            /* an ellipsis follows name[0 .. len - 1] */
    size_t split;       /* horizontal labels: line 2 starts at name + split + 1; 0 for one line */
    double name_w;      /* rotated labels: drawn width of the name part */
    double label_w;     /* rotated labels: drawn width of the whole label */
    double full_w;      /* rotated labels: width the label would have uncut */
    char nlabel[64];    /* "n = 1,234", "n = 1 (no CI)", "n = 0" */
} slot;

typedef struct layout {
    draw_frame F; /* title block, plot area, value axis */
    double fs_cat, fs_n;
    /* Category labels: horizontal (one or two lines of name, then n) or
     * rotated by angle (name and n on one line, ending under the bar). */
    int rotated;
    double angle;
    size_t lines;
    double label_top;
    /* Bars. */
    size_t n;
    slot *slots;
    double slot_w, bar_half, cap_half;
    double whisker_lw;
} layout;

/* ------------------------------------------------------------------------ */
/* Layout                                                                    */
/* ------------------------------------------------------------------------ */

static void layout_free(layout *L)
{
    if (L->slots)
        for (size_t i = 0; i < L->n; i++)
            free(L->slots[i].name);
    free(L->slots);
    L->slots = NULL;
}

static int has_ci(const sentraj_result *r)
{
    return r->conversations > 0 && isfinite(r->boot.ci_low) && isfinite(r->boot.ci_high);
}

static int has_mean(const sentraj_result *r)
{
    return r->conversations > 0 && isfinite(r->mean_delta);
}

static const char *row_name(const sentraj_result *r)
{
    return r && r->category ? r->category : "";
}

/* The analysis' rows, as the categories a figure may show. */
static const char *analysis_name(const void *a, size_t i)
{
    return row_name(sentraj_analysis_row(a, i));
}

static draw_names analysis_names(const sentraj_analysis *a)
{
    draw_names rows = {a, sentraj_analysis_rows(a), analysis_name};
    return rows;
}

/* Split name into two lines at the space that makes the wider line narrowest;
 * returns the split's byte index, or 0 when there is no space. */
static size_t best_split(cairo_t *cr, const char *name, size_t len, double *widest)
{
    size_t best = 0;
    double best_w = draw_text_w(cr, name, len);

    for (size_t i = 1; i + 1 < len; i++) {
        if (name[i] != ' ')
            continue;
        double w1 = draw_text_w(cr, name, i), w2 = draw_text_w(cr, name + i + 1, len - i - 1);
        double wmax = fmax(w1, w2);
        if (best == 0 || wmax < best_w) {
            best = i;
            best_w = wmax;
        }
    }
    *widest = best_w;
    return best;
}

/* Try horizontal labels at font scale k: names that are wider than their bar
 * and contain a space go on two lines. Returns 1 when every label fits its
 * slot. */
static int try_horizontal(cairo_t *cr, layout *L, double k)
{
    double room = L->slot_w - 6 * L->F.s;

    L->lines = 1;
    for (size_t i = 0; i < L->n; i++) {
        slot *sl = &L->slots[i];
        double w;

        draw_set_font(cr, L->fs_n * k, 0);
        if (draw_str_w(cr, sl->nlabel) > room)
            return 0;
        draw_set_font(cr, L->fs_cat * k, 0);
        w = draw_text_w(cr, sl->name, sl->len);
        sl->split = 0;
        if (w > 2 * L->bar_half * 1.05 || w > room) {
            double w2;
            size_t split = best_split(cr, sl->name, sl->len, &w2);
            if (split) {
                sl->split = split;
                w = w2;
                L->lines = 2;
            }
        }
        if (w > room)
            return 0;
    }
    return 1;
}

/* Slots share the plot's width equally; bars and caps follow. */
static void set_slots(layout *L)
{
    double s = L->F.s;

    L->slot_w = (L->F.right - L->F.left) / (double)(L->n ? L->n : 1);
    L->bar_half = fmin(0.31 * L->slot_w, 55 * s);
    /* Caps are small, but always a little wider than the whisker itself. */
    L->cap_half = fmax(fmin(fmax(0.45 * L->bar_half, 3 * s), fmin(9 * s, L->bar_half)), L->whisker_lw + 1);
}

/* The plot's left edge at which no slanted label (at its full width) would
 * start left of half the padding: label i ends at
 * x_i = left + (i + 1/2) (right - left) / n and starts (width) cos(angle)
 * before that. */
static double rotated_left(const layout *L)
{
    double cs = cos(L->angle), need = L->F.left;

    if (cs < 1e-6)
        return need;
    for (size_t i = 0; i < L->n; i++) {
        double f = ((double)i + 0.5) / (double)L->n;
        need = fmax(need, (0.5 * L->F.pad + L->slots[i].full_w * cs - L->F.right * f) / (1 - f));
    }
    return need;
}

/* Rotated labels: "name  n = 12" on one line ending under the bar, in a font
 * of at most fs, cut with an ellipsis when it would leave the figure or take
 * more than 36% of its height. Returns the height the labels need below the
 * plot. */
static double set_rotated(cairo_t *cr, layout *L, double fs, double gap)
{
    double sn = sin(L->angle), cs = cos(L->angle), extent = 0;
    double ell_w;
    double max_h = 0.36 * L->F.h - gap - L->F.pad;

    /* Neighbouring labels are slot_w * sin(angle) apart. */
    fs = fmin(fs, L->slot_w * sn / 1.3);
    fs = fmax(fs, 4.0);
    L->fs_cat = L->fs_n = fs;
    draw_set_font(cr, fs, 0);
    ell_w = draw_str_w(cr, "\xe2\x80\xa6");
    for (size_t i = 0; i < L->n; i++) {
        slot *sl = &L->slots[i];
        double x = L->F.left + ((double)i + 0.5) * L->slot_w;
        double nw, lmax = (max_h - 0.5 * fs * cs) / sn;
        char tail[80];
        size_t len;

        snprintf(tail, sizeof tail, "  %s", sl->nlabel);
        nw = draw_str_w(cr, tail);
        if (cs > 1e-6)
            lmax = fmin(lmax, (x - 0.5 * L->F.pad) / cs);
        len = strlen(sl->name);
        sl->full_w = draw_text_w(cr, sl->name, len) + nw;
        sl->len = draw_fit_text(cr, sl->name, len, nw, ell_w, lmax, &sl->cut);
        sl->name_w = draw_text_w(cr, sl->name, sl->len) + (sl->cut ? ell_w : 0);
        sl->label_w = sl->name_w + nw;
        extent = fmax(extent, sl->label_w * sn + 0.5 * fs * cs);
    }
    return extent;
}

static size_t first_ok_resamples(const sentraj_analysis *a, size_t rows, size_t fallback)
{
    for (size_t i = 0; i < rows; i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        if (r && r->boot.status == SENTRAJ_CI_OK)
            return r->boot.resamples;
    }
    return fallback;
}

/* One slot per bar: the rows the order names, in its order; by default
 * every row but the final "all", unless it is the only one. */
static int make_slots(layout *L, const sentraj_analysis *a, const sentraj_figure_options *o)
{
    draw_names rows = analysis_names(a);

    L->n = draw_shown(o, rows.count > 1 ? rows.count - 1 : rows.count);
    if (L->n > 0) {
        L->slots = calloc(L->n, sizeof *L->slots);
        if (!L->slots)
            return SENTRAJ_ENOMEM;
    }
    for (size_t i = 0; i < L->n; i++) {
        slot *sl = &L->slots[i];
        char num[40];

        sl->row = draw_shown_index(&rows, o, i);
        sl->r = sentraj_analysis_row(a, sl->row);
        if (!sl->r)
            return SENTRAJ_EUSAGE; /* a name of the order that is not a row */
        sl->name = draw_label_alloc(o, row_name(sl->r), &sl->len);
        if (!sl->name)
            return SENTRAJ_ENOMEM;
        draw_thousands(num, sizeof num, sl->r->conversations);
        if (sl->r->conversations > 0 && !has_ci(sl->r))
            snprintf(sl->nlabel, sizeof sl->nlabel, "n = %s (no CI)", num);
        else
            snprintf(sl->nlabel, sizeof sl->nlabel, "n = %s", num);
    }
    return SENTRAJ_OK;
}

/* The default title, the subtitle and the axis title, which name the
 * filter, the window and how the intervals were computed. */
static void bar_texts(draw_frame *F, const sentraj_analysis *a)
{
    size_t rows = sentraj_analysis_rows(a);
    const sentraj_config *cfg = sentraj_analysis_config(a);
    size_t min_human = cfg ? cfg->min_human : 6, window = cfg ? cfg->window : 3;
    size_t resamples = first_ok_resamples(a, rows, cfg ? cfg->resamples : 1000);
    double level = cfg ? cfg->level : 0.95;
    char lvl[32];
    size_t at;

    snprintf(F->title, sizeof F->title,
             "Change in expressed sentiment over conversations (\xe2\x89\xa5 %zu human messages)", min_human);
    snprintf(lvl, sizeof lvl, "%.4g%%", level * 100);
    if (window == 1)
        snprintf(F->subtitle, sizeof F->subtitle, "last minus first human message; ");
    else
        snprintf(F->subtitle, sizeof F->subtitle, "mean of last %zu minus first %zu human messages; ", window,
                 window);
    at = strlen(F->subtitle);
    if (resamples == 0)
        snprintf(F->subtitle + at, sizeof F->subtitle - at, "%s exact bootstrap CI", lvl);
    else if (sentraj_analysis_cluster_by(a))
        snprintf(F->subtitle + at, sizeof F->subtitle - at, "%s bootstrap CI resampling %.60s clusters, %zu resamples",
                 lvl, sentraj_analysis_cluster_by(a), resamples);
    else
        snprintf(F->subtitle + at, sizeof F->subtitle - at, "%s bootstrap CI, %zu resamples", lvl, resamples);
    if (window == 1)
        snprintf(F->ylabel, sizeof F->ylabel, "Change in sentiment (last \xe2\x88\x92 first)");
    else
        snprintf(F->ylabel, sizeof F->ylabel, "Change in mean sentiment (last %zu \xe2\x88\x92 first %zu)", window,
                 window);
}

/* The extremes of what the bars and whiskers show; lo > hi when nothing. */
static void bar_extremes(const layout *L, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < L->n; i++) {
        const sentraj_result *r = L->slots[i].r;
        if (has_mean(r)) {
            *lo = fmin(*lo, r->mean_delta);
            *hi = fmax(*hi, r->mean_delta);
        }
        if (has_ci(r)) {
            *lo = fmin(*lo, r->boot.ci_low);
            *hi = fmax(*hi, r->boot.ci_high);
        }
    }
}

/* The labels under the bars: horizontal at full size, else smaller, else
 * rotated. The plot ends where they begin. */
static void place_labels(cairo_t *cr, layout *L)
{
    static const double scales[] = { 1.0, 0.92, 0.84, 0.76 };
    double s = L->F.s, gap = 9 * s, extent = 0;
    size_t i;

    for (i = 0; i < sizeof scales / sizeof scales[0]; i++)
        if (try_horizontal(cr, L, scales[i]))
            break;
    if (i < sizeof scales / sizeof scales[0]) {
        L->fs_cat *= scales[i];
        L->fs_n *= scales[i];
        extent = (double)L->lines * 1.2 * L->fs_cat + 3 * s + 1.25 * L->fs_n;
    } else {
        double fs = L->fs_cat, left;
        L->rotated = 1;
        L->angle = L->slot_w * sin(DRAW_PI / 4) >= 1.3 * 9 * s ? DRAW_PI / 4 : DRAW_PI / 2;
        extent = set_rotated(cr, L, fs, gap);
        /* Slanted labels of the first bars reach left, past the tick
         * labels: move the plot right (by at most a fifth of the
         * figure) rather than cut them. */
        left = rotated_left(L);
        if (left > L->F.left) {
            L->F.left = fmin(left, L->F.left + 0.2 * L->F.w);
            set_slots(L);
            if (L->slot_w * sin(DRAW_PI / 4) < 1.3 * 9 * s)
                L->angle = DRAW_PI / 2;
            extent = set_rotated(cr, L, fs, gap);
        }
    }
    L->F.bottom = L->F.h - L->F.pad - gap - extent;
    if (L->F.bottom < L->F.top + 10)
        L->F.bottom = L->F.top + 10;
    L->label_top = L->F.bottom + gap;
}

/* Place everything (a draw_layout_fn for the layout of an analysis). */
static int compute_layout(cairo_t *cr, void *out, const void *a, const sentraj_figure_options *o, double w,
                          double h)
{
    layout *L = out;
    double lo, hi;
    int rc;

    draw_frame_init(&L->F, w, h);
    L->fs_cat = fmax(13.5 * L->F.s, 7);
    L->fs_n = fmax(11.5 * L->F.s, 7);
    L->whisker_lw = fmax(2.0, 2.0 * L->F.s);
    rc = make_slots(L, a, o);
    if (rc != SENTRAJ_OK)
        return rc;
    bar_texts(&L->F, a);
    draw_frame_titles(cr, &L->F, o, 28);
    /* Bars start at zero, so zero is always on the axis. */
    bar_extremes(L, &lo, &hi);
    draw_value_axis(cr, &L->F, lo, hi, 1);
    L->F.right = w - 24 * L->F.s;
    set_slots(L);
    place_labels(cr, L);
    return SENTRAJ_OK;
}

/* Lay the figure out (w x h points). L is always initialized; layout_free()
 * it afterwards. */
static int make_layout(layout *L, const sentraj_analysis *a, const sentraj_figure_options *o, double w, double h)
{
    memset(L, 0, sizeof *L);
    return draw_measure(compute_layout, L, a, o, w, h);
}

static void fill_bar(const layout *L, size_t i, sentraj_figure_bar *b)
{
    const sentraj_result *r = L->slots[i].r;

    b->row = L->slots[i].row;
    b->x = L->F.left + ((double)i + 0.5) * L->slot_w;
    b->half_width = L->bar_half;
    b->cap_half_width = L->cap_half;
    b->y_zero = draw_ymap(&L->F, 0);
    b->y_mean = has_mean(r) ? draw_ymap(&L->F, r->mean_delta) : NAN;
    b->y_ci_low = has_ci(r) ? draw_ymap(&L->F, r->boot.ci_low) : NAN;
    b->y_ci_high = has_ci(r) ? draw_ymap(&L->F, r->boot.ci_high) : NAN;
    snprintf(b->label, sizeof b->label, "%s", L->slots[i].name);
}

int sentraj_figure_layout(const sentraj_analysis *a, const sentraj_figure_options *o, double w, double h,
                          sentraj_figure_bar *bars, size_t cap, size_t *nbars)
{
    draw_names rows;
    layout L;
    int rc;

    if (nbars)
        *nbars = 0;
    if (!a || !draw_check_size(w, h))
        return SENTRAJ_EUSAGE;
    rows = analysis_names(a);
    rc = draw_check_names(o, &rows, NULL, NULL);
    if (rc == SENTRAJ_OK)
        rc = cairo_dl_load(NULL, NULL);
    if (rc != SENTRAJ_OK)
        return rc;
    rc = make_layout(&L, a, o, w, h);
    if (rc == SENTRAJ_OK) {
        for (size_t i = 0; i < L.n && i < cap; i++)
            fill_bar(&L, i, &bars[i]);
        if (nbars)
            *nbars = L.n;
    }
    layout_free(&L);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                   */
/* ------------------------------------------------------------------------ */

static void paint_bars(cairo_t *cr, const layout *L)
{
    sentraj_figure_bar b;

    draw_set_color(cr, COLOR_BAR);
    for (size_t i = 0; i < L->n; i++) {
        fill_bar(L, i, &b);
        if (isnan(b.y_mean))
            continue;
        cairo_rectangle(cr, b.x - b.half_width, fmin(b.y_mean, b.y_zero), 2 * b.half_width,
                        fabs(b.y_zero - b.y_mean));
        cairo_fill(cr);
    }

    /* The zero line goes over the bars' bases and under the whiskers. */
    draw_set_color(cr, DRAW_ZERO);
    cairo_set_line_width(cr, L->F.zero_lw);
    draw_value_line(cr, &L->F, 0);

    draw_set_color(cr, COLOR_WHISKER);
    cairo_set_line_width(cr, L->whisker_lw);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    for (size_t i = 0; i < L->n; i++) {
        fill_bar(L, i, &b);
        if (isnan(b.y_ci_low))
            continue;
        /* A degenerate interval is a single cap at the mean. */
        if (fabs(b.y_ci_low - b.y_ci_high) > 0.5) {
            cairo_move_to(cr, b.x, b.y_ci_low);
            cairo_line_to(cr, b.x, b.y_ci_high);
            cairo_stroke(cr);
        }
        draw_hline(cr, b.x - b.cap_half_width, b.x + b.cap_half_width, b.y_ci_low);
        draw_hline(cr, b.x - b.cap_half_width, b.x + b.cap_half_width, b.y_ci_high);
    }
}

static void paint_labels(cairo_t *cr, const layout *L)
{
    double s = L->F.s;

    for (size_t i = 0; i < L->n; i++) {
        const slot *sl = &L->slots[i];
        double x = L->F.left + ((double)i + 0.5) * L->slot_w;

        if (!L->rotated) {
            double y = L->label_top + 0.95 * L->fs_cat;
            draw_set_font(cr, L->fs_cat, 0);
            draw_set_color(cr, DRAW_TEXT);
            if (sl->split) {
                draw_show_at(cr, sl->name, sl->split, x, y, 0.5);
                draw_show_at(cr, sl->name + sl->split + 1, sl->len - sl->split - 1, x, y + 1.2 * L->fs_cat, 0.5);
            } else
                draw_show_at(cr, sl->name, sl->len, x, y, 0.5);
            draw_set_font(cr, L->fs_n, 0);
            draw_set_color(cr, DRAW_N);
            y = L->label_top + (sl->split ? 2 : 1) * 1.2 * L->fs_cat + 3 * s + 0.95 * L->fs_n;
            draw_show_at(cr, sl->nlabel, strlen(sl->nlabel), x, y, 0.5);
        } else {
            char tail[80];
            draw_set_font(cr, L->fs_cat, 0);
            cairo_save(cr);
            cairo_translate(cr, x, L->label_top);
            cairo_rotate(cr, -L->angle);
            cairo_move_to(cr, -sl->label_w, 0.36 * L->fs_cat);
            draw_set_color(cr, DRAW_TEXT);
            draw_show_n(cr, sl->name, sl->len);
            if (sl->cut)
                cairo_show_text(cr, "\xe2\x80\xa6");
            snprintf(tail, sizeof tail, "  %s", sl->nlabel);
            draw_set_color(cr, DRAW_N);
            cairo_show_text(cr, tail);
            cairo_restore(cr);
        }
    }
}

/* Paint the whole figure on cr, w x h points in cr's user space (a draw_chart's draw). */
static int draw(cairo_t *cr, double w, double h, const void *a, const sentraj_figure_options *o)
{
    layout L;
    int rc = make_layout(&L, a, o, w, h);

    if (rc == SENTRAJ_OK) {
        draw_begin(cr, &L.F);
        draw_axes(cr, &L.F);
        paint_bars(cr, &L);
        paint_labels(cr, &L);
        draw_titles(cr, &L.F);
    }
    layout_free(&L);
    return draw_end(cr, rc);
}

/* ------------------------------------------------------------------------ */
/* Options and writers                                                       */
/* ------------------------------------------------------------------------ */

/* Everything sentraj_figure_check checks, errors naming source. */
static int check_analysis(const void *a, const sentraj_figure_options *o, const char *source, sentraj_error *err)
{
    draw_names rows;

    if (!a)
        return draw_check_options(o, NULL, source, err);
    rows = analysis_names(a);
    return draw_check_options(o, &rows, source, err);
}

static const draw_chart bar_chart = {"analysis", check_analysis, draw};

int sentraj_figure_check(const sentraj_analysis *a, const sentraj_figure_options *o, sentraj_error *err)
{
    return draw_check(&bar_chart, a, o, err);
}

int sentraj_figure_write_png(FILE *f, const char *name, const sentraj_analysis *a, const sentraj_figure_options *o,
                             sentraj_error *err)
{
    return draw_write(&bar_chart, DRAW_PNG, f, name, a, o, err);
}

int sentraj_figure_write_svg(FILE *f, const char *name, const sentraj_analysis *a, const sentraj_figure_options *o,
                             sentraj_error *err)
{
    return draw_write(&bar_chart, DRAW_SVG, f, name, a, o, err);
}

int sentraj_figure_write_pdf(FILE *f, const char *name, const sentraj_analysis *a, const sentraj_figure_options *o,
                             sentraj_error *err)
{
    return draw_write(&bar_chart, DRAW_PDF, f, name, a, o, err);
}

/* ------------------------------------------------------------------------ */
/* The positions figure: lines with interval bands                           */
/* ------------------------------------------------------------------------ */

/* One line per category of a sentraj_positions (or those the order names),
 * the mean at each position joined by a line over a shaded band from ci_low
 * to ci_high, with a legend on the right. */

static const draw_rgb LINE_COLORS[] = {DRAW_HEX(0x0072b2), DRAW_HEX(0xd55e00), DRAW_HEX(0x009e73),
                                       DRAW_HEX(0xcc79a7), DRAW_HEX(0xe69f00), DRAW_HEX(0x56b4e9),
                                       DRAW_HEX(0x8c564b), DRAW_HEX(0x7f7f7f)};
static const draw_rgb COLOR_ALL = DRAW_HEX(0x222222);

typedef struct pline {
    size_t cat;        /* category index in the positions */
    char *name;        /* display name, valid UTF-8, owned */
    size_t len;        /* bytes of name shown */
    int cut;           /* an ellipsis follows */
    char nlabel[48];   /* "n = 1,234" */
    draw_rgb color;
    int dashed;        /* the "all" line */
} pline;

typedef struct playout {
    draw_frame F;      /* title block, value axis and plot area */
    const sentraj_positions *p;
    pline *lines;
    size_t nlines;
    double xstep;      /* points between positions */
    double fs_leg, leg_x, leg_y, leg_row, swatch;
    double line_lw, dot_r;
    char xlabel[160];
    int xevery;        /* label every xevery-th position */
    int pct;           /* bins labelled as percentages */
} playout;

static void playout_free(playout *P)
{
    for (size_t i = 0; P->lines && i < P->nlines; i++)
        free(P->lines[i].name);
    free(P->lines);
    P->lines = NULL;
}

/* The categories of the positions, "all" last. */
static const char *positions_name(const void *p, size_t i)
{
    return ((const sentraj_positions *)p)->names[i];
}

static draw_names positions_names(const sentraj_positions *p)
{
    draw_names cats = {p, p->ncat, positions_name};
    return cats;
}

static double px(const playout *P, size_t q)
{
    return P->F.left + ((double)q + 0.5) * P->xstep;
}

/* The x tick label of position q (0-based). */
static void pos_label(const playout *P, size_t q, char *buf, size_t n)
{
    size_t k = P->p->npos;
    if (P->pct)
        snprintf(buf, n, "%g\xe2\x80\x93%g%%", 100.0 * (double)q / (double)k, 100.0 * (double)(q + 1) / (double)k);
    else
        snprintf(buf, n, "%zu", q + 1);
}

/* The lines: the order's categories, else every category and "all"; their
 * names, counts and colours, and the extremes of what they show (lo > hi
 * when nothing). */
static int make_lines(playout *P, const sentraj_positions *p, const sentraj_figure_options *o, double *lo,
                      double *hi)
{
    draw_names cats = positions_names(p);
    size_t npos = p->npos;

    P->nlines = draw_shown(o, p->ncat);
    P->lines = calloc(P->nlines ? P->nlines : 1, sizeof *P->lines);
    if (!P->lines)
        return SENTRAJ_ENOMEM;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0, ci = 0; i < P->nlines; i++) {
        pline *ln = &P->lines[i];
        size_t n = 0;
        char num[40];

        ln->cat = draw_shown_index(&cats, o, i);
        if (ln->cat >= p->ncat)
            return SENTRAJ_EUSAGE;
        ln->dashed = ln->cat + 1 == p->ncat;
        ln->color = ln->dashed ? COLOR_ALL : LINE_COLORS[ci++ % (sizeof LINE_COLORS / sizeof LINE_COLORS[0])];
        ln->name = draw_label_alloc(o, p->names[ln->cat], &ln->len);
        if (!ln->name)
            return SENTRAJ_ENOMEM;
        /* The conversations of a category: those reaching position 1 (every
         * one of them, unless bins leave a short one out of the first). */
        for (size_t q = 0; q < npos; q++)
            if (p->rows[ln->cat * npos + q].conversations > n)
                n = p->rows[ln->cat * npos + q].conversations;
        draw_thousands(num, sizeof num, n);
        snprintf(ln->nlabel, sizeof ln->nlabel, "  n = %s", num);
        for (size_t q = 0; q < npos; q++) {
            const sentraj_position_row *r = &p->rows[ln->cat * npos + q];
            double v[3] = {r->mean, r->ci_low, r->ci_high};
            for (int k = 0; k < 3; k++)
                if (isfinite(v[k])) {
                    *lo = fmin(*lo, v[k]);
                    *hi = fmax(*hi, v[k]);
                }
        }
    }
    return SENTRAJ_OK;
}

/* The default title, the subtitle and the axis titles. */
static void line_texts(playout *P, const sentraj_positions *p)
{
    draw_frame *L = &P->F;
    char lvl[32], unit[96];

    if (p->po.bins)
        snprintf(L->title, sizeof L->title, "Expressed sentiment over the course of conversations (%zu equal parts)",
                 p->po.bins);
    else
        snprintf(L->title, sizeof L->title, "Expressed sentiment by human message position");
    snprintf(lvl, sizeof lvl, "%.4g%%", p->cfg.level * 100);
    if (p->cluster_by)
        snprintf(unit, sizeof unit, "clusters (%.60s)", p->cluster_by);
    else
        snprintf(unit, sizeof unit, "conversations");
    snprintf(L->subtitle, sizeof L->subtitle, "mean human label, %s; %s bootstrap CI over %s, %zu resamples",
             p->po.all_conversations ? "every conversation" : "conversations kept by the filter", lvl, unit,
             p->cfg.resamples);
    snprintf(L->ylabel, sizeof L->ylabel, "Mean sentiment");
    if (p->po.bins)
        snprintf(P->xlabel, sizeof P->xlabel, "Part of the conversation (human messages)");
    else
        snprintf(P->xlabel, sizeof P->xlabel, "Human message position");
}

/* The legend on the right, at most 30% of the width, names cut to fit; the
 * plot ends where it begins. */
static void place_legend(cairo_t *cr, playout *P)
{
    draw_frame *L = &P->F;
    double s = L->s, leg_w = 0, max_leg = 0.3 * L->w, ell;

    P->swatch = 22 * s;
    draw_set_font(cr, P->fs_leg, 0);
    ell = draw_str_w(cr, "\xe2\x80\xa6");
    for (size_t i = 0; i < P->nlines; i++) {
        pline *ln = &P->lines[i];
        double nw = draw_str_w(cr, ln->nlabel), room = max_leg - P->swatch - 8 * s - nw;
        ln->len = draw_fit_text(cr, ln->name, ln->len, 0, ell, room, &ln->cut);
        leg_w = fmax(leg_w, P->swatch + 8 * s + draw_text_w(cr, ln->name, ln->len) + (ln->cut ? ell : 0) + nw);
    }
    L->right = L->w - L->pad - leg_w - 16 * s;
    if (L->right < L->left + 40 * s)
        L->right = L->left + 40 * s;
    P->leg_x = L->right + 16 * s;
    P->leg_row = 1.6 * P->fs_leg;
    P->leg_y = L->top + 0.5 * P->leg_row;
}

/* Positions share the width; label every k-th when they would crowd. */
static void place_positions(cairo_t *cr, playout *P)
{
    draw_frame *L = &P->F;
    size_t npos = P->p->npos;

    P->xstep = (L->right - L->left) / (double)(npos ? npos : 1);
    draw_set_font(cr, L->fs_tick, 0);
    P->pct = P->p->po.bins > 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        double widest = 0;
        char buf[64];
        for (size_t q = 0; q < npos; q++) {
            pos_label(P, q, buf, sizeof buf);
            widest = fmax(widest, draw_str_w(cr, buf));
        }
        P->xevery = (int)ceil((widest + 8 * L->s) / P->xstep);
        if (P->xevery < 1)
            P->xevery = 1;
        if (!P->pct || P->xevery == 1)
            break;
        P->pct = 0; /* percentages do not fit: bin numbers */
    }
    if (P->xevery > 1) {
        /* A round step: 2, 5, 10, 20, 50, ... */
        static const int mult[3] = {1, 2, 5};
        int m = 1;
        for (int base = 1; m < P->xevery; base *= 10)
            for (int j = 0; j < 3 && m < P->xevery; j++)
                m = mult[j] * base;
        P->xevery = m;
    }
}

/* Place everything (a draw_layout_fn for the layout of positions). */
static int pos_layout(cairo_t *cr, void *out, const void *subject, const sentraj_figure_options *o, double w,
                      double h)
{
    playout *P = out;
    draw_frame *L = &P->F;
    double lo, hi, xl_h;
    int rc;

    P->p = subject;
    draw_frame_init(L, w, h);
    P->fs_leg = fmax(12.5 * L->s, 7);
    P->line_lw = fmax(1.5, 2.0 * L->s);
    P->dot_r = fmax(1.5, 2.6 * L->s);
    rc = make_lines(P, P->p, o, &lo, &hi);
    if (rc != SENTRAJ_OK)
        return rc;
    line_texts(P, P->p);
    draw_frame_titles(cr, L, o, 24);
    /* A level, not a change: no forced zero. */
    draw_value_axis(cr, L, lo, hi, 0);
    place_legend(cr, P);
    place_positions(cr, P);
    xl_h = 1.25 * L->fs_tick + 8 * L->s + 1.3 * L->fs_axis;
    L->bottom = h - L->pad - xl_h;
    if (L->bottom < L->top + 10)
        L->bottom = L->top + 10;
    /* Many lines: a smaller legend font so the legend fits beside the plot
     * (the names were measured at the larger size, so they still fit). */
    if ((double)P->nlines * P->leg_row > h - L->top - L->pad) {
        P->fs_leg = fmax(4, (h - L->top - L->pad) / (1.6 * (double)P->nlines));
        P->leg_row = 1.6 * P->fs_leg;
        P->leg_y = L->top + 0.5 * P->leg_row;
    }
    return SENTRAJ_OK;
}

static void pos_draw_lines(cairo_t *cr, const playout *P)
{
    const sentraj_positions *p = P->p;
    size_t npos = p->npos;

    cairo_save(cr);
    cairo_rectangle(cr, P->F.left, P->F.top, P->F.right - P->F.left, P->F.bottom - P->F.top);
    cairo_clip(cr);
    /* Bands first, so no band covers another category's line. */
    for (size_t i = 0; i < P->nlines; i++) {
        const pline *ln = &P->lines[i];
        const sentraj_position_row *r = p->rows + ln->cat * npos;
        for (size_t q = 0; q < npos;) {
            size_t e = q;
            while (e < npos && isfinite(r[e].ci_low) && isfinite(r[e].ci_high))
                e++;
            if (e > q) {
                /* A run of positions with an interval: one polygon (a lone
                 * position gets a short bar of a third of a step). */
                double half = e - q == 1 ? P->xstep / 6 : 0;
                cairo_move_to(cr, px(P, q) - half, draw_ymap(&P->F, r[q].ci_high));
                for (size_t k = q; k < e; k++)
                    cairo_line_to(cr, px(P, k) + (k + 1 == e ? half : 0), draw_ymap(&P->F, r[k].ci_high));
                for (size_t k = e; k-- > q;)
                    cairo_line_to(cr, px(P, k) + (k + 1 == e ? half : 0), draw_ymap(&P->F, r[k].ci_low));
                cairo_line_to(cr, px(P, q) - half, draw_ymap(&P->F, r[q].ci_low));
                cairo_close_path(cr);
                cairo_set_source_rgba(cr, ln->color.r, ln->color.g, ln->color.b, ln->dashed ? 0.12 : 0.18);
                cairo_fill(cr);
            }
            q = e > q ? e : q + 1;
        }
    }
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (size_t i = 0; i < P->nlines; i++) {
        const pline *ln = &P->lines[i];
        const sentraj_position_row *r = p->rows + ln->cat * npos;
        double dash[2] = {6 * P->F.s, 4 * P->F.s};
        draw_set_color(cr, ln->color);
        cairo_set_line_width(cr, P->line_lw);
        cairo_set_dash(cr, dash, ln->dashed ? 2 : 0, 0);
        for (size_t q = 0; q < npos;) {
            size_t e = q;
            while (e < npos && isfinite(r[e].mean))
                e++;
            if (e > q + 1) {
                cairo_move_to(cr, px(P, q), draw_ymap(&P->F, r[q].mean));
                for (size_t k = q + 1; k < e; k++)
                    cairo_line_to(cr, px(P, k), draw_ymap(&P->F, r[k].mean));
                cairo_stroke(cr);
            }
            q = e > q ? e : q + 1;
        }
        cairo_set_dash(cr, NULL, 0, 0);
        for (size_t q = 0; q < npos; q++) {
            if (!isfinite(r[q].mean))
                continue;
            cairo_new_sub_path(cr);
            cairo_arc(cr, px(P, q), draw_ymap(&P->F, r[q].mean), P->dot_r, 0, 2 * DRAW_PI);
            cairo_fill(cr);
        }
    }
    cairo_restore(cr);
}

static void pos_draw_xaxis(cairo_t *cr, const playout *P)
{
    const draw_frame *L = &P->F;
    double y = L->bottom + 6 * L->s + 0.95 * L->fs_tick;
    char buf[64];

    draw_set_color(cr, DRAW_ZERO);
    cairo_set_line_width(cr, L->grid_lw);
    draw_hline(cr, L->left, L->right, L->bottom);
    draw_set_font(cr, L->fs_tick, 0);
    draw_set_color(cr, DRAW_MUTED);
    for (size_t q = 0; q < P->p->npos; q++) {
        if (q % (size_t)P->xevery != 0) /* 1, 1 + k, 1 + 2k, ... */
            continue;
        pos_label(P, q, buf, sizeof buf);
        draw_show_at(cr, buf, strlen(buf), px(P, q), y, 0.5);
    }
    draw_set_font(cr, L->fs_axis, 0);
    draw_set_color(cr, DRAW_TEXT);
    draw_show_at(cr, P->xlabel, strlen(P->xlabel), 0.5 * (L->left + L->right), y + 8 * L->s + 1.1 * L->fs_axis, 0.5);
}

static void pos_draw_legend(cairo_t *cr, const playout *P)
{
    double s = P->F.s;

    for (size_t i = 0; i < P->nlines; i++) {
        const pline *ln = &P->lines[i];
        double y = P->leg_y + (double)i * P->leg_row, x = P->leg_x;
        double dash[2] = {5 * s, 3 * s};
        cairo_set_source_rgba(cr, ln->color.r, ln->color.g, ln->color.b, ln->dashed ? 0.12 : 0.18);
        cairo_rectangle(cr, x, y - 0.45 * P->fs_leg, P->swatch, 0.9 * P->fs_leg);
        cairo_fill(cr);
        draw_set_color(cr, ln->color);
        cairo_set_line_width(cr, P->line_lw);
        cairo_set_dash(cr, dash, ln->dashed ? 2 : 0, 0);
        draw_hline(cr, x, x + P->swatch, y);
        cairo_set_dash(cr, NULL, 0, 0);
        draw_set_font(cr, P->fs_leg, 0);
        draw_set_color(cr, DRAW_TEXT);
        cairo_move_to(cr, x + P->swatch + 8 * s, y + 0.36 * P->fs_leg);
        draw_show_n(cr, ln->name, ln->len);
        if (ln->cut)
            cairo_show_text(cr, "\xe2\x80\xa6");
        draw_set_color(cr, DRAW_N);
        cairo_show_text(cr, ln->nlabel);
    }
}

static int pos_draw(cairo_t *cr, double w, double h, const void *subject, const sentraj_figure_options *o)
{
    playout P;
    int rc;

    memset(&P, 0, sizeof P);
    rc = draw_measure(pos_layout, &P, subject, o, w, h);
    if (rc == SENTRAJ_OK) {
        draw_begin(cr, &P.F);
        draw_axes(cr, &P.F);
        if (P.F.ymin < 0 && P.F.ymax > 0) {
            /* draw_axes leaves zero to the bars' baseline; here it is neutral sentiment, a grid line. */
            draw_set_color(cr, DRAW_GRID);
            cairo_set_line_width(cr, P.F.grid_lw);
            draw_value_line(cr, &P.F, 0);
        }
        pos_draw_xaxis(cr, &P);
        pos_draw_lines(cr, &P);
        pos_draw_legend(cr, &P);
        draw_titles(cr, &P.F);
    }
    playout_free(&P);
    return draw_end(cr, rc);
}

/* Everything sentraj_positions_figure_check checks, errors naming source:
 * first what does not depend on the data, then the intervals, then the
 * names against the categories (draw_check_names checks the lists again,
 * which cannot fail here, before it looks each name up). */
static int pos_check(const void *subject, const sentraj_figure_options *o, const char *source, sentraj_error *err)
{
    const sentraj_positions *p = subject;
    draw_names cats;
    int rc = draw_check_options(o, NULL, source, err);

    if (rc != SENTRAJ_OK || !p)
        return rc;
    if (p->cfg.alternative != SENTRAJ_TWO_SIDED)
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0,
                             "the figure draws two-sided intervals, not one-sided (%s) ones",
                             sentraj_alternative_name(p->cfg.alternative));
    cats = positions_names(p);
    return draw_check_names(o, &cats, source, err);
}

static const draw_chart line_chart = {"positions", pos_check, pos_draw};

int sentraj_positions_figure_check(const sentraj_positions *p, const sentraj_figure_options *o, sentraj_error *err)
{
    return draw_check(&line_chart, p, o, err);
}

int sentraj_positions_figure_write_png(FILE *f, const char *name, const sentraj_positions *p,
                                       const sentraj_figure_options *o, sentraj_error *err)
{
    return draw_write(&line_chart, DRAW_PNG, f, name, p, o, err);
}

int sentraj_positions_figure_write_svg(FILE *f, const char *name, const sentraj_positions *p,
                                       const sentraj_figure_options *o, sentraj_error *err)
{
    return draw_write(&line_chart, DRAW_SVG, f, name, p, o, err);
}

int sentraj_positions_figure_write_pdf(FILE *f, const char *name, const sentraj_positions *p,
                                       const sentraj_figure_options *o, sentraj_error *err)
{
    return draw_write(&line_chart, DRAW_PDF, f, name, p, o, err);
}
