"""Coordinated posting (issue #16): the joins, the nulls, the planted groups, the refusals."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from amplify.analyze.coordination import coordination, parse_within
from amplify.analyze.coordination_clusters import coordination_clusters
from amplify.analyze.coordination_join import co_posts, shared_content
from amplify.analyze.coordination_null import (benjamini_hochberg, jitter_null, jitter_probability,
                                               shift_null_draws, shift_null_exact)
from amplify.analyze.errors import AnalysisError

S = 10**9


def _random_rows(seed, n_posts=300, n_keys=25, n_acct=12, span_s=3600):
    rng = np.random.default_rng(seed)
    times = rng.integers(0, span_s, n_posts) * S
    acct = rng.integers(0, n_acct, n_posts)
    post = np.arange(n_posts)
    key = rng.integers(0, n_keys, n_posts)
    # a second key on a third of the posts (the same post may carry two contents)
    extra = rng.random(n_posts) < 0.33
    post = np.r_[post, post[extra]]
    key = np.r_[key, rng.integers(0, n_keys, extra.sum())]
    return post, key, times, acct


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_co_posts_equal_brute_force(seed):
    post, key, times, acct = _random_rows(seed)
    w = 120 * S
    a, b, k = co_posts(post, key, times, acct, w)
    got = {(int(x), int(y), int(z)) for x, y, z in zip(a, b, k)}
    want = set()
    for i, j in itertools.combinations(range(len(post)), 2):
        pi, pj = post[i], post[j]
        if key[i] == key[j] and acct[pi] != acct[pj] and abs(times[pi] - times[pj]) <= w:
            x, y = (pi, pj) if acct[pi] < acct[pj] else (pj, pi)
            want.add((int(x), int(y), int(key[i])))
    assert got == want and len(got) == len(a)
    assert (acct[a] < acct[b]).all()


def test_shared_content_equals_brute_force():
    post, key, times, acct = _random_rows(5, n_posts=200)
    A, B = np.array([0, 1, 3]), np.array([2, 4, 5])
    pair, pa, pb, d = shared_content(post, key, times, acct, 12, A, B)
    got = {(int(p), int(x), int(y)) for p, x, y in zip(pair, pa, pb)}
    want = set()
    for i, (oa, ob) in enumerate(zip(A, B)):
        ka = {}
        for p_, k_ in zip(post, key):
            ka.setdefault(int(p_), set()).add(int(k_))
        for x in np.flatnonzero(acct == oa):
            for y in np.flatnonzero(acct == ob):
                if ka.get(int(x), set()) & ka.get(int(y), set()):
                    want.add((i, int(x), int(y)))
    assert got == want
    assert np.array_equal(d, times[pb] - times[pa])


def test_shift_null_matches_every_shift_and_draws():
    rng = np.random.default_rng(3)
    d = np.r_[rng.integers(-200, 200, 6), [0, 3, 5]] * S
    offsets = np.array([0, len(d)])
    w, u, T = 10 * S, S, 500 * S
    obs, p, mean, sd = shift_null_exact(offsets, d, w, u, T)
    counts = []
    for delta in range(500):         # every shift on the lattice, on the circle of 500 s
        x = np.mod(d + delta * S, T)
        counts.append(int((np.minimum(x, T - x) <= w).sum()))
    counts = np.asarray(counts)
    assert obs[0] == counts[0] == int((np.abs(d) <= w).sum())
    assert p[0] == pytest.approx((counts >= obs[0]).mean())
    assert mean[0] == pytest.approx(counts.mean()) and sd[0] == pytest.approx(counts.std())
    draws = shift_null_draws(offsets, d, w, u, T, permutations=4000, seed=1)
    assert (draws[0] >= obs[0]).mean() == pytest.approx(p[0], abs=0.02)


def test_jitter_probability_matches_simulation():
    rng = np.random.default_rng(0)
    J, w = 600 * S, 60 * S
    for d in (0, 100 * S, 700 * S, -1100 * S, 1300 * S):
        sim = d + rng.uniform(-J, J, 200_000) - rng.uniform(-J, J, 200_000)
        assert jitter_probability(np.array([d]), w, J)[0] == pytest.approx((np.abs(sim) <= w).mean(), abs=0.004)


def test_jitter_null_is_exact_poisson_binomial():
    d = np.array([5, -20, 300, 900, -400]) * S
    obs, p, mean, sd = jitter_null(np.array([0, 5]), d, 60 * S, 600 * S)
    q = jitter_probability(d, 60 * S, 600 * S)
    tail = 0.0
    for bits in itertools.product([0, 1], repeat=5):
        if sum(bits) >= obs[0]:
            tail += np.prod([qi if b else 1 - qi for qi, b in zip(q, bits)])
    assert obs[0] == 2 and p[0] == pytest.approx(tail) and mean[0] == pytest.approx(q.sum())


def test_benjamini_hochberg_is_monotone_and_bounded():
    p = np.random.default_rng(1).random(50) ** 3
    q = benjamini_hochberg(p)
    order = np.argsort(p)
    assert (np.diff(q[order]) >= -1e-15).all() and (q >= p).all() and (q <= 1).all()


def _posts(rows):
    return pd.DataFrame(rows, columns=["post_id", "outlet", "published_at", "text"])


def _group_corpus(times_unit="s"):
    """Accounts a, b post five items 10 s apart; c and d post the same five items an hour apart."""
    rows = []
    for i in range(5):
        t0 = pd.Timestamp("2022-03-01 03:00:13", tz="UTC") + pd.Timedelta(days=i, minutes=7 * i)
        text = f"item {i} https://www.news.example/story/{i}/?utm_source=x"
        rows += [(f"a{i}", "a", t0, text), (f"b{i}", "b", t0 + pd.Timedelta(10, "s"), text),
                 (f"c{i}", "c", t0 + pd.Timedelta(hours=1), text), (f"d{i}", "d", t0 + pd.Timedelta(hours=2), text)]
    posts = _posts(rows)
    # the families as detection would give them: every post of item i linked to a_i
    links = pd.DataFrame({"source_id": [f"a{i}" for i in range(5) for _ in "bcd"],
                          "target_id": [f"{x}{i}" for i in range(5) for x in "bcd"], "kind": "verbatim"})
    return links, posts


def test_by_text_url_any_find_the_pair_once():
    links, posts = _group_corpus()
    for by in ("text", "url", "any"):
        rep = coordination(links, posts, by=by, min_repeats=3)
        assert rep.pairs[["account_a", "account_b"]].values.tolist() == [["a", "b"]], by
        row = rep.pairs.iloc[0]
        # a text and its link shared by the same two posts are one co-post, one item
        assert (row["co_posts"], row["items"], row["median_gap_s"], row["a_first"]) == (5, 5, 10.0, 5), by
        assert row["coordinated"], by
        assert row["evidence"].startswith("a0/b0"), by


def test_the_summary_line_names_the_test_only_when_a_pair_was_tested():
    links, posts = _group_corpus()
    tested = coordination(links, posts, by="text", min_repeats=3).summary_line()
    assert tested.endswith(f"q <= 0.01 (p <= {coordination(links, posts, min_repeats=3).settings['p_threshold']:.3g})")
    none = coordination(links, posts, by="text", min_repeats=99)
    assert none.settings["tested_pairs"] == 0 and none.summary_line().endswith("at least 99 times, no pair to test")


def test_url_tracking_parameters_do_not_split_a_page():
    links, posts = _group_corpus()
    posts.loc[posts["outlet"] == "b", "text"] = posts.loc[posts["outlet"] == "b", "text"].str.replace(
        "https://www.", "HTTPS://", regex=False).str.replace("utm_source=x", "fbclid=zz", regex=False)
    rep = coordination(None, posts, by="url")
    assert rep.pairs["co_posts"].tolist() == [5]


def test_repost_key():
    posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(12)], "outlet": ["x", "y", "z"] * 4,
                          "published_at": [pd.Timestamp("2022-01-01", tz="UTC") + pd.Timedelta(minutes=10 * (i // 3),
                                                                                               seconds=i % 3)
                                           for i in range(12)],
                          "text": "rt", "reposted_id": [f"orig{i // 3}" for i in range(12)]})
    rep = coordination(None, posts, by="repost", min_repeats=4)
    assert sorted(map(tuple, rep.pairs[["account_a", "account_b"]].values.tolist())) == [("x", "y"), ("x", "z"),
                                                                                         ("y", "z")]
    assert (rep.pairs["co_posts"] == 4).all()


def test_day_only_times_are_refused_and_mixed_ones_left_out():
    links, posts = _group_corpus()
    day = posts.assign(published_at=posts["published_at"].dt.floor("D"))
    with pytest.raises(AnalysisError, match="known only to the day.*--within 1d"):
        coordination(links, day, within="60s")
    rep = coordination(links, day, within="1d")    # the weaker, same-day question can be asked
    assert len(rep.pairs) == 6
    mixed = pd.concat([posts[posts["outlet"].isin(["a", "b"])],
                       day[day["outlet"].isin(["c", "d"])]], ignore_index=True)
    rep = coordination(links, mixed)
    assert any("known only to the day" in w and "left out" in w for w in rep.warnings)
    assert rep.settings["posts_used"] == 10


def test_bad_arguments_are_analysis_errors():
    links, posts = _group_corpus()
    for kw in ({"by": "hashtag"}, {"within": "soon"}, {"min_repeats": 0}, {"alpha": 2}, {"null": "magic"}):
        with pytest.raises(AnalysisError):
            coordination(links, posts, **kw)
    assert parse_within("1d") == 86_400 * S
    # "nan" and "NaT" read as the missing duration (was: "must not be negative")
    for missing in ("nan", "NaT"):
        with pytest.raises(AnalysisError, match="cannot read the interval"):
            parse_within(missing)


def test_clusters_are_components_of_coordinated_pairs():
    pairs = pd.DataFrame({"account_a": ["a", "b", "p", "x"], "account_b": ["b", "c", "q", "y"],
                          "coordinated": [True, True, True, False], "co_posts": [5, 4, 9, 3],
                          "first": pd.to_datetime(["2022-01-01", "2022-01-02", "2022-01-05", "2022-01-01"], utc=True),
                          "last": pd.to_datetime(["2022-01-03", "2022-01-04", "2022-01-06", "2022-01-02"], utc=True)})
    c = coordination_clusters(pairs)
    assert c[["size", "accounts", "co_posts", "span_h"]].values.tolist() == [[3, "a, b, c", 9, 72.0],
                                                                             [2, "p, q", 9, 24.0]]


@pytest.fixture(scope="module")
def planted():
    from amplify.detect import detect
    from amplify.synth import generate

    c = generate(n_posts=3000, seed=11, coordinated_groups=4)
    return c, detect(c.posts, c.outlets)


def _quality(rep, truth):
    planted = set(map(tuple, truth["pairs"]))
    P = rep.pairs[rep.pairs["coordinated"]]
    found = set(zip(P["account_a"], P["account_b"]))
    recall = len(found & planted) / len(planted)
    precision = len(found & planted) / max(len(found), 1)
    busy = set(truth["busy"]) & (set(P["account_a"]) | set(P["account_b"]))
    return recall, precision, busy


def test_planted_groups_found_and_busy_accounts_not_flagged(planted):
    c, links = planted
    truth = c.truth["coordination"]
    rep = coordination(links, c.posts, c.outlets)
    recall, precision, busy = _quality(rep, truth)
    assert recall >= 0.95 and precision >= 0.95 and not busy
    # the busy accounts do meet within a minute three times or more: the test is not empty
    tested = rep.pairs[rep.pairs["account_a"].str.startswith("busy")]
    assert len(tested) >= 3
    clusters = rep.clusters
    assert sorted(clusters["size"]) == sorted(len(g) for g in truth["groups"])
    assert clusters["top_content"].notna().all() and (clusters["top_content_by"] == "text").all()


def test_the_shift_null_flags_busy_accounts_the_jitter_null_does_not(planted):
    # why jitter is the default: a whole-timeline shift breaks the hour-scale alignment of accounts
    # reacting to the same stories, so they look coordinated under it
    c, links = planted
    rep = coordination(links, c.posts, c.outlets, null="shift")
    recall, _, busy = _quality(rep, c.truth["coordination"])
    assert recall >= 0.95 and busy


def test_planting_leaves_the_default_corpus_unchanged():
    from amplify.synth import generate

    base = generate(n_posts=400, seed=4)
    more = generate(n_posts=400, seed=4, coordinated_groups=2)
    kept = more.posts[~more.posts["post_id"].str.startswith("c")].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, base.posts)
    assert "coordination" not in base.truth


def test_louvain_splits_two_groups_joined_by_one_pair():
    pairs = pd.DataFrame({"account_a": ["a", "a", "b", "x", "x", "y", "c"],
                          "account_b": ["b", "c", "c", "y", "z", "z", "x"],
                          "coordinated": True, "co_posts": [9, 9, 9, 9, 9, 9, 1],
                          "first": pd.Timestamp("2022-01-01", tz="UTC"), "last": pd.Timestamp("2022-01-02", tz="UTC")})
    assert coordination_clusters(pairs)["size"].tolist() == [6]
    assert coordination_clusters(pairs, communities=True)["size"].tolist() == [3, 3]


def test_times_stamped_in_a_collector_batches_are_named_and_random_times_are_not():
    from amplify.analyze.coordination import collector_clock

    rng = np.random.default_rng(5)
    n = 600
    outlets = rng.integers(0, 30, n)
    second = np.full(n, 10**9)
    # a crawler fetching every 10 minutes: 20 posts of many outlets within 3 seconds each time
    batches = np.repeat(np.arange(n // 20) * 600, 20) + rng.uniform(0, 3, n)
    warning = collector_clock((batches * 1e9).astype(np.int64), outlets, second)
    assert warning is not None and "% of the posts have a post of another account within 5 s" in warning
    assert int(warning.split("%")[0]) >= 90
    spread = np.sort(rng.uniform(0, 600 * (n // 20), n))  # the same posts over the same period, at random
    assert collector_clock((spread * 1e9).astype(np.int64), outlets, second) is None
    assert collector_clock((batches * 1e9).astype(np.int64), outlets, np.full(n, 86_400 * 10**9)) is None  # days

    # and the command says it
    posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(n)], "outlet": [f"o{x}" for x in outlets],
                          "published_at": pd.Timestamp("2022-01-01", tz="UTC") + pd.to_timedelta(batches, unit="s"),
                          "text": [f"item {i % 40}" for i in range(n)]})
    assert any("collector's batches" in w for w in coordination(None, posts, by="text").warnings)


def test_accounts_are_named_with_their_own_time_unit():
    # accounts timed to the hour were said to be "known only to the day" with a dated one, and told
    # to ask --within 1d, where --within 1h answers for them
    links, posts = _group_corpus()
    hour = posts["outlet"].isin(["a", "b"])
    # item i at 5*i hours later, so that whole hours do not read as the dates of another zone
    t = posts["published_at"] + pd.to_timedelta(5 * (posts.index // 4), unit="h")
    mixed = posts.assign(published_at=t.dt.floor("h").where(hour, t.dt.floor("D")))
    with pytest.raises(AnalysisError) as err:
        coordination(links, mixed, within="60s")
    said = str(err.value)
    assert "to the day: c, d" in said and "to the hour: a, b" in said and "--within 1h" in said, said
    rep = coordination(links, mixed, within="1h")   # the hour answers for a and b; c and d are left out
    assert any("to the day: c, d" in w and "left out" in w and "a, b" not in w for w in rep.warnings)
