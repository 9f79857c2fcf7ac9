/* fuzz_summary.c - libFuzzer harness for the summary reader, and merging, checking and analysing what it reads. */
#include "fuzz_common.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The input is a summary file ("# sentraj-summary v1", key,value lines, the
 * category,first_q,last_q,count table), parsed from memory. A summary that
 * parses must
 *   - be canonical: writing it, parsing that and writing again gives the
 *     same bytes;
 *   - have counts that add up;
 *   - merge with a copy of itself (or fail with ELIMIT on overflow), the
 *     merged counts being twice the original;
 *   - pass sentraj_summary_check with its own window and min_human and the
 *     built-in scale, or fail it with a data error;
 *   - analyse (20 resamples, one thread) into rows that pass the same checks
 *     as a data set's, and write every report.
 * Summaries that claim more than 100000 kept conversations are not analysed:
 * the analysis expands them (about 28 bytes a conversation), so a few bytes
 * can ask for gigabytes, as documented. */

#define MAX_ANALYSED 100000

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

/* The canonical text of s, malloc'ed. */
static char *text_of(const sentraj_summary *s, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    sentraj_error err;
    FILE *f = open_memstream(&buf, &n);
    int rc;

    if (!f)
        fuzz_fail("open_memstream failed");
    memset(&err, 0, sizeof err);
    rc = sentraj_summary_write_csv(f, "memory", s, &err);
    if (fclose(f) != 0 || rc != SENTRAJ_OK)
        fuzz_fail("sentraj_summary_write_csv to memory failed (%d): %s", rc, err.message);
    *len = n;
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sentraj_error err;
    sentraj_summary *s, *again, *twice;
    const sentraj_counts *c;
    char *t1, *t2;
    size_t n1, n2;
    int rc;

    memset(&err, 0, sizeof err);
    s = sentraj_summary_parse((const char *)data, size, "fuzz.summary", &err);
    if (!s) {
        fuzz_check_status("sentraj_summary_parse", err.code ? err.code : -99, &err, 0);
        return 0;
    }
    c = sentraj_summary_counts(s);
    fuzz_check_counts(c);

    /* Canonical: write, read back, write again. */
    t1 = text_of(s, &n1);
    again = sentraj_summary_parse(t1, n1, "written", &err);
    if (!again)
        fuzz_fail("a written summary does not read back: %s:%llu:%llu: %s", err.source,
                  (unsigned long long)err.line, (unsigned long long)err.col, err.message);
    t2 = text_of(again, &n2);
    if (n1 != n2 || memcmp(t1, t2, n1) != 0)
        fuzz_fail("writing a summary read back from its own output gives other bytes (%zu vs %zu)", n1, n2);

    /* Merge with a copy: every count doubles, or a count overflows. */
    twice = sentraj_summary_parse(t1, n1, "copy", &err);
    if (!twice)
        fuzz_fail("a written summary does not read back twice: %s", err.message);
    rc = sentraj_summary_merge(twice, s, &err);
    fuzz_check_status("sentraj_summary_merge", rc, &err, 0);
    if (rc == SENTRAJ_OK) {
        const sentraj_counts *d = sentraj_summary_counts(twice);
        fuzz_check_counts(d);
        if (d->kept != 2 * c->kept || d->rows != 2 * c->rows || d->conversations != 2 * c->conversations)
            fuzz_fail("merging a summary with itself does not double its counts");
    } else if (rc != SENTRAJ_ELIMIT) {
        fuzz_fail("merging a summary with a copy of itself failed (%d): %s", rc, err.message);
    }

    if (c->kept <= MAX_ANALYSED) {
        sentraj_config cfg;
        sentraj_analysis *a;

        fuzz_config(&cfg, fuzz_hash(data, size));
        cfg.window = sentraj_summary_window(s);
        cfg.min_human = sentraj_summary_min_human(s);
        rc = sentraj_summary_check(s, &cfg, NULL, &err);
        fuzz_check_status("sentraj_summary_check", rc, &err, 0);
        if (rc != SENTRAJ_OK && rc != SENTRAJ_EDATA)
            fuzz_fail("sentraj_summary_check with the summary's own options failed (%d): %s", rc, err.message);
        a = sentraj_analysis_compute_summary(s, &cfg, &err);
        if (a) {
            /* The scale is the summary's, which the public API does not show. */
            fuzz_check_analysis(a, &cfg, c, -DBL_MAX, DBL_MAX, NULL, "fuzz.summary");
            sentraj_analysis_free(a);
        } else {
            fuzz_check_status("sentraj_analysis_compute_summary", err.code ? err.code : -99, &err, 0);
            if (err.code == SENTRAJ_EDATA)
                fuzz_fail("sentraj_analysis_compute_summary: a data error for a summary that read: %s", err.message);
        }
    }

    free(t1);
    free(t2);
    sentraj_summary_free(again);
    sentraj_summary_free(twice);
    sentraj_summary_free(s);
    return 0;
}
