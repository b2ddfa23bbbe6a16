r"""Ties: links between posts published at the same moment, and the direction evidence gives them.

Detection lists a link between two posts with equal timestamps (a *tie*)
both ways, flags it ``tie`` and never makes it a parent (see
:mod:`amplify.detect.parents`): time alone cannot tell which came first. With
dates but no times -- common in scraped news -- most links are ties, and
leaving them out erases the signal (one site reprinting another's headlines
the same day). :func:`orient_ties` keeps them, in two ways:

*Directed by evidence.* A tie gets a direction when one side, and only one,
has it, in this order of strength:

1. ``platform`` -- the target's ``reposted_id`` / ``quoted_id`` names the
   source (a repost or a quote post of the same second);
2. ``attribution`` -- the target names the source's outlet (the link's
   ``attributed`` flag, :mod:`amplify.detect.attribution`) and the source does
   not name the target's;
3. ``containment`` -- the target holds the source's whole text, and more,
   *plus a name*: the source's tokens (detection's own,
   :func:`amplify.text.tokenize`) are a subsequence of the target's,
   allowing one in ten to differ (:data:`CONTAINED_SHARE`: a respelt name,
   "Zelensky" / "Zelenskyi"), the target is longer, and the target names an
   outlet -- its own (the stamp a republisher puts on a reprint: "... |
   Censor.NET") or the source's -- as attribution finds names
   (:func:`amplify.detect.attribution.attributed`: handle, name, aliases).
   The longest common subsequence (:func:`amplify.detect.similarity.lcs`) is
   the same both ways, so only the shorter text can be contained; the name
   is what tells a republication from a wire story that another outlet cut
   short (a longer headline by itself says nothing about who wrote first).
   A source of fewer than :data:`MIN_CONTAINED_WORDS` tokens proves nothing
   and is not used.

The kept direction becomes an ordinary echo (its mirror row is dropped) and
competes to be its target's parent under the usual rules
(:func:`amplify.detect.parents.mark_parents`), so a same-day republication
counts in graphs, bridges, paths and traces. Evidence that runs in a circle
(three posts of one moment each "containing" the next) proves nothing: such
ties stay undirected.

*Order hidden by the time resolution.* A link whose two times differ but
fall in one unit of the coarser time resolution of the two outlets (a
date-only site and a timed wire on one day; :mod:`amplify.analyze.resolution`)
is a tie too: listed once, flagged ``tie`` here, and directed by the same
evidence or left undirected. This is the one tie rule every analysis uses
(synergy, summary, bridges, paths, graphs, the report): they all read the
links :func:`orient_ties` returns, and all print :meth:`TieSummary.warning`,
so the counts agree.

*Undirected co-publication.* A tie without evidence stays listed both ways
and is marked ``direction = "undirected"``: the graphs count it once per pair
of posts as a co-publication of the two outlets, apart from the echoes
(:func:`amplify.graph.outlet_edges`, column ``ties``), and paths may pass
through it, marked.

Every link gets a ``direction``: ``time`` (the source was published first),
``platform``, ``attribution``, ``containment`` or ``undirected``; and
``detected_parent``, the parent flag detection gave it (so that leaving ties
out restores detection's own parents). :class:`TieSummary` counts what was
done and words the warning the commands print.

Examples
--------
>>> import pandas as pd
>>> from amplify.detect import detect
>>> head = "Stoltenberg: NATO and Ukraine coordinate ahead of the meeting with Russia"
>>> posts = pd.DataFrame({"post_id": ["u1", "c1"], "outlet": ["ukrinform", "censor"],
...     "published_at": ["2022-01-10", "2022-01-10"],
...     "text": [head, head + " (10.01.22 13:25) | World | Censor.NET"]})
>>> links = detect(posts)
>>> links[["source_id", "target_id", "tie", "is_parent"]].values.tolist()
[['u1', 'c1', True, False], ['c1', 'u1', True, False]]
>>> oriented, summary = orient_ties(links, posts)  # the reprint holds the headline and names itself
>>> oriented[["source_id", "target_id", "direction", "is_parent"]].values.tolist()
[['u1', 'c1', 'containment', True]]
>>> summary.oriented
{'platform': 0, 'attribution': 0, 'containment': 1}

References
----------
.. [1] Leskovec, J., Backstrom, L. & Kleinberg, J. (2009). Meme-tracking and
   the dynamics of the news cycle. *KDD '09*, 497--506 (a phrase's earliest
   full occurrence as its source).
.. [2] Boumans, J., Trilling, D., Vliegenthart, R. & Boomgaarden, H. (2018).
   The agency makes the (online) news world go round: the impact of news
   agency content on print and online news. *International Journal of
   Communication* 12, 1768--1789 (republication of agency copy, found as
   containment of its text).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
from numba import njit

from amplify.analyze.resolution import order_unknown, post_resolution, time_resolution
from amplify.analyze.tables import post_texts
from amplify.detect.attribution import attributed
from amplify.detect.native import NATIVE_KINDS
from amplify.detect.parents import mark_parents
from amplify.detect.similarity import lcs
from amplify.graph import undirected_mask, without_ties
from amplify.text import tokenize
from amplify.utc import to_ns

__all__ = ["orient_ties", "TieSummary", "DIRECTIONS", "EVIDENCE", "MIN_CONTAINED_WORDS", "CONTAINED_SHARE",
           "day_only_outlets", "undirected_mask", "without_ties", "resolution_ties", "oriented_summary"]

#: Evidence that gives a tie a direction, strongest first.
EVIDENCE = ("platform", "attribution", "containment")
#: Every value of the ``direction`` column.
DIRECTIONS = ("time",) + EVIDENCE + ("undirected",)
#: A source shorter than this (in tokens) is not evidence of containment.
MIN_CONTAINED_WORDS = 4
#: Share of the source's tokens the target must hold, in order, to contain it.
CONTAINED_SHARE = 0.9


@dataclass
class TieSummary:
    """What :func:`orient_ties` did.

    Attributes
    ----------
    links : int
        Links of the input, and ``tie_links`` of them ties.
    tie_links, pairs : int
        Tie rows, and the pairs of posts they join (a tie is listed both ways).
    oriented : dict
        Pairs given a direction, per evidence (``EVIDENCE``).
    undirected : int
        Pairs left undirected (co-publications).
    circular : int
        Pairs whose evidence ran in a circle (left undirected).
    day_only : list of str
        Outlets whose times are all at midnight: dates without times.
    texts_checked : bool
        Whether the texts were at hand for containment.
    resolution_pairs : int
        Pairs of posts whose times differ but whose order the outlets' time
        resolution hides (counted in ``pairs``).
    left_out : bool
        Every tie was left out (``--no-ties``), none oriented.
    """

    links: int = 0
    tie_links: int = 0
    pairs: int = 0
    oriented: dict = field(default_factory=dict)
    undirected: int = 0
    circular: int = 0
    day_only: list = field(default_factory=list)
    texts_checked: bool = True
    resolution_pairs: int = 0
    left_out: bool = False

    def warning(self, flag: str = "--no-ties") -> str | None:
        """One paragraph for stderr and the report, or None when there is no tie."""
        if not self.tie_links:
            return None
        share = self.tie_links / max(self.links, 1)
        out = (f"{self.tie_links:,} of {self.links:,} links ({share:.0%}) join posts with the same timestamp "
               f"(ties: {self.pairs:,} pairs of posts), so time cannot say which came first")
        if self.resolution_pairs:
            out += (f" ({self.resolution_pairs:,} of these pairs have different times within one unit of an "
                    f"outlet's time resolution, e.g. one day for an outlet that gives dates only)")
        if self.day_only:
            names = ", ".join(self.day_only[:5]) + (f" and {len(self.day_only) - 5:,} more"
                                                    if len(self.day_only) > 5 else "")
            out += f"; {len(self.day_only):,} outlet(s) give dates without times ({names})"
        if self.left_out:
            return out + f"; every tie is left out ({flag})."
        n_or = sum(self.oriented.values())
        how = ", ".join(f"{k} {v:,}" for k, v in self.oriented.items() if v) or "none"
        out += (f". {n_or:,} pair(s) were given a direction by evidence ({how}) and count as echoes; "
                f"{self.undirected:,} count as undirected co-publications (no direction, counted apart)")
        if self.circular:
            out += f", {self.circular:,} of them because their evidence ran in a circle"
        if not self.texts_checked:
            out += "; texts were not at hand, so containment was not checked"
        return out + f". {flag} leaves ties out."

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {"links": self.links, "tie_links": self.tie_links, "pairs": self.pairs,
                "oriented": dict(self.oriented), "undirected": self.undirected, "circular": self.circular,
                "day_only_outlets": list(self.day_only), "texts_checked": self.texts_checked,
                "resolution_pairs": self.resolution_pairs, "left_out": self.left_out}


def day_only_outlets(posts: pd.DataFrame, min_posts: int = 3) -> list[str]:
    """Outlets of at least ``min_posts`` posts whose times are dates without times: their resolution is a
    day (:func:`amplify.analyze.resolution.time_resolution`, which also knows a date read at midnight of
    another zone), so a time of day shown for their posts, or a lag under a day, would be made up.

    >>> import pandas as pd
    >>> posts = pd.DataFrame({"outlet": ["a"] * 3 + ["b"] * 3, "published_at": ["2022-01-01", "2022-01-02",
    ...     "2022-01-03", "2022-01-01 10:00", "2022-01-02", "2022-01-03"]})
    >>> day_only_outlets(posts)
    ['a']
    """
    if not len(posts):
        return []
    res = time_resolution(posts)
    return [str(x) for x in res.loc[(res["resolution"] == "day") & (res["posts"] >= min_posts), "outlet"]]


def _platform(rows: pd.DataFrame, posts: pd.DataFrame, sid: np.ndarray, tid: np.ndarray) -> np.ndarray:
    """Per tie row: the target's ``reposted_id`` / ``quoted_id`` names the source."""
    out = np.zeros(len(rows), dtype=bool)
    native = rows["kind"].isin(list(NATIVE_KINDS.values())).to_numpy()
    if not native.any():
        return out
    p = posts.set_index(posts["post_id"].astype(str))
    for col in NATIVE_KINDS:
        if col in p.columns:
            # (a post that reposts nothing holds NA, which compares as neither true nor false)
            ref = p[col].reindex(tid).astype("string").fillna("").to_numpy(dtype=object)
            out |= native & (ref == sid.astype(object))
    return out


@njit(cache=True, nogil=True)
def _common_tokens(hashes, offsets, a, b, out):
    """``out[i]``: length of the longest common subsequence of posts ``a[i]`` and ``b[i]``'s tokens."""
    for i in range(len(a)):
        out[i] = lcs(hashes[offsets[a[i]]:offsets[a[i] + 1]], hashes[offsets[b[i]]:offsets[b[i] + 1]])


def _containment(sid, tid, named_source, posts, outlets, texts) -> np.ndarray:
    """Per tie row: the target holds the source's whole text, and more, plus a name (module documentation)."""
    ids = pd.unique(np.r_[sid, tid])
    tx = post_texts(texts, ids).reindex(ids)
    strings = tx.astype(object).where(tx.notna(), "").astype(str).to_numpy(dtype=object)
    tok = tokenize(strings)
    index = pd.Index(ids)
    a, b = index.get_indexer(sid).astype(np.int64), index.get_indexer(tid).astype(np.int64)
    common = np.zeros(len(a), dtype=np.int64)
    _common_tokens(tok.hashes, tok.offsets, a, b, common)
    n_src, n_tgt = tok.lengths[a], tok.lengths[b]
    contained = (n_src >= MIN_CONTAINED_WORDS) & (n_tgt > n_src) & (common >= CONTAINED_SHARE * n_src)
    if not contained.any():
        return contained
    own = posts.set_index(posts["post_id"].astype(str))["outlet"].reindex(tid).astype(str).to_numpy(dtype=object)
    names_itself = attributed(own, strings, outlets, rows=b)
    return contained & (names_itself | named_source)


def orient_ties(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
                texts=None) -> tuple[pd.DataFrame, TieSummary]:
    """Give each tie the direction its evidence shows; keep the rest as undirected co-publications.

    Parameters
    ----------
    links : DataFrame
        Canonical links (:mod:`amplify.schema`). Links that already carry a
        ``direction`` column are returned as they are (orienting twice
        changes nothing).
    posts : DataFrame
        ``post_id``, ``outlet``, ``published_at``; ``reposted_id`` and
        ``quoted_id`` for platform evidence; ``text`` for containment unless
        ``texts`` is given.
    outlets : DataFrame, optional
        The names and aliases a target may name itself by (containment
        evidence); without it, an outlet's handle is its only name.
    texts : DataFrame or Workspace, optional
        Where to read the texts of the tied posts (only those are read).

    Returns
    -------
    links : DataFrame
        The links with ``direction`` and ``detected_parent`` columns: each
        directed tie once (its mirror dropped), undirected ties both ways,
        ``is_parent`` recomputed for the targets of directed ties. Links
        without a tie come back as they are (no new column).
    summary : TieSummary

    Examples
    --------
    See the module documentation; a tie whose target names the source's
    outlet is directed by attribution:

    >>> import pandas as pd
    >>> links = pd.DataFrame({"source_id": ["a", "b"], "target_id": ["b", "a"], "kind": "verbatim",
    ...     "score": 100.0, "source_start": 0, "source_end": 9, "target_start": 0, "target_end": 9,
    ...     "lag_s": 0.0, "attributed": [True, False], "is_parent": False, "tie": True})
    >>> posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["tass", "cgtn"],
    ...                       "published_at": ["2022-01-05", "2022-01-05"]})
    >>> out, s = orient_ties(links, posts)
    >>> out[["source_id", "target_id", "direction", "is_parent"]].values.tolist(), s.undirected
    ([['a', 'b', 'attribution', True]], 0)
    """
    summary = TieSummary(links=int(len(links)))
    if "direction" in links.columns:
        return links, oriented_summary(links)
    # (a table without parent flags -- a bare list of pairs -- has no parent to re-choose: equal times only)
    hidden = resolution_ties(links, posts) if "is_parent" in links.columns else np.zeros(len(links), dtype=bool)
    if not len(links) or (("tie" not in links.columns or not links["tie"].any()) and not hidden.any()):
        return links, summary              # nothing to orient: the links as they are
    out = links.assign(direction="time", detected_parent=links["is_parent"].to_numpy(dtype=bool))
    if hidden.any():                       # the same rule for ties the resolution hides: flagged, listed once
        out["tie"] = (out["tie"].to_numpy(dtype=bool) if "tie" in out.columns else np.zeros(len(out), bool)) \
            | hidden
    summary.day_only = day_only_outlets(posts)
    tie_rows = np.flatnonzero(out["tie"].to_numpy(dtype=bool))
    T = out.iloc[tie_rows]
    sid = T["source_id"].astype(str).to_numpy(dtype=object)
    tid = T["target_id"].astype(str).to_numpy(dtype=object)
    summary.tie_links = len(T)

    # pairs of posts: both rows of a tie share one key
    lo, hi = np.where(sid < tid, sid, tid), np.where(sid < tid, tid, sid)
    pair, _ = pd.factorize(pd.Series(lo) + "\x00" + pd.Series(hi))
    summary.pairs = int(pair.max()) + 1 if len(pair) else 0
    summary.resolution_pairs = int(len(np.unique(pair[hidden[tie_rows]]))) if hidden.any() else 0

    text_source = texts if texts is not None else (posts if "text" in posts.columns else None)
    summary.texts_checked = text_source is not None
    evidence = [_platform(T, posts, sid, tid), T["attributed"].to_numpy(dtype=bool),
                _containment(sid, tid, T["attributed"].to_numpy(dtype=bool), posts, outlets, text_source)
                if text_source is not None else np.zeros(len(T), bool)]
    # per pair: the strongest evidence that one side has and the other has not
    decided = np.zeros(len(T), dtype=bool)      # the pair is settled
    keep_as = np.full(len(T), "", dtype=object)  # the evidence that directs this row
    n_pairs = summary.pairs
    for name, ev in zip(EVIDENCE, evidence):
        per_pair = np.bincount(pair, weights=ev, minlength=n_pairs)
        one_side = (per_pair == 1)[pair] & ~decided
        win = one_side & ev
        keep_as[win] = name
        decided |= one_side
    # evidence that runs in a circle proves nothing
    directed = np.flatnonzero(keep_as != "")
    circular = np.zeros(len(T), dtype=bool)
    if len(directed):
        g = nx.DiGraph()
        g.add_edges_from(zip(sid[directed], tid[directed]))
        loops = [c for c in nx.strongly_connected_components(g) if len(c) > 1]
        if loops:
            inside = set().union(*loops)
            circ_pairs = np.unique(pair[directed][[s in inside and t in inside
                                                   for s, t in zip(sid[directed], tid[directed])]])
            circular = np.isin(pair, circ_pairs)
            keep_as[circular] = ""
            decided &= ~circular
            summary.circular = len(circ_pairs)
    directed_pair = np.zeros(n_pairs, dtype=bool)
    directed_pair[pair[keep_as != ""]] = True
    drop = directed_pair[pair] & (keep_as == "")          # the mirror of a directed tie
    direction = np.where(keep_as != "", keep_as, "undirected")
    summary.oriented = {name: int((keep_as == name).sum()) for name in EVIDENCE}
    summary.undirected = int(n_pairs - directed_pair.sum())

    col = out["direction"].to_numpy(dtype=object).copy()
    col[tie_rows] = direction
    out["direction"] = col
    out = out.drop(index=out.index[tie_rows[drop]])
    out = _remark_parents(out, posts)
    out.attrs[_SUMMARY_ATTR] = {"rows": len(out), "summary": summary.to_dict()}
    return out, summary


#: Where :func:`orient_ties` leaves its summary on the links it returns (so a second call reports the first's).
_SUMMARY_ATTR = "amplify_tie_summary"


def oriented_summary(links: pd.DataFrame) -> TieSummary:
    """The :class:`TieSummary` of links :func:`orient_ties` already returned.

    The summary travels with the table (``DataFrame.attrs``); a table that
    lost it (filtered, rebuilt) is counted again from its ``tie`` and
    ``direction`` columns: each directed tie once, each undirected pair as its
    rows (both ways for equal timestamps).
    """
    kept = links.attrs.get(_SUMMARY_ATTR)
    if kept and kept.get("rows") == len(links):
        d = dict(kept["summary"])
        d["day_only"] = d.pop("day_only_outlets", [])
        return TieSummary(**d)
    tie = links["tie"].to_numpy(dtype=bool) if "tie" in links.columns and len(links) else np.zeros(len(links), bool)
    direction = links["direction"].astype(str).to_numpy(dtype=object)
    und = tie & (direction == "undirected")
    oriented = {name: int((tie & (direction == name)).sum()) for name in EVIDENCE}
    n_dir = sum(oriented.values())
    s, t = links["source_id"].astype(str).to_numpy(dtype=object)[und], \
        links["target_id"].astype(str).to_numpy(dtype=object)[und]
    und_pairs = len(set(zip(np.where(s < t, s, t).tolist(), np.where(s < t, t, s).tolist())))
    return TieSummary(links=int(len(links)) + n_dir, tie_links=int(und.sum()) + 2 * n_dir, pairs=und_pairs + n_dir,
                      oriented=oriented, undirected=und_pairs)


def resolution_ties(links: pd.DataFrame, posts: pd.DataFrame) -> np.ndarray:
    """Per link: not a ``tie``, yet its two times fall in one unit of the coarser time resolution of its outlets.

    A date-only site's post of 5 March and a wire's post at 14:00 that day
    cannot be ordered (:func:`amplify.analyze.resolution.order_unknown`);
    detection lists such a link once, from the earlier recorded time.

    >>> import pandas as pd
    >>> posts = pd.DataFrame({"post_id": ["s1", "s2", "s3", "w1", "w2", "w3"], "outlet": ["site"] * 3 + ["wire"] * 3,
    ...     "published_at": ["2022-03-01", "2022-03-02", "2022-03-03", "2022-03-01 09:30:12Z",
    ...                      "2022-03-02 10:00:03Z", "2022-03-04 08:10:44Z"]})
    >>> links = pd.DataFrame({"source_id": ["s1", "w2"], "target_id": ["w1", "s3"], "lag_s": [34212.0, 50397.0],
    ...                       "tie": [False, False]})
    >>> resolution_ties(links, posts).tolist()
    [True, False]
    """
    out = np.zeros(len(links), dtype=bool)
    if not len(links) or not len(posts):
        return out
    codes, names = pd.factorize(posts["outlet"].astype(str))
    t = to_ns(posts["published_at"])
    unit, phase = post_resolution(t, codes, len(names))
    coarsest = int(unit.max())
    if coarsest <= 10**9:                      # every time to the second: nothing is hidden
        return out
    cand = ~links["tie"].to_numpy(dtype=bool) if "tie" in links.columns else np.ones(len(links), bool)
    if "lag_s" in links.columns:             # only links shorter than the coarsest unit can be hidden
        lag = np.abs(links["lag_s"].to_numpy(dtype=np.float64))
        cand &= ~(lag * 1e9 >= coarsest)
    cand = np.flatnonzero(cand)
    if not len(cand):
        return out
    index = pd.Index(posts["post_id"].astype(str).to_numpy(dtype=object))
    a = index.get_indexer(links["source_id"].iloc[cand].astype(str).to_numpy(dtype=object))
    b = index.get_indexer(links["target_id"].iloc[cand].astype(str).to_numpy(dtype=object))
    ok = (a >= 0) & (b >= 0)
    cand, a, b = cand[ok], a[ok], b[ok]
    out[cand] = order_unknown(t[a], unit[a], phase[a], t[b], unit[b], phase[b])
    return out


def _remark_parents(links: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """Parents chosen again, by detection's rules, for the targets of directed ties, and of ties left
    undirected that detection had made parents (a link whose order the resolution hides)."""
    undirected = (links["direction"] == "undirected").to_numpy()
    tie = links["tie"].to_numpy(dtype=bool)
    dirty = tie & (~undirected | links["is_parent"].to_numpy(dtype=bool))
    if not dirty.any():
        return links.reset_index(drop=True)
    targets = links["target_id"].to_numpy(dtype=object)
    redo = np.isin(targets, np.unique(targets[dirty])) & ~undirected
    sub = links[redo]
    times = pd.Series(to_ns(posts["published_at"]), index=posts["post_id"].astype(str).to_numpy())
    source_time = times.reindex(sub["source_id"].astype(str).to_numpy()).to_numpy()
    marked = mark_parents(sub.assign(tie=False), source_time)
    out = links.copy()
    flags = out["is_parent"].to_numpy(dtype=bool).copy()
    flags[np.flatnonzero(redo)] = marked["is_parent"].to_numpy(dtype=bool)
    flags[undirected] = False                  # an undirected co-publication is never a parent
    out["is_parent"] = flags
    return out.reset_index(drop=True)
