/* figure.c - the published chart of mean sentiment change per category, drawn with cairo as PNG, SVG or PDF. */
#include "report/figure.h"

#include "report/draw.h"
#include "core/error.h"
#include "analyses/positions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The chart reproduces "changes in average human-expressed sentiment over the
 * course of conversations with at least six human messages": one bar per
 * category at its mean delta, a whisker over its bootstrap interval, the
 * category name and its number of conversations underneath.
 *
 * Everything is placed by compute_layout() and painted by draw(); the PNG,
 * SVG and PDF writers and sentraj_figure_layout() all go through them, so the
 * geometry the tests check is the geometry that is drawn. */

enum {
    NAME_MAX_BYTES = 200 /* category names are cut (at a character) beyond this */
};

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

/* The value range: 0, every mean and every interval end, padded by 8% on each
 * side that data reaches (the zero baseline itself is not padded, as bar
 * charts usually do), then ticks at a 1-2-5 step giving about `target`
 * intervals, and the range widened to the next tick when that is close. */

static void y_range(layout *L, double target)
{
    double lo = 0, hi = 0, range;
    int any_neg = 0, any_pos = 0;

    for (size_t i = 0; i < L->n; i++) {
        const sentraj_result *r = L->slots[i].r;
        double v[3];
        size_t k = 0;
        if (has_mean(r))
            v[k++] = r->mean_delta;
        if (has_ci(r)) {
            v[k++] = r->boot.ci_low;
            v[k++] = r->boot.ci_high;
        }
        for (size_t j = 0; j < k; j++) {
            lo = fmin(lo, v[j]);
            hi = fmax(hi, v[j]);
            any_neg |= v[j] < 0;
            any_pos |= v[j] > 0;
        }
    }
    range = hi - lo;
    if (!(range > 0)) {
        /* Nothing but zeros (or no data): a symmetric scale around zero. */
        lo = -0.25;
        hi = 0.25;
        any_neg = any_pos = 1;
        range = hi - lo;
    }
    L->F.ymin = any_neg ? lo - 0.08 * range : 0;
    L->F.ymax = any_pos ? hi + 0.08 * range : 0;
    draw_set_ticks(&L->F, target);
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

        snprintf(tail, sizeof tail, "  %s", sl->nlabel);
        nw = draw_str_w(cr, tail);
        if (cs > 1e-6)
            lmax = fmin(lmax, (x - 0.5 * L->F.pad) / cs);
        sl->len = strlen(sl->name);
        sl->cut = 0;
        sl->name_w = draw_text_w(cr, sl->name, sl->len);
        sl->full_w = sl->name_w + nw;
        if (sl->name_w + nw > lmax) {
            /* Cut the name, one character at a time, until it fits. */
            size_t len = sl->len;
            while (len > 0) {
                len = draw_utf8_floor(sl->name, len - 1);
                if (draw_text_w(cr, sl->name, len) + ell_w + nw <= lmax)
                    break;
            }
            sl->len = len;
            sl->cut = 1;
            sl->name_w = draw_text_w(cr, sl->name, len) + ell_w;
        }
        sl->label_w = sl->name_w + nw;
        extent = fmax(extent, sl->label_w * sn + 0.5 * fs * cs);
    }
    return extent;
}

static int has_order(const sentraj_figure_options *o)
{
    return o && o->order && o->norder > 0;
}

static const char *row_name(const sentraj_result *r)
{
    return r && r->category ? r->category : "";
}

/* The index of the row called name, or rows when there is none. */
static size_t find_row(const sentraj_analysis *a, size_t rows, const char *name)
{
    for (size_t i = 0; i < rows; i++)
        if (strcmp(row_name(sentraj_analysis_row(a, i)), name) == 0)
            return i;
    return rows;
}

/* The text shown for a category: its display name when o gives one. */
static const char *display_name(const sentraj_figure_options *o, const char *category)
{
    if (o && o->labels)
        for (size_t i = 0; i < o->nlabels; i++)
            if (o->labels[i].category && o->labels[i].text && strcmp(o->labels[i].category, category) == 0)
                return o->labels[i].text;
    return category;
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

/* Place everything. Text is measured with cr's current font options, which
 * the callers set identically (draw_prepare()). Returns a sentraj status. */
static int compute_layout(cairo_t *cr, layout *L, const sentraj_analysis *a, const sentraj_figure_options *o,
                          double w, double h)
{
    size_t rows = sentraj_analysis_rows(a);
    const sentraj_config *cfg = sentraj_analysis_config(a);
    size_t min_human = cfg ? cfg->min_human : 6, window = cfg ? cfg->window : 3;
    size_t resamples = first_ok_resamples(a, rows, cfg ? cfg->resamples : 1000);
    double level = cfg ? cfg->level : 0.95;
    double s, gap, target, max_tick = 0;
    char lvl[32];

    L->F.w = w;
    L->F.h = h;
    L->F.s = s = fmin(w / 900.0, h / 560.0);
    L->F.pad = 18 * s;
    /* Text scales with the figure but stays readable (7 px) in small ones. */
    L->F.fs_title = fmax(19 * s, 8);
    L->F.fs_sub = fmax(13 * s, 7);
    L->F.fs_axis = fmax(13 * s, 7);
    L->F.fs_tick = fmax(12 * s, 7);
    L->fs_cat = fmax(13.5 * s, 7);
    L->fs_n = fmax(11.5 * s, 7);
    L->whisker_lw = fmax(2.0, 2.0 * s);
    L->F.zero_lw = fmax(1.0, 1.3 * s);
    L->F.grid_lw = fmax(1.0, 1.0 * s);

    /* Slots: the rows the order names, in its order; by default every row
     * but the final "all", unless it is the only one. */
    L->n = has_order(o) ? o->norder : rows > 1 ? rows - 1 : rows;
    if (L->n > 0) {
        L->slots = calloc(L->n, sizeof *L->slots);
        if (!L->slots)
            return SENTRAJ_ENOMEM;
    }
    for (size_t i = 0; i < L->n; i++) {
        slot *sl = &L->slots[i];
        const char *name;
        char num[40];

        sl->row = has_order(o) ? find_row(a, rows, o->order[i] ? o->order[i] : "") : i;
        sl->r = sl->row < rows ? sentraj_analysis_row(a, sl->row) : NULL;
        if (!sl->r)
            return has_order(o) ? SENTRAJ_EUSAGE : SENTRAJ_EINTERNAL;
        name = display_name(o, row_name(sl->r));
        sl->name = malloc(NAME_MAX_BYTES + 1);
        if (!sl->name)
            return SENTRAJ_ENOMEM;
        sl->len = draw_clean_utf8(sl->name, name, NAME_MAX_BYTES);
        draw_thousands(num, sizeof num, sl->r->conversations);
        if (sl->r->conversations > 0 && !has_ci(sl->r))
            snprintf(sl->nlabel, sizeof sl->nlabel, "n = %s (no CI)", num);
        else
            snprintf(sl->nlabel, sizeof sl->nlabel, "n = %s", num);
    }

    /* Title and subtitle. */
    if (o && o->title)
        draw_clean_utf8(L->F.title, o->title, sizeof L->F.title - 1);
    else
        snprintf(L->F.title, sizeof L->F.title,
                 "Change in expressed sentiment over conversations (\xe2\x89\xa5 %zu human messages)", min_human);
    snprintf(lvl, sizeof lvl, "%.4g%%", level * 100);
    if (window == 1)
        snprintf(L->F.subtitle, sizeof L->F.subtitle, "last minus first human message; ");
    else
        snprintf(L->F.subtitle, sizeof L->F.subtitle, "mean of last %zu minus first %zu human messages; ", window,
                 window);
    if (resamples == 0)
        snprintf(L->F.subtitle + strlen(L->F.subtitle), sizeof L->F.subtitle - strlen(L->F.subtitle),
                 "%s exact bootstrap CI", lvl);
    else if (sentraj_analysis_cluster_by(a))
        snprintf(L->F.subtitle + strlen(L->F.subtitle), sizeof L->F.subtitle - strlen(L->F.subtitle),
                 "%s bootstrap CI resampling %.60s clusters, %zu resamples", lvl, sentraj_analysis_cluster_by(a),
                 resamples);
    else
        snprintf(L->F.subtitle + strlen(L->F.subtitle), sizeof L->F.subtitle - strlen(L->F.subtitle),
                 "%s bootstrap CI, %zu resamples", lvl, resamples);
    if (window == 1)
        snprintf(L->F.ylabel, sizeof L->F.ylabel, "Change in sentiment (last \xe2\x88\x92 first)");
    else
        snprintf(L->F.ylabel, sizeof L->F.ylabel, "Change in mean sentiment (last %zu \xe2\x88\x92 first %zu)", window,
                 window);

    L->F.fs_title = draw_fit_font(cr, L->F.title, L->F.fs_title, 1, w - 2 * L->F.pad);
    L->F.fs_sub = draw_fit_font(cr, L->F.subtitle, L->F.fs_sub, 0, w - 2 * L->F.pad);
    L->F.title_y = L->F.pad + 0.95 * L->F.fs_title;
    L->F.sub_y = L->F.title_y + 1.55 * L->F.fs_sub;
    L->F.top = L->F.sub_y + 0.4 * L->F.fs_sub + 28 * s;

    /* Ticks: about one every 55 units of an estimated plot height. */
    target = fmin(8, fmax(3, (h - L->F.top - 0.18 * h) / (55 * s)));
    y_range(L, target);
    draw_set_font(cr, L->F.fs_tick, 0);
    for (size_t k = 0; k < L->F.nticks; k++) {
        char buf[64];
        draw_tick_label(&L->F, (double)(L->F.k0 + (long)k) * L->F.step, buf, sizeof buf);
        max_tick = fmax(max_tick, draw_str_w(cr, buf));
    }
    L->F.tick_w = max_tick;
    /* Left of the plot: the axis title (its glyphs are ~0.95 em tall), a gap,
     * the tick labels, a gap. */
    L->F.left = L->F.pad + 0.95 * L->F.fs_axis + 12 * s + max_tick + 10 * s;
    L->F.right = w - 24 * s;

    /* Bars share the width equally. */
    set_slots(L);

    /* Labels: horizontal at full size, else smaller, else rotated. */
    gap = 9 * s;
    {
        static const double scales[] = { 1.0, 0.92, 0.84, 0.76 };
        double extent = 0;
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
                L->F.left = fmin(left, L->F.left + 0.2 * w);
                set_slots(L);
                if (L->slot_w * sin(DRAW_PI / 4) < 1.3 * 9 * s)
                    L->angle = DRAW_PI / 2;
                extent = set_rotated(cr, L, fs, gap);
            }
        }
        L->F.bottom = h - L->F.pad - gap - extent;
    }
    if (L->F.bottom < L->F.top + 10)
        L->F.bottom = L->F.top + 10;
    L->label_top = L->F.bottom + gap;
    return SENTRAJ_OK;
}

/* Lay the figure out (w x h points) on a scratch surface, so that every
 * output, whatever its surface type or scale, gets the same geometry. L is
 * always initialized; layout_free() it afterwards. */
static int make_layout(layout *L, const sentraj_analysis *a, const sentraj_figure_options *o, double w, double h)
{
    cairo_surface_t *surface;
    cairo_t *cr;
    int rc;

    memset(L, 0, sizeof *L);
    surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cr = cairo_create(surface);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        rc = SENTRAJ_EINTERNAL;
    else {
        draw_prepare(cr);
        rc = compute_layout(cr, L, a, o, w, h);
        if (rc == SENTRAJ_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
            rc = SENTRAJ_EINTERNAL;
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return rc;
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

static int check_names(const sentraj_analysis *a, const sentraj_figure_options *o, const char *source,
                       sentraj_error *err);

int sentraj_figure_layout(const sentraj_analysis *a, const sentraj_figure_options *o, double w, double h,
                          sentraj_figure_bar *bars, size_t cap, size_t *nbars)
{
    layout L;
    int rc;

    if (nbars)
        *nbars = 0;
    if (!a || !draw_check_size(w, h))
        return SENTRAJ_EUSAGE;
    rc = check_names(a, o, NULL, NULL);
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

static void draw_bars(cairo_t *cr, const layout *L)
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
    draw_hline(cr, L->F.left - 6 * L->F.s, L->F.right, draw_ymap(&L->F, 0));

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

static void draw_labels(cairo_t *cr, const layout *L)
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

/* Paint the whole figure on cr, w x h points in cr's user space. A PDF
 * surface gets the title as its document title. Returns SENTRAJ_OK,
 * SENTRAJ_ENOMEM, or SENTRAJ_EINTERNAL when cairo failed (cairo_status(cr)
 * says why). */
static int draw(cairo_t *cr, double w, double h, const sentraj_analysis *a, const sentraj_figure_options *o)
{
    layout L;
    int rc;

    draw_prepare(cr);
    rc = make_layout(&L, a, o, w, h);
    if (rc == SENTRAJ_OK) {
        cairo_surface_t *target = cairo_get_target(cr);
        if (cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_PDF)
            cairo_pdf_surface_set_metadata(target, CAIRO_PDF_METADATA_TITLE, L.F.title);
        draw_set_color(cr, DRAW_BG);
        cairo_paint(cr);
        draw_axes(cr, &L.F);
        draw_bars(cr, &L);
        draw_labels(cr, &L);
        draw_titles(cr, &L.F);
    }
    layout_free(&L);
    if (rc == SENTRAJ_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        rc = SENTRAJ_EINTERNAL;
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

/* Every name of the list a row of a. */
static int check_known(const char *what, const char *const *names, const sentraj_figure_label *labels, size_t n,
                       const sentraj_analysis *a, const char *source, sentraj_error *err)
{
    size_t rows = sentraj_analysis_rows(a);
    draw_namelist unknown, known;

    memset(&unknown, 0, sizeof unknown);
    for (size_t i = 0; i < n; i++) {
        const char *s = names ? names[i] : labels[i].category;
        if (find_row(a, rows, s) == rows)
            draw_namelist_add(&unknown, s);
    }
    if (unknown.shown + unknown.left == 0)
        return SENTRAJ_OK;
    memset(&known, 0, sizeof known);
    for (size_t i = 0; i < rows; i++)
        draw_namelist_add(&known, row_name(sentraj_analysis_row(a, i)));
    {
        size_t nu = unknown.shown + unknown.left;
        const char *u = draw_namelist_end(&unknown);
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0, "figure %s: %s not in the data: %s (categories: %s)",
                             what, nu == 1 ? "category" : "categories", u, draw_namelist_end(&known));
    }
}

static int check_names(const sentraj_analysis *a, const sentraj_figure_options *o, const char *source,
                       sentraj_error *err)
{
    int rc;

    if (!o)
        return SENTRAJ_OK;
    if (o->order || o->norder) {
        rc = draw_check_list("order", o->order, NULL, o->order ? o->norder : 1, source, err);
        if (rc == SENTRAJ_OK && a)
            rc = check_known("order", o->order, NULL, o->norder, a, source, err);
        if (rc != SENTRAJ_OK)
            return rc;
    }
    if (o->labels || o->nlabels) {
        rc = draw_check_list("labels", NULL, o->labels, o->labels ? o->nlabels : 1, source, err);
        if (rc == SENTRAJ_OK && a)
            rc = check_known("labels", NULL, o->labels, o->nlabels, a, source, err);
        if (rc != SENTRAJ_OK)
            return rc;
    }
    return SENTRAJ_OK;
}

/* Everything sentraj_figure_check checks, errors naming source. */
static int check_options(const sentraj_analysis *a, const sentraj_figure_options *o, const char *source,
                         sentraj_error *err)
{
    int rc = draw_check_dims(o, source, err);

    if (rc != SENTRAJ_OK)
        return rc;
    return check_names(a, o, source, err);
}

static int check_args(FILE *f, const sentraj_analysis *a, const sentraj_figure_options *o, const char *name,
                      sentraj_error *err)
{
    int rc;

    if (!f || !a)
        return sentraj_raise(err, SENTRAJ_EUSAGE, name, 0, 0, "no %s to draw the figure with",
                             f ? "analysis" : "output stream");
    rc = check_options(a, o, name, err);
    return rc == SENTRAJ_OK ? cairo_dl_load(err, name) : rc;
}

void sentraj_figure_options_init(sentraj_figure_options *o)
{
    o->title = NULL;
    o->width = 900;
    o->height = 560;
    o->dpi = 72;
    o->order = NULL;
    o->norder = 0;
    o->labels = NULL;
    o->nlabels = 0;
}

int sentraj_figure_check(const sentraj_analysis *a, const sentraj_figure_options *o, sentraj_error *err)
{
    sentraj_figure_options defaults;

    if (!o) {
        sentraj_figure_options_init(&defaults);
        o = &defaults;
    }
    return check_options(a, o, NULL, err);
}

/* ------------------------------------------------------------------------ */
/* Writers                                                                   */
/* ------------------------------------------------------------------------ */

static int draw_analysis(cairo_t *cr, double w, double h, const void *subject, const sentraj_figure_options *o)
{
    return draw(cr, w, h, subject, o);
}

int sentraj_figure_write_png(FILE *f, const char *name, const sentraj_analysis *a, const sentraj_figure_options *o,
                             sentraj_error *err)
{
    sentraj_figure_options defaults;
    int rc;

    if (!o) {
        sentraj_figure_options_init(&defaults);
        o = &defaults;
    }
    rc = check_args(f, a, o, name, err);
    if (rc != SENTRAJ_OK)
        return rc;
    return draw_write_png(f, name, draw_analysis, a, o, err);
}

static int write_vector(int pdf, FILE *f, const char *name, const sentraj_analysis *a,
                        const sentraj_figure_options *o, sentraj_error *err)
{
    sentraj_figure_options defaults;
    int rc;

    if (!o) {
        sentraj_figure_options_init(&defaults);
        o = &defaults;
    }
    rc = check_args(f, a, o, name, err);
    if (rc != SENTRAJ_OK)
        return rc;
    return draw_write_vector(pdf, f, name, draw_analysis, a, o, err);
}

int sentraj_figure_write_svg(FILE *f, const char *name, const sentraj_analysis *a, const sentraj_figure_options *o,
                             sentraj_error *err)
{
    return write_vector(0, f, name, a, o, err);
}

int sentraj_figure_write_pdf(FILE *f, const char *name, const sentraj_analysis *a, const sentraj_figure_options *o,
                             sentraj_error *err)
{
    return write_vector(1, f, name, a, o, err);
}

/* ------------------------------------------------------------------------ */
/* The positions figure: lines with interval bands                           */
/* ------------------------------------------------------------------------ */

/* One line per category of a sentraj_positions (or those the order names),
 * the mean at each position joined by a line over a shaded band from ci_low
 * to ci_high, with a legend on the right. The layout reuses the bar figure's
 * fonts, title block, value axis (draw_set_ticks, draw_axes) and writers. */

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

static size_t pos_find(const sentraj_positions *p, const char *name)
{
    for (size_t i = 0; i < p->ncat; i++)
        if (strcmp(p->names[i], name) == 0)
            return i;
    return p->ncat;
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

static int pos_layout(cairo_t *cr, playout *P, const sentraj_positions *p, const sentraj_figure_options *o, double w,
                      double h)
{
    draw_frame *L = &P->F;
    const sentraj_config *cfg = &p->cfg;
    double s, lo = INFINITY, hi = -INFINITY, leg_w = 0, max_leg, max_tick = 0, target, xl_h;
    size_t npos = p->npos;
    char lvl[32], unit[96];

    memset(P, 0, sizeof *P);
    P->p = p;
    L->w = w;
    L->h = h;
    L->s = s = fmin(w / 900.0, h / 560.0);
    L->pad = 18 * s;
    L->fs_title = fmax(19 * s, 8);
    L->fs_sub = fmax(13 * s, 7);
    L->fs_axis = fmax(13 * s, 7);
    L->fs_tick = fmax(12 * s, 7);
    L->grid_lw = fmax(1.0, 1.0 * s);
    L->zero_lw = fmax(1.0, 1.3 * s);
    P->fs_leg = fmax(12.5 * s, 7);
    P->line_lw = fmax(1.5, 2.0 * s);
    P->dot_r = fmax(1.5, 2.6 * s);

    /* Lines: the order's, else every category and "all". */
    P->nlines = has_order(o) ? o->norder : p->ncat;
    P->lines = calloc(P->nlines ? P->nlines : 1, sizeof *P->lines);
    if (!P->lines)
        return SENTRAJ_ENOMEM;
    for (size_t i = 0, ci = 0; i < P->nlines; i++) {
        pline *ln = &P->lines[i];
        const char *name;
        char num[40];
        ln->cat = has_order(o) ? pos_find(p, o->order[i] ? o->order[i] : "") : i;
        if (ln->cat >= p->ncat)
            return SENTRAJ_EUSAGE;
        ln->dashed = ln->cat + 1 == p->ncat;
        ln->color = ln->dashed ? COLOR_ALL : LINE_COLORS[ci++ % (sizeof LINE_COLORS / sizeof LINE_COLORS[0])];
        name = display_name(o, p->names[ln->cat]);
        ln->name = malloc(NAME_MAX_BYTES + 1);
        if (!ln->name)
            return SENTRAJ_ENOMEM;
        ln->len = draw_clean_utf8(ln->name, name, NAME_MAX_BYTES);
        /* The conversations of a category: those reaching position 1 (every
         * one of them, unless bins leave a short one out of the first). */
        {
            size_t n = 0;
            for (size_t q = 0; q < npos; q++)
                if (p->rows[ln->cat * npos + q].conversations > n)
                    n = p->rows[ln->cat * npos + q].conversations;
            draw_thousands(num, sizeof num, n);
            snprintf(ln->nlabel, sizeof ln->nlabel, "  n = %s", num);
        }
        for (size_t q = 0; q < npos; q++) {
            const sentraj_position_row *r = &p->rows[ln->cat * npos + q];
            double v[3] = {r->mean, r->ci_low, r->ci_high};
            for (int k = 0; k < 3; k++)
                if (isfinite(v[k])) {
                    lo = fmin(lo, v[k]);
                    hi = fmax(hi, v[k]);
                }
        }
    }

    /* Titles. */
    if (o && o->title)
        draw_clean_utf8(L->title, o->title, sizeof L->title - 1);
    else if (p->po.bins)
        snprintf(L->title, sizeof L->title, "Expressed sentiment over the course of conversations (%zu equal parts)",
                 p->po.bins);
    else
        snprintf(L->title, sizeof L->title, "Expressed sentiment by human message position");
    snprintf(lvl, sizeof lvl, "%.4g%%", cfg->level * 100);
    if (p->cluster_by)
        snprintf(unit, sizeof unit, "clusters (%.60s)", p->cluster_by);
    else
        snprintf(unit, sizeof unit, "conversations");
    snprintf(L->subtitle, sizeof L->subtitle, "mean human label, %s; %s bootstrap CI over %s, %zu resamples",
             p->po.all_conversations ? "every conversation" : "conversations kept by the filter", lvl, unit,
             cfg->resamples);
    snprintf(L->ylabel, sizeof L->ylabel, "Mean sentiment");
    if (p->po.bins)
        snprintf(P->xlabel, sizeof P->xlabel, "Part of the conversation (human messages)");
    else
        snprintf(P->xlabel, sizeof P->xlabel, "Human message position");
    L->fs_title = draw_fit_font(cr, L->title, L->fs_title, 1, w - 2 * L->pad);
    L->fs_sub = draw_fit_font(cr, L->subtitle, L->fs_sub, 0, w - 2 * L->pad);
    L->title_y = L->pad + 0.95 * L->fs_title;
    L->sub_y = L->title_y + 1.55 * L->fs_sub;
    L->top = L->sub_y + 0.4 * L->fs_sub + 24 * s;

    /* Values: the data's range padded by 8% (no forced zero: a level, not a change). */
    if (!(lo <= hi)) {
        lo = -0.25;
        hi = 0.25;
    } else if (!(hi > lo)) {
        lo -= 0.25;
        hi += 0.25;
    }
    L->ymin = lo - 0.08 * (hi - lo);
    L->ymax = hi + 0.08 * (hi - lo);
    target = fmin(8, fmax(3, (h - L->top - 0.18 * h) / (55 * s)));
    draw_set_ticks(L, target);
    draw_set_font(cr, L->fs_tick, 0);
    for (size_t k = 0; k < L->nticks; k++) {
        char buf[64];
        draw_tick_label(L, (double)(L->k0 + (long)k) * L->step, buf, sizeof buf);
        max_tick = fmax(max_tick, draw_str_w(cr, buf));
    }
    L->tick_w = max_tick;
    L->left = L->pad + 0.95 * L->fs_axis + 12 * s + max_tick + 10 * s;

    /* Legend on the right, at most 30% of the width; names cut to fit. */
    max_leg = 0.3 * w;
    P->swatch = 22 * s;
    draw_set_font(cr, P->fs_leg, 0);
    {
        double ell = draw_str_w(cr, "\xe2\x80\xa6");
        for (size_t i = 0; i < P->nlines; i++) {
            pline *ln = &P->lines[i];
            double nw = draw_str_w(cr, ln->nlabel), room = max_leg - P->swatch - 8 * s - nw;
            if (draw_text_w(cr, ln->name, ln->len) > room) {
                size_t len = ln->len;
                while (len > 0) {
                    len = draw_utf8_floor(ln->name, len - 1);
                    if (draw_text_w(cr, ln->name, len) + ell <= room)
                        break;
                }
                ln->len = len;
                ln->cut = 1;
            }
            leg_w = fmax(leg_w, P->swatch + 8 * s + draw_text_w(cr, ln->name, ln->len) + (ln->cut ? ell : 0) + nw);
        }
    }
    L->right = w - L->pad - leg_w - 16 * s;
    if (L->right < L->left + 40 * s)
        L->right = L->left + 40 * s;
    P->leg_x = L->right + 16 * s;
    P->leg_row = 1.6 * P->fs_leg;
    P->leg_y = L->top + 0.5 * P->leg_row;

    /* Positions share the width; label every k-th when they would crowd. */
    P->xstep = (L->right - L->left) / (double)(npos ? npos : 1);
    draw_set_font(cr, L->fs_tick, 0);
    P->pct = p->po.bins > 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        double widest = 0;
        char buf[64];
        for (size_t q = 0; q < npos; q++) {
            pos_label(P, q, buf, sizeof buf);
            widest = fmax(widest, draw_str_w(cr, buf));
        }
        P->xevery = (int)ceil((widest + 8 * s) / P->xstep);
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
    xl_h = 1.25 * L->fs_tick + 8 * s + 1.3 * L->fs_axis;
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
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *scratch = cairo_create(surface);

    /* Measure on a scratch surface, as make_layout does, so every output
     * gets the same geometry. */
    draw_prepare(scratch);
    rc = cairo_status(scratch) == CAIRO_STATUS_SUCCESS ? pos_layout(scratch, &P, subject, o, w, h)
                                                       : (memset(&P, 0, sizeof P), SENTRAJ_EINTERNAL);
    if (rc == SENTRAJ_OK && cairo_status(scratch) != CAIRO_STATUS_SUCCESS)
        rc = SENTRAJ_EINTERNAL;
    cairo_destroy(scratch);
    cairo_surface_destroy(surface);
    if (rc == SENTRAJ_OK) {
        cairo_surface_t *target = cairo_get_target(cr);
        draw_prepare(cr);
        if (cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_PDF)
            cairo_pdf_surface_set_metadata(target, CAIRO_PDF_METADATA_TITLE, P.F.title);
        draw_set_color(cr, DRAW_BG);
        cairo_paint(cr);
        draw_axes(cr, &P.F);
        if (P.F.ymin < 0 && P.F.ymax > 0) {
            /* draw_axes leaves zero to the bars' baseline; here it is neutral sentiment, a grid line. */
            draw_set_color(cr, DRAW_GRID);
            cairo_set_line_width(cr, P.F.grid_lw);
            draw_hline(cr, P.F.left - 6 * P.F.s, P.F.right, draw_ymap(&P.F, 0));
        }
        pos_draw_xaxis(cr, &P);
        pos_draw_lines(cr, &P);
        pos_draw_legend(cr, &P);
        draw_titles(cr, &P.F);
        if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
            rc = SENTRAJ_EINTERNAL;
    }
    playout_free(&P);
    return rc;
}

/* Every name of an order or labels list a category of p. */
static int pos_check_known(const char *what, const char *const *names, const sentraj_figure_label *labels, size_t n,
                           const sentraj_positions *p, const char *source, sentraj_error *err)
{
    draw_namelist unknown, known;

    memset(&unknown, 0, sizeof unknown);
    for (size_t i = 0; i < n; i++) {
        const char *s = names ? names[i] : labels[i].category;
        if (pos_find(p, s) == p->ncat)
            draw_namelist_add(&unknown, s);
    }
    if (unknown.shown + unknown.left == 0)
        return SENTRAJ_OK;
    memset(&known, 0, sizeof known);
    for (size_t i = 0; i < p->ncat; i++)
        draw_namelist_add(&known, p->names[i]);
    {
        size_t nu = unknown.shown + unknown.left;
        const char *u = draw_namelist_end(&unknown);
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0, "figure %s: %s not in the data: %s (categories: %s)",
                             what, nu == 1 ? "category" : "categories", u, draw_namelist_end(&known));
    }
}

static int pos_check_options(const sentraj_positions *p, const sentraj_figure_options *o, const char *source,
                             sentraj_error *err)
{
    int rc = check_options(NULL, o, source, err);

    if (rc != SENTRAJ_OK || !p)
        return rc;
    if (p->cfg.alternative != SENTRAJ_TWO_SIDED)
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0,
                             "the figure draws two-sided intervals, not one-sided (%s) ones",
                             sentraj_alternative_name(p->cfg.alternative));
    if (o->order || o->norder)
        rc = pos_check_known("order", o->order, NULL, o->norder, p, source, err);
    if (rc == SENTRAJ_OK && (o->labels || o->nlabels))
        rc = pos_check_known("labels", NULL, o->labels, o->nlabels, p, source, err);
    return rc;
}

int sentraj_positions_figure_check(const sentraj_positions *p, const sentraj_figure_options *o, sentraj_error *err)
{
    sentraj_figure_options defaults;

    if (!o) {
        sentraj_figure_options_init(&defaults);
        o = &defaults;
    }
    return pos_check_options(p, o, NULL, err);
}

static int pos_write(int kind, FILE *f, const char *name, const sentraj_positions *p, const sentraj_figure_options *o,
                     sentraj_error *err)
{
    sentraj_figure_options defaults;
    int rc;

    if (!o) {
        sentraj_figure_options_init(&defaults);
        o = &defaults;
    }
    if (!f || !p)
        return sentraj_raise(err, SENTRAJ_EUSAGE, name, 0, 0, "no %s to draw the figure with",
                             f ? "positions" : "output stream");
    rc = pos_check_options(p, o, name, err);
    if (rc == SENTRAJ_OK)
        rc = cairo_dl_load(err, name);
    if (rc != SENTRAJ_OK)
        return rc;
    if (kind == 0)
        return draw_write_png(f, name, pos_draw, p, o, err);
    return draw_write_vector(kind == 2, f, name, pos_draw, p, o, err);
}

int sentraj_positions_figure_write_png(FILE *f, const char *name, const sentraj_positions *p,
                                       const sentraj_figure_options *o, sentraj_error *err)
{
    return pos_write(0, f, name, p, o, err);
}

int sentraj_positions_figure_write_svg(FILE *f, const char *name, const sentraj_positions *p,
                                       const sentraj_figure_options *o, sentraj_error *err)
{
    return pos_write(1, f, name, p, o, err);
}

int sentraj_positions_figure_write_pdf(FILE *f, const char *name, const sentraj_positions *p,
                                       const sentraj_figure_options *o, sentraj_error *err)
{
    return pos_write(2, f, name, p, o, err);
}
