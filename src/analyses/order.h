/* order.h - the order of a result's rows: natural, by name, by value, or as listed; "all" last. */
#ifndef SENTRAJ_ORDER_H
#define SENTRAJ_ORDER_H

#include "sentraj.h"

/* Put a's rows (and their names and draws) in the order of its config:
 * natural, bytewise by name, or by estimate (largest first, rows without
 * one last, ties in natural order); "all" stays last. Rows are independent
 * (each has the streams of its name), so ordering after the bootstrap
 * changes nothing else. Returns SENTRAJ_OK or SENTRAJ_ENOMEM. */
int analysis_order(sentraj_analysis *a, sentraj_error *err);

/* The same for positions: categories in order, each with its positions;
 * by value means by the mean of the category's position means. */
int positions_order(sentraj_positions *p, sentraj_error *err);

#endif
