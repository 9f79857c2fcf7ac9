/* csv.c - every CSV report: analyze, its resamples, deltas, positions and the statistics commands. */
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

int sentraj_compare_write_csv(FILE *f, const char *name, const sentraj_compare *c, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_compare_config(c);
    char stat[40];

    errno = 0;
    sentraj_statistic_format(cfg, stat, sizeof stat);
    fputs("category_a,category_b,conversations_a,conversations_b,estimate_a,estimate_b,difference,ci_low,ci_high,"
          "p_value,p_holm,statistic,method,resamples,seed,status\n",
          f);
    for (size_t i = 0; i < sentraj_compare_rows(c); i++) {
        const sentraj_compare_row *r = sentraj_compare_row_get(c, i);
        const double v[] = {r->estimate_a, r->estimate_b, r->difference, r->ci_low, r->ci_high, r->p_value,
                            r->p_holm};
        report_put_field(f, r->category_a, 1);
        putc(',', f);
        report_put_field(f, r->category_b, 1);
        fprintf(f, ",%zu,%zu", r->conversations_a, r->conversations_b);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            putc(',', f);
            report_put_num(f, v[k], "");
        }
        fprintf(f, ",%s,%s,%zu,%llu,%s\n", stat, sentraj_method_name(cfg->method), r->resamples,
                (unsigned long long)cfg->seed, sentraj_ci_status_name(r->status));
    }
    return report_finish(f, name, err);
}

int sentraj_test_write_csv(FILE *f, const char *name, const sentraj_test *t, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_test_config(t);

    errno = 0;
    fputs("category,conversations,mean_delta,sd_delta,d_z,p_within,p_sign_flip,p_holm,resamples,seed,status\n", f);
    for (size_t i = 0; i < sentraj_test_rows(t); i++) {
        const sentraj_test_row *r = sentraj_test_row_get(t, i);
        const double v[] = {r->mean_delta, r->sd_delta, r->d_z, r->p_within, r->p_sign_flip, r->p_holm};
        report_put_field(f, r->category, 1);
        fprintf(f, ",%zu", r->conversations);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            putc(',', f);
            report_put_num(f, v[k], "");
        }
        fprintf(f, ",%zu,%llu,%s\n", r->resamples, (unsigned long long)cfg->seed, sentraj_ci_status_name(r->status));
    }
    return report_finish(f, name, err);
}

int sentraj_transitions_write_csv(FILE *f, const char *name, const sentraj_transitions *t, sentraj_error *err)
{
    errno = 0;
    fputs("category,start,end,conversations,share,ci_low,ci_high\n", f);
    for (size_t i = 0; i < sentraj_transitions_rows(t); i++) {
        const sentraj_transition_row *r = sentraj_transitions_row(t, i);
        report_put_field(f, r->category, 1);
        putc(',', f);
        report_put_field(f, r->start, 1);
        putc(',', f);
        report_put_field(f, r->end, 1);
        fprintf(f, ",%zu,", r->conversations);
        report_put_num(f, r->share, "");
        putc(',', f);
        report_put_num(f, r->ci_low, "");
        putc(',', f);
        report_put_num(f, r->ci_high, "");
        putc('\n', f);
    }
    return report_finish(f, name, err);
}

int sentraj_sensitivity_write_csv(FILE *f, const char *name, const sentraj_sensitivity *s, sentraj_error *err)
{
    errno = 0;
    fputs("category,window,min_human,conversations,mean_delta,ci_low,ci_high\n", f);
    for (size_t i = 0; i < sentraj_sensitivity_rows(s); i++) {
        const sentraj_sensitivity_row *r = sentraj_sensitivity_row_get(s, i);
        report_put_field(f, r->category, 1);
        fprintf(f, ",%zu,%zu,%zu,", r->window, r->min_human, r->conversations);
        report_put_num(f, r->mean_delta, "");
        putc(',', f);
        report_put_num(f, r->ci_low, "");
        putc(',', f);
        report_put_num(f, r->ci_high, "");
        putc('\n', f);
    }
    return report_finish(f, name, err);
}
