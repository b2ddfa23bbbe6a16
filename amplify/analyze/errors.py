"""What an analysis raises when it cannot run on the arguments it was given.

Every user error of an analysis -- an unknown outlet or camp, an empty
corpus, a time that cannot be read -- is an :class:`AnalysisError`, so that
the command line can show its message and exit, while any other exception (a
``KeyError`` from a bug, say) still surfaces as the bug it is.
:func:`user_time_ns` reads a time the user gave (``since``, ``until`` ...) and
turns pandas' ``ValueError`` into an :class:`AnalysisError` with the same
message; a date whose day and month could be either way round (``01/02/2022``)
is refused with :class:`AmbiguousDateError`, which names both ISO readings.

Examples
--------
>>> user_time_ns("2022-01-05")
1641340800000000000
>>> user_time_ns("the fifth")
Traceback (most recent call last):
...
amplify.analyze.errors.AnalysisError: Unknown datetime string format, unable to parse: the fifth
>>> try:
...     user_time_ns("01/02/2022")
... except AmbiguousDateError as exc:
...     print(str(exc).split(": ")[-1])
write 2022-01-02 or 2022-02-01
"""

from __future__ import annotations

import re

import pandas as pd

from amplify.utc import timestamp_ns

__all__ = ["AnalysisError", "AmbiguousDateError", "user_time_ns", "check_alpha"]

# a date that starts with two numbers of one or two digits, then the year: 01/02/2022, 1.2.22, 01-02-2022 10:00
_DAY_MONTH = re.compile(r"\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?=$|[\sT])")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


class AnalysisError(ValueError):
    """An analysis cannot run on the arguments given (unknown outlet, empty corpus ...)."""


class AmbiguousDateError(AnalysisError):
    """A date whose day and month could be either way round (``01/02/2022``): refused, not guessed."""


def _refuse_ambiguous(ts) -> None:
    """Raise :class:`AmbiguousDateError` for a date such as ``01/02/2022`` (both numbers 12 or less, not equal).

    pandas reads such a date month first, without a word; a period read the other way round silently changes
    every figure of an analysis, so the user is asked to write the date year first instead (ingest, which
    must read a whole file, reads such columns month first and says so in a note).
    """
    m = _DAY_MONTH.match(ts) if isinstance(ts, str) else None
    if m is None:
        return
    a, b = int(m.group(1)), int(m.group(3))
    if a == b or not (1 <= a <= 12 and 1 <= b <= 12):
        return  # the same day either way, or only one reading is a date
    try:
        year = pd.Timestamp(m.group(0).strip()).year  # a two-digit year as pandas reads it
    except ValueError:
        year = int(m.group(4))
    rest = ts[m.end():]
    raise AmbiguousDateError(
        f"{ts!r} could be {b} {_MONTHS[a - 1]} or {a} {_MONTHS[b - 1]} {year} (day and month can be either way "
        f"round): write {year}-{a:02d}-{b:02d}{rest} or {year}-{b:02d}-{a:02d}{rest}")


def user_time_ns(ts) -> int:
    """A time given by the user (naive = UTC) as int64 nanoseconds since the epoch.

    The same value as :func:`amplify.utc.timestamp_ns`; a time pandas cannot
    read (or that lies outside the nanosecond range, years 1677--2262) raises
    :class:`AnalysisError` with pandas' message, and a date whose day and
    month could be either way round (``01/02/2022``) raises
    :class:`AmbiguousDateError`.
    """
    _refuse_ambiguous(ts)
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
