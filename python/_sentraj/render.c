/* render.c - figures drawn into memory (PNG, SVG, PDF bytes), their checks, and rows put in a given order. */
#include "ext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*write_fn)(FILE *f, const char *name, const void *r, const sentraj_figure_options *o,
                        sentraj_error *err);
typedef int (*check_fn)(const void *r, const sentraj_figure_options *o, sentraj_error *err);
typedef int (*reorder_fn)(void *r, const char *const *names, size_t n, sentraj_error *err);

/* What a result kind can be drawn with: its checks and its three writers,
 * in the order of the formats below, and (NULL for none) how its rows are
 * put in a given order. To draw a new result: an entry. */
typedef struct drawable {
    handle_kind kind;
    const char *name; /* as the package calls the figure */
    check_fn check;
    write_fn write[3];
    reorder_fn reorder;
} drawable;

static const char *const formats[3] = {"png", "svg", "pdf"};

/* The library's typed checks and writers behind the signatures above. */
#define DRAW_WRITERS(prefix)                                                                                            \
    static int prefix##_check(const void *r, const sentraj_figure_options *o, sentraj_error *err)                       \
    {                                                                                                                   \
        return sentraj_##prefix##_check_figure(r, o, err);                                                              \
    }                                                                                                                   \
    static int prefix##_png(FILE *f, const char *name, const void *r, const sentraj_figure_options *o,                  \
                            sentraj_error *err)                                                                         \
    {                                                                                                                   \
        return sentraj_##prefix##_write_png(f, name, r, o, err);                                                        \
    }                                                                                                                   \
    static int prefix##_svg(FILE *f, const char *name, const void *r, const sentraj_figure_options *o,                  \
                            sentraj_error *err)                                                                         \
    {                                                                                                                   \
        return sentraj_##prefix##_write_svg(f, name, r, o, err);                                                        \
    }                                                                                                                   \
    static int prefix##_pdf(FILE *f, const char *name, const void *r, const sentraj_figure_options *o,                  \
                            sentraj_error *err)                                                                         \
    {                                                                                                                   \
        return sentraj_##prefix##_write_pdf(f, name, r, o, err);                                                        \
    }

#define DRAW_ADAPTERS(prefix, T)                                                                                        \
    DRAW_WRITERS(prefix)                                                                                                \
    static int prefix##_reorder(void *r, const char *const *names, size_t n, sentraj_error *err)                        \
    {                                                                                                                   \
        return sentraj_##prefix##_reorder((T *)r, names, n, err);                                                       \
    }

DRAW_ADAPTERS(analysis, sentraj_analysis)
DRAW_ADAPTERS(positions, sentraj_positions)
DRAW_WRITERS(compare)
DRAW_WRITERS(transitions)
DRAW_WRITERS(sensitivity)

static const drawable drawables[] = {
    {H_ANALYSIS, "figure4", analysis_check, {analysis_png, analysis_svg, analysis_pdf}, analysis_reorder},
    {H_POSITIONS, "positions", positions_check, {positions_png, positions_svg, positions_pdf}, positions_reorder},
    {H_COMPARE, "compare", compare_check, {compare_png, compare_svg, compare_pdf}, NULL},
    {H_TRANSITIONS, "transitions", transitions_check, {transitions_png, transitions_svg, transitions_pdf}, NULL},
    {H_SENSITIVITY, "sensitivity", sensitivity_check, {sensitivity_png, sensitivity_svg, sensitivity_pdf}, NULL},
};

static const drawable *drawable_of(PyObject *handle, const char *name)
{
    int kind = handle == Py_None ? -1 : handle_kind_of(handle);
    for (size_t i = 0; i < sizeof drawables / sizeof drawables[0]; i++)
        if (kind == (int)drawables[i].kind || (kind < 0 && name && strcmp(name, drawables[i].name) == 0))
            return &drawables[i];
    PyErr_SetString(PyExc_TypeError, "expected a figure name or a result that has a figure");
    return NULL;
}

/* A list of str as a malloc'ed array of borrowed UTF-8 strings (the list
 * must outlive it); *n gets the length. NULL for None (*n = 0) or on error. */
static const char **strings_of(PyObject *list, size_t *n, int *failed)
{
    const char **out;
    *n = 0;
    *failed = 0;
    if (list == Py_None)
        return NULL;
    if (!PyList_Check(list)) {
        PyErr_SetString(PyExc_TypeError, "expected a list of str");
        *failed = 1;
        return NULL;
    }
    if (!(out = calloc((size_t)PyList_GET_SIZE(list) + 1, sizeof *out))) {
        PyErr_NoMemory();
        *failed = 1;
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        if (!(out[i] = PyUnicode_AsUTF8(PyList_GET_ITEM(list, i)))) {
            free(out);
            *failed = 1;
            return NULL;
        }
    }
    *n = (size_t)PyList_GET_SIZE(list);
    return out;
}

/* The figure options from (figure dict, order list or None, labels as a
 * flat list [category, text, ...] or None). The arrays it allocates are
 * freed by figure_free; their strings are borrowed from the arguments. */
typedef struct figure {
    sentraj_figure_options fo;
    const char **order;
    const char **flat;
    sentraj_figure_label *labels;
} figure;

static void figure_free(figure *f)
{
    free(f->order);
    free(f->flat);
    free(f->labels);
}

static int figure_from(PyObject *figd, PyObject *order, PyObject *labels, figure *f)
{
    size_t n;
    int failed;

    memset(f, 0, sizeof *f);
    sentraj_figure_options_init(&f->fo);
    if (fields_apply(G_FIGURE, figd, &f->fo) != 0)
        return -1;
    f->order = strings_of(order, &f->fo.norder, &failed);
    f->fo.order = f->order;
    if (failed)
        return -1;
    f->flat = strings_of(labels, &n, &failed);
    if (failed)
        return -1;
    if (n) {
        if (!(f->labels = calloc(n / 2, sizeof *f->labels))) {
            PyErr_NoMemory();
            return -1;
        }
        for (size_t i = 0; i + 1 < n; i += 2)
            f->labels[i / 2] = (sentraj_figure_label){f->flat[i], f->flat[i + 1]};
        f->fo.labels = f->labels;
        f->fo.nlabels = n / 2;
    }
    return 0;
}

/* check_figure(result or figure name, figure, order, labels): ValueError
 * (a usage error) when the options cannot draw it. */
static PyObject *py_check_figure(PyObject *self, PyObject *args)
{
    PyObject *handle, *figd, *order, *labels;
    const drawable *d;
    figure f;
    sentraj_error err;
    int rc;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOOO", &handle, &figd, &order, &labels))
        return NULL;
    if (!(d = drawable_of(handle, PyUnicode_Check(handle) ? PyUnicode_AsUTF8(handle) : NULL)))
        return NULL;
    if (figure_from(figd, order, labels, &f) != 0) {
        figure_free(&f);
        return NULL;
    }
    rc = d->check(PyUnicode_Check(handle) ? NULL : handle_get(handle, d->kind), &f.fo, &err);
    figure_free(&f);
    if (rc != SENTRAJ_OK)
        return raise_error(&err);
    Py_RETURN_NONE;
}

/* render(result, format, figure, order, labels) -> bytes */
static PyObject *py_render(PyObject *self, PyObject *args)
{
    PyObject *handle, *figd, *order, *labels, *out = NULL;
    const char *format;
    const drawable *d;
    figure f;
    sentraj_error err;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem;
    int k = 0, rc;
    void *r;
    (void)self;
    if (!PyArg_ParseTuple(args, "OsOOO", &handle, &format, &figd, &order, &labels) || !(d = drawable_of(handle, NULL)) ||
        !(r = handle_get(handle, d->kind)))
        return NULL;
    while (k < 3 && strcmp(formats[k], format) != 0)
        k++;
    if (k == 3) {
        PyErr_Format(PyExc_ValueError, "unknown figure format \"%s\" (expected png, svg or pdf)", format);
        return NULL;
    }
    if (figure_from(figd, order, labels, &f) != 0 || !(mem = open_memstream(&buf, &len))) {
        figure_free(&f);
        return PyErr_Occurred() ? NULL : PyErr_NoMemory();
    }
    memset(&err, 0, sizeof err);
    Py_BEGIN_ALLOW_THREADS
    rc = d->write[k](mem, "<memory>", r, &f.fo, &err);
    if (fclose(mem) != 0 && rc == SENTRAJ_OK)
        rc = SENTRAJ_ENOMEM;
    Py_END_ALLOW_THREADS
    figure_free(&f);
    if (rc == SENTRAJ_OK)
        out = PyBytes_FromStringAndSize(buf, (Py_ssize_t)len);
    else if (!err.code)
        PyErr_NoMemory();
    else
        raise_error(&err);
    free(buf);
    return out;
}

/* reorder(result, names): the rows named first, in that order. */
static PyObject *py_reorder(PyObject *self, PyObject *args)
{
    PyObject *handle, *names;
    const drawable *d;
    const char **list;
    size_t n;
    int failed, rc;
    sentraj_error err;
    (void)self;
    if (!PyArg_ParseTuple(args, "OO", &handle, &names) || !(d = drawable_of(handle, NULL)))
        return NULL;
    if (!d->reorder) {
        PyErr_SetString(PyExc_TypeError, "this result's rows cannot be reordered");
        return NULL;
    }
    list = strings_of(names, &n, &failed);
    if (failed)
        return NULL;
    rc = d->reorder(handle_get(handle, d->kind), list, n, &err);
    free(list);
    if (rc != SENTRAJ_OK)
        return raise_error(&err);
    Py_RETURN_NONE;
}

PyMethodDef render_methods[] = {
    {"check_figure", py_check_figure, METH_VARARGS, "check_figure(result or name, figure, order, labels)"},
    {"render", py_render, METH_VARARGS, "render(result, format, figure, order, labels) -> bytes"},
    {"reorder", py_reorder, METH_VARARGS, "reorder(result, names)"},
    {NULL, NULL, 0, NULL},
};
