/* common.c - messages, loading, summaries, figure options and output files shared by the subcommands. */
#include "cli.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sentraj %s: ", cli_cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'sentraj %s --help'.\n", cli_cmd);
    return EXIT_USAGE;
}

int cli_fail(const sentraj_error *err)
{
    char buf[1200];
    fprintf(stderr, "sentraj %s: %s\n", cli_cmd, sentraj_error_format(err, buf, sizeof buf));
    return sentraj_status_exit_code(err->code);
}

void cli_note(const cli_args *a, const char *fmt, ...)
{
    va_list ap;
    if (a && a->out.quiet)
        return;
    fprintf(stderr, "sentraj %s: ", cli_cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- --order and --labels lists ------------------------------------- */

void cli_list_free(cli_list *l)
{
    free(l->buf);
    free(l->keys);
    free(l->vals);
    memset(l, 0, sizeof *l);
}

/* Drop the blanks around s (in place). */
static char *trim(char *s)
{
    size_t n;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Split arg at unescaped commas into items with blanks trimmed; with pairs,
 * each item is NAME=TEXT split at its first unescaped '='. A backslash
 * escapes ',', '=' or itself. Returns 0, or EXIT_USAGE after the message. */
int cli_list_parse(const char *opt, const char *arg, int pairs, cli_list *l)
{
    size_t len = strlen(arg), cap = 1, o = 0, key = 0, val = 0;
    int has_eq = 0;

    memset(l, 0, sizeof *l);
    for (size_t i = 0; i < len; i++)
        cap += arg[i] == ',';
    l->buf = malloc(len + 2);
    l->keys = calloc(cap, sizeof *l->keys);
    l->vals = calloc(cap, sizeof *l->vals);
    if (!l->buf || !l->keys || !l->vals) {
        cli_list_free(l);
        fprintf(stderr, "sentraj %s: out of memory (%s)\n", cli_cmd, opt);
        return 71;
    }
    for (size_t i = 0;; i++) {
        char c = arg[i];
        if (c == '\\') {
            char e = arg[i + 1];
            if (e != ',' && e != '=' && e != '\\') {
                cli_list_free(l);
                return cli_usage_error("%s: a backslash must be followed by ',', '=' or '\\' in \"%s\"", opt, arg);
            }
            l->buf[o++] = e;
            i++;
        } else if (c == ',' || c == '\0') {
            l->buf[o++] = '\0';
            if (pairs && !has_eq) {
                const char *item = trim(l->buf + key);
                int rc = *item ? cli_usage_error("%s: \"%s\" is not NAME=TEXT", opt, item)
                               : cli_usage_error("%s: empty item in \"%s\"", opt, arg);
                cli_list_free(l);
                return rc;
            }
            l->keys[l->n] = trim(l->buf + key);
            l->vals[l->n] = pairs ? trim(l->buf + val) : NULL;
            if (!*l->keys[l->n]) {
                cli_list_free(l);
                return cli_usage_error("%s: empty %s in \"%s\"", opt, pairs ? "category name" : "item", arg);
            }
            l->n++;
            key = o;
            has_eq = 0;
            if (c == '\0')
                break;
        } else if (c == '=' && pairs && !has_eq) {
            l->buf[o++] = '\0';
            val = o;
            has_eq = 1;
        } else
            l->buf[o++] = c;
    }
    return 0;
}

/* A one-line progress display on a terminal's standard error, redrawn at
 * most ten times a second. */
typedef struct progress {
    double start, last;
    int shown;
} progress;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void show_progress(void *ctx, const char *input, uint64_t done, uint64_t total)
{
    progress *p = ctx;
    double t = now_seconds(), mb = (double)done / 1e6, rate;
    if (t - p->last < 0.1 || t - p->start < 0.5)
        return;
    p->last = t;
    rate = mb / (t - p->start);
    if (total)
        fprintf(stderr, "\rsentraj %s: reading %s %3.0f%%  %.1f MB  %.0f MB/s\033[K", cli_cmd, input,
                100.0 * (double)done / (double)total, mb, rate);
    else
        fprintf(stderr, "\rsentraj %s: reading %s  %.1f MB  %.0f MB/s\033[K", cli_cmd, input, mb, rate);
    p->shown = 1;
}

static void end_progress(progress *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = 0;
}

sentraj_dataset *cli_load(const cli_args *a, char **inputs, int ninputs, int *code)
{
    progress prog = {now_seconds(), 0, 0};
    sentraj_error err;
    sentraj_dataset *ds = sentraj_dataset_alloc(&a->cfg, &err);
    sentraj_input_options in = a->input.in;
    sentraj_scale *scale = NULL;
    const sentraj_counts *c;
    struct stat st;

    if (!ds) {
        *code = cli_fail(&err);
        return NULL;
    }
    if (!(scale = cli_scale(a->input.scale_path, &err)))
        goto fail;
    in.scale = scale;
    if (sentraj_dataset_set_input(ds, &in, &err) != SENTRAJ_OK)
        goto fail;
    for (int i = 0; i < ninputs; i++) {
        if (!sentraj_summary_detect(inputs[i]))
            continue;
        if (strcmp(cli_cmd, "summarize") == 0)
            *code = cli_usage_error("%s is already a summary: add summaries up with 'sentraj merge'", inputs[i]);
        else
            *code = cli_usage_error("%s is a summary: 'sentraj %s' needs the messages themselves", inputs[i], cli_cmd);
        goto out;
    }
    if (!a->out.quiet && isatty(STDERR_FILENO))
        sentraj_dataset_set_progress(ds, show_progress, &prog);
    for (int i = 0; i < ninputs; i++) {
        int stdin_twice = 0;
        for (int j = 0; j < i; j++)
            stdin_twice |= strcmp(inputs[i], "-") == 0 && strcmp(inputs[j], "-") == 0;
        if (stdin_twice) {
            *code = cli_usage_error("standard input (-) can be read only once");
            goto out;
        }
        if (a->input.in.col_cluster && strcmp(inputs[i], "-") != 0 && stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            *code = cli_usage_error("--cluster-by reads a CSV column or a JSONL key; %s is a ConvoKit corpus "
                                    "directory, which has none",
                                    inputs[i]);
            goto out;
        }
        if (strcmp(inputs[i], "-") == 0 && isatty(STDIN_FILENO))
            cli_note(a, "reading from standard input (end with Ctrl-D)");
        if (sentraj_dataset_read(ds, inputs[i], &err) != SENTRAJ_OK)
            goto fail;
    }
    if (a->input.categories_path && sentraj_dataset_read_categories(ds, a->input.categories_path, &err) != SENTRAJ_OK)
        goto fail;
    end_progress(&prog);
    if (sentraj_dataset_finish(ds, &err) != SENTRAJ_OK)
        goto fail;
    /* The scale must outlive the data set's reading only: finished data
     * sets keep no pointer into it that is used again. */
    c = sentraj_dataset_counts(ds);
    cli_note(a,
             "read %llu row%s (%llu human, %llu assistant, %llu system/tool) in %llu conversation%s; kept %llu with "
             ">= %zu human messages, dropped %llu with fewer",
             (unsigned long long)c->rows, c->rows == 1 ? "" : "s", (unsigned long long)c->human_messages,
             (unsigned long long)c->assistant_messages, (unsigned long long)c->ignored_messages,
             (unsigned long long)c->conversations, c->conversations == 1 ? "" : "s", (unsigned long long)c->kept,
             a->cfg.min_human, (unsigned long long)c->dropped_short);
    if (c->kept_without_category)
        cli_note(a, "%llu kept conversation%s no category: counted only in \"all\"",
                 (unsigned long long)c->kept_without_category, c->kept_without_category == 1 ? " has" : "s have");
    if (c->categories_unmatched)
        cli_note(a, "%llu row%s of %s name%s conversation%s without messages", (unsigned long long)c->categories_unmatched,
                 c->categories_unmatched == 1 ? "" : "s", a->input.categories_path, c->categories_unmatched == 1 ? "s a" : "",
                 c->categories_unmatched == 1 ? "" : "s");
    if (c->kept == 0)
        cli_note(a, "no conversation has %zu or more human messages", a->cfg.min_human);
    if (sentraj_dataset_cluster_by(ds))
        cli_note(a, "resampling clusters: the kept conversations belong to %zu distinct %s value%s",
                 sentraj_dataset_clusters(ds), sentraj_dataset_cluster_by(ds),
                 sentraj_dataset_clusters(ds) == 1 ? "" : "s");
    *code = 0;
    cli_keep_scale(scale);
    cli_scale_note(a, ds);
    return ds;
fail:
    end_progress(&prog);
    *code = cli_fail(&err);
out:
    sentraj_dataset_free(ds);
    sentraj_scale_free(scale);
    return NULL;
}

/* ---- summaries ------------------------------------------------------------ */

sentraj_summary *cli_read_summaries(const cli_args *a, char **inputs, int ninputs, int check, int *code)
{
    sentraj_summary *all = NULL, *s = NULL;
    sentraj_scale *scale = NULL;
    sentraj_error err;
    const sentraj_counts *c;

    if (check && a->input.scale_path && !(scale = cli_scale(a->input.scale_path, &err)))
        goto fail;
    for (int i = 0; i < ninputs; i++) {
        for (int j = 0; j < i; j++) {
            if (strcmp(inputs[i], "-") == 0 && strcmp(inputs[j], "-") == 0) {
                *code = cli_usage_error("standard input (-) can be read only once");
                goto out;
            }
        }
        if (!(s = sentraj_summary_read(inputs[i], &err)))
            goto fail;
        if (check && sentraj_summary_check(s, &a->cfg, scale, &err) != SENTRAJ_OK)
            goto fail;
        if (!all) {
            all = s;
        } else {
            if (sentraj_summary_merge(all, s, &err) != SENTRAJ_OK)
                goto fail;
            sentraj_summary_free(s);
        }
        s = NULL;
    }
    /* The reports show the summaries' own scale unless --scale named one. */
    if (!scale && !(scale = sentraj_summary_scale(all, &err)))
        goto fail;
    cli_keep_scale(scale);
    scale = NULL;
    c = sentraj_summary_counts(all);
    cli_note(a,
             "%s%s %llu row%s (%llu human, %llu assistant, %llu system/tool) in %llu conversation%s; kept %llu "
             "with >= %zu human messages, dropped %llu with fewer",
             ninputs == 1 ? "" : "merged ", ninputs == 1 ? "summary of" : "summaries of",
             (unsigned long long)c->rows, c->rows == 1 ? "" : "s", (unsigned long long)c->human_messages,
             (unsigned long long)c->assistant_messages, (unsigned long long)c->ignored_messages,
             (unsigned long long)c->conversations, c->conversations == 1 ? "" : "s", (unsigned long long)c->kept,
             sentraj_summary_min_human(all), (unsigned long long)c->dropped_short);
    if (c->kept_without_category)
        cli_note(a, "%llu kept conversation%s no category: counted only in \"all\"",
                 (unsigned long long)c->kept_without_category, c->kept_without_category == 1 ? " has" : "s have");
    if (c->categories_unmatched)
        cli_note(a, "%llu row%s of the categories table%s name%s conversation%s without messages",
                 (unsigned long long)c->categories_unmatched, c->categories_unmatched == 1 ? "" : "s",
                 ninputs == 1 ? "" : "s", c->categories_unmatched == 1 ? "s a" : "",
                 c->categories_unmatched == 1 ? "" : "s");
    if (c->kept == 0)
        cli_note(a, "no conversation has %zu or more human messages", sentraj_summary_min_human(all));
    *code = 0;
    return all;
fail:
    *code = cli_fail(&err);
out:
    sentraj_summary_free(s);
    sentraj_summary_free(all);
    sentraj_scale_free(scale);
    return NULL;
}

sentraj_analysis *cli_analyze(const cli_args *a, char **inputs, int ninputs, sentraj_counts *counts, int *code)
{
    int summary = -1, raw = -1;
    sentraj_analysis *an;
    sentraj_error err;

    for (int i = 0; i < ninputs && (summary < 0 || raw < 0); i++) {
        if (sentraj_summary_detect(inputs[i]))
            summary = summary < 0 ? i : summary;
        else
            raw = raw < 0 ? i : raw;
    }
    if (summary < 0) {
        sentraj_dataset *ds = cli_load(a, inputs, ninputs, code);
        if (!ds)
            return NULL;
        an = sentraj_analysis_compute(ds, &a->cfg, &err);
        *counts = *sentraj_dataset_counts(ds);
        sentraj_dataset_free(ds);
    } else {
        sentraj_summary *s;
        if (raw >= 0) {
            *code = cli_usage_error("%s is a summary and %s is not: give either summaries or messages%s",
                                    inputs[summary], inputs[raw],
                                    strcmp(inputs[raw], "-") == 0
                                        ? " (standard input is read as messages; give a summary as a file)"
                                        : "");
            return NULL;
        }
        if (a->input.categories_path) {
            *code = cli_usage_error("--categories joins categories to messages; a summary has its categories already");
            return NULL;
        }
        if (a->input.in.col_cluster) {
            *code = cli_usage_error("--cluster-by needs the messages: a summary has no clusters to resample");
            return NULL;
        }
        if (!(s = cli_read_summaries(a, inputs, ninputs, 1, code)))
            return NULL;
        an = sentraj_analysis_compute_summary(s, &a->cfg, &err);
        *counts = *sentraj_summary_counts(s);
        sentraj_summary_free(s);
    }
    if (!an) {
        *code = cli_fail(&err);
        return NULL;
    }
    if ((*code = cli_reorder(a, an, NULL)) != 0) {
        sentraj_analysis_free(an);
        return NULL;
    }
    return an;
}

/* ---- output files and signals ---------------------------------------- */

#define MAX_OUT 8
static sentraj_outfile *volatile live_out[MAX_OUT];

static void on_signal(int sig)
{
    for (int i = 0; i < MAX_OUT; i++) {
        const char *t = live_out[i] ? sentraj_outfile_temp_path(live_out[i]) : NULL;
        if (t)
            unlink(t);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
}

static void track(sentraj_outfile *out, sentraj_outfile *with)
{
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    for (int i = 0; i < MAX_OUT; i++) {
        if (live_out[i] == out) {
            live_out[i] = with;
            break;
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

sentraj_outfile *cli_out_open(const char *path, int *code)
{
    sentraj_error err;
    sentraj_outfile *out;
    sigset_t all, old;

    struct stat st;
    /* A signal between creating the temporary file and registering it
     * would leave the file behind: hold signals until both are done. Not
     * for devices and FIFOs: they are opened directly (no temporary file),
     * and opening a FIFO blocks until a reader comes, which must stay
     * interruptible. */
    int direct = strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode));
    sigfillset(&all);
    if (!direct)
        sigprocmask(SIG_BLOCK, &all, &old);
    out = sentraj_outfile_open(path, &err);
    if (out)
        track(NULL, out);
    if (!direct)
        sigprocmask(SIG_SETMASK, &old, NULL);
    if (!out) {
        *code = cli_fail(&err);
        return NULL;
    }
    *code = 0;
    return out;
}

/* The file a path names once its directory is resolved ("x.csv" and
 * "./x.csv" agree even before the file exists); malloc'ed, or NULL. */
static char *resolved(const char *p)
{
    const char *slash = strrchr(p, '/');
    char *dir = slash ? strndup(p, (size_t)(slash - p) + (slash == p)) : strdup(".");
    char *real = dir ? realpath(dir, NULL) : NULL, *out = NULL;
    const char *base = slash ? slash + 1 : p;
    if (real && (out = malloc(strlen(real) + strlen(base) + 2)))
        sprintf(out, "%s/%s", real, base);
    free(dir);
    free(real);
    return out;
}

int cli_same_output(const char *a, const char *b)
{
    struct stat sa, sb;
    char *ra, *rb;
    int same;
    if (!a || !b)
        return 0;
    if (strcmp(a, b) == 0)
        return 1;
    if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
        return 0;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    ra = resolved(a);
    rb = resolved(b);
    same = ra && rb && strcmp(ra, rb) == 0;
    free(ra);
    free(rb);
    return same;
}

int cli_out_commit(sentraj_outfile *out)
{
    sentraj_error err;
    sigset_t all, old;
    int rc;
    /* The rename must not race the handler's unlink of the same temp name. */
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    track(out, NULL);
    rc = sentraj_outfile_commit(out, &err);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc == SENTRAJ_OK ? 0 : cli_fail(&err);
}

void cli_out_abort(sentraj_outfile *out)
{
    if (!out)
        return;
    track(out, NULL);
    sentraj_outfile_abort(out);
}

int cli_out_commit_all(sentraj_outfile **outs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int code = cli_out_commit(outs[i]);
        outs[i] = NULL;
        if (code)
            return code;
    }
    return 0;
}

int cli_out_finish(sentraj_outfile *out, int rc, const sentraj_error *err)
{
    if (rc != SENTRAJ_OK) {
        cli_out_abort(out);
        return cli_fail(err);
    }
    return cli_out_commit(out);
}

sentraj_run_info cli_run_info(const cli_args *a, char **inputs, int ninputs, const sentraj_counts *counts)
{
    sentraj_run_info info;
    sentraj_run_info_init(&info);
    info.command = cli_cmd;
    info.inputs = (const char *const *)inputs;
    info.ninputs = (size_t)ninputs;
    info.counts = counts;
    info.scale = a->input.scale_path;
    info.label_scale = cli_run_scale();
    info.categories = a->input.categories_path;
    return info;
}

const char *cli_fixture_path(void)
{
    /* The installed copy first, so an installed sentraj never depends on
     * the source tree it was built from. */
    static const char *const candidates[] = {
        SENTRAJ_FIXTURE_DIR "/conversations.csv",
        SENTRAJ_SOURCE_FIXTURE_DIR "/conversations.csv",
    };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return NULL;
}

int cli_figure_usage(const sentraj_error *err)
{
    if (strncmp(err->message, "figure order:", 13) == 0)
        return cli_usage_error("--order:%s", err->message + 13);
    if (strncmp(err->message, "figure labels:", 14) == 0)
        return cli_usage_error("--labels:%s", err->message + 14);
    return cli_usage_error("%s", err->message);
}

int cli_figure_build(const cli_figure_opts *o, cli_figure *f)
{
    sentraj_figure_options *fo = &f->fo;
    int code;

    memset(f, 0, sizeof *f);
    sentraj_figure_options_init(fo);
    if (o->title)
        fo->title = o->title;
    if (o->width)
        fo->width = o->width;
    if (o->height)
        fo->height = o->height;
    if (o->dpi)
        fo->dpi = o->dpi;
    if (o->order) {
        if ((code = cli_order_list(o->order, &f->order)) != 0)
            return code;
        fo->order = (const char *const *)f->order.keys;
        fo->norder = f->order.n;
    }
    if (o->labels) {
        if ((code = cli_list_parse("--labels", o->labels, 1, &f->lab)) != 0)
            return code;
        f->labels = calloc(f->lab.n, sizeof *f->labels);
        if (!f->labels) {
            fprintf(stderr, "sentraj %s: out of memory (--labels)\n", cli_cmd);
            return 71;
        }
        for (size_t i = 0; i < f->lab.n; i++) {
            f->labels[i].category = f->lab.keys[i];
            f->labels[i].text = f->lab.vals[i];
        }
        fo->labels = f->labels;
        fo->nlabels = f->lab.n;
    }
    return 0;
}

void cli_figure_free(cli_figure *f)
{
    free(f->labels);
    f->labels = NULL;
    cli_list_free(&f->order);
    cli_list_free(&f->lab);
}

int cli_write_summary(const cli_args *a, sentraj_summary *s)
{
    sentraj_outfile *out;
    sentraj_error err;
    int code, rc;

    out = cli_out_open(a->out.path ? a->out.path : "-", &code);
    if (!out) {
        sentraj_summary_free(s);
        return code;
    }
    rc = sentraj_summary_write_csv(sentraj_outfile_stream(out), sentraj_outfile_name(out), s, &err);
    sentraj_summary_free(s);
    return cli_out_finish(out, rc, &err);
}
