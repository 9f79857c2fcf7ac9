/* figure_heatmap.c - the transitions figure: per category a heatmap from starting to ending level. */
#include "report/figure_draw.h"
#include "report/figure_write.h"

#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One panel per category, arranged in a grid: the start levels down the
 * left, the end levels across the bottom, each cell shaded from white (no
 * conversation) to deep blue (all of the row's conversations) and showing
 * its share when there is room. A start level without conversations is a
 * grey row. The diagonal (no change) is outlined, so mass below it (ending
 * lower) and above it (ending higher) can be told apart at a glance. */

static const figure_rgb COLOR_FULL = FIGURE_HEX(0x08519c);
static const figure_rgb COLOR_EMPTY = FIGURE_HEX(0xf0f0f0);

typedef struct panel {
    size_t cat;   /* category index in the result */
    char *name;   /* display name, valid UTF-8, owned */
    size_t len;
    int cut;
    double x, y;  /* the matrix's top left */
} panel;

typedef struct hlayout {
    figure_frame F;
    const sentraj_transitions *t;
    size_t K, npanels, cols, rows;
    panel *p;
    double cell, fs_cell, fs_lev, fs_name, lab_w;
    char **lev;   /* level names, valid UTF-8, owned */
} hlayout;

static size_t ncat_of(const sentraj_transitions *t)
{
    size_t K = sentraj_transitions_levels(t);
    return K ? sentraj_transitions_rows(t) / (K * K) : 0;
}

static const sentraj_transition_row *cell_at(const sentraj_transitions *t, size_t cat, size_t s, size_t e)
{
    size_t K = sentraj_transitions_levels(t);
    return sentraj_transitions_row(t, (cat * K + s) * K + e);
}

static const char *category_name(const void *t, size_t i)
{
    return cell_at(t, i, 0, 0)->category;
}

static figure_names heat_names(const sentraj_transitions *t)
{
    figure_names n = {t, ncat_of(t), category_name};
    return n;
}

static void hlayout_free(hlayout *L)
{
    for (size_t i = 0; L->p && i < L->npanels; i++)
        free(L->p[i].name);
    for (size_t k = 0; L->lev && k < L->K; k++)
        free(L->lev[k]);
    free(L->p);
    free(L->lev);
}

/* Panels in a grid of about the figure's aspect, cells square and as large
 * as fit, labels measured at the sizes they get. */
static int heat_layout(cairo_t *cr, void *out, const void *subject, const sentraj_figure_options *o, double w,
                       double h)
{
    hlayout *L = out;
    const sentraj_transitions *t = subject;
    figure_names names = heat_names(t);
    double s, avail_w, avail_h, pw, ph, gap;
    const sentraj_config *cfg = sentraj_transitions_config(t);

    L->t = t;
    L->K = sentraj_transitions_levels(t);
    figure_frame_init(&L->F, w, h);
    s = L->F.s;
    snprintf(L->F.title, sizeof L->F.title, "From starting to ending level (\xe2\x89\xa5 %zu human messages)",
             cfg->min_human);
    snprintf(L->F.subtitle, sizeof L->F.subtitle,
             "share of each starting level's conversations ending at each level; first and last %zu human "
             "messages, mean to the nearest label",
             cfg->window);
    figure_frame_titles(cr, &L->F, o, 16);
    L->npanels = figure_shown(o, ncat_of(t));
    L->p = calloc(L->npanels ? L->npanels : 1, sizeof *L->p);
    L->lev = calloc(L->K ? L->K : 1, sizeof *L->lev);
    if (!L->p || !L->lev)
        return SENTRAJ_ENOMEM;
    for (size_t k = 0; k < L->K; k++) {
        size_t len;
        if (!(L->lev[k] = figure_label_alloc(NULL, cell_at(t, 0, k, k)->start, &len)))
            return SENTRAJ_ENOMEM;
    }
    L->cols = (size_t)ceil(sqrt((double)L->npanels * (w / h)));
    L->cols = L->cols < 1 ? 1 : L->cols > L->npanels ? (L->npanels ? L->npanels : 1) : L->cols;
    L->rows = (L->npanels + L->cols - 1) / L->cols;
    L->fs_lev = fmax(10 * s, 6);
    L->fs_name = fmax(12.5 * s, 7);
    figure_set_font(cr, L->fs_lev, 0);
    L->lab_w = 0;
    for (size_t k = 0; k < L->K; k++)
        L->lab_w = fmax(L->lab_w, figure_str_w(cr, L->lev[k]));
    L->lab_w = fmin(L->lab_w, 0.2 * w) + 6 * s;
    gap = 18 * s;
    avail_w = w - 2 * L->F.pad;
    avail_h = h - L->F.top - L->F.pad;
    /* A panel: its name, the labels at its left and below, the matrix. */
    pw = (avail_w - (double)(L->cols - 1) * gap) / (double)L->cols - L->lab_w;
    ph = (avail_h - (double)(L->rows - 1) * gap) / (double)L->rows - 1.6 * L->fs_name - L->lab_w;
    L->cell = fmax(2, fmin(pw, ph) / (double)(L->K ? L->K : 1));
    L->fs_cell = fmin(fmax(10 * s, 5), 0.3 * L->cell);
    for (size_t i = 0; i < L->npanels; i++) {
        panel *p = &L->p[i];
        size_t r = i / L->cols, c = i % L->cols;
        p->cat = figure_shown_index(&names, o, i);
        if (p->cat >= ncat_of(t))
            return SENTRAJ_EUSAGE;
        if (!(p->name = figure_label_alloc(o, category_name(t, p->cat), &p->len)))
            return SENTRAJ_ENOMEM;
        figure_set_font(cr, L->fs_name, 1);
        p->len = figure_fit_text(cr, p->name, p->len, 0, figure_str_w(cr, "\xe2\x80\xa6"),
                                 L->lab_w + L->cell * (double)L->K, &p->cut);
        p->x = L->F.pad + (double)c * (L->lab_w + L->cell * (double)L->K + gap) + L->lab_w;
        p->y = L->F.top + (double)r * (1.6 * L->fs_name + L->cell * (double)L->K + L->lab_w + gap) + 1.6 * L->fs_name;
    }
    return SENTRAJ_OK;
}

/* A share's shade: white to deep blue. */
static void shade(cairo_t *cr, double share)
{
    double a = fmin(1, fmax(0, share));
    cairo_set_source_rgb(cr, 1 - a * (1 - COLOR_FULL.r), 1 - a * (1 - COLOR_FULL.g), 1 - a * (1 - COLOR_FULL.b));
}

static void draw_panel(cairo_t *cr, const hlayout *L, const panel *p)
{
    size_t K = L->K;
    double c = L->cell, s = L->F.s;
    char buf[32];

    figure_set_font(cr, L->fs_name, 1);
    figure_set_color(cr, FIGURE_TEXT);
    cairo_move_to(cr, p->x - L->lab_w, p->y - 0.5 * L->fs_name);
    figure_show_n(cr, p->name, p->len);
    if (p->cut)
        cairo_show_text(cr, "\xe2\x80\xa6");
    for (size_t r = 0; r < K; r++) {
        for (size_t e = 0; e < K; e++) {
            const sentraj_transition_row *x = cell_at(L->t, p->cat, r, e);
            double cx = p->x + (double)e * c, cy = p->y + (double)r * c;
            if (isnan(x->share))
                figure_set_color(cr, COLOR_EMPTY);
            else
                shade(cr, x->share);
            cairo_rectangle(cr, cx, cy, c, c);
            cairo_fill(cr);
            if (!isnan(x->share) && L->fs_cell >= 5) {
                snprintf(buf, sizeof buf, "%.2f", x->share);
                figure_set_font(cr, L->fs_cell, 0);
                figure_set_color(cr, x->share > 0.55 ? FIGURE_BG : FIGURE_TEXT);
                figure_show_at(cr, buf, strlen(buf), cx + 0.5 * c, cy + 0.5 * c + 0.35 * L->fs_cell, 0.5);
            }
        }
    }
    /* The diagonal: no change of level. */
    figure_set_color(cr, FIGURE_MUTED);
    cairo_set_line_width(cr, fmax(1, 1.2 * s));
    for (size_t k = 0; k < K; k++) {
        cairo_rectangle(cr, p->x + (double)k * c, p->y + (double)k * c, c, c);
        cairo_stroke(cr);
    }
    figure_set_font(cr, L->fs_lev, 0);
    figure_set_color(cr, FIGURE_MUTED);
    for (size_t k = 0; k < K; k++) {
        /* Start levels at the left, end levels slanted below. */
        figure_show_at(cr, L->lev[k], strlen(L->lev[k]), p->x - 4 * s, p->y + ((double)k + 0.5) * c + 0.35 * L->fs_lev,
                       1);
        cairo_save(cr);
        cairo_translate(cr, p->x + ((double)k + 0.5) * c, p->y + (double)K * c + 4 * s);
        cairo_rotate(cr, -FIGURE_PI / 4);
        figure_show_at(cr, L->lev[k], strlen(L->lev[k]), 0, 0.35 * L->fs_lev, 1);
        cairo_restore(cr);
    }
}

static int heat_draw(cairo_t *cr, double w, double h, const void *subject, const sentraj_figure_options *o)
{
    hlayout L;
    int rc;

    memset(&L, 0, sizeof L);
    rc = figure_measure(heat_layout, &L, subject, o, w, h);
    if (rc == SENTRAJ_OK) {
        figure_begin(cr, &L.F);
        for (size_t i = 0; i < L.npanels; i++)
            draw_panel(cr, &L, &L.p[i]);
        figure_titles(cr, &L.F);
    }
    hlayout_free(&L);
    return figure_end(cr, rc);
}

static int heat_check(const void *subject, const sentraj_figure_options *o, const char *source, sentraj_error *err)
{
    const sentraj_transitions *t = subject;
    figure_names names;
    int rc = figure_check_options(o, NULL, source, err);

    if (rc != SENTRAJ_OK || !t)
        return rc;
    names = heat_names(t);
    return figure_check_names(o, &names, source, err);
}

static const figure_chart heat_chart = {"transitions", heat_check, heat_draw};

int sentraj_transitions_check_figure(const sentraj_transitions *t, const sentraj_figure_options *o, sentraj_error *err)
{
    return figure_check(&heat_chart, t, o, err);
}

int sentraj_transitions_write_png(FILE *f, const char *name, const sentraj_transitions *t,
                                  const sentraj_figure_options *o, sentraj_error *err)
{
    return figure_write(&heat_chart, FIGURE_PNG, f, name, t, o, err);
}

int sentraj_transitions_write_svg(FILE *f, const char *name, const sentraj_transitions *t,
                                  const sentraj_figure_options *o, sentraj_error *err)
{
    return figure_write(&heat_chart, FIGURE_SVG, f, name, t, o, err);
}

int sentraj_transitions_write_pdf(FILE *f, const char *name, const sentraj_transitions *t,
                                  const sentraj_figure_options *o, sentraj_error *err)
{
    return figure_write(&heat_chart, FIGURE_PDF, f, name, t, o, err);
}
