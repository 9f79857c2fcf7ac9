/* call.c - around each long library call: Ctrl-C caught and handed to Python, OpenBLAS restored, errors raised. */
#include "ext.h"

#include <string.h>

PyObject *ext_error;
unsigned long ext_main_thread;

/* OpenBLAS's own calls (cblas.h is not needed for two prototypes). The
 * library's bootstrap makes OpenBLAS single-threaded; a notebook's numpy
 * often shares the same OpenBLAS and should get its threads back. */
int openblas_get_num_threads(void);
void openblas_set_num_threads(int n);

/* Set by the SIGINT handler while a call runs; read by the library's
 * worker threads through interrupted(). */
static volatile sig_atomic_t sigint_seen;

static void on_sigint(int sig)
{
    (void)sig;
    sigint_seen = 1;
}

static int interrupted(void *ctx)
{
    (void)ctx;
    return sigint_seen != 0;
}

void call_begin(call *c, sentraj_config *cfg)
{
    memset(c, 0, sizeof *c);
    c->blas_threads = openblas_get_num_threads();
    /* Signal handlers belong to the main thread, where Python runs its own;
     * a call from another thread leaves SIGINT alone and runs to its end.
     * SIGINT ignored by the program stays ignored. */
    if (PyThread_get_thread_ident() != ext_main_thread || sigaction(SIGINT, NULL, &c->old) != 0 ||
        c->old.sa_handler == SIG_IGN)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    /* Restart system calls: a read from a pipe must not fail with EINTR
     * because Ctrl-C came; the bootstrap is where the call stops. */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigint_seen = 0;
    if (sigaction(SIGINT, &sa, NULL) != 0)
        return;
    c->sigint = 1;
    if (cfg) {
        cfg->interrupt = interrupted;
        cfg->interrupt_ctx = NULL;
    }
}

int call_end(call *c)
{
    if (openblas_get_num_threads() != c->blas_threads)
        openblas_set_num_threads(c->blas_threads);
    if (!c->sigint)
        return 0;
    sigaction(SIGINT, &c->old, NULL);
    c->sigint = 0;
    if (!sigint_seen)
        return 0;
    sigint_seen = 0;
    /* Python's handler (or the program's) decides what Ctrl-C means. */
#if PY_VERSION_HEX >= 0x030A0000
    PyErr_SetInterruptEx(SIGINT);
#else
    PyErr_SetInterrupt();
#endif
    return PyErr_CheckSignals() < 0 ? -1 : 0;
}

PyObject *raise_error(const sentraj_error *err)
{
    PyObject *source, *message, *args = NULL;

    if (err->code == SENTRAJ_EINTERRUPTED) {
        /* Stopped by Ctrl-C whose handler did not raise (call_end ran it):
         * the work is gone all the same. */
        if (!PyErr_Occurred())
            PyErr_SetNone(PyExc_KeyboardInterrupt);
        return NULL;
    }
    if (PyErr_Occurred())
        return NULL;
    /* A file name is bytes from the file system; a message may quote bytes
     * of the data that are not UTF-8. */
    source = PyUnicode_DecodeFSDefault(err->source);
    message = PyUnicode_DecodeUTF8(err->message, (Py_ssize_t)strlen(err->message), "replace");
    if (source && message)
        args = Py_BuildValue("(iOKKO)", err->code, source, (unsigned long long)err->line,
                             (unsigned long long)err->col, message);
    if (args)
        PyErr_SetObject(ext_error, args);
    Py_XDECREF(args);
    Py_XDECREF(source);
    Py_XDECREF(message);
    return NULL;
}
