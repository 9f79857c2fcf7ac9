/* json_parse.h - jansson's parser with running out of memory told apart from bad JSON. */
#ifndef SENTRAJ_JSON_PARSE_H
#define SENTRAJ_JSON_PARSE_H

#include "core/error.h"

#include <jansson.h>

/* Parse the n bytes at s as one JSON value, duplicate keys rejected. Bad
 * JSON raises SENTRAJ_EDATA at source, line `line` (0: jansson's own line
 * within s) and jansson's column, with jansson's reason. Running out of
 * memory anywhere in the parse raises SENTRAJ_ENOMEM naming `what`, even when
 * jansson calls it a syntax error or carries on: jansson's lexer drops a byte
 * of a string when it cannot grow its buffer, and reports the damage, if at
 * all, as bad JSON. Returns SENTRAJ_OK with a new reference in *out, or the
 * status raised (*out NULL). Safe from several threads at once. */
int io_json_parse(const char *s, size_t n, const char *source, uint64_t line, const char *what, json_t **out,
                  sentraj_error *err);

#endif
