"""sentraj's exceptions, and the library's status codes turned into them."""

from __future__ import annotations

import errno
from typing import Any, Callable, Optional, TypeVar

from . import _sentraj


class InputError(Exception):
    """The input data is malformed, or over a documented limit.

    The command line exits 65 for these. ``str(e)`` is the command line's
    message, ``source:line:col: message``; the parts are attributes:

    - ``message``: what is wrong, one sentence;
    - ``source``: the input's name (a path; ``"<DataFrame>"`` for a
      DataFrame; ``""`` when the error is not about one input);
    - ``line``, ``col``: 1-based, ``None`` when unknown;
    - ``status``: the library's status code (``sentraj.EDATA`` for bad data,
      ``sentraj.ELIMIT`` for a limit);
    - ``row``, ``index`` (DataFrame input only): the 0-based position of the
      offending row and its index label, when the line names a row.
    """

    def __init__(self, message: str, source: str = "", line: Optional[int] = None, col: Optional[int] = None,
                 status: int = _sentraj.EDATA) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.col = col
        self.status = status
        self.row: Optional[int] = None
        self.index: object = None

    def __str__(self) -> str:
        where = self.source
        if where and self.line:
            where += ":%d" % self.line
            if self.col:
                where += ":%d" % self.col
        return "%s: %s" % (where, self.message) if where else self.message


class InternalError(RuntimeError):
    """A routine the library relies on (GSL, cairo) failed (command line: exit 70)."""


class ScaleWarning(UserWarning):
    """Every human label is one of a smaller built-in scale's: the data were
    probably labelled on it, and reading them on the larger scale shrinks
    every effect (the command line prints the same note)."""


def from_library(e: BaseException) -> BaseException:
    """The documented exception for a library error ``_sentraj.Error``."""
    code, source, line, col, message = e.args
    if code in (_sentraj.EDATA, _sentraj.ELIMIT):
        return InputError(message, source, line or None, col or None, code)
    if code == _sentraj.EUSAGE:
        return ValueError(message)
    if code == _sentraj.EIO:
        return OSError(errno.EIO, message, source or None)
    if code == _sentraj.ENOMEM:
        return MemoryError(message)
    return InternalError("%s: %s" % (source, message) if source else message)


T = TypeVar("T")


def call(fn: Callable[..., T], *args: Any) -> T:
    """fn(*args) of the extension, its library errors raised as documented."""
    try:
        return fn(*args)
    except _sentraj.Error as e:
        raise from_library(e) from None
