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

/* The one rule for showing text that came from input (ids, category names,
 * file names, parsers' messages) on a terminal or in a message, so that it
 * can neither move the cursor, clear the screen, retitle the window nor
 * reorder what is shown around it. Valid UTF-8 is copied as it is, except:
 *   - newline, carriage return and tab become \n, \r and \t;
 *   - the other C0 controls (U+0000-U+001F) and DEL become \xNN;
 *   - the C1 controls (U+0080-U+009F, such as U+009B, a one-character
 *     escape sequence), the line and paragraph separators (U+2028, U+2029)
 *     and the bidirectional controls (U+061C, U+200E, U+200F,
 *     U+202A-U+202E, U+2066-U+2069) become \uNNNN;
 *   - every byte that is not part of valid UTF-8 (a stray continuation
 *     byte, an overlong form, a surrogate, a cut sequence) becomes \xNN.
 * A backslash stays a backslash. Escapes the n bytes at s (which may hold
 * NUL bytes) into out of size cap, always NUL-terminated when cap > 0, never
 * cutting an escape; returns the length the whole escaped text needs, as
 * snprintf does (out may be NULL when cap is 0). Every error message the
 * library raises, its source name included, and every table it writes has
 * gone through this rule. */
SENTRAJ_API size_t sentraj_escape(char *out, size_t cap, const char *s, size_t n);

/* Make a threaded OpenBLAS single-threaded and stop its idle worker
 * threads, which otherwise spin for a while after start-up and compete with
 * sentraj's own threads (sentraj only ever calls BLAS from its pool, one
 * thread each). Does nothing with the serial OpenBLAS the build links where
 * it is installed (no worker thread is ever started then). For programs that
 * do not use OpenBLAS's threads themselves; the CLI calls it first thing. */
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

/* What a row estimates from its conversations' deltas (docs/statistics.md).
 * The mean is the published statistic; the others answer other questions
 * about the same deltas: the typical change (median), a mean that a few
 * extreme conversations cannot move (trimmed), and how many conversations
 * got better, worse or stayed the same (the shares, a direct measure of
 * negative spirals). */
typedef enum sentraj_statistic {
    SENTRAJ_STAT_MEAN = 0,       /* "mean" */
    SENTRAJ_STAT_MEDIAN = 1,     /* "median": the middle delta, the mean of the two middle ones for even n */
    SENTRAJ_STAT_TRIMMED = 2,    /* "trimmed:F": the mean without the floor(F n) smallest and largest deltas */
    SENTRAJ_STAT_SHARE_UP = 3,   /* "share-up": the share of conversations whose delta is > 0 */
    SENTRAJ_STAT_SHARE_DOWN = 4, /* "share-down": delta < 0 */
    SENTRAJ_STAT_SHARE_SAME = 5  /* "share-same": delta == 0 */
} sentraj_statistic;

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
    sentraj_statistic statistic; /* SENTRAJ_STAT_MEAN: what the analyses estimate (analysis, compare,
                                    sensitivity); positions always average labels */
    unsigned small;        /* 30: a row with an interval from fewer conversations (or, with clusters,
                              clusters) than this has status small; 0: never */
    double trim;           /* 0.1: the share cut from each end by SENTRAJ_STAT_TRIMMED, in [0, 0.5) */
    /* NULL: every bootstrap runs to its end. Otherwise a long computation
     * can be cut short, e.g. on Ctrl-C: every bootstrap (of an analysis, of
     * positions, compare, transitions and sensitivity, of sentraj_boot_mean,
     * and the permutation tests of sentraj_test_compute) calls interrupt(interrupt_ctx)
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
    uint64_t reserved[4];
} sentraj_config;

SENTRAJ_API void sentraj_config_init(sentraj_config *cfg);
/* Returns SENTRAJ_OK or SENTRAJ_EUSAGE naming the first bad setting. Besides
 * each setting's range it checks what the statistic needs: the studentized
 * method needs the mean (a standard error for every resample), and the
 * exact engine does the mean and the shares only (the message names the
 * engines that can). */
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
/* A statistic as the --statistic option writes it: mean, median,
 * trimmed:F (F in [0, 0.5), e.g. trimmed:0.1), share-up, share-down or
 * share-same. *trim gets F for trimmed and is left alone otherwise.
 * Returns SENTRAJ_OK or SENTRAJ_EUSAGE. */
SENTRAJ_API int sentraj_statistic_parse(const char *s, sentraj_statistic *out, double *trim, sentraj_error *err);
/* The statistic's name without its parameter ("trimmed"). */
SENTRAJ_API const char *sentraj_statistic_name(sentraj_statistic s);
/* The config's statistic as the reports write it, with its trim for a
 * trimmed mean ("trimmed:0.1", the shortest form that reads back), into buf
 * of size n (40 bytes suffice). Returns buf. */
SENTRAJ_API char *sentraj_statistic_format(const sentraj_config *cfg, char *buf, size_t n);

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
/* Where a conversation id holds (sentraj_input_options.id_scope). */
enum { SENTRAJ_ID_SCOPE_GLOBAL = 0, SENTRAJ_ID_SCOPE_FILE = 1 };

typedef struct sentraj_input_options {
    sentraj_input_format format; /* SENTRAJ_INPUT_AUTO */
    /* "conversation_id": CSV column / JSONL key; "A,B,C" forms the key from
     * several columns or keys, joined with '|' (a '|' or '\' inside a part is
     * escaped with '\', so distinct keys never collide). */
    const char *col_id;
    const char *col_index;       /* "message_index" */
    const char *col_role;        /* "role" */
    const char *col_sentiment;   /* "sentiment" */
    const char *col_categories;  /* "categories" */
    const sentraj_scale *scale;  /* NULL: the 5-point scale; borrowed until sentraj_dataset_finish */
    const char *label_key;       /* ConvoKit: utterance meta key holding the label ("sentiment") */
    const char *role_key;        /* ConvoKit: utterance meta key holding the role (NULL: see speaker_roles) */
    /* NULL: the role field holds role names (human, user, assistant, ...).
     * Otherwise a role map file of "value,role" lines (role human,
     * assistant or ignore; "*,ROLE" for every value not listed) that maps
     * the role field's values, e.g. speaker names, for CSV, JSONL and
     * ConvoKit alike (the CLI's --role-map, alias --speaker-roles). */
    const char *speaker_roles;
    const char *category_key;    /* ConvoKit: conversation meta key holding the categories ("categories") */
    /* NULL: conversations are independent. Otherwise the CSV column or
     * JSONL key (top level of a line) naming each conversation's cluster,
     * e.g. its user: required, non-empty and the same on every row of a
     * conversation. The analysis and sentraj_positions then resample
     * clusters, taking all of a drawn cluster's conversations (a one-stage
     * cluster bootstrap, docs/statistics.md). ConvoKit corpora have no
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
    /* NULL or "utf-8": the input is UTF-8, and text kept from it (ids,
     * categories, clusters, role values) must be valid UTF-8. Otherwise an
     * iconv encoding name (e.g. "latin1") the input is converted from. */
    const char *encoding;
    /* 0: each row's role comes from the role field. 1: every row is a human
     * message, and no role field is needed. */
    int all_human;
    /* SENTRAJ_ID_SCOPE_GLOBAL: a conversation id names the same
     * conversation in every input. SENTRAJ_ID_SCOPE_FILE: each input's ids
     * are its own; the data set keys them "FILE:ID" (FILE as given to the
     * read call), which is what every output shows. */
    int id_scope;
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[6];
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
    SENTRAJ_CI_TOO_FEW = 2,    /* fewer than 2 values: no interval */
    SENTRAJ_CI_SMALL = 3,      /* rows of analyses: an interval from fewer than the config's `small`
                                  conversations (clusters), whose coverage falls short of its level */
    SENTRAJ_CI_REFUSED = 4     /* rows of analyses: the row is over an engine's limit; no interval, and
                                  the row's note says why (the other rows are computed) */
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

/* One row of `sentraj analyze`. Rows are only read through the pointer
 * sentraj_analysis_row gives, so fields may be added at the end. */
typedef struct sentraj_result {
    const char *category; /* borrowed from the analysis; "all" for the last row */
    size_t conversations;
    double mean_first, mean_last; /* NaN when conversations == 0 */
    double mean_delta;    /* the config's statistic of the deltas (the mean by default); NaN when
                             conversations == 0 */
    sentraj_boot_result boot;
    size_t clusters;      /* with clusters (input option col_cluster): the clusters behind the row; else 0 */
    uint64_t dropped;     /* conversations of the category (of any category for "all") dropped by
                             min_human; UINT64_MAX when unknown (an analysis of a summary) */
    double largest_cluster_share; /* with clusters: the largest cluster's share of the row's
                                     conversations; else NaN */
    double design_effect; /* with clusters: the variance of the row's mean under cluster sampling over
                             its variance under independent sampling of conversations, both from the
                             data in closed form (docs/statistics.md); for the shares, of the share;
                             NaN without clusters or when the deltas do not vary */
    const char *note;     /* status refused: why, one sentence; else NULL. Borrowed from the analysis */
} sentraj_result;

typedef struct sentraj_analysis sentraj_analysis;

/* Bootstrap every category of a finished data set, plus the "all" row in which
 * each kept conversation counts once. Rows are in cfg->order (natural by
 * default: "episode 2" before "episode 10"), "all" last. The config is
 * copied; its statistic is what each row's mean_delta and interval are of.
 * Returns NULL with err set (SENTRAJ_EINTERRUPTED when cfg->interrupt asked
 * to stop).
 * When the data set has clusters (input option col_cluster) the bootstrap
 * is a one-stage cluster bootstrap: a resample draws clusters with
 * replacement and takes every kept conversation of each drawn cluster; the
 * estimate is still the statistic over conversations, a row with fewer
 * than 2 clusters is too_few, and the exact engine is refused
 * (SENTRAJ_EUSAGE). A row over an engine's limit (the exact engine's
 * transform, the balanced table, BCa's jackknife) gets status refused with
 * a note instead of failing the analysis. Rows with an interval from fewer
 * than cfg->small conversations (or clusters) get status small. See
 * docs/statistics.md. */
SENTRAJ_API sentraj_analysis *sentraj_analysis_compute(const sentraj_dataset *ds, const sentraj_config *cfg,
                                              sentraj_error *err);
/* The same with rows CATEGORY|START: for every category (in the order of
 * sentraj_analysis_compute, "all" last) and every level of the label scale
 * (ascending), the conversations of the category whose first window's mean
 * is nearest that level's label (a tie goes to the label nearer the
 * middle of the scale's range; docs/statistics.md), each row bootstrapped
 * like a category with the stream of its name. START is the label as the
 * scale writes it (the first label of a value). scale is the scale the
 * data set was read with (NULL: the built-in 5-point scale); a scale with
 * another lattice is SENTRAJ_EUSAGE. The rows' dropped counts are unknown
 * (UINT64_MAX). Errors otherwise as for sentraj_analysis_compute. */
SENTRAJ_API sentraj_analysis *sentraj_analysis_compute_by_start(const sentraj_dataset *ds, const sentraj_scale *scale,
                                                                const sentraj_config *cfg, sentraj_error *err);
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
 * Monte Carlo engines give the B resampled statistics (means by default) in
 * resample order (*probs set to NULL); the exact engine gives its support
 * points (resampled statistics, ascending) with their probabilities.
 * Returns the number of values; 0 when nothing was kept (not asked for, or
 * a degenerate, too_few or refused row). The pointers are borrowed from the
 * analysis. */
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
/* The same, telling running out of memory apart: sets *is_summary to 1 or 0
 * and returns SENTRAJ_OK, or returns SENTRAJ_ENOMEM (*is_summary 0) when
 * memory ran out while looking (a file that cannot be read is still 0 and
 * SENTRAJ_OK). */
SENTRAJ_API int sentraj_summary_sniff(const char *path, int *is_summary, sentraj_error *err);

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

/* Which way the bars of the bar figure run. */
typedef enum sentraj_orientation {
    SENTRAJ_ORIENTATION_AUTO = 0,      /* vertical, unless the category names would not fit under the bars */
    SENTRAJ_ORIENTATION_VERTICAL = 1,  /* up and down from zero, names under the bars (slanted when crowded) */
    SENTRAJ_ORIENTATION_HORIZONTAL = 2 /* left and right from zero, names on the left, first row on top */
} sentraj_orientation;

SENTRAJ_API const char *sentraj_orientation_name(sentraj_orientation o);
/* Parse "auto", "vertical" or "horizontal"; returns SENTRAJ_OK or SENTRAJ_EUSAGE. */
SENTRAJ_API int sentraj_orientation_parse(const char *s, sentraj_orientation *out, sentraj_error *err);

/* Sizes are in points (1/72 inch): the SVG and PDF are width x height
 * points, the PNG is round(width * dpi / 72) x round(height * dpi / 72)
 * pixels and records dpi in its pHYs chunk. At the default 144 dpi a point
 * is two pixels, so the default PNG is 1800 x 1120 pixels. Every format
 * shows the same drawing: a PNG at a higher dpi is the same figure, sharper. */
typedef struct sentraj_figure_options {
    const char *title; /* NULL: a default title naming the filter */
    int width;         /* 900 points, in [100, 8192] */
    int height;        /* 560 points, in [100, 8192] */
    int dpi;           /* 144: PNG pixels per inch, in [10, 2400]; the PNG may
                          not exceed 8192 pixels on a side */
    /* The bars, left to right (top to bottom when horizontal): NULL
     * (norder 0) draws every category in the analysis order, then "all"
     * (unless no_all); otherwise exactly the norder categories named, in
     * that order ("all" may be one of them), and no others. Every name must
     * be a row of the analysis and appear once. */
    const char *const *order;
    size_t norder;
    /* Display names (nlabels of them; NULL for none): each category must be a
     * row of the analysis and appear once; text must not be empty. A labelled
     * category that is not drawn is allowed. Names without a label are shown
     * as they are. */
    const sentraj_figure_label *labels;
    size_t nlabels;
    /* The texts around the plot: NULL gives the default, "" leaves the text
     * out. The subtitle's default names the interval method, level,
     * resamples (or the exact bootstrap) and the engines that ran. xlabel
     * titles the horizontal axis and ylabel the vertical one, whichever of
     * them carries the values (horizontal bars put the values along x). */
    const char *subtitle;
    const char *xlabel;
    const char *ylabel;
    sentraj_orientation orientation; /* SENTRAJ_ORIENTATION_AUTO; the bar figure only */
    int no_all; /* 0; 1 leaves out the default "all" bar (positions: line); an order may not name "all" then */
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[4];
} sentraj_figure_options;

/* Defaults: no title, subtitle or axis titles of one's own, 900 x 560
 * points, 144 dpi, every category and "all", no labels, orientation auto. */
SENTRAJ_API void sentraj_figure_options_init(sentraj_figure_options *o);
/* Check o against the analysis a without drawing: sizes and dpi in range,
 * a known orientation, order and labels without empty or repeated names,
 * no "all" in the order with no_all, and (when a is not NULL) every name in
 * order and labels a row of a (the message names every unknown category and
 * lists the known ones) and at least one bar to draw (no_all on data
 * without categories leaves none). a may be NULL to check only what does
 * not depend on the data. Returns SENTRAJ_OK or SENTRAJ_EUSAGE. */
SENTRAJ_API int sentraj_analysis_check_figure(const sentraj_analysis *a, const sentraj_figure_options *o,
                                     sentraj_error *err);
/* Draw the figure (one bar per category at its mean change, its interval as
 * a whisker with caps, the zero line, the category and n beside each bar;
 * "all" in its own colour after a gap; a row without an interval as a point
 * marked "no CI", a zero-width interval a diamond, named in a note under
 * the plot) and write it to f as PNG, SVG or PDF; o may be NULL for the
 * defaults. The three
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
/* The range of the label scale the data set was read with (*min and *max:
 * the smallest and largest value a label can have; -1 and 1 for the
 * built-in scales): every mean and interval end lies within it. */
SENTRAJ_API void sentraj_positions_scale_range(const sentraj_positions *p, double *min, double *max);

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
 * legend, on a value axis that stays within the scale's range. Options as
 * for sentraj_analysis_write_png: title, subtitle, axis titles, size, dpi;
 * order names the lines (categories or "all") in legend order, labels their
 * display names; by default every category and "all" (unless no_all);
 * orientation is ignored. Checks and errors as
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
/* Differences between categories (sentraj compare)                          */
/* ------------------------------------------------------------------------ */

/* Which differences: every pair of categories (the default), each category
 * against a reference, or the pairs named. */
typedef struct sentraj_compare_options {
    const char *reference;     /* NULL; else a category (or "all"): rows (c, reference) for every other
                                  category c in analysis order */
    const char *const *pairs;  /* NULL; else npairs pairs (pairs[2i], pairs[2i + 1]), a - b, in this
                                  order; categories or "all", a != b */
    size_t npairs;
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[4];
} sentraj_compare_options;

SENTRAJ_API void sentraj_compare_options_init(sentraj_compare_options *o);

/* One difference a - b of the config's statistic. Conversations in a or b
 * (with clusters: clusters with a conversation in a or b) are resampled
 * together, so a conversation in both categories moves with both and the
 * interval is right when categories overlap (docs/statistics.md). */
typedef struct sentraj_compare_row {
    const char *category_a, *category_b; /* borrowed from the result */
    size_t conversations_a, conversations_b;
    size_t both;               /* conversations in a and in b */
    size_t clusters;           /* with clusters: the clusters resampled; else 0 */
    double estimate_a, estimate_b; /* the statistic of each; NaN without conversations */
    double difference;         /* estimate_a - estimate_b */
    double ci_low, ci_high;    /* its interval; NaN when too_few or refused */
    double se;                 /* sd of the resampled differences (B - 1); 0 when degenerate */
    double p_value;            /* two-sided bootstrap p-value for "no difference": the smallest 1 - level at
                                  which the percentile interval leaves out 0, as (1 + hits) / (1 + B) */
    double p_holm;             /* p_value adjusted by Holm (1979) over the rows that have one */
    sentraj_ci_status status;
    sentraj_engine engine;     /* never auto */
    size_t resamples;
    size_t empty;              /* resamples without a conversation of a or of b: left out */
    const char *note;          /* status refused: why; else NULL */
} sentraj_compare_row;

typedef struct sentraj_compare sentraj_compare;

/* The differences of a finished data set. cfg gives the statistic,
 * resamples, level, method (percentile, basic, normal or bca: the
 * studentized method has no standard error of a difference of overlapping
 * statistics), engine (auto, index or multinomial), sim, alternative, seed,
 * threads and small; o may be NULL for every pair. Row (a, b) draws resample
 * b from the stream of the pair's name, a, a NUL byte and b. Returns NULL
 * with err set: SENTRAJ_EUSAGE (options, an unknown category, a pair of a
 * category with itself, a reference and pairs together, the exact engine,
 * the studentized method), SENTRAJ_ENOMEM. */
SENTRAJ_API sentraj_compare *sentraj_compare_compute(const sentraj_dataset *ds, const sentraj_config *cfg,
                                                     const sentraj_compare_options *o, sentraj_error *err);
SENTRAJ_API void sentraj_compare_free(sentraj_compare *c);
SENTRAJ_API size_t sentraj_compare_rows(const sentraj_compare *c);
SENTRAJ_API const sentraj_compare_row *sentraj_compare_row_get(const sentraj_compare *c, size_t i);
SENTRAJ_API const sentraj_config *sentraj_compare_config(const sentraj_compare *c);
/* The cluster column when clusters were resampled, else NULL. */
SENTRAJ_API const char *sentraj_compare_cluster_by(const sentraj_compare *c);

/* CSV: category_a,category_b,conversations_a,conversations_b,estimate_a,
 * estimate_b,difference,ci_low,ci_high,p_value,p_holm,statistic,method,
 * resamples,seed,status; numbers shortest round-trip, missing values empty. */
SENTRAJ_API int sentraj_compare_write_csv(FILE *f, const char *name, const sentraj_compare *c, sentraj_error *err);
SENTRAJ_API int sentraj_compare_write_table(FILE *f, const char *name, const sentraj_compare *c,
                                            sentraj_error *err);
/* JSON: the header, options and counts of the other reports, then one
 * object per row with the CSV's fields and both, clusters, se, engine,
 * empty_resamples and note. */
SENTRAJ_API int sentraj_compare_write_json(FILE *f, const char *name, const sentraj_compare *c,
                                           const sentraj_run_info *info, sentraj_error *err);
/* The figure: each difference as a dot with its interval as a whisker,
 * and the zero line. Options: title, size and dpi (order and labels are
 * refused: SENTRAJ_EUSAGE); only two-sided intervals. */
SENTRAJ_API int sentraj_compare_check_figure(const sentraj_compare *c, const sentraj_figure_options *o,
                                             sentraj_error *err);
SENTRAJ_API int sentraj_compare_write_png(FILE *f, const char *name, const sentraj_compare *c,
                                          const sentraj_figure_options *o, sentraj_error *err);
SENTRAJ_API int sentraj_compare_write_svg(FILE *f, const char *name, const sentraj_compare *c,
                                          const sentraj_figure_options *o, sentraj_error *err);
SENTRAJ_API int sentraj_compare_write_pdf(FILE *f, const char *name, const sentraj_compare *c,
                                          const sentraj_figure_options *o, sentraj_error *err);

/* ------------------------------------------------------------------------ */
/* From starting to ending level (sentraj transitions)                        */
/* ------------------------------------------------------------------------ */

/* One cell of a category's transition matrix: of the conversations that
 * start at level `start` (their first window's mean nearest that label of
 * the scale), the share that end at level `end` (their last window's),
 * with a bootstrap interval. */
typedef struct sentraj_transition_row {
    const char *category;      /* borrowed from the result; "all" last */
    const char *start, *end;   /* level names: labels of the scale, borrowed */
    size_t start_level, end_level; /* 0-based levels, by ascending value */
    size_t conversations;      /* conversations in this cell */
    size_t row_total;          /* conversations of the category starting at start */
    size_t clusters;           /* with clusters: the clusters behind the row total; else 0 */
    double share;              /* conversations / row_total; NaN when row_total is 0 */
    double ci_low, ci_high;    /* NaN when too_few */
    double se;                 /* sd of the resampled shares (B - 1); 0 when degenerate */
    sentraj_ci_status status;  /* ok, small (row_total below cfg->small), degenerate (every resample
                                  gives this share: 0 or 1 for certain), too_few (fewer than 2) */
    size_t empty;              /* resamples without a conversation starting at start: left out */
    sentraj_engine engine;     /* never auto */
} sentraj_transition_row;

typedef struct sentraj_transitions sentraj_transitions;

/* The transition matrices of a finished data set: for every category (in
 * the order of sentraj_analysis_compute, "all" last) every (start, end)
 * pair of the scale's levels, start-major, so each category's rows form its
 * whole matrix. Levels are as for sentraj_analysis_compute_by_start. The
 * bootstrap resamples the category's conversations (with clusters: its
 * clusters) once per resample for the whole matrix, so the shares of a row
 * move together; each share is a ratio of two resampled counts (the
 * bootstrap of `positions`, docs/statistics.md), any interval method;
 * engine auto, index or multinomial (the exact engine: SENTRAJ_EUSAGE).
 * Resample b of a category draws from the stream of its name. scale is the
 * data set's (NULL: the built-in 5-point scale). Returns NULL with err set
 * (SENTRAJ_EUSAGE, SENTRAJ_ELIMIT past 1 GiB of resampled sums,
 * SENTRAJ_ENOMEM). */
SENTRAJ_API sentraj_transitions *sentraj_transitions_compute(const sentraj_dataset *ds, const sentraj_scale *scale,
                                                             const sentraj_config *cfg, sentraj_error *err);
SENTRAJ_API void sentraj_transitions_free(sentraj_transitions *t);
SENTRAJ_API size_t sentraj_transitions_rows(const sentraj_transitions *t);
SENTRAJ_API const sentraj_transition_row *sentraj_transitions_row(const sentraj_transitions *t, size_t i);
/* The levels of each matrix (it has levels^2 rows per category). */
SENTRAJ_API size_t sentraj_transitions_levels(const sentraj_transitions *t);
SENTRAJ_API const sentraj_config *sentraj_transitions_config(const sentraj_transitions *t);
SENTRAJ_API const char *sentraj_transitions_cluster_by(const sentraj_transitions *t);
/* CSV: category,start,end,conversations,share,ci_low,ci_high. */
SENTRAJ_API int sentraj_transitions_write_csv(FILE *f, const char *name, const sentraj_transitions *t,
                                              sentraj_error *err);
/* The matrices as text: per category, counts and shares by start (rows)
 * and end (columns). */
SENTRAJ_API int sentraj_transitions_write_table(FILE *f, const char *name, const sentraj_transitions *t,
                                                sentraj_error *err);
/* JSON: the header, options and counts, then one object per row with the
 * CSV's fields and row_total, clusters, se, status, engine and
 * empty_resamples. */
SENTRAJ_API int sentraj_transitions_write_json(FILE *f, const char *name, const sentraj_transitions *t,
                                               const sentraj_run_info *info, sentraj_error *err);
/* The heatmap: one panel per category (the order's, else every category
 * and "all"), start level down, end level across, each cell shaded by its
 * share and showing it, with the row totals at the left. Options as for
 * the other figures (order and labels name categories). */
SENTRAJ_API int sentraj_transitions_check_figure(const sentraj_transitions *t, const sentraj_figure_options *o,
                                                 sentraj_error *err);
SENTRAJ_API int sentraj_transitions_write_png(FILE *f, const char *name, const sentraj_transitions *t,
                                              const sentraj_figure_options *o, sentraj_error *err);
SENTRAJ_API int sentraj_transitions_write_svg(FILE *f, const char *name, const sentraj_transitions *t,
                                              const sentraj_figure_options *o, sentraj_error *err);
SENTRAJ_API int sentraj_transitions_write_pdf(FILE *f, const char *name, const sentraj_transitions *t,
                                              const sentraj_figure_options *o, sentraj_error *err);

/* ------------------------------------------------------------------------ */
/* Other windows and thresholds (sentraj sensitivity)                        */
/* ------------------------------------------------------------------------ */

/* The grid: every window with every minimum number of human messages, the
 * pairs with min_human < 2 window left out (their windows would overlap). */
typedef struct sentraj_sensitivity_options {
    const size_t *windows;    /* NULL (nwindows 0): 1, 2, 3, 4; each in [1, 1000] */
    size_t nwindows;
    const size_t *min_humans; /* NULL: 4, 6, 8, 10, 15, 20; each in [1, 10^9] */
    size_t nmin_humans;
    /* Zero (the _init functions clear it): new fields take their bytes from
     * here, so the struct keeps its size and layout (tests/header_test.c). */
    uint64_t reserved[4];
} sentraj_sensitivity_options;

SENTRAJ_API void sentraj_sensitivity_options_init(sentraj_sensitivity_options *o);
/* Check o without data: values in range, none given twice, at least one
 * grid point. Returns SENTRAJ_OK, SENTRAJ_EUSAGE or SENTRAJ_ENOMEM. */
SENTRAJ_API int sentraj_sensitivity_check(const sentraj_sensitivity_options *o, sentraj_error *err);

/* One category at one grid point: exactly the analysis' row (with the
 * config's statistic) for that window and min_human. */
typedef struct sentraj_sensitivity_row {
    const char *category;      /* borrowed from the result; "all" last */
    size_t window, min_human;
    size_t conversations;
    double mean_delta;         /* the config's statistic; NaN without conversations */
    double ci_low, ci_high, se;
    sentraj_ci_status status;
    sentraj_engine engine;
    size_t resamples;
    size_t clusters;           /* with clusters: the clusters behind the row; else 0 */
    const char *note;          /* refused: why */
} sentraj_sensitivity_row;

typedef struct sentraj_sensitivity sentraj_sensitivity;

/* The analysis of a finished data set read with keep_labels set at every
 * grid point: rows by category (the order of sentraj_analysis_compute,
 * "all" last), then window, then min_human (both ascending, as given
 * sorted; a value given twice is SENTRAJ_EUSAGE). The row of window 3 and
 * min_human 6 equals that of sentraj_analysis_compute on data read with
 * those settings and the same cfg (the same samples and streams); every
 * point is computed that way. cfg's window and min_human are ignored (and
 * may differ from the data set's); the rest is as for
 * sentraj_analysis_compute. Returns NULL with err set: SENTRAJ_EUSAGE (a
 * data set without keep_labels, options out of range, no grid point with
 * min_human >= 2 window), SENTRAJ_ENOMEM, or an analysis' error. */
SENTRAJ_API sentraj_sensitivity *sentraj_sensitivity_compute(const sentraj_dataset *ds, const sentraj_config *cfg,
                                                             const sentraj_sensitivity_options *o,
                                                             sentraj_error *err);
SENTRAJ_API void sentraj_sensitivity_free(sentraj_sensitivity *s);
SENTRAJ_API size_t sentraj_sensitivity_rows(const sentraj_sensitivity *s);
SENTRAJ_API const sentraj_sensitivity_row *sentraj_sensitivity_row_get(const sentraj_sensitivity *s, size_t i);
/* Grid points per category (rows / points categories). */
SENTRAJ_API size_t sentraj_sensitivity_points(const sentraj_sensitivity *s);
SENTRAJ_API const sentraj_config *sentraj_sensitivity_config(const sentraj_sensitivity *s);
/* CSV: category,window,min_human,conversations,mean_delta,ci_low,ci_high. */
SENTRAJ_API int sentraj_sensitivity_write_csv(FILE *f, const char *name, const sentraj_sensitivity *s,
                                              sentraj_error *err);
SENTRAJ_API int sentraj_sensitivity_write_table(FILE *f, const char *name, const sentraj_sensitivity *s,
                                                sentraj_error *err);
/* JSON: the header, options and counts, then one object per row with the
 * CSV's fields and se, status, engine, resamples, clusters, statistic. */
SENTRAJ_API int sentraj_sensitivity_write_json(FILE *f, const char *name, const sentraj_sensitivity *s,
                                               const sentraj_run_info *info, sentraj_error *err);
/* The figure: a slot per grid point ("w3 m6"), in each a dot per category
 * (a series, with a legend) with its interval; zero line. Options: title,
 * size and dpi (order and labels: SENTRAJ_EUSAGE). */
SENTRAJ_API int sentraj_sensitivity_check_figure(const sentraj_sensitivity *s, const sentraj_figure_options *o,
                                                 sentraj_error *err);
SENTRAJ_API int sentraj_sensitivity_write_png(FILE *f, const char *name, const sentraj_sensitivity *s,
                                              const sentraj_figure_options *o, sentraj_error *err);
SENTRAJ_API int sentraj_sensitivity_write_svg(FILE *f, const char *name, const sentraj_sensitivity *s,
                                              const sentraj_figure_options *o, sentraj_error *err);
SENTRAJ_API int sentraj_sensitivity_write_pdf(FILE *f, const char *name, const sentraj_sensitivity *s,
                                              const sentraj_figure_options *o, sentraj_error *err);

/* ------------------------------------------------------------------------ */
/* Is there any trajectory? (sentraj test)                                   */
/* ------------------------------------------------------------------------ */

/* One category's (or "all"'s) tests of "no change" (docs/statistics.md). */
typedef struct sentraj_test_row {
    const char *category;  /* borrowed from the result; "all" last */
    size_t conversations;
    uint64_t dropped;      /* conversations of the category dropped by min_human */
    double mean_delta;     /* NaN without conversations */
    double sd_delta;       /* standard deviation of the deltas (n - 1); NaN with fewer than 2 */
    double d_z;            /* mean_delta / sd_delta; NaN when sd_delta is NaN or 0 */
    double p_within;       /* permutation test shuffling each conversation's human labels (H0: no
                              trajectory inside conversations), two-sided, (1 + hits) / (1 + B) */
    double p_sign_flip;    /* sign-flip test of mean delta = 0 (H0: deltas symmetric about 0) */
    double p_holm;         /* p_within adjusted by Holm (1979) over the rows that have one */
    size_t resamples;      /* B of both tests */
    sentraj_ci_status status; /* ok, small (fewer than cfg->small conversations), degenerate (every delta
                                 equal: sd 0), too_few (fewer than 2: no p-values) */
} sentraj_test_row;

typedef struct sentraj_test sentraj_test;

/* The tests of every category of a finished data set read with keep_labels
 * set (the within-conversation test shuffles every label), plus "all";
 * rows in the order of sentraj_analysis_compute. cfg gives min_human and
 * window (the data set's), resamples, seed, threads and small; every
 * conversation is an independent unit (clusters, if the data set has them,
 * are not used). Resample b of a row shuffles from the stream of its name
 * and flips signs from the stream of its name, a NUL byte and "sign-flip".
 * Returns NULL with err set: SENTRAJ_EUSAGE (a data set without
 * keep_labels or not finished, a bad config), SENTRAJ_ENOMEM. */
SENTRAJ_API sentraj_test *sentraj_test_compute(const sentraj_dataset *ds, const sentraj_config *cfg,
                                               sentraj_error *err);
SENTRAJ_API void sentraj_test_free(sentraj_test *t);
SENTRAJ_API size_t sentraj_test_rows(const sentraj_test *t);
SENTRAJ_API const sentraj_test_row *sentraj_test_row_get(const sentraj_test *t, size_t i);
SENTRAJ_API const sentraj_config *sentraj_test_config(const sentraj_test *t);
/* CSV: category,conversations,mean_delta,sd_delta,d_z,p_within,p_sign_flip,
 * p_holm,resamples,seed,status. */
SENTRAJ_API int sentraj_test_write_csv(FILE *f, const char *name, const sentraj_test *t, sentraj_error *err);
SENTRAJ_API int sentraj_test_write_table(FILE *f, const char *name, const sentraj_test *t, sentraj_error *err);
/* JSON: the header, options and counts, then one object per row with the
 * CSV's fields and dropped. */
SENTRAJ_API int sentraj_test_write_json(FILE *f, const char *name, const sentraj_test *t,
                                        const sentraj_run_info *info, sentraj_error *err);

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
 * existing one. An existing file keeps its permissions. A symbolic link
 * keeps pointing where it did: the file it names is replaced, or created
 * when the link dangles. Devices, FIFOs and sockets cannot be replaced and
 * are written directly, appending, as are open files reached through /proc
 * (`/dev/stdout`, `/dev/fd/N`): those are written through a copy of the
 * descriptor, so `-o /dev/stdout >> log` appends to log. Path "-" writes to
 * standard output. A directory is an error (SENTRAJ_EIO). */
typedef struct sentraj_outfile sentraj_outfile;

SENTRAJ_API sentraj_outfile *sentraj_outfile_open(const char *path, sentraj_error *err);
SENTRAJ_API FILE *sentraj_outfile_stream(sentraj_outfile *o);
/* The path as given ("<stdout>" for "-"), for messages. */
SENTRAJ_API const char *sentraj_outfile_name(const sentraj_outfile *o);
/* Flush and close the stream (not standard output's), leaving the file at
 * its temporary name until commit. Returns SENTRAJ_OK or SENTRAJ_EIO (a
 * write failed: abort or commit then removes the temporary file). Calling it
 * again does nothing. */
SENTRAJ_API int sentraj_outfile_close(sentraj_outfile *o, sentraj_error *err);
/* Close (when not closed yet) and rename into place; frees o. Returns
 * SENTRAJ_OK or SENTRAJ_EIO. */
SENTRAJ_API int sentraj_outfile_commit(sentraj_outfile *o, sentraj_error *err);
/* Commit n outputs together, all or none: close every one first (a write
 * error leaves every output as it was), then rename each into place; when a
 * rename fails, the outputs already renamed are removed again and the
 * message names them (what they replaced is gone). NULL entries are
 * skipped; frees every output. Returns SENTRAJ_OK or SENTRAJ_EIO. */
SENTRAJ_API int sentraj_outfile_commit_all(sentraj_outfile *const *outs, size_t n, sentraj_error *err);
/* Close and remove the temporary file; frees o. NULL is a no-op. */
SENTRAJ_API void sentraj_outfile_abort(sentraj_outfile *o);
/* The temporary path of o, for a signal handler that must unlink it; NULL
 * when o writes directly. */
SENTRAJ_API const char *sentraj_outfile_temp_path(const sentraj_outfile *o);

#ifdef __cplusplus
}
#endif

#endif
