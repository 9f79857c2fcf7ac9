/* test_gsl_errors.c - a program that embeds sentraj gets status codes from GSL's failures, never an abort. */
#include "tap.h"

#include <sentraj.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_real.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* A small lattice sample bootstrapped by the given engine: the first call
 * into GSL that a program embedding sentraj makes through it. */
static int bootstrap(sentraj_engine engine)
{
    double v[40];
    sentraj_config cfg;
    sentraj_boot_result r;
    sentraj_sample *s;
    int rc;

    for (int i = 0; i < 40; i++)
        v[i] = (i % 5 - 2) / 6.0;
    s = sentraj_sample_alloc(v, 40, 6, NULL);
    sentraj_config_init(&cfg);
    cfg.engine = engine;
    cfg.resamples = 200;
    rc = s ? sentraj_boot_mean(s, "x", &cfg, &r, NULL, NULL) : -1;
    sentraj_sample_free(s);
    return rc;
}

/* A GSL call that fails on purpose: a transform of length 0. With GSL's
 * default handler this aborts; with the handler off it returns NULL. */
static int gsl_fails_quietly(void)
{
    gsl_fft_real_wavetable *w = gsl_fft_real_wavetable_alloc(0);
    if (w)
        gsl_fft_real_wavetable_free(w);
    return w == NULL;
}

static int calls;

static void counting_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason, (void)file, (void)line, (void)gsl_errno;
    calls++;
}

/* Run fn in a child so each case starts with GSL's default handler; the
 * child's exit status is fn's result, and a signal (abort) counts as 0. */
static int in_child(int (*fn)(void))
{
    int status;
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 0;
}

static int after_multinomial(void)
{
    return bootstrap(SENTRAJ_ENGINE_MULTINOMIAL) == SENTRAJ_OK && gsl_fails_quietly();
}

static int after_exact(void)
{
    return bootstrap(SENTRAJ_ENGINE_EXACT) == SENTRAJ_OK && gsl_fails_quietly();
}

static int program_handler_kept(void)
{
    gsl_set_error_handler(counting_handler);
    if (bootstrap(SENTRAJ_ENGINE_EXACT) != SENTRAJ_OK || bootstrap(SENTRAJ_ENGINE_MULTINOMIAL) != SENTRAJ_OK)
        return 0;
    return gsl_fails_quietly() && calls == 1;
}

/* Without a sentraj call, GSL's default handler is still in place: the
 * failing call aborts the child. This proves the cases above can fail. */
static int untouched(void)
{
    return gsl_fails_quietly();
}

int main(void)
{
    tap_ok(in_child(untouched) == 0, "gsl-errors/default-handler-aborts-without-sentraj");
    tap_ok(in_child(after_multinomial) == 1, "gsl-errors/off-after-the-multinomial-engine");
    tap_ok(in_child(after_exact) == 1, "gsl-errors/off-after-the-exact-engine");
    tap_ok(in_child(program_handler_kept) == 1, "gsl-errors/a-program-handler-is-kept");
    return tap_done();
}
