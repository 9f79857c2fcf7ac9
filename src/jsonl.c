/* jsonl.c - placeholder while the JSONL reader is written. */
#include "dataset.h"
#include "error.h"
#include "input.h"
int jsonl_read(sentraj_dataset *ds, input *in, sentraj_error *err)
{
    (void)ds;
    return sentraj_raise(err, SENTRAJ_EUSAGE, input_name(in), 0, 0, "JSONL input is not supported yet");
}
