"""The Spark engine: the per-slice detection of :mod:`amplify.detect.slices`, one Spark task per slice.

The work is the local engine's, function for function, so the links are the
same row for row (tested on ``local[2]``):

0. the driver counts the long look-back's holders once for the corpus
   (:class:`~amplify.detect.halo.HolderIndex`, streaming over the parts)
   into the slice store's ``holders/`` folder, and makes every slice's far
   choices in one pass over it (:meth:`~amplify.detect.halo.HolderIndex.choose_all`,
   with a copy of the chosen far sources' posts) into ``far/``;
1. one task per slice runs :func:`~amplify.detect.slices.slice_links` --
   it reads the slice and its near halo from the workspace's Parquet parts
   and the few far posts that may be long-quote sources from ``far/``, opens
   the holder index by path (whose kept tokens it reads instead of
   tokenising its posts), and writes the slice's links to ``raw-K.parquet``;
2. once every slice is written, one task per slice runs
   :func:`~amplify.detect.slices.settle_parents` (it reads the links into its
   sources from the earlier slices' files) and writes ``links-K.parquet``;
3. the driver gathers the slices' links and stores the link set.

Tasks exchange nothing but file paths: the workspace folder (and its
``slices/`` folder) must be a path every executor can read and write under
the same name -- a shared filesystem (NFS, a cluster's mounted volume), as
``spark-submit`` users have for their data. A killed job resumes like a
local run: slices whose files exist are not run again.

Each executor needs amplify installed (the ``spark`` extra), and compiles
amplify's numba kernels the first time a Python worker on that machine uses
them (about a minute), caching them in ``NUMBA_CACHE_DIR`` (see
:mod:`amplify.jit_cache`) for the next tasks; set it per executor with
``spark.executorEnv.NUMBA_CACHE_DIR``. The README's section "Running on a
cluster" shows a ``spark-submit`` line.

Under ``spark-submit`` the program is :mod:`amplify.cli.detect_cmd` run as a
script (its arguments are ``amplify detect``'s; ``--engine spark`` is implied
and the master is ``spark-submit``'s)::

    spark-submit --master spark://host:7077 .../amplify/cli/detect_cmd.py --workspace /shared/ws --slice 30D
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from typing import Sequence

from amplify.detect.halo import HolderIndex
from amplify.detect.pipeline import DetectStats
from amplify.detect.settings import DetectSettings
from amplify.detect.slices import Slice, SliceStore, WorkspacePosts, slice_links

__all__ = ["EngineError", "spark_session", "run_slices_spark"]


class EngineError(RuntimeError):
    """The Spark engine cannot run here (pyspark missing, no Java, a failed job)."""


def spark_session(master: str | None = None, app_name: str = "amplify detect"):
    """A Spark session (the running one when there is one, as under ``spark-submit``).

    With a ``local`` master the Python workers run this interpreter (so
    they import the same amplify); a cluster's executors use their own.

    Raises
    ------
    EngineError
        pyspark is not installed, or Spark cannot start (no Java).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError("the Spark engine needs pyspark: pip install 'amplify[spark]' (and Java 17)") from exc
    if master is not None and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name).config("spark.ui.enabled", "false") \
        .config("spark.ui.showConsoleProgress", "false")
    if master is not None:
        builder = builder.master(master)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # Py4J / Java launch errors carry no common type
        raise EngineError(_start_error(exc, master)) from exc


def _start_error(exc: Exception, master: str | None) -> str:
    r"""One line for a Spark that would not start: the first Java exception
    named in the error (a Py4J error carries the whole Java stack trace), and
    what to check.

    >>> _start_error(RuntimeError("An error occurred while calling None.org.apache.X.\n"
    ...              ": java.net.UnknownHostException: nohost\n\tat a.b.C(C.java:1)"), "spark://nohost:7077")
    "Spark could not start with --master spark://nohost:7077 (java.net.UnknownHostException: nohost); check the master's URL, that it is reachable, and that Java 17 is installed (java -version)"
    """
    found = _JAVA_EXCEPTION.search(str(exc))
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    cause = found.group(0).strip() if found else (lines[0] if lines else type(exc).__name__)
    where = f" with --master {master}" if master else ""
    check = ("check the master's URL, that it is reachable, and that" if master and not master.startswith("local")
             else "check that")
    return f"Spark could not start{where} ({cause[:300]}); {check} Java 17 is installed (java -version)"


# "java.lang.IllegalStateException: Cannot call methods on a stopped SparkContext." on one line
_JAVA_EXCEPTION = re.compile(r"\b(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)\b[^\n]*")


def _task_workers() -> int:
    """Threads a task may use: the cores Spark gave it (``spark.task.cpus``)."""
    try:
        from pyspark import TaskContext
        ctx = TaskContext.get()
        return max(1, int(ctx.cpus())) if ctx is not None else 1
    except Exception:  # an older pyspark without TaskContext.cpus
        return 1


def _step_one(task, root, parts, folder, outlets, cfg, holders, choices=None):
    """Executor side of step 1: one slice's links to ``raw-K.parquet``; returns its counts.
    ``holders``: the folder of the driver's holder index, or None without a long look-back;
    ``choices``: the folder of every slice's far choices the driver made (or None)."""
    index, start, end = task
    store = SliceStore.attach(folder)
    stats = DetectStats()
    t0 = time.perf_counter()
    links = slice_links(WorkspacePosts(root, parts), Slice(index, start, end), outlets, cfg,
                        workers=_task_workers(), stats=stats,
                        holders=HolderIndex(holders, choices=choices) if holders is not None else None)
    store.write("raw", index, links)
    stats.seconds["slice"] = time.perf_counter() - t0
    return index, stats


def _step_two(index, folder, slices=None):
    """Executor side of step 2: the slice's parents chosen with the links into its sources
    (read from the earlier slices of ``slices`` whose span holds one)."""
    SliceStore.attach(folder).settle(index, slices)
    return index


def run_slices_spark(root, parts: list[dict], slices: Sequence[Slice], store: SliceStore, outlets,
                     cfg: DetectSettings, *, master: str | None = None, stats: DetectStats | None = None,
                     spark=None) -> None:
    """Both steps of every slice not yet in ``store``, as Spark tasks (see the module docstring).

    Parameters
    ----------
    root : path
        The workspace folder, as every executor sees it.
    parts : list of dict
        The workspace's posts parts (``manifest["posts"]["parts"]``).
    slices, store, outlets, cfg
        As for :func:`amplify.detect.slices.run_slices`.
    master : str, optional
        Spark master URL; default the running session's (``spark-submit``'s).
    stats : DetectStats, optional
        Receives the summed counts of the slices run.
    spark : SparkSession, optional
        A session to use instead of :func:`spark_session`.
    """
    from amplify.detect.slices import add_stats

    spark = spark or spark_session(master)
    sc = spark.sparkContext
    root, folder = str(Path(root)), str(store.folder)
    todo = [(s.index, s.start_ns, s.end_ns) for s in slices if not store.has("raw", s.index)]
    holders = choices = None
    if todo:
        t0 = time.perf_counter()
        source = WorkspacePosts(root, parts)
        index = store.holders(source, cfg, chunk_ns=max(sl.end_ns - sl.start_ns for sl in slices))
        holders = None if index is None else str(index.folder)
        if stats is not None:
            stats.seconds["holders"] = stats.seconds.get("holders", 0.0) + time.perf_counter() - t0
        t0 = time.perf_counter()
        index = store.choices(source, index, slices, cfg)
        choices = None if index is None else str(index.choices.folder)
        if stats is not None:
            stats.seconds["far choices"] = stats.seconds.get("far choices", 0.0) + time.perf_counter() - t0
    try:
        if todo:
            done = sc.parallelize(todo, len(todo)).map(
                lambda t: _step_one(t, root, parts, folder, outlets, cfg, holders, choices)).collect()
            for _, one in done:
                if stats is not None:
                    add_stats(stats, one)
        rest = [s.index for s in slices if not store.has("links", s.index)]
        if rest:
            bounds = [Slice(s.index, s.start_ns, s.end_ns) for s in slices]
            sc.parallelize(rest, len(rest)).map(lambda k: _step_two(k, folder, bounds)).collect()
    except Exception as exc:
        if type(exc).__name__ in ("Py4JJavaError", "PythonException", "SparkException"):
            raise EngineError(f"the Spark job failed: {str(exc).splitlines()[0][:500]}") from exc
        raise
    missing = [s.index for s in slices if not store.has("links", s.index)]
    if missing:
        raise EngineError(f"the Spark job ended without the links of slices {missing[:10]}: is the workspace "
                          f"folder {root} on a filesystem every executor shares?")
