/* cmd_bench.c - sentraj bench: bootstrap throughput by engine, threads, n and B. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
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

#define MAXLIST 16

static int parse_list(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out, size_t *n)
{
    char *copy = strdup(s), *save = NULL;
    *n = 0;
    if (!copy)
        return cli_usage_error("out of memory");
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *end;
        unsigned long long v;
        errno = 0;
        v = strtoull(t, &end, 10);
        if (*n == MAXLIST || !*t || *t == '-' || *end || errno || v < lo || v > hi) {
            free(copy);
            return cli_usage_error("%s expects a comma list of up to %d integers between %llu and %llu, not \"%s\"",
                                   opt, MAXLIST, (unsigned long long)lo, (unsigned long long)hi, s);
        }
        out[(*n)++] = v;
    }
    free(copy);
    if (*n == 0)
        return cli_usage_error("%s expects at least one value", opt);
    return 0;
}

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

int cmd_bench(int argc, char **argv)
{
    enum { O_ENGINES = 256, O_THREADS, O_N, O_RES, O_METHOD, O_RUNS, O_SEED, O_QUICK, O_FORMAT };
    static const struct option longopts[] = {
        {"engines", required_argument, NULL, O_ENGINES}, {"threads", required_argument, NULL, O_THREADS},
        {"n", required_argument, NULL, O_N},             {"resamples", required_argument, NULL, O_RES},
        {"method", required_argument, NULL, O_METHOD},   {"runs", required_argument, NULL, O_RUNS},
        {"seed", required_argument, NULL, O_SEED},       {"quick", no_argument, NULL, O_QUICK},
        {"format", required_argument, NULL, O_FORMAT},   {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},                {NULL, 0, NULL, 0},
    };
    sentraj_engine engines[3] = {SENTRAJ_ENGINE_INDEX, SENTRAJ_ENGINE_MULTINOMIAL, SENTRAJ_ENGINE_EXACT};
    size_t nengines = 3, nthreads = 0, nn = 3, nres = 1;
    uint64_t threads[MAXLIST], ns[MAXLIST] = {1000, 10000, 100000}, resamples = 1000, runs = 5, seed = 42, one;
    sentraj_method method = SENTRAJ_METHOD_PERCENTILE;
    const char *format = "table", *output = "-";
    int quick = 0, code;
    sentraj_outfile *out;
    sentraj_error err;
    FILE *f;

    optind = 1;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":o:h", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case O_ENGINES: {
            char *copy = strdup(optarg), *save = NULL;
            nengines = 0;
            for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
                sentraj_engine e;
                if (sentraj_engine_parse(t, &e, &err) != SENTRAJ_OK || e == SENTRAJ_ENGINE_AUTO || nengines == 3) {
                    free(copy);
                    return cli_usage_error("--engines expects a comma list of index, multinomial, exact, not \"%s\"",
                                           optarg);
                }
                engines[nengines++] = e;
            }
            free(copy);
            if (!nengines)
                return cli_usage_error("--engines expects at least one engine");
            break;
        }
        case O_THREADS:
            if (parse_list("--threads", optarg, 1, 1024, threads, &nthreads))
                return EXIT_USAGE;
            break;
        case O_N:
            if (parse_list("--n", optarg, 2, 100000000, ns, &nn))
                return EXIT_USAGE;
            break;
        case O_RES:
            if (parse_list("--resamples", optarg, 2, 100000000, &resamples, &nres) || nres != 1)
                return nres != 1 ? cli_usage_error("--resamples expects one number") : EXIT_USAGE;
            break;
        case O_METHOD:
            if (sentraj_method_parse(optarg, &method, &err) != SENTRAJ_OK)
                return cli_usage_error("%s", err.message);
            break;
        case O_RUNS:
            if (parse_list("--runs", optarg, 1, 1000, &runs, &one) || one != 1)
                return one != 1 ? cli_usage_error("--runs expects one number") : EXIT_USAGE;
            break;
        case O_SEED:
            if (parse_list("--seed", optarg, 0, UINT64_MAX, &seed, &one) || one != 1)
                return one != 1 ? cli_usage_error("--seed expects one number") : EXIT_USAGE;
            break;
        case O_QUICK:
            quick = 1;
            break;
        case O_FORMAT:
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "table") != 0)
                return cli_usage_error("--format expects csv or table, not \"%s\"", optarg);
            format = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            return 0;
        case ':':
            return cli_usage_error("option %s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument \"%s\" (bench takes no INPUT)", argv[optind]);
    if (!nthreads) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads[nthreads++] = 1;
        if (cores > 1)
            threads[nthreads++] = (uint64_t)cores;
    }
    if (quick) {
        ns[0] = 1000, nn = 1, resamples = 200, runs = 1;
        threads[0] = 1, nthreads = 1;
    }

    out = cli_out_open(output, &code);
    if (!out)
        return code;
    f = sentraj_outfile_stream(out);
    if (strcmp(format, "csv") == 0)
        fputs("engine,method,threads,n,resamples,runs,median_seconds,resamples_per_second,draws_per_second\n", f);
    else
        fprintf(f, "%-12s %-11s %7s %10s %9s %12s %16s %16s\n", "engine", "method", "threads", "n", "resamples",
                "median_s", "resamples/s", "draws/s");

    for (size_t ni = 0; ni < nn; ni++) {
        sentraj_sample *s = make_sample((size_t)ns[ni], seed, &err);
        if (!s) {
            cli_out_abort(out);
            return cli_fail(&err);
        }
        for (size_t e = 0; e < nengines; e++) {
            for (size_t t = 0; t < nthreads; t++) {
                sentraj_config cfg;
                sentraj_boot_result r;
                double times[1000], med, rps, dps;
                char b1[40], b2[40], b3[40];

                sentraj_config_init(&cfg);
                cfg.engine = engines[e];
                cfg.method = method;
                cfg.resamples = (size_t)resamples;
                cfg.seed = seed;
                cfg.threads = (unsigned)threads[t];
                for (uint64_t k = 0; k < runs; k++) {
                    double t0 = wall();
                    if (sentraj_boot_mean(s, "bench", &cfg, &r, NULL, &err) != SENTRAJ_OK) {
                        sentraj_sample_free(s);
                        cli_out_abort(out);
                        return cli_fail(&err);
                    }
                    times[k] = wall() - t0;
                }
                qsort(times, (size_t)runs, sizeof *times, cmp_double);
                med = runs % 2 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
                rps = (double)resamples / med;
                dps = rps * (double)ns[ni];
                if (strcmp(format, "csv") == 0) {
                    fprintf(f, "%s,%s,%llu,%llu,%llu,%llu,%s,", sentraj_engine_name(engines[e]),
                            sentraj_method_name(method), (unsigned long long)threads[t], (unsigned long long)ns[ni],
                            engines[e] == SENTRAJ_ENGINE_EXACT ? 0ull : (unsigned long long)resamples,
                            (unsigned long long)runs, sentraj_format_double(med, b1, sizeof b1));
                    if (engines[e] != SENTRAJ_ENGINE_EXACT)
                        fprintf(f, "%s,%s", sentraj_format_double(rps, b2, sizeof b2),
                                sentraj_format_double(dps, b3, sizeof b3));
                    else
                        fputs(",", f);
                    putc('\n', f);
                } else if (engines[e] == SENTRAJ_ENGINE_EXACT) {
                    fprintf(f, "%-12s %-11s %7llu %10llu %9s %12.6f %16s %16s\n", "exact", sentraj_method_name(method),
                            (unsigned long long)threads[t], (unsigned long long)ns[ni], "-", med, "-", "-");
                } else {
                    fprintf(f, "%-12s %-11s %7llu %10llu %9llu %12.6f %16.0f %16.4g\n", sentraj_engine_name(engines[e]),
                            sentraj_method_name(method), (unsigned long long)threads[t], (unsigned long long)ns[ni],
                            (unsigned long long)resamples, med, rps, dps);
                }
                fflush(f);
            }
        }
        sentraj_sample_free(s);
    }
    return cli_out_commit(out);
}
