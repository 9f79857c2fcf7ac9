/* outfile.c - output files that appear whole or not at all. */
#include "sentraj.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct sentraj_outfile {
    char *path;  /* final name; "-" for standard output */
    char *temp;  /* temporary name in the same directory; NULL when writing directly */
    FILE *f;
    int direct;  /* writing straight into path (a device or FIFO), not via a temporary file */
    int keep_mode;
    mode_t mode; /* the existing file's permissions, kept across the rename */
};

/* Open a new file next to path. O_EXCL with a fresh name each try, and mode
 * 0666 so the process umask decides the permissions, as for any new file. */
static int open_temp(sentraj_outfile *o, sentraj_error *err)
{
    const char *slash = strrchr(o->path, '/');
    size_t dirlen = slash ? (size_t)(slash - o->path) + 1 : 0;
    const char *base = o->path + dirlen;
    size_t cap = strlen(o->path) + 64;
    uint64_t x = (uint64_t)getpid() * 0x9e3779b97f4a7c15u ^ (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)o;

    o->temp = malloc(cap);
    if (!o->temp)
        return sentraj_nomem(err, "output file name");
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd;
        x = x * 6364136223846793005u + 1442695040888963407u;
        snprintf(o->temp, cap, "%.*s.%s.tmp%06llx", (int)dirlen, o->path, base,
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
        if (errno != EEXIST)
            return sentraj_raise(err, SENTRAJ_EIO, o->path, 0, 0, "cannot create output file: %s", strerror(errno));
    }
    return sentraj_raise(err, SENTRAJ_EIO, o->path, 0, 0, "cannot find a free temporary name next to the output");
}

sentraj_outfile *sentraj_outfile_open(const char *path, sentraj_error *err)
{
    sentraj_outfile *o = calloc(1, sizeof *o);
    struct stat st;

    if (!o || !(o->path = strdup(path))) {
        free(o);
        sentraj_nomem(err, "output file");
        return NULL;
    }
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        o->direct = 1;
        return o;
    }
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            /* A device, FIFO or socket cannot be replaced by renaming a file
             * over it (as root that would replace /dev/null itself); write
             * into it directly. Directories are refused. */
            if (S_ISDIR(st.st_mode)) {
                sentraj_raise(err, SENTRAJ_EIO, path, 0, 0, "is a directory");
                goto fail;
            }
            o->f = fopen(path, "wb");
            if (!o->f) {
                sentraj_raise(err, SENTRAJ_EIO, path, 0, 0, "cannot open for writing: %s", strerror(errno));
                goto fail;
            }
            o->direct = 1;
            return o;
        }
        /* An existing file keeps its permissions; a symbolic link keeps
         * pointing where it did, and the file it names is replaced. */
        o->keep_mode = 1;
        o->mode = st.st_mode & 07777;
        {
            char *real = realpath(path, NULL);
            if (real) {
                free(o->path);
                o->path = real;
            }
        }
    }
    if (open_temp(o, err) != SENTRAJ_OK)
        goto fail;
    if (o->keep_mode)
        (void)fchmod(fileno(o->f), o->mode);
    return o;
fail:
    free(o->temp);
    free(o->path);
    free(o);
    return NULL;
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

static void release(sentraj_outfile *o)
{
    free(o->temp);
    free(o->path);
    free(o);
}

int sentraj_outfile_commit(sentraj_outfile *o, sentraj_error *err)
{
    int rc = SENTRAJ_OK;
    const char *name = sentraj_outfile_name(o);

    if (fflush(o->f) != 0 || ferror(o->f))
        rc = sentraj_raise(err, SENTRAJ_EIO, name, 0, 0, "write failed: %s", strerror(errno ? errno : EIO));
    if (o->f != stdout && fclose(o->f) != 0 && rc == SENTRAJ_OK)
        rc = sentraj_raise(err, SENTRAJ_EIO, name, 0, 0, "write failed: %s", strerror(errno));
    if (o->temp) {
        if (rc == SENTRAJ_OK && rename(o->temp, o->path) != 0)
            rc = sentraj_raise(err, SENTRAJ_EIO, name, 0, 0, "cannot move the output into place: %s",
                               strerror(errno));
        if (rc != SENTRAJ_OK)
            unlink(o->temp);
    }
    release(o);
    return rc;
}

void sentraj_outfile_abort(sentraj_outfile *o)
{
    if (!o)
        return;
    if (o->f != stdout)
        fclose(o->f);
    if (o->temp)
        unlink(o->temp);
    release(o);
}
