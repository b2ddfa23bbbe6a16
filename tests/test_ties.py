"""Ties (links between posts of one timestamp): counted, directed where evidence exists, warned about.

Issue #11, item 4: with dates and no times most links are ties, and ties were never counted, so a
same-day republication vanished from the graph, bridges and paths."""

from __future__ import annotations

import pandas as pd
import pytest

from amplify.analyze import Frame
from amplify.analyze.ties import TieSummary, day_only_outlets, orient_ties
from amplify.detect import detect
from amplify.graph import filter_links, group_edges, outlet_edges, outlet_graph, outlet_nodes, undirected_mask

from routes_world import day_resolution_world


@pytest.fixture(scope="module", params=[0, 1, 2])
def world(request):
    w = day_resolution_world(request.param)
    w["links"] = detect(w["posts"], w["outlets"])
    return w


def _edge(edges, a, b, col="count"):
    e = edges.set_index(["source", "target"])
    return int(e.loc[(a, b), col]) if (a, b) in e.index else 0


def test_the_failure_ties_were_never_counted(world):
    """Reproduces the issue: detection's parents alone give no echo of a same-day reprint."""
    links = world["links"]
    assert links["tie"].all() and not links["is_parent"].any()
    old = filter_links(links, world["posts"], ties=True, undirected=False)   # the echoes counted before
    assert len(old) == 0


def test_republication_is_directed_and_counted(world):
    posts, outlets = world["posts"], world["outlets"]
    oriented, summary = orient_ties(world["links"], posts, outlets)
    edges = outlet_edges(oriented, posts, outlets)
    n_reprints = len(world["reprints"])
    assert _edge(edges, "agency", "reprinter") == n_reprints
    assert _edge(edges, "agency", "reprinter", "oriented_ties") == n_reprints
    assert _edge(edges, "reprinter", "agency") == 0 and _edge(edges, "reprinter", "agency", "ties") == 0
    # every reprint is its own post's parent, from the right post
    par = oriented[oriented["is_parent"]]
    assert set(zip(par["source_id"], par["target_id"])) >= set(world["reprints"])
    assert summary.oriented["containment"] == n_reprints
    # identical wire copy: no evidence either way, one co-publication per pair of posts, both directions
    n_wire = len(world["wire"])
    assert _edge(edges, "wire_a", "wire_b", "ties") == _edge(edges, "wire_b", "wire_a", "ties") == n_wire
    assert _edge(edges, "wire_a", "wire_b") == _edge(edges, "wire_b", "wire_a") == 0
    assert summary.undirected == n_wire and summary.pairs == n_reprints + n_wire
    assert (oriented.loc[undirected_mask(oriented), "direction"] == "undirected").all()


def test_raw_links_count_ties_as_undirected_in_the_graph(world):
    """Without orientation every tie is an undirected co-publication (never lost)."""
    posts, outlets = world["posts"], world["outlets"]
    edges = outlet_edges(world["links"], posts, outlets)
    assert _edge(edges, "agency", "reprinter", "ties") == len(world["reprints"])
    g = outlet_graph(world["links"], posts, outlets)
    assert g.edges["wire_b", "wire_a"]["ties"] == len(world["wire"])
    nodes = outlet_nodes(world["links"], posts, outlets).set_index("outlet")
    assert nodes.loc["wire_a", "ties"] == len(world["wire"])
    camps = group_edges(world["links"], posts, outlets).set_index(["source", "target"])
    assert camps.loc[("UA", "UA"), "ties"] == len(world["reprints"])


def test_no_ties_flag_restores_detection(world):
    posts, outlets = world["posts"], world["outlets"]
    oriented, _ = orient_ties(world["links"], posts, outlets)
    edges = outlet_edges(oriented, posts, outlets, ties=False)
    assert edges.empty
    f = Frame.build(world["links"], posts, outlets, ties=False)
    assert len(f.links) == 0 and f.ties.tie_links == len(world["links"])
    f = Frame.build(world["links"], posts, outlets)
    assert f.link_mask(parents_only=True).sum() == len(world["reprints"])
    assert f.link_mask(parents_only=True, no_ties=True).sum() == 0      # what no_ties callers saw before
    assert f.undirected.sum() == 2 * len(world["wire"])


def test_warning_names_counts_outlets_and_flag(world):
    _, s = orient_ties(world["links"], world["posts"], world["outlets"])
    text = s.warning("--no-ties")
    assert f"{len(world['links']):,} of {len(world['links']):,} links" in text
    assert "dates without times" in text and "agency" in text and "--no-ties" in text
    assert f"containment {len(world['reprints'])}" in text
    assert TieSummary().warning() is None


def test_orienting_twice_changes_nothing(world):
    once, _ = orient_ties(world["links"], world["posts"], world["outlets"])
    twice, _ = orient_ties(once, world["posts"], world["outlets"])
    pd.testing.assert_frame_equal(once, twice)


def _pair(kind="verbatim", attributed=(False, False)):
    return pd.DataFrame({"source_id": ["a", "b"], "target_id": ["b", "a"], "kind": kind, "score": 100.0,
                         "source_start": 0, "source_end": 5, "target_start": 0, "target_end": 5, "lag_s": 0.0,
                         "attributed": list(attributed), "is_parent": False, "tie": True})


def test_platform_evidence_beats_attribution():
    posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["tass", "cgtn"], "published_at": "2022-01-05 10:00",
                          "reposted_id": [None, "a"]})
    out, s = orient_ties(_pair("repost", attributed=(False, True)), posts)
    # the repost names its source; attribution alone would have said b -> a
    assert out[["source_id", "target_id", "direction"]].values.tolist() == [["a", "b", "platform"]]
    assert out["is_parent"].tolist() == [True] and s.oriented["platform"] == 1


def test_names_on_both_sides_prove_nothing():
    posts = pd.DataFrame({"post_id": ["a", "b"], "outlet": ["tass", "cgtn"], "published_at": "2022-01-05"})
    out, s = orient_ties(_pair(attributed=(True, True)), posts)
    assert (out["direction"] == "undirected").all() and len(out) == 2 and s.undirected == 1


def test_circular_evidence_stays_undirected():
    ids = ["a", "b", "c"]
    src, tgt, att = [], [], []
    for i in range(3):       # a names-> b, b -> c, c -> a: each target names its source
        s, t = ids[i], ids[(i + 1) % 3]
        src += [s, t]
        tgt += [t, s]
        att += [True, False]
    links = pd.DataFrame({"source_id": src, "target_id": tgt, "kind": "verbatim", "score": 100.0,
                          "source_start": 0, "source_end": 5, "target_start": 0, "target_end": 5, "lag_s": 0.0,
                          "attributed": att, "is_parent": False, "tie": True})
    posts = pd.DataFrame({"post_id": ids, "outlet": ["x", "y", "z"], "published_at": "2022-01-05"})
    out, s = orient_ties(links, posts)
    assert s.circular == 3 and (out["direction"] == "undirected").all() and not out["is_parent"].any()


def test_day_only_outlets_need_every_time_at_midnight():
    posts = pd.DataFrame({"outlet": ["d"] * 4 + ["t"] * 4,
                          "published_at": ["2022-01-01", "2022-01-02", "2022-01-03", "2022-01-04",
                                           "2022-01-01", "2022-01-02", "2022-01-03", "2022-01-04 00:00:01"]})
    assert day_only_outlets(posts) == ["d"]


def test_trace_follows_a_same_day_reprint_to_its_source(world):
    from amplify.analyze.trace import trace_post

    src, reprint = world["reprints"][0]
    tr = trace_post(world["links"], world["posts"], world["outlets"], reprint)
    assert tr.origin == src and tr.upstream["post_id"].tolist() == [src, reprint]
    assert tr.upstream["kind"].iloc[1] in {"quote", "verbatim", "paraphrase"}
