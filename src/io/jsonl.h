/* jsonl.h - JSON helpers shared by the JSONL and ConvoKit readers. */
#ifndef SENTRAJ_JSONL_H
#define SENTRAJ_JSONL_H

#include "data/dataset.h"
#include "core/error.h"
#include "io/input.h"
#include "io/role_map.h"

#include <jansson.h>

/* Called for every JSON object line of an input, with its 1-based line. */
typedef int (*jsonl_object_fn)(void *ctx, json_t *obj, uint64_t line, sentraj_error *err);
/* A JSON path for an error message, formatted only when an error is raised:
 * base, then [index] unless index is JSONL_NO_INDEX, then .key (or
 * ["key"]) unless key is NULL. */
typedef struct jsonl_path {
    const char *base;
    size_t index;
    const char *key;
} jsonl_path;
#define JSONL_NO_INDEX ((size_t)-1)
#define JSONL_PATH(base, index, key) (&(const jsonl_path){(base), (index), (key)})
int jsonl_each_object(input *in, jsonl_object_fn fn, void *ctx, sentraj_error *err);
int jsonl_error(sentraj_error *err, const char *source, uint64_t line, const jsonl_path *path, const char *fmt, ...)
    SENTRAJ_PRINTF(5, 6);
void jsonl_path_format(const jsonl_path *path, char *out, size_t cap);
const char *jsonl_type(const json_t *v);
int jsonl_id_text(const json_t *v, char *num, size_t cap, const char **s, size_t *len);
int jsonl_categories(const json_t *v, char sep, const char *source, uint64_t line, const jsonl_path *path, char **buf,
                     size_t *cap, size_t *len, sentraj_error *err);
int jsonl_sentiment(const sentraj_scale *scale, const json_t *v, const char *source, uint64_t line,
                    const jsonl_path *path, double *value, sentraj_error *err);
int jsonl_role(const json_t *v, const char *source, uint64_t line, const jsonl_path *path, role_kind *out,
               sentraj_error *err);

/* A role value (string or integer) mapped by map; an unlisted value is an
 * error naming it and the map. */
int jsonl_mapped_role(const role_map *map, const json_t *v, const char *source, uint64_t line, const jsonl_path *path,
                      role_kind *out, sentraj_error *err);

#endif
