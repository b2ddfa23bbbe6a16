r"""Participation coefficient (Guimerà & Amaral 2005): how evenly a node's ties spread over communities.

.. math::

    P_i = 1 - \sum_{s} \left( \frac{k_{is}}{k_i} \right)^2

with :math:`k_i` the (weighted) degree of node ``i`` and :math:`k_{is}` the
part of it to nodes of community ``s``. 0: every tie inside one community;
close to 1: ties spread evenly over many. In a directed graph in- and
out-edges both count (the undirected degree); nodes without ties get NaN.
The communities are a partition given by the caller, e.g. Louvain's
(:func:`networkx.community.louvain_communities`).

:func:`participation_coefficient` works on a :mod:`networkx` graph;
:func:`participation_from_edges` on an integer edge list (see
:mod:`~amplify.analyze.csr`), with numpy alone.

References
----------
.. [1] Guimerà, R. & Amaral, L. A. N. (2005). Functional cartography of complex
   metabolic networks. *Nature* 433, 895--900.
"""

from __future__ import annotations

import numpy as np

__all__ = ["participation_coefficient", "participation_from_edges"]


def participation_coefficient(G, communities, weight: str | None = "weight") -> dict:
    """Guimerà-Amaral participation coefficient of every node.

    :math:`P_i = 1 - \\sum_s (k_{is}/k_i)^2` over the communities ``s``, with
    :math:`k_i` the (weighted) degree; in a directed graph in- and out-edges
    both count. Nodes without edges get NaN.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    communities : iterable of sets of nodes
        A partition (e.g. from :func:`networkx.community.louvain_communities`).
    weight : str or None

    Examples
    --------
    ``c`` has one tie into each of two communities:

    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    >>> pc = participation_coefficient(G, [{"a", "b", "c"}, {"d", "e"}], weight=None)
    >>> pc["a"], pc["c"]
    (0.0, 0.5)

    References
    ----------
    .. [1] Guimerà & Amaral (2005), Functional cartography of complex metabolic networks, *Nature* 433.
    """
    comm = {}
    for i, c in enumerate(communities):
        for v in c:
            comm[v] = i
    k = {v: 0.0 for v in G}
    ks = {v: {} for v in G}
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        w = 1.0 if weight is None else float(data.get(weight, 1.0))
        for x, y in ((u, v), (v, u)):
            k[x] += w
            cy = comm.get(y)
            ks[x][cy] = ks[x].get(cy, 0.0) + w
    return {v: (1.0 - sum((kv / k[v]) ** 2 for kv in ks[v].values())) if k[v] > 0 else float("nan")
            for v in G}


def participation_from_edges(n: int, src, dst, w, comm) -> np.ndarray:
    """Participation coefficient of nodes ``0 .. n - 1`` of the edges ``src -> dst`` with weights ``w``.

    The array form of :func:`participation_coefficient`: ``comm`` holds each
    node's community number; self-loops are left out.

    Returns
    -------
    ndarray of float64, shape (n,)

    Examples
    --------
    Node 1 has one tie inside its community and one to the other:

    >>> import numpy as np
    >>> participation_from_edges(3, np.array([0, 1]), np.array([1, 2]), np.ones(2), np.array([0, 0, 1])).tolist()
    [0.0, 0.5, 0.0]
    """
    keep = src != dst
    src, dst, w = src[keep], dst[keep], w[keep]
    nodes = np.r_[src, dst]
    other = np.r_[dst, src]
    ww = np.r_[w, w]
    k = np.bincount(nodes, weights=ww, minlength=n)
    n_c = int(comm.max()) + 1 if len(comm) else 1
    kis = np.bincount(nodes * n_c + comm[other], weights=ww, minlength=n * n_c).reshape(n, n_c)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 1.0 - ((kis / k[:, None]) ** 2).sum(axis=1)
    p[k == 0] = np.nan
    return p
