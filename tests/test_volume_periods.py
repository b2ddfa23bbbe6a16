"""`amplify volume` over a period: every figure limited to [--since, --until), partial periods said,
each term over its own period, periods without posts not compared, apostrophe and dash variants
matched alike, empty and reversed ranges answered (a user walkthrough on RUWA found each of these).

Expected figures are counted here from the posts themselves (a plain regular expression over
the texts), never written in."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from amplify.analyze.volume import mentions
from amplify.cli.analyze_cmds import volume as volume_cmd
from amplify.workspace import Workspace

#: word pieces of the generated texts: apostrophe and dash variants, a term met exactly once (planted)
WORDS = ["Kherson", "Bucha", "Ukraine's", "Ukraine\u2019s", "Ukraine\u2018s", "Ukraine", "Ukraines",
         "Russia-Ukraine", "Russia\u2013Ukraine", "Russia\u2014Ukraine", "talks", "news", "Kyiv", "the"]
APOSTROPHES = "['\u2018\u2019\u02bc]"
DASHES = "[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]"
START, END = pd.Timestamp("2022-01-01", tz="UTC"), pd.Timestamp("2022-05-01", tz="UTC")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """About 2,000 posts of 6 outlets in 3 camps, 1 Jan - 30 Apr 2022, at any second of the day (seeded)."""
    rng = np.random.default_rng(7)
    n = 2000
    secs = rng.integers(0, int((END - START).total_seconds()), n)
    times = START + pd.to_timedelta(np.sort(secs), unit="s")
    texts = [" ".join(rng.choice(WORDS, int(rng.integers(2, 7)))) + "." for _ in range(n)]
    texts[1234] = "Quokkaville " + texts[1234]  # a term met once
    outlets = [f"o{i}" for i in range(6)]
    posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(n)], "outlet": rng.choice(outlets, n),
                          "published_at": times, "text": texts})
    path = tmp_path_factory.mktemp("periods") / "ws"
    ws = Workspace.open(path, create=True)
    with ws.writer():
        ws.add_posts(posts.iloc[:900])
        ws.add_posts(posts.iloc[900:])  # two parts
        ws.set_outlets(pd.DataFrame({"outlet": outlets, "group": ["RU", "RU", "UA", "UA", "INT", "UA"]}))
    return str(path), posts


def _regex(term: str) -> re.Pattern:
    """The count's independent check: the term as whole words, any apostrophe or dash variant alike."""
    body = "".join(APOSTROPHES if c in "'\u2019\u2018" else DASHES if c in "-\u2013\u2014" else re.escape(c)
                   for c in term)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _count(posts, term, since=None, until=None, *, posts_only=False) -> int:
    t = posts["published_at"]
    keep = pd.Series(True, index=posts.index)
    if since is not None:
        keep &= t >= pd.Timestamp(since, tz="UTC")
    if until is not None:
        keep &= t < pd.Timestamp(until, tz="UTC")
    if posts_only:
        return int(keep.sum())
    rx = _regex(term)
    return int(posts.loc[keep, "text"].map(lambda s: bool(rx.search(s))).sum())


def _run(path, *args, code=0):
    res = CliRunner().invoke(volume_cmd, ["--workspace", path, "--quiet", *args], catch_exceptions=False)
    assert res.exit_code == code, res.output
    return res


def _json(path, *args):
    return json.loads(_run(path, *args, "--format", "json").stdout)


def _all_rows(data, term, side=None):
    return [r for r in data["volume"] if r["key"] == "all" and r["term"] == term
            and (side is None or r.get("side") == side)]


# ------------------------------------------------------------------ 1. --since and --until, both ends, any --freq


@pytest.mark.parametrize("since, until", [("2022-02-16", "2022-03-16"), ("2022-02-02T15:00", "2022-03-09"),
                                          ("2022-03-17", None), (None, "2022-02-10T06:00")])
def test_every_figure_lies_in_since_until_and_the_total_is_the_same_for_every_freq(corpus, since, until):
    path, posts = corpus
    rng = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    want = _count(posts, "Kherson", since, until)
    want_posts = _count(posts, "Kherson", since, until, posts_only=True)
    assert want > 20
    tables = {freq: _all_rows(_json(path, "--term", "Kherson", "--freq", freq, *rng), "Kherson")
              for freq in ("D", "W", "M")}
    assert {f: sum(r["mentions"] or 0 for r in rows) for f, rows in tables.items()} == dict.fromkeys(tables, want)
    assert {f: sum(r["posts"] or 0 for r in rows) for f, rows in tables.items()} == dict.fromkeys(tables, want_posts)
    for freq, rows in tables.items():
        # each row counts exactly the posts of its own part of the period
        for r in rows:
            assert r["mentions"] == _count(posts, "Kherson", r["since"][:19], r["until"][:19]), (freq, r["period"])
        lo, hi = pd.Timestamp(rows[0]["since"]), pd.Timestamp(rows[-1]["until"])
        if since:
            assert lo == pd.Timestamp(since, tz="UTC")
        if until:
            assert hi == pd.Timestamp(until, tz="UTC")
        # partial exactly where the part counted is not the whole period
        for r in rows:
            whole = pd.Period(pd.Timestamp(r["start"]).tz_localize(None), freq=freq)
            full = (pd.Timestamp(r["since"]).tz_localize(None) == whole.start_time
                    and pd.Timestamp(r["until"]).tz_localize(None) == (whole + 1).start_time)
            assert r["partial"] == (not full), (freq, r["period"])
        text = _run(path, "--term", "Kherson", "--freq", freq, *rng).stdout
        assert f"== Kherson: {want:,} posts mentioning it" in text
        if freq == "M" and since:  # the table says which days a cut period counts
            first = pd.Timestamp(since)
            said = (rf"only .*\({first.day}-\d+ {first.strftime('%b %Y')}\)" if first == first.normalize() else
                    rf"only {first.strftime('%d %b %Y %H:%M')} - ")
            assert re.search(said, text), text


def test_the_walkthroughs_cut_week_counts_only_its_own_days(corpus):
    """--freq W --since on a Wednesday: the first row held the whole week (Monday and Tuesday too)."""
    path, posts = corpus
    data = _json(path, "--term", "Kherson", "--freq", "W", "--since", "2022-02-02", "--until", "2022-03-16")
    first = _all_rows(data, "Kherson")[0]
    assert first["period"] == "2022-01-31/2022-02-06"
    assert first["mentions"] == _count(posts, "Kherson", "2022-02-02", "2022-02-07")
    assert first["posts"] == _count(posts, "", "2022-02-02", "2022-02-07", posts_only=True)
    assert first["partial"]
    assert first["mentions"] < _count(posts, "Kherson", "2022-01-31", "2022-02-07")  # the week's Monday is left out


def test_surge_baselines_of_later_periods_do_not_depend_on_where_since_cuts(corpus):
    path, _ = corpus
    a = _all_rows(_json(path, "--term", "Kherson", "--freq", "W", "--since", "2022-02-28"), "Kherson")
    b = _all_rows(_json(path, "--term", "Kherson", "--freq", "W", "--since", "2022-03-03"), "Kherson")
    keep = ["period", "mentions", "posts", "baseline_mean", "threshold", "surge"]
    assert [{k: r[k] for k in keep} for r in a[1:]] == [{k: r[k] for k in keep} for r in b[1:]]
    assert a[0]["partial"] is False and b[0]["partial"] is True


def test_each_term_is_counted_over_its_own_period(corpus):
    path, posts = corpus
    args = ["--term", "Kherson", "--since", "2022-03-15", "--until", "2022-04-14", "--freq", "M",
            "--term", "Bucha", "--compare-since", "2022-01-15", "--compare-until", "2022-02-14"]
    data = _json(path, *args)
    kherson, bucha = _all_rows(data, "Kherson", "A"), _all_rows(data, "Bucha", "B")
    assert [r["period"] for r in bucha] == ["2022-01", "2022-02"] and all(r["partial"] for r in bucha)
    want_b = _count(posts, "Bucha", "2022-01-15", "2022-02-14")
    assert sum(r["mentions"] for r in bucha) == want_b == data["comparison"][1]["mentions"]
    assert sum(r["mentions"] for r in kherson) == _count(posts, "Kherson", "2022-03-15", "2022-04-14") \
        == data["comparison"][0]["mentions"]
    assert not _all_rows(data, "Bucha", "A") and not _all_rows(data, "Kherson", "B")
    text = _run(path, *args).stdout
    assert f"== Bucha: {want_b:,} posts mentioning it in 30 days (15 Jan - 13 Feb 2022)" in text
    # one term against another period of itself: a table for each period
    one = _json(path, "--term", "Kherson", "--since", "2022-03-01", "--until", "2022-04-01", "--freq", "M",
                "--compare-since", "2022-01-01", "--compare-until", "2022-02-01")
    assert [r["period"] for r in _all_rows(one, "Kherson", "A")] == ["2022-03"]
    assert [r["mentions"] for r in _all_rows(one, "Kherson", "B")] == [_count(posts, "Kherson", "2022-01-01",
                                                                               "2022-02-01")]


# ------------------------------------------------------------------ 2. a period the corpus does not cover


def test_a_period_without_posts_is_not_compared(corpus):
    path, posts = corpus
    args = ["--term", "Kherson", "--since", "2022-01-12", "--until", "2022-01-19",
            "--term", "Bucha", "--compare-since", "2021-12-01", "--compare-until", "2022-01-01"]
    data = _json(path, *args)
    assert "no comparison" in data["sentence"] and " vs " not in data["sentence"]
    assert data["comparable"] is False
    b = data["comparison"][1]
    assert b["coverage"] == "none" and b["posts"] == 0 and b["mentions"] is None and b["per_day"] is None
    assert "no posts" in b["note"] and "1 Jan 2022 to 30 Apr 2022" in b["note"]
    a = data["comparison"][0]
    assert a["mentions"] == _count(posts, "Kherson", "2022-01-12", "2022-01-19") and a["coverage"] == "full"
    assert data["ranges"][1]["posts"] == 0 and "no posts between 2021-12-01 and 2022-01-01" in data["ranges"][1]["note"]
    text = _run(path, *args).stdout
    assert "vs 0 mentioning" not in text and "no posts" in text
    assert "(the corpus covers 1 Jan 2022 to 30 Apr 2022)" in text


def test_a_period_the_corpus_covers_in_part_says_so(corpus):
    path, posts = corpus
    data = _json(path, "--term", "Kherson", "--since", "2022-03-01", "--until", "2022-03-31",
                 "--term", "Bucha", "--compare-since", "2021-12-17", "--compare-until", "2022-01-16")
    b = data["comparison"][1]
    assert "the corpus covers only 15 of the second period's 30 days" in data["sentence"]
    assert data["comparable"] is True and b["coverage"] == "partial" and b["covered_days"] == 15
    assert b["mentions"] == _count(posts, "Bucha", "2022-01-01", "2022-01-16")
    assert b["per_day"] == pytest.approx(b["mentions"] / 15, abs=1e-3)  # per day the corpus covers
    assert "only 15 of its 30 days" in b["note"]
    assert data["comparison"][0]["coverage"] == "full"


# ------------------------------------------------------------------ 3. apostrophes, quotes and dashes


@pytest.mark.parametrize("term, variants", [("Ukraine's", ["Ukraine\u2019s", "Ukraine\u2018s", "Ukraine\u02bcs"]),
                                            ("Russia-Ukraine", ["Russia\u2013Ukraine", "Russia\u2014Ukraine"])])
def test_a_term_matches_every_apostrophe_and_dash_variant(corpus, term, variants):
    path, posts = corpus
    want = _count(posts, term)
    straight = int(posts["text"].str.contains(term, regex=False).sum())
    assert want > straight > 0  # the variants are there, and the straight spelling alone misses them
    for spelling in [term, *variants]:
        rows = _all_rows(_json(path, "--term", spelling, "--freq", "M"), spelling)
        assert sum(r["mentions"] for r in rows) == want, spelling
    texts = ["Ukraine\u2019s army", "Ukraine\u2018s", "Ukraine\u02bcs", "Ukraine`s", "Ukraine\uff07s", "Ukraines",
             "Ukraine s", "\u201cBucha\u201d", "\u00abBucha\u00bb", "Russia\u2212Ukraine", "Russia - Ukraine"]
    assert mentions(texts, "Ukraine's").tolist() == [True] * 5 + [False] * 6
    assert mentions(texts, '"Bucha"').tolist() == [False] * 7 + [True, True, False, False]
    assert mentions(texts, "Russia-Ukraine").tolist() == [False] * 9 + [True, False]


# ------------------------------------------------------------------ 4. empty and reversed ranges


@pytest.mark.parametrize("since, until", [("2022-03-20", "2022-03-01"), ("2022-03-01", "2022-03-01"),
                                          ("2022-03-01T12:00", "2022-03-01T11:00")])
def test_a_reversed_or_empty_range_is_a_usage_error(corpus, since, until):
    path, _ = corpus
    res = _run(path, "--term", "Kherson", "--since", since, "--until", until, code=2)
    assert "must be before --until" in res.output
    res = _run(path, "--term", "Kherson", "--compare-since", since, "--compare-until", until, code=2)
    assert "must be before --compare-until" in res.output


@pytest.mark.parametrize("since, until, words", [("2023-01-01", None, "from 2023-01-01 on"),
                                                 ("2021-06-01", "2021-07-01", "between 2021-06-01 and 2021-07-01"),
                                                 (None, "2021-12-31", "before 2021-12-31")])
def test_a_range_without_posts_says_so(corpus, since, until, words):
    path, _ = corpus
    rng = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    text = _run(path, "--term", "Kherson", *rng).stdout
    assert f"no posts {words} (the corpus covers 1 Jan 2022 to 30 Apr 2022)" in text
    data = _json(path, "--term", "Kherson", *rng)
    assert data["volume"] == [] and data["ranges"][0]["posts"] == 0 and words in data["ranges"][0]["note"]


# ------------------------------------------------------------------ 5. the table's look


def test_the_all_column_comes_last_and_one_post_is_one_post(corpus):
    path, posts = corpus
    for by in ("outlet", "group"):
        lines = _run(path, "--term", "Kherson", "--by", by, "--freq", "M").stdout.splitlines()
        header = lines[1].split()
        assert header[0] == "period" and header[-2:] == ["all", "surge"], header
    assert _count(posts, "Quokkaville") == 1
    text = _run(path, "--term", "Quokkaville", "--freq", "M").stdout
    assert "== Quokkaville: 1 post mentioning it" in text


def test_a_term_is_shown_not_obeyed(corpus):
    # a term holding a bidi override or an escape sequence reached the terminal as it was typed
    term = "\u202eKherson\x1b[31m"
    out = _run(corpus[0], "--term", term, "--term", "Bucha").output
    assert "\u202e" not in out and "\x1b" not in out and "\\u202eKherson" in out
