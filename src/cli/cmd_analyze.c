/* cmd_analyze.c - sentraj analyze: per-category mean change with bootstrap intervals. */
#include "cli.h"

static const char help[] =
    "Usage: sentraj analyze [options] INPUT...\n"
    "\n"
    "Per category (in --order) and for \"all\" (every kept conversation once):\n"
    "the mean change in human sentiment from the first to the last window of a\n"
    "conversation, with a bootstrap confidence interval.\n"
    "\n"
    "Options:\n"
    "  --min-human N      keep conversations with at least N human messages (6)\n"
    "  --window K         human messages averaged at the start and at the end (3)\n"
    "  --resamples B      bootstrap resamples (1000)\n"
    "  --level L          confidence level (0.95)\n"
    "  --method M         percentile|basic|normal|bca|studentized (percentile)\n"
    "  --engine E         auto|index|multinomial|exact (auto: multinomial when a\n"
    "                     category has few distinct deltas for its size, else index;\n"
    "                     exact computes the bootstrap distribution with no Monte\n"
    "                     Carlo error and reports resamples 0)\n"
    "  --alternative A    two-sided|less|greater (two-sided); one-sided intervals\n"
    "                     have an infinite end (inf / -inf)\n"
    "  --sim S            ordinary|balanced (ordinary); balanced draws every\n"
    "                     observation exactly B times overall (index engine)\n"
    "  --statistic S      what mean_delta and its interval are of: mean, median,\n"
    "                     trimmed:F (F cut from each end, e.g. trimmed:0.1),\n"
    "                     share-up, share-down or share-same (the share of\n"
    "                     conversations whose delta is > 0, < 0, = 0) (mean); exact\n"
    "                     engine: mean and shares; studentized: mean only\n"
    "  --by-start         rows CATEGORY|START instead: the change within each\n"
    "                     starting level (the first window's mean at the nearest\n"
    "                     label of the scale, ties toward the neutral one)\n"
    "  --small N          status small for an interval from fewer than N\n"
    "                     conversations (or clusters) (30); 0: never\n"
    "  --save-resamples F also write each category's resampled means to F as CSV\n"
    "                     (category,resample,mean; exact: category,mean,probability;\n"
    "                     with another statistic the column is value)\n"
    "  --cluster-by COL   cluster bootstrap: resample the values of column (JSONL\n"
    "                     key) COL, e.g. a user id, each with all its conversations\n"
    "                     (one stage: clusters only); the estimate stays the\n"
    "                     statistic over conversations (index or multinomial engine)\n"
    "  --seed S           random seed; output is fully determined by data and seed (42)\n"
    "  --threads T        threads for resampling and for reading a large CSV file,\n"
    "                     0 = all cores (0); the output does not depend on it\n"
    "  --order O          the rows: natural (by name, runs of digits as numbers: 1, 2,\n"
    "                     10; the default), name (bytewise: 1, 10, 2), value (largest\n"
    "                     mean_delta first), or categories to put first: a comma\n"
    "                     list, or a file of one name a line; \"all\" stays last\n"
    "  --format F         csv|json|table (csv); json and table add per row the\n"
    "                     conversations dropped by --min-human and, with\n"
    "                     --cluster-by, the clusters, the largest one's share and\n"
    "                     the design effect; json also the options and the counts\n"
    "  -o, --output FILE  write here instead of standard output (written whole or not at all)\n"
    "  -q, --quiet        no counts on standard error\n"
    "  -h, --help         this help\n"
    "\n"
    CLI_INPUT_HELP
    "\n"
    "INPUT: CSV with columns conversation_id, message_index, role, sentiment and\n"
    "(optionally) categories, JSONL with one conversation per line, or a ConvoKit\n"
    "corpus directory; gzip and zstd are detected; - reads standard input; several INPUTs\n"
    "form one data set. A summary written by 'sentraj summarize' or 'sentraj merge'\n"
    "(a file whose first line is \"# sentraj-summary v1\") is analysed as the data\n"
    "it summarises, with the same output; several summaries are merged. Every\n"
    "INPUT must then be a summary, made with the same --window, --min-human and\n"
    "--scale as given here.\n"
    "\n"
    "CSV output columns: category, conversations, mean_first, mean_last, mean_delta,\n"
    "ci_low, ci_high, level, method, engine, resamples, seed, se, status, statistic\n"
    "(status: ok | small | degenerate | too_few | refused; a refused row is over an\n"
    "engine's limit, and why goes to standard error).\n";

static int run(cli_args *a)
{
    sentraj_analysis *an;
    sentraj_outfile *out, *saved = NULL;
    sentraj_error err;
    sentraj_counts counts;
    sentraj_run_info info;
    const char *output = a->out.path ? a->out.path : "-";
    int code, rc;

    if ((code = cli_check_analysis(a)) != 0)
        return code;
    if (a->out.save_resamples && cli_same_output(output, a->out.save_resamples))
        return cli_usage_error("--save-resamples and the output are the same file (%s)", a->out.save_resamples);
    /* The analysis keeps every draw only when they are to be written. */
    a->cfg.keep_resamples = a->out.save_resamples != NULL;
    cli_warn_tails(a);
    an = a->stats.by_start ? cli_analyze_by_start(a, &counts, &code) : cli_analyze(a, a->inputs, a->ninputs, &counts, &code);
    if (!an)
        return code;
    cli_note_refused_rows(a, an);
    info = cli_run_info(a, a->inputs, a->ninputs, &counts);
    out = cli_out_open(output, &code);
    if (!out) {
        sentraj_analysis_free(an);
        return code;
    }
    if (a->out.save_resamples) {
        saved = cli_out_open(a->out.save_resamples, &code);
        if (!saved) {
            cli_out_abort(out);
            sentraj_analysis_free(an);
            return code;
        }
    }
    if (cli_format_is(a, "table"))
        rc = sentraj_analysis_write_table(sentraj_outfile_stream(out), sentraj_outfile_name(out), an, &err);
    else if (cli_format_is(a, "json"))
        rc = sentraj_analysis_write_json(sentraj_outfile_stream(out), sentraj_outfile_name(out), an, &info, &err);
    else
        rc = sentraj_analysis_write_csv(sentraj_outfile_stream(out), sentraj_outfile_name(out), an, &err);
    if (rc == SENTRAJ_OK && saved)
        rc = sentraj_analysis_write_resamples_csv(sentraj_outfile_stream(saved), sentraj_outfile_name(saved), an, &err);
    sentraj_analysis_free(an);
    if (rc != SENTRAJ_OK) {
        cli_out_abort(out);
        cli_out_abort(saved);
        return cli_fail(&err);
    }
    {
        sentraj_outfile *both[2] = {out, saved};
        return cli_out_commit_all(both, 2);
    }
}

const cli_command cmd_analyze = {
    .name = "analyze",
    .bit = CMD_ANALYZE,
    .summary = "per-category mean change with a confidence interval (CSV)",
    .help = help,
    .run = run,
};
