"""Time-sliced detection gives exactly the links of one pass (issue #15).

Generated corpora (amplify.synth) with a planted viral burst -- more copies of
one text than ``common_at`` within hours, so the viral bound decides which
pairs are made -- straddling a slice boundary, long quotes reaching past
``window`` across several slices, and reposts/quote posts of old posts.
These are regression checks of an exact equality, not quality figures.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from amplify.detect import DetectSettings, detect
from amplify.detect.incremental import detect_workspace
from amplify.detect.slices import (FramePosts, SliceStore, WorkspacePosts, detect_sliced, detect_workspace_sliced,
                                   parse_slice, plan_slices, slice_posts, split_slices)
from amplify.synth import generate
from amplify.workspace import Workspace

DAY = pd.Timedelta("1D").value


def _burst_corpus(boundary_ns: int, n_posts: int = 2500, seed: int = 5):
    """A generated month plus: 60 near-copies of one statement within 12 hours
    either side of ``boundary_ns`` (a viral burst: more than ``common_at``);
    12 long quotes of early posts 9-14 days later; 3 reposts of posts two weeks older."""
    c = generate(n_posts=n_posts, seed=seed)
    posts = c.posts.copy()
    rng = np.random.default_rng(seed)
    outlets = c.outlets["outlet"].tolist()
    base = ("The ministry of foreign affairs said on Tuesday that the sanctions announced by the council "
            "violate the charter and will be answered with measures of equal weight against those responsible")
    t0 = pd.Timestamp(boundary_ns, tz="UTC") - pd.Timedelta("12h")
    burst = pd.DataFrame({
        "post_id": [f"viral{i:03d}" for i in range(60)],
        "outlet": rng.choice(outlets, 60),
        "published_at": [t0 + pd.Timedelta(minutes=int(m)) for m in np.sort(rng.integers(0, 24 * 60, 60))],
        "text": [base + f" (report {i}, {rng.choice(['Reuters', 'TASS', 'Xinhua', 'AFP'])})" for i in range(60)],
    })
    t = pd.to_datetime(posts["published_at"], utc=True)
    early = posts[(t < t.min() + pd.Timedelta("8D")).to_numpy()]
    long_src = early[early["text"].str.split().str.len() >= 30].head(12)
    quotes = pd.DataFrame({
        "post_id": [f"longq{i:02d}" for i in range(len(long_src))],
        "outlet": rng.choice(outlets, len(long_src)),
        "published_at": (pd.to_datetime(long_src["published_at"], utc=True)
                         + pd.to_timedelta(rng.integers(9, 15, len(long_src)), unit="D")).to_numpy(),
        "text": ["Weeks ago it was said: \"" + " ".join(s.split()[:24]) + "\" and nothing has changed since."
                 for s in long_src["text"]],
    })
    reposts = pd.DataFrame({
        "post_id": [f"rp{i}" for i in range(3)], "outlet": outlets[:3],
        "published_at": (pd.to_datetime(early["published_at"].iloc[:3], utc=True) + pd.Timedelta("15D")).to_numpy(),
        "text": early["text"].iloc[:3].to_numpy(), "reposted_id": early["post_id"].iloc[:3].to_numpy(),
    })
    return pd.concat([posts, burst, quotes, reposts], ignore_index=True), c.outlets


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b) > 0
    for col in a.columns:
        assert a[col].equals(b[col]), col


@pytest.mark.parametrize("slice_len,window,quote_window,common_at", [
    ("3D", "2D", "10D", 25),      # far halo read in chunks and filtered
    ("4D", "1D", "30D", 6),       # a low viral bound: shingles common within window, common only
                                  # thanks to far posts, and rare, all at once
    ("7D", "2D", "0D", 25),       # no long look-back: the near halo only
    ("10D", "7D", "180D", 25),    # the defaults' horizons over a month
])
def test_sliced_equals_one_pass(slice_len, window, quote_window, common_at):
    slice_ns = parse_slice(slice_len)
    generated = generate(n_posts=2500, seed=5).posts
    t = pd.to_datetime(generated["published_at"], utc=True)
    mid = int(t.min().value + (t.max().value - t.min().value) // 2)
    boundary = (mid // slice_ns + 1) * slice_ns          # a slice boundary in the middle of the month
    posts, outlets = _burst_corpus(boundary)
    cfg = DetectSettings(window=window, quote_window=quote_window, common_at=common_at)
    one = detect(posts, outlets, settings=cfg)
    if quote_window == "0D":
        sliced = detect_sliced(posts, outlets, slice=slice_len, settings=cfg)
    else:
        # with a long look-back the slices read their tokens back from the holder index's pass:
        # detection itself tokenises nothing
        with patch("amplify.detect.pipeline.tokenize", side_effect=AssertionError("a slice tokenised again")):
            sliced = detect_sliced(posts, outlets, slice=slice_len, settings=cfg)
    _same(sliced, one)
    # the burst crosses the boundary and was bounded (more copies than common_at), on both sides
    viral = one[one["target_id"].str.startswith("viral")]
    tt = pd.to_datetime(posts.set_index("post_id").loc[viral["target_id"], "published_at"], utc=True)
    assert (tt.to_numpy() < pd.Timestamp(boundary, tz="UTC")).any() and (tt >= pd.Timestamp(boundary, tz="UTC")).any()
    assert viral.groupby("target_id").size().max() < 60
    assert (one["kind"].isin(["repost"])).sum() >= 3
    if quote_window != "0D":  # long quotes cross slices
        assert (one["lag_s"] > 2 * 86400).sum() >= 5


def test_far_halo_is_filtered_not_whole():
    # with a long look-back, a slice reads its near halo whole and of the far halo
    # only the posts sharing a shingle with its targets
    posts, _ = _burst_corpus(pd.Timestamp("2022-01-16", tz="UTC").value)
    cfg = DetectSettings(window="2D", quote_window="20D")
    src = FramePosts(posts)
    sl = plan_slices(*src.time_range(), 3 * DAY)[5]
    read, targets = slice_posts(src, sl, cfg)
    t = pd.to_datetime(read["published_at"], utc=True).astype("int64").to_numpy()
    near = (t >= sl.start_ns - 2 * DAY) & (t < sl.end_ns + 2 * DAY)
    all_t = src.times
    far_all = ((all_t >= sl.start_ns - 20 * DAY) & (all_t < sl.end_ns + 20 * DAY)).sum() - near.sum()
    assert near.sum() == ((all_t >= sl.start_ns - 2 * DAY) & (all_t < sl.end_ns + 2 * DAY)).sum()
    assert 0 < (~near).sum() < far_all / 2  # posts that cannot reach a target stay unread
    assert read["post_id"].is_unique and len(targets) > 0


def test_bad_slice_is_refused():
    from amplify.detect import SettingsError
    for bad in ("0D", "-1D", "soon"):
        with pytest.raises(SettingsError, match="slice"):
            parse_slice(bad)


def _ws(path, posts, outlets):
    ws = Workspace.open(path, create=True)
    with ws.writer():
        ws.set_outlets(outlets)
        # two ingests, so the parts overlap in time and the reader must merge them
        half = posts.sample(frac=0.5, random_state=1)
        ws.add_posts(half)
        ws.add_posts(posts.drop(half.index))
    return ws


def _one_pass_and_fresh(tmp_path, posts, outlets, cfg, name="sliced"):
    """Two workspaces of ``posts``: one detected in one pass with ``cfg`` (what the
    sliced runs must give), and one not detected yet, in folder ``name``."""
    full = _ws(tmp_path / "full", posts, outlets)
    with full.writer():
        detect_workspace(full, cfg)
    return full, _ws(tmp_path / name, posts, outlets)


def test_workspace_sliced_killed_and_resumed_equals_one_pass(tmp_path):
    posts, outlets = _burst_corpus(pd.Timestamp("2022-01-15", tz="UTC").value, n_posts=1500)
    cfg = DetectSettings(window="2D", quote_window="10D")
    full, ws = _one_pass_and_fresh(tmp_path, posts, outlets, cfg)
    assert WorkspacePosts.of(ws).between(0, 2**62)["post_id"].tolist() == ws.posts()["post_id"].tolist()

    class Killed(Exception):
        pass

    def kill_after(k):
        def on_slice(sl):
            if sl.index == k:
                raise Killed
        return on_slice

    with ws.writer():
        with pytest.raises(Killed):
            detect_workspace_sliced(ws, cfg, slice="4D", on_slice=kill_after(3))
    folder = next((ws.path / "slices").iterdir())
    written = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.parquet")}
    assert "links-000000.parquet" in written or any(n.startswith("links-") for n in written)
    assert not ws.refresh().linksets()  # nothing stored until every slice is done
    seen = []
    with ws.writer():
        run = detect_workspace_sliced(ws, cfg, slice="4D", on_slice=seen.append)
    assert run.mode.startswith("full (")
    assert not folder.exists()  # the per-slice files go once the link set is stored
    _same(ws.refresh().links(), full.refresh().links())
    # the resumed run did not redo the slices written before the kill (same files, untouched):
    # checked through the store of a third run killed at the same place
    ws3 = _ws(tmp_path / "third", posts, outlets)
    with ws3.writer():
        with pytest.raises(Killed):
            detect_workspace_sliced(ws3, cfg, slice="4D", on_slice=kill_after(3))
    folder3 = next((ws3.path / "slices").iterdir())
    before = {p.name: p.stat().st_mtime_ns for p in folder3.glob("*.parquet")}
    # nor the far choices made for every slice before the first (one pass over the holder index)
    before["far"] = (folder3 / "far" / "meta.json").stat().st_mtime_ns
    with ws3.writer():
        with pytest.raises(Killed):
            detect_workspace_sliced(ws3, cfg, slice="4D", on_slice=kill_after(5))
    after = {p.name: p.stat().st_mtime_ns for p in folder3.glob("*.parquet")}
    after["far"] = (folder3 / "far" / "meta.json").stat().st_mtime_ns
    assert all(after[n] == m for n, m in before.items()) and len(after) > len(before)


def test_far_sources_are_read_from_one_copy_made_for_all_slices(tmp_path):
    # the far sources of every slice are copied once (one pass over the parts); a slice reads its own
    # from that copy, never scanning the workspace's parts of its far halo -- and the links are one pass's
    posts, outlets = _burst_corpus(pd.Timestamp("2022-01-15", tz="UTC").value, n_posts=1500)
    cfg = DetectSettings(window="2D", quote_window="10D")
    full, ws = _one_pass_and_fresh(tmp_path, posts, outlets, cfg)
    source = WorkspacePosts.of(ws)
    assert len(source.parts) == 2
    # the copy reads back exactly as the parts do: same rows, columns and dtypes
    some = posts.sample(40, random_state=2)["post_id"].tolist()
    parts = source.keep(some, 0, 2**62, tmp_path)
    copy = source.kept(tmp_path, parts)
    lo, hi = source.time_range()
    want = source.with_ids(some, lo, hi)
    got = copy.with_ids(some, lo, hi)
    assert len(got) == 40 and list(got.columns) == list(want.columns)
    for col in want.columns:
        assert got[col].equals(want[col]), col
    assert source.keep(["nobody"], lo, hi, tmp_path / "none") is None
    reads = []
    real = WorkspacePosts.with_ids

    def spy(self, ids, lo_ns=None, hi_ns=None):
        out = real(self, ids, lo_ns, hi_ns)
        reads.append((Path(self.root), lo_ns is not None, len(out)))
        return out

    with patch.object(WorkspacePosts, "with_ids", spy), ws.writer():
        detect_workspace_sliced(ws, cfg, slice="4D")
    _same(ws.refresh().links(), full.refresh().links())
    far = [r for r in reads if r[1]]
    assert far and all(root.name == "far" for root, _, _ in far) and sum(n for _, _, n in far) > 0


def test_a_read_in_order_is_not_sorted_again_and_one_out_of_order_is():
    import pyarrow as pa

    from amplify.detect.post_sources import _in_order

    def table(times, ids):
        return pa.table({"published_at": pa.array(times, pa.timestamp("ns", tz="UTC")), "post_id": ids})

    assert _in_order(table([1, 2, 2, 3], ["d", "a", "b", "c"]))      # a tie broken by post_id
    assert not _in_order(table([1, 2, 2, 3], ["a", "c", "b", "d"]))  # a tie the wrong way round
    assert not _in_order(table([2, 1], ["a", "b"])) and _in_order(table([5], ["a"]))


def test_store_starts_afresh_when_the_plan_changes(tmp_path):
    s = SliceStore(tmp_path / "s", {"a": 1})
    s.write("raw", 0, pd.DataFrame({"x": [1]}))
    assert SliceStore(tmp_path / "s", {"a": 1}).has("raw", 0)
    assert not SliceStore(tmp_path / "s", {"a": 2}).has("raw", 0)


def test_cli_slice_stores_the_one_pass_link_set(tmp_path):
    from click.testing import CliRunner

    from amplify.cli import cli

    posts, outlets = _burst_corpus(pd.Timestamp("2022-01-15", tz="UTC").value, n_posts=800)
    for name in ("a", "b"):
        _ws(tmp_path / name, posts, outlets)
    args = ["--window", "2D", "--quote-window", "9D", "-q", "--format", "json"]
    sliced = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "a"), "--slice", "6D", *args])
    one = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "b"), *args])
    assert sliced.exit_code == 0 and one.exit_code == 0, sliced.output + one.output
    assert '"mode": "full (' in sliced.output and "slices of 6D, local)" in sliced.output
    _same(Workspace.open(tmp_path / "a").links(), Workspace.open(tmp_path / "b").links())


def test_sliced_equals_one_pass_across_a_gap():
    # a week without posts: slices whose last target is far from their end, far posts past it
    posts, outlets = _burst_corpus(pd.Timestamp("2022-01-08", tz="UTC").value, n_posts=2000, seed=9)
    t = pd.to_datetime(posts["published_at"], utc=True)
    gap = (t >= pd.Timestamp("2022-01-13", tz="UTC")) & (t < pd.Timestamp("2022-01-20", tz="UTC"))
    posts = posts[~gap.to_numpy()].reset_index(drop=True)
    cfg = DetectSettings(window="1D", quote_window="15D", common_at=8)
    one = detect(posts, outlets, settings=cfg)
    for slice_len in ("2D", "5D"):
        _same(detect_sliced(posts, outlets, slice=slice_len, settings=cfg), one)


def test_short_far_posts_are_no_long_quote_sources():
    # Past window only texts of quote_window_words tokens or more are paired (long quotes), so a
    # slice reads neither a short far post sharing rare shingles with a long target nor a long far
    # post sharing them only with a short target -- and still gives the links of one pass.
    posts, outlets = _burst_corpus(pd.Timestamp("2022-01-16", tz="UTC").value, n_posts=1500, seed=3)
    words = ("the delegation of the northern provinces rejected every clause of the draft accord "
             "signed in geneva by the envoys of both coalitions last spring").split()
    long_text = " ".join(words)                 # 23 tokens
    short_text = " ".join(words[2:12])          # 10 tokens (< 12), six shingles of long_text
    extra = pd.DataFrame({
        "post_id": ["short_far", "long_tgt", "long_far", "short_tgt"],
        "outlet": outlets["outlet"].iloc[:4].tolist(),
        "published_at": pd.to_datetime(["2022-01-05 10:00", "2022-01-17 10:00",
                                        "2022-01-04 09:00", "2022-01-17 11:00"], utc=True),
        "text": [short_text, long_text + " again", long_text.replace("northern", "southern"), short_text + " ok"],
    })
    posts = pd.concat([posts, extra], ignore_index=True)
    cfg = DetectSettings(window="2D", quote_window="20D")
    assert cfg.quote_window_words == 12
    src = FramePosts(posts)
    sl = next(s for s in plan_slices(*src.time_range(), 3 * DAY)
              if s.start_ns <= pd.Timestamp("2022-01-17", tz="UTC").value < s.end_ns)
    read, targets = slice_posts(src, sl, cfg)
    assert {"long_tgt", "short_tgt"} <= set(targets["post_id"])
    assert "short_far" not in set(read["post_id"]) and "long_far" in set(read["post_id"])
    # without the short target's rows nothing but long_tgt asks for long_far: drop long_tgt and it goes
    alone = posts[posts["post_id"] != "long_tgt"]
    read2, _ = slice_posts(FramePosts(alone), sl, cfg)
    assert "long_far" not in set(read2["post_id"])
    one = detect(posts, outlets, settings=cfg)
    assert ((one["target_id"] == "long_tgt") & (one["source_id"] == "long_far")).any()  # a long quote read
    _same(detect_sliced(posts, outlets, slice="3D", settings=cfg), one)


@settings(max_examples=200, deadline=None)
@given(days=st.lists(st.integers(0, 20), min_size=1, max_size=60), slice_days=st.integers(1, 9),
       window_days=st.integers(0, 3), max_posts=st.integers(1, 40))
def test_split_slices_bound_the_posts_read(days, slice_days, window_days, max_posts):
    # the pieces tile each slice in whole days; each reads at most max_posts posts unless it is one day
    times = np.sort(np.array(days, dtype=np.int64) * DAY + 7)
    w = window_days * DAY
    slices = plan_slices(int(times[0]), int(times[-1]), slice_days * DAY)
    pieces = split_slices(slices, times, max_posts, w)
    assert [p.index for p in pieces] == list(range(len(pieces)))
    assert pieces[0].start_ns == slices[0].start_ns and pieces[-1].end_ns == slices[-1].end_ns
    assert all(a.end_ns == b.start_ns for a, b in zip(pieces, pieces[1:]))
    bounds = {s.start_ns for s in slices}
    for p in pieces:
        assert (p.end_ns - p.start_ns) % DAY == 0 and p.end_ns > p.start_ns
        assert any(s.start_ns <= p.start_ns and p.end_ns <= s.end_ns for s in slices)  # never across a slice
        read = int(((times >= p.start_ns - w) & (times <= p.end_ns - 1 + w)).sum())
        assert read <= max_posts or p.end_ns - p.start_ns == DAY
        # and as long as it may be: one more day would read too many, or the slice ends
        if p.end_ns not in bounds | {slices[-1].end_ns}:
            more = int(((times >= p.start_ns - w) & (times <= p.end_ns + DAY - 1 + w)).sum())
            assert more > max_posts


def test_slices_cut_by_posts_give_the_one_pass_links(tmp_path):
    from click.testing import CliRunner

    from amplify.cli import cli

    posts, outlets = _burst_corpus(pd.Timestamp("2022-01-15", tz="UTC").value, n_posts=800)
    cfg = DetectSettings(window="2D", quote_window="9D")
    one = detect(posts, outlets, settings=cfg)
    sliced = detect_sliced(posts, outlets, slice="10D", settings=cfg, max_posts=300)
    _same(sliced, one)
    for name in ("a", "b"):
        _ws(tmp_path / name, posts, outlets)
    args = ["--window", "2D", "--quote-window", "9D", "-q", "--format", "json"]
    cut = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "a"), "--slice", "10D", "--slice-posts", "300",
                                   *args])
    assert cut.exit_code == 0, cut.output
    assert "cut at 300 posts read, local)" in cut.output
    n_cut = int(cut.output.split('"mode": "full (')[1].split(" slices")[0])
    whole = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "b"), "--slice", "10D", *args])
    assert n_cut > int(whole.output.split('"mode": "full (')[1].split(" slices")[0])
    _same(Workspace.open(tmp_path / "a").links(), Workspace.open(tmp_path / "b").links())
    bad = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "a"), "--slice-posts", "300", *args])
    assert bad.exit_code == 2 and "--slice-posts needs --slice" in bad.output
    bad = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "a"), "--slice", "10D", "--slice-posts", "0", *args])
    assert bad.exit_code == 2 and "--slice-posts must be a positive number of posts" in bad.output
