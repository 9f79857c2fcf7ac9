/* figure_draw.c - the cairo drawing both charts share: text, the frame and value axis, categories. */
#include "report/figure_draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FONT "DejaVu Sans"

enum {
    NAME_MAX_BYTES = 200, /* category names are cut (at a character) beyond this */
    TEXT_MAX = 640        /* room for any string drawn: names, the title (512) */
};

/* ------------------------------------------------------------------------ */
/* Text                                                                      */
/* ------------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when s does not start
 * one (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t need, i;
    unsigned char lo = 0x80, hi = 0xbf;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else
        return 0;
    if (avail < need + 1)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i <= need; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return need + 1;
}

/* Copy at most max bytes of src into dst (room for max + 1) as valid UTF-8
 * that cairo will accept: invalid bytes and control characters become '?',
 * and the copy ends at a character boundary. Returns the length written. */
static size_t clean_utf8(char *dst, const char *src, size_t max)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t avail = strlen(src), o = 0;

    while (avail > 0) {
        size_t k = utf8_seq(s, avail);
        if (k == 0 || (k == 1 && (s[0] < 0x20 || s[0] == 0x7f))) {
            if (o + 1 > max)
                break;
            dst[o++] = '?';
            s++;
            avail--;
            continue;
        }
        if (o + k > max)
            break;
        memcpy(dst + o, s, k);
        o += k;
        s += k;
        avail -= k;
    }
    dst[o] = '\0';
    return o;
}

/* The largest index <= at that starts a character of the valid UTF-8 string
 * s: the length of the longest prefix of s[0 .. at - 1] that ends on a
 * character boundary. */
static size_t utf8_floor(const char *s, size_t at)
{
    while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80)
        at--;
    return at;
}

void figure_set_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

void figure_set_color(cairo_t *cr, figure_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

double figure_text_w(cairo_t *cr, const char *s, size_t len)
{
    char buf[TEXT_MAX];
    cairo_text_extents_t e;

    if (len >= sizeof buf)
        len = utf8_floor(s, sizeof buf - 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    cairo_text_extents(cr, buf, &e);
    return e.x_advance;
}

double figure_str_w(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

void figure_show_n(cairo_t *cr, const char *s, size_t len)
{
    char buf[TEXT_MAX];

    if (len >= sizeof buf)
        len = utf8_floor(s, sizeof buf - 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    cairo_show_text(cr, buf);
}

void figure_show_at(cairo_t *cr, const char *s, size_t len, double x, double y, double align)
{
    cairo_move_to(cr, x - align * figure_text_w(cr, s, len), y);
    figure_show_n(cr, s, len);
}

void figure_thousands(char *buf, size_t n, size_t v)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", v);
    size_t o = 0;

    for (int i = 0; i < len && o + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* Shrink a font size until text fits in width, down to 60%. */
static double fit_font(cairo_t *cr, const char *text, double size, int bold, double width)
{
    double min = size * 0.6;

    for (;;) {
        figure_set_font(cr, size, bold);
        if (figure_str_w(cr, text) <= width || size <= min)
            return size;
        size = fmax(min, size * 0.94);
    }
}

void figure_hline(cairo_t *cr, double x0, double x1, double y)
{
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_stroke(cr);
}

/* ------------------------------------------------------------------------ */
/* The frame                                                                 */
/* ------------------------------------------------------------------------ */

/* Font options every surface shares, so text measures the same on each. */
static void prepare(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

/* Ticks for the range [ymin, ymax] at a 1-2-5 step giving about `target`
 * intervals; a positive top or negative bottom is widened to the next tick
 * when that costs at most half a step. */
static void set_ticks(figure_frame *F, double target)
{
    double range, raw, mag, f, m;

    range = F->ymax - F->ymin;
    raw = range / target;
    mag = pow(10, floor(log10(raw)));
    f = raw / mag;
    m = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
    F->step = m * mag;
    F->decimals = (int)fmax(0, -floor(log10(F->step) + 1e-9));
    /* End the axis on a tick when that costs at most half a step. */
    {
        double up = ceil(F->ymax / F->step - 1e-9) * F->step, down = floor(F->ymin / F->step + 1e-9) * F->step;
        if (F->ymax > 0 && up - F->ymax <= 0.5 * F->step)
            F->ymax = up;
        if (F->ymin < 0 && F->ymin - down <= 0.5 * F->step)
            F->ymin = down;
    }
    F->k0 = (long)ceil(F->ymin / F->step - 1e-9);
    {
        long k1 = (long)floor(F->ymax / F->step + 1e-9);
        F->nticks = k1 >= F->k0 ? (size_t)(k1 - F->k0 + 1) : 0;
    }
}

/* Tick label for value v, with a true minus sign. */
static void tick_label(const figure_frame *F, double v, char *buf, size_t n)
{
    char num[48];
    snprintf(num, sizeof num, "%.*f", F->decimals, fabs(v));
    /* A value that rounds to zero is printed without a sign. */
    if (v < 0 && strspn(num, "0.") != strlen(num))
        snprintf(buf, n, "\xe2\x88\x92%s", num);
    else
        snprintf(buf, n, "%s", num);
}

double figure_ymap(const figure_frame *F, double v)
{
    return F->top + (F->ymax - v) / (F->ymax - F->ymin) * (F->bottom - F->top);
}

void figure_axes(cairo_t *cr, const figure_frame *F)
{
    /* Grid lines and tick labels. */
    cairo_set_line_width(cr, F->grid_lw);
    figure_set_font(cr, F->fs_tick, 0);
    for (size_t k = 0; k < F->nticks; k++) {
        double v = (double)(F->k0 + (long)k) * F->step;
        double y = figure_ymap(F, v);
        char buf[64];

        if (F->k0 + (long)k != 0) {
            figure_set_color(cr, FIGURE_GRID);
            figure_value_line(cr, F, v);
        }
        tick_label(F, v, buf, sizeof buf);
        figure_set_color(cr, FIGURE_MUTED);
        figure_show_at(cr, buf, strlen(buf), F->left - 10 * F->s, y + 0.36 * F->fs_tick, 1.0);
    }

    /* The y axis title, reading upwards, centred on the plot. */
    {
        double size = fit_font(cr, F->ylabel, F->fs_axis, 0, F->bottom - F->top);
        double x = F->left - 10 * F->s - F->tick_w - 12 * F->s;
        figure_set_font(cr, size, 0);
        figure_set_color(cr, FIGURE_TEXT);
        cairo_save(cr);
        cairo_translate(cr, x, 0.5 * (F->top + F->bottom));
        cairo_rotate(cr, -FIGURE_PI / 2);
        figure_show_at(cr, F->ylabel, strlen(F->ylabel), 0, 0, 0.5);
        cairo_restore(cr);
    }
}

void figure_titles(cairo_t *cr, const figure_frame *F)
{
    figure_set_font(cr, F->fs_title, 1);
    figure_set_color(cr, FIGURE_TEXT);
    figure_show_at(cr, F->title, strlen(F->title), F->pad, F->title_y, 0);
    figure_set_font(cr, F->fs_sub, 0);
    figure_set_color(cr, FIGURE_MUTED);
    figure_show_at(cr, F->subtitle, strlen(F->subtitle), F->pad, F->sub_y, 0);
}

void figure_frame_init(figure_frame *F, double w, double h)
{
    double s = fmin(w / 900.0, h / 560.0);

    F->w = w;
    F->h = h;
    F->s = s;
    F->pad = 18 * s;
    /* Text scales with the figure but stays readable (7 px) in small ones. */
    F->fs_title = fmax(19 * s, 8);
    F->fs_sub = fmax(13 * s, 7);
    F->fs_axis = fmax(13 * s, 7);
    F->fs_tick = fmax(12 * s, 7);
    F->zero_lw = fmax(1.0, 1.3 * s);
    F->grid_lw = fmax(1.0, 1.0 * s);
}

void figure_frame_titles(cairo_t *cr, figure_frame *F, const sentraj_figure_options *o, double gap)
{
    if (o && o->title)
        clean_utf8(F->title, o->title, sizeof F->title - 1);
    F->fs_title = fit_font(cr, F->title, F->fs_title, 1, F->w - 2 * F->pad);
    F->fs_sub = fit_font(cr, F->subtitle, F->fs_sub, 0, F->w - 2 * F->pad);
    F->title_y = F->pad + 0.95 * F->fs_title;
    F->sub_y = F->title_y + 1.55 * F->fs_sub;
    F->top = F->sub_y + 0.4 * F->fs_sub + gap * F->s;
}

void figure_value_axis(cairo_t *cr, figure_frame *F, double lo, double hi, int from_zero)
{
    double range, target, max_tick = 0;

    if (from_zero) {
        lo = fmin(lo, 0);
        hi = fmax(hi, 0);
    }
    /* No data, or a single value (all zeros when from zero): half a unit
     * each way. */
    if (!(lo <= hi)) {
        lo = -0.25;
        hi = 0.25;
    } else if (!(hi > lo)) {
        lo -= 0.25;
        hi += 0.25;
    }
    range = hi - lo;
    F->ymin = from_zero && !(lo < 0) ? 0 : lo - 0.08 * range;
    F->ymax = from_zero && !(hi > 0) ? 0 : hi + 0.08 * range;
    /* Ticks: about one every 55 units of an estimated plot height. */
    target = fmin(8, fmax(3, (F->h - F->top - 0.18 * F->h) / (55 * F->s)));
    set_ticks(F, target);
    figure_set_font(cr, F->fs_tick, 0);
    for (size_t k = 0; k < F->nticks; k++) {
        char buf[64];
        tick_label(F, (double)(F->k0 + (long)k) * F->step, buf, sizeof buf);
        max_tick = fmax(max_tick, figure_str_w(cr, buf));
    }
    F->tick_w = max_tick;
    /* Left of the plot: the axis title (its glyphs are ~0.95 em tall), a gap,
     * the tick labels, a gap. */
    F->left = F->pad + 0.95 * F->fs_axis + 12 * F->s + max_tick + 10 * F->s;
}

/* The status for a cairo context in error: cairo's NO_MEMORY is ours. */
static int cairo_failure(cairo_t *cr)
{
    return cairo_status(cr) == CAIRO_STATUS_NO_MEMORY ? SENTRAJ_ENOMEM : SENTRAJ_EINTERNAL;
}

int figure_measure(figure_layout_fn fn, void *layout, const void *subject, const sentraj_figure_options *o, double w,
                   double h)
{
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *cr = cairo_create(surface);
    int rc;

    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        rc = cairo_failure(cr);
    else {
        prepare(cr);
        rc = fn(cr, layout, subject, o, w, h);
        if (rc == SENTRAJ_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
            rc = cairo_failure(cr);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return rc;
}

void figure_begin(cairo_t *cr, const figure_frame *F)
{
    cairo_surface_t *target = cairo_get_target(cr);

    prepare(cr);
    if (cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_PDF)
        cairo_pdf_surface_set_metadata(target, CAIRO_PDF_METADATA_TITLE, F->title);
    figure_set_color(cr, FIGURE_BG);
    cairo_paint(cr);
}

void figure_value_line(cairo_t *cr, const figure_frame *F, double v)
{
    figure_hline(cr, F->left - 6 * F->s, F->right, figure_ymap(F, v));
}

int figure_end(cairo_t *cr, int rc)
{
    if (rc == SENTRAJ_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return cairo_failure(cr);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Categories                                                                */
/* ------------------------------------------------------------------------ */

size_t figure_names_find(const figure_names *known, const char *name)
{
    for (size_t i = 0; i < known->count; i++)
        if (strcmp(known->name(known->subject, i), name) == 0)
            return i;
    return known->count;
}

static int has_order(const sentraj_figure_options *o)
{
    return o && o->order && o->norder > 0;
}

size_t figure_shown(const sentraj_figure_options *o, size_t all)
{
    return has_order(o) ? o->norder : all;
}

size_t figure_shown_index(const figure_names *known, const sentraj_figure_options *o, size_t i)
{
    return has_order(o) ? figure_names_find(known, o->order[i] ? o->order[i] : "") : i;
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

char *figure_label_alloc(const sentraj_figure_options *o, const char *category, size_t *len)
{
    char *s = malloc(NAME_MAX_BYTES + 1);

    if (s)
        *len = clean_utf8(s, display_name(o, category), NAME_MAX_BYTES);
    return s;
}

size_t figure_fit_text(cairo_t *cr, const char *s, size_t len, double tail, double ell, double room, int *cut)
{
    *cut = 0;
    if (!(figure_text_w(cr, s, len) + tail > room))
        return len;
    /* Cut one character at a time until it fits. */
    *cut = 1;
    while (len > 0) {
        len = utf8_floor(s, len - 1);
        if (figure_text_w(cr, s, len) + ell + tail <= room)
            break;
    }
    return len;
}
