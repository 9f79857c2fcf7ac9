/* test_outfile.c - output files appear whole or not at all. */
#include "tap.h"

#include <sentraj.h>

#include <dirent.h>
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

    snprintf(path, sizeof path, "%s/out.csv", dir);
    unlink(path);
    rmdir(dir);
    return tap_done();
}
