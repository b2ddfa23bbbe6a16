r"""How precisely each outlet's times are known, and which links therefore have no known direction.

Scraped news often carries a date and no time: every post of such an outlet
sits at midnight (or at one fixed time of day, when a time zone was applied to
the date). Two posts of one day then cannot be ordered, yet a link between
them has a source and a target, and its ``lag_s`` looks like hours. The
functions here find each outlet's *time resolution* and say, for a link,
whether its two times are equal at the coarser resolution of its two outlets:
then the order is unknown and the link is a *tie* (an undirected
co-publication) whatever the table's ``tie`` column says.

Resolution of an outlet
    The coarsest of ``day``, ``hour``, ``minute``, ``second`` that every one
    of its post times is a whole multiple of (``subsecond`` otherwise). A
    time zone applied to bare dates puts them at one fixed time of day that is
    not midnight; an outlet whose posts (five at least) all share one time of
    day, a whole number of quarter hours, has ``day`` resolution with that
    *phase* (the time of day its dates stand for). An outlet with fewer than
    :data:`MIN_POSTS` posts is taken at its word (``subsecond``): one post at
    14:00:00 says nothing about a clock.

Day-only posts of a timed outlet
    Some sites give a time on most pages and only a date on others. A post at
    midnight exactly, from an outlet whose posts fall at midnight far more
    often than chance (at least :data:`MIXED_DAY_SHARE` of them, and at least
    :data:`MIXED_DAY_FACTOR` times the share its own resolution gives by
    chance: 1 in 1,440 for minutes), is read as a date without a time.

Order unknown
    Posts ``a`` and ``b`` with resolutions :math:`u_a, u_b` (and phases
    :math:`c_a, c_b`): with :math:`u = \max(u_a, u_b)` and :math:`c` the phase
    of the coarser one, the order is unknown when
    :math:`\lfloor (t_a - c)/u \rfloor = \lfloor (t_b - c)/u \rfloor`. A day
    is a UTC day (shifted by the phase): where a date stands for a local day
    in another zone, the boundary is approximate.

This follows the treatment of interval-censored event times in temporal
networks: an event known only to a day is a tie with every other event of
that day (Holme & Saramäki 2012, sec. 4.1; Butts 2008 on ordinal-time
relational events).

References
----------
.. [1] Holme, P. & Saramäki, J. (2012). Temporal networks. *Physics Reports*
   519(3), 97--125.
.. [2] Butts, C. T. (2008). A relational event framework for social action.
   *Sociological Methodology* 38(1), 155--200.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"post_id": list("abcdef"), "outlet": ["site"] * 3 + ["agency"] * 3,
...                       "published_at": ["2022-01-05", "2022-01-06", "2022-01-08", "2022-01-05 14:03:07Z",
...                                        "2022-01-06 09:00:00Z", "2022-01-06 11:30:00Z"]})
>>> time_resolution(posts)[["outlet", "resolution", "posts"]].values.tolist()
[['agency', 'second', 3], ['site', 'day', 3]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.utc import to_ns

__all__ = ["UNITS", "outlet_resolution", "post_resolution", "order_unknown", "time_resolution", "unit_name",
           "MIN_POSTS", "MIXED_DAY_SHARE", "MIXED_DAY_FACTOR"]

DAY_NS = 86_400 * 10**9
#: The resolutions tried, coarsest first: (name, length in nanoseconds).
UNITS = (("day", DAY_NS), ("hour", 3_600 * 10**9), ("minute", 60 * 10**9), ("second", 10**9), ("subsecond", 1))
#: A phase (time of day of an outlet's bare dates) is a whole number of these: time zones are quarter hours.
_PHASE_STEP_NS = 15 * 60 * 10**9
#: Posts an outlet needs before its resolution is read from them (fewer: its times are taken as exact).
MIN_POSTS = 3
#: Posts needed before one shared time of day other than midnight is read as "dates in a time zone".
_MIN_POSTS_FOR_PHASE = 5
#: Midnight posts of a timed outlet are dates without a time when at least this share of its posts are...
MIXED_DAY_SHARE = 0.05
#: ...and at least this many times the share its own resolution puts at midnight by chance.
MIXED_DAY_FACTOR = 10.0


def unit_name(unit_ns) -> str:
    """The name of a resolution given in nanoseconds (``"day"``, ``"minute"`` ...), as :data:`UNITS` spells it.

    >>> unit_name(60 * 10**9), unit_name(1)
    ('minute', 'subsecond')
    """
    for name, u in UNITS:
        if int(unit_ns) == u:
            return name
    return f"{int(unit_ns)}ns"


def outlet_resolution(times_ns, outlet_of_post, n_outlets: int) -> tuple[np.ndarray, np.ndarray]:
    """Resolution and phase of each outlet's post times, in nanoseconds.

    Parameters
    ----------
    times_ns : array of int64
        Post times, nanoseconds since the epoch (UTC).
    outlet_of_post : array of int
        Outlet code of each post, in ``range(n_outlets)``.
    n_outlets : int

    Returns
    -------
    unit, phase : ndarray of int64, shape (n_outlets,)
        The coarsest unit of :data:`UNITS` every post time of the outlet is a
        multiple of (after subtracting the phase), and the phase: the time of
        day its dates stand for (0 unless the unit is a day). An outlet with
        fewer than :data:`MIN_POSTS` posts gets 1 ns, phase 0.

    Examples
    --------
    >>> import numpy as np
    >>> day = 86_400 * 10**9
    >>> dates_in_utc3 = [d * day + 21 * 3600 * 10**9 for d in range(5)]   # five dates read at 00:00+03:00
    >>> t = np.array([3 * day, 5 * day, 6 * day, 3 * day + 7 * 10**9, 4 * day, 5 * day] + dates_in_utc3)
    >>> unit, phase = outlet_resolution(t, np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2]), 4)
    >>> [unit_name(u) for u in unit], (phase // 3_600_000_000_000).tolist()
    (['day', 'second', 'day', 'subsecond'], [0, 0, 21, 0])
    """
    t = np.asarray(times_ns, dtype=np.int64)
    o = np.asarray(outlet_of_post, dtype=np.int64)
    n = int(n_outlets)
    counts = np.bincount(o, minlength=n)
    unit = np.ones(n, dtype=np.int64)
    phase = np.zeros(n, dtype=np.int64)
    if len(t) == 0:
        return unit, phase
    decided = counts < MIN_POSTS
    # a day with a phase: every post of the outlet at one time of day, a whole number of quarter hours
    tod = np.mod(t, DAY_NS)
    first = np.full(n, DAY_NS, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    np.minimum.at(first, o, tod)
    np.maximum.at(last, o, tod)
    same = first == last
    phased = ~decided & same & (np.mod(first, _PHASE_STEP_NS) == 0) & \
        ((first == 0) | (counts >= _MIN_POSTS_FOR_PHASE))
    unit[phased] = DAY_NS
    phase[phased] = first[phased]
    decided |= phased
    for _, u in UNITS[1:-1]:
        off = np.bincount(o, weights=(np.mod(t, u) != 0).astype(np.float64), minlength=n) == 0
        take = off & ~decided
        unit[take] = u
        decided |= take
    return unit, phase


def post_resolution(times_ns, outlet_of_post, n_outlets: int) -> tuple[np.ndarray, np.ndarray]:
    """Resolution and phase of each post's time: its outlet's, or a day for the dates of a mixed outlet.

    A post at UTC midnight whose outlet has a finer resolution but puts at
    least :data:`MIXED_DAY_SHARE` of its posts at midnight (and
    :data:`MIXED_DAY_FACTOR` times what chance gives at its resolution) is a
    date without a time (two such posts at least).

    Returns
    -------
    unit, phase : ndarray of int64, shape (n_posts,)

    Examples
    --------
    >>> import numpy as np
    >>> day, minute = 86_400 * 10**9, 60 * 10**9
    >>> t = np.array([day, 2 * day, 3 * day + 5 * minute, 4 * day + 17 * minute, 5 * day + 2 * minute])
    >>> unit, _ = post_resolution(t, np.zeros(5, np.int64), 1)
    >>> [unit_name(u) for u in unit]
    ['day', 'day', 'minute', 'minute', 'minute']
    """
    t = np.asarray(times_ns, dtype=np.int64)
    o = np.asarray(outlet_of_post, dtype=np.int64)
    unit_o, phase_o = outlet_resolution(t, o, n_outlets)
    unit, phase = unit_o[o], phase_o[o]
    if len(t) == 0:
        return unit, phase
    midnight = np.mod(t, DAY_NS) == 0
    counts = np.bincount(o, minlength=int(n_outlets))
    at_midnight = np.bincount(o, weights=midnight.astype(np.float64), minlength=int(n_outlets))
    share = at_midnight / np.maximum(counts, 1)
    chance = unit_o / DAY_NS
    mixed = (unit_o < DAY_NS) & (counts >= MIN_POSTS) & (at_midnight >= 2) & \
        (share >= np.maximum(MIXED_DAY_SHARE, MIXED_DAY_FACTOR * chance))
    dated = midnight & mixed[o]
    unit = np.where(dated, DAY_NS, unit)
    phase = np.where(dated, 0, phase)
    return unit, phase


def order_unknown(t_a, unit_a, phase_a, t_b, unit_b, phase_b) -> np.ndarray:
    """Whether posts ``a`` and ``b`` fall in one unit of the coarser of their two resolutions.

    Then which came first is unknown, whatever their recorded times say.

    Examples
    --------
    >>> import numpy as np
    >>> day, hour = 86_400 * 10**9, 3_600 * 10**9
    >>> # a date-only post of 5 Jan and a timed post at 14:00 that day; the same timed post and 6 Jan
    >>> order_unknown(np.array([4 * day, 5 * day]), np.array([day, day]), np.array([0, 0]),
    ...               np.array([4 * day + 14 * hour] * 2), np.array([1, 1]), np.array([0, 0])).tolist()
    [True, False]
    """
    ua, ub = np.asarray(unit_a, np.int64), np.asarray(unit_b, np.int64)
    coarser_a = ua >= ub
    u = np.where(coarser_a, ua, ub)
    c = np.where(coarser_a, np.asarray(phase_a, np.int64), np.asarray(phase_b, np.int64))
    return np.floor_divide(np.asarray(t_a, np.int64) - c, u) == np.floor_divide(np.asarray(t_b, np.int64) - c, u)


def time_resolution(posts: pd.DataFrame) -> pd.DataFrame:
    """Per outlet: the resolution of its times, its phase and how many of its posts are dates only.

    Parameters
    ----------
    posts : DataFrame
        With ``outlet`` and ``published_at``.

    Returns
    -------
    DataFrame
        ``outlet``, ``resolution`` (``day``, ``hour``, ``minute``, ``second``
        or ``subsecond``), ``phase`` (the time of day a date stands for,
        ``HH:MM``; empty unless the resolution is a day), ``posts`` and
        ``day_only_posts`` (posts read as a date without a time), sorted by
        outlet.
    """
    codes, names = pd.factorize(posts["outlet"].astype(str), sort=True)
    t = to_ns(posts["published_at"])
    unit_o, phase_o = outlet_resolution(t, codes, len(names))
    unit_p, _ = post_resolution(t, codes, len(names))
    day_only = np.bincount(codes, weights=(unit_p == DAY_NS).astype(np.float64), minlength=len(names))
    minutes = phase_o // (60 * 10**9)
    return pd.DataFrame({
        "outlet": np.asarray(names, dtype=object),
        "resolution": [unit_name(u) for u in unit_o],
        "phase": [f"{m // 60:02d}:{m % 60:02d}" if u == DAY_NS else "" for u, m in zip(unit_o, minutes)],
        "posts": np.bincount(codes, minlength=len(names)).astype(np.int64),
        "day_only_posts": day_only.astype(np.int64),
    })
