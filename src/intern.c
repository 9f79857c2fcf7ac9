/* intern.c - a string table: each distinct byte string gets a dense id. */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN (64u * 1024u)

void intern_init(intern *t)
{
    memset(t, 0, sizeof *t);
}

void intern_free(intern *t)
{
    for (size_t i = 0; i < t->nchunks; i++)
        free(t->chunks[i].buf);
    free(t->chunks);
    free(t->slots);
    free(t->offs);
    memset(t, 0, sizeof *t);
}

/* Eight bytes at a time (the tail zero-padded), each word multiplied in,
 * then a 64-bit finaliser so that the high half, which picks the slot and
 * is kept as the slot's tag, depends on every byte. */
uint64_t intern_hash(const char *s, size_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15u ^ (uint64_t)len, w;
    for (; len >= 8; s += 8, len -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 29;
    }
    if (len) {
        w = 0;
        for (size_t i = 0; i < len; i++)
            w |= (uint64_t)(unsigned char)s[i] << (8 * i);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 29;
    }
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return h;
}

static int grow_slots(intern *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 1024;
    uint64_t *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        uint64_t v = t->slots[i];
        if (!v)
            continue;
        size_t j = intern_home((uint32_t)(v >> 32), ncap);
        while (ns[j])
            j = (j + 1) & (ncap - 1);
        ns[j] = v;
    }
    free(t->slots);
    t->slots = ns;
    t->cap = ncap;
    return 0;
}

/* Copy s (and a NUL) into the chunks as string t->count; -1 without memory. */
static int store(intern *t, const char *s, size_t len)
{
    intern_chunk *k = t->nchunks ? &t->chunks[t->nchunks - 1] : NULL;
    if (!k || k->cap - k->used < len + 1) {
        size_t cap = len + 1 > CHUNK_MIN ? len + 1 : CHUNK_MIN;
        if (t->nchunks == t->chunks_cap) {
            size_t nc = t->chunks_cap ? t->chunks_cap * 2 : 16;
            intern_chunk *ncs = realloc(t->chunks, nc * sizeof *ncs);
            if (!ncs)
                return -1;
            t->chunks = ncs;
            t->chunks_cap = nc;
        }
        char *buf = malloc(cap);
        if (!buf)
            return -1;
        k = &t->chunks[t->nchunks++];
        *k = (intern_chunk){buf, 0, cap, (uint32_t)t->count};
    }
    memcpy(k->buf + k->used, s, len);
    k->buf[k->used + len] = '\0';
    t->offs[t->count] = (uint32_t)k->used;
    k->used += len + 1;
    return 0;
}

/* Room for cap strings in the id -> offset array. */
static int grow_offs(intern *t, size_t cap)
{
    uint32_t *no = realloc(t->offs, cap * sizeof *no);
    if (!no)
        return -1;
    t->offs = no;
    t->offs_cap = cap;
    return 0;
}

void intern_drop_index(intern *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = 0;
}

void intern_release_before(intern *t, uint32_t id)
{
    for (; t->released + 1 < t->nchunks && t->chunks[t->released + 1].first <= id; t->released++) {
        free(t->chunks[t->released].buf);
        t->chunks[t->released].buf = NULL;
    }
}

int intern_reserve_lean(intern *t, size_t more)
{
    size_t want = t->count + more, ncap = t->cap ? t->cap : 1024;
    if (want > t->offs_cap && grow_offs(t, want) < 0)
        return -1;
    if (want * 4 <= t->cap * 3)
        return 0;
    while (want * 4 > ncap * 3)
        ncap *= 2;
    free(t->slots);
    t->slots = calloc(ncap, sizeof *t->slots);
    t->cap = t->slots ? ncap : 0;
    if (!t->slots)
        return -1;
    for (size_t id = 0; id < t->count; id++) {
        uint32_t h32 = (uint32_t)(intern_hash(intern_str(t, (uint32_t)id), intern_len(t, (uint32_t)id)) >> 32);
        size_t j = intern_home(h32, ncap);
        while (t->slots[j])
            j = (j + 1) & (ncap - 1);
        t->slots[j] = ((uint64_t)h32 << 32) | (uint64_t)(id + 1);
    }
    return 0;
}

int64_t intern_find(const intern *t, const char *s, size_t len, uint64_t hash)
{
    uint32_t h32 = (uint32_t)(hash >> 32);
    if (!t->cap)
        return -1;
    for (size_t j = intern_home(h32, t->cap);; j = (j + 1) & (t->cap - 1)) {
        uint64_t v = t->slots[j];
        if (!v)
            return -1;
        if ((uint32_t)(v >> 32) == h32) {
            uint32_t id = (uint32_t)v - 1;
            if (intern_len(t, id) == len && memcmp(intern_str(t, id), s, len) == 0)
                return id;
        }
    }
}

int64_t intern_get(intern *t, const char *s, size_t len, uint64_t hash, int *added)
{
    int64_t found = intern_find(t, s, len, hash);
    size_t j;

    *added = 0;
    if (found >= 0)
        return found;
    if (len > UINT32_MAX || t->count >= UINT32_MAX - 2)
        return -1;
    if ((t->count + 1) * 4 > t->cap * 3 && grow_slots(t) < 0)
        return -1;
    if (t->count == t->offs_cap && grow_offs(t, t->offs_cap ? t->offs_cap * 2 : 1024) < 0)
        return -1;
    if (store(t, s, len) < 0)
        return -1;
    for (j = intern_home((uint32_t)(hash >> 32), t->cap); t->slots[j]; j = (j + 1) & (t->cap - 1))
        ;
    t->slots[j] = ((uint64_t)(uint32_t)(hash >> 32) << 32) | (uint64_t)(t->count + 1);
    *added = 1;
    return (int64_t)t->count++;
}
