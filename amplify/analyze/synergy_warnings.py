"""What a synergy report must say it could not answer, or answered with a caveat.

:func:`synergy_warnings` reads a finished analysis and returns one sentence
per problem, in this order:

* outlets missing from the outlets table (camp ``unknown``) left out;
* links whose order is unknown (equal times, or one day at an outlet's date
  resolution) counted as co-publications -- or left out;
* a camp chosen that has no outlet under test in the period;
* pairs of camps that never publish within one window of each other, and
  pairs whose camps mostly publish at different times (when both publish,
  and how many posts of each that period holds; the ``--since``/``--until``
  that would test that period alone);
* a camp too small to test: no test can reach ``alpha`` for any of its pairs
  (or for those into it, or out of it);
* the label test's resolution: only so many distinct labellings (enumerated
  exactly), pairs whose smallest reachable p is not below ``alpha``;
* a period too short for the time-shift test to move timing;
* pairs significant at the post level but not at the outlet level (with the
  outlet pairs that carry them), or carried by one or two outlet pairs.

These are the cases where a bare number would mislead; the warnings go to
the command's stderr, the JSON ``warnings`` and the report page. The rule
behind "say so instead of answering" is the usual one for permutation tests
with few distinct permutations (Phipson & Smyth 2010).

References
----------
.. [1] Phipson, B. & Smyth, G. K. (2010). Permutation p-values should never be
   zero. *Statistical Applications in Genetics and Molecular Biology* 9(1), 39.

Examples
--------
>>> _names(["a", "b", "c", "d", "e", "f", "g"], limit=3)
'a, b, c and 4 more'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amplify.analyze.echo_events import EchoEvents
from amplify.analyze.frame import Frame
from amplify.analyze.resolution import DAY_NS
from amplify.analyze.synergy_scope import MIN_OVERLAP_SHARE, Scope

__all__ = ["synergy_warnings", "SHIFT_MIN_WINDOWS"]

#: The time-shift test moves timing only when the period spans at least this many windows.
SHIFT_MIN_WINDOWS = 4
#: A significant pair carried by at most this many outlet pairs (or half its echoes by one) is said to be.
CONCENTRATED_PAIRS = 2


def _names(items, limit: int = 5) -> str:
    items = [str(i) for i in items]
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _fmt_p(p) -> str:
    return "-" if p is None or p != p else f"{p:.3g}"


def _ties(f: Frame, scope: Scope, ev: EchoEvents, settings: dict) -> list[str]:
    """The tie warning every analysis prints (one rule, one count: :meth:`TieSummary.warning`), then how
    many of the undirected co-publications synergy itself counts."""
    out = []
    note = f.ties.warning()
    if note:
        out.append(note)
    c = ev.counts
    if settings["ties"] and c["copublications"]:
        out.append(f"synergy counts {c['copublications']:,} of the undirected co-publications (those between "
                   f"outlets under test{', each post with its closest partner' if settings['parents_only'] else ''})"
                   f" as half an echo each way; --no-ties leaves them out")
    elif not settings["ties"] and c["ties_left_out"] and not note:
        out.append(f"{c['ties_left_out']:,} co-publication(s) (posts whose order is unknown) left out (--no-ties)")
    return out


def _small_camps(f: Frame, scope: Scope, ev: EchoEvents, pairs: pd.DataFrame, show, meet, alpha) -> list[str]:
    out = []
    gnames = f.groups.tolist()
    names = [gnames[i] for i in show]
    if len(names) < 2:
        return [f"only one camp under test ({_names(names)}): there is no pair of camps to compare"]
    tested_post = scope.tested[f.outlet_of_post]
    in_period = scope.in_period & tested_post
    so, to = f.outlet_of_post[ev.src], f.outlet_of_post[ev.tgt]
    cross = f.group_of_outlet[so] != f.group_of_outlet[to]
    for c in show:
        name = gnames[c]
        n_out = int((scope.tested & (f.group_of_outlet == c)).sum())
        if n_out == 0:
            out.append(f"camp {name} has no outlet under test in the period (no post, or left out by kind): "
                       "its pairs are not tested")
            continue
        met = [bool(meet[gnames.index(s), gnames.index(t)]) for s, t in zip(pairs["source"], pairs["target"])]
        others = pairs[np.asarray(met, dtype=bool) & (pairs["source"] != pairs["target"]).to_numpy()]
        into, out_of = others[others["target"] == name], others[others["source"] == name]
        blind_in = len(into) > 0 and (into["tested_by"] == "none").all()
        blind_out = len(out_of) > 0 and (out_of["tested_by"] == "none").all()
        if not (blind_in or blind_out):
            continue
        role = "" if blind_in and blind_out else " as an echoer" if blind_in else " as a source"
        posts = int((in_period & (f.group_of_post == c)).sum())
        echoes = int((f.group_of_outlet[to] == c).sum()) if blind_in else 0
        echoes += int((f.group_of_outlet[so] == c).sum()) if blind_out else 0
        size = f"{n_out} outlet(s), {posts:,} post(s) in the period"
        if echoes == 0:
            what = ("echoes no other outlet's post and none of its posts is echoed" if role == "" else
                    "echoes no other outlet's post" if blind_in else "has no post echoed by another outlet")
            out.append(f"camp {name} {what} ({size}): whether it amplifies or is amplified by another camp "
                       "cannot be tested" if role == "" else f"camp {name} {what} ({size}): that direction of its "
                       "pairs cannot be tested")
            continue
        given = int((cross & (f.group_of_outlet[so] == c)).sum())
        got = int((cross & (f.group_of_outlet[to] == c)).sum())
        out.append(f"camp {name} is too small to test{role}: {size}, {given:,} echo event(s) to other camps and "
                   f"{got:,} from them; no test can reach p < {alpha} for its pairs"
                   + ("" if not role else " in that direction"))
    return out


def _overlap(f: Frame, scope: Scope, show, meet, settings, apart) -> list[str]:
    gnames = f.groups.tolist()
    has = [c for c in show if (scope.tested & (f.group_of_outlet == c)).any()]
    out = []
    for i, x in enumerate(has):
        for y in has[i + 1:]:
            if not meet[x, y]:
                out.append(f"camps {gnames[x]} and {gnames[y]} never publish within one window ({settings['window']}) "
                           "of each other in the period: no echo between them is possible, their pair is not tested")
            elif (min(x, y), max(x, y)) in apart:
                ov = apart[(min(x, y), max(x, y))]
                since, until = ov.widened()
                out.append(f"{ov.describe(gnames, window=settings['window'])}: under {MIN_OVERLAP_SHARE:.0%} of a "
                           "camp's posts, too little to compare the camps (the label test would expect echoes between "
                           "them at times when one of them did not publish), so their pair is not tested; "
                           f"--since {since} --until {until} tests that period alone")
    return out


def _label(pairs: pd.DataFrame, settings: dict, alpha, tested) -> list[str]:
    out = []
    if settings["label_exact"]:
        out.append(f"label test: the {settings['outlets']} outlets under test have only "
                   f"{settings['relabellings']:,} distinct camp labellings (not more than the "
                   f"{settings['permutations_asked']:,} permutations asked): all enumerated, p-values exact")
    # pairs left untested for their dates have their own warning: their label test's resolution is beside the point
    cross = pairs[(pairs["source"] != pairs["target"]) & (pairs["label_min_p"] >= alpha) & tested]
    if len(cross) and settings["permutations"]:
        # named by its column: a pair's note gives the smallest p its echoes allow too (label_reach_p), which
        # may be larger; an unnamed "smallest p" here and there read as two answers to one question
        listed = _names([f"{s}->{t} (label_min_p {_fmt_p(m)})" for s, t, m in
                         zip(cross["source"], cross["target"], cross["label_min_p"])], limit=6)
        out.append(f"label test cannot reach p < {alpha} for {listed}: too few outlets (or permutations) "
                   "for its resolution, whatever the echoes")
    return out


def _disagreements(pairs: pd.DataFrame, alpha) -> list[str]:
    out = []
    for r in pairs[(pairs["source"] != pairs["target"]) & pairs["significant"]].itertuples(index=False):
        if r.tested_by != "risk set":
            continue
        carried = (f"carried by {r.outlet_pairs} outlet pair(s), most by {r.top_outlet_pair} "
                   f"({r.top_outlet_pair_echoes:g} of {r.observed:g} echoes)")
        concentrated = r.outlet_pairs <= CONCENTRATED_PAIRS or r.top_outlet_pair_echoes >= r.observed / 2
        if max(r.label_min_p, r.label_reach_p) < alpha and r.p >= alpha:
            out.append(f"{r.source}->{r.target}: significant at the post level (p={_fmt_p(r.post_p)}) but not at the "
                       f"outlet level (label p={_fmt_p(r.p)}): {carried}" +
                       ("; it may be a relation between these outlets more than between the camps"
                        if concentrated else ""))
        elif concentrated:
            out.append(f"{r.source}->{r.target}: significant, but {carried}")
    return out


def synergy_warnings(f: Frame, scope: Scope, ev: EchoEvents, pairs: pd.DataFrame, reciprocity: pd.DataFrame,
                     settings: dict, *, meet, show, alpha: float, shift_informative: bool,
                     apart=None) -> list[str]:
    """The warnings of one synergy analysis (see the module documentation), as sentences.

    Parameters
    ----------
    f : Frame
    scope : Scope
        The outlets under test (:func:`~amplify.analyze.synergy_scope.synergy_scope`).
    ev : EchoEvents
        The echoes counted.
    pairs, reciprocity : DataFrame
        The report's tables.
    settings : dict
        The report's settings.
    meet : ndarray of bool
        :func:`~amplify.analyze.synergy_scope.camps_meet`.
    show : list of int
        The camps reported.
    alpha : float
    shift_informative : bool
        The period spans :data:`SHIFT_MIN_WINDOWS` windows (or the time-shift test was not run).
    apart : dict, optional
        The :class:`~amplify.analyze.synergy_scope.CampOverlap` of the pairs whose camps meet but overlap
        too little to be tested, keyed ``(x, y)`` with ``x < y``.

    Returns
    -------
    list of str
    """
    out = []
    apart = apart or {}
    # the pairs that can be tested at all: their camps meet, and overlap enough (a camp is "too small" only on
    # those; on the others its size is not what stops the test)
    meets = np.array(meet, dtype=bool, copy=True)
    for x, y in apart:
        meets[x, y] = meets[y, x] = False
    gnames = f.groups.tolist()
    tested = np.array([bool(meets[gnames.index(a), gnames.index(b)]) for a, b in zip(pairs["source"], pairs["target"])],
                      dtype=bool)
    n_unknown = scope.left_out["unknown"]
    if n_unknown:
        out.append(f"{n_unknown:,} outlet(s) missing from the outlets table or given no group there (camp 'unknown', "
                   f"{scope.unknown_posts:,} post(s) in the period) left out; test them with --include-unknown")
    out += _ties(f, scope, ev, settings)
    out += _small_camps(f, scope, ev, pairs, show, meets, alpha)
    out += _overlap(f, scope, show, meet, settings, apart)
    out += _label(pairs, settings, alpha, tested)
    if not shift_informative:
        days = (scope.period_ns[1] - scope.period_ns[0]) / DAY_NS
        out.append(f"time-shift test: the period ({days:.1f} days) is under {SHIFT_MIN_WINDOWS} windows "
                   f"({settings['window']}): shifting timelines hardly moves posts out of each other's window, so "
                   "its p-values say little (it does not decide any verdict)")
    out += _disagreements(pairs, alpha)
    return out
