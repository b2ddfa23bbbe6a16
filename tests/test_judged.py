"""benchmarks/judged.py: the hand-checked sample's scorer, on tiny synthetic posts and verdicts.

The committed verdicts are checked against the real data when it is present
(skipped with a message when ``../shared/data`` is absent).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from real_data import real_quality

ROOT = Path(__file__).resolve().parents[1]


def _load():
    spec = importlib.util.spec_from_file_location("judged", ROOT / "benchmarks" / "judged.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["judged"] = mod
    spec.loader.exec_module(mod)
    return mod


J = _load()
T0 = pd.Timestamp("2024-03-01 08:00", tz="UTC")


def _posts() -> pd.DataFrame:
    """Six posts of three outlets: a copy, a tie, a false-looking pair, an unrelated post."""
    rows = [
        ("p1", "wire", 0, "Central bank raises interest rates by half a point to fight stubborn inflation"),
        ("p2", "daily", 30, "Central bank raises interest rates by half a point to fight stubborn inflation"),
        ("p3", "weekly", 60, "Harbour festival draws record crowds despite heavy rain on Saturday"),
        ("p4", "daily", 60, "Harbour festival draws record crowds despite the heavy rain this Saturday"),
        ("p5", "wire", 90, "Local council approves budget for new library building next spring"),
        ("p6", "weekly", 120, "Mountain rescue team saves two hikers stranded overnight on the ridge"),
    ]
    return pd.DataFrame({
        "post_id": [r[0] for r in rows], "outlet": [r[1] for r in rows],
        # microsecond resolution on purpose: RUWA's dates load as datetime64[us]
        "published_at": pd.DatetimeIndex([T0 + pd.Timedelta(minutes=r[2]) for r in rows]).as_unit("us"),
        "text": [r[3] for r in rows],
    })


def _verdicts(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=J.VERDICT_COLUMNS)


def _links(pairs) -> pd.DataFrame:
    df = pd.DataFrame(pairs, columns=["source_id", "target_id", "kind", "score"])
    return df.assign(key=J.pair_key(df["source_id"], df["target_id"]))


# --------------------------------------------------------------------------- measures and pairs


def test_wilson_matches_closed_forms():
    for n in (1, 7, 40, 300):
        lo, hi = J.wilson(n, n)
        # at k = n the Wilson lower bound reduces to n / (n + z^2)
        assert hi == 1.0 and lo == pytest.approx(n / (n + J.Z95 ** 2))
        for k in (0, n // 3, n // 2):
            a = J.wilson(k, n)
            b = J.wilson(n - k, n)
            assert a[0] == pytest.approx(1 - b[1]) and a[1] == pytest.approx(1 - b[0])
            assert a[0] <= k / n <= a[1]
    assert all(np.isnan(J.wilson(0, 0)))


def test_pairs_are_keyed_and_oriented_whichever_way_they_come():
    posts = _posts()
    assert list(J.pair_key(["p2", "p1"], ["p1", "p2"])) == ["p1|p2", "p1|p2"]
    src, tgt = J.orient(posts, ["p2", "p4", "p3"], ["p1", "p3", "p4"])
    # p1 is earlier than p2; p3 and p4 are a tie, so the smaller id is the source
    assert list(src) == ["p1", "p3", "p3"] and list(tgt) == ["p2", "p4", "p4"]
    side = J.side_by_side(posts, pd.DataFrame({"source_id": ["p1", "p5"], "target_id": ["p2", "p6"]}))
    assert list(side["lag"]) == ["30 min", "30 min"]
    assert J.lag_text(86400 * 3) == "3 d" and J.lag_text(3 * 3600 + 5 * 60) == "3 h 05 min"


def test_allocate_never_exceeds_a_stratum_and_spends_the_total():
    rng = np.random.default_rng(0)
    for _ in range(200):
        sizes = {k: int(rng.integers(0, 50)) for k in "abcde"}
        total = int(rng.integers(0, 300))
        weights = {k: float(rng.uniform(0.1, 5)) for k in sizes}
        got = J.allocate(sizes, total, weights)
        assert sum(got.values()) == min(total, sum(sizes.values()))
        assert all(0 <= got[k] <= sizes[k] for k in sizes)


def test_near_miss_candidates_block_on_rare_words_within_the_window():
    posts = _posts()
    cands = J.near_miss_candidates(posts, linked=set(), days=7)
    keys = set(cands["key"])
    assert "p3|p4" in keys and "p1|p2" in keys      # close pairs of two outlets
    assert not any("p6" in k for k in keys)         # shares no rare word with anyone
    assert set(J.near_miss_candidates(posts, linked={"p1|p2"})["key"]) == keys - {"p1|p2"}
    far = posts.assign(published_at=posts["published_at"].where(posts["post_id"] != "p4",
                                                                T0 + pd.Timedelta(days=9)))
    assert "p3|p4" not in set(J.near_miss_candidates(far, linked=set(), days=7)["key"])
    same = posts.assign(outlet=posts["outlet"].where(posts["post_id"] != "p4", "weekly"))
    assert "p3|p4" not in set(J.near_miss_candidates(same, linked=set())["key"])


# --------------------------------------------------------------------------- verdicts and scoring


def test_score_set_counts_precision_misses_and_unjudged():
    links = _links([("p1", "p2", "verbatim", 100.0), ("p3", "p4", "paraphrase", 80.0),
                    ("p5", "p6", "paraphrase", 60.0), ("p1", "p5", "quote", 95.0)])
    v = J.check_verdicts(_verdicts([
        ("t", "p2", "p1", "echo", "republication: same text", "link", "2026-01-01"),   # given the other way round
        ("t", "p3", "p4", "not", "same event: own words", "link", "2026-01-01"),
        ("t", "p5", "p6", "unsure", "cannot tell", "link", "2026-01-01"),
        ("t", "p4", "p6", "echo", "quote: a missed one", "near_miss", "2026-01-01"),
        ("other", "p3", "p4", "echo", "another dataset's pair", "link", "2026-01-01"),
    ]), "test", datasets=("t", "other"))
    r = J.score_set("t", links, v)
    t = r["table"].set_index("kind")
    assert t.loc["all", ["links", "judged", "echo", "not", "unsure"]].tolist() == [4, 3, 1, 1, 1]
    assert t.loc["all", "precision"] == 0.5
    assert (t.loc["all", "ci_low"], t.loc["all", "ci_high"]) == pytest.approx(J.wilson(1, 2))
    assert (t.loc["all", "unsure_as_not"], t.loc["all", "unsure_as_echo"]) == pytest.approx((1 / 3, 2 / 3))
    assert t.loc["verbatim", "precision"] == 1.0 and t.loc["quote", "judged"] == 0
    assert list(r["missed"]["key"]) == ["p4|p6"]
    assert list(r["unjudged"]["key"]) == ["p1|p5"]
    assert list(r["false_links"]["pattern"]) == ["same event"]
    # kinds weighted by their link counts: verbatim 1 link at 1.0, paraphrase 2 links at 0.0
    assert r["weighted_precision"] == pytest.approx(1 / 3) and r["weighted_covers"] == 3


def test_unjudged_echo_links_never_outnumber_the_echo_links(capsys):
    # two unjudged template links beside one judged echo link: templates are counted apart
    # (one count over both printed "2 of 1" links not yet judged)
    links = _links([("p1", "p2", "verbatim", 100.0), ("p3", "p4", "template", 70.0),
                    ("p5", "p6", "template", 65.0), ("p1", "p5", "quote", 95.0)])
    v = J.check_verdicts(_verdicts([("t", "p1", "p2", "echo", "republication: copy", "link", "2026-01-01")]),
                         "test", datasets=("t",))
    r = J.score_set("t", links, v)
    assert r["links"] == 2 and list(r["unjudged"]["key"]) == ["p1|p5"]
    assert sorted(r["unjudged_templates"]["key"]) == ["p3|p4", "p5|p6"] and r["templates"] == 2
    J.report([r | {"near_misses": pd.DataFrame()}], {"t": _posts()}, show=0)
    assert "t: 1 of 2 echo links ({'quote': 1}); 2 of 2 template links" in capsys.readouterr().out


@pytest.mark.parametrize("row, message", [
    (("t", "a", "b", "maybe", "x: y", "link", "2026-01-01"), "row 3, column verdict"),
    (("t", "a", "b", "echo", "", "link", "2026-01-01"), "row 3, column reason is empty"),
    (("t", "a", "b", "echo", "x: y", "sample", "2026-01-01"), "row 3, column drawn_as"),
    (("t", "a", "b", "echo", "x: y", "link", "01/02/2026"), "row 3, column judged_on"),
    (("t", "q", "p", "echo", "x: y", "link", "2026-01-01"), "rows [2, 3] judge one pair twice"),
])
def test_bad_verdicts_are_named_by_row_and_column(tmp_path, row, message):
    f = tmp_path / "v.csv"
    _verdicts([("t", "p", "q", "not", "x: y", "link", "2026-01-01"), row]).to_csv(f, index=False)
    with pytest.raises(J.JudgedError, match=message.replace("[", r"\[").replace("]", r"\]")):
        J.read_verdicts(f, datasets=("t",))


def test_several_verdict_files_are_read_as_one_and_a_pair_judged_in_two_is_named(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    _verdicts([("t", "p", "q", "not", "x: y", "link", "2026-01-01")]).to_csv(a, index=False)
    _verdicts([("t", "r", "s", "echo", "x: y", "link", "2026-01-02"),
               ("t", "s", "t", "echo", "x: y", "link", "2026-01-02")]).to_csv(b, index=False)
    both = J.read_verdicts([a, b], datasets=("t",))
    assert list(both["key"]) == ["t:p|q", "t:r|s", "t:s|t"]
    assert both["origin"].tolist() == [f"{a}: row 2", f"{b}: row 2", f"{b}: row 3"]
    # each file's own rows are named in its own numbering
    _verdicts([("t", "q", "p", "echo", "x: y", "link", "2026-01-03")]).to_csv(b, index=False)
    with pytest.raises(J.JudgedError, match=f"{a}: row 2 and {b}: row 2 judge one pair twice"):
        J.read_verdicts([a, b], datasets=("t",))
    _verdicts([("t", "r", "s", "maybe", "x: y", "link", "2026-01-03")]).to_csv(b, index=False)
    with pytest.raises(J.JudgedError, match=f"{b}: row 2, column verdict"):
        J.read_verdicts([a, b], datasets=("t",))


def test_precise_starts_from_the_precise_profile_and_set_still_wins():
    s = J.parse_settings(["bare_fact_posts=5"], precise=True)
    assert s == J.DetectSettings.precise(bare_fact_posts=5)
    assert J.parse_settings([], precise=False) == J.DetectSettings()


def test_settings_passthrough_reads_each_field_as_its_type():
    s = J.parse_settings(["shingle=3", "paraphrase_min_dice=0.6", "same_outlet=true", "window=3D"])
    assert (s.shingle, s.paraphrase_min_dice, s.same_outlet, s.window) == (3, 0.6, True, "3D")
    for bad, message in (["nope=1"], "NAME one of"), (["shingle=x"], "not a int"), (["window=-1D"], "--set window"):
        with pytest.raises(J.JudgedError, match=message):
            J.parse_settings(bad)


def test_score_end_to_end_on_synthetic_posts_then_append(tmp_path, capsys):
    posts = _posts()
    f = tmp_path / "verdicts.csv"
    _verdicts([("syn", "p1", "p2", "echo", "republication: copy", "link", "2026-01-01"),
               ("syn", "p5", "p6", "not", "topic words: none", "near_miss", "2026-01-01")]).to_csv(f, index=False)
    out = tmp_path / "unjudged.csv"
    results = J.score(f, J.DetectSettings(), ["syn"], show=5, unjudged=out, loaders={"syn": lambda: posts})
    printed = capsys.readouterr().out
    links = J.run_detector(posts, J.DetectSettings())
    assert "p1|p2" in set(links["key"])                     # the verbatim copy is linked by the detector
    table = results[0]["table"].set_index("kind")
    assert table.loc["all", "echo"] == 1 and table.loc["all", "not"] == 0
    assert "precision over judged links" in printed
    unj = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(J.pair_key(unj["source_id"], unj["target_id"])) == set(links["key"]) - {"p1|p2"}
    assert "kind" not in unj.columns and "score" not in unj.columns    # blind: judged without the detector's view
    assert len(unj) == 1 and "Harbour festival" in unj["source_text"].iloc[0]   # the paraphrase p3 -> p4
    # judging the unjudged file and appending it keeps only the verdict columns, never the texts
    unj.assign(verdict="").to_csv(out, index=False)
    with pytest.raises(J.JudgedError, match="without a verdict"):
        J.append(out, f, datasets=("syn",))
    unj.assign(verdict="not", reason="same event: test").to_csv(out, index=False)
    assert J.append(out, f, datasets=("syn",)) == 1
    merged = pd.read_csv(f, dtype=str, keep_default_na=False)
    assert list(merged.columns) == J.VERDICT_COLUMNS and len(merged) == 3
    with pytest.raises(J.JudgedError, match="judge one pair twice"):
        J.append(out, f, datasets=("syn",))
    assert len(pd.read_csv(f)) == 3                     # a refused append leaves the file as it was


def test_main_exits_2_with_a_message_on_a_missing_verdicts_file(tmp_path, capsys):
    assert J.main(["score", "--verdicts", str(tmp_path / "none.csv")]) == 2
    assert "no verdicts file" in capsys.readouterr().err


# --------------------------------------------------------------------------- the committed sample


def test_committed_verdicts_are_valid_and_cover_the_sample():
    v = J.read_verdicts(J.VERDICTS)
    counts = v.groupby("drawn_as").size()
    assert counts["link"] >= 300 and counts["near_miss"] >= 300
    assert set(v["dataset"]) == {"uci", "ruwa"}


@pytest.mark.parametrize("dataset", ["uci", "ruwa"])
def test_committed_verdicts_name_real_posts_in_order(dataset):
    posts = J.LOADERS[dataset]()
    if posts is None:
        pytest.skip(f"{dataset} data not found under ../shared/data (set AMPLIFY_SHARED_DATA)")
    v = J.read_verdicts(J.VERDICTS)
    J.check_ids(v, dataset, posts, J.VERDICTS)
    mine = v[v["dataset"] == dataset]
    src, tgt = J.orient(posts, mine["source_id"], mine["target_id"])
    assert (src == mine["source_id"].to_numpy()).all() and (tgt == mine["target_id"].to_numpy()).all()


# --------------------------------------------------------------------------- cross-story readings (real_quality.py)


def test_cross_story_readings_are_keyed_whichever_way_the_pair_comes(tmp_path):
    rq = real_quality()
    f = tmp_path / "cross.csv"
    pd.DataFrame({"dataset": ["uci", "uci", "ruwa"], "source_id": ["uci9", "uci1", "ruwa1"],
                  "target_id": ["uci2", "uci3", "ruwa2"],
                  "reading": ["same_event", "different_event", "same_event"],
                  "reason": ["r"] * 3, "judged_on": ["2026-12-07"] * 3}).to_csv(f, index=False)
    got = rq.cross_story_readings("uci", f)
    # "uci9" sorts after "uci2": the key puts the smaller id first, so a link either way finds it
    assert got == {"uci2|uci9": "same_event", "uci1|uci3": "different_event"}
    assert rq.cross_story_readings("uci", tmp_path / "absent.csv") == {}


def test_a_bad_cross_story_reading_is_named_by_row_and_column(tmp_path):
    rq = real_quality()
    f = tmp_path / "cross.csv"
    pd.DataFrame({"dataset": ["uci", "uci"], "source_id": ["uci1", "uci2"], "target_id": ["uci3", "uci4"],
                  "reading": ["same_event", "maybe"], "reason": ["r", "r"],
                  "judged_on": ["2026-12-07"] * 2}).to_csv(f, index=False)
    with pytest.raises(SystemExit, match=r"row 3, column 'reading': 'maybe'"):
        rq.cross_story_readings("uci", f)
    pd.DataFrame({"dataset": ["uci"], "source_id": ["uci1"], "target_id": ["uci3"]}).to_csv(f, index=False)
    with pytest.raises(SystemExit, match=r"cross.csv: missing column\(s\) reading"):
        rq.cross_story_readings("uci", f)


@pytest.mark.parametrize("dataset", ["uci", "ruwa"])
def test_committed_cross_story_readings_name_real_posts_of_different_stories(dataset):
    rq = real_quality()
    posts = J.LOADERS[dataset]()
    if posts is None:
        pytest.skip(f"{dataset} data not found under ../shared/data (set AMPLIFY_SHARED_DATA)")
    r = pd.read_csv(rq.CROSS_STORY, dtype=str)
    r = r[r["dataset"] == dataset]
    assert len(r) and r["reason"].str.len().gt(0).all()
    story = dict(zip(posts["post_id"], posts["story"]))
    assert r["source_id"].isin(story).all() and r["target_id"].isin(story).all()
    # each pair read joins two different stories of the labels (that is why it was read)
    assert (r["source_id"].map(story) != r["target_id"].map(story)).all()
    assert set(rq.cross_story_readings(dataset).values()) <= {"same_event", "different_event"}
