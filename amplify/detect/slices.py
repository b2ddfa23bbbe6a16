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

from amplify import schema
from amplify.detect.pipeline import DetectStats, detect
from amplify.detect.settings import DetectSettings, SettingsError, canonical_duration
from amplify.detect.halo import HolderIndex
from amplify.detect.post_sources import FramePosts, PostSource, WorkspacePosts
from amplify.detect.slice_memory import release_arrow_memory, release_slice_memory
from amplify.detect.slice_plan import Slice, parse_slice, plan_slices, split_slices
from amplify.detect.slice_store import SOURCE_NS, SliceStore, settle_parents
from amplify.utc import to_ns

__all__ = ["Slice", "plan_slices", "split_slices", "PostSource", "FramePosts", "WorkspacePosts", "SliceStore", "slice_posts",
           "slice_links", "settle_parents", "run_slices", "add_stats", "detect_sliced", "detect_workspace_sliced",
           "parse_slice", "release_arrow_memory", "release_slice_memory", "SOURCE_NS"]



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
            release_slice_memory()
        if not store.has("links", sl.index):
            store.settle(sl.index, slices)
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
                            progress: bool = False, on_slice=None, max_posts: int | None = None, jobs: int = 1):
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
    jobs : int
        Local engine: slices detected at once, each in its own process
        (:mod:`amplify.detect.slice_jobs`; ``workers`` threads shared among
        them); peak memory is about ``jobs`` slices'. Semantic detection runs
        one slice at a time (its embeddings store has one writer).

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
    if int(jobs) < 1:
        raise SettingsError("jobs", f"must be a positive number of processes (got {jobs!r})")
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
    elif int(jobs) > 1 and embeddings is None:
        from amplify.detect.slice_jobs import run_slices_in_processes
        run_slices_in_processes(ws.path, source.parts, slices, store, outlets, cfg, jobs=int(jobs), workers=workers,
                                progress=progress, stats=stats, on_slice=on_slice)
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
    procs = f", {int(jobs)} processes" if engine == "local" and int(jobs) > 1 and embeddings is None else ""
    mode = f"full ({len(slices)} slices of {canonical_duration(pd.Timedelta(slice_ns))}{cut}, {engine}{procs})"
    return DetectRun(lid, mode, ws.n_posts, ws.n_posts, len(links), len(links) - old_n, stats)
