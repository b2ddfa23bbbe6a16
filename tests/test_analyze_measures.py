"""Each analysis measure against values worked out by hand on small, made-up graphs and tables.

The expected numbers are derived in the comments next to each test; nothing
here depends on the corpus generator or on detection.
"""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from amplify import schema
from amplify.analyze import AnalysisError, Frame, families, resolve
from amplify.analyze.betweenness import weighted_betweenness
from amplify.analyze.brokerage import ROLES, brokerage_from_edges, brokerage_roles
from amplify.analyze.nulls import permuted_label_counts
from amplify.analyze.paths import amplification_paths
from amplify.analyze.participation import participation_coefficient
from amplify.analyze.structural_holes import burt_constraint
from amplify.analyze.synergy import camp_synergy, label_permutation_null, poisson_interval, time_shift_null
from amplify.analyze.trace import trace_post

T0 = pd.Timestamp("2022-01-05T00:00:00Z")


# --------------------------------------------------------------------------- helpers


def make_links(rows, posts):
    """Canonical links from (source, target, kind, score, parent) with spans covering the posts' text."""
    t = posts.set_index("post_id")["published_at"]
    text = posts.set_index("post_id")["text"]
    recs = []
    for s, g, kind, score, parent in rows:
        recs.append({"source_id": s, "target_id": g, "kind": kind, "score": float(score),
                     "source_start": 0, "source_end": len(text[s]), "target_start": 0, "target_end": len(text[g]),
                     "lag_s": (t[g] - t[s]).total_seconds(), "attributed": False, "is_parent": parent,
                     "tie": t[g] == t[s]})
    return schema.validate_links(pd.DataFrame(recs))


def make_posts(spec):
    """Posts from (post_id, outlet, minutes after T0)."""
    return schema.validate_posts(pd.DataFrame({
        "post_id": [p for p, _, _ in spec], "outlet": [o for _, o, _ in spec],
        "published_at": [T0 + pd.Timedelta(minutes=m) for _, _, m in spec],
        "text": [f"text of {p}" for p, _, _ in spec]}))


# --------------------------------------------------------------------------- Gould-Fernandez


@pytest.mark.parametrize("groups, role", [
    (("B", "B", "B"), "coordinator"),      # g(a) = g(b) = g(c)
    (("A", "B", "A"), "itinerant"),        # g(a) = g(c) != g(b)
    (("B", "B", "C"), "representative"),   # g(a) = g(b) != g(c)
    (("A", "B", "B"), "gatekeeper"),       # g(b) = g(c) != g(a)
    (("A", "B", "C"), "liaison"),          # all three different
])
def test_gould_fernandez_each_configuration(groups, role):
    # one open two-path a -> b -> c: broker b gets exactly one count, in `role`; a and c none
    G = nx.DiGraph([("a", "b"), ("b", "c")])
    nx.set_node_attributes(G, dict(zip("abc", groups)), "group")
    r = brokerage_roles(G)
    assert r.loc["b", role] == 1
    assert r.loc["b", "total"] == 1
    assert r.loc[["a", "c"], "total"].tolist() == [0, 0]


def test_gould_fernandez_closed_triads_and_returns_do_not_count():
    # a -> b -> c with a -> c present: b does not mediate; a -> b -> a is no two-path between two others
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c"), ("b", "a")])
    nx.set_node_attributes(G, {"a": "A", "b": "B", "c": "B"}, "group")
    r = brokerage_roles(G)
    # two-paths through b: a->b->c (closed by a->c: no), a->b->a (same end: no) -> 0
    # through a: b->a->c, and b->c? b->c exists -> closed: no.  through c: none (c sends nothing)
    assert r["total"].sum() == 0


def test_gould_fernandez_counts_add_up_on_a_small_network():
    # broker x (camp X) receives from u1, u2 (camp U) and sends to y1 (X), z1 (Z):
    # u1->x->y1 gatekeeper? g(b)=g(c)=X != U: gatekeeper; u2->x->y1 gatekeeper;
    # u1->x->z1, u2->x->z1: all different: liaison (2). Total 4 roles for x.
    G = nx.DiGraph([("u1", "x"), ("u2", "x"), ("x", "y1"), ("x", "z1")])
    nx.set_node_attributes(G, {"u1": "U", "u2": "U", "x": "X", "y1": "X", "z1": "Z"}, "group")
    r = brokerage_roles(G).loc["x"]
    assert (r["gatekeeper"], r["liaison"], r["total"]) == (2, 2, 4)
    # close one path: u1 -> y1 removes one gatekeeper two-path
    G.add_edge("u1", "y1")
    assert brokerage_roles(G).loc["x", "gatekeeper"] == 1


def test_brokerage_array_version_matches_graph_version():
    rng = np.random.default_rng(3)
    G = nx.gnp_random_graph(30, 0.15, seed=3, directed=True)
    groups = rng.integers(0, 3, size=30)
    nx.set_node_attributes(G, dict(enumerate(groups.tolist())), "group")
    s, d = map(np.asarray, zip(*G.edges()))
    arr = brokerage_from_edges(30, s.astype(np.int64), d.astype(np.int64), groups)
    # the naive definition, in pure Python
    naive = np.zeros((30, 5), dtype=np.int64)
    for b in G:
        for a in G.predecessors(b):
            for c in G.successors(b):
                if a == c or G.has_edge(a, c):
                    continue
                ga, gb, gc = groups[a], groups[b], groups[c]
                k = 0 if ga == gb == gc else 1 if ga == gc else 2 if ga == gb else 3 if gb == gc else 4
                naive[b, k] += 1
    assert (arr == naive).all()
    assert brokerage_roles(G)[list(ROLES)].to_numpy().tolist() == naive.tolist()


# --------------------------------------------------------------------------- betweenness


def test_betweenness_by_hand_diamond_and_weights():
    # s -> a -> t and s -> b -> t, equal lengths: sigma_st = 2, a and b each on 1 of them: 1/2 each
    G = nx.DiGraph([("s", "a"), ("a", "t"), ("s", "b"), ("b", "t")])
    bc = weighted_betweenness(G, normalized=False)
    assert bc == {"s": 0.0, "a": 0.5, "b": 0.5, "t": 0.0}
    # make s -> b -> t shorter (distance 1 + 1 vs 2 + 2): b carries the only shortest s-t path
    nx.set_edge_attributes(G, {("s", "a"): 2.0, ("a", "t"): 2.0, ("s", "b"): 1.0, ("b", "t"): 1.0}, "d")
    bc = weighted_betweenness(G, "d", normalized=False)
    assert bc["b"] == 1.0 and bc["a"] == 0.0
    # normalised by (n-1)(n-2) = 3*2 = 6
    assert weighted_betweenness(G, "d")["b"] == pytest.approx(1 / 6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_betweenness_equals_networkx(seed):
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(40, 0.12, seed=seed, directed=True)
    for u, v in G.edges():  # integer counts -> distance 1/count, as bridges() uses
        G.edges[u, v]["d"] = 1.0 / int(rng.integers(1, 5))
    ours = weighted_betweenness(G, "d")
    ref = nx.betweenness_centrality(G, weight="d")
    assert ours == pytest.approx(ref, abs=1e-12)
    assert weighted_betweenness(G) == pytest.approx(nx.betweenness_centrality(G), abs=1e-12)


def test_betweenness_pivots_estimate_is_close():
    G = nx.gnp_random_graph(120, 0.05, seed=5, directed=True)
    exact = np.array(list(weighted_betweenness(G).values()))
    est = np.array(list(weighted_betweenness(G, k=60, seed=1).values()))
    assert np.corrcoef(exact, est)[0, 1] > 0.8


# --------------------------------------------------------------------------- constraint, participation


def test_constraint_by_hand_star_and_against_networkx():
    # star with centre 0 and 3 leaves: p_0j = 1/3, no indirect paths: c_0 = 3 * (1/3)^2 = 1/3;
    # a leaf has one contact: p = 1, indirect through the centre back to itself is 0 -> c = 1
    c = burt_constraint(nx.star_graph(3))
    assert c[0] == pytest.approx(1 / 3) and c[1] == pytest.approx(1.0)
    # weighted digraph vs networkx's own definition
    rng = np.random.default_rng(7)
    G = nx.gnp_random_graph(25, 0.2, seed=7, directed=True)
    for u, v in G.edges():
        G.edges[u, v]["count"] = int(rng.integers(1, 9))
    G.add_node(99)  # isolated: NaN in both
    ours = burt_constraint(G, "count")
    ref = nx.constraint(G, weight="count")
    assert math.isnan(ours[99]) and math.isnan(ref[99])
    del ours[99], ref[99]
    assert ours == pytest.approx(ref, abs=1e-12)


def test_participation_by_hand():
    # a-b-c | d-e communities {a,b,c}, {d,e}; c has one tie in each: 1 - (1/2^2 + 1/2^2) = 1/2;
    # b's two ties are in its community: 0; with weight 3 on c-d: 1 - ((1/4)^2 + (3/4)^2) = 6/16
    G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    comms = [{"a", "b", "c"}, {"d", "e"}]
    pc = participation_coefficient(G, comms, weight=None)
    assert (pc["b"], pc["c"]) == (0.0, 0.5)
    G.edges["c", "d"]["weight"] = 3
    assert participation_coefficient(G, comms)["c"] == pytest.approx(6 / 16)
    G.add_node("z")
    assert math.isnan(participation_coefficient(G, comms)["z"])


# --------------------------------------------------------------------------- synergy nulls


def test_label_kernel_matches_naive_aggregation():
    rng = np.random.default_rng(0)
    n_out, K, E, R = 12, 3, 40, 25
    a, b = rng.integers(0, n_out, E), rng.integers(0, n_out, E)
    w = rng.integers(1, 6, E)
    cells = rng.integers(0, 2, E)
    labs = np.stack([rng.permutation(np.repeat(np.arange(K), n_out // K)) for _ in range(R)])
    got = permuted_label_counts(labs, a, b, w, cells, K, 2)
    want = np.zeros((R, 2, K, K), dtype=np.int64)
    for r in range(R):
        for e in range(E):
            want[r, cells[e], labs[r, a[e]], labs[r, b[e]]] += w[e]
    assert (got == want).all()


def test_label_null_expectation_by_hand():
    # 5 echoes from outlet 0 to outlet 1; 6 outlets, camps of size 2 (X), 4 (Y).
    # P(g(0)=X, g(1)=Y) = 2/6 * 4/5 = 8/30; P(X, X) = 2/6 * 1/5 = 2/30; P(Y, Y) = 4/6 * 3/5 = 12/30
    labels = np.array([0, 0, 1, 1, 1, 1])
    obs, null = label_permutation_null(np.array([0]), np.array([1]), np.array([5.0]), labels, 2,
                                       permutations=20000, seed=1)
    assert obs[0].tolist() == [[5.0, 0.0], [0.0, 0.0]]
    mean = null[:, 0].mean(axis=0) / 5
    assert mean[0, 1] == pytest.approx(8 / 30, abs=0.01)
    assert mean[0, 0] == pytest.approx(2 / 30, abs=0.01)
    assert mean[1, 1] == pytest.approx(12 / 30, abs=0.01)
    # every permutation keeps the total and the camp sizes
    assert (null.sum(axis=(2, 3)) == 5).all()


def test_camp_synergy_expected_equals_exact_enumeration():
    # 4 outlets, camps X = {x1, x2}, Y = {y1, y2}; echoes x1->y1 (3), y2->x2 (2), x1->x2 (1).
    # Over the 6 equally likely labellings with two X and two Y, the expected X->Y count is the
    # mean of the enumerated counts (computed below); observed X->Y = 3.
    spec = [("p1", "x1", 0), ("p2", "y1", 10), ("p3", "y1", 20), ("p4", "y1", 30), ("p5", "y2", 0),
            ("p6", "x2", 5), ("p7", "x2", 40), ("p8", "x2", 50)]
    posts = make_posts(spec)
    links = make_links([("p1", "p2", "quote", 95, True), ("p1", "p3", "quote", 95, True),
                        ("p1", "p4", "quote", 95, True), ("p5", "p6", "verbatim", 100, True),
                        ("p5", "p7", "verbatim", 100, True), ("p1", "p8", "quote", 95, True)], posts)
    outlets = pd.DataFrame({"outlet": ["x1", "x2", "y1", "y2"], "group": ["X", "X", "Y", "Y"]})
    C = {("x1", "y1"): 3, ("y2", "x2"): 2, ("x1", "x2"): 1}
    names = ["x1", "x2", "y1", "y2"]
    exp = {}
    for xs in itertools.combinations(names, 2):
        g = {o: ("X" if o in xs else "Y") for o in names}
        for (s, t), w in C.items():
            exp[(g[s], g[t])] = exp.get((g[s], g[t]), 0) + w / 6
    rep = camp_synergy(links, posts, outlets, permutations=6000, seed=0, time_shift=False)
    P = rep.pairs.set_index(["source", "target"])
    assert P.loc[("X", "Y"), "observed"] == 3 and P.loc[("Y", "X"), "observed"] == 2
    assert P.loc[("X", "X"), "observed"] == 1
    for key, e in exp.items():
        assert P.loc[key, "expected"] == pytest.approx(e, abs=0.05)
    # p-value: labellings with X->Y >= 3 are those with x1 in X and y1 in Y: {x1,x2} and {x1,y2}
    # -> 2 of 6 labellings; the permutation p-value estimates 2/6
    assert P.loc[("X", "Y"), "p"] == pytest.approx(2 / 6, abs=0.03)
    # lag medians by hand: X->Y lags 10, 20, 30 minutes -> median 20 minutes
    assert P.loc[("X", "Y"), "lag_s_median"] == 1200.0
    assert not P.loc[("X", "Y"), "significant"]  # p = 1/3
    # six labellings: no p below 1/6, and three echoes cannot reach 0.01 either -- the pair cannot be tested
    assert rep.reciprocity.iloc[0]["status"] == "not testable"


def test_time_shift_observed_by_hand_and_null_probability():
    # window 60 s. family 0: X@0, Y@100 -> too late, nothing. family 1: X@0, Y@30 -> X->Y.
    # family 2: Y@0, X@10, Y@20 -> Y->X (10 after 0), X->Y (20 after 10) and Y->Y (20 after 0).
    # F[X,Y] = 2 (families 1, 2), F[Y,X] = 1, F[Y,Y] = 1, F[X,X] = 0.
    fam = np.array([0, 0, 1, 1, 2, 2, 2])
    t = np.array([0, 100, 1000, 1030, 2000, 2010, 2020])
    outlet = np.array([0, 1, 0, 1, 1, 0, 1])
    group = outlet.copy()
    obs, _ = time_shift_null(fam, t, outlet, group, 2, window_s=60, permutations=0)
    assert obs.tolist() == [[0, 2], [1, 1]]
    # the two-post family alone, shifted on a circle of 10,000 s: P(0 < gap <= 60) = 60/T - 60^2/(2T^2)
    obs, null = time_shift_null(np.array([0, 0]), np.array([0, 30]), np.array([0, 1]), np.array([0, 1]), 2,
                                window_s=60, period_s=10_000, permutations=40_000, seed=2)
    p = 60 / 10_000 - 60 ** 2 / (2 * 10_000 ** 2)
    assert null[:, 0, 1].mean() == pytest.approx(p, abs=4 * math.sqrt(p / 40_000))


def test_poisson_interval_close_to_exact():
    # exact (chi-square) 95% limits: k=0 -> (0, 3.689); k=10 -> (4.795, 18.390); k=100 -> (81.36, 121.63)
    for k, lo, hi in ((0, 0.0, 3.689), (10, 4.795, 18.390), (100, 81.364, 121.627)):
        a, b = poisson_interval(k)
        assert float(a) == pytest.approx(lo, abs=0.02 * max(lo, 1))
        assert float(b) == pytest.approx(hi, rel=0.02)


def test_trend_periods_add_up_and_interval_brackets_ratio():
    # 7 minutes past midnight: posts all at midnight would read as dates without times (co-publications)
    spec = [(f"s{i}", "x1", i * 60 * 24 * 3 + 7) for i in range(8)] + \
           [(f"t{i}", "y1", i * 60 * 24 * 3 + 37) for i in range(8)]
    posts = make_posts(spec)
    links = make_links([(f"s{i}", f"t{i}", "quote", 95, True) for i in range(8)], posts)
    outlets = pd.DataFrame({"outlet": ["x1", "y1", "x2", "y2"], "group": ["X", "Y", "X", "Y"]})
    rep = camp_synergy(links, posts, outlets, permutations=300, seed=0, freq="W", time_shift=False)
    tr = rep.trend
    per = tr.groupby(["source", "target"])["observed"].sum()
    assert per[("X", "Y")] == 8 == rep.pairs.set_index(["source", "target"]).loc[("X", "Y"), "observed"]
    ok = tr["ratio"].notna()
    assert (tr.loc[ok, "ratio_lo"] <= tr.loc[ok, "ratio"]).all()
    assert (tr.loc[ok, "ratio"] <= tr.loc[ok, "ratio_hi"]).all()


# --------------------------------------------------------------------------- families, resolve


def test_families_by_hand():
    posts = make_posts([("a", "o1", 0), ("b", "o2", 5), ("c", "o3", 9), ("d", "o1", 1), ("e", "o2", 7),
                        ("f", "o3", 3)])
    links = make_links([("a", "b", "quote", 95, True), ("b", "c", "quote", 95, True),
                        ("d", "e", "quote", 95, True)], posts)
    f = Frame.build(links, posts)
    fam = families(f)
    # {a, b, c} starts first (t=0) -> family 0; {d, e} (t=1) -> family 1; f has no link -> -1
    assert fam.tolist() == [0, 0, 0, 1, 1, -1]


def test_resolve_outlets_and_camps():
    posts = make_posts([("a", "tass", 0), ("b", "cgtn", 1)])
    f = Frame.build(None, posts, pd.DataFrame({"outlet": ["tass", "cgtn"], "group": ["RU", "CN"]}))
    assert resolve("tass", f)[0] == "outlet"
    kind, idx = resolve("ru", f)
    assert kind == "group" and f.outlets[idx].tolist() == ["tass"]
    with pytest.raises(AnalysisError, match="did you mean tass"):
        resolve("tas", f)


# --------------------------------------------------------------------------- paths, trace


@pytest.fixture
def chain():
    # a(cn_mfa, 0') -> b(ru_emb, 60') -> c(tass, 120'); also a -> c directly as an also-match;
    # d(cn_mfa, 10') -> e(tass, 200') as a direct parent link; x(other) unrelated
    posts = make_posts([("a", "cn_mfa", 0), ("b", "ru_emb", 60), ("c", "tass", 120), ("d", "cn_mfa", 10),
                        ("e", "tass", 200), ("x", "bbc", 5)])
    links = make_links([("a", "b", "quote", 95, True), ("b", "c", "verbatim", 100, True),
                        ("a", "c", "quote", 91, False), ("d", "e", "paraphrase", 70, True)], posts)
    outlets = pd.DataFrame({"outlet": ["cn_mfa", "ru_emb", "tass", "bbc"], "group": ["CN", "RU", "RU", "WEST"]})
    return links, posts, outlets


def test_paths_ranked_by_hops_then_lag(chain):
    links, posts, outlets = chain
    rep = amplification_paths(links, posts, outlets, source="cn_mfa", target="tass")
    # parents only: d -> e (1 hop, 190 min) and a -> b -> c (2 hops, 120 min); hops rank first
    assert rep.paths["route"].tolist() == ["cn_mfa -> tass", "cn_mfa -> ru_emb -> tass"]
    assert rep.paths["total_lag_s"].tolist() == [190 * 60.0, 120 * 60.0]
    hops = rep.hops[rep.hops["rank"] == 2]
    assert hops["source_id"].tolist() == ["a", "b"] and hops["target_id"].tolist() == ["b", "c"]
    assert (hops["target_time"] > hops["source_time"]).all()
    assert hops["lag_s"].tolist() == [3600.0, 3600.0]
    assert hops["target_text"].tolist() == ["text of b", "text of c"]  # text[start:end] of each side
    # also-matches too: the direct a -> c (120 min) now beats d -> e (190 min) among 1-hop routes
    rep = amplification_paths(links, posts, outlets, source="cn_mfa", target="tass", parents_only=False)
    assert rep.post_paths["posts"].tolist()[:2] == [["a", "c"], ["d", "e"]]


def test_paths_camps_hops_limit_window_and_no_path(chain):
    links, posts, outlets = chain
    # CN -> RU: a -> b is the first RU post (a path ends at the first post of the target camp), d -> e
    rep = amplification_paths(links, posts, outlets, source="CN", target="RU")
    par = rep.post_paths["parents"]
    assert sorted(map(tuple, rep.post_paths.loc[par, "posts"])) == [("a", "b"), ("d", "e")]
    # the also-match a -> c is listed too, marked (issue #11: also-match routes follow the parent routes)
    assert sorted(map(tuple, rep.post_paths.loc[~par, "posts"])) == [("a", "c")]
    assert amplification_paths(links, posts, outlets, source="cn_mfa", target="tass", max_hops=1) \
        .paths["route"].tolist() == ["cn_mfa -> tass"]
    # window: until 150' keeps a -> b -> c, drops d -> e (ends at 200')
    rep = amplification_paths(links, posts, outlets, source="cn_mfa", target="tass",
                              until=T0 + pd.Timedelta(minutes=150))
    assert rep.paths["route"].tolist() == ["cn_mfa -> ru_emb -> tass", "cn_mfa -> tass"]
    assert rep.paths["via"].tolist() == ["parents", "also-match"]
    none = amplification_paths(links, posts, outlets, source="bbc", target="tass")
    assert none.empty and none.to_list() == [] and len(none.hops) == 0
    with pytest.raises(AnalysisError):
        amplification_paths(links, posts, outlets, source="nobody", target="tass")


def test_trace_upstream_and_cascade_by_hand(chain):
    links, posts, outlets = chain
    links = pd.concat([links, make_links([("b", "x", "quote", 92, True)], posts.assign(
        published_at=posts["published_at"].where(posts["post_id"] != "x", T0 + pd.Timedelta(minutes=90))))],
        ignore_index=True)
    posts = posts.assign(published_at=posts["published_at"].where(posts["post_id"] != "x",
                                                                  T0 + pd.Timedelta(minutes=90)))
    tr = trace_post(links, posts, outlets, "c")
    # c's parent is b, b's is a, a has none: origin a, 2 hops up
    assert tr.origin == "a" and tr.upstream["post_id"].tolist() == ["a", "b", "c"]
    assert tr.upstream["lag_from_origin_s"].tolist() == [0.0, 3600.0, 7200.0]
    # the cascade under a: a (0), b (1), x (2, via b at 90'), c (2) -- in time order
    assert tr.cascade["post_id"].tolist() == ["a", "b", "x", "c"]
    assert tr.cascade["depth"].tolist() == [0, 1, 2, 2]
    assert tr.cascade["on_path"].tolist() == [True, True, False, True]
    assert tr.summary["camps"] == {"RU": 2, "CN": 1, "WEST": 1} and tr.summary["depth"] == 2
    # a post with no parent and no echo is its own origin and cascade
    assert trace_post(links, posts, outlets, "d").cascade["post_id"].tolist() == ["d", "e"]
    with pytest.raises(AnalysisError):
        trace_post(links, posts, outlets, "nope")


def test_every_analysis_copes_with_no_links():
    from amplify.analyze import bridges, find_text, summarize, term_volume

    posts = make_posts([("a", "x", 0), ("b", "y", 60)])
    outlets = pd.DataFrame({"outlet": ["x"], "group": ["RU"]})  # y is missing: camp "unknown"
    links = schema.empty_links()
    rep = camp_synergy(links, posts, outlets, permutations=20, freq="W", include_unknown=True)
    assert rep.pairs["observed"].sum() == 0 and set(rep.pairs["source"]) == {"RU", "unknown"}
    assert rep.reciprocity["status"].tolist() == ["not testable"] and rep.narratives.empty
    b = bridges(links, posts, outlets)
    assert (b.table["bridge_score"] == 0).all() and b.evidence.empty
    assert amplification_paths(links, posts, outlets, source="x", target="RU").to_list() == []
    assert trace_post(links, posts, outlets, "a").cascade["post_id"].tolist() == ["a"]
    assert term_volume(posts, outlets, "text", freq="D")["mentions"].sum() > 0
    s = summarize(links, posts, outlets)
    assert s.corpus["echoes"] == 0 and s.synergy.empty and s.cascades.empty
    assert find_text("nothing like this anywhere at all in here", posts).empty


# --------------------------------------------------------------------------- volume


def test_mentions_rules():
    from amplify.analyze.volume import mentions

    texts = ["Kazakhstan's crisis", "KAZAKHSTAN!", "the Kazakhstani tenge", "#Kazakhstan", "Kazakhstan-based",
             "ＫＡＺＡＫＨＳＴＡＮ (full width)", "в Казахстане", "Казахстан заявил", "哈萨克斯坦局势", "xKazakhstan"]
    # word boundaries: possessive, hashtag, hyphen yes; 'Kazakhstani' and 'xKazakhstan' no; NFKC folds full width
    assert mentions(texts, "Kazakhstan").tolist() == [True, True, False, True, True, True, False, False, False,
                                                      False]
    # Cyrillic case folding; the inflected form needs the prefix wildcard
    assert mentions(texts, "казахстан").tolist()[6:8] == [False, True]
    assert mentions(texts, "казахстан*").tolist()[6:8] == [True, True]
    # CJK has no word boundaries: substring
    assert mentions(texts, "哈萨克斯坦").tolist() == [False] * 8 + [True, False]
    # a phrase matches across any whitespace
    assert mentions(["internal  affairs of", "internal affair"], "internal affairs").tolist() == [True, False]


def test_surge_rule_by_hand():
    from amplify.analyze.volume import surges

    # baseline k=4, z=3, min_count=10.
    # i=4: baseline [3,4,2,3] mean 3, sd 0.816 < sqrt(3)=1.732 -> threshold 3 + 3*1.732 = 8.20; 40 -> surge
    # i=5: surges stay out of the baseline: same threshold; 45 -> surge. i=6: 9 > 8.20 but < min_count -> no,
    # and 9 joins the baseline: [4,2,3,9] mean 4.5, sd 3.11 -> threshold 13.83; i=7: 12 -> no
    v = pd.DataFrame({"term": "x", "key": "all", "mentions": [3, 4, 2, 3, 40, 45, 9, 12]})
    out = surges(v, baseline=4, z=3.0, min_count=10, min_periods=3)
    assert out["surge"].tolist() == [False, False, False, False, True, True, False, False]
    assert out["threshold"].iloc[4] == pytest.approx(3 + 3 * math.sqrt(3), abs=0.01)
    assert out["threshold"].iloc[7] == pytest.approx(4.5 + 3 * np.std([4, 2, 3, 9], ddof=1), abs=0.01)
    assert out["threshold"].iloc[:3].isna().all()  # fewer than min_periods earlier periods


def test_term_volume_and_comparison_by_hand():
    from amplify.analyze.volume import compare_volume, describe_span, term_volume

    posts = pd.DataFrame({
        "post_id": list("abcdef"), "outlet": ["tass", "tass", "cgtn", "cgtn", "bbc", "tass"],
        "published_at": ["2021-12-03", "2021-12-20", "2022-01-03", "2022-01-04", "2022-01-04", "2022-01-05"],
        "text": ["Ukraine talks", "Ukraine again", "Kazakhstan unrest", "Kazakhstan, Ukraine", "Kazakhstan",
                 "nothing"]})
    outlets = pd.DataFrame({"outlet": ["tass", "cgtn", "bbc"], "group": ["RU", "CN", "WEST"]})
    v = term_volume(posts, outlets, ["Kazakhstan"], freq="M", surge=False)
    got = v.set_index(["key", "period"])["mentions"]
    # January: CN 2 (c, d), WEST 1 (e), RU 0 of 1 post; December: nothing
    assert (got[("CN", "2022-01")], got[("WEST", "2022-01")], got[("RU", "2022-01")]) == (2, 1, 0)
    assert got[("all", "2021-12")] == 0 and got[("all", "2022-01")] == 3
    table, sentence = compare_volume(posts, outlets, term="Kazakhstan", since="2022-01-03", until="2022-01-06",
                                     compare_term="Ukraine", compare_since="2021-12-01",
                                     compare_until="2022-01-01")
    # A: 3 mentions in 3 days = 1/day; B: 2 in 31 days = 0.0645/day -> 15.5 times the daily rate
    assert sentence == ("3 posts mentioning Kazakhstan in three days (3-5 Jan 2022) vs 2 mentioning Ukraine "
                        "in all of December 2021 (1.0 vs 0.065 a day: 16 times the daily rate; 75% of the 4 posts "
                        "published then vs 100% of 2)")
    assert table["mentions"].tolist() == [3, 2] and table.loc[0, "CN"] == 2
    assert describe_span("2022-01-01", "2023-01-01") == "in all of 2022"
