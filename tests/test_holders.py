"""The long look-back's holders, counted once for a corpus (amplify.detect.halo.HolderIndex, issue #15).

Property tests against a plain statement of blocking's rule on small generated
corpora (a five-word vocabulary, times on a 12-hour grid: shingles repeat,
times tie and fall exactly on the horizon's bounds):

* a shingle ``X`` is rare at a post of time ``t`` when at most ``common_at``
  other posts hold it within ``[t - quote_window, t + quote_window]``;
* a post of time ``s`` may be a long-quote source of a target of time ``t``
  when ``t - quote_window <= s < t - window``, both texts hold
  ``quote_window_words`` tokens, and the source holds ``shingle`` of the
  target's rare shingles.

And blocking handed those rare rows decides exactly as when it counts them itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unittest.mock import patch

from amplify.detect import DetectSettings, halo
from amplify.detect.candidates import candidate_pairs
from amplify.detect.halo import FarRare, HolderIndex
from amplify.detect.shingles import DOC_BITS, build_index, shared_set, shingles
from amplify.detect.slices import FramePosts, SliceStore, plan_slices, slice_posts
from amplify.text import tokenize

HOUR = pd.Timedelta("1h").value
DAY = pd.Timedelta("1D").value
BASE = pd.Timestamp("2022-03-01", tz="UTC").value
VOCAB = ["alpha", "beta", "gamma", "delta", "omega"]
CFG = DetectSettings(window="1D", quote_window="3D", shingle=2, common_at=2, quote_window_words=3)


@st.composite
def corpora(draw):
    n = draw(st.integers(2, 36))
    # times on a 12-hour grid: many fall exactly on another's window or horizon bound
    hours = draw(st.lists(st.integers(0, 20).map(lambda k: 12 * k), min_size=n, max_size=n))
    words = st.lists(st.sampled_from(VOCAB), min_size=0, max_size=7).map(" ".join)
    texts = draw(st.lists(words, min_size=n, max_size=n))
    return pd.DataFrame({
        "post_id": [f"p{i:03d}" for i in range(n)],
        "outlet": [f"o{i % 3}" for i in range(n)],
        "published_at": pd.to_datetime([BASE + h * HOUR for h in hours], utc=True),
        "text": texts,
    })


def _plain(posts: pd.DataFrame):
    """Each post's time, length in tokens and set of shingle hashes, one post at a time."""
    out = {}
    for pid, when, text in zip(posts["post_id"], posts["published_at"], posts["text"]):
        tok = tokenize([text])
        keys, _ = shingles(tok.hashes, tok.offsets, CFG.shingle)
        out[pid] = (when.value, int(tok.lengths[0]), set((keys >> np.uint64(DOC_BITS)).tolist()))
    return out


def _rare(plain, pid, cfg=CFG):
    """The shingles of ``pid`` rare over quote_window at its time (the rule, stated plainly)."""
    t, _, mine = plain[pid]
    qw = cfg.quote_window_ns
    return {x for x in mine
            if sum(1 for (s, _, theirs) in plain.values() if x in theirs and t - qw <= s <= t + qw) - 1
            <= cfg.common_at}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(posts=corpora(), start_h=st.integers(0, 20).map(lambda k: 12 * k), chunk_h=st.integers(1, 96),
       query_rows=st.sampled_from([4, 1 << 20]))
def test_choice_follows_the_rule(tmp_path_factory, posts, start_h, chunk_h, query_rows):
    src = FramePosts(posts)
    index = HolderIndex.build(src, tmp_path_factory.mktemp("h") / "holders", CFG.shingle, chunk_ns=chunk_h * HOUR)
    plain = _plain(posts)
    assert index.n_posts == len(posts)
    assert index.ids(np.arange(len(posts))) == src.posts["post_id"].tolist()  # numbered in time order
    a = BASE + start_h * HOUR
    targets = src.between(a, a + 2 * DAY - 1)
    with patch.object(halo, "_QUERY_ROWS", query_rows):  # the index read a few keys at a time, or all at once
        far_rare, sources = index.choose(targets, a - CFG.window_ns, CFG)
    qw = CFG.quote_window_ns
    # a shingle no other post holds pairs nobody: not listed
    want_rows, want_src = _wanted(plain, targets["post_id"], a - CFG.window_ns)
    assert _rows(far_rare) == want_rows
    assert set(index.ids(sources)) == want_src
    # the count of holders, at every post's own time
    hashes = [x for pid in plain for x in plain[pid][2]]
    at = np.array([plain[pid][0] for pid in plain for _ in plain[pid][2]], dtype=np.int64)
    got = index.holders_within(np.array(hashes, dtype=np.uint64), at - qw, at + qw)
    want = [sum(1 for (s, _, theirs) in plain.values() if x in theirs and t - qw <= s <= t + qw)
            for x, t in zip(hashes, at)]
    assert [max(g, 1) for g in got.tolist()] == want  # a shingle held by one post is not listed: 0


def _wanted(plain, target_ids, far_before):
    """The rule, stated plainly, for targets ``target_ids`` whose far halo ends at
    ``far_before``: their rare rows ``(shingle, target)`` (a shingle some other
    post holds) and their long-quote sources."""
    w, qw, long = CFG.window_ns, CFG.quote_window_ns, CFG.quote_window_words
    held = {x for q in plain for x in plain[q][2] if sum(x in plain[o][2] for o in plain) >= 2}
    rows, sources = set(), set()
    for pid in target_ids:
        t, n, _ = plain[pid]
        if n < long:
            continue
        rare = _rare(plain, pid)
        rows |= {(x, pid) for x in rare & held}
        sources |= {q for q, (s, m, theirs) in plain.items()
                    if s < far_before and t - qw <= s < t - w and m >= long and len(rare & theirs) >= CFG.shingle}
    return rows, sources


def _rows(far_rare: FarRare) -> set:
    return {(int(r >> np.uint64(DOC_BITS)), far_rare.target_ids[int(r & np.uint64((1 << DOC_BITS) - 1))])
            for r in far_rare.rows}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(posts=corpora(), slice_h=st.integers(1, 20).map(lambda k: 12 * k), chunk_h=st.integers(1, 96),
       query_rows=st.sampled_from([4, 1 << 20]))
def test_all_slices_chosen_in_one_pass_follow_the_rule(tmp_path_factory, posts, slice_h, chunk_h, query_rows):
    # every slice's rare rows and sources from one pass over the index: each target's far halo
    # ends at its own slice's start - window, whichever slice that is
    src = FramePosts(posts)
    tmp = tmp_path_factory.mktemp("h")
    index = HolderIndex.build(src, tmp / "holders", CFG.shingle, chunk_ns=chunk_h * HOUR)
    plain = _plain(posts)
    slices = plan_slices(*src.time_range(), slice_h * HOUR)
    kept = []

    def keep(numbers, folder):
        kept.append(numbers.copy())
        return [{"file": "x"}]

    with patch.object(halo, "_QUERY_ROWS", query_rows):
        choices = index.choose_all(slices, CFG, tmp / "far", keep=keep)
    every = set()
    for sl in slices:
        targets = src.between(sl.start_ns, sl.end_ns - 1)
        p0, p1, rows, sources = choices.of(sl)
        assert index.ids(np.arange(p0, p1)) == targets["post_id"].tolist()
        want_rows, want_src = _wanted(plain, targets["post_id"], sl.start_ns - CFG.window_ns)
        got = {(int(r >> np.uint64(DOC_BITS)), index.ids([int(r & np.uint64((1 << DOC_BITS) - 1))])[0])
               for r in rows}
        assert got == want_rows
        assert set(index.ids(sources)) == want_src and np.array_equal(sources, np.unique(sources))
        every |= want_src
        # read back for the slice's targets: what choosing for that slice alone gives
        with_choices = HolderIndex(index.folder, choices=choices)
        far_rare, chosen = with_choices.for_slice(sl, targets, CFG)
        assert _rows(far_rare) == want_rows and set(with_choices.ids(chosen)) == want_src
    # every slice's sources handed to ``keep`` at once (when there are any), and what it returned recorded
    assert [set(index.ids(k)) for k in kept] == ([every] if every else [])
    assert choices.kept == ([{"file": "x"}] if every else None) and choices.n_sources == len(every)


def test_choices_are_reused_for_the_same_run_and_made_again_otherwise(tmp_path):
    c = _corpus(300)
    cfg = DetectSettings(window="2D", quote_window="10D")
    src = FramePosts(c.posts)
    index = HolderIndex.build(src, tmp_path / "holders", cfg.shingle, chunk_ns=3 * DAY)
    slices = plan_slices(*src.time_range(), 4 * DAY)
    first = index.choices_for(slices, cfg, tmp_path / "far")
    stamp = (first.folder / "meta.json").stat().st_mtime_ns
    again = index.choices_for(slices, cfg, tmp_path / "far")        # a resumed run: reused
    assert (again.folder / "meta.json").stat().st_mtime_ns == stamp
    for other_slices, other_cfg in ((plan_slices(*src.time_range(), 5 * DAY), cfg),
                                    (slices, DetectSettings(window="2D", quote_window="11D"))):
        made = index.choices_for(other_slices, other_cfg, tmp_path / "far")
        assert (made.folder / "meta.json").stat().st_mtime_ns != stamp
        stamp = (made.folder / "meta.json").stat().st_mtime_ns
    (tmp_path / "far" / "meta.json").unlink()                         # killed before it was whole
    assert index.choices_for(slices, cfg, tmp_path / "far").of(slices[2]) is not None
    assert not (tmp_path / "far.tmp").exists()
    # a slice the choices were not made for, or whose targets are not the index's, is chosen alone
    with_choices = HolderIndex(index.folder, choices=tmp_path / "far")
    other = plan_slices(*src.time_range(), 5 * DAY)[2]
    assert with_choices.choices.of(other) is None
    sl = slices[3]
    targets = src.between(sl.start_ns, sl.end_ns - 1)
    fewer = targets.iloc[::2]
    alone = index.choose(fewer, sl.start_ns - cfg.window_ns, cfg)
    got = with_choices.for_slice(sl, fewer, cfg)
    assert _rows(got[0]) == _rows(alone[0]) and np.array_equal(got[1], alone[1]) and len(alone[0].rows)


@settings(max_examples=60, deadline=None)
@given(posts=corpora())
def test_blocking_with_rare_rows_handed_in_decides_as_when_it_counts(posts):
    # every row's rarity decided by the plain rule and handed to blocking: the same pairs, near and far
    ordered = FramePosts(posts).posts
    tok = tokenize(ordered["text"])
    keys, off = shingles(tok.hashes, tok.offsets, CFG.shingle)
    index = build_index(keys, off, shared_set(keys))
    times = ordered["published_at"].astype("int64").to_numpy()
    plain = _plain(ordered)
    rare = np.array(sorted((x << DOC_BITS) | p for p, pid in enumerate(ordered["post_id"]) for x in _rare(plain, pid)),
                    dtype=np.uint64)
    kw = dict(min_shared=CFG.min_shared, common_at=CFG.common_at, far_window=CFG.quote_window_ns,
              far_min_shared=CFG.shingle, workers=1)
    counted = candidate_pairs(index, times, CFG.window_ns, **kw)
    handed = candidate_pairs(index, times, CFG.window_ns, far_rare=rare, **kw)
    for a, b in ((counted, handed), (counted.far, handed.far)):
        for col in ("src", "tgt", "shared", "rare"):
            assert np.array_equal(getattr(a, col), getattr(b, col)), col


def _corpus(n=400, seed=3):
    from amplify.synth import generate
    return generate(n_posts=n, seed=seed, days=24)


def test_a_slice_reads_no_far_post_after_it_and_only_sources_before(tmp_path):
    # the far halo after the slice only ever counted (it holds no source): it is no longer read
    c = _corpus()
    cfg = DetectSettings(window="2D", quote_window="10D")
    src = FramePosts(c.posts)
    sl = plan_slices(*src.time_range(), 4 * DAY)[3]
    index = HolderIndex.build(src, tmp_path / "holders", cfg.shingle, chunk_ns=3 * DAY)
    read, targets = slice_posts(src, sl, cfg, holders=index)
    t = read["published_at"].astype("int64").to_numpy()
    assert len(targets) > 0 and not (t > sl.end_ns - 1 + cfg.window_ns).any()
    far = read[t < sl.start_ns - cfg.window_ns]
    _, chosen = index.choose(targets, sl.start_ns - cfg.window_ns, cfg)
    assert set(far["post_id"]) == set(index.ids(chosen))


def test_store_builds_the_index_once_and_errors_name_the_cause(tmp_path):
    c = _corpus(200)
    cfg = DetectSettings(window="2D", quote_window="10D")
    store = SliceStore(tmp_path / "s", {"a": 1})
    first = store.holders(FramePosts(c.posts), cfg, chunk_ns=5 * DAY)
    stamp = (first.folder / "meta.json").stat().st_mtime_ns
    again = store.holders(FramePosts(c.posts), cfg, chunk_ns=5 * DAY)  # a resumed run: reused
    assert (again.folder / "meta.json").stat().st_mtime_ns == stamp and again.n_posts == len(c.posts)
    assert store.holders(FramePosts(c.posts), DetectSettings(window="7D", quote_window="0D"), chunk_ns=DAY) is None
    with pytest.raises(ValueError, match="counts 4-token shingles, detection asks for 3"):
        first.choose(c.posts.head(3), 0, DetectSettings(shingle=3, quote_window="10D"))
    with pytest.raises(ValueError, match="targets not among the posts of the holder index .*'x1'"):
        first.choose(c.posts.head(3).assign(post_id=["x1", "x2", "x3"]), 0, DetectSettings(quote_window="10D"))
    with pytest.raises(ValueError, match="not among the posts detected: \\['nope'\\]"):
        FarRare(np.array(["nope"], dtype=object), np.zeros(1, np.uint64)).keys(np.array(["a"], dtype=object))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(posts=corpora(), chunk_h=st.integers(1, 96), pick=st.lists(st.booleans(), min_size=36, max_size=36))
def test_kept_tokens_are_the_tokens_of_the_texts(tmp_path_factory, posts, chunk_h, pick):
    # any ascending choice of posts (runs and gaps) reads back what tokenising their texts gives
    src = FramePosts(posts)
    index = HolderIndex.build(src, tmp_path_factory.mktemp("h") / "holders", CFG.shingle, chunk_ns=chunk_h * HOUR)
    chosen = np.flatnonzero(np.array(pick[:len(posts)]))
    got = index.tokens(chosen)
    want = tokenize(src.posts["text"].iloc[chosen].tolist())
    assert np.array_equal(got.offsets, want.offsets)
    assert np.array_equal(got.hashes, want.hashes) and np.array_equal(got.narrow, want.narrow)
    with pytest.raises(ValueError, match="ascending"):
        index.tokens(np.array([1, 0]))
