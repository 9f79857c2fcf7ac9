/* ooo.c - rows that arrived out of order: kept in 16 bytes each, placed again for errors, radix-sorted at finish. */
#include "data/dataset.h"
#include "data/window.h"

#include "core/error.h"
#include "core/grow.h"
#include "core/pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- keeping rows ---------------------------------------------------------------- */

/* Note where row seq of input source, on `line`, came from, unless the last
 * place noted already predicts it. */
static int note_place(sentraj_dataset *ds, uint32_t source, uint64_t seq, uint64_t line)
{
    const ooo_cp *last = ds->ncps ? &ds->cps[ds->ncps - 1] : NULL;
    if (last && last->source == source && last->line + (seq - last->seq) * last->step == line)
        return 0;
    if (array_grow((void **)&ds->cps, &ds->cps_cap, ds->ncps, sizeof *ds->cps, 1024) < 0)
        return -1;
    ds->cps[ds->ncps++] = (ooo_cp){seq, line, source, ds->line_step};
    return 0;
}

/* Records mapped ahead of need: 1 MB. */
#define READY_ROWS ((size_t)1 << 16)

/* Map the pages of the next READY_ROWS records (or up to the capacity) in
 * one call: shuffled input writes a record per row into fresh memory, and
 * touched page by page each 4 KB is a page fault, which on some virtual
 * machines costs more than the 256 rows it holds. At most 1 MB is mapped
 * before it is written. Without MADV_POPULATE_WRITE (Linux 5.14) the pages
 * fault in as they are written, as before. */
static void ready_more(sentraj_dataset *ds)
{
    size_t to = ds->nooo + READY_ROWS < ds->ooo_cap ? ds->nooo + READY_ROWS : ds->ooo_cap;
#if defined(MADV_POPULATE_WRITE)
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = (uintptr_t)(ds->ooo + ds->nooo) & ~(page - 1), e = (uintptr_t)(ds->ooo + to);
    if (to - ds->nooo >= 1024 && e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#endif
    ds->ooo_ready = to;
}

int ooo_push_slow(sentraj_dataset *ds, uint32_t c, uint32_t source, uint64_t seq, const msg_row *r, int code,
                  sentraj_error *err)
{
    int human = r->role == ROLE_HUMAN;
    int side = r->index >= OOO_BIG || (human && code == WIN_NO_CODE) || r->index_col >= OOO_COL_MAX;
    uint64_t col = r->index_col < OOO_COL_MAX ? r->index_col : OOO_COL_MAX;
    uint64_t lab = human ? (uint64_t)(128 + (code == WIN_NO_CODE ? 0 : code)) : 0;

    if (seq > OOO_SEQ_MAX)
        return sentraj_fail(err, SENTRAJ_ELIMIT, "more than 2^40 rows arrived out of order");
    if (array_grow((void **)&ds->ooo, &ds->ooo_cap, ds->nooo, sizeof *ds->ooo, 1024) < 0 ||
        note_place(ds, source, seq, r->line) < 0)
        return sentraj_nomem(err, "out-of-order rows");
    if (ds->nooo >= ds->ooo_ready)
        ready_more(ds);
    if (side) {
        if (array_grow((void **)&ds->side, &ds->side_cap, ds->nside, sizeof *ds->side, 1024) < 0)
            return sentraj_nomem(err, "out-of-order rows");
        ds->side[ds->nside++] = (ooo_side){seq, r->index, human ? r->value : 0, r->index_col};
    }
    ds->ooo_index_or |= r->index < OOO_BIG ? (uint32_t)r->index : OOO_BIG;
    ds->ooo[ds->nooo++] = (ooo_row){(uint64_t)c << 32 | (r->index < OOO_BIG ? r->index : OOO_BIG),
                                    seq << 24 | col << 9 | (uint64_t)side << 8 | lab};
    return SENTRAJ_OK;
}

void ooo_free(sentraj_dataset *ds)
{
    free(ds->ooo);
    free(ds->side);
    free(ds->cps);
    ds->ooo = NULL;
    ds->side = NULL;
    ds->cps = NULL;
    ds->nooo = ds->ooo_cap = ds->nside = ds->side_cap = ds->ncps = ds->cps_cap = 0;
    ds->ooo_index_or = 0;
    ds->ooo_ready = 0;
}

/* ---- reading rows back ----------------------------------------------------------- */

/* Row x's side entry (it has one): side entries are kept in seq order. */
static const ooo_side *side_of(const sentraj_dataset *ds, const ooo_row *x)
{
    uint64_t seq = ooo_seq(x);
    size_t lo = 0, hi = ds->nside;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (ds->side[mid].seq <= seq)
            lo = mid;
        else
            hi = mid;
    }
    return &ds->side[lo];
}

uint64_t ooo_big_index(const sentraj_dataset *ds, const ooo_row *x)
{
    return side_of(ds, x)->index;
}

double ooo_value(const sentraj_dataset *ds, const ooo_row *x)
{
    if (ooo_has_side(x))
        return side_of(ds, x)->value;
    return ds->code_value[(int)(x->meta & 0xff) - 128 + WIN_CODE_MAX];
}

double dataset_row_value(const sentraj_dataset *ds, size_t x)
{
    return ooo_value(ds, &ds->ooo[x]);
}

void ooo_place(const sentraj_dataset *ds, const ooo_row *x, uint32_t *source, uint64_t *line, uint64_t *col)
{
    uint64_t seq = ooo_seq(x);
    size_t lo = 0, hi = ds->ncps;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (ds->cps[mid].seq <= seq)
            lo = mid;
        else
            hi = mid;
    }
    *source = ds->cps[lo].source;
    *line = ds->cps[lo].line + (seq - ds->cps[lo].seq) * ds->cps[lo].step;
    *col = (x->meta >> 9 & OOO_COL_MAX) == OOO_COL_MAX ? side_of(ds, x)->col : x->meta >> 9 & OOO_COL_MAX;
}

/* ---- sorting ----------------------------------------------------------------------- */

/* Runs this short are finished by insertion sort. */
#define SMALL 32

static int row_less(const ooo_row *a, const ooo_row *b)
{
    return a->key != b->key ? a->key < b->key : ooo_seq(a) < ooo_seq(b);
}

static void insertion_sort(ooo_row *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        ooo_row x = a[i];
        size_t j = i;
        for (; j > 0 && row_less(&x, &a[j - 1]); j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

/* Put a[0, n) in order of the digit (key >> shift) & 255, in place
 * (McIlroy, Bostic and McIlroy's American flag sort: each element is moved
 * straight to the next free place of its bucket); bucket b ends up at
 * [start[b], start[b + 1]). count holds each digit's elements. Returns 0
 * when every element has the same digit, so nothing moved. */
static int permute(ooo_row *a, size_t n, unsigned shift, const size_t count[256], size_t start[257])
{
    size_t next[256];
    start[0] = 0;
    for (int b = 0; b < 256; b++) {
        if (count[b] == n)
            return 0;
        start[b + 1] = start[b] + count[b];
        next[b] = start[b];
    }
    for (unsigned b = 0; b < 256; b++) {
        size_t end = start[b + 1];
        while (next[b] < end) {
            ooo_row v = a[next[b]];
            unsigned d = v.key >> shift & 255;
            while (d != b) {
                ooo_row t = a[next[d]];
                a[next[d]++] = v;
                v = t;
                d = v.key >> shift & 255;
            }
            a[next[b]++] = v;
        }
    }
    return 1;
}

static int partition(ooo_row *a, size_t n, unsigned shift, size_t start[257])
{
    size_t count[256] = {0};
    for (size_t i = 0; i < n; i++)
        count[a[i].key >> shift & 255]++;
    return permute(a, n, shift, count, start);
}

static int cmp_row(const void *pa, const void *pb)
{
    const ooo_row *a = pa, *b = pb;
    return row_less(a, b) ? -1 : row_less(b, a);
}

/* The digit after the one at shift: 8 bits lower, the last one at 0
 * (overlapping bits that already agree); -1 after the digit at 0. */
static int next_shift(int shift)
{
    return shift == 0 ? -1 : shift > 8 ? shift - 8 : 0;
}

/* Sort a[0, n), whose keys agree above the digit at shift, by that digit
 * and the ones below, then short runs by insertion. Rows whose keys agree
 * in every bit (only duplicates do) are put in seq order by qsort, which
 * stays O(n log n) however many there are. */
/* Rows with equal keys (duplicates only) into seq order: a run at a time,
 * by insertion (qsort for a long run, which stays O(n log n)). */
static void order_equal_runs(ooo_row *a, size_t n)
{
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && a[j].key == a[i].key; j++)
            ;
        if (j - i > SMALL)
            qsort(a + i, j - i, sizeof *a, cmp_row);
        else if (j - i > 1)
            insertion_sort(a + i, j - i);
    }
}

/* Sort a[0, n) (n <= LSD_MAX), whose keys agree above bit `bits`, by
 * least significant digit first through tmp (room for n rows): each pass is
 * stable, so after the last one the rows are in key order; equal keys then
 * go in seq order. Digits of up to 11 bits, as few passes as that allows
 * (two for the usual 12 to 22 bits below a first digit), their counts from
 * one pass; a digit all rows share moves nothing. */
static void lsd_sort(ooo_row *a, size_t n, unsigned bits, ooo_row *tmp)
{
    enum { MAXW = 11, MAXD = 6 };
    uint32_t count[MAXD][1u << MAXW];
    unsigned nd = (bits + MAXW - 1) / MAXW, w = nd ? (bits + nd - 1) / nd : 1;
    uint64_t mask = ((uint64_t)1 << w) - 1;
    ooo_row *src = a, *dst = tmp;

    memset(count, 0, nd * sizeof count[0]);
    if (nd == 2) {
        for (size_t i = 0; i < n; i++) {
            uint64_t k = a[i].key;
            count[0][k & mask]++;
            count[1][k >> w & mask]++;
        }
    } else {
        for (size_t i = 0; i < n; i++)
            for (unsigned d = 0; d < nd; d++)
                count[d][a[i].key >> (w * d) & mask]++;
    }
    for (unsigned d = 0; d < nd; d++) {
        uint32_t *c = count[d], sum = 0;
        unsigned sh = w * d;
        if (c[src[0].key >> sh & mask] == n)
            continue;
        for (size_t b = 0; b <= mask; b++) {
            uint32_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++)
            dst[c[src[i].key >> sh & mask]++] = src[i];
        ooo_row *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
    order_equal_runs(a, n);
}

/* Buckets up to this many rows are sorted through scratch memory (16 bytes
 * a row, one bucket per thread at a time: a few MB however many rows there
 * are); larger ones are partitioned in place first. */
#define LSD_MAX ((size_t)1 << 16)

/* Sort a[0, n), whose keys agree above the digit at shift, by that digit
 * and the ones below: by lsd_sort when tmp (room for LSD_MAX rows, or NULL)
 * takes them, else by partitioning in place; short runs by insertion. Rows
 * whose keys agree in every bit (only duplicates do) are put in seq order
 * by qsort, which stays O(n log n) however many there are. */
static void sort_rows(ooo_row *a, size_t n, int shift, ooo_row *tmp)
{
    size_t start[257];

    if (n > SMALL && shift >= 0 && tmp && n <= LSD_MAX) {
        lsd_sort(a, n, (unsigned)shift + 8, tmp);
        return;
    }
    for (; n > SMALL && shift >= 0; shift = next_shift(shift)) {
        if (partition(a, n, (unsigned)shift, start)) {
            for (int b = 0; b < 256; b++)
                sort_rows(a + start[b], start[b + 1] - start[b], next_shift(shift), tmp);
            return;
        }
    }
    if (n > SMALL)
        qsort(a, n, sizeof *a, cmp_row);
    else
        insertion_sort(a, n);
}

/* The first partition's buckets, sorted each as one task of the pool,
 * their keys then packed back (see ooo_sort) while they are in cache. */
typedef struct sort_job {
    ooo_row *a;
    size_t start[257];
    int shift;
    unsigned ib;
} sort_job;

static void repack(ooo_row *a, size_t n, unsigned from, unsigned to)
{
    uint64_t mask = ((uint64_t)1 << from) - 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = a[i].key;
        a[i].key = (k >> from) << to | (k & mask);
    }
}

static void sort_bucket(void *ctx, size_t b)
{
    sort_job *job = ctx;
    ooo_row *a = job->a + job->start[b];
    size_t n = job->start[b + 1] - job->start[b];
    /* Without memory for scratch, in place: the same order. */
    ooo_row *tmp = n > SMALL ? malloc((n < LSD_MAX ? n : LSD_MAX) * sizeof *tmp) : NULL;
    sort_rows(a, n, job->shift, tmp);
    free(tmp);
    if (job->ib < 32)
        repack(a, n, job->ib, 32);
}

/* Rows whose index is OOO_BIG (2^32 - 1 or more, held in side entries)
 * sort after the others of their conversation, among themselves by seq;
 * put each such run in order of the true index. Rare: the index is looked
 * up once per row, into a scratch copy. */
typedef struct big_row {
    uint64_t index;
    ooo_row r;
} big_row;

static int cmp_big(const void *pa, const void *pb)
{
    const big_row *a = pa, *b = pb;
    if (a->index != b->index)
        return a->index < b->index ? -1 : 1;
    return (ooo_seq(&a->r) > ooo_seq(&b->r)) - (ooo_seq(&a->r) < ooo_seq(&b->r));
}

static int sort_big_runs(sentraj_dataset *ds, sentraj_error *err)
{
    for (size_t i = 0; i < ds->nooo;) {
        if ((uint32_t)ds->ooo[i].key != OOO_BIG) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < ds->nooo && ds->ooo[j].key == ds->ooo[i].key)
            j++;
        big_row *t = malloc((j - i) * sizeof *t);
        if (!t)
            return sentraj_nomem(err, "out-of-order rows");
        for (size_t k = i; k < j; k++)
            t[k - i] = (big_row){side_of(ds, &ds->ooo[k])->index, ds->ooo[k]};
        qsort(t, j - i, sizeof *t, cmp_big);
        for (size_t k = i; k < j; k++)
            ds->ooo[k] = t[k - i].r;
        free(t);
        i = j;
    }
    return SENTRAJ_OK;
}

/* Below this many rows the sort stays on the calling thread. */
#define PARALLEL_MIN 65536

/* Keys pack the index in the low 32 bits; while sorting, the conversation
 * goes right above the index's highest bit instead (ib: the bits that any
 * row's index uses, known from ooo_index_or), so that no digit is spent on
 * bits that are zero in every key. The first digit is counted in the same
 * pass that moves the conversations down; each bucket is packed back once
 * sorted. */
int ooo_sort(sentraj_dataset *ds, unsigned threads, sentraj_error *err)
{
    size_t n = ds->nooo, count[256] = {0};
    unsigned ib = 0;
    uint64_t top;
    int shift, bits = 0;
    sort_job job;

    while (ib < 32 && ds->ooo_index_or >> ib)
        ib++;
    top = (uint64_t)(ds->ids.count ? ds->ids.count - 1 : 0) << ib | ds->ooo_index_or;
    while (bits < 64 && top >> bits)
        bits++;
    shift = bits > 8 ? bits - 8 : 0;
    job.a = ds->ooo;
    job.ib = ib;
    if (n > SMALL) {
        uint64_t mask = ((uint64_t)1 << ib) - 1;
        for (size_t i = 0; i < n; i++) {
            uint64_t k = ds->ooo[i].key;
            k = ib < 32 ? (k >> 32) << ib | (k & mask) : k;
            ds->ooo[i].key = k;
            count[k >> shift & 255]++;
        }
    } else if (ib < 32) {
        repack(ds->ooo, n, 32, ib);
    }
    /* The first digit that splits the rows on this thread; its buckets on
     * the pool. */
    for (int first = 1; n > SMALL && shift >= 0; shift = next_shift(shift), first = 0) {
        if (first ? permute(ds->ooo, n, (unsigned)shift, count, job.start)
                  : partition(ds->ooo, n, (unsigned)shift, job.start)) {
            job.shift = next_shift(shift);
            if (pool_run(n < PARALLEL_MIN ? 1 : threads, 256, sort_bucket, &job, err) != SENTRAJ_OK)
                return err ? err->code : SENTRAJ_ENOMEM;
            break;
        }
    }
    if (n <= SMALL || shift < 0) {
        sort_rows(ds->ooo, n, -1, NULL);
        if (ib < 32)
            repack(ds->ooo, n, ib, 32);
    }
    return ds->nside ? sort_big_runs(ds, err) : SENTRAJ_OK;
}
