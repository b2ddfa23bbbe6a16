"""A workspace of millions of posts in many parts: `amplify info`, queries, and compaction (issue #15).

Builds (or reuses) a workspace of N generated posts appended as many parts of
``--part-posts`` posts (as chunked ingest and incremental use leave it),
copies it and compacts the copy with ``amplify compact`` (timed), then times,
each in a fresh process (so no cache of one run helps the next):

* ``amplify info`` (the whole command, start-up included);
* ``Workspace.open`` + ``info()``;
* reading three columns of every post;
* one week of posts: ``ws.posts(since=, until=)``, and the detection's
  time-range read (``WorkspacePosts.between``, what sliced detection does per
  slice);
* one outlet's posts: ``ws.posts(outlets=[...])``;
* mentions of a term as ``amplify volume`` reads them (``read_mentions``: a
  stretch of time at a time), beside reading every text at once.

on the workspace of many parts and on its compacted copy. With
``--before-code DIR`` (a checkout or ``git archive`` of an older amplify) the
same operations also run with that code on the many-part workspace, where
the filtered reads are "read every post, then filter in pandas" -- what
callers had to do before ``posts()`` took filters.

Figures are on generated posts (a regression check of speed, not of
detection quality) and, on a shared machine, taken under load.

Usage::

    python benchmarks/workspace_scale.py --posts 2000000 --before-code /tmp/amplify-before
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def build(path: Path, n_posts: int, part_posts: int, base_posts: int, seed: int, layout: str) -> str:
    """Write a workspace of ``n_posts`` generated posts as parts of ``part_posts`` posts.

    A corpus of ``base_posts`` (30 days) is generated once and repeated with
    shifted ids and times (copy k: ids ``<id>~k``, times + k x 30 days). The
    parts are written directly (one commit), skipping the "already stored?"
    check of ``add_posts``, which this benchmark does not measure. ``layout``
    ``shuffled``: each part takes posts from all over the time range (a big
    file in arbitrary order ingested in chunks); ``time``: consecutive
    stretches of time (daily appends).
    """
    import numpy as np
    import pandas as pd

    from amplify import schema
    from amplify.progress import bar
    from amplify.synth import generate
    from amplify.workspace import Workspace
    from amplify.workspace.append import text_sha1
    from amplify.workspace.parts import write_part
    from amplify.workspace.tables import from_pandas, nullable_strings

    t0 = time.perf_counter()
    base = generate(n_posts=min(base_posts, n_posts), seed=seed)
    span = pd.Timedelta(days=30)
    posts0 = base.posts[["post_id", "outlet", "published_at", "text", "lang"]]
    copies = math.ceil(n_posts / len(posts0))
    rng = np.random.default_rng(seed)
    ws = Workspace.open(path, create=True)
    records = []
    with ws.writer():
        ws.set_outlets(base.outlets)
        n_parts = math.ceil(n_posts / part_posts)
        # copy k's posts go to parts by time (layout "time") or at random (layout "shuffled")
        order = []
        for k in range(copies):
            take = min(len(posts0), n_posts - k * len(posts0))
            order.append((k, take))
        all_idx = np.concatenate([np.arange(take) + k * len(posts0) for k, take in order])
        if layout == "shuffled":
            rng.shuffle(all_idx)
        else:  # time: the base corpus sorted by time, copies after each other
            by_time = np.argsort(posts0["published_at"].to_numpy(), kind="stable")
            all_idx = np.concatenate([by_time[:take] + k * len(posts0) for k, take in order])
        for j in bar(range(n_parts), total=n_parts, desc="writing parts", unit="part"):
            idx = all_idx[j * part_posts:(j + 1) * part_posts]
            k, row = idx // len(posts0), idx % len(posts0)
            chunk = posts0.iloc[row].reset_index(drop=True)
            suffix = pd.Series(k).map(lambda x: f"~{x}").to_numpy(dtype=object)
            chunk = chunk.assign(post_id=chunk["post_id"].astype(str).to_numpy(dtype=object) + suffix,
                                 published_at=chunk["published_at"] + span * pd.Series(k))
            valid = nullable_strings(schema.validate_posts(chunk))
            records.append(write_part(ws.path, [], ws.last_seq + 1 + j, from_pandas(valid, "posts"),
                                      text_sha1(valid["text"])))
        m = ws.manifest
        m["posts"]["parts"] = records
        m["posts"]["n_posts"] = sum(r["rows"] for r in records)
        m["posts"]["last_seq"] = records[-1]["seq"]
        ws._commit(m)  # the benchmark's own bulk load: one commit for every part
    return (f"built {path}: {m['posts']['n_posts']:,} posts in {len(records)} parts ({layout}) "
            f"in {time.perf_counter() - t0:.0f} s")


# Each operation runs in a fresh process: ``SETUP`` then the timed statement; prints seconds and rows.
SETUP = """
import json, resource, sys, time
import pandas as pd
from amplify.workspace import Workspace
ws_path, since, until, outlet = sys.argv[1:5]
"""

OPS = {
    "open + info()": "ws = Workspace.open(ws_path); n = ws.info()['n_outlets']",
    "posts(post_id, outlet, published_at)":
        "n = len(Workspace.open(ws_path).posts(columns=['post_id', 'outlet', 'published_at']))",
    "posts(since=, until=) one week": "n = len(Workspace.open(ws_path).posts(since=since, until=until))",
    "posts(outlets=[one])": "n = len(Workspace.open(ws_path).posts(outlets=[outlet]))",
    "WorkspacePosts.between(one week)":
        "from amplify.detect.slices import WorkspacePosts\n"
        "n = len(WorkspacePosts.of(Workspace.open(ws_path)).between(pd.Timestamp(since).value, "
        "pd.Timestamp(until).value - 1))",
    "volume: posts mentioning 'Russia' (read_mentions)":
        "from amplify.analyze.volume_source import read_mentions\n"
        "_, m = read_mentions(Workspace.open(ws_path), ['Russia']); n = int(m['Russia'].sum())",
}
# what the filtered reads cost before posts() took filters: every post, then a pandas filter
OLD_OPS = {
    "posts(since=, until=) one week": (
        "p = Workspace.open(ws_path).posts(); t = p['published_at']\n"
        "n = int(((t >= pd.Timestamp(since)) & (t < pd.Timestamp(until))).sum())"),
    "posts(outlets=[one])": "p = Workspace.open(ws_path).posts(); n = int((p['outlet'] == outlet).sum())",
    # what amplify volume did before it read a stretch of time at a time: every text at once
    "volume: posts mentioning 'Russia' (read_mentions)":
        "from amplify.analyze.volume import mentions\n"
        "p = Workspace.open(ws_path).posts(columns=['post_id', 'outlet', 'published_at', 'text'])\n"
        "n = int(mentions(p['text'], 'Russia').sum())",
}


#: Each figure is the best of this many runs (--repeat): the machine is shared, and the
#: fastest run is the one least slowed by others.
REPEAT = 3


def _run(code_dir: Path, statement: str, args) -> tuple[float, int, float]:
    """Best seconds of REPEAT fresh processes, the row count, and the highest peak RSS (MiB) among them."""
    body = SETUP + "t0 = time.perf_counter()\n" + statement + \
        "\nprint(json.dumps([time.perf_counter() - t0, int(n), " \
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))\n"
    env = dict(os.environ, PYTHONPATH=str(code_dir))
    best, count, peak = float("inf"), None, 0.0
    for _ in range(REPEAT):
        p = subprocess.run([sys.executable, "-c", textwrap.dedent(body), *map(str, args)], capture_output=True,
                           text=True, env=env)
        if p.returncode:
            raise SystemExit(f"failed ({code_dir}):\n{statement}\n{p.stderr}")
        secs, count, mib = json.loads(p.stdout.strip().splitlines()[-1])
        best, peak = min(best, secs), max(peak, mib)
    return best, count, peak


def _cli(code_dir: Path, *args, repeat: int | None = None) -> float:
    env = dict(os.environ, PYTHONPATH=str(code_dir))
    best = float("inf")
    for _ in range(REPEAT if repeat is None else repeat):
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", "from amplify.cli import main; main()", *map(str, args)],
                           capture_output=True, text=True, env=env)
        best = min(best, time.perf_counter() - t0)
        if p.returncode:
            raise SystemExit(f"amplify {' '.join(map(str, args))} failed ({code_dir}):\n{p.stderr}")
    return best


def main(argv=None) -> None:
    global REPEAT
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=2_000_000)
    ap.add_argument("--part-posts", type=int, default=50_000, help="posts per appended part")
    ap.add_argument("--base-posts", type=int, default=500_000, help="posts generated, then repeated")
    ap.add_argument("--layout", choices=["shuffled", "time"], default="shuffled")
    ap.add_argument("--rows-per-part", type=int, default=1_000_000, help="amplify compact --rows-per-part")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=REPEAT, help="runs per figure; the best is shown")
    ap.add_argument("--workspace", type=Path, default=None)
    ap.add_argument("--before-code", type=Path, default=None,
                    help="folder holding an older amplify package, to time the same reads with it")
    args = ap.parse_args(argv)
    REPEAT = max(1, args.repeat)
    ws_path = args.workspace or Path(tempfile.gettempdir()) / \
        f"amplify-scale-{args.posts}-{args.part_posts}-{args.layout}-{args.seed}"
    if not (ws_path / "manifest.json").is_file():
        print(build(ws_path, args.posts, args.part_posts, args.base_posts, args.seed, args.layout),
              file=sys.stderr)
    compacted = ws_path.with_name(ws_path.name + "-compacted")
    if compacted.exists():
        shutil.rmtree(compacted)
    shutil.copytree(ws_path, compacted)
    t_compact = _cli(REPO, "compact", "--workspace", compacted, "--rows-per-part", args.rows_per_part, "-q",
                     repeat=1)

    from amplify.workspace import Workspace
    import pandas as pd

    ws = Workspace.open(ws_path)
    info = ws.info()
    lo = pd.Timestamp(info["time_range"][0])
    since = (lo + (pd.Timestamp(info["time_range"][1]) - lo) / 2).floor("D")
    until = since + pd.Timedelta(days=7)
    outlet = ws.posts(columns=["outlet"], since=since, until=since + pd.Timedelta(hours=1))["outlet"].mode()[0]
    op_args = [None, since.isoformat(), until.isoformat(), outlet]
    n_parts = info["n_parts"]
    n_compacted = Workspace.open(compacted).info()["n_parts"]

    columns = [f"before, {n_parts} parts", f"new code, {n_parts} parts", f"new code, compacted ({n_compacted} parts)"]
    wss = [ws_path, compacted]
    # a cell: (seconds, peak MiB or None), or None where there is nothing to time
    rows = [("amplify info (CLI, fresh process)",
             [(_cli(args.before_code, "info", "--workspace", ws_path), None) if args.before_code else None]
             + [(_cli(REPO, "info", "--workspace", w), None) for w in wss], "")]
    for label, stmt in OPS.items():
        cells, counts = [], set()
        # the "before" of volume is this code reading every text at once (OLD_OPS): no older checkout needed
        before = args.before_code or (REPO if label in OLD_OPS and label.startswith("volume") else None)
        if before is not None:
            s, n, mib = _run(before, OLD_OPS.get(label, stmt), [ws_path] + op_args[1:])
            cells.append((s, mib))
            counts.add(n)
        else:
            cells.append(None)
        for w in wss:
            s, n, mib = _run(REPO, stmt, [w] + op_args[1:])
            cells.append((s, mib))
            counts.add(n)
        if len(counts) != 1:
            raise SystemExit(f"{label}: the runs disagree on the number of rows: {counts}")
        rows.append((label, cells, f"{counts.pop():,} rows"))

    print(f"workspace_scale: {info['n_posts']:,} generated posts, {info['n_outlets']:,} outlets, "
          f"{info['time_range'][0]} .. {info['time_range'][1]}; week {since.date()} .. {until.date()}, "
          f"outlet {outlet!r}; layout {args.layout}, parts of {args.part_posts:,}")
    print(f"amplify compact --rows-per-part {args.rows_per_part:,}: {t_compact:.1f} s "
          f"({n_parts} -> {n_compacted} parts, start-up included)")

    def cell(c) -> str:
        if c is None:
            return "-"
        return f"{c[0]:.2f} s" + (f" / {c[1]:,.0f} MiB" if c[1] is not None else "")

    width = max(max(len(r[0]) for r in rows), 40)
    print(f"{f'best of {REPEAT} (fresh process each) / peak RSS':<{width}} | "
          + " | ".join(f"{c:>30}" for c in columns))
    for label, cells, note in rows:
        print(f"{label:<{width}} | " + " | ".join(f"{cell(c):>30}" for c in cells) + (f"  ({note})" if note else ""))

if __name__ == "__main__":
    main()
