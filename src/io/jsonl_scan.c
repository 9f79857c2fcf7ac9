/* jsonl_scan.c - a JSONL line scanned in place: checked to be JSON, the values sentraj reads noted, nothing built.
 *
 * The scanner reads what almost every line is, valid JSON of a shape the
 * reader takes, at the speed of a CSV field splitter: one pass, no tree, no
 * allocation (its arrays grow once and are reused), long strings such as
 * message texts skipped 16 bytes at a time. Everything else it hands back
 * (JSONL_FALLBACK) to jansson's tree (jsonl.c), which reads or rejects the
 * line and words the error: invalid JSON, a wrong type, a missing key, an
 * unknown label, and also what is valid but rare and easier done there (an
 * escape in a key or in a value the reader uses, a composite --col-id, a
 * number jansson might not hold, nesting deeper than MAX_DEPTH). So the
 * scanner must never read a line jansson would reject, or read one to other
 * rows: its checks are those of RFC 8259 plus jansson's own (duplicate keys,
 * no \u0000, 64-bit integers, finite reals), and tests/test_jsonl_scan.c
 * holds it to jansson on fuzzed lines. */
#include "io/jsonl_rows.h"

#include "core/grow.h"
#include "data/labels.h"
#include "io/jsonl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define MAX_DEPTH 128 /* deeper nesting is left to jansson (which allows 2048) */
#define MAX_KEYS 32   /* an object with more keys is left to jansson (duplicates are checked pairwise) */
#define MAX_DIGITS 18 /* an integer with more digits is left to jansson (which holds 64 bits) */

typedef const char *cp;

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static cp ws(cp p, cp e)
{
    while (p < e && is_ws(*p))
        p++;
    return p;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The code unit of the \uXXXX at p (p at the backslash), or -1. */
static long u_escape(cp p, cp e)
{
    long u = 0;
    if (e - p < 6 || p[0] != '\\' || p[1] != 'u')
        return -1;
    for (int k = 2; k < 6; k++) {
        int h = hexval(p[k]);
        if (h < 0)
            return -1;
        u = u * 16 + h;
    }
    return u;
}

/* The end of the escape at p (a backslash), or NULL when it is not one
 * jansson takes: \u0000 and unpaired surrogates are refused. */
static cp escape(cp p, cp e)
{
    long u, lo;
    if (e - p < 2)
        return NULL;
    switch (p[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return p + 2;
    case 'u':
        break;
    default:
        return NULL;
    }
    u = u_escape(p, e);
    if (u <= 0 || (u >= 0xDC00 && u <= 0xDFFF))
        return NULL;
    if (u < 0xD800 || u > 0xDBFF)
        return p + 6;
    lo = u_escape(p + 6, e);
    return lo >= 0xDC00 && lo <= 0xDFFF ? p + 12 : NULL;
}

/* The length of the valid UTF-8 sequence at p (a byte >= 0x80), or 0:
 * overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *e)
{
    unsigned c = p[0];
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0)
        return e - p >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (e - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (e - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
        return 0;
    if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
        return 0;
    return 4;
}

/* A string whose opening quote is just before p: its content noted in sp.
 * Returns the byte after the closing quote, or NULL. Plain bytes (printable
 * ASCII but '"' and '\') are skipped 16 at a time with SSE2. */
static cp string(cp p, cp e, jspan *sp)
{
    sp->s = p;
    sp->type = JT_STR;
    sp->flags = 0;
    for (;;) {
        unsigned char c;
#if defined(__SSE2__)
        const __m128i qu = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), sp20 = _mm_set1_epi8(0x20);
        while (e - p >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            /* Signed, bytes >= 0x80 are below 0x20 too. */
            __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, qu), _mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, sp20));
            int bits = _mm_movemask_epi8(m);
            if (bits) {
                p += __builtin_ctz((unsigned)bits);
                goto special;
            }
            p += 16;
        }
#endif
        while (p < e && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80 && *p != '"' && *p != '\\')
            p++;
#if defined(__SSE2__)
    special:
#endif
        if (p >= e)
            return NULL;
        c = (unsigned char)*p;
        if (c == '"') {
            sp->n = (size_t)(p - sp->s);
            return p + 1;
        }
        if (c == '\\') {
            sp->flags |= JF_ESC;
            if (!(p = escape(p, e)))
                return NULL;
        } else if (c < 0x20) {
            return NULL;
        } else {
            size_t k = utf8_seq((const unsigned char *)p, (const unsigned char *)e);
            if (!k)
                return NULL;
            p += k;
        }
    }
}

static int digit(cp p, cp e)
{
    return p < e && *p >= '0' && *p <= '9';
}

/* A number (RFC 8259's grammar) at p, noted in sp. An integer is left to
 * jansson past MAX_DIGITS digits, a real when it might overflow a double
 * (jansson refuses those). "-0" is flagged: jansson reads it as 0. */
static cp number(cp p, cp e, jspan *sp)
{
    size_t ndig = 0;
    long ex = 0;
    int real = 0, eneg = 0;

    sp->s = p;
    sp->flags = 0;
    if (p < e && *p == '-')
        p++;
    if (!digit(p, e))
        return NULL;
    if (*p == '0') {
        p++;
    } else {
        while (digit(p, e))
            p++, ndig++;
    }
    if (p < e && *p == '.') {
        p++;
        if (!digit(p, e))
            return NULL;
        while (digit(p, e))
            p++;
        real = 1;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        if (!digit(p, e))
            return NULL;
        while (digit(p, e)) {
            if (ex < 100000)
                ex = ex * 10 + (*p - '0');
            p++;
        }
        real = 1;
    }
    sp->n = (size_t)(p - sp->s);
    sp->type = real ? JT_REAL : JT_INT;
    /* A real below 10^(integer digits + exponent) <= 10^300 is finite. */
    if (real ? (long)ndig + (eneg ? 0 : ex) > 300 : ndig > MAX_DIGITS)
        return NULL;
    if (!real && sp->n == 2 && sp->s[0] == '-' && sp->s[1] == '0')
        sp->flags |= JF_ODD;
    return p;
}

static cp literal(cp p, cp e, const char *word, size_t n, int type, jspan *sp)
{
    if ((size_t)(e - p) < n || memcmp(p, word, n) != 0)
        return NULL;
    sp->s = p;
    sp->n = n;
    sp->type = (uint8_t)type;
    sp->flags = 0;
    return p + n;
}

static cp value(cp p, cp e, int depth, jspan *sp);

/* A key of an object, checked against the object's keys before it
 * (jansson refuses duplicates). Keys with escapes are left to jansson. */
static cp key(cp p, cp e, jspan *keys, size_t *nk, jspan *k)
{
    if (p >= e || *p != '"' || !(p = string(p + 1, e, k)) || (k->flags & JF_ESC) || *nk == MAX_KEYS)
        return NULL;
    for (size_t i = 0; i < *nk; i++)
        if (keys[i].n == k->n && memcmp(keys[i].s, k->s, k->n) == 0)
            return NULL;
    keys[(*nk)++] = *k;
    p = ws(p, e);
    if (p >= e || *p != ':')
        return NULL;
    return ws(p + 1, e);
}

/* After a member or element: the byte after ',' (*more set) or after the
 * closing bracket. */
static cp next(cp p, cp e, char close, int *more)
{
    p = ws(p, e);
    if (p >= e)
        return NULL;
    *more = *p == ',';
    if (*more)
        return ws(p + 1, e);
    return *p == close ? p + 1 : NULL;
}

static cp object(cp p, cp e, int depth)
{
    jspan keys[MAX_KEYS], k, v;
    size_t nk = 0;
    int more = 1;

    p = ws(p, e);
    if (p < e && *p == '}')
        return p + 1;
    while (more) {
        if (!(p = key(p, e, keys, &nk, &k)) || !(p = value(p, e, depth + 1, &v)) || !(p = next(p, e, '}', &more)))
            return NULL;
    }
    return p;
}

static cp array(cp p, cp e, int depth)
{
    jspan v;
    int more = 1;

    p = ws(p, e);
    if (p < e && *p == ']')
        return p + 1;
    while (more)
        if (!(p = value(p, e, depth + 1, &v)) || !(p = next(p, e, ']', &more)))
            return NULL;
    return p;
}

/* Any value at p, checked and noted in sp (a container by its start). */
static cp value(cp p, cp e, int depth, jspan *sp)
{
    if (p >= e || depth > MAX_DEPTH)
        return NULL;
    switch (*p) {
    case '"':
        return string(p + 1, e, sp);
    case '{':
        sp->s = p, sp->n = 0, sp->type = JT_OBJ, sp->flags = 0;
        return object(p + 1, e, depth);
    case '[':
        sp->s = p, sp->n = 0, sp->type = JT_ARR, sp->flags = 0;
        return array(p + 1, e, depth);
    case 't':
        return literal(p, e, "true", 4, JT_TRUE, sp);
    case 'f':
        return literal(p, e, "false", 5, JT_FALSE, sp);
    case 'n':
        return literal(p, e, "null", 4, JT_NULL, sp);
    default:
        return number(p, e, sp);
    }
}

/* ---- the line's shape ------------------------------------------------------------ */

/* The names the scanner looks for, with their lengths. */
typedef struct name {
    const char *s;
    size_t n;
} name;

static int is(const jspan *k, name nm)
{
    return nm.s && k->n == nm.n && memcmp(k->s, nm.s, nm.n) == 0;
}

static name nm(const char *s)
{
    return (name){s, s ? strlen(s) : 0};
}

/* What the scanner noted on a line. */
typedef struct notes {
    jspan id, alt_id, cats, cluster, msgs;
    size_t ncats, nmsg;
    int sharegpt;
    int alt;              /* the id key is the default: "id" stands in for it */
    name idk, catk, clk, rolek, indexk, sentk;
} notes;

/* One message object, after its '{': the role ("from" too for ShareGPT),
 * index and sentiment noted. */
static cp message(cp p, cp e, const notes *t, int sharegpt, jscan_msg *m)
{
    jspan keys[MAX_KEYS], k, v;
    size_t nk = 0;
    int more = 1;

    p = ws(p, e);
    if (p < e && *p == '}')
        return p + 1;
    while (more) {
        if (!(p = key(p, e, keys, &nk, &k)) || !(p = value(p, e, 2, &v)) || !(p = next(p, e, '}', &more)))
            return NULL;
        if (is(&k, t->rolek))
            m->role = v;
        if (sharegpt && k.n == 4 && memcmp(k.s, "from", 4) == 0)
            m->from = v;
        if (is(&k, t->indexk))
            m->index = v;
        if (is(&k, t->sentk))
            m->sentiment = v;
    }
    return p;
}

/* The messages array, after its '['. */
static cp messages(jsonl_state *st, cp p, cp e, notes *t, int sharegpt)
{
    int more = 1;

    t->nmsg = 0;
    p = ws(p, e);
    if (p < e && *p == ']')
        return p + 1;
    while (more) {
        jscan_msg *m;
        if (array_grow((void **)&st->smsgs, &st->smsgs_cap, t->nmsg, sizeof *st->smsgs, 64) < 0)
            return NULL;
        m = &st->smsgs[t->nmsg++];
        memset(m, 0, sizeof *m);
        if (p < e && *p == '{') {
            m->object = 1;
            p = message(p + 1, e, t, sharegpt, m);
        } else {
            p = value(p, e, 2, &m->role);
            m->role.type = JT_NONE;
        }
        if (!p || !(p = next(p, e, ']', &more)))
            return NULL;
    }
    return p;
}

/* The categories array, after its '[': its strings noted. */
static cp categories(jsonl_state *st, cp p, cp e, notes *t)
{
    int more = 1;

    t->ncats = 0;
    p = ws(p, e);
    if (p < e && *p == ']')
        return p + 1;
    while (more) {
        if (array_grow((void **)&st->scats, &st->scats_cap, t->ncats, sizeof *st->scats, 64) < 0 ||
            !(p = value(p, e, 2, &st->scats[t->ncats++])) || !(p = next(p, e, ']', &more)))
            return NULL;
    }
    return p;
}

/* The line's object: the values of the keys sentraj reads noted, the
 * others checked and skipped. A key that means two things is left to
 * jansson. */
static cp line_object(jsonl_state *st, cp p, cp e, notes *t)
{
    jspan keys[MAX_KEYS], k, v;
    size_t nk = 0;
    int more = 1;

    p = ws(p, e);
    if (p >= e || *p != '{')
        return NULL;
    p = ws(p + 1, e);
    if (p < e && *p == '}')
        return p + 1;
    while (more) {
        int arr, sharegpt, alt;
        if (!(p = key(p, e, keys, &nk, &k)))
            return NULL;
        arr = k.n == 8 && memcmp(k.s, "messages", 8) == 0;
        sharegpt = k.n == 13 && memcmp(k.s, "conversations", 13) == 0;
        alt = t->alt && k.n == 2 && memcmp(k.s, "id", 2) == 0;
        if (is(&k, t->idk) + is(&k, t->catk) + is(&k, t->clk) + alt + arr + sharegpt > 1)
            return NULL;
        if (arr || sharegpt) {
            if (t->msgs.type != JT_NONE) /* both arrays: jansson picks */
                return NULL;
            t->sharegpt = sharegpt;
            if (p < e && *p == '[') {
                t->msgs = (jspan){p, 0, JT_ARR, 0};
                p = messages(st, p + 1, e, t, sharegpt);
            } else {
                p = value(p, e, 1, &t->msgs);
            }
        } else if (is(&k, t->catk) && p < e && *p == '[') {
            t->cats = (jspan){p, 0, JT_ARR, 0};
            if ((p = categories(st, p + 1, e, t)) != NULL)
                t->cats.n = (size_t)(p - t->cats.s);
        } else {
            p = value(p, e, 1, &v);
            if (is(&k, t->idk))
                t->id = v;
            else if (alt)
                t->alt_id = v;
            else if (is(&k, t->catk))
                t->cats = v;
            else if (is(&k, t->clk))
                t->cluster = v;
        }
        if (!p || !(p = next(p, e, '}', &more)))
            return NULL;
    }
    return p;
}

/* ---- the line's rows --------------------------------------------------------------- */

/* An id or cluster: a non-empty string without escapes, or an integer
 * read as its text. */
static int id_text(const jspan *v)
{
    return (v->type == JT_STR && !(v->flags & JF_ESC) && v->n > 0) || (v->type == JT_INT && !(v->flags & JF_ODD));
}

/* The categories as the field the assembler takes: joined in place when
 * an array has several. Returns 0, or -1 for what jansson's reader would
 * refuse (then nothing is written). join writes. */
static int cats_text(jsonl_state *st, const notes *t, char sep, int join, const char **s, size_t *n)
{
    const jspan *v = &t->cats;
    char *w;

    *s = NULL;
    *n = 0;
    if (v->type == JT_NONE || v->type == JT_NULL)
        return 0;
    if (v->type == JT_STR) {
        if ((v->flags & JF_ESC) || jsonl_names_all(v->s, v->n, sep))
            return -1;
        *s = v->s;
        *n = v->n;
        return 0;
    }
    if (v->type != JT_ARR)
        return -1;
    for (size_t i = 0; i < t->ncats; i++) {
        const jspan *c = &st->scats[i];
        if (c->type != JT_STR || (c->flags & JF_ESC) || memchr(c->s, sep, c->n) || jsonl_names_all(c->s, c->n, sep))
            return -1;
    }
    if (t->ncats == 1) {
        *s = st->scats[0].s;
        *n = st->scats[0].n;
        return 0;
    }
    if (t->ncats == 0)
        return 0;
    /* Joined in place below, the names become one JSON string: not with a
     * separator that cannot stand in one unescaped. */
    if (sep == '"' || sep == '\\' || (unsigned char)sep < 0x20)
        return -1;
    if (!join)
        return 0;
    /* The array becomes the string of the joined names, padded with
     * blanks, so the line stays valid JSON with the same keys (the error
     * for a repeated conversation reads it again). Each name lies past
     * where its joined text goes: the array's bracket, quotes and commas
     * are longer than the separators and the string's quotes. */
    w = (char *)(uintptr_t)v->s;
    *w++ = '"';
    *s = w;
    for (size_t i = 0; i < t->ncats; i++) {
        if (i)
            *w++ = sep;
        memmove(w, st->scats[i].s, st->scats[i].n);
        w += st->scats[i].n;
    }
    *n = (size_t)(w - *s);
    *w++ = '"';
    memset(w, ' ', (size_t)(v->s + v->n - w));
    return 0;
}

/* The cache entry holding s[0, n), or NULL. Labels and roles are few
 * distinct texts read over and over: their words are folded once. */
static jsonl_cached *cached(jsonl_cached *c, const char *s, size_t n)
{
    for (int i = 0; i < JSONL_CACHE; i++)
        if (c[i].n == n && n && memcmp(c[i].s, s, n) == 0)
            return &c[i];
    return NULL;
}

static jsonl_cached *cache_put(jsonl_cached *c, unsigned *next, const char *s, size_t n)
{
    jsonl_cached *e;
    if (n == 0 || n > JSONL_CACHED_TEXT)
        return NULL;
    e = &c[*next % JSONL_CACHE];
    *next += 1;
    memcpy(e->s, s, n);
    e->n = (uint8_t)n;
    return e;
}

/* A human message's sentiment as its value, or -1 for anything the tree
 * reader would refuse or read otherwise. */
static int sentiment(jsonl_state *st, const sentraj_scale *scale, const jspan *v, double *value)
{
    jsonl_cached *c;
    char num[64];
    const char *s = "";
    size_t n = 0;

    if ((v->type == JT_STR && !(v->flags & JF_ESC)) || (v->type == JT_INT && !(v->flags & JF_ODD))) {
        s = v->s;
        n = v->n;
        if ((c = cached(st->labels, s, n)) != NULL) {
            *value = c->value;
            return 0;
        }
        if (labels_parse_sentiment(scale, s, n, value) != LABEL_OK)
            return -1;
        if ((c = cache_put(st->labels, &st->next_label, s, n)) != NULL)
            c->value = *value;
        return 0;
    } else if (v->type == JT_REAL) {
        if (v->n >= sizeof num)
            return -1;
        memcpy(num, v->s, v->n);
        num[v->n] = '\0';
        sentraj_format_double(strtod(num, NULL), num, sizeof num);
        s = num;
        n = strlen(num);
    } else if (v->type != JT_NONE && v->type != JT_NULL) {
        return -1;
    }
    return labels_parse_sentiment(scale, s, n, value) == LABEL_OK ? 0 : -1;
}

/* A message's role, or -1. */
static int role(jsonl_state *st, const jscan_msg *m, int sharegpt, role_kind *out)
{
    jsonl_cached *c;
    const jspan *v = m->role.type != JT_NONE ? &m->role : sharegpt ? &m->from : &m->role;

    if (st->sh->ds->all_human) {
        *out = ROLE_HUMAN;
        return 0;
    }
    if (v->type == JT_NONE)
        return -1;
    if (st->sh->map) {
        if (!((v->type == JT_STR && !(v->flags & JF_ESC)) || (v->type == JT_INT && !(v->flags & JF_ODD))))
            return -1;
        *out = role_map_get(st->sh->map, v->s, v->n);
    } else if (v->type != JT_STR || (v->flags & JF_ESC)) {
        return -1;
    } else if (sharegpt && v->n == 3 && memcmp(v->s, "gpt", 3) == 0) {
        *out = ROLE_ASSISTANT;
    } else if ((c = cached(st->roles, v->s, v->n)) != NULL) {
        *out = (role_kind)c->role;
    } else {
        *out = labels_parse_role(v->s, v->n);
        if (*out != ROLE_UNKNOWN && (c = cache_put(st->roles, &st->next_role, v->s, v->n)) != NULL)
            c->role = (uint8_t)*out;
    }
    return *out == ROLE_UNKNOWN ? -1 : 0;
}

/* The line's messages checked into st->msgs, in the order they are fed. */
static int check_messages(jsonl_state *st, const notes *t, int with_index)
{
    const sentraj_scale *scale = st->sh->ds->scale;
    int sorted = 1;

    if (jsonl_msgs_room(st, t->nmsg, NULL) != SENTRAJ_OK)
        return -1;
    for (size_t i = 0; i < t->nmsg; i++) {
        const jscan_msg *m = &st->smsgs[i];
        jmsg *o = &st->msgs[i];
        if (!m->object || role(st, m, t->sharegpt, &o->role) < 0 || (m->index.type != JT_NONE) != with_index)
            return -1;
        o->pos = i;
        o->value = 0;
        o->index = i;
        if (with_index) {
            if (m->index.type != JT_INT || m->index.s[0] == '-')
                return -1;
            o->index = 0;
            for (size_t k = 0; k < m->index.n; k++)
                o->index = o->index * 10 + (uint64_t)(m->index.s[k] - '0');
            sorted &= i == 0 || o->index > st->msgs[i - 1].index;
        }
        if (o->role == ROLE_HUMAN && sentiment(st, scale, &m->sentiment, &o->value) < 0)
            return -1;
    }
    if (!sorted) {
        /* (index, position) pairs are distinct: any sort gives the tree
         * reader's order. A duplicate index is the tree reader's error. */
        for (size_t i = 1; i < t->nmsg; i++) {
            jmsg x = st->msgs[i];
            size_t j = i;
            for (; j > 0 && st->msgs[j - 1].index > x.index; j--)
                st->msgs[j] = st->msgs[j - 1];
            st->msgs[j] = x;
        }
        for (size_t i = 1; i < t->nmsg; i++)
            if (st->msgs[i].index == st->msgs[i - 1].index)
                return -1;
    }
    return 0;
}

int jsonl_scan_line(jsonl_state *st, char *s, size_t n, uint64_t line, block_rows *out, sentraj_error *err)
{
    const jsonl_shared *sh = st->sh;
    const sentraj_dataset *ds = sh->ds;
    cp p, e = s + n;
    notes t;
    const jspan *idv;
    const char *id, *cats;
    size_t id_len, cats_len;
    int with_index, id_kept = 1;
    char lineid[320];

    if (sh->nkey > 1)
        return JSONL_FALLBACK;
    memset(&t, 0, sizeof t);
    t.idk = nm(ds->field[FIELD_ID]);
    t.alt = strcmp(ds->field[FIELD_ID], "conversation_id") == 0;
    t.catk = nm(ds->field[FIELD_CATEGORIES]);
    t.clk = nm(ds->field[FIELD_CLUSTER]);
    t.rolek = nm(ds->field[FIELD_ROLE]);
    t.indexk = nm(ds->field[FIELD_INDEX]);
    t.sentk = nm(ds->field[FIELD_SENTIMENT]);
    if (!(p = line_object(st, s, e, &t)) || ws(p, e) != e)
        return JSONL_FALLBACK;

    /* The tree reader's checks, in its order (jsonl.c, conversation). */
    idv = &t.id;
    if (idv->type == JT_NONE && t.alt)
        idv = &t.alt_id;
    else if (idv->type == JT_NONE)
        return JSONL_FALLBACK;
    if (idv->type == JT_NONE) {
        snprintf(lineid, sizeof lineid, "%s:%llu", sh->name, (unsigned long long)line);
        id = lineid;
        id_len = strlen(lineid);
        id_kept = 0;
    } else if (!id_text(idv)) {
        return JSONL_FALLBACK;
    } else {
        id = idv->s;
        id_len = idv->n;
    }
    if (cats_text(st, &t, ds->category_sep, 0, &cats, &cats_len) < 0)
        return JSONL_FALLBACK;
    if (t.clk.s && !id_text(&t.cluster))
        return JSONL_FALLBACK;
    if (t.msgs.type != JT_ARR)
        return JSONL_FALLBACK;
    if (t.nmsg == 0)
        return SENTRAJ_OK;
    with_index = st->smsgs[0].object && st->smsgs[0].index.type != JT_NONE;
    if ((idv->type == JT_NONE && with_index) || check_messages(st, &t, with_index) < 0)
        return JSONL_FALLBACK;
    if (id_kept && sh->prefix) {
        if (key_build(&st->id, sh->prefix, sh->prefix_len, &id, &id_len, 1, NULL) != SENTRAJ_OK)
            return JSONL_FALLBACK;
        id = st->id.s;
        id_len = st->id.len;
        id_kept = 0;
    }
    /* Nothing can fail now but memory: the categories may be joined. */
    cats_text(st, &t, ds->category_sep, 1, &cats, &cats_len);
    return jsonl_emit(out, line, st->msgs, t.nmsg, id, id_len, id_kept, cats, cats_len, 1, t.cluster.s, t.cluster.n, 1,
                      !with_index, err);
}
