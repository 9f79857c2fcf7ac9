/* test_cli_table.c - the CLI's option table against itself, every command's --help and the man page, as TAP. */
#include "cli.h"
#include "tap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Usage: test_cli_table MANPAGE
 *
 * The table (src/cli/options.c) decides what each command accepts; the
 * help texts and docs/sentraj.1 are written by hand. This program reads
 * both and says, per command, where they and the table disagree:
 *
 *   help/CMD  the options on CMD's --help option lines ("  -x, --name ARG")
 *             are exactly the table's options for CMD, less those the table
 *             marks unlisted for it; a line "Input options: as for 'sentraj
 *             analyze'" stands for what analyze lists under "Input options:".
 *   man/CMD   the options the man page's OPTIONS section gives CMD are
 *             exactly the table's. An entry (.TP) applies to the commands
 *             of its subsection's opening parenthesis, or of the
 *             parenthesis its text starts with ("(every command but
 *             bench)" and "(sentraj alone)" included), plus those after
 *             "also taken by"; a paragraph ending a subsection with "as
 *             above" gives the options it names to the subsection's
 *             commands. Only bold words count as command names.
 *
 * Both also check that an option is shown with a value exactly when the
 * table gives it one, and with its short letter. */

#define MAX_DOC 160
#define MAX_CMDS 32
#define MAX_LINE 1024

/* An option a text documents for one command. */
typedef struct doc_opt {
    char name[48]; /* the long name, without "--" */
    char letter;   /* the short letter shown with it, or 0 */
    int valued;    /* shown with a value (1) or without (0); -1: only named, in prose */
} doc_opt;

typedef struct doc {
    doc_opt v[MAX_DOC];
    size_t n;
} doc;

static size_t ncommands;

static const doc_opt *doc_find(const doc *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->v[i].name, name) == 0)
            return &d->v[i];
    return NULL;
}

/* Record that d documents --name (len bytes of name); what is known of its
 * letter and value adds to what was known. */
static void doc_add(doc *d, const char *name, size_t len, char letter, int valued)
{
    char key[sizeof d->v[0].name];
    doc_opt *o = NULL;

    snprintf(key, sizeof key, "%.*s", (int)len, name);
    for (size_t i = 0; i < d->n && !o; i++)
        if (strcmp(d->v[i].name, key) == 0)
            o = &d->v[i];
    if (!o) {
        if (d->n == MAX_DOC)
            return;
        o = &d->v[d->n++];
        memset(o, 0, sizeof *o);
        snprintf(o->name, sizeof o->name, "%s", key);
        o->valued = -1;
    }
    if (letter)
        o->letter = letter;
    if (valued >= 0)
        o->valued = valued;
}

static int cmd_index(const char *name, size_t len)
{
    for (size_t i = 0; cli_commands[i]; i++)
        if (strlen(cli_commands[i]->name) == len && strncmp(cli_commands[i]->name, name, len) == 0)
            return (int)i;
    return -1;
}

/* The table's entry named name among those of the command with this bit, or NULL. */
static const cli_option *table_find(unsigned bit, const char *name)
{
    for (size_t i = 0; i < cli_noptions; i++)
        if ((cli_options[i].commands & bit) && strcmp(cli_options[i].name, name) == 0)
            return &cli_options[i];
    return NULL;
}

/* ---- the table on its own ------------------------------------------------------ */

static void check_commands(void)
{
    unsigned all = 0;
    int ok = 1;

    for (ncommands = 0; cli_commands[ncommands]; ncommands++) {
        const cli_command *c = cli_commands[ncommands];
        if (!c->bit || (c->bit & (c->bit - 1)) || (all & c->bit) || !c->help || !c->summary || !c->run) {
            tap_diag("command %s: needs a bit of its own, a help, a summary and a run function", c->name);
            ok = 0;
        }
        if (cli_command_find(c->name) != c) {
            tap_diag("command %s: cli_command_find does not find it", c->name);
            ok = 0;
        }
        all |= c->bit;
    }
    if (all != CMD_ALL) {
        tap_diag("CMD_ALL is %#x, the commands' bits make %#x", CMD_ALL, all);
        ok = 0;
    }
    tap_ok(ok && ncommands <= MAX_CMDS, "table/commands");
}

/* The size the field of each kind must have. */
static int size_fits(const cli_option *o)
{
    switch (o->kind) {
    case CLI_HELP:
    case CLI_CUSTOM:
        return 1;
    case CLI_FLAG:
        return o->size == sizeof(int);
    case CLI_UINT:
        return (o->size == 8 || (o->size == 4 && o->max <= 0x7fffffffu)) && o->min <= o->max;
    case CLI_REAL:
        return o->size == sizeof(double) && o->what && o->lo < o->hi;
    case CLI_ENUM:
        return o->parse != NULL;
    case CLI_CHOICE:
        return o->size == sizeof(const char *) && o->choices && o->choices[0];
    case CLI_STRING:
    case CLI_NAME:
        return o->size == sizeof(const char *);
    case CLI_UINT_LIST:
        return o->size == sizeof(cli_uint_list) && o->min <= o->max;
    case CLI_REPEAT:
        return o->size == sizeof(cli_strings);
    }
    return 0;
}

static void check_entries(void)
{
    int ok = 1;

    for (size_t i = 0; i < cli_noptions; i++) {
        const cli_option *o = &cli_options[i];
        int flag = o->kind == CLI_HELP || o->kind == CLI_FLAG;
        const char *why = !o->commands                        ? "is taken by no command"
                          : (o->commands & ~CMD_ALL) != 0     ? "names a command that does not exist"
                          : (o->unlisted & ~o->commands) != 0 ? "is unlisted for a command that does not take it"
                          : !o->help || !*o->help             ? "has no help"
                          : flag != !o->arg                   ? "has a value name exactly when it takes no value"
                          : o->kind == CLI_CUSTOM && !o->set  ? "has no setter"
                          : o->offset + o->size > sizeof(cli_args) ? "sets a field outside cli_args"
                          : !size_fits(o)                     ? "does not fit its field or lacks its kind's settings"
                                                              : NULL;
        if (why) {
            tap_diag("--%s %s", o->name, why);
            ok = 0;
        }
        for (size_t j = 0; j < i; j++) {
            const cli_option *p = &cli_options[j];
            if (!(o->commands & p->commands))
                continue;
            if (strcmp(o->name, p->name) == 0 || (o->letter && o->letter == p->letter)) {
                tap_diag("--%s and --%s: a command takes both, under one name or letter", p->name, o->name);
                ok = 0;
            }
        }
    }
    tap_ok(ok && cli_noptions <= CLI_MAX_OPTIONS, "table/entries");
}

/* ---- help texts ---------------------------------------------------------------- */

/* The options of one help line "  -x, --name ARG, --other  description":
 * items separated by ", ", each "-x", "--name" or "--name ARG" with ARG in
 * capitals (or digits and capitals separated by '|'), up to the description. */
static void help_options(const char *line, doc *d)
{
    const char *p = line + 2;
    char letter = 0;

    while (*p == '-') {
        if (p[1] != '-') {
            letter = p[1];
            p += 2;
        } else {
            const char *name = p + 2, *v;
            size_t len;
            int valued = 0;
            for (p = name; isalnum((unsigned char)*p) || *p == '-'; p++)
                ;
            len = (size_t)(p - name);
            /* ARG is in capitals, or a choice of digits and capitals ("3|5|7|FILE"). */
            if (p[0] == ' ' && (isupper((unsigned char)p[1]) || isdigit((unsigned char)p[1]))) {
                for (v = p + 1; isupper((unsigned char)*v) || isdigit((unsigned char)*v) || *v == '|'; v++)
                    ;
                if (*v == ',' || *v == ' ' || *v == '\0') {
                    valued = 1;
                    p = v;
                }
            }
            doc_add(d, name, len, letter, valued);
            letter = 0;
        }
        if (p[0] != ',' || p[1] != ' ' || p[2] != '-')
            break;
        p += 2;
    }
}

/* Every option help lists, or with heading (e.g. "Input options:") those
 * listed under that heading only. */
static void help_collect(const char *help, const char *heading, doc *d, int depth)
{
    char line[MAX_LINE], section[MAX_LINE] = "";

    for (const char *p = help; *p;) {
        const char *nl = strchr(p, '\n'), *ref;
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        snprintf(line, sizeof line, "%.*s", (int)len, p);
        p += len + (nl != NULL);

        if (line[0] && line[0] != ' ' && line[strlen(line) - 1] == ':') {
            snprintf(section, sizeof section, "%s", line);
            continue;
        }
        if (line[0] && line[0] != ' ' && (ref = strstr(line, ": as for 'sentraj ")) && depth < 3) {
            /* "Input options: as for 'sentraj analyze' ...": what analyze lists there. */
            char head[MAX_LINE];
            const char *name = ref + strlen(": as for 'sentraj "), *end = strchr(name, '\'');
            int c = end ? cmd_index(name, (size_t)(end - name)) : -1;
            snprintf(head, sizeof head, "%.*s:", (int)(ref - line), line);
            if (c >= 0 && (!heading || strcmp(heading, head) == 0))
                help_collect(cli_commands[c]->help, head, d, depth + 1);
            continue;
        }
        if (!line[0])
            section[0] = '\0';
        if (strncmp(line, "  -", 3) == 0 && (!heading || strcmp(section, heading) == 0))
            help_options(line, d);
    }
}

/* A line to add to a help text for option o, in the usual layout. */
static const char *help_suggestion(const cli_option *o, char *buf, size_t size)
{
    char left[80];
    if (o->letter)
        snprintf(left, sizeof left, "-%c, --%s%s%s", o->letter, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    else
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    snprintf(buf, size, "  %-18s %s", left, o->help);
    return buf;
}

/* The documented options d of command c against the table, with a
 * diagnostic for each difference. where is "--help" or "the man page";
 * with help, the table's unlisted marks count. */
static int compare(const cli_command *c, const doc *d, int help, const char *where)
{
    int ok = 1;
    char buf[200];

    for (size_t i = 0; i < cli_noptions; i++) {
        const cli_option *o = &cli_options[i];
        const doc_opt *got = doc_find(d, o->name);
        int want = (o->commands & c->bit) && !(help && (o->unlisted & c->bit));
        if (!(o->commands & c->bit) && table_find(c->bit, o->name))
            continue; /* another entry of the same name is c's */
        if (want && !got) {
            tap_diag("%s takes --%s, which %s does not list for it%s%s", c->name, o->name, where,
                     help ? ", e.g. " : "", help ? help_suggestion(o, buf, sizeof buf) : "");
            ok = 0;
        } else if (!want && got && (o->commands & c->bit)) {
            tap_diag("%s lists --%s for %s, which the table marks unlisted there", where, o->name, c->name);
            ok = 0;
        } else if (want && got->valued >= 0 && got->valued != (o->arg != NULL)) {
            tap_diag("%s shows --%s for %s %s a value; the table says %s", where, o->name, c->name,
                     got->valued ? "with" : "without", o->arg ? o->arg : "none");
            ok = 0;
        } else if (want && got->letter != o->letter) {
            tap_diag("%s shows --%s for %s with letter '%c'; the table says '%c'", where, o->name, c->name,
                     got->letter ? got->letter : ' ', o->letter ? o->letter : ' ');
            ok = 0;
        }
    }
    for (size_t i = 0; i < d->n; i++) {
        if (!table_find(c->bit, d->v[i].name)) {
            tap_diag("%s lists --%s for %s, which the table does not give it", where, d->v[i].name, c->name);
            ok = 0;
        }
    }
    return ok;
}

static void check_help(void)
{
    for (size_t i = 0; i < ncommands; i++) {
        static doc d;
        d.n = 0;
        help_collect(cli_commands[i]->help, NULL, &d, 0);
        tap_ok(compare(cli_commands[i], &d, 1, "--help"), "help/%s", cli_commands[i]->name);
    }
}

/* ---- the man page ----------------------------------------------------------------- */

/* A word of man page text (or one punctuation character), and whether it
 * is set in bold. */
typedef struct word {
    char text[64];
    int bold;
} word;

typedef struct words {
    word v[2048];
    size_t n;
} words;

static void words_add(words *w, const char *s, size_t len, int bold)
{
    if (w->n < sizeof w->v / sizeof w->v[0]) {
        snprintf(w->v[w->n].text, sizeof w->v[0].text, "%.*s", (int)len, s);
        w->v[w->n++].bold = bold;
    }
}

static int word_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* The words of one macro argument (or text line) set in font `font`
 * ('B' bold, 'I' italic, 'R' roman), with \f font changes, \- dashes and
 * \(xx special characters read as troff does. */
static void arg_words(const char *s, char font, words *w)
{
    char buf[MAX_LINE], fonts[MAX_LINE], cur = font;
    size_t n = 0;

    for (; *s && n + 1 < sizeof buf; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            if (*s == 'f' && s[1]) {
                s++;
                cur = *s == 'P' ? font : *s;
                continue;
            }
            if (*s == '(' && s[1] && s[2]) {
                s += 2;
                fonts[n] = cur, buf[n++] = ' ';
                continue;
            }
            if (*s == '&')
                continue;
            fonts[n] = cur, buf[n++] = *s == 'e' ? '\\' : *s;
            continue;
        }
        fonts[n] = cur, buf[n++] = *s;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        if (word_char(buf[i])) {
            while (j < n && word_char(buf[j]))
                j++;
            words_add(w, buf + i, j - i, fonts[i] == 'B');
            i = j;
        } else {
            if (strchr("(),;.:", buf[i]))
                words_add(w, buf + i, 1, fonts[i] == 'B');
            i++;
        }
    }
}

/* Append the words of one man page line to w. */
static void line_words(const char *line, words *w)
{
    char macro[8] = "", arg[MAX_LINE];
    const char *p = line;
    int i = 0;

    if (*p != '.') {
        arg_words(p, 'R', w);
        return;
    }
    for (p++; *p && *p != ' ' && i < 7; p++)
        macro[i++] = *p;
    macro[i] = '\0';
    for (int k = 0;; k++) {
        size_t n = 0;
        char font;
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (*p == '"') {
            for (p++; *p && *p != '"' && n + 1 < sizeof arg; p++)
                arg[n++] = *p;
            if (*p)
                p++;
        } else {
            for (; *p && *p != ' ' && n + 1 < sizeof arg; p++)
                arg[n++] = *p;
        }
        arg[n] = '\0';
        /* .B bold; .BR and .BI alternate starting bold, .RB and .IB ending bold. */
        if (strcmp(macro, "B") == 0)
            font = 'B';
        else if (strcmp(macro, "BR") == 0 || strcmp(macro, "BI") == 0)
            font = k % 2 == 0 ? 'B' : macro[1];
        else if (strcmp(macro, "RB") == 0 || strcmp(macro, "IB") == 0)
            font = k % 2 == 1 ? 'B' : macro[0];
        else
            font = 'R';
        arg_words(arg, font, w);
    }
}

static int is_macro(const char *line, const char *m)
{
    size_t n = strlen(m);
    return strncmp(line, m, n) == 0 && (line[n] == ' ' || line[n] == '\0');
}

/* The commands named in bold in w[from..to). */
static unsigned bold_commands(const words *w, size_t from, size_t to)
{
    unsigned set = 0;
    for (size_t i = from; i < to; i++) {
        int c = w->v[i].bold ? cmd_index(w->v[i].text, strlen(w->v[i].text)) : -1;
        if (c >= 0)
            set |= cli_commands[c]->bit;
    }
    return set;
}

/* The commands an entry's text gives it: those of the parenthesis it
 * starts with (all but them after "every command but"; none for "(sentraj
 * alone)"), else the subsection's; plus those after "also taken by". */
static unsigned entry_scope(const words *w, unsigned section)
{
    unsigned scope = section;

    if (w->n && strcmp(w->v[0].text, "(") == 0) {
        size_t end = 1;
        int depth = 1, sentraj = 0, but = 0;
        for (; end < w->n && depth; end++) {
            depth += strcmp(w->v[end].text, "(") == 0;
            depth -= strcmp(w->v[end].text, ")") == 0;
            sentraj |= w->v[end].bold && strcmp(w->v[end].text, "sentraj") == 0;
            but |= end >= 2 && strcmp(w->v[end - 2].text, "every") == 0 && strcmp(w->v[end - 1].text, "command") == 0 &&
                   strcmp(w->v[end].text, "but") == 0;
        }
        if (bold_commands(w, 1, end) || sentraj)
            scope = but ? CMD_ALL & ~bold_commands(w, 1, end) : bold_commands(w, 1, end);
    }
    for (size_t i = 2; i < w->n; i++) {
        if (strcmp(w->v[i - 2].text, "also") == 0 && strcmp(w->v[i - 1].text, "taken") == 0 &&
            strcmp(w->v[i].text, "by") == 0) {
            size_t end = i + 1;
            while (end < w->n && strcmp(w->v[end].text, ")") != 0 && strcmp(w->v[end].text, ".") != 0)
                end++;
            scope |= bold_commands(w, i + 1, end);
        }
    }
    return scope;
}

/* The options named in w, into d. In an entry's tag (letters NULL) a
 * "--name" is followed by its value's name if it has one, and a "-x" goes
 * with the "--name" after it; in prose, a lone "-x" stands for the long
 * name that letters pairs it with, and values are not shown. */
static void named_options(const words *w, const doc *letters, doc *d)
{
    char letter = 0;

    for (size_t i = 0; i < w->n; i++) {
        const char *t = w->v[i].text;
        if (t[0] == '-' && t[1] == '-' && t[2]) {
            int valued = letters ? -1 : i + 1 < w->n && word_char(w->v[i + 1].text[0]) && w->v[i + 1].text[0] != '-';
            doc_add(d, t + 2, strlen(t + 2), letter, valued);
            letter = 0;
        } else if (t[0] == '-' && t[1] && !t[2]) {
            letter = letters ? 0 : t[1];
            for (size_t k = 0; letters && k < letters->n; k++)
                if (letters->v[k].letter == t[1])
                    doc_add(d, letters->v[k].name, strlen(letters->v[k].name), t[1], -1);
        }
    }
}

/* Give the options of named to every command in scope. */
static void give(doc man[], unsigned scope, const doc *named)
{
    for (size_t c = 0; c < ncommands; c++)
        for (size_t k = 0; (scope & cli_commands[c]->bit) && k < named->n; k++)
            doc_add(&man[c], named->v[k].name, strlen(named->v[k].name), named->v[k].letter, named->v[k].valued);
}

typedef struct man_state {
    doc *man;         /* per command */
    doc letters;      /* letter pairs seen in entry tags */
    unsigned section; /* the subsection's commands */
    int in;           /* 0 none, 1 an entry's text, 2 a paragraph */
    words tags, text;
} man_state;

/* The end of an entry or of a paragraph: record what it documents. */
static void man_flush(man_state *s)
{
    doc named;

    named.n = 0;
    if (s->in == 1) {
        named_options(&s->tags, NULL, &named);
        give(s->man, entry_scope(&s->text, s->section), &named);
        for (size_t k = 0; k < named.n; k++)
            if (named.v[k].letter)
                doc_add(&s->letters, named.v[k].name, strlen(named.v[k].name), named.v[k].letter, -1);
    } else if (s->in == 2) {
        for (size_t i = 1; i < s->text.n; i++) {
            if (strcmp(s->text.v[i - 1].text, "as") == 0 && strcmp(s->text.v[i].text, "above") == 0) {
                named_options(&s->text, &s->letters, &named);
                give(s->man, s->section, &named);
                break;
            }
        }
    }
    s->in = 0;
    s->tags.n = s->text.n = 0;
}

/* The OPTIONS section of the man page, lines[from..to), into man[]. */
static void man_options(char **lines, size_t from, size_t to, doc man[])
{
    static man_state s;

    memset(&s, 0, sizeof s);
    s.man = man;
    s.section = CMD_ALL;
    for (size_t i = from; i < to; i++) {
        const char *l = lines[i];
        if (is_macro(l, ".SS")) {
            man_flush(&s);
            /* The subsection's commands: its opening paragraph, if any. */
            s.text.n = 0;
            while (i + 1 < to && !is_macro(lines[i + 1], ".TP") && !is_macro(lines[i + 1], ".PP") &&
                   !is_macro(lines[i + 1], ".SS"))
                line_words(lines[++i], &s.text);
            s.section = bold_commands(&s.text, 0, s.text.n) ? bold_commands(&s.text, 0, s.text.n) : CMD_ALL;
            s.text.n = 0;
        } else if (is_macro(l, ".TP")) {
            man_flush(&s);
            s.in = 1;
            if (i + 1 < to)
                line_words(lines[++i], &s.tags);
            while (i + 2 < to && is_macro(lines[i + 1], ".TQ")) {
                i += 2;
                line_words(lines[i], &s.tags);
            }
        } else if (is_macro(l, ".PP")) {
            man_flush(&s);
            s.in = 2;
        } else if (s.in) {
            line_words(l, &s.text);
        }
    }
    man_flush(&s);
}

/* The commands of the SYNOPSIS (".SY sentraj" then ".B NAME") and of
 * COMMANDS (".TP" then ".B NAME") must be the table's. */
static void check_man_commands(char **lines, size_t n)
{
    unsigned synopsis = 0, commands = 0;
    int section = 0, ok;

    for (size_t i = 0; i + 1 < n; i++) {
        if (is_macro(lines[i], ".SH"))
            section = strstr(lines[i], "SYNOPSIS") ? 1 : strstr(lines[i], "COMMANDS") ? 2 : 0;
        if (strncmp(lines[i + 1], ".B ", 3) == 0 &&
            ((section == 1 && is_macro(lines[i], ".SY")) || (section == 2 && is_macro(lines[i], ".TP")))) {
            int c = cmd_index(lines[i + 1] + 3, strlen(lines[i + 1] + 3));
            if (c >= 0)
                *(section == 1 ? &synopsis : &commands) |= cli_commands[c]->bit;
        }
    }
    ok = tap_ok(synopsis == CMD_ALL && commands == CMD_ALL, "man/commands");
    for (size_t c = 0; !ok && c < ncommands; c++) {
        if (!(synopsis & cli_commands[c]->bit))
            tap_diag("the man page's SYNOPSIS has no \".SY sentraj\" / \".B %s\"", cli_commands[c]->name);
        if (!(commands & cli_commands[c]->bit))
            tap_diag("the man page's COMMANDS has no \".TP\" / \".B %s\"", cli_commands[c]->name);
    }
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;

    if (f && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)size + 1)) != NULL) {
        size_t got = fread(buf, 1, (size_t)size, f);
        buf[got] = '\0';
    }
    if (f)
        fclose(f);
    return buf;
}

static void check_man(const char *path)
{
    static doc man[MAX_CMDS];
    char *text = read_all(path), **lines = NULL;
    size_t n = 0, from = 0, to = 0;

    if (!text || !(lines = malloc((strlen(text) / 2 + 2) * sizeof *lines))) {
        tap_ok(0, "man/read");
        tap_diag("cannot read %s", path);
        free(text);
        return;
    }
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        lines[n++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (is_macro(lines[i], ".SH") && strstr(lines[i], "OPTIONS"))
            from = i + 1;
        else if (is_macro(lines[i], ".SH") && from && !to)
            to = i;
    }
    check_man_commands(lines, n);
    man_options(lines, from, to ? to : n, man);
    for (size_t c = 0; c < ncommands; c++)
        tap_ok(from && compare(cli_commands[c], &man[c], 0, "the man page"), "man/%s", cli_commands[c]->name);
    free(lines);
    free(text);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s MANPAGE\n", argv[0]);
        return 2;
    }
    check_commands();
    if (ncommands > MAX_CMDS) {
        printf("Bail out! more than %d commands: raise MAX_CMDS\n", MAX_CMDS);
        return 1;
    }
    check_entries();
    check_help();
    check_man(argv[1]);
    return tap_done();
}
