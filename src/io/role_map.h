/* role_map.h - the role map (--role-map): values of the role field, e.g. speaker names, mapped to roles. */
#ifndef SENTRAJ_ROLE_MAP_H
#define SENTRAJ_ROLE_MAP_H

#include "data/labels.h"
#include "core/error.h"

#include <stddef.h>

typedef struct role_map role_map;

/* Read a role map file: "value,role" lines, role human, assistant or
 * ignore (the role column's other names too: user, ai, system, ...). The
 * role follows the last comma, so values may hold commas; a value in
 * double quotes is unquoted ("" is a quote). Blank lines and lines starting
 * with '#' are skipped, and so is a first line "value,role" or
 * "speaker,role". "*,ROLE" gives the role of every value not listed.
 * Returns the map, or NULL with err set: SENTRAJ_EDATA naming the map's
 * file:line for a line without a comma, an unknown role, an empty,
 * badly quoted or repeated value; SENTRAJ_EIO; SENTRAJ_ENOMEM. */
role_map *role_map_read(const char *path, sentraj_error *err);
/* NULL is a no-op. */
void role_map_free(role_map *m);
/* The role of value s: its line's role, else the "*" line's, else
 * ROLE_UNKNOWN. Thread-safe (the map is read-only). */
role_kind role_map_get(const role_map *m, const char *s, size_t len);
/* The map's path, for errors about unlisted values. */
const char *role_map_path(const role_map *m);

#endif
