/* cmd_deltas.c - sentraj deltas: one row per kept conversation. */
#include "cli.h"

#include <string.h>

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

int cmd_deltas(int argc, char **argv)
{
    cli_opts o;
    int code = cli_parse(argc, argv, OPT_INPUT | OPT_FILTER | OPT_FORMAT | OPT_OUTPUT, help, &o);
    sentraj_dataset *ds;
    sentraj_outfile *out;
    sentraj_error err;
    int rc;

    if (code >= 0)
        return code;
    if (o.ninputs == 0)
        return cli_usage_error("no INPUT given (use - for standard input)");
    ds = cli_load(&o, o.inputs, o.ninputs, &code);
    if (!ds)
        return code;
    out = cli_out_open(o.output ? o.output : "-", &code);
    if (!out) {
        sentraj_dataset_free(ds);
        return code;
    }
    if (strcmp(o.format, "table") == 0) {
        rc = sentraj_report_write_deltas_table(sentraj_outfile_stream(out), sentraj_outfile_name(out), ds, &err);
    } else if (strcmp(o.format, "json") == 0) {
        sentraj_run_info info = cli_run_info(&o, o.inputs, o.ninputs, sentraj_dataset_counts(ds));
        rc = sentraj_report_write_deltas_json(sentraj_outfile_stream(out), sentraj_outfile_name(out), ds, &info,
                                              &err);
    } else
        rc = sentraj_report_write_deltas_csv(sentraj_outfile_stream(out), sentraj_outfile_name(out), ds, &err);
    sentraj_dataset_free(ds);
    return cli_out_finish(out, rc, &err);
}
