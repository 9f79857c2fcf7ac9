/* main.c - the sentraj command: dispatch to a subcommand. */
#include "cli.h"

#include <gsl/gsl_errno.h>
#include <string.h>

static const char usage[] =
    "Usage: sentraj COMMAND [options] [INPUT...]\n"
    "\n"
    "Sentiment-trajectory statistics: how the sentiment people express changes\n"
    "from the first to the last messages of a conversation, per category, with\n"
    "bootstrap confidence intervals.\n"
    "\n"
    "Commands:\n"
    "  analyze    per-category mean change with a confidence interval (CSV)\n"
    "  deltas     one row per kept conversation: first/last window means, delta\n"
    "  figure4    the published figure: CSV, PNG, SVG, PDF (no INPUT: bundled data)\n"
    "  positions  mean sentiment at each message position (or fraction) of the\n"
    "             conversations, with intervals; CSV, JSON, and a figure\n"
    "  simulate   synthetic labelled conversations with a known drift\n"
    "  summarize  the counts an analysis needs: a small summary, mergeable, from\n"
    "             which analyze and figure4 give the same output as from the data\n"
    "  merge      add up summaries of shards of one data set\n"
    "  bench      bootstrap throughput by engine, threads and sample size\n"
    "\n"
    "Run 'sentraj COMMAND --help' for a command's options, 'sentraj --version'\n"
    "for the version. INPUT is a CSV file (plain or gzip), or - for standard input;\n"
    "analyze and figure4 also take summaries (docs/scale.md).\n"
    "Exit codes: 0 success, 64 usage error, 65 bad input data, 70 internal error,\n"
    "71 out of memory, 74 I/O error.\n";

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } cmds[] = {
        {"analyze", cmd_analyze},
        {"deltas", cmd_deltas},
        {"figure4", cmd_figure4},
        {"positions", cmd_positions},
        {"simulate", cmd_simulate},
        {"summarize", cmd_summarize},
        {"merge", cmd_merge},
        {"bench", cmd_bench},
    };

    /* GSL aborts on errors by default; every GSL status is checked instead. */
    gsl_set_error_handler_off();
    sentraj_blas_single_threaded();
    cli_signals_install();

    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("sentraj %s\n", SENTRAJ_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(argv[1], cmds[i].name) == 0) {
            cli_cmd = cmds[i].name;
            return cmds[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "sentraj: unknown command \"%s\"\n\n%s", argv[1], usage);
    return EXIT_USAGE;
}
