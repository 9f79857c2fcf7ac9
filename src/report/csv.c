/* csv.c - every CSV report: analyze, its resamples, deltas and positions. */
#include "sentraj.h"

#include "core/error.h"
#include "report/write.h"

#include <errno.h>

int sentraj_analysis_write_csv(FILE *f, const char *name, const sentraj_analysis *a, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_analysis_config(a);
    char lvl[40], stat[40];

    errno = 0;
    sentraj_format_double(cfg->level, lvl, sizeof lvl);
    sentraj_statistic_format(cfg, stat, sizeof stat);
    fputs("category,conversations,mean_first,mean_last,mean_delta,ci_low,ci_high,level,method,engine,resamples,seed,"
          "se,status,statistic\n",
          f);
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        report_put_field(f, r->category, 1);
        fprintf(f, ",%zu,", r->conversations);
        report_put_num(f, r->mean_first, "");
        putc(',', f);
        report_put_num(f, r->mean_last, "");
        putc(',', f);
        report_put_num(f, r->mean_delta, "");
        putc(',', f);
        report_put_num(f, r->boot.ci_low, "");
        putc(',', f);
        report_put_num(f, r->boot.ci_high, "");
        fprintf(f, ",%s,%s,%s,%zu,%llu,", lvl, sentraj_method_name(cfg->method), sentraj_engine_name(r->boot.engine),
                r->boot.resamples, (unsigned long long)cfg->seed);
        report_put_num(f, r->boot.se, "");
        fprintf(f, ",%s,%s\n", sentraj_ci_status_name(r->boot.status), stat);
    }
    return report_finish(f, name, err);
}

int sentraj_analysis_write_resamples_csv(FILE *f, const char *name, const sentraj_analysis *a, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_analysis_config(a);
    int exact = cfg->engine == SENTRAJ_ENGINE_EXACT;

    errno = 0;
    if (!cfg->keep_resamples)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the analysis kept no resamples (set keep_resamples)");
    /* The mean keeps its column name; other statistics' draws are "value". */
    if (cfg->statistic == SENTRAJ_STAT_MEAN)
        fputs(exact ? "category,mean,probability\n" : "category,resample,mean\n", f);
    else
        fputs(exact ? "category,value,probability\n" : "category,resample,value\n", f);
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        const double *v, *p;
        size_t n = sentraj_analysis_draws(a, i, &v, &p);
        if (r->boot.status == SENTRAJ_CI_DEGENERATE) {
            /* Every resample of a constant sample is that constant: a point mass. */
            for (size_t b = 0; b < (exact ? 1 : cfg->resamples); b++) {
                report_put_field(f, r->category, 1);
                if (exact) {
                    putc(',', f);
                    report_put_num(f, r->mean_delta, "");
                    fputs(",1\n", f);
                } else {
                    fprintf(f, ",%zu,", b);
                    report_put_num(f, r->mean_delta, "");
                    putc('\n', f);
                }
            }
            continue;
        }
        for (size_t b = 0; b < n; b++) {
            report_put_field(f, r->category, 1);
            if (p) {
                putc(',', f);
                report_put_num(f, v[b], "");
                putc(',', f);
                report_put_num(f, p[b], "");
            } else {
                fprintf(f, ",%zu,", b);
                report_put_num(f, v[b], "");
            }
            putc('\n', f);
        }
    }
    return report_finish(f, name, err);
}

int sentraj_deltas_write_csv(FILE *f, const char *name, const sentraj_dataset *ds, sentraj_error *err)
{
    errno = 0;
    fputs("conversation_id,categories,human_messages,mean_first,mean_last,delta\n", f);
    for (size_t i = 0; i < sentraj_dataset_kept(ds); i++) {
        sentraj_trajectory t;
        sentraj_dataset_trajectory(ds, i, &t);
        report_put_field(f, t.conversation_id, 1);
        putc(',', f);
        report_put_field(f, t.categories, 1);
        fprintf(f, ",%llu,", (unsigned long long)t.human_messages);
        report_put_num(f, t.mean_first, "");
        putc(',', f);
        report_put_num(f, t.mean_last, "");
        putc(',', f);
        report_put_num(f, t.delta, "");
        putc('\n', f);
    }
    return report_finish(f, name, err);
}

int sentraj_positions_write_csv(FILE *f, const char *name, const sentraj_positions *p, sentraj_error *err)
{
    errno = 0;
    fputs("category,position,conversations,mean,ci_low,ci_high,status\n", f);
    for (size_t i = 0; i < sentraj_positions_rows(p); i++) {
        const sentraj_position_row *r = sentraj_positions_row(p, i);
        report_put_field(f, r->category, 1);
        fprintf(f, ",%zu,%zu,", r->position, r->conversations);
        report_put_num(f, r->mean, "");
        putc(',', f);
        report_put_num(f, r->ci_low, "");
        putc(',', f);
        report_put_num(f, r->ci_high, "");
        fprintf(f, ",%s\n", sentraj_ci_status_name(r->status));
    }
    return report_finish(f, name, err);
}
