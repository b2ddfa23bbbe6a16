"""Amplification paths: how content travelled from outlet (or camp) X to Y, hop by hop.

A *path* is a chain of posts ``p0 -> p1 -> ... -> pk`` joined by links, where
``p0`` belongs to X, ``pk`` to Y and the posts in between to neither (a path
starts at the last post of X and ends at the first of Y), no post twice. Every
link points from an earlier to a later post, so every path on the post graph
is *time-respecting* in the sense of Holme & Saramäki (2012): each hop happens
after the previous one. Aggregated to outlets, the posts' outlet sequence is
the *outlet path* (``mfa_china -> rusemb_beijing -> tass_agency``).

Ranking: the route the content took first
    Each echo has one *parent*, its most likely direct source
    (:mod:`amplify.detect.parents`); the other links it matched are
    *also-matches* (when B quotes A and C copies B, C also matches A). When
    detection's parent is only a shortcut of a relay -- C's match with A
    lies inside its match with B, which echoes A -- the relay is the parent
    here (:func:`~amplify.analyze.relays.route_parents`). Routes
    are ranked by their *parent cascades* -- post-level paths every hop of
    which is a parent link -- so ``A -> B -> C``, the route the content took,
    ranks above the direct ``A -> C`` also-match, however short. Routes found
    only through also-matches follow, marked ``via = "also-match"``; then
    citations (below). Within each, more cascades rank first, then fewer
    hops, then the fastest example. With ``parents_only=False`` every link
    counts alike (``--all-links``); with ``also_matches=False`` only parent
    links are followed at all.

Ties
    Links between posts of one timestamp count once evidence gives them a
    direction (:mod:`amplify.analyze.ties`); an undirected co-publication
    may be a hop too (either way), never a parent: such cascades are counted
    in ``tie_cascades``.

Citations
    A post that names an outlet of X -- handle, name or alias, as
    attribution matches them (:mod:`amplify.analyze.cites`) -- without
    echoing any of its posts starts a route too: ``X ~> B -> Y``, the first
    hop of kind ``cites`` (``~>``: named, no matched post; it has no source
    post and no lag). Such routes are listed after the echo routes,
    ``via = "cites"``.

Each route comes with the number of post-level paths that took it, the
median total lag, and the hops of its best example (a parent cascade when
there is one, the fastest) with both posts, their times, the lag, link kind
and score, and the matched text of each side (``text[start:end]``).

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
import pyarrow as pa
import pyarrow.compute as pc

from amplify.analyze.cites import CITES_KIND, outlets_named
from amplify.analyze.errors import AnalysisError, user_time_ns
from amplify.analyze.frame import Frame, resolve
from amplify.analyze.outlet_kinds import select_outlet_kinds
from amplify.analyze.relays import route_parents
from amplify.analyze.tables import json_records, matched_text, post_texts, text_table

__all__ = ["amplification_paths", "PathsReport", "VIA", "CITE_ARROW"]

#: How a route was found, in the order routes are ranked.
VIA = ("parents", "also-match", "cites")
#: The arrow of a citation hop in a route ("mfa_china ~> tass -> sputnik").
CITE_ARROW = " ~> "


@dataclass
class PathsReport:
    """What :func:`amplification_paths` found.

    Attributes
    ----------
    paths : DataFrame
        One row per outlet path, ranked: ``rank``, ``route``, ``hops``,
        ``cascades`` (post-level paths taking this route), ``total_lag_s``
        (fastest example) and ``median_total_lag_s`` (over the route's parent
        cascades when it has any, else over all), ``first_time``,
        ``last_time``, ``parent_cascades`` (cascades along parent links only),
        ``via`` (:data:`VIA`), ``tie_cascades`` (cascades through an
        undirected tie).
    hops : DataFrame
        The best example of each ranked route, one row per hop: ``rank``,
        ``route``, ``hop``, both posts' ids, outlets, camps and times,
        ``lag_s``, ``kind`` (``cites`` for a citation: no source post),
        ``score``, ``attributed``, ``source_text`` and ``target_text`` (the
        matched spans), ``is_parent``, ``tie``.
    post_paths : DataFrame
        Every post-level path found: ``route``, ``hops``, ``posts`` (list of
        post ids, earliest first), ``start``, ``end``, ``total_lag_s``,
        ``parents`` (every hop a parent link), ``via``.
    settings : dict
    warnings : list of str
    """

    paths: pd.DataFrame
    hops: pd.DataFrame
    post_paths: pd.DataFrame
    settings: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

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
                        max_partial: int = 5_000_000, frame: Frame | None = None, also_matches: bool = True,
                        ties: bool = True, cites: bool = True, outlet_kinds=None) -> PathsReport:
    """Time-respecting amplification paths from ``source`` to ``target`` (outlets or camps).

    Parameters
    ----------
    links, posts, outlets : DataFrame
        Canonical tables (posts: ``post_id``, ``outlet``, ``published_at``;
        ``text`` for the matched text).
    source, target : str
        An outlet handle or a camp label each (an outlet wins a tie).
    max_hops : int
        Longest path, in hops (a citation is a hop).
    since, until : timestamp, optional
        Every post of a path lies in ``[since, until)``.
    top : int, optional
        Ranked routes to keep (None: all).
    parents_only : bool
        Rank routes by their parent cascades, also-match routes after them
        (default); False: every link counts alike.
    kinds : list of str, optional
        Only links of these kinds.
    texts : DataFrame or Workspace, optional
        Where to read the matched text and the citing posts' text (default:
        ``posts`` if it has text).
    max_partial : int
        Bound on partial paths kept per step (dense corpora);
        ``settings["truncated"]`` and a warning say when it was hit.
    frame : Frame, optional
    also_matches : bool
        Also follow also-matches (default); False: parent links only.
    ties : bool
        Count ties (directed by evidence, or as undirected hops); False:
        leave every tie out.
    cites : bool
        Also find routes that start with a citation of X (needs texts).
    outlet_kinds : list of str, optional
        Only outlets of these kinds (:func:`~amplify.analyze.outlet_kinds.select_outlet_kinds`).

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
    >>> rep.paths[["route", "hops", "cascades", "via"]].values.tolist()
    [['mfa_china -> rusemb_beijing -> tass', 2, 1, 'parents'], ['mfa_china -> tass', 1, 1, 'also-match']]
    >>> rep.hops.loc[rep.hops["rank"] == 1, ["source_id", "target_id", "lag_s"]].values.tolist()
    [['a', 'b', 3600.0], ['b', 'c', 7200.0]]

    References
    ----------
    .. [1] Holme & Saramäki (2012), Temporal networks, *Physics Reports* 519.
    """
    if max_hops < 1:
        raise AnalysisError("max_hops must be at least 1")
    if outlet_kinds:
        links, posts, outlets = select_outlet_kinds(links, posts, outlets, outlet_kinds)
        frame = None
    f = frame if frame is not None else Frame.build(links, posts, outlets, ties=ties, texts=texts)
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
    follow_all = also_matches or not parents_only
    mask = f.link_mask(parents_only=False, kinds=kinds)
    parent = None
    if not follow_all:
        parent = route_parents(f, mask)
        mask &= parent
    lidx = np.flatnonzero(mask)
    lsrc, ltgt = f.src[mask], f.tgt[mask]
    keep = ok_time[lsrc] & ok_time[ltgt]
    lidx, lsrc, ltgt = lidx[keep], lsrc[keep], ltgt[keep]
    start = in_t & ok_time
    csr = _in_csr(n, ltgt)             # built once, for both searches
    found, truncated, visited = _search(n, lsrc, ltgt, start=start, stop=in_s, avoid=in_t, max_hops=max_hops,
                                        max_partial=max_partial, csr=csr)
    text_source = texts if texts is not None else (posts if "text" in posts.columns else None)
    cite_paths: list = []
    cited_by: dict = {}
    if cites and text_source is not None:
        heads = np.flatnonzero(visited & ~in_s)
        if _is_workspace(text_source):
            # the names every stored post holds were found once and kept (amplify.workspace.cites_store)
            cite_post, cited_by = _stored_citing_posts(f, heads, s_out, text_source)
        else:
            # one read of every text this call may show: the heads, and X's posts that start a hop
            shown = visited | (in_s & np.isin(np.arange(n), lsrc))
            texts_read = text_table(text_source, f.post_ids[np.flatnonzero(shown)])
            text_source = pd.DataFrame({
                "post_id": pd.array(texts_read.column("post_id"), dtype=pd.ArrowDtype(pa.string())),
                "text": pd.array(texts_read.column("text"), dtype=pd.ArrowDtype(pa.string()))})
            cite_post, cited_by = _citing_posts(f, heads, s_out, text_source, outlets)
        if cited_by:
            # a post of Y that names X is a route of one hop; the others need links down to Y
            zero = np.flatnonzero(start & cite_post & ~in_s)
            if len(zero):
                cite_paths.append((np.zeros((len(zero), 0), dtype=np.int64), zero))
            for arr in _search(n, lsrc, ltgt, start=start, stop=in_s, avoid=in_t, max_hops=max_hops - 1,
                               max_partial=max_partial, cite_stop=cite_post, csr=csr)[0]:
                k = lidx[arr[:, ::-1]]
                cite_paths.append((k, f.src[k[:, 0]]))

    settings = {"source": source, "source_is": s_kind, "target": target, "target_is": t_kind,
                "max_hops": max_hops, "parents_only": parents_only, "also_matches": also_matches,
                "kinds": list(kinds) if kinds else None, "ties": bool(ties), "cites": bool(cites),
                "outlet_kinds": list(outlet_kinds) if outlet_kinds else None,
                "since": str(since) if since is not None else None,
                "until": str(until) if until is not None else None, "truncated": truncated}
    warnings = _warnings(f, truncated, max_partial, cites and text_source is None)
    if not found and not cite_paths:
        return PathsReport(
            pd.DataFrame(columns=["rank", "route", "hops", "cascades", "total_lag_s", "median_total_lag_s",
                                  "first_time", "last_time", "parent_cascades", "via", "tie_cascades"]),
            pd.DataFrame(columns=_HOP_COLS),
            pd.DataFrame(columns=["route", "hops", "posts", "start", "end", "total_lag_s", "parents", "via"]),
            settings, warnings)
    echo_paths = [lidx[arr[:, ::-1]] for arr in found]
    if parent is None:     # the echoes' direct sources, found only where a path passes
        on_paths = np.unique(np.concatenate([k.ravel() for k in echo_paths] +
                                            [k.ravel() for k, _ in cite_paths] + [np.zeros(0, np.int64)]))
        parent = route_parents(f, mask, targets=np.unique(f.tgt[on_paths]))
    agg, best, pp = _routes(f, echo_paths, cite_paths, cited_by, top, parent, prefer_parents=parents_only)
    hops = _hop_table(f, agg, best, text_source, parent)
    pp_out = pp.drop(columns=["_links", "_head", "_cited", "_ties"])
    for c in ("start", "end"):
        pp_out[c] = pd.to_datetime(pp_out[c], utc=True)
    return PathsReport(agg, hops, pp_out, settings, warnings)


def _citing_posts(f: Frame, heads: np.ndarray, s_out: np.ndarray, texts, outlets) -> tuple[np.ndarray, dict]:
    """Which of the posts ``heads`` name an outlet of ``s_out`` without echoing a post of it.

    Returns a mask over the posts and, per citing post, the outlets it names.
    """
    cite_post = np.zeros(f.n_posts, dtype=bool)
    if not len(heads):
        return cite_post, {}
    t = text_table(texts, f.post_ids[heads])
    # the heads' texts in head order, from the Arrow table (a missing text is empty)
    at = pc.index_in(pa.array(f.post_ids[heads].tolist(), type=pa.string()), value_set=t.column("post_id"))
    tx = pc.fill_null(t.column("text").combine_chunks().take(at), "")
    if outlets is None or not len(outlets):      # no table: an outlet is named by its handle only
        outlets = pd.DataFrame({"outlet": f.outlets[s_out], "group": f.groups[f.group_of_outlet[s_out]]})
    rows, named = outlets_named(tx, f.outlets[f.outlet_of_post[heads]], outlets,
                                cited=f.outlets[s_out])
    return _not_echoed(f, heads[rows], named)


def _is_workspace(x) -> bool:
    return hasattr(x, "manifest") and hasattr(x, "path") and hasattr(x, "posts")


def _stored_citing_posts(f: Frame, heads: np.ndarray, s_out: np.ndarray, ws) -> tuple[np.ndarray, dict]:
    """:func:`_citing_posts` from the names stored in the workspace (found once per posts part)."""
    from amplify.workspace.cites_store import CitesStore

    if not len(heads):
        return np.zeros(f.n_posts, dtype=bool), {}
    t = CitesStore(ws).pairs()
    t = t.filter(pc.is_in(t.column("cited_outlet"), value_set=pa.array(f.outlets[s_out].tolist(), pa.string())))
    if not t.num_rows:
        return np.zeros(f.n_posts, dtype=bool), {}
    # only the posts the search reached can start a route
    at = pc.index_in(t.column("post_id"), value_set=pa.array(f.post_ids[heads].tolist(), pa.string()))
    at = at.to_numpy(zero_copy_only=False)
    hit = ~pd.isna(at)
    if not hit.any():
        return np.zeros(f.n_posts, dtype=bool), {}
    post = heads[at[hit].astype(np.int64)]
    named = np.asarray(t.column("cited_outlet").to_pylist(), dtype=object)[hit]
    return _not_echoed(f, post, named)


def _not_echoed(f: Frame, post: np.ndarray, named: np.ndarray) -> tuple[np.ndarray, dict]:
    """The (post, outlet named) pairs where the post echoes no post of that outlet: a mask over the posts
    and, per citing post, the outlets it names."""
    cite_post = np.zeros(f.n_posts, dtype=bool)
    if not len(post):
        return cite_post, {}
    code = pd.Index(f.outlets).get_indexer(named).astype(np.int64)
    # an echo of a post of the named outlet is not a citation (any link, parent or not): the links into
    # the candidate posts only, not a sort of every link
    n = np.int64(len(f.outlets))
    cand = np.zeros(f.n_posts, dtype=bool)
    cand[post] = True
    into = cand[f.tgt]
    echoed = np.unique(f.tgt[into].astype(np.int64) * n + f.outlet_of_post[f.src[into]])
    key = post * n + code
    at = np.searchsorted(echoed, key)
    keep = ~((at < len(echoed)) & (echoed[np.minimum(at, max(len(echoed) - 1, 0))] == key)) if len(echoed) \
        else np.ones(len(key), dtype=bool)
    cited_by: dict = {}
    for p_, o_ in zip(post[keep].tolist(), named[keep].tolist()):
        cited_by.setdefault(p_, []).append(o_)
    cite_post[post[keep]] = True
    return cite_post, cited_by


def _warnings(f: Frame, truncated: bool, max_partial: int, no_texts: bool) -> list[str]:
    out = []
    tie_note = f.ties.warning()
    if tie_note:
        out.append(tie_note)
    if truncated:
        out.append(f"the search kept at most {max_partial:,} partial paths per hop and had to drop some: "
                   "routes and cascades may be missing (narrow --since/--until, --max-hops or --kind)")
    if no_texts:
        out.append("no texts at hand: routes that start with a citation were not looked for")
    return out


def _search(n: int, lsrc, ltgt, *, start, stop, avoid, max_hops: int, max_partial: int, cite_stop=None,
            csr=None):
    """Backward search over the links ``lsrc -> ltgt``, from the posts in ``start`` to posts in ``stop``.

    Posts are masks over the ``n`` posts. One step extends every partial
    path by every in-link of its head, all at once. A path ends when its head
    is a post of ``stop``; it is dropped when its head is another post of
    ``avoid`` (a path passes through neither end's outlets) or a post it
    already holds (undirected ties are listed both ways). Returns the paths
    found (one matrix of link indices into ``lsrc`` per length, latest hop
    first), whether ``max_partial`` cut the search, and every post that was
    a head. With ``cite_stop``, the paths returned are instead those whose
    head is in ``cite_stop`` (and not in ``stop``): where a citation may
    begin a route.
    """
    in_s, in_t = stop, avoid
    ptr, order = csr if csr is not None else _in_csr(n, ltgt)
    visited = start.copy()
    found: list[np.ndarray] = []
    head = np.flatnonzero(start & (np.diff(ptr) > 0))
    frontier = np.zeros((len(head), 0), dtype=np.int64)
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
        # no post twice: the new head is neither the first post nor the source of an earlier hop
        fresh = new_head != ltgt[paths[:, 0]] if len(paths) else np.zeros(0, dtype=bool)
        for j in range(h - 1):
            fresh &= new_head != lsrc[paths[:, j]]
        paths, new_head = paths[fresh], new_head[fresh]
        visited[new_head] = True
        done = in_s[new_head]
        end = done if cite_stop is None else cite_stop[new_head] & ~done & ~in_t[new_head]
        if end.any():
            found.append(paths[end])
        go = ~done & ~in_t[new_head]
        frontier, head = paths[go], new_head[go]
        if len(head) > max_partial:
            truncated = True
            frontier, head = frontier[:max_partial], head[:max_partial]
    return found, truncated, visited


def _route_names(f: Frame, seq: np.ndarray) -> np.ndarray:
    """``a -> b -> c`` for each row of post indices ``seq`` (each distinct route written once)."""
    if not len(seq):
        return np.zeros(0, dtype=object)
    oc = f.outlet_of_post[seq].astype(np.int64)
    base = max(len(f.outlets), 1)
    if base ** oc.shape[1] < 2 ** 62:      # one integer per route: a 1-d unique, much faster than rows
        key = oc @ (base ** np.arange(oc.shape[1] - 1, -1, -1, dtype=np.int64))
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        codes = oc[first]
    else:
        codes, inverse = np.unique(oc, axis=0, return_inverse=True)
    names = np.asarray([" -> ".join(f.outlets[row].tolist()) for row in codes], dtype=object)
    return names[np.asarray(inverse).reshape(-1)]


def _routes(f: Frame, echo_paths, cite_paths, cited_by: dict, top, parent: np.ndarray, *, prefer_parents: bool):
    """The outlet routes of the post-level paths, ranked, with the best example of each.

    ``echo_paths`` holds one (m x h) matrix of link indices (into
    ``f.links``, earliest hop first) per path length; ``cite_paths`` pairs
    of (links, citing post) for routes that begin with a citation of the
    outlets ``cited_by[post]``. Returns the ranked routes (``top`` of them),
    the best post-level path per route (indexed by route) and every
    post-level path. ``parent`` marks the links each echo took
    (:func:`~amplify.analyze.relays.route_parents`).
    """
    und = f.undirected if len(f.undirected) == len(parent) else np.zeros(len(parent), dtype=bool)
    frames = []
    for k in echo_paths:
        seq = np.c_[f.src[k[:, 0]], f.tgt[k]]
        frames.append(pd.DataFrame({
            "route": _route_names(f, seq), "hops": k.shape[1], "posts": f.post_ids[seq].tolist(),
            "start": f.times[seq[:, 0]], "end": f.times[seq[:, -1]], "parents": parent[k].all(axis=1),
            "via": "", "_links": list(k), "_head": -1, "_cited": None, "_ties": und[k].any(axis=1)}))
    for k, head in cite_paths:
        seq = np.c_[head, f.tgt[k]] if k.shape[1] else head.reshape(-1, 1)
        who = [cited_by[int(h)] for h in head]
        reps = np.asarray([len(w) for w in who])
        idx = np.repeat(np.arange(len(head)), reps)
        cited = np.asarray([o for w in who for o in w], dtype=object)
        seq, k = seq[idx], k[idx]
        frames.append(pd.DataFrame({
            "route": cited + CITE_ARROW + _route_names(f, seq), "hops": k.shape[1] + 1,
            "posts": f.post_ids[seq].tolist(), "start": f.times[seq[:, 0]],
            "end": f.times[seq[:, -1]], "parents": parent[k].all(axis=1) if k.shape[1] else True,
            "via": VIA[2], "_links": list(k), "_head": seq[:, 0], "_cited": cited,
            "_ties": und[k].any(axis=1) if k.shape[1] else False}))
    pp = pd.concat(frames, ignore_index=True)
    pp["total_lag_s"] = (pp["end"] - pp["start"]) / 1e9
    pp["via"] = np.where(pp["via"] == VIA[2], VIA[2], np.where(pp["parents"], VIA[0], VIA[1]))
    pp = pp[["route", "hops", "posts", "start", "end", "total_lag_s", "parents", "via", "_links", "_head", "_cited",
             "_ties"]]
    pp = pp.sort_values(["hops", "total_lag_s", "start"], kind="stable").reset_index(drop=True)
    agg = pp.groupby("route", sort=False).agg(hops=("hops", "first"), cascades=("hops", "size"),
                                               first_time=("start", "min"), last_time=("end", "max"),
                                               parent_cascades=("parents", "sum"), tie_cascades=("_ties", "sum"),
                                               cite=("_cited", "count")).reset_index()
    # the lags of a route are those of the way the content took it: its parent cascades when it has any
    has_parents = pp["route"].map(agg.set_index("route")["parent_cascades"] > 0).to_numpy()
    lags = pp[pp["parents"].to_numpy() | ~has_parents].groupby("route", sort=False)["total_lag_s"]
    agg.insert(3, "total_lag_s", agg["route"].map(lags.min()).to_numpy())
    agg.insert(4, "median_total_lag_s", agg["route"].map(lags.median()).to_numpy())
    agg["via"] = np.where(agg.pop("cite") > 0, VIA[2], np.where(agg["parent_cascades"] > 0, VIA[0], VIA[1]))
    for c in ("parent_cascades", "tie_cascades"):
        agg[c] = agg[c].astype(np.int64)
    via_rank = agg["via"].map({VIA[0]: 0, VIA[1]: 1 if prefer_parents else 0, VIA[2]: 2})
    key = pd.DataFrame({"v": via_rank, "p": -agg["parent_cascades"] if prefer_parents else 0,
                        "c": -agg["cascades"], "h": agg["hops"], "l": agg["total_lag_s"], "r": agg["route"]})
    agg = agg.loc[key.sort_values(["v", "p", "c", "h", "l", "r"], kind="stable").index].reset_index(drop=True)
    if top is not None:
        agg = agg.head(int(top))
    agg.insert(0, "rank", np.arange(1, len(agg) + 1))
    for c in ("first_time", "last_time"):
        agg[c] = pd.to_datetime(agg[c], utc=True)
    # the best example: a parent cascade when there is one, then the fastest
    best = pp.assign(_np=~pp["parents"]).sort_values(["_np", "total_lag_s", "start"], kind="stable") \
        .drop_duplicates("route", keep="first").set_index("route")
    return agg, best, pp


_HOP_COLS = ["rank", "route", "hop", "source_id", "source_outlet", "source_group", "source_time", "target_id",
             "target_outlet", "target_group", "target_time", "lag_s", "kind", "score", "attributed",
             "source_text", "target_text", "is_parent", "tie"]


def _post_side(f: Frame, prefix: str, i: int) -> dict:
    return {f"{prefix}_id": f.post_ids[i], f"{prefix}_outlet": f.outlets[f.outlet_of_post[i]],
            f"{prefix}_group": f.groups[f.group_of_post[i]], f"{prefix}_time": f.time(i)}


def _hop_table(f: Frame, agg, best, texts, parent: np.ndarray) -> pd.DataFrame:
    L = f.links
    und = f.undirected if len(f.undirected) == len(L) else np.zeros(len(L), dtype=bool)
    outlet_code = pd.Index(f.outlets)
    rows = []
    for rank, route in zip(agg["rank"], agg["route"]):
        ex = best.loc[route]
        hop = 0
        if ex["_cited"] is not None:        # the citation: the outlet named, no post of it
            o = int(outlet_code.get_loc(ex["_cited"]))
            hop += 1
            rows.append({"rank": int(rank), "route": route, "hop": hop, "source_id": None, "source_outlet": f.outlets[o],
                         "source_group": f.groups[f.group_of_outlet[o]], "source_time": pd.NaT,
                         **_post_side(f, "target", int(ex["_head"])), "lag_s": np.nan, "kind": CITES_KIND,
                         "score": np.nan, "attributed": True, "is_parent": False, "tie": False, "_li": -1})
        for li in ex["_links"]:
            s, t = int(f.src[li]), int(f.tgt[li])
            hop += 1
            rows.append({"rank": int(rank), "route": route, "hop": hop, **_post_side(f, "source", s),
                         **_post_side(f, "target", t), "lag_s": float(L["lag_s"].iat[li]),
                         "kind": str(L["kind"].iat[li]), "score": float(L["score"].iat[li]),
                         "attributed": bool(L["attributed"].iat[li]), "is_parent": bool(parent[li]),
                         "tie": bool(und[li]), "_li": int(li)})
    hops = pd.DataFrame(rows)
    hops["source_text"] = None
    hops["target_text"] = None
    if texts is not None and len(hops):
        tx = post_texts(texts, pd.concat([hops["source_id"].dropna(), hops["target_id"]]))
        src_text, tgt_text = [], []
        for p, q, k in zip(hops["source_id"], hops["target_id"], hops["_li"]):
            if k < 0:
                src_text.append(None)
                tgt_text.append(matched_text(tx.get(q), 0, 300))
                continue
            src_text.append(matched_text(tx.get(p), L["source_start"].iat[k], L["source_end"].iat[k]))
            tgt_text.append(matched_text(tx.get(q), L["target_start"].iat[k], L["target_end"].iat[k]))
        hops["source_text"], hops["target_text"] = src_text, tgt_text
    return hops[_HOP_COLS]
