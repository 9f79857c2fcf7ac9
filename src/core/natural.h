/* natural.h - natural order of names: runs of digits compare as numbers. */
#ifndef SENTRAJ_NATURAL_H
#define SENTRAJ_NATURAL_H

/* Compare a and b as people sort names: bytewise, except that two runs of
 * decimal digits at the same place compare by their numeric value (any
 * length: no overflow), so "episode 2" < "episode 10". Names equal in that
 * order (e.g. "7" and "007") fall back to bytewise order, so the order is
 * total and the same on every machine. Returns < 0, 0 or > 0. */
int natural_cmp(const char *a, const char *b);

#endif
