/* cmd_simulate.c - sentraj simulate: synthetic labelled conversations with a known drift. */
#include "cli.h"

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

static int run(cli_args *a)
{
    const sentraj_simulate_options *sim = &a->simulate.model;
    const char *output = a->out.path, *truth_path = a->simulate.truth;
    sentraj_outfile *out = NULL, *truth = NULL;
    sentraj_error err;
    int code;

    if (!output)
        return cli_usage_error("-o FILE is required (use -o - for standard output)");
    if (truth_path && cli_same_output(output, truth_path))
        return cli_usage_error("--truth and the output are the same file (%s)", truth_path);
    if (sim->user_effect > 0 && sim->users == 0)
        return cli_usage_error("--user-effect needs --users");
    if ((code = cli_check_config(a)) != 0)
        return code;

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
                                   truth ? sentraj_outfile_name(truth) : NULL, sim, &a->cfg, &err) != SENTRAJ_OK) {
        cli_out_abort(out);
        cli_out_abort(truth);
        return cli_fail(&err);
    }
    {
        sentraj_outfile *both[2] = {out, truth};
        if ((code = cli_out_commit_all(both, 2)) != 0)
            return code;
    }
    if (!a->out.quiet && strcmp(output, "-") != 0) {
        cli_message("sentraj simulate: wrote %llu conversations to %s (seed %llu)",
                    (unsigned long long)sim->conversations, output, (unsigned long long)sim->seed);
        fputc('\n', stderr);
    }
    return 0;
}

const cli_command cmd_simulate = {
    .name = "simulate",
    .bit = CMD_SIMULATE,
    .summary = "synthetic labelled conversations with a known drift",
    .help = help,
    .no_operands = 1,
    .run = run,
};
