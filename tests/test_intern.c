/* test_intern.c - the string table: dense ids, exact strings and lengths
 * across chunk boundaries (strings longer than a chunk included), lookups
 * after growth, reserve (which rebuilds the hash), and reading by id after the hash is dropped. */

#include "tap.h"

#include "data/intern.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long st = 0x2545f4914f6cdd1dull;
static unsigned rnd(unsigned n)
{
    st = st * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((st >> 33) % n);
}

/* String i: its number, padded to a length that is mostly short, sometimes
 * empty-ish, now and then longer than a 64 KiB chunk. */
static char *make(unsigned i, size_t *len)
{
    unsigned kind = rnd(100);
    size_t n = kind < 2 ? 70000 + rnd(70000) : kind < 10 ? rnd(3000) : 4 + rnd(12);
    char *s = malloc(n + 24);
    size_t k = (size_t)sprintf(s, "%u:", i);
    for (; k < n; k++)
        s[k] = (char)('a' + (i + k) % 26);
    s[k] = '\0';
    *len = k;
    return s;
}

/* Add n strings to t and check every one is found again with its id. */
static int fill_and_find(intern *t, unsigned n)
{
    char buf[32];
    int ok = 1, added;
    for (unsigned i = 0; i < n; i++) {
        int len = sprintf(buf, "s%u", i * 2654435761u);
        ok &= intern_get(t, buf, (size_t)len, intern_hash(buf, (size_t)len), &added) == (int64_t)i && added;
    }
    for (unsigned i = 0; i < n; i++) {
        int len = sprintf(buf, "s%u", i * 2654435761u);
        ok &= intern_find(t, buf, (size_t)len, intern_hash(buf, (size_t)len)) == (int64_t)i;
    }
    return ok;
}

int main(void)
{
    enum { N = 20000 };
    intern t;
    char **str = malloc(N * sizeof *str);
    size_t *len = malloc(N * sizeof *len);
    int ok_add = 1, ok_read = 1, ok_find = 1, ok_again = 1, ok_empty;

    intern_init(&t);
    for (unsigned i = 0; i < N; i++) {
        int added;
        str[i] = make(i, &len[i]);
        if (i == N / 2)
            ok_add &= intern_reserve(&t, 20000) == 0 && t.cap * 3 >= (t.count + 20000) * 4;
        ok_add &= intern_get(&t, str[i], len[i], intern_hash(str[i], len[i]), &added) == (int64_t)i && added;
    }
    tap_ok(ok_add && t.count == N, "intern/%d distinct strings get ids 0..%d in order", N, N - 1);
    tap_ok(t.nchunks > 2, "intern/strings span %zu chunks", t.nchunks);
    for (unsigned i = 0; i < N; i++)
        ok_read &= intern_len(&t, i) == len[i] && memcmp(intern_str(&t, i), str[i], len[i]) == 0 &&
                   intern_str(&t, i)[len[i]] == '\0';
    tap_ok(ok_read, "intern/every string and length reads back, NUL-terminated");
    for (unsigned i = 0; i < N; i++) {
        int added;
        ok_find &= intern_find(&t, str[i], len[i], intern_hash(str[i], len[i])) == (int64_t)i;
        ok_again &= intern_get(&t, str[i], len[i], intern_hash(str[i], len[i]), &added) == (int64_t)i && !added;
    }
    tap_ok(ok_find, "intern/find gives each id");
    tap_ok(ok_again, "intern/get of a known string adds nothing");
    {
        int added;
        int64_t e = intern_get(&t, "", 0, intern_hash("", 0), &added);
        ok_empty = e == N && added && intern_len(&t, (uint32_t)e) == 0 && intern_str(&t, (uint32_t)e)[0] == '\0' &&
                   intern_find(&t, "x", 1, intern_hash("x", 1)) == -1;
    }
    tap_ok(ok_empty, "intern/the empty string is a string; an absent one is not found");
    intern_drop_index(&t);
    ok_read = intern_find(&t, str[0], len[0], intern_hash(str[0], len[0])) == -1;
    for (unsigned i = 0; i < N; i++)
        ok_read &= intern_len(&t, i) == len[i] && memcmp(intern_str(&t, i), str[i], len[i]) == 0;
    tap_ok(ok_read, "intern/after drop_index strings read by id, lookups find nothing");
    intern_free(&t);
    /* Slots are 4 bytes up to the narrow limit (2^24 - 2 strings), 8 past
     * it: with the limit lowered, the table changes width on the way and
     * still finds every string. */
    intern_init(&t);
    tap_ok(fill_and_find(&t, 5000) && !t.wide, "intern/5000 strings in narrow slots");
    intern_free(&t);
    intern_set_narrow_max(3000);
    intern_init(&t);
    tap_ok(fill_and_find(&t, 5000) && t.wide, "intern/past the narrow limit the slots widen, every string found");
    intern_free(&t);
    intern_init(&t);
    ok_add = intern_reserve(&t, 4000) == 0 && t.wide && fill_and_find(&t, 5000);
    tap_ok(ok_add, "intern/reserve past the narrow limit widens at once");
    intern_free(&t);
    intern_set_narrow_max(UINT32_MAX);
    {
        /* intern_take: dst gets src's strings not marked in map, in order,
         * with src's all-taken chunks moved over and the others copied. */
        intern a, b;
        uint32_t *map = malloc(N * sizeof *map);
        size_t ntake = 0, before;
        int ok = 1, added;
        intern_init(&a);
        intern_init(&b);
        ok &= intern_get(&a, "already", 7, intern_hash("already", 7), &added) == 0;
        for (unsigned i = 0; i < N; i++) {
            ok &= intern_get(&b, str[i], len[i], intern_hash(str[i], len[i]), &added) == (int64_t)i;
            /* strings 5000..5099 are "in dst" (not taken); the rest are */
            map[i] = i >= 5000 && i < 5100 ? 0 : UINT32_MAX;
            ntake += map[i] == UINT32_MAX;
        }
        before = b.nchunks;
        ok &= intern_take(&a, &b, map, ntake) == 0 && a.count == 1 + ntake;
        for (unsigned i = 0, id = 1; i < N; i++) {
            if (map[i] != UINT32_MAX)
                continue;
            ok &= intern_len(&a, id) == len[i] && memcmp(intern_str(&a, id), str[i], len[i]) == 0 &&
                  intern_find(&a, str[i], len[i], intern_hash(str[i], len[i])) == (int64_t)id;
            id++;
        }
        ok &= intern_find(&a, str[5000], len[5000], intern_hash(str[5000], len[5000])) == -1 &&
              intern_find(&a, "already", 7, intern_hash("already", 7)) == 0;
        /* Later strings go on after the taken ones. */
        ok &= intern_get(&a, "later", 5, intern_hash("later", 5), &added) == (int64_t)(1 + ntake) && added &&
              intern_len(&a, (uint32_t)ntake) == len[N - 1] && intern_len(&a, (uint32_t)(1 + ntake)) == 5;
        tap_ok(ok && before > 2 && a.nchunks > before / 2,
               "intern/take: %zu of %d strings, found with their lengths, chunks moved or copied (%zu)", ntake, N,
               a.nchunks);
        intern_free(&a);
        intern_free(&b);
        free(map);
    }
    for (unsigned i = 0; i < N; i++)
        free(str[i]);
    free(str);
    free(len);
    return tap_done();
}
