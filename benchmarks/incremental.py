"""Incremental detection against a full run: the same links, and not slower (issue #18).

A generated corpus of N posts goes into two workspaces:

* **halves**: the first half ingested and detected, then the second half
  ingested and detected again (incremental: only targets within a window of a
  new post are matched again);
* **full**: everything ingested at once and detected once.

It prints both detection times, their ratio (incremental second run / full
run), and whether the two link tables are equal in every column
(``DataFrame.equals`` after sorting by the link set's order). Two ways to cut
the corpus in halves: ``--split time`` (the second half is later: a feed that
grows) and ``--split rows`` (every other row: a colleague's export of the same
period, the worst case, since every target is then near a new post).

Usage::

    python benchmarks/incremental.py --posts 200000 --split time
    python benchmarks/incremental.py --posts 200000 --split rows
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from amplify.detect import detect
from amplify.detect.incremental import detect_workspace
from amplify.synth import generate
from amplify.workspace import Workspace

ORDER = ["source_id", "target_id", "source_start", "target_start", "kind"]


def run(n: int, seed: int, split: str, root: Path) -> dict:
    c = generate(n_posts=n, seed=seed)
    posts = c.posts.sort_values("published_at", kind="stable").reset_index(drop=True)
    if split == "time":
        first = np.arange(len(posts)) < len(posts) // 2
    else:
        first = np.arange(len(posts)) % 2 == 0
    detect(posts.head(2000), c.outlets)  # compile first, so that neither timing pays for it
    halves = Workspace.open(root / "halves", create=True)
    with halves.writer():
        halves.set_outlets(c.outlets)
        halves.add_posts(posts[first])
        detect_workspace(halves)
        halves.add_posts(posts[~first])
        t0 = time.perf_counter()
        inc = detect_workspace(halves)
        t_inc = time.perf_counter() - t0
    full = Workspace.open(root / "full", create=True)
    with full.writer():
        full.set_outlets(c.outlets)
        full.add_posts(posts)
        t0 = time.perf_counter()
        detect_workspace(full)
        t_full = time.perf_counter() - t0
    a = halves.refresh().links().sort_values(ORDER, kind="stable").reset_index(drop=True)
    b = full.refresh().links().sort_values(ORDER, kind="stable").reset_index(drop=True)
    a, b = a[sorted(a.columns)], b[sorted(b.columns)]
    differ = []
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        differ = ["shape"]
    else:
        differ = [col for col in a.columns if not a[col].equals(b[col])]
    return {"posts": n, "split": split, "mode": inc.mode, "targets": inc.targets_recomputed,
            "incremental_s": t_inc, "full_s": t_full, "ratio": t_inc / t_full, "links": len(b),
            "identical": not differ, "columns_differing": differ}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--posts", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split", choices=["time", "rows"], default="time")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        r = run(args.posts, args.seed, args.split, Path(tmp))
    print(f"{r['posts']:,} posts, halves by {r['split']}: second detect {r['mode']} over "
          f"{r['targets']:,} targets in {r['incremental_s']:.1f} s; full detect {r['full_s']:.1f} s; "
          f"ratio {r['ratio']:.2f} (target <= 1.0); {r['links']:,} links, identical in every column: "
          f"{r['identical']}" + (f" (differ: {r['columns_differing']})" if not r["identical"] else ""))


if __name__ == "__main__":
    main()
