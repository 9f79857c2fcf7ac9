/* cmd_compare.c - sentraj compare: differences between categories, resampled jointly, with p-values. */
#include "cli.h"

static const char help[] =
    "Usage: sentraj compare [options] INPUT...\n"
    "\n"
    "Is one category's change really larger than another's? For every pair of\n"
    "categories (or each against --reference, or the --pairs given): the\n"
    "difference a - b of the statistic of their deltas, with a bootstrap interval\n"
    "and a two-sided p-value for \"no difference\". The conversations of a and b\n"
    "are resampled together, so a conversation in both moves with both and the\n"
    "interval is right when categories overlap (with --cluster-by, clusters).\n"
    "\n"
    "Options:\n"
    "  --reference CAT    each other category against CAT (\"all\" allowed)\n"
    "  --pairs LIST       these differences a - b, in this order: A:B,C:D,... (\\,\n"
    "                     \\: and \\\\ stand for , : and \\ in names)\n"
    "  --statistic S      mean|median|trimmed:F|share-up|share-down|share-same (mean)\n"
    "  --min-human N, --window K\n"
    "                     the filter, as for 'sentraj analyze' (6, 3)\n"
    "  --resamples B      bootstrap resamples (1000)\n"
    "  --level L          confidence level (0.95)\n"
    "  --method M         percentile|basic|normal|bca (percentile)\n"
    "  --engine E         auto|index|multinomial (auto)\n"
    "  --alternative A    two-sided|less|greater (two-sided); the p-value stays\n"
    "                     two-sided\n"
    "  --sim S            ordinary|balanced (ordinary)\n"
    "  --cluster-by COL   cluster bootstrap: resample the values of column (JSONL\n"
    "                     key) COL, each with all its conversations in a or b\n"
    "  --small N          status small when a or b has fewer than N conversations\n"
    "                     (or clusters) (30); 0: never\n"
    "  --seed S           random seed; output is fully determined by data and seed (42)\n"
    "  --threads T        worker threads, 0 = all cores (0); output does not depend on it\n"
    "  --format F         csv|json|table (csv)\n"
    "  -o, --output FILE  write here instead of standard output (written whole or not at all)\n"
    "  --figure FILE      also draw the differences with their intervals and the zero\n"
    "                     line; FILE ends in .png, .svg or .pdf (repeat for several)\n"
    "  --title TEXT, --width PT, --height PT, --dpi N\n"
    "                     the figure, as for 'sentraj figure4'\n"
    "  -q, --quiet        no counts on standard error\n"
    "  -h, --help         this help\n"
    "\n"
    "Input options: as for 'sentraj analyze' (--input-format, --scale, --categories,\n"
    "--col-*, ConvoKit keys).\n"
    "\n"
    "CSV output columns: category_a, category_b, conversations_a, conversations_b,\n"
    "estimate_a, estimate_b, difference, ci_low, ci_high, p_value, p_holm, statistic,\n"
    "method, resamples, seed, status (difference = a - b; p_value from the bootstrap,\n"
    "p_holm adjusted by Holm over the rows; status ok | small | degenerate |\n"
    "too_few | refused).\n";

CLI_TEXT_WRITERS(compare)
CLI_FIGURE_WRITER(compare)

static const cli_writers writers = {write_csv, write_table, write_json, write_figure};

static int run(cli_args *a)
{
    sentraj_compare_options co;
    sentraj_compare *c = NULL;
    sentraj_dataset *ds;
    sentraj_counts counts;
    sentraj_run_info info;
    sentraj_error err;
    cli_figure fig;
    cli_pairs pairs = {NULL, NULL, 0};
    int code;

    if ((code = cli_check_analysis(a)) != 0 || (code = cli_check_figures(a)) != 0)
        return code;
    if (a->cfg.engine == SENTRAJ_ENGINE_EXACT)
        return cli_usage_error("compare resamples two categories together; the exact engine has no distribution of a "
                               "difference of overlapping categories: use --engine multinomial, index or auto");
    if (a->cfg.method == SENTRAJ_METHOD_STUDENTIZED)
        return cli_usage_error("compare has no standard error of each resampled difference for the studentized "
                               "method: use --method percentile, basic, normal or bca");
    if (a->stats.reference && a->stats.pairs)
        return cli_usage_error("--reference and --pairs exclude each other");
    sentraj_compare_options_init(&co);
    co.reference = a->stats.reference;
    if (a->stats.pairs) {
        if ((code = cli_pairs_parse(a->stats.pairs, &pairs)) != 0)
            return code;
        co.pairs = pairs.v;
        co.npairs = pairs.n;
    }
    if ((code = cli_figure_build(&a->fig, &fig)) != 0)
        goto out;
    if (sentraj_compare_check_figure(NULL, &fig.fo, &err) != SENTRAJ_OK) {
        code = cli_figure_usage(&err);
        goto out;
    }
    cli_warn_tails(a);
    if (!(ds = cli_load(a, a->inputs, a->ninputs, &code)))
        goto out;
    c = sentraj_compare_compute(ds, &a->cfg, &co, &err);
    counts = *sentraj_dataset_counts(ds);
    info = cli_run_info(a, a->inputs, a->ninputs, &counts);
    sentraj_dataset_free(ds);
    if (!c) {
        code = err.code == SENTRAJ_EUSAGE ? cli_usage_error("%s", err.message) : cli_fail(&err);
        goto out;
    }
    for (size_t i = 0; i < sentraj_compare_rows(c); i++) {
        const sentraj_compare_row *r = sentraj_compare_row_get(c, i);
        if (r->note)
            cli_note(a, "%s - %s: refused: %s", r->category_a, r->category_b, r->note);
    }
    code = cli_write_results(a, c, &writers, &fig.fo, &info);
out:
    sentraj_compare_free(c);
    cli_figure_free(&fig);
    cli_pairs_free(&pairs);
    return code;
}

const cli_command cmd_compare = {
    .name = "compare",
    .bit = CMD_COMPARE,
    .summary = "differences between categories, resampled jointly, with p-values",
    .help = help,
    .run = run,
};
