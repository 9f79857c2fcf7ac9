/* fuzz_common.h - what the libFuzzer harnesses share: setup, a cheap configuration chosen by the input, the pipeline after a read, and the contract checks that turn a broken promise into a crash. */
#ifndef SENTRAJ_FUZZ_COMMON_H
#define SENTRAJ_FUZZ_COMMON_H

#include "sentraj.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One-time setup for LLVMFuzzerInitialize: GSL's aborting error handler off
 * (as the CLI's main() does), a sink for reports opened on /dev/null. */
void fuzz_init(void);

/* FNV-1a of the input: every knob a harness turns is derived from it, so a
 * run is a pure function of its input (libFuzzer needs that to reproduce). */
uint32_t fuzz_hash(const uint8_t *data, size_t size);

/* The cheapest configuration that still reaches every engine and method:
 * 20 resamples, 1 thread, a small exact-engine limit, and (from h) the
 * engine, method, alternative, resampling scheme, window and keep_resamples. */
void fuzz_config(sentraj_config *cfg, uint32_t h);

/* Abort (a finding) unless rc is a documented status and err agrees with it:
 * the same code, a non-empty NUL-terminated message, a NUL-terminated source.
 * Data errors are expected; EIO from a memory buffer and EINTERNAL are not. */
void fuzz_check_status(const char *what, int rc, const sentraj_error *err, int allow_eio);

/* After a successful read: finish the data set, check its counts and
 * trajectories (labels within [lo, hi]), analyze it with cfg, check every row,
 * and write every report to /dev/null. Frees nothing it was given. */
void fuzz_pipeline(sentraj_dataset *ds, const sentraj_config *cfg, const char *input_name, double lo, double hi);

/* Abort unless rows = human + assistant + ignored, conversations = kept +
 * dropped_short and kept_without_category <= kept. */
void fuzz_check_counts(const sentraj_counts *c);

/* Check every row of an analysis (see README.md) against cfg, the counts it
 * came from and the scale's range [lo, hi], and write every report to
 * /dev/null (the deltas reports too when ds is not NULL). */
void fuzz_check_analysis(const sentraj_analysis *a, const sentraj_config *cfg, const sentraj_counts *counts,
                         double lo, double hi, const sentraj_dataset *ds, const char *input_name);

/* The /dev/null stream opened by fuzz_init. */
FILE *fuzz_sink(void);

/* Split data at each occurrence of sep into at most max parts (the last part
 * keeps any further separators). Returns the number of parts (>= 1). */
typedef struct fuzz_part {
    const char *p;
    size_t n;
} fuzz_part;
size_t fuzz_split(const uint8_t *data, size_t size, const char *sep, fuzz_part *parts, size_t max);

/* Report a broken contract and abort: the only output a harness makes. */
void fuzz_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

#endif
