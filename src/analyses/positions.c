/* positions.c - mean sentiment at each position of the conversations, per category, with bootstrap intervals. */
#include "analyses/positions.h"

#include "analyses/analysis.h"
#include "analyses/order.h"
#include "boot/ratio.h"
#include "data/dataset.h"
#include "core/error.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The resampled sums of all categories may take at most this many doubles
 * (1 GiB): B x positions x 2 (5 for the studentized method) per category. */
#define MAX_DOUBLES ((size_t)1 << 27)

void sentraj_positions_options_init(sentraj_positions_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_position = 10;
    o->bins = 0;
    o->all_conversations = 0;
}

static int check_options(const sentraj_positions_options *po, sentraj_error *err)
{
    if (po->bins > 1000)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "bins must be between 1 and 1000 (or 0 for positions), not %zu",
                            po->bins);
    if (po->bins == 0 && (po->max_position < 1 || po->max_position > 10000))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "max_position must be between 1 and 10000, not %zu",
                            po->max_position);
    return SENTRAJ_OK;
}

void sentraj_positions_free(sentraj_positions *p)
{
    if (!p)
        return;
    for (size_t i = 0; p->names && i < p->ncat; i++)
        free(p->names[i]);
    free(p->names);
    free(p->rows);
    free(p->cluster_by);
    free(p);
}

size_t sentraj_positions_rows(const sentraj_positions *p)
{
    return p->ncat * p->npos;
}

const sentraj_position_row *sentraj_positions_row(const sentraj_positions *p, size_t i)
{
    return i < p->ncat * p->npos ? &p->rows[i] : NULL;
}

size_t sentraj_positions_count(const sentraj_positions *p)
{
    return p->npos;
}

size_t sentraj_positions_conversations(const sentraj_positions *p)
{
    return p->conversations;
}

const sentraj_config *sentraj_positions_config(const sentraj_positions *p)
{
    return &p->cfg;
}

const sentraj_positions_options *sentraj_positions_options_get(const sentraj_positions *p)
{
    return &p->po;
}

const char *sentraj_positions_cluster_by(const sentraj_positions *p)
{
    return p->cluster_by;
}

/* ---- computing ------------------------------------------------------------ */

/* A conversation used, with its entries: one per position (or non-empty
 * bin) it reaches, in channel order. */
typedef struct pconv {
    uint32_t conv;
    uint32_t cluster;
    size_t e0, e1; /* entries[e0 .. e1) */
} pconv;

typedef struct id_ref {
    const char *s;
    uint32_t len;
    uint32_t conv;
} id_ref;

static int cmp_id(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int r = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    if (r)
        return r;
    return (x->len > y->len) - (x->len < y->len);
}

/* Member positions (into the pconv array) by cluster, then by id order. */
typedef struct member_key {
    uint32_t cluster;
    uint32_t pos;
} member_key;

static int cmp_member(const void *a, const void *b)
{
    const member_key *x = a, *y = b;
    if (x->cluster != y->cluster)
        return x->cluster < y->cluster ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Work space of one computation. */
typedef struct pwork {
    const sentraj_dataset *ds;
    size_t npos;
    pconv *convs;        /* used conversations, sorted by id */
    size_t nconvs;
    unit_entry *e;       /* their entries */
    size_t ne, ecap;
    /* Clusters: per-channel sums of the cluster being merged. */
    double *ysum, *nsum;
    uint32_t *touched;
    member_key *keys;
    unit_entry *merged;
} pwork;

static int push_entry(pwork *w, uint32_t ch, double y, sentraj_error *err)
{
    if (w->ne == w->ecap) {
        size_t nc = w->ecap ? w->ecap * 2 : 4096;
        unit_entry *ne = realloc(w->e, nc * sizeof *ne);
        if (!ne)
            return sentraj_nomem(err, "positions");
        w->e = ne;
        w->ecap = nc;
    }
    w->e[w->ne++] = (unit_entry){ch, y, 1};
    return SENTRAJ_OK;
}

/* A label in the sample's units: an exact integer on the lattice. */
static double label_units(const sentraj_dataset *ds, double v)
{
    return ds->lattice ? nearbyint(v * (double)ds->denom) : v;
}

/* The entries of conversation c: its human labels in message order (finish
 * sorted its rows), at positions 1 .. npos, or averaged within bins. */
static int conv_entries(pwork *w, uint32_t c, uint64_t humans, size_t bins, sentraj_error *err)
{
    const sentraj_dataset *ds = w->ds;
    size_t i = 0, lo = ds->label_off[c], hi = ds->label_off[c + 1];
    double acc = 0;
    size_t in_bin = 0, bin = 0;

    for (size_t x = lo; x < hi; x++) {
        if (!dataset_row_human(ds, x))
            continue;
        if (!bins) {
            if (i >= w->npos)
                break;
            if (push_entry(w, (uint32_t)i, label_units(ds, dataset_row_value(ds, x)), err) != SENTRAJ_OK)
                return SENTRAJ_ENOMEM;
        } else {
            /* Human message i of h falls in bin floor(i K / h). */
            size_t b = (size_t)((uint64_t)i * bins / humans);
            if (b != bin && in_bin) {
                if (push_entry(w, (uint32_t)bin, acc / (double)in_bin, err) != SENTRAJ_OK)
                    return SENTRAJ_ENOMEM;
                acc = 0;
                in_bin = 0;
            }
            bin = b;
            acc += label_units(ds, dataset_row_value(ds, x));
            in_bin++;
        }
        i++;
    }
    if (bins && in_bin && push_entry(w, (uint32_t)bin, acc / (double)in_bin, err) != SENTRAJ_OK)
        return SENTRAJ_ENOMEM;
    return SENTRAJ_OK;
}

/* The conversations the options use, sorted by id, with their entries. */
static int collect(pwork *w, const sentraj_positions_options *po, sentraj_error *err)
{
    const sentraj_dataset *ds = w->ds;
    size_t nconv = ds->ids.count, n = 0;
    uint64_t need = po->all_conversations ? 1 : ds->min_human;
    id_ref *refs = malloc((nconv ? nconv : 1) * sizeof *refs);
    uint64_t *humans = malloc((nconv ? nconv : 1) * sizeof *humans);
    int rc = SENTRAJ_OK;

    w->convs = malloc((nconv ? nconv : 1) * sizeof *w->convs);
    if (!refs || !humans || !w->convs) {
        rc = sentraj_nomem(err, "positions");
        goto out;
    }
    for (size_t c = 0; c < nconv; c++) {
        uint64_t h = 0;
        for (size_t x = ds->label_off[c]; x < ds->label_off[c + 1]; x++)
            h += dataset_row_human(ds, x);
        humans[c] = h;
        if (h >= need)
            refs[n++] = (id_ref){intern_str(&ds->ids, (uint32_t)c), intern_len(&ds->ids, (uint32_t)c), (uint32_t)c};
    }
    /* By id, so every total is taken in an order that does not depend on
     * the order rows arrived in. */
    qsort(refs, n, sizeof *refs, cmp_id);
    for (size_t i = 0; i < n; i++) {
        pconv *pc = &w->convs[i];
        pc->conv = refs[i].conv;
        pc->cluster = conv_cluster(ds, refs[i].conv);
        pc->e0 = w->ne;
        if ((rc = conv_entries(w, refs[i].conv, humans[refs[i].conv], po->bins, err)) != SENTRAJ_OK)
            goto out;
        pc->e1 = w->ne;
    }
    w->nconvs = n;
out:
    free(refs);
    free(humans);
    return rc;
}

/* The units of one category: its conversations (members, ascending
 * positions into w->convs), or with clusters each cluster's conversations
 * merged per position. */
static ratio_sample *category_units(pwork *w, const uint32_t *members, size_t n, int clustered, double denom,
                                    ratio_builder *rb, sentraj_error *err)
{
    if (!clustered) {
        for (size_t i = 0; i < n; i++) {
            const pconv *pc = &w->convs[members[i]];
            if (ratio_builder_add(rb, w->e + pc->e0, pc->e1 - pc->e0, err) != SENTRAJ_OK)
                return NULL;
        }
        return ratio_sample_build(rb, w->npos, denom, err);
    }
    for (size_t i = 0; i < n; i++)
        w->keys[i] = (member_key){w->convs[members[i]].cluster, members[i]};
    qsort(w->keys, n, sizeof *w->keys, cmp_member);
    for (size_t i = 0; i < n;) {
        size_t j = i, nt = 0;
        /* Sum the cluster's conversations per channel, in id order. */
        for (; j < n && w->keys[j].cluster == w->keys[i].cluster; j++) {
            const pconv *pc = &w->convs[w->keys[j].pos];
            for (size_t t = pc->e0; t < pc->e1; t++) {
                uint32_t ch = w->e[t].ch;
                if (w->nsum[ch] == 0)
                    w->touched[nt++] = ch;
                w->ysum[ch] += w->e[t].y;
                w->nsum[ch] += w->e[t].n;
            }
        }
        qsort(w->touched, nt, sizeof *w->touched, cmp_u32);
        for (size_t t = 0; t < nt; t++) {
            uint32_t ch = w->touched[t];
            w->merged[t] = (unit_entry){ch, w->ysum[ch], w->nsum[ch]};
            w->ysum[ch] = w->nsum[ch] = 0;
        }
        if (ratio_builder_add(rb, w->merged, nt, err) != SENTRAJ_OK)
            return NULL;
        i = j;
    }
    return ratio_sample_build(rb, w->npos, denom, err);
}

/* The checks before any work: options, a data set read with every label
 * kept, and an engine that can resample a ratio. */
static int check_call(const sentraj_dataset *ds, const sentraj_config *cfg, const sentraj_positions_options *po,
                      sentraj_error *err)
{
    int rc;

    if ((rc = sentraj_config_check(cfg, err)) != SENTRAJ_OK || (rc = check_options(po, err)) != SENTRAJ_OK)
        return rc;
    if (!ds->finished || !ds->label_off)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "positions need a finished data set read with keep_labels set (every label kept)");
    if (cfg->min_human != ds->min_human || cfg->window != ds->window)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the config's min_human and window must match the data set's");
    if (cfg->engine == SENTRAJ_ENGINE_EXACT)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the exact engine cannot bootstrap positions: each resampled mean is a ratio of two "
                            "resampled sums (the conversations reaching a position vary); use --engine index or "
                            "multinomial");
    return SENTRAJ_OK;
}

/* An empty result for ds's categories and "all", npos rows each. */
static sentraj_positions *positions_alloc(const sentraj_dataset *ds, const sentraj_config *cfg,
                                          const sentraj_positions_options *po, size_t npos, sentraj_error *err)
{
    sentraj_positions *p = calloc(1, sizeof *p);

    if (!p) {
        sentraj_nomem(err, "positions");
        return NULL;
    }
    p->cfg = *cfg;
    p->po = *po;
    p->ncat = ds->cats.count + 1;
    p->npos = npos;
    p->rows = calloc(p->ncat * npos, sizeof *p->rows);
    if (!p->rows || (ds->field[FIELD_CLUSTER] && !(p->cluster_by = strdup(ds->field[FIELD_CLUSTER])))) {
        sentraj_positions_free(p);
        sentraj_nomem(err, "positions");
        return NULL;
    }
    if (!(p->names = analysis_row_names(ds, cfg->order, err))) {
        sentraj_positions_free(p);
        return NULL;
    }
    return p;
}

/* Scratch space for merging each cluster's conversations per position. */
static int cluster_scratch(pwork *w, sentraj_error *err)
{
    w->ysum = calloc(w->npos, sizeof *w->ysum);
    w->nsum = calloc(w->npos, sizeof *w->nsum);
    w->touched = malloc(w->npos * sizeof *w->touched);
    w->merged = malloc(w->npos * sizeof *w->merged);
    w->keys = malloc((w->nconvs ? w->nconvs : 1) * sizeof *w->keys);
    if (!w->ysum || !w->nsum || !w->touched || !w->merged || !w->keys)
        return sentraj_nomem(err, "positions");
    return SENTRAJ_OK;
}

static void pwork_free(pwork *w)
{
    free(w->convs);
    free(w->e);
    free(w->ysum);
    free(w->nsum);
    free(w->touched);
    free(w->merged);
    free(w->keys);
}

/* Row (i, q) of p from channel q of category i's ratio bootstrap. */
static void fill_rows(sentraj_positions *p, const ratio_result *res, int clustered)
{
    for (size_t i = 0; i < p->ncat; i++) {
        for (size_t q = 0; q < p->npos; q++) {
            const ratio_result *r = &res[i * p->npos + q];
            sentraj_position_row *row = &p->rows[i * p->npos + q];
            row->category = p->names[i];
            row->position = q + 1;
            row->conversations = (size_t)r->n;
            row->clusters = clustered ? r->units : 0;
            row->mean = r->estimate;
            row->ci_low = r->ci_low;
            row->ci_high = r->ci_high;
            row->se = r->se;
            row->status = r->status;
            /* An interval from fewer than `small` conversations (clusters)
             * covers less than its level: said in the status. */
            if (row->status == SENTRAJ_CI_OK &&
                (row->conversations < p->cfg.small || (clustered && row->clusters < p->cfg.small)))
                row->status = SENTRAJ_CI_SMALL;
            row->empty = r->empty;
            row->engine = r->engine;
        }
    }
}

/* Bootstrap every category's units (members[off[c] .. off[c + 1]) of
 * category c; "all" at members + all) and fill p's rows. */
static int bootstrap_rows(sentraj_positions *p, pwork *w, const size_t *off, const uint32_t *members,
                          const uint32_t *all, sentraj_error *err)
{
    const sentraj_dataset *ds = w->ds;
    size_t ncat = p->ncat;
    int clustered = p->cluster_by != NULL, rc = SENTRAJ_OK;
    double denom = ds->lattice ? (double)ds->denom : 1.0;
    ratio_sample **rs = calloc(ncat, sizeof *rs);
    ratio_result *res = calloc(ncat * w->npos, sizeof *res), **outs = calloc(ncat, sizeof *outs);
    uint64_t *hashes = calloc(ncat, sizeof *hashes);
    ratio_builder rb;

    ratio_builder_init(&rb);
    if (!rs || !res || !outs || !hashes) {
        rc = sentraj_nomem(err, "positions");
        goto out;
    }
    for (size_t i = 0; i < ncat && rc == SENTRAJ_OK; i++) {
        if (i + 1 < ncat) {
            uint32_t c = analysis_category_id(ds, p->names[i]);
            rs[i] = category_units(w, members + off[c], off[c + 1] - off[c], clustered, denom, &rb, err);
        } else {
            rs[i] = category_units(w, all, w->nconvs, clustered, denom, &rb, err);
        }
        if (!rs[i])
            rc = err ? err->code : SENTRAJ_ENOMEM;
        hashes[i] = sentraj_hash_name(p->names[i], strlen(p->names[i]));
        outs[i] = res + i * w->npos;
    }
    if (rc == SENTRAJ_OK)
        rc = ratio_boot_many((const ratio_sample *const *)rs, hashes, ncat, &p->cfg, "positions", MAX_DOUBLES, outs,
                             NULL, err);
    if (rc == SENTRAJ_OK)
        fill_rows(p, res, clustered);
out:
    for (size_t i = 0; rs && i < ncat; i++)
        ratio_sample_free(rs[i]);
    ratio_builder_free(&rb);
    free(rs);
    free(res);
    free(outs);
    free(hashes);
    return rc;
}

sentraj_positions *sentraj_positions_compute(const sentraj_dataset *ds, const sentraj_config *cfg,
                                             const sentraj_positions_options *po, sentraj_error *err)
{
    sentraj_positions *p = NULL;
    pwork w;
    size_t *off = NULL;
    uint32_t *members = NULL, *sets = NULL;
    int rc;

    memset(&w, 0, sizeof w);
    if (check_call(ds, cfg, po, err) != SENTRAJ_OK)
        return NULL;
    w.ds = ds;
    w.npos = po->bins ? po->bins : po->max_position;
    if (!(p = positions_alloc(ds, cfg, po, w.npos, err)) || (rc = collect(&w, po, err)) != SENTRAJ_OK)
        goto fail;
    p->conversations = w.nconvs;
    /* Members of each category, ascending positions into w.convs, then
     * "all": every conversation once. */
    if (!(sets = malloc((w.nconvs ? w.nconvs : 1) * sizeof *sets))) {
        sentraj_nomem(err, "positions");
        goto fail;
    }
    for (size_t i = 0; i < w.nconvs; i++)
        sets[i] = ds->convs[w.convs[i].conv].set;
    if (analysis_members(ds, sets, w.nconvs, &off, &members, err) != SENTRAJ_OK)
        goto fail;
    for (size_t i = 0; i < w.nconvs; i++)
        members[off[ds->cats.count] + i] = (uint32_t)i;
    if ((p->cluster_by && cluster_scratch(&w, err) != SENTRAJ_OK) ||
        bootstrap_rows(p, &w, off, members, members + off[ds->cats.count], err) != SENTRAJ_OK ||
        positions_order(p, err) != SENTRAJ_OK)
        goto fail;
    goto done;
fail:
    sentraj_positions_free(p);
    p = NULL;
done:
    free(sets);
    free(off);
    free(members);
    pwork_free(&w);
    return p;
}
