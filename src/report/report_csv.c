/* report_csv.c - the analyze and deltas reports as CSV and as text tables. */
#include "sentraj.h"

#include "core/error.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* Write s as one CSV field, quoted when it holds a comma, quote or line end
 * (RFC 4180), or leading/trailing blanks a reader might trim. */
static void put_field(FILE *f, const char *s)
{
    size_t len = strlen(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL || (len && (s[0] == ' ' || s[len - 1] == ' '));
    if (!quote) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

static void put_num(FILE *f, double x)
{
    char buf[40];
    if (isnan(x))
        return; /* an empty field: pandas and R read it as missing */
    fputs(sentraj_format_double(x, buf, sizeof buf), f);
}

static int finish(FILE *f, const char *name, sentraj_error *err)
{
    if (fflush(f) != 0 || ferror(f))
        return sentraj_raise(err, SENTRAJ_EIO, name, 0, 0, "write failed: %s", strerror(errno ? errno : EIO));
    return SENTRAJ_OK;
}

int sentraj_report_write_csv(FILE *f, const char *name, const sentraj_analysis *a, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_analysis_config(a);
    char lvl[40];

    errno = 0;
    sentraj_format_double(cfg->level, lvl, sizeof lvl);
    fputs("category,conversations,mean_first,mean_last,mean_delta,ci_low,ci_high,level,method,engine,resamples,seed,"
          "se,status\n",
          f);
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        put_field(f, r->category);
        fprintf(f, ",%zu,", r->conversations);
        put_num(f, r->mean_first);
        putc(',', f);
        put_num(f, r->mean_last);
        putc(',', f);
        put_num(f, r->mean_delta);
        putc(',', f);
        put_num(f, r->boot.ci_low);
        putc(',', f);
        put_num(f, r->boot.ci_high);
        fprintf(f, ",%s,%s,%s,%zu,%llu,", lvl, sentraj_method_name(cfg->method), sentraj_engine_name(r->boot.engine),
                r->boot.resamples, (unsigned long long)cfg->seed);
        put_num(f, r->boot.se);
        fprintf(f, ",%s\n", sentraj_ci_status_name(r->boot.status));
    }
    return finish(f, name, err);
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

int sentraj_report_write_table(FILE *f, const char *name, const sentraj_analysis *a, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_analysis_config(a);
    size_t wcat = strlen("category");
    char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32], ci[80];

    errno = 0;
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        size_t l = strlen(sentraj_analysis_row(a, i)->category);
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
        fprintf(f, "%-*s  %13zu  %10s  %10s  %10s  %-21s  %8s  %-11s  %s\n", (int)wcat, r->category,
                r->conversations, human(r->mean_first, b1, sizeof b1), human(r->mean_last, b2, sizeof b2),
                human(r->mean_delta, b3, sizeof b3), ci,
                isnan(r->boot.se) ? "-" : (snprintf(b6, sizeof b6, "%.4f", r->boot.se), b6),
                sentraj_engine_name(r->boot.engine), sentraj_ci_status_name(r->boot.status));
    }
    if (sentraj_analysis_cluster_by(a))
        fprintf(f, "clusters: %s (a resample draws clusters and takes all their conversations)\n",
                sentraj_analysis_cluster_by(a));
    if (cfg->engine == SENTRAJ_ENGINE_EXACT)
        fprintf(f, "%s interval (%s), exact bootstrap distribution\n", sentraj_method_name(cfg->method),
                sentraj_alternative_name(cfg->alternative));
    else
        fprintf(f, "%s interval (%s), %zu %sresamples, seed %llu\n", sentraj_method_name(cfg->method),
                sentraj_alternative_name(cfg->alternative), cfg->resamples,
                cfg->sim == SENTRAJ_SIM_BALANCED ? "balanced " : "", (unsigned long long)cfg->seed);
    return finish(f, name, err);
}

int sentraj_report_write_resamples_csv(FILE *f, const char *name, const sentraj_analysis *a, sentraj_error *err)
{
    const sentraj_config *cfg = sentraj_analysis_config(a);
    int exact = cfg->engine == SENTRAJ_ENGINE_EXACT;

    errno = 0;
    if (!cfg->keep_resamples)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the analysis kept no resamples (set keep_resamples)");
    fputs(exact ? "category,mean,probability\n" : "category,resample,mean\n", f);
    for (size_t i = 0; i < sentraj_analysis_rows(a); i++) {
        const sentraj_result *r = sentraj_analysis_row(a, i);
        const double *v, *p;
        size_t n = sentraj_analysis_draws(a, i, &v, &p);
        if (r->boot.status == SENTRAJ_CI_DEGENERATE) {
            /* Every resample of a constant sample is that constant: a point mass. */
            for (size_t b = 0; b < (exact ? 1 : cfg->resamples); b++) {
                put_field(f, r->category);
                if (exact) {
                    putc(',', f);
                    put_num(f, r->mean_delta);
                    fputs(",1\n", f);
                } else {
                    fprintf(f, ",%zu,", b);
                    put_num(f, r->mean_delta);
                    putc('\n', f);
                }
            }
            continue;
        }
        for (size_t b = 0; b < n; b++) {
            put_field(f, r->category);
            if (p) {
                putc(',', f);
                put_num(f, v[b]);
                putc(',', f);
                put_num(f, p[b]);
            } else {
                fprintf(f, ",%zu,", b);
                put_num(f, v[b]);
            }
            putc('\n', f);
        }
    }
    return finish(f, name, err);
}

int sentraj_report_write_deltas_csv(FILE *f, const char *name, const sentraj_dataset *ds, sentraj_error *err)
{
    errno = 0;
    fputs("conversation_id,categories,human_messages,mean_first,mean_last,delta\n", f);
    for (size_t i = 0; i < sentraj_dataset_kept(ds); i++) {
        sentraj_trajectory t;
        sentraj_dataset_trajectory(ds, i, &t);
        put_field(f, t.conversation_id);
        putc(',', f);
        put_field(f, t.categories);
        fprintf(f, ",%llu,", (unsigned long long)t.human_messages);
        put_num(f, t.mean_first);
        putc(',', f);
        put_num(f, t.mean_last);
        putc(',', f);
        put_num(f, t.delta);
        putc('\n', f);
    }
    return finish(f, name, err);
}

int sentraj_report_write_deltas_table(FILE *f, const char *name, const sentraj_dataset *ds, sentraj_error *err)
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
    return finish(f, name, err);
}
