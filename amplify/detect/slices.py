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
* of the **far halo** ``[a - H, a - window)``, with ``H = max(window,
  quote_window)`` (:attr:`DetectSettings.horizon_ns`), only the posts that
  may be long-quote sources of a target: those sharing ``shingle`` shingles
  rare over ``quote_window`` with it. A post past ``window`` reaches a
  target's links only through the shingles they share: as such a source, or
  as one more holder in the count that makes a shingle common over
  ``quote_window``. That count is taken once for the whole corpus
  (:class:`~amplify.detect.halo.HolderIndex`, built by a streaming pass
  before the first slice and kept in the slice store) and handed to
  blocking (:class:`~amplify.detect.halo.FarRare`), so the far posts that
  only count are never read, and the far halo after the slice (which holds
  no source) not at all; the rare-word counts of content agreement read
  ``window`` only. Every slice's rare rows and sources are chosen in one
  pass over that index before the first slice
  (:meth:`~amplify.detect.halo.HolderIndex.choose_all`), and every slice's
  sources copied once from the workspace's parts (:meth:`PostSource.keep`),
  so a slice reads its few far posts from that copy, not from half a year
  of parts;
* the posts the slice's reposts and quote posts name (``reposted_id``,
  ``quoted_id``), wherever they are.

This is the rule incremental detection (:mod:`amplify.detect.incremental`)
follows for the posts around new ones -- a target's links depend on the posts
within one horizon of it -- applied to a slice of targets instead, with the
long horizon's holders counted once so that a slice costs its own posts, not
the 360 days around them.

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
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from amplify import schema
from amplify.detect.parents import mark_parents
from amplify.detect.pipeline import DetectStats, detect
from amplify.detect.settings import DetectSettings, SettingsError, canonical_duration
from amplify.detect.halo import HolderIndex
from amplify.detect.post_sources import FramePosts, PostSource, WorkspacePosts
from amplify.detect.slice_plan import Slice, parse_slice, plan_slices, split_slices
from amplify.utc import to_ns

__all__ = ["Slice", "plan_slices", "split_slices", "PostSource", "FramePosts", "WorkspacePosts", "SliceStore", "slice_posts",
           "slice_links", "settle_parents", "run_slices", "add_stats", "detect_sliced", "detect_workspace_sliced",
           "parse_slice", "release_arrow_memory", "SOURCE_NS"]

#: The column of a slice's first-step file holding each link's source time (ns),
#: which choosing parents needs and the links table does not keep.
SOURCE_NS = "_source_ns"
def release_arrow_memory() -> None:
    """Hand the memory Arrow's pool keeps after freeing back to the system.

    Reading a slice (Parquet decoding, concatenating, sorting by time) frees
    about twice the texts' size, which the pool (mimalloc) otherwise keeps
    for later: measured on the 2M-post proxy's busiest slice, 2,635 MiB
    resident after the read against 1,108 MiB once released, with 785 MiB
    in Arrow buffers. Kept, it stays under every later step's peak.
    """
    pa.default_memory_pool().release_unused()


def _between_slices() -> None:
    """Free what one slice left behind: at 10M posts the peak grew slice after slice (5.2, 6.7, 6.8,
    7.3, 7.7, 9.1 GiB, slices of about equal size). Detection runs with the cyclic collector off, and
    the C heap keeps freed blocks of the threads' arrays: a full collection, Arrow's pool released and
    glibc's ``malloc_trim`` (where there is one) hand them back."""
    import ctypes
    import gc

    gc.collect()
    release_arrow_memory()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc: nothing to trim
        pass


def _ranges(lo: int, hi: int, step: int) -> Iterator[tuple[int, int]]:
    """``[lo, hi)`` in pieces of at most ``step`` (closed pairs for :meth:`PostSource.between`)."""
    while lo < hi:
        yield lo, min(lo + step, hi) - 1
        lo += step


def slice_posts(source: PostSource, sl: Slice, cfg: DetectSettings, *, chunk_ns: int | None = None,
                workers: int = 2, holders: HolderIndex | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The posts detection reads for the targets of slice ``sl``: the slice, its
    near halo, the posts of its far halo that may be long-quote sources of a
    target (:meth:`amplify.detect.halo.HolderIndex.choose`), and the posts its
    reposts and quote posts name. Returns ``(posts, targets)``.

    Detecting them gives the targets' links when blocking is also handed the
    holders counted over the whole corpus (:func:`slice_links` does both).
    ``holders`` is that count; without it one is built for ``source`` (read
    ``chunk_ns`` at a time, default the slice's length) and removed.
    """
    with _holders_for(source, sl, cfg, holders, chunk_ns, workers) as index:
        return _slice_read(source, sl, cfg, workers=workers, holders=index)[:2]


@contextmanager
def _holders_for(source: PostSource, sl: Slice, cfg: DetectSettings, holders: HolderIndex | None,
                 chunk_ns: int | None, workers: int):
    """``holders``, or (when the long look-back needs one and none is given) a
    temporary index of ``source``, removed afterwards; None without a long look-back."""
    if holders is not None or cfg.horizon_ns <= cfg.window_ns:
        yield holders
        return
    import tempfile
    with tempfile.TemporaryDirectory(prefix="amplify-holders-") as tmp:
        yield HolderIndex.build(source, Path(tmp) / "holders", cfg.shingle,
                                chunk_ns=chunk_ns or (sl.end_ns - sl.start_ns), workers=workers)


def _slice_read(source: PostSource, sl: Slice, cfg: DetectSettings, *, workers: int = 2,
                holders: HolderIndex | None = None):
    """:func:`slice_posts` for a given index, and the targets' rows rare over
    ``quote_window`` (:class:`amplify.detect.halo.FarRare`, None without a long
    look-back) and each post's number in ``holders`` (None without it, or when
    the index does not match the source's posts): ``(posts, targets, far_rare,
    numbers)``. With ``numbers`` the posts are in the index's (time) order."""
    w, h = cfg.window_ns, cfg.horizon_ns
    a, b = sl.start_ns, sl.end_ns
    near = source.between(a - w, b - 1 + w)
    t = to_ns(near["published_at"])
    is_target = (t >= a) & (t < b)
    targets = near[is_target]
    extra = []                                  # (posts, their numbers in the index or None)
    far_rare = None
    numbers = None
    if h > w and len(targets):
        far_rare, chosen = holders.for_slice(sl, targets, cfg, workers)
        first = int(np.searchsorted(holders.times, a - w, side="left"))
        last = int(np.searchsorted(holders.times, b - 1 + w, side="right"))
        if last - first == len(near):
            numbers = np.arange(first, last, dtype=np.int64)
        if len(chosen):
            # only the texts of the sources chosen (the far halo's posts that merely count are counted),
            # from the copy of every slice's sources when one was kept (HolderIndex.choose_all)
            when = holders.times[chosen]
            far_ids = holders.ids(chosen)
            kept = holders.choices.kept if holders.choices is not None else None
            far = None
            if kept:
                far = source.kept(holders.choices.folder, kept).with_ids(far_ids, int(when.min()), int(when.max()))
            if far is None or len(far) < len(chosen):   # (not all among the copy: the slice chose alone)
                far = source.with_ids(far_ids, int(when.min()), int(when.max()))
            extra.append((far, chosen if len(far) == len(chosen) else None))
    # the sources the slice's reposts and quote posts name, wherever they are
    named = []
    for col in ("reposted_id", "quoted_id"):
        if col in targets.columns:
            ref = targets[col].dropna()
            named.extend(ref[ref != ""].astype(str).tolist())
    if named:
        have = pd.Index(near["post_id"].astype(str))
        for e, _ in extra:
            have = have.append(pd.Index(e["post_id"].astype(str)))
        missing = pd.Index(named).unique().difference(have)
        if len(missing):
            found = source.with_ids(list(missing))
            found_n = None if numbers is None else holders.numbers(found["post_id"].astype(str).to_numpy(dtype=object))
            extra.append((found, None if found_n is None or (found_n < 0).any() else found_n))
    if not extra:
        return near.reset_index(drop=True), targets, far_rare, numbers
    if numbers is None or any(n is None for _, n in extra):
        posts = pd.concat([near] + [e for e, _ in extra], ignore_index=True)
        return posts, targets, far_rare, None
    # the few posts outside the near halo, in the index's order, before and after it: all in time order
    more = pd.concat([e for e, _ in extra], ignore_index=True)
    more_n = np.concatenate([n for _, n in extra])
    order = np.argsort(more_n, kind="stable")
    more, more_n = more.iloc[order], more_n[order]
    before = more_n < numbers[0] if len(numbers) else np.ones(len(more_n), dtype=bool)
    posts = pd.concat([more[before], near, more[~before]], ignore_index=True)
    return posts, targets, far_rare, np.concatenate([more_n[before], numbers, more_n[~before]])


def slice_links(source: PostSource, sl: Slice, outlets: pd.DataFrame | None, cfg: DetectSettings, *,
                workers: int = 2, stats: DetectStats | None = None, embeddings=None,
                holders: HolderIndex | None = None) -> pd.DataFrame:
    """Step one for slice ``sl``: the links whose target lies in the slice, as one
    pass over all posts would give them except ``is_parent`` (chosen again by
    :func:`settle_parents`); column :data:`SOURCE_NS` holds each source's time.
    ``holders``: the corpus's holder index (:meth:`SliceStore.holders`; built
    for this call when None and ``quote_window`` reaches past ``window``), whose
    kept tokens the slice reads instead of tokenising its posts."""
    with _holders_for(source, sl, cfg, holders, None, workers) as index:
        posts, targets, far_rare, numbers = _slice_read(source, sl, cfg, workers=workers, holders=index)
        if len(targets) == 0:
            return _with_source_ns(schema.empty_links(), np.zeros(0, np.int64))
        tokens = None if numbers is None else index.tokens(numbers)
    wanted = targets["post_id"].astype(str).tolist()
    del targets
    release_arrow_memory()
    links = detect(posts, outlets, settings=cfg, targets=wanted, workers=workers, stats=stats,
                   embeddings=embeddings, far_rare=far_rare, tokens=tokens)
    del far_rare, tokens, wanted
    release_arrow_memory()
    # each link's source time, looked up by Arrow's hash join (post ids are unique)
    where = pc.index_in(pa.array(links["source_id"].astype(str).to_numpy(dtype=object), pa.string()),
                        value_set=pa.array(posts["post_id"].astype(str).to_numpy(dtype=object), pa.string()))
    return _with_source_ns(links, to_ns(posts["published_at"])[where.to_numpy(zero_copy_only=False).astype(np.int64)])


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

    def holders(self, source: PostSource, cfg: DetectSettings, *, chunk_ns: int, workers: int = 2,
                progress: bool = False) -> HolderIndex | None:
        """The corpus's holder index for the long look-back, in ``holders/``:
        built once per run (read ``chunk_ns`` at a time) and kept, so a resumed
        run reuses it; None when ``quote_window`` does not reach past ``window``."""
        if cfg.quote_window_ns <= cfg.window_ns:
            return None
        folder = self.folder / "holders"
        if not HolderIndex.is_complete(folder, cfg.shingle):
            HolderIndex.build(source, folder, cfg.shingle, chunk_ns=chunk_ns, workers=workers, progress=progress)
        return HolderIndex(folder)

    def choices(self, source: PostSource, holders: HolderIndex | None, slices: Sequence[Slice], cfg: DetectSettings,
                *, workers: int = 2, progress: bool = False) -> HolderIndex | None:
        """``holders`` with every slice's far choices made at once
        (:meth:`HolderIndex.choose_all`: one pass over the index for all
        slices, and one over the posts copying every slice's far sources,
        :meth:`PostSource.keep`), in ``far/``: made once per run and kept, so
        a resumed run reuses them. None without ``holders``."""
        if holders is None:
            return None

        def keep(numbers, folder):
            when = np.asarray(holders.times[numbers])
            return source.keep(holders.ids(numbers), int(when.min()), int(when.max()), folder)

        chosen = holders.choices_for(slices, cfg, self.folder / "far", keep=keep, workers=workers, progress=progress)
        return HolderIndex(holders.folder, choices=chosen)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def add_stats(total: DetectStats, one: DetectStats) -> None:
    """Add the counts and seconds of one slice's run (``one``) to ``total``."""
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
    holders = None
    if slices and any(not store.has("raw", sl.index) for sl in slices):
        t0 = time.perf_counter()
        holders = store.holders(source, cfg, chunk_ns=max(sl.end_ns - sl.start_ns for sl in slices), workers=workers,
                                progress=progress)
        stats.seconds["holders"] = stats.seconds.get("holders", 0.0) + time.perf_counter() - t0
        t0 = time.perf_counter()
        holders = store.choices(source, holders, slices, cfg, workers=workers, progress=progress)
        stats.seconds["far choices"] = stats.seconds.get("far choices", 0.0) + time.perf_counter() - t0
    bar = tqdm(total=len(slices), desc="slices", unit="slice", disable=not progress, leave=False)
    for sl in slices:
        if not store.has("raw", sl.index):
            one = DetectStats()
            t0 = time.perf_counter()
            store.write("raw", sl.index, slice_links(source, sl, outlets, cfg, workers=workers, stats=one,
                                                     embeddings=embeddings, holders=holders))
            one.seconds["slice"] = time.perf_counter() - t0
            add_stats(stats, one)
            _between_slices()
        if not store.has("links", sl.index):
            store.write("links", sl.index, settle_parents(store.read("raw", sl.index), store.into_sources(sl.index)))
        bar.update(1)
        if on_slice is not None:
            on_slice(sl)
    bar.close()


def _plan(source: PostSource, span, slice_ns: int, max_posts: int | None, cfg: DetectSettings) -> list[Slice]:
    """The slices of ``span``: of ``slice_ns``, cut by :func:`split_slices` with ``max_posts``."""
    if span is None:
        return []
    slices = plan_slices(*span, slice_ns)
    if max_posts is None:
        return slices
    if int(max_posts) < 1:
        raise SettingsError("max_posts", f"must be a positive number of posts (got {max_posts!r})")
    return split_slices(slices, source.all_times(), int(max_posts), cfg.window_ns)


def detect_sliced(posts: pd.DataFrame, outlets: pd.DataFrame | None = None, *, slice="30D",
                  settings: DetectSettings | None = None, workers: int = 2, progress: bool = False,
                  stats: DetectStats | None = None, folder: str | os.PathLike | None = None,
                  max_posts: int | None = None, **overrides) -> pd.DataFrame:
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
    max_posts : int, optional
        Cut slices shorter where their read (targets and near halo) would
        hold more posts than this (:func:`split_slices`): memory then follows
        ``max_posts``, whatever the corpus's density.

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
    slices = _plan(source, span, slice_ns, max_posts, cfg)
    tmp = None
    if folder is None:
        tmp = tempfile.mkdtemp(prefix="amplify-slices-")
        folder = tmp
    try:
        store = SliceStore(folder, {"settings": cfg.to_dict(), "slice_ns": slice_ns, "n_posts": len(source.posts)}
                           | ({"max_posts": int(max_posts)} if max_posts is not None else {}))
        run_slices(source, slices, store, outlets, cfg, workers=workers, progress=progress, stats=stats)
        return store.links(slices)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def detect_workspace_sliced(ws, settings: DetectSettings | None = None, *, slice="30D", full: bool = False,
                            engine: str = "local", master: str | None = None, workers: int = 2,
                            progress: bool = False, on_slice=None, max_posts: int | None = None):
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
    max_posts : int, optional
        Cut slices shorter where their read would hold more posts than this
        (as for :func:`detect_sliced`).

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
    slices = _plan(source, span, slice_ns, max_posts, cfg)
    plan = {"settings": record, "slice_ns": slice_ns, "last_seq": last, "inputs": inputs,
            "parts": sorted(p["file"] for p in source.parts)} | ({"max_posts": int(max_posts)} if max_posts else {})
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
    cut = f", cut at {int(max_posts):,} posts read" if max_posts is not None else ""
    mode = f"full ({len(slices)} slices of {canonical_duration(pd.Timedelta(slice_ns))}{cut}, {engine})"
    return DetectRun(lid, mode, ws.n_posts, ws.n_posts, len(links), len(links) - old_n, stats)
