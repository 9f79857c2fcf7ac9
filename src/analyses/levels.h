/* levels.h - sentiment levels: a window's mean binned to the nearest label of the scale. */
#ifndef SENTRAJ_LEVELS_H
#define SENTRAJ_LEVELS_H

#include "sentraj.h"

#include "data/dataset.h"

/*
 * The starting level of a conversation is its first window's mean, and its
 * ending level its last window's, each binned to the nearest label of the
 * scale. A mean exactly halfway between two labels goes to the one nearer
 * the scale's neutral point, the middle of its range ((lowest + highest) /
 * 2, neutral 0 on the default scale): with window 2 on the default scale a
 * mean of 0.25 is neutral, -0.75 negative. Labels sharing a value are one
 * level, named by the first of them in the scale. On a lattice every
 * comparison is of exact integers.
 */
typedef struct levels {
    size_t n;         /* levels, by ascending value */
    double *value;
    int64_t *lq;      /* lattice: value * denom */
    char **name;      /* the label text, owned */
    int64_t denom;    /* the data set's lattice denominator; 0: compare doubles */
} levels;

/* The levels of scale (NULL: the built-in 5-point scale) for the data set
 * ds, which must have been read with it. Returns SENTRAJ_OK, SENTRAJ_EUSAGE
 * (a scale whose lattice is not the data set's) or SENTRAJ_ENOMEM. */
int levels_init(levels *L, const sentraj_scale *scale, const sentraj_dataset *ds, sentraj_error *err);
void levels_free(levels *L);

/* The level of a window of `window` labels with sum q / denom (lattice)
 * or sum (doubles). */
size_t levels_of_window(const levels *L, int64_t q, double sum, size_t window);

/* Conversation k's starting and ending levels. */
size_t levels_start(const levels *L, const sentraj_dataset *ds, const kept_conv *k, size_t window);
size_t levels_end(const levels *L, const sentraj_dataset *ds, const kept_conv *k, size_t window);

#endif
