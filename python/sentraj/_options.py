"""The options of sentraj's functions: one table, from which their signatures, docstrings and checks are made.

An option is added here: one ``Option`` naming the functions that take it
(the command line's option, with ``_`` for ``-``), its kind, and where its
value goes -- a field of one of the library's option structs (``group`` and
``field``; the extension's table in python/_sentraj/fields.c must know the
field), or the package itself (``group=None``). Its default comes from the
library when it has a field, so the documentation cannot drift from it.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import numbers
import os
import textwrap
import typing
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple, Union

from . import _sentraj
from ._errors import call, from_library

DEFAULTS: Dict[str, Dict[str, Any]] = _sentraj.defaults()
CHOICES: Dict[str, List[str]] = _sentraj.choices()

# The functions, by the command they mirror.
ANALYZE, DELTAS, POSITIONS, SUMMARIZE = "analyze", "deltas", "positions", "summarize"
FIGURE4, POSITIONS_FIGURE = "figure4", "positions_figure"
COMPARE, TEST, TRANSITIONS, SENSITIVITY = "compare", "test", "transitions", "sensitivity"
COMPARE_FIGURE, TRANSITIONS_FIGURE, SENSITIVITY_FIGURE = "compare_figure", "transitions_figure", "sensitivity_figure"
# A statistics command's figure takes the command's options and the figure's.
BASE = {COMPARE_FIGURE: COMPARE, TRANSITIONS_FIGURE: TRANSITIONS, SENSITIVITY_FIGURE: SENSITIVITY}
STATS_FIGURES = frozenset(BASE)

# Sets of functions that share options, named by what they do (as in
# src/cli/options.c).
STATS_COMMANDS = frozenset({COMPARE, TEST, TRANSITIONS, SENSITIVITY}) | STATS_FIGURES
READERS = frozenset({ANALYZE, DELTAS, POSITIONS, SUMMARIZE, FIGURE4, POSITIONS_FIGURE}) | STATS_COMMANDS
FILTERS = READERS - {SENSITIVITY, SENSITIVITY_FIGURE}  # sensitivity takes a grid of them instead
BOOTSTRAPPERS = frozenset({ANALYZE, POSITIONS, FIGURE4, POSITIONS_FIGURE, COMPARE, TRANSITIONS, SENSITIVITY}) | STATS_FIGURES
STATISTICS = frozenset({ANALYZE, FIGURE4, COMPARE, SENSITIVITY, COMPARE_FIGURE, SENSITIVITY_FIGURE})  # estimate a statistic of the deltas
DRAWERS = frozenset({FIGURE4, POSITIONS_FIGURE})  # the published figure and the positions one
FIGURES = DRAWERS | STATS_FIGURES  # every function that returns a Figure
NAMERS = DRAWERS | {TRANSITIONS_FIGURE}  # figures whose categories an order or labels can name
POSITIONERS = frozenset({POSITIONS, POSITIONS_FIGURE})

_MISSING = object()

PathLike = Union[str, os.PathLike]


@dataclasses.dataclass(frozen=True)
class Option:
    """One keyword option."""

    name: str
    commands: FrozenSet[str]
    kind: str  # int, real, enum, name, path, flag, char, text, scale, order, labels
    help: str
    annotation: Any
    group: Optional[str] = None  # config, input, figure, positions: a library struct; None: the package
    field: Optional[str] = None  # the struct's field (default: name)
    lo: Optional[float] = None
    hi: Optional[float] = None
    open: bool = False  # real: lo and hi themselves refused
    optional: bool = False  # None is allowed (and means the library's "not given")
    default_: Any = _MISSING  # when the default is not the library's

    @property
    def target(self) -> str:
        return self.field or self.name

    @property
    def default(self) -> Any:
        if self.default_ is not _MISSING:
            return self.default_
        value = DEFAULTS[self.group][self.target]
        return bool(value) if self.kind == "flag" else value


def _choices(field: str) -> Any:
    return typing.Literal[tuple(CHOICES[field])]  # type: ignore[misc]


Scale = Union[int, PathLike, Mapping[str, float], None]
Order = Union[str, Sequence[str], PathLike]
Labels = Union[Mapping[str, str], Sequence[Tuple[str, str]], str, None]

OPTIONS: Tuple[Option, ...] = (
    # The filter.
    Option("min_human", FILTERS, "int", "keep conversations with at least this many human messages", int,
           "config", lo=1, hi=10**9),
    Option("window", FILTERS, "int", "human messages averaged at the start and at the end", int, "config",
           lo=1, hi=1000),
    # The bootstrap.
    Option("resamples", BOOTSTRAPPERS | {TEST}, "int", "bootstrap resamples B (the exact engine draws none)", int,
           "config", lo=2, hi=10**8),
    Option("level", BOOTSTRAPPERS, "real", "confidence level, strictly between 0 and 1", float, "config",
           lo=0, hi=1, open=True),
    Option("method", BOOTSTRAPPERS, "enum", "the interval", _choices("method"), "config"),
    Option("engine", BOOTSTRAPPERS, "enum",
           "auto: multinomial when a category has few distinct deltas for its size, else index; exact: the "
           "whole bootstrap distribution, no Monte Carlo error (analyze and figure4)", _choices("engine"),
           "config"),
    Option("alternative", BOOTSTRAPPERS, "enum",
           "two-sided, or a one-sided interval with an infinite end (figures: two-sided only)",
           _choices("alternative"), "config"),
    Option("sim", BOOTSTRAPPERS, "enum", "balanced: every conversation drawn exactly B times (index engine)",
           _choices("sim"), "config"),
    Option("seed", BOOTSTRAPPERS | {TEST}, "int", "random seed: the output is fully determined by data and seed", int,
           "config", lo=0, hi=2**64 - 1),
    Option("threads", READERS, "int",
           "threads for resampling and for reading a large CSV file, 0 = all cores; results do not depend "
           "on it", int, "config", lo=0, hi=1024),
    Option("cluster_by", BOOTSTRAPPERS, "name",
           "resample the values of this column (JSONL key), e.g. a user id, each with all its conversations",
           Optional[str], "input", "col_cluster", optional=True),
    Option("statistic", STATISTICS, "statistic",
           "what mean_delta and its interval are of: mean, median, trimmed:F (F cut from each end), share-up, "
           "share-down or share-same", str, "config", default_="mean"),
    Option("small", BOOTSTRAPPERS | {TEST}, "int",
           "status small for an interval from fewer than this many conversations (or clusters); 0: never", int,
           "config", lo=0, hi=10**9),
    Option("by_start", frozenset({ANALYZE}), "flag",
           "rows CATEGORY|START: the change within each starting level (the first window's mean at the nearest "
           "label of the scale)", bool, default_=False),
    Option("reference", frozenset({COMPARE, COMPARE_FIGURE}), "name", "each other category against this one (\"all\" allowed)",
           Optional[str], optional=True, default_=None),
    Option("pairs", frozenset({COMPARE, COMPARE_FIGURE}), "pairs",
           "these differences a - b, in this order: [(a, b), ...] or \"A:B,C:D\"",
           Optional[Union[str, Sequence[Tuple[str, str]]]], optional=True, default_=None),
    Option("windows", frozenset({SENSITIVITY, SENSITIVITY_FIGURE}), "ints", "the windows of the grid (None: 1, 2, 3, 4)",
           Optional[Sequence[int]], lo=1, hi=1000, optional=True, default_=None),
    Option("min_humans", frozenset({SENSITIVITY, SENSITIVITY_FIGURE}), "ints",
           "the minimum human messages of the grid (None: 4, 6, 8, 10, 15, 20)", Optional[Sequence[int]], lo=1,
           hi=10**9, optional=True, default_=None),
    Option("save_resamples", frozenset({ANALYZE}), "flag",
           "also return each category's resampled means: (results, resamples)", bool, default_=False),
    Option("order", frozenset({ANALYZE, POSITIONS, TRANSITIONS}) | NAMERS, "order",
           "the rows: natural (runs of digits as numbers), name (bytewise), value (largest first), or the "
           "categories to put first (a list, a comma list, or a file of one name a line; in a figure, "
           "exactly those)", Order, "config"),
    # The input.
    Option("input_format", READERS, "enum", "auto: by content (a directory is a ConvoKit corpus)",
           _choices("format"), "input", "format"),
    Option("scale", READERS, "scale",
           "the label scale: 3, 5 or 7 points (built in), a file of label,value lines, or a {label: value} "
           "mapping; None: the 5-point scale", Scale, default_=None),
    Option("categories", READERS, "path", "a CSV of conversation_id,categories joined to the messages",
           Optional[PathLike], optional=True, default_=None),
    Option("category_sep", READERS, "char", "the character between the names of a categories field", str,
           "input"),
    Option("col_id", READERS, "name", "column (CSV) or key (JSONL) of the conversation id", str, "input"),
    Option("col_index", READERS, "name", "column (CSV) or key (JSONL) of the message index", str, "input"),
    Option("col_role", READERS, "name", "column (CSV) or key (JSONL) of the role", str, "input"),
    Option("col_sentiment", READERS, "name", "column (CSV) or key (JSONL) of the sentiment", str, "input"),
    Option("col_categories", READERS, "name", "column (CSV) or key (JSONL) of the categories", str, "input"),
    Option("label_key", READERS, "name", "ConvoKit: utterance meta key of the label", str, "input"),
    Option("role_key", READERS, "name", "ConvoKit: utterance meta key of the role (None: the speaker)",
           Optional[str], "input", optional=True),
    Option("role_map", READERS, "path",
           "\"value,role\" lines mapping the role column's values (e.g. speakers) to human, assistant or ignore; "
           "\"*,ROLE\" for the rest", Optional[PathLike], "input", "speaker_roles", optional=True),
    Option("speaker_roles", READERS, "path", "the same as role_map", Optional[PathLike], "input", optional=True),
    Option("all_human", READERS, "flag", "every row is a human message; no role column needed", bool, "input"),
    Option("id_scope", READERS, "enum",
           "file keeps each input's conversation ids apart, shown as FILE:ID", _choices("id_scope"), "input"),
    Option("encoding", READERS, "text", "the input's character encoding, any iconv name, e.g. latin1 (None: UTF-8)",
           Optional[str], "input", optional=True),
    Option("category_key", READERS, "name", "ConvoKit: conversation meta key of the categories", str, "input"),
    # Positions.
    Option("max_position", POSITIONERS, "int", "positions 1 .. max_position", int, "positions", lo=1,
           hi=10000),
    Option("bins", POSITIONERS, "int",
           "instead of positions: this many equal fractions of each conversation (None: by position)",
           Optional[int], "positions", lo=1, hi=1000, optional=True, default_=None),
    Option("all_conversations", POSITIONERS, "flag",
           "every conversation with a human message, not only those with at least min_human", bool,
           "positions"),
    # The figure.
    Option("title", FIGURES, "text", "figure title (None: one naming the window and level)", Optional[str],
           "figure", optional=True),
    Option("width", FIGURES, "int", "figure width in points (1/72 inch)", int, "figure", lo=100, hi=10000),
    Option("height", FIGURES, "int", "figure height in points", int, "figure", lo=100, hi=10000),
    Option("dpi", FIGURES, "int", "PNG resolution: width*dpi/72 x height*dpi/72 pixels", int, "figure", lo=10,
           hi=2400),
    Option("labels", NAMERS, "labels", "display names: {category: text}", Labels, default_=None),
    Option("subtitle", DRAWERS, "text",
           "subtitle (None: one naming the interval method, level, resamples and engines; '': none)",
           Optional[str], "figure", optional=True),
    Option("xlabel", DRAWERS, "text", "title of the horizontal axis (None: the default; '': none)", Optional[str],
           "figure", optional=True),
    Option("ylabel", DRAWERS, "text", "title of the vertical axis (None: the default; '': none)", Optional[str],
           "figure", optional=True),
    Option("orientation", frozenset({FIGURE4}), "enum",
           "auto: horizontal bars when the names would not fit under vertical ones", _choices("orientation"),
           "figure"),
    Option("no_all", DRAWERS, "flag", "leave out the bar (line) of every kept conversation", bool, "figure"),
)

BY_NAME = {o.name: o for o in OPTIONS}


def options_of(command: str) -> List[Option]:
    return [o for o in OPTIONS if command in o.commands]


# ---- signatures and docstrings ------------------------------------------------


def _annotation_text(a: Any) -> str:
    return inspect.formatannotation(a).replace("typing.", "")


def signature(command: str, data_default: Any = inspect.Parameter.empty) -> inspect.Signature:
    """The signature of a function: data, then its options, keyword only."""
    params = [inspect.Parameter("data", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=data_default)]
    for o in options_of(command):
        params.append(inspect.Parameter(o.name, inspect.Parameter.KEYWORD_ONLY, default=o.default,
                                        annotation=o.annotation))
    return inspect.Signature(params)


def parameters_doc(command: str) -> str:
    """The "Options" section of a function's docstring."""
    lines = ["Options (keyword only; the command line's options, with _ for -):", ""]
    for o in options_of(command):
        lines.append("    %s: %s = %r" % (o.name, _annotation_text(o.annotation), o.default))
        lines.extend(textwrap.wrap(o.help, 76, initial_indent=" " * 8, subsequent_indent=" " * 8))
    return "\n".join(lines)


# ---- checking values --------------------------------------------------------


def _int(o: Option, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise TypeError("%s must be an int, not %s" % (o.name, type(v).__name__))
    v = int(v)
    if not o.lo <= v <= o.hi:
        raise ValueError("%s must be between %d and %d, not %d" % (o.name, o.lo, o.hi, v))
    return v


def _real(o: Option, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError("%s must be a number, not %s" % (o.name, type(v).__name__))
    v = float(v)
    inside = o.lo < v < o.hi if o.open else o.lo <= v <= o.hi
    if not (math.isfinite(v) and inside):
        raise ValueError("%s must be a number %s %g and %g, not %r"
                         % (o.name, "strictly between" if o.open else "between", o.lo, o.hi, v))
    return v


def _str(o: Option, v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError("%s must be a str, not %s" % (o.name, type(v).__name__))
    return v


def _path(o: Option, v: Any) -> str:
    if not isinstance(v, (str, os.PathLike)):
        raise TypeError("%s must be a path (str or os.PathLike), not %s" % (o.name, type(v).__name__))
    return os.fspath(v)


def _check(o: Option, v: Any) -> Any:
    """v as the library takes it, or TypeError/ValueError."""
    if v is None and (o.optional or o.default is None):
        return None
    if o.kind == "int":
        return _int(o, v)
    if o.kind == "real":
        return _real(o, v)
    if o.kind == "flag":
        if not isinstance(v, (bool, _numpy_bool())):
            raise TypeError("%s must be True or False, not %s" % (o.name, type(v).__name__))
        return bool(v)
    if o.kind == "enum":
        _sentraj.parse_enum(o.target, _str(o, v))
        return v
    if o.kind == "name":
        if not _str(o, v):
            raise ValueError("%s must not be empty" % o.name)
        return v
    if o.kind == "char":
        if len(_str(o, v)) != 1:
            raise ValueError("%s expects one character, not %r" % (o.name, v))
        return v
    if o.kind == "text":
        return _str(o, v)
    if o.kind == "path":
        return _path(o, v)
    if o.kind == "scale":
        return _scale(o, v)
    if o.kind == "order":
        return _order(o, v)
    if o.kind == "labels":
        return _labels(o, v)
    if o.kind == "statistic":
        try:
            return _sentraj.parse_statistic(_str(o, v))
        except ValueError as e:
            raise ValueError("statistic: %s" % e) from None
    if o.kind == "pairs":
        return _pairs(v)
    if o.kind == "ints":
        return _ints(o, v)
    raise AssertionError(o.kind)


def _pairs(v: Any) -> List[str]:
    """Differences a - b as the flat list [a, b, ...]: from [(a, b), ...] or
    the command line's "A:B,C:D" (a backslash escaping ',', ':' or itself)."""
    if isinstance(v, str):
        pairs, cur, item, i = [], [], [], 0
        while i <= len(v):
            c = v[i] if i < len(v) else ","
            if c == "\\" and i + 1 < len(v) and v[i + 1] in ",:\\":
                cur.append(v[i + 1])
                i += 2
                continue
            if c == ":" and not item:
                item.append("".join(cur))
                cur = []
            elif c == ",":
                if len(item) != 1:
                    raise ValueError("pairs: %r is not A:B" % "".join(cur))
                pairs.append((item[0], "".join(cur)))
                item, cur = [], []
            else:
                cur.append(c)
            i += 1
        v = pairs
    if not isinstance(v, Sequence):
        raise TypeError("pairs must be a list of (a, b) pairs or \"A:B,C:D\", not %s" % type(v).__name__)
    flat = []
    for p in v:
        if not isinstance(p, (tuple, list)) or len(p) != 2 or not all(isinstance(s, str) for s in p):
            raise TypeError("pairs: each pair is (a, b), two category names, not %r" % (p,))
        if not p[0] or not p[1]:
            raise ValueError("pairs: an empty category name in %r" % (tuple(p),))
        flat.extend(p)
    if not flat:
        raise ValueError("pairs: no pair given")
    return flat


def _ints(o: Option, v: Any) -> List[int]:
    """A list of distinct ints in the option's range."""
    if isinstance(v, (str, bytes)) or not isinstance(v, Sequence):
        raise TypeError("%s must be a list of int, not %s" % (o.name, type(v).__name__))
    out = [_int(o, x) for x in v]
    if not out:
        raise ValueError("%s: the list is empty" % o.name)
    seen = set()
    for x in out:
        if x in seen:
            raise ValueError("%s %d is given twice" % ({"windows": "window"}.get(o.name, "min-human"), x))
        seen.add(x)
    return out


def _numpy_bool() -> type:
    try:
        import numpy
        return numpy.bool_
    except ImportError:  # pragma: no cover - pandas needs numpy
        return bool


def _scale(o: Option, v: Any) -> Any:
    """3, 5 or 7; a path; or (text, name) for a mapping."""
    if isinstance(v, bool):
        raise TypeError("scale must be 3, 5, 7, a path or a {label: value} mapping, not bool")
    if isinstance(v, str) and v.isdigit() and not os.path.exists(v):
        v = int(v)
    if isinstance(v, numbers.Integral):
        if int(v) not in (3, 5, 7):
            raise ValueError("scale expects 3, 5, 7, a label scale file or a {label: value} mapping, not %d" % v)
        return int(v)
    if isinstance(v, Mapping):
        lines = []
        for label, value in v.items():
            if not isinstance(label, str) or isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError("a scale mapping takes str labels to numbers, not %r: %r" % (label, value))
            if any(c in label for c in ",\r\n#"):
                raise ValueError("a scale label cannot hold ',', '#' or a line break: %r" % label)
            lines.append("%s,%r\n" % (label, float(value)))
        return ("".join(lines), "<scale>")
    return _path(o, v)


def _split_list(text: str) -> List[str]:
    """A comma list as the command line reads it: blanks around items
    dropped, a backslash escaping ',', '=' or itself."""
    items, cur, i = [], [], 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 >= len(text) or text[i + 1] not in ",=\\":
                raise ValueError("order: a backslash must be followed by ',', '=' or '\\' in %r" % text)
            cur.append(text[i + 1])
            i += 2
            continue
        if c == ",":
            items.append("".join(cur).strip(" \t"))
            cur = []
        else:
            cur.append(c)
        i += 1
    items.append("".join(cur).strip(" \t"))
    if any(not s for s in items):
        raise ValueError("order: empty item in %r" % text)
    return items


def _order(o: Option, v: Any) -> Any:
    """A built-in order's name, or the list of categories to put first."""
    if isinstance(v, str) and v in CHOICES["order"]:
        return v
    if isinstance(v, (str, os.PathLike)):
        p = os.fspath(v)
        if os.path.isfile(p):
            with open(p, encoding="utf-8") as f:
                names = [s.strip(" \t\r\n") for s in f]
            names = [s for s in names if s and not s.startswith("#")]
            if not names:
                raise ValueError("order %s names no category" % p)
            return names
        if not isinstance(v, str):
            raise ValueError("order: no file %s" % p)
        if not v:
            raise ValueError("order expects natural, name, value, or categories")
        return _split_list(v)
    if isinstance(v, Sequence) and not isinstance(v, (bytes, bytearray)):
        names = list(v)
        if not names:
            raise ValueError("order: the list names no category")
        for s in names:
            if not isinstance(s, str):
                raise TypeError("order: category names must be str, not %s" % type(s).__name__)
            if not s:
                raise ValueError("order: an empty category name")
        return names
    raise TypeError("order must be natural, name, value, or a list of categories, not %s" % type(v).__name__)


def _labels(o: Option, v: Any) -> List[str]:
    """Display names as the flat list [category, text, ...]."""
    if isinstance(v, str):
        pairs = []
        for item in _split_list(v):
            if "=" not in item:
                raise ValueError("labels: %r is not NAME=TEXT" % item)
            name, text = item.split("=", 1)
            pairs.append((name.strip(" \t"), text.strip(" \t")))
    elif isinstance(v, Mapping):
        pairs = list(v.items())
    elif isinstance(v, Sequence):
        pairs = [tuple(p) for p in v]
    else:
        raise TypeError("labels must be a {category: text} mapping, not %s" % type(v).__name__)
    flat = []
    for p in pairs:
        if len(p) != 2 or not all(isinstance(s, str) for s in p):
            raise TypeError("labels: each label is a (category, text) pair of str, not %r" % (p,))
        flat.extend(p)
    return flat


# ---- a call's options, resolved ----------------------------------------------


@dataclasses.dataclass
class Resolved:
    """The options of one call, checked, grouped by where they go."""

    command: str
    given: FrozenSet[str]
    groups: Dict[str, Dict[str, Any]]
    values: Dict[str, Any]

    @property
    def config(self) -> Dict[str, Any]:
        return self.groups["config"]

    @property
    def input(self) -> Dict[str, Any]:
        return self.groups["input"]

    @property
    def figure(self) -> Dict[str, Any]:
        return self.groups["figure"]

    @property
    def positions(self) -> Dict[str, Any]:
        return self.groups["positions"]

    @property
    def order_names(self) -> Optional[List[str]]:
        v = self.values.get("order")
        return v if isinstance(v, list) else None


def resolve(command: str, args: Tuple[Any, ...], kwargs: Dict[str, Any],
            sig: inspect.Signature) -> Tuple[Any, Resolved]:
    """Bind and check a call's arguments: (data, Resolved), or TypeError and
    ValueError before any work, as the command line's usage errors."""
    bound = sig.bind(*args, **kwargs)
    given = frozenset(bound.arguments) - {"data"}
    bound.apply_defaults()
    groups: Dict[str, Dict[str, Any]] = {"config": {}, "input": {}, "figure": {}, "positions": {}}
    values: Dict[str, Any] = {}
    for o in options_of(command):
        v = _check(o, bound.arguments[o.name])
        values[o.name] = v
        if o.group is None:
            continue
        if o.kind == "order":
            if isinstance(v, str):
                groups["config"]["order"] = v
            continue
        if o.kind == "statistic":
            groups["config"]["statistic"], trim = v
            if trim is not None:
                groups["config"]["trim"] = trim
            continue
        if v is None and o.name == "bins":
            v = 0
        groups[o.group][o.target] = v
    r = Resolved(command, given, groups, values)
    _check_together(r)
    return bound.arguments["data"], r


def _check_together(r: Resolved) -> None:
    """What needs several options at once (the command line's checks)."""
    try:
        call(_sentraj.config_check, r.config)
    except ValueError as e:
        # The library names the command line's options ("--method"); here they are keywords.
        raise ValueError(str(e).replace("--", "")) from None
    cluster = r.values.get("cluster_by")
    if cluster and r.config.get("engine") == "exact":
        raise ValueError("cluster_by cannot use the exact engine (a resampled mean over clusters is a ratio of two "
                         "resampled sums): use engine='index' or 'multinomial'")
    if cluster and r.input.get("format") == "convokit":
        raise ValueError("cluster_by reads a CSV column or a JSONL key; ConvoKit corpora have none")
    if r.command in POSITIONERS:
        if r.config.get("engine") == "exact":
            raise ValueError("the exact engine cannot bootstrap positions (the conversations reaching a position "
                             "vary, so each resampled mean is a ratio of two resampled sums): use engine='index' "
                             "or 'multinomial'")
        if r.values.get("bins") is not None and "max_position" in r.given:
            raise ValueError("bins and max_position exclude each other (bins are fractions of each conversation, "
                             "positions are message numbers)")
    _check_stats(r)
    if r.command in FIGURES and r.config.get("alternative", "two-sided") != "two-sided":
        raise ValueError("the figure draws two-sided intervals; use the function without a figure for a one-sided "
                         "bound")
    if r.command in FIGURES:
        check_figure({FIGURE4: "figure4", POSITIONS_FIGURE: "positions"}.get(r.command) or BASE[r.command], r)


def _check_stats(r: Resolved) -> None:
    """The statistics commands' own usage errors, as the command line's."""
    engine, method = r.config.get("engine"), r.config.get("method")
    command = BASE.get(r.command, r.command)
    if command == COMPARE:
        if engine == "exact":
            raise ValueError("compare resamples two categories together; the exact engine has no distribution of a "
                             "difference of overlapping categories: use engine multinomial, index or auto")
        if method == "studentized":
            raise ValueError("compare has no standard error of each resampled difference for the studentized "
                             "method: use method percentile, basic, normal or bca")
        if r.values.get("reference") is not None and r.values.get("pairs") is not None:
            raise ValueError("reference and pairs exclude each other")
    if command == TRANSITIONS:
        order = r.values.get("order")
        if order == "value":
            raise ValueError("order='value' needs one estimate per row; transitions has a matrix per category: use "
                             "'natural' or 'name'")
        if isinstance(order, list) and r.command == TRANSITIONS:
            raise ValueError("order: a list names the categories of the transitions figure, which the package does "
                             "not draw; use 'natural' or 'name'")
        if engine == "exact":
            raise ValueError("the exact engine cannot bootstrap transitions (each share is a ratio of two resampled "
                             "counts): use engine index or multinomial")


def check_figure(what: Any, r: Resolved) -> None:
    """The figure options against a result (or, by the figure's name, against
    what does not depend on the data): ValueError naming the option at
    fault, as the command line's usage error."""
    try:
        _sentraj.check_figure(what, r.figure, r.order_names, r.values.get("labels"))
    except _sentraj.Error as e:
        if e.args[0] != _sentraj.EUSAGE:
            raise from_library(e) from None
        message = e.args[4]
        for lib, opt in (("figure order:", "order:"), ("figure labels:", "labels:")):
            if message.startswith(lib):
                message = opt + message[len(lib):]
        raise ValueError(message) from None
