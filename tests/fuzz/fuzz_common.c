/* fuzz_common.c - setup, configuration, pipeline and contract checks shared by the libFuzzer harnesses. */
#include "fuzz_common.h"

#include "core/natural.h"

#include <gsl/gsl_errno.h>

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *sink;

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    /* The one place a harness prints: just before the abort that libFuzzer
     * reports as a crash, so the log says which promise broke. */
    fputs("fuzz: contract broken: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void fuzz_init(void)
{
    gsl_set_error_handler_off();
    if (!sink) {
        sink = fopen("/dev/null", "w");
        if (!sink)
            fuzz_fail("cannot open /dev/null");
    }
}

uint32_t fuzz_hash(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    return h;
}

void fuzz_config(sentraj_config *cfg, uint32_t h)
{
    sentraj_config_init(cfg);
    cfg->resamples = 20;
    cfg->threads = 1;
    cfg->seed = 42;
    /* Small inputs should keep conversations: window 1 (min_human 2) most of
     * the time, the defaults (3, 6) a quarter of the time. */
    if (h % 4 == 0) {
        cfg->window = 3;
        cfg->min_human = 6;
    } else {
        cfg->window = 1;
        cfg->min_human = 2;
    }
    cfg->engine = (sentraj_engine)((h >> 2) % 4);
    cfg->method = (sentraj_method)((h >> 4) % 5);
    cfg->alternative = (sentraj_alternative)((h >> 7) % 3);
    if ((cfg->engine == SENTRAJ_ENGINE_INDEX || cfg->engine == SENTRAJ_ENGINE_AUTO) && ((h >> 9) & 1))
        cfg->sim = SENTRAJ_SIM_BALANCED;
    cfg->keep_resamples = (int)((h >> 10) & 1);
    cfg->level = ((h >> 11) & 1) ? 0.95 : 0.5;
    /* The exact engine's transforms stay cheap; longer ones are refused
     * (ELIMIT), which is a path worth reaching too. */
    cfg->exact_max_len = (size_t)1 << 14;
    cfg->balanced_max = (size_t)1 << 20;
}

void fuzz_check_status(const char *what, int rc, const sentraj_error *err, int allow_eio)
{
    if (rc > SENTRAJ_OK || rc < SENTRAJ_EINTERNAL)
        fuzz_fail("%s returned %d, not a sentraj_status", what, rc);
    if (rc == SENTRAJ_OK)
        return;
    /* Building with -DFUZZ_ALLOW_STATUS_MISMATCH lets a run go past this
     * finding while it waits for its fix (see README.md). */
#ifndef FUZZ_ALLOW_STATUS_MISMATCH
    if (err->code != rc)
        fuzz_fail("%s returned %d but err->code is %d", what, rc, err->code);
#endif
    if (!memchr(err->message, '\0', sizeof err->message) || !memchr(err->source, '\0', sizeof err->source))
        fuzz_fail("%s: err->message or err->source is not NUL-terminated", what);
    if (err->message[0] == '\0')
        fuzz_fail("%s returned %d with an empty message", what, rc);
    if (rc == SENTRAJ_EINTERNAL)
        fuzz_fail("%s: internal error: %s", what, err->message);
    if (rc == SENTRAJ_EIO && !allow_eio)
        fuzz_fail("%s: I/O error on memory input: %s", what, err->message);
    {
        char buf[1200];
        sentraj_error_format(err, buf, sizeof buf);
        if (!memchr(buf, '\0', sizeof buf) || buf[0] == '\0')
            fuzz_fail("%s: sentraj_error_format gave nothing", what);
    }
}

/* a and b equal to within rounding of sums of a few labels. */
static int close_to(double a, double b)
{
    return fabs(a - b) <= 1e-9 * (1 + fabs(a) + fabs(b));
}

static int in_range(double x, double lo, double hi)
{
    double slack = 1e-9 * (1 + fabs(lo) + fabs(hi));
    return isfinite(x) && x >= lo - slack && x <= hi + slack;
}

void fuzz_check_counts(const sentraj_counts *c)
{
    if (c->rows != c->human_messages + c->assistant_messages + c->ignored_messages)
        fuzz_fail("counts: rows %llu != human %llu + assistant %llu + ignored %llu", (unsigned long long)c->rows,
                  (unsigned long long)c->human_messages, (unsigned long long)c->assistant_messages,
                  (unsigned long long)c->ignored_messages);
    if (c->conversations != c->kept + c->dropped_short)
        fuzz_fail("counts: conversations %llu != kept %llu + dropped_short %llu", (unsigned long long)c->conversations,
                  (unsigned long long)c->kept, (unsigned long long)c->dropped_short);
    if (c->kept_without_category > c->kept)
        fuzz_fail("counts: kept_without_category %llu > kept %llu", (unsigned long long)c->kept_without_category,
                  (unsigned long long)c->kept);
}

static void check_counts(const sentraj_dataset *ds, const sentraj_config *cfg, double lo, double hi)
{
    const sentraj_counts *c = sentraj_dataset_counts(ds);
    size_t nkept = sentraj_dataset_kept(ds);
    const char *prev = NULL;

    fuzz_check_counts(c);
    if (nkept != c->kept)
        fuzz_fail("sentraj_dataset_kept %zu != counts.kept %llu", nkept, (unsigned long long)c->kept);
    for (size_t i = 0; i < nkept; i++) {
        sentraj_trajectory t;
        sentraj_dataset_trajectory(ds, i, &t);
        if (!t.conversation_id || !t.categories)
            fuzz_fail("trajectory %zu: NULL id or categories", i);
        if (prev && strcmp(prev, t.conversation_id) >= 0)
            fuzz_fail("trajectory %zu: ids not strictly increasing", i);
        prev = t.conversation_id;
        if (t.human_messages < cfg->min_human)
            fuzz_fail("trajectory %zu: %llu human messages kept with min_human %zu", i,
                      (unsigned long long)t.human_messages, cfg->min_human);
        if (!in_range(t.mean_first, lo, hi) || !in_range(t.mean_last, lo, hi))
            fuzz_fail("trajectory %zu: window means %.17g, %.17g outside the scale [%g, %g]", i, t.mean_first,
                      t.mean_last, lo, hi);
        if (!isfinite(t.delta))
            fuzz_fail("trajectory %zu: delta %.17g (window means %.17g, %.17g)", i, t.delta, t.mean_first,
                      t.mean_last);
        /* delta is computed from exact integer sums; the subtraction of
         * the two rounded means may be off by a few ulps of the larger one
         * (scales with values of 1e9 and more). */
        if (!close_to(t.delta, t.mean_last - t.mean_first) &&
            fabs(t.delta - (t.mean_last - t.mean_first)) >
                4 * DBL_EPSILON * fmax(fabs(t.mean_last), fabs(t.mean_first)))
            fuzz_fail("trajectory %zu: delta %.17g != mean_last - mean_first = %.17g", i, t.delta,
                      t.mean_last - t.mean_first);
    }
}

static void check_row(const sentraj_analysis *a, size_t i, const sentraj_result *r, const sentraj_config *cfg,
                      double lo, double hi)
{
    const sentraj_boot_result *b = &r->boot;
    const double *values, *probs;
    size_t nd;

    if (r->conversations == 0) {
        if (!isnan(r->mean_delta))
            fuzz_fail("row %zu (%s): no conversations but mean_delta %.17g", i, r->category, r->mean_delta);
    } else if (!in_range(r->mean_first, lo, hi) || !in_range(r->mean_last, lo, hi) ||
               !in_range(r->mean_delta, lo - hi, hi - lo)) {
        fuzz_fail("row %zu (%s): means %.17g, %.17g, %.17g outside the scale", i, r->category, r->mean_first,
                  r->mean_last, r->mean_delta);
    }
    switch (b->status) {
    case SENTRAJ_CI_TOO_FEW:
        if (!isnan(b->ci_low) || !isnan(b->ci_high))
            fuzz_fail("row %zu (%s): too_few with an interval [%.17g, %.17g]", i, r->category, b->ci_low, b->ci_high);
        break;
    case SENTRAJ_CI_OK:
    case SENTRAJ_CI_DEGENERATE:
    case SENTRAJ_CI_SMALL: /* an interval all the same, flagged for its few conversations */
        if (r->conversations < 2)
            fuzz_fail("row %zu (%s): status %s with %zu conversations", i, r->category,
                      sentraj_ci_status_name(b->status), r->conversations);
        if (!isfinite(b->estimate) || !close_to(b->estimate, r->mean_delta))
            fuzz_fail("row %zu (%s): estimate %.17g but mean_delta %.17g", i, r->category, b->estimate,
                      r->mean_delta);
        if (isnan(b->ci_low) || isnan(b->ci_high) || !(b->ci_low <= b->ci_high))
            fuzz_fail("row %zu (%s): %s interval [%.17g, %.17g] (%s, %s, %s)", i, r->category,
                      sentraj_ci_status_name(b->status), b->ci_low, b->ci_high, sentraj_method_name(cfg->method),
                      sentraj_engine_name(b->engine), sentraj_alternative_name(cfg->alternative));
        /* Only the bootstrap-t may be unbounded on both sides: a resample
         * repeating one value has t* = +-inf (docs/statistics.md). */
        if (cfg->alternative == SENTRAJ_TWO_SIDED && cfg->method != SENTRAJ_METHOD_STUDENTIZED &&
            (!isfinite(b->ci_low) || !isfinite(b->ci_high)))
            fuzz_fail("row %zu (%s): two-sided interval with an infinite end [%.17g, %.17g] (%s, %s)", i,
                      r->category, b->ci_low, b->ci_high, sentraj_method_name(cfg->method),
                      sentraj_engine_name(b->engine));
        if (isnan(b->se) || b->se < 0)
            fuzz_fail("row %zu (%s): standard error %.17g", i, r->category, b->se);
        if (b->engine == SENTRAJ_ENGINE_AUTO)
            fuzz_fail("row %zu (%s): the engine that ran is reported as auto", i, r->category);
        break;
    case SENTRAJ_CI_REFUSED: /* over an engine's limit: no interval, and the note says why */
        if (!isnan(b->ci_low) || !isnan(b->ci_high) || !isnan(b->se))
            fuzz_fail("row %zu (%s): refused with an interval [%.17g, %.17g] or se %.17g", i, r->category, b->ci_low,
                      b->ci_high, b->se);
        if (!r->note || !r->note[0])
            fuzz_fail("row %zu (%s): refused without a note", i, r->category);
        break;
    default:
        fuzz_fail("row %zu (%s): status %d", i, r->category, (int)b->status);
    }
    nd = sentraj_analysis_draws(a, i, &values, &probs);
    if (nd && !cfg->keep_resamples)
        fuzz_fail("row %zu: draws kept without keep_resamples", i);
    if (nd) {
        double total = 0;
        for (size_t k = 0; k < nd; k++) {
            if (!isfinite(values[k]))
                fuzz_fail("row %zu: draw %zu is %.17g", i, k, values[k]);
            if (probs) {
                if (!(probs[k] >= 0 && probs[k] <= 1 + 1e-12))
                    fuzz_fail("row %zu: probability %zu is %.17g", i, k, probs[k]);
                total += probs[k];
            }
        }
        if (probs && fabs(total - 1) > 1e-6)
            fuzz_fail("row %zu: exact probabilities sum to %.17g", i, total);
    }
}

static void check_report(const char *what, int rc, const sentraj_error *err)
{
    if (rc != SENTRAJ_OK)
        fuzz_fail("%s to /dev/null failed (%d): %s", what, rc, err->message);
}

void fuzz_pipeline(sentraj_dataset *ds, const sentraj_config *cfg, const char *input_name, double lo, double hi)
{
    sentraj_error err;
    sentraj_analysis *a;
    int rc;

    memset(&err, 0, sizeof err);
    rc = sentraj_dataset_finish(ds, &err);
    fuzz_check_status("sentraj_dataset_finish", rc, &err, 0);
    if (rc != SENTRAJ_OK)
        return;
    check_counts(ds, cfg, lo, hi);

    a = sentraj_analysis_compute(ds, cfg, &err);
    if (!a) {
        fuzz_check_status("sentraj_analysis_compute", err.code ? err.code : -99, &err, 0);
        if (err.code == SENTRAJ_EDATA)
            fuzz_fail("sentraj_analysis_compute: a data error after finish succeeded: %s", err.message);
        return;
    }
    fuzz_check_analysis(a, cfg, sentraj_dataset_counts(ds), lo, hi, ds, input_name);
    sentraj_analysis_free(a);
}

void fuzz_check_analysis(const sentraj_analysis *a, const sentraj_config *cfg, const sentraj_counts *counts,
                         double lo, double hi, const sentraj_dataset *ds, const char *input_name)
{
    sentraj_error err;
    size_t nrows = sentraj_analysis_rows(a);

    memset(&err, 0, sizeof err);
    if (nrows == 0)
        fuzz_fail("analysis without rows");
    for (size_t i = 0; i < nrows; i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        if (!r || !r->category || !r->category[0])
            fuzz_fail("row %zu: no category name", i);
        if (i + 1 < nrows) {
            const sentraj_result *next = sentraj_analysis_row(a, i + 1);
            if (strcmp(r->category, "all") == 0)
                fuzz_fail("row %zu: \"all\" before the last row", i);
            if (i + 2 < nrows && natural_cmp(r->category, next->category) >= 0)
                fuzz_fail("rows %zu, %zu: categories \"%s\", \"%s\" not in strictly increasing natural order", i, i + 1,
                          r->category, next->category);
        } else {
            if (strcmp(r->category, "all") != 0)
                fuzz_fail("the last row is \"%s\", not \"all\"", r->category);
            if (r->conversations != counts->kept)
                fuzz_fail("row all: %zu conversations but %llu kept", r->conversations,
                          (unsigned long long)counts->kept);
        }
        check_row(a, i, r, cfg, lo, hi);
    }

    {
        const char *inputs[1] = {input_name};
        sentraj_run_info info;
        memset(&info, 0, sizeof info);
        info.command = "analyze";
        info.inputs = inputs;
        info.ninputs = 1;
        info.counts = counts;
        check_report("csv report", sentraj_analysis_write_csv(sink, "sink", a, &err), &err);
        check_report("table report", sentraj_analysis_write_table(sink, "sink", a, &err), &err);
        check_report("json report", sentraj_analysis_write_json(sink, "sink", a, &info, &err), &err);
        if (cfg->keep_resamples)
            check_report("resamples csv", sentraj_analysis_write_resamples_csv(sink, "sink", a, &err), &err);
        if (ds) {
            check_report("deltas csv", sentraj_deltas_write_csv(sink, "sink", ds, &err), &err);
            check_report("deltas table", sentraj_deltas_write_table(sink, "sink", ds, &err), &err);
            info.command = "deltas";
            check_report("deltas json", sentraj_deltas_write_json(sink, "sink", ds, &info, &err), &err);
        }
    }
}

FILE *fuzz_sink(void)
{
    return sink;
}

size_t fuzz_split(const uint8_t *data, size_t size, const char *sep, fuzz_part *parts, size_t max)
{
    size_t np = 0, start = 0, sl = strlen(sep);
    const char *d = (const char *)data;

    for (size_t i = 0; np + 1 < max && sl && i + sl <= size;) {
        if (memcmp(d + i, sep, sl) == 0) {
            parts[np].p = d + start;
            parts[np].n = i - start;
            np++;
            i += sl;
            start = i;
        } else {
            i++;
        }
    }
    parts[np].p = d + start;
    parts[np].n = size - start;
    return np + 1;
}
