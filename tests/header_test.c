/* header_test.c - proves that sentraj.h compiles alone and links. */
#include <sentraj.h>

int main(void)
{
    sentraj_config cfg;
    sentraj_config_init(&cfg);
    return sentraj_config_check(&cfg, NULL) == SENTRAJ_OK ? 0 : 1;
}
