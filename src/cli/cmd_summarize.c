/* cmd_summarize.c - sentraj summarize: the small, mergeable summary an analysis needs. */
#include "cli.h"

static const char help[] =
    "Usage: sentraj summarize [options] INPUT...\n"
    "\n"
    "Per category and for \"all\": how many kept conversations have each pair of\n"
    "first-window and last-window label sums, with the options and counts they\n"
    "depend on. That is everything 'sentraj analyze' needs, in a few kilobytes\n"
    "whatever the size of the data: 'sentraj analyze' and 'figure4' take the\n"
    "summary as INPUT and give exactly the output they give on the data.\n"
    "Summaries of shards (every conversation wholly in one shard) add up with\n"
    "'sentraj merge'. The format is versioned CSV (docs/scale.md);\n"
    "scripts/sql/summary.sql computes the same file in a SQL database.\n"
    "\n"
    "Options:\n"
    "  --min-human N      keep conversations with at least N human messages (6)\n"
    "  --window K         human messages averaged at the start and at the end (3)\n"
    "  -o, --output FILE  write here instead of standard output (written whole or not at all)\n"
    "  -q, --quiet        no counts on standard error\n"
    "  --threads T        threads that read a large CSV file, 0 = all cores (0)\n"
    "  -h, --help         this help\n"
    "\n"
    "Input options:\n"
    "  --input-format F   auto|csv|jsonl|convokit (auto: by content; a directory\n"
    "                     is a ConvoKit corpus)\n"
    "  --scale 3|5|7|FILE the label scale: 3 (negative, neutral, positive = -1, 0,\n"
    "                     1), 5 (the default: very negative .. very positive =\n"
    "                     -1 .. 1 by 0.5), 7 (adds somewhat negative/positive; by\n"
    "                     1/3), or a file of \"label,value\" lines; numbers in its\n"
    "                     range accepted; recorded in the summary\n"
    "  --categories FILE  CSV of conversation_id,categories joined to the messages\n"
    "  --category-sep C   the character between the names of a categories field (;)\n"
    "  --col-id NAME, --col-index NAME, --col-role NAME, --col-sentiment NAME,\n"
    "  --col-categories NAME   column (CSV) or key (JSONL) names: a name matches\n"
    "                     its column exactly, else the one column equal to it\n"
    "                     ignoring case; --col-id A,B,C keys conversations by\n"
    "                     several columns\n"
    "  --all-human        every row is a human message (no role column needed)\n"
    "  --role-map FILE    \"value,role\" lines mapping the role column's values\n"
    "                     (e.g. speaker names) to human, assistant or ignore;\n"
    "                     \"*,ROLE\" gives the rest\n"
    "  --speaker-roles FILE  the same as --role-map\n"
    "  --id-scope S       global|file: with file, each input's conversation ids\n"
    "                     are its own, shown as FILE:ID (global)\n"
    "  --encoding E       the input's encoding, any iconv name, e.g. latin1 (utf-8:\n"
    "                     kept text must be valid UTF-8)\n"
    "  --label-key K, --role-key K, --category-key K\n"
    "                     ConvoKit: utterance meta keys of label and role, the\n"
    "                     conversation meta key of categories\n"
    "\n"
    "INPUT: as for 'sentraj analyze'. Every label must lie on the scale's lattice\n"
    "(with the default scale, multiples of 0.5): a summary keeps exact integer\n"
    "window sums.\n";

static int run(cli_args *a)
{
    sentraj_dataset *ds;
    sentraj_scale *scale = NULL;
    sentraj_summary *s;
    sentraj_error err;
    int code;

    if ((code = cli_check_analysis(a)) != 0)
        return code;
    /* cli_load reads the scale for the data set and frees it once the data
     * set is finished; the summary records it, so read it here too. */
    if (a->input.scale_path && !(scale = cli_scale(a->input.scale_path, &err)))
        return cli_fail(&err);
    ds = cli_load(a, a->inputs, a->ninputs, &code);
    if (!ds) {
        sentraj_scale_free(scale);
        return code;
    }
    s = sentraj_summary_compute(ds, scale, &err);
    sentraj_dataset_free(ds);
    sentraj_scale_free(scale);
    if (!s)
        return cli_fail(&err);
    return cli_write_summary(a, s);
}

const cli_command cmd_summarize = {
    .name = "summarize",
    .bit = CMD_SUMMARIZE,
    .summary = "the counts an analysis needs: a small summary, mergeable, from\n"
               "which analyze and figure4 give the same output as from the data",
    .help = help,
    .run = run,
};
