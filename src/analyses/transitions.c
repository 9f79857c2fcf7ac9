/* transitions.c - sentraj transitions: from starting to ending level, per category, with bootstrap intervals. */
#include "analyses/analysis.h"
#include "analyses/levels.h"

#include "boot/ratio.h"
#include "core/error.h"
#include "data/dataset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The resampled sums of all categories may take at most this many doubles
 * (1 GiB): B x levels^2 x 2 (5 for the studentized method) per category. */
#define MAX_DOUBLES ((size_t)1 << 27)

struct sentraj_transitions {
    sentraj_config cfg;
    size_t ncat, nlev;
    sentraj_transition_row *rows; /* ncat * nlev * nlev, category-major, then start, then end */
    char **names;                 /* categories and "all", owned */
    levels lev;                   /* owns the level names */
    char *cluster_by;
};

void sentraj_transitions_free(sentraj_transitions *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->names && i < t->ncat; i++)
        free(t->names[i]);
    free(t->names);
    free(t->rows);
    free(t->cluster_by);
    levels_free(&t->lev);
    free(t);
}

size_t sentraj_transitions_rows(const sentraj_transitions *t)
{
    return t->ncat * t->nlev * t->nlev;
}

const sentraj_transition_row *sentraj_transitions_row(const sentraj_transitions *t, size_t i)
{
    return i < sentraj_transitions_rows(t) ? &t->rows[i] : NULL;
}

size_t sentraj_transitions_levels(const sentraj_transitions *t)
{
    return t->nlev;
}

const sentraj_config *sentraj_transitions_config(const sentraj_transitions *t)
{
    return &t->cfg;
}

const char *sentraj_transitions_cluster_by(const sentraj_transitions *t)
{
    return t->cluster_by;
}

/* A member and its cluster, to group a category's conversations by cluster. */
typedef struct member_key {
    uint32_t cluster;
    uint32_t pos;
} member_key;

/* Scratch for one category's units: per conversation (or cluster), how
 * many of its conversations start at each level and go to each end. */
typedef struct twork {
    const sentraj_dataset *ds;
    const levels *lev;
    size_t nlev;
    double *cell;       /* per cluster being merged: nlev * nlev counts */
    unit_entry *e;      /* one unit's entries */
    member_key *order;  /* the category's members, grouped by cluster */
} twork;

/* Add the unit of the conversations in `idx` whose cell counts are in
 * w->cell: for every start level s it reaches, one channel per end e with
 * y = conversations (s, e) and n = conversations starting at s. Clears the
 * counts. */
static int add_unit(twork *w, ratio_builder *rb, sentraj_error *err)
{
    size_t K = w->nlev, ne = 0;

    for (size_t s = 0; s < K; s++) {
        double row = 0;
        for (size_t e = 0; e < K; e++)
            row += w->cell[s * K + e];
        if (row == 0)
            continue;
        for (size_t e = 0; e < K; e++) {
            w->e[ne++] = (unit_entry){(uint32_t)(s * K + e), w->cell[s * K + e], row};
            w->cell[s * K + e] = 0;
        }
    }
    return ratio_builder_add(rb, w->e, ne, err);
}

static int cmp_member(const void *a, const void *b)
{
    const member_key *x = a, *y = b;
    if (x->cluster != y->cluster)
        return x->cluster < y->cluster ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* The units of one category: its conversations, each alone, or grouped by
 * cluster. */
static ratio_sample *category_units(twork *w, const uint32_t *idx, size_t n, ratio_builder *rb, sentraj_error *err)
{
    const sentraj_dataset *ds = w->ds;
    int clustered = ds->field[FIELD_CLUSTER] != NULL;
    size_t K = w->nlev;

    for (size_t j = 0; j < n; j++) {
        uint32_t pos = idx ? idx[j] : (uint32_t)j;
        w->order[j] = (member_key){clustered ? conv_cluster(ds, ds->kept[pos].conv) : 0, pos};
    }
    if (clustered)
        qsort(w->order, n, sizeof *w->order, cmp_member);
    for (size_t j = 0; j < n; j++) {
        const kept_conv *k = &ds->kept[w->order[j].pos];
        w->cell[levels_start(w->lev, ds, k, ds->window) * K + levels_end(w->lev, ds, k, ds->window)] += 1;
        if (!clustered || j + 1 == n || w->order[j + 1].cluster != w->order[j].cluster)
            if (add_unit(w, rb, err) != SENTRAJ_OK)
                return NULL;
    }
    return ratio_sample_build(rb, K * K, 1.0, err);
}

/* Rows of category i from its ratio results. */
static void fill_rows(sentraj_transitions *t, size_t i, const ratio_result *res, int clustered)
{
    size_t K = t->nlev;

    for (size_t s = 0; s < K; s++) {
        for (size_t e = 0; e < K; e++) {
            const ratio_result *r = &res[s * K + e];
            sentraj_transition_row *row = &t->rows[(i * K + s) * K + e];
            row->category = t->names[i];
            row->start = t->lev.name[s];
            row->end = t->lev.name[e];
            row->start_level = s;
            row->end_level = e;
            row->row_total = (size_t)r->n;
            row->clusters = clustered ? r->units : 0;
            row->share = r->estimate;
            row->conversations = r->n > 0 ? (size_t)llround(r->estimate * r->n) : 0;
            row->ci_low = r->ci_low;
            row->ci_high = r->ci_high;
            row->se = r->se;
            row->status = r->status;
            if (row->status == SENTRAJ_CI_OK &&
                (row->row_total < t->cfg.small || (clustered && row->clusters < t->cfg.small)))
                row->status = SENTRAJ_CI_SMALL;
            row->empty = r->empty;
            row->engine = r->engine;
        }
    }
}

/* Bootstrap every category's matrix in one pool. */
static int bootstrap(sentraj_transitions *t, twork *w, const size_t *off, const uint32_t *members,
                     sentraj_error *err)
{
    const sentraj_dataset *ds = w->ds;
    size_t m = t->ncat, K2 = t->nlev * t->nlev;
    ratio_sample **rs = calloc(m, sizeof *rs);
    ratio_result *res = calloc(m * K2, sizeof *res), **outs = calloc(m, sizeof *outs);
    uint64_t *h = calloc(m, sizeof *h);
    ratio_builder rb;
    int rc = SENTRAJ_OK;

    ratio_builder_init(&rb);
    if (!rs || !res || !outs || !h)
        rc = sentraj_nomem(err, "transitions");
    for (size_t i = 0; i < m && rc == SENTRAJ_OK; i++) {
        const uint32_t *idx = NULL;
        size_t n = ds->nkept;
        if (i + 1 < m) {
            uint32_t c = analysis_category_id(ds, t->names[i]);
            idx = members + off[c];
            n = off[c + 1] - off[c];
        }
        if (!(rs[i] = category_units(w, idx, n, &rb, err)))
            rc = err ? err->code : SENTRAJ_ENOMEM;
        h[i] = sentraj_hash_name(t->names[i], strlen(t->names[i]));
        outs[i] = res + i * K2;
    }
    if (rc == SENTRAJ_OK)
        rc = ratio_boot_many((const ratio_sample *const *)rs, h, m, &t->cfg, "transitions", MAX_DOUBLES, outs, NULL,
                             err);
    for (size_t i = 0; i < m && rc == SENTRAJ_OK; i++)
        fill_rows(t, i, res + i * K2, t->cluster_by != NULL);
    for (size_t i = 0; rs && i < m; i++)
        ratio_sample_free(rs[i]);
    ratio_builder_free(&rb);
    free(rs);
    free(res);
    free(outs);
    free(h);
    return rc;
}

sentraj_transitions *sentraj_transitions_compute(const sentraj_dataset *ds, const sentraj_scale *scale,
                                                 const sentraj_config *cfg, sentraj_error *err)
{
    sentraj_transitions *t = NULL;
    uint32_t *sets = NULL, *members = NULL;
    size_t *off = NULL;
    twork w;

    memset(&w, 0, sizeof w);
    if (analysis_check_call(ds, cfg, "sentraj_transitions_compute", err) != SENTRAJ_OK)
        return NULL;
    if (cfg->engine == SENTRAJ_ENGINE_EXACT) {
        sentraj_fail(err, SENTRAJ_EUSAGE,
                     "the exact engine cannot bootstrap transitions: each share is a ratio of two resampled counts; "
                     "use --engine index or multinomial");
        return NULL;
    }
    if (!(t = calloc(1, sizeof *t)))
        goto nomem;
    t->cfg = *cfg;
    t->ncat = ds->cats.count + 1;
    if (levels_init(&t->lev, scale, ds, err) != SENTRAJ_OK || !(t->names = analysis_row_names(ds, cfg->order, err)))
        goto fail;
    t->nlev = t->lev.n;
    t->rows = calloc(t->ncat * t->nlev * t->nlev, sizeof *t->rows);
    sets = malloc((ds->nkept ? ds->nkept : 1) * sizeof *sets);
    w = (twork){ds, &t->lev, t->nlev, calloc(t->nlev * t->nlev, sizeof(double)),
                malloc(t->nlev * t->nlev * sizeof(unit_entry)), malloc((ds->nkept ? ds->nkept : 1) * sizeof(member_key))};
    if (!t->rows || !sets || !w.cell || !w.e || !w.order ||
        (ds->field[FIELD_CLUSTER] && !(t->cluster_by = strdup(ds->field[FIELD_CLUSTER]))))
        goto nomem;
    for (size_t i = 0; i < ds->nkept; i++)
        sets[i] = ds->kept[i].set;
    if (analysis_members(ds, sets, ds->nkept, &off, &members, err) != SENTRAJ_OK ||
        bootstrap(t, &w, off, members, err) != SENTRAJ_OK)
        goto fail;
    goto done;
nomem:
    sentraj_nomem(err, "transitions");
fail:
    sentraj_transitions_free(t);
    t = NULL;
done:
    free(sets);
    free(members);
    free(off);
    free(w.cell);
    free(w.e);
    free(w.order);
    return t;
}
