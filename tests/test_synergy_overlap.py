"""Camps that barely overlap in time are not compared, and the reason given is their dates, not their size.

A user's EARLY camp (posts 2021-09 to 2022-02-02) against LATE (2022-01-31 to
2022-10) was warned "camp LATE is too small to test" while the label test
reported an expected count of echoes between camps that shared three days.
Here two worlds of five outlets each (enough outlets for the label test to
reach p < 0.01) share a few days, or none but a gap shorter than the window:
the pair must be 'not testable', with the period and the posts of each camp
in it named in a warning, and the --since/--until it suggests must make the
pair comparable. Every figure checked is computed from the posts here.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.analyze.synergy import camp_synergy
from amplify.analyze.synergy_scope import MIN_OVERLAP_SHARE, camp_overlaps
from synergy_worlds import WINDOW, build_world, combine

DAY = pd.Timedelta(days=1)
W = pd.Timedelta(WINDOW)
START = pd.Timestamp("2022-01-02T00:00:00Z")


def _camp(name, start, days, seed):
    rows = [(f"{name.lower()}{i}", name, "x", 3) for i in range(5)]
    return build_world(rows, {(name, name): 40}, start=start, days=days, seed=seed, prefix=f"{name}-")


def _early_late(gap_days: float):
    """EARLY over 60 days, then LATE over 60 days starting ``gap_days`` after EARLY's last post (negative: before)."""
    early = _camp("EARLY", START, 60, seed=1)
    late = _camp("LATE", early[0]["published_at"].max() + gap_days * DAY, 60, seed=2)
    return combine(early, late)


def _expected(posts, outlets):
    """The overlap as the warning must name it, computed here from the posts."""
    camp = posts["outlet"].map(outlets.set_index("outlet")["group"])
    t = {c: posts.loc[camp == c, "published_at"] for c in ("EARLY", "LATE")}
    first = max(t["EARLY"].min(), t["LATE"].min())
    last = min(t["EARLY"].max(), t["LATE"].max())
    near = {c: int(((s >= first - W) & (s <= last + W)).sum()) for c, s in t.items()}
    days = (last.normalize() - first.normalize()).days + 1
    return first, last, days, near, {c: len(s) for c, s in t.items()}


def test_a_few_shared_days_are_named_and_the_pair_is_not_tested():
    posts, links, outlets = _early_late(-3)
    first, last, days, near, total = _expected(posts, outlets)
    assert 0 < days <= 4 and min(near[c] / total[c] for c in near) < MIN_OVERLAP_SHARE  # the case of the issue
    rep = camp_synergy(links, posts, outlets, seed=0, window=WINDOW, permutations=300)
    rec = rep.reciprocity.set_index(["a", "b"]).loc[("EARLY", "LATE")]
    assert rec["status"] == "not testable" and rec["tested_by_ab"] == rec["tested_by_ba"] == "none"
    when = f"from {first:%Y-%m-%d} to {last:%Y-%m-%d} ({days} days)"
    assert rec["note"].startswith("not testable: camps EARLY and LATE publish together only " + when)
    said = [w for w in rep.warnings if "publish together only" in w]
    assert len(said) == 1
    assert when in said[0] and "not tested" in said[0] and f"within one window ({WINDOW})" in said[0]
    assert f"{near['EARLY']:,} of EARLY's {total['EARLY']:,} posts" in said[0]
    assert f"{near['LATE']:,} of LATE's {total['LATE']:,}" in said[0]
    # their size is not what stops the test, so no camp is called too small, nor is the label test's resolution
    assert not any("too small" in w or "label test cannot reach" in w for w in rep.warnings)
    # the label test could have reached alpha with these outlets: without the overlap rule it would have answered
    assert rep.pairs["label_min_p"].max() < 0.01


def test_the_period_the_warning_suggests_makes_the_pair_comparable():
    posts, links, outlets = _early_late(-3)
    rep = camp_synergy(links, posts, outlets, seed=0, window=WINDOW, permutations=100)
    since, until = re.search(r"--since (\S+) --until (\S+)", " ".join(rep.warnings)).groups()
    first, last, _, _, _ = _expected(posts, outlets)
    assert pd.Timestamp(since, tz="UTC") <= first - W and pd.Timestamp(until, tz="UTC") > last + W
    there = camp_synergy(links, posts, outlets, seed=0, window=WINDOW, permutations=100, since=since, until=until)
    assert not any("publish together only" in w for w in there.warnings)
    assert not there.pairs["note"].str.contains("publish together only").any()


def test_camps_that_meet_only_across_a_gap_are_not_tested():
    posts, links, outlets = _early_late(3)   # LATE starts three days after EARLY's last post: within one window
    rep = camp_synergy(links, posts, outlets, seed=0, window=WINDOW, permutations=100)
    rec = rep.reciprocity.set_index(["a", "b"]).loc[("EARLY", "LATE")]
    assert rec["status"] == "not testable" and "never publish at the same time" in rec["note"]
    assert not any("never publish within one window" in w for w in rep.warnings)   # they do meet
    assert any("never publish at the same time" in w and "not tested" in w for w in rep.warnings)


def test_camps_that_share_their_period_are_still_tested():
    posts, links, outlets = _early_late(-60)   # LATE starts with EARLY: the two share all their days
    rep = camp_synergy(links, posts, outlets, seed=0, window=WINDOW, permutations=300)
    assert not rep.pairs["note"].str.contains("publish together only|never publish").any()
    assert (rep.pairs["tested_by"] != "none").any()


def test_overlap_counts_match_a_direct_count():
    rng = np.random.default_rng(3)
    day = 86_400 * 10**9
    t = np.r_[rng.integers(0, 90 * day, 300), rng.integers(70 * day, 200 * day, 200), rng.integers(0, 5 * day, 9)]
    g = np.r_[np.zeros(300, int), np.ones(200, int), np.full(9, 2)]
    got = camp_overlaps(t, g, [0, 1, 2], 7 * day)
    for (x, y), ov in got.items():
        tx, ty = t[g == x], t[g == y]
        first, last = max(tx.min(), ty.min()), min(tx.max(), ty.max())
        assert (ov.first, ov.last) == (first, last)
        lo, hi = first - 7 * day, last + 7 * day
        assert ov.posts == (int(((tx >= lo) & (tx <= hi)).sum()), int(((ty >= lo) & (ty <= hi)).sum()))
        assert ov.totals == (len(tx), len(ty))


@pytest.mark.parametrize("short", [0, 1])
def test_the_threshold_is_a_share_of_each_camps_posts(short):
    # camp 0 posts on days 0..n-1, camp 1 on days d..d+n-1: k of camp 0's posts lie within a week of their
    # common period when d = n - k + 7; one day later, k - 1 do
    n, week = 100, 7
    k = math.ceil(MIN_OVERLAP_SHARE * n)
    d = n - k + week + short
    day = 86_400 * 10**9
    t = np.r_[np.arange(n), np.arange(d, d + n)] * day
    ov = camp_overlaps(t, np.r_[np.zeros(n, int), np.ones(n, int)], [0, 1], week * day)[(0, 1)]
    assert ov.posts == (k - short, k - short)
    assert ov.enough is (short == 0)


def test_a_small_camp_inside_the_others_period_is_small_not_apart():
    # one outlet with three posts in the middle of a 20-day world: its trouble is its size
    posts, links, outlets = _early_late(-60)
    mid = posts["published_at"].min() + 10 * DAY
    from synergy_worlds import posts_table

    solo = posts_table(["s1", "s2", "s3"], ["lonely"] * 3, [mid, mid + DAY, mid + 2 * DAY])
    posts = pd.concat([posts, solo], ignore_index=True)
    outlets = pd.concat([outlets, pd.DataFrame({"outlet": ["lonely"], "group": ["SOLO"], "kind": ["x"]})],
                        ignore_index=True)
    rep = camp_synergy(links, posts, outlets, seed=0, window=WINDOW, permutations=100)
    assert not any("publish together only" in w for w in rep.warnings)
    assert any("camp SOLO" in w for w in rep.warnings)


def test_the_note_names_the_smallest_p_by_its_column():
    # three outlets a side, echoes only inside EARLY, in a period where they share their days: the label test's
    # labellings allow 1/20, but no echo between the camps' outlets can come out below p = 1
    rows = [(f"a{i}", "A", "x", 3) for i in range(3)] + [(f"b{i}", "B", "x", 3) for i in range(3)]
    posts, links, outlets = build_world(rows, {("A", "A"): 4}, start=START, days=30, seed=5)
    rep = camp_synergy(links, posts, outlets, seed=0, window=WINDOW, permutations=100)
    for r in rep.pairs.itertuples(index=False):
        m = re.search(r"smallest p ([0-9.e-]+), its (label_min_p|label_reach_p)", r.note)
        assert m, r.note
        assert float(m.group(1)) == pytest.approx(float(f"{getattr(r, m.group(2)):.3g}"))
        assert float(m.group(1)) == pytest.approx(float(f"{max(r.label_min_p, r.label_reach_p):.3g}"))
    ab = rep.pairs.set_index(["source", "target"]).loc[("A", "B")]
    assert ab["label_reach_p"] > ab["label_min_p"] and "its label_reach_p" in ab["note"]
    # the warning on the label test's resolution names the same column, with the same value
    said = " ".join(w for w in rep.warnings if "label test cannot reach" in w)
    assert f"A->B (label_min_p {ab['label_min_p']:.3g})" in said


def test_the_command_says_so(tmp_path):
    from amplify.cli import cli
    from amplify.workspace import Workspace

    posts, links, outlets = _early_late(-3)
    w = Workspace.open(tmp_path / "ws", create=True)
    with w.writer():
        w.add_posts(posts)
        w.set_outlets(outlets)
        w.save_links(links, {"window": WINDOW}, covered_through=w.last_seq)
    res = CliRunner().invoke(cli, ["synergy", "-w", str(tmp_path / "ws"), "--groups", "EARLY", "LATE",
                                   "--permutations", "50", "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert any("publish together only" in x for x in data["warnings"])
    assert "publish together only" in " ".join(res.stderr.split())
    assert data["reciprocity"][0]["status"] == "not testable"
