"""How fast a big workspace starts answering: open, read, and whole CLI queries.

Builds (or reuses) a workspace of N generated posts with detection
(``benchmarks/analysis_speed.build``), then times, each in a fresh process
where it is a CLI command (start-up included, as an analyst sees it):

* ``Workspace.open`` and reading posts (3 columns, then all), outlets, links;
* ``amplify info``; ``amplify links --limit 20`` (joins both posts' texts);
* ``amplify links --format parquet --out F`` (every link with its evidence);
* ``amplify ingest`` of a file already ingested (the idempotent re-run: reads
  ids and text hashes only).

Usage::

    python benchmarks/workspace_speed.py --posts 1000000 --workspace /tmp/ws1m
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _cli(*args) -> float:
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", "from amplify.cli import main; main()", *map(str, args)],
                       capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode:
        raise SystemExit(f"amplify {' '.join(map(str, args))} failed:\n{p.stderr}")
    return dt


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workspace", type=Path, default=None)
    args = ap.parse_args(argv)
    ws_path = args.workspace or Path(tempfile.gettempdir()) / f"amplify-ws-{args.posts}-{args.seed}"
    if not (ws_path / "manifest.json").is_file():
        from analysis_speed import build

        print(f"building {ws_path} ...", file=sys.stderr)
        print(build(ws_path, args.posts, args.seed), file=sys.stderr)

    from amplify.workspace import Workspace

    rows = []
    t = time.perf_counter()
    ws = Workspace.open(ws_path)
    rows.append(("Workspace.open", time.perf_counter() - t))
    for label, fn in (("posts(post_id, outlet, published_at)",
                       lambda: ws.posts(columns=["post_id", "outlet", "published_at"])),
                      ("posts() with text", ws.posts), ("outlets()", ws.outlets), ("links()", ws.links)):
        t = time.perf_counter()
        fn()
        rows.append((label, time.perf_counter() - t))
    info = ws.info()
    rows.append(("amplify info (CLI, fresh process)", _cli("info", "--workspace", ws_path)))
    rows.append(("amplify links --limit 20 (CLI)", _cli("links", "--workspace", ws_path, "--limit", "20")))
    with tempfile.TemporaryDirectory() as d:
        rows.append(("amplify links --format parquet --out F (CLI)",
                     _cli("links", "--workspace", ws_path, "--format", "parquet", "--out", Path(d) / "l.parquet")))
        rows.append(("amplify links --format csv --out F (CLI)",
                     _cli("links", "--workspace", ws_path, "--format", "csv", "--out", Path(d) / "l.csv")))
        # Re-ingesting posts already stored changes nothing (each is recognised by id and text);
        # how long it takes to find that out, on a copy so the benchmark's workspace stays as it was.
        import shutil
        from amplify.synth import write_corpus

        copy = Path(d) / "ws"
        shutil.copytree(ws_path, copy)
        corpus = Path(d) / "corpus"
        from amplify.synth import generate

        write_corpus(generate(n_posts=info["n_posts"], seed=args.seed), corpus)
        rows.append(("amplify ingest of the same posts again (CLI)",
                     _cli("ingest", corpus / "posts.csv", "--workspace", copy, "-q")))
    print(f"workspace {ws_path}: {info['n_posts']:,} posts, "
          f"{sum(ls['n_links'] for ls in info['linksets']):,} links, {info['bytes'] / 2**20:,.0f} MiB on disk")
    for label, dt in rows:
        print(f"  {label:<48} {dt:6.2f} s")


if __name__ == "__main__":
    main()
