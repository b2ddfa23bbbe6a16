"""Analyses over detected links: synergy, bridging, paths, trace, volume, summary.

Each analysis is a plain function over the canonical tables (``links``,
``posts``, ``outlets``; see :mod:`amplify.schema`) with keyword options, and
returns DataFrames (or a small dataclass of DataFrames):

===================================================  ===========================================================
:func:`~amplify.analyze.synergy.camp_synergy`        do two camps echo each other more than chance?
:func:`~amplify.analyze.bridging.bridges`            who carries one camp's content into another?
:func:`~amplify.analyze.paths.amplification_paths`   how did content travel from X to Y, hop by hop?
:func:`~amplify.analyze.trace.trace_post`            where did this post's text first appear, and where did it go?
:func:`~amplify.analyze.trace.trace_text`            the same for a free text
:func:`~amplify.analyze.volume.term_volume`          how often does a set of outlets mention a term?
:func:`~amplify.analyze.volume.compare_volume`       this term this week against that term last month
:func:`~amplify.analyze.summary.summarize`           the headline numbers of a corpus
===================================================  ===========================================================

The command line (:mod:`amplify.cli.analyze_cmds`) has one command per
question: ``synergy``, ``bridges``, ``paths``, ``trace``, ``volume`` and
``summary``, each with ``--workspace WS`` and ``--format table|json|csv``.

This module also holds the small shared machinery: :class:`Frame` (the tables
as integer-coded numpy arrays, built once per analysis), :func:`load` (the
tables of a :class:`~amplify.workspace.Workspace`), :func:`resolve` (an
outlet or camp name) and :func:`families` (the connected components of the
post graph: all the posts that carry one text).

Examples
--------
>>> import pandas as pd
>>> from amplify.analyze import Frame
>>> posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["mfa_china", "tass"],
...                       "published_at": ["2022-01-05 10:00Z", "2022-01-05 12:00Z"], "text": ["x", "x"]})
>>> outlets = pd.DataFrame({"outlet": ["mfa_china", "tass"], "group": ["CN", "RU"]})
>>> f = Frame.build(None, posts, outlets)
>>> f.outlets.tolist(), f.groups.tolist(), f.group_of_post.tolist()
(['mfa_china', 'tass'], ['CN', 'RU'], [0, 1])
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numba import njit

from amplify import schema

__all__ = [
    "Frame",
    "load",
    "resolve",
    "families",
    "post_texts",
    "matched_text",
    "AnalysisError",
    # re-exported analyses (below)
    "camp_synergy",
    "SynergyReport",
    "bridges",
    "brokerage_roles",
    "participation_coefficient",
    "burt_constraint",
    "weighted_betweenness",
    "amplification_paths",
    "trace_post",
    "trace_text",
    "find_text",
    "term_volume",
    "compare_volume",
    "surges",
    "mentions",
    "summarize",
]


class AnalysisError(ValueError):
    """An analysis cannot run on the arguments given (unknown outlet, empty corpus ...)."""


# --------------------------------------------------------------------------- frame


def _ns(values) -> np.ndarray:
    """int64 nanoseconds since the epoch (UTC) of anything pandas reads as times."""
    s = pd.Series(values)
    if not isinstance(s.dtype, pd.DatetimeTZDtype):
        if s.dtype.kind == "M":
            s = s.dt.tz_localize("UTC")
        else:
            try:
                s = pd.to_datetime(s, utc=True, format="ISO8601")
            except (ValueError, TypeError):
                s = pd.to_datetime(s, utc=True)
    return s.dt.tz_convert(None).astype("datetime64[ns]").to_numpy().view(np.int64)


def _arrow_strings(values):
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


def _lookup(ids, *columns) -> list[np.ndarray]:
    """Position of each value of each column in the Arrow string array ``ids`` (-1 if absent)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [_arrow_strings(c) for c in columns]
    both = pa.concat_arrays(parts) if len(parts) > 1 else parts[0]
    pos = pc.index_in(both, value_set=ids).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    out, start = [], 0
    for p in parts:
        out.append(pos[start:start + len(p)])
        start += len(p)
    return out


def to_ns(ts) -> int:
    """A timestamp (naive = UTC) as int64 nanoseconds since the epoch."""
    t = pd.Timestamp(ts)
    t = t.tz_localize("UTC") if t.tz is None else t.tz_convert("UTC")
    return int(t.as_unit("ns").value)


def from_ns(ns) -> pd.Timestamp:
    return pd.Timestamp(int(ns), tz="UTC")


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

    @classmethod
    def build(cls, links: pd.DataFrame | None, posts: pd.DataFrame, outlets: pd.DataFrame | None = None,
              ) -> "Frame":
        """Code ``posts`` (``post_id``, ``outlet``, ``published_at``), ``outlets`` and ``links``."""
        for col in ("post_id", "outlet", "published_at"):
            if col not in posts.columns:
                raise AnalysisError(f"posts table lacks column {col!r}")
        ids = _arrow_strings(posts["post_id"])
        times = _ns(posts["published_at"])
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
        if len(links):
            s, t = _lookup(ids, links["source_id"], links["target_id"])
            ok = (s >= 0) & (t >= 0)
            dropped = int((~ok).sum())
            kept = links[ok].reset_index(drop=True) if dropped else links.reset_index(drop=True)
            s, t = s[ok].astype(np.int64), t[ok].astype(np.int64)
        else:
            kept, s, t, dropped = links.reset_index(drop=True), np.zeros(0, np.int64), np.zeros(0, np.int64), 0
        ids = np.asarray(ids.to_numpy(zero_copy_only=False), dtype=object)
        index = None
        return cls(ids, times, outlet_of_post, names, groups, group_of_outlet, kinds, kept, s, t, dropped, index)

    # convenience views ---------------------------------------------------------------
    @property
    def n_posts(self) -> int:
        return len(self.post_ids)

    @property
    def group_of_post(self) -> np.ndarray:
        return self.group_of_outlet[self.outlet_of_post]

    def index_of(self, post_ids) -> np.ndarray:
        """Post indices of ``post_ids`` (-1 for unknown ids)."""
        if self._index is None:
            self._index = pd.Index(self.post_ids)
        return self._index.get_indexer(np.asarray([str(p) for p in post_ids], dtype=object)).astype(np.int64)

    def link_mask(self, *, parents_only: bool = True, kinds=None, since=None, until=None,
                  no_ties: bool = False) -> np.ndarray:
        """Boolean mask over ``links``: parents, kinds, target time in [since, until)."""
        m = np.ones(len(self.links), dtype=bool)
        if parents_only and len(m):
            m &= self.links["is_parent"].to_numpy(dtype=bool)
        if no_ties and len(m) and "tie" in self.links.columns:
            m &= ~self.links["tie"].to_numpy(dtype=bool)
        if kinds:
            m &= self.links["kind"].isin(list(kinds)).to_numpy()
        tt = self.times[self.tgt] if len(m) else np.zeros(0, np.int64)
        if since is not None:
            m &= tt >= to_ns(since)
        if until is not None:
            m &= tt < to_ns(until)
        return m

    def time(self, i) -> pd.Timestamp:
        return from_ns(self.times[int(i)])


def _read_tables(ws, linkset=None, *, text: bool = False, links: bool = True):
    cols = ["post_id", "outlet", "published_at"] + (["text"] if text else [])
    posts = ws.posts(columns=cols)
    outlets = ws.outlets()
    lk = None
    if links:
        lk = ws.links(linkset=linkset)
    return lk, posts, outlets


def load(ws, linkset: str | None = None, *, text: bool = False):
    """``(links, posts, outlets)`` of a workspace (posts without their text unless ``text=True``).

    Parameters
    ----------
    ws : amplify.workspace.Workspace or path
    linkset : str, optional
        Link set id (default: the latest).
    text : bool
        Also read the posts' text (slower on large corpora; most analyses
        fetch the few texts they show with :func:`post_texts`).
    """
    from amplify.workspace import Workspace

    if not hasattr(ws, "posts"):
        ws = Workspace.open(ws)
    return _read_tables(ws, linkset, text=text)


def post_texts(source, ids) -> pd.Series:
    """Texts of the posts ``ids`` (a Series indexed by post_id; missing ids are absent).

    ``source`` is a posts DataFrame with a ``text`` column, or a Workspace:
    then only the rows asked for are read (a Parquet filter on ``post_id``
    over the parts the manifest names), which is fast on large corpora.
    """
    ids = list(dict.fromkeys(str(i) for i in ids))
    if isinstance(source, pd.DataFrame):
        s = source.set_index(source["post_id"].astype(str))["text"]
        return s[s.index.isin(ids)]
    if not ids:
        return pd.Series(dtype="string")
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        parts = source.manifest["posts"]["parts"]
        root = source.path
        want = pa.array(ids, type=pa.string())
        tables = []
        for p in parts:
            t = pq.read_table(root / p["file"], columns=["post_id", "text"],
                              filters=pc.field("post_id").isin(want))
            tables.append(t)
        t = pa.concat_tables(tables, promote_options="permissive") if tables else None
        if t is None or t.num_rows == 0:
            return pd.Series(dtype="string")
        df = t.to_pandas()
        return pd.Series(df["text"].astype("string").to_numpy(), index=df["post_id"].astype(str).to_numpy())
    except (KeyError, AttributeError, FileNotFoundError, TypeError):
        p = source.posts(columns=["post_id", "text"])
        s = p.set_index(p["post_id"].astype(str))["text"]
        return s[s.index.isin(ids)]


def matched_text(text, start, end, limit: int | None = 300) -> str | None:
    """``text[start:end]`` cut to ``limit`` characters (with an ellipsis); None if there is no text."""
    if not isinstance(text, str):
        return None
    s = text[int(start):int(end)]
    if limit is not None and len(s) > limit:
        s = s[:limit] + "…"
    return s


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


# --------------------------------------------------------------------------- families


@njit(cache=True)
def _union_find(n, a, b):
    parent = np.arange(n)
    for k in range(len(a)):
        x = a[k]
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        y = b[k]
        while parent[y] != y:
            parent[y] = parent[parent[y]]
            y = parent[y]
        if x != y:
            if x < y:
                parent[y] = x
            else:
                parent[x] = y
    for i in range(n):
        x = i
        while parent[x] != x:
            x = parent[x]
        parent[i] = x
    return parent


def families(frame: Frame, mask: np.ndarray | None = None) -> np.ndarray:
    """Family of each post: the weakly connected components of the post graph.

    A family is every post that carries one text, through any chain of links
    (parents and also-matches). Posts in no link get family ``-1``; the others
    get a label ``0 .. n_families - 1`` numbered by their earliest post.

    Parameters
    ----------
    frame : Frame
    mask : ndarray of bool, optional
        The links to use (default: all).

    Returns
    -------
    ndarray of int64, shape (n_posts,)
    """
    n = frame.n_posts
    s, t = frame.src, frame.tgt
    if mask is not None:
        s, t = s[mask], t[mask]
    out = np.full(n, -1, dtype=np.int64)
    if len(s) == 0:
        return out
    root = _union_find(n, s.astype(np.int64), t.astype(np.int64))
    linked = np.zeros(n, dtype=bool)
    linked[s] = True
    linked[t] = True
    idx = np.flatnonzero(linked)
    # number families by (earliest time, post index) of their members
    r = root[idx]
    order = np.lexsort((idx, frame.times[idx]))
    first_seen = pd.unique(r[order])
    label = pd.Series(np.arange(len(first_seen)), index=first_seen)
    out[idx] = label.reindex(r).to_numpy()
    return out


# --------------------------------------------------------------------------- re-exports

from amplify.analyze.synergy import SynergyReport, camp_synergy  # noqa: E402
from amplify.analyze.bridging import (  # noqa: E402
    bridges, brokerage_roles, burt_constraint, participation_coefficient, weighted_betweenness)
from amplify.analyze.paths import amplification_paths  # noqa: E402
from amplify.analyze.trace import find_text, trace_post, trace_text  # noqa: E402
from amplify.analyze.volume import compare_volume, mentions, surges, term_volume  # noqa: E402
from amplify.analyze.summary import summarize  # noqa: E402
