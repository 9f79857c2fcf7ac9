/* convokit.c - placeholder while the ConvoKit reader is written. */
#include "dataset.h"
#include "error.h"
int convokit_read(sentraj_dataset *ds, const char *dir, sentraj_error *err)
{
    (void)ds;
    return sentraj_raise(err, SENTRAJ_EUSAGE, dir, 0, 0, "ConvoKit corpora are not supported yet");
}
