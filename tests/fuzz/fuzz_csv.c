/* fuzz_csv.c - libFuzzer harness for the CSV reader and everything after it: finish, analyze, reports. */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* The input is the CSV as is, except when its first byte is 0x00 or 0x01:
 * then the rest is compressed here into one gzip member (0x00) or two
 * concatenated members split at the middle (0x01), so the reader's gzip path
 * sees every CSV the fuzzer invents (a NUL first byte is never a valid CSV,
 * so nothing is lost). Raw gzip bytes (1f 8b first) also reach the decoder
 * directly, corrupt streams included. */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

/* Append one gzip member holding src to out (capacity cap, *len used). */
static int gzip_member(const uint8_t *src, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    z_stream z;
    int rc;

    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    z.next_in = (Bytef *)(uintptr_t)src;
    z.avail_in = (uInt)n;
    z.next_out = out + *len;
    z.avail_out = (uInt)(cap - *len);
    rc = deflate(&z, Z_FINISH);
    *len = cap - z.avail_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    size_t len = size;
    uint8_t *gz = NULL;
    sentraj_config cfg;
    sentraj_error err;
    sentraj_dataset *ds;
    int rc;

    if (size >= 1 && data[0] <= 0x01) {
        size_t n = size - 1, half = n / 2, cap = 2 * compressBound((uLong)n) + 64, glen = 0;
        gz = malloc(cap);
        if (!gz)
            return 0;
        if (data[0] == 0x00)
            half = n;
        if (gzip_member(data + 1, half, gz, cap, &glen) != 0 ||
            (half < n && gzip_member(data + 1 + half, n - half, gz, cap, &glen) != 0))
            fuzz_fail("zlib could not compress %zu bytes", n);
        buf = (const char *)gz;
        len = glen;
    }

    fuzz_config(&cfg, fuzz_hash(data, size));
    memset(&err, 0, sizeof err);
    ds = sentraj_dataset_alloc(&cfg, &err);
    if (!ds)
        fuzz_fail("sentraj_dataset_alloc: %s", err.message);
    rc = sentraj_dataset_read_csv_buffer(ds, buf, len, "fuzz.csv", &err);
    fuzz_check_status("sentraj_dataset_read_csv_buffer", rc, &err, 0);
    if (rc == SENTRAJ_OK)
        fuzz_pipeline(ds, &cfg, "fuzz.csv", -1.0, 1.0);
    sentraj_dataset_free(ds);
    free(gz);
    return 0;
}
