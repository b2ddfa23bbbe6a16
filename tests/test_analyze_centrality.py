"""The graph measures a network page draws: PageRank, the node measures, Louvain communities.

They live in the analysis layer (amplify.analyze.centrality, amplify.analyze.communities);
the page only draws their values. Each is checked against networkx's own algorithm.
"""

from __future__ import annotations

import importlib

import networkx as nx
import pytest

from amplify.analyze.communities import louvain_partition
from amplify.analyze.centrality import node_measure, pagerank

# the module itself (amplify.analyze may re-export the function pagerank under the module's name)
P = importlib.import_module("amplify.analyze.centrality")


def weighted_graph(n=80, p=0.05, seed=3):
    g = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    for a, b in g.edges:
        g[a][b]["count"] = (a * b) % 4 + 1
    return g


@pytest.mark.parametrize("weight", [None, "count"])
def test_pagerank_matches_networkx(weight):
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    g = weighted_graph()
    mine, ref = pagerank(g, weight=weight), _pagerank_python(g, weight=weight, tol=1e-12)
    assert max(abs(mine[n] - ref[n]) for n in g) < 1e-8
    assert sum(mine.values()) == pytest.approx(1.0)


def test_pagerank_small_cases():
    assert pagerank(nx.DiGraph()) == {}
    g = nx.DiGraph()
    g.add_nodes_from("abc")
    assert pagerank(g) == {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}


def test_node_measure_echoes_posts_and_unknown_names():
    g = nx.DiGraph()
    g.add_node("a", echoes=5)
    g.add_node("b", echoes_given=2, echoes_received=1, posts=4)
    g.add_edge("c", "d", count=3)
    g.add_edge("d", "e")
    assert node_measure(g, "echoes", weight="count") == {"a": 5.0, "b": 3.0, "c": 3.0, "d": 4.0, "e": 1.0}
    assert node_measure(g, "echoes")["d"] == 2.0  # no weight: edges count 1
    assert node_measure(g, "posts") == {"a": 1.0, "b": 4.0, "c": 1.0, "d": 1.0, "e": 1.0}
    with pytest.raises(ValueError, match="name must be one of"):
        node_measure(g, "charisma")


def test_node_measure_betweenness_exact_then_sampled(monkeypatch):
    g = weighted_graph()
    assert node_measure(g, "betweenness") == nx.betweenness_centrality(g)  # hops: the weight is not a distance
    monkeypatch.setattr(P, "BETWEENNESS_EXACT_MAX", 50)  # a small graph stands in for one above 1,500 nodes
    monkeypatch.setattr(P, "BETWEENNESS_SOURCES", 10)
    once, again = node_measure(g, "betweenness"), node_measure(g, "betweenness")
    assert once == again == nx.betweenness_centrality(g, k=10, seed=0) != nx.betweenness_centrality(g)
    assert node_measure(g, "pagerank", weight="count") == pagerank(g, weight="count")


def test_louvain_partition_numbers_from_the_largest():
    g = nx.DiGraph()
    nx.add_cycle(g, ["a", "b", "c", "d"])
    nx.add_cycle(g, ["x", "y", "z"])
    g.add_edge("d", "x", count=1)
    parts = louvain_partition(g, weight="count")
    assert list(parts) == list(g)  # the graph's node order, whatever the hash seed
    assert {parts[n] for n in "abcd"} == {1} and {parts[n] for n in "xyz"} == {2}
    assert louvain_partition(nx.DiGraph()) == {}


def test_louvain_partition_adds_both_directions():
    # a<->b echo each other 5 times each way; b-c once: a and b belong together
    g = nx.DiGraph()
    g.add_edge("a", "b", count=5)
    g.add_edge("b", "a", count=5)
    g.add_edge("b", "c", count=1)
    g.add_edge("c", "d", count=9)
    parts = louvain_partition(g, weight="count")
    assert parts["a"] == parts["b"] != parts["c"] == parts["d"]
