/* labels.h - roles and sentiment labels: folding, parsing, the label scale. */
#ifndef SENTRAJ_LABELS_H
#define SENTRAJ_LABELS_H

#include <stddef.h>

typedef enum role_kind {
    ROLE_HUMAN = 0,
    ROLE_ASSISTANT = 1,
    ROLE_IGNORED = 2, /* system, tool */
    ROLE_UNKNOWN = 3
} role_kind;

/* Classify a role field (case-insensitive, surrounding blanks ignored):
 * human and user are human; assistant, claude, model, ai and bot are the
 * assistant; system and tool are ignored; anything else is ROLE_UNKNOWN. */
role_kind labels_parse_role(const char *s, size_t len);

typedef enum label_status {
    LABEL_OK = 0,
    LABEL_EMPTY,    /* nothing but blanks */
    LABEL_UNKNOWN,  /* neither a label of the scale nor a number */
    LABEL_NAN,      /* nan, inf or infinity */
    LABEL_RANGE     /* a number outside the scale's range */
} label_status;

/* The default 5-point scale: very negative .. very positive as -1 .. +1 in
 * steps of 0.5. Its lattice unit (0.5) makes every window sum an integer
 * multiple of 0.5, which the engines exploit. */
#define LABELS_UNIT 0.5
#define LABELS_MIN (-1.0)
#define LABELS_MAX 1.0

/* Parse a sentiment field: a label of the scale after folding (ASCII case,
 * blanks, '-' and '_' removed anywhere: "Very_Negative", " very negative ",
 * "VERY-NEGATIVE" are all very negative), or a decimal number within
 * [LABELS_MIN, LABELS_MAX] taken as the value itself. */
label_status labels_parse_sentiment(const char *s, size_t len, double *value);

#endif
