/* test_positions.c - mean sentiment by position: against an independent computation, by hand, reports, figure, errors. */
#include "tap.h"

#include "data/dataset.h"
#include "analyses/positions.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <sentraj.h>
#include <stdlib.h>
#include <string.h>

static const char *fixtures = "fixtures";

/* Read CSV text into a finished data set that keeps every label. */
static sentraj_dataset *load(const char *text, const char *cluster, int keep, size_t min_human, size_t window,
                             sentraj_error *err)
{
    sentraj_config cfg;
    sentraj_input_options in;
    sentraj_dataset *ds;

    sentraj_config_init(&cfg);
    cfg.min_human = min_human;
    cfg.window = window;
    ds = sentraj_dataset_alloc(&cfg, err);
    sentraj_input_options_init(&in);
    in.col_cluster = cluster;
    in.keep_labels = keep;
    if (!ds || sentraj_dataset_set_input(ds, &in, err) != SENTRAJ_OK ||
        sentraj_dataset_read_csv_buffer(ds, text, strlen(text), "p.csv", err) != SENTRAJ_OK ||
        sentraj_dataset_finish(ds, err) != SENTRAJ_OK) {
        sentraj_dataset_free(ds);
        return NULL;
    }
    return ds;
}

static char *csv_of(const sentraj_positions *p)
{
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    sentraj_positions_write_csv(f, "out", p, NULL);
    fclose(f);
    return out;
}

/* ---- against an independent computation ------------------------------------------ */

enum { NCONV = 150, MAXLEN = 20, P = 12, K = 4 };
static const char *const cat_names[3] = {"alpha", "beta", "gamma"};

typedef struct gconv {
    int len;
    int q[MAXLEN]; /* labels in half-points, -2..2 */
    int cats;      /* bit mask of cat_names */
    int user;
} gconv;

static gconv gen[NCONV];

/* Random conversations, written as CSV with message indexes of stride 3,
 * assistant rows in between, and the rows in a scrambled order. */
static char *generate(unsigned scramble, int with_user)
{
    sentraj_pcg32 r;
    size_t cap = 1 << 20, len = 0, nrows = 0;
    char *out = malloc(cap), **rows = malloc(NCONV * 2 * MAXLEN * sizeof *rows);
    static const char *const labels[5] = {"very negative", "negative", "neutral", "positive", "very positive"};

    sentraj_pcg32_seed(&r, 2026, 7);
    for (int c = 0; c < NCONV; c++) {
        gconv *g = &gen[c];
        g->len = 1 + (int)sentraj_pcg32_bounded(&r, MAXLEN);
        g->cats = (int)sentraj_pcg32_bounded(&r, 8);
        g->user = (int)sentraj_pcg32_bounded(&r, 20);
        for (int i = 0; i < g->len; i++)
            g->q[i] = (int)sentraj_pcg32_bounded(&r, 5) - 2 + (i > 8 && sentraj_pcg32_bounded(&r, 3) == 0);
        for (int i = 0; i < g->len; i++)
            if (g->q[i] > 2)
                g->q[i] = 2;
        for (int i = 0; i < g->len; i++) {
            char cats[64] = "", *row;
            for (int k = 0; k < 3; k++)
                if (g->cats & (1 << k))
                    snprintf(cats + strlen(cats), sizeof cats - strlen(cats), "%s%s", *cats ? ";" : "",
                             cat_names[k]);
            row = malloc(128);
            snprintf(row, 128, "k%03d,%d,human,%s,\"%s\",u%d", c, 3 * i + 1, labels[g->q[i] + 2], cats, g->user);
            rows[nrows++] = row;
            row = malloc(128);
            snprintf(row, 128, "k%03d,%d,assistant,,\"%s\",u%d", c, 3 * i + 2, cats, g->user);
            rows[nrows++] = row;
        }
    }
    len = (size_t)snprintf(out, cap, "conversation_id,message_index,role,sentiment,categories%s\n",
                           with_user ? ",user_id" : ",extra");
    for (size_t i = 0; i < nrows; i++) {
        /* A permutation of the rows (scramble is odd, so coprime with 2^k
         * and with nrows when nrows is odd; else fall back to the identity). */
        size_t j = scramble && nrows % 2 ? (i * scramble) % nrows : i;
        len += (size_t)snprintf(out + len, cap - len, "%s\n", rows[j]);
    }
    for (size_t i = 0; i < nrows; i++)
        free(rows[i]);
    free(rows);
    return out;
}

static void test_independent(void)
{
    char *text = generate(0, 1), *text2 = generate(7919, 1);
    sentraj_error err;
    sentraj_dataset *ds = load(text, NULL, 1, 6, 3, &err), *ds2 = load(text2, NULL, 1, 6, 3, &err);
    sentraj_config cfg;
    sentraj_positions_options po;

    if (!tap_ok(ds && ds2, "positions/independent/reads"))
        goto out;
    sentraj_config_init(&cfg);
    cfg.resamples = 300;
    for (int all = 0; all < 2; all++) {
        for (int bins = 0; bins < 2; bins++) {
            sentraj_positions *p, *p2;
            int ok_n = 1, ok_mean = 1, same = 1;
            size_t used = 0;
            sentraj_positions_options_init(&po);
            po.max_position = P;
            po.bins = bins ? K : 0;
            po.all_conversations = all;
            p = sentraj_positions_compute(ds, &cfg, &po, &err);
            p2 = sentraj_positions_compute(ds2, &cfg, &po, &err);
            if (!tap_ok(p && p2 && sentraj_positions_rows(p) == 4 * (size_t)(bins ? K : P),
                        "positions/independent/%s/%s/computes", all ? "all" : "kept", bins ? "bins" : "positions")) {
                sentraj_positions_free(p);
                sentraj_positions_free(p2);
                continue;
            }
            for (int c = 0; c < NCONV; c++)
                used += gen[c].len >= (all ? 1 : 6);
            for (size_t ci = 0; ci < 4; ci++) {
                size_t npos = bins ? K : P;
                for (size_t q = 0; q < npos; q++) {
                    const sentraj_position_row *r = sentraj_positions_row(p, ci * npos + q);
                    long long ysum = 0;
                    double bsum = 0;
                    size_t n = 0;
                    for (int c = 0; c < NCONV; c++) {
                        const gconv *g = &gen[c];
                        if (g->len < (all ? 1 : 6) || (ci < 3 && !(g->cats & (1 << ci))))
                            continue;
                        if (!bins) {
                            if (g->len > (int)q) {
                                ysum += g->q[q];
                                n++;
                            }
                        } else {
                            /* Message i of h in bin floor(i K / h). */
                            int s = 0, k = 0;
                            for (int i = 0; i < g->len; i++)
                                if ((size_t)(i * K / g->len) == q)
                                    s += g->q[i], k++;
                            if (k) {
                                bsum += (double)s / k;
                                n++;
                            }
                        }
                    }
                    ok_n &= r->conversations == n && r->position == q + 1 &&
                            strcmp(r->category, ci < 3 ? cat_names[ci] : "all") == 0;
                    if (n == 0)
                        ok_mean &= isnan(r->mean);
                    else if (!bins)
                        ok_mean &= r->mean == (double)ysum / (2.0 * (double)n);
                    else
                        ok_mean &= fabs(r->mean - bsum / (2.0 * (double)n)) <= 1e-14;
                }
            }
            tap_ok(ok_n, "positions/independent/%s/%s/conversations", all ? "all" : "kept", bins ? "bins" : "positions");
            tap_ok(ok_mean, "positions/independent/%s/%s/means", all ? "all" : "kept", bins ? "bins" : "positions");
            tap_eq_u64(sentraj_positions_conversations(p), used, all ? "positions/independent/used-all"
                                                                      : "positions/independent/used-kept");
            for (size_t i = 0; i < sentraj_positions_rows(p); i++) {
                const sentraj_position_row *a = sentraj_positions_row(p, i), *b = sentraj_positions_row(p2, i);
                same &= a->conversations == b->conversations && memcmp(&a->mean, &b->mean, 4 * sizeof(double)) == 0 &&
                        a->status == b->status;
            }
            tap_ok(same, "positions/independent/%s/%s/row-order-invariant", all ? "all" : "kept",
                   bins ? "bins" : "positions");
            sentraj_positions_free(p);
            sentraj_positions_free(p2);
        }
    }
    /* Threads do not change a byte; neither does clustering by the id. */
    {
        sentraj_positions *p1, *p3, *pc;
        sentraj_dataset *dsc = NULL;
        char *c1, *c3, *cc;
        sentraj_positions_options_init(&po);
        cfg.method = SENTRAJ_METHOD_BCA;
        cfg.threads = 1;
        p1 = sentraj_positions_compute(ds, &cfg, &po, &err);
        cfg.threads = 3;
        p3 = sentraj_positions_compute(ds, &cfg, &po, &err);
        c1 = csv_of(p1);
        c3 = csv_of(p3);
        tap_ok(strcmp(c1, c3) == 0, "positions/threads-1-and-3-identical");
        {
            sentraj_config c2;
            sentraj_input_options in;
            sentraj_config_init(&c2);
            dsc = sentraj_dataset_alloc(&c2, &err);
            sentraj_input_options_init(&in);
            in.col_cluster = "conversation_id";
            in.keep_labels = 1;
            sentraj_dataset_set_input(dsc, &in, &err);
            sentraj_dataset_read_csv_buffer(dsc, text, strlen(text), "p.csv", &err);
            sentraj_dataset_finish(dsc, &err);
        }
        pc = sentraj_positions_compute(dsc, &cfg, &po, &err);
        cc = csv_of(pc);
        tap_ok(strcmp(c1, cc) == 0, "positions/cluster-by-conversation-id-is-the-conversation-bootstrap");
        tap_eq_str(sentraj_positions_cluster_by(pc), "conversation_id", "positions/cluster-by");
        tap_ok(sentraj_positions_cluster_by(p1) == NULL, "positions/no-cluster-by");
        free(c1);
        free(c3);
        free(cc);
        sentraj_positions_free(p1);
        sentraj_positions_free(p3);
        sentraj_positions_free(pc);
        sentraj_dataset_free(dsc);
    }
    /* The multinomial engine and every method run and keep the estimate. */
    for (int m = 0; m <= SENTRAJ_METHOD_STUDENTIZED; m++) {
        sentraj_positions *p;
        int ok = 1;
        sentraj_positions_options_init(&po);
        cfg.method = (sentraj_method)m;
        cfg.engine = m % 2 ? SENTRAJ_ENGINE_MULTINOMIAL : SENTRAJ_ENGINE_INDEX;
        cfg.threads = 0;
        p = sentraj_positions_compute(ds, &cfg, &po, &err);
        for (size_t i = 0; p && i < sentraj_positions_rows(p); i++) {
            const sentraj_position_row *r = sentraj_positions_row(p, i);
            if (r->status == SENTRAJ_CI_OK)
                ok &= r->ci_low <= r->ci_high && isfinite(r->ci_low) && r->se > 0 && r->engine == cfg.engine;
        }
        tap_ok(p && ok, "positions/method/%s/%s", sentraj_method_name(cfg.method), sentraj_engine_name(cfg.engine));
        sentraj_positions_free(p);
    }
out:
    sentraj_dataset_free(ds);
    sentraj_dataset_free(ds2);
    free(text);
    free(text2);
}

/* ---- by hand ------------------------------------------------------------------------ */

static const char hand_csv[] =
    "conversation_id,message_index,role,sentiment,categories,user_id\n"
    "x,0,human,very positive,a,u1\nx,1,human,very positive,a,u1\nx,2,human,very positive,a,u1\n"
    "x,3,human,very positive,a,u1\nx,4,human,very positive,a,u1\nx,5,human,very positive,a,u1\n"
    "x,6,human,very positive,a,u1\n"
    "y,0,human,neutral,a,u1\ny,1,human,neutral,a,u1\ny,2,human,neutral,a,u1\ny,3,human,neutral,a,u1\n"
    "y,4,human,neutral,a,u1\ny,5,assistant,,a,u1\ny,6,human,neutral,a,u1\n"
    "z,0,human,very negative,b,u2\nz,1,human,very negative,b,u2\nz,2,human,very negative,b,u2\n"
    "z,3,human,very negative,b,u2\nz,4,human,very negative,b,u2\nz,5,human,very negative,b,u2\n"
    "v,0,human,neutral,c,u3\nv,1,human,neutral,c,u3\nv,2,human,neutral,c,u3\nv,3,human,neutral,c,u3\n"
    "v,4,human,neutral,c,u3\nv,5,human,neutral,c,u3\n"
    "w,0,human,neutral,c,u3\nw,1,human,neutral,c,u3\nw,2,human,neutral,c,u3\nw,3,human,neutral,c,u3\n"
    "w,4,human,neutral,c,u3\nw,5,human,neutral,c,u3\n"
    "s,0,human,positive,a,u4\ns,1,human,positive,a,u4\n";

static void test_by_hand(void)
{
    sentraj_error err;
    sentraj_dataset *ds = load(hand_csv, NULL, 1, 6, 3, &err);
    sentraj_config cfg;
    sentraj_positions_options po;
    sentraj_positions *p;
    char *csv;

    sentraj_config_init(&cfg);
    cfg.resamples = 4000;
    sentraj_positions_options_init(&po);
    po.max_position = 7;
    p = ds ? sentraj_positions_compute(ds, &cfg, &po, &err) : NULL;
    if (!tap_ok(p != NULL, "positions/hand/computes")) {
        sentraj_dataset_free(ds);
        return;
    }
    /* a: x (all 1) and y (all 0) at 1..6; the resampled means 1, 0.5, 0 with
     * probabilities 1/4, 1/2, 1/4, so [0, 1]; position 7 only x: too_few.
     * b: z alone: too_few; nothing at 7. c: v and w all 0: degenerate.
     * all: 1, 0, -1, 0, 0 at 1..6 (-1/5 .. 1 bounds: P(-1 x5... ) see below). */
    csv = csv_of(p);
    /* Two conversations are far fewer than the default 30: status small. */
    tap_ok(strstr(csv, "category,position,conversations,mean,ci_low,ci_high,status\na,1,2,0.5,0,1,small\n") != NULL,
           "positions/hand/a-1");
    tap_ok(strstr(csv, "a,6,2,0.5,0,1,small\na,7,1,1,,,too_few\nb,1,1,-1,,,too_few\n") != NULL,
           "positions/hand/a-7-too-few-b-1-too-few");
    tap_ok(strstr(csv, "b,7,0,,,,too_few\nc,1,2,0,0,0,degenerate\n") != NULL, "positions/hand/b-7-empty-c-degenerate");
    {
        const sentraj_position_row *c1 = sentraj_positions_row(p, 2 * 7), *b7 = sentraj_positions_row(p, 13);
        const sentraj_position_row *a1 = sentraj_positions_row(p, 0), *a6 = sentraj_positions_row(p, 5);
        tap_ok(c1->status == SENTRAJ_CI_DEGENERATE && c1->se == 0, "positions/hand/degenerate-status");
        tap_ok(b7->status == SENTRAJ_CI_TOO_FEW && b7->conversations == 0 && isnan(b7->mean) && isnan(b7->se),
               "positions/hand/empty-position");
        /* Positions of one conversation move together: x and y carry the same
         * label at every position, so positions 1..6 of a see the same
         * resamples, and their intervals and se are identical. */
        tap_ok(memcmp(&a1->ci_low, &a6->ci_low, 3 * sizeof(double)) == 0 &&
                   memcmp(&sentraj_positions_row(p, 2)->se, &a1->se, sizeof(double)) == 0,
               "positions/hand/positions-move-together");
        tap_near(a1->se, 0.5 / sqrt(2.0), 0.02, "positions/hand/a-se");
    }
    free(csv);
    sentraj_positions_free(p);

    /* With --all-conversations s (two labels) counts at 1 and 2. */
    po.all_conversations = 1;
    p = sentraj_positions_compute(ds, &cfg, &po, &err);
    tap_ok(p && sentraj_positions_row(p, 0)->conversations == 3 && sentraj_positions_row(p, 2)->conversations == 2 &&
               sentraj_positions_conversations(p) == 6,
           "positions/hand/all-conversations");
    sentraj_positions_free(p);

    /* Bins: x has 7 labels -> bins of 3, 2, 2; s (2 labels) in bins 1 and 2 only. */
    po.bins = 3;
    p = sentraj_positions_compute(ds, &cfg, &po, &err);
    tap_ok(p && sentraj_positions_count(p) == 3 && sentraj_positions_row(p, 0)->conversations == 3 &&
               sentraj_positions_row(p, 1)->conversations == 3 && sentraj_positions_row(p, 2)->conversations == 2,
           "positions/hand/bins-short-conversation-skips-empty-bin");
    tap_near(sentraj_positions_row(p, 1)->mean, (1 + 0 + 0.5) / 3, 1e-15, "positions/hand/bins-mean");
    sentraj_positions_free(p);
    sentraj_dataset_free(ds);

    /* Clusters: u1 = {x, y}, u2 = {z}: at position 1 of all the units are
     * (1 + 0, 2 conversations), (-1, 1), (0 + 0, 2) for u3: ... see the
     * interval check of a below instead: a has one cluster (u1): too_few. */
    ds = load(hand_csv, "user_id", 1, 6, 3, &err);
    po.bins = 0;
    po.all_conversations = 0;
    p = ds ? sentraj_positions_compute(ds, &cfg, &po, &err) : NULL;
    tap_ok(p && sentraj_positions_row(p, 0)->status == SENTRAJ_CI_TOO_FEW && sentraj_positions_row(p, 0)->clusters == 1 &&
               sentraj_positions_row(p, 0)->conversations == 2 && sentraj_positions_row(p, 0)->mean == 0.5,
           "positions/hand/one-cluster-too-few");
    /* all at 1: u1 (1, 2), u2 (-1, 1), u3 (0, 2): 27 resamples of 3 users. */
    if (p) {
        const sentraj_position_row *r = sentraj_positions_row(p, 3 * 7);
        tap_ok(r->clusters == 3 && r->conversations == 5 && r->mean == 0 && r->ci_low == -1 && r->ci_high == 0.5,
               "positions/hand/clusters-all-interval [%g, %g]", r->ci_low, r->ci_high);
    }
    sentraj_positions_free(p);
    sentraj_dataset_free(ds);
}

/* ---- reports and figure ------------------------------------------------------------- */

static int write_to(int kind, const sentraj_positions *p, const sentraj_figure_options *o, char **out, size_t *n,
                    sentraj_error *err)
{
    FILE *f = open_memstream(out, n);
    int rc;
    switch (kind) {
    case 0:
        rc = sentraj_positions_write_png(f, "f.png", p, o, err);
        break;
    case 1:
        rc = sentraj_positions_write_svg(f, "f.svg", p, o, err);
        break;
    default:
        rc = sentraj_positions_write_pdf(f, "f.pdf", p, o, err);
        break;
    }
    fclose(f);
    return rc;
}

static void test_reports(void)
{
    char path[1024];
    sentraj_config cfg;
    sentraj_input_options in;
    sentraj_dataset *ds;
    sentraj_positions_options po;
    sentraj_positions *p;
    sentraj_error err;
    FILE *full = fopen("/dev/full", "w");

    snprintf(path, sizeof path, "%s/conversations.csv", fixtures);
    sentraj_config_init(&cfg);
    cfg.resamples = 200;
    ds = sentraj_dataset_alloc(&cfg, &err);
    sentraj_input_options_init(&in);
    in.keep_labels = 1;
    sentraj_dataset_set_input(ds, &in, &err);
    if (!tap_ok(sentraj_dataset_read(ds, path, &err) == SENTRAJ_OK && sentraj_dataset_finish(ds, &err) == SENTRAJ_OK,
                "positions/fixture/reads")) {
        sentraj_dataset_free(ds);
        return;
    }
    {
        /* keep_labels changes nothing else: the deltas are the same. */
        sentraj_dataset *plain = sentraj_dataset_alloc(&cfg, &err);
        int same;
        sentraj_dataset_read(plain, path, &err);
        sentraj_dataset_finish(plain, &err);
        same = sentraj_dataset_kept(plain) == sentraj_dataset_kept(ds) &&
               memcmp(sentraj_dataset_counts(plain), sentraj_dataset_counts(ds), sizeof(sentraj_counts)) == 0;
        for (size_t i = 0; same && i < sentraj_dataset_kept(ds); i++) {
            sentraj_trajectory a, b;
            sentraj_dataset_trajectory(plain, i, &a);
            sentraj_dataset_trajectory(ds, i, &b);
            same = strcmp(a.conversation_id, b.conversation_id) == 0 && a.delta == b.delta &&
                   a.mean_first == b.mean_first && a.human_messages == b.human_messages;
        }
        tap_ok(same, "positions/keep-labels-keeps-the-deltas");
        sentraj_dataset_free(plain);
    }
    sentraj_positions_options_init(&po);
    p = sentraj_positions_compute(ds, &cfg, &po, &err);
    if (!tap_ok(p && sentraj_positions_rows(p) == 50, "positions/fixture/computes")) {
        sentraj_positions_free(p);
        sentraj_dataset_free(ds);
        return;
    }
    tap_ok(sentraj_positions_config(p)->resamples == 200 && sentraj_positions_options_get(p)->max_position == 10,
           "positions/accessors");
    tap_ok(sentraj_positions_row(p, 50) == NULL, "positions/row-out-of-range");
    {
        char *out = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&out, &n);
        sentraj_counts c = *sentraj_dataset_counts(ds);
        const char *inputs[1] = {"conversations.csv"};
        sentraj_run_info info;
        sentraj_run_info_init(&info);
        info.command = "positions";
        info.inputs = inputs;
        info.ninputs = 1;
        info.counts = &c;
        sentraj_positions_write_json(f, "j", p, &info, &err);
        fclose(f);
        tap_ok(strstr(out, "\"command\": \"positions\"") && strstr(out, "\"max_position\": 10") &&
                   strstr(out, "\"cluster_by\": null") && strstr(out, "\"used\": 1371") &&
                   strstr(out, "{\"category\": \"all\", \"position\": 10, \"conversations\": 767, \"clusters\": null"),
               "positions/json");
        free(out);
        out = NULL;
        f = open_memstream(&out, &n);
        sentraj_positions_write_table(f, "t", p, &err);
        fclose(f);
        static const char head[] = "category              position  conversations      mean";
        tap_ok(strncmp(out, head, strlen(head)) == 0 &&
                   strstr(out, "percentile interval (two-sided), 200 resamples of conversations, seed 42\n"),
               "positions/table");
        free(out);
    }
    if (full) {
        tap_ok(sentraj_positions_write_csv(full, "full", p, &err) == SENTRAJ_EIO && strcmp(err.source, "full") == 0,
               "positions/csv/io-error");
        clearerr(full);
        tap_ok(sentraj_positions_write_json(full, "full", p, NULL, &err) == SENTRAJ_EIO, "positions/json/io-error");
        clearerr(full);
        tap_ok(sentraj_positions_write_table(full, "full", p, &err) == SENTRAJ_EIO, "positions/table/io-error");
        clearerr(full);
    }
    {
        static const char *const names[3] = {"png", "svg", "pdf"};
        static const char *const magic[3] = {"\x89PNG", "<?xml", "%PDF-"};
        for (int k = 0; k < 3; k++) {
            char *a = NULL, *b = NULL;
            size_t na = 0, nb = 0;
            int ra = write_to(k, p, NULL, &a, &na, &err), rb = write_to(k, p, NULL, &b, &nb, &err);
            tap_ok(ra == SENTRAJ_OK && rb == SENTRAJ_OK && na > 1000 && memcmp(a, magic[k], strlen(magic[k])) == 0,
                   "positions/figure/%s/writes", names[k]);
            /* cairo numbers SVG ids per process: compare SVGs across runs (cli tests). */
            if (k != 1)
                tap_ok(na == nb && memcmp(a, b, na) == 0, "positions/figure/%s/deterministic", names[k]);
            if (full) {
                tap_ok((k == 0 ? sentraj_positions_write_png
                        : k == 1 ? sentraj_positions_write_svg
                                 : sentraj_positions_write_pdf)(full, "full", p, NULL, &err) == SENTRAJ_EIO,
                       "positions/figure/%s/io-error", names[k]);
                clearerr(full);
            }
            free(a);
            free(b);
        }
    }
    {
        sentraj_figure_options fo;
        static const char *const order[2] = {"all", "coaching"};
        static const char *const bad[2] = {"all", "therapy"};
        sentraj_figure_label labels[1] = {{"coaching", "Coaching"}};
        char *a = NULL;
        size_t na = 0;
        sentraj_figure_options_init(&fo);
        fo.order = order;
        fo.norder = 2;
        fo.labels = labels;
        fo.nlabels = 1;
        fo.dpi = 144;
        tap_ok(write_to(0, p, &fo, &a, &na, &err) == SENTRAJ_OK && na > 24 &&
                   memcmp(a + 16, "\x00\x00\x07\x08\x00\x00\x04\x60", 8) == 0,
               "positions/figure/order-labels-dpi (1800 x 1120)");
        free(a);
        fo.order = bad;
        tap_ok(sentraj_positions_check_figure(p, &fo, &err) == SENTRAJ_EUSAGE &&
                   strstr(err.message, "figure order: category not in the data: \"therapy\""),
               "positions/figure/unknown-order");
        tap_ok(sentraj_positions_check_figure(NULL, &fo, &err) == SENTRAJ_OK, "positions/figure/check-without-data");
        fo.order = order;
        fo.width = 50;
        tap_ok(sentraj_positions_check_figure(p, &fo, &err) == SENTRAJ_EUSAGE && strstr(err.message, "figure size"),
               "positions/figure/bad-size");
        tap_ok(sentraj_positions_write_svg(stdout, "x", NULL, NULL, &err) == SENTRAJ_EUSAGE,
               "positions/figure/no-positions");
        tap_ok(sentraj_positions_write_svg(NULL, "x", p, NULL, &err) == SENTRAJ_EUSAGE,
               "positions/figure/no-stream");
    }
    sentraj_positions_free(p);
    cfg.alternative = SENTRAJ_LESS;
    p = sentraj_positions_compute(ds, &cfg, &po, &err);
    tap_ok(p && sentraj_positions_row(p, 0)->ci_low == -INFINITY, "positions/one-sided");
    tap_ok(p && sentraj_positions_check_figure(p, NULL, &err) == SENTRAJ_EUSAGE && strstr(err.message, "two-sided"),
           "positions/figure/one-sided-refused");
    {
        char *c = p ? csv_of(p) : NULL;
        tap_ok(c && strstr(c, "\ncoaching,1,434,-0.20622119815668202,-inf,"), "positions/csv/one-sided-inf");
        free(c);
    }
    sentraj_positions_free(p);
    /* Many positions: the figure labels every 5th or so and still draws. */
    cfg.alternative = SENTRAJ_TWO_SIDED;
    po.max_position = 200;
    p = sentraj_positions_compute(ds, &cfg, &po, &err);
    {
        char *a = NULL;
        size_t na = 0;
        tap_ok(p && write_to(1, p, NULL, &a, &na, &err) == SENTRAJ_OK, "positions/figure/many-positions");
        free(a);
    }
    sentraj_positions_free(p);
    sentraj_dataset_free(ds);
    if (full)
        fclose(full);
}

static void test_errors(void)
{
    sentraj_error err;
    sentraj_dataset *ds = load(hand_csv, NULL, 0, 6, 3, &err), *dk = load(hand_csv, NULL, 1, 6, 3, &err);
    sentraj_config cfg;
    sentraj_positions_options po;
    sentraj_positions *p;

    sentraj_config_init(&cfg);
    sentraj_positions_options_init(&po);
    p = sentraj_positions_compute(ds, &cfg, &po, &err);
    tap_ok(!p && err.code == SENTRAJ_EUSAGE && strstr(err.message, "keep_labels"), "positions/error/no-keep-labels");
    cfg.engine = SENTRAJ_ENGINE_EXACT;
    p = sentraj_positions_compute(dk, &cfg, &po, &err);
    tap_ok(!p && err.code == SENTRAJ_EUSAGE && strstr(err.message, "exact engine"), "positions/error/exact-engine");
    cfg.engine = SENTRAJ_ENGINE_AUTO;
    po.max_position = 0;
    p = sentraj_positions_compute(dk, &cfg, &po, &err);
    tap_ok(!p && err.code == SENTRAJ_EUSAGE && strstr(err.message, "max_position"), "positions/error/max-position-0");
    po.max_position = 10001;
    p = sentraj_positions_compute(dk, &cfg, &po, &err);
    tap_ok(!p && err.code == SENTRAJ_EUSAGE, "positions/error/max-position-too-large");
    po.max_position = 10;
    po.bins = 1001;
    p = sentraj_positions_compute(dk, &cfg, &po, &err);
    tap_ok(!p && err.code == SENTRAJ_EUSAGE && strstr(err.message, "bins"), "positions/error/bins-too-many");
    po.bins = 0;
    po.max_position = 10000;
    cfg.resamples = 100000;
    p = sentraj_positions_compute(dk, &cfg, &po, &err);
    tap_ok(!p && err.code == SENTRAJ_ELIMIT && strstr(err.message, "fewer resamples or positions"),
           "positions/error/limit");
    cfg.resamples = 1000;
    po.max_position = 10;
    cfg.min_human = 8;
    p = sentraj_positions_compute(dk, &cfg, &po, &err);
    tap_ok(!p && err.code == SENTRAJ_EUSAGE && strstr(err.message, "must match"), "positions/error/config-mismatch");
    cfg.min_human = 6;
    cfg.level = 2;
    p = sentraj_positions_compute(dk, &cfg, &po, &err);
    tap_ok(!p && err.code == SENTRAJ_EUSAGE, "positions/error/bad-config");
    sentraj_positions_free(NULL);
    sentraj_dataset_free(ds);
    sentraj_dataset_free(dk);
    {
        /* Not finished. */
        sentraj_config c;
        sentraj_input_options in;
        sentraj_dataset *d;
        sentraj_config_init(&c);
        d = sentraj_dataset_alloc(&c, &err);
        sentraj_input_options_init(&in);
        in.keep_labels = 1;
        sentraj_dataset_set_input(d, &in, &err);
        p = sentraj_positions_compute(d, &c, &po, &err);
        tap_ok(!p && err.code == SENTRAJ_EUSAGE && strstr(err.message, "finished"), "positions/error/not-finished");
        sentraj_dataset_free(d);
    }
    {
        /* keep_labels still finds duplicate message indexes. */
        sentraj_dataset *d = load("conversation_id,message_index,role,sentiment\nc,0,human,neutral\n"
                                  "c,1,human,neutral\nc,1,human,neutral\n",
                                  NULL, 1, 6, 3, &err);
        tap_ok(!d && err.code == SENTRAJ_EDATA && err.line == 4 && strstr(err.message, "duplicate message_index 1"),
               "positions/keep-labels/duplicate-index");
    }
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc > 1)
        fixtures = argv[1];
    test_independent();
    test_by_hand();
    test_reports();
    test_errors();
    return tap_done();
}
