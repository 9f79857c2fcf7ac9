/* simulate.c - synthetic labelled conversations with a known per-category drift. */
#include "core/error.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/*
 * The model is specified in docs/simulate.md, formula by formula and draw by
 * draw; this file implements exactly that page, so change both together. In
 * short: every conversation picks one or two categories, a heavy-tailed
 * number h of human messages and a base mood b; human message i of h has the
 * expected label mu_i = clamp(b + drift * i / (h - 1), -1, 1), and its label
 * is drawn from a distribution on the 5-point scale whose mean is exactly
 * mu_i. Because the means are known, the expected delta of every kept
 * conversation is known exactly, and that is what the truth file reports.
 *
 * Only IEEE-exact operations (+, -, *, /, sqrt, floor) touch the random
 * numbers, so a configuration produces the same bytes on every platform with
 * IEEE doubles, not just on the machine that wrote the fixture.
 */

/* Internal entry points shared with tests/test_simulate.c, which repeats
 * these prototypes; they are not part of the public API and are hidden in
 * the shared library. */
void sentraj_sim_label_pmf(double mu, double p[5]);
double sentraj_sim_expected_delta(double base, double drift, size_t h, size_t window);

enum {
    NCAT = 4,
    SHORT_LIMIT = 6,   /* "short" means fewer than this many human messages */
    MAX_HUMAN = 1000   /* the length distribution's tail is cut here */
};

/* The four categories in table order (the order of the draws), their mix
 * weights and their drifts: the expected change of the label mean from the
 * first to the last human message. */
static const char *const cat_name[NCAT] = {"coaching", "counseling", "companionship", "interpersonal advice"};
static const double cat_weight[NCAT] = {0.30, 0.25, 0.15, 0.30};
static const double cat_drift[NCAT] = {0.20, 0.25, 0.10, 0.15};

/* The table indexes in bytewise name order, for the truth file. */
static const int cat_sorted[NCAT] = {0, 2, 1, 3};

/* Noise share of the label distribution (see sentraj_sim_label_pmf). */
static const double label_noise = 0.3;

/* Lomax (Pareto II) tail of the long conversations: P(X >= x) = (1 + x/scale)^-2.
 * The shape is 2 so that the inverse needs only a square root. */
static const double tail_scale = 12.0;

/* Users (sim->users > 0): conversation k belongs to user floor(users * u^2)
 * for one uniform u of the users' generator, so user j's share of the
 * conversations is sqrt((j + 1) / users) - sqrt(j / users): a few heavy
 * users, many light ones. User j's effect on the drift is
 * user_effect * sqrt(6) * (u1 + u2 - 1), triangular with mean 0 and
 * standard deviation user_effect, from two uniforms of the stream
 * sentraj_stream_seed(seed, sentraj_hash_name("user effect"), j). The
 * users' draws never touch the conversations' generator, so a simulation
 * with users has the same lengths, moods, categories and label draws as one
 * without. */
static const uint64_t users_stream = 0x7573657273ULL; /* "users" */
static const double max_user_effect = 0.2;

/* Presentation: how often a role or a label is written in a variant form,
 * and how often a human message gets an assistant reply. */
static const double p_role_variant = 0.04;
static const double p_label_variant = 0.05;
static const double p_reply = 0.95;

static const char *const human_role_variant[] = {"user", "Human", "USER", "User"};
static const char *const assistant_role_variant[] = {"Assistant", "claude", "AI", "model", "Bot"};

/* Label spellings: row 0 is the plain form, rows 1..5 the variant styles,
 * columns the scale points -1, -0.5, 0, 0.5, 1. */
enum { LABEL_STYLES = 5 };
static const char *const label_text[1 + LABEL_STYLES][5] = {
    {"very negative", "negative", "neutral", "positive", "very positive"},
    {"VERY NEGATIVE", "NEGATIVE", "NEUTRAL", "POSITIVE", "VERY POSITIVE"},
    {"Very_Negative", "Negative", "Neutral", "Positive", "Very_Positive"},
    {"very-negative", "negative", "neutral", "positive", "very-positive"},
    {" very negative ", " negative", "neutral ", "  positive ", " very positive"},
    {"-1", "-0.5", "0", "0.5", "1"},
};

/* Human messages 1..5 of a short conversation have weights 5:4:3:2:1 out of
 * 15; short_len[k] maps a uniform integer k in [0, 15) to the length. */
static const unsigned char short_len[15] = {1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5};

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* The label distribution with mean exactly mu, on the scale points
 * -1, -0.5, 0, 0.5, 1 (p[0..4]). In half-units x = 2 mu lies in [-2, 2];
 * j = floor(x) (at most 1) and f = x - j. The base distribution a puts 1 - f
 * on j and f on j + 1, so its mean is x. The noise distribution moves the
 * mass of every interior point (-1, 0, 1 in half-units) half one step down
 * and half one step up and leaves the two end points alone: each move is
 * symmetric, so the mean stays x, and nothing leaves the scale. The label
 * distribution is (1 - q) a + q noise(a) with q = label_noise. */
void sentraj_sim_label_pmf(double mu, double p[5])
{
    double a[5] = {0, 0, 0, 0, 0};
    double x = 2.0 * clamp(mu, -1.0, 1.0);
    double j = floor(x);
    int k, lo;

    if (j > 1.0)
        j = 1.0;
    lo = (int)j + 2;
    a[lo] = 1.0 - (x - j);
    a[lo + 1] = x - j;
    for (k = 0; k < 5; k++)
        p[k] = (1.0 - label_noise) * a[k];
    p[0] += label_noise * a[0];
    p[4] += label_noise * a[4];
    for (k = 1; k < 4; k++) {
        p[k - 1] += 0.5 * label_noise * a[k];
        p[k + 1] += 0.5 * label_noise * a[k];
    }
}

static double expected_label(double base, double drift, size_t i, size_t h)
{
    if (h < 2)
        return clamp(base, -1.0, 1.0);
    return clamp(base + drift * (double)i / (double)(h - 1), -1.0, 1.0);
}

/* The expected delta of a conversation of h >= window human messages: the
 * mean of mu_i over the last `window` messages minus the mean over the first
 * `window`. With no clamping this is drift * (h - window) / (h - 1). */
double sentraj_sim_expected_delta(double base, double drift, size_t h, size_t window)
{
    double first = 0.0, last = 0.0;
    size_t i;

    for (i = 0; i < window; i++) {
        first += expected_label(base, drift, i, h);
        last += expected_label(base, drift, h - window + i, h);
    }
    return (last - first) / (double)window;
}

/* Draw an index from the probabilities w[0..n-1] (summing to total) by
 * inversion of one uniform. A zero-probability index is never returned. */
static int draw_index(sentraj_pcg32 *r, const double *w, int n, double total)
{
    double u = sentraj_pcg32_uniform(r) * total, cum = 0.0;
    int k, last = 0;

    for (k = 0; k < n; k++) {
        if (w[k] <= 0.0)
            continue;
        cum += w[k];
        last = k;
        if (u < cum)
            return k;
    }
    return last; /* u landed in the rounding gap above the final sum */
}

/* Human messages in a conversation: with probability short_share uniformly
 * weighted 5:4:3:2:1 on 1..5, otherwise 6 + floor(X) with X Lomax(2, 12)
 * drawn by inversion, X = 12 (1/sqrt(1 - u) - 1), cut at MAX_HUMAN. */
static size_t draw_length(sentraj_pcg32 *r, double short_share)
{
    double x;

    if (sentraj_pcg32_uniform(r) < short_share)
        return short_len[sentraj_pcg32_bounded_fast(r, 15)];
    x = tail_scale * (1.0 / sqrt(1.0 - sentraj_pcg32_uniform(r)) - 1.0);
    if (x >= (double)(MAX_HUMAN - SHORT_LIMIT))
        return MAX_HUMAN;
    return SHORT_LIMIT + (size_t)floor(x);
}

/* Writing: a failed write is remembered with its errno and stops further
 * output, so the caller checks once per row. */
typedef struct writer {
    FILE *f;
    int failed;
    int errnum;
} writer;

static void put(writer *w, const char *s)
{
    if (w->failed)
        return;
    if (fputs(s, w->f) == EOF) {
        w->failed = 1;
        w->errnum = errno;
    }
}

/* One CSV field, quoted per RFC 4180 only when it holds a comma, a quote or
 * a line break. */
static void put_field(writer *w, const char *s)
{
    const char *c;

    if (!strpbrk(s, ",\"\r\n")) {
        put(w, s);
        return;
    }
    put(w, "\"");
    for (c = s; *c && !w->failed; c++) {
        if (*c == '"')
            put(w, "\"\"");
        else if (fputc(*c, w->f) == EOF) {
            w->failed = 1;
            w->errnum = errno;
        }
    }
    put(w, "\"");
}

static void put_row(writer *w, const char *id, unsigned long long index, const char *role,
                    const char *sentiment, const char *categories, const char *user)
{
    char num[24];

    snprintf(num, sizeof num, "%llu", index);
    put_field(w, id);
    put(w, ",");
    put(w, num);
    put(w, ",");
    put_field(w, role);
    put(w, ",");
    put_field(w, sentiment);
    put(w, ",");
    put_field(w, categories);
    if (user) {
        put(w, ",");
        put_field(w, user);
    }
    put(w, "\n");
}

/* Flush and look at the stream's error flag: stdio may hold a failed write
 * in its buffer until now. */
static int finish(writer *w, const char *name, sentraj_error *err)
{
    if (!w->failed && fflush(w->f) == EOF) {
        w->failed = 1;
        w->errnum = errno;
    }
    if (!w->failed && ferror(w->f)) {
        w->failed = 1;
        w->errnum = 0;
    }
    if (w->failed)
        return sentraj_raise(err, SENTRAJ_EIO, name ? name : "", 0, 0, "cannot write: %s",
                             w->errnum ? strerror(w->errnum) : "stream error");
    return SENTRAJ_OK;
}

static int check_share(double x, const char *what, sentraj_error *err)
{
    if (!(x >= 0.0 && x <= 1.0))
        return sentraj_fail(err, SENTRAJ_EUSAGE, "%s must be in [0, 1], got %g", what, x);
    return SENTRAJ_OK;
}

static int check_config(FILE *f, FILE *truth, const sentraj_simulate_options *sim, const sentraj_config *cfg_filter,
                        sentraj_error *err)
{
    int rc;

    if (!f || !sim)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "simulate needs an output stream and a configuration");
    if (sim->conversations == 0)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the number of conversations to simulate must be at least 1");
    if ((rc = check_share(sim->multi_category, "the multi-category share", err)) != SENTRAJ_OK)
        return rc;
    if ((rc = check_share(sim->short_share, "the short-conversation share", err)) != SENTRAJ_OK)
        return rc;
    if (!(sim->user_effect >= 0.0 && sim->user_effect <= max_user_effect))
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the user effect must be in [0, %g] (larger ones would push expected labels past the "
                            "scale's ends), got %g",
                            max_user_effect, sim->user_effect);
    if (sim->user_effect > 0.0 && sim->users == 0)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "a user effect needs users (set the number of users)");
    if (!truth)
        return SENTRAJ_OK;
    if (!cfg_filter)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the truth file needs a filter configuration");
    if (cfg_filter->window == 0)
        return sentraj_fail(err, SENTRAJ_EUSAGE, "the window must be at least 1");
    if (cfg_filter->min_human < cfg_filter->window)
        return sentraj_fail(err, SENTRAJ_EUSAGE,
                            "the minimum of human messages (%zu) must be at least the window (%zu)",
                            cfg_filter->min_human, cfg_filter->window);
    return SENTRAJ_OK;
}

/* Running sums of the truth: per category in table order, and "all". */
typedef struct truth_sums {
    double sum[NCAT];
    unsigned long long n[NCAT];
    double all_sum;
    unsigned long long all_n;
} truth_sums;

static int write_truth(FILE *truth, const char *truth_name, const truth_sums *t, const sentraj_simulate_options *sim,
                       const sentraj_config *cfg_filter, sentraj_error *err)
{
    writer w = {truth, 0, 0};
    char line[128];
    int k;

    put(&w, sim->users ? "category,conversations,true_mean_delta,population_mean_delta\n"
                       : "category,conversations,true_mean_delta\n");
    for (k = 0; k <= NCAT; k++) {
        int c = k < NCAT ? cat_sorted[k] : -1;
        unsigned long long n = c >= 0 ? t->n[c] : t->all_n;
        double sum = c >= 0 ? t->sum[c] : t->all_sum;
        if (c >= 0 && n == 0)
            continue; /* a category with no kept conversation has nothing to estimate */
        put_field(&w, c >= 0 ? cat_name[c] : "all");
        snprintf(line, sizeof line, ",%llu,%.17g", n, n ? sum / (double)n : NAN);
        put(&w, line);
        if (sim->users) {
            snprintf(line, sizeof line, ",%.17g",
                     sentraj_simulate_population_delta(sim, c >= 0 ? cat_name[c] : NULL, cfg_filter->min_human,
                                                  cfg_filter->window));
            put(&w, line);
        }
        put(&w, "\n");
    }
    return finish(&w, truth_name, err);
}

/* P(h = j) of the length distribution (docs/simulate.md, step 3-4). */
static double length_prob(size_t j, double short_share)
{
    double lo, hi;

    if (j < 1 || j > MAX_HUMAN)
        return 0.0;
    if (j < SHORT_LIMIT)
        return short_share * (double)(SHORT_LIMIT - j) / 15.0;
    /* Long: h = 6 + floor(X) with P(X >= x) = (1 + x / 12)^-2, capped at 1000. */
    lo = (double)(j - SHORT_LIMIT);
    hi = lo + 1.0;
    if (j == MAX_HUMAN)
        return (1.0 - short_share) / ((1.0 + lo / tail_scale) * (1.0 + lo / tail_scale));
    return (1.0 - short_share) * (1.0 / ((1.0 + lo / tail_scale) * (1.0 + lo / tail_scale)) -
                                  1.0 / ((1.0 + hi / tail_scale) * (1.0 + hi / tail_scale)));
}

double sentraj_simulate_population_delta(const sentraj_simulate_options *sim, const char *category, size_t min_human,
                                    size_t window)
{
    double q = sim->multi_category, mass = 0.0, dsum = 0.0, pk = 0.0, gk = 0.0;
    int c = -1;

    if (window < 1 || min_human < 2 * window)
        return NAN;
    if (category && strcmp(category, "all") != 0) {
        for (int k = 0; k < NCAT; k++)
            if (strcmp(category, cat_name[k]) == 0)
                c = k;
        if (c < 0)
            return NAN;
    }
    /* E[drift | the conversation carries c]: over the first category a and
     * (with probability q) the second b, drawn as in step 1; user effects
     * have mean 0 and, with no clamping, enter the delta linearly. */
    for (int a = 0; a < NCAT; a++) {
        double pa = cat_weight[a];
        if (c < 0 || a == c) {
            mass += pa * (1.0 - q);
            dsum += pa * (1.0 - q) * cat_drift[a];
        }
        for (int b = 0; b < NCAT; b++) {
            double pab = b == a ? 0.0 : pa * q * cat_weight[b] / (1.0 - cat_weight[a]);
            if (c < 0 || a == c || b == c) {
                mass += pab;
                dsum += pab * 0.5 * (cat_drift[a] + cat_drift[b]);
            }
        }
    }
    /* E[(h - w) / (h - 1) | h >= min_human]: the expected delta of a
     * conversation of h messages is its drift times this (step 4, the truth
     * file), and h does not depend on the categories. */
    for (size_t j = min_human; j <= MAX_HUMAN; j++) {
        double p = length_prob(j, sim->short_share);
        pk += p;
        gk += p * (double)(j - window) / (double)(j - 1);
    }
    if (!(mass > 0.0) || !(pk > 0.0))
        return NAN;
    return dsum / mass * (gk / pk);
}

void sentraj_simulate_options_init(sentraj_simulate_options *c)
{
    memset(c, 0, sizeof *c);
    c->conversations = 3000;
    c->seed = 1;
    c->multi_category = 0.15;
    c->short_share = 0.55;
    c->users = 0;
    c->user_effect = 0.0;
}

int sentraj_simulate_write_csv(FILE *f, const char *name, FILE *truth, const char *truth_name,
                               const sentraj_simulate_options *sim, const sentraj_config *cfg_filter,
                               sentraj_error *err)
{
    /* "simulate" in ASCII: the stream of the simulator, so a simulation
     * seeded like a bootstrap run does not replay its draws. */
    static const uint64_t stream = 0x73696d756c617465ULL;
    writer w = {f, 0, 0};
    truth_sums t;
    sentraj_pcg32 r, ru;
    unsigned long long conv;
    unsigned long long rest_digits;
    int width = 1, uwidth = 1, rc;
    uint64_t effect_hash = sentraj_hash_name("user effect", 11);

    if ((rc = check_config(f, truth, sim, cfg_filter, err)) != SENTRAJ_OK)
        return rc;
    memset(&t, 0, sizeof t);
    sentraj_pcg32_seed(&r, sim->seed, stream);

    /* Ids are zero-padded to one width for the whole file, so that a bytewise
     * sort keeps the generation order. */
    for (rest_digits = sim->conversations / 10; rest_digits; rest_digits /= 10)
        width++;
    if (width < 6)
        width = 6;
    sentraj_pcg32_seed(&ru, sim->seed, users_stream);
    for (rest_digits = sim->users / 10; rest_digits; rest_digits /= 10)
        uwidth++;
    if (uwidth < 6)
        uwidth = 6;

    put(&w, sim->users ? "conversation_id,message_index,role,sentiment,categories,user_id\n"
                       : "conversation_id,message_index,role,sentiment,categories\n");
    for (conv = 1; conv <= sim->conversations && !w.failed; conv++) {
        char id[32], cats[64], user[32];
        double rest[NCAT], drift, base, p[5];
        int c1, c2 = -1;
        size_t h, i;
        unsigned long long index = 0;

        snprintf(id, sizeof id, "c%0*llu", width, conv);

        /* Categories: the first from the mix weights, a second one (with
         * probability multi_category) from the other three, reweighted. */
        c1 = draw_index(&r, cat_weight, NCAT, 1.0);
        memcpy(rest, cat_weight, sizeof rest);
        rest[c1] = 0.0;
        if (sentraj_pcg32_uniform(&r) < sim->multi_category)
            c2 = draw_index(&r, rest, NCAT, 1.0 - cat_weight[c1]);
        if (c2 < 0) {
            snprintf(cats, sizeof cats, "%s", cat_name[c1]);
            drift = cat_drift[c1];
        } else {
            const char *a = cat_name[c1], *b = cat_name[c2];
            if (strcmp(a, b) > 0) {
                a = cat_name[c2];
                b = cat_name[c1];
            }
            snprintf(cats, sizeof cats, "%s;%s", a, b);
            drift = 0.5 * (cat_drift[c1] + cat_drift[c2]);
        }

        h = draw_length(&r, sim->short_share);

        if (sim->users) {
            /* The user (a few heavy, many light) and the user's effect on the drift. */
            double u = sentraj_pcg32_uniform(&ru), e;
            uint64_t j = (uint64_t)floor((double)sim->users * u * u);
            sentraj_pcg32 re;
            if (j >= sim->users)
                j = sim->users - 1;
            snprintf(user, sizeof user, "u%0*llu", uwidth, (unsigned long long)j + 1);
            sentraj_stream_seed(&re, sim->seed, effect_hash, j);
            e = sentraj_pcg32_uniform(&re);
            e = sim->user_effect * sqrt(6.0) * (e + sentraj_pcg32_uniform(&re) - 1.0);
            drift += e;
        }

        /* Base mood: triangular on [-0.6, 0.2] with its mode at -0.2, the
         * mean of two uniforms rescaled. */
        base = sentraj_pcg32_uniform(&r);
        base = -0.6 + 0.4 * (base + sentraj_pcg32_uniform(&r));

        for (i = 0; i < h && !w.failed; i++) {
            const char *role = "human";
            int label, style = 0;

            sentraj_sim_label_pmf(expected_label(base, drift, i, h), p);
            label = draw_index(&r, p, 5, 1.0);
            if (sentraj_pcg32_uniform(&r) < p_role_variant)
                role = human_role_variant[sentraj_pcg32_bounded_fast(&r, 4)];
            if (sentraj_pcg32_uniform(&r) < p_label_variant)
                style = 1 + (int)sentraj_pcg32_bounded_fast(&r, LABEL_STYLES);
            put_row(&w, id, index++, role, label_text[style][label], cats, sim->users ? user : NULL);

            if (sentraj_pcg32_uniform(&r) < p_reply) {
                role = "assistant";
                if (sentraj_pcg32_uniform(&r) < p_role_variant)
                    role = assistant_role_variant[sentraj_pcg32_bounded_fast(&r, 5)];
                put_row(&w, id, index++, role, "", cats, sim->users ? user : NULL);
            }
        }

        if (truth && h >= cfg_filter->min_human) {
            double d = sentraj_sim_expected_delta(base, drift, h, cfg_filter->window);
            t.sum[c1] += d;
            t.n[c1]++;
            if (c2 >= 0) {
                t.sum[c2] += d;
                t.n[c2]++;
            }
            t.all_sum += d;
            t.all_n++;
        }
    }
    if ((rc = finish(&w, name, err)) != SENTRAJ_OK)
        return rc;
    if (truth)
        return write_truth(truth, truth_name, &t, sim, cfg_filter, err);
    return SENTRAJ_OK;
}
