"""Which outlets and camps a synergy analysis tests, and which pairs of camps can meet at all.

:func:`synergy_scope` picks the *outlets under test*; every test of
:func:`~amplify.analyze.synergy.camp_synergy` runs on them and on nothing
else, so outlets that could not have taken part never change an answer:

1. *active*: the outlet published a post in the analysed period
   ``[since, until)`` (the whole corpus by default), or is the source of an
   echo whose target lies in it;
2. *known*: its camp is not ``unknown`` (outlets missing from the outlets
   table), unless asked for (``include_unknown``, or ``unknown`` among the
   camps chosen);
3. of the outlet kinds chosen (the outlets table's ``kind``: ``state_media``,
   ``ministry`` ...), when chosen;
4. of the camps chosen (``groups``), when chosen: what is compared is what is
   tested.

Steps 1--3 give the *reference* outlets: the post-level risk-set test draws
"what else was there to echo" from all of them, so that its chance level, and
its answer for a pair, do not depend on which other camps are shown
(:mod:`amplify.analyze.risk_set`). Step 4 gives the outlets *under test*,
whose camp labels the label-permutation test shuffles.

:func:`camps_meet` tells which pairs of camps ever publish within one window
of each other: two camps that never do cannot echo each other, and their pair
is not tested (a question that cannot be answered is not answered "no").
:func:`camp_overlaps` tells when two camps both publish and how much of each
camp that is: a pair whose camps mostly publish at different times
(:data:`MIN_OVERLAP_SHARE`) is not tested either.

Restricting a permutation test to the units that could have taken part is
what keeps its exchangeability honest: the label permutation of QAP shuffles
camps across the outlets observed (Krackhardt 1988), and in relational event
models only the actors *at risk* at an event's time enter its comparison
(Butts 2008).

References
----------
.. [1] Krackhardt, D. (1988). Predicting with networks: nonparametric multiple
   regression analysis of dyadic data. *Social Networks* 10(4), 359--381.
.. [2] Butts, C. T. (2008). A relational event framework for social action.
   *Sociological Methodology* 38(1), 155--200.

Examples
--------
>>> import pandas as pd
>>> from amplify.analyze.frame import Frame
>>> posts = pd.DataFrame({"post_id": ["a", "b", "c", "d"], "outlet": ["tass", "xinhua", "old", "stray"],
...                       "published_at": ["2022-01-05", "2022-01-06", "2019-03-01", "2022-01-05"]})
>>> outlets = pd.DataFrame({"outlet": ["tass", "xinhua", "old"], "group": ["RU", "CN", "RU"]})
>>> f = Frame.build(None, posts, outlets)
>>> sc = synergy_scope(f, since="2022-01-01")
>>> f.outlets[sc.tested].tolist(), sc.left_out
(['tass', 'xinhua'], {'inactive': 1, 'unknown': 1, 'other_camps': 0, 'other_kinds': 0})
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from amplify import schema
from amplify.analyze.errors import AnalysisError, user_time_ns
from amplify.analyze.frame import Frame

__all__ = ["Scope", "synergy_scope", "camps_meet", "outlet_kinds_of", "split_kinds", "CampOverlap", "camp_overlaps",
           "MIN_OVERLAP_SHARE"]

#: A pair of camps is compared only when at least this share of each camp's posts lies in the period both camps
#: publish in, widened by one window either side (the only posts that can take part in an echo between them).
#: Why a quarter: the label test shuffles camps across outlets whatever their dates, so its expected count for
#: the pair is drawn from all of both camps' echoes, while the observed one can only come from that period;
#: with a share s inside it, camps that echo each other 1/s times more than chance would still look like chance,
#: so below a quarter even a fourfold excess is invisible, and a pair that shows none says nothing. The risk-set
#: test compares each echo with the posts at risk at its time and is not biased so, but with a quarter or less
#: of a camp in common its answer is about a few days of the period, not about the camps. A small camp whose few
#: posts all fall where the other publishes (a camp too small to test) is not caught: it is a matter of size.
MIN_OVERLAP_SHARE = 0.25


@dataclass
class Scope:
    """The outlets under test and what was left out.

    Attributes
    ----------
    tested : ndarray of bool, shape (n_outlets,)
        Outlets under test (active, known, of the kinds and camps chosen).
    reference : ndarray of bool, shape (n_outlets,)
        Active, known, of the kinds chosen, whatever their camp: the risk sets' outlets.
    in_period : ndarray of bool, shape (n_posts,)
        Posts in ``[since, until)``.
    period_ns : (int, int)
        The analysed period, ``[start, end)`` in ns.
    left_out : dict
        Outlets left out: ``inactive``, ``unknown`` (active but of camp
        ``unknown``), ``other_camps`` and ``other_kinds``.
    unknown_posts : int
        Posts in the period of the unknown outlets left out.
    """

    tested: np.ndarray
    reference: np.ndarray
    in_period: np.ndarray
    period_ns: tuple
    left_out: dict
    unknown_posts: int = 0


def outlet_kinds_of(f: Frame) -> list[str]:
    """The outlet kinds the outlets table gives (its ``kind`` column), sorted; empty when it gives none.

    >>> import pandas as pd
    >>> f = Frame.build(None, pd.DataFrame({"post_id": ["a"], "outlet": ["tass"], "published_at": ["2022-01-05"]}),
    ...                 pd.DataFrame({"outlet": ["tass"], "group": ["RU"], "kind": ["state_media"]}))
    >>> outlet_kinds_of(f)
    ['state_media']
    """
    return sorted({str(k) for k in f.kind_of_outlet if k is not None})


def split_kinds(values, outlets) -> tuple[list, list]:
    """Kind filters as (link kinds, outlet kinds): link kinds by their names, the rest from the outlets table.

    The command line's ``--kind`` takes both (``--kind quote``, ``--kind
    state_media,ministry``): the five link kinds have fixed names
    (:data:`amplify.schema.LINK_KINDS`), outlet kinds are whatever the outlets
    table's ``kind`` column holds. A value that is neither raises
    :class:`AnalysisError` naming both lists.

    >>> import pandas as pd
    >>> split_kinds(["quote,state_media", "ministry"], pd.DataFrame({"kind": ["state_media", "ministry"]}))
    (['quote'], ['state_media', 'ministry'])
    """
    have = sorted({str(k) for k in outlets["kind"].dropna()}) if outlets is not None and "kind" in outlets.columns \
        else []
    link, outlet = [], []
    for v in (k.strip() for x in values for k in str(x).split(",") if k.strip()):
        if v in schema.LINK_KINDS:
            link.append(v)
        elif v in have:
            outlet.append(v)
        else:
            raise AnalysisError(f"{v!r} is neither a link kind ({', '.join(schema.LINK_KINDS)}) nor an outlet kind "
                                f"of the outlets table ({', '.join(have) if have else 'it has no kind column'})")
    return link, outlet


def _kind_mask(f: Frame, outlet_kinds) -> np.ndarray:
    wanted = [k.strip() for x in outlet_kinds for k in str(x).split(",") if k.strip()]
    have = outlet_kinds_of(f)
    if not have:
        raise AnalysisError("the outlets table gives no outlet kinds (column 'kind'): cannot keep only "
                            f"{', '.join(wanted)}")
    missing = [k for k in wanted if k not in have]
    if missing:
        raise AnalysisError(f"unknown outlet kind(s) {missing}; the outlets table has {have}")
    return np.isin(np.asarray([k if k is not None else "" for k in f.kind_of_outlet], dtype=object), wanted)


def synergy_scope(f: Frame, *, groups=None, outlet_kinds=None, include_unknown: bool = False, since=None,
                  until=None, link_mask: np.ndarray | None = None) -> Scope:
    """The outlets under test (see the module documentation).

    Parameters
    ----------
    f : Frame
    groups : list of str, optional
        Camps chosen (names as in ``f.groups``).
    outlet_kinds : list of str, optional
        Keep only outlets of these kinds (comma-separated values allowed).
    include_unknown : bool
        Keep outlets of camp ``unknown``.
    since, until : timestamp, optional
        The analysed period.
    link_mask : ndarray of bool, optional
        The links whose targets are in the period (their sources count as active).

    Returns
    -------
    Scope
    """
    n_out = len(f.outlets)
    lo = user_time_ns(since) if since is not None else (int(f.times.min()) if f.n_posts else 0)
    hi = user_time_ns(until) if until is not None else (int(f.times.max()) + 1 if f.n_posts else 1)
    in_period = (f.times >= lo) & (f.times < hi)
    active = np.bincount(f.outlet_of_post[in_period], minlength=n_out) > 0
    if link_mask is not None and link_mask.any():
        active[f.outlet_of_post[f.src[link_mask]]] = True
    gnames = f.groups.tolist()
    unknown_code = gnames.index(schema.UNKNOWN_GROUP) if schema.UNKNOWN_GROUP in gnames else -1
    keep_unknown = include_unknown or (groups is not None and schema.UNKNOWN_GROUP in groups)
    is_unknown = f.group_of_outlet == unknown_code
    kind_ok = _kind_mask(f, outlet_kinds) if outlet_kinds else np.ones(n_out, bool)
    known_kind = active & (keep_unknown | ~is_unknown) & kind_ok
    if groups:
        in_groups = np.isin(f.group_of_outlet, [gnames.index(g) for g in groups])
    else:
        in_groups = np.ones(n_out, bool)
    tested = known_kind & in_groups
    left_out = {"inactive": int((~active).sum()),
                "unknown": int((active & is_unknown & ~keep_unknown).sum()),
                "other_camps": int((known_kind & ~in_groups).sum()),
                "other_kinds": int((active & (keep_unknown | ~is_unknown) & ~kind_ok).sum())}
    unknown_posts = int((in_period & (is_unknown & ~keep_unknown & active)[f.outlet_of_post]).sum())
    return Scope(tested, known_kind, in_period, (lo, hi), left_out, unknown_posts)


def camps_meet(times_ns, group_of_post, n_groups: int, window_ns: int) -> np.ndarray:
    """``meet[x, y]``: some post of camp ``x`` lies within ``window_ns`` of some post of camp ``y``.

    Parameters
    ----------
    times_ns, group_of_post : array
        The posts that count (those of the outlets under test).
    n_groups : int
    window_ns : int

    Returns
    -------
    ndarray of bool, shape (n_groups, n_groups), symmetric
        The diagonal is true for every camp with a post.

    Examples
    --------
    >>> import numpy as np
    >>> day = 86_400 * 10**9
    >>> camps_meet(np.array([0, 3 * day, 40 * day]), np.array([0, 1, 2]), 3, 7 * day).tolist()
    [[True, True, False], [True, True, False], [False, False, True]]
    """
    t = np.asarray(times_ns, np.int64)
    g = np.asarray(group_of_post, np.int64)
    K = int(n_groups)
    meet = np.zeros((K, K), dtype=bool)
    sorted_by = [np.sort(t[g == c]) for c in range(K)]
    for x in range(K):
        tx = sorted_by[x]
        if len(tx) == 0:
            continue
        meet[x, x] = True
        for y in range(x + 1, K):
            ty = sorted_by[y]
            if len(ty) == 0:
                continue
            left = np.searchsorted(tx, ty - window_ns, side="left")
            right = np.searchsorted(tx, ty + window_ns, side="right")
            meet[x, y] = meet[y, x] = bool((right > left).any())
    return meet


@dataclass(frozen=True)
class CampOverlap:
    """When two camps both publish, and how much of each camp that period holds.

    Attributes
    ----------
    camps : (int, int)
        The two camps' codes.
    first, last : int
        The period both publish in, in ns: the later of their first posts and
        the earlier of their last posts (``first > last`` when one camp stops
        before the other starts).
    window : int
        The detection window in ns.
    posts, totals : (int, int)
        Posts of each camp within one window of that period, and in all.
    """

    camps: tuple
    first: int
    last: int
    window: int
    posts: tuple
    totals: tuple

    @property
    def shares(self) -> tuple:
        """The share of each camp's posts within one window of the common period (1.0 for a camp with none)."""
        return tuple(n / t if t else 1.0 for n, t in zip(self.posts, self.totals))

    @property
    def enough(self) -> bool:
        """Each camp has at least :data:`MIN_OVERLAP_SHARE` of its posts there (see its comment for why)."""
        return min(self.shares) >= MIN_OVERLAP_SHARE

    @property
    def days(self) -> int:
        """Calendar days (UTC) from ``first`` to ``last``, both counted; 0 when the spans do not meet."""
        day = 86_400 * 10**9
        return max(self.last // day - self.first // day + 1, 0)

    def widened(self) -> tuple[str, str]:
        """``--since`` and ``--until`` (whole days) that hold the period widened by one window either side."""
        lo = pd.Timestamp(self.first - self.window, tz="UTC").floor("D")
        hi = pd.Timestamp(self.last + self.window, tz="UTC").floor("D") + pd.Timedelta(days=1)
        return lo.strftime("%Y-%m-%d"), hi.strftime("%Y-%m-%d")

    def describe(self, names, window=None) -> str:
        """When both camps publish and how many posts of each are near it, in words (``names``: camp names by
        code; ``window``: the window as the user gave it, to name it).

        >>> day = 86_400 * 10**9
        >>> ov = CampOverlap((0, 1), 30 * day, 32 * day, 7 * day, (74, 180), (537, 4508))
        >>> ov.describe(["EARLY", "LATE"])
        "camps EARLY and LATE publish together only from 1970-01-31 to 1970-02-02 (3 days): 74 of EARLY's 537 \
posts (14%) and 180 of LATE's 4,508 (4%) lie within one window of that period"
        """
        a, b = (names[c] for c in self.camps)
        day = lambda ns: pd.Timestamp(ns, tz="UTC").strftime("%Y-%m-%d")  # noqa: E731
        if self.first <= self.last:
            n = self.days
            when = f"publish together only from {day(self.first)} to {day(self.last)} ({n} day{'s' * (n != 1)})"
        else:
            when = (f"never publish at the same time (one camp's posts end on {day(self.last)}, the other's begin "
                    f"on {day(self.first)})")
        (na, nb), (ta, tb), (sa, sb) = self.posts, self.totals, self.shares
        return (f"camps {a} and {b} {when}: {na:,} of {a}'s {ta:,} posts ({sa:.0%}) and {nb:,} of {b}'s {tb:,} "
                f"({sb:.0%}) lie within one window{f' ({window})' if window else ''} of that period")


def camp_overlaps(times_ns, group_of_post, camps, window_ns: int) -> dict:
    """:class:`CampOverlap` of every pair of ``camps``, keyed ``(x, y)`` with ``x < y``.

    Parameters
    ----------
    times_ns, group_of_post : array
        The posts that count (those of the outlets under test, in the period).
    camps : list of int
        The camps to pair.
    window_ns : int
        The detection window.

    Returns
    -------
    dict

    Examples
    --------
    >>> import numpy as np
    >>> day = 86_400 * 10**9
    >>> t = np.r_[np.arange(0, 100) * day, np.arange(97, 200) * day]
    >>> g = np.r_[np.zeros(100, int), np.ones(103, int)]
    >>> ov = camp_overlaps(t, g, [0, 1], 7 * day)[(0, 1)]
    >>> ov.days, ov.posts, ov.enough
    (3, (10, 10), False)
    """
    t = np.asarray(times_ns, np.int64)
    g = np.asarray(group_of_post, np.int64)
    by = {c: np.sort(t[g == c]) for c in camps}
    out = {}
    for x in sorted(camps):
        for y in sorted(camps):
            if y <= x or not len(by[x]) or not len(by[y]):
                continue
            first = int(max(by[x][0], by[y][0]))
            last = int(min(by[x][-1], by[y][-1]))
            lo, hi = first - window_ns, last + window_ns
            near = tuple(int(np.searchsorted(by[c], hi, side="right") - np.searchsorted(by[c], lo, side="left"))
                         if lo <= hi else 0 for c in (x, y))
            out[(x, y)] = CampOverlap((x, y), first, last, int(window_ns), near, (len(by[x]), len(by[y])))
    return out
