"""Detection over slices of time, each read with its halo: the links of one pass in bounded memory.

Every decision about a target post depends only on posts near it in time
(:mod:`amplify.detect.candidates`): the pairs, the viral/boilerplate bound
(a shingle is *common* when more than ``common_at`` posts hold it within
``window`` -- or, for the long look-back, ``quote_window`` -- on **either**
side of the target), the rare words of content agreement (``window``), and
the platform's reposts and quote posts (their named source, however old).
So the targets of one slice of time ``[a, b)`` get exactly the links of a
pass over the whole corpus when detection reads, besides the slice:

* the **near halo** ``[a - window, b + window]``, whole;
* the **far halo** ``[a - H, a - window)`` and ``(b + window, b + H]``, with
  ``H = max(window, quote_window)`` (:attr:`DetectSettings.horizon_ns`),
  but only its posts that hold a shingle of a target that may be *rare* at
  that target. A post past ``window`` reaches a target's links only through
  the shingles they share: as a long-quote source (which needs rare shared
  shingles) or as one more holder in the count that makes a shingle common
  over ``quote_window``. A shingle already held by more than ``common_at``
  other posts within ``window`` of the target (counted on the near halo) is
  common over ``quote_window`` whatever the far posts are, so a far post
  holding only such shingles, or none, changes nothing; the rare-word counts
  of content agreement read ``window`` only. With the default 180-day
  ``quote_window`` this filter is what keeps a slice from reading a year;
* the posts the slice's reposts and quote posts name (``reposted_id``,
  ``quoted_id``), wherever they are.

This is the rule incremental detection (:mod:`amplify.detect.incremental`)
follows for the posts around new ones -- a target's links depend on the posts
within one horizon of it -- applied to a slice of targets instead, and with
the far halo read in chunks and filtered so that a slice costs its own posts,
not the 360 days around them.

**Parents.** A target's parent may rest on a link into one of its sources
(a relay, :func:`~amplify.detect.parents.mark_parents`): ``A -> B`` for
``B -> C``. Each slice's links are therefore written first as they come out
of :func:`~amplify.detect.pipeline.detect` (step one, independent per
slice), and their parents are chosen again (step two) with the links into
their sources in view, read back from the earlier slices' files. Both steps
write one Parquet file per slice, atomically, so a killed run resumes at
the first slice not written (:class:`SliceStore`).

The two steps are what an engine runs: :func:`detect_sliced` runs them in
this process over a DataFrame, :func:`detect_workspace_sliced` over a
workspace's Parquet parts (streaming slice by slice: peak memory follows the
busiest slice and its halo, not the corpus), and
:mod:`amplify.detect.spark_engine` runs them on Spark.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from amplify import schema
from amplify.detect.parents import mark_parents
from amplify.detect.pipeline import DetectStats, detect
from amplify.detect.settings import DetectSettings, SettingsError, canonical_duration
from amplify.detect.shingles import DOC_BITS, shingles
from amplify.text import tokenize
from amplify.utc import to_ns

__all__ = ["Slice", "plan_slices", "PostSource", "FramePosts", "WorkspacePosts", "SliceStore", "slice_links",
           "settle_parents", "detect_sliced", "detect_workspace_sliced", "parse_slice", "SOURCE_NS"]

#: The column of a slice's first-step file holding each link's source time (ns),
#: which choosing parents needs and the links table does not keep.
SOURCE_NS = "_source_ns"
# the post columns detection reads (besides the text)
_READ = ("post_id", "outlet", "published_at", "text", "reposted_id", "quoted_id", "speaker")
_TS = pa.timestamp("ns", tz="UTC")


@dataclass(frozen=True)
class Slice:
    """Targets published in ``[start_ns, end_ns)``; ``index`` numbers the slices in time order."""

    index: int
    start_ns: int
    end_ns: int

    def __str__(self) -> str:
        a = pd.Timestamp(self.start_ns, tz="UTC").isoformat()
        b = pd.Timestamp(self.end_ns, tz="UTC").isoformat()
        return f"slice {self.index} [{a}, {b})"


def parse_slice(value) -> int:
    """A slice length (``"30D"``, ``"12h"``, a Timedelta) in nanoseconds.

    Raises
    ------
    SettingsError
        Not a positive duration.
    """
    try:
        td = pd.Timedelta(value)
    except (ValueError, TypeError):
        td = None
    if td is None or td is pd.NaT or td <= pd.Timedelta(0):
        raise SettingsError("slice", f"must be a positive duration such as '30D' or '12h' (got {value!r})")
    return int(td.value)


def plan_slices(t_min_ns: int, t_max_ns: int, slice_ns: int) -> list[Slice]:
    """Slices of ``slice_ns`` covering ``[t_min_ns, t_max_ns]``, aligned to
    multiples of ``slice_ns`` since the epoch (so a slice's bounds do not
    depend on which posts happen to be first).

    >>> [(s.start_ns, s.end_ns) for s in plan_slices(5, 21, 10)]
    [(0, 10), (10, 20), (20, 30)]
    """
    first = (int(t_min_ns) // slice_ns) * slice_ns
    n = (int(t_max_ns) - first) // slice_ns + 1
    return [Slice(k, first + k * slice_ns, first + (k + 1) * slice_ns) for k in range(n)]


class PostSource:
    """Where a slice's posts are read from: the posts with ``lo <= published_at <= hi``,
    and posts by id. Subclasses read a DataFrame or a workspace's parts."""

    def time_range(self) -> tuple[int, int] | None:
        """First and last ``published_at`` (ns), or None without posts."""
        raise NotImplementedError

    def between(self, lo_ns: int, hi_ns: int) -> pd.DataFrame:
        """The posts with ``lo_ns <= published_at <= hi_ns``."""
        raise NotImplementedError

    def with_ids(self, ids: Sequence[str]) -> pd.DataFrame:
        """The posts whose ``post_id`` is one of ``ids``."""
        raise NotImplementedError


class FramePosts(PostSource):
    """Posts held in a DataFrame (validated once, sorted by time)."""

    def __init__(self, posts: pd.DataFrame):
        posts = schema.validate_posts(posts)
        self.posts = posts.sort_values(["published_at", "post_id"], kind="stable").reset_index(drop=True)
        self.times = to_ns(self.posts["published_at"])

    def time_range(self):
        return None if len(self.times) == 0 else (int(self.times[0]), int(self.times[-1]))

    def between(self, lo_ns, hi_ns):
        a = np.searchsorted(self.times, lo_ns, side="left")
        b = np.searchsorted(self.times, hi_ns, side="right")
        return self.posts.iloc[a:b]

    def with_ids(self, ids):
        return self.posts[self.posts["post_id"].isin(pd.Index(list(ids), dtype=object)).to_numpy()]


class WorkspacePosts(PostSource):
    """A workspace's posts, read from its Parquet parts by time range: only
    the parts whose time range meets the request are opened, and only the
    rows inside it are converted (an Arrow filter)."""

    def __init__(self, root: Path | str, parts: list[dict]):
        self.root = Path(root)
        self.parts = list(parts)

    @classmethod
    def of(cls, ws) -> "WorkspacePosts":
        """The posts of open workspace ``ws`` as of its current snapshot."""
        return cls(ws.path, ws.manifest["posts"]["parts"])

    def time_range(self):
        if not self.parts:
            return None
        return (min(int(p["first_key"][0]) for p in self.parts), max(int(p["last_key"][0]) for p in self.parts))

    def _read(self, parts: list[dict], expr) -> pd.DataFrame:
        from amplify.workspace.tables import to_pandas
        tables = []
        for p in parts:
            cols = [c for c in _READ if c in p["columns"]]
            t = pads.dataset(str(self.root / p["file"]), format="parquet").to_table(columns=cols, filter=expr)
            tables.append(t)
        if not tables:
            return pd.DataFrame({c: pd.Series(dtype="string") for c in ("post_id", "outlet", "text")}
                                | {"published_at": pd.Series(dtype="datetime64[ns, UTC]")})
        table = pa.concat_tables(tables, promote_options="permissive")
        table = table.sort_by([("published_at", "ascending"), ("post_id", "ascending")])
        return to_pandas(table)

    def between(self, lo_ns, hi_ns):
        parts = [p for p in self.parts if int(p["last_key"][0]) >= lo_ns and int(p["first_key"][0]) <= hi_ns]
        field = pc.field("published_at")
        expr = (field >= pa.scalar(int(lo_ns), _TS)) & (field <= pa.scalar(int(hi_ns), _TS))
        return self._read(parts, expr)

    def with_ids(self, ids):
        return self._read(self.parts, pc.field("post_id").isin(pa.array(list(ids), pa.string())))


def _shingle_hashes(texts: pd.Series, shingle: int, workers: int) -> tuple[np.ndarray, np.ndarray]:
    """Each post's shingle hashes (the key's high bits, as blocking joins on)
    and the per-post offsets into them, tokenised as detection does."""
    tok = tokenize(texts, workers=workers)
    keys, off = shingles(tok.hashes, tok.offsets, shingle, workers)
    return keys >> np.uint64(DOC_BITS), off


_S = 1_000_000_000  # ns per second: holder counts are bounded on whole seconds


def _holders(texts: pd.Series, shingle: int, workers: int) -> tuple[np.ndarray, np.ndarray]:
    """One row per (shingle, post) of ``texts`` -- a shingle repeated inside a
    post counts once, as blocking counts it: the shingle hashes and the post
    numbers, sorted by hash then post (one sort of blocking's own keys,
    ``hash << DOC_BITS | post``)."""
    tok = tokenize(texts, workers=workers)
    keys, _ = shingles(tok.hashes, tok.offsets, shingle, workers)
    keys.sort()
    if len(keys):
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    return keys >> np.uint64(DOC_BITS), (keys & np.uint64((1 << DOC_BITS) - 1)).astype(np.int64)


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of an array already sorted (no second sort, no hash table)."""
    if len(values) == 0:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def _count_within(keys: np.ndarray, code: np.ndarray, lo_s: np.ndarray, hi_s: np.ndarray, m: int) -> np.ndarray:
    """Per query, the sorted ``keys`` (``code * m + second``) of its ``code``
    with a second in ``[lo_s, hi_s]`` (clipped to ``[0, m - 1]``)."""
    lo = code * m + np.clip(lo_s, 0, m - 1)
    hi = code * m + np.clip(hi_s, -1, m - 1)
    return np.maximum(np.searchsorted(keys, hi, side="right") - np.searchsorted(keys, lo, side="left"), 0)


def far_posts(source: PostSource, near: pd.DataFrame, is_target: np.ndarray, ranges, cfg: DetectSettings,
              workers: int = 2) -> set:
    """The ids of the far-halo posts (in ``ranges``, pairs of closed ns bounds)
    that can reach a link of the slice's targets.

    A far post reaches a target ``t`` only through a shingle ``X`` they share
    (the long look-back pairs and counts by shingle; everything else reads
    ``window``). Per (shingle, target), counting holders in whole seconds
    (a lower and an upper bound of blocking's exact count):

    * ``X`` common at ``t`` already within ``window`` (near halo only):
      the far posts cannot change it -- nothing to read;
    * ``X`` common over ``quote_window`` thanks to far posts: enough of its
      far holders in that window to keep it common -- read those
      (:func:`_enough_holders`);
    * ``X`` rare at ``t``: a far holder before ``t`` is a long-quote source
      only if it shares ``shingle`` such shingles with ``t`` (the long
      look-back's ``far_min_shared``) -- read those (a join of at most
      ``common_at + 1`` holders per shingle and target); when the bounds
      cannot tell rare from common, read every holder.

    The far halo is read twice, chunk by chunk (``ranges``): once for the
    shingles of its posts (kept as integers, not texts), then for the texts
    of the posts chosen.
    """
    w, qw = cfg.window_ns, cfg.quote_window_ns
    t_near = to_ns(near["published_at"])
    n_hash, n_post = _holders(near["text"], cfg.shingle, workers)
    mine = is_target[n_post]
    # the target occurrences (X, t), and which are common for certain within window
    occ_hash, occ_post = n_hash[mine], n_post[mine]
    occ_t = t_near[occ_post]
    sec_near = t_near // _S
    base = int(sec_near.min()) - (qw // _S) - 2
    span = int(sec_near.max()) + (qw // _S) + 2 - base + 2
    uniq = _distinct_sorted(occ_hash)     # _holders sorts by hash: so are the targets' rows
    code_of = lambda h: np.searchsorted(uniq, h)  # noqa: E731 -- hashes known to be in uniq
    at = np.minimum(np.searchsorted(uniq, n_hash), len(uniq) - 1)
    in_uniq = uniq[at] == n_hash
    near_keys = np.sort(code_of(n_hash[in_uniq]) * span + (sec_near[n_post[in_uniq]] - base))
    occ_code = code_of(occ_hash)
    lo_w = -((-(occ_t - w)) // _S) - base          # first whole second at or after t - w
    hi_w = (occ_t + w) // _S - 1 - base            # last second wholly before t + w
    common_near = _count_within(near_keys, occ_code, lo_w, hi_w, span) - 1 > cfg.common_at
    open_codes = _distinct_sorted(occ_code[~common_near])
    if len(open_codes) == 0:
        return set()
    # pass 1: the far posts' holdings of the open shingles
    # per row (far post, open shingle it holds): key code * span + second, and the post (int32: 12 bytes a row)
    ids, f_keys, f_post = [], [], []
    n = 0
    is_open = np.zeros(len(uniq), dtype=bool)
    is_open[open_codes] = True
    for lo, hi in ranges:
        chunk = source.between(lo, hi)
        if len(chunk) == 0:
            continue
        t = to_ns(chunk["published_at"])
        h, post = _holders(chunk["text"], cfg.shingle, workers)
        at = np.minimum(np.searchsorted(uniq, h), len(uniq) - 1)
        rel = t // _S - base
        hit = (uniq[at] == h)
        # a holder past every target's window (rel >= span) counts for none of them; kept, its key
        # would run into the next shingle's block
        hit[hit] = is_open[at[hit]] & (rel[post[hit]] >= 0) & (rel[post[hit]] < span)
        f_keys.append(at[hit].astype(np.int64) * span + rel[post[hit]])
        f_post.append((post[hit] + n).astype(np.int32))
        ids.append(chunk["post_id"].astype(str).to_numpy(dtype=object))
        n += len(chunk)
        del chunk, h, post, at, hit
    if n == 0:
        return set()
    ids = np.concatenate(ids)
    far_keys, f_post = np.concatenate(f_keys), np.concatenate(f_post)
    del f_keys
    order = np.argsort(far_keys, kind="stable")
    far_keys, f_post = far_keys[order], f_post[order]
    del order
    o = ~common_near
    c, t = occ_code[o], occ_t[o]
    lo_in, hi_in = -((-(t - qw)) // _S) - base, (t + qw) // _S - 1 - base      # narrowed: wholly inside
    lo_out, hi_out = (t - qw) // _S - base, (t + qw) // _S - base              # widened: all of it
    lower = _count_within(near_keys, c, lo_in, hi_in, span) + _count_within(far_keys, c, lo_in, hi_in, span)
    upper = _count_within(near_keys, c, lo_out, hi_out, span) + _count_within(far_keys, c, lo_out, hi_out, span)
    rare_sure = upper - 1 <= cfg.common_at
    common_sure = lower - 1 > cfg.common_at
    keep = np.zeros(n, dtype=bool)
    # rare at t for certain: its far holders in [t - quote_window, t] are counted per (target, holder),
    # and a holder sharing `shingle` such shingles with one target may be its long-quote source
    # (at most common_at + 1 holders per shingle and target: the join stays small)
    rs = np.flatnonzero(rare_sure)
    if len(rs):
        first = np.searchsorted(far_keys, c[rs] * span + np.clip(lo_out[rs], 0, span - 1), side="left")
        last = np.searchsorted(far_keys, c[rs] * span + np.clip(t[rs] // _S - base, -1, span - 1), side="right")
        take = np.maximum(last - first, 0)
        rows = np.repeat(first, take) + np.arange(take.sum()) - np.repeat(np.cumsum(take) - take, take)
        tgt = np.repeat(occ_post[o][rs], take)
        pair = np.sort(tgt * np.int64(n) + f_post[rows])
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        counts = np.diff(np.r_[starts, len(pair)])
        keep[pair[starts[counts >= cfg.shingle]] % n] = True
    # undecided by the bounds: every holder
    unsure = np.zeros(len(uniq), dtype=bool)
    unsure[c[~common_sure & ~rare_sure]] = True
    if unsure.any():
        keep[f_post[unsure[far_keys // span]]] = True
    # common thanks to far posts: enough of its far holders inside the window keep it so
    cs = np.flatnonzero(common_sure)
    if len(cs):
        near_in = _count_within(near_keys, c[cs], lo_in[cs], hi_in[cs], span)
        need = np.maximum(cfg.common_at + 2 - near_in, 0)     # the target itself is one of near_in
        keep |= _enough_holders(c[cs], lo_in[cs], hi_in[cs], need, f_post, far_keys, span,
                                len(uniq), n)
    return set(ids[keep].tolist())


def _enough_holders(code, lo, hi, need, f_post, far_keys, span: int, n_codes: int,
                    n: int) -> np.ndarray:
    """Far posts to read so that each (shingle ``code``, target) keeps ``need``
    far holders with a second in ``[lo, hi]``: a mask over the ``n`` far posts.

    Holders are shared between the targets of one shingle where they can be:
    a holder inside every target's window counts for all of them, so per
    shingle the ``max(need)`` holders inside the windows' intersection are
    taken, preferring posts that serve many shingles (fewer posts to read).
    The shingles whose intersection holds too few are served per target.
    """
    keep = np.zeros(n, dtype=bool)
    i_lo = np.full(n_codes, -1, dtype=np.int64)
    i_hi = np.full(n_codes, np.iinfo(np.int64).max, dtype=np.int64)
    i_need = np.zeros(n_codes, dtype=np.int64)
    np.maximum.at(i_lo, code, lo)
    np.minimum.at(i_hi, code, hi)
    np.maximum.at(i_need, code, need)
    asked = np.zeros(n_codes, dtype=bool)
    asked[code] = True
    # the rows of the shingles asked for: their keys lie in the code blocks of `asked` (sorted keys)
    codes = np.flatnonzero(asked)
    a = np.searchsorted(far_keys, codes * span, side="left")
    b = np.searchsorted(far_keys, (codes + 1) * span, side="left")
    span_rows = np.repeat(a, b - a) + np.arange((b - a).sum()) - np.repeat(np.cumsum(b - a) - (b - a), b - a)
    r_code = np.repeat(codes, b - a)
    r_sec = far_keys[span_rows] - r_code * span
    inside = (r_sec >= i_lo[r_code]) & (r_sec <= i_hi[r_code])
    span_rows, r_code = span_rows[inside], r_code[inside]
    enough = np.bincount(r_code, minlength=n_codes) >= i_need
    sel = enough[r_code]
    rows, f_code_rows = span_rows[sel], r_code[sel]
    if len(rows):
        serves = np.bincount(f_post[rows], minlength=n)
        pick = np.lexsort((f_post[rows], -serves[f_post[rows]], f_code_rows))
        order, grp = rows[pick], f_code_rows[pick]
        start = np.r_[0, np.flatnonzero(grp[1:] != grp[:-1]) + 1]
        rank = np.arange(len(order)) - np.repeat(start, np.diff(np.r_[start, len(order)]))
        keep[f_post[order[rank < i_need[grp]]]] = True
    alone = np.flatnonzero(~enough[code])
    if len(alone):
        first = np.searchsorted(far_keys, code[alone] * span + np.clip(lo[alone], 0, span - 1), side="left")
        last = np.searchsorted(far_keys, code[alone] * span + np.clip(hi[alone], -1, span - 1), side="right")
        take = np.minimum(np.maximum(last - first, 0), need[alone])
        picked = np.repeat(first, take) + np.arange(take.sum()) - np.repeat(np.cumsum(take) - take, take)
        keep[f_post[picked]] = True
    return keep


def _ranges(lo: int, hi: int, step: int) -> Iterator[tuple[int, int]]:
    """``[lo, hi)`` in pieces of at most ``step`` (closed pairs for :meth:`PostSource.between`)."""
    while lo < hi:
        yield lo, min(lo + step, hi) - 1
        lo += step


def slice_posts(source: PostSource, sl: Slice, cfg: DetectSettings, *, chunk_ns: int | None = None,
                workers: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The posts detection reads for the targets of slice ``sl``: the slice, its
    near halo, the posts of its far halo that can reach a target's links
    (:func:`far_posts`), and the posts its reposts and quote posts name.
    Returns ``(posts, targets)``.

    The far halo is read ``chunk_ns`` at a time (default: the slice's length),
    so memory holds one chunk of its texts besides the posts chosen.
    """
    w, h = cfg.window_ns, cfg.horizon_ns
    a, b = sl.start_ns, sl.end_ns
    near = source.between(a - w, b - 1 + w)
    t = to_ns(near["published_at"])
    is_target = (t >= a) & (t < b)
    targets = near[is_target]
    pieces = [near]
    if h > w and len(targets):
        step = chunk_ns or (b - a)
        ranges = [*_ranges(a - h, a - w, step), *_ranges(b + w, b + h, step)]
        wanted = far_posts(source, near, is_target, ranges, cfg, workers)
        if wanted:
            wanted_ids = pa.array(sorted(wanted), pa.string())
            for lo, hi in ranges:  # pass 2: the texts of the posts chosen
                chunk = source.between(lo, hi)
                if len(chunk):
                    pick = pc.is_in(pa.array(chunk["post_id"].astype(str).to_numpy(dtype=object), pa.string()),
                                    value_set=wanted_ids).to_numpy(zero_copy_only=False)
                    pieces.append(chunk[pick])
    posts = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else near.reset_index(drop=True)
    # the sources the slice's reposts and quote posts name, wherever they are
    named = []
    for col in ("reposted_id", "quoted_id"):
        if col in targets.columns:
            ref = targets[col].dropna()
            named.extend(ref[ref != ""].astype(str).tolist())
    if named:
        missing = pd.Index(named).unique().difference(pd.Index(posts["post_id"].astype(str)))
        if len(missing):
            posts = pd.concat([posts, source.with_ids(list(missing))], ignore_index=True)
    return posts, targets


def slice_links(source: PostSource, sl: Slice, outlets: pd.DataFrame | None, cfg: DetectSettings, *,
                workers: int = 2, stats: DetectStats | None = None, embeddings=None) -> pd.DataFrame:
    """Step one for slice ``sl``: the links whose target lies in the slice, as one
    pass over all posts would give them except ``is_parent`` (chosen again by
    :func:`settle_parents`); column :data:`SOURCE_NS` holds each source's time."""
    posts, targets = slice_posts(source, sl, cfg, workers=workers)
    if len(targets) == 0:
        return _with_source_ns(schema.empty_links(), np.zeros(0, np.int64))
    links = detect(posts, outlets, settings=cfg, targets=targets["post_id"].astype(str).tolist(),
                   workers=workers, stats=stats, embeddings=embeddings)
    when = pd.Series(to_ns(posts["published_at"]), index=posts["post_id"].astype(str).to_numpy())
    when = when[~when.index.duplicated()]
    return _with_source_ns(links, when.reindex(links["source_id"].astype(str).to_numpy()).to_numpy(np.int64))


def _with_source_ns(links: pd.DataFrame, ns: np.ndarray) -> pd.DataFrame:
    out = links.copy()
    out[SOURCE_NS] = ns
    return out


def settle_parents(raw: pd.DataFrame, into_sources: Callable[[list[str]], pd.DataFrame]) -> pd.DataFrame:
    """Step two for one slice: its links (``raw``, step one's file) with the
    parents chosen as one pass would choose them.

    ``into_sources(ids)`` returns the step-one links of earlier slices whose
    target is one of ``ids``: the links into this slice's sources, on which a
    relay rests (``A -> B`` for ``B -> C``). Returns the links table, sorted by
    ``(target_id, source_id)``, without :data:`SOURCE_NS`.
    """
    if len(raw) == 0:
        return schema.validate_links(raw.drop(columns=[SOURCE_NS]))
    sources = pd.unique(raw["source_id"].astype(str).to_numpy(dtype=object)).tolist()
    earlier = into_sources(sources)
    both = pd.concat([raw, earlier], ignore_index=True) if len(earlier) else raw.reset_index(drop=True)
    marked = mark_parents(both, both[SOURCE_NS].to_numpy(np.int64))
    out = marked.iloc[:len(raw)].drop(columns=[SOURCE_NS])
    out = out.sort_values(["target_id", "source_id"], kind="stable").reset_index(drop=True)
    return schema.validate_links(out)


class SliceStore:
    """The per-slice files of one sliced run, in a folder: ``raw-K.parquet``
    (step one) and ``links-K.parquet`` (step two) for slice ``K``, written
    atomically, and ``plan.json`` naming what they were computed from. A run
    whose plan differs (other posts, settings or slices) starts afresh; one
    with the same plan skips the slices already written (resuming a killed run)."""

    def __init__(self, folder: Path | str, plan: dict):
        self.folder = Path(folder)
        self.plan = plan
        meta = self.folder / "plan.json"
        if self.folder.exists():
            try:
                same = json.loads(meta.read_text(encoding="utf-8")) == plan
            except (OSError, ValueError):
                same = False
            if not same:
                shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        if not meta.exists():
            tmp = meta.with_suffix(".tmp")
            tmp.write_text(json.dumps(plan, sort_keys=True), encoding="utf-8")
            os.replace(tmp, meta)

    @classmethod
    def attach(cls, folder: Path | str) -> "SliceStore":
        """The store in ``folder`` as a run's worker sees it: its plan is the
        driver's business, so nothing is checked or removed."""
        store = cls.__new__(cls)
        store.folder = Path(folder)
        store.plan = None
        return store

    def path(self, step: str, k: int) -> Path:
        return self.folder / f"{step}-{k:06d}.parquet"

    def has(self, step: str, k: int) -> bool:
        return self.path(step, k).exists()

    def write(self, step: str, k: int, links: pd.DataFrame) -> None:
        from amplify.workspace.tables import write_parquet_atomic
        table = pa.Table.from_pandas(links, preserve_index=False)
        write_parquet_atomic(self.path(step, k), table)

    def read(self, step: str, k: int, filter=None) -> pd.DataFrame:
        t = pq.read_table(self.path(step, k), filters=filter)
        return t.to_pandas(types_mapper=lambda ty: pd.StringDtype()
                           if pa.types.is_string(ty) or pa.types.is_large_string(ty) else None)

    def into_sources(self, k: int) -> Callable[[list[str]], pd.DataFrame]:
        """Step-one links of slices before ``k`` whose target is one of the ids asked for."""
        def read(ids: list[str]) -> pd.DataFrame:
            if not ids:
                return pd.DataFrame()
            frames = [self.read("raw", j, filter=pc.field("target_id").isin(pa.array(ids, pa.string())))
                      for j in range(k) if self.has("raw", j)]
            frames = [f for f in frames if len(f)]
            return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return read

    def links(self, slices: Sequence[Slice]) -> pd.DataFrame:
        """Every slice's final links in one table, sorted by ``(target_id, source_id)``."""
        tables = [pq.read_table(self.path("links", s.index)) for s in slices]
        # a slice without targets wrote the empty links table, whose optional columns
        # (``aligned``) detection adds only when it runs that stage
        tables = [t for t in tables if t.num_rows] or tables[:1]
        if not tables:
            return schema.empty_links()
        table = pa.concat_tables(tables, promote_options="permissive")
        table = table.sort_by([("target_id", "ascending"), ("source_id", "ascending")])
        out = table.to_pandas(types_mapper=lambda ty: pd.StringDtype()
                              if pa.types.is_string(ty) or pa.types.is_large_string(ty) else None)
        return schema.validate_links(out)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _add_stats(total: DetectStats, one: DetectStats) -> None:
    for f in dataclasses.fields(DetectStats):
        if f.name == "seconds":
            for k, v in one.seconds.items():
                total.seconds[k] = total.seconds.get(k, 0.0) + v
        elif f.name not in ("posts",):
            setattr(total, f.name, getattr(total, f.name) + getattr(one, f.name))


def run_slices(source: PostSource, slices: Sequence[Slice], store: SliceStore, outlets, cfg: DetectSettings, *,
               workers: int = 2, progress: bool = False, stats: DetectStats | None = None,
               embeddings=None, on_slice: Callable[[Slice], None] | None = None) -> None:
    """Both steps, slice after slice, in this process; slices already in
    ``store`` are skipped. ``on_slice`` is called after each slice is
    written (tests kill a run there)."""
    from tqdm.auto import tqdm
    stats = stats if stats is not None else DetectStats()
    bar = tqdm(total=len(slices), desc="slices", unit="slice", disable=not progress, leave=False)
    for sl in slices:
        if not store.has("raw", sl.index):
            one = DetectStats()
            t0 = time.perf_counter()
            store.write("raw", sl.index, slice_links(source, sl, outlets, cfg, workers=workers, stats=one,
                                                     embeddings=embeddings))
            one.seconds["slice"] = time.perf_counter() - t0
            _add_stats(stats, one)
        if not store.has("links", sl.index):
            store.write("links", sl.index, settle_parents(store.read("raw", sl.index), store.into_sources(sl.index)))
        bar.update(1)
        if on_slice is not None:
            on_slice(sl)
    bar.close()


def detect_sliced(posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *, slice="30D",
                  settings: DetectSettings | None = None, workers: int = 2, progress: bool = False,
                  stats: DetectStats | None = None, folder: str | os.PathLike | None = None,
                  **overrides) -> pd.DataFrame:
    """:func:`amplify.detect.detect` over slices of time: the same links, row for row.

    Parameters
    ----------
    posts, outlets, settings, workers, progress, stats, overrides
        As for :func:`amplify.detect.detect`.
    slice : str or Timedelta
        Length of a slice of targets (``"30D"``); each is read with its halo
        (see the module docstring).
    folder : path, optional
        Where the per-slice files go (kept, so a second call resumes); default
        a temporary folder removed afterwards.

    Examples
    --------
    >>> from amplify.synth import generate
    >>> from amplify.detect import detect
    >>> c = generate(n_posts=400, seed=1, days=20)
    >>> one = detect(c.posts, c.outlets, window="2D", quote_window="6D")
    >>> sliced = detect_sliced(c.posts, c.outlets, slice="5D", window="2D", quote_window="6D")
    >>> sliced.equals(one)
    True
    """
    import tempfile

    cfg = dataclasses.replace(settings or DetectSettings(), **overrides)
    slice_ns = parse_slice(slice)
    source = FramePosts(posts)
    if outlets is not None:
        outlets = schema.validate_outlets(outlets)
    span = source.time_range()
    if span is None:
        return detect(posts, outlets, settings=cfg, workers=workers, stats=stats)
    slices = plan_slices(*span, slice_ns)
    tmp = None
    if folder is None:
        tmp = tempfile.mkdtemp(prefix="amplify-slices-")
        folder = tmp
    try:
        store = SliceStore(folder, {"settings": cfg.to_dict(), "slice_ns": slice_ns, "n_posts": len(source.posts)})
        run_slices(source, slices, store, outlets, cfg, workers=workers, progress=progress, stats=stats)
        return store.links(slices)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def detect_workspace_sliced(ws, settings: DetectSettings | None = None, *, slice="30D", full: bool = False,
                            engine: str = "local", master: str | None = None, workers: int = 2,
                            progress: bool = False, on_slice=None):
    """Detect a workspace's links slice by slice, reading its Parquet parts by
    time range, and store them as the link set of ``settings``.

    A link set that is up to date is left alone, and one that only lacks new
    posts is brought up to date incrementally
    (:func:`amplify.detect.incremental.detect_workspace`); otherwise (none yet,
    ``full``, or the outlets changed) the whole corpus is detected in slices of
    ``slice``. The per-slice files stay in ``<workspace>/slices/<link set>/``
    until the link set is written, so a killed run resumes where it stopped.

    Parameters
    ----------
    ws : amplify.workspace.Workspace
        An open workspace; the caller holds its writer lock.
    settings : DetectSettings, optional
    slice : str
        Length of a slice of targets (``"30D"``).
    full : bool
        Recompute everything even when the link set exists.
    engine : {"local", "spark"}
        Run the slices in this process, or on Spark
        (:mod:`amplify.detect.spark_engine`; ``master`` as for ``spark-submit``).
    workers, progress
        As for :func:`amplify.detect.detect`.
    on_slice : callable, optional
        Called with each :class:`Slice` once written (local engine).

    Returns
    -------
    amplify.detect.incremental.DetectRun
    """
    from amplify.detect.incremental import DetectRun, detect_workspace, outlets_fingerprint, settings_record
    from amplify.workspace import linkset_id

    cfg = settings or DetectSettings()
    slice_ns = parse_slice(slice)
    if engine not in ("local", "spark"):
        raise SettingsError("engine", f"must be 'local' or 'spark' (got {engine!r})")
    record = settings_record(cfg)
    lid = linkset_id(record)
    existing = next((ls for ls in ws.linksets() if ls["id"] == lid), None)
    inputs = {"outlets_sha1": outlets_fingerprint(ws.outlets(fill_missing=False))}
    stale = existing is not None and existing.get("inputs", {}).get("outlets_sha1") != inputs["outlets_sha1"]
    if existing is not None and not full and not stale:
        # up to date, or only new posts: the incremental path reads only what they touch
        return detect_workspace(ws, cfg, workers=workers, progress=progress)
    last = ws.last_seq
    outlets = ws.outlets()
    source = WorkspacePosts.of(ws)
    span = source.time_range()
    slices = plan_slices(*span, slice_ns) if span is not None else []
    plan = {"settings": record, "slice_ns": slice_ns, "last_seq": last, "inputs": inputs,
            "parts": sorted(p["file"] for p in source.parts)}
    store = SliceStore(Path(ws.path) / "slices" / lid, plan)
    stats = DetectStats()
    embeddings = None
    if cfg.semantic:
        from amplify.workspace.embeddings import EmbeddingStore
        embeddings = EmbeddingStore(ws.path)
    if engine == "spark":
        from amplify.detect.spark_engine import run_slices_spark
        run_slices_spark(ws.path, source.parts, slices, store, outlets, cfg, master=master, stats=stats)
    else:
        run_slices(source, slices, store, outlets, cfg, workers=workers, progress=progress, stats=stats,
                   embeddings=embeddings, on_slice=on_slice)
    links = store.links(slices)
    stats.posts = ws.n_posts
    stats.links = len(links)
    ws.save_links(links, record, covered_through=last, inputs=inputs)
    store.remove()
    old_n = int(existing["n_links"]) if existing is not None else 0
    mode = f"full ({len(slices)} slices of {canonical_duration(pd.Timedelta(slice_ns))}, {engine})"
    return DetectRun(lid, mode, ws.n_posts, ws.n_posts, len(links), len(links) - old_n, stats)
