/* test_escape.c - the one rule for input shown on a terminal or in a message. */
#include "tap.h"

#include "core/error.h"
#include "core/escape.h"

#include <sentraj.h>

#include <stdlib.h>
#include <string.h>

/* in (n bytes) escapes to want; name the case. Expected strings are written
 * by hand from the rule in sentraj.h. */
static void is(const char *in, size_t n, const char *want, const char *name)
{
    char out[256];
    size_t len = sentraj_escape(out, sizeof out, in, n);
    if (!tap_ok(strcmp(out, want) == 0 && len == strlen(want), "escape/%s", name))
        tap_diag("got \"%s\" (%zu), want \"%s\"", out, len, want);
}

#define IS(lit, want, name) is(lit, sizeof lit - 1, want, name)

static void classes(void)
{
    IS("plain text, with punctuation: ~!@#$%^&*()_+{}|:<>?", "plain text, with punctuation: ~!@#$%^&*()_+{}|:<>?",
       "printable-ascii-unchanged");
    IS("a\\b", "a\\b", "backslash-stays");
    IS("a\nb\rc\td", "a\\nb\\rc\\td", "newline-return-tab");
    IS("\x1b[2J", "\\x1b[2J", "esc-clear-screen");
    IS("bell\x07", "bell\\x07", "bel");
    IS("a\0b", "a\\x00b", "nul-inside");
    IS("\x01\x1f", "\\x01\\x1f", "c0-ends");
    IS("del\x7f", "del\\x7f", "del");
    IS("\xc2\x80", "\\u0080", "c1-first");
    IS("\xc2\x9b" "2J", "\\u009b2J", "c1-csi");
    IS("\xc2\x9f", "\\u009f", "c1-last");
    IS("\xc2\xa0", "\xc2\xa0", "nbsp-after-c1-unchanged");
    IS("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad",
       "utf8-2-3-4-bytes-unchanged");
    IS("\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029", "line-paragraph-separators");
    IS("\xe2\x80\xaa\xe2\x80\xae", "\\u202a\\u202e", "bidi-embedding-override");
    IS("\xe2\x81\xa6\xe2\x81\xa9", "\\u2066\\u2069", "bidi-isolates");
    IS("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u200e\\u200f\\u061c", "bidi-marks");
    IS("\xe2\x80\x8d", "\xe2\x80\x8d", "zero-width-joiner-unchanged");
    IS("\x80", "\\x80", "stray-continuation");
    IS("\xc0\x80", "\\xc0\\x80", "overlong-nul");
    IS("\xc1\xbf", "\\xc1\\xbf", "overlong-2-byte");
    IS("\xe0\x80\xaf", "\\xe0\\x80\\xaf", "overlong-3-byte");
    IS("\xf0\x8f\xbf\xbf", "\\xf0\\x8f\\xbf\\xbf", "overlong-4-byte");
    IS("\xed\xa0\x80", "\\xed\\xa0\\x80", "surrogate");
    IS("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", "past-10ffff");
    IS("\xf5\xff", "\\xf5\\xff", "never-valid-bytes");
    IS("ab\xe2\x82", "ab\\xe2\\x82", "cut-sequence-at-end");
    IS("\xe2\x82x", "\\xe2\\x82x", "cut-sequence-then-ascii");
    IS("\xc3\xc3\xa9", "\\xc3\xc3\xa9", "lead-byte-then-character");
}

static void bounds(void)
{
    char out[8];
    size_t len;

    /* Room for "ab" and the NUL only: the escape after them is not cut. */
    len = sentraj_escape(out, 4, "ab\x1b", 3);
    tap_ok(strcmp(out, "ab") == 0 && len == 6, "escape/bounds/escape-never-cut");
    len = sentraj_escape(out, sizeof out, "abc", 3);
    tap_ok(strcmp(out, "abc") == 0 && len == 3, "escape/bounds/fits");
    len = sentraj_escape(NULL, 0, "\xc2\x9b", 2);
    tap_ok(len == 6, "escape/bounds/length-only");
    len = sentraj_escape(out, 1, "x", 1);
    tap_ok(out[0] == '\0' && len == 1, "escape/bounds/cap-1");
    tap_ok(escape_len("a\x1b") == 5, "escape/len");
}

/* sentraj_show: at most 60 bytes of input, not cutting a character, then
 * "...". */
static void show(void)
{
    char in[80];
    sentraj_shown s;

    memset(in, 'x', sizeof in);
    s = sentraj_show(in, sizeof in);
    tap_ok(strlen(s.s) == 63 && strcmp(s.s + 60, "...") == 0, "escape/show/60-bytes-then-dots");
    /* A 2-byte character at bytes 59-60: cut before it. */
    in[59] = '\xc3';
    in[60] = '\xa9';
    s = sentraj_show(in, sizeof in);
    tap_ok(strlen(s.s) == 62 && memcmp(s.s + 56, "xxx...", 7) == 0, "escape/show/character-not-cut");
    s = sentraj_show("\x1b\x00z", 3);
    tap_ok(strcmp(s.s, "\\x1b\\x00z") == 0, "escape/show/escapes");
}

/* Every error is stored escaped, its source name too. */
static void errors(void)
{
    sentraj_error err;
    sentraj_raise(&err, SENTRAJ_EDATA, "na\x1bme.csv", 3, 4, "bad value \"%s\"", "\x1b]0;title\x07\xc2\x9b");
    tap_ok(strcmp(err.source, "na\\x1bme.csv") == 0, "escape/error/source");
    tap_ok(strcmp(err.message, "bad value \"\\x1b]0;title\\x07\\u009b\"") == 0, "escape/error/message");
}

int main(void)
{
    classes();
    bounds();
    show();
    errors();
    return tap_done();
}
