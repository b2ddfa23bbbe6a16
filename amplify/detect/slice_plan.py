"""Where sliced detection cuts time: slices of a length, cut shorter where they would read too many posts.

:func:`plan_slices` covers a corpus's time span with slices of one length
(``amplify detect --slice 30D``), aligned to multiples of it since the
epoch; :func:`split_slices` cuts them into whole days where a slice and its
near halo would read more posts than a bound (``--slice-posts``), so that
detection's memory follows the posts it reads, whatever the density. The
links never depend on where the cuts fall (:mod:`amplify.detect.slices`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from amplify.detect.settings import SettingsError

__all__ = ["Slice", "parse_slice", "plan_slices", "split_slices"]


@dataclass(frozen=True)
class Slice:
    """Targets published in ``[start_ns, end_ns)``; ``index`` numbers the slices in time order."""

    index: int
    start_ns: int
    end_ns: int

    def __str__(self) -> str:
        a = pd.Timestamp(self.start_ns, tz="UTC").isoformat()
        b = pd.Timestamp(self.end_ns, tz="UTC").isoformat()
        return f"slice {self.index} [{a}, {b})"


def parse_slice(value) -> int:
    """A slice length (``"30D"``, ``"12h"``, a Timedelta) in nanoseconds.

    Raises
    ------
    SettingsError
        Not a positive duration.
    """
    try:
        td = pd.Timedelta(value)
    except (ValueError, TypeError):
        td = None
    if td is None or td is pd.NaT or td <= pd.Timedelta(0):
        raise SettingsError("slice", f"must be a positive duration such as '30D' or '12h' (got {value!r})")
    return int(td.value)


def plan_slices(t_min_ns: int, t_max_ns: int, slice_ns: int) -> list[Slice]:
    """Slices of ``slice_ns`` covering ``[t_min_ns, t_max_ns]``, aligned to
    multiples of ``slice_ns`` since the epoch (so a slice's bounds do not
    depend on which posts happen to be first).

    >>> [(s.start_ns, s.end_ns) for s in plan_slices(5, 21, 10)]
    [(0, 10), (10, 20), (20, 30)]
    """
    first = (int(t_min_ns) // slice_ns) * slice_ns
    n = (int(t_max_ns) - first) // slice_ns + 1
    return [Slice(k, first + k * slice_ns, first + (k + 1) * slice_ns) for k in range(n)]


def split_slices(slices: Sequence[Slice], times_ns: np.ndarray, max_posts: int, window_ns: int) -> list[Slice]:
    """``slices`` cut where their read would hold more than ``max_posts`` posts.

    A slice ``[a, b)`` reads its near halo, the posts of ``[a - window, b +
    window]`` (and a few far ones), and detection's memory follows the posts
    it reads. Each slice is cut into consecutive pieces of whole days (whole
    hours when its length is not a number of days), each piece as long as
    its read stays within ``max_posts`` -- and at least one day (hour): a
    denser day than that is a slice of its own. ``times_ns``: every post's
    time, sorted. The links do not depend on where slices are cut.

    >>> day = 86_400 * 10**9
    >>> t = np.array([0, day, day + 1, 2 * day, 3 * day])    # posts on days 0, 1, 1, 2, 3
    >>> [(s.start_ns // day, s.end_ns // day) for s in split_slices([Slice(0, 0, 4 * day)], t, 2, 0)]
    [(0, 1), (1, 2), (2, 4)]
    """
    hour, day = 3_600 * 10**9, 86_400 * 10**9
    times_ns = np.asarray(times_ns, dtype=np.int64)

    def read(a: int, b: int) -> int:                  # posts of [a - window, b - 1 + window]
        return int(np.searchsorted(times_ns, b - 1 + window_ns, side="right")
                   - np.searchsorted(times_ns, a - window_ns, side="left"))

    out = []
    for sl in slices:
        length = sl.end_ns - sl.start_ns
        unit = day if length % day == 0 else hour if length % hour == 0 else length
        a = sl.start_ns
        while a < sl.end_ns:
            b = a + unit
            while b < sl.end_ns and read(a, b + unit) <= max_posts:
                b += unit
            out.append((a, b))
            a = b
    return [Slice(k, a, b) for k, (a, b) in enumerate(out)]
