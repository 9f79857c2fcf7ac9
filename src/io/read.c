/* read.c - open an input, detect its format, hand it to the right reader. */
#include "data/dataset.h"

#include "core/error.h"
#include "io/input.h"
#include "io/readers.h"

#include <string.h>
#include <sys/stat.h>

/* Read one open input in the data set's format, or the one its content
 * shows: a JSON object first means JSONL, anything else CSV. */
static int read_input(sentraj_dataset *ds, input *in, sentraj_input_format format, sentraj_error *err)
{
    if (format == SENTRAJ_INPUT_AUTO) {
        int c = input_peek_first(in, err);
        if (c == -2)
            return err ? err->code : SENTRAJ_EIO;
        format = c == '{' ? SENTRAJ_INPUT_JSONL : SENTRAJ_INPUT_CSV;
    }
    if (format == SENTRAJ_INPUT_JSONL)
        return jsonl_read(ds, in, err);
    if (format == SENTRAJ_INPUT_CONVOKIT)
        return sentraj_raise(err, SENTRAJ_EUSAGE, input_name(in), 0, 0,
                             "a ConvoKit corpus is a directory (with utterances.jsonl), not a file");
    return csv_read(ds, in, err);
}

static int read_path(sentraj_dataset *ds, const char *path, sentraj_input_format format, sentraj_error *err)
{
    struct stat st;
    input *in;
    int rc;

    if ((rc = dataset_begin_read(ds, err)) != SENTRAJ_OK)
        return rc;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (format != SENTRAJ_INPUT_AUTO && format != SENTRAJ_INPUT_CONVOKIT)
            return ds->failed = 1, sentraj_raise(err, SENTRAJ_EIO, path, 0, 0, "is a directory");
        rc = convokit_read(ds, path, err);
    } else {
        in = input_open(path, err);
        if (!in)
            return ds->failed = 1, err ? err->code : SENTRAJ_EIO;
        if (ds->progress)
            input_set_progress(in, ds->progress, ds->progress_ctx);
        input_use_thread(in, ds->threads != 1);
        rc = read_input(ds, in, format, err);
        input_close(in);
    }
    if (rc != SENTRAJ_OK)
        ds->failed = 1;
    return rc;
}

int sentraj_dataset_read(sentraj_dataset *ds, const char *path, sentraj_error *err)
{
    return read_path(ds, path, ds->format, err);
}

int sentraj_dataset_read_csv(sentraj_dataset *ds, const char *path, sentraj_error *err)
{
    return read_path(ds, path, SENTRAJ_INPUT_CSV, err);
}

int sentraj_dataset_read_csv_buffer(sentraj_dataset *ds, const char *data, size_t len, const char *name,
                                    sentraj_error *err)
{
    input *in;
    int rc;

    if ((rc = dataset_begin_read(ds, err)) != SENTRAJ_OK)
        return rc;
    in = input_open_buffer(data, len, name, err);
    if (!in)
        return err ? err->code : SENTRAJ_ENOMEM;
    rc = read_input(ds, in, ds->format == SENTRAJ_INPUT_JSONL ? SENTRAJ_INPUT_JSONL : SENTRAJ_INPUT_CSV, err);
    input_close(in);
    if (rc != SENTRAJ_OK)
        ds->failed = 1;
    return rc;
}

int sentraj_dataset_read_categories(sentraj_dataset *ds, const char *path, sentraj_error *err)
{
    input *in;
    int rc;

    if ((rc = dataset_begin_read(ds, err)) != SENTRAJ_OK)
        return rc;
    in = input_open(path, err);
    if (!in)
        return ds->failed = 1, err ? err->code : SENTRAJ_EIO;
    rc = csv_read_categories(ds, in, err);
    input_close(in);
    if (rc != SENTRAJ_OK)
        ds->failed = 1;
    return rc;
}

void sentraj_dataset_set_progress(sentraj_dataset *ds, sentraj_progress_fn fn, void *ctx)
{
    ds->progress = fn;
    ds->progress_ctx = ctx;
}
