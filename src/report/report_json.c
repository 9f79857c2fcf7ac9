/* report_json.c - the analyze and deltas reports as self-describing JSON. */
#include "data/dataset.h"

#include "core/error.h"
#include "report/json_write.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* The header shared by both reports: version, command, inputs, options (as
 * given by the caller's writer), counts. Leaves the object open. */
static void header(FILE *f, const sentraj_run_info *info, const char *command)
{
    fputs("{\n  \"sentraj_version\": ", f);
    json_write_str(f, SENTRAJ_VERSION);
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

static void counts(FILE *f, const sentraj_run_info *info)
{
    const sentraj_counts *c = info ? info->counts : NULL;
    if (!c)
        return;
    fprintf(f,
            "  \"counts\": {\"rows\": %llu, \"human_messages\": %llu, \"assistant_messages\": %llu, "
            "\"ignored_messages\": %llu, \"conversations\": %llu, \"kept\": %llu, \"dropped_short\": %llu, "
            "\"kept_without_category\": %llu, \"categories\": %llu, \"categories_unmatched\": %llu},\n",
            (unsigned long long)c->rows, (unsigned long long)c->human_messages,
            (unsigned long long)c->assistant_messages, (unsigned long long)c->ignored_messages,
            (unsigned long long)c->conversations, (unsigned long long)c->kept, (unsigned long long)c->dropped_short,
            (unsigned long long)c->kept_without_category, (unsigned long long)c->categories,
            (unsigned long long)c->categories_unmatched);
}

static void input_options(FILE *f, const sentraj_run_info *info)
{
    fputs(", \"scale\": ", f);
    json_write_str_or_null(f, info ? info->scale : NULL);
    fputs(", \"categories_table\": ", f);
    json_write_str_or_null(f, info ? info->categories : NULL);
}

static int finish(FILE *f, const char *name, sentraj_error *err)
{
    if (fflush(f) != 0 || ferror(f))
        return sentraj_raise(err, SENTRAJ_EIO, name, 0, 0, "write failed: %s", strerror(errno ? errno : EIO));
    return SENTRAJ_OK;
}

int sentraj_report_write_json(FILE *f, const char *name, const sentraj_analysis *a, const sentraj_run_info *info,
                              sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_analysis_config(a);

    errno = 0;
    header(f, info, "analyze");
    fprintf(f, "  \"options\": {\"min_human\": %zu, \"window\": %zu, \"resamples\": %zu, \"level\": ", cfg->min_human,
            cfg->window, cfg->resamples);
    json_write_num(f, cfg->level);
    fprintf(f, ", \"method\": \"%s\", \"engine\": \"%s\", \"alternative\": \"%s\", \"sim\": \"%s\", \"seed\": %llu",
            sentraj_method_name(cfg->method), sentraj_engine_name(cfg->engine),
            sentraj_alternative_name(cfg->alternative), sentraj_sim_name(cfg->sim), (unsigned long long)cfg->seed);
    fputs(", \"cluster_by\": ", f);
    json_write_str_or_null(f, sentraj_analysis_cluster_by(a));
    input_options(f, info);
    fputs("},\n", f);
    counts(f, info);
    fputs("  \"results\": [", f);
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        fputs(i ? ",\n    {\"category\": " : "\n    {\"category\": ", f);
        json_write_str(f, r->category);
        fprintf(f, ", \"conversations\": %zu, ", r->conversations);
        if (sentraj_analysis_cluster_by(a))
            fprintf(f, "\"clusters\": %zu, ", r->clusters);
        else
            fputs("\"clusters\": null, ", f);
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
        fprintf(f, ", \"status\": \"%s\"}", sentraj_ci_status_name(r->boot.status));
    }
    fputs(sentraj_analysis_rows(a) ? "\n  ]\n}\n" : "]\n}\n", f);
    return finish(f, name, err);
}

int sentraj_report_write_deltas_json(FILE *f, const char *name, const sentraj_dataset *ds,
                                     const sentraj_run_info *info, sentraj_error *err)
{
    errno = 0;
    header(f, info, "deltas");
    fprintf(f, "  \"options\": {\"min_human\": %zu, \"window\": %zu", ds->min_human, ds->window);
    input_options(f, info);
    fputs("},\n", f);
    counts(f, info);
    fputs("  \"conversations\": [", f);
    for (size_t i = 0; i < sentraj_dataset_kept(ds); i++) {
        sentraj_trajectory t;
        const uint32_t *m;
        sentraj_dataset_trajectory(ds, i, &t);
        fputs(i ? ",\n    {\"conversation_id\": " : "\n    {\"conversation_id\": ", f);
        json_write_str(f, t.conversation_id);
        fputs(", \"categories\": [", f);
        m = ds->set_members[ds->kept[i].set];
        for (size_t k = 0; m[k] != UINT32_MAX; k++) {
            if (k)
                fputs(", ", f);
            json_write_str(f, intern_str(&ds->cats, m[k]));
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
    return finish(f, name, err);
}
