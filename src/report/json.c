/* json.c - every report as self-describing JSON: analyze, deltas, positions and the statistics commands. */
#include "sentraj.h"

#include "report/json_write.h"
#include "report/write.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

void sentraj_run_info_init(sentraj_run_info *info)
{
    memset(info, 0, sizeof *info);
}

/* The header shared by both reports: version, command, inputs, options (as
 * given by the caller's writer), counts. Leaves the object open. */
static void header(FILE *f, const sentraj_run_info *info, const char *command)
{
    fputs("{\n  \"sentraj_version\": ", f);
    json_write_str(f, sentraj_version());
    fputs(",\n  \"command\": ", f);
    json_write_str(f, info && info->command ? info->command : command);
    fputs(",\n  \"inputs\": [", f);
    for (size_t i = 0; info && i < info->ninputs; i++) {
        if (i)
            fputs(", ", f);
        json_write_str(f, info->inputs[i]);
    }
    fputs("],\n", f);
}

/* The data set's counts, when the caller gave them; positions adds `used`,
 * the conversations it drew on (SIZE_MAX leaves it out). */
static void counts(FILE *f, const sentraj_run_info *info, size_t used)
{
    const sentraj_counts *c = info ? info->counts : NULL;
    if (!c)
        return;
    fprintf(f,
            "  \"counts\": {\"rows\": %llu, \"human_messages\": %llu, \"assistant_messages\": %llu, "
            "\"ignored_messages\": %llu, \"conversations\": %llu, \"kept\": %llu, \"dropped_short\": %llu, "
            "\"kept_without_category\": %llu, \"categories\": %llu, \"categories_unmatched\": %llu",
            (unsigned long long)c->rows, (unsigned long long)c->human_messages,
            (unsigned long long)c->assistant_messages, (unsigned long long)c->ignored_messages,
            (unsigned long long)c->conversations, (unsigned long long)c->kept, (unsigned long long)c->dropped_short,
            (unsigned long long)c->kept_without_category, (unsigned long long)c->categories,
            (unsigned long long)c->categories_unmatched);
    if (used != SIZE_MAX)
        fprintf(f, ", \"used\": %zu", used);
    fputs("},\n", f);
}

/* The bootstrap's settings after resamples and level. */
static void boot_options(FILE *f, const sentraj_config *cfg)
{
    fprintf(f, ", \"method\": \"%s\", \"engine\": \"%s\", \"alternative\": \"%s\", \"sim\": \"%s\", \"seed\": %llu",
            sentraj_method_name(cfg->method), sentraj_engine_name(cfg->engine),
            sentraj_alternative_name(cfg->alternative), sentraj_sim_name(cfg->sim), (unsigned long long)cfg->seed);
}

static void input_options(FILE *f, const sentraj_run_info *info)
{
    const sentraj_scale *sc = info ? info->label_scale : NULL;

    fputs(", \"scale\": ", f);
    json_write_str_or_null(f, info ? info->scale : NULL);
    if (sc) {
        /* The labels and the values they were read as. */
        fputs(", \"scale_labels\": {", f);
        for (size_t i = 0; i < sentraj_scale_size(sc); i++) {
            const char *label;
            double value;
            sentraj_scale_entry(sc, i, &label, &value);
            fputs(i ? ", " : "", f);
            json_write_str(f, label);
            fputs(": ", f);
            json_write_num(f, value);
        }
        fputs("}", f);
    }
    fputs(", \"categories_table\": ", f);
    json_write_str_or_null(f, info ? info->categories : NULL);
}

/* The row's count of conversations dropped by min_human, or null when
 * unknown (an analysis of a summary). */
static void dropped(FILE *f, uint64_t n)
{
    if (n == UINT64_MAX)
        fputs("\"dropped\": null, ", f);
    else
        fprintf(f, "\"dropped\": %llu, ", (unsigned long long)n);
}

/* The cluster fields of a row: numbers with clusters, else null. */
static void cluster_fields(FILE *f, const sentraj_result *r, int clustered)
{
    if (!clustered) {
        fputs("\"clusters\": null, \"largest_cluster_share\": null, \"design_effect\": null, ", f);
        return;
    }
    fprintf(f, "\"clusters\": %zu, \"largest_cluster_share\": ", r->clusters);
    json_write_num(f, r->largest_cluster_share);
    fputs(", \"design_effect\": ", f);
    json_write_num(f, r->design_effect);
    fputs(", ", f);
}

int sentraj_analysis_write_json(FILE *f, const char *name, const sentraj_analysis *a, const sentraj_run_info *info,
                              sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_analysis_config(a);
    char stat[40];

    errno = 0;
    sentraj_statistic_format(cfg, stat, sizeof stat);
    header(f, info, "analyze");
    fprintf(f, "  \"options\": {\"min_human\": %zu, \"window\": %zu, \"resamples\": %zu, \"level\": ", cfg->min_human,
            cfg->window, cfg->resamples);
    json_write_num(f, cfg->level);
    boot_options(f, cfg);
    fprintf(f, ", \"statistic\": \"%s\", \"small\": %u", stat, cfg->small);
    fputs(", \"cluster_by\": ", f);
    json_write_str_or_null(f, sentraj_analysis_cluster_by(a));
    input_options(f, info);
    fputs("},\n", f);
    counts(f, info, SIZE_MAX);
    fputs("  \"results\": [", f);
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        fputs(i ? ",\n    {\"category\": " : "\n    {\"category\": ", f);
        json_write_str(f, r->category);
        fprintf(f, ", \"conversations\": %zu, ", r->conversations);
        dropped(f, r->dropped);
        cluster_fields(f, r, sentraj_analysis_cluster_by(a) != NULL);
        fputs("\"mean_first\": ", f);
        json_write_num(f, r->mean_first);
        fputs(", \"mean_last\": ", f);
        json_write_num(f, r->mean_last);
        fputs(", \"mean_delta\": ", f);
        json_write_num(f, r->mean_delta);
        fputs(", \"ci_low\": ", f);
        json_write_num(f, r->boot.ci_low);
        fputs(", \"ci_high\": ", f);
        json_write_num(f, r->boot.ci_high);
        fputs(", \"level\": ", f);
        json_write_num(f, cfg->level);
        fprintf(f, ", \"method\": \"%s\", \"engine\": \"%s\", \"resamples\": %zu, \"seed\": %llu, \"se\": ",
                sentraj_method_name(cfg->method), sentraj_engine_name(r->boot.engine), r->boot.resamples,
                (unsigned long long)cfg->seed);
        json_write_num(f, r->boot.se);
        fprintf(f, ", \"status\": \"%s\", \"statistic\": \"%s\", \"note\": ", sentraj_ci_status_name(r->boot.status),
                stat);
        json_write_str_or_null(f, r->note);
        putc('}', f);
    }
    fputs(sentraj_analysis_rows(a) ? "\n  ]\n}\n" : "]\n}\n", f);
    return report_finish(f, name, err);
}

int sentraj_deltas_write_json(FILE *f, const char *name, const sentraj_dataset *ds,
                                     const sentraj_run_info *info, sentraj_error *err)
{
    errno = 0;
    header(f, info, "deltas");
    fprintf(f, "  \"options\": {\"min_human\": %zu, \"window\": %zu", sentraj_dataset_min_human(ds),
            sentraj_dataset_window(ds));
    input_options(f, info);
    fputs("},\n", f);
    counts(f, info, SIZE_MAX);
    fputs("  \"conversations\": [", f);
    for (size_t i = 0; i < sentraj_dataset_kept(ds); i++) {
        sentraj_trajectory t;
        const char *cat;
        sentraj_dataset_trajectory(ds, i, &t);
        fputs(i ? ",\n    {\"conversation_id\": " : "\n    {\"conversation_id\": ", f);
        json_write_str(f, t.conversation_id);
        fputs(", \"categories\": [", f);
        for (size_t k = 0; (cat = sentraj_dataset_trajectory_category(ds, i, k)) != NULL; k++) {
            if (k)
                fputs(", ", f);
            json_write_str(f, cat);
        }
        fprintf(f, "], \"human_messages\": %llu, \"mean_first\": ", (unsigned long long)t.human_messages);
        json_write_num(f, t.mean_first);
        fputs(", \"mean_last\": ", f);
        json_write_num(f, t.mean_last);
        fputs(", \"delta\": ", f);
        json_write_num(f, t.delta);
        putc('}', f);
    }
    fputs(sentraj_dataset_kept(ds) ? "\n  ]\n}\n" : "]\n}\n", f);
    return report_finish(f, name, err);
}

int sentraj_positions_write_json(FILE *f, const char *name, const sentraj_positions *p,
                                 const sentraj_run_info *info, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_positions_config(p);
    const sentraj_positions_options *po = sentraj_positions_options_get(p);
    const char *cluster_by = sentraj_positions_cluster_by(p);

    errno = 0;
    header(f, info, "positions");
    fprintf(f, "  \"options\": {\"min_human\": %zu, \"all_conversations\": %s, ", cfg->min_human,
            po->all_conversations ? "true" : "false");
    if (po->bins)
        fprintf(f, "\"bins\": %zu, \"max_position\": null", po->bins);
    else
        fprintf(f, "\"bins\": null, \"max_position\": %zu", po->max_position);
    fprintf(f, ", \"resamples\": %zu, \"level\": ", cfg->resamples);
    json_write_num(f, cfg->level);
    boot_options(f, cfg);
    fputs(", \"cluster_by\": ", f);
    json_write_str_or_null(f, cluster_by);
    input_options(f, info);
    fputs("},\n", f);
    counts(f, info, sentraj_positions_conversations(p));
    fputs("  \"results\": [", f);
    for (size_t i = 0; i < sentraj_positions_rows(p); i++) {
        const sentraj_position_row *r = sentraj_positions_row(p, i);
        fputs(i ? ",\n    {\"category\": " : "\n    {\"category\": ", f);
        json_write_str(f, r->category);
        fprintf(f, ", \"position\": %zu, \"conversations\": %zu, ", r->position, r->conversations);
        if (cluster_by)
            fprintf(f, "\"clusters\": %zu, ", r->clusters);
        else
            fputs("\"clusters\": null, ", f);
        fputs("\"mean\": ", f);
        json_write_num(f, r->mean);
        fputs(", \"ci_low\": ", f);
        json_write_num(f, r->ci_low);
        fputs(", \"ci_high\": ", f);
        json_write_num(f, r->ci_high);
        fputs(", \"se\": ", f);
        json_write_num(f, r->se);
        fprintf(f, ", \"status\": \"%s\", \"engine\": \"%s\", \"empty_resamples\": %zu}",
                sentraj_ci_status_name(r->status), sentraj_engine_name(r->engine), r->empty);
    }
    fputs(sentraj_positions_rows(p) ? "\n  ]\n}\n" : "]\n}\n", f);
    return report_finish(f, name, err);
}

int sentraj_compare_write_json(FILE *f, const char *name, const sentraj_compare *c, const sentraj_run_info *info,
                               sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_compare_config(c);
    const char *cluster_by = sentraj_compare_cluster_by(c);
    char stat[40];

    errno = 0;
    sentraj_statistic_format(cfg, stat, sizeof stat);
    header(f, info, "compare");
    fprintf(f, "  \"options\": {\"min_human\": %zu, \"window\": %zu, \"resamples\": %zu, \"level\": ", cfg->min_human,
            cfg->window, cfg->resamples);
    json_write_num(f, cfg->level);
    boot_options(f, cfg);
    fprintf(f, ", \"statistic\": \"%s\", \"small\": %u, \"cluster_by\": ", stat, cfg->small);
    json_write_str_or_null(f, cluster_by);
    input_options(f, info);
    fputs("},\n", f);
    counts(f, info, SIZE_MAX);
    fputs("  \"results\": [", f);
    for (size_t i = 0; i < sentraj_compare_rows(c); i++) {
        const sentraj_compare_row *r = sentraj_compare_row_get(c, i);
        static const char *const keys[] = {"estimate_a", "estimate_b", "difference", "ci_low", "ci_high", "se",
                                           "p_value", "p_holm"};
        const double v[] = {r->estimate_a, r->estimate_b, r->difference, r->ci_low, r->ci_high, r->se,
                            r->p_value, r->p_holm};
        fputs(i ? ",\n    {\"category_a\": " : "\n    {\"category_a\": ", f);
        json_write_str(f, r->category_a);
        fputs(", \"category_b\": ", f);
        json_write_str(f, r->category_b);
        fprintf(f, ", \"conversations_a\": %zu, \"conversations_b\": %zu, \"both\": %zu, ", r->conversations_a,
                r->conversations_b, r->both);
        if (cluster_by)
            fprintf(f, "\"clusters\": %zu", r->clusters);
        else
            fputs("\"clusters\": null", f);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fprintf(f, ", \"%s\": ", keys[k]);
            json_write_num(f, v[k]);
        }
        fprintf(f, ", \"statistic\": \"%s\", \"method\": \"%s\", \"engine\": \"%s\", \"resamples\": %zu, \"seed\": %llu, "
                   "\"empty_resamples\": %zu, \"status\": \"%s\", \"note\": ",
                stat, sentraj_method_name(cfg->method), sentraj_engine_name(r->engine), r->resamples,
                (unsigned long long)cfg->seed, r->empty, sentraj_ci_status_name(r->status));
        json_write_str_or_null(f, r->note);
        putc('}', f);
    }
    fputs(sentraj_compare_rows(c) ? "\n  ]\n}\n" : "]\n}\n", f);
    return report_finish(f, name, err);
}

int sentraj_test_write_json(FILE *f, const char *name, const sentraj_test *t, const sentraj_run_info *info,
                            sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_test_config(t);

    errno = 0;
    header(f, info, "test");
    fprintf(f, "  \"options\": {\"min_human\": %zu, \"window\": %zu, \"resamples\": %zu, \"seed\": %llu, \"small\": %u",
            cfg->min_human, cfg->window, cfg->resamples, (unsigned long long)cfg->seed, cfg->small);
    input_options(f, info);
    fputs("},\n", f);
    counts(f, info, SIZE_MAX);
    fputs("  \"results\": [", f);
    for (size_t i = 0; i < sentraj_test_rows(t); i++) {
        const sentraj_test_row *r = sentraj_test_row_get(t, i);
        static const char *const keys[] = {"mean_delta", "sd_delta", "d_z", "p_within", "p_sign_flip", "p_holm"};
        const double v[] = {r->mean_delta, r->sd_delta, r->d_z, r->p_within, r->p_sign_flip, r->p_holm};
        fputs(i ? ",\n    {\"category\": " : "\n    {\"category\": ", f);
        json_write_str(f, r->category);
        fprintf(f, ", \"conversations\": %zu, ", r->conversations);
        dropped(f, r->dropped);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fprintf(f, "%s\"%s\": ", k ? ", " : "", keys[k]);
            json_write_num(f, v[k]);
        }
        fprintf(f, ", \"resamples\": %zu, \"seed\": %llu, \"status\": \"%s\"}", r->resamples,
                (unsigned long long)cfg->seed, sentraj_ci_status_name(r->status));
    }
    fputs(sentraj_test_rows(t) ? "\n  ]\n}\n" : "]\n}\n", f);
    return report_finish(f, name, err);
}

int sentraj_transitions_write_json(FILE *f, const char *name, const sentraj_transitions *t,
                                   const sentraj_run_info *info, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_transitions_config(t);
    const char *cluster_by = sentraj_transitions_cluster_by(t);

    errno = 0;
    header(f, info, "transitions");
    fprintf(f, "  \"options\": {\"min_human\": %zu, \"window\": %zu, \"levels\": %zu, \"resamples\": %zu, \"level\": ",
            cfg->min_human, cfg->window, sentraj_transitions_levels(t), cfg->resamples);
    json_write_num(f, cfg->level);
    boot_options(f, cfg);
    fprintf(f, ", \"small\": %u, \"cluster_by\": ", cfg->small);
    json_write_str_or_null(f, cluster_by);
    input_options(f, info);
    fputs("},\n", f);
    counts(f, info, SIZE_MAX);
    fputs("  \"results\": [", f);
    for (size_t i = 0; i < sentraj_transitions_rows(t); i++) {
        const sentraj_transition_row *r = sentraj_transitions_row(t, i);
        fputs(i ? ",\n    {\"category\": " : "\n    {\"category\": ", f);
        json_write_str(f, r->category);
        fputs(", \"start\": ", f);
        json_write_str(f, r->start);
        fputs(", \"end\": ", f);
        json_write_str(f, r->end);
        fprintf(f, ", \"conversations\": %zu, \"row_total\": %zu, ", r->conversations, r->row_total);
        if (cluster_by)
            fprintf(f, "\"clusters\": %zu, \"share\": ", r->clusters);
        else
            fputs("\"clusters\": null, \"share\": ", f);
        json_write_num(f, r->share);
        fputs(", \"ci_low\": ", f);
        json_write_num(f, r->ci_low);
        fputs(", \"ci_high\": ", f);
        json_write_num(f, r->ci_high);
        fputs(", \"se\": ", f);
        json_write_num(f, r->se);
        fprintf(f, ", \"status\": \"%s\", \"engine\": \"%s\", \"empty_resamples\": %zu}",
                sentraj_ci_status_name(r->status), sentraj_engine_name(r->engine), r->empty);
    }
    fputs(sentraj_transitions_rows(t) ? "\n  ]\n}\n" : "]\n}\n", f);
    return report_finish(f, name, err);
}

int sentraj_sensitivity_write_json(FILE *f, const char *name, const sentraj_sensitivity *s,
                                   const sentraj_run_info *info, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_sensitivity_config(s);
    char stat[40];

    errno = 0;
    sentraj_statistic_format(cfg, stat, sizeof stat);
    header(f, info, "sensitivity");
    fprintf(f, "  \"options\": {\"points\": %zu, \"resamples\": %zu, \"level\": ", sentraj_sensitivity_points(s),
            cfg->resamples);
    json_write_num(f, cfg->level);
    boot_options(f, cfg);
    fprintf(f, ", \"statistic\": \"%s\", \"small\": %u", stat, cfg->small);
    input_options(f, info);
    fputs("},\n", f);
    counts(f, info, SIZE_MAX);
    fputs("  \"results\": [", f);
    for (size_t i = 0; i < sentraj_sensitivity_rows(s); i++) {
        const sentraj_sensitivity_row *r = sentraj_sensitivity_row_get(s, i);
        fputs(i ? ",\n    {\"category\": " : "\n    {\"category\": ", f);
        json_write_str(f, r->category);
        fprintf(f, ", \"window\": %zu, \"min_human\": %zu, \"conversations\": %zu, \"mean_delta\": ", r->window,
                r->min_human, r->conversations);
        json_write_num(f, r->mean_delta);
        fputs(", \"ci_low\": ", f);
        json_write_num(f, r->ci_low);
        fputs(", \"ci_high\": ", f);
        json_write_num(f, r->ci_high);
        fputs(", \"se\": ", f);
        json_write_num(f, r->se);
        fprintf(f, ", \"status\": \"%s\", \"engine\": \"%s\", \"resamples\": %zu, \"clusters\": ",
                sentraj_ci_status_name(r->status), sentraj_engine_name(r->engine), r->resamples);
        /* null without clusters, as analyze writes it */
        if (r->clusters)
            fprintf(f, "%zu", r->clusters);
        else
            fputs("null", f);
        fprintf(f, ", \"statistic\": \"%s\", \"note\": ", stat);
        json_write_str_or_null(f, r->note);
        putc('}', f);
    }
    fputs(sentraj_sensitivity_rows(s) ? "\n  ]\n}\n" : "]\n}\n", f);
    return report_finish(f, name, err);
}
