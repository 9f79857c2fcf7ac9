/* fields.c - the option structs' fields by name: setting them from a dict, their defaults, their enum names. */
#include "ext.h"

#include <stddef.h>
#include <string.h>

/* A field is added here: one entry naming it as the Python package does
 * (the struct's own field name) with its type and offset; an enum field
 * also names its parser and its names. The package reads the defaults and
 * the enum names from fields_defaults and fields_choices, so they are
 * written down once, in the library. */

typedef enum field_type {
    F_SIZE,   /* size_t */
    F_UINT,   /* unsigned */
    F_INT,    /* int (flags, sizes of figures) */
    F_U64,    /* uint64_t */
    F_DOUBLE, /* double */
    F_STR,    /* const char *, NULL for None */
    F_CHAR,   /* char, from a str of one character */
    F_ENUM,   /* an enum, from its name */
} field_type;

typedef struct field {
    const char *name;
    field_type type;
    size_t offset;
    int (*parse)(const char *s, int *out); /* F_ENUM */
    const char *(*name_of)(int v);          /* F_ENUM: NULL past the last value */
} field;

/* The library's parsers and names, with one signature. Names past an
 * enum's last value are "?" in the library; NULL here ends a list. */
#define ENUM_ADAPTERS(kind, type)                                                                                      \
    static int parse_##kind(const char *s, int *out)                                                                   \
    {                                                                                                                  \
        type v;                                                                                                        \
        sentraj_error err;                                                                                             \
        if (sentraj_##kind##_parse(s, &v, &err) != SENTRAJ_OK) {                                                       \
            PyErr_SetString(PyExc_ValueError, err.message);                                                            \
            return -1;                                                                                                 \
        }                                                                                                              \
        *out = (int)v;                                                                                                 \
        return 0;                                                                                                      \
    }                                                                                                                  \
    static const char *name_##kind(int v)                                                                              \
    {                                                                                                                  \
        const char *s = sentraj_##kind##_name((type)v);                                                                \
        return strcmp(s, "?") == 0 ? NULL : s;                                                                         \
    }

ENUM_ADAPTERS(method, sentraj_method)
ENUM_ADAPTERS(engine, sentraj_engine)
ENUM_ADAPTERS(alternative, sentraj_alternative)
ENUM_ADAPTERS(sim, sentraj_sim)
ENUM_ADAPTERS(order, sentraj_order)
ENUM_ADAPTERS(orientation, sentraj_orientation)

/* A statistic by its bare name ("trimmed"; its share is the config's
 * trim), as sentraj_statistic_name writes it. */
static const char *name_statistic(int v)
{
    const char *s = sentraj_statistic_name((sentraj_statistic)v);
    return strcmp(s, "?") == 0 ? NULL : s;
}

static int parse_statistic(const char *s, int *out)
{
    for (int v = 0; name_statistic(v); v++) {
        if (strcmp(s, name_statistic(v)) == 0) {
            *out = v;
            return 0;
        }
    }
    PyErr_Format(PyExc_ValueError, "unknown statistic \"%s\"", s);
    return -1;
}

/* The input formats have no parser in the library: the command line's
 * names, kept here beside the enum. */
static const char *const input_formats[] = {
    [SENTRAJ_INPUT_AUTO] = "auto",
    [SENTRAJ_INPUT_CSV] = "csv",
    [SENTRAJ_INPUT_JSONL] = "jsonl",
    [SENTRAJ_INPUT_CONVOKIT] = "convokit",
};

static const char *name_input_format(int v)
{
    return v >= 0 && (size_t)v < sizeof input_formats / sizeof input_formats[0] ? input_formats[v] : NULL;
}

static int parse_input_format(const char *s, int *out)
{
    for (int v = 0; name_input_format(v); v++) {
        if (strcmp(s, input_formats[v]) == 0) {
            *out = v;
            return 0;
        }
    }
    PyErr_Format(PyExc_ValueError, "unknown input format \"%s\" (expected auto, csv, jsonl, convokit)", s);
    return -1;
}

/* The id scopes, as the command line names them. */
static const char *const id_scopes[] = {
    [SENTRAJ_ID_SCOPE_GLOBAL] = "global",
    [SENTRAJ_ID_SCOPE_FILE] = "file",
};

static const char *name_id_scope(int v)
{
    return v >= 0 && (size_t)v < sizeof id_scopes / sizeof id_scopes[0] ? id_scopes[v] : NULL;
}

static int parse_id_scope(const char *s, int *out)
{
    for (int v = 0; name_id_scope(v); v++) {
        if (strcmp(s, id_scopes[v]) == 0) {
            *out = v;
            return 0;
        }
    }
    PyErr_Format(PyExc_ValueError, "unknown id scope \"%s\" (expected global, file)", s);
    return -1;
}

#define CFG(name, type) {#name, type, offsetof(sentraj_config, name), NULL, NULL}
#define CFG_ENUM(name) {#name, F_ENUM, offsetof(sentraj_config, name), parse_##name, name_##name}
static const field config_fields[] = {
    CFG(min_human, F_SIZE), CFG(window, F_SIZE), CFG(resamples, F_SIZE), CFG(level, F_DOUBLE),
    CFG_ENUM(method),       CFG_ENUM(engine),    CFG_ENUM(alternative), CFG_ENUM(sim),
    CFG(seed, F_U64),       CFG(threads, F_UINT), CFG(keep_resamples, F_INT), CFG_ENUM(order),
    CFG_ENUM(statistic),    CFG(small, F_UINT),   CFG(trim, F_DOUBLE),
    {NULL, 0, 0, NULL, NULL},
};

#define IN(name, type) {#name, type, offsetof(sentraj_input_options, name), NULL, NULL}
static const field input_fields[] = {
    {"format", F_ENUM, offsetof(sentraj_input_options, format), parse_input_format, name_input_format},
    IN(col_id, F_STR), IN(col_index, F_STR), IN(col_role, F_STR), IN(col_sentiment, F_STR),
    IN(col_categories, F_STR), IN(label_key, F_STR), IN(role_key, F_STR), IN(speaker_roles, F_STR),
    IN(category_key, F_STR), IN(col_cluster, F_STR), IN(keep_labels, F_INT), IN(category_sep, F_CHAR),
    IN(encoding, F_STR), IN(all_human, F_INT),
    {"id_scope", F_ENUM, offsetof(sentraj_input_options, id_scope), parse_id_scope, name_id_scope},
    {NULL, 0, 0, NULL, NULL},
};

#define FIG(name, type) {#name, type, offsetof(sentraj_figure_options, name), NULL, NULL}
static const field figure_fields[] = {
    FIG(title, F_STR),
    FIG(width, F_INT),
    FIG(height, F_INT),
    FIG(dpi, F_INT),
    FIG(subtitle, F_STR),
    FIG(xlabel, F_STR),
    FIG(ylabel, F_STR),
    {"orientation", F_ENUM, offsetof(sentraj_figure_options, orientation), parse_orientation, name_orientation},
    FIG(no_all, F_INT),
    {NULL, 0, 0, NULL, NULL},
};

#define POS(name, type) {#name, type, offsetof(sentraj_positions_options, name), NULL, NULL}
static const field positions_fields[] = {
    POS(max_position, F_SIZE), POS(bins, F_SIZE), POS(all_conversations, F_INT), {NULL, 0, 0, NULL, NULL},
};

static const struct group {
    const char *name;
    const field *fields;
} groups[G_NGROUPS] = {
    [G_CONFIG] = {"config", config_fields},
    [G_INPUT] = {"input", input_fields},
    [G_FIGURE] = {"figure", figure_fields},
    [G_POSITIONS] = {"positions", positions_fields},
};

static const field *find(field_group g, const char *name)
{
    for (const field *f = groups[g].fields; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* Store Python value v into field f of struct s. */
static int set(const field *f, PyObject *v, char *s)
{
    void *at = s + f->offset;

    switch (f->type) {
    case F_SIZE: {
        size_t x = PyLong_AsSize_t(v);
        if (x == (size_t)-1 && PyErr_Occurred())
            return -1;
        memcpy(at, &x, sizeof x);
        return 0;
    }
    case F_UINT:
    case F_INT:
    case F_U64: {
        unsigned long long x = PyLong_AsUnsignedLongLong(v);
        if (x == (unsigned long long)-1 && PyErr_Occurred())
            return -1;
        if (f->type == F_U64) {
            uint64_t u = x;
            memcpy(at, &u, sizeof u);
        } else if (x > (f->type == F_INT ? (unsigned long long)INT_MAX : (unsigned long long)UINT_MAX)) {
            PyErr_Format(PyExc_OverflowError, "%s is too large", f->name);
            return -1;
        } else if (f->type == F_INT) {
            int i = (int)x;
            memcpy(at, &i, sizeof i);
        } else {
            unsigned u = (unsigned)x;
            memcpy(at, &u, sizeof u);
        }
        return 0;
    }
    case F_DOUBLE: {
        double x = PyFloat_AsDouble(v);
        if (x == -1.0 && PyErr_Occurred())
            return -1;
        memcpy(at, &x, sizeof x);
        return 0;
    }
    case F_STR: {
        const char *x = v == Py_None ? NULL : PyUnicode_AsUTF8(v);
        if (v != Py_None && !x)
            return -1;
        memcpy(at, &x, sizeof x);
        return 0;
    }
    case F_CHAR: {
        Py_ssize_t n;
        const char *x = PyUnicode_AsUTF8AndSize(v, &n);
        if (!x)
            return -1;
        if (n != 1) {
            PyErr_Format(PyExc_ValueError, "%s must be one ASCII character", f->name);
            return -1;
        }
        *(char *)at = x[0];
        return 0;
    }
    case F_ENUM: {
        const char *x = PyUnicode_AsUTF8(v);
        int e;
        if (!x || f->parse(x, &e) != 0)
            return -1;
        memcpy(at, &e, sizeof e); /* the library's enums are int-sized */
        return 0;
    }
    }
    return 0;
}

int fields_apply(field_group g, PyObject *d, void *s)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;

    if (d == Py_None)
        return 0;
    if (!PyDict_Check(d)) {
        PyErr_Format(PyExc_TypeError, "%s options must be a dict", groups[g].name);
        return -1;
    }
    while (PyDict_Next(d, &pos, &key, &value)) {
        const char *name = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
        const field *f = name ? find(g, name) : NULL;
        if (!f) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_KeyError, "no %s field %R", groups[g].name, key);
            return -1;
        }
        if (set(f, value, s) != 0)
            return -1;
    }
    return 0;
}

int config_from(PyObject *d, sentraj_config *cfg)
{
    sentraj_config_init(cfg);
    return fields_apply(G_CONFIG, d, cfg);
}

/* The Python value of field f of struct s. */
static PyObject *get(const field *f, const char *s)
{
    const void *at = s + f->offset;

    switch (f->type) {
    case F_SIZE:
        return PyLong_FromSize_t(*(const size_t *)at);
    case F_UINT:
        return PyLong_FromUnsignedLong(*(const unsigned *)at);
    case F_INT:
        return PyLong_FromLong(*(const int *)at);
    case F_U64:
        return PyLong_FromUnsignedLongLong(*(const uint64_t *)at);
    case F_DOUBLE:
        return PyFloat_FromDouble(*(const double *)at);
    case F_STR: {
        const char *x = *(const char *const *)at;
        if (!x)
            Py_RETURN_NONE;
        return PyUnicode_FromString(x);
    }
    case F_CHAR:
        return PyUnicode_FromStringAndSize(at, 1);
    case F_ENUM:
        return PyUnicode_FromString(f->name_of(*(const int *)at));
    }
    Py_RETURN_NONE;
}

PyObject *fields_defaults(void)
{
    sentraj_config cfg;
    sentraj_input_options in;
    sentraj_figure_options fig;
    sentraj_positions_options pos;
    const void *structs[G_NGROUPS] = {&cfg, &in, &fig, &pos};
    PyObject *out = PyDict_New();

    sentraj_config_init(&cfg);
    sentraj_input_options_init(&in);
    sentraj_figure_options_init(&fig);
    sentraj_positions_options_init(&pos);
    for (int g = 0; out && g < G_NGROUPS; g++) {
        PyObject *d = PyDict_New();
        for (const field *f = groups[g].fields; d && f->name; f++) {
            PyObject *v = get(f, structs[g]);
            if (!v || PyDict_SetItemString(d, f->name, v) != 0)
                Py_CLEAR(d);
            Py_XDECREF(v);
        }
        if (!d || PyDict_SetItemString(out, groups[g].name, d) != 0)
            Py_CLEAR(out);
        Py_XDECREF(d);
    }
    return out;
}

PyObject *fields_choices(void)
{
    PyObject *out = PyDict_New();

    for (int g = 0; out && g < G_NGROUPS; g++) {
        for (const field *f = groups[g].fields; out && f->name; f++) {
            PyObject *names;
            if (f->type != F_ENUM)
                continue;
            names = PyList_New(0);
            for (int v = 0; names && f->name_of(v); v++) {
                PyObject *s = PyUnicode_FromString(f->name_of(v));
                if (!s || PyList_Append(names, s) != 0)
                    Py_CLEAR(names);
                Py_XDECREF(s);
            }
            if (!names || PyDict_SetItemString(out, f->name, names) != 0)
                Py_CLEAR(out);
            Py_XDECREF(names);
        }
    }
    return out;
}

int fields_parse_enum(const char *name, const char *value)
{
    for (int g = 0; g < G_NGROUPS; g++) {
        const field *f = find((field_group)g, name);
        int v;
        if (f && f->type == F_ENUM)
            return f->parse(value, &v) == 0 ? v : -1;
    }
    PyErr_Format(PyExc_KeyError, "no enum field %s", name);
    return -1;
}
