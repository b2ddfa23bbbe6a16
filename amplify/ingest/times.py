"""Reading publication times into tz-aware UTC, vectorised.

:func:`parse_times` takes a column as exports give it -- ISO 8601 strings with
or without a zone, epoch seconds or milliseconds (numbers or digit strings),
Twitter v1 ``Wed Oct 10 20:19:24 +0000 2018``, RFC 2822 dates, common
day/month layouts such as ``02/28/2022`` or ``28.02.2022`` -- and returns UTC
timestamps, how many had no zone (assumed UTC) and which could not be read.

A bare year (a whole number from 1000 to 2999, as a number or as digits,
``2024``) is that year -- 1 January, 00:00 UTC, counted as ``year only`` and
as a time without a zone -- not 2024 epoch seconds (1970-01-01 00:33:44).

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

from amplify.ingest.values import is_missing
from amplify.utc import timestamp_ns, to_ns

__all__ = ["parse_times", "parse_times_detail", "TimeParse", "CANDIDATE_FORMATS", "epoch_unit",
           "to_utc_datetime64", "check_time_format"]

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

#: Each day/month layout and the other order of it, both ways.
_SWAPPED = {v: k for k, v in _AMBIGUOUS.items()} | _AMBIGUOUS

TWITTER_V1 = "%a %b %d %H:%M:%S %z %Y"
_NUMERIC_RE = r"[+-]?\d+(?:\.\d*)?"
# a zone designator after a clock time: Z, +03:00, +0300, +03, UTC, GMT
_ZONE_RE = r".*[T ]\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?|UTC|GMT)"
_ISO_LIKE_RE = r"[+-]?\d{4}-?\d{1,2}"

# the times a datetime64[ns] can hold: years 1677-2262
_NS_MIN = pd.Timestamp.min.tz_localize("UTC")
_NS_MAX = pd.Timestamp.max.tz_localize("UTC")

#: Epoch units told apart by magnitude: (unit, label, lowest, highest absolute value).
#: Seconds up to 1e11 (year 5138), then milliseconds, microseconds, nanoseconds.
EPOCH_UNITS = (("s", "epoch seconds", 0, 1e11), ("ms", "epoch milliseconds", 1e11, 1e14),
               ("us", "epoch microseconds", 1e14, 1e17), ("ns", "epoch nanoseconds", 1e17, np.inf))

#: A string column longer than this whose first :data:`DISTINCT_PROBE` values are less
#: than half distinct is read one distinct value at a time (dates repeat a lot).
DISTINCT_MIN_ROWS = 50000
DISTINCT_PROBE = 20000

#: How many values (drawn at random, seeded) are tried against each candidate layout.
LAYOUT_SAMPLE = 5000


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


def check_time_format(time_format: str) -> None:
    """Raise ``ValueError`` saying what is wrong when ``time_format`` is not a usable ``strptime`` layout.

    >>> check_time_format("%d/%m/%Y %H:%M")
    >>> check_time_format("%d/%m/%Q")
    Traceback (most recent call last):
    ...
    ValueError: '%d/%m/%Q' is not a strptime layout: 'Q' is a bad directive in format '%d/%m/%Q'; use directives such as %Y %m %d %H %M %S %z %b (e.g. '%d/%m/%Y %H:%M')
    """
    hint = "use directives such as %Y %m %d %H %M %S %z %b (e.g. '%d/%m/%Y %H:%M')"
    if not isinstance(time_format, str) or "%" not in time_format:
        raise ValueError(f"{time_format!r} is not a strptime layout: it has no % directive; {hint}")
    try:
        pd.to_datetime(pd.Series(["2000-01-01"]), format=time_format, errors="coerce", utc=True)
    except Exception as exc:  # noqa: BLE001 - pandas raises ValueError, re.error, ... for a bad layout
        raise ValueError(f"{time_format!r} is not a strptime layout: {exc}; {hint}") from None


def parse_times(series, time_format: str | None = None):
    """Read ``series`` as times: ``(utc_series, naive_count, bad_mask)``.

    ``utc_series`` is ``datetime64[ns, UTC]`` aligned with ``series`` (NaT where
    unreadable); ``naive_count`` how many values had no zone and were taken as
    UTC; ``bad_mask`` a boolean numpy array, True where the value is missing or
    could not be read.

    ``time_format`` (a ``strptime`` layout, e.g. ``"Published: %b %d, %Y %I:%M %p"``)
    is tried first. In a column it reads at least one value of, the values it
    does not read are unreadable unless they are numbers or ISO 8601 (a note
    says how many): one column holds one layout, and reading the rest with
    the automatic layouts would mix day-first and month-first dates. A column
    it reads nothing of is read as if no format was given (so one format can
    be given for a batch of mixed files), except that the other day/month
    order of a day/month format is never read: a big file is read in blocks,
    and a block the format reads nothing of must not be read the other way
    round from the blocks beside it.

    >>> utc, naive, bad = parse_times(pd.Series(["13/01/2022", "01/13/2022", "2022-01-14"]), "%d/%m/%Y")
    >>> [str(t.date()) if not pd.isna(t) else None for t in utc], bad.tolist()
    (['2022-01-13', None, '2022-01-14'], [False, True, False])
    """
    r = parse_times_detail(series, time_format)
    utc = r.utc
    if isinstance(series, pd.Series):
        utc.index = series.index
    return utc, int(r.naive.sum()), r.bad


def to_utc_datetime64(values) -> tuple[np.ndarray, np.ndarray]:
    """Times (any resolution) as naive-UTC ``datetime64[ns]``, and which were out of range.

    The conversion is :func:`amplify.utc.to_ns`'s. What is ingest's own is the
    range check: a ``datetime64[ns]`` holds the years 1677-2262 only, and an
    input time outside them (a typo such as year 20222, or a placeholder such
    as 0001-01-01) must be counted as unreadable rather than stop the read.
    Those values become NaT and are True in the second array.

    >>> import pandas as pd
    >>> t, out_of_range = to_utc_datetime64(pd.Series(pd.to_datetime(
    ...     ["2022-03-01T10:00:00+03:00", "2500-01-01T00:00:00Z"], utc=True).as_unit("us")))
    >>> [str(x) for x in t], out_of_range.tolist()
    (['2022-03-01T07:00:00.000000000', 'NaT'], [False, True])
    """
    s = pd.Series(values)
    if not isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize("UTC")  # naive means UTC, as everywhere in amplify
    oor = np.zeros(len(s), dtype=bool)
    if s.dtype.unit != "ns":  # a nanosecond column holds nothing out of range
        oor = (s.notna() & ((s < _NS_MIN) | (s > _NS_MAX))).to_numpy(dtype=bool)
        if oor.any():
            s = s.where(~oor)
    return to_ns(s).view("datetime64[ns]"), oor


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


#: Whole numbers in this range are years, not epoch seconds.
YEAR_RANGE = (1000, 2999)
#: How a year-only value is counted among the layouts read.
YEAR_LABEL = "year only"


def _years(nums: np.ndarray) -> np.ndarray:
    """Which numbers are bare years (see :data:`YEAR_RANGE`)."""
    nums = np.asarray(nums, dtype="float64")
    with np.errstate(invalid="ignore"):
        return np.isfinite(nums) & (nums == np.floor(nums)) & (nums >= YEAR_RANGE[0]) & (nums <= YEAR_RANGE[1])


def _epoch_or_year(nums) -> tuple[np.ndarray, np.ndarray]:
    """Numbers as times (:func:`_epoch`), bare years as 1 January of the year; and which were years."""
    nums = np.asarray(nums, dtype="float64")
    out = _epoch(nums)
    years = _years(nums)
    if years.any():
        out[years] = (nums[years].astype("int64") - 1970).astype("datetime64[Y]").astype("datetime64[ns]")
    return out, years


def _count_epoch(nums: np.ndarray, formats: dict) -> None:
    if not len(nums):
        return
    years = _years(nums)
    if years.any():
        formats[YEAR_LABEL] = formats.get(YEAR_LABEL, 0) + int(years.sum())
    a = np.abs(nums[~years])
    for unit, label, lo, hi in EPOCH_UNITS:
        k = int(((a >= lo) & (a < hi)).sum())
        if k:
            formats[label] = formats.get(label, 0) + k


def _out_of_range_note(label: str, n) -> str:
    return f"{n} time value(s) outside the years 1677-2262 treated as unreadable ({label})"


def _strings(s: pd.Series) -> pd.Series:
    if not isinstance(s.dtype, pd.StringDtype) or s.dtype.na_value is not pd.NA:
        s = s.astype("string")
    return s


class _Reading:
    """What reading one column gathers: the times, which had no zone, the layouts used, notes."""

    def __init__(self, n: int):
        self.out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        self.naive = np.zeros(n, dtype=bool)
        self.formats: dict[str, int] = {}
        self.notes: list[str] = []

    def count(self, label: str, k) -> None:
        if k:
            self.formats[label] = self.formats.get(label, 0) + int(k)

    def done(self, missing: np.ndarray) -> TimeParse:
        utc = pd.Series(self.out).dt.tz_localize("UTC")
        bad = np.isnat(self.out) | missing
        return TimeParse(utc, self.naive, bad, missing, self.formats, self.notes)


def parse_times_detail(series, time_format: str | None = None) -> TimeParse:
    """Like :func:`parse_times`, with per-value masks and which layouts read what."""
    s = _as_series(series)
    reading = _Reading(len(s))
    if len(s) == 0:
        return reading.done(np.zeros(0, dtype=bool))
    dt = s.dtype
    if isinstance(dt, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dt):
        return _from_datetimes(s, reading)
    if pd.api.types.is_bool_dtype(dt):
        return reading.done(s.isna().to_numpy())
    if pd.api.types.is_numeric_dtype(dt):
        return _from_epochs(s, reading)
    if dt == object:
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
            return _from_epochs(s, reading)
        if kind not in ("string", "empty"):
            return _from_objects(s, time_format, reading)
    return _from_strings(s, time_format, reading)


def _from_datetimes(s: pd.Series, reading: _Reading) -> TimeParse:
    """A datetime column: tz-aware converted to UTC, naive taken as UTC."""
    missing = s.isna().to_numpy()
    aware = isinstance(s.dtype, pd.DatetimeTZDtype)
    vals, oor = to_utc_datetime64(s if aware else s.dt.tz_localize("UTC"))
    reading.out[:] = vals
    if oor.any():
        reading.notes.append(_out_of_range_note("datetime", int(oor.sum())))
    if not aware:
        reading.naive[:] = ~missing
    reading.count("datetime" if aware else "datetime (no zone)", (~missing).sum())
    return reading.done(missing)


def _from_epochs(s: pd.Series, reading: _Reading) -> TimeParse:
    """A numeric column: epoch seconds, milliseconds, ... by magnitude."""
    nums = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    missing = np.isnan(nums)
    reading.out[:], years = _epoch_or_year(nums)
    reading.naive[:] = years
    _count_epoch(nums[~missing], reading.formats)
    _note_years(reading, int(years.sum()))
    return reading.done(missing)


def _note_years(reading: "_Reading", n: int) -> None:
    if n:
        reading.notes.append(f"{n:,} time(s) give only a year: read as 1 January of that year, 00:00 UTC")


def _from_objects(s: pd.Series, time_format: str | None, reading: _Reading) -> TimeParse:
    """Mixed Python objects (JSON): numbers, datetimes and strings, each read its way."""
    is_num = s.map(lambda v: isinstance(v, (int, float, np.integer, np.floating))
                   and not isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
    is_dt = s.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64, _dt.datetime, _dt.date))
                  ).to_numpy(dtype=bool)
    strs = s.map(lambda v: v if isinstance(v, str) else None)
    strs[is_num | is_dt] = None
    res = parse_times_detail(strs.astype("string"), time_format)
    reading.out[:] = to_ns(res.utc).view("datetime64[ns]")
    reading.naive[:] = res.naive
    reading.formats.update(res.formats)
    reading.notes.extend(res.notes)
    missing = res.missing.copy()
    # anything that is neither string, number nor datetime (bool, dict, list) is not missing: unreadable
    other = ~(is_num | is_dt) & s.map(lambda v: not isinstance(v, str) and not is_missing(v)).to_numpy(dtype=bool)
    missing[other | is_num | is_dt] = False
    if is_num.any():
        idx = np.flatnonzero(is_num)
        nums = np.array([float(v) for v in s.iloc[idx]], dtype="float64")
        reading.out[idx], years = _epoch_or_year(nums)
        reading.naive[idx[years]] = True
        _count_epoch(nums, reading.formats)
        _note_years(reading, int(years.sum()))
    if is_dt.any():
        idx = np.flatnonzero(is_dt)
        for i in idx:  # rare: datetime objects inside JSON-ish columns
            t = pd.Timestamp(s.iloc[i])
            if t.tz is None:
                reading.naive[i] = True
            try:
                reading.out[i] = np.datetime64(timestamp_ns(t), "ns")
            except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
                pass
        reading.count("datetime", len(idx))
    return reading.done(missing)


def _from_strings(s: pd.Series, time_format: str | None, reading: _Reading) -> TimeParse:
    """Strings: read each distinct value once (dates repeat a lot), then spread back."""
    n = len(s)
    s = _strings(s).reset_index(drop=True)
    probe = s.iloc[: DISTINCT_PROBE]
    if n > DISTINCT_MIN_ROWS and probe.nunique() < 0.5 * len(probe):
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
        uniq = pd.Series(uniq, dtype="string")
    else:  # mostly distinct values: no point in factorizing
        codes, uniq = np.arange(n), s
    u = _parse_distinct(uniq, time_format)
    weights = np.bincount(codes[codes >= 0], minlength=len(uniq))
    has = codes >= 0
    safe = np.where(has, codes, 0)
    if len(uniq):
        reading.out[:] = np.where(has, u.out[safe], np.datetime64("NaT"))
        reading.naive[:] = has & u.naive[safe]
        missing = ~has | u.missing[safe]
    else:
        missing = np.ones(n, dtype=bool)
    for label_i, label in enumerate(u.labels):
        reading.count(label, weights[u.label_of == label_i].sum())
    for msg, members in u.notes:
        k = int(weights[members].sum()) if members is not None else 0
        reading.notes.append(msg.format(n=k))
    return reading.done(missing)


def _parse_distinct(s: pd.Series, time_format: str | None) -> _Distinct:
    """The string reader proper, on distinct values: each step reads what the earlier left."""
    d = _Distinct(s)
    read_by_user = 0
    if time_format:
        read_by_user = len(d.user_layout(time_format))
    d.numbers()
    d.iso()
    twin = _SWAPPED.get(time_format) if time_format else None
    if read_by_user or twin:
        # The column is in the user's layout: a value it does not read is a value that layout
        # rejects (a month 13 under '%d/%m/%Y' says the column is month first), never one for
        # the automatic layouts, which would read the rest the other way round and silently mix
        # two orders in one column. Machine formats (numbers, ISO 8601) above stay readable. The
        # other day/month order is never read under a format either, even in a column (or a block
        # of a big file) the format reads nothing of: that block would be read the other way round
        # from the blocks beside it.
        if not read_by_user:
            d.common_layouts(skip={twin})
        d.not_in_user_layout(time_format)
    else:  # the layout reads none of this column: another file of the batch, read as if none was given
        d.common_layouts()
    return d


class _Distinct:
    """Reading distinct strings, step by step; every step reads only the values still unread."""

    def __init__(self, s: pd.Series):
        n = len(s)
        self.n = n
        self.out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        self.naive = np.zeros(n, dtype=bool)
        self.label_of = np.full(n, -1, dtype=np.int64)   # index into labels, -1 = unread
        self.labels: list[str] = []
        self.notes: list = []                            # (message with {n}, member mask or None)
        self.stripped = s.str.strip()
        self.missing = (self.stripped.isna() | (self.stripped == "")).to_numpy(dtype=bool)
        self.todo = ~self.missing  # values still to read

    def label_id(self, label: str) -> int:
        if label not in self.labels:
            self.labels.append(label)
        return self.labels.index(label)

    def take(self, idx: np.ndarray, parsed, label: str, is_naive: np.ndarray) -> np.ndarray:
        """Store the values of ``parsed`` (aligned with ``idx``) that read; return their indices."""
        vals, oor = to_utc_datetime64(parsed)
        if oor.any():
            m = np.zeros(self.n, dtype=bool)
            m[idx[oor]] = True
            self.notes.append((_out_of_range_note(label, "{n}"), m))
        ok = ~np.isnat(vals)
        got = idx[ok]
        if len(got):
            self.out[got] = vals[ok]
            self.naive[got] = is_naive[ok]
            self.todo[got] = False
            self.label_of[got] = self.label_id(label)
        return got

    def user_layout(self, time_format: str) -> np.ndarray:
        """1. the user's layout; returns the indices it read"""
        idx = np.flatnonzero(self.todo)
        if len(idx):
            parsed = pd.to_datetime(self.stripped.iloc[idx], format=time_format, errors="coerce", utc=True)
            return self.take(idx, parsed, time_format,
                             np.full(len(idx), not ("%z" in time_format or "%Z" in time_format)))
        return idx

    def not_in_user_layout(self, time_format: str) -> None:
        """A note on the values left unread in a column the user's layout reads (they are rejected)."""
        idx = np.flatnonzero(self.todo)
        if len(idx):
            m = np.zeros(self.n, dtype=bool)
            m[idx] = True
            hint = "check the format"
            other = _SWAPPED.get(time_format)
            # the values of the user's layout and those it rejected (numbers and ISO 8601 aside)
            mine = self.todo | ((self.label_of == self.labels.index(time_format)) if time_format in self.labels
                                else False)
            if other and pd.to_datetime(self.stripped[mine], format=other, errors="coerce").notna().all():
                hint = f"every time of the column reads as {other!r}: is that the layout?"
            where = (", which reads the other times of the column" if time_format in self.labels else
                     " (under a format the other day/month order is not guessed)")
            self.notes.append(("{n:,} time(s) like " + repr(self.stripped.iloc[idx[0]]) + " do not match --time-format "
                               + repr(time_format) + where + ": rejected "
                               f"(one column holds one layout; {hint})", m))

    def numbers(self) -> None:
        """2. numbers: epoch seconds / milliseconds (and compact yyyymmdd[HHMMSS])"""
        idx = np.flatnonzero(self.todo)
        if not len(idx):
            return
        vals = self.stripped.iloc[idx]
        isnum = vals.str.fullmatch(_NUMERIC_RE).fillna(False).to_numpy(dtype=bool)
        if not isnum.any():
            return
        nidx = idx[isnum]
        nv = vals[isnum]
        nnum = pd.to_numeric(nv, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        compact = nv.str.fullmatch(r"(?:19|20)\d{6}(?:\d{6})?").fillna(False).to_numpy(dtype=bool)
        if compact.any():
            cv = nv[compact]
            p = pd.to_datetime(cv, format="%Y%m%d", errors="coerce", utc=True)
            p14 = pd.to_datetime(cv, format="%Y%m%d%H%M%S", errors="coerce", utc=True)
            self.take(nidx[compact], p.fillna(p14), "yyyymmdd[HHMMSS]", np.ones(int(compact.sum()), dtype=bool))
        years = ~compact & nv.str.fullmatch(r"\d{4}").fillna(False).to_numpy(dtype=bool) & _years(nnum)
        if years.any():
            parsed = pd.Series(_epoch_or_year(nnum[years])[0]).dt.tz_localize("UTC")
            got = self.take(nidx[years], parsed, YEAR_LABEL, np.ones(int(years.sum()), dtype=bool))
            m = np.zeros(self.n, dtype=bool)
            m[got] = True
            self.notes.append(("{n} time(s) give only a year: read as 1 January of that year, 00:00 UTC", m))
        rest = ~compact & ~years
        for unit, label, lo, hi in EPOCH_UNITS:
            m = rest & (np.abs(nnum) >= lo) & (np.abs(nnum) < hi)
            if m.any():
                vals_ns = _epoch(nnum[m])
                ok = ~np.isnat(vals_ns)
                got = nidx[m][ok]
                self.out[got] = vals_ns[ok]
                self.todo[got] = False
                self.label_of[got] = self.label_id(label)

    def iso(self) -> None:
        """3. ISO 8601, with or without zone"""
        idx = np.flatnonzero(self.todo)
        if len(idx):
            looks = self.stripped.iloc[idx].str.match(_ISO_LIKE_RE).fillna(False).to_numpy(dtype=bool)
            idx = idx[looks]
        if not len(idx):
            return
        iv = self.stripped.iloc[idx]
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
        self.take(idx, p, "ISO 8601", is_naive)

    def common_layouts(self, skip=frozenset()) -> None:
        """4. Twitter v1 and other common layouts, best first, on what is left (not those in ``skip``)"""
        tried: set[str] = set(skip)
        while True:
            idx = np.flatnonzero(self.todo)
            if not len(idx):
                break
            vals = self.stripped.iloc[idx]
            best = _best_layout(vals, tried)
            if best is None:
                break
            tried.add(best)
            label = "Twitter v1" if best == TWITTER_V1 else best
            got = self.take(idx, pd.to_datetime(vals, format=best, errors="coerce", utc=True), label,
                            np.full(len(idx), not ("%z" in best or "%Z" in best)))
            other = _AMBIGUOUS.get(best)
            if other and len(got):
                self._note_ambiguous(got, best, other)
            if not len(got):
                break

    def _note_ambiguous(self, got: np.ndarray, best: str, other: str) -> None:
        """A note when every value read month-first reads day-first too."""
        both = pd.to_datetime(self.stripped.iloc[got], format=other, errors="coerce", utc=True).notna().to_numpy()
        if both.all():
            m = np.zeros(self.n, dtype=bool)
            m[got] = True
            self.notes.append((
                "day/month order ambiguous in {n} value(s) like " + repr(self.stripped.iloc[got[0]]) +
                f": read as {best} (month first); pass a time format such as '{other}' if the day comes first",
                m))


def _best_layout(vals: pd.Series, tried: set[str]) -> str | None:
    """The untried layout that reads most of a sample of ``vals`` (the first that reads all)."""
    sample = vals if len(vals) <= LAYOUT_SAMPLE else vals.sample(LAYOUT_SAMPLE, random_state=0)
    best, best_n = None, 0
    for fmt in (TWITTER_V1,) + CANDIDATE_FORMATS:
        if fmt in tried:
            continue
        k = int(pd.to_datetime(sample, format=fmt, errors="coerce", utc=True).notna().sum())
        if k > best_n:
            best, best_n = fmt, k
            if k == len(sample):  # reads everything: no need to look further
                break
    return best
