"""Echo detection on hand-made examples: every test here fails on a wrong detector."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from amplify.detect import DetectSettings, DetectStats, SettingsError, detect

STATEMENT = (
    "The United States should stop using the Kazakhstan situation as a pretext to interfere in the "
    "internal affairs of Central Asian countries and respect the choice of their peoples"
)
QUOTE = "stop using the Kazakhstan situation as a pretext to interfere in the internal affairs of Central Asian countries"


def _filler(n_words: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    syll = ["ka", "lo", "mi", "ter", "san", "vo", "ri", "pel", "dun", "gar", "shi", "ne", "bo", "tu"]
    words = ["".join(rng.choice(syll, size=rng.integers(2, 4))) for _ in range(n_words)]
    return " ".join(words)


def _posts(rows):
    return pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])


def _pairs(links):
    return set(zip(links["source_id"], links["target_id"]))


def test_quote_inside_long_article_has_exact_spans():
    article = _filler(1000, 1) + f' As Beijing put it, "{QUOTE}," officials said. ' + _filler(1000, 2)
    posts = _posts([
        ("a", "mfa_china", "2022-01-06T08:00:00Z", STATEMENT),
        ("b", "rt_com", "2022-01-07T09:30:00Z", article),
        ("c", "other", "2022-01-07T10:00:00Z", _filler(60, 3)),
    ])
    links = detect(posts)
    assert _pairs(links) == {("a", "b")}
    row = links.iloc[0]
    assert row["kind"] == "quote"
    assert row["score"] >= 95
    assert row["lag_s"] == pytest.approx(25.5 * 3600)
    assert article[row["target_start"]:row["target_end"]] == QUOTE
    assert STATEMENT[row["source_start"]:row["source_end"]] == QUOTE


def test_chinese_quote_without_spaces():
    src = "外交部发言人表示，美国应停止以哈萨克斯坦局势为借口干涉中亚国家内政，尊重各国人民的选择。"
    quoted = "美国应停止以哈萨克斯坦局势为借口干涉中亚国家内政"
    tgt = f"据报道，{quoted}。评论员认为这一表态非常重要，并呼吁各方保持克制。"
    posts = _posts([
        ("zh1", "mfa_china", "2022-01-06T08:00:00Z", src),
        ("zh2", "cgtn", "2022-01-06T12:00:00Z", tgt),
        ("zh3", "xinhua", "2022-01-06T13:00:00Z", "今天天气很好，我们去公园散步，看到很多人在跑步和唱歌。"),
    ])
    links = detect(posts)
    assert _pairs(links) == {("zh1", "zh2")}
    row = links.iloc[0]
    assert row["kind"] == "quote"
    assert tgt[row["target_start"]:row["target_end"]] == quoted


def test_cyrillic_paraphrase():
    src = ("Министр иностранных дел заявил, что западные страны должны прекратить вмешательство во "
           "внутренние дела Казахстана и уважать выбор его народа, а также поддержать диалог")
    para = ("Западные страны обязаны прекратить вмешательство во внутренние дела Казахстана, заявил министр "
            "иностранных дел, и должны уважать выбор народа, а также поддержать диалог")
    posts = _posts([
        ("ru1", "mid_rf", "2022-01-06T08:00:00Z", src),
        ("ru2", "ria", "2022-01-06T15:00:00Z", para),
    ])
    links = detect(posts)
    assert _pairs(links) == {("ru1", "ru2")}
    assert links.iloc[0]["kind"] == "paraphrase"


def test_verbatim_copy_with_url_and_handle_noise():
    posts = _posts([
        ("v1", "mfa_china", "2022-01-06T08:00:00Z", STATEMENT),
        ("v2", "sputnik", "2022-01-06T09:00:00Z", f"@mfa_china: {STATEMENT.upper()} https://t.co/xyz"),
    ])
    links = detect(posts)
    assert links["kind"].tolist() == ["verbatim"]
    assert links["score"].iloc[0] == 100


def test_boilerplate_only_overlap_is_not_linked():
    sign_off = "Follow us on Telegram and VK for more news, subscribe to our channel and share this post today"
    rows = [(f"b{i}", f"outlet{i % 7}", f"2022-01-0{1 + i % 6}T{10 + i % 10}:00:00Z",
             _filler(40, 100 + i) + " " + sign_off) for i in range(120)]
    links = detect(_posts(rows))
    assert len(links) == 0


def test_ties_are_flagged_both_ways_and_never_parents():
    posts = _posts([
        ("t1", "a", "2022-01-06T08:00:00Z", STATEMENT),
        ("t2", "b", "2022-01-06T08:00:00Z", STATEMENT),
    ])
    links = detect(posts)
    assert _pairs(links) == {("t1", "t2"), ("t2", "t1")}
    assert links["tie"].all()
    assert not links["is_parent"].any()


def test_chain_is_a_chain_not_a_triangle():
    a = STATEMENT
    b = a.replace("should stop", "must immediately stop").replace("respect", "fully respect") + " said Beijing"
    c = b + " #Kazakhstan"
    posts = _posts([
        ("A", "mfa_china", "2022-01-06T08:00:00Z", a),
        ("B", "globaltimes", "2022-01-06T10:00:00Z", b),
        ("C", "sputnik", "2022-01-06T12:00:00Z", c),
    ])
    links = detect(posts)
    parents = links[links["is_parent"]].set_index("target_id")["source_id"].to_dict()
    assert parents == {"B": "A", "C": "B"}
    assert ("A", "C") in _pairs(links)  # an also-match, not a parent


def test_same_outlet_policy():
    posts = _posts([
        ("s1", "tass", "2022-01-06T08:00:00Z", STATEMENT),
        ("s2", "tass", "2022-01-06T09:00:00Z", STATEMENT),
    ])
    assert len(detect(posts)) == 0
    assert _pairs(detect(posts, same_outlet=True)) == {("s1", "s2")}


def test_window_bounds_the_lag():
    posts = _posts([
        ("w1", "a", "2022-01-01T08:00:00Z", STATEMENT),
        ("w2", "b", "2022-01-09T08:00:00Z", STATEMENT),
    ])
    assert len(detect(posts, quote_window="0D")) == 0
    assert _pairs(detect(posts, window="10D", quote_window="0D")) == {("w1", "w2")}
    # a long statement copied whole is found past the window, up to quote_window (issue #19)
    assert len(STATEMENT.split()) >= DetectSettings().quote_window_words
    assert _pairs(detect(posts)) == {("w1", "w2")}
    assert len(detect(posts, quote_window="7D12h")) == 0


def test_cross_group_only():
    posts = _posts([
        ("g1", "mfa_china", "2022-01-06T08:00:00Z", STATEMENT),
        ("g2", "cgtn", "2022-01-06T09:00:00Z", STATEMENT),
        ("g3", "sputnik", "2022-01-06T10:00:00Z", STATEMENT),
    ])
    outlets = pd.DataFrame({"outlet": ["mfa_china", "cgtn", "sputnik"], "group": ["CN", "CN", "RU"]})
    links = detect(posts, outlets, cross_group_only=True)
    assert _pairs(links) == {("g1", "g3"), ("g2", "g3")}


def test_attribution_uses_names_and_aliases():
    outlets = pd.DataFrame({"outlet": ["mfa_china", "x1"], "group": ["CN", "RU"],
                            "name": ["Ministry of Foreign Affairs of China", "X"],
                            "aliases": ["Chinese Foreign Ministry|MFA China", ""]})
    posts = _posts([
        ("a", "mfa_china", "2022-01-06T08:00:00Z", STATEMENT),
        ("b", "x1", "2022-01-06T09:00:00Z", f"The Chinese Foreign Ministry said: {QUOTE}."),
        ("c", "x2", "2022-01-06T10:00:00Z", f"Officials said: {QUOTE}. " + _filler(20, 9)),
    ])
    links = detect(posts, outlets)
    links = links[links["source_id"] == "a"].set_index("target_id")
    assert bool(links.loc["b", "attributed"]) is True
    assert bool(links.loc["c", "attributed"]) is False


def test_platform_reposts_become_links():
    posts = _posts([
        ("r1", "a", "2022-01-06T08:00:00Z", "short original"),
        ("r2", "b", "2022-01-06T09:00:00Z", "RT"),
        ("r3", "c", "2022-01-06T09:30:00Z", "RT"),
    ])
    posts["reposted_id"] = [None, "r1", "missing"]
    stats = DetectStats()
    links = detect(posts, stats=stats)
    assert links[["source_id", "target_id", "kind"]].values.tolist() == [["r1", "r2", "repost"]]
    assert stats.native_missing == 1


def test_results_identical_across_runs_workers_and_input_order():
    rng = np.random.default_rng(5)
    base = [_filler(40, 200 + i) for i in range(300)]
    rows = []
    for i in range(600):
        if i < 300:
            text = base[i]
        else:
            j = int(rng.integers(0, 300))
            words = base[j].split()
            a = int(rng.integers(0, 20))
            text = _filler(15, 900 + i) + " " + " ".join(words[a:a + 15])
        rows.append((f"p{i:04d}", f"o{i % 37}", pd.Timestamp("2022-01-01", tz="UTC")
                     + pd.Timedelta(minutes=int(rng.integers(0, 20000))), text))
    posts = _posts(rows)
    one = detect(posts, workers=1)
    two = detect(posts, workers=2)
    shuffled = detect(posts.sample(frac=1, random_state=3), workers=2)
    assert len(one) > 200
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(one, shuffled)


@pytest.mark.parametrize("window,quote_window", [("7D", "0D"), ("3D", "8D")])
def test_targets_give_the_links_of_a_full_run(window, quote_window):
    cfg = DetectSettings(window=window, quote_window=quote_window)
    rng = np.random.default_rng(8)
    base = [_filler(40, 300 + i) for i in range(200)]
    rows = []
    for i in range(400):
        text = base[i % 100] if i % 3 else _filler(40, 700 + i)
        rows.append((f"q{i:04d}", f"o{i % 11}", pd.Timestamp("2022-01-01", tz="UTC")
                     + pd.Timedelta(hours=int(rng.integers(0, 24 * 20))), text))
    posts = _posts(rows)
    full = detect(posts, settings=cfg)
    t = pd.to_datetime(posts["published_at"], utc=True)
    cut = pd.Timestamp("2022-01-10", tz="UTC")
    targets = posts.loc[t >= cut, "post_id"]
    # the posts within one horizon before the first target, and all later posts
    part = detect(posts[t >= cut - pd.Timedelta(cfg.horizon_ns)], settings=cfg, targets=targets)
    expected = full[full["target_id"].isin(set(targets))].reset_index(drop=True)
    assert len(expected) > 20
    pd.testing.assert_frame_equal(part.reset_index(drop=True), expected)


def test_viral_family_every_echo_gets_a_parent():
    n = 3000
    rng = np.random.default_rng(1)
    t0 = pd.Timestamp("2022-01-05", tz="UTC")
    rows = [("root", "mfa_china", t0, STATEMENT)]
    rows += [(f"e{i:05d}", f"acct{i}", t0 + pd.Timedelta(seconds=int(s)), f"{STATEMENT} https://t.co/{i}")
             for i, s in enumerate(np.sort(rng.integers(60, 5 * 86400, n)))]
    stats = DetectStats()
    links = detect(_posts(rows), stats=stats)
    parents = links[links["is_parent"]]
    assert parents["target_id"].nunique() == n
    assert (parents["source_id"] == "root").all()
    # bounded: pairs per post stay constant instead of growing with the family
    assert stats.candidate_pairs < 10 * n


def test_hostile_text_does_not_break_detection():
    evil = "<script>alert(1)</script>\x00\x1b[31m" + STATEMENT + "\u202e<img src=x onerror=alert(1)>"
    posts = _posts([
        ("h1", "a", "2022-01-06T08:00:00Z", evil),
        ("h2", "b", "2022-01-06T09:00:00Z", "&lt;b&gt;" + STATEMENT + "\x07"),
        ("h3", "c", "2022-01-06T09:00:00Z", "x" * 100_000),
    ])
    links = detect(posts)
    assert _pairs(links) == {("h1", "h2")}
    row = links.iloc[0]
    assert 0 <= row["source_start"] < row["source_end"] <= len(evil)


def test_settings_are_validated_and_recorded():
    s = DetectSettings(window="36h", quote_min=80)
    assert s.to_dict()["window"] == "36h"
    assert s.window_ns == 36 * 3600 * 10**9
    with pytest.raises(TypeError):
        detect(_posts([]), no_such_option=1)


@pytest.mark.parametrize("rows", [
    [],                                                                   # no posts at all
    [("a", "x", "2022-01-01T00:00:00Z", "")],                             # one post, empty text
    [("a", "x", "2022-01-01T00:00:00Z", "short"), ("b", "y", "2022-01-01T01:00:00Z", "other words")],
])
def test_nothing_to_link_gives_an_empty_table(rows):
    links = detect(_posts(rows))
    assert len(links) == 0
    assert {"source_id", "target_id", "kind", "score", "is_parent", "tie"} <= set(links.columns)


def test_package_imports_and_old_call_still_work():
    # amplify.detect is the package again: its submodules import normally
    import amplify
    import amplify.detect.candidates as C
    from amplify import DetectSettings as Settings

    assert C.candidate_pairs.__module__ == "amplify.detect.candidates"
    assert Settings is DetectSettings
    posts = _posts([
        ("v1", "mfa_china", "2022-01-06T08:00:00Z", STATEMENT),
        ("v2", "sputnik", "2022-01-06T09:00:00Z", STATEMENT),
    ])
    # scripts written for the README call the package itself: still works, with a warning
    with pytest.warns(DeprecationWarning, match=r"amplify\.detect\.detect"):
        old = amplify.detect(posts, settings=DetectSettings(), window="3D")
    pd.testing.assert_frame_equal(old, amplify.detect.detect(posts, window="3D"))
    assert old["kind"].tolist() == ["verbatim"]


# --------------------------------------------------------------------------- settings are validated


@pytest.mark.parametrize("bad", [
    {"window": "-3D"}, {"window": "0s"}, {"window": "soon"}, {"window": None},
    {"shingle": 0}, {"shingle": 2.5}, {"min_shared": 0}, {"min_quote_tokens": -1},
    {"common_at": 0}, {"keep_first": -1}, {"keep_last": True},
    {"verbatim_min": 101}, {"quote_min": -0.1}, {"paraphrase_min_ratio": 250.0},
    {"paraphrase_min_dice": 1.5}, {"paraphrase_min_dice": "0.5"},
    # longer than pandas' durations reach (about 292 years): was "must be a positive duration"
    {"window": "99999999D"}, {"quote_window": "99999999D"},
])
def test_settings_out_of_range_are_refused_naming_the_setting(bad):
    name = next(iter(bad))
    with pytest.raises(SettingsError, match=name):
        DetectSettings(**bad)
    # the keyword overrides of detect() go through the same check
    posts = pd.DataFrame({"post_id": ["a"], "outlet": ["o"], "published_at": pd.to_datetime(["2022-01-01"], utc=True),
                          "text": ["x"]})
    with pytest.raises(SettingsError, match=name):
        detect(posts, **bad)


def test_a_window_too_long_says_so():
    with pytest.raises(SettingsError, match="is too long"):
        DetectSettings(window="99999999D")


@pytest.mark.parametrize("name", ["window", "quote_window"])
def test_windows_end_at_100_years(name):
    # A post's time plus the window must fit in 64-bit nanoseconds: a window of
    # 100000 days (274 years) wrapped around inside the kernels and changed links.
    assert getattr(DetectSettings(**{name: "36500D"}), name) == "36500D"
    with pytest.raises(SettingsError, match=f"{name} is too long .*at most 100 years"):
        DetectSettings(**{name: "36501D"})
    with pytest.raises(SettingsError, match=f"{name} is too long"):
        DetectSettings(**{name: "100000D"})


def test_the_longest_window_gives_the_links_of_any_window_spanning_the_corpus():
    # (this corpus gave 831 links instead of 766 at a wrapped 100000-day window)
    from amplify.synth import generate
    posts = generate(n_posts=1000, seed=1).posts
    span = posts["published_at"].max() - posts["published_at"].min()
    key = ["source_id", "target_id", "kind", "score"]
    whole = detect(posts, window=f"{span.days + 1}D")[key]
    longest = detect(posts, window="36500D")[key]
    assert len(whole) > 0
    pd.testing.assert_frame_equal(longest.sort_values(key).reset_index(drop=True),
                                  whole.sort_values(key).reset_index(drop=True))


@pytest.mark.parametrize("good", [
    {"window": "36h"}, {"window": "7days"}, {"shingle": 1}, {"keep_first": 0}, {"verbatim_min": 100},
    {"quote_min": 0}, {"paraphrase_min_dice": 1.0}, {"paraphrase_min_ratio": 0},
])
def test_settings_at_the_edges_of_their_range_are_accepted(good):
    name, value = next(iter(good.items()))
    got = getattr(DetectSettings(**good), name)
    if name == "window":  # durations are kept in one spelling: "7days" is "7D"
        assert pd.Timedelta(got) == pd.Timedelta(value)
    else:
        assert got == value


def test_cli_names_the_flag_of_a_bad_setting(tmp_path):
    from click.testing import CliRunner

    from amplify.cli import cli

    res = CliRunner().invoke(cli, ["detect", "-w", str(tmp_path / "ws"), "--paraphrase-min-overlap", "2"])
    assert res.exit_code == 2
    assert "--paraphrase-min-overlap must be a number from 0 to 1" in res.output
    assert "Traceback" not in res.output


def test_one_duration_one_spelling_one_link_set():
    # "--window 7days" made a second link set beside "7D" (issue #14): now both are "7D"
    from amplify.detect.incremental import settings_record
    from amplify.workspace import linkset_id
    a, b, c = DetectSettings(window="7days"), DetectSettings(window="168h"), DetectSettings()
    assert a.window == b.window == c.window == "7D"
    assert linkset_id(settings_record(a)) == linkset_id(settings_record(c))
    assert DetectSettings(window="36 hours").window == "36h" != DetectSettings(window="2D").window
