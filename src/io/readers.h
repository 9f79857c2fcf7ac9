/* readers.h - the reader of each input format, which read.c hands an open input to. */
#ifndef SENTRAJ_READERS_H
#define SENTRAJ_READERS_H

#include "data/dataset.h"
#include "io/input.h"

/* Each reader adds the rows of one input to ds and returns SENTRAJ_OK, or
 * the error of the first bad row or line (SENTRAJ_EDATA with its source,
 * line and column; SENTRAJ_ELIMIT, SENTRAJ_EIO, SENTRAJ_ENOMEM); after an
 * error ds is marked failed (read.c sees to it) and can only be freed. */

/* The CSV reader on an open input. A named regular file is read on the
 * config's threads when each gets at least 4 MiB (csv_parallel.c). */
int csv_read(sentraj_dataset *ds, input *in, sentraj_error *err);
/* A categories table: the data set's id and categories columns, joined
 * at finish. */
int csv_read_categories(sentraj_dataset *ds, input *in, sentraj_error *err);
/* One conversation per line: a JSON object with a "messages" array. */
int jsonl_read(sentraj_dataset *ds, input *in, sentraj_error *err);
/* A ConvoKit corpus directory (utterances.jsonl, conversations.json). */
int convokit_read(sentraj_dataset *ds, const char *dir, sentraj_error *err);

#endif
