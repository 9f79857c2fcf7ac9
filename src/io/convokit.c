/* convokit.c - the reader for ConvoKit corpus directories (utterances.jsonl, conversations.json). */
#include "data/dataset.h"

#include "core/error.h"
#include "io/input.h"
#include "io/json_parse.h"
#include "io/readers.h"
#include "io/jsonl.h"
#include "io/key.h"
#include "io/role_map.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PATH_CAP 320
/* A path given as a plain string. */
#define AT(s) JSONL_PATH((s), JSONL_NO_INDEX, NULL)
#define MAX_FILE ((size_t)1 << 31) /* conversations.json is read whole */

/* One utterance, reduced to what ordering and the assembler need. The id
 * points into the utterance-id table, whose strings never move. */
typedef struct utt {
    double ts;
    double value;
    uint64_t line;
    const char *id;
    uint32_t id_len;
    uint32_t conv;
    uint8_t has_ts;
    uint8_t role;
} utt;

typedef struct ck {
    sentraj_dataset *ds;
    uint32_t source;
    const char *name;     /* DIR/utterances.jsonl */
    intern convs;         /* conversation ids, in order of first appearance */
    intern uids;          /* utterance ids; utterance i has id i */
    utt *utts;
    size_t nutts, utts_cap;
    char **cats;          /* conversation -> ';'-joined categories, or NULL */
    size_t cats_cap;
    char *scratch;        /* categories being built */
    size_t scratch_cap;
    role_map *map;        /* --role-map: speaker id -> role */
    char *prefix;         /* "DIR:" with --id-scope file */
    key_buf id;           /* a conversation id with that prefix */
} ck;

static void ck_free(ck *k)
{
    for (size_t i = 0; i < k->cats_cap; i++)
        free(k->cats[i]);
    free(k->cats);
    intern_free(&k->convs);
    intern_free(&k->uids);
    free(k->utts);
    free(k->scratch);
    role_map_free(k->map);
    free(k->prefix);
    key_buf_free(&k->id);
}

/* ---- utterances ---------------------------------------------------------------- */

/* The first of `keys` present and not null; *key is set to its name. */
static const json_t *get_either(const json_t *obj, const char *a, const char *b, const char **key)
{
    const json_t *v = json_object_get(obj, a);
    *key = a;
    if (!v || json_is_null(v)) {
        const json_t *w = json_object_get(obj, b);
        if (w) {
            *key = b;
            return w;
        }
    }
    return v;
}

/* The role of an utterance: from its meta (--role-key), from the speaker
 * roles file, or the speaker id itself. */
static int utterance_role(ck *k, const json_t *obj, const json_t *meta, uint64_t line, role_kind *role,
                          sentraj_error *err)
{
    sentraj_dataset *ds = k->ds;
    char num[32];
    const json_t *v;
    const char *key, *s;
    size_t n;

    if (ds->all_human) {
        *role = ROLE_HUMAN;
        return SENTRAJ_OK;
    }
    if (ds->role_key) {
        v = meta ? json_object_get(meta, ds->role_key) : NULL;
        if (!v || json_is_null(v))
            return jsonl_error(err, k->name, line, JSONL_PATH("$.meta", JSONL_NO_INDEX, ds->role_key),
                               "utterance without a role (the role key is \"%s\")", ds->role_key);
        return jsonl_role(v, k->name, line, JSONL_PATH("$.meta", JSONL_NO_INDEX, ds->role_key), role, err);
    }
    v = get_either(obj, "speaker", "user", &key);
    if (!v || json_is_null(v))
        return jsonl_error(err, k->name, line, JSONL_PATH("$", JSONL_NO_INDEX, NULL),
                           "missing required key \"speaker\" (older corpora: \"user\")");
    if (!jsonl_id_text(v, num, sizeof num, &s, &n))
        return jsonl_error(err, k->name, line, JSONL_PATH("$", JSONL_NO_INDEX, key),
                           "the speaker must be a string or an integer, not %s", jsonl_type(v));
    if (k->map)
        return jsonl_mapped_role(k->map, v, k->name, line, JSONL_PATH("$", JSONL_NO_INDEX, key), role, err);
    *role = labels_parse_role(s, n);
    if (*role == ROLE_UNKNOWN)
        return jsonl_error(err, k->name, line, JSONL_PATH("$", JSONL_NO_INDEX, key),
                           "speaker \"%s\" is not a role name (human, user, assistant, claude, model, ai, bot, "
                           "system, tool): map speakers to roles with --role-map FILE, or read each role from "
                           "utterance meta with --role-key KEY",
                           sentraj_show(s, n).s);
    return SENTRAJ_OK;
}

static int utterance(void *ctx, json_t *obj, uint64_t line, sentraj_error *err)
{
    ck *k = ctx;
    sentraj_dataset *ds = k->ds;
    char num[32];
    const json_t *v, *meta;
    const char *key, *s;
    size_t n;
    int64_t uid, cid;
    int added, rc;
    utt u;

    memset(&u, 0, sizeof u);
    u.line = line;

    v = json_object_get(obj, "id");
    if (!v)
        return jsonl_error(err, k->name, line, AT("$"), "missing required key \"id\"");
    if (!jsonl_id_text(v, num, sizeof num, &s, &n))
        return jsonl_error(err, k->name, line, AT("$.id"), "the utterance id must be a string or an integer, not %s",
                           jsonl_type(v));
    if (n == 0)
        return jsonl_error(err, k->name, line, AT("$.id"), "empty utterance id");
    uid = intern_get(&k->uids, s, n, intern_hash(s, n), &added);
    if (uid < 0)
        return sentraj_nomem(err, "utterance ids");
    if (!added)
        return jsonl_error(err, k->name, line, AT("$.id"), "duplicate utterance id \"%s\" (first on line %llu)",
                           sentraj_show(s, n).s, (unsigned long long)k->utts[uid].line);
    u.id = intern_str(&k->uids, (uint32_t)uid);
    u.id_len = intern_len(&k->uids, (uint32_t)uid);

    v = get_either(obj, "conversation_id", "root", &key);
    if (!v || json_is_null(v))
        return jsonl_error(err, k->name, line, AT("$"),
                           "missing required key \"conversation_id\" (older corpora: \"root\")");
    if (!jsonl_id_text(v, num, sizeof num, &s, &n))
        return jsonl_error(err, k->name, line, JSONL_PATH("$", JSONL_NO_INDEX, key),
                           "the conversation id must be a string or an integer, not %s", jsonl_type(v));
    if (n == 0)
        return jsonl_error(err, k->name, line, JSONL_PATH("$", JSONL_NO_INDEX, key), "empty conversation_id");
    cid = intern_get(&k->convs, s, n, intern_hash(s, n), &added);
    if (cid < 0)
        return sentraj_nomem(err, "conversation ids");
    u.conv = (uint32_t)cid;

    v = json_object_get(obj, "timestamp");
    if (v && !json_is_null(v)) {
        if (!json_is_number(v))
            return jsonl_error(err, k->name, line, AT("$.timestamp"), "the timestamp must be a number or null, not %s",
                               jsonl_type(v));
        u.has_ts = 1;
        u.ts = json_number_value(v);
    }

    meta = json_object_get(obj, "meta");
    if (meta && json_is_null(meta))
        meta = NULL;
    if (meta && !json_is_object(meta))
        return jsonl_error(err, k->name, line, AT("$.meta"), "meta must be an object, not %s", jsonl_type(meta));

    {
        role_kind role;
        if ((rc = utterance_role(k, obj, meta, line, &role, err)) != SENTRAJ_OK)
            return rc;
        u.role = (uint8_t)role;
    }
    if (u.role == ROLE_HUMAN) {
        v = meta ? json_object_get(meta, ds->label_key) : NULL;
        if ((rc = jsonl_sentiment(ds->scale, v, k->name, line, JSONL_PATH("$.meta", JSONL_NO_INDEX, ds->label_key),
                                  &u.value, err)) != SENTRAJ_OK)
            return rc;
    }

    if (k->nutts == k->utts_cap) {
        size_t nc = k->utts_cap ? k->utts_cap * 2 : 1024;
        utt *nu = realloc(k->utts, nc * sizeof *nu);
        if (!nu)
            return sentraj_nomem(err, "utterances");
        k->utts = nu;
        k->utts_cap = nc;
    }
    k->utts[k->nutts++] = u;
    return SENTRAJ_OK;
}

/* ---- conversations.json ---------------------------------------------------------- */

/* Categories from each conversation's meta[category_key]. Every entry is
 * checked, also those of conversations without utterances; only conversations
 * with utterances keep theirs. A missing file means no categories. */
static int read_conversations(ck *k, const char *path, sentraj_error *err)
{
    sentraj_dataset *ds = k->ds;
    struct stat st;
    char *text = NULL;
    size_t len = 0, skip = 0;
    json_t *root;
    const char *cid;
    json_t *cv;
    int rc;

    if (stat(path, &st) != 0 && errno == ENOENT)
        return SENTRAJ_OK;
    if ((rc = input_slurp(path, MAX_FILE, "file larger than 2 GiB", "file contents", &text, &len, err)) != SENTRAJ_OK)
        return rc;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        skip = 3;
    rc = io_json_parse(text + skip, len - skip, path, 0, "conversations.json", &root, err);
    free(text);
    if (rc != SENTRAJ_OK)
        return rc;
    if (!json_is_object(root)) {
        rc = jsonl_error(err, path, 0, AT("$"), "expected an object mapping conversation ids to conversations, not %s",
                         jsonl_type(root));
        json_decref(root);
        return rc;
    }
    if (k->convs.count > k->cats_cap) {
        char **nc = realloc(k->cats, k->convs.count * sizeof *nc);
        if (!nc) {
            json_decref(root);
            return sentraj_nomem(err, "categories");
        }
        memset(nc + k->cats_cap, 0, (k->convs.count - k->cats_cap) * sizeof *nc);
        k->cats = nc;
        k->cats_cap = k->convs.count;
    }
    rc = SENTRAJ_OK;
    json_object_foreach(root, cid, cv) {
        char at[PATH_CAP];
        const json_t *meta;
        size_t n = 0;
        int64_t c;

        /* Conversation ids are data, so always in brackets: $["id"]. */
        snprintf(at, sizeof at, "$[\"%s\"]", sentraj_show(cid, strlen(cid)).s);
        if (!json_is_object(cv)) {
            rc = jsonl_error(err, path, 0, AT(at), "a conversation must be an object, not %s", jsonl_type(cv));
            break;
        }
        meta = json_object_get(cv, "meta");
        if (!meta || json_is_null(meta))
            continue;
        if (!json_is_object(meta)) {
            rc = jsonl_error(err, path, 0, JSONL_PATH(at, JSONL_NO_INDEX, "meta"), "meta must be an object, not %s",
                             jsonl_type(meta));
            break;
        }
        strncat(at, ".meta", sizeof at - strlen(at) - 1);
        rc = jsonl_categories(json_object_get(meta, ds->category_key), ds->category_sep, path, 0,
                              JSONL_PATH(at, JSONL_NO_INDEX, ds->category_key), &k->scratch, &k->scratch_cap, &n, err);
        if (rc != SENTRAJ_OK)
            break;
        c = intern_find(&k->convs, cid, strlen(cid), intern_hash(cid, strlen(cid)));
        if (c < 0 || n == 0)
            continue;
        if (!(k->cats[c] = strdup(k->scratch))) {
            rc = sentraj_nomem(err, "categories");
            break;
        }
    }
    json_decref(root);
    return rc;
}

/* ---- order and rows ----------------------------------------------------------------- */

/* Within a conversation: by timestamp, an utterance without one (null or
 * absent) before every timestamped one, then by id bytewise. Ids are unique,
 * so the order is total. */
static int cmp_utt(const void *a, const void *b)
{
    const utt *x = a, *y = b;
    int r;
    if (x->conv != y->conv)
        return x->conv < y->conv ? -1 : 1;
    if (x->has_ts != y->has_ts)
        return x->has_ts < y->has_ts ? -1 : 1;
    if (x->has_ts && x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    r = memcmp(x->id, y->id, x->id_len < y->id_len ? x->id_len : y->id_len);
    if (r)
        return r;
    return (x->id_len > y->id_len) - (x->id_len < y->id_len);
}

static char *join(const char *dir, const char *name)
{
    size_t d = strlen(dir), n = strlen(name);
    int slash = d > 0 && dir[d - 1] == '/';
    char *p = malloc(d + !slash + n + 1);
    if (!p)
        return NULL;
    memcpy(p, dir, d);
    if (!slash)
        p[d++] = '/';
    memcpy(p + d, name, n + 1);
    return p;
}

/* A ConvoKit corpus directory. Every utterance of DIR/utterances.jsonl is
 * checked and kept in memory (ids, timestamp, role, label: not the text),
 * then each conversation's utterances are ordered by timestamp (null or
 * absent first), then id (bytewise), and fed to the assembler with their
 * rank as message_index. The label is meta[label_key] (a label or a number;
 * required on human utterances); the role is meta[role_key] when a role key
 * is set, else the speaker's role from the speaker-roles file, else the
 * speaker id itself; categories are DIR/conversations.json's
 * meta[category_key] (missing file or key: none). Errors name
 * DIR/utterances.jsonl with the line and a JSON path, or
 * DIR/conversations.json with a path (jansson keeps no positions of values). */
int convokit_read(sentraj_dataset *ds, const char *dir, sentraj_error *err)
{
    ck k;
    char *upath = join(dir, "utterances.jsonl"), *cpath = join(dir, "conversations.json");
    input *in = NULL;
    struct stat st;
    int64_t source;
    int rc;

    memset(&k, 0, sizeof k);
    k.ds = ds;
    intern_init(&k.convs);
    intern_init(&k.uids);
    if (!upath || !cpath) {
        rc = sentraj_nomem(err, "corpus paths");
        goto out;
    }
    k.name = upath;
    if (stat(upath, &st) != 0 && errno == ENOENT) {
        rc = sentraj_raise(err, SENTRAJ_EIO, dir, 0, 0,
                           "not a ConvoKit corpus: the directory has no utterances.jsonl");
        goto out;
    }
    if (ds->speaker_roles && !ds->role_key && !ds->all_human && !(k.map = role_map_read(ds->speaker_roles, err))) {
        rc = err ? err->code : SENTRAJ_EDATA;
        goto out;
    }
    if (ds->id_scope == SENTRAJ_ID_SCOPE_FILE) {
        size_t len = strlen(dir);
        if (!(k.prefix = malloc(len + 2))) {
            rc = sentraj_nomem(err, "reader");
            goto out;
        }
        memcpy(k.prefix, dir, len);
        memcpy(k.prefix + len, ":", 2);
    }
    source = dataset_add_source(ds, upath);
    if (source < 0) {
        rc = sentraj_nomem(err, "reader");
        goto out;
    }
    k.source = (uint32_t)source;
    if (!(in = input_open(upath, err))) {
        rc = err ? err->code : SENTRAJ_EIO;
        goto out;
    }
    if (ds->progress)
        input_set_progress(in, ds->progress, ds->progress_ctx);
    if ((rc = jsonl_each_object(in, utterance, &k, err)) != SENTRAJ_OK)
        goto out;
    if ((rc = read_conversations(&k, cpath, err)) != SENTRAJ_OK)
        goto out;

    if (k.nutts > 1)
        qsort(k.utts, k.nutts, sizeof *k.utts, cmp_utt);
    ds->line_step = 0;
    for (size_t i = 0, rank = 0; i < k.nutts; i++) {
        const utt *u = &k.utts[i];
        msg_row row;
        if (i > 0 && u->conv != k.utts[i - 1].conv)
            rank = 0;
        memset(&row, 0, sizeof row);
        row.id = intern_str(&k.convs, u->conv);
        row.id_len = intern_len(&k.convs, u->conv);
        if (k.prefix) {
            size_t id_len = row.id_len;
            if ((rc = key_build(&k.id, k.prefix, strlen(k.prefix), &row.id, &id_len, 1, err)) != SENTRAJ_OK)
                goto out;
            row.id = k.id.s;
            row.id_len = (uint32_t)k.id.len;
        }
        row.index = rank++;
        row.role = u->role;
        row.value = u->value;
        row.cats = u->conv < k.cats_cap ? k.cats[u->conv] : NULL;
        row.cats_len = row.cats ? (uint32_t)strlen(row.cats) : 0;
        row.line = u->line;
        if ((rc = dataset_add_row(ds, k.source, &row, err)) != SENTRAJ_OK)
            goto out;
    }
    rc = SENTRAJ_OK;
out:
    if (in)
        input_close(in);
    if (rc != SENTRAJ_OK)
        ds->failed = 1;
    ck_free(&k);
    free(upath);
    free(cpath);
    return rc;
}
