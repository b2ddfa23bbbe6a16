"""What an analysis raises when it cannot run on the arguments it was given.

Every user error of an analysis -- an unknown outlet or camp, an empty
corpus, a time that cannot be read -- is an :class:`AnalysisError`, so that
the command line can show its message and exit, while any other exception (a
``KeyError`` from a bug, say) still surfaces as the bug it is.
:func:`user_time_ns` reads a time the user gave (``since``, ``until`` ...) and
turns pandas' ``ValueError`` into an :class:`AnalysisError` with the same
message.

Examples
--------
>>> user_time_ns("2022-01-05")
1641340800000000000
>>> user_time_ns("the fifth")
Traceback (most recent call last):
...
amplify.analyze.errors.AnalysisError: Unknown datetime string format, unable to parse: the fifth
"""

from __future__ import annotations

import pandas as pd

from amplify.utc import timestamp_ns

__all__ = ["AnalysisError", "user_time_ns", "check_alpha"]


class AnalysisError(ValueError):
    """An analysis cannot run on the arguments given (unknown outlet, empty corpus ...)."""


def user_time_ns(ts) -> int:
    """A time given by the user (naive = UTC) as int64 nanoseconds since the epoch.

    The same value as :func:`amplify.utc.timestamp_ns`; a time pandas cannot
    read (or that lies outside the nanosecond range, years 1677--2262) raises
    :class:`AnalysisError` with pandas' message.
    """
    try:
        ns = timestamp_ns(ts)
    except ValueError as exc:  # pandas' DateParseError and OutOfBoundsDatetime are ValueErrors
        raise AnalysisError(str(exc)) from exc
    # pandas reads "", "NaT" and "nan" as the missing time: as a bound it would
    # crash one analysis and silently empty another
    if ns == pd.NaT.value:
        raise AnalysisError("no time given" if not str(ts).strip() else f"{ts!r} is the missing time")
    return ns


def check_alpha(alpha) -> float:
    """A significance level strictly between 0 and 1, as a float, else :class:`AnalysisError`
    (checked before any work; a chained comparison is False for NaN too).

    >>> check_alpha(0.05)
    0.05
    """
    if not 0 < float(alpha) < 1:
        raise AnalysisError(f"alpha must be between 0 and 1 (got {alpha})")
    return float(alpha)
