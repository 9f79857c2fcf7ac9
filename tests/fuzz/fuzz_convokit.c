/* fuzz_convokit.c - libFuzzer harness for the ConvoKit corpus reader: the input becomes a corpus directory. */
#include "fuzz_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The input is split at lines "@@@@" into up to three files of a corpus
 * directory, written afresh for every input:
 *
 *     #!role_key=role label_key=sentiment      optional options line
 *     {"id": "u0", "conversation_id": "c1", "speaker": "human", ...}
 *     ...                                      -> utterances.jsonl
 *     @@@@
 *     {"c1": {"meta": {"categories": ["coaching"]}}}
 *                                              -> conversations.json (absent without a first "@@@@")
 *     @@@@
 *     speaker,role
 *     u_42,human                               -> roles.csv, given as speaker_roles (absent without a second "@@@@")
 *
 * The options line sets role_key, label_key and category_key (a value of
 * "-" means NULL), and format=auto reads the directory with the format left
 * to detection instead of SENTRAJ_INPUT_CONVOKIT. Without role_key and
 * without roles.csv the speaker id is the role. */

#define SEP "\n@@@@\n"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[4096], utt_path[4200], conv_path[4200], roles_path[4200];

static void cleanup(void)
{
    unlink(utt_path);
    unlink(conv_path);
    unlink(roles_path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");
    (void)argc;
    (void)argv;
    fuzz_init();
    snprintf(dir, sizeof dir, "%s/sentraj-fuzz-convokit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        fuzz_fail("mkdtemp %s: %s", dir, strerror(errno));
    snprintf(utt_path, sizeof utt_path, "%s/utterances.jsonl", dir);
    snprintf(conv_path, sizeof conv_path, "%s/conversations.json", dir);
    snprintf(roles_path, sizeof roles_path, "%s/roles.csv", dir);
    atexit(cleanup);
    return 0;
}

static void write_file(const char *path, const char *s, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        fuzz_fail("cannot create %s: %s", path, strerror(errno));
    while (n > 0) {
        ssize_t k = write(fd, s, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            fuzz_fail("cannot write %s: %s", path, strerror(errno));
        s += k;
        n -= (size_t)k;
    }
    if (close(fd) != 0)
        fuzz_fail("cannot close %s: %s", path, strerror(errno));
}

/* Options from a first line "#!key=value key=value ...". The values are
 * copied into store (NUL-terminated) and pointed to from o. */
static size_t options_line(const char *s, size_t n, sentraj_input_options *o, char *store, size_t cap)
{
    const char *nl, *p, *end;
    size_t line, used = 0;

    if (n < 2 || s[0] != '#' || s[1] != '!')
        return 0;
    nl = memchr(s, '\n', n);
    line = nl ? (size_t)(nl - s) : n;
    p = s + 2;
    end = s + line;
    while (p < end) {
        const char *w = p, *eq;
        size_t wl;
        while (p < end && *p != ' ')
            p++;
        wl = (size_t)(p - w);
        while (p < end && *p == ' ')
            p++;
        eq = memchr(w, '=', wl);
        if (!eq || used + wl + 1 > cap)
            continue;
        {
            size_t kl = (size_t)(eq - w), vl = wl - kl - 1;
            char *v = store + used;
            memcpy(v, eq + 1, vl);
            v[vl] = '\0';
            used += vl + 1;
            if (strcmp(v, "-") == 0)
                v = NULL;
            if (kl == 8 && memcmp(w, "role_key", 8) == 0)
                o->role_key = v;
            else if (kl == 9 && memcmp(w, "label_key", 9) == 0)
                o->label_key = v;
            else if (kl == 12 && memcmp(w, "category_key", 12) == 0)
                o->category_key = v;
            else if (kl == 6 && memcmp(w, "format", 6) == 0 && v && strcmp(v, "auto") == 0)
                o->format = SENTRAJ_INPUT_AUTO;
        }
    }
    return nl ? line + 1 : line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_part parts[3];
    size_t np, skip;
    char store[512];
    sentraj_config cfg;
    sentraj_input_options o;
    sentraj_error err;
    sentraj_dataset *ds;
    int rc;

    sentraj_input_options_init(&o);
    o.format = SENTRAJ_INPUT_CONVOKIT;
    skip = options_line((const char *)data, size, &o, store, sizeof store);
    np = fuzz_split(data + skip, size - skip, SEP, parts, 3);

    write_file(utt_path, parts[0].p, parts[0].n);
    if (np >= 2)
        write_file(conv_path, parts[1].p, parts[1].n);
    else
        unlink(conv_path);
    if (np >= 3) {
        write_file(roles_path, parts[2].p, parts[2].n);
        o.speaker_roles = roles_path;
    } else {
        unlink(roles_path);
    }

    fuzz_config(&cfg, fuzz_hash(data, size));
    memset(&err, 0, sizeof err);
    ds = sentraj_dataset_alloc(&cfg, &err);
    if (!ds)
        fuzz_fail("sentraj_dataset_alloc: %s", err.message);
    rc = sentraj_dataset_set_input(ds, &o, &err);
    /* An empty key name is a usage error, not a finding. */
    fuzz_check_status("sentraj_dataset_set_input", rc, &err, 0);
    if (rc == SENTRAJ_OK) {
        rc = sentraj_dataset_read(ds, dir, &err);
        fuzz_check_status("sentraj_dataset_read (ConvoKit)", rc, &err, 1);
        if (rc == SENTRAJ_OK)
            fuzz_pipeline(ds, &cfg, dir, -1.0, 1.0);
    }
    sentraj_dataset_free(ds);
    return 0;
}
