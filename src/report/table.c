/* table.c - every report as an aligned text table for people: analyze, deltas and positions. */
#include "sentraj.h"

#include "report/write.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* A number for people: fixed 4 decimals with a sign, or "-" when missing. */
static const char *human(double x, char *buf, size_t n)
{
    if (isnan(x))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%+.4f", x == 0 ? 0.0 : x);
    return buf;
}

/* A count for people, or "-" when unknown. */
static const char *count_or_dash(uint64_t n, char *buf, size_t len)
{
    if (n == UINT64_MAX)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%llu", (unsigned long long)n);
    return buf;
}

/* The cluster columns of a row: clusters, the largest one's share, the
 * design effect. */
static void cluster_cells(const sentraj_result *r, char *buf, size_t n)
{
    char b1[32], b2[32];

    if (isnan(r->largest_cluster_share))
        snprintf(b1, sizeof b1, "-");
    else
        snprintf(b1, sizeof b1, "%.3f", r->largest_cluster_share);
    if (isnan(r->design_effect))
        snprintf(b2, sizeof b2, "-");
    else
        snprintf(b2, sizeof b2, "%.2f", r->design_effect);
    snprintf(buf, n, "  %8zu  %7s  %6s", r->clusters, b1, b2);
}

int sentraj_analysis_write_table(FILE *f, const char *name, const sentraj_analysis *a, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_analysis_config(a);
    const char *cluster_by = sentraj_analysis_cluster_by(a);
    size_t wcat = strlen("category");
    char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32], b7[32], ci[80], cl[80] = "", stat[40];

    errno = 0;
    sentraj_statistic_format(cfg, stat, sizeof stat);
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        size_t l = strlen(sentraj_analysis_row(a, i)->category);
        if (l > wcat)
            wcat = l;
    }
    snprintf(ci, sizeof ci, "%g%% CI", cfg->level * 100);
    if (cluster_by)
        snprintf(cl, sizeof cl, "  %8s  %7s  %6s", "clusters", "largest", "deff");
    fprintf(f, "%-*s  %13s  %7s%s  %10s  %10s  %10s  %-21s  %8s  %-11s  %s\n", (int)wcat, "category", "conversations",
            "dropped", cl, "mean_first", "mean_last", "mean_delta", ci, "se", "engine", "status");
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        if (isnan(r->boot.ci_low))
            snprintf(ci, sizeof ci, "-");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", human(r->boot.ci_low, b4, sizeof b4),
                     human(r->boot.ci_high, b5, sizeof b5));
        if (cluster_by)
            cluster_cells(r, cl, sizeof cl);
        fprintf(f, "%-*s  %13zu  %7s%s  %10s  %10s  %10s  %-21s  %8s  %-11s  %s\n", (int)wcat, r->category,
                r->conversations, count_or_dash(r->dropped, b7, sizeof b7), cl, human(r->mean_first, b1, sizeof b1),
                human(r->mean_last, b2, sizeof b2), human(r->mean_delta, b3, sizeof b3), ci,
                isnan(r->boot.se) ? "-" : (snprintf(b6, sizeof b6, "%.4f", r->boot.se), b6),
                sentraj_engine_name(r->boot.engine), sentraj_ci_status_name(r->boot.status));
    }
    if (cfg->statistic != SENTRAJ_STAT_MEAN)
        fprintf(f, "mean_delta and its interval are of the %s of the deltas\n", stat);
    if (cluster_by)
        fprintf(f, "clusters: %s (a cluster bootstrap: a resample draws clusters and takes all their conversations)\n",
                cluster_by);
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++)
        if (sentraj_analysis_row(a, i)->note)
            fprintf(f, "refused: %s: %s\n", sentraj_analysis_row(a, i)->category, sentraj_analysis_row(a, i)->note);
    if (cfg->engine == SENTRAJ_ENGINE_EXACT)
        fprintf(f, "%s interval (%s), exact bootstrap distribution\n", sentraj_method_name(cfg->method),
                sentraj_alternative_name(cfg->alternative));
    else
        fprintf(f, "%s interval (%s), %zu %sresamples, seed %llu\n", sentraj_method_name(cfg->method),
                sentraj_alternative_name(cfg->alternative), cfg->resamples,
                cfg->sim == SENTRAJ_SIM_BALANCED ? "balanced " : "", (unsigned long long)cfg->seed);
    return report_finish(f, name, err);
}

int sentraj_deltas_write_table(FILE *f, const char *name, const sentraj_dataset *ds, sentraj_error *err)
{
    size_t wid = strlen("conversation_id"), wcat = strlen("categories");
    char b1[32], b2[32], b3[32];

    errno = 0;
    for (size_t i = 0; i < sentraj_dataset_kept(ds); i++) {
        sentraj_trajectory t;
        sentraj_dataset_trajectory(ds, i, &t);
        if (strlen(t.conversation_id) > wid)
            wid = strlen(t.conversation_id);
        if (strlen(t.categories) > wcat)
            wcat = strlen(t.categories);
    }
    fprintf(f, "%-*s  %-*s  %14s  %10s  %10s  %10s\n", (int)wid, "conversation_id", (int)wcat, "categories",
            "human_messages", "mean_first", "mean_last", "delta");
    for (size_t i = 0; i < sentraj_dataset_kept(ds); i++) {
        sentraj_trajectory t;
        sentraj_dataset_trajectory(ds, i, &t);
        fprintf(f, "%-*s  %-*s  %14llu  %10s  %10s  %10s\n", (int)wid, t.conversation_id, (int)wcat, t.categories,
                (unsigned long long)t.human_messages, human(t.mean_first, b1, sizeof b1),
                human(t.mean_last, b2, sizeof b2), human(t.delta, b3, sizeof b3));
    }
    return report_finish(f, name, err);
}

int sentraj_positions_write_table(FILE *f, const char *name, const sentraj_positions *p, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_positions_config(p);
    const sentraj_positions_options *po = sentraj_positions_options_get(p);
    const char *cluster_by = sentraj_positions_cluster_by(p);
    size_t wcat = strlen("category");
    char b1[32], b2[32], b3[32], b4[32], ci[80];

    errno = 0;
    for (size_t i = 0; i < sentraj_positions_rows(p); i++)
        if (strlen(sentraj_positions_row(p, i)->category) > wcat)
            wcat = strlen(sentraj_positions_row(p, i)->category);
    snprintf(ci, sizeof ci, "%g%% CI", cfg->level * 100);
    fprintf(f, "%-*s  %8s  %13s%s  %8s  %-21s  %8s  %s\n", (int)wcat, "category", po->bins ? "bin" : "position",
            "conversations", cluster_by ? "   clusters" : "", "mean", ci, "se", "status");
    for (size_t i = 0; i < sentraj_positions_rows(p); i++) {
        const sentraj_position_row *r = sentraj_positions_row(p, i);
        char cl[32] = "";
        if (isnan(r->ci_low))
            snprintf(ci, sizeof ci, "-");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", human(r->ci_low, b2, sizeof b2), human(r->ci_high, b3, sizeof b3));
        if (cluster_by)
            snprintf(cl, sizeof cl, "  %9zu", r->clusters);
        fprintf(f, "%-*s  %8zu  %13zu%s  %8s  %-21s  %8s  %s\n", (int)wcat, r->category, r->position,
                r->conversations, cl, human(r->mean, b1, sizeof b1), ci,
                isnan(r->se) ? "-" : (snprintf(b4, sizeof b4, "%.4f", r->se), b4),
                sentraj_ci_status_name(r->status));
    }
    fprintf(f, "%s interval (%s), %zu %sresamples of %s, seed %llu\n", sentraj_method_name(cfg->method),
            sentraj_alternative_name(cfg->alternative), cfg->resamples,
            cfg->sim == SENTRAJ_SIM_BALANCED ? "balanced " : "", cluster_by ? "clusters" : "conversations",
            (unsigned long long)cfg->seed);
    return report_finish(f, name, err);
}
