/* cmd_transitions.c - sentraj transitions: from starting to ending level, per category, with intervals. */
#include "cli.h"

static const char help[] =
    "Usage: sentraj transitions [options] INPUT...\n"
    "\n"
    "Do conversations that start negative end better only because they cannot get\n"
    "much worse? Per category (and \"all\"): each conversation's starting level\n"
    "(the mean of its first window) and ending level (of its last), each binned to\n"
    "the nearest label of the scale (a mean halfway between two labels goes to the\n"
    "one nearer the middle of the scale), as a matrix of counts and of the share of\n"
    "each starting level's conversations that end at each level, with bootstrap\n"
    "intervals (conversations, or with --cluster-by clusters, resampled; the shares\n"
    "of a row move together).\n"
    "\n"
    "Options:\n"
    "  --min-human N, --window K\n"
    "                     the filter, as for 'sentraj analyze' (6, 3)\n"
    "  --resamples B      bootstrap resamples (1000)\n"
    "  --level L          confidence level (0.95)\n"
    "  --method M         percentile|basic|normal|bca|studentized (percentile)\n"
    "  --engine E         auto|index|multinomial (auto)\n"
    "  --alternative A    two-sided|less|greater (two-sided)\n"
    "  --sim S            ordinary|balanced (ordinary)\n"
    "  --cluster-by COL   cluster bootstrap: resample the values of column (JSONL\n"
    "                     key) COL, each with all its conversations\n"
    "  --small N          status small for shares of fewer than N conversations\n"
    "                     (or clusters) (30); 0: never\n"
    "  --seed S           random seed; output is fully determined by data and seed (42)\n"
    "  --threads T        worker threads, 0 = all cores (0); output does not depend on it\n"
    "  --format F         csv|json|table (csv); table shows the matrices\n"
    "  -o, --output FILE  write here instead of standard output (written whole or not at all)\n"
    "  --figure FILE      also draw the heatmaps, one per category; FILE ends in .png,\n"
    "                     .svg or .pdf (repeat for several)\n"
    "  --title TEXT, --width PT, --height PT, --dpi N, --labels LIST\n"
    "                     the figure, as for 'sentraj figure4'\n"
    "  --order O          the categories: natural (the default) or name, or the\n"
    "                     categories to draw, in order (a comma list or a file)\n"
    "  -q, --quiet        no counts on standard error\n"
    "  -h, --help         this help\n"
    "\n"
    "Input options: as for 'sentraj analyze' (--input-format, --scale, --categories,\n"
    "--col-*, ConvoKit keys).\n"
    "\n"
    "CSV output columns: category, start, end, conversations, share, ci_low, ci_high\n"
    "(every start and end level of the scale for every category; share empty for a\n"
    "start level without conversations).\n";

CLI_TEXT_WRITERS(transitions)
CLI_FIGURE_WRITER(transitions)

static const cli_writers writers = {write_csv, write_table, write_json, write_figure};

static int run(cli_args *a)
{
    sentraj_transitions *t = NULL;
    sentraj_scale *scale = NULL;
    sentraj_dataset *ds;
    sentraj_counts counts;
    sentraj_run_info info;
    sentraj_error err;
    cli_figure fig;
    int code;

    if ((code = cli_check_analysis(a)) != 0 || (code = cli_check_figures(a)) != 0)
        return code;
    if (a->cfg.order == SENTRAJ_ORDER_VALUE)
        return cli_usage_error("--order value needs one estimate per row; transitions has a matrix per category: "
                               "use natural, name or a list");
    if (a->cfg.engine == SENTRAJ_ENGINE_EXACT)
        return cli_usage_error("the exact engine cannot bootstrap transitions (each share is a ratio of two "
                               "resampled counts): use --engine index or multinomial");
    if ((code = cli_figure_build(&a->fig, &fig)) != 0)
        goto out;
    if (sentraj_transitions_check_figure(NULL, &fig.fo, &err) != SENTRAJ_OK) {
        code = cli_figure_usage(&err);
        goto out;
    }
    cli_warn_tails(a);
    if ((code = cli_scale_open(a, &scale)) != 0 || !(ds = cli_load(a, a->inputs, a->ninputs, &code)))
        goto out;
    t = sentraj_transitions_compute(ds, scale, &a->cfg, &err);
    counts = *sentraj_dataset_counts(ds);
    info = cli_run_info(a, a->inputs, a->ninputs, &counts);
    sentraj_dataset_free(ds);
    if (!t) {
        code = cli_fail(&err);
        goto out;
    }
    if (a->pos.figures.n && sentraj_transitions_check_figure(t, &fig.fo, &err) != SENTRAJ_OK) {
        code = cli_figure_usage(&err);
        goto out;
    }
    code = cli_write_results(a, t, &writers, &fig.fo, &info);
out:
    sentraj_transitions_free(t);
    sentraj_scale_free(scale);
    cli_figure_free(&fig);
    return code;
}

const cli_command cmd_transitions = {
    .name = "transitions",
    .bit = CMD_TRANSITIONS,
    .summary = "from starting to ending level, per category: counts and shares\n"
               "with intervals, and heatmaps",
    .help = help,
    .run = run,
};
