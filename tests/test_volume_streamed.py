"""`amplify volume` reads a workspace's texts a stretch of time at a time (issue #15: queries that stay
fast and bounded at 10M posts), and normalises only the texts NFKC changes: both must give exactly
what reading every text at once and normalising all of them gives."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from amplify.analyze.volume import compare_volume, mention_table, mentions, term_volume
from amplify.analyze.volume_source import read_mentions, time_ranges
from amplify.cli.analyze_cmds import volume as volume_cmd
from amplify.text.nfkc import already_nfkc, nfkc
from amplify.workspace import Workspace

# characters NFKC treats differently: ASCII, Cyrillic, CJK, full-width and compatibility forms,
# combining marks (in and out of canonical order), Hangul syllables and conjoining jamo, NBSP,
# ligatures, Greek with tonos, Devanagari with nukta, Arabic presentation forms
ALPHABET = list("aZ09 .,'-_#Kkазхст哈萨克斯坦ＫＡＺ０１…№ﬁΩΐ가각") + [
    "\u0301", "\u0323", "\u0308", "\u00a0", "\u1100", "\u1161", "\u11a8", "\u0928", "\u093c",
    "\ufb01", "\ufe8d", "\u2460", "\u212b", "\u00c5", "\u0041", "\u030a", "\u3000", "\U0001d400",
    "\u0334", "\u0359"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(ALPHABET), max_size=12), min_size=1, max_size=20))
def test_nfkc_of_the_changed_texts_only_equals_arrows_nfkc(texts):
    arr = pa.array(texts, type=pa.large_string())
    assert nfkc(arr).to_pylist() == pc.utf8_normalize(arr, "NFKC").to_pylist()
    # a text said to be NFKC already is left alone by NFKC
    full = pc.utf8_normalize(arr, "NFKC").to_pylist()
    for t, ok, f in zip(texts, already_nfkc(arr), full):
        if ok:
            assert f == t


def test_already_nfkc_flags_what_nfkc_changes():
    texts = ["Kazakhstan", "Казахстан", "哈萨克斯坦", "ＫＡＺ", "e\u0301", "x\u0334\u0359", "x\u0359\u0334", "\u1100\u1161"]
    flags = already_nfkc(texts).tolist()
    assert flags[:3] == [True, True, True]
    assert flags[3] is False and flags[4] is False and flags[7] is False  # width, composition, jamo
    # marks that never compose: in canonical order (combining classes 1, 220) the text is NFKC, out of it not
    assert flags[5] is True and flags[6] is False


def test_time_ranges_cover_every_part_with_about_the_asked_rows():
    day = 86_400 * 10**9
    rng = np.random.default_rng(3)
    parts = []
    for _ in range(12):
        a = int(rng.integers(0, 90)) * day + int(rng.integers(0, day))
        b = a + int(rng.integers(0, 20)) * day + int(rng.integers(0, day))
        parts.append({"rows": int(rng.integers(1, 5000)), "first_key": [a, "x"], "last_key": [b, "y"]})
    ranges = time_ranges(parts, 2_000)
    lo = min(p["first_key"][0] for p in parts)
    hi = max(p["last_key"][0] for p in parts)
    assert ranges[0][0] <= lo and ranges[-1][1] > hi
    assert all(a < b for a, b in ranges) and all(r[1] == s[0] for r, s in zip(ranges, ranges[1:]))
    assert all((b - a) % day == 0 for a, b in ranges)
    # estimated rows per range: none above the ask unless the range is one day
    per_day = np.zeros(200)
    for p in parts:
        d0, d1 = p["first_key"][0] // day, p["last_key"][0] // day
        per_day[d0:d1 + 1] += p["rows"] / (d1 - d0 + 1)
    for a, b in ranges:
        est = per_day[a // day:b // day].sum()
        assert est <= 2_000 * 1.0001 or b - a == day
    assert len(ranges) >= sum(p["rows"] for p in parts) / 2_000 * 0.5
    with pytest.raises(ValueError):
        time_ranges(parts, 0)


def _workspace(tmp_path, seed: int):
    """Posts added in several overlapping batches (so parts overlap in time), hostile texts included."""
    rng = np.random.default_rng(seed)
    words = ["Kazakhstan", "Kazakhstan's", "Kazakhstani", "#Kazakhstan", "ＫＡＺＡＫＨＳＴＡＮ", "Ukraine",
             "Украина", "в Казахстане", "哈萨克斯坦", "<script>alert(1)</script>", "news", "Kazakh\u0301stan"]
    ws = Workspace.open(tmp_path / "ws", create=True)
    outlets = [f"o{i}" for i in range(7)]
    with ws.writer():
        for batch in range(5):
            n = int(rng.integers(50, 300))
            start = pd.Timestamp("2022-01-01", tz="UTC") + pd.Timedelta(days=int(rng.integers(0, 40)))
            times = start + pd.to_timedelta(rng.integers(0, 30 * 86_400, n), unit="s")
            texts = [" ".join(rng.choice(words, int(rng.integers(1, 5)))) for _ in range(n)]
            ws.add_posts(pd.DataFrame({"post_id": [f"b{batch}_{i}" for i in range(n)],
                                       "outlet": rng.choice(outlets, n), "published_at": times,
                                       "text": texts}))
        ws.set_outlets(pd.DataFrame({"outlet": outlets, "group": ["RU", "RU", "CN", "CN", "WEST", "RU", "CN"]}))
    return ws


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("rows_per_read", [1, 37, 10_000])
def test_read_mentions_gives_the_counts_of_reading_every_text(tmp_path, seed, rows_per_read):
    ws = _workspace(tmp_path, seed)
    terms = ["Kazakhstan", "Украина", "哈萨克斯坦", "Kazakh*"]
    whole = ws.posts(columns=["post_id", "outlet", "published_at", "text"])
    posts, mentioned = read_mentions(ws, terms, rows_per_read=rows_per_read)
    assert len(posts) == len(whole) == len(mentioned)
    # the same posts, each with the same flags as matching its own text
    got = posts.assign(**{t: mentioned[t].to_numpy() for t in terms})
    assert got[["outlet", "published_at"]].sort_values(["published_at", "outlet"]).reset_index(drop=True)\
        .equals(whole[["outlet", "published_at"]].sort_values(["published_at", "outlet"]).reset_index(drop=True))
    for t in terms:
        assert int(mentioned[t].sum()) == int(mentions(whole["text"], t).sum())
    outlets = ws.outlets()
    for by in ("group", "outlet"):
        for freq in ("D", "W"):
            expected = term_volume(whole, outlets, terms, by=by, freq=freq, since="2022-01-20")
            streamed = term_volume(posts, outlets, terms, by=by, freq=freq, since="2022-01-20", mentioned=mentioned)
            pd.testing.assert_frame_equal(streamed, expected)
    a = compare_volume(whole, outlets, term="Kazakhstan", since="2022-01-10", until="2022-01-20",
                       compare_term="Украина")
    b = compare_volume(posts, outlets, term="Kazakhstan", since="2022-01-10", until="2022-01-20",
                       compare_term="Украина", mentioned=mentioned)
    pd.testing.assert_frame_equal(a[0], b[0])
    assert a[1] == b[1]


def test_volume_command_matches_the_functions_over_every_text(tmp_path):
    ws = _workspace(tmp_path, 4)
    whole = ws.posts(columns=["post_id", "outlet", "published_at", "text"])
    res = CliRunner().invoke(volume_cmd, ["--workspace", str(tmp_path / "ws"), "--term", "Kazakhstan", "--term",
                                          "Украина", "--freq", "W", "--format", "json", "--quiet"],
                             catch_exceptions=False)
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    expected = term_volume(whole, ws.outlets(), ["Kazakhstan", "Украина"], freq="W")
    assert [r["mentions"] for r in data["volume"]] == [None if pd.isna(m) else int(m) for m in expected["mentions"]]
    _, sentence = compare_volume(whole, ws.outlets(), term="Kazakhstan", compare_term="Украина")
    assert data["sentence"] == sentence


def test_mentioned_must_fit_the_posts():
    posts = pd.DataFrame({"outlet": ["a", "b"], "published_at": pd.to_datetime(["2022-01-01", "2022-01-02"], utc=True)})
    from amplify.analyze.errors import AnalysisError
    with pytest.raises(AnalysisError, match="no column for the term"):
        term_volume(posts, None, ["Kazakhstan"], mentioned=pd.DataFrame({"Ukraine": [True, False]}))
    with pytest.raises(AnalysisError, match="3 rows for 2 posts"):
        term_volume(posts, None, ["Kazakhstan"], mentioned={"Kazakhstan": [True, False, True]})
    with pytest.raises(AnalysisError, match="needs the posts' text"):
        term_volume(posts, None, ["Kazakhstan"])
    flags = mention_table(["x Kazakhstan", "y"], ["Kazakhstan", "Kazakhstan"])
    assert list(flags.columns) == ["Kazakhstan"] and flags["Kazakhstan"].tolist() == [True, False]
