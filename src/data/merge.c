/* merge.c - parallel reading's reader parts, and their merge into the data set in file order. */
#include "data/dataset.h"
#include "data/window.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

sentraj_dataset *dataset_part_alloc(const sentraj_dataset *ds, sentraj_error *err)
{
    sentraj_dataset *p = calloc(1, sizeof *p);
    if (!p) {
        sentraj_nomem(err, "reader part");
        return NULL;
    }
    p->is_part = 1;
    p->min_human = ds->min_human;
    p->window = ds->window;
    p->threads = 1;
    p->format = ds->format;
    memcpy(p->field, ds->field, sizeof p->field);
    p->scale = ds->scale;
    p->denom = ds->denom;
    p->lattice = ds->denom > 0;
    win_set_scale(p);
    dataset_init_tables(p);
    p->reading_started = 1;
    return p;
}

int dataset_pristine(const sentraj_dataset *ds)
{
    return ds->ids.count == 0 && ds->raw_cats.count == 0 && ds->sets.count == 0 &&
           ds->cats.count == 0 && ds->clusters.count == 0 && ds->nextras == 0 && ds->counts.rows == 0 &&
           !ds->keep_labels;
}

static int same_str(const intern *a, uint32_t ia, const intern *b, uint32_t ib)
{
    return intern_len(a, ia) == intern_len(b, ib) &&
           memcmp(intern_str(a, ia), intern_str(b, ib), intern_len(a, ia)) == 0;
}

/* Whether rows with core s, arriving after the rows of core d, all join d's
 * ordered core (dataset_add_row's test, row by row); *stride gets the
 * joined core's stride. */
static int cores_join(const conv *d, const conv *s, uint64_t *stride)
{
    uint64_t st;
    if (d->frozen || s->frozen || d->rows == 0 || s->rows == 0 || s->first_index <= core_last(d) ||
        (uint64_t)d->rows + s->rows >= UINT32_MAX)
        return 0;
    if (d->rows == 1) {
        st = s->first_index - d->first_index;
        if (st > STRIDE_MAX)
            return 0;
    } else {
        if (s->first_index - core_last(d) != d->stride)
            return 0;
        st = d->stride;
    }
    if (s->rows >= 2 && s->stride != st)
        return 0;
    *stride = st;
    return 1;
}

/* Human label j (0-based, in message order) of a core whose decoded slots
 * are e: held when j < window (first slots) or j >= humans - window (ring). */
static win_entry core_label(const win_entry *e, size_t w, uint64_t j)
{
    return e[j < w ? (size_t)j : w + (size_t)(j % w)];
}

/* Human label j of a core of src, placed after dr rows. */
static win_entry moved_label(const win_entry *e, size_t w, uint64_t j, uint64_t dr)
{
    win_entry x = core_label(e, w, j);
    x.ordinal += (uint32_t)dr;
    return x;
}

/* Append the core of conversation sc of src to the core of conversation dc
 * of dst, as core_add would row by row. tmp has room for 6 * window
 * entries. */
static int cores_append(sentraj_dataset *dst, size_t dc, const sentraj_dataset *src, size_t sc, uint64_t stride,
                        win_entry *tmp, sentraj_error *err)
{
    conv *d = &dst->convs[dc];
    const conv *s = &src->convs[sc];
    size_t window = dst->window;
    uint64_t dh = d->humans, h = dh + s->humans, dr = d->rows;
    uint64_t nfirst = h < window ? h : window, lo = h > window ? h - window : 0;
    win_entry *out = tmp, *de = tmp + 2 * window, *se = tmp + 4 * window;

    win_load(dst, dc, de);
    win_load(src, sc, se);
    for (uint64_t j = 0; j < nfirst; j++)
        out[j] = j < dh ? core_label(de, window, j) : moved_label(se, window, j - dh, dr);
    for (uint64_t j = lo; j < h; j++)
        out[window + j % window] = j < dh ? core_label(de, window, j) : moved_label(se, window, j - dh, dr);
    d->stride = (uint32_t)stride;
    d->rows += s->rows;
    d->humans = (uint32_t)h;
    return win_store(dst, dc, out, err);
}

/* Exchange two objects of the same type. */
#define SWAP(a, b)                                                                                                 \
    do {                                                                                                           \
        unsigned char t_[sizeof(a)];                                                                               \
        _Static_assert(sizeof(a) == sizeof(b), "SWAP of different types");                                         \
        memcpy(t_, &(a), sizeof t_);                                                                               \
        memcpy(&(a), &(b), sizeof t_);                                                                             \
        memcpy(&(b), t_, sizeof t_);                                                                               \
    } while (0)

/* dataset_merge into a pristine dst: take src's tables whole. */
static void adopt(sentraj_dataset *dst, sentraj_dataset *src, uint64_t line_offset)
{
    SWAP(dst->ids, src->ids);
    SWAP(dst->convs, src->convs);
    SWAP(dst->convs_cap, src->convs_cap);
    SWAP(dst->win, src->win);
    SWAP(dst->wide_val, src->wide_val);
    SWAP(dst->wide_ord, src->wide_ord);
    SWAP(dst->nwide, src->nwide);
    SWAP(dst->wide_cap, src->wide_cap);
    SWAP(dst->raw_cats, src->raw_cats);
    SWAP(dst->raw_to_set, src->raw_to_set);
    SWAP(dst->raw_to_set_cap, src->raw_to_set_cap);
    SWAP(dst->sets, src->sets);
    SWAP(dst->set_members, src->set_members);
    SWAP(dst->set_members_cap, src->set_members_cap);
    SWAP(dst->cats, src->cats);
    SWAP(dst->clusters, src->clusters);
    SWAP(dst->counts, src->counts);
    for (size_t q = 0; q < 7; q++)
        SWAP(dst->code_uses[q], src->code_uses[q]);
    SWAP(dst->code_other, src->code_other);
    dst->lattice = dst->lattice && src->lattice;
    dst->last_conv = -1;
    dst->last_raw = -1;
    SWAP(dst->cluster_of, src->cluster_of);
    for (size_t c = 0; c < dst->ids.count; c++)
        dst->convs[c].line += line_offset;
}

/* How many conversations ahead dataset_merge prefetches its lookups; the
 * hashes of those ahead wait in a ring. */
#define PREFETCH 8
#define HASH_RING 16

/* How many conversations dataset_merge copies between two shrinkings of
 * the part it takes apart. */
#define SHRINK_STEP 65536

static uint64_t id_hash(const intern *t, size_t c)
{
    return intern_hash(intern_str(t, (uint32_t)c), intern_len(t, (uint32_t)c));
}

/* Give back the memory of the records of part p past its first `keep`
 * conversations, which will not be read again, and of its wide table past
 * `wide_keep` entries (those conversations' places there are all below
 * it). A failed realloc keeps the larger block: only a missed saving. */
static void part_shrink(sentraj_dataset *p, size_t keep, size_t wide_keep)
{
    size_t k = keep ? keep : 1;
    conv *nc = realloc(p->convs, k * sizeof *nc);
    if (nc)
        p->convs = nc;
    if (p->cluster_of) {
        uint32_t *ncl = realloc(p->cluster_of, k * sizeof *ncl);
        if (ncl)
            p->cluster_of = ncl;
    }
    p->convs_cap = k;
    win_shrink(p, keep, wide_keep);
}

/* For each block of SHRINK_STEP conversations of p, one more than the
 * largest wide-table place of the conversations before it: what
 * part_shrink may keep of the wide table at that block's start. NULL
 * without memory (then nothing of the wide table is given back). */
static uint32_t *wide_reach(const sentraj_dataset *p, size_t n)
{
    size_t nb = n / SHRINK_STEP + 1;
    uint32_t *reach = malloc(nb * sizeof *reach), top = 0;
    if (!reach)
        return NULL;
    for (size_t c = 0; c < n; c++) {
        if (c % SHRINK_STEP == 0)
            reach[c / SHRINK_STEP] = top;
        if (p->convs[c].wide && win_wide_index(p, c) + 1 > top)
            top = win_wide_index(p, c) + 1;
    }
    return reach;
}

/* What dataset_merge works with: where each of src's n conversations goes
 * (map: its id in dst, or UINT32_MAX for the nnew new ones), src's category
 * sets and clusters by their ids in dst, and room for cores_append. */
typedef struct merge_work {
    size_t n, nnew;
    uint32_t *map, *set_map, *cluster_map;
    win_entry *tmp;
} merge_work;

static int work_alloc(merge_work *m, const sentraj_dataset *src, sentraj_error *err)
{
    m->n = src->ids.count;
    m->map = malloc((m->n ? m->n : 1) * sizeof *m->map);
    m->set_map = malloc((src->sets.count ? src->sets.count : 1) * sizeof *m->set_map);
    m->cluster_map = malloc((src->clusters.count ? src->clusters.count : 1) * sizeof *m->cluster_map);
    m->tmp = malloc(6 * src->window * sizeof *m->tmp);
    if (!m->map || !m->set_map || !m->cluster_map || !m->tmp)
        return sentraj_nomem(err, "merging reader parts");
    return SENTRAJ_OK;
}

static void work_free(merge_work *m)
{
    free(m->map);
    free(m->set_map);
    free(m->cluster_map);
    free(m->tmp);
}

/* Find each conversation of src in dst and check that the merge can be
 * done, before anything changes, so that dst is left as it was when the
 * rows must be read again. The lookups are random reads of a large table:
 * each is prefetched a few conversations ahead. Returns SENTRAJ_OK with
 * map and nnew set, or DATASET_NOMERGE. */
static int map_conversations(merge_work *m, const sentraj_dataset *dst, const sentraj_dataset *src)
{
    uint64_t hash[HASH_RING];
    size_t n = m->n;

    m->nnew = 0;
    for (size_t c = 0; c < n && c < PREFETCH; c++)
        hash[c] = id_hash(&src->ids, c);
    for (size_t c = 0; c < n; c++) {
        const char *id = intern_str(&src->ids, (uint32_t)c);
        uint32_t len = intern_len(&src->ids, (uint32_t)c);
        uint64_t h = hash[c % HASH_RING];
        int64_t d;
        if (c + PREFETCH < n) {
            hash[(c + PREFETCH) % HASH_RING] = id_hash(&src->ids, c + PREFETCH);
            intern_prefetch(&dst->ids, hash[(c + PREFETCH) % HASH_RING]);
        }
        d = intern_find(&dst->ids, id, len, h);
        const conv *sc = &src->convs[c];
        uint64_t stride = 0;

        m->map[c] = d < 0 ? UINT32_MAX : (uint32_t)d;
        if (d < 0) {
            if (sc->frozen)
                return DATASET_NOMERGE;
            m->nnew++;
            continue;
        }
        const conv *dc = &dst->convs[d];
        if (!cores_join(dc, sc, &stride) || !same_str(&dst->sets, dc->set, &src->sets, sc->set) ||
            (dst->field[FIELD_CLUSTER] &&
             !same_str(&dst->clusters, dst->cluster_of[d], &src->clusters, src->cluster_of[c])))
            return DATASET_NOMERGE;
    }
    return SENTRAJ_OK;
}

/* src's category sets and cluster names by their ids in dst, which gets
 * the ones it does not have yet. */
static int map_names(merge_work *m, sentraj_dataset *dst, const sentraj_dataset *src, sentraj_error *err)
{
    for (size_t i = 0; i < src->sets.count; i++) {
        int64_t set = dataset_category_set(dst, intern_str(&src->sets, (uint32_t)i),
                                           intern_len(&src->sets, (uint32_t)i), NULL, 0, 0, err);
        if (set < 0)
            return err ? err->code : SENTRAJ_ENOMEM;
        m->set_map[i] = (uint32_t)set;
    }
    for (size_t i = 0; i < src->clusters.count; i++) {
        int added;
        const char *s = intern_str(&src->clusters, (uint32_t)i);
        uint32_t len = intern_len(&src->clusters, (uint32_t)i);
        int64_t id = intern_get(&dst->clusters, s, len, intern_hash(s, len), &added);
        if (id < 0)
            return sentraj_nomem(err, "cluster names");
        m->cluster_map[i] = (uint32_t)id;
    }
    return SENTRAJ_OK;
}

/* Copy src's new conversations to the next ids of dst, in src's order, and
 * append the others to the cores they continue; from the last record to
 * the first, giving src's memory back as it goes. */
static int move_records(merge_work *m, sentraj_dataset *dst, sentraj_dataset *src, uint64_t line_offset,
                        sentraj_error *err)
{
    size_t n = m->n;
    uint32_t *reach = src->nwide ? wide_reach(src, n) : NULL;
    int rc = SENTRAJ_OK;

    for (size_t c = n, d = dst->ids.count + m->nnew; c-- > 0 && rc == SENTRAJ_OK;) {
        const conv *sc = &src->convs[c];
        if (m->map[c] == UINT32_MAX) {
            conv *dc = &dst->convs[--d];
            *dc = *sc;
            dc->line += line_offset;
            dc->set = m->set_map[sc->set];
            if (dst->field[FIELD_CLUSTER])
                dst->cluster_of[d] = m->cluster_map[src->cluster_of[c]];
            rc = win_copy(dst, d, src, c, err);
        } else {
            uint64_t stride = 0;
            cores_join(&dst->convs[m->map[c]], sc, &stride);
            rc = cores_append(dst, m->map[c], src, c, stride, m->tmp, err);
        }
        if (rc == SENTRAJ_OK && c % SHRINK_STEP == 0)
            part_shrink(src, c, reach ? reach[c / SHRINK_STEP] : src->wide_cap);
    }
    free(reach);
    return rc;
}

int dataset_merge(sentraj_dataset *dst, sentraj_dataset *src, uint64_t line_offset, sentraj_error *err)
{
    merge_work m = {0};
    int rc;

    if (src->nextras || src->keep_labels || dst->keep_labels || dst->window != src->window)
        return DATASET_NOMERGE;
    if (dataset_pristine(dst)) {
        adopt(dst, src, line_offset);
        return SENTRAJ_OK;
    }
    if (work_alloc(&m, src, err) != SENTRAJ_OK)
        goto fail;
    if ((rc = map_conversations(&m, dst, src)) != SENTRAJ_OK)
        goto out;

    /* From here src is taken apart as it is used, so that the memory of
     * both parts is not held at once: its id hash (the lookups are done),
     * its records as they are copied (from the last, shrinking the arrays
     * as it goes), then its id strings, whose chunks dst takes over. Its
     * memory may belong to another thread's malloc arena, where dst could
     * not reuse it once freed. */
    intern_drop_index(&src->ids);
    if (m.nnew && dataset_conv_reserve(dst, dst->ids.count + m.nnew - 1, dst->ids.count + m.nnew, err) != SENTRAJ_OK)
        goto fail;
    if (map_names(&m, dst, src, err) != SENTRAJ_OK || move_records(&m, dst, src, line_offset, err) != SENTRAJ_OK)
        goto fail;
    free(src->convs);
    win_free(src);
    free(src->cluster_of);
    src->convs = NULL;
    src->cluster_of = NULL;
    src->convs_cap = 0;
    if (intern_take(&dst->ids, &src->ids, m.map, m.nnew) < 0) {
        sentraj_nomem(err, "conversation ids");
        goto fail;
    }
    dst->counts.conversations += m.nnew;
    dst->counts.rows += src->counts.rows;
    dst->counts.human_messages += src->counts.human_messages;
    for (size_t q = 0; q < 7; q++)
        dst->code_uses[q] += src->code_uses[q];
    dst->code_other += src->code_other;
    dst->counts.assistant_messages += src->counts.assistant_messages;
    dst->counts.ignored_messages += src->counts.ignored_messages;
    dst->lattice = dst->lattice && src->lattice;
    dst->last_conv = -1;
    rc = SENTRAJ_OK;
    goto out;
fail:
    dst->failed = 1;
    rc = err ? err->code : SENTRAJ_ENOMEM;
out:
    work_free(&m);
    return rc;
}
