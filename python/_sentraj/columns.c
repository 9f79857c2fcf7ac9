/* columns.c - results as columns of their C values: the CSV reports' columns, without a text round trip. */
#include "ext.h"

#include <stddef.h>
#include <string.h>

/*
 * A result's columns are a table: each names a CSV column and where its
 * value is, in the row struct (or, for the options every row repeats, in
 * the result's config), and of what type. The tables list the columns in
 * the order of the library's CSV writer for that result
 * (src/report/csv.c); the package's tests compare every column with the
 * command's CSV. To bind a new result: its rows' accessors in a
 * result_rows entry and its column table.
 */

typedef enum col_type {
    C_STR,    /* const char * (NULL: "") */
    C_SIZE,   /* size_t, as int64 */
    C_U64,    /* uint64_t, as uint64 */
    C_I64,    /* int64_t */
    C_DOUBLE, /* double, NaN for a missing value */
    C_NAME,   /* an enum, written by its name */
    C_STAT,   /* the config's statistic as the reports write it ("trimmed:0.1"); of_config */
} col_type;

typedef struct column {
    const char *name;
    col_type type;
    size_t offset;
    int of_config;                /* 1: at offset in the result's sentraj_config, not in the row */
    const char *(*name_of)(int);  /* C_NAME */
} column;

static const char *engine_name(int v)
{
    return sentraj_engine_name((sentraj_engine)v);
}

static const char *method_name(int v)
{
    return sentraj_method_name((sentraj_method)v);
}

static const char *status_name(int v)
{
    return sentraj_ci_status_name((sentraj_ci_status)v);
}

#define ROW(T, name, field, type) {name, type, offsetof(T, field), 0, NULL}
#define ROW_NAME(T, name, field, fn) {name, C_NAME, offsetof(T, field), 0, fn}
#define CONFIG(name, field, type, fn) {name, type, offsetof(sentraj_config, field), 1, fn}
#define END {NULL, 0, 0, 0, NULL}

static const column analysis_columns[] = {
    ROW(sentraj_result, "category", category, C_STR),
    ROW(sentraj_result, "conversations", conversations, C_SIZE),
    ROW(sentraj_result, "mean_first", mean_first, C_DOUBLE),
    ROW(sentraj_result, "mean_last", mean_last, C_DOUBLE),
    ROW(sentraj_result, "mean_delta", mean_delta, C_DOUBLE),
    ROW(sentraj_result, "ci_low", boot.ci_low, C_DOUBLE),
    ROW(sentraj_result, "ci_high", boot.ci_high, C_DOUBLE),
    CONFIG("level", level, C_DOUBLE, NULL),
    CONFIG("method", method, C_NAME, method_name),
    ROW_NAME(sentraj_result, "engine", boot.engine, engine_name),
    ROW(sentraj_result, "resamples", boot.resamples, C_SIZE),
    CONFIG("seed", seed, C_U64, NULL),
    ROW(sentraj_result, "se", boot.se, C_DOUBLE),
    ROW_NAME(sentraj_result, "status", boot.status, status_name),
    CONFIG("statistic", statistic, C_STAT, NULL),
    END,
};

static const column positions_columns[] = {
    ROW(sentraj_position_row, "category", category, C_STR),
    ROW(sentraj_position_row, "position", position, C_SIZE),
    ROW(sentraj_position_row, "conversations", conversations, C_SIZE),
    ROW(sentraj_position_row, "mean", mean, C_DOUBLE),
    ROW(sentraj_position_row, "ci_low", ci_low, C_DOUBLE),
    ROW(sentraj_position_row, "ci_high", ci_high, C_DOUBLE),
    ROW_NAME(sentraj_position_row, "status", status, status_name),
    END,
};

static const column compare_columns[] = {
    ROW(sentraj_compare_row, "category_a", category_a, C_STR),
    ROW(sentraj_compare_row, "category_b", category_b, C_STR),
    ROW(sentraj_compare_row, "conversations_a", conversations_a, C_SIZE),
    ROW(sentraj_compare_row, "conversations_b", conversations_b, C_SIZE),
    ROW(sentraj_compare_row, "estimate_a", estimate_a, C_DOUBLE),
    ROW(sentraj_compare_row, "estimate_b", estimate_b, C_DOUBLE),
    ROW(sentraj_compare_row, "difference", difference, C_DOUBLE),
    ROW(sentraj_compare_row, "ci_low", ci_low, C_DOUBLE),
    ROW(sentraj_compare_row, "ci_high", ci_high, C_DOUBLE),
    ROW(sentraj_compare_row, "p_value", p_value, C_DOUBLE),
    ROW(sentraj_compare_row, "p_holm", p_holm, C_DOUBLE),
    CONFIG("statistic", statistic, C_STAT, NULL),
    CONFIG("method", method, C_NAME, method_name),
    ROW(sentraj_compare_row, "resamples", resamples, C_SIZE),
    CONFIG("seed", seed, C_U64, NULL),
    ROW_NAME(sentraj_compare_row, "status", status, status_name),
    END,
};

static const column test_columns[] = {
    ROW(sentraj_test_row, "category", category, C_STR),
    ROW(sentraj_test_row, "conversations", conversations, C_SIZE),
    ROW(sentraj_test_row, "mean_delta", mean_delta, C_DOUBLE),
    ROW(sentraj_test_row, "sd_delta", sd_delta, C_DOUBLE),
    ROW(sentraj_test_row, "d_z", d_z, C_DOUBLE),
    ROW(sentraj_test_row, "p_within", p_within, C_DOUBLE),
    ROW(sentraj_test_row, "p_sign_flip", p_sign_flip, C_DOUBLE),
    ROW(sentraj_test_row, "p_holm", p_holm, C_DOUBLE),
    ROW(sentraj_test_row, "resamples", resamples, C_SIZE),
    CONFIG("seed", seed, C_U64, NULL),
    ROW_NAME(sentraj_test_row, "status", status, status_name),
    END,
};

static const column transitions_columns[] = {
    ROW(sentraj_transition_row, "category", category, C_STR),
    ROW(sentraj_transition_row, "start", start, C_STR),
    ROW(sentraj_transition_row, "end", end, C_STR),
    ROW(sentraj_transition_row, "conversations", conversations, C_SIZE),
    ROW(sentraj_transition_row, "share", share, C_DOUBLE),
    ROW(sentraj_transition_row, "ci_low", ci_low, C_DOUBLE),
    ROW(sentraj_transition_row, "ci_high", ci_high, C_DOUBLE),
    END,
};

static const column sensitivity_columns[] = {
    ROW(sentraj_sensitivity_row, "category", category, C_STR),
    ROW(sentraj_sensitivity_row, "window", window, C_SIZE),
    ROW(sentraj_sensitivity_row, "min_human", min_human, C_SIZE),
    ROW(sentraj_sensitivity_row, "conversations", conversations, C_SIZE),
    ROW(sentraj_sensitivity_row, "mean_delta", mean_delta, C_DOUBLE),
    ROW(sentraj_sensitivity_row, "ci_low", ci_low, C_DOUBLE),
    ROW(sentraj_sensitivity_row, "ci_high", ci_high, C_DOUBLE),
    END,
};

static const column deltas_columns[] = {
    ROW(sentraj_trajectory, "conversation_id", conversation_id, C_STR),
    ROW(sentraj_trajectory, "categories", categories, C_STR),
    ROW(sentraj_trajectory, "human_messages", human_messages, C_U64),
    ROW(sentraj_trajectory, "mean_first", mean_first, C_DOUBLE),
    ROW(sentraj_trajectory, "mean_last", mean_last, C_DOUBLE),
    ROW(sentraj_trajectory, "delta", delta, C_DOUBLE),
    END,
};

static const column summary_columns[] = {
    ROW(sentraj_summary_cell, "category", category, C_STR),
    ROW(sentraj_summary_cell, "first_q", first_q, C_I64),
    ROW(sentraj_summary_cell, "last_q", last_q, C_I64),
    ROW(sentraj_summary_cell, "count", count, C_U64),
    END,
};

/* Room for one row that an accessor fills rather than points to. */
typedef union row_scratch {
    sentraj_trajectory trajectory;
    sentraj_summary_cell cell;
} row_scratch;

/* How to walk a result's rows. */
typedef struct result_rows {
    size_t (*count)(const void *r);
    const void *(*row)(const void *r, size_t i, row_scratch *scratch);
    const sentraj_config *(*config)(const void *r); /* NULL: no config columns */
    const column *columns;
} result_rows;

static size_t analysis_count(const void *r)
{
    return sentraj_analysis_rows(r);
}

static const void *analysis_row(const void *r, size_t i, row_scratch *scratch)
{
    (void)scratch;
    return sentraj_analysis_row(r, i);
}

static const sentraj_config *analysis_config(const void *r)
{
    return sentraj_analysis_config(r);
}

static size_t positions_count(const void *r)
{
    return sentraj_positions_rows(r);
}

static const void *positions_row(const void *r, size_t i, row_scratch *scratch)
{
    (void)scratch;
    return sentraj_positions_row(r, i);
}

static size_t deltas_count(const void *r)
{
    return sentraj_dataset_kept(r);
}

static const void *deltas_row(const void *r, size_t i, row_scratch *scratch)
{
    sentraj_dataset_trajectory(r, i, &scratch->trajectory);
    return &scratch->trajectory;
}

static size_t summary_count(const void *r)
{
    return sentraj_summary_cells(r);
}

static const void *summary_row(const void *r, size_t i, row_scratch *scratch)
{
    sentraj_summary_cell_get(r, i, &scratch->cell);
    return &scratch->cell;
}

static size_t compare_count(const void *r)
{
    return sentraj_compare_rows(r);
}

static const void *compare_row(const void *r, size_t i, row_scratch *scratch)
{
    (void)scratch;
    return sentraj_compare_row_get(r, i);
}

static const sentraj_config *compare_config(const void *r)
{
    return sentraj_compare_config(r);
}

static size_t test_count(const void *r)
{
    return sentraj_test_rows(r);
}

static const void *test_row(const void *r, size_t i, row_scratch *scratch)
{
    (void)scratch;
    return sentraj_test_row_get(r, i);
}

static const sentraj_config *test_config(const void *r)
{
    return sentraj_test_config(r);
}

static size_t transitions_count(const void *r)
{
    return sentraj_transitions_rows(r);
}

static const void *transitions_row(const void *r, size_t i, row_scratch *scratch)
{
    (void)scratch;
    return sentraj_transitions_row(r, i);
}

static size_t sensitivity_count(const void *r)
{
    return sentraj_sensitivity_rows(r);
}

static const void *sensitivity_row(const void *r, size_t i, row_scratch *scratch)
{
    (void)scratch;
    return sentraj_sensitivity_row_get(r, i);
}

static const result_rows compare_rows = {compare_count, compare_row, compare_config, compare_columns};
static const result_rows test_rows = {test_count, test_row, test_config, test_columns};
static const result_rows transitions_rows = {transitions_count, transitions_row, NULL, transitions_columns};
static const result_rows sensitivity_rows = {sensitivity_count, sensitivity_row, NULL, sensitivity_columns};
static const result_rows analysis_rows = {analysis_count, analysis_row, analysis_config, analysis_columns};
static const result_rows positions_rows = {positions_count, positions_row, NULL, positions_columns};
static const result_rows deltas_rows = {deltas_count, deltas_row, NULL, deltas_columns};
static const result_rows summary_rows = {summary_count, summary_row, NULL, summary_columns};

/* A numeric column's bytes: room for n values of 8 bytes at *data. */
static PyObject *numeric(size_t n, char **data)
{
    PyObject *buf = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)(n * 8));
    if (buf)
        *data = PyByteArray_AS_STRING(buf);
    return buf;
}

/* One column of every row, as (type, data). */
static PyObject *one_column(const result_rows *rr, const void *res, const column *c)
{
    size_t n = rr->count(res);
    const char *base_cfg = c->of_config ? (const char *)rr->config(res) : NULL;
    PyObject *list = NULL, *out = NULL;
    char *data = NULL;
    row_scratch scratch;

    if (c->type == C_STR || c->type == C_NAME || c->type == C_STAT) {
        if (!(list = PyList_New((Py_ssize_t)n)))
            return NULL;
    } else if (!(out = numeric(n, &data))) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const char *at = (base_cfg ? base_cfg : (const char *)rr->row(res, i, &scratch)) + c->offset;
        switch (c->type) {
        case C_STR:
        case C_NAME:
        case C_STAT: {
            char stat[40];
            const char *s = c->type == C_STR    ? *(const char *const *)at
                            : c->type == C_NAME ? c->name_of(*(const int *)at)
                                                : sentraj_statistic_format(rr->config(res), stat, sizeof stat);
            PyObject *v = PyUnicode_DecodeUTF8(s ? s : "", s ? (Py_ssize_t)strlen(s) : 0, "replace");
            if (!v) {
                Py_DECREF(list);
                return NULL;
            }
            PyList_SET_ITEM(list, (Py_ssize_t)i, v);
            break;
        }
        case C_SIZE: {
            int64_t v = (int64_t) * (const size_t *)at;
            memcpy(data + 8 * i, &v, 8);
            break;
        }
        case C_U64:
        case C_I64:
        case C_DOUBLE:
            memcpy(data + 8 * i, at, 8);
            break;
        }
    }
    if (list)
        return Py_BuildValue("(sN)", "str", list);
    return Py_BuildValue("(sN)", c->type == C_DOUBLE ? "f8" : c->type == C_U64 ? "u8" : "i8", out);
}

static PyObject *columns_from(const result_rows *rr, const void *res)
{
    PyObject *out = PyList_New(0);

    for (const column *c = rr->columns; out && c->name; c++) {
        PyObject *col = one_column(rr, res, c), *item = NULL;
        if (col)
            item = Py_BuildValue("(sOO)", c->name, PyTuple_GET_ITEM(col, 0), PyTuple_GET_ITEM(col, 1));
        if (!item || PyList_Append(out, item) != 0)
            Py_CLEAR(out);
        Py_XDECREF(item);
        Py_XDECREF(col);
    }
    return out;
}

PyObject *columns_of(handle_kind kind, const void *result)
{
    switch (kind) {
    case H_ANALYSIS:
        return columns_from(&analysis_rows, result);
    case H_POSITIONS:
        return columns_from(&positions_rows, result);
    case H_COMPARE:
        return columns_from(&compare_rows, result);
    case H_TEST:
        return columns_from(&test_rows, result);
    case H_TRANSITIONS:
        return columns_from(&transitions_rows, result);
    case H_SENSITIVITY:
        return columns_from(&sensitivity_rows, result);
    default:
        PyErr_SetString(PyExc_TypeError, "this handle has no rows");
        return NULL;
    }
}

PyObject *columns_deltas(const sentraj_dataset *ds)
{
    return columns_from(&deltas_rows, ds);
}

PyObject *columns_summary(const sentraj_summary *s)
{
    return columns_from(&summary_rows, s);
}

/* The draws of every row as sentraj_analysis_write_resamples_csv writes
 * them: Monte Carlo engines category,resample,mean (B lines per row),
 * the exact engine category,mean,probability; a degenerate row is a point
 * mass at its estimate, a row without draws has no lines. */
PyObject *columns_resamples(const sentraj_analysis *a)
{
    const sentraj_config *cfg = sentraj_analysis_config(a);
    int exact = cfg->engine == SENTRAJ_ENGINE_EXACT;
    size_t rows = sentraj_analysis_rows(a), n = 0, k = 0;
    PyObject *cats, *first, *second;
    const char *draw_name;
    char *d1, *d2;

    for (size_t i = 0; i < rows; i++) {
        const double *v, *p;
        if (sentraj_analysis_row(a, i)->boot.status == SENTRAJ_CI_DEGENERATE)
            n += exact ? 1 : cfg->resamples;
        else
            n += sentraj_analysis_draws(a, i, &v, &p);
    }
    cats = PyList_New((Py_ssize_t)n);
    first = numeric(n, &d1);
    second = numeric(n, &d2);
    if (!cats || !first || !second)
        goto fail;
    for (size_t i = 0; i < rows; i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        const double *v = NULL, *p = NULL;
        size_t m = sentraj_analysis_draws(a, i, &v, &p);
        int point = r->boot.status == SENTRAJ_CI_DEGENERATE;
        if (point)
            m = exact ? 1 : cfg->resamples;
        for (size_t b = 0; b < m; b++, k++) {
            PyObject *name = PyUnicode_DecodeUTF8(r->category, (Py_ssize_t)strlen(r->category), "replace");
            double value = point ? r->mean_delta : v[b], prob = point ? 1.0 : p ? p[b] : 0.0;
            int64_t index = (int64_t)b;
            if (!name)
                goto fail;
            PyList_SET_ITEM(cats, (Py_ssize_t)k, name);
            if (exact) {
                memcpy(d1 + 8 * k, &value, 8);
                memcpy(d2 + 8 * k, &prob, 8);
            } else {
                memcpy(d1 + 8 * k, &index, 8);
                memcpy(d2 + 8 * k, &value, 8);
            }
        }
    }
    /* The mean keeps its column name; other statistics' draws are "value". */
    draw_name = cfg->statistic == SENTRAJ_STAT_MEAN ? "mean" : "value";
    return Py_BuildValue("[(ssN)(ssN)(ssN)]", "category", "str", cats, exact ? draw_name : "resample", exact ? "f8" : "i8",
                         first, exact ? "probability" : draw_name, "f8", second);
fail:
    Py_XDECREF(cats);
    Py_XDECREF(first);
    Py_XDECREF(second);
    return NULL;
}

PyObject *counts_dict(const sentraj_counts *c)
{
    return Py_BuildValue("{sKsKsKsKsKsKsKsKsKsK}", "rows", (unsigned long long)c->rows, "human_messages",
                         (unsigned long long)c->human_messages, "assistant_messages",
                         (unsigned long long)c->assistant_messages, "ignored_messages",
                         (unsigned long long)c->ignored_messages, "conversations",
                         (unsigned long long)c->conversations, "kept", (unsigned long long)c->kept, "dropped_short",
                         (unsigned long long)c->dropped_short, "kept_without_category",
                         (unsigned long long)c->kept_without_category, "categories",
                         (unsigned long long)c->categories, "categories_unmatched",
                         (unsigned long long)c->categories_unmatched);
}
