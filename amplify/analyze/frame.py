"""The shared frame of every analysis: the canonical tables as integer-coded arrays.

:class:`Frame` codes the three canonical tables (``links``, ``posts``,
``outlets``; see :mod:`amplify.schema`) once per analysis: post ids and times
as arrays, outlets and camps as sorted names with an integer code per post,
and every link as the indices of its two posts. The analyses then work on
integer arrays (numpy, numba) instead of joining tables on string ids, which
is what keeps them fast at a million posts. Ties (links between posts of one
timestamp) are oriented once here (:func:`amplify.analyze.ties.orient_ties`):
those evidence directs count as echoes, the rest are undirected
co-publications (``Frame.undirected``). :func:`resolve` reads an outlet or
camp name the user gave against a frame; :func:`arrow_strings` and
:func:`lookup_positions` are the zero-copy Arrow helpers the coding uses.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["mfa_china", "tass"],
...                       "published_at": ["2022-01-05 10:00Z", "2022-01-05 12:00Z"], "text": ["x", "x"]})
>>> outlets = pd.DataFrame({"outlet": ["mfa_china", "tass"], "group": ["CN", "RU"]})
>>> f = Frame.build(None, posts, outlets)
>>> f.outlets.tolist(), f.groups.tolist(), f.group_of_post.tolist()
(['mfa_china', 'tass'], ['CN', 'RU'], [0, 1])
>>> resolve("ru", f)[0], resolve("tass", f)[1].tolist()
('group', [1])
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from amplify import schema
from amplify.analyze.errors import AnalysisError, user_time_ns
from amplify.analyze.ties import TieSummary, orient_ties, resolution_ties
from amplify.graph import undirected_mask, without_ties
from amplify.utc import from_ns, to_ns

__all__ = ["Frame", "resolve", "arrow_strings", "lookup_positions"]


def arrow_strings(values):
    """A pandas/numpy column of strings as a pyarrow string array (zero-copy when it is Arrow-backed)."""
    import pyarrow as pa

    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        arr = values
    else:
        ser = pd.Series(values)
        try:
            arr = pa.array(ser.array) if "pyarrow" in str(getattr(ser.dtype, "storage", "")) \
                else pa.array(ser.astype(str).to_numpy(dtype=object), type=pa.string())
        except (TypeError, pa.ArrowInvalid, pa.ArrowTypeError):
            arr = pa.array(ser.astype(str).to_numpy(dtype=object), type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    return arr


def lookup_positions(ids, *columns) -> list[np.ndarray]:
    """Position of each value of each column in the Arrow string array ``ids`` (-1 if absent)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [arrow_strings(c) for c in columns]
    both = pa.concat_arrays(parts) if len(parts) > 1 else parts[0]
    pos = pc.index_in(both, value_set=ids).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    out, start = [], 0
    for p in parts:
        out.append(pos[start:start + len(p)])
        start += len(p)
    return out


@dataclass
class Frame:
    """The three canonical tables as integer-coded arrays, built once per analysis.

    Posts are kept in their given order; outlets and camps are sorted names.
    Links whose source or target is not among the posts are dropped (and
    counted in ``dropped_links``).

    Attributes
    ----------
    post_ids : ndarray of object
    times : ndarray of int64
        Publication times, nanoseconds since the epoch (UTC).
    outlet_of_post : ndarray of int64
        Index into ``outlets``.
    outlets, groups : ndarray of object
        Outlet handles (every outlet of the posts or the outlets table) and
        camp labels (sorted; ``unknown`` for outlets the table lacks).
    group_of_outlet : ndarray of int64
        Index into ``groups`` per outlet.
    kind_of_outlet : ndarray of object
        The outlets table's ``kind`` (None where missing).
    links : DataFrame
        The links kept, index reset, aligned with ``src`` and ``tgt``.
    src, tgt : ndarray of int64
        Post indices of each link's source and target.
    undirected : ndarray of bool
        The link is an undirected tie (a co-publication listed both ways).
    ties : TieSummary
        What orienting the ties did (:func:`amplify.analyze.ties.orient_ties`).
    """

    post_ids: np.ndarray
    times: np.ndarray
    outlet_of_post: np.ndarray
    outlets: np.ndarray
    groups: np.ndarray
    group_of_outlet: np.ndarray
    kind_of_outlet: np.ndarray
    links: pd.DataFrame
    src: np.ndarray
    tgt: np.ndarray
    dropped_links: int = 0
    _index: pd.Index | None = field(default=None, repr=False)
    undirected: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    ties: TieSummary = field(default_factory=TieSummary)
    #: The post ids as one Arrow array (lookups by hash without Python strings), when built from tables.
    arrow_ids: object = field(default=None, repr=False)
    #: What analyses derive from the frame alone and reuse across calls (the paths link index); not
    #: copied by ``dataclasses.replace``, so a changed frame never sees a stale entry.
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def build(cls, links: pd.DataFrame | None, posts: pd.DataFrame, outlets: pd.DataFrame | None = None,
              *, ties: bool = True, texts=None) -> "Frame":
        """Code ``posts`` (``post_id``, ``outlet``, ``published_at``), ``outlets`` and ``links``.

        ``ties``: orient the ties by their evidence and keep the rest as
        undirected co-publications (default), or leave every tie out
        (False). ``texts`` (a posts table with ``text`` or a Workspace) is
        where the tied posts' texts are read for containment evidence
        (default: ``posts``, if it has ``text``).
        """
        for col in ("post_id", "outlet", "published_at"):
            if col not in posts.columns:
                raise AnalysisError(f"posts table lacks column {col!r}")
        ids = arrow_strings(posts["post_id"])
        times = to_ns(posts["published_at"])
        codes, uniq = pd.factorize(posts["outlet"].astype(str))
        meta = outlets if outlets is not None and len(outlets) else pd.DataFrame({"outlet": [], "group": []})
        names = np.asarray(sorted(set(map(str, uniq)) | set(meta["outlet"].astype(str).tolist())), dtype=object)
        name_index = pd.Index(names)
        outlet_of_post = name_index.get_indexer(np.asarray(uniq, dtype=object)).astype(np.int64)[codes] \
            if len(codes) else np.zeros(0, np.int64)
        gmap = meta.set_index(meta["outlet"].astype(str))["group"] if len(meta) else pd.Series(dtype=object)
        g = gmap.reindex(names).to_numpy(dtype=object) if len(names) else np.array([], dtype=object)
        g = np.asarray([schema.UNKNOWN_GROUP if pd.isna(x) else str(x) for x in g], dtype=object)
        groups = np.asarray(sorted(set(g.tolist())), dtype=object)
        group_of_outlet = pd.Index(groups).get_indexer(g).astype(np.int64) if len(g) else np.zeros(0, np.int64)
        if "kind" in meta.columns and len(meta):
            k = meta.set_index(meta["outlet"].astype(str))["kind"].reindex(names).to_numpy(dtype=object)
            kinds = np.asarray([None if pd.isna(x) else str(x) for x in k], dtype=object)
        else:
            kinds = np.full(len(names), None, dtype=object)
        if links is None:
            links = schema.empty_links()
        summary = TieSummary(links=int(len(links)))
        if ties:
            links, summary = orient_ties(links, posts, outlets, texts=texts)
        else:       # the same rule, every tie left out: equal timestamps and orders the resolution hides
            hidden = resolution_ties(links, posts) if "direction" not in links.columns else \
                np.zeros(len(links), dtype=bool)
            summary.tie_links = (int(links["tie"].sum()) if len(links) and "tie" in links.columns else 0) + \
                int(hidden.sum())
            summary.pairs = (int(links["tie"].sum()) // 2 if len(links) and "tie" in links.columns else 0) + \
                int(hidden.sum())          # equal-time ties are listed both ways, hidden orders once
            summary.left_out = True
            links = without_ties(links[~hidden] if hidden.any() else links)
        if len(links):
            s, t = lookup_positions(ids, links["source_id"], links["target_id"])
            ok = (s >= 0) & (t >= 0)
            dropped = int((~ok).sum())
            kept = links[ok].reset_index(drop=True) if dropped else links.reset_index(drop=True)
            s, t = s[ok].astype(np.int64), t[ok].astype(np.int64)
        else:
            kept, s, t, dropped = links.reset_index(drop=True), np.zeros(0, np.int64), np.zeros(0, np.int64), 0
        arrow_ids = ids
        ids = np.asarray(ids.to_numpy(zero_copy_only=False), dtype=object)
        index = None
        return cls(ids, times, outlet_of_post, names, groups, group_of_outlet, kinds, kept, s, t, dropped, index,
                   undirected_mask(kept), summary, arrow_ids)

    # convenience views ---------------------------------------------------------------
    @property
    def n_posts(self) -> int:
        """Number of posts."""
        return len(self.post_ids)

    @property
    def group_of_post(self) -> np.ndarray:
        """Index into ``groups`` per post."""
        return self.group_of_outlet[self.outlet_of_post]

    def index_of(self, post_ids) -> np.ndarray:
        """Post indices of ``post_ids`` (-1 for unknown ids)."""
        if self._index is None:
            self._index = pd.Index(self.post_ids)
        return self._index.get_indexer(np.asarray([str(p) for p in post_ids], dtype=object)).astype(np.int64)

    def link_mask(self, *, parents_only: bool = True, kinds=None, since=None, until=None,
                  no_ties: bool = False, undirected: bool = True) -> np.ndarray:
        """Boolean mask over ``links``: parents, kinds, target time in [since, until).

        Without ``kinds``, every kind of echo: ``template`` links (same frame,
        other facts) are no echo and are left out unless asked for by name, as
        :func:`amplify.graph.filter_links` does (they are never parents; they
        were routes of ``paths`` and echoes of ``--all-links``).
        ``no_ties`` leaves out every tie and counts detection's own parents
        (``detected_parent``: what the analyses saw before ties were
        oriented); ``undirected=False`` leaves out the undirected ties only.
        """
        m = np.ones(len(self.links), dtype=bool)
        parent_col = "detected_parent" if no_ties and "detected_parent" in self.links.columns else "is_parent"
        if parents_only and len(m):
            m &= self.links[parent_col].to_numpy(dtype=bool)
        if no_ties and len(m) and "tie" in self.links.columns:
            m &= ~self.links["tie"].to_numpy(dtype=bool)
        if not undirected and len(m) and len(self.undirected) == len(m):
            m &= ~self.undirected
        if kinds:
            m &= self.links["kind"].isin(list(kinds)).to_numpy()
        elif len(m):
            m &= (self.links["kind"] != "template").to_numpy()
        tt = self.times[self.tgt] if len(m) else np.zeros(0, np.int64)
        if since is not None:
            m &= tt >= user_time_ns(since)
        if until is not None:
            m &= tt < user_time_ns(until)
        return m

    def time(self, i) -> pd.Timestamp:
        """Publication time of post ``i`` as a UTC ``pd.Timestamp``."""
        return from_ns(self.times[int(i)])


def resolve(name: str, frame: Frame) -> tuple[str, np.ndarray]:
    """An outlet or a camp: ``("outlet", [code])`` or ``("group", outlet codes of the camp)``.

    An outlet handle wins over a camp label of the same spelling; matching is
    exact first, then case-insensitive.

    Raises
    ------
    AnalysisError
        Neither an outlet nor a camp; the message suggests close names.
    """
    name = str(name)
    outlets = frame.outlets.tolist()
    groups = frame.groups.tolist()
    for cand_outlets, cand_groups in ((outlets, groups),
                                     ([o.casefold() for o in outlets], [g.casefold() for g in groups])):
        key = name if cand_outlets is outlets else name.casefold()
        if key in cand_outlets:
            return "outlet", np.asarray([cand_outlets.index(key)], dtype=np.int64)
        if key in cand_groups:
            gi = cand_groups.index(key)
            return "group", np.flatnonzero(frame.group_of_outlet == gi).astype(np.int64)
    close = difflib.get_close_matches(name, outlets + groups, n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; camps are {', '.join(groups)}"
    raise AnalysisError(f"{name!r} is neither an outlet nor a camp in this corpus{hint}")
