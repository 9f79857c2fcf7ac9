/* handles.c - library objects held by Python: capsules that free their object when Python drops them. */
#include "ext.h"

/* One entry per handle_kind: the capsule's name (what a TypeError shows)
 * and how its object is freed. */
typedef struct handle_type {
    const char *name;
    void (*free)(void *p);
} handle_type;

static void free_dataset(void *p)
{
    sentraj_dataset_free(p);
}

static void free_analysis(void *p)
{
    sentraj_analysis_free(p);
}

static void free_positions(void *p)
{
    sentraj_positions_free(p);
}

static void free_summary(void *p)
{
    sentraj_summary_free(p);
}

static void free_scale(void *p)
{
    sentraj_scale_free(p);
}

static void free_compare(void *p)
{
    sentraj_compare_free(p);
}

static void free_test(void *p)
{
    sentraj_test_free(p);
}

static void free_transitions(void *p)
{
    sentraj_transitions_free(p);
}

static void free_sensitivity(void *p)
{
    sentraj_sensitivity_free(p);
}

static const handle_type types[H_NKINDS] = {
    [H_DATASET] = {"sentraj.dataset", free_dataset},
    [H_ANALYSIS] = {"sentraj.analysis", free_analysis},
    [H_POSITIONS] = {"sentraj.positions", free_positions},
    [H_SUMMARY] = {"sentraj.summary", free_summary},
    [H_SCALE] = {"sentraj.scale", free_scale},
    [H_COMPARE] = {"sentraj.compare", free_compare},
    [H_TEST] = {"sentraj.test", free_test},
    [H_TRANSITIONS] = {"sentraj.transitions", free_transitions},
    [H_SENSITIVITY] = {"sentraj.sensitivity", free_sensitivity},
};

static void destroy(PyObject *capsule)
{
    int kind = handle_kind_of(capsule);
    if (kind >= 0)
        types[kind].free(PyCapsule_GetPointer(capsule, types[kind].name));
}

PyObject *handle_new(handle_kind kind, void *p)
{
    PyObject *o = PyCapsule_New(p, types[kind].name, destroy);
    if (!o)
        types[kind].free(p);
    return o;
}

void handle_free(handle_kind kind, void *p)
{
    types[kind].free(p);
}

int handle_kind_of(PyObject *o)
{
    const char *name;
    if (!PyCapsule_CheckExact(o) || !(name = PyCapsule_GetName(o)))
        return -1;
    for (int k = 0; k < H_NKINDS; k++)
        if (name == types[k].name)
            return k;
    return -1;
}

void *handle_get(PyObject *o, handle_kind kind)
{
    if (handle_kind_of(o) != (int)kind) {
        PyErr_Format(PyExc_TypeError, "expected a %s handle", types[kind].name);
        return NULL;
    }
    return PyCapsule_GetPointer(o, types[kind].name);
}
