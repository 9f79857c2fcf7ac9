/* summary.h - a summary's internals, shared by summary.c, summary_analyze.c and io/summary_read.c. */
#ifndef SENTRAJ_SUMMARY_H
#define SENTRAJ_SUMMARY_H

#include "sentraj.h"

#include <stddef.h>
#include <stdint.h>

/* The format (docs/scale.md has the full specification):
 *
 *   # sentraj-summary v1
 *   # ...comment lines...
 *   window,3
 *   min_human,6
 *   denom,2
 *   scale,verynegative,-1          one line per label: folded label, value
 *   ...
 *   rows,64002                      the sentraj_counts fields, one a line
 *   ...
 *   category,first_q,last_q,count   the table header, then its rows
 *   all,-6,-6,3
 *   coaching,-6,-4,1
 *   lonely,,,0                      a category seen, with no kept conversation
 *
 * Rows are sorted by category (bytewise), first_q and last_q (as integers).
 * first_q and last_q are a kept conversation's first-window and last-window
 * label sums times denom: exact integers on the scale's lattice. The writer
 * (report/summary_csv.c) reads a summary through the public API only. */

/* The counts, in file order: their keys, and their place in sentraj_counts. */
enum { SUMMARY_NCOUNTS = 9 };
extern const char *const summary_count_key[SUMMARY_NCOUNTS];
uint64_t *summary_count_field(sentraj_counts *c, int i);

typedef struct summary_scale_entry {
    char *label; /* folded */
    double value;
} summary_scale_entry;

/* One table row: `count` kept conversations of names[name] have window sums
 * (first, last). line is where it was read (0 when built or merged). */
typedef struct summary_cell {
    uint32_t name;
    int64_t first, last;
    uint64_t count;
    uint64_t line;
} summary_cell;

struct sentraj_summary {
    char *source; /* file name for messages; "" when built from a data set */
    size_t window, min_human;
    int64_t denom;
    double scale_min, scale_max;
    summary_scale_entry *scale; /* sorted by value, then label */
    size_t nscale;
    uint64_t line_window, line_min_human, line_denom, line_scale;
    uint64_t line_count[SUMMARY_NCOUNTS];
    sentraj_counts counts;
    char **names; /* sorted bytewise, "all" among them */
    size_t nnames;
    summary_cell *cells; /* sorted by (name, first, last); a name without cells has no kept conversation */
    size_t ncells;
};

/* s's file name for errors; NULL when s was built from a data set. */
const char *summary_source(const sentraj_summary *s);

/* qsort orders: scale entries by value, then label; cells by (name, first,
 * last, line); names (char *) bytewise. */
int summary_cmp_scale(const void *a, const void *b);
int summary_cmp_cell(const void *a, const void *b);
int summary_cmp_name(const void *a, const void *b);

/* Index of name in the n sorted names, or -1. */
int64_t summary_find_name(char *const *names, size_t n, const char *name);

/* s against the window and min_human an analysis asks for: SENTRAJ_OK, or
 * SENTRAJ_EDATA naming s's file and the line of the option that differs. */
int summary_check_options(const sentraj_summary *s, size_t window, size_t min_human, sentraj_error *err);

#endif
