/* outfile.c - output files that appear whole or not at all. */
#include "sentraj.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* As many symbolic links as the kernel follows in one path. */
#define MAX_LINKS 40

struct sentraj_outfile {
    char *path;   /* as given, for messages; "-" for standard output */
    char *target; /* the file renamed over: path with its symbolic links followed */
    char *temp;   /* temporary name next to target; NULL when writing directly */
    FILE *f;
    int closed;   /* f is flushed and closed: only the rename is left */
    int keep_mode;
    mode_t mode;  /* the existing file's permissions, kept across the rename */
};

/* Where an output path leads. */
typedef enum target_kind {
    TARGET_FILE,     /* a regular file or nothing yet: a temporary file renamed over it */
    TARGET_IN_PLACE, /* a device, FIFO or socket, or an open file reached through /proc (/dev/stdout): write into it */
    TARGET_DIR,
} target_kind;

/* "/proc/PID/fd" or "/proc/PID/task/TID/fd": the directory whose entries
 * are the open files of a process (/dev/fd and /dev/stdout lead there).
 * *self is set when PID is this process. */
static int proc_fd_dir(const char *dir, int *self)
{
    char mine[64];
    const char *p;

    if (strncmp(dir, "/proc/", 6) != 0)
        return 0;
    p = strchr(dir + 6, '/');
    if (!p)
        return 0;
    snprintf(mine, sizeof mine, "/proc/%ld/", (long)getpid());
    *self = strncmp(dir, mine, strlen(mine)) == 0;
    if (strcmp(p, "/fd") == 0)
        return 1;
    if (strncmp(p, "/task/", 6) != 0 || !(p = strchr(p + 6, '/')))
        return 0;
    return strcmp(p, "/fd") == 0;
}

/* A descriptor number, or -1. */
static int fd_number(const char *s)
{
    char *end;
    long v;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    return *end || errno || v > INT_MAX ? -1 : (int)v;
}

/* dir + "/" + base, malloc'ed (no doubled slash after "/"). */
static char *join(const char *dir, const char *base)
{
    size_t d = strlen(dir), b = strlen(base);
    char *s = malloc(d + b + 2);
    if (s)
        snprintf(s, d + b + 2, "%s%s%s", dir, d && dir[d - 1] == '/' ? "" : "/", base);
    return s;
}

/* Follow path's symbolic links one at a time, so that a link that names
 * nothing yet (dangling) leads to the file it would name. Sets *target
 * (malloc'ed) and, for an open file of this process reached through /proc,
 * *fd; fills *st for an existing target. Returns the kind, or -1 after
 * raising. */
static int resolve(const char *path, char **target, int *fd, struct stat *st, sentraj_error *err)
{
    char *cur = strdup(path);

    *target = NULL;
    *fd = -1;
    for (int links = 0; cur; links++) {
        char *slash = strrchr(cur, '/'), *dir, *real, *full, *next;
        const char *base = slash ? slash + 1 : cur;
        ssize_t n;
        int self = 0;

        if (!*base) {
            /* "out/": a directory, or nothing that can be written. */
            target_kind k = stat(cur, st) == 0 && S_ISDIR(st->st_mode) ? TARGET_DIR : TARGET_FILE;
            *target = cur;
            return (int)k;
        }
        dir = slash ? strndup(cur, (size_t)(slash - cur) + (slash == cur)) : strdup(".");
        real = dir ? realpath(dir, NULL) : NULL;
        free(dir);
        if (!real) {
            /* A missing directory: creating the temporary file says so. */
            *target = cur;
            return errno == ENOMEM ? (sentraj_nomem(err, "output file name"), -1) : TARGET_FILE;
        }
        if (proc_fd_dir(real, &self)) {
            *fd = self ? fd_number(base) : -1;
            *target = join(real, base);
            free(real);
            free(cur);
            return *target ? TARGET_IN_PLACE : (sentraj_nomem(err, "output file name"), -1);
        }
        full = join(real, base);
        free(real);
        free(cur);
        cur = NULL;
        if (!full)
            break;
        if (lstat(full, st) != 0) {
            *target = full;
            return TARGET_FILE;
        }
        if (!S_ISLNK(st->st_mode)) {
            *target = full;
            if (S_ISREG(st->st_mode))
                return TARGET_FILE;
            return S_ISDIR(st->st_mode) ? TARGET_DIR : TARGET_IN_PLACE;
        }
        if (links == MAX_LINKS) {
            free(full);
            sentraj_raise(err, SENTRAJ_EIO, path, 0, 0, "cannot open for writing: %s", strerror(ELOOP));
            return -1;
        }
        next = malloc(PATH_MAX);
        if (!next || (n = readlink(full, next, PATH_MAX - 1)) < 0) {
            int e = errno;
            free(next);
            free(full);
            if (e == ENOMEM)
                break;
            sentraj_raise(err, SENTRAJ_EIO, path, 0, 0, "cannot open for writing: %s", strerror(e));
            return -1;
        }
        next[n] = '\0';
        if (next[0] == '/') {
            cur = next;
        } else {
            /* Relative to the link's own directory. */
            *strrchr(full, '/') = '\0';
            cur = join(*full ? full : "/", next);
            free(next);
        }
        free(full);
    }
    sentraj_nomem(err, "output file name");
    return -1;
}

/* Open a new file next to the target. O_EXCL with a fresh name each try, and
 * mode 0666 so the process umask decides the permissions, as for any new
 * file. */
static int open_temp(sentraj_outfile *o, sentraj_error *err)
{
    const char *slash = strrchr(o->target, '/');
    size_t dirlen = slash ? (size_t)(slash - o->target) + 1 : 0;
    const char *base = o->target + dirlen;
    size_t cap = strlen(o->target) + 64;
    uint64_t x = (uint64_t)getpid() * 0x9e3779b97f4a7c15u ^ (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)o;

    o->temp = malloc(cap);
    if (!o->temp)
        return sentraj_nomem(err, "output file name");
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd;
        x = x * 6364136223846793005u + 1442695040888963407u;
        snprintf(o->temp, cap, "%.*s.%s.tmp%06llx", (int)dirlen, o->target, base,
                 (unsigned long long)(x >> 40) & 0xffffffu);
        fd = open(o->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            o->f = fdopen(fd, "wb");
            if (!o->f) {
                close(fd);
                unlink(o->temp);
                return sentraj_nomem(err, "output stream");
            }
            return SENTRAJ_OK;
        }
        if (errno != EEXIST) {
            free(o->temp);
            o->temp = NULL;
            return sentraj_raise(err, SENTRAJ_EIO, o->path, 0, 0, "cannot create output file: %s", strerror(errno));
        }
    }
    free(o->temp);
    o->temp = NULL;
    return sentraj_raise(err, SENTRAJ_EIO, o->path, 0, 0, "cannot find a free temporary name next to the output");
}

/* Write into a device, a FIFO or an open file: such a target cannot be
 * replaced by renaming a file over it (as root that would replace /dev/null
 * itself), and what is in it stays. An open file of this process reached
 * through /proc (`-o /dev/stdout`) is written through a copy of its
 * descriptor, so it is appended to exactly when the shell opened it so
 * (`>> log`); anything else is opened to append. */
static int open_in_place(sentraj_outfile *o, int fd, sentraj_error *err)
{
    int d = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : open(o->target, O_WRONLY | O_APPEND | O_CLOEXEC);

    if (d < 0)
        return sentraj_raise(err, errno == EMFILE || errno == ENOMEM ? SENTRAJ_ENOMEM : SENTRAJ_EIO, o->path, 0, 0,
                             "cannot open for writing: %s", strerror(errno));
    o->f = fdopen(d, "wb");
    if (!o->f) {
        close(d);
        return sentraj_nomem(err, "output stream");
    }
    return SENTRAJ_OK;
}

static void release(sentraj_outfile *o)
{
    free(o->temp);
    free(o->target);
    free(o->path);
    free(o);
}

sentraj_outfile *sentraj_outfile_open(const char *path, sentraj_error *err)
{
    sentraj_outfile *o = calloc(1, sizeof *o);
    struct stat st;
    int kind, fd, rc;

    if (!o || !(o->path = strdup(path))) {
        free(o);
        sentraj_nomem(err, "output file");
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return o;
    }
    kind = resolve(path, &o->target, &fd, &st, err);
    if (kind < 0) {
        release(o);
        return NULL;
    }
    if (kind == TARGET_DIR) {
        sentraj_raise(err, SENTRAJ_EIO, path, 0, 0, "is a directory");
        release(o);
        return NULL;
    }
    if (kind == TARGET_IN_PLACE) {
        if ((rc = open_in_place(o, fd, err)) != SENTRAJ_OK) {
            release(o);
            return NULL;
        }
        return o;
    }
    /* An existing file keeps its permissions; a symbolic link keeps
     * pointing where it did, and the file it names is replaced (or, when
     * the link dangles, created). */
    if (stat(o->target, &st) == 0) {
        o->keep_mode = 1;
        o->mode = st.st_mode & 07777;
    }
    if (open_temp(o, err) != SENTRAJ_OK) {
        release(o);
        return NULL;
    }
    if (o->keep_mode)
        (void)fchmod(fileno(o->f), o->mode);
    return o;
}

FILE *sentraj_outfile_stream(sentraj_outfile *o)
{
    return o->f;
}

const char *sentraj_outfile_name(const sentraj_outfile *o)
{
    return strcmp(o->path, "-") == 0 ? "<stdout>" : o->path;
}

const char *sentraj_outfile_temp_path(const sentraj_outfile *o)
{
    return o ? o->temp : NULL;
}

int sentraj_outfile_close(sentraj_outfile *o, sentraj_error *err)
{
    int rc = SENTRAJ_OK;
    const char *name = sentraj_outfile_name(o);

    if (o->closed)
        return SENTRAJ_OK;
    o->closed = 1;
    errno = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        rc = sentraj_raise(err, SENTRAJ_EIO, name, 0, 0, "write failed: %s", strerror(errno ? errno : EIO));
    if (o->f != stdout && fclose(o->f) != 0 && rc == SENTRAJ_OK)
        rc = sentraj_raise(err, SENTRAJ_EIO, name, 0, 0, "write failed: %s", strerror(errno));
    o->f = NULL;
    return rc;
}

int sentraj_outfile_commit(sentraj_outfile *o, sentraj_error *err)
{
    return sentraj_outfile_commit_all(&o, 1, err);
}

/* Append ", name" (or the first name) to the list in buf, within cap. */
static void list_name(char *buf, size_t cap, const char *name)
{
    size_t len = strlen(buf);
    if (len + 1 < cap)
        snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", name);
}

int sentraj_outfile_commit_all(sentraj_outfile *const *outs, size_t n, sentraj_error *err)
{
    char removed[300] = "", kept[200] = "";
    size_t renamed = 0;
    int rc = SENTRAJ_OK, e = 0;

    /* Everything written and closed first: a write error anywhere leaves
     * every output as it was. */
    for (size_t i = 0; i < n; i++)
        if (outs[i] && sentraj_outfile_close(outs[i], rc == SENTRAJ_OK ? err : NULL) != SENTRAJ_OK)
            rc = SENTRAJ_EIO;
    for (; renamed < n && rc == SENTRAJ_OK; renamed++) {
        sentraj_outfile *o = outs[renamed];
        if (!o || !o->temp)
            continue;
        if (rename(o->temp, o->target) != 0) {
            e = errno;
            rc = SENTRAJ_EIO;
            break;
        }
        free(o->temp);
        o->temp = NULL;
    }
    if (rc != SENTRAJ_OK && e) {
        /* The outputs renamed before the failure come out again: all or
         * none. What they replaced is gone; the message names them. */
        for (size_t i = 0; i < renamed; i++) {
            if (!outs[i] || !outs[i]->target)
                continue;
            if (unlink(outs[i]->target) == 0)
                list_name(removed, sizeof removed, outs[i]->path);
            else
                list_name(kept, sizeof kept, outs[i]->path);
        }
        sentraj_raise(err, SENTRAJ_EIO, outs[renamed]->path, 0, 0, "cannot move the output into place: %s%s%s%s%s",
                      strerror(e), *removed ? "; removed the outputs already in place: " : "", removed,
                      *kept ? "; could not remove the outputs already in place: " : "", kept);
    }
    for (size_t i = 0; i < n; i++) {
        if (!outs[i])
            continue;
        if (outs[i]->temp)
            unlink(outs[i]->temp);
        release(outs[i]);
    }
    return rc;
}

void sentraj_outfile_abort(sentraj_outfile *o)
{
    if (!o)
        return;
    if (!o->closed && o->f != stdout)
        fclose(o->f);
    if (o->temp)
        unlink(o->temp);
    release(o);
}
