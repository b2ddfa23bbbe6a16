"""Reading publication times into tz-aware UTC, vectorised.

:func:`parse_times` takes a column as exports give it -- ISO 8601 strings with
or without a zone, epoch seconds or milliseconds (numbers or digit strings),
Twitter v1 ``Wed Oct 10 20:19:24 +0000 2018``, RFC 2822 dates, common
day/month layouts such as ``02/28/2022`` or ``28.02.2022`` -- and returns UTC
timestamps, how many had no zone (assumed UTC) and which could not be read.

Every path is a pandas/numpy vectorised call; a million ISO strings parse in
well under a second. Values with no zone are *assumed UTC* and counted, so the
caller can tell the user.

Day/month order: when a layout such as ``%m/%d/%Y`` and ``%d/%m/%Y`` both read
every value, the month-first reading is taken (pandas' default) and a note
says so; pass ``time_format`` to decide.

>>> import pandas as pd
>>> utc, naive, bad = parse_times(pd.Series(["2022-03-01T10:00:00+03:00", "1646128800", "nope"]))
>>> [str(t) for t in utc]
['2022-03-01 07:00:00+00:00', '2022-03-01 10:00:00+00:00', 'NaT']
>>> naive, bad.tolist()
(0, [False, False, True])
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["parse_times", "parse_times_detail", "TimeParse", "CANDIDATE_FORMATS", "epoch_unit"]

TIME = "datetime64[ns, UTC]"

#: Layouts tried, in this order of preference, on values that are neither
#: ISO 8601, epoch numbers nor Twitter v1. The best-reading one is taken first,
#: then the next on what is left. Month-first comes before day-first: on a tie
#: (every value reads both ways) month-first wins and a note says so.
CANDIDATE_FORMATS: tuple[str, ...] = (
    "%m/%d/%Y", "%d/%m/%Y",
    "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p",
    "%d.%m.%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S",
    "%d-%m-%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S",
    "%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y.%m.%d",
    "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%dT%H:%M:%S %Z",
    "%d %b %Y", "%d %B %Y", "%d %b %Y %H:%M", "%d %B %Y %H:%M",
    "%b %d, %Y", "%B %d, %Y", "%b %d %Y",
    "%b %d, %Y %I:%M %p", "%B %d, %Y %I:%M %p", "%b %d, %Y %H:%M", "%B %d, %Y %H:%M",
    "%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M:%S %Z", "%d %b %Y %H:%M:%S %z",
    "%a %b %d %H:%M:%S %Y",
)

# pairs whose tie means "day and month order unknown"
_AMBIGUOUS = {
    "%m/%d/%Y": "%d/%m/%Y", "%m/%d/%Y %H:%M": "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S": "%d/%m/%Y %H:%M:%S",
}

TWITTER_V1 = "%a %b %d %H:%M:%S %z %Y"
_NUMERIC_RE = r"[+-]?\d+(?:\.\d*)?"
# a zone designator after a clock time: Z, +03:00, +0300, +03, UTC, GMT
_ZONE_RE = r".*[T ]\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?|UTC|GMT)"
_ISO_LIKE_RE = r"[+-]?\d{4}-?\d{1,2}"

_NS_MIN = pd.Timestamp.min.tz_localize("UTC")
_NS_MAX = pd.Timestamp.max.tz_localize("UTC")


@dataclass
class TimeParse:
    """Everything :func:`parse_times_detail` found out about one column."""

    utc: pd.Series                 #: datetime64[ns, UTC]; NaT where missing or unreadable
    naive: np.ndarray              #: bool per value: read without a zone, assumed UTC
    bad: np.ndarray                #: bool per value: missing or unreadable
    missing: np.ndarray            #: bool per value: missing / empty (a subset of ``bad``)
    formats: dict[str, int] = field(default_factory=dict)  #: how many values each layout read
    notes: list[str] = field(default_factory=list)         #: e.g. day/month order assumed


def epoch_unit(x: float) -> str:
    """The unit an epoch number is in, told apart by magnitude.

    Seconds up to 1e11 (year 5138), then milliseconds, microseconds, nanoseconds.

    >>> epoch_unit(1646128800), epoch_unit(1646128800000)
    ('s', 'ms')
    """
    a = abs(x)
    return "s" if a < 1e11 else "ms" if a < 1e14 else "us" if a < 1e17 else "ns"


def parse_times(series, time_format: str | None = None):
    """Read ``series`` as times: ``(utc_series, naive_count, bad_mask)``.

    ``utc_series`` is ``datetime64[ns, UTC]`` aligned with ``series`` (NaT where
    unreadable); ``naive_count`` how many values had no zone and were taken as
    UTC; ``bad_mask`` a boolean numpy array, True where the value is missing or
    could not be read.

    ``time_format`` (a ``strptime`` layout, e.g. ``"Published: %b %d, %Y %I:%M %p"``)
    is tried first; values it does not read fall through to the automatic
    readers (so one format can be given for a batch of mixed files).
    """
    r = parse_times_detail(series, time_format)
    utc = r.utc
    if isinstance(series, pd.Series):
        utc.index = series.index
    return utc, int(r.naive.sum()), r.bad


def _as_series(values) -> pd.Series:
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    return pd.Series(values)


def _epoch(nums) -> np.ndarray:
    """Float epoch numbers -> naive-UTC ``datetime64[ns]``, each unit told by its magnitude."""
    nums = np.asarray(nums, dtype="float64")
    out = np.full(len(nums), np.datetime64("NaT"), dtype="datetime64[ns]")
    a = np.abs(nums)
    finite = np.isfinite(nums)
    for lo, hi, scale in ((0, 1e11, 1e9), (1e11, 1e14, 1e6), (1e14, 1e17, 1e3), (1e17, 9.2e18, 1.0)):
        m = finite & (a >= lo) & (a < hi)
        if m.any():
            x = nums[m]
            ok = np.abs(x * scale) < 9.2e18
            whole = ok & (x == np.floor(x)) & (np.abs(x) < 2**53)
            ns = np.zeros(len(x), dtype="int64")
            ns[whole] = x[whole].astype("int64") * int(scale)  # exact for integers
            frac = ok & ~whole  # fractions: to the microsecond (float noise below that)
            ns[frac] = (np.round(x[frac] * scale / 1000.0) * 1000).astype("int64")
            vals = np.full(len(x), np.datetime64("NaT"), dtype="datetime64[ns]")
            vals[ok] = ns[ok].astype("datetime64[ns]")
            out[m] = vals
    return out


def _ns(s) -> tuple[np.ndarray, np.ndarray]:
    """A tz-aware series (any resolution) -> naive-UTC ``datetime64[ns]`` numpy array.

    Values outside the nanosecond range (years before 1677 or after 2262) become
    NaT and are flagged in the second array.
    """
    s = pd.Series(s)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    oor = np.zeros(len(s), dtype=bool)
    if s.dtype != "datetime64[ns]":
        lo, hi = _NS_MIN.tz_localize(None), _NS_MAX.tz_localize(None)
        oor = (s.notna() & ((s < lo) | (s > hi))).to_numpy(dtype=bool)
        if oor.any():
            s = s.where(~oor)
    return s.to_numpy(dtype="datetime64[ns]"), oor


def _strings(s: pd.Series) -> pd.Series:
    if not isinstance(s.dtype, pd.StringDtype) or s.dtype.na_value is not pd.NA:
        s = s.astype("string")
    return s


def parse_times_detail(series, time_format: str | None = None) -> TimeParse:
    """Like :func:`parse_times`, with per-value masks and which layouts read what."""
    s = _as_series(series)
    n = len(s)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    naive = np.zeros(n, dtype=bool)
    formats: dict[str, int] = {}
    notes: list[str] = []

    def done(missing):
        utc = pd.Series(out).dt.tz_localize("UTC")
        bad = np.isnat(out) | missing
        return TimeParse(utc, naive, bad, missing, formats, notes)

    def count(label, k):
        if k:
            formats[label] = formats.get(label, 0) + int(k)

    def oor_note(oor, label):
        if oor.any():
            notes.append(f"{int(oor.sum())} time value(s) outside the years 1677-2262 treated as unreadable ({label})")

    if n == 0:
        return done(np.zeros(0, dtype=bool))

    dt = s.dtype
    if isinstance(dt, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dt):
        missing = s.isna().to_numpy()
        aware = isinstance(dt, pd.DatetimeTZDtype)
        vals, oor = _ns(s if aware else s.dt.tz_localize("UTC"))
        out[:] = vals
        oor_note(oor, "datetime")
        if not aware:
            naive[:] = ~missing
        count("datetime" if aware else "datetime (no zone)", (~missing).sum())
        return done(missing)
    if pd.api.types.is_bool_dtype(dt):
        return done(s.isna().to_numpy())
    if pd.api.types.is_numeric_dtype(dt):
        nums = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(nums)
        out[:] = _epoch(nums)
        _count_epoch(nums[~missing], formats)
        return done(missing)

    # object / string columns
    if dt == object:
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
            nums = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            missing = np.isnan(nums)
            out[:] = _epoch(nums)
            _count_epoch(nums[~missing], formats)
            return done(missing)
        if kind not in ("string", "empty"):
            # mixed Python objects (JSON): numbers, datetimes and strings apart
            is_num = s.map(lambda v: isinstance(v, (int, float, np.integer, np.floating))
                           and not isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
            is_dt = s.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64, _dt.datetime, _dt.date))
                          ).to_numpy(dtype=bool)
            strs = s.map(lambda v: v if isinstance(v, str) else None)
            strs[is_num | is_dt] = None
            res = parse_times_detail(strs.astype("string"), time_format)
            out[:] = res.utc.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            naive[:] = res.naive
            formats.update(res.formats)
            notes.extend(res.notes)
            missing = res.missing.copy()
            # anything that is neither string, number nor datetime (bool, dict, list) is not missing: unreadable
            other = ~(is_num | is_dt) & s.map(lambda v: not isinstance(v, str) and not _isna(v)).to_numpy(dtype=bool)
            missing[other | is_num | is_dt] = False
            if is_num.any():
                idx = np.flatnonzero(is_num)
                nums = np.array([float(v) for v in s.iloc[idx]], dtype="float64")
                out[idx] = _epoch(nums)
                _count_epoch(nums, formats)
            if is_dt.any():
                idx = np.flatnonzero(is_dt)
                for i in idx:  # rare: datetime objects inside JSON-ish columns
                    t = pd.Timestamp(s.iloc[i])
                    if t.tz is None:
                        naive[i] = True
                        t = t.tz_localize("UTC")
                    try:
                        out[i] = t.tz_convert("UTC").tz_localize(None).as_unit("ns").to_datetime64()
                    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
                        pass
                count("datetime", len(idx))
            return done(missing)

    # strings: read each distinct value once (dates repeat a lot), then spread back
    s = _strings(s).reset_index(drop=True)
    probe = s.iloc[: 20000]
    if n > 50000 and probe.nunique() < 0.5 * len(probe):
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
        uniq = pd.Series(uniq, dtype="string")
    else:  # mostly distinct values: no point in factorizing
        codes, uniq = np.arange(n), s
    u = _parse_distinct(uniq, time_format)
    weights = np.bincount(codes[codes >= 0], minlength=len(uniq))
    has = codes >= 0
    safe = np.where(has, codes, 0)
    if len(uniq):
        out[:] = np.where(has, u.out[safe], np.datetime64("NaT"))
        naive[:] = has & u.naive[safe]
        missing = ~has | u.missing[safe]
    else:
        missing = np.ones(n, dtype=bool)
    for label_i, label in enumerate(u.labels):
        count(label, weights[u.label_of == label_i].sum())
    for msg, members in u.notes:
        k = int(weights[members].sum()) if members is not None else 0
        notes.append(msg.format(n=k))
    return done(missing)


@dataclass
class _Distinct:
    out: np.ndarray
    naive: np.ndarray
    missing: np.ndarray
    label_of: np.ndarray          # index into labels, -1 = unread
    labels: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # (message with {n}, member mask or None)


def _parse_distinct(s: pd.Series, time_format: str | None) -> _Distinct:
    """The string reader proper, on distinct values."""
    n = len(s)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    naive = np.zeros(n, dtype=bool)
    label_of = np.full(n, -1, dtype=np.int64)
    labels: list[str] = []
    notes: list = []
    stripped = s.str.strip()
    missing = (stripped.isna() | (stripped == "")).to_numpy(dtype=bool)
    todo = ~missing  # values still to read

    def label_id(label):
        if label not in labels:
            labels.append(label)
        return labels.index(label)

    def take(idx: np.ndarray, parsed, label: str, is_naive):
        """Store the values of ``parsed`` (aligned with ``idx``) that read; return their indices."""
        vals, oor = _ns(parsed)
        if oor.any():
            m = np.zeros(n, dtype=bool)
            m[idx[oor]] = True
            notes.append(("{n} time value(s) outside the years 1677-2262 treated as unreadable (" + label + ")", m))
        ok = ~np.isnat(vals)
        got = idx[ok]
        if len(got):
            out[got] = vals[ok]
            naive[got] = is_naive[ok] if isinstance(is_naive, np.ndarray) else bool(is_naive)
            todo[got] = False
            label_of[got] = label_id(label)
        return got

    def result():
        return _Distinct(out, naive, missing, label_of, labels, notes)

    # 1. the user's layout
    if time_format:
        idx = np.flatnonzero(todo)
        if len(idx):
            parsed = pd.to_datetime(stripped.iloc[idx], format=time_format, errors="coerce", utc=True)
            take(idx, parsed, time_format, not ("%z" in time_format or "%Z" in time_format))

    # 2. numbers: epoch seconds / milliseconds (and compact yyyymmdd[HHMMSS])
    idx = np.flatnonzero(todo)
    if len(idx):
        vals = stripped.iloc[idx]
        isnum = vals.str.fullmatch(_NUMERIC_RE).fillna(False).to_numpy(dtype=bool)
        if isnum.any():
            nidx = idx[isnum]
            nv = vals[isnum]
            nnum = pd.to_numeric(nv, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
            compact = nv.str.fullmatch(r"(?:19|20)\d{6}(?:\d{6})?").fillna(False).to_numpy(dtype=bool)
            if compact.any():
                cv = nv[compact]
                p = pd.to_datetime(cv, format="%Y%m%d", errors="coerce", utc=True)
                p14 = pd.to_datetime(cv, format="%Y%m%d%H%M%S", errors="coerce", utc=True)
                take(nidx[compact], p.fillna(p14), "yyyymmdd[HHMMSS]", True)
            rest = ~compact
            for unit, label, lo, hi in (("s", "epoch seconds", 0, 1e11), ("ms", "epoch milliseconds", 1e11, 1e14),
                                        ("us", "epoch microseconds", 1e14, 1e17),
                                        ("ns", "epoch nanoseconds", 1e17, np.inf)):
                m = rest & (np.abs(nnum) >= lo) & (np.abs(nnum) < hi)
                if m.any():
                    vals_ns = _epoch(nnum[m])
                    ok = ~np.isnat(vals_ns)
                    got = nidx[m][ok]
                    out[got] = vals_ns[ok]
                    todo[got] = False
                    label_of[got] = label_id(label)

    # 3. ISO 8601, with or without zone
    idx = np.flatnonzero(todo)
    if len(idx):
        looks = stripped.iloc[idx].str.match(_ISO_LIKE_RE).fillna(False).to_numpy(dtype=bool)
        idx = idx[looks]
    if len(idx):
        iv = stripped.iloc[idx]
        try:
            p = pd.to_datetime(iv, format="ISO8601", errors="coerce")
            if isinstance(p.dtype, pd.DatetimeTZDtype):
                is_naive = np.zeros(len(iv), dtype=bool)
            else:
                is_naive = np.ones(len(iv), dtype=bool)
                p = p.dt.tz_localize("UTC")
        except (ValueError, TypeError):  # zones mixed with zone-less values
            p = pd.to_datetime(iv, format="ISO8601", errors="coerce", utc=True)
            is_naive = ~iv.str.fullmatch(_ZONE_RE).fillna(False).to_numpy(dtype=bool)
        take(idx, p, "ISO 8601", is_naive)

    # 4. Twitter v1 and other common layouts, best first, on what is left
    tried: set[str] = set()
    while True:
        idx = np.flatnonzero(todo)
        if not len(idx):
            break
        vals = stripped.iloc[idx]
        sample = vals if len(vals) <= 5000 else vals.sample(5000, random_state=0)
        best, best_n = None, 0
        for fmt in (TWITTER_V1,) + CANDIDATE_FORMATS:
            if fmt in tried:
                continue
            k = int(pd.to_datetime(sample, format=fmt, errors="coerce", utc=True).notna().sum())
            if k > best_n:
                best, best_n = fmt, k
                if k == len(sample):  # reads everything: no need to look further
                    break
        if best is None:
            break
        tried.add(best)
        label = "Twitter v1" if best == TWITTER_V1 else best
        got = take(idx, pd.to_datetime(vals, format=best, errors="coerce", utc=True), label,
                   not ("%z" in best or "%Z" in best))
        other = _AMBIGUOUS.get(best)
        if other and len(got):
            both = pd.to_datetime(stripped.iloc[got], format=other, errors="coerce", utc=True).notna().to_numpy()
            if both.all():
                m = np.zeros(n, dtype=bool)
                m[got] = True
                notes.append((
                    "day/month order ambiguous in {n} value(s) like " + repr(stripped.iloc[got[0]]) +
                    f": read as {best} (month first); pass a time format such as '{other}' if the day comes first",
                    m))
        if not len(got):
            break
    return result()


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _count_epoch(nums: np.ndarray, formats: dict) -> None:
    if not len(nums):
        return
    a = np.abs(nums)
    for unit, label, lo, hi in (("s", "epoch seconds", 0, 1e11), ("ms", "epoch milliseconds", 1e11, 1e14),
                                ("us", "epoch microseconds", 1e14, 1e17), ("ns", "epoch nanoseconds", 1e17, np.inf)):
        k = int(((a >= lo) & (a < hi)).sum())
        if k:
            formats[label] = formats.get(label, 0) + k
