/* parse.c - reading a command's argv with the option table alone. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* getopt_long's value for an option without a letter: past every char. */
#define LONG_ONLY 256

/* An unsigned decimal integer in [lo, hi]. strtoull alone would take a
 * sign (wrapping "-1" to 2^64 - 1) or leading blanks. */
static int read_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (*end || errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Store v in an unsigned integer field of either width the table allows
 * (the test of the table checks every entry's size and range). */
static void store_uint(void *field, size_t size, uint64_t v)
{
    if (size == sizeof(uint32_t)) {
        uint32_t x = (uint32_t)v;
        memcpy(field, &x, sizeof x);
    } else {
        memcpy(field, &v, sizeof v);
    }
}

static int read_real(const char *name, const cli_option *opt, const char *s, double *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (!*s || *end || errno || !(opt->open ? v > opt->lo && v < opt->hi : v >= opt->lo && v <= opt->hi))
        return cli_usage_error("%s expects %s, not \"%s\"", name, opt->what, s);
    *out = v;
    return 0;
}

static int read_choice(const char *name, const cli_option *opt, const char *s, const char **out)
{
    char words[200];
    size_t len = 0, n = 0;

    for (size_t i = 0; opt->choices[i]; i++) {
        if (strcmp(s, opt->choices[i]) == 0) {
            *out = opt->choices[i];
            return 0;
        }
        n++;
    }
    /* "a, b or c" */
    words[0] = '\0';
    for (size_t i = 0; i < n && len < sizeof words; i++)
        len += (size_t)snprintf(words + len, sizeof words - len, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
                                opt->choices[i]);
    return cli_usage_error("%s expects %s, not \"%s\"", name, words, s);
}

static int read_list(const char *name, const cli_option *opt, const char *s, cli_uint_list *l)
{
    char *copy = strdup(s), *save = NULL;
    l->n = 0;
    if (!copy) {
        fprintf(stderr, "sentraj %s: out of memory (%s)\n", cli_cmd, name);
        return 71;
    }
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (l->n == CLI_MAX_LIST || read_uint(t, opt->min, opt->max, &l->v[l->n]) != 0) {
            free(copy);
            return cli_usage_error("%s expects a comma list of up to %d integers between %llu and %llu, not \"%s\"",
                                   name, CLI_MAX_LIST, (unsigned long long)opt->min, (unsigned long long)opt->max, s);
        }
        l->n++;
    }
    free(copy);
    if (l->n == 0)
        return cli_usage_error("%s expects at least one value", name);
    return 0;
}

/* Read arg as opt says, into a. Returns 0 or the exit code after the message. */
static int set_option(const cli_command *cmd, const cli_option *opt, cli_args *a, const char *arg)
{
    char name[64];
    void *field = (char *)a + opt->offset;
    sentraj_error err;
    uint64_t v;

    snprintf(name, sizeof name, "--%s", opt->name);
    switch (opt->kind) {
    case CLI_HELP:
        fputs(cmd->help, stdout);
        return CLI_DONE;
    case CLI_FLAG:
        *(int *)field = 1;
        return 0;
    case CLI_UINT:
        if (read_uint(arg, opt->min, opt->max, &v) != 0)
            return cli_usage_error("%s expects an integer between %llu and %llu, not \"%s\"", name,
                                   (unsigned long long)opt->min, (unsigned long long)opt->max, arg);
        store_uint(field, opt->size, v);
        return 0;
    case CLI_REAL:
        return read_real(name, opt, arg, field);
    case CLI_ENUM:
        return opt->parse(arg, field, &err) == SENTRAJ_OK ? 0 : cli_usage_error("%s", err.message);
    case CLI_CHOICE:
        return read_choice(name, opt, arg, field);
    case CLI_NAME:
        if (!*arg)
            return cli_usage_error("%s expects a column name", name);
        *(const char **)field = arg;
        return 0;
    case CLI_STRING:
        *(const char **)field = arg;
        return 0;
    case CLI_UINT_LIST:
        return read_list(name, opt, arg, field);
    case CLI_REPEAT: {
        cli_strings *l = field;
        if (l->n == CLI_MAX_REPEAT)
            return cli_usage_error("%s given more than %d times", name, l->n);
        l->v[l->n++] = arg;
        return 0;
    }
    case CLI_CUSTOM:
        return opt->set(a, arg);
    }
    return cli_usage_error("%s: no way to read it", name);
}

static void defaults(cli_args *a)
{
    static const sentraj_engine engines[] = {SENTRAJ_ENGINE_INDEX, SENTRAJ_ENGINE_MULTINOMIAL, SENTRAJ_ENGINE_EXACT};

    memset(a, 0, sizeof *a);
    sentraj_config_init(&a->cfg);
    sentraj_input_options_init(&a->input.in);
    sentraj_simulate_options_init(&a->simulate.model);
    memcpy(a->bench.engines, engines, sizeof engines);
    a->bench.nengines = 3;
    a->bench.runs = 5;
}

/* The getopt tables of the options cmd takes: longopts ends with a zero
 * entry, shorts starts with ':' so that a missing value is told apart. */
static void build(const cli_command *cmd, struct option *longopts, char *shorts)
{
    size_t n = 0, k = 0;

    shorts[k++] = ':';
    for (size_t i = 0; i < cli_noptions; i++) {
        const cli_option *o = &cli_options[i];
        if (!(o->commands & cmd->bit))
            continue;
        longopts[n++] = (struct option){o->name, o->arg ? required_argument : no_argument, NULL,
                                        o->letter ? o->letter : LONG_ONLY + (int)i};
        if (o->letter) {
            shorts[k++] = o->letter;
            if (o->arg)
                shorts[k++] = ':';
        }
    }
    longopts[n] = (struct option){NULL, 0, NULL, 0};
    shorts[k] = '\0';
}

/* The entry getopt_long's value c stands for. */
static const cli_option *entry(const cli_command *cmd, int c)
{
    if (c >= LONG_ONLY)
        return &cli_options[c - LONG_ONLY];
    for (size_t i = 0; i < cli_noptions; i++)
        if (cli_options[i].letter == c && (cli_options[i].commands & cmd->bit))
            return &cli_options[i];
    return NULL;
}

int cli_parse(const cli_command *cmd, int argc, char **argv, cli_args *a)
{
    struct option longopts[CLI_MAX_OPTIONS + 1];
    char shorts[2 * CLI_MAX_OPTIONS + 2];

    defaults(a);
    build(cmd, longopts, shorts);
    optind = 1;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, shorts, longopts, NULL), code;
        const cli_option *opt;
        if (c == -1)
            break;
        if (c == ':')
            return cli_usage_error("option %s needs a value", argv[optind - 1]);
        if (c == '?' || !(opt = entry(cmd, c)))
            return cli_usage_error("unknown option %s", argv[optind - 1]);
        if ((code = set_option(cmd, opt, a, optarg)) != 0)
            return code;
    }
    if (cmd->no_operands && optind < argc)
        return cli_usage_error("unexpected argument \"%s\" (%s takes no INPUT)", argv[optind], cmd->name);
    a->inputs = argv + optind;
    a->ninputs = argc - optind;
    return 0;
}

/* 0, or EXIT_USAGE after the message when output (of option opt) names one
 * of the run's input files: writing it would replace the data being read. */
static int output_not_input(const cli_args *a, const char *opt, const char *output)
{
    const char *named[] = {a->input.scale_path, a->input.categories_path, a->input.in.speaker_roles};

    if (!output || strcmp(output, "-") == 0)
        return 0;
    for (int i = 0; i < a->ninputs; i++)
        if (strcmp(a->inputs[i], "-") != 0 && cli_same_output(output, a->inputs[i]))
            return cli_usage_error("%s %s is an input of this run: it would be replaced", opt, output);
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (named[i] && cli_same_output(output, named[i]))
            return cli_usage_error("%s %s is an input of this run: it would be replaced", opt, output);
    return 0;
}

int cli_check_outputs(const cli_args *a)
{
    static const char *const figure4_files[] = {"figure4.csv", "figure4.png", "figure4.svg", "figure4.pdf"};
    int code = 0;

    if (strcmp(cli_cmd, "figure4") == 0) {
        for (size_t i = 0; i < sizeof figure4_files / sizeof figure4_files[0] && !code; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", a->out.path ? a->out.path : ".", figure4_files[i]);
            code = output_not_input(a, "output", path);
        }
        return code;
    }
    code = output_not_input(a, "-o", a->out.path);
    if (!code)
        code = output_not_input(a, "--save-resamples", a->out.save_resamples);
    for (int i = 0; i < a->pos.figures.n && !code; i++)
        code = output_not_input(a, "--figure", a->pos.figures.v[i]);
    return code;
}

int cli_check_config(const cli_args *a)
{
    sentraj_error err;
    int code;
    if ((code = cli_check_outputs(a)) != 0)
        return code;
    if (sentraj_config_check(&a->cfg, &err) != SENTRAJ_OK)
        return cli_usage_error("%s", err.message);
    if (a->input.in.col_cluster && a->cfg.engine == SENTRAJ_ENGINE_EXACT)
        return cli_usage_error("--cluster-by cannot use the exact engine (a resampled mean over clusters is a ratio "
                               "of two resampled sums): use --engine index or multinomial");
    if (a->input.in.col_cluster && a->input.in.format == SENTRAJ_INPUT_CONVOKIT)
        return cli_usage_error("--cluster-by reads a CSV column or a JSONL key; ConvoKit corpora have none");
    return 0;
}

int cli_check_analysis(const cli_args *a)
{
    int code = cli_check_config(a);
    if (code == 0 && a->ninputs == 0)
        code = cli_usage_error("no INPUT given (use - for standard input)");
    return code;
}

int cli_format_is(const cli_args *a, const char *fmt)
{
    return a->out.format && strcmp(a->out.format, fmt) == 0;
}
