/* summaries.c - the extension's functions for summaries (read, made, merged, checked, written) and label scales. */
#include "ext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A path argument, encoded for the file system. */
static int path_arg(PyObject *o, PyObject **bytes)
{
    return PyUnicode_FSConverter(o, bytes) ? 0 : -1;
}

/* summary_detect(path) -> bool */
static PyObject *py_summary_detect(PyObject *self, PyObject *arg)
{
    PyObject *b;
    int yes;
    (void)self;
    if (path_arg(arg, &b) != 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    yes = sentraj_summary_detect(PyBytes_AS_STRING(b));
    Py_END_ALLOW_THREADS
    Py_DECREF(b);
    return PyBool_FromLong(yes);
}

/* summary_read(path) -> summary */
static PyObject *py_summary_read(PyObject *self, PyObject *arg)
{
    PyObject *b;
    sentraj_summary *s;
    sentraj_error err;
    call c;
    (void)self;
    if (path_arg(arg, &b) != 0)
        return NULL;
    call_begin(&c, NULL);
    Py_BEGIN_ALLOW_THREADS
    s = sentraj_summary_read(PyBytes_AS_STRING(b), &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(b);
    if (call_end(&c) != 0 || !s) {
        sentraj_summary_free(s);
        return raise_error(&err);
    }
    return handle_new(H_SUMMARY, s);
}

/* summary_compute(dataset, scale or None) -> summary */
static PyObject *py_summary_compute(PyObject *self, PyObject *args)
{
    PyObject *ds_h, *scale_h;
    sentraj_dataset *ds;
    sentraj_scale *scale = NULL;
    sentraj_summary *s;
    sentraj_error err;
    (void)self;
    if (!PyArg_ParseTuple(args, "OO", &ds_h, &scale_h) || !(ds = handle_get(ds_h, H_DATASET)) ||
        (scale_h != Py_None && !(scale = handle_get(scale_h, H_SCALE))))
        return NULL;
    if (!(s = sentraj_summary_compute(ds, scale, &err)))
        return raise_error(&err);
    return handle_new(H_SUMMARY, s);
}

/* The canonical text of s, malloc'ed into *text: SENTRAJ_OK, or an error
 * (SENTRAJ_ENOMEM with err left alone when the memory stream failed). */
static int summary_text(const sentraj_summary *s, char **text, size_t *len, sentraj_error *err)
{
    FILE *f = open_memstream(text, len);
    int rc;
    if (!f) {
        *text = NULL;
        return SENTRAJ_ENOMEM;
    }
    rc = sentraj_summary_write_csv(f, "<summary>", s, err);
    if (fclose(f) != 0 && rc == SENTRAJ_OK)
        rc = SENTRAJ_ENOMEM;
    return rc;
}

/* summary_csv(summary) -> bytes: the file sentraj summarize writes. */
static PyObject *py_summary_csv(PyObject *self, PyObject *arg)
{
    sentraj_summary *s = handle_get(arg, H_SUMMARY);
    sentraj_error err;
    char *text = NULL;
    size_t len = 0;
    PyObject *out;
    (void)self;
    if (!s)
        return NULL;
    memset(&err, 0, sizeof err);
    if (summary_text(s, &text, &len, &err) != SENTRAJ_OK) {
        free(text);
        if (!err.code)
            return PyErr_NoMemory();
        return raise_error(&err);
    }
    out = PyBytes_FromStringAndSize(text, (Py_ssize_t)len);
    free(text);
    return out;
}

/* summary_copy(summary) -> a new summary with the same contents (merging
 * changes its target, and Python's Summary objects do not change). */
static PyObject *py_summary_copy(PyObject *self, PyObject *arg)
{
    sentraj_summary *s = handle_get(arg, H_SUMMARY), *copy;
    sentraj_error err;
    char *text = NULL;
    size_t len = 0;
    (void)self;
    if (!s)
        return NULL;
    memset(&err, 0, sizeof err);
    if (summary_text(s, &text, &len, &err) != SENTRAJ_OK) {
        free(text);
        return err.code ? raise_error(&err) : PyErr_NoMemory();
    }
    copy = sentraj_summary_parse(text, len, "<summary>", &err);
    free(text);
    if (!copy)
        return raise_error(&err);
    return handle_new(H_SUMMARY, copy);
}

/* summary_merge(into, from): adds from's counts into into. */
static PyObject *py_summary_merge(PyObject *self, PyObject *args)
{
    PyObject *a, *b;
    sentraj_summary *into, *from;
    sentraj_error err;
    (void)self;
    if (!PyArg_ParseTuple(args, "OO", &a, &b) || !(into = handle_get(a, H_SUMMARY)) || !(from = handle_get(b, H_SUMMARY)))
        return NULL;
    if (sentraj_summary_merge(into, from, &err) != SENTRAJ_OK)
        return raise_error(&err);
    Py_RETURN_NONE;
}

/* summary_check(summary, config, scale or None) */
static PyObject *py_summary_check(PyObject *self, PyObject *args)
{
    PyObject *a, *cfgd, *scale_h;
    sentraj_summary *s;
    sentraj_scale *scale = NULL;
    sentraj_config cfg;
    sentraj_error err;
    (void)self;
    if (!PyArg_ParseTuple(args, "OOO", &a, &cfgd, &scale_h) || !(s = handle_get(a, H_SUMMARY)) ||
        config_from(cfgd, &cfg) != 0 || (scale_h != Py_None && !(scale = handle_get(scale_h, H_SCALE))))
        return NULL;
    if (sentraj_summary_check(s, &cfg, scale, &err) != SENTRAJ_OK)
        return raise_error(&err);
    Py_RETURN_NONE;
}

/* summary_info(summary) -> dict: window, min_human, denominator, counts,
 * scale [(label, value)], categories [names]. */
static PyObject *py_summary_info(PyObject *self, PyObject *arg)
{
    sentraj_summary *s = handle_get(arg, H_SUMMARY);
    PyObject *scale, *cats;
    (void)self;
    if (!s)
        return NULL;
    scale = PyList_New(0);
    cats = PyList_New(0);
    for (size_t i = 0; scale && i < sentraj_summary_scale_size(s); i++) {
        const char *label;
        double value;
        PyObject *item;
        sentraj_summary_scale_entry(s, i, &label, &value);
        item = Py_BuildValue("(sd)", label, value);
        if (!item || PyList_Append(scale, item) != 0)
            Py_CLEAR(scale);
        Py_XDECREF(item);
    }
    for (size_t i = 0; cats && i < sentraj_summary_categories(s); i++) {
        const char *name = sentraj_summary_category(s, i);
        PyObject *item = PyUnicode_DecodeUTF8(name, (Py_ssize_t)strlen(name), "replace");
        if (!item || PyList_Append(cats, item) != 0)
            Py_CLEAR(cats);
        Py_XDECREF(item);
    }
    if (!scale || !cats) {
        Py_XDECREF(scale);
        Py_XDECREF(cats);
        return NULL;
    }
    return Py_BuildValue("{snsnsLsNsNsN}", "window", (Py_ssize_t)sentraj_summary_window(s), "min_human",
                         (Py_ssize_t)sentraj_summary_min_human(s), "denominator",
                         (long long)sentraj_summary_denominator(s), "counts", counts_dict(sentraj_summary_counts(s)),
                         "scale", scale, "categories", cats);
}

/* scale(points or path or (text, name)) -> scale: a built-in scale of 3,
 * 5 or 7 points, a scale file, or a scale's text. */
static PyObject *py_scale(PyObject *self, PyObject *arg)
{
    sentraj_scale *scale;
    sentraj_error err;
    (void)self;
    if (PyLong_Check(arg)) {
        long points = PyLong_AsLong(arg);
        if (points == -1 && PyErr_Occurred())
            return NULL;
        scale = sentraj_scale_builtin((int)(points < 0 || points > 100 ? 0 : points), &err);
    } else if (PyTuple_Check(arg)) {
        const char *text, *name;
        Py_ssize_t len;
        if (!PyArg_ParseTuple(arg, "s#s", &text, &len, &name))
            return NULL;
        scale = sentraj_scale_parse(text, (size_t)len, name, &err);
    } else {
        PyObject *b;
        if (path_arg(arg, &b) != 0)
            return NULL;
        scale = sentraj_scale_read(PyBytes_AS_STRING(b), &err);
        Py_DECREF(b);
    }
    if (!scale)
        return raise_error(&err);
    return handle_new(H_SCALE, scale);
}

/* scale_entries(scale) -> [(label, value)] in the scale's order. */
static PyObject *py_scale_entries(PyObject *self, PyObject *arg)
{
    sentraj_scale *scale = handle_get(arg, H_SCALE);
    PyObject *out;
    (void)self;
    if (!scale || !(out = PyList_New(0)))
        return NULL;
    for (size_t i = 0; i < sentraj_scale_size(scale); i++) {
        const char *label;
        double value;
        PyObject *item;
        sentraj_scale_entry(scale, i, &label, &value);
        item = Py_BuildValue("(sd)", label, value);
        if (!item || PyList_Append(out, item) != 0) {
            Py_XDECREF(item);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(item);
    }
    return out;
}

PyMethodDef summary_methods[] = {
    {"summary_detect", py_summary_detect, METH_O, "summary_detect(path) -> bool"},
    {"summary_read", py_summary_read, METH_O, "summary_read(path) -> summary"},
    {"summary_compute", py_summary_compute, METH_VARARGS, "summary_compute(dataset, scale) -> summary"},
    {"summary_csv", py_summary_csv, METH_O, "summary_csv(summary) -> bytes"},
    {"summary_copy", py_summary_copy, METH_O, "summary_copy(summary) -> summary"},
    {"summary_merge", py_summary_merge, METH_VARARGS, "summary_merge(into, from)"},
    {"summary_check", py_summary_check, METH_VARARGS, "summary_check(summary, config, scale)"},
    {"summary_info", py_summary_info, METH_O, "summary_info(summary) -> dict"},
    {"scale", py_scale, METH_O, "scale(points | path | (text, name)) -> scale"},
    {"scale_entries", py_scale_entries, METH_O, "scale_entries(scale) -> [(label, value)]"},
    {NULL, NULL, 0, NULL},
};
