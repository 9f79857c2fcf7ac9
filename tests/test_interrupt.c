/* test_interrupt.c - the config's interrupt callback stops every bootstrap cleanly, and changes nothing when silent. */
#include "tap.h"

#include <sentraj.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* A callback that says "stop" from its `after`-th call on (0: never),
 * counting its calls. It is called from worker threads at once, hence
 * the atomic counter. */
typedef struct stopper {
    atomic_ulong calls;
    unsigned long after;
} stopper;

static int stop_after(void *ctx)
{
    stopper *s = ctx;
    unsigned long n = atomic_fetch_add(&s->calls, 1) + 1;
    return s->after && n >= s->after;
}

static void stopper_init(stopper *s, unsigned long after)
{
    atomic_init(&s->calls, 0);
    s->after = after;
}

/* Three categories of 40 conversations of six human messages, labels
 * spread over the scale, and no conversation in more than one. */
static char *data(size_t *len)
{
    static const char *const cats[] = {"a", "b", "c"};
    size_t cap = 200000, n = 0;
    char *buf = malloc(cap);

    n += (size_t)sprintf(buf + n, "conversation_id,message_index,role,sentiment,categories\n");
    for (int c = 0; c < 120; c++)
        for (int i = 0; i < 6; i++)
            n += (size_t)sprintf(buf + n, "c%03d,%d,human,%g,%s\n", c, i, ((c * 7 + i * 3) % 5 - 2) * 0.5, cats[c % 3]);
    *len = n;
    return buf;
}

static sentraj_dataset *load(const sentraj_config *cfg, int keep_labels)
{
    sentraj_input_options in;
    sentraj_dataset *ds = sentraj_dataset_alloc(cfg, NULL);
    size_t len;
    char *csv = data(&len);

    sentraj_input_options_init(&in);
    in.keep_labels = keep_labels;
    if (!ds || sentraj_dataset_set_input(ds, &in, NULL) != SENTRAJ_OK ||
        sentraj_dataset_read_csv_buffer(ds, csv, len, "t.csv", NULL) != SENTRAJ_OK ||
        sentraj_dataset_finish(ds, NULL) != SENTRAJ_OK) {
        sentraj_dataset_free(ds);
        ds = NULL;
    }
    free(csv);
    return ds;
}

static char *csv_of(const sentraj_analysis *a)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    sentraj_analysis_write_csv(f, "mem", a, NULL);
    fclose(f);
    return buf;
}

/* Stopped at the first call, at a later one, never: for each engine and
 * thread count. A silent callback gives the bytes of a run without one. */
static void test_analysis(const sentraj_dataset *ds)
{
    static const sentraj_engine engines[] = {SENTRAJ_ENGINE_INDEX, SENTRAJ_ENGINE_MULTINOMIAL, SENTRAJ_ENGINE_EXACT};
    static const unsigned threads[] = {1, 3};

    for (size_t e = 0; e < 3; e++) {
        for (size_t t = 0; t < 2; t++) {
            const char *en = sentraj_engine_name(engines[e]);
            sentraj_config cfg;
            sentraj_error err;
            sentraj_analysis *plain, *a;
            stopper s;
            char *want, *got;

            sentraj_config_init(&cfg);
            cfg.engine = engines[e];
            cfg.threads = threads[t];
            cfg.resamples = 2000;
            plain = sentraj_analysis_compute(ds, &cfg, NULL);
            want = plain ? csv_of(plain) : NULL;

            stopper_init(&s, 0);
            cfg.interrupt = stop_after;
            cfg.interrupt_ctx = &s;
            a = sentraj_analysis_compute(ds, &cfg, &err);
            got = a ? csv_of(a) : NULL;
            tap_ok(want && got && strcmp(want, got) == 0, "interrupt/analysis/%s/threads-%u/silent-same-bytes", en,
                   threads[t]);
            /* index and multinomial: a call per block of 64 resamples of
             * each of the 4 rows; exact: one per row; and one per wave. */
            tap_ok(atomic_load(&s.calls) >= (engines[e] == SENTRAJ_ENGINE_EXACT ? 4u : 4u * 2000 / 64),
                   "interrupt/analysis/%s/threads-%u/asked-per-piece (%lu calls)", en, threads[t],
                   (unsigned long)atomic_load(&s.calls));
            sentraj_analysis_free(a);
            free(got);

            for (unsigned long after = 1; after <= 3; after += 2) {
                stopper_init(&s, after);
                memset(&err, 0, sizeof err);
                a = sentraj_analysis_compute(ds, &cfg, &err);
                tap_ok(!a && err.code == SENTRAJ_EINTERRUPTED && strcmp(err.message, "interrupted") == 0 &&
                           err.source[0] == '\0' && err.line == 0,
                       "interrupt/analysis/%s/threads-%u/stop-at-call-%lu", en, threads[t], after);
                /* Once it has said stop, the remaining pieces do not ask again. */
                tap_ok(atomic_load(&s.calls) <= after + threads[t],
                       "interrupt/analysis/%s/threads-%u/stop-at-call-%lu/not-asked-again (%lu calls)", en,
                       threads[t], after, (unsigned long)atomic_load(&s.calls));
                sentraj_analysis_free(a);
            }
            /* The data set is untouched: the same analysis runs again. */
            cfg.interrupt = NULL;
            a = sentraj_analysis_compute(ds, &cfg, NULL);
            got = a ? csv_of(a) : NULL;
            tap_ok(want && got && strcmp(want, got) == 0, "interrupt/analysis/%s/threads-%u/after-stop-same-bytes", en,
                   threads[t]);
            sentraj_analysis_free(a);
            sentraj_analysis_free(plain);
            free(want);
            free(got);
        }
    }
}

/* The ratio bootstrap of positions and the one-sample sentraj_boot_mean. */
static void test_positions_and_mean(void)
{
    sentraj_config cfg;
    sentraj_positions_options po;
    sentraj_error err;
    sentraj_dataset *ds;
    sentraj_positions *p;
    sentraj_sample *smp;
    sentraj_boot_result r;
    stopper s;
    double values[50];

    sentraj_config_init(&cfg);
    ds = load(&cfg, 1);
    sentraj_positions_options_init(&po);
    stopper_init(&s, 2);
    cfg.interrupt = stop_after;
    cfg.interrupt_ctx = &s;
    memset(&err, 0, sizeof err);
    p = ds ? sentraj_positions_compute(ds, &cfg, &po, &err) : NULL;
    tap_ok(ds && !p && err.code == SENTRAJ_EINTERRUPTED, "interrupt/positions/stopped");
    sentraj_positions_free(p);
    stopper_init(&s, 0);
    p = ds ? sentraj_positions_compute(ds, &cfg, &po, &err) : NULL;
    tap_ok(p != NULL, "interrupt/positions/silent-runs");
    sentraj_positions_free(p);
    sentraj_dataset_free(ds);

    for (int i = 0; i < 50; i++)
        values[i] = (i % 7) * 0.25;
    smp = sentraj_sample_alloc(values, 50, 4, NULL);
    stopper_init(&s, 1);
    memset(&err, 0, sizeof err);
    tap_ok(smp && sentraj_boot_mean(smp, "x", &cfg, &r, NULL, &err) == SENTRAJ_EINTERRUPTED &&
               err.code == SENTRAJ_EINTERRUPTED,
           "interrupt/boot-mean/stopped");
    stopper_init(&s, 0);
    tap_ok(smp && sentraj_boot_mean(smp, "x", &cfg, &r, NULL, &err) == SENTRAJ_OK && r.status == SENTRAJ_CI_OK,
           "interrupt/boot-mean/silent-runs");
    sentraj_sample_free(smp);
}

/* compare, test, transitions and sensitivity run through the same driver:
 * stopped, each fails with SENTRAJ_EINTERRUPTED; silent, each runs. */
static void test_statistics(void)
{
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    stopper s;

    sentraj_config_init(&cfg);
    ds = load(&cfg, 1);
    cfg.interrupt = stop_after;
    cfg.interrupt_ctx = &s;
    for (int k = 0; ds && k < 2; k++) {
        unsigned long after = k == 0 ? 2 : 0; /* stop at the second call, then never */
        const char *how = after ? "stopped" : "silent-runs";
        int want = after ? SENTRAJ_EINTERRUPTED : SENTRAJ_OK;
        sentraj_compare *c;
        sentraj_test *t;
        sentraj_transitions *tr;
        sentraj_sensitivity *sv;

        stopper_init(&s, after);
        memset(&err, 0, sizeof err);
        c = sentraj_compare_compute(ds, &cfg, NULL, &err);
        tap_ok(after ? !c && err.code == want : c != NULL, "interrupt/compare/%s", how);
        sentraj_compare_free(c);
        stopper_init(&s, after);
        memset(&err, 0, sizeof err);
        t = sentraj_test_compute(ds, &cfg, &err);
        tap_ok(after ? !t && err.code == want : t != NULL, "interrupt/test/%s", how);
        sentraj_test_free(t);
        stopper_init(&s, after);
        memset(&err, 0, sizeof err);
        tr = sentraj_transitions_compute(ds, NULL, &cfg, &err);
        tap_ok(after ? !tr && err.code == want : tr != NULL, "interrupt/transitions/%s", how);
        sentraj_transitions_free(tr);
        stopper_init(&s, after);
        memset(&err, 0, sizeof err);
        sv = sentraj_sensitivity_compute(ds, &cfg, NULL, &err);
        tap_ok(after ? !sv && err.code == want : sv != NULL, "interrupt/sensitivity/%s", how);
        sentraj_sensitivity_free(sv);
    }
    sentraj_dataset_free(ds);
}

int main(void)
{
    sentraj_config cfg;
    sentraj_dataset *ds;

    sentraj_config_init(&cfg);
    tap_ok(cfg.interrupt == NULL && cfg.interrupt_ctx == NULL, "interrupt/config-init-clears");
    tap_ok(sentraj_status_exit_code(SENTRAJ_EINTERRUPTED) == 130, "interrupt/exit-code-130");
    ds = load(&cfg, 0);
    if (tap_ok(ds != NULL, "interrupt/data"))
        test_analysis(ds);
    sentraj_dataset_free(ds);
    test_positions_and_mean();
    test_statistics();
    return tap_done();
}
