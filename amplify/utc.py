"""Time conversions, stated once: every time inside amplify is UTC.

Tables hold tz-aware ``published_at`` columns; kernels work on int64 nanoseconds
since the epoch; outputs print ISO 8601 with a ``Z``. Every conversion between
these forms goes through this module, so that a naive time means UTC everywhere
and the printed forms never differ from one command to another.

>>> ns = to_ns(["2022-01-05T10:00:00Z", "2022-01-05 12:00"])
>>> int(ns[1] - ns[0]) // 10**9
7200
>>> iso_z(from_ns(ns[0]))
'2022-01-05T10:00:00Z'
>>> iso_z(timestamp_ns("2022-01-05T10:00:00.5+01:00"), seconds=False)
'2022-01-05T09:00:00.500000Z'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["to_ns", "timestamp_ns", "from_ns", "iso_z", "utc_timestamp"]


def to_ns(values) -> np.ndarray:
    """int64 nanoseconds since the epoch (UTC) of anything pandas reads as times.

    A tz-aware column is converted to UTC; a naive one is taken as UTC; strings are
    parsed as ISO 8601 first, then by pandas' general parser.
    """
    s = pd.Series(values)
    if not isinstance(s.dtype, pd.DatetimeTZDtype):
        if s.dtype.kind == "M":
            s = s.dt.tz_localize("UTC")
        else:
            try:
                s = pd.to_datetime(s, utc=True, format="ISO8601")
            except (ValueError, TypeError):
                s = pd.to_datetime(s, utc=True)
    return s.dt.tz_convert(None).astype("datetime64[ns]").to_numpy().view(np.int64)


def utc_timestamp(ts) -> pd.Timestamp:
    """One time as a tz-aware UTC ``pd.Timestamp`` (naive = UTC; an int = nanoseconds)."""
    t = pd.Timestamp(int(ts), tz="UTC") if isinstance(ts, (int, np.integer)) else pd.Timestamp(ts)
    return t.tz_localize("UTC") if t.tz is None else t.tz_convert("UTC")


def timestamp_ns(ts) -> int:
    """One time (naive = UTC) as int64 nanoseconds since the epoch."""
    return int(utc_timestamp(ts).as_unit("ns").value)


def from_ns(ns) -> pd.Timestamp:
    """int64 nanoseconds since the epoch as a UTC ``pd.Timestamp``."""
    return pd.Timestamp(int(ns), tz="UTC")


def iso_z(t, *, seconds: bool = True) -> str:
    """ISO 8601 in UTC with a ``Z``: to the second (``seconds=True``, the printed
    form), or with the fraction when there is one (``seconds=False``, the stored form).
    An int is nanoseconds since the epoch."""
    t = utc_timestamp(t)
    if seconds:
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return t.isoformat().replace("+00:00", "Z")
