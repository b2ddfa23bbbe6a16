"""Compaction of a workspace grown by many small appends, and reads that skip parts (issue #15).

* a workspace ingested in many small, time-overlapping appends, compacted,
  reads back identical posts (``_seq`` and ``_text_sha1`` included), keeps
  its link sets, gives the same links from a full detect, passes ``check``;
* incremental detection after compaction -- also when the compacted parts
  span a link set's ``covered_through`` -- equals one full detect;
* ``posts(since_seq=s)`` is the same before and after for every ``s``;
* ``posts(outlets=, since=, until=)`` equals filtering every post, and skips
  parts by their records and footers;
* ``amplify info`` lists the outlets from the parts' footers, reading no post;
* a second compaction after a few appends rewrites only the new parts;
* ``amplify compact`` SIGKILLed at any point leaves a readable workspace with
  the same posts, and a re-run completes.
"""

from __future__ import annotations

import json
import random
import signal
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from amplify.detect import DetectSettings
from amplify.detect.incremental import detect_workspace
from amplify.synth import generate
from amplify.workspace import Workspace
from amplify.workspace.compact import plan_compaction
from amplify.workspace.parts import OUTLETS_KEY, part_outlets

REPO = Path(__file__).resolve().parents[1]
N_POSTS = 3000
N_APPENDS = 24
INTERNAL = ["_seq", "_text_sha1"]


def _appends(posts: pd.DataFrame, n: int, seed: int) -> list[pd.DataFrame]:
    """``posts`` cut into ``n`` random (time-overlapping) pieces; some carry an extra column."""
    rng = np.random.default_rng(seed)
    label = rng.integers(0, n, len(posts))
    out = []
    for i in range(n):
        piece = posts[label == i].reset_index(drop=True)
        if i % 5 == 2:
            piece = piece.assign(note=[f"n{i}"] * len(piece))
        out.append(piece)
    return out


def _fill(path: Path, pieces: list[pd.DataFrame], outlets: pd.DataFrame | None = None) -> Workspace:
    ws = Workspace.open(path, create=True)
    with ws.writer():
        if outlets is not None:
            ws.set_outlets(outlets)
        for piece in pieces:
            ws.add_posts(piece)
    return ws


def _all_posts(ws: Workspace) -> pd.DataFrame:
    return ws.posts(columns=ws.post_columns(internal=True))


def _links(ws: Workspace, **kw) -> pd.DataFrame:
    with ws.writer():
        detect_workspace(ws, DetectSettings(), **kw)
    cols = ["source_id", "target_id", "kind", "score", "source_start", "source_end", "target_start",
            "target_end", "is_parent", "tie"]
    return ws.links()[cols].sort_values(cols[:5]).reset_index(drop=True)


@pytest.fixture(scope="module")
def corpus():
    c = generate(n_posts=N_POSTS, seed=3)
    return c.posts.drop(columns=[c for c in c.posts.columns if c not in ("post_id", "outlet", "published_at",
                                                                          "text", "lang")]), c.outlets


def test_compacted_workspace_reads_the_same_posts_links_and_passes_check(corpus, tmp_path):
    posts, outlets = corpus
    ws = _fill(tmp_path / "ws", _appends(posts, N_APPENDS, seed=1), outlets)
    before = _all_posts(ws)
    n_parts = len(ws.manifest["posts"]["parts"])
    assert n_parts == N_APPENDS
    links_before = _links(ws)
    assert len(links_before) > 50  # the corpus has echoes to find
    lid = ws.linksets()[-1]["id"]
    stored_before = ws.links(lid)
    info_before = ws.info()

    with ws.writer():
        rep = ws.compact(rows_per_part=700)
    assert rep.changed and rep.parts_merged == N_APPENDS and rep.parts_written == ws.info()["n_parts"]
    parts = sorted(ws.manifest["posts"]["parts"], key=lambda p: p["first_key"])
    assert 3 <= len(parts) <= 6  # ~3000 / 700
    assert all(a["last_key"] < b["first_key"] for a, b in zip(parts, parts[1:]))  # disjoint in time
    assert all(p["rows"] <= 2 * 700 for p in parts)
    # old files are gone now, not at the next write
    assert sorted(f.name for f in (ws.path / "posts").iterdir()) == sorted(Path(p["file"]).name for p in parts)

    after = _all_posts(ws)
    pd.testing.assert_frame_equal(before, after)
    pd.testing.assert_frame_equal(Workspace.open(ws.path).posts(), ws.posts())
    assert ws.check(deep=True).ok
    # the stored link set is untouched and still covers every post
    pd.testing.assert_frame_equal(stored_before, ws.links(lid))
    assert ws.linksets()[-1]["covered_through"] == ws.last_seq == N_APPENDS + len(parts)
    with ws.writer():
        assert detect_workspace(ws, DetectSettings()).mode == "up to date"
    pd.testing.assert_frame_equal(links_before, _links(ws, full=True))
    info = ws.info()
    for key in ("n_posts", "time_range", "n_outlets", "groups", "n_missing_outlets"):
        assert info[key] == info_before[key], key

    # again: nothing to do
    with ws.writer():
        assert not ws.compact(rows_per_part=700).changed


def test_since_seq_is_exact_after_compaction(corpus, tmp_path):
    posts, _ = corpus
    ws = _fill(tmp_path / "ws", _appends(posts.head(1200), 10, seed=2))
    cols = ["post_id", "_seq"]
    expected = {s: ws.posts(columns=cols, since_seq=s) for s in range(0, ws.last_seq + 1)}
    with ws.writer():
        ws.compact(rows_per_part=400)
    assert any(p.get("seqs", [0, 0])[0] < p.get("seqs", [0, 0])[1] for p in ws.manifest["posts"]["parts"])
    for s, want in expected.items():
        pd.testing.assert_frame_equal(ws.posts(columns=cols, since_seq=s), want, obj=f"since_seq={s}")
    assert len(ws.posts(since_seq=ws.last_seq)) == 0


@pytest.mark.parametrize("lagging", [False, True])
def test_incremental_detect_after_compaction_equals_one_full_detect(corpus, tmp_path, lagging):
    """Old posts in many appends, detect, (more appends, not detected,) compact, new posts, detect:
    the links of one full detect. With ``lagging`` the compacted parts hold posts the link set has
    not seen, so only their rows past ``covered_through`` are new."""
    posts, outlets = corpus
    posts = posts.sort_values("published_at").reset_index(drop=True)
    n = len(posts)
    early, middle, late = posts.iloc[: int(0.6 * n)], posts.iloc[int(0.6 * n): int(0.85 * n)], posts.iloc[int(0.85 * n):]
    ws = _fill(tmp_path / "ws", _appends(early if lagging else pd.concat([early, middle]), 8, seed=4), outlets)
    _links(ws)
    covered = ws.linksets()[-1]["covered_through"]
    if lagging:
        with ws.writer():
            for piece in _appends(middle, 4, seed=5):
                ws.add_posts(piece)
    with ws.writer():
        ws.compact(rows_per_part=10_000)
    if lagging:  # the set still misses the middle posts, now inside a compacted part
        assert ws.linksets()[-1]["covered_through"] == covered
        part = ws.manifest["posts"]["parts"][-1]
        assert part["seqs"][0] <= covered < part["seqs"][1]
        assert set(ws.posts(columns=["post_id"], since_seq=covered)["post_id"]) == set(middle["post_id"])
    with ws.writer():
        for piece in _appends(late, 3, seed=6):
            ws.add_posts(piece)
    with ws.writer():
        run = detect_workspace(ws, DetectSettings())
    assert run.mode == "incremental" and run.new_posts == len(late) + (len(middle) if lagging else 0)
    inc = _links(ws)
    ref = _links(_fill(tmp_path / "ref", [posts], outlets))
    pd.testing.assert_frame_equal(inc, ref)


def test_second_compaction_rewrites_only_the_new_parts(corpus, tmp_path):
    posts, _ = corpus
    posts = posts.sort_values("published_at").reset_index(drop=True)
    old, new = posts.iloc[:2400], posts.iloc[2400:]
    ws = _fill(tmp_path / "ws", _appends(old, 12, seed=7))
    with ws.writer():
        ws.compact(rows_per_part=800)
    big = {p["file"]: p["sha256"] for p in ws.manifest["posts"]["parts"]}
    with ws.writer():
        for piece in _appends(new, 5, seed=8):
            ws.add_posts(piece)
    before = _all_posts(ws)
    with ws.writer():
        rep = ws.compact(rows_per_part=800)
    assert rep.parts_merged == 5 and rep.posts_moved == len(new)
    now = {p["file"]: p["sha256"] for p in ws.manifest["posts"]["parts"]}
    assert all(now.get(f) == sha for f, sha in big.items())  # the large parts were kept as they were
    pd.testing.assert_frame_equal(before, _all_posts(ws))


def test_plan_keeps_large_disjoint_parts_and_merges_overlapping_ones():
    def part(seq, rows, a, b):
        return {"seq": seq, "rows": rows, "first_key": [a, "x"], "last_key": [b, "y"]}

    big1, big2 = part(1, 100, 0, 10), part(2, 100, 20, 30)
    smalls = [part(4, 5, 11, 12), part(5, 5, 13, 19)]       # between two kept parts
    overlapping = [part(6, 100, 40, 50), part(7, 100, 45, 55)]  # large, but overlapping each other
    groups = plan_compaction([big1, big2] + smalls + overlapping, rows_per_part=100)
    assert sorted(sorted(p["seq"] for p in g) for g in groups) == [[4, 5], [6, 7]]
    # a small part touching a large one's range makes the large one part of the run
    groups = plan_compaction([big1, big2, part(8, 5, 30, 33), part(9, 5, 34, 36)], rows_per_part=100)
    assert [sorted(p["seq"] for p in g) for g in groups] == [[2, 8, 9]]
    assert plan_compaction([big1, big2], rows_per_part=100) == []


def test_posts_filters_equal_filtering_every_post_and_skip_parts(corpus, tmp_path, monkeypatch):
    posts, _ = corpus
    ws = _fill(tmp_path / "ws", _appends(posts, 12, seed=9))
    everything = ws.posts()
    t = everything["published_at"]
    since, until = t.quantile(0.3), t.quantile(0.45)
    outlet_names = sorted(everything["outlet"].unique())[:2]

    def expected(mask):
        return everything[mask].reset_index(drop=True)

    for compacted in (False, True):
        if compacted:
            with ws.writer():
                ws.compact(rows_per_part=300)
        pd.testing.assert_frame_equal(ws.posts(since=since, until=until), expected((t >= since) & (t < until)))
        pd.testing.assert_frame_equal(ws.posts(outlets=outlet_names), expected(everything["outlet"].isin(outlet_names)))
        pd.testing.assert_frame_equal(ws.posts(outlets=outlet_names[0], since=since),
                                      expected((everything["outlet"] == outlet_names[0]) & (t >= since)))
        got = ws.posts(ids=everything["post_id"].iloc[::7].tolist(), until=until, columns=["post_id", "text"])
        want = everything.iloc[::7]
        pd.testing.assert_frame_equal(got, want[want["published_at"] < until][["post_id", "text"]]
                                      .reset_index(drop=True))
        assert len(ws.posts(since=until, until=since)) == 0
    # after compaction, a time range opens only the parts that meet it
    from amplify.workspace import parts as parts_mod
    opened = []
    real = parts_mod.read_part
    monkeypatch.setattr(parts_mod, "read_part",
                        lambda path, *a, **k: opened.append(Path(path).name) or real(path, *a, **k))
    ws.posts(since=since, until=until)
    n_parts = len(ws.manifest["posts"]["parts"])
    assert 1 <= len(set(opened)) < n_parts / 2, (opened, n_parts)


def test_info_lists_outlets_from_the_footers_without_reading_posts(corpus, tmp_path, monkeypatch):
    posts, outlets = corpus
    ws = _fill(tmp_path / "ws", _appends(posts, 6, seed=10), outlets.head(3))
    want = ws.info()
    for p in ws.manifest["posts"]["parts"]:
        assert OUTLETS_KEY in pq.read_schema(ws.path / p["file"]).metadata
        counts = part_outlets(ws.path, p)
        assert sum(counts.values()) == p["rows"]
    # reading a posts part (any column) now fails: info must still answer
    import pyarrow.parquet

    real_read_table = pyarrow.parquet.read_table

    def refuse_posts(source, *a, **k):
        if "posts" in Path(str(source)).parts:
            raise AssertionError(f"info read posts from {source}")
        return real_read_table(source, *a, **k)

    def refuse(*a, **k):
        raise AssertionError("info read posts")
    monkeypatch.setattr(pyarrow.parquet, "read_table", refuse_posts)
    monkeypatch.setattr(pyarrow.parquet.ParquetFile, "read", refuse)
    monkeypatch.setattr(pyarrow.parquet.ParquetFile, "read_row_groups", refuse)
    got = Workspace.open(ws.path).info()
    assert got["n_outlets"] == want["n_outlets"] == posts["outlet"].nunique() + len(
        set(outlets.head(3)["outlet"]) - set(posts["outlet"]))
    assert got["groups"] == want["groups"] and got["n_missing_outlets"] == want["n_missing_outlets"] > 0


# --------------------------------------------------------------------------- the command, killed

CLI = [sys.executable, "-c", "from amplify.cli import main; main()"]


def _amplify(*args, **kw):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, timeout=300, **kw)


def test_killed_compact_leaves_a_readable_workspace_and_a_rerun_completes(corpus, tmp_path):
    posts, outlets = corpus
    big = pd.concat([posts.assign(post_id=posts["post_id"] + f"-{k}",
                                  published_at=posts["published_at"] + pd.Timedelta(days=40 * k))
                     for k in range(4)], ignore_index=True)
    start = tmp_path / "start"
    ws = _fill(start, _appends(big, 60, seed=11), outlets)
    want = _all_posts(ws)
    t0 = __import__("time").monotonic()
    done = tmp_path / "done"
    shutil.copytree(start, done)
    res = _amplify("compact", "--workspace", done, "--rows-per-part", "1000", "-q", "--format", "json")
    total = __import__("time").monotonic() - t0
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["parts_after"] < 60
    rng = random.Random(15)
    outcomes = set()
    for k in range(5):
        path = tmp_path / f"k{k}"
        shutil.copytree(start, path)
        delay = total * (0.3 + 0.7 * rng.random())
        proc = subprocess.Popen(CLI + ["compact", "--workspace", str(path), "--rows-per-part", "1000", "-q"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        killed = Workspace.open(path)  # refuses a damaged workspace
        outcomes.add((proc.returncode, len(killed.manifest["posts"]["parts"]) < 60))
        pd.testing.assert_frame_equal(_all_posts(killed), want)
        assert killed.check(deep=True).ok
        res = _amplify("compact", "--workspace", path, "--rows-per-part", "1000", "-q")
        assert res.returncode == 0, res.stderr
        again = Workspace.open(path)
        pd.testing.assert_frame_equal(_all_posts(again), want)
        assert again.check(deep=True).ok and len(again.manifest["posts"]["parts"]) < 60
        assert not [p for p in path.rglob("*") if ".tmp-" in p.name]
        names = {Path(p["file"]).name for p in again.manifest["posts"]["parts"]}
        assert {f.name for f in (path / "posts").iterdir()} == names  # no orphan parts left
    assert (-signal.SIGKILL, False) in outcomes, outcomes  # at least one kill hit before the commit


def test_time_and_outlet_reads_skip_row_groups_inside_a_compacted_part(corpus, tmp_path, monkeypatch):
    from amplify.workspace import parts as parts_mod

    posts, _ = corpus
    monkeypatch.setattr(parts_mod, "POSTS_ROW_GROUP", 64)  # many row groups in a small part
    ws = _fill(tmp_path / "ws", _appends(posts, 6, seed=12))
    with ws.writer():
        ws.compact(rows_per_part=len(posts))
    (part,) = ws.manifest["posts"]["parts"]
    n_groups = pq.read_metadata(ws.path / part["file"]).num_row_groups
    assert n_groups == -(-len(posts) // 64)
    everything = ws.posts()
    t = everything["published_at"]
    read = []
    real = pq.ParquetFile.read_row_groups
    monkeypatch.setattr(pq.ParquetFile, "read_row_groups",
                        lambda self, groups, *a, **k: read.append(list(groups)) or real(self, groups, *a, **k))
    since, until = t.quantile(0.50), t.quantile(0.55)
    got = ws.posts(since=since, until=until)
    pd.testing.assert_frame_equal(got, everything[(t >= since) & (t < until)].reset_index(drop=True))
    groups = {g for r in read for g in r}
    assert len(groups) <= 0.05 * n_groups + 3, (len(groups), n_groups)  # ~5 % of the posts, ~5 % of the groups
    # an outlet with few posts: its posts' groups, not every group, are read past the probe
    rare = everything["outlet"].value_counts().index[-1]
    read.clear()
    got = ws.posts(outlets=[rare])
    pd.testing.assert_frame_equal(got, everything[everything["outlet"] == rare].reset_index(drop=True))
    whole_reads = [r for r in read if len(r) < n_groups]  # the probe reads every group's outlet column
    assert 0 < sum(len(r) for r in whole_reads) <= (everything["outlet"] == rare).sum()


def test_info_suggests_compact_and_the_command_reports_what_it_did(corpus, tmp_path):
    from click.testing import CliRunner

    from amplify.cli import cli

    posts, _ = corpus
    ws = _fill(tmp_path / "ws", _appends(posts, 12, seed=13))
    runner = CliRunner()
    r = runner.invoke(cli, ["info", "--workspace", str(ws.path)])
    assert r.exit_code == 0 and "12 small or overlapping parts: `amplify compact" in r.output, r.output
    r = runner.invoke(cli, ["compact", "--workspace", str(ws.path), "--format", "json", "-q"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["changed"] and out["parts_before"] == 12 and out["parts_after"] == 1 == out["parts_written"]
    assert out["posts_moved"] == len(posts)
    r = runner.invoke(cli, ["info", "--workspace", str(ws.path), "--format", "json"])
    assert json.loads(r.output)["n_compactable_parts"] == 0
    r = runner.invoke(cli, ["compact", "--workspace", str(ws.path)])
    assert r.exit_code == 0 and "already compact: 1 part(s), nothing rewritten" in r.output
    r = runner.invoke(cli, ["compact", "--workspace", str(tmp_path / "nothing")])
    assert r.exit_code == 1 and "no workspace at" in r.output and "Traceback" not in r.output


def test_a_part_without_an_outlets_summary_is_read(tmp_path):
    """Parts written before summaries existed: their outlets come from the outlet column."""
    import pyarrow as pa

    (tmp_path / "posts").mkdir()
    pq.write_table(pa.table({"outlet": ["tass", "rt", "tass", None]}), tmp_path / "posts" / "old.parquet")
    assert part_outlets(tmp_path, {"file": "posts/old.parquet"}) == {"tass": 2, "rt": 1}


def test_posts_already_stored_and_conflicts_are_recognised_after_compaction(corpus, tmp_path):
    posts, _ = corpus
    pieces = _appends(posts.head(900), 9, seed=14)
    ws = _fill(tmp_path / "ws", pieces)
    seq_of = ws.posts(columns=["post_id", "_seq"]).set_index("post_id")["_seq"]
    with ws.writer():
        ws.compact()
        again = ws.add_posts(pd.concat(pieces, ignore_index=True))
        changed = pieces[4].head(3).assign(text="a different text")
        conflict = ws.add_posts(changed)
        # ids made from the content (files without an id column): recognised by outlet, time and text
        by_content = ws.add_posts(pieces[2].assign(post_id=pieces[2]["post_id"] + "-content"),
                                  match_content=np.ones(len(pieces[2]), dtype=bool))
    assert (again.new, again.already_present, again.n_conflicts) == (0, 900, 0)
    assert conflict.new == 0 and conflict.n_conflicts == 3
    stored = conflict.conflicts[conflict.conflicts["version"] == "stored"]
    assert stored.set_index("post_id")["seq"].astype(int).to_dict() == seq_of[stored["post_id"]].to_dict()
    assert (by_content.new, by_content.already_present) == (0, len(pieces[2]))
    assert ws.n_posts == 900


def test_sliced_detection_of_a_compacted_workspace_gives_the_links_of_one_pass(corpus, tmp_path):
    """Sliced detection reads parts by time range (``WorkspacePosts``); after compaction each slice
    reads a few row groups of a few parts, and the links are those of one pass before compaction."""
    from amplify.detect.slices import detect_workspace_sliced

    posts, outlets = corpus
    ws = _fill(tmp_path / "ws", _appends(posts, 10, seed=15), outlets)
    one_pass = _links(ws)
    with ws.writer():
        ws.compact(rows_per_part=500)
        detect_workspace_sliced(ws, DetectSettings(), slice="5D", full=True)
    cols = list(one_pass.columns)
    sliced = ws.links()[cols].sort_values(cols[:5]).reset_index(drop=True)
    pd.testing.assert_frame_equal(sliced, one_pass)


def test_a_damaged_footer_is_a_message_naming_amplify_check(tmp_path):
    """``info`` reads the parts' footers: one with a changed byte (same size, so opening passes) is a
    message naming the part and ``amplify check``, exit code 1, not an internal error (as it was)."""
    from click.testing import CliRunner

    from amplify.cli import cli
    from workspace_helpers import make_posts

    ws = _fill(tmp_path / "ws", [make_posts(12)])
    part = ws.path / ws.manifest["posts"]["parts"][0]["file"]
    data = bytearray(part.read_bytes())
    footer = int.from_bytes(data[-8:-4], "little")
    data[len(data) - 8 - footer + 40] ^= 0xFF
    part.write_bytes(bytes(data))
    for cmd in ("info", "summary"):  # the footers (outlets summary), then the posts themselves
        r = CliRunner().invoke(cli, [cmd, "--workspace", str(ws.path)])
        assert r.exit_code == 1, r.output
        assert "posts part 1 (posts/part-000001.parquet)" in r.output and "amplify check --workspace" in r.output
