"""Detection at scale: time-sliced detection of a workspace, and the Spark engine (issue #15).

For each ``--posts N`` it generates (once, cached) a corpus of N posts over
``--days`` days with ``amplify.synth`` and, each in a fresh process so that
peak memory is its own:

* **ingest** -- the CSV into a new workspace: seconds and peak memory;
* **sliced** -- detect the workspace in slices of ``--slice``
  (:func:`amplify.detect.slices.detect_workspace_sliced`): seconds, peak
  resident memory (``ru_maxrss``) of the detecting process alone, and
  recall and precision of the planted families (``benchmarks/quality.py``'s
  measures; generated data: a regression check, not a quality claim);
* **one pass** (N at most ``--one-pass-max``) -- the same corpus detected in
  one pass (:func:`amplify.detect.incremental.detect_workspace`): its time
  and peak, and whether its links equal the sliced run's, row for row and
  column for column.

``--spark N`` times the Spark engine on ``local[2]`` against the local engine
(both sliced, same slices) on N posts and checks their links are identical;
the Spark figures are the driver's peak and the summed peaks of the JVM and
its Python workers (read from /proc: Linux only).

Run::

    python benchmarks/scale.py --posts 200000 1000000 --days 180 --slice 30D
    python benchmarks/scale.py --posts 1000000 --quote-window 0D   # the near halo only
    python benchmarks/scale.py --posts 0 --spark 200000

Timings on a shared machine are noisy: the script says so in its output.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CACHE = Path(os.environ.get("AMPLIFY_BENCH_CACHE", Path(tempfile.gettempdir()) / "amplify-bench"))
HERE = Path(__file__).resolve().parent
QUOTE_WINDOW = ["180D"]  # --quote-window, handed to each child


def corpus_dir(n: int, seed: int, days: int) -> Path:
    """The generated corpus's CSV folder (generated once, then cached)."""
    d = CACHE / f"synth-{n}-{seed}-{days}d"
    if not (d / "posts.csv").is_file():
        from amplify.synth import generate, write_corpus

        t = time.perf_counter()
        write_corpus(generate(n_posts=n, seed=seed, days=days), d)
        print(f"  (generated {n:,} posts over {days} days in {time.perf_counter() - t:.0f} s into {d})",
              file=sys.stderr)
    return d


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _spark_peaks() -> float:
    """The summed peak resident memory (``VmHWM``) of the Spark JVM this process
    started and of every process under it (the Python workers), read from /proc."""
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    proc = getattr(getattr(session.sparkContext, "_gateway", None), "proc", None) if session else None
    if proc is None:
        return float("nan")
    parent = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                parent[int(p.name)] = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, todo = set(), [proc.pid]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo.extend(c for c, pp in parent.items() if pp == pid and c not in tree)
    kib = 0
    for pid in tree:
        try:
            line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmHWM"))
            kib += int(line.split()[1])
        except (OSError, StopIteration, ValueError):
            pass
    return kib / 1024


def _child(mode: str, d: Path, out: Path, slice_len: str, workers: int, quote_window: str) -> dict:
    """One measured step in this (fresh) process, so that its peak memory is its own.

    ``ingest``: the CSV into a new workspace at ``out``. Otherwise detect the
    workspace ``d`` (``one-pass``, ``sliced`` or ``spark``) and write its links to ``out``.
    """
    from amplify.detect import DetectSettings
    from amplify.detect.incremental import detect_workspace
    from amplify.detect.slices import detect_workspace_sliced
    from amplify.workspace import Workspace

    t0 = time.perf_counter()
    if mode == "ingest":
        from amplify.ingest import read_outlets, read_posts

        res = read_posts([str(d / "posts.csv")])
        ws = Workspace.open(out, create=True)
        with ws.writer():
            ws.set_outlets(read_outlets(str(d / "outlets.csv")))
            ws.add_posts(res.posts)
        return {"mode": mode, "posts": len(res.posts), "seconds": time.perf_counter() - t0, "peak_mib": _peak_mib()}
    ws = Workspace.open(d)
    cfg = DetectSettings(quote_window=quote_window)
    if mode == "halo":
        return _busiest_halo(ws, cfg, slice_len, workers) | {"seconds": time.perf_counter() - t0}
    with ws.writer():
        if mode == "one-pass":
            run = detect_workspace(ws, cfg, full=True, workers=workers)
        else:
            engine = "spark" if mode == "spark" else "local"
            run = detect_workspace_sliced(ws, cfg, slice=slice_len, full=True, engine=engine,
                                          master="local[2]" if engine == "spark" else None, workers=workers)
    seconds = time.perf_counter() - t0
    spark_mib = _spark_peaks() if mode == "spark" else 0.0
    links = ws.refresh().links()
    links.to_parquet(out)
    return {"mode": mode, "posts": ws.n_posts, "seconds": seconds, "peak_mib": _peak_mib(),
            "spark_peak_mib": spark_mib, "links": len(links), "run": str(run)}


def _busiest_halo(ws, cfg, slice_len: str, workers: int) -> dict:
    """What the slice with the most targets reads: its posts outside the near
    halo (far-halo posts chosen, and named sources) against the far halo's posts."""
    from amplify.detect.slices import WorkspacePosts, parse_slice, plan_slices, slice_posts
    from amplify.utc import to_ns

    source = WorkspacePosts.of(ws)
    t = to_ns(source.between(*source.time_range())["published_at"])
    slices = plan_slices(int(t[0]), int(t[-1]), parse_slice(slice_len))
    sl = max(slices, key=lambda s: int(((t >= s.start_ns) & (t < s.end_ns)).sum()))
    w, h = cfg.window_ns, cfg.horizon_ns
    near = (t >= sl.start_ns - w) & (t <= sl.end_ns - 1 + w)
    far = (t >= sl.start_ns - h) & (t <= sl.end_ns - 1 + h) & ~near
    posts, targets = slice_posts(source, sl, cfg, workers=workers)
    return {"mode": "halo", "slice": str(sl), "targets": len(targets), "far_halo": int(far.sum()),
            "read_outside_near": len(posts) - int(near.sum()), "peak_mib": _peak_mib()}


def run_child(mode: str, d: Path, out: Path, slice_len: str, workers: int) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, str(d), str(out), "--slice", slice_len,
           "--workers", str(workers), "--quote-window", QUOTE_WINDOW[0]]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(f"{mode} run failed:\n{p.stderr[-4000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def workspace(n: int, d: Path, work: Path, slice_len: str, workers: int) -> tuple[Path, dict]:
    """The corpus ingested into a new workspace in ``work`` (timed in its own process)."""
    ws = work / f"ws-{n}"
    return ws, run_child("ingest", d, ws, slice_len, workers)


def same_links(a_path: Path, b_path: Path) -> tuple[bool, str]:
    """Are two links tables equal in every row and column? (and if not, where first)"""
    import pandas as pd

    a, b = pd.read_parquet(a_path), pd.read_parquet(b_path)
    if list(a.columns) != list(b.columns):
        return False, f"columns differ: {list(a.columns)} vs {list(b.columns)}"
    if len(a) != len(b):
        return False, f"{len(a):,} vs {len(b):,} rows"
    for col in a.columns:
        if not a[col].equals(b[col]):
            return False, f"column {col} differs"
    return True, f"{len(a):,} rows, {len(a.columns)} columns"


def quality(d: Path, links_path: Path) -> dict:
    import pandas as pd

    sys.path.insert(0, str(HERE))
    from quality import score_links  # benchmarks/quality.py: one definition of the measures

    truth = pd.read_csv(d / "truth_links.csv", dtype={"source_id": str, "target_id": str, "root_id": str})
    neg = d / "truth_negatives.csv"
    negatives = pd.read_csv(neg, dtype=str) if neg.is_file() else None
    return score_links(truth, negatives, pd.read_parquet(links_path))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, nargs="*", default=[200_000])
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--slice", default="30D")
    ap.add_argument("--quote-window", default="180D",
                    help="detection's quote_window (default the default; 0D: no long look-back, the near halo only)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--one-pass-max", type=int, default=1_000_000,
                    help="also run one pass (and compare links) up to this many posts")
    ap.add_argument("--spark", type=int, default=0, help="posts of the Spark local[2] vs local comparison (0: none)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    QUOTE_WINDOW[0] = args.quote_window
    CACHE.mkdir(parents=True, exist_ok=True)
    if args.child:
        mode, d, out = args.child
        print(json.dumps(_child(mode, Path(d), Path(out), args.slice, args.workers, args.quote_window)))
        return
    load = os.getloadavg()[0]
    print(f"(load average {load:.1f} on {os.cpu_count()} cores at the start: timings taken under that load; "
          f"generated data, so recall/precision are regression checks)")
    work = Path(tempfile.mkdtemp(prefix="amplify-scale-links-", dir=CACHE))
    try:
        for n in [n for n in args.posts if n > 0]:
            d = corpus_dir(n, args.seed, args.days)
            ws, ing = workspace(n, d, work, args.slice, args.workers)
            sliced = run_child("sliced", ws, work / f"sliced-{n}.parquet", args.slice, args.workers)
            q = quality(d, work / f"sliced-{n}.parquet")
            halo = run_child("halo", ws, work / "unused", args.slice, args.workers)
            print(f"== {n:,} generated posts over {args.days} days, slices of {args.slice}, quote_window "
                  f"{args.quote_window}, {args.workers} workers ==")
            print(f"  ingest:   {ing['seconds']:.1f} s, peak {ing['peak_mib']:,.0f} MiB")
            print(f"  sliced:   detect {sliced['seconds']:.1f} s (ingest + detect "
                  f"{ing['seconds'] + sliced['seconds']:.1f} s), peak {sliced['peak_mib']:,.0f} MiB, "
                  f"{sliced['links']:,} links")
            print(f"            busiest slice ({halo['targets']:,} targets) reads {halo['read_outside_near']:,} "
                  f"of the {halo['far_halo']:,} posts outside its near halo "
                  f"(choosing them: {halo['seconds']:.1f} s, peak {halo['peak_mib']:,.0f} MiB)")
            print(f"            recall {q['recall']:.4f}, precision {q['precision']:.4f} of planted families "
                  f"(exact parent {q['exact_parent']:.4f})")
            if n <= args.one_pass_max:
                one = run_child("one-pass", ws, work / f"one-{n}.parquet", args.slice, args.workers)
                ok, why = same_links(work / f"sliced-{n}.parquet", work / f"one-{n}.parquet")
                print(f"  one pass: detect {one['seconds']:.1f} s, peak {one['peak_mib']:,.0f} MiB; "
                      f"links identical to the sliced run: {'yes' if ok else 'NO'} ({why})")
            shutil.rmtree(ws, ignore_errors=True)
        if args.spark:
            n = args.spark
            d = corpus_dir(n, args.seed, args.days)
            ws, _ = workspace(n, d, work, args.slice, args.workers)
            local = run_child("sliced", ws, work / f"local-{n}.parquet", args.slice, args.workers)
            spark = run_child("spark", ws, work / f"spark-{n}.parquet", args.slice, args.workers)
            ok, why = same_links(work / f"local-{n}.parquet", work / f"spark-{n}.parquet")
            print(f"== Spark local[2] vs the local engine, {n:,} posts over {args.days} days, slices of "
                  f"{args.slice}, quote_window {args.quote_window} ==")
            print(f"  local: detect {local['seconds']:.1f} s, peak {local['peak_mib']:,.0f} MiB")
            print(f"  spark: detect {spark['seconds']:.1f} s ({spark['seconds'] - local['seconds']:+.1f} s, "
                  f"x{spark['seconds'] / max(local['seconds'], 1e-9):.2f}), driver peak "
                  f"{spark['peak_mib']:,.0f} MiB, Spark's JVM and Python workers {spark['spark_peak_mib']:,.0f} MiB "
                  f"(sum of their peaks)")
            print(f"  links identical: {'yes' if ok else 'NO'} ({why})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
