/* cmd_test.c - sentraj test: per category, is there any trajectory at all? */
#include "cli.h"

static const char help[] =
    "Usage: sentraj test [options] INPUT...\n"
    "\n"
    "Is a category's change distinguishable from no trajectory at all? Per category\n"
    "and for \"all\": the mean change and its effect size d_z = mean / sd, and two\n"
    "Monte Carlo tests of \"no change\", two-sided, with p-values (1 + hits) / (1 + B):\n"
    "p_within shuffles the order of each conversation's human labels independently\n"
    "(no trajectory inside conversations), p_sign_flip flips the sign of each\n"
    "conversation's change (changes symmetric about 0). p_holm adjusts p_within by\n"
    "Holm over the rows.\n"
    "\n"
    "Options:\n"
    "  --min-human N, --window K\n"
    "                     the filter, as for 'sentraj analyze' (6, 3)\n"
    "  --resamples B      shuffles and sign flips of each test (1000)\n"
    "  --seed S           random seed; output is fully determined by data and seed (42)\n"
    "  --small N          status small for rows of fewer than N conversations (30)\n"
    "  --threads T        worker threads, 0 = all cores (0); output does not depend on it\n"
    "  --format F         csv|json|table (csv)\n"
    "  -o, --output FILE  write here instead of standard output (written whole or not at all)\n"
    "  -q, --quiet        no counts on standard error\n"
    "  -h, --help         this help\n"
    "\n"
    "Input options: as for 'sentraj analyze' (--input-format, --scale, --categories,\n"
    "--col-*, ConvoKit keys).\n"
    "\n"
    "CSV output columns: category, conversations, mean_delta, sd_delta, d_z,\n"
    "p_within, p_sign_flip, p_holm, resamples, seed, status (status ok | small |\n"
    "degenerate | too_few; too_few rows have no p-values).\n";

CLI_TEXT_WRITERS(test)

static const cli_writers writers = {write_csv, write_table, write_json, NULL};

static int run(cli_args *a)
{
    sentraj_dataset *ds;
    sentraj_test *t;
    sentraj_counts counts;
    sentraj_run_info info;
    sentraj_error err;
    int code;

    if ((code = cli_check_analysis(a)) != 0)
        return code;
    /* The shuffles need every label of every conversation. */
    a->input.in.keep_labels = 1;
    if (!(ds = cli_load(a, a->inputs, a->ninputs, &code)))
        return code;
    t = sentraj_test_compute(ds, &a->cfg, &err);
    counts = *sentraj_dataset_counts(ds);
    info = cli_run_info(a, a->inputs, a->ninputs, &counts);
    sentraj_dataset_free(ds);
    if (!t)
        return cli_fail(&err);
    code = cli_write_results(a, t, &writers, NULL, &info);
    sentraj_test_free(t);
    return code;
}

const cli_command cmd_test = {
    .name = "test",
    .bit = CMD_TEST,
    .summary = "per category, tests of \"no trajectory\": permutation within\n"
               "conversations, sign flips, effect size",
    .help = help,
    .run = run,
};
