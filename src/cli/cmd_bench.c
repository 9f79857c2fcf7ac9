/* cmd_bench.c - sentraj bench: bootstrap throughput by engine, threads, n and B. */
#include "cli.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char help[] =
    "Usage: sentraj bench [options]\n"
    "\n"
    "Bootstrap throughput on synthetic samples of deltas with 25 distinct values\n"
    "(the default label scale and window), for every combination of engine,\n"
    "thread count and sample size: the median wall time of several runs of one\n"
    "bootstrap of the mean, resamples per second and resamples x n per second\n"
    "(values drawn per second). Parsing is not included: see scripts/bench-peers\n"
    "for whole pipelines against pandas, scipy, numpy and R.\n"
    "\n"
    "Options:\n"
    "  --engines LIST     comma list of index, multinomial, exact (all three)\n"
    "  --threads LIST     comma list of thread counts (1 and all cores)\n"
    "  --n LIST           comma list of sample sizes (1000,10000,100000)\n"
    "  --resamples B      resamples per bootstrap (1000); the exact engine has none\n"
    "  --method M         interval method (percentile)\n"
    "  --runs R           runs per cell, the median is reported (5)\n"
    "  --seed S           seed of the samples and the bootstrap (42)\n"
    "  --quick            one small cell per engine, one run: a smoke test\n"
    "  --format F         csv|table (table)\n"
    "  -o, --output FILE  write here instead of standard output\n"
    "  -h, --help         this help\n"
    "\n"
    "CSV columns: engine, method, threads, n, resamples, runs, median_seconds,\n"
    "resamples_per_second, draws_per_second (empty for the exact engine).\n";

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A sample of n deltas k/6 with a fixed skewed mix of the 25 values. */
static sentraj_sample *make_sample(size_t n, uint64_t seed, sentraj_error *err)
{
    double *v = malloc(n * sizeof *v);
    sentraj_pcg32 rng;
    sentraj_sample *s;
    if (!v)
        return NULL;
    sentraj_pcg32_seed(&rng, seed, 7);
    for (size_t i = 0; i < n; i++) {
        int k = (int)sentraj_pcg32_bounded(&rng, 13) + (int)sentraj_pcg32_bounded(&rng, 13) - 12;
        v[i] = k / 6.0;
    }
    s = sentraj_sample_alloc(v, n, 6, err);
    free(v);
    return s;
}

/* The cells to time: bench's options with their defaults and --quick applied. */
typedef struct plan {
    const sentraj_engine *engines;
    size_t nengines;
    cli_uint_list threads, n;
    uint64_t resamples, runs, seed;
    sentraj_method method;
} plan;

static plan make_plan(const cli_args *a)
{
    static const cli_uint_list default_n = {{1000, 10000, 100000}, 3};
    plan p;

    p.engines = a->bench.engines;
    p.nengines = a->bench.nengines;
    p.threads = a->bench.threads;
    p.n = a->bench.n.n ? a->bench.n : default_n;
    p.resamples = a->cfg.resamples;
    p.runs = a->bench.runs;
    p.seed = a->cfg.seed;
    p.method = a->cfg.method;
    if (!p.threads.n) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        p.threads.v[p.threads.n++] = 1;
        if (cores > 1)
            p.threads.v[p.threads.n++] = (uint64_t)cores;
    }
    if (a->bench.quick) {
        p.n.v[0] = 1000, p.n.n = 1, p.resamples = 200, p.runs = 1;
        p.threads.v[0] = 1, p.threads.n = 1;
    }
    return p;
}

/* The median wall time of p->runs bootstraps of s with engine e on t threads. */
static int time_cell(const plan *p, const sentraj_sample *s, sentraj_engine e, uint64_t t, double *median,
                     sentraj_error *err)
{
    double times[1000];
    sentraj_config cfg;
    sentraj_boot_result r;
    size_t runs = (size_t)p->runs;

    sentraj_config_init(&cfg);
    cfg.engine = e;
    cfg.method = p->method;
    cfg.resamples = (size_t)p->resamples;
    cfg.seed = p->seed;
    cfg.threads = (unsigned)t;
    for (size_t k = 0; k < runs; k++) {
        double t0 = wall();
        if (sentraj_boot_mean(s, "bench", &cfg, &r, NULL, err) != SENTRAJ_OK)
            return -1;
        times[k] = wall() - t0;
    }
    qsort(times, runs, sizeof *times, cmp_double);
    *median = runs % 2 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
    return 0;
}

static void print_row(FILE *f, int csv, const plan *p, sentraj_engine e, uint64_t threads, uint64_t n, double med)
{
    double rps = (double)p->resamples / med, dps = rps * (double)n;
    char b1[40], b2[40], b3[40];

    if (csv) {
        fprintf(f, "%s,%s,%llu,%llu,%llu,%llu,%s,", sentraj_engine_name(e), sentraj_method_name(p->method),
                (unsigned long long)threads, (unsigned long long)n,
                e == SENTRAJ_ENGINE_EXACT ? 0ull : (unsigned long long)p->resamples, (unsigned long long)p->runs,
                sentraj_format_double(med, b1, sizeof b1));
        if (e != SENTRAJ_ENGINE_EXACT)
            fprintf(f, "%s,%s", sentraj_format_double(rps, b2, sizeof b2), sentraj_format_double(dps, b3, sizeof b3));
        else
            fputs(",", f);
        putc('\n', f);
    } else if (e == SENTRAJ_ENGINE_EXACT) {
        fprintf(f, "%-12s %-11s %7llu %10llu %9s %12.6f %16s %16s\n", "exact", sentraj_method_name(p->method),
                (unsigned long long)threads, (unsigned long long)n, "-", med, "-", "-");
    } else {
        fprintf(f, "%-12s %-11s %7llu %10llu %9llu %12.6f %16.0f %16.4g\n", sentraj_engine_name(e),
                sentraj_method_name(p->method), (unsigned long long)threads, (unsigned long long)n,
                (unsigned long long)p->resamples, med, rps, dps);
    }
    fflush(f);
}

static int run(cli_args *a)
{
    plan p = make_plan(a);
    int csv = cli_format_is(a, "csv"), code;
    sentraj_outfile *out;
    sentraj_error err;
    FILE *f;

    out = cli_out_open(a->out.path ? a->out.path : "-", &code);
    if (!out)
        return code;
    f = sentraj_outfile_stream(out);
    if (csv)
        fputs("engine,method,threads,n,resamples,runs,median_seconds,resamples_per_second,draws_per_second\n", f);
    else
        fprintf(f, "%-12s %-11s %7s %10s %9s %12s %16s %16s\n", "engine", "method", "threads", "n", "resamples",
                "median_s", "resamples/s", "draws/s");

    for (size_t ni = 0; ni < p.n.n; ni++) {
        sentraj_sample *s = make_sample((size_t)p.n.v[ni], p.seed, &err);
        if (!s) {
            cli_out_abort(out);
            return cli_fail(&err);
        }
        for (size_t e = 0; e < p.nengines; e++) {
            for (size_t t = 0; t < p.threads.n; t++) {
                double med;
                if (time_cell(&p, s, p.engines[e], p.threads.v[t], &med, &err) != 0) {
                    sentraj_sample_free(s);
                    cli_out_abort(out);
                    return cli_fail(&err);
                }
                print_row(f, csv, &p, p.engines[e], p.threads.v[t], p.n.v[ni], med);
            }
        }
        sentraj_sample_free(s);
    }
    return cli_out_commit(out);
}

const cli_command cmd_bench = {
    .name = "bench",
    .bit = CMD_BENCH,
    .summary = "bootstrap throughput by engine, threads and sample size",
    .help = help,
    .no_operands = 1,
    .run = run,
};
