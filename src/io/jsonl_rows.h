/* jsonl_rows.h - the nested JSONL reader's two line parsers (a fast scanner and jansson's tree) and what they share. */
#ifndef SENTRAJ_JSONL_ROWS_H
#define SENTRAJ_JSONL_ROWS_H

#include "data/dataset.h"
#include "core/error.h"
#include "io/key.h"
#include "io/pipeline.h"
#include "io/role_map.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The reader's set-up, read by every parsing thread. */
typedef struct jsonl_shared {
    const sentraj_dataset *ds; /* its field names, scale, role options (read only) */
    const char *name;          /* the input's name */
    const role_map *map;       /* --role-map, or NULL */
    const char *key[KEY_MAX_PARTS]; /* a composite id's key names (nkey > 1) */
    size_t nkey;
    const char *prefix;        /* "FILE:" with --id-scope file, or NULL */
    size_t prefix_len;
} jsonl_shared;

/* One message of the current line, checked, before it becomes a row. */
typedef struct jmsg {
    uint64_t index;
    double value;
    size_t pos; /* position in the messages array */
    role_kind role;
} jmsg;

/* A value the scanner noted: where its text is, and what it is. */
typedef struct jspan {
    const char *s; /* a string's content (between the quotes), a number's or literal's text, else the value's start */
    size_t n;
    uint8_t type;  /* JT_* */
    uint8_t flags; /* JF_* */
} jspan;

enum { JT_NONE, JT_STR, JT_INT, JT_REAL, JT_TRUE, JT_FALSE, JT_NULL, JT_OBJ, JT_ARR };
#define JF_ESC 1u /* a string with escapes (its text is not its value) */
#define JF_ODD 2u /* a number not read as its text: "-0", or too many digits for a plain 64-bit integer */

/* The scanner's notes on one message object. */
typedef struct jscan_msg {
    jspan role, from, index, sentiment;
    int object;
} jscan_msg;

/* A label or role text the scanner has read before, and what it read it
 * as (the same bytes always read the same way for one reader). */
#define JSONL_CACHED_TEXT 30
typedef struct jsonl_cached {
    char s[JSONL_CACHED_TEXT];
    uint8_t n;    /* 0: an empty entry */
    uint8_t role; /* role_kind, for the role cache */
    double value; /* the label's value, for the label cache */
} jsonl_cached;
#define JSONL_CACHE 8

/* Per-thread state of the two parsers; all of it reused from line to line. */
typedef struct jsonl_state {
    const jsonl_shared *sh;
    jmsg *msgs;
    size_t msgs_cap;
    char *cats;
    size_t cats_cap;
    key_buf id;
    jscan_msg *smsgs;      /* the scanner's messages */
    size_t smsgs_cap;
    jspan *scats;          /* the scanner's category strings */
    size_t scats_cap;
    jsonl_cached roles[JSONL_CACHE], labels[JSONL_CACHE];
    unsigned next_role, next_label; /* the entry each cache replaces next */
    /* the tree parser's current line */
    const char *arr;       /* its messages array, as a path: "$.messages" or "$.conversations" */
    int sharegpt;          /* ... the latter: roles may be in "from", where "gpt" is the assistant */
} jsonl_state;

/* Whether a sep-separated field names the reserved category "all". */
int jsonl_names_all(const char *s, size_t n, char sep);

/* The key a line's id was read from (for an error about the id): --col-id,
 * or "id" when the default key is absent and "id" present. */
const char *jsonl_id_key(const jsonl_shared *sh, const json_t *obj);

/* Append the rows of one line's checked messages msgs[0, nmsg) to out:
 * id, categories (NULL when cats_len is 0) and cluster (NULL without
 * --cluster-by), each copied into out's strings unless the flag says it
 * stays valid in the block. The first row gets ROW_NEW_CONV when new_conv
 * is set. SENTRAJ_OK or SENTRAJ_ENOMEM (err set). */
int jsonl_emit(block_rows *out, uint64_t line, const jmsg *msgs, size_t nmsg, const char *id, size_t id_len,
               int id_kept, const char *cats, size_t cats_len, int cats_kept, const char *cl, size_t cl_len,
               int cl_kept, int new_conv, sentraj_error *err);

/* Room for n messages in st->msgs. SENTRAJ_OK or SENTRAJ_ENOMEM. */
int jsonl_msgs_room(jsonl_state *st, size_t n, sentraj_error *err);

/* Parse line `line` (s[0, n), not blank, without its line end) with
 * jansson and append its rows to out; any problem of the line is raised
 * here, with the words the reader has always used. */
int jsonl_tree_line(jsonl_state *st, const char *s, size_t n, uint64_t line, block_rows *out, sentraj_error *err);

/* Scan the same line without building anything and append its rows to
 * out. Returns SENTRAJ_OK; JSONL_FALLBACK, with out as it was, when the
 * line is anything but valid JSON of a shape read without error by
 * jsonl_tree_line (which then reads it, and names the problem); or
 * SENTRAJ_ENOMEM. A line it reads, jsonl_tree_line reads to the same rows.
 * The line's bytes may be rewritten (categories joined in place), but
 * stay valid JSON with the same keys. */
#define JSONL_FALLBACK 1
int jsonl_scan_line(jsonl_state *st, char *s, size_t n, uint64_t line, block_rows *out, sentraj_error *err);

#endif
