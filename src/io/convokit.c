/* convokit.c - the reader for ConvoKit corpus directories (utterances.jsonl, conversations.json). */
#include "data/dataset.h"

#include "core/error.h"
#include "io/input.h"
#include "io/readers.h"
#include "io/json_parse.h"
#include "io/jsonl.h"

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
#define MAX_FILE ((size_t)1 << 31) /* conversations.json and the speaker-roles file are read whole */

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
    /* --speaker-roles: speaker id -> role */
    intern speakers;
    uint8_t *speaker_role;
    uint64_t *speaker_line;
    size_t speakers_cap;
} ck;

static void ck_free(ck *k)
{
    for (size_t i = 0; i < k->cats_cap; i++)
        free(k->cats[i]);
    free(k->cats);
    intern_free(&k->convs);
    intern_free(&k->uids);
    intern_free(&k->speakers);
    free(k->utts);
    free(k->scratch);
    free(k->speaker_role);
    free(k->speaker_line);
}

/* Read a whole (small) file into memory, gzip decompressed. */
static int slurp(const char *path, char **out, size_t *len, sentraj_error *err)
{
    input *in = input_open(path, err);
    char *buf = NULL;
    size_t cap = 0, n = 0;
    int rc = SENTRAJ_OK;

    if (!in)
        return err ? err->code : SENTRAJ_EIO;
    for (;;) {
        ssize_t got;
        if (cap - n < 65536) {
            size_t nc = cap ? cap * 2 : 1 << 20;
            char *nb;
            if (nc > MAX_FILE) {
                rc = sentraj_raise(err, SENTRAJ_ELIMIT, path, 0, 0, "file larger than 2 GiB");
                break;
            }
            if (!(nb = realloc(buf, nc))) {
                rc = sentraj_nomem(err, "file contents");
                break;
            }
            buf = nb;
            cap = nc;
        }
        got = input_read(in, buf + n, cap - n - 1, err);
        if (got < 0) {
            rc = err ? err->code : SENTRAJ_EIO;
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    input_close(in);
    if (rc != SENTRAJ_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return SENTRAJ_OK;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

/* ---- the speaker-roles file ------------------------------------------------- */

/* A speaker id wrapped in double quotes, unquoted into *buf ("" is a
 * quote); *sp and *spn then point there. */
static int unquote(const char **sp, size_t *spn, char **buf, sentraj_error *err)
{
    const char *q = *sp;
    size_t m = 0;
    char *nu = realloc(*buf, *spn);
    if (!nu)
        return sentraj_nomem(err, "speaker roles");
    *buf = nu;
    for (size_t i = 1; i + 1 < *spn; i++) {
        nu[m++] = q[i];
        if (q[i] == '"' && q[i + 1] == '"' && i + 2 < *spn)
            i++;
    }
    *sp = nu;
    *spn = m;
    return SENTRAJ_OK;
}

/* Record the role of speaker sp, read on `line`; a speaker listed again
 * must have the same role. */
static int add_speaker(ck *k, const char *sp, size_t spn, role_kind role, uint64_t line, const char *path,
                       sentraj_error *err)
{
    int added;
    int64_t id = intern_get(&k->speakers, sp, spn, intern_hash(sp, spn), &added);

    if (id < 0)
        return sentraj_nomem(err, "speaker roles");
    if (!added) {
        if (k->speaker_role[id] != (uint8_t)role)
            return sentraj_raise(err, SENTRAJ_EDATA, path, line, 0,
                                 "speaker \"%s\" is listed again with another role (first on line %llu)",
                                 sentraj_show(sp, spn).s, (unsigned long long)k->speaker_line[id]);
        return SENTRAJ_OK;
    }
    if ((size_t)id >= k->speakers_cap) {
        size_t nc = k->speakers_cap ? k->speakers_cap * 2 : 64;
        uint8_t *nr = realloc(k->speaker_role, nc * sizeof *nr);
        uint64_t *nl;
        if (nr)
            k->speaker_role = nr;
        nl = nr ? realloc(k->speaker_line, nc * sizeof *nl) : NULL;
        if (!nl)
            return sentraj_nomem(err, "speaker roles");
        k->speaker_line = nl;
        k->speakers_cap = nc;
    }
    k->speaker_role[id] = (uint8_t)role;
    k->speaker_line[id] = line;
    return SENTRAJ_OK;
}

/* "speaker,role" lines: an optional header of exactly those names, blank
 * lines skipped. The role is after the last comma, so speaker ids may
 * contain commas; a speaker wrapped in double quotes is unquoted ("" is a
 * quote). */
static int read_speaker_roles(ck *k, const char *path, sentraj_error *err)
{
    char *text = NULL, *unq = NULL;
    size_t len = 0, pos = 0;
    uint64_t line = 0;
    int rc, seen_data = 0;

    if ((rc = slurp(path, &text, &len, err)) != SENTRAJ_OK)
        return rc;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len && rc == SENTRAJ_OK) {
        const char *l = text + pos, *nl = memchr(l, '\n', len - pos), *comma = NULL;
        size_t ll = nl ? (size_t)(nl - l) : len - pos;
        const char *sp, *ro;
        size_t spn, ron;
        role_kind role;

        pos += ll + (nl != NULL);
        line++;
        for (size_t i = 0; i < ll; i++)
            if (l[i] == ',')
                comma = l + i;
        sp = l;
        spn = ll;
        trim(&sp, &spn);
        if (spn == 0)
            continue;
        if (!comma) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, path, line, 0, "expected \"speaker,role\", got \"%s\"",
                               sentraj_show(sp, spn).s);
            break;
        }
        sp = l;
        spn = (size_t)(comma - l);
        ro = comma + 1;
        ron = ll - spn - 1;
        trim(&sp, &spn);
        trim(&ro, &ron);
        if (!seen_data) {
            seen_data = 1;
            if (spn == 7 && strncasecmp(sp, "speaker", 7) == 0 && ron == 4 && strncasecmp(ro, "role", 4) == 0)
                continue;
        }
        if (spn >= 2 && sp[0] == '"' && sp[spn - 1] == '"' && (rc = unquote(&sp, &spn, &unq, err)) != SENTRAJ_OK)
            break;
        if (spn == 0) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, path, line, 0, "empty speaker id");
            break;
        }
        role = labels_parse_role(ro, ron);
        if (role == ROLE_UNKNOWN) {
            rc = sentraj_raise(err, SENTRAJ_EDATA, path, line, (uint64_t)(ro - l) + 1,
                               "unknown role \"%s\" (human roles: human, user; assistant roles: assistant, claude, "
                               "model, ai, bot; ignored: system, tool)",
                               sentraj_show(ro, ron).s);
            break;
        }
        rc = add_speaker(k, sp, spn, role, line, path, err);
    }
    free(unq);
    free(text);
    return rc;
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
    if (ds->speaker_roles) {
        int64_t id = intern_find(&k->speakers, s, n, intern_hash(s, n));
        if (id < 0)
            return jsonl_error(err, k->name, line, JSONL_PATH("$", JSONL_NO_INDEX, key),
                               "speaker \"%s\" is not listed in %s", sentraj_show(s, n).s, ds->speaker_roles);
        *role = (role_kind)k->speaker_role[id];
        return SENTRAJ_OK;
    }
    *role = labels_parse_role(s, n);
    if (*role == ROLE_UNKNOWN)
        return jsonl_error(err, k->name, line, JSONL_PATH("$", JSONL_NO_INDEX, key),
                           "speaker \"%s\" is not a role name (human, user, assistant, claude, model, ai, bot, "
                           "system, tool): map speakers to roles with --speaker-roles FILE, or read each role from "
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
    if ((rc = slurp(path, &text, &len, err)) != SENTRAJ_OK)
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
    intern_init(&k.speakers);
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
    if (ds->speaker_roles && !ds->role_key && (rc = read_speaker_roles(&k, ds->speaker_roles, err)) != SENTRAJ_OK)
        goto out;
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
