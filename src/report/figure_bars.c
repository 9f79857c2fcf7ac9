/* figure_bars.c - the published bar chart of mean sentiment change per category, with its interval. */
#include "report/figure_bars.h"

#include "report/figure_write.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The bar chart reproduces "changes in average human-expressed sentiment
 * over the course of conversations with at least six human messages": one
 * bar per category at its mean delta, a whisker over its bootstrap interval,
 * the category name and its number of conversations beside it, then the
 * "all" bar in its own colour after a small gap. Bars stand on the zero
 * line (vertical), or, when the names would not fit under them, run from it
 * to the right or left with the names on the left (horizontal).
 *
 * Everything is placed by compute_layout() and painted by draw(); the PNG,
 * SVG and PDF writers and sentraj_figure_layout() all go through them, so the
 * geometry the tests check is the geometry that is drawn. */

static const figure_rgb COLOR_BAR = FIGURE_HEX(0xd97757);
static const figure_rgb COLOR_ALL = FIGURE_HEX(0x8593a3);
static const figure_rgb COLOR_WHISKER = FIGURE_HEX(0x333333);

#define DIAMOND "\xe2\x97\x86"
#define NO_CI "no CI"

/* ------------------------------------------------------------------------ */
/* Rows                                                                      */
/* ------------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------------ */
/* Marks                                                                     */
/* ------------------------------------------------------------------------ */

/* How a row is flagged, decided here only: without an interval (too few
 * conversations or clusters, or none at all) it is a point marked "no CI"
 * rather than a bar that would look as sure as the others; a zero-width
 * interval (every delta equal) is not certainty, so instead of a whisker it
 * gets a diamond at its value and a note. A status this code does not know
 * is drawn as an ok row. */
static sentraj_figure_mark row_mark(const sentraj_result *r)
{
    if (!has_ci(r))
        return SENTRAJ_FIGURE_MARK_NO_CI;
    if (r->boot.status == SENTRAJ_CI_DEGENERATE)
        return SENTRAJ_FIGURE_MARK_DEGENERATE;
    return SENTRAJ_FIGURE_MARK_NONE;
}

/* The note under the plot naming the flagged bars, cut with "and K more"
 * to fit the figure's width at fs_note. */
static void mark_note(cairo_t *cr, bar_layout *L)
{
    static const char head[] = DIAMOND " no spread to resample (every conversation changed alike): ";
    size_t flagged = 0, named = 0, at;
    double room = L->F.w - 2 * L->F.pad;

    L->note[0] = '\0';
    for (size_t i = 0; i < L->n; i++)
        flagged += L->slots[i].mark == SENTRAJ_FIGURE_MARK_DEGENERATE;
    if (!flagged)
        return;
    figure_set_font(cr, L->fs_note, 0);
    at = (size_t)snprintf(L->note, sizeof L->note, "%s", head);
    for (size_t i = 0; i < L->n; i++) {
        const bar_slot *sl = &L->slots[i];
        size_t left = flagged - named - 1, add = (named ? 2 : 0) + sl->full_len;
        char more[48] = "";
        double w;

        if (sl->mark != SENTRAJ_FIGURE_MARK_DEGENERATE)
            continue;
        if (left)
            snprintf(more, sizeof more, " and %zu more", left);
        if (at + add + strlen(more) >= sizeof L->note)
            break;
        /* Each name must leave room for the "and K more" that may follow. */
        w = figure_text_w(cr, L->note, at) + (named ? figure_str_w(cr, ", ") : 0) +
            figure_text_w(cr, sl->name, sl->full_len) + figure_str_w(cr, more);
        if (named && w > room)
            break;
        if (named) {
            memcpy(L->note + at, ", ", 2);
            at += 2;
        }
        memcpy(L->note + at, sl->name, sl->full_len);
        at += sl->full_len;
        L->note[at] = '\0';
        named++;
    }
    if (named < flagged)
        snprintf(L->note + at, sizeof L->note - at, " and %zu more", flagged - named);
    /* Only a first name too long for the line can still overflow it. */
    L->note_len = figure_fit_text(cr, L->note, strlen(L->note), 0, figure_str_w(cr, "\xe2\x80\xa6"), room,
                                  &L->note_cut);
}

/* The half-width of the diamond of a zero-width interval. */
static double diamond_half(const bar_layout *L)
{
    return fmax(L->cap_half, 4 * L->F.s);
}

/* Where slot i's mark goes: its box (x0, y0, x1, y1) and, for the words of
 * a row without an interval, the start of their baseline. The diamond of a
 * zero-width interval is centred on the bar's end. The words sit past the
 * point or (without a mean) the zero line, on the side away from zero, or
 * on the other side when they would leave the plot. */
static void mark_place(const bar_layout *L, size_t i, double box[4], double *tx, double *ty)
{
    const bar_slot *sl = &L->slots[i];
    const figure_frame *F = &L->F;
    int hz = F->horizontal;
    double fs = L->fs_mark, tw = L->w_noci, at = bars_slot_at(L, i);
    double ext = hz ? tw : 0.96 * fs, lo_edge = hz ? F->left : F->top, hi_edge = hz ? F->right : F->bottom;
    double v = figure_vmap(F, 0), reach = 4 * F->s, a0, a1;
    /* The direction in which values grow, in coordinates: right, or up. */
    double up = hz ? 1 : -1, d;

    if (sl->mark == SENTRAJ_FIGURE_MARK_DEGENERATE) {
        double h = diamond_half(L);
        v = figure_vmap(F, sl->r->mean_delta);
        box[0] = (hz ? v : at) - h;
        box[2] = (hz ? v : at) + h;
        box[1] = (hz ? at : v) - h;
        box[3] = (hz ? at : v) + h;
        *tx = hz ? v : at;
        *ty = hz ? at : v;
        return;
    }
    if (has_mean(sl->r)) {
        v = figure_vmap(F, sl->r->mean_delta);
        reach += L->dot_r;
    }
    d = has_mean(sl->r) && sl->r->mean_delta < 0 ? -up : up;
    a0 = v + d * reach;
    a1 = a0 + d * ext;
    if (fmin(a0, a1) < lo_edge || fmax(a0, a1) > hi_edge) {
        d = -d;
        a0 = v + d * reach;
        a1 = a0 + d * ext;
    }
    if (hz) {
        box[0] = fmin(a0, a1);
        box[2] = fmax(a0, a1);
        box[1] = at + 0.36 * fs - 0.76 * fs;
        box[3] = at + 0.36 * fs + 0.2 * fs;
        *tx = box[0];
        *ty = at + 0.36 * fs;
    } else {
        box[0] = at - 0.5 * tw;
        box[2] = at + 0.5 * tw;
        box[1] = fmin(a0, a1);
        box[3] = fmax(a0, a1);
        *tx = box[0];
        *ty = box[3] - 0.2 * fs;
    }
}

/* Paint slot i's mark: the no-CI point (in the bar's colour, outlined) and
 * its words, or the diamond of a zero-width interval (in place of a whisker
 * of no width, which would read as certainty). */
static void paint_mark(cairo_t *cr, const bar_layout *L, size_t i, const sentraj_figure_bar *b)
{
    const bar_slot *sl = &L->slots[i];
    double box[4], tx, ty;

    if (sl->mark == SENTRAJ_FIGURE_MARK_NONE)
        return;
    mark_place(L, i, box, &tx, &ty);
    if (sl->mark == SENTRAJ_FIGURE_MARK_NO_CI) {
        if (!isnan(b->v_mean)) {
            double x = L->F.horizontal ? b->v_mean : b->at, y = L->F.horizontal ? b->at : b->v_mean;
            cairo_new_sub_path(cr);
            cairo_arc(cr, x, y, L->dot_r, 0, 2 * FIGURE_PI);
            figure_set_color(cr, sl->is_all ? COLOR_ALL : COLOR_BAR);
            cairo_fill_preserve(cr);
            figure_set_color(cr, COLOR_WHISKER);
            cairo_set_line_width(cr, fmax(1, 1.2 * L->F.s));
            cairo_stroke(cr);
        }
        figure_set_font(cr, L->fs_mark, 0);
        figure_set_color(cr, FIGURE_MUTED);
        cairo_move_to(cr, tx, ty);
        cairo_show_text(cr, NO_CI);
    } else {
        double h = diamond_half(L);
        figure_set_color(cr, COLOR_WHISKER);
        cairo_move_to(cr, tx, ty - h);
        cairo_line_to(cr, tx + h, ty);
        cairo_line_to(cr, tx, ty + h);
        cairo_line_to(cr, tx - h, ty);
        cairo_close_path(cr);
        cairo_fill(cr);
    }
}

/* ------------------------------------------------------------------------ */
/* Slots and texts                                                           */
/* ------------------------------------------------------------------------ */

static void layout_free(bar_layout *L)
{
    if (L->slots)
        for (size_t i = 0; i < L->n; i++)
            free(L->slots[i].name);
    free(L->slots);
    L->slots = NULL;
}

/* One slot per bar: the rows the order names, in its order; by default
 * every row ("all" last), less "all" with no_all. */
static int make_slots(bar_layout *L, const sentraj_analysis *a, const sentraj_figure_options *o)
{
    figure_names rows = analysis_names(a);

    L->n = figure_shown(o, rows.count);
    if (L->n > 0) {
        L->slots = calloc(L->n, sizeof *L->slots);
        if (!L->slots)
            return SENTRAJ_ENOMEM;
    }
    for (size_t i = 0; i < L->n; i++) {
        bar_slot *sl = &L->slots[i];
        char num[40];

        sl->row = figure_shown_index(&rows, o, i);
        sl->r = sentraj_analysis_row(a, sl->row);
        if (!sl->r)
            return SENTRAJ_EUSAGE; /* a name of the order that is not a row */
        sl->is_all = sl->row + 1 == rows.count && strcmp(row_name(sl->r), "all") == 0;
        sl->mark = row_mark(sl->r);
        sl->name = figure_label_alloc(o, row_name(sl->r), &sl->full_len);
        if (!sl->name)
            return SENTRAJ_ENOMEM;
        sl->len = sl->full_len;
        figure_thousands(num, sizeof num, sl->r->conversations);
        snprintf(sl->nlabel, sizeof sl->nlabel, "n = %s", num);
    }
    /* "all" after the categories stands apart from them. */
    L->gap_all = L->n > 1 && L->slots[L->n - 1].is_all;
    return SENTRAJ_OK;
}

/* The engines that ran for the bars with an interval (else for any bar). */
static figure_engines bar_engines(const bar_layout *L)
{
    figure_engines ok = 0, any = 0;

    for (size_t i = 0; i < L->n; i++) {
        const sentraj_result *r = L->slots[i].r;
        unsigned e = (unsigned)r->boot.engine;
        if (r->conversations == 0 || r->boot.engine == SENTRAJ_ENGINE_AUTO || e >= 32)
            continue;
        any |= 1u << e;
        /* Any row with a spread-out interval, whatever its status says of it. */
        if (has_ci(r) && r->boot.status != SENTRAJ_CI_DEGENERATE)
            ok |= 1u << e;
    }
    return ok ? ok : any;
}

/* The resamples of the first bar with an interval, else the config's. */
static size_t bar_resamples(const bar_layout *L, const sentraj_config *cfg)
{
    for (size_t i = 0; i < L->n; i++)
        if (has_ci(L->slots[i].r) && L->slots[i].r->boot.status != SENTRAJ_CI_DEGENERATE)
            return L->slots[i].r->boot.resamples;
    return cfg->engine == SENTRAJ_ENGINE_EXACT ? 0 : cfg->resamples;
}

/* The value axis' title: what the bars are (the statistic of the changes)
 * and the change they are of. */
static void bar_value_title(figure_frame *F, const sentraj_config *cfg, size_t window)
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

/* The default title, subtitle and value axis title: the filter, the
 * window and how the intervals were computed. */
static void bar_texts(bar_layout *L, const sentraj_analysis *a)
{
    figure_frame *F = &L->F;
    const sentraj_config *cfg = sentraj_analysis_config(a);
    const char *cluster_by = sentraj_analysis_cluster_by(a);
    char over[96] = "";
    size_t at;

    snprintf(F->title, sizeof F->title,
             "Change in expressed sentiment over conversations (\xe2\x89\xa5 %zu human messages)", cfg->min_human);
    if (cfg->window == 1)
        snprintf(F->subtitle, sizeof F->subtitle, "last minus first human message; ");
    else
        snprintf(F->subtitle, sizeof F->subtitle, "mean of last %zu minus first %zu human messages; ", cfg->window,
                 cfg->window);
    at = strlen(F->subtitle);
    if (cluster_by)
        snprintf(over, sizeof over, " resampling %.60s clusters", cluster_by);
    figure_ci_text(F->subtitle + at, sizeof F->subtitle - at, cfg->level, cfg->method, bar_resamples(L, cfg),
                   bar_engines(L), over);
    /* The values run up the y axis, or along x when the bars are horizontal;
     * compute_layout moves the title there. */
    bar_value_title(F, cfg, cfg->window);
    F->xlabel[0] = '\0';
}

/* The extremes of what the bars, whiskers and points show; lo > hi when
 * nothing. */
static void bar_extremes(const bar_layout *L, double *lo, double *hi)
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

/* ------------------------------------------------------------------------ */
/* Layout                                                                    */
/* ------------------------------------------------------------------------ */

double bars_units(const bar_layout *L)
{
    return (double)(L->n ? L->n : 1) + (L->gap_all ? 0.5 : 0);
}

double bars_slot_at(const bar_layout *L, size_t i)
{
    double gap = L->gap_all && i + 1 == L->n ? 0.5 : 0;
    return L->start + ((double)i + 0.5 + gap) * L->slot_w;
}

void bars_set_slots(bar_layout *L)
{
    const figure_frame *F = &L->F;
    double s = F->s;

    L->start = F->horizontal ? F->top : F->left;
    L->slot_w = (F->horizontal ? F->bottom - F->top : F->right - F->left) / bars_units(L);
    L->bar_half = fmin(0.31 * L->slot_w, (F->horizontal ? 24 : 55) * s);
    /* A whisker no thicker than its crowded bar. */
    L->whisker_lw = fmin(L->whisker_lw, fmax(1.0, 0.6 * L->bar_half));
    /* Caps are small, but always a little wider than the whisker itself. */
    L->cap_half = fmax(fmin(fmax(0.45 * L->bar_half, 3 * s), fmin(9 * s, L->bar_half)), L->whisker_lw + 1);
}

/* Bars up from the zero line, names under them. Returns 1 when they do
 * not fit there and may_turn: the bars are to be horizontal. */
static int layout_vertical(cairo_t *cr, bar_layout *L, double lo, double hi, int may_turn)
{
    figure_frame *F = &L->F;

    F->horizontal = 0;
    L->whisker_lw = fmax(2.0, 2.0 * F->s);
    L->below = L->note_h + (F->xlabel[0] ? 6 * F->s + 1.3 * F->fs_axis : 0);
    figure_value_axis(cr, F, lo, hi, 1);
    F->right = F->w - 24 * F->s;
    bars_set_slots(L);
    return bars_place_under(cr, L, may_turn);
}

/* Bars across from the zero line, first row on top, names on the left, the
 * values along the bottom. */
static void layout_horizontal(cairo_t *cr, bar_layout *L, double lo, double hi)
{
    figure_frame *F = &L->F;
    double s = F->s;

    F->horizontal = 1;
    L->rotated = 0;
    L->whisker_lw = fmax(2.0, 2.0 * s);
    figure_value_axis(cr, F, lo, hi, 1);
    F->bottom = F->h - F->pad - L->note_h - figure_xaxis_height(F);
    if (F->bottom < F->top + 10)
        F->bottom = F->top + 10;
    bars_set_slots(L);
    bars_place_left(cr, L);
    /* The last tick label is centred on the right edge. */
    F->right = F->w - fmax(24 * s, 0.5 * F->tick_w + 0.5 * F->pad);
    if (F->right < F->left + 40 * s)
        F->right = F->left + 40 * s;
}

/* Place everything (a figure_layout_fn for the layout of an analysis). */
static int compute_layout(cairo_t *cr, void *out, const void *a, const sentraj_figure_options *o, double w,
                          double h)
{
    bar_layout *L = out;
    figure_frame *F = &L->F;
    sentraj_orientation orient = o ? o->orientation : SENTRAJ_ORIENTATION_AUTO;
    double lo, hi, s;
    int rc, vertical = orient != SENTRAJ_ORIENTATION_HORIZONTAL;

    figure_frame_init(F, w, h);
    s = F->s;
    L->fs_mark = fmax(11.5 * s, 7);
    L->fs_note = fmax(11.5 * s, 7);
    L->dot_r = fmax(3.0, 5.0 * s);
    rc = make_slots(L, a, o);
    if (rc != SENTRAJ_OK)
        return rc;
    figure_set_font(cr, L->fs_mark, 0);
    L->w_noci = figure_str_w(cr, NO_CI);
    mark_note(cr, L);
    L->note_h = L->note[0] ? 1.3 * L->fs_note + 6 * s : 0;
    bar_extremes(L, &lo, &hi);
    for (;;) {
        figure_frame_init(F, w, h);
        L->fs_cat = fmax(13.5 * s, 7);
        L->fs_n = fmax(11.5 * s, 7);
        bar_texts(L, a);
        /* The default value title goes on the axis that carries the values,
         * before the options' titles replace either. */
        if (!vertical) {
            memcpy(F->xlabel, F->ylabel, sizeof F->xlabel);
            F->ylabel[0] = '\0';
        }
        figure_frame_titles(cr, F, o, 28);
        if (!vertical || !layout_vertical(cr, L, lo, hi, orient == SENTRAJ_ORIENTATION_AUTO))
            break;
        /* The names do not fit under the bars: turn them. */
        vertical = 0;
    }
    if (!vertical)
        layout_horizontal(cr, L, lo, hi);
    return SENTRAJ_OK;
}

/* Lay the figure out (w x h points). L is always initialized; layout_free()
 * it afterwards. */
static int make_layout(bar_layout *L, const sentraj_analysis *a, const sentraj_figure_options *o, double w, double h)
{
    memset(L, 0, sizeof *L);
    return figure_measure(compute_layout, L, a, o, w, h);
}

static void fill_bar(const bar_layout *L, size_t i, sentraj_figure_bar *b)
{
    const bar_slot *sl = &L->slots[i];
    const sentraj_result *r = sl->r;
    double tx, ty;

    memset(b, 0, sizeof *b);
    b->row = sl->row;
    b->is_all = sl->is_all;
    b->mark = sl->mark;
    b->at = bars_slot_at(L, i);
    b->half_width = L->bar_half;
    b->cap_half_width = L->cap_half;
    b->dot_r = L->dot_r;
    b->v_zero = figure_vmap(&L->F, 0);
    b->v_mean = has_mean(r) ? figure_vmap(&L->F, r->mean_delta) : NAN;
    b->v_ci_low = has_ci(r) ? figure_vmap(&L->F, r->boot.ci_low) : NAN;
    b->v_ci_high = has_ci(r) ? figure_vmap(&L->F, r->boot.ci_high) : NAN;
    if (sl->mark != SENTRAJ_FIGURE_MARK_NONE)
        mark_place(L, i, b->mark_box, &tx, &ty);
    bars_label_box(L, i, b->label_box);
    b->label_cut = sl->cut;
    snprintf(b->label, sizeof b->label, "%s", sl->name);
    snprintf(b->shown, sizeof b->shown, "%.*s", (int)sl->len, sl->name);
}

static void fill_info(const bar_layout *L, sentraj_figure_info *info)
{
    const figure_frame *F = &L->F;

    memset(info, 0, sizeof *info);
    info->horizontal = F->horizontal;
    info->items = L->n;
    info->rotated = L->rotated;
    info->left = F->left;
    info->right = F->right;
    info->top = F->top;
    info->bottom = F->bottom;
    info->vmin = F->ymin;
    info->vmax = F->ymax;
    info->fs_label = L->fs_cat;
    memcpy(info->title, F->title, sizeof info->title);
    memcpy(info->subtitle, F->subtitle, sizeof info->subtitle);
    memcpy(info->xlabel, F->xlabel, sizeof info->xlabel);
    memcpy(info->ylabel, F->ylabel, sizeof info->ylabel);
    memcpy(info->note, L->note, sizeof info->note);
    info->subtitle_lines = F->subtitle[0] ? 1 + (F->sub_split > 0) : 0;
}

static int check_analysis(const void *a, const sentraj_figure_options *o, const char *source, sentraj_error *err);

int sentraj_figure_layout(const sentraj_analysis *a, const sentraj_figure_options *o, double w, double h,
                          sentraj_figure_bar *bars, size_t cap, size_t *nbars, sentraj_figure_info *info)
{
    sentraj_figure_options checked;
    bar_layout L;
    int rc;

    if (nbars)
        *nbars = 0;
    if (!a || !figure_check_size(w, h))
        return SENTRAJ_EUSAGE;
    if (o)
        checked = *o;
    else
        sentraj_figure_options_init(&checked);
    /* o's own size is ignored: check it at the one asked for. */
    checked.width = (int)w;
    checked.height = (int)h;
    checked.dpi = 72;
    rc = check_analysis(a, &checked, NULL, NULL);
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
        if (info)
            fill_info(&L, info);
    }
    layout_free(&L);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                   */
/* ------------------------------------------------------------------------ */

/* A segment from (across a0, value v0) to (a1, v1). */
static void segment(cairo_t *cr, const bar_layout *L, double a0, double v0, double a1, double v1)
{
    if (L->F.horizontal) {
        cairo_move_to(cr, v0, a0);
        cairo_line_to(cr, v1, a1);
    } else {
        cairo_move_to(cr, a0, v0);
        cairo_line_to(cr, a1, v1);
    }
    cairo_stroke(cr);
}

static void paint_bars(cairo_t *cr, const bar_layout *L)
{
    sentraj_figure_bar b;

    /* A bar only where there is an interval: a mean alone is a point. */
    for (size_t i = 0; i < L->n; i++) {
        double v0, len;
        fill_bar(L, i, &b);
        if (isnan(b.v_mean) || isnan(b.v_ci_low))
            continue;
        v0 = fmin(b.v_mean, b.v_zero);
        len = fabs(b.v_zero - b.v_mean);
        figure_set_color(cr, b.is_all ? COLOR_ALL : COLOR_BAR);
        if (L->F.horizontal)
            cairo_rectangle(cr, v0, b.at - b.half_width, len, 2 * b.half_width);
        else
            cairo_rectangle(cr, b.at - b.half_width, v0, 2 * b.half_width, len);
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
        /* A zero-width interval has its diamond instead (paint_mark). */
        if (isnan(b.v_ci_low) || b.mark == SENTRAJ_FIGURE_MARK_DEGENERATE)
            continue;
        /* An interval narrower than half a point is a single cap. */
        if (fabs(b.v_ci_low - b.v_ci_high) > 0.5)
            segment(cr, L, b.at, b.v_ci_low, b.at, b.v_ci_high);
        segment(cr, L, b.at - b.cap_half_width, b.v_ci_low, b.at + b.cap_half_width, b.v_ci_low);
        segment(cr, L, b.at - b.cap_half_width, b.v_ci_high, b.at + b.cap_half_width, b.v_ci_high);
    }
    for (size_t i = 0; i < L->n; i++) {
        fill_bar(L, i, &b);
        paint_mark(cr, L, i, &b);
    }
}

/* The category axis' title (if any) and the note, under everything. */
static void paint_below(cairo_t *cr, const bar_layout *L)
{
    const figure_frame *F = &L->F;

    if (!F->horizontal && F->xlabel[0])
        figure_title_under(cr, F, F->xlabel, F->h - F->pad - L->note_h - 0.35 * F->fs_axis);
    if (F->horizontal && F->ylabel[0])
        figure_title_left(cr, F, F->ylabel, F->pad);
    if (L->note[0]) {
        figure_set_font(cr, L->fs_note, 0);
        figure_set_color(cr, FIGURE_MUTED);
        figure_show_at(cr, L->note, L->note_len, F->pad, F->h - F->pad - 0.25 * L->fs_note, 0);
        if (L->note_cut)
            cairo_show_text(cr, "\xe2\x80\xa6");
    }
}

/* Paint the whole figure on cr, w x h points in cr's user space (a figure_chart's draw). */
static int draw(cairo_t *cr, double w, double h, const void *a, const sentraj_figure_options *o)
{
    bar_layout L;
    int rc = make_layout(&L, a, o, w, h);

    if (rc == SENTRAJ_OK) {
        figure_begin(cr, &L.F);
        figure_axes(cr, &L.F);
        paint_bars(cr, &L);
        bars_paint_labels(cr, &L);
        paint_below(cr, &L);
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
    int rc;

    if (strcmp(sentraj_orientation_name(o->orientation), "?") == 0)
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0, "figure orientation %d is not auto, vertical or "
                             "horizontal", (int)o->orientation);
    if (!a)
        return figure_check_options(o, NULL, source, err);
    rows = analysis_names(a);
    rc = figure_check_options(o, &rows, source, err);
    if (rc == SENTRAJ_OK && figure_shown(o, rows.count) == 0)
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0,
                             "the figure has no bar to draw: the data have no category and no_all leaves out \"all\"");
    return rc;
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
