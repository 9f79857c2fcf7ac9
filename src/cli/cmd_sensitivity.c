/* cmd_sensitivity.c - sentraj sensitivity: the analysis over a grid of windows and minimum human messages. */
#include "cli.h"

#include <stdlib.h>

static const char help[] =
    "Usage: sentraj sensitivity [options] INPUT...\n"
    "\n"
    "Does the result survive other windows and thresholds than 3 and 6? The analysis\n"
    "of 'sentraj analyze' (per category and \"all\": the statistic of the changes\n"
    "and its interval) at every window of --windows with every minimum of\n"
    "--min-humans, the pairs whose minimum is below twice the window left out. The\n"
    "row for window 3 and minimum 6 is exactly analyze's.\n"
    "\n"
    "Options:\n"
    "  --windows LIST     comma list of windows (1,2,3,4)\n"
    "  --min-humans LIST  comma list of minimum human messages (4,6,8,10,15,20)\n"
    "  --statistic S      mean|median|trimmed:F|share-up|share-down|share-same (mean)\n"
    "  --resamples B      bootstrap resamples (1000)\n"
    "  --level L          confidence level (0.95)\n"
    "  --method M         percentile|basic|normal|bca|studentized (percentile)\n"
    "  --engine E         auto|index|multinomial|exact (auto)\n"
    "  --alternative A    two-sided|less|greater (two-sided)\n"
    "  --sim S            ordinary|balanced (ordinary)\n"
    "  --cluster-by COL   cluster bootstrap: resample the values of column (JSONL\n"
    "                     key) COL, each with all its conversations\n"
    "  --small N          status small for an interval from fewer than N\n"
    "                     conversations (or clusters) (30); 0: never\n"
    "  --seed S           random seed; output is fully determined by data and seed (42)\n"
    "  --threads T        worker threads, 0 = all cores (0); output does not depend on it\n"
    "  --format F         csv|json|table (csv)\n"
    "  -o, --output FILE  write here instead of standard output (written whole or not at all)\n"
    "  --figure FILE      also draw every grid point's estimates with their intervals,\n"
    "                     a series per category; FILE ends in .png, .svg or .pdf\n"
    "                     (repeat for several)\n"
    "  --title TEXT, --width PT, --height PT, --dpi N\n"
    "                     the figure, as for 'sentraj figure4'\n"
    "  -q, --quiet        no counts on standard error\n"
    "  -h, --help         this help\n"
    "\n"
    "Input options: as for 'sentraj analyze' (--input-format, --scale, --categories,\n"
    "--col-*, ConvoKit keys).\n"
    "\n"
    "CSV output columns: category, window, min_human, conversations, mean_delta,\n"
    "ci_low, ci_high (rows by category, then window, then min_human; mean_delta is\n"
    "the --statistic).\n";

CLI_TEXT_WRITERS(sensitivity)
CLI_FIGURE_WRITER(sensitivity)

static const cli_writers writers = {write_csv, write_table, write_json, write_figure};

/* The loosest filter of the grid, which the data set is read with (so the
 * counts on standard error describe it): the smallest window and the
 * smallest minimum of at least twice it. */
static void loosest(const sentraj_sensitivity_options *so, sentraj_config *cfg)
{
    static const size_t dw[] = {1, 2, 3, 4}, dm[] = {4, 6, 8, 10, 15, 20};
    const size_t *w = so->nwindows ? so->windows : dw, *m = so->nmin_humans ? so->min_humans : dm;
    size_t nw = so->nwindows ? so->nwindows : 4, nm = so->nmin_humans ? so->nmin_humans : 6;
    size_t bw = SIZE_MAX, bm = SIZE_MAX;

    for (size_t i = 0; i < nw; i++)
        for (size_t j = 0; j < nm; j++)
            if (m[j] >= 2 * w[i] && (w[i] < bw || (w[i] == bw && m[j] < bm)))
                bw = w[i], bm = m[j];
    if (bw != SIZE_MAX) {
        cfg->window = bw;
        cfg->min_human = bm;
    }
}

static int run(cli_args *a)
{
    sentraj_sensitivity_options so;
    sentraj_sensitivity *s = NULL;
    size_t w[CLI_MAX_LIST], m[CLI_MAX_LIST];
    sentraj_dataset *ds;
    sentraj_counts counts;
    sentraj_run_info info;
    sentraj_error err;
    cli_figure fig;
    int code;

    sentraj_sensitivity_options_init(&so);
    for (size_t i = 0; i < a->stats.windows.n; i++)
        w[i] = (size_t)a->stats.windows.v[i];
    for (size_t i = 0; i < a->stats.min_humans.n; i++)
        m[i] = (size_t)a->stats.min_humans.v[i];
    so.windows = w;
    so.nwindows = a->stats.windows.n;
    so.min_humans = m;
    so.nmin_humans = a->stats.min_humans.n;
    if (sentraj_sensitivity_check(&so, &err) != SENTRAJ_OK)
        return err.code == SENTRAJ_EUSAGE ? cli_usage_error("%s", err.message) : cli_fail(&err);
    loosest(&so, &a->cfg);
    if ((code = cli_check_analysis(a)) != 0 || (code = cli_check_figures(a)) != 0)
        return code;
    if ((code = cli_figure_build(&a->fig, &fig)) != 0)
        goto out;
    if (sentraj_sensitivity_check_figure(NULL, &fig.fo, &err) != SENTRAJ_OK) {
        code = cli_figure_usage(&err);
        goto out;
    }
    cli_warn_tails(a);
    /* Every grid point takes its windows from the labels themselves. */
    a->input.in.keep_labels = 1;
    if (!(ds = cli_load(a, a->inputs, a->ninputs, &code)))
        goto out;
    s = sentraj_sensitivity_compute(ds, &a->cfg, &so, &err);
    counts = *sentraj_dataset_counts(ds);
    info = cli_run_info(a, a->inputs, a->ninputs, &counts);
    sentraj_dataset_free(ds);
    if (!s) {
        code = err.code == SENTRAJ_EUSAGE ? cli_usage_error("%s", err.message) : cli_fail(&err);
        goto out;
    }
    for (size_t i = 0; i < sentraj_sensitivity_rows(s); i++) {
        const sentraj_sensitivity_row *r = sentraj_sensitivity_row_get(s, i);
        if (r->note)
            cli_note(a, "%s, window %zu, min-human %zu: refused: %s", r->category, r->window, r->min_human, r->note);
    }
    code = cli_write_results(a, s, &writers, &fig.fo, &info);
out:
    sentraj_sensitivity_free(s);
    cli_figure_free(&fig);
    return code;
}

const cli_command cmd_sensitivity = {
    .name = "sensitivity",
    .bit = CMD_SENSITIVITY,
    .summary = "the analysis over a grid of windows and minimum human messages",
    .help = help,
    .run = run,
};
