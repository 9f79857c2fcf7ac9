/* figure_bars.c - the published bar chart of mean sentiment change per category, with its interval. */
#include "report/figure.h"

#include "report/figure_draw.h"
#include "report/figure_write.h"

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

static const figure_rgb COLOR_BAR = FIGURE_HEX(0xd97757);
static const figure_rgb COLOR_WHISKER = FIGURE_HEX(0x333333);

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
    figure_frame F; /* title block, plot area, value axis */
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
    /* The note under the labels naming the degenerate rows (every
     * conversation had the same change, so the bootstrap has no spread):
     * empty when there is none. Their bars carry a diamond, not a whisker. */
    char note[256];
    double fs_note, note_y;
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

static figure_names analysis_names(const sentraj_analysis *a)
{
    figure_names rows = {a, sentraj_analysis_rows(a), analysis_name};
    return rows;
}

/* Split name into two lines at the space that makes the wider line narrowest;
 * returns the split's byte index, or 0 when there is no space. */
static size_t best_split(cairo_t *cr, const char *name, size_t len, double *widest)
{
    size_t best = 0;
    double best_w = figure_text_w(cr, name, len);

    for (size_t i = 1; i + 1 < len; i++) {
        if (name[i] != ' ')
            continue;
        double w1 = figure_text_w(cr, name, i), w2 = figure_text_w(cr, name + i + 1, len - i - 1);
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

        figure_set_font(cr, L->fs_n * k, 0);
        if (figure_str_w(cr, sl->nlabel) > room)
            return 0;
        figure_set_font(cr, L->fs_cat * k, 0);
        w = figure_text_w(cr, sl->name, sl->len);
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
    figure_set_font(cr, fs, 0);
    ell_w = figure_str_w(cr, "\xe2\x80\xa6");
    for (size_t i = 0; i < L->n; i++) {
        slot *sl = &L->slots[i];
        double x = L->F.left + ((double)i + 0.5) * L->slot_w;
        double nw, lmax = (max_h - 0.5 * fs * cs) / sn;
        char tail[80];
        size_t len;

        snprintf(tail, sizeof tail, "  %s", sl->nlabel);
        nw = figure_str_w(cr, tail);
        if (cs > 1e-6)
            lmax = fmin(lmax, (x - 0.5 * L->F.pad) / cs);
        len = strlen(sl->name);
        sl->full_w = figure_text_w(cr, sl->name, len) + nw;
        sl->len = figure_fit_text(cr, sl->name, len, nw, ell_w, lmax, &sl->cut);
        sl->name_w = figure_text_w(cr, sl->name, sl->len) + (sl->cut ? ell_w : 0);
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
    figure_names rows = analysis_names(a);

    L->n = figure_shown(o, rows.count > 1 ? rows.count - 1 : rows.count);
    if (L->n > 0) {
        L->slots = calloc(L->n, sizeof *L->slots);
        if (!L->slots)
            return SENTRAJ_ENOMEM;
    }
    for (size_t i = 0; i < L->n; i++) {
        slot *sl = &L->slots[i];
        char num[40];

        sl->row = figure_shown_index(&rows, o, i);
        sl->r = sentraj_analysis_row(a, sl->row);
        if (!sl->r)
            return SENTRAJ_EUSAGE; /* a name of the order that is not a row */
        sl->name = figure_label_alloc(o, row_name(sl->r), &sl->len);
        if (!sl->name)
            return SENTRAJ_ENOMEM;
        figure_thousands(num, sizeof num, sl->r->conversations);
        if (sl->r->conversations > 0 && !has_ci(sl->r))
            snprintf(sl->nlabel, sizeof sl->nlabel, "n = %s (no CI)", num);
        else
            snprintf(sl->nlabel, sizeof sl->nlabel, "n = %s", num);
    }
    return SENTRAJ_OK;
}

/* The value axis' title: what the bars are (the statistic of the changes)
 * and the change they are of. */
static void bar_ylabel(figure_frame *F, const sentraj_config *cfg, size_t window)
{
    sentraj_statistic st = cfg ? cfg->statistic : SENTRAJ_STAT_MEAN;
    char change[48], what[64];

    if (window == 1)
        snprintf(change, sizeof change, "last \xe2\x88\x92 first");
    else
        snprintf(change, sizeof change, "last %zu \xe2\x88\x92 first %zu", window, window);
    switch (st) {
    case SENTRAJ_STAT_MEDIAN:
        snprintf(what, sizeof what, "Median change in sentiment");
        break;
    case SENTRAJ_STAT_TRIMMED:
        snprintf(what, sizeof what, "%.4g%%-trimmed mean change in sentiment", 100 * cfg->trim);
        break;
    case SENTRAJ_STAT_SHARE_UP:
        snprintf(what, sizeof what, "Share of conversations whose sentiment rose");
        break;
    case SENTRAJ_STAT_SHARE_DOWN:
        snprintf(what, sizeof what, "Share of conversations whose sentiment fell");
        break;
    case SENTRAJ_STAT_SHARE_SAME:
        snprintf(what, sizeof what, "Share of conversations whose sentiment held");
        break;
    default:
        /* The published figure's own wording. */
        if (window == 1)
            snprintf(F->ylabel, sizeof F->ylabel, "Change in sentiment (%s)", change);
        else
            snprintf(F->ylabel, sizeof F->ylabel, "Change in mean sentiment (%s)", change);
        return;
    }
    snprintf(F->ylabel, sizeof F->ylabel, "%s (%s)", what, change);
}

/* The default title, the subtitle and the axis title, which name the
 * filter, the window and how the intervals were computed. */
static void bar_texts(figure_frame *F, const sentraj_analysis *a)
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
    bar_ylabel(F, cfg, window);
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

static int is_degenerate(const sentraj_result *r)
{
    return r->conversations > 0 && r->boot.status == SENTRAJ_CI_DEGENERATE && isfinite(r->mean_delta);
}

/* The note naming the degenerate bars, fitted to the figure's width; the
 * height it takes below the labels (0 without one). */
static double make_note(cairo_t *cr, layout *L)
{
    static const char lead[] = "\xe2\x97\x86 no spread to resample (every conversation changed alike): ";
    size_t len = 0, named = 0, total = 0;
    int cut = 0;

    for (size_t i = 0; i < L->n; i++)
        total += is_degenerate(L->slots[i].r);
    if (!total)
        return 0;
    len = (size_t)snprintf(L->note, sizeof L->note, "%s", lead);
    for (size_t i = 0; i < L->n && len + 8 < sizeof L->note; i++) {
        const slot *sl = &L->slots[i];
        if (!is_degenerate(sl->r))
            continue;
        len += (size_t)snprintf(L->note + len, sizeof L->note - len, "%s%.*s", named ? ", " : "",
                                (int)(sl->len < sizeof L->note - len - 8 ? sl->len : sizeof L->note - len - 8),
                                sl->name);
        named++;
    }
    L->fs_note = fmax(11 * L->F.s, 7);
    figure_set_font(cr, L->fs_note, 0);
    len = figure_fit_text(cr, L->note, strlen(L->note), 0, figure_str_w(cr, "\xe2\x80\xa6"),
                          L->F.w - 2 * L->F.pad, &cut);
    if (cut)
        snprintf(L->note + len, sizeof L->note - len, "\xe2\x80\xa6");
    L->note_y = L->F.h - L->F.pad;
    return 1.6 * L->fs_note;
}

/* The labels under the bars: horizontal at full size, else smaller, else
 * rotated. The plot ends where they begin. */
static void place_labels(cairo_t *cr, layout *L)
{
    static const double scales[] = { 1.0, 0.92, 0.84, 0.76 };
    double s = L->F.s, gap = 9 * s, extent = 0, note = make_note(cr, L);
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
        L->angle = L->slot_w * sin(FIGURE_PI / 4) >= 1.3 * 9 * s ? FIGURE_PI / 4 : FIGURE_PI / 2;
        extent = set_rotated(cr, L, fs, gap);
        /* Slanted labels of the first bars reach left, past the tick
         * labels: move the plot right (by at most a fifth of the
         * figure) rather than cut them. */
        left = rotated_left(L);
        if (left > L->F.left) {
            L->F.left = fmin(left, L->F.left + 0.2 * L->F.w);
            set_slots(L);
            if (L->slot_w * sin(FIGURE_PI / 4) < 1.3 * 9 * s)
                L->angle = FIGURE_PI / 2;
            extent = set_rotated(cr, L, fs, gap);
        }
    }
    L->F.bottom = L->F.h - L->F.pad - gap - extent - note;
    if (L->F.bottom < L->F.top + 10)
        L->F.bottom = L->F.top + 10;
    L->label_top = L->F.bottom + gap;
}

/* Place everything (a figure_layout_fn for the layout of an analysis). */
static int compute_layout(cairo_t *cr, void *out, const void *a, const sentraj_figure_options *o, double w,
                          double h)
{
    layout *L = out;
    double lo, hi;
    int rc;

    figure_frame_init(&L->F, w, h);
    L->fs_cat = fmax(13.5 * L->F.s, 7);
    L->fs_n = fmax(11.5 * L->F.s, 7);
    L->whisker_lw = fmax(2.0, 2.0 * L->F.s);
    rc = make_slots(L, a, o);
    if (rc != SENTRAJ_OK)
        return rc;
    bar_texts(&L->F, a);
    figure_frame_titles(cr, &L->F, o, 28);
    /* Bars start at zero, so zero is always on the axis. */
    bar_extremes(L, &lo, &hi);
    figure_value_axis(cr, &L->F, lo, hi, 1);
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
    return figure_measure(compute_layout, L, a, o, w, h);
}

static void fill_bar(const layout *L, size_t i, sentraj_figure_bar *b)
{
    const sentraj_result *r = L->slots[i].r;

    b->row = L->slots[i].row;
    b->x = L->F.left + ((double)i + 0.5) * L->slot_w;
    b->half_width = L->bar_half;
    b->cap_half_width = L->cap_half;
    b->y_zero = figure_ymap(&L->F, 0);
    b->y_mean = has_mean(r) ? figure_ymap(&L->F, r->mean_delta) : NAN;
    b->y_ci_low = has_ci(r) ? figure_ymap(&L->F, r->boot.ci_low) : NAN;
    b->y_ci_high = has_ci(r) ? figure_ymap(&L->F, r->boot.ci_high) : NAN;
    snprintf(b->label, sizeof b->label, "%s", L->slots[i].name);
}

int sentraj_figure_layout(const sentraj_analysis *a, const sentraj_figure_options *o, double w, double h,
                          sentraj_figure_bar *bars, size_t cap, size_t *nbars)
{
    figure_names rows;
    layout L;
    int rc;

    if (nbars)
        *nbars = 0;
    if (!a || !figure_check_size(w, h))
        return SENTRAJ_EUSAGE;
    rows = analysis_names(a);
    rc = figure_check_names(o, &rows, NULL, NULL);
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

    figure_set_color(cr, COLOR_BAR);
    for (size_t i = 0; i < L->n; i++) {
        fill_bar(L, i, &b);
        if (isnan(b.y_mean))
            continue;
        cairo_rectangle(cr, b.x - b.half_width, fmin(b.y_mean, b.y_zero), 2 * b.half_width,
                        fabs(b.y_zero - b.y_mean));
        cairo_fill(cr);
    }

    /* The zero line goes over the bars' bases and under the whiskers. */
    figure_set_color(cr, FIGURE_ZERO);
    cairo_set_line_width(cr, L->F.zero_lw);
    figure_value_line(cr, &L->F, 0);

    figure_set_color(cr, COLOR_WHISKER);
    cairo_set_line_width(cr, L->whisker_lw);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    for (size_t i = 0; i < L->n; i++) {
        fill_bar(L, i, &b);
        if (isnan(b.y_ci_low))
            continue;
        if (is_degenerate(L->slots[i].r)) {
            /* Not a whisker of zero width, which would read as certainty:
             * a diamond at the value, explained by the note. */
            double d = fmax(L->cap_half, 4 * L->F.s);
            cairo_move_to(cr, b.x, b.y_mean - d);
            cairo_line_to(cr, b.x + d, b.y_mean);
            cairo_line_to(cr, b.x, b.y_mean + d);
            cairo_line_to(cr, b.x - d, b.y_mean);
            cairo_close_path(cr);
            cairo_fill(cr);
            continue;
        }
        /* An interval narrower than half a point is a single cap. */
        if (fabs(b.y_ci_low - b.y_ci_high) > 0.5) {
            cairo_move_to(cr, b.x, b.y_ci_low);
            cairo_line_to(cr, b.x, b.y_ci_high);
            cairo_stroke(cr);
        }
        figure_hline(cr, b.x - b.cap_half_width, b.x + b.cap_half_width, b.y_ci_low);
        figure_hline(cr, b.x - b.cap_half_width, b.x + b.cap_half_width, b.y_ci_high);
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
            figure_set_font(cr, L->fs_cat, 0);
            figure_set_color(cr, FIGURE_TEXT);
            if (sl->split) {
                figure_show_at(cr, sl->name, sl->split, x, y, 0.5);
                figure_show_at(cr, sl->name + sl->split + 1, sl->len - sl->split - 1, x, y + 1.2 * L->fs_cat, 0.5);
            } else
                figure_show_at(cr, sl->name, sl->len, x, y, 0.5);
            figure_set_font(cr, L->fs_n, 0);
            figure_set_color(cr, FIGURE_N);
            y = L->label_top + (sl->split ? 2 : 1) * 1.2 * L->fs_cat + 3 * s + 0.95 * L->fs_n;
            figure_show_at(cr, sl->nlabel, strlen(sl->nlabel), x, y, 0.5);
        } else {
            char tail[80];
            figure_set_font(cr, L->fs_cat, 0);
            cairo_save(cr);
            cairo_translate(cr, x, L->label_top);
            cairo_rotate(cr, -L->angle);
            cairo_move_to(cr, -sl->label_w, 0.36 * L->fs_cat);
            figure_set_color(cr, FIGURE_TEXT);
            figure_show_n(cr, sl->name, sl->len);
            if (sl->cut)
                cairo_show_text(cr, "\xe2\x80\xa6");
            snprintf(tail, sizeof tail, "  %s", sl->nlabel);
            figure_set_color(cr, FIGURE_N);
            cairo_show_text(cr, tail);
            cairo_restore(cr);
        }
    }
}

/* Paint the whole figure on cr, w x h points in cr's user space (a figure_chart's draw). */
static int draw(cairo_t *cr, double w, double h, const void *a, const sentraj_figure_options *o)
{
    layout L;
    int rc = make_layout(&L, a, o, w, h);

    if (rc == SENTRAJ_OK) {
        figure_begin(cr, &L.F);
        figure_axes(cr, &L.F);
        paint_bars(cr, &L);
        paint_labels(cr, &L);
        if (L.note[0]) {
            figure_set_font(cr, L.fs_note, 0);
            figure_set_color(cr, FIGURE_MUTED);
            figure_show_at(cr, L.note, strlen(L.note), L.F.pad, L.note_y, 0);
        }
        figure_titles(cr, &L.F);
    }
    layout_free(&L);
    return figure_end(cr, rc);
}

/* ------------------------------------------------------------------------ */
/* Options and writers                                                       */
/* ------------------------------------------------------------------------ */

/* Everything sentraj_analysis_check_figure checks, errors naming source. */
static int check_analysis(const void *a, const sentraj_figure_options *o, const char *source, sentraj_error *err)
{
    figure_names rows;

    if (!a)
        return figure_check_options(o, NULL, source, err);
    rows = analysis_names(a);
    return figure_check_options(o, &rows, source, err);
}

static const figure_chart bar_chart = {"analysis", check_analysis, draw};

int sentraj_analysis_check_figure(const sentraj_analysis *a, const sentraj_figure_options *o, sentraj_error *err)
{
    return figure_check(&bar_chart, a, o, err);
}

int sentraj_analysis_write_png(FILE *f, const char *name, const sentraj_analysis *a, const sentraj_figure_options *o,
                             sentraj_error *err)
{
    return figure_write(&bar_chart, FIGURE_PNG, f, name, a, o, err);
}

int sentraj_analysis_write_svg(FILE *f, const char *name, const sentraj_analysis *a, const sentraj_figure_options *o,
                             sentraj_error *err)
{
    return figure_write(&bar_chart, FIGURE_SVG, f, name, a, o, err);
}

int sentraj_analysis_write_pdf(FILE *f, const char *name, const sentraj_analysis *a, const sentraj_figure_options *o,
                             sentraj_error *err)
{
    return figure_write(&bar_chart, FIGURE_PDF, f, name, a, o, err);
}
