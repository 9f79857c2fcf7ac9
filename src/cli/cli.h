/* cli.h - shared pieces of the sentraj command: options, inputs, outputs, messages. */
#ifndef SENTRAJ_CLI_H
#define SENTRAJ_CLI_H

#include <sentraj.h>

#include <stdio.h>

#define EXIT_USAGE 64

/* Options common to the analysis commands. */
typedef struct cli_opts {
    sentraj_config cfg;
    sentraj_input_options in;   /* --input-format, --col-*, ConvoKit keys */
    const char *scale_path;     /* --scale FILE */
    const char *categories_path; /* --categories FILE */
    const char *format;  /* "csv" (default), "json" or "table" */
    const char *output;  /* -o; NULL = the command's default */
    int quiet;
    const char *save_resamples; /* --save-resamples FILE */
    const char *title;   /* figure4 --title */
    int width, height;   /* figure4 --width/--height; 0 = default */
    const char *order;   /* figure4 --order LIST; NULL = every category */
    const char *labels;  /* figure4 --labels LIST; NULL = none */
    int dpi;             /* figure4 --dpi; 0 = default */
    size_t max_position; /* positions --max-position; 0 = default */
    size_t bins;         /* positions --bins; 0 = by position */
    int all_conversations; /* positions --all-conversations */
    const char *figures[4]; /* positions --figure FILE (repeatable) */
    int nfigures;
    char **inputs;       /* positional arguments */
    int ninputs;
} cli_opts;

/* The --help lines of the input options (OPT_INPUT), shared by the commands
 * that read messages. */
#define CLI_INPUT_HELP \
    "Input options:\n" \
    "  --input-format F   auto|csv|jsonl|convokit (auto: by content; a directory\n" \
    "                     is a ConvoKit corpus)\n" \
    "  --scale FILE       label scale as \"label,value\" lines (default: very negative\n" \
    "                     .. very positive = -1 .. 1); numbers in its range accepted\n" \
    "  --categories FILE  CSV of conversation_id,categories joined to the messages\n" \
    "  --col-id NAME, --col-index NAME, --col-role NAME, --col-sentiment NAME,\n" \
    "  --col-categories NAME   column (CSV) or key (JSONL) names\n" \
    "  --label-key K, --role-key K, --speaker-roles FILE, --category-key K\n" \
    "                     ConvoKit: utterance meta keys of label and role, a\n" \
    "                     speaker,role CSV, the conversation meta key of categories\n" \

/* Which of the common options a command takes. */
enum {
    OPT_FILTER = 1,    /* --min-human, --window */
    OPT_BOOT = 2,      /* --resamples, --level, --method, --engine, --alternative, --sim, --seed, --threads */
    OPT_FORMAT = 4,    /* --format */
    OPT_OUTPUT = 8,    /* -o */
    OPT_FIGURE = 16,   /* --title, --width, --height, --order, --labels, --dpi */
    OPT_SAVE = 32,     /* --save-resamples */
    OPT_INPUT = 64,    /* --input-format, --scale, --categories, --col-*, ConvoKit keys; --threads */
    OPT_CLUSTER = 128, /* --cluster-by (sets in.col_cluster) */
    OPT_POSITIONS = 256, /* --max-position, --bins, --all-conversations, --figure */
};

extern const char *cli_cmd; /* the subcommand, for messages */

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

/* The figure options of the command line: defaults, then --title,
 * --width, --height, --dpi, --order and --labels (when given) into fo,
 * which then points into order, lab and *labels (the caller frees all
 * three, also on error). Returns 0, or the exit code after printing the
 * error. */
int cli_figure_options(const cli_opts *o, sentraj_figure_options *fo, cli_list *order, cli_list *lab,
                       sentraj_figure_label **labels);

/* The usage error for a figure check's err, naming the option at fault
 * (--order or --labels) instead of the library's "figure order:". */
int cli_figure_usage(const sentraj_error *err);

/* Parse argv for a command taking the `which` common options. Prints help
 * and returns 0 for --help; returns EXIT_USAGE after printing a usage error;
 * returns -1 when parsing succeeded. */
int cli_parse(int argc, char **argv, unsigned which, const char *help, cli_opts *o);

/* "sentraj CMD: message" on stderr, and the exit code for status. */
int cli_fail(const sentraj_error *err);
int cli_usage_error(const char *fmt, ...);
void cli_note(const cli_opts *o, const char *fmt, ...);

/* Read every input into a finished data set and report the counts on
 * stderr (unless quiet). Returns NULL after printing the error; *code gets
 * the exit code. */
sentraj_dataset *cli_load(const cli_opts *o, char **inputs, int ninputs, int *code);

/* Summaries (docs/scale.md). cli_analyze builds the analysis from INPUTs
 * that are either all raw data (read with cli_load) or all summary files
 * (recognised by their first line; read, checked against the options and
 * merged); a mix is a usage error. counts gets what the JSON report shows.
 * Returns NULL after printing the error, with *code set. */
sentraj_analysis *cli_analyze(const cli_opts *o, char **inputs, int ninputs, sentraj_counts *counts, int *code);
/* Read and merge summary files; with check, each must match o's --window,
 * --min-human and --scale. Reports the counts on stderr unless quiet.
 * Returns NULL after printing the error, with *code set. */
/* Write summary s (freed here) to -o FILE or standard output, whole or
 * not at all. Returns the exit code. */
int cli_write_summary(const cli_opts *o, sentraj_summary *s);
sentraj_summary *cli_read_summaries(const cli_opts *o, char **inputs, int ninputs, int check, int *code);

/* Output files: registered so a SIGINT or SIGTERM removes their temporary files. */
sentraj_outfile *cli_out_open(const char *path, int *code);
int cli_out_commit(sentraj_outfile *out);
void cli_out_abort(sentraj_outfile *out);
/* Commit outs[0..n) in order, setting each to NULL as it is committed or
 * fails; stops at the first failure, leaving the rest for cli_out_abort.
 * Returns the exit code. */
int cli_out_commit_all(sentraj_outfile **outs, size_t n);
/* The end of writing out with status rc: commit it, or, when rc is an
 * error, drop it and report err. Returns the exit code. */
int cli_out_finish(sentraj_outfile *out, int rc, const sentraj_error *err);
void cli_signals_install(void);
/* Do two output paths name the same file (same string, or the same existing
 * file)? Two outputs of one run must not, or one would silently replace the other. */
int cli_same_output(const char *a, const char *b);

/* What the JSON reports say about the run. */
sentraj_run_info cli_run_info(const cli_opts *o, char **inputs, int ninputs, const sentraj_counts *counts);

/* The bundled fixture's path, or NULL when it cannot be found. */
const char *cli_fixture_path(void);

int cmd_analyze(int argc, char **argv);
int cmd_deltas(int argc, char **argv);
int cmd_figure4(int argc, char **argv);
int cmd_positions(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_summarize(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_bench(int argc, char **argv);

#endif
