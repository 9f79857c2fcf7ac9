"""sentraj: how the sentiment people express changes over a conversation, and how sure we can be of it.

The functions mirror the commands of the ``sentraj`` command line and run
the same library in this process: ``analyze``, ``deltas``, ``positions``,
``summarize``, ``merge``, ``figure4``, ``positions_figure``, ``compare``,
``test``, ``transitions`` and ``sensitivity``, and the figures of the last
ones: ``compare_figure``, ``transitions_figure``, ``sensitivity_figure``.
Each takes
its data as a path (any format the command reads: CSV, JSONL, ConvoKit, a
summary; plain or gzip), a list of paths (one data set), or a pandas
DataFrame with the message columns (``conversation_id``, ``message_index``,
``role``, ``sentiment``, optionally ``categories``; other names with the
``col_*`` options), and the command's options as keywords, spelled with
``_`` for ``-``. Results are DataFrames with exactly the command's CSV
columns and the library's own numbers (no text in between).

Errors: ``sentraj.InputError`` for bad data (with ``source``, ``line``,
``col``), ``ValueError`` / ``TypeError`` for bad options (raised before any
input is read), ``OSError`` for files that cannot be read, ``MemoryError``.
Ctrl-C stops a long bootstrap and raises ``KeyboardInterrupt``. The GIL is
released while the library reads and resamples.

docs/python.md has a walk-through.
"""

from __future__ import annotations

import functools
import os
from typing import Any, Callable, Tuple, TypeVar, Union

from . import _options, _sentraj
from ._errors import InputError, InternalError, ScaleWarning, call
from ._inputs import analysis_source, items, read, scale_handle
from ._options import (ANALYZE, COMPARE, COMPARE_FIGURE, DELTAS, FIGURE4, POSITIONS, POSITIONS_FIGURE, SENSITIVITY,
                       SENSITIVITY_FIGURE, SUMMARIZE, TEST, TRANSITIONS, TRANSITIONS_FIGURE, Resolved, resolve,
                       signature)
from ._results import Figure, PathLike, Summary, frame

__all__ = [
    "analyze", "deltas", "positions", "summarize", "merge", "figure4", "positions_figure", "compare", "compare_figure",
    "test", "transitions", "transitions_figure", "sensitivity", "sensitivity_figure", "fixture_path",
    "Figure", "Summary", "InputError", "InternalError", "ScaleWarning", "library_version",
    "EDATA", "ELIMIT",
]

__version__ = _sentraj.version()

# The library's status codes carried by InputError.status.
EDATA: int = _sentraj.EDATA
ELIMIT: int = _sentraj.ELIMIT

F = TypeVar("F", bound=Callable[..., Any])


def library_version() -> str:
    """The version of libsentraj inside this package."""
    return _sentraj.version()


def fixture_path() -> str:
    """The bundled fixture conversations.csv (3000 synthetic conversations),
    which ``figure4()`` draws when given no data."""
    return os.path.join(os.path.dirname(__file__), "data", "conversations.csv")


def _command(name: str, returns: Any, data_default: Any = None, data_required: bool = True) -> Callable[[F], F]:
    """Give a function the signature and the options' documentation of the
    option table's command `name`."""

    def wrap(fn: F) -> F:
        sig = signature(name, data_default=_options.inspect.Parameter.empty if data_required else data_default)
        sig = sig.replace(return_annotation=returns)

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            data, r = resolve(name, args, kwargs, sig)
            return fn(data, r)

        run.__signature__ = sig  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in sig.parameters.values()}
        run.__annotations__["return"] = returns
        run.__doc__ = _options.inspect.cleandoc(fn.__doc__ or "") + "\n\n" + _options.parameters_doc(name) + "\n"
        return run  # type: ignore[return-value]

    return wrap


def _analysis(data: Any, r: Resolved, command: str) -> Tuple[Any, dict]:
    """The analysis of data with r's options, rows in r's order."""
    cfg = dict(r.config, keep_resamples=int(bool(r.values.get("save_resamples"))))
    if r.values.get("by_start"):
        # The starting levels are the scale's labels: the messages themselves.
        ds, info = read(items(data), r, ANALYZE)
        an = call(_sentraj.analysis_by_start, ds, scale_handle(r), cfg)
        if r.order_names:
            call(_sentraj.reorder, an, r.order_names)
        return an, info["counts"]
    src, counts = analysis_source(items(data), r, command)
    an = call(_sentraj.analysis, src, cfg)
    if r.order_names:
        call(_sentraj.reorder, an, r.order_names)
    return an, counts


@_command(ANALYZE, "pandas.DataFrame | tuple[pandas.DataFrame, pandas.DataFrame]")
def analyze(data: Any, r: Resolved) -> Any:
    """Per category and for "all": the mean change in human sentiment from the
    first to the last window of a conversation, with a bootstrap interval
    (``sentraj analyze``).

    data: messages (a path, a list of paths, a DataFrame), or summaries (a
    Summary, a summary file, or a list of them, merged).

    Returns a DataFrame with the columns category, conversations,
    mean_first, mean_last, mean_delta, ci_low, ci_high, level, method,
    engine, resamples, seed, se, status (missing values NaN; a one-sided
    interval's open end infinite), and ``attrs["counts"]``: what was read,
    kept and dropped. With ``save_resamples=True``, ``(results, resamples)``:
    the resampled means as --save-resamples writes them (category, resample,
    mean; exact engine: category, mean, probability).
    """
    an, counts = _analysis(data, r, ANALYZE)
    results = frame(call(_sentraj.columns, an), {"counts": counts})
    if r.values.get("save_resamples"):
        return results, frame(call(_sentraj.resamples, an))
    return results


@_command(DELTAS, "pandas.DataFrame")
def deltas(data: Any, r: Resolved) -> Any:
    """One row per kept conversation, sorted by id (``sentraj deltas``).

    Columns conversation_id, categories (a sorted list joined by the
    category separator, "" for none), human_messages, mean_first, mean_last,
    delta; ``attrs["counts"]`` as for analyze.
    """
    ds, info = read(items(data), r, DELTAS)
    return frame(call(_sentraj.deltas, ds), {"counts": info["counts"]})


def _positions(data: Any, r: Resolved) -> Tuple[Any, dict]:
    ds, info = read(items(data), r, POSITIONS, keep_labels=True)
    p = call(_sentraj.positions, ds, r.config, r.positions)
    if r.order_names:
        call(_sentraj.reorder, p, r.order_names)
    return p, info["counts"]


@_command(POSITIONS, "pandas.DataFrame")
def positions(data: Any, r: Resolved) -> Any:
    """Per category and for "all", the mean human label at each human message
    position (or in ``bins`` equal parts of every conversation), with a
    bootstrap interval that resamples whole conversations
    (``sentraj positions``).

    Columns category, position, conversations, mean, ci_low, ci_high;
    ``attrs["counts"]`` as for analyze.
    """
    p, counts = _positions(data, r)
    return frame(call(_sentraj.columns, p), {"counts": counts})


@_command(SUMMARIZE, "Summary")
def summarize(data: Any, r: Resolved) -> Summary:
    """The small, mergeable summary from which ``analyze`` and ``figure4``
    give the same output as from the messages (``sentraj summarize``).
    Every label must lie on the scale's lattice."""
    scale = scale_handle(r)
    ds, _ = read(items(data), r, SUMMARIZE, scale=scale)
    return Summary(call(_sentraj.summary_compute, ds, scale))


def merge(*summaries: Union[Summary, PathLike]) -> Summary:
    """Add up summaries of disjoint shards of one data set (``sentraj merge``):
    Summary objects or summary files, made with the same window, min_human
    and label scale. The arguments are not changed."""
    if not summaries:
        raise ValueError("no summary given")
    merged = None
    for s in summaries:
        if isinstance(s, Summary):
            h = s._handle
        elif isinstance(s, (str, os.PathLike)):
            h = call(_sentraj.summary_read, os.fspath(s))
        else:
            raise TypeError("merge takes Summary objects or summary files, not %s" % type(s).__name__)
        if merged is None:
            merged = call(_sentraj.summary_copy, h) if isinstance(s, Summary) else h
        else:
            call(_sentraj.summary_merge, merged, h)
    return Summary(merged)


def _figure(handle: Any, r: Resolved, data: Any) -> Figure:
    """The figure of a result, once the options are checked against its rows."""
    _options.check_figure(handle, r)
    return Figure(handle, r.figure, r.order_names, r.values.get("labels"), data)


@_command(FIGURE4, "Figure", data_default=None, data_required=False)
def figure4(data: Any, r: Resolved) -> Figure:
    """The published figure (``sentraj figure4``): per category, the mean change
    with its interval as a bar with error bars. Without data, on the bundled
    fixture. ``order`` names exactly the bars drawn, left to right.

    Returns a Figure (shown by a notebook; ``.png``, ``.svg``, ``.pdf``,
    ``.save(path)``) whose ``data`` is the analysis, as analyze returns it.
    """
    if data is None:
        data = fixture_path()
    an, counts = _analysis(data, r, FIGURE4)
    return _figure(an, r, frame(call(_sentraj.columns, an), {"counts": counts}))


@_command(POSITIONS_FIGURE, "Figure")
def positions_figure(data: Any, r: Resolved) -> Figure:
    """The figure of ``positions`` (``sentraj positions --figure``): one line
    per category over a band of its interval, "all" dashed. ``order`` names
    exactly the lines drawn, in legend order.

    Returns a Figure whose ``data`` is the positions table.
    """
    p, counts = _positions(data, r)
    return _figure(p, r, frame(call(_sentraj.columns, p), {"counts": counts}))


@_command(COMPARE, "pandas.DataFrame")
def compare(data: Any, r: Resolved) -> Any:
    """Differences a - b between categories of the statistic of their
    deltas, with a bootstrap interval and a two-sided p-value for "no
    difference" (``sentraj compare``): every pair, each against
    ``reference``, or the ``pairs`` given. The conversations of a and b are
    resampled together, so overlapping categories are handled.

    Columns category_a, category_b, conversations_a, conversations_b,
    estimate_a, estimate_b, difference, ci_low, ci_high, p_value, p_holm,
    statistic, method, resamples, seed, status; ``attrs["counts"]`` as for
    analyze.
    """
    c, counts = _compare(data, r)
    return frame(call(_sentraj.columns, c), {"counts": counts})


def _compare(data: Any, r: Resolved) -> Tuple[Any, dict]:
    ds, info = read(items(data), r, COMPARE)
    return call(_sentraj.compare, ds, r.config, r.values.get("reference"), r.values.get("pairs")), info["counts"]


@_command(COMPARE_FIGURE, "Figure")
def compare_figure(data: Any, r: Resolved) -> Figure:
    """The figure of ``compare`` (``sentraj compare --figure``): each
    difference with its interval, and the zero line.

    Returns a Figure whose ``data`` is the table compare returns.
    """
    c, counts = _compare(data, r)
    return _figure(c, r, frame(call(_sentraj.columns, c), {"counts": counts}))


@_command(TEST, "pandas.DataFrame")
def test(data: Any, r: Resolved) -> Any:
    """Per category and for "all", tests of "no trajectory": a permutation
    test shuffling each conversation's human labels, a sign-flip test of the
    mean delta, the effect size d_z and Holm's adjustment (``sentraj test``).

    Columns category, conversations, mean_delta, sd_delta, d_z, p_within,
    p_sign_flip, p_holm, resamples, seed, status; ``attrs["counts"]`` as for
    analyze.
    """
    ds, info = read(items(data), r, TEST, keep_labels=True)
    t = call(_sentraj.test, ds, r.config)
    return frame(call(_sentraj.columns, t), {"counts": info["counts"]})


# The command's tests of the package call sentraj.test; pytest must not.
test.__test__ = False  # type: ignore[attr-defined]


@_command(TRANSITIONS, "pandas.DataFrame")
def transitions(data: Any, r: Resolved) -> Any:
    """Per category, the transition matrix from starting to ending level:
    of the conversations whose first window is nearest a label of the
    scale, the share whose last window is nearest each label, with a
    bootstrap interval (``sentraj transitions``).

    Columns category, start, end, conversations, share, ci_low, ci_high;
    ``attrs["counts"]`` as for analyze.
    """
    t, counts = _transitions(data, r)
    return frame(call(_sentraj.columns, t), {"counts": counts})


def _transitions(data: Any, r: Resolved) -> Tuple[Any, dict]:
    ds, info = read(items(data), r, TRANSITIONS)
    return call(_sentraj.transitions, ds, scale_handle(r), r.config), info["counts"]


@_command(TRANSITIONS_FIGURE, "Figure")
def transitions_figure(data: Any, r: Resolved) -> Figure:
    """The figure of ``transitions`` (``sentraj transitions --figure``): a
    heatmap of row shares per category; ``order`` as a list names the
    panels drawn, in order.

    Returns a Figure whose ``data`` is the table transitions returns.
    """
    t, counts = _transitions(data, r)
    return _figure(t, r, frame(call(_sentraj.columns, t), {"counts": counts}))


def _loosest(windows: Any, min_humans: Any) -> Tuple[int, int]:
    """The loosest filter of a sensitivity grid, which the data are read
    with (as the command line reads them, so the counts describe it)."""
    best = None
    for w in windows or (1, 2, 3, 4):
        for m in min_humans or (4, 6, 8, 10, 15, 20):
            if m >= 2 * w and (best is None or (w, m) < best):
                best = (w, m)
    return best or (3, 6)


@_command(SENSITIVITY, "pandas.DataFrame")
def sensitivity(data: Any, r: Resolved) -> Any:
    """The analysis at every window and minimum number of human messages
    of a grid, pairs whose windows would overlap left out
    (``sentraj sensitivity``).

    Columns category, window, min_human, conversations, mean_delta, ci_low,
    ci_high; ``attrs["counts"]`` of the data read with the loosest filter.
    """
    s, counts = _sensitivity(data, r)
    return frame(call(_sentraj.columns, s), {"counts": counts})


def _sensitivity(data: Any, r: Resolved) -> Tuple[Any, dict]:
    windows, min_humans = r.values.get("windows"), r.values.get("min_humans")
    w, m = _loosest(windows, min_humans)
    r.config.update(window=w, min_human=m)
    ds, info = read(items(data), r, SENSITIVITY, keep_labels=True)
    return call(_sentraj.sensitivity, ds, r.config, windows, min_humans), info["counts"]


@_command(SENSITIVITY_FIGURE, "Figure")
def sensitivity_figure(data: Any, r: Resolved) -> Figure:
    """The figure of ``sensitivity`` (``sentraj sensitivity --figure``): the
    statistic with its interval over the grid, per category.

    Returns a Figure whose ``data`` is the table sensitivity returns.
    """
    s, counts = _sensitivity(data, r)
    return _figure(s, r, frame(call(_sentraj.columns, s), {"counts": counts}))
