/* common.c - messages, loading, summaries, figure options and output files shared by the subcommands. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* fmt's text on standard error, escaped by sentraj_escape's rule: messages
 * carry file names, ids and category names, which must not reach the
 * terminal as control sequences. */
static void vescaped(const char *fmt, va_list ap)
{
    char text[4096], shown[4 * sizeof text];
    int n = vsnprintf(text, sizeof text, fmt, ap);

    if (n < 0)
        return;
    sentraj_escape(shown, sizeof shown, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
    fputs(shown, stderr);
}

void cli_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vescaped(fmt, ap);
    va_end(ap);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sentraj %s: ", cli_cmd);
    va_start(ap, fmt);
    vescaped(fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'sentraj %s --help'.\n", cli_cmd);
    return EXIT_USAGE;
}

int cli_fail(const sentraj_error *err)
{
    char buf[1200];
    /* The library stores its messages escaped already. */
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
    vescaped(fmt, ap);
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
    /* The line's own control sequences around the input's name, escaped. */
    fprintf(stderr, "\rsentraj %s: reading ", cli_cmd);
    cli_message("%s", input);
    if (total)
        fprintf(stderr, " %3.0f%%  %.1f MB  %.0f MB/s\033[K", 100.0 * (double)done / (double)total, mb, rate);
    else
        fprintf(stderr, "  %.1f MB  %.0f MB/s\033[K", mb, rate);
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
        int yes;
        if (sentraj_summary_sniff(inputs[i], &yes, &err) != SENTRAJ_OK)
            goto fail;
        if (!yes)
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
        cli_note(a, "%llu row%s of %s name%s conversation%s without messages%s", (unsigned long long)c->categories_unmatched,
                 c->categories_unmatched == 1 ? "" : "s", a->input.categories_path, c->categories_unmatched == 1 ? "s a" : "",
                 c->categories_unmatched == 1 ? "" : "s",
                 a->input.in.id_scope == SENTRAJ_ID_SCOPE_FILE ? " (with --id-scope file the table names them FILE:ID, "
                                                                 "FILE as given on the command line)"
                                                               : "");
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
        int yes;
        if (sentraj_summary_sniff(inputs[i], &yes, &err) != SENTRAJ_OK) {
            *code = cli_fail(&err);
            return NULL;
        }
        if (yes)
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
    /* Every signal whose default action ends the process, other than those
     * of a fault in the process itself (SEGV, BUS, FPE, ILL, ABRT, TRAP,
     * SYS), after which nothing should run: a shell's INT and HUP, kill's
     * TERM and USR1, timers' ALRM, VTALRM and PROF, the limits' XCPU
     * (`ulimit -t`) and XFSZ (`ulimit -f`), and the real-time signals. The
     * handler removes the temporary files and dies of the same signal, so
     * the exit status and any core dump are as without it. A signal the
     * caller ignores stays ignored. */
    static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2,
                               SIGPROF, SIGVTALRM, SIGXCPU, SIGXFSZ, SIGIO,
#ifdef SIGPWR
                               SIGPWR,
#endif
#ifdef SIGSTKFLT
                               SIGSTKFLT,
#endif
    };
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
#ifdef SIGRTMIN
    for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
        if (sigaction(s, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(s, &sa, NULL);
#endif
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

int cli_out_commit_all(sentraj_outfile **outs, size_t n)
{
    sentraj_error err;
    sigset_t all, old;
    int rc;
    /* The renames must not race the handler's unlink of the same temp names. */
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    for (size_t i = 0; i < n; i++)
        if (outs[i])
            track(outs[i], NULL);
    rc = sentraj_outfile_commit_all(outs, n, &err);
    for (size_t i = 0; i < n; i++)
        outs[i] = NULL;
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc == SENTRAJ_OK ? 0 : cli_fail(&err);
}

int cli_out_commit(sentraj_outfile *out)
{
    return cli_out_commit_all(&out, 1);
}

void cli_out_abort(sentraj_outfile *out)
{
    if (!out)
        return;
    track(out, NULL);
    sentraj_outfile_abort(out);
}

int cli_out_finish(sentraj_outfile *out, int rc, const sentraj_error *err)
{
    if (rc != SENTRAJ_OK) {
        cli_out_abort(out);
        return cli_fail(err);
    }
    return cli_out_commit(out);
}

/* ---- drawing in a child process ---------------------------------------- */

int cli_draw(cli_draw_fn draw, void *ctx, const char *name)
{
    sentraj_error err;
    pid_t pid;
    int status, sig;

    /* Nothing buffered may be written twice, by the child and by us. */
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        if (errno == ENOMEM) {
            cli_message("sentraj %s: %s: out of memory (cannot start the process that draws)", cli_cmd, name);
            fputc('\n', stderr);
            return 71;
        }
        /* Out of processes, not memory: draw here, unguarded. */
        return draw(ctx, &err) == SENTRAJ_OK ? 0 : cli_fail(&err);
    }
    if (pid == 0) {
        int code, rc;
        cli_alloc_watch_reset();
        rc = draw(ctx, &err);
        if (rc == SENTRAJ_OK && fflush(NULL) != 0) {
            /* The writers flush their files; this is a last resort. */
            cli_message("sentraj %s: %s: write failed: %s", cli_cmd, name, strerror(errno));
            fputc('\n', stderr);
            _exit(74);
        }
        if (cli_alloc_failed() && (rc == SENTRAJ_OK || err.code == SENTRAJ_EINTERNAL)) {
            /* fontconfig and cairo carry on after some failed allocations
             * with a lesser drawing (another font, no font subset), and
             * libpng's failure reaches cairo as a PNG error: neither is a
             * drawing to keep, nor an internal error. */
            cli_message("sentraj %s: %s: out of memory (an allocation failed while drawing%s%s)", cli_cmd, name,
                        rc == SENTRAJ_OK ? "" : "; ", rc == SENTRAJ_OK ? "" : err.message);
            fputc('\n', stderr);
            code = 71;
        } else {
            code = rc == SENTRAJ_OK ? 0 : cli_fail(&err);
        }
        _exit(code);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 70;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    sig = WTERMSIG(status);
    switch (sig) {
    case SIGSEGV:
    case SIGBUS:
    case SIGABRT:
    case SIGILL:
    case SIGFPE:
    case SIGKILL:
        /* cairo, fontconfig, pixman and libpng do not all check what malloc
         * returns; the kernel's out-of-memory killer sends SIGKILL. */
        cli_message("sentraj %s: %s: out of memory? the drawing stopped with signal %d (%s), as the figure "
                    "libraries (cairo, fontconfig, pixman) do when an allocation fails",
                    cli_cmd, name, sig, strsignal(sig));
        fputc('\n', stderr);
        return 71;
    default:
        /* A signal meant to end the run, sent to the drawing process alone:
         * end the run the same way (the handler removes the temporary files). */
        raise(sig);
        return 128 + sig;
    }
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
    if (err->code != SENTRAJ_EUSAGE)
        return cli_fail(err);
    if (strncmp(err->message, "figure order:", 13) == 0)
        return cli_usage_error("--order:%s", err->message + 13);
    if (strncmp(err->message, "the figure has no bar to draw", 29) == 0)
        return cli_usage_error("--no-all leaves the figure nothing to draw: the data have no category");
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
    fo->subtitle = o->subtitle;
    fo->xlabel = o->xlabel;
    fo->ylabel = o->ylabel;
    fo->orientation = o->orientation;
    fo->no_all = o->no_all;
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
        for (size_t i = 0; o->no_all && i < f->order.n; i++)
            if (strcmp(f->order.keys[i], "all") == 0)
                return cli_usage_error("--order lists \"all\" and --no-all leaves it out: give one or the other");
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
