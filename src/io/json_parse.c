/* json_parse.c - jansson's parser with running out of memory told apart from bad JSON. */
#include "io/json_parse.h"

#include <pthread.h>

/* jansson allocates through functions a program may replace, process-wide.
 * sentraj wraps whatever is installed when it first parses (normally malloc
 * and free) with one that notes, per thread, that an allocation failed, and
 * calls the wrapped one for everything. A program that installs its own
 * functions later replaces the wrapper; jansson's own error code is then all
 * that tells out of memory apart. */
static json_malloc_t wrapped_malloc;
static json_free_t wrapped_free;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static _Thread_local int failed;

static void *noting_malloc(size_t n)
{
    void *p = wrapped_malloc(n);
    if (!p)
        failed = 1;
    return p;
}

static void install(void)
{
    json_get_alloc_funcs(&wrapped_malloc, &wrapped_free);
    json_set_alloc_funcs(noting_malloc, wrapped_free);
}

int io_json_parse(const char *s, size_t n, const char *source, uint64_t line, const char *what, json_t **out,
                  sentraj_error *err)
{
    json_error_t je;
    json_t *v;

    pthread_once(&once, install);
    failed = 0;
    v = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
    *out = NULL;
    if (failed || (!v && json_error_code(&je) == json_error_out_of_memory)) {
        json_decref(v);
        return sentraj_nomem(err, what);
    }
    if (!v)
        return sentraj_raise(err, SENTRAJ_EDATA, source, line ? line : (je.line > 0 ? (uint64_t)je.line : 0),
                             je.column > 0 ? (uint64_t)je.column : 0, "invalid JSON: %s", je.text);
    *out = v;
    return SENTRAJ_OK;
}
