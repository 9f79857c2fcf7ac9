/* common.c - option parsing, loading, output files and messages shared by the subcommands. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *cli_cmd = "sentraj";

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sentraj %s: ", cli_cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'sentraj %s --help'.\n", cli_cmd);
    return EXIT_USAGE;
}

int cli_fail(const sentraj_error *err)
{
    char buf[1200];
    fprintf(stderr, "sentraj %s: %s\n", cli_cmd, sentraj_error_format(err, buf, sizeof buf));
    return sentraj_status_exit_code(err->code);
}

void cli_note(const cli_opts *o, const char *fmt, ...)
{
    va_list ap;
    if (o && o->quiet)
        return;
    fprintf(stderr, "sentraj %s: ", cli_cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return cli_usage_error("%s expects an integer between %llu and %llu, not \"%s\"", opt,
                               (unsigned long long)lo, (unsigned long long)hi, s);
    errno = 0;
    v = strtoull(s, &end, 10);
    if (*end || errno || v < lo || v > hi)
        return cli_usage_error("%s expects an integer between %llu and %llu, not \"%s\"", opt,
                               (unsigned long long)lo, (unsigned long long)hi, s);
    *out = v;
    return 0;
}

static int parse_level(const char *s, double *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (!*s || *end || errno || !(v > 0 && v < 1))
        return cli_usage_error("--level expects a number strictly between 0 and 1 (e.g. 0.95), not \"%s\"", s);
    *out = v;
    return 0;
}

int cli_parse(int argc, char **argv, unsigned which, const char *help, cli_opts *o)
{
    enum { O_MIN = 256, O_WINDOW, O_RES, O_LEVEL, O_METHOD, O_ENGINE, O_SEED, O_THREADS, O_FORMAT, O_TITLE, O_WIDTH,
           O_HEIGHT, O_ORDER, O_LABELS, O_DPI, O_ALT, O_SIM, O_SAVE, O_INFMT, O_SCALE, O_CATS, O_COL_ID,
           O_COL_INDEX, O_COL_ROLE,
           O_COL_SENT, O_COL_CATS, O_LABEL_KEY, O_ROLE_KEY, O_SPEAKER_ROLES, O_CATEGORY_KEY, O_CLUSTER, O_MAXPOS,
           O_BINS, O_ALLCONV, O_FIGURE };
    struct option all[] = {
        {"min-human", required_argument, NULL, O_MIN}, {"window", required_argument, NULL, O_WINDOW},
        {"resamples", required_argument, NULL, O_RES}, {"level", required_argument, NULL, O_LEVEL},
        {"method", required_argument, NULL, O_METHOD}, {"engine", required_argument, NULL, O_ENGINE},
        {"seed", required_argument, NULL, O_SEED},     {"threads", required_argument, NULL, O_THREADS},
        {"format", required_argument, NULL, O_FORMAT}, {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},             {"help", no_argument, NULL, 'h'},
        {"title", required_argument, NULL, O_TITLE},   {"width", required_argument, NULL, O_WIDTH},
        {"height", required_argument, NULL, O_HEIGHT}, {"order", required_argument, NULL, O_ORDER},
        {"labels", required_argument, NULL, O_LABELS}, {"dpi", required_argument, NULL, O_DPI},
        {"alternative", required_argument, NULL, O_ALT}, {"sim", required_argument, NULL, O_SIM},
        {"save-resamples", required_argument, NULL, O_SAVE},
        {"input-format", required_argument, NULL, O_INFMT}, {"scale", required_argument, NULL, O_SCALE},
        {"categories", required_argument, NULL, O_CATS},    {"col-id", required_argument, NULL, O_COL_ID},
        {"col-index", required_argument, NULL, O_COL_INDEX}, {"col-role", required_argument, NULL, O_COL_ROLE},
        {"col-sentiment", required_argument, NULL, O_COL_SENT},
        {"col-categories", required_argument, NULL, O_COL_CATS},
        {"label-key", required_argument, NULL, O_LABEL_KEY}, {"role-key", required_argument, NULL, O_ROLE_KEY},
        {"speaker-roles", required_argument, NULL, O_SPEAKER_ROLES},
        {"category-key", required_argument, NULL, O_CATEGORY_KEY},
        {"cluster-by", required_argument, NULL, O_CLUSTER}, {"max-position", required_argument, NULL, O_MAXPOS},
        {"bins", required_argument, NULL, O_BINS},           {"all-conversations", no_argument, NULL, O_ALLCONV},
        {"figure", required_argument, NULL, O_FIGURE},
        {NULL, 0, NULL, 0},
    };
    struct option longopts[sizeof all / sizeof all[0]];
    size_t n = 0;
    sentraj_error err;
    uint64_t v = 0;

    for (size_t i = 0; all[i].name; i++) {
        int w = all[i].val;
        if (((w == O_MIN || w == O_WINDOW) && !(which & OPT_FILTER)) ||
            (((w >= O_RES && w < O_THREADS) || w == O_ALT || w == O_SIM) && !(which & OPT_BOOT)) ||
            (w == O_THREADS && !(which & (OPT_BOOT | OPT_INPUT))) ||
            (w == O_SAVE && !(which & OPT_SAVE)) || (w >= O_INFMT && w <= O_CATEGORY_KEY && !(which & OPT_INPUT)) || (w == O_FORMAT && !(which & OPT_FORMAT)) ||
            (w == 'o' && !(which & OPT_OUTPUT)) || ((w >= O_TITLE && w <= O_DPI) && !(which & OPT_FIGURE)) ||
            (w == O_CLUSTER && !(which & OPT_CLUSTER)) || (w >= O_MAXPOS && w <= O_FIGURE && !(which & OPT_POSITIONS)))
            continue;
        longopts[n++] = all[i];
    }
    longopts[n] = (struct option){NULL, 0, NULL, 0};

    sentraj_config_init(&o->cfg);
    o->format = "csv";
    o->output = NULL;
    o->quiet = 0;
    o->title = NULL;
    o->save_resamples = NULL;
    sentraj_input_options_init(&o->in);
    o->scale_path = NULL;
    o->categories_path = NULL;
    o->width = o->height = 0;
    o->order = o->labels = NULL;
    o->dpi = 0;
    o->max_position = o->bins = 0;
    o->all_conversations = 0;
    o->nfigures = 0;
    optind = 1;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, (which & OPT_OUTPUT) ? ":o:qh" : ":qh", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case O_MIN:
            if (parse_u64("--min-human", optarg, 1, 1000000000, &v))
                return EXIT_USAGE;
            o->cfg.min_human = (size_t)v;
            break;
        case O_WINDOW:
            if (parse_u64("--window", optarg, 1, 1000, &v))
                return EXIT_USAGE;
            o->cfg.window = (size_t)v;
            break;
        case O_RES:
            if (parse_u64("--resamples", optarg, 2, 100000000, &v))
                return EXIT_USAGE;
            o->cfg.resamples = (size_t)v;
            break;
        case O_LEVEL:
            if (parse_level(optarg, &o->cfg.level))
                return EXIT_USAGE;
            break;
        case O_METHOD:
            if (sentraj_method_parse(optarg, &o->cfg.method, &err) != SENTRAJ_OK)
                return cli_usage_error("%s", err.message);
            break;
        case O_ENGINE:
            if (sentraj_engine_parse(optarg, &o->cfg.engine, &err) != SENTRAJ_OK)
                return cli_usage_error("%s", err.message);
            break;
        case O_ALT:
            if (sentraj_alternative_parse(optarg, &o->cfg.alternative, &err) != SENTRAJ_OK)
                return cli_usage_error("%s", err.message);
            break;
        case O_SIM:
            if (sentraj_sim_parse(optarg, &o->cfg.sim, &err) != SENTRAJ_OK)
                return cli_usage_error("%s", err.message);
            break;
        case O_SAVE:
            o->save_resamples = optarg;
            o->cfg.keep_resamples = 1;
            break;
        case O_INFMT:
            if (strcmp(optarg, "auto") == 0)
                o->in.format = SENTRAJ_INPUT_AUTO;
            else if (strcmp(optarg, "csv") == 0)
                o->in.format = SENTRAJ_INPUT_CSV;
            else if (strcmp(optarg, "jsonl") == 0)
                o->in.format = SENTRAJ_INPUT_JSONL;
            else if (strcmp(optarg, "convokit") == 0)
                o->in.format = SENTRAJ_INPUT_CONVOKIT;
            else
                return cli_usage_error("--input-format expects auto, csv, jsonl or convokit, not \"%s\"", optarg);
            break;
        case O_SCALE:
            o->scale_path = optarg;
            break;
        case O_CATS:
            o->categories_path = optarg;
            break;
        case O_COL_ID:
        case O_COL_INDEX:
        case O_COL_ROLE:
        case O_COL_SENT:
        case O_COL_CATS:
            if (!*optarg)
                return cli_usage_error("%s expects a column name", argv[optind - 1]);
            *(c == O_COL_ID      ? &o->in.col_id
              : c == O_COL_INDEX ? &o->in.col_index
              : c == O_COL_ROLE  ? &o->in.col_role
              : c == O_COL_SENT  ? &o->in.col_sentiment
                                 : &o->in.col_categories) = optarg;
            break;
        case O_LABEL_KEY:
            o->in.label_key = optarg;
            break;
        case O_ROLE_KEY:
            o->in.role_key = optarg;
            break;
        case O_SPEAKER_ROLES:
            o->in.speaker_roles = optarg;
            break;
        case O_CATEGORY_KEY:
            o->in.category_key = optarg;
            break;
        case O_CLUSTER:
            if (!*optarg)
                return cli_usage_error("--cluster-by expects a column name");
            o->in.col_cluster = optarg;
            break;
        case O_MAXPOS:
            if (parse_u64("--max-position", optarg, 1, 10000, &v))
                return EXIT_USAGE;
            o->max_position = (size_t)v;
            break;
        case O_BINS:
            if (parse_u64("--bins", optarg, 1, 1000, &v))
                return EXIT_USAGE;
            o->bins = (size_t)v;
            break;
        case O_ALLCONV:
            o->all_conversations = 1;
            break;
        case O_FIGURE:
            if (o->nfigures == (int)(sizeof o->figures / sizeof o->figures[0]))
                return cli_usage_error("--figure given more than %d times", o->nfigures);
            o->figures[o->nfigures++] = optarg;
            break;
        case O_SEED:
            if (parse_u64("--seed", optarg, 0, UINT64_MAX, &v))
                return EXIT_USAGE;
            o->cfg.seed = v;
            break;
        case O_THREADS:
            if (parse_u64("--threads", optarg, 0, 1024, &v))
                return EXIT_USAGE;
            o->cfg.threads = (unsigned)v;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "table") != 0 && strcmp(optarg, "json") != 0)
                return cli_usage_error("--format expects csv, json or table, not \"%s\"", optarg);
            o->format = optarg;
            break;
        case O_TITLE:
            o->title = optarg;
            break;
        case O_WIDTH:
        case O_HEIGHT:
            if (parse_u64(c == O_WIDTH ? "--width" : "--height", optarg, 100, 10000, &v))
                return EXIT_USAGE;
            *(c == O_WIDTH ? &o->width : &o->height) = (int)v;
            break;
        case O_ORDER:
            o->order = optarg;
            break;
        case O_LABELS:
            o->labels = optarg;
            break;
        case O_DPI:
            if (parse_u64("--dpi", optarg, 10, 2400, &v))
                return EXIT_USAGE;
            o->dpi = (int)v;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'h':
            fputs(help, stdout);
            return 0;
        case ':':
            return cli_usage_error("option %s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    if (sentraj_config_check(&o->cfg, &err) != SENTRAJ_OK)
        return cli_usage_error("%s", err.message);
    if (o->in.col_cluster && o->cfg.engine == SENTRAJ_ENGINE_EXACT)
        return cli_usage_error("--cluster-by cannot use the exact engine (a resampled mean over clusters is a ratio "
                               "of two resampled sums): use --engine index or multinomial");
    if (o->in.col_cluster && o->in.format == SENTRAJ_INPUT_CONVOKIT)
        return cli_usage_error("--cluster-by reads a CSV column or a JSONL key; ConvoKit corpora have none");
    o->inputs = argv + optind;
    o->ninputs = argc - optind;
    return -1;
}

/* ---- --order and --labels lists ------------------------------------- */

void cli_list_free(cli_list *l)
{
    free(l->buf);
    free(l->keys);
    free(l->vals);
    memset(l, 0, sizeof *l);
}

/* Drop the blanks around s (in place). */
static char *trim(char *s)
{
    size_t n;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Split arg at unescaped commas into items with blanks trimmed; with pairs,
 * each item is NAME=TEXT split at its first unescaped '='. A backslash
 * escapes ',', '=' or itself. Returns 0, or EXIT_USAGE after the message. */
int cli_list_parse(const char *opt, const char *arg, int pairs, cli_list *l)
{
    size_t len = strlen(arg), cap = 1, o = 0, key = 0, val = 0;
    int has_eq = 0;

    memset(l, 0, sizeof *l);
    for (size_t i = 0; i < len; i++)
        cap += arg[i] == ',';
    l->buf = malloc(len + 2);
    l->keys = calloc(cap, sizeof *l->keys);
    l->vals = calloc(cap, sizeof *l->vals);
    if (!l->buf || !l->keys || !l->vals) {
        cli_list_free(l);
        fprintf(stderr, "sentraj %s: out of memory (%s)\n", cli_cmd, opt);
        return 71;
    }
    for (size_t i = 0;; i++) {
        char c = arg[i];
        if (c == '\\') {
            char e = arg[i + 1];
            if (e != ',' && e != '=' && e != '\\') {
                cli_list_free(l);
                return cli_usage_error("%s: a backslash must be followed by ',', '=' or '\\' in \"%s\"", opt, arg);
            }
            l->buf[o++] = e;
            i++;
        } else if (c == ',' || c == '\0') {
            l->buf[o++] = '\0';
            if (pairs && !has_eq) {
                const char *item = trim(l->buf + key);
                int rc = *item ? cli_usage_error("%s: \"%s\" is not NAME=TEXT", opt, item)
                               : cli_usage_error("%s: empty item in \"%s\"", opt, arg);
                cli_list_free(l);
                return rc;
            }
            l->keys[l->n] = trim(l->buf + key);
            l->vals[l->n] = pairs ? trim(l->buf + val) : NULL;
            if (!*l->keys[l->n]) {
                cli_list_free(l);
                return cli_usage_error("%s: empty %s in \"%s\"", opt, pairs ? "category name" : "item", arg);
            }
            l->n++;
            key = o;
            has_eq = 0;
            if (c == '\0')
                break;
        } else if (c == '=' && pairs && !has_eq) {
            l->buf[o++] = '\0';
            val = o;
            has_eq = 1;
        } else
            l->buf[o++] = c;
    }
    return 0;
}

/* A one-line progress display on a terminal's standard error, redrawn at
 * most ten times a second. */
typedef struct progress {
    double start, last;
    int shown;
} progress;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void show_progress(void *ctx, const char *input, uint64_t done, uint64_t total)
{
    progress *p = ctx;
    double t = now_seconds(), mb = (double)done / 1e6, rate;
    if (t - p->last < 0.1 || t - p->start < 0.5)
        return;
    p->last = t;
    rate = mb / (t - p->start);
    if (total)
        fprintf(stderr, "\rsentraj %s: reading %s %3.0f%%  %.1f MB  %.0f MB/s\033[K", cli_cmd, input,
                100.0 * (double)done / (double)total, mb, rate);
    else
        fprintf(stderr, "\rsentraj %s: reading %s  %.1f MB  %.0f MB/s\033[K", cli_cmd, input, mb, rate);
    p->shown = 1;
}

static void end_progress(progress *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = 0;
}

sentraj_dataset *cli_load(const cli_opts *o, char **inputs, int ninputs, int *code)
{
    progress prog = {now_seconds(), 0, 0};
    sentraj_error err;
    sentraj_dataset *ds = sentraj_dataset_alloc(&o->cfg, &err);
    sentraj_input_options in = o->in;
    sentraj_scale *scale = NULL;
    const sentraj_counts *c;
    struct stat st;

    if (!ds) {
        *code = cli_fail(&err);
        return NULL;
    }
    if (o->scale_path) {
        scale = sentraj_scale_read(o->scale_path, &err);
        if (!scale)
            goto fail;
        in.scale = scale;
    }
    if (sentraj_dataset_set_input(ds, &in, &err) != SENTRAJ_OK)
        goto fail;
    for (int i = 0; i < ninputs; i++) {
        if (!sentraj_summary_detect(inputs[i]))
            continue;
        if (strcmp(cli_cmd, "summarize") == 0)
            *code = cli_usage_error("%s is already a summary: add summaries up with 'sentraj merge'", inputs[i]);
        else
            *code = cli_usage_error("%s is a summary: 'sentraj %s' needs the messages themselves", inputs[i], cli_cmd);
        goto out;
    }
    if (!o->quiet && isatty(STDERR_FILENO))
        sentraj_dataset_set_progress(ds, show_progress, &prog);
    for (int i = 0; i < ninputs; i++) {
        int stdin_twice = 0;
        for (int j = 0; j < i; j++)
            stdin_twice |= strcmp(inputs[i], "-") == 0 && strcmp(inputs[j], "-") == 0;
        if (stdin_twice) {
            *code = cli_usage_error("standard input (-) can be read only once");
            goto out;
        }
        if (o->in.col_cluster && strcmp(inputs[i], "-") != 0 && stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            *code = cli_usage_error("--cluster-by reads a CSV column or a JSONL key; %s is a ConvoKit corpus "
                                    "directory, which has none",
                                    inputs[i]);
            goto out;
        }
        if (strcmp(inputs[i], "-") == 0 && isatty(STDIN_FILENO))
            cli_note(o, "reading from standard input (end with Ctrl-D)");
        if (sentraj_dataset_read(ds, inputs[i], &err) != SENTRAJ_OK)
            goto fail;
    }
    if (o->categories_path && sentraj_dataset_read_categories(ds, o->categories_path, &err) != SENTRAJ_OK)
        goto fail;
    end_progress(&prog);
    if (sentraj_dataset_finish(ds, &err) != SENTRAJ_OK)
        goto fail;
    /* The scale must outlive the data set's reading only: finished data
     * sets keep no pointer into it that is used again. */
    c = sentraj_dataset_counts(ds);
    cli_note(o,
             "read %llu row%s (%llu human, %llu assistant, %llu system/tool) in %llu conversation%s; kept %llu with "
             ">= %zu human messages, dropped %llu with fewer",
             (unsigned long long)c->rows, c->rows == 1 ? "" : "s", (unsigned long long)c->human_messages,
             (unsigned long long)c->assistant_messages, (unsigned long long)c->ignored_messages,
             (unsigned long long)c->conversations, c->conversations == 1 ? "" : "s", (unsigned long long)c->kept,
             o->cfg.min_human, (unsigned long long)c->dropped_short);
    if (c->kept_without_category)
        cli_note(o, "%llu kept conversation%s no category: counted only in \"all\"",
                 (unsigned long long)c->kept_without_category, c->kept_without_category == 1 ? " has" : "s have");
    if (c->categories_unmatched)
        cli_note(o, "%llu row%s of %s name%s conversation%s without messages", (unsigned long long)c->categories_unmatched,
                 c->categories_unmatched == 1 ? "" : "s", o->categories_path, c->categories_unmatched == 1 ? "s a" : "",
                 c->categories_unmatched == 1 ? "" : "s");
    if (c->kept == 0)
        cli_note(o, "no conversation has %zu or more human messages", o->cfg.min_human);
    if (sentraj_dataset_cluster_by(ds))
        cli_note(o, "resampling clusters: the kept conversations belong to %zu distinct %s value%s",
                 sentraj_dataset_clusters(ds), sentraj_dataset_cluster_by(ds),
                 sentraj_dataset_clusters(ds) == 1 ? "" : "s");
    *code = 0;
    sentraj_scale_free(scale);
    return ds;
fail:
    end_progress(&prog);
    *code = cli_fail(&err);
out:
    sentraj_dataset_free(ds);
    sentraj_scale_free(scale);
    return NULL;
}

/* ---- summaries ------------------------------------------------------------ */

sentraj_summary *cli_read_summaries(const cli_opts *o, char **inputs, int ninputs, int check, int *code)
{
    sentraj_summary *all = NULL, *s = NULL;
    sentraj_scale *scale = NULL;
    sentraj_error err;
    const sentraj_counts *c;

    if (check && o->scale_path && !(scale = sentraj_scale_read(o->scale_path, &err)))
        goto fail;
    for (int i = 0; i < ninputs; i++) {
        for (int j = 0; j < i; j++) {
            if (strcmp(inputs[i], "-") == 0 && strcmp(inputs[j], "-") == 0) {
                *code = cli_usage_error("standard input (-) can be read only once");
                goto out;
            }
        }
        if (!(s = sentraj_summary_read(inputs[i], &err)))
            goto fail;
        if (check && sentraj_summary_check(s, &o->cfg, scale, &err) != SENTRAJ_OK)
            goto fail;
        if (!all) {
            all = s;
        } else {
            if (sentraj_summary_merge(all, s, &err) != SENTRAJ_OK)
                goto fail;
            sentraj_summary_free(s);
        }
        s = NULL;
    }
    sentraj_scale_free(scale);
    c = sentraj_summary_counts(all);
    cli_note(o,
             "%s%s %llu row%s (%llu human, %llu assistant, %llu system/tool) in %llu conversation%s; kept %llu "
             "with >= %zu human messages, dropped %llu with fewer",
             ninputs == 1 ? "" : "merged ", ninputs == 1 ? "summary of" : "summaries of",
             (unsigned long long)c->rows, c->rows == 1 ? "" : "s", (unsigned long long)c->human_messages,
             (unsigned long long)c->assistant_messages, (unsigned long long)c->ignored_messages,
             (unsigned long long)c->conversations, c->conversations == 1 ? "" : "s", (unsigned long long)c->kept,
             sentraj_summary_min_human(all), (unsigned long long)c->dropped_short);
    if (c->kept_without_category)
        cli_note(o, "%llu kept conversation%s no category: counted only in \"all\"",
                 (unsigned long long)c->kept_without_category, c->kept_without_category == 1 ? " has" : "s have");
    if (c->categories_unmatched)
        cli_note(o, "%llu row%s of the categories table%s name%s conversation%s without messages",
                 (unsigned long long)c->categories_unmatched, c->categories_unmatched == 1 ? "" : "s",
                 ninputs == 1 ? "" : "s", c->categories_unmatched == 1 ? "s a" : "",
                 c->categories_unmatched == 1 ? "" : "s");
    if (c->kept == 0)
        cli_note(o, "no conversation has %zu or more human messages", sentraj_summary_min_human(all));
    *code = 0;
    return all;
fail:
    *code = cli_fail(&err);
out:
    sentraj_summary_free(s);
    sentraj_summary_free(all);
    sentraj_scale_free(scale);
    return NULL;
}

sentraj_analysis *cli_analyze(const cli_opts *o, char **inputs, int ninputs, sentraj_counts *counts, int *code)
{
    int summary = -1, raw = -1;
    sentraj_analysis *a;
    sentraj_error err;

    for (int i = 0; i < ninputs && (summary < 0 || raw < 0); i++) {
        if (sentraj_summary_detect(inputs[i]))
            summary = summary < 0 ? i : summary;
        else
            raw = raw < 0 ? i : raw;
    }
    if (summary < 0) {
        sentraj_dataset *ds = cli_load(o, inputs, ninputs, code);
        if (!ds)
            return NULL;
        a = sentraj_analyze(ds, &o->cfg, &err);
        *counts = *sentraj_dataset_counts(ds);
        sentraj_dataset_free(ds);
    } else {
        sentraj_summary *s;
        if (raw >= 0) {
            *code = cli_usage_error("%s is a summary and %s is not: give either summaries or messages%s",
                                    inputs[summary], inputs[raw],
                                    strcmp(inputs[raw], "-") == 0
                                        ? " (standard input is read as messages; give a summary as a file)"
                                        : "");
            return NULL;
        }
        if (o->categories_path) {
            *code = cli_usage_error("--categories joins categories to messages; a summary has its categories already");
            return NULL;
        }
        if (o->in.col_cluster) {
            *code = cli_usage_error("--cluster-by needs the messages: a summary has no clusters to resample");
            return NULL;
        }
        if (!(s = cli_read_summaries(o, inputs, ninputs, 1, code)))
            return NULL;
        a = sentraj_analyze_summary(s, &o->cfg, &err);
        *counts = *sentraj_summary_counts(s);
        sentraj_summary_free(s);
    }
    if (!a)
        *code = cli_fail(&err);
    return a;
}

/* ---- output files and signals ---------------------------------------- */

#define MAX_OUT 8
static sentraj_outfile *volatile live_out[MAX_OUT];

static void on_signal(int sig)
{
    for (int i = 0; i < MAX_OUT; i++) {
        const char *t = live_out[i] ? sentraj_outfile_temp_path(live_out[i]) : NULL;
        if (t)
            unlink(t);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
}

static void track(sentraj_outfile *out, sentraj_outfile *with)
{
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    for (int i = 0; i < MAX_OUT; i++) {
        if (live_out[i] == out) {
            live_out[i] = with;
            break;
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

sentraj_outfile *cli_out_open(const char *path, int *code)
{
    sentraj_error err;
    sentraj_outfile *out;
    sigset_t all, old;

    struct stat st;
    /* A signal between creating the temporary file and registering it
     * would leave the file behind: hold signals until both are done. Not
     * for devices and FIFOs: they are opened directly (no temporary file),
     * and opening a FIFO blocks until a reader comes, which must stay
     * interruptible. */
    int direct = strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode));
    sigfillset(&all);
    if (!direct)
        sigprocmask(SIG_BLOCK, &all, &old);
    out = sentraj_outfile_open(path, &err);
    if (out)
        track(NULL, out);
    if (!direct)
        sigprocmask(SIG_SETMASK, &old, NULL);
    if (!out) {
        *code = cli_fail(&err);
        return NULL;
    }
    *code = 0;
    return out;
}

/* The file a path names once its directory is resolved ("x.csv" and
 * "./x.csv" agree even before the file exists); malloc'ed, or NULL. */
static char *resolved(const char *p)
{
    const char *slash = strrchr(p, '/');
    char *dir = slash ? strndup(p, (size_t)(slash - p) + (slash == p)) : strdup(".");
    char *real = dir ? realpath(dir, NULL) : NULL, *out = NULL;
    const char *base = slash ? slash + 1 : p;
    if (real && (out = malloc(strlen(real) + strlen(base) + 2)))
        sprintf(out, "%s/%s", real, base);
    free(dir);
    free(real);
    return out;
}

int cli_same_output(const char *a, const char *b)
{
    struct stat sa, sb;
    char *ra, *rb;
    int same;
    if (!a || !b)
        return 0;
    if (strcmp(a, b) == 0)
        return 1;
    if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
        return 0;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    ra = resolved(a);
    rb = resolved(b);
    same = ra && rb && strcmp(ra, rb) == 0;
    free(ra);
    free(rb);
    return same;
}

int cli_out_commit(sentraj_outfile *out)
{
    sentraj_error err;
    sigset_t all, old;
    int rc;
    /* The rename must not race the handler's unlink of the same temp name. */
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    track(out, NULL);
    rc = sentraj_outfile_commit(out, &err);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc == SENTRAJ_OK ? 0 : cli_fail(&err);
}

void cli_out_abort(sentraj_outfile *out)
{
    if (!out)
        return;
    track(out, NULL);
    sentraj_outfile_abort(out);
}

int cli_out_commit_all(sentraj_outfile **outs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int code = cli_out_commit(outs[i]);
        outs[i] = NULL;
        if (code)
            return code;
    }
    return 0;
}

int cli_out_finish(sentraj_outfile *out, int rc, const sentraj_error *err)
{
    if (rc != SENTRAJ_OK) {
        cli_out_abort(out);
        return cli_fail(err);
    }
    return cli_out_commit(out);
}

sentraj_run_info cli_run_info(const cli_opts *o, char **inputs, int ninputs, const sentraj_counts *counts)
{
    sentraj_run_info info;
    info.command = cli_cmd;
    info.inputs = (const char *const *)inputs;
    info.ninputs = (size_t)ninputs;
    info.counts = counts;
    info.scale = o->scale_path;
    info.categories = o->categories_path;
    return info;
}

const char *cli_fixture_path(void)
{
    /* The installed copy first, so an installed sentraj never depends on
     * the source tree it was built from. */
    static const char *const candidates[] = {
        SENTRAJ_FIXTURE_DIR "/conversations.csv",
        SENTRAJ_SOURCE_FIXTURE_DIR "/conversations.csv",
    };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return NULL;
}

int cli_figure_usage(const sentraj_error *err)
{
    if (strncmp(err->message, "figure order:", 13) == 0)
        return cli_usage_error("--order:%s", err->message + 13);
    if (strncmp(err->message, "figure labels:", 14) == 0)
        return cli_usage_error("--labels:%s", err->message + 14);
    return cli_usage_error("%s", err->message);
}

int cli_figure_options(const cli_opts *o, sentraj_figure_options *fo, cli_list *order, cli_list *lab,
                       sentraj_figure_label **labels)
{
    int code;
    sentraj_figure_options_init(fo);
    if (o->title)
        fo->title = o->title;
    if (o->width)
        fo->width = o->width;
    if (o->height)
        fo->height = o->height;
    if (o->dpi)
        fo->dpi = o->dpi;
    if (o->order) {
        if ((code = cli_list_parse("--order", o->order, 0, order)) != 0)
            return code;
        fo->order = (const char *const *)order->keys;
        fo->norder = order->n;
    }
    if (o->labels) {
        if ((code = cli_list_parse("--labels", o->labels, 1, lab)) != 0)
            return code;
        *labels = calloc(lab->n, sizeof **labels);
        if (!*labels) {
            fprintf(stderr, "sentraj %s: out of memory (--labels)\n", cli_cmd);
            return 71;
        }
        for (size_t i = 0; i < lab->n; i++) {
            (*labels)[i].category = lab->keys[i];
            (*labels)[i].text = lab->vals[i];
        }
        fo->labels = *labels;
        fo->nlabels = lab->n;
    }
    return 0;
}

int cli_write_summary(const cli_opts *o, sentraj_summary *s)
{
    sentraj_outfile *out;
    sentraj_error err;
    int code, rc;

    out = cli_out_open(o->output ? o->output : "-", &code);
    if (!out) {
        sentraj_summary_free(s);
        return code;
    }
    rc = sentraj_summary_write(sentraj_outfile_stream(out), sentraj_outfile_name(out), s, &err);
    sentraj_summary_free(s);
    return cli_out_finish(out, rc, &err);
}
