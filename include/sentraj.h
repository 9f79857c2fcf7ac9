/* sentraj.h - the public API of libsentraj, a sentiment-trajectory statistics engine. */
#ifndef SENTRAJ_H
#define SENTRAJ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SENTRAJ_BUILDING) && defined(__GNUC__)
#define SENTRAJ_API __attribute__((visibility("default")))
#else
#define SENTRAJ_API
#endif

/* The version of this header. sentraj_version() tells the library's, which
 * may differ when a program runs against another build than it compiled
 * with. The JSON reports and the figures' metadata carry the library's. */
#define SENTRAJ_VERSION_MAJOR 0
#define SENTRAJ_VERSION_MINOR 1
#define SENTRAJ_VERSION_PATCH 0
#define SENTRAJ_VERSION "0.1.0"

/* The library's version as "MAJOR.MINOR.PATCH", a constant string, and as
 * the number MAJOR * 10000 + MINOR * 100 + PATCH. */
SENTRAJ_API const char *sentraj_version(void);
SENTRAJ_API unsigned sentraj_version_number(void);

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/* Status codes. Functions that can fail return SENTRAJ_OK (0) or one of the
 * negative codes below, and fill the caller's sentraj_error when it is not
 * NULL. The command-line tool maps them to sysexits-style exit codes. */
typedef enum sentraj_status {
    SENTRAJ_OK = 0,
    SENTRAJ_EUSAGE = -1,   /* an option or argument is out of its domain (exit 64) */
    SENTRAJ_EDATA = -2,    /* the input data is malformed (exit 65) */
    SENTRAJ_EIO = -3,      /* reading or writing failed (exit 74) */
    SENTRAJ_ENOMEM = -4,   /* out of memory (exit 71) */
    SENTRAJ_ELIMIT = -5,   /* a documented size limit was exceeded (exit 65) */
    SENTRAJ_EINTERNAL = -6, /* a library routine (GSL, cairo) failed (exit 70) */
    SENTRAJ_EINTERRUPTED = -7 /* the config's interrupt callback asked to stop (exit 130) */
} sentraj_status;

/* What went wrong, where. source is the input's name ("-" is shown as
 * "<stdin>") or empty when the error is not about an input; line and col are
 * 1-based, 0 when unknown. message is one sentence without a trailing period. */
typedef struct sentraj_error {
    int code;
    char source[512];
    uint64_t line;
    uint64_t col;
    char message[512];
} sentraj_error;

/* How the library behaves as a guest in a program:
 * - It never prints, never exits and never aborts: every failure, including
 *   running out of memory, is a status code with a message.
 * - GSL, which the engines use, aborts on errors by default. The first
 *   sentraj call that reaches GSL turns that handler off, so GSL's failures
 *   come back as SENTRAJ_ENOMEM or SENTRAJ_EINTERNAL; a handler the program
 *   installed itself (gsl_set_error_handler) is left in place and is then
 *   called for GSL errors inside sentraj too.
 * - Every _free function accepts NULL and then does nothing.
 * - Objects are not thread-safe while being built (a data set while
 *   reading, a summary while merging); finished results may be read from
 *   any number of threads. */

/* Format err as "source:line:col: message" (parts that are unknown are left
 * out) into buf of size n, always NUL-terminated. Returns buf. */
SENTRAJ_API char *sentraj_error_format(const sentraj_error *err, char *buf, size_t n);

/* Make OpenBLAS single-threaded and stop its idle worker threads, which
 * otherwise spin for a while after start-up and compete with sentraj's own
 * threads (sentraj only ever calls BLAS from its pool, one thread each). For
 * programs that do not use OpenBLAS's threads themselves; the CLI calls it
 * first thing. */
SENTRAJ_API void sentraj_blas_single_threaded(void);

/* The exit code the CLI uses for a status: 0, 64, 65, 70, 71 or 74; 130
 * (128 + SIGINT, the shells' code for a run stopped by Ctrl-C) for
 * SENTRAJ_EINTERRUPTED, which the CLI itself never returns. */
SENTRAJ_API int sentraj_status_exit_code(int status);

/* ------------------------------------------------------------------------ */
/* PCG random generators (O'Neill 2014), pcg-c compatible                    */
/* ------------------------------------------------------------------------ */

/* pcg32: PCG-XSH-RR with 64-bit state, 32-bit output and a selectable stream.
 * The state is a plain struct; every function takes it explicitly, so a
 * generator is as thread-safe as the memory it lives in. */
typedef struct sentraj_pcg32 {
    uint64_t state;
    uint64_t inc; /* always odd: (initseq << 1) | 1 */
} sentraj_pcg32;

/* Seed like pcg-c's pcg32_srandom_r(rng, initstate, initseq). */
SENTRAJ_API void sentraj_pcg32_seed(sentraj_pcg32 *rng, uint64_t initstate, uint64_t initseq);
/* Next 32-bit output (computed from the old state, then the state steps). */
SENTRAJ_API uint32_t sentraj_pcg32_next(sentraj_pcg32 *rng);
/* Uniform integer in [0, bound) by pcg-c's threshold-and-modulo rejection;
 * reproduces pcg32_boundedrand_r exactly. bound must be > 0. */
SENTRAJ_API uint32_t sentraj_pcg32_bounded(sentraj_pcg32 *rng, uint32_t bound);
/* Uniform integer in [0, bound) by Lemire's multiply-and-reject method
 * (Lemire 2019, "Fast random integer generation in an interval"): unbiased,
 * and a division only on the rare rejection path. bound must be > 0. This is
 * the draw the bootstrap engines use. */
SENTRAJ_API uint32_t sentraj_pcg32_bounded_fast(sentraj_pcg32 *rng, uint32_t bound);
/* Uniform double in [0, 1) with 53 random bits (two outputs). */
SENTRAJ_API double sentraj_pcg32_uniform(sentraj_pcg32 *rng);
/* Move the generator delta steps forward in O(log delta); a step back by k is
 * delta = 2^64 - k (that is, (uint64_t)-k). Produces no output. */
SENTRAJ_API void sentraj_pcg32_advance(sentraj_pcg32 *rng, uint64_t delta);

#if defined(__SIZEOF_INT128__)
#define SENTRAJ_HAVE_PCG64 1
/* 128-bit arithmetic is a GCC/Clang extension; __extension__ keeps
 * -Wpedantic quiet for code that includes this header. */
__extension__ typedef unsigned __int128 sentraj_u128;

/* pcg64: PCG-XSL-RR with 128-bit state and 64-bit output, pcg-c compatible. */
typedef struct sentraj_pcg64 {
    sentraj_u128 state;
    sentraj_u128 inc;
} sentraj_pcg64;

SENTRAJ_API void sentraj_pcg64_seed(sentraj_pcg64 *rng, sentraj_u128 initstate, sentraj_u128 initseq);
SENTRAJ_API uint64_t sentraj_pcg64_next(sentraj_pcg64 *rng);
SENTRAJ_API uint64_t sentraj_pcg64_bounded(sentraj_pcg64 *rng, uint64_t bound);
SENTRAJ_API void sentraj_pcg64_advance(sentraj_pcg64 *rng, sentraj_u128 delta);
#endif

/* The stream of one (category, resample) pair: a generator seeded from the
 * run's seed, a 64-bit hash of the category name and the resample number, so
 * a category's draws do not depend on threads, on the order of work, or on
 * which other categories exist. The derivation is documented in
 * docs/reproducibility.md and reimplemented independently in
 * scripts/oracle.py. */
SENTRAJ_API uint64_t sentraj_hash_name(const char *name, size_t len);
SENTRAJ_API void sentraj_stream_seed(sentraj_pcg32 *rng, uint64_t seed, uint64_t name_hash,
                                     uint64_t resample);

/* ------------------------------------------------------------------------ */
/* Configuration                                                             */
/* ------------------------------------------------------------------------ */

typedef enum sentraj_engine {
    SENTRAJ_ENGINE_AUTO = 0,        /* multinomial when a sample has few distinct values for its size, else index */
    SENTRAJ_ENGINE_INDEX = 1,       /* classic bootstrap: draw n indices with replacement; O(B n) */
    SENTRAJ_ENGINE_MULTINOMIAL = 2, /* draw the counts of the K distinct values; O(B K) */
    SENTRAJ_ENGINE_EXACT = 3        /* the bootstrap distribution by FFT convolution: B = infinity */
} sentraj_engine;

typedef enum sentraj_method {
    SENTRAJ_METHOD_PERCENTILE = 0, /* quantiles of the resampled means */
    SENTRAJ_METHOD_BASIC = 1,      /* reflected percentile: 2 mean - quantiles */
    SENTRAJ_METHOD_NORMAL = 2,     /* bias-corrected mean +- z * bootstrap standard error (R's norm.ci) */
    SENTRAJ_METHOD_BCA = 3,        /* bias-corrected and accelerated (Efron 1987) */
    SENTRAJ_METHOD_STUDENTIZED = 4 /* bootstrap-t: quantiles of (mean* - mean) / se* */
} sentraj_method;

typedef enum sentraj_alternative {
    SENTRAJ_TWO_SIDED = 0, /* [low, high] with (1 - level) / 2 in each tail */
    SENTRAJ_LESS = 1,      /* (-inf, high]: the true mean is less than high */
    SENTRAJ_GREATER = 2    /* [low, +inf) */
} sentraj_alternative;

typedef enum sentraj_sim {
    SENTRAJ_SIM_ORDINARY = 0, /* independent resamples */
    SENTRAJ_SIM_BALANCED = 1  /* index engine: every observation drawn exactly B times overall */
} sentraj_sim;

/* The order of a result's rows (categories); "all" always comes last. */
typedef enum sentraj_order {
    SENTRAJ_ORDER_NATURAL = 0, /* by name, runs of digits as numbers: 1, 2, 10 */
    SENTRAJ_ORDER_NAME = 1,    /* by name, bytewise: 1, 10, 2 */
    SENTRAJ_ORDER_VALUE = 2    /* by the row's estimate, largest first (rows without one last) */
} sentraj_order;

/* Asked by a running bootstrap whether to stop: return nonzero to stop.
 * See sentraj_config's interrupt. */
typedef int (*sentraj_interrupt_fn)(void *ctx);

/* Every setting of an analysis. Fill it with sentraj_config_init, then change
 * what you need; sentraj_config_check validates it. */
typedef struct sentraj_config {
    size_t min_human;      /* 6: fewest human messages a conversation needs to be kept */
    size_t window;         /* 3: human messages averaged at the start and at the end */
    size_t resamples;      /* 1000: bootstrap resamples B (ignored by the exact engine) */
    double level;          /* 0.95: confidence level of the interval, in (0, 1) */
    sentraj_method method; /* SENTRAJ_METHOD_PERCENTILE */
    sentraj_engine engine; /* SENTRAJ_ENGINE_AUTO */
    sentraj_alternative alternative; /* SENTRAJ_TWO_SIDED */
    sentraj_sim sim;       /* SENTRAJ_SIM_ORDINARY; balanced needs the index engine */
    uint64_t seed;         /* 42: a run is fully determined by its data and this seed */
    unsigned threads;      /* 0 = all online cores */
    size_t exact_max_len;  /* 1 << 24: the exact engine refuses longer transforms (128 MiB of doubles) */
    size_t balanced_max;   /* 1 << 28: balanced resampling refuses n * B beyond this (bytes of its table) */
    int keep_resamples;    /* 0: set to keep each row's draws for sentraj_analysis_draws */
    sentraj_order order;   /* SENTRAJ_ORDER_NATURAL: the rows' order (sentraj_analysis_reorder for a list) */
    /* NULL: every bootstrap runs to its end. Otherwise a long computation
     * can be cut short, e.g. on Ctrl-C: every bootstrap (of an analysis, of
     * positions, of sentraj_boot_mean) calls interrupt(interrupt_ctx)
     * before each piece of its work -- a block of a few dozen resamples of
     * one row, an exact distribution, a wave of rows -- and once it returns
     * nonzero stops, frees what it made and fails with SENTRAJ_EINTERRUPTED
     * ("interrupted"). It is called from the library's worker threads,
     * several at once, so it must be thread-safe and quick: reading a flag
     * that a signal handler sets is the intended use. Reading inputs and
     * writing reports do not call it. A result keeps a copy of the config,
     * pointers included, but never calls it after its compute function has
     * returned. */
    sentraj_interrupt_fn interrupt;
    void *interrupt_ctx;
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[6];
} sentraj_config;

SENTRAJ_API void sentraj_config_init(sentraj_config *cfg);
/* Returns SENTRAJ_OK or SENTRAJ_EUSAGE naming the first bad setting. */
SENTRAJ_API int sentraj_config_check(const sentraj_config *cfg, sentraj_error *err);
SENTRAJ_API const char *sentraj_engine_name(sentraj_engine e);
SENTRAJ_API const char *sentraj_method_name(sentraj_method m);
SENTRAJ_API const char *sentraj_alternative_name(sentraj_alternative a);
SENTRAJ_API const char *sentraj_sim_name(sentraj_sim s);
SENTRAJ_API const char *sentraj_order_name(sentraj_order o);
/* Parse a name as printed by the _name functions; returns SENTRAJ_OK or SENTRAJ_EUSAGE. */
SENTRAJ_API int sentraj_engine_parse(const char *s, sentraj_engine *out, sentraj_error *err);
SENTRAJ_API int sentraj_method_parse(const char *s, sentraj_method *out, sentraj_error *err);
SENTRAJ_API int sentraj_alternative_parse(const char *s, sentraj_alternative *out, sentraj_error *err);
SENTRAJ_API int sentraj_sim_parse(const char *s, sentraj_sim *out, sentraj_error *err);
SENTRAJ_API int sentraj_order_parse(const char *s, sentraj_order *out, sentraj_error *err);

/* ------------------------------------------------------------------------ */
/* Data sets: labelled messages in, kept conversations with their deltas out */
/* ------------------------------------------------------------------------ */

/* A data set accumulates message rows from one or more inputs, assembles
 * them into conversations, and after sentraj_dataset_finish holds one
 * trajectory per conversation. Not thread-safe while reading; immutable and
 * shareable between threads after finish. */
typedef struct sentraj_dataset sentraj_dataset;

/* What was read and what was done with it. Every row and conversation read is
 * accounted for in exactly one of the buckets below. */
typedef struct sentraj_counts {
    uint64_t rows;                  /* data rows read (header excluded) */
    uint64_t human_messages;        /* rows with a human role */
    uint64_t assistant_messages;    /* rows with an assistant role (labels ignored) */
    uint64_t ignored_messages;      /* system and tool rows */
    uint64_t conversations;         /* distinct conversation ids */
    uint64_t kept;                  /* conversations with >= min_human human messages */
    uint64_t dropped_short;         /* conversations with fewer human messages */
    uint64_t kept_without_category; /* kept conversations with no category: only in "all" */
    uint64_t categories;            /* distinct category names seen */
    uint64_t categories_unmatched;  /* rows of a categories table whose conversation has no messages */
} sentraj_counts;

/* One kept conversation. Strings are borrowed from the data set and live as
 * long as it does. categories is the canonical list (sorted, ';'-joined). */
typedef struct sentraj_trajectory {
    const char *conversation_id;
    const char *categories;
    uint64_t human_messages;
    double mean_first; /* mean of the first `window` human labels */
    double mean_last;  /* mean of the last `window` human labels */
    double delta;      /* mean_last - mean_first */
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[4];
} sentraj_trajectory;

/* A label scale: the labels of a discrete sentiment scale and their values.
 * The default (used when none is given) is very negative, negative,
 * neutral, positive, very positive = -1, -0.5, 0, 0.5, 1. */
typedef struct sentraj_scale sentraj_scale;

/* Read a scale from "label,value" lines (an optional "label,value" header,
 * blank lines and '#' comments allowed; labels are folded like the data's:
 * case, blanks, '-' and '_' ignored). Numeric sentiments in the data are
 * then accepted within [smallest value, largest value]. Returns NULL with err
 * set (SENTRAJ_EDATA with the line of a bad entry, SENTRAJ_EIO). */
SENTRAJ_API sentraj_scale *sentraj_scale_read(const char *path, sentraj_error *err);
SENTRAJ_API sentraj_scale *sentraj_scale_parse(const char *text, size_t len, const char *name, sentraj_error *err);
SENTRAJ_API void sentraj_scale_free(sentraj_scale *scale);
/* A built-in scale: 3 (negative, neutral, positive = -1, 0, 1), 5 (the
 * default: very negative .. very positive = -1, -0.5, 0, 0.5, 1) or 7 (very
 * negative, negative, somewhat negative, neutral, somewhat positive,
 * positive, very positive, evenly spaced on -1 .. 1). The scale is a
 * constant: sentraj_scale_free may be called on it and does nothing.
 * Returns NULL with SENTRAJ_EUSAGE for any other number of points. */
SENTRAJ_API sentraj_scale *sentraj_scale_builtin(int points, sentraj_error *err);
/* The scale's labels (as written) and their values, in the order defined;
 * sentraj_scale_entry returns SENTRAJ_EUSAGE for i out of range. The label
 * is borrowed from the scale. */
SENTRAJ_API size_t sentraj_scale_size(const sentraj_scale *scale);
SENTRAJ_API int sentraj_scale_entry(const sentraj_scale *scale, size_t i, const char **label, double *value);
/* 3, 5 or 7 for a built-in scale, 0 for one read from a file. */
SENTRAJ_API int sentraj_scale_points(const sentraj_scale *scale);

typedef enum sentraj_input_format {
    SENTRAJ_INPUT_AUTO = 0,  /* by content: '{' first is JSONL, a directory is a ConvoKit corpus, else CSV */
    SENTRAJ_INPUT_CSV = 1,   /* one row per message */
    SENTRAJ_INPUT_JSONL = 2, /* one conversation per line with a "messages" array */
    SENTRAJ_INPUT_CONVOKIT = 3 /* a ConvoKit corpus directory (utterances.jsonl, conversations.json) */
} sentraj_input_format;

/* How inputs are read. Strings are copied by sentraj_dataset_set_input. */
typedef struct sentraj_input_options {
    sentraj_input_format format; /* SENTRAJ_INPUT_AUTO */
    const char *col_id;          /* "conversation_id": CSV column / JSONL key */
    const char *col_index;       /* "message_index" */
    const char *col_role;        /* "role" */
    const char *col_sentiment;   /* "sentiment" */
    const char *col_categories;  /* "categories" */
    const sentraj_scale *scale;  /* NULL: the 5-point scale; borrowed until sentraj_dataset_finish */
    const char *label_key;       /* ConvoKit: utterance meta key holding the label ("sentiment") */
    const char *role_key;        /* ConvoKit: utterance meta key holding the role (NULL: see speaker_roles) */
    const char *speaker_roles;   /* ConvoKit: CSV file speaker,role (NULL: the speaker id is the role) */
    const char *category_key;    /* ConvoKit: conversation meta key holding the categories ("categories") */
    /* NULL: conversations are independent. Otherwise the CSV column or
     * JSONL key (top level of a line) naming each conversation's cluster,
     * e.g. its user: required, non-empty and the same on every row of a
     * conversation. The analysis and sentraj_positions then resample
     * clusters, taking all of a drawn cluster's conversations (the
     * two-level bootstrap of docs/statistics.md). ConvoKit corpora have no
     * such field. */
    const char *col_cluster;
    /* 0: keep only each conversation's first and last window labels (O(1)
     * memory per conversation). 1: keep every row until finish (about 40
     * bytes a row), which sentraj_positions needs. */
    int keep_labels;
    /* ';': the byte that separates the names of a categories field (CSV, a
     * categories table, a JSONL string); a name never contains it. Any
     * byte but NUL, CR, LF, '"', space and tab. Kept conversations' joined
     * category lists (sentraj_trajectory) use it too. */
    char category_sep;
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[8];
} sentraj_input_options;

SENTRAJ_API void sentraj_input_options_init(sentraj_input_options *o);

/* Allocate an empty data set that filters and windows with cfg's min_human
 * and window (copied). Returns NULL with err set on a bad config or no memory. */
SENTRAJ_API sentraj_dataset *sentraj_dataset_alloc(const sentraj_config *cfg, sentraj_error *err);
SENTRAJ_API void sentraj_dataset_free(sentraj_dataset *ds);

/* Progress while reading: called after each block with the name of the
 * input, the bytes consumed so far (compressed bytes for gzip input) and the
 * input's size (0 when unknown, as for pipes). Called on the reading thread. */
typedef void (*sentraj_progress_fn)(void *ctx, const char *input, uint64_t done, uint64_t total);
SENTRAJ_API void sentraj_dataset_set_progress(sentraj_dataset *ds, sentraj_progress_fn fn, void *ctx);

/* Set how inputs are read; only before the first read. Returns SENTRAJ_OK,
 * SENTRAJ_EUSAGE (after a read, an empty column name) or SENTRAJ_ENOMEM. */
SENTRAJ_API int sentraj_dataset_set_input(sentraj_dataset *ds, const sentraj_input_options *o, sentraj_error *err);

/* Read an input in any supported format (the options' format, or detected
 * by content; gzip is decompressed first). Errors as for the CSV reader,
 * with a JSON path where a line and column do not say enough. */
SENTRAJ_API int sentraj_dataset_read(sentraj_dataset *ds, const char *path, sentraj_error *err);

/* Join categories kept in a separate CSV table with the id column and the
 * categories column (names from the input options). A conversation whose
 * messages carry categories must agree with the table; a conversation the
 * table does not list keeps its own (or none: counted in
 * kept_without_category); table rows for conversations without messages are
 * counted in categories_unmatched. Call before finish. */
SENTRAJ_API int sentraj_dataset_read_categories(sentraj_dataset *ds, const char *path, sentraj_error *err);

/* Read a long-format CSV (one row per message; see README for the columns)
 * and add its rows. path "-" reads standard input. The input is streamed in
 * fixed-size blocks; gzip-compressed input is detected by its content.
 * Returns SENTRAJ_OK, SENTRAJ_EDATA with source/line/col of the bad field,
 * SENTRAJ_EIO or SENTRAJ_ENOMEM. After an error the data set must only be
 * freed. */
SENTRAJ_API int sentraj_dataset_read_csv(sentraj_dataset *ds, const char *path, sentraj_error *err);
/* The same from a memory buffer; name is used in error messages. */
SENTRAJ_API int sentraj_dataset_read_csv_buffer(sentraj_dataset *ds, const char *data, size_t len,
                                                const char *name, sentraj_error *err);

/* Finish reading: check what can only be checked once every row is in
 * (duplicate message indexes of scattered rows), compute every conversation's
 * trajectory and apply the min_human filter. Returns SENTRAJ_OK,
 * SENTRAJ_EDATA (e.g. no data rows at all, duplicate message_index) or
 * SENTRAJ_ENOMEM; after an error the data set can only be freed. */
SENTRAJ_API int sentraj_dataset_finish(sentraj_dataset *ds, sentraj_error *err);

SENTRAJ_API const sentraj_counts *sentraj_dataset_counts(const sentraj_dataset *ds);
/* Kept conversations, sorted by conversation_id (bytewise). */
SENTRAJ_API size_t sentraj_dataset_kept(const sentraj_dataset *ds);
SENTRAJ_API void sentraj_dataset_trajectory(const sentraj_dataset *ds, size_t i, sentraj_trajectory *out);
/* With clusters (input option col_cluster): the cluster column's name, and
 * the number of distinct clusters among the kept conversations after
 * finish. Without: NULL and 0. */
SENTRAJ_API const char *sentraj_dataset_cluster_by(const sentraj_dataset *ds);
SENTRAJ_API size_t sentraj_dataset_clusters(const sentraj_dataset *ds);
/* The min_human and window the data set was allocated with. */
SENTRAJ_API size_t sentraj_dataset_min_human(const sentraj_dataset *ds);
SENTRAJ_API size_t sentraj_dataset_window(const sentraj_dataset *ds);
/* Category k (0-based) of kept conversation i, in the canonical (sorted)
 * order of sentraj_trajectory's categories, or NULL past its last category
 * (at once for a conversation without one) and for i out of range. The
 * string is borrowed from the data set. */
SENTRAJ_API const char *sentraj_dataset_trajectory_category(const sentraj_dataset *ds, size_t i, size_t k);
/* When the data set was read with the built-in 5- or 7-point scale but
 * every human label it holds is a label of a smaller built-in scale (only
 * negative, neutral and positive: 3; with very negative and very positive
 * too, under the 7-point scale: 5), that smaller scale's points: the data
 * were probably labelled on it, and reading them with the larger one
 * shrinks every effect. 0 otherwise (another scale, a numeric label off
 * the scale's points, or no human label). */
SENTRAJ_API int sentraj_dataset_smaller_scale(const sentraj_dataset *ds);

/* ------------------------------------------------------------------------ */
/* Samples and the bootstrap                                                 */
/* ------------------------------------------------------------------------ */

/* A sample of deltas (or any values) ready for resampling: sorted into a
 * canonical order, compressed to its distinct values, and, when every value is
 * an integer multiple of `unit`, stored as exact lattice integers. Immutable
 * once built; may be shared by threads. */
typedef struct sentraj_sample sentraj_sample;

/* Build a sample from n values. denom > 0 asks for lattice storage: when
 * every v * denom is within 1e-9 of an integer q with |q| < 2^31, the sample
 * stores the distinct integers q with their counts and computes every sum
 * exactly (values are q/denom). Otherwise, or with denom = 0, it stores
 * doubles. Returns NULL with err set (EUSAGE for NaN or infinite values or
 * denom not an integer in [0, 2^31), ELIMIT for more than 2^32 - 1 values,
 * the engines' limit, ENOMEM). n may be 0. */
SENTRAJ_API sentraj_sample *sentraj_sample_alloc(const double *values, size_t n, double denom,
                                                 sentraj_error *err);
SENTRAJ_API void sentraj_sample_free(sentraj_sample *s);
SENTRAJ_API size_t sentraj_sample_size(const sentraj_sample *s);
SENTRAJ_API size_t sentraj_sample_distinct(const sentraj_sample *s);
SENTRAJ_API int sentraj_sample_is_lattice(const sentraj_sample *s);
SENTRAJ_API double sentraj_sample_mean(const sentraj_sample *s);

typedef enum sentraj_ci_status {
    SENTRAJ_CI_OK = 0,
    SENTRAJ_CI_DEGENERATE = 1, /* every value equal: the interval is that value */
    SENTRAJ_CI_TOO_FEW = 2     /* fewer than 2 values: no interval */
} sentraj_ci_status;

SENTRAJ_API const char *sentraj_ci_status_name(sentraj_ci_status s);

/* The bootstrap of one sample's mean. */
typedef struct sentraj_boot_result {
    double estimate;          /* the sample mean */
    double ci_low, ci_high;   /* NaN when status is TOO_FEW */
    double se;                /* bootstrap standard error: ddof 1 over the B means; the exact
                                 engine's exact value; NaN when TOO_FEW */
    sentraj_ci_status status;
    sentraj_engine engine;    /* the engine that ran (never AUTO) */
    size_t resamples;         /* B actually drawn; 0 for the exact engine */
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[4];
} sentraj_boot_result;

/* Bootstrap the mean of s with cfg's engine, resamples, level, method,
 * alternative, sim, seed and threads. `name` selects the random streams (the
 * category name). When means is not NULL it receives the B resampled means
 * in resample order (needs room for cfg->resamples doubles); it is left
 * untouched for degenerate and too-few samples and by the exact engine.
 * Returns SENTRAJ_OK, SENTRAJ_EUSAGE (bad config; the exact engine on
 * non-lattice values), SENTRAJ_ELIMIT (the exact engine's transform or the
 * balanced table past its limit; samples past 2^32 - 1 values),
 * SENTRAJ_ENOMEM, SENTRAJ_EINTERNAL or SENTRAJ_EINTERRUPTED (cfg->interrupt
 * asked to stop). Thread-safe for distinct outputs. */
SENTRAJ_API int sentraj_boot_mean(const sentraj_sample *s, const char *name, const sentraj_config *cfg,
                                  sentraj_boot_result *out, double *means, sentraj_error *err);

/* The percentile interval's quantile rule: linear interpolation between order
 * statistics of the sorted array x[0..n-1] at probability p (numpy's default,
 * R's type 7, gsl_stats_quantile_from_sorted_data): h = (n-1)p,
 * q = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). */
SENTRAJ_API double sentraj_quantile_sorted(const double *x, size_t n, double p);

/* ------------------------------------------------------------------------ */
/* Analyses: per-category results                                            */
/* ------------------------------------------------------------------------ */

/* One row of `sentraj analyze`. */
typedef struct sentraj_result {
    const char *category; /* borrowed from the analysis; "all" for the last row */
    size_t conversations;
    double mean_first, mean_last, mean_delta; /* NaN when conversations == 0 */
    sentraj_boot_result boot;
    size_t clusters;      /* with clusters (input option col_cluster): the clusters behind the row; else 0 */
} sentraj_result;

typedef struct sentraj_analysis sentraj_analysis;

/* Bootstrap every category of a finished data set, plus the "all" row in which
 * each kept conversation counts once. Rows are in cfg->order (natural by
 * default: "episode 2" before "episode 10"), "all" last. The config is
 * copied. Returns NULL with err set (SENTRAJ_EINTERRUPTED when
 * cfg->interrupt asked to stop).
 * When the data set has clusters (input option col_cluster) the bootstrap
 * is two-level: a resample draws clusters with replacement and takes every
 * kept conversation of each drawn cluster; the estimate is still the mean
 * over conversations, a row with fewer than 2 clusters is too_few, and the
 * exact engine is refused (SENTRAJ_EUSAGE). See docs/statistics.md. */
SENTRAJ_API sentraj_analysis *sentraj_analysis_compute(const sentraj_dataset *ds, const sentraj_config *cfg,
                                              sentraj_error *err);
SENTRAJ_API void sentraj_analysis_free(sentraj_analysis *a);
SENTRAJ_API size_t sentraj_analysis_rows(const sentraj_analysis *a);
SENTRAJ_API const sentraj_result *sentraj_analysis_row(const sentraj_analysis *a, size_t i);
SENTRAJ_API const sentraj_config *sentraj_analysis_config(const sentraj_analysis *a);
/* Put the rows named in names[0 .. n-1] first, in that order, the others
 * after them in their present order, "all" last (listing it changes
 * nothing). Returns SENTRAJ_OK, or SENTRAJ_EUSAGE for a name that is no
 * row (the message lists the rows) or is listed twice, leaving a as it
 * was; SENTRAJ_ENOMEM. */
SENTRAJ_API int sentraj_analysis_reorder(sentraj_analysis *a, const char *const *names, size_t n, sentraj_error *err);
/* The cluster column when the analysis resampled clusters (the data set was
 * read with the input option col_cluster), else NULL. Borrowed. */
SENTRAJ_API const char *sentraj_analysis_cluster_by(const sentraj_analysis *a);
/* What row i's bootstrap drew, when the config had keep_resamples set:
 * Monte Carlo engines give the B resampled means in resample order (*probs
 * set to NULL); the exact engine gives its support points (resampled means,
 * ascending) with their probabilities. Returns the number of values; 0 when
 * nothing was kept (not asked for, or a degenerate or too_few row). The
 * pointers are borrowed from the analysis. */
SENTRAJ_API size_t sentraj_analysis_draws(const sentraj_analysis *a, size_t i, const double **values,
                                          const double **probs);

/* ------------------------------------------------------------------------ */
/* Summaries: small, mergeable per-category counts (docs/scale.md)           */
/* ------------------------------------------------------------------------ */

/* A summary is everything an analysis needs, in a few kilobytes whatever the
 * size of the data: per category and for "all", how many kept conversations
 * have each pair (first_q, last_q) of first-window and last-window label
 * sums, as integers over the label scale's lattice denominator; the options
 * those counts depend on (window, min_human, the label scale and its
 * denominator); and the data set's counts (sentraj_counts). Analysing a
 * summary gives byte-identical results to analysing the data it summarises,
 * for every engine, method and seed: each row's sample (the deltas
 * last_q - first_q, each repeated `count` times, sorted) and its integer
 * window totals are exactly the ones the data set gives.
 *
 * Summaries of disjoint shards of one data set (every conversation wholly in
 * one shard) add up with sentraj_summary_merge to the summary of the whole;
 * merging is associative and commutative, and the file written is canonical
 * (sorted), so the same data gives the same bytes however it was sharded.
 *
 * The file is versioned CSV: a first line "# sentraj-summary v1", then
 * "key,value" lines (options, scale, counts), then the table
 * "category,first_q,last_q,count" sorted by category (bytewise), first_q and
 * last_q. docs/scale.md specifies it; scripts/sql/summary.sql computes the
 * same file in a SQL database.
 *
 * A summary is not thread-safe while being merged into; otherwise it may be
 * read from several threads. */
typedef struct sentraj_summary sentraj_summary;

/* The first line of a summary file, and the version this library reads. */
#define SENTRAJ_SUMMARY_MAGIC "# sentraj-summary v1"
#define SENTRAJ_SUMMARY_VERSION 1

/* Summarise a finished data set. scale must be the scale the data set was
 * read with (NULL for the built-in 5-point scale): the data set keeps no
 * usable pointer to it after finish. Returns NULL with err set:
 * SENTRAJ_EUSAGE when ds is not finished or scale does not match its
 * lattice, SENTRAJ_EDATA when the data is not on the scale's lattice (a
 * numeric sentiment off the grid of 1/denom, or a scale without one: a
 * summary needs exact integer window sums), SENTRAJ_ENOMEM. The summary
 * owns copies of everything (ds may be freed). */
SENTRAJ_API sentraj_summary *sentraj_summary_compute(const sentraj_dataset *ds, const sentraj_scale *scale,
                                                          sentraj_error *err);

/* Read a summary file (plain or gzip; "-" is standard input). Returns NULL
 * with err set: SENTRAJ_EIO, SENTRAJ_ELIMIT (a file over 1 GiB), or
 * SENTRAJ_EDATA with the file and line of what is wrong: not a summary, a
 * version this library does not read, a missing, repeated or unknown field,
 * a malformed number or CSV field, a negative or zero count, a window sum
 * outside the scale's range, a repeated table row, an option out of range,
 * or counts that contradict each other (e.g. a category counting more
 * conversations at some (first_q, last_q) than "all" does). */
SENTRAJ_API sentraj_summary *sentraj_summary_read(const char *path, sentraj_error *err);
/* The same from memory; name is used in error messages. */
SENTRAJ_API sentraj_summary *sentraj_summary_parse(const char *text, size_t len, const char *name,
                                                   sentraj_error *err);

/* 1 when path is a regular file (plain or gzip) whose first line starts with
 * "# sentraj-summary" (any version: reading it then reports the version), 0
 * otherwise, including when it cannot be read (reading it as data reports
 * why). Standard input and pipes are never looked at, so they can still be
 * read as data: they give 0. */
SENTRAJ_API int sentraj_summary_detect(const char *path);

/* Add from's counts into into: the summary of the union of two disjoint
 * shards. Both must have the same window, min_human, denominator and label
 * scale; otherwise SENTRAJ_EDATA naming from's file and line and the value
 * in into. SENTRAJ_ELIMIT when a count would pass 2^64 - 1, SENTRAJ_ENOMEM.
 * On error into is unchanged. */
SENTRAJ_API int sentraj_summary_merge(sentraj_summary *into, const sentraj_summary *from, sentraj_error *err);

/* Check that s can be analysed with cfg's window and min_human and, when
 * scale is not NULL, that it was made with that label scale (NULL: any; the
 * summary's own is used): SENTRAJ_OK, or SENTRAJ_EDATA with s's file and
 * the line of the option that differs. */
SENTRAJ_API int sentraj_summary_check(const sentraj_summary *s, const sentraj_config *cfg,
                                      const sentraj_scale *scale, sentraj_error *err);

/* Write s in the canonical form described above. Returns SENTRAJ_OK or
 * SENTRAJ_EIO (err->source is name). */
SENTRAJ_API int sentraj_summary_write_csv(FILE *f, const char *name, const sentraj_summary *s, sentraj_error *err);

/* The counts of the data summarised (categories: distinct names other than
 * "all"). Borrowed from s. */
SENTRAJ_API const sentraj_counts *sentraj_summary_counts(const sentraj_summary *s);
/* The options the summary was made with. */
SENTRAJ_API size_t sentraj_summary_window(const sentraj_summary *s);
SENTRAJ_API size_t sentraj_summary_min_human(const sentraj_summary *s);

/* Reading a summary's contents: what its file holds, in the file's order,
 * so that a program can write or inspect a summary without parsing it.
 * Strings are borrowed from s: they live until s is freed or merged into
 * (sentraj_summary_merge replaces the category names of `into`). Like the
 * other accessors these may be called from several threads at once. */

/* The label scale's lattice denominator Q, in 1 .. 100000: every label is a
 * multiple of 1/Q, and first_q and last_q are window label sums times Q. */
SENTRAJ_API int64_t sentraj_summary_denominator(const sentraj_summary *s);

/* The label scale the summary was made with: sentraj_summary_scale_size(s)
 * entries, sorted by value, then by label (bytewise). Entry i sets *label
 * (folded: lower case, without blanks, '-' or '_') and *value, and returns
 * SENTRAJ_OK; SENTRAJ_EUSAGE when i is out of range, leaving both as they
 * were. */
SENTRAJ_API size_t sentraj_summary_scale_size(const sentraj_summary *s);
/* The same scale as an object, e.g. for sentraj_run_info: the built-in
 * scale when the summary's entries are one's (with its labels as written),
 * else a new scale of the folded labels. Free it with sentraj_scale_free.
 * NULL with err set on SENTRAJ_ENOMEM. */
SENTRAJ_API sentraj_scale *sentraj_summary_scale(const sentraj_summary *s, sentraj_error *err);
SENTRAJ_API int sentraj_summary_scale_entry(const sentraj_summary *s, size_t i, const char **label,
                                            double *value);

/* The table's category names: every category seen in the data
 * summarised (one without a kept conversation included: it has no cells)
 * and "all", sorted bytewise, so "all" is in its sorted place, not last.
 * There are sentraj_summary_counts(s)->categories + 1 of them.
 * sentraj_summary_category returns name i, or NULL when i is out of range. */
SENTRAJ_API size_t sentraj_summary_categories(const sentraj_summary *s);
SENTRAJ_API const char *sentraj_summary_category(const sentraj_summary *s, size_t i);

/* One row of the table: `count` (at least 1) kept conversations of
 * `category` ("all": of any category or none) have first-window and
 * last-window label sums first_q / Q and last_q / Q. */
typedef struct sentraj_summary_cell {
    const char *category; /* borrowed: the pointer sentraj_summary_category gives for this name */
    int64_t first_q, last_q;
    uint64_t count;
} sentraj_summary_cell;

/* The cells: sentraj_summary_cells(s) of them, sorted by category
 * (bytewise, the order of sentraj_summary_category), then first_q and
 * last_q; each (category, first_q, last_q) appears once. Cell i fills *out
 * and returns SENTRAJ_OK; SENTRAJ_EUSAGE when i is out of range, leaving
 * *out as it was. */
SENTRAJ_API size_t sentraj_summary_cells(const sentraj_summary *s);
SENTRAJ_API int sentraj_summary_cell_get(const sentraj_summary *s, size_t i, sentraj_summary_cell *out);

/* Bootstrap every category of a summary, plus "all": the same rows, in the
 * same order, with the same bytes as sentraj_analysis_compute on the data set it
 * summarises with the same cfg. cfg's window and min_human must be the
 * summary's (SENTRAJ_EDATA naming the line otherwise; the label scale is
 * not needed to analyse and is checked by sentraj_summary_check). Other
 * errors as for sentraj_analysis_compute, plus SENTRAJ_ELIMIT when a category's
 * conversations pass 2^32 - 1 or its window totals pass 64 bits. Memory is
 * that of the expanded samples, as for sentraj_analysis_compute: 20 to 30 bytes per
 * (kept conversation, row it counts in) pair. */
SENTRAJ_API sentraj_analysis *sentraj_analysis_compute_summary(const sentraj_summary *s, const sentraj_config *cfg,
                                                      sentraj_error *err);

/* NULL is a no-op. */
SENTRAJ_API void sentraj_summary_free(sentraj_summary *s);

/* ------------------------------------------------------------------------ */
/* Reports                                                                   */
/* ------------------------------------------------------------------------ */

/* The analyze CSV (header + one row per category + "all"), RFC 4180, LF line
 * ends, numbers in the shortest form that reads back to the same double.
 * Returns SENTRAJ_OK or SENTRAJ_EIO (err->source is `name`). */
SENTRAJ_API int sentraj_analysis_write_csv(FILE *f, const char *name, const sentraj_analysis *a,
                                         sentraj_error *err);
/* The same numbers as an aligned text table for terminals. */
SENTRAJ_API int sentraj_analysis_write_table(FILE *f, const char *name, const sentraj_analysis *a,
                                           sentraj_error *err);
/* One row per kept conversation: conversation_id, categories, human_messages,
 * mean_first, mean_last, delta. */
SENTRAJ_API int sentraj_deltas_write_csv(FILE *f, const char *name, const sentraj_dataset *ds,
                                                sentraj_error *err);
SENTRAJ_API int sentraj_deltas_write_table(FILE *f, const char *name, const sentraj_dataset *ds,
                                                  sentraj_error *err);

/* The kept draws of every row as CSV: "category,resample,mean" for Monte
 * Carlo engines (one line per resample), "category,mean,probability" for the
 * exact engine. Needs keep_resamples. A degenerate row's distribution is a
 * point mass (B equal lines, or one line with probability 1); a too_few row
 * has no lines. */
SENTRAJ_API int sentraj_analysis_write_resamples_csv(FILE *f, const char *name, const sentraj_analysis *a,
                                                   sentraj_error *err);

/* What produced a report, for the self-describing JSON output. */
typedef struct sentraj_run_info {
    const char *command;          /* "analyze", "deltas", ... */
    const char *const *inputs;    /* input names as given */
    size_t ninputs;
    const sentraj_counts *counts; /* NULL: left out */
    const char *scale;            /* the label scale file, NULL for the built-in 5-point scale */
    const char *categories;       /* the categories table, or NULL */
    const sentraj_scale *label_scale; /* NULL: left out; else its labels and values are shown */
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[3];
} sentraj_run_info;

/* Clear info: every field NULL or 0. */
SENTRAJ_API void sentraj_run_info_init(sentraj_run_info *info);

/* The analyze results as one JSON object with stable key order: version,
 * command, inputs, options (with cluster_by), counts, and one entry per row
 * with the CSV's columns plus "clusters" (null without clusters). Numbers are shortest round-trip; a missing value (NaN) or the open
 * end of a one-sided interval (an infinity) is null. Strings are escaped and
 * invalid UTF-8 bytes become U+FFFD, so the output is always valid JSON. */
SENTRAJ_API int sentraj_analysis_write_json(FILE *f, const char *name, const sentraj_analysis *a,
                                          const sentraj_run_info *info, sentraj_error *err);
/* The deltas as JSON: the same header, then "conversations": one object per
 * kept conversation (categories as an array). */
SENTRAJ_API int sentraj_deltas_write_json(FILE *f, const char *name, const sentraj_dataset *ds,
                                                 const sentraj_run_info *info, sentraj_error *err);

/* Format a double in the shortest "%.*g" form that strtod reads back to the
 * same value (NaN as "nan", infinities as "inf"/"-inf"). buf needs 32 bytes. */
SENTRAJ_API char *sentraj_format_double(double x, char *buf, size_t n);

/* ------------------------------------------------------------------------ */
/* The figure                                                                */
/* ------------------------------------------------------------------------ */

/* A display name for one category in the figure. */
typedef struct sentraj_figure_label {
    const char *category; /* a category of the analysis, or "all" */
    const char *text;     /* what the figure shows under its bar instead of the name */
} sentraj_figure_label;

/* Sizes are in points (1/72 inch): the SVG and PDF are width x height
 * points, the PNG is round(width * dpi / 72) x round(height * dpi / 72)
 * pixels and records dpi in its pHYs chunk. At the default 72 dpi one point
 * is one pixel, so the default PNG is 900 x 560 pixels. Every format shows
 * the same drawing: a PNG at a higher dpi is the same figure, sharper. */
typedef struct sentraj_figure_options {
    const char *title; /* NULL: a default title naming the window and level */
    int width;         /* 900 points, in [100, 8192] */
    int height;        /* 560 points, in [100, 8192] */
    int dpi;           /* 72: PNG pixels per inch, in [10, 2400]; the PNG may
                          not exceed 8192 pixels on a side */
    /* The bars, left to right: NULL (norder 0) draws every category in the
     * analysis order (by name), "all" only when it is the only row; otherwise
     * exactly the norder categories named, in that order ("all" may be one
     * of them), and no others. Every name must be a row of the analysis and
     * appear once. */
    const char *const *order;
    size_t norder;
    /* Display names (nlabels of them; NULL for none): each category must be a
     * row of the analysis and appear once; text must not be empty. A labelled
     * category that is not drawn is allowed. Names without a label are shown
     * as they are. */
    const sentraj_figure_label *labels;
    size_t nlabels;
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[8];
} sentraj_figure_options;

/* Defaults: no title, 900 x 560 points, 72 dpi, every category, no labels. */
SENTRAJ_API void sentraj_figure_options_init(sentraj_figure_options *o);
/* Check o against the analysis a without drawing: sizes and dpi in range,
 * order and labels without empty or repeated names, and (when a is not NULL)
 * every name in order and labels a row of a; the message names every unknown
 * category and lists the known ones. a may be NULL to check only what does
 * not depend on the data. Returns SENTRAJ_OK or SENTRAJ_EUSAGE. */
SENTRAJ_API int sentraj_analysis_check_figure(const sentraj_analysis *a, const sentraj_figure_options *o,
                                     sentraj_error *err);
/* Draw the figure (one bar per category at its mean change, its interval as
 * a whisker with caps, the zero line, the category and n under each bar) and
 * write it to f as PNG, SVG or PDF; o may be NULL for the defaults. The three
 * come from one cairo drawing. Output is byte-identical for identical input
 * (the PDF carries no creation date). Returns SENTRAJ_OK, SENTRAJ_EUSAGE (see
 * sentraj_analysis_check_figure), SENTRAJ_EIO (err->source is name), SENTRAJ_ENOMEM or
 * SENTRAJ_EINTERNAL (cairo failed). */
SENTRAJ_API int sentraj_analysis_write_png(FILE *f, const char *name, const sentraj_analysis *a,
                                         const sentraj_figure_options *o, sentraj_error *err);
SENTRAJ_API int sentraj_analysis_write_svg(FILE *f, const char *name, const sentraj_analysis *a,
                                         const sentraj_figure_options *o, sentraj_error *err);
SENTRAJ_API int sentraj_analysis_write_pdf(FILE *f, const char *name, const sentraj_analysis *a,
                                         const sentraj_figure_options *o, sentraj_error *err);

/* ------------------------------------------------------------------------ */
/* Sentiment by position in the conversation                                 */
/* ------------------------------------------------------------------------ */

/* Per category (and "all"), the mean human label at each position of the
 * conversations -- the 1st, 2nd, ... human message, or the first, second,
 * ... of K equal fractions of each conversation -- with a bootstrap interval
 * that resamples whole conversations (with clusters: whole clusters), so
 * the positions of one conversation move together. The mean at a position
 * is over the conversations that reach it: a ratio of two resampled sums,
 * bootstrapped like --cluster-by (docs/statistics.md). */
typedef struct sentraj_positions_options {
    size_t max_position;   /* 10: positions 1 .. max_position, in [1, 10000] */
    size_t bins;           /* 0: by position. K in [1, 1000]: K equal fractions instead; human message
                              i (0-based) of h falls in bin floor(i K / h) + 1, and a conversation's
                              value in a bin is the mean of its labels there (a conversation shorter
                              than K has empty bins, where it does not count) */
    int all_conversations; /* 0: only the conversations the analysis keeps (>= min_human human
                              messages); 1: every conversation with a human message */
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[4];
} sentraj_positions_options;

SENTRAJ_API void sentraj_positions_options_init(sentraj_positions_options *o);

/* One category at one position. */
typedef struct sentraj_position_row {
    const char *category;   /* borrowed from the result; "all" for the last category */
    size_t position;        /* 1-based position, or bin */
    size_t conversations;   /* conversations with a label at this position (in this bin) */
    size_t clusters;        /* with clusters: the clusters among them; else 0 */
    double mean;            /* their mean label; NaN when conversations == 0 */
    double ci_low, ci_high; /* NaN when status is too_few */
    double se;              /* bootstrap standard error (B - 1); 0 when degenerate, NaN when too_few */
    sentraj_ci_status status; /* too_few: fewer than 2 conversations (clusters) at this position */
    size_t empty;           /* resamples without any conversation at this position, left out of the
                               interval (rare: only with very few conversations here) */
    sentraj_engine engine;  /* the engine that ran (never auto) */
} sentraj_position_row;

typedef struct sentraj_positions sentraj_positions;

/* Compute the positions of a finished data set read with keep_labels set.
 * cfg gives min_human (the filter), resamples, level, method (any), engine
 * (auto, index or multinomial; exact is refused: SENTRAJ_EUSAGE), sim,
 * alternative, seed and threads; the config and options are copied.
 * Resample b of a category draws from the stream of its name, as in
 * sentraj_analysis_compute, so the output is fully determined by data and seed.
 * Returns NULL with err set: SENTRAJ_EUSAGE (a data set without
 * keep_labels or not finished, options out of range, the exact engine),
 * SENTRAJ_ELIMIT (the resampled sums would pass 1 GiB), SENTRAJ_ENOMEM or
 * SENTRAJ_EINTERRUPTED (cfg->interrupt asked to stop). */
SENTRAJ_API sentraj_positions *sentraj_positions_compute(const sentraj_dataset *ds, const sentraj_config *cfg,
                                                         const sentraj_positions_options *po, sentraj_error *err);
SENTRAJ_API void sentraj_positions_free(sentraj_positions *p);
/* Rows: categories in cfg->order (by value: the mean of a category's
 * position means), "all" last, each with every position 1 ..
 * sentraj_positions_count in order. */
SENTRAJ_API size_t sentraj_positions_rows(const sentraj_positions *p);
/* As sentraj_analysis_reorder, for the categories of positions. */
SENTRAJ_API int sentraj_positions_reorder(sentraj_positions *p, const char *const *names, size_t n,
                                          sentraj_error *err);
SENTRAJ_API const sentraj_position_row *sentraj_positions_row(const sentraj_positions *p, size_t i);
/* Positions (or bins) per category. */
SENTRAJ_API size_t sentraj_positions_count(const sentraj_positions *p);
/* Conversations used: those the filter keeps, or with all_conversations
 * every conversation with a human message. */
SENTRAJ_API size_t sentraj_positions_conversations(const sentraj_positions *p);
SENTRAJ_API const sentraj_config *sentraj_positions_config(const sentraj_positions *p);
SENTRAJ_API const sentraj_positions_options *sentraj_positions_options_get(const sentraj_positions *p);
/* The cluster column when clusters were resampled, else NULL. */
SENTRAJ_API const char *sentraj_positions_cluster_by(const sentraj_positions *p);

/* CSV: category,position,conversations,mean,ci_low,ci_high, one line per
 * row; numbers shortest round-trip, missing values empty. */
SENTRAJ_API int sentraj_positions_write_csv(FILE *f, const char *name, const sentraj_positions *p,
                                            sentraj_error *err);
/* An aligned text table with se and status too. */
SENTRAJ_API int sentraj_positions_write_table(FILE *f, const char *name, const sentraj_positions *p,
                                              sentraj_error *err);
/* JSON: version, command, inputs, options, counts, then "results" with one
 * object per row (the CSV's fields and clusters, se, status, engine,
 * empty_resamples); missing values and infinite ends null. */
SENTRAJ_API int sentraj_positions_write_json(FILE *f, const char *name, const sentraj_positions *p,
                                             const sentraj_run_info *info, sentraj_error *err);

/* The figure: one line per category (mean at each position, a dot where
 * there is one) over a shaded band of its interval, "all" dashed, with a
 * legend. Options as for sentraj_analysis_write_png: title, size, dpi; order
 * names the lines (categories or "all") in legend order, labels their
 * display names; by default every category and "all". Checks and errors as
 * for the bar figure (sentraj_positions_check_figure); only two-sided
 * intervals can be drawn (SENTRAJ_EUSAGE otherwise). */
SENTRAJ_API int sentraj_positions_check_figure(const sentraj_positions *p, const sentraj_figure_options *o,
                                               sentraj_error *err);
SENTRAJ_API int sentraj_positions_write_png(FILE *f, const char *name, const sentraj_positions *p,
                                                   const sentraj_figure_options *o, sentraj_error *err);
SENTRAJ_API int sentraj_positions_write_svg(FILE *f, const char *name, const sentraj_positions *p,
                                                   const sentraj_figure_options *o, sentraj_error *err);
SENTRAJ_API int sentraj_positions_write_pdf(FILE *f, const char *name, const sentraj_positions *p,
                                                   const sentraj_figure_options *o, sentraj_error *err);

/* ------------------------------------------------------------------------ */
/* Simulation                                                                */
/* ------------------------------------------------------------------------ */

/* Synthetic conversations with a known per-category drift; see
 * docs/simulate.md for the model. */
typedef struct sentraj_simulate_options {
    uint64_t conversations; /* 3000 */
    uint64_t seed;          /* 1 */
    double multi_category;  /* 0.15: share of conversations with two categories */
    double short_share;     /* target share of conversations with fewer than 6 human messages; 0.55 */
    uint64_t users;         /* 0: no users. N: every conversation belongs to one of N users (few heavy,
                               many light) and the CSV gets a user_id column */
    double user_effect;     /* 0: standard deviation of each user's shift of the drift, in [0, 0.2];
                               needs users */
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[4];
} sentraj_simulate_options;

SENTRAJ_API void sentraj_simulate_options_init(sentraj_simulate_options *c);
/* Write the conversations as input-format CSV to f; when truth is not NULL
 * also write category,conversations,true_mean_delta for conversations with at
 * least cfg_filter->min_human human messages, with the expected delta
 * computed exactly from the generating probabilities (given each
 * conversation's length, mood, categories and user). With users the truth
 * has a fourth column, population_mean_delta: the expected delta of a kept
 * conversation of the category with everything random averaged out (see
 * sentraj_simulate_population_delta). */
SENTRAJ_API int sentraj_simulate_write_csv(FILE *f, const char *name, FILE *truth, const char *truth_name,
                                           const sentraj_simulate_options *sim, const sentraj_config *cfg_filter,
                                           sentraj_error *err);
/* The population value a bootstrap interval from simulated data should
 * cover: the expected delta of a conversation that carries `category` (NULL
 * or "all": any conversation) and has at least min_human human messages,
 * over the model's categories, lengths, moods and user effects, computed
 * exactly from the model (docs/simulate.md). NaN for an unknown category or
 * min_human < 2 window. Exact while no expected label reaches the scale's
 * ends, which the model guarantees for user_effect <= 0.2. */
SENTRAJ_API double sentraj_simulate_population_delta(const sentraj_simulate_options *sim, const char *category,
                                                size_t min_human, size_t window);

/* ------------------------------------------------------------------------ */
/* Output files that appear whole or not at all                              */
/* ------------------------------------------------------------------------ */

/* An output file is written to a temporary name in the same directory and
 * renamed into place by commit; abort removes the temporary file, so a
 * failed run never leaves a partial file behind and never truncates an
 * existing one. An existing file keeps its permissions; through a symbolic
 * link the file it names is replaced (the link stays). Devices and FIFOs
 * (e.g. /dev/null) cannot be replaced and are written directly, as is
 * standard output for path "-". A directory is an error. */
typedef struct sentraj_outfile sentraj_outfile;

SENTRAJ_API sentraj_outfile *sentraj_outfile_open(const char *path, sentraj_error *err);
SENTRAJ_API FILE *sentraj_outfile_stream(sentraj_outfile *o);
SENTRAJ_API const char *sentraj_outfile_name(const sentraj_outfile *o);
/* Flush, close and rename into place; frees o. Returns SENTRAJ_OK or SENTRAJ_EIO. */
SENTRAJ_API int sentraj_outfile_commit(sentraj_outfile *o, sentraj_error *err);
/* Close and remove the temporary file; frees o. NULL is a no-op. */
SENTRAJ_API void sentraj_outfile_abort(sentraj_outfile *o);
/* The temporary path of o, for a signal handler that must unlink it. */
SENTRAJ_API const char *sentraj_outfile_temp_path(const sentraj_outfile *o);

#ifdef __cplusplus
}
#endif

#endif
