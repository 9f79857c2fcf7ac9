/* permute.c - Monte Carlo tests of "no trajectory": shuffles within conversations, and sign flips. */
#include "boot/permute.h"

#include "boot/draw.h"
#include "boot/driver.h"
#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Conversation c's delta in label units (window sums, last minus first),
 * from its labels at the positions pos[0 .. 2 window - 1]. */
static double window_delta(const permute_sample *s, size_t c, const uint32_t *pos)
{
    size_t w = s->window, base = s->off[c];

    if (s->q) {
        int64_t d = 0;
        for (size_t i = 0; i < w; i++)
            d += s->q[base + pos[w + i]] - s->q[base + pos[i]];
        return (double)d;
    } else {
        double first = 0, last = 0;
        for (size_t i = 0; i < w; i++) {
            first += s->v[base + pos[i]];
            last += s->v[base + pos[w + i]];
        }
        return last - first;
    }
}

double permute_observed(const permute_sample *s)
{
    uint32_t pos[2000];
    size_t w = s->window;
    double t = 0;

    for (size_t c = 0; c < s->n; c++) {
        uint32_t h = (uint32_t)(s->off[c + 1] - s->off[c]);
        for (size_t i = 0; i < w; i++) {
            pos[i] = (uint32_t)i;
            pos[w + i] = h - (uint32_t)w + (uint32_t)i;
        }
        t += window_delta(s, c, pos);
    }
    return t;
}

/* The first 2 window positions of a uniform shuffle of h labels, by the
 * first 2 window steps of Fisher-Yates on the identity. The positions a
 * step has moved are kept in a short list (pos doubles as it): step i
 * reads position j's current content, which is j unless an earlier step
 * moved it. */
static void shuffle_windows(sentraj_pcg32 *rng, uint32_t h, size_t k, uint32_t *pos, uint32_t *moved_from,
                            uint32_t *moved_to)
{
    size_t nm = 0;

    for (size_t i = 0; i < k; i++) {
        uint32_t j = (uint32_t)i + draw_index(rng, h - (uint32_t)i), at_j = j, at_i = (uint32_t)i;
        /* Current contents of slots j and i (i >= every earlier step). */
        for (size_t m = 0; m < nm; m++) {
            if (moved_from[m] == j)
                at_j = moved_to[m];
            if (moved_from[m] == i)
                at_i = moved_to[m];
        }
        pos[i] = at_j;
        /* Slot j now holds what slot i held. */
        if (j != i) {
            size_t m = 0;
            while (m < nm && moved_from[m] != j)
                m++;
            moved_from[m] = j;
            moved_to[m] = at_i;
            if (m == nm)
                nm++;
        }
    }
}

/* Per item: the row and its scratch sizes. */
typedef struct plan {
    permute_row *row;
    double t_obs;
} plan;

/* Draws b0 .. b1 - 1 of one row: acc[2 b] the shuffled T, acc[2 b + 1] the sign-flipped T. */
static int tests_kernel(const boot_item *it, const sentraj_config *cfg, size_t b0, size_t b1, sentraj_error *err)
{
    const plan *pl = it->state;
    const permute_sample *s = pl->row->s;
    size_t k = 2 * s->window;
    uint32_t *scratch = malloc(3 * k * sizeof *scratch);
    double *delta = malloc((s->n ? s->n : 1) * sizeof *delta);

    if (!scratch || !delta) {
        free(scratch);
        free(delta);
        return sentraj_nomem(err, "permutation test");
    }
    /* The observed deltas, once per task: the sign flips multiply them. */
    for (size_t c = 0; c < s->n; c++) {
        uint32_t h = (uint32_t)(s->off[c + 1] - s->off[c]);
        for (size_t i = 0; i < s->window; i++) {
            scratch[i] = (uint32_t)i;
            scratch[s->window + i] = h - (uint32_t)s->window + (uint32_t)i;
        }
        delta[c] = window_delta(s, c, scratch);
    }
    for (size_t b = b0; b < b1; b++) {
        sentraj_pcg32 rng;
        double t = 0, f = 0;
        uint32_t bits = 0;
        draw_stream(&rng, cfg->seed, pl->row->h_within, b);
        for (size_t c = 0; c < s->n; c++) {
            shuffle_windows(&rng, (uint32_t)(s->off[c + 1] - s->off[c]), k, scratch, scratch + k, scratch + 2 * k);
            t += window_delta(s, c, scratch);
        }
        draw_stream(&rng, cfg->seed, pl->row->h_sign, b);
        for (size_t c = 0; c < s->n; c++) {
            if (c % 32 == 0)
                bits = sentraj_pcg32_next(&rng);
            f += (bits >> (c % 32) & 1) ? delta[c] : -delta[c];
        }
        it->acc[2 * b] = t;
        it->acc[2 * b + 1] = f;
    }
    free(scratch);
    free(delta);
    return SENTRAJ_OK;
}

static const boot_kernels test_kernels = {.index = tests_kernel};

/* (1 + hits) / (1 + B), hits the draws at least as far from 0 as t. */
static double p_two_sided(const double *acc, size_t B, size_t which, double t, int exact)
{
    double bar = exact ? fabs(t) : fabs(t) * (1 - 1e-12);
    size_t hits = 0;

    for (size_t b = 0; b < B; b++)
        hits += fabs(acc[2 * b + which]) >= bar;
    return (1.0 + (double)hits) / (1.0 + (double)B);
}

int permute_many(permute_row *rows, size_t m, const sentraj_config *cfg, sentraj_error *err)
{
    boot_item *items = calloc(m ? m : 1, sizeof *items);
    plan *plans = calloc(m ? m : 1, sizeof *plans);
    sentraj_config run = *cfg;
    int rc = SENTRAJ_OK;

    if (!items || !plans) {
        rc = sentraj_nomem(err, "permutation test");
        goto out;
    }
    /* Every draw is a shuffle: no balanced or multinomial scheme applies. */
    run.sim = SENTRAJ_SIM_ORDINARY;
    run.engine = SENTRAJ_ENGINE_INDEX;
    for (size_t i = 0; i < m; i++) {
        const permute_sample *s = rows[i].s;
        rows[i].p_within = rows[i].p_sign_flip = NAN;
        plans[i] = (plan){&rows[i], permute_observed(s)};
        for (size_t c = 0; c < s->n; c++)
            if (s->off[c + 1] - s->off[c] > UINT32_MAX) {
                rc = sentraj_fail(err, SENTRAJ_ELIMIT, "a conversation of more than 2^32 - 1 labels is more than the "
                                                       "permutation test's limit");
                goto out;
            }
        items[i] = (boot_item){.kern = &test_kernels, .sample = s, .state = &plans[i], .h = rows[i].h_within,
                               .n = s->n, .width = 2, .engine = SENTRAJ_ENGINE_INDEX, .active = s->n >= 2};
    }
    if ((rc = boot_run(items, m, &run, "conversations", err)) != SENTRAJ_OK)
        goto out;
    for (size_t i = 0; i < m; i++) {
        if (!items[i].active)
            continue;
        rows[i].p_within = p_two_sided(items[i].acc, cfg->resamples, 0, plans[i].t_obs, rows[i].s->q != NULL);
        rows[i].p_sign_flip = p_two_sided(items[i].acc, cfg->resamples, 1, plans[i].t_obs, rows[i].s->q != NULL);
    }
out:
    boot_items_release(items, m);
    free(items);
    free(plans);
    return rc;
}
