/* config.c - analysis settings: defaults, validation, names. */
#include "sentraj.h"

#include "core/error.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sentraj_config_init(sentraj_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->min_human = 6;
    cfg->window = 3;
    cfg->resamples = 1000;
    cfg->level = 0.95;
    cfg->method = SENTRAJ_METHOD_PERCENTILE;
    cfg->engine = SENTRAJ_ENGINE_AUTO;
    cfg->alternative = SENTRAJ_TWO_SIDED;
    cfg->sim = SENTRAJ_SIM_ORDINARY;
    cfg->seed = 42;
    cfg->threads = 0;
    cfg->exact_max_len = (size_t)1 << 24;
    cfg->balanced_max = (size_t)1 << 28;
    cfg->statistic = SENTRAJ_STAT_MEAN;
    cfg->small = 30;
    cfg->trim = 0.1;
}

/* A name table per enum keeps names, parsing and validation in one place. */
typedef struct name_entry {
    const char *name;
    int value;
} name_entry;

static const name_entry engines[] = {
    {"auto", SENTRAJ_ENGINE_AUTO},
    {"index", SENTRAJ_ENGINE_INDEX},
    {"multinomial", SENTRAJ_ENGINE_MULTINOMIAL},
    {"exact", SENTRAJ_ENGINE_EXACT},
    {NULL, 0},
};
static const name_entry methods[] = {
    {"percentile", SENTRAJ_METHOD_PERCENTILE}, {"basic", SENTRAJ_METHOD_BASIC},
    {"normal", SENTRAJ_METHOD_NORMAL},         {"bca", SENTRAJ_METHOD_BCA},
    {"studentized", SENTRAJ_METHOD_STUDENTIZED}, {NULL, 0},
};
static const name_entry alternatives[] = {
    {"two-sided", SENTRAJ_TWO_SIDED},
    {"less", SENTRAJ_LESS},
    {"greater", SENTRAJ_GREATER},
    {NULL, 0},
};
static const name_entry orders[] = {
    {"natural", SENTRAJ_ORDER_NATURAL},
    {"name", SENTRAJ_ORDER_NAME},
    {"value", SENTRAJ_ORDER_VALUE},
    {NULL, 0},
};
static const name_entry sims[] = {
    {"ordinary", SENTRAJ_SIM_ORDINARY},
    {"balanced", SENTRAJ_SIM_BALANCED},
    {NULL, 0},
};
static const name_entry statistics[] = {
    {"mean", SENTRAJ_STAT_MEAN},
    {"median", SENTRAJ_STAT_MEDIAN},
    {"trimmed", SENTRAJ_STAT_TRIMMED},
    {"share-up", SENTRAJ_STAT_SHARE_UP},
    {"share-down", SENTRAJ_STAT_SHARE_DOWN},
    {"share-same", SENTRAJ_STAT_SHARE_SAME},
    {NULL, 0},
};

static const char *name_of(const name_entry *t, int v)
{
    for (; t->name; t++)
        if (t->value == v)
            return t->name;
    return NULL;
}

static int parse(const name_entry *t, const char *what, const char *s, int *out, sentraj_error *err)
{
    char list[128];
    size_t used = 0;
    for (const name_entry *e = t; e->name; e++) {
        if (strcmp(s, e->name) == 0) {
            *out = e->value;
            return SENTRAJ_OK;
        }
    }
    list[0] = '\0';
    for (const name_entry *e = t; e->name && used < sizeof list; e++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", e == t ? "" : ", ", e->name);
    return sentraj_fail(err, SENTRAJ_EUSAGE, "unknown %s \"%s\" (expected %s)", what, s, list);
}

static int is_share(sentraj_statistic s)
{
    return s == SENTRAJ_STAT_SHARE_UP || s == SENTRAJ_STAT_SHARE_DOWN || s == SENTRAJ_STAT_SHARE_SAME;
}

/* What the statistic asks of the engine and the method. The exact engine
 * knows the bootstrap distribution of a sum (the mean's) and of a binomial
 * count (a share's); a median or trimmed mean of a resample depends on its
 * whole composition, which only drawing resamples gives. The studentized
 * method needs a standard error of every resample, which sentraj has for
 * the mean alone. */
static int check_statistic(const sentraj_config *cfg, sentraj_error *err)
{
    char name[40];

    if (!name_of(statistics, (int)cfg->statistic))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "unknown statistic %d", (int)cfg->statistic);
    if (cfg->statistic == SENTRAJ_STAT_TRIMMED && !(cfg->trim >= 0 && cfg->trim < 0.5))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the trimmed mean's share must be in [0, 0.5), not %g", cfg->trim);
    sentraj_statistic_format(cfg, name, sizeof name);
    if (cfg->engine == SENTRAJ_ENGINE_EXACT && cfg->statistic != SENTRAJ_STAT_MEAN && !is_share(cfg->statistic))
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the exact engine computes the mean and the shares (share-up, share-down, share-same), "
                            "not the %s: use --engine multinomial, index or auto",
                            name);
    if (cfg->method == SENTRAJ_METHOD_STUDENTIZED && cfg->statistic != SENTRAJ_STAT_MEAN)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the studentized method needs a standard error of every resample, which sentraj has "
                            "for the mean only, not the %s: use --method percentile, basic, normal or bca",
                            name);
    return SENTRAJ_OK;
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
    if (!name_of(methods, (int)cfg->method))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "unknown interval method %d", (int)cfg->method);
    if (!name_of(engines, (int)cfg->engine))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "unknown engine %d", (int)cfg->engine);
    if (!name_of(alternatives, (int)cfg->alternative))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "unknown alternative %d", (int)cfg->alternative);
    if (!name_of(sims, (int)cfg->sim))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "unknown resampling scheme %d", (int)cfg->sim);
    if (cfg->sim == SENTRAJ_SIM_BALANCED && cfg->engine != SENTRAJ_ENGINE_INDEX && cfg->engine != SENTRAJ_ENGINE_AUTO)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "balanced resampling needs the index engine, not %s",
                            name_of(engines, (int)cfg->engine));
    if (!name_of(orders, (int)cfg->order))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "unknown row order %d", (int)cfg->order);
    if (cfg->threads > 1024)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "threads must be at most 1024, not %u", cfg->threads);
    if (cfg->exact_max_len < 16)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "exact_max_len must be at least 16");
    return check_statistic(cfg, err);
}

const char *sentraj_engine_name(sentraj_engine e)
{
    const char *s = name_of(engines, (int)e);
    return s ? s : "?";
}

const char *sentraj_method_name(sentraj_method m)
{
    const char *s = name_of(methods, (int)m);
    return s ? s : "?";
}

const char *sentraj_alternative_name(sentraj_alternative a)
{
    const char *s = name_of(alternatives, (int)a);
    return s ? s : "?";
}

const char *sentraj_sim_name(sentraj_sim m)
{
    const char *s = name_of(sims, (int)m);
    return s ? s : "?";
}

const char *sentraj_order_name(sentraj_order o)
{
    const char *s = name_of(orders, (int)o);
    return s ? s : "?";
}

int sentraj_order_parse(const char *s, sentraj_order *out, sentraj_error *err)
{
    int v = 0, rc = parse(orders, "row order", s, &v, err);
    if (rc == SENTRAJ_OK)
        *out = (sentraj_order)v;
    return rc;
}

int sentraj_engine_parse(const char *s, sentraj_engine *out, sentraj_error *err)
{
    int v = 0, rc = parse(engines, "engine", s, &v, err);
    if (rc == SENTRAJ_OK)
        *out = (sentraj_engine)v;
    return rc;
}

int sentraj_method_parse(const char *s, sentraj_method *out, sentraj_error *err)
{
    int v = 0, rc = parse(methods, "interval method", s, &v, err);
    if (rc == SENTRAJ_OK)
        *out = (sentraj_method)v;
    return rc;
}

int sentraj_alternative_parse(const char *s, sentraj_alternative *out, sentraj_error *err)
{
    int v = 0, rc = parse(alternatives, "alternative", s, &v, err);
    if (rc == SENTRAJ_OK)
        *out = (sentraj_alternative)v;
    return rc;
}

int sentraj_sim_parse(const char *s, sentraj_sim *out, sentraj_error *err)
{
    int v = 0, rc = parse(sims, "resampling scheme", s, &v, err);
    if (rc == SENTRAJ_OK)
        *out = (sentraj_sim)v;
    return rc;
}

const char *sentraj_statistic_name(sentraj_statistic s)
{
    const char *n = name_of(statistics, (int)s);
    return n ? n : "?";
}

int sentraj_statistic_parse(const char *s, sentraj_statistic *out, double *trim, sentraj_error *err)
{
    static const char prefix[] = "trimmed:";
    int v = 0, rc;

    if (strncmp(s, prefix, sizeof prefix - 1) == 0) {
        const char *num = s + sizeof prefix - 1;
        char *end;
        double f;
        errno = 0;
        f = strtod(num, &end);
        if (!*num || *end || errno || !(f >= 0 && f < 0.5) || !strchr("0123456789.", *num))
            return sentraj_fail(err, SENTRAJ_EUSAGE,
                                "trimmed:F expects F, the share cut from each end, in [0, 0.5) (e.g. trimmed:0.1), "
                                "not \"%s\"",
                                num);
        *out = SENTRAJ_STAT_TRIMMED;
        *trim = f;
        return SENTRAJ_OK;
    }
    rc = parse(statistics, "statistic", s, &v, err);
    if (rc != SENTRAJ_OK) {
        /* The list parse() gives lacks trimmed's parameter. */
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "unknown statistic \"%s\" (expected mean, median, trimmed:F, share-up, share-down or "
                            "share-same)",
                            s);
    }
    *out = (sentraj_statistic)v;
    return SENTRAJ_OK;
}

char *sentraj_statistic_format(const sentraj_config *cfg, char *buf, size_t n)
{
    if (cfg->statistic == SENTRAJ_STAT_TRIMMED) {
        /* The shortest form that reads back, as every number in the reports. */
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, n, "trimmed:%.*g", prec, cfg->trim);
            if (strtod(buf + 8, NULL) == cfg->trim)
                break;
        }
    } else {
        snprintf(buf, n, "%s", sentraj_statistic_name(cfg->statistic));
    }
    return buf;
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
    case SENTRAJ_CI_SMALL:
        return "small";
    case SENTRAJ_CI_REFUSED:
        return "refused";
    }
    return "?";
}
