/* jsonl_read.c - the nested JSONL reader: one conversation per line, lines parsed in blocks on several threads. */
#include "io/jsonl_rows.h"

#include "core/error.h"
#include "io/input.h"
#include "io/json_parse.h"
#include "io/jsonl.h"
#include "io/pipeline.h"
#include "io/readers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* Parse block b's lines into rows: each by the scanner, or, when the
 * scanner cannot read it (anything unusual, every error), by jansson's
 * tree, which names the problem. Stops at the first error. */
static void parse_block(void *state, block *b)
{
    jsonl_state *st = state;
    block_rows *out = &b->out;
    char *p = b->data, *end = b->data + b->len;
    uint64_t line = b->line;
    int rc = SENTRAJ_OK;

    for (; p < end; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end, *s = p;
        size_t n, rows = out->n, strs = out->strs_len, nfix = out->nfix;

        p = nl ? nl + 1 : end;
        if (e > s && e[-1] == '\r')
            e--;
        n = (size_t)(e - s);
        /* A UTF-8 byte order mark is not part of the first line's JSON. */
        if (line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3, n -= 3;
        if (blank(s, n))
            continue;
        rc = jsonl_scan_line(st, s, n, line, out, &out->err);
        if (rc == JSONL_FALLBACK) {
            out->n = rows;
            out->strs_len = strs;
            out->nfix = nfix;
            rc = jsonl_tree_line(st, s, n, line, out, &out->err);
        }
        if (rc != SENTRAJ_OK)
            break;
    }
    out->rc = rc;
    pipeline_fix_strings(out);
}

static void *state_alloc(const void *shared)
{
    jsonl_state *st = calloc(1, sizeof *st);
    if (st)
        st->sh = shared;
    return st;
}

static void state_free(void *state)
{
    jsonl_state *st = state;
    key_buf_free(&st->id);
    free(st->msgs);
    free(st->cats);
    free(st->smsgs);
    free(st->scats);
    free(st);
}

static int too_long(const char *name, uint64_t line, sentraj_error *err)
{
    return sentraj_raise(err, SENTRAJ_ELIMIT, name, line, 0,
                         "a line longer than 1 GiB starts here (one conversation per line?)");
}

/* The line `line` of block b, without its line end. */
static const char *find_line(const block *b, uint64_t line, size_t *n)
{
    const char *p = b->data, *end = b->data + b->len, *e;
    for (uint64_t l = b->line; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    e = memchr(p, '\n', (size_t)(end - p));
    *n = (size_t)((e ? e : end) - p);
    return p;
}

/* The error for a line without message_index whose conversation appeared
 * before: the line is read again to name the key its id came from. */
static int seen(const void *shared, const sentraj_dataset *ds, uint32_t source, const block *b, const msg_row *r,
                uint32_t known, sentraj_error *err)
{
    const jsonl_shared *sh = shared;
    const char *idkey = ds->field[FIELD_ID], *o = conv_other_source(ds, known, source);
    size_t n;
    const char *s = find_line(b, r->line, &n);
    json_t *v = NULL;

    if (io_json_parse(s, n, sh->name, r->line, "JSON value", &v, NULL) == SENTRAJ_OK && json_is_object(v))
        idkey = jsonl_id_key(sh, v);
    json_decref(v);
    return jsonl_error(err, sh->name, r->line, JSONL_PATH("$", JSONL_NO_INDEX, idkey),
                       "conversation \"%s\" already appeared on line %llu%s%s (a conversation given on "
                       "several lines needs %s on every message)",
                       sentraj_show(r->id, r->id_len).s, (unsigned long long)ds->convs[known].line, o ? " of " : "",
                       o ? o : "", ds->field[FIELD_INDEX]);
}

static const block_format jsonl_blocks = {0, too_long, state_alloc, state_free, parse_block, seen};

/* Set sh up for the data set's per-row input options: the role map, the
 * key names of a composite id, the per-file prefix. *map and *keys are
 * the caller's to free. */
static int setup(jsonl_shared *sh, role_map **map, char **keys, sentraj_error *err)
{
    const sentraj_dataset *ds = sh->ds;
    const char *names[KEY_MAX_PARTS];
    size_t lens[KEY_MAX_PARTS], n;

    if (ds->speaker_roles && !ds->all_human && !(sh->map = *map = role_map_read(ds->speaker_roles, err)))
        return err ? err->code : SENTRAJ_EDATA;
    if (strchr(ds->field[FIELD_ID], ',')) {
        size_t total = strlen(ds->field[FIELD_ID]) + 1;
        char *o;
        if ((n = key_split_names(ds->field[FIELD_ID], names, lens)) == 0)
            return sentraj_fail(err, SENTRAJ_EUSAGE, "--col-id \"%s\" names an empty key (or more than %d keys)",
                                ds->field[FIELD_ID], KEY_MAX_PARTS);
        if (!(o = *keys = malloc(total)))
            return sentraj_nomem(err, "reader");
        for (size_t k = 0; k < n; k++) {
            memcpy(o, names[k], lens[k]);
            o[lens[k]] = '\0';
            sh->key[k] = o;
            o += lens[k] + 1;
        }
        sh->nkey = n;
    }
    return SENTRAJ_OK;
}

/* The nested JSONL reader. One conversation per line:
 *
 *   {"conversation_id": "c1", "categories": ["coaching"],
 *    "messages": [{"role": "human", "sentiment": "negative"}, {"role": "assistant"}]}
 *
 * Keys are the data set's field names (--col-id, --col-role, ... rename
 * them; matched exactly, case included); "messages" is fixed and other keys
 * are ignored. OpenAI's and ShareGPT's shapes are read too (see shape in
 * jsonl.c): without an id key the line is its own conversation, named
 * FILE:LINE, and "conversations" with "from" roles ("gpt" the assistant)
 * stand for "messages" and "role". With --cluster-by the key it names is
 * required on every line, a non-empty string or an integer, the same on
 * every line of a conversation. The id is a non-empty string or an integer
 * (its decimal text). Categories are an array of strings, a ';'-separated
 * string, or absent/null (none). Messages count in array order
 * (message_index = array position) unless they carry message_index: then
 * every message of the line must, with a distinct integer >= 0, and a
 * conversation may continue on other lines; without it a conversation must
 * be whole on its line. The sentiment of a human message is a label of the
 * scale or a number in its range (the same values and words as a CSV
 * field); on other messages it is ignored. Blank lines are skipped, a UTF-8
 * byte order mark and CRLF line ends are accepted. The input is cut into
 * blocks of whole lines, parsed on the data set's threads (io/pipeline.c),
 * so memory is a few blocks and the longest line, not the file. A
 * conversation with no messages adds nothing (like a CSV without its rows). */
int jsonl_read(sentraj_dataset *ds, input *in, sentraj_error *err)
{
    jsonl_shared sh;
    role_map *map = NULL;
    char *keys = NULL, *prefix = NULL;
    int64_t source;
    int rc;

    memset(&sh, 0, sizeof sh);
    sh.ds = ds;
    sh.name = input_name(in);
    source = dataset_add_source(ds, sh.name);
    if (source < 0) {
        ds->failed = 1;
        return sentraj_nomem(err, "reader");
    }
    ds->line_step = 0;
    rc = setup(&sh, &map, &keys, err);
    if (rc == SENTRAJ_OK && ds->id_scope == SENTRAJ_ID_SCOPE_FILE) {
        size_t len = strlen(sh.name);
        if (!(prefix = malloc(len + 2))) {
            rc = sentraj_nomem(err, "reader");
        } else {
            memcpy(prefix, sh.name, len);
            memcpy(prefix + len, ":", 2);
            sh.prefix = prefix;
            sh.prefix_len = len + 1;
        }
    }
    if (rc == SENTRAJ_OK)
        rc = pipeline_read(ds, (uint32_t)source, in, NULL, 0, 0, 1, &jsonl_blocks, &sh, err);
    if (rc != SENTRAJ_OK)
        ds->failed = 1;
    role_map_free(map);
    free(keys);
    free(prefix);
    return rc;
}
