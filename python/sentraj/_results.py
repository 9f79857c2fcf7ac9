"""What sentraj's functions return: DataFrames built from the library's values, figures, summaries."""

from __future__ import annotations

import os
import tempfile
from typing import Any, Dict, List, Optional, Tuple, Union

from . import _sentraj
from ._errors import call

PathLike = Union[str, os.PathLike]


def frame(columns: List[Tuple[str, str, Any]], attrs: Optional[Dict[str, Any]] = None) -> Any:
    """A DataFrame of the extension's columns: doubles and integers as the
    library holds them (no text in between), text as str. An unsigned
    column whose values all fit int64 is int64, as pandas reads the CSV."""
    import numpy as np
    import pandas as pd

    data: Dict[str, Any] = {}
    for name, kind, values in columns:
        if kind == "str":
            data[name] = pd.Series(values, dtype=object)
            continue
        arr = np.frombuffer(values, dtype={"f8": np.float64, "i8": np.int64, "u8": np.uint64}[kind])
        if kind == "u8" and (arr.size == 0 or int(arr.max()) < 2**63):
            arr = arr.astype(np.int64)
        data[name] = arr
    df = pd.DataFrame(data)
    if attrs:
        df.attrs.update(attrs)
    return df


def write_whole(path: PathLike, data: bytes) -> None:
    """Write data to path through a temporary file renamed into place, so a
    failed write never leaves half a file (as the command line writes)."""
    path = os.fspath(path)
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Figure:
    """A figure drawn by the library: PNG, SVG or PDF bytes, drawn when first asked for.

    A notebook shows it (``_repr_png_``, ``_repr_svg_``); ``save(path)``
    writes the format its extension names. ``data`` is the table it draws,
    as the function without a figure returns it.
    """

    def __init__(self, handle: Any, figure: Dict[str, Any], order: Optional[List[str]],
                 labels: Optional[List[str]], data: Any) -> None:
        self._handle = handle
        self._figure = dict(figure)
        self._order = order
        self._labels = labels
        self._drawn: Dict[str, bytes] = {}
        self.data = data

    def render(self, format: str) -> bytes:
        """The figure as "png", "svg" or "pdf" bytes (byte-identical to the command line's file)."""
        if format not in ("png", "svg", "pdf"):
            raise ValueError("format must be png, svg or pdf, not %r" % (format,))
        if format not in self._drawn:
            self._drawn[format] = call(_sentraj.render, self._handle, format, self._figure, self._order,
                                       self._labels)
        return self._drawn[format]

    @property
    def png(self) -> bytes:
        return self.render("png")

    @property
    def svg(self) -> bytes:
        return self.render("svg")

    @property
    def pdf(self) -> bytes:
        return self.render("pdf")

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_svg_(self) -> str:
        return self.svg.decode("utf-8")

    def save(self, path: PathLike, format: Optional[str] = None) -> None:
        """Write the figure to path, whole or not at all, as format (default:
        path's extension, .png, .svg or .pdf)."""
        if format is None:
            ext = os.path.splitext(os.fspath(path))[1].lower()
            if ext not in (".png", ".svg", ".pdf"):
                raise ValueError("%s: the name must end in .png, .svg or .pdf (or give format=)" % os.fspath(path))
            format = ext[1:]
        write_whole(path, self.render(format))

    def __repr__(self) -> str:
        return "<sentraj.Figure of %d rows>" % len(self.data)


class Summary:
    """A summary (``sentraj summarize``): per category and for "all", how many
    kept conversations have each pair of first-window and last-window label
    sums, with the options and counts they depend on. ``analyze`` and
    ``figure4`` take it as data and give exactly what they give on the
    messages; ``merge`` adds up summaries of shards. docs/scale.md
    describes the file.

    - ``table``: a DataFrame category, first_q, last_q, count;
    - ``window``, ``min_human``, ``denominator`` (the scale's lattice: labels
      are multiples of 1/denominator), ``scale`` [(label, value)],
      ``counts`` (what was read, kept and dropped), ``categories``;
    - ``to_csv()``: the file's text; ``save(path)``; ``Summary.read(path)``.
    """

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self._info = call(_sentraj.summary_info, handle)

    @classmethod
    def read(cls, path: PathLike) -> "Summary":
        """Read a summary file (plain or gzip)."""
        return cls(call(_sentraj.summary_read, os.fspath(path)))

    @property
    def window(self) -> int:
        return self._info["window"]

    @property
    def min_human(self) -> int:
        return self._info["min_human"]

    @property
    def denominator(self) -> int:
        return self._info["denominator"]

    @property
    def scale(self) -> List[Tuple[str, float]]:
        return list(self._info["scale"])

    @property
    def counts(self) -> Dict[str, int]:
        return dict(self._info["counts"])

    @property
    def categories(self) -> List[str]:
        return list(self._info["categories"])

    @property
    def table(self) -> Any:
        return frame(call(_sentraj.columns, self._handle))

    def to_csv(self) -> str:
        """The summary file's text, as ``sentraj summarize`` writes it."""
        return call(_sentraj.summary_csv, self._handle).decode("utf-8")

    def save(self, path: PathLike) -> None:
        """Write the summary file to path, whole or not at all."""
        write_whole(path, call(_sentraj.summary_csv, self._handle))

    def __repr__(self) -> str:
        c = self._info["counts"]
        return "<sentraj.Summary of %d kept conversations in %d categories, window %d, min_human %d>" % (
            c["kept"], c["categories"], self.window, self.min_human)
