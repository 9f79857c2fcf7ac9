/* figure_lines.c - the positions chart: mean sentiment at each message position, one line per category. */
#include "report/figure_draw.h"
#include "report/figure_write.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One line per category of a sentraj_positions (or those the order names),
 * the mean at each position joined by a line over a shaded band from ci_low
 * to ci_high, with a legend on the right. Everything is placed by
 * pos_layout() and painted by pos_draw(), on the frame, value axis and
 * writers the bar chart uses too (figure_draw.h, figure_write.h). */

static const figure_rgb LINE_COLORS[] = {FIGURE_HEX(0x0072b2), FIGURE_HEX(0xd55e00), FIGURE_HEX(0x009e73),
                                       FIGURE_HEX(0xcc79a7), FIGURE_HEX(0xe69f00), FIGURE_HEX(0x56b4e9),
                                       FIGURE_HEX(0x8c564b), FIGURE_HEX(0x7f7f7f)};
static const figure_rgb COLOR_ALL = FIGURE_HEX(0x222222);

typedef struct pline {
    size_t cat;        /* category index in the positions */
    char *name;        /* display name, valid UTF-8, owned */
    size_t len;        /* bytes of name shown */
    int cut;           /* an ellipsis follows */
    char nlabel[48];   /* "n = 1,234" */
    figure_rgb color;
    int dashed;        /* the "all" line */
} pline;

typedef struct playout {
    figure_frame F;      /* title block, value axis and plot area */
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

/* ------------------------------------------------------------------------ */
/* Layout                                                                    */
/* ------------------------------------------------------------------------ */

static void playout_free(playout *P)
{
    for (size_t i = 0; P->lines && i < P->nlines; i++)
        free(P->lines[i].name);
    free(P->lines);
    P->lines = NULL;
}

/* The result through its public accessors: positions per category, the
 * categories ("all" last), and row (category, position). */
static size_t npos_of(const sentraj_positions *p)
{
    return sentraj_positions_count(p);
}

static size_t ncat_of(const sentraj_positions *p)
{
    return npos_of(p) ? sentraj_positions_rows(p) / npos_of(p) : 0;
}

static const sentraj_position_row *row_at(const sentraj_positions *p, size_t cat, size_t q)
{
    return sentraj_positions_row(p, cat * npos_of(p) + q);
}

static const char *positions_name(const void *p, size_t i)
{
    return row_at(p, i, 0)->category;
}

static figure_names positions_names(const sentraj_positions *p)
{
    figure_names cats = {p, ncat_of(p), positions_name};
    return cats;
}

static double px(const playout *P, size_t q)
{
    return P->F.left + ((double)q + 0.5) * P->xstep;
}

/* The x tick label of position q (0-based). */
static void pos_label(const playout *P, size_t q, char *buf, size_t n)
{
    size_t k = npos_of(P->p);
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
    figure_names cats = positions_names(p);
    size_t npos = npos_of(p);

    P->nlines = figure_shown(o, ncat_of(p));
    P->lines = calloc(P->nlines ? P->nlines : 1, sizeof *P->lines);
    if (!P->lines)
        return SENTRAJ_ENOMEM;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0, ci = 0; i < P->nlines; i++) {
        pline *ln = &P->lines[i];
        size_t n = 0;
        char num[40];

        ln->cat = figure_shown_index(&cats, o, i);
        if (ln->cat >= ncat_of(p))
            return SENTRAJ_EUSAGE;
        ln->dashed = ln->cat + 1 == ncat_of(p);
        ln->color = ln->dashed ? COLOR_ALL : LINE_COLORS[ci++ % (sizeof LINE_COLORS / sizeof LINE_COLORS[0])];
        ln->name = figure_label_alloc(o, row_at(p, ln->cat, 0)->category, &ln->len);
        if (!ln->name)
            return SENTRAJ_ENOMEM;
        /* The conversations of a category: those reaching position 1 (every
         * one of them, unless bins leave a short one out of the first). */
        for (size_t q = 0; q < npos; q++)
            if (row_at(p, ln->cat, q)->conversations > n)
                n = row_at(p, ln->cat, q)->conversations;
        figure_thousands(num, sizeof num, n);
        snprintf(ln->nlabel, sizeof ln->nlabel, "  n = %s", num);
        for (size_t q = 0; q < npos; q++) {
            const sentraj_position_row *r = row_at(p, ln->cat, q);
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
    figure_frame *L = &P->F;
    const sentraj_positions_options *po = sentraj_positions_options_get(p);
    const sentraj_config *cfg = sentraj_positions_config(p);
    const char *cluster_by = sentraj_positions_cluster_by(p);
    char lvl[32], unit[96];

    if (po->bins)
        snprintf(L->title, sizeof L->title, "Expressed sentiment over the course of conversations (%zu equal parts)",
                 po->bins);
    else
        snprintf(L->title, sizeof L->title, "Expressed sentiment by human message position");
    snprintf(lvl, sizeof lvl, "%.4g%%", cfg->level * 100);
    if (cluster_by)
        snprintf(unit, sizeof unit, "clusters (%.60s)", cluster_by);
    else
        snprintf(unit, sizeof unit, "conversations");
    snprintf(L->subtitle, sizeof L->subtitle, "mean human label, %s; %s bootstrap CI over %s, %zu resamples",
             po->all_conversations ? "every conversation" : "conversations kept by the filter", lvl, unit,
             cfg->resamples);
    snprintf(L->ylabel, sizeof L->ylabel, "Mean sentiment");
    if (po->bins)
        snprintf(P->xlabel, sizeof P->xlabel, "Part of the conversation (human messages)");
    else
        snprintf(P->xlabel, sizeof P->xlabel, "Human message position");
}

/* The legend on the right, at most 30% of the width, names cut to fit; the
 * plot ends where it begins. */
static void place_legend(cairo_t *cr, playout *P)
{
    figure_frame *L = &P->F;
    double s = L->s, leg_w = 0, max_leg = 0.3 * L->w, ell;

    P->swatch = 22 * s;
    figure_set_font(cr, P->fs_leg, 0);
    ell = figure_str_w(cr, "\xe2\x80\xa6");
    for (size_t i = 0; i < P->nlines; i++) {
        pline *ln = &P->lines[i];
        double nw = figure_str_w(cr, ln->nlabel), room = max_leg - P->swatch - 8 * s - nw;
        ln->len = figure_fit_text(cr, ln->name, ln->len, 0, ell, room, &ln->cut);
        leg_w = fmax(leg_w, P->swatch + 8 * s + figure_text_w(cr, ln->name, ln->len) + (ln->cut ? ell : 0) + nw);
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
    figure_frame *L = &P->F;
    size_t npos = npos_of(P->p);

    P->xstep = (L->right - L->left) / (double)(npos ? npos : 1);
    figure_set_font(cr, L->fs_tick, 0);
    P->pct = sentraj_positions_options_get(P->p)->bins > 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        double widest = 0;
        char buf[64];
        for (size_t q = 0; q < npos; q++) {
            pos_label(P, q, buf, sizeof buf);
            widest = fmax(widest, figure_str_w(cr, buf));
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

/* Place everything (a figure_layout_fn for the layout of positions). */
static int pos_layout(cairo_t *cr, void *out, const void *subject, const sentraj_figure_options *o, double w,
                      double h)
{
    playout *P = out;
    figure_frame *L = &P->F;
    double lo, hi, xl_h;
    int rc;

    P->p = subject;
    figure_frame_init(L, w, h);
    P->fs_leg = fmax(12.5 * L->s, 7);
    P->line_lw = fmax(1.5, 2.0 * L->s);
    P->dot_r = fmax(1.5, 2.6 * L->s);
    rc = make_lines(P, P->p, o, &lo, &hi);
    if (rc != SENTRAJ_OK)
        return rc;
    line_texts(P, P->p);
    figure_frame_titles(cr, L, o, 24);
    /* A level, not a change: no forced zero. */
    figure_value_axis(cr, L, lo, hi, 0);
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

/* ------------------------------------------------------------------------ */
/* Drawing                                                                   */
/* ------------------------------------------------------------------------ */

static void pos_draw_lines(cairo_t *cr, const playout *P)
{
    const sentraj_positions *p = P->p;
    size_t npos = npos_of(p);

    cairo_save(cr);
    cairo_rectangle(cr, P->F.left, P->F.top, P->F.right - P->F.left, P->F.bottom - P->F.top);
    cairo_clip(cr);
    /* Bands first, so no band covers another category's line. */
    for (size_t i = 0; i < P->nlines; i++) {
        const pline *ln = &P->lines[i];
        for (size_t q = 0; q < npos;) {
            size_t e = q;
            while (e < npos && isfinite(row_at(p, ln->cat, e)->ci_low) && isfinite(row_at(p, ln->cat, e)->ci_high))
                e++;
            if (e > q) {
                /* A run of positions with an interval: one polygon (a lone
                 * position gets a short bar of a third of a step). */
                double half = e - q == 1 ? P->xstep / 6 : 0;
                cairo_move_to(cr, px(P, q) - half, figure_ymap(&P->F, row_at(p, ln->cat, q)->ci_high));
                for (size_t k = q; k < e; k++)
                    cairo_line_to(cr, px(P, k) + (k + 1 == e ? half : 0),
                                  figure_ymap(&P->F, row_at(p, ln->cat, k)->ci_high));
                for (size_t k = e; k-- > q;)
                    cairo_line_to(cr, px(P, k) + (k + 1 == e ? half : 0),
                                  figure_ymap(&P->F, row_at(p, ln->cat, k)->ci_low));
                cairo_line_to(cr, px(P, q) - half, figure_ymap(&P->F, row_at(p, ln->cat, q)->ci_low));
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
        double dash[2] = {6 * P->F.s, 4 * P->F.s};
        figure_set_color(cr, ln->color);
        cairo_set_line_width(cr, P->line_lw);
        cairo_set_dash(cr, dash, ln->dashed ? 2 : 0, 0);
        for (size_t q = 0; q < npos;) {
            size_t e = q;
            while (e < npos && isfinite(row_at(p, ln->cat, e)->mean))
                e++;
            if (e > q + 1) {
                cairo_move_to(cr, px(P, q), figure_ymap(&P->F, row_at(p, ln->cat, q)->mean));
                for (size_t k = q + 1; k < e; k++)
                    cairo_line_to(cr, px(P, k), figure_ymap(&P->F, row_at(p, ln->cat, k)->mean));
                cairo_stroke(cr);
            }
            q = e > q ? e : q + 1;
        }
        cairo_set_dash(cr, NULL, 0, 0);
        for (size_t q = 0; q < npos; q++) {
            if (!isfinite(row_at(p, ln->cat, q)->mean))
                continue;
            cairo_new_sub_path(cr);
            cairo_arc(cr, px(P, q), figure_ymap(&P->F, row_at(p, ln->cat, q)->mean), P->dot_r, 0, 2 * FIGURE_PI);
            cairo_fill(cr);
        }
    }
    cairo_restore(cr);
}

static void pos_draw_xaxis(cairo_t *cr, const playout *P)
{
    const figure_frame *L = &P->F;
    double y = L->bottom + 6 * L->s + 0.95 * L->fs_tick;
    char buf[64];

    figure_set_color(cr, FIGURE_ZERO);
    cairo_set_line_width(cr, L->grid_lw);
    figure_hline(cr, L->left, L->right, L->bottom);
    figure_set_font(cr, L->fs_tick, 0);
    figure_set_color(cr, FIGURE_MUTED);
    for (size_t q = 0; q < npos_of(P->p); q++) {
        if (q % (size_t)P->xevery != 0) /* 1, 1 + k, 1 + 2k, ... */
            continue;
        pos_label(P, q, buf, sizeof buf);
        figure_show_at(cr, buf, strlen(buf), px(P, q), y, 0.5);
    }
    figure_set_font(cr, L->fs_axis, 0);
    figure_set_color(cr, FIGURE_TEXT);
    figure_show_at(cr, P->xlabel, strlen(P->xlabel), 0.5 * (L->left + L->right), y + 8 * L->s + 1.1 * L->fs_axis, 0.5);
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
        figure_set_color(cr, ln->color);
        cairo_set_line_width(cr, P->line_lw);
        cairo_set_dash(cr, dash, ln->dashed ? 2 : 0, 0);
        figure_hline(cr, x, x + P->swatch, y);
        cairo_set_dash(cr, NULL, 0, 0);
        figure_set_font(cr, P->fs_leg, 0);
        figure_set_color(cr, FIGURE_TEXT);
        cairo_move_to(cr, x + P->swatch + 8 * s, y + 0.36 * P->fs_leg);
        figure_show_n(cr, ln->name, ln->len);
        if (ln->cut)
            cairo_show_text(cr, "\xe2\x80\xa6");
        figure_set_color(cr, FIGURE_N);
        cairo_show_text(cr, ln->nlabel);
    }
}

static int pos_draw(cairo_t *cr, double w, double h, const void *subject, const sentraj_figure_options *o)
{
    playout P;
    int rc;

    memset(&P, 0, sizeof P);
    rc = figure_measure(pos_layout, &P, subject, o, w, h);
    if (rc == SENTRAJ_OK) {
        figure_begin(cr, &P.F);
        figure_axes(cr, &P.F);
        if (P.F.ymin < 0 && P.F.ymax > 0) {
            /* figure_axes leaves zero to the bars' baseline; here it is neutral sentiment, a grid line. */
            figure_set_color(cr, FIGURE_GRID);
            cairo_set_line_width(cr, P.F.grid_lw);
            figure_value_line(cr, &P.F, 0);
        }
        pos_draw_xaxis(cr, &P);
        pos_draw_lines(cr, &P);
        pos_draw_legend(cr, &P);
        figure_titles(cr, &P.F);
    }
    playout_free(&P);
    return figure_end(cr, rc);
}

/* ------------------------------------------------------------------------ */
/* Options and writers                                                       */
/* ------------------------------------------------------------------------ */

/* Everything sentraj_positions_check_figure checks, errors naming source:
 * first what does not depend on the data, then the intervals, then the
 * names against the categories (figure_check_names checks the lists again,
 * which cannot fail here, before it looks each name up). */
static int pos_check(const void *subject, const sentraj_figure_options *o, const char *source, sentraj_error *err)
{
    const sentraj_positions *p = subject;
    figure_names cats;
    int rc = figure_check_options(o, NULL, source, err);

    if (rc != SENTRAJ_OK || !p)
        return rc;
    if (sentraj_positions_config(p)->alternative != SENTRAJ_TWO_SIDED)
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0,
                             "the figure draws two-sided intervals, not one-sided (%s) ones",
                             sentraj_alternative_name(sentraj_positions_config(p)->alternative));
    cats = positions_names(p);
    return figure_check_names(o, &cats, source, err);
}

static const figure_chart line_chart = {"positions", pos_check, pos_draw};

int sentraj_positions_check_figure(const sentraj_positions *p, const sentraj_figure_options *o, sentraj_error *err)
{
    return figure_check(&line_chart, p, o, err);
}

int sentraj_positions_write_png(FILE *f, const char *name, const sentraj_positions *p,
                                       const sentraj_figure_options *o, sentraj_error *err)
{
    return figure_write(&line_chart, FIGURE_PNG, f, name, p, o, err);
}

int sentraj_positions_write_svg(FILE *f, const char *name, const sentraj_positions *p,
                                       const sentraj_figure_options *o, sentraj_error *err)
{
    return figure_write(&line_chart, FIGURE_SVG, f, name, p, o, err);
}

int sentraj_positions_write_pdf(FILE *f, const char *name, const sentraj_positions *p,
                                       const sentraj_figure_options *o, sentraj_error *err)
{
    return figure_write(&line_chart, FIGURE_PDF, f, name, p, o, err);
}
