"""Numbers, lags, times and long texts as a reader wants them on a page.

>>> fmt_int(4812), fmt_lag(12000), fmt_time("2022-01-05T10:00:00Z"), shorten("a long  text", 7)
('4,812', '3 h 20 min', '2022-01-05 10:00 UTC', 'a long…')
"""

from __future__ import annotations

import math

from amplify.render.textsafe import clean_text, is_missing
from amplify.utc import utc_timestamp

__all__ = ["fmt_int", "fmt_lag", "fmt_days", "days_apart", "fmt_time", "shorten", "MISSING"]

#: What a page shows for a missing lag or time.
MISSING = "–"


def fmt_int(n) -> str:
    """``4812`` -> ``'4,812'`` (anything that is not a number: as it is)."""
    try:
        return f"{int(n):,}"
    except (TypeError, ValueError):
        return str(n)


def fmt_lag(seconds) -> str:
    """A lag in seconds as a person would say it: ``'45 s'``, ``'3 h 20 min'``, ``'2 d 4 h'``.

    >>> fmt_lag(45), fmt_lag(12000), fmt_lag(190000), fmt_lag(None)
    ('45 s', '3 h 20 min', '2 d 4 h', '–')
    """
    if seconds is None or is_missing(seconds):
        return MISSING
    s = float(seconds)
    if s < 60:
        return f"{s:.0f} s"
    m = s / 60
    if m < 60:
        return f"{m:.0f} min"
    h, mm = divmod(int(round(m)), 60)
    if h < 24:
        return f"{h} h {mm} min" if mm else f"{h} h"
    d, hh = divmod(h, 24)
    return f"{d} d {hh} h" if hh else f"{d} d"


def days_apart(seconds, source_dated: bool, target_dated: bool) -> int:
    """Whole days between the dates of two posts ``seconds`` apart, one or both of an outlet that gives dates
    only (read as midnight UTC): a dated earlier post stands for its whole day (the days are the lag cut
    down), a dated later one for the start of its day (the lag rounded up).

    >>> days_apart(86_400 * 5.75, True, False), days_apart(86_400 * 2.75, False, True), days_apart(50_400, True, False)
    (5, 3, 0)
    """
    d = float(seconds) / 86_400
    if source_dated and not target_dated:
        return int(math.floor(d))
    if target_dated and not source_dated:
        return int(math.ceil(d))
    return int(round(d))


def fmt_days(seconds, source_dated: bool | None = None, target_dated: bool | None = None) -> str:
    """A lag known to the day: ``'same day'``, ``'3 d'``.

    With the sides' resolution (``source_dated``, ``target_dated``), the days between the two posts' dates
    (:func:`days_apart`). Without it (a median of many echoes), the lag cut down to whole days, and
    ``'< 1 d'`` for one under a day that is not zero (a timed post and a dated one of the next day).

    >>> fmt_days(0.0), fmt_days(50_400.0), fmt_days(86_400 * 3 + 5), fmt_days(None)
    ('same day', '< 1 d', '3 d', '–')
    >>> fmt_days(50_400.0, source_dated=True, target_dated=False), fmt_days(237_600.0, False, True)
    ('same day', '3 d')
    """
    if seconds is None or is_missing(seconds):
        return MISSING
    s = float(seconds)
    if source_dated is not None or target_dated is not None:
        n = days_apart(s, bool(source_dated), bool(target_dated))
        return "same day" if n == 0 else f"{n} d"
    return "same day" if s == 0 else "< 1 d" if s < 86_400 else f"{int(s // 86_400)} d"


def fmt_time(t, unit: str | None = None) -> str:
    """``'2022-01-05 10:00 UTC'`` (a naive time is UTC); ``'2022-01-05'`` for a date.

    ``unit`` is how finely the time is known (an outlet's time resolution,
    :func:`amplify.analyze.resolution.time_resolution`): a post of an outlet
    that gives dates only, read as midnight UTC, is shown as its date, since
    its "00:00" would be made up. A date read at midnight of another zone
    keeps its UTC time, which is the instant the date stands for.

    >>> fmt_time("2022-01-05"), fmt_time("2022-01-05", "day"), fmt_time("2022-01-04 21:00", "day")
    ('2022-01-05 00:00 UTC', '2022-01-05', '2022-01-04 21:00 UTC')
    """
    if t is None or is_missing(t):
        return MISSING
    t = utc_timestamp(t)
    if unit == "day" and t == t.normalize():
        return t.strftime("%Y-%m-%d")
    return t.strftime("%Y-%m-%d %H:%M UTC")


def shorten(text, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in ``…`` when cut (never empty before it)."""
    text = clean_text(text)
    return text if len(text) <= limit else text[: max(limit - 1, 1)].rstrip() + "…"
