r"""Centrality: PageRank, and the node measures a network picture sizes its nodes by.

:func:`pagerank` is PageRank by power iteration over numpy arrays: the same
definition and numbers as :func:`networkx.pagerank` (uniform teleportation,
the rank of dangling nodes spread evenly over all nodes), without networkx's
need for scipy, and fast on the graphs a page draws (one ``bincount`` per
iteration, no Python loop per edge).

:func:`node_measure` is the one place that turns a measure's name
(``"echoes"``, ``"posts"``, ``"betweenness"``, ``"pagerank"``) into a value
per node, so :mod:`amplify.render` only draws values it is given. It lives
beside PageRank because PageRank is the measure it computes itself; the
others are node attributes or :func:`networkx.betweenness_centrality`.

References
----------
Page, L., Brin, S., Motwani, R. & Winograd, T. (1999). The PageRank citation
ranking: bringing order to the web. Stanford InfoLab.

Brandes, U. (2001). A faster algorithm for betweenness centrality. Journal of
Mathematical Sociology 25(2), 163-177.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

__all__ = ["pagerank", "node_measure", "MEASURES", "BETWEENNESS_EXACT_MAX", "BETWEENNESS_SOURCES"]

#: Names :func:`node_measure` knows.
MEASURES = ("echoes", "betweenness", "pagerank", "posts")
#: Up to this many nodes betweenness is exact (Brandes 2001, O(nm)); above it, estimated.
BETWEENNESS_EXACT_MAX = 1500
#: Sources sampled for the estimate above :data:`BETWEENNESS_EXACT_MAX` nodes (seeded).
BETWEENNESS_SOURCES = 500


def pagerank(G: nx.DiGraph, alpha: float = 0.85, weight: str | None = None, tol: float = 1.0e-10,
             max_iter: int = 200) -> dict:
    r"""PageRank of the nodes of ``G``, by power iteration.

    .. math::

        x_v \leftarrow \frac{1 - \alpha}{n}
            + \alpha \sum_{u \to v} x_u \frac{w_{uv}}{W_u}
            + \frac{\alpha}{n} \sum_{u:\,W_u = 0} x_u

    with :math:`w_{uv}` the weight of edge :math:`u \to v`, :math:`W_u` the
    total weight of :math:`u`'s out-edges (a node without any is *dangling*:
    its rank goes to every node alike) and :math:`n` the number of nodes,
    starting from :math:`x_v = 1/n`. The iteration stops when
    :math:`\sum_v |x_v^{new} - x_v| < n \cdot tol`, or after ``max_iter``
    rounds (then the last vector is returned, without an error).

    Parameters
    ----------
    G : networkx.DiGraph
        Edges point the way rank flows (for amplify: from source to echo).
    alpha : float
        Damping: the chance of following an edge rather than jumping to a
        random node.
    weight : str, optional
        Edge attribute holding the weight (a missing one counts 1); None: every
        edge weighs 1.
    tol : float
        Convergence threshold per node.
    max_iter : int
        At most this many iterations.

    Returns
    -------
    dict
        Node -> rank; the ranks sum to 1. A graph without edges gives every
        node :math:`1/n`; an empty graph, ``{}``.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("a", "c")])
    >>> {n: round(r, 4) for n, r in pagerank(G).items()}
    {'a': 0.3878, 'b': 0.2148, 'c': 0.3974}
    >>> G["a"]["c"]["count"] = 3
    >>> {n: round(r, 4) for n, r in pagerank(G, weight="count").items()}
    {'a': 0.4223, 'b': 0.1397, 'c': 0.438}

    References
    ----------
    .. [1] Page, L., Brin, S., Motwani, R. & Winograd, T. (1999). The PageRank
       citation ranking: bringing order to the web. Stanford InfoLab.
    .. [2] Langville, A. N. & Meyer, C. D. (2004). Deeper inside PageRank.
       Internet Mathematics 1(3), 335-380.
    """
    nodes = list(G)
    n = len(nodes)
    if n == 0:
        return {}
    if G.number_of_edges() == 0:
        return {v: 1.0 / n for v in nodes}
    idx = {v: i for i, v in enumerate(nodes)}
    m = G.number_of_edges()
    src = np.fromiter((idx[a] for a, _ in G.edges()), dtype=np.int64, count=m)
    dst = np.fromiter((idx[b] for _, b in G.edges()), dtype=np.int64, count=m)
    w = np.fromiter((float(d.get(weight, 1.0)) if weight else 1.0 for *_, d in G.edges(data=True)),
                    dtype=float, count=m)
    out_w = np.bincount(src, weights=w, minlength=n)
    dangling = out_w == 0
    share = np.divide(w, out_w[src], out=np.zeros_like(w), where=out_w[src] > 0)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = alpha * np.bincount(dst, weights=x[src] * share, minlength=n)
        new += (alpha * x[dangling].sum() + (1 - alpha)) / n
        if np.abs(new - x).sum() < n * tol:
            x = new
            break
        x = new
    return {v: float(x[i]) for i, v in enumerate(nodes)}


def node_measure(G: nx.DiGraph, name: str, weight: str | None = None, seed: int = 0) -> dict:
    """One value per node of ``G``: what a picture sizes its nodes by.

    Parameters
    ----------
    G : networkx.DiGraph
        An amplify graph view (:func:`amplify.render.graph_view`) or any DiGraph.
    name : {"echoes", "betweenness", "pagerank", "posts"}
        ``echoes``: the node's ``echoes`` attribute, else ``echoes_given +
        echoes_received``, else the total ``weight`` of its in- and out-edges
        (weighted degree). ``posts``: the ``posts`` attribute (default 1).
        ``betweenness``: :func:`networkx.betweenness_centrality` over hops (the
        weight is a strength, not a distance, so it is not used), exact up to
        :data:`BETWEENNESS_EXACT_MAX` nodes, else estimated from
        :data:`BETWEENNESS_SOURCES` sources sampled with ``seed``.
        ``pagerank``: :func:`pagerank` with ``weight``.
    weight : str, optional
        Edge attribute of the edge strength (amplify: ``"count"``, the echoes
        along the edge); None: every edge counts 1.
    seed : int
        Seed of the betweenness sample.

    Returns
    -------
    dict
        Node -> float.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> node_measure(G, "echoes"), node_measure(G, "betweenness")["b"]
    ({'a': 1.0, 'b': 2.0, 'c': 1.0}, 0.5)
    """
    if name == "echoes":
        vals = {}
        for n, d in G.nodes(data=True):
            if "echoes" in d:
                vals[n] = float(d["echoes"])
            elif "echoes_given" in d or "echoes_received" in d:
                vals[n] = float(d.get("echoes_given", 0)) + float(d.get("echoes_received", 0))
            else:
                vals[n] = float(sum(dd.get(weight, 1) if weight else 1 for *_, dd in G.in_edges(n, data=True)) +
                                sum(dd.get(weight, 1) if weight else 1 for *_, dd in G.out_edges(n, data=True)))
        return vals
    if name == "posts":
        return {n: float(d.get("posts", 1)) for n, d in G.nodes(data=True)}
    if name == "betweenness":
        k = None if len(G) <= BETWEENNESS_EXACT_MAX else BETWEENNESS_SOURCES
        return nx.betweenness_centrality(G, k=k, seed=seed if k else None)
    if name == "pagerank":
        return pagerank(G, weight=weight)
    raise ValueError(f"name must be one of {MEASURES}, not {name!r}")
