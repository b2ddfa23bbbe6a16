"""Sliced detection on two processes (``--jobs 2``) gives the links of one process, and resumes.

Regression checks of an exact equality on generated corpora (amplify.synth),
not quality figures.
"""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from test_slices import _burst_corpus, _one_pass_and_fresh, _same, _ws

from amplify.cli import cli
from amplify.detect import DetectSettings
from amplify.detect.slices import SliceStore, detect_workspace_sliced
from amplify.detect.settings import SettingsError


@pytest.fixture(scope="module")
def corpus():
    return _burst_corpus(pd.Timestamp("2022-01-15", tz="UTC").value, n_posts=1200)


def test_two_processes_give_the_one_pass_links_and_resume(tmp_path, corpus):
    posts, outlets = corpus
    cfg = DetectSettings(window="2D", quote_window="10D")
    full, ws = _one_pass_and_fresh(tmp_path, posts, outlets, cfg, "jobs")

    class Killed(Exception):
        pass

    def kill_at(sl):
        if sl.index == 2:
            raise Killed

    # killed after slice 2's step two, in one process: its files stay
    with ws.writer():
        with pytest.raises(Killed):
            detect_workspace_sliced(ws, cfg, slice="4D", on_slice=kill_at)
    folder = next((ws.path / "slices").iterdir())
    before = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.parquet")}
    assert "raw-000002.parquet" in before
    seen = []
    with ws.writer():
        run = detect_workspace_sliced(ws, cfg, slice="4D", jobs=2, on_slice=seen.append)
    assert "2 processes" in run.mode
    # every slice settled once, in slice order; the slices written before were not redone
    assert [sl.index for sl in seen] == list(range(len(seen))) and len(seen) > 3
    _same(ws.refresh().links(), full.refresh().links())
    assert not folder.exists()


def test_jobs_must_be_positive(tmp_path, corpus):
    posts, outlets = corpus
    ws = _ws(tmp_path / "w", posts.head(50), outlets)
    with ws.writer(), pytest.raises(SettingsError, match="positive number of processes"):
        detect_workspace_sliced(ws, DetectSettings(), slice="4D", jobs=0)


def test_cli_jobs(tmp_path, corpus):
    posts, outlets = corpus
    for name in ("a", "b"):
        _ws(tmp_path / name, posts, outlets)
    args = ["--window", "2D", "--quote-window", "9D", "-q", "--format", "json"]
    two = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "a"), "--slice", "6D", "--jobs", "2", *args])
    one = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "b"), "--slice", "6D", *args])
    assert two.exit_code == 0 and one.exit_code == 0, two.output + one.output
    assert "slices of 6D, local, 2 processes)" in two.output
    from amplify.workspace import Workspace
    _same(Workspace.open(tmp_path / "a").links(), Workspace.open(tmp_path / "b").links())
    for bad, why in ((["--jobs", "2"], "--jobs needs --slice"),
                     (["--slice", "6D", "--jobs", "0"], "--jobs must be a positive number of processes"),
                     (["--slice", "6D", "--jobs", "2", "--engine", "spark"], "--jobs needs --slice")):
        out = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "a"), *bad, *args])
        assert out.exit_code == 2 and why in out.output, out.output


def test_a_store_attached_by_a_worker_keeps_the_plan(tmp_path):
    s = SliceStore(tmp_path / "s", {"a": 1})
    s.write("raw", 3, pd.DataFrame({"x": [1]}))
    assert SliceStore.attach(tmp_path / "s").has("raw", 3)
    assert SliceStore(tmp_path / "s", {"a": 1}).has("raw", 3)


def test_step_two_reads_only_the_slices_holding_its_sources(tmp_path, corpus):
    """Parents chosen with the links into a slice's sources read from the earlier
    slices whose span holds a source's time: the same links as reading them all."""
    from unittest.mock import patch

    from amplify.detect.slices import SOURCE_NS, detect_sliced, parse_slice, plan_slices, settle_parents

    posts, outlets = corpus
    cfg = DetectSettings(window="1D", quote_window="10D")
    folder = tmp_path / "store"
    detect_sliced(posts, outlets, slice="2D", settings=cfg, folder=folder)
    t = pd.to_datetime(posts["published_at"], utc=True, format="mixed").astype("int64")
    slices = plan_slices(int(t.min()), int(t.max()), parse_slice("2D"))
    store = SliceStore.attach(folder)
    checked = 0
    for sl in slices[3:]:
        raw = store.read("raw", sl.index)
        if not len(raw):
            continue
        everything = settle_parents(raw, store.into_sources(sl.index))
        reads = []
        real_read = SliceStore.read

        def counted(self, step, k, filter=None):
            reads.append(k)
            return real_read(self, step, k, filter=filter)

        with patch.object(SliceStore, "read", counted):
            some = settle_parents(raw, store.into_sources(sl.index, slices, raw[SOURCE_NS].to_numpy()))
        _same(some, everything)
        held = {s.index for s in slices if ((raw[SOURCE_NS] >= s.start_ns) & (raw[SOURCE_NS] < s.end_ns)).any()}
        assert set(reads) == held - {s.index for s in slices if s.index >= sl.index}
        checked += 1
    assert checked >= 3


def test_a_worker_that_dies_is_one_clear_error_and_the_run_resumes(tmp_path, corpus):
    """A worker killed mid-run (as the kernel's out-of-memory killer would) ends the
    run with SliceJobError, the slices written stay, and the next run completes."""
    import multiprocessing
    import os
    import signal

    from amplify.detect.slice_jobs import SliceJobError

    posts, outlets = corpus
    cfg = DetectSettings(window="2D", quote_window="10D")
    full, ws = _one_pass_and_fresh(tmp_path, posts, outlets, cfg, "jobs")

    def kill_a_worker(sl):
        if sl.index == 1:
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGKILL)

    with ws.writer(), pytest.raises(SliceJobError, match="died"):
        detect_workspace_sliced(ws, cfg, slice="4D", jobs=2, on_slice=kill_a_worker)
    folder = next((ws.path / "slices").iterdir())
    assert (folder / "links-000001.parquet").exists()
    with ws.writer():
        detect_workspace_sliced(ws, cfg, slice="4D", jobs=2)
    _same(ws.refresh().links(), full.refresh().links())
