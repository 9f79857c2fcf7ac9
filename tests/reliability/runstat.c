/* runstat.c - run a command and report its peak resident memory and wall time. */

/*
 * Usage: runstat REPORT -- COMMAND [ARG...]
 *
 * Runs COMMAND (standard streams inherited), waits for it with wait4() and
 * writes one line to the file REPORT:
 *
 *   maxrss_kb SECONDS STATUS
 *
 * maxrss_kb is the child's peak resident set size (ru_maxrss, kB), SECONDS
 * the wall-clock time from fork to exit, STATUS the exit code (or 128 + the
 * signal number). Exits with STATUS, or 2 on a usage or system error. The
 * same numbers as GNU time's %M and %e, without depending on it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    struct rusage ru;
    int status, code;
    pid_t pid;
    FILE *f;

    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: %s REPORT -- COMMAND [ARG...]\n", argv[0]);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[3], argv + 3);
        fprintf(stderr, "%s: cannot run %s: %s\n", argv[0], argv[3], strerror(errno));
        _exit(127);
    }
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("wait4");
            return 2;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fprintf(f, "%ld %.3f %d\n", ru.ru_maxrss,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9, code);
    if (fclose(f) != 0) {
        perror(argv[1]);
        return 2;
    }
    return code;
}
