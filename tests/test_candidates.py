"""Blocking (amplify.detect.candidates, amplify.detect.shingles) against a plain-Python statement of its rule."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import amplify.detect.candidates as C
import amplify.detect.shingles as S
from amplify.detect.shingles import DOC_BITS, ShingleIndex, build_index


def reference(posts_shingles, times, window, min_shared, common_at, keep_first, keep_last):
    """Pairs (src, tgt) -> (shared, rare), straight from the documented rule."""
    holders = defaultdict(list)
    for d, shs in enumerate(posts_shingles):
        for s in set(shs):  # a shingle repeated in a post counts once
            holders[s].append(d)
    shared, rare = Counter(), Counter()
    for docs in holders.values():
        docs.sort()
        for i, d in enumerate(docs):
            t = times[d]
            inside = [q for q in docs if t - window <= times[q] <= t + window]
            earlier = [q for q in docs[:i] if times[q] >= t - window]
            if len(inside) - 1 <= common_at:
                partners, is_rare = earlier, 1
            else:
                nf = min(keep_first, len(earlier))
                partners = earlier[:nf] + earlier[max(nf, len(earlier) - keep_last):]
                is_rare = 0
            for q in partners:
                shared[q, d] += 1
                rare[q, d] += is_rare
    return {p: (c, rare[p]) for p, c in shared.items() if c >= min_shared}


def keys_of(posts_shingles):
    keys = [(np.uint64(s) << np.uint64(DOC_BITS)) | np.uint64(d)
            for d, shs in enumerate(posts_shingles) for s in shs]
    return np.array(keys, dtype=np.uint64)


def index_of(posts_shingles):
    """Every shingle of each post, as the per-post index detection hands blocking."""
    offsets = np.r_[0, np.cumsum([len(s) for s in posts_shingles])].astype(np.int64)
    hashes = np.array([s for shs in posts_shingles for s in shs], dtype=np.uint64)
    positions = (np.arange(len(hashes)) - np.repeat(offsets[:-1], np.diff(offsets))).astype(np.int32)
    return ShingleIndex(hashes, positions, offsets)


corpora = st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.lists(st.lists(st.integers(1, 12), max_size=8), min_size=n, max_size=n),
    st.lists(st.integers(0, 30), min_size=n, max_size=n),
))


@pytest.fixture
def parallel_paths(monkeypatch):
    """Make the smallest input take the split, chunked and grown-buffer paths."""
    monkeypatch.setattr(C, "_SPLIT_MIN_KEYS", 0)
    monkeypatch.setattr(S, "_SPLIT_MIN_KEYS", 0)
    monkeypatch.setattr(C, "_CHUNK_MIN_ROWS", 0)
    monkeypatch.setattr(C, "_MIN_OUT", 1)
    monkeypatch.setattr(C, "_OUT_PER_ROW", 0.0)


def _check(corpus, window, min_shared, common_at, keep_first, keep_last, workers):
    shingle_sets, times = corpus
    times = np.sort(np.asarray(times, dtype=np.int64))  # posts are numbered in time order
    cand = C.candidate_pairs(index_of(shingle_sets), times, window, min_shared=min_shared,
                             common_at=common_at, keep_first=keep_first, keep_last=keep_last,
                             workers=workers)
    got = {(int(s), int(t)): (int(a), int(b))
           for s, t, a, b in zip(cand.src, cand.tgt, cand.shared, cand.rare)}
    assert got == reference(shingle_sets, times, window, min_shared, common_at, keep_first, keep_last)
    # sorted by (tgt, src), each pair once, earlier post first
    order = np.lexsort((cand.src, cand.tgt))
    assert np.array_equal(order, np.arange(len(order)))
    assert np.all(cand.src < cand.tgt)


@settings(max_examples=150, deadline=None)
@given(corpora, st.integers(0, 12), st.integers(1, 3), st.integers(0, 4), st.integers(0, 2), st.integers(0, 2))
def test_matches_reference(corpus, window, min_shared, common_at, keep_first, keep_last):
    _check(corpus, window, min_shared, common_at, keep_first, keep_last, workers=1)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corpora, st.integers(0, 12), st.integers(1, 3), st.integers(0, 4), st.integers(0, 2), st.integers(0, 2),
       st.integers(2, 3))
def test_parallel_paths_match_reference(parallel_paths, corpus, window, min_shared, common_at, keep_first,
                                        keep_last, workers):
    _check(corpus, window, min_shared, common_at, keep_first, keep_last, workers=workers)


def test_viral_shingle_is_bounded():
    # 2,000 posts sharing the same shingles at one time: each keeps
    # keep_first + keep_last partners, not all earlier ones.
    n = 2000
    shingle_sets = [[1, 2, 3] for _ in range(n)]
    times = np.zeros(n, dtype=np.int64)
    cand = C.candidate_pairs(index_of(shingle_sets), times, 10, common_at=25, keep_first=3, keep_last=3)
    per_target = np.bincount(cand.tgt, minlength=n)
    assert per_target.max() == 6
    assert per_target[0] == 0 and np.all(per_target[7:] == 6)
    assert np.all(cand.rare == 0) and np.all(cand.shared == 3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corpora, st.integers(0, 12), st.integers(2, 3))
def test_index_of_shared_shingles_gives_the_same_pairs(parallel_paths, corpus, window, workers):
    # detect hands blocking the per-post index of the shared shingles only:
    # per post, in order, the shingles the shared set holds
    shingle_sets, times = corpus
    times = np.sort(np.asarray(times, dtype=np.int64))
    keys = keys_of(shingle_sets)
    off = np.zeros(len(shingle_sets) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in shingle_sets], out=off[1:])
    shared = S.shared_set(keys, workers)
    index = build_index(keys, off, shared)
    kept = shared.mask(keys)
    assert np.array_equal(index.hashes, keys[kept] >> np.uint64(DOC_BITS))
    assert np.array_equal(index.offsets, np.r_[0, np.cumsum([kept[a:b].sum() for a, b in zip(off[:-1], off[1:])])])
    assert np.array_equal(index.positions, (np.arange(len(keys)) - np.repeat(off[:-1], np.diff(off)))[kept])
    # a shingle held by one post pairs nothing: the pairs are those of all shingles
    a = C.candidate_pairs(index_of(shingle_sets), times, window, workers=workers)
    b = C.candidate_pairs(index, times, window, workers=workers)
    for f in ("src", "tgt", "shared", "rare"):
        assert np.array_equal(getattr(a, f), getattr(b, f))


def test_no_posts_and_no_shared_shingles():
    for times in (np.zeros(0, np.int64), np.arange(3, dtype=np.int64)):
        cand = C.candidate_pairs(index_of([[]] * len(times)), times, 10)
        assert len(cand.src) == len(cand.tgt) == len(cand.shared) == len(cand.rare) == 0


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 12), min_size=0, max_size=30), st.integers(1, 5), st.integers(2, 3))
def test_shingles_are_the_same_on_any_number_of_threads(parallel_paths, lengths, n, workers):
    rng = np.random.default_rng(len(lengths))
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    hashes = rng.integers(0, 2**63, size=offsets[-1]).astype(np.uint64)
    k1, o1 = S.shingles(hashes, offsets, n, workers=1)
    k2, o2 = S.shingles(hashes, offsets, n, workers=workers)
    assert np.array_equal(o1, o2) and np.array_equal(k1, k2)
    # post p's keys carry p, one per n-token window
    assert np.array_equal(np.diff(o1), np.maximum(np.array(lengths, dtype=np.int64) - n + 1, 0))
    assert np.array_equal(k1 & np.uint64((1 << DOC_BITS) - 1), np.repeat(np.arange(len(lengths)), np.diff(o1)))


def far_reference(posts_shingles, times, window, far_window, common_at, far_min_shared):
    """Pairs more than ``window`` and at most ``far_window`` apart sharing
    ``far_min_shared`` shingles that are not common over ``+- far_window``
    at the target, straight from the documented rule."""
    holders = defaultdict(list)
    for d, shs in enumerate(posts_shingles):
        for s in set(shs):
            holders[s].append(d)
    shared = Counter()
    for docs in holders.values():
        docs.sort()
        for i, d in enumerate(docs):
            t = times[d]
            inside = [q for q in docs if t - far_window <= times[q] <= t + far_window]
            if len(inside) - 1 > common_at:
                continue
            for q in docs[:i]:
                if t - far_window <= times[q] < t - window:
                    shared[q, d] += 1
    return {p: (c, c) for p, c in shared.items() if c >= far_min_shared}


def _check_far(corpus, window, extra, common_at, far_min_shared, workers):
    shingle_sets, times = corpus
    times = np.sort(np.asarray(times, dtype=np.int64))
    cand = C.candidate_pairs(index_of(shingle_sets), times, window, common_at=common_at,
                             far_window=window + extra, far_min_shared=far_min_shared, workers=workers)
    far = cand.far
    got = {(int(s), int(t)): (int(a), int(b)) for s, t, a, b in zip(far.src, far.tgt, far.shared, far.rare)}
    assert got == far_reference(shingle_sets, times, window, window + extra, common_at, far_min_shared)
    order = np.lexsort((far.src, far.tgt))
    assert np.array_equal(order, np.arange(len(order)))
    # the near pairs do not change when the long horizon is asked for
    near = C.candidate_pairs(index_of(shingle_sets), times, window, common_at=common_at, workers=workers)
    for f in ("src", "tgt", "shared", "rare"):
        assert np.array_equal(getattr(near, f), getattr(cand, f))


@settings(max_examples=150, deadline=None)
@given(corpora, st.integers(0, 8), st.integers(1, 20), st.integers(0, 6), st.integers(1, 3))
def test_far_horizon_matches_reference(corpus, window, extra, common_at, far_min_shared):
    _check_far(corpus, window, extra, common_at, far_min_shared, workers=1)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corpora, st.integers(0, 8), st.integers(1, 20), st.integers(0, 6), st.integers(1, 3), st.integers(2, 3))
def test_far_horizon_parallel_paths_match_reference(parallel_paths, corpus, window, extra, common_at,
                                                    far_min_shared, workers):
    _check_far(corpus, window, extra, common_at, far_min_shared, workers=workers)


@settings(max_examples=150, deadline=None)
@given(st.sets(st.tuples(st.integers(0, 30), st.integers(0, 30)).filter(lambda p: p[0] < p[1]), max_size=60),
       st.integers(0, 2**32 - 1))
def test_far_pairs_slot_into_the_sorted_near_pairs(pairs, seed):
    # detection merges the long look-back's pairs into the window's: the result is
    # what one sort of both by (tgt, src) gives, every column carried along
    from amplify.detect.pipeline import _merge_pairs

    pairs = sorted(pairs, key=lambda p: (p[1], p[0]))
    far_mask = np.random.default_rng(seed).random(len(pairs)) < 0.3

    def cand(sel):
        ps = [p for p, f in zip(pairs, far_mask) if f == sel]
        src = np.array([p[0] for p in ps], np.int32)
        tgt = np.array([p[1] for p in ps], np.int32)
        return C.Candidates(src, tgt, src.astype(np.int64) * 7 + 1, tgt.astype(np.int64) * 3 + 2)

    near, far = cand(False), cand(True)
    got = _merge_pairs(near, far)
    src, tgt = np.concatenate([near.src, far.src]), np.concatenate([near.tgt, far.tgt])
    order = np.lexsort((src, tgt))
    assert np.array_equal(got.src, src[order]) and np.array_equal(got.tgt, tgt[order])
    assert np.array_equal(got.shared, np.concatenate([near.shared, far.shared])[order])
    assert np.array_equal(got.rare, np.concatenate([near.rare, far.rare])[order])


def _check_targets(corpus, marks, window, extra, common_at, workers):
    """Pairs asked for some targets only: exactly the reference's pairs of those
    targets (near and past the window), while the other posts still count
    towards a shingle being common and still serve as sources."""
    shingle_sets, times = corpus
    times = np.sort(np.asarray(times, dtype=np.int64))
    targets = np.resize(np.asarray(marks, dtype=bool), len(times)) if marks else np.zeros(len(times), bool)
    cand = C.candidate_pairs(index_of(shingle_sets), times, window, common_at=common_at,
                             far_window=window + extra, far_min_shared=2, workers=workers, targets=targets)
    got = {(int(s), int(t)): (int(a), int(b)) for s, t, a, b in zip(cand.src, cand.tgt, cand.shared, cand.rare)}
    want = {p: v for p, v in reference(shingle_sets, times, window, 2, common_at, 3, 3).items() if targets[p[1]]}
    assert got == want
    far = {(int(s), int(t)) for s, t in zip(cand.far.src, cand.far.tgt)}
    assert far == {p for p in far_reference(shingle_sets, times, window, window + extra, common_at, 2)
                   if targets[p[1]]}
    order = np.lexsort((cand.src, cand.tgt))
    assert np.array_equal(order, np.arange(len(order)))


@settings(max_examples=120, deadline=None)
@given(corpora, st.lists(st.booleans(), max_size=12), st.integers(0, 8), st.integers(1, 12), st.integers(0, 5))
def test_pairs_of_some_targets_only(corpus, marks, window, extra, common_at):
    _check_targets(corpus, marks, window, extra, common_at, workers=1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corpora, st.lists(st.booleans(), max_size=12), st.integers(0, 8), st.integers(1, 12), st.integers(0, 5),
       st.integers(2, 3))
def test_pairs_of_some_targets_only_parallel_paths(parallel_paths, corpus, marks, window, extra, common_at, workers):
    _check_targets(corpus, marks, window, extra, common_at, workers=workers)


def test_targets_must_mark_every_post():
    with pytest.raises(ValueError, match="targets marks 2 posts"):
        C.candidate_pairs(index_of([[1, 2], [1, 2], [1, 2]]), np.arange(3), 5, targets=np.ones(2, bool))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.booleans()), max_size=30))
def test_with_ties_marks_every_post_sharing_a_wanted_time(rows):
    from amplify.detect.pipeline import with_ties

    rows = sorted(rows, key=lambda r: r[0])
    times = np.array([t for t, _ in rows], dtype=np.int64)
    want = np.array([w for _, w in rows], dtype=bool)
    wanted_times = {t for t, w in rows if w}
    assert with_ties(want, times).tolist() == [t in wanted_times for t in times.tolist()]
