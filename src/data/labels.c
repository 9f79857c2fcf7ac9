/* labels.c - roles and sentiment labels: folding, parsing, label scales. */
#include "data/labels.h"

#include "core/error.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t labels_fold(const char *s, size_t len, char *out, size_t cap)
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

const sentraj_scale *labels_builtin_scale(int points)
{
    static label_entry e3[] = {
        {"negative", "negative", -1.0}, {"neutral", "neutral", 0.0}, {"positive", "positive", 1.0},
    };
    static label_entry e5[] = {
        {"verynegative", "very negative", -1.0}, {"negative", "negative", -0.5}, {"neutral", "neutral", 0.0},
        {"positive", "positive", 0.5},           {"verypositive", "very positive", 1.0},
    };
    /* Thirds as the doubles nearest to them: the lattice of denominator 3
     * finds them exactly (k / 3.0 is what lattice_denom's test computes). */
    static label_entry e7[] = {
        {"verynegative", "very negative", -1.0},
        {"negative", "negative", -2.0 / 3.0},
        {"somewhatnegative", "somewhat negative", -1.0 / 3.0},
        {"neutral", "neutral", 0.0},
        {"somewhatpositive", "somewhat positive", 1.0 / 3.0},
        {"positive", "positive", 2.0 / 3.0},
        {"verypositive", "very positive", 1.0},
    };
    static const sentraj_scale s3 = {3, e3, -1.0, 1.0, 1, 3};
    static const sentraj_scale s5 = {5, e5, -1.0, 1.0, 2, 5};
    static const sentraj_scale s7 = {7, e7, -1.0, 1.0, 3, 7};

    return points == 3 ? &s3 : points == 5 ? &s5 : points == 7 ? &s7 : NULL;
}

const sentraj_scale *labels_default_scale(void)
{
    return labels_builtin_scale(5);
}

sentraj_scale *sentraj_scale_builtin(int points, sentraj_error *err)
{
    const sentraj_scale *sc = labels_builtin_scale(points);

    if (!sc) {
        sentraj_fail(err, SENTRAJ_EUSAGE, "a built-in label scale has 3, 5 or 7 points, not %d", points);
        return NULL;
    }
    /* Built-in scales are constants that sentraj_scale_free leaves alone. */
    return (sentraj_scale *)sc;
}

size_t sentraj_scale_size(const sentraj_scale *sc)
{
    return sc ? sc->n : 0;
}

int sentraj_scale_entry(const sentraj_scale *sc, size_t i, const char **label, double *value)
{
    if (!sc || i >= sc->n)
        return SENTRAJ_EUSAGE;
    *label = sc->entries[i].text;
    *value = sc->entries[i].value;
    return SENTRAJ_OK;
}

int sentraj_scale_points(const sentraj_scale *sc)
{
    return sc ? sc->points : 0;
}

/* A plain decimal number: digits, a sign, a point, an exponent. Hex floats,
 * nan and the other strtod extensions are not labels anyone writes. */
static int parse_decimal(const char *s, size_t len, double *out)
{
    char buf[64];
    char *end;
    if (len == 0 || len >= sizeof buf)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!(isdigit((unsigned char)c) || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E'))
            return 0;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    *out = strtod(buf, &end);
    return end == buf + len;
}

label_status labels_parse_sentiment(const sentraj_scale *scale, const char *s, size_t len, double *value)
{
    char buf[128];
    size_t n;
    double v;

    trim(&s, &len);
    if (len == 0)
        return LABEL_EMPTY;
    n = labels_fold(s, len, buf, sizeof buf);
    if (n < sizeof buf) {
        for (size_t i = 0; i < scale->n; i++) {
            if (strcmp(buf, scale->entries[i].folded) == 0) {
                *value = scale->entries[i].value;
                return LABEL_OK;
            }
        }
        if (strcmp(buf, "nan") == 0 || strcmp(buf, "+nan") == 0 || strcmp(buf, "-nan") == 0 ||
            strcmp(buf, "inf") == 0 || strcmp(buf, "+inf") == 0 || strcmp(buf, "-inf") == 0 ||
            strcmp(buf, "infinity") == 0 || strcmp(buf, "+infinity") == 0 || strcmp(buf, "-infinity") == 0)
            return LABEL_NAN;
    }
    if (!parse_decimal(s, len, &v))
        return LABEL_UNKNOWN;
    if (!isfinite(v) || v < scale->min || v > scale->max) {
        *value = v;
        return LABEL_RANGE;
    }
    *value = v == 0.0 ? 0.0 : v; /* -0 reads as 0 */
    return LABEL_OK;
}

void labels_list(const sentraj_scale *scale, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < scale->n && used + 8 < cap; i++) {
        int k = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", scale->entries[i].text);
        if (k < 0 || (size_t)k >= cap - used) {
            snprintf(out + (cap > 4 ? cap - 4 : 0), cap > 4 ? 4 : cap, "...");
            return;
        }
        used += (size_t)k;
    }
}

int labels_sentiment_error(const sentraj_scale *scale, label_status st, const char *s, size_t len,
                           const char *source, uint64_t line, uint64_t col, sentraj_error *err)
{
    char names[200];
    trim(&s, &len);
    switch (st) {
    case LABEL_EMPTY:
        return sentraj_raise(err, SENTRAJ_EDATA, source, line, col, "human message without a sentiment label");
    case LABEL_NAN:
        return sentraj_raise(err, SENTRAJ_EDATA, source, line, col, "sentiment \"%s\" is not a number in [%g, %g]",
                             sentraj_show(s, len).s, scale->min, scale->max);
    case LABEL_RANGE:
        return sentraj_raise(err, SENTRAJ_EDATA, source, line, col, "sentiment %s is outside [%g, %g]",
                             sentraj_show(s, len).s, scale->min, scale->max);
    default:
        labels_list(scale, names, sizeof names);
        return sentraj_raise(err, SENTRAJ_EDATA, source, line, col,
                             "unknown sentiment label \"%s\" (expected %s, or a number in [%g, %g]; --scale "
                             "sets another label scale)",
                             sentraj_show(s, len).s, names, scale->min, scale->max);
    }
}

/* ---- scale files ----------------------------------------------------------- */

void sentraj_scale_free(sentraj_scale *sc)
{
    if (!sc || sc->points)
        return;
    for (size_t i = 0; i < sc->n; i++) {
        free(sc->entries[i].folded);
        free(sc->entries[i].text);
    }
    free(sc->entries);
    free(sc);
}

/* The smallest denominator Q <= 100000 with every value * Q an integer, or 0.
 * Each value must be k / Q exactly (as the correctly rounded double): a Q
 * that only comes within 1e-9 would move the label itself, and the sums
 * taken on the lattice would stray outside the scale's range. */
static int64_t lattice_denom(const label_entry *e, size_t n)
{
    for (int64_t q = 1; q <= 100000; q++) {
        size_t i;
        for (i = 0; i < n; i++) {
            double x = e[i].value * (double)q;
            if (fabs(x - nearbyint(x)) > 1e-9 * (1 + fabs(x)) || fabs(x) > 1e15 ||
                nearbyint(x) / (double)q != e[i].value)
                break;
        }
        if (i == n)
            return q;
    }
    return 0;
}

/* One "label,value" line of a scale file (l, ll bytes without its line
 * end; not blank, not a comment): its entry added to sc, which has room for
 * *cap. The header "label,value" on line 1 adds nothing. SENTRAJ_OK,
 * SENTRAJ_EDATA or SENTRAJ_ENOMEM. */
static int scale_line(sentraj_scale *sc, size_t *cap, const char *l, size_t ll, uint64_t line, const char *name,
                      sentraj_error *err)
{
    const char *comma = memchr(l, ',', ll), *label = l, *val;
    size_t label_len, val_len;
    char folded[128];
    double v;

    if (!comma)
        return sentraj_raise(err, SENTRAJ_EDATA, name, line, 1, "expected \"label,value\", got \"%s\"",
                             sentraj_show(l, ll).s);
    label_len = (size_t)(comma - l);
    val = comma + 1;
    val_len = ll - label_len - 1;
    trim(&label, &label_len);
    trim(&val, &val_len);
    if (line == 1 && label_len == 5 && strncmp(label, "label", 5) == 0 && val_len == 5 &&
        strncmp(val, "value", 5) == 0)
        return SENTRAJ_OK; /* header */
    if (label_len >= 2 && label[0] == '"' && label[label_len - 1] == '"')
        label++, label_len -= 2;
    if (!parse_decimal(val, val_len, &v) || !isfinite(v))
        return sentraj_raise(err, SENTRAJ_EDATA, name, line, (uint64_t)(val - l) + 1,
                             "value \"%s\" of label \"%s\" is not a number", sentraj_show(val, val_len).s,
                             sentraj_show(label, label_len).s);
    /* Window sums and their differences must stay exact and finite. */
    if (fabs(v) > LABELS_MAX_VALUE)
        return sentraj_raise(err, SENTRAJ_EDATA, name, line, (uint64_t)(val - l) + 1,
                             "value %s of label \"%s\" is outside [-1e12, 1e12]", sentraj_show(val, val_len).s,
                             sentraj_show(label, label_len).s);
    if (labels_fold(label, label_len, folded, sizeof folded) >= sizeof folded || !folded[0])
        return sentraj_raise(err, SENTRAJ_EDATA, name, line, 1, "label \"%s\" is empty or too long",
                             sentraj_show(label, label_len).s);
    for (size_t i = 0; i < sc->n; i++)
        if (strcmp(sc->entries[i].folded, folded) == 0)
            return sentraj_raise(err, SENTRAJ_EDATA, name, line, 1,
                                 "label \"%s\" is the same as \"%s\" once case, spaces, '-' and '_' are ignored",
                                 sentraj_show(label, label_len).s, sc->entries[i].text);
    if (sc->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        label_entry *ne = realloc(sc->entries, nc * sizeof *ne);
        if (!ne)
            return sentraj_nomem(err, "label scale");
        sc->entries = ne;
        *cap = nc;
    }
    sc->entries[sc->n].folded = strdup(folded);
    sc->entries[sc->n].text = strndup(label, label_len);
    sc->entries[sc->n].value = v == 0 ? 0 : v;
    if (!sc->entries[sc->n].folded || !sc->entries[sc->n].text) {
        free(sc->entries[sc->n].folded);
        free(sc->entries[sc->n].text);
        return sentraj_nomem(err, "label scale");
    }
    sc->n++;
    return SENTRAJ_OK;
}

/* The range and lattice of a scale whose entries are in place. */
static void scale_finish(sentraj_scale *sc)
{
    sc->min = sc->max = sc->entries[0].value;
    for (size_t i = 1; i < sc->n; i++) {
        if (sc->entries[i].value < sc->min)
            sc->min = sc->entries[i].value;
        if (sc->entries[i].value > sc->max)
            sc->max = sc->entries[i].value;
    }
    sc->denom = lattice_denom(sc->entries, sc->n);
}

sentraj_scale *labels_scale_new(const char *const *labels, const double *values, size_t n, sentraj_error *err)
{
    sentraj_scale *sc = calloc(1, sizeof *sc);
    char folded[128];

    if (!sc || !(sc->entries = calloc(n ? n : 1, sizeof *sc->entries)))
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        if (labels_fold(labels[i], strlen(labels[i]), folded, sizeof folded) >= sizeof folded || !folded[0]) {
            sentraj_fail(err, SENTRAJ_EDATA, "label \"%s\" is empty or too long", sentraj_show(labels[i], strlen(labels[i])).s);
            goto fail;
        }
        for (size_t j = 0; j < sc->n; j++)
            if (strcmp(sc->entries[j].folded, folded) == 0) {
                sentraj_fail(err, SENTRAJ_EDATA, "label \"%s\" appears twice", sc->entries[j].text);
                goto fail;
            }
        sc->entries[i].folded = strdup(folded);
        sc->entries[i].text = strdup(labels[i]);
        sc->entries[i].value = values[i] == 0 ? 0 : values[i];
        sc->n++;
        if (!sc->entries[i].folded || !sc->entries[i].text)
            goto nomem;
    }
    if (n)
        scale_finish(sc);
    return sc;
nomem:
    sentraj_nomem(err, "label scale");
fail:
    sentraj_scale_free(sc);
    return NULL;
}

sentraj_scale *sentraj_scale_parse(const char *text, size_t len, const char *name, sentraj_error *err)
{
    sentraj_scale *sc = calloc(1, sizeof *sc);
    size_t cap = 0, pos = 0;
    uint64_t line = 0;

    if (!sc)
        return sentraj_nomem(err, "label scale"), NULL;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len) {
        const char *l = text + pos, *nl = memchr(l, '\n', len - pos), *label = l;
        size_t ll = nl ? (size_t)(nl - l) : len - pos, label_len;

        pos += ll + (nl ? 1 : 0);
        line++;
        if (ll && l[ll - 1] == '\r')
            ll--;
        label_len = ll;
        trim(&label, &label_len);
        if (label_len == 0 || label[0] == '#')
            continue;
        if (scale_line(sc, &cap, l, ll, line, name, err) != SENTRAJ_OK)
            goto fail;
    }
    if (sc->n < 2) {
        sentraj_raise(err, SENTRAJ_EDATA, name, line ? line : 1, 0,
                      "a label scale needs at least two \"label,value\" lines, found %zu", sc->n);
        goto fail;
    }
    scale_finish(sc);
    return sc;
fail:
    sentraj_scale_free(sc);
    return NULL;
}
