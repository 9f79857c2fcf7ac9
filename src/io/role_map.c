/* role_map.c - the role map (--role-map): read "value,role" lines, look values up. */
#include "io/role_map.h"

#include "core/error.h"
#include "io/input.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_MAP ((size_t)64 << 20) /* a role map is read whole */

typedef struct entry {
    char *value;
    size_t len;
    role_kind role;
    uint64_t line;
} entry;

struct role_map {
    char *path;
    entry *e;        /* sorted by (len, bytes) for bsearch */
    size_t n, cap;
    role_kind star;  /* ROLE_UNKNOWN: no "*" line */
    uint64_t star_line;
};

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->value, y->value, x->len);
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

/* The role named by s: the role column's names, or "ignore". */
static role_kind parse_role(const char *s, size_t n)
{
    if (n == 6 && strncasecmp(s, "ignore", 6) == 0)
        return ROLE_IGNORED;
    return labels_parse_role(s, n);
}

/* Add value (unquoted when it is in double quotes) with its role. */
static int add(role_map *m, const char *v, size_t vn, role_kind role, uint64_t line, sentraj_error *err)
{
    entry *e;
    size_t k = 0;

    if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
        v++, vn -= 2;
        for (size_t i = 0; i < vn; i++) {
            if (v[i] != '"')
                continue;
            if (i + 1 == vn || v[i + 1] != '"')
                return sentraj_raise(err, SENTRAJ_EDATA, m->path, line, (uint64_t)i + 2,
                                     "a quote inside a quoted value is written as two quotes");
            i++;
        }
    } else if (memchr(v, '"', vn)) {
        return sentraj_raise(err, SENTRAJ_EDATA, m->path, line, 1,
                             "a quote inside an unquoted value (quote the whole value and double the quote)");
    }
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 32;
        entry *ne = realloc(m->e, nc * sizeof *ne);
        if (!ne)
            return sentraj_nomem(err, "role map");
        m->e = ne;
        m->cap = nc;
    }
    e = &m->e[m->n];
    if (!(e->value = malloc(vn + 1)))
        return sentraj_nomem(err, "role map");
    for (size_t i = 0; i < vn; i++) {
        e->value[k++] = v[i];
        if (v[i] == '"')
            i++; /* the second quote of "" */
    }
    e->value[k] = '\0';
    e->len = k;
    e->role = role;
    e->line = line;
    m->n++;
    return SENTRAJ_OK;
}

/* One line of the map that is not blank, a comment or the header. */
static int map_line(role_map *m, const char *l, size_t ll, uint64_t line, sentraj_error *err)
{
    const char *comma = NULL, *v = l, *ro;
    size_t vn, ron;
    role_kind role;

    for (size_t i = 0; i < ll; i++)
        if (l[i] == ',')
            comma = l + i;
    if (!comma)
        return sentraj_raise(err, SENTRAJ_EDATA, m->path, line, 1, "expected \"value,role\", got \"%s\"",
                             sentraj_show(l, ll).s);
    vn = (size_t)(comma - l);
    ro = comma + 1;
    ron = ll - vn - 1;
    trim(&v, &vn);
    trim(&ro, &ron);
    role = parse_role(ro, ron);
    if (role == ROLE_UNKNOWN)
        return sentraj_raise(err, SENTRAJ_EDATA, m->path, line, (uint64_t)(ro - l) + 1,
                             "unknown role \"%s\" (a role map gives human, assistant or ignore)",
                             sentraj_show(ro, ron).s);
    if (vn == 1 && v[0] == '*') {
        if (m->star != ROLE_UNKNOWN)
            return sentraj_raise(err, SENTRAJ_EDATA, m->path, line, 1,
                                 "\"*\" is listed twice (first on line %llu)", (unsigned long long)m->star_line);
        m->star = role;
        m->star_line = line;
        return SENTRAJ_OK;
    }
    if (vn == 0)
        return sentraj_raise(err, SENTRAJ_EDATA, m->path, line, 1, "empty value");
    return add(m, v, vn, role, line, err);
}

static int parse(role_map *m, const char *text, size_t len, sentraj_error *err)
{
    size_t pos = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    uint64_t line = 0;
    int seen = 0, rc;

    while (pos < len) {
        const char *l = text + pos, *nl = memchr(l, '\n', len - pos), *t = l;
        size_t ll = nl ? (size_t)(nl - l) : len - pos, tn = ll;

        pos += ll + (nl != NULL);
        line++;
        trim(&t, &tn);
        if (tn == 0 || t[0] == '#')
            continue;
        if (!seen++ && (strncasecmp(t, "value,role", tn) == 0 || strncasecmp(t, "speaker,role", tn) == 0) &&
            (tn == 10 || tn == 12))
            continue;
        if ((rc = map_line(m, l, ll, line, err)) != SENTRAJ_OK)
            return rc;
    }
    if (m->n == 0 && m->star == ROLE_UNKNOWN)
        return sentraj_raise(err, SENTRAJ_EDATA, m->path, 0, 0, "the role map lists no values (one \"value,role\" line each)");
    if (m->n > 1)
        qsort(m->e, m->n, sizeof *m->e, cmp_entry);
    for (size_t i = 1; i < m->n; i++) {
        if (cmp_entry(&m->e[i - 1], &m->e[i]) == 0) {
            const entry *a = &m->e[i - 1], *b = &m->e[i];
            if (a->line > b->line)
                a = &m->e[i], b = &m->e[i - 1];
            return sentraj_raise(err, SENTRAJ_EDATA, m->path, b->line, 1,
                                 "value \"%s\" is listed twice (first on line %llu)", sentraj_show(b->value, b->len).s,
                                 (unsigned long long)a->line);
        }
    }
    return SENTRAJ_OK;
}

role_map *role_map_read(const char *path, sentraj_error *err)
{
    role_map *m = calloc(1, sizeof *m);
    char *text = NULL;
    size_t len = 0;
    int rc;

    if (!m || !(m->path = strdup(path))) {
        free(m);
        sentraj_nomem(err, "role map");
        return NULL;
    }
    m->star = ROLE_UNKNOWN;
    rc = input_slurp(path, MAX_MAP, "role map larger than 64 MiB", "role map", &text, &len, err);
    if (rc == SENTRAJ_OK)
        rc = parse(m, text, len, err);
    free(text);
    if (rc != SENTRAJ_OK) {
        role_map_free(m);
        return NULL;
    }
    return m;
}

void role_map_free(role_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->e[i].value);
    free(m->e);
    free(m->path);
    free(m);
}

role_kind role_map_get(const role_map *m, const char *s, size_t len)
{
    entry key = {(char *)(uintptr_t)s, len, ROLE_UNKNOWN, 0};
    const entry *e = m->n == 0 ? NULL : bsearch(&key, m->e, m->n, sizeof *m->e, cmp_entry);
    return e ? e->role : m->star;
}

const char *role_map_path(const role_map *m)
{
    return m->path;
}
