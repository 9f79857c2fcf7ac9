/* stats_common.c - what the statistics commands share: figure files, the tail warning, refused rows, the scale. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
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
    if (!figs->n && (f->title || f->width || f->height || f->dpi || f->labels))
        return cli_usage_error("--title, --width, --height, --dpi and --labels need --figure FILE");
    return 0;
}

void cli_warn_tails(const cli_args *a)
{
    double alpha = a->cfg.alternative == SENTRAJ_TWO_SIDED ? (1 - a->cfg.level) / 2 : 1 - a->cfg.level;
    double inside = alpha * (double)a->cfg.resamples;

    if (a->cfg.engine == SENTRAJ_ENGINE_EXACT || inside >= 5)
        return;
    /* A warning, not a count: -q does not silence it. */
    (void)a;
    cli_note(NULL,
             "warning: the interval's end is the %g quantile of %zu resamples, with %g resamples beyond it (fewer "
             "than 5): too few resamples for that tail, so the end is little more than the most extreme draw; use "
             "--resamples %.0f or more",
             alpha, a->cfg.resamples, inside, ceil(5 / alpha));
}

void cli_note_refused(const cli_args *a, const char *row, const char *why)
{
    /* The reason a row has no interval: shown even with -q. */
    (void)a;
    cli_note(NULL, "%s: refused: %s", row, why);
}

void cli_note_refused_rows(const cli_args *a, const sentraj_analysis *an)
{
    for (size_t i = 0; i < sentraj_analysis_rows(an); i++) {
        const sentraj_result *r = sentraj_analysis_row(an, i);
        if (r->boot.status == SENTRAJ_CI_REFUSED && r->note)
            cli_note_refused(a, r->category, r->note);
    }
}

int cli_scale_open(const cli_args *a, sentraj_scale **scale)
{
    sentraj_error err;

    *scale = NULL;
    if (!a->input.scale_path)
        return 0;
    if (!(*scale = cli_scale(a->input.scale_path, &err)))
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
    if ((*code = cli_scale_open(a, &scale)) != 0)
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

void cli_pairs_free(cli_pairs *p)
{
    free(p->buf);
    free(p->v);
    memset(p, 0, sizeof *p);
}

int cli_pairs_parse(const char *arg, cli_pairs *p)
{
    size_t len = strlen(arg), cap = 2, o = 0, item = 0;
    int colon = 0;

    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < len; i++)
        cap += 2 * (arg[i] == ',');
    p->buf = malloc(len + 2);
    p->v = calloc(cap, sizeof *p->v);
    if (!p->buf || !p->v) {
        cli_pairs_free(p);
        fprintf(stderr, "sentraj %s: out of memory (--pairs)\n", cli_cmd);
        return 71;
    }
    p->v[0] = p->buf;
    for (size_t i = 0;; i++) {
        char c = arg[i];
        if (c == '\\') {
            char e = arg[i + 1];
            if (e != ',' && e != ':' && e != '\\') {
                cli_pairs_free(p);
                return cli_usage_error("--pairs: a backslash must be followed by ',', ':' or '\\' in \"%s\"", arg);
            }
            p->buf[o++] = e;
            i++;
        } else if (c == ':' && !colon) {
            p->buf[o++] = '\0';
            p->v[item + 1] = p->buf + o;
            colon = 1;
        } else if (c == ',' || c == '\0') {
            p->buf[o++] = '\0';
            if (!colon || !*p->v[item] || !*p->v[item + 1]) {
                cli_pairs_free(p);
                return cli_usage_error("--pairs expects A:B,C:D,... (two category names a pair), not \"%s\"", arg);
            }
            item += 2;
            p->n++;
            colon = 0;
            if (c == '\0')
                break;
            p->v[item] = p->buf + o;
        } else {
            p->buf[o++] = c;
        }
    }
    return 0;
}

/* What the child of cli_draw draws: every --figure of one result. */
typedef struct drawing {
    const cli_strings *names;
    sentraj_outfile **figs;
    const cli_writers *w;
    const void *result;
    const sentraj_figure_options *fo;
} drawing;

static int draw(void *ctx, sentraj_error *err)
{
    const drawing *d = ctx;
    int rc = SENTRAJ_OK;

    for (int i = 0; i < d->names->n && rc == SENTRAJ_OK; i++)
        rc = d->w->figure(cli_figure_kind(d->names->v[i]), sentraj_outfile_stream(d->figs[i]),
                          sentraj_outfile_name(d->figs[i]), d->result, d->fo, err);
    return rc;
}

int cli_write_results(const cli_args *a, const void *result, const cli_writers *w, const sentraj_figure_options *fo,
                      const sentraj_run_info *info)
{
    const cli_strings *names = &a->pos.figures;
    sentraj_outfile *out, *figs[CLI_MAX_REPEAT + 1] = {NULL};
    sentraj_error err;
    int code = 0, rc, nfig;

    out = cli_out_open(a->out.path ? a->out.path : "-", &code);
    if (!out)
        return code;
    for (nfig = 0; nfig < names->n; nfig++)
        if (!(figs[nfig] = cli_out_open(names->v[nfig], &code)))
            goto out;
    if (cli_format_is(a, "table"))
        rc = w->table(sentraj_outfile_stream(out), sentraj_outfile_name(out), result, &err);
    else if (cli_format_is(a, "json"))
        rc = w->json(sentraj_outfile_stream(out), sentraj_outfile_name(out), result, info, &err);
    else
        rc = w->csv(sentraj_outfile_stream(out), sentraj_outfile_name(out), result, &err);
    if (rc != SENTRAJ_OK) {
        code = cli_fail(&err);
        goto out;
    }
    if (nfig) {
        drawing d = {names, figs, w, result, fo};
        if ((code = cli_draw(draw, &d, sentraj_outfile_name(figs[0]))) != 0)
            goto out;
    }
    /* The table first, then the figures, all or none. */
    memmove(figs + 1, figs, (size_t)nfig * sizeof *figs);
    figs[0] = out;
    out = NULL;
    code = cli_out_commit_all(figs, (size_t)nfig + 1);
    nfig = 0;
out:
    cli_out_abort(out);
    for (int i = 0; i < nfig; i++)
        cli_out_abort(figs[i]);
    return code;
}
