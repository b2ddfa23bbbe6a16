"""The parts of synergy on their own: time resolution, co-publications, the risk-set test, the relabelling counts.

Every expected value is derived here by hand or by brute force (enumeration,
simulation of the null), never copied from the code under test.
"""

from __future__ import annotations

import doctest
import importlib
import itertools
import math

import numpy as np
import pandas as pd
import pytest

from amplify import schema
from amplify.analyze.echo_events import echo_events
from amplify.analyze.frame import Frame
from amplify.analyze.nulls import all_labellings, distinct_relabellings, pair_relabellings
from amplify.analyze.resolution import order_unknown, outlet_resolution, post_resolution, time_resolution, unit_name
from amplify.analyze.risk_set import poisson_binomial_tail, risk_set_counts, risk_set_test

DAY = 86_400 * 10**9
HOUR = 3_600 * 10**9
MIN = 60 * 10**9
NEW_MODULES = ["amplify.analyze.resolution", "amplify.analyze.echo_events", "amplify.analyze.risk_set",
               "amplify.analyze.synergy_scope", "amplify.analyze.synergy_warnings"]


@pytest.mark.parametrize("name", NEW_MODULES)
def test_new_modules_run_their_examples_and_cite_their_method(name):
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert res.failed == 0 and res.attempted > 0
    assert "References" in mod.__doc__
    for fn in mod.__all__:
        obj = getattr(mod, fn)
        if callable(obj) and not isinstance(obj, type) and fn[0].islower():
            assert obj.__doc__ and len(obj.__doc__) > 80, f"{name}.{fn} lacks documentation"


# --------------------------------------------------------------------------- resolution


def test_resolution_of_outlets():
    rng = np.random.default_rng(0)
    days = rng.integers(0, 300, 40) * DAY
    cases = {
        "day": days,
        "day+21h": days + 21 * HOUR,                                   # dates read at 00:00+03:00
        "hour": days + rng.integers(0, 24, 40) * HOUR,
        "minute": days + rng.integers(0, 1440, 40) * MIN + MIN,
        "second": days + rng.integers(1, 86_400, 40) * 10**9,
    }
    t = np.concatenate(list(cases.values()))
    o = np.repeat(np.arange(len(cases)), 40)
    unit, phase = outlet_resolution(t, o, len(cases))
    assert [unit_name(u) for u in unit] == ["day", "day", "hour", "minute", "second"]
    assert (phase // HOUR).tolist() == [0, 21, 0, 0, 0]


def test_resolution_needs_enough_posts():
    # two posts at midnight, or at whole hours, say nothing about a clock; three at midnight do
    t = np.array([DAY, 2 * DAY, 5 * HOUR, 9 * HOUR, DAY, 2 * DAY, 3 * DAY])
    unit, _ = outlet_resolution(t, np.array([0, 0, 1, 1, 2, 2, 2]), 3)
    assert [unit_name(u) for u in unit] == ["subsecond", "subsecond", "day"]


def test_date_only_posts_of_a_timed_outlet():
    # 30 timed posts and 5 at midnight: 5/35 at midnight where chance gives 1/1440 -> those are dates
    rng = np.random.default_rng(1)
    timed = rng.integers(0, 100, 30) * DAY + rng.integers(1, 1440, 30) * MIN
    dates = rng.integers(0, 100, 5) * DAY
    unit, _ = post_resolution(np.r_[timed, dates], np.zeros(35, np.int64), 1)
    assert [unit_name(u) for u in unit] == ["minute"] * 30 + ["day"] * 5
    table = time_resolution(pd.DataFrame({"outlet": ["x"] * 35, "published_at": pd.to_datetime(np.r_[timed, dates],
                                                                                                 utc=True)}))
    assert table[["resolution", "posts", "day_only_posts"]].values.tolist() == [["minute", 35, 5]]


def test_order_unknown_at_the_coarser_resolution():
    # a date-only post of day 4 against timed posts: unknown the same day, known the next; two timed posts
    # one minute apart at minute resolution are ordered, in the same minute they are not
    ta = np.array([4 * DAY, 4 * DAY, 10 * MIN, 10 * MIN])
    tb = np.array([4 * DAY + 23 * HOUR, 5 * DAY + MIN, 11 * MIN, 10 * MIN])
    ua = np.array([DAY, DAY, MIN, MIN])
    ub = np.array([MIN, MIN, MIN, MIN])
    assert order_unknown(ta, ua, np.zeros(4, np.int64), tb, ub, np.zeros(4, np.int64)).tolist() == \
        [True, False, False, True]


# --------------------------------------------------------------------------- co-publications


def _posts(spec):
    return schema.validate_posts(pd.DataFrame({"post_id": [p for p, _, _ in spec], "outlet": [o for _, o, _ in spec],
                                               "published_at": [t for _, _, t in spec],
                                               "text": [f"t {p}" for p, _, _ in spec]}))


def _links(rows, posts):
    t = posts.set_index("post_id")["published_at"]
    return schema.validate_links(pd.DataFrame({
        "source_id": [r[0] for r in rows], "target_id": [r[1] for r in rows], "kind": "quote",
        "score": [r[4] if len(r) > 4 else 90.0 for r in rows], "source_start": 0, "source_end": 3,
        "target_start": 0, "target_end": 3,
        "lag_s": [(t[r[1]] - t[r[0]]).total_seconds() for r in rows], "attributed": False,
        "is_parent": [r[2] for r in rows], "tie": [r[3] for r in rows]}))


def test_a_story_on_twenty_outlets_the_same_day_counts_at_most_one_co_publication_per_post():
    # 20 date-only outlets publish one text the same day: detection lists all 190 pairs, both ways, as ties
    day = pd.Timestamp("2022-03-01T00:00:00Z")
    spec = [(f"p{i}", f"o{i}", day) for i in range(20)]
    spec += [(f"q{i}-{k}", f"o{i}", day + pd.Timedelta(days=k)) for i in range(20) for k in (1, 2)]
    posts = _posts(spec)
    rows = [(f"p{i}", f"p{j}", False, True) for i, j in itertools.permutations(range(20), 2)]
    f = Frame.build(_links(rows, posts), posts)
    ev = echo_events(f, np.ones(len(f.outlets), bool))
    pairs = ev.counts["copublications"]
    assert ev.counts["directed"] == 0 and 10 <= pairs <= 20       # each post picks one partner; a pair once
    every = echo_events(f, np.ones(len(f.outlets), bool), parents_only=False)
    assert every.counts["copublications"] == math.comb(20, 2)
    none = echo_events(f, np.ones(len(f.outlets), bool), ties=False)
    assert len(none) == 0 and none.counts["ties_left_out"] == pairs


def test_a_post_with_a_directed_parent_adds_no_co_publication_and_a_same_outlet_link_counts_nowhere():
    t0 = pd.Timestamp("2022-03-01T10:00:00Z")
    posts = _posts([("a", "x", t0), ("b", "y", t0), ("c", "z", t0 - pd.Timedelta(hours=1)),
                    ("d", "x", t0 + pd.Timedelta(hours=2))])
    rows = [("a", "b", False, True), ("b", "a", False, True), ("c", "b", True, False), ("a", "d", True, False)]
    f = Frame.build(_links(rows, posts), posts)
    ev = echo_events(f, np.ones(len(f.outlets), bool))
    # b has a directed parent (c): its echo is c -> b; a has none, so a's best tie (b) is a co-publication
    assert ev.counts == {"directed": 1, "copublications": 1, "copub_equal_time": 1, "copub_resolution": 0,
                         "ties_left_out": 0, "same_outlet": 1, "outside": 0}


# --------------------------------------------------------------------------- the risk-set test


def test_poisson_binomial_tail_by_enumeration():
    rng = np.random.default_rng(5)
    for _ in range(100):
        n = int(rng.integers(1, 9))
        q, w = rng.random(n), rng.integers(1, 3, n)
        o = int(rng.integers(0, w.sum() + 2))
        want = sum(np.prod(np.where(b, q, 1 - q)) for b in itertools.product([0, 1], repeat=n)
                   if (w * np.array(b)).sum() >= o)
        assert poisson_binomial_tail(q, w, o) == pytest.approx(want, abs=1e-12)


def test_risk_set_null_by_simulation():
    # draw every echo's source camp from its risk set, many times: the mean is the expected count and
    # the tail frequency the p-value
    rng = np.random.default_rng(11)
    K, E = 3, 60
    counts = rng.integers(0, 6, (E, K))
    tgt = rng.integers(0, K, E)
    own = np.minimum(rng.integers(0, 3, E), counts[np.arange(E), tgt])
    counts[np.arange(E), tgt] += 1                                  # the source's own camp holds a post or more
    src = np.array([rng.choice(K, p=c / c.sum()) for c in counts - np.eye(K, dtype=np.int64)[tgt] * own[:, None]])
    w = rng.choice([1, 2], E, p=[0.2, 0.8])
    fig = risk_set_test(src, tgt, w, counts, own, K, half=2)
    avail = (counts - np.eye(K, dtype=np.int64)[tgt] * own[:, None]).astype(float)
    probs = avail / avail.sum(axis=1, keepdims=True)
    R = 20_000
    draws = (rng.random((R, E, 1)) > np.cumsum(probs, axis=1)[None]).sum(axis=2)
    for x in range(K):
        for y in range(K):
            into = tgt == y
            sim = ((draws[:, into] == x) * (w[into] / 2)).sum(axis=1)
            assert fig.expected[x, y] == pytest.approx(sim.mean(), abs=4 * sim.std() / math.sqrt(R) + 1e-9)
            obs = ((src[into] == x) * w[into] / 2).sum()
            assert fig.observed[x, y] == obs
            assert fig.p[x, y] == pytest.approx((sim >= obs - 1e-9).mean(), abs=0.01)


def test_risk_set_counts_by_hand():
    # posts (time, camp, outlet); one echo at t=100 by outlet 2 (camp 1) with window 50: posts in [50, 100]
    pt = np.array([10, 60, 70, 90, 100, 100, 120])
    pg = np.array([0, 0, 1, 1, 1, 0, 0])
    po = np.array([0, 0, 2, 3, 2, 1, 1])
    counts, own = risk_set_counts(np.array([100]), np.array([100]), np.array([60]), np.array([0]), np.array([2]),
                                  pt, pg, po, 2, 4, 50)
    assert counts.tolist() == [[2, 3]] and own.tolist() == [2]     # camp 0: 60, 100; camp 1: 70, 90, 100
    # a source older than the window joins its own risk set
    counts, _ = risk_set_counts(np.array([100]), np.array([100]), np.array([10]), np.array([0]), np.array([2]),
                                pt, pg, po, 2, 4, 50)
    assert counts.tolist() == [[3, 3]]


# --------------------------------------------------------------------------- relabellings


def test_relabelling_counts_by_enumeration():
    labels = [0, 0, 1, 1, 1, 2]
    rows = all_labellings(labels)
    distinct = {tuple(r) for r in itertools.permutations(labels)}
    assert len(rows) == distinct_relabellings([2, 3, 1]) == len(distinct) and {tuple(r) for r in rows} == distinct
    # the X -> Y count depends on which outlets carry labels x and y only
    for x, y in ((0, 1), (1, 1), (0, 2)):
        seen = {(tuple(np.flatnonzero(r == x)), tuple(np.flatnonzero(r == y))) for r in rows}
        assert pair_relabellings([2, 3, 1], x, y) == len(seen)
