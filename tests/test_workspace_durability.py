"""Tests for amplify.workspace under concurrency and crashes: the writer lock, the manifest as the
single commit point, processes killed mid-write, garbage collection and stale readers."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from workspace_helpers import REPO, assert_consistent, canonical, make_posts, run_py, wait_for_line

from amplify.workspace import Workspace, WorkspaceLocked


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace.open(tmp_path / "ws", create=True)


# --------------------------------------------------------------------------- locking


HOLD_LOCK = """
    import sys, time
    from amplify.workspace import Workspace
    ws = Workspace.open(sys.argv[1] if len(sys.argv) > 1 else {path!r})
    with ws.writer(timeout=5):
        print("locked", flush=True)
        time.sleep(60)
"""


def test_second_writer_fails_within_timeout_then_killed_writer_frees_lock(ws):
    holder = run_py(HOLD_LOCK.format(path=str(ws.path)))
    try:
        wait_for_line(holder, "locked")
        t0 = time.monotonic()
        with pytest.raises(WorkspaceLocked) as err:
            with ws.writer(timeout=0.5):
                pass
        waited = time.monotonic() - t0
        assert 0.4 <= waited < 5
        assert f"pid {holder.pid}" in str(err.value)
        # readers are not blocked
        assert Workspace.open(ws.path).n_posts == 0 and len(ws.posts()) == 0
        # a writer in a second process fails too
        other = run_py(f"""
            from amplify.workspace import Workspace, WorkspaceLocked
            try:
                with Workspace.open({str(ws.path)!r}).writer(timeout=0.2):
                    print("acquired")
            except WorkspaceLocked:
                print("refused")
        """)
        out, _ = other.communicate(timeout=60)
        assert out.strip() == "refused"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    # the killed writer left its owner note and lock file, yet the lock is free
    t0 = time.monotonic()
    with ws.writer(timeout=5):
        ws.add_posts(make_posts(3))
    assert time.monotonic() - t0 < 2
    assert ws.n_posts == 3
    assert not (ws.path / ".lock.owner").exists()


def test_writer_is_reentrant_and_released_on_error(ws):
    with pytest.raises(RuntimeError):
        with ws.writer():
            with ws.writer():
                ws.add_posts(make_posts(2))
            raise RuntimeError("boom")
    assert ws.n_posts == 2  # the committed write stays
    with Workspace.open(ws.path).writer(timeout=0):  # and the lock was released
        pass


def test_second_writer_object_in_same_process_is_refused(ws):
    with ws.writer():
        with pytest.raises(WorkspaceLocked):
            with Workspace.open(ws.path).writer(timeout=0):
                pass


def test_writer_builds_on_commits_of_others(ws):
    stale = Workspace.open(ws.path)
    with ws.writer():
        ws.add_posts(make_posts(5))
    with stale.writer():  # reloads the manifest on entry: part 2, not a second part 1
        rep = stale.add_posts(make_posts(5, start=5))
    assert rep.seq == 2 and stale.n_posts == 10


# --------------------------------------------------------------------------- crash safety


def test_crash_before_manifest_commit_leaves_old_state(ws, monkeypatch):
    first, second = make_posts(20), make_posts(20, start=20, seed=9)
    with ws.writer():
        ws.add_posts(first)
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst).name == "manifest.json":
            raise OSError("simulated crash before commit")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with ws.writer():
        with pytest.raises(OSError, match="simulated"):
            ws.add_posts(second)
    monkeypatch.setattr(os, "replace", real_replace)

    assert (ws.path / "posts" / "part-000002.parquet").is_file()  # written, not committed
    again = assert_consistent(ws.path)
    assert again.n_posts == 20 and again.generation == 1
    pd.testing.assert_frame_equal(again.posts(), canonical(first))
    assert not list(ws.path.glob(".manifest.json.tmp-*"))
    with again.writer():  # garbage goes at the next write; re-running completes
        assert not (ws.path / "posts" / "part-000002.parquet").exists()
        rep = again.add_posts(pd.concat([first, second]))
    assert (rep.new, rep.already_present, rep.seq) == (20, 20, 2)
    pd.testing.assert_frame_equal(assert_consistent(ws.path).posts(), canonical(pd.concat([first, second])))


def test_process_killed_between_part_and_manifest(ws):
    """A real SIGKILL right before the manifest is replaced: lock freed, old state, re-run completes."""
    df = make_posts(30)
    df.to_parquet(ws.path.parent / "in.parquet")
    proc = run_py(f"""
        import os, signal
        import pandas as pd
        from amplify import workspace as w
        real = os.replace
        def replace(src, dst):
            if str(dst).endswith("manifest.json"):
                os.kill(os.getpid(), signal.SIGKILL)
            return real(src, dst)
        ws = w.Workspace.open({str(ws.path)!r})
        with ws.writer(timeout=5):
            os.replace = replace
            ws.add_posts(pd.read_parquet({str(ws.path.parent / 'in.parquet')!r}))
    """)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert list((ws.path / "posts").glob("part-*.parquet"))  # the orphan part
    assert list(ws.path.glob(".manifest.json.tmp-*"))  # and the uncommitted manifest
    again = assert_consistent(ws.path)
    assert again.n_posts == 0
    with again.writer(timeout=2):
        assert not list(ws.path.glob(".manifest.json.tmp-*"))
        rep = again.add_posts(df)
    assert rep.new == 30 and assert_consistent(ws.path).n_posts == 30


APPEND_LOOP = """
    import sys
    import pandas as pd
    from amplify.workspace import Workspace
    path, src, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    df = pd.read_parquet(src)
    ws = Workspace.open(path, create=True)
    for i in range(0, len(df), batch):
        with ws.writer(timeout=10):
            ws.add_posts(df.iloc[i:i + batch])
            ws.set_outlets(pd.DataFrame({"outlet": ["tass"], "group": [f"G{i}"]}))
            ws.save_links(pd.DataFrame(columns=["source_id", "target_id", "kind", "score", "source_start",
                "source_end", "target_start", "target_end", "lag_s", "attributed", "is_parent", "tie"]),
                {"batch": 1}, covered_through=ws.last_seq)
        print("batch", flush=True)
    print("done", flush=True)
"""


def run_append_loop(path, src, batch):
    """The loop of APPEND_LOOP, in this process (the re-run after a crash)."""
    code = textwrap.dedent(APPEND_LOOP).replace("print(", "(lambda *a, **k: None)(")
    old_argv = sys.argv
    sys.argv = ["append_loop", str(path), str(src), str(batch)]
    try:
        exec(compile(code, "append_loop", "exec"), {})
    finally:
        sys.argv = old_argv


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_at_random_points_while_appending(tmp_path, seed):
    rng = random.Random(seed)
    df = make_posts(200, seed=11)
    src = tmp_path / "all.parquet"
    df.to_parquet(src)
    path = tmp_path / "ws"
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(APPEND_LOOP), str(path), str(src), "20"],
        env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(rng.randint(1, 7)):  # let a seeded number of batches commit ...
        wait_for_line(proc, "batch")
    time.sleep(rng.uniform(0, 0.03))  # ... then kill somewhere inside the next one
    assert proc.poll() is None, proc.stderr.read()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    ws = assert_consistent(path)
    got = ws.posts()
    assert 0 < len(got) < len(df)
    pd.testing.assert_frame_equal(got, canonical(df[df["post_id"].isin(got["post_id"])]))  # stored posts intact
    assert all(ls["covered_through"] <= ws.last_seq for ls in ws.linksets())

    run_append_loop(path, src, 20)  # re-running completes the job
    ws = assert_consistent(path)
    pd.testing.assert_frame_equal(ws.posts(), canonical(df))
    assert ws.outlets(fill_missing=False)["group"].tolist() == [f"G{len(df) - 20}"]
    assert ws.linksets()[0]["covered_through"] == ws.last_seq
    with ws.writer():  # after the next write no garbage is left
        pass
    live = {p["file"] for p in ws.manifest["posts"]["parts"]} | {ws.manifest["outlets"]["file"]}
    on_disk = {str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()
               and not p.name.startswith((".lock", "manifest", "settings"))
               and "links" not in p.parts}
    assert on_disk == live
    assert len(list((path / "links").rglob("links-*.parquet"))) == 1


def test_stale_reader_survives_garbage_collection(ws):
    with ws.writer():
        ws.add_posts(make_posts(5))
        ws.set_outlets(pd.DataFrame({"outlet": ["tass"], "group": ["RU"]}))
    reader = Workspace.open(ws.path)
    with ws.writer():
        ws.set_outlets(pd.DataFrame({"outlet": ["tass"], "group": ["XX"]}))
    with ws.writer():  # collects the outlets file the reader's snapshot names
        pass
    assert reader.outlets(fill_missing=False)["group"].tolist() == ["XX"]  # refreshed, not crashed
    assert reader.generation == ws.generation


def test_garbage_collection_spares_foreign_files(ws):
    (ws.path / "README.txt").write_text("notes")
    (ws.path / "posts").mkdir()
    (ws.path / "posts" / "part-000009.parquet").write_bytes(b"orphan")
    (ws.path / "posts" / ".part-000009.parquet.tmp-1-ab").write_bytes(b"tmp")
    (ws.path / "links" / "abc").mkdir(parents=True)
    (ws.path / "links" / "abc" / "links-000003.parquet").write_bytes(b"orphan")
    with ws.writer():
        pass
    assert (ws.path / "README.txt").exists()
    assert list((ws.path / "posts").iterdir()) == []
    assert not (ws.path / "links" / "abc").exists()
