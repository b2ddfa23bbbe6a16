r"""Structural holes: Burt's constraint, how much a node's contacts are tied to each other.

.. math::

    c_i = \sum_{j \in N(i)} \Big( p_{ij} + \sum_{q \in N(i),\, q \ne i, j} p_{iq}\, p_{qj} \Big)^2

where :math:`N(i)` are ``i``'s neighbours (ties either way) and
:math:`p_{ij}` the share of ``i``'s ties (weights both ways summed) spent on
``j``. A node whose contacts are not tied to each other spans *structural
holes*: its constraint is low, and it can broker between them; a node whose
contacts all deal with each other directly is constrained (up to 1 and a
little over). Isolated nodes get NaN.

:func:`burt_constraint` gives the same values as :func:`networkx.constraint`
(tested) on a :mod:`networkx` graph; :func:`constraint_from_edges` on an
integer edge list (see :mod:`~amplify.analyze.csr`), compiled (numba, nodes
in parallel).

References
----------
.. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of
   Competition*. Harvard University Press.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from amplify.analyze.csr import edge_arrays, sorted_csr

__all__ = ["burt_constraint", "constraint_from_edges"]


def burt_constraint(G, weight: str | None = None) -> dict:
    """Burt's constraint of every node; the same values as :func:`networkx.constraint`, compiled.

    :math:`c_i = \\sum_{j \\in N(i)} (p_{ij} + \\sum_{q \\in N(i)} p_{iq} p_{qj})^2` where
    :math:`p_{ij}` is ``i``'s normalised mutual weight with ``j`` (edges both
    ways summed, divided by the sum over ``i``'s neighbours). Isolated nodes
    get NaN.

    Examples
    --------
    A star: the centre's three contacts are not tied to each other.

    >>> import networkx as nx
    >>> c = burt_constraint(nx.star_graph(3))
    >>> round(c[0], 4), c[1]
    (0.3333, 1.0)

    References
    ----------
    .. [1] Burt (1992), *Structural Holes*. Harvard University Press.
    """
    nodes, s, d, w = edge_arrays(G, weight)
    if not G.is_directed():  # each undirected edge counts once per direction
        s, d, w = np.r_[s, d], np.r_[d, s], np.r_[w, w]
    return dict(zip(nodes, constraint_from_edges(len(nodes), s, d, w).tolist()))


def constraint_from_edges(n: int, src, dst, w) -> np.ndarray:
    """Burt's constraint of nodes ``0 .. n - 1`` of the directed edges ``src -> dst`` with weights ``w``.

    The array form of :func:`burt_constraint`: the weights of both directions
    of a pair are summed; self-loops are left out.

    Returns
    -------
    ndarray of float64, shape (n,)

    Examples
    --------
    A path 0 - 1 - 2: node 1's two contacts are not tied to each other.

    >>> import numpy as np
    >>> constraint_from_edges(3, np.array([0, 1]), np.array([1, 2]), np.ones(2)).tolist()
    [1.0, 0.5, 1.0]
    """
    keep = src != dst
    src, dst, w = src[keep], dst[keep], w[keep]
    # mutual weights: both directions summed, on the undirected neighbourhood
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    key, inv = np.unique(lo * n + hi, return_inverse=True)
    mw = np.bincount(inv, weights=w)
    a, b = key // n, key % n
    indptr, indices, vals = sorted_csr(n, np.r_[a, b], np.r_[b, a], np.r_[mw, mw])
    rows = np.repeat(np.arange(n), np.diff(indptr))
    row_sum = np.bincount(rows, weights=vals, minlength=n)
    p = np.where(row_sum[rows] > 0, vals / np.where(row_sum[rows] > 0, row_sum[rows], 1.0), 0.0)
    return _constraint_kernel(indptr, indices, p, n)


@njit(cache=True, parallel=True)
def _constraint_kernel(indptr, indices, p, n):
    out = np.full(n, np.nan)
    for u in prange(n):
        if indptr[u] == indptr[u + 1]:
            continue
        acc = np.zeros(n)  # per node: fine up to some 10^4 outlets
        for e in range(indptr[u], indptr[u + 1]):
            q = indices[e]
            puq = p[e]
            for f in range(indptr[q], indptr[q + 1]):
                acc[indices[f]] += puq * p[f]
        c = 0.0
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            x = p[e] + acc[v]
            c += x * x
        out[u] = c
    return out
