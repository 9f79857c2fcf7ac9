/* test_figure.c - the figure: PNG and SVG output, bar geometry checked pixel by pixel, write errors. */
#include "figure.h"
#include "tap.h"

#include <cairo.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The figure's colours, as the pixels must show them. */
#define BAR_R 0xd9
#define BAR_G 0x77
#define BAR_B 0x57

/* When SENTRAJ_FIGURE_DIR is set, every figure rendered here is also written
 * there as <case>.png and <case>.svg for a person to look at. */
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
        fx->a = sentraj_analyze(fx->ds, &cfg, &err);
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

static int render(int svg, const sentraj_analysis *a, const sentraj_figure_options *o, bytes *out,
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
    rc = svg ? sentraj_figure_write_svg(f, "mem", a, o, err) : sentraj_figure_write_png(f, "mem", a, o, err);
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

/* A dark pixel in column x within one pixel row of y. */
static int dark_near(const image *im, double x, double y)
{
    for (int d = -1; d <= 1; d++)
        if (is_dark(px(im, x, y + d)))
            return 1;
    return 0;
}

/* Render a to PNG at w x h, check the file's header, read its pixels back
 * and check every bar the layout reports: the bar's colour between the zero
 * line and the mean and not beyond the mean, dark whisker ends and caps at
 * ci_low and ci_high, nothing dark just past them. */
static void check_figure(const char *name, const sentraj_analysis *a, int w, int h, size_t want_bars)
{
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    sentraj_figure_options o;
    sentraj_figure_bar bars[64];
    sentraj_error err;
    bytes png, svg;
    image im;
    size_t nbars = 0;
    int rc, bar_ok = 1, ends_ok = 1, caps_ok = 1, past_ok = 1, zero_ok = 1, order_ok = 1, inside = 1;
    double scale = NAN, scale_err = 0;
    char label[160];

    sentraj_figure_options_init(&o);
    o.width = w;
    o.height = h;
    memset(&err, 0, sizeof err);
    rc = render(0, a, &o, &png, &err);
    if (!tap_ok(rc == SENTRAJ_OK, "figure/%s/png-renders", name))
        tap_diag("status %d: %s", rc, err.message);
    save_sample(name, "png", &png);
    tap_ok(png.len > 33 && memcmp(png.data, sig, 8) == 0 && memcmp(png.data + 12, "IHDR", 4) == 0,
           "figure/%s/png-signature", name);
    if (!tap_ok(png.len > 33 && be32((unsigned char *)png.data + 16) == (uint32_t)w &&
                    be32((unsigned char *)png.data + 20) == (uint32_t)h,
                "figure/%s/ihdr-size", name) &&
        png.len > 33)
        tap_diag("IHDR says %ux%u, want %dx%d", be32((unsigned char *)png.data + 16),
                 be32((unsigned char *)png.data + 20), w, h);

    rc = render(1, a, &o, &svg, &err);
    tap_ok(rc == SENTRAJ_OK && svg.len > 5 && memcmp(svg.data, "<?xml", 5) == 0 &&
               contains(svg.data, svg.len, "<svg"),
           "figure/%s/svg", name);
    save_sample(name, "svg", &svg);
    free(svg.data);

    rc = sentraj_figure_layout(a, &o, w, h, bars, sizeof bars / sizeof bars[0], &nbars);
    snprintf(label, sizeof label, "figure/%s/bars", name);
    if (rc != SENTRAJ_OK)
        tap_diag("layout status %d", rc);
    tap_eq_u64(rc == SENTRAJ_OK ? nbars : 0, want_bars, label);
    if (nbars > sizeof bars / sizeof bars[0])
        nbars = sizeof bars / sizeof bars[0];

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
        /* A column inside the bar, clear of the whisker and its caps. */
        double xin = b->x + 0.5 * (b->cap_half_width + b->half_width);
        double xc = b->x;

        if (b->row != i || (i > 0 && !(b->x > bars[i - 1].x)))
            order_ok = 0;
        /* One scale for every value: pixels per unit of sentiment. */
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
        if (!isnan(b->y_mean) && fabs(b->y_zero - b->y_mean) >= 6 && b->half_width - b->cap_half_width >= 3) {
            double dir = b->y_mean < b->y_zero ? -1 : 1; /* from zero towards the mean */
            if (!is_bar(px(&im, xin, 0.5 * (b->y_zero + b->y_mean))) || !is_bar(px(&im, xin, b->y_mean - 2 * dir)) ||
                is_bar(px(&im, xin, b->y_mean + 2 * dir))) {
                if (bar_ok)
                    tap_diag("bar %zu (%s): mean at y %.1f, zero at %.1f; pixels %06x %06x %06x", i, r->category,
                             b->y_mean, b->y_zero, px(&im, xin, 0.5 * (b->y_zero + b->y_mean)),
                             px(&im, xin, b->y_mean - 2 * dir), px(&im, xin, b->y_mean + 2 * dir));
                bar_ok = 0;
            }
        }
        if (!isnan(b->y_mean) && (isnan(b->y_ci_low) != (r->boot.status == SENTRAJ_CI_TOO_FEW)))
            ends_ok = 0;
        if (!isnan(b->y_ci_low)) {
            double ytop = fmin(b->y_ci_low, b->y_ci_high), ybot = fmax(b->y_ci_low, b->y_ci_high);
            double xcap = b->x + 0.6 * b->cap_half_width;
            int degenerate = ybot - ytop <= 0.5;

            if ((!degenerate && (!dark_near(&im, xc, ytop) || !dark_near(&im, xc, ybot))) ||
                (degenerate && !dark_near(&im, xc, ytop))) {
                if (ends_ok)
                    tap_diag("whisker %zu (%s): no dark pixel at y %.1f / %.1f", i, r->category, ytop, ybot);
                ends_ok = 0;
            }
            if (!dark_near(&im, xcap, ytop) || !dark_near(&im, xcap, ybot))
                caps_ok = 0;
            if (is_dark(px(&im, xc, ytop - 4)) || is_dark(px(&im, xc, ybot + 4))) {
                if (past_ok)
                    tap_diag("whisker %zu (%s) goes past %.1f..%.1f", i, r->category, ytop, ybot);
                past_ok = 0;
            }
            if (degenerate && fabs(ytop - b->y_mean) > 0.5)
                ends_ok = 0;
        }
        /* The zero line is visible between this bar and the next. */
        if (i + 1 < nbars) {
            double xm = 0.5 * (b->x + bars[i + 1].x);
            int seen = 0;
            for (int d = -1; d <= 1; d++) {
                uint32_t p = px(&im, xm, b->y_zero + d);
                if ((p & 0xff) < 0xb0 && (p >> 8 & 0xff) < 0xb0)
                    seen = 1;
            }
            if (!seen)
                zero_ok = 0;
        }
    }
    tap_ok(order_ok, "figure/%s/bars-in-row-order", name);
    tap_ok(inside, "figure/%s/values-inside-figure", name);
    snprintf(label, sizeof label, "figure/%s/one-linear-scale", name);
    tap_near(scale_err, 0, 1e-9, label);
    tap_ok(bar_ok, "figure/%s/bar-pixels", name);
    tap_ok(ends_ok, "figure/%s/whisker-ends", name);
    tap_ok(caps_ok, "figure/%s/whisker-caps", name);
    tap_ok(past_ok, "figure/%s/whisker-not-past-ends", name);
    tap_ok(zero_ok, "figure/%s/zero-line", name);
    cairo_surface_destroy(im.s);
    free(png.data);
}

/* ------------------------------------------------------------------------ */
/* Cases                                                                     */
/* ------------------------------------------------------------------------ */

static void test_options(void)
{
    sentraj_figure_options o;
    memset(&o, 0xff, sizeof o);
    sentraj_figure_options_init(&o);
    tap_ok(o.title == NULL && o.width == 900 && o.height == 560, "figure/options-init");
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
        }
        else if (strcmp(r->category, "rare") == 0)
            tap_ok(r->conversations == 0 && isnan(bars[i].y_mean) && isnan(bars[i].y_ci_low),
                   "figure/special/empty-row-has-no-bar");
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
        rc = sentraj_figure_write_png(full, "out.png", fx.a, NULL, &err);
        tap_ok(rc == SENTRAJ_EIO && err.code == SENTRAJ_EIO, "figure/errors/png-to-dev-full");
        tap_eq_str(err.source, "out.png", "figure/errors/png-to-dev-full-source");
        clearerr(full);
        memset(&err, 0, sizeof err);
        rc = sentraj_figure_write_svg(full, "out.svg", fx.a, NULL, &err);
        tap_ok(rc == SENTRAJ_EIO && err.code == SENTRAJ_EIO && strcmp(err.source, "out.svg") == 0,
               "figure/errors/svg-to-dev-full");
        fclose(full);
    } else {
        tap_skip("figure/errors/png-to-dev-full", "no /dev/full");
        tap_skip("figure/errors/svg-to-dev-full", "no /dev/full");
    }

    sentraj_figure_options_init(&o);
    o.width = 0;
    memset(&err, 0, sizeof err);
    rc = sentraj_figure_write_png(stdout, "out.png", fx.a, &o, &err);
    tap_ok(rc == SENTRAJ_EUSAGE && err.code == SENTRAJ_EUSAGE, "figure/errors/zero-width");
    o.width = 900;
    o.height = 100000;
    rc = sentraj_figure_write_svg(stdout, "out.svg", fx.a, &o, NULL);
    tap_ok(rc == SENTRAJ_EUSAGE, "figure/errors/huge-height");
    rc = sentraj_figure_write_png(stdout, "out.png", NULL, NULL, NULL);
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
    test_errors();
    /* Drop cairo's font caches so leak checkers see only real leaks. */
    cairo_debug_reset_static_data();
    return tap_done();
}
