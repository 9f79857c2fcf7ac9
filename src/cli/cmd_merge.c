/* cmd_merge.c - sentraj merge: add up summaries of shards of one data set. */
#include "cli.h"

static const char help[] =
    "Usage: sentraj merge [options] SUMMARY...\n"
    "\n"
    "Add up summaries written by 'sentraj summarize', 'sentraj merge' or\n"
    "scripts/sql/summary.sql for disjoint shards of one data set: every\n"
    "conversation must be wholly in one shard (split by conversation_id, never\n"
    "inside a conversation). The result is the summary of the whole, the same\n"
    "bytes in whatever order or grouping the shards are merged. The summaries\n"
    "must have been made with the same --window, --min-human and label scale.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE  write here instead of standard output (written whole or not at all)\n"
    "  -q, --quiet        no counts on standard error\n"
    "  -h, --help         this help\n"
    "\n"
    "SUMMARY: a summary file, plain, gzip or zstd; - reads one from standard input.\n";

static int run(cli_args *a)
{
    sentraj_summary *s;
    int code;

    if (a->ninputs == 0)
        return cli_usage_error("no SUMMARY given (use - for standard input)");
    if ((code = cli_check_outputs(a)) != 0)
        return code;
    if (!(s = cli_read_summaries(a, a->inputs, a->ninputs, 0, &code)))
        return code;
    return cli_write_summary(a, s);
}

const cli_command cmd_merge = {
    .name = "merge",
    .bit = CMD_MERGE,
    .summary = "add up summaries of shards of one data set",
    .help = help,
    .run = run,
};
