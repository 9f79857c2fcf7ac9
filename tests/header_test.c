/* header_test.c - sentraj.h compiles alone and links; header and library agree on the version; structs keep their size. */
#include <sentraj.h>

#include <string.h>

/* The public structs a caller allocates keep their size from release to
 * release: a new field takes its bytes from the struct's reserved array.
 * These are the sizes on LP64 systems (x86-64, arm64 Linux). */
#if defined(__LP64__)
_Static_assert(sizeof(sentraj_config) == 152, "sentraj_config changed size: take new fields from reserved");
_Static_assert(sizeof(sentraj_input_options) == 168, "sentraj_input_options changed size");
_Static_assert(sizeof(sentraj_figure_options) == 120, "sentraj_figure_options changed size");
_Static_assert(sizeof(sentraj_positions_options) == 56, "sentraj_positions_options changed size");
_Static_assert(sizeof(sentraj_simulate_options) == 80, "sentraj_simulate_options changed size");
_Static_assert(sizeof(sentraj_run_info) == 80, "sentraj_run_info changed size");
_Static_assert(sizeof(sentraj_trajectory) == 80, "sentraj_trajectory changed size");
_Static_assert(sizeof(sentraj_boot_result) == 80, "sentraj_boot_result changed size");
#endif

/* argv[1], when given, is the project's version from meson.build. */
int main(int argc, char **argv)
{
    sentraj_config cfg;
    unsigned number = SENTRAJ_VERSION_MAJOR * 10000u + SENTRAJ_VERSION_MINOR * 100u + SENTRAJ_VERSION_PATCH;

    sentraj_config_init(&cfg);
    if (sentraj_config_check(&cfg, NULL) != SENTRAJ_OK)
        return 1;
    if (strcmp(sentraj_version(), SENTRAJ_VERSION) != 0 || sentraj_version_number() != number)
        return 2;
    if (argc > 1 && strcmp(argv[1], SENTRAJ_VERSION) != 0)
        return 3;
    return 0;
}
