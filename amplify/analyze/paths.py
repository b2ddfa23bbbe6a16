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
and score, and the matched text of each side (``text[start:end]``). A lag is
known to the time resolution of its posts (:mod:`amplify.analyze.resolution`):
two dated posts of one day have no known lag, which is left empty (not 0 s);
a citation route has no lag and no parent links at all.

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
from amplify.analyze.paths_index import (forward_reach, group_median, in_csr, lag_unknown, link_index,
                                         route_strings, stored_cite_pairs, workspace_texts)
from amplify.analyze.relays import route_parents
from amplify.analyze.resolution import unit_name
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
        cascades when it has any, else over all), ``lag_unit`` (the coarsest
        time resolution of those paths' first and last posts, ``day`` ...
        ``subsecond``: the lags are known to one such unit), ``first_time``,
        ``last_time``, ``parent_cascades`` (cascades along parent links only),
        ``tie_cascades`` (cascades through an undirected tie), ``via``
        (:data:`VIA`). A lag figure is missing (NaN; ``null`` in JSON) when it
        falls on a path whose ends lie in one ``lag_unit`` (two dated posts of
        one day: "the same day", no known lag). A citation route (``via =
        "cites"``) starts at no post: ``total_lag_s``, ``median_total_lag_s``,
        ``lag_unit`` and ``parent_cascades`` are missing (``null``).
    hops : DataFrame
        The best example of each ranked route, one row per hop: ``rank``,
        ``route``, ``hop``, both posts' ids, outlets, camps and times,
        ``lag_s`` (missing when both posts lie in one ``lag_unit``), ``lag_unit``
        (the coarser resolution of the two posts), ``kind`` (``cites`` for a
        citation: no source post, and no ``source_id``, ``source_time``,
        ``lag_s``, ``lag_unit``, ``score`` nor ``source_text``), ``score``,
        ``attributed``, ``source_text`` and ``target_text`` (the matched spans;
        missing where there is none), ``is_parent``, ``tie``.
    post_paths : DataFrame
        Every post-level path found: ``route``, ``hops``, ``posts`` (list of
        post ids, earliest first), ``start``, ``end``, ``total_lag_s``
        (from the first post to the last; missing when both lie in one unit
        of their time resolution), ``parents`` (every hop a parent link),
        ``via``.
    settings : dict
    warnings : list of str
    """

    paths: pd.DataFrame
    hops: pd.DataFrame
    _post_paths: object = field(repr=False)      # the table, or what makes it when first asked for
    settings: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    @property
    def post_paths(self) -> pd.DataFrame:
        """Every post-level path found (made when first asked for: at 1M posts a query finds 100,000s)."""
        if callable(self._post_paths):
            self._post_paths = self._post_paths()
        return self._post_paths

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
    mask, parent, lidx, lsrc, ltgt, csr = link_index(f, kinds=kinds, since=since, until=until,
                                                      follow_all=follow_all, ok_time=ok_time)
    start = in_t & ok_time
    want_cites = cites and (texts is not None or "text" in posts.columns)
    text_source = texts if texts is not None else (posts if "text" in posts.columns else None)
    stored = cites and text_source is not None and _is_workspace(text_source)
    reach = None
    cite_pairs = None
    if stored or not want_cites:
        # Only posts reachable from X's posts (or from a post naming X) can lie on a route: the search
        # from Y's posts is cut to them, which spares expanding every in-link of every post of Y for a
        # small X. (Read from texts, the citing posts are known only once the search has reached them.)
        seeds = in_s.copy()
        if stored:
            cite_pairs = stored_cite_pairs(f, s_out, text_source)
            seeds[cite_pairs[0]] = True
        reach = forward_reach(n, lsrc, ltgt, seeds, through=~(in_s | in_t), hops=max_hops)
    found, truncated, visited, partial = _search(n, lsrc, ltgt, start=start, stop=in_s, avoid=in_t,
                                                 max_hops=max_hops, max_partial=max_partial, csr=csr,
                                                 keep_partial=want_cites, reach=reach)
    cite_paths: list = []
    cited_by: dict = {}
    if cites and text_source is not None:
        heads = np.flatnonzero(visited & ~in_s)
        if stored:
            # the names every stored post holds were found once and kept (amplify.analyze.cites_store)
            cite_post, cited_by = _stored_citing_posts(f, heads, cite_pairs)
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
            # the partial paths of the search that stop at a citing post (one search serves both)
            for arr in (p_[cite_post[h_]] for p_, h_ in partial[:max_hops - 1] if cite_post[h_].any()):
                k = lidx[arr[:, ::-1]]
                cite_paths.append((k, f.src[k[:, 0]]))

    settings = {"source": source, "source_is": s_kind, "target": target, "target_is": t_kind,
                "max_hops": max_hops, "parents_only": parents_only, "also_matches": also_matches,
                "kinds": list(kinds) if kinds else None, "ties": bool(ties), "cites": bool(cites),
                "outlet_kinds": list(outlet_kinds) if outlet_kinds else None,
                "since": str(since) if since is not None else None,
                "until": str(until) if until is not None else None, "truncated": truncated}
    settings.update(post_paths=0, routes_found=0)
    warnings = _warnings(f, truncated, max_partial, cites and text_source is None)
    if not found and not cite_paths:
        return PathsReport(
            pd.DataFrame(columns=["rank", "route", "hops", "cascades", "total_lag_s", "median_total_lag_s",
                                  "lag_unit", "first_time", "last_time", "parent_cascades", "tie_cascades",
                                  "via"]),
            pd.DataFrame(columns=_HOP_COLS),
            pd.DataFrame(columns=["route", "hops", "posts", "start", "end", "total_lag_s", "parents", "via"]),
            settings, warnings)
    echo_paths = [lidx[arr[:, ::-1]] for arr in found]
    if parent is None:     # the echoes' direct sources, found only where a path passes
        on_paths = np.zeros(len(f.links), dtype=bool)        # masks, not a sort of every hop
        for k in [k for k in echo_paths] + [k for k, _ in cite_paths]:
            on_paths[k.ravel()] = True
        hit = np.zeros(f.n_posts, dtype=bool)
        hit[f.tgt[on_paths]] = True
        parent = route_parents(f, mask, targets=np.flatnonzero(hit))
    agg, best, post_paths, found_n = _routes(f, echo_paths, cite_paths, cited_by, top, parent,
                                             prefer_parents=parents_only)
    settings.update(found_n)
    hops = _hop_table(f, agg, best, text_source, parent)
    return PathsReport(agg, hops, post_paths, settings, warnings)


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


def _stored_citing_posts(f: Frame, heads: np.ndarray, pairs) -> tuple[np.ndarray, dict]:
    """:func:`_citing_posts` from the names stored in the workspace (found once per posts part):
    ``pairs`` from :func:`stored_cite_pairs`."""
    post, named = pairs
    if not len(heads) or not len(post):
        return np.zeros(f.n_posts, dtype=bool), {}
    # only the posts the search reached can start a route
    reached = np.zeros(f.n_posts, dtype=bool)
    reached[heads] = True
    hit = reached[post]
    if not hit.any():
        return np.zeros(f.n_posts, dtype=bool), {}
    return _not_echoed(f, post[hit], named[hit])


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


def _search(n: int, lsrc, ltgt, *, start, stop, avoid, max_hops: int, max_partial: int, csr=None,
            keep_partial: bool = False, reach=None):
    """Backward search over the links ``lsrc -> ltgt``, from the posts in ``start`` to posts in ``stop``.

    Posts are masks over the ``n`` posts. One step extends every partial
    path by every in-link of its head, all at once. A path ends when its head
    is a post of ``stop``; it is dropped when its head is another post of
    ``avoid`` (a path passes through neither end's outlets) or a post it
    already holds (undirected ties are listed both ways). Returns the paths
    found (one matrix of link indices into ``lsrc`` per length, latest hop
    first), whether ``max_partial`` cut the search, every post that was a
    head and, with ``keep_partial``, per length the partial paths that go on
    and their heads (in neither end's outlets): where a citation may begin a
    route. ``reach`` (a mask over the posts, optional) keeps only paths whose
    posts all lie in it (:func:`forward_reach`): a path leaving it can end
    at no post of ``stop`` nor a citing post, so the paths found and the
    partial paths ending at those posts are the same, in the same order.
    """
    in_s, in_t = stop, avoid
    ptr, order = csr if csr is not None else in_csr(n, ltgt)
    visited = start.copy()
    found: list[np.ndarray] = []
    partial: list = []
    head = np.flatnonzero(start & (np.diff(ptr) > 0) & (True if reach is None else reach))
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
        if reach is not None:
            fresh &= reach[new_head]
        paths, new_head = paths[fresh], new_head[fresh]
        visited[new_head] = True
        done = in_s[new_head]
        if done.any():
            found.append(paths[done])
        go = ~done & ~in_t[new_head]
        frontier, head = paths[go], new_head[go]
        if keep_partial:
            partial.append((frontier, head))
        if len(head) > max_partial:
            truncated = True
            frontier, head = frontier[:max_partial], head[:max_partial]
    return found, truncated, visited, partial


def _route_keys(f: Frame, seq: np.ndarray, cited: np.ndarray | None) -> np.ndarray:
    """One row of integers per path: the cited outlet's code (-1: none), then the outlets of its posts."""
    oc = f.outlet_of_post[seq].astype(np.int64)
    c = np.full((len(seq), 1), -1, dtype=np.int64) if cited is None else \
        pd.Index(f.outlets).get_indexer(cited).astype(np.int64).reshape(-1, 1)
    return np.c_[c, oc]


def _routes(f: Frame, echo_paths, cite_paths, cited_by: dict, top, parent: np.ndarray, *, prefer_parents: bool):
    """The outlet routes of the post-level paths, ranked, with the best example of each.

    ``echo_paths`` holds one (m x h) matrix of link indices (into
    ``f.links``, earliest hop first) per path length; ``cite_paths`` pairs
    of (links, citing post) for routes that begin with a citation of the
    outlets ``cited_by[post]``. Returns the ranked routes (``top`` of them),
    the best post-level path per route (indexed by route), a function that
    makes the table of every post-level path (only when asked for), and the
    counts of paths and routes found. ``parent`` marks the links each echo took
    (:func:`~amplify.analyze.relays.route_parents`).

    Routes are coded as integers (the outlets along them) and counted with
    array operations; only the distinct routes are written out as text.
    """
    und = f.undirected if len(f.undirected) == len(parent) else np.zeros(len(parent), dtype=bool)
    blocks = []          # (seq, links, hops, parents, ties, head, cited)
    for k in echo_paths:
        seq = np.c_[f.src[k[:, 0]], f.tgt[k]]
        blocks.append((seq, k, k.shape[1], parent[k].all(axis=1), und[k].any(axis=1), np.full(len(k), -1), None))
    for k, head in cite_paths:
        seq = np.c_[head, f.tgt[k]] if k.shape[1] else head.reshape(-1, 1)
        who = [cited_by[int(h)] for h in head]
        reps = np.asarray([len(w) for w in who], dtype=np.int64)
        idx = np.repeat(np.arange(len(head)), reps)
        cited = np.asarray([o for w in who for o in w], dtype=object)
        seq, k = seq[idx], k[idx]
        blocks.append((seq, k, k.shape[1] + 1, parent[k].all(axis=1) if k.shape[1] else np.ones(len(k), bool),
                       und[k].any(axis=1) if k.shape[1] else np.zeros(len(k), bool), seq[:, 0], cited))
    width = max(b[0].shape[1] for b in blocks) + 1
    keys = np.concatenate([np.pad(_route_keys(f, b[0], b[6]), ((0, 0), (0, width - b[0].shape[1] - 1)),
                                  constant_values=-2) for b in blocks])
    hops = np.concatenate([np.full(len(b[0]), b[2], dtype=np.int64) for b in blocks])
    parents = np.concatenate([b[3] for b in blocks])
    ties = np.concatenate([b[4] for b in blocks])
    head = np.concatenate([b[5] for b in blocks]).astype(np.int64)
    is_cite = np.concatenate([np.full(len(b[0]), b[6] is not None) for b in blocks])
    cited = np.concatenate([b[6] if b[6] is not None else np.full(len(b[0]), None, dtype=object) for b in blocks])
    start = np.concatenate([f.times[b[0][:, 0]] for b in blocks])
    end = np.concatenate([f.times[b[0][:, -1]] for b in blocks])
    lw = max(b[1].shape[1] for b in blocks)
    links = np.concatenate([np.pad(b[1], ((0, 0), (0, lw - b[1].shape[1])), constant_values=-1) for b in blocks])
    sw = max(b[0].shape[1] for b in blocks)
    seqs = np.concatenate([np.pad(b[0], ((0, 0), (0, sw - b[0].shape[1])), constant_values=-1) for b in blocks])
    lag = (end - start) / 1e9
    # a path's lag is unknown when its first and last posts fall in one unit of their time resolution
    unknown, unit = lag_unknown(f, np.concatenate([b[0][:, 0] for b in blocks]),
                                np.concatenate([b[0][:, -1] for b in blocks]))

    # every path in the order they are listed: fewer hops, then faster, then earlier
    order = np.lexsort((start, lag, hops))
    keys, hops, parents, ties, head, is_cite, cited, start, end, lag, links, seqs, unknown, unit = (
        x[order] for x in (keys, hops, parents, ties, head, is_cite, cited, start, end, lag, links, seqs,
                           unknown, unit))
    # routes numbered by first appearance, as a groupby in path order numbers them: the route's columns
    # folded in one at a time (code so far x outlets + next outlet, hashed), so no number overflows
    base = np.int64(len(f.outlets) + 2)       # codes run from -2 (padding) to len(outlets) - 1
    rid = np.zeros(len(keys), dtype=np.int64)
    for j in range(keys.shape[1]):
        rid = np.asarray(pd.factorize(rid * base + (keys[:, j] + 2))[0], dtype=np.int64)
    R = int(rid.max()) + 1
    first = np.full(R, len(rid), dtype=np.int64)
    np.minimum.at(first, rid, np.arange(len(rid)))
    uniq = keys[first]
    names = route_strings(f, uniq, CITE_ARROW)

    def post_paths() -> pd.DataFrame:
        """Every post-level path as a table (each path's post ids, earliest first, made per length)."""
        posts = np.empty(len(seqs), dtype=object)
        width = (seqs >= 0).sum(axis=1)
        for w in np.unique(width):
            rows = np.flatnonzero(width == w)
            posts[rows] = pd.Series(f.post_ids[seqs[rows, :w]].tolist(), dtype=object).to_numpy()
        return pd.DataFrame({"route": names[rid], "hops": hops, "posts": posts,
                             "start": pd.to_datetime(start, utc=True), "end": pd.to_datetime(end, utc=True),
                             "total_lag_s": np.where(unknown, np.nan, lag), "parents": parents,
                             "via": np.where(is_cite, VIA[2], np.where(parents, VIA[0], VIA[1]))})

    n_par = np.bincount(rid, weights=parents, minlength=R).astype(np.int64)
    first_time = np.full(R, np.iinfo(np.int64).max)
    last_time = np.full(R, np.iinfo(np.int64).min)
    np.minimum.at(first_time, rid, start)
    np.maximum.at(last_time, rid, end)
    # the lags of a route are those of the way the content took it: its parent cascades when it has any
    sel = parents | (n_par[rid] == 0)
    fastest, fast_known, fast_unknown = np.full(R, np.inf), np.full(R, np.inf), np.full(R, np.inf)
    np.minimum.at(fastest, rid[sel], lag[sel])      # ranks routes, as recorded
    np.minimum.at(fast_known, rid[sel & ~unknown], lag[sel & ~unknown])
    np.minimum.at(fast_unknown, rid[sel & unknown], lag[sel & unknown])
    lag_unit = np.zeros(R, dtype=np.int64)
    np.maximum.at(lag_unit, rid[sel], unit[sel])
    cite = np.bincount(rid, weights=is_cite, minlength=R) > 0
    # a citation route starts at no post: no lag from X, no parent link into its first hop
    agg = pd.DataFrame({"route": names, "hops": hops[first], "cascades": np.bincount(rid, minlength=R),
                        "total_lag_s": np.where((fast_known <= fast_unknown) & ~cite, fast_known, np.nan),
                        "median_total_lag_s": np.where(cite, np.nan, group_median(rid[sel], lag[sel], R,
                                                                                  unknown[sel])),
                        "lag_unit": pd.Series([None if c else unit_name(u) for c, u in zip(cite, lag_unit)],
                                              dtype=object),
                        "first_time": first_time, "last_time": last_time,
                        "parent_cascades": pd.array(np.where(cite, None, n_par), dtype="Int64"),
                        "tie_cascades": np.bincount(rid, weights=ties, minlength=R).astype(np.int64),
                        "_rid": np.arange(R)})
    agg["via"] = np.where(cite, VIA[2], np.where(n_par > 0, VIA[0], VIA[1]))
    via_rank = np.where(agg["via"] == VIA[2], 2, np.where(agg["via"] == VIA[0], 0, 1 if prefer_parents else 0))
    key = pd.DataFrame({"v": via_rank, "p": -n_par if prefer_parents else 0, "c": -agg["cascades"],
                        "h": agg["hops"], "l": fastest, "r": agg["route"]})
    agg = agg.loc[key.sort_values(["v", "p", "c", "h", "l", "r"], kind="stable").index].reset_index(drop=True)
    if top is not None:
        agg = agg.head(int(top))
    agg.insert(0, "rank", np.arange(1, len(agg) + 1))
    for c in ("first_time", "last_time"):
        agg[c] = pd.to_datetime(agg[c].to_numpy(dtype=np.int64), utc=True)
    # the best example of each route kept: a parent cascade when there is one, then the fastest
    kept = np.zeros(R, dtype=bool)
    kept[agg.pop("_rid").to_numpy()] = True
    cand = np.flatnonzero(kept[rid])
    pick = cand[np.lexsort((start[cand], lag[cand], ~parents[cand], rid[cand]))]
    pick = pick[np.r_[True, rid[pick][1:] != rid[pick][:-1]]] if len(pick) else pick
    best = pd.DataFrame({"route": names[rid[pick]], "_cited": pd.Series(cited[pick], dtype=object),
                         "_head": head[pick], "_links": [row[row >= 0] for row in links[pick]]}).set_index("route")
    return agg, best, post_paths, {"post_paths": int(len(rid)), "routes_found": int(R)}


_HOP_COLS = ["rank", "route", "hop", "source_id", "source_outlet", "source_group", "source_time", "target_id",
             "target_outlet", "target_group", "target_time", "lag_s", "lag_unit", "kind", "score", "attributed",
             "source_text", "target_text", "is_parent", "tie"]


def _post_side(f: Frame, prefix: str, i: int) -> dict:
    o = f.outlet_of_post[i]      # not f.group_of_post[i]: that codes every post to read one
    return {f"{prefix}_id": f.post_ids[i], f"{prefix}_outlet": f.outlets[o],
            f"{prefix}_group": f.groups[f.group_of_outlet[o]], f"{prefix}_time": f.time(i)}


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
                         "score": np.nan, "attributed": True, "is_parent": False, "tie": False, "_li": -1,
                         "_si": -1, "_ti": int(ex["_head"])})
        for li in ex["_links"]:
            s, t = int(f.src[li]), int(f.tgt[li])
            hop += 1
            rows.append({"rank": int(rank), "route": route, "hop": hop, **_post_side(f, "source", s),
                         **_post_side(f, "target", t), "lag_s": float(L["lag_s"].iat[li]),
                         "kind": str(L["kind"].iat[li]), "score": float(L["score"].iat[li]),
                         "attributed": bool(L["attributed"].iat[li]), "is_parent": bool(parent[li]),
                         "tie": bool(und[li]), "_li": int(li), "_si": s, "_ti": t})
    hops = pd.DataFrame(rows)
    # a hop between two posts of one day (at day resolution) has no known lag: not the 0 s recorded
    echo = (hops["_si"] >= 0).to_numpy()
    unknown, unit = lag_unknown(f, hops["_si"].to_numpy()[echo], hops["_ti"].to_numpy()[echo])
    hops.loc[np.flatnonzero(echo)[unknown], "lag_s"] = np.nan
    hops["lag_unit"] = None
    hops.loc[echo, "lag_unit"] = [unit_name(u) for u in unit]
    hops["source_text"] = None
    hops["target_text"] = None
    if texts is not None and len(hops):
        at = [i for i in hops.pop("_si").tolist() + hops.pop("_ti").tolist() if i >= 0]
        tx = workspace_texts(f, texts, np.asarray(at, dtype=np.int64)) if _is_workspace(texts) else None
        if tx is None:
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
