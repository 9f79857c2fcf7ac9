/* commands.c - the list of sentraj's commands and the usage that names them. */
#include "cli.h"

#include <string.h>

/* A command is a cmd_NAME.c defining its cli_command (help, usage line,
 * run), its CMD_ bit and declaration in cli.h (and in CMD_ALL), its line
 * here and its file in meson.build's cli_parts; the option table then names
 * it among the commands of each option it takes. */
const cli_command *const cli_commands[] = {
    &cmd_analyze, &cmd_deltas, &cmd_figure4, &cmd_positions, &cmd_compare, &cmd_test, &cmd_transitions,
    &cmd_sensitivity, &cmd_simulate, &cmd_summarize,
    &cmd_merge, &cmd_bench, NULL,
};

const char *cli_cmd = "sentraj";

const cli_command *cli_command_find(const char *name)
{
    for (size_t i = 0; cli_commands[i]; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}

void cli_usage(FILE *f)
{
    fputs("Usage: sentraj COMMAND [options] [INPUT...]\n"
          "\n"
          "Sentiment-trajectory statistics: how the sentiment people express changes\n"
          "from the first to the last messages of a conversation, per category, with\n"
          "bootstrap confidence intervals.\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; cli_commands[i]; i++) {
        /* A summary's further lines are indented under its first. */
        fprintf(f, "  %-11s ", cli_commands[i]->name);
        for (const char *c = cli_commands[i]->summary; *c; c++) {
            fputc(*c, f);
            if (*c == '\n')
                fputs("              ", f);
        }
        fputc('\n', f);
    }
    fputs("\n"
          "Run 'sentraj COMMAND --help' for a command's options, 'sentraj --version'\n"
          "for the version. INPUT is a CSV file (plain, gzip or zstd), or - for standard input;\n"
          "analyze and figure4 also take summaries (docs/scale.md).\n"
          "Exit codes: 0 success, 64 usage error, 65 bad input data, 70 internal error,\n"
          "71 out of memory, 74 I/O error.\n",
          f);
}
