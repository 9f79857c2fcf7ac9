/* compute.c - the extension's functions that read data, compute results and handle summaries and scales. */
#include "ext.h"

#include <stdlib.h>
#include <string.h>

/* One input of a data set: a path, or CSV text in memory with its name. */
typedef struct source {
    const char *path;
    const char *data;
    size_t len;
    const char *name;
} source;

/* The inputs list's items as sources: str (a path, encoded for the file
 * system into *keep) or (bytes, name). Returns the count, or -1. */
static Py_ssize_t sources_of(PyObject *inputs, source **out, PyObject **keep)
{
    Py_ssize_t n;
    source *s;

    if (!PyList_Check(inputs)) {
        PyErr_SetString(PyExc_TypeError, "inputs must be a list");
        return -1;
    }
    n = PyList_GET_SIZE(inputs);
    if (!(*keep = PyList_New(0)) || !(s = calloc((size_t)n + 1, sizeof *s))) {
        Py_CLEAR(*keep);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(inputs, i), *bytes = NULL;
        if (PyTuple_Check(item)) {
            PyObject *text;
            Py_ssize_t len;
            if (!PyArg_ParseTuple(item, "Os", &text, &s[i].name) ||
                PyBytes_AsStringAndSize(text, (char **)&s[i].data, &len) != 0)
                goto fail;
            s[i].len = (size_t)len;
        } else if (!PyUnicode_FSConverter(item, &bytes) || PyList_Append(*keep, bytes) != 0) {
            Py_XDECREF(bytes);
            goto fail;
        } else {
            s[i].path = PyBytes_AS_STRING(bytes);
            Py_DECREF(bytes);
        }
    }
    *out = s;
    return n;
fail:
    free(s);
    Py_CLEAR(*keep);
    return -1;
}

/* Read every source, join a categories table, finish: with the GIL released. */
static int read_all(sentraj_dataset *ds, const source *s, Py_ssize_t n, const char *categories, sentraj_error *err)
{
    int rc = SENTRAJ_OK;
    for (Py_ssize_t i = 0; i < n && rc == SENTRAJ_OK; i++)
        rc = s[i].path ? sentraj_dataset_read(ds, s[i].path, err)
                       : sentraj_dataset_read_csv_buffer(ds, s[i].data, s[i].len, s[i].name, err);
    if (rc == SENTRAJ_OK && categories)
        rc = sentraj_dataset_read_categories(ds, categories, err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_dataset_finish(ds, err);
    return rc;
}

/* What the command line reports about a finished data set. */
static PyObject *dataset_info(const sentraj_dataset *ds)
{
    const char *by = sentraj_dataset_cluster_by(ds);
    return Py_BuildValue("{sNsisssn}", "counts", counts_dict(sentraj_dataset_counts(ds)), "smaller_scale",
                         sentraj_dataset_smaller_scale(ds), "cluster_by", by, "clusters",
                         (Py_ssize_t)sentraj_dataset_clusters(ds));
}

/* read(inputs, config, input, scale, categories) -> (dataset, info) */
static PyObject *py_read(PyObject *self, PyObject *args)
{
    PyObject *inputs, *cfgd, *ind, *scale_h, *cats_o, *keep = NULL, *cats_b = NULL, *ds_h, *info;
    sentraj_config cfg;
    sentraj_input_options in;
    sentraj_dataset *ds = NULL;
    sentraj_error err;
    source *src = NULL;
    Py_ssize_t n;
    call c;
    int rc;

    (void)self;
    if (!PyArg_ParseTuple(args, "OOOOO", &inputs, &cfgd, &ind, &scale_h, &cats_o) || config_from(cfgd, &cfg) != 0)
        return NULL;
    sentraj_input_options_init(&in);
    if (fields_apply(G_INPUT, ind, &in) != 0)
        return NULL;
    if (scale_h != Py_None && !(in.scale = handle_get(scale_h, H_SCALE)))
        return NULL;
    if (cats_o != Py_None && !PyUnicode_FSConverter(cats_o, &cats_b))
        return NULL;
    if ((n = sources_of(inputs, &src, &keep)) < 0)
        goto fail;
    if (!(ds = sentraj_dataset_alloc(&cfg, &err)) || sentraj_dataset_set_input(ds, &in, &err) != SENTRAJ_OK) {
        raise_error(&err);
        goto fail;
    }
    call_begin(&c, NULL);
    Py_BEGIN_ALLOW_THREADS
    rc = read_all(ds, src, n, cats_b ? PyBytes_AS_STRING(cats_b) : NULL, &err);
    Py_END_ALLOW_THREADS
    if (call_end(&c) != 0 || rc != SENTRAJ_OK) {
        raise_error(&err);
        goto fail;
    }
    free(src);
    Py_XDECREF(keep);
    Py_XDECREF(cats_b);
    if (!(info = dataset_info(ds))) {
        sentraj_dataset_free(ds);
        return NULL;
    }
    if (!(ds_h = handle_new(H_DATASET, ds))) {
        Py_DECREF(info);
        return NULL;
    }
    return Py_BuildValue("(NN)", ds_h, info);
fail:
    sentraj_dataset_free(ds);
    free(src);
    Py_XDECREF(keep);
    Py_XDECREF(cats_b);
    return NULL;
}

/* deltas(dataset) -> columns */
static PyObject *py_deltas(PyObject *self, PyObject *arg)
{
    sentraj_dataset *ds = handle_get(arg, H_DATASET);
    (void)self;
    return ds ? columns_deltas(ds) : NULL;
}

/* analysis(dataset or summary, config) -> analysis */
static PyObject *py_analysis(PyObject *self, PyObject *args)
{
    PyObject *src, *cfgd;
    sentraj_config cfg;
    sentraj_analysis *a;
    sentraj_error err;
    int summary;
    void *p;
    call c;

    (void)self;
    if (!PyArg_ParseTuple(args, "OO", &src, &cfgd) || config_from(cfgd, &cfg) != 0)
        return NULL;
    summary = handle_kind_of(src) == H_SUMMARY;
    if (!(p = handle_get(src, summary ? H_SUMMARY : H_DATASET)))
        return NULL;
    call_begin(&c, &cfg);
    Py_BEGIN_ALLOW_THREADS
    a = summary ? sentraj_analysis_compute_summary(p, &cfg, &err) : sentraj_analysis_compute(p, &cfg, &err);
    Py_END_ALLOW_THREADS
    if (call_end(&c) != 0 || !a) {
        sentraj_analysis_free(a);
        return raise_error(&err);
    }
    return handle_new(H_ANALYSIS, a);
}

/* positions(dataset, config, positions) -> positions */
static PyObject *py_positions(PyObject *self, PyObject *args)
{
    PyObject *src, *cfgd, *posd;
    sentraj_config cfg;
    sentraj_positions_options po;
    sentraj_positions *p;
    sentraj_dataset *ds;
    sentraj_error err;
    call c;

    (void)self;
    if (!PyArg_ParseTuple(args, "OOO", &src, &cfgd, &posd) || !(ds = handle_get(src, H_DATASET)) ||
        config_from(cfgd, &cfg) != 0)
        return NULL;
    sentraj_positions_options_init(&po);
    if (fields_apply(G_POSITIONS, posd, &po) != 0)
        return NULL;
    call_begin(&c, &cfg);
    Py_BEGIN_ALLOW_THREADS
    p = sentraj_positions_compute(ds, &cfg, &po, &err);
    Py_END_ALLOW_THREADS
    if (call_end(&c) != 0 || !p) {
        sentraj_positions_free(p);
        return raise_error(&err);
    }
    return handle_new(H_POSITIONS, p);
}

/* columns(result) -> columns */
static PyObject *py_columns(PyObject *self, PyObject *arg)
{
    int kind = handle_kind_of(arg);
    (void)self;
    if (kind == H_SUMMARY)
        return columns_summary(handle_get(arg, H_SUMMARY));
    if (kind < 0 || kind == H_DATASET || kind == H_SCALE) {
        PyErr_SetString(PyExc_TypeError, "expected a result's handle");
        return NULL;
    }
    return columns_of((handle_kind)kind, handle_get(arg, (handle_kind)kind));
}

/* resamples(analysis) -> columns */
static PyObject *py_resamples(PyObject *self, PyObject *arg)
{
    sentraj_analysis *a = handle_get(arg, H_ANALYSIS);
    (void)self;
    return a ? columns_resamples(a) : NULL;
}

/* config_check(config): ValueError with the library's message. */
static PyObject *py_config_check(PyObject *self, PyObject *arg)
{
    sentraj_config cfg;
    sentraj_error err;
    (void)self;
    if (config_from(arg, &cfg) != 0)
        return NULL;
    if (sentraj_config_check(&cfg, &err) != SENTRAJ_OK)
        return raise_error(&err);
    Py_RETURN_NONE;
}

PyMethodDef compute_methods[] = {
    {"read", py_read, METH_VARARGS, "read(inputs, config, input, scale, categories) -> (dataset, info)"},
    {"deltas", py_deltas, METH_O, "deltas(dataset) -> columns"},
    {"analysis", py_analysis, METH_VARARGS, "analysis(dataset or summary, config) -> analysis"},
    {"positions", py_positions, METH_VARARGS, "positions(dataset, config, positions) -> positions"},
    {"columns", py_columns, METH_O, "columns(analysis, positions or summary) -> columns"},
    {"resamples", py_resamples, METH_O, "resamples(analysis) -> columns"},
    {"config_check", py_config_check, METH_O, "config_check(config)"},
    {NULL, NULL, 0, NULL},
};
