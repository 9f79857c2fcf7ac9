/* stats_common.c - what the statistics commands share: figure files, the tail warning, refused rows, the scale. */
#include "cli.h"

#include <math.h>
#include <string.h>
#include <strings.h>

int cli_figure_kind(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return -1;
    if (strcasecmp(dot, ".png") == 0)
        return CLI_FIG_PNG;
    if (strcasecmp(dot, ".svg") == 0)
        return CLI_FIG_SVG;
    if (strcasecmp(dot, ".pdf") == 0)
        return CLI_FIG_PDF;
    return -1;
}

int cli_check_figures(const cli_args *a)
{
    const cli_strings *figs = &a->pos.figures;
    const cli_figure_opts *f = &a->fig;

    for (int i = 0; i < figs->n; i++)
        if (cli_figure_kind(figs->v[i]) < 0)
            return cli_usage_error("--figure %s: the name must end in .png, .svg or .pdf", figs->v[i]);
    for (int i = 0; i < figs->n; i++) {
        if (cli_same_output(a->out.path ? a->out.path : "-", figs->v[i]))
            return cli_usage_error("--figure and the output are the same file (%s)", figs->v[i]);
        for (int j = 0; j < i; j++)
            if (cli_same_output(figs->v[j], figs->v[i]))
                return cli_usage_error("--figure %s is given twice", figs->v[i]);
    }
    if (figs->n && a->cfg.alternative != SENTRAJ_TWO_SIDED)
        return cli_usage_error("the figure draws two-sided intervals; leave out --figure for --alternative %s",
                               sentraj_alternative_name(a->cfg.alternative));
    if (!figs->n && (f->title || f->width || f->height || f->dpi || f->order || f->labels))
        return cli_usage_error("--title, --width, --height, --dpi, --order and --labels need --figure FILE");
    return 0;
}

void cli_warn_tails(const cli_args *a)
{
    double alpha = a->cfg.alternative == SENTRAJ_TWO_SIDED ? (1 - a->cfg.level) / 2 : 1 - a->cfg.level;
    double inside = alpha * (double)a->cfg.resamples;

    if (a->cfg.engine == SENTRAJ_ENGINE_EXACT || inside >= 5)
        return;
    cli_note(a,
             "warning: the interval's end is the %g quantile of %zu resamples, with %g resamples beyond it (fewer "
             "than 5): too few resamples for that tail, so the end is little more than the most extreme draw; use "
             "--resamples %.0f or more",
             alpha, a->cfg.resamples, inside, ceil(5 / alpha));
}

void cli_note_refused(const cli_args *a, const char *row, const char *why)
{
    cli_note(a, "%s: refused: %s", row, why);
}

void cli_note_refused_rows(const cli_args *a, const sentraj_analysis *an)
{
    for (size_t i = 0; i < sentraj_analysis_rows(an); i++) {
        const sentraj_result *r = sentraj_analysis_row(an, i);
        if (r->boot.status == SENTRAJ_CI_REFUSED && r->note)
            cli_note_refused(a, r->category, r->note);
    }
}

int cli_scale(const cli_args *a, sentraj_scale **scale)
{
    sentraj_error err;

    *scale = NULL;
    if (!a->input.scale_path)
        return 0;
    if (!(*scale = sentraj_scale_read(a->input.scale_path, &err)))
        return cli_fail(&err);
    return 0;
}

sentraj_analysis *cli_analyze_by_start(const cli_args *a, sentraj_counts *counts, int *code)
{
    sentraj_analysis *an = NULL;
    sentraj_dataset *ds;
    sentraj_scale *scale = NULL;
    sentraj_error err;

    for (int i = 0; i < a->ninputs; i++) {
        if (sentraj_summary_detect(a->inputs[i])) {
            *code = cli_usage_error("--by-start needs the messages: %s is a summary, whose scale names its labels "
                                    "only folded",
                                    a->inputs[i]);
            return NULL;
        }
    }
    if ((*code = cli_scale(a, &scale)) != 0)
        return NULL;
    if ((ds = cli_load(a, a->inputs, a->ninputs, code)) != NULL) {
        an = sentraj_analysis_compute_by_start(ds, scale, &a->cfg, &err);
        *counts = *sentraj_dataset_counts(ds);
        if (!an)
            *code = cli_fail(&err);
        sentraj_dataset_free(ds);
    }
    sentraj_scale_free(scale);
    return an;
}
