"""Acceptance of the workspace through the real command line, in subprocesses.

* killed ``amplify ingest`` / ``amplify detect`` (SIGKILL at seeded random
  delays) leave a consistent workspace, and re-running the command finishes
  the job with the links of an uninterrupted run;
* ingest day 1, detect, ingest day 2, detect (incremental) gives the links of
  one full run over both days;
* the links do not depend on the order files were ingested in nor on
  ``--workers``;
* a second writer fails with a message naming the lock holder while another
  process holds the writer lock, and succeeds once that holder is killed.

Every ``amplify`` call is a fresh ``python -c "from amplify.cli import main;
main()"`` process (~1 s each, mostly imports), so the shared workspaces are
built once per module (:func:`scenario`).
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from amplify.synth import generate, write_corpus
from amplify.workspace import DEFAULT_TIMEOUT, Workspace

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from amplify.cli import main; main()"]
N_POSTS = 4000
CORPUS_SEED = 0
KILL_SEED = 20240601
KILL_POINTS = 5
# seconds the blocked writer of the lock test waits (set through AMPLIFY_LOCK_TIMEOUT)
LOCK_WAIT = 3.0


# --------------------------------------------------------------------------- helpers


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def amplify(*args, ok: bool = True, cwd=None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run ``amplify ARGS`` in a new process; ``.seconds`` is its wall time."""
    t0 = time.monotonic()
    res = subprocess.run(CLI + [str(a) for a in args], env=_env(), cwd=cwd, capture_output=True, text=True,
                         timeout=timeout)
    res.seconds = time.monotonic() - t0
    if ok:
        assert res.returncode == 0, f"amplify {' '.join(map(str, args))} exited {res.returncode}:\n{res.stderr}"
    return res


def run_chains(*chains) -> list[list]:
    """Run several sequences of ``amplify`` calls side by side (each sequence in order)."""
    with ThreadPoolExecutor(len(chains)) as ex:
        futures = [ex.submit(lambda ch=ch: [amplify(*args, cwd=cwd) for args, cwd in ch]) for ch in chains]
        return [f.result() for f in futures]


def amplify_json(*args, **kw) -> dict:
    return json.loads(amplify(*args, "--format", "json", **kw).stdout)


def run_and_kill(args, delay: float, cwd) -> tuple[int, str]:
    """Start ``amplify ARGS``, SIGKILL it after ``delay`` s unless it ended; the return code and stderr."""
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(CLI + [str(a) for a in args], env=_env(), cwd=cwd,
                                stdout=subprocess.DEVNULL, stderr=err)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        err.seek(0)
        return proc.returncode, err.read()


def kill_run(args, delay: float, start: Path, path: Path, cwd, floor: float) -> float:
    """Copy workspace ``start`` to ``path`` and run ``amplify ARGS`` on it, SIGKILLed after ``delay`` s.

    A run's duration varies by a good part of a second, so one may end before
    its delay: then it is repeated from ``start`` with a delay closer to
    ``floor`` (shorter than any run), until a run is really killed. Returns
    the delay that killed it.
    """
    for _ in range(10):
        if path.exists():
            shutil.rmtree(path)
        shutil.copytree(start, path)
        rc, stderr = run_and_kill(args, delay, cwd)
        if rc == -signal.SIGKILL:
            return delay
        assert rc == 0, f"amplify {args} exited {rc} before it was killed:\n{stderr}"
        delay = floor + 0.7 * (delay - floor)
    raise AssertionError(f"amplify {args} always ended before it could be killed")


def manifest_files(m: dict) -> list[str]:
    files = [p["file"] for p in m["posts"]["parts"]]
    if m.get("outlets"):
        files.append(m["outlets"]["file"])
    for ls in m["linksets"]:
        files += [ls["file"], f"links/{ls['id']}/settings.json"]
    return files


def check_consistent(path: Path) -> Workspace:
    """The workspace opens, every file its manifest names exists, and the counts agree with the data."""
    ws = Workspace.open(path)
    m = ws.manifest
    for rel in manifest_files(m):
        assert ".tmp-" not in rel, rel
        assert (path / rel).is_file(), f"the manifest names {rel}, which is missing"
    for p in m["posts"]["parts"]:
        assert pq.read_metadata(path / p["file"]).num_rows == p["rows"], p["file"]
    info = ws.info()
    ids = ws.posts(columns=["post_id"])["post_id"]
    assert info["n_posts"] == len(ids) == sum(p["rows"] for p in m["posts"]["parts"])
    assert ids.is_unique
    assert info["last_seq"] == len(m["posts"]["parts"])
    for ls in info["linksets"]:
        links = ws.links(linkset=ls["id"])
        assert ls["n_links"] == len(links), ls["id"]
        assert 0 <= ls["covered_through"] <= info["last_seq"]
        assert links["source_id"].isin(ids).all() and links["target_id"].isin(ids).all()
    ws.outlets()  # readable
    return ws


def linkset_state(ws: Workspace) -> list[tuple]:
    return [(ls["id"], ls["n_links"], ls["covered_through"]) for ls in ws.linksets()]


def tmp_leftovers(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if ".tmp-" in p.name)


def append_counts(stdout: str) -> tuple[int, int]:
    m = re.search(r"([\d,]+) new, ([\d,]+) already present, 0 conflicts", stdout)
    assert m, stdout
    return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))


def kill_delays(rng: random.Random, start: float, total: float) -> list[float]:
    """KILL_POINTS delays, one per stratum of [start, total): after the imports, before the end."""
    lo, hi = 0.9 * start, total
    if hi <= lo:
        lo = 0.2 * total
    strata = list(range(KILL_POINTS))
    rng.shuffle(strata)
    return [lo + (hi - lo) * (s + rng.random()) / KILL_POINTS for s in strata]


def content(ws: Workspace) -> pd.DataFrame:
    """The posts without ``origin`` (``file:row`` of the input, which differs between input files)."""
    return ws.posts().drop(columns="origin")


def write_posts(corpus, posts: pd.DataFrame, folder: Path) -> Path:
    write_corpus(dataclasses.replace(corpus, posts=posts.reset_index(drop=True)), folder)
    return folder / "posts.csv"


# --------------------------------------------------------------------------- shared runs


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """Input files, the reference workspace and the day-1/day-2 workspace, built once through the CLI.

    ``ref``: everything ingested at once, one full detect (the uninterrupted run).
    ``a``:   day 1 ingested + detected, then day 2 ingested + detected (incremental).
    ``t_full`` / ``t_inc``: copies of ``a`` after day 1 (not detected / detected),
    the starting points of the kill test. Durations of uninterrupted runs are
    measured here, after a warm-up detect (numba compiles once, then is cached).
    """
    root = tmp_path_factory.mktemp("ws_cli")
    c = generate(n_posts=N_POSTS, seed=CORPUS_SEED)
    write_corpus(c, root / "all")
    posts = c.posts
    t = posts["published_at"]
    mid = t.min() + (t.max() - t.min()) / 2
    day1 = write_posts(c, posts[t < mid], root / "day1")
    day2 = write_posts(c, posts[t >= mid], root / "day2")
    rng = np.random.default_rng(7)
    label = rng.integers(0, 3, len(posts))
    shuffled = [write_posts(c, posts[label == i].sample(frac=1.0, random_state=i), root / f"split{i}")
                for i in range(3)]
    s = SimpleNamespace(root=root, all=root / "all" / "posts.csv", outlets=root / "all" / "outlets.csv",
                        day1=day1, day2=day2, splits=shuffled,
                        n_all=len(posts), n_day1=int((t < mid).sum()), n_day2=int((t >= mid).sum()),
                        day2_ids=set(posts.loc[t >= mid, "post_id"]))

    # day 1 (its detect is also the warm-up: numba compiles once, then loads from its cache)
    s.a = root / "a"
    s.a_ingest1 = amplify("ingest", s.day1, "--outlets", s.outlets, "--workspace", s.a, "-q", cwd=root)
    s.t_full = root / "template_full"
    shutil.copytree(s.a, s.t_full)
    s.a_detect1 = amplify_json("detect", "--workspace", s.a, "-q", cwd=root)
    s.t_inc = root / "template_inc"
    shutil.copytree(s.a, s.t_inc)
    s.a_ingest2 = amplify("ingest", s.day2, "--workspace", s.a, "-q", cwd=root)
    t0 = time.monotonic()
    s.a_detect2 = amplify_json("detect", "--workspace", s.a, "-q", cwd=root)
    s.t_detect_inc = time.monotonic() - t0
    s.t_ingest = s.a_ingest2.seconds
    s.a_csv = amplify("links", "--workspace", s.a, "--format", "csv", cwd=root).stdout

    # the reference: everything in one ingest, one full detect
    s.ref = root / "ref"
    amplify("ingest", s.all, "--outlets", s.outlets, "--workspace", s.ref, "-q", cwd=root)
    t0 = time.monotonic()
    s.ref_detect = amplify_json("detect", "--workspace", s.ref, "-q", cwd=root)
    s.t_detect_full = time.monotonic() - t0
    ref = Workspace.open(s.ref)
    s.ref_links, s.ref_posts, s.linkset = ref.links(), content(ref), s.ref_detect["linkset"]
    s.ref_csv = amplify("links", "--workspace", s.ref, "--format", "csv", cwd=root).stdout
    # a process that starts, imports amplify.cli and reads the manifest: kills before that hit nothing
    info = amplify("info", "--workspace", s.ref, "--format", "json", cwd=root)
    s.t_start, s.ref_info = info.seconds, json.loads(info.stdout)
    return s


# --------------------------------------------------------------------------- 1. kill test


def test_killed_ingest_and_detect_leave_a_consistent_workspace_and_rerun_completes(scenario, tmp_path):
    s = scenario
    rng = random.Random(KILL_SEED)
    ingest_delays = kill_delays(rng, s.t_start, s.t_ingest)
    detect_delays = {True: kill_delays(rng, s.t_start, s.t_detect_inc),
                     False: kill_delays(rng, s.t_start, s.t_detect_full)}
    floor = 0.7 * s.t_start
    outcomes = []
    for k in range(KILL_POINTS):
        incremental = k % 2 == 0  # day 1 already detected: the detect after day 2 is incremental
        template = s.t_inc if incremental else s.t_full
        path, ingested = tmp_path / f"ws{k}", tmp_path / f"ws{k}_ingested"
        before = linkset_state(Workspace.open(template))
        assert bool(before) == incremental

        # --- amplify ingest day 2, killed
        ingest = ["ingest", s.day2, "--workspace", path, "-q"]
        d_ingest = kill_run(ingest, ingest_delays[k], template, path, tmp_path, floor)
        ws = check_consistent(path)
        committed = ws.n_posts == s.n_all
        assert ws.n_posts in (s.n_day1, s.n_all)  # all of day 2 or nothing
        assert linkset_state(ws) == before
        res = amplify(*ingest, cwd=tmp_path)  # re-run
        assert append_counts(res.stdout) == ((0, s.n_day2) if committed else (s.n_day2, 0))
        ws = check_consistent(path)
        pd.testing.assert_frame_equal(content(ws), s.ref_posts, check_exact=True)
        assert ws.last_seq == 2
        shutil.copytree(path, ingested)

        # --- amplify detect, killed
        detect = ["detect", "--workspace", path, "-q"]
        d_detect = kill_run(detect, detect_delays[incremental][k], ingested, path, tmp_path, floor)
        ws = check_consistent(path)
        after = [(s.linkset, len(s.ref_links), 2)]
        state = linkset_state(ws)
        assert state in (before, after)  # the old link set or the complete new one
        detected = state == after
        run = amplify_json(*detect, cwd=tmp_path)  # re-run
        assert run["mode"] == ("up to date" if detected else "incremental" if incremental else "full")
        ws = check_consistent(path)
        pd.testing.assert_frame_equal(ws.links(), s.ref_links, check_exact=True)
        assert linkset_state(ws) == after
        assert tmp_leftovers(path) == []  # the re-run's writer collected what the killed ones left
        assert not (path / ".lock.owner").exists()
        outcomes.append((incremental, round(d_ingest, 2), committed, round(d_detect, 2), detected))
    print("kill points (incremental, ingest killed at s, committed, detect killed at s, committed):",
          outcomes)


# --------------------------------------------------------------------------- 2. incremental


def test_incremental_detect_equals_one_full_run(scenario):
    s = scenario
    assert append_counts(s.a_ingest1.stdout) == (s.n_day1, 0)
    assert append_counts(s.a_ingest2.stdout) == (s.n_day2, 0)
    assert s.ref_detect["mode"] == "full"
    assert s.a_detect1["mode"] == "full" and s.a_detect1["new_posts"] == s.n_day1
    run = s.a_detect2
    assert run["mode"] == "incremental"
    assert run["linkset"] == s.linkset
    assert run["new_posts"] == s.n_day2
    assert 0 < run["targets_recomputed"] <= s.n_all  # (a full pass when day 2 touches most of the corpus)
    assert run["links"] == s.ref_detect["links"] == len(s.ref_links)
    assert run["links_changed"] == run["links"] - s.a_detect1["links"]

    # identical `amplify links --format csv` output, and equal link tables
    assert len(pd.read_csv(io.StringIO(s.a_csv))) == len(s.ref_links) > 500
    assert s.a_csv == s.ref_csv
    assert s.ref_info["n_posts"] == s.n_all
    assert [(ls["id"], ls["n_links"]) for ls in s.ref_info["linksets"]] == [(s.linkset, len(s.ref_links))]
    a = Workspace.open(s.a)
    pd.testing.assert_frame_equal(a.links(), s.ref_links, check_exact=True)
    pd.testing.assert_frame_equal(content(a), s.ref_posts, check_exact=True)
    assert [p["rows"] for p in a.manifest["posts"]["parts"]] == [s.n_day1, s.n_day2]
    # the split matters: links from a day-1 source to a day-2 target exist (found by the incremental run)
    links = a.links()
    across = ~links["source_id"].isin(s.day2_ids) & links["target_id"].isin(s.day2_ids)
    assert across.sum() > 0


# --------------------------------------------------------------------------- 3. determinism


def test_links_do_not_depend_on_file_order_or_workers(scenario, tmp_path):
    s = scenario
    s1, s2, s3 = s.splits
    x, y = tmp_path / "x", tmp_path / "y"
    # x: the three files in one ingest, one part, 1 worker; y: other order, two ingests (two parts
    # with overlapping key ranges), 2 workers. The two workspaces are built side by side.
    cx, cy = run_chains(
        [(("ingest", s1, s2, s3, "--outlets", s.outlets, "--workspace", x, "-q"), tmp_path),
         (("detect", "--workspace", x, "--workers", "1", "-q", "--format", "json"), tmp_path),
         (("links", "--workspace", x, "--format", "csv"), tmp_path)],
        [(("ingest", s3, s1, "--outlets", s.outlets, "--workspace", y, "-q"), tmp_path),
         (("ingest", s2, "--workspace", y, "-q"), tmp_path),
         (("detect", "--workspace", y, "--workers", "2", "-q", "--format", "json"), tmp_path),
         (("links", "--workspace", y, "--format", "csv"), tmp_path)])
    dx, dy = json.loads(cx[1].stdout), json.loads(cy[2].stdout)
    csv_x, csv_y = cx[2].stdout, cy[3].stdout
    assert dx["mode"] == dy["mode"] == "full" and dx["linkset"] == dy["linkset"] == s.linkset
    wx, wy = check_consistent(x), check_consistent(y)
    assert len(wx.manifest["posts"]["parts"]) == 1 and len(wy.manifest["posts"]["parts"]) == 2
    pd.testing.assert_frame_equal(content(wx), content(wy), check_exact=True)
    pd.testing.assert_frame_equal(content(wx), s.ref_posts, check_exact=True)
    pd.testing.assert_frame_equal(wx.links(), wy.links(), check_exact=True)
    pd.testing.assert_frame_equal(wx.links(), s.ref_links, check_exact=True)
    # the stored Parquet files are byte for byte the same
    fx, fy = wx.linksets()[0]["file"], wy.linksets()[0]["file"]
    assert (x / fx).read_bytes() == (y / fy).read_bytes()
    assert len(pd.read_csv(io.StringIO(csv_x))) == len(s.ref_links)
    assert csv_x == csv_y == s.ref_csv


# --------------------------------------------------------------------------- 4. concurrent writers


HOLD_LOCK = """
    import sys, time
    from amplify.workspace import Workspace
    ws = Workspace.open(sys.argv[1])
    with ws.writer(timeout=30):
        print("locked", flush=True)
        time.sleep(600)
"""


def test_ingest_fails_while_another_process_holds_the_lock_then_succeeds(scenario, tmp_path):
    s = scenario
    path = tmp_path / "ws"
    shutil.copytree(s.t_full, path)
    files_before = sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.name != ".lock.owner")
    gen_before = Workspace.open(path).generation
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(HOLD_LOCK), str(path)], env=_env(),
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline()
        assert line.strip() == "locked", holder.stderr.read()
        t0 = time.monotonic()
        # the wait set for the command (AMPLIFY_LOCK_TIMEOUT; tests/test_workspace_lock_wait.py has the default)
        ingest = subprocess.Popen(CLI + ["ingest", str(s.day2), "--workspace", str(path), "-q"],
                                  env=dict(_env(), AMPLIFY_LOCK_TIMEOUT=str(LOCK_WAIT)),
                                  cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # meanwhile readers are not blocked
        info = amplify_json("info", "--workspace", path, cwd=tmp_path)
        assert info["n_posts"] == s.n_day1
        out, err = ingest.communicate(timeout=DEFAULT_TIMEOUT + 60)
        waited = time.monotonic() - t0
        assert holder.poll() is None  # the holder was alive the whole time
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
    assert ingest.returncode != 0, out
    assert "locked by another writer" in err and f"pid {holder.pid}" in err, err
    assert f"waited {LOCK_WAIT:g} s" in err and "AMPLIFY_LOCK_TIMEOUT=SECONDS" in err
    assert LOCK_WAIT - 0.5 <= waited < LOCK_WAIT + 30
    assert "new" not in out
    # nothing was written
    ws = check_consistent(path)
    assert ws.generation == gen_before and ws.n_posts == s.n_day1
    assert sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.name != ".lock.owner") == files_before

    # the holder was killed: the kernel freed its lock, the same command now succeeds at once
    assert holder.returncode == -signal.SIGKILL
    assert (path / ".lock.owner").exists()  # the killed holder's note stays behind ...
    res = amplify("ingest", s.day2, "--workspace", path, "-q", cwd=tmp_path)
    assert res.seconds < DEFAULT_TIMEOUT
    assert append_counts(res.stdout) == (s.n_day2, 0)
    ws = check_consistent(path)
    assert ws.n_posts == s.n_all and ws.generation == gen_before + 1
    assert not (path / ".lock.owner").exists()  # ... and is gone after the next writer


# --------------------------------------------------------------------------- known bug


def _cli(*args) -> str:
    from click.testing import CliRunner

    from amplify.cli import cli

    res = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.mark.parametrize("backfill", [False, True], ids=["old-source", "backfilled-source"])
def test_incremental_keeps_native_links_to_posts_older_than_the_window(tmp_path, backfill):
    """A post reposting one published 31 days (> 2 windows of 7 days) earlier.

    old-source: the repost arrives in the second ingest; backfilled-source:
    the original arrives in the second ingest, after its repost.
    """
    text = "Original statement about the weather in Moscow today and the talks next week"
    posts = pd.DataFrame({
        "post_id": ["a", "b", "c"], "outlet": ["tass", "rt_com", "cgtn"],
        "published_at": ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z", "2024-02-01T00:00:00Z"],
        "text": [text, "An unrelated post about the football results of the weekend", "RT " + text],
        "reposted_id": ["", "", "a"]})
    second = posts["post_id"] == ("a" if backfill else "c")
    posts[~second].to_csv(tmp_path / "one.csv", index=False)
    posts[second].to_csv(tmp_path / "two.csv", index=False)
    posts.to_csv(tmp_path / "all.csv", index=False)
    inc, full = tmp_path / "inc", tmp_path / "full"
    _cli("ingest", tmp_path / "one.csv", "--workspace", inc, "-q")
    _cli("detect", "--workspace", inc, "-q")
    _cli("ingest", tmp_path / "two.csv", "--workspace", inc, "-q")
    assert json.loads(_cli("detect", "--workspace", inc, "-q", "--format", "json"))["mode"] == "incremental"
    _cli("ingest", tmp_path / "all.csv", "--workspace", full, "-q")
    _cli("detect", "--workspace", full, "-q")
    expected = Workspace.open(full).links()
    assert expected[["source_id", "target_id", "kind"]].values.tolist() == [["a", "c", "repost"]]
    pd.testing.assert_frame_equal(Workspace.open(inc).links(), expected, check_exact=True)


def test_changed_outlets_recompute_the_link_set(tmp_path):
    """Attribution and camp filters read the outlets table: changing it must not leave stale links."""
    text = "Original statement about the weather in Moscow today and the talks next week in Geneva"
    pd.DataFrame({"post_id": ["a", "b"], "outlet": ["tass", "cgtn"],
                  "published_at": ["2024-01-01T00:00:00Z", "2024-01-01T05:00:00Z"],
                  "text": [text, text + " indeed"]}).to_csv(tmp_path / "p.csv", index=False)
    pd.DataFrame({"outlet": ["tass", "cgtn"], "group": ["RU", "CN"]}).to_csv(tmp_path / "o.csv", index=False)
    ws = tmp_path / "ws"
    _cli("ingest", tmp_path / "p.csv", "--workspace", ws, "-q")
    first = json.loads(_cli("detect", "--workspace", ws, "-q", "--cross-group-only", "--format", "json"))
    assert first["links"] == 0  # both outlets are 'unknown': one camp
    _cli("ingest", "--outlets", tmp_path / "o.csv", "--workspace", ws, "-q")
    again = json.loads(_cli("detect", "--workspace", ws, "-q", "--cross-group-only", "--format", "json"))
    assert again["mode"] == "full (outlets changed)" and again["links"] == 1
    assert json.loads(_cli("detect", "--workspace", ws, "-q", "--cross-group-only",
                           "--format", "json"))["mode"] == "up to date"
