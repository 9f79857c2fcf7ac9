/* testing.h - how test knobs stay out of the shipped library. */
#ifndef SENTRAJ_TESTING_H
#define SENTRAJ_TESTING_H

/*
 * A few internal limits (a sort's recursion depth, a reader's chunk size,
 * a table's width) are far too large for a test to reach with small data.
 * The tests lower them through knobs: functions that set a file-local
 * variable. The knobs exist only in the build that defines SENTRAJ_TESTING,
 * the static archive the unit tests link (meson.build); in the shipped
 * library each limit is a constant and no knob is compiled.
 *
 * A knob is declared in its module's header inside #ifdef SENTRAJ_TESTING,
 * and defined next to its variable:
 *
 *     #ifdef SENTRAJ_TESTING
 *     static size_t min_chunk = MIN_CHUNK;
 *     void csv_set_min_chunk(size_t bytes) { min_chunk = bytes ? bytes : MIN_CHUNK; }
 *     #else
 *     #define min_chunk ((size_t)MIN_CHUNK)
 *     #endif
 */

#endif
