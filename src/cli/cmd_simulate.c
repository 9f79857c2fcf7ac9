/* cmd_simulate.c - sentraj simulate: synthetic labelled conversations with a known drift. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Usage: sentraj simulate [options] -o FILE\n"
    "\n"
    "Writes synthetic conversations in the input CSV format: four categories with\n"
    "known drifts (coaching +0.20, counseling +0.25, companionship +0.10,\n"
    "interpersonal advice +0.15), some conversations in two categories,\n"
    "heavy-tailed lengths with many below 6 human messages, and labels spelled in\n"
    "varied forms. The same options always give the same bytes. The model is\n"
    "described in docs/simulate.md.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE       where to write the CSV (- for standard output)\n"
    "  --conversations N       number of conversations (3000)\n"
    "  --seed S                random seed (1)\n"
    "  --multi-category P      share of conversations with two categories (0.15)\n"
    "  --short-share P         share with fewer than 6 human messages (0.55)\n"
    "  --users N               conversations belong to N users (a few heavy, many\n"
    "                          light) and the CSV gets a user_id column (0: none)\n"
    "  --user-effect SD        each user shifts the drift of all their conversations\n"
    "                          by a draw with mean 0 and standard deviation SD, at\n"
    "                          most 0.2 (0); needs --users\n"
    "  --truth FILE            also write category,conversations,true_mean_delta:\n"
    "                          the exact expected delta of the kept conversations\n"
    "                          (with --users also population_mean_delta, the value\n"
    "                          a confidence interval should cover)\n"
    "  --min-human N, --window K   the filter the truth file assumes (6, 3)\n"
    "  -q, --quiet             no summary on standard error\n"
    "  -h, --help              this help\n";

static int share(const char *opt, const char *s, double *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (!*s || *end || errno || !(v >= 0 && v <= 1))
        return cli_usage_error("%s expects a share between 0 and 1, not \"%s\"", opt, s);
    *out = v;
    return 0;
}

static int count(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    unsigned long long v;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (!*s || *s == '-' || *end || errno || v < lo || v > hi)
        return cli_usage_error("%s expects an integer between %llu and %llu, not \"%s\"", opt,
                               (unsigned long long)lo, (unsigned long long)hi, s);
    *out = v;
    return 0;
}

int cmd_simulate(int argc, char **argv)
{
    enum { O_CONV = 256, O_SEED, O_MULTI, O_SHORT, O_TRUTH, O_MIN, O_WINDOW, O_USERS, O_USER_EFFECT };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},       {"conversations", required_argument, NULL, O_CONV},
        {"seed", required_argument, NULL, O_SEED},      {"multi-category", required_argument, NULL, O_MULTI},
        {"short-share", required_argument, NULL, O_SHORT}, {"truth", required_argument, NULL, O_TRUTH},
        {"min-human", required_argument, NULL, O_MIN},  {"window", required_argument, NULL, O_WINDOW},
        {"users", required_argument, NULL, O_USERS},    {"user-effect", required_argument, NULL, O_USER_EFFECT},
        {"quiet", no_argument, NULL, 'q'},              {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    sentraj_sim_config sim;
    sentraj_config cfg;
    const char *output = NULL, *truth_path = NULL;
    sentraj_outfile *out = NULL, *truth = NULL;
    sentraj_error err;
    int quiet = 0, code;
    uint64_t v = 0;

    sentraj_sim_config_init(&sim);
    sentraj_config_init(&cfg);
    optind = 1;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":o:qh", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case O_CONV:
            if (count("--conversations", optarg, 1, UINT64_C(1000000000000), &v))
                return EXIT_USAGE;
            sim.conversations = v;
            break;
        case O_SEED:
            if (count("--seed", optarg, 0, UINT64_MAX, &v))
                return EXIT_USAGE;
            sim.seed = v;
            break;
        case O_MULTI:
            if (share("--multi-category", optarg, &sim.multi_category))
                return EXIT_USAGE;
            break;
        case O_SHORT:
            if (share("--short-share", optarg, &sim.short_share))
                return EXIT_USAGE;
            break;
        case O_TRUTH:
            truth_path = optarg;
            break;
        case O_USERS:
            if (count("--users", optarg, 0, UINT64_C(1000000000), &v))
                return EXIT_USAGE;
            sim.users = v;
            break;
        case O_USER_EFFECT: {
            char *end;
            double x;
            errno = 0;
            x = strtod(optarg, &end);
            if (!*optarg || *end || errno || !(x >= 0 && x <= 0.2))
                return cli_usage_error("--user-effect expects a standard deviation between 0 and 0.2, not \"%s\"",
                                       optarg);
            sim.user_effect = x;
            break;
        }
        case O_MIN:
            if (count("--min-human", optarg, 1, 1000000000, &v))
                return EXIT_USAGE;
            cfg.min_human = (size_t)v;
            break;
        case O_WINDOW:
            if (count("--window", optarg, 1, 1000, &v))
                return EXIT_USAGE;
            cfg.window = (size_t)v;
            break;
        case 'q':
            quiet = 1;
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
    if (optind < argc)
        return cli_usage_error("unexpected argument \"%s\" (simulate takes no INPUT)", argv[optind]);
    if (!output)
        return cli_usage_error("-o FILE is required (use -o - for standard output)");
    if (truth_path && cli_same_output(output, truth_path))
        return cli_usage_error("--truth and the output are the same file (%s)", truth_path);
    if (sim.user_effect > 0 && sim.users == 0)
        return cli_usage_error("--user-effect needs --users");
    if (sentraj_config_check(&cfg, &err) != SENTRAJ_OK)
        return cli_usage_error("%s", err.message);

    out = cli_out_open(output, &code);
    if (!out)
        return code;
    if (truth_path) {
        truth = cli_out_open(truth_path, &code);
        if (!truth) {
            cli_out_abort(out);
            return code;
        }
    }
    if (sentraj_simulate_write_csv(sentraj_outfile_stream(out), sentraj_outfile_name(out),
                                   truth ? sentraj_outfile_stream(truth) : NULL,
                                   truth ? sentraj_outfile_name(truth) : NULL, &sim, &cfg, &err) != SENTRAJ_OK) {
        cli_out_abort(out);
        cli_out_abort(truth);
        return cli_fail(&err);
    }
    if ((code = cli_out_commit(out)) != 0) {
        cli_out_abort(truth);
        return code;
    }
    if (truth && (code = cli_out_commit(truth)) != 0)
        return code;
    if (!quiet && strcmp(output, "-") != 0)
        fprintf(stderr, "sentraj simulate: wrote %llu conversations to %s (seed %llu)\n",
                (unsigned long long)sim.conversations, output, (unsigned long long)sim.seed);
    return 0;
}
