"""Where a sliced run keeps its work: one file per slice and step, and step two (parents).

Sliced detection (:mod:`amplify.detect.slices`) runs in two steps per slice.
Step one writes a slice's links as :func:`~amplify.detect.pipeline.detect`
gives them (``raw-K.parquet``, with each source's time in :data:`SOURCE_NS`);
step two (:func:`settle_parents`) chooses their parents again with the links
into their sources in view -- read back from the earlier slices' step-one
files, only those whose span holds a source -- and writes ``links-K.parquet``.
Every file is written atomically, and :class:`SliceStore` names what they were
computed from (``plan.json``), so a killed run resumes at the first slice not
written and a run with another plan starts afresh.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from amplify import schema
from amplify.detect.halo import HolderIndex
from amplify.detect.parents import mark_parents
from amplify.detect.settings import DetectSettings
from amplify.detect.slice_plan import Slice

__all__ = ["SOURCE_NS", "SliceStore", "settle_parents"]

#: The column of a slice's first-step file holding each link's source time (ns),
#: which choosing parents needs and the links table does not keep.
SOURCE_NS = "_source_ns"


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

    def into_sources(self, k: int, slices: Sequence[Slice] | None = None,
                     source_ns: np.ndarray | None = None) -> Callable[[list[str]], pd.DataFrame]:
        """Step-one links of slices before ``k`` whose target is one of the ids asked for.

        With ``slices`` (the run's, in time order) and ``source_ns`` (the
        times of the sources asked about), only the earlier slices whose span
        holds one of those times are read: a source is a target of the slice
        its time falls in. Without them every earlier slice is read, which
        grows with the square of the slices (at 10M posts in 7-day slices,
        seconds per slice by the last ones)."""
        js = range(k)
        if slices is not None and source_ns is not None:
            starts = np.array([sl.start_ns for sl in slices], dtype=np.int64)
            ends = np.array([sl.end_ns for sl in slices], dtype=np.int64)
            t = np.unique(np.asarray(source_ns, dtype=np.int64))
            at = np.searchsorted(starts, t, side="right") - 1
            held = (at >= 0) & (t < ends[np.maximum(at, 0)])
            indices = np.array([sl.index for sl in slices], dtype=np.int64)
            wanted = set(indices[np.unique(at[held])].tolist())
            js = [j for j in range(k) if j in wanted]

        def read(ids: list[str]) -> pd.DataFrame:
            if not ids:
                return pd.DataFrame()
            frames = [self.read("raw", j, filter=pc.field("target_id").isin(pa.array(ids, pa.string())))
                      for j in js if self.has("raw", j)]
            frames = [f for f in frames if len(f)]
            return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return read

    def settle(self, k: int, slices: Sequence[Slice] | None = None) -> None:
        """Step two for slice ``k``: its parents chosen with the links into its
        sources (:func:`settle_parents`), written to ``links-K.parquet``;
        ``slices``: the run's, so that only the slices holding its sources are read."""
        raw = self.read("raw", k)
        source_ns = raw[SOURCE_NS].to_numpy(np.int64) if SOURCE_NS in raw.columns else None
        self.write("links", k, settle_parents(raw, self.into_sources(k, slices, source_ns)))

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

    def holders(self, source, cfg: DetectSettings, *, chunk_ns: int, workers: int = 2,
                progress: bool = False) -> HolderIndex | None:
        """The corpus's holder index for the long look-back, in ``holders/``, of ``source`` (an
        :class:`amplify.detect.slices.PostSource`):
        built once per run (read ``chunk_ns`` at a time) and kept, so a resumed
        run reuses it; None when ``quote_window`` does not reach past ``window``."""
        if cfg.quote_window_ns <= cfg.window_ns:
            return None
        folder = self.folder / "holders"
        if not HolderIndex.is_complete(folder, cfg.shingle):
            HolderIndex.build(source, folder, cfg.shingle, chunk_ns=chunk_ns, workers=workers, progress=progress)
        return HolderIndex(folder)

    def choices(self, source, holders: HolderIndex | None, slices: Sequence[Slice], cfg: DetectSettings,
                *, workers: int = 2, progress: bool = False) -> HolderIndex | None:
        """``holders`` with every slice's far choices made at once
        (:meth:`HolderIndex.choose_all`: one pass over the index for all
        slices, and one over the posts of ``source`` (an
        :class:`amplify.detect.slices.PostSource`) copying every slice's far
        sources, :meth:`PostSource.keep`), in ``far/``: made once per run and
        kept, so a resumed run reuses them. None without ``holders``."""
        if holders is None:
            return None

        def keep(numbers, folder):
            when = np.asarray(holders.times[numbers])
            return source.keep(holders.ids(numbers), int(when.min()), int(when.max()), folder)

        chosen = holders.choices_for(slices, cfg, self.folder / "far", keep=keep, workers=workers, progress=progress)
        return HolderIndex(holders.folder, choices=chosen)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
