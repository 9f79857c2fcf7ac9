/* test_figure.c - the figure: PNG, SVG and PDF output, bar geometry checked pixel by pixel (PNG, at
 * several resolutions) and coordinate by coordinate (PDF), --order, labels, write errors. */
#include "report/figure.h"
#include "tap.h"

#include <cairo.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* The figure's colours, as the pixels must show them. */
#define BAR_R 0xd9
#define BAR_G 0x77
#define BAR_B 0x57

/* When SENTRAJ_FIGURE_DIR is set, every figure rendered here is also written
 * there as <case>.png, <case>.svg and <case>.pdf for a person to look at. */
static const char *sample_dir;

/* ------------------------------------------------------------------------ */
/* Building analyses from tiny CSV inputs                                    */
/* ------------------------------------------------------------------------ */

/* Six human labels per pattern; delta = mean(last 3) - mean(first 3). */
static const char *const PATTERNS[][6] = {
    /* 0: +5/6 */ { "negative", "negative", "neutral", "positive", "positive", "positive" },
    /* 1: +1/3 */ { "neutral", "neutral", "neutral", "neutral", "positive", "positive" },
    /* 2: 0 */ { "neutral", "positive", "neutral", "positive", "neutral", "neutral" },
    /* 3: -1/2 */ { "positive", "positive", "neutral", "neutral", "neutral", "negative" },
    /* 4: +1/6 */ { "negative", "neutral", "neutral", "neutral", "neutral", "neutral" },
    /* 5: -1 */ { "positive", "very positive", "positive", "negative", "neutral", "very negative" },
    /* 6: +1/2 */ { "neutral", "neutral", "neutral", "positive", "positive", "positive" },
};

typedef struct csv {
    char *data;
    size_t len;
    FILE *f;
    unsigned next_id;
} csv;

static void csv_open(csv *c)
{
    c->data = NULL;
    c->len = 0;
    c->next_id = 0;
    c->f = open_memstream(&c->data, &c->len);
    fputs("conversation_id,message_index,role,sentiment,categories\n", c->f);
}

/* One conversation: `humans` human messages following pattern p (humans > 6
 * repeats the middle label), each followed by an assistant reply. */
static void csv_conv(csv *c, const char *categories, int p, size_t humans)
{
    unsigned id = c->next_id++;

    for (size_t i = 0; i < humans; i++) {
        size_t k = i < 3 ? i : humans - i <= 3 ? 6 - (humans - i) : 2;
        if (k > 5) /* cannot happen; tells the optimiser the index is in bounds */
            k = 5;
        fprintf(c->f, "c%04u,%zu,human,%s,%s\n", id, 2 * i + 1, PATTERNS[p][k], categories);
        fprintf(c->f, "c%04u,%zu,assistant,neutral,%s\n", id, 2 * i + 2, categories);
    }
}

typedef struct fixture {
    sentraj_dataset *ds;
    sentraj_analysis *a;
} fixture;

static void fixture_free(fixture *fx)
{
    sentraj_analysis_free(fx->a);
    sentraj_dataset_free(fx->ds);
    fx->a = NULL;
    fx->ds = NULL;
}

/* Close c and run the pipeline on it; returns 0 (with a diagnostic) on failure. */
static int analyze(csv *c, size_t resamples, fixture *fx)
{
    sentraj_config cfg;
    sentraj_error err;
    char msg[1200];
    int rc;

    fx->ds = NULL;
    fx->a = NULL;
    fclose(c->f);
    sentraj_config_init(&cfg);
    cfg.resamples = resamples;
    cfg.threads = 1;
    memset(&err, 0, sizeof err);
    fx->ds = sentraj_dataset_alloc(&cfg, &err);
    rc = fx->ds ? sentraj_dataset_read_csv_buffer(fx->ds, c->data, c->len, "test.csv", &err) : err.code;
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_finish(fx->ds, &err);
    if (rc == SENTRAJ_OK) {
        fx->a = sentraj_analysis_compute(fx->ds, &cfg, &err);
        if (!fx->a)
            rc = err.code ? err.code : SENTRAJ_EINTERNAL;
    }
    free(c->data);
    if (rc != SENTRAJ_OK) {
        tap_diag("pipeline failed: %s", sentraj_error_format(&err, msg, sizeof msg));
        fixture_free(fx);
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Rendering and reading pixels back                                         */
/* ------------------------------------------------------------------------ */

typedef struct bytes {
    char *data;
    size_t len;
    size_t pos;
} bytes;

static cairo_status_t read_bytes(void *closure, unsigned char *out, unsigned int length)
{
    bytes *b = closure;
    if (b->len - b->pos < length)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(out, b->data + b->pos, length);
    b->pos += length;
    return CAIRO_STATUS_SUCCESS;
}

enum { PNG, SVG, PDF };

static int render(int fmt, const sentraj_analysis *a, const sentraj_figure_options *o, bytes *out,
                  sentraj_error *err)
{
    FILE *f;
    int rc;

    out->data = NULL;
    out->len = 0;
    out->pos = 0;
    f = open_memstream(&out->data, &out->len);
    if (!f)
        return SENTRAJ_EIO;
    rc = fmt == SVG   ? sentraj_analysis_write_svg(f, "mem", a, o, err)
         : fmt == PDF ? sentraj_analysis_write_pdf(f, "mem", a, o, err)
                      : sentraj_analysis_write_png(f, "mem", a, o, err);
    fclose(f);
    return rc;
}

static void save_sample(const char *name, const char *ext, const bytes *b)
{
    char path[1024];
    FILE *f;

    if (!sample_dir)
        return;
    snprintf(path, sizeof path, "%s/%s.%s", sample_dir, name, ext);
    f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(b->data, 1, b->len, f);
    fclose(f);
}

static int contains(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return 1;
    return 0;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

typedef struct image {
    cairo_surface_t *s;
    const unsigned char *data;
    int w, h, stride;
} image;

/* The pixel at (x, y) as 0xRRGGBB; white outside the image. */
static uint32_t px(const image *im, double xf, double yf)
{
    int x = (int)floor(xf), y = (int)floor(yf);
    uint32_t v;

    if (x < 0 || y < 0 || x >= im->w || y >= im->h)
        return 0xffffff;
    memcpy(&v, im->data + (size_t)y * (size_t)im->stride + 4 * (size_t)x, 4);
    return v & 0xffffff;
}

static int is_bar(uint32_t p)
{
    int r = (int)(p >> 16 & 0xff), g = (int)(p >> 8 & 0xff), b = (int)(p & 0xff);
    return abs(r - BAR_R) <= 6 && abs(g - BAR_G) <= 6 && abs(b - BAR_B) <= 6;
}

static int is_dark(uint32_t p)
{
    return (p >> 16 & 0xff) < 0x50 && (p >> 8 & 0xff) < 0x50 && (p & 0xff) < 0x50;
}

/* The background, a grid line, or anything as pale. */
static int is_light(uint32_t p)
{
    return (p >> 16 & 0xff) >= 0xd0 && (p >> 8 & 0xff) >= 0xd0 && (p & 0xff) >= 0xd0;
}

/* A dark pixel in column x within one pixel row of y. */
static int dark_near(const image *im, double x, double y)
{
    for (int d = -1; d <= 1; d++)
        if (is_dark(px(im, x, y + d)))
            return 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Reading the PDF back                                                      */
/* ------------------------------------------------------------------------ */

/* What the page's content stream draws, in the figure's coordinates (points,
 * y down): filled rectangles, and stroked straight segments with the stroke
 * colour they were drawn in. */
typedef struct seg {
    double x0, y0, x1, y1;
    uint32_t color;
} seg;

typedef struct pdf_marks {
    double rect[256][4]; /* x, y, w, h with w, h > 0 */
    size_t nrect;
    seg segs[512];
    size_t nseg;
    double mediabox[4];
    int ok; /* the content stream was found and inflated */
} pdf_marks;

static const char *find_bytes(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}

/* Inflate the zlib stream starting at p (at most n bytes) into a new string. */
static char *inflate_at(const char *p, size_t n, size_t *out_len)
{
    z_stream z;
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap + 1);
    int zr = Z_OK;

    memset(&z, 0, sizeof z);
    if (!out || inflateInit(&z) != Z_OK) {
        free(out);
        return NULL;
    }
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    while (zr == Z_OK) {
        if (len == cap) {
            char *o2 = realloc(out, 2 * cap + 1);
            if (!o2)
                break;
            out = o2;
            cap *= 2;
        }
        z.next_out = (Bytef *)out + len;
        z.avail_out = (uInt)(cap - len);
        zr = inflate(&z, Z_NO_FLUSH);
        len = cap - z.avail_out;
    }
    inflateEnd(&z);
    if (zr != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    out[len] = '\0';
    *out_len = len;
    return out;
}

static uint32_t rgb_of(const double *v)
{
    return (uint32_t)lround(v[0] * 255) << 16 | (uint32_t)lround(v[1] * 255) << 8 | (uint32_t)lround(v[2] * 255);
}

/* Find the page's /Contents stream, inflate it and run its operators: the
 * numbers before re, m, l, RG and cm; text and everything else is skipped.
 * Coordinates go through the content matrix (cm) and are then flipped to
 * the figure's y-down space. */
static void pdf_read(const bytes *pdf, pdf_marks *pm)
{
    const char *p, *end = pdf->data + pdf->len;
    char key[32], *text;
    size_t tlen;
    double num[8], m[6] = { 1, 0, 0, 1, 0, 0 }, stroke[3] = { 0, 0, 0 }, cx = 0, cy = 0, H;
    size_t nn = 0;
    long obj;

    memset(pm, 0, sizeof *pm);
    p = find_bytes(pdf->data, pdf->len, "/MediaBox [");
    if (!p || sscanf(p + 11, "%lf %lf %lf %lf", &pm->mediabox[0], &pm->mediabox[1], &pm->mediabox[2],
                     &pm->mediabox[3]) != 4)
        return;
    H = pm->mediabox[3];
    p = find_bytes(pdf->data, pdf->len, "/Contents ");
    if (!p || sscanf(p + 10, "%ld", &obj) != 1)
        return;
    snprintf(key, sizeof key, "\n%ld 0 obj", obj);
    p = find_bytes(pdf->data, pdf->len, key);
    if (!p)
        return;
    p = find_bytes(p, (size_t)(end - p), "stream");
    if (!p)
        return;
    p += 6;
    if (*p == '\r')
        p++;
    if (*p == '\n')
        p++;
    text = inflate_at(p, (size_t)(end - p), &tlen);
    if (!text)
        return;
    pm->ok = 1;
    for (const char *t = text; *t;) {
        char *after;
        double v;

        if (*t == ' ' || *t == '\n' || *t == '\r' || *t == '\t') {
            t++;
            continue;
        }
        if (*t == '(') { /* a string: skip it, with its escapes */
            for (t++; *t && *t != ')'; t++)
                if (*t == '\\' && t[1])
                    t++;
            if (*t)
                t++;
            nn = 0;
            continue;
        }
        v = strtod(t, &after);
        if (after != t && (*t == '-' || *t == '.' || (*t >= '0' && *t <= '9'))) {
            if (nn < 8)
                num[nn++] = v;
            t = after;
            continue;
        }
        {
            const char *op = t;
            size_t oplen = 0;
            while (t[oplen] && t[oplen] != ' ' && t[oplen] != '\n' && t[oplen] != '\r' && t[oplen] != '(' &&
                   t[oplen] != '[' && t[oplen] != '<')
                oplen++;
            if (oplen == 0)
                oplen = 1;
            t += oplen;
#define OP(s) (oplen == strlen(s) && memcmp(op, s, oplen) == 0)
            if (OP("cm") && nn == 6)
                memcpy(m, num, sizeof m);
            else if (OP("RG") && nn == 3)
                memcpy(stroke, num, sizeof stroke);
            else if (OP("re") && nn == 4 && pm->nrect < 256) {
                double x0 = m[0] * num[0] + m[2] * num[1] + m[4], y0 = H - (m[1] * num[0] + m[3] * num[1] + m[5]);
                double x1 = m[0] * (num[0] + num[2]) + m[2] * (num[1] + num[3]) + m[4];
                double y1 = H - (m[1] * (num[0] + num[2]) + m[3] * (num[1] + num[3]) + m[5]);
                double *r = pm->rect[pm->nrect++];
                r[0] = fmin(x0, x1);
                r[1] = fmin(y0, y1);
                r[2] = fabs(x1 - x0);
                r[3] = fabs(y1 - y0);
            } else if (OP("m") && nn == 2) {
                cx = num[0];
                cy = num[1];
            } else if (OP("l") && nn == 2 && pm->nseg < 512) {
                seg *sg = &pm->segs[pm->nseg++];
                sg->x0 = m[0] * cx + m[2] * cy + m[4];
                sg->y0 = H - (m[1] * cx + m[3] * cy + m[5]);
                sg->x1 = m[0] * num[0] + m[2] * num[1] + m[4];
                sg->y1 = H - (m[1] * num[0] + m[3] * num[1] + m[5]);
                sg->color = rgb_of(stroke);
                cx = num[0];
                cy = num[1];
            }
#undef OP
            nn = 0;
        }
    }
    free(text);
}

/* A vertical whisker segment at x from ya to yb (either way round). */
static int pdf_has_vseg(const pdf_marks *pm, double x, double ya, double yb, double tol)
{
    for (size_t i = 0; i < pm->nseg; i++) {
        const seg *s = &pm->segs[i];
        if (s->color != 0x333333 || fabs(s->x0 - x) > tol || fabs(s->x1 - x) > tol)
            continue;
        if ((fabs(s->y0 - ya) <= tol && fabs(s->y1 - yb) <= tol) || (fabs(s->y0 - yb) <= tol && fabs(s->y1 - ya) <= tol))
            return 1;
    }
    return 0;
}

/* A whisker cap: horizontal at y, centred on x, half as wide as half_w. */
static int pdf_has_cap(const pdf_marks *pm, double x, double y, double half_w, double tol)
{
    for (size_t i = 0; i < pm->nseg; i++) {
        const seg *s = &pm->segs[i];
        if (s->color == 0x333333 && fabs(s->y0 - y) <= tol && fabs(s->y1 - y) <= tol &&
            fabs(fmin(s->x0, s->x1) - (x - half_w)) <= tol && fabs(fmax(s->x0, s->x1) - (x + half_w)) <= tol)
            return 1;
    }
    return 0;
}

/* The PDF of the figure: a one-page document of w x h points with no
 * creation date, the same bytes twice, one bar rectangle per bar with a mean
 * and one whisker per interval where the layout puts them (to 0.01 pt). */
static void check_pdf(const char *name, const sentraj_analysis *a, const sentraj_figure_options *o,
                      const sentraj_figure_bar *bars, size_t nbars)
{
    bytes pdf, again;
    sentraj_error err;
    pdf_marks *pm = malloc(sizeof *pm);
    size_t want_rects = 0, matched = 0;
    int rc, whiskers_ok = 1;
    const double tol = 0.01;

    memset(&err, 0, sizeof err);
    rc = render(PDF, a, o, &pdf, &err);
    if (!tap_ok(rc == SENTRAJ_OK && pdf.len > 8 && memcmp(pdf.data, "%PDF-1.", 7) == 0 &&
                    find_bytes(pdf.data + pdf.len - 8, 8, "%%EOF"),
                "figure/%s/pdf", name))
        tap_diag("status %d: %s", rc, err.message);
    save_sample(name, "pdf", &pdf);
    rc = render(PDF, a, o, &again, &err);
    tap_ok(rc == SENTRAJ_OK && again.len == pdf.len && memcmp(again.data, pdf.data, pdf.len) == 0 &&
               !find_bytes(pdf.data, pdf.len, "/CreationDate"),
           "figure/%s/pdf-reproducible", name);
    free(again.data);

    pdf_read(&pdf, pm);
    tap_ok(pm->ok && pm->mediabox[0] == 0 && pm->mediabox[1] == 0 && pm->mediabox[2] == o->width &&
               pm->mediabox[3] == o->height,
           "figure/%s/pdf-page-size", name);
    /* Rectangles: the background, and one per bar that has a mean. */
    for (size_t i = 0; i < nbars; i++) {
        const sentraj_figure_bar *b = &bars[i];
        if (isnan(b->y_mean) || fabs(b->y_mean - b->y_zero) < tol)
            continue;
        want_rects++;
        for (size_t j = 0; j < pm->nrect; j++) {
            const double *r = pm->rect[j];
            if (fabs(r[0] - (b->x - b->half_width)) <= tol && fabs(r[2] - 2 * b->half_width) <= tol &&
                fabs(r[1] - fmin(b->y_mean, b->y_zero)) <= tol && fabs(r[3] - fabs(b->y_mean - b->y_zero)) <= tol) {
                matched++;
                break;
            }
        }
        if (!isnan(b->y_ci_low) && sentraj_analysis_row(a, b->row)->boot.status != SENTRAJ_CI_DEGENERATE) {
            int deg = fabs(b->y_ci_low - b->y_ci_high) <= 0.5;
            if ((!deg && !pdf_has_vseg(pm, b->x, b->y_ci_low, b->y_ci_high, tol)) ||
                !pdf_has_cap(pm, b->x, b->y_ci_low, b->cap_half_width, tol) ||
                !pdf_has_cap(pm, b->x, b->y_ci_high, b->cap_half_width, tol)) {
                if (whiskers_ok)
                    tap_diag("PDF whisker %zu: no segment at x %.3f from %.3f to %.3f", i, b->x, b->y_ci_low,
                             b->y_ci_high);
                whiskers_ok = 0;
            }
        }
    }
    if (!tap_ok(pm->nrect == want_rects + 1 && matched == want_rects, "figure/%s/pdf-bars", name))
        tap_diag("%zu rectangles in the PDF, %zu matched; want %zu bars and the background", pm->nrect, matched,
                 want_rects);
    tap_ok(whiskers_ok, "figure/%s/pdf-whiskers", name);
    free(pm);
    free(pdf.data);
}

/* ------------------------------------------------------------------------ */
/* The whole check                                                           */
/* ------------------------------------------------------------------------ */

/* Render a with the options o (its width, height and dpi) to PNG, SVG and
 * PDF. Check the PNG's header (size from the dpi, pHYs), read its pixels back
 * and check every bar the layout reports: the bar's colour between the zero
 * line and the mean and not beyond the mean, dark whisker ends and caps at
 * ci_low and ci_high, nothing dark just past them; count the bars along the
 * zero line; check the PDF's vector geometry. want_rows, when not NULL, are
 * the analysis rows the bars must show, left to right. */
static void check_figure_opts(const char *name, const sentraj_analysis *a, const sentraj_figure_options *o,
                              size_t want_bars, const size_t *want_rows)
{
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    sentraj_figure_bar bars[64];
    sentraj_error err;
    bytes png, svg;
    image im;
    size_t nbars = 0, drawn = 0, runs = 0, long_bars = 0, some_bars = 0;
    int rc, bar_ok = 1, ends_ok = 1, caps_ok = 1, past_ok = 1, zero_ok = 1, order_ok = 1, inside = 1;
    int w = o->width, h = o->height;
    double k = o->dpi / 72.0; /* pixels per point */
    long pw = lround(w * k), ph = lround(h * k);
    double scale = NAN, scale_err = 0;
    char label[160];

    memset(&err, 0, sizeof err);
    rc = render(PNG, a, o, &png, &err);
    if (!tap_ok(rc == SENTRAJ_OK, "figure/%s/png-renders", name))
        tap_diag("status %d: %s", rc, err.message);
    save_sample(name, "png", &png);
    tap_ok(png.len > 33 && memcmp(png.data, sig, 8) == 0 && memcmp(png.data + 12, "IHDR", 4) == 0,
           "figure/%s/png-signature", name);
    if (!tap_ok(png.len > 33 && be32((unsigned char *)png.data + 16) == (uint32_t)pw &&
                    be32((unsigned char *)png.data + 20) == (uint32_t)ph,
                "figure/%s/ihdr-size", name) &&
        png.len > 33)
        tap_diag("IHDR says %ux%u, want %ldx%ld", be32((unsigned char *)png.data + 16),
                 be32((unsigned char *)png.data + 20), pw, ph);
    /* The resolution, in pixels per metre, right after IHDR. */
    {
        const unsigned char *c = (const unsigned char *)png.data + 33;
        uint32_t ppm = (uint32_t)lround(o->dpi / 0.0254);
        tap_ok(png.len > 33 + 21 && be32(c) == 9 && memcmp(c + 4, "pHYs", 4) == 0 && be32(c + 8) == ppm &&
                   be32(c + 12) == ppm && c[16] == 1 && be32(c + 17) == (uint32_t)crc32(0, c + 4, 13),
               "figure/%s/png-phys-%d-dpi", name, o->dpi);
    }

    rc = render(SVG, a, o, &svg, &err);
    tap_ok(rc == SENTRAJ_OK && svg.len > 5 && memcmp(svg.data, "<?xml", 5) == 0 &&
               contains(svg.data, svg.len, "<svg"),
           "figure/%s/svg", name);
    {
        char want[64];
        snprintf(want, sizeof want, "width=\"%dpt\" height=\"%dpt\"", w, h);
        tap_ok(contains(svg.data, svg.len, want), "figure/%s/svg-size-in-points", name);
    }
    save_sample(name, "svg", &svg);
    free(svg.data);

    rc = sentraj_figure_layout(a, o, w, h, bars, sizeof bars / sizeof bars[0], &nbars);
    snprintf(label, sizeof label, "figure/%s/bars", name);
    if (rc != SENTRAJ_OK)
        tap_diag("layout status %d", rc);
    tap_eq_u64(rc == SENTRAJ_OK ? nbars : 0, want_bars, label);
    if (nbars > sizeof bars / sizeof bars[0])
        nbars = sizeof bars / sizeof bars[0];

    check_pdf(name, a, o, bars, nbars);

    im.s = cairo_image_surface_create_from_png_stream(read_bytes, &png);
    if (!tap_ok(cairo_surface_status(im.s) == CAIRO_STATUS_SUCCESS, "figure/%s/png-decodes", name)) {
        cairo_surface_destroy(im.s);
        free(png.data);
        return;
    }
    cairo_surface_flush(im.s);
    im.data = cairo_image_surface_get_data(im.s);
    im.w = cairo_image_surface_get_width(im.s);
    im.h = cairo_image_surface_get_height(im.s);
    im.stride = cairo_image_surface_get_stride(im.s);

    for (size_t i = 0; i < nbars; i++) {
        const sentraj_figure_bar *b = &bars[i];
        const sentraj_result *r = sentraj_analysis_row(a, b->row);
        /* In pixels: a column inside the bar, clear of the whisker and its
         * caps; the whisker's column; the zero line, the mean, the ends. */
        double xin = k * (b->x + 0.5 * (b->cap_half_width + b->half_width));
        double xc = k * b->x, yz = k * b->y_zero, ym = k * b->y_mean;
        double past = 4 * fmax(1, k);

        if (b->row != (want_rows ? want_rows[i] : i) || (i > 0 && !(b->x > bars[i - 1].x)))
            order_ok = 0;
        /* One scale for every value: points per unit of sentiment. */
        {
            double v[3] = { r->mean_delta, r->boot.ci_low, r->boot.ci_high };
            double y[3] = { b->y_mean, b->y_ci_low, b->y_ci_high };
            for (int j = 0; j < 3; j++) {
                if (isnan(y[j]))
                    continue;
                if (!(y[j] > 0 && y[j] < h))
                    inside = 0;
                if (fabs(v[j]) < 1e-6)
                    continue;
                if (isnan(scale))
                    scale = (b->y_zero - y[j]) / v[j];
                else
                    scale_err = fmax(scale_err, fabs((b->y_zero - y[j]) / v[j] - scale));
            }
        }
        if (!isnan(b->y_mean))
            drawn++;
        if (!isnan(b->y_mean) && fabs(yz - ym) >= 6 && k * (b->half_width - b->cap_half_width) >= 3) {
            double dir = ym < yz ? -1 : 1; /* from zero towards the mean */
            if (!is_bar(px(&im, xin, 0.5 * (yz + ym))) || !is_bar(px(&im, xin, ym - 2 * dir)) ||
                is_bar(px(&im, xin, ym + 2 * dir))) {
                if (bar_ok)
                    tap_diag("bar %zu (%s): mean at y %.1f, zero at %.1f px; pixels %06x %06x %06x", i, r->category,
                             ym, yz, px(&im, xin, 0.5 * (yz + ym)), px(&im, xin, ym - 2 * dir),
                             px(&im, xin, ym + 2 * dir));
                bar_ok = 0;
            }
        }
        /* Bars that reach well past the rows where the bars are counted
         * (3 px from the zero line) must be seen there; bars that stop well
         * short of them must not. */
        if (!isnan(b->y_mean) && fabs(yz - ym) >= 3 * fmax(1, k) + 1.5)
            long_bars++;
        if (!isnan(b->y_mean) && fabs(yz - ym) > 3 * fmax(1, k) - 1.5)
            some_bars++;
        if (!isnan(b->y_mean) && (isnan(b->y_ci_low) != (r->boot.status == SENTRAJ_CI_TOO_FEW ||
                                                          r->boot.status == SENTRAJ_CI_REFUSED)))
            ends_ok = 0;
        /* A degenerate row has a diamond, not a whisker (check_degenerate_marker). */
        if (!isnan(b->y_ci_low) && r->boot.status != SENTRAJ_CI_DEGENERATE) {
            double ytop = k * fmin(b->y_ci_low, b->y_ci_high), ybot = k * fmax(b->y_ci_low, b->y_ci_high);
            double xcap = k * (b->x + 0.6 * b->cap_half_width);
            int degenerate = ybot - ytop <= 0.5 * k;

            if ((!degenerate && (!dark_near(&im, xc, ytop) || !dark_near(&im, xc, ybot))) ||
                (degenerate && !dark_near(&im, xc, ytop))) {
                if (ends_ok)
                    tap_diag("whisker %zu (%s): no dark pixel at y %.1f / %.1f", i, r->category, ytop, ybot);
                ends_ok = 0;
            }
            if (!dark_near(&im, xcap, ytop) || !dark_near(&im, xcap, ybot))
                caps_ok = 0;
            if (is_dark(px(&im, xc, ytop - past)) || is_dark(px(&im, xc, ybot + past))) {
                if (past_ok)
                    tap_diag("whisker %zu (%s) goes past %.1f..%.1f", i, r->category, ytop, ybot);
                past_ok = 0;
            }
            if (degenerate && fabs(b->y_ci_low - b->y_mean) > 0.5)
                ends_ok = 0;
        }
        /* The zero line is visible between this bar and the next. */
        if (i + 1 < nbars) {
            double xm = k * 0.5 * (b->x + bars[i + 1].x);
            int seen = 0;
            for (int d = -1; d <= 1; d++) {
                uint32_t p = px(&im, xm, yz + d);
                if ((p & 0xff) < 0xb0 && (p >> 8 & 0xff) < 0xb0)
                    seen = 1;
            }
            if (!seen)
                zero_ok = 0;
        }
    }
    /* Count the bars from the pixels: runs of bar colour along rows just
     * above and below the zero line. Bars never touch: slots are wider than
     * bars. */
    if (nbars > 0) {
        double yz = k * bars[0].y_zero, off = 3 * fmax(1, k);
        int in = 0;
        for (int x = 0; x < im.w; x++) {
            int bar = 0;
            /* Three rows on each side, so a whisker cap on one row does not
             * hide a narrow bar; a whisker crossing inside a bar does not
             * end it. */
            for (int j = 0; j < 3; j++) {
                uint32_t up = px(&im, x, yz - off - 2 * j), down = px(&im, x, yz + off + 2 * j);
                bar |= is_bar(up) || is_bar(down) || (in && (!is_light(up) || !is_light(down)));
            }
            if (bar && !in)
                runs++;
            in = bar;
        }
    }
    tap_ok(order_ok, "figure/%s/bars-in-order", name);
    tap_ok(inside, "figure/%s/values-inside-figure", name);
    snprintf(label, sizeof label, "figure/%s/one-linear-scale", name);
    tap_near(scale_err, 0, 1e-9, label);
    tap_ok(bar_ok, "figure/%s/bar-pixels", name);
    if (!tap_ok(runs >= long_bars && runs <= some_bars && some_bars <= drawn, "figure/%s/bar-count-from-pixels",
                name))
        tap_diag("%zu runs of bar colour along the zero line, want %zu to %zu", runs, long_bars, some_bars);
    tap_ok(ends_ok, "figure/%s/whisker-ends", name);
    tap_ok(caps_ok, "figure/%s/whisker-caps", name);
    tap_ok(past_ok, "figure/%s/whisker-not-past-ends", name);
    tap_ok(zero_ok, "figure/%s/zero-line", name);
    cairo_surface_destroy(im.s);
    free(png.data);
}

static void check_figure(const char *name, const sentraj_analysis *a, int w, int h, size_t want_bars)
{
    sentraj_figure_options o;

    sentraj_figure_options_init(&o);
    o.width = w;
    o.height = h;
    check_figure_opts(name, a, &o, want_bars, NULL);
}

/* ------------------------------------------------------------------------ */
/* Cases                                                                     */
/* ------------------------------------------------------------------------ */

static void test_options(void)
{
    sentraj_figure_options o;
    memset(&o, 0xff, sizeof o);
    sentraj_figure_options_init(&o);
    tap_ok(o.title == NULL && o.width == 900 && o.height == 560 && o.dpi == 72 && o.order == NULL &&
               o.norder == 0 && o.labels == NULL && o.nlabels == 0,
           "figure/options-init");
}

/* The published categories, with a mix of rising and falling conversations. */
static int published(fixture *fx, size_t resamples)
{
    csv c;
    csv_open(&c);
    for (int i = 0; i < 9; i++)
        csv_conv(&c, "coaching", (int[]){ 0, 1, 6, 4, 2, 0, 1, 6, 3 }[i], 6);
    for (int i = 0; i < 7; i++)
        csv_conv(&c, "counseling", (int[]){ 0, 3, 1, 4, 6, 2, 0 }[i], 6 + (size_t)i);
    for (int i = 0; i < 6; i++)
        csv_conv(&c, "companionship", (int[]){ 4, 2, 1, 3, 6, 2 }[i], 7);
    for (int i = 0; i < 8; i++)
        csv_conv(&c, i % 3 ? "interpersonal advice" : "coaching;interpersonal advice",
                 (int[]){ 0, 6, 6, 1, 5, 0, 6, 1 }[i], 6);
    csv_conv(&c, "coaching", 0, 4); /* too short: dropped */
    return analyze(&c, resamples, fx);
}

static void test_published(void)
{
    fixture fx;

    if (!published(&fx, 1000)) {
        tap_ok(0, "figure/published/pipeline");
        return;
    }
    check_figure("published", fx.a, 900, 560, 4);
    check_figure("published-2x", fx.a, 1800, 1120, 4);
    check_figure("published-small", fx.a, 320, 220, 4);
    fixture_free(&fx);
}

static void test_one_row(void)
{
    fixture fx;
    csv c;

    csv_open(&c);
    for (int i = 0; i < 5; i++)
        csv_conv(&c, "coaching", i % 3, 6);
    if (analyze(&c, 500, &fx)) {
        check_figure("one-category", fx.a, 900, 560, 1);
        fixture_free(&fx);
    } else
        tap_ok(0, "figure/one-category/pipeline");

    /* Without categories the analysis has only "all", and that is drawn. */
    csv_open(&c);
    for (int i = 0; i < 5; i++)
        csv_conv(&c, "", i % 4, 6);
    if (analyze(&c, 500, &fx)) {
        size_t nbars = 0;
        sentraj_figure_bar b;
        check_figure("only-all", fx.a, 900, 560, 1);
        sentraj_figure_layout(fx.a, NULL, 900, 560, &b, 1, &nbars);
        tap_ok(nbars == 1 && b.row == 0 && sentraj_analysis_rows(fx.a) == 1, "figure/only-all/all-drawn");
        fixture_free(&fx);
    } else
        tap_ok(0, "figure/only-all/pipeline");
}

static void test_many(void)
{
    static const char *const names[] = {
        "coaching", "counseling", "companionship", "interpersonal advice", "creative writing", "coding",
        "education and tutoring", "health", "travel", "a category with a rather long descriptive name",
        "philosophy", "games",
    };
    fixture fx;
    csv c;

    csv_open(&c);
    for (size_t k = 0; k < 12; k++)
        for (size_t i = 0; i < 3 + k % 4; i++)
            csv_conv(&c, names[k], (int)((k * 3 + i * 5) % 7), 6 + i);
    if (analyze(&c, 1000, &fx)) {
        check_figure("twelve", fx.a, 900, 560, 12);
        fixture_free(&fx);
    } else
        tap_ok(0, "figure/twelve/pipeline");

    /* Thirty categories: labels must rotate; bars stay where the layout says. */
    csv_open(&c);
    for (size_t k = 0; k < 30; k++) {
        char name[64];
        snprintf(name, sizeof name, k % 5 == 0 ? "category number %02zu with a long name" : "cat %02zu", k);
        for (size_t i = 0; i < 2 + k % 3; i++)
            csv_conv(&c, name, (int)((k + i * 2) % 7), 6);
    }
    if (analyze(&c, 300, &fx)) {
        check_figure("thirty", fx.a, 900, 560, 30);
        check_figure("thirty-small", fx.a, 400, 300, 30);
        fixture_free(&fx);
    } else
        tap_ok(0, "figure/thirty/pipeline");
}

static void test_negative(void)
{
    fixture fx;
    csv c;
    sentraj_figure_bar bars[4];
    size_t nbars = 0;
    int below = 1;

    csv_open(&c);
    for (int i = 0; i < 6; i++)
        csv_conv(&c, "coaching", i % 2 ? 3 : 5, 6);
    for (int i = 0; i < 4; i++)
        csv_conv(&c, "counseling", 3, 6 + (size_t)i);
    for (int i = 0; i < 5; i++)
        csv_conv(&c, "interpersonal advice", 5, 6);
    if (!analyze(&c, 1000, &fx)) {
        tap_ok(0, "figure/negative/pipeline");
        return;
    }
    check_figure("negative", fx.a, 900, 560, 3);
    sentraj_figure_layout(fx.a, NULL, 900, 560, bars, 4, &nbars);
    for (size_t i = 0; i < nbars; i++)
        below &= bars[i].y_mean > bars[i].y_zero && bars[i].y_ci_low > bars[i].y_zero;
    tap_ok(nbars == 3 && below, "figure/negative/bars-hang-below-zero");
    fixture_free(&fx);
}

/* A category with one conversation (no interval), one where every delta is
 * equal (degenerate interval) and, if the analysis reports it, one whose
 * conversations were all too short. */
static cairo_surface_t *decode(bytes *png);

/* A degenerate bar (every conversation changed alike) is marked by a
 * diamond at its value, not a whisker of zero width that reads as
 * certainty, and the note at the foot of the figure names it. The diamond
 * is dark a few points above and below the value, inside the bar, where a
 * cap (a 2-point line) leaves the bar's own colour; the note is text in
 * the bottom strip, left of the labels, which a figure without degenerate
 * bars leaves blank. */
static void check_degenerate_marker(const sentraj_analysis *a, const sentraj_figure_bar *b)
{
    bytes png = {NULL, 0, 0};
    cairo_surface_t *im;
    image view;
    long note = 0;

    if (render(PNG, a, NULL, &png, NULL) != SENTRAJ_OK || !(im = decode(&png))) {
        tap_ok(0, "figure/special/degenerate-renders");
        free(png.data);
        return;
    }
    view = (image){im, cairo_image_surface_get_data(im), cairo_image_surface_get_width(im),
                   cairo_image_surface_get_height(im), cairo_image_surface_get_stride(im)};
    tap_ok(is_dark(px(&view, b->x, b->y_mean - 3)) && is_dark(px(&view, b->x, b->y_mean + 3)) &&
               !is_dark(px(&view, b->x + b->cap_half_width, b->y_mean - 3)),
           "figure/special/degenerate-diamond-not-cap");
    for (int y = view.h - 32; y < view.h - 16; y++)
        for (int x = 18; x < 110; x++)
            note += !is_light(px(&view, x, y));
    tap_ok(note > 100, "figure/special/degenerate-named-in-note (%ld ink pixels)", note);
    save_sample("special-degenerate", "png", &png);
    cairo_surface_destroy(im);
    free(png.data);
}

static void test_special_rows(void)
{
    fixture fx;
    csv c;
    sentraj_figure_bar bars[8];
    size_t nbars = 0, rows;

    csv_open(&c);
    csv_conv(&c, "alone", 0, 6);
    for (int i = 0; i < 3; i++)
        csv_conv(&c, "flat", 1, 6 + (size_t)i);
    for (int i = 0; i < 5; i++)
        csv_conv(&c, "normal", i % 7, 6);
    csv_conv(&c, "rare", 0, 3);
    if (!analyze(&c, 1000, &fx)) {
        tap_ok(0, "figure/special/pipeline");
        return;
    }
    rows = sentraj_analysis_rows(fx.a);
    check_figure("special", fx.a, 900, 560, rows - 1);
    sentraj_figure_layout(fx.a, NULL, 900, 560, bars, 8, &nbars);
    for (size_t i = 0; i < nbars && i < 8; i++) {
        const sentraj_result *r = sentraj_analysis_row(fx.a, bars[i].row);
        if (strcmp(r->category, "alone") == 0)
            tap_ok(!isnan(bars[i].y_mean) && isnan(bars[i].y_ci_low) && isnan(bars[i].y_ci_high),
                   "figure/special/too-few-has-bar-no-whisker");
        else if (strcmp(r->category, "flat") == 0)
        {
            tap_ok(r->boot.status == SENTRAJ_CI_DEGENERATE, "figure/special/degenerate-status");
            tap_near(bars[i].y_ci_low, bars[i].y_mean, 1e-9, "figure/special/degenerate-low-at-mean");
            tap_near(bars[i].y_ci_high, bars[i].y_mean, 1e-9, "figure/special/degenerate-high-at-mean");
            check_degenerate_marker(fx.a, &bars[i]);
        }
        else if (strcmp(r->category, "rare") == 0)
            tap_ok(r->conversations == 0 && isnan(bars[i].y_mean) && isnan(bars[i].y_ci_low),
                   "figure/special/empty-row-has-no-bar");
    }
    fixture_free(&fx);
}

/* Decode a PNG in memory; NULL on failure. */
static cairo_surface_t *decode(bytes *png)
{
    cairo_surface_t *s;
    png->pos = 0;
    s = cairo_image_surface_create_from_png_stream(read_bytes, png);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_flush(s);
    return s;
}

/* Pixels of two images of the same size that differ by more than 8 in a channel. */
static long differing_pixels(cairo_surface_t *a, cairo_surface_t *b)
{
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    long n = 0;

    if (w != cairo_image_surface_get_width(b) || h != cairo_image_surface_get_height(b))
        return -1;
    for (int y = 0; y < h; y++) {
        const unsigned char *ra = cairo_image_surface_get_data(a) + (size_t)y * (size_t)cairo_image_surface_get_stride(a);
        const unsigned char *rb = cairo_image_surface_get_data(b) + (size_t)y * (size_t)cairo_image_surface_get_stride(b);
        for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++)
                if (abs(ra[4 * x + c] - rb[4 * x + c]) > 8) {
                    n++;
                    break;
                }
    }
    return n;
}

/* The analysis of c with statistic st (trim for trimmed), 1000 resamples. */
static sentraj_analysis *analyze_statistic(const char *data, size_t len, sentraj_statistic st, double trim)
{
    sentraj_config cfg;
    sentraj_dataset *ds;
    sentraj_analysis *a = NULL;

    sentraj_config_init(&cfg);
    cfg.threads = 1;
    cfg.statistic = st;
    cfg.trim = trim;
    ds = sentraj_dataset_alloc(&cfg, NULL);
    if (ds && sentraj_dataset_read_csv_buffer(ds, data, len, "test.csv", NULL) == SENTRAJ_OK &&
        sentraj_dataset_finish(ds, NULL) == SENTRAJ_OK)
        a = sentraj_analysis_compute(ds, &cfg, NULL);
    sentraj_dataset_free(ds);
    return a;
}

/* The value axis names the statistic. A mean trimmed by 0 is the mean, drawn
 * from the same resamples, so its figure differs from the mean's in the
 * axis title alone: every differing pixel lies left of the plot. */
static void test_statistic_axis(void)
{
    sentraj_analysis *mean, *trim0;
    sentraj_figure_bar bars[4];
    bytes pa = {NULL, 0, 0}, pb = {NULL, 0, 0};
    cairo_surface_t *ia = NULL, *ib = NULL;
    size_t nbars = 0;
    long diff = -1, outside = 0;
    csv c;

    csv_open(&c);
    for (int i = 0; i < 7; i++)
        csv_conv(&c, "up", i, 6);
    for (int i = 0; i < 7; i++)
        csv_conv(&c, "down", 6 - i, 7);
    fclose(c.f);
    mean = analyze_statistic(c.data, c.len, SENTRAJ_STAT_MEAN, 0);
    trim0 = analyze_statistic(c.data, c.len, SENTRAJ_STAT_TRIMMED, 0);
    free(c.data);
    if (!tap_ok(mean && trim0, "figure/statistic/pipeline"))
        goto out;
    tap_ok(sentraj_analysis_row(mean, 0)->boot.ci_low == sentraj_analysis_row(trim0, 0)->boot.ci_low &&
               sentraj_analysis_row(mean, 2)->boot.ci_high == sentraj_analysis_row(trim0, 2)->boot.ci_high,
           "figure/statistic/trimmed-0-draws-the-mean");
    sentraj_figure_layout(mean, NULL, 900, 560, bars, 4, &nbars);
    if (render(PNG, mean, NULL, &pa, NULL) != SENTRAJ_OK || render(PNG, trim0, NULL, &pb, NULL) != SENTRAJ_OK ||
        !(ia = decode(&pa)) || !(ib = decode(&pb)) || nbars < 1) {
        tap_ok(0, "figure/statistic/renders");
    } else {
        int w = cairo_image_surface_get_width(ia), h = cairo_image_surface_get_height(ia);
        double left = bars[0].x - bars[0].half_width - 10;
        diff = differing_pixels(ia, ib);
        for (int y = 0; y < h; y++) {
            const unsigned char *ra = cairo_image_surface_get_data(ia) + (size_t)y * (size_t)cairo_image_surface_get_stride(ia);
            const unsigned char *rb = cairo_image_surface_get_data(ib) + (size_t)y * (size_t)cairo_image_surface_get_stride(ib);
            for (int x = 0; x < w; x++)
                if (x >= left && memcmp(ra + 4 * x, rb + 4 * x, 3) != 0)
                    outside++;
        }
        tap_ok(diff > 50, "figure/statistic/axis-title-differs (%ld pixels)", diff);
        tap_ok(outside == 0, "figure/statistic/only-the-axis-title-differs (%ld pixels right of it)", outside);
        save_sample("statistic-trimmed-0", "png", &pb);
    }
    if (ia)
        cairo_surface_destroy(ia);
    if (ib)
        cairo_surface_destroy(ib);
    free(pa.data);
    free(pb.data);
out:
    sentraj_analysis_free(mean);
    sentraj_analysis_free(trim0);
}

/* --dpi: the PNG's pixel size follows the dpi, the drawing does not change. */
static void test_dpi(void)
{
    fixture fx;
    sentraj_figure_options o;
    bytes hi, big;
    cairo_surface_t *a = NULL, *b = NULL;
    sentraj_error err;
    int rc;

    if (!published(&fx, 500)) {
        tap_ok(0, "figure/dpi/pipeline");
        return;
    }
    sentraj_figure_options_init(&o);
    o.dpi = 200;
    check_figure_opts("dpi-200", fx.a, &o, 4, NULL);
    o.dpi = 96;
    o.width = 640;
    o.height = 400;
    check_figure_opts("dpi-96-small", fx.a, &o, 4, NULL);
    o.dpi = 36;
    o.width = 1800;
    o.height = 1120;
    check_figure_opts("dpi-36-large", fx.a, &o, 4, NULL);

    /* 900 x 560 points at 144 dpi is the 1800 x 1120-point figure at 72 dpi. */
    sentraj_figure_options_init(&o);
    o.dpi = 144;
    rc = render(PNG, fx.a, &o, &hi, &err);
    o.dpi = 72;
    o.width = 1800;
    o.height = 1120;
    if (rc == SENTRAJ_OK)
        rc = render(PNG, fx.a, &o, &big, &err);
    else
        big.data = NULL;
    if (rc == SENTRAJ_OK) {
        a = decode(&hi);
        b = decode(&big);
    }
    {
        long diff = a && b ? differing_pixels(a, b) : -1;
        if (!tap_ok(diff >= 0 && diff <= 1800 * 1120 / 1000, "figure/dpi/144-dpi-is-twice-the-size"))
            tap_diag("%ld of %d pixels differ", diff, 1800 * 1120);
    }
    if (a)
        cairo_surface_destroy(a);
    if (b)
        cairo_surface_destroy(b);
    free(hi.data);
    free(big.data);

    /* Out of range, or a PNG too large. */
    sentraj_figure_options_init(&o);
    o.dpi = 9;
    memset(&err, 0, sizeof err);
    tap_ok(sentraj_analysis_check_figure(NULL, &o, &err) == SENTRAJ_EUSAGE && strstr(err.message, "dpi") != NULL,
           "figure/dpi/too-low");
    o.dpi = 2401;
    tap_ok(sentraj_analysis_check_figure(fx.a, &o, NULL) == SENTRAJ_EUSAGE, "figure/dpi/too-high");
    o.dpi = 656; /* 900 * 656 / 72 = 8200 pixels */
    memset(&err, 0, sizeof err);
    rc = sentraj_analysis_write_png(stdout, "big.png", fx.a, &o, &err);
    tap_ok(rc == SENTRAJ_EUSAGE && strstr(err.message, "8200x5102") != NULL && strcmp(err.source, "big.png") == 0,
           "figure/dpi/png-too-large");
    o.dpi = 655; /* 8188 x 5094 */
    tap_ok(sentraj_analysis_check_figure(fx.a, &o, NULL) == SENTRAJ_OK, "figure/dpi/png-just-fits");
    fixture_free(&fx);
}

/* --order and --labels. The published fixture's rows: 0 coaching,
 * 1 companionship, 2 counseling, 3 interpersonal advice, 4 all. */
static void test_order_labels(void)
{
    static const char *const order[] = { "interpersonal advice", "coaching", "all" };
    static const size_t want_rows[] = { 3, 0, 4 };
    static const sentraj_figure_label labels[] = {
        { "coaching", "Coaching" },
        { "all", "All conversations" },
        { "companionship", "Companions (not drawn)" },
    };
    fixture fx;
    sentraj_figure_options o;
    sentraj_figure_bar bars[8];
    sentraj_error err;
    size_t nbars = 0;
    int rc;

    if (!published(&fx, 500)) {
        tap_ok(0, "figure/order/pipeline");
        return;
    }
    sentraj_figure_options_init(&o);
    o.order = order;
    o.norder = 3;
    o.labels = labels;
    o.nlabels = 3;
    tap_ok(sentraj_analysis_check_figure(fx.a, &o, NULL) == SENTRAJ_OK, "figure/order/check");
    check_figure_opts("order-labels", fx.a, &o, 3, want_rows);
    o.dpi = 200;
    check_figure_opts("order-labels-200dpi", fx.a, &o, 3, want_rows);
    rc = sentraj_figure_layout(fx.a, &o, 900, 560, bars, 8, &nbars);
    tap_ok(rc == SENTRAJ_OK && nbars == 3 && strcmp(bars[0].label, "interpersonal advice") == 0 &&
               strcmp(bars[1].label, "Coaching") == 0 && strcmp(bars[2].label, "All conversations") == 0,
           "figure/labels/display-names");

    /* Labels alone keep the default bars. */
    o.order = NULL;
    o.norder = 0;
    rc = sentraj_figure_layout(fx.a, &o, 900, 560, bars, 8, &nbars);
    tap_ok(rc == SENTRAJ_OK && nbars == 4 && strcmp(bars[0].label, "Coaching") == 0 &&
               strcmp(bars[1].label, "Companions (not drawn)") == 0 && strcmp(bars[2].label, "counseling") == 0,
           "figure/labels/without-order");

    /* A single bar: only "all". */
    {
        static const char *const only_all[] = { "all" };
        static const size_t row4[] = { 4 };
        sentraj_figure_options_init(&o);
        o.order = only_all;
        o.norder = 1;
        check_figure_opts("order-all-only", fx.a, &o, 1, row4);
    }

    /* Unknown, repeated and empty names. */
    {
        static const char *const unknown[] = { "coaching", "coachin", "therapy" };
        static const char *const twice[] = { "coaching", "counseling", "coaching" };
        static const char *const empty[] = { "coaching", "" };
        static const sentraj_figure_label bad_label[] = { { "coaching", "Coaching" }, { "therapy", "Therapy" } };
        static const sentraj_figure_label no_text[] = { { "coaching", "" } };

        sentraj_figure_options_init(&o);
        o.order = unknown;
        o.norder = 3;
        memset(&err, 0, sizeof err);
        rc = sentraj_analysis_check_figure(fx.a, &o, &err);
        tap_ok(rc == SENTRAJ_EUSAGE && strstr(err.message, "\"coachin\", \"therapy\"") &&
                   strstr(err.message, "\"interpersonal advice\"") && strstr(err.message, "order"),
               "figure/order/unknown-names-named");
        tap_ok(sentraj_analysis_check_figure(NULL, &o, NULL) == SENTRAJ_OK, "figure/order/unknown-fine-without-analysis");
        memset(&err, 0, sizeof err);
        rc = sentraj_analysis_write_pdf(stdout, "x.pdf", fx.a, &o, &err);
        tap_ok(rc == SENTRAJ_EUSAGE && strcmp(err.source, "x.pdf") == 0, "figure/order/unknown-write-fails");
        rc = sentraj_figure_layout(fx.a, &o, 900, 560, bars, 8, &nbars);
        tap_ok(rc == SENTRAJ_EUSAGE && nbars == 0, "figure/order/unknown-layout-fails");
        o.order = twice;
        memset(&err, 0, sizeof err);
        rc = sentraj_analysis_check_figure(NULL, &o, &err);
        tap_ok(rc == SENTRAJ_EUSAGE && strstr(err.message, "\"coaching\" given twice"), "figure/order/repeated");
        o.order = empty;
        o.norder = 2;
        tap_ok(sentraj_analysis_check_figure(NULL, &o, NULL) == SENTRAJ_EUSAGE, "figure/order/empty-name");
        o.order = NULL;
        o.norder = 2;
        tap_ok(sentraj_analysis_check_figure(NULL, &o, NULL) == SENTRAJ_EUSAGE, "figure/order/count-without-array");

        sentraj_figure_options_init(&o);
        o.labels = bad_label;
        o.nlabels = 2;
        memset(&err, 0, sizeof err);
        rc = sentraj_analysis_check_figure(fx.a, &o, &err);
        tap_ok(rc == SENTRAJ_EUSAGE && strstr(err.message, "labels: category not in the data: \"therapy\" ("),
               "figure/labels/unknown-name");
        o.labels = no_text;
        o.nlabels = 1;
        tap_ok(sentraj_analysis_check_figure(NULL, &o, NULL) == SENTRAJ_EUSAGE, "figure/labels/empty-text");
    }
    fixture_free(&fx);
}

static void test_errors(void)
{
    fixture fx;
    sentraj_figure_options o;
    sentraj_figure_bar bars[2];
    sentraj_error err;
    size_t nbars = 99;
    FILE *full;
    int rc;

    if (!published(&fx, 200)) {
        tap_ok(0, "figure/errors/pipeline");
        return;
    }
    full = fopen("/dev/full", "w");
    if (full) {
        memset(&err, 0, sizeof err);
        rc = sentraj_analysis_write_png(full, "out.png", fx.a, NULL, &err);
        tap_ok(rc == SENTRAJ_EIO && err.code == SENTRAJ_EIO, "figure/errors/png-to-dev-full");
        tap_eq_str(err.source, "out.png", "figure/errors/png-to-dev-full-source");
        clearerr(full);
        memset(&err, 0, sizeof err);
        rc = sentraj_analysis_write_svg(full, "out.svg", fx.a, NULL, &err);
        tap_ok(rc == SENTRAJ_EIO && err.code == SENTRAJ_EIO && strcmp(err.source, "out.svg") == 0,
               "figure/errors/svg-to-dev-full");
        clearerr(full);
        memset(&err, 0, sizeof err);
        rc = sentraj_analysis_write_pdf(full, "out.pdf", fx.a, NULL, &err);
        tap_ok(rc == SENTRAJ_EIO && err.code == SENTRAJ_EIO && strcmp(err.source, "out.pdf") == 0,
               "figure/errors/pdf-to-dev-full");
        fclose(full);
    } else {
        tap_skip("figure/errors/png-to-dev-full", "no /dev/full");
        tap_skip("figure/errors/svg-to-dev-full", "no /dev/full");
        tap_skip("figure/errors/pdf-to-dev-full", "no /dev/full");
    }

    sentraj_figure_options_init(&o);
    o.width = 0;
    memset(&err, 0, sizeof err);
    rc = sentraj_analysis_write_png(stdout, "out.png", fx.a, &o, &err);
    tap_ok(rc == SENTRAJ_EUSAGE && err.code == SENTRAJ_EUSAGE, "figure/errors/zero-width");
    o.width = 900;
    o.height = 100000;
    rc = sentraj_analysis_write_svg(stdout, "out.svg", fx.a, &o, NULL);
    tap_ok(rc == SENTRAJ_EUSAGE, "figure/errors/huge-height");
    rc = sentraj_analysis_write_png(stdout, "out.png", NULL, NULL, NULL);
    tap_ok(rc == SENTRAJ_EUSAGE, "figure/errors/no-analysis");

    /* The layout reports every slot even when given less room. */
    rc = sentraj_figure_layout(fx.a, NULL, 900, 560, bars, 2, &nbars);
    tap_ok(rc == SENTRAJ_OK && nbars == 4, "figure/layout/cap-smaller-than-slots");
    rc = sentraj_figure_layout(fx.a, NULL, 50, 560, bars, 2, &nbars);
    tap_ok(rc == SENTRAJ_EUSAGE && nbars == 0, "figure/layout/too-narrow");

    /* A custom title with bytes that are not UTF-8 still renders. */
    {
        bytes b;
        sentraj_figure_options_init(&o);
        o.title = "Custom \xff title\twith junk";
        rc = render(0, fx.a, &o, &b, &err);
        tap_ok(rc == SENTRAJ_OK && b.len > 8, "figure/title/invalid-utf8");
        free(b.data);
    }
    fixture_free(&fx);
}

int main(void)
{
    sample_dir = getenv("SENTRAJ_FIGURE_DIR");
    test_options();
    test_published();
    test_one_row();
    test_many();
    test_negative();
    test_special_rows();
    test_statistic_axis();
    test_dpi();
    test_order_labels();
    test_errors();
    /* Drop cairo's font caches so leak checkers see only real leaks. */
    cairo_debug_reset_static_data();
    return tap_done();
}
