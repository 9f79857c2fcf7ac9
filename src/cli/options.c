/* options.c - the option table: every option of every command, which commands take it, and where it goes. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* An option is added here: one entry naming the commands that take it (CMD_*
 * bits, or a set below) and where its value goes (a field of one of
 * cli_args' groups in cli.h, read by its kind, or a setter). Each command
 * that takes it lists it in its --help, and the man page documents it in the
 * OPTIONS subsection of its purpose; test_cli_table reports either missing. */

/* The sets of commands that share options, named by what the commands do.
 * A new command joins the sets whose options it takes. */
#define STATS_COMMANDS (CMD_COMPARE | CMD_TEST | CMD_TRANSITIONS | CMD_SENSITIVITY) /* the statistics commands */
#define READERS (CMD_ANALYZE | CMD_DELTAS | CMD_FIGURE4 | CMD_POSITIONS | CMD_SUMMARIZE | STATS_COMMANDS) /* read messages */
#define FILTERS ((READERS & ~CMD_SENSITIVITY) | CMD_SIMULATE) /* keep conversations by their human messages */
#define BOOTSTRAPPERS (CMD_ANALYZE | CMD_FIGURE4 | CMD_POSITIONS | CMD_COMPARE | CMD_TRANSITIONS | CMD_SENSITIVITY) /* resample */
#define STATISTICS (CMD_ANALYZE | CMD_FIGURE4 | CMD_COMPARE | CMD_SENSITIVITY) /* estimate a statistic of the deltas */
#define DRAWERS (CMD_FIGURE4 | CMD_POSITIONS | CMD_COMPARE | CMD_TRANSITIONS | CMD_SENSITIVITY) /* draw a figure */
#define NAMERS (CMD_FIGURE4 | CMD_POSITIONS | CMD_TRANSITIONS) /* draw categories an order or labels can name */
#define FIGURE_FILES (CMD_POSITIONS | CMD_COMPARE | CMD_TRANSITIONS | CMD_SENSITIVITY) /* draw to --figure FILE */
#define FORMATTERS (CMD_ANALYZE | CMD_DELTAS | CMD_POSITIONS | STATS_COMMANDS) /* write CSV, JSON or a table */

/* figure4's help names the options it shares with analyze but neither the
 * input options nor --alternative (which it takes only to refuse a one-sided
 * interval with a pointer to analyze); the man page lists them. */
#define FIGURE4_UNLISTED CMD_FIGURE4

/* The field of cli_args an option sets, and its size. */
#define AT(field) .offset = offsetof(cli_args, field), .size = sizeof(((cli_args *)0)->field)

static const char *const formats[] = {"csv", "json", "table", NULL};
static const char *const bench_formats[] = {"csv", "table", NULL};

/* The library's enum parsers, with the signature the table holds. */
static int parse_method(const char *s, void *out, sentraj_error *err)
{
    return sentraj_method_parse(s, out, err);
}

static int parse_engine(const char *s, void *out, sentraj_error *err)
{
    return sentraj_engine_parse(s, out, err);
}

static int parse_alternative(const char *s, void *out, sentraj_error *err)
{
    return sentraj_alternative_parse(s, out, err);
}

static int parse_sim(const char *s, void *out, sentraj_error *err)
{
    return sentraj_sim_parse(s, out, err);
}

static int set_statistic(cli_args *a, const char *arg)
{
    sentraj_error err;
    if (sentraj_statistic_parse(arg, &a->cfg.statistic, &a->cfg.trim, &err) != SENTRAJ_OK)
        return cli_usage_error("--statistic: %s", err.message);
    return 0;
}

static int set_input_format(cli_args *a, const char *arg)
{
    static const struct {
        const char *name;
        sentraj_input_format format;
    } names[] = {
        {"auto", SENTRAJ_INPUT_AUTO},
        {"csv", SENTRAJ_INPUT_CSV},
        {"jsonl", SENTRAJ_INPUT_JSONL},
        {"convokit", SENTRAJ_INPUT_CONVOKIT},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(arg, names[i].name) == 0) {
            a->input.in.format = names[i].format;
            return 0;
        }
    }
    return cli_usage_error("--input-format expects auto, csv, jsonl or convokit, not \"%s\"", arg);
}

/* --category-sep: one byte; the library refuses the ones a field cannot
 * hold unquoted or that trimming would eat. */
static int set_category_sep(cli_args *a, const char *arg)
{
    if (strlen(arg) != 1)
        return cli_usage_error("--category-sep expects one character, not \"%s\"", arg);
    a->input.in.category_sep = arg[0];
    return 0;
}

/* --order: a built-in order of the rows, or the categories to put first
 * (kept as given: a comma list, or a file of one name a line, read when the
 * rows are ordered). */
static int set_order(cli_args *a, const char *arg)
{
    sentraj_error err;

    if (sentraj_order_parse(arg, &a->cfg.order, &err) == SENTRAJ_OK)
        return 0;
    if (!*arg)
        return cli_usage_error("--order expects natural, name, value, or categories");
    a->fig.order = arg;
    return 0;
}

/* bench --engines: the engines that draw resamples (auto is a choice
 * between them, not one to time), each at most once in effect. */
static int set_engines(cli_args *a, const char *arg)
{
    char *copy = strdup(arg), *save = NULL;
    cli_bench_opts *b = &a->bench;

    b->nengines = 0;
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
        sentraj_engine e;
        sentraj_error err;
        if (sentraj_engine_parse(t, &e, &err) != SENTRAJ_OK || e == SENTRAJ_ENGINE_AUTO || b->nengines == 3) {
            free(copy);
            return cli_usage_error("--engines expects a comma list of index, multinomial, exact, not \"%s\"", arg);
        }
        b->engines[b->nengines++] = e;
    }
    free(copy);
    if (!b->nengines)
        return cli_usage_error("--engines expects at least one engine");
    return 0;
}

/* Grouped as the help texts group them. Two entries share a long name
 * where the commands mean different things by it (bench's --threads is a
 * list to sweep, simulate's --seed seeds the data rather than the
 * bootstrap); no command takes both. */
const cli_option cli_options[] = {
    /* general */
    {.name = "help", .letter = 'h', .commands = CMD_ALL, .help = "this help", .kind = CLI_HELP},
    {.name = "quiet", .letter = 'q', .commands = CMD_ALL & ~CMD_BENCH, .help = "no counts on standard error",
     .kind = CLI_FLAG, AT(out.quiet)},
    {.name = "output", .letter = 'o', .arg = "FILE", .commands = CMD_ALL,
     .help = "write here instead of standard output", .kind = CLI_STRING, AT(out.path)},
    {.name = "format", .arg = "F", .commands = FORMATTERS, .help = "csv|json|table (csv)", .kind = CLI_CHOICE,
     AT(out.format), .choices = formats},

    /* the filter */
    {.name = "min-human", .arg = "N", .commands = FILTERS,
     .help = "keep conversations with at least N human messages (6)", .kind = CLI_UINT, AT(cfg.min_human),
     .min = 1, .max = 1000000000},
    {.name = "window", .arg = "K", .commands = FILTERS,
     .help = "human messages averaged at the start and at the end (3)", .kind = CLI_UINT, AT(cfg.window), .min = 1,
     .max = 1000},

    /* the bootstrap */
    {.name = "resamples", .arg = "B", .commands = BOOTSTRAPPERS | CMD_BENCH | CMD_TEST, .help = "bootstrap resamples (1000)",
     .kind = CLI_UINT, AT(cfg.resamples), .min = 2, .max = 100000000},
    {.name = "level", .arg = "L", .commands = BOOTSTRAPPERS, .help = "confidence level (0.95)", .kind = CLI_REAL,
     AT(cfg.level), .lo = 0, .hi = 1, .open = 1, .what = "a number strictly between 0 and 1 (e.g. 0.95)"},
    {.name = "method", .arg = "M", .commands = BOOTSTRAPPERS | CMD_BENCH,
     .help = "percentile|basic|normal|bca|studentized (percentile)", .kind = CLI_ENUM, AT(cfg.method),
     .parse = parse_method},
    {.name = "engine", .arg = "E", .commands = BOOTSTRAPPERS, .help = "auto|index|multinomial|exact (auto)",
     .kind = CLI_ENUM, AT(cfg.engine), .parse = parse_engine},
    {.name = "alternative", .arg = "A", .commands = BOOTSTRAPPERS, .unlisted = FIGURE4_UNLISTED,
     .help = "two-sided|less|greater (two-sided)", .kind = CLI_ENUM, AT(cfg.alternative),
     .parse = parse_alternative},
    {.name = "sim", .arg = "S", .commands = BOOTSTRAPPERS, .help = "ordinary|balanced (ordinary)",
     .kind = CLI_ENUM, AT(cfg.sim), .parse = parse_sim},
    {.name = "seed", .arg = "S", .commands = BOOTSTRAPPERS | CMD_BENCH | CMD_TEST, .help = "random seed (42)",
     .kind = CLI_UINT, AT(cfg.seed), .min = 0, .max = UINT64_MAX},
    {.name = "threads", .arg = "T", .commands = READERS, .help = "threads, 0 = all cores (0)", .kind = CLI_UINT,
     AT(cfg.threads), .min = 0, .max = 1024},
    {.name = "cluster-by", .arg = "COL", .commands = BOOTSTRAPPERS,
     .help = "resample the values of column COL, each with all its conversations", .kind = CLI_NAME,
     AT(input.in.col_cluster)},
    {.name = "save-resamples", .arg = "FILE", .commands = CMD_ANALYZE,
     .help = "also write each category's resampled means to FILE", .kind = CLI_STRING, AT(out.save_resamples)},
    {.name = "statistic", .arg = "S", .commands = STATISTICS,
     .help = "mean|median|trimmed:F|share-up|share-down|share-same (mean)", .kind = CLI_CUSTOM,
     .set = set_statistic},
    {.name = "small", .arg = "N", .commands = BOOTSTRAPPERS | CMD_TEST,
     .help = "status small for rows with an interval from fewer than N conversations (30)", .kind = CLI_UINT,
     AT(cfg.small), .min = 0, .max = 1000000000},
    {.name = "by-start", .commands = CMD_ANALYZE,
     .help = "rows CATEGORY|START: the change within each starting level", .kind = CLI_FLAG, AT(stats.by_start)},

    /* the input */
    {.name = "input-format", .arg = "F", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "auto|csv|jsonl|convokit (auto)", .kind = CLI_CUSTOM, .set = set_input_format},
    {.name = "scale", .arg = "3|5|7|FILE", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "a built-in label scale of 3, 5 or 7 points, or \"label,value\" lines", .kind = CLI_STRING,
     AT(input.scale_path)},
    {.name = "categories", .arg = "FILE", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "CSV of conversation_id,categories joined to the messages", .kind = CLI_STRING,
     AT(input.categories_path)},
    {.name = "category-sep", .arg = "C", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "the character between category names (;)", .kind = CLI_CUSTOM, .set = set_category_sep},
    {.name = "col-id", .arg = "NAME", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "column (CSV) or key (JSONL) of the conversation id", .kind = CLI_NAME, AT(input.in.col_id)},
    {.name = "col-index", .arg = "NAME", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "column (CSV) or key (JSONL) of the message index", .kind = CLI_NAME, AT(input.in.col_index)},
    {.name = "col-role", .arg = "NAME", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "column (CSV) or key (JSONL) of the role", .kind = CLI_NAME, AT(input.in.col_role)},
    {.name = "col-sentiment", .arg = "NAME", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "column (CSV) or key (JSONL) of the sentiment", .kind = CLI_NAME, AT(input.in.col_sentiment)},
    {.name = "col-categories", .arg = "NAME", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "column (CSV) or key (JSONL) of the categories", .kind = CLI_NAME, AT(input.in.col_categories)},
    {.name = "label-key", .arg = "K", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "ConvoKit: utterance meta key of the label", .kind = CLI_STRING, AT(input.in.label_key)},
    {.name = "role-key", .arg = "K", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "ConvoKit: utterance meta key of the role", .kind = CLI_STRING, AT(input.in.role_key)},
    {.name = "speaker-roles", .arg = "FILE", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "ConvoKit: a speaker,role CSV", .kind = CLI_STRING, AT(input.in.speaker_roles)},
    {.name = "category-key", .arg = "K", .commands = READERS, .unlisted = FIGURE4_UNLISTED,
     .help = "ConvoKit: conversation meta key of the categories", .kind = CLI_STRING, AT(input.in.category_key)},

    /* the rows */
    {.name = "order", .arg = "O", .commands = CMD_ANALYZE | NAMERS,
     .help = "natural|name|value, or the categories to put first (a comma list or a file of one a line)",
     .kind = CLI_CUSTOM, .set = set_order},

    /* the figure */
    {.name = "title", .arg = "TEXT", .commands = DRAWERS, .help = "figure title", .kind = CLI_STRING,
     AT(fig.title)},
    {.name = "width", .arg = "PT", .commands = DRAWERS, .help = "figure width in points, 1/72 inch (900)",
     .kind = CLI_UINT, AT(fig.width), .min = 100, .max = 10000},
    {.name = "height", .arg = "PT", .commands = DRAWERS, .help = "figure height in points (560)",
     .kind = CLI_UINT, AT(fig.height), .min = 100, .max = 10000},
    {.name = "dpi", .arg = "N", .commands = DRAWERS, .help = "PNG resolution (72)", .kind = CLI_UINT,
     AT(fig.dpi), .min = 10, .max = 2400},
    {.name = "labels", .arg = "LIST", .commands = NAMERS, .help = "display names: NAME=TEXT,NAME=TEXT,...",
     .kind = CLI_STRING, AT(fig.labels)},

    /* positions */
    {.name = "max-position", .arg = "N", .commands = CMD_POSITIONS, .help = "positions 1..N (10)",
     .kind = CLI_UINT, AT(pos.max_position), .min = 1, .max = 10000},
    {.name = "bins", .arg = "K", .commands = CMD_POSITIONS, .help = "instead: K equal fractions of each conversation",
     .kind = CLI_UINT, AT(pos.bins), .min = 1, .max = 1000},
    {.name = "all-conversations", .commands = CMD_POSITIONS,
     .help = "every conversation with a human message, not only those with at least --min-human",
     .kind = CLI_FLAG, AT(pos.all_conversations)},
    {.name = "figure", .arg = "FILE", .commands = FIGURE_FILES,
     .help = "also draw the figure to FILE (.png, .svg or .pdf; repeatable)", .kind = CLI_REPEAT,
     AT(pos.figures)},

    /* compare */
    {.name = "reference", .arg = "CAT", .commands = CMD_COMPARE, .help = "each other category against CAT",
     .kind = CLI_STRING, AT(stats.reference)},
    {.name = "pairs", .arg = "LIST", .commands = CMD_COMPARE, .help = "these differences: A:B,C:D,...",
     .kind = CLI_STRING, AT(stats.pairs)},

    /* sensitivity */
    {.name = "windows", .arg = "LIST", .commands = CMD_SENSITIVITY, .help = "comma list of windows (1,2,3,4)",
     .kind = CLI_UINT_LIST, AT(stats.windows), .min = 1, .max = 1000},
    {.name = "min-humans", .arg = "LIST", .commands = CMD_SENSITIVITY,
     .help = "comma list of minimum human messages (4,6,8,10,15,20)", .kind = CLI_UINT_LIST, AT(stats.min_humans),
     .min = 1, .max = 1000000000},

    /* simulate */
    {.name = "conversations", .arg = "N", .commands = CMD_SIMULATE, .help = "number of conversations (3000)",
     .kind = CLI_UINT, AT(simulate.model.conversations), .min = 1, .max = UINT64_C(1000000000000)},
    {.name = "seed", .arg = "S", .commands = CMD_SIMULATE, .help = "random seed (1)", .kind = CLI_UINT,
     AT(simulate.model.seed), .min = 0, .max = UINT64_MAX},
    {.name = "multi-category", .arg = "P", .commands = CMD_SIMULATE,
     .help = "share of conversations with two categories (0.15)", .kind = CLI_REAL,
     AT(simulate.model.multi_category), .lo = 0, .hi = 1, .what = "a share between 0 and 1"},
    {.name = "short-share", .arg = "P", .commands = CMD_SIMULATE,
     .help = "share with fewer than 6 human messages (0.55)", .kind = CLI_REAL, AT(simulate.model.short_share),
     .lo = 0, .hi = 1, .what = "a share between 0 and 1"},
    {.name = "users", .arg = "N", .commands = CMD_SIMULATE, .help = "conversations belong to N users (0: none)",
     .kind = CLI_UINT, AT(simulate.model.users), .min = 0, .max = 1000000000},
    {.name = "user-effect", .arg = "SD", .commands = CMD_SIMULATE,
     .help = "standard deviation of each user's shift of the drift (0); needs --users", .kind = CLI_REAL,
     AT(simulate.model.user_effect), .lo = 0, .hi = 0.2, .what = "a standard deviation between 0 and 0.2"},
    {.name = "truth", .arg = "FILE", .commands = CMD_SIMULATE, .help = "also write the true mean deltas to FILE",
     .kind = CLI_STRING, AT(simulate.truth)},

    /* bench */
    {.name = "engines", .arg = "LIST", .commands = CMD_BENCH,
     .help = "comma list of index, multinomial, exact (all three)", .kind = CLI_CUSTOM, .set = set_engines},
    {.name = "threads", .arg = "LIST", .commands = CMD_BENCH, .help = "comma list of thread counts (1 and all cores)",
     .kind = CLI_UINT_LIST, AT(bench.threads), .min = 1, .max = 1024},
    {.name = "n", .arg = "LIST", .commands = CMD_BENCH, .help = "comma list of sample sizes (1000,10000,100000)",
     .kind = CLI_UINT_LIST, AT(bench.n), .min = 2, .max = 100000000},
    {.name = "runs", .arg = "R", .commands = CMD_BENCH, .help = "runs per cell, the median is reported (5)",
     .kind = CLI_UINT, AT(bench.runs), .min = 1, .max = 1000},
    {.name = "quick", .commands = CMD_BENCH, .help = "one small cell per engine, one run: a smoke test",
     .kind = CLI_FLAG, AT(bench.quick)},
    {.name = "format", .arg = "F", .commands = CMD_BENCH, .help = "csv|table (table)", .kind = CLI_CHOICE,
     AT(out.format), .choices = bench_formats},
};

const size_t cli_noptions = sizeof cli_options / sizeof cli_options[0];

_Static_assert(sizeof cli_options / sizeof cli_options[0] <= CLI_MAX_OPTIONS,
               "cli_parse builds its getopt tables on the stack: raise CLI_MAX_OPTIONS");
