/* dataset.h - the data set's internals, shared by the reader, the assembler and the analysis. */
#ifndef SENTRAJ_DATASET_H
#define SENTRAJ_DATASET_H

#include "sentraj.h"

#include "data/intern.h"
#include "data/labels.h"

#include "core/error.h"

#include <stdint.h>

/* One message row as the readers hand it to the assembler. Strings are
 * borrowed for the duration of the call. Readers that parse on several
 * threads hand rows over in batches (dataset_add_rows) and may fill in the
 * id's hash, or mark a row whose id or categories field is the previous
 * row's, so that the assembler need not look. Lines and columns place the
 * fields for error messages (columns are 0 where a format has none). */
typedef struct msg_row {
    const char *id;
    const char *cats;     /* the categories field; NULL when the input has no such column */
    const char *cluster;  /* the cluster field (--cluster-by); NULL when the data set has no cluster column */
    uint64_t index;
    double value;         /* the label's value; human rows only */
    uint64_t line;        /* the row's first line */
    uint64_t hash;        /* intern_hash of the id when ROW_HASHED */
    uint32_t id_len, cats_len, cluster_len;
    uint32_t index_col;   /* position of the message_index field */
    uint32_t cats_col;    /* position of the categories field */
    uint32_t cluster_col;
    uint32_t cats_dline;  /* the categories field's line minus the row's (quoted line breaks before it) */
    uint32_t cluster_dline;
    uint8_t role;         /* role_kind */
    uint8_t flags;        /* ROW_* */
} msg_row;

#define ROW_HASHED 1u     /* hash holds the id's hash */
#define ROW_SAME_ID 2u    /* the id is the previous row's (within one call of dataset_add_rows) */
#define ROW_SAME_CATS 4u  /* the categories field is the previous row's, byte for byte */
#define ROW_NEW_CONV 8u   /* the conversation must not have been seen before (a JSONL line without
                           * message_index): dataset_add_rows stops with DATASET_SEEN instead */

/* One conversation while rows arrive. While its message indexes arrive in
 * increasing order with a constant stride (the common case: 0, 1, 2, ...)
 * the set of indexes seen is known exactly from (first, stride, rows), so a
 * duplicate is caught at once and only the first and last `window` human
 * labels are kept: O(1) memory however long the conversation. A row that
 * breaks the pattern "freezes" the conversation: that row and every later
 * one become out-of-order rows (ooo_row, 16 bytes each), sorted by finish
 * and merged with the ordered core, which also finds duplicates. */
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

/* A row that arrived out of order, kept until finish in 16 bytes:
 *   key  = conversation << 32 | message index (OOO_BIG for an index of
 *          2^32 - 1 or more, which the row's side entry holds), the order
 *          finish sorts by;
 *   meta = seq << 24 | col << 9 | side << 8 | code, where seq is the row's
 *          number in the data set (0-based, in reading order: it finds the
 *          row's input and line again, see ooo_place), col the column of its
 *          message_index field (OOO_COL_MAX: in the side entry), side says
 *          the row has a side entry, and code is 0 for a row that is not
 *          human, else 128 + q for a human label with window code q (the
 *          label q / denom) or, with a side entry, 128 and the label there.
 * A side entry holds what does not fit: an index of 2^32 - 1 or more, a
 * label without a code (off the scale's lattice), a column of 2^15 - 1 or
 * more. Usual data never needs one. */
typedef struct ooo_row {
    uint64_t key;
    uint64_t meta;
} ooo_row;

typedef struct ooo_side {
    uint64_t seq;
    uint64_t index;
    double value;
    uint64_t col;
} ooo_side;

#define OOO_BIG UINT32_MAX
#define OOO_COL_MAX 0x7fffu
#define OOO_SEQ_MAX ((UINT64_C(1) << 40) - 1)

static inline uint32_t ooo_conv(const ooo_row *x)
{
    return (uint32_t)(x->key >> 32);
}
static inline uint64_t ooo_seq(const ooo_row *x)
{
    return x->meta >> 24;
}
static inline int ooo_human(const ooo_row *x)
{
    return (x->meta & 0xff) != 0;
}
static inline int ooo_has_side(const ooo_row *x)
{
    return (x->meta >> 8 & 1) != 0;
}

/* Where rows of a run of sequence numbers came from: from seq on, row seq'
 * is on line line + (seq' - seq) * step of input source (step 1 for a CSV
 * file, whose records are a line each; 0 for a JSONL line's messages). A
 * new place is noted only where the previous one does not predict a row's
 * line (ooo_place). */
typedef struct ooo_cp {
    uint64_t seq;
    uint64_t line;
    uint32_t source;
    uint32_t step;
} ooo_cp;

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

/* A categories field seen before: its string (in the data set's table of
 * fields as written), length and id there. */
#define RAW_CACHE_BITS 6
typedef struct raw_cache_entry {
    const char *str;
    uint32_t len;
    uint32_t raw;
} raw_cache_entry;

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
    const sentraj_scale *scale; /* borrowed until finish: results keep what they need of it */
    double scale_min, scale_max; /* the scale's range, kept for the results */
    int64_t denom;         /* the scale's lattice denominator; 0: none */
    char *label_key, *role_key, *speaker_roles, *category_key;
    char category_sep;     /* between the names of a categories field, and in joined category lists */
    char *encoding;        /* NULL: UTF-8, validated; else the iconv name the readers convert from */
    int all_human;         /* every row is a human message */
    int id_scope;          /* SENTRAJ_ID_SCOPE_*: FILE has the readers key ids "FILE:ID" */
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
    raw_cache_entry raw_cache[1 << RAW_CACHE_BITS]; /* recent fields: string (in raw_cats), length, id */
    int64_t last_raw;      /* the previous row's raw categories id, -1 before the first */
    const char *last_raw_str; /* its string */
    size_t last_raw_len;
    uint32_t *raw_to_set;  /* raw field id -> category set id */
    size_t raw_to_set_cap;
    intern sets;           /* canonical sets: sorted, unique names joined by ';' */
    uint32_t **set_members;/* set id -> category ids, terminated by UINT32_MAX */
    size_t set_members_cap;
    intern cats;           /* category names */

    /* Rows out of order (see ooo_row), their side entries (in seq order)
     * and the places that find their lines. */
    ooo_row *ooo;
    size_t nooo, ooo_cap;
    size_t ooo_ready;      /* records below this are in pages already mapped (ooo_push's fast path) */
    ooo_side *side;
    size_t nside, side_cap;
    ooo_cp *cps;
    size_t ncps, cps_cap;
    uint32_t line_step;    /* lines per row of the input being read: 1 (CSV) or 0 (JSONL, ConvoKit) */
    uint32_t ooo_index_or; /* every out-of-order row's index (low 32 bits) or-ed: the bits the sort needs */

    /* Clusters (input option cluster_by): conversation c's cluster id is
     * cluster_of[c] (NULL without a cluster column), names interned here. */
    intern clusters;
    uint32_t *cluster_of;
    size_t kept_clusters;  /* distinct clusters of the kept conversations (finish) */

    /* keep_labels (for sentraj_positions): every row is kept as an
     * out-of-order row, as if each conversation were frozen from its first
     * row, so finish has every row sorted by (conversation, message_index);
     * conversation c's rows are ooo[label_off[c] .. label_off[c + 1]) (see
     * dataset_row_human and dataset_row_value). NULL otherwise. */
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
    unsigned threads;      /* the config's threads: 0 = every core; > 1 lets the readers parse on several */
    size_t parallel_blocks;/* blocks read by the threaded reader, over every input (for tests) */
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

/* Empty tables and caches of a new data set. */
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
/* What errors about a conversation whose rows come from two inputs add
 * (after naming the other input). */
#define SCOPE_HINT ": if each input's conversation ids are its own, read with --id-scope file"
/* Add n message rows of input `source`, in reading order. Returns
 * SENTRAJ_OK or the first row's error, naming `source` and the row's line
 * (the data set is then failed), with *done (may be NULL) the number of rows
 * added before it; or DATASET_SEEN, with nothing failed, when row *done
 * has ROW_NEW_CONV and its conversation was seen before: *seen_conv (may be
 * NULL) gets that conversation, for the reader's own message (the rows
 * before it are added). */
#define DATASET_SEEN 1
int dataset_add_rows(sentraj_dataset *ds, uint32_t source, const msg_row *rows, size_t n, size_t *done,
                     uint32_t *seen_conv, sentraj_error *err);
/* Add one row: dataset_add_rows of one. */
int dataset_add_row(sentraj_dataset *ds, uint32_t source, const msg_row *r, sentraj_error *err);

/* ---- out-of-order rows (data/ooo.c) ---- */

/* ooo_push for every row: grows the arrays, notes a new place, writes a
 * side entry. */
int ooo_push_slow(sentraj_dataset *ds, uint32_t c, uint32_t source, uint64_t seq, const msg_row *r, int code,
                  sentraj_error *err);
/* Keep row r of conversation c (input source, the data set's row number
 * seq) as an out-of-order row; code is its window code or WIN_NO_CODE.
 * SENTRAJ_OK or SENTRAJ_ENOMEM. Inline for the usual row, which needs
 * neither more room (in mapped pages) nor a side entry nor a new place:
 * shuffled input sends nearly every row here, so it costs a few compares
 * and one 16-byte store. */
static inline int ooo_push(sentraj_dataset *ds, uint32_t c, uint32_t source, uint64_t seq, const msg_row *r,
                           int code, sentraj_error *err)
{
    const ooo_cp *cp = ds->ncps ? &ds->cps[ds->ncps - 1] : NULL;
    int human = r->role == ROLE_HUMAN;
    int coded = (unsigned)(code + WIN_CODE_MAX) <= 2u * WIN_CODE_MAX;

    if (ds->nooo < ds->ooo_ready && cp && cp->source == source && cp->line + (seq - cp->seq) * cp->step == r->line &&
        r->index < OOO_BIG && r->index_col < OOO_COL_MAX && seq <= OOO_SEQ_MAX && (coded || !human)) {
        ds->ooo_index_or |= (uint32_t)r->index;
        ds->ooo[ds->nooo++] = (ooo_row){(uint64_t)c << 32 | r->index,
                                        seq << 24 | (uint64_t)r->index_col << 9 |
                                            (human ? (uint64_t)(128 + code) : 0)};
        return SENTRAJ_OK;
    }
    return ooo_push_slow(ds, c, source, seq, r, code, err);
}
/* The message index of row x, whose key holds OOO_BIG: from its side entry. */
uint64_t ooo_big_index(const sentraj_dataset *ds, const ooo_row *x);
/* Row x's message index, and its label (human rows). */
static inline uint64_t ooo_index(const sentraj_dataset *ds, const ooo_row *x)
{
    uint32_t i = (uint32_t)x->key;
    return i == OOO_BIG ? ooo_big_index(ds, x) : i;
}
double ooo_value(const sentraj_dataset *ds, const ooo_row *x);
/* The input, line and message_index column of row x, for its error. */
void ooo_place(const sentraj_dataset *ds, const ooo_row *x, uint32_t *source, uint64_t *line, uint64_t *col);
/* Sort the out-of-order rows by (conversation, message index, seq), on up
 * to `threads` threads: the first step of finish. SENTRAJ_OK or
 * SENTRAJ_ENOMEM. */
int ooo_sort(sentraj_dataset *ds, unsigned threads, sentraj_error *err);
/* Free the rows and their side tables. */
void ooo_free(sentraj_dataset *ds);

/* With keep_labels: whether row x of the finished data set (an index into
 * the range label_off gives) is human, and its label. */
static inline int dataset_row_human(const sentraj_dataset *ds, size_t x)
{
    return ooo_human(&ds->ooo[x]);
}
double dataset_row_value(const sentraj_dataset *ds, size_t x);

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
