/* jsonl.c - JSON values as sentraj reads them (ids, categories, labels, roles), and a JSONL line read through jansson's tree. */
#include "data/dataset.h"

#include "core/error.h"
#include "io/input.h"
#include "io/readers.h"
#include "io/json_parse.h"
#include "io/jsonl.h"
#include "io/key.h"
#include "io/jsonl_rows.h"
#include "io/role_map.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK (1u << 20)           /* bytes read at a time */
#define MAX_LINE ((size_t)1 << 30) /* one line may not exceed 1 GiB */
#define PATH_CAP 320               /* a JSON path in an error message */

/* ---- lines ------------------------------------------------------------------ */

/* A line splitter over an input. A line is handed out as a pointer into the
 * buffer, valid until the next call; lines of any length (up to MAX_LINE)
 * are read by growing the buffer, and a long line is scanned for its newline
 * only once (`scanned` remembers how far). */
typedef struct lines {
    input *in;
    const char *name;
    char *buf;
    size_t cap, len, pos; /* unread bytes are buf[pos, len) */
    size_t scanned;       /* bytes after pos known to hold no newline */
    int eof;
    uint64_t line;        /* number of the line handed out last */
} lines;

static int lines_fill(lines *r, sentraj_error *err)
{
    ssize_t n;

    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->cap - r->len < BLOCK / 2) {
        size_t nc = r->cap ? r->cap * 2 : 2 * BLOCK;
        char *nb;
        if (nc > MAX_LINE + 2 * BLOCK)
            return sentraj_raise(err, SENTRAJ_ELIMIT, r->name, r->line + 1, 0,
                                 "a line longer than 1 GiB starts here (one conversation per line?)");
        nb = realloc(r->buf, nc);
        if (!nb)
            return sentraj_nomem(err, "input line");
        r->buf = nb;
        r->cap = nc;
    }
    n = input_read(r->in, r->buf + r->len, r->cap - r->len, err);
    if (n < 0)
        return err ? err->code : SENTRAJ_EIO;
    if (n == 0)
        r->eof = 1;
    r->len += (size_t)n;
    return SENTRAJ_OK;
}

/* The next line without its "\n" or "\r\n". Returns 1, 0 at the end of the
 * input, or -1 with err set. */
static int lines_next(lines *r, const char **s, size_t *n, sentraj_error *err)
{
    for (;;) {
        size_t from = r->pos + r->scanned;
        const char *nl = from < r->len ? memchr(r->buf + from, '\n', r->len - from) : NULL;
        if (nl || (r->eof && r->pos < r->len)) {
            size_t end = nl ? (size_t)(nl - r->buf) : r->len;
            *s = r->buf + r->pos;
            *n = end - r->pos;
            if (*n && (*s)[*n - 1] == '\r')
                (*n)--;
            r->pos = nl ? end + 1 : end;
            r->scanned = 0;
            r->line++;
            return 1;
        }
        if (r->eof)
            return 0;
        r->scanned = r->len - r->pos; /* fill moves the tail to the front, keeping this count valid */
        if (lines_fill(r, err) != SENTRAJ_OK)
            return -1;
    }
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* Read `in` line by line (ConvoKit's utterances; the JSONL reader reads
 * blocks, jsonl_read.c) and hand every non-blank line, parsed, to fn. A
 * line must be one JSON object (duplicate keys rejected); syntax errors carry
 * the line and jansson's column (counted in characters, at the end of the
 * offending token). fn's object is borrowed for the call. */
int jsonl_each_object(input *in, jsonl_object_fn fn, void *ctx, sentraj_error *err)
{
    lines r;
    const char *s;
    size_t n;
    int got, rc = SENTRAJ_OK;

    memset(&r, 0, sizeof r);
    r.in = in;
    r.name = input_name(in);
    while ((got = lines_next(&r, &s, &n, err)) == 1) {
        json_t *v;
        const char *nul;
        size_t first = 0;

        /* A UTF-8 byte order mark is not part of the first line's JSON. */
        if (r.line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3, n -= 3;
        if (blank(s, n))
            continue;
        if ((nul = memchr(s, '\0', n)) != NULL) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, r.name, r.line, (uint64_t)(nul - s) + 1,
                               "NUL byte in the input (is this a binary or UTF-16 file?)");
            break;
        }
        if ((rc = io_json_parse(s, n, r.name, r.line, "JSON value", &v, err)) != SENTRAJ_OK)
            break;
        if (!json_is_object(v)) {
            while (first < n && (s[first] == ' ' || s[first] == '\t'))
                first++;
            rc = sentraj_raise(err, SENTRAJ_EDATA, r.name, r.line, first + 1,
                               "expected a JSON object on every line, not %s", jsonl_type(v));
            json_decref(v);
            break;
        }
        rc = fn(ctx, v, r.line, err);
        json_decref(v);
        if (rc != SENTRAJ_OK)
            break;
    }
    if (got < 0)
        rc = err ? err->code : SENTRAJ_EIO;
    free(r.buf);
    return rc;
}

/* ---- values and paths ------------------------------------------------------------ */

const char *jsonl_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    default:
        return "null";
    }
}

/* Append to out (size cap, holding *n bytes), truncating. */
static void append(char *out, size_t cap, size_t *n, const char *fmt, ...) SENTRAJ_PRINTF(4, 5);
static void append(char *out, size_t cap, size_t *n, const char *fmt, ...)
{
    va_list ap;
    int k;
    if (*n >= cap)
        return;
    va_start(ap, fmt);
    k = vsnprintf(out + *n, cap - *n, fmt, ap);
    va_end(ap);
    if (k > 0)
        *n = *n + (size_t)k < cap ? *n + (size_t)k : cap - 1;
}

void jsonl_path_format(const jsonl_path *path, char *out, size_t cap)
{
    size_t n = 0;
    const char *key = path->key;

    out[0] = '\0';
    append(out, cap, &n, "%s", path->base);
    if (path->index != JSONL_NO_INDEX)
        append(out, cap, &n, "[%zu]", path->index);
    if (key) {
        /* base.key for plain names, base["key"] for any other. */
        int plain = (key[0] >= 'a' && key[0] <= 'z') || (key[0] >= 'A' && key[0] <= 'Z') || key[0] == '_';
        for (const char *k = key; *k && plain; k++)
            plain = (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '_';
        if (plain)
            append(out, cap, &n, ".%s", key);
        else
            append(out, cap, &n, "[\"%s\"]", sentraj_show(key, strlen(key)).s);
    }
}

int jsonl_error(sentraj_error *err, const char *source, uint64_t line, const jsonl_path *path, const char *fmt, ...)
{
    char msg[sizeof err->message], at[PATH_CAP];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    jsonl_path_format(path, at, sizeof at);
    return sentraj_raise(err, SENTRAJ_EDATA, source, line, 0, "%s: %s", at, msg);
}

/* An id given as a string (as is) or an integer (its decimal text, written
 * into num). Returns 1, or 0 for any other type. */
int jsonl_id_text(const json_t *v, char *num, size_t cap, const char **s, size_t *len)
{
    if (json_is_string(v)) {
        *s = json_string_value(v);
        *len = json_string_length(v);
        return 1;
    }
    if (json_is_integer(v)) {
        int k = snprintf(num, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *s = num;
        *len = k < 0 ? 0 : (size_t)k;
        return 1;
    }
    return 0;
}

static int put(char **buf, size_t *cap, size_t *len, const char *s, size_t n, sentraj_error *err)
{
    if (*cap - *len < n + 1) {
        size_t nc = *cap ? *cap : 256;
        char *nb;
        while (nc - *len < n + 1)
            nc *= 2;
        nb = realloc(*buf, nc);
        if (!nb)
            return sentraj_nomem(err, "categories");
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return SENTRAJ_OK;
}

/* Whether a sep-separated field names the reserved category "all" (after
 * trimming blanks, as the assembler does): checked here too so the error
 * carries the JSON path. */
int jsonl_names_all(const char *s, size_t n, char sep)
{
    for (size_t i = 0; i <= n;) {
        size_t j = i, a, b;
        while (j < n && s[j] != sep)
            j++;
        a = i, b = j;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        if (b - a == 3 && memcmp(s + a, "all", 3) == 0)
            return 1;
        i = j + 1;
    }
    return 0;
}

#define RESERVED_ALL "category name \"all\" is reserved for the row that counts every conversation"

/* A categories value as the sep-separated field the assembler takes: a
 * string as is, an array of strings joined with sep, absent (v NULL) or null
 * as no categories (*len 0). A name inside an array may not itself hold sep. */
int jsonl_categories(const json_t *v, char sep, const char *source, uint64_t line, const jsonl_path *path, char **buf,
                     size_t *cap, size_t *len, sentraj_error *err)
{
    *len = 0;
    if (!v || json_is_null(v))
        return SENTRAJ_OK;
    if (json_is_string(v)) {
        if (jsonl_names_all(json_string_value(v), json_string_length(v), sep))
            return jsonl_error(err, source, line, path, RESERVED_ALL);
        return put(buf, cap, len, json_string_value(v), json_string_length(v), err);
    }
    if (!json_is_array(v))
        return jsonl_error(err, source, line, path,
                           "categories must be a string ('%c'-separated) or an array of strings, not %s", sep,
                           jsonl_type(v));
    for (size_t i = 0; i < json_array_size(v); i++) {
        const json_t *c = json_array_get(v, i);
        const char *s = json_string_value(c); /* NULL when not a string */
        size_t n = json_string_length(c);
        int rc;

        if (!s || memchr(s, sep, n) || jsonl_names_all(s, n, sep)) {
            char at[PATH_CAP];
            jsonl_path_format(path, at, sizeof at);
            if (!s)
                return jsonl_error(err, source, line, JSONL_PATH(at, i, NULL), "a category must be a string, not %s",
                                   jsonl_type(c));
            if (memchr(s, sep, n))
                return jsonl_error(err, source, line, JSONL_PATH(at, i, NULL),
                                   "category name \"%s\" contains '%c', the category separator (in an array, give "
                                   "each category as its own string, or choose another separator)",
                                   sentraj_show(s, n).s, sep);
            return jsonl_error(err, source, line, JSONL_PATH(at, i, NULL), RESERVED_ALL);
        }
        if ((i > 0 && (rc = put(buf, cap, len, &sep, 1, err)) != SENTRAJ_OK) ||
            (rc = put(buf, cap, len, s, n, err)) != SENTRAJ_OK)
            return rc;
    }
    return SENTRAJ_OK;
}

/* A sentiment: a label of the scale (string) or a number within its range.
 * A number is turned into its shortest round-trip text and parsed like a CSV
 * field, so every format accepts and rejects exactly the same values, with
 * the same words. Absent (v NULL), null and "" are a missing label. */
int jsonl_sentiment(const sentraj_scale *scale, const json_t *v, const char *source, uint64_t line,
                    const jsonl_path *path, double *value, sentraj_error *err)
{
    char num[64];
    const char *s;
    size_t n;
    label_status st;
    sentraj_error e;

    if (!v || json_is_null(v)) {
        s = "";
        n = 0;
    } else if (json_is_string(v)) {
        s = json_string_value(v);
        n = json_string_length(v);
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = num;
        n = strlen(num);
    } else if (json_is_real(v)) {
        sentraj_format_double(json_real_value(v), num, sizeof num);
        s = num;
        n = strlen(num);
    } else {
        return jsonl_error(err, source, line, path, "the sentiment must be a label (a string) or a number, not %s",
                           jsonl_type(v));
    }
    st = labels_parse_sentiment(scale, s, n, value);
    if (st == LABEL_OK)
        return SENTRAJ_OK;
    labels_sentiment_error(scale, st, s, n, source, line, 0, &e);
    return jsonl_error(err, source, line, path, "%s", e.message);
}

/* A role string, classified like the CSV role column. */
int jsonl_role(const json_t *v, const char *source, uint64_t line, const jsonl_path *path, role_kind *out,
               sentraj_error *err)
{
    const char *s;
    size_t n;

    if (!json_is_string(v))
        return jsonl_error(err, source, line, path, "the role must be a string, not %s", jsonl_type(v));
    s = json_string_value(v);
    n = json_string_length(v);
    *out = labels_parse_role(s, n);
    if (*out == ROLE_UNKNOWN)
        return jsonl_error(err, source, line, path,
                           "unknown role \"%s\" (human roles: human, user; assistant roles: assistant, claude, "
                           "model, ai, bot; ignored: system, tool): map other values to roles with "
                           "--role-map FILE, or read every row as human with --all-human",
                           sentraj_show(s, n).s);
    return SENTRAJ_OK;
}

/* A role value (a string or an integer, e.g. a speaker) through a role map. */
int jsonl_mapped_role(const role_map *map, const json_t *v, const char *source, uint64_t line, const jsonl_path *path,
                      role_kind *out, sentraj_error *err)
{
    char num[32];
    const char *s;
    size_t n;

    if (!jsonl_id_text(v, num, sizeof num, &s, &n))
        return jsonl_error(err, source, line, path, "the role value must be a string or an integer, not %s",
                           jsonl_type(v));
    *out = role_map_get(map, s, n);
    if (*out == ROLE_UNKNOWN)
        return jsonl_error(err, source, line, path,
                           "role value \"%s\" is not in the role map %s (add a line for it, or \"*,ROLE\" for "
                           "every value not listed)",
                           sentraj_show(s, n).s, role_map_path(map));
    return SENTRAJ_OK;
}

/* ---- the conversation format, read from jansson's tree --------------------------- */

static int cmp_jmsg(const void *a, const void *b)
{
    const jmsg *x = a, *y = b;
    if (x->index != y->index)
        return x->index < y->index ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

int jsonl_msgs_room(jsonl_state *st, size_t n, sentraj_error *err)
{
    size_t nc;
    jmsg *nm;

    if (n <= st->msgs_cap)
        return SENTRAJ_OK;
    nc = st->msgs_cap ? st->msgs_cap : 64;
    while (nc < n)
        nc *= 2;
    nm = realloc(st->msgs, nc * sizeof *nm);
    if (!nm)
        return sentraj_nomem(err, "messages");
    st->msgs = nm;
    st->msgs_cap = nc;
    return SENTRAJ_OK;
}

/* A string of a row kept in out's strings: its offset now, a pointer once
 * the block is parsed. */
static int keep(block_rows *out, size_t row, int field, const char *s, size_t n, const char **at, size_t *off)
{
    if (*off == (size_t)-1 && (*off = pipeline_str(out, s, n)) == (size_t)-1)
        return SENTRAJ_ENOMEM;
    *at = (const char *)(uintptr_t)*off;
    return pipeline_fix_later(out, row, field);
}

int jsonl_emit(block_rows *out, uint64_t line, const jmsg *msgs, size_t nmsg, const char *id, size_t id_len,
               int id_kept, const char *cats, size_t cats_len, int cats_kept, const char *cl, size_t cl_len,
               int cl_kept, int new_conv, sentraj_error *err)
{
    size_t id_off = (size_t)-1, cats_off = (size_t)-1, cl_off = (size_t)-1;
    uint64_t hash = intern_hash(id, id_len);

    if (!cats_len)
        cats = NULL;
    for (size_t i = 0; i < nmsg; i++) {
        msg_row *r = pipeline_row(out);
        if (!r)
            return sentraj_nomem(err, "rows");
        memset(r, 0, sizeof *r);
        r->id = id;
        r->id_len = (uint32_t)id_len;
        r->cats = cats;
        r->cats_len = (uint32_t)cats_len;
        r->cluster = cl;
        r->cluster_len = (uint32_t)cl_len;
        r->line = line;
        r->index = msgs[i].index;
        r->role = (uint8_t)msgs[i].role;
        r->value = msgs[i].value;
        if (i == 0) {
            r->hash = hash;
            r->flags = ROW_HASHED | (new_conv ? ROW_NEW_CONV : 0);
        } else {
            r->flags = ROW_SAME_ID | (cats ? ROW_SAME_CATS : 0);
        }
        if ((!id_kept && keep(out, out->n, 0, id, id_len, &r->id, &id_off) != SENTRAJ_OK) ||
            (cats && !cats_kept && keep(out, out->n, 1, cats, cats_len, &r->cats, &cats_off) != SENTRAJ_OK) ||
            (cl && !cl_kept && keep(out, out->n, 2, cl, cl_len, &r->cluster, &cl_off) != SENTRAJ_OK))
            return sentraj_nomem(err, "rows");
        out->n++;
    }
    return SENTRAJ_OK;
}

/* Check one message and record it; `with_index` says whether the line's
 * first message carries message_index (then all must). Paths are only
 * formatted for an error: this runs once per message. */
static int message(jsonl_state *c, const json_t *m, size_t i, uint64_t line, int with_index, jmsg *out,
                   sentraj_error *err)
{
    const sentraj_dataset *ds = c->sh->ds;
    const char *name = c->sh->name;
    const char *ikey = ds->field[FIELD_INDEX], *rkey = ds->field[FIELD_ROLE];
    const json_t *v;
    int rc;

    if (!json_is_object(m))
        return jsonl_error(err, name, line, JSONL_PATH(c->arr, i, NULL), "a message must be an object, not %s",
                           jsonl_type(m));
    out->pos = i;
    out->value = 0;

    if (ds->all_human) {
        out->role = ROLE_HUMAN;
    } else {
        v = json_object_get(m, rkey);
        if (!v && c->sharegpt && (v = json_object_get(m, "from")) != NULL)
            rkey = "from";
        if (!v)
            return jsonl_error(err, name, line, JSONL_PATH(c->arr, i, NULL), "missing required key \"%s\"", rkey);
        if (c->sh->map)
            rc = jsonl_mapped_role(c->sh->map, v, name, line, JSONL_PATH(c->arr, i, rkey), &out->role, err);
        else if (c->sharegpt && json_is_string(v) && json_string_length(v) == 3 &&
                 strcmp(json_string_value(v), "gpt") == 0)
            out->role = ROLE_ASSISTANT, rc = SENTRAJ_OK;
        else
            rc = jsonl_role(v, name, line, JSONL_PATH(c->arr, i, rkey), &out->role, err);
        if (rc != SENTRAJ_OK)
            return rc;
    }

    v = json_object_get(m, ikey);
    if (!v != !with_index) {
        if (!v)
            return jsonl_error(err, name, line, JSONL_PATH(c->arr, i, NULL),
                               "missing %s (messages[0] has one: give it on every message of a line or on none)",
                               ikey);
        return jsonl_error(err, name, line, JSONL_PATH(c->arr, i, ikey),
                           "%s given here but not on messages[0] (give it on every message of a line or on none)",
                           ikey);
    }
    if (v) {
        if (!json_is_integer(v))
            return jsonl_error(err, name, line, JSONL_PATH(c->arr, i, ikey),
                               "%s must be an integer >= 0, not %s", ikey, jsonl_type(v));
        if (json_integer_value(v) < 0)
            return jsonl_error(err, name, line, JSONL_PATH(c->arr, i, ikey),
                               "%s %" JSON_INTEGER_FORMAT " is negative (it must be an integer >= 0)", ikey,
                               json_integer_value(v));
        out->index = (uint64_t)json_integer_value(v);
    } else {
        out->index = i;
    }

    if (out->role == ROLE_HUMAN) {
        const char *skey = ds->field[FIELD_SENTIMENT];
        if ((rc = jsonl_sentiment(ds->scale, json_object_get(m, skey), name, line,
                                  JSONL_PATH(c->arr, i, skey), &out->value, err)) != SENTRAJ_OK)
            return rc;
    }
    return SENTRAJ_OK;
}

/* The cluster (--cluster-by) of a conversation line: a string or an
 * integer, like the id (an integer is written into num). */
static int cluster_text(const jsonl_state *c, const json_t *obj, uint64_t line, const char *clkey, char num[32],
                        const char **cl, size_t *cl_len, sentraj_error *err)
{
    const char *name = c->sh->name;
    const json_t *v = json_object_get(obj, clkey);
    if (!v)
        return jsonl_error(err, name, line, JSONL_PATH("$", JSONL_NO_INDEX, NULL),
                           "missing required key \"%s\" (--cluster-by)", clkey);
    if (!jsonl_id_text(v, num, 32, cl, cl_len))
        return jsonl_error(err, name, line, JSONL_PATH("$", JSONL_NO_INDEX, clkey),
                           "the cluster (--cluster-by) must be a string or an integer, not %s", jsonl_type(v));
    if (*cl_len == 0)
        return jsonl_error(err, name, line, JSONL_PATH("$", JSONL_NO_INDEX, clkey),
                           "empty %s (--cluster-by needs a value on every conversation)", clkey);
    return SENTRAJ_OK;
}

/* Put the line's nmsg checked messages in the order they are fed. With
 * message_index they are sorted by it, so the rows take the assembler's
 * O(1) in-order path, and a duplicate within the line is found here, with
 * both places. Without it the array positions are the order, and the line
 * must hold the whole conversation: the data set checks that the id is new
 * (ROW_NEW_CONV), and jsonl_seen words the error. */
static int order_messages(jsonl_state *c, size_t nmsg, int with_index, const char *id, size_t id_len, uint64_t line,
                          sentraj_error *err)
{
    const char *ikey = c->sh->ds->field[FIELD_INDEX];

    if (!with_index)
        return SENTRAJ_OK;
    qsort(c->msgs, nmsg, sizeof *c->msgs, cmp_jmsg);
    for (size_t i = 1; i < nmsg; i++)
        if (c->msgs[i].index == c->msgs[i - 1].index)
            return jsonl_error(err, c->sh->name, line, JSONL_PATH(c->arr, c->msgs[i].pos, ikey),
                               "duplicate %s %llu in conversation \"%s\" (also on messages[%zu])", ikey,
                               (unsigned long long)c->msgs[i].index, sentraj_show(id, id_len).s, c->msgs[i - 1].pos);
    return SENTRAJ_OK;
}

/* The id of a conversation line with a composite key: the values of
 * several keys joined as io/key.h says, after the per-file prefix, in c->id. */
static int composite_id(jsonl_state *c, const json_t *obj, uint64_t line, sentraj_error *err)
{
    const jsonl_shared *sh = c->sh;
    size_t lens[KEY_MAX_PARTS];
    const char *parts[KEY_MAX_PARTS];
    char num[KEY_MAX_PARTS][32];

    for (size_t k = 0; k < sh->nkey; k++) {
        const json_t *v = json_object_get(obj, sh->key[k]);
        if (!v)
            return jsonl_error(err, sh->name, line, JSONL_PATH("$", JSONL_NO_INDEX, NULL),
                               "missing required key \"%s\"", sh->key[k]);
        if (!jsonl_id_text(v, num[k], sizeof num[k], &parts[k], &lens[k]))
            return jsonl_error(err, sh->name, line, JSONL_PATH("$", JSONL_NO_INDEX, sh->key[k]),
                               "the conversation id must be a string or an integer, not %s", jsonl_type(v));
        if (lens[k] == 0)
            return jsonl_error(err, sh->name, line, JSONL_PATH("$", JSONL_NO_INDEX, sh->key[k]),
                               "empty conversation_id");
    }
    return key_build(&c->id, sh->prefix, sh->prefix_len, parts, lens, sh->nkey, err);
}

/* The id of a conversation line whose id value is v (NULL: none, the line
 * is its own conversation, named lineid), through the per-row options: a
 * composite key, the per-file prefix. */
static int line_id(jsonl_state *c, const json_t *obj, const json_t *v, const char *idkey, uint64_t line, char num[32],
                   char lineid[PATH_CAP], const char **id, size_t *id_len, sentraj_error *err)
{
    const jsonl_shared *sh = c->sh;
    int rc;

    if (!v) {
        /* No id at all (OpenAI's shape): the line is the conversation. */
        snprintf(lineid, PATH_CAP, "%s:%llu", sh->name, (unsigned long long)line);
        *id = lineid;
        *id_len = strlen(lineid);
        return SENTRAJ_OK;
    }
    if (sh->nkey > 1) {
        if ((rc = composite_id(c, obj, line, err)) != SENTRAJ_OK)
            return rc;
        *id = c->id.s;
        *id_len = c->id.len;
        return SENTRAJ_OK;
    }
    if (!jsonl_id_text(v, num, 32, id, id_len))
        return jsonl_error(err, sh->name, line, JSONL_PATH("$", JSONL_NO_INDEX, idkey),
                           "the conversation id must be a string or an integer, not %s", jsonl_type(v));
    if (*id_len == 0)
        return jsonl_error(err, sh->name, line, JSONL_PATH("$", JSONL_NO_INDEX, idkey), "empty conversation_id");
    if (sh->prefix) {
        if ((rc = key_build(&c->id, sh->prefix, sh->prefix_len, id, id_len, 1, err)) != SENTRAJ_OK)
            return rc;
        *id = c->id.s;
        *id_len = c->id.len;
    }
    return SENTRAJ_OK;
}

/* Where a line's id and messages are, for the shapes chat logs come in
 * (the one place that knows them):
 *   sentraj's   {"conversation_id": ..., "messages": [{"role": ..., "sentiment": ...}]}
 *   OpenAI's    {"messages": [{"role": "user", "content": ..., "sentiment": ...}]}
 *   ShareGPT's  {"id": ..., "conversations": [{"from": "human"|"gpt", "value": ..., "sentiment": ...}]}
 * The keys named by --col-id, --col-role, --col-sentiment and
 * --col-message-index come first; "messages" before "conversations". With
 * the default id key, a line without it takes "id", and without either it
 * is a conversation of its own (*id NULL). *msgs is NULL when the line
 * has neither array. The scanner (jsonl_scan.c) follows the same rules. */
static int shape(jsonl_state *c, const json_t *obj, uint64_t line, const json_t **id, const json_t **msgs,
                 const char **idkey, sentraj_error *err)
{
    int default_id = strcmp(*idkey, "conversation_id") == 0;

    *msgs = json_object_get(obj, "messages");
    c->arr = "$.messages";
    c->sharegpt = 0;
    if (!*msgs && (*msgs = json_object_get(obj, "conversations")) != NULL) {
        c->arr = "$.conversations";
        c->sharegpt = 1;
    }
    if (c->sh->nkey > 1) { /* a composite key: composite_id looks for its keys */
        *id = obj;
        return SENTRAJ_OK;
    }
    *id = json_object_get(obj, *idkey);
    if (!*id && default_id && (*id = json_object_get(obj, "id")) != NULL)
        *idkey = "id";
    if (!*id && !default_id)
        return jsonl_error(err, c->sh->name, line, JSONL_PATH("$", JSONL_NO_INDEX, NULL),
                           "missing required key \"%s\"", *idkey);
    return SENTRAJ_OK;
}

const char *jsonl_id_key(const jsonl_shared *sh, const json_t *obj)
{
    const char *idkey = sh->ds->field[FIELD_ID];
    if (sh->nkey <= 1 && strcmp(idkey, "conversation_id") == 0 && !json_object_get(obj, idkey) &&
        json_object_get(obj, "id"))
        return "id";
    return idkey;
}

static int conversation(jsonl_state *c, json_t *obj, uint64_t line, block_rows *out, sentraj_error *err)
{
    const sentraj_dataset *ds = c->sh->ds;
    const char *name = c->sh->name;
    const char *idkey = ds->field[FIELD_ID], *ckey = ds->field[FIELD_CATEGORIES], *ikey = ds->field[FIELD_INDEX];
    const char *clkey = ds->field[FIELD_CLUSTER];
    char num[32], clnum[32], lineid[PATH_CAP];
    const char *id, *cl = NULL;
    size_t id_len, cats_len, nmsg, cl_len = 0;
    const json_t *v, *msgs;
    int with_index, rc;

    if ((rc = shape(c, obj, line, &v, &msgs, &idkey, err)) != SENTRAJ_OK)
        return rc;
    if ((rc = line_id(c, obj, v, idkey, line, num, lineid, &id, &id_len, err)) != SENTRAJ_OK)
        return rc;

    if ((rc = jsonl_categories(json_object_get(obj, ckey), ds->category_sep, name, line,
                               JSONL_PATH("$", JSONL_NO_INDEX, ckey), &c->cats, &c->cats_cap, &cats_len, err)) !=
        SENTRAJ_OK)
        return rc;

    if (clkey && (rc = cluster_text(c, obj, line, clkey, clnum, &cl, &cl_len, err)) != SENTRAJ_OK)
        return rc;

    if (!msgs)
        return jsonl_error(err, name, line, JSONL_PATH("$", JSONL_NO_INDEX, NULL), "missing required key \"messages\"");
    if (!json_is_array(msgs))
        return jsonl_error(err, name, line, JSONL_PATH(c->arr, JSONL_NO_INDEX, NULL), "%s must be an array, not %s",
                           c->arr + 2, jsonl_type(msgs));
    nmsg = json_array_size(msgs);
    if (nmsg == 0)
        return SENTRAJ_OK;
    if ((rc = jsonl_msgs_room(c, nmsg, err)) != SENTRAJ_OK)
        return rc;

    /* Check every message in array order first, so an error names the first
     * bad one; then order and feed them. */
    with_index = json_is_object(json_array_get(msgs, 0)) && json_object_get(json_array_get(msgs, 0), ikey) != NULL;
    if (!v && with_index)
        return jsonl_error(err, name, line, JSONL_PATH("$", JSONL_NO_INDEX, NULL),
                           "missing required key \"%s\" (messages with %s may continue on other lines: they need "
                           "the conversation's id)",
                           idkey, ikey);
    for (size_t i = 0; i < nmsg; i++)
        if ((rc = message(c, json_array_get(msgs, i), i, line, with_index, &c->msgs[i], err)) != SENTRAJ_OK)
            return rc;
    if ((rc = order_messages(c, nmsg, with_index, id, id_len, line, err)) != SENTRAJ_OK)
        return rc;
    return jsonl_emit(out, line, c->msgs, nmsg, id, id_len, 0, c->cats, cats_len, 0, cl, cl_len, 0, !with_index, err);
}

int jsonl_tree_line(jsonl_state *st, const char *s, size_t n, uint64_t line, block_rows *out, sentraj_error *err)
{
    const char *name = st->sh->name, *nul;
    json_t *v;
    size_t first = 0;
    int rc;

    if ((nul = memchr(s, '\0', n)) != NULL)
        return sentraj_raise(err, SENTRAJ_EDATA, name, line, (uint64_t)(nul - s) + 1,
                             "NUL byte in the input (is this a binary or UTF-16 file?)");
    if ((rc = io_json_parse(s, n, name, line, "JSON value", &v, err)) != SENTRAJ_OK)
        return rc;
    if (!json_is_object(v)) {
        while (first < n && (s[first] == ' ' || s[first] == '\t'))
            first++;
        rc = sentraj_raise(err, SENTRAJ_EDATA, name, line, first + 1, "expected a JSON object on every line, not %s",
                           jsonl_type(v));
        json_decref(v);
        return rc;
    }
    rc = conversation(st, v, line, out, err);
    json_decref(v);
    return rc;
}
