/* header_test.c - proves that sentraj.h compiles alone and links, and that header and library agree on the version. */
#include <sentraj.h>

#include <string.h>

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
