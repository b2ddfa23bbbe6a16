"""Amplification paths: how content travelled from outlet (or camp) X to Y, hop by hop.

A *path* is a chain of posts ``p0 -> p1 -> ... -> pk`` joined by links, where
``p0`` belongs to X, ``pk`` to Y and the posts in between to neither (a path
starts at the last post of X and ends at the first of Y). Every link points
from an earlier to a strictly later post (links between posts with equal
timestamps, whose direction is unknown, are not used), so every path on the
post graph is *time-respecting* in the sense of Holme & Saramäki (2012):
each hop happens after the previous one. Aggregated to outlets, the posts'
outlet sequence is the *outlet path* (``mfa_china -> rusemb_beijing ->
tass_agency``).

By default only *parent* links are followed: each post then has at most one
incoming hop, the path from any post back to X is unique, and the paths are
the cascades' real routes. With ``parents_only=False`` also-matches are
followed too (more, looser routes).

Outlet paths are ranked by the number of hops, then by the total lag of their
fastest example (time of ``pk`` minus time of ``p0``); each comes with the
number of post-level paths that took it, the median total lag, and the hops
of its fastest example with both posts, their times, the lag, link kind and
score, and the matched text of each side (``text[start:end]``).

The search runs backwards from Y's posts, one hop per step, as array
operations over a compressed in-link index: one step costs the number of
partial paths, never a loop over links per path.

References
----------
.. [1] Holme, P. & Saramäki, J. (2012). Temporal networks. *Physics Reports*
   519(3), 97--125 (time-respecting paths, section 4.1).
.. [2] Kempe, D., Kleinberg, J. & Kumar, A. (2002). Connectivity and inference
   problems for temporal networks. *J. Computer and System Sciences* 64(4),
   820--842.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from amplify.analyze.errors import AnalysisError, user_time_ns
from amplify.analyze.frame import Frame, resolve
from amplify.analyze.tables import json_records, matched_text, post_texts

__all__ = ["amplification_paths", "PathsReport"]


@dataclass
class PathsReport:
    """What :func:`amplification_paths` found.

    Attributes
    ----------
    paths : DataFrame
        One row per outlet path, ranked: ``rank``, ``route``, ``hops``,
        ``cascades`` (post-level paths taking this route), ``total_lag_s``
        (fastest example), ``median_total_lag_s``, ``first_time``,
        ``last_time``.
    hops : DataFrame
        The fastest example of each ranked route, one row per hop: ``rank``,
        ``hop``, both posts' ids, outlets, camps and times, ``lag_s``,
        ``kind``, ``score``, ``source_text`` and ``target_text`` (the matched
        spans).
    post_paths : DataFrame
        Every post-level path found: ``route``, ``hops``, ``posts`` (list of
        post ids, earliest first), ``start``, ``end``, ``total_lag_s``.
    settings : dict
    """

    paths: pd.DataFrame
    hops: pd.DataFrame
    post_paths: pd.DataFrame
    settings: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.paths.empty

    def to_list(self) -> list:
        """JSON-ready: one dict per ranked route with its hops nested (``[]`` when none)."""
        if self.paths.empty:
            return []
        hops = json_records(self.hops)
        out = json_records(self.paths)
        by_rank: dict = {}
        for h in hops:
            by_rank.setdefault(h["rank"], []).append({k: v for k, v in h.items() if k != "rank"})
        for p in out:
            p["steps"] = by_rank.get(p["rank"], [])
        return out


def _in_csr(n, tgt):
    order = np.argsort(tgt, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tgt, minlength=n), out=ptr[1:])
    return ptr, order


def amplification_paths(links: pd.DataFrame, posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *,
                        source: str, target: str, max_hops: int = 4, since=None, until=None,
                        top: int | None = 10, parents_only: bool = True, kinds=None, texts=None,
                        max_partial: int = 5_000_000, frame: Frame | None = None) -> PathsReport:
    """Time-respecting amplification paths from ``source`` to ``target`` (outlets or camps).

    Parameters
    ----------
    links, posts, outlets : DataFrame
        Canonical tables (posts: ``post_id``, ``outlet``, ``published_at``;
        ``text`` for the matched text).
    source, target : str
        An outlet handle or a camp label each (an outlet wins a tie).
    max_hops : int
        Longest path, in links.
    since, until : timestamp, optional
        Every post of a path lies in ``[since, until)``.
    top : int, optional
        Ranked routes to keep (None: all).
    parents_only : bool
        Follow parent links only (default) or every link.
    kinds : list of str, optional
        Only links of these kinds.
    texts : DataFrame or Workspace, optional
        Where to read the matched text (default: ``posts`` if it has text).
    max_partial : int
        Bound on partial paths kept per step (only reachable with
        ``parents_only=False`` on dense corpora); ``settings["truncated"]``
        says when it was hit.
    frame : Frame, optional

    Returns
    -------
    PathsReport
        Empty tables (and ``to_list() == []``) when there is no path.

    Examples
    --------
    >>> import pandas as pd
    >>> from amplify.detect import detect
    >>> a = "The United States must stop interfering in the internal affairs of Kazakhstan at once."
    >>> b = "Beijing: the United States must stop meddling in the internal affairs of Kazakhstan at once."
    >>> posts = pd.DataFrame({"post_id": ["a", "b", "c"], "outlet": ["mfa_china", "rusemb_beijing", "tass"],
    ...     "published_at": ["2022-01-05 10:00Z", "2022-01-05 11:00Z", "2022-01-05 13:00Z"],
    ...     "text": [a, b, "Embassy: " + b + " We agree with Beijing."]})
    >>> outlets = pd.DataFrame({"outlet": ["mfa_china", "rusemb_beijing", "tass"], "group": ["CN", "RU", "RU"]})
    >>> rep = amplification_paths(detect(posts, outlets), posts, outlets, source="mfa_china", target="tass")
    >>> rep.paths[["route", "hops", "total_lag_s"]].values.tolist()
    [['mfa_china -> rusemb_beijing -> tass', 2, 10800.0]]
    >>> rep.hops[["source_id", "target_id", "lag_s"]].values.tolist()
    [['a', 'b', 3600.0], ['b', 'c', 7200.0]]

    References
    ----------
    .. [1] Holme & Saramäki (2012), Temporal networks, *Physics Reports* 519.
    """
    f = frame if frame is not None else Frame.build(links, posts, outlets)
    if max_hops < 1:
        raise AnalysisError("max_hops must be at least 1")
    s_kind, s_out = resolve(source, f)
    t_kind, t_out = resolve(target, f)
    n = f.n_posts
    in_s = np.isin(f.outlet_of_post, s_out)
    in_t = np.isin(f.outlet_of_post, t_out)
    ok_time = np.ones(n, dtype=bool)
    if since is not None:
        ok_time &= f.times >= user_time_ns(since)
    if until is not None:
        ok_time &= f.times < user_time_ns(until)
    mask = f.link_mask(parents_only=parents_only, kinds=kinds, no_ties=True)
    lidx = np.flatnonzero(mask)
    lsrc, ltgt = f.src[mask], f.tgt[mask]
    keep = ok_time[lsrc] & ok_time[ltgt]
    lidx, lsrc, ltgt = lidx[keep], lsrc[keep], ltgt[keep]
    found, truncated = _search(n, lsrc, ltgt, start=in_t & ok_time, stop=in_s, avoid=in_t, max_hops=max_hops,
                               max_partial=max_partial)

    settings = {"source": source, "source_is": s_kind, "target": target, "target_is": t_kind,
                "max_hops": max_hops, "parents_only": parents_only, "kinds": list(kinds) if kinds else None,
                "since": str(since) if since is not None else None,
                "until": str(until) if until is not None else None, "truncated": truncated}
    empty = PathsReport(
        pd.DataFrame(columns=["rank", "route", "hops", "cascades", "total_lag_s", "median_total_lag_s",
                              "first_time", "last_time"]),
        pd.DataFrame(columns=_HOP_COLS),
        pd.DataFrame(columns=["route", "hops", "posts", "start", "end", "total_lag_s"]), settings)
    if not found:
        return empty
    agg, best, pp = _routes(f, [lidx[arr[:, ::-1]] for arr in found], top)
    hops = _hop_table(f, agg, best, texts if texts is not None else (posts if "text" in posts.columns else None))
    pp_out = pp.drop(columns="_links")
    for c in ("start", "end"):
        pp_out[c] = pd.to_datetime(pp_out[c], utc=True)
    return PathsReport(agg, hops, pp_out, settings)


def _search(n: int, lsrc, ltgt, *, start, stop, avoid, max_hops: int, max_partial: int):
    """Backward search over the links ``lsrc -> ltgt``, from the posts in ``start`` to posts in ``stop``.

    Posts are masks over the ``n`` posts. One step extends every partial
    path by every in-link of its head, all at once. A path ends when its head
    is a post of ``stop``; it is dropped when its head is another post of
    ``avoid`` (a path passes through neither end's outlets). Returns the
    paths found (one matrix of link indices into ``lsrc`` per length,
    latest hop first) and whether ``max_partial`` cut the search.
    """
    in_s, in_t = stop, avoid
    ptr, order = _in_csr(n, ltgt)
    # partial paths: a (k x h) matrix of link indices (into lsrc), earliest hop last
    heads = np.flatnonzero(start & (np.diff(ptr) > 0))
    frontier = np.zeros((len(heads), 0), dtype=np.int64)
    head = heads
    found: list[np.ndarray] = []
    truncated = False
    for h in range(1, max_hops + 1):
        if len(head) == 0:
            break
        deg = ptr[head + 1] - ptr[head]
        rows = np.repeat(np.arange(len(head)), deg)
        pos = np.repeat(ptr[head], deg) + (np.arange(len(rows)) - np.repeat(np.cumsum(deg) - deg, deg))
        new_link = order[pos]
        new_head = lsrc[new_link]
        paths = np.c_[frontier[rows], new_link] if len(rows) else np.zeros((0, h), np.int64)
        done = in_s[new_head]
        if done.any():
            found.append(paths[done])
        go = ~done & ~in_t[new_head] & ~in_s[new_head]
        frontier, head = paths[go], new_head[go]
        if len(head) > max_partial:
            truncated = True
            frontier, head = frontier[:max_partial], head[:max_partial]
    return found, truncated


def _routes(f: Frame, link_paths, top):
    """The outlet routes of the post-level paths, ranked, with the fastest example of each.

    ``link_paths`` holds one (m x h) matrix of link indices (into
    ``f.links``, earliest hop first) per path length. Returns the ranked
    routes (``top`` of them), the fastest post-level path per route (indexed
    by route) and every post-level path.
    """
    recs = []
    for k in link_paths:
        first_post = f.src[k[:, 0]]
        posts_seq = np.c_[first_post, f.tgt[k]]
        recs.append((k, posts_seq))
    route_rows = []
    for k, seq in recs:
        outl = f.outlet_of_post[seq]
        names = f.outlets[outl]
        route = pd.Series(names[:, 0], dtype=object)
        for j in range(1, names.shape[1]):
            route = route + " -> " + pd.Series(names[:, j], dtype=object)
        start, end = f.times[seq[:, 0]], f.times[seq[:, -1]]
        route_rows.append(pd.DataFrame({
            "route": route.to_numpy(dtype=object), "hops": seq.shape[1] - 1,
            "posts": [r.tolist() for r in f.post_ids[seq]], "start": start, "end": end,
            "total_lag_s": (end - start) / 1e9,
            "_links": list(k)}))
    pp = pd.concat(route_rows, ignore_index=True)
    pp = pp.sort_values(["hops", "total_lag_s", "start"], kind="stable").reset_index(drop=True)
    agg = pp.groupby("route", sort=False).agg(hops=("hops", "first"), cascades=("hops", "size"),
                                               total_lag_s=("total_lag_s", "min"),
                                               median_total_lag_s=("total_lag_s", "median"),
                                               first_time=("start", "min"), last_time=("end", "max"))
    agg = agg.reset_index().sort_values(["hops", "total_lag_s", "route"], kind="stable").reset_index(drop=True)
    if top is not None:
        agg = agg.head(int(top))
    agg.insert(0, "rank", np.arange(1, len(agg) + 1))
    for c in ("first_time", "last_time"):
        agg[c] = pd.to_datetime(agg[c], utc=True)
    best = pp.drop_duplicates("route", keep="first").set_index("route")
    return agg, best, pp


_HOP_COLS = ["rank", "route", "hop", "source_id", "source_outlet", "source_group", "source_time", "target_id",
             "target_outlet", "target_group", "target_time", "lag_s", "kind", "score", "attributed",
             "source_text", "target_text"]


def _hop_table(f: Frame, agg, best, texts) -> pd.DataFrame:
    L = f.links
    rows = []
    for rank, route in zip(agg["rank"], agg["route"]):
        for j, li in enumerate(best.loc[route, "_links"]):
            s, t = int(f.src[li]), int(f.tgt[li])
            rows.append({"rank": int(rank), "route": route, "hop": j + 1,
                         "source_id": f.post_ids[s], "source_outlet": f.outlets[f.outlet_of_post[s]],
                         "source_group": f.groups[f.group_of_post[s]], "source_time": f.time(s),
                         "target_id": f.post_ids[t], "target_outlet": f.outlets[f.outlet_of_post[t]],
                         "target_group": f.groups[f.group_of_post[t]], "target_time": f.time(t),
                         "lag_s": float(L["lag_s"].iat[li]), "kind": str(L["kind"].iat[li]),
                         "score": float(L["score"].iat[li]), "attributed": bool(L["attributed"].iat[li]),
                         "_li": int(li)})
    hops = pd.DataFrame(rows)
    hops["source_text"] = None
    hops["target_text"] = None
    if texts is not None and len(hops):
        tx = post_texts(texts, pd.concat([hops["source_id"], hops["target_id"]]))
        hops["source_text"] = [matched_text(tx.get(p), L["source_start"].iat[k], L["source_end"].iat[k])
                               for p, k in zip(hops["source_id"], hops["_li"])]
        hops["target_text"] = [matched_text(tx.get(p), L["target_start"].iat[k], L["target_end"].iat[k])
                               for p, k in zip(hops["target_id"], hops["_li"])]
    return hops[_HOP_COLS]
