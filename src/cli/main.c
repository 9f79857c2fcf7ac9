/* main.c - the sentraj command: dispatch to a subcommand. */
#include "cli.h"

#include <string.h>

int main(int argc, char **argv)
{
    const cli_command *cmd;
    cli_args a;
    int code;

    sentraj_blas_single_threaded();
    cli_signals_install();

    if (argc < 2) {
        cli_usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        cli_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("sentraj %s\n", sentraj_version());
        return 0;
    }
    if (!(cmd = cli_command_find(argv[1]))) {
        cli_message("sentraj: unknown command \"%s\"", argv[1]);
        fputs("\n\n", stderr);
        cli_usage(stderr);
        return EXIT_USAGE;
    }
    cli_cmd = cmd->name;
    code = cli_parse(cmd, argc - 1, argv + 1, &a);
    if (code == CLI_DONE)
        return 0;
    return code ? code : cmd->run(&a);
}
