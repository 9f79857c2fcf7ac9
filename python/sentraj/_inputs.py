"""A function's data -- paths, DataFrames, summaries -- read into the library as the command line reads its INPUTs."""

from __future__ import annotations

import os
import warnings
from typing import Any, Dict, List, Optional, Tuple

from . import _sentraj
from ._errors import InputError, ScaleWarning, call
from ._options import Resolved

FRAME = "<DataFrame>"

# The CSV columns a DataFrame input gives the reader: the col_* options and
# cluster_by. Other columns are left out of the text it is read from.
_COLUMN_OPTIONS = ("col_id", "col_index", "col_role", "col_sentiment", "col_categories", "col_cluster")


def _is_frame(x: Any) -> bool:
    try:
        import pandas
    except ImportError:  # pragma: no cover - a dependency of the package
        return False
    return isinstance(x, pandas.DataFrame)


def _is_summary(x: Any) -> bool:
    from ._results import Summary
    return isinstance(x, Summary)


def items(data: Any) -> List[Tuple[str, Any]]:
    """data as a list of ("path", str), ("frame", DataFrame) or ("summary", Summary)."""
    many = data if isinstance(data, (list, tuple)) else [data]
    if not many:
        raise ValueError("no input given: data is an empty list")
    out = []
    for x in many:
        if isinstance(x, (str, os.PathLike)):
            out.append(("path", os.fspath(x)))
        elif _is_frame(x):
            out.append(("frame", x))
        elif _is_summary(x):
            out.append(("summary", x))
        else:
            raise TypeError("data must be a path, a pandas DataFrame, a Summary or a list of them, not %s"
                            % type(x).__name__)
    paths = [v for k, v in out if k == "path"]
    if paths.count("-") > 1:
        raise ValueError("standard input (-) can be read only once")
    return out


def frame_csv(df: Any, r: Resolved) -> bytes:
    """A DataFrame's message columns as the CSV text the reader takes: the
    header and pandas' own CSV of the values (floats in the shortest form
    that reads back exactly; missing values empty). Column names match
    the col_* options case-insensitively, as the reader's header does."""
    wanted = {str(r.input[k]).lower() for k in _COLUMN_OPTIONS if r.input.get(k)}
    keep = [i for i, c in enumerate(df.columns) if str(c).lower() in wanted]
    text = df.iloc[:, keep].to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")


def _frame_row(e: InputError, df: Any, text: bytes) -> None:
    """Name the DataFrame row of an error: line L of the text is row L - 2
    (line 1 is the header) while no value holds a line break."""
    if e.line and e.line >= 2 and text.count(b"\n") == len(df) + 1:
        e.row = e.line - 2
        e.index = df.index[e.row]


def scale_handle(r: Resolved) -> Any:
    """The run's label scale: the 5-point scale unless scale= names another."""
    spec = r.values.get("scale")
    return call(_sentraj.scale, 5 if spec is None else spec)


def _scale_note(smaller: int, points: int) -> Optional[str]:
    if smaller == 3:
        return ("every human label is negative, neutral or positive: if the data were labelled on a 3-point "
                "scale, scale=3 reads them as -1, 0 and 1 (the %d-point scale reads them as %s, 0 and %s)"
                % (points, "-2/3" if points == 7 else "-0.5", "2/3" if points == 7 else "0.5"))
    if smaller == 5:
        return ("no human label is somewhat negative or somewhat positive: if the data were labelled on a "
                "5-point scale, scale=5 reads negative and positive as -0.5 and 0.5 (the 7-point scale reads "
                "them as -2/3 and 2/3)")
    return None


def read(data: List[Tuple[str, Any]], r: Resolved, command: str, keep_labels: bool = False,
         scale: Any = None) -> Tuple[Any, Dict[str, Any]]:
    """Read messages into a finished data set: (handle, info), info holding
    the counts. Summaries are refused, as by the command line."""
    frames = [v for k, v in data if k == "frame"]
    texts: List[bytes] = []  # of each DataFrame, in the order of frames
    inputs: List[Any] = []
    for kind, v in data:
        if kind == "summary" or (kind == "path" and call(_sentraj.summary_detect, v)):
            name = "a Summary" if kind == "summary" else v
            if command == "summarize":
                raise ValueError("%s is already a summary: add summaries up with sentraj.merge()" % name)
            raise ValueError("%s is a summary: sentraj.%s() needs the messages themselves" % (name, command))
        if kind == "path":
            if r.values.get("cluster_by") and v != "-" and os.path.isdir(v):
                raise ValueError("cluster_by reads a CSV column or a JSONL key; %s is a ConvoKit corpus "
                                 "directory, which has none" % v)
            inputs.append(v)
            continue
        if r.input.get("format") not in ("auto", "csv"):
            raise ValueError("a DataFrame is read as CSV: input_format must be 'auto' or 'csv', not %r"
                             % r.input.get("format"))
        # Counted, not looked up: a DataFrame's == compares values.
        name = FRAME if len(frames) == 1 else "<DataFrame %d>" % (len(texts) + 1)
        texts.append(frame_csv(v, r))
        inputs.append((texts[-1], name))
    if scale is None:
        scale = scale_handle(r)
    in_opts = dict(r.input, keep_labels=int(keep_labels))
    try:
        ds, info = call(_sentraj.read, inputs, r.config, in_opts, scale, r.values.get("categories"))
    except InputError as e:
        for i, df in enumerate(frames):
            if e.source == (FRAME if len(frames) == 1 else "<DataFrame %d>" % (i + 1)):
                _frame_row(e, df, texts[i])
        raise
    note = _scale_note(info["smaller_scale"], r.values.get("scale") if isinstance(r.values.get("scale"), int) else 5)
    if note:
        warnings.warn(ScaleWarning(note), stacklevel=4)
    return ds, info


def analysis_source(data: List[Tuple[str, Any]], r: Resolved, command: str) -> Tuple[Any, Dict[str, Any]]:
    """What an analysis is computed from: a data set of the messages, or
    the merged summaries when every input is one; and the counts."""
    summary = [i for i, (k, v) in enumerate(data)
               if k == "summary" or (k == "path" and call(_sentraj.summary_detect, v))]
    if not summary:
        ds, info = read(data, r, command)
        return ds, info["counts"]
    raw = [i for i in range(len(data)) if i not in summary]
    if raw:
        def name(i: int) -> str:
            kind, v = data[i]
            return v if kind == "path" else "a Summary" if kind == "summary" else "a DataFrame"
        hint = (" (standard input is read as messages; give a summary as a file)"
                if data[raw[0]] == ("path", "-") else "")
        raise ValueError("%s is a summary and %s is not: give either summaries or messages%s"
                         % (name(summary[0]), name(raw[0]), hint))
    if r.values.get("categories") is not None:
        raise ValueError("categories joins categories to messages; a summary has its categories already")
    if r.values.get("cluster_by"):
        raise ValueError("cluster_by needs the messages: a summary has no clusters to resample")
    scale = scale_handle(r) if r.values.get("scale") is not None else None
    merged = None
    for kind, v in data:
        s = v._handle if kind == "summary" else call(_sentraj.summary_read, v)
        call(_sentraj.summary_check, s, r.config, scale)
        if merged is None:
            # A Summary the caller holds is never changed: merge into a copy.
            merged = call(_sentraj.summary_copy, s) if kind == "summary" and len(data) > 1 else s
        else:
            call(_sentraj.summary_merge, merged, s)
    info = call(_sentraj.summary_info, merged)
    return merged, info["counts"]
