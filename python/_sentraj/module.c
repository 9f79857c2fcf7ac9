/* module.c - the extension module sentraj._sentraj: its functions, constants and exception. */
#include "ext.h"

/* version() -> the library's version string */
static PyObject *py_version(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(sentraj_version());
}

/* defaults() -> every option field with the library's default */
static PyObject *py_defaults(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return fields_defaults();
}

/* choices() -> the names each enum option takes */
static PyObject *py_choices(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return fields_choices();
}

/* parse_enum(field, name) -> int, or ValueError with the library's message */
static PyObject *py_parse_enum(PyObject *self, PyObject *args)
{
    const char *field, *name;
    int v;
    (void)self;
    if (!PyArg_ParseTuple(args, "ss", &field, &name))
        return NULL;
    if ((v = fields_parse_enum(field, name)) < 0)
        return NULL;
    return PyLong_FromLong(v);
}

/* exit_code(status) -> what the command line exits with for it */
static PyObject *py_exit_code(PyObject *self, PyObject *arg)
{
    long status = PyLong_AsLong(arg);
    (void)self;
    if (status == -1 && PyErr_Occurred())
        return NULL;
    return PyLong_FromLong(sentraj_status_exit_code((int)status));
}

static PyMethodDef module_methods[] = {
    {"version", py_version, METH_NOARGS, "version() -> the library's version"},
    {"defaults", py_defaults, METH_NOARGS, "defaults() -> {group: {field: default}}"},
    {"choices", py_choices, METH_NOARGS, "choices() -> {field: [names]}"},
    {"parse_enum", py_parse_enum, METH_VARARGS, "parse_enum(field, name) -> int"},
    {"exit_code", py_exit_code, METH_O, "exit_code(status) -> int"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "sentraj._sentraj",
    "The library libsentraj, bound for the package sentraj (use the package, not this).",
    -1,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
};

/* The main thread's ident: call_begin handles SIGINT only there. */
static int find_main_thread(void)
{
    PyObject *threading = PyImport_ImportModule("threading"), *main = NULL, *ident = NULL;
    int rc = -1;
    if (threading && (main = PyObject_CallMethod(threading, "main_thread", NULL)) &&
        (ident = PyObject_GetAttrString(main, "ident"))) {
        ext_main_thread = PyLong_AsUnsignedLong(ident);
        rc = PyErr_Occurred() ? -1 : 0;
    }
    Py_XDECREF(ident);
    Py_XDECREF(main);
    Py_XDECREF(threading);
    return rc;
}

/* The status codes by name, as the package maps them to exceptions. */
static int add_statuses(PyObject *m)
{
    static const struct {
        const char *name;
        int code;
    } statuses[] = {
        {"OK", SENTRAJ_OK},       {"EUSAGE", SENTRAJ_EUSAGE},       {"EDATA", SENTRAJ_EDATA},
        {"EIO", SENTRAJ_EIO},     {"ENOMEM", SENTRAJ_ENOMEM},       {"ELIMIT", SENTRAJ_ELIMIT},
        {"EINTERNAL", SENTRAJ_EINTERNAL}, {"EINTERRUPTED", SENTRAJ_EINTERRUPTED},
    };
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (PyModule_AddIntConstant(m, statuses[i].name, statuses[i].code) != 0)
            return -1;
    return 0;
}

PyMODINIT_FUNC PyInit__sentraj(void);

PyMODINIT_FUNC PyInit__sentraj(void)
{
    PyObject *m = PyModule_Create(&module);

    if (!m)
        return NULL;
    if (PyModule_AddFunctions(m, module_methods) != 0 || PyModule_AddFunctions(m, compute_methods) != 0 ||
        PyModule_AddFunctions(m, summary_methods) != 0 || PyModule_AddFunctions(m, render_methods) != 0 ||
        PyModule_AddFunctions(m, stats_methods) != 0 ||
        add_statuses(m) != 0 || find_main_thread() != 0)
        goto fail;
    /* Error(code, source, line, col, message): the package turns it into
     * the documented exception for the code. */
    if (!(ext_error = PyErr_NewException("sentraj._sentraj.Error", NULL, NULL)))
        goto fail;
    Py_INCREF(ext_error);
    if (PyModule_AddObject(m, "Error", ext_error) != 0) {
        Py_DECREF(ext_error);
        goto fail;
    }
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
