/* positions.h - mean sentiment at each position of the conversations: the result object. */
#ifndef SENTRAJ_POSITIONS_H
#define SENTRAJ_POSITIONS_H

#include "sentraj.h"

/* ncat categories ("all" last), each with npos rows in position order:
 * row (c, p) is rows[c * npos + p]. */
struct sentraj_positions {
    sentraj_config cfg;
    sentraj_positions_options po;
    size_t ncat, npos;
    char **names;              /* category names, owned; "all" last */
    sentraj_position_row *rows;
    size_t conversations;      /* conversations used */
    char *cluster_by;          /* owned; NULL without clusters */
    double scale_min, scale_max; /* the label scale's range */
};

#endif
