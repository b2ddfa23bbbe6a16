"""Volume an analyst can read (issue #11, item 7): shares of the camp's posts, a baseline that moves,
coverage instead of zeros outside a camp's range, years on the axes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.analyze.volume import compare_volume, term_volume
from amplify.cli.analyze_cmds import volume as volume_cmd
from amplify.render.report import timeline_svg
from amplify.workspace import Workspace


def daily_posts(seed: int, *, days: int = 60, camps=("RU", "CN"), start_of=None, per_day=None, share_of=None):
    """Posts per camp and day with a known share mentioning 'Kazakhstan' (seeded Poisson/binomial draws)."""
    rng = np.random.default_rng(seed)
    rows = []
    d0 = pd.Timestamp("2021-12-01", tz="UTC")
    for camp in camps:
        first = (start_of or {}).get(camp, 0)
        for d in range(first, days):
            n = int(rng.poisson((per_day or (lambda c, d: 40))(camp, d)))
            p = (share_of or (lambda c, d: 0.05))(camp, d)
            hits = rng.random(n) < p
            for i in range(n):
                t = d0 + pd.Timedelta(days=d, minutes=int(rng.integers(0, 1440)))
                text = "News from Kazakhstan today" if hits[i] else "Other news of the day"
                rows.append((f"{camp}{d}_{i}", f"{camp.lower()}_outlet{i % 3}", t, text))
    posts = pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])
    outlets = pd.DataFrame({"outlet": [f"{c.lower()}_outlet{i}" for c in camps for i in range(3)],
                            "group": [c for c in camps for _ in range(3)]})
    return posts, outlets


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_periods_outside_a_camps_range_are_missing_not_zero(seed):
    posts, outlets = daily_posts(seed, start_of={"CN": 30})
    v = term_volume(posts, outlets, "Kazakhstan", freq="D")
    cn = v[v["key"] == "CN"].reset_index(drop=True)
    first_cn = posts.loc[posts["outlet"].str.startswith("cn"), "published_at"].min().floor("D")
    before = cn["start"] < first_cn
    assert before.sum() == 30 and not cn.loc[before, "covered"].any()
    assert cn.loc[before, "mentions"].isna().all() and cn.loc[before, "share"].isna().all()
    assert cn.loc[~before, "covered"].all() and cn.loc[~before, "mentions"].notna().all()
    assert not cn.loc[before, "surge"].any()
    # the camp's first days are judged against its own days only: no "surge" for starting to publish
    assert not cn["surge"].any()
    ru = v[v["key"] == "RU"]
    assert ru["covered"].all() and (ru["outlets_active"] <= 3).all() and (ru["outlets_active"] > 0).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_share_of_the_camps_posts_not_the_count(seed):
    """A camp doubles its output from day 30, mentioning the term as often as before: not a surge of interest."""
    posts, outlets = daily_posts(seed, camps=("RU",), per_day=lambda c, d: 40 if d < 30 else 160,
                                 share_of=lambda c, d: 0.1)
    by_share = term_volume(posts, outlets, "Kazakhstan", freq="D", min_count=3)
    by_count = term_volume(posts, outlets, "Kazakhstan", freq="D", min_count=3, surge_on="count")
    ru_s = by_share[by_share["key"] == "RU"].reset_index(drop=True)
    ru_c = by_count[by_count["key"] == "RU"].reset_index(drop=True)
    assert ru_c["surge"].iloc[30:33].sum() >= 2  # raw counts jump with the output
    assert not ru_s["surge"].iloc[30:].any()   # the share did not move
    assert np.allclose(ru_s["share"], ru_s["mentions"].astype(float) / ru_s["posts"].astype(float), atol=1e-4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_baseline_moves_after_a_level_shift(seed):
    """From day 30 the term takes 30% of the posts for good: flagged while new, then the new normal."""
    posts, outlets = daily_posts(seed, camps=("RU",), share_of=lambda c, d: 0.03 if d < 30 else 0.3)
    v = term_volume(posts, outlets, "Kazakhstan", freq="D", baseline=7, min_count=5)
    ru = v[v["key"] == "RU"].reset_index(drop=True)
    flagged = np.flatnonzero(ru["surge"].to_numpy())
    assert 30 in flagged                       # the shift itself
    assert flagged.max() < 30 + 2 * 7          # but not every later day, as a frozen baseline would say
    frozen = _frozen_baseline(ru["mentions"].astype(float).to_numpy(), baseline=7, min_count=5)
    assert frozen[30:].mean() >= 0.8           # the old rule: surges never join the baseline, every day is one


def _frozen_baseline(counts, *, baseline, min_count, z=3.0):
    """The rule before issue #11: the baseline is the last `baseline` periods that were not surges, ever."""
    base, flags = [], []
    for c in counts:
        flag = False
        if len(base) >= 3:
            b = np.asarray(base[-baseline:])
            flag = c >= min_count and c > b.mean() + z * max(b.std(ddof=1), np.sqrt(b.mean()), 1.0)
        flags.append(flag)
        if not flag:
            base.append(c)
    return np.asarray(flags)


def test_comparison_sentence_gives_shares():
    posts, outlets = daily_posts(0)
    table, sentence = compare_volume(posts, outlets, term="Kazakhstan", since="2021-12-01", until="2021-12-11",
                                     compare_since="2021-12-11", compare_until="2022-01-01")
    share_a = table["mentions"].iloc[0] / table["posts"].iloc[0]
    assert table["share"].iloc[0] == pytest.approx(share_a, abs=1e-4)
    assert f"of the {table['posts'].iloc[0]:,} posts published then" in sentence


def test_every_axis_shows_the_year():
    counts = pd.DataFrame({"RU": [1, 2, 3, 4]}, index=pd.date_range("2021-12-30", periods=4, freq="D"))
    svg = timeline_svg(counts)
    labels = re.findall(r'class="xt">([^<]+)<', svg)
    assert labels and all(re.search(r"20\d\d", lab) for lab in labels)
    assert any("2021" in lab for lab in labels) and any("2022" in lab for lab in labels)


def test_command_shows_shares_and_blank_before_a_camp_starts(tmp_path):
    posts, outlets = daily_posts(5, days=20, start_of={"CN": 10})
    ws = Workspace.open(tmp_path / "ws", create=True)
    with ws.writer():
        ws.add_posts(posts)
        ws.set_outlets(outlets)
    out = CliRunner().invoke(volume_cmd, ["--workspace", str(tmp_path / "ws"), "--term", "Kazakhstan"],
                             catch_exceptions=False).stdout
    lines = [ln for ln in out.splitlines() if ln.startswith("2021-12-0")]
    assert lines and all("%" in ln for ln in lines)
    first = lines[0].split()
    # period, CN blank, RU "n (x%)", all "n (x%)": the CN column holds nothing before its first post
    assert first[0] == "2021-12-01" and len(first) == 5
