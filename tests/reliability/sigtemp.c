/* sigtemp.c - run a command and signal it while its temporary output file exists. */

/*
 * Usage: sigtemp SIGNAL DIR PREFIX MINSIZE TIMEOUT -- COMMAND [ARG...]
 *
 * Starts COMMAND and watches DIR with inotify. When a file whose name starts
 * with PREFIX appears (sentraj's temporary output is ".NAME.tmpXXXXXX" next
 * to NAME) and has grown to MINSIZE bytes (0: at once, which can be before
 * sentraj has registered it for removal; a few kB: mid-write), or with
 * MINSIZE "asleep" once the child sleeps in a system call (blocked opening
 * a FIFO, say) with the file present, the child is
 * stopped with SIGSTOP, and if the file still exists SIGNAL (INT, TERM, HUP,
 * PIPE, USR1, ALRM, XFSZ, ... or a number) is sent and the child continued,
 * so the signal is known to arrive while the temporary file exists. TIMEOUT is in seconds. The
 * child inherits standard input, output and error.
 *
 * Prints on standard output, one "key value" a line:
 *   temp NAME         the temporary file that was seen (or "-")
 *   blocked yes|no    whether SIGNAL was blocked in the child at that moment
 *                     (sentraj blocks signals while it renames the file into
 *                     place: the signal then arrives after the output is whole)
 *   status signal N | status exit N | status timeout
 * Exits 0, or 2 on a usage or system error. Linux only (inotify, /proc).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int parse_signal(const char *s)
{
    static const struct {
        const char *name;
        int sig;
    } names[] = {{"INT", SIGINT},   {"TERM", SIGTERM}, {"HUP", SIGHUP},   {"PIPE", SIGPIPE}, {"KILL", SIGKILL},
                 {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"ALRM", SIGALRM}, {"XFSZ", SIGXFSZ}, {"XCPU", SIGXCPU},
                 {"QUIT", SIGQUIT}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}};
    char *end;
    long v;
    if (strncmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0)
            return names[i].sig;
    v = strtol(s, &end, 10);
    return *s && !*end && v > 0 && v < 65 ? (int)v : -1;
}

/* Whether sig is in the child's blocked set (SigBlk in /proc/PID/status). */
static int is_blocked(pid_t pid, int sig)
{
    char path[64], line[256];
    FILE *f;
    int blocked = 0;
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "SigBlk:", 7) == 0) {
            unsigned long long mask = strtoull(line + 7, NULL, 16);
            blocked = (int)((mask >> (sig - 1)) & 1u);
            break;
        }
    }
    fclose(f);
    return blocked;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The state letter of the child's main thread (R, S, D, T...), or 0. */
static char state(pid_t pid)
{
    char path[64], buf[512], *p;
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    return p && p[1] == ' ' ? p[2] : 0;
}

/* Wait until name in dirfd holds at least minsize bytes (minsize < 0: until
 * the child sleeps); 0 when it went away, the child ended or the deadline
 * passed first. */
static int grown(int dirfd, const char *name, long long minsize, pid_t pid, double deadline)
{
    struct timespec pause = {0, 100000};
    for (;;) {
        struct stat st;
        if (fstatat(dirfd, name, &st, 0) != 0)
            return 0;
        if (minsize >= 0 ? (long long)st.st_size >= minsize : state(pid) == 'S')
            return 1;
        if (now() > deadline || kill(pid, 0) != 0)
            return 0;
        nanosleep(&pause, NULL);
    }
}

int main(int argc, char **argv)
{
    int sig, fd, dirfd, status, done = 0, sent = 0, blocked = 0;
    const char *dir, *prefix;
    char seen[512] = "-";
    double timeout, deadline;
    long long minsize;
    pid_t pid;

    if (argc < 8 || strcmp(argv[6], "--") != 0 || (sig = parse_signal(argv[1])) < 0) {
        fprintf(stderr, "usage: %s SIGNAL DIR PREFIX MINSIZE TIMEOUT -- COMMAND [ARG...]\n", argv[0]);
        return 2;
    }
    dir = argv[2];
    prefix = argv[3];
    minsize = strcmp(argv[4], "asleep") == 0 ? -1 : atoll(argv[4]);
    timeout = atof(argv[5]);
    fd = inotify_init1(IN_CLOEXEC);
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || dirfd < 0 || inotify_add_watch(fd, dir, IN_CREATE) < 0) {
        fprintf(stderr, "%s: cannot watch %s: %s\n", argv[0], dir, strerror(errno));
        return 2;
    }
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        /* The child starts with default dispositions and an empty mask,
         * whatever the shell that started us had. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int k = 1; k < 32; k++)
            if (k != SIGKILL && k != SIGSTOP)
                signal(k, SIG_DFL);
        execvp(argv[7], argv + 7);
        fprintf(stderr, "%s: cannot run %s: %s\n", argv[0], argv[7], strerror(errno));
        _exit(127);
    }

    deadline = now() + timeout;
    while (!sent && !done) {
        struct pollfd p = {fd, POLLIN, 0};
        double left = deadline - now();
        int r;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            done = 1;
            break;
        }
        if (left <= 0)
            break;
        r = poll(&p, 1, left > 0.05 ? 50 : (int)(left * 1000) + 1);
        if (r < 0 && errno != EINTR) {
            perror("poll");
            break;
        }
        if (r <= 0)
            continue;
        {
            /* The union aligns the buffer for the events read into it. */
            union {
                struct inotify_event ev;
                char bytes[8192];
            } u;
            char *buf = u.bytes;
            ssize_t n = read(fd, buf, sizeof u.bytes);
            for (char *q = buf; n > 0 && q < buf + n && !sent;) {
                struct inotify_event *ev = (struct inotify_event *)q;
                q += sizeof *ev + ev->len;
                if (ev->len == 0 || strncmp(ev->name, prefix, strlen(prefix)) != 0)
                    continue;
                if (!grown(dirfd, ev->name, minsize, pid, deadline))
                    continue;
                /* Stop the child, then check that the file is still there:
                 * only then does the signal arrive while it exists. */
                kill(pid, SIGSTOP);
                if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)) {
                    done = 1;
                    break;
                }
                if (faccessat(dirfd, ev->name, F_OK, 0) == 0) {
                    snprintf(seen, sizeof seen, "%s", ev->name);
                    blocked = is_blocked(pid, sig);
                    kill(pid, sig);
                    sent = 1;
                }
                kill(pid, SIGCONT);
            }
        }
    }
    if (!done && !sent) {
        /* Timed out: make sure the child goes away. */
        kill(pid, SIGKILL);
        kill(pid, SIGCONT);
        waitpid(pid, &status, 0);
        printf("temp %s\nblocked no\nstatus timeout\n", seen);
        return 0;
    }
    if (!done) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    printf("temp %s\nblocked %s\n", seen, blocked ? "yes" : "no");
    if (WIFSIGNALED(status))
        printf("status signal %d\n", WTERMSIG(status));
    else
        printf("status exit %d\n", WEXITSTATUS(status));
    return 0;
}
