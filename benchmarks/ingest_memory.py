"""Peak memory of ``amplify ingest`` on decompression bombs: a small archive holding one huge field.

Issue #18 measured a 400 KB zip holding one 400 MB field ingested with a
3.8 GB peak. Ingest now cuts a value over the field size limit (1 MiB by
default) while the archive streams out of the decompressor, so the peak
follows what is kept, not what the archive expands to. This script builds
each archive in a temporary folder (nothing is stored in the repository),
runs ``amplify ingest`` on it in a fresh process, and prints that process's
peak resident memory (``ru_maxrss``), the exit code and the rows kept. The
acceptance line is a peak below 1 GiB.

Cases: the issue's zip (one 400 MB field of one letter, CSV); the same as
gzip; the field spread over short lines inside quotes (measured after
reading, so held once); a JSON Lines record with a 400 MB string; and, for
scale, the peak of ingesting a small ordinary file (the interpreter,
pandas, pyarrow and numba loaded).

``--posts N`` measures something else: ``amplify ingest`` of a generated
corpus of N posts (``posts.csv`` and ``outlets.csv``), once per
``--chunk-size`` (``0``: every file read whole, as before issue #15; the
default reads blocks of 32 MiB) and ``--workers`` (threads of a block-wise
ingest), each in a fresh process: seconds, CPU seconds, peak resident memory
(of all the process's threads) and parts written. Generated data, timings under whatever load
the machine has (printed).

Usage::

    python benchmarks/ingest_memory.py            # 400 MB fields
    python benchmarks/ingest_memory.py --mb 100   # smaller, quicker
    python benchmarks/ingest_memory.py --posts 1000000 --chunk-size 0 32MB 128MB
    python benchmarks/ingest_memory.py --posts 1000000 --chunk-size 32MB --workers 1 2
    python benchmarks/ingest_memory.py --posts 1000000 --chunk-size 32MB --workers 1 2 --together
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

MB = 1 << 20
T0 = "2024-03-01T10:00:00Z"

RUN = """
import json, resource, sys
from amplify.cli import main
try:
    main(sys.argv[1:])
except SystemExit as e:
    code = e.code or 0
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"code": code, "peak_kib": r.ru_maxrss, "cpu_s": r.ru_utime + r.ru_stime}), file=sys.stderr)
"""


def _pieces(field_mb: int, shape: str):
    """The file's bytes in pieces: a good row, the huge one, a good row."""
    if shape == "jsonl":
        yield b'{"outlet": "tass", "published_at": "%s", "text": "before"}\n' % T0.encode()
        yield b'{"outlet": "rt", "published_at": "%s", "text": "' % T0.encode()
        for _ in range(field_mb):
            yield b"A" * MB
        yield b'"}\n{"outlet": "cgtn", "published_at": "%s", "text": "after"}\n' % T0.encode()
        return
    yield b"outlet,published_at,text\ntass,%s,before\nrt,%s,%s" % (T0.encode(), T0.encode(),
                                                                  b'"' if shape == "lines" else b"")
    block = (b"AAAAAAA\n" * (MB // 8)) if shape == "lines" else b"A" * MB
    for _ in range(field_mb):
        yield block
    yield b'%s\ncgtn,%s,after\n' % (b'"' if shape == "lines" else b"", T0.encode())


def build(folder: Path, field_mb: int) -> dict:
    """The archives, by case name -> (path, size in bytes)."""
    out = {}
    z = folder / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("posts.csv", "w") as fh:
            for piece in _pieces(field_mb, "csv"):
                fh.write(piece)
    out[f"zip, CSV, one {field_mb} MB field (the issue's)"] = z
    for shape, name in (("csv", "bomb.csv.gz"), ("lines", "lines.csv.gz"), ("jsonl", "bomb.jsonl.gz")):
        co = zlib.compressobj(9, zlib.DEFLATED, 31)
        with open(folder / name, "wb") as fh:
            for piece in _pieces(field_mb, shape):
                fh.write(co.compress(piece))
            fh.write(co.flush())
        label = {"csv": f"gzip, CSV, one {field_mb} MB field",
                 "lines": f"gzip, CSV, one {field_mb} MB quoted field of 8-byte lines",
                 "jsonl": f"gzip, JSON Lines, one {field_mb} MB string"}[shape]
        out[label] = folder / name
    small = folder / "small.csv"
    small.write_text("outlet,published_at,text\n" + "".join(f"o{i % 7},{T0},post number {i}\n" for i in range(1000)))
    out["an ordinary 1,000-row CSV (for scale)"] = small
    return out


def start(path: Path, workspace: Path, *more: str):
    """``amplify ingest`` started in a fresh process, waited for by a thread that notes when it ended."""
    import threading

    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", RUN, "ingest", str(path), "--workspace", str(workspace), "-q",
                             "--format", "json", *more], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done: dict = {}

    def wait():
        done["out"], done["err"] = proc.communicate()
        done["seconds"] = time.perf_counter() - t0   # when it ended, not when it was asked about

    waiter = threading.Thread(target=wait)
    waiter.start()
    return proc, waiter, done


def finish(started, workspace: Path) -> dict:
    """Wait for a process of :func:`start`: its seconds, peak memory, CPU and what it kept."""
    proc, waiter, done = started
    waiter.join()
    return _result(subprocess.CompletedProcess(proc.args, proc.returncode, done["out"], done["err"]),
                   done["seconds"], workspace)


def measure(path: Path, workspace: Path, *more: str) -> dict:
    return finish(start(path, workspace, *more), workspace)


def _result(p, seconds: float, workspace: Path) -> dict:
    last = json.loads(p.stderr.strip().splitlines()[-1])
    kept = json.loads(p.stdout)["ingest"]["totals"] if p.stdout.strip() else {}
    parts = len(list((workspace / "posts").glob("*.parquet"))) if (workspace / "posts").is_dir() else 0
    return {"seconds": seconds, "code": last["code"], "peak_mib": last["peak_kib"] / 1024,
            "accepted": kept.get("accepted"), "rejected": kept.get("rejected"), "parts": parts,
            "cpu_s": last.get("cpu_s", float("nan"))}


def corpus(n: int, days: int, seed: int = 0) -> Path:
    """A generated corpus of ``n`` posts (cached in the temporary folder between runs)."""
    d = Path(tempfile.gettempdir()) / "amplify-bench" / f"ingest-synth-{n}-{seed}-{days}d"
    if not (d / "truth.json").is_file():
        if n <= 1_000_000:
            from amplify.synth import generate, write_corpus

            write_corpus(generate(n_posts=n, seed=seed, days=days), d)
        else:
            from amplify.synth.stream import generate_stream

            generate_stream(d, n_posts=n, seed=seed, days=days, progress=True)
    return d


def ingest_corpus(n: int, days: int, sizes: list[str], workers: list[int] | None = None,
                  together: bool = False) -> None:
    """``amplify ingest`` of a generated corpus, once per chunk size (and ``--workers``), each in a fresh process
    (``together``: all at the same time, for a comparison on a machine whose load changes from run to run)."""
    d = corpus(n, days)
    size = (d / "posts.csv").stat().st_size
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; generated data)")
    print(f"{n:,} generated posts, posts.csv {size / (1 << 20):,.0f} MiB")
    print(f"{'--chunk-size':>14} {'--workers':>9} {'seconds':>8} {'CPU s':>7} {'peak':>10} {'parts':>6}  "
          f"accepted/rejected")
    runs = [(s, w) for s in sizes for w in (workers or [None])]
    if together:
        print("(the runs below ran at the same time, so that they share one load: compare them with each other)")
    with tempfile.TemporaryDirectory() as w:
        args = [(Path(w) / f"ws{i}", ["--outlets", str(d / "outlets.csv"), "--chunk-size", s]
                 + ([] if k is None else ["--workers", str(k)])) for i, (s, k) in enumerate(runs)]
        started = [start(d / "posts.csv", ws, *more) for ws, more in args] if together else None
        for i, (s, k) in enumerate(runs):
            ws, more = args[i]
            r = finish(started[i], ws) if together else measure(d / "posts.csv", ws, *more)
            label = "0 (whole)" if s in ("0", "0B") else s
            print(f"{label:>14} {'default' if k is None else k:>9} {r['seconds']:>8.1f} {r['cpu_s']:>7.1f} "
                  f"{r['peak_mib']:>6,.0f} MiB {r['parts']:>6}  "
                  f"{r['accepted']}/{r['rejected']}" + ("" if r["code"] == 0 else f"  (exit {r['code']})"))
            shutil.rmtree(Path(w) / f"ws{i}", ignore_errors=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=int, default=400, help="size of the huge field, in MB (default 400)")
    ap.add_argument("--posts", type=int, default=0,
                    help="instead: ingest a generated corpus of this many posts (see --chunk-size)")
    ap.add_argument("--days", type=int, default=180, help="days the generated corpus spans (default 180)")
    ap.add_argument("--chunk-size", nargs="+", default=["0", "32MB"],
                    help="chunk sizes to measure with --posts (default: 0, i.e. whole, and 32MB)")
    ap.add_argument("--workers", nargs="+", type=int,
                    help="with --posts: also measure these --workers (threads of a block-wise ingest; default: "
                         "the command's default only)")
    ap.add_argument("--together", action="store_true",
                    help="with --posts: run the measured ingests at the same time (a shared machine's load changes "
                         "between runs one after another; side by side, they meet the same load)")
    args = ap.parse_args(argv)
    if args.posts:
        ingest_corpus(args.posts, args.days, args.chunk_size, args.workers, args.together)
        return
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        cases = build(d, args.mb)
        print(f"{'case':58} {'archive':>10} {'peak':>9} {'time':>7}  exit  kept/rejected")
        worst = 0.0
        for i, (label, path) in enumerate(cases.items()):
            r = measure(path, d / f"ws{i}")
            if "scale" not in label:
                worst = max(worst, r["peak_mib"])
            print(f"{label:58} {path.stat().st_size / 1024:>7,.0f} KB {r['peak_mib']:>6,.0f} MiB "
                  f"{r['seconds']:>6.1f}s  {r['code']:>4}  {r['accepted']}/{r['rejected']}")
        verdict = "below" if worst < 1024 else "ABOVE"
        print(f"largest peak on a bomb: {worst:,.0f} MiB ({verdict} the 1 GiB bound)")


if __name__ == "__main__":
    main()
