/* intern.c - a string table: each distinct byte string gets a dense id. */
#include "data/intern.h"

#include "core/bytes.h"
#include "core/testing.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* A little-endian 32-bit word as read from memory. */
static inline uint32_t le32(uint32_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap32(x);
#else
    return x;
#endif
}

/* A little-endian 64-bit word as read from memory. */
static inline uint64_t le64(uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap64(x);
#else
    return x;
#endif
}

#define CHUNK_MIN (64u * 1024u)
#define CHUNK_MAX ((size_t)64 << 20)

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

/* ---- the keyed hash ---------------------------------------------------------- */

/* Every string the tables hold comes from the input, and the input may come
 * from someone who wants sentraj to be slow: with a hash anyone can compute,
 * they can write ids that all land in one slot, and each lookup then walks
 * all of them. So the hash is SipHash-1-3 (Aumasson and Bernstein 2012; one
 * compression and three finalisation rounds, the variant Rust's HashMap
 * uses) under a 128-bit key drawn from the system's random source once per
 * process. Nothing the tables hand out depends on the key (ids are given in
 * order of arrival, and no output walks a table in slot order), so outputs
 * are the same for every key; the test build can fix the key to show it. */

static uint64_t sip_key[2];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int key_ready; /* set (release) once key_once has run in some thread */

/* The key: getrandom(2), else /dev/urandom, else (a system without either)
 * the clock and addresses, which an attacker cannot read from outside. */
static void draw_key(void)
{
    unsigned char k[16];
    size_t got = 0;
#ifdef SYS_getrandom
    while (got < sizeof k) {
        long n = syscall(SYS_getrandom, k + got, sizeof k - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
#endif
    if (got < sizeof k) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        got = 0;
        while (fd >= 0 && got < sizeof k) {
            ssize_t n = read(fd, k + got, sizeof k - got);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        if (fd >= 0)
            close(fd);
    }
    if (got < sizeof k) {
        struct timespec ts;
        uint64_t a, b;
        clock_gettime(CLOCK_REALTIME, &ts);
        a = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)&ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        b = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15u ^ (uint64_t)(uintptr_t)k ^ (uint64_t)getpid() << 32;
        memcpy(k, &a, 8);
        memcpy(k + 8, &b, 8);
    }
    memcpy(&sip_key[0], k, 8);
    memcpy(&sip_key[1], k + 8, 8);
}

#ifdef SENTRAJ_TESTING
static int key_fixed;
static uint64_t probes;

/* In the test build a fixed key stays fixed: the random one is drawn only
 * when no test has set one first. */
static void draw_key_once_for_tests(void)
{
    if (!key_fixed)
        draw_key();
}

void intern_set_hash_key(uint64_t k0, uint64_t k1)
{
    pthread_once(&key_once, draw_key_once_for_tests);
    sip_key[0] = k0;
    sip_key[1] = k1;
    key_fixed = 1;
}

uint64_t intern_probes(void)
{
    return probes;
}
#define COUNT_PROBE() (probes++)
#define DRAW_KEY draw_key_once_for_tests
#else
#define COUNT_PROBE() ((void)0)
#define DRAW_KEY draw_key
#endif

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                                   \
    do {                                                                                                           \
        v0 += v1;                                                                                                  \
        v1 = ROTL(v1, 13);                                                                                         \
        v1 ^= v0;                                                                                                  \
        v0 = ROTL(v0, 32);                                                                                         \
        v2 += v3;                                                                                                  \
        v3 = ROTL(v3, 16);                                                                                         \
        v3 ^= v2;                                                                                                  \
        v0 += v3;                                                                                                  \
        v3 = ROTL(v3, 21);                                                                                         \
        v3 ^= v0;                                                                                                  \
        v2 += v1;                                                                                                  \
        v1 = ROTL(v1, 17);                                                                                         \
        v1 ^= v2;                                                                                                  \
        v2 = ROTL(v2, 32);                                                                                         \
    } while (0)

/* SipHash-1-3 of s under the process's key, little-endian words as in the
 * reference implementation (its published test vectors hold for this
 * function: tests/test_intern.c). */
uint64_t intern_hash(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t k0, k1, v0, v1, v2, v3, m, b = (uint64_t)len << 56;
    size_t i, tail = len & 7;

    /* After the first call a flag, not pthread_once's call, says the key
     * is drawn (this runs once per row of shuffled input). */
    if (!__atomic_load_n(&key_ready, __ATOMIC_ACQUIRE)) {
        pthread_once(&key_once, DRAW_KEY);
        __atomic_store_n(&key_ready, 1, __ATOMIC_RELEASE);
    }
    k0 = sip_key[0];
    k1 = sip_key[1];
    v0 = k0 ^ 0x736f6d6570736575u;
    v1 = k1 ^ 0x646f72616e646f6du;
    v2 = k0 ^ 0x6c7967656e657261u;
    v3 = k1 ^ 0x7465646279746573u;
    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&m, p + i, 8);
        m = le64(m);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    /* The last len mod 8 bytes, little-endian, in at most two loads. */
    if (tail >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, p + i, 4);
        memcpy(&hi, p + i + tail - 4, 4);
        b |= (uint64_t)le32(lo) | (uint64_t)le32(hi) << (8 * (tail - 4));
    } else if (tail) {
        b |= (uint64_t)p[i] | (uint64_t)p[i + tail / 2] << (8 * (tail / 2)) | (uint64_t)p[i + tail - 1] << (8 * (tail - 1));
    }
    v3 ^= b;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* Narrow slots hold ids below 2^24 - 1 (with the empty 0, 24 bits). */
#define NARROW_MAX ((1u << 24) - 2)

#ifdef SENTRAJ_TESTING
static uint32_t narrow_max = NARROW_MAX;

void intern_set_narrow_max(uint32_t n)
{
    narrow_max = n < NARROW_MAX ? n : NARROW_MAX;
}
#else
#define narrow_max ((uint32_t)NARROW_MAX)
#endif

/* Put id with hash into an empty place of the table, which has room. */
static void place(intern *t, uint32_t id, uint64_t hash)
{
    size_t j = intern_home(hash, t->cap), mask = t->cap - 1;
    if (t->wide) {
        uint64_t *sl = t->slots;
        while (sl[j]) {
            COUNT_PROBE();
            j = (j + 1) & mask;
        }
        sl[j] = (hash >> 32 << 32) | (uint64_t)(id + 1);
    } else {
        uint32_t *sl = t->slots;
        while (sl[j]) {
            COUNT_PROBE();
            j = (j + 1) & mask;
        }
        sl[j] = (uint32_t)(hash & 0xff) << 24 | (id + 1);
    }
}

/* Build the table again with room for `want` strings: the old one is freed
 * first, then every string is hashed and placed. -1 without memory (the
 * table then has no index). */
static int rebuild(intern *t, size_t want)
{
    size_t cap = t->cap ? t->cap : 1024;
    while (want * 4 > cap * 3)
        cap *= 2;
    free(t->slots);
    t->wide = t->wide || want > narrow_max;
    t->slots = calloc(cap, t->wide ? 8 : 4);
    t->cap = t->slots ? cap : 0;
    if (!t->slots)
        return -1;
    for (size_t id = 0; id < t->count; id++)
        place(t, (uint32_t)id, intern_hash(intern_str(t, (uint32_t)id), intern_len(t, (uint32_t)id)));
    return 0;
}

/* Whether the table must be built again to take `want` strings. */
static int must_grow(const intern *t, size_t want)
{
    return want * 4 > t->cap * 3 || (!t->wide && want > narrow_max);
}

/* Room in the chunk list for one more chunk; -1 without memory. */
static int chunk_room(intern *t)
{
    if (t->nchunks < t->chunks_cap)
        return 0;
    size_t nc = t->chunks_cap ? t->chunks_cap * 2 : 16;
    intern_chunk *ncs = realloc(t->chunks, nc * sizeof *ncs);
    if (!ncs)
        return -1;
    t->chunks = ncs;
    t->chunks_cap = nc;
    return 0;
}

/* Add s as string t->count, whose hash is hash: copy it (and a NUL) into
 * the chunks and index it. The caller has made room in offs and the table;
 * -1 without memory. */
static int append(intern *t, const char *s, size_t len, uint64_t hash)
{
    intern_chunk *k = t->nchunks ? &t->chunks[t->nchunks - 1] : NULL;
    if (!k || k->cap - k->used < len + 1) {
        /* Each chunk twice the last (up to CHUNK_MAX): few chunks, so that
         * finding an id's chunk (intern_chunk_of) seldom searches. Pages of
         * a chunk not yet written take no memory. */
        size_t cap = k && k->cap < CHUNK_MAX ? 2 * k->cap : k ? CHUNK_MAX : CHUNK_MIN;
        if (cap < len + 1)
            cap = len + 1;
        if (chunk_room(t) < 0)
            return -1;
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
    place(t, (uint32_t)t->count, hash);
    t->count++;
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

int intern_reserve(intern *t, size_t more)
{
    size_t want = t->count + more;
    if (want > t->offs_cap && grow_offs(t, want) < 0)
        return -1;
    return must_grow(t, want) ? rebuild(t, want) : 0;
}

int intern_take(intern *dst, intern *src, const uint32_t *map, size_t ntake)
{
    if (intern_reserve(dst, ntake) < 0)
        return -1;
    for (size_t k = src->released; k < src->nchunks; k++) {
        intern_chunk *ck = &src->chunks[k];
        uint32_t a = ck->first, b = k + 1 < src->nchunks ? src->chunks[k + 1].first : (uint32_t)src->count, c;
        for (c = a; c < b && map[c] == UINT32_MAX; c++)
            ;
        if (c == b && a < b) {
            /* Every string of the chunk is taken: they keep their places,
             * and the chunk becomes dst's last. */
            if (chunk_room(dst) < 0)
                return -1;
            for (c = a; c < b; c++) {
                dst->offs[dst->count] = src->offs[c];
                place(dst, (uint32_t)dst->count, intern_hash(intern_str(src, c), intern_len(src, c)));
                dst->count++;
            }
            dst->chunks[dst->nchunks++] = (intern_chunk){ck->buf, ck->used, ck->cap, (uint32_t)(dst->count - (b - a))};
        } else {
            for (c = a; c < b; c++) {
                if (map[c] != UINT32_MAX)
                    continue;
                const char *s = intern_str(src, c);
                uint32_t len = intern_len(src, c);
                if (append(dst, s, len, intern_hash(s, len)) < 0)
                    return -1;
            }
            free(ck->buf);
        }
        ck->buf = NULL;
        src->released = k + 1;
    }
    return 0;
}

/* Whether id's string is s[0, len). */
static inline int same_string(const intern *t, uint32_t id, const char *s, size_t len)
{
    const intern_chunk *k = intern_chunk_of(t, id);
    size_t next = k + 1 < t->chunks + t->nchunks ? k[1].first : t->count;
    size_t end = id + 1 < next ? t->offs[id + 1] : k->used;
    return end - t->offs[id] - 1 == len && bytes_equal(k->buf + t->offs[id], s, len);
}

int64_t intern_find(const intern *t, const char *s, size_t len, uint64_t hash)
{
    size_t mask = t->cap - 1;
    if (!t->cap)
        return -1;
    if (t->wide) {
        const uint64_t *sl = t->slots;
        for (size_t j = intern_home(hash, t->cap);; j = (j + 1) & mask) {
            uint64_t v = sl[j];
            COUNT_PROBE();
            if (!v)
                return -1;
            if (v >> 32 == hash >> 32 && same_string(t, (uint32_t)v - 1, s, len))
                return (uint32_t)v - 1;
        }
    }
    const uint32_t *sl = t->slots;
    uint32_t tag = (uint32_t)(hash & 0xff);
    for (size_t j = intern_home(hash, t->cap);; j = (j + 1) & mask) {
        uint32_t v = sl[j];
        COUNT_PROBE();
        if (!v)
            return -1;
        if (v >> 24 == tag && same_string(t, (v & 0xffffff) - 1, s, len))
            return (v & 0xffffff) - 1;
    }
}

int64_t intern_get(intern *t, const char *s, size_t len, uint64_t hash, int *added)
{
    int64_t found = intern_find(t, s, len, hash), id;

    *added = 0;
    if (found >= 0)
        return found;
    id = intern_add(t, s, len, hash);
    *added = id >= 0;
    return id;
}

int64_t intern_add(intern *t, const char *s, size_t len, uint64_t hash)
{
    if (len > UINT32_MAX || t->count >= UINT32_MAX - 2)
        return -1;
    if (must_grow(t, t->count + 1) && rebuild(t, t->count + 1) < 0)
        return -1;
    if (t->count == t->offs_cap && grow_offs(t, t->offs_cap ? t->offs_cap * 2 : 1024) < 0)
        return -1;
    if (append(t, s, len, hash) < 0)
        return -1;
    return (int64_t)t->count - 1;
}
