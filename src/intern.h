/* intern.h - a string table: each distinct byte string gets a dense id. */
#ifndef SENTRAJ_INTERN_H
#define SENTRAJ_INTERN_H

#include <stddef.h>
#include <stdint.h>

/* Strings are copied into chunked storage that never moves, so the pointer
 * intern_str returns stays valid until intern_free. Open addressing with
 * linear probing; each slot keeps the id and 32 bits of the hash so most
 * mismatches are rejected without touching the strings. */
typedef struct intern {
    uint64_t *slots;    /* (hash32 << 32) | (id + 1); 0 = empty */
    size_t cap;         /* power of two */
    size_t count;
    char **strs;        /* id -> string (NUL-terminated) */
    uint32_t *lens;     /* id -> length */
    size_t strs_cap;
    char *chunk;        /* current storage chunk */
    size_t chunk_used, chunk_cap;
    char **chunks;      /* every chunk, for freeing */
    size_t nchunks, chunks_cap;
} intern;

void intern_init(intern *t);
void intern_free(intern *t);
uint64_t intern_hash(const char *s, size_t len);
/* Find s or add it. Returns its id, or -1 when out of memory (or when the
 * table would pass 2^32 - 2 strings). *added is set to 1 for a new string. */
int64_t intern_get(intern *t, const char *s, size_t len, uint64_t hash, int *added);
/* Make room for `more` new strings without growing on the way; -1 when
 * out of memory. */
int intern_reserve(intern *t, size_t more);
/* Free the hash table of a table that will only be read by id from now on
 * (intern_str, intern_len); intern_get and intern_find must not follow. */
void intern_drop_index(intern *t);
/* Find s; -1 when absent. */
int64_t intern_find(const intern *t, const char *s, size_t len, uint64_t hash);
/* A string's first slot: from the hash's high half, which the slot keeps,
 * so that growing the table needs neither the strings nor their hashes. */
static inline size_t intern_home(uint32_t h32, size_t cap)
{
    return (size_t)h32 & (cap - 1);
}
/* Start loading the slot a lookup of hash will read first. */
static inline void intern_prefetch(const intern *t, uint64_t hash)
{
    if (t->cap)
        __builtin_prefetch(&t->slots[intern_home((uint32_t)(hash >> 32), t->cap)]);
}
static inline const char *intern_str(const intern *t, uint32_t id)
{
    return t->strs[id];
}
static inline uint32_t intern_len(const intern *t, uint32_t id)
{
    return t->lens[id];
}

#endif
