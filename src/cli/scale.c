/* scale.c - the run's label scale: --scale 3|5|7|FILE opened, kept for the reports, and a smaller scale suggested. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The scale the run read its data with (or its summaries were made with),
 * for the JSON reports' label mapping; freed when the program exits. */
static sentraj_scale *run_scale;

static void free_run_scale(void)
{
    sentraj_scale_free(run_scale);
    run_scale = NULL;
}

sentraj_scale *cli_scale(const char *spec, sentraj_error *err)
{
    if (!spec)
        return sentraj_scale_builtin(5, err);
    if (strcmp(spec, "3") == 0 || strcmp(spec, "5") == 0 || strcmp(spec, "7") == 0)
        return sentraj_scale_builtin(spec[0] - '0', err);
    /* A number that is no built-in scale is a slip, unless a file has that
     * name. */
    if (spec[0] && strspn(spec, "0123456789") == strlen(spec) && access(spec, F_OK) != 0) {
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = SENTRAJ_EUSAGE;
            snprintf(err->message, sizeof err->message,
                     "--scale expects 3, 5, 7 or a label scale file, not \"%s\"", spec);
        }
        return NULL;
    }
    return sentraj_scale_read(spec, err);
}

void cli_keep_scale(sentraj_scale *scale)
{
    static int registered;

    if (!registered) {
        atexit(free_run_scale);
        registered = 1;
    }
    sentraj_scale_free(run_scale);
    run_scale = scale;
}

const sentraj_scale *cli_run_scale(void)
{
    return run_scale;
}

void cli_scale_note(const cli_args *a, const sentraj_dataset *ds)
{
    int smaller = sentraj_dataset_smaller_scale(ds);
    int points = sentraj_scale_points(run_scale);

    if (smaller == 3)
        cli_note(a,
                 "every human label is negative, neutral or positive: if the data were labelled on a 3-point "
                 "scale, --scale 3 reads them as -1, 0 and 1 (the %d-point scale reads them as %s, 0 and %s)",
                 points, points == 7 ? "-2/3" : "-0.5", points == 7 ? "2/3" : "0.5");
    else if (smaller == 5)
        cli_note(a,
                 "no human label is somewhat negative or somewhat positive: if the data were labelled on a "
                 "5-point scale, --scale 5 reads negative and positive as -0.5 and 0.5 (the 7-point scale reads "
                 "them as -2/3 and 2/3)");
}
