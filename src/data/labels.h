/* labels.h - roles and sentiment labels: folding, parsing, label scales. */
#ifndef SENTRAJ_LABELS_H
#define SENTRAJ_LABELS_H

#include "sentraj.h"

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

typedef struct label_entry {
    char *folded; /* the label folded (see labels_fold) */
    char *text;   /* as written in the scale file */
    double value;
} label_entry;

/* A label scale: named points with values, the numeric range accepted, and
 * the lattice denominator: every label value times denom is an integer, so
 * window sums of labels are exact integers over denom. The default scale is
 * very negative .. very positive = -1, -0.5, 0, 0.5, 1 with denom 2. */
struct sentraj_scale {
    size_t n;
    label_entry *entries;
    double min, max;
    int64_t denom;
    int points;   /* 3, 5 or 7 for a built-in scale (static; never freed), 0 for one read from a file */
};

/* The largest magnitude a scale value may have, so that sums of labels over
 * windows stay finite and exact to well below a label's unit. */
#define LABELS_MAX_VALUE 1e12

/* The built-in 5-point scale (static; never freed). */
const sentraj_scale *labels_default_scale(void);

/* The built-in scale of 3, 5 or 7 points (static), or NULL:
 *   3: negative, neutral, positive = -1, 0, 1
 *   5: very negative, negative, neutral, positive, very positive = -1 .. 1 by 0.5
 *   7: very negative, negative, somewhat negative, neutral, somewhat
 *      positive, positive, very positive = -1 .. 1 by 1/3 */
const sentraj_scale *labels_builtin_scale(int points);

/* A scale of n labels (as written; folded here) and their values, or NULL
 * with err set (SENTRAJ_EDATA for a label empty once folded or repeated,
 * SENTRAJ_ENOMEM). Its lattice and range are found as for a scale file. */
sentraj_scale *labels_scale_new(const char *const *labels, const double *values, size_t n, sentraj_error *err);

/* Fold into out (size cap): ASCII lower case, with blanks, '-' and '_'
 * dropped. Returns the folded length, or cap when it does not fit. */
size_t labels_fold(const char *s, size_t len, char *out, size_t cap);

/* Parse a sentiment field: a label of the scale after folding ("Very_Negative",
 * " very negative ", "VERY-NEGATIVE" are all very negative), or a decimal
 * number within [scale->min, scale->max] taken as the value itself. */
label_status labels_parse_sentiment(const sentraj_scale *scale, const char *s, size_t len, double *value);

/* Raise the error for a sentiment field that did not parse (st != LABEL_OK):
 * the same wording for every input format. Returns SENTRAJ_EDATA. */
int labels_sentiment_error(const sentraj_scale *scale, label_status st, const char *s, size_t len,
                           const char *source, uint64_t line, uint64_t col, sentraj_error *err);

/* "very negative, negative, ..." (at most cap bytes) for error messages. */
void labels_list(const sentraj_scale *scale, char *out, size_t cap);

#endif
