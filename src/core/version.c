/* version.c - which libsentraj this is, asked at run time. */
#include "sentraj.h"

const char *sentraj_version(void)
{
    return SENTRAJ_VERSION;
}

unsigned sentraj_version_number(void)
{
    return SENTRAJ_VERSION_MAJOR * 10000u + SENTRAJ_VERSION_MINOR * 100u + SENTRAJ_VERSION_PATCH;
}
