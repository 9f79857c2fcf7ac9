/* test_outfile.c - output files appear whole or not at all. */
#include "tap.h"

#include <sentraj.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/sentraj-outfile-XXXXXX";

static int entries(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    closedir(d);
    return n;
}

static char *slurp(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f)
        return NULL;
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
}

static int write_commit(const char *path, const char *text, sentraj_error *err)
{
    sentraj_outfile *o = sentraj_outfile_open(path, err);
    if (!o)
        return -1;
    fputs(text, sentraj_outfile_stream(o));
    return sentraj_outfile_commit(o, err);
}

/* A symbolic link keeps pointing where it did; a dangling one is written
 * through, creating the file it names (relative to the link's directory). */
static void test_links(void)
{
    char link[300], target[300], chain[300];
    sentraj_error err;
    struct stat st;
    const char *s;

    snprintf(link, sizeof link, "%s/link.csv", dir);
    snprintf(chain, sizeof chain, "%s/chain.csv", dir);
    snprintf(target, sizeof target, "%s/target.csv", dir);
    tap_ok(symlink("target.csv", link) == 0 && symlink("link.csv", chain) == 0, "outfile/links/made");
    tap_ok(write_commit(chain, "through\n", &err) == SENTRAJ_OK, "outfile/links/dangling-commit");
    s = slurp(target);
    tap_ok(s && strcmp(s, "through\n") == 0, "outfile/links/dangling-creates-target");
    tap_ok(lstat(link, &st) == 0 && S_ISLNK(st.st_mode) && lstat(chain, &st) == 0 && S_ISLNK(st.st_mode),
           "outfile/links/links-stay");
    tap_ok(write_commit(link, "again\n", &err) == SENTRAJ_OK && (s = slurp(target)) && strcmp(s, "again\n") == 0 &&
               lstat(link, &st) == 0 && S_ISLNK(st.st_mode),
           "outfile/links/existing-target-replaced");
    unlink(chain);
    unlink(link);
    unlink(target);
}

/* An open file reached through /proc (as /dev/stdout is) is written through
 * its own descriptor: opened to append, it is appended to, never replaced. */
static void test_in_place(void)
{
    char path[300], fdpath[64];
    sentraj_error err;
    struct stat before, after;
    const char *s;
    int fd;

    snprintf(path, sizeof path, "%s/log", dir);
    put(path, "first\n");
    fd = open(path, O_WRONLY | O_APPEND);
    snprintf(fdpath, sizeof fdpath, "/dev/fd/%d", fd);
    stat(path, &before);
    tap_ok(write_commit(fdpath, "second\n", &err) == SENTRAJ_OK, "outfile/in-place/commit");
    stat(path, &after);
    s = slurp(path);
    tap_ok(s && strcmp(s, "first\nsecond\n") == 0 && before.st_ino == after.st_ino,
           "outfile/in-place/dev-fd-appends-to-the-same-file");
    tap_ok(fcntl(fd, F_GETFD) >= 0, "outfile/in-place/descriptor-stays-open");
    close(fd);
    unlink(path);
}

/* Several outputs commit together: when a rename fails, the ones already
 * renamed are removed again and the message names them. A directory put
 * where an output is to go makes its rename fail, even for root. */
static void test_commit_all(void)
{
    char a[300], b[300], c[300], sub[320];
    sentraj_outfile *outs[3];
    sentraj_error err;
    int n0 = entries();

    snprintf(a, sizeof a, "%s/a.csv", dir);
    snprintf(b, sizeof b, "%s/b.csv", dir);
    snprintf(c, sizeof c, "%s/c.csv", dir);
    put(a, "old a\n");
    outs[0] = sentraj_outfile_open(a, &err);
    outs[1] = sentraj_outfile_open(b, &err);
    outs[2] = NULL;
    fputs("new a\n", sentraj_outfile_stream(outs[0]));
    fputs("new b\n", sentraj_outfile_stream(outs[1]));
    tap_ok(sentraj_outfile_commit_all(outs, 3, &err) == SENTRAJ_OK && strcmp(slurp(a), "new a\n") == 0 &&
               strcmp(slurp(b), "new b\n") == 0 && entries() == n0 + 2,
           "outfile/commit-all/all-renamed");

    outs[0] = sentraj_outfile_open(a, &err);
    outs[1] = sentraj_outfile_open(c, &err);
    outs[2] = sentraj_outfile_open(b, &err);
    snprintf(sub, sizeof sub, "%s/inside", c);
    mkdir(c, 0777);
    mkdir(sub, 0777);
    tap_ok(sentraj_outfile_commit_all(outs, 3, &err) == SENTRAJ_EIO && strcmp(err.source, c) == 0 &&
               strstr(err.message, "cannot move the output into place: ") &&
               strstr(err.message, "; removed the outputs already in place: ") && strstr(err.message, a),
           "outfile/commit-all/failed-rename-is-eio-naming-the-removed");
    /* Left: b and the directory at c. */
    tap_ok(access(a, F_OK) != 0 && strcmp(slurp(b), "new b\n") == 0 && entries() == n0 + 2,
           "outfile/commit-all/renamed-removed-rest-untouched-no-temps");
    rmdir(sub);
    rmdir(c);
    unlink(b);

    /* A write error in any output: nothing is renamed. */
    if (access("/dev/full", W_OK) == 0) {
        outs[0] = sentraj_outfile_open(a, &err);
        outs[1] = sentraj_outfile_open("/dev/full", &err);
        fputs("x\n", sentraj_outfile_stream(outs[0]));
        fputs("x\n", sentraj_outfile_stream(outs[1]));
        tap_ok(sentraj_outfile_commit_all(outs, 2, &err) == SENTRAJ_EIO && access(a, F_OK) != 0 && entries() == n0,
               "outfile/commit-all/write-error-renames-nothing");
    } else {
        tap_skip("outfile/commit-all/write-error-renames-nothing", "no /dev/full");
    }
}

int main(void)
{
    char path[256];
    sentraj_error err;
    sentraj_outfile *o;
    const char *s;

    if (!mkdtemp(dir)) {
        tap_skip("outfile/all", "cannot make a temporary directory");
        return tap_done();
    }
    snprintf(path, sizeof path, "%s/out.csv", dir);

    o = sentraj_outfile_open(path, &err);
    fputs("hello\n", sentraj_outfile_stream(o));
    tap_ok(access(path, F_OK) != 0 && entries() == 1, "outfile/invisible-until-commit");
    tap_ok(strncmp(sentraj_outfile_temp_path(o), dir, strlen(dir)) == 0, "outfile/temp-in-same-directory");
    tap_ok(sentraj_outfile_commit(o, &err) == SENTRAJ_OK, "outfile/commit");
    s = slurp(path);
    tap_ok(s && strcmp(s, "hello\n") == 0 && entries() == 1, "outfile/committed-content-no-temp-left");

    o = sentraj_outfile_open(path, &err);
    fputs("partial", sentraj_outfile_stream(o));
    sentraj_outfile_abort(o);
    s = slurp(path);
    tap_ok(s && strcmp(s, "hello\n") == 0 && entries() == 1, "outfile/abort-keeps-existing-file-and-removes-temp");

    snprintf(path, sizeof path, "%s/missing/out.csv", dir);
    tap_ok(sentraj_outfile_open(path, &err) == NULL && err.code == SENTRAJ_EIO &&
               strstr(err.message, "cannot create output file"),
           "outfile/missing-directory-is-eio");

    /* /dev/full accepts the open but every write fails: the report writer
     * must notice (at its final flush) and say EIO. */
    if (access("/dev/full", W_OK) == 0) {
        static const char csv[] = "conversation_id,message_index,role,sentiment\n"
                                  "a,0,human,0\na,1,human,0\na,2,human,0\na,3,human,0\na,4,human,0\na,5,human,0\n";
        sentraj_config cfg;
        sentraj_dataset *ds;
        FILE *f = fopen("/dev/full", "w");
        sentraj_config_init(&cfg);
        ds = sentraj_dataset_alloc(&cfg, &err);
        sentraj_dataset_read_csv_buffer(ds, csv, sizeof csv - 1, "t", &err);
        sentraj_dataset_finish(ds, &err);
        tap_ok(sentraj_deltas_write_csv(f, "/dev/full", ds, &err) == SENTRAJ_EIO &&
                   strcmp(err.source, "/dev/full") == 0 && strstr(err.message, "write failed"),
               "outfile/report-to-dev-full-is-eio");
        fclose(f);
        sentraj_dataset_free(ds);
    } else {
        tap_skip("outfile/report-to-dev-full-is-eio", "no /dev/full");
    }
    sentraj_outfile_abort(NULL);
    tap_ok(1, "outfile/abort-null-is-noop");

    test_links();
    test_in_place();
    test_commit_all();

    snprintf(path, sizeof path, "%s/out.csv", dir);
    unlink(path);
    rmdir(dir);
    return tap_done();
}
