/* cmd_figure4.c - sentraj figure4: the published figure as CSV, PNG and SVG. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char help[] =
    "Usage: sentraj figure4 [options] [INPUT...]\n"
    "\n"
    "The published figure on any input: per category, the mean change in human\n"
    "sentiment (mean of the last 3 human labels minus the first 3, conversations\n"
    "with at least 6 human messages) with 95% bootstrap error bars. Writes\n"
    "DIR/figure4.csv (the analyze columns), DIR/figure4.png and DIR/figure4.svg,\n"
    "and prints the table. Without INPUT it uses the bundled fixture.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR   directory for the three files, created if missing (.)\n"
    "  --title TEXT       figure title\n"
    "  --width PX         figure width in pixels (900)\n"
    "  --height PX        figure height in pixels (560)\n"
    "  --min-human N, --window K, --resamples B, --level L, --method M,\n"
    "  --engine E, --alternative A, --sim S, --seed S, --threads T\n"
    "                     as for 'sentraj analyze'\n"
    "  -q, --quiet        no counts on standard error\n"
    "  -h, --help         this help\n";

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

int cmd_figure4(int argc, char **argv)
{
    static const char *const names[3] = {"figure4.csv", "figure4.png", "figure4.svg"};
    cli_opts o;
    int code = cli_parse(argc, argv, OPT_INPUT | OPT_FILTER | OPT_BOOT | OPT_OUTPUT | OPT_FIGURE, help, &o);
    const char *dir;
    char *fixture[1];
    char **inputs;
    int ninputs;
    sentraj_dataset *ds;
    sentraj_analysis *a;
    sentraj_outfile *out[3] = {NULL, NULL, NULL};
    sentraj_figure_options fo;
    sentraj_error err;
    char path[3][4096];
    int rc = SENTRAJ_OK;
    struct stat st;

    if (code >= 0)
        return code;
    dir = o.output ? o.output : ".";
    inputs = o.inputs;
    ninputs = o.ninputs;
    if (ninputs == 0) {
        const char *f = cli_fixture_path();
        if (!f) {
            fprintf(stderr, "sentraj figure4: the bundled fixture conversations.csv was not found; give an INPUT\n");
            return 74;
        }
        fixture[0] = (char *)f;
        inputs = fixture;
        ninputs = 1;
        cli_note(&o, "no INPUT: using the bundled fixture %s", f);
    }
    ds = cli_load(&o, inputs, ninputs, &code);
    if (!ds)
        return code;
    a = sentraj_analyze(ds, &o.cfg, &err);
    sentraj_dataset_free(ds);
    if (!a)
        return cli_fail(&err);

    /* Only now, with results to write, create the directory. */
    errno = 0;
    if (stat(dir, &st) == 0 ? !S_ISDIR(st.st_mode) : make_dirs(dir) != 0) {
        fprintf(stderr, "sentraj figure4: %s: cannot use as output directory: %s\n", dir,
                errno ? strerror(errno) : "not a directory");
        sentraj_analysis_free(a);
        return 74;
    }

    sentraj_figure_options_init(&fo);
    if (o.title)
        fo.title = o.title;
    if (o.width)
        fo.width = o.width;
    if (o.height)
        fo.height = o.height;
    for (int i = 0; i < 3; i++) {
        snprintf(path[i], sizeof path[i], "%s/%s", dir, names[i]);
        out[i] = cli_out_open(path[i], &code);
        if (!out[i])
            goto fail;
    }
    rc = sentraj_report_write_csv(sentraj_outfile_stream(out[0]), path[0], a, &err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_figure_write_png(sentraj_outfile_stream(out[1]), path[1], a, &fo, &err);
    if (rc == SENTRAJ_OK)
        rc = sentraj_figure_write_svg(sentraj_outfile_stream(out[2]), path[2], a, &fo, &err);
    if (rc != SENTRAJ_OK) {
        code = cli_fail(&err);
        goto fail;
    }
    for (int i = 0; i < 3; i++) {
        code = cli_out_commit(out[i]);
        out[i] = NULL;
        if (code)
            goto fail;
    }
    if (sentraj_report_write_table(stdout, "<stdout>", a, &err) != SENTRAJ_OK) {
        sentraj_analysis_free(a);
        return cli_fail(&err);
    }
    cli_note(&o, "wrote %s, %s, %s", path[0], path[1], path[2]);
    sentraj_analysis_free(a);
    return 0;
fail:
    for (int i = 0; i < 3; i++)
        cli_out_abort(out[i]);
    sentraj_analysis_free(a);
    return code;
}
