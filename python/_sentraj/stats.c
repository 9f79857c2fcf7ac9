/* stats.c - the extension's functions for the statistics commands: compare, test, transitions, sensitivity, by-start. */
#include "ext.h"

#include <stdlib.h>

/* Each function takes a finished data set and the config (with the
 * command's own options after them), computes with the GIL released and
 * Ctrl-C caught, and returns a handle whose rows columns() turns into the
 * command's CSV columns. */

/* The handle of a computed result, or the library's error raised. */
static PyObject *finish(call *c, handle_kind kind, void *result, const sentraj_error *err)
{
    if (call_end(c) != 0 || !result) {
        if (result)
            handle_free(kind, result);
        return raise_error(err);
    }
    return handle_new(kind, result);
}

/* A list of str as an array of borrowed UTF-8 pointers (NULL for None):
 * the count, or -1 with an exception set. */
static Py_ssize_t strings_of(PyObject *list, const char ***out)
{
    Py_ssize_t n;

    *out = NULL;
    if (list == Py_None)
        return 0;
    if (!PyList_Check(list)) {
        PyErr_SetString(PyExc_TypeError, "expected a list of str");
        return -1;
    }
    n = PyList_GET_SIZE(list);
    if (!(*out = calloc((size_t)n + 1, sizeof **out))) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (!((*out)[i] = PyUnicode_AsUTF8(PyList_GET_ITEM(list, i)))) {
            free(*out);
            *out = NULL;
            return -1;
        }
    return n;
}

/* A list of int as size_t values: the count, or -1 with an exception set. */
static Py_ssize_t sizes_of(PyObject *list, size_t **out)
{
    Py_ssize_t n;

    *out = NULL;
    if (list == Py_None)
        return 0;
    if (!PyList_Check(list)) {
        PyErr_SetString(PyExc_TypeError, "expected a list of int");
        return -1;
    }
    n = PyList_GET_SIZE(list);
    if (!(*out = calloc((size_t)n + 1, sizeof **out))) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        (*out)[i] = PyLong_AsSize_t(PyList_GET_ITEM(list, i));
        if (PyErr_Occurred()) {
            free(*out);
            *out = NULL;
            return -1;
        }
    }
    return n;
}

/* compare(dataset, config, reference, pairs) -> compare; pairs a flat list a, b, a, b, ... or None */
static PyObject *py_compare(PyObject *self, PyObject *args)
{
    PyObject *src, *cfgd, *pairs_o;
    const char *reference;
    const char **pairs = NULL;
    sentraj_compare_options co;
    sentraj_config cfg;
    sentraj_dataset *ds;
    sentraj_compare *r;
    sentraj_error err;
    Py_ssize_t n;
    call c;

    (void)self;
    if (!PyArg_ParseTuple(args, "OOzO", &src, &cfgd, &reference, &pairs_o) || !(ds = handle_get(src, H_DATASET)) ||
        config_from(cfgd, &cfg) != 0 || (n = strings_of(pairs_o, &pairs)) < 0)
        return NULL;
    sentraj_compare_options_init(&co);
    co.reference = reference;
    co.pairs = pairs;
    co.npairs = (size_t)n / 2;
    call_begin(&c, &cfg);
    Py_BEGIN_ALLOW_THREADS
    r = sentraj_compare_compute(ds, &cfg, &co, &err);
    Py_END_ALLOW_THREADS
    free(pairs);
    return finish(&c, H_COMPARE, r, &err);
}

/* test(dataset, config) -> test */
static PyObject *py_test(PyObject *self, PyObject *args)
{
    PyObject *src, *cfgd;
    sentraj_config cfg;
    sentraj_dataset *ds;
    sentraj_test *r;
    sentraj_error err;
    call c;

    (void)self;
    if (!PyArg_ParseTuple(args, "OO", &src, &cfgd) || !(ds = handle_get(src, H_DATASET)) ||
        config_from(cfgd, &cfg) != 0)
        return NULL;
    call_begin(&c, &cfg);
    Py_BEGIN_ALLOW_THREADS
    r = sentraj_test_compute(ds, &cfg, &err);
    Py_END_ALLOW_THREADS
    return finish(&c, H_TEST, r, &err);
}

/* The data set and scale of (dataset, scale or None, config). */
static int with_scale(PyObject *args, sentraj_dataset **ds, sentraj_scale **scale, sentraj_config *cfg)
{
    PyObject *src, *scale_h, *cfgd;

    if (!PyArg_ParseTuple(args, "OOO", &src, &scale_h, &cfgd) || !(*ds = handle_get(src, H_DATASET)) ||
        config_from(cfgd, cfg) != 0)
        return -1;
    *scale = NULL;
    if (scale_h != Py_None && !(*scale = handle_get(scale_h, H_SCALE)))
        return -1;
    return 0;
}

/* transitions(dataset, scale, config) -> transitions */
static PyObject *py_transitions(PyObject *self, PyObject *args)
{
    sentraj_config cfg;
    sentraj_dataset *ds;
    sentraj_scale *scale;
    sentraj_transitions *r;
    sentraj_error err;
    call c;

    (void)self;
    if (with_scale(args, &ds, &scale, &cfg) != 0)
        return NULL;
    call_begin(&c, &cfg);
    Py_BEGIN_ALLOW_THREADS
    r = sentraj_transitions_compute(ds, scale, &cfg, &err);
    Py_END_ALLOW_THREADS
    return finish(&c, H_TRANSITIONS, r, &err);
}

/* analysis_by_start(dataset, scale, config) -> analysis */
static PyObject *py_analysis_by_start(PyObject *self, PyObject *args)
{
    sentraj_config cfg;
    sentraj_dataset *ds;
    sentraj_scale *scale;
    sentraj_analysis *r;
    sentraj_error err;
    call c;

    (void)self;
    if (with_scale(args, &ds, &scale, &cfg) != 0)
        return NULL;
    call_begin(&c, &cfg);
    Py_BEGIN_ALLOW_THREADS
    r = sentraj_analysis_compute_by_start(ds, scale, &cfg, &err);
    Py_END_ALLOW_THREADS
    return finish(&c, H_ANALYSIS, r, &err);
}

/* sensitivity(dataset, config, windows, min_humans) -> sensitivity; None: the library's grid */
static PyObject *py_sensitivity(PyObject *self, PyObject *args)
{
    PyObject *src, *cfgd, *w_o, *m_o;
    size_t *w = NULL, *m = NULL;
    sentraj_sensitivity_options so;
    sentraj_config cfg;
    sentraj_dataset *ds;
    sentraj_sensitivity *r;
    sentraj_error err;
    Py_ssize_t nw, nm;
    call c;

    (void)self;
    if (!PyArg_ParseTuple(args, "OOOO", &src, &cfgd, &w_o, &m_o) || !(ds = handle_get(src, H_DATASET)) ||
        config_from(cfgd, &cfg) != 0 || (nw = sizes_of(w_o, &w)) < 0)
        return NULL;
    if ((nm = sizes_of(m_o, &m)) < 0) {
        free(w);
        return NULL;
    }
    sentraj_sensitivity_options_init(&so);
    so.windows = nw ? w : NULL;
    so.nwindows = (size_t)nw;
    so.min_humans = nm ? m : NULL;
    so.nmin_humans = (size_t)nm;
    call_begin(&c, &cfg);
    Py_BEGIN_ALLOW_THREADS
    r = sentraj_sensitivity_compute(ds, &cfg, &so, &err);
    Py_END_ALLOW_THREADS
    free(w);
    free(m);
    return finish(&c, H_SENSITIVITY, r, &err);
}

/* parse_statistic(text) -> (name, trim or None): ValueError with the library's message */
static PyObject *py_parse_statistic(PyObject *self, PyObject *arg)
{
    const char *s = PyUnicode_AsUTF8(arg);
    sentraj_statistic st;
    sentraj_error err;
    double trim = -1;

    (void)self;
    if (!s)
        return NULL;
    if (sentraj_statistic_parse(s, &st, &trim, &err) != SENTRAJ_OK) {
        PyErr_SetString(PyExc_ValueError, err.message);
        return NULL;
    }
    if (trim < 0)
        return Py_BuildValue("(sO)", sentraj_statistic_name(st), Py_None);
    return Py_BuildValue("(sd)", sentraj_statistic_name(st), trim);
}

PyMethodDef stats_methods[] = {
    {"compare", py_compare, METH_VARARGS, "compare(dataset, config, reference, pairs) -> compare"},
    {"test", py_test, METH_VARARGS, "test(dataset, config) -> test"},
    {"transitions", py_transitions, METH_VARARGS, "transitions(dataset, scale, config) -> transitions"},
    {"analysis_by_start", py_analysis_by_start, METH_VARARGS, "analysis_by_start(dataset, scale, config) -> analysis"},
    {"sensitivity", py_sensitivity, METH_VARARGS, "sensitivity(dataset, config, windows, min_humans) -> sensitivity"},
    {"parse_statistic", py_parse_statistic, METH_O, "parse_statistic(text) -> (name, trim or None)"},
    {NULL, NULL, 0, NULL},
};
