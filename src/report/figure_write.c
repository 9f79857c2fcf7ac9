/* figure_write.c - a figure's options checked, and a chart written as PNG, SVG or PDF (see figure_write.h). */
#include "report/figure_write.h"

#include "core/error.h"
#include "core/namelist.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

enum {
    MIN_SIZE = 100,  /* smallest width or height accepted */
    MAX_SIZE = 8192, /* largest, in points and in PNG pixels: an 8192^2 image is already 256 MiB */
    MIN_DPI = 10,
    MAX_DPI = 2400
};

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

/* The PNG's pixel size for o. */
static void png_size(const sentraj_figure_options *o, long *pw, long *ph)
{
    *pw = lround(o->width * (double)o->dpi / 72.0);
    *ph = lround(o->height * (double)o->dpi / 72.0);
}

int figure_check_size(double w, double h)
{
    return w >= MIN_SIZE && w <= MAX_SIZE && h >= MIN_SIZE && h <= MAX_SIZE;
}

/* Size, dpi and the PNG size of o. */
static int check_dims(const sentraj_figure_options *o, const char *source, sentraj_error *err)
{
    long pw, ph;

    if (!figure_check_size(o->width, o->height))
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
                       const figure_names *known, const char *source, sentraj_error *err)
{
    namelist unknown, all;

    memset(&unknown, 0, sizeof unknown);
    for (size_t i = 0; i < n; i++) {
        const char *s = names ? names[i] : labels[i].category;
        if (figure_names_find(known, s) == known->count)
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

int figure_check_names(const sentraj_figure_options *o, const figure_names *known, const char *source,
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

int figure_check_options(const sentraj_figure_options *o, const figure_names *known, const char *source,
                         sentraj_error *err)
{
    int rc = check_dims(o, source, err);

    return rc == SENTRAJ_OK ? figure_check_names(o, known, source, err) : rc;
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
    if (st == CAIRO_STATUS_NO_MEMORY)
        return sentraj_raise(err, SENTRAJ_ENOMEM, name, 0, 0, "out of memory (drawing the %s figure)", what);
    return sentraj_raise(err, SENTRAJ_EINTERNAL, name, 0, 0, "cairo failed drawing the %s figure: %s", what,
                         cairo_status_to_string(st));
}

/* Report the failure of a chart's draw function on cr. */
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
static int write_png(FILE *f, const char *name, const figure_chart *chart, const void *subject,
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
static int write_vector(int pdf, FILE *f, const char *name, const figure_chart *chart, const void *subject,
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
    memset(o, 0, sizeof *o);
    o->title = NULL;
    o->width = 900;
    o->height = 560;
    o->dpi = 72;
    o->order = NULL;
    o->norder = 0;
    o->labels = NULL;
    o->nlabels = 0;
}

int figure_check(const figure_chart *chart, const void *subject, const sentraj_figure_options *o, sentraj_error *err)
{
    sentraj_figure_options defaults;

    if (!o) {
        sentraj_figure_options_init(&defaults);
        o = &defaults;
    }
    return chart->check(subject, o, NULL, err);
}

int figure_write(const figure_chart *chart, figure_format format, FILE *f, const char *name, const void *subject,
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
    if (format == FIGURE_PNG)
        return write_png(f, name, chart, subject, o, err);
    return write_vector(format == FIGURE_PDF, f, name, chart, subject, o, err);
}
