/* figure_bars.h - the bar chart's layout, shared by its placing and painting (figure_bars.c) and its category names (figure_bars_labels.c). */
#ifndef SENTRAJ_REPORT_FIGURE_BARS_H
#define SENTRAJ_REPORT_FIGURE_BARS_H

#include "report/figure.h"
#include "report/figure_draw.h"

#include "sentraj.h"

/* One bar: its row, and the name and count shown beside it. */
typedef struct bar_slot {
    size_t row;
    const sentraj_result *r;
    int is_all;             /* the "all" row */
    sentraj_figure_mark mark;
    char *name;             /* valid UTF-8 copy of the display name, owned */
    size_t full_len;        /* its length */
    size_t len;             /* bytes of name shown (a slanted or left label may be cut) */
    int cut;                /* an ellipsis follows name[0 .. len - 1] */
    size_t split;           /* names under the bars: line 2 starts at name + split + 1; 0 for one line */
    double name_w;          /* slanted and left labels: drawn width of the name part */
    double label_w;         /* slanted and left labels: drawn width of the whole label */
    double full_w;          /* slanted labels: width the label would have uncut */
    char nlabel[64];        /* "n = 1,234" */
} bar_slot;

typedef struct bar_layout {
    figure_frame F; /* title block, plot area, value axis */
    double fs_cat, fs_n, fs_mark, fs_note;
    /* Names under vertical bars: horizontal (one or two lines of name,
     * then n) or rotated by angle (name and n on one line, ending under the
     * bar). Names left of horizontal bars: stacked (name, n under it) or on
     * one line, right-aligned at label_right. */
    int rotated;
    double angle;
    size_t lines;
    double label_top;
    int stacked;
    double label_right;
    /* Bars: n slots of slot_w points across the value axis from `start`;
     * when gap_all, the last ("all") comes half a slot later. */
    size_t n;
    bar_slot *slots;
    int gap_all;
    double start, slot_w, bar_half, cap_half;
    double whisker_lw, dot_r;
    double w_noci;             /* width of the no-CI words */
    double below;              /* room under the names for the category axis title and the note */
    char note[320];            /* the line under the plot naming the flagged bars */
    size_t note_len;           /* bytes of it shown (a single long name may be cut) */
    int note_cut;              /* an ellipsis follows them */
    double note_h;             /* the room it takes (0 without one) */
} bar_layout;

/* The units of slot_w the bars take across the value axis. */
double bars_units(const bar_layout *L);
/* The centre of slot i across the value axis. */
double bars_slot_at(const bar_layout *L, size_t i);
/* Slots share the span between the plot's edges across the value axis;
 * bar and cap widths follow. */
void bars_set_slots(bar_layout *L);

/* Names under vertical bars: horizontal at full size, else smaller, else
 * (when may_turn) nothing: returns 1 so the caller turns the bars
 * horizontal; else slanted. Sets the plot's bottom where they begin
 * (L->below left free under them). Returns 0 when placed. */
int bars_place_under(cairo_t *cr, bar_layout *L, int may_turn);
/* Names left of horizontal bars (L->F.top and bottom set): fonts for the
 * rows' height, cut only past 40% of the figure's width; sets the plot's
 * left edge past them (and the y title, if any). */
void bars_place_left(cairo_t *cr, bar_layout *L);
/* The box of slot i's name as drawn: x0, y0, x1, y1. */
void bars_label_box(const bar_layout *L, size_t i, double box[4]);
void bars_paint_labels(cairo_t *cr, const bar_layout *L);

#endif
