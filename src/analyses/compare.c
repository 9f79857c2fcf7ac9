/* compare.c - sentraj compare: differences between categories, their conversations resampled jointly. */
#include "analyses/analysis.h"
#include "analyses/holm.h"

#include "boot/groups.h"
#include "core/error.h"
#include "data/dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sentraj_compare {
    sentraj_config cfg;
    size_t nrows;
    sentraj_compare_row *rows;
    char **names;     /* the analysis' row names (categories, "all"), owned; rows point into them */
    size_t nnames;
    char **notes;     /* per row, owned */
    char *cluster_by; /* owned; NULL without clusters */
};

void sentraj_compare_options_init(sentraj_compare_options *o)
{
    memset(o, 0, sizeof *o);
}

void sentraj_compare_free(sentraj_compare *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->names && i < c->nnames; i++)
        free(c->names[i]);
    for (size_t i = 0; c->notes && i < c->nrows; i++)
        free(c->notes[i]);
    free(c->names);
    free(c->notes);
    free(c->rows);
    free(c->cluster_by);
    free(c);
}

size_t sentraj_compare_rows(const sentraj_compare *c)
{
    return c->nrows;
}

const sentraj_compare_row *sentraj_compare_row_get(const sentraj_compare *c, size_t i)
{
    return i < c->nrows ? &c->rows[i] : NULL;
}

const sentraj_config *sentraj_compare_config(const sentraj_compare *c)
{
    return &c->cfg;
}

const char *sentraj_compare_cluster_by(const sentraj_compare *c)
{
    return c->cluster_by;
}

/* ---- which pairs ---------------------------------------------------------- */

/* The index of name among the row names, or nnames with err set. */
static size_t find_name(const sentraj_compare *c, const char *name, const char *what, sentraj_error *err)
{
    char known[400];
    size_t len = 0;

    for (size_t i = 0; i < c->nnames; i++)
        if (strcmp(c->names[i], name) == 0)
            return i;
    known[0] = '\0';
    for (size_t i = 0; i < c->nnames && len + 4 < sizeof known; i++)
        len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "", c->names[i]);
    sentraj_fail(err, SENTRAJ_EUSAGE, "%s \"%s\" is not a category of the data (known: %s)", what,
                 sentraj_show(name, strlen(name)).s, known);
    return c->nnames;
}

/* The rows' pairs as indexes into the names: pa[i] - pb[i]. */
static int choose_pairs(sentraj_compare *c, const sentraj_compare_options *o, size_t **pa, size_t **pb,
                        sentraj_error *err)
{
    size_t ncat = c->nnames - 1, n = 0, ref = c->nnames;

    if (o && o->reference && o->npairs)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "give either a reference category or pairs, not both");
    if (o && o->reference && (ref = find_name(c, o->reference, "reference", err)) == c->nnames)
        return SENTRAJ_EUSAGE;
    c->nrows = o && o->npairs ? o->npairs : o && o->reference ? ncat - (ref < ncat) : ncat * (ncat - (ncat > 0)) / 2;
    *pa = malloc((c->nrows ? c->nrows : 1) * sizeof **pa);
    *pb = malloc((c->nrows ? c->nrows : 1) * sizeof **pb);
    if (!*pa || !*pb)
        return sentraj_nomem(err, "compare");
    if (o && o->npairs) {
        for (size_t i = 0; i < o->npairs; i++) {
            if (((*pa)[i] = find_name(c, o->pairs[2 * i], "pair", err)) == c->nnames ||
                ((*pb)[i] = find_name(c, o->pairs[2 * i + 1], "pair", err)) == c->nnames)
                return SENTRAJ_EUSAGE;
            if ((*pa)[i] == (*pb)[i])
                return sentraj_fail(err, SENTRAJ_EUSAGE, "the pair %s:%s compares a category with itself",
                                    sentraj_show(o->pairs[2 * i], strlen(o->pairs[2 * i])).s,
                                    sentraj_show(o->pairs[2 * i + 1], strlen(o->pairs[2 * i + 1])).s);
        }
        return SENTRAJ_OK;
    }
    for (size_t i = 0; i < ncat; i++) {
        if (o && o->reference) {
            if (i != ref)
                (*pa)[n] = i, (*pb)[n++] = ref;
            continue;
        }
        for (size_t j = i + 1; j < ncat; j++)
            (*pa)[n] = i, (*pb)[n++] = j;
    }
    return SENTRAJ_OK;
}

/* ---- units of one pair -------------------------------------------------------- */

/* The kept conversations of name i, ascending: members of a category, or
 * all of them for "all" (NULL list). */
typedef struct member_list {
    const uint32_t *v;
    size_t n;
} member_list;

static uint32_t member_at(const member_list *l, size_t j)
{
    return l->v ? l->v[j] : (uint32_t)j;
}

/* The groups sample of pair (a, b): every conversation in a or b is one
 * value of group 0 (a) and/or 1 (b), carried by its unit (itself, or its
 * cluster). Counts go to r. */
static groups_sample *pair_sample(const sentraj_dataset *ds, const member_list *a, const member_list *b,
                                  uint32_t *unit_of_cluster, sentraj_compare_row *r, sentraj_error *err)
{
    groups_value *v = malloc((a->n + b->n ? a->n + b->n : 1) * sizeof *v);
    size_t i = 0, j = 0, n = 0;
    uint32_t nu = 0;
    int clustered = ds->field[FIELD_CLUSTER] != NULL;
    int64_t denom = ds->denom * (int64_t)ds->window;
    groups_sample *gs;

    if (!v) {
        sentraj_nomem(err, "compare");
        return NULL;
    }
    /* Merge the two ascending lists: a conversation in both is one unit. */
    while (i < a->n || j < b->n) {
        uint32_t ka = i < a->n ? member_at(a, i) : UINT32_MAX, kb = j < b->n ? member_at(b, j) : UINT32_MAX;
        uint32_t k = ka < kb ? ka : kb, unit;
        const kept_conv *kc = &ds->kept[k];
        int64_t q = ds->lattice ? kc->last_q - kc->first_q : 0;
        double d = ds->lattice ? 0 : (kc->last_sum - kc->first_sum) / (double)ds->window;
        if (clustered) {
            uint32_t cl = conv_cluster(ds, kc->conv);
            if (unit_of_cluster[cl] == 0)
                unit_of_cluster[cl] = ++nu;
            unit = unit_of_cluster[cl] - 1;
        } else {
            unit = nu++;
        }
        if (ka == k)
            v[n++] = (groups_value){unit, 0, q, d}, i++;
        if (kb == k)
            v[n++] = (groups_value){unit, 1, q, d}, j++;
        r->both += ka == kb;
    }
    r->conversations_a = a->n;
    r->conversations_b = b->n;
    r->clusters = clustered ? nu : 0;
    gs = groups_build(v, n, nu, 2, ds->lattice, ds->lattice ? denom : 1, err);
    free(v);
    /* The scratch map goes back to zeros for the next pair. */
    for (size_t x = 0; clustered && x < a->n + b->n; x++) {
        const member_list *l = x < a->n ? a : b;
        size_t at = x < a->n ? x : x - a->n;
        unit_of_cluster[conv_cluster(ds, ds->kept[member_at(l, at)].conv)] = 0;
    }
    return gs;
}

/* ---- the whole computation -------------------------------------------------------- */

static int check_call(const sentraj_dataset *ds, const sentraj_config *cfg, sentraj_error *err)
{
    int rc;

    if ((rc = analysis_check_call(ds, cfg, "sentraj_compare_compute", err)) != SENTRAJ_OK)
        return rc;
    if (cfg->engine == SENTRAJ_ENGINE_EXACT)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "compare resamples two categories together, and the exact engine has no distribution of "
                            "a difference of overlapping categories: use --engine multinomial, index or auto");
    if (cfg->method == SENTRAJ_METHOD_STUDENTIZED)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "compare has no standard error of each resampled difference for the studentized method: "
                            "use --method percentile, basic, normal or bca");
    return SENTRAJ_OK;
}

/* Statuses small and refused, notes, and Holm's adjustment over the rows. */
static int finish_rows(sentraj_compare *c, const groups_row *g, sentraj_error *err)
{
    double *p = malloc((c->nrows ? c->nrows : 1) * sizeof *p);

    if (!p)
        return sentraj_nomem(err, "compare");
    for (size_t i = 0; i < c->nrows; i++) {
        sentraj_compare_row *r = &c->rows[i];
        r->difference = g[i].estimate;
        r->ci_low = g[i].ci_low;
        r->ci_high = g[i].ci_high;
        r->se = g[i].se;
        r->p_value = g[i].p_zero;
        r->status = g[i].status;
        r->engine = g[i].engine;
        r->resamples = g[i].resamples;
        r->empty = g[i].empty;
        if (r->status == SENTRAJ_CI_OK &&
            (r->conversations_a < c->cfg.small || r->conversations_b < c->cfg.small ||
             (c->cluster_by && r->clusters < c->cfg.small)))
            r->status = SENTRAJ_CI_SMALL;
        if (r->status == SENTRAJ_CI_REFUSED) {
            if (!(c->notes[i] = strdup(g[i].refused.message))) {
                free(p);
                return sentraj_nomem(err, "compare");
            }
            r->note = c->notes[i];
        }
        p[i] = r->p_value;
    }
    if (holm_adjust(p, c->nrows, p) != 0) {
        free(p);
        return sentraj_nomem(err, "compare");
    }
    for (size_t i = 0; i < c->nrows; i++)
        c->rows[i].p_holm = p[i];
    free(p);
    return SENTRAJ_OK;
}

/* Build every pair's sample and bootstrap them together. */
static int compute_pairs(sentraj_compare *c, const sentraj_dataset *ds, const size_t *pa, const size_t *pb,
                         const member_list *lists, sentraj_error *err)
{
    size_t m = c->nrows, ncl = ds->clusters.count;
    groups_sample **gs = calloc(m ? m : 1, sizeof *gs);
    groups_row *g = calloc(m ? m : 1, sizeof *g);
    uint64_t *h = calloc(m ? m : 1, sizeof *h);
    uint32_t *unit_of_cluster = calloc(ncl ? ncl : 1, sizeof *unit_of_cluster);
    static const double w[2] = {1, -1};
    int rc = SENTRAJ_OK;

    if (!gs || !g || !h || !unit_of_cluster)
        rc = sentraj_nomem(err, "compare");
    for (size_t i = 0; i < m && rc == SENTRAJ_OK; i++) {
        sentraj_compare_row *r = &c->rows[i];
        const char *a = c->names[pa[i]], *b = c->names[pb[i]];
        size_t la = strlen(a), lb = strlen(b);
        char *key = malloc(la + lb + 1);
        r->category_a = a;
        r->category_b = b;
        if (!key) {
            rc = sentraj_nomem(err, "compare");
            break;
        }
        /* The pair's streams: a NUL byte keeps "a" + "bc" apart from "ab" + "c". */
        memcpy(key, a, la);
        key[la] = '\0';
        memcpy(key + la + 1, b, lb);
        h[i] = sentraj_hash_name(key, la + lb + 1);
        free(key);
        if (!(gs[i] = pair_sample(ds, &lists[pa[i]], &lists[pb[i]], unit_of_cluster, r, err))) {
            rc = err ? err->code : SENTRAJ_ENOMEM;
            break;
        }
        r->estimate_a = groups_estimate(gs[i], &c->cfg, 0);
        r->estimate_b = groups_estimate(gs[i], &c->cfg, 1);
        g[i] = (groups_row){.gs = gs[i], .h = h[i], .w = w};
    }
    if (rc == SENTRAJ_OK)
        rc = groups_boot_many(g, m, &c->cfg, NULL, err);
    if (rc == SENTRAJ_OK)
        rc = finish_rows(c, g, err);
    for (size_t i = 0; gs && i < m; i++)
        groups_free(gs[i]);
    free(gs);
    free(g);
    free(h);
    free(unit_of_cluster);
    return rc;
}

sentraj_compare *sentraj_compare_compute(const sentraj_dataset *ds, const sentraj_config *cfg,
                                         const sentraj_compare_options *o, sentraj_error *err)
{
    sentraj_compare *c = NULL;
    uint32_t *sets = NULL, *members = NULL;
    size_t *off = NULL, *pa = NULL, *pb = NULL;
    member_list *lists = NULL;

    if (check_call(ds, cfg, err) != SENTRAJ_OK)
        return NULL;
    if (!(c = calloc(1, sizeof *c)))
        goto nomem;
    c->cfg = *cfg;
    c->nnames = ds->cats.count + 1;
    if (!(c->names = analysis_row_names(ds, cfg->order, err)))
        goto fail;
    if (ds->field[FIELD_CLUSTER] && !(c->cluster_by = strdup(ds->field[FIELD_CLUSTER])))
        goto nomem;
    if (choose_pairs(c, o, &pa, &pb, err) != SENTRAJ_OK)
        goto fail;
    c->rows = calloc(c->nrows ? c->nrows : 1, sizeof *c->rows);
    c->notes = calloc(c->nrows ? c->nrows : 1, sizeof *c->notes);
    sets = malloc((ds->nkept ? ds->nkept : 1) * sizeof *sets);
    lists = calloc(c->nnames, sizeof *lists);
    if (!c->rows || !c->notes || !sets || !lists)
        goto nomem;
    for (size_t i = 0; i < ds->nkept; i++)
        sets[i] = ds->kept[i].set;
    if (analysis_members(ds, sets, ds->nkept, &off, &members, err) != SENTRAJ_OK)
        goto fail;
    for (size_t i = 0; i + 1 < c->nnames; i++) {
        uint32_t id = analysis_category_id(ds, c->names[i]);
        lists[i] = (member_list){members + off[id], off[id + 1] - off[id]};
    }
    lists[c->nnames - 1] = (member_list){NULL, ds->nkept};
    if (compute_pairs(c, ds, pa, pb, lists, err) != SENTRAJ_OK)
        goto fail;
    goto done;
nomem:
    sentraj_nomem(err, "compare");
fail:
    sentraj_compare_free(c);
    c = NULL;
done:
    free(sets);
    free(members);
    free(off);
    free(pa);
    free(pb);
    free(lists);
    return c;
}
