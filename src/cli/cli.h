/* cli.h - shared pieces of the sentraj command: commands, options, inputs, outputs, messages. */
#ifndef SENTRAJ_CLI_H
#define SENTRAJ_CLI_H

#include <sentraj.h>

#include <stddef.h>
#include <stdio.h>

#define EXIT_USAGE 64
/* What cli_parse returns when it printed the help: not an exit code (those
 * are below 256), so it cannot be mistaken for one; the command exits 0. */
#define CLI_DONE 256

/* ---- the parsed command line, grouped by what the options are for ------ */

/* At most this many values in a comma list (bench --threads, --n). */
#define CLI_MAX_LIST 16
/* At most this many of a repeatable option (positions --figure). */
#define CLI_MAX_REPEAT 4

typedef struct cli_uint_list {
    uint64_t v[CLI_MAX_LIST];
    size_t n; /* 0: not given */
} cli_uint_list;

typedef struct cli_strings {
    const char *v[CLI_MAX_REPEAT];
    int n;
} cli_strings;

/* How the messages are read (the commands that read messages). */
typedef struct cli_input_opts {
    sentraj_input_options in;    /* --input-format, --col-*, ConvoKit keys, --cluster-by */
    const char *scale_path;      /* --scale 3|5|7|FILE; NULL: the 5-point scale */
    const char *categories_path; /* --categories FILE; NULL: none */
} cli_input_opts;

/* Where and how the results go. */
typedef struct cli_output_opts {
    const char *path;           /* -o; NULL: the command's default */
    const char *format;         /* --format; NULL: the command's default (bench: table, others: csv) */
    int quiet;                  /* -q: nothing on standard error but errors */
    const char *save_resamples; /* analyze --save-resamples FILE; NULL: none */
} cli_output_opts;

/* The figure's look (figure4, positions --figure). */
typedef struct cli_figure_opts {
    const char *title;        /* --title; NULL: the figure's default */
    const char *subtitle;     /* --subtitle; NULL: the default, "": none */
    const char *xlabel;       /* --xlabel; NULL: the default, "": none */
    const char *ylabel;       /* --ylabel; NULL: the default, "": none */
    sentraj_orientation orientation; /* figure4 --orientation (auto) */
    int no_all;               /* --no-all */
    int width, height, dpi;   /* --width, --height, --dpi; 0: the figure's default */
    const char *order;        /* --order LIST or FILE: the categories first in the rows, and exactly those
                                 in the figure; NULL: cfg.order, every category */
    const char *labels;       /* --labels LIST; NULL: none */
} cli_figure_opts;

/* positions. */
typedef struct cli_positions_opts {
    size_t max_position;   /* --max-position; 0: the library's default */
    size_t bins;           /* --bins; 0: by position */
    int all_conversations; /* --all-conversations */
    cli_strings figures;   /* --figure FILE, repeatable */
} cli_positions_opts;

/* The statistics commands: compare, sensitivity, and analyze --by-start. */
typedef struct cli_stats_opts {
    int by_start;             /* analyze --by-start */
    const char *reference;    /* compare --reference CAT; NULL: none */
    const char *pairs;        /* compare --pairs A:B,...; NULL: none */
    cli_uint_list windows;    /* sensitivity --windows; none: 1,2,3,4 */
    cli_uint_list min_humans; /* sensitivity --min-humans; none: 4,6,8,10,15,20 */
} cli_stats_opts;

/* simulate. */
typedef struct cli_simulate_opts {
    sentraj_simulate_options model; /* --conversations, --seed, --multi-category, --short-share, --users, --user-effect */
    const char *truth;        /* --truth FILE; NULL: none */
} cli_simulate_opts;

/* bench; it also reads cfg's --resamples, --method and --seed. */
typedef struct cli_bench_opts {
    sentraj_engine engines[3]; /* --engines; all three by default */
    size_t nengines;
    cli_uint_list threads;     /* --threads LIST; none: 1 and all cores */
    cli_uint_list n;           /* --n LIST; none: 1000, 10000, 100000 */
    uint64_t runs;             /* --runs (5) */
    int quick;                 /* --quick */
} cli_bench_opts;

/* Everything cli_parse read. Each command reads the groups it takes; the
 * others keep their defaults. */
typedef struct cli_args {
    sentraj_config cfg;        /* --min-human, --window, the bootstrap options, --threads */
    cli_input_opts input;
    cli_output_opts out;
    cli_figure_opts fig;
    cli_positions_opts pos;       /* also --figure of compare, transitions and sensitivity */
    cli_stats_opts stats;
    cli_simulate_opts simulate;
    cli_bench_opts bench;
    char **inputs;             /* the operands, in argv */
    int ninputs;
} cli_args;

/* ---- commands ------------------------------------------------------------ */

/* One bit per command, so that an option names the exact set of commands
 * that take it. */
enum {
    CMD_ANALYZE = 1u << 0,
    CMD_DELTAS = 1u << 1,
    CMD_FIGURE4 = 1u << 2,
    CMD_POSITIONS = 1u << 3,
    CMD_SIMULATE = 1u << 4,
    CMD_SUMMARIZE = 1u << 5,
    CMD_MERGE = 1u << 6,
    CMD_BENCH = 1u << 7,
    CMD_COMPARE = 1u << 8,
    CMD_TEST = 1u << 9,
    CMD_TRANSITIONS = 1u << 10,
    CMD_SENSITIVITY = 1u << 11,
};
#define CMD_ALL (CMD_ANALYZE | CMD_DELTAS | CMD_FIGURE4 | CMD_POSITIONS | CMD_SIMULATE | CMD_SUMMARIZE | CMD_MERGE | \
                 CMD_BENCH | CMD_COMPARE | CMD_TEST | CMD_TRANSITIONS | CMD_SENSITIVITY)

typedef struct cli_command {
    const char *name;    /* as typed after "sentraj" */
    unsigned bit;        /* its CMD_* bit */
    const char *summary; /* its lines in 'sentraj --help', after the name column */
    const char *help;    /* 'sentraj NAME --help', printed as it is */
    int no_operands;     /* 1: an operand is a usage error (NAME takes no INPUT) */
    int (*run)(cli_args *a); /* after a successful cli_parse; returns the exit code */
} cli_command;

extern const cli_command cmd_analyze, cmd_deltas, cmd_figure4, cmd_positions, cmd_simulate, cmd_summarize,
    cmd_merge, cmd_bench, cmd_compare, cmd_test, cmd_transitions, cmd_sensitivity;

/* Every command, in the order 'sentraj --help' lists them; NULL-terminated. */
extern const cli_command *const cli_commands[];

/* The command named name, or NULL. */
const cli_command *cli_command_find(const char *name);

/* 'sentraj --help': the usage with every command's summary. */
void cli_usage(FILE *f);

extern const char *cli_cmd; /* the running command's name, for messages */

/* The --help lines of the input options, shared by the commands that read
 * messages and list them in full. */
#define CLI_INPUT_HELP \
    "Input options:\n" \
    "  --input-format F   auto|csv|jsonl|convokit (auto: by content; a directory\n" \
    "                     is a ConvoKit corpus)\n" \
    "  --scale 3|5|7|FILE the label scale: 3 (negative, neutral, positive = -1, 0,\n" \
    "                     1), 5 (the default: very negative .. very positive =\n" \
    "                     -1 .. 1 by 0.5), 7 (adds somewhat negative/positive; by\n" \
    "                     1/3), or a file of \"label,value\" lines; numbers in its\n" \
    "                     range accepted\n" \
    "  --categories FILE  CSV of conversation_id,categories joined to the messages\n" \
    "  --category-sep C   the character between the names of a categories field (;)\n" \
    "  --col-id NAME, --col-index NAME, --col-role NAME, --col-sentiment NAME,\n" \
    "  --col-categories NAME   column (CSV) or key (JSONL) names: a name matches\n" \
    "                     its column exactly, else the one column equal to it\n" \
    "                     ignoring case; --col-id A,B,C keys conversations by\n" \
    "                     several columns\n" \
    "  --all-human        every row is a human message (no role column needed)\n" \
    "  --role-map FILE    \"value,role\" lines mapping the role column's values\n" \
    "                     (e.g. speaker names) to human, assistant or ignore;\n" \
    "                     \"*,ROLE\" gives the rest\n" \
    "  --speaker-roles FILE  the same as --role-map\n" \
    "  --id-scope S       global|file: with file, each input's conversation ids\n" \
    "                     are its own, shown as FILE:ID (global)\n" \
    "  --encoding E       the input's encoding, any iconv name, e.g. latin1 (utf-8:\n" \
    "                     kept text must be valid UTF-8)\n" \
    "  --label-key K, --role-key K, --category-key K\n" \
    "                     ConvoKit: utterance meta keys of label and role, the\n" \
    "                     conversation meta key of categories\n"

/* ---- options --------------------------------------------------------------- */

/* How an option's value is read and where it goes. */
typedef enum cli_kind {
    CLI_HELP,      /* -h: print the command's help */
    CLI_FLAG,      /* no value: the int field becomes 1 */
    CLI_UINT,      /* an integer in [min, max] into an unsigned integer field of 4 or 8 bytes */
    CLI_REAL,      /* a number in [lo, hi] ((lo, hi) when open) into a double; `what` names the range */
    CLI_ENUM,      /* a name read by a sentraj_*_parse function into its enum field */
    CLI_CHOICE,    /* one of the words in choices, kept as a string */
    CLI_STRING,    /* any text, kept as a string */
    CLI_NAME,      /* a non-empty column name, kept as a string */
    CLI_UINT_LIST, /* a comma list of up to CLI_MAX_LIST integers in [min, max] into a cli_uint_list */
    CLI_REPEAT,    /* text, once per use, up to CLI_MAX_REPEAT uses, into a cli_strings */
    CLI_CUSTOM,    /* set() reads the value */
} cli_kind;

typedef struct cli_option {
    const char *name;   /* the long name, without "--" */
    char letter;        /* the short option letter, or 0 */
    const char *arg;    /* the value's name in help texts; NULL for an option without value */
    unsigned commands;  /* CMD_* bits of the commands that take it */
    unsigned unlisted;  /* of those, the commands whose --help does not list it (see options.c) */
    const char *help;   /* what it does, in a few words */
    cli_kind kind;
    size_t offset;      /* where it goes in cli_args ... */
    size_t size;        /* ... and the size of that field */
    uint64_t min, max;  /* CLI_UINT, CLI_UINT_LIST */
    double lo, hi;      /* CLI_REAL */
    int open;           /* CLI_REAL: 1 when lo and hi themselves are refused */
    const char *what;   /* CLI_REAL: the range in words, for the error message */
    const char *const *choices; /* CLI_CHOICE: NULL-terminated */
    int (*parse)(const char *s, void *out, sentraj_error *err); /* CLI_ENUM */
    int (*set)(cli_args *a, const char *arg);                    /* CLI_CUSTOM */
} cli_option;

/* The option table (options.c): every option of every command, once. Two
 * entries may share a long name only if no command takes both. */
extern const cli_option cli_options[];
extern const size_t cli_noptions;
#define CLI_MAX_OPTIONS 96

/* Fill a with every default, then read argv (argv[0] is the command's
 * name) with the options the table gives cmd. Returns 0 when the command
 * should run, CLI_DONE after printing the help (exit 0), or EXIT_USAGE
 * after printing a usage error. */
int cli_parse(const cli_command *cmd, int argc, char **argv, cli_args *a);

/* No output of the run (-o, figure4's four files, --save-resamples,
 * --figure) names one of its input files (INPUT, --scale, --categories,
 * --speaker-roles). Returns 0, or EXIT_USAGE after printing the error. */
int cli_check_outputs(const cli_args *a);

/* cli_check_outputs, then the checks of the analysis settings that need all
 * of them at once (sentraj_config_check; --cluster-by against the exact
 * engine and ConvoKit). Returns 0, or EXIT_USAGE after printing the error. */
int cli_check_config(const cli_args *a);

/* cli_check_config, then at least one INPUT: how the commands that analyse
 * given messages start. Returns 0, or EXIT_USAGE after printing the error. */
int cli_check_analysis(const cli_args *a);

/* Is the --format given (or the default) fmt? */
int cli_format_is(const cli_args *a, const char *fmt);

/* ---- messages --------------------------------------------------------------- */

#if defined(__GNUC__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif

/* "sentraj CMD: message" on stderr, and the exit code for status. */
int cli_fail(const sentraj_error *err);
/* fmt's text on standard error as it is, but escaped by sentraj_escape's
 * rule, like every message of the command: input (file names, ids,
 * categories) reaches the terminal only that way. */
void cli_message(const char *fmt, ...) CLI_PRINTF(1, 2);
/* The message, then "Try 'sentraj CMD --help'."; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* A note on stderr, unless -q (a NULL: always, for warnings). */
void cli_note(const cli_args *a, const char *fmt, ...) CLI_PRINTF(2, 3);

/* ---- --order and --labels lists, and the figure ----------------------------- */

/* A parsed --order or --labels list: n items, keys[i] (and, for labels,
 * vals[i]) pointing into buf. */
typedef struct cli_list {
    char *buf;
    char **keys;
    char **vals;
    size_t n;
} cli_list;

/* Split arg at unescaped commas into items with blanks trimmed; with pairs,
 * each item is NAME=TEXT split at its first unescaped '='. A backslash
 * escapes ',', '=' or itself. Returns 0, or the exit code after printing
 * the error (EXIT_USAGE, or 71 without memory). */
int cli_list_parse(const char *opt, const char *arg, int pairs, cli_list *l);
void cli_list_free(cli_list *l);
/* The categories of --order: the names in the file arg, one a line (blank
 * lines and lines starting with '#' skipped, blanks around names dropped),
 * when arg names a regular file, else the comma list arg. Returns 0, or
 * the exit code after printing the error. */
int cli_order_list(const char *arg, cli_list *l);
/* Put --order's categories first in the rows of an, or pn (either may be
 * NULL). Returns 0, or the exit code after printing the error. */
int cli_reorder(const cli_args *a, sentraj_analysis *an, sentraj_positions *pn);

/* A figure's drawing options from the command line: fo points into the
 * lists, so the three live and die together. */
typedef struct cli_figure {
    sentraj_figure_options fo;
    cli_list order, lab;
    sentraj_figure_label *labels;
} cli_figure;

/* The defaults, then --title, --subtitle, --xlabel, --ylabel,
 * --orientation, --no-all, --width, --height, --dpi, --order and --labels
 * (when given). Returns 0, or the exit code after printing the error; f is
 * to be freed with cli_figure_free either way. */
int cli_figure_build(const cli_figure_opts *o, cli_figure *f);
void cli_figure_free(cli_figure *f);

/* The usage error for a figure check's err, naming the option at fault
 * (--order or --labels) instead of the library's "figure order:"; an error
 * other than SENTRAJ_EUSAGE (out of memory) is reported as cli_fail does. */
int cli_figure_usage(const sentraj_error *err);

/* ---- data and summaries ----------------------------------------------------- */

/* Read every input into a finished data set and report the counts on
 * stderr (unless quiet). Returns NULL after printing the error; *code gets
 * the exit code. */
sentraj_dataset *cli_load(const cli_args *a, char **inputs, int ninputs, int *code);

/* The label scale of --scale SPEC: the built-in 3, 5 or 7 points for "3",
 * "5" or "7", the 5-point scale for NULL, else the file SPEC. NULL with err
 * set on failure. */
sentraj_scale *cli_scale(const char *spec, sentraj_error *err);
/* The run's scale (ownership passes; a previous one is freed), kept for the
 * reports until the program exits, and the run's scale or NULL. */
void cli_keep_scale(sentraj_scale *scale);
const sentraj_scale *cli_run_scale(void);
/* The note on standard error when the data, read with the built-in 5- or
 * 7-point scale, use only the labels of a smaller built-in scale. */
void cli_scale_note(const cli_args *a, const sentraj_dataset *ds);

/* Summaries (docs/scale.md). cli_analyze builds the analysis from INPUTs
 * that are either all raw data (read with cli_load) or all summary files
 * (recognised by their first line; read, checked against the options and
 * merged); a mix is a usage error. counts gets what the JSON report shows.
 * Returns NULL after printing the error, with *code set. */
sentraj_analysis *cli_analyze(const cli_args *a, char **inputs, int ninputs, sentraj_counts *counts, int *code);
/* Read and merge summary files; with check, each must match the --window,
 * --min-human and --scale given. Reports the counts on stderr unless quiet.
 * Returns NULL after printing the error, with *code set. */
sentraj_summary *cli_read_summaries(const cli_args *a, char **inputs, int ninputs, int check, int *code);
/* Write summary s (freed here) to -o FILE or standard output, whole or
 * not at all. Returns the exit code. */
int cli_write_summary(const cli_args *a, sentraj_summary *s);

/* What the JSON reports say about the run. */
sentraj_run_info cli_run_info(const cli_args *a, char **inputs, int ninputs, const sentraj_counts *counts);

/* The bundled fixture's path, or NULL when it cannot be found. */
const char *cli_fixture_path(void);

/* ---- the statistics commands (stats_common.c) --------------------------------- */

enum { CLI_FIG_NONE = -1, CLI_FIG_PNG, CLI_FIG_SVG, CLI_FIG_PDF };

/* The figure format of a file name by its extension (.png, .svg or .pdf,
 * case ignored: CLI_FIG_*), CLI_FIG_NONE (-1) when unknown. */
int cli_figure_kind(const char *path);

/* The --figure names (each .png, .svg or .pdf, none the output or given
 * twice; two-sided intervals only) and the figure options that need
 * --figure, checked before any input is read. Returns 0 or the exit code
 * after the message. */
int cli_check_figures(const cli_args *a);

/* On standard error (unless -q), when the bootstrap's tail holds fewer than
 * 5 resamples: (1 - level) / 2 x B < 5 for a two-sided interval,
 * (1 - level) x B for a one-sided one. Not for the exact engine. */
void cli_warn_tails(const cli_args *a);

/* On standard error (unless -q): row `row` was refused, and why. */
void cli_note_refused(const cli_args *a, const char *row, const char *why);
/* The same for every refused row of an analysis. */
void cli_note_refused_rows(const cli_args *a, const sentraj_analysis *an);

/* analyze --by-start: the analysis of the INPUTs (messages or summaries)
 * with rows CATEGORY|START. Returns NULL after printing the error, with
 * *code set; counts as for cli_analyze. */
sentraj_analysis *cli_analyze_by_start(const cli_args *a, sentraj_counts *counts, int *code);

/* --pairs A:B,C:D: n pairs, a's and b's alternating in v[0 .. 2n - 1],
 * pointing into buf. A backslash escapes ',', ':' or itself. */
typedef struct cli_pairs {
    char *buf;
    const char **v;
    size_t n;
} cli_pairs;
/* Returns 0, or the exit code after the message. */
int cli_pairs_parse(const char *arg, cli_pairs *p);
void cli_pairs_free(cli_pairs *p);

/* How a command's results are written: its three formats and its figure,
 * each a thin wrapper of the library's writer for its result. */
typedef struct cli_writers {
    int (*csv)(FILE *f, const char *name, const void *result, sentraj_error *err);
    int (*table)(FILE *f, const char *name, const void *result, sentraj_error *err);
    int (*json)(FILE *f, const char *name, const void *result, const sentraj_run_info *info, sentraj_error *err);
    int (*figure)(int kind, FILE *f, const char *name, const void *result, const sentraj_figure_options *o,
                  sentraj_error *err); /* kind: CLI_FIG_*; NULL: the command draws nothing */
} cli_writers;

/* The wrappers of cli_writers for the library's writers of one result,
 * sentraj_<prefix>_write_csv, _table and _json; with CLI_FIGURE_WRITER also
 * its _png, _svg and _pdf. They define write_csv, write_table, write_json and
 * write_figure in the command's file. */
#define CLI_TEXT_WRITERS(prefix)                                                                                        \
    static int write_csv(FILE *f, const char *name, const void *r, sentraj_error *err)                                  \
    {                                                                                                                   \
        return sentraj_##prefix##_write_csv(f, name, r, err);                                                           \
    }                                                                                                                   \
    static int write_table(FILE *f, const char *name, const void *r, sentraj_error *err)                                \
    {                                                                                                                   \
        return sentraj_##prefix##_write_table(f, name, r, err);                                                         \
    }                                                                                                                   \
    static int write_json(FILE *f, const char *name, const void *r, const sentraj_run_info *info, sentraj_error *err)   \
    {                                                                                                                   \
        return sentraj_##prefix##_write_json(f, name, r, info, err);                                                    \
    }

#define CLI_FIGURE_WRITER(prefix)                                                                                       \
    static int write_figure(int kind, FILE *f, const char *name, const void *r, const sentraj_figure_options *o,        \
                            sentraj_error *err)                                                                         \
    {                                                                                                                   \
        if (kind == CLI_FIG_PNG)                                                                                        \
            return sentraj_##prefix##_write_png(f, name, r, o, err);                                                    \
        if (kind == CLI_FIG_SVG)                                                                                        \
            return sentraj_##prefix##_write_svg(f, name, r, o, err);                                                    \
        return sentraj_##prefix##_write_pdf(f, name, r, o, err);                                                        \
    }

/* The output (-o, --format) and every --figure, written whole or not at
 * all. Returns the exit code. */
int cli_write_results(const cli_args *a, const void *result, const cli_writers *w, const sentraj_figure_options *fo,
                      const sentraj_run_info *info);

/* The label scale of --scale 3|5|7|FILE (without --scale, *scale is NULL:
 * the default 5-point one). Returns 0, or the exit code after the message. */
int cli_scale_open(const cli_args *a, sentraj_scale **scale);

/* ---- output files ------------------------------------------------------------- */

/* Output files: registered so that a signal that ends the run removes their temporary files. */
sentraj_outfile *cli_out_open(const char *path, int *code);
int cli_out_commit(sentraj_outfile *out);
void cli_out_abort(sentraj_outfile *out);
/* Commit outs[0..n) together, all or none (sentraj_outfile_commit_all;
 * NULL entries are skipped), setting each to NULL. Returns the exit code. */
int cli_out_commit_all(sentraj_outfile **outs, size_t n);
/* The end of writing out with status rc: commit it, or, when rc is an
 * error, drop it and report err. Returns the exit code. */
int cli_out_finish(sentraj_outfile *out, int rc, const sentraj_error *err);
void cli_signals_install(void);

/* Figures are drawn by cairo, fontconfig, pixman and libpng, which do not
 * all survive an allocation that fails: some crash. cli_draw runs
 * draw(ctx, err) in a child process writing into the run's (temporary)
 * output files, and returns 0, the child's exit code after its message, or
 * 71 after a message when the child crashed (or was killed by the kernel's
 * out-of-memory killer). */
typedef int (*cli_draw_fn)(void *ctx, sentraj_error *err);
int cli_draw(cli_draw_fn draw, void *ctx, const char *name);

/* Whether an allocation of the process failed since the last reset
 * (alloc_watch.c; always 0 in sanitizer builds, which do not watch). */
int cli_alloc_failed(void);
void cli_alloc_watch_reset(void);
/* Do two output paths name the same file (same string, or the same existing
 * file)? Two outputs of one run must not, or one would silently replace the other. */
int cli_same_output(const char *a, const char *b);

#endif
