"""Blocking for short texts (amplify.detect.short_candidates, issue #10 item 4)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from amplify.detect import detect
from amplify.detect.candidates import Candidates
from amplify.detect.settings import DetectSettings, SettingsError
from amplify.detect.short_candidates import RARE_AT, merge_short_pairs, short_pairs
from amplify.text import tokenize

HOUR = 3600 * 10**9


def _pairs(texts, times, window=24 * HOUR, max_words=15, **kw):
    tokens = tokenize(pa.array(texts))
    got = short_pairs(tokens.hashes, tokens.offsets, np.asarray(times, np.int64), window, max_words, **kw)
    return {(int(s), int(t)): int(r) for s, t, r in zip(got.src, got.tgt, got.rare)}


def _reference(texts, times, window, max_words, min_words, rare_at):
    """All pairs, by brute force: the same definition read off the words."""
    words = [set(t.lower().split()) for t in texts]
    short = [3 <= len(t.split()) <= max_words for t in texts]
    out = {}
    for s, t in itertools.combinations(range(len(texts)), 2):
        if not (short[s] and short[t]) or times[t] - times[s] > window:
            continue
        rare = 0
        for w in words[s] & words[t]:
            around = sum(1 for o in range(len(texts)) if o != t and short[o] and w in words[o]
                         and abs(times[o] - times[t]) <= window)
            rare += around <= rare_at
        if rare >= min_words:
            out[(s, t)] = rare
    return out


def test_a_reworded_headline_without_shared_shingles_is_a_candidate():
    texts = ["kuleba says sanctions on russia must come now",
             "sanctions on russia now urgent kuleba insists",
             "weather turns cold over the weekend in kyiv"]
    got = _pairs(texts, [0, HOUR, 2 * HOUR])
    # kuleba, sanctions, on, russia, now: five words in common, no 4-word run
    assert got == {(0, 1): 5}


def test_one_shared_word_and_posts_past_the_window_pair_nobody():
    texts = ["kuleba meets blinken in kyiv today",
             "blinken flies home after long talks",  # one word in common with the first
             "kuleba meets blinken in kyiv today"]   # a copy, but two days later
    assert _pairs(texts, [0, HOUR, 49 * HOUR]) == {}


def test_long_posts_are_left_to_the_shingle_join():
    long = "kuleba says sanctions on russia must come now " + " ".join(f"w{i}" for i in range(20))
    texts = ["kuleba says sanctions on russia must come now", long]
    assert _pairs(texts, [0, HOUR]) == {}
    assert _pairs(texts, [0, HOUR], max_words=40) == {(0, 1): 8}


def test_a_word_common_around_the_target_pairs_nobody():
    # "ukraine" and "news" are in every post: common once more than RARE_AT others hold them
    n = RARE_AT + 3
    texts = [f"ukraine news item{i} story{i}" for i in range(n)]
    assert _pairs(texts, list(range(n))) == {}
    # the first two posts also share two words of their own
    texts[1] = "ukraine news item0 story0"
    assert _pairs(texts, list(range(n))) == {(0, 1): 2}


def test_matches_brute_force_on_random_posts():
    rng = np.random.default_rng(7)
    vocab = [f"w{i}" for i in range(40)]
    texts = [" ".join(rng.choice(vocab, size=rng.integers(2, 20))) for _ in range(150)]
    times = np.sort(rng.integers(0, 100 * HOUR, size=150))
    for min_words, rare_at in ((2, 12), (3, 5)):
        got = _pairs(texts, times, window=10 * HOUR, max_words=15, min_words=min_words, rare_at=rare_at)
        assert got == _reference(texts, times, 10 * HOUR, 15, min_words, rare_at)


def test_merge_keeps_the_shingle_pairs_and_their_counts():
    i32 = lambda *x: np.array(x, np.int64)  # noqa: E731
    pairs = Candidates(i32(0, 1), i32(2, 3), i32(5, 6), i32(5, 6))
    found = Candidates(i32(0, 4, 1), i32(2, 2, 3), i32(5, 1, 6), i32(5, 1, 6))  # (4, 2) shares one shingle
    short = Candidates(i32(0, 4, 2), i32(2, 2, 5), i32(3, 3, 2), i32(3, 3, 2))
    out = merge_short_pairs(pairs, short, found)
    assert list(zip(out.src, out.tgt, out.shared, out.rare)) == [(0, 2, 5, 5), (4, 2, 1, 1), (1, 3, 6, 6),
                                                                 (2, 5, 0, 0)]


def _posts(a, b):
    return pd.DataFrame({"post_id": ["a", "b"], "outlet": ["x", "y"],
                         "published_at": ["2024-01-01 10:00Z", "2024-01-01 12:00Z"], "text": [a, b]})


def test_detect_links_a_short_rewording_only_with_the_short_join():
    # no 4-word run in common, fewer than 80 % of the words in order: only the short join
    # finds the pair, and only the short-paraphrase rule links it
    posts = _posts("Zelensky urges Berlin to send Leopard tanks without delay",
                   "Berlin must send Leopard tanks, Zelensky urges, without further delay")
    links = detect(posts, short_block_words=15)
    assert links[["source_id", "target_id", "kind"]].values.tolist() == [["a", "b", "paraphrase"]]
    assert detect(posts).empty  # off by default


def test_a_short_pair_with_different_numbers_is_not_a_rewording():
    posts = _posts("Quake of magnitude 5.1 hits off coast of Chile",
                   "Chile coast hit by magnitude 5.2 quake off shore")
    assert detect(posts, short_block_words=15).query("kind != 'template'").empty


def test_a_reworded_headline_of_five_words_is_its_bare_fact():
    posts = _posts("Harry congratulates Atlantic rowers", "Prince Harry warmly congratulates the Atlantic rowers")
    assert detect(posts, short_block_words=15).empty


def test_the_setting_is_checked():
    with pytest.raises(SettingsError, match="short_block_words"):
        DetectSettings(short_block_words=-1)
    assert DetectSettings(short_block_words=0).short_block_words == 0


def test_off_the_setting_leaves_the_link_set_id_alone():
    assert "short_block_words" not in DetectSettings().to_dict()
    assert DetectSettings(short_block_words=15).to_dict()["short_block_words"] == 15


def test_incremental_links_equal_a_full_run():
    # short headlines reworded from a few statements, spread over 30 days (4 of the 27 links
    # are found by the short join only): the links of the posts of days 12-14 are the same
    # whether detection sees every post or only those within the window around them (a
    # word's rarity is counted around the target only)
    rng = np.random.default_rng(3)
    frames = ["{n} says {t} talks in {p} will resume soon", "{t} talks will resume soon in {p}, {n} says",
              "{n}: {t} talks to resume in {p} soon"]
    texts, times = [], []
    for i in range(400):
        k = rng.integers(60)
        text = frames[rng.integers(3)].format(n=f"name{k}", t=f"topic{k}", p=f"place{k}")
        texts.append(f"{text} w{rng.integers(1000)}")
        times.append(pd.Timestamp("2024-01-01", tz="UTC") + pd.Timedelta(hours=float(rng.uniform(0, 30 * 24))))
    posts = pd.DataFrame({"post_id": [f"p{i:03d}" for i in range(400)], "outlet": [f"o{i % 7}" for i in range(400)],
                          "published_at": times, "text": texts})
    t = pd.to_datetime(posts["published_at"])
    targets = posts["post_id"][(t >= "2024-01-12") & (t < "2024-01-15")].tolist()
    near = posts[(t >= pd.Timestamp("2024-01-12", tz="UTC") - pd.Timedelta("7D"))
                 & (t < pd.Timestamp("2024-01-15", tz="UTC") + pd.Timedelta("7D"))]
    cfg = dict(short_block_words=15, quote_window="0D")
    full = detect(posts, targets=targets, **cfg)
    part = detect(near, targets=targets, **cfg)
    cols = ["source_id", "target_id", "kind", "score"]
    assert len(full) > 0
    pd.testing.assert_frame_equal(full[cols].reset_index(drop=True), part[cols].reset_index(drop=True))
