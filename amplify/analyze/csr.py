"""Graphs as arrays: the edge list and compressed sparse row (CSR) form the measures compute on.

The graph measures (:mod:`~amplify.analyze.betweenness`,
:mod:`~amplify.analyze.brokerage`, :mod:`~amplify.analyze.participation`,
:mod:`~amplify.analyze.structural_holes`) take a :mod:`networkx` graph in
their public form, but compute on integer arrays: nodes numbered
``0 .. n - 1`` and one ``(src, dst, weight)`` triple per edge.
:func:`edge_arrays` turns a graph into that edge list; :func:`sorted_csr`
turns an edge list into the CSR index the compiled kernels walk (the
out-neighbours of ``v`` are ``indices[indptr[v]:indptr[v + 1]]``, sorted, so
an edge test is a binary search).

Examples
--------
>>> import networkx as nx
>>> G = nx.DiGraph([("a", "b"), ("a", "c"), ("c", "a")])
>>> nodes, src, dst, w = edge_arrays(G)
>>> nodes, src.tolist(), dst.tolist(), w.tolist()
(['a', 'b', 'c'], [0, 0, 2], [1, 2, 0], [1.0, 1.0, 1.0])
>>> indptr, indices, weights = sorted_csr(3, src, dst, w)
>>> indptr.tolist(), indices.tolist()
([0, 2, 2, 3], [1, 2, 0])

References
----------
.. [1] Saad, Y. (2003). *Iterative Methods for Sparse Linear Systems*, 2nd ed.
   SIAM, section 3.4 (the compressed sparse row format).
"""

from __future__ import annotations

import numpy as np

__all__ = ["edge_arrays", "sorted_csr"]


def sorted_csr(n: int, src, dst, weights=None):
    """Sorted CSR ``(indptr, indices, weights)`` of the directed edges ``src -> dst`` over ``n`` nodes.

    Parameters
    ----------
    n : int
        Number of nodes; ``src`` and ``dst`` hold node numbers ``0 .. n - 1``.
    src, dst : array of int
        One entry per edge.
    weights : array of float, optional
        One per edge (default: all 1).

    Returns
    -------
    indptr : ndarray of int64, shape (n + 1,)
    indices : ndarray of int64
        The edges' ``dst``, ordered by ``(src, dst)``.
    weights : ndarray of float64
        The weights in the same order.
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    w = np.ones(len(src)) if weights is None else np.asarray(weights, dtype=np.float64)
    order = np.lexsort((dst, src))
    src, dst, w = src[order], dst[order], w[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst, w


def edge_arrays(G, weight: str | None = None):
    """The nodes of ``G`` and its edges (self-loops left out) as integer arrays.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
    weight : str, optional
        Edge attribute to read (missing: 1); None gives every edge weight 1.

    Returns
    -------
    nodes : list
        The nodes in ``G``'s order; node ``i`` of the arrays is ``nodes[i]``.
    src, dst : ndarray of int64
        One entry per edge, as ``G.edges()`` lists them (once per undirected edge).
    weights : ndarray of float64
    """
    nodes = list(G.nodes())
    pos = {v: i for i, v in enumerate(nodes)}
    s, d, w = [], [], []
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        s.append(pos[u])
        d.append(pos[v])
        w.append(1.0 if weight is None else float(data.get(weight, 1.0)))
    return nodes, np.asarray(s, np.int64), np.asarray(d, np.int64), np.asarray(w, np.float64)
