/* positions.c - mean sentiment at each position of the conversations, per category, with bootstrap intervals. */
#include "analyses/positions.h"

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

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
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
        const extra_row *r = &ds->extras[x];
        if (r->role != ROLE_HUMAN)
            continue;
        if (!bins) {
            if (i >= w->npos)
                break;
            if (push_entry(w, (uint32_t)i, label_units(ds, r->value), err) != SENTRAJ_OK)
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
            acc += label_units(ds, r->value);
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
            h += ds->extras[x].role == ROLE_HUMAN;
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

sentraj_positions *sentraj_positions_compute(const sentraj_dataset *ds, const sentraj_config *cfg,
                                             const sentraj_positions_options *po, sentraj_error *err)
{
    sentraj_positions *p = NULL;
    pwork w;
    size_t ncat, *off = NULL, *fill = NULL, total = 0;
    uint32_t *members = NULL;
    ratio_sample **rs = NULL;
    ratio_result *res = NULL, **outs = NULL;
    uint64_t *hashes = NULL;
    ratio_builder rb;
    int clustered, ok = 0;
    double denom;

    memset(&w, 0, sizeof w);
    ratio_builder_init(&rb);
    if (sentraj_config_check(cfg, err) != SENTRAJ_OK || check_options(po, err) != SENTRAJ_OK)
        return NULL;
    if (!ds->finished || !ds->label_off) {
        sentraj_fail(err, SENTRAJ_EUSAGE,
                     "positions need a finished data set read with keep_labels set (every label kept)");
        return NULL;
    }
    if (cfg->min_human != ds->min_human || cfg->window != ds->window) {
        sentraj_fail(err, SENTRAJ_EUSAGE, "the config's min_human and window must match the data set's");
        return NULL;
    }
    if (cfg->engine == SENTRAJ_ENGINE_EXACT) {
        sentraj_fail(err, SENTRAJ_EUSAGE,
                     "the exact engine cannot bootstrap positions: each resampled mean is a ratio of two resampled "
                     "sums (the conversations reaching a position vary); use --engine index or multinomial");
        return NULL;
    }
    clustered = ds->field[FIELD_CLUSTER] != NULL;
    denom = ds->lattice ? (double)ds->denom : 1.0;
    ncat = ds->cats.count + 1;
    w.ds = ds;
    w.npos = po->bins ? po->bins : po->max_position;

    p = calloc(1, sizeof *p);
    if (!p)
        goto nomem;
    p->cfg = *cfg;
    p->po = *po;
    p->ncat = ncat;
    p->npos = w.npos;
    p->names = calloc(ncat, sizeof *p->names);
    p->rows = calloc(ncat * w.npos, sizeof *p->rows);
    if (!p->names || !p->rows || (clustered && !(p->cluster_by = strdup(ds->field[FIELD_CLUSTER]))))
        goto nomem;
    for (size_t i = 0; i + 1 < ncat; i++)
        if (!(p->names[i] = strdup(intern_str(&ds->cats, (uint32_t)i))))
            goto nomem;
    qsort(p->names, ncat - 1, sizeof *p->names, cmp_name);
    if (!(p->names[ncat - 1] = strdup("all")))
        goto nomem;

    if (collect(&w, po, err) != SENTRAJ_OK)
        goto fail;
    p->conversations = w.nconvs;

    /* Members of each category (by category id), ascending positions into
     * w.convs: a counting sort over the conversations' category sets. */
    off = calloc(ncat + 1, sizeof *off);
    fill = calloc(ncat, sizeof *fill);
    if (!off || !fill)
        goto nomem;
    for (size_t i = 0; i < w.nconvs; i++)
        for (const uint32_t *m = ds->set_members[ds->convs[w.convs[i].conv].set]; *m != UINT32_MAX; m++)
            off[*m + 1]++, total++;
    for (size_t c = 0; c + 1 < ncat; c++)
        off[c + 1] += off[c];
    members = malloc((total + w.nconvs + 1) * sizeof *members);
    if (!members)
        goto nomem;
    memcpy(fill, off, (ncat - 1) * sizeof *fill);
    for (size_t i = 0; i < w.nconvs; i++)
        for (const uint32_t *m = ds->set_members[ds->convs[w.convs[i].conv].set]; *m != UINT32_MAX; m++)
            members[fill[*m]++] = (uint32_t)i;
    /* "all": every conversation once. */
    for (size_t i = 0; i < w.nconvs; i++)
        members[total + i] = (uint32_t)i;

    if (clustered) {
        w.ysum = calloc(w.npos, sizeof *w.ysum);
        w.nsum = calloc(w.npos, sizeof *w.nsum);
        w.touched = malloc(w.npos * sizeof *w.touched);
        w.merged = malloc(w.npos * sizeof *w.merged);
        w.keys = malloc((w.nconvs ? w.nconvs : 1) * sizeof *w.keys);
        if (!w.ysum || !w.nsum || !w.touched || !w.merged || !w.keys)
            goto nomem;
    }
    rs = calloc(ncat, sizeof *rs);
    res = calloc(ncat * w.npos, sizeof *res);
    outs = calloc(ncat, sizeof *outs);
    hashes = calloc(ncat, sizeof *hashes);
    if (!rs || !res || !outs || !hashes)
        goto nomem;
    for (size_t i = 0; i < ncat; i++) {
        const uint32_t *mem;
        size_t n;
        if (i + 1 < ncat) {
            size_t len = strlen(p->names[i]);
            uint32_t c = (uint32_t)intern_find(&ds->cats, p->names[i], len, intern_hash(p->names[i], len));
            mem = members + off[c];
            n = off[c + 1] - off[c];
        } else {
            mem = members + total;
            n = w.nconvs;
        }
        rs[i] = category_units(&w, mem, n, clustered, denom, &rb, err);
        if (!rs[i])
            goto fail;
        hashes[i] = sentraj_hash_name(p->names[i], strlen(p->names[i]));
        outs[i] = res + i * w.npos;
    }
    if (ratio_boot_many((const ratio_sample *const *)rs, hashes, ncat, cfg, "positions", MAX_DOUBLES, outs, NULL,
                        err) != SENTRAJ_OK)
        goto fail;
    for (size_t i = 0; i < ncat; i++) {
        for (size_t q = 0; q < w.npos; q++) {
            const ratio_result *r = &res[i * w.npos + q];
            sentraj_position_row *row = &p->rows[i * w.npos + q];
            row->category = p->names[i];
            row->position = q + 1;
            row->conversations = (size_t)r->n;
            row->clusters = clustered ? r->units : 0;
            row->mean = r->estimate;
            row->ci_low = r->ci_low;
            row->ci_high = r->ci_high;
            row->se = r->se;
            row->status = r->status;
            row->empty = r->empty;
            row->engine = r->engine;
        }
    }
    ok = 1;
    goto done;
nomem:
    sentraj_nomem(err, "positions");
fail:
done:
    for (size_t i = 0; rs && i < ncat; i++)
        ratio_sample_free(rs[i]);
    ratio_builder_free(&rb);
    free(rs);
    free(res);
    free(outs);
    free(hashes);
    free(off);
    free(fill);
    free(members);
    free(w.convs);
    free(w.e);
    free(w.ysum);
    free(w.nsum);
    free(w.touched);
    free(w.merged);
    free(w.keys);
    if (!ok) {
        sentraj_positions_free(p);
        p = NULL;
    }
    return p;
}
