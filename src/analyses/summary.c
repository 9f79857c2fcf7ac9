/* summary.c - per-category joint counts of window sums: the summary, its accessors, building, merging. */
#include "analyses/summary.h"

#include "core/error.h"
#include "data/dataset.h"
#include "data/labels.h"

#include <stdlib.h>
#include <string.h>

const char *const summary_count_key[SUMMARY_NCOUNTS] = {
    "rows",          "human_messages", "assistant_messages",    "ignored_messages",    "conversations",
    "kept",          "dropped_short",  "kept_without_category", "categories_unmatched"};

uint64_t *summary_count_field(sentraj_counts *c, int i)
{
    uint64_t *f[SUMMARY_NCOUNTS] = {&c->rows,     &c->human_messages, &c->assistant_messages,
                                    &c->ignored_messages, &c->conversations, &c->kept,
                                    &c->dropped_short, &c->kept_without_category, &c->categories_unmatched};
    return f[i];
}

void sentraj_summary_free(sentraj_summary *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nscale; i++)
        free(s->scale[i].label);
    for (size_t i = 0; i < s->nnames; i++)
        free(s->names[i]);
    free(s->scale);
    free(s->names);
    free(s->cells);
    free(s->source);
    free(s);
}

const sentraj_counts *sentraj_summary_counts(const sentraj_summary *s)
{
    return &s->counts;
}

size_t sentraj_summary_window(const sentraj_summary *s)
{
    return s->window;
}

size_t sentraj_summary_min_human(const sentraj_summary *s)
{
    return s->min_human;
}

int64_t sentraj_summary_denominator(const sentraj_summary *s)
{
    return s->denom;
}

size_t sentraj_summary_scale_size(const sentraj_summary *s)
{
    return s->nscale;
}

int sentraj_summary_scale_entry(const sentraj_summary *s, size_t i, const char **label, double *value)
{
    if (i >= s->nscale)
        return SENTRAJ_EUSAGE;
    *label = s->scale[i].label;
    *value = s->scale[i].value;
    return SENTRAJ_OK;
}

size_t sentraj_summary_categories(const sentraj_summary *s)
{
    return s->nnames;
}

const char *sentraj_summary_category(const sentraj_summary *s, size_t i)
{
    return i < s->nnames ? s->names[i] : NULL;
}

size_t sentraj_summary_cells(const sentraj_summary *s)
{
    return s->ncells;
}

int sentraj_summary_cell_get(const sentraj_summary *s, size_t i, sentraj_summary_cell *out)
{
    if (i >= s->ncells)
        return SENTRAJ_EUSAGE;
    out->category = s->names[s->cells[i].name];
    out->first_q = s->cells[i].first;
    out->last_q = s->cells[i].last;
    out->count = s->cells[i].count;
    return SENTRAJ_OK;
}

const char *summary_source(const sentraj_summary *s)
{
    return s->source && *s->source ? s->source : NULL;
}

/* ---- ordering --------------------------------------------------------- */

int summary_cmp_scale(const void *a, const void *b)
{
    const summary_scale_entry *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return strcmp(x->label, y->label);
}

int summary_cmp_cell(const void *a, const void *b)
{
    const summary_cell *x = a, *y = b;
    if (x->name != y->name)
        return x->name < y->name ? -1 : 1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    if (x->last != y->last)
        return x->last < y->last ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

int summary_cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int64_t summary_find_name(char *const *names, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(names[mid], name);
        if (c == 0)
            return (int64_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Sort the cells and add up equal keys. Returns SENTRAJ_OK or ELIMIT when a
 * sum passes 2^64 - 1. Duplicates are checked by the parser before this. */
static int coalesce(sentraj_summary *s, sentraj_error *err)
{
    size_t k = 0;
    if (s->ncells > 1)
        qsort(s->cells, s->ncells, sizeof *s->cells, summary_cmp_cell);
    for (size_t i = 0; i < s->ncells; i++) {
        if (k && s->cells[k - 1].name == s->cells[i].name && s->cells[k - 1].first == s->cells[i].first &&
            s->cells[k - 1].last == s->cells[i].last) {
            if (s->cells[k - 1].count > UINT64_MAX - s->cells[i].count)
                return sentraj_fail(err, SENTRAJ_ELIMIT, "a count of category \"%s\" passes 2^64 - 1",
                                    sentraj_show(s->names[s->cells[i].name], strlen(s->names[s->cells[i].name])).s);
            s->cells[k - 1].count += s->cells[i].count;
        } else {
            s->cells[k++] = s->cells[i];
        }
    }
    s->ncells = k;
    return SENTRAJ_OK;
}

/* The scale's entries, folded and sorted (the canonical form). */
static int scale_entries(const sentraj_scale *scale, summary_scale_entry **out, sentraj_error *err)
{
    summary_scale_entry *e = calloc(scale->n ? scale->n : 1, sizeof *e);
    if (!e)
        return sentraj_nomem(err, "summary scale");
    for (size_t i = 0; i < scale->n; i++) {
        e[i].value = scale->entries[i].value == 0 ? 0 : scale->entries[i].value;
        if (!(e[i].label = strdup(scale->entries[i].folded))) {
            for (size_t j = 0; j < i; j++)
                free(e[j].label);
            free(e);
            return sentraj_nomem(err, "summary scale");
        }
    }
    qsort(e, scale->n, sizeof *e, summary_cmp_scale);
    *out = e;
    return SENTRAJ_OK;
}

static void free_entries(summary_scale_entry *e, size_t n)
{
    for (size_t i = 0; e && i < n; i++)
        free(e[i].label);
    free(e);
}

/* "label=value, ..." into buf (cap bytes) for messages. */
static void scale_text(const summary_scale_entry *e, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char num[32];
        int k = snprintf(buf + used, cap - used, "%s%s=%s", i ? ", " : "", e[i].label,
                         sentraj_format_double(e[i].value, num, sizeof num));
        if (k < 0 || (size_t)k >= cap - used) {
            if (cap > 4)
                memcpy(buf + cap - 4, "...", 4);
            return;
        }
        used += (size_t)k;
    }
}

static int same_entries(const summary_scale_entry *a, size_t na, const summary_scale_entry *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (a[i].value != b[i].value || strcmp(a[i].label, b[i].label) != 0)
            return 0;
    return 1;
}

/* ---- from a data set ---------------------------------------------------- */

/* Whether ds, read with scale, can be summarised: finished, without
 * clusters, and every window sum an exact integer over the scale's
 * lattice. */
static int check_summarisable(const sentraj_dataset *ds, const sentraj_scale *scale, sentraj_error *err)
{
    if (!ds->finished)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "a summary needs a finished data set (call sentraj_dataset_finish)");
    if (sentraj_dataset_cluster_by(ds))
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "a data set read with a cluster column (%s) cannot be summarised: a summary has no "
                            "clusters, so its analysis could not resample them",
                            sentraj_dataset_cluster_by(ds));
    if (scale->denom != ds->denom)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the label scale given is not the one the data set was read with");
    if (!ds->lattice && ds->denom > 0)
        return sentraj_fail(err, SENTRAJ_EDATA,
                            "a summary needs every human label on the scale's lattice (multiples of 1/%lld), and a "
                            "numeric sentiment is off it: analyse the data directly",
                            (long long)ds->denom);
    if (!ds->lattice)
        return sentraj_fail(err, SENTRAJ_EDATA,
                            "a summary needs a label scale whose values are multiples of one unit 1/Q (Q <= "
                            "100000), and this one has none: analyse the data directly");
    return SENTRAJ_OK;
}

sentraj_summary *sentraj_summary_compute(const sentraj_dataset *ds, const sentraj_scale *scale,
                                              sentraj_error *err)
{
    sentraj_summary *s;
    uint32_t *cat_to_name = NULL;
    size_t ncat, all = 0, cap = 0;

    if (!scale)
        scale = labels_default_scale();
    if (check_summarisable(ds, scale, err) != SENTRAJ_OK)
        return NULL;
    if (!(s = calloc(1, sizeof *s)) || !(s->source = strdup("")))
        goto nomem;
    s->window = ds->window;
    s->min_human = ds->min_human;
    s->denom = ds->denom;
    s->scale_min = scale->min;
    s->scale_max = scale->max;
    if (scale_entries(scale, &s->scale, err) != SENTRAJ_OK)
        goto fail;
    s->nscale = scale->n;
    s->counts = ds->counts;

    /* Names: every category seen (kept or not), and "all"; sorted. */
    ncat = ds->cats.count;
    s->names = calloc(ncat + 1, sizeof *s->names);
    cat_to_name = malloc((ncat ? ncat : 1) * sizeof *cat_to_name);
    if (!s->names || !cat_to_name)
        goto nomem;
    for (size_t i = 0; i < ncat; i++) {
        if (!(s->names[i] = strdup(intern_str(&ds->cats, (uint32_t)i))))
            goto nomem;
        s->nnames++;
    }
    if (!(s->names[ncat] = strdup("all")))
        goto nomem;
    s->nnames++;
    if (s->nnames > 1)
        qsort(s->names, s->nnames, sizeof *s->names, summary_cmp_name);
    for (size_t i = 0; i < ncat; i++)
        cat_to_name[i] = (uint32_t)summary_find_name(s->names, s->nnames, intern_str(&ds->cats, (uint32_t)i));
    all = (size_t)summary_find_name(s->names, s->nnames, "all");

    /* One cell per (kept conversation, row it counts in), then add up. */
    for (size_t i = 0; i < ds->nkept; i++) {
        const kept_conv *k = &ds->kept[i];
        size_t need = 1;
        for (const uint32_t *m = ds->set_members[k->set]; *m != UINT32_MAX; m++)
            need++;
        if (s->ncells + need > cap) {
            size_t nc = cap ? cap * 2 : 1024;
            summary_cell *ncl;
            while (nc < s->ncells + need)
                nc *= 2;
            if (!(ncl = realloc(s->cells, nc * sizeof *ncl)))
                goto nomem;
            s->cells = ncl;
            cap = nc;
        }
        s->cells[s->ncells++] = (summary_cell){(uint32_t)all, k->first_q, k->last_q, 1, 0};
        for (const uint32_t *m = ds->set_members[k->set]; *m != UINT32_MAX; m++)
            s->cells[s->ncells++] = (summary_cell){cat_to_name[*m], k->first_q, k->last_q, 1, 0};
    }
    if (coalesce(s, err) != SENTRAJ_OK)
        goto fail;
    s->counts.categories = s->nnames - 1;
    free(cat_to_name);
    return s;
nomem:
    sentraj_nomem(err, "summary");
fail:
    free(cat_to_name);
    sentraj_summary_free(s);
    return NULL;
}

/* ---- compatibility and merging ------------------------------------------- */

int summary_check_options(const sentraj_summary *s, size_t window, size_t min_human, sentraj_error *err)
{
    if (s->window != window)
        return sentraj_raise(err, SENTRAJ_EDATA, summary_source(s), s->line_window, 0,
                             "the summary was made with window %zu: analyse it with window %zu (--window %zu), not %zu",
                             s->window, s->window, s->window, window);
    if (s->min_human != min_human)
        return sentraj_raise(err, SENTRAJ_EDATA, summary_source(s), s->line_min_human, 0,
                             "the summary was made with min_human %zu: analyse it with min_human %zu (--min-human "
                             "%zu), not %zu",
                             s->min_human, s->min_human, s->min_human, min_human);
    return SENTRAJ_OK;
}

/* Whether from can be merged into into: the same options and scale, and
 * counts whose sums (into *sum) fit in 64 bits. */
static int check_mergeable(const sentraj_summary *into, const sentraj_summary *from, sentraj_counts *sum,
                           sentraj_error *err)
{
    char a[200], b[200];
    const char *other = into->source && *into->source ? into->source : "the other summary";
    sentraj_counts add = from->counts;

    *sum = into->counts;
    if (from->window != into->window)
        return sentraj_raise(err, SENTRAJ_EDATA, summary_source(from), from->line_window, 0,
                             "window %zu differs from window %zu of %s: summaries made with different options "
                             "cannot be merged",
                             from->window, into->window, other);
    if (from->min_human != into->min_human)
        return sentraj_raise(err, SENTRAJ_EDATA, summary_source(from), from->line_min_human, 0,
                             "min_human %zu differs from min_human %zu of %s: summaries made with different "
                             "options cannot be merged",
                             from->min_human, into->min_human, other);
    if (from->denom != into->denom || !same_entries(from->scale, from->nscale, into->scale, into->nscale)) {
        scale_text(from->scale, from->nscale, a, sizeof a);
        scale_text(into->scale, into->nscale, b, sizeof b);
        return sentraj_raise(err, SENTRAJ_EDATA, summary_source(from), from->line_scale, 0,
                             "the label scale (%s) differs from the scale of %s (%s): summaries made with different "
                             "scales cannot be merged",
                             a, other, b);
    }
    for (int k = 0; k < SUMMARY_NCOUNTS; k++) {
        uint64_t *x = summary_count_field(sum, k), y = *summary_count_field(&add, k);
        if (*x > UINT64_MAX - y)
            return sentraj_raise(err, SENTRAJ_ELIMIT, summary_source(from), from->line_count[k], 0,
                                 "the merged %s passes 2^64 - 1", summary_count_key[k]);
        *x += y;
    }
    return SENTRAJ_OK;
}

int sentraj_summary_merge(sentraj_summary *into, const sentraj_summary *from, sentraj_error *err)
{
    char **names = NULL;
    summary_cell *cells = NULL;
    uint32_t *map_a = NULL, *map_b = NULL;
    size_t nn = 0, i = 0, j = 0;
    sentraj_counts sum;
    sentraj_summary tmp;
    int rc;

    if ((rc = check_mergeable(into, from, &sum, err)) != SENTRAJ_OK)
        return rc;

    /* The union of the names (both sorted) and where each side's go. */
    names = calloc(into->nnames + from->nnames + 1, sizeof *names);
    map_a = malloc((into->nnames + 1) * sizeof *map_a);
    map_b = malloc((from->nnames + 1) * sizeof *map_b);
    cells = malloc((into->ncells + from->ncells + 1) * sizeof *cells);
    if (!names || !map_a || !map_b || !cells)
        goto nomem;
    while (i < into->nnames || j < from->nnames) {
        int c = i == into->nnames ? 1 : j == from->nnames ? -1 : strcmp(into->names[i], from->names[j]);
        const char *src = c <= 0 ? into->names[i] : from->names[j];
        if (!(names[nn] = strdup(src)))
            goto nomem;
        if (c <= 0)
            map_a[i++] = (uint32_t)nn;
        if (c >= 0)
            map_b[j++] = (uint32_t)nn;
        nn++;
    }
    for (size_t k = 0; k < into->ncells; k++) {
        cells[k] = into->cells[k];
        cells[k].name = map_a[into->cells[k].name];
        cells[k].line = 0;
    }
    for (size_t k = 0; k < from->ncells; k++) {
        cells[into->ncells + k] = from->cells[k];
        cells[into->ncells + k].name = map_b[from->cells[k].name];
        cells[into->ncells + k].line = 0;
    }
    tmp = *into;
    tmp.names = names;
    tmp.nnames = nn;
    tmp.cells = cells;
    tmp.ncells = into->ncells + from->ncells;
    if (coalesce(&tmp, err) != SENTRAJ_OK)
        goto fail;
    for (size_t k = 0; k < into->nnames; k++)
        free(into->names[k]);
    free(into->names);
    free(into->cells);
    into->names = names;
    into->nnames = nn;
    into->cells = cells;
    into->ncells = tmp.ncells;
    into->counts = sum;
    into->counts.categories = nn - 1;
    free(map_a);
    free(map_b);
    return SENTRAJ_OK;
nomem:
    sentraj_nomem(err, "merging summaries");
fail:
    for (size_t k = 0; names && k < nn; k++)
        free(names[k]);
    free(names);
    free(cells);
    free(map_a);
    free(map_b);
    return err ? err->code : SENTRAJ_ENOMEM;
}

int sentraj_summary_check(const sentraj_summary *s, const sentraj_config *cfg, const sentraj_scale *scale,
                          sentraj_error *err)
{
    summary_scale_entry *e;
    char a[200], b[200];
    int same;

    if (summary_check_options(s, cfg->window, cfg->min_human, err) != SENTRAJ_OK)
        return SENTRAJ_EDATA;
    if (!scale)
        return SENTRAJ_OK;
    if (scale_entries(scale, &e, err) != SENTRAJ_OK)
        return SENTRAJ_ENOMEM;
    same = same_entries(s->scale, s->nscale, e, scale->n);
    if (!same) {
        scale_text(s->scale, s->nscale, a, sizeof a);
        scale_text(e, scale->n, b, sizeof b);
    }
    free_entries(e, scale->n);
    if (!same)
        return sentraj_raise(err, SENTRAJ_EDATA, summary_source(s), s->line_scale, 0,
                             "the summary was made with the label scale (%s), not (%s): give its scale with --scale",
                             a, b);
    return SENTRAJ_OK;
}


sentraj_scale *sentraj_summary_scale(const sentraj_summary *s, sentraj_error *err)
{
    static const int builtin[] = {3, 5, 7};
    const char **labels = malloc((s->nscale ? s->nscale : 1) * sizeof *labels);
    double *values = malloc((s->nscale ? s->nscale : 1) * sizeof *values);
    sentraj_scale *sc = NULL;

    for (size_t b = 0; b < sizeof builtin / sizeof builtin[0]; b++) {
        const sentraj_scale *t = labels_builtin_scale(builtin[b]);
        summary_scale_entry *e;
        int same;
        if (scale_entries(t, &e, err) != SENTRAJ_OK)
            goto out;
        same = same_entries(s->scale, s->nscale, e, t->n);
        free_entries(e, t->n);
        if (same) {
            sc = (sentraj_scale *)t;
            goto out;
        }
    }
    if (!labels || !values) {
        sentraj_nomem(err, "summary scale");
        goto out;
    }
    for (size_t i = 0; i < s->nscale; i++) {
        labels[i] = s->scale[i].label;
        values[i] = s->scale[i].value;
    }
    sc = labels_scale_new(labels, values, s->nscale, err);
out:
    free(labels);
    free(values);
    return sc;
}
