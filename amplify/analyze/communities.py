r"""Communities: groups of nodes that echo each other more than chance would have it.

:func:`louvain_partition` numbers the Louvain communities of a graph from the
largest down, reproducibly (seeded), so a picture can colour them and a table
can name them ("#1", "#2", ...) the same way in every run.

References
----------
Blondel, V. D., Guillaume, J.-L., Lambiotte, R. & Lefebvre, E. (2008). Fast
unfolding of communities in large networks. Journal of Statistical Mechanics
P10008.
"""

from __future__ import annotations

import networkx as nx

__all__ = ["louvain_partition"]


def louvain_partition(G: nx.Graph, weight: str | None = None, seed: int = 0) -> dict:
    r"""Louvain communities of ``G``, numbered 1, 2, ... from the largest.

    Louvain (Blondel et al. 2008) moves nodes between communities, then merges
    communities, while the modularity

    .. math::

        Q = \frac{1}{2m} \sum_{ij} \Big(A_{ij} - \frac{k_i k_j}{2m}\Big)\, \delta(c_i, c_j)

    grows (:math:`A_{ij}` the weight between ``i`` and ``j``, :math:`k_i` the
    weighted degree, :math:`m` the total weight). A directed graph is read as
    undirected first: the weights of ``a -> b`` and ``b -> a`` add up, so two
    outlets that echo each other both ways are tied by all of it.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    weight : str, optional
        Edge attribute of the tie strength (a missing one counts 1; amplify:
        ``"count"``); None: every edge counts 1.
    seed : int
        Seed of :func:`networkx.community.louvain_communities` (its node order).

    Returns
    -------
    dict
        Node -> community number, in ``G``'s node order; 1 is the largest
        community, ties broken by the smallest node name (as a string).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
    >>> louvain_partition(G)
    {'a': 1, 'b': 1, 'c': 1, 'x': 2, 'y': 2, 'z': 2}

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R. & Lefebvre, E. (2008).
       Fast unfolding of communities in large networks. Journal of Statistical
       Mechanics P10008.
    """
    u = nx.Graph()
    u.add_nodes_from(G)
    for a, b, d in G.edges(data=True):
        w = float(d.get(weight, 1)) if weight else 1.0
        if u.has_edge(a, b):
            u[a][b]["weight"] += w
        else:
            u.add_edge(a, b, weight=w)
    comms = nx.community.louvain_communities(u, weight="weight", seed=seed) if len(u) else []
    comms = sorted(comms, key=lambda c: (-len(c), min(map(str, c))))
    number = {n: i + 1 for i, c in enumerate(comms) for n in c}
    return {n: number[n] for n in G}  # in G's node order, not the sets' (which changes between runs)
