/* cmd_figure4.c - sentraj figure4: the published figure as CSV, PNG, SVG and PDF. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char help[] =
    "Usage: sentraj figure4 [options] [INPUT...]\n"
    "\n"
    "The published figure on any input: per category, the mean change in human\n"
    "sentiment (mean of the last 3 human labels minus the first 3, conversations\n"
    "with at least 6 human messages) with 95% bootstrap error bars. Writes\n"
    "DIR/figure4.csv (the analyze columns), DIR/figure4.png, DIR/figure4.svg and\n"
    "DIR/figure4.pdf (one drawing), and prints the table. Without INPUT it uses\n"
    "the bundled fixture. INPUT may be summaries (see 'sentraj summarize').\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR   directory for the four files, created if missing (.)\n"
    "  --title TEXT       figure title\n"
    "  --width PT         figure width in points, 1/72 inch (900)\n"
    "  --height PT        figure height in points (560)\n"
    "  --dpi N            PNG resolution: WIDTH*N/72 x HEIGHT*N/72 pixels; the SVG\n"
    "                     and PDF keep their size in points (72: 900x560 pixels)\n"
    "  --order O          the bars, left to right: natural|name|value, as for\n"
    "                     'sentraj analyze' (natural), or exactly the categories\n"
    "                     listed (a comma list or a file of one a line; the other\n"
    "                     categories follow them in the CSV)\n"
    "                     (\"all\" allowed); categories not listed are left out\n"
    "  --labels LIST      display names: NAME=TEXT,NAME=TEXT,...\n"
    "                     (in both lists, \\, \\= and \\\\ stand for , = and \\)\n"
    "  --statistic S      what the bars and whiskers show: mean, median, trimmed:F,\n"
    "                     share-up, share-down or share-same, as for 'sentraj\n"
    "                     analyze' (mean)\n"
    "  --min-human N, --window K, --resamples B, --level L, --method M,\n"
    "  --engine E, --sim S, --seed S, --threads T, --cluster-by COL, --small N\n"
    "                     as for 'sentraj analyze'\n"
    "  -q, --quiet        no counts on standard error\n"
    "  -h, --help         this help\n";

enum { NFILES = 4 };

/* On standard error (unless -q): the categories --order leaves out. */
static void note_left_out(const cli_args *a, const sentraj_analysis *an, const cli_list *order)
{
    size_t rows = sentraj_analysis_rows(an), out = 0, shown = 0;
    char buf[400];
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i + 1 < rows; i++) {
        const char *name = sentraj_analysis_row(an, i)->category;
        size_t k = 0;
        while (k < order->n && strcmp(order->keys[k], name) != 0)
            k++;
        if (k < order->n)
            continue;
        out++;
        if (len + strlen(name) + 3 < sizeof buf - 24) {
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", shown ? ", " : "", name);
            shown++;
        }
    }
    if (out > shown)
        snprintf(buf + len, sizeof buf - len, " and %zu more", out - shown);
    if (out)
        cli_note(a, "--order leaves %zu of %zu categories out of the figure: %s", out, rows - 1, buf);
}

/* mkdir -p: create dir and its missing parents. */
static int make_dirs(const char *dir)
{
    char *p = strdup(dir);
    int rc = 0;
    if (!p)
        return -1;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                rc = -1;
                break;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    return rc;
}

/* The PNG, SVG and PDF (out[1..3]), drawn by cli_draw. */
typedef struct drawing {
    sentraj_outfile **out;
    char (*path)[4096];
    const sentraj_analysis *an;
    const sentraj_figure_options *fo;
} drawing;

static int draw(void *ctx, sentraj_error *err)
{
    const drawing *d = ctx;
    int rc = sentraj_analysis_write_png(sentraj_outfile_stream(d->out[1]), d->path[1], d->an, d->fo, err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_analysis_write_svg(sentraj_outfile_stream(d->out[2]), d->path[2], d->an, d->fo, err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_analysis_write_pdf(sentraj_outfile_stream(d->out[3]), d->path[3], d->an, d->fo, err);
    return rc;
}

/* The four files in dir and the table on standard output, all or none. */
static int write_all(const cli_args *a, const char *dir, const sentraj_analysis *an, const sentraj_figure_options *fo)
{
    static const char *const names[NFILES] = {"figure4.csv", "figure4.png", "figure4.svg", "figure4.pdf"};
    sentraj_outfile *out[NFILES] = {NULL, NULL, NULL, NULL};
    char path[NFILES][4096];
    drawing d = {out, path, an, fo};
    sentraj_error err;
    int code = 0, rc;

    for (int i = 0; i < NFILES; i++) {
        snprintf(path[i], sizeof path[i], "%s/%s", dir, names[i]);
        out[i] = cli_out_open(path[i], &code);
        if (!out[i])
            goto out;
    }
    rc = sentraj_analysis_write_csv(sentraj_outfile_stream(out[0]), path[0], an, &err);
    if (rc != SENTRAJ_OK) {
        code = cli_fail(&err);
        goto out;
    }
    if ((code = cli_draw(draw, &d, path[1])) != 0)
        goto out;
    /* The table before the files: if standard output fails, no file is committed. */
    if (sentraj_analysis_write_table(stdout, "<stdout>", an, &err) != SENTRAJ_OK) {
        code = cli_fail(&err);
        goto out;
    }
    if ((code = cli_out_commit_all(out, NFILES)) != 0)
        goto out;
    cli_note(a, "wrote %s, %s, %s, %s", path[0], path[1], path[2], path[3]);
out:
    for (int i = 0; i < NFILES; i++)
        cli_out_abort(out[i]);
    return code;
}

static int run(cli_args *a)
{
    const char *dir = a->out.path ? a->out.path : ".";
    char *fixture[1];
    char **inputs = a->inputs;
    int ninputs = a->ninputs;
    sentraj_counts counts;
    sentraj_analysis *an = NULL;
    cli_figure fig;
    sentraj_error err;
    struct stat st;
    int made_dir = 0, code;

    if ((code = cli_check_config(a)) != 0)
        return code;
    if (a->cfg.alternative != SENTRAJ_TWO_SIDED)
        return cli_usage_error("the figure draws two-sided intervals; use 'sentraj analyze --alternative %s' "
                               "for a one-sided bound",
                               sentraj_alternative_name(a->cfg.alternative));

    /* The figure's options, checked before any input is read. */
    if ((code = cli_figure_build(&a->fig, &fig)) != 0)
        goto fail;
    if (sentraj_analysis_check_figure(NULL, &fig.fo, &err) != SENTRAJ_OK) {
        code = cli_figure_usage(&err);
        goto fail;
    }

    if (ninputs == 0) {
        const char *f = cli_fixture_path();
        if (!f) {
            fprintf(stderr, "sentraj figure4: the bundled fixture conversations.csv was not found; give an INPUT\n");
            code = 74;
            goto fail;
        }
        fixture[0] = (char *)f;
        inputs = fixture;
        ninputs = 1;
        cli_note(a, "no INPUT: using the bundled fixture %s", f);
    }
    cli_warn_tails(a);
    an = cli_analyze(a, inputs, ninputs, &counts, &code);
    if (!an)
        goto fail;
    cli_note_refused_rows(a, an);
    /* --order and --labels name categories of the data. */
    if (sentraj_analysis_check_figure(an, &fig.fo, &err) != SENTRAJ_OK) {
        code = cli_figure_usage(&err);
        goto fail;
    }
    if (a->fig.order)
        note_left_out(a, an, &fig.order);

    /* Only now, with results to write, create the directory. */
    errno = 0;
    made_dir = stat(dir, &st) != 0;
    if (!made_dir ? !S_ISDIR(st.st_mode) : make_dirs(dir) != 0) {
        cli_message("sentraj figure4: %s: cannot use as output directory: %s", dir,
                errno ? strerror(errno) : "not a directory");
        fputc('\n', stderr);
        code = 74;
        goto fail;
    }
    code = write_all(a, dir, an, &fig.fo);
fail:
    if (code && made_dir)
        rmdir(dir); /* only succeeds while it is still empty */
    sentraj_analysis_free(an);
    cli_figure_free(&fig);
    return code;
}

const cli_command cmd_figure4 = {
    .name = "figure4",
    .bit = CMD_FIGURE4,
    .summary = "the published figure: CSV, PNG, SVG, PDF (no INPUT: bundled data)",
    .help = help,
    .run = run,
};
