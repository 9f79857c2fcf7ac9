/* figure_bars_labels.c - the bar chart's category names and counts: under vertical bars, or left of horizontal ones. */
#include "report/figure_bars.h"

#include <math.h>
#include <string.h>

/* Names left of horizontal bars may take this share of the figure's width
 * before they are cut. */
#define LEFT_SHARE 0.4

#define ELLIPSIS "\xe2\x80\xa6"

/* ------------------------------------------------------------------------ */
/* Under vertical bars                                                       */
/* ------------------------------------------------------------------------ */

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
static int try_horizontal(cairo_t *cr, bar_layout *L, double k)
{
    double room = L->slot_w - 6 * L->F.s;

    L->lines = 1;
    for (size_t i = 0; i < L->n; i++) {
        bar_slot *sl = &L->slots[i];
        double w;

        figure_set_font(cr, L->fs_n * k, 0);
        if (figure_str_w(cr, sl->nlabel) > room)
            return 0;
        figure_set_font(cr, L->fs_cat * k, 0);
        w = figure_text_w(cr, sl->name, sl->full_len);
        sl->split = 0;
        if (w > 2 * L->bar_half * 1.05 || w > room) {
            double w2;
            size_t split = best_split(cr, sl->name, sl->full_len, &w2);
            if (split) {
                sl->split = split;
                w = w2;
                L->lines = 2;
            }
        }
        if (w > room)
            return 0;
        sl->name_w = w;
        sl->len = sl->full_len;
        sl->cut = 0;
    }
    return 1;
}

/* The plot's left edge at which no slanted label (at its full width) would
 * start left of half the padding: label i ends at x_i = left + f_i (right -
 * left), f_i its slot's centre as a share of the span, and starts (width)
 * cos(angle) before that. */
static double rotated_left(const bar_layout *L)
{
    double cs = cos(L->angle), need = L->F.left;

    if (cs < 1e-6)
        return need;
    for (size_t i = 0; i < L->n; i++) {
        double f = (bars_slot_at(L, i) - L->F.left) / (L->F.right - L->F.left);
        need = fmax(need, (0.5 * L->F.pad + L->slots[i].full_w * cs - L->F.right * f) / (1 - f));
    }
    return need;
}

/* Rotated labels: "name  n = 12" on one line ending under the bar, in a font
 * of at most fs, cut with an ellipsis when it would leave the figure or take
 * more than 36% of its height. Returns the height the labels need below the
 * plot. */
static double set_rotated(cairo_t *cr, bar_layout *L, double fs, double gap)
{
    double sn = sin(L->angle), cs = cos(L->angle), extent = 0;
    double ell_w;
    double max_h = 0.36 * L->F.h - gap - L->F.pad - L->below;

    /* Neighbouring labels are slot_w * sin(angle) apart. */
    fs = fmin(fs, L->slot_w * sn / 1.3);
    fs = fmax(fs, 4.0);
    L->fs_cat = L->fs_n = fs;
    figure_set_font(cr, fs, 0);
    ell_w = figure_str_w(cr, ELLIPSIS);
    for (size_t i = 0; i < L->n; i++) {
        bar_slot *sl = &L->slots[i];
        double x = bars_slot_at(L, i);
        double nw, lmax = (max_h - 0.5 * fs * cs) / sn;
        char tail[80];

        snprintf(tail, sizeof tail, "  %s", sl->nlabel);
        nw = figure_str_w(cr, tail);
        if (cs > 1e-6)
            lmax = fmin(lmax, (x - 0.5 * L->F.pad) / cs);
        sl->full_w = figure_text_w(cr, sl->name, sl->full_len) + nw;
        sl->len = figure_fit_text(cr, sl->name, sl->full_len, nw, ell_w, lmax, &sl->cut);
        sl->name_w = figure_text_w(cr, sl->name, sl->len) + (sl->cut ? ell_w : 0);
        sl->label_w = sl->name_w + nw;
        extent = fmax(extent, sl->label_w * sn + 0.5 * fs * cs);
    }
    return extent;
}

/* Slanted labels, moving the plot right (by at most a fifth of the figure)
 * rather than cutting the first bars' labels, which reach left past the
 * tick labels. Returns the height they need. */
static double place_rotated(cairo_t *cr, bar_layout *L, double gap)
{
    double s = L->F.s, fs = L->fs_cat, extent, left;

    L->rotated = 1;
    L->angle = L->slot_w * sin(FIGURE_PI / 4) >= 1.3 * 9 * s ? FIGURE_PI / 4 : FIGURE_PI / 2;
    extent = set_rotated(cr, L, fs, gap);
    left = rotated_left(L);
    if (left > L->F.left) {
        L->F.left = fmin(left, L->F.left + 0.2 * L->F.w);
        bars_set_slots(L);
        if (L->slot_w * sin(FIGURE_PI / 4) < 1.3 * 9 * s)
            L->angle = FIGURE_PI / 2;
        extent = set_rotated(cr, L, fs, gap);
    }
    return extent;
}

int bars_place_under(cairo_t *cr, bar_layout *L, int may_turn)
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
    } else if (may_turn)
        return 1;
    else
        extent = place_rotated(cr, L, gap);
    L->F.bottom = L->F.h - L->F.pad - L->below - gap - extent;
    if (L->F.bottom < L->F.top + 10)
        L->F.bottom = L->F.top + 10;
    L->label_top = L->F.bottom + gap;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Left of horizontal bars                                                   */
/* ------------------------------------------------------------------------ */

/* The widest label at fonts fs (name) and fn (n): stacked, the wider of name
 * and n; on one line, "name  n = 12". */
static double widest_left(cairo_t *cr, const bar_layout *L, double fs, double fn)
{
    double widest = 0;

    for (size_t i = 0; i < L->n; i++) {
        const bar_slot *sl = &L->slots[i];
        double wn, wl;
        char tail[80];

        figure_set_font(cr, fs, 0);
        wl = figure_text_w(cr, sl->name, sl->full_len);
        if (L->stacked) {
            figure_set_font(cr, fn, 0);
            wn = figure_str_w(cr, sl->nlabel);
            widest = fmax(widest, fmax(wl, wn));
        } else {
            snprintf(tail, sizeof tail, "  %s", sl->nlabel);
            widest = fmax(widest, wl + figure_str_w(cr, tail));
        }
    }
    return widest;
}

void bars_place_left(cairo_t *cr, bar_layout *L)
{
    static const double scales[] = { 1.0, 0.92, 0.84 };
    figure_frame *F = &L->F;
    double s = F->s, room, ell_w;
    size_t k;

    /* Rows tall enough for the name and its n on two lines stack them;
     * otherwise one line, in a font the rows can hold. */
    L->stacked = L->slot_w >= 1.25 * (1.2 * L->fs_cat + 1.25 * L->fs_n);
    if (!L->stacked) {
        L->fs_cat = fmax(4.0, fmin(L->fs_cat, L->slot_w / 1.3));
        L->fs_n = L->fs_cat;
    }
    room = LEFT_SHARE * F->w - figure_title_left_width(F, F->ylabel);
    /* Whole names in a slightly smaller font before any is cut. */
    for (k = 0; k + 1 < sizeof scales / sizeof scales[0]; k++)
        if (widest_left(cr, L, L->fs_cat * scales[k], L->fs_n * scales[k]) <= room)
            break;
    L->fs_cat *= scales[k];
    L->fs_n *= scales[k];
    figure_set_font(cr, L->fs_cat, 0);
    ell_w = figure_str_w(cr, ELLIPSIS);
    {
        double widest = 0;
        for (size_t i = 0; i < L->n; i++) {
            bar_slot *sl = &L->slots[i];
            double tail_w = 0;
            char tail[80];

            if (!L->stacked) {
                snprintf(tail, sizeof tail, "  %s", sl->nlabel);
                tail_w = figure_str_w(cr, tail);
            }
            sl->len = figure_fit_text(cr, sl->name, sl->full_len, tail_w, ell_w, room, &sl->cut);
            sl->name_w = figure_text_w(cr, sl->name, sl->len) + (sl->cut ? ell_w : 0);
            sl->label_w = sl->name_w + tail_w;
            widest = fmax(widest, sl->label_w);
            if (L->stacked) {
                figure_set_font(cr, L->fs_n, 0);
                widest = fmax(widest, figure_str_w(cr, sl->nlabel));
                figure_set_font(cr, L->fs_cat, 0);
            }
        }
        F->left = F->pad + figure_title_left_width(F, F->ylabel) + widest + 10 * s;
    }
    L->label_right = F->left - 10 * s;
}

/* ------------------------------------------------------------------------ */
/* Boxes and painting                                                        */
/* ------------------------------------------------------------------------ */

void bars_label_box(const bar_layout *L, size_t i, double box[4])
{
    const bar_slot *sl = &L->slots[i];
    double at = bars_slot_at(L, i), fs = L->fs_cat;

    if (L->F.horizontal) {
        double base = L->stacked ? at - 0.1 * fs : at + 0.36 * fs;
        box[0] = L->label_right - (L->stacked ? sl->name_w : sl->label_w);
        box[1] = base - 0.76 * fs;
        box[2] = L->label_right - (L->stacked ? 0 : sl->label_w - sl->name_w);
        box[3] = base + 0.24 * fs;
    } else if (!L->rotated) {
        double y = L->label_top + 0.95 * fs, half = 0.5 * sl->name_w;
        box[0] = at - half;
        box[1] = y - 0.76 * fs;
        box[2] = at + half;
        box[3] = y + (sl->split ? 1.2 * fs : 0) + 0.24 * fs;
    } else {
        /* Slanted: the box around the rotated line (ending under the bar). */
        double sn = sin(L->angle), cs = cos(L->angle);
        box[0] = at - sl->label_w * cs;
        box[1] = L->label_top - sl->label_w * sn;
        box[2] = at + 0.5 * fs * sn;
        box[3] = L->label_top + 0.5 * fs * cs;
    }
}

/* A label left of its horizontal bar. */
static void paint_left(cairo_t *cr, const bar_layout *L, size_t i)
{
    const bar_slot *sl = &L->slots[i];
    double at = bars_slot_at(L, i), x = L->label_right - sl->label_w;
    double y = L->stacked ? at - 0.1 * L->fs_cat : at + 0.36 * L->fs_cat;

    figure_set_font(cr, L->fs_cat, 0);
    figure_set_color(cr, FIGURE_TEXT);
    cairo_move_to(cr, x, y);
    figure_show_n(cr, sl->name, sl->len);
    if (sl->cut)
        cairo_show_text(cr, ELLIPSIS);
    figure_set_color(cr, FIGURE_N);
    if (L->stacked) {
        figure_set_font(cr, L->fs_n, 0);
        figure_show_at(cr, sl->nlabel, strlen(sl->nlabel), L->label_right, y + 0.3 * L->fs_cat + 0.95 * L->fs_n, 1);
    } else {
        char tail[80];
        snprintf(tail, sizeof tail, "  %s", sl->nlabel);
        cairo_show_text(cr, tail);
    }
}

/* A label under its vertical bar, level or slanted. */
static void paint_under(cairo_t *cr, const bar_layout *L, size_t i)
{
    const bar_slot *sl = &L->slots[i];
    double s = L->F.s, x = bars_slot_at(L, i);

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
            cairo_show_text(cr, ELLIPSIS);
        snprintf(tail, sizeof tail, "  %s", sl->nlabel);
        figure_set_color(cr, FIGURE_N);
        cairo_show_text(cr, tail);
        cairo_restore(cr);
    }
}

void bars_paint_labels(cairo_t *cr, const bar_layout *L)
{
    for (size_t i = 0; i < L->n; i++) {
        if (L->F.horizontal)
            paint_left(cr, L, i);
        else
            paint_under(cr, L, i);
    }
}
