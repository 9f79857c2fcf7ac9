/* dataset.h - the data set's internals, shared by the reader, the assembler and the analysis. */
#ifndef SENTRAJ_DATASET_H
#define SENTRAJ_DATASET_H

#include "sentraj.h"

#include "data/intern.h"
#include "data/labels.h"

#include "core/error.h"

#include <stdint.h>

/* One message row as the readers hand it to the assembler. Strings are
 * borrowed for the duration of the call. */
typedef struct msg_row {
    const char *id;
    size_t id_len;
    uint64_t index;
    role_kind role;
    double value;         /* the label's value; human rows only */
    const char *cats;     /* the categories field; NULL when the input has no such column */
    size_t cats_len;
    uint64_t line;        /* the row's first line */
    uint64_t cats_line;   /* position of the categories field, for errors */
    uint64_t cats_col;
    uint64_t index_col;   /* position of the message_index field, for errors */
    const char *cluster;  /* the cluster field (--cluster-by); NULL when the data set has no cluster column */
    size_t cluster_len;
    uint64_t cluster_line; /* position of the cluster field, for errors */
    uint64_t cluster_col;
} msg_row;

/* One conversation while rows arrive. While its message indexes arrive in
 * increasing order with a constant stride (the common case: 0, 1, 2, ...)
 * the set of indexes seen is known exactly from (first, stride, rows), so a
 * duplicate is caught at once and only the first and last `window` human
 * labels are kept: O(1) memory however long the conversation. A row that
 * breaks the pattern "freezes" the conversation: that row and every later
 * one go to the extras list, merged and checked for duplicates by finish. */
typedef struct conv {
    uint64_t first_index;
    uint64_t line;       /* line of the conversation's first row, in its input (conv_source) */
    uint32_t rows;       /* rows in the ordered core: fewer than 2^32 (later ones are out of order) */
    uint32_t humans;     /* human rows in the ordered core */
    uint32_t set;        /* category set id */
    uint32_t stride : 30;/* 0 while rows < 2; at most STRIDE_MAX (a wider step freezes the core) */
    uint32_t frozen : 1;
    uint32_t wide : 1;   /* window slots in the wide table (window.c) */
} conv;

#define STRIDE_MAX ((1u << 30) - 1)

/* The message index of the last row of a core with rows >= 1. */
static inline uint64_t core_last(const conv *cv)
{
    return cv->first_index + (uint64_t)(cv->rows - 1) * cv->stride;
}

/* Whether message index i is one of core cv's rows. */
static inline int in_core(const conv *cv, uint64_t i)
{
    if (cv->rows == 0 || i < cv->first_index || i > core_last(cv))
        return 0;
    if (cv->rows == 1)
        return i == cv->first_index;
    return (i - cv->first_index) % cv->stride == 0;
}

/* A window slot, decoded: a human label and the row's place in the
 * conversation's ordered core (its message index is first_index + ordinal *
 * stride). window.c stores slots in two bytes where it can (see there). */
typedef struct win_entry {
    double value;
    uint32_t ordinal;
} win_entry;

/* A row that arrived out of order, kept whole until finish. */
typedef struct extra_row {
    uint64_t index;
    uint64_t line;
    double value;
    uint32_t conv;
    uint32_t source;
    uint32_t index_col; /* column of the message_index field, for errors (saturates) */
    uint8_t role;
} extra_row;

/* A kept conversation after finish: its window sums in label units, or,
 * when every label of the data set lies on the scale's lattice
 * (ds->lattice), the exact integer sums *_q in units of 1 / ds->denom,
 * which every total then uses. One or the other, never both: 32 bytes. */
typedef struct kept_conv {
    uint32_t conv;
    uint32_t set;
    uint64_t humans;
    union {
        double first_sum;
        int64_t first_q;
    };
    union {
        double last_sum;
        int64_t last_q;
    };
} kept_conv;

/* Label codes of compact window slots run from -WIN_CODE_MAX to WIN_CODE_MAX. */
#define WIN_CODE_MAX 127

/* Names of the columns (CSV) or keys (JSONL) of the fields; the cluster
 * field's name is NULL unless the input options give one (cluster_by). */
enum { FIELD_ID, FIELD_INDEX, FIELD_ROLE, FIELD_SENTIMENT, FIELD_CATEGORIES, FIELD_CLUSTER, NFIELDS };

struct sentraj_dataset {
    size_t min_human, window;

    /* Input options (sentraj_dataset_set_input), strings owned. */
    sentraj_input_format format;
    char *field[NFIELDS];
    const sentraj_scale *scale;
    int64_t denom;         /* the scale's lattice denominator; 0: none */
    char *label_key, *role_key, *speaker_roles, *category_key;
    char category_sep;     /* between the names of a categories field, and in joined category lists */
    int reading_started;

    /* A categories table (sentraj_dataset_read_categories): conversation id
     * -> category set, joined at finish. */
    intern table_ids;
    uint32_t *table_set;
    uint64_t *table_line;
    size_t table_cap;
    char *table_source;

    intern ids;            /* conversation ids; id i is conversation i */
    conv *convs;           /* finish writes the kept records over them (unless keep_labels) */
    size_t convs_cap;
    uint8_t *win;          /* 2 * window compact slots per conversation (window.c): win_bytes each */
    double *wide_val;      /* the wide table: 2 * window slots per conversation moved there */
    uint32_t *wide_ord;
    size_t nwide, wide_cap;
    win_entry *win_tmp;    /* 2 * window slots of scratch, allocated when first needed */
    double code_value[2 * WIN_CODE_MAX + 1]; /* code q -> the label q / denom (NaN without a lattice) */
    double code_scale;     /* denom as a double; 0 without a lattice */
    /* Conversations start in compact slots (win_set_compact). Only the test
     * build reads it (window.h), but both have it: the struct's layout must
     * not depend on SENTRAJ_TESTING. */
    int win_compact;
    int code_nibbles;      /* codes take 4 bits (the scale's lattice values all within +-7), else 8 */
    int code_max;          /* the largest code magnitude: 7 or WIN_CODE_MAX */
    /* Human labels by code q in -3 .. 3 (code_uses[q + 3]) and the others:
     * enough to see which labels of a built-in scale the data uses. */
    uint64_t code_uses[7];
    uint64_t code_other;
    int scale_points;      /* the scale's points when built in (3, 5, 7), else 0 */
    size_t win_bytes;      /* compact bytes per conversation (window.h) */

    intern raw_cats;       /* distinct categories fields as written */
    int64_t last_raw;      /* the previous row's raw categories id, -1 before the first */
    const char *last_raw_str; /* its string */
    size_t last_raw_len;
    uint32_t *raw_to_set;  /* raw field id -> category set id */
    size_t raw_to_set_cap;
    intern sets;           /* canonical sets: sorted, unique names joined by ';' */
    uint32_t **set_members;/* set id -> category ids, terminated by UINT32_MAX */
    size_t set_members_cap;
    intern cats;           /* category names */

    extra_row *extras;
    size_t nextras, extras_cap;

    /* Clusters (input option cluster_by): conversation c's cluster id is
     * cluster_of[c] (NULL without a cluster column), names interned here. */
    intern clusters;
    uint32_t *cluster_of;
    size_t kept_clusters;  /* distinct clusters of the kept conversations (finish) */

    /* keep_labels (for sentraj_positions): every row goes to the extras, as
     * if each conversation were frozen from its first row, so finish has
     * every row sorted by (conversation, message_index); conversation c's
     * rows are extras[label_off[c] .. label_off[c + 1]). NULL otherwise. */
    int keep_labels;
    size_t *label_off;

    char **sources;        /* input names, for errors found at finish */
    uint32_t *source_conv0;/* the first conversation id given out while each input was read */
    size_t nsources, sources_cap;

    sentraj_progress_fn progress;
    void *progress_ctx;

    int64_t last_conv;     /* the previous row's conversation, for the contiguous fast path */
    const char *last_id;   /* its id (intern strings never move) */
    size_t last_id_len;
    int lattice;           /* every human label times denom is an integer */
    double lattice_seen;   /* the last label found on the lattice (NaN: none) */
    unsigned threads;      /* the config's threads: 0 = every core; > 1 lets csv_read split a file */
    int is_part;           /* a reader part (dataset_part_alloc): field[] is borrowed */
    size_t parallel_chunks;/* chunks read on several threads and merged, over every input (for tests) */
    size_t parallel_reread;/* chunks read again because their start was inside a record */
    int finished;
    int failed;

    sentraj_counts counts;
    kept_conv *kept;       /* sorted by conversation id */
    size_t nkept;
    uint64_t *cat_dropped; /* per category id: its conversations dropped by min_human (finish) */
};

/* Conversation c's cluster id; 0 when the data set has no cluster column. */
static inline uint32_t conv_cluster(const sentraj_dataset *ds, size_t c)
{
    return ds->cluster_of ? ds->cluster_of[c] : 0;
}

/* Empty tables and caches, for a data set and for a reader part. */
void dataset_init_tables(sentraj_dataset *ds);
/* Room for conversation c (and its window slots); growing, room for at
 * least `at_least` conversations. SENTRAJ_OK or SENTRAJ_ENOMEM. */
int dataset_conv_reserve(sentraj_dataset *ds, size_t c, size_t at_least, sentraj_error *err);

/* An interned string (an id, a category set) for an error message, on one line. */
static inline sentraj_shown dataset_show_id(const intern *t, uint32_t id)
{
    return sentraj_show(intern_str(t, id), intern_len(t, id));
}

/* Register an input name; returns its index or -1 without memory. Inputs
 * are read one after the other, so conversation ids rise with the input
 * their first row came from. */
int64_t dataset_add_source(sentraj_dataset *ds, const char *name);
/* The input conversation c's first row came from. */
uint32_t conv_source(const sentraj_dataset *ds, size_t c);
/* That input's name when it is not `source`, else NULL: for errors that
 * cite the line of conversation c's first row. */
const char *conv_other_source(const sentraj_dataset *ds, size_t c, uint32_t source);
/* Add one message row. Returns SENTRAJ_OK or an error naming `source` and the row's line. */
int dataset_add_row(sentraj_dataset *ds, uint32_t source, const msg_row *r, sentraj_error *err);

/* The category set id of a categories field (';'-separated: names trimmed,
 * empty ones dropped, sorted and joined once each), for the rows and for
 * readers whose categories come as lists; source, line and col place the
 * field for errors. Returns -1 with err set: SENTRAJ_EDATA for the
 * reserved name "all", SENTRAJ_ENOMEM. */
int64_t dataset_category_set(sentraj_dataset *ds, const char *s, size_t len, const char *source, uint64_t line,
                             uint64_t col, sentraj_error *err);
/* Record one row of a categories table (sentraj_dataset_read_categories):
 * a conversation listed twice must list the same categories. */
int dataset_table_add(sentraj_dataset *ds, const char *source, const char *id, size_t id_len, const char *cats,
                      size_t cats_len, uint64_t line, uint64_t id_col, uint64_t cats_col, sentraj_error *err);
/* At finish: give every conversation the categories the table lists for
 * it. A conversation whose messages name categories must agree with the
 * table (SENTRAJ_EDATA otherwise). */
int dataset_join_table(sentraj_dataset *ds, sentraj_error *err);

/* Mark the data set as read from (options can no longer change) and check
 * it can take more input. */
int dataset_begin_read(sentraj_dataset *ds, sentraj_error *err);

/* Parallel reading (io/csv_parallel.c): each chunk of a file is read into
 * a part, a data set with the options of ds but its own tables (the column
 * names are borrowed from ds, which must outlive it). Free it with
 * sentraj_dataset_free. */
sentraj_dataset *dataset_part_alloc(const sentraj_dataset *ds, sentraj_error *err);
/* Add the conversations of part src, whose rows all come after dst's rows
 * in reading order, to dst, as if src's rows had been added to dst one by
 * one: new conversations get the next ids in src's order (so their input
 * is the one dst is reading, see conv_source) and their lines move by
 * line_offset. Returns SENTRAJ_OK;
 * DATASET_NOMERGE, leaving dst unchanged, when that cannot be done from the
 * two summaries (src has out-of-order rows, or a conversation of both does
 * not continue its message_index pattern or changes its categories or
 * cluster: then the rows must be read again one by one, which also finds
 * any error); or SENTRAJ_ENOMEM (dst is then failed). Unless it returns
 * DATASET_NOMERGE, src is taken apart on the way (so that the two are not
 * held whole at once) and is only fit to be freed. */
#define DATASET_NOMERGE 1
int dataset_merge(sentraj_dataset *dst, sentraj_dataset *src, uint64_t line_offset, sentraj_error *err);
/* Whether ds holds nothing from earlier rows or tables, so that a merge
 * into it cannot fail. */
int dataset_pristine(const sentraj_dataset *ds);

/* Sort the kept records by conversation id (bytewise), in place: the last
 * step of finish. SENTRAJ_OK or SENTRAJ_ENOMEM (the records are then
 * unchanged). */
int dataset_sort_kept(sentraj_dataset *ds, sentraj_error *err);
#ifdef SENTRAJ_TESTING
/* How many quicksort levels finish sorts the kept ids by before it turns to
 * heapsort: -1 (the default) for 2 log2 n, else the number given; the
 * order is the same. A test knob (core/testing.h), not thread-safe. */
void dataset_set_sort_depth(int depth);
#endif

#endif
