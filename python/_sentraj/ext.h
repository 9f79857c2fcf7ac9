/* ext.h - what the files of the extension sentraj._sentraj share: handles, option tables, calls, columns. */
#ifndef SENTRAJ_EXT_H
#define SENTRAJ_EXT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <sentraj.h>

#include <signal.h>

/*
 * The extension is a thin layer: it turns Python values into the library's
 * option structs, calls the public API (include/sentraj.h, nothing else)
 * with the GIL released, and turns results into columns that the Python
 * package (python/sentraj) makes DataFrames of. Checking the options'
 * types and ranges, and composing the library's calls into the commands,
 * is the Python package's work.
 */

/* ---- handles: library objects owned by Python (handles.c) --------------- */

/* What a handle holds. A result kind also says how its rows become columns
 * (columns.c) and how it is drawn and reordered (render.c). */
typedef enum handle_kind {
    H_DATASET,
    H_ANALYSIS,
    H_POSITIONS,
    H_SUMMARY,
    H_SCALE,
    H_COMPARE,
    H_TEST,
    H_TRANSITIONS,
    H_SENSITIVITY,
    H_NKINDS
} handle_kind;

/* A new capsule owning p (freed with the kind's _free when Python drops
 * it); on failure p is freed and NULL returned with an exception set. */
PyObject *handle_new(handle_kind kind, void *p);
/* Frees p, an object of that kind not (or no longer) held by a capsule. */
void handle_free(handle_kind kind, void *p);
/* The object of a capsule of that kind, or NULL with TypeError set. */
void *handle_get(PyObject *o, handle_kind kind);
/* The kind of a capsule made by handle_new, or -1 (no exception set). */
int handle_kind_of(PyObject *o);

/* ---- options: Python dicts into the library's structs (fields.c) ------- */

typedef enum field_group { G_CONFIG, G_INPUT, G_FIGURE, G_POSITIONS, G_NGROUPS } field_group;

/* Set the fields named by d's keys in the struct s of group g (filled with
 * its defaults by the caller). Strings are borrowed from d's values, which
 * must outlive s. Returns 0, or -1 with KeyError (an unknown field),
 * TypeError, OverflowError or ValueError (an unknown enum name) set. d may
 * be None. */
int fields_apply(field_group g, PyObject *d, void *s);
/* sentraj_config_init, then fields_apply. */
int config_from(PyObject *d, sentraj_config *cfg);
/* {"config": {...}, "input": {...}, ...}: every field of every group with
 * the library's default. */
PyObject *fields_defaults(void);
/* {"method": [...], ...}: the names each enum field takes. */
PyObject *fields_choices(void);
/* Parse name as the enum of field `field` of the config ("method",
 * "engine", ...): its value, or -1 with ValueError (the library's message). */
int fields_parse_enum(const char *field, const char *name);

/* ---- calls: errors, the GIL, Ctrl-C (call.c) --------------------------- */

/* Everything around one call of the library that may take long. */
typedef struct call {
    int sigint;                 /* 1: our SIGINT handler is installed */
    struct sigaction old;       /* the handler it replaced */
    int blas_threads;           /* OpenBLAS's thread count before the call */
} call;

/* Before a long call, while holding the GIL: on the main thread catch
 * SIGINT in a flag and, when cfg is not NULL, point cfg's interrupt at it;
 * remember OpenBLAS's thread count (the library sets it to 1 while it
 * resamples, and numpy may share that OpenBLAS). */
void call_begin(call *c, sentraj_config *cfg);
/* After it, holding the GIL again: restore both. When SIGINT came during
 * the call, hand it to Python's own handler (KeyboardInterrupt by default)
 * and return -1 if that raised. Else 0. */
int call_end(call *c);
/* Raise err as _sentraj.Error(code, source, line, col, message), or as
 * KeyboardInterrupt for SENTRAJ_EINTERRUPTED. Returns NULL. */
PyObject *raise_error(const sentraj_error *err);
/* The exception class _sentraj.Error, created by module.c. */
extern PyObject *ext_error;
/* Set by module.c: the main thread's ident, for call_begin. */
extern unsigned long ext_main_thread;

/* ---- columns: results as columns for DataFrames (columns.c) ------------ */

/* A result's rows as a list of (name, type, data): type "f8", "i8" or
 * "u8" with data a bytearray of native doubles or 64-bit integers, or
 * "str" with data a list of str. */
PyObject *columns_of(handle_kind kind, const void *result);
/* The kept conversations of a finished data set, as `sentraj deltas`. */
PyObject *columns_deltas(const sentraj_dataset *ds);
/* The draws an analysis kept, as --save-resamples writes them. */
PyObject *columns_resamples(const sentraj_analysis *a);
/* A summary's cells: category, first_q, last_q, count. */
PyObject *columns_summary(const sentraj_summary *s);
/* A sentraj_counts as a dict of its fields. */
PyObject *counts_dict(const sentraj_counts *c);

/* ---- the module's functions, by file ----------------------------------- */

extern PyMethodDef compute_methods[]; /* compute.c: reading, analyses, their columns */
extern PyMethodDef summary_methods[]; /* summaries.c: summaries and label scales */
extern PyMethodDef render_methods[];  /* render.c: figures and reordering */
extern PyMethodDef stats_methods[];   /* stats.c: compare, test, transitions, sensitivity, by-start */

#endif
