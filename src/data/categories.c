/* categories.c - category sets: a categories field made canonical, and a categories table joined at finish. */
#include "data/dataset.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names of a categories field: split on ds->category_sep, blanks trimmed, empty
 * parts dropped, each interned in ds->cats (in the field's order, which
 * gives category ids) and listed in *names (n of them, sorted, repeats
 * kept; *total is their lengths plus one each). SENTRAJ_OK, SENTRAJ_EDATA
 * for the reserved name "all", or SENTRAJ_ENOMEM; *names is the caller's
 * to free either way. */
static int split_names(sentraj_dataset *ds, const char *s, size_t len, const char *source, uint64_t line,
                       uint64_t col, const char ***names, size_t *n, size_t *total, sentraj_error *err)
{
    size_t cap = 0;
    int added;

    *names = NULL;
    *n = *total = 0;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && s[j] != ds->category_sep)
            j++;
        size_t a = i, b = j;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        if (b > a) {
            if (b - a == 3 && memcmp(s + a, "all", 3) == 0)
                return sentraj_raise(err, SENTRAJ_EDATA, source, line, col,
                                     "category name \"all\" is reserved for the row that counts every conversation");
            int64_t id = intern_get(&ds->cats, s + a, b - a, intern_hash(s + a, b - a), &added);
            if (id < 0)
                return sentraj_nomem(err, "category names");
            if (*n == cap) {
                cap = cap ? cap * 2 : 8;
                const char **nn = realloc(*names, cap * sizeof *nn);
                if (!nn)
                    return sentraj_nomem(err, "category list");
                *names = nn;
            }
            (*names)[(*n)++] = intern_str(&ds->cats, (uint32_t)id);
            *total += b - a + 1;
        }
        i = j + 1;
    }
    if (*n > 1)
        qsort(*names, *n, sizeof **names, cmp_str);
    return SENTRAJ_OK;
}

/* Join the sorted names, each once, with sep into joined (room for total
 * bytes and a NUL); the distinct names move to the front of names.
 * Returns the joined length; *n becomes the number of distinct names. */
static size_t join_unique(const char **names, size_t *n, char sep, char *joined)
{
    size_t m = 0, k = 0;
    for (size_t i = 0; i < *n; i++) {
        if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
            continue;
        size_t l = strlen(names[i]);
        if (k)
            joined[m++] = sep;
        memcpy(joined + m, names[i], l);
        m += l;
        names[k++] = names[i];
    }
    joined[m] = '\0';
    *n = k;
    return m;
}

/* The member list of a new set: the category ids of its n distinct names,
 * ended by UINT32_MAX. SENTRAJ_OK or SENTRAJ_ENOMEM. */
static int add_members(sentraj_dataset *ds, int64_t set, const char *const *names, size_t n, sentraj_error *err)
{
    if ((size_t)set >= ds->set_members_cap) {
        size_t nc = ds->set_members_cap ? ds->set_members_cap * 2 : 16;
        uint32_t **nm = realloc(ds->set_members, nc * sizeof *nm);
        if (!nm)
            return sentraj_nomem(err, "category sets");
        memset(nm + ds->set_members_cap, 0, (nc - ds->set_members_cap) * sizeof *nm);
        ds->set_members = nm;
        ds->set_members_cap = nc;
    }
    uint32_t *mem = malloc((n + 1) * sizeof *mem);
    if (!mem)
        return sentraj_nomem(err, "category sets");
    for (size_t i = 0; i < n; i++)
        mem[i] = (uint32_t)intern_find(&ds->cats, names[i], strlen(names[i]), intern_hash(names[i], strlen(names[i])));
    mem[n] = UINT32_MAX;
    ds->set_members[set] = mem;
    return SENTRAJ_OK;
}

/* Turn a categories field into a set id: the canonical join of its sorted,
 * distinct names, interned. */
int64_t dataset_category_set(sentraj_dataset *ds, const char *s, size_t len, const char *source, uint64_t line,
                             uint64_t col, sentraj_error *err)
{
    const char **names = NULL;
    size_t n = 0, total = 0, m;
    char *joined = NULL;
    int64_t set = -1;
    int added;

    if (split_names(ds, s, len, source, line, col, &names, &n, &total, err) != SENTRAJ_OK)
        goto out;
    joined = malloc(total + 1);
    if (!joined) {
        sentraj_nomem(err, "category set");
        goto out;
    }
    m = join_unique(names, &n, ds->category_sep, joined);
    set = intern_get(&ds->sets, joined, m, intern_hash(joined, m), &added);
    if (set < 0)
        sentraj_nomem(err, "category sets");
    else if (added && add_members(ds, set, names, n, err) != SENTRAJ_OK)
        set = -1;
out:
    free(names);
    free(joined);
    return set;
}

int dataset_table_add(sentraj_dataset *ds, const char *source, const char *id, size_t id_len, const char *cats,
                      size_t cats_len, uint64_t line, uint64_t id_col, uint64_t cats_col, sentraj_error *err)
{
    int added;
    int64_t set, t;

    (void)id_col;
    set = dataset_category_set(ds, cats, cats_len, source, line, cats_col, err);
    if (set < 0)
        return err ? err->code : SENTRAJ_EDATA;
    t = intern_get(&ds->table_ids, id, id_len, intern_hash(id, id_len), &added);
    if (t < 0)
        return sentraj_nomem(err, "categories table");
    if (!added) {
        if (ds->table_set[t] != (uint32_t)set)
            return sentraj_raise(err, SENTRAJ_EDATA, source, line, cats_col,
                                 "conversation \"%s\" is listed again with other categories (\"%s\", line %llu: "
                                 "\"%s\")",
                                 sentraj_show(id, id_len).s, dataset_show_id(&ds->sets, (uint32_t)set).s,
                                 (unsigned long long)ds->table_line[t], dataset_show_id(&ds->sets, ds->table_set[t]).s);
        return SENTRAJ_OK;
    }
    if ((size_t)t >= ds->table_cap) {
        size_t nc = ds->table_cap ? ds->table_cap * 2 : 1024;
        uint32_t *ns = realloc(ds->table_set, nc * sizeof *ns);
        if (!ns)
            return sentraj_nomem(err, "categories table");
        ds->table_set = ns;
        uint64_t *nl = realloc(ds->table_line, nc * sizeof *nl);
        if (!nl)
            return sentraj_nomem(err, "categories table");
        ds->table_line = nl;
        ds->table_cap = nc;
    }
    ds->table_set[t] = (uint32_t)set;
    ds->table_line[t] = line;
    if (!ds->table_source && !(ds->table_source = strdup(source)))
        return sentraj_nomem(err, "categories table");
    return SENTRAJ_OK;
}

int dataset_join_table(sentraj_dataset *ds, sentraj_error *err)
{
    size_t matched = 0;
    uint32_t empty;
    int64_t e;

    if (!ds->table_ids.count)
        return SENTRAJ_OK;
    e = intern_find(&ds->sets, "", 0, intern_hash("", 0));
    empty = e < 0 ? UINT32_MAX : (uint32_t)e;
    for (size_t c = 0; c < ds->ids.count; c++) {
        const char *id = intern_str(&ds->ids, (uint32_t)c);
        uint32_t len = intern_len(&ds->ids, (uint32_t)c);
        int64_t t = intern_find(&ds->table_ids, id, len, intern_hash(id, len));
        conv *cv = &ds->convs[c];
        if (t < 0)
            continue;
        matched++;
        if (cv->set == ds->table_set[t])
            continue;
        if (cv->set != empty)
            return sentraj_raise(err, SENTRAJ_EDATA, ds->table_source, ds->table_line[t], 0,
                                 "categories \"%s\" of conversation \"%s\" differ from \"%s\" in its messages "
                                 "(%s line %llu)",
                                 dataset_show_id(&ds->sets, ds->table_set[t]).s,
                                 dataset_show_id(&ds->ids, (uint32_t)c).s, dataset_show_id(&ds->sets, cv->set).s,
                                 ds->sources[conv_source(ds, c)], (unsigned long long)cv->line);
        cv->set = ds->table_set[t];
    }
    ds->counts.categories_unmatched = ds->table_ids.count - matched;
    return SENTRAJ_OK;
}
