r"""Coordinated posting: pairs of accounts that push the same content within seconds, again and again.

Researchers of state and troll networks ask first who acts together.
:func:`coordination` answers it the way the coordination-network toolkit and
CooRTweet do (Giglietto et al. 2020; Graham et al. 2024), with a null that
keeps each account's own activity:

1. **Content keys** (:func:`~amplify.analyze.coordination_keys.content_keys`):
   per post, the echo family of its text, the addresses it links to, the post
   it reposts, or any of them (``by``).
2. **Co-posts** (:func:`~amplify.analyze.coordination_join.co_posts`): two
   posts of two accounts carrying one key within ``within`` of each other
   (sorted by key and time, each row walks forward: never all pairs of
   posts). A pair of posts sharing two keys is one co-post.
3. **Pairs of accounts** with at least ``min_repeats`` co-posts: their
   count, the distinct contents (``items``), first and last time, the median
   gap, which side posted first, evidence posts.
4. **Significance** (:mod:`~amplify.analyze.coordination_null`): each tested
   pair against the *jitter* null (every post moved by its own uniform
   offset within ``jitter``, 10 minutes or ten intervals: each account keeps its volume, its
   bursts and its reaction to each story at that scale, only the alignment
   within seconds is left to chance), ``expected``, ``z`` and an exact
   ``p``; Benjamini--Hochberg over the pairs tested gives ``q``, and a pair
   is ``coordinated`` when ``q <= alpha``. Busy accounts that post the same
   viral items within the same hours meet within a minute now and then, but
   no more often than their jittered timelines do, and are not flagged.
   ``null="shift"`` uses the exact timeline shift instead (one account's
   whole timeline shifted against the other's), which keeps less and flags
   accounts that only react to the same stories in the same hour.
5. **Clusters** (:mod:`~amplify.analyze.coordination_clusters`): the
   connected groups of coordinated accounts.

Times must be known to within the interval: posts of accounts whose times
are dates (or hours) are left out of a 60 s question, with a warning, and
when none is left the question is refused (:class:`AnalysisError`) with the
interval that could be asked instead (:mod:`amplify.analyze.resolution`).

The shift null does not know *why* two timelines align: accounts that react
within a minute to the same outside event (a breaking story every outlet
posts at once) align too. Read a flagged pair with its evidence.

References
----------
.. [1] Giglietto, F., Righetti, N., Rossi, L. & Marino, G. (2020). It takes a
   village to manipulate the media: coordinated link sharing behavior during
   2018 and 2019 Italian elections. *Information, Communication & Society*
   23(6), 867--891.
.. [2] Graham, T., Hames, S. & Alpert, E. (2024). The coordination network
   toolkit: a framework for detecting and analysing coordinated behaviour on
   social media. *Journal of Computational Social Science* 7, 1139--1160.

Examples
--------
>>> from amplify.synth import generate
>>> from amplify.detect import detect
>>> c = generate(n_posts=2000, seed=3, coordinated_groups=2)
>>> rep = coordination(detect(c.posts, c.outlets), c.posts, c.outlets)
>>> planted = set(map(tuple, c.truth["coordination"]["pairs"]))
>>> found = set(zip(rep.pairs.loc[rep.pairs["coordinated"], "account_a"],
...                 rep.pairs.loc[rep.pairs["coordinated"], "account_b"]))
>>> found == planted
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from amplify.analyze.coordination_clusters import coordination_clusters
from amplify.analyze.coordination_join import co_posts, distinct_post_pairs, shared_content
from amplify.analyze.coordination_keys import BY_CHOICES, content_keys
from amplify.analyze.coordination_null import benjamini_hochberg, jitter_null, shift_null_exact
from amplify.analyze.errors import AnalysisError, check_alpha
from amplify.analyze.frame import Frame
from amplify.analyze.resolution import post_resolution, unit_name
from amplify.analyze.tables import json_records

__all__ = ["coordination", "CoordinationReport", "parse_within", "PAIR_COLUMNS", "DEFAULT_WITHIN",
           "DEFAULT_MIN_REPEATS", "DEFAULT_ALPHA", "DEFAULT_JITTER", "NULLS", "EVIDENCE_PER_PAIR"]

DEFAULT_WITHIN = "60s"
DEFAULT_MIN_REPEATS = 3
DEFAULT_ALPHA = 0.01
DEFAULT_JITTER = "10min"
#: The null models (:mod:`amplify.analyze.coordination_null`).
NULLS = ("jitter", "shift")
_NULL_WORDS = {"jitter": "their jittered timelines", "shift": "their shifted timelines"}
#: Co-posts named per pair as evidence (the earliest).
EVIDENCE_PER_PAIR = 3
PAIR_COLUMNS = ["account_a", "account_b", "camp_a", "camp_b", "co_posts", "items", "first", "last",
                "median_gap_s", "a_first", "posts_a", "posts_b", "expected", "z", "p", "q", "coordinated",
                "evidence"]


def parse_within(within) -> int:
    """An interval as nanoseconds: ``"60s"``, ``"5min"``, ``"1d"``, a ``Timedelta`` or a number of seconds.

    >>> parse_within("60s"), parse_within(90), parse_within("2min")
    (60000000000, 90000000000, 120000000000)
    """
    try:
        if isinstance(within, (int, float, np.integer, np.floating)) and not isinstance(within, bool):
            ns = int(round(float(within) * 1e9))
        else:
            s = str(within).strip()
            s = s[:-1] + "D" if s[-1:] == "d" and s[:-1].strip().replace(".", "", 1).isdigit() else s
            ns = int(pd.Timedelta(float(s), unit="s").value if s.replace(".", "", 1).isdigit()
                     else pd.Timedelta(s).value)
    except (ValueError, TypeError) as exc:
        raise AnalysisError(f"cannot read the interval {within!r} (e.g. 60s, 5min, 1h, 1d)") from exc
    if ns == pd.NaT.value:  # "nan" and "NaT" read as the missing duration
        raise AnalysisError(f"cannot read the interval {within!r} (e.g. 60s, 5min, 1h, 1d)")
    if ns < 0:
        raise AnalysisError(f"the interval must not be negative (got {within!r})")
    return ns


@dataclass
class CoordinationReport:
    """What :func:`coordination` found.

    Attributes
    ----------
    pairs : DataFrame
        One row per pair of accounts with at least ``min_repeats`` co-posts
        (:data:`PAIR_COLUMNS`), coordinated first, then by ``z``.
    clusters : DataFrame
        Connected groups of coordinated accounts
        (:func:`~amplify.analyze.coordination_clusters.coordination_clusters`).
    settings : dict
        ``within``, ``min_repeats``, ``by``, ``alpha``, the p threshold used,
        the pairs tested, the time unit and period of the null, counts.
    warnings : list of str
        What cannot be answered, and why.
    """

    pairs: pd.DataFrame
    clusters: pd.DataFrame
    settings: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    @property
    def coordinated(self) -> pd.DataFrame:
        """The coordinated pairs only."""
        return self.pairs[self.pairs["coordinated"]].reset_index(drop=True)

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {"settings": dict(self.settings), "pairs": json_records(self.pairs),
                "clusters": json_records(self.clusters), "warnings": list(self.warnings)}

    def summary_line(self) -> str:
        """One sentence: what was asked, and how many pairs and clusters answered it."""
        s = self.settings
        return (f"{s['coordinated_pairs']:,} coordinated pair(s) of accounts in {len(self.clusters):,} cluster(s): "
                f"same content (by {s['by']}) within {s['within']}, at least {s['min_repeats']} times, "
                + (f"{s['tested_pairs']:,} pair(s) tested against {_NULL_WORDS[s['null']]}, q <= {s['alpha']} "
                   f"(p <= {s['p_threshold']:.3g})" if s["tested_pairs"] else "no pair to test"))


def _usable_posts(frame: Frame, within_ns: int):
    """Posts whose time is known to within the interval; the warnings and the null's time unit."""
    unit, _ = post_resolution(frame.times, frame.outlet_of_post, len(frame.outlets))
    warnings = []
    if within_ns > 0:
        ok = unit <= within_ns
    else:
        ok = np.ones(len(unit), dtype=bool)
        if (unit > 10**9).any():
            warnings.append("--within 0 asks for posts of the same recorded time; some accounts' times are "
                            f"known only to the {unit_name(unit.max())}, so 'the same time' means the same "
                            f"{unit_name(unit.max())} for them")
    coarse = ~ok
    if coarse.any():
        acc = np.unique(frame.outlet_of_post[coarse])
        said = _accounts_by_unit(frame, unit, coarse)
        if not ok.any():
            finest = int(unit[coarse].min())    # the narrowest interval some accounts' times can answer
            raise AnalysisError(
                f"no post's time is known to within {_within_words(within_ns)}: {said}; so co-posting within "
                f"{_within_words(within_ns)} cannot be told apart from posting in the same unit of time. Ask "
                f"--within {_unit_words(finest)} (co-posting in the same {unit_name(finest)}, a much weaker sign) "
                "or use data with finer times")
        warnings.append(f"{int(coarse.sum()):,} post(s) of {len(acc):,} account(s) have times coarser than the "
                        f"interval ({said}): they are left out")
    clock = collector_clock(frame.times[ok], frame.outlet_of_post[ok], unit[ok])
    if clock:
        warnings.append(clock)
    lattice = int(unit[ok].max()) if ok.any() else 10**9
    return ok, warnings, max(lattice, 1)


#: Within this many seconds, two posts of different accounts are "seconds apart" for the clock check.
_CLOCK_S = 5
#: The clock check warns when at least this share of posts has another account's post within
#: _CLOCK_S and that share is at least _CLOCK_EXCESS times what posts spread at random give.
_CLOCK_SHARE, _CLOCK_EXCESS = 0.9, 2.0


def collector_clock(times: np.ndarray, outlet_of_post: np.ndarray, unit: np.ndarray) -> str | None:
    """A warning when the times look like a collector's batches rather than when the posts were made.

    A feed stamped by its crawler (UCI News: every post within seconds of
    another outlet's) puts nearly every post seconds from a post of another
    account, far more than posts spread at random over the period would
    (``1 - exp(-2 * rate * 5 s)``); co-posting by the clock then says how the
    collector fetched, not how the accounts posted, and the jitter null (each
    account's own timeline) cannot see it. Only posts timed to the second or
    finer are looked at; neighbours are taken in time order, so the share is
    a lower bound.
    """
    fine = unit <= 10**9
    if fine.sum() < 100:
        return None
    order = np.argsort(times[fine], kind="stable")
    t, o = times[fine][order], outlet_of_post[fine][order]
    close = (np.diff(t) <= _CLOCK_S * 10**9) & (o[1:] != o[:-1])
    near = np.zeros(len(t), dtype=bool)
    near[1:] |= close
    near[:-1] |= close
    span_s = max((int(t[-1]) - int(t[0])) / 1e9, 1.0)
    random_share = 1.0 - np.exp(-2.0 * len(t) / span_s * _CLOCK_S)
    share = float(near.mean())
    if share < _CLOCK_SHARE or share < _CLOCK_EXCESS * random_share:
        return None
    return (f"{share:.0%} of the posts have a post of another account within {_CLOCK_S} s, where posts spread at "
            f"random over the period would give {random_share:.0%}: the times look like a collector's batches "
            f"(when the posts were fetched), not when they were posted, and co-posting by such a clock says "
            f"nothing about the accounts")


def _accounts_by_unit(frame: Frame, unit: np.ndarray, posts: np.ndarray) -> str:
    """``'known only to the day: mfa_china; to the hour: globaltimes, sputnik_int'`` for the accounts
    of ``posts`` (a mask), each at the coarsest unit of its posts there."""
    acc = frame.outlet_of_post[posts]
    worst = np.zeros(len(frame.outlets), dtype=np.int64)
    np.maximum.at(worst, acc, unit[posts])
    parts = []
    for u in sorted(set(worst[np.unique(acc)].tolist()), reverse=True):
        names = frame.outlets[np.flatnonzero(worst == u)]
        shown = ", ".join(map(str, names[:5])) + (f" and {len(names) - 5:,} more" if len(names) > 5 else "")
        parts.append(f"to the {unit_name(u)}: {shown}")
    return "known only " + "; ".join(parts)


def _unit_words(unit_ns: int) -> str:
    return {86_400 * 10**9: "1d", 3_600 * 10**9: "1h", 60 * 10**9: "60s"}.get(int(unit_ns), f"{unit_ns}ns")


def _pair_table(frame: Frame, a, b, k, min_repeats: int):
    """Aggregate co-posts to pairs of accounts; keep those with ``min_repeats`` or more."""
    n_out = len(frame.outlets)
    oa, ob = frame.outlet_of_post[a], frame.outlet_of_post[b]
    code = oa * n_out + ob
    keep = distinct_post_pairs(a, b)            # a pair of posts sharing two keys is one co-post
    a, b, k, code = a[keep], b[keep], k[keep], code[keep]
    # items: distinct contents per pair of accounts (one key per co-post, so a text and its link count once)
    uk = distinct_post_pairs(code, k)
    items_code, items_n = np.unique(code[uk], return_counts=True)
    ta, tb = frame.times[a], frame.times[b]
    t0 = np.minimum(ta, tb)
    order = np.lexsort((t0, code))
    a, b, k, code, ta, tb, t0 = a[order], b[order], k[order], code[order], ta[order], tb[order], t0[order]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if len(code) else np.zeros(0, np.int64)
    counts = np.diff(np.r_[starts, len(code)])
    big = counts >= min_repeats
    s, c = starts[big], counts[big]
    pc = code[s]
    rows = np.repeat(big, counts)
    gap = np.abs(tb - ta)
    # median gap per pair: sort the kept rows' gaps inside their pair
    gk = gap[rows]
    pk = np.repeat(np.arange(len(s)), c)
    go = np.lexsort((gk, pk))
    gs = gk[go]
    kstart = np.r_[0, np.cumsum(c)[:-1]].astype(np.int64)
    median = (gs[kstart + (c - 1) // 2] + gs[kstart + c // 2]) / 2 / 1e9 if len(c) else np.zeros(0)
    last = np.maximum.reduceat(np.maximum(ta, tb), s) if len(s) else np.zeros(0, np.int64)
    a_first = np.add.reduceat((ta < tb).astype(np.int64), s) if len(s) else np.zeros(0, np.int64)
    A, B = pc // n_out, pc % n_out
    posts_per = np.bincount(frame.outlet_of_post, minlength=n_out)
    ev = []
    for st, cn in zip(s.tolist(), c.tolist()):
        m = min(cn, EVIDENCE_PER_PAIR)
        ev.append("; ".join(f"{frame.post_ids[a[st + i]]}/{frame.post_ids[b[st + i]]}" for i in range(m)))
    ii = np.searchsorted(items_code, pc)
    table = pd.DataFrame({
        "account_a": frame.outlets[A].astype(object), "account_b": frame.outlets[B].astype(object),
        "camp_a": frame.groups[frame.group_of_outlet[A]].astype(object),
        "camp_b": frame.groups[frame.group_of_outlet[B]].astype(object),
        "co_posts": c.astype(np.int64), "items": items_n[ii].astype(np.int64),
        "first": pd.to_datetime(t0[s], utc=True), "last": pd.to_datetime(last, utc=True),
        "median_gap_s": np.asarray(median, np.float64), "a_first": a_first.astype(np.int64),
        "posts_a": posts_per[A].astype(np.int64), "posts_b": posts_per[B].astype(np.int64),
        "evidence": ev})
    # (pair row, key, co-posts) for the clusters' most pushed content
    kr = pd.DataFrame({"pair": pk, "key": k[rows]}).value_counts().rename("n").reset_index()
    return table, A, B, kr, int(len(starts))


def coordination(links: pd.DataFrame | None, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
                 within=DEFAULT_WITHIN, min_repeats: int = DEFAULT_MIN_REPEATS, by: str = "text",
                 alpha: float = DEFAULT_ALPHA, null: str = "jitter", jitter=None, communities: bool = False,
                 frame: Frame | None = None, texts=None) -> CoordinationReport:
    """Pairs of accounts that co-post the same content within ``within``, at least ``min_repeats`` times.

    Parameters
    ----------
    links, posts, outlets : DataFrame
        Canonical tables (:mod:`amplify.schema`); ``links`` make the echo
        families (``by="text"``), ``posts`` may carry ``urls`` and
        ``reposted_id``. The account is the post's ``outlet``.
    within : str, number or Timedelta
        The interval: ``"60s"`` (default), ``"5min"``, seconds as a number.
    min_repeats : int
        Co-posts a pair needs to be listed and tested (default 3).
    by : {"text", "url", "repost", "any"}
        What "the same content" is (:mod:`amplify.analyze.coordination_keys`).
    alpha : float
        False discovery rate over the pairs tested (Benjamini--Hochberg).
    null : {"jitter", "shift"}
        The null model (module documentation).
    jitter : str, number or Timedelta, optional
        How far the jitter null moves each post, either way (default: 10
        minutes, or ten times the interval when that is longer).
    communities : bool
        Split the clusters (connected components) into Louvain communities
        (:func:`amplify.analyze.communities.louvain_partition`, seed 0).
    frame : Frame, optional
        The coded tables, when the caller has them.
    texts : DataFrame or Workspace, optional
        Where to read the text of each cluster's most pushed content.

    Returns
    -------
    CoordinationReport

    Raises
    ------
    AnalysisError
        No post, a bad ``by`` or interval, or every time coarser than the interval.
    """
    if by not in BY_CHOICES:
        raise AnalysisError(f"--by must be one of {', '.join(BY_CHOICES)} (got {by!r})")
    if int(min_repeats) < 1:
        raise AnalysisError(f"--min-repeats must be at least 1 (got {min_repeats})")
    check_alpha(alpha)
    if null not in NULLS:
        raise AnalysisError(f"null must be one of {', '.join(NULLS)} (got {null!r})")
    min_repeats = int(min_repeats)
    w = parse_within(within)
    J = parse_within(jitter) if jitter is not None else None
    f = frame if frame is not None else Frame.build(links, posts, outlets)
    if f.n_posts == 0:
        raise AnalysisError("no posts: nothing to look for coordination in")
    ok, warnings, unit = _usable_posts(f, w)
    if J is None:  # ten intervals (or ten time units, for coarse times), and 10 minutes at least
        J = max(parse_within(DEFAULT_JITTER), 10 * w, 10 * unit)
    if null == "jitter" and J < 5 * max(w, unit):
        warnings.append(f"the jitter ({_within_words(J)}) is not much longer than the interval: the null keeps "
                        "nearly all of the alignment it should break, so few pairs can stand out")
    keys = content_keys(f, posts, by)
    warnings += keys.notes
    keep = ok[keys.post]
    kp, kk = keys.post[keep], keys.key[keep]
    a, b, k = co_posts(kp, kk, f.times, f.outlet_of_post, w)
    table, A, B, pair_keys, any_pairs = _pair_table(f, a, b, k, min_repeats)

    # the null, for the pairs listed only: every shared content of the two accounts, at any distance
    used = f.times[np.unique(kp)] if len(kp) else f.times[:0]
    period = int(used.max() - used.min()) + w + unit if len(used) else unit
    pair, _, _, d = shared_content(kp, kk, f.times, f.outlet_of_post, len(f.outlets), A, B)
    offsets = np.searchsorted(pair, np.arange(len(A) + 1)).astype(np.int64)
    if null == "jitter":
        # times on a lattice of `unit`: |d| <= w there is |d| < w + unit, so the jittered (continuous)
        # difference is counted within w + unit / 2 (a continuity correction; negligible for seconds)
        obs, p, mean, sd = jitter_null(offsets, d, w, J, unit // 2)
    else:
        obs, p, mean, sd = shift_null_exact(offsets, d, w, unit, period)
    if len(obs) and not np.array_equal(obs, table["co_posts"].to_numpy()):
        raise AssertionError("the null's observed counts differ from the co-posts found")  # a bug, not user error
    q = benjamini_hochberg(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (obs - mean) / np.where(sd > 0, sd, 1), np.nan)
    table["expected"] = np.round(mean, 4)
    table["z"] = np.round(z, 2)
    table["p"] = p
    table["q"] = q
    table["coordinated"] = q <= alpha
    threshold = float(p[q <= alpha].max()) if (q <= alpha).any() else 0.0
    order = np.lexsort((table["account_b"].to_numpy(), table["account_a"].to_numpy(),
                        -np.nan_to_num(table["z"].to_numpy(), nan=-np.inf), ~table["coordinated"].to_numpy()))
    kmap = np.empty(len(order), np.int64)
    kmap[order] = np.arange(len(order))
    pair_keys["pair"] = kmap[pair_keys["pair"].to_numpy()] if len(pair_keys) else pair_keys["pair"]
    table = table.iloc[order].reset_index(drop=True)[PAIR_COLUMNS]
    clusters = coordination_clusters(table, f, pair_keys, keys.labels, texts=texts if texts is not None else
                                     (posts if "text" in posts.columns else None), communities=communities)
    period_days = period / 86_400e9
    floor = (2 * w // unit + 1) / max(-(-period // unit), 1)
    if null == "shift" and len(table) and floor > alpha / max(len(table), 1):
        warnings.append(f"the period ({period_days:.1f} days) is short for a {unit_name(w) if w else '0 s'} "
                        f"interval: no pair can reach p below about {floor:.2g}, so few pairs can pass q <= {alpha}")
    if not len(table):
        warnings.append(f"no pair of accounts co-posted the same content (by {by}) within the interval "
                        f"{min_repeats} times or more")
    settings = {"within": _within_words(w), "within_s": w / 1e9, "min_repeats": min_repeats, "by": by,
                "alpha": float(alpha), "p_threshold": threshold, "tested_pairs": int(len(table)),
                "coordinated_pairs": int(table["coordinated"].sum()), "co_posting_pairs": any_pairs,
                "co_posts": int(len(distinct_post_pairs(a, b))), "posts": int(f.n_posts),
                "posts_used": int(ok.sum()), "keyed_posts": int(len(np.unique(kp))),
                "time_unit": unit_name(unit), "null": null, "jitter": _within_words(J),
                "period_days": round(period_days, 3),
                "clusters": "Louvain communities" if communities else "connected components"}
    return CoordinationReport(table, clusters, settings, warnings)


def _within_words(ns: int) -> str:
    """``60s``, ``5min``, ``2h``, ``1d`` (the coarsest unit that divides it), else seconds with decimals."""
    ns = int(ns)
    for unit, name in ((86_400 * 10**9, "d"), (3_600 * 10**9, "h"), (60 * 10**9, "min")):
        if ns and ns % unit == 0 and ns >= unit and not (name == "min" and ns < 5 * unit):
            return f"{ns // unit}{name}"
    return f"{ns // 10**9}s" if ns % 10**9 == 0 else f"{ns / 1e9:g}s"
