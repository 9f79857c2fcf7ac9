/* cmd_deltas.c - sentraj deltas: one row per kept conversation. */
#include "cli.h"

static const char help[] =
    "Usage: sentraj deltas [options] INPUT...\n"
    "\n"
    "One row per kept conversation (sorted by conversation_id): its categories,\n"
    "number of human messages, the mean label of the first and last windows, and\n"
    "their difference.\n"
    "\n"
    "Options:\n"
    "  --min-human N      keep conversations with at least N human messages (6)\n"
    "  --window K         human messages averaged at the start and at the end (3)\n"
    "  --format F         csv|json|table (csv)\n"
    "  -o, --output FILE  write here instead of standard output\n"
    "  -q, --quiet        no counts on standard error\n"
    "  --threads T        threads that read a large CSV file, 0 = all cores (0)\n"
    "  -h, --help         this help\n"
    "\n"
    CLI_INPUT_HELP
    "\n"
    "CSV output columns: conversation_id, categories, human_messages, mean_first,\n"
    "mean_last, delta (categories as a sorted ';' list).\n";

static int run(cli_args *a)
{
    sentraj_dataset *ds;
    sentraj_outfile *out;
    sentraj_error err;
    int code, rc;

    if ((code = cli_check_analysis(a)) != 0)
        return code;
    ds = cli_load(a, a->inputs, a->ninputs, &code);
    if (!ds)
        return code;
    out = cli_out_open(a->out.path ? a->out.path : "-", &code);
    if (!out) {
        sentraj_dataset_free(ds);
        return code;
    }
    if (cli_format_is(a, "table")) {
        rc = sentraj_deltas_write_table(sentraj_outfile_stream(out), sentraj_outfile_name(out), ds, &err);
    } else if (cli_format_is(a, "json")) {
        sentraj_run_info info = cli_run_info(a, a->inputs, a->ninputs, sentraj_dataset_counts(ds));
        rc = sentraj_deltas_write_json(sentraj_outfile_stream(out), sentraj_outfile_name(out), ds, &info,
                                              &err);
    } else
        rc = sentraj_deltas_write_csv(sentraj_outfile_stream(out), sentraj_outfile_name(out), ds, &err);
    sentraj_dataset_free(ds);
    return cli_out_finish(out, rc, &err);
}

const cli_command cmd_deltas = {
    .name = "deltas",
    .bit = CMD_DELTAS,
    .summary = "one row per kept conversation: first/last window means, delta",
    .help = help,
    .run = run,
};
