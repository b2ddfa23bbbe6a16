"""What a paths query reuses: the link index kept on the Frame, the cut to reachable posts, stored texts.

At a million posts a query from one outlet costs less than what every query
used to redo: sorting every link into an in-link index, expanding every
in-link of every post of Y, hashing a million post ids to find the posts that
name X and the texts of a few hops. Each is done once per :class:`Frame` here
and kept in ``Frame.cache`` (the frame never changes), or cut to the posts a
route can pass (:func:`forward_reach`). :mod:`amplify.analyze.paths` uses
them; none changes an answer (``tests/test_paths_workspace.py``).

How well a lag is known is kept here too: each post's time resolution (made
once per frame, :mod:`amplify.analyze.resolution`), whether two posts fall in
one unit of it (:func:`lag_unknown`: two dated posts of one day have no known
order, so no lag), and a median that says when it falls on such a lag
(:func:`group_median`), and the routes written out as text (:func:`route_strings`).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from amplify.analyze.frame import Frame
from amplify.analyze.relays import route_parents
from amplify.analyze.resolution import order_unknown, post_resolution

__all__ = ["in_csr", "link_index", "forward_reach", "stored_cite_pairs", "workspace_texts", "lag_unknown",
           "group_median", "route_strings"]

#: Up to this resolution a lag is shown as recorded: within one second a lag of 0 s is one (to the second).
_EXACT_NS = 10**9


def in_csr(n, tgt):
    order = np.argsort(tgt, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tgt, minlength=n), out=ptr[1:])
    return ptr, order


def link_index(f: Frame, *, kinds, since, until, follow_all: bool, ok_time: np.ndarray):
    """The links a search follows and their in-link index, made once per frame and link set (``f.cache``).

    Returns the link mask, the route parents (None when every link is
    followed: they are found later, for the links on paths only), the kept
    links' indices into ``f.links`` with their source and target posts, and
    the in-link index (:func:`in_csr`). Sorting the 600,000 links of a
    million-post corpus costs more than a query from one outlet; the frame
    never changes, so a second query with the same links reuses it.
    """
    key = ("paths_links", tuple(sorted(map(str, kinds))) if kinds else None,
           None if since is None else str(since), None if until is None else str(until), bool(follow_all))
    hit = f.cache.get(key)
    if hit is not None:
        return hit
    mask = f.link_mask(parents_only=False, kinds=kinds)
    parent = None
    if not follow_all:
        parent = route_parents(f, mask)
        mask &= parent
    lidx = np.flatnonzero(mask)
    lsrc, ltgt = f.src[mask], f.tgt[mask]
    keep = ok_time[lsrc] & ok_time[ltgt]
    lidx, lsrc, ltgt = lidx[keep], lsrc[keep], ltgt[keep]
    out = (mask, parent, lidx, lsrc, ltgt, in_csr(f.n_posts, ltgt))
    for a in out:               # shared by later calls: nobody may write into them
        if isinstance(a, np.ndarray):
            a.flags.writeable = False
    f.cache[key] = out
    return out


def lag_unknown(f: Frame, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether the lag from post ``a`` to post ``b`` (indices into the frame) is unknown, and its unit.

    Returns
    -------
    unknown : ndarray of bool
        Both posts fall in one unit of the coarser of their two resolutions,
        a unit longer than a second (:func:`~amplify.analyze.resolution.order_unknown`):
        two dated posts of one day, a dated post and a timed one that day. The
        recorded lag (0 s, or the timed post's time of day) is then no lag:
        only "the same day" is known.
    unit : ndarray of int64
        The coarser resolution of the two posts, in nanoseconds.
    """
    res = f.cache.get("post_resolution")
    if res is None:         # one pass over every post: kept, as the frame never changes
        res = f.cache["post_resolution"] = post_resolution(f.times, f.outlet_of_post, len(f.outlets))
    unit, phase = res
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    coarser = np.maximum(unit[a], unit[b])
    same = order_unknown(f.times[a], unit[a], phase[a], f.times[b], unit[b], phase[b])
    return same & (coarser > _EXACT_NS), coarser


def group_median(group: np.ndarray, values: np.ndarray, n_groups: int, unknown: np.ndarray | None = None):
    """Median of ``values`` per ``group`` (0..n_groups-1; NaN for an empty group), by one sort.

    With ``unknown`` (a mask over ``values``), NaN too where the median falls
    on an unknown value: its recorded figure is no lag (:func:`lag_unknown`).
    Among equal values the known ones sort first.
    """
    out = np.full(n_groups, np.nan)
    if not len(group):
        return out
    unknown = np.zeros(len(values), dtype=bool) if unknown is None else np.asarray(unknown, dtype=bool)
    order = np.lexsort((unknown, values, group))
    g, v, u = group[order], values[order], unknown[order]
    start = np.searchsorted(g, np.arange(n_groups), "left")
    count = np.searchsorted(g, np.arange(n_groups), "right") - start
    has = count > 0
    lo = start[has] + (count[has] - 1) // 2
    hi = start[has] + count[has] // 2
    out[has] = np.where(u[lo] | u[hi], np.nan, (v[lo] + v[hi]) / 2)
    return out


def route_strings(f: Frame, keys: np.ndarray, arrow: str) -> np.ndarray:
    """``a -> b -> c`` (``x ~> a -> b`` when a citation begins it, ``arrow`` its arrow) for each distinct
    route row (the cited outlet's code or -1, then the outlets of its posts, padded with -2), joined by
    Arrow, not one Python join per route."""
    out = np.empty(len(keys), dtype=object)
    width = (keys >= -1).sum(axis=1)
    names = f.outlets.astype(object)
    for w in np.unique(width):
        rows = np.flatnonzero(width == w)
        cols = [pa.array(names[keys[rows, j]].tolist(), pa.string()) for j in range(1, w)]
        joined = pc.binary_join_element_wise(*cols, " -> ") if len(cols) > 1 else cols[0]
        cited = keys[rows, 0] >= 0
        text = np.asarray(joined.to_pylist(), dtype=object)
        if cited.any():
            pre = pa.array(names[keys[rows[cited], 0]].tolist(), pa.string())
            text[cited] = np.asarray(pc.binary_join_element_wise(pre, pa.array(text[cited].tolist(), pa.string()),
                                                                  arrow).to_pylist(), dtype=object)
        out[rows] = text
    return out


def forward_reach(n: int, lsrc, ltgt, seeds: np.ndarray, *, through: np.ndarray, hops: int) -> np.ndarray:
    """Posts reachable from ``seeds`` in at most ``hops`` links, passing on only from seeds and posts
    of ``through`` (a route's inner posts): a mask over the ``n`` posts, one pass over the links a hop."""
    reach = seeds.copy()
    front = seeds
    for _ in range(hops):
        if not front.any():
            break
        new = np.zeros(n, dtype=bool)
        new[ltgt[front[lsrc]]] = True
        new &= ~reach
        reach |= new
        front = new & through
    return reach


def stored_cite_pairs(f: Frame, s_out: np.ndarray, ws) -> tuple[np.ndarray, np.ndarray]:
    """The stored (post, outlet named) pairs naming an outlet of ``s_out``: post indices and outlet names.

    The post index of every stored pair is looked up once per frame and kept
    (``f.cache``): a hash of a million post ids costs more than the search.
    """
    from amplify.analyze.cites_store import CitesStore

    t = CitesStore(ws).pairs()
    memo = f.cache.get("cite_pairs")
    if memo is None or memo[0] is not t:
        ids = f.arrow_ids if f.arrow_ids is not None else pa.array(f.post_ids.tolist(), pa.string())
        ids = (ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids).cast(pa.string())
        pos = pc.index_in(t.column("post_id"), value_set=ids).fill_null(-1).to_numpy(zero_copy_only=False)
        named = t.column("cited_outlet").combine_chunks().cast(pa.string())
        memo = f.cache["cite_pairs"] = (t, np.asarray(pos, dtype=np.int64), named)
    _, pos, named = memo
    sel = pc.is_in(named, value_set=pa.array(f.outlets[s_out].tolist(), pa.string())).to_numpy(zero_copy_only=False)
    sel &= pos >= 0
    rows = np.flatnonzero(sel)
    return pos[rows], np.asarray(named.take(pa.array(rows, pa.int64())).to_pylist(), dtype=object)


def workspace_texts(f: Frame, ws, idx: np.ndarray):
    """The texts of the posts ``idx`` (indices into the frame) read from the workspace by position: a
    dict post id -> text, or
    None to read them by id (:func:`~amplify.analyze.tables.post_texts`).

    Where each post of the frame is stored (part, row) is found once per frame
    and workspace snapshot and kept (``f.cache``); a query then decodes only
    the row groups holding its few posts, instead of reading and hashing a
    million ids every time. Ids stored twice (or missing) fall back to the read
    by id, which handles them.
    """
    import pyarrow.parquet as pq

    try:
        parts = [(ws.path / p["file"], int(p["seq"])) for p in ws.manifest["posts"]["parts"]]
    except (KeyError, AttributeError, TypeError):
        return None
    key = ("text_rows", str(ws.path), tuple(seq for _, seq in parts))
    where = f.cache.get(key)
    if where is None:
        ids = f.arrow_ids if f.arrow_ids is not None else pa.array(f.post_ids.tolist(), pa.string())
        ids = (ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids).cast(pa.string())
        part_of = np.full(f.n_posts, -1, dtype=np.int64)
        row_of = np.full(f.n_posts, -1, dtype=np.int64)
        ends = []
        ok = True
        offset = 0
        for j, (path, _) in enumerate(parts):
            try:
                with pq.ParquetFile(path) as pf:
                    meta = pf.metadata
                    ends.append(np.cumsum([meta.row_group(i).num_rows for i in range(meta.num_row_groups)]))
                    stored = pf.read(columns=["post_id"]).column("post_id").combine_chunks().cast(pa.string())
            except (OSError, KeyError, pa.ArrowInvalid):
                ok = False
                break
            r = len(stored)
            if offset + r <= len(ids) and ids.slice(offset, r).equals(stored):
                # the frame holds the workspace's posts in stored order (as `load` reads them): no hashing
                rows = np.arange(r, dtype=np.int64)
                post = rows + offset
            else:
                at = pc.index_in(stored, value_set=ids).fill_null(-1).to_numpy(zero_copy_only=False)
                rows = np.flatnonzero(at >= 0)
                post = np.asarray(at[rows], dtype=np.int64)
            offset += r
            if (part_of[post] >= 0).any():          # an id stored in two parts
                ok = False
                break
            part_of[post], row_of[post] = j, rows
            if np.count_nonzero(part_of == j) < len(post):      # an id stored twice in one part
                ok = False
                break
        where = f.cache[key] = (part_of, row_of, ends) if ok else False
    if where is False:
        return None
    part_of, row_of, ends = where
    idx = np.unique(np.asarray(idx, dtype=np.int64))
    if (part_of[idx] < 0).any():
        return None
    out: dict = {}
    for j in np.unique(part_of[idx]).tolist():
        rows = row_of[idx[part_of[idx] == j]]
        groups = np.unique(np.searchsorted(ends[j], rows, side="right"))
        first = np.r_[0, ends[j]][groups]                 # each group's first row in the part
        sizes = np.diff(np.r_[0, ends[j]])[groups]
        offset = np.r_[0, np.cumsum(sizes)[:-1]]          # each group's first row in what is read
        g_of = np.searchsorted(ends[j], rows, side="right")
        take = offset[np.searchsorted(groups, g_of)] + rows - first[np.searchsorted(groups, g_of)]
        with pq.ParquetFile(parts[j][0]) as pf:
            t = pf.read_row_groups(groups.tolist(), columns=["post_id", "text"]).take(pa.array(take, pa.int64()))
        out.update(zip(t.column("post_id").cast(pa.string()).to_pylist(), t.column("text").cast(pa.string()).to_pylist()))
    return out
