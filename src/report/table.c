/* table.c - every report as an aligned text table for people: analyze, deltas and positions. */
#include "sentraj.h"

#include "core/escape.h"
#include "report/write.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* Text from the input (ids, category names) in a column width bytes wide:
 * escaped by sentraj_escape's rule, since a table is for a terminal, and
 * padded with spaces. Widths are measured on the escaped text. */
static void put_padded(FILE *f, const char *s, size_t width)
{
    for (size_t n = escape_write(f, s); n < width; n++)
        fputc(' ', f);
}

/* A number for people: fixed 4 decimals with a sign, or "-" when missing. */
static const char *human(double x, char *buf, size_t n)
{
    if (isnan(x))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%+.4f", x == 0 ? 0.0 : x);
    return buf;
}

int sentraj_analysis_write_table(FILE *f, const char *name, const sentraj_analysis *a, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_analysis_config(a);
    size_t wcat = strlen("category");
    char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32], ci[80];

    errno = 0;
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        size_t l = escape_len(sentraj_analysis_row(a, i)->category);
        if (l > wcat)
            wcat = l;
    }
    snprintf(ci, sizeof ci, "%g%% CI", cfg->level * 100);
    fprintf(f, "%-*s  %13s  %10s  %10s  %10s  %-21s  %8s  %-11s  %s\n", (int)wcat, "category", "conversations",
            "mean_first", "mean_last", "mean_delta", ci, "se", "engine", "status");
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        if (isnan(r->boot.ci_low))
            snprintf(ci, sizeof ci, "-");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", human(r->boot.ci_low, b4, sizeof b4),
                     human(r->boot.ci_high, b5, sizeof b5));
        put_padded(f, r->category, wcat);
        fprintf(f, "  %13zu  %10s  %10s  %10s  %-21s  %8s  %-11s  %s\n",
                r->conversations, human(r->mean_first, b1, sizeof b1), human(r->mean_last, b2, sizeof b2),
                human(r->mean_delta, b3, sizeof b3), ci,
                isnan(r->boot.se) ? "-" : (snprintf(b6, sizeof b6, "%.4f", r->boot.se), b6),
                sentraj_engine_name(r->boot.engine), sentraj_ci_status_name(r->boot.status));
    }
    if (sentraj_analysis_cluster_by(a)) {
        fputs("clusters: ", f);
        escape_write(f, sentraj_analysis_cluster_by(a));
        fputs(" (a resample draws clusters and takes all their conversations)\n", f);
    }
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
        size_t lid = escape_len(t.conversation_id), lcat = escape_len(t.categories);
        if (lid > wid)
            wid = lid;
        if (lcat > wcat)
            wcat = lcat;
    }
    fprintf(f, "%-*s  %-*s  %14s  %10s  %10s  %10s\n", (int)wid, "conversation_id", (int)wcat, "categories",
            "human_messages", "mean_first", "mean_last", "delta");
    for (size_t i = 0; i < sentraj_dataset_kept(ds); i++) {
        sentraj_trajectory t;
        sentraj_dataset_trajectory(ds, i, &t);
        put_padded(f, t.conversation_id, wid);
        fputs("  ", f);
        put_padded(f, t.categories, wcat);
        fprintf(f, "  %14llu  %10s  %10s  %10s\n", (unsigned long long)t.human_messages, human(t.mean_first, b1, sizeof b1),
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
        if (escape_len(sentraj_positions_row(p, i)->category) > wcat)
            wcat = escape_len(sentraj_positions_row(p, i)->category);
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
        put_padded(f, r->category, wcat);
        fprintf(f, "  %8zu  %13zu%s  %8s  %-21s  %8s  %s\n", r->position, r->conversations, cl, human(r->mean, b1, sizeof b1), ci,
                isnan(r->se) ? "-" : (snprintf(b4, sizeof b4, "%.4f", r->se), b4),
                sentraj_ci_status_name(r->status));
    }
    fprintf(f, "%s interval (%s), %zu %sresamples of %s, seed %llu\n", sentraj_method_name(cfg->method),
            sentraj_alternative_name(cfg->alternative), cfg->resamples,
            cfg->sim == SENTRAJ_SIM_BALANCED ? "balanced " : "", cluster_by ? "clusters" : "conversations",
            (unsigned long long)cfg->seed);
    return report_finish(f, name, err);
}
