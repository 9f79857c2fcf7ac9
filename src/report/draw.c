/* draw.c - text, the frame, option checks and the writers of both charts (see draw.h). */
#include "report/draw.h"

#include "core/error.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define FONT "DejaVu Sans"

enum {
    NAME_MAX_BYTES = 200, /* category names are cut (at a character) beyond this */
    MIN_SIZE = 100,    /* smallest width or height accepted */
    MAX_SIZE = 8192,   /* largest, in points and in PNG pixels: an 8192^2 image is already 256 MiB */
    MIN_DPI = 10,
    MAX_DPI = 2400,
    TEXT_MAX = 640     /* room for any string drawn: names, the title (512) */
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

void draw_set_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

void draw_set_color(cairo_t *cr, draw_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

double draw_text_w(cairo_t *cr, const char *s, size_t len)
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

double draw_str_w(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

void draw_show_n(cairo_t *cr, const char *s, size_t len)
{
    char buf[TEXT_MAX];

    if (len >= sizeof buf)
        len = utf8_floor(s, sizeof buf - 1);
    memcpy(buf, s, len);
    buf[len] = '\0';
    cairo_show_text(cr, buf);
}

void draw_show_at(cairo_t *cr, const char *s, size_t len, double x, double y, double align)
{
    cairo_move_to(cr, x - align * draw_text_w(cr, s, len), y);
    draw_show_n(cr, s, len);
}

void draw_thousands(char *buf, size_t n, size_t v)
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
        draw_set_font(cr, size, bold);
        if (draw_str_w(cr, text) <= width || size <= min)
            return size;
        size = fmax(min, size * 0.94);
    }
}

void draw_hline(cairo_t *cr, double x0, double x1, double y)
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
static void set_ticks(draw_frame *F, double target)
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
static void tick_label(const draw_frame *F, double v, char *buf, size_t n)
{
    char num[48];
    snprintf(num, sizeof num, "%.*f", F->decimals, fabs(v));
    /* A value that rounds to zero is printed without a sign. */
    if (v < 0 && strspn(num, "0.") != strlen(num))
        snprintf(buf, n, "\xe2\x88\x92%s", num);
    else
        snprintf(buf, n, "%s", num);
}

double draw_ymap(const draw_frame *F, double v)
{
    return F->top + (F->ymax - v) / (F->ymax - F->ymin) * (F->bottom - F->top);
}

void draw_axes(cairo_t *cr, const draw_frame *F)
{
    /* Grid lines and tick labels. */
    cairo_set_line_width(cr, F->grid_lw);
    draw_set_font(cr, F->fs_tick, 0);
    for (size_t k = 0; k < F->nticks; k++) {
        double v = (double)(F->k0 + (long)k) * F->step;
        double y = draw_ymap(F, v);
        char buf[64];

        if (F->k0 + (long)k != 0) {
            draw_set_color(cr, DRAW_GRID);
            draw_value_line(cr, F, v);
        }
        tick_label(F, v, buf, sizeof buf);
        draw_set_color(cr, DRAW_MUTED);
        draw_show_at(cr, buf, strlen(buf), F->left - 10 * F->s, y + 0.36 * F->fs_tick, 1.0);
    }

    /* The y axis title, reading upwards, centred on the plot. */
    {
        double size = fit_font(cr, F->ylabel, F->fs_axis, 0, F->bottom - F->top);
        double x = F->left - 10 * F->s - F->tick_w - 12 * F->s;
        draw_set_font(cr, size, 0);
        draw_set_color(cr, DRAW_TEXT);
        cairo_save(cr);
        cairo_translate(cr, x, 0.5 * (F->top + F->bottom));
        cairo_rotate(cr, -DRAW_PI / 2);
        draw_show_at(cr, F->ylabel, strlen(F->ylabel), 0, 0, 0.5);
        cairo_restore(cr);
    }
}

void draw_titles(cairo_t *cr, const draw_frame *F)
{
    draw_set_font(cr, F->fs_title, 1);
    draw_set_color(cr, DRAW_TEXT);
    draw_show_at(cr, F->title, strlen(F->title), F->pad, F->title_y, 0);
    draw_set_font(cr, F->fs_sub, 0);
    draw_set_color(cr, DRAW_MUTED);
    draw_show_at(cr, F->subtitle, strlen(F->subtitle), F->pad, F->sub_y, 0);
}

void draw_frame_init(draw_frame *F, double w, double h)
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

void draw_frame_titles(cairo_t *cr, draw_frame *F, const sentraj_figure_options *o, double gap)
{
    if (o && o->title)
        clean_utf8(F->title, o->title, sizeof F->title - 1);
    F->fs_title = fit_font(cr, F->title, F->fs_title, 1, F->w - 2 * F->pad);
    F->fs_sub = fit_font(cr, F->subtitle, F->fs_sub, 0, F->w - 2 * F->pad);
    F->title_y = F->pad + 0.95 * F->fs_title;
    F->sub_y = F->title_y + 1.55 * F->fs_sub;
    F->top = F->sub_y + 0.4 * F->fs_sub + gap * F->s;
}

void draw_value_axis(cairo_t *cr, draw_frame *F, double lo, double hi, int from_zero)
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
    draw_set_font(cr, F->fs_tick, 0);
    for (size_t k = 0; k < F->nticks; k++) {
        char buf[64];
        tick_label(F, (double)(F->k0 + (long)k) * F->step, buf, sizeof buf);
        max_tick = fmax(max_tick, draw_str_w(cr, buf));
    }
    F->tick_w = max_tick;
    /* Left of the plot: the axis title (its glyphs are ~0.95 em tall), a gap,
     * the tick labels, a gap. */
    F->left = F->pad + 0.95 * F->fs_axis + 12 * F->s + max_tick + 10 * F->s;
}

int draw_measure(draw_layout_fn fn, void *layout, const void *subject, const sentraj_figure_options *o, double w,
                 double h)
{
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *cr = cairo_create(surface);
    int rc;

    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        rc = SENTRAJ_EINTERNAL;
    else {
        prepare(cr);
        rc = fn(cr, layout, subject, o, w, h);
        if (rc == SENTRAJ_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
            rc = SENTRAJ_EINTERNAL;
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return rc;
}

void draw_begin(cairo_t *cr, const draw_frame *F)
{
    cairo_surface_t *target = cairo_get_target(cr);

    prepare(cr);
    if (cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_PDF)
        cairo_pdf_surface_set_metadata(target, CAIRO_PDF_METADATA_TITLE, F->title);
    draw_set_color(cr, DRAW_BG);
    cairo_paint(cr);
}

void draw_value_line(cairo_t *cr, const draw_frame *F, double v)
{
    draw_hline(cr, F->left - 6 * F->s, F->right, draw_ymap(F, v));
}

int draw_end(cairo_t *cr, int rc)
{
    if (rc == SENTRAJ_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return SENTRAJ_EINTERNAL;
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Categories                                                                */
/* ------------------------------------------------------------------------ */

size_t draw_names_find(const draw_names *known, const char *name)
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

size_t draw_shown(const sentraj_figure_options *o, size_t all)
{
    return has_order(o) ? o->norder : all;
}

size_t draw_shown_index(const draw_names *known, const sentraj_figure_options *o, size_t i)
{
    return has_order(o) ? draw_names_find(known, o->order[i] ? o->order[i] : "") : i;
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

char *draw_label_alloc(const sentraj_figure_options *o, const char *category, size_t *len)
{
    char *s = malloc(NAME_MAX_BYTES + 1);

    if (s)
        *len = clean_utf8(s, display_name(o, category), NAME_MAX_BYTES);
    return s;
}

size_t draw_fit_text(cairo_t *cr, const char *s, size_t len, double tail, double ell, double room, int *cut)
{
    *cut = 0;
    if (!(draw_text_w(cr, s, len) + tail > room))
        return len;
    /* Cut one character at a time until it fits. */
    *cut = 1;
    while (len > 0) {
        len = utf8_floor(s, len - 1);
        if (draw_text_w(cr, s, len) + ell + tail <= room)
            break;
    }
    return len;
}

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

/* The PNG's pixel size for o. */
static void png_size(const sentraj_figure_options *o, long *pw, long *ph)
{
    *pw = lround(o->width * (double)o->dpi / 72.0);
    *ph = lround(o->height * (double)o->dpi / 72.0);
}

int draw_check_size(double w, double h)
{
    return w >= MIN_SIZE && w <= MAX_SIZE && h >= MIN_SIZE && h <= MAX_SIZE;
}

/* Size, dpi and the PNG size of o. */
static int check_dims(const sentraj_figure_options *o, const char *source, sentraj_error *err)
{
    long pw, ph;

    if (!draw_check_size(o->width, o->height))
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0, "figure size %dx%d is outside %dx%d to %dx%d",
                             o->width, o->height, MIN_SIZE, MIN_SIZE, MAX_SIZE, MAX_SIZE);
    if (o->dpi < MIN_DPI || o->dpi > MAX_DPI)
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0, "figure resolution %d dpi is outside %d to %d",
                             o->dpi, MIN_DPI, MAX_DPI);
    png_size(o, &pw, &ph);
    if (pw > MAX_SIZE || ph > MAX_SIZE)
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0,
                             "a %dx%d-point figure at %d dpi would be a %ldx%ld-pixel PNG, more than %d on a side",
                             o->width, o->height, o->dpi, pw, ph, MAX_SIZE);
    return SENTRAJ_OK;
}

/* A list of names for a message, kept within the message's room: appends
 * "\"name\"" items separated by ", " to buf and, once full, counts the rest. */
typedef struct namelist {
    char buf[200];
    size_t len, shown, left;
} namelist;

static void namelist_add(namelist *nl, const char *name)
{
    sentraj_shown sh = sentraj_show(name, strlen(name));
    size_t need = strlen(sh.s) + 4;

    if (nl->left == 0 && nl->len + need + 16 < sizeof nl->buf) {
        nl->len += (size_t)snprintf(nl->buf + nl->len, sizeof nl->buf - nl->len, "%s\"%s\"",
                                    nl->shown ? ", " : "", sh.s);
        nl->shown++;
    } else
        nl->left++;
}

static const char *namelist_end(namelist *nl)
{
    if (nl->left)
        snprintf(nl->buf + nl->len, sizeof nl->buf - nl->len, " and %zu more", nl->left);
    return nl->buf;
}

/* Empty and repeated names of one list (order, or the labels' categories). */
static int check_list(const char *what, const char *const *names, const sentraj_figure_label *labels, size_t n,
                      const char *source, sentraj_error *err)
{
    if (n > 0 && !names && !labels)
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0, "figure %s: %zu names but no array", what, n);
    for (size_t i = 0; i < n; i++) {
        const char *s = names ? names[i] : labels[i].category;
        if (!s || !*s)
            return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0, "figure %s: empty category name (item %zu)",
                                 what, i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(s, names ? names[j] : labels[j].category) == 0)
                return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0, "figure %s: category \"%s\" given twice",
                                     what, sentraj_show(s, strlen(s)).s);
        if (labels && (!labels[i].text || !*labels[i].text))
            return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0, "figure %s: empty display name for \"%s\"",
                                 what, sentraj_show(s, strlen(s)).s);
    }
    return SENTRAJ_OK;
}

/* Every name of the list a category of the chart. */
static int check_known(const char *what, const char *const *names, const sentraj_figure_label *labels, size_t n,
                       const draw_names *known, const char *source, sentraj_error *err)
{
    namelist unknown, all;

    memset(&unknown, 0, sizeof unknown);
    for (size_t i = 0; i < n; i++) {
        const char *s = names ? names[i] : labels[i].category;
        if (draw_names_find(known, s) == known->count)
            namelist_add(&unknown, s);
    }
    if (unknown.shown + unknown.left == 0)
        return SENTRAJ_OK;
    memset(&all, 0, sizeof all);
    for (size_t i = 0; i < known->count; i++)
        namelist_add(&all, known->name(known->subject, i));
    {
        size_t nu = unknown.shown + unknown.left;
        const char *u = namelist_end(&unknown);
        return sentraj_raise(err, SENTRAJ_EUSAGE, source, 0, 0, "figure %s: %s not in the data: %s (categories: %s)",
                             what, nu == 1 ? "category" : "categories", u, namelist_end(&all));
    }
}

int draw_check_names(const sentraj_figure_options *o, const draw_names *known, const char *source,
                     sentraj_error *err)
{
    int rc;

    if (!o)
        return SENTRAJ_OK;
    if (o->order || o->norder) {
        rc = check_list("order", o->order, NULL, o->order ? o->norder : 1, source, err);
        if (rc == SENTRAJ_OK && known)
            rc = check_known("order", o->order, NULL, o->norder, known, source, err);
        if (rc != SENTRAJ_OK)
            return rc;
    }
    if (o->labels || o->nlabels) {
        rc = check_list("labels", NULL, o->labels, o->labels ? o->nlabels : 1, source, err);
        if (rc == SENTRAJ_OK && known)
            rc = check_known("labels", NULL, o->labels, o->nlabels, known, source, err);
        if (rc != SENTRAJ_OK)
            return rc;
    }
    return SENTRAJ_OK;
}

int draw_check_options(const sentraj_figure_options *o, const draw_names *known, const char *source,
                       sentraj_error *err)
{
    int rc = check_dims(o, source, err);

    return rc == SENTRAJ_OK ? draw_check_names(o, known, source, err) : rc;
}

/* ------------------------------------------------------------------------ */
/* Writers                                                                   */
/* ------------------------------------------------------------------------ */
/* cairo's write callback: fwrite to the caller's stream, remembering errno.
 * A discarding sink swallows what a failed SVG or PDF surface writes as it
 * dies. A PNG sink given a pHYs chunk inserts it right after the IHDR chunk,
 * which PNG requires to come first and to hold 13 bytes: the signature and
 * IHDR are always the stream's first PNG_HEAD bytes. */
enum { PNG_HEAD = 8 + 4 + 4 + 13 + 4, PHYS_LEN = 4 + 4 + 9 + 4 };

typedef struct sink {
    FILE *f;
    int failed;
    int errnum;
    int discard;
    int phys;                       /* insert phys_chunk */
    unsigned char phys_chunk[PHYS_LEN];
    size_t pos;                     /* bytes of cairo's stream seen */
} sink;

static int sink_put(sink *k, const unsigned char *data, size_t length)
{
    errno = 0;
    if (length > 0 && fwrite(data, 1, length, k->f) != length) {
        k->failed = 1;
        k->errnum = errno ? errno : EIO;
        return 0;
    }
    return 1;
}

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    sink *k = closure;
    size_t n = length;

    if (k->discard)
        return CAIRO_STATUS_SUCCESS;
    if (k->failed)
        return CAIRO_STATUS_WRITE_ERROR;
    if (k->phys && k->pos < PNG_HEAD) {
        size_t take = n < PNG_HEAD - k->pos ? n : PNG_HEAD - k->pos;
        if (!sink_put(k, data, take))
            return CAIRO_STATUS_WRITE_ERROR;
        k->pos += take;
        data += take;
        n -= take;
        if (k->pos == PNG_HEAD && !sink_put(k, k->phys_chunk, PHYS_LEN))
            return CAIRO_STATUS_WRITE_ERROR;
    }
    if (!sink_put(k, data, n))
        return CAIRO_STATUS_WRITE_ERROR;
    k->pos += n;
    return CAIRO_STATUS_SUCCESS;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* The pHYs chunk saying dpi, in pixels per metre as PNG counts them. */
static void make_phys(unsigned char *c, int dpi)
{
    uint32_t ppm = (uint32_t)lround(dpi / 0.0254);

    put_be32(c, 9);
    memcpy(c + 4, "pHYs", 4);
    put_be32(c + 8, ppm);
    put_be32(c + 12, ppm);
    c[16] = 1; /* unit: the metre */
    put_be32(c + 17, (uint32_t)crc32(crc32(0L, Z_NULL, 0), c + 4, 13));
}

static int io_error(sentraj_error *err, const char *name, const char *what, int errnum)
{
    return sentraj_raise(err, SENTRAJ_EIO, name, 0, 0, "cannot write the %s figure: %s", what, strerror(errnum));
}

static int raise_cairo(sentraj_error *err, const char *name, const char *what, cairo_status_t st)
{
    return sentraj_raise(err, SENTRAJ_EINTERNAL, name, 0, 0, "cairo failed drawing the %s figure: %s", what,
                         cairo_status_to_string(st));
}

/* Report draw()'s failure. */
static int drawing_failed(sentraj_error *err, const char *name, const char *what, int rc, cairo_t *cr)
{
    if (rc == SENTRAJ_ENOMEM)
        return sentraj_nomem(err, "figure layout");
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return raise_cairo(err, name, what, cairo_status(cr));
    return sentraj_raise(err, SENTRAJ_EINTERNAL, name, 0, 0, "cannot lay out the %s figure", what);
}

/* Flush what the callback wrote, so a full disk is reported here. */
static int finish_stream(FILE *f, const char *name, const char *what, sentraj_error *err)
{
    errno = 0;
    if (fflush(f) != 0 || ferror(f))
        return io_error(err, name, what, errno ? errno : EIO);
    return SENTRAJ_OK;
}

/* The PNG of a drawing whose options are checked. */
static int write_png(FILE *f, const char *name, const draw_chart *chart, const void *subject,
                     const sentraj_figure_options *o, sentraj_error *err)
{
    cairo_surface_t *surface;
    cairo_status_t st;
    cairo_t *cr;
    sink k;
    long pw, ph;
    int rc;

    png_size(o, &pw, &ph);
    surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)pw, (int)ph);
    st = cairo_surface_status(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return raise_cairo(err, name, "PNG", st);
    }
    cr = cairo_create(surface);
    /* The same drawing in points, dpi / 72 pixels each. */
    cairo_scale(cr, o->dpi / 72.0, o->dpi / 72.0);
    rc = chart->draw(cr, o->width, o->height, subject, o);
    if (rc != SENTRAJ_OK) {
        rc = drawing_failed(err, name, "PNG", rc, cr);
        cairo_destroy(cr);
        cairo_surface_destroy(surface);
        return rc;
    }
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    memset(&k, 0, sizeof k);
    k.f = f;
    k.phys = 1;
    make_phys(k.phys_chunk, o->dpi);
    st = cairo_surface_write_to_png_stream(surface, sink_write, &k);
    cairo_surface_destroy(surface);
    if (k.failed)
        return io_error(err, name, "PNG", k.errnum);
    if (st != CAIRO_STATUS_SUCCESS)
        return raise_cairo(err, name, "PNG", st);
    return finish_stream(f, name, "PNG", err);
}

/* SVG and PDF of a drawing whose options are checked: vector surfaces
 * writing to the stream as they go, sized in points. */
static int write_vector(int pdf, FILE *f, const char *name, const draw_chart *chart, const void *subject,
                        const sentraj_figure_options *o, sentraj_error *err)
{
    const char *what = pdf ? "PDF" : "SVG";
    cairo_surface_t *surface;
    cairo_status_t st;
    cairo_t *cr;
    sink k;
    int rc;

    memset(&k, 0, sizeof k);
    k.f = f;
    if (pdf)
        surface = cairo_pdf_surface_create_for_stream(sink_write, &k, o->width, o->height);
    else
        surface = cairo_svg_surface_create_for_stream(sink_write, &k, o->width, o->height);
    st = cairo_surface_status(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        k.discard = 1;
        cairo_surface_destroy(surface);
        if (k.failed)
            return io_error(err, name, what, k.errnum);
        return raise_cairo(err, name, what, st);
    }
    if (pdf) {
        /* No creation date, so the same input gives the same bytes. */
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "");
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "sentraj " SENTRAJ_VERSION);
    }
    cr = cairo_create(surface);
    rc = chart->draw(cr, o->width, o->height, subject, o);
    if (rc != SENTRAJ_OK) {
        rc = drawing_failed(err, name, what, rc, cr);
        /* Destroying the surface finishes the document: write none of it. */
        k.discard = 1;
        cairo_destroy(cr);
        cairo_surface_destroy(surface);
        return rc;
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (k.failed)
        return io_error(err, name, what, k.errnum);
    if (st != CAIRO_STATUS_SUCCESS)
        return raise_cairo(err, name, what, st);
    return finish_stream(f, name, what, err);
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

int draw_check(const draw_chart *chart, const void *subject, const sentraj_figure_options *o, sentraj_error *err)
{
    sentraj_figure_options defaults;

    if (!o) {
        sentraj_figure_options_init(&defaults);
        o = &defaults;
    }
    return chart->check(subject, o, NULL, err);
}

int draw_write(const draw_chart *chart, draw_format format, FILE *f, const char *name, const void *subject,
               const sentraj_figure_options *o, sentraj_error *err)
{
    sentraj_figure_options defaults;
    int rc;

    if (!o) {
        sentraj_figure_options_init(&defaults);
        o = &defaults;
    }
    if (!f || !subject)
        return sentraj_raise(err, SENTRAJ_EUSAGE, name, 0, 0, "no %s to draw the figure with",
                             f ? chart->noun : "output stream");
    rc = chart->check(subject, o, name, err);
    if (rc == SENTRAJ_OK)
        rc = cairo_dl_load(err, name);
    if (rc != SENTRAJ_OK)
        return rc;
    if (format == DRAW_PNG)
        return write_png(f, name, chart, subject, o, err);
    return write_vector(format == DRAW_PDF, f, name, chart, subject, o, err);
}
