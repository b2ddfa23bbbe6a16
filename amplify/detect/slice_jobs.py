"""Sliced detection on several processes of one machine: step one of two slices at once.

A slice's detection keeps both cores busy only part of the time: reading its
posts from Parquet, building its pandas tables and choosing parents run on
one thread, and only blocking, verification and content agreement share
their work out (measured on a 10M-post corpus with 7-day slices: 30 s of CPU
in 21 s of wall time per slice, 1.4 cores). Step one of a slice
(:func:`amplify.detect.slices.slice_links`) depends on nothing but the
workspace's posts and the holder index, so two slices can run side by side
in two processes, each with its own memory, each writing its own
``raw-K.parquet``. Step two (:func:`~amplify.detect.slices.settle_parents`)
reads the step-one files of every earlier slice, so the parent process runs
it in slice order as soon as a slice and all before it are written.

Processes, not threads: the single-threaded parts hold the GIL. They are
started with ``spawn`` (a fork would copy the parent's threads' locks, and
Arrow's and numba's thread pools do not survive one), and exchange nothing
but file paths, the outlets table and the settings -- as Spark's tasks do
(:mod:`amplify.detect.spark_engine`). Peak memory is that of ``jobs``
slices at once, one per process, plus the parent's.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Sequence

from amplify.detect.halo import HolderIndex
from amplify.detect.pipeline import DetectStats
from amplify.detect.settings import DetectSettings
from amplify.detect.slices import (Slice, SliceStore, WorkspacePosts, add_stats, release_slice_memory,
                                   slice_links)

__all__ = ["run_slices_in_processes", "SliceJobError"]


class SliceJobError(RuntimeError):
    """A process running a slice died without an answer (killed, or out of memory)."""


def _step_one(index: int, start: int, end: int, root: str, parts: list[dict], folder: str, outlets,
              cfg: DetectSettings, holders: str | None, choices: str | None, workers: int) -> tuple[int, DetectStats]:
    """In a worker process: slice ``index``'s step-one links to ``raw-K.parquet``; returns its counts.
    ``holders``, ``choices``: the folders of the parent's holder index and far choices (or None)."""
    stats = DetectStats()
    t0 = time.perf_counter()
    links = slice_links(WorkspacePosts(root, parts), Slice(index, start, end), outlets, cfg, workers=workers,
                        stats=stats, holders=HolderIndex(holders, choices=choices) if holders is not None else None)
    SliceStore.attach(folder).write("raw", index, links)
    del links
    stats.seconds["slice"] = time.perf_counter() - t0
    release_slice_memory()
    return index, stats


def run_slices_in_processes(root, parts: list[dict], slices: Sequence[Slice], store: SliceStore, outlets,
                            cfg: DetectSettings, *, jobs: int = 2, workers: int = 2, progress: bool = False,
                            stats: DetectStats | None = None,
                            on_slice: Callable[[Slice], None] | None = None) -> None:
    """Both steps of every slice not yet in ``store``: step one on ``jobs``
    processes, step two here, in slice order.

    Parameters
    ----------
    root, parts
        The workspace folder and its posts parts (``manifest["posts"]["parts"]``).
    slices, store, outlets, cfg, progress, stats, on_slice
        As for :func:`amplify.detect.slices.run_slices`; ``on_slice`` is
        called once a slice's step two is written.
    jobs : int
        Slices detected at once, each in its own process.
    workers : int
        Threads in all: each process uses ``max(1, workers // jobs)``.

    Raises
    ------
    SliceJobError
        A worker process died (the operating system killed it, most often
        for memory): fewer ``jobs`` or shorter slices need less.
    """
    import multiprocessing

    from tqdm.auto import tqdm

    stats = stats if stats is not None else DetectStats()
    root, folder = str(Path(root)), str(store.folder)
    todo = [sl for sl in slices if not store.has("raw", sl.index)]
    holders = choices = None
    if todo:
        t0 = time.perf_counter()
        index = store.holders(WorkspacePosts(root, parts), cfg, chunk_ns=max(sl.end_ns - sl.start_ns for sl in slices),
                              workers=workers, progress=progress)
        stats.seconds["holders"] = stats.seconds.get("holders", 0.0) + time.perf_counter() - t0
        t0 = time.perf_counter()
        index = store.choices(WorkspacePosts(root, parts), index, slices, cfg, workers=workers, progress=progress)
        stats.seconds["far choices"] = stats.seconds.get("far choices", 0.0) + time.perf_counter() - t0
        holders = None if index is None else str(index.folder)
        choices = None if index is None or index.choices is None else str(index.choices.folder)
    per_job = max(1, int(workers) // max(1, int(jobs)))
    bar = tqdm(total=len(slices), desc="slices", unit="slice", disable=not progress, leave=False)
    settled = 0        # slices[:settled] have their step two written

    def settle_ready() -> None:
        nonlocal settled
        while settled < len(slices) and store.has("raw", slices[settled].index):
            sl = slices[settled]
            if not store.has("links", sl.index):
                store.settle(sl.index, slices)
            settled += 1
            bar.update(1)
            if on_slice is not None:
                on_slice(sl)

    settle_ready()
    if todo:
        ctx = multiprocessing.get_context("spawn")
        pending = list(todo)
        running = set()
        try:
            with ProcessPoolExecutor(max_workers=max(1, int(jobs)), mp_context=ctx) as ex:
                while pending or running:
                    # at most ``jobs`` slices in flight: each holds a slice's memory
                    while pending and len(running) < max(1, int(jobs)):
                        sl = pending.pop(0)
                        running.add(ex.submit(_step_one, sl.index, sl.start_ns, sl.end_ns, root, parts, folder,
                                              outlets, cfg, holders, choices, per_job))
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    for fut in done:
                        _, one = fut.result()
                        add_stats(stats, one)
                    settle_ready()
        except BrokenProcessPool as exc:
            raise SliceJobError(f"a process detecting a slice died (killed, or out of memory); the slices written "
                                f"so far are kept, and a run with fewer jobs (--jobs 1) or shorter slices resumes "
                                f"from there") from exc
    settle_ready()
    bar.close()
