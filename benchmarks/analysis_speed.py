"""How long the analyses take on a generated corpus of N posts.

Builds (or reuses) a workspace from :func:`amplify.synth.generate` with
detection (:func:`amplify.detect.incremental.detect_workspace`), then times,
each on its own after one warm-up call that compiles the numba kernels:

* reading the tables and coding them (:class:`amplify.analyze.Frame`);
* ``synergy`` with ``--permutations`` label permutations *and* as many
  time-shift draws, per-week trend included;
* ``bridges`` (betweenness, brokerage, Louvain, participation, constraint,
  evidence);
* ``paths`` from the Chinese foreign ministry to every RU outlet, and from
  camp CN to camp RU;
* ``trace`` of the post with the largest cascade, and of a free text;
* ``volume`` of one term per day and camp, with surges;
* ``summary``;
* ``coordination`` by text, url and any (``--within 60s``), with the peak
  memory (resident set size) of the process after it.

Usage::

    python benchmarks/analysis_speed.py --posts 200000
    python benchmarks/analysis_speed.py --posts 1000000 --workspace /tmp/ws1m   # reused when present
    python benchmarks/analysis_speed.py --workspace /tmp/ws1m --only coordination
    python benchmarks/analysis_speed.py --workspace /tmp/ws1m --only paths

The figures go to stdout as a table (and ``--json FILE`` writes them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def build(path: Path, n: int, seed: int, groups: int = 0) -> dict:
    from amplify.detect.incremental import detect_workspace
    from amplify.synth import generate
    from amplify.workspace import Workspace

    t0 = time.perf_counter()
    c = generate(n_posts=n, seed=seed, coordinated_groups=groups)
    t_gen = time.perf_counter() - t0
    ws = Workspace.open(path, create=True)
    t0 = time.perf_counter()
    with ws.writer():
        ws.add_posts(c.posts)
        ws.set_outlets(c.outlets)
        t_add = time.perf_counter() - t0
        t0 = time.perf_counter()
        run = detect_workspace(ws)
    t_det = time.perf_counter() - t0
    return {"generate_s": t_gen, "ingest_s": t_add, "detect_s": t_det, "links": run.links_total}


def _cli(*args) -> None:
    """Run one ``amplify`` command in a new process; fail loudly if it fails."""
    subprocess.run([sys.executable, "-c", "from amplify.cli import main; main()", *map(str, args)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def timed(label, fn, results, warm=True):
    if warm:
        fn()
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    results.append((label, dt))
    print(f"{label:<48} {dt:8.2f} s", flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=200_000, help="posts in the generated corpus")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--permutations", type=int, default=1000)
    ap.add_argument("--workspace", help="workspace folder; built if missing, reused if present")
    ap.add_argument("--json", help="also write the timings to this JSON file")
    ap.add_argument("--no-warmup", action="store_true", help="time the first call (includes JIT compilation)")
    ap.add_argument("--coordinated-groups", type=int, default=0,
                    help="plant this many coordinated groups when building (amplify.synth.coordination)")
    ap.add_argument("--only", choices=["coordination", "paths"], help="time only reading, coding and this analysis")
    args = ap.parse_args(argv)

    from amplify.analyze import Frame, load
    from amplify.analyze.bridging import bridges
    from amplify.analyze.paths import amplification_paths
    from amplify.analyze.summary import largest_cascades, summarize
    from amplify.analyze.synergy import camp_synergy
    from amplify.analyze.trace import trace_post, trace_text
    from amplify.analyze.volume import term_volume
    from amplify.workspace import Workspace

    tmp = None
    path = Path(args.workspace) if args.workspace else Path(tmp := tempfile.mkdtemp()) / "ws"
    info = {}
    if not (path / "manifest.json").exists():
        print(f"building a workspace of {args.posts:,} posts in {path} ...", flush=True)
        info = build(path, args.posts, args.seed, args.coordinated_groups)
        print(f"  generate {info['generate_s']:.1f} s, ingest {info['ingest_s']:.1f} s, "
              f"detect {info['detect_s']:.1f} s, {info['links']:,} links", flush=True)
    ws = Workspace.open(path)
    print(f"workspace {path}: {ws.n_posts:,} posts; {os.cpu_count()} cores, Python {platform.python_version()}")
    res: list = []
    warm = not args.no_warmup
    L, P, O = timed("read links + posts (no text) + outlets", lambda: load(Workspace.open(path)), res, warm)
    f = timed("code the tables (Frame)", lambda: Frame.build(L, P, O), res, warm)
    if args.only == "coordination":
        _coordination(L, P, O, f, ws, res, warm)
        return _finish(args, ws, info, res, tmp)
    if args.only == "paths":
        _paths(L, P, O, f, ws, path, res, warm)
        return _finish(args, ws, info, res, tmp)
    R = args.permutations
    timed(f"synergy, {R} label perms + {R} time shifts", lambda: camp_synergy(
        L, P, O, permutations=R, frame=f, top_narratives=10, texts=ws), res, warm)
    timed(f"synergy RU CN, {R}+{R} perms, weekly trend", lambda: camp_synergy(
        L, P, O, groups=["RU", "CN"], permutations=R, freq="W", frame=f, texts=ws), res, warm)
    timed("bridges (top 10, evidence)", lambda: bridges(L, P, O, top=10, frame=f, texts=ws), res, warm)
    timed("paths mfa_china -> RU (outlet to camp)", lambda: amplification_paths(
        L, P, O, source="mfa_china", target="RU", frame=f, texts=ws), res, warm)
    timed("paths CN -> RU (camp to camp, 4 hops)", lambda: amplification_paths(
        L, P, O, source="CN", target="RU", frame=f, texts=ws), res, warm)
    casc = largest_cascades(f, top=1)
    pid = casc["root_id"].iloc[0] if len(casc) else P["post_id"].iloc[0]
    timed("trace POST_ID (largest cascade)", lambda: trace_post(L, P, O, pid, frame=f, texts=ws), res, warm)
    text = ws.posts(columns=["post_id", "text"]).set_index("post_id").loc[pid, "text"]
    sentence = " ".join(str(text).split()[:25])
    timed("trace --text (25 words; reads texts)", lambda: trace_text(
        sentence, L, P, O, texts=ws, frame=f), res, warm)

    def vol():
        posts = ws.posts(columns=["post_id", "outlet", "published_at", "text"])
        return term_volume(posts, O, ["Kazakhstan"], freq="D")
    timed("volume --term Kazakhstan (reads texts)", vol, res, warm)
    timed("summary (1000 perms, as synergy)", lambda: summarize(L, P, O, frame=f, texts=ws), res, warm)
    _coordination(L, P, O, f, ws, res, warm)
    # The same questions as an analyst asks them: whole commands in a fresh process (start-up,
    # reading the workspace and printing included).
    for label, args_ in (("amplify summary (CLI)", ["summary"]),
                         ("amplify synergy (CLI)", ["synergy"]),
                         ("amplify bridges (CLI)", ["bridges"]),
                         ("amplify paths --from CN --to RU (CLI)", ["paths", "--from", "CN", "--to", "RU"]),
                         ("amplify trace POST_ID (CLI)", ["trace", pid]),
                         ("amplify volume --term Kazakhstan (CLI)", ["volume", "--term", "Kazakhstan"]),
                         ("amplify coordination (CLI)", ["coordination"])):
        timed(label, lambda a=args_: _cli(*a, "--workspace", path, "--format", "json"), res, warm=False)
    return _finish(args, ws, info, res, tmp)


def _paths(L, P, O, f, ws, path, res, warm) -> None:
    """``paths`` alone: the function (the names cited in the texts read from the workspace's store,
    found on the first call and kept), with and without citations, and the whole command."""
    from amplify.analyze import Frame
    from amplify.analyze.paths import amplification_paths
    from amplify.analyze.cites_store import CitesStore

    t0 = time.perf_counter()
    n = CitesStore(ws).pairs().num_rows
    print(f"{'  names cited in the texts (stored; found once)':<48} {time.perf_counter() - t0:6.2f} s, "
          f"{n:,} (post, outlet) pairs", flush=True)
    # a query keeps its link index and where each post's text is stored on the frame (Frame.cache):
    # the first query of a fresh frame pays for them, as the command does; the warmed calls below reuse them
    for src, tgt in (("mfa_china", "RU"), ("CN", "RU")):
        fresh = Frame.build(L, P, O)
        timed(f"paths {src} -> {tgt} (first query of a frame)", lambda s=src, t=tgt, g=fresh:
              amplification_paths(L, P, O, source=s, target=t, frame=g, texts=ws), res, warm=False)
    for src, tgt in (("mfa_china", "RU"), ("CN", "RU")):
        for cites in (True, False):
            timed(f"paths {src} -> {tgt}{'' if cites else ' --no-cites'}", lambda s=src, t=tgt, c=cites:
                  amplification_paths(L, P, O, source=s, target=t, frame=f, texts=ws, cites=c), res, warm)
    for _ in range(3):
        timed("amplify paths --from CN --to RU (CLI)",
              lambda: _cli("paths", "--from", "CN", "--to", "RU", "--workspace", path, "--format", "json"),
              res, warm=False)


def _peak_rss_mb() -> float:
    """Peak resident set size of this process so far, MB (Linux reports kB, macOS bytes)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _coordination(L, P, O, f, ws, res, warm) -> None:
    """``coordination`` by text, url and any over the frame; the peak memory after it."""
    from amplify.analyze.coordination import coordination

    cols = ["post_id", "outlet", "published_at", "text"] + (["urls"] if "urls" in ws.post_columns() else [])
    posts = ws.posts(columns=cols)
    print(f"{'  (posts with text for --by url/any read)':<48} peak RSS {_peak_rss_mb():,.0f} MB", flush=True)
    for by in ("text", "url", "any"):
        rep = timed(f"coordination --by {by} (60s, 3 repeats)", lambda b=by: coordination(
            L, posts if b != "text" else P, O, by=b, frame=f, texts=ws), res, warm)
        print(f"{'':<48} {rep.settings['co_posts']:,} co-posts, {rep.settings['tested_pairs']:,} pairs tested, "
              f"{rep.settings['coordinated_pairs']:,} coordinated; peak RSS {_peak_rss_mb():,.0f} MB", flush=True)


def _finish(args, ws, info, res, tmp) -> int:
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"posts": ws.n_posts, "build": info, "timings_s": dict(res)}, fh, indent=1)
    if tmp:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
