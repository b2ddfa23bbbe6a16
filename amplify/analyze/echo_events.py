r"""The echoes that synergy counts: directed echoes and undirected co-publications between outlets under test.

:func:`echo_events` turns the links table into *echo events*, the unit both
synergy tests count (:mod:`amplify.analyze.synergy`):

Directed echo
    A link whose two times are ordered at the resolution of both outlets
    (:mod:`amplify.analyze.resolution`): the target echoes the source. By
    default only each target's *parent* link counts, so every echo counts
    once, from its most likely direct source (:mod:`amplify.detect.parents`).
    Weight 1.

Co-publication
    A link whose order is unknown: both posts carry one timestamp (``tie``),
    or they fall in one unit of the coarser time resolution of their outlets
    (one day, for an outlet that gives dates without times), and no evidence
    directs it -- the tie rule of :func:`amplify.analyze.ties.orient_ties`,
    which the frame applies once for every analysis (a tie that platform
    ids, attribution or containment directs is a directed echo). Which echoed
    which is unknown, so the pair counts as an undirected co-publication:
    half an echo each way (two events of weight ½). With parents only, a post
    that has no directed parent contributes its closest such partner (in the
    order parents are chosen: platform evidence, score, attribution, source
    id), and a pair chosen from both sides counts once -- so, like parents,
    each post adds at most one co-publication, and a story carried by twenty
    outlets on one day does not count 190 pairs. Without parents only, every
    such pair counts once.

Left out, and counted
    links between two posts of one outlet (an outlet repeating itself is not
    amplification between outlets), links with an end outside the outlets
    under test, and with ``ties=False`` every co-publication.

Weights are kept in half units (2 per directed echo, 1 per direction of a
co-publication) so the compiled nulls count in integers; divide by
:data:`HALF` for echoes.

Treating an event known only to a day as tied with every event of that day
is the usual reading of interval-censored times in relational event data
(Butts 2008); splitting a tie evenly between both orders is the standard
treatment of ties in rank statistics (Kendall 1945).

References
----------
.. [1] Butts, C. T. (2008). A relational event framework for social action.
   *Sociological Methodology* 38(1), 155--200.
.. [2] Kendall, M. G. (1945). The treatment of ties in ranking problems.
   *Biometrika* 33(3), 239--251.

Examples
--------
A site that gives dates only, and a wire with times. The wire's 09:30 post
echoes the site's post of that day (order unknown: a co-publication); the
site's post of 3 March echoes the wire's of 2 March (a directed echo):

>>> import numpy as np
>>> import pandas as pd
>>> from amplify.analyze.frame import Frame
>>> posts = pd.DataFrame({"post_id": ["s1", "s2", "s3", "w1", "w2", "w3"],
...                       "outlet": ["site"] * 3 + ["wire"] * 3,
...                       "published_at": ["2022-03-01", "2022-03-02", "2022-03-03", "2022-03-01 09:30:12Z",
...                                        "2022-03-02 10:00:03Z", "2022-03-04 08:10:44Z"]})
>>> links = pd.DataFrame({"source_id": ["s1", "w2"], "target_id": ["w1", "s3"], "kind": ["quote", "quote"],
...                       "score": [90.0, 90.0], "lag_s": [34212.0, 50397.0], "is_parent": [True, True],
...                       "tie": [False, False], "attributed": [False, False]})
>>> f = Frame.build(links, posts)
>>> ev = echo_events(f, np.ones(len(f.outlets), bool))
>>> ev.counts["directed"], ev.counts["copublications"], ev.weight.tolist(), ev.copub.tolist()
(1, 1, [2, 1, 1], [False, True, True])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from amplify.analyze.frame import Frame
from amplify.analyze.resolution import order_unknown, post_resolution
from amplify.graph import undirected_mask

__all__ = ["EchoEvents", "echo_events", "HALF", "NATIVE_KINDS"]

#: Weights are in half echoes: a directed echo weighs 2, each direction of a co-publication 1.
HALF = 2
#: Link kinds that come from the platform (a repost or quote names its source): first when choosing a partner.
NATIVE_KINDS = ("repost", "quote_post")


@dataclass
class EchoEvents:
    """Echo events, one per (source post, target post, direction); see the module documentation.

    Attributes
    ----------
    src, tgt : ndarray of int64
        Post indices (into the frame) of the echoed and the echoing post.
    weight : ndarray of int64
        In half echoes: 2 for a directed echo, 1 for each direction of a co-publication.
    copub : ndarray of bool
        The event is one direction of a co-publication.
    hi : ndarray of int64
        Latest time (ns) a source of this event could have had: the target's
        time, or for a co-publication the end of the time unit both posts fall in.
    lag_s : ndarray of float
        Target time minus source time (NaN for co-publications).
    counts : dict
        ``directed``, ``copublications`` (pairs), ``copub_equal_time``,
        ``copub_resolution`` (pairs whose order only the resolution hides),
        ``ties_left_out`` (pairs left out by ``ties=False``), ``same_outlet``
        and ``outside`` (links left out because an end is not under test).
    """

    src: np.ndarray
    tgt: np.ndarray
    weight: np.ndarray
    copub: np.ndarray
    hi: np.ndarray
    lag_s: np.ndarray
    counts: dict = field(default_factory=dict)
    unordered_links: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.src)


def _best_partner(f: Frame, rows: np.ndarray) -> np.ndarray:
    """Of the links ``rows``, the first per target post in the order parents are chosen."""
    if len(rows) == 0:
        return rows
    L = f.links
    kind = L["kind"].to_numpy(dtype=object)[rows]
    native = np.isin(kind, NATIVE_KINDS)
    score = np.round(L["score"].to_numpy(dtype=np.float64)[rows])
    attributed = L["attributed"].to_numpy(dtype=bool)[rows] if "attributed" in L.columns else np.zeros(len(rows), bool)
    parent = L["is_parent"].to_numpy(dtype=bool)[rows]
    src_rank = pd.factorize(pd.Series(f.post_ids[f.src[rows]], dtype=object), sort=True)[0]
    tgt = f.tgt[rows]
    order = np.lexsort((src_rank, ~attributed, -score, ~native, ~parent, tgt))
    first = np.r_[True, tgt[order][1:] != tgt[order][:-1]]
    return rows[order[first]]


def echo_events(f: Frame, tested: np.ndarray, *, parents_only: bool = True, kinds=None, since=None, until=None,
                ties: bool = True, resolution: tuple[np.ndarray, np.ndarray] | None = None) -> EchoEvents:
    """The directed echoes and co-publications between outlets under test.

    Parameters
    ----------
    f : Frame
    tested : ndarray of bool, shape (n_outlets,)
        The outlets under test; a link counts only if both its posts' outlets are.
    parents_only : bool
        Count each echo once, from its parent (default), or every link.
    kinds : list of str, optional
        Only links of these kinds.
    since, until : timestamp, optional
        Only links whose target lies in ``[since, until)``.
    ties : bool
        Count co-publications (default) or leave them out (counted in ``counts``).
    resolution : (unit, phase), optional
        Per post, from :func:`~amplify.analyze.resolution.post_resolution`
        (computed when not given).

    Returns
    -------
    EchoEvents
    """
    L = f.links
    n = len(L)
    unit, phase = resolution if resolution is not None else \
        post_resolution(f.times, f.outlet_of_post, len(f.outlets))
    base = f.link_mask(parents_only=False, kinds=kinds, since=since, until=until)
    s, t = f.src, f.tgt
    so, to = f.outlet_of_post[s], f.outlet_of_post[t]
    same = so == to
    both = tested[so] & tested[to] if n else np.zeros(0, bool)
    strict = f.times[s] == f.times[t] if n else np.zeros(0, bool)      # equal timestamps
    tie = L["tie"].to_numpy(dtype=bool) if n and "tie" in L.columns else np.zeros(n, bool)
    if ties and n and "direction" in L.columns:
        # the frame's ties are oriented (amplify.analyze.ties, the one rule every analysis uses): a tie that
        # evidence directs is an echo like any other; the rest are the undirected co-publications
        unordered = undirected_mask(L)
    else:
        unordered = tie | order_unknown(f.times[s], unit[s], phase[s], f.times[t], unit[t], phase[t]) if n \
            else np.zeros(0, bool)
    parent_col = "detected_parent" if not ties and "detected_parent" in L.columns else "is_parent"
    parent = L[parent_col].to_numpy(dtype=bool) if n else np.zeros(0, bool)
    keep = base & ~same & both
    if parents_only:
        directed = keep & parent & ~unordered
        has_parent = np.zeros(f.n_posts, dtype=bool)
        has_parent[t[base & parent & ~unordered]] = True
        cand = np.flatnonzero(keep & unordered & ~has_parent[t])
        chosen = _best_partner(f, cand)
    else:
        directed = keep & ~unordered
        chosen = np.flatnonzero(keep & unordered)
    a, b = np.minimum(s[chosen], t[chosen]), np.maximum(s[chosen], t[chosen])
    pair_key, first = np.unique(np.c_[a, b], axis=0, return_index=True) if len(chosen) else \
        (np.zeros((0, 2), np.int64), np.zeros(0, np.int64))
    pair_rows = chosen[first]
    n_pairs = len(pair_key)
    counts = {"directed": int(directed.sum()), "copublications": n_pairs if ties else 0,
              "copub_equal_time": int(strict[pair_rows].sum()) if ties else 0,
              "copub_resolution": int((~strict[pair_rows]).sum()) if ties else 0,
              "ties_left_out": 0 if ties else n_pairs,
              "same_outlet": int((base & same).sum()), "outside": int((base & ~same & ~both).sum())}
    d = np.flatnonzero(directed)
    lag = L["lag_s"].to_numpy(dtype=np.float64)[d] if len(d) else np.zeros(0)
    src, tgt = [s[d]], [t[d]]
    weight, copub, hi, lags = [np.full(len(d), HALF, np.int64)], [np.zeros(len(d), bool)], [f.times[t[d]]], [lag]
    if ties and n_pairs:
        pa, pb = pair_key[:, 0], pair_key[:, 1]
        coarse_a = unit[pa] >= unit[pb]
        u = np.where(coarse_a, unit[pa], unit[pb])
        c = np.where(coarse_a, phase[pa], phase[pb])
        end = np.floor_divide(f.times[pa] - c, u) * u + c + u - 1   # both posts lie in this unit
        end = np.maximum(end, np.maximum(f.times[pa], f.times[pb]))
        src += [pa, pb]
        tgt += [pb, pa]
        weight += [np.ones(2 * n_pairs, np.int64)]
        copub += [np.ones(2 * n_pairs, bool)]
        hi += [end, end]
        lags += [np.full(2 * n_pairs, np.nan)]
    return EchoEvents(np.concatenate(src).astype(np.int64), np.concatenate(tgt).astype(np.int64),
                      np.concatenate(weight), np.concatenate(copub), np.concatenate(hi).astype(np.int64),
                      np.concatenate(lags), counts, unordered)
