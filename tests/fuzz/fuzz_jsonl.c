/* fuzz_jsonl.c - libFuzzer harness for the nested JSONL reader (one conversation per line) and the pipeline after it. */
#include "fuzz_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[4096], path[4200];

static void cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");
    (void)argc;
    (void)argv;
    fuzz_init();
    snprintf(dir, sizeof dir, "%s/sentraj-fuzz-jsonl-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        fuzz_fail("mkdtemp %s: %s", dir, strerror(errno));
    snprintf(path, sizeof path, "%s/input", dir);
    atexit(cleanup);
    return 0;
}

static void write_file(const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        fuzz_fail("cannot create %s: %s", path, strerror(errno));
    while (size > 0) {
        ssize_t k = write(fd, data, size);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            fuzz_fail("cannot write %s: %s", path, strerror(errno));
        data += k;
        size -= (size_t)k;
    }
    if (close(fd) != 0)
        fuzz_fail("cannot close %s: %s", path, strerror(errno));
}

/* The input is the JSONL file as is, read from memory with the format set to
 * JSONL (sentraj_dataset_read_csv_buffer dispatches on the data set's format;
 * gzip is detected by content there too). One input in four (by its hash) is
 * instead written to a file and read with sentraj_dataset_read and the format
 * left to detection, which is the only way to reach input_peek_first: a
 * '{' first (after blanks, a byte order mark, gzip) means JSONL, else CSV. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sentraj_config cfg;
    sentraj_input_options o;
    sentraj_error err;
    sentraj_dataset *ds;
    int rc;

    uint32_t h = fuzz_hash(data, size);
    int detect = ((h >> 12) & 3) == 0;

    fuzz_config(&cfg, h);
    memset(&err, 0, sizeof err);
    ds = sentraj_dataset_alloc(&cfg, &err);
    if (!ds)
        fuzz_fail("sentraj_dataset_alloc: %s", err.message);
    sentraj_input_options_init(&o);
    o.format = detect ? SENTRAJ_INPUT_AUTO : SENTRAJ_INPUT_JSONL;
    rc = sentraj_dataset_set_input(ds, &o, &err);
    if (rc != SENTRAJ_OK)
        fuzz_fail("sentraj_dataset_set_input: %s", err.message);
    if (detect) {
        write_file(data, size);
        rc = sentraj_dataset_read(ds, path, &err);
        fuzz_check_status("sentraj_dataset_read (auto)", rc, &err, 0);
    } else {
        rc = sentraj_dataset_read_csv_buffer(ds, (const char *)data, size, "fuzz.jsonl", &err);
        fuzz_check_status("sentraj_dataset_read_csv_buffer (JSONL)", rc, &err, 0);
    }
    if (rc == SENTRAJ_OK)
        fuzz_pipeline(ds, &cfg, "fuzz.jsonl", -1.0, 1.0);
    sentraj_dataset_free(ds);
    return 0;
}
