/* labels.c - roles and sentiment labels: folding, parsing, the label scale. */
#include "labels.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Fold into out (size cap): ASCII lower case, with blanks, '-' and '_'
 * dropped. Returns the folded length, or cap when it does not fit (no label
 * is that long, so the caller treats it as unknown). */
static size_t fold(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '-' || c == '_')
            continue;
        if (n + 1 >= cap)
            return cap;
        out[n++] = (char)tolower(c);
    }
    out[n] = '\0';
    return n;
}

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

role_kind labels_parse_role(const char *s, size_t len)
{
    static const struct {
        const char *name;
        role_kind kind;
    } roles[] = {
        {"human", ROLE_HUMAN},      {"user", ROLE_HUMAN},       {"assistant", ROLE_ASSISTANT},
        {"claude", ROLE_ASSISTANT}, {"model", ROLE_ASSISTANT},  {"ai", ROLE_ASSISTANT},
        {"bot", ROLE_ASSISTANT},    {"system", ROLE_IGNORED},   {"tool", ROLE_IGNORED},
    };
    char buf[16];

    trim(&s, &len);
    if (len == 0 || len >= sizeof buf)
        return ROLE_UNKNOWN;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[len] = '\0';
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(buf, roles[i].name) == 0)
            return roles[i].kind;
    return ROLE_UNKNOWN;
}

label_status labels_parse_sentiment(const char *s, size_t len, double *value)
{
    static const struct {
        const char *name;
        double value;
    } scale[] = {
        {"verynegative", -1.0}, {"negative", -0.5}, {"neutral", 0.0}, {"positive", 0.5}, {"verypositive", 1.0},
    };
    char buf[64];
    size_t n;

    trim(&s, &len);
    if (len == 0)
        return LABEL_EMPTY;
    n = fold(s, len, buf, sizeof buf);
    if (n == sizeof buf)
        return LABEL_UNKNOWN;
    for (size_t i = 0; i < sizeof scale / sizeof scale[0]; i++) {
        if (strcmp(buf, scale[i].name) == 0) {
            *value = scale[i].value;
            return LABEL_OK;
        }
    }
    if (strcmp(buf, "nan") == 0 || strcmp(buf, "+nan") == 0 || strcmp(buf, "-nan") == 0 ||
        strcmp(buf, "inf") == 0 || strcmp(buf, "+inf") == 0 || strcmp(buf, "-inf") == 0 ||
        strcmp(buf, "infinity") == 0 || strcmp(buf, "+infinity") == 0 || strcmp(buf, "-infinity") == 0)
        return LABEL_NAN;

    /* A plain decimal number: digits, one sign, a point, an exponent. Hex
     * floats and other strtod extensions are not labels anyone writes. */
    if (len >= sizeof buf)
        return LABEL_UNKNOWN;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!(isdigit((unsigned char)c) || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E'))
            return LABEL_UNKNOWN;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    {
        char *end;
        double v = strtod(buf, &end);
        if (end != buf + len || end == buf)
            return LABEL_UNKNOWN;
        if (!isfinite(v))
            return LABEL_RANGE;
        if (v < LABELS_MIN || v > LABELS_MAX) {
            *value = v;
            return LABEL_RANGE;
        }
        *value = v == 0.0 ? 0.0 : v; /* -0 reads as 0 */
        return LABEL_OK;
    }
}
