/* table.c - every report as an aligned text table for people: analyze, deltas, positions and the statistics commands. */
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

/* Input text right-aligned in a column width bytes wide, escaped. */
static void put_right(FILE *f, const char *s, size_t width)
{
    for (size_t n = escape_len(s); n < width; n++)
        fputc(' ', f);
    escape_write(f, s);
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
        size_t l = escape_len(sentraj_analysis_row(a, i)->category);
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
        put_padded(f, r->category, wcat);
        fprintf(f, "  %13zu  %7s%s  %10s  %10s  %10s  %-21s  %8s  %-11s  %s\n", r->conversations,
                count_or_dash(r->dropped, b7, sizeof b7), cl, human(r->mean_first, b1, sizeof b1),
                human(r->mean_last, b2, sizeof b2), human(r->mean_delta, b3, sizeof b3), ci,
                isnan(r->boot.se) ? "-" : (snprintf(b6, sizeof b6, "%.4f", r->boot.se), b6),
                sentraj_engine_name(r->boot.engine), sentraj_ci_status_name(r->boot.status));
    }
    if (cfg->statistic != SENTRAJ_STAT_MEAN)
        fprintf(f, "mean_delta and its interval are of the %s of the deltas\n", stat);
    if (cluster_by) {
        fputs("clusters: ", f);
        escape_write(f, cluster_by);
        fputs(" (a cluster bootstrap: a resample draws clusters and takes all their conversations)\n", f);
    }
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        if (!r->note)
            continue;
        fputs("refused: ", f);
        escape_write(f, r->category);
        fputs(": ", f);
        escape_write(f, r->note);
        fputc('\n', f);
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

/* A p-value for people: four decimals, "<0.0001", or "-" when missing. */
static const char *p_human(double p, char *buf, size_t n)
{
    if (isnan(p))
        snprintf(buf, n, "-");
    else if (p < 0.0001)
        snprintf(buf, n, "<0.0001");
    else
        snprintf(buf, n, "%.4f", p);
    return buf;
}

int sentraj_compare_write_table(FILE *f, const char *name, const sentraj_compare *c, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_compare_config(c);
    size_t wa = strlen("category_a"), wb = strlen("category_b");
    char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32], b7[32], ci[80], stat[40];

    errno = 0;
    sentraj_statistic_format(cfg, stat, sizeof stat);
    for (size_t i = 0; i < sentraj_compare_rows(c); i++) {
        const sentraj_compare_row *r = sentraj_compare_row_get(c, i);
        wa = escape_len(r->category_a) > wa ? escape_len(r->category_a) : wa;
        wb = escape_len(r->category_b) > wb ? escape_len(r->category_b) : wb;
    }
    snprintf(ci, sizeof ci, "%g%% CI", cfg->level * 100);
    fprintf(f, "%-*s  %-*s  %7s  %7s  %10s  %10s  %10s  %-21s  %8s  %8s  %s\n", (int)wa, "category_a", (int)wb,
            "category_b", "n_a", "n_b", "estimate_a", "estimate_b", "difference", ci, "p_value", "p_holm", "status");
    for (size_t i = 0; i < sentraj_compare_rows(c); i++) {
        const sentraj_compare_row *r = sentraj_compare_row_get(c, i);
        if (isnan(r->ci_low))
            snprintf(ci, sizeof ci, "-");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", human(r->ci_low, b4, sizeof b4), human(r->ci_high, b5, sizeof b5));
        put_padded(f, r->category_a, wa);
        fputs("  ", f);
        put_padded(f, r->category_b, wb);
        fprintf(f, "  %7zu  %7zu  %10s  %10s  %10s  %-21s  %8s  %8s  %s\n", r->conversations_a, r->conversations_b, human(r->estimate_a, b1, sizeof b1),
                human(r->estimate_b, b2, sizeof b2), human(r->difference, b3, sizeof b3), ci,
                p_human(r->p_value, b6, sizeof b6), p_human(r->p_holm, b7, sizeof b7),
                sentraj_ci_status_name(r->status));
    }
    for (size_t i = 0; i < sentraj_compare_rows(c); i++) {
        const sentraj_compare_row *r = sentraj_compare_row_get(c, i);
        if (!r->note)
            continue;
        fputs("refused: ", f);
        escape_write(f, r->category_a);
        fputs(" - ", f);
        escape_write(f, r->category_b);
        fputs(": ", f);
        escape_write(f, r->note);
        fputc('\n', f);
    }
    fprintf(f, "difference of the %s, a - b; conversations in a or b (%s) resampled together; p_holm: Holm over "
               "the rows\n",
            stat, sentraj_compare_cluster_by(c) ? "with their clusters" : "each once");
    fprintf(f, "%s interval (%s), %zu %sresamples, seed %llu\n", sentraj_method_name(cfg->method),
            sentraj_alternative_name(cfg->alternative), cfg->resamples,
            cfg->sim == SENTRAJ_SIM_BALANCED ? "balanced " : "", (unsigned long long)cfg->seed);
    return report_finish(f, name, err);
}

int sentraj_test_write_table(FILE *f, const char *name, const sentraj_test *t, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_test_config(t);
    size_t wcat = strlen("category");
    char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32], b7[32];

    errno = 0;
    for (size_t i = 0; i < sentraj_test_rows(t); i++)
        if (escape_len(sentraj_test_row_get(t, i)->category) > wcat)
            wcat = escape_len(sentraj_test_row_get(t, i)->category);
    fprintf(f, "%-*s  %13s  %7s  %10s  %8s  %8s  %8s  %11s  %8s  %s\n", (int)wcat, "category", "conversations",
            "dropped", "mean_delta", "sd_delta", "d_z", "p_within", "p_sign_flip", "p_holm", "status");
    for (size_t i = 0; i < sentraj_test_rows(t); i++) {
        const sentraj_test_row *r = sentraj_test_row_get(t, i);
        put_padded(f, r->category, wcat);
        fprintf(f, "  %13zu  %7s  %10s  %8s  %8s  %8s  %11s  %8s  %s\n", r->conversations, count_or_dash(r->dropped, b7, sizeof b7), human(r->mean_delta, b1, sizeof b1),
                isnan(r->sd_delta) ? "-" : (snprintf(b2, sizeof b2, "%.4f", r->sd_delta), b2),
                human(r->d_z, b3, sizeof b3), p_human(r->p_within, b4, sizeof b4),
                p_human(r->p_sign_flip, b5, sizeof b5), p_human(r->p_holm, b6, sizeof b6),
                sentraj_ci_status_name(r->status));
    }
    fprintf(f, "p_within: each conversation's human labels shuffled; p_sign_flip: each delta's sign flipped; both "
               "two-sided, (1 + hits) / (1 + B) with %zu resamples, seed %llu; p_holm: Holm over p_within\n",
            cfg->resamples, (unsigned long long)cfg->seed);
    return report_finish(f, name, err);
}

int sentraj_transitions_write_table(FILE *f, const char *name, const sentraj_transitions *t, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_transitions_config(t);
    size_t K = sentraj_transitions_levels(t), rows = sentraj_transitions_rows(t), wl = strlen("start");

    errno = 0;
    for (size_t i = 0; i < rows && i < K * K; i++)
        if (escape_len(sentraj_transitions_row(t, i)->start) > wl)
            wl = escape_len(sentraj_transitions_row(t, i)->start);
    /* Per category: a header of the end levels, then a line per start level
     * with its total and, per end, "share (count)". */
    for (size_t c = 0; K && c < rows / (K * K); c++) {
        const sentraj_transition_row *r0 = sentraj_transitions_row(t, c * K * K);
        if (c)
            fputc('\n', f);
        escape_write(f, r0->category);
        fputs(": share of the conversations starting at each level (rows) that end at each level (columns), count "
              "in parentheses\n",
              f);
        fprintf(f, "%-*s  %7s", (int)wl, "start", "total");
        for (size_t e = 0; e < K; e++)
            put_right(f, sentraj_transitions_row(t, e)->end, 17);
        putc('\n', f);
        for (size_t s = 0; s < K; s++) {
            const sentraj_transition_row *rs = sentraj_transitions_row(t, (c * K + s) * K);
            put_padded(f, rs->start, wl);
            fprintf(f, "  %7zu", rs->row_total);
            for (size_t e = 0; e < K; e++) {
                const sentraj_transition_row *r = sentraj_transitions_row(t, (c * K + s) * K + e);
                char cell[40];
                if (isnan(r->share))
                    snprintf(cell, sizeof cell, "-");
                else
                    snprintf(cell, sizeof cell, "%.3f (%zu)", r->share, r->conversations);
                fprintf(f, "  %15s", cell);
            }
            putc('\n', f);
        }
    }
    fprintf(f, "\nintervals: --format csv or json; %s interval (%s), %zu %sresamples of %s, seed %llu\n",
            sentraj_method_name(cfg->method), sentraj_alternative_name(cfg->alternative), cfg->resamples,
            cfg->sim == SENTRAJ_SIM_BALANCED ? "balanced " : "",
            sentraj_transitions_cluster_by(t) ? "clusters" : "conversations", (unsigned long long)cfg->seed);
    return report_finish(f, name, err);
}

int sentraj_sensitivity_write_table(FILE *f, const char *name, const sentraj_sensitivity *s, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_sensitivity_config(s);
    size_t wcat = strlen("category");
    char b1[32], b2[32], b3[32], ci[80], stat[40];

    errno = 0;
    sentraj_statistic_format(cfg, stat, sizeof stat);
    for (size_t i = 0; i < sentraj_sensitivity_rows(s); i++)
        if (escape_len(sentraj_sensitivity_row_get(s, i)->category) > wcat)
            wcat = escape_len(sentraj_sensitivity_row_get(s, i)->category);
    snprintf(ci, sizeof ci, "%g%% CI", cfg->level * 100);
    fprintf(f, "%-*s  %6s  %9s  %13s  %10s  %-21s  %s\n", (int)wcat, "category", "window", "min_human",
            "conversations", "mean_delta", ci, "status");
    for (size_t i = 0; i < sentraj_sensitivity_rows(s); i++) {
        const sentraj_sensitivity_row *r = sentraj_sensitivity_row_get(s, i);
        if (isnan(r->ci_low))
            snprintf(ci, sizeof ci, "-");
        else
            snprintf(ci, sizeof ci, "[%s, %s]", human(r->ci_low, b2, sizeof b2), human(r->ci_high, b3, sizeof b3));
        put_padded(f, r->category, wcat);
        fprintf(f, "  %6zu  %9zu  %13zu  %10s  %-21s  %s\n", r->window, r->min_human, r->conversations, human(r->mean_delta, b1, sizeof b1), ci, sentraj_ci_status_name(r->status));
    }
    fprintf(f, "mean_delta: the %s of the deltas; %s interval (%s), %zu resamples, seed %llu\n", stat,
            sentraj_method_name(cfg->method), sentraj_alternative_name(cfg->alternative), cfg->resamples,
            (unsigned long long)cfg->seed);
    return report_finish(f, name, err);
}
