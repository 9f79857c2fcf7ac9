/* summary_csv.c - a summary written as its canonical versioned CSV file, through the public API alone. */
#include "sentraj.h"

#include "report/write.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

/* docs/scale.md specifies the file; the reader (io/summary_read.c) spells
 * the table's header too. */
static const char comment_line[] =
    "# category,first_q,last_q,count: kept conversations whose first and last window label sums are "
    "first_q/denom and last_q/denom (see sentraj's docs/scale.md)";
static const char table_header[] = "category,first_q,last_q,count";

/* The counts, one "key,value" line each, in the file's order. */
static const struct count_line {
    const char *key;
    size_t offset;
} count_lines[] = {
    {"rows", offsetof(sentraj_counts, rows)},
    {"human_messages", offsetof(sentraj_counts, human_messages)},
    {"assistant_messages", offsetof(sentraj_counts, assistant_messages)},
    {"ignored_messages", offsetof(sentraj_counts, ignored_messages)},
    {"conversations", offsetof(sentraj_counts, conversations)},
    {"kept", offsetof(sentraj_counts, kept)},
    {"dropped_short", offsetof(sentraj_counts, dropped_short)},
    {"kept_without_category", offsetof(sentraj_counts, kept_without_category)},
    {"categories_unmatched", offsetof(sentraj_counts, categories_unmatched)},
};

/* Fields are quoted only for a comma, a quote or a line end, never for
 * blanks at their ends: the summary's SQL twin (scripts/sql/summary.sql)
 * writes the same bytes. */
static void put_header(FILE *f, const sentraj_summary *s)
{
    const sentraj_counts *counts = sentraj_summary_counts(s);
    const char *label;
    double value;
    char num[32];

    fprintf(f, "%s\n%s\n", SENTRAJ_SUMMARY_MAGIC, comment_line);
    fprintf(f, "window,%zu\nmin_human,%zu\ndenom,%lld\n", sentraj_summary_window(s), sentraj_summary_min_human(s),
            (long long)sentraj_summary_denominator(s));
    for (size_t i = 0; sentraj_summary_scale_entry(s, i, &label, &value) == SENTRAJ_OK; i++) {
        fputs("scale,", f);
        report_put_field(f, label, 0);
        fprintf(f, ",%s\n", sentraj_format_double(value, num, sizeof num));
    }
    for (size_t i = 0; i < sizeof count_lines / sizeof *count_lines; i++) {
        const uint64_t *v = (const uint64_t *)(const void *)((const char *)counts + count_lines[i].offset);
        fprintf(f, "%s,%llu\n", count_lines[i].key, (unsigned long long)*v);
    }
}

/* Every category in order: its cells, or "name,,,0" when it has none. A
 * cell's category is the very pointer sentraj_summary_category gives. */
static void put_table(FILE *f, const sentraj_summary *s)
{
    size_t c = 0, ncat = sentraj_summary_categories(s);
    sentraj_summary_cell cell;
    int have = sentraj_summary_cell_get(s, 0, &cell) == SENTRAJ_OK;

    fprintf(f, "%s\n", table_header);
    for (size_t n = 0; n < ncat; n++) {
        const char *name = sentraj_summary_category(s, n);
        if (!have || cell.category != name) {
            report_put_field(f, name, 0);
            fputs(",,,0\n", f);
            continue;
        }
        for (; have && cell.category == name; have = sentraj_summary_cell_get(s, ++c, &cell) == SENTRAJ_OK) {
            report_put_field(f, name, 0);
            fprintf(f, ",%lld,%lld,%llu\n", (long long)cell.first_q, (long long)cell.last_q,
                    (unsigned long long)cell.count);
        }
    }
}

int sentraj_summary_write_csv(FILE *f, const char *name, const sentraj_summary *s, sentraj_error *err)
{
    errno = 0;
    put_header(f, s);
    put_table(f, s);
    return report_finish(f, name, err);
}
