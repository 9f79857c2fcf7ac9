/* sort_ids.c - the kept conversations put in id order by an in-place introsort of id keys. */
#include "data/dataset.h"

#include "core/error.h"
#include "core/testing.h"

#include <stdlib.h>
#include <string.h>

/* Sorting key for kept conversations: the id bytes, so the order (and every
 * sum taken in it) does not depend on the order rows arrived in. 16 bytes,
 * sorted in place: the keys are the largest thing finish allocates. */
typedef struct id_key {
    uint64_t prefix; /* the first 8 bytes, big-endian, zero-padded: most comparisons end here */
    uint32_t conv;   /* the id, for the rest of its bytes */
    uint32_t pos;    /* where the record is */
} id_key;

static uint64_t id_prefix(const char *s, uint32_t len)
{
    uint64_t p = 0;
    for (uint32_t i = 0; i < 8; i++)
        p = p << 8 | (i < len ? (unsigned char)s[i] : 0u);
    return p;
}

static int key_less(const intern *ids, const id_key *x, const id_key *y)
{
    uint32_t lx, ly;
    int r;

    if (x->prefix != y->prefix)
        return x->prefix < y->prefix;
    lx = intern_len(ids, x->conv), ly = intern_len(ids, y->conv);
    r = memcmp(intern_str(ids, x->conv), intern_str(ids, y->conv), lx < ly ? lx : ly);
    return r ? r < 0 : lx < ly;
}

static void key_swap(id_key *a, id_key *b)
{
    id_key t = *a;
    *a = *b;
    *b = t;
}

static void key_sift(const intern *ids, id_key *k, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && key_less(ids, &k[child], &k[child + 1]))
            child++;
        if (!key_less(ids, &k[root], &k[child]))
            return;
        key_swap(&k[root], &k[child]);
    }
}

/* The fallback that bounds the introsort's worst case at O(n log n). */
static void heap_sort_keys(const intern *ids, id_key *k, size_t n)
{
    for (size_t r = n / 2; r-- > 0;)
        key_sift(ids, k, r, n);
    for (size_t end = n - 1; end > 0; end--) {
        key_swap(&k[0], &k[end]);
        key_sift(ids, k, 0, end);
    }
}

/* Introsort of distinct keys, in place (qsort's merge sort would take a
 * second array): quicksort on a median of three, recursing into the smaller
 * part; heapsort past 2 log2 n levels; insertion sort below 16 keys. */
static void sort_keys(const intern *ids, id_key *k, size_t n, unsigned depth)
{
    while (n > 16) {
        size_t i = 0, j = n - 1, mid = n / 2;
        id_key pivot;

        if (depth-- == 0) {
            heap_sort_keys(ids, k, n);
            return;
        }
        if (key_less(ids, &k[mid], &k[0]))
            key_swap(&k[mid], &k[0]);
        if (key_less(ids, &k[n - 1], &k[mid]))
            key_swap(&k[n - 1], &k[mid]);
        if (key_less(ids, &k[mid], &k[0]))
            key_swap(&k[mid], &k[0]);
        pivot = k[mid];
        /* Hoare partition: [0, i) <= pivot <= [j + 1, n) once i > j. */
        for (;;) {
            while (key_less(ids, &k[i], &pivot))
                i++;
            while (key_less(ids, &pivot, &k[j]))
                j--;
            if (i >= j)
                break;
            key_swap(&k[i++], &k[j--]);
        }
        if (j + 1 < n - j - 1) {
            sort_keys(ids, k, j + 1, depth);
            k += j + 1, n -= j + 1;
        } else {
            sort_keys(ids, k + j + 1, n - j - 1, depth);
            n = j + 1;
        }
    }
    for (size_t i = 1; i < n; i++) {
        id_key x = k[i];
        size_t j = i;
        for (; j > 0 && key_less(ids, &x, &k[j - 1]); j--)
            k[j] = k[j - 1];
        k[j] = x;
    }
}


#ifdef SENTRAJ_TESTING
static int sort_depth = -1;

void dataset_set_sort_depth(int depth)
{
    sort_depth = depth;
}
#else
#define sort_depth (-1)
#endif

int dataset_sort_kept(sentraj_dataset *ds, sentraj_error *err)
{
    id_key *keys = malloc((ds->nkept ? ds->nkept : 1) * sizeof *keys);
    unsigned depth = 0;

    if (!keys)
        return sentraj_nomem(err, "sorting conversations");
    for (size_t i = 0; i < ds->nkept; i++) {
        uint32_t c = ds->kept[i].conv;
        keys[i] = (id_key){id_prefix(intern_str(&ds->ids, c), intern_len(&ds->ids, c)), c, (uint32_t)i};
    }
    for (size_t m = ds->nkept; m > 1; m >>= 1)
        depth += 2;
    if (sort_depth >= 0)
        depth = (unsigned)sort_depth;
    sort_keys(&ds->ids, keys, ds->nkept, depth);
    /* Put kept[keys[i].pos] at i in place, cycle by cycle (no second copy
     * of the records); a placed key's pos is set to its own index. */
    for (size_t i = 0; i < ds->nkept; i++) {
        if (keys[i].pos == i)
            continue;
        kept_conv first = ds->kept[i];
        size_t j = i;
        while (keys[j].pos != i) {
            size_t from = keys[j].pos;
            ds->kept[j] = ds->kept[from];
            keys[j].pos = (uint32_t)j;
            j = from;
        }
        ds->kept[j] = first;
        keys[j].pos = (uint32_t)j;
    }
    free(keys);
    return SENTRAJ_OK;
}
