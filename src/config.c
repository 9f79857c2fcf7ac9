/* config.c - analysis settings: defaults, validation, names. */
#include "sentraj.h"

#include "error.h"

#include <math.h>
#include <string.h>

void sentraj_config_init(sentraj_config *cfg)
{
    cfg->min_human = 6;
    cfg->window = 3;
    cfg->resamples = 1000;
    cfg->level = 0.95;
    cfg->method = SENTRAJ_METHOD_PERCENTILE;
    cfg->engine = SENTRAJ_ENGINE_AUTO;
    cfg->seed = 42;
    cfg->threads = 0;
}

int sentraj_config_check(const sentraj_config *cfg, sentraj_error *err)
{
    if (cfg->window < 1 || cfg->window > 1000)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "window must be between 1 and 1000, not %zu", cfg->window);
    if (cfg->min_human < 2 * cfg->window)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "min-human (%zu) must be at least twice the window (%zu) so the first and last windows "
                            "never overlap",
                            cfg->min_human, cfg->window);
    if (cfg->resamples < 2 || cfg->resamples > 100000000)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "resamples must be between 2 and 100000000, not %zu",
                            cfg->resamples);
    if (!(cfg->level > 0 && cfg->level < 1))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "level must be strictly between 0 and 1, not %g", cfg->level);
    if (cfg->method != SENTRAJ_METHOD_PERCENTILE)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "unknown interval method %d", (int)cfg->method);
    if (cfg->engine != SENTRAJ_ENGINE_AUTO && cfg->engine != SENTRAJ_ENGINE_INDEX)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "unknown engine %d", (int)cfg->engine);
    if (cfg->threads > 1024)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "threads must be at most 1024, not %u", cfg->threads);
    return SENTRAJ_OK;
}

const char *sentraj_engine_name(sentraj_engine e)
{
    switch (e) {
    case SENTRAJ_ENGINE_AUTO:
        return "auto";
    case SENTRAJ_ENGINE_INDEX:
        return "index";
    }
    return "?";
}

const char *sentraj_method_name(sentraj_method m)
{
    switch (m) {
    case SENTRAJ_METHOD_PERCENTILE:
        return "percentile";
    }
    return "?";
}

int sentraj_engine_parse(const char *s, sentraj_engine *out, sentraj_error *err)
{
    if (strcmp(s, "auto") == 0)
        *out = SENTRAJ_ENGINE_AUTO;
    else if (strcmp(s, "index") == 0)
        *out = SENTRAJ_ENGINE_INDEX;
    else
        return sentraj_fail(err, SENTRAJ_EUSAGE, "unknown engine \"%s\" (expected auto or index)", s);
    return SENTRAJ_OK;
}

int sentraj_method_parse(const char *s, sentraj_method *out, sentraj_error *err)
{
    if (strcmp(s, "percentile") == 0)
        *out = SENTRAJ_METHOD_PERCENTILE;
    else
        return sentraj_fail(err, SENTRAJ_EUSAGE, "unknown interval method \"%s\" (expected percentile)", s);
    return SENTRAJ_OK;
}

const char *sentraj_ci_status_name(sentraj_ci_status s)
{
    switch (s) {
    case SENTRAJ_CI_OK:
        return "ok";
    case SENTRAJ_CI_DEGENERATE:
        return "degenerate";
    case SENTRAJ_CI_TOO_FEW:
        return "too_few";
    }
    return "?";
}
