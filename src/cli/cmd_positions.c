/* cmd_positions.c - sentraj positions: mean sentiment at each position of the conversations, with bootstrap intervals. */
#include "cli.h"

#include <string.h>

static const char help[] =
    "Usage: sentraj positions [options] INPUT...\n"
    "\n"
    "How sentiment evolves during conversations: per category (and \"all\"), the\n"
    "mean human label at each human message position 1, 2, ... (or in --bins equal\n"
    "fractions of each conversation), over the conversations reaching it, with a\n"
    "bootstrap interval that resamples whole conversations (or, with --cluster-by,\n"
    "whole clusters), so the positions of one conversation move together.\n"
    "\n"
    "Options:\n"
    "  --max-position N   positions 1..N (10)\n"
    "  --bins K           instead: K equal fractions of each conversation; human\n"
    "                     message i (from 0) of h is in bin floor(i*K/h)+1, and a\n"
    "                     conversation counts in a bin with the mean of its labels there\n"
    "  --all-conversations  every conversation with a human message, not only those\n"
    "                     with at least --min-human (the analysis' filter)\n"
    "  --min-human N, --window K\n"
    "                     the filter, as for 'sentraj analyze' (6, 3)\n"
    "  --resamples B      bootstrap resamples (1000)\n"
    "  --level L          confidence level (0.95)\n"
    "  --method M         percentile|basic|normal|bca|studentized (percentile)\n"
    "  --engine E         auto|index|multinomial (auto)\n"
    "  --alternative A    two-sided|less|greater (two-sided)\n"
    "  --sim S            ordinary|balanced (ordinary)\n"
    "  --cluster-by COL   cluster bootstrap: resample the values of column (JSONL\n"
    "                     key) COL, e.g. a user id, each with all its conversations\n"
    "  --small N          status small for an interval from fewer than N\n"
    "                     conversations (or clusters) (30); 0: never\n"
    "  --seed S           random seed; output is fully determined by data and seed (42)\n"
    "  --threads T        worker threads, 0 = all cores (0); output does not depend on it\n"
    "  --format F         csv|json|table (csv)\n"
    "  -o, --output FILE  write here instead of standard output (written whole or not at all)\n"
    "  --figure FILE      also draw the lines with their interval bands; FILE ends in\n"
    "                     .png, .svg or .pdf (repeat for several)\n"
    "  --order O          the categories: natural|name|value (by the mean of their\n"
    "                     position means), or categories to put first, as for\n"
    "                     'sentraj analyze'; in the figure, exactly the lines listed\n"
    "                     (\"all\" may be one), in legend order\n"
    "  --title TEXT, --width PT, --height PT, --dpi N, --labels LIST\n"
    "                     the figure, as for 'sentraj figure4'\n"
    "  -q, --quiet        no counts on standard error\n"
    "  -h, --help         this help\n"
    "\n"
    "Input options: as for 'sentraj analyze' (--input-format, --scale, --categories,\n"
    "--col-*, ConvoKit keys).\n"
    "\n"
    "CSV output columns: category, position, conversations, mean, ci_low, ci_high,\n"
    "status (one row per category and position, \"all\" last; conversations counts\n"
    "those reaching the position; empty fields where there is no value; status ok |\n"
    "small | degenerate | too_few).\n";

/* The figures, drawn by cli_draw into their output files. */
typedef struct drawing {
    const cli_strings *names;
    sentraj_outfile **figs;
    const sentraj_positions *p;
    const sentraj_figure_options *fo;
} drawing;

static int draw(void *ctx, sentraj_error *err)
{
    const drawing *d = ctx;
    int rc = SENTRAJ_OK;

    for (int i = 0; i < d->names->n && rc == SENTRAJ_OK; i++) {
        FILE *f = sentraj_outfile_stream(d->figs[i]);
        const char *name = sentraj_outfile_name(d->figs[i]);
        switch (cli_figure_kind(d->names->v[i])) {
        case CLI_FIG_PNG:
            rc = sentraj_positions_write_png(f, name, d->p, d->fo, err);
            break;
        case CLI_FIG_SVG:
            rc = sentraj_positions_write_svg(f, name, d->p, d->fo, err);
            break;
        default:
            rc = sentraj_positions_write_pdf(f, name, d->p, d->fo, err);
            break;
        }
    }
    return rc;
}

/* The table and every figure, all or none. */
static int write_all(const cli_args *a, const sentraj_positions *p, const sentraj_figure_options *fo,
                     const sentraj_run_info *info)
{
    const cli_strings *names = &a->pos.figures;
    sentraj_outfile *out, *figs[CLI_MAX_REPEAT + 1] = {NULL};
    sentraj_error err;
    int code, rc, nfig;

    out = cli_out_open(a->out.path ? a->out.path : "-", &code);
    if (!out)
        return code;
    for (nfig = 0; nfig < names->n; nfig++)
        if (!(figs[nfig] = cli_out_open(names->v[nfig], &code)))
            goto out;
    if (cli_format_is(a, "table"))
        rc = sentraj_positions_write_table(sentraj_outfile_stream(out), sentraj_outfile_name(out), p, &err);
    else if (cli_format_is(a, "json"))
        rc = sentraj_positions_write_json(sentraj_outfile_stream(out), sentraj_outfile_name(out), p, info, &err);
    else
        rc = sentraj_positions_write_csv(sentraj_outfile_stream(out), sentraj_outfile_name(out), p, &err);
    if (rc != SENTRAJ_OK) {
        code = cli_fail(&err);
        goto out;
    }
    if (nfig) {
        drawing d = {names, figs, p, fo};
        if ((code = cli_draw(draw, &d, sentraj_outfile_name(figs[0]))) != 0)
            goto out;
    }
    /* The table first, then the figures, all or none. */
    memmove(figs + 1, figs, (size_t)nfig * sizeof *figs);
    figs[0] = out;
    out = NULL;
    code = cli_out_commit_all(figs, (size_t)nfig + 1);
    nfig = 0;
out:
    cli_out_abort(out);
    for (int i = 0; i < nfig; i++)
        cli_out_abort(figs[i]);
    return code;
}

static int run(cli_args *a)
{
    sentraj_positions_options po;
    cli_figure fig;
    sentraj_dataset *ds = NULL;
    sentraj_positions *p = NULL;
    sentraj_counts counts;
    sentraj_run_info info;
    sentraj_error err;
    int code;

    if ((code = cli_check_analysis(a)) != 0)
        return code;
    if (a->cfg.engine == SENTRAJ_ENGINE_EXACT)
        return cli_usage_error("the exact engine cannot bootstrap positions (the conversations reaching a position "
                               "vary, so each resampled mean is a ratio of two resampled sums): use --engine index "
                               "or multinomial");
    if (a->pos.bins && a->pos.max_position)
        return cli_usage_error("--bins and --max-position exclude each other (bins are fractions of each "
                               "conversation, positions are message numbers)");
    sentraj_positions_options_init(&po);
    if (a->pos.max_position)
        po.max_position = a->pos.max_position;
    po.bins = a->pos.bins;
    po.all_conversations = a->pos.all_conversations;

    if ((code = cli_check_figures(a)) != 0)
        return code;
    if ((code = cli_figure_build(&a->fig, &fig)) != 0)
        goto out;
    if (sentraj_positions_check_figure(NULL, &fig.fo, &err) != SENTRAJ_OK) {
        code = cli_figure_usage(&err);
        goto out;
    }

    cli_warn_tails(a);
    /* Every label of every conversation is needed, not just the windows. */
    a->input.in.keep_labels = 1;
    ds = cli_load(a, a->inputs, a->ninputs, &code);
    if (!ds)
        goto out;
    p = sentraj_positions_compute(ds, &a->cfg, &po, &err);
    counts = *sentraj_dataset_counts(ds);
    info = cli_run_info(a, a->inputs, a->ninputs, &counts);
    sentraj_dataset_free(ds);
    if (!p) {
        code = cli_fail(&err);
        goto out;
    }
    if ((code = cli_reorder(a, NULL, p)) != 0)
        goto out;
    cli_note(a, "positions over %zu conversation%s (%s)", sentraj_positions_conversations(p),
             sentraj_positions_conversations(p) == 1 ? "" : "s",
             po.all_conversations ? "every conversation with a human message" : "those kept by --min-human");
    if (a->pos.figures.n && sentraj_positions_check_figure(p, &fig.fo, &err) != SENTRAJ_OK) {
        code = cli_figure_usage(&err);
        goto out;
    }
    code = write_all(a, p, &fig.fo, &info);
out:
    sentraj_positions_free(p);
    cli_figure_free(&fig);
    return code;
}

const cli_command cmd_positions = {
    .name = "positions",
    .bit = CMD_POSITIONS,
    .summary = "mean sentiment at each message position (or fraction) of the\n"
               "conversations, with intervals; CSV, JSON, and a figure",
    .help = help,
    .run = run,
};
