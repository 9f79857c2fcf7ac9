/* intern.h - a string table: each distinct byte string gets a dense id. */
#ifndef SENTRAJ_INTERN_H
#define SENTRAJ_INTERN_H

#include <stddef.h>
#include <stdint.h>

/* Strings are copied into chunks that never move, so the pointer intern_str
 * returns stays valid until intern_free. A chunk holds the strings of a run
 * of consecutive ids; each id costs 4 bytes besides its string (the offset
 * in its chunk), its length being where the next string starts.
 *
 * The hash table: open addressing with linear probing, at most 3/4 full.
 * A slot keeps the id and some bits of the hash (a tag) so that most
 * mismatches are rejected without touching the strings: 4 bytes (8 tag
 * bits, ids below 2^24 - 1) while the table is small enough, then 8 (32
 * tag bits). The table grows by being built again from the strings, after
 * the old one is freed, so the two are never held together. */
typedef struct intern_chunk {
    char *buf;
    size_t used, cap;
    uint32_t first;     /* the id of its first string */
} intern_chunk;

typedef struct intern {
    void *slots;        /* narrow: uint32_t (tag8 << 24) | (id + 1); wide: uint64_t (hash32 << 32) |
                         * (id + 1); 0 = empty */
    size_t cap;         /* power of two */
    int wide;           /* 8-byte slots */
    size_t count;
    uint32_t *offs;     /* id -> offset of its string (NUL-terminated) in its chunk */
    size_t offs_cap;
    intern_chunk *chunks;
    size_t nchunks, chunks_cap;
    size_t released;    /* chunks before this one are given away (intern_take) */
} intern;

void intern_init(intern *t);
void intern_free(intern *t);
/* The hash every table takes: SipHash-1-3 of s under a key drawn at random
 * once per process (intern.c says why). Thread-safe. */
uint64_t intern_hash(const char *s, size_t len);
/* Find s or add it. Returns its id, or -1 when out of memory (or when the
 * table would pass 2^32 - 2 strings); after -1 the table may have lost its
 * index and must only be freed or read by id. *added is set to 1 for a new
 * string. */
int64_t intern_get(intern *t, const char *s, size_t len, uint64_t hash, int *added);
/* Add s, which intern_find has just not found (with this hash): intern_get
 * without its look-up. Returns the new id, or -1 as intern_get does. */
int64_t intern_add(intern *t, const char *s, size_t len, uint64_t hash);
/* Free the hash table of a table that will only be read by id from now on
 * (intern_str, intern_len); intern_get and intern_find must not follow. */
void intern_drop_index(intern *t);
/* Add to dst, in id order, the strings of src whose map entry is
 * UINT32_MAX (ntake of them, none already in dst); a chunk of src whose
 * strings are all taken moves to dst as it is, the others are copied and
 * freed. src is left only to be freed. -1 when out of memory (dst may then
 * have lost its index, see intern_get). */
int intern_take(intern *dst, intern *src, const uint32_t *map, size_t ntake);
/* Make room for `more` new strings without growing on the way. A hash
 * table that must grow is freed first and built again from the strings, so
 * that the old and new tables are never held together (every string is
 * hashed again: for a large table about to take many strings at once).
 * -1 when out of memory, and then the table has no index left: it must be
 * freed (or only read by id). */
int intern_reserve(intern *t, size_t more);
/* Find s; -1 when absent. */
int64_t intern_find(const intern *t, const char *s, size_t len, uint64_t hash);
/* A string's first slot: from the hash's high half (narrow tags are its
 * low byte). */
static inline size_t intern_home(uint64_t hash, size_t cap)
{
    return (size_t)(uint32_t)(hash >> 32) & (cap - 1);
}
/* Start loading the slot a lookup of hash will read first. */
static inline void intern_prefetch(const intern *t, uint64_t hash)
{
    if (t->cap)
        __builtin_prefetch((const char *)t->slots + intern_home(hash, t->cap) * (t->wide ? 8 : 4));
}
#ifdef SENTRAJ_TESTING
/* Fix the hash's key, so that a test can run the same input under several
 * keys (or check the published SipHash vectors, key 0); and the number of
 * slots looked at by every lookup and insertion so far, in every table,
 * which a test counts work by. Test knobs (core/testing.h), not
 * thread-safe. */
void intern_set_hash_key(uint64_t k0, uint64_t k1);
uint64_t intern_probes(void);
/* Narrow slots until a table has this many strings (the default is 2^24 -
 * 2); a test knob (core/testing.h), not thread-safe. */
void intern_set_narrow_max(uint32_t n);
#endif
/* The id in the first slot of hash's probe sequence whose tag matches, or
 * -1: a guess at hash's string, without comparing strings, for starting to
 * load what a lookup will read next. */
static inline int64_t intern_peek(const intern *t, uint64_t hash)
{
    size_t mask = t->cap - 1, j;
    if (!t->cap)
        return -1;
    j = intern_home(hash, t->cap);
    if (t->wide) {
        const uint64_t *sl = t->slots;
        for (int k = 0; k < 4 && sl[j]; k++, j = (j + 1) & mask)
            if (sl[j] >> 32 == hash >> 32)
                return (int64_t)(uint32_t)sl[j] - 1;
        return -1;
    }
    const uint32_t *sl = t->slots;
    for (int k = 0; k < 4 && sl[j]; k++, j = (j + 1) & mask)
        if (sl[j] >> 24 == (uint32_t)(hash & 0xff))
            return (int64_t)(sl[j] & 0xffffff) - 1;
    return -1;
}
/* The chunk holding id's string: usually the last one or the one before
 * (chunks double in size). */
static inline const intern_chunk *intern_chunk_of(const intern *t, uint32_t id)
{
    size_t lo = 0, hi = t->nchunks;
    if (id >= t->chunks[hi - 1].first)
        return &t->chunks[hi - 1];
    if (hi >= 2 && id >= t->chunks[hi - 2].first)
        return &t->chunks[hi - 2];
    hi--;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->chunks[mid].first <= id)
            lo = mid;
        else
            hi = mid;
    }
    return &t->chunks[lo];
}
static inline const char *intern_str(const intern *t, uint32_t id)
{
    return intern_chunk_of(t, id)->buf + t->offs[id];
}
static inline uint32_t intern_len(const intern *t, uint32_t id)
{
    const intern_chunk *k = intern_chunk_of(t, id);
    size_t next = k + 1 < t->chunks + t->nchunks ? k[1].first : t->count;
    size_t end = id + 1 < next ? t->offs[id + 1] : k->used;
    return (uint32_t)(end - t->offs[id] - 1);
}

#endif
