#!/usr/bin/env python3
"""test_sentraj.py - the Python package against the command line: same columns, same doubles, same errors.

Run by tests/python/run inside a fresh venv where the package was installed
as the README says; prints TAP. Usage:

    ENV/bin/python tests/python/test_sentraj.py --sentraj build/sentraj --root . [--first N]

Every function's DataFrame is compared with the command's CSV output read
by pandas with float_precision="round_trip" (text columns as str): the
same column names, dtypes and values, every double bit for bit.
"""

import argparse
import io
import os
import pydoc
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings

import numpy as np
import pandas as pd

import sentraj

ENGINES = ["auto", "index", "multinomial", "exact"]
METHODS = ["percentile", "basic", "normal", "bca", "studentized"]
TEXT = {"category", "method", "engine", "status", "conversation_id", "categories", "statistic", "start", "end",
        "category_a", "category_b"}


class Tap:
    """A tiny TAP writer: numbered results, diagnostics, the plan last."""

    def __init__(self, first):
        self.n = first - 1
        self.failed = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        if not cond:
            self.failed += 1
        print("%sok %d - python/%s" % ("" if cond else "not ", self.n, name), flush=True)
        if not cond and diag:
            for line in str(diag).splitlines()[:40]:
                print("# " + line, flush=True)
        return cond

    def check(self, name, fn, *args):
        """ok when fn(*args) returns without raising; the exception is the diagnostic."""
        try:
            fn(*args)
        except Exception as e:  # the diagnostic of a failed test
            return self.ok(False, name, "%s: %s" % (type(e).__name__, e))
        return self.ok(True, name)


class Cli:
    def __init__(self, exe):
        self.exe = exe

    def run(self, *args):
        r = subprocess.run([self.exe, *map(str, args), "--quiet"], capture_output=True)
        return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")

    def out(self, *args):
        code, out, err = self.run(*args)
        if code != 0:
            raise AssertionError("sentraj %s: exit %d: %s" % (" ".join(map(str, args)), code, err))
        return out


def read_csv(data):
    """A command's CSV as the docs read it: exact doubles, text as text, only empty fields missing."""
    if isinstance(data, str):
        data = open(data, "rb").read()
    header = data.split(b"\n", 1)[0].decode().split(",")
    text = [c for c in header if c in TEXT]
    return pd.read_csv(io.BytesIO(data), float_precision="round_trip", keep_default_na=False,
                       na_values={c: [""] for c in header if c not in TEXT}, dtype={c: str for c in text})


def assert_same(got, want):
    """Same columns, dtypes and values, floats bit for bit (NaN where NaN)."""
    if isinstance(want, (bytes, str)):
        want = read_csv(want)
        # A column of doubles that all print as integers parses as int64.
        for c in want.columns:
            if c in got.columns and got[c].dtype == np.float64 and want[c].dtype == np.int64:
                want[c] = want[c].astype(np.float64)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for c in got.columns:
        if got[c].dtype == np.float64:
            a, b = got[c].to_numpy(), want[c].to_numpy()
            nan = np.isnan(a)
            if not (np.array_equal(nan, np.isnan(b)) and np.array_equal(a[~nan].view(np.int64),
                                                                          b[~nan].view(np.int64))):
                raise AssertionError("column %s differs in its bits" % c)


def options_args(opts):
    """Python keywords as command line options."""
    out = []
    for k, v in opts.items():
        if isinstance(v, bool):
            if v:
                out.append("--" + k.replace("_", "-"))
        elif isinstance(v, (list, tuple)):
            out += ["--" + k.replace("_", "-"), ",".join(map(str, v))]
        else:
            out += ["--" + k.replace("_", "-"), str(v)]
    return out


# ---- every function against its command ----------------------------------------


def test_analyze(t, cli, fixtures):
    for name, path in fixtures.items():
        for engine in ENGINES:
            for method in METHODS:
                opts = {"engine": engine, "method": method}
                what = "analyze/%s/%s/%s" % (name, engine, method)
                code, out, err = cli.run("analyze", *options_args(opts), path)
                if code != 0:
                    # e.g. the exact studentized transform past its limit: the same error
                    t.check(what + "/same-error", expect_error, lambda: sentraj.analyze(path, **opts), code, err)
                    continue
                t.check(what, lambda: assert_same(sentraj.analyze(path, **opts), out))
        for opts in ({"alternative": "less"}, {"alternative": "greater", "method": "bca"},
                     {"sim": "balanced", "engine": "index"}, {"level": 0.9, "resamples": 500, "seed": 7},
                     {"order": "value"}, {"order": "name"}, {"min_human": 8, "window": 2}, {"scale": 7},
                     {"engine": "exact", "alternative": "greater"}):
            what = "analyze/%s/%s" % (name, ",".join("%s=%s" % kv for kv in opts.items()))
            t.check(what, lambda: assert_same(sentraj.analyze(path, **opts),
                                              cli.out("analyze", *options_args(opts), path)))


def expect_error(fn, code, stderr):
    """fn raises what the command's exit code says, with its message."""
    # The message line: a usage error is followed by a "Try ... --help" line.
    line = [x for x in stderr.strip().splitlines() if not x.startswith("Try '")][-1]
    message = line.split(": ", 1)[1]
    kinds = {65: sentraj.InputError, 74: OSError, 64: ValueError, 71: MemoryError}
    try:
        fn()
    except kinds[code] as e:
        got = "%s: %s" % (e.filename, e.strerror) if code == 74 else str(e)
        if code == 64:
            message = message.replace("--", "")
        if got != message:
            raise AssertionError("message %r, the command's %r" % (got, message))
        return e
    raise AssertionError("no %s raised" % kinds[code].__name__)


def test_save_resamples(t, cli, fixtures, tmp):
    for name, path in fixtures.items():
        for engine in ("index", "multinomial", "exact"):
            saved = os.path.join(tmp, "resamples.csv")

            def check():
                out = cli.out("analyze", "--engine", engine, "--resamples", 300, "--save-resamples", saved, path)
                results, draws = sentraj.analyze(path, engine=engine, resamples=300, save_resamples=True)
                assert_same(results, out)
                assert_same(draws, open(saved, "rb").read())
            t.check("analyze/%s/%s/save-resamples" % (name, engine), check)


def test_deltas_positions(t, cli, fixtures):
    for name, path in fixtures.items():
        t.check("deltas/%s" % name, lambda: assert_same(sentraj.deltas(path), cli.out("deltas", path)))
        t.check("deltas/%s/window-2" % name, lambda: assert_same(
            sentraj.deltas(path, window=2, min_human=4), cli.out("deltas", "--window", 2, "--min-human", 4, path)))
        for engine in ("auto", "index", "multinomial"):
            for method in METHODS:
                opts = {"engine": engine, "method": method, "resamples": 400}
                t.check("positions/%s/%s/%s" % (name, engine, method), lambda: assert_same(
                    sentraj.positions(path, **opts), cli.out("positions", *options_args(opts), path)))
        for opts in ({"bins": 5}, {"all_conversations": True, "max_position": 4}, {"alternative": "less"},
                     {"sim": "balanced"}, {"order": "value"}):
            t.check("positions/%s/%s" % (name, ",".join("%s=%s" % kv for kv in opts.items())), lambda: assert_same(
                sentraj.positions(path, **opts), cli.out("positions", *options_args(opts), path)))


def test_summaries(t, cli, fixtures, tmp):
    path = fixtures["conversations"]
    cut = split_file(path, tmp)
    s1, s2 = os.path.join(tmp, "s1.csv"), os.path.join(tmp, "s2.csv")
    open(s1, "wb").write(cli.out("summarize", cut[0]))
    open(s2, "wb").write(cli.out("summarize", cut[1]))
    whole = sentraj.summarize(path)
    t.ok(whole.to_csv().encode() == cli.out("summarize", path), "summarize/same-bytes")
    t.check("summarize/table", lambda: assert_same(whole.table, summary_table(cli.out("summarize", path))))
    t.ok(whole.window == 3 and whole.min_human == 6 and whole.denominator == 2 and whole.counts["kept"] == 1371
         and whole.scale[0] == ("verynegative", -1.0) and whole.categories[0] == "all",
         "summarize/attributes", repr((whole.window, whole.min_human, whole.denominator, whole.scale[:1])))
    part = sentraj.summarize(cut[0])
    before = part.to_csv()
    merged = sentraj.merge(part, s2)
    t.ok(merged.to_csv().encode() == cli.out("merge", s1, s2) and part.to_csv() == before,
         "merge/same-bytes-arguments-unchanged")
    t.ok(sentraj.merge(s1, s2).to_csv() == whole.to_csv(), "merge/shards-give-the-whole")
    out = os.path.join(tmp, "saved.csv")
    whole.save(out)
    t.ok(open(out, "rb").read() == cli.out("summarize", path) and
         sentraj.Summary.read(out).to_csv() == whole.to_csv(), "summarize/save-and-read")
    for engine in ENGINES:
        opts = {"engine": engine, "method": "bca"}
        want = cli.out("analyze", *options_args(opts), s1, s2)
        t.check("analyze/summary/%s/objects" % engine, lambda: assert_same(sentraj.analyze([part, s2], **opts), want))
        t.check("analyze/summary/%s/paths" % engine, lambda: assert_same(sentraj.analyze([s1, s2], **opts), want))
        t.check("analyze/summary/%s/same-as-messages" % engine, lambda: assert_same(
            sentraj.analyze(whole, **opts), cli.out("analyze", *options_args(opts), path)))
    t.check("summary/mixed-with-messages", expect_error, lambda: sentraj.analyze([s1, path]), 64,
            cli.run("analyze", s1, path)[2])
    t.check("summary/window-differs", expect_error, lambda: sentraj.analyze(s1, window=2, min_human=6), 65,
            cli.run("analyze", "--window", 2, s1)[2])


def summary_table(text):
    lines = text.decode().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("category,first_q"))
    return read_csv("\n".join(lines[start:]).encode() + b"\n")


def split_file(path, tmp):
    """Two CSV shards of a message file, split by conversation."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    ids = sorted(set(df["conversation_id"]))
    half = set(ids[: len(ids) // 2])
    out = []
    for k, part in enumerate((df[df["conversation_id"].isin(half)], df[~df["conversation_id"].isin(half)])):
        p = os.path.join(tmp, "shard%d.csv" % k)
        part.to_csv(p, index=False)
        out.append(p)
    return out


def same_drawing(a, b):
    """The same bytes, but for the number cairo gives an SVG's drawing surface
    (id="surfaceN"), a count of the surfaces made so far in the process."""
    def plain(x):
        return re.sub(rb'id="surface[0-9]+"', b'id="surface"', x)
    return plain(a) == plain(b)


def test_figures(t, cli, fixtures, tmp):
    path = fixtures["conversations"]
    for opts in ({}, {"order": ["counseling", "coaching", "all"], "labels": {"coaching": "Coaching"},
                      "title": "T", "dpi": 100, "width": 600},
                 {"orientation": "horizontal", "subtitle": "", "xlabel": "X", "no_all": True}):
        d = os.path.join(tmp, "fig%d" % len(opts))
        args = options_args({k: v for k, v in opts.items() if k != "labels"})
        if "labels" in opts:
            args += ["--labels", ",".join("%s=%s" % kv for kv in opts["labels"].items())]
        cli.out("figure4", "-o", d, *args, path)
        fig = sentraj.figure4(path, **opts)
        for fmt in ("png", "svg", "pdf"):
            t.ok(same_drawing(fig.render(fmt), open(os.path.join(d, "figure4." + fmt), "rb").read()),
                 "figure4/%d-options/%s-same-bytes" % (len(opts), fmt))
        t.check("figure4/%d-options/data" % len(opts), lambda: assert_same(fig.data, os.path.join(d, "figure4.csv")))
        t.ok(fig._repr_png_() == fig.png and fig._repr_svg_().startswith("<?xml"), "figure4/%d-options/repr" % len(opts))
        fig.save(os.path.join(tmp, "saved.PNG"))
        t.ok(open(os.path.join(tmp, "saved.PNG"), "rb").read() == fig.png, "figure4/%d-options/save" % len(opts))
    t.ok(sentraj.figure4().png == sentraj.figure4(path).png, "figure4/no-data-is-the-fixture")
    for fn in (sentraj.figure4, sentraj.positions_figure, sentraj.compare_figure):
        try:
            fn(path, alternative="greater")
            t.ok(False, "%s/one-sided-refused" % fn.__name__)
        except ValueError as e:
            t.ok("two-sided" in str(e), "%s/one-sided-refused" % fn.__name__)
    for opts in ({}, {"bins": 4, "order": ["all", "coaching"], "title": "P"},
                 {"no_all": True, "ylabel": "Y", "subtitle": "S", "title": "Q"}):
        files = [os.path.join(tmp, "pos%d.%s" % (len(opts), f)) for f in ("png", "svg", "pdf")]
        table = cli.out("positions", *options_args(opts), *sum((["--figure", f] for f in files), []), path)
        fig = sentraj.positions_figure(path, **opts)
        for f in files:
            t.ok(same_drawing(fig.render(f[-3:]), open(f, "rb").read()), "positions-figure/%d-options/%s-same-bytes" % (len(opts), f[-3:]))
        t.check("positions-figure/%d-options/data" % len(opts), lambda: assert_same(fig.data, table))
    for fn, cmd, opts in ((sentraj.compare_figure, "compare", {"resamples": 200, "title": "C", "dpi": 100}),
                          (sentraj.transitions_figure, "transitions",
                           {"resamples": 200, "order": ["counseling", "coaching"], "labels": {"coaching": "Co"}}),
                          (sentraj.sensitivity_figure, "sensitivity",
                           {"resamples": 200, "windows": [2, 3], "min_humans": [6, 8], "width": 700})):
        files = [os.path.join(tmp, "%s.%s" % (cmd, f)) for f in ("png", "svg", "pdf")]
        args = options_args({k: v for k, v in opts.items() if k != "labels"})
        if "labels" in opts:
            args += ["--labels", ",".join("%s=%s" % kv for kv in opts["labels"].items())]
        table = cli.out(cmd, *args, *sum((["--figure", f] for f in files), []), path)
        fig = fn(path, **opts)
        for f in files:
            t.ok(same_drawing(fig.render(f[-3:]), open(f, "rb").read()), "%s-figure/%s-same-bytes" % (cmd, f[-3:]))
        t.check("%s-figure/data" % cmd, lambda: assert_same(fig.data, table))


def test_other_inputs(t, cli, root, tmp):
    """Every format the command reads, several inputs, and the input options."""
    fx = os.path.join(root, "fixtures")
    inputs = os.path.join(root, "tests", "cli", "inputs")
    gz = os.path.join(tmp, "conversations.csv.gz")
    subprocess.run(["sh", "-c", 'gzip -c "$1" > "$2"', "sh", os.path.join(fx, "conversations.csv"), gz], check=True)
    shards = split_file(os.path.join(fx, "skewed80.csv"), tmp)
    users = os.path.join(tmp, "users.csv")
    cli.out("simulate", "--conversations", 400, "--users", 30, "--user-effect", 0.1, "-o", users)
    cases = [
        ("gzip", [gz], {}),
        ("jsonl", [os.path.join(fx, "jsonl", "mixed.jsonl")], {}),
        ("convokit-role-key", [os.path.join(fx, "convokit", "small")], {"role_key": "role"}),
        ("convokit-speaker-roles", [os.path.join(fx, "convokit", "small")],
         {"speaker_roles": os.path.join(fx, "convokit", "speaker-roles.csv")}),
        ("two-inputs", shards, {}),
        ("cluster-by", [users], {"cluster_by": "user_id", "method": "bca"}),
        ("cluster-by-multinomial", [users], {"cluster_by": "user_id", "engine": "multinomial"}),
        ("scale-3", [os.path.join(inputs, "three-point.csv")], {"scale": 3}),
        ("category-sep", [os.path.join(inputs, "category-sep.csv")], {"category_sep": "|"}),
        ("order-natural", [os.path.join(inputs, "episodes.csv")], {}),
        ("order-file", [os.path.join(inputs, "episodes.csv")], {"order": os.path.join(inputs, "episode-order.txt")}),
    ]
    for name, paths, opts in cases:
        t.check("inputs/%s" % name, lambda: assert_same(sentraj.analyze(paths if len(paths) > 1 else paths[0], **opts),
                                                        cli.out("analyze", *options_args(opts), *paths)))
    t.check("inputs/positions-cluster-by", lambda: assert_same(
        sentraj.positions(users, cluster_by="user_id"), cli.out("positions", "--cluster-by", "user_id", users)))
    # A categories table joined to messages without categories.
    msgs = pd.read_csv(os.path.join(fx, "skewed80.csv"), dtype=str, keep_default_na=False)
    plain = os.path.join(tmp, "plain.csv")
    msgs.drop(columns=["categories"]).to_csv(plain, index=False)
    table = os.path.join(tmp, "table.csv")
    ids = sorted(set(msgs["conversation_id"]))
    pd.DataFrame({"conversation_id": ids, "categories": ["odd" if i % 2 else "even" for i in range(len(ids))]}).to_csv(
        table, index=False)
    t.check("inputs/categories-table", lambda: assert_same(sentraj.analyze(plain, categories=table),
                                                           cli.out("analyze", "--categories", table, plain)))
    # A scale as a mapping gives what the same scale as a file gives.
    scale_file = os.path.join(tmp, "scale.csv")
    open(scale_file, "w").write("label,value\nnegative,-1\nneutral,0\npositive,1\n")
    three = os.path.join(inputs, "three-point.csv")
    t.check("inputs/scale-mapping", lambda: assert_same(
        sentraj.analyze(three, scale={"negative": -1, "neutral": 0, "positive": 1}),
        cli.out("analyze", "--scale", scale_file, three)))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        sentraj.deltas(three)
    t.ok(len(w) == 1 and issubclass(w[0].category, sentraj.ScaleWarning) and "scale=3" in str(w[0].message),
         "inputs/three-point-data-warns", [str(x.message) for x in w])


# ---- the statistics commands ------------------------------------------------------


STATISTICS = ["mean", "median", "trimmed:0.2", "share-up", "share-down", "share-same"]


def test_stats(t, cli, fixtures, tmp):
    """compare, test, transitions, sensitivity, --statistic, --small and --by-start against the commands."""
    def same(what, fn, command, opts, path):
        t.check(what, lambda: assert_same(fn(path, **opts), cli.out(command, *options_args(opts), path)))

    for name, path in fixtures.items():
        for engine in ("auto", "index", "multinomial"):
            for method in ("percentile", "basic", "normal", "bca"):
                opts = {"engine": engine, "method": method, "resamples": 300}
                same("compare/%s/%s/%s" % (name, engine, method), sentraj.compare, "compare", opts, path)
                same("transitions/%s/%s/%s" % (name, engine, method), sentraj.transitions, "transitions", opts, path)
        same("transitions/%s/studentized" % name, sentraj.transitions, "transitions",
             {"method": "studentized", "resamples": 300}, path)
        for opts in ({"reference": "all"}, {"statistic": "median", "alternative": "greater"},
                     {"statistic": "share-down", "small": 100}, {"sim": "balanced", "engine": "index"}):
            same("compare/%s/%s" % (name, ",".join("%s=%s" % kv for kv in opts.items())), sentraj.compare, "compare",
                 opts, path)
        for opts in ({}, {"resamples": 300, "seed": 9}, {"small": 0}, {"min_human": 8, "window": 2}):
            same("test/%s/%s" % (name, ",".join("%s=%s" % kv for kv in opts.items())), sentraj.test, "test", opts,
                 path)
        for opts in ({"scale": 7}, {"order": "name"}, {"alternative": "less"}):
            same("transitions/%s/%s" % (name, ",".join("%s=%s" % kv for kv in opts.items())), sentraj.transitions,
                 "transitions", opts, path)
        for opts in ({"resamples": 300}, {"windows": [2, 3], "min_humans": [6, 10], "statistic": "median"},
                     {"windows": [1], "engine": "exact"}):
            same("sensitivity/%s/%s" % (name, ",".join("%s=%s" % kv for kv in opts.items())), sentraj.sensitivity,
                 "sensitivity", opts, path)
        for statistic in STATISTICS:
            engines = ("auto", "index", "multinomial") + (("exact",) if statistic == "mean" or "share" in statistic
                                                          else ())
            for engine in engines:
                opts = {"statistic": statistic, "engine": engine, "method": "bca" if engine != "exact" else "percentile"}
                same("analyze/%s/statistic/%s/%s" % (name, statistic, engine), sentraj.analyze, "analyze", opts, path)
        same("analyze/%s/by-start" % name, sentraj.analyze, "analyze", {"by_start": True}, path)
        same("analyze/%s/by-start-exact" % name, sentraj.analyze, "analyze", {"by_start": True, "engine": "exact"},
             path)
        same("analyze/%s/small-500" % name, sentraj.analyze, "analyze", {"small": 500}, path)
        same("positions/%s/small-500" % name, sentraj.positions, "positions", {"small": 500}, path)
    # Other statistics' draws are named "value".
    path = fixtures["conversations"]
    for engine in ("index", "exact"):
        saved = os.path.join(tmp, "value-resamples.csv")

        def check():
            out = cli.out("analyze", "--statistic", "share-up", "--engine", engine, "--resamples", 200,
                          "--save-resamples", saved, path)
            results, draws = sentraj.analyze(path, statistic="share-up", engine=engine, resamples=200,
                                             save_resamples=True)
            assert_same(results, out)
            assert_same(draws, open(saved, "rb").read())
        t.check("analyze/statistic-share-up/%s/save-resamples" % engine, check)
    # The usage errors, with the command's messages.
    for name, command, opts in [
            ("compare-exact", "compare", {"engine": "exact"}),
            ("compare-studentized", "compare", {"method": "studentized"}),
            ("compare-reference-and-pairs", "compare", {"reference": "all", "pairs": "coaching:counseling"}),
            ("transitions-exact", "transitions", {"engine": "exact"}),
            ("statistic-unknown", "analyze", {"statistic": "mode"}),
            ("statistic-trim-too-large", "analyze", {"statistic": "trimmed:0.5"}),
            ("median-studentized", "analyze", {"statistic": "median", "method": "studentized"}),
            ("median-exact", "analyze", {"statistic": "median", "engine": "exact"}),
            ("sensitivity-window-twice", "sensitivity", {"windows": [2, 2]})]:
        code, _, err = cli.run(command, *options_args(opts), "/nonexistent/messages.csv")
        t.ok(code == 64, "stats/usage/%s/cli-exit-64" % name, err)
        t.check("stats/usage/%s" % name, expect_error,
                lambda: getattr(sentraj, command)("/nonexistent/messages.csv", **opts), 64, err)
    code, _, err = cli.run("compare", "--reference", "nope", path)
    t.check("stats/usage/compare-unknown-reference", expect_error, lambda: sentraj.compare(path, reference="nope"),
            code, err)
    t.check("stats/pairs-as-tuples", lambda: assert_same(
        sentraj.compare(path, pairs=[("coaching", "counseling"), ("all", "coaching")]),
        cli.out("compare", "--pairs", "coaching:counseling,all:coaching", path)))
    t.check("stats/threads", lambda: [assert_same(getattr(sentraj, f)(path, threads=n), getattr(sentraj, f)(path, threads=1))
                                      for f in ("compare", "test", "transitions") for n in (2, 3)])


# ---- DataFrame input --------------------------------------------------------------


def test_dataframes(t, cli, fixtures, tmp):
    for name, path in fixtures.items():
        as_text = pd.read_csv(path, dtype=str, keep_default_na=False)
        parsed = pd.read_csv(path)  # numbers as numbers, empty fields NaN
        for label, df in (("text", as_text), ("parsed", parsed)):
            t.check("dataframe/%s/%s/analyze" % (name, label), lambda: assert_same(
                sentraj.analyze(df, method="bca"), sentraj.analyze(path, method="bca")))
        t.check("dataframe/%s/deltas" % name, lambda: assert_same(sentraj.deltas(parsed), sentraj.deltas(path)))
        t.check("dataframe/%s/positions" % name, lambda: assert_same(sentraj.positions(parsed), sentraj.positions(path)))
        t.ok(sentraj.summarize(as_text).to_csv() == sentraj.summarize(path).to_csv(), "dataframe/%s/summarize" % name)
    # Other column names, extra columns, another column order, another index.
    df = pd.read_csv(fixtures["skewed80"], dtype=str, keep_default_na=False)
    renamed = df.rename(columns={"conversation_id": "cid", "message_index": "i", "role": "who",
                                 "sentiment": "label", "categories": "topic"})
    renamed.insert(0, "text", "hello, world")
    renamed = renamed[list(reversed(renamed.columns))]
    renamed.index = renamed.index * 10 + 7
    file = os.path.join(tmp, "renamed.csv")
    renamed.to_csv(file, index=False)
    cols = {"col_id": "cid", "col_index": "i", "col_role": "who", "col_sentiment": "label", "col_categories": "topic"}
    t.check("dataframe/renamed-columns", lambda: assert_same(sentraj.analyze(renamed, **cols),
                                                             cli.out("analyze", *options_args(cols), file)))
    # Numeric labels: every double the frame holds reaches the library unchanged.
    rng = np.random.default_rng(5)
    num = pd.DataFrame({"conversation_id": np.repeat(["c%03d" % i for i in range(60)], 7),
                        "message_index": np.tile(np.arange(7), 60), "role": "human",
                        "sentiment": rng.uniform(-1, 1, 420), "categories": np.repeat(["a", "b", "c"], 140)})
    numfile = os.path.join(tmp, "numeric.csv")
    with open(numfile, "w") as f:  # repr: the shortest text of each double
        f.write("conversation_id,message_index,role,sentiment,categories\n")
        for r in num.itertuples(index=False):
            f.write("%s,%d,%s,%r,%s\n" % (r.conversation_id, r.message_index, r.role, float(r.sentiment), r.categories))
    t.check("dataframe/numeric-labels", lambda: assert_same(sentraj.deltas(num), cli.out("deltas", numfile)))
    t.check("dataframe/list-of-frames", lambda: assert_same(
        sentraj.analyze([num.iloc[:210], num.iloc[210:]]), sentraj.analyze(num)))


# ---- errors ------------------------------------------------------------------------


def test_bad_inputs(t, root):
    """Every file of fixtures/bad raises the documented exception with the command's message."""
    bad = os.path.join(root, "fixtures", "bad")
    for f in sorted(os.listdir(bad)):
        if not f.endswith(".expect"):
            continue
        stem = f[: -len(".expect")]
        data = [x for x in os.listdir(bad) if x != f and (x == stem or x.startswith(stem + "."))]
        code, line = open(os.path.join(bad, f)).read().splitlines()[:2]
        rel = os.path.join("fixtures", "bad", data[0])
        t.check("errors/bad/%s" % stem, expect_error, lambda: sentraj.analyze(rel), int(code), line)


def test_error_details(t, cli, fixtures, tmp):
    e = None
    try:
        sentraj.analyze("fixtures/bad/unknown-label.csv")
    except sentraj.InputError as x:
        e = x
    t.ok(e is not None and e.source == "fixtures/bad/unknown-label.csv" and e.line == 4 and e.col == 12
         and e.status == sentraj.EDATA and e.message.startswith("unknown sentiment label"),
         "errors/input-error-attributes", e and vars(e))
    # A DataFrame's bad row: the line is the row + 2, the row and its label are named.
    df = pd.read_csv(fixtures["skewed80"], dtype=str, keep_default_na=False)
    df.index = ["r%d" % i for i in range(len(df))]
    human = df.index[df["role"] == "human"][10]
    df.loc[human, "sentiment"] = "postive"
    pos = df.index.get_loc(human)
    bad_file = os.path.join(tmp, "bad.csv")
    df.to_csv(bad_file, index=False)
    cli_line = cli.run("analyze", bad_file)[2].strip().split(": ", 1)[1]
    try:
        sentraj.analyze(df)
        e = None
    except sentraj.InputError as x:
        e = x
    t.ok(e is not None and e.source == "<DataFrame>" and e.line == pos + 2 and e.row == pos and e.index == human
         and str(e) == cli_line.replace(bad_file, "<DataFrame>"), "errors/dataframe-row",
         e and (str(e), e.row, e.index, cli_line))
    try:
        sentraj.deltas(os.path.join(tmp, "no-such-file.csv"))
        e = None
    except OSError as x:
        e = x
    t.ok(isinstance(e, OSError) and e.filename == os.path.join(tmp, "no-such-file.csv") and "cannot" in e.strerror,
         "errors/missing-file-oserror", e)
    # A documented limit: positions' resampled sums past 1 GiB.
    path = fixtures["skewed80"]
    code, _, err = cli.run("positions", "--resamples", 10**8, "--max-position", 10, path)
    t.ok(code == 65, "errors/limit-cli-exit-65", err)
    try:
        e = expect_error(lambda: sentraj.positions(path, resamples=10**8, max_position=10), 65, err)
    except AssertionError as x:
        e = x
    t.ok(isinstance(e, sentraj.InputError) and e.status == sentraj.ELIMIT, "errors/limit-input-error", e)
    # A row over an engine's limit is refused alone, as by the command: the
    # exact studentized transform of a large row.
    big = os.path.join(tmp, "big.csv")
    cli.out("simulate", "--conversations", 12000, "-o", big)
    want = cli.out("analyze", "--engine", "exact", "--method", "studentized", big)
    got = sentraj.analyze(big, engine="exact", method="studentized")
    t.check("errors/refused-row-as-cli", assert_same, got, want)
    t.ok((got["status"] == "refused").any(), "errors/refused-row-status", got[["category", "status"]])


def test_bad_options(t, cli, fixtures):
    """Bad options raise before any input is read: the path does not exist."""
    nowhere = "/nonexistent/messages.csv"
    type_errors = [
        ("resamples-str", sentraj.analyze, {"resamples": "10"}),
        ("level-bool", sentraj.analyze, {"level": True}),
        ("seed-float", sentraj.analyze, {"seed": 1.5}),
        ("unknown-keyword", sentraj.analyze, {"bogus": 1}),
        ("option-of-another-command", sentraj.deltas, {"resamples": 10}),
        ("flag-int", sentraj.analyze, {"save_resamples": 1}),
        ("order-number", sentraj.analyze, {"order": 5}),
        ("scale-bool", sentraj.analyze, {"scale": True}),
        ("labels-number", sentraj.figure4, {"labels": 3}),
    ]
    for name, fn, opts in type_errors:
        t.check("options/type-error/%s" % name, expect_raises, TypeError, fn, nowhere, opts)
    t.check("options/type-error/no-data", expect_raises, TypeError, sentraj.analyze, None, {})
    t.check("options/type-error/data-number", expect_raises, TypeError, sentraj.analyze, 3, {})
    value_errors = [
        ("level-1.5", sentraj.analyze, {"level": 1.5}, "level must be a number strictly between 0 and 1, not 1.5"),
        ("unknown-engine", sentraj.analyze, {"engine": "fast"},
         'unknown engine "fast" (expected auto, index, multinomial, exact)'),
        ("min-human-4-window-3", sentraj.analyze, {"min_human": 4},
         "min-human (4) must be at least twice the window (3) so the first and last windows never overlap"),
        ("resamples-1", sentraj.analyze, {"resamples": 1}, "resamples must be between 2 and 100000000, not 1"),
        ("negative-seed", sentraj.analyze, {"seed": -1}, None),
        ("threads-too-many", sentraj.deltas, {"threads": 2000}, None),
        ("cluster-by-exact", sentraj.analyze, {"cluster_by": "u", "engine": "exact"}, None),
        ("positions-exact", sentraj.positions, {"engine": "exact"}, None),
        ("bins-and-max-position", sentraj.positions, {"bins": 3, "max_position": 5}, None),
        ("figure-width", sentraj.figure4, {"width": 50}, None),
        ("png-too-large", sentraj.figure4, {"width": 9000}, None),
        ("scale-4", sentraj.analyze, {"scale": 4}, None),
        ("category-sep-two", sentraj.analyze, {"category_sep": ";;"}, None),
        ("col-id-empty", sentraj.analyze, {"col_id": ""}, None),
        ("input-format", sentraj.analyze, {"input_format": "xml"}, None),
        ("order-empty", sentraj.analyze, {"order": ""}, None),
        ("labels-not-pairs", sentraj.figure4, {"labels": "coaching"}, None),
        ("balanced-multinomial", sentraj.analyze, {"sim": "balanced", "engine": "multinomial"}, None),
    ]
    for name, fn, opts, message in value_errors:
        t.check("options/value-error/%s" % name, expect_raises, ValueError, fn, nowhere, opts, message)
    # After the analysis: an unknown category to put first, as the command says.
    path = fixtures["skewed80"]
    err = cli.run("analyze", "--order", "nope", path)[2]
    t.check("options/value-error/order-unknown-category", expect_error,
            lambda: sentraj.analyze(path, order=["nope"]), 64, err)


def expect_raises(kind, fn, data, opts, message=None):
    try:
        fn(data, **opts)
    except kind as e:
        if message is not None and str(e) != message:
            raise AssertionError("message %r, expected %r" % (str(e), message))
        return
    except Exception as e:
        raise AssertionError("%s raised instead of %s: %s" % (type(e).__name__, kind.__name__, e))
    raise AssertionError("nothing raised")


def test_memory_error(t, root):
    """Out of memory in the library is MemoryError: a child under an address-space limit."""
    code = r"""
import resource, sentraj
sentraj.analyze(sentraj.fixture_path(), resamples=100)
size = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (size + (300 << 20), resource.RLIM_INFINITY))
try:
    sentraj.analyze(sentraj.fixture_path(), engine="index", resamples=100_000_000, threads=1)
except MemoryError as e:
    print("MemoryError:", e)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    t.ok(r.stdout.startswith("MemoryError: out of memory"), "errors/memory-error", r.stdout + r.stderr)


# ---- threads, seeds, the GIL, Ctrl-C, leaks ---------------------------------------------


def test_threads_seeds(t, cli, fixtures):
    path = fixtures["conversations"]
    for engine in ("index", "multinomial", "exact"):
        frames = [sentraj.analyze(path, engine=engine, method="bca", threads=n) for n in (1, 2, 3)]
        t.check("threads/analyze/%s/identical" % engine, lambda: [assert_same(f, frames[0]) for f in frames])
        outs = {cli.out("analyze", "--engine", engine, "--method", "bca", "--threads", n, path) for n in (1, 2, 3)}
        t.ok(len(outs) == 1, "threads/cli/%s/byte-identical" % engine)
    frames = [sentraj.positions(path, method="studentized", threads=n) for n in (1, 3)]
    t.check("threads/positions/identical", lambda: assert_same(frames[1], frames[0]))
    a, b = sentraj.analyze(path), sentraj.analyze(path, seed=7)
    same = ["category", "conversations", "mean_first", "mean_last", "mean_delta", "status"]
    t.ok(a[same].equals(b[same]) and not a["ci_low"].equals(b["ci_low"]), "seeds/only-the-interval-changes")
    t.check("seeds/seed-7-as-cli", lambda: assert_same(b, cli.out("analyze", "--seed", 7, path)))
    t.check("seeds/max-seed-as-cli", lambda: assert_same(sentraj.analyze(path, seed=2**64 - 1),
                                                         cli.out("analyze", "--seed", 2**64 - 1, path)))


def test_gil(t, fixtures, tmp):
    """The GIL is released while the library reads (a FIFO the main thread
    writes only if it can run) and while it resamples."""
    path = fixtures["conversations"]
    fifo = os.path.join(tmp, "pipe.csv")
    os.mkfifo(fifo)
    got = {}
    reader = threading.Thread(target=lambda: got.update(df=sentraj.deltas(fifo)), daemon=True)
    reader.start()
    with open(fifo, "wb") as f:
        f.write(open(path, "rb").read())
    reader.join(120)
    t.ok(not reader.is_alive() and "df" in got and got["df"].equals(sentraj.deltas(path)),
         "gil/released-while-reading")

    times = {}

    def work():
        times["start"] = time.monotonic()
        sentraj.analyze(path, engine="index", resamples=400_000, threads=1)
        times["end"] = time.monotonic()

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    time.sleep(0.3)
    x = 0
    for i in range(200_000):
        x += i
    done = time.monotonic()
    worker.join(300)
    # Held, the main thread could not finish its loop before the call ended.
    t.ok(done - times["start"] < 0.5 * (times["end"] - times["start"]), "gil/released-while-resampling",
         "loop done at %.2f s, the call took %.2f s" % (done - times["start"], times["end"] - times["start"]))


def test_interrupt(t, tmp):
    """Ctrl-C stops a long bootstrap: KeyboardInterrupt, then the library and
    Python's own handler work as before."""
    # 50000 conversations resampled a million times would take far longer
    # than the test waits (while the resampled means stay at 16 MB): only an
    # interrupted bootstrap ends in time.
    code = r"""
import os, signal, sys, time
import numpy as np, pandas as pd, sentraj
p = sentraj.fixture_path()
first = sentraj.analyze(p, resamples=200)
n = 50_000
big = pd.DataFrame({"conversation_id": np.repeat(np.arange(n), 6), "message_index": np.tile(np.arange(6), n),
                    "role": "human", "sentiment": np.random.default_rng(1).uniform(-1, 1, 6 * n),
                    "categories": "a"})
path = sys.argv[1]
big.to_csv(path, index=False)
sentraj.deltas(path)  # read once, so the signal comes while it resamples
print("go", flush=True)
try:
    sentraj.analyze(path, engine="index", resamples=1_000_000, threads=1)
    print("finished")
except KeyboardInterrupt:
    print("interrupted")
print("again", sentraj.analyze(p, resamples=200).equals(first))
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(2)
    print("no handler")
except KeyboardInterrupt:
    print("handler back")
"""
    child = subprocess.Popen([sys.executable, "-c", code, os.path.join(tmp, "big.csv")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = child.stdout.readline()
    time.sleep(2.0)
    child.send_signal(signal.SIGINT)
    try:
        out, err = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
    t.ok(first.strip() == "go" and out.split() == ["interrupted", "again", "True", "handler", "back"]
         and child.returncode == 0, "interrupt/keyboard-interrupt", first + out + err)


def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def heap_in_use():
    """Bytes malloc has handed out and not got back (glibc's mallinfo2: the
    library's allocations, which the resident size shows only in coarse
    steps); None without mallinfo2."""
    import ctypes

    class Mallinfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
            "keepcost")]

    try:
        fn = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return None
    fn.restype = Mallinfo2
    m = fn()
    return m.uordblks + m.hblkhd


def test_leaks(t, fixtures, tmp):
    """1000 calls of every kind leave the heap and the resident size where they were."""
    df = pd.read_csv(fixtures["skewed80"], dtype=str, keep_default_na=False)
    small = os.path.join(tmp, "small.csv")
    df.to_csv(small, index=False)
    bad = df.copy()
    bad.loc[bad.index[bad["role"] == "human"][3], "sentiment"] = "postive"

    def once(i):
        sentraj.analyze(small, resamples=100, engine="index" if i % 2 else "exact")
        sentraj.deltas(df)
        sentraj.positions(small, resamples=50, max_position=3)
        s = sentraj.summarize(small)
        sentraj.analyze(sentraj.merge(s, s), resamples=50)
        try:
            sentraj.analyze(bad)
        except sentraj.InputError:
            pass
        try:
            sentraj.analyze(small, order=["nope"], resamples=50)
        except ValueError:
            pass
        if i % 10 == 0:
            sentraj.figure4(small, resamples=50).png
    for i in range(50):
        once(i)
    before, heap = rss(), heap_in_use()
    for i in range(1000):
        once(i)
    grown = rss() - before
    t.ok(grown < 16 << 20, "leaks/1000-calls-rss-bounded (%+.1f MB)" % (grown / 2**20), "grew by %d bytes" % grown)
    if heap is None:
        t.ok(True, "leaks/1000-calls-heap-bounded # SKIP no mallinfo2")
        return
    # An analysis left behind by every analyze call here would add up to about 2 MB.
    heap = heap_in_use() - heap
    t.ok(heap < 512 << 10, "leaks/1000-calls-heap-bounded (%+.0f kB)" % (heap / 1024), "grew by %d bytes" % heap)


# ---- the API itself ------------------------------------------------------------


def test_api(t, cli):
    """Each function takes its command's options, with their defaults in help()."""
    commands = {"analyze": [sentraj.analyze], "deltas": [sentraj.deltas], "summarize": [sentraj.summarize],
                "positions": [sentraj.positions, sentraj.positions_figure], "figure4": [sentraj.figure4],
                "compare": [sentraj.compare], "test": [sentraj.test], "transitions": [sentraj.transitions],
                "sensitivity": [sentraj.sensitivity]}
    not_bound = {"help", "quiet", "output", "format", "figure"}  # where the output goes: the caller's business
    # The statistics commands' figures are not drawn by the package.
    figure_options = {"title", "width", "height", "dpi", "labels"}
    no_figure = {"compare", "transitions", "sensitivity"}
    every = set()
    for cmd, fns in commands.items():
        helptext = subprocess.run([cli.exe, cmd, "--help"], capture_output=True, text=True).stdout
        options = {o.replace("-", "_") for o in re.findall(r"--([a-z][a-z-]*[a-z])(?![a-z*-])", helptext)} - not_bound
        if cmd in no_figure:
            options -= figure_options
        every |= options
        params = set().union(*(set(__import__("inspect").signature(f).parameters) for f in fns)) - {"data"}
        missing = options - params
        t.ok(not missing, "api/%s/binds-every-option" % cmd, "not bound: %s (add them to python/sentraj/_options.py)"
             % ", ".join(sorted(missing)))
    extra = set()
    for fns in commands.values():
        for f in fns:
            extra |= set(__import__("inspect").signature(f).parameters) - {"data"}
    t.ok(extra <= every, "api/no-option-the-command-lacks", extra - every)
    doc = pydoc.render_doc(sentraj.analyze, renderer=pydoc.plaintext)
    t.ok(all(s in doc for s in ("min_human: int = 6", "resamples: int = 1000", "level: float = 0.95",
                                "method: Literal['percentile'", "seed: int = 42", "engine:")),
         "api/help-shows-options-and-defaults", doc[:2000])
    t.ok(sentraj.__version__ == sentraj.library_version() == cli.out("--version").decode().split()[1],
         "api/version", (sentraj.__version__, cli.out("--version")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentraj", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--first", type=int, default=1)
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    os.chdir(root)  # the bad fixtures' messages name them from the root
    cli = Cli(os.path.abspath(args.sentraj))
    t = Tap(args.first)
    fixtures = {"conversations": os.path.join("fixtures", "conversations.csv"),
                "skewed80": os.path.join("fixtures", "skewed80.csv")}
    with tempfile.TemporaryDirectory(prefix="sentraj-python.") as tmp:
        test_api(t, cli)
        test_analyze(t, cli, fixtures)
        test_save_resamples(t, cli, fixtures, tmp)
        test_deltas_positions(t, cli, fixtures)
        test_summaries(t, cli, fixtures, tmp)
        test_figures(t, cli, fixtures, tmp)
        test_stats(t, cli, fixtures, tmp)
        test_other_inputs(t, cli, root, tmp)
        test_dataframes(t, cli, fixtures, tmp)
        test_bad_inputs(t, root)
        test_error_details(t, cli, fixtures, tmp)
        test_bad_options(t, cli, fixtures)
        test_memory_error(t, root)
        test_threads_seeds(t, cli, fixtures)
        test_gil(t, fixtures, tmp)
        test_interrupt(t, tmp)
        test_leaks(t, fixtures, tmp)
    print("1..%d" % t.n)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
