"""Detection speed and memory on generated corpora of any size.

For each ``--posts N`` it generates (once, cached) a ground-truth corpus with
``amplify.synth``, writes it as CSV, and then runs, each in a fresh process so
that peak memory is its own:

* **floor** -- what plain Python needs merely to read the CSV and lower-case
  and split every text (the naive baseline the target is stated against);
* **amplify** -- ``amplify.ingest.read_posts`` on the CSV, then
  ``amplify.detect``: wall seconds per stage, posts per second, peak RSS,
  candidate pairs verified per post, and recall of planted echoes.

``--viral N`` times one statement echoed verbatim by N accounts inside the
window (the family whose pairs would grow with N squared) and checks that
every echo still gets a parent.

Run::

    python benchmarks/speed.py --posts 10000 100000 1000000
    python benchmarks/speed.py --viral 20000
    python benchmarks/speed.py --posts 1000000 --precise   # precision first (the event margin costs time)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CACHE = Path(os.environ.get("AMPLIFY_BENCH_CACHE", Path(tempfile.gettempdir()) / "amplify-bench"))


def corpus_dir(n: int, seed: int) -> Path:
    d = CACHE / f"synth-{n}-{seed}"
    if not (d / "posts.csv").is_file():
        from amplify.synth import generate, write_corpus

        t = time.perf_counter()
        write_corpus(generate(n_posts=n, seed=seed), d)
        print(f"  (generated {n:,} posts in {time.perf_counter() - t:.1f} s into {d})", file=sys.stderr)
    return d


def _child(kind: str, d: str, workers: int) -> dict:
    import resource

    import pandas as pd

    out: dict = {}
    t0 = time.perf_counter()
    if kind == "floor":
        import csv

        csv.field_size_limit(1 << 30)
        with open(Path(d) / "posts.csv", newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        t1 = time.perf_counter()
        toks = [r["text"].lower().split() for r in rows]
        out.update(read=t1 - t0, tokenise=time.perf_counter() - t1, tokens=sum(map(len, toks)))
    else:
        from amplify.detect import DetectSettings, DetectStats, detect
        from amplify.ingest import read_outlets, read_posts

        settings = DetectSettings.precise() if kind == "precise" else None
        res = read_posts([str(Path(d) / "posts.csv")])
        outlets = read_outlets(str(Path(d) / "outlets.csv"))
        t1 = time.perf_counter()
        st = DetectStats()
        links = detect(res.posts, outlets, settings=settings, stats=st, workers=workers)
        t2 = time.perf_counter()
        truth = pd.read_csv(Path(d) / "truth_links.csv", dtype=str)
        found = set(links["target_id"])
        out.update(ingest=t1 - t0, detect=t2 - t1, stages=st.seconds, links=len(links),
                   candidates=st.candidate_pairs, posts=len(res.posts),
                   recall=float(truth["target_id"].isin(found).mean()))
    out["wall"] = time.perf_counter() - t0
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_child(kind: str, d: Path, workers: int) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, str(d), "--workers", str(workers)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(f"{kind} run failed:\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def viral(n: int) -> None:
    import resource

    import numpy as np
    import pandas as pd

    from amplify.detect import DetectStats, detect

    rng = np.random.default_rng(0)
    t0 = pd.Timestamp("2022-01-05", tz="UTC")
    statement = ("The United States should stop using the Kazakhstan situation as a pretext to interfere in "
                 "the internal affairs of Central Asian countries and respect the choice of their peoples")
    secs = np.sort(rng.integers(60, 6 * 86400, n))
    posts = pd.DataFrame({
        "post_id": ["root"] + [f"e{i:06d}" for i in range(n)],
        "outlet": ["mfa_china"] + [f"acct{i}" for i in range(n)],
        "published_at": [t0] + [t0 + pd.Timedelta(seconds=int(s)) for s in secs],
        "text": [statement] + [f"{statement} https://t.co/{i}" for i in range(n)],
    })
    st = DetectStats()
    t = time.perf_counter()
    links = detect(posts, stats=st)
    wall = time.perf_counter() - t
    parents = links[links["is_parent"]]
    print(f"viral family of {n:,} echoes: {wall:.2f} s, {st.candidate_pairs:,} candidate pairs "
          f"({st.candidate_pairs / n:.1f} per echo), {len(links):,} links, "
          f"{parents['target_id'].nunique():,} echoes with a parent, "
          f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, nargs="*", default=[])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--viral", type=int, default=0, help="size of a viral family to time")
    ap.add_argument("--precise", action="store_true", help="detect with DetectSettings.precise() (precision first)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child[0], args.child[1], args.workers)))
        return
    if not args.posts and not args.viral:
        args.posts = [10_000, 100_000]
    for n in args.posts:
        d = corpus_dir(n, args.seed)
        floor = run_child("floor", d, args.workers)
        amp = run_child("precise" if args.precise else "amplify", d, args.workers)
        total = amp["ingest"] + amp["detect"]
        print(f"== {n:,} posts ({amp['posts']:,} ingested), {args.workers} workers"
              f"{', DetectSettings.precise()' if args.precise else ''} ==")
        print(f"  floor   read CSV {floor['read']:.1f} s + lower/split {floor['tokenise']:.1f} s = "
              f"{floor['read'] + floor['tokenise']:.1f} s, peak {floor['peak_mib']:.0f} MiB")
        st = ", ".join(f"{k} {v:.1f}" for k, v in amp["stages"].items())
        print(f"  amplify ingest {amp['ingest']:.1f} s + detect {amp['detect']:.1f} s ({st}) = {total:.1f} s, "
              f"{amp['posts'] / total:,.0f} posts/s, peak {amp['peak_mib']:.0f} MiB")
        print(f"          {amp['candidates'] / max(amp['posts'], 1):.2f} candidate pairs per post, "
              f"{amp['links']:,} links, recall of planted echoes {amp['recall']:.4f}, "
              f"ratio to floor {total / (floor['read'] + floor['tokenise']):.2f}x")
    if args.viral:
        viral(args.viral)


if __name__ == "__main__":
    main()
